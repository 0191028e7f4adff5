/* nf_reject.h - the packets a netfilter REJECT sends, built by the IPv4 side.
 *
 * As net/ipv4/netfilter/nf_reject_ipv4.c serves ipt_REJECT and nft_reject, this header is
 * what proto offers netfilter: netfilter sits above proto (core -> netfilter -> proto), so it
 * calls down here directly and never includes proto_int.h. Both calls may run the LOCAL_OUT
 * walk again (ip_output) from inside the walk that rejected: netfilter makes its walk
 * re-entrant around them (send_reject() in netfilter/rules.c).
 */
#ifndef RXSIM_PROTO_NF_REJECT_H
#define RXSIM_PROTO_NF_REJECT_H

#include <stdbool.h>
#include <stdint.h>

struct rxs_sk_buff;

/* What the rule tables already read of the refused packet. */
struct rxs_nf_reject_pkt {
	uint8_t proto;			/* IP protocol */
	uint16_t fragoff;		/* in 8-byte units; non-zero: a later fragment */
	const uint8_t *l4;		/* transport header, NULL when absent or truncated */
	unsigned int l4len;
	/* Rejected before the routing decision (PREROUTING): the packet has no route yet, and
	 * the answer needs the route back to its source (nf_reject_fill_skb_dst). */
	bool unrouted;
};

/* nf_send_unreach(): an ICMP destination-unreachable with @code about @skb, through
 * icmp_send() and its rate limits; nothing about a later fragment or a TCP/UDP packet whose
 * checksum is wrong. @skb is not consumed: the caller still owns it. */
void rxs__nf_send_unreach(struct rxs_sk_buff *skb, const struct rxs_nf_reject_pkt *p,
			  uint8_t code);
/* nf_send_reset(): a TCP RST answering @skb, sent through ip_local_out() (see nf_reject.c);
 * nothing for a fragment, a RST, a bad checksum, a broadcast or multicast packet, or one
 * with no route back to its source. @skb is not consumed. */
void rxs__nf_send_reset(struct rxs_sk_buff *skb, const struct rxs_nf_reject_pkt *p);

/* nf_reject_ipv6.c: nf_send_unreach6(), an ICMPv6 destination unreachable with @code about
 * @skb through icmpv6_send() and its rate limits; nf_send_reset6(), a TCP RST. The same
 * refusals as the IPv4 ones. @skb is not consumed. */
void rxs__nf_send_unreach6(struct rxs_sk_buff *skb, const struct rxs_nf_reject_pkt *p,
			   uint8_t code);
void rxs__nf_send_reset6(struct rxs_sk_buff *skb, const struct rxs_nf_reject_pkt *p);

#endif /* RXSIM_PROTO_NF_REJECT_H */
