/* hooks.c - library users' plug-in points: netfilter hook functions, packet and protocol
 * handlers, taps made in code, and tracepoints (include/rxsim/hooks.h).
 *
 * Everything lives in fixed tables inside the host (struct rxs_hooks), so registering
 * allocates nothing and the host frees nothing more. The path asks a counter or a bit mask
 * before calling in here, so a host with nothing registered pays one test per call site.
 *
 * Netfilter hook functions are kept sorted by priority per hook. At NF_HOOK, nf_hook_slow()
 * is rebuilt as a merge of two sorted lists: the built-in stages of the iptables rule set
 * (rules.c: raw -300, conntrack -200, mangle -150, filter 0) and the user's functions. A
 * stage runs before a user function of equal priority, as the tables register first in the
 * kernel. The position in both lists is what a queued skb carries (struct
 * rxs_nf_queue_entry), so that rxs_nf_reinject() resumes the walk after the function that
 * queued it, then the rest of the path (okfn), as nf_reinject() does.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "host.h"
#include "internal.h"
#include "rxsim/bpf.h"
#include "rxsim/hooks.h"

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86dd
#define MIN_NAPI_ID 8193	/* NR_CPUS + 1 with NR_CPUS = 8192 */

/* ---- the kfree_skb tracepoint and the queue's bookkeeping share the pool's callback ---- */

static const char *l3_name(const struct rxs_sk_buff *skb, const char *v4, const char *v6)
{
	return skb->protocol == ETH_P_IPV6 ? v6 : v4;
}

/* The transport protocol of an IP packet, read from its header, or -1. */
static int l4_proto(const struct rxs_sk_buff *skb)
{
	const uint8_t *nh = rxs_skb_network_header(skb);

	if (skb->network_header == 0xffff || nh < skb->head || nh + 10 > skb->head + skb->tail)
		return -1;
	if (skb->protocol == ETH_P_IP)
		return nh[9];
	if (skb->protocol == ETH_P_IPV6 && nh + 40 <= skb->head + skb->tail)
		return nh[6];
	return -1;
}

/* The function where @reason arises for this skb's protocol: the kfree_skb "location". */
const char *rxs__drop_location(const struct rxs_sk_buff *skb, enum rxs_drop_reason reason)
{
	int l4 = l4_proto(skb);
	bool v6 = skb->protocol == ETH_P_IPV6;

	switch (reason) {
	case RXS_DROP_CONSUMED:
		return l4 == 17 ? "skb_consume_udp" : l4 == 6 ? "tcp_recvmsg" : "consume_skb";
	case RXS_DROP_NIC_MAC_FILTER: case RXS_DROP_NIC_LENGTH: case RXS_DROP_FULL_RING:
	case RXS_DROP_NOMEM:
		return "driver_rx";
	case RXS_DROP_CPU_BACKLOG:
		return "enqueue_to_backlog";
	case RXS_DROP_UNHANDLED_PROTO: case RXS_DROP_DEV_READY:
		return "__netif_receive_skb_core";
	case RXS_DROP_NETFILTER_DROP:
		return "nf_hook_slow";
	case RXS_DROP_OTHERHOST: case RXS_DROP_IP_CSUM: case RXS_DROP_IP_INHDR:
	case RXS_DROP_IPV6DISABLED:
		/* ip_rcv_core()/ip6_rcv_core() free these at their drop label, whatever the
		 * transport inside (OTHERHOST before IP counts anything). */
		return l3_name(skb, "ip_rcv_core", "ip6_rcv_core");
	case RXS_DROP_FRAG_TOO_FAR: case RXS_DROP_DUP_FRAG: case RXS_DROP_FRAG_REASM_TIMEOUT:
		return l3_name(skb, "ip_defrag", "ipv6_frag_rcv");
	case RXS_DROP_IP_NOPROTO:
		return l3_name(skb, "ip_local_deliver_finish", "ip6_input_finish");
	case RXS_DROP_SOCKET_RCVBUFF: case RXS_DROP_SOCKET_BACKLOG: case RXS_DROP_SOCKET_FILTER:
		return l4 == 6 ? "tcp_add_backlog" : "__udp_enqueue_schedule_skb";
	case RXS_DROP_SOCKET_CLOSE: case RXS_DROP_QUEUE_PURGE:
		return "skb_queue_purge";
	case RXS_DROP_NOT_SPECIFIED:
		/* A tag too short to strip: its TPID is still the protocol. */
		if (skb->protocol == 0x8100 || skb->protocol == 0x88a8)
			return "skb_vlan_untag";
		/* rxsim frees these for multicast: a group the device did not join, in the
		 * input route (the skb still at its IP header), or a datagram to a port where
		 * no socket wants it (UdpIgnoredMulti). */
		if (skb->network_header != 0xffff && skb->data == rxs_skb_network_header(skb))
			return l3_name(skb, "ip_rcv_finish_core", "ip6_mc_input");
		if (l4 == 17)
			return v6 ? "__udp6_lib_mcast_deliver" : "__udp4_lib_mcast_deliver";
		break;
	default:
		break;
	}
	if (l4 == 17)
		return v6 ? "__udp6_lib_rcv" : "__udp4_lib_rcv";
	if (l4 == 6)
		return v6 ? "tcp_v6_rcv" : "tcp_v4_rcv";
	if (l4 == 1 || l4 == 58)
		return v6 ? "icmpv6_rcv" : "icmp_rcv";
	return l3_name(skb, "ip_rcv_core", "ipv6_rcv");
}

static void on_skb_end(void *ctx, const struct rxs_sk_buff *skb, enum rxs_drop_reason reason)
{
	struct rxs_host *h = ctx;
	struct rxs_hooks *hk = &h->hooks;

	rxs__nf_queue_forget(h, skb);
	if (rxs__tp_on(h, RXS_TP_KFREE_SKB)) {
		struct rxs_trace_event ev;
		uint64_t t;

		/* In the threaded engine another CPU's clock is its own business. */
		if (h->threads)
			t = rxs__this_cpu(h) ? rxs__this_cpu(h)->now : h->now;
		else
			t = skb->cpu < h->ncpus ? RXS_MAX(h->cpus[skb->cpu].now, h->now) : h->now;
		rxs__trace_event_init(&ev, RXS_TP_KFREE_SKB, t, skb->cpu);
		ev.u.kfree_skb.skbaddr = skb;
		ev.u.kfree_skb.location = rxs__drop_location(skb, reason);
		ev.u.kfree_skb.protocol = skb->protocol;
		ev.u.kfree_skb.reason = reason;
		rxs__trace_emit(&h->trace, &ev);
	}
	if (hk->chained_kfree)
		hk->chained_kfree(hk->chained_kfree_ctx, skb, reason);
}

/* Put on_skb_end in the pool's single callback slot, calling on to whoever held it. */
void rxs__skb_end_claim(struct rxs_host *h)
{
	if (h->pool.on_free == on_skb_end && h->pool.on_free_ctx == h)
		return;
	h->hooks.chained_kfree = h->pool.on_free;
	h->hooks.chained_kfree_ctx = h->pool.on_free_ctx;
	h->pool.on_free = on_skb_end;
	h->pool.on_free_ctx = h;
}

/* ---- ptype_base and inet_protos ---- */

int rxs_dev_add_pack(rxs_host_t *h, uint16_t type, rxs_packet_fn fn, void *ctx)
{
	struct rxs_hooks *hk = &h->hooks;

	if (!fn)
		return -EINVAL;
	for (unsigned int i = 0; i < hk->nptype; i++)
		if (hk->ptype[i].type == type && hk->ptype[i].fn == fn && hk->ptype[i].ctx == ctx)
			return -EEXIST;
	if (hk->nptype == RXS_MAX_PACKET_HANDLERS)
		return -ENOSPC;
	hk->ptype[hk->nptype].type = type;
	hk->ptype[hk->nptype].fn = fn;
	hk->ptype[hk->nptype].ctx = ctx;
	hk->nptype++;
	return 0;
}

int rxs_dev_remove_pack(rxs_host_t *h, uint16_t type, rxs_packet_fn fn, void *ctx)
{
	struct rxs_hooks *hk = &h->hooks;

	for (unsigned int i = 0; i < hk->nptype; i++) {
		if (hk->ptype[i].type != type || hk->ptype[i].fn != fn || hk->ptype[i].ctx != ctx)
			continue;
		hk->nptype--;
		memmove(&hk->ptype[i], &hk->ptype[i + 1], (hk->nptype - i) * sizeof(hk->ptype[0]));
		return 0;
	}
	return -ENOENT;
}

static bool ptype_deliver_locked(struct rxs_host *h, struct rxs_sk_buff *skb)
{
	struct rxs_hooks *hk = &h->hooks;
	bool ours = skb->protocol == ETH_P_IP || skb->protocol == ETH_P_IPV6 ||
		    skb->protocol == ETH_P_ARP;
	int last = -1;

	for (unsigned int i = 0; i < hk->nptype; i++)
		if (hk->ptype[i].type == skb->protocol)
			last = (int)i;
	if (last < 0)
		return false;
	/* deliver_skb(): each handler but the last gets its own reference, here a clone. */
	for (int i = 0; i < last + (ours ? 1 : 0); i++) {
		struct rxs_sk_buff *c;

		if (hk->ptype[i].type != skb->protocol || !(c = rxs_skb_clone(skb)))
			continue;
		hk->ptype[i].fn(hk->ptype[i].ctx, c);
	}
	if (ours)
		return false;
	hk->ptype[last].fn(hk->ptype[last].ctx, skb);
	return true;
}

/* Under the host lock in the threaded engine: users' handlers run one at a time. */
bool rxs__ptype_deliver(struct rxs_host *h, struct rxs_sk_buff *skb)
{
	bool ret;

	RXS_SHARED(h, ret = ptype_deliver_locked(h, skb));
	return ret;
}

int rxs_inet_add_protocol(rxs_host_t *h, uint8_t protocol, rxs_inet_proto_fn fn, void *ctx)
{
	struct rxs_hooks *hk = &h->hooks;

	if (!fn)
		return -EINVAL;
	if (protocol == 1 || protocol == 6 || protocol == 17 || hk->inet[protocol].fn)
		return -EEXIST;
	hk->inet[protocol].fn = fn;
	hk->inet[protocol].ctx = ctx;
	hk->ninet++;
	return 0;
}

int rxs_inet_del_protocol(rxs_host_t *h, uint8_t protocol)
{
	struct rxs_hooks *hk = &h->hooks;

	if (!hk->inet[protocol].fn)
		return -ENOENT;
	hk->inet[protocol].fn = NULL;
	hk->inet[protocol].ctx = NULL;
	hk->ninet--;
	return 0;
}

static bool inet_deliver_locked(struct rxs_host *h, struct rxs_sk_buff *skb, uint8_t protocol)
{
	struct rxs_hooks *hk = &h->hooks;

	if (!hk->inet[protocol].fn)
		return false;
	rxs__mib_inc(rxs__skb_sd(skb), RXS_MIB_IpInDelivers);
	hk->inet[protocol].fn(hk->inet[protocol].ctx, skb);
	return true;
}

/* Under the host lock in the threaded engine: users' handlers run one at a time. */
bool rxs__inet_deliver(struct rxs_host *h, struct rxs_sk_buff *skb, uint8_t protocol)
{
	bool ret;

	RXS_SHARED(h, ret = inet_deliver_locked(h, skb, protocol));
	return ret;
}

/* ---- taps ---- */

int rxs_host_add_tap(rxs_host_t *h, const struct rxs_tap_config *cfg, char *err, size_t errlen)
{
	struct rxs_tap **taps;
	char dummy[8];
	int rc;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (!cfg) {
		snprintf(err, errlen, "no tap configuration");
		return -EINVAL;
	}
	taps = rxs__realloc(h->taps, (h->ntaps + 1) * sizeof(*taps));
	if (!taps) {
		snprintf(err, errlen, "%s", rxs_strerror(-ENOMEM));
		return -ENOMEM;
	}
	h->taps = taps;
	rc = rxs_tap_create(&taps[h->ntaps], cfg->name, cfg->filter ? cfg->filter : "",
			    cfg->ring_frames ? cfg->ring_frames : 4096, 0, cfg->write, err, errlen);
	if (rc)
		return rc;
	rxs_tap_set_direction(taps[h->ntaps], cfg->direction);
	return (int)h->ntaps++;
}

int rxs_host_tap_attach_prog(rxs_host_t *h, unsigned int tap, const struct rxs_bpf_insn *insns,
			     unsigned int len)
{
	if (tap >= h->ntaps)
		return -EINVAL;
	return rxs_tap_attach_prog(h->taps[tap], insns, len);
}

int rxs_host_tap_set_filter(rxs_host_t *h, unsigned int tap, const char *expr, char *err,
			    size_t errlen)
{
	struct rxs_bpf_prog prog = { 0 };
	int rc;

	if (errlen)
		err[0] = '\0';
	if (tap >= h->ntaps) {
		if (errlen)
			snprintf(err, errlen, "no tap %u", tap);
		return -EINVAL;
	}
	rc = rxs_bpf_compile(&prog, expr, err, errlen);
	if (!rc)
		rc = rxs_tap_attach_prog(h->taps[tap], prog.insns, prog.len);
	rxs_bpf_free(&prog);
	return rc;
}

/* ---- tracepoints ---- */

/* The threaded engine's host lock around a tracepoint's callbacks (struct rxs_trace's lock):
 * users' functions run one at a time and need no lock of their own. */
static void trace_lock(void *ctx, bool enter)
{
	struct rxs_host *h = ctx;

	if (enter)
		rxs__shared_enter(h);
	else
		rxs__shared_exit(h);
}

int rxs_host_trace(rxs_host_t *h, enum rxs_tracepoint tp, rxs_trace_fn fn, void *ctx)
{
	int rc = rxs__trace_add(&h->trace, tp, fn, ctx);

	if (rc)
		return rc;
	h->trace.lock = trace_lock;
	h->trace.lock_ctx = h;
	if (tp == RXS_TP_KFREE_SKB)
		rxs__skb_end_claim(h);
	return 0;
}

int rxs_host_untrace(rxs_host_t *h, enum rxs_tracepoint tp, rxs_trace_fn fn, void *ctx)
{
	return rxs__trace_del(&h->trace, tp, fn, ctx);
}
