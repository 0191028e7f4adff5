/* json.c - rxs_report_json(): the stable JSON contract of DESIGN.md "The program".
 *
 * A tiny streaming writer: it remembers only whether the current container has a member yet
 * (for the comma) and which open containers are printed on one line, so the output is
 * readable (one counter per line, one CPU or queue per line) without building a tree.
 * Keys are fixed here; tests and oracle/check.py rely on them.
 */
#include <errno.h>
#include <netinet/in.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "rxsim/bpf.h"
#include "rxsim/config.h"
#include "rxsim/netfilter.h"
#include "rxsim/nic.h"
#include "stats/stats_int.h"

struct jw {
	FILE *f;
	unsigned int depth;
	bool first;			/* the open container has no member yet */
	uint32_t one_line;		/* bit d: the container at depth d is printed on one line */
};

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* Start a member of the open container: comma, then a new line or a space. */
static void jw_key(struct jw *w, const char *key)
{
	if (w->depth > 0) {
		if (!w->first)
			fputc(',', w->f);
		if (w->one_line & (1u << w->depth)) {
			if (!w->first)
				fputc(' ', w->f);
		} else {
			fprintf(w->f, "\n%*s", (int)(2 * w->depth), "");
		}
	}
	w->first = false;
	if (key) {
		json_string(w->f, key);
		fputs(": ", w->f);
	}
}

static void jw_open(struct jw *w, const char *key, char brace, bool one_line)
{
	jw_key(w, key);
	fputc(brace, w->f);
	w->depth++;
	if (one_line)
		w->one_line |= 1u << w->depth;
	else
		w->one_line &= ~(1u << w->depth);
	w->first = true;
}

static void jw_close(struct jw *w, char brace)
{
	bool multi = !(w->one_line & (1u << w->depth));

	w->depth--;
	if (multi && !w->first)
		fprintf(w->f, "\n%*s", (int)(2 * w->depth), "");
	fputc(brace, w->f);
	w->first = false;
}

static void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	fprintf(w->f, "%" PRIu64, v);
}

static void jw_i64(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	fprintf(w->f, "%" PRId64, v);
}

static void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	json_string(w->f, s);
}

static void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	fputs(v ? "true" : "false", w->f);
}

static void json_icmpmsg(void *ctx, const char *name, uint64_t v, bool named)
{
	(void)named;
	jw_u64(ctx, name, v);
}

/* Every counter, zeros included, so a consumer never has to guess whether absent means 0;
 * in their place, the per-type counters (IcmpMsg, Icmp6InTypeN...) of every ICMP and ICMPv6
 * type the host received or sent too, which the kernel lists only once seen. */
static void json_nstat(struct jw *w, const struct rxs_host *h)
{
	bool done[2] = { false, false };

	jw_open(w, "nstat", '{', false);
	for (unsigned int i = 0; i < RXS_MIB_COUNT; i++) {
		const char *name = rxs_mib_name((enum rxs_mib)i);

		if (rxs__mib_icmpmsg((enum rxs_mib)i)) {
			bool v6 = name[4] == '6';

			if (!done[v6])
				rxs__icmpmsg_each(h, v6 ? AF_INET6 : AF_INET, json_icmpmsg, w);
			done[v6] = true;
			continue;
		}
		jw_u64(w, name, rxs_host_mib(h, (enum rxs_mib)i));
	}
	jw_close(w, '}');
}

static void json_softnet(struct jw *w, const struct rxs_host *h)
{
	jw_open(w, "softnet", '[', false);
	for (unsigned int cpu = 0; cpu < rxs_host_ncpus(h); cpu++) {
		struct rxs_softnet_stat st;

		if (rxs_softnet_get_stat(h, cpu, &st) < 0)
			continue;
		jw_open(w, NULL, '{', true);
		jw_u64(w, "cpu", cpu);
		jw_u64(w, "processed", st.processed);
		jw_u64(w, "dropped", st.dropped);
		jw_u64(w, "time_squeeze", st.time_squeeze);
		jw_u64(w, "received_rps", st.received_rps);
		jw_u64(w, "flow_limit_count", st.flow_limit_count);
		jw_u64(w, "backlog_len", st.backlog_len);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

/* A queue's GRO counters (driver-like names) and its IRQs by CPU (/proc/interrupts). */
static void json_queue_gro(struct jw *w, const struct rxs_host *h, unsigned int nic,
			   unsigned int q)
{
	struct rxs_gro_stats g;

	if (!rxs_nic_queue_gro(h, nic, q, &g)) {
		jw_u64(w, "rx_gro_packets", g.packets);
		jw_u64(w, "rx_gro_bytes", g.bytes);
		jw_u64(w, "rx_gro_skbs", g.skbs);
		jw_u64(w, "gro_merged", g.merged);
		jw_u64(w, "gro_flows", g.flows);
	}
	jw_open(w, "irqs_by_cpu", '[', true);
	for (unsigned int c = 0; c < rxs_host_ncpus(h); c++)
		jw_u64(w, NULL, rxs_nic_queue_irqs(h, nic, q, c));
	jw_close(w, ']');
}

/* The NIC's GRO totals over its queues. */
static void json_nic_gro(struct jw *w, const struct rxs_host *h, unsigned int nic)
{
	struct rxs_gro_stats t = { 0 }, g;

	for (unsigned int q = 0; q < rxs_nic_nqueues(h, nic); q++)
		if (!rxs_nic_queue_gro(h, nic, q, &g)) {
			t.packets += g.packets;
			t.bytes += g.bytes;
			t.skbs += g.skbs;
			t.merged += g.merged;
			t.flows += g.flows;
		}
	jw_u64(w, "rx_gro_packets", t.packets);
	jw_u64(w, "rx_gro_bytes", t.bytes);
	jw_u64(w, "rx_gro_skbs", t.skbs);
	jw_u64(w, "gro_merged", t.merged);
	jw_u64(w, "gro_flows", t.flows);
}

static void json_queues(struct jw *w, const struct rxs_host *h, unsigned int nic)
{
	jw_open(w, "queues", '[', false);
	for (unsigned int q = 0; q < rxs_nic_nqueues(h, nic); q++) {
		struct rxs_nic_stats st;
		uint32_t size = 0, max_fill = 0;

		if (rxs_nic_get_queue_stats(h, nic, q, &st, &size, &max_fill) < 0)
			continue;
		jw_open(w, NULL, '{', true);
		jw_u64(w, "queue", q);
		jw_u64(w, "rx_packets", st.rx_packets);
		jw_u64(w, "rx_bytes", st.rx_bytes);
		jw_u64(w, "rx_missed_errors", st.rx_missed_errors);
		if (st.rx_xdp_drop || st.rx_xdp_pass || st.rx_xdp_tx || st.rx_xdp_redirect) {
			jw_u64(w, "rx_xdp_drop", st.rx_xdp_drop);
			jw_u64(w, "rx_xdp_pass", st.rx_xdp_pass);
			jw_u64(w, "rx_xdp_tx", st.rx_xdp_tx);
			jw_u64(w, "rx_xdp_redirect", st.rx_xdp_redirect);
		}
		jw_u64(w, "hw_irqs", st.hw_irqs);
		jw_u64(w, "ring_size", size);
		jw_u64(w, "ring_max_fill", max_fill);
		json_queue_gro(w, h, nic, q);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

/* A VLAN device's link and id, as ip -d link shows "eth0.202@eth0 ... vlan id 202". */
static void json_vlan(struct jw *w, const struct rxs_host *h, unsigned int nic)
{
	unsigned int vid = 0;
	int real = rxs_nic_vlan(h, nic, &vid);

	if (real < 0)
		return;
	jw_str(w, "link", rxs_nic_name(h, (unsigned int)real));
	jw_u64(w, "vlan_id", vid);
}

static void json_nics(struct jw *w, const struct rxs_host *h)
{
	jw_open(w, "nics", '[', false);
	for (unsigned int i = 0; i < rxs_nic_count(h); i++) {
		struct rxs_nic_stats st;

		if (rxs_nic_get_stats(h, i, &st) < 0)
			continue;
		jw_open(w, NULL, '{', false);
		jw_str(w, "name", rxs_nic_name(h, i));
		json_vlan(w, h, i);
		jw_u64(w, "rx_packets", st.rx_packets);
		jw_u64(w, "rx_bytes", st.rx_bytes);
		jw_u64(w, "rx_dropped", st.rx_dropped);
		jw_u64(w, "rx_missed_errors", st.rx_missed_errors);
		jw_u64(w, "rx_fifo_errors", st.rx_fifo_errors);
		jw_u64(w, "rx_length_errors", st.rx_length_errors);
		jw_u64(w, "rx_errors", st.rx_errors);
		jw_u64(w, "rx_otherhost_dropped", st.rx_otherhost_dropped);
		jw_u64(w, "rx_nohandler", st.rx_nohandler);
		jw_u64(w, "multicast", st.multicast);
		/* rxsim's own: the kernel counts none of these (a NIC drops frames its filter
		 * refuses silently; a group not joined is freed with no counter). */
		jw_u64(w, "rx_mac_filtered", st.rx_mac_filtered);
		jw_u64(w, "rx_mc_unjoined", st.rx_mc_unjoined);
		jw_u64(w, "rx_mc6_unjoined", st.rx_mc6_unjoined);
		if (st.rx_xdp_drop || st.rx_xdp_pass || st.rx_xdp_tx || st.rx_xdp_redirect) {
			jw_u64(w, "rx_xdp_drop", st.rx_xdp_drop);
			jw_u64(w, "rx_xdp_pass", st.rx_xdp_pass);
			jw_u64(w, "rx_xdp_tx", st.rx_xdp_tx);
			jw_u64(w, "rx_xdp_redirect", st.rx_xdp_redirect);
		}
		json_nic_gro(w, h, i);
		json_queues(w, h, i);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void json_cpus(struct jw *w, const struct rxs_host *h)
{
	jw_open(w, "cpus", '[', false);
	for (unsigned int cpu = 0; cpu < rxs_host_ncpus(h); cpu++) {
		struct rxs_cpu_stats st;

		if (rxs_host_cpu_stats(h, cpu, &st) < 0)
			continue;
		jw_open(w, NULL, '{', true);
		jw_u64(w, "cpu", cpu);
		jw_u64(w, "hardirqs", st.hardirqs);
		jw_u64(w, "softirqs", st.softirqs);
		jw_u64(w, "napi_polls", st.napi_polls);
		jw_u64(w, "ksoftirqd_wakeups", st.ksoftirqd_wakeups);
		jw_u64(w, "busy_ns", st.busy_ns);
		jw_u64(w, "softirq_ns", st.softirq_ns);
		jw_u64(w, "squeeze_budget", st.squeeze_budget);
		jw_u64(w, "squeeze_time", st.squeeze_time);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void json_sockets(struct jw *w, const struct rxs_host *h)
{
	jw_open(w, "sockets", '[', false);
	for (unsigned int i = 0; i < rxs_socket_count(h); i++) {
		struct rxs_socket_info si;
		char buf[24];

		if (rxs_socket_get_info(rxs_socket_get(h, i), &si) < 0)
			continue;
		jw_open(w, NULL, '{', false);
		jw_str(w, "name", si.name);
		jw_str(w, "proto", rxs__proto_name(si.proto, buf, sizeof(buf)));
		jw_str(w, "local", si.local);
		jw_u64(w, "recv_q", si.recv_q);
		jw_u64(w, "send_q", si.send_q);
		jw_i64(w, "rcvbuf", si.rcvbuf);
		jw_i64(w, "sndbuf", si.sndbuf);
		jw_u64(w, "rmem_alloc", si.rmem_alloc);
		jw_u64(w, "drops", si.drops);
		jw_u64(w, "queued", si.queued);
		jw_u64(w, "delivered", si.delivered);
		if (si.proto == IPPROTO_TCP)
			jw_u64(w, "syn_q", si.syn_q);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

/* TCP connections as `ss -tnmi` shows them: the receive window and memory. Only when there
 * are some; a closed one (reset) is no longer in the hash tables ss reads. */
static void json_connections(struct jw *w, const struct rxs_host *h)
{
	unsigned int n = rxs_conn_count(h);

	if (!n)
		return;
	jw_open(w, "connections", '[', false);
	for (unsigned int i = 0; i < n; i++) {
		struct rxs_conn_state st;

		if (rxs_conn_state(h, i, &st) < 0 || !strcmp(st.state, "CLOSE"))
			continue;
		jw_open(w, NULL, '{', false);
		jw_str(w, "listener", st.listener);
		jw_str(w, "state", st.state);
		jw_str(w, "local", st.local);
		jw_str(w, "peer", st.peer);
		jw_u64(w, "recv_q", st.recv_q);
		jw_u64(w, "send_q", 0);
		jw_open(w, "skmem", '{', true);
		jw_u64(w, "r", st.rmem_alloc);
		jw_i64(w, "rb", st.rcvbuf);
		jw_i64(w, "f", st.fwd_alloc);
		jw_u64(w, "d", st.drops);
		jw_close(w, '}');
		jw_u64(w, "rcv_wnd", st.rcv_wnd);
		jw_u64(w, "rcv_ssthresh", st.rcv_ssthresh);
		jw_u64(w, "rcv_space", st.rcv_space);
		jw_u64(w, "window_clamp", st.window_clamp);
		jw_u64(w, "rcv_wscale", st.rcv_wscale);
		jw_u64(w, "rcv_mss", st.rcv_mss);
		jw_u64(w, "advmss", st.advmss);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

/* Per rule and per built-in chain policy, as iptables -L -v -n -x counts them. */
static void json_netfilter(struct jw *w, const struct rxs_host *h)
{
	const struct rxs_ruleset *nf = rxs_ruleset_get(h);

	jw_open(w, "netfilter", '[', false);
	for (unsigned int i = 0; nf && i < rxs_ruleset_nrules(nf); i++) {
		struct rxs_ruleset_rule_info r;

		if (rxs_ruleset_rule(nf, i, &r) < 0)
			continue;
		jw_open(w, NULL, '{', true);
		jw_str(w, "table", r.table);
		jw_str(w, "chain", r.chain);
		jw_str(w, "rule", r.text);
		jw_str(w, "target", r.target ? r.target : "");
		jw_u64(w, "pkts", r.pkts);
		jw_u64(w, "bytes", r.bytes);
		jw_close(w, '}');
	}
	/* nftables rules: a counter's values as nft list ruleset shows them ("counter": true), or
	 * the packets that reached the rule's end or verdict. */
	for (unsigned int i = 0; nf && i < rxs_ruleset_nft_nrules(nf); i++) {
		struct rxs_nft_rule_info r;

		if (rxs_ruleset_nft_rule(nf, i, &r) < 0)
			continue;
		jw_open(w, NULL, '{', true);
		jw_str(w, "family", r.family);
		jw_str(w, "table", r.table);
		jw_str(w, "chain", r.chain);
		jw_str(w, "rule", r.text);
		jw_bool(w, "counter", r.counter);
		jw_u64(w, "pkts", r.pkts);
		jw_u64(w, "bytes", r.bytes);
		jw_close(w, '}');
	}
	for (unsigned int i = 0; nf && i < rxs_ruleset_nchains(nf); i++) {
		struct rxs_ruleset_chain_info c;

		if (rxs_ruleset_chain(nf, i, &c) < 0 || !c.policy)
			continue;
		jw_open(w, NULL, '{', true);
		jw_str(w, "table", c.table);
		jw_str(w, "chain", c.name);
		jw_str(w, "policy", c.policy);
		jw_u64(w, "policy_pkts", c.pkts);
		jw_u64(w, "policy_bytes", c.bytes);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	if (!rxs_ruleset_nskipped(nf))
		return;
	/* netfilter.unsupported=skip: the rules left out, and why */
	jw_open(w, "netfilter_skipped", '[', false);
	for (unsigned int i = 0; i < rxs_ruleset_nskipped(nf); i++) {
		struct rxs_ruleset_skipped_info si;

		if (rxs_ruleset_skipped(nf, i, &si) < 0)
			continue;
		jw_open(w, NULL, '{', true);
		jw_u64(w, "line", si.line);
		jw_str(w, "rule", si.text);
		jw_str(w, "reason", si.reason);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

/* /proc/net/stat/nf_conntrack's columns (summed over CPUs) and the table's size; only on a
 * host where conntrack runs, as the file exists only with nf_conntrack loaded. */
static void json_conntrack(struct jw *w, const struct rxs_host *h)
{
	struct rxs_nf_conntrack_stat st;

	rxs_ruleset_get_conntrack_stat(rxs_ruleset_get(h), &st);
	if (!st.loaded)
		return;
	jw_open(w, "nf_conntrack", '{', false);
	jw_u64(w, "entries", st.entries);
	jw_u64(w, "max", st.max);
	jw_u64(w, "clashres", st.clash_resolve);
	jw_u64(w, "found", st.found);
	jw_u64(w, "invalid", st.invalid);
	jw_u64(w, "chainlength", st.chaintoolong);
	jw_u64(w, "insert", st.insert);
	jw_u64(w, "insert_failed", st.insert_failed);
	jw_u64(w, "drop", st.drop);
	jw_u64(w, "early_drop", st.early_drop);
	jw_u64(w, "icmp_error", st.error);
	jw_u64(w, "search_restart", st.search_restart);
	jw_close(w, '}');
}

/* The neighbour table, where the host has one: /proc/net/stat/arp_cache's columns rxsim
 * counts, and the packets still waiting for an address. */
static void json_arp_cache(struct jw *w, const struct rxs_host *h)
{
	struct rxs_neigh_stat st;

	rxs_neigh_get_stat(h, &st);
	if (!st.loaded)
		return;
	jw_open(w, "arp_cache", '{', false);
	jw_u64(w, "entries", st.entries);
	jw_u64(w, "allocs", st.allocs);
	jw_u64(w, "res_failed", st.res_failed);
	jw_u64(w, "unresolved_discards", st.unresolved_discards);
	jw_u64(w, "solicits", st.solicits);
	jw_u64(w, "queued", st.queued);
	jw_close(w, '}');
}

/* Packet sockets as PACKET_STATISTICS reports them: captured = tp_packets - tp_drops. */
static void json_taps(struct jw *w, const struct rxs_host *h)
{
	jw_open(w, "taps", '[', false);
	for (unsigned int i = 0; i < rxs_tap_count(h); i++) {
		struct rxs_tap_stats st;

		rxs_tap_get_stats(rxs_tap_get(h, i), &st);
		jw_open(w, NULL, '{', true);
		jw_str(w, "name", rxs_tap_name(rxs_tap_get(h, i)));
		jw_u64(w, "captured", st.captured);
		jw_u64(w, "dropped", st.tp_drops);
		jw_u64(w, "tp_packets", st.tp_packets);
		jw_u64(w, "tp_drops", st.tp_drops);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

/* @len bytes as lowercase hex, in memory order (little-endian for the maps' integers). */
static void jw_hex(struct jw *w, const char *key, const uint8_t *b, uint32_t len)
{
	char *buf = rxs__malloc((size_t)len * 2 + 1);

	if (!buf)
		return;
	for (uint32_t i = 0; i < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", b[i]);
	buf[2 * len] = 0;
	jw_str(w, key, buf);
	rxs__free(buf);
}

#define JSON_MAP_MAX 4096	/* elements written per map */

/* A map's elements, in its order; per-CPU values one after another, each padded to 8. */
static void json_bpf_map(struct jw *w, rxs_bpf_object_t *obj, const struct rxs_bpf_map_info *mi,
			 unsigned int ncpus)
{
	uint32_t vlen = mi->type == RXS_BPF_MAP_PERCPU_ARRAY ||
				mi->type == RXS_BPF_MAP_PERCPU_HASH ||
				mi->type == RXS_BPF_MAP_LRU_PERCPU_HASH ?
			((mi->value_size + 7) & ~7u) * ncpus : mi->value_size;
	uint8_t *key = rxs__calloc(2, mi->key_size + 8), *next, *value = rxs__malloc(vlen + 8);
	unsigned int n = 0;
	bool have = false;

	jw_open(w, NULL, '{', false);
	jw_str(w, "name", mi->name);
	jw_u64(w, "type", mi->type);
	jw_open(w, "elements", '[', false);
	next = key ? key + mi->key_size + 8 : NULL;
	while (key && value && n < JSON_MAP_MAX &&
	       !rxs_bpf_map_get_next_key(obj, mi->name, have ? key : NULL, next)) {
		memcpy(key, next, mi->key_size);
		have = true;
		if (rxs_bpf_map_lookup(obj, mi->name, key, value))
			continue;
		jw_open(w, NULL, '{', true);
		jw_hex(w, "key", key, mi->key_size);
		jw_hex(w, "value", value, vlen);
		jw_close(w, '}');
		n++;
	}
	jw_close(w, ']');
	jw_bool(w, "truncated", n >= JSON_MAP_MAX);
	jw_close(w, '}');
	rxs__free(key);
	rxs__free(value);
}

/* eBPF: each program attached and its verdicts, each object's maps at the end of the run. */
static void json_bpf(struct jw *w, const struct rxs_host *h)
{
	if (!rxs_bpf_host_object_count(h))
		return;
	jw_open(w, "bpf", '{', false);
	jw_open(w, "programs", '[', false);
	for (unsigned int i = 0; i < rxs_bpf_prog_count(h); i++) {
		struct rxs_bpf_prog_stats st;

		if (rxs_bpf_prog_get_stats(h, i, &st))
			continue;
		jw_open(w, NULL, '{', false);
		jw_str(w, "name", st.name);
		jw_str(w, "object", st.object);
		jw_str(w, "attach", rxs_bpf_attach_name(st.attach));
		jw_str(w, "dev", st.where);
		jw_u64(w, "runs", st.runs);
		jw_u64(w, "instructions", st.insns);
		jw_u64(w, "errors", st.errors);
		jw_u64(w, "xdp_exception", st.exceptions);
		jw_open(w, "verdicts", '{', true);
		for (unsigned int v = 0; v < RXS_BPF_VERDICTS; v++) {
			const char *name = rxs_bpf_verdict_name(st.attach, v);

			if (st.verdicts[v])
				jw_u64(w, name ? name : "other", st.verdicts[v]);
		}
		jw_close(w, '}');
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_open(w, "maps", '[', false);
	for (unsigned int o = 0; o < rxs_bpf_host_object_count(h); o++) {
		rxs_bpf_object_t *obj = rxs_bpf_host_object(h, o);

		for (unsigned int m = 0; m < rxs_bpf_object_map_count(obj); m++) {
			struct rxs_bpf_map_info mi;

			if (rxs_bpf_object_map(obj, m, &mi) || mi.type == RXS_BPF_MAP_RINGBUF ||
			    mi.type == RXS_BPF_MAP_PERF_EVENT_ARRAY ||
			    mi.type == RXS_BPF_MAP_PROG_ARRAY)
				continue;
			json_bpf_map(w, obj, &mi, rxs_host_ncpus(h));
		}
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

/* Only the reasons that happened: the full list is the kernel's enum, not news. */
static void json_drops(struct jw *w, const struct rxs__funnel_snap *s)
{
	jw_open(w, "drops", '{', false);
	for (unsigned int r = RXS_DROP_CONSUMED + 1; r < RXS_DROP_MAX; r++)
		if (s->reasons[r])
			jw_u64(w, rxs_drop_reason_name((enum rxs_drop_reason)r), s->reasons[r]);
	jw_close(w, '}');
}

static void json_funnel_line(struct jw *w, const struct rxs__funnel_row *r, uint64_t v)
{
	static const char *const kind[] = {
		[RXS_FUNNEL_PASS] = "pass", [RXS_FUNNEL_DROP] = "drop", [RXS_FUNNEL_INFO] = "info",
	};

	jw_open(w, NULL, '{', true);
	jw_str(w, "kind", kind[r->kind]);
	jw_str(w, "label", r->label);
	jw_u64(w, "count", v);
	if (r->kind == RXS_FUNNEL_DROP && r->reason != RXS_DROP_NOT_DROPPED_YET)
		jw_str(w, "reason", rxs_drop_reason_name(r->reason));
	jw_str(w, "watch", r->watch);
	if (rxs__funnel_cause(r))
		jw_str(w, "cause", rxs__funnel_cause(r));
	jw_close(w, '}');
}

/* The stage's lines, from row @st on, that the text report shows, then its other drops. */
static void json_funnel_stage(struct jw *w, const struct rxs__funnel_snap *s,
			      const struct rxs__funnel_row *st)
{
	enum rxs__funnel_stage id = (enum rxs__funnel_stage)st->which;

	jw_open(w, NULL, '{', false);
	jw_str(w, "stage", st->label);
	jw_open(w, "lines", '[', false);
	for (const struct rxs__funnel_row *r = st + 1;
	     r < rxs__funnel + rxs__funnel_len && r->kind != RXS_FUNNEL_STAGE; r++) {
		uint64_t v = rxs__funnel_value(s, r);

		if (r->kind == RXS_FUNNEL_PASS || v)
			json_funnel_line(w, r, v);
	}
	jw_close(w, ']');
	jw_open(w, "other_drops", '[', false);
	for (unsigned int r = RXS_DROP_CONSUMED + 1; r < RXS_DROP_MAX; r++) {
		if (!s->other[id][r])
			continue;
		jw_open(w, NULL, '{', true);
		jw_str(w, "reason", rxs_drop_reason_name((enum rxs_drop_reason)r));
		jw_u64(w, "count", s->other[id][r]);
		jw_str(w, "cause", rxs_drop_reason_cause((enum rxs_drop_reason)r));
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

/* True when the text report prints stage @st: shown, with a line or an other drop. */
static bool stage_printed(const struct rxs__funnel_snap *s, const struct rxs__funnel_row *st)
{
	if (!rxs__funnel_stage_shown(s, st))
		return false;
	if (rxs__funnel_other_total(s, (enum rxs__funnel_stage)st->which))
		return true;
	for (const struct rxs__funnel_row *r = st + 1;
	     r < rxs__funnel + rxs__funnel_len && r->kind != RXS_FUNNEL_STAGE; r++)
		if (r->kind == RXS_FUNNEL_PASS || rxs__funnel_value(s, r))
			return true;
	return false;
}

/* The funnel as the text report prints it: the same stages, in path order. */
static void json_funnel(struct jw *w, const struct rxs__funnel_snap *s)
{
	jw_open(w, "funnel", '[', false);
	for (size_t i = 0; i < rxs__funnel_len; i++)
		if (rxs__funnel[i].kind == RXS_FUNNEL_STAGE && stage_printed(s, &rxs__funnel[i]))
			json_funnel_stage(w, s, &rxs__funnel[i]);
	jw_close(w, ']');
}

int rxs__funnel_json(FILE *f, const struct rxs__funnel_snap *s)
{
	struct jw w = { .f = f, .first = true };

	jw_open(&w, NULL, '{', false);
	json_funnel(&w, s);
	jw_close(&w, '}');
	fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}

static const char *driver_name(enum rxs_driver d)
{
	return d == RXS_DRIVER_VETH	? "veth"
	       : d == RXS_DRIVER_LOOPBACK ? "loopback"
	       : d == RXS_DRIVER_BRIDGE	? "bridge"
					: "generic";
}

static void json_mac(struct jw *w, const char *key, const uint8_t *m)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
		 m[5]);
	jw_str(w, key, buf);
}

static void json_addrs(struct jw *w, const struct rxs_addr *addrs, unsigned int n)
{
	char buf[80];

	jw_open(w, "addresses", '[', true);
	for (unsigned int j = 0; j < n; j++) {
		size_t k = strlen(rxs_addr_format(&addrs[j], buf, sizeof(buf) - 8));

		snprintf(buf + k, sizeof(buf) - k, "/%u", addrs[j].prefix);
		jw_str(w, NULL, buf);
	}
	jw_close(w, ']');
}

static void json_host_nic(struct jw *w, const struct rxs_nic_config *n)
{
	char name[RXS_NAME_MAX];

	jw_open(w, NULL, '{', true);
	jw_str(w, "name", n->name);
	json_mac(w, "mac", n->mac);
	json_addrs(w, n->addrs, n->naddrs);
	jw_u64(w, "mtu", n->mtu);
	jw_str(w, "why", n->comment);
	jw_str(w, "driver", driver_name(n->driver));
	jw_u64(w, "rx_queues", n->rx_queues);
	jw_u64(w, "ring_size", n->ring_size);
	jw_bool(w, "promisc", n->promisc);
	jw_open(w, "vlans", '[', true);
	for (unsigned int v = 0; v < n->nvlans; v++) {
		const struct rxs_vlan_config *vc = &n->vlans[v];

		jw_open(w, NULL, '{', true);
		jw_str(w, "name", rxs_vlan_name(n, vc, name));
		jw_u64(w, "id", vc->id);
		json_mac(w, "mac", vc->mac_set ? vc->mac : n->mac);
		json_addrs(w, vc->addrs, vc->naddrs);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

static void json_host_socket(struct jw *w, const struct rxs_socket_config *so)
{
	char buf[80], addr[64];
	bool any = true;

	for (size_t k = 0; k < sizeof(so->local.addr); k++)
		any = any && !so->local.addr[k];
	jw_open(w, NULL, '{', true);
	jw_str(w, "name", so->name);
	jw_u64(w, "port", so->port);
	jw_str(w, "why", so->comment);
	jw_str(w, "proto", rxs__proto_name(so->proto, buf, sizeof(buf)));
	/* As the scenario binds it; an all-zero address is the wildcard of its family. */
	if (any)
		snprintf(buf, sizeof(buf), "%s:%u", so->local.family == AF_INET ? "0.0.0.0" : "[::]",
			 so->port);
	else if (so->local.family == AF_INET6)
		snprintf(buf, sizeof(buf), "[%s]:%u", rxs_addr_format(&so->local, addr,
								     sizeof(addr)), so->port);
	else
		snprintf(buf, sizeof(buf), "%s:%u", rxs_addr_format(&so->local, addr, sizeof(addr)),
			 so->port);
	jw_str(w, "local", buf);
	jw_open(w, "joins", '[', true);
	for (unsigned int j = 0; j < so->njoin; j++)
		jw_str(w, NULL, rxs_addr_format(&so->join[j].group, addr, sizeof(addr)));
	jw_close(w, ']');
	jw_close(w, '}');
}

/* The sysctls whose values differ from a fresh scenario's: what this host changed. */
static void json_host_sysctls(struct jw *w, const struct rxs_scenario *sc)
{
	static const unsigned int nvals[] = {
#define XX(id, name, n, d0, d1, d2, lo, hi) n,
		RXS_SYSCTL_MAP(XX)
#undef XX
	};
	struct rxs_scenario *def = NULL;

	jw_open(w, "sysctls", '{', false);
	if (sc && rxs_scenario_create(&def) == 0) {
		for (unsigned int id = 0; id < RXS_SYSCTL_COUNT; id++) {
			const int64_t *v = sc->sysctl.val[id];
			bool multi = nvals[id] > 1;

			if (rxs_scenario_sysctl(sc, id) == rxs_scenario_sysctl(def, id) &&
			    memcmp(v, def->sysctl.val[id], nvals[id] * sizeof(*v)) == 0)
				continue;
			if (!multi) {
				jw_i64(w, rxs_sysctl_name((int)id), rxs_scenario_sysctl(sc, id));
				continue;
			}
			jw_open(w, rxs_sysctl_name((int)id), '[', true);
			for (unsigned int k = 0; k < nvals[id]; k++)
				jw_i64(w, NULL, v[k]);
			jw_close(w, ']');
		}
	}
	rxs_scenario_free(def);
	jw_close(w, '}');
}

/*
 * The host as run, for every run: its NICs (with their VLAN devices), its sockets, the
 * sysctls it changed. "assumed" says whether rxsim assumed it for a bare capture
 * (src/config/capture.c), then "summary" is the report's one line and each "why" says why
 * that part was assumed; a scenario file's host has "assumed": false and its own comments.
 */
static void json_host(struct jw *w, const struct rxs_scenario *sc)
{
	char buf[1024];

	jw_open(w, "host", '{', false);
	jw_bool(w, "assumed", sc && sc->assumed);
	rxs__host_describe(sc, buf, sizeof(buf));
	jw_str(w, "summary", buf);
	jw_open(w, "nics", '[', false);
	for (unsigned int i = 0; sc && i < sc->nnics; i++)
		json_host_nic(w, &sc->nics[i]);
	jw_close(w, ']');
	jw_open(w, "sockets", '[', false);
	for (unsigned int i = 0; sc && i < sc->nsockets; i++)
		json_host_socket(w, &sc->sockets[i]);
	jw_close(w, ']');
	json_host_sysctls(w, sc);
	jw_str(w, "notes", sc && sc->comment ? sc->comment : "");
	jw_close(w, '}');
}

static void json_conservation(struct jw *w, const struct rxs__funnel_snap *s)
{
	jw_open(w, "conservation", '{', true);
	jw_u64(w, "offered", s->cons.offered);
	jw_u64(w, "consumed", s->cons.consumed);
	jw_u64(w, "dropped", s->cons.dropped);
	jw_u64(w, "queued", s->cons.queued);
	jw_bool(w, "ok", s->cons_ok);
	jw_close(w, '}');
}

/* Per traffic source (wire.c says why): its records, the host's own frames not replayed,
 * what the checksums setting changed; and the frames dropped for bad checksums. */
static void json_traffic(struct jw *w, const struct rxs_host *h, const struct rxs__funnel_snap *s)
{
	struct rxs_traffic_info ti;

	jw_open(w, "traffic", '[', false);
	for (unsigned int i = 0; i < rxs_host_ntraffic(h); i++) {
		if (rxs_host_traffic_info(h, i, &ti))
			continue;
		jw_open(w, NULL, '{', true);
		jw_str(w, "source", ti.name);
		jw_u64(w, "frames", ti.source.frames);
		jw_u64(w, "own_frames", ti.own_frames);
		jw_u64(w, "replayed", ti.source.frames - ti.own_frames);
		jw_u64(w, "first_ts_ns", ti.first_ts_ns);
		jw_open(w, "checksums", '{', true);
		jw_str(w, "mode", rxs__checksums_name(ti.checksums));
		jw_u64(w, "offload_repaired", ti.source.csum_offload);
		jw_u64(w, "rewritten", ti.source.csum_rewritten);
		jw_u64(w, "left", ti.source.csum_left);
		jw_close(w, '}');
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_u64(w, "checksum_drops", rxs__csum_drops(s));
}

/* What went in: each traffic source, what its file is, and what of it was replayed. The
 * "traffic" key above carries part of this and stays, as the contract only adds keys. */
static void json_inputs(struct jw *w, const struct rxs_host *h)
{
	struct rxs_traffic_info ti;

	jw_open(w, "inputs", '[', false);
	for (unsigned int i = 0; i < rxs_host_ntraffic(h); i++) {
		if (rxs_host_traffic_info(h, i, &ti))
			continue;
		jw_open(w, NULL, '{', true);
		jw_str(w, "path", ti.name);
		jw_str(w, "format", ti.format);
		jw_str(w, "link_type", ti.linktype_name);
		jw_i64(w, "link_type_id", ti.linktype);
		jw_u64(w, "frames", ti.source.frames);
		jw_u64(w, "own_frames_skipped", ti.own_frames);
		jw_u64(w, "replayed", ti.source.frames - ti.own_frames);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

int rxs_report_json(const struct rxs_host *h, FILE *out)
{
	struct jw w = { .f = out, .first = true };
	struct rxs__funnel_snap snap;

	rxs__funnel_snap(h, &snap);
	jw_open(&w, NULL, '{', false);
	/* First, so a reader knows the contract before it reads the rest. */
	jw_u64(&w, "schema_version", RXS_REPORT_SCHEMA_VERSION);
	json_nstat(&w, h);
	json_softnet(&w, h);
	json_nics(&w, h);
	json_cpus(&w, h);
	json_sockets(&w, h);
	json_connections(&w, h);
	json_netfilter(&w, h);
	json_conntrack(&w, h);
	json_arp_cache(&w, h);
	json_taps(&w, h);
	json_bpf(&w, h);
	json_drops(&w, &snap);
	json_funnel(&w, &snap);
	json_traffic(&w, h, &snap);
	json_conservation(&w, &snap);
	json_host(&w, rxs_host_scenario(h));
	json_inputs(&w, h);
	jw_close(&w, '}');
	fputc('\n', out);
	return ferror(out) ? -EIO : 0;
}
