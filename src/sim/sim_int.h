/* sim_int.h - what the two engines of src/sim/ share. */
#ifndef RXSIM_SIM_INT_H
#define RXSIM_SIM_INT_H

#include <signal.h>

#include "host.h"
#include "nic/source.h"

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
	bool plain_time;		/* no rate_pps, speed 1: a frame arrives at its offset in
					 * the capture, what rxs__source_read() checks first */
	bool shadow;			/* a second reader of the same frames (threaded.c):
					 * it leaves learning from the host's own to the first */
};

/* sim's state of a host, which only sim reads (the host holds a pointer, h->sim): the
 * timers' queue, the traffic sources and their arrivals, the sampler, the run's stop and
 * error, the threaded engine. */
struct rxs_sim {
	struct rxs_traffic *traffic;
	unsigned int ntraffic;
	struct rxs_event *events;		/* timers: binary min-heap on (time, seq) */
	size_t nevents, events_cap;
	uint64_t event_seq;
	struct rxs_event front;			/* when has_front, the earliest timer of all */
	bool has_front;
	uint64_t last_arrival;
	struct rxs_traffic *next_src;		/* the source of that frame, or NULL */
	uint64_t end_time;			/* resolved run.until */
	bool sources_started;
	rxs_sample_fn sample_fn;		/* time-series sampler */
	void *sample_ctx;
	uint64_t sample_interval;
	bool sample_armed;
	volatile sig_atomic_t stop;		/* rxs_host_stop(): end the run between events */
	int error;				/* first fatal error of the run */
	char errmsg[512];
	struct rxs_lock error_lock;		/* error, errmsg: any thread may fail */
	struct rxs_threaded *threaded;		/* src/sim's: the threaded engine, once started */
};

/* Record the run's first fatal error (@err, message @msg), from any thread; the run stops. */
void rxs__host_fail(struct rxs_host *h, int err, const char *msg);
void rxs__sources_start(struct rxs_host *h);
/* The source whose frame arrives first (the lowest index among equals), or NULL. */
static inline struct rxs_traffic *rxs__next_source(struct rxs_host *h)
{
	return h->sim->next_src;
}
void rxs__source_advance(struct rxs_host *h, struct rxs_traffic *tr);
/* The same without electing the next source: a NIC thread of the threaded engine reads
 * its own source alone. */
void rxs__source_read(struct rxs_host *h, struct rxs_traffic *tr);
/* The run fails with @tr's source's error; @tr has no frame. */
void rxs__traffic_fail(struct rxs_host *h, struct rxs_traffic *tr);
/* A frame from the host's own MAC, or any frame on lo: learn from it. Out of line, so the
 * test of every frame in rxs__own_frame() saves no registers for this. */
bool rxs__own_frame_learn(struct rxs_host *h, struct rxs_traffic *tr, bool lo);

/* Frames the host itself sent (its own source MAC) are in two-way captures: they are not
 * received, but a SYN-ACK among them tells which ISN the real host chose, and a connected
 * socket's segments when it connected and how far it sent. */
static RXS_ALWAYS_INLINE bool rxs__own_frame(struct rxs_host *h, struct rxs_traffic *tr)
{
	const struct rxs_frame *f = &tr->frame;
	bool lo = tr->dev->cfg.driver == RXS_DRIVER_LOOPBACK;

	if (f->len < 14 || (!lo && memcmp(f->data + 6, tr->dev->cfg.mac, 6)))
		return false;
	return rxs__own_frame_learn(h, tr, lo);
}

/* rxs__source_read(), inline: the virtual engine's advance runs it once a frame, a threaded
 * CPU reader on every frame it passes over too. */
static RXS_ALWAYS_INLINE void rxs__source_read_inline(struct rxs_host *h, struct rxs_traffic *tr)
{
	int rc;
	uint64_t rel;

	while ((rc = rxs__source_next_inline(tr->src, &tr->frame)) > 0 && rxs__own_frame(h, tr))
		tr->own_frames++;
	if (unlikely(rc <= 0)) {
		if (rc < 0 && !tr->shadow)	/* its first reader says so */
			rxs__traffic_fail(h, tr);
		tr->has_frame = false;
		return;
	}
	tr->has_frame = true;
	if (unlikely(!tr->started)) {
		tr->started = true;
		tr->first_ts = tr->frame.ts_ns;
		/* The host's clock for the output path: the first source's capture, as
		 * rxs_host_capture_time() says. */
		if (tr == &h->sim->traffic[0] && tr->cfg.kind == RXS_TRAFFIC_PCAP) {
			h->capture_offset = tr->first_ts - tr->cfg.start_ns;
			h->capture_clock = true;
		}
	}
	if (likely(tr->plain_time)) {
		rel = tr->frame.ts_ns - tr->first_ts;	/* the source keeps timestamps monotonic */
	} else if (tr->cfg.rate_pps > 0) {
		rel = (uint64_t)((double)tr->count * 1e9 / tr->cfg.rate_pps);
	} else {
		rel = tr->frame.ts_ns - tr->first_ts;
		if (tr->cfg.speed > 0 && tr->cfg.speed != 1.0)
			rel = (uint64_t)((double)rel / tr->cfg.speed);
	}
	tr->next_ns = tr->cfg.start_ns + rel;
	tr->count++;
}

/* Open @tr's source from its cfg and dev: 0, or an error with a message in @err. */
int rxs__traffic_open(struct rxs_traffic *tr, char *err, size_t errlen);

/* ---- the timer queue (event.c): a min-heap on (time, seq) that both engines keep ---- */
/* Queue @fn(@obj) at @time, after every timer queued before for the same time. On no
 * memory the run fails (-ENOMEM). The threaded engine holds its timer lock. */
void rxs__event_push(struct rxs_host *h, uint64_t time, rxs_timer_fn fn, void *obj,
		     unsigned int flags);
bool rxs__event_pop(struct rxs_host *h, struct rxs_event *out);
static inline const struct rxs_event *rxs__event_peek(const struct rxs_host *h)
{
	if (h->sim->has_front)
		return &h->sim->front;
	return h->sim->nevents ? &h->sim->events[0] : NULL;
}

/* ---- the engines ---- */
extern const struct rxs_engine_ops rxs__virtual_engine;
/* The virtual engine's catch-up (engine.c), which rxs__pump_arrivals() calls through it. */
void rxs__pump_arrivals_due(struct rxs_host *h, uint64_t t);

/* The threaded engine (threaded.c). Stop a running one (rxs_host_destroy's first step),
 * and free what is left (its last). */
void rxs__threads_stop(struct rxs_host *h);
void rxs__threads_free(struct rxs_host *h);
/* Add the counters of the engine's threads' skb pools to @sum. */
void rxs__threads_skb_stats(const struct rxs_host *h, struct rxs_skb_stats *sum);
/* Add to @st, the stats of @tr's source, the checksum counts of its other readers' sources:
 * each counts the frames it replays (nics_split()). */
void rxs__threads_source_stats(const struct rxs_host *h, const struct rxs_traffic *tr,
				struct rxs_source_stats *st);
/* Frames the threaded engine's NICs replayed (they count their own, not h->nic.offered). */
uint64_t rxs__threads_offered(const struct rxs_host *h);
/* The sum over CPUs of what @sk's reader took at once (ops->sock_read), added to @n and
 * @bytes. */
void rxs__threads_sock_read_sum(const struct rxs_host *h, const struct rxs_sock *sk,
				uint64_t *n, uint64_t *bytes);

#endif /* RXSIM_SIM_INT_H */
