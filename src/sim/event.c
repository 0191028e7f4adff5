/* event.c - the engines' timer queue: a binary min-heap on (time, seq), and a front slot.
 *
 * Every event is a timer, a function and its object: a CPU's softirq, a queue's
 * coalescing timer, an application's wake-up, the sampler, a delayed ACK, the kernel's
 * timers. seq is the insertion order, so events due at the same nanosecond run first-in
 * first-out and a run is deterministic however the heap reorders equal keys. Jiffies are
 * derived from virtual time with the host's HZ, so net_rx_action's time limit falls on the
 * same tick boundaries as on a kernel with that HZ.
 *
 * Most timers are a softirq raised for now and run next, while the kernel's timers wait
 * seconds ahead (a SYN flood's request socks): through the heap, each would climb to the
 * root and its pop sift the last leaf back down, about 100 instructions a softirq with 129
 * timers queued. A timer earlier than all others waits in the front slot instead, out of
 * the heap; one that comes before it pushes it into the heap. The order of the runs is the
 * heap's, (time, seq), exactly.
 */
#include <errno.h>

#include "host.h"
#include "internal.h"
#include "sim/sim_int.h"

static bool ev_less(const struct rxs_event *a, const struct rxs_event *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static int heap_push(struct rxs_host *h, const struct rxs_event *ev)
{
	size_t i;

	if (h->sim->nevents == h->sim->events_cap) {
		size_t cap = h->sim->events_cap ? h->sim->events_cap * 2 : 64;
		struct rxs_event *n = rxs__realloc(h->sim->events, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		h->sim->events = n;
		h->sim->events_cap = cap;
	}
	i = h->sim->nevents++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!ev_less(ev, &h->sim->events[parent]))
			break;
		h->sim->events[i] = h->sim->events[parent];
		i = parent;
	}
	h->sim->events[i] = *ev;
	return 0;
}

bool rxs__event_pop(struct rxs_host *h, struct rxs_event *out)
{
	struct rxs_event last;
	size_t i = 0, n;

	if (h->sim->has_front) {
		*out = h->sim->front;
		h->sim->has_front = false;
		return true;
	}
	if (!h->sim->nevents)
		return false;
	*out = h->sim->events[0];
	last = h->sim->events[--h->sim->nevents];
	n = h->sim->nevents;
	while (2 * i + 1 < n) {
		size_t c = 2 * i + 1;

		if (c + 1 < n && ev_less(&h->sim->events[c + 1], &h->sim->events[c]))
			c++;
		if (!ev_less(&h->sim->events[c], &last))
			break;
		h->sim->events[i] = h->sim->events[c];
		i = c;
	}
	if (n)
		h->sim->events[i] = last;
	return true;
}

void rxs__event_push(struct rxs_host *h, uint64_t time, rxs_timer_fn fn, void *obj,
		     unsigned int flags)
{
	struct rxs_sim *sim = h->sim;
	struct rxs_event ev = { .time = time, .seq = sim->event_seq++, .fn = fn, .obj = obj,
				.flags = flags };
	const struct rxs_event *in = &ev;

	if (!sim->has_front) {
		if (!sim->nevents || ev_less(&ev, &sim->events[0])) {
			sim->front = ev;
			sim->has_front = true;
			return;
		}
	} else if (ev_less(&ev, &sim->front)) {
		struct rxs_event old = sim->front;

		sim->front = ev;
		ev = old;	/* earlier than everything in the heap: it goes there now */
	}
	/* Running out of memory for events would silently stall the path: stop the run. */
	if (heap_push(h, in))
		rxs__host_fail(h, -ENOMEM, "out of memory for events");
}
