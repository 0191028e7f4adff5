/* ring.c - RX descriptor ring: a power-of-two array indexed by free-running counters.
 *
 * next_to_use counts descriptors the NIC filled, next_to_clean those the poll reaped, and
 * next_to_refill those given a fresh buffer again. The NIC may fill a descriptor only while
 * next_to_use - next_to_refill < size, so reaped-but-not-refilled descriptors are unusable,
 * exactly the window a real driver's batched refill leaves open.
 */
#include <errno.h>

#include "internal.h"
#include "rxsim/ring.h"

struct rxs_ring {
	unsigned int size;
	unsigned int mask;
	unsigned int next_to_use;
	unsigned int next_to_clean;
	unsigned int next_to_refill;
	struct rxs_ring_stats stats;
	struct rxs_sk_buff *slots[];
};

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

void rxs_ring_destroy(rxs_ring_t *ring)
{
	struct rxs_sk_buff *skb;

	if (!ring)
		return;
	while (rxs_ring_dequeue_burst(ring, &skb, 1))
		rxs_kfree_skb_reason(skb, RXS_DROP_QUEUE_PURGE);
	rxs__free(ring);
}

int rxs_ring_enqueue(rxs_ring_t *r, struct rxs_sk_buff *skb)
{
	if (r->next_to_use - r->next_to_refill >= r->size) {
		r->stats.full++;
		return -ENOBUFS;
	}
	r->slots[r->next_to_use++ & r->mask] = skb;
	r->stats.enqueued++;
	return 0;
}

unsigned int rxs_ring_dequeue_burst(rxs_ring_t *r, struct rxs_sk_buff **out, unsigned int budget)
{
	unsigned int n = 0;

	while (n < budget && r->next_to_clean != r->next_to_use) {
		unsigned int i = r->next_to_clean++ & r->mask;

		out[n++] = r->slots[i];
		r->slots[i] = NULL;
	}
	r->stats.dequeued += n;
	return n;
}

unsigned int rxs_ring_refill(rxs_ring_t *r, bool force)
{
	unsigned int reaped = r->next_to_clean - r->next_to_refill;
	unsigned int n = force ? reaped : reaped - reaped % RXS_RING_REFILL_BATCH;

	if (n) {
		r->next_to_refill += n;
		r->stats.refills++;
	}
	return n;
}

unsigned int rxs_ring_count(const rxs_ring_t *r)
{
	return r->next_to_use - r->next_to_clean;
}

unsigned int rxs_ring_free(const rxs_ring_t *r)
{
	return r->size - (r->next_to_use - r->next_to_refill);
}

unsigned int rxs_ring_size(const rxs_ring_t *r)
{
	return r->size;
}

bool rxs_ring_empty(const rxs_ring_t *r)
{
	return r->next_to_use == r->next_to_clean;
}

void rxs_ring_get_stats(const rxs_ring_t *r, struct rxs_ring_stats *stats)
{
	*stats = r->stats;
}
