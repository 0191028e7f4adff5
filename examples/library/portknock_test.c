/* portknock_test.c - unit tests of the port-knocking hook (portknock.c) on a simulated host:
 * hand-built knock sequences, then the knocks of one client hidden in a generated SYN flood.
 * The pattern to copy for testing your own netfilter logic in CI: a host built in code, your
 * hook registered on it, frames injected at chosen virtual times, and the host's counters
 * (drop reasons, nstat, ss) checked after the run.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <rxsim/rxsim.h>

#include "portknock.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct fixture {
	rxs_host_t *h;
	struct portknock pk;
	uint8_t mac[6];
	rxs_socket_t *ssh;		/* the listener */
};

/* A host with eth0 10.0.0.2/24, an sshd listening on TCP port 22, the hook registered. */
static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct rxs_scenario *sc;
	struct rxs_nic_config *nic;
	struct rxs_socket_config *so;
	char err[256];

	if (!fx || rxs_scenario_create(&sc))
		return -1;
	nic = rxs_scenario_add_nic(sc);
	rxs_addr_parse(&nic->addrs[nic->naddrs++], "10.0.0.2/24");
	memcpy(fx->mac, nic->mac, 6);
	so = rxs_scenario_add_socket(sc);
	snprintf(so->name, sizeof(so->name), "sshd");
	so->proto = IPPROTO_TCP;
	so->port = 22;
	if (rxs_host_create(&fx->h, sc, err, sizeof(err))) {
		print_error("rxs_host_create: %s\n", err);
		return -1;
	}
	rxs_scenario_free(sc);
	fx->ssh = rxs_socket_lookup(fx->h, "sshd");
	if (portknock_register(&fx->pk, fx->h))
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	rxs_host_destroy(fx->h);
	free(fx);
	return 0;
}

static void syn(struct fixture *fx, const char *src, uint16_t dport, uint64_t t)
{
	struct rxs_frame_spec s = { .src = src, .sport = 40000, .dst = "10.0.0.2", .dport = dport,
				    .tcp_flags = RXS_TCP_SYN, .seq = 1000, .window = 64240,
				    .df = true, .pad = true };
	uint8_t f[64];
	int len;

	memcpy(s.dst_mac, fx->mac, 6);
	len = rxs_frame_tcp(f, sizeof(f), &s);
	assert_true(len > 0);
	assert_int_equal(rxs_host_inject(fx->h, 0, f, (uint32_t)len, t), 0);
}

static uint64_t drops(const rxs_host_t *h, enum rxs_drop_reason r)
{
	uint64_t reasons[RXS_DROP_MAX];

	rxs_host_drop_reasons(h, reasons);
	return reasons[r];
}

static const struct {
	int line;
	uint16_t knocks[4];
	unsigned int n;
	uint64_t gap_ns;		/* between knocks, and before the SYN to port 22 */
	bool open;
} knock_cases[] = {
	{ __LINE__, { 7000, 8000, 9000 }, 3, 1000000, true },
	{ __LINE__, { 0 }, 0, 1000000, false },				/* no knock */
	{ __LINE__, { 8000, 7000, 9000 }, 3, 1000000, false },		/* wrong order */
	{ __LINE__, { 7000, 8000 }, 2, 1000000, false },			/* incomplete */
	{ __LINE__, { 7000, 8000, 1234, 9000 }, 4, 1000000, false },	/* a wrong port */
	{ __LINE__, { 7000, 7000, 8000, 9000 }, 4, 1000000, true },	/* starts over */
	{ __LINE__, { 7000, 8000, 9000 }, 3, 6000000000ull, false },	/* 12 s: too slow */
};

static void test_knock_sequences(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(knock_cases); i++) {
		struct fixture *fx;
		struct rxs_socket_info si;
		uint64_t t = 0;

		assert_int_equal(setup((void **)&fx), 0);
		for (unsigned int k = 0; k < knock_cases[i].n; k++, t += knock_cases[i].gap_ns)
			syn(fx, "10.0.0.10", knock_cases[i].knocks[k], t);
		syn(fx, "10.0.0.10", 22, t);
		assert_int_equal(rxs_host_run_until(fx->h, t + 1000000), 0);
		assert_int_equal(rxs_socket_get_info(fx->ssh, &si), 0);
		if (fx->pk.accepted != (knock_cases[i].open ? 1u : 0u) ||
		    si.syn_q != fx->pk.accepted ||
		    drops(fx->h, RXS_DROP_NETFILTER_DROP) != fx->pk.dropped)
			fail_msg("case at line %d: accepted %lu dropped %lu syn_q %lu",
				 knock_cases[i].line, (unsigned long)fx->pk.accepted,
				 (unsigned long)fx->pk.dropped, (unsigned long)si.syn_q);
		teardown((void **)&fx);
	}
	(void)state;
}

/* Another source's knocks open nothing for this one. */
static void test_knocks_are_per_source(void **state)
{
	struct fixture *fx = *state;

	syn(fx, "10.0.0.10", 7000, 0);
	syn(fx, "10.0.0.10", 8000, 1000);
	syn(fx, "10.0.0.10", 9000, 2000);
	syn(fx, "10.0.0.11", 22, 3000);
	syn(fx, "10.0.0.10", 22, 4000);
	assert_int_equal(rxs_host_run_until(fx->h, 1000000), 0);
	assert_int_equal(fx->pk.dropped, 1);
	assert_int_equal(fx->pk.accepted, 1);
}

/* 20000 SYNs to port 22 from 256 addresses at 1 Mpps, and one client that knocks in the
 * middle of it: every SYN of the flood is dropped by the hook (NETFILTER_DROP), none reaches
 * the listener's SYN queue, and the client gets through. */
static void test_syn_flood(void **state)
{
	struct fixture *fx = *state;
	struct rxs_gen_tcp g = {
		.kind = RXS_GEN_SYN_FLOOD, .dport = 22, .sources = 256, .rate_pps = 1e6,
		.count = 20000, .seed = 7,
	};
	static const uint16_t client[4] = { 7000, 8000, 9000, 22 };
	struct rxs_socket_info si;
	struct rxs_conservation c;
	rxs_source_t *src;
	struct rxs_frame f;
	unsigned int next = 0;

	memcpy(g.dst_mac, fx->mac, 6);
	memcpy(g.src_mac, (uint8_t[6]){ 0x02, 0, 0, 0, 0, 0x01 }, 6);
	rxs_addr_parse(&g.dst, "10.0.0.2");
	rxs_addr_parse(&g.src, "198.51.100.1");
	assert_int_equal(rxs_source_open_gen_tcp(&src, &g), 0);
	while (rxs_source_next(src, &f) == 1) {
		/* The client's four SYNs, 1 ms apart from 5 ms on, between the flood's. */
		while (next < 4 && 5000000 + next * 1000000ull <= f.ts_ns) {
			syn(fx, "10.0.0.10", client[next], 5000000 + next * 1000000ull);
			next++;
		}
		assert_int_equal(rxs_host_inject(fx->h, 0, f.data, f.len, f.ts_ns), 0);
	}
	rxs_source_close(src);
	assert_int_equal(next, 4);
	assert_int_equal(rxs_host_run_until(fx->h, 100000000), 0);

	assert_int_equal(fx->pk.dropped, 20000);
	assert_int_equal(fx->pk.accepted, 1);
	assert_int_equal(drops(fx->h, RXS_DROP_NETFILTER_DROP), 20000);
	assert_int_equal(rxs_socket_get_info(fx->ssh, &si), 0);
	assert_int_equal(si.syn_q, 1);
	assert_int_equal(rxs_host_mib(fx->h, RXS_MIB_TcpExtListenOverflows), 0);
	assert_int_equal(rxs_host_mib(fx->h, RXS_MIB_TcpExtTCPReqQFullDoCookies), 0);
	/* Every frame is accounted for: the knocks to closed ports were answered with RSTs. */
	assert_int_equal(rxs_host_conservation(fx->h, &c), 0);
	assert_int_equal(c.offered, 20004);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_knock_sequences),
		cmocka_unit_test_setup_teardown(test_knocks_are_per_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syn_flood, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
