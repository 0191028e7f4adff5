/* test_advise.c - `rxsim advise` on the examples, through the program.
 *
 * Each example has one kind of drop whose cure its README explains: udp-rcvbuf's 744
 * UdpRcvbufErrors go with a bigger SO_RCVBUF, ring-overflow's missed frames with a bigger
 * ring (and its time_squeeze with more netdev_budget_usecs), accept-overflow's
 * ListenOverflows with a bigger listen() backlog. The search must find those, print the
 * commands of a real host, and give the same output for any -j.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

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
		cmocka_unit_test(test_advise_usage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
