/* sweep.c - `rxsim sweep`: the same run over a grid of --set values, one process per run.
 *
 * `--set key=v1,v2,...` sweeps a key; several such options make the cartesian product (the
 * last key varies fastest), and a `--set key=v` with one value is a fixed override. Each
 * grid point runs in a forked child, up to -j at a time (runner.c, shared with `rxsim
 * advise`); the parent prints rows in grid order whatever order the children finish in.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "rxsim/config.h"
#include "rxsim/error.h"
#include "rxsim/sim.h"
#include "rxsim/stats.h"

#define MAX_KEYS 8
#define MAX_VALUES 64
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SWEEP_NO_RESULT 3	/* a row's status in --merge when its point has no file */

struct axis {
	char key[128];
	char *values[MAX_VALUES];
	int nvalues;
};

enum sweep_format { SWEEP_TEXT, SWEEP_JSON, SWEEP_CSV };

/* A --show column: where its value comes from. */
enum show_kind { SHOW_MIB, SHOW_SOFTNET, SHOW_MISSED, SHOW_DROP, SHOW_BASE };

struct show_col {
	char name[64];
	enum show_kind kind;
	int id;
};

struct sweep_args {
	const char *path;
	const char *host;		/* --host: the host side of a bare capture */
	struct axis axis[MAX_KEYS];
	int naxes;
	enum sweep_format format;
	int jobs;
	char *storage[MAX_KEYS];	/* strdup'd --set texts the axes point into */
	const char *show_text;		/* --show, as given */
	struct show_col show[CLI_MAX_SHOW];
	int nshow;
	const char *plan;		/* --plan DIR */
	bool force;			/* --force: --plan may replace DIR's plan */
	const char *merge;		/* --merge DIR */
	char *storage_show;		/* the plan's show line, for --merge */
};

/* A usage error with a formatted message: exit status 2. */
static int sweep_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sweep_error(const char *fmt, ...)
{
	va_list ap;

	fputs("rxsim sweep: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_USAGE;
}

static const char *const softnet_names[] = {
	"processed", "dropped", "time_squeeze", "received_rps", "flow_limit_count",
};

static const char *const base_names[] = { "offered", "consumed", "dropped", "queued" };

/* Resolve --show's @name: an nstat counter (UdpRcvbufErrors, TcpExtListenOverflows), a
 * softnet_stat column summed over CPUs (softnet.time_squeeze), rx_missed_errors of all NICs,
 * a drop reason (drop.SOCKET_RCVBUFF) or offered/consumed/dropped/queued. */
static bool show_lookup(const char *name, struct show_col *col)
{
	snprintf(col->name, sizeof(col->name), "%s", name);
	for (int i = 0; i < (int)RXS_MIB_COUNT; i++)
		if (strcmp(name, rxs_mib_name((enum rxs_mib)i)) == 0)
			return col->kind = SHOW_MIB, col->id = i, true;
	if (strncmp(name, "softnet.", 8) == 0)
		for (int i = 0; i < (int)ARRAY_SIZE(softnet_names); i++)
			if (strcmp(name + 8, softnet_names[i]) == 0)
				return col->kind = SHOW_SOFTNET, col->id = i, true;
	if (strcmp(name, "rx_missed_errors") == 0)
		return col->kind = SHOW_MISSED, col->id = 0, true;
	if (strncmp(name, "drop.", 5) == 0)
		for (int i = RXS_DROP_CONSUMED + 1; i < RXS_DROP_MAX; i++)
			if (strcmp(name + 5, rxs_drop_reason_name((enum rxs_drop_reason)i)) == 0)
				return col->kind = SHOW_DROP, col->id = i, true;
	for (int i = 0; i < (int)ARRAY_SIZE(base_names); i++)
		if (strcmp(name, base_names[i]) == 0)
			return col->kind = SHOW_BASE, col->id = i, true;
	return false;
}

static int parse_show(struct sweep_args *a, const char *list)
{
	char text[1024], *v, *save = NULL;

	snprintf(text, sizeof(text), "%s", list);
	a->show_text = list;
	a->nshow = 0;
	for (v = strtok_r(text, ",", &save); v; v = strtok_r(NULL, ",", &save)) {
		if (a->nshow >= CLI_MAX_SHOW)
			return sweep_error("at most %d --show counters", CLI_MAX_SHOW);
		if (!show_lookup(v, &a->show[a->nshow++]))
			return cli_usage_error("sweep", "--show: unknown counter '%s' (an nstat name "
					       "such as UdpRcvbufErrors, softnet.time_squeeze, "
					       "rx_missed_errors, drop.REASON, offered, consumed, "
					       "dropped or queued)", v);
	}
	if (!a->nshow)
		return cli_usage_error("sweep", "%s", "--show needs a list of counters");
	return -1;
}

/* The child's part of --show: read each column from the finished host. */
static void collect_show(void *ctx, const rxs_host_t *h, struct cli_result *r)
{
	const struct sweep_args *a = ctx;

	for (int c = 0; c < a->nshow; c++) {
		const struct show_col *col = &a->show[c];
		uint64_t v = 0;

		switch (col->kind) {
		case SHOW_MIB:
			v = rxs_host_mib(h, (enum rxs_mib)col->id);
			break;
		case SHOW_SOFTNET:
			for (unsigned int cpu = 0; cpu < rxs_host_ncpus(h); cpu++) {
				struct rxs_softnet_stat st = { 0 };

				rxs_softnet_get_stat(h, cpu, &st);
				/* In softnet_names' order. */
				v += (const uint32_t[]){ st.processed, st.dropped, st.time_squeeze,
							 st.received_rps, st.flow_limit_count }[col->id];
			}
			break;
		case SHOW_MISSED:
			v = r->missed;
			break;
		case SHOW_DROP:
			v = r->reasons[col->id];
			break;
		case SHOW_BASE: {
			const uint64_t b[] = { r->offered, r->consumed, r->dropped, r->queued };

			v = b[col->id];
			break;
		}
		}
		r->show[c] = v;
	}
}

static int parse_axis(struct sweep_args *a, const char *set)
{
	struct axis *ax;
	char *text, *eq, *v, *save = NULL;

	if (a->naxes >= MAX_KEYS)
		return cli_usage_error("sweep", "at most 8 --set options, got '%s'", set);
	eq = strchr(set, '=');
	if (!eq || eq == set || (size_t)(eq - set) >= sizeof(ax->key))
		return cli_usage_error("sweep", "--set needs KEY=V1,V2,..., got '%s'", set);
	text = strdup(eq + 1);
	if (!text)
		return CLI_RUN_FAILED;
	a->storage[a->naxes] = text;
	ax = &a->axis[a->naxes++];
	memcpy(ax->key, set, (size_t)(eq - set));
	ax->key[eq - set] = '\0';
	for (v = strtok_r(text, ",", &save); v; v = strtok_r(NULL, ",", &save)) {
		if (ax->nvalues >= MAX_VALUES)
			return cli_usage_error("sweep", "at most 64 values per key: '%s'", set);
		ax->values[ax->nvalues++] = v;
	}
	if (!ax->nvalues)
		return cli_usage_error("sweep", "--set %s has no value", set);
	return -1;
}

static int parse_sweep(int argc, char **argv, struct sweep_args *a)
{
	for (int i = 0; i < argc; i++) {
		const char *v = NULL;
		int m, rc;

		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			cli_help(stdout, "sweep");
			return CLI_OK;
		}
		if ((m = cli_opt(argc, argv, &i, "--set", &v)) != 0) {
			if (m < 0 || (rc = parse_axis(a, v)) >= 0)
				return m < 0 ? CLI_USAGE : rc;
		} else if ((m = cli_opt(argc, argv, &i, "--format", &v)) != 0) {
			if (m < 0)
				return CLI_USAGE;
			if (strcmp(v, "json") == 0)
				a->format = SWEEP_JSON;
			else if (strcmp(v, "csv") == 0)
				a->format = SWEEP_CSV;
			else if (strcmp(v, "text") == 0)
				a->format = SWEEP_TEXT;
			else
				return cli_usage_error("sweep", "unknown format '%s' (text, csv or json)",
						       v);
		} else if ((m = cli_opt(argc, argv, &i, "--show", &v)) != 0) {
			if (m < 0 || (rc = parse_show(a, v)) >= 0)
				return m < 0 ? CLI_USAGE : rc;
		} else if ((m = cli_opt(argc, argv, &i, "--host", &v)) != 0) {
			if (m < 0)
				return CLI_USAGE;
			a->host = v;
		} else if (strcmp(argv[i], "--force") == 0) {
			a->force = true;
		} else if ((m = cli_opt(argc, argv, &i, "--plan", &v)) != 0) {
			if (m < 0)
				return CLI_USAGE;
			a->plan = v;
		} else if ((m = cli_opt(argc, argv, &i, "--merge", &v)) != 0) {
			if (m < 0)
				return CLI_USAGE;
			a->merge = v;
		} else if ((m = cli_opt(argc, argv, &i, "-j", &v)) != 0) {
			if (m < 0 || (a->jobs = atoi(v)) < 1)
				return cli_usage_error("sweep", "-j needs a number of processes, got '%s'",
						       m < 0 ? "" : v);
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return cli_unknown_option("sweep", argv[i]);
		} else if (a->path) {
			return cli_usage_error("sweep", "unexpected argument '%s'", argv[i]);
		} else {
			a->path = argv[i];
		}
	}
	if (a->merge) {
		if (a->path || a->naxes || a->plan || a->nshow || a->host)
			return cli_usage_error("sweep", "%s", "--merge DIR takes no scenario, --set, "
					       "--show or --plan: the plan in DIR has them");
		return -1;
	}
	if (!a->path)
		return cli_usage_error("sweep", "%s", "a scenario file (or a capture) is needed");
	return -1;
}

/* Grid point @idx: the value index of each axis, the last axis varying fastest. */
static void point_values(const struct sweep_args *a, long idx, int *vi)
{
	for (int k = a->naxes - 1; k >= 0; k--) {
		vi[k] = (int)(idx % a->axis[k].nvalues);
		idx /= a->axis[k].nvalues;
	}
}

static int apply_point(const struct sweep_args *a, struct rxs_scenario *sc, const int *vi)
{
	for (int k = 0; k < a->naxes; k++) {
		char set[512], err[512] = "";

		snprintf(set, sizeof(set), "%s=%s", a->axis[k].key, a->axis[k].values[vi[k]]);
		if (rxs_scenario_set(sc, set, err, sizeof(err)) < 0) {
			fprintf(stderr, "rxsim sweep: %s\n", err[0] ? err : set);
			return -EINVAL;
		}
	}
	return 0;
}

/* The runner's callback: point @idx of the grid, in the child. */
static int apply_index(void *ctx, struct rxs_scenario *sc, long idx)
{
	const struct sweep_args *a = ctx;
	int vi[MAX_KEYS];

	point_values(a, idx, vi);
	return apply_point(a, sc, vi);
}

/* The reason that dropped most in @r, or NULL: a row's headline. */
static const char *top_reason(const struct cli_result *r, uint64_t *count)
{
	unsigned int best = 0;

	for (unsigned int k = RXS_DROP_CONSUMED + 1; k < RXS_DROP_MAX; k++)
		if (r->reasons[k] > (best ? r->reasons[best] : 0))
			best = k;
	*count = best ? r->reasons[best] : 0;
	return best ? rxs_drop_reason_name((enum rxs_drop_reason)best) : NULL;
}

static const char *const columns[] = {
	"offered", "consumed", "dropped", "queued", "UdpRcvbufErrors", "rx_missed_errors",
	"time_squeeze", "backlog_drops", "TcpExtListenOverflows",
};

static void row_values(const struct cli_result *r, uint64_t *v)
{
	const uint64_t vals[] = { r->offered, r->consumed, r->dropped, r->queued, r->rcvbuf_errors,
				  r->missed, r->squeeze, r->backlog_drops, r->listen_overflows };

	memcpy(v, vals, sizeof(vals));
}

/* The reverse of row_values(), for --merge. */
static void row_set(struct cli_result *r, size_t c, uint64_t v)
{
	uint64_t *f[] = { &r->offered, &r->consumed, &r->dropped, &r->queued, &r->rcvbuf_errors,
			  &r->missed, &r->squeeze, &r->backlog_drops, &r->listen_overflows };

	*f[c] = v;
}

/* The table's counter columns: --show's, or the default ones. */
static size_t ncolumns(const struct sweep_args *a)
{
	return a->nshow ? (size_t)a->nshow : ARRAY_SIZE(columns);
}

static const char *column_name(const struct sweep_args *a, size_t c)
{
	return a->nshow ? a->show[c].name : columns[c];
}

static uint64_t column_value(const struct sweep_args *a, const struct cli_result *r, size_t c)
{
	uint64_t v[ARRAY_SIZE(columns)];

	if (a->nshow)
		return r->show[c];
	row_values(r, v);
	return v[c];
}

static size_t key_width(const char *key)
{
	size_t n = strlen(key);

	return n > 12 ? n : 12;
}

static void print_text(const struct sweep_args *a, long npoints, const struct cli_result *res)
{
	for (int k = 0; k < a->naxes; k++)
		printf("%-*s ", (int)key_width(a->axis[k].key), a->axis[k].key);
	for (size_t c = 0; c < ncolumns(a); c++)
		printf("%*s ", (int)strlen(column_name(a, c)), column_name(a, c));
	puts("top drop reason");
	for (long i = 0; i < npoints; i++) {
		int vi[MAX_KEYS];
		uint64_t n;
		const char *top;

		point_values(a, i, vi);
		for (int k = 0; k < a->naxes; k++)
			printf("%-*s ", (int)key_width(a->axis[k].key), a->axis[k].values[vi[k]]);
		for (size_t c = 0; c < ncolumns(a); c++)
			printf("%*" PRIu64 " ", (int)strlen(column_name(a, c)),
			       column_value(a, &res[i], c));
		top = top_reason(&res[i], &n);
		if (res[i].status == 2)
			puts("(run failed to start)");
		else if (res[i].status == SWEEP_NO_RESULT)
			puts("(no result yet)");
		else if (top)
			printf("%s %" PRIu64 "%s\n", top, n, res[i].status ? " (run error)" : "");
		else
			puts(res[i].status ? "- (run error)" : "-");
	}
}

static void json_str(const char *s)
{
	cli_json_str(stdout, s);
}

static void print_json(const struct sweep_args *a, long npoints, const struct cli_result *res)
{
	puts("[");
	for (long i = 0; i < npoints; i++) {
		int vi[MAX_KEYS];
		bool first = true;

		point_values(a, i, vi);
		printf("  {\"set\": {");
		for (int k = 0; k < a->naxes; k++) {
			printf("%s", k ? ", " : "");
			json_str(a->axis[k].key);
			printf(": ");
			json_str(a->axis[k].values[vi[k]]);
		}
		printf("}, \"status\": %d", res[i].status);
		for (size_t c = 0; c < ncolumns(a); c++)
			printf(", \"%s\": %" PRIu64, column_name(a, c), column_value(a, &res[i], c));
		printf(", \"drops\": {");
		for (unsigned int r = RXS_DROP_CONSUMED + 1; r < RXS_DROP_MAX; r++) {
			if (!res[i].reasons[r])
				continue;
			printf("%s\"%s\": %" PRIu64, first ? "" : ", ",
			       rxs_drop_reason_name((enum rxs_drop_reason)r), res[i].reasons[r]);
			first = false;
		}
		printf("}}%s\n", i + 1 < npoints ? "," : "");
	}
	puts("]");
}

/* A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
static void csv_field(const char *f)
{
	if (!strpbrk(f, ",\"\r\n")) {
		fputs(f, stdout);
		return;
	}
	putchar('"');
	for (; *f; f++) {
		if (*f == '"')
			putchar('"');
		putchar(*f);
	}
	putchar('"');
}

static void print_csv(const struct sweep_args *a, long npoints, const struct cli_result *res)
{
	for (int k = 0; k < a->naxes; k++) {
		csv_field(a->axis[k].key);
		putchar(',');
	}
	for (size_t c = 0; c < ncolumns(a); c++)
		printf("%s,", column_name(a, c));
	puts("status,top_drop_reason,top_drop_count");
	for (long i = 0; i < npoints; i++) {
		int vi[MAX_KEYS];
		uint64_t n;
		const char *top = top_reason(&res[i], &n);

		point_values(a, i, vi);
		for (int k = 0; k < a->naxes; k++) {
			csv_field(a->axis[k].values[vi[k]]);
			putchar(',');
		}
		for (size_t c = 0; c < ncolumns(a); c++)
			printf("%" PRIu64 ",", column_value(a, &res[i], c));
		printf("%d,%s,%" PRIu64 "\n", res[i].status, top ? top : "", n);
	}
}

static void print_table(const struct sweep_args *a, long npoints, const struct cli_result *res)
{
	if (a->format == SWEEP_JSON)
		print_json(a, npoints, res);
	else if (a->format == SWEEP_CSV)
		print_csv(a, npoints, res);
	else
		print_text(a, npoints, res);
}

/* @s for a POSIX shell, in single quotes. */
static void shell_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static void point_file(char *buf, size_t len, const char *dir, long idx)
{
	snprintf(buf, len, "%s/point-%06ld.json", dir, idx);
}

/* --plan DIR: the grid in DIR/sweep.plan, and one command per point on stdout. Each is a
 * one-point sweep, so its JSON row carries the same fields a local sweep would print. */
static int write_plan(const struct sweep_args *a, long npoints)
{
	char exe[PATH_MAX], scen[PATH_MAX], dir[PATH_MAX], file[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FILE *f;

	if (n <= 0)
		return cli_usage_error("sweep", "%s", "cannot find the rxsim program's own path");
	exe[n] = '\0';
	/* Each command of the plan reads the scenario again, later, elsewhere. */
	if (strcmp(a->path, "-") == 0)
		return sweep_error("--plan: the plan's commands read the scenario each; standard "
				   "input is read once (give a file)");
	if (mkdir(a->plan, 0777) < 0 && errno != EEXIST)
		return sweep_error("--plan %s: %s", a->plan, strerror(errno));
	if (!realpath(a->path, scen) || !realpath(a->plan, dir))
		return sweep_error("%s: %s", a->path, strerror(errno));
	snprintf(file, sizeof(file), "%s/sweep.plan", dir);
	/* A plan already there may have results: --merge would mix them with the new grid. */
	if (!cli_output_ok("--plan", file, a->force))
		return CLI_USAGE;
	for (long i = 0; i < npoints; i++) {
		char old[PATH_MAX + 32];

		point_file(old, sizeof(old), dir, i);
		unlink(old);
	}
	f = fopen(file, "w");
	if (!f)
		return sweep_error("%s: %s", file, strerror(errno));
	fprintf(f, "# rxsim sweep plan: %ld points; rxsim sweep --merge %s reads it back\n",
		npoints, dir);
	if (a->show_text)
		fprintf(f, "show %s\n", a->show_text);
	for (int k = 0; k < a->naxes; k++) {
		fprintf(f, "set %s=", a->axis[k].key);
		for (int j = 0; j < a->axis[k].nvalues; j++)
			fprintf(f, "%s%s", j ? "," : "", a->axis[k].values[j]);
		fputc('\n', f);
	}
	if (fclose(f) != 0)
		return sweep_error("%s: %s", file, strerror(errno));
	for (long i = 0; i < npoints; i++) {
		int vi[MAX_KEYS];

		point_values(a, i, vi);
		shell_quote(stdout, exe);
		fputs(" sweep ", stdout);
		shell_quote(stdout, scen);
		if (a->host) {
			fputs(" --host ", stdout);
			shell_quote(stdout, a->host);
		}
		for (int k = 0; k < a->naxes; k++) {
			char set[512];

			snprintf(set, sizeof(set), "%s=%s", a->axis[k].key, a->axis[k].values[vi[k]]);
			fputs(" --set ", stdout);
			shell_quote(stdout, set);
		}
		if (a->show_text) {
			fputs(" --show ", stdout);
			shell_quote(stdout, a->show_text);
		}
		fputs(" --format json -j 1 > ", stdout);
		point_file(file, sizeof(file), dir, i);
		shell_quote(stdout, file);
		putchar('\n');
	}
	return CLI_OK;
}

/* The number after "@key": in @text, from @from on; false when it is not there. */
static bool json_number(const char *text, const char *from, const char *key, uint64_t *v)
{
	char pat[96];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(from ? from : text, pat);
	if (!p)
		return false;
	*v = strtoull(p + strlen(pat), NULL, 10);
	return true;
}

/* One point's row, as a one-point sweep wrote it. */
static bool read_point(const struct sweep_args *a, const char *path, struct cli_result *r)
{
	char text[16384];
	FILE *f = fopen(path, "r");
	size_t n;
	const char *drops;
	uint64_t v;

	if (!f)
		return false;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	if (!json_number(text, NULL, "status", &v))
		return false;
	r->status = (int)v;
	for (size_t c = 0; c < ncolumns(a); c++) {
		if (!json_number(text, NULL, column_name(a, c), &v))
			return false;
		if (a->nshow)
			r->show[c] = v;
		else
			row_set(r, c, v);
	}
	drops = strstr(text, "\"drops\": {");
	for (unsigned int k = RXS_DROP_CONSUMED + 1; drops && k < RXS_DROP_MAX; k++)
		if (json_number(text, drops, rxs_drop_reason_name((enum rxs_drop_reason)k), &v))
			r->reasons[k] = v;
	return true;
}

/* --merge DIR: the plan's grid, each point's row from its file. */
static int merge(struct sweep_args *a)
{
	char file[PATH_MAX + 32], line[4096];
	struct cli_result *res;
	long npoints = 1, missing = 0;
	FILE *f;
	int rc = -1;

	snprintf(file, sizeof(file), "%s/sweep.plan", a->merge);
	f = fopen(file, "r");
	if (!f)
		return sweep_error("%s: %s", file, strerror(errno));
	for (int lineno = 1; rc < 0 && fgets(line, sizeof(line), f); lineno++) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "set ", 4) == 0)
			rc = parse_axis(a, line + 4);
		else if (strncmp(line, "show ", 5) == 0)
			rc = (a->show_text = a->storage_show = strdup(line + 5)) ?
				     parse_show(a, a->show_text) : CLI_RUN_FAILED;
		else if (line[0] && line[0] != '#')
			rc = sweep_error("%s:%d: not a sweep plan line: '%s'", file, lineno, line);
	}
	fclose(f);
	if (rc >= 0)
		return rc;
	for (int k = 0; k < a->naxes; k++)
		npoints *= a->axis[k].nvalues;
	res = calloc((size_t)npoints, sizeof(*res));
	if (!res)
		return CLI_RUN_FAILED;
	for (long i = 0; i < npoints; i++) {
		point_file(file, sizeof(file), a->merge, i);
		if (!read_point(a, file, &res[i])) {
			fprintf(stderr, "rxsim sweep: %s: missing or not a sweep row\n", file);
			res[i].status = SWEEP_NO_RESULT;
			missing++;
		}
	}
	print_table(a, npoints, res);
	rc = CLI_OK;
	for (long i = 0; i < npoints; i++)
		if (res[i].status)
			rc = CLI_RUN_FAILED;
	free(res);
	if (missing)
		fprintf(stderr, "rxsim sweep: %ld of %ld points have no row yet\n", missing, npoints);
	return rc;
}

/* The scenario with the fixed overrides applied, every swept value checked once. */
static int load_base(const struct sweep_args *a, struct rxs_scenario **scp)
{
	char err[512] = "";
	int rc = cli_load(a->path, a->host, NULL, 0, scp);

	if (rc < 0)
		return rc;
	/* Children apply their point to a fresh copy of the scenario (fork), so trying each
	 * value here, in the parent, only finds typos before any run starts. */
	for (int k = 0; k < a->naxes; k++) {
		for (int j = 0; j < a->axis[k].nvalues; j++) {
			char set[512];

			snprintf(set, sizeof(set), "%s=%s", a->axis[k].key, a->axis[k].values[j]);
			err[0] = '\0';
			if ((rc = rxs_scenario_set(*scp, set, err, sizeof(err))) < 0) {
				fprintf(stderr, "rxsim: %s\n", err[0] ? err : rxs_strerror(rc));
				return rc;
			}
		}
	}
	return 0;
}

int cli_sweep(int argc, char **argv)
{
	struct sweep_args a = { .jobs = 0 };
	struct rxs_scenario *sc = NULL;
	struct cli_result *res = NULL;
	long npoints = 1;
	int status = parse_sweep(argc, argv, &a);

	if (status < 0 && a.merge) {
		status = merge(&a);
		goto out;
	}
	if (status < 0 && load_base(&a, &sc) < 0)
		status = CLI_USAGE;
	for (int k = 0; status < 0 && k < a.naxes; k++)
		npoints *= a.axis[k].nvalues;
	if (status < 0 && a.plan) {
		status = write_plan(&a, npoints);
		goto out;
	}
	if (status < 0 && !(res = calloc((size_t)npoints, sizeof(*res))))
		status = CLI_RUN_FAILED;
	if (status < 0) {
		struct cli_runner rn = { "sweep", a.jobs, apply_index, &a,
					 a.nshow ? collect_show : NULL };

		cli_run_points(sc, npoints, &rn, res);
		print_table(&a, npoints, res);
		status = CLI_OK;
		for (long i = 0; i < npoints; i++)
			if (res[i].status)
				status = CLI_RUN_FAILED;
	}
out:
	free(res);
	rxs_scenario_free(sc);
	for (int k = 0; k < a.naxes; k++)
		free(a.storage[k]);
	free(a.storage_show);
	return status;
}
