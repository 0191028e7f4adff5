/* test_golden.c - the program's outputs that people and tools rely on, compared as text.
 *
 * Kernel formats: `--format kernel` of fixed examples against the .kernel files of
 * tests/golden/, checked by eye against the real samples of the oracle cases; the samples
 * rxsim must match line for line are kept beside them (tests/golden/oracle-*.txt) and
 * compared here. After an intended format change, RXS_UPDATE_GOLDEN=1 rewrites the golden
 * files; review the diff. Also: the JSON contract's keys, sweep determinism over -j, the same
 * JSON with and without the progress line, and the messages of --set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "run_cmd.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define EX(name) RXS_SOURCE_DIR "/examples/" name "/scenario.yaml"
#define GOLDEN(name) RXS_SOURCE_DIR "/tests/golden/" name
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))


static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);
	size_t n;

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static const struct {
	int line;
	const char *scenario;
	const char *golden;
} golden_cases[] = {
	{ __LINE__, EX("udp-rcvbuf"), GOLDEN("udp-rcvbuf.kernel") },
	{ __LINE__, EX("accept-overflow"), GOLDEN("accept-overflow.kernel") },
};

static void test_kernel_formats_golden(void **state)
{
	bool update = getenv("RXS_UPDATE_GOLDEN") != NULL;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(golden_cases); i++) {
		int status;
		char *out = run(&status, "%s replay %s --format kernel", RXS_CLI,
				golden_cases[i].scenario);
		char *want = slurp(golden_cases[i].golden);

		assert_int_equal(status, 0);
		if (update) {
			FILE *f = fopen(golden_cases[i].golden, "w");

			assert_non_null(f);
			fputs(out, f);
			fclose(f);
		} else if (!want || strcmp(out, want) != 0) {
			fail_msg("case at line %d: output differs from %s:\n%s", golden_cases[i].line,
				 golden_cases[i].golden, out);
		}
		free(want);
		free(out);
	}
}

/* Lines rxsim must print exactly as the real tool printed them on the oracle host. */
static const struct {
	int line;
	const char *golden;	/* rxsim's output */
	const char *sample;	/* the real tool's */
	const char *block;	/* the "# command" heading of the block in @golden */
	int nlines;		/* lines compared: the header and the socket line */
} sample_cases[] = {
	{ __LINE__, GOLDEN("accept-overflow.kernel"), GOLDEN("oracle-accept-overflow-ss-lnt.txt"),
	  "# ss -lnt\n", 2 },
	/* The same layout, other numbers: compare the header only, and the socket line's shape. */
	{ __LINE__, GOLDEN("udp-rcvbuf.kernel"), GOLDEN("oracle-udp-rcvbuf-ss-uanm.txt"),
	  "# ss -lnu -m\n", 1 },
};

static void test_formats_match_real_samples(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sample_cases); i++) {
		char *ours = slurp(sample_cases[i].golden), *real = slurp(sample_cases[i].sample);
		const char *a, *b;

		assert_non_null(ours);
		assert_non_null(real);
		a = strstr(ours, sample_cases[i].block);
		assert_non_null(a);
		a += strlen(sample_cases[i].block);
		b = real;
		for (int l = 0; l < sample_cases[i].nlines; l++) {
			size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

			if (la != lb || strncmp(a, b, la) != 0)
				fail_msg("case at line %d, line %d: '%.*s' is '%.*s' on a real host",
					 sample_cases[i].line, l + 1, (int)la, a, (int)lb, b);
			a += la + 1;
			b += lb + 1;
		}
		free(ours);
		free(real);
	}
}

/* The JSON contract: the top-level keys and the keys inside them that tools read. */
static void test_json_contract(void **state)
{
	static const char *const keys[] = {
		"\"nstat\": {", "\"softnet\": [", "\"nics\": [", "\"cpus\": [", "\"sockets\": [",
		"\"drops\": {", "\"conservation\": {", "\"UdpRcvbufErrors\": 744",
		"\"time_squeeze\": ", "\"rx_missed_errors\": ", "\"SOCKET_RCVBUFF\": 744",
		"\"offered\": 1000", "\"ok\": true", "\"rcvbuf\": 131072",
	};
	int status;
	char *out = run(&status, "%s replay %s --format json", RXS_CLI, EX("udp-rcvbuf"));

	(void)state;
	assert_int_equal(status, 0);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strstr(out, keys[i]))
			fail_msg("no %s in the JSON:\n%s", keys[i], out);
	free(out);
}

/* Sweep rows come back in grid order whatever order the children end in. */
static void test_sweep_deterministic(void **state)
{
	int s1, s4;
	char *one = run(&s1, "%s sweep %s --set nics.eth0.ring_size=64,256,1024,4096 "
			"--set sysctl.net.core.netdev_budget_usecs=100,2000 --format json -j 1",
			RXS_CLI, EX("ring-overflow"));
	char *four = run(&s4, "%s sweep %s --set nics.eth0.ring_size=64,256,1024,4096 "
			 "--set sysctl.net.core.netdev_budget_usecs=100,2000 --format json -j 4",
			 RXS_CLI, EX("ring-overflow"));

	(void)state;
	assert_int_equal(s1, 0);
	assert_int_equal(s4, 0);
	assert_string_equal(one, four);
	free(one);
	free(four);
}

/* Running in slices to draw the progress line changes nothing. */
static void test_progress_same_result(void **state)
{
	static const char *const scenarios[] = { EX("udp-rcvbuf"), EX("accept-overflow"),
						 EX("ring-overflow"), EX("syn-flood") };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++) {
		int s1, s2;
		char *plain = run(&s1, "%s replay %s --format json --quiet", RXS_CLI, scenarios[i]);
		char *shown = run(&s2, "%s replay %s --format json --progress 2>/dev/null", RXS_CLI,
				  scenarios[i]);

		assert_int_equal(s1, s2);
		if (strcmp(plain, shown) != 0)
			fail_msg("%s: the JSON differs with --progress", scenarios[i]);
		free(plain);
		free(shown);
	}
}

static const struct {
	int line;
	const char *set;
	const char *want;	/* the whole message line */
} set_cases[] = {
	{ __LINE__, "sockets.mdns.rcvbf=1",
	  "rxsim: --set sockets.mdns.rcvbf=1: unknown key 'rcvbf' (did you mean 'rcvbuf'?)\n" },
	{ __LINE__, "sysctl.net.core.netdev_budgt=1",
	  "rxsim: --set sysctl.net.core.netdev_budgt=1: unknown sysctl 'net.core.netdev_budgt' "
	  "(did you mean 'net.core.netdev_budget'?)\n" },
	{ __LINE__, "nics.eth0.ring_size=1000",
	  "rxsim: --set nics.eth0.ring_size=1000: 1000 is not a power of two\n" },
};

static void test_set_messages(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(set_cases); i++) {
		int status;
		char *out = run(&status, "%s replay %s --set %s 2>&1 >/dev/null", RXS_CLI,
				EX("udp-rcvbuf"), set_cases[i].set);

		if (status != 2 || strcmp(out, set_cases[i].want) != 0)
			fail_msg("case at line %d: exit %d, '%s'", set_cases[i].line, status, out);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_formats_golden),
		cmocka_unit_test(test_formats_match_real_samples),
		cmocka_unit_test(test_json_contract),
		cmocka_unit_test(test_sweep_deterministic),
		cmocka_unit_test(test_progress_same_result),
		cmocka_unit_test(test_set_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
