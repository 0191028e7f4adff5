/* ring/ring.h - the ring as the NIC driver uses it, inside the library (the public part is
 * rxsim/ring.h). */
#ifndef RXSIM_RING_RING_H
#define RXSIM_RING_RING_H

#include <errno.h>

#include "rxsim/ring.h"

/* On the producer's side: are fewer than @mark descriptors waiting for the poll? */
bool rxs__ring_below(rxs_ring_t *ring, unsigned int mark);
/* On the consumer's side: start loading the first lines of the filled slot @ahead after the
 * next one. */
void rxs__ring_prefetch(const rxs_ring_t *ring, unsigned int ahead);
/* Free the ring alone: the caller emptied it of what only it knows how to free. */
void rxs__ring_free(rxs_ring_t *ring);

/* The driver's side of the ring is a few loads and stores a frame: inline, so the NIC and
 * the poll do not pay a call for each. The producer's and the consumer's fields are a cache
 * line apart, so the two threads do not bounce one line between them on every frame. */
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
static inline unsigned int rxs__ring_load_acquire(const unsigned int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void rxs__ring_store_release(unsigned int *p, unsigned int v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Room for one more, looking at the consumer's index only when the last look said full:
 * the producer does not pull the consumer's cache line over for every frame. */
static inline bool rxs__ring_put_room(rxs_ring_t *r, unsigned int use)
{
	if (use - r->refill_seen < r->size)
		return true;
	r->refill_seen = rxs__ring_load_acquire(&r->next_to_refill);
	return use - r->refill_seen < r->size;
}

/* On the producer's side: is there a free descriptor? Cheaper than rxs_ring_free(). */
static inline bool rxs__ring_has_room(rxs_ring_t *r)
{
	return rxs__ring_put_room(r, r->next_to_use);
}

/* Put @p where rxs__ring_has_room() just said there is room: only the consumer moves
 * meanwhile, and it only makes more. */
static inline void rxs__ring_put_room_known(rxs_ring_t *r, void *p)
{
	unsigned int use = r->next_to_use;

	r->slots[use & r->mask] = p;
	rxs__ring_store_release(&r->next_to_use, use + 1);
	r->enqueued++;
}

/* The public calls carry skbs; the driver's ring carries the buffers the NIC filled (the
 * poll builds the skbs around them, as napi_build_skb() does). Same ring, same rules. */
static inline int rxs__ring_put(rxs_ring_t *r, void *p)
{
	if (!rxs__ring_put_room(r, r->next_to_use)) {
		r->full++;
		return -ENOBUFS;
	}
	rxs__ring_put_room_known(r, p);
	return 0;
}

/* The next filled slot, or NULL. */
static inline void *rxs__ring_take(rxs_ring_t *r)
{
	unsigned int clean = r->next_to_clean;
	void *p;

	if (clean == rxs__ring_load_acquire(&r->next_to_use))
		return NULL;
	p = r->slots[clean & r->mask];
	r->slots[clean & r->mask] = NULL;
	/* The producer reads it only for a count (rxs_ring_count): no ordering needed. */
	__atomic_store_n(&r->next_to_clean, clean + 1, __ATOMIC_RELAXED);
	r->dequeued++;
	return p;
}

/* rxs_ring_refill(), inline for the poll. */
static inline unsigned int rxs__ring_refill(rxs_ring_t *r, bool force)
{
	unsigned int reaped = r->next_to_clean - r->next_to_refill;
	unsigned int n = force ? reaped : reaped - reaped % RXS_RING_REFILL_BATCH;

	if (n) {
		rxs__ring_store_release(&r->next_to_refill, r->next_to_refill + n);
		r->refills++;
	}
	return n;
}

/* rxs_ring_count(), inline for the driver: exact on the consumer's side; on the producer's,
 * a count that can only be too high (the consumer may have reaped more since). */
static inline unsigned int rxs__ring_count(const rxs_ring_t *r)
{
	return rxs__ring_load_acquire(&r->next_to_use) -
	       __atomic_load_n(&r->next_to_clean, __ATOMIC_RELAXED);
}

#endif /* RXSIM_RING_RING_H */
