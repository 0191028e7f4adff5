/* test_host.c - the host of a bare capture, end to end through the program: `rxsim scenario`
 * prints YAML that replays to the same counters as the bare replay; --host picks the other
 * end for replay, trace, sweep and advise; every report shows the host; loopback and IPv6
 * multicast captures are delivered. Captures are written here (capw.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capw.h"
#include "run_cmd.h"

static char dir[128];

static const char *in_dir(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
	return buf;
}

/* An ssh server (10.0.0.2, fr_host_mac) and its client: the handshake both ways, data, a
 * DNS server answering three clients. */
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
	for (int i = 0; i < 5; i++) {
		capw_tcp(&f, H, P, "10.0.0.1", "10.0.0.2", 40000, 22, 0x18, 101 + 10u * i, 501,
			 10);
		capw_add(&w, &f);
		capw_tcp(&f, P, H, "10.0.0.2", "10.0.0.1", 22, 40000, 0x10, 501,
			 111 + 10u * i, 0);
		capw_add(&w, &f);
	}
	for (uint16_t port = 50001; port <= 50003; port++) {
		capw_udp(&f, H, P, false, 0, "10.0.0.1", "10.0.0.2", port, 53, 20);
		capw_add(&w, &f);
		capw_udp(&f, P, H, false, 0, "10.0.0.2", "10.0.0.1", 53, port, 40);
		capw_add(&w, &f);
	}
	capw_close(&w);
}

/* Two connections the capture joined mid-way (no SYN): a client's to the host's port 179,
 * the host answering from it; and the host's own, from port 45000 to 10.0.0.9:443, whose
 * data comes to it. Then a connection the host opens from 45001 to 10.0.0.9:443 and the
 * peer refuses. */
static void write_mid_way(const char *path)
{
	const uint8_t *H = fr_host_mac, *P = fr_peer_mac;
	struct capw w;
	struct fr f;

	capw_open(&w, path, CAPW_EN10MB);
	for (uint32_t i = 0; i < 4; i++) {
		capw_tcp(&f, H, P, "10.0.0.1", "10.0.0.2", 50000, 179, 0x18, 9000 + 19 * i, 300,
			 19);
		capw_add(&w, &f);
		capw_tcp(&f, P, H, "10.0.0.2", "10.0.0.1", 179, 50000, 0x10, 300, 9019 + 19 * i,
			 0);
		capw_add(&w, &f);
		capw_tcp(&f, H, P, "10.0.0.9", "10.0.0.2", 443, 45000, 0x18, 70000 + 1000 * i,
			 555, 1000);
		capw_add(&w, &f);
	}
	capw_tcp(&f, P, H, "10.0.0.2", "10.0.0.9", 45001, 443, 0x02, 100, 0, 0);
	capw_add(&w, &f);
	capw_tcp(&f, H, P, "10.0.0.9", "10.0.0.2", 443, 45001, 0x14, 0, 101, 0);
	capw_add(&w, &f);
	capw_close(&w);
}

/* @f as a Linux cooked record of an Ethernet device: @pkttype (0 to this host, 4 sent by
 * it) with @mac, the sender's address as SLL keeps it. */
static void sll_record(struct capw *w, const struct fr *f, uint16_t pkttype, const uint8_t mac[6])
{
	uint8_t rec[FR_MAX + 16] = { 0 };

	fr_put16(rec, pkttype);
	fr_put16(rec + 2, 1);		/* ARPHRD_ETHER */
	fr_put16(rec + 4, 6);
	memcpy(rec + 6, mac, 6);
	memcpy(rec + 14, f->d + 12, 2);	/* the protocol */
	memcpy(rec + 16, f->d + FR_ETH_HLEN, f->len - FR_ETH_HLEN);
	capw_record(w, rec, f->len - FR_ETH_HLEN + 16);
}

static int setup(void **state)
{
	char p[256];
	struct capw w;
	struct fr f;
	static const uint8_t zero[6];
	static const uint8_t mdns6[6] = { 0x33, 0x33, 0, 0, 0, 0xfb };

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_host.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	write_two_way(in_dir(p, sizeof(p), "two-way.pcap"));
	/* A loopback capture (SLL): a connection to 6379 with a segment longer than 1500. */
	capw_open(&w, in_dir(p, sizeof(p), "lo.pcap"), CAPW_LINUX_SLL);
	capw_tcp(&f, zero, zero, "127.0.0.1", "127.0.0.1", 40000, 6379, 0x02, 1, 0, 0);
	capw_add_sll(&w, &f);
	capw_tcp(&f, zero, zero, "127.0.0.1", "127.0.0.1", 6379, 40000, 0x12, 7, 2, 0);
	capw_add_sll(&w, &f);
	capw_tcp(&f, zero, zero, "127.0.0.1", "127.0.0.1", 40000, 6379, 0x10, 2, 8, 0);
	capw_add_sll(&w, &f);
	capw_tcp(&f, zero, zero, "127.0.0.1", "127.0.0.1", 40000, 6379, 0x18, 2, 8, 3000);
	capw_add_sll(&w, &f);
	capw_close(&w);
	write_mid_way(in_dir(p, sizeof(p), "mid.pcap"));
	/* tcpdump -i any on a server (SLL, Ethernet): three queries in, three answers out. */
	capw_open(&w, in_dir(p, sizeof(p), "any.pcap"), CAPW_LINUX_SLL);
	for (int i = 0; i < 3; i++) {
		capw_udp(&f, fr_host_mac, fr_peer_mac, false, 0, "10.0.0.1", "10.0.0.2",
			 (uint16_t)(40000 + i), 53, 30);
		sll_record(&w, &f, 0, fr_peer_mac);
		capw_udp(&f, fr_peer_mac, fr_host_mac, false, 0, "10.0.0.2", "10.0.0.1", 53,
			 (uint16_t)(40000 + i), 60);
		sll_record(&w, &f, 4, fr_host_mac);
	}
	capw_close(&w);
	/* IPv6 multicast only (as babel and mDNS are): no IPv6 address in it for the host. */
	capw_open(&w, in_dir(p, sizeof(p), "mdns6.pcap"), CAPW_EN10MB);
	for (int i = 0; i < 4; i++) {
		capw_udp(&f, mdns6, fr_peer_mac, false, 0, "fe80::1", "ff02::fb", 5353, 5353,
			 30);
		capw_add(&w, &f);
	}
	capw_close(&w);
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* The JSON report without what says how the run was set up: "host" (assumed or the file's,
 * with its comments) and "inputs" (the capture's path as given), its last keys. */
static void cut_host(char *json)
{
	char *h = strstr(json, ",\n  \"host\": {");

	if (h)
		strcpy(h, "\n}\n");
}

/* The YAML `rxsim scenario` prints replays to exactly the bare replay's counters. */
static void test_scenario_replays_the_same(void **state)
{
	static const struct { int line; const char *cap, *host; } cases[] = {
		{ __LINE__, "two-way.pcap", NULL },
		{ __LINE__, "two-way.pcap", "10.0.0.1" },
		{ __LINE__, "two-way.pcap", "02:00:00:00:00:01" },
		{ __LINE__, "lo.pcap", NULL },
		{ __LINE__, "mdns6.pcap", NULL },
		{ __LINE__, "mid.pcap", NULL },
		{ __LINE__, "mid.pcap", "10.0.0.1" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char cap[256], yaml[256], host[64] = "";
		int s1, s2, s3;
		char *out, *bare, *file;

		in_dir(cap, sizeof(cap), cases[i].cap);
		in_dir(yaml, sizeof(yaml), "s.yaml");
		if (cases[i].host)
			snprintf(host, sizeof(host), "--host %s", cases[i].host);
		out = run(&s1, "%s scenario %s %s -o %s --force", RXS_CLI, cap, host, yaml);
		bare = run(&s2, "%s replay %s %s --format json --quiet", RXS_CLI, cap, host);
		file = run(&s3, "%s replay %s --format json --quiet", RXS_CLI, yaml);
		if (s1 || s2 || s3 || !strstr(bare, "\"host\": {\n    \"assumed\": true,") ||
		    !strstr(file, "\"host\": {\n    \"assumed\": false,"))
			fail_msg("case at line %d: exit %d %d %d", cases[i].line, s1, s2, s3);
		cut_host(bare);
		cut_host(file);
		if (strcmp(bare, file))
			fail_msg("case at line %d: the YAML replays differently:\n%s\n%s",
				 cases[i].line, bare, file);
		free(out);
		free(bare);
		free(file);
	}
}

/* -o refuses an existing file unless --force, like --report. */
static void test_scenario_output(void **state)
{
	char cap[256], yaml[256];
	int status;
	char *out;

	(void)state;
	in_dir(cap, sizeof(cap), "two-way.pcap");
	in_dir(yaml, sizeof(yaml), "out.yaml");
	free(run(&status, "%s scenario %s -o %s", RXS_CLI, cap, yaml));
	assert_int_equal(status, 0);
	out = run(&status, "%s scenario %s -o %s 2>&1", RXS_CLI, cap, yaml);
	assert_int_equal(status, 2);
	assert_non_null(strstr(out, "exists; use --force"));
	free(out);
	free(run(&status, "%s scenario %s -o %s --force", RXS_CLI, cap, yaml));
	assert_int_equal(status, 0);
	/* Stdout: the comments say why; the file is a valid scenario. */
	out = run(&status, "%s scenario %s", RXS_CLI, cap);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "# 1 SYN to this port\n  - { name: \"tcp:22\""));
	assert_non_null(strstr(out, "well-known port 53"));
	assert_null(strstr(out, "40000"));	/* the client's port: no listener */
	free(out);
	free(run(&status, "%s check %s", RXS_CLI, yaml));
	assert_int_equal(status, 0);
	/* A capture named relative to where rxsim ran: the file names it absolutely, so it
	 * replays from anywhere. */
	free(run(&status, "cd %s && %s scenario two-way.pcap -o rel.yaml", dir, RXS_CLI));
	assert_int_equal(status, 0);
	out = run(&status, "cd / && %s replay %s/rel.yaml --quiet", RXS_CLI, dir);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "conservation: offered 10 = consumed 10 + dropped 0"));
	free(out);
}

static const struct {
	int line;
	const char *args;	/* after "rxsim", with %s the capture */
	int status;
	const char *want;	/* in stdout and stderr */
} host_cases[] = {
	{ __LINE__, "replay %s --quiet", 0,
	  "host: eth0 02:00:00:00:00:02, 10.0.0.2; sockets tcp:22, udp:53\n"
	  "  (assumed from the capture; `rxsim scenario CAPTURE` prints it as YAML)" },
	/* The client: no listener on its TCP port, its UDP ports' sockets read the replies. */
	{ __LINE__, "replay %s --quiet --host 10.0.0.1", 0,
	  "host: eth0 02:00:00:00:00:01, 10.0.0.1; sockets udp:50001, udp:50002, udp:50003" },
	{ __LINE__, "replay %s --quiet --host=02:00:00:00:00:01 --format json", 0,
	  "\"summary\": \"eth0 02:00:00:00:00:01, 10.0.0.1; sockets udp:50001, udp:50002" },
	{ __LINE__, "replay %s --quiet --format json", 0,
	  "{\"name\": \"tcp:22\", \"port\": 22, \"why\": \"1 SYN to this port\", "
	  "\"proto\": \"tcp\", \"local\": \"[::]:22\", \"joins\": []}" },
	{ __LINE__, "trace %s --host 10.0.0.1 --packet 2", 0, "TCP 10.0.0.2.22 > 10.0.0.1.40000" },
	{ __LINE__, "sweep %s --host 10.0.0.1 --set nics.eth0.ring_size=64,128 -j 1", 0, "128" },
	{ __LINE__, "advise %s --host 10.0.0.1 -j 1", 0, "" },
	{ __LINE__, "check %s --host 10.0.0.1", 0, "1 nics, 4 sockets" },
	/* The client's connection is its connected socket: the SYN-ACK completes it (its SYN
	 * was learned from the capture), the server's ACKs come to it; nothing is reset. */
	{ __LINE__, "replay %s --quiet --host 10.0.0.1", 0,
	  "sockets udp:50001, udp:50002, udp:50003, tcp:40000-22" },
	{ __LINE__, "replay %s --quiet --host 10.0.0.1", 0,
	  "conservation: offered 9 = consumed 9 + dropped 0 + queued 0" },
	{ __LINE__, "replay %s --quiet --host 10.0.0.1 --format json", 0,
	  "\"TcpActiveOpens\": 1," },
	{ __LINE__, "replay %s --quiet --host 10.0.0.1 --format json", 0, "\"TcpOutRsts\": 0," },
	{ __LINE__, "replay %s --host 10.9.9.9", 2, "--host 10.9.9.9: no frame of" },
	{ __LINE__, "replay %s --host nonsense", 2, "not an IPv4 or IPv6 address or a MAC" },
	{ __LINE__, "scenario %s --host", 2, "option --host needs a value" },
	{ __LINE__, "scenario %s.nope", 2, "" },
};

static void test_host_option(void **state)
{
	char cap[256];

	(void)state;
	in_dir(cap, sizeof(cap), "two-way.pcap");
	for (size_t i = 0; i < sizeof(host_cases) / sizeof(host_cases[0]); i++) {
		char cmd[512];
		int status;
		char *out;

		snprintf(cmd, sizeof(cmd), host_cases[i].args, cap);
		out = run(&status, "%s %s 2>&1", RXS_CLI, cmd);
		if (status != host_cases[i].status || !strstr(out, host_cases[i].want))
			fail_msg("case at line %d: exit %d, want %d and '%s':\n%s", host_cases[i].line,
				 status, host_cases[i].status, host_cases[i].want, out);
		free(out);
	}
}

/* --host with a scenario file: refused, its host is its own. The HTML report shows it. */
static void test_host_elsewhere(void **state)
{
	char cap[256], yaml[256], html[256];
	int status;
	char *out;

	(void)state;
	in_dir(cap, sizeof(cap), "two-way.pcap");
	in_dir(yaml, sizeof(yaml), "e.yaml");
	in_dir(html, sizeof(html), "r.html");
	free(run(&status, "%s scenario %s -o %s --force", RXS_CLI, cap, yaml));
	assert_int_equal(status, 0);
	out = run(&status, "%s replay %s --host 10.0.0.2 2>&1", RXS_CLI, yaml);
	assert_int_equal(status, 2);
	assert_non_null(strstr(out, "--host picks the host of a bare capture"));
	free(out);
	free(run(&status, "%s replay %s --quiet --report %s --force", RXS_CLI, cap, html));
	assert_int_equal(status, 0);
	out = run(&status, "cat %s", html);
	assert_non_null(strstr(out, "host: eth0 02:00:00:00:00:02, 10.0.0.2; sockets tcp:22"));
	free(out);
}

/* A loopback capture lands on lo: no martian drops, no length errors; the server's side is
 * delivered (its checksums, never filled in on lo, count as verified). IPv6 multicast is
 * delivered on a host that got a link-local address for it. */
static void test_loopback_and_ipv6(void **state)
{
	char cap[256];
	int status;
	char *out;

	(void)state;
	out = run(&status, "%s replay %s --quiet --format json", RXS_CLI,
		  in_dir(cap, sizeof(cap), "lo.pcap"));
	assert_int_equal(status, 0);
	assert_null(strstr(out, "IP_INVALID_DEST"));
	assert_null(strstr(out, "NIC_LENGTH"));
	assert_null(strstr(out, "TCP_CSUM"));
	/* SYN, SYN-ACK (to the client's connected socket), ACK, data. */
	assert_non_null(strstr(out, "\"consumed\": 4,"));
	assert_non_null(strstr(out, "\"ok\": true"));
	free(out);
	out = run(&status, "%s replay %s --quiet --format json", RXS_CLI,
		  in_dir(cap, sizeof(cap), "mdns6.pcap"));
	assert_int_equal(status, 0);
	assert_null(strstr(out, "IPV6DISABLED"));
	assert_non_null(strstr(out, "\"offered\": 4, \"consumed\": 4,"));
	free(out);
}

/* tcpdump -i any marks what the host sent (PACKET_OUTGOING): those are the host's own frames,
 * counted as such and not replayed, as in an Ethernet capture; the queries are delivered. */
static void test_sll_outgoing(void **state)
{
	char cap[256];
	int status;
	char *out;

	(void)state;
	out = run(&status, "%s replay %s --quiet --format json", RXS_CLI,
		  in_dir(cap, sizeof(cap), "any.pcap"));
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "\"frames\": 6, \"own_frames_skipped\": 3, \"replayed\": 3"));
	assert_non_null(strstr(out, "\"offered\": 3, \"consumed\": 3, \"dropped\": 0,"));
	free(out);
}

/* Connections the capture joined mid-way are assumed open on the host, on both sides, and
 * are delivered: no NO_SOCKET, no TCP_FLAGS. One the host opened and the peer refused is
 * refused as in the kernel (AttemptFails, the RST consumed). The YAML says why. */
static void test_mid_way(void **state)
{
	char cap[256];
	int status;
	char *out;

	(void)state;
	in_dir(cap, sizeof(cap), "mid.pcap");
	out = run(&status, "%s replay %s --quiet --format json", RXS_CLI, cap);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "\"offered\": 9, \"consumed\": 9, \"dropped\": 0,"));
	assert_non_null(strstr(out, "\"TcpActiveOpens\": 1,"));
	assert_non_null(strstr(out, "\"TcpAttemptFails\": 1,"));
	assert_non_null(strstr(out, "\"TcpOutRsts\": 0,"));
	free(out);
	out = run(&status, "%s scenario %s", RXS_CLI, cap);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "  # accepted by tcp:179 before the capture (no SYN in it): "
				    "assumed established; 8 segments\n"
				    "  - { name: \"tcp:179-50000\", proto: tcp, bind: \"10.0.0.2:179\", "
				    "connect: \"10.0.0.1:50000\", app: { read: all } }\n"));
	assert_non_null(strstr(out, "  # begun before the capture (no SYN in it): assumed "
				    "established; 4 segments\n"
				    "  - { name: \"tcp:45000-443\""));
	assert_non_null(strstr(out, "  # the host's connection: it sent the SYN; 2 segments\n"
				    "  - { name: \"tcp:45001-443\""));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenario_replays_the_same),
		cmocka_unit_test(test_scenario_output),
		cmocka_unit_test(test_host_option),
		cmocka_unit_test(test_host_elsewhere),
		cmocka_unit_test(test_loopback_and_ipv6),
		cmocka_unit_test(test_mid_way),
		cmocka_unit_test(test_sll_outgoing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
