/* handlers.c - the host's tables of users' handlers (include/rxsim/hooks.h): ptype_base
 * (rxs_dev_add_pack, called from __netif_receive_skb_core) and inet_protos
 * (rxs_inet_add_protocol, called from ip_local_deliver), and the registration of
 * tracepoint callbacks on a host.
 *
 * Everything lives in fixed tables inside the host (struct rxs_hooks, struct rxs_trace), so
 * registering allocates nothing and the host frees nothing more. The path asks a counter
 * before calling in here, so a host with nothing registered pays one test per call site.
 *
 * What used to share this file went to the module whose job it is: the NF_HOOK walk, users'
 * netfilter functions and NF_QUEUE to src/netfilter/core.c, the taps made in code to
 * src/bpf/tap.c, the tracepoints' callbacks and calling to src/trace/, drop-location names
 * to src/skb/drop_location.c. rxs_host_trace stays here because it ties a host to the leaf
 * trace module (the host lock around callbacks, the pool callback for kfree_skb).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "host.h"
#include "internal.h"
#include "rxsim/hooks.h"

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86dd

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
