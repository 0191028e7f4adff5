/* test_softirq.c - net_rx_action's budget and time limit (time_squeeze), ring overflow,
 * the per-CPU backlog (netdev_max_backlog) and the backlog NAPI's weight, end to end
 * through the public host API. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "frames.h"
#include "internal.h"

#define PORT 9

static void set_sysctl(struct rxs_scenario *sc, enum rxs_sysctl_id id, int64_t v)
{
	sc->sysctl.val[id][0] = v;
	sc->sysctl_set[id] = true;
}

/* @n identical 100-byte-payload datagrams to the bound port, all at time @t. */
static void burst(rxs_host_t *h, unsigned int n, uint64_t t)
{
	struct fr f;

	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, PORT, 100);
	for (unsigned int i = 0; i < n; i++)
		fr_inject(h, &f, t);
}

/*
 * A generic NIC (ring 512, NAPI weight 64, no coalescing): the burst is DMA'd before the one
 * hard IRQ's softirq runs, so each poll reaps min(64, what is left) frames and a NAPI that
 * used its whole weight is repolled in the next invocation. time_squeeze counts an
 * invocation that ended, right after a poll, with budget <= 0 or jiffies >= time_limit,
 * where time_limit = jiffies + usecs_to_jiffies(netdev_budget_usecs) (rounded up).
 */
static const struct {
	int line;
	int64_t budget;		/* -1: default 300 */
	int64_t usecs;		/* -1: default 8000 (2 jiffies at HZ=250) */
	uint32_t driver_rx_ns;	/* 0: default cost */
	unsigned int frames;
	uint32_t want_squeeze;
	uint64_t want_polls;
} budget_cases[] = {
	/* 200 = 64+64+64+8: budget 300 is never used up within one invocation. */
	{ __LINE__, -1, -1, 0, 200, 0, 4 },
	/* budget 10: each full poll takes it to 10-64 < 0; the last (8) leaves 2 > 0. */
	{ __LINE__, 10, -1, 0, 200, 3, 4 },
	/* budget 64: a full poll leaves exactly 0, which squeezes; the last leaves 56. */
	{ __LINE__, 64, -1, 0, 200, 3, 4 },
	/* budget 65: a full poll leaves 1, never squeezed. */
	{ __LINE__, 65, -1, 0, 200, 0, 4 },
	/* budget_usecs 0: time_limit is the current jiffy, so every poll squeezes, the last
	 * one too although it finished the work (100 = 64 + 36). */
	{ __LINE__, -1, 0, 0, 100, 2, 2 },
	/* 1 us rounds up to 1 jiffy (4 ms): a 64-frame poll at 1 ms per frame crosses it, and
	 * so does the 36-frame one. */
	{ __LINE__, -1, 1, 1000000, 100, 2, 2 },
	/* The same 1-jiffy limit with the default costs (well under 4 ms per poll). */
	{ __LINE__, -1, 1, 0, 100, 0, 2 },
};

static void test_time_squeeze(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(budget_cases); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
		unsigned int n = budget_cases[i].frames;
		struct rxs_softnet_stat st;
		struct rxs_cpu_stats cs;
		struct rxs_nic_stats ns;
		rxs_host_t *h;

		fr_udp_socket(sc, NULL, PORT, RXS_APP_ALL);
		if (budget_cases[i].budget >= 0)
			set_sysctl(sc, RXS_SYSCTL_NETDEV_BUDGET, budget_cases[i].budget);
		if (budget_cases[i].usecs >= 0)
			set_sysctl(sc, RXS_SYSCTL_NETDEV_BUDGET_USECS, budget_cases[i].usecs);
		if (budget_cases[i].driver_rx_ns)
			sc->cost.ns[RXS_COST_DRIVER_RX] = budget_cases[i].driver_rx_ns;
		h = fr_host(sc);
		rxs_scenario_free(sc);
		burst(h, n, 0);
		assert_int_equal(rxs_host_run(h), 0);
		st = fr_softnet(h, 0);
		ns = fr_nic(h, 0);
		assert_int_equal(rxs_host_cpu_stats(h, 0, &cs), 0);
		if (st.time_squeeze != budget_cases[i].want_squeeze ||
		    cs.napi_polls != budget_cases[i].want_polls)
			fail_msg("case at line %d: time_squeeze %u (want %u), napi polls %llu (want "
				 "%llu)", budget_cases[i].line, st.time_squeeze,
				 budget_cases[i].want_squeeze, (unsigned long long)cs.napi_polls,
				 (unsigned long long)budget_cases[i].want_polls);
		/* Squeezed or not, everything is processed in the end: nothing is lost. */
		if (st.processed != n || st.dropped != 0 || ns.rx_packets != n ||
		    ns.rx_missed_errors != 0 || ns.hw_irqs != 1 ||
		    FR_MIB(h, UdpInDatagrams) != n || FR_MIB(h, IpInDelivers) != n ||
		    fr_drops_total(h) != 0)
			fail_msg("case at line %d: processed %u, rx_packets %llu, irqs %llu, "
				 "UdpInDatagrams %llu", budget_cases[i].line, st.processed,
				 (unsigned long long)ns.rx_packets, (unsigned long long)ns.hw_irqs,
				 (unsigned long long)FR_MIB(h, UdpInDatagrams));
		/* One net_rx_action invocation per poll here: each ends after its poll. */
		assert_int_equal(cs.softirqs, budget_cases[i].want_polls);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* Ring 64 and 1000 frames at the same instant: the ring takes 64 before the softirq (due
 * after the 1 us hard IRQ) reaps anything; the other 936 find no free descriptor and are
 * dropped by the NIC (rx_missed_errors, reason FULL_RING; the kernel never sees them). */
static void test_ring_overflow_burst(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	struct rxs_nic_stats ns, qs;
	uint32_t ring_size = 0, max_fill = 0;
	rxs_host_t *h;

	(void)state;
	sc->nics[0].ring_size = 64;
	fr_udp_socket(sc, NULL, PORT, RXS_APP_ALL);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	burst(h, 1000, 0);
	assert_int_equal(rxs_host_run(h), 0);
	ns = fr_nic(h, 0);
	assert_int_equal(ns.rx_missed_errors, 936);
	assert_int_equal(ns.rx_packets, 64);
	assert_int_equal(ns.rx_missed_errors + ns.rx_packets, 1000);
	/* rx_errors sums the error classes, the missed ones included. */
	assert_int_equal(ns.rx_errors, 936);
	assert_int_equal(ns.rx_dropped, 0);
	assert_int_equal(fr_drops(h, RXS_DROP_FULL_RING), 936);
	assert_int_equal(fr_drops_total(h), 936);
	assert_int_equal(fr_softnet(h, 0).processed, 64);
	assert_int_equal(fr_softnet(h, 0).dropped, 0);	/* never a softnet drop */
	assert_int_equal(FR_MIB(h, IpInReceives), 64);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), 64);
	assert_int_equal(rxs_nic_get_queue_stats(h, 0, 0, &qs, &ring_size, &max_fill), 0);
	assert_int_equal(ring_size, 64);
	assert_int_equal(max_fill, 64);
	assert_int_equal(qs.rx_missed_errors, 936);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* Frames 100 ns apart, much faster than ~0.6 us of work each: the ring overflows while
 * the softirq runs. How many are missed depends on the timing; that every frame is either
 * received or missed does not. */
static void test_ring_overflow_spaced(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	struct rxs_nic_stats ns;
	struct fr f;
	rxs_host_t *h;

	(void)state;
	sc->nics[0].ring_size = 64;
	fr_udp_socket(sc, NULL, PORT, RXS_APP_ALL);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, PORT, 100);
	for (unsigned int i = 0; i < 1000; i++)
		fr_inject(h, &f, (uint64_t)i * 100);
	assert_int_equal(rxs_host_run(h), 0);
	ns = fr_nic(h, 0);
	assert_true(ns.rx_missed_errors > 0);
	assert_true(ns.rx_packets > 64);
	assert_int_equal(ns.rx_packets + ns.rx_missed_errors, 1000);
	assert_int_equal(fr_drops(h, RXS_DROP_FULL_RING), ns.rx_missed_errors);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), ns.rx_packets);
	assert_int_equal(fr_softnet(h, 0).processed, ns.rx_packets);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* veth: netif_rx() queues on the CPU's backlog while qlen <= netdev_max_backlog, so the
 * queue holds max_backlog + 1 = 11 of 100 simultaneous frames; the other 89 are dropped
 * in enqueue_to_backlog: softnet col 2, the device's rx_dropped, reason CPU_BACKLOG. */
static void test_backlog_drop(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
	struct rxs_softnet_stat st;
	struct rxs_nic_stats ns;
	rxs_host_t *h;

	(void)state;
	set_sysctl(sc, RXS_SYSCTL_NETDEV_MAX_BACKLOG, 10);
	fr_udp_socket(sc, NULL, PORT, RXS_APP_ALL);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	burst(h, 100, 0);
	/* Before the softirq ran: 11 queued, 89 dropped already. */
	st = fr_softnet(h, 0);
	assert_int_equal(st.input_qlen, 11);
	assert_int_equal(st.backlog_len, 11);
	assert_int_equal(st.dropped, 89);
	fr_conserved(h);
	assert_int_equal(rxs_host_run(h), 0);
	st = fr_softnet(h, 0);
	ns = fr_nic(h, 0);
	assert_int_equal(st.dropped, 89);
	assert_int_equal(st.processed, 11);
	assert_int_equal(st.time_squeeze, 0);
	assert_int_equal(st.backlog_len, 0);
	assert_int_equal(ns.rx_dropped, 89);
	assert_int_equal(ns.rx_packets, 11);
	assert_int_equal(ns.rx_missed_errors, 0);
	assert_int_equal(fr_drops(h, RXS_DROP_CPU_BACKLOG), 89);
	assert_int_equal(fr_drops_total(h), 89);
	/* No SNMP counter sees a backlog drop. */
	assert_int_equal(FR_MIB(h, IpInReceives), 11);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), 11);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* max_backlog 0 still lets one packet in (qlen 0 <= 0). */
static void test_backlog_zero(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
	rxs_host_t *h;

	(void)state;
	set_sysctl(sc, RXS_SYSCTL_NETDEV_MAX_BACKLOG, 0);
	fr_udp_socket(sc, NULL, PORT, RXS_APP_ALL);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	burst(h, 5, 0);
	assert_int_equal(rxs_host_run(h), 0);
	assert_int_equal(fr_softnet(h, 0).dropped, 4);
	assert_int_equal(fr_softnet(h, 0).processed, 1);
	assert_int_equal(fr_nic(h, 0).rx_dropped, 4);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), 1);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* The backlog NAPI polls with dev_weight * dev_weight_rx_bias: 100 queued frames take
 * ceil(100 / weight) polls, one per net_rx_action invocation (a full poll is repolled in
 * the next one). */
static const struct {
	int line;
	int64_t weight, bias;
	uint64_t want_polls;
} weight_cases[] = {
	{ __LINE__, 64, 1, 2 },		/* 64 + 36 */
	{ __LINE__, 16, 1, 7 },		/* 6 * 16 + 4 */
	{ __LINE__, 8, 2, 7 },		/* weight 16 again */
	{ __LINE__, 100, 1, 2 },	/* exactly 100: a full poll, then an empty one completes */
	{ __LINE__, 300, 1, 1 },
	{ __LINE__, 1, 1, 101 },	/* the 100th poll used its weight: one more, empty */
};

static void test_backlog_weight(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(weight_cases); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
		struct rxs_cpu_stats cs;
		rxs_host_t *h;

		set_sysctl(sc, RXS_SYSCTL_DEV_WEIGHT, weight_cases[i].weight);
		set_sysctl(sc, RXS_SYSCTL_DEV_WEIGHT_RX_BIAS, weight_cases[i].bias);
		fr_udp_socket(sc, NULL, PORT, RXS_APP_ALL);
		h = fr_host(sc);
		rxs_scenario_free(sc);
		burst(h, 100, 0);
		assert_int_equal(rxs_host_run(h), 0);
		assert_int_equal(rxs_host_cpu_stats(h, 0, &cs), 0);
		if (cs.napi_polls != weight_cases[i].want_polls)
			fail_msg("case at line %d: %llu polls, want %llu", weight_cases[i].line,
				 (unsigned long long)cs.napi_polls,
				 (unsigned long long)weight_cases[i].want_polls);
		if (fr_softnet(h, 0).processed != 100 || FR_MIB(h, UdpInDatagrams) != 100 ||
		    fr_softnet(h, 0).time_squeeze != 0)
			fail_msg("case at line %d: not all processed", weight_cases[i].line);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* The backlog NAPI's weight against netdev_budget: weight 64, budget 100, 300 frames on
 * the backlog. Invocation 1 polls 64 (budget 36 left, repolled next time); each
 * invocation polls once, so no squeeze. With budget 50 every full poll squeezes. */
static void test_backlog_budget(void **state)
{
	static const struct {
		int line;
		int64_t budget;
		uint32_t want_squeeze;
	} cases[] = {
		{ __LINE__, 100, 0 },
		{ __LINE__, 50, 4 },	/* 300 = 4 * 64 + 44: the 44-frame poll leaves 6 */
		{ __LINE__, 44, 5 },	/* the last poll leaves exactly 0 */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
		rxs_host_t *h;

		set_sysctl(sc, RXS_SYSCTL_NETDEV_BUDGET, cases[i].budget);
		fr_udp_socket(sc, NULL, PORT, RXS_APP_ALL);
		h = fr_host(sc);
		rxs_scenario_free(sc);
		burst(h, 300, 0);
		assert_int_equal(rxs_host_run(h), 0);
		if (fr_softnet(h, 0).time_squeeze != cases[i].want_squeeze)
			fail_msg("case at line %d: time_squeeze %u, want %u", cases[i].line,
				 fr_softnet(h, 0).time_squeeze, cases[i].want_squeeze);
		assert_int_equal(fr_softnet(h, 0).processed, 300);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* ---- RPS and the flow limit ---- */

/* A generic NIC, one queue on CPU 0 with rps_cpus @mask, on a @cpus-CPU host. */
static rxs_host_t *rps_host(unsigned int cpus, uint64_t mask, int64_t max_backlog,
			    int64_t flow_limit_bitmap, uint32_t udp_rcv_ns, unsigned int ring)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	rxs_host_t *h;

	sc->host.cpus = cpus;
	sc->nics[0].rps_cpus[0] = mask;
	sc->nics[0].ring_size = ring;
	set_sysctl(sc, RXS_SYSCTL_NETDEV_MAX_BACKLOG, max_backlog);
	if (flow_limit_bitmap)
		set_sysctl(sc, RXS_SYSCTL_FLOW_LIMIT_CPU_BITMAP, flow_limit_bitmap);
	if (udp_rcv_ns)
		sc->cost.ns[RXS_COST_UDP_RCV] = udp_rcv_ns;
	fr_udp_socket(sc, NULL, PORT, RXS_APP_ALL);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	return h;
}

/*
 * RPS to CPU 1 with netdev_max_backlog 10: CPU 0's one poll (weight 64) queues all 64 frames
 * of the burst on CPU 1's backlog before the IPI, sent at the end of CPU 0's net_rx_action,
 * lets CPU 1 run. qlen <= max_backlog admits 11; 53 are dropped, counted on CPU 1 (the
 * target) in softnet col 2 and the NIC's rx_dropped. CPU 1 gets one IPI (received_rps).
 */
static void test_rps_backlog_overflow(void **state)
{
	rxs_host_t *h = rps_host(2, 0x2, 10, 0, 0, 512);
	struct rxs_softnet_stat s0, s1;

	(void)state;
	burst(h, 64, 0);
	assert_int_equal(rxs_host_run(h), 0);
	s0 = fr_softnet(h, 0);
	s1 = fr_softnet(h, 1);
	assert_int_equal(s1.dropped, 53);
	assert_int_equal(s1.processed, 11);
	assert_int_equal(s1.received_rps, 1);
	assert_int_equal(s0.processed, 0);
	assert_int_equal(s0.dropped, 0);
	assert_int_equal(s0.received_rps, 0);
	assert_int_equal(fr_nic(h, 0).rx_dropped, 53);
	assert_int_equal(fr_nic(h, 0).rx_packets, 64);
	assert_int_equal(fr_drops(h, RXS_DROP_CPU_BACKLOG), 53);
	assert_int_equal(fr_drops_total(h), 53);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), 11);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* rps_cpus naming the polling CPU itself: every skb still goes through its backlog (the
 * kernel enqueues whenever get_rps_cpu() returns a CPU), with no IPI. */
static void test_rps_local(void **state)
{
	rxs_host_t *h = rps_host(2, 0x1, 1000, 0, 0, 512);
	struct rxs_cpu_stats cs;

	(void)state;
	burst(h, 100, 0);
	assert_int_equal(rxs_host_run(h), 0);
	assert_int_equal(rxs_host_cpu_stats(h, 0, &cs), 0);
	assert_int_equal(fr_softnet(h, 0).processed, 100);
	assert_int_equal(fr_softnet(h, 0).received_rps, 0);
	assert_int_equal(fr_softnet(h, 1).processed, 0);
	/* Driver polls (64 + 36) plus backlog polls (64 + 36). */
	assert_true(cs.napi_polls >= 4);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), 100);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* get_rps_cpu(): map[reciprocal_scale(hash, len)] over the mask's CPUs in order. */
static void test_rps_spread(void **state)
{
	rxs_host_t *h = rps_host(4, 0xe, 1000, 0, 0, 512);
	uint64_t total = 0;
	struct fr f;

	(void)state;
	for (unsigned int i = 0; i < 256; i++) {
		fr_udp(&f, FR_PEER_IP, FR_HOST_IP, (uint16_t)(1000 + i), PORT, 10);
		fr_inject(h, &f, i * 1000u);
	}
	assert_int_equal(rxs_host_run(h), 0);
	assert_int_equal(fr_softnet(h, 0).processed, 0);
	for (unsigned int c = 1; c < 4; c++) {
		/* 256 flows over 3 CPUs: each gets a fair share. */
		assert_true(fr_softnet(h, c).processed > 40);
		assert_true(fr_softnet(h, c).received_rps > 0);
		total += fr_softnet(h, c).processed;
	}
	assert_int_equal(total, 256);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/*
 * flow_limit on CPU 0 (the enqueueing CPU), one flow, max_backlog 1000, CPU 1 slowed down
 * (1 ms per datagram) so its backlog mostly grows: below qlen 500 nothing is looked at; from
 * there, the flow's bucket passes 64 of the last 128 packets at the 65th, and every later
 * packet is dropped. The drops count on CPU 1 (col 2) and flow_limit_count on CPU 0 (col
 * 11), and with the bitmap at 0 nothing is dropped.
 */
static void test_flow_limit(void **state)
{
	(void)state;
	for (int on = 0; on < 2; on++) {
		rxs_host_t *h = rps_host(2, 0x2, 1000, on ? 0x1 : 0, 1000000, 4096);
		struct rxs_softnet_stat s0, s1;

		burst(h, 1000, 0);
		assert_int_equal(rxs_host_run(h), 0);
		s0 = fr_softnet(h, 0);
		s1 = fr_softnet(h, 1);
		if (!on) {
			assert_int_equal(s1.dropped, 0);
			assert_int_equal(s0.flow_limit_count, 0);
		} else {
			/* The limit looks at input_pkt_queue only: CPU 1's first two polls
			 * spliced 64 each into its process_queue, so 628 were admitted before
			 * qlen reached 500, then 64 more: 692 in, 308 dropped. */
			if (s1.dropped != 308)
				fail_msg("dropped %u, flow_limit_count %u", s1.dropped,
					 s0.flow_limit_count);
			assert_int_equal(s0.flow_limit_count, s1.dropped);
			assert_int_equal(s1.flow_limit_count, 0);
		}
		assert_int_equal(fr_drops(h, RXS_DROP_CPU_BACKLOG), s1.dropped);
		assert_int_equal(s1.processed + s1.dropped, 1000);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_squeeze),
		cmocka_unit_test(test_ring_overflow_burst),
		cmocka_unit_test(test_ring_overflow_spaced),
		cmocka_unit_test(test_backlog_drop),
		cmocka_unit_test(test_backlog_zero),
		cmocka_unit_test(test_backlog_weight),
		cmocka_unit_test(test_backlog_budget),
		cmocka_unit_test(test_rps_backlog_overflow),
		cmocka_unit_test(test_rps_local),
		cmocka_unit_test(test_rps_spread),
		cmocka_unit_test(test_flow_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
