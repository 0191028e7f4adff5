/* series.c - time series of queue depths, CPU time and drops, sampled in bounded memory.
 *
 * A sample is one row of a matrix: the time, then one column per line of every kind (each RX
 * queue's ring fill, each CPU's backlog, each socket's queue, each CPU's softirq and busy
 * time, each drop reason's total). Rows live in a buffer of max_points. The run's length is
 * not known before it ends (it depends on the traffic and on run.until), so sampling starts
 * fine and coarsens: when the buffer is full, rows 2k and 2k+1 merge into one, the interval
 * doubles, and sampling goes on at the new interval. A merged row keeps the later time; a
 * depth keeps the larger of the two (so a burst is not averaged away) and a running total
 * keeps the later value (totals only grow). The points are thus always evenly spaced, and
 * an automatic run ends with between max_points/2 and max_points of them.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "internal.h"
#include "rxsim/sim.h"
#include "rxsim/socket.h"
#include "rxsim/softirq.h"
#include "rxsim/stats.h"

#define DEFAULT_POINTS 512
#define AUTO_START_NS 1000	/* 1 us: finer than any interval worth drawing */

struct rxs_series {
	rxs_host_t *host;
	uint64_t interval;
	uint64_t last_t;	/* time of the last sample taken, to ignore duplicate ticks */
	unsigned int cap, len;
	unsigned int width[RXS_SERIES_NKINDS];
	unsigned int first[RXS_SERIES_NKINDS];	/* column of each kind's line 0 */
	unsigned int ncols;
	uint64_t *t;		/* cap times */
	uint64_t *v;		/* cap rows of ncols */
	bool stopped;
};

static bool is_depth(enum rxs_series_kind k)
{
	return k == RXS_SERIES_RING || k == RXS_SERIES_BACKLOG || k == RXS_SERIES_SOCK;
}

static void layout(struct rxs_series *s, const rxs_host_t *h)
{
	unsigned int nq = 0, ncpu = rxs_host_ncpus(h), col = 0;

	for (unsigned int n = 0; n < rxs_nic_count(h); n++)
		nq += rxs_nic_nqueues(h, n);
	s->width[RXS_SERIES_RING] = nq;
	s->width[RXS_SERIES_BACKLOG] = ncpu;
	s->width[RXS_SERIES_SOCK] = rxs_socket_count(h);
	s->width[RXS_SERIES_SOFTIRQ_NS] = ncpu;
	s->width[RXS_SERIES_BUSY_NS] = ncpu;
	s->width[RXS_SERIES_DROPS] = RXS_DROP_MAX;
	for (int k = 0; k < RXS_SERIES_NKINDS; k++) {
		s->first[k] = col;
		col += s->width[k];
	}
	s->ncols = col;
}

static void read_row(const rxs_host_t *h, const struct rxs_series *s, uint64_t *row)
{
	unsigned int q = 0;

	for (unsigned int n = 0; n < rxs_nic_count(h); n++)
		for (unsigned int i = 0; i < rxs_nic_nqueues(h, n); i++)
			row[s->first[RXS_SERIES_RING] + q++] = rxs_nic_ring_fill(h, n, i);
	for (unsigned int c = 0; c < s->width[RXS_SERIES_BACKLOG]; c++) {
		struct rxs_cpu_stats st = { 0 };

		rxs_host_cpu_stats(h, c, &st);
		row[s->first[RXS_SERIES_BACKLOG] + c] = rxs_softnet_backlog_len(h, c);
		row[s->first[RXS_SERIES_SOFTIRQ_NS] + c] = st.softirq_ns;
		row[s->first[RXS_SERIES_BUSY_NS] + c] = st.busy_ns;
	}
	for (unsigned int k = 0; k < s->width[RXS_SERIES_SOCK]; k++)
		row[s->first[RXS_SERIES_SOCK] + k] = rxs_socket_qlen(rxs_socket_get(h, k));
	rxs_host_drop_reasons(h, row + s->first[RXS_SERIES_DROPS]);
}

/* Merge rows pairwise into the first half of the buffer (see the essay above). */
static void halve(struct rxs_series *s)
{
	unsigned int n = s->len / 2;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t *dst = s->v + (size_t)i * s->ncols;
		const uint64_t *a = s->v + (size_t)(2 * i) * s->ncols, *b = a + s->ncols;

		for (int k = 0; k < RXS_SERIES_NKINDS; k++)
			for (unsigned int c = s->first[k]; c < s->first[k] + s->width[k]; c++)
				dst[c] = is_depth((enum rxs_series_kind)k) ? RXS_MAX(a[c], b[c]) : b[c];
		s->t[i] = s->t[2 * i + 1];
	}
	s->len = n;
}

static void sample(void *ctx, const rxs_host_t *h, uint64_t t)
{
	struct rxs_series *s = ctx;

	/* Re-arming the sampler from inside its own callback can leave a second timer at the
	 * same instants; one sample per instant is all we want. */
	if (s->stopped || (s->len && t <= s->last_t))
		return;
	read_row(h, s, s->v + (size_t)s->len * s->ncols);
	s->t[s->len++] = t;
	s->last_t = t;
	if (s->len < s->cap)
		return;
	halve(s);
	s->interval *= 2;
	rxs_host_set_sampler(s->host, s->interval, sample, s);
}

int rxs_series_create(rxs_series_t **sp, struct rxs_host *h, uint64_t interval_ns,
		      unsigned int max_points)
{
	struct rxs_series *s;

	*sp = NULL;
	/* An even capacity keeps merged points on multiples of the doubled interval. */
	if (!h || max_points == 1 || max_points % 2)
		return -EINVAL;
	s = rxs__calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->host = h;
	s->cap = max_points ? max_points : DEFAULT_POINTS;
	s->interval = interval_ns ? interval_ns : AUTO_START_NS;
	layout(s, h);
	s->t = rxs__calloc(s->cap, sizeof(*s->t));
	s->v = rxs__calloc((size_t)s->cap * s->ncols, sizeof(*s->v));
	if (!s->t || !s->v) {
		rxs_series_destroy(s);
		return -ENOMEM;
	}
	rxs_host_set_sampler(h, s->interval, sample, s);
	*sp = s;
	return 0;
}

void rxs_series_finish(rxs_series_t *s)
{
	uint64_t now = rxs_host_now(s->host);

	if (s->stopped)
		return;
	/* The run rarely ends on a tick: the last, shorter interval still holds the end. */
	if (s->len == s->cap)
		halve(s);
	if (!s->len || now > s->last_t) {
		read_row(s->host, s, s->v + (size_t)s->len * s->ncols);
		s->t[s->len++] = now;
		s->last_t = now;
	}
	rxs_host_set_sampler(s->host, 0, NULL, NULL);
	s->stopped = true;
}

void rxs_series_destroy(rxs_series_t *s)
{
	if (!s)
		return;
	if (!s->stopped)
		rxs_host_set_sampler(s->host, 0, NULL, NULL);
	rxs__free(s->t);
	rxs__free(s->v);
	rxs__free(s);
}

unsigned int rxs_series_len(const rxs_series_t *s)
{
	return s->len;
}

uint64_t rxs_series_interval(const rxs_series_t *s)
{
	return s->interval;
}

uint64_t rxs_series_time(const rxs_series_t *s, unsigned int i)
{
	return i < s->len ? s->t[i] : 0;
}

unsigned int rxs_series_width(const rxs_series_t *s, enum rxs_series_kind kind)
{
	return (unsigned int)kind < RXS_SERIES_NKINDS ? s->width[kind] : 0;
}

uint64_t rxs_series_value(const rxs_series_t *s, enum rxs_series_kind kind, unsigned int index,
			  unsigned int i)
{
	if ((unsigned int)kind >= RXS_SERIES_NKINDS || index >= s->width[kind] || i >= s->len)
		return 0;
	return s->v[(size_t)i * s->ncols + s->first[kind] + index];
}
