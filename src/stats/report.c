/* report.c - rxs_report_text(): the human report, funnel first.
 *
 * The funnel answers "where did my packets go?" in path order: for each stage the count that
 * passed, then every count that ended there with the kfree_skb reason and the counter a user
 * would watch on a real host. Lines come from the one table in funnel.c; drop lines with a
 * zero count are left out, the pass-through lines never are (except in a protocol's stage
 * the traffic did not reach), so a clean run still reads as a path. Drops no line shows are
 * listed as "other drops" of the stage where they happen, each with its cause in plain
 * words, so no drop goes unmentioned.
 * Columns fit in 100: label 26, count 10, reason 19, then the counter to watch. Under each
 * shown line whose cause a user can change, an indented "knob:" line names what governs it
 * on a real host: a second line rather than a wider table.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "stats/stats_int.h"

static void funnel_line(FILE *f, const struct rxs__funnel_row *r, uint64_t v)
{
	const char *reason = "";

	if (r->kind == RXS_FUNNEL_DROP)
		reason = r->reason != RXS_DROP_NOT_DROPPED_YET ? rxs_drop_reason_name(r->reason) : "-";
	fprintf(f, "%s%-*s %10" PRIu64 "  %-19s %s\n",
		r->kind == RXS_FUNNEL_PASS ? "  " : r->kind == RXS_FUNNEL_DROP ? "  - " : "    ",
		r->kind == RXS_FUNNEL_PASS ? 26 : 24, r->label, v, reason, r->watch);
}

/* The knob of @r, "DEV" replaced by the NIC's name when there is one NIC. */
static void knob_line(FILE *f, const struct rxs__funnel_snap *s, const struct rxs__funnel_row *r)
{
	const char *k = r->knob, *dev = strstr(k, "DEV");

	if (!dev || !s->dev) {
		fprintf(f, "      knob: %s\n", k);
		return;
	}
	fprintf(f, "      knob: %.*s%s%s\n", (int)(dev - k), k, s->dev, dev + 3);
}

/* A stage's drops that no line of it shows, one line per reason, and why in plain words. */
static void other_drops(FILE *f, const struct rxs__funnel_snap *s, enum rxs__funnel_stage st)
{
	for (unsigned int r = RXS_DROP_CONSUMED + 1; r < RXS_DROP_MAX; r++) {
		if (!s->other[st][r])
			continue;
		fprintf(f, "  - %-24s %10" PRIu64 "  %-19s %s\n", "other drops", s->other[st][r],
			rxs_drop_reason_name((enum rxs_drop_reason)r), "perf trace -e skb:kfree_skb");
		fprintf(f, "      cause: %s\n", rxs_drop_reason_cause((enum rxs_drop_reason)r));
	}
}

/*
 * The kernel has no counter for "one CPU does all the work", yet it is the cause behind many
 * ring and backlog drops on a multi-CPU host: say so when one CPU took nine tenths of the
 * softirq time while packets were lost before a socket.
 */
static void print_one_cpu(FILE *f, const struct rxs_host *h, const struct rxs__funnel_snap *s)
{
	unsigned int ncpus = rxs_host_ncpus(h), busiest = 0;
	uint64_t max = 0;

	if (ncpus < 2 || !s->cpu.softirq_ns || (!s->nic.rx_missed_errors && !s->softnet[1]))
		return;
	for (unsigned int cpu = 0; cpu < ncpus; cpu++) {
		struct rxs_cpu_stats cs;

		if (rxs_host_cpu_stats(h, cpu, &cs) == 0 && cs.softirq_ns > max) {
			max = cs.softirq_ns;
			busiest = cpu;
		}
	}
	if (max * 10 < s->cpu.softirq_ns * 9)
		return;
	fprintf(f, "one CPU did the work: cpu %u ran %" PRIu64 "%% of the softirq time of %u CPUs\n",
		busiest, max * 100 / s->cpu.softirq_ns, ncpus);
	fputs("      knob: RSS: ethtool -L / -N (rx_queues, rss), RPS: rps_cpus\n", f);
}

/* Close stage @st: its "other drops", under its heading if no line printed that yet. */
static void end_stage(FILE *f, const struct rxs__funnel_snap *s, const struct rxs__funnel_row *st,
		      bool headed)
{
	if (!st || !rxs__funnel_other_total(s, (enum rxs__funnel_stage)st->which))
		return;
	if (!headed)
		fprintf(f, "%s\n", st->label);
	other_drops(f, s, (enum rxs__funnel_stage)st->which);
}

void rxs__funnel_print(FILE *f, const struct rxs__funnel_snap *s)
{
	const struct rxs__funnel_row *stage = NULL;
	bool shown = false, headed = false;

	fprintf(f, "%-28s %10s  %-19s %s\n", "where every frame went", "count", "drop reason",
		"on a real host, watch");
	for (size_t i = 0; i < rxs__funnel_len; i++) {
		const struct rxs__funnel_row *r = &rxs__funnel[i];
		uint64_t v;

		if (r->kind == RXS_FUNNEL_STAGE) {
			end_stage(f, s, stage, headed);
			stage = r;
			shown = rxs__funnel_stage_shown(s, r);
			headed = false;
			continue;
		}
		v = rxs__funnel_value(s, r);
		if (!shown || (r->kind != RXS_FUNNEL_PASS && v == 0))
			continue;
		/* A stage heading waits for its first shown line: no TCP, no TCP heading. */
		if (!headed)
			fprintf(f, "%s\n", stage->label);
		headed = true;
		funnel_line(f, r, v);
		if (r->knob && r->kind != RXS_FUNNEL_PASS)
			knob_line(f, s, r);
	}
	end_stage(f, s, stage, headed);
}

static void print_conservation(FILE *f, const struct rxs__funnel_snap *s)
{
	const struct rxs_conservation *c = &s->cons;

	fprintf(f, "conservation: offered %" PRIu64 " = consumed %" PRIu64 " + dropped %" PRIu64
		" + queued %" PRIu64, c->offered, c->consumed, c->dropped, c->queued);
	if (s->cons_ok)
		fputs("  (ok)\n", f);
	else
		fprintf(f, "  (VIOLATED: %" PRId64 " frames unaccounted for)\n",
			(int64_t)(c->offered - c->consumed - c->dropped - c->queued));
}

static void print_title(FILE *f, const struct rxs_host *h)
{
	const struct rxs_scenario *sc = rxs_host_scenario(h);
	unsigned int ncpus = rxs_host_ncpus(h), nnics = sc ? sc->nnics : rxs_host_nnics(h);
	unsigned int nsocks = rxs_host_nsockets(h);
	uint64_t now = rxs_host_now(h);

	fprintf(f, "scenario %s\n", sc && sc->path ? sc->path : "(built in code)");
	fprintf(f, "%u CPU%s, %u NIC%s, %u socket%s; ran to %" PRIu64 ".%09" PRIu64
		" s of %s\n\n", ncpus, ncpus == 1 ? "" : "s", nnics, nnics == 1 ? "" : "s",
		nsocks, nsocks == 1 ? "" : "s", now / 1000000000u, now % 1000000000u,
		rxs_host_is_threaded(h) ? "real time (threaded engine)" : "virtual time");
}

int rxs_report_text(const struct rxs_host *h, FILE *out)
{
	struct rxs__funnel_snap snap;

	rxs__funnel_snap(h, &snap);
	print_title(out, h);
	rxs__report_host_text(out, rxs_host_scenario(h));
	rxs__funnel_print(out, &snap);
	print_one_cpu(out, h, &snap);
	fputc('\n', out);
	print_conservation(out, &snap);
	rxs__report_traffic(out, h, &snap);
	fputc('\n', out);
	if (ferror(out))
		return -EIO;
	return rxs_report_kernel(h, out);
}
