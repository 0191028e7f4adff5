/* event.c - the virtual engine's event queue: a binary min-heap on (time, seq).
 *
 * seq is the insertion order, so events due at the same nanosecond run first-in first-out
 * and a run is deterministic however the heap reorders equal keys. Jiffies are derived from
 * virtual time with the host's HZ, so net_rx_action's time limit falls on the same tick
 * boundaries as on a kernel with that HZ.
 */
#include <errno.h>

#include "host.h"
#include "internal.h"

static bool ev_less(const struct rxs_event *a, const struct rxs_event *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static int heap_push(struct rxs_host *h, const struct rxs_event *ev)
{
	size_t i;

	if (h->nevents == h->events_cap) {
		size_t cap = h->events_cap ? h->events_cap * 2 : 64;
		struct rxs_event *n = rxs__realloc(h->events, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		h->events = n;
		h->events_cap = cap;
	}
	i = h->nevents++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!ev_less(ev, &h->events[parent]))
			break;
		h->events[i] = h->events[parent];
		i = parent;
	}
	h->events[i] = *ev;
	return 0;
}

bool rxs__event_pop(struct rxs_host *h, struct rxs_event *out)
{
	struct rxs_event last;
	size_t i = 0, n;

	if (!h->nevents)
		return false;
	*out = h->events[0];
	last = h->events[--h->nevents];
	n = h->nevents;
	while (2 * i + 1 < n) {
		size_t c = 2 * i + 1;

		if (c + 1 < n && ev_less(&h->events[c + 1], &h->events[c]))
			c++;
		if (!ev_less(&h->events[c], &last))
			break;
		h->events[i] = h->events[c];
		i = c;
	}
	if (n)
		h->events[i] = last;
	return true;
}

static void event_add(struct rxs_host *h, uint64_t time, enum rxs_event_type type, void *obj,
		      rxs_timer_fn fn)
{
	struct rxs_event ev = { .time = time, .seq = h->event_seq++, .type = type, .obj = obj,
				.fn = fn };

	/* Running out of memory for events would silently stall the path: stop the run. */
	if (heap_push(h, &ev))
		rxs__host_fail(h, -ENOMEM, "out of memory for events");
}

void rxs__event_add(struct rxs_host *h, uint64_t time, enum rxs_event_type type, void *obj)
{
	/* The threaded engine has a thread per CPU: a raised softirq wakes it, no event. */
	if (likely(!h->threads)) {
		event_add(h, time, type, obj, NULL);
		return;
	}
	if (type == RXS_EV_SOFTIRQ) {
		rxs__threads_event_added(h, type, obj);
		return;
	}
	/* The timer thread's queue: under the host lock, which its waits are on. */
	rxs__host_lock(h);
	event_add(h, time, type, obj, NULL);
	rxs__threads_event_added(h, type, obj);
	rxs__host_unlock(h);
}

void rxs__timer_add(struct rxs_host *h, uint64_t time, rxs_timer_fn fn, void *obj)
{
	if (likely(!h->threads)) {
		event_add(h, time, RXS_EV_TIMER, obj, fn);
		return;
	}
	rxs__host_lock(h);
	event_add(h, time, RXS_EV_TIMER, obj, fn);
	rxs__threads_event_added(h, RXS_EV_TIMER, obj);
	rxs__host_unlock(h);
}
