/* arp.c - arp_rcv: sanity checks, what the neighbour table learns (neigh.c), then the frame
 * is consumed (ARP's own replies are not sent). The kernel keeps no SNMP counter for ARP. */
#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"
#include "proto/proto_int.h"

static void arp_rcv_locked(struct rxs_sk_buff *skb)
{
	const uint8_t *a = skb->data;

	/* arp_hdr_len() for Ethernet/IPv4: 8 + 2 * (6 + 4). */
	if (!rxs_pskb_may_pull(skb, 28)) {
		rxs_kfree_skb_reason(skb, RXS_DROP_PKT_TOO_SMALL);
		return;
	}
	if (a[4] != 6 || a[5] != 4) {
		rxs_kfree_skb_reason(skb, RXS_DROP_NOT_SPECIFIED);
		return;
	}
	/* arp_process(): what the neighbour table learns (neigh.c). */
	if (rxs__get_be16(a) == 1 && rxs__get_be16(a + 2) == 0x0800 && skb->dev)
		rxs__neigh_arp_rcv(rxs__skb_host(skb), skb->dev, a, skb->cpu);
	rxs_consume_skb(skb);
}

/* Under ARP's lock: ARP answers through the transmit path. */
void rxs__arp_rcv(struct rxs_sk_buff *skb)
{
	struct rxs_host *h = rxs__skb_host(skb);

	rxs__lock_acquire(&h->inet.arp_lock);
	arp_rcv_locked(skb);
	rxs__lock_release(&h->inet.arp_lock);
}
