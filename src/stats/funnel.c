/* funnel.c - the receive path as a table of stages, and the counts that fill it.
 *
 * Each row names a count (where it comes from), what it means in a few words, the
 * skb_drop_reason a kfree_skb tracepoint would show, and what a user watches on a real host
 * to see the same thing. Rows follow the path of a frame: NIC, softirq and backlog, core
 * receive, ARP, IPv4 (with netfilter), UDP and ICMP over IPv4, IPv6, UDP and ICMPv6 over
 * IPv6, TCP (one set of counters for both families, as in the kernel), sockets. A new drop
 * is a new row under its stage; a drop no row names still shows, as "other drops" of the
 * stage rxs__drop_stage() gives it. A drop line's count is the kernel
 * counter where one exists, so the report and `nstat` agree; where the kernel keeps no
 * counter (the NIC's MAC filter, a protocol with no handler) it is the drop-reason count.
 * Keep "watch" texts within 38 characters so a line fits in 100 columns. A "knob" says what
 * governs a drop on a real host (the report prints it on a line of its own, and `rxsim
 * advise` searches those knobs); "DEV" in it stands for the NIC's name.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "stats/stats_int.h"

#define NIC(f) RXS_FUNNEL_SRC_NIC, offsetof(struct rxs_nic_stats, f)
#define SOFTNET(f) RXS_FUNNEL_SRC_SOFTNET, offsetof(struct rxs_softnet_stat, f)
#define MIB(m) RXS_FUNNEL_SRC_MIB, RXS_MIB_##m
#define REASON(r) RXS_FUNNEL_SRC_REASON, RXS_DROP_##r
#define CONS(f) RXS_FUNNEL_SRC_CONS, offsetof(struct rxs_conservation, f)
#define CPU(f) RXS_FUNNEL_SRC_CPU, offsetof(struct rxs_cpu_stats, f)

#define HERE(r) RXS_FUNNEL_SRC_HERE, RXS_DROP_##r
#define CLASS(c) RXS_FUNNEL_SRC_CLASS, RXS_PKT_##c

#define STAGE(id, label) \
	{ RXS_FUNNEL_STAGE, RXS_FUNNEL_SRC_NONE, RXS_ST_##id, label, 0, NULL, NULL, false }
/* A protocol's stage: shown only when the traffic had that protocol (no IPv4 heading with
 * "received 0" over an IPv6 flood). */
#define FAMILY(id, label) \
	{ RXS_FUNNEL_STAGE, RXS_FUNNEL_SRC_NONE, RXS_ST_##id, label, 0, NULL, NULL, true }
#define PASS(label, src, watch) \
	{ RXS_FUNNEL_PASS, src, label, RXS_DROP_NOT_DROPPED_YET, watch, NULL, false }
#define INFO(label, src, watch) \
	{ RXS_FUNNEL_INFO, src, label, RXS_DROP_NOT_DROPPED_YET, watch, NULL, false }
#define INFOK(label, src, watch, knob) \
	{ RXS_FUNNEL_INFO, src, label, RXS_DROP_NOT_DROPPED_YET, watch, knob, false }
#define DROP(label, src, reason, watch) \
	{ RXS_FUNNEL_DROP, src, label, RXS_DROP_##reason, watch, NULL, false }
#define DROPK(label, src, reason, watch, knob) \
	{ RXS_FUNNEL_DROP, src, label, RXS_DROP_##reason, watch, knob, false }

/* Stages must come in enum rxs__funnel_stage order, each once (funnel_check() in the tests). */
const struct rxs__funnel_row rxs__funnel[] = {
	STAGE(NIC, "NIC"),
	PASS("offered frames", CONS(offered), "frames in the traffic sources"),
	DROP("refused by MAC filter", NIC(rx_mac_filtered), NIC_MAC_FILTER,
	     "not counted: NICs drop these silently"),
	DROP("length errors", NIC(rx_length_errors), NIC_LENGTH, "ip -s -s link: RX errors length"),
	DROPK("ring full", NIC(rx_missed_errors), FULL_RING, "ip -s link missed; ethtool -S",
	      "ethtool -G DEV rx N (ring_size); RSS/RPS spread"),
	PASS("received", NIC(rx_packets), "ip -s link: RX packets"),

	/* Programs attached (nics[].xdp, nics[].tc_ingress); their verdicts per program follow
	 * the funnel ("eBPF programs"). Native XDP counts per queue as mlx5 does. */
	FAMILY(BPF, "eBPF: XDP (driver, generic) and tc ingress"),
	DROP("XDP_DROP / XDP_ABORTED", REASON(XDP), XDP, "ethtool -S rx_xdp_drop (native)"),
	INFO("XDP_TX (sent back out)", NIC(rx_xdp_tx), "ethtool -S rx_xdp_tx_xmit"),
	INFO("XDP_REDIRECT", NIC(rx_xdp_redirect), "ethtool -S rx_xdp_redirect"),
	INFO("XDP_PASS (native)", NIC(rx_xdp_pass), "rxsim only: bpftool prog profile"),
	DROP("tc ingress: TC_ACT_SHOT", REASON(TC_INGRESS), TC_INGRESS,
	     "tc -s qdisc show dev eth0 ingress"),

	STAGE(SOFTIRQ, "softirq and per-CPU backlog"),
	DROPK("backlog full", SOFTNET(dropped), CPU_BACKLOG, "softnet_stat col 2; ip -s link drop",
	      "sysctl net.core.netdev_max_backlog; RPS: rps_cpus"),
	INFO("of which flow limit", SOFTNET(flow_limit_count), "softnet_stat col 11"),
	INFOK("time_squeeze (polls cut)", SOFTNET(time_squeeze), "softnet_stat col 3 time_squeeze",
	      "sysctl net.core.netdev_budget / netdev_budget_usecs"),
	/* The kernel counts both causes in one column; rxsim knows which limit ended the poll. */
	INFO("of which: budget ran out", CPU(squeeze_budget), "rxsim only (netdev_budget)"),
	INFO("of which: time ran out", CPU(squeeze_time), "rxsim only (netdev_budget_usecs)"),

	STAGE(CORE, "core receive (__netif_receive_skb_core)"),
	PASS("processed", SOFTNET(processed), "softnet_stat col 1"),
	DROP("no protocol handler", REASON(UNHANDLED_PROTO), UNHANDLED_PROTO,
	     "ip -s link: RX dropped"),

	/* The kernel keeps no SNMP counter for ARP: rxsim counts the frames that reached it,
	 * and its drops show as "other drops". */
	FAMILY(ARP, "ARP (arp_rcv)"),
	PASS("received", CLASS(ARP), "rxsim only: the kernel counts no ARP"),

	FAMILY(IPV4, "IPv4 (ip_rcv, netfilter, ip_local_deliver)"),
	PASS("received", MIB(IpInReceives), "nstat IpInReceives"),
	DROP("header errors", MIB(IpInHdrErrors), IP_INHDR, "nstat IpInHdrErrors"),
	DROP("bad checksum", MIB(IpExtInCsumErrors), IP_CSUM, "nstat IpExtInCsumErrors"),
	DROP("truncated", MIB(IpExtInTruncatedPkts), PKT_TOO_SMALL, "nstat IpExtInTruncatedPkts"),
	/* rx_otherhost_dropped counts both families: the IPv4 line counts IPv4's drops only. */
	DROP("for another host (L2)", HERE(OTHERHOST), OTHERHOST, "ip -s -s link: otherhost"),
	DROPK("netfilter", HERE(NETFILTER_DROP), NETFILTER_DROP, "iptables -L -v / nft list",
	      "the iptables or nftables rule that matched (its counters below)"),
	DROP("not our address", MIB(IpInAddrErrors), IP_INADDRERRORS, "nstat IpInAddrErrors"),
	DROP("group not joined", NIC(rx_mc_unjoined), NOT_SPECIFIED,
	     "not counted: ip maddr shows groups"),
	DROP("no route", MIB(IpExtInNoRoutes), IP_INNOROUTES, "nstat IpExtInNoRoutes"),
	DROP("next hop unresolved", HERE(NEIGH_FAILED), NEIGH_FAILED, "arp_cache res_failed"),
	DROPK("next hop's queue full", HERE(NEIGH_QUEUEFULL), NEIGH_QUEUEFULL,
	      "arp_cache unresolved_discards", "sysctl net.ipv4.neigh.DEV.unres_qlen_bytes"),
	DROP("unknown protocol", MIB(IpInUnknownProtos), IP_NOPROTO, "nstat IpInUnknownProtos"),
	PASS("delivered", MIB(IpInDelivers), "nstat IpInDelivers"),

	FAMILY(UDP4, "UDP (udp_rcv, __udp4_lib_rcv)"),
	DROP("no socket", MIB(UdpNoPorts), NO_SOCKET, "nstat UdpNoPorts"),
	DROP("multicast, no socket", MIB(UdpIgnoredMulti), NOT_SPECIFIED,
	     "nstat UdpIgnoredMulti"),
	DROP("bad checksum", MIB(UdpInCsumErrors), UDP_CSUM, "nstat UdpInCsumErrors"),
	DROPK("receive buffer full", MIB(UdpRcvbufErrors), SOCKET_RCVBUFF,
	      "nstat UdpRcvbufErrors, ss -u -m skmem d", "setsockopt SO_RCVBUF / net.core.rmem_max"),
	DROPK("udp_mem exhausted", MIB(UdpMemErrors), PROTO_MEM, "nstat UdpMemErrors",
	      "sysctl net.ipv4.udp_mem"),
	INFO("datagrams read (recvmsg)", MIB(UdpInDatagrams), "nstat UdpInDatagrams"),

	FAMILY(ICMP4, "ICMP (icmp_rcv)"),
	INFO("messages in", MIB(IcmpInMsgs), "nstat IcmpInMsgs"),
	/* InErrors also counts short and unknown messages (PKT_TOO_SMALL, NOT_SPECIFIED):
	 * the drop line is the checksum's own counter, so each reason shows once. */
	DROP("bad checksum", MIB(IcmpInCsumErrors), ICMP_CSUM, "nstat IcmpInCsumErrors"),
	INFO("errors (all)", MIB(IcmpInErrors), "nstat IcmpInErrors"),
	INFO("messages sent", MIB(IcmpOutMsgs), "nstat IcmpOutMsgs"),
	INFO("not sent: global limit", MIB(IcmpOutRateLimitGlobal), "nstat IcmpOutRateLimitGlobal"),
	INFO("not sent: per-host limit", MIB(IcmpOutRateLimitHost), "nstat IcmpOutRateLimitHost"),

	/* IPv6 keeps its own SNMP counters (/proc/net/snmp6), as the kernel does: ip6_rcv_core()
	 * and ip6_input_finish() count Ip6*, __udp6_lib_rcv() Udp6*, icmpv6_rcv() Icmp6*. */
	FAMILY(IPV6, "IPv6 (ipv6_rcv, ip6_input)"),
	PASS("received", MIB(Ip6InReceives), "nstat Ip6InReceives"),
	DROP("IPv6 disabled", MIB(Ip6InDiscards), IPV6DISABLED, "nstat Ip6InDiscards"),
	DROP("header errors", MIB(Ip6InHdrErrors), IP_INHDR, "nstat Ip6InHdrErrors"),
	DROP("truncated", MIB(Ip6InTruncatedPkts), PKT_TOO_SMALL, "nstat Ip6InTruncatedPkts"),
	DROP("for another host (L2)", HERE(OTHERHOST), OTHERHOST, "ip -s -s link: otherhost"),
	DROP("not our address", MIB(Ip6InAddrErrors), IP_INADDRERRORS, "nstat Ip6InAddrErrors"),
	DROP("group not joined", NIC(rx_mc6_unjoined), NOT_SPECIFIED,
	     "not counted: ip -6 maddr shows groups"),
	DROP("unknown protocol", MIB(Ip6InUnknownProtos), IP_NOPROTO, "nstat Ip6InUnknownProtos"),
	PASS("delivered", MIB(Ip6InDelivers), "nstat Ip6InDelivers"),

	FAMILY(UDP6, "UDP over IPv6 (udpv6_rcv, __udp6_lib_rcv)"),
	DROP("no socket", MIB(Udp6NoPorts), NO_SOCKET, "nstat Udp6NoPorts"),
	DROP("multicast, no socket", MIB(Udp6IgnoredMulti), NOT_SPECIFIED,
	     "nstat Udp6IgnoredMulti"),
	DROP("bad checksum", MIB(Udp6InCsumErrors), UDP_CSUM, "nstat Udp6InCsumErrors"),
	DROPK("receive buffer full", MIB(Udp6RcvbufErrors), SOCKET_RCVBUFF,
	      "nstat Udp6RcvbufErrors, ss -u -m skmem d", "setsockopt SO_RCVBUF / net.core.rmem_max"),
	DROPK("udp_mem exhausted", MIB(Udp6MemErrors), PROTO_MEM, "nstat Udp6MemErrors",
	      "sysctl net.ipv4.udp_mem"),
	INFO("datagrams read (recvmsg)", MIB(Udp6InDatagrams), "nstat Udp6InDatagrams"),

	FAMILY(ICMP6, "ICMPv6 (icmpv6_rcv)"),
	INFO("messages in", MIB(Icmp6InMsgs), "nstat Icmp6InMsgs"),
	DROP("bad checksum", MIB(Icmp6InCsumErrors), ICMP_CSUM, "nstat Icmp6InCsumErrors"),
	INFO("errors (all)", MIB(Icmp6InErrors), "nstat Icmp6InErrors"),
	INFO("messages sent", MIB(Icmp6OutMsgs), "nstat Icmp6OutMsgs"),

	/* One set of TCP counters for both families, as in the kernel (TcpInSegs counts
	 * tcp_v4_rcv()'s and tcp_v6_rcv()'s segments alike). */
	FAMILY(TCP, "TCP (tcp_v4_rcv, tcp_v6_rcv)"),
	INFO("segments in", MIB(TcpInSegs), "nstat TcpInSegs"),
	DROP("bad checksum", MIB(TcpInCsumErrors), TCP_CSUM, "nstat TcpInCsumErrors"),
	/* tcp_conn_request() ends a SYN it cannot queue with consume_skb(): no drop reason. */
	DROPK("SYN queue full", MIB(TcpExtTCPReqQFullDrop), NOT_DROPPED_YET,
	      "nstat TcpExtTCPReqQFullDrop",
	      "listen() backlog, net.ipv4.tcp_max_syn_backlog, net.ipv4.tcp_syncookies"),
	INFO("SYN cookies sent", MIB(TcpExtSyncookiesSent), "nstat TcpExtSyncookiesSent"),
	DROPK("accept queue full", MIB(TcpExtListenOverflows), TCP_LISTEN_OVERFLOW,
	      "nstat TcpExtListenOverflows; ss -lnt", "listen() backlog / net.core.somaxconn"),
	INFO("listen drops (all)", MIB(TcpExtListenDrops), "nstat TcpExtListenDrops"),
	DROPK("socket backlog full", MIB(TcpExtTCPBacklogDrop), SOCKET_BACKLOG,
	      "nstat TcpExtTCPBacklogDrop", "SO_RCVBUF / net.ipv4.tcp_rmem"),
	INFO("resets sent", MIB(TcpOutRsts), "nstat TcpOutRsts"),
	INFOK("SYNs with no route back", MIB(IpOutNoRoutes), "nstat IpOutNoRoutes",
	      "routes: (a default route)"),

	STAGE(SOCK, "sockets and applications"),
	PASS("still queued (any queue)", CONS(queued), "ss -u -m / ss -lnt: Recv-Q"),
	PASS("consumed (apps, or kernel)", CONS(consumed), "read by apps; echo, ARP, SYN: kernel"),
};

const size_t rxs__funnel_len = ARRAY_SIZE(rxs__funnel);

_Static_assert(sizeof(struct rxs_nic_stats) % sizeof(uint64_t) == 0,
	       "struct rxs_nic_stats is summed as an array of uint64_t");
_Static_assert(sizeof(struct rxs_softnet_stat) % sizeof(uint32_t) == 0,
	       "struct rxs_softnet_stat is summed as an array of uint32_t");

_Static_assert(sizeof(struct rxs_cpu_stats) % sizeof(uint64_t) == 0,
	       "struct rxs_cpu_stats is summed as an array of uint64_t");

/* Field-by-field sums of a struct of uint64_t; memcpy keeps the access well defined. */
static void add_u64s(void *sum, const void *st, size_t size)
{
	for (size_t off = 0; off < size; off += sizeof(uint64_t)) {
		uint64_t a, b;

		memcpy(&a, (char *)sum + off, sizeof(a));
		memcpy(&b, (const char *)st + off, sizeof(b));
		a += b;
		memcpy((char *)sum + off, &a, sizeof(a));
	}
}

static void add_softnet(uint64_t *sum, const struct rxs_softnet_stat *st)
{
	for (size_t i = 0; i < sizeof(*st) / sizeof(uint32_t); i++) {
		uint32_t v;

		memcpy(&v, (const char *)st + i * sizeof(uint32_t), sizeof(v));
		sum[i] += v;
	}
}

void rxs__funnel_snap(const struct rxs_host *h, struct rxs__funnel_snap *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < rxs_nic_count(h); i++) {
		struct rxs_nic_stats st;

		if (rxs_nic_get_stats(h, i, &st) != 0)
			continue;
		/* A VLAN device receives what its NIC already counted: only its drops add. */
		if (rxs_nic_vlan(h, i, NULL) >= 0)
			st.rx_packets = st.rx_bytes = st.multicast = 0;
		add_u64s(&s->nic, &st, sizeof(st));
	}
	for (unsigned int cpu = 0; cpu < rxs_host_ncpus(h); cpu++) {
		struct rxs_softnet_stat st;
		struct rxs_cpu_stats cs;

		if (rxs_softnet_get_stat(h, cpu, &st) == 0)
			add_softnet(s->softnet, &st);
		if (rxs_host_cpu_stats(h, cpu, &cs) == 0)
			add_u64s(&s->cpu, &cs, sizeof(cs));
	}
	rxs_host_drop_reasons(h, s->reasons);
	for (unsigned int c = 0; c < RXS_PKT_CLASS_MAX; c++) {
		rxs_host_drop_reasons_class(h, (enum rxs_pkt_class)c, s->by_class[c]);
		s->ended[c] = rxs_host_ended_class(h, (enum rxs_pkt_class)c);
	}
	for (unsigned int m = 0; m < RXS_MIB_COUNT; m++)
		s->mib[m] = rxs_host_mib(h, (enum rxs_mib)m);
	s->cons_ok = rxs_host_conservation(h, &s->cons) == 0;
	/* One NIC, its VLAN devices (after it in the host's list) not counted. */
	s->dev = rxs_nic_count(h) == 1 || rxs_nic_vlan(h, 1, NULL) == 0 ?
			 rxs_nic_name(h, 0) : NULL;
	rxs__funnel_settle(s);
}

enum rxs__funnel_stage rxs__funnel_stage_of(const struct rxs__funnel_row *r)
{
	while (r > rxs__funnel && r->kind != RXS_FUNNEL_STAGE)
		r--;
	return (enum rxs__funnel_stage)r->which;
}

uint64_t rxs__funnel_value(const struct rxs__funnel_snap *s, const struct rxs__funnel_row *r)
{
	uint64_t v = 0;

	switch (r->src) {
	case RXS_FUNNEL_SRC_NONE:
		break;
	case RXS_FUNNEL_SRC_NIC:
		memcpy(&v, (const char *)&s->nic + r->which, sizeof(v));
		break;
	case RXS_FUNNEL_SRC_SOFTNET:
		v = s->softnet[r->which / sizeof(uint32_t)];
		break;
	case RXS_FUNNEL_SRC_MIB:
		v = r->which < RXS_MIB_COUNT ? s->mib[r->which] : 0;
		break;
	case RXS_FUNNEL_SRC_REASON:
		v = r->which < RXS_DROP_MAX ? s->reasons[r->which] : 0;
		break;
	case RXS_FUNNEL_SRC_CONS:
		memcpy(&v, (const char *)&s->cons + r->which, sizeof(v));
		break;
	case RXS_FUNNEL_SRC_CPU:
		memcpy(&v, (const char *)&s->cpu + r->which, sizeof(v));
		break;
	case RXS_FUNNEL_SRC_CLASS:
		v = r->which < RXS_PKT_CLASS_MAX ? s->ended[r->which] : 0;
		break;
	case RXS_FUNNEL_SRC_HERE:
		v = r->which < RXS_DROP_MAX ? s->here[rxs__funnel_stage_of(r)][r->which] : 0;
		break;
	}
	return v;
}

/* The IP (or ARP) stage of a packet class: where its network layer runs. */
static enum rxs__funnel_stage l3_stage(enum rxs_pkt_class cls)
{
	switch (cls) {
	case RXS_PKT_ARP:
		return RXS_ST_ARP;
	case RXS_PKT_IPV4: case RXS_PKT_UDP4: case RXS_PKT_TCP4: case RXS_PKT_ICMP4:
		return RXS_ST_IPV4;
	case RXS_PKT_IPV6: case RXS_PKT_UDP6: case RXS_PKT_TCP6: case RXS_PKT_ICMP6:
		return RXS_ST_IPV6;
	default:
		return RXS_ST_CORE;
	}
}

/* The transport stage of a packet class, or its network stage when it has none. */
static enum rxs__funnel_stage l4_stage(enum rxs_pkt_class cls)
{
	switch (cls) {
	case RXS_PKT_UDP4: return RXS_ST_UDP4;
	case RXS_PKT_UDP6: return RXS_ST_UDP6;
	case RXS_PKT_TCP4: case RXS_PKT_TCP6: return RXS_ST_TCP;
	case RXS_PKT_ICMP4: return RXS_ST_ICMP4;
	case RXS_PKT_ICMP6: return RXS_ST_ICMP6;
	default: return l3_stage(cls);
	}
}

/*
 * Where @reason ends a packet of class @cls; the same split as the kfree_skb location that
 * rxs__drop_location() names (src/skb/drop_location.c): the reason says the layer, the class says
 * which family's function of that layer. Reasons of the NIC, the backlog and the core are
 * theirs whatever the packet; IP's own reasons are the network layer's; the rest (short
 * headers, checksums, sockets, TCP states) belong to the transport when there is one.
 */
enum rxs__funnel_stage rxs__drop_stage(enum rxs_drop_reason reason, enum rxs_pkt_class cls)
{
	switch (reason) {
	case RXS_DROP_NIC_MAC_FILTER: case RXS_DROP_NIC_LENGTH: case RXS_DROP_FULL_RING:
		return RXS_ST_NIC;
	case RXS_DROP_NOMEM: case RXS_DROP_QUEUE_PURGE:
		/* No skb yet: the driver's buffers or its ring. */
		return cls == RXS_PKT_L2 ? RXS_ST_NIC : l4_stage(cls);
	case RXS_DROP_CPU_BACKLOG:
		return RXS_ST_SOFTIRQ;
	case RXS_DROP_XDP: case RXS_DROP_TC_INGRESS:
		return RXS_ST_BPF;
	case RXS_DROP_UNHANDLED_PROTO: case RXS_DROP_DEV_READY:
		return RXS_ST_CORE;
	case RXS_DROP_OTHERHOST: case RXS_DROP_IP_CSUM: case RXS_DROP_IP_INHDR:
	case RXS_DROP_IP_RPFILTER: case RXS_DROP_UNICAST_IN_L2_MULTICAST: case RXS_DROP_IP_NOPROTO:
	case RXS_DROP_IPV6DISABLED: case RXS_DROP_NETFILTER_DROP: case RXS_DROP_IP_INADDRERRORS:
	case RXS_DROP_IP_INNOROUTES: case RXS_DROP_IP_LOCAL_SOURCE: case RXS_DROP_IP_INVALID_SOURCE:
	case RXS_DROP_IP_INVALID_DEST: case RXS_DROP_IPV6_BAD_EXTHDR: case RXS_DROP_FRAG_TOO_FAR:
	case RXS_DROP_DUP_FRAG: case RXS_DROP_PKT_TOO_BIG: case RXS_DROP_FRAG_REASM_TIMEOUT:
	case RXS_DROP_HDR_TRUNC: case RXS_DROP_NEIGH_CREATEFAIL: case RXS_DROP_NEIGH_FAILED:
	case RXS_DROP_NEIGH_QUEUEFULL:
		return l3_stage(cls);
	default:
		return l4_stage(cls);
	}
}

/* Sum of the drop lines of stage @st (every stage when @st is RXS_ST_MAX) for @reason. */
static uint64_t lines_for(const struct rxs__funnel_snap *s, enum rxs__funnel_stage st,
			  unsigned int reason)
{
	enum rxs__funnel_stage cur = RXS_ST_NIC;
	uint64_t v = 0;

	for (size_t i = 0; i < rxs__funnel_len; i++) {
		const struct rxs__funnel_row *r = &rxs__funnel[i];

		if (r->kind == RXS_FUNNEL_STAGE)
			cur = (enum rxs__funnel_stage)r->which;
		else if (r->kind == RXS_FUNNEL_DROP && r->reason == reason &&
			 (st == RXS_ST_MAX || st == cur))
			v += rxs__funnel_value(s, r);
	}
	return v;
}

/*
 * Every drop at its stage, and the part of each reason's count that no line shows. A line's
 * count is the kernel's counter, which may count a little more or less than the reason (a
 * MIB bumped for two reasons, a reason that ends packets at two stages), so the leftover is
 * reckoned per reason over the whole table, then handed to the stages where that reason's
 * drops exceed what their own lines show, in path order. The "other drops" lines then add
 * up with the lines to at least the reason's count: no drop is left to the conservation line.
 */
void rxs__funnel_settle(struct rxs__funnel_snap *s)
{
	memset(s->here, 0, sizeof(s->here));
	memset(s->other, 0, sizeof(s->other));
	for (unsigned int c = 0; c < RXS_PKT_CLASS_MAX; c++)
		for (unsigned int r = RXS_DROP_CONSUMED + 1; r < RXS_DROP_MAX; r++)
			s->here[rxs__drop_stage((enum rxs_drop_reason)r, (enum rxs_pkt_class)c)][r] +=
				s->by_class[c][r];
	for (unsigned int r = RXS_DROP_CONSUMED + 1; r < RXS_DROP_MAX; r++) {
		uint64_t shown = lines_for(s, RXS_ST_MAX, r);
		uint64_t left = s->reasons[r] > shown ? s->reasons[r] - shown : 0;

		for (unsigned int st = 0; st < RXS_ST_MAX && left; st++) {
			uint64_t mine = lines_for(s, (enum rxs__funnel_stage)st, r);
			uint64_t extra = s->here[st][r] > mine ? s->here[st][r] - mine : 0;

			extra = extra < left ? extra : left;
			s->other[st][r] = extra;
			left -= extra;
		}
		/* Counts by class that do not cover the reason (a snapshot made by hand): the
		 * stage the reason has with no packet to tell. */
		if (left)
			s->other[rxs__drop_stage((enum rxs_drop_reason)r, RXS_PKT_L2)][r] += left;
	}
}

uint64_t rxs__funnel_other_total(const struct rxs__funnel_snap *s, enum rxs__funnel_stage st)
{
	uint64_t v = 0;

	for (unsigned int r = 0; r < RXS_DROP_MAX; r++)
		v += s->other[st][r];
	return v;
}

bool rxs__funnel_stage_shown(const struct rxs__funnel_snap *s, const struct rxs__funnel_row *r)
{
	if (!r->optional)
		return true;
	if (rxs__funnel_other_total(s, (enum rxs__funnel_stage)r->which))
		return true;
	for (r++; r < rxs__funnel + rxs__funnel_len && r->kind != RXS_FUNNEL_STAGE; r++)
		if (rxs__funnel_value(s, r))
			return true;
	return false;
}

const char *rxs__proto_name(int proto, char *buf, size_t len)
{
	if (proto == IPPROTO_UDP)
		return "udp";
	if (proto == IPPROTO_TCP)
		return "tcp";
	snprintf(buf, len, "proto %d", proto);
	return buf;
}
