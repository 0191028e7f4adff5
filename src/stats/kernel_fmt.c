/* kernel_fmt.c - rxs_report_kernel(): the counters as the kernel and its tools print them.
 *
 * Each block starts with a "# command" line and then reproduces that command's output on a
 * Linux 6.18 host byte for byte where the format is fixed (softnet_stat, nstat, /proc/net/dev)
 * and closely where the tool sizes its columns to the data (ss, /proc/interrupts), so what a
 * user learns to read here reads the same on a real host. Simplifications, said once:
 * - ethtool -S uses ixgbe's names (rx_missed_errors, rx_queue_N_packets), whatever the
 *   scenario's driver, plus rx_queue_N_drops (ring full on that queue), which ixgbe lacks,
 *   and GRO counters with mlx5-like names (rx_gro_packets, rx_gro_bytes, rx_gro_skbs) and
 *   ours (rx_gro_merged, rx_gro_flows), totals then per queue;
 * - ss prints skmem t/tb/f/w/o/bl as an idle socket's (t0,tb212992,f0,...): we model no send
 *   side and no forward allocation;
 * - /proc/interrupts lists only the NIC queues' IRQs, numbered from 24, and no veth NIC
 *   (veth has no IRQ: netif_rx runs in the sender's context).
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "rxsim/bpf.h"
#include "rxsim/netfilter.h"
#include "rxsim/nic.h"
#include "stats/stats_int.h"

#define IRQ_BASE 24

static void k_softnet(FILE *f, const struct rxs_host *h)
{
	fputs("# cat /proc/net/softnet_stat\n", f);
	for (unsigned int cpu = 0; cpu < rxs_host_ncpus(h); cpu++) {
		struct rxs_softnet_stat st;

		if (rxs_softnet_get_stat(h, cpu, &st) < 0)
			continue;
		/* Columns 4-9 are legacy zeros; 13 is the CPU id (seq->index). */
		fprintf(f, "%08x %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x\n",
			st.processed, st.dropped, st.time_squeeze, 0u, 0u, 0u, 0u, 0u, 0u,
			st.received_rps, st.flow_limit_count, st.backlog_len, cpu, st.input_qlen,
			st.process_qlen);
	}
}

/* The /proc file group of each counter ("Ip", "TcpExt"...), from the same map. */
static const char *const mib_group[RXS_MIB_COUNT] = {
#define XX(name, group, field) [RXS_MIB_##name] = #group,
	RXS_MIB_MAP(XX)
#undef XX
};

/* nstat leaves out what is not a counter (its useless_number() list). */
static bool nstat_shows(enum rxs_mib mib, uint64_t v)
{
	(void)v;
	return mib != RXS_MIB_IpForwarding && mib != RXS_MIB_IpDefaultTTL &&
	       mib != RXS_MIB_TcpCurrEstab;
}

/* nstat reads /proc/net/snmp, then /proc/net/snmp6, then /proc/net/netstat, and prints in
 * that order; a group missing here (a future one) prints last, in map order. */
static const char *const nstat_groups[] = {
	"Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "Ip6", "Icmp6", "Udp6", "TcpExt", "IpExt", NULL,
};

static bool known_group(const char *group)
{
	for (size_t g = 0; nstat_groups[g]; g++)
		if (strcmp(nstat_groups[g], group) == 0)
			return true;
	return false;
}

/* The layout of iproute2's nstat as captured on the oracle host: the value starts in column
 * 32, the rate (0.0: one snapshot) ends in 54. */
static void k_nstat_line(FILE *f, const char *name, uint64_t v)
{
	fprintf(f, "%-31s %-16" PRIu64 "%6.1f\n", name, v, 0.0);
}

/* The IcmpMsg line and snmp6's Icmp6 types list only the types seen, zeros never. */
static void k_icmpmsg(void *ctx, const char *name, uint64_t v, bool named)
{
	(void)named;
	if (v)
		k_nstat_line(ctx, name, v);
}

/* nstat -az (@all) lists every counter; plain nstat -a only the nonzero ones, which is what a
 * person reads: a receive path's run touches a dozen of its 150 counters. */
static void k_nstat(FILE *f, const struct rxs_host *h, bool all)
{
	fputs(all ? "\n# nstat -az\n#kernel\n" : "\n# nstat -a\n#kernel\n", f);
	for (size_t g = 0; g < ARRAY_SIZE(nstat_groups); g++) {
		if (nstat_groups[g] && strcmp(nstat_groups[g], "IcmpMsg") == 0) {
			rxs__icmpmsg_each(h, AF_INET, k_icmpmsg, f);
			continue;
		}
		for (unsigned int i = 0; i < RXS_MIB_COUNT; i++) {
			enum rxs_mib m = (enum rxs_mib)i;
			uint64_t v = rxs_host_mib(h, m);

			if ((nstat_groups[g] ? strcmp(mib_group[i], nstat_groups[g]) != 0
					     : known_group(mib_group[i])) ||
			    rxs__mib_icmpmsg(m))
				continue;
			if (nstat_shows(m, v) && (all || v))
				k_nstat_line(f, rxs_mib_name(m), v);
		}
		/* snmp6 lists the Icmp6 types seen after the named counters. */
		if (nstat_groups[g] && strcmp(nstat_groups[g], "Icmp6") == 0)
			rxs__icmpmsg_each(h, AF_INET6, k_icmpmsg, f);
	}
}

static void k_proc_net_dev(FILE *f, const struct rxs_host *h)
{
	fputs("\n# cat /proc/net/dev\n"
	      "Inter-|   Receive                                                |  Transmit\n"
	      " face |bytes    packets errs drop fifo frame compressed multicast|"
	      "bytes    packets errs drop fifo colls carrier compressed\n", f);
	for (unsigned int i = 0; i < rxs_nic_count(h); i++) {
		struct rxs_nic_stats s;

		if (rxs_nic_get_stats(h, i, &s) < 0)
			continue;
		/* net-procfs.c dev_seq_printf_stats(): drop folds in missed, frame sums four
		 * error kinds; we model no transmit side, so TX is zeros. */
		fprintf(f, "%6s: %7" PRIu64 " %7" PRIu64 " %4" PRIu64 " %4" PRIu64 " %4" PRIu64
			" %5" PRIu64 " %10u %9" PRIu64 " %8u %7u %4u %4u %4u %5u %7u %10u\n",
			rxs_nic_name(h, i), s.rx_bytes, s.rx_packets, s.rx_errors,
			s.rx_dropped + s.rx_missed_errors, s.rx_fifo_errors,
			s.rx_length_errors + s.rx_over_errors + s.rx_crc_errors + s.rx_frame_errors,
			0u, s.multicast, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u);
	}
}

static void k_ethtool_queues(FILE *f, const struct rxs_host *h, unsigned int nic)
{
	for (unsigned int q = 0; q < rxs_nic_nqueues(h, nic); q++) {
		struct rxs_nic_stats s;
		uint32_t size, fill;

		if (rxs_nic_get_queue_stats(h, nic, q, &s, &size, &fill) < 0)
			continue;
		fprintf(f, "     rx_queue_%u_packets: %" PRIu64 "\n", q, s.rx_packets);
		fprintf(f, "     rx_queue_%u_bytes: %" PRIu64 "\n", q, s.rx_bytes);
		fprintf(f, "     rx_queue_%u_drops: %" PRIu64 "\n", q, s.rx_missed_errors);
		/* Native XDP's verdicts, as mlx5 prints them per channel (rx<N>_xdp_*). */
		if (!s.rx_xdp_drop && !s.rx_xdp_pass && !s.rx_xdp_tx && !s.rx_xdp_redirect)
			continue;
		fprintf(f, "     rx%u_xdp_drop: %" PRIu64 "\n", q, s.rx_xdp_drop);
		fprintf(f, "     rx%u_xdp_pass: %" PRIu64 "\n", q, s.rx_xdp_pass);
		fprintf(f, "     rx%u_xdp_tx_xmit: %" PRIu64 "\n", q, s.rx_xdp_tx);
		fprintf(f, "     rx%u_xdp_redirect: %" PRIu64 "\n", q, s.rx_xdp_redirect);
	}
}

/* GRO counters: the NIC's totals, then each queue's, when GRO merged anything. */
static void k_ethtool_gro(FILE *f, const struct rxs_host *h, unsigned int nic)
{
	struct rxs_gro_stats t = { 0 }, g;
	unsigned int nq = rxs_nic_nqueues(h, nic);

	for (unsigned int q = 0; q < nq; q++)
		if (!rxs_nic_queue_gro(h, nic, q, &g)) {
			t.packets += g.packets;
			t.bytes += g.bytes;
			t.skbs += g.skbs;
			t.merged += g.merged;
			t.flows += g.flows;
		}
	if (!t.flows)
		return;
	fprintf(f, "     rx_gro_packets: %" PRIu64 "\n", t.packets);
	fprintf(f, "     rx_gro_bytes: %" PRIu64 "\n", t.bytes);
	fprintf(f, "     rx_gro_skbs: %" PRIu64 "\n", t.skbs);
	fprintf(f, "     rx_gro_merged: %" PRIu64 "\n", t.merged);
	fprintf(f, "     rx_gro_flows: %" PRIu64 "\n", t.flows);
	for (unsigned int q = 0; nq > 1 && q < nq; q++) {
		if (rxs_nic_queue_gro(h, nic, q, &g))
			continue;
		fprintf(f, "     rx_queue_%u_gro_packets: %" PRIu64 "\n", q, g.packets);
		fprintf(f, "     rx_queue_%u_gro_bytes: %" PRIu64 "\n", q, g.bytes);
		fprintf(f, "     rx_queue_%u_gro_skbs: %" PRIu64 "\n", q, g.skbs);
	}
}

static void k_ethtool(FILE *f, const struct rxs_host *h)
{
	for (unsigned int i = 0; i < rxs_nic_count(h); i++) {
		struct rxs_nic_stats s;

		/* The 8021q driver has no ethtool statistics. */
		if (rxs_nic_vlan(h, i, NULL) >= 0 || rxs_nic_get_stats(h, i, &s) < 0)
			continue;
		fprintf(f, "\n# ethtool -S %s\nNIC statistics:\n", rxs_nic_name(h, i));
		/* ixgbe's receive names, in ixgbe's order. */
		fprintf(f, "     rx_packets: %" PRIu64 "\n", s.rx_packets);
		fprintf(f, "     rx_bytes: %" PRIu64 "\n", s.rx_bytes);
		fprintf(f, "     rx_errors: %" PRIu64 "\n", s.rx_errors);
		fprintf(f, "     rx_dropped: %" PRIu64 "\n", s.rx_dropped);
		fprintf(f, "     multicast: %" PRIu64 "\n", s.multicast);
		fprintf(f, "     rx_over_errors: %" PRIu64 "\n", s.rx_over_errors);
		fprintf(f, "     rx_crc_errors: %" PRIu64 "\n", s.rx_crc_errors);
		fprintf(f, "     rx_frame_errors: %" PRIu64 "\n", s.rx_frame_errors);
		fprintf(f, "     rx_fifo_errors: %" PRIu64 "\n", s.rx_fifo_errors);
		fprintf(f, "     rx_missed_errors: %" PRIu64 "\n", s.rx_missed_errors);
		fprintf(f, "     rx_length_errors: %" PRIu64 "\n", s.rx_length_errors);
		if (s.rx_xdp_drop || s.rx_xdp_pass || s.rx_xdp_tx || s.rx_xdp_redirect) {
			fprintf(f, "     rx_xdp_drop: %" PRIu64 "\n", s.rx_xdp_drop);
			fprintf(f, "     rx_xdp_pass: %" PRIu64 "\n", s.rx_xdp_pass);
			fprintf(f, "     rx_xdp_tx_xmit: %" PRIu64 "\n", s.rx_xdp_tx);
			fprintf(f, "     rx_xdp_redirect: %" PRIu64 "\n", s.rx_xdp_redirect);
		}
		k_ethtool_queues(f, h, i);
		k_ethtool_gro(f, h, i);
	}
}

/* One socket line: ss splits the local address at its last colon and right-aligns the
 * address; these widths are the ones ss picks for a single short IPv4 address. The peer
 * port is padded to @pad: 4 with -m, but 11 for `ss -lnt`, whose Process column keeps its
 * full width when no second line follows (the oracle's ss-lnt-after.txt). */
static void ss_line(FILE *f, const char *state, uint64_t recv_q, uint64_t send_q,
		    const char *local, int pad)
{
	const char *colon = strrchr(local, ':');
	int n = colon ? (int)(colon - local) : (int)strlen(local);
	char addr[72];

	snprintf(addr, sizeof(addr), "%.*s", n, local);
	fprintf(f, "%-6s %-6" PRIu64 " %-6" PRIu64 " %13s:%-4s %12s:%-*s\n", state, recv_q, send_q,
		addr, colon ? colon + 1 : "*", addr[0] == '[' ? "[::]" : "0.0.0.0", pad, "*");
}

/* `ss -lnu -m` (UDP, with skmem) or `ss -lnt` (TCP listeners); nothing when no such socket. */
static void k_ss(FILE *f, const struct rxs_host *h, int proto)
{
	bool header = false;

	for (unsigned int i = 0; i < rxs_socket_count(h); i++) {
		struct rxs_socket_info si;

		if (rxs_socket_get_info(rxs_socket_get(h, i), &si) < 0 || si.proto != proto)
			continue;
		if (!header)
			fprintf(f, "\n# %s\nState  Recv-Q Send-Q Local Address:Port "
				"Peer Address:PortProcess\n",
				proto == IPPROTO_UDP ? "ss -lnu -m" : "ss -lnt");
		header = true;
		if (proto != IPPROTO_UDP) {
			ss_line(f, "LISTEN", si.recv_q, si.send_q, si.local, 11);
			continue;
		}
		ss_line(f, "UNCONN", si.recv_q, si.send_q, si.local, 4);
		fprintf(f, "\t skmem:(r%" PRIu64 ",rb%" PRId64 ",t0,tb%" PRId64
			",f0,w0,o0,bl0,d%" PRIu64 ")\n", si.rmem_alloc, si.rcvbuf, si.sndbuf, si.drops);
	}
}

/* `ss -tnmi` for the host's TCP connections: Recv-Q in bytes, skmem, and the receive
 * window's state ss prints (rcvmss, advmss, rcv_space, rcv_ssthresh); nothing without any.
 * A closed (reset) one is out of the hash tables ss reads. */
static void k_ss_conns(FILE *f, const struct rxs_host *h)
{
	unsigned int n = rxs_conn_count(h);

	if (!n)
		return;
	fprintf(f, "\n# ss -tnmi\nState  Recv-Q Send-Q Local Address:Port Peer Address:Port\n");
	for (unsigned int i = 0; i < n; i++) {
		struct rxs_conn_state st;
		const char *state;

		if (rxs_conn_state(h, i, &st) < 0 || !strcmp(st.state, "CLOSE"))
			continue;
		state = !strcmp(st.state, "ESTABLISHED") ? "ESTAB" : st.state;
		fprintf(f, "%-6s %-6" PRIu64 " %-6d %s %s\n", state, st.recv_q, 0, st.local, st.peer);
		fprintf(f, "\t skmem:(r%" PRIu64 ",rb%" PRId64 ",t0,tb0,f%" PRId64
			",w0,o0,bl0,d%" PRIu64 ") wscale:%u,%u rcvmss:%u advmss:%u rcv_space:%u"
			" rcv_ssthresh:%u\n", st.rmem_alloc, st.rcvbuf, st.fwd_alloc, st.drops,
			st.snd_wscale, st.rcv_wscale, st.rcv_mss, st.advmss, st.rcv_space, st.rcv_ssthresh);
	}
}

/* One IRQ's line: its count on every CPU, as the kernel counts per CPU (kstat_irqs). */
static void irq_line(FILE *f, const struct rxs_host *h, unsigned int irq, unsigned int nic,
		     unsigned int queue, const char *name)
{
	fprintf(f, "%3u: ", irq);
	for (unsigned int c = 0; c < rxs_host_ncpus(h); c++)
		fprintf(f, "%10" PRIu64 " ", rxs_nic_queue_irqs(h, nic, queue, c));
	fprintf(f, " rxsim-msi %4u-edge      %s\n", irq - IRQ_BASE, name);
}

static void k_interrupts(FILE *f, const struct rxs_host *h)
{
	const struct rxs_scenario *sc = rxs_host_scenario(h);
	unsigned int ncpus = rxs_host_ncpus(h), irq = IRQ_BASE;
	bool header = false;

	for (unsigned int i = 0; sc && ncpus && i < rxs_nic_count(h) && i < sc->nnics; i++) {
		const struct rxs_nic_config *nc = &sc->nics[i];

		for (unsigned int q = 0; nc->driver == RXS_DRIVER_GENERIC &&
					 q < rxs_nic_nqueues(h, i) && q < RXS_MAX_QUEUES; q++) {
			char name[RXS_NAME_MAX + 16];

			if (!header) {
				fprintf(f, "\n# cat /proc/interrupts (NIC queues)\n%11s", "");
				for (unsigned int c = 0; c < ncpus; c++)
					fprintf(f, "CPU%-8u", c);
				fputc('\n', f);
				header = true;
			}
			snprintf(name, sizeof(name), "%s-rx-%u", rxs_nic_name(h, i), q);
			irq_line(f, h, irq++, i, q, name);
		}
	}
}

/* What tcpdump prints when it stops: its three lines from PACKET_STATISTICS, per tap. */
static void k_taps(FILE *out, const struct rxs_host *h)
{
	const struct rxs_scenario *sc = rxs_host_scenario(h);

	for (unsigned int i = 0; i < rxs_tap_count(h); i++) {
		const char *filter = i < sc->ntaps && sc->taps[i].filter ? sc->taps[i].filter : "";
		struct rxs_tap_stats st;

		rxs_tap_get_stats(rxs_tap_get(h, i), &st);
		fprintf(out, "\n# tcpdump (tap %s%s%s%s)\n", rxs_tap_name(rxs_tap_get(h, i)),
			filter[0] ? ", filter '" : "", filter, filter[0] ? "'" : "");
		fprintf(out, "%" PRIu64 " packets captured\n", st.captured);
		fprintf(out, "%" PRIu64 " packets received by filter\n", st.tp_packets);
		fprintf(out, "%" PRIu64 " packets dropped by kernel\n", st.tp_drops);
	}
}

/* /proc/net/stat/nf_conntrack as 6.18 prints it (ct_cpu_seq_show), one row: rxsim keeps the
 * counters for the host, where the kernel prints one row per CPU. */
static void k_conntrack(FILE *out, const struct rxs_host *h)
{
	struct rxs_nf_conntrack_stat st;

	rxs_ruleset_get_conntrack_stat(rxs_ruleset_get(h), &st);
	if (!st.loaded)
		return;
	fputs("\n# cat /proc/net/stat/nf_conntrack   (all CPUs in one row)\n"
	      "entries  clashres found new invalid ignore delete chainlength insert insert_failed "
	      "drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n",
	      out);
	fprintf(out, "%08llx  %08llx %08llx %08x %08llx %08x %08x %08llx %08llx %08llx %08llx "
		"%08llx %08llx  %08llx %08llx %08llx %08llx\n",
		(unsigned long long)st.entries, (unsigned long long)st.clash_resolve,
		(unsigned long long)st.found, 0u, (unsigned long long)st.invalid, 0u, 0u,
		(unsigned long long)st.chaintoolong, (unsigned long long)st.insert,
		(unsigned long long)st.insert_failed, (unsigned long long)st.drop,
		(unsigned long long)st.early_drop, (unsigned long long)st.error,
		(unsigned long long)st.expect_new, (unsigned long long)st.expect_create,
		(unsigned long long)st.expect_delete, (unsigned long long)st.search_restart);
}

/* /proc/net/stat/arp_cache (neigh_stat_seq_show), one row, where the host has a neighbour
 * table: rxsim counts entries, allocs, res_failed and unresolved_discards; the columns of what
 * it does not model (garbage collection, probes received, hash growth) stay 0, and so do
 * lookups and hits, which the kernel counts in neigh_lookup() and not on the output path. */
static void k_arp_cache(FILE *out, const struct rxs_host *h)
{
	struct rxs_neigh_stat st;

	rxs_neigh_get_stat(h, &st);
	if (!st.loaded)
		return;
	fputs("\n# cat /proc/net/stat/arp_cache   (all CPUs in one row)\n"
	      "entries  allocs   destroys hash_grows lookups  hits     res_failed  rcv_probes_mcast "
	      "rcv_probes_ucast  periodic_gc_runs forced_gc_runs unresolved_discards table_fulls\n",
	      out);
	fprintf(out, "%08llx  %08llx %08x %08x  %08x %08x %08llx    %08x         %08x          "
		"%08x         %08x       %08llx            %08x\n",
		(unsigned long long)st.entries, (unsigned long long)st.allocs, 0u, 0u, 0u, 0u,
		(unsigned long long)st.res_failed, 0u, 0u, 0u, 0u,
		(unsigned long long)st.unresolved_discards, 0u);
}

int rxs__report_kernel(const struct rxs_host *h, FILE *out, bool all_counters)
{
	k_softnet(out, h);
	k_nstat(out, h, all_counters);
	k_proc_net_dev(out, h);
	k_ethtool(out, h);
	k_ss(out, h, IPPROTO_UDP);
	k_ss(out, h, IPPROTO_TCP);
	k_ss_conns(out, h);
	k_interrupts(out, h);
	if (rxs_ruleset_get(h) && rxs_ruleset_nchains(rxs_ruleset_get(h))) {
		fputc('\n', out);
		rxs_ruleset_print(rxs_ruleset_get(h), out);
	}
	if (rxs_ruleset_get(h) && rxs_ruleset_nft_nrules(rxs_ruleset_get(h))) {
		fputs("\n# nft list ruleset\n", out);
		rxs_ruleset_nft_print(rxs_ruleset_get(h), out);
	}
	k_conntrack(out, h);
	k_arp_cache(out, h);
	k_taps(out, h);
	return ferror(out) ? -EIO : 0;
}

int rxs_report_kernel(const struct rxs_host *h, FILE *out)
{
	return rxs__report_kernel(h, out, true);
}
