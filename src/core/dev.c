/* dev.c - __netif_receive_skb_core: count, untag, and hand the skb to its L3 handler
 * (rxsim's, or one a library user added with rxs_dev_add_pack). */
#include "host.h"
#include "internal.h"
#include "rxsim/bpf.h"

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86dd
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define VLAN_HLEN 4

void rxs__eth_type_trans(struct rxs_sk_buff *skb)
{
	uint16_t proto;

	skb->mac_header = (uint16_t)(skb->data - skb->head);
	proto = rxs__get_be16(skb->data + 12);
	rxs__skb_pull(skb, ETH_HLEN);
	/* Values below 0x600 are 802.3 lengths: the kernel calls such frames ETH_P_802_3/2,
	 * for which a host has no handler. Keep the raw value; it matches no handler either. */
	skb->protocol = proto;
	rxs_skb_reset_network_header(skb);
}

/*
 * A tagged frame with no VLAN device above the NIC: the kernel strips the tag
 * (skb_vlan_untag) and, finding no device for a non-zero VLAN id, marks the frame
 * PACKET_OTHERHOST so IP drops it; a priority tag (id 0) is received normally.
 */
static bool vlan_untag(struct rxs_sk_buff *skb)
{
	uint16_t tci;

	if (!rxs_pskb_may_pull(skb, VLAN_HLEN))
		return false;
	tci = rxs__get_be16(skb->data);
	skb->protocol = rxs__get_be16(skb->data + 2);
	rxs_skb_pull(skb, VLAN_HLEN);
	rxs_skb_reset_network_header(skb);
	if (tci & 0x0fff)
		skb->pkt_type = RXS_PACKET_OTHERHOST;
	return true;
}

/*
 * deliver_skb() to every packet socket on ptype_all: the tap sees the frame from its MAC
 * header on (packet_rcv pushes it back), before netfilter, IP and the sockets can drop it.
 */
static void deliver_ptype_all(struct rxs_host *h, struct rxs_softnet_data *sd,
			      const struct rxs_sk_buff *skb)
{
	const uint8_t *frame = rxs_skb_mac_header(skb);
	uint32_t len = skb->tail - skb->mac_header;

	for (unsigned int i = 0; i < h->ntaps; i++) {
		if (!rxs_tap_wants(h->taps[i], RXS_TAP_IN))
			continue;
		rxs__charge(sd, rxs__cost(h, RXS_COST_TAP));
		rxs_tap_rcv(h->taps[i], frame, len, sd->now);
	}
}

void rxs__netif_receive_skb(struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_host *h = sd->host;

	rxs__charge(sd, rxs__cost(h, RXS_COST_NETIF_RECEIVE) +
			(uint64_t)rxs__cost(h, RXS_COST_PER_BYTE_X1000) * skb->len / 1000);
	sd->stat.processed++;
	RXS_TRACE_STAGE(sd, sd->now, skb, "__netif_receive_skb_core",
			"ethertype %04x, softnet processed %u, %u tap(s) see it", skb->protocol,
			sd->stat.processed, h->ntaps);
	if (rxs__tp_on(h, RXS_TP_NETIF_RECEIVE_SKB))
		rxs__trace_netif_receive_skb(sd, skb);
	/* One tag is stripped (skb_vlan_untag); with no VLAN device there is no second round,
	 * so an inner tag of a double-tagged frame finds no handler. */
	if ((skb->protocol == ETH_P_8021Q || skb->protocol == ETH_P_8021AD) && !vlan_untag(skb)) {
		RXS_DEV_COUNT(skb->dev, rx_dropped);
		rxs_kfree_skb_reason(skb, RXS_DROP_PKT_TOO_SMALL);
		return;
	}
	if (h->ntaps)	/* the taps' filters, counters and rings are the host's */
		RXS_SHARED(h, deliver_ptype_all(h, sd, skb));
	/* ptype_base: handlers that library users added (rxs_dev_add_pack) come first. */
	if (unlikely(h->hooks.nptype) && rxs__ptype_deliver(h, skb))
		return;
	switch (skb->protocol) {
	case ETH_P_IP:
		rxs__ip_rcv(skb);
		return;
	case ETH_P_IPV6:
		rxs__ipv6_rcv(skb);
		return;
	case ETH_P_ARP:
		rxs__arp_rcv(skb);
		return;
	}
	/* No ptype handler: the device's rx_dropped, reason UNHANDLED_PROTO. */
	RXS_DEV_COUNT(skb->dev, rx_dropped);
	rxs_kfree_skb_reason(skb, RXS_DROP_UNHANDLED_PROTO);
}
