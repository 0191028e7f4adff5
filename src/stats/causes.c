/* causes.c - rxs_drop_reason_cause(): what each drop reason means, in plain words.
 *
 * The report's "other drops" lines and `rxsim advise` say why packets died without sending
 * the user to the kernel source. One table indexed by reason; a reason added to
 * RXS_DROP_REASON_MAP without a text here gets the fallback, and test_stats catches it.
 * A cause fits in 87 columns, so the report's "      cause: " line stays within 100.
 */
#include "internal.h"
#include "rxsim/stats.h"

/* A capture taken on the sending host holds what TX checksum offload had not filled yet. */
#define CSUM_WHY " (damaged, or captured before TX checksum offload filled it in)"

static const char *const causes[RXS_DROP_MAX] = {
	[RXS_DROP_NOT_SPECIFIED] =
		"malformed or unexpected packet the kernel drops without a named reason",
	[RXS_DROP_NO_SOCKET] = "no socket: nothing listens on the destination port",
	[RXS_DROP_SOCKET_CLOSE] = "the socket was closed with packets still queued",
	[RXS_DROP_SOCKET_FILTER] = "the socket's filter (SO_ATTACH_FILTER) refused it",
	[RXS_DROP_SOCKET_RCVBUFF] =
		"the socket's receive buffer was full: the application reads too slowly",
	[RXS_DROP_PKT_TOO_SMALL] =
		"shorter than its headers say (truncated capture or malformed packet)",
	[RXS_DROP_TCP_CSUM] = "bad TCP checksum" CSUM_WHY,
	[RXS_DROP_UDP_CSUM] = "bad UDP checksum" CSUM_WHY,
	[RXS_DROP_NETFILTER_DROP] = "an iptables rule dropped it",
	[RXS_DROP_OTHERHOST] = "addressed to another host's MAC address (PACKET_OTHERHOST)",
	[RXS_DROP_IP_CSUM] = "bad IPv4 header checksum (damaged or rewritten packet)",
	[RXS_DROP_IP_INHDR] = "bad IP header (version, header length, total length)",
	[RXS_DROP_IP_RPFILTER] =
		"reverse path filter: the source is not reached through this interface",
	[RXS_DROP_UNICAST_IN_L2_MULTICAST] =
		"unicast IP destination in a link-layer multicast frame",
	[RXS_DROP_IP_NOPROTO] = "no handler for its IP protocol",
	[RXS_DROP_PROTO_MEM] = "the protocol's memory limit (udp_mem, tcp_mem) was reached",
	[RXS_DROP_SOCKET_BACKLOG] = "the socket's backlog was full while its owner was busy",
	[RXS_DROP_TCP_FLAGS] =
		"segments of a connection the host does not know: the capture joined it mid-way?",
	[RXS_DROP_TCP_ZEROWINDOW] = "data sent into a zero receive window",
	[RXS_DROP_TCP_OLD_DATA] = "data the host already had (a retransmission)",
	[RXS_DROP_TCP_OVERWINDOW] = "data beyond the receive window",
	[RXS_DROP_TCP_LISTEN_OVERFLOW] = "the listener's accept queue was full",
	[RXS_DROP_TCP_RESET] = "a reset for no connection the host knows",
	[RXS_DROP_TCP_INVALID_SYN] = "a SYN on a connection already open",
	[RXS_DROP_TCP_CLOSE] = "segment for a connection already closed",
	[RXS_DROP_TCP_OFO_DROP] = "out-of-order data past the window or the memory limit",
	[RXS_DROP_TCP_OFO_QUEUE_PRUNE] = "out-of-order data pruned to free memory",
	[RXS_DROP_TCP_OFOMERGE] = "out-of-order data already queued",
	[RXS_DROP_TCP_INVALID_ACK_SEQUENCE] =
		"an answer to a SYN the host did not send (its ACK is not the ISN + 1)",
	[RXS_DROP_IPV6DISABLED] = "IPv6 is off: the host has no IPv6 address",
	[RXS_DROP_CPU_BACKLOG] = "the CPU's backlog (netdev_max_backlog) was full",
	[RXS_DROP_UNHANDLED_PROTO] = "no handler for its ethertype",
	[RXS_DROP_DEV_READY] = "the device was not up",
	[RXS_DROP_XDP] = "an XDP program returned XDP_DROP or XDP_ABORTED (native: before an skb)",
	[RXS_DROP_TC_INGRESS] = "a tc ingress program returned TC_ACT_SHOT",
	[RXS_DROP_NEIGH_CREATEFAIL] = "no memory for the next hop's neighbour entry",
	[RXS_DROP_NEIGH_FAILED] = "the next hop never answered ARP (mcast_solicit requests)",
	[RXS_DROP_NEIGH_QUEUEFULL] =
		"too much waited for the next hop's address (unres_qlen_bytes): the oldest goes",
	[RXS_DROP_FULL_RING] = "the NIC's RX ring was full: the CPU did not empty it in time",
	[RXS_DROP_NOMEM] = "no memory for a buffer",
	[RXS_DROP_HDR_TRUNC] = "a header was cut short",
	[RXS_DROP_ICMP_CSUM] = "bad ICMP checksum or malformed ICMP message",
	[RXS_DROP_IP_INADDRERRORS] = "addressed to an IP address the host does not have",
	[RXS_DROP_IP_INNOROUTES] = "no route to its destination",
	[RXS_DROP_IP_LOCAL_SOURCE] = "its source address is one of the host's own",
	[RXS_DROP_IP_INVALID_SOURCE] =
		"invalid source address (multicast, broadcast, 0.0.0.0, loopback)",
	[RXS_DROP_IP_INVALID_DEST] =
		"invalid destination (loopback, 0.0.0.0, or a group no socket joined)",
	[RXS_DROP_IPV6_BAD_EXTHDR] = "bad or too many IPv6 extension headers",
	[RXS_DROP_FRAG_TOO_FAR] = "fragment too far behind the others of its datagram",
	[RXS_DROP_DUP_FRAG] = "duplicate or overlapping fragment",
	[RXS_DROP_PKT_TOO_BIG] =
		"longer than the way out's MTU with DF set, or reassembled past 65535 bytes",
	[RXS_DROP_FRAG_REASM_TIMEOUT] = "the datagram's other fragments did not arrive in time",
	[RXS_DROP_QUEUE_PURGE] = "still queued when the queue was purged",
	[RXS_DROP_INVALID_PROTO] =
		"an ICMP message to a broadcast or multicast address the host ignores",
	[RXS_DROP_TCP_OLD_SEQUENCE] = "a segment wholly before the window (an old duplicate)",
	[RXS_DROP_TCP_INVALID_SEQUENCE] = "a segment starting beyond the receive window",
	[RXS_DROP_TCP_INVALID_END_SEQUENCE] =
		"a segment ending beyond the receive window while data is queued",
	[RXS_DROP_TCP_RFC7323_PAWS] = "a timestamp older than the connection's last (PAWS)",
	[RXS_DROP_TCP_RFC7323_PAWS_ACK] = "an old ACK whose timestamp is older than the last (PAWS)",
	[RXS_DROP_TCP_RFC7323_TSECR] = "a handshake ACK echoing a timestamp no SYN-ACK sent",
	[RXS_DROP_IPV6_NDISC_FRAG] = "a neighbour discovery message in fragments",
	[RXS_DROP_IPV6_NDISC_HOP_LIMIT] =
		"a neighbour discovery message whose hop limit is not 255 (not from the link)",
	[RXS_DROP_IPV6_NDISC_BAD_CODE] = "a neighbour discovery message with a code other than 0",
	[RXS_DROP_IPV6_NDISC_BAD_OPTIONS] = "a neighbour discovery message with malformed options",
	[RXS_DROP_IPV6_NDISC_NS_OTHERHOST] =
		"a neighbour solicitation for an address that is not the host's",
	[RXS_DROP_NIC_MAC_FILTER] =
		"destination MAC is not the NIC's (nor broadcast, nor a joined group)",
	[RXS_DROP_NIC_LENGTH] = "runt frame, or longer than the MTU allows",
};

const char *rxs_drop_reason_cause(enum rxs_drop_reason reason)
{
	if ((unsigned int)reason >= RXS_DROP_MAX || !causes[reason])
		return "see perf trace -e skb:kfree_skb";
	return causes[reason];
}
