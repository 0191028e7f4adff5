/* cli.h - what the files of the rxsim program share. The program uses only include/rxsim/. */
#ifndef RXSIM_CLI_H
#define RXSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rxsim/config.h"
#include "rxsim/sim.h"
#include "rxsim/socket.h"
#include "rxsim/softirq.h"
#include "rxsim/nic.h"
#include "rxsim/bpf.h"
#include "rxsim/proto.h"

/* Exit statuses, as `rxsim --help` documents them. */
enum {
	CLI_OK = 0,
	CLI_RUN_FAILED = 1,	/* the run stopped early; the report shows what was done */
	CLI_USAGE = 2,		/* bad command line, scenario or input file */
	CLI_CONSERVATION = 3,	/* offered != consumed + dropped + queued: a simulator bug */
};

/* The commands; each takes the arguments after its name and returns an exit status. */
int cli_replay(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_gen(int argc, char **argv);
int cli_sweep(int argc, char **argv);
int cli_trace(int argc, char **argv);
int cli_advise(int argc, char **argv);
int cli_scenario(int argc, char **argv);

/* Print the help of @cmd (NULL: the program's) to @f. Returns 0, or -1 if @cmd is unknown. */
int cli_help(FILE *f, const char *cmd);

/*
 * Match argv[*i] against option @name ("--format"), given as "--format json" or
 * "--format=json". 1: matched, *val set, *i moved past the value; 0: another argument;
 * -1: the value is missing (message printed).
 */
int cli_opt(int argc, char **argv, int *i, const char *name, const char **val);

/* The scenario of a YAML file, or the default host of a capture (by suffix or magic
 * number; @host: --host, which end of it is the host, or NULL), with the --set assignments
 * @sets applied in order. 0, or <0 with the message printed on stderr. */
int cli_load(const char *path, const char *host, const char *const *sets, int nsets,
	     struct rxs_scenario **scp);

/* Whether @path is a capture (by suffix, or by its magic number) rather than a scenario. */
bool cli_is_capture(const char *path);

/* A file rxsim is about to write: false (message printed) when it exists and @force is not
 * given, and always when it is a symbolic link. NULL @path is fine. */
bool cli_output_ok(const char *what, const char *path, bool force);

/* ---- progress.c ---- */

/* Run @h to its end exactly as rxs_host_run() does; when @show, with a progress line on
 * stderr (frames, rate, virtual time, percent), erased at the end. 0 or <0 as the run. */
int cli_run_progress(rxs_host_t *h, bool show);

/* Should a replay show progress: stderr is a terminal and --quiet was not given. */
bool cli_progress_wanted(bool quiet);

/* Report a command-line mistake of @cmd on stderr with its usage; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, const char *arg);

/* "unknown option '--fromat' (did you mean '--format'?)" for @cmd (NULL: the program), the
 * nearest of the options its usage text lists, then the usage. Returns CLI_USAGE. */
int cli_unknown_option(const char *cmd, const char *arg);

/* ---- runner.c: runs of one scenario in forked children (sweep, advise) ---- */

#define CLI_MAX_NICS 8		/* per-NIC counters kept in a result */
#define CLI_MAX_SOCKS 16	/* per-socket counters kept in a result */
#define CLI_MAX_SHOW 16		/* counters a sweep's --show asks for */

/* What one run sends back: a fixed-size record, smaller than PIPE_BUF. */
struct cli_result {
	int status;		/* 0 ran, 1 run error, 2 could not start */
	uint64_t offered, consumed, dropped, queued;
	uint64_t rcvbuf_errors, missed, squeeze, backlog_drops, listen_overflows, reqq_full;
	uint64_t squeeze_budget, squeeze_time;	/* time_squeeze by cause */
	uint64_t softirq_ns, softirq_ns_max;	/* all CPUs, and the busiest one */
	uint64_t nic_missed[CLI_MAX_NICS];	/* rx_missed_errors of the first NICs */
	uint64_t sock_drops[CLI_MAX_SOCKS];	/* sk_drops of the first sockets */
	uint64_t reasons[RXS_DROP_MAX];
	uint64_t show[CLI_MAX_SHOW];		/* the caller's own counters (collect below) */
};

/* How to run the points: @apply makes point @idx's changes to the child's copy of the
 * scenario (0, or <0 with a message printed); @jobs children at a time (0: one per CPU). */
struct cli_runner {
	const char *cmd;	/* "sweep", "advise": for messages */
	int jobs;
	int (*apply)(void *ctx, struct rxs_scenario *sc, long idx);
	void *ctx;
	/* Optional: more counters of the finished run into r->show, in the child. */
	void (*collect)(void *ctx, const rxs_host_t *h, struct cli_result *r);
};

/* Run points 0..@npoints-1 of @sc, each in a forked child; res[i] gets point i's counters
 * whatever order the children end in (status 2 when one could not start). 0 or -ENOMEM. */
int cli_run_points(struct rxs_scenario *sc, long npoints, const struct cli_runner *rn,
		   struct cli_result *res);

/* The counters of a finished run of @h. */
void cli_collect(const rxs_host_t *h, struct cli_result *r);

/* The number of CPUs online, at least 1: the default -j. */
int cli_default_jobs(void);

/* @s as a JSON string, quotes included. */
void cli_json_str(FILE *f, const char *s);

#endif /* RXSIM_CLI_H */
