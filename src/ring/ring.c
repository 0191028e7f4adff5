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

/* The producer's and the consumer's fields are a cache line apart, so the two threads do not
 * bounce one line between them on every frame. */
struct rxs_ring {
	unsigned int size;
	unsigned int mask;
	char pad0[56];
	unsigned int next_to_use;		/* producer */
	unsigned int refill_seen;		/* producer's last look at next_to_refill */
	unsigned int clean_seen;		/* and at next_to_clean */
	unsigned long enqueued, full;
	char pad1[32];
	unsigned int next_to_clean;		/* consumer */
	unsigned int next_to_refill;
	unsigned long dequeued, refills;
	char pad2[40];
	void *slots[];			/* skbs, or the NIC's filled buffers */
};

/* The other side's index, and everything it published before it. */
static inline unsigned int load_acquire(const unsigned int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void store_release(unsigned int *p, unsigned int v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

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

/* Room for one more, looking at the consumer's index only when the last look said full:
 * the producer does not pull the consumer's cache line over for every frame. */
static bool put_room(rxs_ring_t *r, unsigned int use)
{
	if (use - r->refill_seen < r->size)
		return true;
	r->refill_seen = load_acquire(&r->next_to_refill);
	return use - r->refill_seen < r->size;
}

bool rxs__ring_has_room(rxs_ring_t *r)
{
	return put_room(r, r->next_to_use);
}

bool rxs__ring_below(rxs_ring_t *r, unsigned int mark)
{
	unsigned int use = r->next_to_use;

	if (use - r->clean_seen < mark)
		return true;
	r->clean_seen = __atomic_load_n(&r->next_to_clean, __ATOMIC_RELAXED);
	return use - r->clean_seen < mark;
}

int rxs__ring_put(rxs_ring_t *r, void *p)
{
	unsigned int use = r->next_to_use;

	if (!put_room(r, use)) {
		r->full++;
		return -ENOBUFS;
	}
	r->slots[use & r->mask] = p;
	store_release(&r->next_to_use, use + 1);
	r->enqueued++;
	return 0;
}

void *rxs__ring_take(rxs_ring_t *r)
{
	unsigned int clean = r->next_to_clean;
	void *p;

	if (clean == load_acquire(&r->next_to_use))
		return NULL;
	p = r->slots[clean & r->mask];
	r->slots[clean & r->mask] = NULL;
	/* The producer reads it only for a count (rxs_ring_count): no ordering needed. */
	__atomic_store_n(&r->next_to_clean, clean + 1, __ATOMIC_RELAXED);
	r->dequeued++;
	return p;
}

void rxs__ring_prefetch(const rxs_ring_t *r, unsigned int ahead)
{
	unsigned int clean = r->next_to_clean + ahead;
	const uint8_t *p;

	if ((int)(load_acquire(&r->next_to_use) - clean) <= 0)
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
	unsigned int reaped = r->next_to_clean - r->next_to_refill;
	unsigned int n = force ? reaped : reaped - reaped % RXS_RING_REFILL_BATCH;

	if (n) {
		store_release(&r->next_to_refill, r->next_to_refill + n);
		r->refills++;
	}
	return n;
}

/* Exact on the consumer's side; on the producer's, a count that can only be too high
 * (the consumer may have reaped more since). */
unsigned int rxs_ring_count(const rxs_ring_t *r)
{
	return load_acquire(&r->next_to_use) - __atomic_load_n(&r->next_to_clean,
								 __ATOMIC_RELAXED);
}

unsigned int rxs_ring_free(const rxs_ring_t *r)
{
	return r->size - (load_acquire(&r->next_to_use) - load_acquire(&r->next_to_refill));
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
