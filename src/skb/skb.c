/* skb.c - sk_buff pool, clone, and the two ways an skb's life ends.
 *
 * Headers and data buffers are kept on free lists once allocated, so a run in steady state
 * does no malloc per packet. A data buffer carries a reference count (the kernel's
 * shinfo->dataref): clones made for taps share it, and it returns to its free list when the
 * last header that points at it goes.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "skb/skb_int.h"

struct rxs_skb_data {
	struct rxs_skb_data *next;	/* free list */
	uint32_t dataref;
	uint32_t size;
	uint8_t bytes[];
};

static const char *const drop_names[RXS_DROP_MAX] = {
	[RXS_DROP_NOT_DROPPED_YET] = "NOT_DROPPED_YET",
	[RXS_DROP_CONSUMED] = "CONSUMED",
#define XX(name) [RXS_DROP_##name] = #name,
	RXS_DROP_REASON_MAP(XX)
#undef XX
};

const char *rxs_drop_reason_name(enum rxs_drop_reason reason)
{
	if ((unsigned int)reason >= RXS_DROP_MAX)
		return "UNKNOWN";
	return drop_names[reason];
}

int rxs__skb_pool_init(struct rxs_skb_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
	return 0;
}

static void free_data_list(struct rxs_skb_data *d)
{
	while (d) {
		struct rxs_skb_data *next = d->next;

		rxs__free(d);
		d = next;
	}
}

void rxs__skb_pool_destroy(struct rxs_skb_pool *pool)
{
	struct rxs_sk_buff *skb = pool->free_skbs;

	while (skb) {
		struct rxs_sk_buff *next = skb->next;

		rxs__free(skb);
		skb = next;
	}
	free_data_list(pool->free_small);
	free_data_list(pool->free_large);
	pool->free_skbs = NULL;
	pool->free_small = pool->free_large = NULL;
}

static struct rxs_skb_data *data_get(struct rxs_skb_pool *pool, unsigned int need)
{
	struct rxs_skb_data **list;
	struct rxs_skb_data *d;
	uint32_t size;

	if (need <= RXS_SKB_SMALL_BUF) {
		list = &pool->free_small;
		size = RXS_SKB_SMALL_BUF;
	} else if (need <= RXS_SKB_LARGE_BUF) {
		list = &pool->free_large;
		size = RXS_SKB_LARGE_BUF;
	} else {
		return NULL;
	}
	d = *list;
	if (d) {
		*list = d->next;
	} else {
		d = rxs__malloc(sizeof(*d) + size);
		if (!d)
			return NULL;
		d->size = size;
	}
	d->next = NULL;
	d->dataref = 1;
	return d;
}

static void data_put(struct rxs_skb_pool *pool, struct rxs_skb_data *d)
{
	struct rxs_skb_data **list;

	if (--d->dataref)
		return;
	list = d->size == RXS_SKB_SMALL_BUF ? &pool->free_small : &pool->free_large;
	d->next = *list;
	*list = d;
}

static struct rxs_sk_buff *header_get(struct rxs_skb_pool *pool)
{
	struct rxs_sk_buff *skb = pool->free_skbs;

	if (skb)
		pool->free_skbs = skb->next;
	else
		skb = rxs__malloc(sizeof(*skb));
	if (!skb)
		return NULL;
	memset(skb, 0, offsetof(struct rxs_sk_buff, cb));
	skb->pool = pool;
	skb->shared = NULL;
	skb->counted = false;
	skb->cloned = false;
	skb->mac_header = skb->network_header = skb->transport_header = 0xffff;
	pool->stats.allocated++;
	pool->stats.in_use++;
	return skb;
}

struct rxs_sk_buff *rxs__skb_alloc(struct rxs_skb_pool *pool, unsigned int size)
{
	struct rxs_sk_buff *skb;
	struct rxs_skb_data *d;

	if (size > RXS_SKB_LARGE_BUF - RXS_NET_SKB_PAD)
		return NULL;
	d = data_get(pool, size + RXS_NET_SKB_PAD);
	if (!d)
		return NULL;
	skb = header_get(pool);
	if (!skb) {
		data_put(pool, d);
		return NULL;
	}
	skb->shared = d;
	skb->head = d->bytes;
	skb->data = d->bytes + RXS_NET_SKB_PAD;
	skb->tail = RXS_NET_SKB_PAD;
	skb->end = d->size;
	return skb;
}

uint8_t *rxs_skb_pull(struct rxs_sk_buff *skb, unsigned int len)
{
	return rxs__skb_pull(skb, len);
}

uint8_t *rxs_skb_push(struct rxs_sk_buff *skb, unsigned int len)
{
	if (len > rxs_skb_headroom(skb))
		return NULL;
	skb->len += len;
	skb->data -= len;
	return skb->data;
}

void rxs_skb_trim(struct rxs_sk_buff *skb, unsigned int len)
{
	rxs__skb_trim(skb, len);
}

struct rxs_sk_buff *rxs_skb_clone(struct rxs_sk_buff *skb)
{
	struct rxs_sk_buff *n = header_get(skb->pool);

	if (!n)
		return NULL;
	memcpy(n, skb, sizeof(*n));
	n->next = NULL;
	n->counted = false;
	n->cloned = skb->cloned = true;
	n->shared->dataref++;
	return n;
}

static void skb_release(struct rxs_sk_buff *skb)
{
	struct rxs_skb_pool *pool = skb->pool;

	if (skb->shared)
		data_put(pool, skb->shared);
	pool->stats.in_use--;
	skb->next = pool->free_skbs;
	pool->free_skbs = skb;
}

static inline void pool_lock(struct rxs_skb_pool *pool)
{
	if (unlikely(pool->lock))
		pthread_mutex_lock(pool->lock);
}

static inline void pool_unlock(struct rxs_skb_pool *pool)
{
	if (unlikely(pool->lock))
		pthread_mutex_unlock(pool->lock);
}

void rxs_consume_skb(struct rxs_sk_buff *skb)
{
	struct rxs_skb_pool *pool;

	if (!skb)
		return;
	pool = skb->pool;
	pool_lock(pool);
	if (skb->counted) {
		pool->stats.consumed++;
		if (pool->on_free)
			pool->on_free(pool->on_free_ctx, skb, RXS_DROP_CONSUMED);
	}
	skb_release(skb);
	pool_unlock(pool);
}

void rxs_kfree_skb_reason(struct rxs_sk_buff *skb, enum rxs_drop_reason reason)
{
	struct rxs_skb_pool *pool;

	if (!skb)
		return;
	if ((unsigned int)reason >= RXS_DROP_MAX || reason <= RXS_DROP_CONSUMED)
		reason = RXS_DROP_NOT_SPECIFIED;
	pool = skb->pool;
	pool_lock(pool);
	if (skb->counted) {
		pool->stats.dropped++;
		pool->stats.reasons[reason]++;
		if (pool->on_free)
			pool->on_free(pool->on_free_ctx, skb, reason);
	}
	skb_release(skb);
	pool_unlock(pool);
}

void rxs__skb_count_frame_drop(struct rxs_skb_pool *pool, enum rxs_drop_reason reason)
{
	pool->stats.dropped++;
	pool->stats.reasons[reason]++;
}
