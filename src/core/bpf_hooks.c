/* bpf_hooks.c - the eBPF programs __netif_receive_skb_core runs: generic XDP
 * (do_xdp_generic, before the taps: tcpdump does not see what it drops) and tc ingress
 * (sch_handle_ingress, after the taps: tcpdump sees what tc drops). Both take the skb and give
 * back the one to go on with, or NULL when its life ended here.
 *
 * The program sees the frame from its MAC header, as both attach points push it back for the
 * run. When it changed the frame (a header rewritten, the head or tail moved), the skb is
 * rebuilt around the new bytes and eth_type_trans() runs again, as
 * bpf_prog_run_generic_xdp() does when the Ethernet header changed.
 *
 * Not modelled here: a generic XDP redirect to a CPU (cpumap: the kthread is below nothing
 * core may call; native XDP has it), and tc's redirect into another device's ingress
 * (BPF_F_INGRESS); both end the packet as the exception path does, and docs/ebpf.md says so.
 */
#include <string.h>

#include "bpf/bpf.h"
#include "core/core.h"
#include "host.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"

#define XDP_ABORTED 0
#define XDP_DROP 1
#define XDP_PASS 2
#define XDP_TX 3
#define XDP_REDIRECT 4

#define TC_ACT_UNSPEC (-1)
#define TC_ACT_OK 0
#define TC_ACT_RECLASSIFY 1
#define TC_ACT_SHOT 2
#define TC_ACT_PIPE 3
#define TC_ACT_STOLEN 4
#define TC_ACT_QUEUED 5
#define TC_ACT_REPEAT 6
#define TC_ACT_REDIRECT 7
#define TC_ACT_TRAP 8

/* The skb holding @len bytes at @f from its MAC header on: @skb when they are what it holds,
 * else a new skb with @skb's metadata (@skb ends uncounted: the frame lives on in the new
 * one). Takes ownership of @skb; NULL when there is no memory (dropped, NOMEM). */
static struct rxs_sk_buff *skb_set_frame(struct rxs_sk_buff *skb, const uint8_t *f, uint32_t len)
{
	struct rxs_sk_buff *n;

	if (len == skb->tail - skb->mac_header && !memcmp(f, rxs_skb_mac_header(skb), len))
		return skb;
	n = len >= 14 ? rxs__skb_alloc(skb->pool, len) : NULL;
	if (!n) {
		rxs_kfree_skb_reason(skb, len >= 14 ? RXS_DROP_NOMEM : RXS_DROP_PKT_TOO_SMALL);
		return NULL;
	}
	memcpy(rxs__skb_put(n, len), f, len);
	n->counted = skb->counted;
	n->id = skb->id;
	n->truesize = skb->truesize;
	n->tstamp = skb->tstamp;
	n->dev = skb->dev;
	n->hash = skb->hash;
	n->mark = skb->mark;
	n->queue_mapping = skb->queue_mapping;
	n->cpu = skb->cpu;
	n->pkt_type = skb->pkt_type;
	n->vlan_proto = skb->vlan_proto;
	n->vlan_tci = skb->vlan_tci;
	memcpy(n->rx_tags, skb->rx_tags, sizeof(n->rx_tags));
	skb->counted = false;
	rxs_consume_skb(skb);
	rxs__eth_type_trans(n);
	return n;
}

/* One run of @l on @skb's frame, charged to @sd. */
static uint32_t run_on_skb(struct rxs_softnet_data *sd, struct rxs_bpf_link *l,
			   struct rxs_sk_buff *skb, struct rxs__bpf_pkt *p)
{
	struct rxs_host *h = sd->host;

	p->data = rxs_skb_mac_header(skb);
	p->len = skb->tail - skb->mac_header;
	p->ifindex = skb->dev->ifindex;
	p->rx_queue = rxs__skb_get_rx_queue(skb);
	p->mark = skb->mark;
	p->cpu = sd->cpu;
	p->now = sd->now;
	rxs__bpf_link_run(l, p);
	rxs__charge(sd, rxs__cost(h, RXS_COST_BPF_RUN) +
			l->last_insns * rxs__cost(h, RXS_COST_BPF_KINSN) / 1000);
	if (unlikely(rxs__tp_on(h, RXS_TP_STAGE)))
		rxs__bpf_trace_verdict(h, sd->cpu, sd->now, l, p, skb->counted ? skb->id : 0);
	return p->verdict;
}

/* A redirect out of a device: the frame leaves by it (--tx); false when there is none. */
static bool redirect_out(struct rxs_host *h, struct rxs_softnet_data *sd,
			 const struct rxs__bpf_pkt *p)
{
	const struct rxs_netdev *out = NULL;

	if (p->redir != RXS__REDIR_DEV)
		return false;
	for (unsigned int i = 0; i < h->ndevs && !out; i++)
		if (h->devs[i].ifindex == p->redir_target)
			out = &h->devs[i];
	if (out)
		rxs__xdp_xmit(h, out, p->out, p->out_len, sd->now);
	return out;
}

struct rxs_sk_buff *rxs__do_xdp_generic(struct rxs_softnet_data *sd, struct rxs_sk_buff *skb)
{
	struct rxs_bpf_link *l = skb->dev->xdp_generic;
	struct rxs__bpf_pkt p = { 0 };

	switch (run_on_skb(sd, l, skb, &p)) {
	case XDP_PASS:
		return skb_set_frame(skb, p.out, p.out_len);
	case XDP_TX:
		/* generic_xdp_tx(): straight to the driver's xmit, no tap sees it. */
		rxs__xdp_xmit(sd->host, skb->dev, p.out, p.out_len, sd->now);
		rxs_consume_skb(skb);
		return NULL;
	case XDP_REDIRECT:
		if (!redirect_out(sd->host, sd, &p))
			break;
		rxs_consume_skb(skb);
		return NULL;
	case XDP_DROP:
		rxs_kfree_skb_reason(skb, RXS_DROP_XDP);
		return NULL;
	default:
		break;
	}
	/* XDP_ABORTED, an unknown action, a redirect that failed: xdp:xdp_exception. */
	l->exceptions++;
	rxs_kfree_skb_reason(skb, RXS_DROP_XDP);
	return NULL;
}

struct rxs_sk_buff *rxs__sch_handle_ingress(struct rxs_softnet_data *sd, struct rxs_sk_buff *skb)
{
	struct rxs_bpf_link *l = skb->dev->tc_ingress;
	struct rxs__bpf_pkt p = { 0 };

	switch ((int32_t)run_on_skb(sd, l, skb, &p)) {
	case TC_ACT_SHOT:
		rxs_kfree_skb_reason(skb, RXS_DROP_TC_INGRESS);
		return NULL;
	case TC_ACT_STOLEN:
	case TC_ACT_QUEUED:
	case TC_ACT_TRAP:
		rxs_consume_skb(skb);
		return NULL;
	case TC_ACT_REDIRECT:
		/* skb_do_redirect(): out of the device; into one's ingress is not modelled. */
		if (!redirect_out(sd->host, sd, &p)) {
			rxs_kfree_skb_reason(skb, RXS_DROP_TC_INGRESS);
			return NULL;
		}
		rxs_consume_skb(skb);
		return NULL;
	default:
		/* TC_ACT_OK, UNSPEC, PIPE, RECLASSIFY and the rest: on, with what the program
		 * wrote (bpf_skb_store_bytes, the mark). */
		skb->mark = p.mark;
		return skb_set_frame(skb, p.out, p.out_len);
	}
}
