/* progress.c - a progress line on stderr while `rxsim replay` runs a long capture.
 *
 * The host runs in slices of virtual time (rxs_host_run_until), and between slices the wall
 * clock decides whether to redraw, at most four times a second. Slices never change results:
 * a slice ends where no event or arrival is cut, and the engine runs the same events in the
 * same order whatever the boundaries. The one care is the end of the run. With `until: TIME`
 * slices stop at that time. With `until: end+X` the end is X after the last frame, which only
 * the engine knows; but while the capture files still have unread bytes, a frame is pending
 * after the current time, so the end is at least X away and a slice of at most X cannot pass
 * it. Once everything is read, rxs_host_run() finishes the run exactly as it would have.
 * The slice length adapts so that one slice takes about a tenth of a second of wall time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define REDRAW_NS 250000000u	/* at most four lines a second */
#define SLICE_WALL_NS 100000000u	/* aim of one slice's wall time */

struct progress {
	uint64_t start_wall, last_draw;
	bool drawn;
};

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void draw(struct progress *p, const rxs_host_t *h, uint64_t now_wall)
{
	const struct rxs_scenario *sc = rxs_host_scenario(h);
	struct rxs_conservation c;
	uint64_t done = 0, total = 0, vt = rxs_host_now(h);
	double secs = (double)(now_wall - p->start_wall) / 1e9;
	char pct[64] = "";
	double frac = -1.0;
	size_t n;

	rxs_host_conservation(h, &c);
	if (rxs_host_progress(h, &done, &total) == 0 && total)
		frac = (double)done / (double)total;
	else if (sc->run.until == RXS_UNTIL_TIME && sc->run.ns)
		frac = (double)vt / (double)sc->run.ns;
	if (frac >= 0.0) {
		n = (size_t)snprintf(pct, sizeof(pct), "  %3.0f%% of the %s", 100.0 * frac,
				     total ? "capture" : "run");
		/* Time left at the pace so far: wall time per fraction done. */
		if (frac > 0.01 && frac < 1.0 && n < sizeof(pct))
			snprintf(pct + n, sizeof(pct) - n, ", %.0f s left", secs * (1.0 - frac) / frac);
	}
	fprintf(stderr, "\r\033[Krxsim: %" PRIu64 " frames, %.0f frames/s, virtual time %.6f s%s",
		c.offered, secs > 0 ? (double)c.offered / secs : 0.0, (double)vt / 1e9, pct);
	fflush(stderr);
	p->last_draw = now_wall;
	p->drawn = true;
}

/* May the next slice end at @t? See the comment at the top. */
static bool slice_ok(const rxs_host_t *h, uint64_t t)
{
	const struct rxs_scenario *sc = rxs_host_scenario(h);
	uint64_t done, total;

	if (sc->run.until == RXS_UNTIL_TIME)
		return t < sc->run.ns;
	return rxs_host_progress(h, &done, &total) == 0 && done < total;
}

int cli_run_progress(rxs_host_t *h, bool show)
{
	const struct rxs_scenario *sc = rxs_host_scenario(h);
	struct progress p = { .start_wall = wall_ns() };

	p.last_draw = p.start_wall;	/* a run shorter than REDRAW_NS shows nothing */
	uint64_t slice = 1000000, max = sc->run.ns ? sc->run.ns : 1;
	int rc = 0;

	while (show && rc == 0 && slice_ok(h, rxs_host_now(h) + slice)) {
		uint64_t before = wall_ns(), took;

		rc = rxs_host_run_until(h, rxs_host_now(h) + slice);
		took = wall_ns() - before;
		/* Grow or shrink the slice toward SLICE_WALL_NS, by at most 4x at once. */
		if (took < SLICE_WALL_NS / 4)
			slice *= 4;
		else if (took > SLICE_WALL_NS)
			slice = slice / 2 ? slice / 2 : 1;
		slice = slice > max ? max : slice;
		if (before + took - p.last_draw >= REDRAW_NS)
			draw(&p, h, before + took);
	}
	if (rc == 0)
		rc = rxs_host_run(h);
	if (p.drawn) {
		fputs("\r\033[K", stderr);	/* erase the line: the report follows clean */
		fflush(stderr);
	}
	return rc;
}

bool cli_progress_wanted(bool quiet)
{
	return !quiet && isatty(STDERR_FILENO);
}
