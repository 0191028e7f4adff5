/* advise.c - `rxsim advise`: which knobs remove the drops of a scenario, and by how much.
 *
 * The search is three rounds of forked runs (runner.c, as sweep uses it). First the scenario
 * as given, which tells the kinds of drop that happen. Then, for each kind, its candidates:
 * one knob (or a knob and the limit that caps it, like SO_RCVBUF and rmem_max) moved in
 * growing steps, smallest first, each candidate changing only that from the scenario as
 * given. A kind's advice is its first candidate that removes it, or, when none does, the one
 * that reduces it the most (the smaller on a tie). Last, all the advised changes together,
 * since the knobs interact: a bigger ring moves the loss to the backlog, a faster CPU moves
 * it to the socket. Candidates are generated in a fixed order and results are filed by
 * index, so the output does not depend on -j. At most MAX_RUNS runs in all.
 *
 * Drops no knob removes are said too, never hidden behind "nothing to change": whatever
 * drops remain after all the changes (or as given, when there is nothing to try) are listed
 * by reason with why no change within reach removes them (a checksum error is not a tuning
 * matter, no socket listens on that port, ...).
 */
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rxsim/config.h"
#include "rxsim/error.h"
#include "rxsim/stats.h"

#define MAX_RUNS 64			/* baseline, candidates and the combination */
#define MAX_CANDS (MAX_RUNS - 2)
#define MAX_CHANGES 16		/* per candidate, and for all of them together */
/* The largest RX ring worth advising: what the NICs with the biggest rings take (ethtool -g
 * "Pre-set maximums": mlx5 8192, ixgbe and i40e 4096). It must lie above the 4096 a bare
 * capture's host starts with, or a ring-full flood is never searched at all. */
#define MAX_RING 8192
#define MAX_BACKLOG 65536
#define MAX_LISTEN 65535

enum kind { K_RING, K_BACKLOG, K_SQUEEZE, K_SPREAD, K_RCVBUF, K_LISTEN, K_SYNQ, K_NKINDS };

static const struct {
	const char *name;	/* what a user sees */
	const char *counter;	/* the count it is judged by */
	const char *json;	/* its key in --format json */
} kinds[K_NKINDS] = {
	[K_RING] = { "ring full", "rx_missed_errors", "ring_full" },
	[K_BACKLOG] = { "backlog full", "softnet_stat dropped", "backlog_full" },
	[K_SQUEEZE] = { "polls cut short", "time_squeeze", "time_squeeze" },
	[K_SPREAD] = { "one CPU did the work", "rx_missed_errors + backlog drops", "one_cpu" },
	[K_RCVBUF] = { "receive buffer full", "UdpRcvbufErrors", "rcvbuf_full" },
	[K_LISTEN] = { "accept queue full", "TcpExtListenOverflows", "accept_queue_full" },
	[K_SYNQ] = { "SYN queue full", "TcpExtTCPReqQFullDrop", "syn_queue_full" },
};

/* One --set and the command that makes the same change on a real host. */
struct change {
	char set[160];
	char cmd[200];
};

struct cand {
	enum kind kind;
	struct change ch[MAX_CHANGES];
	int nch;
};

struct advise {
	const char *path;
	const char *host;	/* --host: the host side of a bare capture */
	const char **sets;	/* the user's --set overrides, applied to every run */
	int nsets;
	int jobs;
	bool json;
	struct cand cands[MAX_CANDS];
	int ncands;
	struct cand combo;	/* every advised change, the last run */
	int chosen[K_NKINDS];	/* index into cands, -1: no candidate helped */
	bool present[K_NKINDS];
};

static uint64_t metric(enum kind k, const struct cli_result *r)
{
	switch (k) {
	case K_RING:
		return r->missed;
	case K_BACKLOG:
		return r->backlog_drops;
	case K_SQUEEZE:
		return r->squeeze;
	case K_SPREAD:
		return r->missed + r->backlog_drops;
	case K_RCVBUF:
		return r->rcvbuf_errors;
	case K_LISTEN:
		return r->listen_overflows;
	case K_SYNQ:
		return r->reqq_full;
	case K_NKINDS:
		break;
	}
	return 0;
}

/* One CPU took nine tenths of the softirq time while frames were lost before a socket. */
static bool one_cpu(const struct rxs_scenario *sc, const struct cli_result *r)
{
	return sc->host.cpus > 1 && r->softirq_ns && metric(K_SPREAD, r) &&
	       r->softirq_ns_max * 10 >= r->softirq_ns * 9;
}

static struct cand *new_cand(struct advise *ad, enum kind k)
{
	struct cand *c;

	if (ad->ncands >= MAX_CANDS)
		return NULL;
	c = &ad->cands[ad->ncands++];
	memset(c, 0, sizeof(*c));
	c->kind = k;
	return c;
}

/* Add a change to @c: the host command @cmd, and the --set made from @fmt. */
__attribute__((format(printf, 3, 4))) static void add_set(struct cand *c, const char *cmd,
							   const char *fmt, ...)
{
	va_list ap;

	if (c->nch >= MAX_CHANGES)
		return;
	va_start(ap, fmt);
	vsnprintf(c->ch[c->nch].set, sizeof(c->ch[c->nch].set), fmt, ap);
	va_end(ap);
	snprintf(c->ch[c->nch].cmd, sizeof(c->ch[c->nch].cmd), "%s", cmd);
	c->nch++;
}

/* A sysctl change, as --set and as `sysctl -w`. */
static void add_sysctl(struct cand *c, enum rxs_sysctl_id id, int64_t v)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "sysctl -w %s=%" PRId64, rxs_sysctl_name(id), v);
	add_set(c, cmd, "sysctl.%s=%" PRId64, rxs_sysctl_name(id), v);
}

/* ethtool -G: each NIC that missed frames doubles its ring, up to MAX_RING. */
static void gen_ring(struct advise *ad, const struct rxs_scenario *sc, const struct cli_result *b)
{
	for (unsigned int mult = 2; mult <= MAX_RING; mult *= 2) {
		struct cand *c = NULL;

		for (unsigned int n = 0; n < sc->nnics && n < CLI_MAX_NICS; n++) {
			const struct rxs_nic_config *nic = &sc->nics[n];
			unsigned int size = nic->ring_size * mult;
			char cmd[160];

			if (!b->nic_missed[n] || nic->ring_size * (mult / 2) >= MAX_RING)
				continue;
			if (!c && !(c = new_cand(ad, K_RING)))
				return;
			size = size > MAX_RING ? MAX_RING : size;
			snprintf(cmd, sizeof(cmd), "ethtool -G %s rx %u", nic->name, size);
			add_set(c, cmd, "nics.%s.ring_size=%u", nic->name, size);
		}
		if (!c)
			return;
	}
}

/* A sysctl doubled @steps times from its current value, not past @max. */
static void gen_doubling(struct advise *ad, const struct rxs_scenario *sc, enum kind k,
			 enum rxs_sysctl_id id, int steps, int64_t max)
{
	int64_t v = rxs_scenario_sysctl(sc, id);

	for (int i = 0; i < steps && v < max; i++) {
		struct cand *c = new_cand(ad, k);

		if (!c)
			return;
		v = v * 2 > max ? max : v * 2;
		add_sysctl(c, id, v ? v : 1);
	}
}

/*
 * The next value of netdev_budget_usecs worth trying: net_rx_action's time limit is
 * usecs_to_jiffies(usecs), rounded up to whole jiffies, so doubling 100 us on a 1000 Hz
 * host changes nothing; double the jiffies instead, and give them as microseconds.
 */
static int64_t next_usecs(const struct rxs_scenario *sc, int64_t usecs)
{
	int64_t jiffy = 1000000 / (sc->host.hz ? sc->host.hz : 250);
	int64_t j = (usecs + jiffy - 1) / jiffy;

	return (j ? j : 1) * 2 * jiffy;
}

/* netdev_budget and netdev_budget_usecs, doubled in turn: the cause seen most goes first. */
static void gen_squeeze(struct advise *ad, const struct rxs_scenario *sc,
			const struct cli_result *b)
{
	int64_t budget = rxs_scenario_sysctl(sc, RXS_SYSCTL_NETDEV_BUDGET);
	int64_t usecs = rxs_scenario_sysctl(sc, RXS_SYSCTL_NETDEV_BUDGET_USECS);
	bool time_first = b->squeeze_time > b->squeeze_budget;

	for (int i = 0; i < 3; i++) {
		struct cand *c1 = new_cand(ad, K_SQUEEZE), *c2 = new_cand(ad, K_SQUEEZE);

		if (!c1 || !c2)
			return;
		budget *= 2;
		usecs = next_usecs(sc, usecs);
		add_sysctl(time_first ? c2 : c1, RXS_SYSCTL_NETDEV_BUDGET, budget);
		add_sysctl(time_first ? c1 : c2, RXS_SYSCTL_NETDEV_BUDGET_USECS, usecs);
	}
}

/* The NIC that lost the most frames on its ring (the first one on a tie, or with none). */
static unsigned int busiest_nic(const struct rxs_scenario *sc, const struct cli_result *b)
{
	unsigned int best = 0;

	for (unsigned int n = 1; n < sc->nnics && n < CLI_MAX_NICS; n++)
		if (b->nic_missed[n] > b->nic_missed[best])
			best = n;
	return best;
}

/* Spread the work: RSS over one queue per CPU hashing UDP ports too, or RPS to every CPU. */
static void gen_spread(struct advise *ad, const struct rxs_scenario *sc, const struct cli_result *b)
{
	const struct rxs_nic_config *nic = &sc->nics[busiest_nic(sc, b)];
	unsigned int cpus = sc->host.cpus, q = cpus < RXS_MAX_QUEUES ? cpus : RXS_MAX_QUEUES;
	uint64_t mask = cpus >= 64 ? UINT64_MAX : (UINT64_C(1) << cpus) - 1;
	char cmd[200], list[RXS_MAX_QUEUES * 18] = "";
	struct cand *c;

	if (nic->driver == RXS_DRIVER_GENERIC && nic->rx_queues < q && (c = new_cand(ad, K_SPREAD))) {
		snprintf(cmd, sizeof(cmd), "ethtool -L %s combined %u", nic->name, q);
		add_set(c, cmd, "nics.%s.rx_queues=%u", nic->name, q);
		snprintf(cmd, sizeof(cmd), "ethtool -N %s rx-flow-hash udp4 sdfn", nic->name);
		add_set(c, cmd, "nics.%s.rss.udp_4tuple=true", nic->name);
	}
	if (!(c = new_cand(ad, K_SPREAD)))
		return;
	for (unsigned int i = 0; i < nic->rx_queues && i < RXS_MAX_QUEUES; i++) {
		size_t len = strlen(list);

		snprintf(list + len, sizeof(list) - len, "%s%" PRIx64, i ? ", " : "", mask);
		if (i < 2) {
			snprintf(cmd, sizeof(cmd), "echo %" PRIx64 " > /sys/class/net/%s/queues/rx-%u/"
				 "rps_cpus", mask, nic->name, i);
			add_set(c, cmd, "%s", "");	/* the command only; one --set below */
		}
	}
	add_set(c, nic->rx_queues > 2 ? "(and the same for every other rx-N queue)" : "",
		"nics.%s.rps_cpus=[%s]", nic->name, list);
}

/* Is socket @s one a candidate of @proto should change: it dropped, or (TCP, where a
 * listener's refusals are not all in sk_drops) it is the only kind of socket there is. */
static bool target_sock(const struct rxs_scenario *sc, const struct cli_result *b, unsigned int s,
			int proto)
{
	bool any = false;

	if (sc->sockets[s].proto != proto)
		return false;
	if (b->sock_drops[s])
		return true;
	for (unsigned int i = 0; i < sc->nsockets && i < CLI_MAX_SOCKS; i++)
		any |= sc->sockets[i].proto == proto && b->sock_drops[i];
	return proto == IPPROTO_TCP && !any;
}

/* SO_RCVBUF doubled, and rmem_max with it once it would cap the value. */
static void gen_rcvbuf(struct advise *ad, const struct rxs_scenario *sc, const struct cli_result *b)
{
	int64_t rmem_max = rxs_scenario_sysctl(sc, RXS_SYSCTL_RMEM_MAX);
	int64_t deflt = rxs_scenario_sysctl(sc, RXS_SYSCTL_RMEM_DEFAULT);

	for (int step = 1; step <= 8; step++) {
		struct cand *c = NULL;
		int64_t need_max = 0;

		for (unsigned int s = 0; s < sc->nsockets && s < CLI_MAX_SOCKS; s++) {
			const struct rxs_socket_config *so = &sc->sockets[s];
			int64_t v = (so->rcvbuf >= 0 ? so->rcvbuf : deflt) << step;
			char cmd[200];

			if (!target_sock(sc, b, s, IPPROTO_UDP) || v > INT32_MAX / 2)
				continue;
			if (!c && !(c = new_cand(ad, K_RCVBUF)))
				return;
			snprintf(cmd, sizeof(cmd), "setsockopt(fd, SOL_SOCKET, SO_RCVBUF, %" PRId64
				 ") on %s (the kernel doubles it)", v, so->name);
			add_set(c, cmd, "sockets.%s.rcvbuf=%" PRId64, so->name, v);
			need_max = v > need_max ? v : need_max;
		}
		if (!c)
			return;
		if (need_max > rmem_max)
			add_sysctl(c, RXS_SYSCTL_RMEM_MAX, need_max);
	}
}

/* listen() backlog doubled, with somaxconn (and for SYNs tcp_max_syn_backlog) when they cap
 * it; for a full SYN queue, SYN cookies first when they are off. */
static void gen_listen(struct advise *ad, const struct rxs_scenario *sc, const struct cli_result *b,
		       enum kind k)
{
	struct cand *c;

	if (k == K_SYNQ && rxs_scenario_sysctl(sc, RXS_SYSCTL_TCP_SYNCOOKIES) == 0 &&
	    (c = new_cand(ad, k)))
		add_sysctl(c, RXS_SYSCTL_TCP_SYNCOOKIES, 1);
	for (int step = 1; step <= 8; step++) {
		int64_t need = 0;

		c = NULL;
		for (unsigned int s = 0; s < sc->nsockets && s < CLI_MAX_SOCKS; s++) {
			const struct rxs_socket_config *so = &sc->sockets[s];
			int64_t v = (int64_t)(so->backlog > 0 ? so->backlog : 1) << step;
			char cmd[200];

			if (!target_sock(sc, b, s, IPPROTO_TCP) || (v >> 1) >= MAX_LISTEN)
				continue;
			if (!c && !(c = new_cand(ad, k)))
				return;
			v = v > MAX_LISTEN ? MAX_LISTEN : v;
			snprintf(cmd, sizeof(cmd), "listen(fd, %" PRId64 ") on %s", v, so->name);
			add_set(c, cmd, "sockets.%s.backlog=%" PRId64, so->name, v);
			need = v > need ? v : need;
		}
		if (!c)
			return;
		if (need > rxs_scenario_sysctl(sc, RXS_SYSCTL_SOMAXCONN))
			add_sysctl(c, RXS_SYSCTL_SOMAXCONN, need);
		if (k == K_SYNQ && need > rxs_scenario_sysctl(sc, RXS_SYSCTL_TCP_MAX_SYN_BACKLOG))
			add_sysctl(c, RXS_SYSCTL_TCP_MAX_SYN_BACKLOG, need);
	}
}

static void generate(struct advise *ad, const struct rxs_scenario *sc, const struct cli_result *b)
{
	for (int k = 0; k < K_NKINDS; k++)
		ad->present[k] = k == K_SPREAD ? one_cpu(sc, b) : metric((enum kind)k, b) > 0;
	if (ad->present[K_RING])
		gen_ring(ad, sc, b);
	if (ad->present[K_BACKLOG])
		gen_doubling(ad, sc, K_BACKLOG, RXS_SYSCTL_NETDEV_MAX_BACKLOG, 6, MAX_BACKLOG);
	if (ad->present[K_SQUEEZE])
		gen_squeeze(ad, sc, b);
	if (ad->present[K_SPREAD])
		gen_spread(ad, sc, b);
	if (ad->present[K_RCVBUF])
		gen_rcvbuf(ad, sc, b);
	if (ad->present[K_LISTEN])
		gen_listen(ad, sc, b, K_LISTEN);
	if (ad->present[K_SYNQ])
		gen_listen(ad, sc, b, K_SYNQ);
}

/* The runner's callback: apply round entry @idx (NULL: the scenario as given). */
static int apply_cand(void *ctx, struct rxs_scenario *sc, long idx)
{
	const struct cand *c = ((const struct cand *const *)ctx)[idx];

	for (int i = 0; c && i < c->nch; i++) {
		char err[512] = "";

		if (c->ch[i].set[0] && rxs_scenario_set(sc, c->ch[i].set, err, sizeof(err)) < 0) {
			fprintf(stderr, "rxsim advise: %s\n", err[0] ? err : c->ch[i].set);
			return -1;
		}
	}
	return 0;
}

/* Run @n candidates (NULL entries: the scenario as given) into @res. */
static int run_round(const struct advise *ad, struct rxs_scenario *sc, const struct cand **list,
		     long n, struct cli_result *res)
{
	struct cli_runner rn = { "advise", ad->jobs, apply_cand, (void *)list, NULL };

	return cli_run_points(sc, n, &rn, res);
}

/* Each kind's advice: the first candidate that removes it, else the one that reduces it most. */
static void choose(struct advise *ad, const struct cli_result *base, const struct cli_result *res)
{
	for (int k = 0; k < K_NKINDS; k++) {
		uint64_t best = metric((enum kind)k, base);

		ad->chosen[k] = -1;
		for (int i = 0; i < ad->ncands && best; i++) {
			uint64_t v = metric((enum kind)k, &res[i]);

			if (ad->cands[i].kind != (enum kind)k || res[i].status || v >= best)
				continue;
			best = v;
			ad->chosen[k] = i;
		}
	}
}

/* Add @ch to the combination; the same key twice keeps the larger value (a bigger ring for
 * one kind and a bigger ring for another are one bigger ring). */
static void combine_one(struct cand *all, const struct change *ch)
{
	const char *eq = strchr(ch->set, '=');
	size_t klen = eq ? (size_t)(eq - ch->set) + 1 : 0;

	for (int i = 0; i < all->nch; i++) {
		struct change *o = &all->ch[i];

		if (klen && strncmp(o->set, ch->set, klen) == 0) {
			if (strtoll(ch->set + klen, NULL, 0) > strtoll(o->set + klen, NULL, 0))
				*o = *ch;
			return;
		}
		if (!klen && !o->set[0] && strcmp(o->cmd, ch->cmd) == 0)
			return;
	}
	if (all->nch < MAX_CHANGES)
		all->ch[all->nch++] = *ch;
}

static void combine(struct advise *ad)
{
	memset(&ad->combo, 0, sizeof(ad->combo));
	for (int k = 0; k < K_NKINDS; k++) {
		const struct cand *c = ad->chosen[k] >= 0 ? &ad->cands[ad->chosen[k]] : NULL;

		for (int i = 0; c && i < c->nch; i++)
			combine_one(&ad->combo, &c->ch[i]);
	}
}

/* "--set A --set B" of @c, into @buf. */
static const char *set_args(const struct cand *c, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < c->nch; i++) {
		size_t n = strlen(buf);

		if (c->ch[i].set[0])
			snprintf(buf + n, len - n, "%s--set %s", n ? " " : "", c->ch[i].set);
	}
	return buf;
}

static void print_commands(const struct cand *c)
{
	for (int i = 0; i < c->nch; i++)
		if (c->ch[i].cmd[0])
			printf("    %s\n", c->ch[i].cmd);
}

static void print_kind(const struct advise *ad, enum kind k, const struct cli_result *base,
		       const struct cli_result *res)
{
	const struct cand *c = ad->chosen[k] >= 0 ? &ad->cands[ad->chosen[k]] : NULL;
	const struct cli_result *r = c ? &res[ad->chosen[k]] : NULL;
	char buf[1024];

	printf("\n%s (%s %" PRIu64 ")\n", kinds[k].name, kinds[k].counter, metric(k, base));
	if (!c) {
		puts("  none of the changes tried reduces it");
	} else {
		printf("  %-15s %s\n", metric(k, r) ? "reduced most by" : "removed by",
		       set_args(c, buf, sizeof(buf)));
		printf("  %-15s %s %" PRIu64 " -> %" PRIu64 ", dropped %" PRIu64 " -> %" PRIu64 "\n",
		       "counters", kinds[k].counter, metric(k, base), metric(k, r), base->dropped,
		       r->dropped);
		puts("  on a real host:");
		print_commands(c);
	}
	printf("  tried (%s):\n", kinds[k].counter);
	for (int i = 0; i < ad->ncands; i++)
		if (ad->cands[i].kind == k)
			printf("    %10" PRIu64 "  %s%s\n", metric(k, &res[i]),
			       set_args(&ad->cands[i], buf, sizeof(buf)),
			       res[i].status ? " (run failed)" : "");
}

/* Before and after all the changes: dropped, then each kind's count that either shows. */
static void print_combo(const struct advise *ad, const struct cli_result *base,
			const struct cli_result *all)
{
	char buf[2048];

	printf("\nall the changes together: %s\n", set_args(&ad->combo, buf, sizeof(buf)));
	printf("  %-32s %10" PRIu64 " -> %" PRIu64 "%s\n", "dropped", base->dropped, all->dropped,
	       all->status ? " (run failed)" : "");
	for (int k = 0; k < K_NKINDS; k++) {
		if (k != K_SPREAD && (metric((enum kind)k, base) || metric((enum kind)k, all)))
			printf("  %-32s %10" PRIu64 " -> %" PRIu64 "\n", kinds[k].counter,
			       metric((enum kind)k, base), metric((enum kind)k, all));
	}
	puts("  on a real host:");
	print_commands(&ad->combo);
	printf("  to see it: rxsim replay %s %s\n", ad->path, buf);
}

/* The knob kind that governs drops of @reason, or K_NKINDS when none does. */
static enum kind reason_kind(unsigned int reason)
{
	switch (reason) {
	case RXS_DROP_FULL_RING: return K_RING;
	case RXS_DROP_CPU_BACKLOG: return K_BACKLOG;
	case RXS_DROP_SOCKET_RCVBUFF: return K_RCVBUF;
	case RXS_DROP_TCP_LISTEN_OVERFLOW: return K_LISTEN;
	default: return K_NKINDS;
	}
}

/* The drops left after every advised change (the scenario as given when nothing ran). */
static const struct cli_result *final_result(const struct advise *ad, const struct cli_result *base,
					     const struct cli_result *all)
{
	return ad->combo.nch && !all->status ? all : base;
}

static uint64_t remaining_total(const struct cli_result *r)
{
	uint64_t n = 0;

	for (unsigned int k = RXS_DROP_CONSUMED + 1; k < RXS_DROP_MAX; k++)
		n += r->reasons[k];
	return n;
}

/*
 * Checksum errors: no knob of a host cures them. Either the frames were damaged, or the file
 * does not hold the checksums the wire had (rewritten, anonymised, or captured on the sender
 * before TX checksum offload filled them in); then the first capture whose checksums are
 * not recomputed yet is named, with the setting that replays it as the wire carried it.
 */
static const char *csum_why(const struct rxs_scenario *sc, char *buf, size_t len)
{
	int n = snprintf(buf, len, "checksum errors are not a tuning matter: the frames were "
			 "damaged, or the capture does not hold the checksums the wire had "
			 "(rewritten, anonymised, or taken before TX checksum offload filled them "
			 "in)");

	for (unsigned int i = 0; i < sc->ntraffic && n > 0 && (size_t)n < len; i++) {
		if (sc->traffic[i].kind != RXS_TRAFFIC_PCAP ||
		    sc->traffic[i].checksums == RXS_CSUM_RECOMPUTE)
			continue;
		snprintf(buf + n, len - (size_t)n, "; if so, --set traffic.%u.checksums=recompute",
			 i);
		break;
	}
	return buf;
}

/* Why no change within reach removes the drops of @reason, in a sentence, into @buf. */
static const char *why(const struct advise *ad, const struct rxs_scenario *sc, unsigned int reason,
		       char *buf, size_t len)
{
	enum kind k = reason_kind(reason);
	const char *cause = rxs_drop_reason_cause((enum rxs_drop_reason)reason);
	bool ring_max = sc->nnics > 0;

	/* A veth has no ring to grow; a generic NIC's stops at MAX_RING. */
	for (unsigned int n = 0; n < sc->nnics; n++)
		ring_max &= sc->nics[n].ring_size >= MAX_RING ||
			    sc->nics[n].driver != RXS_DRIVER_GENERIC;
	switch (reason) {
	case RXS_DROP_IP_CSUM: case RXS_DROP_UDP_CSUM: case RXS_DROP_TCP_CSUM:
	case RXS_DROP_ICMP_CSUM:
		return csum_why(sc, buf, len);
	case RXS_DROP_NO_SOCKET:
		snprintf(buf, len, "no socket: nothing listens on that port (a listener in the "
			 "scenario's sockets: takes them, if the host should)");
		return buf;
	case RXS_DROP_NETFILTER_DROP:
		snprintf(buf, len, "an iptables rule drops them: that is the rule set's choice, "
			 "not a limit");
		return buf;
	}
	if (k != K_NKINDS && !ad->present[k]) {
		snprintf(buf, len, "%s; they appeared with the changes above: advise the changed "
			 "scenario again", cause);
	} else if (k == K_RING) {
		snprintf(buf, len, "%s; even %u descriptors (the most NICs take%s) overflow: the "
			 "CPUs polling the ring cannot keep up with this rate%s", cause, MAX_RING,
			 ring_max ? ", and the ring has them already" : "",
			 sc->host.cpus < 2 ? ", and one CPU has no other to share the work with" : "");
	} else if (k == K_BACKLOG) {
		snprintf(buf, len, "%s; the largest netdev_max_backlog tried only delays the loss: "
			 "the CPU cannot keep up with this rate", cause);
	} else if (k == K_RCVBUF) {
		snprintf(buf, len, "%s; the largest SO_RCVBUF tried only delays the loss: the "
			 "application reads slower than the traffic arrives", cause);
	} else if (k == K_LISTEN) {
		snprintf(buf, len, "%s; the largest listen() backlog tried only delays the loss: "
			 "the application accepts slower than connections arrive", cause);
	} else {
		snprintf(buf, len, "not a tuning matter: %s", cause);
	}
	return buf;
}

/* "N drops remain: REASON ×N, ...; no change within reach removes them", then why each. */
static void print_remaining(const struct advise *ad, const struct rxs_scenario *sc,
			    const struct cli_result *r)
{
	uint64_t total = remaining_total(r);
	char buf[512];
	bool first = true;

	if (!total)
		return;
	printf("\n%" PRIu64 " drop%s remain%s: ", total, total == 1 ? "" : "s",
	       total == 1 ? "s" : "");
	for (unsigned int k = RXS_DROP_CONSUMED + 1; k < RXS_DROP_MAX; k++) {
		if (!r->reasons[k])
			continue;
		printf("%s%s \xc3\x97%" PRIu64, first ? "" : ", ",
		       rxs_drop_reason_name((enum rxs_drop_reason)k), r->reasons[k]);
		first = false;
	}
	puts("; no change within reach removes them");
	for (unsigned int k = RXS_DROP_CONSUMED + 1; k < RXS_DROP_MAX; k++)
		if (r->reasons[k])
			printf("  %s: %s\n", rxs_drop_reason_name((enum rxs_drop_reason)k),
			       why(ad, sc, k, buf, sizeof(buf)));
}

static void print_text(const struct advise *ad, const struct rxs_scenario *sc,
		       const struct cli_result *base, const struct cli_result *res,
		       const struct cli_result *all, int runs)
{
	bool any = false;

	for (int k = 0; k < K_NKINDS; k++)
		any |= ad->present[k];
	printf("advise %s\n", ad->path);
	/* A refused SYN or connection is consumed, not dropped: its counter still counts. */
	if (!base->dropped && !any) {
		puts("no drops and no time_squeeze: nothing to change");
		return;
	}
	printf("as given: offered %" PRIu64 ", dropped %" PRIu64 ", time_squeeze %" PRIu64
	       " (budget ran out %" PRIu64 ", time ran out %" PRIu64 ")\n", base->offered,
	       base->dropped, base->squeeze, base->squeeze_budget, base->squeeze_time);
	if (ad->ncands)
		printf("%d runs (at most %d): the scenario, %d candidate changes, all advised "
		       "changes together\n", runs, MAX_RUNS, ad->ncands);
	else
		puts("1 run: the scenario as given; no knob in reach governs its drops");
	for (int k = 0; k < K_NKINDS; k++)
		if (ad->present[k])
			print_kind(ad, (enum kind)k, base, res);
	if (ad->combo.nch)
		print_combo(ad, base, all);
	print_remaining(ad, sc, final_result(ad, base, all));
}

static void json_cand(const struct cand *c)
{
	printf("\"set\": [");
	for (int i = 0, n = 0; i < c->nch; i++) {
		if (!c->ch[i].set[0])
			continue;
		printf("%s", n++ ? ", " : "");
		cli_json_str(stdout, c->ch[i].set);
	}
	printf("], \"commands\": [");
	for (int i = 0, n = 0; i < c->nch; i++) {
		if (!c->ch[i].cmd[0])
			continue;
		printf("%s", n++ ? ", " : "");
		cli_json_str(stdout, c->ch[i].cmd);
	}
	putchar(']');
}

static void json_counts(const char *name, const struct cli_result *r)
{
	printf("\"%s\": {\"status\": %d, \"offered\": %" PRIu64 ", \"dropped\": %" PRIu64, name,
	       r->status, r->offered, r->dropped);
	printf(", \"time_squeeze_budget\": %" PRIu64 ", \"time_squeeze_time\": %" PRIu64,
	       r->squeeze_budget, r->squeeze_time);
	for (int k = 0; k < K_NKINDS; k++)	/* K_SPREAD's count is the sum of two others */
		if (k != K_SPREAD)
			printf(", \"%s\": %" PRIu64, kinds[k].json, metric((enum kind)k, r));
	putchar('}');
}

static void json_kind(const struct advise *ad, enum kind k, const struct cli_result *res)
{
	int c = ad->chosen[k];

	printf("    {\"drop\": \"%s\", \"counter\": \"%s\", \"removed\": %s", kinds[k].json,
	       kinds[k].counter, c >= 0 && !metric(k, &res[c]) ? "true" : "false");
	if (c >= 0) {
		printf(", ");
		json_cand(&ad->cands[c]);
		printf(", ");
		json_counts("after", &res[c]);
	}
	printf(", \"tried\": [");
	for (int i = 0, n = 0; i < ad->ncands; i++) {
		if (ad->cands[i].kind != k)
			continue;
		printf("%s{", n++ ? ", " : "");
		json_cand(&ad->cands[i]);
		printf(", \"status\": %d, \"count\": %" PRIu64 "}", res[i].status, metric(k, &res[i]));
	}
	printf("]}");
}

/* "remaining": the drops after every advised change, each reason with why it stays. */
static void json_remaining(const struct advise *ad, const struct rxs_scenario *sc,
			   const struct cli_result *r)
{
	char buf[512];
	int n = 0;

	printf(",\n  \"remaining_dropped\": %" PRIu64 ",\n  \"remaining\": [", remaining_total(r));
	for (unsigned int k = RXS_DROP_CONSUMED + 1; k < RXS_DROP_MAX; k++) {
		if (!r->reasons[k])
			continue;
		printf("%s\n    {\"reason\": \"%s\", \"count\": %" PRIu64 ", \"why\": ",
		       n++ ? "," : "", rxs_drop_reason_name((enum rxs_drop_reason)k), r->reasons[k]);
		cli_json_str(stdout, why(ad, sc, k, buf, sizeof(buf)));
		putchar('}');
	}
	printf("%s]", n ? "\n  " : "");
}

static void print_json(const struct advise *ad, const struct rxs_scenario *sc,
		       const struct cli_result *base, const struct cli_result *res,
		       const struct cli_result *all, int runs)
{
	bool first = true;

	printf("{\"scenario\": ");
	cli_json_str(stdout, ad->path);
	printf(", \"runs\": %d, \"max_runs\": %d,\n  ", runs, MAX_RUNS);
	json_counts("before", base);
	printf(",\n  \"advice\": [");
	for (int k = 0; k < K_NKINDS; k++) {
		if (!ad->present[k])
			continue;
		printf("%s", first ? "\n" : ",\n");
		json_kind(ad, (enum kind)k, res);
		first = false;
	}
	printf("%s],\n  \"combined\": {", first ? "" : "\n  ");
	json_cand(&ad->combo);
	if (ad->combo.nch) {
		printf(", ");
		json_counts("after", all);
	}
	putchar('}');
	json_remaining(ad, sc, final_result(ad, base, all));
	printf("\n}\n");
}

/* Fill @ad from the command line. -1 to go on, or the exit status to return now. */
static int parse_advise(int argc, char **argv, struct advise *ad)
{
	for (int i = 0; i < argc; i++) {
		const char *v = NULL;
		int m;

		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			cli_help(stdout, "advise");
			return CLI_OK;
		}
		if ((m = cli_opt(argc, argv, &i, "--set", &v)) != 0) {
			if (m < 0)
				return CLI_USAGE;
			ad->sets[ad->nsets++] = v;
		} else if ((m = cli_opt(argc, argv, &i, "--host", &v)) != 0) {
			if (m < 0)
				return CLI_USAGE;
			ad->host = v;
		} else if ((m = cli_opt(argc, argv, &i, "--format", &v)) != 0) {
			if (m < 0)
				return CLI_USAGE;
			if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
				return cli_usage_error("advise", "unknown format '%s' (text or json)", v);
			ad->json = strcmp(v, "json") == 0;
		} else if ((m = cli_opt(argc, argv, &i, "-j", &v)) != 0) {
			if (m < 0 || (ad->jobs = atoi(v)) < 1)
				return cli_usage_error("advise", "-j needs a number of processes, got '%s'",
						       m < 0 ? "" : v);
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return cli_unknown_option("advise", argv[i]);
		} else if (ad->path) {
			return cli_usage_error("advise", "unexpected argument '%s'", argv[i]);
		} else {
			ad->path = argv[i];
		}
	}
	if (!ad->path)
		return cli_usage_error("advise", "%s", "a scenario file (or a capture) is needed");
	return -1;
}

/* The three rounds: as given, the candidates, all advised changes together. */
static int search(struct advise *ad, struct rxs_scenario *sc)
{
	const struct cand *list[MAX_CANDS] = { NULL };
	struct cli_result base = { 0 }, all = { 0 }, *res = calloc(MAX_CANDS, sizeof(*res));
	int runs = 1, status = CLI_OK;

	if (!res || run_round(ad, sc, list, 1, &base) < 0 || base.status == 2) {
		free(res);
		return base.status == 2 ? CLI_USAGE : CLI_RUN_FAILED;
	}
	generate(ad, sc, &base);
	for (int i = 0; i < ad->ncands; i++)
		list[i] = &ad->cands[i];
	if (ad->ncands && run_round(ad, sc, list, ad->ncands, res) < 0)
		status = CLI_RUN_FAILED;
	runs += ad->ncands;
	choose(ad, &base, res);
	combine(ad);
	memset(&all, 0, sizeof(all));
	list[0] = &ad->combo;
	if (ad->combo.nch && run_round(ad, sc, list, 1, &all) == 0)
		runs++;
	if (ad->json)
		print_json(ad, sc, &base, res, &all, runs);
	else
		print_text(ad, sc, &base, res, &all, runs);
	for (int i = 0; i < ad->ncands; i++)
		status = res[i].status == 1 ? CLI_RUN_FAILED : status;
	free(res);
	return base.status || (ad->combo.nch && all.status) ? CLI_RUN_FAILED : status;
}

int cli_advise(int argc, char **argv)
{
	struct advise *ad = calloc(1, sizeof(*ad));
	struct rxs_scenario *sc = NULL;
	int status = CLI_RUN_FAILED;

	if (ad && (ad->sets = calloc((size_t)argc + 1, sizeof(*ad->sets)))) {
		status = parse_advise(argc, argv, ad);
		if (status < 0 && cli_load(ad->path, ad->host, ad->sets, ad->nsets, &sc) < 0)
			status = CLI_USAGE;
		if (status < 0)
			status = search(ad, sc);
	} else {
		fprintf(stderr, "rxsim: out of memory\n");
	}
	rxs_scenario_free(sc);
	if (ad)
		free(ad->sets);
	free(ad);
	return status;
}
