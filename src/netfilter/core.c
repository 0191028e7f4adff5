/* core.c - NF_HOOK: the one walk of a hook's list (net/netfilter/core.c), and the users'
 * hook functions and NF_QUEUE (include/rxsim/hooks.h).
 *
 * In the kernel a hook's nf_hook_entries hold every function registered there, the
 * iptables tables' among them, sorted by priority (NF_IP_PRI_RAW -300, CONNTRACK -200,
 * MANGLE -150, FILTER 0, include/uapi/linux/netfilter_ipv4.h), and nf_hook_slow() walks
 * them until one does not accept. rxsim keeps the two kinds in two sorted lists, the
 * built-in stages of the rule set (rules.c: fixed per hook) and the users' functions
 * (registered here), and this walk merges them, so there is one walk and one order: a
 * stage runs before a user function of equal priority, as the tables register first in the
 * kernel. The position in both lists is what a queued skb carries (struct
 * rxs_nf_queue_entry), so that rxs_nf_reinject() resumes the walk after the function that
 * queued it, then the rest of the path (okfn), as nf_reinject() does.
 *
 * Every hook the path has runs through here: PRE_ROUTING and LOCAL_IN (ip_rcv,
 * ip_local_deliver), FORWARD and POST_ROUTING of forwarded packets (ip_forward), and
 * LOCAL_OUT and POST_ROUTING of the host's own replies (ip_output.c). A contributor adding a
 * hook point calls rxs__nf_hook_run() there with the okfn that finishes the path after it;
 * a contributor adding a built-in stage (a table, a NAT hook) adds it to rules.c's
 * stage_order with its priority.
 *
 * Registering allocates nothing: the functions live in fixed tables inside the host
 * (struct rxs_hooks). The path tests a counter before calling in here, so a host without
 * rules or functions at a hook pays one test per hook point.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "host.h"
#include "internal.h"
#include "netfilter/netfilter_int.h"
#include "rxsim/hooks.h"

static void queue_forget(struct rxs_hooks *hk, const struct rxs_sk_buff *skb)
{
	for (unsigned int i = 0; i < hk->nqueued; i++) {
		if (hk->queue[i].skb == skb) {
			hk->queue[i] = hk->queue[--hk->nqueued];
			return;
		}
	}
}

/* ---- the pool's end-of-skb callback ----
 * The pool has one callback slot (rxs_host_set_kfree_skb_cb's). The NF_QUEUE bookkeeping
 * needs it (a queued skb the user ends itself leaves the queue) and so does the kfree_skb
 * tracepoint; whoever is first puts on_skb_end there, which serves both and calls on to
 * the callback it displaced. It lives here, below core, so that both the queue (here) and
 * rxs_host_trace (core/handlers.c) can claim it by calls that go down the stack only: to
 * trace/ and skb/, two leaves. */

static void on_skb_end(void *ctx, const struct rxs_sk_buff *skb, enum rxs_drop_reason reason)
{
	struct rxs_host *h = ctx;
	struct rxs_hooks *hk = &h->hooks;

	if (hk->nqueued)
		queue_forget(hk, skb);
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

void rxs__skb_end_claim(struct rxs_host *h)
{
	if (h->pool.on_free == on_skb_end && h->pool.on_free_ctx == h)
		return;
	h->hooks.chained_kfree = h->pool.on_free;
	h->hooks.chained_kfree_ctx = h->pool.on_free_ctx;
	h->pool.on_free = on_skb_end;
	h->pool.on_free_ctx = h;
}

/* ---- users' hook functions ---- */

int rxs_nf_register_net_hook(rxs_host_t *h, const struct rxs_nf_hook_ops *ops)
{
	struct rxs_hooks *hk = &h->hooks;
	unsigned int hook, n, pos;

	if (!ops || !ops->hook || ops->pf != RXS_NFPROTO_IPV4 ||
	    (unsigned int)ops->hooknum >= RXS_NF_INET_NUMHOOKS)
		return -EINVAL;
	hook = (unsigned int)ops->hooknum;
	n = hk->nnf[hook];
	for (unsigned int i = 0; i < n; i++)
		if (hk->nf[hook][i].key == ops)
			return -EEXIST;
	if (n == RXS_NF_MAX_HOOKS)
		return -ENOSPC;
	/* After every function of lower or equal priority, as nf_hook_entries_grow() does. */
	for (pos = 0; pos < n && hk->nf[hook][pos].ops.priority <= ops->priority; pos++)
		;
	memmove(&hk->nf[hook][pos + 1], &hk->nf[hook][pos], (n - pos) * sizeof(hk->nf[hook][0]));
	hk->nf[hook][pos].ops = *ops;
	hk->nf[hook][pos].key = ops;
	hk->nnf[hook]++;
	return 0;
}

int rxs_nf_unregister_net_hook(rxs_host_t *h, const struct rxs_nf_hook_ops *ops)
{
	struct rxs_hooks *hk = &h->hooks;

	for (unsigned int hook = 0; ops && hook < RXS_NF_INET_NUMHOOKS; hook++) {
		for (unsigned int i = 0; i < hk->nnf[hook]; i++) {
			if (hk->nf[hook][i].key != ops)
				continue;
			hk->nnf[hook]--;
			memmove(&hk->nf[hook][i], &hk->nf[hook][i + 1],
				(hk->nnf[hook] - i) * sizeof(hk->nf[hook][0]));
			return 0;
		}
	}
	return -ENOENT;
}

int rxs_nf_register_queue_handler(rxs_host_t *h, rxs_nf_queue_fn fn, void *ctx)
{
	h->hooks.queue_fn = fn;
	h->hooks.queue_ctx = ctx;
	if (fn)
		rxs__skb_end_claim(h);
	return 0;
}

unsigned int rxs_nf_queue_len(const rxs_host_t *h)
{
	return h->hooks.nqueued;
}

static void hook_state(struct rxs_nf_hook_state *st, enum rxs_nf_hook hook,
		       const struct rxs_sk_buff *skb)
{
	const struct rxs_softnet_data *sd = rxs__skb_sd(skb);

	st->hook = hook;
	st->pf = RXS_NFPROTO_IPV4;
	st->in = skb->dev ? skb->dev->cfg.name : "";
	st->now_ns = sd->now;
	st->cpu = sd->cpu;
}

/* nf_queue(): hand @skb to the user's queue handler, remembering where its walk resumes. */
static void nf_queue(struct rxs_host *h, struct rxs_sk_buff *skb,
		     const struct rxs_nf_queue_entry *pos, const struct rxs_nf_hook_state *st)
{
	struct rxs_hooks *hk = &h->hooks;
	struct rxs_nf_queue_entry *e;

	/* An entry for this address is from an earlier life of the header: that skb ended
	 * while the pool callback was not ours to see it. */
	queue_forget(hk, skb);
	if (!hk->queue_fn || hk->nqueued == RXS_NF_QUEUE_MAXLEN) {
		rxs_kfree_skb_reason(skb, RXS_DROP_NETFILTER_DROP);
		return;
	}
	rxs__skb_end_claim(h);
	e = &hk->queue[hk->nqueued++];
	*e = *pos;
	e->skb = skb;
	e->id = skb->id;
	hk->queue_fn(hk->queue_ctx, skb, st);
}

/*
 * nf_hook_slow() from position (@table, @user) of @x->hook's two sorted lists: the rule
 * set's stages and @hk's functions (NULL: none, as for rxs__nf_hook()). True: every entry
 * accepted; false: the skb is gone (dropped and freed, queued or stolen). A user's function
 * may change the packet, so the tables read it again after one ran. Inlined in its three
 * callers: each hook with rules passes here, and a call costs what the walk of an empty
 * hook does.
 */
static RXS_ALWAYS_INLINE bool nf_walk(struct rxs_hooks *hk, struct nf_hook_ctx *x,
				      unsigned int table, unsigned int user, rxs__nf_okfn okfn,
				      bool resume)
{
	struct rxs_sk_buff *skb = x->skb;
	enum rxs_nf_hook hook = x->hook;
	bool tables = rxs__nf_tables_begin(x, resume);
	bool reread = false;
	struct rxs_nf_hook_state st;
	enum rxs_nf_verdict v;
	int prio;

	for (;;) {
		const struct rxs_nf_hook_ops *ops =
			hk && user < hk->nnf[hook] ? &hk->nf[hook][user].ops : NULL;
		bool has_table;

		if (!ops) {
			/* The users' list is done: the rest of the tables' in one call, as a
			 * merge copies the rest of the longer list (and most hooks have no
			 * user function at all). */
			if (!tables)
				break;
			if (unlikely(reread)) {
				rxs__nf_pktinfo(skb, &x->pi);
				x->now_ns = rxs__skb_sd(skb)->now;
			}
			if (rxs__nf_stages_run(x, table) != RXS_NF_ACCEPT)
				goto drop;
			break;
		}
		has_table = tables && rxs__nf_stage_prio(hook, table, &prio);
		if (has_table && prio <= ops->priority) {
			if (reread) {
				rxs__nf_pktinfo(skb, &x->pi);
				x->now_ns = rxs__skb_sd(skb)->now;
				reread = false;
			}
			v = rxs__nf_stage_run(x, table++);
			if (v != RXS_NF_ACCEPT)
				goto drop;
			continue;
		}
		user++;
		reread = true;
		hook_state(&st, hook, skb);
		v = ops->hook(ops->priv, skb, &st);
		if (v == RXS_NF_ACCEPT)
			continue;
		if (v == RXS_NF_STOLEN || v == RXS_NF_QUEUE) {
			/* The packet leaves the walk: its conntrack state is not kept for it. */
			if (tables)
				rxs__nf_hook_end(x->nf, hook, RXS_NF_DROP);
			if (v == RXS_NF_QUEUE) {
				struct rxs_nf_queue_entry pos = {
					.okfn = okfn, .hook = (uint8_t)hook,
					.next_table = (uint8_t)table, .next_user = (uint8_t)user,
				};

				nf_queue(rxs__skb_host(skb), skb, &pos, &st);
			}
			return false;
		}
		goto drop;
	}
	if (tables)
		rxs__nf_hook_end(x->nf, hook, RXS_NF_ACCEPT);
	return true;
drop:
	if (tables)
		rxs__nf_hook_end(x->nf, hook, RXS_NF_DROP);
	rxs_kfree_skb_reason(skb, RXS_DROP_NETFILTER_DROP);
	return false;
}

static void ctx_init(struct nf_hook_ctx *x, struct rxs_host *h, enum rxs_nf_hook hook,
		     struct rxs_sk_buff *skb)
{
	x->nf = h->nf;
	x->hook = hook;
	x->skb = skb;
	x->in = skb->dev ? skb->dev->cfg.name : "";
	x->now_ns = rxs__skb_sd(skb)->now;
}

bool rxs__nf_hook_slow(struct rxs_host *h, enum rxs_nf_hook hook, struct rxs_sk_buff *skb,
		       rxs__nf_okfn okfn)
{
	struct nf_hook_ctx x;
	bool go_on;

	ctx_init(&x, h, hook, skb);
	/* The rules' counters, conntrack and the users' queue are the host's. */
	rxs__shared_enter(h);
	go_on = nf_walk(&h->hooks, &x, 0, 0, okfn, false);
	rxs__shared_exit(h);
	return go_on;
}

enum rxs_nf_verdict rxs__nf_hook(rxs_nf_t *nf, enum rxs_nf_hook hook, struct rxs_sk_buff *skb,
				 const char *in, uint64_t now_ns)
{
	struct nf_hook_ctx x = { .nf = nf, .hook = hook, .skb = skb, .in = in, .now_ns = now_ns };

	return nf_walk(NULL, &x, 0, 0, NULL, false) ? RXS_NF_ACCEPT : RXS_NF_DROP;
}

int rxs_nf_reinject(rxs_host_t *h, struct rxs_sk_buff *skb, enum rxs_nf_verdict verdict)
{
	struct rxs_hooks *hk = &h->hooks;
	struct rxs_nf_queue_entry e;
	struct rxs_nf_hook_state st;
	struct rxs_softnet_data *sd;
	struct nf_hook_ctx x;
	unsigned int i;

	if (!skb)
		return -EINVAL;
	for (i = 0; i < hk->nqueued && hk->queue[i].skb != skb; i++)
		;
	if (i == hk->nqueued || hk->queue[i].id != skb->id)
		return -ENOENT;
	if (verdict != RXS_NF_ACCEPT && verdict != RXS_NF_DROP && verdict != RXS_NF_QUEUE &&
	    verdict != RXS_NF_STOLEN)
		return -EINVAL;
	e = hk->queue[i];
	hk->queue[i] = hk->queue[--hk->nqueued];
	sd = rxs__skb_sd(skb);
	/* A verdict given between runs comes at the host's time: the CPU cannot go back. */
	if (sd->now < h->now)
		sd->now = h->now;
	switch (verdict) {
	case RXS_NF_ACCEPT:
		ctx_init(&x, h, (enum rxs_nf_hook)e.hook, skb);
		if (nf_walk(hk, &x, e.next_table, e.next_user, e.okfn, true))
			e.okfn(skb);
		break;
	case RXS_NF_QUEUE:
		hook_state(&st, (enum rxs_nf_hook)e.hook, skb);
		nf_queue(h, skb, &e, &st);
		break;
	case RXS_NF_STOLEN:
		break;
	default:
		rxs_kfree_skb_reason(skb, RXS_DROP_NETFILTER_DROP);
		break;
	}
	return 0;
}
