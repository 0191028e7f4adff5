/* scenario.c - `rxsim scenario CAPTURE`: the host rxsim assumes for a bare capture, as a
 * commented scenario YAML to read, edit and replay (replaying it gives what the bare replay
 * gives, since both are the same struct: rxs_scenario_for_capture_host, then
 * rxs_scenario_emit).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "rxsim/config.h"
#include "rxsim/error.h"

struct scenario_args {
	const char *path, *host, *out;
	bool force;
};

static int parse(int argc, char **argv, struct scenario_args *a)
{
	for (int i = 0; i < argc; i++) {
		const char *v = NULL;
		int m;

		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			cli_help(stdout, "scenario");
			return CLI_OK;
		}
		if ((m = cli_opt(argc, argv, &i, "--host", &v)) != 0) {
			if (m < 0)
				return CLI_USAGE;
			a->host = v;
			continue;
		}
		if ((m = cli_opt(argc, argv, &i, "-o", &v)) != 0 ||
		    (m = cli_opt(argc, argv, &i, "--output", &v)) != 0) {
			if (m < 0)
				return CLI_USAGE;
			a->out = v;
			continue;
		}
		if (strcmp(argv[i], "--force") == 0) {
			a->force = true;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_unknown_option("scenario", argv[i]);
		if (a->path)
			return cli_usage_error("scenario", "unexpected argument '%s'", argv[i]);
		a->path = argv[i];
	}
	if (!a->path)
		return cli_usage_error("scenario", "%s", "a capture is needed");
	return -1;
}

/* The file may be read from any folder, and a relative path in it resolves against the
 * file's own: name each capture by its absolute path (as --set would). */
static int absolute_paths(struct rxs_scenario *sc)
{
	for (unsigned int i = 0; i < sc->ntraffic; i++) {
		char *abs = sc->traffic[i].path ? realpath(sc->traffic[i].path, NULL) : NULL;
		char set[PATH_MAX + 32], err[512] = "";
		int rc;

		if (!abs)
			continue;	/* as given: the replay will say what is wrong with it */
		snprintf(set, sizeof(set), "traffic.%u.pcap=%s", i, abs);
		free(abs);
		if ((rc = rxs_scenario_set(sc, set, err, sizeof(err))) < 0) {
			fprintf(stderr, "rxsim: %s\n", err[0] ? err : rxs_strerror(rc));
			return CLI_RUN_FAILED;
		}
	}
	return CLI_OK;
}

static int write_to(const struct rxs_scenario *sc, const char *out)
{
	FILE *f = out ? fopen(out, "w") : stdout;
	int rc;

	if (!f) {
		fprintf(stderr, "rxsim: -o %s: %s\n", out, strerror(errno));
		return CLI_USAGE;
	}
	rc = rxs_scenario_emit(sc, f);
	if ((out ? fclose(f) : fflush(f)) != 0 && rc == 0)
		rc = -EIO;
	if (rc < 0) {
		fprintf(stderr, "rxsim: writing %s: %s\n", out ? out : "the scenario",
			rxs_strerror(rc));
		return CLI_RUN_FAILED;
	}
	return CLI_OK;
}

int cli_scenario(int argc, char **argv)
{
	struct scenario_args a = { NULL, NULL, NULL, false };
	struct rxs_scenario *sc = NULL;
	int status = parse(argc, argv, &a);

	if (status >= 0)
		return status;
	if (!cli_is_capture(a.path))
		return cli_usage_error("scenario", "'%s' is not a capture (pcap or pcapng)", a.path);
	if (!cli_output_ok("-o", a.out, a.force))
		return CLI_USAGE;
	if (cli_load(a.path, a.host, NULL, 0, &sc) < 0)
		return CLI_USAGE;
	status = absolute_paths(sc);
	if (status == CLI_OK)
		status = write_to(sc, a.out);
	rxs_scenario_free(sc);
	return status;
}
