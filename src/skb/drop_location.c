/* drop_location.c - the kernel function where a drop reason ends an skb: the kfree_skb
 * tracepoint's "location" (a code address in the kernel; here the function's name, by the
 * skb's protocol), which the drop captures (dropcap.c) and the funnel also print.
 *
 * It lives beside skb because it reads only the skb (its protocol and headers) and the
 * reason: a leaf anyone may use. A contributor adding a drop reason (rxsim/skb.h's X-macro
 * table) says here where it arises, if not at the transport's receive function.
 */
#include <stdbool.h>

#include "skb/skb.h"

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86dd

static const char *l3_name(const struct rxs_sk_buff *skb, const char *v4, const char *v6)
{
	return skb->protocol == ETH_P_IPV6 ? v6 : v4;
}

/* The transport protocol of an IP packet, read from its header, or -1. */
static int l4_proto(const struct rxs_sk_buff *skb)
{
	const uint8_t *nh = rxs_skb_network_header(skb);

	if (skb->network_header == 0xffff || nh < skb->head || nh + 10 > skb->head + skb->tail)
		return -1;
	if (skb->protocol == ETH_P_IP)
		return nh[9];
	if (skb->protocol == ETH_P_IPV6 && nh + 40 <= skb->head + skb->tail)
		return nh[6];
	return -1;
}

/* The function where @reason arises for this skb's protocol: the kfree_skb "location". */
const char *rxs__drop_location(const struct rxs_sk_buff *skb, enum rxs_drop_reason reason)
{
	int l4 = l4_proto(skb);
	bool v6 = skb->protocol == ETH_P_IPV6;

	switch (reason) {
	case RXS_DROP_CONSUMED:
		return l4 == 17 ? "skb_consume_udp" : l4 == 6 ? "tcp_recvmsg" : "consume_skb";
	case RXS_DROP_NIC_MAC_FILTER: case RXS_DROP_NIC_LENGTH: case RXS_DROP_FULL_RING:
	case RXS_DROP_NOMEM:
		return "driver_rx";
	case RXS_DROP_CPU_BACKLOG:
		return "enqueue_to_backlog";
	case RXS_DROP_UNHANDLED_PROTO: case RXS_DROP_DEV_READY:
		return "__netif_receive_skb_core";
	case RXS_DROP_NETFILTER_DROP:
		return "nf_hook_slow";
	case RXS_DROP_NEIGH_FAILED:
		return "neigh_invalidate";
	case RXS_DROP_NEIGH_QUEUEFULL: case RXS_DROP_NEIGH_CREATEFAIL:
		return "__neigh_event_send";
	case RXS_DROP_OTHERHOST: case RXS_DROP_IP_CSUM: case RXS_DROP_IP_INHDR:
	case RXS_DROP_IPV6DISABLED:
		/* ip_rcv_core()/ip6_rcv_core() free these at their drop label, whatever the
		 * transport inside (OTHERHOST before IP counts anything). */
		return l3_name(skb, "ip_rcv_core", "ip6_rcv_core");
	case RXS_DROP_FRAG_TOO_FAR: case RXS_DROP_DUP_FRAG: case RXS_DROP_FRAG_REASM_TIMEOUT:
		return l3_name(skb, "ip_defrag", "ipv6_frag_rcv");
	case RXS_DROP_IP_NOPROTO:
		return l3_name(skb, "ip_local_deliver_finish", "ip6_input_finish");
	case RXS_DROP_SOCKET_RCVBUFF: case RXS_DROP_SOCKET_BACKLOG:
		return l4 == 6 ? "tcp_add_backlog" : "__udp_enqueue_schedule_skb";
	case RXS_DROP_SOCKET_FILTER:	/* sk_filter_trim_cap()'s callers free it */
		return l4 == 6 ? l3_name(skb, "tcp_v4_rcv", "tcp_v6_rcv") : "udp_queue_rcv_one_skb";
	case RXS_DROP_SOCKET_CLOSE: case RXS_DROP_QUEUE_PURGE:
		return "skb_queue_purge";
	case RXS_DROP_NOT_SPECIFIED:
		/* A tag too short to strip: its TPID is still the protocol. */
		if (skb->protocol == 0x8100 || skb->protocol == 0x88a8)
			return "skb_vlan_untag";
		/* rxsim frees these for multicast: a group the device did not join, in the
		 * input route (the skb still at its IP header), or a datagram to a port where
		 * no socket wants it (UdpIgnoredMulti). */
		if (skb->network_header != 0xffff && skb->data == rxs_skb_network_header(skb))
			return l3_name(skb, "ip_rcv_finish_core", "ip6_mc_input");
		if (l4 == 17)
			return v6 ? "__udp6_lib_mcast_deliver" : "__udp4_lib_mcast_deliver";
		break;
	default:
		break;
	}
	if (l4 == 17)
		return v6 ? "__udp6_lib_rcv" : "__udp4_lib_rcv";
	if (l4 == 6)
		return v6 ? "tcp_v6_rcv" : "tcp_v4_rcv";
	if (l4 == 1 || l4 == 58)
		return v6 ? "icmpv6_rcv" : "icmp_rcv";
	return l3_name(skb, "ip_rcv_core", "ipv6_rcv");
}
