/* rxsim/ring.h - fixed-size RX descriptor ring between a NIC queue and its NAPI poller.
 *
 * The NIC DMAs a frame into the buffer of the next free descriptor; the poll reaps filled
 * descriptors oldest first and hands their buffers up as skbs. A reaped descriptor has no
 * buffer until the poll refills it, which drivers do in batches (every 16 descriptors, and
 * at the end of the poll): between those points the ring holds fewer free descriptors than
 * its size, as on a real NIC. A frame that finds no free descriptor is dropped by the NIC.
 */
#ifndef RXSIM_RING_H
#define RXSIM_RING_H

#include <stdbool.h>

#include "rxsim/export.h"
#include "rxsim/skb.h"

#define RXS_RING_REFILL_BATCH 16

typedef struct rxs_ring rxs_ring_t;

struct rxs_ring_stats {
	unsigned long enqueued;
	unsigned long dequeued;
	unsigned long full;		/* enqueue refused; shows as rx_missed_errors */
	unsigned long refills;		/* refill batches written to the NIC */
};

/* Create an empty ring of @count descriptors (a power of two, 2..65536). 0 or -EINVAL/-ENOMEM. */
RXS_API int rxs_ring_create(rxs_ring_t **ringp, unsigned int count);

/* Drop every queued skb with RXS_DROP_QUEUE_PURGE, then free @ring. NULL is a no-op. */
RXS_API void rxs_ring_destroy(rxs_ring_t *ring);

/* Queue @skb in the next free descriptor. 0: the ring owns it. -ENOBUFS: no free descriptor,
 * the caller still owns it. */
RXS_API int rxs_ring_enqueue(rxs_ring_t *ring, struct rxs_sk_buff *skb);

/* Move up to @budget filled descriptors' skbs into @out, oldest first; the caller owns them.
 * Their descriptors wait for a refill. Returns how many. */
RXS_API unsigned int rxs_ring_dequeue_burst(rxs_ring_t *ring, struct rxs_sk_buff **out,
					    unsigned int budget);

/* Give reaped descriptors new buffers: all of them when @force, else only whole batches of
 * RXS_RING_REFILL_BATCH. Returns how many were refilled. */
RXS_API unsigned int rxs_ring_refill(rxs_ring_t *ring, bool force);

/* Filled descriptors waiting for the poll. */
RXS_API unsigned int rxs_ring_count(const rxs_ring_t *ring);

/* Descriptors the NIC may fill now. */
RXS_API unsigned int rxs_ring_free(const rxs_ring_t *ring);

/* Descriptors in the ring (its size). */
RXS_API unsigned int rxs_ring_size(const rxs_ring_t *ring);
/* True when no filled descriptor waits for the poll. */
RXS_API bool rxs_ring_empty(const rxs_ring_t *ring);
/* Copy @ring's counters into @stats. */
RXS_API void rxs_ring_get_stats(const rxs_ring_t *ring, struct rxs_ring_stats *stats);

#endif /* RXSIM_RING_H */
