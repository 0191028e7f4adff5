/* replay.c - `rxsim replay` and `rxsim check`: load a scenario (or a capture on a default
 * host), apply --set overrides, build the host, run it and print the report.
 *
 * A capture given directly gets the library's default host (rxs_scenario_for_capture, whose
 * comment and the README say what it is).
 */
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "rxsim/config.h"
#include "rxsim/error.h"
#include "rxsim/netfilter.h"
#include "rxsim/nic.h"
#include "rxsim/sim.h"
#include "rxsim/stats.h"

enum format { FORMAT_TEXT, FORMAT_KERNEL, FORMAT_JSON };
enum color { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct replay_args {
	const char *cmd;	/* "replay" or "check", for messages */
	const char *path;
	const char *host;	/* --host ADDR|MAC: the host side of a bare capture */
	enum format format;
	const char *output;	/* -o FILE: the report there instead of stdout */
	bool all_counters;	/* --all-counters: nstat -az in the text report */
	enum color color;	/* --color */
	const char **sets;	/* --set assignments, in command-line order */
	int nsets;
	const char *report;	/* --report FILE.html */
	uint64_t report_interval;	/* --report-interval, 0 = automatic */
	const char *drops;	/* --drops FILE.pcapng */
	const char *tx;		/* --tx FILE.pcap: what the host sends */
	const char *nflog;	/* --nflog FILE.pcap: NFLOG's packets (LINKTYPE_NFLOG) */
	bool force;		/* --force: outputs may replace existing files */
	bool quiet;		/* --quiet: no progress line */
	bool progress;		/* --progress: a progress line even when stderr is no terminal */
	bool threaded;		/* --engine threaded */
	bool top_speed;		/* --top-speed: the threaded engine's NIC does not pace */
};

static bool has_capture_suffix(const char *path)
{
	static const char *const suffixes[] = { ".pcap", ".pcapng", ".cap" };
	size_t n = strlen(path);

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t m = strlen(suffixes[i]);

		if (n > m && strcasecmp(path + n - m, suffixes[i]) == 0)
			return true;
	}
	return false;
}

/*
 * "-" names standard input, for a capture or a scenario. The library reads a capture from
 * standard input only when it is a file (a bare capture is read twice: the survey that
 * builds its host, then the replay; a sweep reads it once per run), so a pipe is spooled
 * first into an anonymous temporary file (tmpfile(): unlinked as it is made, so nothing is
 * left behind however rxsim ends, SIGINT included) that then becomes descriptor 0.
 * Messages and reports keep calling it "-" or "standard input", never the spool.
 */
static int stdin_as_file(void)
{
	static bool done;
	char buf[65536];
	struct stat st;
	size_t n;
	FILE *t;

	if (done || (fstat(0, &st) == 0 && S_ISREG(st.st_mode))) {
		done = true;
		return 0;
	}
	t = tmpfile();
	if (!t) {
		fprintf(stderr, "rxsim: standard input: no temporary file to hold it: %s\n",
			strerror(errno));
		return -errno;
	}
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		if (fwrite(buf, 1, n, t) != n)
			break;
	if (ferror(stdin) || ferror(t) || fflush(t) != 0 || dup2(fileno(t), 0) < 0) {
		fprintf(stderr, "rxsim: standard input: spooling it failed: %s\n", strerror(errno));
		fclose(t);
		return -EIO;
	}
	fclose(t);
	done = true;
	return 0;
}

/* The first bytes of @path (standard input for "-", from its start): true if all came. */
static bool read_magic(const char *path, unsigned char m[4])
{
	FILE *f;
	bool ok;

	if (strcmp(path, "-") == 0)
		return stdin_as_file() == 0 && pread(0, m, 4, 0) == 4;
	f = fopen(path, "rb");
	if (!f)
		return false;
	ok = fread(m, 1, 4, f) == 4;
	fclose(f);
	return ok;
}

/* pcap (micro- and nanosecond, either byte order) or a pcapng section header block. */
bool cli_is_capture(const char *path)
{
	unsigned char m[4];
	uint32_t be;
	bool ok;

	if (has_capture_suffix(path))
		return true;
	ok = read_magic(path, m);
	be = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	return ok && (be == 0xa1b2c3d4 || be == 0xd4c3b2a1 || be == 0xa1b23c4d ||
		      be == 0x4d3cb2a1 || be == 0x0a0d0d0a);
}

static int capture_scenario(const char *path, const char *host, struct rxs_scenario **scp)
{
	char err[1024] = "";
	int rc = rxs_scenario_for_capture_host(scp, path, host, err, sizeof(err));

	if (rc < 0)
		fprintf(stderr, "rxsim: %s\n", err[0] ? err : rxs_strerror(rc));
	return rc;
}

int cli_load(const char *path, const char *host, const char *const *sets, int nsets,
	     struct rxs_scenario **scp)
{
	struct rxs_scenario *sc = NULL;
	char err[512] = "";
	int rc;

	if (cli_is_capture(path)) {
		rc = capture_scenario(path, host, &sc);
		if (rc < 0)
			return rc;
	} else if (host) {
		/* A scenario names its host itself: --host would silently mean nothing. */
		fprintf(stderr, "rxsim: --host picks the host of a bare capture; %s is a scenario "
			"(edit its nics: and sockets: instead)\n", path);
		return -EINVAL;
	} else {
		rc = rxs_scenario_load(&sc, path, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "rxsim: %s\n", err[0] ? err : rxs_strerror(rc));
			return rc;
		}
	}
	for (int i = 0; i < nsets; i++) {
		err[0] = '\0';
		rc = rxs_scenario_set(sc, sets[i], err, sizeof(err));
		if (rc < 0) {
			/* The library's message already leads with "--set KEY=VALUE:". */
			if (err[0])
				fprintf(stderr, "rxsim: %s\n", err);
			else
				fprintf(stderr, "rxsim: --set %s: %s\n", sets[i], rxs_strerror(rc));
			rxs_scenario_free(sc);
			return rc;
		}
	}
	*scp = sc;
	return 0;
}

static int load(const struct replay_args *a, struct rxs_scenario **scp)
{
	return cli_load(a->path, a->host, a->sets, a->nsets, scp);
}

/* --report, --report-interval, --drops, --tx, --nflog: CLI_OK, CLI_USAGE, or -1 for another argument. */
static int output_opt(int argc, char **argv, int *i, struct replay_args *a)
{
	const char *v = NULL;
	int m;

	if ((m = cli_opt(argc, argv, i, "--report-interval", &v)) != 0) {
		if (m < 0)
			return CLI_USAGE;
		if (rxs_parse_duration(v, &a->report_interval) < 0 || !a->report_interval)
			return cli_usage_error(a->cmd, "bad --report-interval '%s' (e.g. 100us)", v);
		return CLI_OK;
	}
	if ((m = cli_opt(argc, argv, i, "--report", &v)) != 0) {
		a->report = v;
		return m < 0 ? CLI_USAGE : CLI_OK;
	}
	if ((m = cli_opt(argc, argv, i, "--drops", &v)) != 0) {
		a->drops = v;
		return m < 0 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[*i], "--force") == 0) {
		a->force = true;
		return CLI_OK;
	}
	if (strcmp(argv[*i], "--quiet") == 0 || strcmp(argv[*i], "-q") == 0) {
		a->quiet = true;
		return CLI_OK;
	}
	if (strcmp(argv[*i], "--progress") == 0) {
		a->progress = true;
		return CLI_OK;
	}
	if ((m = cli_opt(argc, argv, i, "--tx", &v)) != 0) {
		a->tx = v;
		return m < 0 ? CLI_USAGE : CLI_OK;
	}
	if ((m = cli_opt(argc, argv, i, "--nflog", &v)) != 0) {
		a->nflog = v;
		return m < 0 ? CLI_USAGE : CLI_OK;
	}
	return -1;
}

/* -o, --all-counters, --color: CLI_OK, CLI_USAGE, or -1 for another argument. */
static int report_opt(int argc, char **argv, int *i, struct replay_args *a)
{
	const char *v = NULL;
	int m;

	if ((m = cli_opt(argc, argv, i, "-o", &v)) != 0 ||
	    (m = cli_opt(argc, argv, i, "--output", &v)) != 0) {
		/* "-" is standard output, as for gen -o. */
		a->output = v && strcmp(v, "-") != 0 ? v : NULL;
		return m < 0 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[*i], "--all-counters") == 0) {
		a->all_counters = true;
		return CLI_OK;
	}
	if (strcmp(argv[*i], "--color") == 0) {
		a->color = COLOR_ALWAYS;	/* as ls and grep take a bare --color */
		return CLI_OK;
	}
	if ((m = cli_opt(argc, argv, i, "--color", &v)) != 0) {
		if (m < 0)
			return CLI_USAGE;
		if (strcmp(v, "auto") == 0)
			a->color = COLOR_AUTO;
		else if (strcmp(v, "always") == 0)
			a->color = COLOR_ALWAYS;
		else if (strcmp(v, "never") == 0)
			a->color = COLOR_NEVER;
		else
			return cli_usage_error(a->cmd, "unknown --color '%s' (auto, always or never)", v);
		return CLI_OK;
	}
	return output_opt(argc, argv, i, a);
}

/* An option that only `replay` takes, or -1 when argv[*i] is none of them. */
static int replay_opt(int argc, char **argv, int *i, struct replay_args *a)
{
	const char *v = NULL;
	int m;

	if ((m = cli_opt(argc, argv, i, "--format", &v)) != 0) {
		if (m < 0)
			return CLI_USAGE;
		if (strcmp(v, "text") == 0)
			a->format = FORMAT_TEXT;
		else if (strcmp(v, "kernel") == 0)
			a->format = FORMAT_KERNEL;
		else if (strcmp(v, "json") == 0)
			a->format = FORMAT_JSON;
		else
			return cli_usage_error(a->cmd, "unknown format '%s' (text, kernel or json)", v);
		return CLI_OK;
	}
	if ((m = cli_opt(argc, argv, i, "--engine", &v)) != 0) {
		if (m < 0)
			return CLI_USAGE;
		if (strcmp(v, "threaded") == 0)
			a->threaded = true;
		else if (strcmp(v, "virtual") == 0)
			a->threaded = false;
		else
			return cli_usage_error(a->cmd, "unknown engine '%s' (virtual or threaded)", v);
		return CLI_OK;
	}
	if (strcmp(argv[*i], "--top-speed") == 0) {
		a->top_speed = true;
		return CLI_OK;
	}
	return report_opt(argc, argv, i, a);
}

/* Fill @a from the command line. -1 to go on, or the exit status to return now. */
static int parse_args(int argc, char **argv, struct replay_args *a)
{
	for (int i = 0; i < argc; i++) {
		const char *v = NULL;
		int m;

		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			cli_help(stdout, a->cmd);
			return CLI_OK;
		}
		if ((m = cli_opt(argc, argv, &i, "--set", &v)) != 0) {
			if (m < 0)
				return CLI_USAGE;
			a->sets[a->nsets++] = v;
			continue;
		}
		if ((m = cli_opt(argc, argv, &i, "--host", &v)) != 0) {
			if (m < 0)
				return CLI_USAGE;
			a->host = v;
			continue;
		}
		if (strcmp(a->cmd, "replay") == 0 && (m = replay_opt(argc, argv, &i, a)) >= 0) {
			if (m != CLI_OK)
				return m;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_unknown_option(a->cmd, argv[i]);
		if (a->path)
			return cli_usage_error(a->cmd, "unexpected argument '%s'", argv[i]);
		a->path = argv[i];
	}
	if (!a->path)
		return cli_usage_error(a->cmd, "%s", "a scenario file (or a capture) is needed");
	return -1;
}

/* Color on a terminal only, unless asked; NO_COLOR (no-color.org) set to anything but the
 * empty string turns the automatic choice off, never an explicit --color=always. */
static bool want_color(const struct replay_args *a, FILE *out)
{
	const char *no = getenv("NO_COLOR");

	if (a->color != COLOR_AUTO)
		return a->color == COLOR_ALWAYS;
	return isatty(fileno(out)) && !(no && no[0]);
}

static int print_report(const struct replay_args *a, const rxs_host_t *h, FILE *out)
{
	unsigned int flags = 0;

	switch (a->format) {
	case FORMAT_JSON:
		return rxs_report_json(h, out);
	case FORMAT_KERNEL:
		return rxs_report_kernel(h, out);
	case FORMAT_TEXT:
		break;
	}
	if (a->all_counters)
		flags |= RXS_REPORT_F_ALL_COUNTERS;
	if (want_color(a, out))
		flags |= RXS_REPORT_F_COLOR;
	return rxs_report_text_flags(h, out, flags);
}

static int create_host(rxs_host_t **hp, const struct rxs_scenario *sc)
{
	char err[512] = "";
	int rc = rxs_host_create(hp, sc, err, sizeof(err));

	if (rc < 0)
		fprintf(stderr, "rxsim: %s\n", err[0] ? err : rxs_strerror(rc));
	return rc;
}

/* The files written besides the report: the HTML page and the dropped packets. */
struct outputs {
	rxs_series_t *series;
	rxs_dropcap_t *drops;
};

/* Install the sampler and the drop capture before the run. 0 or <0 (message printed). */
static int outputs_open(const struct replay_args *a, rxs_host_t *h, struct outputs *o)
{
	int rc;

	if (a->report && (rc = rxs_series_create(&o->series, h, a->report_interval, 0)) < 0) {
		fprintf(stderr, "rxsim: --report: %s\n", rxs_strerror(rc));
		return rc;
	}
	if (a->drops && (rc = rxs_dropcap_open(&o->drops, h, a->drops)) < 0) {
		fprintf(stderr, "rxsim: --drops %s: %s\n", a->drops, rxs_strerror(rc));
		rxs_series_destroy(o->series);
		return rc;
	}
	if (a->tx) {
		char err[512] = "";

		rc = rxs_tx_open_pcap(h, a->tx, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "rxsim: --tx %s\n", err[0] ? err : rxs_strerror(rc));
			rxs_dropcap_close(o->drops);
			rxs_series_destroy(o->series);
			return rc;
		}
	}
	if (a->nflog) {
		char err[512] = "";

		rc = rxs_nflog_open_pcap(h, a->nflog, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "rxsim: --nflog %s\n", err[0] ? err : rxs_strerror(rc));
			rxs_dropcap_close(o->drops);
			rxs_series_destroy(o->series);
			return rc;
		}
	}
	return 0;
}

static int write_html(const char *path, const rxs_host_t *h, const rxs_series_t *s)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f) {
		fprintf(stderr, "rxsim: --report %s: %s\n", path, strerror(errno));
		return -errno;
	}
	rc = rxs_report_html(h, s, f);
	if (fclose(f) != 0 && rc == 0)
		rc = -EIO;
	if (rc < 0)
		fprintf(stderr, "rxsim: --report %s: %s\n", path, rxs_strerror(rc));
	return rc;
}

/* After the run: close the drop capture, take the last sample and write the page. */
static int outputs_close(const struct replay_args *a, rxs_host_t *h, struct outputs *o)
{
	int rc = 0;

	if (o->drops && rxs_dropcap_close(o->drops) < 0) {
		fprintf(stderr, "rxsim: --drops %s: write failed\n", a->drops);
		rc = -EIO;
	}
	if (o->series) {
		rxs_series_finish(o->series);
		if (write_html(a->report, h, o->series) < 0)
			rc = -EIO;
		rxs_series_destroy(o->series);
	}
	return rc;
}

/* Run, then report what was done even when the run stopped early: the counters of a
 * capture that breaks at packet 5000 still say where the first 4999 went. */
/*
 * A file rxsim is about to write: refused when it exists (unless --force), and always when
 * it is a symbolic link, so a run never writes through a path the user did not name.
 */
bool cli_output_ok(const char *what, const char *path, bool force)
{
	struct stat st;

	if (!path || lstat(path, &st) != 0)
		return true;
	if (S_ISLNK(st.st_mode)) {
		fprintf(stderr, "rxsim: %s %s is a symbolic link; rxsim does not write through "
			"links\n", what, path);
		return false;
	}
	if (!force) {
		fprintf(stderr, "rxsim: %s %s exists; use --force to overwrite it\n", what, path);
		return false;
	}
	return true;
}

/* --tx DIR/ writes DIR/NAME.pcap for each device that sends: those of the scenario's NICs
 * must not exist (unless --force), as a single --tx file must not. */
static bool tx_dir_ok(const char *dir, const struct rxs_scenario *sc, bool force)
{
	size_t n = strlen(dir);
	char path[4096];
	bool ok = true;

	if (!n || dir[n - 1] != '/')
		return cli_output_ok("--tx", dir, force);
	for (unsigned int i = 0; ok && i < sc->nnics; i++) {
		snprintf(path, sizeof(path), "%s%s.pcap", dir, sc->nics[i].name);
		ok = cli_output_ok("--tx", path, force);
	}
	return ok;
}

static bool outputs_ok(const struct replay_args *a, const struct rxs_scenario *sc)
{
	bool ok = cli_output_ok("-o", a->output, a->force) &&
		  (!a->tx || tx_dir_ok(a->tx, sc, a->force)) &&
		  cli_output_ok("--nflog", a->nflog, a->force) &&
		  cli_output_ok("--drops", a->drops, a->force) &&
		  cli_output_ok("--report", a->report, a->force);

	for (unsigned int i = 0; ok && i < sc->ntaps; i++)
		ok = cli_output_ok("tap output", sc->taps[i].write, a->force);
	return ok;
}

/* The host a SIGINT stops: the run ends between two events and the report is printed. */
static rxs_host_t *volatile interrupted_host;

static void on_sigint(int sig)
{
	(void)sig;
	if (interrupted_host)
		rxs_host_stop(interrupted_host);
}

static int run_interruptible(rxs_host_t *h, bool progress, bool threaded, bool top_speed)
{
	struct sigaction sa, old;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	interrupted_host = h;
	sigaction(SIGINT, &sa, &old);
	/* The threaded engine runs against the real clock: no progress line of virtual time. */
	rc = threaded ? rxs_host_run_threaded(h, top_speed) : cli_run_progress(h, progress);
	sigaction(SIGINT, &old, NULL);
	interrupted_host = NULL;
	if (rc == -EINTR)
		fprintf(stderr, "rxsim: interrupted at %.6f s of virtual time; the report shows the "
			"run so far\n", (double)rxs_host_now(h) / 1e9);
	return rc;
}

static int run(const struct replay_args *a, const struct rxs_scenario *sc)
{
	rxs_host_t *h = NULL;
	struct outputs out = { NULL, NULL };
	struct rxs_conservation c;
	FILE *report = stdout;
	int rc, status = CLI_OK;

	if (!outputs_ok(a, sc) || create_host(&h, sc) < 0)
		return CLI_USAGE;
	/* Opened before the run: a report that cannot be written is known before it starts. */
	if (a->output && !(report = fopen(a->output, "w"))) {
		fprintf(stderr, "rxsim: -o %s: %s\n", a->output, strerror(errno));
		rxs_host_destroy(h);
		return CLI_USAGE;
	}
	if (outputs_open(a, h, &out) < 0) {
		if (report != stdout)
			fclose(report);
		rxs_host_destroy(h);
		return CLI_USAGE;
	}
	rc = run_interruptible(h, a->progress || cli_progress_wanted(a->quiet), a->threaded,
			       a->top_speed);
	if (rc == -EINTR) {
		status = CLI_RUN_FAILED;
	} else if (rc < 0) {
		const char *msg = rxs_host_errmsg(h);

		fprintf(stderr, "rxsim: %s\n", msg && msg[0] ? msg : rxs_strerror(rc));
		status = CLI_RUN_FAILED;
	}
	if (outputs_close(a, h, &out) < 0)
		status = CLI_RUN_FAILED;
	rc = print_report(a, h, report);
	if (fflush(report) != 0)
		rc = -EIO;
	if (report != stdout && fclose(report) != 0)
		rc = -EIO;
	if (rc < 0) {
		fprintf(stderr, "rxsim: writing the report%s%s: %s\n", a->output ? " to " : "",
			a->output ? a->output : "", strerror(errno));
		status = CLI_RUN_FAILED;
	}
	if (rxs_host_conservation(h, &c) < 0) {
		fprintf(stderr, "rxsim: packet conservation violated: offered %llu != consumed %llu"
			" + dropped %llu + queued %llu\n", (unsigned long long)c.offered,
			(unsigned long long)c.consumed, (unsigned long long)c.dropped,
			(unsigned long long)c.queued);
		status = CLI_CONSERVATION;
	}
	rxs_host_destroy(h);
	return status;
}

static int check(const struct replay_args *a, const struct rxs_scenario *sc)
{
	rxs_host_t *h = NULL;

	/* Building the host opens the traffic files: a missing capture is found here. */
	if (create_host(&h, sc) < 0)
		return CLI_USAGE;
	printf("%s: ok (%u nics, %u sockets, %u traffic sources", a->path, sc->nnics,
	       sc->nsockets, sc->ntraffic);
	if (rxs_ruleset_get(h))
		printf(", %u netfilter rules", rxs_ruleset_nrules(rxs_ruleset_get(h)));
	if (rxs_ruleset_nft_nrules(rxs_ruleset_get(h)))
		printf(", %u nft rules", rxs_ruleset_nft_nrules(rxs_ruleset_get(h)));
	printf(")\n");
	/* netfilter.unsupported=skip: what the run will not have */
	for (unsigned int i = 0; i < rxs_ruleset_nskipped(rxs_ruleset_get(h)); i++) {
		struct rxs_ruleset_skipped_info si;

		if (rxs_ruleset_skipped(rxs_ruleset_get(h), i, &si) == 0)
			printf("skipped: %s\n", si.reason);
	}
	rxs_host_destroy(h);
	return CLI_OK;
}

static int replay_or_check(int argc, char **argv, const char *cmd)
{
	struct replay_args a = { .cmd = cmd, .format = FORMAT_TEXT };
	struct rxs_scenario *sc = NULL;
	int status;

	a.sets = calloc((size_t)argc + 1, sizeof(*a.sets));
	if (!a.sets) {
		fprintf(stderr, "rxsim: out of memory\n");
		return CLI_RUN_FAILED;
	}
	status = parse_args(argc, argv, &a);
	if (status < 0 && load(&a, &sc) < 0)
		status = CLI_USAGE;
	if (status < 0)
		status = strcmp(cmd, "replay") == 0 ? run(&a, sc) : check(&a, sc);
	rxs_scenario_free(sc);
	free(a.sets);
	return status;
}

int cli_replay(int argc, char **argv)
{
	return replay_or_check(argc, argv, "replay");
}

int cli_check(int argc, char **argv)
{
	return replay_or_check(argc, argv, "check");
}
