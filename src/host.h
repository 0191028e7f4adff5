/* host.h - the simulated host: the composition of what each module owns, and the hand-off
 * calls between the stages that need the whole host.
 *
 * As the kernel's struct net is made of struct netns_ipv4, netns_nf... (include/net/
 * net_namespace.h and netns/), struct rxs_host is made of one struct per module, each
 * defined in that module's own header (nic/nic.h, softirq/softirq.h, core/core.h,
 * netfilter/netfilter.h, proto/proto.h, socket/socket.h) and read and written by that
 * module, plus what the whole
 * machine has: its CPUs and devices (netdevice/netdevice.h, which every layer reads), its
 * skb pool, clock (HZ, jiffies), cost model, the engine that runs it, and tracepoints. sim's
 * own state is behind a pointer to a struct only sim sees (sim/sim_int.h). Adding state to
 * a module: a member of its struct, in its folder; a new module: one member here.
 *
 * Only the library's own modules include this file; handles are opaque to users.
 */
#ifndef RXSIM_HOST_H
#define RXSIM_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/bpf.h"
#include "core/core.h"
#include "engine/engine.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "netfilter/netfilter.h"
#include "nic/nic.h"
#include "proto/proto.h"
#include "rxsim/config.h"
#include "rxsim/hooks.h"
#include "rxsim/sim.h"
#include "rxsim/stats.h"
#include "skb/skb.h"
#include "socket/socket.h"
#include "softirq/softirq.h"
#include "trace/trace.h"

struct rxs_sim;
struct rxs_tap;

struct rxs_host {
	struct rxs_scenario *sc;		/* owned; only sim, config and stats read it */
	/* The machine: its CPUs and devices, which every layer reads, its clock and costs */
	struct rxs_softnet_data *cpus;		/* one per CPU (netdevice/netdevice.h) */
	unsigned int ncpus;
	struct rxs_netdev *devs;		/* NICs, then VLAN devices (dev_base) */
	unsigned int ndevs;
	struct rxs_skb_pool pool;
	unsigned int hz;			/* HZ: host.hz, fixed with the host */
	uint64_t jiffy_ns;			/* 10^9 / hz */
	uint64_t jiffy_offset_ns;		/* host.tick: jiffies advance at t + offset = k jiffy_ns */
	uint32_t cost_ns[RXS_COST_COUNT];	/* the cost model (sim), fixed with the host */
	uint64_t mib_proc[RXS_MIB_COUNT];	/* counted by application threads (process
						 * context) of the threaded engine: atomic */
	/* Each module's state, in the order a frame meets them */
	struct rxs_netns_nic nic;		/* nic/nic.h */
	struct rxs_netns_softnet softnet;	/* softirq/softirq.h */
	struct rxs_netns_core core;		/* core/core.h */
	struct rxs_netns_nf nf;			/* netfilter/netfilter.h */
	struct rxs_netns_inet inet;		/* proto/proto.h */
	struct rxs_netns_sock sk;		/* socket/socket.h */
	struct rxs_netns_bpf bpf;		/* bpf/bpf.h: eBPF objects and their links */
	/* Packet sockets on ptype_all (bpf/tap.c makes them, core delivers to them) */
	struct rxs_tap **taps;
	unsigned int ntaps;
	struct rxs_lock taps_lock;		/* the taps' delivery (their BPF, counts) */
	struct rxs_trace trace;			/* tracepoints' callbacks (src/trace/) */
	struct rxs_lock trace_lock;		/* their callbacks run one at a time */
	/* The engine running the path, and what the path reads of it */
	const struct rxs_engine_ops *engine;
	uint64_t now;				/* time of the event being run */
	uint64_t next_arrival;			/* earliest frame of the sources, or UINT64_MAX */
	bool capture_clock;			/* the replayed capture's clock is known: */
	uint64_t capture_offset;		/* its first frame's timestamp - traffic start */
	struct rxs_sim *sim;			/* sim's own (sim/sim_int.h): timers, traffic, run */
};

static inline bool rxs__tp_on(const struct rxs_host *h, enum rxs_tracepoint tp)
{
	return rxs__trace_on(&h->trace, tp);
}

/* rxsim:stage: a packet passed @stage at time @t on @sd's CPU; the format says what was
 * decided. At no cost unless someone traces stages. Not the CPU's clock: the NIC's thread
 * traces for a CPU whose clock it must not read. */
#define RXS_TRACE_STAGE(sd, t, skb, stage, ...)                                              \
	do {                                                                                 \
		if (unlikely(rxs__tp_on((sd)->host, RXS_TP_STAGE)))                        \
			rxs__trace_stage(&(sd)->host->trace, (t), (sd)->cpu, (skb),          \
					 (skb)->counted ? (skb)->id : 0, (stage), __VA_ARGS__); \
	} while (0)

/* ---- the clock, the costs, the engine's arrivals ---- */
/* Jiffies at virtual time @ns. */
static inline uint64_t rxs__jiffies(const struct rxs_host *h, uint64_t ns)
{
	return (ns + h->jiffy_offset_ns) / h->jiffy_ns;
}
/* A duration in whole jiffies (msecs_to_jiffies() of a constant, rounded down). */
static inline uint64_t rxs__ns_to_jiffies(const struct rxs_host *h, uint64_t ns)
{
	return ns / h->jiffy_ns;
}
/* The virtual time at which jiffies reaches @j: when a timer due then fires. */
static inline uint64_t rxs__jiffies_to_ns(const struct rxs_host *h, uint64_t j)
{
	uint64_t ns = j * h->jiffy_ns;

	return ns > h->jiffy_offset_ns ? ns - h->jiffy_offset_ns : 0;
}
static inline uint32_t rxs__cost(const struct rxs_host *h, enum rxs_cost_id id)
{
	return h->cost_ns[id];
}
/* Deliver every frame that reaches a NIC no later than @t (DMA into rings, netif_rx). */
static inline void rxs__pump_arrivals(struct rxs_host *h, uint64_t t)
{
	/* Called before every packet a CPU processes: most calls find nothing due. An engine
	 * whose NICs deliver frames themselves keeps next_arrival at UINT64_MAX. */
	if (h->next_arrival <= t)
		h->engine->pump_arrivals(h, t);
}

/* Virtual time @t on the clock of the replayed capture (its first frame's timestamp at the
 * traffic's start), as rxs_host_capture_time() gives it; @t itself for generated traffic.
 * Inline because the output path (the --tx pcap) dates its frames with it, below sim. */
static inline uint64_t rxs__capture_time(const struct rxs_host *h, uint64_t t)
{
	return h->capture_clock ? h->capture_offset + t : t;
}

static inline struct rxs_softnet_data *rxs__skb_sd(const struct rxs_sk_buff *skb)
{
	/* One load fewer than through the host: every layer of the path asks. */
	return &((struct rxs_softnet_data *)skb->pool->cpus)[skb->cpu];
}
static inline struct rxs_host *rxs__skb_host(const struct rxs_sk_buff *skb)
{
	return skb->pool->host;
}

/* NF_HOOK(): nothing to call without rules and user functions at @hook, as on most hosts;
 * else the walk, whose contract is rxs__nf_hook_fn's. */
/* Whether NF_HOOK at @hook does anything on @h: the rule tables run something there or a
 * user's function registered there. */
static inline bool rxs__nf_hook_active(const struct rxs_host *h, enum rxs_nf_hook hook)
{
	return h->nf.staged[hook] || h->nf.nnf[hook];
}

static inline bool rxs__nf_hook_run(struct rxs_sk_buff *skb, enum rxs_nf_hook hook,
				    rxs__nf_okfn okfn)
{
	struct rxs_host *h = rxs__skb_host(skb);

	if (likely(!rxs__nf_hook_active(h, hook)))
		return true;
	return h->nf.hook_slow(h, hook, skb, okfn);
}

/* nf_ct_attach(): only with rules is there a connection to attach to. */
static inline void rxs__nf_ct_attach(const struct rxs_sk_buff *nskb, const struct rxs_sk_buff *skb)
{
	struct rxs_host *h = rxs__skb_host(skb);

	if (h->nf.rules && h->nf.ct_attach)
		h->nf.ct_attach(h, nskb, skb);
}

#endif /* RXSIM_HOST_H */
