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
#include "netfilter/netfilter.h"
#include "proto/proto.h"
#include "socket/socket.h"
#include "skb/skb.h"

struct rxs_host;
struct rxs_mc_group;
struct rxs_ring;
struct rxs_tap;

/* GRO state of one NAPI (struct gro_node): held skbs by bucket, skb->hash & 7. */
#define RXS_GRO_HASH_BUCKETS 8
#define RXS_GRO_MAX_SKBS 8		/* MAX_GRO_SKBS: held flows per bucket */

struct rxs_gro {
	struct rxs_sk_buff *hash[RXS_GRO_HASH_BUCKETS];	/* oldest first, linked by next */
	unsigned int count[RXS_GRO_HASH_BUCKETS];
	uint64_t jiffies;			/* now, for the age of what is held */
	struct rxs_gro_stats stats;
};

/* One RX queue of a NIC: descriptor ring (generic driver), its NAPI and IRQ. */
struct rxs_rx_queue {
	struct rxs_netdev *dev;
	unsigned int index;
	unsigned int cpu;			/* CPU its IRQ is bound to */
	struct rxs_ring *ring;			/* NULL for veth */
	struct rxs_napi napi;
	bool irq_masked;			/* between the IRQ and napi_complete */
	bool irq_timer_armed;			/* coalescing timer pending */
	uint32_t irq_pending_frames;		/* frames since the last interrupt */
	struct rxs_nic_stats stats;
	uint64_t max_ring_fill;
	uint64_t irq_timer_due;			/* when the armed coalescing timer fires */
	uint64_t *irqs;				/* hard IRQs taken, by CPU (/proc/interrupts) */
	struct rxs_gro gro;
	struct rxs_rx_queue *irq_next;		/* threaded: in its CPU's mailbox */
	/* The NIC side: the ring's producer, the interrupt state and the NIC's counters */
	struct rxs_lock lock;
	char pad[RXS_CACHE_LINE];		/* see RXS_CACHE_LINE */
};


/* A timer of the engine's queue (src/sim/event.c): fn(obj, time). */
struct rxs_event {
	uint64_t time;
	uint64_t seq;		/* insertion order: equal times run first-in first-out */
	rxs_timer_fn fn;
	void *obj;
	unsigned int flags;	/* RXS_TIMER_* */
};

struct rxs_traffic {
	struct rxs_traffic_config cfg;
	rxs_source_t *src;
	struct rxs_netdev *dev;
	struct rxs_frame frame;		/* the next frame, valid while has_frame */
	bool has_frame;
	uint64_t next_ns;		/* virtual arrival time of that frame */
	uint64_t first_ts;		/* capture timestamp of the first frame */
	uint64_t count;
	unsigned int index;		/* in the scenario's traffic list: its frames' ids */
	uint64_t own_frames;		/* frames the host itself sent, skipped */
	uint64_t own_last;		/* number of the latest of them (atomic) */
	bool started;
	bool shadow;			/* a second reader of the same frames (threaded.c):
					 * it leaves learning from the host's own to the first */
};

struct rxs_host {
	struct rxs_scenario *sc;		/* owned */
	int64_t sysctl[RXS_SYSCTL_COUNT];	/* effective single values */
	struct rxs_skb_pool pool;
	struct rxs_softnet_data *cpus;
	unsigned int ncpus;
	struct rxs_netdev *devs;
	unsigned int ndevs;
	struct rxs_netns_core core;		/* core/core.h */
	struct rxs_netns_nf nf;			/* netfilter/netfilter.h */
	struct rxs_netns_inet inet;		/* proto/proto.h */
	struct rxs_netns_sock sk;		/* socket/socket.h */
	struct rxs_traffic *traffic;
	unsigned int ntraffic;
	struct rxs_tap **taps;			/* packet sockets on ptype_all */
	unsigned int ntaps;
	struct rxs_lock taps_lock;		/* the taps' delivery (their BPF, counts) */
	/* the engine running the path, and the virtual one's state */
	const struct rxs_engine_ops *engine;
	uint64_t now;				/* time of the event being run */
	struct rxs_event *events;		/* timers: binary min-heap on (time, seq) */
	size_t nevents, events_cap;
	uint64_t event_seq;
	uint64_t last_arrival;
	struct rxs_traffic *next_src;		/* the source of that frame, or NULL */
	uint64_t next_arrival;			/* earliest frame of the sources, or UINT64_MAX */
	uint64_t end_time;			/* resolved run.until */
	uint64_t jiffy_ns;			/* 10^9 / host.hz, fixed with the host */
	bool sources_started;
	uint64_t offered;
	rxs_frame_drop_fn frame_drop_cb;	/* frames dropped before an skb existed */
	uint64_t frame_drop_id;		/* the id of the frame it is told of */
	void *frame_drop_ctx;
	struct rxs_lock frame_drop_lock;	/* the callback runs one at a time */
	rxs_sample_fn sample_fn;		/* time-series sampler */
	void *sample_ctx;
	uint64_t sample_interval;
	bool sample_armed;
	volatile sig_atomic_t stop;		/* rxs_host_stop(): end the run between events */
	int error;				/* first fatal error of the run */
	char errmsg[512];
	struct rxs_lock error_lock;		/* error, errmsg: any thread may fail */
	struct rxs_trace trace;			/* tracepoints' callbacks (src/trace/) */
	struct rxs_lock trace_lock;		/* their callbacks run one at a time */
	struct rxs_threaded *threaded;		/* src/sim's: the threaded engine, once started */
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
	return h->sc->cost.ns[id];
}
/* Deliver every frame that reaches a NIC no later than @t (DMA into rings, netif_rx). */
static inline void rxs__pump_arrivals(struct rxs_host *h, uint64_t t)
{
	/* Called before every packet a CPU processes: most calls find nothing due. An engine
	 * whose NICs deliver frames themselves keeps next_arrival at UINT64_MAX. */
	if (h->next_arrival <= t)
		h->engine->pump_arrivals(h, t);
}

static inline struct rxs_softnet_data *rxs__skb_sd(const struct rxs_sk_buff *skb)
{
	return &((struct rxs_host *)skb->pool->host)->cpus[skb->cpu];
}
static inline struct rxs_host *rxs__skb_host(const struct rxs_sk_buff *skb)
{
	return skb->pool->host;
}

/* Virtual time @t on the clock of the replayed capture (its first frame's timestamp at the
 * traffic's start), as rxs_host_capture_time() gives it; @t itself for generated traffic.
 * Inline because the output path (the --tx pcap) dates its frames with it, below sim. */
static inline uint64_t rxs__capture_time(const struct rxs_host *h, uint64_t t)
{
	const struct rxs_traffic *tr = h->ntraffic ? &h->traffic[0] : NULL;

	if (!tr || !tr->started || tr->cfg.kind != RXS_TRAFFIC_PCAP)
		return t;
	return tr->first_ts - tr->cfg.start_ns + t;
}

/* ---- nic ---- */
int rxs__netdev_init(struct rxs_host *h, struct rxs_netdev *dev, const struct rxs_nic_config *cfg,
		     unsigned int ifindex);
void rxs__netdev_destroy(struct rxs_netdev *dev);
/* Where a frame goes as it reaches a NIC: its RSS queue and hash, or no queue when the NIC
 * drops it first (a bad length, not for our MAC). */
struct rxs_nic_class {
	uint32_t hash;
	int queue;			/* -1: dropped before a queue */
	uint8_t pkt_type;
	bool bad_len;
};
void rxs__nic_classify(const struct rxs_netdev *dev, const struct rxs_frame *f,
		       struct rxs_nic_class *c);
/* The frame @f, classified as @c, reaches the NIC at @t as packet @id: MAC filter, DMA or
 * netif_rx. Counts its fate, except in h->offered, and returns 0; with @pause (Ethernet
 * flow control: the threaded engine at top speed) a frame whose ring is deep is refused,
 * -EAGAIN, and nothing is counted. The threaded engine holds the queue's lock. */
int rxs__nic_receive_class(struct rxs_netdev *dev, const struct rxs_frame *f,
			   const struct rxs_nic_class *c, uint64_t t, bool pause, uint64_t id);
/* The virtual engine's arrival: classified, counted in h->offered, received. */
/* @id: RXS_FRAME_ID() of the frame (include/rxsim/skb.h). */
void rxs__nic_receive(struct rxs_netdev *dev, const struct rxs_frame *f, uint64_t t, uint64_t id);
/* The CPU's half of a hard IRQ of @rxq: counted on its CPU, NAPI scheduled there. */
void rxs__nic_hard_irq_cpu(struct rxs_rx_queue *rxq, uint64_t t);
uint32_t rxs__nic_queued(const struct rxs_netdev *dev);

/* ---- RSS (src/nic/rss.c) ---- */
/* Tabulate @dev's Toeplitz key and build its indirection table. 0 or -ENOMEM. */
int rxs__rss_init(struct rxs_netdev *dev);
void rxs__rss_destroy(struct rxs_netdev *dev);
/* The hash @dev's hardware computes for @frame (0: not IP), as the driver sets skb->hash:
 * the fields drivers hash by default, 4-tuple for TCP, 2-tuple for UDP (Intel's default;
 * rss.udp_4tuple gives sdfn) and other IP and IPv4 fragments, nothing for non-IP. */
static inline uint32_t rxs__rss_hash(const struct rxs_netdev *dev, const uint8_t *frame,
				     uint32_t len)
{
	return rxs__flow_hash_tab(dev->rss_tab, frame, len, dev->cfg.rss_udp_4tuple);
}
/* The RX queue of @hash: indir[hash % size]. */
static inline unsigned int rxs__rss_queue(const struct rxs_netdev *dev, uint32_t hash)
{
	/* A mask instead of a division by a variable, for every frame, when the size allows. */
	if (dev->rss_indir_mask)
		return dev->rss_indir[hash & dev->rss_indir_mask];
	return dev->rss_indir[hash % dev->rss_indir_size];
}

/* ---- GRO (src/softirq/gro.c) ---- */
/* napi_gro_receive(): merge @skb into a held flow, hold it, or pass it up at once. Takes
 * ownership of @skb. */
void rxs__napi_gro_receive(struct rxs_gro *gro, struct rxs_sk_buff *skb);
/* gro_flush(): pass the held skbs up, bucket by bucket, oldest first; with @flush_old only
 * those held before the current jiffy (gro->jiffies). */
void rxs__gro_flush(struct rxs_gro *gro, bool flush_old);
/* Held skbs, for conservation; and their release when the device goes away. */
uint32_t rxs__gro_held(const struct rxs_gro *gro);
void rxs__gro_purge(struct rxs_gro *gro);

/* ---- RPS (src/softirq/rps.c) ---- */
/* netif_receive_skb_internal(): to the backlog of the RPS CPU (the current one included)
 * when @skb's queue has an rps_cpus map, else __netif_receive_skb. Takes ownership. */
void rxs__netif_receive_skb_internal(struct rxs_sk_buff *skb);
/* netif_rx(): to the backlog of the RPS CPU, or of @skb->cpu. Takes ownership. 0 or -ENOBUFS. */
int rxs__netif_rx(struct rxs_sk_buff *skb, uint64_t t);
/* get_rps_cpu(): the CPU of @hash in queue @q's rps_cpus, or -1 (no map, or hash 0). */
int rxs__get_rps_cpu(const struct rxs_netdev *dev, unsigned int q, uint32_t hash);
/* skb_flow_limit() on the enqueueing CPU @sd: true when @skb must be dropped. */
bool rxs__skb_flow_limit(struct rxs_softnet_data *sd, const struct rxs_sk_buff *skb,
			 uint32_t qlen, int64_t max_backlog);
/* Allocate @sd's flow-limit table if its CPU is in flow_limit_cpu_bitmap. 0 or -ENOMEM. */
int rxs__flow_limit_init(struct rxs_softnet_data *sd);
void rxs__flow_limit_destroy(struct rxs_softnet_data *sd);

/* ---- softirq ---- */
/* napi:napi_poll after one ->poll() of @napi (a no-op unless traced); the napi id and device
 * name are the softirq's to know. */
void rxs__napi_poll_trace(struct rxs_softnet_data *sd, const struct rxs_napi *napi, int work,
			  int budget);
int rxs__softnet_init(struct rxs_host *h, struct rxs_softnet_data *sd, unsigned int cpu);
void rxs__softnet_destroy(struct rxs_softnet_data *sd);
/* napi_schedule() from hard-IRQ context at time @t on the NAPI's CPU. */
void rxs__napi_schedule(struct rxs_host *h, struct rxs_napi *napi, uint64_t t);
/* napi_complete_done(): true when the NAPI is off the poll list and its IRQ may be unmasked. */
bool rxs__napi_complete_done(struct rxs_host *h, struct rxs_napi *napi, int work, uint64_t t);
/* Set the backlog NAPI's weight from the sysctls (dev_weight * dev_weight_rx_bias). */
void rxs__softnet_set_weights(struct rxs_softnet_data *sd);
/* An RPS IPI reaches @sd at @t (the threaded engine's CPU takes it from its mailbox). */
void rxs__rps_trigger_softirq(struct rxs_softnet_data *sd, uint64_t t);
/* netif_rx() from outside the CPU left @sd's backlog scheduled: list it and raise. */
void rxs__backlog_schedule(struct rxs_softnet_data *sd, uint64_t t);
/* NET_RX_SOFTIRQ, raised on @sd: run (part of) net_rx_action there at @t. */
void rxs__net_rx_action(struct rxs_softnet_data *sd, uint64_t t);
/* netif_rx(): queue @skb on @cpu's backlog at time @t. Takes ownership. */
int rxs__enqueue_to_backlog(struct rxs_host *h, struct rxs_sk_buff *skb, unsigned int cpu,
			    uint64_t t);
/* enqueue_to_backlog() from CPU @this_cpu onto @cpu's backlog: a remote CPU gets its IPI at
 * the end of @this_cpu's net_rx_action. Takes ownership. 0 or -ENOBUFS (dropped). */
int rxs__enqueue_to_backlog_from(struct rxs_host *h, struct rxs_sk_buff *skb, unsigned int cpu,
				 unsigned int this_cpu, uint64_t t);

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
