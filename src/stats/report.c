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
 * on a real host: a second line rather than a wider table. A drop line without a knob gets a
 * "cause:" line instead when its reason names one (rxs_drop_reason_cause()): the label says
 * where ("no socket"), the cause says why in words ("nothing listens on the destination
 * port"); a knob line already says what to change, and two lines under every drop would
 * bury the counts.
 * Color (RXS_REPORT_F_COLOR) wraps whole lines in ANSI escapes, so the columns do not move:
 * stage titles bold, pass lines green, drop lines red, conservation green or red.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "stats/stats_int.h"
#include "rxsim/netfilter.h"

#define SGR_TITLE "\033[1m"
#define SGR_PASS "\033[32m"
#define SGR_DROP "\033[31m"
#define SGR_BAD "\033[1;31m"
#define SGR_RESET "\033[0m"

/* @sgr when the report is in color, else nothing: callers print it unconditionally. */
static const char *sgr(unsigned int flags, const char *code)
{
	return flags & RXS_REPORT_F_COLOR ? code : "";
}

static void funnel_line(FILE *f, const struct rxs__funnel_row *r, uint64_t v, unsigned int flags)
{
	const char *reason = "";
	const char *on = r->kind == RXS_FUNNEL_PASS ? sgr(flags, SGR_PASS)
			 : r->kind == RXS_FUNNEL_DROP ? sgr(flags, SGR_DROP) : "";

	if (r->kind == RXS_FUNNEL_DROP)
		reason = r->reason != RXS_DROP_NOT_DROPPED_YET ? rxs_drop_reason_name(r->reason) : "-";
	fprintf(f, "%s%s%-*s %10" PRIu64 "  %-19s %s%s\n", on,
		r->kind == RXS_FUNNEL_PASS ? "  " : r->kind == RXS_FUNNEL_DROP ? "  - " : "    ",
		r->kind == RXS_FUNNEL_PASS ? 26 : 24, r->label, v, reason, r->watch,
		on[0] ? SGR_RESET : "");
}

/* Under a drop line no knob explains: why such packets die, when its reason says more than
 * its label. NOT_SPECIFIED's cause is the generic one, and the label is more precise. */
const char *rxs__funnel_cause(const struct rxs__funnel_row *r)
{
	if (r->kind != RXS_FUNNEL_DROP || r->knob || r->reason == RXS_DROP_NOT_DROPPED_YET ||
	    r->reason == RXS_DROP_NOT_SPECIFIED)
		return NULL;
	return rxs_drop_reason_cause(r->reason);
}

static void cause_line(FILE *f, const struct rxs__funnel_row *r)
{
	const char *cause = rxs__funnel_cause(r);

	if (cause)
		fprintf(f, "      cause: %s\n", cause);
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
static void other_drops(FILE *f, const struct rxs__funnel_snap *s, enum rxs__funnel_stage st,
			unsigned int flags)
{
	for (unsigned int r = RXS_DROP_CONSUMED + 1; r < RXS_DROP_MAX; r++) {
		if (!s->other[st][r])
			continue;
		fprintf(f, "%s  - %-24s %10" PRIu64 "  %-19s %s%s\n", sgr(flags, SGR_DROP),
			"other drops", s->other[st][r], rxs_drop_reason_name((enum rxs_drop_reason)r),
			"perf trace -e skb:kfree_skb", sgr(flags, SGR_RESET));
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
static void stage_title(FILE *f, const struct rxs__funnel_row *st, unsigned int flags)
{
	fprintf(f, "%s%s%s\n", sgr(flags, SGR_TITLE), st->label, sgr(flags, SGR_RESET));
}

static void end_stage(FILE *f, const struct rxs__funnel_snap *s, const struct rxs__funnel_row *st,
		      bool headed, unsigned int flags)
{
	if (!st || !rxs__funnel_other_total(s, (enum rxs__funnel_stage)st->which))
		return;
	if (!headed)
		stage_title(f, st, flags);
	other_drops(f, s, (enum rxs__funnel_stage)st->which, flags);
}

void rxs__funnel_print(FILE *f, const struct rxs__funnel_snap *s, unsigned int flags)
{
	const struct rxs__funnel_row *stage = NULL;
	bool shown = false, headed = false;

	fprintf(f, "%-28s %10s  %-19s %s\n", "where every frame went", "count", "drop reason",
		"on a real host, watch");
	for (size_t i = 0; i < rxs__funnel_len; i++) {
		const struct rxs__funnel_row *r = &rxs__funnel[i];
		uint64_t v;

		if (r->kind == RXS_FUNNEL_STAGE) {
			end_stage(f, s, stage, headed, flags);
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
			stage_title(f, stage, flags);
		headed = true;
		funnel_line(f, r, v, flags);
		if (r->knob && r->kind != RXS_FUNNEL_PASS)
			knob_line(f, s, r);
		cause_line(f, r);
	}
	end_stage(f, s, stage, headed, flags);
}

/* Each attached program's verdicts, as `bpftool prog show` and a verdict map would tell. */
static void print_bpf(FILE *f, const struct rxs_host *h)
{
	for (unsigned int i = 0; i < rxs_bpf_prog_count(h); i++) {
		struct rxs_bpf_prog_stats st;

		if (rxs_bpf_prog_get_stats(h, i, &st))
			continue;
		if (!i)
			fputs("\neBPF programs\n", f);
		fprintf(f, "  %s on %s (%s): %" PRIu64 " runs, %" PRIu64 " instructions\n    ",
			st.name, st.where, rxs_bpf_attach_name(st.attach), st.runs, st.insns);
		for (unsigned int v = 0; v < RXS_BPF_VERDICTS; v++) {
			const char *name = rxs_bpf_verdict_name(st.attach, v);

			if (st.verdicts[v])
				fprintf(f, "%s %" PRIu64 "  ", name ? name : "other", st.verdicts[v]);
		}
		if (st.errors)
			fprintf(f, "run errors %" PRIu64 "  ", st.errors);
		if (st.exceptions)
			fprintf(f, "xdp:xdp_exception %" PRIu64, st.exceptions);
		fputc('\n', f);
	}
}

static void print_conservation(FILE *f, const struct rxs__funnel_snap *s, unsigned int flags)
{
	const struct rxs_conservation *c = &s->cons;

	fprintf(f, "%sconservation: offered %" PRIu64 " = consumed %" PRIu64 " + dropped %" PRIu64
		" + queued %" PRIu64, sgr(flags, s->cons_ok ? SGR_PASS : SGR_BAD), c->offered,
		c->consumed, c->dropped, c->queued);
	if (s->cons_ok)
		fprintf(f, "  (ok)%s\n", sgr(flags, SGR_RESET));
	else
		fprintf(f, "  (VIOLATED: %" PRId64 " frames unaccounted for)%s\n",
			(int64_t)(c->offered - c->consumed - c->dropped - c->queued),
			sgr(flags, SGR_RESET));
}

static void print_title(FILE *f, const struct rxs_host *h)
{
	const struct rxs_scenario *sc = rxs_host_scenario(h);
	unsigned int ncpus = rxs_host_ncpus(h), nnics = sc ? sc->nnics : rxs_nic_count(h);
	unsigned int nsocks = rxs_socket_count(h);
	uint64_t now = rxs_host_now(h);
	const char *path = sc && sc->path ? sc->path : "(built in code)";

	/* "-" is standard input (the program's habit): say it in words. */
	fprintf(f, "scenario %s\n", strcmp(path, "-") == 0 ? "- (standard input)" : path);
	fprintf(f, "%u CPU%s, %u NIC%s, %u socket%s; ran to %" PRIu64 ".%09" PRIu64
		" s of %s\n\n", ncpus, ncpus == 1 ? "" : "s", nnics, nnics == 1 ? "" : "s",
		nsocks, nsocks == 1 ? "" : "s", now / 1000000000u, now % 1000000000u,
		rxs_host_is_threaded(h) ? "real time (threaded engine)" : "virtual time");
}

/* netfilter.unsupported=skip: the rules the run went without, each with its error. */
static void print_skipped(FILE *f, const struct rxs_host *h)
{
	const rxs_ruleset_t *nf = rxs_ruleset_get(h);
	unsigned int n = rxs_ruleset_nskipped(nf);

	if (!n)
		return;
	fprintf(f, "netfilter: %u rule%s skipped (netfilter.unsupported=skip)\n", n,
		n == 1 ? "" : "s");
	for (unsigned int i = 0; i < n; i++) {
		struct rxs_ruleset_skipped_info si;

		if (rxs_ruleset_skipped(nf, i, &si) == 0)
			fprintf(f, "  %s\n", si.reason);
	}
	fputc('\n', f);
}

int rxs_report_text_flags(const struct rxs_host *h, FILE *out, unsigned int flags)
{
	struct rxs__funnel_snap snap;

	rxs__funnel_snap(h, &snap);
	print_title(out, h);
	print_skipped(out, h);
	rxs__report_host_text(out, rxs_host_scenario(h));
	rxs__funnel_print(out, &snap, flags);
	print_bpf(out, h);
	print_one_cpu(out, h, &snap);
	fputc('\n', out);
	print_conservation(out, &snap, flags);
	rxs__report_traffic(out, h, &snap);
	fputc('\n', out);
	if (ferror(out))
		return -EIO;
	return rxs__report_kernel(h, out, flags & RXS_REPORT_F_ALL_COUNTERS);
}

int rxs_report_text(const struct rxs_host *h, FILE *out)
{
	return rxs_report_text_flags(h, out, 0);
}
