/* udp.c - UDP receive over IPv4 and IPv6 (__udp4_lib_rcv, __udp6_lib_rcv).
 *
 * Checksums: a NIC without offload (veth here, and any capture) hands the stack
 * CHECKSUM_NONE, and the kernel then defers full verification: to the no-socket path
 * (udp_lib_checksum_complete before counting NoPorts) or to copy time in udp_recvmsg,
 * where a bad datagram counts InCsumErrors + InErrors and is skipped. We verify once here,
 * remember the result in the skb, and apply it where the kernel would find out.
 */
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"
#include "proto/proto_int.h"
#include "socket/socket.h"

struct udp_mibs {
	enum rxs_mib in_errors, no_ports, csum_errors, ignored_multi, rcvbuf_errors;
};

static const struct udp_mibs udp4_mibs = {
	RXS_MIB_UdpInErrors, RXS_MIB_UdpNoPorts, RXS_MIB_UdpInCsumErrors, RXS_MIB_UdpIgnoredMulti,
	RXS_MIB_UdpRcvbufErrors,
};

static const struct udp_mibs udp6_mibs = {
	RXS_MIB_Udp6InErrors, RXS_MIB_Udp6NoPorts, RXS_MIB_Udp6InCsumErrors,
	RXS_MIB_Udp6IgnoredMulti, RXS_MIB_Udp6RcvbufErrors,
};

/* Inlined into udp_rcv(), which sums every datagram. */
static RXS_ALWAYS_INLINE uint16_t l4_csum(const struct rxs_inet_cb *cb, uint8_t proto,
					  const uint8_t *l4, uint32_t len)
{
	/* The pseudo-header's 16-bit words, added as numbers: the one's complement sum does
	 * not depend on how its words are grouped, so this folds to what summing the header's
	 * bytes would. */
	uint32_t sum = (len >> 16) + (len & 0xFFFF) + proto;

	if (cb->family == AF_INET) {
		sum += rxs__get_be16(cb->saddr) + rxs__get_be16(cb->saddr + 2) +
		       rxs__get_be16(cb->daddr) + rxs__get_be16(cb->daddr + 2);
	} else {
		sum = rxs__csum_partial(cb->saddr, 16, sum);
		sum = rxs__csum_partial(cb->daddr, 16, sum);
	}
	return rxs__csum_fold(rxs__csum_partial(l4, len, sum));
}

uint16_t rxs__l4_csum(const struct rxs_inet_cb *cb, uint8_t proto, const uint8_t *l4,
		      uint32_t len)
{
	return l4_csum(cb, proto, l4, len);
}

/*
 * __udp4_lib_mcast_deliver() / __udp6_lib_mcast_deliver(): a broadcast or multicast
 * datagram goes to every socket bound to its port and to the wildcard or its destination,
 * and, for a group, allowed by ip_mc_sf_allow(). The others get clones first; the first
 * socket gets the skb itself. With no such socket the kernel frees it with kfree_skb()
 * (NOT_SPECIFIED) and counts UdpIgnoredMulti: no NoPorts, no ICMP.
 *
 * Conservation counts frames: the skb itself carries the frame, so the frame ends as the
 * first socket's copy does (read, dropped for a full buffer, or still queued). A clone is
 * counted by its socket (UdpInDatagrams when read, UdpRcvbufErrors and the socket's drops
 * when it does not fit) but is no second frame, as a tap's copy is none.
 * Out of line, so that inlining it does not cost udp_rcv()'s unicast path (4 instructions
 * a packet in scripts/instructions.sh when it was inlined).
 */
static RXS_NOINLINE void udp_mcast_deliver(struct rxs_sk_buff *skb, uint16_t dport,
					    const struct udp_mibs *m)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	const struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	bool group = cb->route == RXS_RTN_MULTICAST;
	struct rxs_sock *sk = NULL, *first = NULL;
	unsigned int n = 0;

	while ((sk = rxs__udp_mcast_next(sd->host, sk, cb->family, cb->daddr, dport))) {
		struct rxs_sk_buff *c;

		if (group && !rxs__sk_mc_allow(sk, skb->dev, cb->family, cb->daddr))
			continue;
		n++;
		if (!first) {
			first = sk;
			continue;
		}
		c = rxs_skb_clone(skb);
		if (unlikely(!c)) {
			sk->drops++;
			rxs__mib_inc(sd, m->rcvbuf_errors);
			rxs__mib_inc(sd, m->in_errors);
			continue;
		}
		rxs__udp_queue_rcv_skb(sk, c);
	}
	RXS_TRACE_STAGE(sd, sd->now, skb,
			cb->family == AF_INET ? "__udp4_lib_mcast_deliver" : "__udp6_lib_mcast_deliver",
			"port %u: %u socket%s%s%s",
			dport, n, n == 1 ? "" : "s", first ? ", first " : " (UdpIgnoredMulti)",
			first ? first->cfg.name : "");
	if (first) {
		rxs__udp_queue_rcv_skb(first, skb);
		return;
	}
	rxs__mib_inc(sd, m->ignored_multi);
	rxs_kfree_skb_reason(skb, RXS_DROP_NOT_SPECIFIED);
}

/* A zero checksum over IPv6 (RFC 6936) is taken only by a socket that set UDP_NO_CHECK6_RX,
 * which none here does: __udp6_lib_mcast_deliver() skips every socket (UdpIgnoredMulti),
 * __udp6_lib_rcv() refuses it with a socket and without alike (udp6_csum_zero_error()). */
static RXS_NOINLINE void udp6_csum_zero(struct rxs_sk_buff *skb, const struct udp_mibs *m)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);

	if (RXS_INET_CB(skb)->route != RXS_RTN_LOCAL) {
		rxs__mib_inc(sd, m->ignored_multi);
		rxs_kfree_skb_reason(skb, RXS_DROP_NOT_SPECIFIED);
		return;
	}
	rxs__mib_inc(sd, m->csum_errors);
	rxs__mib_inc(sd, m->in_errors);
	rxs_kfree_skb_reason(skb, RXS_DROP_UDP_CSUM);
}

static void udp_rcv(struct rxs_sk_buff *skb, const struct udp_mibs *m)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	enum rxs_drop_reason reason = RXS_DROP_PKT_TOO_SMALL;
	struct rxs_sock *sk;
	uint16_t ulen, dport;
	bool csum_bad;

	rxs__charge(sd, rxs__cost(sd->host, RXS_COST_UDP_RCV));
	if (!rxs_pskb_may_pull(skb, 8))
		goto drop;
	ulen = rxs__get_be16(skb->data + 4);
	/* IPv6 jumbograms aside, a length field of 0 or below the header is short. */
	if (ulen > skb->len || ulen < 8)
		goto drop;
	rxs__skb_trim(skb, ulen);
	dport = rxs__get_be16(skb->data + 2);
	if (likely(rxs__get_be16(skb->data + 6))) {
		csum_bad = l4_csum(cb, IPPROTO_UDP, skb->data, ulen);
	} else if (cb->family == AF_INET) {
		csum_bad = false;	/* no checksum */
	} else {
		udp6_csum_zero(skb, m);
		return;
	}
	RXS_UDP_SKB_CB(skb)->csum_bad = csum_bad;
	if (cb->route != RXS_RTN_LOCAL) {
		udp_mcast_deliver(skb, dport, m);
		return;
	}
	sk = rxs__udp_lookup(sd->host, cb->family, cb->daddr, dport);
	if (sk && unlikely(sk->reuseport))
		sk = rxs__reuseport_select(sk, skb, 8);	/* NULL: SK_DROP */
	RXS_TRACE_STAGE(sd, sd->now, skb, "udp_rcv", "port %u: %s%s%s", dport,
			sk ? "socket " : "no socket", sk ? sk->cfg.name : "",
			csum_bad ? " (checksum bad: found at recvmsg)" : "");
	if (sk) {
		rxs__udp_queue_rcv_skb(sk, skb);
		return;
	}
	if (csum_bad) {
		rxs__mib_inc(sd, m->csum_errors);
		reason = RXS_DROP_UDP_CSUM;
		goto drop;
	}
	rxs__mib_inc(sd, m->no_ports);
	if (cb->family == AF_INET)
		rxs__icmp_send(skb, 3, 3);	/* port unreachable */
	else
		rxs__icmpv6_send(skb, 1, 4);
	rxs_kfree_skb_reason(skb, RXS_DROP_NO_SOCKET);
	return;
drop:
	rxs__mib_inc(sd, m->in_errors);
	rxs_kfree_skb_reason(skb, reason);
}

void rxs__udp_rcv(struct rxs_sk_buff *skb)
{
	udp_rcv(skb, RXS_INET_CB(skb)->family == AF_INET ? &udp4_mibs : &udp6_mibs);
}
