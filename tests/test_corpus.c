/* test_corpus.c - every capture of tcpdump's test suite, replayed end to end.
 *
 * Each file runs on the default host built for it (rxs_scenario_for_capture). Every one must
 * end in a clear error naming the file, or in a run whose packets are all accounted for:
 * offered == consumed + dropped + queued. A crash, a hang (the test has a time limit in
 * CMake) or a sanitizer report fails the suite.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rxsim/rxsim.h"

#define CORPUS RXS_TESTDATA_DIR "/pcaps/tcpdump-tests"

struct tally {
	unsigned int files, ran, refused, run_errors;
	uint64_t offered, consumed, dropped, queued;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay one file; fails the test on a conservation violation or a nameless error. */
static void replay_one(const char *path, const char *name, struct tally *t)
{
	struct rxs_scenario *sc = NULL;
	struct rxs_conservation c;
	rxs_host_t *h = NULL;
	char err[512] = "";
	int rc;

	t->files++;
	rc = rxs_scenario_for_capture(&sc, path, err, sizeof(err));
	if (rc == 0)
		rc = rxs_host_create(&h, sc, err, sizeof(err));
	rxs_scenario_free(sc);
	if (rc) {
		if (!strstr(err, name))
			fail_msg("%s: error without the file's name: '%s'", name, err);
		t->refused++;
		return;
	}
	rc = rxs_host_run(h);
	if (rc) {
		if (!strstr(rxs_host_errmsg(h), name))
			fail_msg("%s: run error without the file's name: '%s'", name,
				 rxs_host_errmsg(h));
		t->run_errors++;
	}
	if (rxs_host_conservation(h, &c))
		fail_msg("%s: offered %llu != consumed %llu + dropped %llu + queued %llu", name,
			 (unsigned long long)c.offered, (unsigned long long)c.consumed,
			 (unsigned long long)c.dropped, (unsigned long long)c.queued);
	t->ran++;
	t->offered += c.offered;
	t->consumed += c.consumed;
	t->dropped += c.dropped;
	t->queued += c.queued;
	rxs_host_destroy(h);
}

static void test_corpus_replay(void **state)
{
	struct tally t = { 0 };
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(CORPUS);

	(void)state;
	if (!d)
		fail_msg("cannot open %s", CORPUS);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			names = realloc(names, cap * sizeof(*names));
			assert_non_null(names);
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", CORPUS, names[i]);
		replay_one(path, names[i], &t);
		free(names[i]);
	}
	free(names);
	printf("corpus: %u files: %u replayed (%u stopped on a damaged record), %u refused; "
	       "offered %llu = consumed %llu + dropped %llu + queued %llu\n",
	       t.files, t.ran, t.run_errors, t.refused, (unsigned long long)t.offered,
	       (unsigned long long)t.consumed, (unsigned long long)t.dropped,
	       (unsigned long long)t.queued);
	assert_true(t.files >= 800);
	assert_true(t.ran >= 500);
	assert_int_equal(t.offered, t.consumed + t.dropped + t.queued);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_replay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
