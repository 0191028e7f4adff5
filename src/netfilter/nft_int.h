/* nft_int.h - nftables rule sets inside a struct rxs_ruleset: tables, chains, sets, rules.
 *
 * Both readers (nft_parse.c for `nft list ruleset` text, nft_json.c for `nft -j list ruleset`)
 * build the same structures through the calls at the end of this file; nft_eval.c runs them
 * as nft_do_chain() does, and nft_print.c prints them back as `nft list ruleset` would.
 *
 * A rule is a list of statements (struct nft_stmt), tried in order until one breaks (a match
 * that fails, a limit over its rate) or gives a verdict, as the kernel's expressions are. A
 * match reads a key (one field, or a concatenation "ip saddr . tcp dport") into bytes in
 * network order and compares them with a value, a range, a mask, or a set's elements; sets
 * keep every element as an interval [lo, hi] of such bytes, so prefixes, ranges and single
 * values are one kind of element and a lookup is a pair of memcmp()s.
 */
#ifndef RXSIM_NFT_INT_H
#define RXSIM_NFT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "netfilter/netfilter_int.h"
#include "rxsim/netfilter.h"

#define NFT_VAL_MAX 40		/* a concatenation's bytes: ip6 saddr . ip6 daddr . th dport */
#define NFT_CONCAT_MAX 4
#define NFT_JUMP_STACK_SIZE 16	/* NFT_JUMP_STACK_SIZE */
#define NFT_NAME_MAX 64

enum nft_family { NFT_FAM_IP, NFT_FAM_IP6, NFT_FAM_INET, NFT_FAM_NETDEV, NFT_FAM_N };

/* Base chain hooks: the inet hooks (enum rxs_nf_hook) and, for netdev, ingress. */
#define NFT_HOOK_INGRESS RXS_NF_INET_NUMHOOKS
#define NFT_NHOOKS (RXS_NF_INET_NUMHOOKS + 1)

enum nft_chain_type { NFT_TYPE_FILTER, NFT_TYPE_NAT, NFT_TYPE_ROUTE };

/* What a match or a set's key reads. The order is nft_keys[]'s (nft_parse.c). */
enum nft_key {
	NFT_K_IP_SADDR, NFT_K_IP_DADDR, NFT_K_IP_PROTOCOL, NFT_K_IP_LENGTH, NFT_K_IP_TTL,
	NFT_K_IP_VERSION, NFT_K_IP_HDRLENGTH, NFT_K_IP_DSCP, NFT_K_IP_ECN, NFT_K_IP_ID,
	NFT_K_IP_FRAG_OFF, NFT_K_IP_CHECKSUM,
	NFT_K_IP6_SADDR, NFT_K_IP6_DADDR, NFT_K_IP6_NEXTHDR, NFT_K_IP6_HOPLIMIT,
	NFT_K_IP6_VERSION, NFT_K_IP6_DSCP, NFT_K_IP6_ECN, NFT_K_IP6_FLOWLABEL, NFT_K_IP6_LENGTH,
	NFT_K_TCP_SPORT, NFT_K_TCP_DPORT, NFT_K_TCP_FLAGS, NFT_K_TCP_SEQUENCE, NFT_K_TCP_ACKSEQ,
	NFT_K_TCP_DOFF, NFT_K_TCP_WINDOW, NFT_K_TCP_CHECKSUM, NFT_K_TCP_URGPTR,
	NFT_K_UDP_SPORT, NFT_K_UDP_DPORT, NFT_K_UDP_LENGTH, NFT_K_UDP_CHECKSUM,
	NFT_K_TH_SPORT, NFT_K_TH_DPORT,
	NFT_K_ETHER_SADDR, NFT_K_ETHER_DADDR, NFT_K_ETHER_TYPE,
	NFT_K_META_L4PROTO, NFT_K_META_IIFNAME, NFT_K_META_IIF, NFT_K_META_OIFNAME, NFT_K_META_OIF,
	NFT_K_META_MARK,
	NFT_K_META_PKTTYPE, NFT_K_META_LENGTH, NFT_K_META_NFPROTO,
	NFT_K_META_PROTOCOL, NFT_K_META_PRIORITY, NFT_K_META_CPU, NFT_K_META_IIFTYPE,
	NFT_K_META_OIFTYPE, NFT_K_META_SKUID, NFT_K_META_SKGID,
	NFT_K_CT_STATE, NFT_K_CT_STATUS, NFT_K_CT_MARK, NFT_K_CT_ZONE,
	NFT_K_CT_DIRECTION, NFT_K_CT_L3PROTO, NFT_K_CT_PROTOCOL, NFT_K_CT_EXPIRATION,
	/* a direction's tuple: "ct original ip saddr" ... "ct reply proto-dst" */
	NFT_K_CT_ORIG_IP_SADDR, NFT_K_CT_ORIG_IP_DADDR, NFT_K_CT_ORIG_IP6_SADDR,
	NFT_K_CT_ORIG_IP6_DADDR, NFT_K_CT_ORIG_PROTO_SRC, NFT_K_CT_ORIG_PROTO_DST,
	NFT_K_CT_REPLY_IP_SADDR, NFT_K_CT_REPLY_IP_DADDR, NFT_K_CT_REPLY_IP6_SADDR,
	NFT_K_CT_REPLY_IP6_DADDR, NFT_K_CT_REPLY_PROTO_SRC, NFT_K_CT_REPLY_PROTO_DST,
	NFT_K_ICMP_TYPE, NFT_K_ICMP_CODE, NFT_K_ICMP_CHECKSUM, NFT_K_ICMP_ID, NFT_K_ICMP_SEQUENCE,
	NFT_K_ICMP_MTU, NFT_K_ICMP_GATEWAY,
	NFT_K_ICMPV6_TYPE, NFT_K_ICMPV6_CODE, NFT_K_ICMPV6_CHECKSUM, NFT_K_ICMPV6_ID,
	NFT_K_ICMPV6_SEQUENCE, NFT_K_ICMPV6_MTU,
	NFT_K_FIB_DADDR_TYPE, NFT_K_FIB_SADDR_TYPE,
	NFT_K_FIB_DADDR_OIF, NFT_K_FIB_SADDR_OIF,
	/* numbers a rule computes (struct nft_gen): a match's or a map's only key */
	NFT_K_NUMGEN_INC, NFT_K_NUMGEN_RANDOM, NFT_K_JHASH,
	NFT_K_N
};

/* How a key's values are written (nft's datatypes). */
enum nft_dtype {
	NFT_DT_IPV4, NFT_DT_IPV6, NFT_DT_SERVICE, NFT_DT_PROTO, NFT_DT_INT, NFT_DT_MARK,
	NFT_DT_IFNAME, NFT_DT_CTSTATE, NFT_DT_CTSTATUS, NFT_DT_TCPFLAGS, NFT_DT_PKTTYPE,
	NFT_DT_NFPROTO, NFT_DT_ICMP, NFT_DT_ICMPV6, NFT_DT_FIBTYPE, NFT_DT_FIBOIF,
	NFT_DT_DSCP, NFT_DT_ECN, NFT_DT_ICMPCODE, NFT_DT_ICMPV6CODE, NFT_DT_ETHERADDR,
	NFT_DT_ETHERTYPE, NFT_DT_CLASSID, NFT_DT_IFTYPE, NFT_DT_UID, NFT_DT_GID, NFT_DT_CTDIR,
	NFT_DT_TIME,
	NFT_DT_VERDICT,	/* last: the others are a set's key types */
	NFT_DT_N
};

/* Where a payload key's header starts (the kernel's enum nft_payload_bases). */
enum nft_base { NFT_BASE_NONE, NFT_BASE_LL, NFT_BASE_NH, NFT_BASE_TH };

struct nft_keydesc {
	const char *proto, *field;	/* "ip", "saddr"; "meta", "l4proto" */
	uint8_t len;			/* bytes, network order */
	uint8_t dtype;			/* enum nft_dtype */
	const char *json_proto;		/* "payload" protocol, or the selector kind in JSON */
	/* A payload key (base not NONE): its field as nft's proto.c templates place it, at bit
	 * @boff of the header, @bits wide. A field that is not whole bytes (HDR_BITFIELD) is
	 * loaded shifted down and masked, right-aligned as nft writes its values. @dep is the
	 * protocol the field implies: NH the nfproto (2, 10), TH the l4proto (0 for th). */
	uint8_t base;			/* enum nft_base */
	uint8_t dep;
	uint16_t boff, bits;
};
extern const struct nft_keydesc nft_keys[NFT_K_N];

/* The datatype names of `type` in a set declaration. */
extern const char *const nft_dtype_names[NFT_DT_N];

struct nft_val {
	uint8_t b[NFT_VAL_MAX];
};

enum nft_verdict_code { NFT_V_NONE, NFT_V_ACCEPT, NFT_V_DROP, NFT_V_CONTINUE, NFT_V_RETURN,
			NFT_V_JUMP, NFT_V_GOTO };

struct nft_verdict {
	uint8_t code;			/* enum nft_verdict_code */
	int chain;			/* JUMP/GOTO: chain index once resolved */
	char *name;			/* JUMP/GOTO: as written, until resolved */
};

/* A limit's token bucket, as nft_limit.c keeps it. */
struct nft_limit {
	uint64_t rate, unit_s, burst;	/* as written: rate/unit, burst (packets or bytes) */
	bool bytes, invert;		/* "bytes" rate; "over" */
	uint64_t nsecs, tokens_max, cost;
	uint64_t tokens, last;
	bool started;
};

/* A set element: the interval [lo, hi] of key bytes (one value: lo == hi). */
struct nft_elem {
	struct nft_val lo, hi;
	struct nft_verdict v;		/* verdict maps */
	uint64_t expires;		/* ns; 0: never */
	uint64_t timeout;		/* as written: "timeout 10s"; 0 none */
	struct nft_limit *limit;	/* a dynamic set's per-element limit ("update @s { k limit
					 * rate ... }") */
	uint64_t pkts, bytes;		/* a per-element counter */
	bool counter;
};

struct nft_set {
	char *name;
	unsigned int table;
	bool anon;			/* { 22, 80 } in a rule */
	bool map, vmap;			/* type K : verdict */
	bool interval, timeout_flag, dynamic, constant;
	uint8_t nkeys;
	uint8_t keys[NFT_CONCAT_MAX];	/* the key's dtypes */
	uint8_t klen;
	int typeof_key[NFT_CONCAT_MAX];	/* `typeof` keys, -1 unless so declared */
	uint64_t timeout;		/* default element timeout, ns */
	uint32_t size;			/* 0: no limit */
	struct nft_elem *elems;
	unsigned int nelems, cap;
	unsigned int line, col;
};

/* numgen and jhash (nft_numgen.c, nft_hash.c): a number in [offset, offset + mod) from a
 * counter, the rule set's PRNG, or the Jenkins hash of keys. */
struct nft_gen {
	uint32_t mod, offset, seed;
	bool has_seed;			/* jhash: a seed written (printed); else one drawn */
	bool drawn;			/* the seed drawn from the rule set's PRNG, at first use */
	uint32_t counter;		/* numgen inc: the last value, mod - 1 at load */
	uint8_t nkeys;
	uint8_t keys[NFT_CONCAT_MAX];	/* jhash's input */
};

enum nft_op { NFT_OP_EQ, NFT_OP_NE, NFT_OP_LT, NFT_OP_GT, NFT_OP_LE, NFT_OP_GE,
	      NFT_OP_FLAGS,	/* bitmask types: (key & v) != 0, or == 0 when negated */
	      NFT_OP_MASK,	/* (key & mask) == v: prefixes and "flags & m == v" */
	      NFT_OP_RANGE,	/* v <= key <= hi */
	      NFT_OP_LOOKUP,	/* key in set */
	      NFT_OP_N };

/* A value written where a statement needs one: a constant or another key ("ct mark set meta
 * mark"). */
struct nft_src {
	int key;			/* -1: the constant */
	uint32_t value;
};

enum nft_stmt_kind {
	NFT_S_MATCH, NFT_S_VERDICT, NFT_S_VMAP, NFT_S_COUNTER, NFT_S_LIMIT, NFT_S_QUOTA, NFT_S_LOG,
	NFT_S_META_MARK_SET, NFT_S_CT_MARK_SET, NFT_S_NOTRACK, NFT_S_REJECT, NFT_S_SET_ADD,
	NFT_S_SET_UPDATE, NFT_S_CT_COUNT, NFT_S_NAT,
	NFT_S_META_PRIORITY_SET,	/* u.mark.value: the class id */
	NFT_S_NFTRACE_SET,		/* u.mark.value, printed only: rxsim does not trace */
};

enum nft_reject_kind { NFT_REJECT_DEFAULT, NFT_REJECT_ICMP, NFT_REJECT_ICMPX, NFT_REJECT_ICMPV6,
		       NFT_REJECT_TCP_RST };
enum nft_nat_kind { NFT_NAT_DNAT, NFT_NAT_SNAT, NFT_NAT_MASQ, NFT_NAT_REDIRECT };

struct nft_stmt {
	uint8_t kind;			/* enum nft_stmt_kind */
	unsigned int line, col;		/* where it starts in the text (0 for JSON) */
	union {
		struct {
			uint8_t nkeys;
			uint8_t keys[NFT_CONCAT_MAX];
			uint8_t klen;
			uint8_t op;	/* enum nft_op */
			bool neg;	/* != with FLAGS, MASK, RANGE, LOOKUP */
			struct nft_val v, hi;	/* hi: RANGE's upper end, MASK's mask */
			int set;	/* LOOKUP */
			struct nft_gen *gen;	/* keys[0] NUMGEN_*, JHASH; NULL otherwise */
		} m;
		struct nft_verdict verdict;
		struct {
			uint8_t nkeys;
			uint8_t keys[NFT_CONCAT_MAX];
			uint8_t klen;
			int set;
			struct nft_gen *gen;
		} vmap;
		struct {
			uint64_t pkts, bytes;
			unsigned int obj;	/* a named counter's (counter name X): its
						 * index in the ruleset's counters + 1; 0: the
						 * rule's own */
		} counter;
		struct nft_limit limit;
		struct {
			uint64_t bytes, used;
			bool invert;	/* "over" */
		} quota;
		struct {
			char *prefix;
			uint8_t level;	/* syslog level; 4 (warn) by default */
			bool has_level;
		} log;
		struct nft_src mark;	/* META_MARK_SET, CT_MARK_SET, META_PRIORITY_SET,
					 * NFTRACE_SET */
		struct {
			uint8_t kind;	/* enum nft_reject_kind */
			uint8_t code;	/* ICMP/ICMPX/ICMPV6: the type's code as nft writes it */
		} reject;
		struct {
			uint8_t nkeys;
			uint8_t keys[NFT_CONCAT_MAX];
			uint8_t klen;
			int set;
			uint64_t timeout;	/* 0: the set's */
			struct nft_limit *limit;	/* template for new elements */
			bool counter;
		} dyn;
		struct {
			uint32_t count;
			bool invert;	/* "over" */
			struct nf_ct_count_list list;
		} ctcount;
		struct {
			uint8_t kind;	/* enum nft_nat_kind */
			char *to;	/* as written after "to" */
			struct nf_nat_range range;
		} nat;
	} u;
};

struct nft_rule {
	unsigned int chain;
	unsigned int line, col;
	struct nft_stmt *stmts;
	unsigned int nstmts;
	char *text;			/* the rule as nft prints it, counter values aside */
	char *comment;
	uint64_t hits, hit_bytes;	/* packets that reached the rule's end or its verdict */
	/* The dependency nft puts first in an inet rule that rejects with an icmp (2) or
	 * icmpv6 (10) type: `meta nfproto ipv4|ipv6`; 0: none. */
	uint8_t nfproto;
};

struct nft_chain {
	char *name;
	unsigned int table;
	bool base;
	uint8_t type;			/* enum nft_chain_type */
	int hook;			/* enum rxs_nf_hook or NFT_HOOK_INGRESS; -1 regular */
	int prio;
	char *prio_text;		/* "filter", "dstnat + 10", or the number */
	char *dev;			/* netdev: the device */
	uint8_t policy;			/* NFT_V_ACCEPT or NFT_V_DROP */
	unsigned int *rules;
	unsigned int nrules, cap;
	uint64_t policy_pkts, policy_bytes;
	unsigned int line, col;
};

struct nft_table {
	char *name;
	uint8_t family;			/* enum nft_family */
};

/* A named counter of a table (`counter NAME { }`), which rules count into with `counter name
 * NAME`. */
struct nft_counter_obj {
	char *name;
	unsigned int table;
	uint64_t pkts, bytes;
};

/* One base chain registered at a hook, in the hook's priority order. */
struct nft_hook_entry {
	int prio;
	unsigned int chain;
};

struct nft_ruleset {
	struct nft_table *tables;
	unsigned int ntables, tables_cap;
	struct nft_chain *chains;
	unsigned int nchains, chains_cap;
	struct nft_rule *rules;
	unsigned int nrules, rules_cap;
	struct nft_set *sets;
	unsigned int nsets, sets_cap;
	struct nft_counter_obj *counters;
	unsigned int ncounters, counters_cap;
	/* Base chains per hook, sorted by priority (registration order on ties). */
	struct nft_hook_entry *hooks[NFT_NHOOKS];
	unsigned int nhooks[NFT_NHOOKS];
	bool uses_ct;			/* some rule reads or sets conntrack state */
	bool has_nat;
	uint64_t log_packets;
};

/* ---- building (shared by the two readers) ---- */

/* A reader's error state: the first error, as "name:line:col: message". */
struct nft_err {
	const char *name;
	char *buf;
	size_t len;
	int rc;
};
int rxs__nft_fail(struct nft_err *e, unsigned int line, unsigned int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

struct nft_ruleset *rxs__nft_new(void);
void rxs__nft_free(struct nft_ruleset *n);
int rxs__nft_add_table(struct nft_ruleset *n, uint8_t family, const char *name);
int rxs__nft_find_table(const struct nft_ruleset *n, uint8_t family, const char *name);
/* The named counter @name of @table: its index, or -1. Add one: its index, or -ENOMEM. */
int rxs__nft_find_counter(const struct nft_ruleset *n, unsigned int table, const char *name);
int rxs__nft_add_counter(struct nft_ruleset *n, unsigned int table, const char *name,
			 uint64_t pkts, uint64_t bytes);
int rxs__nft_add_chain(struct nft_ruleset *n, unsigned int table, const char *name);
int rxs__nft_find_chain(const struct nft_ruleset *n, unsigned int table, const char *name);
int rxs__nft_add_set(struct nft_ruleset *n, unsigned int table, const char *name);
int rxs__nft_find_set(const struct nft_ruleset *n, unsigned int table, const char *name);
int rxs__nft_set_add_elem(struct nft_set *s, const struct nft_elem *el);
/* Take every element out of @s (flush set). */
void rxs__nft_set_flush(struct nft_set *s);
/* Append an empty rule to chain @chain; its index. */
int rxs__nft_add_rule(struct nft_ruleset *n, unsigned int chain);
struct nft_stmt *rxs__nft_rule_push(struct nft_rule *r);
/* What to take out of a rule set being built: per table, chain, set, named counter and
 * rule, whether it goes (NULL: none of that kind). */
struct nft_gone {
	bool *tables, *chains, *sets, *counters, *rules;
};
int rxs__nft_drop(struct nft_ruleset *n, const struct nft_gone *g);
/* What a script's flush or delete takes out: the rules of table @t (every table: -1) or of
 * chain @c alone (-1: all); with @whole, the table itself and all it holds; or, with
 * @chain_only >= 0, that chain alone. 0 or -ENOMEM. */
int rxs__nft_remove(struct nft_ruleset *n, int t, int c, bool whole, int chain_only);
/* Whether a rule of table @t jumps or goes to chain @name (nf_tables: EBUSY on delete). */
bool rxs__nft_chain_in_use(const struct nft_ruleset *n, unsigned int t, const char *name);
/* After reading: resolve jumps, check loops and hooks, build the hooks' lists, print each
 * rule's text. 0 or RXS_ERULE with the message in @e. */
int rxs__nft_finish(struct nft_ruleset *n, struct nft_err *e);

/* Names shared by the readers and the printer. */
extern const char *const nft_family_names[NFT_FAM_N];
extern const char *const nft_hook_names[NFT_NHOOKS];
extern const char *const nft_chain_type_names[3];
int rxs__nft_lookup(const char *word, const char *const *names, size_t n);
/* A named priority ("filter", "dstnat") in @family at @hook: 0 and *@prio, or -ENOENT. */
int rxs__nft_named_prio(const char *name, uint8_t family, int hook, int *prio);
/* Parse one value of datatype @dt from @s into @out (network order, @len bytes), with a
 * prefix length or range end when @s has one: *@hi set to the interval's top. 0, or -EINVAL. */
int rxs__nft_parse_value(uint8_t dt, const char *s, uint8_t len, struct nft_val *lo,
			 struct nft_val *hi);
/* The fib key of flags @flags (saddr or daddr, with mark, iif, oif ignored) and result
 * @result ("type", "oif", "oifname"); -1 when unsupported. */
int rxs__nft_fib_key(const char *const *flags, unsigned int nflags, const char *result);
/* Check a generator's numbers as nft_ng_*_init() and nft_jhash_init() do, and set its
 * counter; NULL, or why it is refused. */
const char *rxs__nft_gen_init(struct nft_gen *g, int kind);
/* Whether jhash can hash key @k: a key the kernel holds in network order in its registers
 * (header fields, addresses, ports, names, one-byte values). */
bool rxs__nft_jhash_key_ok(int k);
/* Whether key @k is a payload field that is not whole bytes ("ip dscp"). */
static inline bool rxs__nft_bitfield(int k)
{
	return nft_keys[k].base != NFT_BASE_NONE && (nft_keys[k].boff % 8 || nft_keys[k].bits % 8);
}
/* The ct key of direction @dir ("original", "reply") and @field ("ip saddr", "proto-src") in
 * a table of @family, where "saddr" and "daddr" are of the family's IP version; -1 when
 * there is none. */
int rxs__nft_ct_dir_key(uint8_t family, const char *dir, const char *field);
/* The key of proto @proto and field @field ("ip", "saddr"); -1 when unknown. */
int rxs__nft_find_key(const char *proto, const char *field);
/* Symbolic names of a datatype's values (ct states, ICMP types...), for both readers. */
struct nft_sym {
	const char *name;
	uint32_t value;
};
const struct nft_sym *rxs__nft_syms(uint8_t dt, size_t *n);
/* ICMP reject codes by name, per kind (icmp, icmpx, icmpv6). */
int rxs__nft_reject_code(uint8_t kind, const char *name, uint8_t *code);
const char *rxs__nft_reject_name(uint8_t kind, uint8_t code);
/* "10s", "1m", "2h30m" into ns. */
int rxs__nft_parse_time(const char *s, uint64_t *ns);
/* Fill a limit's derived fields as nft_limit_init() does. 0 or -EINVAL (rate 0, overflow). */
int rxs__nft_limit_init(struct nft_limit *l);

/* The readers: 0, or RXS_ERULE/-ENOMEM with "name:line:col: message" in @err. */
int rxs__nft_parse_text(struct nft_ruleset *n, const char *text, const char *name,
			unsigned int first_line, unsigned int indent, char *err, size_t errlen);
int rxs__nft_parse_json(struct nft_ruleset *n, const char *text, const char *name, char *err,
			size_t errlen);

/* nft_eval.c: run base chain @base for the packet of @x: RXS_NF_ACCEPT or RXS_NF_DROP. */
enum rxs_nf_verdict rxs__nft_do_chain(struct nf_hook_ctx *x, unsigned int base);
/* The netdev ingress chains of device @x->in, in priority order, until one drops. */
enum rxs_nf_verdict rxs__nft_ingress(struct nf_hook_ctx *x);

/* ---- printing (nft_print.c) ---- */
/* The whole rule set as `nft list ruleset` prints it, with the counters' values. */
int rxs__nft_print(const struct nft_ruleset *n, FILE *out);
/* The rule's statements as `nft list ruleset` prints them, counters as "counter" alone when
 * @values is false. Allocated; NULL when out of memory. */
char *rxs__nft_rule_text(const struct nft_ruleset *n, const struct nft_rule *r, bool values);

#endif /* RXSIM_NFT_INT_H */
