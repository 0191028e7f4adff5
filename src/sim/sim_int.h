/* sim_int.h - what the two engines of src/sim/ share. */
#ifndef RXSIM_SIM_INT_H
#define RXSIM_SIM_INT_H

#include <signal.h>

#include "host.h"

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
