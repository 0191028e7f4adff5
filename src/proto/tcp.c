/* tcp.c - TCP receive for a host with no TCP sockets yet: tcp_v4_rcv's checks and the
 * no-socket path (a RST for everything but a RST). Listeners and connections come with the
 * TCP issue; until then every segment that passes the checks ends as NO_SOCKET. */
#include <sys/socket.h>

#include "internal.h"
#include "proto/proto_int.h"

#define TH_RST 0x04

/* Count a RST sent in reply (tcp_v4_send_reset / tcp_v6_send_reset). */
static void send_reset(struct rxs_softnet_data *sd, const struct rxs_inet_cb *cb)
{
	rxs__mib_inc(sd, RXS_MIB_TcpOutSegs);
	rxs__mib_inc(sd, RXS_MIB_TcpOutRsts);
	rxs__mib_inc(sd, cb->family == AF_INET ? RXS_MIB_IpOutRequests : RXS_MIB_Ip6OutRequests);
}

void rxs__tcp_rcv(struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	const struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	enum rxs_drop_reason reason = RXS_DROP_NOT_SPECIFIED;
	unsigned int doff;

	rxs__charge(sd, rxs__cost(sd->host, RXS_COST_TCP_RCV));
	if (cb->route != RXS_RTN_LOCAL || skb->pkt_type != RXS_PACKET_HOST)
		goto discard;
	/* Counted even if it is bad. */
	rxs__mib_inc(sd, RXS_MIB_TcpInSegs);
	reason = RXS_DROP_PKT_TOO_SMALL;
	if (!rxs_pskb_may_pull(skb, 20))
		goto discard;
	doff = (skb->data[12] >> 4) * 4u;
	if (doff < 20)
		goto bad_packet;
	if (!rxs_pskb_may_pull(skb, doff))
		goto discard;
	if (rxs__l4_csum(cb, IPPROTO_TCP, skb->data, skb->len)) {
		rxs__mib_inc(sd, RXS_MIB_TcpInCsumErrors);
		reason = RXS_DROP_TCP_CSUM;
		goto bad_packet;
	}
	/* no_tcp_socket: answer with a RST unless the segment is one. */
	if (!(skb->data[13] & TH_RST))
		send_reset(sd, cb);
	rxs_kfree_skb_reason(skb, RXS_DROP_NO_SOCKET);
	return;
bad_packet:
	rxs__mib_inc(sd, RXS_MIB_TcpInErrs);
discard:
	rxs_kfree_skb_reason(skb, reason);
}
