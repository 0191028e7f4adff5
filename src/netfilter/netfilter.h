/* netfilter.h - what netfilter offers the modules above it, and its state of a host
 * (struct rxs_netns_nf, the host's h->nf), as the kernel's struct netns_nf holds a
 * namespace's hook entries (hooks_ipv4[]) and NF_QUEUE's handler. Rule sets' public API is
 * rxsim/netfilter.h; NF_HOOK's hand-off from proto's hook points is rxs__nf_hook_run()
 * (host.h).
 */
#ifndef RXSIM_NETFILTER_NETFILTER_H
#define RXSIM_NETFILTER_NETFILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "proto/proto.h"
#include "rxsim/hooks.h"
#include "rxsim/netfilter.h"
#include "skb/skb.h"

struct rxs_host;

struct rxs_nf_queue_entry {
	struct rxs_sk_buff *skb;
	uint64_t id;				/* skb->id when queued */
	rxs__nf_okfn okfn;
	uint8_t hook;
	uint8_t next;				/* the entry after the one that queued it */
};

/* Built-in stages of the rule tables at one hook, at most: raw, conntrack, mangle, NAT,
 * filter (rules.c's stage_order) and the nftables base chains there (NF_MAX_STAGES). */
#define RXS__NF_MAX_STAGES 16

/* One entry of a hook's list, as the kernel's struct nf_hook_entries holds the tables'
 * functions and everyone else's: a built-in stage of the rule tables (@stage >= 0, its
 * place in rules.c's order; skipped when the tables do not apply to the packet) or a user's
 * function (@stage < 0). */
struct rxs_nf_entry {
	int priority;
	int stage;
	struct rxs_nf_hook_ops ops;		/* a user's: a copy */
	const struct rxs_nf_hook_ops *key;	/* the caller's, for unregistering */
};

/* netfilter's state of a host: the rule tables, each hook's entries, NF_QUEUE. */
struct rxs_netns_nf {
	rxs_ruleset_t *rules;			/* the scenario's rule tables, or NULL */
	/* Per hook, sorted by priority; built when the first user function registers there
	 * (until then a hook's list is its stages alone, which the walk runs in one call). */
	struct rxs_nf_entry entries[RXS_NF_INET_NUMHOOKS][RXS_NF_MAX_HOOKS + RXS__NF_MAX_STAGES];
	unsigned int nentries[RXS_NF_INET_NUMHOOKS];
	unsigned int nnf[RXS_NF_INET_NUMHOOKS];	/* users' functions among the entries */
	rxs_nf_queue_fn queue_fn;
	void *queue_ctx;
	struct rxs_nf_queue_entry queue[RXS_NF_QUEUE_MAXLEN];
	unsigned int nqueued;
	rxs_kfree_skb_fn chained_kfree;		/* rxs_host_set_kfree_skb_cb's, set before */
	void *chained_kfree_ctx;
	/* NF_HOOK's walk: the rule tables' counters, conntrack, the users' functions and
	 * NF_QUEUE (queue, nqueued) */
	struct rxs_lock nf_lock;
	rxs__nf_hook_fn hook_slow;		/* netfilter's walk (rxs__nf_init) */
	rxs__nf_attach_fn ct_attach;		/* conntrack's nf_ct_attach (rxs__nf_init) */
	unsigned int ningress;			/* nftables netdev ingress chains */
	/* Per hook: the rule tables run something there (rxs__nf_rules_attach). A hook where
	 * they do not, and no user function registered, costs the path one test. */
	bool staged[RXS_NF_INET_NUMHOOKS];
};

/* ---- netfilter (src/netfilter/) ---- */
/* Install NF_HOOK's walk (core.c) in @h's hooks, where proto's hook points reach it: done
 * when the host is built. netfilter sits above proto (its REJECT calls proto's builders), so
 * proto calls up through this pointer, as the kernel reaches a hook's functions through
 * nf_hook_entries. */
void rxs__nf_init(struct rxs_host *h);
/* The same walk over the rule tables of @nf alone, for tests: ACCEPT, the caller keeps
 * @skb; DROP, it was freed (NETFILTER_DROP). */
enum rxs_nf_verdict rxs__nf_hook(rxs_ruleset_t *nf, enum rxs_nf_hook hook, struct rxs_sk_buff *skb,
				 const char *in, uint64_t now_ns);
/* nf_ingress(): run the netdev ingress chains of @skb's device (core calls it after the taps
 * when h->nf.ningress). Takes ownership of @skb: true, go on with it; false, it was dropped
 * (NETFILTER_DROP) and freed. */
bool rxs__nf_ingress(struct rxs_host *h, struct rxs_sk_buff *skb);
/* @h's rule tables are loaded (or it has none): note the hooks where they run something and
 * its netdev ingress chains. */
void rxs__nf_rules_attach(struct rxs_host *h);
/* The host answered the connection of @skb: conntrack has seen a reply. */
void rxs__nf_ct_seen_reply(rxs_ruleset_t *nf, const struct rxs_sk_buff *skb);
/* Put the host's end-of-skb callback (NF_QUEUE's bookkeeping, the kfree_skb tracepoint)
 * in the pool's one slot, calling on to whoever held it. */
void rxs__skb_end_claim(struct rxs_host *h);

#endif /* RXSIM_NETFILTER_NETFILTER_H */
