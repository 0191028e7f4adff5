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
#include "skb/skb.h"

_Thread_local struct rxs_skb_pool *rxs__this_pool;

/* Lock-free stack push onto a remote list; the owner takes the whole list at once, so a
 * node never comes back while a push still looks at it (no ABA). */
#define REMOTE_PUSH(headp, node)                                                            \
	do {                                                                                 \
		__typeof__(node) old_ = __atomic_load_n((headp), __ATOMIC_RELAXED);          \
		do {                                                                         \
			(node)->next = old_;                                                 \
		} while (!__atomic_compare_exchange_n((headp), &old_, (node), true,          \
						      __ATOMIC_RELEASE, __ATOMIC_RELAXED));  \
	} while (0)

#define REMOTE_TAKE(headp) __atomic_exchange_n((headp), NULL, __ATOMIC_ACQUIRE)

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

		rxs__free(d->raw);
		d = next;
	}
}

void rxs__skb_pool_init_mt(struct rxs_skb_pool *pool, struct rxs_skb_pool *home,
			   const struct rxs_lock *lock)
{
	if (pool != home)
		memset(pool, 0, sizeof(*pool));
	pool->host = home->host;
	pool->cpus = home->cpus;
	pool->home = home;
	pool->lock = *lock;
	pool->mt = true;
}

static void free_skb_list(struct rxs_sk_buff *skb)
{
	while (skb) {
		struct rxs_sk_buff *next = skb->next;

		rxs__free(skb);
		skb = next;
	}
}

void rxs__skb_pool_destroy(struct rxs_skb_pool *pool)
{
	free_skb_list(pool->free_skbs);
	free_skb_list(pool->remote_skbs);
	free_data_list(pool->free_small);
	free_data_list(pool->free_large);
	free_data_list(pool->remote_small);
	free_data_list(pool->remote_large);
	pool->free_skbs = pool->remote_skbs = NULL;
	pool->free_small = pool->free_large = NULL;
	pool->remote_small = pool->remote_large = NULL;
}

void rxs__skb_stats_add(struct rxs_skb_stats *sum, const struct rxs_skb_pool *pool)
{
	const struct rxs_skb_stats *st = &pool->stats;

	sum->consumed += st->consumed;
	sum->dropped += st->dropped;
	sum->allocated += st->allocated;
	sum->in_use += st->in_use;	/* may wrap per pool; the sum is right */
	for (unsigned int r = 0; r < RXS_DROP_MAX; r++)
		sum->reasons[r] += st->reasons[r];
	for (unsigned int c = 0; c < RXS_PKT_CLASS_MAX; c++) {
		sum->ended[c] += st->ended[c];
		for (unsigned int r = 0; r < RXS_DROP_MAX; r++)
			sum->by_class[c][r] += st->by_class[c][r];
	}
}

/* The class of @skb from its ethertype and network header (enum rxs_pkt_class). */
static enum rxs_pkt_class pkt_class(const struct rxs_sk_buff *skb)
{
	const uint8_t *nh = skb->head + skb->network_header;
	bool v6 = skb->protocol == 0x86dd;
	unsigned int need = v6 ? 40 : 20;
	int l4;

	if (skb->protocol == 0x0806)
		return RXS_PKT_ARP;
	if (skb->protocol != 0x0800 && !v6)
		return RXS_PKT_L2;
	/* A header not yet reached or cut short: the drop is IP's own. */
	if (skb->network_header == 0xffff || skb->network_header + need > skb->tail)
		return v6 ? RXS_PKT_IPV6 : RXS_PKT_IPV4;
	l4 = v6 ? nh[6] : nh[9];
	if (l4 == 17)
		return v6 ? RXS_PKT_UDP6 : RXS_PKT_UDP4;
	if (l4 == 6)
		return v6 ? RXS_PKT_TCP6 : RXS_PKT_TCP4;
	if (l4 == (v6 ? 58 : 1))
		return v6 ? RXS_PKT_ICMP6 : RXS_PKT_ICMP4;
	return v6 ? RXS_PKT_IPV6 : RXS_PKT_IPV4;
}

/* The pool an allocation for @any's host comes from on this thread. */
static struct rxs_skb_pool *alloc_pool(struct rxs_skb_pool *any)
{
	return likely(!any->mt) ? any : rxs__pool_of(any->home);
}

static struct rxs_skb_data *data_get(struct rxs_skb_pool *pool, unsigned int need)
{
	struct rxs_skb_data **list, **remote;
	struct rxs_skb_data *d;
	uint32_t size;

	if (need <= RXS_SKB_SMALL_BUF) {
		list = &pool->free_small;
		remote = &pool->remote_small;
		size = RXS_SKB_SMALL_BUF;
	} else if (need <= RXS_SKB_LARGE_BUF) {
		list = &pool->free_large;
		remote = &pool->remote_large;
		size = RXS_SKB_LARGE_BUF;
	} else {
		return NULL;
	}
	d = *list;
	if (!d && pool->mt)
		d = REMOTE_TAKE(remote);
	if (d) {
		*list = d->next;
		/* The next one was freed on another CPU, likely: start pulling it over now. */
		if (*list)
			__builtin_prefetch(*list, 1);
	} else {
		void *raw = rxs__malloc(sizeof(*d) + size + 63);

		if (!raw)
			return NULL;
		d = (struct rxs_skb_data *)(((uintptr_t)raw + 63) & ~(uintptr_t)63);
		d->raw = raw;
		d->size = size;
		d->pool = pool;
	}
	d->next = NULL;
	d->dataref = 1;
	return d;
}

/* Buffers of another pool that a thread of the threaded engine freed go back in chains of
 * RXS_SKB_BATCH, one compare-and-swap for all, rather than one each. */
#define RXS_SKB_BATCH 64

void rxs__skb_pool_flush(struct rxs_skb_pool *me)
{
	struct rxs_skb_pool *to = me->batch_pool;
	struct rxs_skb_data *old;

	if (!to)
		return;
	old = __atomic_load_n(&to->remote_small, __ATOMIC_RELAXED);
	do {
		me->batch_tail->next = old;
	} while (!__atomic_compare_exchange_n(&to->remote_small, &old, me->batch_head, true,
					      __ATOMIC_RELEASE, __ATOMIC_RELAXED));
	me->batch_pool = NULL;
	me->batch_head = me->batch_tail = NULL;
	me->batch_n = 0;
}

static void batch_add(struct rxs_skb_pool *me, struct rxs_skb_data *d)
{
	if (me->batch_pool != d->pool)
		rxs__skb_pool_flush(me);
	d->next = me->batch_head;
	me->batch_head = d;
	if (!me->batch_tail)
		me->batch_tail = d;
	me->batch_pool = d->pool;
	if (++me->batch_n >= RXS_SKB_BATCH)
		rxs__skb_pool_flush(me);
}

/* Drop a reference to @d; the last one returns it to its pool, on the free list when
 * @owner (the pool this thread may touch without a lock, or NULL) is its pool, else on the
 * remote list. */
static inline void data_put(struct rxs_skb_data *d, struct rxs_skb_pool *owner)
{
	struct rxs_skb_pool *pool = d->pool;
	bool small = d->size == RXS_SKB_SMALL_BUF;

	if (likely(!pool->mt)) {
		if (--d->dataref)
			return;
	} else if (__atomic_load_n(&d->dataref, __ATOMIC_ACQUIRE) != 1 &&
		   __atomic_sub_fetch(&d->dataref, 1, __ATOMIC_ACQ_REL)) {
		/* A sole reference needs no atomic: nobody else can take one meanwhile. */
		return;
	}
	if (pool == owner || !pool->mt) {
		struct rxs_skb_data **list = small ? &pool->free_small : &pool->free_large;

		d->next = *list;
		*list = d;
	} else if (small && owner && owner != owner->home) {
		batch_add(owner, d);
	} else if (small) {
		REMOTE_PUSH(&pool->remote_small, d);
	} else {
		REMOTE_PUSH(&pool->remote_large, d);
	}
}

static RXS_ALWAYS_INLINE struct rxs_sk_buff *header_get(struct rxs_skb_pool *pool)
{
	struct rxs_sk_buff *skb = pool->free_skbs;

	if (!skb && pool->mt)
		skb = REMOTE_TAKE(&pool->remote_skbs);
	if (skb)
		pool->free_skbs = skb->next;
	else
		skb = rxs__malloc(sizeof(*skb));
	if (!skb)
		return NULL;
	rxs__skb_header_init(pool, skb);
	return skb;
}

struct rxs_skb_data *rxs__skb_data_alloc_slow(struct rxs_skb_pool *pool, unsigned int size)
{
	if (size > RXS_SKB_LARGE_BUF - RXS_NET_SKB_PAD)
		return NULL;
	return data_get(alloc_pool(pool), size + RXS_NET_SKB_PAD);
}

void rxs__skb_data_free(struct rxs_skb_data *d)
{
	data_put(d, rxs__this_pool);
}

struct rxs_sk_buff *rxs__skb_build_slow(struct rxs_skb_pool *pool, struct rxs_skb_data *d)
{
	struct rxs_sk_buff *skb = header_get(alloc_pool(pool));

	if (!skb)
		return NULL;
	rxs__skb_build_around(skb, d);
	return skb;
}

struct rxs_sk_buff *rxs__skb_alloc(struct rxs_skb_pool *pool, unsigned int size)
{
	struct rxs_skb_data *d = rxs__skb_data_alloc(pool, size);
	struct rxs_sk_buff *skb;

	if (!d)
		return NULL;
	skb = rxs__skb_build(pool, d);
	if (!skb)
		rxs__skb_data_free(d);
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
	struct rxs_skb_pool *pool = alloc_pool(skb->pool);
	struct rxs_sk_buff *n = header_get(pool);

	if (!n)
		return NULL;
	memcpy(n, skb, sizeof(*n));
	n->pool = pool;
	n->next = NULL;
	n->counted = false;
	n->cloned = skb->cloned = true;
	if (likely(!pool->mt))
		n->shared->dataref++;
	else
		__atomic_add_fetch(&n->shared->dataref, 1, __ATOMIC_RELAXED);
	return n;
}

/* Return @skb's header and buffer; @owner as for data_put(). */
static RXS_ALWAYS_INLINE void skb_release(struct rxs_sk_buff *skb, struct rxs_skb_pool *owner)
{
	struct rxs_skb_pool *pool = skb->pool;

	if (skb->shared)
		data_put(skb->shared, owner);
	if (pool == owner || !pool->mt) {
		skb->next = pool->free_skbs;
		pool->free_skbs = skb;
	} else {
		REMOTE_PUSH(&pool->remote_skbs, skb);
	}
}

/*
 * The one place an skb's life ends. In the threaded engine a thread of the engine counts
 * in its own pool without a lock; any other thread (an application's, the timer thread)
 * counts in the host's under the host lock, which the callback of rxs_host_set_kfree_skb_cb
 * also runs under, so a library user's callback never runs twice at once.
 */
/* Count @skb's end in @bucket's stats, and tell the host's callback (@home's). */
static inline void skb_count_end(struct rxs_skb_pool *home, struct rxs_skb_pool *bucket,
				 struct rxs_sk_buff *skb, enum rxs_drop_reason reason)
{
	enum rxs_pkt_class cls = pkt_class(skb);

	bucket->stats.ended[cls]++;
	if (reason == RXS_DROP_CONSUMED) {
		bucket->stats.consumed++;
	} else {
		bucket->stats.dropped++;
		bucket->stats.reasons[reason]++;
		bucket->stats.by_class[cls][reason]++;
	}
	if (home->on_free)
		home->on_free(home->on_free_ctx, skb, reason);
}

/* skb_end() for a pool of the threaded engine: pick the bucket, take the lock if needed.
 * Out of line, so the single-threaded end does not save this one's registers. */
static __attribute__((noinline)) void skb_end_mt(struct rxs_sk_buff *skb,
						 enum rxs_drop_reason reason)
{
	struct rxs_skb_pool *home = skb->pool->home, *bucket;
	bool locked;

	if (rxs__this_pool && rxs__this_pool->home == home)
		bucket = rxs__this_pool;
	else
		bucket = home;
	locked = bucket == home || (skb->counted && home->on_free);
	if (locked)
		rxs__lock_acquire(&home->lock);
	if (skb->counted)
		skb_count_end(home, bucket, skb, reason);
	bucket->stats.in_use--;
	skb_release(skb, bucket);
	if (locked)
		rxs__lock_release(&home->lock);
}

/*
 * The one place an skb's life ends. In the threaded engine a thread of the engine counts
 * in its own pool without a lock; any other thread (an application's, the timer thread)
 * counts in the host's under the host lock, which the callback of rxs_host_set_kfree_skb_cb
 * also runs under, so a library user's callback never runs twice at once (skb_end_mt()).
 * A pool that is not the threaded engine's is its own home and bucket, and takes no lock.
 */
static void skb_end(struct rxs_sk_buff *skb, enum rxs_drop_reason reason)
{
	struct rxs_skb_pool *pool = skb->pool;

	if (unlikely(pool->mt)) {
		skb_end_mt(skb, reason);
		return;
	}
	if (skb->counted)
		skb_count_end(pool, pool, skb, reason);
	pool->stats.in_use--;
	skb_release(skb, pool);
}

void rxs_consume_skb(struct rxs_sk_buff *skb)
{
	if (skb)
		skb_end(skb, RXS_DROP_CONSUMED);
}

void rxs_kfree_skb_reason(struct rxs_sk_buff *skb, enum rxs_drop_reason reason)
{
	if (!skb)
		return;
	if ((unsigned int)reason >= RXS_DROP_MAX || reason <= RXS_DROP_CONSUMED)
		reason = RXS_DROP_NOT_SPECIFIED;
	skb_end(skb, reason);
}

void rxs__skb_count_frame_drop(struct rxs_skb_pool *pool, enum rxs_drop_reason reason)
{
	pool = alloc_pool(pool);	/* a NIC thread counts in its own */
	pool->stats.dropped++;
	pool->stats.reasons[reason]++;
	pool->stats.by_class[RXS_PKT_L2][reason]++;
	pool->stats.ended[RXS_PKT_L2]++;
}

void rxs__skb_count_frame_consume(struct rxs_skb_pool *pool)
{
	pool = alloc_pool(pool);
	pool->stats.consumed++;
	pool->stats.ended[RXS_PKT_L2]++;
}

uint32_t rxs_skb_wire_frame(const struct rxs_sk_buff *skb, uint8_t *buf, uint32_t cap)
{
	const uint8_t *mac = skb->head + skb->mac_header;
	uint32_t len, ntags = skb->rx_tags[1] ? 2 : skb->rx_tags[0] ? 1 : 0, at = 12;

	if (skb->mac_header == 0xffff || skb->tail < skb->mac_header + 12u)
		return 0;
	len = skb->tail - skb->mac_header;
	if (len + 4 * ntags > cap)
		return 0;
	memcpy(buf, mac, 12);
	for (uint32_t i = 0; i < ntags; i++, at += 4) {
		rxs__put_be16(buf + at, (uint16_t)(skb->rx_tags[i] >> 16));
		rxs__put_be16(buf + at + 2, (uint16_t)skb->rx_tags[i]);
	}
	memcpy(buf + at, mac + 12, len - 12);
	return len + 4 * ntags;
}
