/* test_sim.c - the host as a whole: determinism, independence of hosts, virtual time,
 * injection rules, YAML scenarios, and the oracle cases reproduced exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "frames.h"
#include "internal.h"

#define MS 1000000ull

/* Everything a host reports, as plain bytes to compare. */
struct snapshot {
	uint64_t mib[RXS_MIB_COUNT];
	struct rxs_softnet_stat softnet[4];
	struct rxs_cpu_stats cpu[4];
	struct rxs_nic_stats nic[2], queue[2][4];
	struct rxs_socket_info sock[4];
	uint64_t reasons[RXS_DROP_MAX];
	struct rxs_conservation cons;
	uint64_t now;
};

static void snapshot(const rxs_host_t *h, struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
	for (int m = 0; m < RXS_MIB_COUNT; m++)
		s->mib[m] = rxs_host_mib(h, (enum rxs_mib)m);
	assert_true(rxs_host_ncpus(h) <= 4);
	for (unsigned int c = 0; c < rxs_host_ncpus(h); c++) {
		assert_int_equal(rxs_softnet_get_stat(h, c, &s->softnet[c]), 0);
		assert_int_equal(rxs_host_cpu_stats(h, c, &s->cpu[c]), 0);
	}
	assert_true(rxs_nic_count(h) <= 2);
	for (unsigned int n = 0; n < rxs_nic_count(h); n++) {
		assert_int_equal(rxs_nic_get_stats(h, n, &s->nic[n]), 0);
		for (unsigned int q = 0; q < rxs_nic_nqueues(h, n) && q < 4; q++)
			assert_int_equal(rxs_nic_get_queue_stats(h, n, q, &s->queue[n][q], NULL,
								  NULL), 0);
	}
	assert_true(rxs_socket_count(h) <= 4);
	for (unsigned int k = 0; k < rxs_socket_count(h); k++) {
		assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, k), &s->sock[k]), 0);
		s->sock[k].name = NULL;	/* each host has its own copy of the names */
	}
	rxs_host_drop_reasons(h, s->reasons);
	assert_int_equal(rxs_host_conservation(h, &s->cons), 0);
	s->now = rxs_host_now(h);
}

static void assert_same(const struct snapshot *a, const struct snapshot *b)
{
	for (int m = 0; m < RXS_MIB_COUNT; m++)
		if (a->mib[m] != b->mib[m])
			fail_msg("%s: %llu != %llu", rxs_mib_name((enum rxs_mib)m),
				 (unsigned long long)a->mib[m], (unsigned long long)b->mib[m]);
	assert_memory_equal(a->mib, b->mib, sizeof(a->mib));
	assert_memory_equal(a->softnet, b->softnet, sizeof(a->softnet));
	assert_memory_equal(a->cpu, b->cpu, sizeof(a->cpu));
	assert_memory_equal(a->nic, b->nic, sizeof(a->nic));
	assert_memory_equal(a->queue, b->queue, sizeof(a->queue));
	assert_memory_equal(a->sock, b->sock, sizeof(a->sock));
	assert_memory_equal(a->reasons, b->reasons, sizeof(a->reasons));
	assert_memory_equal(&a->cons, &b->cons, sizeof(a->cons));
	assert_int_equal(a->now, b->now);
}

/* Two CPUs, a 2-queue NIC with a small ring, a reading and a non-reading socket. */
static struct rxs_scenario *busy_scenario(void)
{
	struct rxs_scenario *sc = NULL;
	struct rxs_nic_config *nic;
	struct rxs_socket_config *s;

	assert_int_equal(rxs_scenario_create(&sc), 0);
	sc->host.cpus = 2;
	nic = rxs_scenario_add_nic(sc);
	assert_non_null(nic);
	assert_int_equal(rxs_addr_parse(&nic->addrs[0], FR_HOST_IP "/24"), 0);
	nic->naddrs = 1;
	nic->rx_queues = 2;
	nic->ring_size = 32;
	assert_int_equal(nic->irq_affinity[1], 1);
	fr_udp_socket(sc, NULL, 9, RXS_APP_ALL);
	s = fr_udp_socket(sc, NULL, 53, RXS_APP_NEVER);
	s->rcvbuf = 20000;
	return sc;
}

/* Frame @i of a mixed workload: several sources (so RSS spreads them), open and closed
 * ports, a bad checksum now and then. */
static void busy_frame(struct fr *f, unsigned int i)
{
	static const uint16_t ports[] = { 9, 53, 7, 9, 53 };
	char src[32];

	snprintf(src, sizeof(src), "10.0.%u.%u", i % 3, 10 + i % 7);
	fr_udp(f, src, FR_HOST_IP, (uint16_t)(1024 + i % 11), ports[i % 5],
	       (uint16_t)(20 + i % 300));
	if (i % 37 == 0)
		f->d[f->l4 + 6] ^= 1;
}

static uint64_t busy_time(unsigned int i)
{
	/* Bursts of 200 frames 5 ns apart, 500 us apart: about 100 per queue arrive before
	 * the first poll, more than a ring of 32 holds. */
	return (uint64_t)(i / 200) * 500000 + (i % 200) * 5;
}

static void busy_run(rxs_host_t *h, unsigned int n)
{
	struct fr f;

	for (unsigned int i = 0; i < n; i++) {
		busy_frame(&f, i);
		fr_inject(h, &f, busy_time(i));
	}
	assert_int_equal(rxs_host_run(h), 0);
}

static void test_determinism(void **state)
{
	struct rxs_scenario *sc = busy_scenario();
	struct snapshot *a = calloc(2, sizeof(*a)), *b = a + 1;
	rxs_host_t *h1 = fr_host(sc), *h2 = fr_host(sc);

	(void)state;
	rxs_scenario_free(sc);	/* the hosts keep their own copies */
	busy_run(h1, 2000);
	busy_run(h2, 2000);
	snapshot(h1, a);
	snapshot(h2, b);
	assert_same(a, b);
	/* The workload did exercise the path: drops of several kinds, both CPUs. */
	assert_int_equal(a->cons.offered, 2000);
	assert_true(a->nic[0].rx_missed_errors > 0);
	assert_true(a->reasons[RXS_DROP_NO_SOCKET] > 0);
	assert_true(a->reasons[RXS_DROP_SOCKET_RCVBUFF] > 0);
	assert_true(a->mib[RXS_MIB_UdpInCsumErrors] > 0);
	assert_true(a->softnet[0].processed > 0 && a->softnet[1].processed > 0);
	fr_conserved(h1);
	fr_conserved(h2);
	rxs_host_destroy(h1);
	rxs_host_destroy(h2);
	free(a);
}

/* Two hosts driven in turns end exactly as each would alone. */
static void test_hosts_independent(void **state)
{
	struct rxs_scenario *sc = busy_scenario();
	struct snapshot *s = calloc(4, sizeof(*s));
	rxs_host_t *a = fr_host(sc), *b = fr_host(sc), *a1 = fr_host(sc), *b1 = fr_host(sc);
	struct fr f;

	(void)state;
	rxs_scenario_free(sc);
	for (unsigned int i = 0; i < 1000; i++) {
		busy_frame(&f, i);
		fr_inject(a, &f, busy_time(i));
		if (i % 3 == 0) {
			busy_frame(&f, i + 7);
			fr_inject(b, &f, busy_time(i) + 10);
		}
	}
	assert_int_equal(rxs_host_run(a), 0);
	assert_int_equal(rxs_host_run(b), 0);
	for (unsigned int i = 0; i < 1000; i++) {
		busy_frame(&f, i);
		fr_inject(a1, &f, busy_time(i));
	}
	for (unsigned int i = 0; i < 1000; i += 3) {
		busy_frame(&f, i + 7);
		fr_inject(b1, &f, busy_time(i) + 10);
	}
	assert_int_equal(rxs_host_run(a1), 0);
	assert_int_equal(rxs_host_run(b1), 0);
	snapshot(a, &s[0]);
	snapshot(a1, &s[1]);
	snapshot(b, &s[2]);
	snapshot(b1, &s[3]);
	assert_same(&s[0], &s[1]);
	assert_same(&s[2], &s[3]);
	assert_int_equal(s[0].cons.offered, 1000);
	assert_int_equal(s[2].cons.offered, 334);
	fr_conserved(a);
	fr_conserved(b);
	rxs_host_destroy(a);
	rxs_host_destroy(b);
	rxs_host_destroy(a1);
	rxs_host_destroy(b1);
	free(s);
}

static const char gen_yaml[] =
	"host: { cpus: 1, hz: 250 }\n"
	"nics:\n"
	"  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24] }\n"
	"sockets:\n"
	"  - { name: sink, proto: udp, bind: 0.0.0.0:9, app: { read: all } }\n"
	"traffic:\n"
	"  - { generate: udp_flood, rate: 1000pps, count: 10, size: 64, dport: 9 }\n";

/* A generated source at 1000 pps puts frames at 0, 1, ..., 9 ms: run_until(4.5 ms) has
 * seen 5 and stops there; run() takes the rest and stops 1 s after the last frame. */
static void test_run_until_stops_in_time(void **state)
{
	struct rxs_conservation c;
	struct rxs_scenario *sc = NULL;
	char err[256];
	rxs_host_t *h;

	(void)state;
	assert_int_equal(rxs_scenario_parse(&sc, gen_yaml, strlen(gen_yaml), "gen.yaml", NULL,
					    err, sizeof(err)), 0);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_host_now(h), 0);
	assert_int_equal(rxs_host_run_until(h, 4 * MS + MS / 2), 0);
	assert_int_equal(rxs_host_now(h), 4 * MS + MS / 2);
	assert_int_equal(fr_nic(h, 0).rx_packets, 5);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), 5);
	fr_conserved(h);
	/* Exactly at a frame's time: that frame is in, DMA'd into the ring, but the softirq
	 * that reaps it (and counts rx_packets) is due after the 1 us hard IRQ. */
	assert_int_equal(rxs_host_run_until(h, 7 * MS), 0);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.offered, 8);
	assert_int_equal(c.queued, 1);
	assert_int_equal(fr_nic(h, 0).rx_packets, 7);
	assert_int_equal(rxs_host_run_until(h, 7 * MS + 999), 0);
	assert_int_equal(fr_nic(h, 0).rx_packets, 7);
	assert_int_equal(rxs_host_run_until(h, 7 * MS + 1000), 0);
	assert_int_equal(fr_nic(h, 0).rx_packets, 8);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), 8);
	fr_conserved(h);
	assert_int_equal(rxs_host_run(h), 0);
	assert_int_equal(rxs_host_now(h), 9 * MS + 1000 * MS);
	assert_int_equal(fr_nic(h, 0).rx_packets, 10);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), 10);
	assert_int_equal(FR_MIB(h, IpExtInOctets), 10 * 50);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* Injection rules: not into the past, not to a NIC that does not exist, not a frame over
 * 65535 bytes or NULL; a refused frame is not offered. */
static void test_inject_rules(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	struct rxs_conservation c;
	rxs_host_t *h;
	struct fr f;

	(void)state;
	fr_udp_socket(sc, NULL, 9, RXS_APP_ALL);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, 9, 10);
	assert_int_equal(rxs_host_inject(h, 0, f.d, f.len, 5000), 0);
	assert_int_equal(rxs_host_now(h), 5000);
	assert_int_equal(rxs_host_inject(h, 0, f.d, f.len, 4999), -EINVAL);
	assert_int_equal(rxs_host_inject(h, 0, f.d, f.len, 0), -EINVAL);
	assert_int_equal(rxs_host_inject(h, 1, f.d, f.len, 6000), -EINVAL);
	assert_int_equal(rxs_host_inject(h, 0, NULL, f.len, 6000), -EINVAL);
	assert_int_equal(rxs_host_inject(h, 0, f.d, 65536, 6000), -EINVAL);
	/* The same instant again is fine. */
	assert_int_equal(rxs_host_inject(h, 0, f.d, f.len, 5000), 0);
	assert_int_equal(rxs_host_run_until(h, 2 * MS), 0);
	assert_int_equal(rxs_host_inject(h, 0, f.d, f.len, MS), -EINVAL);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.offered, 2);
	assert_int_equal(c.consumed, 2);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), 2);
	rxs_host_destroy(h);
}

/* Write @n copies of @f, all with the same timestamp, as a pcap file. */
static void write_pcap(const char *path, const struct fr *f, unsigned int n)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;
	struct pcap_pkthdr hdr;

	assert_non_null(p);
	d = pcap_dump_open(p, path);
	assert_non_null(d);
	memset(&hdr, 0, sizeof(hdr));
	hdr.ts.tv_sec = 1700000000;
	hdr.caplen = hdr.len = f->len;
	for (unsigned int i = 0; i < n; i++)
		pcap_dump((u_char *)d, &hdr, f->d);
	pcap_dump_close(d);
	pcap_close(p);
}

/*
 * Frames that arrive at the same instant are all offered before any event due at that
 * instant runs (the engine's rule: an arrival wins a tie with an event). So 100 frames
 * at one timestamp on veth with netdev_max_backlog 10 leave 11 queued and 89 dropped,
 * whether they come from a capture or from rxs_host_inject() calls at that time.
 */
static void test_inject_same_instant_as_capture(void **state)
{
	char dir[] = "/tmp/rxsim-test-sim-XXXXXX", path[64];
	struct snapshot *s = calloc(2, sizeof(*s));
	struct rxs_traffic_config *tr;
	struct rxs_scenario *sc;
	rxs_host_t *cap, *inj;
	struct fr f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/burst.pcap", dir);
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, 9, 100);
	write_pcap(path, &f, 100);

	sc = fr_scenario(RXS_DRIVER_VETH);
	sc->sysctl.val[RXS_SYSCTL_NETDEV_MAX_BACKLOG][0] = 10;
	sc->sysctl_set[RXS_SYSCTL_NETDEV_MAX_BACKLOG] = true;
	fr_udp_socket(sc, NULL, 9, RXS_APP_ALL);
	inj = fr_host(sc);
	tr = rxs_scenario_add_traffic(sc);
	assert_non_null(tr);
	tr->path = strdup(path);	/* the scenario owns it (the default allocator is libc's) */
	assert_non_null(tr->path);
	cap = fr_host(sc);
	rxs_scenario_free(sc);

	assert_int_equal(rxs_host_run(cap), 0);
	for (unsigned int i = 0; i < 100; i++)
		fr_inject(inj, &f, 0);
	assert_int_equal(rxs_host_run(inj), 0);
	unlink(path);
	rmdir(dir);

	assert_int_equal(fr_softnet(cap, 0).dropped, 89);
	assert_int_equal(fr_drops(cap, RXS_DROP_CPU_BACKLOG), 89);
	fr_conserved(cap);
	fr_conserved(inj);
	snapshot(cap, &s[0]);
	snapshot(inj, &s[1]);
	assert_int_equal(s[1].softnet[0].dropped, 89);
	assert_same(&s[0], &s[1]);
	rxs_host_destroy(cap);
	rxs_host_destroy(inj);
	free(s);
}

/* A capture's frames arrive at their offsets from its first, scaled by speed, or re-spaced
 * by rate_pps whatever their timestamps say: frames 0, 1 and 3 ms into the capture. */
static const struct {
	int line;
	double speed, rate_pps;
	uint64_t want[3];
} place_cases[] = {
	{ __LINE__, 1.0, 0,    { 0, 1000000, 3000000 } },
	{ __LINE__, 0,   0,    { 0, 1000000, 3000000 } },	/* no speed: as captured */
	{ __LINE__, 2.0, 0,    { 0, 500000, 1500000 } },
	{ __LINE__, 0.5, 0,    { 0, 2000000, 6000000 } },
	{ __LINE__, 1.0, 1000, { 0, 1000000, 2000000 } },
	{ __LINE__, 2.0, 4000, { 0, 250000, 500000 } },	/* the rate, not the speed */
};

static void test_arrival_placement(void **state)
{
	static const long usec[3] = { 0, 1000, 3000 };
	char dir[] = "/tmp/rxsim-test-sim-XXXXXX", path[64];
	struct fr f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/spaced.pcap", dir);
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, 9, 100);
	{
		pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
		pcap_dumper_t *d = pcap_dump_open(p, path);
		struct pcap_pkthdr hdr;

		assert_non_null(d);
		memset(&hdr, 0, sizeof(hdr));
		hdr.caplen = hdr.len = f.len;
		for (unsigned int i = 0; i < 3; i++) {
			hdr.ts.tv_sec = 1700000000;
			hdr.ts.tv_usec = usec[i];
			pcap_dump((u_char *)d, &hdr, f.d);
		}
		pcap_dump_close(d);
		pcap_close(p);
	}
	for (size_t i = 0; i < ARRAY_SIZE(place_cases); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
		struct rxs_traffic_config *tr = rxs_scenario_add_traffic(sc);
		struct rxs_conservation c;
		rxs_host_t *h;

		assert_non_null(tr);
		tr->path = strdup(path);
		assert_non_null(tr->path);
		tr->speed = place_cases[i].speed;
		tr->rate_pps = place_cases[i].rate_pps;
		h = fr_host(sc);
		rxs_scenario_free(sc);
		/* Frame k has arrived at its time, and not a nanosecond before. */
		for (unsigned int k = 0; k < 3; k++) {
			uint64_t t = place_cases[i].want[k];

			if (t) {
				assert_int_equal(rxs_host_run_until(h, t - 1), 0);
				assert_int_equal(rxs_host_conservation(h, &c), 0);
				if (c.offered != k)
					fail_msg("case at line %d: %llu frames by %llu ns, want %u",
						 place_cases[i].line, (unsigned long long)c.offered,
						 (unsigned long long)(t - 1), k);
			}
			assert_int_equal(rxs_host_run_until(h, t), 0);
			assert_int_equal(rxs_host_conservation(h, &c), 0);
			if (c.offered != k + 1)
				fail_msg("case at line %d: %llu frames by %llu ns, want %u",
					 place_cases[i].line, (unsigned long long)c.offered,
					 (unsigned long long)t, k + 1);
		}
		rxs_host_destroy(h);
	}
	unlink(path);
	rmdir(dir);
}

static rxs_host_t *oracle_host(const char *name)
{
	struct rxs_scenario *sc = NULL;
	char path[512], err[512];
	rxs_host_t *h;
	int rc;

	snprintf(path, sizeof(path), "%s/tests/oracle/cases/%s/scenario.yaml", RXS_SOURCE_DIR, name);
	rc = rxs_scenario_load(&sc, path, err, sizeof(err));
	if (rc)
		fail_msg("%s: %s", path, err);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_host_run(h), 0);
	fr_conserved(h);
	return h;
}

struct mib_want {
	enum rxs_mib mib;
	uint64_t want;
};

static void check_mibs(const rxs_host_t *h, const char *name, const struct mib_want *w,
		       size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (rxs_host_mib(h, w[i].mib) != w[i].want)
			fail_msg("%s: %s = %llu, the kernel says %llu", name,
				 rxs_mib_name(w[i].mib), (unsigned long long)rxs_host_mib(h, w[i].mib),
				 (unsigned long long)w[i].want);
}

/* oracle/cases/udp-rcvbuf: 200 datagrams of 100 bytes (142-byte frames) to a socket with
 * SO_RCVBUF 4096 (8192) that never reads: 9 * 832 = 7488 queued, 191 dropped. */
static void test_oracle_udp_rcvbuf(void **state)
{
	static const struct mib_want w[] = {
		{ RXS_MIB_IpInReceives, 200 },
		{ RXS_MIB_IpInDelivers, 200 },
		{ RXS_MIB_IpExtInOctets, 25600 },	/* 200 * 128 */
		{ RXS_MIB_UdpInDatagrams, 0 },
		{ RXS_MIB_UdpRcvbufErrors, 191 },
		{ RXS_MIB_UdpInErrors, 191 },
		{ RXS_MIB_UdpNoPorts, 0 },
	};
	rxs_host_t *h = oracle_host("udp-rcvbuf");
	struct rxs_socket_info si = fr_sock(h, 0);

	(void)state;
	check_mibs(h, "udp-rcvbuf", w, ARRAY_SIZE(w));
	assert_string_equal(si.name, "srv");
	assert_string_equal(si.local, "10.77.0.2:6100");
	assert_int_equal(si.rcvbuf, 8192);
	assert_int_equal(si.recv_q, 7488);
	assert_int_equal(si.queued, 9);
	assert_int_equal(si.drops, 191);
	assert_int_equal(fr_nic(h, 0).rx_packets, 200);
	assert_int_equal(fr_drops(h, RXS_DROP_SOCKET_RCVBUFF), 191);
	assert_int_equal(fr_softnet(h, 0).dropped, 0);
	assert_int_equal(rxs_host_now(h), 1138 * MS);
	rxs_host_destroy(h);
}

/* oracle/cases/icmp-echo: ping -c 10 (98-byte frames, 84-byte datagrams), all answered. */
static void test_oracle_icmp_echo(void **state)
{
	static const struct mib_want w[] = {
		{ RXS_MIB_IpInReceives, 10 },
		{ RXS_MIB_IpInDelivers, 10 },
		{ RXS_MIB_IpExtInOctets, 840 },
		{ RXS_MIB_IpOutRequests, 10 },
		{ RXS_MIB_IcmpInMsgs, 10 },
		{ RXS_MIB_IcmpInEchos, 10 },
		{ RXS_MIB_IcmpMsgInType8, 10 },
		{ RXS_MIB_IcmpOutMsgs, 10 },
		{ RXS_MIB_IcmpOutEchoReps, 10 },
		{ RXS_MIB_IcmpMsgOutType0, 10 },
		{ RXS_MIB_IcmpOutRateLimitGlobal, 0 },
		{ RXS_MIB_IcmpOutRateLimitHost, 0 },
		{ RXS_MIB_IcmpInErrors, 0 },
	};
	rxs_host_t *h = oracle_host("icmp-echo");
	struct rxs_conservation c;

	(void)state;
	check_mibs(h, "icmp-echo", w, ARRAY_SIZE(w));
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.offered, 10);
	assert_int_equal(c.consumed, 10);
	assert_int_equal(fr_drops_total(h), 0);
	assert_int_equal(fr_nic(h, 0).rx_packets, 10);
	rxs_host_destroy(h);
}

/* A scenario the host cannot build says why and leaves nothing behind. */
static void test_create_errors(void **state)
{
	struct rxs_scenario *sc = NULL;
	rxs_host_t *h = (rxs_host_t *)&h;
	char err[256];

	(void)state;
	assert_int_equal(rxs_scenario_create(&sc), 0);
	assert_int_equal(rxs_host_create(&h, sc, err, sizeof(err)), RXS_ECONFIG);
	assert_null(h);
	assert_non_null(strstr(err, "no NIC"));
	rxs_scenario_free(sc);
	rxs_host_destroy(NULL);
}

/* Stepping one event at a time reaches the same end as running: same counters. */
static void test_step(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	rxs_host_t *a, *b;
	struct fr f;
	int steps = 0, rc;

	(void)state;
	fr_udp_socket(sc, NULL, 53, RXS_APP_ALL);
	a = fr_host(sc);
	b = fr_host(sc);
	rxs_scenario_free(sc);
	for (int i = 0; i < 20; i++) {
		fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, 53, 32);
		fr_inject(a, &f, 0);	/* at one instant: injecting runs nothing yet */
		fr_inject(b, &f, 0);
	}
	while ((rc = rxs_host_step(a)) == 1)
		steps++;
	assert_int_equal(rc, 0);
	assert_true(steps >= 1);		/* the softirq's polls */
	assert_int_equal(rxs_host_run_until(b, 1000000000ull), 0);
	for (int m = 0; m < RXS_MIB_COUNT; m++)
		assert_int_equal(rxs_host_mib(a, (enum rxs_mib)m), rxs_host_mib(b, (enum rxs_mib)m));
	assert_int_equal(FR_MIB(a, UdpInDatagrams), 20);
	fr_conserved(a);
	rxs_host_destroy(a);
	rxs_host_destroy(b);
}

/* Peak resident memory so far, in KiB. */
static long peak_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A flood of @count generated datagrams, 4 Mpps into a 512-descriptor ring: the CPU falls
 * behind, so rings, backlog and socket stay full the whole run. */
static void run_flood(uint64_t count)
{
	char yaml[512], err[256];
	struct rxs_scenario *sc = NULL;
	struct rxs_conservation c;
	rxs_host_t *h;

	snprintf(yaml, sizeof(yaml),
		 "nics:\n  - { name: eth0, addresses: [10.0.0.2/24], ring_size: 512 }\n"
		 "sockets:\n  - { name: s, proto: udp, bind: '0.0.0.0:9', rcvbuf: 65536,"
		 " app: { read: 1Mpps } }\n"
		 "traffic:\n  - { generate: udp_flood, rate: 4Mpps, flows: 64, count: %llu }\n",
		 (unsigned long long)count);
	if (rxs_scenario_parse(&sc, yaml, strlen(yaml), "flood.yaml", NULL, err, sizeof(err)))
		fail_msg("%s", err);
	h = fr_host(sc);
	assert_int_equal(rxs_host_run(h), 0);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.offered, count);
	assert_true(c.dropped > count / 2);		/* the overload was real */
	rxs_host_destroy(h);
	rxs_scenario_free(sc);
}

/* Memory does not grow with the length of the run: pools, rings and queues are reused, so
 * 10 million packets peak where 1 million did (within 4 MiB of allocator noise). */
static void test_bounded_memory(void **state)
{
	long after_1m, after_10m;

	(void)state;
	run_flood(1000000);
	after_1m = peak_rss_kib();
	run_flood(10000000);
	after_10m = peak_rss_kib();
	printf("peak RSS: %ld KiB after 1M packets, %ld KiB after 10M more\n", after_1m,
	       after_10m);
	assert_true(after_10m <= after_1m + 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_hosts_independent),
		cmocka_unit_test(test_run_until_stops_in_time),
		cmocka_unit_test(test_inject_rules),
		cmocka_unit_test(test_inject_same_instant_as_capture),
		cmocka_unit_test(test_arrival_placement),
		cmocka_unit_test(test_oracle_udp_rcvbuf),
		cmocka_unit_test(test_oracle_icmp_echo),
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_bounded_memory),
		cmocka_unit_test(test_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
