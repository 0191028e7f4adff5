/* handlers.c - the host's ptype_base (include/rxsim/hooks.h): rxsim's own ethertype
 * handlers and users' (rxs_dev_add_pack), walked from __netif_receive_skb_core, and the
 * registration of tracepoint callbacks on a host. inet_protos, the table IP dispatches
 * through, is IP's: src/proto/protocol.c.
 *
 * Everything lives in fixed tables inside the host (struct rxs_netns_core, struct rxs_trace), so
 * registering allocates nothing and the host frees nothing more. The path asks a counter
 * before calling in here, so a host with nothing registered pays one test per call site.
 *
 * What used to share this file went to the module whose job it is: the NF_HOOK walk, users'
 * netfilter functions and NF_QUEUE to src/netfilter/core.c, the taps made in code to
 * src/bpf/tap.c, the tracepoints' callbacks and calling to src/trace/, drop-location names
 * to src/skb/drop_location.c. rxs_trace_register stays here: it ties a host to the leaf
 * trace module (trace_lock around callbacks, the pool callback for kfree_skb).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "core/core.h"
#include "host.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "netfilter/netfilter.h"
#include "rxsim/hooks.h"

/* ---- ptype_base ---- */

/* rxsim's own handlers sit in the same table as the users': __netif_receive_skb_core()
 * names no protocol, as the kernel's walks ptype_base, where inet_init() put ip_rcv with
 * dev_add_pack(&ip_packet_type). They are registered first, one per type, and stay at the
 * table's front, so the path finds them with no user registered by a walk of three entries
 * at a fixed place. */
int rxs__dev_add_base(struct rxs_host *h, uint16_t type, rxs_packet_fn fn)
{
	struct rxs_netns_core *hk = &h->core;

	if (hk->nown == RXS__OWN_PACKET_TYPES || hk->nptype)
		return -ENOSPC;
	hk->ptype[hk->nown].type = type;
	hk->ptype[hk->nown].fn = fn;
	hk->ptype[hk->nown].ctx = h;
	hk->nown++;
	return 0;
}

/* The users' part of the table: RXS_MAX_PACKET_HANDLERS of theirs, whatever rxsim's own
 * take, so the limit users see has not moved. */
int rxs_dev_add_pack(rxs_host_t *h, uint16_t type, rxs_packet_fn fn, void *ctx)
{
	struct rxs_netns_core *hk = &h->core;
	struct rxs_packet_type *users = &hk->ptype[hk->nown];

	if (!fn)
		return -EINVAL;
	for (unsigned int i = 0; i < hk->nptype; i++)
		if (users[i].type == type && users[i].fn == fn && users[i].ctx == ctx)
			return -EEXIST;
	if (hk->nptype == RXS_MAX_PACKET_HANDLERS)
		return -ENOSPC;
	users[hk->nptype].type = type;
	users[hk->nptype].fn = fn;
	users[hk->nptype].ctx = ctx;
	hk->nptype++;
	return 0;
}

/* Only a user's own entries: rxsim's cannot be removed (their fn is not the user's). */
int rxs_dev_remove_pack(rxs_host_t *h, uint16_t type, rxs_packet_fn fn, void *ctx)
{
	struct rxs_netns_core *hk = &h->core;
	struct rxs_packet_type *users = &hk->ptype[hk->nown];

	for (unsigned int i = 0; i < hk->nptype; i++) {
		if (users[i].type != type || users[i].fn != fn || users[i].ctx != ctx)
			continue;
		hk->nptype--;
		memmove(&users[i], &users[i + 1], (hk->nptype - i) * sizeof(users[0]));
		return 0;
	}
	return -ENOENT;
}

static bool ptype_deliver_locked(struct rxs_host *h, struct rxs_sk_buff *skb)
{
	struct rxs_netns_core *hk = &h->core;
	struct rxs_packet_type *users = &hk->ptype[hk->nown];
	bool ours = false;
	int last = -1;

	for (unsigned int i = 0; i < hk->nown; i++)
		ours |= hk->ptype[i].type == skb->protocol;
	for (unsigned int i = 0; i < hk->nptype; i++)
		if (users[i].type == skb->protocol)
			last = (int)i;
	if (last < 0)
		return false;
	/* deliver_skb(): each handler but the last gets its own reference, here a clone.
	 * rxsim's own handler comes last (the caller runs it, outside handlers_lock), as
	 * the kernel's list_add_rcu() at the head puts later handlers before ip_rcv. */
	for (int i = 0; i < last + (ours ? 1 : 0); i++) {
		struct rxs_sk_buff *c;

		if (users[i].type != skb->protocol || !(c = rxs_skb_clone(skb)))
			continue;
		users[i].fn(users[i].ctx, c);
	}
	if (ours)
		return false;
	users[last].fn(users[last].ctx, skb);
	return true;
}

/* Under handlers_lock: users' handlers run one at a time. */
bool rxs__ptype_deliver(struct rxs_host *h, struct rxs_sk_buff *skb)
{
	bool ret;

	rxs__lock_acquire(&h->core.handlers_lock);
	ret = ptype_deliver_locked(h, skb);
	rxs__lock_release(&h->core.handlers_lock);
	return ret;
}

/* ---- tracepoints ---- */

/* The host's trace_lock around a tracepoint's callbacks (struct rxs_trace's lock):
 * users' functions run one at a time and need no lock of their own. */
static void trace_lock_cb(void *ctx, bool enter)
{
	struct rxs_host *h = ctx;

	if (enter)
		rxs__lock_acquire(&h->trace_lock);
	else
		rxs__lock_release(&h->trace_lock);
}

int rxs_trace_register(rxs_host_t *h, enum rxs_tracepoint tp, rxs_trace_fn fn, void *ctx)
{
	int rc = rxs__trace_add(&h->trace, tp, fn, ctx);

	if (rc)
		return rc;
	h->trace.lock = trace_lock_cb;
	h->trace.lock_ctx = h;
	if (tp == RXS_TP_KFREE_SKB)
		rxs__skb_end_claim(h);
	return 0;
}

int rxs_trace_unregister(rxs_host_t *h, enum rxs_tracepoint tp, rxs_trace_fn fn, void *ctx)
{
	return rxs__trace_del(&h->trace, tp, fn, ctx);
}
