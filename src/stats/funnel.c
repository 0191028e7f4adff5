/* funnel.c - the receive path as a table of stages, and the counts that fill it.
 *
 * Each row names a count (where it comes from), what it means in a few words, the
 * skb_drop_reason a kfree_skb tracepoint would show, and what a user watches on a real host
 * to see the same thing. Rows follow the path of a frame: NIC, softirq and backlog, core
 * receive, IPv4 (with netfilter), UDP, ICMP, TCP, sockets. A drop line's count is the kernel
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

#define STAGE(label) { RXS_FUNNEL_STAGE, RXS_FUNNEL_SRC_NONE, 0, label, 0, NULL, NULL }
#define PASS(label, src, watch) \
	{ RXS_FUNNEL_PASS, src, label, RXS_DROP_NOT_DROPPED_YET, watch, NULL }
#define INFO(label, src, watch) \
	{ RXS_FUNNEL_INFO, src, label, RXS_DROP_NOT_DROPPED_YET, watch, NULL }
#define INFOK(label, src, watch, knob) \
	{ RXS_FUNNEL_INFO, src, label, RXS_DROP_NOT_DROPPED_YET, watch, knob }
#define DROP(label, src, reason, watch) \
	{ RXS_FUNNEL_DROP, src, label, RXS_DROP_##reason, watch, NULL }
#define DROPK(label, src, reason, watch, knob) \
	{ RXS_FUNNEL_DROP, src, label, RXS_DROP_##reason, watch, knob }

const struct rxs__funnel_row rxs__funnel[] = {
	STAGE("NIC"),
	PASS("offered frames", CONS(offered), "frames in the traffic sources"),
	DROP("refused by MAC filter", NIC(rx_mac_filtered), NIC_MAC_FILTER,
	     "not counted: NICs drop these silently"),
	DROP("length errors", NIC(rx_length_errors), NIC_LENGTH, "ip -s -s link: RX errors length"),
	DROPK("ring full", NIC(rx_missed_errors), FULL_RING, "ip -s link missed; ethtool -S",
	      "ethtool -G DEV rx N (ring_size); RSS/RPS spread"),
	PASS("received", NIC(rx_packets), "ip -s link: RX packets"),

	STAGE("softirq and per-CPU backlog"),
	DROPK("backlog full", SOFTNET(dropped), CPU_BACKLOG, "softnet_stat col 2; ip -s link drop",
	      "sysctl net.core.netdev_max_backlog; RPS: rps_cpus"),
	INFO("of which flow limit", SOFTNET(flow_limit_count), "softnet_stat col 11"),
	INFOK("time_squeeze (polls cut)", SOFTNET(time_squeeze), "softnet_stat col 3 time_squeeze",
	      "sysctl net.core.netdev_budget / netdev_budget_usecs"),
	/* The kernel counts both causes in one column; rxsim knows which limit ended the poll. */
	INFO("of which: budget ran out", CPU(squeeze_budget), "rxsim only (netdev_budget)"),
	INFO("of which: time ran out", CPU(squeeze_time), "rxsim only (netdev_budget_usecs)"),

	STAGE("core receive (__netif_receive_skb_core)"),
	PASS("processed", SOFTNET(processed), "softnet_stat col 1"),
	DROP("no protocol handler", REASON(UNHANDLED_PROTO), UNHANDLED_PROTO,
	     "ip -s link: RX dropped"),

	STAGE("IPv4 (ip_rcv, netfilter, ip_local_deliver)"),
	PASS("received", MIB(IpInReceives), "nstat IpInReceives"),
	DROP("header errors", MIB(IpInHdrErrors), IP_INHDR, "nstat IpInHdrErrors"),
	DROP("bad checksum", MIB(IpExtInCsumErrors), IP_CSUM, "nstat IpExtInCsumErrors"),
	DROP("truncated", MIB(IpExtInTruncatedPkts), PKT_TOO_SMALL, "nstat IpExtInTruncatedPkts"),
	DROP("for another host (L2)", NIC(rx_otherhost_dropped), OTHERHOST,
	     "ip -s -s link: otherhost"),
	DROPK("netfilter", REASON(NETFILTER_DROP), NETFILTER_DROP, "iptables -L -v -n: pkts",
	      "the iptables rule that matched"),
	DROP("not our address", MIB(IpInAddrErrors), IP_INADDRERRORS, "nstat IpInAddrErrors"),
	DROP("no route", MIB(IpExtInNoRoutes), IP_INNOROUTES, "nstat IpExtInNoRoutes"),
	DROP("unknown protocol", MIB(IpInUnknownProtos), IP_NOPROTO, "nstat IpInUnknownProtos"),
	PASS("delivered", MIB(IpInDelivers), "nstat IpInDelivers"),

	STAGE("UDP (udp_rcv)"),
	DROP("no socket", MIB(UdpNoPorts), NO_SOCKET, "nstat UdpNoPorts"),
	DROP("bad checksum", MIB(UdpInCsumErrors), UDP_CSUM, "nstat UdpInCsumErrors"),
	DROPK("receive buffer full", MIB(UdpRcvbufErrors), SOCKET_RCVBUFF,
	      "nstat UdpRcvbufErrors, ss -u -m skmem d", "setsockopt SO_RCVBUF / net.core.rmem_max"),
	DROPK("udp_mem exhausted", MIB(UdpMemErrors), PROTO_MEM, "nstat UdpMemErrors",
	      "sysctl net.ipv4.udp_mem"),
	INFO("datagrams read (recvmsg)", MIB(UdpInDatagrams), "nstat UdpInDatagrams"),

	STAGE("ICMP (icmp_rcv)"),
	INFO("messages in", MIB(IcmpInMsgs), "nstat IcmpInMsgs"),
	DROP("bad messages", MIB(IcmpInErrors), ICMP_CSUM, "nstat IcmpInErrors"),
	INFO("messages sent", MIB(IcmpOutMsgs), "nstat IcmpOutMsgs"),
	INFO("not sent: global limit", MIB(IcmpOutRateLimitGlobal), "nstat IcmpOutRateLimitGlobal"),
	INFO("not sent: per-host limit", MIB(IcmpOutRateLimitHost), "nstat IcmpOutRateLimitHost"),

	STAGE("TCP (tcp_v4_rcv)"),
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

	STAGE("sockets and applications"),
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
	for (unsigned int i = 0; i < rxs_host_nnics(h); i++) {
		struct rxs_nic_stats st;

		if (rxs_host_nic_stats(h, i, &st) == 0)
			add_u64s(&s->nic, &st, sizeof(st));
	}
	for (unsigned int cpu = 0; cpu < rxs_host_ncpus(h); cpu++) {
		struct rxs_softnet_stat st;
		struct rxs_cpu_stats cs;

		if (rxs_host_softnet_stat(h, cpu, &st) == 0)
			add_softnet(s->softnet, &st);
		if (rxs_host_cpu_stats(h, cpu, &cs) == 0)
			add_u64s(&s->cpu, &cs, sizeof(cs));
	}
	rxs_host_drop_reasons(h, s->reasons);
	s->cons_ok = rxs_host_conservation(h, &s->cons) == 0;
}

uint64_t rxs__funnel_value(const struct rxs_host *h, const struct rxs__funnel_snap *s,
			   const struct rxs__funnel_row *r)
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
		v = rxs_host_mib(h, (enum rxs_mib)r->which);
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
	}
	return v;
}

bool rxs__funnel_has_reason(enum rxs_drop_reason reason)
{
	for (size_t i = 0; i < rxs__funnel_len; i++)
		if (rxs__funnel[i].kind == RXS_FUNNEL_DROP && rxs__funnel[i].reason == reason)
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
