/* ndisc.c - neighbour discovery on the way in (net/ipv6/ndisc.c): ndisc_rcv()'s checks and
 * ndisc_recv_ns(), which answers a solicitation for one of the host's addresses with an
 * advertisement (ndisc_send_na()). The host's neighbours are the scenario's static ones:
 * what a solicitation or an advertisement teaches the neighbour table is not kept, and the
 * other messages (advertisements, router messages, redirects) are taken without effect.
 */
#include <string.h>

#include "proto/proto.h"
#include "proto/proto_int.h"

#define NDISC_NS 135
#define NDISC_NA 136
#define ND_OPT_SOURCE_LL_ADDR 1
#define ND_OPT_TARGET_LL_ADDR 2

/* ipv6_addr_is_solict_mult(): in ff02::1:ff00:0/104 */
static bool solicited_node(const uint8_t *a)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, [11] = 1, [12] = 0xff };

	return !memcmp(a, pfx, 13);
}

/* ndisc_parse_options(): every option at least 8 bytes and inside the message; the source
 * link-layer address option kept (*@sllao, its length checked by the caller). False when the
 * options are malformed. */
static bool parse_options(const uint8_t *opt, uint32_t len, const uint8_t **sllao)
{
	*sllao = NULL;
	while (len) {
		uint32_t l;

		if (len < 2)
			return false;
		l = opt[1] * 8u;
		if (!l || l > len)
			return false;
		if (opt[0] == ND_OPT_SOURCE_LL_ADDR && !*sllao)
			*sllao = opt;
		opt += l;
		len -= l;
	}
	return true;
}

/* ndisc_send_na(): an advertisement of @target, ours, to @daddr; the target's link-layer
 * address when @inc_opt. Counted as ndisc_send_skb() counts it (Ip6OutRequests,
 * Icmp6OutMsgs, the type). */
static void send_na(struct rxs_softnet_data *sd, const struct rxs_sk_buff *skb,
		    const uint8_t *daddr, const uint8_t *target, bool router, bool solicited,
		    bool override, bool inc_opt)
{
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t msg[32] = { NDISC_NA };
	unsigned int len = inc_opt ? 32 : 24;
	struct rxs_inet_cb cb;
	struct rxs_out o = {
		.family = AF_INET6, .saddr = target, .daddr = daddr, .proto = IPPROTO_ICMPV6,
		.peer_mac = daddr[0] == 0xff ? all_nodes_mac : rxs_skb_mac_header(skb) + 6,
		.dev = skb->dev, .hop_limit = 255,
	};

	msg[4] = (uint8_t)(router << 7 | solicited << 6 | override << 5);
	memcpy(msg + 8, target, 16);
	if (inc_opt) {
		msg[24] = ND_OPT_TARGET_LL_ADDR;
		msg[25] = 1;
		memcpy(msg + 26, skb->dev->cfg.mac, 6);
	}
	memset(&cb, 0, sizeof(cb));
	cb.family = AF_INET6;
	memcpy(cb.saddr, target, 16);
	memcpy(cb.daddr, daddr, 16);
	rxs__put_be16(msg + 2, rxs__l4_csum(&cb, IPPROTO_ICMPV6, msg, len));
	rxs__icmp6_count_out(sd, NDISC_NA);
	rxs__ip_output(sd, &o, msg, len);
}

/* ndisc_recv_ns(): a solicitation (@m, @len bytes from its ICMPv6 header). Its drop reason,
 * or RXS_DROP_NOT_DROPPED_YET when it was answered (consumed). */
static enum rxs_drop_reason recv_ns(struct rxs_softnet_data *sd, const struct rxs_sk_buff *skb,
				    const uint8_t *m, uint32_t len)
{
	const struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	const uint8_t *target = m + 8, *sllao;
	bool dad = rxs__ipv6_addr_any(cb->saddr), inc = cb->daddr[0] == 0xff;
	bool router = sd->host->inet.sysctl_ipv6_forwarding != 0;

	if (len < 24)
		return RXS_DROP_PKT_TOO_SMALL;
	/* A multicast target, or a duplicate address probe not to a solicited-node group. */
	if (target[0] == 0xff || (dad && !solicited_node(cb->daddr)))
		return RXS_DROP_NOT_SPECIFIED;
	if (!parse_options(m + 24, len - 24, &sllao))
		return RXS_DROP_IPV6_NDISC_BAD_OPTIONS;
	/* ndisc_opt_addr_data(): an Ethernet address fills an option of 8 bytes; a probe from
	 * :: carries none. */
	if (sllao && (sllao[1] != 1 || dad))
		return RXS_DROP_NOT_SPECIFIED;
	/* ipv6_get_ifaddr(net, target, dev, 1): an address of the device itself */
	if (!rxs__dev_has_addr6(skb->dev, target))
		return RXS_DROP_IPV6_NDISC_NS_OTHERHOST;	/* no anycast, no proxy here */
	if (dad) {
		static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };

		send_na(sd, skb, all_nodes, target, router, false, true, true);
		return RXS_DROP_NOT_SPECIFIED;
	}
	/* __neigh_lookup(..., creat = !inc || lladdr): a solicitation to a group that does
	 * not say who sent it is answered only when its sender is a known neighbour. */
	if (inc && !sllao && !rxs__ip6_neigh_lookup(sd->host, skb->dev, cb->saddr))
		return RXS_DROP_NOT_SPECIFIED;
	send_na(sd, skb, cb->saddr, target, router, true, inc, inc);
	return RXS_DROP_NOT_DROPPED_YET;
}

enum rxs_drop_reason rxs__ndisc_rcv(struct rxs_softnet_data *sd, const struct rxs_sk_buff *skb)
{
	const uint8_t *m = skb->data;

	/* Neighbour discovery comes only from the link: hop limit 255 (RFC 4861), code 0. */
	if (rxs_skb_network_header(skb)[7] != 255)
		return RXS_DROP_IPV6_NDISC_HOP_LIMIT;
	if (m[1])
		return RXS_DROP_IPV6_NDISC_BAD_CODE;
	if (m[0] == NDISC_NS)
		return recv_ns(sd, skb, m, skb->len);
	return RXS_DROP_NOT_DROPPED_YET;
}
