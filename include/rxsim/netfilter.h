/* rxsim/netfilter.h - rule sets: load iptables-save text and nftables rule sets, read the
 * counters, print them as `iptables -L -v -n -x` and `nft list ruleset` do.
 *
 * A rule set is a handle built from iptables-save text (tables raw, mangle and filter). The host
 * runs it at the netfilter hooks of the receive path; users read the rule and policy counters
 * and the connection-tracking statistics through the calls below.
 */
#ifndef RXSIM_NETFILTER_H
#define RXSIM_NETFILTER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rxsim/export.h"

typedef struct rxs_ruleset rxs_ruleset_t;

/* nf_inet_hooks: the numbering is the kernel's. */
enum rxs_nf_hook {
	RXS_NF_INET_PRE_ROUTING,
	RXS_NF_INET_LOCAL_IN,
	RXS_NF_INET_FORWARD,
	RXS_NF_INET_LOCAL_OUT,
	RXS_NF_INET_POST_ROUTING,
	RXS_NF_INET_NUMHOOKS
};

/* Verdicts, with the kernel's values (NF_DROP...). Tables give DROP or ACCEPT; a user hook
 * function (rxsim/hooks.h) may also steal or queue the packet. */
enum rxs_nf_verdict { RXS_NF_DROP = 0, RXS_NF_ACCEPT = 1, RXS_NF_STOLEN = 2, RXS_NF_QUEUE = 3 };

/* One rule, in the order of the text. Strings stay valid until rxs_ruleset_destroy(). */
struct rxs_ruleset_rule_info {
	const char *table;		/* "filter" */
	const char *chain;		/* "INPUT" */
	const char *text;		/* the rule as written, without "[p:b] -A CHAIN " */
	const char *target;		/* as `iptables -L` shows it: "DROP", a chain, "" for none */
	uint64_t pkts, bytes;		/* packets whose matches all succeeded; bytes at L3 */
	unsigned int line;		/* line of the scenario file (first_line + offset) */
};

/* One chain: built-in chains first, in hook order, then user chains as declared. */
struct rxs_ruleset_chain_info {
	const char *table;
	const char *name;
	const char *policy;		/* "ACCEPT"/"DROP"; NULL for user chains */
	uint64_t pkts, bytes;		/* policy counter: packets that reached the chain's end */
	unsigned int references;	/* rules that -j/-g to it (user chains) */
};

struct rxs_ruleset_stats {
	uint64_t log_packets;		/* packets that hit a LOG rule */
	uint64_t ct_entries;		/* confirmed connections in the table now */
	uint64_t ct_max;		/* net.netfilter.nf_conntrack_max */
	uint64_t ct_drops;		/* "nf_conntrack: table full, dropping packet" */
	uint64_t ct_early_drops;	/* unassured entries evicted to make room */
	uint64_t ct_inserted;		/* entries confirmed into the table */
	uint64_t ct_new;		/* packets seen by conntrack, by the state they got */
	uint64_t ct_established;
	uint64_t ct_related;
	uint64_t ct_invalid;
	uint64_t ct_untracked;		/* NOTRACK in the raw table */
	uint64_t nflog_packets;		/* packets that hit an NFLOG rule */
};

/* /proc/net/stat/nf_conntrack of a host, its columns as 6.18 counts them (struct
 * ip_conntrack_stat, summed over CPUs), with the table's size. The columns 6.18 prints but
 * never counts (searched, new, ignore, delete) are not here; insert counts only entries
 * ctnetlink creates, so it stays 0 on a receive path, as found does since lookups stopped
 * counting. */
struct rxs_nf_conntrack_stat {
	int loaded;			/* 1: conntrack runs (a rule or NAT needs it), else 0 */
	uint64_t entries;		/* nf_conntrack_count */
	uint64_t max;			/* net.netfilter.nf_conntrack_max */
	uint64_t clash_resolve;		/* "clashres" */
	uint64_t found;
	uint64_t invalid;		/* packets conntrack gave no entry (ctinfo INVALID) */
	uint64_t chaintoolong;		/* "chainlength" */
	uint64_t insert;
	uint64_t insert_failed;		/* a new entry whose tuple was taken at confirm */
	uint64_t drop;			/* "nf_conntrack: table full, dropping packet" */
	uint64_t early_drop;		/* unassured entries evicted to make room */
	uint64_t error;			/* "icmp_error": ICMP errors quoting no connection */
	uint64_t expect_new, expect_create, expect_delete;
	uint64_t search_restart;
};

/* Parse iptables-save text. @name and @first_line place errors, which name the column of the
 * word at fault, quote the line and suggest the nearest known name for a typo:
 * "scenario.yaml:23:17: -A INPUT -p udp --dprot 53 -j DROP: unsupported option '--dprot'
 * (did you mean '--dport'?)". 0, or RXS_ERULE/-ENOMEM with the message in @err (when
 * @errlen > 0). */
RXS_API int rxs_ruleset_create(rxs_ruleset_t **nfp, const char *text, const char *name,
			       unsigned int first_line, char *err, size_t errlen);
/* The same, for text whose lines start @indent columns into the file (a YAML block). */
RXS_API int rxs_ruleset_create_at(rxs_ruleset_t **nfp, const char *text, const char *name,
				  unsigned int first_line, unsigned int indent, char *err,
				  size_t errlen);

/* How rxs_ruleset_create_opts() reads a rule set. Zero what you do not use. */
struct rxs_ruleset_opts {
	const char *text;		/* iptables-save text */
	const char *name;		/* the file, for messages ("netfilter" if NULL) */
	unsigned int first_line;	/* line of the file where @text starts */
	unsigned int indent;		/* columns before each of its lines (a YAML block) */
	const char *ipsets;		/* `ipset save` text of the sets -m set names, or NULL */
	unsigned int ipsets_line;	/* line of the file where @ipsets starts */
	int skip_unsupported;		/* non-zero: leave out each rule rxsim cannot read and
					 * list it (rxs_ruleset_skipped) instead of failing */
	uint64_t seed;			/* seed of -m statistic --mode random (0: a fixed one) */
	/* ip6tables-save text (tables raw, mangle, filter), run at the IPv6 hooks, or NULL;
	 * errors placed as for @text */
	const char *text6;
	unsigned int text6_line, text6_indent;
};
/* rxs_ruleset_create_at() with the options above. 0, RXS_ERULE or -ENOMEM, as it. */
RXS_API int rxs_ruleset_create_opts(rxs_ruleset_t **nfp, const struct rxs_ruleset_opts *o,
				    char *err, size_t errlen);
/* A rule skip mode left out: where, the rule, and why (the error it would have been). */
struct rxs_ruleset_skipped_info {
	unsigned int line;
	const char *text;		/* the line as written */
	const char *reason;		/* "file:line:col: ...: unsupported match 'u32'" */
};
RXS_API unsigned int rxs_ruleset_nskipped(const rxs_ruleset_t *nf);
/* Skipped rule @i (file order) into @info. 0 or -EINVAL. */
RXS_API int rxs_ruleset_skipped(const rxs_ruleset_t *nf, unsigned int i,
				struct rxs_ruleset_skipped_info *info);
/* The rule set host @h runs (its scenario's netfilter:), to read its counters; NULL when it
 * has none. */
struct rxs_host;
RXS_API const rxs_ruleset_t *rxs_ruleset_get(const struct rxs_host *h);

/* Free @nf and its connection table. NULL is a no-op. */
RXS_API void rxs_ruleset_destroy(rxs_ruleset_t *nf);

/* Rules in the order of the text. rxs_ruleset_rule: 0 or -EINVAL (@i out of range). */
RXS_API unsigned int rxs_ruleset_nrules(const rxs_ruleset_t *nf);
/* Rule @i (text order) into @info. 0 or -EINVAL (@i out of range). */
RXS_API int rxs_ruleset_rule(const rxs_ruleset_t *nf, unsigned int i,
			     struct rxs_ruleset_rule_info *info);

/* Chains of every loaded table. rxs_ruleset_chain: 0 or -EINVAL. */
RXS_API unsigned int rxs_ruleset_nchains(const rxs_ruleset_t *nf);
/* Chain @i into @info. 0 or -EINVAL (@i out of range). */
RXS_API int rxs_ruleset_chain(const rxs_ruleset_t *nf, unsigned int i,
			      struct rxs_ruleset_chain_info *info);

/* LOG and connection-tracking counters of @nf into @st. */
RXS_API void rxs_ruleset_get_stats(const rxs_ruleset_t *nf, struct rxs_ruleset_stats *st);

/* Write every packet an NFLOG rule of @h's rule set hits to the pcap file @path, as `tcpdump
 * -i nflog -w` does (LINKTYPE_NFLOG 239: the group, the hook, the rule's prefix and the IP
 * packet; nanosecond virtual timestamps). Without a rule set the file holds the header alone.
 * 0, -EBUSY (already open), -ENOMEM, or -EIO with the reason in @err. The file is closed
 * with the host. */
RXS_API int rxs_nflog_open_pcap(struct rxs_host *h, const char *path, char *err,
				size_t errlen);
/* Seed the random source of -m statistic --mode random (get_random_u32 in the kernel), so
 * that a run repeats: the same seed, the same draws. */
RXS_API void rxs_ruleset_set_seed(rxs_ruleset_t *nf, uint64_t seed);
/* /proc/net/stat/nf_conntrack of @nf into @st (all zero for NULL). */
RXS_API void rxs_ruleset_get_conntrack_stat(const rxs_ruleset_t *nf,
					    struct rxs_nf_conntrack_stat *st);

/* Set net.netfilter.nf_conntrack_max (0: no limit, as in the kernel). */
RXS_API void rxs_ruleset_set_conntrack_max(rxs_ruleset_t *nf, uint64_t max);

/* Set net.netfilter.nf_conntrack_buckets (default 262144) before the first packet.
 * 0 or -EINVAL (0 buckets, or connections already tracked). */
RXS_API int rxs_ruleset_set_conntrack_buckets(rxs_ruleset_t *nf, uint32_t buckets);

/* Print `iptables -t TABLE -L -v -n -x` of one table ("raw", "mangle", "filter"), byte for
 * byte as iptables does (trailing blanks included). 0, -ENOENT (table not loaded) or -EIO. */
RXS_API int rxs_ruleset_print_table(const rxs_ruleset_t *nf, const char *table, FILE *out);

/* ---- nftables ---- */

/* Add the nftables tables of @text to @nf: `nft list ruleset` text, or `nft -j list ruleset`
 * JSON when its first non-blank character is '{'. @name, @first_line and @indent place errors
 * as for rxs_ruleset_create_at(): "rules.nft:12:9: unknown statement 'acept' (did you mean
 * 'accept'?)". The base chains join the hooks at their priorities, with the iptables tables.
 * 0, or RXS_ERULE/-ENOMEM with the message in @err (@nf is then unchanged). */
RXS_API int rxs_ruleset_load_nft(rxs_ruleset_t *nf, const char *text, const char *name,
				 unsigned int first_line, unsigned int indent, char *err,
				 size_t errlen);

/* One nftables rule, in the order of the rule set. Strings stay valid until
 * rxs_ruleset_destroy(). */
struct rxs_nft_rule_info {
	const char *family;		/* "inet" */
	const char *table;		/* "filter" */
	const char *chain;		/* "input" */
	const char *text;		/* as `nft list ruleset` prints it, "counter" without values */
	int counter;			/* 1: the rule has a counter, and pkts/bytes are its values */
	uint64_t pkts, bytes;		/* its counter's; without one, the packets that reached
					 * the rule's end or verdict (which nft does not show) */
	unsigned int line;		/* line in the text (0 for JSON) */
};

/* The number of nftables rules in @nf. */
RXS_API unsigned int rxs_ruleset_nft_nrules(const rxs_ruleset_t *nf);
/* nftables rule @i into @info. 0 or -EINVAL (@i out of range). */
RXS_API int rxs_ruleset_nft_rule(const rxs_ruleset_t *nf, unsigned int i,
				 struct rxs_nft_rule_info *info);
/* Print the nftables tables as `nft list ruleset` does, counters with their values. 0,
 * -ENOENT (no nftables tables) or -EIO. */
RXS_API int rxs_ruleset_nft_print(const rxs_ruleset_t *nf, FILE *out);

/* Print every table that has rules, user chains, a DROP policy or non-zero policy counters,
 * each as rxs_ruleset_print_table() under a "# iptables -t TABLE -L -v -n -x" line, tables
 * separated by a blank line. 0 or -EIO. */
RXS_API int rxs_ruleset_print(const rxs_ruleset_t *nf, FILE *out);

#endif /* RXSIM_NETFILTER_H */
