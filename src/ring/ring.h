/* ring/ring.h - the ring as the NIC driver uses it, inside the library (the public part is
 * rxsim/ring.h). */
#ifndef RXSIM_RING_RING_H
#define RXSIM_RING_RING_H

#include "rxsim/ring.h"

/* The public calls carry skbs; the driver's ring carries the buffers the NIC filled (the
 * poll builds the skbs around them, as napi_build_skb() does). Same ring, same rules. */
int rxs__ring_put(rxs_ring_t *ring, void *p);
/* On the producer's side: is there a free descriptor? Cheaper than rxs_ring_free(). */
bool rxs__ring_has_room(rxs_ring_t *ring);
/* On the producer's side: are fewer than @mark descriptors waiting for the poll? */
bool rxs__ring_below(rxs_ring_t *ring, unsigned int mark);
/* The next filled slot, or NULL. */
void *rxs__ring_take(rxs_ring_t *ring);
/* On the consumer's side: start loading the first lines of the filled slot @ahead after the
 * next one. */
void rxs__ring_prefetch(const rxs_ring_t *ring, unsigned int ahead);
/* Free the ring alone: the caller emptied it of what only it knows how to free. */
void rxs__ring_free(rxs_ring_t *ring);

#endif /* RXSIM_RING_RING_H */
