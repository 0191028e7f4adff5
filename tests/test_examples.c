/* test_examples.c - the shipped examples, end to end, with their exact counters.
 *
 * Each row loads examples/NAME/scenario.yaml, applies its --set overrides, runs it and checks
 * the counters the example's README tells the reader to look at. Conservation holds in all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rxsim/rxsim.h"

enum what {
	MIB, SOFTNET_SQUEEZE, NIC_MISSED, NIC_RX, SOCK_RECVQ, SOCK_SYNQ, SOCK_DROPS, CONSUMED,
	TAP_CAPTURED, NF_RULE0_PKTS, NF_DROPS, TC_DROPS,
};

static const struct {
	int line;
	const char *example, *set;
	enum what what;
	const char *mib;
	uint64_t want;
} cases[] = {
	{ __LINE__, "udp-rcvbuf", NULL, MIB, "UdpRcvbufErrors", 744 },
	{ __LINE__, "udp-rcvbuf", NULL, MIB, "UdpInErrors", 744 },
	{ __LINE__, "udp-rcvbuf", NULL, SOCK_DROPS, NULL, 744 },
	{ __LINE__, "udp-rcvbuf", NULL, MIB, "UdpInDatagrams", 256 },
	{ __LINE__, "udp-rcvbuf", NULL, CONSUMED, NULL, 256 },
	{ __LINE__, "udp-rcvbuf", "sockets.mdns.rcvbuf=1048576", MIB, "UdpRcvbufErrors", 0 },
	{ __LINE__, "udp-rcvbuf", "sockets.mdns.app.read=all", MIB, "UdpInDatagrams", 1000 },
	{ __LINE__, "ring-overflow", NULL, NIC_MISSED, NULL, 1208 },
	{ __LINE__, "ring-overflow", NULL, NIC_RX, NULL, 2792 },
	{ __LINE__, "ring-overflow", NULL, SOFTNET_SQUEEZE, NULL, 4 },
	{ __LINE__, "ring-overflow", "sysctl.net.core.netdev_budget_usecs=8000", SOFTNET_SQUEEZE,
	  NULL, 0 },
	{ __LINE__, "ring-overflow", "sysctl.net.core.netdev_budget=50", SOFTNET_SQUEEZE, NULL, 43 },
	{ __LINE__, "ring-overflow", "sysctl.net.core.netdev_budget=50", NIC_MISSED, NULL, 1208 },
	{ __LINE__, "ring-overflow", "sysctl.net.core.netdev_budget=300", SOFTNET_SQUEEZE, NULL, 4 },
	{ __LINE__, "ring-overflow", "nics.eth0.ring_size=4096", NIC_MISSED, NULL, 0 },
	{ __LINE__, "ring-overflow", "cost.driver_rx=150", NIC_RX, NULL, 4000 },
	{ __LINE__, "accept-overflow", NULL, MIB, "TcpExtListenOverflows", 60 },
	{ __LINE__, "accept-overflow", NULL, MIB, "TcpExtListenDrops", 60 },
	{ __LINE__, "accept-overflow", NULL, SOCK_RECVQ, NULL, 5 },
	{ __LINE__, "accept-overflow", NULL, MIB, "TcpExtTCPPureAcks", 5 },
	{ __LINE__, "accept-overflow", "sockets.srv.app.accept=all", MIB, "TcpExtListenOverflows",
	  0 },
	{ __LINE__, "accept-overflow", "sysctl.net.core.somaxconn=2", SOCK_RECVQ, NULL, 3 },
	{ __LINE__, "syn-flood", NULL, SOCK_SYNQ, NULL, 129 },
	{ __LINE__, "syn-flood", NULL, MIB, "TcpExtTCPReqQFullDrop", 1871 },
	{ __LINE__, "syn-flood", NULL, MIB, "TcpExtTCPSynRetrans", 129 },
	{ __LINE__, "syn-flood", "sysctl.net.ipv4.tcp_syncookies=1", MIB, "TcpExtSyncookiesSent",
	  1871 },
	{ __LINE__, "syn-flood", "sysctl.net.ipv4.tcp_syncookies=1", MIB, "TcpExtListenDrops", 0 },
	{ __LINE__, "syn-flood", "sysctl.net.ipv4.tcp_max_syn_backlog=64", SOCK_SYNQ, NULL, 49 },
	{ __LINE__, "tap-vs-iptables", NULL, TAP_CAPTURED, NULL, 100 },
	{ __LINE__, "tap-vs-iptables", NULL, NF_RULE0_PKTS, NULL, 50 },
	{ __LINE__, "tap-vs-iptables", NULL, NF_DROPS, NULL, 50 },
	{ __LINE__, "tap-vs-iptables", NULL, MIB, "IpInDelivers", 50 },
	{ __LINE__, "tap-vs-iptables", NULL, MIB, "UdpNoPorts", 0 },
	{ __LINE__, "tap-vs-iptables", "taps.tcpdump.filter=udp port 6000", TAP_CAPTURED, NULL, 50 },
	{ __LINE__, "tap-vs-iptables", "netfilter=", MIB, "UdpNoPorts", 50 },
	{ __LINE__, "raw-drop", NULL, NF_DROPS, NULL, 2000 },
	{ __LINE__, "raw-drop", NULL, NF_RULE0_PKTS, NULL, 2000 },
	{ __LINE__, "raw-drop", NULL, MIB, "IpInDelivers", 500 },
	{ __LINE__, "raw-drop", NULL, MIB, "UdpInDatagrams", 500 },
	{ __LINE__, "raw-drop", NULL, TAP_CAPTURED, NULL, 2500 },
	{ __LINE__, "raw-drop", "netfilter=", MIB, "UdpRcvbufErrors", 1444 },
	{ __LINE__, "reject-ratelimit", NULL, NF_DROPS, NULL, 2000 },
	{ __LINE__, "reject-ratelimit", NULL, MIB, "IcmpOutDestUnreachs", 6 },
	{ __LINE__, "reject-ratelimit", NULL, MIB, "IcmpOutRateLimitHost", 1994 },
	{ __LINE__, "reject-ratelimit", "sysctl.net.ipv4.icmp_ratelimit=0", MIB,
	  "IcmpOutRateLimitGlobal", 1854 },
	{ __LINE__, "reuseport", NULL, SOCK_DROPS, NULL, 102 },
	{ __LINE__, "reuseport", NULL, MIB, "UdpRcvbufErrors", 102 },
	{ __LINE__, "reuseport", NULL, MIB, "UdpInDatagrams", 1898 },
	{ __LINE__, "reuseport", "sockets.worker0.app.read=all", MIB, "UdpRcvbufErrors", 0 },
	{ __LINE__, "reuseport", NULL, MIB, "TcpExtListenOverflows", 3 },
	{ __LINE__, "reuseport", NULL, MIB, "TcpPassiveOpens", 61 },
	{ __LINE__, "reuseport", NULL, MIB, "TcpOutRsts", 6 },
	{ __LINE__, "reuseport", "sockets.web0.app.accept=all", MIB, "TcpExtListenOverflows", 0 },
	{ __LINE__, "reuseport", "sockets.web0.app.accept=all", MIB, "TcpPassiveOpens", 64 },
#ifdef RXS_TC_ACL_OBJ
	/* tc-ingress with the program clang built (the scenario names tc_acl.o beside it). */
	{ __LINE__, "tc-ingress", "nics.eth0.tc_ingress.object=" RXS_TC_ACL_OBJ, TC_DROPS, NULL,
	  100 },
	{ __LINE__, "tc-ingress", "nics.eth0.tc_ingress.object=" RXS_TC_ACL_OBJ, TAP_CAPTURED,
	  NULL, 200 },
	{ __LINE__, "tc-ingress", "nics.eth0.tc_ingress.object=" RXS_TC_ACL_OBJ, MIB,
	  "UdpInDatagrams", 100 },
	{ __LINE__, "tc-ingress", "nics.eth0.tc_ingress.object=" RXS_TC_ACL_OBJ, NIC_RX, NULL,
	  200 },
#endif
	{ __LINE__, "multiqueue", NULL, NIC_MISSED, NULL, 3342 },
	{ __LINE__, "multiqueue", "nics.eth0.rx_queues=4", NIC_MISSED, NULL, 3342 },
	{ __LINE__, "multiqueue", "nics.eth0.rss.udp_4tuple=true", NIC_MISSED, NULL, 3342 },
	{ __LINE__, "multiqueue", "nics.eth0.rx_queues=4;nics.eth0.rss.udp_4tuple=true", NIC_MISSED,
	  NULL, 0 },
	{ __LINE__, "multiqueue", "nics.eth0.rx_queues=4;nics.eth0.rss.udp_4tuple=true", CONSUMED,
	  NULL, 20000 },
	{ __LINE__, "multiqueue", "nics.eth0.rps_cpus=[e]", NIC_MISSED, NULL, 0 },
};

static uint64_t measure(const rxs_host_t *h, enum what w, const char *mib)
{
	struct rxs_softnet_stat sn;
	struct rxs_nic_stats ns;
	struct rxs_socket_info si;
	struct rxs_conservation c;

	rxs_softnet_get_stat(h, 0, &sn);
	rxs_nic_get_stats(h, 0, &ns);
	rxs_socket_get_info(rxs_socket_get(h, 0), &si);
	rxs_host_conservation(h, &c);
	switch (w) {
	case TAP_CAPTURED: {
		struct rxs_tap_stats ts;

		if (!rxs_tap_get(h, 0))
			return UINT64_MAX;
		rxs_tap_get_stats(rxs_tap_get(h, 0), &ts);
		return ts.captured;
	}
	case NF_RULE0_PKTS: {
		struct rxs_ruleset_rule_info r;

		return rxs_ruleset_rule(rxs_ruleset_get(h), 0, &r) ? UINT64_MAX : r.pkts;
	}
	case NF_DROPS:
	case TC_DROPS: {
		uint64_t reasons[RXS_DROP_MAX];

		rxs_host_drop_reasons(h, reasons);
		return reasons[w == NF_DROPS ? RXS_DROP_NETFILTER_DROP : RXS_DROP_TC_INGRESS];
	}
	case MIB:
		return rxs_host_mib(h, (enum rxs_mib)rxs_mib_lookup(mib));
	case SOFTNET_SQUEEZE:
		return sn.time_squeeze;
	case NIC_MISSED:
		return ns.rx_missed_errors;
	case NIC_RX:
		return ns.rx_packets;
	case SOCK_RECVQ:
		return si.recv_q;
	case SOCK_SYNQ:
		return si.syn_q;
	case SOCK_DROPS:
		return si.drops;
	case CONSUMED:
		return c.consumed;
	}
	return 0;
}

/* "a=1;b=2": several --set overrides, in order. */
static int apply_sets(struct rxs_scenario *sc, const char *sets, char *err, size_t errlen)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", sets);
	for (char *one = strtok_r(buf, ";", &save); one; one = strtok_r(NULL, ";", &save)) {
		int rc = rxs_scenario_set(sc, one, err, errlen);

		if (rc)
			return rc;
	}
	return 0;
}

static void test_examples(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rxs_scenario *sc = NULL;
		struct rxs_conservation c;
		char path[4096], err[512];
		rxs_host_t *h = NULL;
		uint64_t got;

		snprintf(path, sizeof(path), "%s/examples/%s/scenario.yaml", RXS_SOURCE_DIR,
			 cases[i].example);
		if (rxs_scenario_load(&sc, path, err, sizeof(err)))
			fail_msg("case at line %d: %s", cases[i].line, err);
		if (cases[i].set && apply_sets(sc, cases[i].set, err, sizeof(err)))
			fail_msg("case at line %d: %s", cases[i].line, err);
		if (rxs_host_create(&h, sc, err, sizeof(err)))
			fail_msg("case at line %d: %s", cases[i].line, err);
		assert_int_equal(rxs_host_run(h), 0);
		got = measure(h, cases[i].what, cases[i].mib);
		if (got != cases[i].want)
			fail_msg("case at line %d: %s %s: got %llu, want %llu", cases[i].line,
				 cases[i].example, cases[i].mib ? cases[i].mib : "",
				 (unsigned long long)got, (unsigned long long)cases[i].want);
		assert_int_equal(rxs_host_conservation(h, &c), 0);
		rxs_host_destroy(h);
		rxs_scenario_free(sc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
