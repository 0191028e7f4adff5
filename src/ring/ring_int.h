/* ring_int.h - the ring as the NIC driver uses it, inside the library. */
#ifndef RXSIM_RING_INT_H
#define RXSIM_RING_INT_H

#include "rxsim/ring.h"

/* The public calls carry skbs; the driver's ring carries the buffers the NIC filled (the
 * poll builds the skbs around them, as napi_build_skb() does). Same ring, same rules. */
int rxs__ring_put(rxs_ring_t *ring, void *p);
/* The next filled slot, or NULL. */
void *rxs__ring_take(rxs_ring_t *ring);
/* Free the ring alone: the caller emptied it of what only it knows how to free. */
void rxs__ring_free(rxs_ring_t *ring);

#endif /* RXSIM_RING_INT_H */
