/* core.c - NF_HOOK: the one walk of a hook's list (net/netfilter/core.c), and the users'
 * hook functions and NF_QUEUE (include/rxsim/hooks.h).
 *
 * In the kernel a hook's nf_hook_entries hold every function registered there, the
 * iptables tables' among them, sorted by priority (NF_IP_PRI_RAW -300, CONNTRACK -200,
 * MANGLE -150, FILTER 0, include/uapi/linux/netfilter_ipv4.h), and nf_hook_slow() walks
 * them until one does not accept. rxsim does the same: a hook's list (struct rxs_nf_entry)
 * holds the rule tables' built-in stages (rules.c runs one when asked) and the users'
 * functions, sorted by priority when a function registers; a stage runs before a user
 * function of equal priority, as the tables register first in the kernel. A hook where no
 * user function ever registered has no list built: its stages run in one call to rules.c,
 * which is the list walked without the per-entry calls. One walk, nf_walk(), serves every
 * hook, with or without rules or users. The position in the list is what a queued skb
 * carries (struct rxs_nf_queue_entry), so that rxs_nf_reinject() resumes the walk after
 * the function that queued it, then the rest of the path (okfn), as nf_reinject() does.
 *
 * Every hook the path has runs through here: PRE_ROUTING and LOCAL_IN (ip_rcv,
 * ip_local_deliver), FORWARD and POST_ROUTING of forwarded packets (ip_forward), and
 * LOCAL_OUT and POST_ROUTING of the host's own replies (ip_output.c). A contributor adding a
 * hook point calls rxs__nf_hook_run() there with the okfn that finishes the path after it;
 * a contributor adding a built-in stage (a table, a NAT hook) adds it to rules.c's
 * stage_order with its priority; an nftables base chain is a stage too (NF_MAX_STAGES
 * bounds a hook's stages).
 *
 * Registering allocates nothing: the functions live in fixed tables inside the host
 * (struct rxs_netns_nf, h->nf). The path tests a counter before calling in here, so a host without
 * rules or functions at a hook pays one test per hook point.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "host.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "netfilter/netfilter.h"
#include "netfilter/netfilter_int.h"
#include "netfilter/nft_int.h"
#include "proto/proto.h"
#include "rxsim/hooks.h"

_Static_assert(RXS__NF_MAX_STAGES >= NF_MAX_STAGES, "a hook's list holds every stage");

static void queue_forget(struct rxs_netns_nf *hk, const struct rxs_sk_buff *skb)
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
 * rxs_trace_register (core/handlers.c) can claim it by calls that go down the stack only: to
 * trace/ and skb/, two leaves. */

static void on_skb_end(void *ctx, const struct rxs_sk_buff *skb, enum rxs_drop_reason reason)
{
	struct rxs_host *h = ctx;
	struct rxs_netns_nf *hk = &h->nf;

	if (hk->nqueued)
		queue_forget(hk, skb);
	if (rxs__tp_on(h, RXS_TP_KFREE_SKB)) {
		struct rxs_trace_event ev;
		uint64_t t;

		t = h->engine->cpu_clock(h, skb->cpu);
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
	h->nf.chained_kfree = h->pool.on_free;
	h->nf.chained_kfree_ctx = h->pool.on_free_ctx;
	h->pool.on_free = on_skb_end;
	h->pool.on_free_ctx = h;
}

/* ---- users' hook functions ---- */

/* The hook's list as the kernel's: the tables' stages first, as the tables register at
 * boot, each at its priority. */
static void list_init(struct rxs_netns_nf *hk, enum rxs_nf_hook hook)
{
	int prio;

	for (unsigned int i = 0; rxs__nf_stage_prio(hk->rules, hook, i, &prio); i++) {
		struct rxs_nf_entry *e = &hk->entries[hook][hk->nentries[hook]++];

		memset(e, 0, sizeof(*e));
		e->priority = prio;
		e->stage = (int)i;
	}
}

int rxs_nf_register_net_hook(rxs_host_t *h, const struct rxs_nf_hook_ops *ops)
{
	struct rxs_netns_nf *hk = &h->nf;
	struct rxs_nf_entry *list;
	unsigned int hook, n, pos;

	if (!ops || !ops->hook || ops->pf != RXS_NFPROTO_IPV4 ||
	    (unsigned int)ops->hooknum >= RXS_NF_INET_NUMHOOKS)
		return -EINVAL;
	hook = (unsigned int)ops->hooknum;
	list = hk->entries[hook];
	n = hk->nentries[hook];
	for (unsigned int i = 0; i < n; i++)
		if (list[i].stage < 0 && list[i].key == ops)
			return -EEXIST;
	if (hk->nnf[hook] == RXS_NF_MAX_HOOKS)
		return -ENOSPC;
	if (!n) {
		list_init(hk, hook);
		n = hk->nentries[hook];
	}
	/* After every entry of lower or equal priority, as nf_hook_entries_grow() does: a
	 * table's stage runs before a user function of equal priority. */
	for (pos = 0; pos < n && list[pos].priority <= ops->priority; pos++)
		;
	memmove(&list[pos + 1], &list[pos], (n - pos) * sizeof(list[0]));
	list[pos] = (struct rxs_nf_entry){ .priority = ops->priority, .stage = -1, .ops = *ops,
					   .key = ops };
	hk->nentries[hook]++;
	hk->nnf[hook]++;
	return 0;
}

/* The list keeps the tables' stages when the last user function goes: a queued skb's place
 * in it stays meaningful. */
int rxs_nf_unregister_net_hook(rxs_host_t *h, const struct rxs_nf_hook_ops *ops)
{
	struct rxs_netns_nf *hk = &h->nf;

	for (unsigned int hook = 0; ops && hook < RXS_NF_INET_NUMHOOKS; hook++) {
		struct rxs_nf_entry *list = hk->entries[hook];

		for (unsigned int i = 0; i < hk->nentries[hook]; i++) {
			if (list[i].stage >= 0 || list[i].key != ops)
				continue;
			hk->nentries[hook]--;
			hk->nnf[hook]--;
			memmove(&list[i], &list[i + 1], (hk->nentries[hook] - i) * sizeof(list[0]));
			return 0;
		}
	}
	return -ENOENT;
}

int rxs_nf_register_queue_handler(rxs_host_t *h, rxs_nf_queue_fn fn, void *ctx)
{
	h->nf.queue_fn = fn;
	h->nf.queue_ctx = ctx;
	if (fn)
		rxs__skb_end_claim(h);
	return 0;
}

unsigned int rxs_nf_queue_len(const rxs_host_t *h)
{
	return h->nf.nqueued;
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
	struct rxs_netns_nf *hk = &h->nf;
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
 * nf_hook_slow() from entry @i of @x->hook's list in @hk (NULL, or a list not built: the
 * rule tables' stages alone, as for rxs__nf_hook()). True: every entry accepted; false: the
 * skb is gone (dropped and freed, queued or stolen). A user's function may change the
 * packet, so the tables read it again after one ran. Inlined in its three callers: each
 * hook with rules passes here, and a call costs what the walk of an empty hook does.
 */
static RXS_ALWAYS_INLINE bool nf_walk(struct rxs_netns_nf *hk, struct nf_hook_ctx *x,
				      unsigned int i, rxs__nf_okfn okfn, bool resume)
{
	struct rxs_sk_buff *skb = x->skb;
	enum rxs_nf_hook hook = x->hook;
	bool tables = rxs__nf_tables_begin(x, resume);
	bool reread = false;
	struct rxs_nf_hook_state st;
	enum rxs_nf_verdict v;

	if (!hk || !hk->nentries[hook] || unlikely(RXS_INET_CB(skb)->family == AF_INET6)) {
		/* No user function ever registered here: the list is the stages, in order, and
		 * rules.c runs them in one call (the common case, and the cheap one). IPv6 has
		 * its own hooks, where no user function registers (they are IPv4's). */
		if (tables && rxs__nf_stages_run(x, 0) != RXS_NF_ACCEPT)
			goto drop;
		goto accept;
	}
	for (; i < hk->nentries[hook]; i++) {
		const struct rxs_nf_entry *e = &hk->entries[hook][i];

		if (e->stage >= 0) {
			if (!tables)
				continue;
			if (reread) {
				rxs__nf_pktinfo(skb, &x->pi);
				x->now_ns = rxs__skb_sd(skb)->now;
				reread = false;
			}
			if (rxs__nf_stage_run(x, (unsigned int)e->stage) != RXS_NF_ACCEPT)
				goto drop;
			continue;
		}
		reread = true;
		hook_state(&st, hook, skb);
		v = e->ops.hook(e->ops.priv, skb, &st);
		if (v == RXS_NF_ACCEPT)
			continue;
		if (v == RXS_NF_STOLEN || v == RXS_NF_QUEUE) {
			/* The packet leaves the walk: its conntrack state is not kept for it. */
			if (tables)
				rxs__nf_hook_end(x->nf, hook, RXS_NF_DROP);
			if (v == RXS_NF_QUEUE) {
				struct rxs_nf_queue_entry pos = {
					.okfn = okfn, .hook = (uint8_t)hook, .next = (uint8_t)(i + 1),
				};

				nf_queue(rxs__skb_host(skb), skb, &pos, &st);
			}
			return false;
		}
		goto drop;
	}
accept:
	if (!tables || rxs__nf_hook_end(x->nf, hook, RXS_NF_ACCEPT) == RXS_NF_ACCEPT)
		return true;
	rxs__skb_sd(skb)->nf_dropped = true;
	rxs_kfree_skb_reason(skb, RXS_DROP_NETFILTER_DROP);
	return false;
drop:
	if (tables)
		rxs__nf_hook_end(x->nf, hook, RXS_NF_DROP);
	rxs__skb_sd(skb)->nf_dropped = true;
	rxs_kfree_skb_reason(skb, RXS_DROP_NETFILTER_DROP);
	return false;
}

/* The device a forwarded packet leaves by (its route's, in the IP control block), or NULL. */
static const struct rxs_netdev *route_dev(const struct rxs_host *h, const struct rxs_sk_buff *skb)
{
	unsigned int oif = skb->oif;

	for (unsigned int i = 0; oif && i < h->ndevs; i++)
		if (h->devs[i].ifindex == oif)
			return &h->devs[i];
	return NULL;
}

/* The hook's devices, as nf_hook_state's in and out: the input device before routing and on
 * the way in, the output device from FORWARD on (the route's) and for the host's own packets
 * (the skb's). */
static void ctx_init(struct nf_hook_ctx *x, struct rxs_host *h, enum rxs_nf_hook hook,
		     struct rxs_sk_buff *skb)
{
	const struct rxs_netdev *out = NULL;

	x->nf = h->nf.rules;
	x->hook = hook;
	x->skb = skb;
	x->in = skb->dev ? skb->dev->cfg.name : "";
	x->indev = skb->dev;
	if (hook == RXS_NF_INET_FORWARD || hook == RXS_NF_INET_LOCAL_OUT ||
	    hook == RXS_NF_INET_POST_ROUTING) {
		out = route_dev(h, skb);
		if (!out && hook != RXS_NF_INET_FORWARD)
			out = skb->dev;
	}
	x->outdev = out;
	x->out = out ? out->cfg.name : "";
	x->now_ns = rxs__skb_sd(skb)->now;
}

static bool nf_hook_slow(struct rxs_host *h, enum rxs_nf_hook hook, struct rxs_sk_buff *skb,
			 rxs__nf_okfn okfn)
{
	struct nf_hook_ctx x;
	bool go_on;

	ctx_init(&x, h, hook, skb);
	rxs__skb_sd(skb)->nf_dropped = false;
	/* The rules' counters, conntrack and the users' queue are the host's. */
	rxs__lock_acquire(&h->nf.nf_lock);
	go_on = nf_walk(&h->nf, &x, 0, okfn, false);
	rxs__lock_release(&h->nf.nf_lock);
	return go_on;
}

bool rxs__nf_ingress(struct rxs_host *h, struct rxs_sk_buff *skb)
{
	struct nf_hook_ctx x = { .nf = h->nf.rules, .hook = RXS_NF_INET_NUMHOOKS, .skb = skb };
	enum rxs_nf_verdict v;

	x.in = skb->dev ? skb->dev->cfg.name : "";
	x.now_ns = rxs__skb_sd(skb)->now;
	if (skb->protocol == 0x0800 || skb->protocol == 0x86dd) {
		rxs__nf_pktinfo(skb, &x.pi);
		/* nft_set_pktinfo_ipv4/ipv6_validate(): the version must be the ethertype's */
		if (x.pi.v6 != (skb->protocol == 0x86dd))
			memset(&x.pi, 0, sizeof(x.pi));
	}
	rxs__lock_acquire(&h->nf.nf_lock);
	v = rxs__nft_ingress(&x);
	rxs__lock_release(&h->nf.nf_lock);
	if (v == RXS_NF_ACCEPT)
		return true;
	rxs_kfree_skb_reason(skb, RXS_DROP_NETFILTER_DROP);
	return false;
}

void rxs__nf_rules_attach(struct rxs_host *h)
{
	const rxs_ruleset_t *nf = h->nf.rules;

	h->nf.ningress = nf && nf->nft ? nf->nft->nhooks[NFT_HOOK_INGRESS] : 0;
	for (unsigned int hook = 0; hook < RXS_NF_INET_NUMHOOKS; hook++)
		h->nf.staged[hook] = rxs__nf_hook_staged(nf, (enum rxs_nf_hook)hook);
}

/* The error is built on the CPU whose packet it answers, whose conntrack state is the
 * current one (or, under a REJECT, set aside by the walk that holds nf_lock). */
static void nf_ct_attach(struct rxs_host *h, const struct rxs_sk_buff *nskb,
			 const struct rxs_sk_buff *skb)
{
	rxs__nf_ct_join(h->nf.rules, nskb, skb);
}

void rxs__nf_init(struct rxs_host *h)
{
	h->nf.hook_slow = nf_hook_slow;
	h->nf.ct_attach = nf_ct_attach;
}

enum rxs_nf_verdict rxs__nf_hook(rxs_ruleset_t *nf, enum rxs_nf_hook hook, struct rxs_sk_buff *skb,
				 const char *in, uint64_t now_ns)
{
	struct nf_hook_ctx x = { .nf = nf, .hook = hook, .skb = skb, .in = in, .out = "",
				 .now_ns = now_ns };

	return nf_walk(NULL, &x, 0, NULL, false) ? RXS_NF_ACCEPT : RXS_NF_DROP;
}

int rxs_nf_reinject(rxs_host_t *h, struct rxs_sk_buff *skb, enum rxs_nf_verdict verdict)
{
	struct rxs_netns_nf *hk = &h->nf;
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
		if (nf_walk(hk, &x, e.next, e.okfn, true))
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
