/* trace.c - `rxsim trace`: walk one packet (or a filter's first packets) through the path.
 *
 * The core has no per-stage tracepoint yet, only the two ends of a packet's life: the
 * kfree_skb/consume_skb callback (with skb->id, the 1-based number of the offered frame, its
 * CPU, RX queue and arrival time) and the frame-drop callback for frames the NIC refused
 * before they became an skb. So the walk is rebuilt: run the scenario, note the end of the
 * packets asked for, then print the stages of the funnel up to the one where that end
 * happened, in path order. Times are exact at the two ends (arrival at the NIC, end of
 * life); the stages between print the CPU that ran them without a time.
 *
 * Frames are named by skb->id, RXS_FRAME_ID(source, record number): the number Wireshark
 * shows for the capture (every record counts, the host's own frames too); a frame the NIC
 * refused has its id from rxs_host_frame_drop_id(). A frame asked for that no run ends (the
 * host's own, past the end of the file) is said so, with exit status 1.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "rxsim/config.h"
#include "rxsim/error.h"
#include "rxsim/hooks.h"
#include "rxsim/sim.h"
#include "rxsim/skb.h"

#define MAX_FATES 1024
#define MAX_STAGES 256	/* stage events kept, over all the packets shown */
#define FRAME_KEEP 128	/* bytes of the frame kept to describe it */

struct fate {
	uint64_t id;
	enum rxs_drop_reason reason;
	uint64_t arrival, end;
	int cpu, queue;		/* -1: before an skb existed */
	uint8_t frame[FRAME_KEEP];
	uint32_t len;
	const char *where;	/* the function that freed it (kfree_skb's location), or NULL */
};

struct trace {
	const char *path;
	const char *host_pick;	/* --host: the host side of a bare capture */
	const char **sets;
	int nsets;
	uint64_t packet;		/* RXS_FRAME_ID() of the frame asked for */
	const char *filter;
	unsigned int count;
	struct bpf_program prog;
	bool have_prog;
	rxs_host_t *host;
	const char *where;	/* skb:kfree_skb's location for the skb ending now */
	struct fate fates[MAX_FATES];
	unsigned int nfates;
	/* The stages the shown packets passed (the rxsim:stage tracepoint), from a run that
	 * knows which packets those are: the engine is deterministic, so a second run of the
	 * same scenario takes every packet down the same path at the same times. */
	uint64_t want_ids[64];
	unsigned int nwant;
	struct stage_ev {
		uint64_t id, time;
		unsigned int cpu;
		const char *stage;
		char detail[112];
	} stages[MAX_STAGES];
	unsigned int nstages;
};

static void on_stage(void *ctx, const struct rxs_trace_event *ev)
{
	struct trace *t = ctx;
	struct stage_ev *s;

	if (t->nstages >= MAX_STAGES || !ev->u.stage.frame)
		return;
	for (unsigned int i = 0; i < t->nwant; i++)
		if (t->want_ids[i] == ev->u.stage.frame)
			goto keep;
	return;
keep:
	s = &t->stages[t->nstages++];
	s->id = ev->u.stage.frame;
	s->time = ev->time_ns;
	s->cpu = ev->cpu;
	s->stage = ev->u.stage.stage;
	memcpy(s->detail, ev->u.stage.detail, sizeof(s->detail));
}

static bool wanted(struct trace *t, uint64_t id, const uint8_t *frame, uint32_t len)
{
	struct pcap_pkthdr ph = { .caplen = len, .len = len };

	if (!t->have_prog)
		return id == t->packet;
	return t->nfates < MAX_FATES && pcap_offline_filter(&t->prog, &ph, frame) != 0;
}

static void record(struct trace *t, uint64_t id, enum rxs_drop_reason reason, uint64_t arrival,
		   int cpu, int queue, const uint8_t *frame, uint32_t len)
{
	struct fate *f;

	if (t->nfates >= MAX_FATES)
		return;
	f = &t->fates[t->nfates++];
	f->id = id;
	f->reason = reason;
	f->arrival = arrival;
	/* The host's clock can lag the CPU that ends the packet (a poll runs ahead of it);
	 * a packet cannot end before it arrived. */
	f->end = rxs_host_now(t->host);
	if (f->end < arrival)
		f->end = arrival;
	f->cpu = cpu;
	f->queue = queue;
	f->len = len;
	memcpy(f->frame, frame, len < FRAME_KEEP ? len : FRAME_KEEP);
	f->where = cpu >= 0 ? t->where : NULL;
}

/* skb:kfree_skb fires just before the skb's end reaches on_end: keep where it was freed. */
static void on_kfree_tp(void *ctx, const struct rxs_trace_event *ev)
{
	((struct trace *)ctx)->where = ev->u.kfree_skb.location;
}

static void on_end(void *ctx, const struct rxs_sk_buff *skb, enum rxs_drop_reason reason)
{
	struct trace *t = ctx;
	const uint8_t *start = skb->mac_header != 0xffff ? skb->head + skb->mac_header : skb->data;
	uint32_t len = (uint32_t)(skb->head + skb->tail - start);
	uint8_t *wire = NULL;
	uint32_t n;

	/* A tap's clone ends too, but it is a copy, not the packet. */
	if (!skb->counted)
		return;
	/* Filters and the description see the frame as it came, its stripped VLAN tags back. */
	if (skb->rx_tags[0] && (wire = malloc(len + 8)) &&
	    (n = rxs_skb_wire_frame(skb, wire, len + 8))) {
		start = wire;
		len = n;
	}
	if (wanted(t, skb->id, start, len))
		record(t, skb->id, reason, skb->tstamp, (int)skb->cpu,
		       (int)skb->queue_mapping - 1, start, len);
	free(wire);
}

static void on_frame_drop(void *ctx, const uint8_t *frame, uint32_t len, uint64_t t_ns,
			  enum rxs_drop_reason reason)
{
	struct trace *t = ctx;
	uint64_t id = rxs_host_frame_drop_id(t->host);

	if (wanted(t, id, frame, len))
		record(t, id, reason, t_ns, -1, -1, frame, len);
}

/* What the frame is, in tcpdump's words, and its L4 protocol and destination port. */
struct flow {
	int proto;		/* IPPROTO_*, 0 when not IP */
	int family;
	uint16_t dport;
	char text[224];	/* "N bytes, " tags (48), two IPv6 addresses and ports */
};

static void describe(const struct fate *f, struct flow *fl)
{
	const uint8_t *p = f->frame;
	uint32_t n = f->len < FRAME_KEEP ? f->len : FRAME_KEEP, l3 = 14, l4 = 0;
	char src[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN] = "?", tags[48] = "";
	uint16_t type = n >= 14 ? (uint16_t)(p[12] << 8 | p[13]) : 0;
	size_t tl = 0;

	memset(fl, 0, sizeof(*fl));
	/* 802.1Q and 802.1ad (Q-in-Q) tags, as tcpdump -e prints them, then what they carry. */
	while ((type == 0x8100 || type == 0x88a8) && n >= l3 + 4 && tl < sizeof(tags) - 24) {
		tl += (size_t)snprintf(tags + tl, sizeof(tags) - tl, "%s %u, ",
				       type == 0x88a8 ? "802.1ad vlan" : "vlan",
				       (p[l3] << 8 | p[l3 + 1]) & 0x0fff);
		type = (uint16_t)(p[l3 + 2] << 8 | p[l3 + 3]);
		l3 += 4;
	}
	if (type == 0x0800 && n >= l3 + 20) {
		fl->family = AF_INET;
		fl->proto = p[l3 + 9];
		inet_ntop(AF_INET, p + l3 + 12, src, sizeof(src));
		inet_ntop(AF_INET, p + l3 + 16, dst, sizeof(dst));
		l4 = l3 + (uint32_t)(p[l3] & 15) * 4;
	} else if (type == 0x86dd && n >= l3 + 40) {
		fl->family = AF_INET6;
		fl->proto = p[l3 + 6];
		inet_ntop(AF_INET6, p + l3 + 8, src, sizeof(src));
		inet_ntop(AF_INET6, p + l3 + 24, dst, sizeof(dst));
		l4 = l3 + 40;
	} else {
		snprintf(fl->text, sizeof(fl->text), "%u bytes, %sethertype 0x%04x", f->len, tags,
			 type);
		return;
	}
	if ((fl->proto == IPPROTO_UDP || fl->proto == IPPROTO_TCP) && n >= l4 + 4) {
		fl->dport = (uint16_t)(p[l4 + 2] << 8 | p[l4 + 3]);
		snprintf(fl->text, sizeof(fl->text), "%u bytes, %s%s %s.%u > %s.%u", f->len, tags,
			 fl->proto == IPPROTO_UDP ? "UDP" : "TCP", src, p[l4] << 8 | p[l4 + 1], dst,
			 fl->dport);
	} else {
		snprintf(fl->text, sizeof(fl->text), "%u bytes, %s%s %s > %s", f->len, tags,
			 fl->proto == IPPROTO_ICMP || fl->proto == IPPROTO_ICMPV6 ? "ICMP" : "IP proto",
			 src, dst);
	}
}

/* The last stage a packet reached, in path order: where its drop reason happens. */
enum stage { ST_NIC, ST_BACKLOG, ST_CORE, ST_L3, ST_L4, ST_SOCKET, ST_APP };

static enum stage end_stage(enum rxs_drop_reason r)
{
	switch (r) {
	case RXS_DROP_NIC_MAC_FILTER: case RXS_DROP_NIC_LENGTH: case RXS_DROP_FULL_RING:
	case RXS_DROP_NOMEM: case RXS_DROP_PKT_TOO_BIG:
		return ST_NIC;
	case RXS_DROP_CPU_BACKLOG:
		return ST_BACKLOG;
	case RXS_DROP_UNHANDLED_PROTO: case RXS_DROP_DEV_READY:
		return ST_CORE;
	case RXS_DROP_OTHERHOST: case RXS_DROP_IP_CSUM: case RXS_DROP_IP_INHDR:
	case RXS_DROP_IP_RPFILTER: case RXS_DROP_NETFILTER_DROP: case RXS_DROP_IP_NOPROTO:
	case RXS_DROP_IPV6DISABLED: case RXS_DROP_IP_INADDRERRORS: case RXS_DROP_IP_INNOROUTES:
	case RXS_DROP_IP_LOCAL_SOURCE: case RXS_DROP_IP_INVALID_SOURCE:
	case RXS_DROP_IP_INVALID_DEST: case RXS_DROP_IPV6_BAD_EXTHDR: case RXS_DROP_FRAG_TOO_FAR:
	case RXS_DROP_DUP_FRAG: case RXS_DROP_FRAG_REASM_TIMEOUT: case RXS_DROP_PKT_TOO_SMALL:
	case RXS_DROP_HDR_TRUNC: case RXS_DROP_UNICAST_IN_L2_MULTICAST:
		return ST_L3;
	case RXS_DROP_SOCKET_RCVBUFF: case RXS_DROP_SOCKET_BACKLOG: case RXS_DROP_SOCKET_FILTER:
	case RXS_DROP_TCP_LISTEN_OVERFLOW: case RXS_DROP_SOCKET_CLOSE: case RXS_DROP_QUEUE_PURGE:
		return ST_SOCKET;
	case RXS_DROP_CONSUMED:
		return ST_APP;
	default:
		return ST_L4;
	}
}

static const struct rxs_socket_config *find_socket(const rxs_host_t *h, const struct flow *fl)
{
	const struct rxs_scenario *sc = rxs_host_scenario(h);

	for (unsigned int i = 0; sc && i < sc->nsockets; i++)
		if (sc->sockets[i].proto == fl->proto && sc->sockets[i].port == fl->dport)
			return &sc->sockets[i];
	return NULL;
}

static void when(char *buf, size_t n, uint64_t t)
{
	snprintf(buf, n, "%" PRIu64 ".%09" PRIu64 " s", t / 1000000000u, t % 1000000000u);
}

static void stage_line(const char *t, int cpu, const char *what)
{
	char where[16] = "NIC";

	if (cpu >= 0)
		snprintf(where, sizeof(where), "CPU %d", cpu);
	printf("  %-14s %-6s %s\n", t, where, what);
}

static void when(char *buf, size_t n, uint64_t t);
static void stage_line(const char *t, int cpu, const char *what);

/* The walk as the path reported it, stage by stage: true when there was any. @last is the
 * time of its last stage, @read whether an application read it. */
static bool print_stages(const struct trace *t, const struct fate *f, uint64_t *last, bool *read)
{
	char tm[32], what[192];
	bool any = false;

	for (unsigned int i = 0; i < t->nstages; i++) {
		const struct stage_ev *s = &t->stages[i];

		if (s->id != f->id)
			continue;
		when(tm, sizeof(tm), s->time);
		snprintf(what, sizeof(what), "%s: %s", s->stage, s->detail);
		stage_line(tm, strcmp(s->stage, "NIC") ? (int)s->cpu : -1, what);
		any = true;
		*last = s->time;
		*read |= strcmp(s->stage, "recvmsg") == 0;
	}
	return any;
}

/* " of FILE" when several traffic sources number their frames each, else "". */
static const char *frame_of(const rxs_host_t *h, uint64_t id)
{
	static char buf[300];
	struct rxs_traffic_info ti;
	const char *s;

	buf[0] = '\0';
	if (rxs_host_ntraffic(h) > 1 && rxs_host_traffic_info(h, rxs_frame_source(id), &ti) == 0) {
		s = strrchr(ti.name, '/');
		snprintf(buf, sizeof(buf), " of %s", s ? s + 1 : ti.name);
	}
	return buf;
}

static void print_walk(const rxs_host_t *h, const struct fate *f, const struct trace *t)
{
	enum stage end = f->cpu < 0 ? ST_NIC : end_stage(f->reason);
	const struct rxs_socket_config *sk;
	struct flow fl;
	char t0[32], t1[32], what[256];
	uint64_t last = 0;
	bool read = false, staged = false;

	describe(f, &fl);
	sk = find_socket(h, &fl);
	when(t0, sizeof(t0), f->arrival);
	when(t1, sizeof(t1), f->end);
	printf("packet %" PRIu64 "%s: %s\n", rxs_frame_number(f->id), frame_of(h, f->id), fl.text);
	if (print_stages(t, f, &last, &read)) {
		staged = true;
		if (last > f->end)
			when(t1, sizeof(t1), last);
		goto end;
	}
	if (f->queue >= 0)
		snprintf(what, sizeof(what), "arrives at the NIC; DMA into RX queue %d's ring",
			 f->queue);
	else
		snprintf(what, sizeof(what), "arrives at the NIC");
	stage_line(t0, -1, what);
	if (end > ST_NIC) {
		stage_line("", f->cpu, "IRQ, net_rx_action -> napi_poll -> driver builds the skb");
		stage_line("", f->cpu, "__netif_receive_skb_core (taps see it here)");
	}
	if (end > ST_CORE)
		stage_line("", f->cpu, fl.family == AF_INET6 ? "ipv6_rcv -> ip6_input"
				  : "ip_rcv -> PREROUTING -> routing -> INPUT -> ip_local_deliver");
	if (end > ST_L3) {
		snprintf(what, sizeof(what), "%s", fl.proto == IPPROTO_UDP ? "udp_rcv: socket lookup"
			 : fl.proto == IPPROTO_TCP ? "tcp_v4_rcv" : "icmp_rcv");
		stage_line("", f->cpu, what);
	}
	if (end > ST_L4 && sk) {
		snprintf(what, sizeof(what), "%s socket %s (port %u)", f->reason == RXS_DROP_CONSUMED ?
			 "queued to" : "reaches", sk->name, sk->port);
		stage_line("", f->cpu, what);
	}
end:
	if (f->reason == RXS_DROP_CONSUMED && staged && !read) {
		snprintf(what, sizeof(what), "consumed by the kernel (no application read it)");
	} else if (f->reason == RXS_DROP_CONSUMED) {
		if (sk)
			snprintf(what, sizeof(what), "consumed: read by the application of socket %s",
				 sk->name);
		else
			snprintf(what, sizeof(what), "consumed (answered or absorbed by the stack)");
	} else {
		snprintf(what, sizeof(what), "dropped: %s%s%s", rxs_drop_reason_name(f->reason),
			 f->where ? " in " : "", f->where ? f->where : "");
	}
	stage_line(t1, end == ST_NIC ? -1 : f->cpu, what);
}

static int cmp_fate(const void *a, const void *b)
{
	const struct fate *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* "N" (frame N of traffic.0) or "I:N" (of traffic.I): its RXS_FRAME_ID(), 0 if malformed. */
static uint64_t parse_packet(const char *v)
{
	char *end;
	unsigned long long a = strtoull(v, &end, 10), n;

	if (*end == '\0')
		return a ? RXS_FRAME_ID(0, a) : 0;
	if (*end != ':' || a >= RXS_FRAME_SRC_INJECT)
		return 0;
	n = strtoull(end + 1, &end, 10);
	return *end || !n ? 0 : RXS_FRAME_ID(a, n);
}

static int parse_trace(int argc, char **argv, struct trace *t)
{
	for (int i = 0; i < argc; i++) {
		const char *v = NULL;
		int m;

		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			cli_help(stdout, "trace");
			return CLI_OK;
		}
		if ((m = cli_opt(argc, argv, &i, "--set", &v)) != 0)
			t->sets[t->nsets++] = v;
		else if ((m = cli_opt(argc, argv, &i, "--host", &v)) != 0)
			t->host_pick = v;
		else if ((m = cli_opt(argc, argv, &i, "--packet", &v)) != 0)
			t->packet = m > 0 ? parse_packet(v) : 0;
		else if ((m = cli_opt(argc, argv, &i, "--filter", &v)) != 0)
			t->filter = v;
		else if ((m = cli_opt(argc, argv, &i, "--count", &v)) != 0)
			t->count = m > 0 ? (unsigned int)strtoul(v, NULL, 10) : 0;
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_unknown_option("trace", argv[i]);
		else if (t->path)
			return cli_usage_error("trace", "unexpected argument '%s'", argv[i]);
		else
			t->path = argv[i];
		if (m < 0)
			return CLI_USAGE;
	}
	if (!t->path)
		return cli_usage_error("trace", "%s", "a scenario file (or a capture) is needed");
	if (!t->packet || !t->count)
		return cli_usage_error("trace", "%s", "--packet and --count take a number from 1");
	return -1;
}

static int load_scenario(const struct trace *t, struct rxs_scenario **scp)
{
	return cli_load(t->path, t->host_pick, t->sets, t->nsets, scp);
}

static int compile_filter(struct trace *t)
{
	pcap_t *p;
	int rc;

	if (!t->filter)
		return 0;
	p = pcap_open_dead(DLT_EN10MB, 262144);
	if (!p)
		return -1;
	rc = pcap_compile(p, &t->prog, t->filter, 1, PCAP_NETMASK_UNKNOWN);
	if (rc < 0)
		fprintf(stderr, "rxsim trace: --filter '%s': %s\n", t->filter, pcap_geterr(p));
	pcap_close(p);
	t->have_prog = rc == 0;
	return rc;
}

/* The second run: the same scenario with the rxsim:stage tracepoint on, keeping the stages
 * of the @n packets found by the first. */
static int trace_stages(struct trace *t, const struct rxs_scenario *sc, unsigned int n)
{
	rxs_host_t *h = NULL;
	int rc;

	t->nwant = 0;
	for (unsigned int i = 0; i < n && t->nwant < 64; i++)
		t->want_ids[t->nwant++] = t->fates[i].id;
	rc = rxs_host_create(&h, sc, NULL, 0);
	if (rc < 0)
		return rc;
	rc = rxs_trace_register(h, RXS_TP_STAGE, on_stage, t);
	if (rc == 0)
		rc = rxs_host_run(h);
	rxs_host_destroy(h);
	return rc;
}

/* Whether record @number of traffic source @i was sent by the host itself (its NIC's MAC as
 * the source): such frames are numbered but not replayed. */
static bool own_frame(const rxs_host_t *h, unsigned int i, uint64_t number)
{
	const struct rxs_scenario *sc = rxs_host_scenario(h);
	const struct rxs_traffic_config *tc = sc && i < sc->ntraffic ? &sc->traffic[i] : NULL;
	const struct rxs_nic_config *nic = NULL;
	RXS_OPTS(rxs_source_opts, o, .checksums = RXS_CSUM_VERIFY);
	rxs_source_t *src = NULL;
	struct rxs_frame f;
	char err[256];
	bool own = false;

	if (!tc || tc->kind != RXS_TRAFFIC_PCAP)
		return false;
	for (unsigned int k = 0; k < sc->nnics && !nic; k++)
		if (!tc->nic[0] || !strcmp(sc->nics[k].name, tc->nic))
			nic = &sc->nics[k];
	if (!nic)
		return false;
	memcpy(o.host_mac, nic->mac, 6);
	if (rxs_source_open_pcap(&src, tc->path, &o, err, sizeof(err)) < 0)
		return false;
	while (rxs_source_next(src, &f) > 0)
		if (f.number == number) {
			own = f.len >= 12 && !memcmp(f.data + 6, nic->mac, 6);
			break;
		}
	rxs_source_close(src);
	return own;
}

/* Say why the frame asked for has no walk: true when it is there all the same (queued). */
static bool not_found(const struct trace *t, const struct rxs_conservation *c)
{
	unsigned int i = rxs_frame_source(t->packet);
	uint64_t n = rxs_frame_number(t->packet);
	struct rxs_traffic_info ti;

	if (rxs_host_traffic_info(t->host, i, &ti) < 0) {
		fprintf(stderr, "rxsim trace: there is no traffic.%u (%u traffic source%s)\n", i,
			rxs_host_ntraffic(t->host), rxs_host_ntraffic(t->host) == 1 ? "" : "s");
		return false;
	}
	if (n > ti.source.frames)
		fprintf(stderr, "rxsim trace: packet %" PRIu64 "%s: not in the traffic (%s has %"
			PRIu64 " frames)\n", n, frame_of(t->host, t->packet), ti.name,
			ti.source.frames);
	else if (own_frame(t->host, i, n))
		fprintf(stderr, "rxsim trace: packet %" PRIu64 "%s: the host's own frame (sent from "
			"its MAC), not replayed\n", n, frame_of(t->host, t->packet));
	else
		printf("packet %" PRIu64 "%s: still queued when the run ended (%" PRIu64 " queued)\n",
		       n, frame_of(t->host, t->packet), c->queued);
	return n <= ti.source.frames && c->queued;
}

/* Run with the callbacks set, then print the walks in packet order. */
static int trace_run(struct trace *t, const struct rxs_scenario *sc)
{
	char err[512] = "";
	struct rxs_conservation c;
	unsigned int shown;
	int rc = rxs_host_create(&t->host, sc, err, sizeof(err));

	if (rc < 0) {
		fprintf(stderr, "rxsim: %s\n", err[0] ? err : rxs_strerror(rc));
		return CLI_USAGE;
	}
	rxs_host_set_kfree_skb_cb(t->host, on_end, t);
	rxs_host_set_frame_drop_cb(t->host, on_frame_drop, t);
	rc = rxs_trace_register(t->host, RXS_TP_KFREE_SKB, on_kfree_tp, t);
	if (rc == 0)
		rc = rxs_host_run(t->host);
	if (rc < 0)
		fprintf(stderr, "rxsim: %s\n", rxs_host_errmsg(t->host));
	rxs_host_conservation(t->host, &c);
	qsort(t->fates, t->nfates, sizeof(t->fates[0]), cmp_fate);
	shown = t->nfates < t->count ? t->nfates : t->count;
	if (shown && trace_stages(t, sc, shown) < 0)
		fprintf(stderr, "rxsim: trace: the stage-by-stage run failed; showing the path\n");
	for (unsigned int i = 0; i < shown; i++)
		print_walk(t->host, &t->fates[i], t);
	if (!t->have_prog && !shown && not_found(t, &c))
		shown = 1;	/* there, only not ended: not a mistake */
	if (t->have_prog && shown < t->count)
		printf("%u of %u asked: no more matching packets ended during the run\n", shown,
		       t->count);
	if (t->have_prog && !shown)
		fprintf(stderr, "rxsim trace: no replayed frame matches '%s'\n", t->filter);
	rxs_host_destroy(t->host);
	/* Nothing to show is a failure a script must see: the frame or filter was wrong. */
	return rc < 0 || !shown ? CLI_RUN_FAILED : CLI_OK;
}

int cli_trace(int argc, char **argv)
{
	struct trace *t = calloc(1, sizeof(*t));
	struct rxs_scenario *sc = NULL;
	int status;

	if (!t || !(t->sets = calloc((size_t)argc + 1, sizeof(*t->sets)))) {
		free(t);
		fprintf(stderr, "rxsim: out of memory\n");
		return CLI_RUN_FAILED;
	}
	t->packet = 1;
	t->count = 1;
	status = parse_trace(argc, argv, t);
	if (status < 0 && (load_scenario(t, &sc) < 0 || compile_filter(t) < 0))
		status = CLI_USAGE;
	if (status < 0)
		status = trace_run(t, sc);
	if (t->have_prog)
		pcap_freecode(&t->prog);
	rxs_scenario_free(sc);
	free(t->sets);
	free(t);
	return status;
}
