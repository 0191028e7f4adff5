/* html.c - rxs_report_html(): one self-contained page with the receive path drawn and the
 * run's time series charted.
 *
 * The page needs nothing but itself: CSS in a <style>, pictures as inline SVG, no script,
 * no font or image from the network, so it opens the same from a mail attachment or an
 * air-gapped host. It has three parts:
 *
 * - The diagram: rows of boxes from the traffic down to the applications (NIC queues, their
 *   IRQs, the CPUs running net_rx_action, taps, netfilter, IPv4/IPv6, UDP/ICMP/TCP, sockets,
 *   applications) joined by edges that carry packet counts. The drops come from the funnel
 *   table (funnel.c), the same rows the text report prints: each nonzero drop row is a red
 *   box beside the stage that owns it, with its count, reason and the counter to watch. The
 *   per-queue, per-CPU and per-socket counts that the funnel sums are read from the same
 *   host accessors the funnel reads, so the two views add up.
 * - The funnel itself as a table, line for line the text report's.
 * - Line charts of the sampled series (series.c): ring fill per queue, softirq time per CPU,
 *   backlog per CPU, socket queue per socket, drops per interval per reason.
 *
 * The diagram is laid out in two passes: boxes and edges are collected first (diagram.c
 * would be a natural split once it grows), then rows get their y from their tallest member
 * and boxes spread evenly across the width.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "rxsim/bpf.h"
#include "rxsim/netfilter.h"
#include "stats/stats_int.h"

#define MAX_BOXES 256
#define MAX_EDGES 512
#define MAX_DROPS 64
#define MAX_LINES 5
#define TEXT_LEN 96

#define SVG_W 1360
#define MAIN_W 930	/* boxes live in [MARGIN, MARGIN + MAIN_W); drops to the right */
#define MARGIN 20
#define DROP_X 1000
#define DROP_W 340
#define ROW_GAP 58
#define LINE_H 15
#define DROP_H 48

enum row {
	ROW_TRAFFIC, ROW_NIC, ROW_IRQ, ROW_CPU, ROW_NF, ROW_L3, ROW_L4, ROW_SOCK,
	ROW_APP, ROW_OTHER, NROWS
};

enum box_kind { BOX_PLAIN, BOX_UDP, BOX_ICMP, BOX_TCP, BOX_IPV4, BOX_IPV6, BOX_ARP, BOX_BPF };

struct box {
	enum row row;
	enum box_kind kind;
	char title[TEXT_LEN];
	char lines[MAX_LINES][TEXT_LEN];
	int nlines;
	bool warn;			/* something went wrong here: a drop in red inside */
	double x, y, w, h;
};

struct edge {
	int from, to;
	uint64_t count;
	bool dashed;			/* a copy (taps), not the packet itself */
};

struct drop_mark {
	int from;			/* box the drop leaves from */
	uint64_t count;
	const char *label, *reason, *watch;	/* watch: for "other drops", the cause */
	double y;
};

struct diagram {
	struct box box[MAX_BOXES];
	int nbox;
	struct edge edge[MAX_EDGES];
	int nedge;
	struct drop_mark drop[MAX_DROPS];
	int ndrop;
	double row_y[NROWS], row_h[NROWS];
	double height;
};

/* ---- small writers ---- */

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* "1 234 567": thin spaces make long counts readable and stay searchable as digits apart. */
static const char *num(uint64_t v, char *buf, size_t n)
{
	snprintf(buf, n, "%" PRIu64, v);
	return buf;
}

static int add_box(struct diagram *d, enum row row, enum box_kind kind, const char *fmt, ...)
{
	struct box *b;
	va_list ap;

	if (d->nbox >= MAX_BOXES)
		return -1;
	b = &d->box[d->nbox];
	memset(b, 0, sizeof(*b));
	b->row = row;
	b->kind = kind;
	va_start(ap, fmt);
	vsnprintf(b->title, sizeof(b->title), fmt, ap);
	va_end(ap);
	return d->nbox++;
}

static void add_line(struct diagram *d, int box, const char *fmt, ...)
{
	struct box *b;
	va_list ap;

	if (box < 0 || d->box[box].nlines >= MAX_LINES)
		return;
	b = &d->box[box];
	va_start(ap, fmt);
	vsnprintf(b->lines[b->nlines++], TEXT_LEN, fmt, ap);
	va_end(ap);
}

static void add_edge(struct diagram *d, int from, int to, uint64_t count, bool dashed)
{
	if (from < 0 || to < 0 || d->nedge >= MAX_EDGES)
		return;
	d->edge[d->nedge++] = (struct edge){ from, to, count, dashed };
}

static int find_box(const struct diagram *d, enum row row, enum box_kind kind)
{
	int last = -1;

	for (int i = 0; i < d->nbox; i++)
		if (d->box[i].row == row && (kind == BOX_PLAIN || d->box[i].kind == kind))
			last = i;
	return last;
}

/* ---- building the diagram from the host ---- */

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* What the source's file held that was not replayed as it was: the host's own frames,
 * checksums filled in or rewritten (wire.c). */
static void wire_lines(struct diagram *d, int box, const struct rxs_host *h, unsigned int i)
{
	struct rxs_traffic_info ti;
	char b[32];

	if (rxs_host_traffic_info(h, i, &ti))
		return;
	if (ti.own_frames)
		add_line(d, box, "%s of its frames the host's own (not replayed)",
			 num(ti.own_frames, b, sizeof(b)));
	if (ti.source.csum_offload)
		add_line(d, box, "checksums %s: %s TX-offload checksums filled in",
			 rxs__checksums_name(ti.checksums), num(ti.source.csum_offload, b, sizeof(b)));
	if (ti.source.csum_rewritten)
		add_line(d, box, "checksums %s: %s frames rewritten",
			 rxs__checksums_name(ti.checksums),
			 num(ti.source.csum_rewritten, b, sizeof(b)));
}

static int traffic_box(struct diagram *d, const struct rxs_host *h,
		       const struct rxs__funnel_snap *snap)
{
	const struct rxs_scenario *sc = rxs_host_scenario(h);
	char b[32];
	int t = add_box(d, ROW_TRAFFIC, BOX_PLAIN, "traffic: %s frames offered",
			num(snap->cons.offered, b, sizeof(b)));

	for (unsigned int i = 0; sc && i < sc->ntraffic && i < MAX_LINES; i++) {
		const struct rxs_traffic_config *tc = &sc->traffic[i];

		if (tc->kind == RXS_TRAFFIC_PCAP)
			add_line(d, t, "%s \xe2\x86\x92 %s", basename_of(tc->path ? tc->path : "?"),
				 tc->nic[0] ? tc->nic : "first NIC");
		if (tc->kind == RXS_TRAFFIC_PCAP)
			wire_lines(d, t, h, i);
		else
			add_line(d, t, "generated %s \xe2\x86\x92 %s", tc->generator,
				 tc->nic[0] ? tc->nic : "first NIC");
	}
	return t;
}

/* One box per RX queue, one IRQ box below each, and the edge to the IRQ's CPU later. */
static void nic_boxes(struct diagram *d, const struct rxs_host *h, int traffic, int *irq_cpu)
{
	const struct rxs_scenario *sc = rxs_host_scenario(h);
	unsigned int ncpus = rxs_host_ncpus(h);

	for (unsigned int n = 0; n < rxs_nic_count(h); n++) {
		for (unsigned int q = 0; q < rxs_nic_nqueues(h, n); q++) {
			struct rxs_nic_stats st = { 0 };
			uint32_t size = 0, peak = 0;
			int qb, ib, cpu = sc && n < sc->nnics ? sc->nics[n].irq_affinity[q] : (int)q;
			char b1[32], b2[32];

			rxs_nic_get_queue_stats(h, n, q, &st, &size, &peak);
			qb = add_box(d, ROW_NIC, BOX_PLAIN, "%s rx-%u", rxs_nic_name(h, n), q);
			if (size)
				add_line(d, qb, "ring %u, deepest %u", size, peak);
			else
				add_line(d, qb, "no ring (netif_rx)");
			add_line(d, qb, "rx_packets %s", num(st.rx_packets, b1, sizeof(b1)));
			if (st.rx_missed_errors) {
				add_line(d, qb, "rx_missed_errors %s",
					 num(st.rx_missed_errors, b2, sizeof(b2)));
				d->box[qb].warn = true;
			}
			add_edge(d, traffic, qb, st.rx_packets + st.rx_missed_errors + st.rx_dropped,
				 false);
			ib = add_box(d, ROW_IRQ, BOX_PLAIN, "IRQ %s-rx-%u", rxs_nic_name(h, n), q);
			add_line(d, ib, "%s interrupts", num(st.hw_irqs, b1, sizeof(b1)));
			add_line(d, ib, "\xe2\x86\x92 CPU %u", (unsigned int)cpu % ncpus);
			add_edge(d, qb, ib, st.rx_packets, false);
			if (ib >= 0)
				irq_cpu[ib] = (int)((unsigned int)cpu % ncpus);
		}
	}
}

static void cpu_boxes(struct diagram *d, const struct rxs_host *h, const int *irq_cpu,
		      const struct rxs_series *s)
{
	int first = d->nbox;

	for (unsigned int c = 0; c < rxs_host_ncpus(h); c++) {
		struct rxs_softnet_stat sn = { 0 };
		struct rxs_cpu_stats cs = { 0 };
		char b1[32], b2[32];
		int cb;

		rxs_softnet_get_stat(h, c, &sn);
		rxs_host_cpu_stats(h, c, &cs);
		cb = add_box(d, ROW_CPU, BOX_PLAIN, "CPU %u: net_rx_action", c);
		add_line(d, cb, "%s softirqs, %s polls", num(cs.softirqs, b1, sizeof(b1)),
			 num(cs.napi_polls, b2, sizeof(b2)));
		add_line(d, cb, "processed %" PRIu32 ", squeezed %" PRIu32, sn.processed,
			 sn.time_squeeze);
		add_line(d, cb, "softirq time %.3f ms", cs.softirq_ns / 1e6);
		if (sn.dropped) {
			add_line(d, cb, "backlog drops %" PRIu32, sn.dropped);
			d->box[cb].warn = true;
		}
		(void)s;
	}
	/* Edges from each IRQ to the CPU it interrupts: what that queue's poll took in. */
	for (int i = 0; i < d->nedge; i++) {
		const struct edge *e = &d->edge[i];

		if (d->box[e->to].row == ROW_IRQ && irq_cpu[e->to] >= 0)
			add_edge(d, e->to, first + irq_cpu[e->to], e->count, false);
	}
}

static int tap_and_nf_boxes(struct diagram *d, const struct rxs_host *h, int ncpu_first)
{
	const struct rxs_ruleset *nf = rxs_ruleset_get(h);
	unsigned int ncpus = rxs_host_ncpus(h);
	char b1[32], b2[32];
	int nfb;

	for (unsigned int t = 0; t < rxs_tap_count(h); t++) {
		const rxs_tap_t *tap = rxs_tap_get(h, t);
		struct rxs_tap_stats ts = { 0 };
		int tb;

		rxs_tap_get_stats(tap, &ts);
		tb = add_box(d, ROW_NF, BOX_PLAIN, "tap %s (packet socket)", rxs_tap_name(tap));
		add_line(d, tb, "captured %s", num(ts.captured, b1, sizeof(b1)));
		if (ts.tp_drops) {
			add_line(d, tb, "ring full: %s dropped", num(ts.tp_drops, b2, sizeof(b2)));
			d->box[tb].warn = true;
		}
		for (unsigned int c = 0; c < ncpus; c++)
			add_edge(d, ncpu_first + (int)c, tb, c ? 0 : ts.tp_packets, true);
	}
	nfb = add_box(d, ROW_NF, BOX_PLAIN, "netfilter: PREROUTING \xe2\x86\x92 INPUT");
	if (nf && rxs_ruleset_nchains(nf))
		add_line(d, nfb, "%u rules (iptables -L -v)", rxs_ruleset_nrules(nf));
	if (nf && rxs_ruleset_nft_nrules(nf))
		add_line(d, nfb, "%u rules (nft list ruleset)", rxs_ruleset_nft_nrules(nf));
	if (!nf)
		add_line(d, nfb, "no rules: every hook accepts");
	return nfb;
}

/* Each eBPF program attached (XDP, tc ingress, a socket's filter): its runs and verdicts. */
static void bpf_boxes(struct diagram *d, const struct rxs_host *h, int ncpu_first)
{
	for (unsigned int i = 0; i < rxs_bpf_prog_count(h); i++) {
		struct rxs_bpf_prog_stats st;
		char b1[32];
		int bb;

		if (rxs_bpf_prog_get_stats(h, i, &st))
			continue;
		bb = add_box(d, ROW_NF, BOX_BPF, "%s %s on %s", rxs_bpf_attach_name(st.attach),
			     st.name, st.where);
		add_line(d, bb, "%s runs", num(st.runs, b1, sizeof(b1)));
		for (unsigned int v = 0; v < RXS_BPF_VERDICTS; v++) {
			const char *name = rxs_bpf_verdict_name(st.attach, v);

			if (st.verdicts[v])
				add_line(d, bb, "%s %s", name ? name : "other",
					 num(st.verdicts[v], b1, sizeof(b1)));
		}
		if (st.errors || st.exceptions) {
			add_line(d, bb, "run errors %" PRIu64 ", xdp_exception %" PRIu64, st.errors,
				 st.exceptions);
			d->box[bb].warn = true;
		}
		add_edge(d, ncpu_first, bb, st.runs, true);
	}
}

/* Packets that entered each L4 protocol, both families: what its drops, reads and queues
 * add up to (the kernel counts no single "in" for UDP). */
static uint64_t udp_in(const struct rxs_host *h)
{
	uint64_t v = 0;

	for (unsigned int k = 0; k < rxs_socket_count(h); k++) {
		struct rxs_socket_info si;

		if (rxs_socket_get_info(rxs_socket_get(h, k), &si) == 0 && si.proto == IPPROTO_UDP)
			v += si.queued;
	}
	return v + rxs_host_mib(h, RXS_MIB_UdpInDatagrams) + rxs_host_mib(h, RXS_MIB_UdpNoPorts) +
	       rxs_host_mib(h, RXS_MIB_UdpInErrors) + rxs_host_mib(h, RXS_MIB_Udp6InDatagrams) +
	       rxs_host_mib(h, RXS_MIB_Udp6NoPorts) + rxs_host_mib(h, RXS_MIB_Udp6InErrors);
}

static void l3_l4_boxes(struct diagram *d, const struct rxs_host *h, int nfb)
{
	uint64_t v4 = rxs_host_mib(h, RXS_MIB_IpInReceives), v6 = rxs_host_mib(h, RXS_MIB_Ip6InReceives);
	uint64_t in[3] = { udp_in(h), rxs_host_mib(h, RXS_MIB_IcmpInMsgs) +
			   rxs_host_mib(h, RXS_MIB_Icmp6InMsgs), rxs_host_mib(h, RXS_MIB_TcpInSegs) };
	static const char *const names[3] = { "UDP (__udp4_lib_rcv, __udp6_lib_rcv)",
					      "ICMP (icmp_rcv, icmpv6_rcv)",
					      "TCP (tcp_v4_rcv, tcp_v6_rcv)" };
	static const enum box_kind kinds[3] = { BOX_UDP, BOX_ICMP, BOX_TCP };
	char b1[32], b2[32];
	int b4, b6;

	b4 = add_box(d, ROW_L3, BOX_IPV4, "IPv4: ip_rcv \xe2\x86\x92 ip_local_deliver");
	add_line(d, b4, "IpInReceives %s", num(v4, b1, sizeof(b1)));
	add_line(d, b4, "IpInDelivers %s", num(rxs_host_mib(h, RXS_MIB_IpInDelivers), b2, sizeof(b2)));
	b6 = add_box(d, ROW_L3, BOX_IPV6, "IPv6: ipv6_rcv \xe2\x86\x92 ip6_input");
	add_line(d, b6, "Ip6InReceives %s", num(v6, b1, sizeof(b1)));
	add_line(d, b6, "Ip6InDelivers %s", num(rxs_host_mib(h, RXS_MIB_Ip6InDelivers), b2, sizeof(b2)));
	add_edge(d, nfb, b4, v4, false);
	add_edge(d, nfb, b6, v6, false);
	for (int p = 0; p < 3; p++) {
		int lb = add_box(d, ROW_L4, kinds[p], "%s", names[p]);

		add_line(d, lb, "in %s", num(in[p], b1, sizeof(b1)));
		/* One family carries nearly all traffic; draw the edge from the one that fed it. */
		add_edge(d, v6 > v4 ? b6 : b4, lb, in[p], false);
	}
	add_line(d, find_box(d, ROW_L4, BOX_UDP), "read (UdpInDatagrams) %s",
		 num(rxs_host_mib(h, RXS_MIB_UdpInDatagrams) +
		     rxs_host_mib(h, RXS_MIB_Udp6InDatagrams), b1, sizeof(b1)));
}

static void app_text(const struct rxs_app_config *a, bool tcp, char *buf, size_t n)
{
	const char *verb = tcp ? "accepts" : "reads";

	switch (a->kind) {
	case RXS_APP_ALL: snprintf(buf, n, "%s everything", verb); break;
	case RXS_APP_NEVER: snprintf(buf, n, "never %s", tcp ? "accepts" : "reads"); break;
	case RXS_APP_RATE:
		snprintf(buf, n, "%s %.0f %s/s", verb, a->rate, a->rate_bytes ? "bytes" : "packets");
		break;
	case RXS_APP_BATCH:
		snprintf(buf, n, "%s %u every %.3f ms", verb, a->batch, a->every_ns / 1e6);
		break;
	}
}

static const struct rxs_socket_config *sock_cfg(const struct rxs_host *h, const char *name)
{
	const struct rxs_scenario *sc = rxs_host_scenario(h);

	for (unsigned int i = 0; sc && name && i < sc->nsockets; i++)
		if (strcmp(sc->sockets[i].name, name) == 0)
			return &sc->sockets[i];
	return NULL;
}

static void socket_boxes(struct diagram *d, const struct rxs_host *h)
{
	for (unsigned int k = 0; k < rxs_socket_count(h); k++) {
		const struct rxs_socket_config *cfg;
		struct rxs_socket_info si;
		char b1[32], b2[32], app[64] = "application";
		bool tcp;
		int sb, ab;

		if (rxs_socket_get_info(rxs_socket_get(h, k), &si) < 0)
			continue;
		tcp = si.proto == IPPROTO_TCP;
		cfg = sock_cfg(h, si.name);
		sb = add_box(d, ROW_SOCK, BOX_PLAIN, "%s socket %s", tcp ? "TCP" : "UDP",
			     si.name ? si.name : "?");
		add_line(d, sb, "%s", si.local);
		if (!tcp)
			add_line(d, sb, "rcvbuf %" PRId64 ", queued %s", si.rcvbuf,
				 num(si.queued, b1, sizeof(b1)));
		else
			add_line(d, sb, "accept queue %" PRIu64 "/%" PRIu64, si.recv_q, si.send_q);
		if (si.drops) {
			add_line(d, sb, "sk_drops %s (ss -m: d)", num(si.drops, b2, sizeof(b2)));
			d->box[sb].warn = true;
		}
		add_edge(d, find_box(d, ROW_L4, tcp ? BOX_TCP : BOX_UDP), sb,
			 si.delivered + si.queued, false);
		if (cfg)
			app_text(&cfg->app, tcp, app, sizeof(app));
		ab = add_box(d, ROW_APP, BOX_PLAIN, "application of %s", si.name ? si.name : "?");
		add_line(d, ab, "%s", app);
		add_line(d, ab, "%s %s", tcp ? "accepted" : "read", num(si.delivered, b1, sizeof(b1)));
		add_edge(d, sb, ab, si.delivered, false);
	}
}

/* ---- drops: the funnel's drop rows, each beside the box of the stage that owns it ---- */

static int drop_source(struct diagram *d, const char *stage, enum rxs_drop_reason reason)
{
	static const struct { const char *prefix; enum row row; enum box_kind kind; } where[] = {
		{ "NIC", ROW_NIC, BOX_PLAIN },	{ "softirq", ROW_CPU, BOX_PLAIN },
		{ "core", ROW_CPU, BOX_PLAIN },	{ "IPv4", ROW_L3, BOX_IPV4 },
		{ "IPv6", ROW_L3, BOX_IPV6 },	{ "UDP", ROW_L4, BOX_UDP },
		{ "ICMP", ROW_L4, BOX_ICMP },	{ "TCP", ROW_L4, BOX_TCP },
		{ "sockets", ROW_SOCK, BOX_PLAIN },
	};
	int b;

	if (reason == RXS_DROP_NETFILTER_DROP)
		return find_box(d, ROW_NF, BOX_PLAIN);
	if ((reason == RXS_DROP_XDP || reason == RXS_DROP_TC_INGRESS ||
	     reason == RXS_DROP_SOCKET_FILTER) && (b = find_box(d, ROW_NF, BOX_BPF)) >= 0)
		return b;
	if (reason == RXS_DROP_IPV6DISABLED || reason == RXS_DROP_IPV6_BAD_EXTHDR)
		return find_box(d, ROW_L3, BOX_IPV6);
	/* ARP has no box of its own until something happens to it: no counter says it ran. */
	if (stage && strncmp(stage, "ARP", 3) == 0) {
		b = find_box(d, ROW_L3, BOX_ARP);
		if (b < 0)
			b = add_box(d, ROW_L3, BOX_ARP, "ARP: arp_rcv");
		return b;
	}
	for (size_t i = 0; stage && i < ARRAY_SIZE(where); i++) {
		if (strncmp(stage, where[i].prefix, strlen(where[i].prefix)) == 0 &&
		    (b = find_box(d, where[i].row, where[i].kind)) >= 0)
			return b;
	}
	/* A stage this file does not know yet (the funnel grew): still shown, at the bottom. */
	b = find_box(d, ROW_OTHER, BOX_PLAIN);
	if (b < 0) {
		b = add_box(d, ROW_OTHER, BOX_PLAIN, "elsewhere on the path");
		add_line(d, b, "perf trace -e skb:kfree_skb");
	}
	return b;
}

static void add_drop(struct diagram *d, int from, uint64_t v, const char *label,
		     const char *reason, const char *watch)
{
	if (from < 0 || d->ndrop >= MAX_DROPS)
		return;
	d->drop[d->ndrop++] = (struct drop_mark){ from, v, label, reason, watch, 0 };
	d->box[from].warn = true;
}

static void funnel_drops(struct diagram *d, const struct rxs__funnel_snap *snap)
{
	const char *stage = NULL;

	for (size_t i = 0; i < rxs__funnel_len; i++) {
		const struct rxs__funnel_row *r = &rxs__funnel[i];
		uint64_t v;

		if (r->kind == RXS_FUNNEL_STAGE) {
			stage = r->label;
			/* The stage's drops no line shows, as the text report's "other drops". */
			for (unsigned int k = RXS_DROP_CONSUMED + 1; k < RXS_DROP_MAX; k++)
				if (snap->other[r->which][k])
					add_drop(d, drop_source(d, stage, (enum rxs_drop_reason)k),
						 snap->other[r->which][k], "other drops",
						 rxs_drop_reason_name((enum rxs_drop_reason)k),
						 rxs_drop_reason_cause((enum rxs_drop_reason)k));
		}
		if (r->kind != RXS_FUNNEL_DROP || !(v = rxs__funnel_value(snap, r)))
			continue;
		add_drop(d, drop_source(d, stage, r->reason), v, r->label,
			 r->reason != RXS_DROP_NOT_DROPPED_YET ? rxs_drop_reason_name(r->reason) : "-",
			 r->watch);
	}
}

static void build(struct diagram *d, const struct rxs_host *h, const struct rxs__funnel_snap *snap,
		  const struct rxs_series *s)
{
	static int irq_cpu[MAX_BOXES];
	int traffic, first_cpu, nfb;

	for (int i = 0; i < MAX_BOXES; i++)
		irq_cpu[i] = -1;
	traffic = traffic_box(d, h, snap);
	nic_boxes(d, h, traffic, irq_cpu);
	first_cpu = d->nbox;
	cpu_boxes(d, h, irq_cpu, s);
	nfb = tap_and_nf_boxes(d, h, first_cpu);
	bpf_boxes(d, h, first_cpu);
	for (unsigned int c = 0; c < rxs_host_ncpus(h); c++) {
		struct rxs_softnet_stat sn = { 0 };

		rxs_softnet_get_stat(h, c, &sn);
		add_edge(d, first_cpu + (int)c, nfb, sn.processed, false);
	}
	l3_l4_boxes(d, h, nfb);
	/* ARP, when the traffic had any: no kernel counter, rxsim's count of what reached it.
	 * Its edge leaves the netfilter box only because every CPU's edge ends there; ARP
	 * takes no inet hook. */
	if (snap->ended[RXS_PKT_ARP]) {
		char b[32];
		int ab = add_box(d, ROW_L3, BOX_ARP, "ARP: arp_rcv");

		add_line(d, ab, "received %s (rxsim only)", num(snap->ended[RXS_PKT_ARP], b,
								sizeof(b)));
		add_edge(d, nfb, ab, snap->ended[RXS_PKT_ARP], false);
	}
	socket_boxes(d, h);
	funnel_drops(d, snap);
}

/* ---- layout ---- */

static void layout_row(struct diagram *d, enum row row, double y)
{
	int n = 0, k = 0;
	double w, gap = 16, x0, hmax = 0;

	for (int i = 0; i < d->nbox; i++)
		n += d->box[i].row == row;
	if (!n)
		return;
	w = (MAIN_W - gap * (n - 1)) / n;
	if (w > 260)
		w = 260;
	x0 = MARGIN + (MAIN_W - (n * w + gap * (n - 1))) / 2;
	for (int i = 0; i < d->nbox; i++) {
		struct box *b = &d->box[i];

		if (b->row != row)
			continue;
		b->x = x0 + k++ * (w + gap);
		b->y = y;
		b->w = w;
		b->h = 26 + LINE_H * b->nlines;
		if (b->h > hmax)
			hmax = b->h;
	}
	d->row_y[row] = y;
	d->row_h[row] = hmax;
}

static void layout(struct diagram *d)
{
	double y = 20;

	/* Taps sit beside netfilter: both hang off __netif_receive_skb_core. */
	for (int r = 0; r < NROWS; r++) {
		double h, dy;
		int nd = 0;

		layout_row(d, (enum row)r, y);
		h = d->row_h[r];
		for (int i = 0; i < d->ndrop; i++) {
			if ((int)d->box[d->drop[i].from].row != r)
				continue;
			d->drop[i].y = y + nd++ * (DROP_H + 8);
		}
		dy = nd ? nd * (DROP_H + 8) - 8 : 0;
		if (dy > h)
			h = dy;
		if (h > 0)
			y += h + ROW_GAP;
	}
	d->height = y - ROW_GAP + 20;
}

/* ---- drawing ---- */

static const char *const row_fill[NROWS] = {
	"#eef2f7", "#e3eefc", "#f3ecfb", "#e6f5ea", "#fdf3e1", "#e8f4f8", "#eaf2e3",
	"#fbeef3", "#f1f1f1", "#f1f1f1",
};

static void draw_box(FILE *f, const struct box *b)
{
	fprintf(f, "<g class=\"box%s\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"rx=\"6\" fill=\"%s\"/>", b->warn ? " warn" : "", b->x, b->y, b->w, b->h,
		row_fill[b->row]);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"bt\">", b->x + 8, b->y + 17);
	esc(f, b->title);
	fputs("</text>", f);
	for (int i = 0; i < b->nlines; i++) {
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", b->x + 8, b->y + 33 + i * LINE_H);
		esc(f, b->lines[i]);
		fputs("</text>", f);
	}
	fputs("</g>\n", f);
}

/* Edges leave the bottom of a box spread over its width, so a fan-out stays readable. */
static double spread(const struct diagram *d, int e, bool out)
{
	int box = out ? d->edge[e].from : d->edge[e].to, n = 0, k = 0;
	const struct box *b = &d->box[box];

	for (int i = 0; i < d->nedge; i++) {
		if ((out ? d->edge[i].from : d->edge[i].to) != box)
			continue;
		if (i == e)
			k = n;
		n++;
	}
	return b->x + b->w * (k + 1) / (n + 1);
}

static void draw_edge(FILE *f, const struct diagram *d, int e)
{
	const struct edge *ed = &d->edge[e];
	const struct box *a = &d->box[ed->from], *b = &d->box[ed->to];
	double x1 = spread(d, e, true), y1 = a->y + a->h, x2 = spread(d, e, false), y2 = b->y - 3;
	double my = (y1 + y2) / 2;

	fprintf(f, "<g%s><path class=\"edge%s\" d=\"M%.1f %.1f C%.1f %.1f %.1f %.1f %.1f %.1f\" "
		"marker-end=\"url(#arrow)\"/>", ed->count ? "" : " class=\"idle\"",
		ed->dashed ? " copy" : "", x1, y1, x1, my, x2, my, x2, y2);
	fprintf(f, "<text class=\"ec\" x=\"%.1f\" y=\"%.1f\">%" PRIu64 "%s\n",
		(x1 + x2) / 2 + 4, my + 4, ed->count, ed->dashed ? " copies</text></g>" : "</text></g>");
}

/* True when another box of @b's row lies to its right, in the way of a straight line. */
static bool blocked(const struct diagram *d, const struct box *b)
{
	for (int i = 0; i < d->nbox; i++)
		if (d->box[i].row == b->row && d->box[i].x > b->x)
			return true;
	return false;
}

static void draw_drop(FILE *f, const struct diagram *d, const struct drop_mark *m)
{
	const struct box *b = &d->box[m->from];
	double y = m->y + DROP_H / 2.0, gap_y = d->row_y[b->row] + d->row_h[b->row] + 14;

	/* Straight to the drop column, or under the row when boxes are in the way. */
	if (blocked(d, b))
		fprintf(f, "<path class=\"dropline\" d=\"M%.1f %.1f V%.1f H%d V%.1f H%d\" "
			"marker-end=\"url(#redarrow)\"/>", b->x + b->w - 14, b->y + b->h, gap_y,
			DROP_X - 24, y, DROP_X - 3);
	else
		fprintf(f, "<path class=\"dropline\" d=\"M%.1f %.1f C%.1f %.1f %.1f %.1f %d %.1f\" "
			"marker-end=\"url(#redarrow)\"/>", b->x + b->w, b->y + b->h / 2,
			(double)DROP_X - 40, b->y + b->h / 2, (double)DROP_X - 60, y, DROP_X - 3, y);
	fprintf(f, "<g class=\"drop\"><rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" rx=\"6\"/>",
		DROP_X, m->y, DROP_W, DROP_H);
	fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"dt\">%" PRIu64 " dropped: ", DROP_X + 8,
		m->y + 16, m->count);
	esc(f, m->label);
	fprintf(f, "</text><text x=\"%d\" y=\"%.1f\" class=\"dr\">", DROP_X + 8, m->y + 31);
	esc(f, m->reason);
	fprintf(f, "</text><text x=\"%d\" y=\"%.1f\" class=\"dw\">%s", DROP_X + 8, m->y + 44,
		strcmp(m->label, "other drops") == 0 ? "" : "watch: ");
	esc(f, m->watch ? m->watch : "");
	fputs("</text></g>\n", f);
}

static void draw_diagram(FILE *f, const struct diagram *d)
{
	fprintf(f, "<svg class=\"path\" viewBox=\"0 0 %d %.0f\" width=\"%d\" height=\"%.0f\" "
		"role=\"img\" aria-label=\"the receive path\">\n", SVG_W, d->height, SVG_W, d->height);
	fputs("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
	      "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" "
	      "fill=\"#5b6b80\"/></marker><marker id=\"redarrow\" viewBox=\"0 0 10 10\" refX=\"9\" "
	      "refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path "
	      "d=\"M0 0L10 5L0 10z\" fill=\"#c62828\"/></marker></defs>\n", f);
	fprintf(f, "<text class=\"colhead\" x=\"%d\" y=\"12\">drops, where they happen</text>\n",
		DROP_X);
	for (int i = 0; i < d->nedge; i++)
		draw_edge(f, d, i);
	for (int i = 0; i < d->nbox; i++)
		draw_box(f, &d->box[i]);
	for (int i = 0; i < d->ndrop; i++)
		draw_drop(f, d, &d->drop[i]);
	fputs("</svg>\n", f);
}

/* ---- the funnel as a table: the text report's lines, same order, same filter ---- */

static void table_row(FILE *f, const struct rxs__funnel_row *r, uint64_t v)
{
	const char *reason = "";

	if (r->kind == RXS_FUNNEL_DROP)
		reason = r->reason != RXS_DROP_NOT_DROPPED_YET ? rxs_drop_reason_name(r->reason) : "-";
	fprintf(f, "<tr class=\"%s\"><td>", r->kind == RXS_FUNNEL_DROP ? "drop" :
		r->kind == RXS_FUNNEL_INFO ? "info" : "pass");
	esc(f, r->label);
	fprintf(f, "</td><td class=\"n\">%" PRIu64 "</td><td>%s</td><td>", v, reason);
	esc(f, r->watch ? r->watch : "");
	fputs("</td></tr>\n", f);
}

static void stage_row(FILE *f, const char *label)
{
	fputs("<tr class=\"stage\"><td colspan=\"4\">", f);
	esc(f, label);
	fputs("</td></tr>\n", f);
}

/* Stage @st's "other drops" rows, the heading first when no line of the stage had it. */
static void table_other(FILE *f, const struct rxs__funnel_snap *s, const struct rxs__funnel_row *st,
			bool headed)
{
	if (!st || !rxs__funnel_other_total(s, (enum rxs__funnel_stage)st->which))
		return;
	if (!headed)
		stage_row(f, st->label);
	for (unsigned int r = RXS_DROP_CONSUMED + 1; r < RXS_DROP_MAX; r++) {
		if (!s->other[st->which][r])
			continue;
		fprintf(f, "<tr class=\"drop\"><td>other drops</td><td class=\"n\">%" PRIu64
			"</td><td>%s</td><td>", s->other[st->which][r],
			rxs_drop_reason_name((enum rxs_drop_reason)r));
		esc(f, rxs_drop_reason_cause((enum rxs_drop_reason)r));
		fputs("</td></tr>\n", f);
	}
}

static void draw_funnel_table(FILE *f, const struct rxs__funnel_snap *s)
{
	const struct rxs__funnel_row *stage = NULL;
	bool shown = false, headed = false;

	fputs("<table class=\"funnel\"><tr><th>where every frame went</th><th>count</th>"
	      "<th>drop reason</th><th>on a real host, watch</th></tr>\n", f);
	for (size_t i = 0; i < rxs__funnel_len; i++) {
		const struct rxs__funnel_row *r = &rxs__funnel[i];
		uint64_t v;

		if (r->kind == RXS_FUNNEL_STAGE) {
			table_other(f, s, stage, headed);
			stage = r;
			shown = rxs__funnel_stage_shown(s, r);
			headed = false;
			continue;
		}
		v = rxs__funnel_value(s, r);
		if (!shown || (r->kind != RXS_FUNNEL_PASS && v == 0))
			continue;
		if (!headed)
			stage_row(f, stage->label);
		headed = true;
		table_row(f, r, v);
	}
	table_other(f, s, stage, headed);
	fputs("</table>\n", f);
}

/* ---- time series charts ---- */

#define CH_W 640
#define CH_H 230
#define PL 62		/* plot left */
#define PR 16
#define PT 14
#define PB 34
#define MAX_CH_LINES 12
#define BUSY_WINDOW 8

static const char *const palette[MAX_CH_LINES] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
	"#e377c2", "#17becf", "#7f7f7f", "#bcbd22", "#393b79", "#637939",
};

enum transform { AS_IS, PER_INTERVAL, PERCENT_OF_INTERVAL };

struct chart {
	const char *title, *unit;
	enum rxs_series_kind kind;
	enum transform tf;
	unsigned int line[MAX_CH_LINES];	/* indexes into the kind's lines */
	char name[MAX_CH_LINES][48];
	int nlines;
	bool truncated;
};

static double point(const struct rxs_series *s, const struct chart *c, int l, unsigned int i)
{
	uint64_t v = rxs_series_value(s, c->kind, c->line[l], i);
	uint64_t prev = i ? rxs_series_value(s, c->kind, c->line[l], i - 1) : 0;
	uint64_t t = rxs_series_time(s, i), t0 = i ? rxs_series_time(s, i - 1) : 0;

	if (c->tf == AS_IS)
		return (double)v;
	double pct;

	if (c->tf == PER_INTERVAL)
		return (double)(v - prev);
	/* The cost model charges a whole poll when it starts, ahead of the clock, so one short
	 * interval can hold more than its length; a window of BUSY_WINDOW intervals smooths
	 * that out, and what still exceeds the window is clipped: a CPU is at most all busy. */
	if (i >= BUSY_WINDOW) {
		prev = rxs_series_value(s, c->kind, c->line[l], i - BUSY_WINDOW);
		t0 = rxs_series_time(s, i - BUSY_WINDOW);
	} else {
		prev = 0;
		t0 = 0;
	}
	pct = t > t0 ? 100.0 * (double)(v - prev) / (double)(t - t0) : 0;
	return pct > 100 ? 100 : pct;
}

/* 1, 2 or 5 times a power of ten, at least @v: axis ends people can read at a glance. */
static double nice_ceil(double v)
{
	double p = 1;

	if (v <= 0)
		return 1;
	while (p * 10 <= v)
		p *= 10;
	while (p > v * 10)
		p /= 10;
	return v <= p ? p : v <= 2 * p ? 2 * p : v <= 5 * p ? 5 * p : 10 * p;
}

static void chart_axes(FILE *f, double ymax, double tmax_ms)
{
	double pw = CH_W - PL - PR, ph = CH_H - PT - PB, step = nice_ceil(tmax_ms / 5);

	/* Five steps: a 1-2-5 maximum divides into round numbers. */
	for (int k = 0; k <= 5; k++) {
		double y = PT + ph - ph * k / 5;

		fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
			"<text class=\"ax\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>", PL, y,
			CH_W - PR, y, PL - 6, y + 4, ymax * k / 5);
	}
	/* Time ticks on round values: 0, 20, 40 ms rather than quarters of the run. */
	for (double t = 0; tmax_ms > 0 && t <= tmax_ms * 1.0001; t += step)
		fprintf(f, "<text class=\"ax\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>",
			PL + pw * t / tmax_ms, CH_H - PB + 16, t);
	fprintf(f, "<text class=\"ax\" x=\"%d\" y=\"%d\" text-anchor=\"end\">virtual time (ms)"
		"</text>\n", CH_W - PR, CH_H - 4);
}

static void draw_chart(FILE *f, const struct rxs_series *s, const struct chart *c)
{
	unsigned int n = rxs_series_len(s);
	double ymax = 0, tmax = n ? (double)rxs_series_time(s, n - 1) : 1;
	double pw = CH_W - PL - PR, ph = CH_H - PT - PB;

	for (int l = 0; l < c->nlines; l++)
		for (unsigned int i = 0; i < n; i++)
			if (point(s, c, l, i) > ymax)
				ymax = point(s, c, l, i);
	/* Counts below 5 would put fractions on the axis. */
	ymax = nice_ceil(c->tf == PERCENT_OF_INTERVAL || ymax >= 5 ? ymax : 5);
	fputs("<figure class=\"chart\"><figcaption>", f);
	esc(f, c->title);
	fprintf(f, " <span>(%s)</span></figcaption><svg viewBox=\"0 0 %d %d\" width=\"%d\" "
		"height=\"%d\">", c->unit, CH_W, CH_H, CH_W, CH_H);
	chart_axes(f, ymax, tmax / 1e6);
	for (int l = 0; l < c->nlines; l++) {
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" points=\"",
			palette[l]);
		for (unsigned int i = 0; i < n; i++)
			fprintf(f, "%.1f,%.1f ", PL + pw * (double)rxs_series_time(s, i) / tmax,
				PT + ph - ph * point(s, c, l, i) / ymax);
		fputs("\"><title>", f);
		esc(f, c->name[l]);
		fputs("</title></polyline>", f);
	}
	fputs("</svg><div class=\"legend\">", f);
	for (int l = 0; l < c->nlines; l++) {
		fprintf(f, "<span><i style=\"background:%s\"></i>", palette[l]);
		esc(f, c->name[l]);
		fputs("</span>", f);
	}
	if (c->truncated)
		fputs("<span>(first lines only)</span>", f);
	fputs("</div></figure>\n", f);
}

static void chart_add(struct chart *c, unsigned int index, const char *name)
{
	if (c->nlines >= MAX_CH_LINES) {
		c->truncated = true;
		return;
	}
	c->line[c->nlines] = index;
	snprintf(c->name[c->nlines++], sizeof(c->name[0]), "%s", name);
}

static void draw_charts(FILE *f, const struct rxs_host *h, const struct rxs_series *s)
{
	struct chart ch[5] = {
		{ .title = "ring occupancy per RX queue", .unit = "descriptors filled, deepest sample",
		  .kind = RXS_SERIES_RING, .tf = AS_IS },
		{ .title = "softirq busy time per CPU", .unit = "% of time, over 8 intervals",
		  .kind = RXS_SERIES_SOFTIRQ_NS, .tf = PERCENT_OF_INTERVAL },
		{ .title = "backlog depth per CPU", .unit = "skbs, deepest sample",
		  .kind = RXS_SERIES_BACKLOG, .tf = AS_IS },
		{ .title = "socket receive queue per socket", .unit = "skbs, deepest sample",
		  .kind = RXS_SERIES_SOCK, .tf = AS_IS },
		{ .title = "drops per interval, by reason", .unit = "packets",
		  .kind = RXS_SERIES_DROPS, .tf = PER_INTERVAL },
	};
	unsigned int q = 0, last = rxs_series_len(s) ? rxs_series_len(s) - 1 : 0;
	char name[48];

	for (unsigned int n = 0; n < rxs_nic_count(h); n++)
		for (unsigned int i = 0; i < rxs_nic_nqueues(h, n); i++, q++) {
			snprintf(name, sizeof(name), "%s rx-%u", rxs_nic_name(h, n), i);
			chart_add(&ch[0], q, name);
		}
	for (unsigned int c = 0; c < rxs_host_ncpus(h); c++) {
		snprintf(name, sizeof(name), "CPU %u", c);
		chart_add(&ch[1], c, name);
		chart_add(&ch[2], c, name);
	}
	for (unsigned int k = 0; k < rxs_socket_count(h); k++) {
		struct rxs_socket_info si;

		if (rxs_socket_get_info(rxs_socket_get(h, k), &si) == 0)
			chart_add(&ch[3], k, si.name ? si.name : "?");
	}
	for (unsigned int r = RXS_DROP_CONSUMED + 1; r < RXS_DROP_MAX; r++)
		if (rxs_series_value(s, RXS_SERIES_DROPS, r, last))
			chart_add(&ch[4], r, rxs_drop_reason_name((enum rxs_drop_reason)r));
	fprintf(f, "<p class=\"note\">%u samples, one every %.3f ms of virtual time (the last "
		"one at the end of the run).</p>\n<div class=\"charts\">\n", rxs_series_len(s),
		rxs_series_interval(s) / 1e6);
	for (size_t i = 0; i < ARRAY_SIZE(ch); i++)
		if (ch[i].nlines)
			draw_chart(f, s, &ch[i]);
	if (!ch[4].nlines)
		fputs("<figure class=\"chart\"><figcaption>drops per interval</figcaption>"
		      "<p>no drops.</p></figure>\n", f);
	fputs("</div>\n", f);
}

/* ---- the page ---- */

static const char css[] =
	"body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
	"margin:20px;color:#1d2733;background:#fff}"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 8px}"
	".sub{color:#55606e;margin:0}.cons{font-family:monospace;margin:8px 0}"
	".cons.bad{color:#c62828;font-weight:bold}"
	"svg text{font:11px 'DejaVu Sans',sans-serif;fill:#1d2733}"
	"svg .bt{font-weight:bold;font-size:12px}"
	".box rect{stroke:#8395ab;stroke-width:1}.box.warn rect{stroke:#c62828;stroke-width:2}"
	".edge{fill:none;stroke:#5b6b80;stroke-width:1.4}.edge.copy{stroke-dasharray:4 3}"
	".ec{font-weight:bold;paint-order:stroke;stroke:#fff;stroke-width:4px}"
	".dropline{fill:none;stroke:#c62828;stroke-width:1.4;stroke-dasharray:5 3}"
	".drop rect{fill:#fdecea;stroke:#c62828;stroke-width:1.5}"
	"svg .dt{fill:#b71c1c;font-weight:bold;font-size:12px}"
	"svg .dr{font-family:'DejaVu Sans Mono',monospace;fill:#b71c1c}svg .dw{fill:#55606e}"
	"svg .colhead{fill:#b71c1c;font-weight:bold}"
	"table.funnel{border-collapse:collapse;font-size:13px}"
	"table.funnel td,table.funnel th{padding:2px 10px;text-align:left}"
	"table.funnel th{border-bottom:1px solid #ccc}td.n{text-align:right;font-family:monospace}"
	"tr.stage td{font-weight:bold;padding-top:8px}tr.drop td{color:#b71c1c}"
	"tr.info td{color:#55606e}tr.pass td:first-child,tr.drop td:first-child,"
	"tr.info td:first-child{padding-left:24px}"
	".charts{display:flex;flex-wrap:wrap;gap:10px 24px}"
	".chart{margin:0}.chart figcaption{font-weight:bold}.chart figcaption span{"
	"font-weight:normal;color:#55606e}"
	".idle{opacity:.35}.grid{stroke:#e3e6ea}.ax{fill:#55606e}"
	".legend span{margin-right:14px;font-size:12px}.legend i{display:inline-block;width:12px;"
	"height:3px;margin-right:4px;vertical-align:middle}.note{color:#55606e}";

static void header(FILE *f, const struct rxs_host *h, const struct rxs__funnel_snap *s)
{
	const struct rxs_scenario *sc = rxs_host_scenario(h);
	const struct rxs_conservation *c = &s->cons;
	uint64_t now = rxs_host_now(h);
	char line[1024];

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width\"><title>rxsim report: ", f);
	esc(f, sc && sc->path ? basename_of(sc->path) : "run");
	fprintf(f, "</title><style>%s</style></head><body>\n<h1>rxsim: where every frame went"
		"</h1>\n<p class=\"sub\">scenario ", css);
	esc(f, sc && sc->path ? sc->path : "(built in code)");
	fprintf(f, " &middot; %u CPUs, %u NICs, %u sockets &middot; ran to %" PRIu64 ".%09" PRIu64
		" s of virtual time</p>\n", rxs_host_ncpus(h), rxs_nic_count(h),
		rxs_socket_count(h), now / 1000000000u, now % 1000000000u);
	if (rxs__host_summary(sc, line, sizeof(line))) {
		fputs("<p class=\"sub\">host: ", f);
		esc(f, line);
		fputs(" (assumed from the capture; <code>rxsim scenario</code> prints it as YAML)"
		      "</p>\n", f);
	}
	fprintf(f, "<p class=\"cons%s\">conservation: offered %" PRIu64 " = consumed %" PRIu64
		" + dropped %" PRIu64 " + queued %" PRIu64 " %s</p>\n", s->cons_ok ? "" : " bad",
		c->offered, c->consumed, c->dropped, c->queued, s->cons_ok ? "(ok)" : "(VIOLATED)");
}

int rxs_report_html(const struct rxs_host *h, const struct rxs_series *s, FILE *out)
{
	struct rxs__funnel_snap snap;
	struct diagram *d = rxs__calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	rxs__funnel_snap(h, &snap);
	build(d, h, &snap, s);
	layout(d);
	header(out, h, &snap);
	fputs("<h2>The receive path</h2>\n<p class=\"note\">Numbers on the arrows are packets "
	      "that went that way; red boxes are drops, at the stage where they happen, with the "
	      "kernel's drop reason and the counter to watch on a real host.</p>\n", out);
	draw_diagram(out, d);
	fputs("<h2>The funnel</h2>\n", out);
	draw_funnel_table(out, &snap);
	if (s && rxs_series_len(s)) {
		fputs("<h2>Over time</h2>\n", out);
		draw_charts(out, h, s);
	}
	fputs("</body></html>\n", out);
	rxs__free(d);
	return ferror(out) ? -EIO : 0;
}
