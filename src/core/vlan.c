/* vlan.c - 802.1Q on receive, as net/core/skbuff.c (skb_vlan_untag) and
 * net/8021q/vlan_core.c (vlan_do_receive) do it.
 *
 * A tag never stays in the packet: the NIC strips it into the descriptor (rx-vlan offload,
 * NETIF_F_HW_VLAN_CTAG_RX, the driver calls __vlan_hwaccel_put_tag), or, on a device that
 * does not (veth, or an 802.1ad outer tag), __netif_receive_skb_core strips it with
 * skb_vlan_untag. Either way the tag then lives in skb->vlan_proto / vlan_tci and the MAC
 * header is a plain one whose type is the inner protocol. vlan_do_receive() hands the skb
 * to the VLAN device with that id, which then goes round __netif_receive_skb_core again.
 *
 * VLAN devices are netdevs of the host like NICs (after them in h->devs, so their
 * addresses are local to IP and their counters are reported), with no queues of their own.
 */
#include <string.h>

#include "core/core.h"
#include "host.h"
#include "internal.h"
#include "netdevice/netdevice.h"

#define ETH_ALEN 6
#define VLAN_HLEN 4
#define VLAN_VID_MASK 0x0fff
#define ETH_P_8021Q 0x8100

void rxs__vlan_dev_init(struct rxs_host *h, struct rxs_netdev *dev, struct rxs_netdev *real,
			const struct rxs_vlan_config *cfg, unsigned int ifindex)
{
	struct rxs_nic_config *c = &dev->cfg;

	memset(dev, 0, sizeof(*dev));
	/* vlan_setup()/vlan_dev_init(): the NIC's MTU and, unless given, its MAC. */
	c->mtu = real->cfg.mtu;
	c->driver = real->cfg.driver;
	c->gro = false;
	rxs_vlan_name(&real->cfg, cfg, c->name);
	memcpy(c->mac, cfg->mac_set ? cfg->mac : real->cfg.mac, ETH_ALEN);
	memcpy(c->addrs, cfg->addrs, sizeof(c->addrs));
	c->naddrs = cfg->naddrs;
	dev->host = h;
	dev->ifindex = ifindex;
	dev->real_dev = real;
	dev->vlan_id = (uint16_t)cfg->id;
}

bool rxs__skb_vlan_untag(struct rxs_sk_buff *skb)
{
	uint8_t *mac;

	if (skb->vlan_proto)	/* the NIC's offload already took one: "another time" */
		return true;
	/* skb_vlan_untag() may read the two bytes after the tag (vlan_set_encap_proto). */
	if (!rxs_pskb_may_pull(skb, VLAN_HLEN + 2))
		return false;
	skb->vlan_proto = skb->protocol;
	skb->vlan_tci = rxs__get_be16(skb->data);
	/* Kept for reports only (taps, drops, trace): the kernel keeps no such record. */
	if (!skb->rx_tags[0])
		skb->rx_tags[0] = (uint32_t)skb->vlan_proto << 16 | skb->vlan_tci;
	else if (!skb->rx_tags[1])
		skb->rx_tags[1] = (uint32_t)skb->vlan_proto << 16 | skb->vlan_tci;
	skb->protocol = rxs__get_be16(skb->data + 2);
	rxs_skb_pull(skb, VLAN_HLEN);
	/* vlan_reorder_header(): the addresses move up over the tag, so the MAC header is an
	 * untagged one again (its type now the inner protocol) and sits right before data. */
	mac = rxs_skb_mac_header(skb);
	memmove(mac + VLAN_HLEN, mac, 2 * ETH_ALEN);
	skb->mac_header += VLAN_HLEN;
	rxs_skb_reset_network_header(skb);
	return true;
}

/* vlan_find_dev(): the scenario's VLAN devices are all 802.1Q ones. */
static struct rxs_netdev *vlan_find_dev(struct rxs_netdev *dev, uint16_t proto, uint16_t id)
{
	if (proto != ETH_P_8021Q)
		return NULL;
	for (unsigned int i = 0; i < dev->nvlans; i++)
		if (dev->vlan_devs[i].vlan_id == id)
			return &dev->vlan_devs[i];
	return NULL;
}

/* The VLAN device's rx_packets/rx_bytes/multicast, which the kernel keeps per CPU
 * (vlan_pcpu_stats); one shared copy here, under the device's lock. */
static void vlan_count_rx(struct rxs_netdev *vdev, const struct rxs_sk_buff *skb)
{
	rxs__lock_acquire(&vdev->lock);
	vdev->core.rx_packets++;
	vdev->core.rx_bytes += skb->len;
	if (skb->pkt_type == RXS_PACKET_MULTICAST)
		vdev->core.multicast++;
	rxs__lock_release(&vdev->lock);
}

bool rxs__vlan_do_receive(struct rxs_sk_buff *skb)
{
	struct rxs_netdev *vdev = vlan_find_dev(skb->dev, skb->vlan_proto,
						skb->vlan_tci & VLAN_VID_MASK);

	if (!vdev)
		return false;
	skb->dev = vdev;
	/* The NIC's MAC filter let the VLAN device's own MAC in (vlan_dev_open() adds it to
	 * the NIC's unicast list) but eth_type_trans() compared with the NIC's: fix it up. */
	if (skb->pkt_type == RXS_PACKET_OTHERHOST &&
	    !memcmp(rxs_skb_mac_header(skb), vdev->cfg.mac, ETH_ALEN))
		skb->pkt_type = RXS_PACKET_HOST;
	/* REORDER_HDR, ip link's default: the tag is not put back into the packet. */
	skb->vlan_proto = 0;
	skb->vlan_tci = 0;
	vlan_count_rx(vdev, skb);
	return true;
}
