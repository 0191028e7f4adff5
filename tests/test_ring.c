/* test_ring.c - the RX descriptor ring: sizes, full, order, batched refill, destroy. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>

#include "host.h"
#include "internal.h"
#include "rxsim/error.h"
#include "rxsim/ring.h"

static const struct {
	int line;
	unsigned int count;
	int want;
} create_cases[] = {
	{ __LINE__, 1, -EINVAL },	/* below the minimum of 2 */
	{ __LINE__, 2, 0 },
	{ __LINE__, 1000, -EINVAL },	/* not a power of two */
	{ __LINE__, 1024, 0 },
	{ __LINE__, 65536, 0 },		/* the maximum */
	{ __LINE__, 131072, -EINVAL },	/* above it */
	{ __LINE__, 0, -EINVAL },
	{ __LINE__, 3, -EINVAL },
};

static void test_ring_create(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(create_cases); i++) {
		rxs_ring_t *ring = (rxs_ring_t *)&ring;	/* must be reset on failure */
		int err = rxs_ring_create(&ring, create_cases[i].count);

		if (err != create_cases[i].want)
			fail_msg("case at line %d: got %s", create_cases[i].line, rxs_strerror(err));
		if (err) {
			if (ring)
				fail_msg("case at line %d: ring not NULL on failure",
					 create_cases[i].line);
			continue;
		}
		if (rxs_ring_size(ring) != create_cases[i].count ||
		    rxs_ring_free(ring) != create_cases[i].count || !rxs_ring_empty(ring) ||
		    rxs_ring_count(ring) != 0)
			fail_msg("case at line %d: new ring not empty with all descriptors free",
				 create_cases[i].line);
		rxs_ring_destroy(ring);
	}
	rxs_ring_destroy(NULL);
}

static struct rxs_sk_buff *new_skb(struct rxs_skb_pool *pool, unsigned int id)
{
	struct rxs_sk_buff *skb = rxs__skb_alloc(pool, 64);

	assert_non_null(skb);
	rxs__skb_put(skb, 64);
	skb->id = id;
	skb->counted = true;
	return skb;
}

static void test_ring_full_and_order(void **state)
{
	struct rxs_skb_pool pool;
	struct rxs_sk_buff *out[16], *extra;
	struct rxs_ring_stats st;
	rxs_ring_t *ring;
	unsigned int n;

	(void)state;
	rxs__skb_pool_init(&pool);
	assert_int_equal(rxs_ring_create(&ring, 8), 0);
	for (unsigned int i = 1; i <= 8; i++) {
		assert_int_equal(rxs_ring_enqueue(ring, new_skb(&pool, i)), 0);
		assert_int_equal(rxs_ring_count(ring), i);
		assert_int_equal(rxs_ring_free(ring), 8 - i);
	}
	/* Full: refused, counted, and the caller still owns the skb. */
	extra = new_skb(&pool, 9);
	assert_int_equal(rxs_ring_enqueue(ring, extra), -ENOBUFS);
	assert_int_equal(rxs_ring_enqueue(ring, extra), -ENOBUFS);
	rxs_ring_get_stats(ring, &st);
	assert_int_equal(st.enqueued, 8);
	assert_int_equal(st.full, 2);
	assert_int_equal(st.dequeued, 0);
	rxs_kfree_skb_reason(extra, RXS_DROP_FULL_RING);

	/* Oldest first, up to the budget. */
	n = rxs_ring_dequeue_burst(ring, out, 3);
	assert_int_equal(n, 3);
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(out[i]->id, i + 1);
	/* Reaped but not refilled: the NIC still may not use those descriptors. */
	assert_int_equal(rxs_ring_free(ring), 0);
	assert_int_equal(rxs_ring_count(ring), 5);
	assert_int_equal(rxs_ring_enqueue(ring, out[0]), -ENOBUFS);
	assert_int_equal(rxs_ring_refill(ring, true), 3);
	assert_int_equal(rxs_ring_free(ring), 3);
	/* The ring wraps: ids 1..3 go in again behind 4..8. */
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(rxs_ring_enqueue(ring, out[i]), 0);
	n = rxs_ring_dequeue_burst(ring, out, 16);
	assert_int_equal(n, 8);
	for (unsigned int i = 0; i < 5; i++)
		assert_int_equal(out[i]->id, i + 4);
	for (unsigned int i = 5; i < 8; i++)
		assert_int_equal(out[i]->id, i - 4);
	assert_true(rxs_ring_empty(ring));
	assert_int_equal(rxs_ring_dequeue_burst(ring, out + 8, 16), 0);
	rxs_ring_get_stats(ring, &st);
	assert_int_equal(st.enqueued, 11);
	assert_int_equal(st.dequeued, 11);
	assert_int_equal(st.full, 3);
	for (unsigned int i = 0; i < 8; i++)
		rxs_consume_skb(out[i]);
	rxs_ring_destroy(ring);
	assert_int_equal(pool.stats.consumed, 8);
	assert_int_equal(pool.stats.dropped, 1);
	assert_int_equal(pool.stats.in_use, 0);
	rxs__skb_pool_destroy(&pool);
}

static void test_ring_refill_batching(void **state)
{
	struct rxs_skb_pool pool;
	struct rxs_sk_buff *out[64];
	struct rxs_ring_stats st;
	rxs_ring_t *ring;

	(void)state;
	rxs__skb_pool_init(&pool);
	assert_int_equal(rxs_ring_create(&ring, 64), 0);
	for (unsigned int i = 0; i < 64; i++)
		assert_int_equal(rxs_ring_enqueue(ring, new_skb(&pool, i)), 0);
	assert_int_equal(rxs_ring_free(ring), 0);

	/* 10 reaped: fewer than a batch of 16, so refill(false) writes nothing. */
	assert_int_equal(rxs_ring_dequeue_burst(ring, out, 10), 10);
	assert_int_equal(rxs_ring_free(ring), 0);
	assert_int_equal(rxs_ring_refill(ring, false), 0);
	assert_int_equal(rxs_ring_free(ring), 0);
	/* 16 reaped: one whole batch. */
	assert_int_equal(rxs_ring_dequeue_burst(ring, out + 10, 6), 6);
	assert_int_equal(rxs_ring_free(ring), 0);
	assert_int_equal(rxs_ring_refill(ring, false), RXS_RING_REFILL_BATCH);
	assert_int_equal(rxs_ring_free(ring), 16);
	/* 37 more reaped: two batches (32) now, the 5 left only with force. */
	assert_int_equal(rxs_ring_dequeue_burst(ring, out + 16, 37), 37);
	assert_int_equal(rxs_ring_refill(ring, false), 32);
	assert_int_equal(rxs_ring_free(ring), 48);
	assert_int_equal(rxs_ring_refill(ring, false), 0);
	assert_int_equal(rxs_ring_refill(ring, true), 5);
	assert_int_equal(rxs_ring_free(ring), 53);
	/* Nothing reaped: nothing to refill, and no batch is counted. */
	assert_int_equal(rxs_ring_refill(ring, true), 0);
	rxs_ring_get_stats(ring, &st);
	assert_int_equal(st.refills, 3);
	assert_int_equal(st.dequeued, 53);
	assert_int_equal(rxs_ring_count(ring), 11);
	for (unsigned int i = 0; i < 53; i++)
		assert_int_equal(out[i]->id, i);
	for (unsigned int i = 0; i < 53; i++)
		rxs_consume_skb(out[i]);
	rxs_ring_destroy(ring);
	rxs__skb_pool_destroy(&pool);
}

static void test_ring_destroy_purges(void **state)
{
	struct rxs_skb_pool pool;
	struct rxs_sk_buff *out[2];
	rxs_ring_t *ring;

	(void)state;
	rxs__skb_pool_init(&pool);
	assert_int_equal(rxs_ring_create(&ring, 16), 0);
	for (unsigned int i = 0; i < 7; i++)
		assert_int_equal(rxs_ring_enqueue(ring, new_skb(&pool, i)), 0);
	assert_int_equal(rxs_ring_dequeue_burst(ring, out, 2), 2);
	rxs_consume_skb(out[0]);
	rxs_consume_skb(out[1]);
	assert_int_equal(pool.stats.in_use, 5);
	/* The 5 still queued are dropped with QUEUE_PURGE; the reaped ones are not touched. */
	rxs_ring_destroy(ring);
	assert_int_equal(pool.stats.in_use, 0);
	assert_int_equal(pool.stats.consumed, 2);
	assert_int_equal(pool.stats.dropped, 5);
	assert_int_equal(pool.stats.reasons[RXS_DROP_QUEUE_PURGE], 5);
	rxs__skb_pool_destroy(&pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_create),
		cmocka_unit_test(test_ring_full_and_order),
		cmocka_unit_test(test_ring_refill_batching),
		cmocka_unit_test(test_ring_destroy_purges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
