/* test_engine.c - src/engine/engine.h: the objects' locks (off until an engine enables them),
 * every event a timer of (function, object) run in (time, arming order), a timer that owns
 * its object freed with the host, and what each engine answers the path. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/engine.h"
#include "host.h"
#include "internal.h"
#include "sim/sim_int.h"
#include "rxsim/rxsim.h"

#include "frames.h"

/* ---- locks ---- */

struct counting_mutex {
	int acquired, released;
};

static void count_acquire(void *m)
{
	((struct counting_mutex *)m)->acquired++;
}

static void count_release(void *m)
{
	((struct counting_mutex *)m)->released++;
}

static const struct rxs_lock_ops counting_ops = { count_acquire, count_release };

static void test_lock_off_until_enabled(void **state)
{
	struct rxs_lock l;
	struct counting_mutex m = { 0, 0 };

	(void)state;
	memset(&l, 0, sizeof(l));	/* as every object's lock is born: off */
	assert_false(rxs__lock_on(&l));
	rxs__lock_acquire(&l);
	rxs__lock_release(&l);
	rxs__lock_enable(&l, &counting_ops, &m);
	assert_true(rxs__lock_on(&l));
	rxs__lock_acquire(&l);
	assert_int_equal(m.acquired, 1);
	assert_int_equal(m.released, 0);
	rxs__lock_release(&l);
	assert_int_equal(m.released, 1);
}

/* ---- timers ---- */

struct timer_log {
	char seen[8];
	uint64_t at[8];
	unsigned int n;
};

struct logged_timer {
	struct timer_log *log;
	char name;
};

static void log_timer(void *obj, uint64_t t)
{
	struct logged_timer *lt = obj;

	if (lt->log->n < ARRAY_SIZE(lt->log->seen)) {
		lt->log->at[lt->log->n] = t;
		lt->log->seen[lt->log->n++] = lt->name;
	}
}

static rxs_host_t *idle_host(void)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	rxs_host_t *h;

	fr_udp_socket(sc, NULL, 53, RXS_APP_ALL);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	return h;
}

/* Equal times run in the order they were armed, whatever the heap does with equal keys;
 * the host's clock is the timer's when it runs. */
static void test_timers_fifo_on_equal_times(void **state)
{
	static const struct {
		int line;
		char name;
		uint64_t t;
	} arm[] = {
		{ __LINE__, 'a', 2000 },
		{ __LINE__, 'b', 1000 },
		{ __LINE__, 'c', 2000 },
		{ __LINE__, 'd', 1000 },
		{ __LINE__, 'e', 2000 },
		{ __LINE__, 'f', 3000 },
	};
	struct timer_log log = { .n = 0 };
	struct logged_timer lt[ARRAY_SIZE(arm)];
	rxs_host_t *h = idle_host();

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(arm); i++) {
		lt[i] = (struct logged_timer){ .log = &log, .name = arm[i].name };
		h->engine->timer_add(h, arm[i].t, log_timer, &lt[i], 0);
	}
	assert_int_equal(rxs_host_run_until(h, 2500), 0);
	assert_int_equal(log.n, 5);
	assert_memory_equal(log.seen, "bdace", 5);
	assert_int_equal(log.at[0], 1000);
	assert_int_equal(log.at[4], 2000);
	assert_int_equal(rxs_host_now(h), 2500);
	assert_int_equal(rxs_host_run_until(h, 3000), 0);
	assert_int_equal(log.n, 6);
	assert_int_equal(log.seen[5], 'f');
	rxs_host_destroy(h);
}

static void *owned_obj;
static int owned_freed;

static void watch_free(void *p)
{
	if (p && p == owned_obj)
		owned_freed++;
	free(p);
}

static void never_runs(void *obj, uint64_t t)
{
	(void)obj;
	(void)t;
	fail_msg("a timer past the end of the run ran");
}

/* A timer that owns its object and never fires: the host frees the object as it goes; one
 * that does not own it leaves it to its owner. */
static void test_timer_owns_obj(void **state)
{
	rxs_host_t *h;
	int mine = 0;

	(void)state;
	assert_int_equal(rxs_replace_allocator(malloc, realloc, watch_free), 0);
	h = idle_host();
	owned_obj = rxs__malloc(24);
	assert_non_null(owned_obj);
	h->engine->timer_add(h, 1000000000ull, never_runs, owned_obj, RXS_TIMER_OWNS_OBJ);
	h->engine->timer_add(h, 1000000000ull, never_runs, &mine, 0);
	assert_int_equal(rxs_host_run_until(h, 1000), 0);
	assert_int_equal(owned_freed, 0);
	rxs_host_destroy(h);
	assert_int_equal(owned_freed, 1);
	owned_obj = NULL;
	assert_int_equal(rxs_replace_allocator(NULL, NULL, NULL), 0);
}

/* ---- the engines' answers ---- */

/* The virtual engine runs every CPU in one thread: nothing is posted, no CPU is calling, and
 * no object's lock is on. */
static void test_virtual_engine(void **state)
{
	rxs_host_t *h = idle_host();
	struct rxs_rx_queue *rxq = &h->devs[0].rxq[0];

	(void)state;
	assert_string_equal(h->engine->name, "virtual");
	assert_null(h->engine->this_cpu(h));
	assert_false(h->engine->post_irq(&h->cpus[rxq->cpu], rxq));
	assert_false(h->engine->post_ipi(&h->cpus[0]));
	assert_false(h->engine->post_backlog(&h->cpus[0], &h->cpus[0]));
	assert_false(rxs__lock_on(&h->sk.socks[0].lock));
	assert_false(rxs__lock_on(&rxq->lock));
	assert_false(rxs__lock_on(&h->devs[0].lock));
	assert_false(rxs__lock_on(&h->cpus[0].backlog_lock));
	assert_false(rxs__lock_on(&h->sk.tcp_lock));
	rxs_host_destroy(h);
}

/* The threaded engine enables every object's lock when it starts, the host state's all on
 * one mutex (the host lock), and answers for its CPUs' threads. */
static void test_threaded_engine_enables_locks(void **state)
{
	rxs_host_t *h = idle_host();
	struct rxs_lock *shared[] = {
		&h->sk.tcp_lock, &h->inet.frag_lock, &h->inet.icmp_lock, &h->inet.arp_lock,
		&h->inet.handlers_lock, &h->core.handlers_lock, &h->nf.nf_lock, &h->taps_lock,
		&h->trace_lock, &h->nic.frame_drop_lock, &h->sim->error_lock,
	};

	(void)state;
	assert_int_equal(rxs_host_start_threaded(h, false), 0);
	assert_string_equal(h->engine->name, "threaded");
	/* The test's own thread is none of the CPUs: work for them is posted. */
	assert_null(h->engine->this_cpu(h));
	assert_true(rxs__lock_on(&h->sk.socks[0].lock));
	assert_true(rxs__lock_on(&h->devs[0].rxq[0].lock));
	assert_true(rxs__lock_on(&h->devs[0].lock));
	assert_true(rxs__lock_on(&h->cpus[0].backlog_lock));
	assert_true(h->devs[0].rxq[0].lock.m != h->devs[0].lock.m);
	for (size_t i = 0; i < ARRAY_SIZE(shared); i++) {
		assert_true(rxs__lock_on(shared[i]));
		assert_ptr_equal(shared[i]->m, h->sk.tcp_lock.m);
	}
	assert_int_equal(rxs_host_wait_threaded(h), 0);
	rxs_host_destroy(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_off_until_enabled),
		cmocka_unit_test(test_timers_fifo_on_equal_times),
		cmocka_unit_test(test_timer_owns_obj),
		cmocka_unit_test(test_virtual_engine),
		cmocka_unit_test(test_threaded_engine_enables_locks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
