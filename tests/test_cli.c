/* test_cli.c - the rxsim program's habits: exit codes of every command, "-" for standard input,
 * -o, refusing to overwrite without --force, "did you mean", color.
 *
 * Each case is a shell line run in a fresh folder holding g.pcap (50 UDP frames) and
 * broken.pcap (the same cut short at frame 13), with $R the program and $S the source tree.
 * Exit status 3 (conservation violated) is a bug of the simulator, so no case reaches it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "run_cmd.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SET_BUDGET "--set sysctl.net.core.netdev_budget=100,200"
#define UDP_RCVBUF "$S/examples/udp-rcvbuf/scenario.yaml"
#define AHCP "$S/tests/data/pcaps/tcpdump-tests/ahcp.pcapng"

static const struct {
	int line;
	const char *sh;		/* run in the case's folder */
	int status;
	const char *out;	/* in stdout, or NULL */
	const char *err;	/* in stderr, or NULL */
} cases[] = {
	/* The program and help. */
	{ __LINE__, "$R --version", 0, "rxsim ", NULL },
	{ __LINE__, "$R", 2, NULL, "a command is needed" },
	{ __LINE__, "$R help replay", 0, "--all-counters", NULL },
	{ __LINE__, "$R help frobnicate", 2, NULL, "not a command" },
	/* Typos get the nearest name; what is near nothing gets none. */
	{ __LINE__, "$R reply x", 2, NULL, "unknown command 'reply' (did you mean 'replay'?)" },
	{ __LINE__, "$R frobnicate", 2, NULL, "unknown command 'frobnicate'\n" },
	{ __LINE__, "$R --verison", 2, NULL, "(did you mean '--version'?)" },
	{ __LINE__, "$R replay g.pcap --fromat json", 2, NULL,
	  "unknown option '--fromat' (did you mean '--format'?)" },
	{ __LINE__, "$R replay g.pcap --fromat=json", 2, NULL, "(did you mean '--format'?)" },
	{ __LINE__, "$R replay g.pcap --all-counter", 2, NULL, "(did you mean '--all-counters'?)" },
	{ __LINE__, "$R gen udp -o x.pcap --cuont 3", 2, NULL, "(did you mean '--count'?)" },
	{ __LINE__, "$R sweep g.pcap --pla d", 2, NULL, "(did you mean '--plan'?)" },
	{ __LINE__, "$R trace g.pcap --packte 2", 2, NULL, "(did you mean '--packet'?)" },
	{ __LINE__, "$R advise g.pcap --fromat json", 2, NULL, "(did you mean '--format'?)" },
	{ __LINE__, "$R scenario g.pcap --hots x", 2, NULL, "(did you mean '--host'?)" },
	{ __LINE__, "$R check g.pcap --zzzzzzzz", 2, NULL, "unknown option '--zzzzzzzz'\n" },
	/* replay: 0 done, 1 the run stopped on an error, 2 bad command line or input. */
	{ __LINE__, "$R replay g.pcap -q", 0, "offered 50 = consumed 50", NULL },
	{ __LINE__, "$R replay broken.pcap -q", 1, "conservation:", "packet 13" },
	{ __LINE__, "$R replay missing.pcap", 2, NULL, "missing.pcap" },
	{ __LINE__, "$R replay g.pcap --color=sometimes", 2, NULL, "auto, always or never" },
	{ __LINE__, "$R replay -o", 2, NULL, "needs a value" },
	/* check: 0 valid, 2 not. */
	{ __LINE__, "$R check " UDP_RCVBUF, 0, "ok (1 nics", NULL },
	{ __LINE__, "$R check missing.yaml", 2, NULL, "missing.yaml" },
	/* trace: 1 when the frame was not replayed or nothing matches. */
	{ __LINE__, "$R trace g.pcap --packet 3", 0, "packet 3: 64 bytes", NULL },
	{ __LINE__, "$R trace g.pcap --packet 99", 1, NULL, NULL },
	{ __LINE__, "$R trace g.pcap --filter tcp", 1, NULL, "no replayed frame matches 'tcp'" },
	{ __LINE__, "$R trace broken.pcap --packet 2", 1, NULL, "packet 13" },
	{ __LINE__, "$R trace", 2, NULL, NULL },
	/* advise and sweep: 1 when a run failed. */
	{ __LINE__, "$R advise g.pcap", 0, "nothing to change", NULL },
	{ __LINE__, "$R advise broken.pcap", 1, NULL, NULL },
	{ __LINE__, "$R advise", 2, NULL, NULL },
	{ __LINE__, "$R sweep g.pcap " SET_BUDGET, 0, "100", NULL },
	{ __LINE__, "$R sweep broken.pcap " SET_BUDGET, 1, NULL, NULL },
	{ __LINE__, "$R sweep", 2, NULL, NULL },
	/* gen and scenario: 1 when writing failed, 2 when the file exists. */
	{ __LINE__, "$R gen udp -o n.pcap --count 5", 0, "wrote 5 frames", NULL },
	{ __LINE__, "$R gen udp -o g.pcap --count 5", 2, NULL, "exists" },
	{ __LINE__, "$R gen udp -o /dev/full --force --count 2000", 1, NULL, "/dev/full" },
	{ __LINE__, "$R scenario g.pcap", 0, "nics:", NULL },
	{ __LINE__, "$R scenario g.pcap -o g.pcap", 2, NULL, "exists; use --force" },
	{ __LINE__, "$R scenario g.pcap -o /dev/full --force", 1, NULL, NULL },
	/* "-" is standard input: a capture from a pipe or a file, pcap or pcapng, for every
	 * command that reads one; named "-" or "standard input", never the spool. */
	{ __LINE__, "cat g.pcap | $R replay - -q", 0, "traffic standard input: 50 frames", NULL },
	{ __LINE__, "$R replay - -q < g.pcap", 0, "scenario - (standard input)\n", NULL },
	{ __LINE__, "cat " AHCP " | $R replay - -q --format json", 0, "\"format\": \"pcapng\"",
	  NULL },
	{ __LINE__, "cat g.pcap | $R replay - -q --format json", 0, "\"path\": \"-\"", NULL },
	{ __LINE__, "cat g.pcap | $R check -", 0, "-: ok (1 nics", NULL },
	{ __LINE__, "cat g.pcap | $R trace - --packet 2", 0, "packet 2: 64 bytes", NULL },
	{ __LINE__, "cat g.pcap | $R advise -", 0, "nothing to change", NULL },
	{ __LINE__, "cat g.pcap | $R sweep - " SET_BUDGET, 0, "100", NULL },
	{ __LINE__, "cat g.pcap | $R scenario -", 0, "pcap: \"-\"", NULL },
	{ __LINE__, "cat broken.pcap | $R replay - -q", 1, NULL, "-: packet 13" },
	{ __LINE__, "$R replay - < /dev/null", 2, NULL, "-:1:1: empty scenario" },
	/* A scenario from standard input: relative paths are the current folder's. */
	{ __LINE__, "cd $S/examples/udp-rcvbuf && cat scenario.yaml | $R replay - -q", 0,
	  "offered 1000 = consumed 256 + dropped 744", NULL },
	{ __LINE__, "cat " UDP_RCVBUF " | $R check -", 2, NULL, "flood.pcap" },
	{ __LINE__, "printf 'nics: [ { bogus: 1 } ]\\n' | $R check -", 2, NULL, "-:1:" },
	{ __LINE__, "cat g.pcap | $R sweep - " SET_BUDGET " --plan p", 2, NULL,
	  "standard input is read once" },
	/* -o: the report into a file, never over one without --force. */
	{ __LINE__, "$R replay g.pcap -q -o r.txt && cat r.txt", 0, "offered 50 = consumed 50",
	  NULL },
	{ __LINE__, "$R replay g.pcap -q -o r.txt; $R replay g.pcap -q -o r.txt", 2, NULL,
	  "-o r.txt exists; use --force" },
	{ __LINE__, "$R replay g.pcap -q -o r.txt && $R replay g.pcap -q --format json -o r.txt "
		    "--force && head -c 30 r.txt", 0, "\"schema_version\": 1,", NULL },
	{ __LINE__, "$R replay g.pcap -q -o - | head -1", 0, "scenario g.pcap\n", NULL },
	{ __LINE__, "ln -s g.pcap l && $R replay g.pcap -q -o l --force", 2, NULL,
	  "symbolic link" },
	/* sweep --plan: a plan already in DIR is kept unless --force. */
	{ __LINE__, "$R sweep g.pcap " SET_BUDGET " --plan p >/dev/null && "
		    "$R sweep g.pcap " SET_BUDGET " --plan p", 2, NULL,
	  "p/sweep.plan exists; use --force" },
	{ __LINE__, "$R sweep g.pcap " SET_BUDGET " --plan p >/dev/null && "
		    "$R sweep g.pcap " SET_BUDGET " --plan p --force", 0, " sweep ", NULL },
	/* Color: asked, or on a terminal; NO_COLOR turns off only the automatic choice. */
	{ __LINE__, "$R replay g.pcap -q --color=always", 0, "\033[1mNIC\033[0m\n", NULL },
	{ __LINE__, "NO_COLOR=1 $R replay g.pcap -q --color", 0, "\033[32m  offered", NULL },
	{ __LINE__, "$R replay g.pcap -q --color=auto | grep -c '\033'", 1, "0\n", NULL },
	{ __LINE__, "$R replay g.pcap -q --all-counters", 0, "# nstat -az\n#kernel\n", NULL },
	{ __LINE__, "$R replay g.pcap -q", 0, "# nstat -a\n#kernel\nIpInReceives ", NULL },
	{ __LINE__, "$R replay g.pcap -q --format kernel", 0, "\nIpInHdrErrors   ", NULL },
};

/* The case's folder, with its two captures. */
static void make_dir(char *dir)
{
	int status;

	assert_non_null(mkdtemp(dir));
	free(run(&status, "cd %s && %s gen udp -o g.pcap --count 50 >/dev/null && "
		 "head -c 1000 g.pcap > broken.pcap", dir, RXS_CLI));
	assert_int_equal(status, 0);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 16);

	assert_non_null(buf);
	if (f) {
		size_t n = fread(buf, 1, (1 << 16) - 1, f);

		buf[n] = '\0';
		fclose(f);
	}
	return buf;
}

static void test_cli_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char dir[] = "/tmp/rxsim-cli-XXXXXX", errpath[64], *out, *err;
		int status;

		make_dir(dir);
		snprintf(errpath, sizeof(errpath), "%s/stderr", dir);
		out = run(&status, "cd %s && R=%s S=%s; export R S; (%s) 2>%s", dir, RXS_CLI,
			  RXS_SOURCE_DIR, cases[i].sh, errpath);
		err = slurp(errpath);
		if (status != cases[i].status)
			fail_msg("case at line %d: %s: exit %d, want %d\n%s", cases[i].line,
				 cases[i].sh, status, cases[i].status, err);
		if (cases[i].out && !strstr(out, cases[i].out))
			fail_msg("case at line %d: %s: no \"%s\" in stdout:\n%s", cases[i].line,
				 cases[i].sh, cases[i].out, out);
		if (cases[i].err && !strstr(err, cases[i].err))
			fail_msg("case at line %d: %s: no \"%s\" in stderr:\n%s", cases[i].line,
				 cases[i].sh, cases[i].err, err);
		free(out);
		free(err);
		free(run(&status, "rm -rf %s", dir));
	}
}

/* Every exit status the man page lists for a command is one it gives, and the other way
 * round: the page's EXIT STATUS section names 0, 1, 2 and 3. */
static void test_exit_codes_documented(void **state)
{
	char *man = slurp(RXS_SOURCE_DIR "/man/rxsim.1");
	const char *sec = strstr(man, ".SH EXIT STATUS");

	(void)state;
	assert_non_null(sec);
	for (const char *want = "0\0" "1\0" "2\0" "3\0"; *want; want += strlen(want) + 1) {
		char tp[16];

		snprintf(tp, sizeof(tp), ".TP\n.B %s\n", want);
		if (!strstr(sec, tp))
			fail_msg("man/rxsim.1 EXIT STATUS: no entry for %s", want);
	}
	free(man);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_cases),
		cmocka_unit_test(test_exit_codes_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
