/* dev.c - __netif_receive_skb_core: count, untag, and hand the skb to its L3 handler
 * (rxsim's, or one a library user added with rxs_dev_add_pack). */
#include "core/core.h"
#include "host.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "rxsim/bpf.h"

#define ETH_HLEN 14
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define VLAN_VID_MASK 0x0fff

static bool eth_type_vlan(uint16_t proto)
{
	return proto == ETH_P_8021Q || proto == ETH_P_8021AD;
}

/*
 * __netif_receive_skb_core's check_vlan_id, for a tag no VLAN device took (8021q not in the
 * kernel, or in it with no device for that id: vlan_do_receive() fails the same way). A
 * non-zero id marks the frame PACKET_OTHERHOST, so ip_rcv_core drops it. An id of 0 (a
 * priority tag) over another tag is stripped and the inner one tried; over anything else
 * the frame is received as if untagged. Either way the tag is then cleared. Returns true
 * when a VLAN device took an inner tag (another round), false to go on to ptype_base;
 * *dropped when the inner tag was too short to strip (the skb is then freed, as
 * skb_vlan_untag() frees it: kfree_skb(), no reason, no counter).
 */
static bool vlan_no_device(struct rxs_sk_buff *skb, bool *dropped)
{
	while (!(skb->vlan_tci & VLAN_VID_MASK) && eth_type_vlan(skb->protocol)) {
		skb->vlan_proto = skb->vlan_tci = 0;
		if (!rxs__skb_vlan_untag(skb)) {
			*dropped = true;
			rxs_kfree_skb_reason(skb, RXS_DROP_NOT_SPECIFIED);
			return false;
		}
		if (rxs__vlan_do_receive(skb))
			return true;
	}
	if (skb->vlan_tci & VLAN_VID_MASK)
		skb->pkt_type = RXS_PACKET_OTHERHOST;
	/* The priority bits are ignored, as the kernel's "Note: we might in the future use
	 * prio bits" says. */
	skb->vlan_proto = skb->vlan_tci = 0;
	return false;
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
	uint8_t small[2048], *buf = NULL;

	if (skb->pkt_type == RXS_PACKET_LOOPBACK)
		return;		/* packet_rcv() leaves the host's own looped-back packets */
	/* A stripped tag: the packet socket reports it in its auxdata (tp_vlan_tci) and
	 * libpcap writes it back into the frame, so filters and captures see it as sent. */
	if (skb->rx_tags[0]) {
		buf = len + 8 <= sizeof(small) ? small : rxs__malloc(len + 8);
		len = buf ? rxs_skb_wire_frame(skb, buf, len + 8) : 0;
		if (!len)
			goto out;
		frame = buf;
	}
	for (unsigned int i = 0; i < h->ntaps; i++) {
		if (!rxs_tap_wants(h->taps[i], RXS_TAP_IN))
			continue;
		rxs__charge(sd, rxs__cost(h, RXS_COST_TAP));
		rxs_tap_rcv(h->taps[i], frame, len, sd->now);
	}
out:
	if (buf != small)
		rxs__free(buf);
}

/*
 * __netif_receive_skb_core. A frame a VLAN device takes goes round again on that device
 * (another_round), counted again in softnet processed as the kernel counts it. The taps
 * are packet sockets on the NIC (tcpdump -i eth0): they see the frame on its first round,
 * tag and all, and not again on the VLAN device.
 */
/* net:netif_receive_skb. */
static RXS_NOINLINE void trace_netif_receive_skb(struct rxs_softnet_data *sd,
						 const struct rxs_sk_buff *skb)
{
	struct rxs_trace_event ev;

	rxs__trace_event_init(&ev, RXS_TP_NETIF_RECEIVE_SKB, sd->now, sd->cpu);
	ev.u.netif_receive_skb.skbaddr = skb;
	ev.u.netif_receive_skb.len = skb->len;
	ev.u.netif_receive_skb.name = skb->dev ? skb->dev->cfg.name : "";
	rxs__trace_emit(&sd->host->trace, &ev);
}

void rxs__netif_receive_skb(struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_host *h = sd->host;
	bool dropped = false;

	if (rxs__tp_on(h, RXS_TP_NETIF_RECEIVE_SKB))
		trace_netif_receive_skb(sd, skb);
another_round:
	rxs__charge(sd, rxs__cost(h, RXS_COST_NETIF_RECEIVE) +
			(uint64_t)rxs__cost(h, RXS_COST_PER_BYTE_X1000) * skb->len / 1000);
	sd->stat.processed++;
	RXS_TRACE_STAGE(sd, sd->now, skb, "__netif_receive_skb_core",
			"ethertype %04x on %s, softnet processed %u, %u tap(s) see it",
			skb->protocol, skb->dev->cfg.name, sd->stat.processed,
			skb->dev->real_dev ? 0 : h->ntaps);
	if (unlikely(skb->dev->xdp_generic) && !(skb = rxs__do_xdp_generic(sd, skb)))
		return;
	/* skb_vlan_untag(): a tag the NIC left in the packet (veth, an 802.1ad outer tag). A
	 * frame too short for it is freed with a plain kfree_skb() there: no reason, no
	 * counter. */
	if (eth_type_vlan(skb->protocol) && !rxs__skb_vlan_untag(skb)) {
		rxs_kfree_skb_reason(skb, RXS_DROP_NOT_SPECIFIED);
		return;
	}
	if (h->ntaps && !skb->dev->real_dev) {	/* the taps' filters, counters, rings are shared */
		rxs__lock_acquire(&h->taps_lock);
		deliver_ptype_all(h, sd, skb);
		rxs__lock_release(&h->taps_lock);
	}
	/* sch_handle_ingress(), then nf_ingress(), as the kernel orders them. */
	if (unlikely(skb->dev->tc_ingress) && !(skb = rxs__sch_handle_ingress(sd, skb)))
		return;
	/* nf_ingress(): the nftables netdev ingress chains, after the taps (tcpdump sees what
	 * they drop) and before VLAN devices and the protocol handlers, as in the kernel. */
	if (unlikely(h->nf.ningress) && !rxs__nf_ingress(h, skb))
		return;
	if (skb->vlan_proto) {
		uint16_t tci = skb->vlan_tci, tpid = skb->vlan_proto;

		if (rxs__vlan_do_receive(skb) || vlan_no_device(skb, &dropped)) {
			RXS_TRACE_STAGE(sd, sd->now, skb, "vlan_do_receive", "VLAN %u: to %s",
					skb->dev->vlan_id, skb->dev->cfg.name);
			goto another_round;
		}
		if (dropped)
			return;
		RXS_TRACE_STAGE(sd, sd->now, skb, "__netif_receive_skb_core",
				"%s VLAN %u: no VLAN device%s", tpid == ETH_P_8021AD ? "802.1ad" :
				"802.1Q", tci & VLAN_VID_MASK, skb->pkt_type == RXS_PACKET_OTHERHOST ?
				", PACKET_OTHERHOST" : " (a priority tag: received untagged)");
	}
	/* ptype_base: users' handlers (rxs_dev_add_pack) first, then rxsim's own, which the
	 * host registered in the same table (IPv4, IPv6, ARP: src/proto/protocol.c), so the
	 * core names no protocol. One own handler a type: the first match takes the skb. */
	if (unlikely(h->core.nptype) && rxs__ptype_deliver(h, skb))
		return;
	for (unsigned int i = 0; i < h->core.nown; i++) {
		const struct rxs_packet_type *pt = &h->core.ptype[i];

		if (pt->type == skb->protocol) {
			pt->fn(pt->ctx, skb);
			return;
		}
	}
	/* No ptype handler (an inner tag with no 8021q to take it, too): the device's
	 * rx_dropped, reason UNHANDLED_PROTO. */
	RXS_NETDEV_INC(skb->dev, rx_dropped);
	rxs_kfree_skb_reason(skb, RXS_DROP_UNHANDLED_PROTO);
}
