/* core.h - what core (__netif_receive_skb_core, ptype_base, VLAN devices) offers the
 * modules above it, and its state of a host (struct rxs_netns_core, the host's h->core):
 * ptype_base, as the kernel's struct net holds ptype_all and ptype_specific. The devices
 * themselves are the host's (h->devs), as dev_base_head sits in struct net itself: every
 * layer walks them.
 */
#ifndef RXSIM_CORE_CORE_H
#define RXSIM_CORE_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "rxsim/hooks.h"
#include "skb/skb.h"

struct rxs_host;

/* core's state of a host. */
struct rxs_netns_core {
	/* ptype_base: rxsim's own handlers (IPv4, IPv6, ARP) at [0, nown), registered when
	 * the host is built, then the users' at [nown, nown + nptype). */
	struct rxs_packet_type ptype[RXS__OWN_PACKET_TYPES + RXS_MAX_PACKET_HANDLERS];
	unsigned int nown;
	unsigned int nptype;			/* users' */
	/* The users' ptype handlers run one at a time, under this lock. */
	struct rxs_lock handlers_lock;
};

/* ---- core (netif_receive_skb and below): takes ownership of @skb always ---- */
void rxs__netif_receive_skb(struct rxs_sk_buff *skb);
/* eth_type_trans(): skb->protocol from the Ethernet header, which it pulls. Inline: the
 * driver's poll runs it on every frame, for a few stores. */
static inline void rxs__eth_type_trans(struct rxs_sk_buff *skb)
{
	uint16_t proto;

	skb->mac_header = (uint16_t)(skb->data - skb->head);
	proto = rxs__get_be16(skb->data + 12);
	rxs__skb_pull(skb, 14);
	/* Values below 0x600 are 802.3 lengths: the kernel calls such frames ETH_P_802_3/2,
	 * for which a host has no handler. Keep the raw value; it matches no handler either. */
	skb->protocol = proto;
	rxs_skb_reset_network_header(skb);
}
/* bpf_hooks.c: do_xdp_generic() and sch_handle_ingress() with the device's program. Take
 * ownership of @skb; return the skb to go on with, or NULL when its life ended there. */
struct rxs_sk_buff *rxs__do_xdp_generic(struct rxs_softnet_data *sd, struct rxs_sk_buff *skb);
struct rxs_sk_buff *rxs__sch_handle_ingress(struct rxs_softnet_data *sd, struct rxs_sk_buff *skb);

/* ---- 802.1Q (src/core/vlan.c) ---- */
/* A VLAN device over NIC @real, as `ip link add link NIC type vlan id N` makes it. */
void rxs__vlan_dev_init(struct rxs_host *h, struct rxs_netdev *dev, struct rxs_netdev *real,
			const struct rxs_vlan_config *cfg, unsigned int ifindex);
/* skb_vlan_untag(): the tag at skb->data into skb->vlan_proto/vlan_tci, the MAC header moved
 * up over it. true if done or a tag was already there; false when the frame is too short
 * (the caller still owns @skb). */
bool rxs__skb_vlan_untag(struct rxs_sk_buff *skb);
/* vlan_do_receive(): true when a VLAN device takes the tag (skb->dev is now that device,
 * the tag cleared, its rx counters counted); false and nothing changed when none does. */
bool rxs__vlan_do_receive(struct rxs_sk_buff *skb);

/* ---- ptype_base (src/core/handlers.c) ---- */
/* ptype_base handlers of users (called only when there are some): true when one took @skb,
 * false when rxsim's own handler for its type, if any, goes on with it. */
bool rxs__ptype_deliver(struct rxs_host *h, struct rxs_sk_buff *skb);
/* dev_add_pack() of rxsim's own handler for ethertype @type (handlers.c), done when the
 * host is built, before any user's: 0 or -ENOSPC. */
int rxs__dev_add_base(struct rxs_host *h, uint16_t type, rxs_packet_fn fn);

#endif /* RXSIM_CORE_CORE_H */
