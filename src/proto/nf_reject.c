/* nf_reject.c - nf_reject_ipv4.c: the packets a netfilter REJECT sends.
 *
 * netfilter decides (the REJECT target, its --reject-with type); the IPv4 side builds and
 * sends, as in the kernel, where ipt_REJECT calls nf_send_unreach()/nf_send_reset(). Nothing
 * is sent about a later fragment, a segment with RST, or a TCP/UDP packet whose checksum is
 * wrong. The ICMP error goes through icmp_send(), with its rate limits; the RST (40 bytes of
 * IPv4) through ip_local_out(): OUTPUT and POSTROUTING see it, __ip_local_out() counts
 * IpOutRequests and ip_finish_output2() IpOutTransmits and IpExtOutOctets, but no TCP counter.
 */
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/nf_reject.h"
#include "proto/proto.h"
#include "proto/proto_int.h"

/* nf_reject_verify_csum() and the fragment test of both senders: may a reply go out? */
static bool reject_allowed(const struct rxs_sk_buff *skb, const struct rxs_nf_reject_pkt *p)
{
	bool check = skb->ip_summed != RXS_CHECKSUM_UNNECESSARY &&
		     (p->proto == IPPROTO_TCP ||
		      (p->proto == IPPROTO_UDP && p->l4 && p->l4len >= 8 && (p->l4[6] | p->l4[7])));

	if (p->fragoff)
		return false;
	return !(check && p->l4 && rxs__l4_csum(RXS_INET_CB(skb), p->proto, p->l4, p->l4len));
}

/* Has the answer a route? A packet rejected before the routing decision gets the route
 * back to its source, and none means no answer (nf_reject_fill_skb_dst); else the input
 * route's: a broadcast or multicast packet gets no RST (the RTCF_BROADCAST|RTCF_MULTICAST
 * test, an IPv6 destination that is not unicast). */
static bool reject_route(const struct rxs_sk_buff *skb, const struct rxs_nf_reject_pkt *p)
{
	uint8_t route = RXS_INET_CB(skb)->route;

	if (p->unrouted)
		return rxs__ip_route_reply(skb);
	return route != RXS_RTN_BROADCAST && route != RXS_RTN_MULTICAST;
}

void rxs__nf_send_unreach(struct rxs_sk_buff *skb, const struct rxs_nf_reject_pkt *p,
			  uint8_t code)
{
	if (reject_allowed(skb, p) && (!p->unrouted || rxs__ip_route_reply(skb)))
		rxs__icmp_send(skb, 3, code);
}

/* nf_reject_ip_tcphdr_put() / nf_reject_ip6_tcphdr_put(): the RST's bare TCP header for
 * the segment @oth of @len bytes. Ports swapped; after an ACK the RST takes its ack_seq,
 * else it acknowledges the segment (SYN and FIN count one). */
static void reject_tcphdr_put(uint8_t th[20], const uint8_t *oth, unsigned int len)
{
	memset(th, 0, 20);
	memcpy(th, oth + 2, 2);
	memcpy(th + 2, oth, 2);
	th[12] = 5 << 4;
	if (oth[13] & 0x10) {
		memcpy(th + 4, oth + 8, 4);
		th[13] = 0x04;
	} else {
		unsigned int doff = (oth[12] >> 4) * 4u;
		uint32_t ack = rxs__get_be32(oth + 4) + !!(oth[13] & 0x02) + !!(oth[13] & 0x01) +
			       (len > doff ? len - doff : 0);

		rxs__put_be32(th + 8, ack);
		th[13] = 0x14;
	}
}

/* Both senders' RST: none for a fragment, a bad checksum, a RST, a truncated header or a
 * packet without a route for the answer (reject_route()); else the header built and sent by
 * ip_local_out() / ip6_local_out(), across OUTPUT and POSTROUTING. A forwarded packet is
 * answered too, from its destination's address. */
static void send_reset(struct rxs_sk_buff *skb, const struct rxs_nf_reject_pkt *p, int family)
{
	const struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	uint8_t th[20];
	struct rxs_out o = {
		.family = family, .saddr = cb->daddr, .daddr = cb->saddr, .proto = IPPROTO_TCP,
		.peer_mac = rxs_skb_mac_header(skb) + 6, .dev = skb->dev, .csum_at = 16,
		.local_out = true,
	};

	if (!reject_allowed(skb, p))
		return;
	if (!p->l4 || p->l4len < 20 || p->l4[13] & 0x04 || !reject_route(skb, p))
		return;
	reject_tcphdr_put(th, p->l4, p->l4len);
	rxs__ip_output(rxs__skb_sd(skb), &o, th, sizeof(th));
}

/* nf_send_reset(): the RST (40 bytes: nf_reject_iphdr_put()'s DF header, id 0, TTL 64, and
 * the bare TCP header) leaves by ip_local_out(), so OUTPUT's rules and conntrack see it and
 * __ip_local_out() counts IpOutRequests (no IpOutDiscards when OUTPUT drops it). */
void rxs__nf_send_reset(struct rxs_sk_buff *skb, const struct rxs_nf_reject_pkt *p)
{
	send_reset(skb, p, AF_INET);
}

/* nf_reject_ipv6.c. nf_send_unreach6(): icmpv6_send() of a destination unreachable (type 1)
 * with its rate limits. nf_send_reset6(): the RST (60 bytes: the IPv6 header and a bare TCP
 * header) leaves by ip6_local_out() (send_reset()): it crosses
 * OUTPUT and POSTROUTING, and, unlike IPv4's __ip_local_out(), counts no Ip6OutRequests,
 * only ip6_finish_output2()'s Ip6OutTransmits and Ip6OutOctets (oracle nft6-reject: 10 RSTs,
 * Ip6OutRequests 14 = the ICMPv6 messages alone; ip6t-reject: OUTPUT's policy counts the
 * RSTs). */
void rxs__nf_send_unreach6(struct rxs_sk_buff *skb, const struct rxs_nf_reject_pkt *p,
			   uint8_t code)
{
	if (reject_allowed(skb, p) && (!p->unrouted || rxs__ip_route_reply(skb)))
		rxs__icmpv6_send(skb, 1, code);
}

void rxs__nf_send_reset6(struct rxs_sk_buff *skb, const struct rxs_nf_reject_pkt *p)
{
	send_reset(skb, p, AF_INET6);
}
