/* wire.c - what the report says about the traffic as it was on the wire.
 *
 * Per traffic source: how many records its file held, how many were the host's own frames
 * (a two-way capture's frames sent by the host's MAC: skipped, not replayed, but numbered,
 * as Wireshark numbers them), what the `checksums` setting changed, and a warning when a
 * capture's frames die for checksum errors in numbers a real host would not show: then the
 * checksums were most likely never on the wire (a capture taken on the sending host with TX
 * checksum offload, or rewritten, anonymised), and the report names the setting to try.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "stats/stats_int.h"

/* Past this share of the offered frames, checksum drops are worth a word (percent). */
#define CSUM_WARN_PCT 5

static const enum rxs_drop_reason csum_reasons[] = {
	RXS_DROP_IP_CSUM, RXS_DROP_TCP_CSUM, RXS_DROP_UDP_CSUM, RXS_DROP_ICMP_CSUM,
};

static const char *const mode_names[] = { "auto", "verify", "recompute" };

const char *rxs__checksums_name(enum rxs_checksums mode)
{
	return (unsigned int)mode < ARRAY_SIZE(mode_names) ? mode_names[mode] : "?";
}

static const char *base(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	if (path && strcmp(path, "-") == 0)
		return "standard input";
	return s ? s + 1 : path ? path : "?";
}

void rxs__frame_of(const rxs_host_t *h, uint64_t id, char *buf, size_t n)
{
	struct rxs_traffic_info ti;
	unsigned int src = rxs_frame_source(id);

	buf[0] = '\0';
	if (src == RXS_FRAME_SRC_INJECT)
		snprintf(buf, n, " injected");
	else if (rxs_host_ntraffic(h) > 1 && rxs_host_traffic_info(h, src, &ti) == 0)
		snprintf(buf, n, " of %s", base(ti.name));
}

uint64_t rxs__csum_drops(const struct rxs__funnel_snap *s)
{
	uint64_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(csum_reasons); i++)
		n += s->reasons[csum_reasons[i]];
	return n;
}

void rxs__print_wrapped(FILE *f, const char *text, const char *indent)
{
	size_t col = 0, ind = strlen(indent);

	/* Break at the last space that keeps the line within RXS__REPORT_COLUMNS. */
	while (*text) {
		size_t room = RXS__REPORT_COLUMNS - col, n = strlen(text), cut = n;

		if (n > room) {
			cut = room;
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = strcspn(text, " ");	/* a word longer than a line */
		}
		fprintf(f, "%.*s\n", (int)cut, text);
		text += cut;
		text += strspn(text, " ");
		if (*text) {
			fputs(indent, f);
			col = ind;
		}
	}
}

static void print_source(FILE *f, const struct rxs_traffic_info *ti, unsigned int i, bool many)
{
	const struct rxs_source_stats *st = &ti->source;
	char line[1024] = "";

	rxs__stats_append(line, sizeof(line), "traffic %s: %" PRIu64 " frame%s", base(ti->name),
			  st->frames, st->frames == 1 ? "" : "s");
	if (ti->own_frames)
		rxs__stats_append(line, sizeof(line), ", %" PRIu64 " of them the host's own (sent "
				  "from its MAC: not replayed), %" PRIu64 " replayed",
				  ti->own_frames, st->frames - ti->own_frames);
	rxs__stats_append(line, sizeof(line), "; checksums: %s", rxs__checksums_name(ti->checksums));
	if (st->csum_offload)
		rxs__stats_append(line, sizeof(line), ", %" PRIu64 " TX-offload checksum%s filled "
				  "in (captured on the sending host before its NIC computed them)",
				  st->csum_offload, st->csum_offload == 1 ? "" : "s");
	if (st->csum_rewritten)
		rxs__stats_append(line, sizeof(line), ", %" PRIu64 " frame%s with other wrong "
				  "checksums rewritten", st->csum_rewritten,
				  st->csum_rewritten == 1 ? "" : "s");
	if (st->csum_left)
		rxs__stats_append(line, sizeof(line), ", %" PRIu64 " left as captured (cut short or "
				  "fragments)", st->csum_left);
	rxs__print_wrapped(f, line, "  ");
	if (many)
		fprintf(f, "  frames of traffic.%u are numbered as in that file: \"frame N of %s\"\n",
			i, base(ti->name));
}

void rxs__report_traffic(FILE *f, const rxs_host_t *h, const struct rxs__funnel_snap *s)
{
	unsigned int n = rxs_host_ntraffic(h);
	uint64_t bad = rxs__csum_drops(s);
	struct rxs_traffic_info ti;
	char line[1024];

	for (unsigned int i = 0; i < n; i++)
		if (rxs_host_traffic_info(h, i, &ti) == 0)
			print_source(f, &ti, i, n > 1);
	if (!s->cons.offered || bad * 100 <= s->cons.offered * CSUM_WARN_PCT)
		return;
	line[0] = '\0';
	rxs__stats_append(line, sizeof(line), "note: %" PRIu64 " of %" PRIu64 " frames (%" PRIu64
			  "%%) were dropped for bad checksums (", bad, s->cons.offered,
			  bad * 100 / s->cons.offered);
	for (size_t i = 0, k = 0; i < ARRAY_SIZE(csum_reasons); i++)
		if (s->reasons[csum_reasons[i]])
			rxs__stats_append(line, sizeof(line), "%s%s %" PRIu64, k++ ? ", " : "",
					  rxs_drop_reason_name(csum_reasons[i]),
					  s->reasons[csum_reasons[i]]);
	rxs__stats_append(line, sizeof(line), "). A real host rarely sees that many: a capture "
			  "taken on the sending host (TX checksum offload) or rewritten carries "
			  "checksums that were never on the wire. If so, replay it with --set "
			  "traffic.%s.checksums=recompute (the default, auto, repairs only "
			  "TX-offload placeholders).", n > 1 ? "N" : "0");
	rxs__print_wrapped(f, line, "  ");
}
