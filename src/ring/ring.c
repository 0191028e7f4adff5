/* ring.c - RX descriptor ring: a power-of-two array indexed by free-running counters.
 *
 * next_to_use counts descriptors the NIC filled, next_to_clean those the poll reaped, and
 * next_to_refill those given a fresh buffer again. The NIC may fill a descriptor only while
 * next_to_use - next_to_refill < size, so reaped-but-not-refilled descriptors are unusable,
 * exactly the window a real driver's batched refill leaves open.
 *
 * One producer (the NIC) and one consumer (the CPU whose NAPI polls the queue) share it,
 * and in the threaded engine they are different threads: a single-producer single-consumer
 * ring without a lock. The producer alone writes next_to_use, the consumer alone
 * next_to_clean and next_to_refill; each publishes its index with a release store after the
 * slots it covers, and reads the other's with an acquire load before touching them. On
 * x86-64 both are plain moves, so the virtual engine pays nothing for it.
 */
#include <errno.h>

#include "internal.h"
#include "rxsim/ring.h"
#include "ring/ring.h"

int rxs_ring_create(rxs_ring_t **ringp, unsigned int count)
{
	struct rxs_ring *r;

	*ringp = NULL;
	if (count < 2 || count > 65536 || (count & (count - 1)))
		return -EINVAL;
	r = rxs__calloc(1, sizeof(*r) + count * sizeof(r->slots[0]));
	if (!r)
		return -ENOMEM;
	r->size = count;
	r->mask = count - 1;
	*ringp = r;
	return 0;
}

void rxs__ring_free(rxs_ring_t *ring)
{
	rxs__free(ring);
}

void rxs_ring_destroy(rxs_ring_t *ring)
{
	struct rxs_sk_buff *skb;

	if (!ring)
		return;
	while (rxs_ring_dequeue_burst(ring, &skb, 1))
		rxs_kfree_skb_reason(skb, RXS_DROP_QUEUE_PURGE);
	rxs__free(ring);
}

bool rxs__ring_below(rxs_ring_t *r, unsigned int mark)
{
	unsigned int use = r->next_to_use;

	if (use - r->clean_seen < mark)
		return true;
	r->clean_seen = __atomic_load_n(&r->next_to_clean, __ATOMIC_RELAXED);
	return use - r->clean_seen < mark;
}

void rxs__ring_prefetch(const rxs_ring_t *r, unsigned int ahead)
{
	unsigned int clean = r->next_to_clean + ahead;
	const uint8_t *p;

	if ((int)(rxs__ring_load_acquire(&r->next_to_use) - clean) <= 0)
		return;
	p = r->slots[clean & r->mask];
	/* The driver's buffers: the descriptor's line, and the frame's first line after the
	 * headroom (struct rxs_skb_data, src/skb/skb.h). */
	__builtin_prefetch(p);
	__builtin_prefetch(p + 128);
}

int rxs_ring_enqueue(rxs_ring_t *r, struct rxs_sk_buff *skb)
{
	return rxs__ring_put(r, skb);
}

unsigned int rxs_ring_dequeue_burst(rxs_ring_t *r, struct rxs_sk_buff **out, unsigned int budget)
{
	unsigned int n = 0;
	void *p;

	while (n < budget && (p = rxs__ring_take(r)))
		out[n++] = p;
	return n;
}

unsigned int rxs_ring_refill(rxs_ring_t *r, bool force)
{
	return rxs__ring_refill(r, force);
}

unsigned int rxs_ring_count(const rxs_ring_t *r)
{
	return rxs__ring_count(r);
}

unsigned int rxs_ring_free(const rxs_ring_t *r)
{
	return r->size - (rxs__ring_load_acquire(&r->next_to_use) - rxs__ring_load_acquire(&r->next_to_refill));
}

unsigned int rxs_ring_size(const rxs_ring_t *r)
{
	return r->size;
}

bool rxs_ring_empty(const rxs_ring_t *r)
{
	return rxs_ring_count(r) == 0;
}

void rxs_ring_get_stats(const rxs_ring_t *r, struct rxs_ring_stats *stats)
{
	stats->enqueued = r->enqueued;
	stats->full = r->full;
	stats->dequeued = r->dequeued;
	stats->refills = r->refills;
}
