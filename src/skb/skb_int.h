/* skb_int.h - the skb pool, shared by the library's modules through host.h. */
#ifndef RXSIM_SKB_INT_H
#define RXSIM_SKB_INT_H

#include <pthread.h>
#include "rxsim/skb.h"

#define RXS_NET_SKB_PAD 64		/* NET_SKB_PAD on x86-64: headroom of an RX buffer */
#define RXS_SKB_SMALL_BUF 2048		/* buffer class of ordinary frames */
#define RXS_SKB_LARGE_BUF 65600		/* buffer class of jumbo and odd frames */

struct rxs_skb_stats {
	uint64_t consumed;			/* counted skbs consumed */
	uint64_t dropped;			/* counted skbs and frames dropped */
	uint64_t reasons[RXS_DROP_MAX];	/* dropped, by reason */
	uint64_t allocated;			/* every skb header handed out, clones included */
	uint64_t in_use;			/* headers not yet returned */
};

/* Called for every counted end of life (after counting, before the skb is recycled). */
typedef void (*rxs_skb_free_cb)(void *ctx, const struct rxs_sk_buff *skb,
				enum rxs_drop_reason reason);

struct rxs_skb_pool {
	struct rxs_sk_buff *free_skbs;
	struct rxs_skb_data *free_small;
	struct rxs_skb_data *free_large;
	struct rxs_skb_stats stats;
	rxs_skb_free_cb on_free;
	void *on_free_ctx;
	void *host;				/* back pointer for counters that need it */
	/* The threaded engine's host lock (recursive), taken by the free functions: an
	 * application thread frees the skbs it received outside the host. NULL otherwise. */
	pthread_mutex_t *lock;
};

int rxs__skb_pool_init(struct rxs_skb_pool *pool);
void rxs__skb_pool_destroy(struct rxs_skb_pool *pool);

/* An skb with room for @size bytes after RXS_NET_SKB_PAD of headroom, len 0; NULL on ENOMEM. */
struct rxs_sk_buff *rxs__skb_alloc(struct rxs_skb_pool *pool, unsigned int size);

/* Append @len bytes at the tail (skb_put); the caller checked the room. Returns where. */
static inline uint8_t *rxs__skb_put(struct rxs_sk_buff *skb, unsigned int len)
{
	uint8_t *p = rxs_skb_tail_pointer(skb);

	skb->tail += len;
	skb->len += len;
	return p;
}

/* rxs_skb_pull() and rxs_skb_trim(), inline for the receive path's every packet. */
static inline uint8_t *rxs__skb_pull(struct rxs_sk_buff *skb, unsigned int len)
{
	if (len > skb->len)
		return NULL;
	skb->len -= len;
	skb->data += len;
	return skb->data;
}

static inline void rxs__skb_trim(struct rxs_sk_buff *skb, unsigned int len)
{
	if (len < skb->len) {
		skb->len = len;
		skb->tail = (uint32_t)(skb->data - skb->head) + len;
	}
}

/* Count the end of a frame that never became an skb (a hardware drop). */
void rxs__skb_count_frame_drop(struct rxs_skb_pool *pool, enum rxs_drop_reason reason);

#endif /* RXSIM_SKB_INT_H */
