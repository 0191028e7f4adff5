/* xdp_ddos_test.c - cmocka tests of the XDP DDoS filter (xdp_ddos.bpf.c) with rxsim's library:
 * the program alone on hand-built frames (as BPF_PROG_TEST_RUN would run it, but unprivileged),
 * then on the example's host, before and after, and with the blocklist filled from the test
 * while the host runs. The pattern to copy for testing your own XDP program in CI.
 *
 * XDP_DDOS_OBJ is the object clang built (CMakeLists.txt); run from anywhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rxsim/rxsim.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define XDP_DROP 1
#define XDP_PASS 2

enum { ST_PASS, ST_BLOCKED, ST_AMPLIFIED, ST_SYN_LIMITED, ST_MAX };

/* The per-CPU stats array of @obj summed over @ncpus CPUs, into @out[ST_MAX]. */
static void stats(rxs_bpf_object_t *obj, unsigned int ncpus, uint64_t *out)
{
	uint64_t v[64];

	for (uint32_t k = 0; k < ST_MAX; k++) {
		out[k] = 0;
		assert_int_equal(rxs_bpf_map_lookup(obj, "stats", &k, v), 0);
		for (unsigned int c = 0; c < ncpus; c++)
			out[k] += v[c];
	}
}

/* ---- the program alone ---- */

static const struct {
	int line;
	const char *src;
	uint16_t sport, dport, size;
	bool syn;
	uint32_t want;
} frame_cases[] = {
	{ __LINE__, "198.51.100.1", 53, 5353, 1200, false, XDP_DROP },	/* an amplified answer */
	{ __LINE__, "198.51.100.1", 123, 5353, 600, false, XDP_DROP },	/* NTP, 558 bytes */
	{ __LINE__, "198.51.100.1", 53, 5353, 554, false, XDP_PASS },	/* 512 bytes: a reply */
	{ __LINE__, "198.51.100.1", 5000, 5353, 1200, false, XDP_PASS },	/* not a reflector */
	{ __LINE__, "192.0.2.66", 7777, 5353, 64, false, XDP_DROP },	/* blocklisted */
	{ __LINE__, "10.0.0.1", 40000, 80, 0, true, XDP_PASS },		/* a client's SYN */
};

static void test_frames(void **state)
{
	struct rxs_bpf_object_opts opts = { .sz = sizeof(opts), .ncpus = 1 };
	uint32_t blocked = 0x420200c0;		/* 192.0.2.66, network order */
	uint64_t zero = 0;
	rxs_bpf_object_t *obj;
	char err[256];

	(void)state;
	if (rxs_bpf_object_open(&obj, XDP_DDOS_OBJ, &opts, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(rxs_bpf_map_update(obj, "blocklist", &blocked, &zero, 0), 0);
	for (size_t i = 0; i < ARRAY_SIZE(frame_cases); i++) {
		struct rxs_frame_spec fs = { .src = frame_cases[i].src, .sport = frame_cases[i].sport,
					     .dport = frame_cases[i].dport,
					     .tcp_flags = RXS_TCP_SYN };
		uint8_t frame[1600];
		int len = frame_cases[i].syn ? rxs_frame_tcp(frame, sizeof(frame), &fs)
					     : rxs_frame_udp(frame, sizeof(frame), &fs);
		struct rxs_bpf_run_opts run = { .sz = sizeof(run), .data_in = frame };

		assert_true(len > 0);
		if (!frame_cases[i].syn && frame_cases[i].size > len) {
			/* rxs_frame_udp makes a header-only datagram: lengthen it here. */
			memset(frame + len, 0, frame_cases[i].size - len);
			len = frame_cases[i].size;
			frame[16] = (uint8_t)((len - 14) >> 8);
			frame[17] = (uint8_t)(len - 14);
			frame[38] = (uint8_t)((len - 34) >> 8);
			frame[39] = (uint8_t)(len - 34);
		}
		run.data_size_in = (uint32_t)len;
		assert_int_equal(rxs_bpf_prog_run(obj, "xdp_ddos", &run), 0);
		if (run.retval != frame_cases[i].want)
			fail_msg("case at line %d: verdict %u", frame_cases[i].line, run.retval);
	}
	rxs_bpf_object_close(obj);
}

/* The 17th SYN of one source within 100 ms is dropped; a new window lets it through. */
static void test_syn_window(void **state)
{
	struct rxs_bpf_object_opts opts = { .sz = sizeof(opts), .ncpus = 1 };
	struct rxs_frame_spec fs = { .src = "203.0.113.9", .dport = 80, .tcp_flags = RXS_TCP_SYN };
	rxs_bpf_object_t *obj;
	uint8_t frame[128];
	char err[256];
	int len;

	(void)state;
	if (rxs_bpf_object_open(&obj, XDP_DDOS_OBJ, &opts, err, sizeof(err)))
		fail_msg("%s", err);
	for (unsigned int i = 0; i < 18; i++) {
		struct rxs_bpf_run_opts run = { .sz = sizeof(run), .data_in = frame,
						.now_ns = 1000000ull * i };

		fs.sport = (uint16_t)(1024 + i);
		len = rxs_frame_tcp(frame, sizeof(frame), &fs);
		run.data_size_in = (uint32_t)len;
		assert_int_equal(rxs_bpf_prog_run(obj, NULL, &run), 0);
		assert_int_equal(run.retval, i < 16 ? XDP_PASS : XDP_DROP);
	}
	{
		struct rxs_bpf_run_opts run = { .sz = sizeof(run), .data_in = frame,
						.data_size_in = (uint32_t)len,
						.now_ns = 200000000ull };

		assert_int_equal(rxs_bpf_prog_run(obj, NULL, &run), 0);
		assert_int_equal(run.retval, XDP_PASS);
	}
	rxs_bpf_object_close(obj);
}

/* ---- on the example's host ---- */

/* examples/xdp-ddos/scenario.yaml with the built object, or without any program. */
static rxs_host_t *host(bool with_xdp)
{
	struct rxs_scenario *sc;
	rxs_host_t *h = NULL;
	char err[512];

	if (rxs_scenario_load(&sc, XDP_DDOS_DIR "/scenario.yaml", err, sizeof(err)) ||
	    rxs_scenario_set(sc, with_xdp ? "nics.eth0.xdp.object=" XDP_DDOS_OBJ :
					    "nics.eth0.xdp.object=\"\"", err, sizeof(err)) ||
	    rxs_host_create(&h, sc, err, sizeof(err)))
		fail_msg("%s", err);
	rxs_scenario_free(sc);
	return h;
}

static uint64_t mib(const rxs_host_t *h, const char *name)
{
	int id = rxs_mib_lookup(name);

	assert_true(id >= 0);
	return rxs_host_mib(h, (enum rxs_mib)id);
}

static void test_before(void **state)
{
	rxs_host_t *h = host(false);
	struct rxs_conservation c;

	(void)state;
	assert_int_equal(rxs_host_run(h), 0);
	assert_int_equal(mib(h, "UdpRcvbufErrors"), 844);
	assert_int_equal(mib(h, "TcpExtTCPReqQFullDrop"), 1975);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	rxs_host_destroy(h);
}

static void test_after(void **state)
{
	rxs_host_t *h = host(true);
	rxs_bpf_object_t *obj = rxs_bpf_host_object_find(h, "xdp_ddos.o");
	uint64_t st[ST_MAX];
	struct rxs_nic_stats ns;
	struct rxs_conservation c;

	(void)state;
	assert_non_null(obj);
	assert_int_equal(rxs_host_run(h), 0);
	stats(obj, rxs_host_ncpus(h), st);
	assert_int_equal(st[ST_BLOCKED], 100);
	assert_int_equal(st[ST_AMPLIFIED], 1000);
	assert_int_equal(st[ST_SYN_LIMITED], 1984);
	assert_int_equal(st[ST_PASS], 256);
	assert_int_equal(rxs_nic_get_stats(h, 0, &ns), 0);
	assert_int_equal(ns.rx_xdp_drop, 3084);
	assert_int_equal(mib(h, "UdpRcvbufErrors"), 0);
	assert_int_equal(mib(h, "UdpInDatagrams"), 200);	/* every query read */
	assert_int_equal(mib(h, "TcpExtTCPReqQFullDrop"), 0);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	rxs_host_destroy(h);
}

/* An operator blocks the SYN flood's source 5 ms in, as `bpftool map update` would: from
 * then on its SYNs count as blocked instead of rate-limited. */
static void test_block_while_running(void **state)
{
	rxs_host_t *h = host(true);
	rxs_bpf_object_t *obj = rxs_bpf_host_object_find(h, "xdp_ddos.o");
	uint32_t flood = 0x097100cb;		/* 203.0.113.9, network order */
	uint64_t zero = 0, hits = 0, st[ST_MAX];
	struct rxs_conservation c;

	(void)state;
	assert_int_equal(rxs_host_run_until(h, rxs_host_now(h) + 5000000), 0);
	assert_int_equal(rxs_bpf_map_update(obj, "blocklist", &flood, &zero, 0), 0);
	assert_int_equal(rxs_host_run(h), 0);
	assert_int_equal(rxs_bpf_map_lookup(obj, "blocklist", &flood, &hits), 0);
	stats(obj, rxs_host_ncpus(h), st);
	if (hits < 1000)
		fail_msg("hits %llu, blocked %llu, limited %llu, now %llu", (unsigned long long)hits,
			 (unsigned long long)st[ST_BLOCKED], (unsigned long long)st[ST_SYN_LIMITED],
			 (unsigned long long)rxs_host_now(h));
	assert_int_equal(st[ST_BLOCKED], 100 + hits);
	assert_int_equal(st[ST_SYN_LIMITED] + hits + 16, 2000);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	rxs_host_destroy(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_syn_window),
		cmocka_unit_test(test_before),
		cmocka_unit_test(test_after),
		cmocka_unit_test(test_block_while_running),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
