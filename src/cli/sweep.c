/* sweep.c - `rxsim sweep`: the same run over a grid of --set values, one process per run.
 *
 * `--set key=v1,v2,...` sweeps a key; several such options make the cartesian product (the
 * last key varies fastest), and a `--set key=v` with one value is a fixed override. Each
 * grid point runs in a forked child, up to -j at a time (runner.c, shared with `rxsim
 * advise`); the parent prints rows in grid order whatever order the children finish in.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "rxsim/config.h"
#include "rxsim/error.h"
#include "rxsim/sim.h"
#include "rxsim/stats.h"

#define MAX_KEYS 8
#define MAX_VALUES 64

struct axis {
	char key[128];
	char *values[MAX_VALUES];
	int nvalues;
};

struct sweep_args {
	const char *path;
	struct axis axis[MAX_KEYS];
	int naxes;
	bool json;
	int jobs;
	char *storage[MAX_KEYS];	/* strdup'd --set texts the axes point into */
};

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
			if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
				return cli_usage_error("sweep", "unknown format '%s' (text or json)", v);
			a->json = strcmp(v, "json") == 0;
		} else if ((m = cli_opt(argc, argv, &i, "-j", &v)) != 0) {
			if (m < 0 || (a->jobs = atoi(v)) < 1)
				return cli_usage_error("sweep", "-j needs a number of processes, got '%s'",
						       m < 0 ? "" : v);
		} else if (argv[i][0] == '-') {
			return cli_usage_error("sweep", "unknown option '%s'", argv[i]);
		} else if (a->path) {
			return cli_usage_error("sweep", "unexpected argument '%s'", argv[i]);
		} else {
			a->path = argv[i];
		}
	}
	if (!a->path)
		return cli_usage_error("sweep", "%s", "a scenario file (or a capture) is needed");
	return -1;
}

static bool is_capture_name(const char *p)
{
	size_t n = strlen(p);

	return (n > 5 && strcasecmp(p + n - 5, ".pcap") == 0) ||
	       (n > 7 && strcasecmp(p + n - 7, ".pcapng") == 0);
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

static size_t key_width(const char *key)
{
	size_t n = strlen(key);

	return n > 12 ? n : 12;
}

static void print_text(const struct sweep_args *a, long npoints, const struct cli_result *res)
{
	uint64_t v[sizeof(columns) / sizeof(columns[0])];

	for (int k = 0; k < a->naxes; k++)
		printf("%-*s ", (int)key_width(a->axis[k].key), a->axis[k].key);
	for (size_t c = 0; c < sizeof(columns) / sizeof(columns[0]); c++)
		printf("%*s ", (int)strlen(columns[c]), columns[c]);
	puts("top drop reason");
	for (long i = 0; i < npoints; i++) {
		int vi[MAX_KEYS];
		uint64_t n;
		const char *top;

		point_values(a, i, vi);
		for (int k = 0; k < a->naxes; k++)
			printf("%-*s ", (int)key_width(a->axis[k].key), a->axis[k].values[vi[k]]);
		row_values(&res[i], v);
		for (size_t c = 0; c < sizeof(columns) / sizeof(columns[0]); c++)
			printf("%*" PRIu64 " ", (int)strlen(columns[c]), v[c]);
		top = top_reason(&res[i], &n);
		if (res[i].status == 2)
			puts("(run failed to start)");
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
	uint64_t v[sizeof(columns) / sizeof(columns[0])];

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
		row_values(&res[i], v);
		for (size_t c = 0; c < sizeof(columns) / sizeof(columns[0]); c++)
			printf(", \"%s\": %" PRIu64, columns[c], v[c]);
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

/* The scenario with the fixed overrides applied, every swept value checked once. */
static int load_base(const struct sweep_args *a, struct rxs_scenario **scp)
{
	char err[512] = "";
	int rc = is_capture_name(a->path) ? rxs_scenario_for_capture(scp, a->path, err, sizeof(err))
					  : rxs_scenario_load(scp, a->path, err, sizeof(err));

	if (rc < 0) {
		fprintf(stderr, "rxsim: %s\n", err[0] ? err : rxs_strerror(rc));
		return rc;
	}
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

	if (status < 0 && load_base(&a, &sc) < 0)
		status = CLI_USAGE;
	for (int k = 0; status < 0 && k < a.naxes; k++)
		npoints *= a.axis[k].nvalues;
	if (status < 0 && !(res = calloc((size_t)npoints, sizeof(*res))))
		status = CLI_RUN_FAILED;
	if (status < 0) {
		struct cli_runner rn = { "sweep", a.jobs, apply_index, &a };

		cli_run_points(sc, npoints, &rn, res);
		if (a.json)
			print_json(&a, npoints, res);
		else
			print_text(&a, npoints, res);
		status = CLI_OK;
		for (long i = 0; i < npoints; i++)
			if (res[i].status)
				status = CLI_RUN_FAILED;
	}
	free(res);
	rxs_scenario_free(sc);
	for (int k = 0; k < a.naxes; k++)
		free(a.storage[k]);
	return status;
}
