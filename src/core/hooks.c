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
