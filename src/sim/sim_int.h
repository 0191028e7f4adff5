/* sim_int.h - what the two engines of src/sim/ share. */
#ifndef RXSIM_SIM_INT_H
#define RXSIM_SIM_INT_H

#include "host.h"

void rxs__sources_start(struct rxs_host *h);
/* The source whose frame arrives first (the lowest index among equals), or NULL. */
static inline struct rxs_traffic *rxs__next_source(struct rxs_host *h)
{
	return h->next_src;
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
	return h->nevents ? &h->events[0] : NULL;
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
/* Frames the threaded engine's NICs replayed (they count their own, not h->nic.offered). */
uint64_t rxs__threads_offered(const struct rxs_host *h);
/* The sum over CPUs of what @sk's reader took at once (ops->sock_read), added to @n and
 * @bytes. */
void rxs__threads_sock_read_sum(const struct rxs_host *h, const struct rxs_sock *sk,
				uint64_t *n, uint64_t *bytes);

#endif /* RXSIM_SIM_INT_H */
