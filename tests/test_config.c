/* test_config.c - the scenario parser: the oracle cases, defaults, errors, --set, units; the
 * default host of a bare capture (capture.c) and the YAML writer (emit.c). */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "rxsim/config.h"
#include "rxsim/error.h"
#include "capw.h"

#define CASES RXS_SOURCE_DIR "/tests/oracle/cases/"

static int parse(struct rxs_scenario **scp, const char *text, char *err, size_t errlen)
{
	return rxs_scenario_parse(scp, text, strlen(text), "t.yaml", NULL, err, errlen);
}

/* ---- the five oracle scenarios ---- */

static const struct {
	int line;
	const char *name;
	unsigned int nsockets;
	int proto;
	uint16_t port;
	int backlog;
	int64_t rcvbuf;
	enum rxs_app_kind app;
	uint64_t until_ns;
	const char *pcap;
	bool netfilter;
} oracle_cases[] = {
	{ __LINE__, "accept-overflow", 1, IPPROTO_TCP, 5000, 4, -1, RXS_APP_NEVER, 4162000000,
	  "full.pcap", false },
	{ __LINE__, "icmp-echo", 0, 0, 0, 0, 0, 0, 2707000000, "ingress.pcap", false },
	{ __LINE__, "nft-input-drop", 1, IPPROTO_UDP, 6001, 128, -1, RXS_APP_ALL, 1137000000,
	  "ingress.pcap", true },
	{ __LINE__, "synq-syncookies-on", 1, IPPROTO_TCP, 5001, 16, -1, RXS_APP_NEVER, 1690000000,
	  "full.pcap", false },
	{ __LINE__, "udp-rcvbuf", 1, IPPROTO_UDP, 6100, 128, 4096, RXS_APP_NEVER, 1138000000,
	  "ingress.pcap", false },
};

static void check_oracle_nic(const struct rxs_scenario *sc)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x0a, 0x4d, 0x00, 0x02 };
	char buf[64];

	assert_int_equal(sc->nnics, 1);
	assert_string_equal(sc->nics[0].name, "eth0");
	assert_memory_equal(sc->nics[0].mac, mac, 6);
	assert_int_equal(sc->nics[0].driver, RXS_DRIVER_VETH);
	assert_false(sc->nics[0].gro);
	assert_int_equal(sc->nics[0].naddrs, 1);
	assert_string_equal(rxs_addr_format(&sc->nics[0].addrs[0], buf, sizeof(buf)), "10.77.0.2");
	assert_int_equal(sc->nics[0].addrs[0].prefix, 24);
	assert_int_equal(sc->nics[0].irq_affinity[0], 0);
	assert_int_equal(sc->nics[0].rps_cpus[0], 0);
}

static void test_oracle_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(oracle_cases); i++) {
		struct rxs_scenario *sc;
		char dir[400], path[512], pcap[512], err[512];
		int rc;

		snprintf(dir, sizeof(dir), CASES "%.64s", oracle_cases[i].name);
		snprintf(path, sizeof(path), "%s/scenario.yaml", dir);
		snprintf(pcap, sizeof(pcap), "%s/%s", dir, oracle_cases[i].pcap);
		rc = rxs_scenario_load(&sc, path, err, sizeof(err));
		if (rc)
			fail_msg("case at line %d: %s", oracle_cases[i].line, err);
		assert_string_equal(sc->path, path);
		assert_string_equal(sc->dir, dir);
		assert_int_equal(sc->host.cpus, 1);
		assert_int_equal(sc->host.hz, 250);
		assert_int_equal(rxs_scenario_sysctl(sc, RXS_SYSCTL_NETDEV_MAX_BACKLOG), 1000);
		assert_int_equal(rxs_scenario_sysctl(sc, RXS_SYSCTL_NETDEV_BUDGET_USECS), 8000);
		check_oracle_nic(sc);
		assert_int_equal(sc->nsockets, oracle_cases[i].nsockets);
		if (sc->nsockets) {
			assert_int_equal(sc->sockets[0].proto, oracle_cases[i].proto);
			assert_int_equal(sc->sockets[0].port, oracle_cases[i].port);
			assert_int_equal(sc->sockets[0].backlog, oracle_cases[i].backlog);
			assert_int_equal(sc->sockets[0].rcvbuf, oracle_cases[i].rcvbuf);
			assert_int_equal(sc->sockets[0].app.kind, oracle_cases[i].app);
		}
		assert_int_equal(sc->ntraffic, 1);
		assert_int_equal(sc->traffic[0].kind, RXS_TRAFFIC_PCAP);
		assert_string_equal(sc->traffic[0].path, pcap);
		assert_string_equal(sc->traffic[0].nic, "eth0");
		assert_int_equal(sc->run.until, RXS_UNTIL_TIME);
		assert_int_equal(sc->run.ns, oracle_cases[i].until_ns);
		assert_int_equal(sc->netfilter != NULL, oracle_cases[i].netfilter);
		rxs_scenario_free(sc);
	}
}

/* The line netfilter_line names must be the "*filter" line of the file. */
static void test_netfilter_line(void **state)
{
	const char *path = CASES "nft-input-drop/scenario.yaml";
	struct rxs_scenario *sc;
	char err[512], line[512];
	unsigned int n = 0;
	FILE *f;

	(void)state;
	assert_int_equal(rxs_scenario_load(&sc, path, err, sizeof(err)), 0);
	assert_non_null(sc->netfilter);
	assert_true(strncmp(sc->netfilter, "*filter\n:INPUT ACCEPT [0:0]\n", 28) == 0);
	assert_non_null(strstr(sc->netfilter, "-A INPUT -p udp --dport 6001\nCOMMIT\n"));
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) && ++n < sc->netfilter_line)
		;
	fclose(f);
	assert_string_equal(line, "  *filter\n");
	assert_int_equal(sc->ntaps, 1);
	assert_string_equal(sc->taps[0].name, "tcpdump");
	assert_string_equal(sc->taps[0].filter, "");
	assert_null(sc->taps[0].write);
	assert_int_equal(sc->taps[0].ring_frames, 4096);
	rxs_scenario_free(sc);
}

/* ---- defaults ---- */

static void test_defaults(void **state)
{
	static const uint8_t mac1[6] = { 0x02, 0, 0, 0, 0, 0x03 };
	struct rxs_scenario *sc;

	(void)state;
	assert_int_equal(rxs_scenario_create(&sc), 0);
	assert_int_equal(sc->host.cpus, 1);
	assert_int_equal(sc->host.hz, 250);
	assert_int_equal(sc->run.until, RXS_UNTIL_END);
	assert_int_equal(sc->run.ns, 1000000000);
	assert_int_equal(rxs_scenario_sysctl(sc, RXS_SYSCTL_NETDEV_BUDGET), 300);
	assert_int_equal(rxs_scenario_sysctl(sc, RXS_SYSCTL_NETDEV_BUDGET_USECS), 8000);
	assert_int_equal(sc->sysctl.val[RXS_SYSCTL_NETDEV_BUDGET_USECS][0], 0);
	assert_int_equal(sc->sysctl.val[RXS_SYSCTL_TCP_RMEM][2], 33554432);
	assert_int_equal(sc->cost.ns[RXS_COST_HARDIRQ], 1000);
	assert_int_equal(sc->cost.ns[RXS_COST_PER_BYTE_X1000], 30);
	sc->host.hz = 1000;
	assert_int_equal(rxs_scenario_sysctl(sc, RXS_SYSCTL_NETDEV_BUDGET_USECS), 2000);
	sc->host.cpus = 4;
	assert_non_null(rxs_scenario_add_nic(sc));
	assert_non_null(rxs_scenario_add_nic(sc));
	assert_string_equal(sc->nics[1].name, "eth1");
	assert_memory_equal(sc->nics[1].mac, mac1, 6);
	assert_int_equal(sc->nics[1].mtu, 1500);
	assert_int_equal(sc->nics[1].ring_size, 512);
	assert_int_equal(sc->nics[1].rx_frames, 1);
	assert_int_equal(sc->nics[1].irq_affinity[5], 1);
	assert_true(sc->nics[1].gro);
	assert_non_null(rxs_scenario_add_socket(sc));
	assert_int_equal(sc->sockets[0].backlog, 128);
	assert_int_equal(sc->sockets[0].rcvbuf, -1);
	assert_int_equal(sc->sockets[0].app.cpu, -1);
	assert_non_null(rxs_scenario_add_tap(sc));
	assert_string_equal(sc->taps[0].filter, "");
	assert_non_null(rxs_scenario_add_traffic(sc));
	assert_string_equal(sc->traffic[0].nic, "eth0");
	assert_true(sc->traffic[0].speed == 1.0);
	assert_int_equal(sc->traffic[0].dport, 9);
	rxs_scenario_free(sc);
	rxs_scenario_free(NULL);
}

static void test_parse_defaults(void **state)
{
	const char *text = "host: { cpus: 4 }\n"
			   "nics:\n"
			   "  - { rx_queues: 4, irq_affinity: [3], rps_cpus: [[1, 2], 0f] }\n"
			   "  - { driver: veth }\n"
			   "traffic:\n  - { pcap: x.pcap }\n"
			   "  - { generate: syn_flood, nic: eth1 }\n"
			   "  - { pcap: /abs/y.pcap }\n";
	struct rxs_scenario *sc;
	char err[256];
	int rc;

	(void)state;
	rc = rxs_scenario_parse(&sc, text, strlen(text), "t.yaml", "/d", err, sizeof(err));
	if (rc)
		fail_msg("%s", err);
	assert_int_equal(sc->nnics, 2);
	assert_string_equal(sc->nics[0].name, "eth0");
	assert_int_equal(sc->nics[0].irq_affinity[0], 3);
	assert_int_equal(sc->nics[0].irq_affinity[1], 1);
	assert_int_equal(sc->nics[0].irq_affinity[3], 3);
	assert_int_equal(sc->nics[0].rps_cpus[0], 0x6);
	assert_int_equal(sc->nics[0].rps_cpus[1], 0xf);
	assert_int_equal(sc->nics[0].rps_cpus[2], 0);
	assert_string_equal(sc->nics[1].name, "eth1");
	assert_false(sc->nics[1].gro);
	assert_string_equal(sc->traffic[0].path, "/d/x.pcap");
	assert_string_equal(sc->traffic[0].nic, "eth0");
	assert_int_equal(sc->traffic[1].kind, RXS_TRAFFIC_GENERATE);
	assert_string_equal(sc->traffic[1].generator, "syn_flood");
	assert_string_equal(sc->traffic[1].nic, "eth1");
	assert_int_equal(sc->traffic[1].flows, 1);
	assert_int_equal(sc->traffic[1].size, 64);
	assert_string_equal(sc->traffic[2].path, "/abs/y.pcap");
	rxs_scenario_free(sc);
}

static void test_parse_values(void **state)
{
	const char *text = "sysctl:\n  net.ipv4.tcp_rmem: 4096 87380 6291456\n"
			   "  net.ipv4.tcp_wmem: [1, 2, 3]\n"
			   "  net.core.flow_limit_cpu_bitmap: \"0f\"\n"
			   "cost: { udp_rcv: 200 }\nrun: { until: end+500ms }\n"
			   "sockets:\n"
			   "  - { name: a, proto: udp, bind: '[fd00::2]:53',\n"
			   "      app: { read: 10MB/s, cpu: 0 } }\n"
			   "  - { name: b, proto: udp, bind: '*:54',\n"
			   "      app: { read: { batch: 64, every: 1ms } } }\n"
			   "  - { name: c, proto: tcp, bind: ':80', defer_accept: 5,\n"
			   "      app: { accept: 1000/s } }\n"
			   "  - { name: d, proto: udp, bind: 10.0.0.2:55,\n"
			   "      app: { read: 50kpps } }\n"
			   "  - { name: e, proto: udp, bind: '[::]:5353', multicast_all: false,\n"
			   "      join: [224.0.0.251, { group: 'ff02::fb', nic: eth1 }] }\n"
			   "  - { name: f, proto: tcp, bind: '10.0.0.2:40000',\n"
			   "      connect: '198.51.100.7:22', app: { read: never } }\n"
			   "  - { name: g, proto: tcp, bind: '[fd00::2]:179', connect: '[fd00::9]:50000' }\n"
			   "nics: [{ name: eth0 }, { name: eth1 }]\n";
	struct rxs_scenario *sc;
	char err[256];
	int rc;

	(void)state;
	rc = parse(&sc, text, err, sizeof(err));
	if (rc)
		fail_msg("%s", err);
	assert_int_equal(sc->sysctl.val[RXS_SYSCTL_TCP_RMEM][1], 87380);
	assert_int_equal(sc->sysctl.val[RXS_SYSCTL_TCP_WMEM][2], 3);
	assert_int_equal(sc->sysctl.val[RXS_SYSCTL_FLOW_LIMIT_CPU_BITMAP][0], 15);
	assert_true(sc->sysctl_set[RXS_SYSCTL_TCP_RMEM]);
	assert_false(sc->sysctl_set[RXS_SYSCTL_NETDEV_BUDGET]);
	assert_int_equal(sc->cost.ns[RXS_COST_UDP_RCV], 200);
	assert_int_equal(sc->run.until, RXS_UNTIL_END);
	assert_int_equal(sc->run.ns, 500000000);
	assert_int_equal(sc->sockets[5].peer.family, AF_INET);
	assert_int_equal(sc->sockets[2].defer_accept, 5);
	assert_int_equal(sc->sockets[1].defer_accept, 0);
	assert_int_equal(sc->sockets[5].peer.addr[0], 198);
	assert_int_equal(sc->sockets[5].peer_port, 22);
	assert_int_equal(sc->sockets[5].conn_read.kind, RXS_APP_NEVER);
	assert_int_equal(sc->sockets[6].peer.family, AF_INET6);
	assert_int_equal(sc->sockets[6].peer_port, 50000);
	assert_int_equal(sc->sockets[4].peer.family, 0);	/* not connected */
	assert_int_equal(sc->sockets[0].local.family, AF_INET6);
	assert_int_equal(sc->sockets[0].app.kind, RXS_APP_RATE);
	assert_true(sc->sockets[0].app.rate_bytes);
	assert_true(sc->sockets[0].app.rate == 10e6);
	assert_int_equal(sc->sockets[0].app.cpu, 0);
	assert_int_equal(sc->sockets[1].app.kind, RXS_APP_BATCH);
	assert_int_equal(sc->sockets[1].app.batch, 64);
	assert_int_equal(sc->sockets[1].app.every_ns, 1000000);
	assert_int_equal(sc->sockets[1].port, 54);
	assert_int_equal(sc->sockets[2].app.kind, RXS_APP_RATE);
	assert_true(sc->sockets[2].app.rate == 1000);
	assert_false(sc->sockets[3].app.rate_bytes);
	assert_true(sc->sockets[3].app.rate == 50e3);
	assert_int_equal(sc->sockets[3].njoin, 0);
	assert_false(sc->sockets[3].mc_all_off);
	assert_int_equal(sc->sockets[4].njoin, 2);
	assert_true(sc->sockets[4].mc_all_off);
	assert_int_equal(sc->sockets[4].join[0].group.family, AF_INET);
	assert_int_equal(sc->sockets[4].join[0].group.addr[3], 251);
	assert_string_equal(sc->sockets[4].join[0].nic, "");
	assert_int_equal(sc->sockets[4].join[1].group.family, AF_INET6);
	assert_int_equal(sc->sockets[4].join[1].group.addr[15], 0xfb);
	assert_string_equal(sc->sockets[4].join[1].nic, "eth1");
	rxs_scenario_free(sc);
}

/* ---- errors: exact position and wording ---- */

static const struct {
	int line;
	const char *yaml;
	const char *want;
} error_cases[] = {
	{ __LINE__, "host: { cpus: 2 }\nnics:\n  - name: eth0\n    ring_szie: 64\n",
	  "t.yaml:4:5: nics[0]: unknown key 'ring_szie' (did you mean 'ring_size'?)" },
	{ __LINE__, "hsot: { cpus: 2 }\n",
	  "t.yaml:1:1: unknown key 'hsot' (did you mean 'host'?)" },
	{ __LINE__, "bogus: 1\n", "t.yaml:1:1: unknown key 'bogus'" },
	{ __LINE__, "sysctl:\n  net.core.netdev_budgte: 600\n",
	  "t.yaml:2:3: sysctl: unknown sysctl 'net.core.netdev_budgte' "
	  "(did you mean 'net.core.netdev_budget'?)" },
	{ __LINE__, "nics:\n  - ring_size: 1000\n",
	  "t.yaml:2:16: nics[0].ring_size: 1000 is not a power of two" },
	{ __LINE__, "nics:\n  - ring_size: 131072\n",
	  "t.yaml:2:16: nics[0].ring_size: 131072 is out of range [2, 65536]" },
	{ __LINE__, "sockets:\n  - { proto: udp, bind: ':53', rcvbuf: -4096 }\n",
	  "t.yaml:2:40: sockets[0].rcvbuf: -4096 is negative" },
	{ __LINE__, "sysctl:\n  net.core.netdev_budget: 99999999999999999999\n",
	  "t.yaml:2:27: sysctl.net.core.netdev_budget: 99999999999999999999 is too large" },
	{ __LINE__, "sysctl:\n  net.core.netdev_budget: 0\n",
	  "t.yaml:2:27: sysctl.net.core.netdev_budget: 0 is out of range [1, 1000000]" },
	{ __LINE__, "sysctl:\n  net.core.netdev_budget: 3.5\n",
	  "sysctl.net.core.netdev_budget: '3.5' is not a whole number" },
	{ __LINE__, "sysctl:\n  net.ipv4.tcp_rmem: 4096 131072\n",
	  "t.yaml:2:22: sysctl.net.ipv4.tcp_rmem: expected 3 numbers (min default max), got 2" },
	{ __LINE__, "host: { cpus: 1 }\nhost: { cpus: 2 }\n", "t.yaml:2:1: duplicate key 'host'" },
	{ __LINE__, "nics:\n  - { mtu: 1500, mtu: 9000 }\n",
	  "t.yaml:2:18: nics[0]: duplicate key 'mtu'" },
	{ __LINE__, "- host\n- nics\n", "t.yaml:1:1: the top level must be a mapping" },
	{ __LINE__, "just text\n", "t.yaml:1:1: the top level must be a mapping" },
	{ __LINE__, "", "t.yaml:1:1: empty scenario" },
	{ __LINE__, "# only a comment\n", "t.yaml:1:1: empty scenario" },
	{ __LINE__, "nics:\n  - addresses: [10.0.0.2/24, 10.0.0.300/24]\n",
	  "t.yaml:2:30: nics[0].addresses: '10.0.0.300/24' is not an address" },
	{ __LINE__, "nics:\n  - addresses: [10.0.0.2/33]\n", "'10.0.0.2/33' is not an address" },
	{ __LINE__, "nics:\n  - mac: 02:00:00:00:00\n",
	  "t.yaml:2:10: nics[0].mac: '02:00:00:00:00' is not a MAC address" },
	{ __LINE__, "nics:\n  - mac: 02:00:00:00:00:zz\n", "is not a MAC address" },
	{ __LINE__, "nics: [{}]\ntraffic:\n  - { generate: udp_flood, rate: 2Mbps }\n",
	  "t.yaml:3:34: traffic[0].rate: '2Mbps' is not a rate" },
	{ __LINE__, "sockets:\n  - { proto: udp, bind: ':53', app: { read: fast } }\n",
	  "t.yaml:2:45: sockets[0].app.read: 'fast' is not all, never, a rate" },
	{ __LINE__, "host: { cpus: 2\nnics: []\n",
	  "t.yaml:2:5: did not find expected ',' or '}' while parsing a flow mapping" },
	{ __LINE__, "nics:\n\t- name: eth0\n", "t.yaml:2:1: found character that cannot start" },
	{ __LINE__, "host: { cpus: 0 }\n", "t.yaml:1:15: host.cpus: 0 is out of range [1, 64]" },
	{ __LINE__, "host: { cpus: 65 }\n", "host.cpus: 65 is out of range [1, 64]" },
	{ __LINE__, "host: { cpus: two }\n", "host.cpus: 'two' is not a whole number" },
	{ __LINE__, "host: { cpus: }\n", "host.cpus: missing value" },
	{ __LINE__, "host: { cpus: [1] }\n", "host.cpus: expected a single value, got a list" },
	{ __LINE__, "host: [1]\n", "t.yaml:1:7: host: expected a mapping of keys, got a list" },
	{ __LINE__, "nics:\n  - rx_queues: 65\n", "nics[0].rx_queues: 65 is out of range [1, 64]" },
	{ __LINE__, "nics:\n  - { rx_queues: 2, irq_affinity: [0, 1] }\n",
	  "t.yaml:2:39: nics[0].irq_affinity: CPU 1 does not exist (host.cpus is 1)" },
	{ __LINE__, "host: { cpus: 2 }\nnics:\n  - { irq_affinity: [0, 1] }\n",
	  "t.yaml:3:21: nics[0].irq_affinity: 2 entries for 1 rx_queues" },
	{ __LINE__, "nics:\n  - { rps_cpus: [\"f\"] }\n",
	  "nics[0].rps_cpus: mask f names CPUs beyond host.cpus (1)" },
	{ __LINE__, "nics:\n  - { rps_cpus: [xyz] }\n", "'xyz' is not a hex CPU mask" },
	{ __LINE__, "nics:\n  - { driver: e1000 }\n",
	  "unknown driver 'e1000' (generic, veth, loopback or bridge)" },
	{ __LINE__, "routes:\n  - { to: 10.0.0.0/8 }\n", "a route needs 'dev' (a NIC's name)" },
	{ __LINE__, "routes:\n  - { to: 10.0.0/8, dev: eth0 }\n",
	  "'10.0.0/8' is not an IPv4 or IPv6 prefix (like 172.17.0.0/16, fd00:1::/64 or default)" },
	{ __LINE__, "routes:\n  - { to: default, via: 10.0.0.1/24, dev: eth0 }\n",
	  "'10.0.0.1/24' is not an IPv4 or IPv6 address (like 10.0.0.1 or fd00:1::1)" },
	{ __LINE__, "nics:\n  - { name: eth0 }\n  - { name: eth0 }\n",
	  "t.yaml:3:13: nics[1]: two NICs named 'eth0'" },
	{ __LINE__, "nics:\n  - { name: a.b }\n", "name 'a.b' may not contain '.'" },
	{ __LINE__, "sockets:\n  - { proto: udp, bind: ':80', app: { accept: all } }\n",
	  "sockets[0].app.accept: accept: is for TCP listeners; a UDP socket takes read:" },
	{ __LINE__, "sockets:\n  - { proto: udp }\n", "t.yaml:2:5: sockets[0]: missing bind:" },
	{ __LINE__, "sockets:\n  - { bind: ':53' }\n", "sockets[0]: missing proto:" },
	{ __LINE__, "sockets:\n  - { proto: sctp, bind: ':1' }\n", "unknown proto 'sctp'" },
	{ __LINE__, "sockets:\n  - { proto: udp, bind: 'fd00::2:53' }\n",
	  "sockets[0].bind: 'fd00::2:53' is not ip:port" },
	{ __LINE__, "sockets:\n  - { proto: udp, bind: '10.0.0.1:0' }\n", "is not ip:port" },
	{ __LINE__, "sockets:\n  - { proto: udp, bind: ':1', app: { read: { batch: 8 } } }\n",
	  "sockets[0].app.read: needs both batch: and every:" },
	{ __LINE__, "nics: [{}]\ntraffic:\n  - { generate: udp_flod }\n",
	  "traffic[0].generate: unknown generator 'udp_flod' (did you mean 'udp_flood'?)" },
	{ __LINE__, "nics: [{}]\ntraffic:\n  - { pcap: a.pcap, checksums: recompte }\n",
	  "t.yaml:3:32: traffic[0].checksums: unknown checksums 'recompte' (did you mean "
	  "'recompute'?)" },
	{ __LINE__, "nics: [{}]\ntraffic:\n  - { pcap: a.pcap, checksums: none }\n",
	  "unknown checksums 'none' (auto, verify or recompute)" },
	{ __LINE__, "nics: [{}]\ntraffic:\n  - { pcap: a.pcap, nic: eht0 }\n",
	  "t.yaml:3:26: traffic[0].nic: no NIC named 'eht0' (did you mean 'eth0'?)" },
	{ __LINE__, "traffic:\n  - { pcap: a.pcap }\n",
	  "t.yaml:2:5: traffic[0]: no NIC to send to: nics: is empty" },
	{ __LINE__, "nics: [{}]\ntraffic:\n  - { nic: eth0 }\n", "traffic[0]: needs pcap: FILE" },
	{ __LINE__, "nics: [{}]\ntraffic:\n  - { pcap: a, flows: 3 }\n",
	  "traffic[0]: flows: is for generate: sources" },
	{ __LINE__, "nics: [{}]\ntraffic:\n  - { pcap: a, speed: -1 }\n",
	  "traffic[0].speed: -1 is negative" },
	{ __LINE__, "run: { until: soon }\n", "run.until: 'soon' is not end, end+DURATION" },
	{ __LINE__, "run: { until: 2m }\n", "run.until: '2m' is not end" },
	{ __LINE__, "cost: { udp_rvc: 1 }\n",
	  "cost: unknown cost 'udp_rvc' (did you mean 'udp_rcv'?)" },
	{ __LINE__, "netfilter: [a]\n", "netfilter: expected a single value, got a list" },
	{ __LINE__, "host: {}\n---\nhost: {}\n", "t.yaml:2:1: a scenario is one YAML document" },
	{ __LINE__, "host: { cpus: \"1\\0\" }\n", "host.cpus: value contains a NUL byte" },
	{ __LINE__, "? [a]\n: 1\n", "t.yaml:1:3: a key must be a name, not a list" },
	/* join: IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP */
	{ __LINE__, "sockets:\n  - { proto: udp, bind: ':53', join: [239.1.1.1, 10.0.0.1] }\n",
	  "t.yaml:2:50: sockets[0].join[1]: '10.0.0.1' is not a multicast group "
	  "(224.0.0.0/4 or ff00::/8)" },
	{ __LINE__, "sockets:\n  - { proto: udp, bind: ':53', join: [fe80::1] }\n",
	  "t.yaml:2:39: sockets[0].join[0]: 'fe80::1' is not a multicast group" },
	{ __LINE__, "sockets:\n  - { proto: udp, bind: ':53', join: [239.1.1.1/8] }\n",
	  "sockets[0].join[0]: '239.1.1.1/8' is not an address (like 239.1.1.1 or ff02::fb)" },
	{ __LINE__, "sockets:\n  - { proto: udp, bind: ':53', join: 239.1.1.1 }\n",
	  "t.yaml:2:38: sockets[0].join: expected a list of groups like [239.1.1.1, ff02::fb]" },
	{ __LINE__, "sockets:\n  - { proto: tcp, bind: ':80', join: [239.1.1.1] }\n",
	  "t.yaml:2:38: sockets[0].join: join: is for UDP sockets" },
	{ __LINE__, "sockets:\n  - { proto: udp, bind: '0.0.0.0:53', join: [ff02::fb] }\n",
	  "sockets[0].join[0]: an IPv4 socket cannot join an IPv6 group; bind it to [::]:PORT" },
	{ __LINE__, "nics: [{ name: eth0 }]\n"
		    "sockets:\n  - { proto: udp, bind: ':53', join: [{ group: 239.1.1.1, nic: eht0 }] }\n",
	  "t.yaml:3:64: sockets[0].join[0].nic: no NIC or VLAN device named 'eht0' (did you "
	  "mean 'eth0'?)" },
	{ __LINE__, "nics: [{ name: eth0, vlans: [{ id: 202 }] }]\n"
		    "sockets:\n  - { proto: udp, bind: ':53', join: [{ group: 239.1.1.1, nic: eth0.203 "
		    "}] }\n",
	  "t.yaml:3:64: sockets[0].join[0].nic: no NIC or VLAN device named 'eth0.203' (did you "
	  "mean 'eth0.202'?)" },
	{ __LINE__, "sockets:\n  - { proto: udp, bind: ':53', join: [{ gruop: 239.1.1.1 }] }\n",
	  "sockets[0].join[0]: unknown key 'gruop' (did you mean 'group'?)" },
	{ __LINE__, "nics: [{ name: eth0 }]\n"
		    "sockets:\n  - { proto: udp, bind: ':53', join: [{ nic: eth0 }] }\n",
	  "sockets[0].join[0]: missing group: (like 239.1.1.1)" },
	{ __LINE__, "sockets:\n  - { proto: udp, bind: ':53', multicast_all: maybe }\n",
	  "sockets[0].multicast_all:" },
	{ __LINE__, "sockets:\n  - { proto: udp, bind: ':53', defer_accept: 3 }\n",
	  "t.yaml:2:46: sockets[0]: defer_accept: only a TCP listener takes TCP_DEFER_ACCEPT" },
	{ __LINE__, "sockets:\n  - { proto: tcp, bind: ':80', defer_accept: -1 }\n",
	  "sockets[0].defer_accept:" },
	{ __LINE__, "sockets:\n  - { proto: udp, bind: '10.0.0.2:53', connect: 10.0.0.1:53 }\n",
	  "t.yaml:2:49: sockets[0].connect: connect: is for TCP sockets (proto: tcp)" },
	{ __LINE__, "sockets:\n  - { proto: tcp, bind: '*:40000', connect: 10.0.0.1:22 }\n",
	  "t.yaml:2:45: sockets[0].connect: a connected socket needs its own address in bind: "
	  "(like 10.0.0.2:40000), not a wildcard" },
	{ __LINE__, "sockets:\n  - { proto: tcp, bind: '10.0.0.2:1', connect: '[fd00::1]:22' }\n",
	  "t.yaml:2:48: sockets[0].connect: the peer '[fd00::1]:22' is IPv6, bind: is IPv4" },
	{ __LINE__, "sockets:\n  - { proto: tcp, bind: '10.0.0.2:1', connect: 10.0.0.1 }\n",
	  "sockets[0].connect: '10.0.0.1' is not the peer's ip:port (like 198.51.100.7:22" },
	{ __LINE__, "sockets:\n  - { proto: tcp, bind: '10.0.0.2:1', connect: '*:22' }\n",
	  "sockets[0].connect: '*:22' is not the peer's ip:port" },
	{ __LINE__, "sockets:\n  - { proto: tcp, bind: '10.0.0.2:1', conect: 10.0.0.1:22 }\n",
	  "t.yaml:2:39: sockets[0]: unknown key 'conect' (did you mean 'connect'?)" },
	{ __LINE__, "sockets:\n  - { proto: udp, bind: ':53', join: [224.0.0.1, 224.0.0.2, 224.0.0.3, "
		    "224.0.0.4, 224.0.0.5, 224.0.0.6, 224.0.0.7, 224.0.0.8, 224.0.0.9, 224.0.0.10, "
		    "224.0.0.11, 224.0.0.12, 224.0.0.13, 224.0.0.14, 224.0.0.15, 224.0.0.16, "
		    "224.0.0.17, 224.0.0.18, 224.0.0.19, 224.0.0.20, 224.0.0.21] }\n",
	  "sockets[0].join: 21 groups, at most 20 a socket (net.ipv4.igmp_max_memberships)" },
	{ __LINE__, "nics:\n  - vlans: [{ addresses: [10.2.0.2/24] }]\n",
	  "t.yaml:2:13: nics[0].vlans[0]: a VLAN needs an id (like { id: 202 }" },
	{ __LINE__, "nics:\n  - vlans: [{ id: 4095 }]\n",
	  "t.yaml:2:19: nics[0].vlans[0].id: 4095 is out of range [0, 4094]" },
	{ __LINE__, "nics:\n  - vlans: [{ id: 2, adresses: [] }]\n",
	  "t.yaml:2:22: nics[0].vlans[0]: unknown key 'adresses' (did you mean 'addresses'?)" },
	{ __LINE__, "nics:\n  - vlans: [{ id: 2, addresses: [10.2.0.300/24] }]\n",
	  "t.yaml:2:34: nics[0].vlans[0].addresses: '10.2.0.300/24' is not an address" },
	{ __LINE__, "nics:\n  - vlans: [{ id: 2, mac: 02:00 }]\n",
	  "nics[0].vlans[0].mac: '02:00' is not a MAC address" },
	{ __LINE__, "nics:\n  - vlans: [{ id: 2 }, { id: 2 }]\n",
	  "t.yaml:2:12: nics[0]: vlans: VLAN id 2 twice (eth0.2 and eth0.2)" },
	{ __LINE__, "nics:\n  - vlans: [{ id: 2, name: eth0 }]\n",
	  "nics[0]: vlans: 'eth0' is already a NIC's name" },
	{ __LINE__, "nics:\n  - { vlans: [{ id: 2, name: v }] }\n  - { name: v }\n",
	  "t.yaml:3:5: nics[1]: 'v' is already a VLAN device on eth0" },
	{ __LINE__, "nics:\n  - { name: a, vlans: [{ id: 2, name: v }] }\n"
	  "  - { name: b, vlans: [{ id: 3, name: v }] }\n",
	  "nics[1]: vlans: two devices named 'v'" },
	{ __LINE__, "nics:\n  - vlans: [{ id: 2, name: a.b }]\n", "name 'a.b' may not contain '.'" },
	{ __LINE__, "nics:\n  - vlans: { id: 2 }\n", "nics[0].vlans: expected a list, got a mapping" },
	{ __LINE__, "nics:\n  - { driver: loopback, vlans: [{ id: 2 }] }\n",
	  "vlans: a loopback device cannot carry VLANs" },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(error_cases); i++) {
		struct rxs_scenario *sc = (void *)1;
		char err[512] = "";
		int rc = parse(&sc, error_cases[i].yaml, err, sizeof(err));

		if (rc != RXS_ECONFIG || sc || !strstr(err, error_cases[i].want))
			fail_msg("case at line %d: rc %d, message \"%s\"", error_cases[i].line, rc,
				 err);
	}
}

/* Whatever the input, no crash, no leak, and an answer. */
static void test_hostile(void **state)
{
	static const char laughs[] = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a]\n"
				     "c: &c [*b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c]\n";
	static const char cycle[] = "nics: &n [*n]\n";
	static const char binary[] = "\x7f\x45\x4c\x46\x02\x01\x01\x00\xff\xfe\x00\x01host";
	size_t deep = 200000, big = 1 << 20;
	char *text = malloc(2 * deep + big + 64);
	struct rxs_scenario *sc;
	char err[256];

	(void)state;
	assert_int_equal(parse(&sc, laughs, err, sizeof(err)), RXS_ECONFIG);
	assert_int_equal(parse(&sc, cycle, err, sizeof(err)), RXS_ECONFIG);
	assert_int_equal(rxs_scenario_parse(&sc, binary, sizeof(binary) - 1, "b", NULL, err,
					    sizeof(err)), RXS_ECONFIG);
	assert_non_null(text);
	memset(text, '[', deep);
	memset(text + deep, ']', deep);
	text[2 * deep] = '\0';
	assert_int_equal(parse(&sc, text, err, sizeof(err)), RXS_ECONFIG);
	assert_non_null(strstr(err, "t.yaml:1:33: nested deeper than 32 levels"));
	strcpy(text, "nics:\n  - name: ");
	memset(text + strlen(text), 'x', big);
	text[16 + big] = '\0';
	assert_int_equal(parse(&sc, text, err, sizeof(err)), RXS_ECONFIG);
	assert_true(strlen(err) < sizeof(err));
	assert_int_equal(parse(&sc, "host: {cpus: 1}", err, 0), 0);
	rxs_scenario_free(sc);
	free(text);
}

static void test_load_errors(void **state)
{
	struct rxs_scenario *sc;
	char err[256];

	(void)state;
	assert_int_equal(rxs_scenario_load(&sc, "/nonexistent/s.yaml", err, sizeof(err)), -ENOENT);
	assert_null(sc);
	assert_non_null(strstr(err, "/nonexistent/s.yaml"));
	assert_int_equal(rxs_scenario_load(&sc, RXS_SOURCE_DIR, err, sizeof(err)), -EISDIR);
	assert_non_null(strstr(err, RXS_SOURCE_DIR));
}

/* An allocator that fails the n-th call: every allocation failure must come back as
 * -ENOMEM, with nothing leaked (ASan checks) and nothing half-built handed out. */
static long alloc_budget;

static void *failing_malloc(size_t size)
{
	return alloc_budget-- > 0 ? malloc(size) : NULL;
}

static void *failing_realloc(void *p, size_t size)
{
	return alloc_budget-- > 0 ? realloc(p, size) : NULL;
}

static void test_out_of_memory(void **state)
{
	const char *path = CASES "nft-input-drop/scenario.yaml";
	int rc = -ENOMEM;

	(void)state;
	for (long n = 0; rc == -ENOMEM; n++) {
		struct rxs_scenario *sc = NULL;
		char err[256];

		alloc_budget = n;
		assert_int_equal(rxs_replace_allocator(failing_malloc, failing_realloc, free), 0);
		rc = rxs_scenario_load(&sc, path, err, sizeof(err));
		if (!rc)
			rc = rxs_scenario_set(sc, "taps.tcpdump.write=out.pcap", err, sizeof(err));
		assert_int_equal(rxs_replace_allocator(NULL, NULL, NULL), 0);
		assert_true(rc == 0 || rc == -ENOMEM);
		if (rc && !strstr(err, "out of memory"))
			fail_msg("allocation %ld: rc %d, \"%s\"", n, rc, err);
		rxs_scenario_free(sc);
		assert_true(n < 1000);
	}
}

/* ---- --set ---- */

static const char set_base[] =
	"host: { cpus: 2 }\n"
	"nics:\n  - { name: eth0, rx_queues: 2, irq_affinity: [1, 1],\n"
	"      vlans: [{ id: 202, addresses: [10.2.0.2/24] }] }\n"
	"sockets:\n  - { name: dns, proto: udp, bind: ':53', app: { cpu: 1 } }\n"
	"  - { name: web, proto: tcp, bind: ':80' }\n"
	"  - { name: c1, proto: tcp, bind: '10.0.0.2:40000', connect: '10.0.0.1:22' }\n"
	"traffic:\n  - { pcap: a.pcap }\n";

static int64_t get_budget(const struct rxs_scenario *sc)
{
	return rxs_scenario_sysctl(sc, RXS_SYSCTL_NETDEV_BUDGET);
}
static int64_t get_rmem2(const struct rxs_scenario *sc)
{
	return sc->sysctl.val[RXS_SYSCTL_TCP_RMEM][2];
}
static int64_t get_cpus(const struct rxs_scenario *sc) { return sc->host.cpus; }
static int64_t get_ring(const struct rxs_scenario *sc) { return sc->nics[0].ring_size; }
static int64_t get_usecs(const struct rxs_scenario *sc) { return sc->nics[0].rx_usecs; }
static int64_t get_frames(const struct rxs_scenario *sc) { return sc->nics[0].rx_frames; }
static int64_t get_naddrs(const struct rxs_scenario *sc) { return sc->nics[0].naddrs; }
static int64_t get_rcvbuf(const struct rxs_scenario *sc) { return sc->sockets[0].rcvbuf; }
static int64_t get_read(const struct rxs_scenario *sc) { return sc->sockets[0].app.kind; }
static int64_t get_accept(const struct rxs_scenario *sc) { return sc->sockets[1].app.kind; }
static int64_t get_cost(const struct rxs_scenario *sc) { return sc->cost.ns[RXS_COST_UDP_RCV]; }
static int64_t get_until(const struct rxs_scenario *sc) { return (int64_t)sc->run.ns; }
static int64_t get_speed(const struct rxs_scenario *sc) { return (int64_t)sc->traffic[0].speed; }
static int64_t get_csum(const struct rxs_scenario *sc) { return sc->traffic[0].checksums; }
static int64_t get_rate(const struct rxs_scenario *sc) { return (int64_t)sc->traffic[0].rate_pps; }
static int64_t get_irq1(const struct rxs_scenario *sc) { return sc->nics[0].irq_affinity[1]; }
static int64_t get_irq3(const struct rxs_scenario *sc) { return sc->nics[0].irq_affinity[3]; }
static int64_t get_vlan_naddrs(const struct rxs_scenario *sc) { return sc->nics[0].vlans[0].naddrs; }
static int64_t get_vlan_id(const struct rxs_scenario *sc) { return sc->nics[0].vlans[0].id; }
static int64_t get_nvlans(const struct rxs_scenario *sc) { return sc->nics[0].nvlans; }
static int64_t get_peer_port(const struct rxs_scenario *sc) { return sc->sockets[2].peer_port; }

static const struct {
	int line;
	const char *set;
	int64_t (*get)(const struct rxs_scenario *sc);
	int64_t want;
} set_cases[] = {
	{ __LINE__, "sysctl.net.core.netdev_budget=600", get_budget, 600 },
	{ __LINE__, "sysctl.net.ipv4.tcp_rmem=4096 131072 6291456", get_rmem2, 6291456 },
	{ __LINE__, "host.cpus=4", get_cpus, 4 },
	{ __LINE__, "host={cpus: 3}", get_cpus, 3 },
	{ __LINE__, "nics.eth0.ring_size=64", get_ring, 64 },
	{ __LINE__, "nics.0.ring_size=128", get_ring, 128 },
	{ __LINE__, "nics.eth0.coalesce.rx_usecs=10", get_usecs, 10 },
	{ __LINE__, "nics.eth0.coalesce={rx_frames: 32}", get_frames, 32 },
	{ __LINE__, "nics.eth0.addresses=[10.0.0.3/24, fd00::3/64]", get_naddrs, 2 },
	{ __LINE__, "sockets.dns.rcvbuf=8192", get_rcvbuf, 8192 },
	{ __LINE__, "sockets.dns.app.read=never", get_read, RXS_APP_NEVER },
	{ __LINE__, "sockets.1.app.accept={batch: 8, every: 10ms}", get_accept, RXS_APP_BATCH },
	{ __LINE__, "cost.udp_rcv=200", get_cost, 200 },
	{ __LINE__, "run.until=2s", get_until, 2000000000 },
	{ __LINE__, "traffic.0.speed=2", get_speed, 2 },
	{ __LINE__, "traffic.0.rate=1Mpps", get_rate, 1000000 },
	{ __LINE__, "traffic.0.checksums=recompute", get_csum, RXS_CSUM_RECOMPUTE },
	{ __LINE__, "traffic.0.checksums=verify", get_csum, RXS_CSUM_VERIFY },
	{ __LINE__, "traffic.0={checksums: auto}", get_csum, RXS_CSUM_AUTO },
	{ __LINE__, "nics.eth0.irq_affinity=[0]", get_irq1, 1 },	/* the rest stay */
	{ __LINE__, "host.cpus=4", get_irq3, 3 },			/* defaults follow cpus */
	{ __LINE__, "nics.eth0.vlans.0.addresses=[10.2.0.3/24, fd02::3/64]", get_vlan_naddrs, 2 },
	{ __LINE__, "nics.eth0.vlans.0.id=300", get_vlan_id, 300 },
	{ __LINE__, "nics.eth0={vlans: [{ id: 7 }]}", get_nvlans, 2 },	/* adds an entry */
	{ __LINE__, "sockets.c1.connect=10.0.0.9:23", get_peer_port, 23 },
};

static const struct {
	int line;
	const char *set;
	const char *want;
} set_errors[] = {
	{ __LINE__, "nics.eth0.ring_szie=64",
	  "--set nics.eth0.ring_szie=64: unknown key 'ring_szie' (did you mean 'ring_size'?)" },
	{ __LINE__, "nics.eth0.ring_size=1000",
	  "--set nics.eth0.ring_size=1000: 1000 is not a power of two" },
	{ __LINE__, "sysctl.net.core.netdev_budgte=1",
	  "unknown sysctl 'net.core.netdev_budgte' (did you mean 'net.core.netdev_budget'?)" },
	{ __LINE__, "sysctl=1", "--set sysctl=1: sysctl needs a name: sysctl.NAME=VALUE" },
	{ __LINE__, "hots.cpus=2", "unknown key 'hots' (did you mean 'host'?)" },
	{ __LINE__, "host.cpus", "--set host.cpus: expected KEY=VALUE" },
	{ __LINE__, "=3", "expected KEY=VALUE" },
	{ __LINE__, "host.cpus=", "--set host.cpus=: missing value" },
	{ __LINE__, "host.cpus=1",
	  "nics.eth0.irq_affinity: CPU 1 does not exist (host.cpus is 1)" },
	{ __LINE__, "nics.eth9.mtu=9000", "no nics entry named or numbered 'eth9'" },
	{ __LINE__, "nics.1.mtu=9000", "no nics entry named or numbered '1'" },
	{ __LINE__, "nics.mtu=9000", "no nics entry named or numbered 'mtu'" },
	{ __LINE__, "nics=[]", "nics needs an entry: nics.NAME.KEY=VALUE" },
	{ __LINE__, "host.cpus.x=1", "'cpus' has no keys below it" },
	{ __LINE__, "sockets.web.app.read=sometimes", "'sometimes' is not all, never, a rate" },
	{ __LINE__, "sockets.dns.rcvbuf=-1", "--set sockets.dns.rcvbuf=-1: -1 is negative" },
	{ __LINE__, "run.until=[", "--set run.until=[: did not find expected node content" },
	{ __LINE__, "nics.eth0.name=eth1",
	  "traffic.0.nic: no NIC named 'eth0' (did you mean 'eth1'?)" },
	{ __LINE__, "traffic.0.rate=fast", "'fast' is not a rate" },
	{ __LINE__, "traffic.0.checksums=fix",
	  "--set traffic.0.checksums=fix: unknown checksums 'fix' (auto, verify or recompute)" },
	{ __LINE__, "traffic.x.rate=1", "no traffic entry named or numbered 'x'" },
	{ __LINE__, "nics.eth0.coalesce={rx_usec: 1}",
	  "coalesce={rx_usec: 1}: unknown key 'rx_usec' (did you mean 'rx_usecs'?)" },
	{ __LINE__, "nics.eth0.vlans.0.id=4095", "4095 is out of range [0, 4094]" },
	{ __LINE__, "nics.eth0.vlans.1.id=5", "no vlans entry named or numbered '1'" },
	{ __LINE__, "nics.eth0.vlans.0.adresses=[]",
	  "unknown key 'adresses' (did you mean 'addresses'?)" },
	{ __LINE__, "nics.eth0={vlans: [{ id: 202 }]}",
	  "nics.eth0={vlans: [{ id: 202 }]}: vlans: VLAN id 202 twice (eth0.202 and eth0.202)" },
	{ __LINE__, "nics.eth0={vlans: [{ name: x }]}", "a VLAN needs an id" },
	{ __LINE__, "nics.eth0.vlans=[{ id: 7 }]", "vlans needs an entry: vlans.NAME.KEY=VALUE" },
	{ __LINE__, "nics.eth0.vlans.0.name=eth0", "vlans: 'eth0' is already a NIC's name" },
	{ __LINE__, "sockets.c1.bind=0.0.0.0:40000", "--set sockets.c1.bind=0.0.0.0:40000: sockets.c1.connect: "
	  "needs proto: tcp and a bind: address of the peer's family, not a wildcard" },
	{ __LINE__, "sockets.c1.proto=udp", "sockets.c1.connect: needs proto: tcp" },
	{ __LINE__, "sockets.dns.defer_accept=3",
	  "sockets.dns.defer_accept: only a TCP listener takes TCP_DEFER_ACCEPT" },
	{ __LINE__, "sockets.web.connect=10.0.0.1:22",
	  "a connected socket needs its own address in bind: (like 10.0.0.2:40000)" },
	{ __LINE__, "sockets.c1.conect=10.0.0.1:22",
	  "unknown key 'conect' (did you mean 'connect'?)" },
};

static struct rxs_scenario *set_scenario(void)
{
	struct rxs_scenario *sc;
	char err[256];

	if (parse(&sc, set_base, err, sizeof(err)))
		fail_msg("%s", err);
	return sc;
}

static void test_set(void **state)
{
	struct rxs_scenario *sc = set_scenario();
	char err[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(set_cases); i++) {
		int rc = rxs_scenario_set(sc, set_cases[i].set, err, sizeof(err));

		if (rc || set_cases[i].get(sc) != set_cases[i].want)
			fail_msg("case at line %d: rc %d (%s), got %lld", set_cases[i].line, rc,
				 err, (long long)set_cases[i].get(sc));
	}
	rxs_scenario_free(sc);
	for (size_t i = 0; i < ARRAY_SIZE(set_errors); i++) {
		int rc;

		sc = set_scenario();
		rc = rxs_scenario_set(sc, set_errors[i].set, err, sizeof(err));
		if (rc != -EINVAL || !strstr(err, set_errors[i].want))
			fail_msg("case at line %d: rc %d, message \"%s\"", set_errors[i].line, rc,
				 err);
		rxs_scenario_free(sc);
	}
}

static void round_trip(const struct rxs_scenario *sc, struct rxs_scenario **back);

/* nics[].vlans: the id, a name that defaults to ip link's "<nic>.<id>" (the NIC's name may
 * come after vlans: in its mapping), a MAC of its own or the NIC's, addresses. */
static void test_vlans(void **state)
{
	static const char yaml[] =
		"nics:\n"
		"  - vlans:\n"
		"      - { id: 202, addresses: [10.2.0.2/24, fd02::2/64] }\n"
		"      - { id: 0, name: prio, mac: 02:00:00:00:07:07 }\n"
		"    name: bond0\n";
	struct rxs_scenario *sc, *back;
	char err[256], name[RXS_NAME_MAX];

	(void)state;
	if (parse(&sc, yaml, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(sc->nics[0].nvlans, 2);
	assert_int_equal(sc->nics[0].vlans[0].id, 202);
	assert_string_equal(rxs_vlan_name(&sc->nics[0], &sc->nics[0].vlans[0], name), "bond0.202");
	assert_int_equal(sc->nics[0].vlans[0].naddrs, 2);
	assert_false(sc->nics[0].vlans[0].mac_set);
	assert_int_equal(sc->nics[0].vlans[1].id, 0);
	assert_string_equal(rxs_vlan_name(&sc->nics[0], &sc->nics[0].vlans[1], name), "prio");
	assert_true(sc->nics[0].vlans[1].mac_set);
	assert_int_equal(sc->nics[0].vlans[1].mac[5], 7);
	/* by its own name when it has one without a dot */
	assert_int_equal(rxs_scenario_set(sc, "nics.bond0.vlans.prio.addresses=[10.9.0.2/24]", err,
					  sizeof(err)), 0);
	assert_int_equal(sc->nics[0].vlans[1].naddrs, 1);
	/* rxs_scenario_emit() writes them back as they read */
	round_trip(sc, &back);
	assert_int_equal(back->nics[0].nvlans, 2);
	assert_int_equal(memcmp(back->nics[0].vlans, sc->nics[0].vlans,
				2 * sizeof(sc->nics[0].vlans[0])), 0);
	rxs_scenario_free(back);
	rxs_scenario_free(sc);
}

/* ---- unit parsers ---- */

static const struct {
	int line;
	const char *text;
	int rc;
	double want;
} rate_cases[] = {
	{ __LINE__, "2Mpps", 0, 2e6 },	{ __LINE__, "2.5Mpps", 0, 2.5e6 },
	{ __LINE__, "500kpps", 0, 5e5 },	{ __LINE__, "1000pps", 0, 1000 },
	{ __LINE__, "1000/s", 0, 1000 },	{ __LINE__, "1000", 0, 1000 },
	{ __LINE__, "2M", 0, 2e6 },		{ __LINE__, "1Gpps", 0, 1e9 },
	{ __LINE__, "0.5", 0, 0.5 },		{ __LINE__, "-1pps", -EINVAL, 0 },
	{ __LINE__, "fast", -EINVAL, 0 },	{ __LINE__, "", -EINVAL, 0 },
	{ __LINE__, "1e6", -EINVAL, 0 },	{ __LINE__, "2 Mpps", -EINVAL, 0 },
	{ __LINE__, "2Mbps", -EINVAL, 0 },	{ __LINE__, "1.", -EINVAL, 0 },
	{ __LINE__, ".5", -EINVAL, 0 },	{ __LINE__, "10MB/s", -EINVAL, 0 },
	{ __LINE__, "99999999999999999999999", -EINVAL, 0 },
};

static const struct {
	int line;
	const char *text;
	int rc;
	double want;
} byte_rate_cases[] = {
	{ __LINE__, "10MB/s", 0, 10e6 },	{ __LINE__, "500kB/s", 0, 5e5 },
	{ __LINE__, "1GB/s", 0, 1e9 },	{ __LINE__, "100B/s", 0, 100 },
	{ __LINE__, "1.5MB/s", 0, 1.5e6 },	{ __LINE__, "10MB", -EINVAL, 0 },
	{ __LINE__, "10Mpps", -EINVAL, 0 },	{ __LINE__, "-1B/s", -EINVAL, 0 },
	{ __LINE__, "B/s", -EINVAL, 0 },
};

static const struct {
	int line;
	const char *text;
	int rc;
	uint64_t want;
} duration_cases[] = {
	{ __LINE__, "10ms", 0, 10000000 },	 { __LINE__, "1.5s", 0, 1500000000 },
	{ __LINE__, "250us", 0, 250000 },	 { __LINE__, "100ns", 0, 100 },
	{ __LINE__, "1.138s", 0, 1138000000 }, { __LINE__, "4.162s", 0, 4162000000 },
	{ __LINE__, "0", 0, 0 },		 { __LINE__, "0.0000000019s", 0, 1 },
	{ __LINE__, "2m", -EINVAL, 0 },	 { __LINE__, "5", -EINVAL, 0 },
	{ __LINE__, "-1s", -EINVAL, 0 },	 { __LINE__, "1.5", -EINVAL, 0 },
	{ __LINE__, "s", -EINVAL, 0 },	 { __LINE__, "1 s", -EINVAL, 0 },
	{ __LINE__, "18446744073709551615s", -EINVAL, 0 },
	{ __LINE__, "99999999999999999999999ns", -EINVAL, 0 },
	{ __LINE__, "18446744073.709551615s", 0, 18446744073709551615ull },
	{ __LINE__, "18446744073.709551616s", -EINVAL, 0 },
};

static void test_units(void **state)
{
	double d;
	uint64_t ns;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rate_cases); i++) {
		int rc = rxs_parse_rate(rate_cases[i].text, &d);

		if (rc != rate_cases[i].rc || (!rc && d != rate_cases[i].want))
			fail_msg("case at line %d: rc %d, %g", rate_cases[i].line, rc, d);
	}
	for (size_t i = 0; i < ARRAY_SIZE(byte_rate_cases); i++) {
		int rc = rxs_parse_byte_rate(byte_rate_cases[i].text, &d);

		if (rc != byte_rate_cases[i].rc || (!rc && d != byte_rate_cases[i].want))
			fail_msg("case at line %d: rc %d, %g", byte_rate_cases[i].line, rc, d);
	}
	for (size_t i = 0; i < ARRAY_SIZE(duration_cases); i++) {
		int rc = rxs_parse_duration(duration_cases[i].text, &ns);

		if (rc != duration_cases[i].rc || (!rc && ns != duration_cases[i].want))
			fail_msg("case at line %d: rc %d, %llu", duration_cases[i].line, rc,
				 (unsigned long long)ns);
	}
}

/* ---- the man page names every key the schema accepts ---- */

/* @path appears in @text as a whole key, not as the start of a longer one. */
static bool names_key(const char *text, const char *path)
{
	size_t n = strlen(path);

	for (const char *p = text; (p = strstr(p, path)); p++) {
		char next = p[n];

		if (!(next == '_' || next == '.' || next == '[' || (next >= 'a' && next <= 'z') ||
		      (next >= '0' && next <= '9')))
			return true;
	}
	return false;
}

static void test_key_paths_documented(void **state)
{
	static char man[1 << 17];
	char path[256], missing[4096] = "";
	FILE *f = fopen(RXS_SOURCE_DIR "/man/rxsim-scenario.5", "r");
	size_t n, i;

	(void)state;
	assert_non_null(f);
	n = fread(man, 1, sizeof(man) - 1, f);
	fclose(f);
	man[n] = '\0';
	for (i = 0; rxs_scenario_key_path(i, path, sizeof(path)) == 0; i++)
		if (!names_key(man, path) && strlen(missing) + strlen(path) + 2 < sizeof(missing))
			strcat(strcat(missing, " "), path);
	if (missing[0])
		fail_msg("man/rxsim-scenario.5 does not document:%s", missing);
	/* Every section's keys are listed, leaves only, and the list ends cleanly. */
	assert_true(i > 80);
	assert_int_equal(rxs_scenario_key_path(0, path, sizeof(path)), 0);
	assert_string_equal(path, "host.cpus");
	assert_int_equal(rxs_scenario_key_path(i, path, sizeof(path)), -ENOENT);
	assert_int_equal(rxs_scenario_key_path(0, path, 4), -ENOSPC);
	for (i = 0; rxs_scenario_key_path(i, path, sizeof(path)) == 0; i++)
		if (!strcmp(path, "nics[].coalesce.rx_usecs"))
			break;
	assert_string_equal(path, "nics[].coalesce.rx_usecs");
}

static const struct {
	int line;
	const char *text;
	int rc;
	int family;
	unsigned int prefix;
	const char *format;
} addr_cases[] = {
	{ __LINE__, "10.0.0.2/24", 0, AF_INET, 24, "10.0.0.2" },
	{ __LINE__, "10.0.0.2", 0, AF_INET, 32, "10.0.0.2" },
	{ __LINE__, "fd00::2/64", 0, AF_INET6, 64, "fd00::2" },
	{ __LINE__, "::", 0, AF_INET6, 128, "::" },
	{ __LINE__, "0.0.0.0/0", 0, AF_INET, 0, "0.0.0.0" },
	{ __LINE__, "10.0.0.2/33", -EINVAL, 0, 0, NULL },
	{ __LINE__, "fd00::2/129", -EINVAL, 0, 0, NULL },
	{ __LINE__, "10.0.0.2/", -EINVAL, 0, 0, NULL },
	{ __LINE__, "10.0.0.2/-1", -EINVAL, 0, 0, NULL },
	{ __LINE__, "10.0.0.256", -EINVAL, 0, 0, NULL },
	{ __LINE__, "10.0.0", -EINVAL, 0, 0, NULL },
	{ __LINE__, "host", -EINVAL, 0, 0, NULL },
	{ __LINE__, "", -EINVAL, 0, 0, NULL },
	{ __LINE__, "1111:2222:3333:4444:5555:6666:7777:8888:9999/64", -EINVAL, 0, 0, NULL },
	{ __LINE__, "10.0.0.2/24xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	  -EINVAL, 0, 0, NULL },
};

static void test_addr(void **state)
{
	struct rxs_addr a;
	char buf[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(addr_cases); i++) {
		int rc = rxs_addr_parse(&a, addr_cases[i].text);

		if (rc != addr_cases[i].rc)
			fail_msg("case at line %d: rc %d", addr_cases[i].line, rc);
		if (rc)
			continue;
		if (a.family != addr_cases[i].family || a.prefix != addr_cases[i].prefix ||
		    strcmp(rxs_addr_format(&a, buf, sizeof(buf)), addr_cases[i].format))
			fail_msg("case at line %d: %d/%u %s", addr_cases[i].line, a.family,
				 a.prefix, buf);
	}
	memset(&a, 0, sizeof(a));
	assert_string_equal(rxs_addr_format(&a, buf, sizeof(buf)), "?");
	rxs_addr_parse(&a, "fd00::1234:5678");
	assert_string_equal(rxs_addr_format(&a, buf, 4), "?");
}

static void test_sysctl_names(void **state)
{
	(void)state;
	assert_int_equal(rxs_sysctl_lookup("net.core.netdev_budget"), RXS_SYSCTL_NETDEV_BUDGET);
	assert_int_equal(rxs_sysctl_lookup("net.netfilter.nf_conntrack_max"),
			 RXS_SYSCTL_NF_CONNTRACK_MAX);
	assert_int_equal(rxs_sysctl_lookup("net.core.nope"), -1);
	assert_int_equal(rxs_sysctl_lookup(NULL), -1);
	assert_string_equal(rxs_sysctl_name(RXS_SYSCTL_TCP_RMEM), "net.ipv4.tcp_rmem");
	assert_null(rxs_sysctl_name(RXS_SYSCTL_COUNT));
	assert_null(rxs_sysctl_name(-1));
}

/* rxs_socket_join(), for code that builds a host (a bare capture's default host). */
static void test_socket_join(void **state)
{
	static const struct {
		int line;
		int proto;
		const char *bind, *group, *nic;
		int want;
		unsigned int njoin;
	} cases[] = {
		{ __LINE__, IPPROTO_UDP, "0.0.0.0", "239.1.1.1", NULL, 0, 1 },
		{ __LINE__, IPPROTO_UDP, "::", "ff02::fb", "eth0", 0, 1 },
		{ __LINE__, IPPROTO_UDP, "::", "224.0.0.251", NULL, 0, 1 },
		{ __LINE__, IPPROTO_UDP, "0.0.0.0", "ff02::fb", NULL, -EINVAL, 0 },
		{ __LINE__, IPPROTO_UDP, "0.0.0.0", "10.0.0.1", NULL, -EINVAL, 0 },
		{ __LINE__, IPPROTO_TCP, "0.0.0.0", "239.1.1.1", NULL, -EINVAL, 0 },
		{ __LINE__, IPPROTO_UDP, "0.0.0.0", "239.1.1.1",
		  "a-name-longer-than-thirty-one-bytes", -EINVAL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rxs_scenario *sc = NULL;
		struct rxs_socket_config *s;
		struct rxs_addr g;
		int rc;

		assert_int_equal(rxs_scenario_create(&sc), 0);
		s = rxs_scenario_add_socket(sc);
		s->proto = cases[i].proto;
		assert_int_equal(rxs_addr_parse(&s->local, cases[i].bind), 0);
		assert_int_equal(rxs_addr_parse(&g, cases[i].group), 0);
		rc = rxs_socket_join(s, &g, cases[i].nic);
		if (!rc)
			rc = rxs_socket_join(s, &g, cases[i].nic);	/* again: no second entry */
		if (rc != cases[i].want || s->njoin != cases[i].njoin)
			fail_msg("case at line %d: %s, %u groups", cases[i].line, rxs_strerror(rc),
				 s->njoin);
		rxs_scenario_free(sc);
	}
	{
		struct rxs_scenario *sc = NULL;
		struct rxs_socket_config *s;
		struct rxs_addr g;

		assert_int_equal(rxs_scenario_create(&sc), 0);
		s = rxs_scenario_add_socket(sc);
		assert_int_equal(rxs_addr_parse(&g, "239.0.0.0"), 0);
		for (unsigned int n = 0; n < RXS_SOCK_JOIN_MAX; n++) {
			g.addr[3] = (uint8_t)n;
			assert_int_equal(rxs_socket_join(s, &g, NULL), 0);
		}
		g.addr[3] = 200;
		assert_int_equal(rxs_socket_join(s, &g, NULL), -ENOBUFS);
		rxs_scenario_free(sc);
	}
}

/* ---- the default host of a bare capture, and the scenario written back ---- */

static const uint8_t group_mac[6] = { 0x01, 0x00, 0x5e, 0x01, 0x01, 0x01 };
static const uint8_t mdns6_mac[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0xfb };

static void tmp_file(char *path, size_t len, const char *name)
{
	snprintf(path, len, "%s/rxs_test_config_%d_%s", P_tmpdir, (int)getpid(), name);
}

/* A two-way capture on 10.0.0.2 (fr_host_mac): an ssh server, a DNS server and client, a
 * TLS connection begun before the capture, an outgoing connection, a multicast group, a
 * VLAN tag and IPv6 multicast. */
static void write_two_way(const char *path)
{
	const uint8_t *H = fr_host_mac, *P = fr_peer_mac;
	struct capw w;
	struct fr f;

	capw_open(&w, path, CAPW_EN10MB);
	capw_tcp(&f, H, P, "10.0.0.1", "10.0.0.2", 40000, 22, 0x02, 100, 0, 0);
	capw_add(&w, &f);
	capw_tcp(&f, P, H, "10.0.0.2", "10.0.0.1", 22, 40000, 0x12, 500, 101, 0);
	capw_add(&w, &f);
	capw_tcp(&f, H, P, "10.0.0.1", "10.0.0.2", 40000, 22, 0x10, 101, 501, 0);
	capw_add(&w, &f);
	capw_tcp(&f, H, P, "10.0.0.1", "10.0.0.2", 40000, 22, 0x18, 101, 501, 10);
	capw_add(&w, &f);
	for (uint16_t port = 50001; port <= 50003; port++) {
		capw_udp(&f, H, P, false, 0, "10.0.0.1", "10.0.0.2", port, 53, 20);
		capw_add(&w, &f);
	}
	capw_udp(&f, P, H, false, 0, "10.0.0.2", "10.0.0.1", 53, 50001, 40);
	capw_add(&w, &f);
	capw_udp(&f, P, H, false, 0, "10.0.0.2", "8.8.8.8", 45000, 53, 20);	/* a client */
	capw_add(&w, &f);
	capw_udp(&f, H, P, false, 0, "8.8.8.8", "10.0.0.2", 53, 45000, 40);
	capw_add(&w, &f);
	capw_udp(&f, group_mac, P, false, 0, "10.0.0.1", "239.1.1.1", 5000, 5000, 10);
	capw_add(&w, &f);
	capw_udp(&f, H, P, true, 202, "10.0.0.1", "10.0.0.2", 50004, 53, 20);
	capw_add(&w, &f);
	capw_udp(&f, mdns6_mac, fr_peer_mac, false, 0, "fe80::1", "ff02::fb", 5353, 5353, 30);
	capw_add(&w, &f);
	capw_tcp(&f, H, P, "10.0.0.1", "10.0.0.2", 40001, 443, 0x18, 7, 9, 100);
	capw_add(&w, &f);
	capw_tcp(&f, P, H, "10.0.0.2", "10.0.0.1", 51000, 8080, 0x02, 1, 0, 0);
	capw_add(&w, &f);
	capw_tcp(&f, H, P, "10.0.0.1", "10.0.0.2", 8080, 51000, 0x12, 9, 2, 0);
	capw_add(&w, &f);
	capw_close(&w);
}

static void check_sockets(int line, const struct rxs_scenario *sc, const char *const *names,
			  unsigned int n)
{
	if (sc->nsockets != n)
		fail_msg("case at line %d: %u sockets, want %u (first %s)", line, sc->nsockets, n,
			 sc->nsockets ? sc->sockets[0].name : "-");
	for (unsigned int i = 0; i < n; i++)
		if (strcmp(sc->sockets[i].name, names[i]))
			fail_msg("case at line %d: socket %u is %s, want %s", line, i,
				 sc->sockets[i].name, names[i]);
}

/* @sc written as YAML into a malloc'd string. */
static char *emit_string(const struct rxs_scenario *sc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(rxs_scenario_emit(sc, f), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* Emit @sc, read it back, emit again: the same text without the comments, which are not
 * read back; the reread scenario in *@back. */
static void round_trip(const struct rxs_scenario *sc, struct rxs_scenario **back)
{
	char err[512] = "", *once = emit_string(sc), *twice;
	const char *a, *b;

	if (parse(back, once, err, sizeof(err)))
		fail_msg("emitted YAML does not parse: %s\n%s", err, once);
	twice = emit_string(*back);
	a = once;
	b = twice;
	/* Compare line by line, skipping comment lines on the first side only. */
	for (;;) {
		size_t la, lb;

		while (a[strspn(a, " ")] == '#')
			a = strchr(a, '\n') + 1;
		la = strcspn(a, "\n");
		lb = strcspn(b, "\n");
		if (la != lb || memcmp(a, b, la))
			fail_msg("round trip differs:\n%.*s\n%.*s", (int)la, a, (int)lb, b);
		if (!a[la])
			break;
		a += la + 1;
		b += lb + 1;
	}
	free(once);
	free(twice);
}

static void test_capture_host(void **state)
{
	static const char *const want[] = { "tcp:22", "tcp:443", "udp:53", "udp:5000",
					    "udp:5353", "udp:45000", "tcp:51000-8080",
					    "tcp:443-40001" };
	struct rxs_scenario *sc = NULL, *back = NULL;
	char path[256], err[512] = "", buf[64];
	const struct rxs_nic_config *nic;

	(void)state;
	tmp_file(path, sizeof(path), "two-way.pcap");
	write_two_way(path);
	if (rxs_scenario_for_capture(&sc, path, err, sizeof(err)))
		fail_msg("%s", err);
	nic = &sc->nics[0];
	assert_true(sc->assumed);
	assert_string_equal(nic->name, "eth0");
	assert_memory_equal(nic->mac, fr_host_mac, 6);
	assert_int_equal(nic->driver, RXS_DRIVER_GENERIC);
	assert_int_equal(nic->mtu, 1500);
	assert_int_equal(nic->naddrs, 2);
	assert_string_equal(rxs_addr_format(&nic->addrs[0], buf, sizeof(buf)), "10.0.0.2");
	/* IPv6 reaches the host: it has the link-local address of its MAC, so IPv6 is on. */
	assert_string_equal(rxs_addr_format(&nic->addrs[1], buf, sizeof(buf)), "fe80::ff:fe00:2");
	assert_int_equal(nic->addrs[1].prefix, 64);
	/* Not the TCP client's port 51000: the host opened its connection from there. The UDP
	 * client's 45000 gets the socket its replies were read on. The host's TCP connections
	 * no listener makes are connected sockets: the one it opened (its SYN), and the one the
	 * capture joined mid-way, accepted by tcp:443. */
	check_sockets(__LINE__, sc, want, ARRAY_SIZE(want));
	assert_string_equal(sc->sockets[6].comment, "the host's connection: it sent the SYN; 2 "
			    "segments");
	assert_string_equal(rxs_addr_format(&sc->sockets[6].local, buf, sizeof(buf)), "10.0.0.2");
	assert_string_equal(rxs_addr_format(&sc->sockets[6].peer, buf, sizeof(buf)), "10.0.0.1");
	assert_int_equal(sc->sockets[6].port, 51000);
	assert_int_equal(sc->sockets[6].peer_port, 8080);
	assert_string_equal(sc->sockets[7].comment, "accepted by tcp:443 before the capture (no "
			    "SYN in it): assumed established; 1 segment");
	assert_int_equal(sc->sockets[7].port, 443);
	assert_int_equal(sc->sockets[7].peer_port, 40001);
	assert_string_equal(sc->sockets[5].comment, "a client's socket: the host sent first from "
			    "it; 1 datagram back");
	assert_string_equal(sc->sockets[0].comment, "1 SYN to this port");
	assert_non_null(strstr(sc->sockets[1].comment, "well-known port 443"));
	assert_non_null(strstr(sc->comment, "multicast groups seen:"));
	assert_non_null(strstr(sc->comment, "239.1.1.1 (1 frame)"));
	assert_non_null(strstr(sc->comment, "ff02::fb (1 frame)"));
	assert_non_null(strstr(sc->comment, "VLAN ids seen: 202 (1 frame)"));
	/* A VLAN device for the tagged frames, on the NIC's addresses. */
	assert_int_equal(nic->nvlans, 1);
	assert_int_equal(nic->vlans[0].id, 202);
	assert_int_equal(nic->vlans[0].naddrs, 0);
	/* The sockets that read a group's datagrams joined it. */
	assert_int_equal(sc->sockets[3].njoin, 1);
	assert_string_equal(rxs_addr_format(&sc->sockets[3].join[0].group, buf, sizeof(buf)),
			    "239.1.1.1");
	assert_int_equal(sc->sockets[4].njoin, 1);
	assert_string_equal(rxs_addr_format(&sc->sockets[4].join[0].group, buf, sizeof(buf)),
			    "ff02::fb");
	assert_int_equal(sc->sockets[2].njoin, 0);
	round_trip(sc, &back);
	assert_memory_equal(back->nics[0].mac, fr_host_mac, 6);
	assert_int_equal(back->nics[0].naddrs, 2);
	assert_int_equal(back->nics[0].nvlans, 1);
	assert_int_equal(back->nics[0].vlans[0].id, 202);
	assert_memory_equal(&back->nics[0].addrs[1], &nic->addrs[1], sizeof(nic->addrs[1]));
	check_sockets(__LINE__, back, want, ARRAY_SIZE(want));
	assert_int_equal(back->sockets[4].njoin, 1);
	assert_memory_equal(&back->sockets[4].join[0].group, &sc->sockets[4].join[0].group,
			    sizeof(struct rxs_addr));
	assert_int_equal(back->sockets[0].backlog, 4096);
	assert_int_equal(back->sockets[0].local.family, AF_INET6);
	assert_memory_equal(&back->sockets[6].peer, &sc->sockets[6].peer, sizeof(struct rxs_addr));
	assert_int_equal(back->sockets[6].peer_port, 8080);
	rxs_scenario_free(back);
	rxs_scenario_free(sc);
	unlink(path);
}

static const struct {
	int line;
	const char *host;
	int rc;
	const uint8_t *mac;
	unsigned int nsockets;
} pick_cases[] = {
	{ __LINE__, "10.0.0.2", 0, fr_host_mac, 8 },
	{ __LINE__, "02:00:00:00:00:02", 0, fr_host_mac, 8 },
	/* The other end: a client on every port it used, but the host opened a connection to
	 * its port 8080; its UDP client port 50001 had a reply; its connection to port 22 (its
	 * SYN) is a connected socket. Its own multicast is its own, not received. */
	{ __LINE__, "10.0.0.1", 0, fr_peer_mac, 3 },
	/* By MAC the peer is also the gateway the DNS query to 8.8.8.8:53 went through. */
	{ __LINE__, "02-00-00-00-00-01", 0, fr_peer_mac, 4 },
	{ __LINE__, "10.9.9.9", -EINVAL, NULL, 0 },	/* in no frame */
	{ __LINE__, "10.0.0.2/24", -EINVAL, NULL, 0 },
	{ __LINE__, "eth0", -EINVAL, NULL, 0 },
	{ __LINE__, "02:00:00:00:00", -EINVAL, NULL, 0 },
};

static void test_capture_pick(void **state)
{
	char path[256];

	(void)state;
	tmp_file(path, sizeof(path), "pick.pcap");
	write_two_way(path);
	for (size_t i = 0; i < ARRAY_SIZE(pick_cases); i++) {
		struct rxs_scenario *sc = NULL;
		char err[512] = "";
		int rc = rxs_scenario_for_capture_host(&sc, path, pick_cases[i].host, err,
						       sizeof(err));

		if (rc != pick_cases[i].rc)
			fail_msg("case at line %d: %s (%s)", pick_cases[i].line, rxs_strerror(rc), err);
		if (rc) {
			assert_null(sc);
			assert_non_null(strstr(err, pick_cases[i].host));
			continue;
		}
		if (memcmp(sc->nics[0].mac, pick_cases[i].mac, 6) ||
		    sc->nsockets != pick_cases[i].nsockets)
			fail_msg("case at line %d: %u sockets, the last %s (%s)", pick_cases[i].line,
				 sc->nsockets, sc->nsockets ? sc->sockets[sc->nsockets - 1].name : "-",
				 sc->nsockets ? sc->sockets[sc->nsockets - 1].comment : "");
		assert_non_null(strstr(sc->comment, pick_cases[i].host));
		rxs_scenario_free(sc);
	}
	unlink(path);
}

/* A loopback capture in Linux cooked headers: lo, its MTU, its address; the client's port
 * (which the SYN-ACK goes to) gets no listener but the client's connected socket: on lo the
 * SYN the server received is the one the client sent. */
static void test_capture_loopback(void **state)
{
	static const char *const want[] = { "tcp:6379", "tcp:40000-6379" };
	static const uint8_t zero[6];
	struct rxs_scenario *sc = NULL, *back = NULL;
	char path[256], err[512] = "", buf[64];
	struct capw w;
	struct fr f;

	(void)state;
	tmp_file(path, sizeof(path), "lo.pcap");
	capw_open(&w, path, CAPW_LINUX_SLL);
	capw_tcp(&f, zero, zero, "127.0.0.1", "127.0.0.1", 40000, 6379, 0x02, 1, 0, 0);
	capw_add_sll(&w, &f);
	capw_tcp(&f, zero, zero, "127.0.0.1", "127.0.0.1", 6379, 40000, 0x12, 7, 2, 0);
	capw_add_sll(&w, &f);
	capw_tcp(&f, zero, zero, "127.0.0.1", "127.0.0.1", 40000, 6379, 0x18, 2, 8, 3000);
	capw_add_sll(&w, &f);
	capw_close(&w);
	if (rxs_scenario_for_capture(&sc, path, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(sc->nics[0].name, "lo");
	assert_int_equal(sc->nics[0].driver, RXS_DRIVER_LOOPBACK);
	assert_int_equal(sc->nics[0].mtu, 65536);
	assert_memory_equal(sc->nics[0].mac, zero, 6);
	assert_int_equal(sc->nics[0].naddrs, 1);
	assert_string_equal(rxs_addr_format(&sc->nics[0].addrs[0], buf, sizeof(buf)), "127.0.0.1");
	assert_int_equal(sc->nics[0].addrs[0].prefix, 8);
	check_sockets(__LINE__, sc, want, ARRAY_SIZE(want));
	round_trip(sc, &back);
	assert_int_equal(back->nics[0].driver, RXS_DRIVER_LOOPBACK);
	assert_int_equal(back->nics[0].mtu, 65536);
	rxs_scenario_free(back);
	rxs_scenario_free(sc);
	unlink(path);
}

/* One datagram between two ports that say nothing (both below 32768): a probe as much as a
 * flow, but the only candidate, so it still gets its socket. A jumbo frame gets its MTU. */
static void test_capture_only_candidate(void **state)
{
	static const char *const want[] = { "udp:5001" };
	struct rxs_scenario *sc = NULL;
	char path[256], err[512] = "";
	struct capw w;
	struct fr f;

	(void)state;
	tmp_file(path, sizeof(path), "flood.pcap");
	capw_open(&w, path, CAPW_EN10MB);
	capw_udp(&f, fr_host_mac, fr_peer_mac, false, 0, "10.0.0.1", "10.0.0.2", 10000, 5001,
		 8000);
	capw_add(&w, &f);
	capw_close(&w);
	if (rxs_scenario_for_capture(&sc, path, err, sizeof(err)))
		fail_msg("%s", err);
	check_sockets(__LINE__, sc, want, ARRAY_SIZE(want));
	assert_non_null(strstr(sc->sockets[0].comment, "only candidate"));
	assert_int_equal(sc->nics[0].mtu, 8028);
	assert_int_equal(sc->nics[0].naddrs, 1);	/* no IPv6: none reached the host */
	rxs_scenario_free(sc);
	unlink(path);
}

/* Every key the writer knows, written and read back to the same text. */
static void test_emit_round_trip(void **state)
{
	static const char text[] =
		"host: { cpus: 4, hz: 1000 }\n"
		"sysctl:\n"
		"  net.core.netdev_budget: 600\n"
		"  net.ipv4.tcp_rmem: \"4096 87380 6291456\"\n"
		"  net.core.flow_limit_cpu_bitmap: \"f\"\n"
		"  net.ipv4.conf.all.send_redirects: 0\n"
		"nics:\n"
		"  - name: eth1\n"
		"    mac: 02:aa:00:00:00:01\n"
		"    addresses: [10.1.0.2/24, \"fd00::2/64\"]\n"
		"    driver: veth\n"
		"    promisc: true\n"
		"    mtu: 9000\n"
		"    rx_queues: 1\n"
		"    rp_filter: 2\n"
		"    send_redirects: 0\n"
		"  - name: eth2\n"
		"    rx_queues: 4\n"
		"    ring_size: 1024\n"
		"    coalesce: { rx_usecs: 50, rx_frames: 32 }\n"
		"    irq_affinity: [3, 2, 1, 0]\n"
		"    rps_cpus: [\"f\", \"0\", \"0\", \"0\"]\n"
		"    rss: { key: \"01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:"
		"15:16:17:18:19:1a:1b:1c:1d:1e:1f:20:21:22:23:24:25:26:27:28\", indir: [0, 1, 2, 3],"
		" udp_4tuple: true }\n"
		"routes:\n"
		"  - { to: 172.17.0.0/16, dev: eth2 }\n"
		"  - { to: default, via: 10.1.0.1, dev: eth1 }\n"
		"  - { to: \"fd00:3::/64\", via: \"fd00::\", dev: eth1 }\n"
		"  - { to: \"::/0\", dev: eth1 }\n"
		"neighbours:\n"
		"  - { ip: 10.1.0.1, mac: \"02:00:00:00:00:77\", dev: eth1 }\n"
		"  - { ip: \"fd00::\", mac: \"02:00:00:00:00:78\", dev: eth1 }\n"
		"netfilter: |\n"
		"  *filter\n"
		"  -A INPUT -p udp --dport 6000 -j DROP\n"
		"  COMMIT\n"
		"sockets:\n"
		"  - { name: dns, proto: udp, bind: 0.0.0.0:53, rcvbuf: 4096, app: { read: never } }\n"
		"  - { name: web, proto: tcp, bind: \"[fd00::2]:80\", backlog: 16,"
		" app: { accept: 1000/s, read: 10MB/s, cpu: 1 } }\n"
		"  - { name: b, proto: udp, bind: 10.1.0.2:9, app: { read: { batch: 8, every: 1ms } } }\n"
		"  - { name: m, proto: udp, bind: \"[::]:5353\", join: [224.0.0.251,"
		" { group: \"ff02::fb\", nic: eth2 }], multicast_all: false }\n"
		"taps:\n"
		"  - { name: t, filter: \"udp and port 53\", write: t.pcap, direction: in }\n"
		"traffic:\n"
		"  - { pcap: a.pcap, nic: eth2, speed: 0.5, start: 10ms }\n"
		"  - { generate: udp_flood, nic: eth1, rate: 2Mpps, flows: 64, duration: 10ms }\n"
		"cost: { udp_rcv: 200 }\n"
		"run: { until: 2500ms }\n";
	struct rxs_scenario *sc = NULL, *back = NULL;
	char err[512] = "";

	(void)state;
	if (parse(&sc, text, err, sizeof(err)))
		fail_msg("%s", err);
	round_trip(sc, &back);
	assert_int_equal(back->nnics, 2);
	assert_int_equal(back->nics[1].irq_affinity[0], 3);
	/* what forwarding reads: routes, neighbours, rp_filter, send_redirects */
	assert_int_equal(back->nics[0].rp_filter, 2);
	assert_true(back->nics[0].no_send_redirects);
	assert_false(back->nics[1].no_send_redirects);
	assert_int_equal(rxs_scenario_sysctl(back, RXS_SYSCTL_SEND_REDIRECTS), 0);
	assert_int_equal(back->nroutes, 4);
	assert_int_equal(back->routes[1].to.prefix, 0);
	assert_int_equal(back->routes[1].via.family, AF_INET);
	assert_int_equal(back->routes[2].via.family, AF_INET6);
	assert_int_equal(back->routes[3].to.family, AF_INET6);	/* ::/0 stays IPv6's */
	assert_int_equal(back->routes[3].to.prefix, 0);
	assert_string_equal(back->routes[0].dev, "eth2");
	assert_int_equal(back->nneighbours, 2);
	assert_int_equal(back->neighbours[1].ip.family, AF_INET6);
	assert_int_equal(back->neighbours[0].mac[5], 0x77);
	assert_string_equal(back->neighbours[0].dev, "eth1");
	assert_int_equal(back->nics[1].rps_cpus[0], 0xf);
	assert_true(back->nics[1].rss_key_set);
	assert_int_equal(back->sockets[1].app.kind, RXS_APP_RATE);
	assert_int_equal(back->sockets[2].app.every_ns, 1000000);
	assert_int_equal(back->sockets[3].njoin, 2);
	assert_string_equal(back->sockets[3].join[1].nic, "eth2");
	assert_true(back->sockets[3].mc_all_off);
	assert_string_equal(back->netfilter, sc->netfilter);
	assert_int_equal(back->cost.ns[RXS_COST_UDP_RCV], 200);
	assert_int_equal(back->run.until, RXS_UNTIL_TIME);
	assert_int_equal(back->run.ns, 2500000000u);
	rxs_scenario_free(back);
	rxs_scenario_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle_cases),
		cmocka_unit_test(test_netfilter_line),
		cmocka_unit_test(test_key_paths_documented),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_parse_defaults),
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_socket_join),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_vlans),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_sysctl_names),
		cmocka_unit_test(test_capture_host),
		cmocka_unit_test(test_capture_pick),
		cmocka_unit_test(test_capture_loopback),
		cmocka_unit_test(test_capture_only_candidate),
		cmocka_unit_test(test_emit_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
