/* bench.c - rxsim-bench: how fast the virtual engine replays captures, next to how fast
 * libpcap alone reads them.
 *
 * Each workload is a capture written deterministically by the project's generators and a
 * scenario. The capture is read once to warm the page cache, then read again by a plain
 * pcap_next_ex() loop (the floor: what any tool pays to read the file), then replayed by
 * the simulator in a forked child, so the peak resident memory that wait4() reports is the
 * simulator's for that workload alone and not the high-water mark of an earlier one.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rxsim/rxsim.h"

#define MAX_SELECTED 16
#define RSS_PORTS 16		/* udp-rss: sockets on ports 9000..9015 */
#define RSS_FLOWS 1024		/* udp-rss: flows in all */
#define RSS_SOURCES 64		/* udp-rss: source addresses, for the NIC's 2-tuple hash */

struct bench_opts {
	uint64_t packets;
	const char *names[MAX_SELECTED];
	unsigned int nnames;
	bool json, keep;
	const char *dir;
	unsigned int rounds;		/* threaded workloads: runs of each, the best kept */
	bool instructions;		/* --instructions: count them too (virtual engine) */
};

/* How --instructions counts: the hardware counter (perf_event_open), or the replay once
 * more under valgrind's callgrind where there is none (a VM without a PMU). */
enum instr_how { INSTR_NONE, INSTR_PERF, INSTR_CALLGRIND };
static enum instr_how instr_how;

/* What one workload measured. Filled by the parent (pcap loop) and the child (the rest). */
struct result {
	uint64_t packets;		/* frames replayed (offered to the NIC) */
	double sim_s;			/* wall time of rxs_host_run() */
	double pcap_s;			/* wall time of the pcap_next_ex() loop */
	uint64_t pcap_packets;
	long rss_kb;			/* the child's peak resident set */
	uint64_t delivered;		/* datagrams or connections the applications took */
	uint64_t dropped;
	int conservation_ok;
	uint64_t instructions;		/* --instructions: user-space, in rxs_host_run() */
	int rc;				/* 0, or the error that stopped the child */
	char err[256];
};

struct workload {
	const char *name;
	const char *what;
	/* Write the capture of @n packets to @path. 0 or <0 with @err set. */
	int (*gen)(const char *path, uint64_t n, char *err, size_t errlen);
	const char *scenario;		/* YAML; "%s" is the capture's file name */
	bool threaded;			/* the threaded engine at top speed, best of --rounds runs */
	unsigned int hosts;		/* threaded: this many hosts at once (1 or 2) */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void addr(struct rxs_addr *a, const char *text)
{
	/* Our own literals: they always parse. */
	if (rxs_addr_parse(a, text) != 0)
		abort();
}

/* The generators' common part: NIC MAC 02:..:02, sender 02:..:01, 10.0.0.1 -> 10.0.0.2. */
static void udp_base(struct rxs_gen_udp *g, uint64_t n, double rate)
{
	memset(g, 0, sizeof(*g));
	memcpy(g->dst_mac, (const uint8_t[6]){ 0x02, 0, 0, 0, 0, 0x02 }, 6);
	memcpy(g->src_mac, (const uint8_t[6]){ 0x02, 0, 0, 0, 0, 0x01 }, 6);
	addr(&g->dst, "10.0.0.2");
	addr(&g->src, "10.0.0.1");
	g->dport = 9;
	g->flows = 1;
	g->size = 64;
	g->rate_pps = rate;
	g->count = n;
}

static void tcp_base(struct rxs_gen_tcp *t, enum rxs_gen_tcp_kind kind, uint64_t n, double rate)
{
	struct rxs_gen_udp g;

	udp_base(&g, n, rate);
	memset(t, 0, sizeof(*t));
	memcpy(t->dst_mac, g.dst_mac, 6);
	memcpy(t->src_mac, g.src_mac, 6);
	t->dst = g.dst;
	t->src = g.src;
	t->dport = 80;
	t->kind = kind;
	t->seed = 8;
	t->rate_pps = rate;
	t->count = n;
}

static int gen_udp_1flow(const char *path, uint64_t n, char *err, size_t errlen)
{
	struct rxs_gen_udp g;

	udp_base(&g, n, 1e6);
	return rxs_gen_udp_pcap(&g, path, err, errlen);
}

static int gen_syn_flood(const char *path, uint64_t n, char *err, size_t errlen)
{
	struct rxs_gen_tcp t;

	tcp_base(&t, RXS_GEN_SYN_FLOOD, n, 1e6);
	addr(&t.src, "172.16.0.1");	/* 65536 sources: 172.16.0.1 .. 172.17.0.0 */
	t.sources = 65536;
	return rxs_gen_tcp_pcap(&t, path, err, errlen);
}

static int gen_tcp_gro(const char *path, uint64_t n, char *err, size_t errlen)
{
	struct rxs_gen_tcp t;

	/* 16 connections round robin: a 64-frame NAPI poll holds 4 segments of each, which
	 * GRO can merge; with hundreds, no two segments of a flow would meet in one poll. */
	tcp_base(&t, RXS_GEN_TCP_FLOWS, n, 5e5);
	t.flows = 16;
	/* The connections are opened in the file (the server's SYN-ACKs are not replayed, only
	 * learned), so the segments reach established sockets read by their application. */
	t.handshake = true;
	return rxs_gen_tcp_pcap(&t, path, err, errlen);
}

/* Write frame @i of @srcs (round robin) at @rate into @d. 1 written, 0 end, <0 error. */
static int merge_one(pcap_dumper_t *d, rxs_source_t **srcs, unsigned int nsrcs, uint64_t i,
		     double rate)
{
	struct rxs_frame f;
	struct pcap_pkthdr h;
	uint64_t ts = (uint64_t)((double)i * 1e9 / rate + 0.5);
	int rc = rxs_source_next(srcs[i % nsrcs], &f);

	if (rc <= 0)
		return rc;
	h.caplen = f.len;
	h.len = f.wire_len;
	h.ts.tv_sec = (time_t)(ts / 1000000000u);
	h.ts.tv_usec = (suseconds_t)(ts % 1000000000u / 1000u);
	pcap_dump((u_char *)d, &h, f.data);
	return 1;
}

/* udp-rss: NICs hash UDP on addresses only (ethtool rx-flow-hash udp4 "sd"), so the 1024
 * flows come from 64 source addresses, 16 source ports each, towards 16 ports: 64
 * generators merged round robin into one file. */
static int gen_udp_rss(const char *path, uint64_t n, char *err, size_t errlen)
{
	rxs_source_t *srcs[RSS_SOURCES] = { NULL };
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = dead ? pcap_dump_open(dead, path) : NULL;
	int rc = d ? 0 : -EIO;

	for (unsigned int k = 0; rc == 0 && k < RSS_SOURCES; k++) {
		struct rxs_gen_udp g;

		udp_base(&g, n / RSS_SOURCES + 1, 2e6);
		g.src.addr[2] = 1;
		g.src.addr[3] = (uint8_t)(k + 1);	/* 10.0.1.1 .. 10.0.1.64 */
		g.dport = (uint16_t)(9000 + k % RSS_PORTS);
		g.flows = RSS_FLOWS / RSS_SOURCES;
		rc = rxs_source_open_gen_udp(&srcs[k], &g);
	}
	for (uint64_t i = 0; rc == 0 && i < n; i++)
		rc = merge_one(d, srcs, RSS_SOURCES, i, 2e6) == 1 ? 0 : -EIO;
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", path, d ? rxs_strerror(rc) : pcap_geterr(dead));
	for (unsigned int k = 0; k < RSS_SOURCES; k++)
		rxs_source_close(srcs[k]);
	if (d)
		pcap_dump_close(d);
	if (dead)
		pcap_close(dead);
	return rc;
}

#define NIC_ETH0(queues) \
	"nics:\n" \
	"  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24], rx_queues: " \
	queues ", ring_size: 4096 }\n"

#define TRAFFIC "traffic:\n  - { pcap: \"%s\", nic: eth0 }\nrun: { until: end+10ms }\n"
/* The threaded engine's time is the real clock: 1 ms after the last frame (enough for the
 * rings, at most 256 frames deep at top speed, to drain) is 1% of a million packets' run,
 * where 10 ms would be a tenth of it. */
#define TRAFFIC_REAL "traffic:\n  - { pcap: \"%s\", nic: eth0 }\nrun: { until: end+1ms }\n"

static const char udp_1flow_yaml[] =
	"host: { cpus: 1 }\n" NIC_ETH0("1")
	"sockets:\n  - { name: sink, proto: udp, bind: 0.0.0.0:9, app: { read: all } }\n" TRAFFIC;

/* udp-rss: 16 sockets on ports 9000..9015, read by applications that keep up. On the
 * threaded engine the same capture and NIC, with one and with two CPU threads (the four
 * queues' IRQs spread over them). */
#define S(p) "  - { name: s" #p ", proto: udp, bind: 0.0.0.0:90" #p ", app: { read: all } }\n"
#define RSS_SOCKETS "sockets:\n" S(00) S(01) S(02) S(03) S(04) S(05) S(06) S(07) \
	S(08) S(09) S(10) S(11) S(12) S(13) S(14) S(15)
static const char udp_rss_yaml[] = "host: { cpus: 4 }\n" NIC_ETH0("4") RSS_SOCKETS TRAFFIC;
static const char udp_rss_t1_yaml[] =
	"host: { cpus: 1 }\n" NIC_ETH0("4") RSS_SOCKETS TRAFFIC_REAL;
static const char udp_rss_t2_yaml[] =
	"host: { cpus: 2 }\n" NIC_ETH0("4") RSS_SOCKETS TRAFFIC_REAL;
#undef RSS_SOCKETS
#undef S

static const char syn_flood_yaml[] =
	"host: { cpus: 1 }\n"
	"sysctl: { net.ipv4.tcp_syncookies: 1 }\n" NIC_ETH0("1")
	"sockets:\n  - { name: web, proto: tcp, bind: 0.0.0.0:80, app: { accept: all } }\n"
	TRAFFIC;

static const char tcp_gro_yaml[] =
	"host: { cpus: 1 }\n"
	"nics:\n  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24], "
	"ring_size: 4096, gro: true }\n"
	"sockets:\n  - { name: web, proto: tcp, bind: 0.0.0.0:80, app: { accept: all } }\n"
	TRAFFIC;

/* 20 rules that look at every packet and match none, then the one that accepts it. */
#define NOMATCH(n) "    -A INPUT -p tcp --dport " #n " -j DROP\n"
static const char filtered_yaml[] =
	"host: { cpus: 1 }\n" NIC_ETH0("1")
	"netfilter: |\n"
	"    *filter\n"
	"    :INPUT ACCEPT [0:0]\n"
	NOMATCH(1001) NOMATCH(1002) NOMATCH(1003) NOMATCH(1004) NOMATCH(1005)
	NOMATCH(1006) NOMATCH(1007) NOMATCH(1008) NOMATCH(1009) NOMATCH(1010)
	"    -A INPUT -s 192.168.0.0/16 -j DROP\n"
	"    -A INPUT -p udp --dport 53 -j DROP\n"
	"    -A INPUT -p udp --sport 53 -j DROP\n"
	"    -A INPUT -p icmp -j DROP\n"
	"    -A INPUT -d 10.0.0.3 -j DROP\n"
	"    -A INPUT -p udp --dport 1000:2000 -j DROP\n"
	"    -A INPUT -s 10.1.0.0/16 -p udp -j DROP\n"
	"    -A INPUT -i eth1 -j DROP\n"
	"    -A INPUT -p udp --dport 5353 -j DROP\n"
	"    -A INPUT -p udp --dport 123 -j DROP\n"
	"    -A INPUT -p udp --dport 9 -j ACCEPT\n"
	"    COMMIT\n"
	"taps:\n  - { name: tcpdump, filter: \"udp port 9\" }\n"
	"sockets:\n  - { name: sink, proto: udp, bind: 0.0.0.0:9, app: { read: all } }\n" TRAFFIC;
#undef NOMATCH

/* xdp-drop: the udp-1flow flood dropped by an XDP program in the driver (bench/xdp_drop.bpf.c,
 * built by clang with the benchmark; without clang and libbpf the workload is left out). */
#ifdef RXS_BENCH_XDP_OBJ
static const char xdp_drop_yaml[] =
	"host: { cpus: 1 }\n"
	"nics:\n"
	"  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24], ring_size: 4096,\n"
	"      xdp: { object: \"" RXS_BENCH_XDP_OBJ "\", program: xdp_drop } }\n"
	"sockets:\n  - { name: sink, proto: udp, bind: 0.0.0.0:9, app: { read: all } }\n" TRAFFIC;
#endif

static const struct workload workloads[] = {
	{ "udp-1flow", "64-byte UDP, 1 flow, 1 queue, 1 CPU, a socket read by a keeping-up app",
	  gen_udp_1flow, udp_1flow_yaml, false, 1 },
	{ "udp-rss", "64-byte UDP, 1024 flows from 64 hosts, RSS over 4 queues and 4 CPUs, 16 sockets",
	  gen_udp_rss, udp_rss_yaml, false, 1 },
	{ "syn-flood", "SYNs from 65536 sources to a listener on port 80, syncookies on",
	  gen_syn_flood, syn_flood_yaml, false, 1 },
	{ "tcp-gro", "1514-byte TCP segments of 16 established connections, GRO on",
	  gen_tcp_gro, tcp_gro_yaml, false, 1 },
	{ "filtered", "udp-1flow behind 20 non-matching iptables rules and a tap 'udp port 9'",
	  gen_udp_1flow, filtered_yaml, false, 1 },
#ifdef RXS_BENCH_XDP_OBJ
	{ "xdp-drop", "udp-1flow dropped by an XDP program in the driver (bench/xdp_drop.bpf.c)",
	  gen_udp_1flow, xdp_drop_yaml, false, 1 },
#endif
	{ "udp-rss-t1", "udp-rss on the threaded engine at top speed, 1 CPU thread",
	  gen_udp_rss, udp_rss_t1_yaml, true, 1 },
	{ "udp-rss-t2", "udp-rss on the threaded engine at top speed, 2 CPU threads",
	  gen_udp_rss, udp_rss_t2_yaml, true, 1 },
	{ "udp-rss-2x1", "two hosts of udp-rss-t1 at once, each replaying the capture: the most "
	  "this machine gives two CPU threads that share nothing", gen_udp_rss, udp_rss_t1_yaml,
	  true, 2 },
};

#define NWORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

/* Read @path once so both measurements find it in the page cache. */
static int warm(const char *path)
{
	static char buf[1 << 20];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	return n < 0 ? -EIO : 0;
}

/* The floor: a bare libpcap read loop over @path, summing lengths so nothing is skipped. */
static int read_loop(const char *path, struct result *r)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t n = 0, bytes = 0;
	double t0;

	if (!p) {
		snprintf(r->err, sizeof(r->err), "%s", ebuf);
		return -EIO;
	}
	t0 = now_s();
	while (pcap_next_ex(p, &h, &data) == 1) {
		n++;
		bytes += h->caplen + data[0];
	}
	r->pcap_s = now_s() - t0;
	r->pcap_packets = n;
	pcap_close(p);
	return bytes ? 0 : -EIO;
}

/* Totals for sanity: what the applications took and what was dropped. */
static void collect(rxs_host_t *h, struct result *r)
{
	struct rxs_conservation c;
	bool first = !r->packets;

	r->conservation_ok = rxs_host_conservation(h, &c) == 0 && (first || r->conservation_ok);
	r->packets += c.offered;
	r->dropped += c.dropped;
	for (unsigned int s = 0; s < rxs_socket_count(h); s++) {
		struct rxs_socket_info si;

		if (rxs_socket_get_info(rxs_socket_get(h, s), &si) == 0)
			r->delivered += si.delivered;
	}
}

/* A counter of the instructions this process runs in user space, disabled; -1 if the
 * machine has none (a VM without a PMU, or perf_event_paranoid forbids it). */
static int instr_counter(void)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_HARDWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_HW_INSTRUCTIONS;
	a.disabled = 1;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

/* The measured run of the virtual engine, on its own so that callgrind counts just it
 * (--toggle-collect=bench_measured_run*): never inlined, cloned or merged. */
#ifdef __clang__
__attribute__((noinline))
#else
__attribute__((noipa))
#endif
int bench_measured_run(rxs_host_t *h);
int bench_measured_run(rxs_host_t *h)
{
	return rxs_host_run(h);
}

/* The virtual engine's run of @h, its instructions counted when --instructions found a
 * hardware counter. */
static int virtual_run(rxs_host_t *h, struct result *r)
{
	int fd = instr_how == INSTR_PERF ? instr_counter() : -1, rc;
	uint64_t n = 0;

	if (fd >= 0) {
		ioctl(fd, PERF_EVENT_IOC_RESET, 0);
		ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	}
	rc = bench_measured_run(h);
	if (fd >= 0) {
		ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
		if (read(fd, &n, sizeof(n)) == (ssize_t)sizeof(n))
			r->instructions = n;
		close(fd);
	}
	return rc;
}

/* In the child: build the host(s) of @w over @pcap (in @dir) and time their run. */
static void sim_run(const struct workload *w, const char *dir, const char *pcap,
		    struct result *r)
{
	struct rxs_scenario *sc = NULL;
	rxs_host_t *h[2] = { NULL, NULL };
	unsigned int nh = w->hosts;
	char text[4096];
	double t0;
	int n = snprintf(text, sizeof(text), w->scenario, pcap);

	r->rc = rxs_scenario_parse(&sc, text, (size_t)n, w->name, dir, r->err, sizeof(r->err));
	for (unsigned int i = 0; r->rc == 0 && i < nh; i++)
		r->rc = rxs_host_create(&h[i], sc, r->err, sizeof(r->err));
	if (r->rc == 0) {
		t0 = now_s();
		if (!w->threaded) {
			r->rc = virtual_run(h[0], r);
		} else {
			for (unsigned int i = 0; r->rc == 0 && i < nh; i++)
				r->rc = rxs_host_start_threaded(h[i], true);
			for (unsigned int i = 0; i < nh; i++) {
				int rc = rxs_host_wait_threaded(h[i]);

				r->rc = r->rc ? r->rc : rc;
			}
		}
		r->sim_s = now_s() - t0;
		for (unsigned int i = 0; i < nh; i++) {
			if (r->rc && !r->err[0])
				snprintf(r->err, sizeof(r->err), "%s", rxs_host_errmsg(h[i]));
			collect(h[i], r);
		}
	}
	for (unsigned int i = 0; i < nh; i++)
		rxs_host_destroy(h[i]);
	rxs_scenario_free(sc);
}

/* Run sim_run() in a child; its result comes back through a pipe, its peak RSS from wait4. */
static int sim_in_child(const struct workload *w, const char *dir, const char *pcap,
			struct result *r)
{
	struct rusage ru;
	struct result cr;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(fds[0]);
		memset(&cr, 0, sizeof(cr));
		sim_run(w, dir, pcap, &cr);
		_exit(write(fds[1], &cr, sizeof(cr)) == (ssize_t)sizeof(cr) ? 0 : 1);
	}
	close(fds[1]);
	memset(&cr, 0, sizeof(cr));
	if (read(fds[0], &cr, sizeof(cr)) != (ssize_t)sizeof(cr))
		cr.rc = -EIO;
	close(fds[0]);
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		cr.rc = cr.rc ? cr.rc : -ECHILD;
	cr.pcap_s = r->pcap_s;
	cr.pcap_packets = r->pcap_packets;
	cr.rss_kb = ru.ru_maxrss;
	*r = cr;
	return r->rc;
}

static double sim_pps(const struct result *r)
{
	return r->sim_s > 0 ? (double)r->packets / r->sim_s : 0;
}

static double pcap_pps(const struct result *r)
{
	return r->pcap_s > 0 ? (double)r->pcap_packets / r->pcap_s : 0;
}

static double instr_per_pkt(const struct result *r)
{
	return r->packets ? (double)r->instructions / (double)r->packets : 0;
}

static void print_header(const struct bench_opts *o)
{
	printf("%-11s %10s %9s %10s %8s %9s %10s %7s %10s %10s", "workload", "packets", "wall s",
	       "sim pps", "ns/pkt", "peak MB", "pcap pps", "ratio", "delivered", "dropped");
	printf(o->instructions ? " %10s\n" : "\n", "instr/pkt");
}

static void print_row(const struct workload *w, const struct bench_opts *o,
		      const struct result *r)
{
	char instr[32] = "";

	if (o->instructions && r->instructions)
		snprintf(instr, sizeof(instr), " %10.0f", instr_per_pkt(r));
	else if (o->instructions)
		snprintf(instr, sizeof(instr), " %10s", "-");
	printf("%-11s %10llu %9.3f %10.0f %8.1f %9.1f %10.0f %7.3f %10llu %10llu%s%s\n", w->name,
	       (unsigned long long)r->packets, r->sim_s, sim_pps(r),
	       r->packets ? r->sim_s * 1e9 / (double)r->packets : 0, (double)r->rss_kb / 1024,
	       pcap_pps(r), pcap_pps(r) > 0 ? sim_pps(r) / pcap_pps(r) : 0,
	       (unsigned long long)r->delivered, (unsigned long long)r->dropped, instr,
	       r->conservation_ok ? "" : "  CONSERVATION VIOLATED");
}

static void print_json(const struct workload *w, const struct result *r, bool first)
{
	printf("%s\n  {\"workload\": \"%s\", \"packets\": %llu, \"wall_s\": %.6f, "
	       "\"packets_per_s\": %.0f, \"ns_per_packet\": %.2f, \"peak_rss_kb\": %ld, "
	       "\"pcap_packets_per_s\": %.0f, \"ratio\": %.4f, \"delivered\": %llu, "
	       "\"dropped\": %llu, \"conservation_ok\": %s", first ? "[" : ",", w->name,
	       (unsigned long long)r->packets, r->sim_s, sim_pps(r),
	       r->packets ? r->sim_s * 1e9 / (double)r->packets : 0, r->rss_kb, pcap_pps(r),
	       pcap_pps(r) > 0 ? sim_pps(r) / pcap_pps(r) : 0, (unsigned long long)r->delivered,
	       (unsigned long long)r->dropped, r->conservation_ok ? "true" : "false");
	if (r->instructions)
		printf(", \"instructions_per_packet\": %.1f, \"instructions_by\": \"%s\"",
		       instr_per_pkt(r), instr_how == INSTR_PERF ? "perf" : "callgrind");
	printf("}");
}

static void capture_name(const struct workload *w, const struct bench_opts *o, char *name,
			 size_t len)
{
	snprintf(name, len, "%s-%llu.pcap", w->name, (unsigned long long)o->packets);
}

/* Replay @w's capture once more; keep the faster of that and @r. 0, or <0 on stderr. */
static int run_again(const struct workload *w, const struct bench_opts *o, struct result *r)
{
	struct result again = *r;
	char name[64];
	int rc;

	capture_name(w, o, name, sizeof(name));
	if ((rc = sim_in_child(w, o->dir, name, &again)) < 0)
		fprintf(stderr, "rxsim-bench: %s: %s\n", w->name,
			again.err[0] ? again.err : rxs_strerror(rc));
	else if (again.sim_s < r->sim_s)
		*r = again;
	return rc;
}

static void remove_capture(const struct workload *w, const struct bench_opts *o)
{
	char path[4096], name[64];

	capture_name(w, o, name, sizeof(name));
	snprintf(path, sizeof(path), "%s/%s", o->dir, name);
	if (!o->keep)
		unlink(path);
}

/* Print @r's row (or JSON object) and remove the capture. Whether conservation held. */
static bool report(const struct workload *w, const struct bench_opts *o, const struct result *r,
		   bool *first)
{
	remove_capture(w, o);
	if (o->json)
		print_json(w, r, *first);
	else
		print_row(w, o, r);
	fflush(stdout);
	*first = false;
	return r->conservation_ok;
}

/* With --keep: @w's scenario beside its capture (name.yaml for name.pcap), so that
 * `rxsim replay DIR/name.yaml` replays exactly what was measured (the host of one of
 * udp-rss-2x1's two). 0, or <0 with the reason in @err. */
static int keep_scenario(const struct workload *w, const struct bench_opts *o, const char *name,
			 char *err, size_t errlen)
{
	char path[4096];
	size_t n = strlen(name) - strlen(".pcap");
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%.*s.yaml", o->dir, (int)n, name);
	f = fopen(path, "w");
	if (!f || fprintf(f, w->scenario, name) < 0)
		rc = errno ? -errno : -EIO;
	if (f && fclose(f) != 0 && rc == 0)
		rc = errno ? -errno : -EIO;
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	return rc;
}

/* --instructions without a hardware counter: the replay of @name once more, this program
 * under callgrind (--internal-run), counting only bench_measured_run(). 0 or <0, @err set. */
static int callgrind_count(const struct workload *w, const struct bench_opts *o,
			   const char *name, struct result *r, char *err, size_t errlen)
{
	char self[4096], out[4096], cmd[3 * 4096], line[256];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	unsigned long long ir = 0;
	FILE *f;
	int st;

	if (n <= 0) {
		snprintf(err, errlen, "/proc/self/exe: %s", strerror(errno));
		return -errno;
	}
	self[n] = '\0';
	snprintf(out, sizeof(out), "%s/callgrind.%s", o->dir, w->name);
	snprintf(cmd, sizeof(cmd), "valgrind --tool=callgrind --callgrind-out-file='%s' "
		 "--toggle-collect='bench_measured_run*' '%s' --internal-run %s '%s' '%s' "
		 ">/dev/null 2>&1", out, self, w->name, o->dir, name);
	st = system(cmd);
	f = fopen(out, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "summary: %llu", &ir) == 1 || sscanf(line, "totals: %llu", &ir) == 1)
			break;
	if (f)
		fclose(f);
	unlink(out);
	if (st != 0 || !ir) {
		snprintf(err, errlen, "the replay under callgrind failed (status %d, %s)", st,
			 ir ? "counted" : "nothing counted");
		return -EIO;
	}
	r->instructions = ir;
	return 0;
}

/* Generate, warm, measure both ways, once; the capture stays for run_again() until
 * remove_capture(). 0, or <0 with the reason on stderr. */
static int run_workload(const struct workload *w, const struct bench_opts *o, struct result *r)
{
	char path[4096], name[64], err[4096 + 256] = "";
	double t0 = now_s();
	int rc;

	memset(r, 0, sizeof(*r));
	capture_name(w, o, name, sizeof(name));
	snprintf(path, sizeof(path), "%s/%s", o->dir, name);
	rc = w->gen(path, o->packets, err, sizeof(err));
	if (rc == 0)
		fprintf(stderr, "%s: generated %s in %.1f s\n", w->name, path, now_s() - t0);
	if (rc == 0 && o->keep)
		rc = keep_scenario(w, o, name, err, sizeof(err));
	if (rc == 0 && (rc = warm(path)) < 0)
		snprintf(err, sizeof(err), "%s: %s", path, strerror(-rc));
	if (rc == 0 && (rc = read_loop(path, r)) < 0)
		snprintf(err, sizeof(err), "%s", r->err);
	if (rc == 0 && (rc = sim_in_child(w, o->dir, name, r)) < 0)
		snprintf(err, sizeof(err), "%s", r->err[0] ? r->err : rxs_strerror(rc));
	if (rc == 0 && instr_how == INSTR_CALLGRIND && !w->threaded)
		rc = callgrind_count(w, o, name, r, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "rxsim-bench: %s: %s\n", w->name, err);
	return rc;
}

static const char usage[] =
	"usage: rxsim-bench [--packets N] [--workload NAME]... [--rounds N] [--json] [--keep]\n"
	"                   [--dir DIR]\n"
	"\n"
	"Generate each workload's capture, read it once (page cache), time a plain libpcap\n"
	"pcap_next_ex() loop over it, then time the virtual engine replaying it (in a child\n"
	"process, for its own peak RSS). udp-rss-t1 and udp-rss-t2 replay udp-rss on the\n"
	"threaded engine at top speed with 1 and 2 CPU threads; udp-rss-2x1 runs two hosts of\n"
	"udp-rss-t1 at once, what the machine gives two threads that share nothing. These\n"
	"three take turns, --rounds times, and each keeps its best run. For more than 1.00x a\n"
	"benchmark needs the two cores to itself; on a shared machine, more rounds.\n"
	"\n"
	"  --packets N      frames per workload (default 1000000)\n"
	"  --workload NAME  udp-1flow, udp-rss, syn-flood, tcp-gro, filtered, xdp-drop,\n"
	"                   udp-rss-t1, udp-rss-t2, udp-rss-2x1 (default: all; xdp-drop\n"
	"                   when built with clang and libbpf)\n"
	"  --rounds N       runs of each threaded workload, taking turns (default 3)\n"
	"  --json           a JSON array instead of the table\n"
	"  --keep           keep the captures, each with its scenario (NAME-N.yaml, for\n"
	"                   rxsim replay)\n"
	"  --dir DIR        where to write them (default: a new folder under $TMPDIR or /tmp)\n"
	"  --instructions   also instructions a packet of the virtual engine's run: the\n"
	"                   hardware counter, or where there is none (a VM) one more replay\n"
	"                   under valgrind's callgrind (slow: use --packets 100000)\n";

static const struct workload *find_workload(const char *name)
{
	for (size_t i = 0; i < NWORKLOADS; i++)
		if (strcmp(workloads[i].name, name) == 0)
			return &workloads[i];
	return NULL;
}

/* Apply option @a with value @v (NULL if none). false if it is not one of ours or bad. */
static bool apply_opt(struct bench_opts *o, const char *a, const char *v)
{
	char *end;

	if (!v)
		return false;
	if (!strcmp(a, "--dir")) {
		o->dir = v;
	} else if (!strcmp(a, "--workload")) {
		if (!find_workload(v) || o->nnames == MAX_SELECTED)
			return false;
		o->names[o->nnames++] = v;
	} else if (!strcmp(a, "--packets")) {
		errno = 0;
		o->packets = strtoull(v, &end, 10);
		return !errno && !*end && o->packets && *v >= '0' && *v <= '9';
	} else if (!strcmp(a, "--rounds")) {
		unsigned long n;

		errno = 0;
		n = strtoul(v, &end, 10);
		o->rounds = (unsigned int)n;
		return !errno && !*end && n >= 1 && n <= 1000 && *v >= '0' && *v <= '9';
	} else {
		return false;
	}
	return true;
}

/* -1 to go on, or the exit status to return now (help or usage printed). */
static int parse_args(int argc, char **argv, struct bench_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		}
		if (!strcmp(a, "--json") || !strcmp(a, "--keep")) {
			*(a[2] == 'j' ? &o->json : &o->keep) = true;
		} else if (!strcmp(a, "--instructions")) {
			o->instructions = true;
		} else if (!apply_opt(o, a, i + 1 < argc ? argv[i + 1] : NULL)) {
			fprintf(stderr, "rxsim-bench: bad option or value: %s%s%s\n\n%s", a,
				i + 1 < argc ? " " : "", i + 1 < argc ? argv[i + 1] : "", usage);
			return 2;
		} else {
			i++;
		}
	}
	return -1;
}

/* A fresh folder for the captures, unless --dir names one. 0 or -errno. */
static int make_dir(struct bench_opts *o, char *buf, size_t len)
{
	const char *tmp = getenv("TMPDIR");

	if (o->dir)
		return mkdir(o->dir, 0755) == 0 || errno == EEXIST ? 0 : -errno;
	snprintf(buf, len, "%s/rxsim-bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(buf))
		return -errno;
	o->dir = buf;
	return 0;
}

/* --instructions: the hardware counter if this machine has one, else callgrind. 0, or 2
 * with the reason on stderr. */
static int instr_setup(void)
{
	int fd = instr_counter();

	if (fd >= 0) {
		close(fd);
		instr_how = INSTR_PERF;
		return 0;
	}
	if (system("valgrind --version >/dev/null 2>&1") == 0) {
		fprintf(stderr, "rxsim-bench: no hardware instruction counter here (%s): counting "
			"under callgrind\n", strerror(errno));
		instr_how = INSTR_CALLGRIND;
		return 0;
	}
	fprintf(stderr, "rxsim-bench: --instructions: no hardware counter (%s) and no valgrind\n",
		strerror(errno));
	return 2;
}

/* --internal-run NAME DIR PCAP: one replay of workload NAME, for callgrind_count(). */
static int internal_run(int argc, char **argv)
{
	const struct workload *w = argc == 5 ? find_workload(argv[2]) : NULL;
	struct result r;

	if (!w)
		return 2;
	memset(&r, 0, sizeof(r));
	sim_run(w, argv[3], argv[4], &r);
	return r.rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .packets = 1000000, .rounds = 3 };
	char dir[4096] = "";
	bool first = true;
	double t1_pps = 0, t2_pps = 0, x2_pps = 0;
	struct result res[NWORKLOADS];
	bool ok[NWORKLOADS];
	int rc, failed = 0;

	if (argc > 1 && !strcmp(argv[1], "--internal-run"))
		return internal_run(argc, argv);
	rc = parse_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (o.instructions && (rc = instr_setup()) != 0)
		return rc;
	if ((rc = make_dir(&o, dir, sizeof(dir))) < 0) {
		fprintf(stderr, "rxsim-bench: %s: %s\n", o.dir ? o.dir : "temporary folder",
			strerror(-rc));
		return 1;
	}
	if (!o.json)
		print_header(&o);
	for (size_t i = 0; i < NWORKLOADS; i++) {
		const struct workload *w = &workloads[i];
		bool selected = o.nnames == 0;

		for (unsigned int k = 0; k < o.nnames; k++)
			selected |= !strcmp(o.names[k], w->name);
		ok[i] = selected && run_workload(w, &o, &res[i]) == 0;
		failed += selected && !ok[i];
		if (ok[i] && !w->threaded)
			failed += !report(w, &o, &res[i], &first);
	}
	/* Real threads on a shared machine, whose load comes and goes: the threaded
	 * workloads run in turn, --rounds times, and the best of each says what the code can
	 * do; taking turns keeps their ratios from comparing a quiet minute with a busy one. */
	for (unsigned int round = 1; round < o.rounds; round++)
		for (size_t i = 0; i < NWORKLOADS; i++)
			if (ok[i] && workloads[i].threaded &&
			    run_again(&workloads[i], &o, &res[i]) < 0) {
				ok[i] = false;
				failed++;
			}
	for (size_t i = 0; i < NWORKLOADS; i++) {
		const struct workload *w = &workloads[i];

		if (!ok[i])
			continue;
		if (w->threaded)
			failed += !report(w, &o, &res[i], &first);
		if (!strcmp(w->name, "udp-rss-t1"))
			t1_pps = sim_pps(&res[i]);
		if (!strcmp(w->name, "udp-rss-t2"))
			t2_pps = sim_pps(&res[i]);
		if (!strcmp(w->name, "udp-rss-2x1"))
			x2_pps = sim_pps(&res[i]);
	}
	if (o.json)
		printf("%s\n", first ? "[]" : "\n]");
	if (!o.json && t1_pps > 0 && t2_pps > 0)
		printf("\nthreaded engine, udp-rss: 2 CPU threads run at %.2fx the rate of 1 "
		       "(best of %u runs each)\n", t2_pps / t1_pps, o.rounds);
	if (!o.json && t1_pps > 0 && x2_pps > 0)
		printf("this machine: two 1-CPU hosts side by side run at %.2fx the rate of one "
		       "(the most two threads sharing nothing get here)\n", x2_pps / t1_pps);
	if (dir[0] && !o.keep)
		rmdir(dir);
	return failed ? 1 : 0;
}
