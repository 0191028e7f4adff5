/* host.h - the simulated host's internal structures, shared by the modules of the path.
 *
 * This is rxsim's include/linux/netdevice.h: what the NIC, the softirq code, the protocols
 * and the sockets all need to see of each other. Handles are opaque to library users; only
 * the library's own modules include this file.
 */
#ifndef RXSIM_HOST_H
#define RXSIM_HOST_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "internal.h"
#include "rxsim/config.h"
#include "rxsim/hooks.h"
#include "rxsim/netfilter.h"
#include "rxsim/nic.h"
#include "trace/trace.h"
#include "rxsim/sim.h"
#include "rxsim/socket.h"
#include "rxsim/stats.h"
#include "netdevice/netdevice.h"
#include "core/core.h"
#include "nic/nic.h"
#include "netfilter/netfilter.h"
#include "proto/proto.h"
#include "socket/socket.h"
#include "softirq/softirq.h"
#include "skb/skb.h"

struct rxs_host;
struct rxs_mc_group;
struct rxs_ring;
struct rxs_tap;


struct rxs_host {
	struct rxs_scenario *sc;		/* owned */
	struct rxs_skb_pool pool;
	struct rxs_softnet_data *cpus;
	unsigned int ncpus;
	struct rxs_netdev *devs;
	unsigned int ndevs;
	struct rxs_netns_nic nic;		/* nic/nic.h */
	struct rxs_netns_softnet softnet;	/* softirq/softirq.h */
	struct rxs_netns_core core;		/* core/core.h */
	struct rxs_netns_nf nf;			/* netfilter/netfilter.h */
	struct rxs_netns_inet inet;		/* proto/proto.h */
	struct rxs_netns_sock sk;		/* socket/socket.h */
	struct rxs_tap **taps;			/* packet sockets on ptype_all */
	unsigned int ntaps;
	struct rxs_lock taps_lock;		/* the taps' delivery (their BPF, counts) */
	/* the engine running the path: what the path reads of it */
	const struct rxs_engine_ops *engine;
	uint64_t now;				/* time of the event being run */
	uint64_t next_arrival;			/* earliest frame of the sources, or UINT64_MAX */
	uint32_t cost_ns[RXS_COST_COUNT];	/* the cost model (sim), fixed with the host */
	/* The replayed capture's clock, once its first frame is read (rxs__capture_time()). */
	bool capture_clock;
	uint64_t capture_offset;		/* first frame's timestamp - traffic start */
	unsigned int hz;			/* HZ: host.hz, fixed with the host */
	uint64_t jiffy_ns;			/* 10^9 / host.hz, fixed with the host */
	struct rxs_trace trace;			/* tracepoints' callbacks (src/trace/) */
	struct rxs_lock trace_lock;		/* their callbacks run one at a time */
	struct rxs_sim *sim;			/* sim's own (sim/sim_int.h): timers, traffic, run */
	uint64_t mib_proc[RXS_MIB_COUNT];	/* counted by application threads (process
						 * context) of the threaded engine: atomic */
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

/* ---- sim: clock, events, costs ---- */
/* Record the run's first fatal error (@err, message @msg), from any thread; the run stops. */
void rxs__host_fail(struct rxs_host *h, int err, const char *msg);
/* Jiffies at virtual time @ns. */
static inline uint64_t rxs__jiffies(const struct rxs_host *h, uint64_t ns)
{
	return ns / h->jiffy_ns;
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
	return &((struct rxs_host *)skb->pool->host)->cpus[skb->cpu];
}
static inline struct rxs_host *rxs__skb_host(const struct rxs_sk_buff *skb)
{
	return skb->pool->host;
}

/* NF_HOOK(): nothing to call without rules and user functions at @hook, as on most hosts;
 * else the walk, whose contract is rxs__nf_hook_fn's. */
static inline bool rxs__nf_hook_run(struct rxs_sk_buff *skb, enum rxs_nf_hook hook,
				    rxs__nf_okfn okfn)
{
	struct rxs_host *h = rxs__skb_host(skb);

	if (likely(!h->nf.rules && !h->nf.nnf[hook]))
		return true;
	return h->nf.hook_slow(h, hook, skb, okfn);
}
#endif /* RXSIM_HOST_H */
