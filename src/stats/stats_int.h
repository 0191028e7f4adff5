/* stats_int.h - internals shared by the printers of src/stats/; never included elsewhere.
 *
 * The funnel is data: one table (funnel.c) lists every stage of the receive path in order,
 * and under each stage the count that passes it and the counts that end there, with the
 * skb_drop_reason name and the counter a user would watch on a real host. The text report
 * prints it; any other view (HTML) walks the same table, so the two cannot disagree.
 */
#ifndef RXSIM_STATS_INT_H
#define RXSIM_STATS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rxsim/sim.h"

enum rxs__funnel_kind {
	RXS_FUNNEL_STAGE,	/* a heading, shown when any line under it is */
	RXS_FUNNEL_PASS,	/* the count that goes through the stage: always shown */
	RXS_FUNNEL_DROP,	/* packets whose life ends here: shown when nonzero */
	RXS_FUNNEL_INFO,	/* a count worth knowing that ends nothing: shown when nonzero */
};

/* Where a line's count comes from; @which in the row says which field. */
enum rxs__funnel_src {
	RXS_FUNNEL_SRC_NONE,
	RXS_FUNNEL_SRC_NIC,	/* offsetof(struct rxs_nic_stats, f), summed over NICs */
	RXS_FUNNEL_SRC_SOFTNET,	/* offsetof(struct rxs_softnet_stat, f), summed over CPUs */
	RXS_FUNNEL_SRC_MIB,	/* enum rxs_mib */
	RXS_FUNNEL_SRC_REASON,	/* enum rxs_drop_reason: the kfree_skb count itself */
	RXS_FUNNEL_SRC_CONS,	/* offsetof(struct rxs_conservation, f) */
	RXS_FUNNEL_SRC_CPU,	/* offsetof(struct rxs_cpu_stats, f), summed over CPUs */
};

struct rxs__funnel_row {
	enum rxs__funnel_kind kind;
	enum rxs__funnel_src src;
	size_t which;
	const char *label;
	enum rxs_drop_reason reason;	/* a drop line's reason, RXS_DROP_NOT_DROPPED_YET if none */
	const char *watch;		/* where a user sees this count on a real host */
	const char *knob;		/* what governs it on a real host ("DEV": the NIC), or NULL */
};

extern const struct rxs__funnel_row rxs__funnel[];
extern const size_t rxs__funnel_len;

/* The host's counters the funnel reads, gathered once. */
struct rxs__funnel_snap {
	struct rxs_nic_stats nic;				/* summed over NICs */
	uint64_t softnet[sizeof(struct rxs_softnet_stat) / sizeof(uint32_t)];	/* by field */
	uint64_t reasons[RXS_DROP_MAX];
	struct rxs_conservation cons;
	struct rxs_cpu_stats cpu;				/* summed over CPUs */
	bool cons_ok;
};

void rxs__funnel_snap(const struct rxs_host *h, struct rxs__funnel_snap *s);
uint64_t rxs__funnel_value(const struct rxs_host *h, const struct rxs__funnel_snap *s,
			   const struct rxs__funnel_row *r);
/* True when some drop line of the table shows @reason (the rest are listed apart). */
bool rxs__funnel_has_reason(enum rxs_drop_reason reason);

/* "udp", "tcp" or "proto N" for an IPPROTO_* value. */
const char *rxs__proto_name(int proto, char *buf, size_t len);

/* The kernel function where @reason ends @skb (src/core/hooks.c). */
const char *rxs__drop_location(const struct rxs_sk_buff *skb, enum rxs_drop_reason reason);

#endif /* RXSIM_STATS_INT_H */
