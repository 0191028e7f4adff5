/* test_skb.c - the skb pool: buffer pointers, recycled headers, clones, the two ends of an
 * skb's life and their counting, drop reason names, and a steady state without allocation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "internal.h"
#include "rxsim/error.h"
#include "rxsim/skb.h"
#include "frames.h"

static struct rxs_sk_buff *alloc_filled(struct rxs_skb_pool *pool, unsigned int len)
{
	struct rxs_sk_buff *skb = rxs__skb_alloc(pool, len);
	uint8_t *p;

	assert_non_null(skb);
	p = rxs__skb_put(skb, len);
	for (unsigned int i = 0; i < len; i++)
		p[i] = (uint8_t)i;
	return skb;
}

static void test_alloc_layout(void **state)
{
	struct rxs_skb_pool pool;
	struct rxs_sk_buff *skb;

	(void)state;
	assert_int_equal(rxs__skb_pool_init(&pool), 0);
	skb = rxs__skb_alloc(&pool, 100);
	assert_non_null(skb);
	/* An empty skb with NET_SKB_PAD of headroom in a small (2 KiB) buffer. */
	assert_int_equal(skb->len, 0);
	assert_int_equal(skb->data_len, 0);
	assert_int_equal(rxs_skb_headroom(skb), RXS_NET_SKB_PAD);
	assert_int_equal(skb->tail, RXS_NET_SKB_PAD);
	assert_int_equal(skb->end, RXS_SKB_SMALL_BUF);
	assert_int_equal(skb->mac_header, 0xffff);
	assert_int_equal(skb->network_header, 0xffff);
	assert_int_equal(skb->transport_header, 0xffff);
	assert_false(skb->counted);
	assert_false(skb->cloned);
	assert_ptr_equal(skb->pool, &pool);
	assert_int_equal(pool.stats.allocated, 1);
	assert_int_equal(pool.stats.in_use, 1);
	rxs_consume_skb(skb);
	assert_int_equal(pool.stats.in_use, 0);

	/* Past the small class a large buffer; past the large class nothing. */
	skb = rxs__skb_alloc(&pool, RXS_SKB_SMALL_BUF);
	assert_non_null(skb);
	assert_int_equal(skb->end, RXS_SKB_LARGE_BUF);
	rxs_consume_skb(skb);
	skb = rxs__skb_alloc(&pool, RXS_SKB_LARGE_BUF - RXS_NET_SKB_PAD);
	assert_non_null(skb);
	rxs_consume_skb(skb);
	assert_null(rxs__skb_alloc(&pool, RXS_SKB_LARGE_BUF - RXS_NET_SKB_PAD + 1));
	assert_int_equal(pool.stats.in_use, 0);
	rxs__skb_pool_destroy(&pool);
}

/* A header taken from the pool again comes back as a new one, whatever its last user left in
 * it: skb_zero_fields() clears every field up to cb with plain stores, and this says which. */
static void test_recycled_header_is_clean(void **state)
{
	struct rxs_skb_pool pool;
	struct rxs_sk_buff *skb, *again;
	int dummy;

	(void)state;
	assert_int_equal(rxs__skb_pool_init(&pool), 0);
	skb = alloc_filled(&pool, 100);
	skb->truesize = 1234;
	skb->protocol = 0x0800;
	skb->pkt_type = RXS_PACKET_OTHERHOST;
	skb->ip_summed = RXS_CHECKSUM_UNNECESSARY;
	skb->mac_header = skb->network_header = skb->transport_header = 7;
	skb->queue_mapping = 3;
	skb->gso_segs = 2;
	skb->gso_size = 1448;
	skb->hash = 0xdeadbeef;
	skb->mark = 9;
	skb->cpu = 1;
	skb->tstamp = 5;
	skb->id = 6;
	skb->dev = (struct rxs_netdev *)&dummy;
	skb->sk = &dummy;
	skb->cloned = true;
	rxs_consume_skb(skb);
	again = rxs__skb_alloc(&pool, 100);
	assert_ptr_equal(again, skb);	/* the same header, off the free list */
	assert_null(again->next);
	assert_int_equal(again->len, 0);
	assert_int_equal(again->data_len, 0);
	assert_int_equal(again->truesize, 0);
	assert_int_equal(again->protocol, 0);
	assert_int_equal(again->pkt_type, 0);
	assert_int_equal(again->ip_summed, 0);
	assert_int_equal(again->mac_header, 0xffff);
	assert_int_equal(again->network_header, 0xffff);
	assert_int_equal(again->transport_header, 0xffff);
	assert_int_equal(again->queue_mapping, 0);
	assert_int_equal(again->gso_segs, 0);
	assert_int_equal(again->gso_size, 0);
	assert_int_equal(again->hash, 0);
	assert_int_equal(again->mark, 0);
	assert_int_equal(again->cpu, 0);
	assert_int_equal(again->tstamp, 0);
	assert_int_equal(again->id, 0);
	assert_null(again->dev);
	assert_null(again->sk);
	assert_false(again->cloned);
	assert_false(again->counted);
	assert_int_equal(rxs_skb_headroom(again), RXS_NET_SKB_PAD);
	rxs_consume_skb(again);
	rxs__skb_pool_destroy(&pool);
}

static void test_put_pull_push_trim(void **state)
{
	struct rxs_skb_pool pool;
	struct rxs_sk_buff *skb;
	uint8_t *head, *p;

	(void)state;
	rxs__skb_pool_init(&pool);
	skb = rxs__skb_alloc(&pool, 200);
	assert_non_null(skb);
	head = skb->head;
	p = rxs__skb_put(skb, 60);
	assert_ptr_equal(p, head + RXS_NET_SKB_PAD);
	for (unsigned int i = 0; i < 60; i++)
		p[i] = (uint8_t)i;
	assert_int_equal(skb->len, 60);
	assert_int_equal(skb->tail, RXS_NET_SKB_PAD + 60);
	assert_ptr_equal(rxs_skb_tail_pointer(skb), head + RXS_NET_SKB_PAD + 60);

	/* pull: the Ethernet header goes, data moves on, the tail stays. */
	p = rxs_skb_pull(skb, 14);
	assert_ptr_equal(p, head + RXS_NET_SKB_PAD + 14);
	assert_int_equal(p[0], 14);
	assert_int_equal(skb->len, 46);
	assert_int_equal(rxs_skb_headroom(skb), RXS_NET_SKB_PAD + 14);
	assert_int_equal(skb->tail, RXS_NET_SKB_PAD + 60);
	/* Pulling more than is there changes nothing. */
	assert_null(rxs_skb_pull(skb, 47));
	assert_int_equal(skb->len, 46);
	assert_ptr_equal(skb->data, head + RXS_NET_SKB_PAD + 14);
	assert_true(rxs_pskb_may_pull(skb, 46));
	assert_false(rxs_pskb_may_pull(skb, 47));

	/* push gives the header back; not more than the headroom. */
	p = rxs_skb_push(skb, 14);
	assert_ptr_equal(p, head + RXS_NET_SKB_PAD);
	assert_int_equal(skb->len, 60);
	assert_null(rxs_skb_push(skb, RXS_NET_SKB_PAD + 1));
	assert_int_equal(skb->len, 60);
	p = rxs_skb_push(skb, RXS_NET_SKB_PAD);
	assert_ptr_equal(p, head);
	assert_int_equal(skb->len, 60 + RXS_NET_SKB_PAD);
	assert_int_equal(rxs_skb_headroom(skb), 0);
	assert_non_null(rxs_skb_pull(skb, RXS_NET_SKB_PAD + 14));

	/* trim cuts the padding (len 46 -> 28) and moves the tail; growing is a no-op. */
	rxs_skb_trim(skb, 28);
	assert_int_equal(skb->len, 28);
	assert_int_equal(skb->tail, RXS_NET_SKB_PAD + 14 + 28);
	rxs_skb_trim(skb, 40);
	assert_int_equal(skb->len, 28);
	assert_int_equal(skb->tail, RXS_NET_SKB_PAD + 14 + 28);
	rxs_skb_trim(skb, 0);
	assert_int_equal(skb->len, 0);
	assert_int_equal(skb->tail, RXS_NET_SKB_PAD + 14);

	/* Header offsets. */
	rxs_skb_reset_network_header(skb);
	assert_int_equal(skb->network_header, RXS_NET_SKB_PAD + 14);
	assert_ptr_equal(rxs_skb_network_header(skb), skb->data);
	rxs_skb_reset_transport_header(skb);
	assert_ptr_equal(rxs_skb_transport_header(skb), skb->data);
	rxs_kfree_skb_reason(skb, RXS_DROP_NOT_SPECIFIED);
	rxs__skb_pool_destroy(&pool);
}

static void test_clone(void **state)
{
	struct rxs_skb_pool pool;
	struct rxs_sk_buff *skb, *c, *again;
	uint8_t *head;

	(void)state;
	rxs__skb_pool_init(&pool);
	skb = alloc_filled(&pool, 100);
	skb->counted = true;
	skb->mark = 7;
	head = skb->head;
	c = rxs_skb_clone(skb);
	assert_non_null(c);
	assert_ptr_not_equal(c, skb);
	/* Same data, own header: both marked cloned, only the original is an offered frame. */
	assert_ptr_equal(c->head, head);
	assert_ptr_equal(c->data, skb->data);
	assert_int_equal(c->len, 100);
	assert_int_equal(c->mark, 7);
	assert_true(c->cloned);
	assert_true(skb->cloned);
	assert_true(skb->counted);
	assert_false(c->counted);
	assert_null(c->next);
	assert_int_equal(pool.stats.allocated, 2);
	assert_int_equal(pool.stats.in_use, 2);
	/* Pulling on the clone moves only its own data pointer. */
	assert_non_null(rxs_skb_pull(c, 14));
	assert_int_equal(skb->len, 100);
	assert_int_equal(skb->data[0], 0);
	assert_int_equal(c->data[0], 14);

	/* The original goes: the buffer stays, the clone still reads it. */
	rxs_consume_skb(skb);
	assert_int_equal(pool.stats.in_use, 1);
	assert_null(pool.free_small);
	assert_int_equal(c->data[0], 14);
	/* A new skb meanwhile gets another buffer. */
	again = rxs__skb_alloc(&pool, 100);
	assert_non_null(again);
	assert_ptr_not_equal(again->head, head);
	rxs_consume_skb(again);
	assert_non_null(pool.free_small);

	/* The clone goes: now the buffer is back on the free list (LIFO: reused next). */
	rxs_kfree_skb_reason(c, RXS_DROP_NOT_SPECIFIED);
	assert_int_equal(pool.stats.in_use, 0);
	again = rxs__skb_alloc(&pool, 100);
	assert_ptr_equal(again->head, head);
	rxs_consume_skb(again);
	/* Only the original counted, as consumed; the clone's drop is not a frame's end. */
	assert_int_equal(pool.stats.consumed, 1);
	assert_int_equal(pool.stats.dropped, 0);
	assert_int_equal(pool.stats.reasons[RXS_DROP_NOT_SPECIFIED], 0);
	rxs__skb_pool_destroy(&pool);
}

/* Reasons as passed, and what is counted under them. */
static const struct {
	int line;
	bool counted;
	int reason;
	int want_reason;	/* slot counted, or -1 for none */
} free_cases[] = {
	{ __LINE__, true, RXS_DROP_NO_SOCKET, RXS_DROP_NO_SOCKET },
	{ __LINE__, true, RXS_DROP_SOCKET_RCVBUFF, RXS_DROP_SOCKET_RCVBUFF },
	{ __LINE__, true, RXS_DROP_CPU_BACKLOG, RXS_DROP_CPU_BACKLOG },
	{ __LINE__, true, RXS_DROP_NIC_LENGTH, RXS_DROP_NIC_LENGTH },	/* last of the map */
	{ __LINE__, true, RXS_DROP_CONSUMED, RXS_DROP_NOT_SPECIFIED },	/* not a drop reason */
	{ __LINE__, true, RXS_DROP_NOT_DROPPED_YET, RXS_DROP_NOT_SPECIFIED },
	{ __LINE__, true, RXS_DROP_MAX, RXS_DROP_NOT_SPECIFIED },
	{ __LINE__, true, RXS_DROP_MAX + 100, RXS_DROP_NOT_SPECIFIED },
	{ __LINE__, false, RXS_DROP_NO_SOCKET, -1 },	/* a clone or internal skb */
	{ __LINE__, false, RXS_DROP_CPU_BACKLOG, -1 },
};

struct free_log {
	unsigned int calls;
	enum rxs_drop_reason last;
};

static void on_free(void *ctx, const struct rxs_sk_buff *skb, enum rxs_drop_reason reason)
{
	struct free_log *log = ctx;

	assert_non_null(skb);
	log->calls++;
	log->last = reason;
}

static void test_kfree_reasons(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(free_cases); i++) {
		struct rxs_skb_pool pool;
		struct free_log log = { 0 };
		struct rxs_sk_buff *skb;
		uint64_t total = 0;
		int line = free_cases[i].line;

		rxs__skb_pool_init(&pool);
		pool.on_free = on_free;
		pool.on_free_ctx = &log;
		skb = alloc_filled(&pool, 64);
		skb->counted = free_cases[i].counted;
		rxs_kfree_skb_reason(skb, (enum rxs_drop_reason)free_cases[i].reason);
		for (int r = 0; r < RXS_DROP_MAX; r++)
			total += pool.stats.reasons[r];
		if (pool.stats.consumed != 0 || pool.stats.in_use != 0)
			fail_msg("case at line %d: consumed %llu in_use %llu", line,
				 (unsigned long long)pool.stats.consumed,
				 (unsigned long long)pool.stats.in_use);
		if (free_cases[i].want_reason < 0) {
			if (pool.stats.dropped || total || log.calls)
				fail_msg("case at line %d: an uncounted skb was counted", line);
		} else if (pool.stats.dropped != 1 || total != 1 ||
			   pool.stats.reasons[free_cases[i].want_reason] != 1 || log.calls != 1 ||
			   (int)log.last != free_cases[i].want_reason) {
			fail_msg("case at line %d: dropped %llu, reasons total %llu, callback %u",
				 line, (unsigned long long)pool.stats.dropped,
				 (unsigned long long)total, log.calls);
		}
		rxs__skb_pool_destroy(&pool);
	}
}

static void test_consume_counting(void **state)
{
	struct rxs_skb_pool pool;
	struct free_log log = { 0 };
	struct rxs_sk_buff *skb;

	(void)state;
	rxs__skb_pool_init(&pool);
	pool.on_free = on_free;
	pool.on_free_ctx = &log;
	/* Three offered frames consumed, two internal skbs consumed, one frame dropped. */
	for (int i = 0; i < 5; i++) {
		skb = alloc_filled(&pool, 64);
		skb->counted = i < 3;
		rxs_consume_skb(skb);
	}
	skb = alloc_filled(&pool, 64);
	skb->counted = true;
	rxs_kfree_skb_reason(skb, RXS_DROP_OTHERHOST);
	rxs_consume_skb(NULL);
	rxs_kfree_skb_reason(NULL, RXS_DROP_OTHERHOST);
	assert_int_equal(pool.stats.consumed, 3);
	assert_int_equal(pool.stats.dropped, 1);
	assert_int_equal(pool.stats.reasons[RXS_DROP_OTHERHOST], 1);
	assert_int_equal(pool.stats.reasons[RXS_DROP_CONSUMED], 0);
	assert_int_equal(pool.stats.allocated, 6);
	assert_int_equal(pool.stats.in_use, 0);
	assert_int_equal(log.calls, 4);
	assert_int_equal(log.last, RXS_DROP_OTHERHOST);

	/* A frame that never became an skb (a hardware drop) counts as dropped too. */
	rxs__skb_count_frame_drop(&pool, RXS_DROP_FULL_RING);
	assert_int_equal(pool.stats.dropped, 2);
	assert_int_equal(pool.stats.reasons[RXS_DROP_FULL_RING], 1);
	rxs__skb_pool_destroy(&pool);
}

static const struct {
	int line;
	int reason;
	const char *name;
} name_cases[] = {
	{ __LINE__, RXS_DROP_NO_SOCKET, "NO_SOCKET" },
	{ __LINE__, RXS_DROP_SOCKET_RCVBUFF, "SOCKET_RCVBUFF" },	/* double F, as 6.18 */
	{ __LINE__, RXS_DROP_CPU_BACKLOG, "CPU_BACKLOG" },	/* not NETDEV_BACKLOG */
	{ __LINE__, RXS_DROP_NOT_SPECIFIED, "NOT_SPECIFIED" },
	{ __LINE__, RXS_DROP_OTHERHOST, "OTHERHOST" },
	{ __LINE__, RXS_DROP_QUEUE_PURGE, "QUEUE_PURGE" },
	{ __LINE__, RXS_DROP_NIC_MAC_FILTER, "NIC_MAC_FILTER" },
	{ __LINE__, RXS_DROP_CONSUMED, "CONSUMED" },
	{ __LINE__, RXS_DROP_NOT_DROPPED_YET, "NOT_DROPPED_YET" },
	{ __LINE__, RXS_DROP_MAX, "UNKNOWN" },
	{ __LINE__, -1, "UNKNOWN" },
};

static void test_drop_reason_name(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(name_cases); i++) {
		const char *got = rxs_drop_reason_name((enum rxs_drop_reason)name_cases[i].reason);

		if (!got || strcmp(got, name_cases[i].name))
			fail_msg("case at line %d: got %s, want %s", name_cases[i].line,
				 got ? got : "(null)", name_cases[i].name);
	}
	/* Every reason has a name. */
	for (int r = 0; r < RXS_DROP_MAX; r++) {
		const char *got = rxs_drop_reason_name((enum rxs_drop_reason)r);

		assert_non_null(got);
		assert_string_not_equal(got, "UNKNOWN");
		assert_true(got[0] != '\0');
	}
}

static void test_steady_state_no_alloc(void **state)
{
	struct rxs_skb_pool pool;
	struct rxs_sk_buff *skb, *c, *big;
	unsigned long before;

	(void)state;
	assert_int_equal(rxs_replace_allocator(fr_count_malloc, NULL, fr_count_free), -EINVAL);
	fr_count_allocs(true);
	rxs__skb_pool_init(&pool);
	/* Warm-up: one header and buffer of each class, and a clone header. */
	skb = alloc_filled(&pool, 1000);
	c = rxs_skb_clone(skb);
	big = alloc_filled(&pool, 9000);
	rxs_consume_skb(c);
	rxs_consume_skb(skb);
	rxs_consume_skb(big);
	assert_true(fr_allocs()->malloc > 0);
	before = fr_allocs()->malloc;
	for (int i = 0; i < 10000; i++) {
		skb = alloc_filled(&pool, (unsigned int)(60 + i % 1400));
		skb->counted = true;
		c = rxs_skb_clone(skb);
		assert_non_null(c);
		if (i % 2)
			rxs_consume_skb(skb);
		else
			rxs_kfree_skb_reason(skb, RXS_DROP_NO_SOCKET);
		rxs_consume_skb(c);
		if (i % 100 == 0) {
			big = alloc_filled(&pool, 8000);
			rxs_kfree_skb_reason(big, RXS_DROP_PKT_TOO_BIG);
		}
	}
	assert_int_equal(fr_allocs()->malloc, before);
	assert_int_equal(fr_allocs()->realloc, 0);
	assert_int_equal(fr_allocs()->free, 0);
	assert_int_equal(pool.stats.consumed, 5000);
	assert_int_equal(pool.stats.dropped, 5000);
	assert_int_equal(pool.stats.in_use, 0);
	rxs__skb_pool_destroy(&pool);
	/* Destroy gives back exactly what was taken (3 headers, a small and a large buffer). */
	assert_int_equal(fr_allocs()->malloc, 5);
	assert_int_equal(fr_allocs()->free, fr_allocs()->malloc);
	fr_count_allocs(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_layout),
		cmocka_unit_test(test_recycled_header_is_clean),
		cmocka_unit_test(test_put_pull_push_trim),
		cmocka_unit_test(test_clone),
		cmocka_unit_test(test_kfree_reasons),
		cmocka_unit_test(test_consume_counting),
		cmocka_unit_test(test_drop_reason_name),
		cmocka_unit_test(test_steady_state_no_alloc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
