/* test_oracle.c - the real-kernel oracle cases: rxsim must report the kernel's counters.
 *
 * Each supported case of ../shared/oracle/cases is replayed with the rxsim program
 * (`rxsim replay scenario.yaml --format json`) and compared with the kernel's expect.json by
 * the oracle's own checker (check.py), so the test and a user checking by hand agree. Every
 * recorded case is here; a new case recorded with oracle/run.sh is added to this table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cmocka.h>

#define CASES RXS_SHARED_DIR "/oracle/cases"

static const struct {
	int line;
	const char *name;
} cases[] = {
	{ __LINE__, "udp-rcvbuf" },
	{ __LINE__, "icmp-echo" },
	{ __LINE__, "nft-input-drop" },
	{ __LINE__, "accept-overflow" },
	{ __LINE__, "synq-syncookies-on" },
};

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_oracle_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char cmd[8192];
		int rc;

		/* The output goes beside the build, never into shared/. */
		snprintf(cmd, sizeof(cmd),
			 "cd '%s/%s' && '%s' replay scenario.yaml --format json > '%s/oracle-%s.json'",
			 CASES, cases[i].name, RXS_CLI, RXS_BINARY_DIR, cases[i].name);
		rc = run(cmd);
		if (rc != 0)
			fail_msg("case %s (line %d): rxsim exited %d", cases[i].name, cases[i].line, rc);
		snprintf(cmd, sizeof(cmd), "python3 '%s/../check.py' '%s/%s/expect.json' '%s/oracle-%s.json'",
			 CASES, CASES, cases[i].name, RXS_BINARY_DIR, cases[i].name);
		rc = run(cmd);
		if (rc != 0)
			fail_msg("case %s (line %d): check.py found mismatches (exit %d)", cases[i].name,
				 cases[i].line, rc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
