/* stats_int.h - internals shared by the printers of src/stats/; never included elsewhere.
 *
 * The funnel is data: one table (funnel.c) lists every stage of the receive path in order,
 * and under each stage the count that passes it and the counts that end there, with the
 * skb_drop_reason name and the counter a user would watch on a real host. The text report
 * prints it; any other view (HTML, JSON) walks the same table, so they cannot disagree.
 *
 * Every drop shows under the stage where it happens. Drop lines count what the kernel counts
 * (a MIB, a NIC counter), which need not be the drop-reason count; whatever part of a
 * reason's count no line shows is listed under an "other drops" line of its stage, with a
 * plain-language cause. The stage of a drop comes from its reason and the class of packet it
 * ended (IPv6 UDP, ARP, ...: enum rxs_pkt_class), which the skb pool counts.
 */
#ifndef RXSIM_STATS_INT_H
#define RXSIM_STATS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rxsim/sim.h"
#include "rxsim/socket.h"
#include "rxsim/softirq.h"
#include "rxsim/nic.h"
#include "rxsim/bpf.h"
#include "rxsim/proto.h"
#include "rxsim/stats.h"

/* The stages, in table order; a STAGE row's @which. */
enum rxs__funnel_stage {
	RXS_ST_NIC,
	RXS_ST_BPF,
	RXS_ST_SOFTIRQ,
	RXS_ST_CORE,
	RXS_ST_ARP,
	RXS_ST_IPV4,
	RXS_ST_UDP4,
	RXS_ST_ICMP4,
	RXS_ST_IPV6,
	RXS_ST_UDP6,
	RXS_ST_ICMP6,
	RXS_ST_TCP,
	RXS_ST_SOCK,
	RXS_ST_MAX
};

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
	RXS_FUNNEL_SRC_HERE,	/* enum rxs_drop_reason, counting only drops at the row's stage */
	RXS_FUNNEL_SRC_CLASS,	/* enum rxs_pkt_class: frames of that class whose life ended */
};

struct rxs__funnel_row {
	enum rxs__funnel_kind kind;
	enum rxs__funnel_src src;
	size_t which;
	const char *label;
	enum rxs_drop_reason reason;	/* a drop line's reason, RXS_DROP_NOT_DROPPED_YET if none */
	const char *watch;		/* where a user sees this count on a real host */
	const char *knob;		/* what governs it on a real host ("DEV": the NIC), or NULL */
	bool optional;			/* a STAGE shown only when a count under it is nonzero
					 * (a protocol family the traffic did not have) */
};

extern const struct rxs__funnel_row rxs__funnel[];

/* The per-type ICMP counters of @family (AF_INET: IcmpMsg; AF_INET6: Icmp6InTypeN and
 * Icmp6OutTypeN) as /proc/net/snmp and snmp6 list them, InType then OutType, by type: each
 * type the host received or sent, and (@named) those the MIB list names, even at zero. Which
 * MIB-list counters they are: rxs__mib_icmpmsg(). (mib.c) */
void rxs__icmpmsg_each(const rxs_host_t *h, int family,
		       void (*fn)(void *ctx, const char *name, uint64_t v, bool named), void *ctx);
bool rxs__mib_icmpmsg(enum rxs_mib mib);
extern const size_t rxs__funnel_len;

/* The host's counters the funnel reads, gathered once: everything a view needs, so a test
 * can fill one by hand and render it. */
struct rxs__funnel_snap {
	struct rxs_nic_stats nic;				/* summed over NICs */
	uint64_t softnet[sizeof(struct rxs_softnet_stat) / sizeof(uint32_t)];	/* by field */
	uint64_t reasons[RXS_DROP_MAX];
	uint64_t by_class[RXS_PKT_CLASS_MAX][RXS_DROP_MAX];
	uint64_t mib[RXS_MIB_COUNT];
	uint64_t ended[RXS_PKT_CLASS_MAX];
	struct rxs_conservation cons;
	struct rxs_cpu_stats cpu;				/* summed over CPUs */
	bool cons_ok;
	const char *dev;		/* the NIC's name for "DEV" in knobs, NULL: several NICs */
	/* Filled by rxs__funnel_settle(): drops at each stage, and the part no line shows. */
	uint64_t here[RXS_ST_MAX][RXS_DROP_MAX];
	uint64_t other[RXS_ST_MAX][RXS_DROP_MAX];
};

void rxs__funnel_snap(const struct rxs_host *h, struct rxs__funnel_snap *s);
/* Attribute every drop of @s to a stage: fills @here and @other from the counts above. */
void rxs__funnel_settle(struct rxs__funnel_snap *s);
uint64_t rxs__funnel_value(const struct rxs__funnel_snap *s, const struct rxs__funnel_row *r);
/* The stage a row belongs to (a STAGE row: its own). */
enum rxs__funnel_stage rxs__funnel_stage_of(const struct rxs__funnel_row *r);
/* The stage where @reason ends a packet of class @cls. */
enum rxs__funnel_stage rxs__drop_stage(enum rxs_drop_reason reason, enum rxs_pkt_class cls);
/* True when stage row @r is shown: not optional, or some count under it is nonzero. */
bool rxs__funnel_stage_shown(const struct rxs__funnel_snap *s, const struct rxs__funnel_row *r);
/* The sum of @s->other[stage], what an "other drops" line shows. */
uint64_t rxs__funnel_other_total(const struct rxs__funnel_snap *s, enum rxs__funnel_stage st);
/* The text funnel of @s: every stage, every nonzero drop and other drop; @flags are
 * rxs_report_text_flags()'s (RXS_REPORT_F_COLOR). */
void rxs__funnel_print(FILE *f, const struct rxs__funnel_snap *s, unsigned int flags);
/* The text report's width: every line of it but the kernel's own formats fits. */
#define RXS__REPORT_COLUMNS 100
/* @text on lines of at most RXS__REPORT_COLUMNS, broken at spaces, the next ones after
 * @indent. */
void rxs__print_wrapped(FILE *f, const char *text, const char *indent);
/* The cause line the text prints under drop row @r, or NULL when it prints none. */
const char *rxs__funnel_cause(const struct rxs__funnel_row *r);
/* The kernel blocks; nstat's with every counter (-az) when @all_counters, else the nonzero. */
int rxs__report_kernel(const struct rxs_host *h, FILE *out, bool all_counters);
/* {"funnel": [...]}: the JSON report's "funnel" key alone. 0 or -EIO. */
int rxs__funnel_json(FILE *f, const struct rxs__funnel_snap *s);

/* "udp", "tcp" or "proto N" for an IPPROTO_* value. */
const char *rxs__proto_name(int proto, char *buf, size_t len);

/* The kernel function where @reason ends @skb (src/skb/drop_location.c). */
const char *rxs__drop_location(const struct rxs_sk_buff *skb, enum rxs_drop_reason reason);

/* The traffic as it was on the wire (wire.c). */
const char *rxs__checksums_name(enum rxs_checksums mode);
/* " of FILE" (several sources), " injected", or "": what to say after "frame N" for @id. */
void rxs__frame_of(const rxs_host_t *h, uint64_t id, char *buf, size_t n);
/* Frames dropped for a bad IP, TCP, UDP or ICMP checksum. */
uint64_t rxs__csum_drops(const struct rxs__funnel_snap *s);
/* Per source: frames, the host's own, checksums changed; the checksum warning. */
void rxs__report_traffic(FILE *f, const rxs_host_t *h, const struct rxs__funnel_snap *s);

/* host.c: the host rxsim assumed for a bare capture, "eth0 02:..:02, 10.0.0.2; sockets
 * tcp:22, udp:53", into @buf. False (and "") when @sc is a scenario file's own host. */
struct rxs_scenario;
bool rxs__host_summary(const struct rxs_scenario *sc, char *buf, size_t len);
/* The same line for any host, a scenario file's too ("" for none): the JSON's summary. */
void rxs__host_describe(const struct rxs_scenario *sc, char *buf, size_t len);
/* The text report's block: that line and where its YAML comes from; nothing if false. */
void rxs__report_host_text(FILE *f, const struct rxs_scenario *sc);

/* host.c: append to @buf (of @len, holding a string) what @fmt says; truncates silently. */
void rxs__stats_append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* RXSIM_STATS_INT_H */
