/* test_advise.c - `rxsim advise` on the examples, through the program.
 *
 * Each example has one kind of drop whose cure its README explains: udp-rcvbuf's 744
 * UdpRcvbufErrors go with a bigger SO_RCVBUF, ring-overflow's missed frames with a bigger
 * ring (and its time_squeeze with more netdev_budget_usecs), accept-overflow's
 * ListenOverflows with a bigger listen() backlog. The search must find those, print the
 * commands of a real host, and give the same output for any -j.
 *
 * And it tells the truth about what it cannot cure: drops no knob removes (bad checksums, no
 * socket, a flood faster than the biggest ring) are listed with why, in text and JSON;
 * "nothing to change" only when nothing is dropped and no poll was cut short.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "frames.h"
#include "run_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define EX(name) RXS_SOURCE_DIR "/examples/" name "/scenario.yaml"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))


static const struct {
	int line;
	const char *scenario;
	const char *want[4];	/* each must appear in the text output */
} advise_cases[] = {
	{ __LINE__, EX("udp-rcvbuf"), { "receive buffer full (UdpRcvbufErrors 744)",
	  "removed by      --set sockets.mdns.rcvbuf=", "UdpRcvbufErrors 744 -> 0",
	  "setsockopt(fd, SOL_SOCKET, SO_RCVBUF, " } },
	{ __LINE__, EX("ring-overflow"), { "ring full (rx_missed_errors 1208)",
	  "removed by      --set nics.eth0.ring_size=2048", "ethtool -G eth0 rx 2048",
	  "sysctl -w net.core.netdev_budget_usecs=" } },
	{ __LINE__, EX("accept-overflow"), { "accept queue full (TcpExtListenOverflows 60)",
	  "removed by      --set sockets.srv.backlog=", "TcpExtListenOverflows 60 -> 0",
	  "listen(fd, " } },
	{ __LINE__, EX("multiqueue"), { "one CPU did the work", "ethtool -L eth0 combined 4",
	  "ethtool -N eth0 rx-flow-hash udp4 sdfn", "all the changes together" } },
};

static void test_advise_finds_the_knob(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(advise_cases); i++) {
		int status;
		char *out = run(&status, "%s advise %s", RXS_CLI, advise_cases[i].scenario);

		if (status != 0)
			fail_msg("case at line %d: exit %d\n%s", advise_cases[i].line, status, out);
		for (size_t k = 0; k < ARRAY_SIZE(advise_cases[i].want); k++)
			if (advise_cases[i].want[k] && !strstr(out, advise_cases[i].want[k]))
				fail_msg("case at line %d: no '%s' in\n%s", advise_cases[i].line,
					 advise_cases[i].want[k], out);
		free(out);
	}
}

/* Children finish in any order; the advice must not depend on it. */
static void test_advise_deterministic(void **state)
{
	static const char *const formats[] = { "text", "json" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(advise_cases); i++) {
		for (size_t f = 0; f < ARRAY_SIZE(formats); f++) {
			int s1, s3;
			char *one = run(&s1, "%s advise %s -j 1 --format %s", RXS_CLI,
					advise_cases[i].scenario, formats[f]);
			char *three = run(&s3, "%s advise %s -j 3 --format %s", RXS_CLI,
					  advise_cases[i].scenario, formats[f]);

			if (s1 != 0 || s3 != 0 || strcmp(one, three) != 0)
				fail_msg("case at line %d (%s): -j 1 and -j 3 differ", advise_cases[i].line,
					 formats[f]);
			free(one);
			free(three);
		}
	}
}

/* The JSON says the drop was removed, with the change and the counters after it. */
static void test_advise_json(void **state)
{
	int status;
	char *out = run(&status, "%s advise %s --format json", RXS_CLI, EX("udp-rcvbuf"));

	(void)state;
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "\"drop\": \"rcvbuf_full\""));
	assert_non_null(strstr(out, "\"removed\": true"));
	assert_non_null(strstr(out, "\"rcvbuf_full\": 744"));
	assert_non_null(strstr(out, "\"max_runs\": 64"));
	free(out);
}

/* ---- drops that remain ---- */

/* A pcap of @n UDP datagrams 10.0.0.1 -> 10.0.0.2:@dport, 10 us apart; with @bad_csum each
 * UDP checksum is off by 0x1234 (damage, not the TX-offload signature). */
static void write_udp_pcap(const char *path, unsigned int n, uint16_t dport, bool bad_csum)
{
	static const uint32_t ghdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	static struct fr f;
	FILE *out = fopen(path, "wb");

	assert_non_null(out);
	assert_int_equal(fwrite(ghdr, sizeof(ghdr), 1, out), 1);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t rec[4] = { 1700000000, i * 10, 0, 0 };
		uint8_t *csum;

		memset(&f, 0, sizeof(f));
		fr_udp(&f, FR_PEER_IP, FR_HOST_IP, (uint16_t)(10000 + i), dport, 32);
		csum = f.d + f.l4 + 6;
		if (bad_csum)
			fr_put16(csum, (uint16_t)(fr_get16(csum) ^ 0x1234));
		rec[2] = rec[3] = f.len;
		assert_int_equal(fwrite(rec, sizeof(rec), 1, out), 1);
		assert_int_equal(fwrite(f.d, f.len, 1, out), 1);
	}
	assert_int_equal(fclose(out), 0);
}

/* A scenario for @pcap: 10.0.0.2 with one UDP socket on port 9 whose application reads all. */
static void write_port9_yaml(const char *path, const char *pcap)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "nics:\n  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24] }\n"
		   "sockets:\n  - { name: discard, proto: udp, bind: 0.0.0.0:9, app: { read: all } }\n"
		   "traffic:\n  - { pcap: %s, nic: eth0 }\n", pcap);
	assert_int_equal(fclose(f), 0);
}

static const struct {
	int line;
	const char *name;	/* file in the test's folder: a capture, or a scenario */
	const char *text[3];	/* each in the text output */
	const char *json[2];	/* each in the JSON output */
} remain_cases[] = {
	/* A bare capture's host already has a ring of 4096: the search must still try a
	 * bigger one, and say what it leaves. */
	{ __LINE__, "flood.pcap", { "ring full (rx_missed_errors 9344)\n"
				    "  reduced most by --set nics.eth0.ring_size=8192\n",
	  "\n5248 drops remain: FULL_RING \xc3\x97" "5248; no change within reach removes them\n",
	  "one CPU has no other to share the work with" },
	  { "\"tried\": [{\"set\": [\"nics.eth0.ring_size=8192\"]",
	    "\"remaining\": [\n    {\"reason\": \"FULL_RING\", \"count\": 5248, \"why\": " } },
	{ __LINE__, "badcsum.pcap", { "1 run: the scenario as given; no knob in reach governs",
	  "\n21 drops remain: UDP_CSUM \xc3\x97" "21; no change within reach removes them\n",
	  "  UDP_CSUM: checksum errors are not a tuning matter: the frames were damaged, or "
	  "the capture does not hold the checksums the wire had (rewritten, anonymised, or taken "
	  "before TX checksum offload filled them in); if so, --set "
	  "traffic.0.checksums=recompute\n" },
	  { "\"remaining_dropped\": 21,",
	    "{\"reason\": \"UDP_CSUM\", \"count\": 21, \"why\": \"checksum errors are not a "
	    "tuning matter" } },
	{ __LINE__, "noport.yaml", { "\n10 drops remain: NO_SOCKET \xc3\x97" "10; no change within "
				     "reach removes them\n",
	  "  NO_SOCKET: no socket: nothing listens on that port", NULL },
	  { "{\"reason\": \"NO_SOCKET\", \"count\": 10, \"why\": \"no socket: nothing listens",
	    NULL } },
	{ __LINE__, "clean.pcap", { "no drops and no time_squeeze: nothing to change\n", NULL, NULL },
	  { "\"remaining_dropped\": 0,\n  \"remaining\": []", NULL } },
};

static void test_advise_remaining(void **state)
{
	char dir[] = "/tmp/rxs-advise-XXXXXX", path[512], pcap[512];
	int status;
	char *out;

	(void)state;
	assert_non_null(mkdtemp(dir));
	out = run(&status, "%s gen udp -o %s/flood.pcap --rate 5Mpps --count 20000", RXS_CLI, dir);
	assert_int_equal(status, 0);
	free(out);
	snprintf(path, sizeof(path), "%s/badcsum.pcap", dir);
	write_udp_pcap(path, 21, 53, true);
	snprintf(path, sizeof(path), "%s/clean.pcap", dir);
	write_udp_pcap(path, 21, 53, false);
	snprintf(pcap, sizeof(pcap), "%s/port7.pcap", dir);
	write_udp_pcap(pcap, 10, 7, false);
	snprintf(path, sizeof(path), "%s/noport.yaml", dir);
	write_port9_yaml(path, pcap);
	for (size_t i = 0; i < ARRAY_SIZE(remain_cases); i++) {
		for (int json = 0; json < 2; json++) {
			const char *const *want = json ? remain_cases[i].json : remain_cases[i].text;
			size_t n = json ? ARRAY_SIZE(remain_cases[i].json) :
					  ARRAY_SIZE(remain_cases[i].text);

			out = run(&status, "%s advise %s/%s --format %s", RXS_CLI, dir,
				  remain_cases[i].name, json ? "json" : "text");
			if (status != 0)
				fail_msg("case at line %d: exit %d\n%s", remain_cases[i].line, status,
					 out);
			for (size_t k = 0; k < n; k++)
				if (want[k] && !strstr(out, want[k]))
					fail_msg("case at line %d: no '%s' in\n%s",
						 remain_cases[i].line, want[k], out);
			/* Drops and "nothing to change" never go together. */
			if (i + 1 < ARRAY_SIZE(remain_cases) && strstr(out, "nothing to change"))
				fail_msg("case at line %d: \"nothing to change\" with drops:\n%s",
					 remain_cases[i].line, out);
			free(out);
		}
	}
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

static const struct {
	int line;
	const char *args;
	int want_status;
	const char *want_err;
} usage_cases[] = {
	{ __LINE__, "", 2, "a scenario file (or a capture) is needed" },
	{ __LINE__, EX("udp-rcvbuf") " -j 0", 2, "-j needs a number of processes" },
	{ __LINE__, EX("udp-rcvbuf") " --format xml", 2, "unknown format 'xml'" },
	{ __LINE__, EX("udp-rcvbuf") " --set sockets.mdns.rcvbf=1", 2, "unknown key 'rcvbf'" },
	{ __LINE__, EX("udp-rcvbuf") " --bogus", 2, "unknown option '--bogus'" },
};

static void test_advise_usage(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(usage_cases); i++) {
		int status;
		char *out = run(&status, "%s advise %s 2>&1", RXS_CLI, usage_cases[i].args);

		if (status != usage_cases[i].want_status || !strstr(out, usage_cases[i].want_err))
			fail_msg("case at line %d: exit %d\n%s", usage_cases[i].line, status, out);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_advise_finds_the_knob),
		cmocka_unit_test(test_advise_deterministic),
		cmocka_unit_test(test_advise_json),
		cmocka_unit_test(test_advise_remaining),
		cmocka_unit_test(test_advise_usage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
