/* nic.h - what the NIC (traffic's arrival, MAC filter, RSS, DMA, IRQs) offers the modules
 * above it, and its state of a host (struct rxs_netns_nic, the host's h->nic). The device
 * itself is netdevice/netdevice.h's; the public part is rxsim/nic.h.
 */
#ifndef RXSIM_NIC_NIC_H
#define RXSIM_NIC_NIC_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "netdevice/netdevice.h"
#include "rxsim/frame.h"
#include "rxsim/nic.h"
#include "rxsim/sim.h"
#include "skb/skb.h"
#include "softirq/softirq.h"

struct rxs_host;
struct rxs_ring;

/* One RX queue of a NIC: descriptor ring (generic driver), its NAPI and IRQ. */
struct rxs_rx_queue {
	struct rxs_netdev *dev;
	unsigned int index;
	unsigned int cpu;			/* CPU its IRQ is bound to */
	struct rxs_ring *ring;			/* NULL for veth */
	struct rxs_napi napi;
	bool irq_masked;			/* between the IRQ and napi_complete */
	bool irq_timer_armed;			/* coalescing timer pending */
	uint32_t irq_pending_frames;		/* frames since the last interrupt */
	struct rxs_nic_stats stats;
	uint64_t max_ring_fill;
	uint64_t irq_timer_due;			/* when the armed coalescing timer fires */
	uint64_t *irqs;				/* hard IRQs taken, by CPU (/proc/interrupts) */
	struct rxs_gro gro;
	struct rxs_rx_queue *irq_next;		/* threaded: in its CPU's mailbox */
	/* The NIC side: the ring's producer, the interrupt state and the NIC's counters */
	struct rxs_lock lock;
	char pad[RXS_CACHE_LINE];		/* see RXS_CACHE_LINE */
};

/* The NICs' state of a host: the frames they were offered, and who hears of a frame
 * dropped before an skb existed (rxs_host_set_frame_drop_cb). */
struct rxs_netns_nic {
	uint64_t offered;
	rxs_frame_drop_fn frame_drop_cb;	/* frames dropped before an skb existed */
	uint64_t frame_drop_id;		/* the id of the frame it is told of */
	void *frame_drop_ctx;
	struct rxs_lock frame_drop_lock;	/* the callback runs one at a time */
};

/* ---- nic ---- */
int rxs__netdev_init(struct rxs_host *h, struct rxs_netdev *dev, const struct rxs_nic_config *cfg,
		     unsigned int ifindex);
void rxs__netdev_destroy(struct rxs_netdev *dev);
/* Where a frame goes as it reaches a NIC: its RSS queue and hash, or no queue when the NIC
 * drops it first (a bad length, not for our MAC). */
struct rxs_nic_class {
	uint32_t hash;
	int queue;			/* -1: dropped before a queue */
	uint8_t pkt_type;
	bool bad_len;
};
void rxs__nic_classify(const struct rxs_netdev *dev, const struct rxs_frame *f,
		       struct rxs_nic_class *c);
/* The frame @f, classified as @c, reaches the NIC at @t as packet @id: MAC filter, DMA or
 * netif_rx. Counts its fate, except in h->offered, and returns 0; with @pause (Ethernet
 * flow control: the threaded engine at top speed) a frame whose ring is deep is refused,
 * -EAGAIN, and nothing is counted. The threaded engine holds the queue's lock. */
int rxs__nic_receive_class(struct rxs_netdev *dev, const struct rxs_frame *f,
			   const struct rxs_nic_class *c, uint64_t t, bool pause, uint64_t id);
/* The virtual engine's arrival: classified, counted in h->offered, received. */
/* @id: RXS_FRAME_ID() of the frame (include/rxsim/skb.h). */
void rxs__nic_receive(struct rxs_netdev *dev, const struct rxs_frame *f, uint64_t t, uint64_t id);
/* The CPU's half of a hard IRQ of @rxq: counted on its CPU, NAPI scheduled there. */
void rxs__nic_hard_irq_cpu(struct rxs_rx_queue *rxq, uint64_t t);
uint32_t rxs__nic_queued(const struct rxs_netdev *dev);

/* ---- RSS (src/nic/rss.c) ---- */
/* From now on rxs_source_next() on @src leaves the capture's checksums (the `checksums:`
 * test and repair, and their counts) of each frame to rxs__source_csum(), which a reader
 * that replays only some of the frames calls on those, before the next read: the others
 * never pay for it. */
void rxs__source_defer_csum(rxs_source_t *src);
void rxs__source_csum(rxs_source_t *src, struct rxs_frame *f);

/* Tabulate @dev's Toeplitz key and build its indirection table. 0 or -ENOMEM. */
int rxs__rss_init(struct rxs_netdev *dev);
void rxs__rss_destroy(struct rxs_netdev *dev);
/* The hash @dev's hardware computes for @frame (0: not IP), as the driver sets skb->hash:
 * the fields drivers hash by default, 4-tuple for TCP, 2-tuple for UDP (Intel's default;
 * rss.udp_4tuple gives sdfn) and other IP and IPv4 fragments, nothing for non-IP. */
static inline uint32_t rxs__rss_hash(const struct rxs_netdev *dev, const uint8_t *frame,
				     uint32_t len)
{
	return rxs__flow_hash_tab(dev->rss_tab, frame, len, dev->cfg.rss_udp_4tuple);
}

/* The RX queue of @hash: indir[hash % size]. */
static inline unsigned int rxs__rss_queue(const struct rxs_netdev *dev, uint32_t hash)
{
	/* A mask instead of a division by a variable, for every frame, when the size allows. */
	if (dev->rss_indir_mask)
		return dev->rss_indir[hash & dev->rss_indir_mask];
	return dev->rss_indir[hash % dev->rss_indir_size];
}

#endif /* RXSIM_NIC_NIC_H */
