/* runner.c - runs of one scenario in forked children, for `rxsim sweep` and `rxsim advise`.
 *
 * Each point runs in a forked child, up to @jobs at a time: the virtual engine is
 * deterministic and single-threaded, so processes are the simple way to use every core, and
 * a crash of one run cannot take the others with it. The child applies its point's changes
 * to its own copy of the scenario (the fork's), runs it and sends its counters back as one
 * fixed-size record on a pipe, smaller than PIPE_BUF so the write never blocks; the parent
 * files records by point index, so the results do not depend on which child finished first.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "rxsim/error.h"
#include "rxsim/sim.h"

_Static_assert(sizeof(struct cli_result) <= PIPE_BUF, "a result record must fit PIPE_BUF");

static void collect_cpus(const rxs_host_t *h, struct cli_result *r)
{
	for (unsigned int cpu = 0; cpu < rxs_host_ncpus(h); cpu++) {
		struct rxs_softnet_stat sn;
		struct rxs_cpu_stats cs;

		if (rxs_softnet_get_stat(h, cpu, &sn) == 0) {
			r->squeeze += sn.time_squeeze;
			r->backlog_drops += sn.dropped;
		}
		if (rxs_host_cpu_stats(h, cpu, &cs) == 0) {
			r->squeeze_budget += cs.squeeze_budget;
			r->squeeze_time += cs.squeeze_time;
			r->softirq_ns += cs.softirq_ns;
			if (cs.softirq_ns > r->softirq_ns_max)
				r->softirq_ns_max = cs.softirq_ns;
		}
	}
}

void cli_collect(const rxs_host_t *h, struct cli_result *r)
{
	struct rxs_conservation c;

	rxs_host_conservation(h, &c);
	r->offered = c.offered;
	r->consumed = c.consumed;
	r->dropped = c.dropped;
	r->queued = c.queued;
	r->rcvbuf_errors = rxs_host_mib(h, RXS_MIB_UdpRcvbufErrors) +
			   rxs_host_mib(h, RXS_MIB_Udp6RcvbufErrors);
	r->listen_overflows = rxs_host_mib(h, RXS_MIB_TcpExtListenOverflows);
	r->reqq_full = rxs_host_mib(h, RXS_MIB_TcpExtTCPReqQFullDrop);
	for (unsigned int n = 0; n < rxs_nic_count(h); n++) {
		struct rxs_nic_stats st;

		if (rxs_nic_get_stats(h, n, &st) < 0)
			continue;
		r->missed += st.rx_missed_errors;
		if (n < CLI_MAX_NICS)
			r->nic_missed[n] = st.rx_missed_errors;
	}
	for (unsigned int s = 0; s < rxs_socket_count(h) && s < CLI_MAX_SOCKS; s++) {
		struct rxs_socket_info info;

		if (rxs_socket_get_info(rxs_socket_get(h, s), &info) == 0)
			r->sock_drops[s] = info.drops;
	}
	collect_cpus(h, r);
	rxs_host_drop_reasons(h, r->reasons);
}

/* The child's whole life: apply the point, run, send the counters. */
static void run_child(struct rxs_scenario *sc, long idx, const struct cli_runner *rn, int fd)
{
	struct cli_result r = { .status = 2 };
	char err[512] = "";
	rxs_host_t *h = NULL;

	if (rn->apply(rn->ctx, sc, idx) == 0 && rxs_host_create(&h, sc, err, sizeof(err)) == 0) {
		r.status = rxs_host_run(h) < 0 ? 1 : 0;
		cli_collect(h, &r);
		if (rn->collect)
			rn->collect(rn->ctx, h, &r);
	} else if (err[0]) {
		fprintf(stderr, "rxsim %s: %s\n", rn->cmd, err);
	}
	if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(2);
	_exit(r.status);
}

struct job {
	pid_t pid;
	int fd;
	long idx;
};

static int start(struct rxs_scenario *sc, long idx, const struct cli_runner *rn, struct job *j)
{
	int p[2];

	if (pipe(p) < 0)
		return -errno;
	fflush(NULL);	/* nothing buffered may be written twice */
	j->pid = fork();
	if (j->pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (j->pid == 0) {
		close(p[0]);
		run_child(sc, idx, rn, p[1]);
	}
	close(p[1]);
	j->fd = p[0];
	j->idx = idx;
	return 0;
}

/* Wait for any child, read its record into @res. */
static void reap(struct job *jobs, int *njobs, struct cli_result *res)
{
	int wstatus;
	pid_t pid = wait(&wstatus);

	for (int k = 0; k < *njobs; k++) {
		struct cli_result *r = &res[jobs[k].idx];

		if (jobs[k].pid != pid)
			continue;
		if (read(jobs[k].fd, r, sizeof(*r)) != (ssize_t)sizeof(*r)) {
			memset(r, 0, sizeof(*r));
			r->status = 2;	/* killed before it could answer */
		}
		close(jobs[k].fd);
		jobs[k] = jobs[--*njobs];
		return;
	}
}

int cli_run_points(struct rxs_scenario *sc, long npoints, const struct cli_runner *rn,
		   struct cli_result *res)
{
	int maxjobs = rn->jobs > 0 ? rn->jobs : cli_default_jobs();
	struct job *jobs = calloc((size_t)maxjobs, sizeof(*jobs));
	int njobs = 0;
	long next = 0;

	if (!jobs)
		return -ENOMEM;
	while (next < npoints || njobs) {
		if (next < npoints && njobs < maxjobs) {
			int rc = start(sc, next, rn, &jobs[njobs]);

			if (rc < 0) {
				fprintf(stderr, "rxsim %s: %s\n", rn->cmd, strerror(-rc));
				memset(&res[next], 0, sizeof(res[next]));
				res[next].status = 2;
			} else {
				njobs++;
			}
			next++;
			continue;
		}
		reap(jobs, &njobs, res);
	}
	free(jobs);
	return 0;
}

int cli_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

void cli_json_str(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			putc(*s, f);
	}
	putc('"', f);
}
