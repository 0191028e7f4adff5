/* netfilter_int.h - the rule set and connection table shared by the netfilter files.
 *
 * A rule set keeps its rules in one array in the order of the text (what rxs_ruleset_rule lists),
 * and each chain keeps the indices of its rules in chain order. Rules name chains by index;
 * jump targets are resolved when the table's COMMIT is read, so a rule may name a chain
 * declared after it, as iptables-restore allows.
 */
#ifndef RXSIM_NETFILTER_INT_H
#define RXSIM_NETFILTER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "rxsim/netfilter.h"
#include "rxsim/skb.h"

struct rxs_netdev;

#define NF_IFNAMSIZ 16		/* IFNAMSIZ */
#define NF_MAX_MATCHES 8
#define NF_MULTIPORT_MAX 15	/* XT_MULTI_PORTS */

/* The iptables tables, then ip6tables' (a separate set in the kernel, at the IPv6 hooks; no
 * nat table: NAT is modelled for IPv4 alone). */
enum nf_table_id { NF_TABLE_RAW, NF_TABLE_MANGLE, NF_TABLE_FILTER, NF_TABLE_NAT,
		   NF_TABLE_RAW6, NF_TABLE_MANGLE6, NF_TABLE_FILTER6, NF_NTABLES };
#define NF_IS_TABLE6(t) ((t) >= NF_TABLE_RAW6)

enum nf_match_kind {
	NF_M_TCP,
	NF_M_UDP,
	NF_M_CONNTRACK,		/* -m conntrack --ctstate, or -m state --state */
	NF_M_MULTIPORT,
	NF_M_LIMIT,
	NF_M_LENGTH,
	NF_M_COMMENT,
	NF_M_MARK,		/* -m mark, and -m connmark (@ct set) */
	NF_M_ADDRTYPE,
	NF_M_STATISTIC,
	NF_M_PKTTYPE,
	NF_M_ICMP,
	NF_M_TTL,		/* -m ttl, and -m hl on IPv6 */
	NF_M_TCPMSS,
	NF_M_HASHLIMIT,
	NF_M_RECENT,
	NF_M_CONNLIMIT,
	NF_M_SET,
};

/* Conntrack states as xt_conntrack's state bits (XT_CONNTRACK_STATE_*). */
enum {
	NF_CTS_INVALID = 1 << 0,
	NF_CTS_ESTABLISHED = 1 << 1,
	NF_CTS_RELATED = 1 << 2,
	NF_CTS_NEW = 1 << 3,
	NF_CTS_UNTRACKED = 1 << 4,
	NF_CTS_SNAT = 1 << 5,	/* the entry's status has IPS_SRC_NAT */
	NF_CTS_DNAT = 1 << 6,	/* IPS_DST_NAT */
};

/* ct->status bits the matches read (the kernel's IPS_*_BIT numbering). */
enum { NF_IPS_SRC_NAT = 1 << 4, NF_IPS_DST_NAT = 1 << 5 };

enum { NF_STAT_RANDOM, NF_STAT_NTH };
enum { NF_TTL_EQ, NF_TTL_NE, NF_TTL_LT, NF_TTL_GT };	/* IPT_TTL_* */
/* xt_hashlimit's mode bits */
enum { NF_HL_SIP = 1, NF_HL_DIP = 2, NF_HL_SPT = 4, NF_HL_DPT = 8, NF_HL_INVERT = 16 };
/* xt_recent's check_set bits */
enum { NF_RC_CHECK = 1, NF_RC_SET = 2, NF_RC_UPDATE = 4, NF_RC_REMOVE = 8, NF_RC_TTL = 16,
       NF_RC_REAP = 32 };

/* The configuration of a hashlimit match (xt_hashlimit_mtinfo3's cfg); @table is its
 * named table in the rule set's state (xt.c), shared by the rules that name it. */
struct nf_hashlimit_cfg {
	uint64_t avg;			/* XT_HASHLIMIT_SCALE_v2 (10^6) units per packet */
	uint32_t burst, mode, srcmask, dstmask, size, max, gc_interval, expire;
	char name[256];
	int table;
};

/* Connection status bits, the kernel's (enum ip_conntrack_status), as nft's ct status reads
 * them. */
enum {
	IPS_EXPECTED = 1 << 0,
	IPS_SEEN_REPLY = 1 << 1,
	IPS_ASSURED = 1 << 2,
	IPS_CONFIRMED = 1 << 3,
	IPS_SRC_NAT = 1 << 4,
	IPS_DST_NAT = 1 << 5,
	IPS_NAT_MASK = IPS_SRC_NAT | IPS_DST_NAT,
	IPS_SRC_NAT_DONE = 1 << 7,
	IPS_DST_NAT_DONE = 1 << 8,
};

/* A NAT range (struct nf_nat_range2, host byte order): what DNAT, SNAT, MASQUERADE, REDIRECT
 * and nft's dnat/snat/masquerade/redirect statements carry. */
enum {
	NF_NAT_RANGE_MAP_IPS = 1 << 0,
	NF_NAT_RANGE_PROTO_SPECIFIED = 1 << 1,
	NF_NAT_RANGE_PROTO_RANDOM = 1 << 2,
	NF_NAT_RANGE_PERSISTENT = 1 << 3,
	NF_NAT_RANGE_PROTO_RANDOM_FULLY = 1 << 4,
};
struct nf_nat_range {
	uint32_t flags;
	uint32_t min_addr, max_addr;
	uint16_t min_proto, max_proto;	/* ports, or ICMP ids */
};
enum nf_nat_manip_type { NF_NAT_MANIP_SRC, NF_NAT_MANIP_DST };

enum { NF_MP_SOURCE, NF_MP_DESTINATION, NF_MP_EITHER };

struct nf_match {
	enum nf_match_kind kind;
	bool invert;			/* conntrack, multiport, length */
	bool set;			/* its main option was given */
	union {
		struct {
			uint16_t spts[2], dpts[2];
			uint8_t flg_mask, flg_cmp;
			bool inv_spt, inv_dpt, inv_flags;
		} l4;
		struct {
			unsigned int states;
			bool alias;		/* -m state: printed "state" */
		} ct;
		struct {
			uint8_t flags;		/* NF_MP_* */
			uint8_t count;
			uint16_t ports[NF_MULTIPORT_MAX];
			bool pflags[NF_MULTIPORT_MAX];	/* ports[i]:ports[i+1] is a range */
		} mp;
		struct {
			uint32_t avg, burst;		/* xt_rateinfo, as userspace fills it */
			uint32_t credit, credit_cap, cost;
			uint64_t prev;			/* jiffies of the last refill */
			bool started;
		} limit;
		struct {
			uint16_t min, max;
		} len;
		char *comment;
		struct {
			uint32_t mark, mask;
			bool ct;		/* connmark: the conntrack entry's mark */
		} mark;
		struct {
			uint16_t src, dst;	/* bit 1 << RTN_*: the types that match */
			bool inv_src, inv_dst, limit_in, limit_out;
		} addrtype;
		struct {
			uint8_t mode;		/* NF_STAT_* */
			uint32_t every, packet, count;	/* nth: every is N-1, as userspace stores it */
			uint32_t probability;	/* random: p * 2^31 */
		} stat;
		uint8_t pkttype;		/* RXS_PACKET_*: PACKET_HOST.. */
		struct {
			uint8_t type, code[2];	/* type 0xff: any */
			bool v6;		/* -m icmp6 --icmpv6-type */
		} icmp;
		struct {
			uint8_t mode, value;	/* NF_TTL_* */
			bool hl;		/* -m hl (IPv6 hop limit) */
		} ttl;
		struct {
			uint16_t min, max;
		} mss;
		struct nf_hashlimit_cfg *hl;
		struct {
			uint32_t seconds, hitcount, mask;
			uint8_t check_set;	/* NF_RC_* */
			bool rdest;
			char *name;
			int table;
		} recent;
		struct {
			uint32_t limit, mask;
			bool daddr;
			struct nf_conncount *cc;	/* the tuples counted (xt.c) */
		} connlimit;
		struct {
			char *name;
			int set;		/* index in the rule set's ipsets */
			uint8_t dim, flags;	/* flags bit i: dimension i is the destination */
			bool return_nomatch;
		} set;
	} u;
};

enum nf_target_kind {
	NF_T_NONE,		/* no -j: counters only */
	NF_T_ACCEPT,
	NF_T_DROP,
	NF_T_RETURN,
	NF_T_CHAIN,		/* -j or -g to a user chain */
	NF_T_REJECT,
	NF_T_LOG,
	NF_T_MARK,
	NF_T_CT,		/* CT --notrack, or NOTRACK */
	NF_T_CONNMARK,
	NF_T_NFLOG,
	NF_T_TRACE,
	NF_T_DNAT,		/* the nat table's targets (xt_nat.c, xt_MASQUERADE.c, */
	NF_T_SNAT,		/* xt_REDIRECT.c): they bind a new connection */
	NF_T_MASQUERADE,
	NF_T_REDIRECT,
};

enum { NF_CONNMARK_SET, NF_CONNMARK_SAVE, NF_CONNMARK_RESTORE };

struct nf_target {
	enum nf_target_kind kind;
	char *name;			/* as written after -j/-g, until resolved */
	unsigned int chain;		/* NF_T_CHAIN */
	bool is_goto;
	uint8_t reject_with;		/* index into nf_reject_types */
	uint8_t log_level, log_flags;
	char *log_prefix;
	uint32_t mark, mask;		/* MARK: skb->mark = (mark & ~mask) ^ xmark */
	bool notrack;			/* CT: --notrack (or NOTRACK) given */
	bool notrack_alias;		/* -j NOTRACK, printed "NOTRACK" */
	uint8_t connmark_mode;		/* NF_CONNMARK_*: SET uses mark, mask */
	uint32_t ctmask, nfmask;	/* CONNMARK --save-mark/--restore-mark */
	uint16_t nflog_group;
	char *nflog_prefix;
	struct nf_nat_range nat;	/* DNAT, SNAT, MASQUERADE, REDIRECT */
	bool nat_set;			/* --to-destination/--to-source/--to-ports given */
};

struct nf_rule {
	unsigned int table, chain;
	unsigned int line, col;		/* where text starts in the file */
	char *text;
	uint64_t pkts, bytes;
	uint32_t src, smsk, dst, dmsk;	/* host byte order, address already masked */
	/* An ip6tables rule: its addresses are these (the IPv4 ones stay 0/0, matching all, so
	 * an IPv4 rule's walk tests none of them) */
	bool v6, inv_src6, inv_dst6;
	uint8_t src6[16], smsk6[16], dst6[16], dmsk6[16];
	uint8_t proto;			/* 0: all */
	bool inv_src, inv_dst, inv_proto, inv_in, inv_out;
	char iniface[NF_IFNAMSIZ];	/* "" any; a trailing '+' is a wildcard */
	char outiface[NF_IFNAMSIZ];
	/* What of them a name must equal, and whether it may go on (a '+'): set with them */
	uint8_t inlen, outlen;
	bool in_wild, out_wild;
	struct nf_match m[NF_MAX_MATCHES];
	unsigned int nmatches;
	struct nf_target t;
};

struct nf_chain {
	char *name;
	unsigned int table;
	int hook;			/* built-in chain: its hook; user chain: -1 */
	enum rxs_nf_verdict policy;
	uint64_t pkts, bytes;
	unsigned int refs;
	unsigned int hooks;		/* bit mask of the hooks that can reach it */
	bool visiting;			/* on the load-time walk's path (loop check) */
	unsigned int *rules;
	unsigned int nrules, cap;
	/* Per protocol class (NF_PCLASS_*), the position of the first rule at or after each
	 * position whose -p can match that class: [class * (nrules + 1) + idx]. A walk jumps
	 * over the rest, which ip_match() would refuse before any match runs. NULL: none.
	 * When some rules are indexed by destination port (port_indexed()), 2 * nports rows
	 * follow, TCP's then UDP's, one for each port interval: row NF_PCLASS_N + class *
	 * nports + interval, for a packet with a whole TCP or UDP header whose destination
	 * port is in the interval (port_start[interval] up to the next interval's start). */
	unsigned int *next;
	uint16_t *port_start;		/* nports ascending interval starts, [0] = 0; or NULL */
	unsigned int nports;
};

/* Protocol classes of the per-protocol rule lists (struct nf_chain's next). */
enum { NF_PCLASS_TCP, NF_PCLASS_UDP, NF_PCLASS_ICMP, NF_PCLASS_OTHER, NF_PCLASS_N };

/* A REJECT --reject-with type: its name as iptables prints it. */
struct nf_reject_type {
	const char *name, *alias;
	uint8_t icmp_code;		/* type 3 code; tcp-reset: unused */
	bool tcp_reset;
};
extern const struct nf_reject_type nf_reject_types[];
extern const unsigned int nf_nreject_types;

extern const char *const nf_table_names[NF_NTABLES];
extern const char *const nf_hook_chain_names[RXS_NF_INET_NUMHOOKS];

/* The conntrack state of the packet between the hooks it crosses (the kernel keeps it in
 * skb->_nfct; rxsim's skb has no such field, and packets cross the hooks one at a time). */
enum nf_ctinfo { NF_CTINFO_NONE, NF_CTINFO_UNTRACKED, NF_CTINFO_NEW, NF_CTINFO_ESTABLISHED,
		 NF_CTINFO_RELATED };

/* A connection's tuple, host byte order (struct nf_conntrack_tuple). An IPv6 tuple (@v6) keeps
 * the last 32 bits of its addresses in @src and @dst and the first 96 in @src_hi and
 * @dst_hi, which are zero for IPv4: the IPv4 code reads @src and @dst alone. */
struct nf_tuple {
	uint32_t src, dst;
	uint16_t sport, dport;	/* ICMP: sport = id, dport = type << 8 | code */
	uint8_t proto;
	bool v6;
	uint32_t src_hi[3], dst_hi[3];
};

enum { NF_DIR_ORIG, NF_DIR_REPLY };

struct nf_ct_node {
	struct nf_ct_node *next;
	uint8_t dir;
};

/* A connection (struct nf_conn): hashed twice, by its original tuple and by its reply tuple,
 * which NAT alters before the entry is confirmed (nf_conntrack_alter_reply). */
struct nf_conn {
	struct nf_ct_node node[2];
	struct nf_tuple tuple[2];
	uint64_t expires, start;
	struct nf_conn *gc_next;
	uint32_t status;		/* IPS_* NAT bits (seen_reply, assured: below) */
	uint32_t mark;			/* ct mark */
	uint8_t tcp_state;
	bool seen_reply, assured, doomed;
};

struct nf_pkt {
	const struct rxs_sk_buff *skb;	/* identity of the packet this describes */
	uint64_t id;
	bool ct_done;			/* conntrack ran (or was skipped by NOTRACK) */
	enum nf_ctinfo info;
	struct nf_conn *ct;		/* confirmed entry the packet belongs to */
	uint8_t dir;			/* NF_DIR_*: the packet's direction in ct (or pending) */
	struct nf_conn *pending;	/* new entry, confirmed at the end of LOCAL_IN */
	struct nf_conn *held;		/* an ICMP error's offender's unconfirmed entry (ct),
					 * which the error now owns: freed with its state */
	bool trace;			/* skb->nf_trace: -j TRACE in the raw table */
};

/* Conntrack's counters: the /proc/net/stat/nf_conntrack columns that 6.18 still counts
 * (drops: "drop", early_drops: "early_drop", invalid, insert_failed, icmp_error), and
 * rxsim's own (inserted, the ctinfo of each packet). */
struct nf_ct_stats {
	uint64_t drops, early_drops, inserted, new_, established, related, invalid, untracked;
	uint64_t insert_failed, icmp_error;
	uint64_t icmp_unmatched;	/* ICMP errors quoting no connection: in invalid above,
					 * not in /proc's invalid column */
};

struct nf_ct_table {
	struct nf_ct_node **hash;	/* allocated with the first entry */
	uint32_t buckets;
	uint64_t count, max;
	uint64_t last_gc_ns;
	bool gc_done;
	struct nf_ct_stats st;
};

/* A packet's conntrack state set aside while a nested walk runs (rules.c). */
struct nf_pkt_save {
	struct nf_pkt pkt;
	struct nf_pkt_save *up;
};

/* Walks that may run one inside another: a walk, and the LOCAL_OUT walk of its REJECT's
 * ICMP error (whose own REJECT sends nothing: icmp_send() answers no ICMP error). */
#define NF_NEST_MAX 2

#define NF_NAT_MAX_LOOKUPS 8

struct nf_hook_ctx;

/* A -j's return point on the jump stack. */
struct nf_frame {
	unsigned int chain, idx;
};

struct nft_ruleset;

/* A hook's built-in stages, in priority order: an iptables table, the conntrack hook, or an
 * nftables base chain (rules.c builds the list when a rule set loads). */
#define NF_MAX_STAGES 16
enum { NF_STAGE_CONNTRACK = -1, NF_STAGE_NFT = -3, NF_STAGE_NAT = -4 };
struct nf_stage {
	int prio;
	int16_t kind;			/* enum nf_table_id, NF_STAGE_CONNTRACK, _NFT or _NAT */
	uint16_t chain;			/* NF_STAGE_NFT: the base chain */
};

struct rxs_ruleset {
	struct nft_ruleset *nft;	/* nftables tables (nft_int.h); NULL without */
	struct nf_stage stages[RXS_NF_INET_NUMHOOKS][NF_MAX_STAGES];
	uint8_t nstages[RXS_NF_INET_NUMHOOKS];
	/* The IPv6 hooks' stages (the kernel's hooks_ipv6): conntrack and the nftables base
	 * chains of families ip6 and inet. None: IPv6 passes no rule. */
	struct nf_stage stages6[RXS_NF_INET_NUMHOOKS][NF_MAX_STAGES];
	uint8_t nstages6[RXS_NF_INET_NUMHOOKS];
	bool ct6_enabled;		/* an ip6 or inet table, or ip6tables, needs conntrack */
	bool ct6_rules;			/* an ip6tables rule needs conntrack */
	struct nf_rule *rules;
	unsigned int nrules, rules_cap;
	struct nf_chain *chains;
	unsigned int nchains, chains_cap;
	bool loaded[NF_NTABLES];
	int builtin[NF_NTABLES][RXS_NF_INET_NUMHOOKS];	/* chain index, -1 if none */
	bool ct_enabled;		/* some rule needs conntrack (nf_ct_netns_get) */
	struct nf_ct_table ct;
	struct nf_pkt cur;
	/* nf_ct_attach(): the connection the next LOCAL_OUT walk of @skb (an ICMP error the
	 * host built) joins, RELATED in direction @dir; @held: the entry is an unconfirmed one
	 * the error takes over from its offender, which walks no more. */
	struct {
		const struct rxs_sk_buff *skb;
		uint64_t id;
		struct nf_conn *ct;
		uint8_t dir;
		bool held;
	} attach;
	/* NAT (nat.c): the rules a new connection consults at each hook, in priority order (the
	 * nat table's chains, nft nat chains), as nf_nat_register_fn() collects them; with any,
	 * the NAT hooks run at all four hooks, as nf_nat_ipv4_ops register together. */
	struct nf_nat_lookup {
		int prio;
		enum rxs_nf_verdict (*fn)(struct nf_hook_ctx *x, void *arg);
		void *arg;
	} nat_lookups[RXS_NF_INET_NUMHOOKS][NF_NAT_MAX_LOOKUPS];
	unsigned int nat_nlookups[RXS_NF_INET_NUMHOOKS];
	bool nat_enabled;
	uint64_t log_packets;
	uint64_t nflog_packets;		/* packets that hit an NFLOG rule */
	struct nf_xt *xt;		/* named tables of hashlimit, recent, ipsets (xt.c) */
	struct nf_nflog *nflog;		/* --nflog FILE (nflog.c), or NULL */
	uint64_t rand_state;		/* statistic --mode random: seeded by the run */
	struct nf_skipped *skipped;	/* rules skip mode left out, in file order */
	unsigned int nskipped;
	/* Jumps follow a path without repeats (loops are refused at load), so one walk never
	 * holds more frames than there are chains. The stack has room for NF_NEST_MAX walks,
	 * one inside another (a REJECT's answer walks LOCAL_OUT inside the walk that rejected);
	 * @frames is where the innermost walk's frames start. */
	struct nf_frame *stack;
	struct nf_frame *frames;
	/* The conntrack state of the packets whose walks a nested walk interrupted, innermost
	 * first (on the C stack of rules.c's send_reject()); NULL outside a nested walk. */
	struct nf_pkt_save *outer;
};

/* parse.c: the reader of iptables-save text; options.c parses one rule's options. */
#define NF_MAX_ARGS 128

struct nf_parser {
	struct rxs_ruleset *nf;
	const char *name;
	unsigned int line;		/* line of the file being read */
	unsigned int indent;		/* columns before the text's lines in the file */
	const char *quote;		/* the line, quoted in messages */
	unsigned int qcol;		/* file column (1-based) of quote[qskip] */
	unsigned int qskip;		/* leading bytes of quote that are not in the file */
	char qbuf[512];
	char *err;
	size_t errlen;
	int table;			/* open table, -1 between COMMIT and '*' */
	unsigned int table_line;
	unsigned int first_rule;	/* first rule of the open table */
	int rc;				/* first error */
	bool skip;			/* netfilter.unsupported=skip: list rules, do not fail */
	bool v6;			/* ip6tables-save text (netfilter6:) */
	bool skip_table;		/* inside a table rxsim does not have (skip mode) */
};

/* The hooks each table has built-in chains at (iptable_*.c valid_hooks). */
extern const unsigned int nf_table_hooks[NF_NTABLES];
/* Parse the line p->quote (at p->line, p->qcol) of iptables-save text. */
int rxs__nf_parse_line(struct nf_parser *p);
/* script.c: whether @text is a script of iptables (ip6tables) commands, and reading one. */
bool rxs__nf_is_script(const char *text, bool v6);
int rxs__nf_parse_script(struct nf_parser *p, const char *text, unsigned int first_line);

/* A rule left out in skip mode. */
struct nf_skipped {
	unsigned int line;
	char *text, *reason;
};

/* Format "name:line:col: quote: message" into the caller's buffer; the column is that of the
 * first word the message quotes ('...') where the line has it, else the line's first. Returns
 * RXS_ERULE, or -ENOMEM for "out of memory". Only the first error is kept. */
int rxs__nf_fail(struct nf_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int rxs__nf_find_chain(const struct rxs_ruleset *nf, unsigned int table, const char *name);
int rxs__nf_parse_counters(const char *s, uint64_t *pkts, uint64_t *bytes);
int rxs__nf_parse_rule(struct nf_parser *p, char **argv, unsigned int argc);

int rxs__nf_parse(struct rxs_ruleset *nf, const char *text, const char *name,
		  unsigned int first_line, unsigned int indent, bool skip, bool v6, char *err,
		  size_t errlen);
/* " (did you mean 'x'?)" for the name in @names nearest to @word, or "", in @buf. */
const char *rxs__nf_did_you_mean(const char *word, const char *const *names, size_t n, char *buf,
				 size_t len);
void rxs__nf_free_rules(struct rxs_ruleset *nf);
/* What a match holds beyond its struct (comment, tables' names, connlimit's list). */
void rxs__nf_match_free(struct nf_match *m);

/* rules.c: the packet facts the matches read. An IPv6 packet (@v6) has @ihl the length of
 * its header and the extension headers before the transport (ipv6_find_hdr), @proto that
 * transport protocol, and @saddr/@daddr the last 32 bits of its addresses (the whole ones are
 * at iph + 8 and iph + 24). */
struct nf_pktinfo {
	const uint8_t *iph;
	unsigned int ihl, tot_len;
	uint32_t saddr, daddr;
	bool v6;
	uint8_t proto;
	uint16_t fragoff;		/* in 8-byte units; non-zero: no L4 header here */
	bool frag;			/* MF or offset: a piece of a datagram */
	const uint8_t *l4;		/* NULL when absent or truncated */
	unsigned int l4len;
};
void rxs__nf_pktinfo(const struct rxs_sk_buff *skb, struct nf_pktinfo *pi);

/* One packet at one hook, as core.c's walk hands it to the rule tables. */
struct nf_hook_ctx {
	struct rxs_ruleset *nf;		/* NULL: no rule set */
	enum rxs_nf_hook hook;
	struct rxs_sk_buff *skb;
	const char *in;
	const char *out;		/* the output device at OUTPUT and POSTROUTING, or "" */
	const struct rxs_netdev *indev, *outdev;	/* NULL when unknown (tests) */
	uint64_t now_ns;
	struct nf_pktinfo pi;		/* read again after a user's function ran */
};

/* rules.c: the built-in stages (tables and conntrack) as entries of the hook's list.
 * Start @x's walk (its packet info, its conntrack state; @resume: a reinjected skb): false
 * when the tables do not apply (no rule set, not IPv4, no header). */
bool rxs__nf_tables_begin(struct nf_hook_ctx *x, bool resume);
/* Built-in stage @i of @nf at @hook in priority order: false past the last (and for NULL). */
bool rxs__nf_stage_prio(const struct rxs_ruleset *nf, enum rxs_nf_hook hook, unsigned int i,
			int *prio);
/* (Re)build @nf's stage lists after its tables changed. 0, or -ENOSPC: more than
 * NF_MAX_STAGES at a hook. */
int rxs__nf_build_stages(struct rxs_ruleset *nf);
/* Whether a walk of @hook does anything with @nf's tables (false for NULL): a stage of
 * either family runs there, or conntrack confirms there (LOCAL_IN, POST_ROUTING) what a
 * stage of an earlier hook began. */
bool rxs__nf_hook_staged(const struct rxs_ruleset *nf, enum rxs_nf_hook hook);
/* Run built-in stage @i. Never frees the skb: on DROP the walk ends and frees it. */
enum rxs_nf_verdict rxs__nf_stage_run(struct nf_hook_ctx *x, unsigned int i);
/* Run stages @i.. to the last, or to the first that does not accept (DROP), in one call:
 * the walk of a hook where no user function registered (most hooks). */
enum rxs_nf_verdict rxs__nf_stages_run(struct nf_hook_ctx *x, unsigned int i);

/* conntrack.c */
int rxs__nf_ct_init(struct rxs_ruleset *nf);
void rxs__nf_ct_destroy(struct rxs_ruleset *nf);
/* nf_conntrack_in(): classify the packet, allocate a pending entry for a new flow.
 * Returns false when the table is full (the packet must be dropped). */
/* A TCP, UDP or ICMP packet with a wrong checksum at PREROUTING: no entry (INVALID). */
bool rxs__nf_ct_csum_error(struct rxs_ruleset *nf, const struct nf_pktinfo *pi,
			   const struct rxs_sk_buff *skb);
bool rxs__nf_ct_in(struct rxs_ruleset *nf, const struct nf_pktinfo *pi, uint64_t now_ns,
		   bool local_out);
/* __nf_conntrack_confirm(): insert the packet's pending entry. false: its tuple is taken
 * (insert_failed; the entry is freed and the packet must be dropped). */
bool rxs__nf_ct_confirm(struct rxs_ruleset *nf);
/* nf_conntrack_attach(): @nskb, an ICMP error about @skb, joins @skb's connection. */
void rxs__nf_ct_join(struct rxs_ruleset *nf, const struct rxs_sk_buff *nskb,
		       const struct rxs_sk_buff *skb);
/* A new packet's state at its first hook: the attached connection if @skb is the error it
 * was attached for (ctinfo RELATED, conntrack done); any other attachment is dropped. */
void rxs__nf_ct_adopt(struct rxs_ruleset *nf, const struct rxs_sk_buff *skb);
/* Forget the packet state, freeing an unconfirmed entry (the packet was dropped). */
void rxs__nf_pkt_reset(struct rxs_ruleset *nf);
/* The xt_conntrack state bit of the current packet. */
unsigned int rxs__nf_ct_statebit(const struct rxs_ruleset *nf);
/* What nft's ct expressions read and set of the current packet's connection (nft_ct.c):
 * false when the packet has none (the rule breaks). Status bits are IPS_*. */
bool rxs__nf_ct_status(const struct rxs_ruleset *nf, uint32_t *status);
bool rxs__nf_ct_mark(const struct rxs_ruleset *nf, uint32_t *mark);
/* The connection itself, for nft's keys of its tuples, protocol and timeout, and the
 * packet's direction in it (NF_DIR_*, CTINFO2DIR); NULL when the packet has none. */
const struct nf_conn *rxs__nf_ct_get(const struct rxs_ruleset *nf, uint8_t *dir);
void rxs__nf_ct_set_mark(struct rxs_ruleset *nf, uint32_t mark);
/* NOTRACK, -j CT --notrack and nft's notrack: the packet is untracked, unless conntrack
 * already ran for it. */
void rxs__nf_ct_notrack(struct rxs_ruleset *nf);
/* nf_conncount: the connections of a `ct count` statement, as their original tuples. */
struct nf_ct_count_list {
	uint8_t (*keys)[16];
	unsigned int n, cap;
};
/* Add the current packet's connection to @l (if new), forget those that left the table, and
 * give the count in *@count. false: the packet has no connection. */
bool rxs__nf_ct_count(struct rxs_ruleset *nf, struct nf_ct_count_list *l, uint64_t now_ns,
		      unsigned int *count);

/* End the walk with @verdict: DROP forgets the packet's state; ACCEPT at INPUT or
 * POSTROUTING confirms its conntrack entry, which fails (DROP: __nf_conntrack_confirm's
 * NF_DROP) when NAT gave it a tuple another entry holds. Inline: every hook with rules ends
 * here. Returns the verdict the packet leaves with. */
static inline enum rxs_nf_verdict rxs__nf_hook_end(rxs_ruleset_t *nf, enum rxs_nf_hook hook,
						   enum rxs_nf_verdict verdict)
{
	if (verdict != RXS_NF_ACCEPT)
		rxs__nf_pkt_reset(nf);
	else if ((hook == RXS_NF_INET_LOCAL_IN || hook == RXS_NF_INET_POST_ROUTING) &&
		 !rxs__nf_ct_confirm(nf))
		return RXS_NF_DROP;
	return verdict;
}

/* rules.c: REJECT's answer to the packet of @x (a TCP RST, or an ICMP error of @icmp_code;
 * for IPv6 an ICMPv6 destination unreachable of that code), its LOCAL_OUT walk nested inside
 * the walk of @x. */
struct nf_hook_ctx;
void rxs__nf_reject(const struct nf_hook_ctx *x, bool tcp_reset, uint8_t icmp_code);

/* The current packet's connection: its confirmed entry or the new one (NULL: none, or
 * untracked). */
struct nf_conn *rxs__nf_ct_cur(const struct rxs_ruleset *nf);
/* nf_conntrack_tuple_taken(): a confirmed connection other than @ignored uses @t (either
 * direction). */
bool rxs__nf_ct_tuple_taken(struct rxs_ruleset *nf, const struct nf_tuple *t,
			    const struct nf_conn *ignored, uint64_t now_ns);
/* nf_ct_invert_tuple(). false: an ICMP type without a reply. */
bool rxs__nf_ct_invert(const struct nf_tuple *t, struct nf_tuple *r);

/* nat.c: the NAT core (nf_nat_core.c), for the nat table and nftables' nat statements.
 * Register @fn as the rules a new connection consults at @hook (nf_nat_register_fn()): the
 * nat table's chain there, or an nft chain of type nat at its priority. 0 or -ENOSPC. */
int rxs__nf_nat_register_lookup(struct rxs_ruleset *nf, enum rxs_nf_hook hook, int prio,
				enum rxs_nf_verdict (*fn)(struct nf_hook_ctx *x, void *arg),
				void *arg);
/* nf_nat_inet_fn(): the NAT hook at @x->hook (a stage at NF_IP_PRI_NAT_DST -100 at PREROUTING
 * and OUTPUT, NF_IP_PRI_NAT_SRC 100 at INPUT and POSTROUTING): a new connection without a
 * binding of this hook's kind runs the registered lookups until one binds it, else gets a
 * null binding; then the packet is translated (nf_nat_packet) as the binding says. */
enum rxs_nf_verdict rxs__nf_nat_hook(struct nf_hook_ctx *x);
/* nf_nat_setup_info(): bind the packet's new connection to a tuple in @range for @mt
 * (get_unique_tuple: the original if it is in range and free, else the first free port from
 * the range's start). NF_ACCEPT, or NF_DROP without a connection to bind. What the targets
 * and nft statements call: */
enum rxs_nf_verdict rxs__nf_nat_setup(struct nf_hook_ctx *x, const struct nf_nat_range *range,
				      enum nf_nat_manip_type mt);
/* DNAT/dnat to (xt_DNAT: DST at PREROUTING and OUTPUT), SNAT/snat to (SRC at POSTROUTING and
 * INPUT), MASQUERADE/masquerade (SRC to the output device's address, at POSTROUTING),
 * REDIRECT/redirect (DST to the input device's first address, 127.0.0.1 at OUTPUT; @range's
 * ports only). Each returns the verdict the rule gives (ACCEPT once bound, DROP if it cannot). */
enum rxs_nf_verdict rxs__nf_nat_masquerade(struct nf_hook_ctx *x, const struct nf_nat_range *range);
enum rxs_nf_verdict rxs__nf_nat_redirect(struct nf_hook_ctx *x, const struct nf_nat_range *range);
/* Parse "A[-B][:p[-q]]" (DNAT --to-destination, SNAT --to-source) or "p[-q]" (@ports_only:
 * --to-ports) into @r. false: malformed. */
bool rxs__nf_nat_parse_range(const char *s, bool ports_only, struct nf_nat_range *r);
/* Print @r as iptables -L does after "to:" (A[-B][:p[-q]]), into @buf. */
void rxs__nf_nat_format_range(const struct nf_nat_range *r, bool ports_only, char *buf, size_t len);

/* print.c helpers shared with rxs_ruleset_rule(): the target column of a rule. */
const char *rxs__nf_target_name(const struct rxs_ruleset *nf, const struct nf_rule *r);

/* xt.c: the state of the matches that keep it by name (hashlimit and recent tables, ipsets)
 * and the random source of statistic. */
int rxs__nf_xt_init(struct rxs_ruleset *nf);
void rxs__nf_xt_destroy(struct rxs_ruleset *nf);
/* The table named @cfg->name, created with @cfg on first use (htable_find_get): its index,
 * or -ENOMEM. */
int rxs__nf_hashlimit_table(struct rxs_ruleset *nf, const struct nf_hashlimit_cfg *cfg);
int rxs__nf_recent_table(struct rxs_ruleset *nf, const char *name);
/* hashlimit_mt(): 1 match, 0 no match, -1 hotdrop. */
int rxs__nf_hashlimit_match(struct rxs_ruleset *nf, const struct nf_hashlimit_cfg *cfg,
			    const struct nf_pktinfo *pi, unsigned int hz, uint64_t jiffies);
/* recent_mt(): 1 match, 0 no match, -1 hotdrop. */
int rxs__nf_recent_match(struct rxs_ruleset *nf, const struct nf_match *m,
			 const struct nf_pktinfo *pi, unsigned int hz, uint64_t jiffies);
struct nf_ct_key;
/* nf_conncount_count(): connections with key @key, the packet's own (@k) included. */
unsigned int rxs__nf_conncount(struct rxs_ruleset *nf, struct nf_match *m,
			       const struct nf_ct_key *k, uint32_t key, uint64_t now_ns);
void rxs__nf_conncount_free(struct nf_conncount *cc);
/* The next 32 random bits of the rule set's generator (get_random_u32). */
uint32_t rxs__nf_random(struct rxs_ruleset *nf);
/* ipsets: parse `ipset save` text; find a set by name (its index, or -1); test a packet. */
int rxs__nf_ipset_load(struct rxs_ruleset *nf, const char *text, const char *name,
		       unsigned int first_line, char *err, size_t errlen);
int rxs__nf_ipset_find(const struct rxs_ruleset *nf, const char *name, unsigned int *dim);
bool rxs__nf_ipset_test(const struct rxs_ruleset *nf, int set, const struct nf_pktinfo *pi,
			uint8_t dim, uint8_t flags);

/* nflog.c: NFLOG rule @r's packet into the --nflog pcap, if one is open. */
struct nf_nflog;
void rxs__nf_nflog_write(struct rxs_ruleset *nf, const struct nf_rule *r,
			 const struct nf_hook_ctx *x);
void rxs__nf_nflog_close(struct nf_nflog *l);

/* conntrack.c: what connlimit reads of the packet's entry and of the table. */
/* A connection's original tuple, as nf_conncount keeps it. */
struct nf_ct_key {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint8_t proto;
};
/* The original tuple of the packet's connection (or of the packet, without one): false when
 * the header is cut short. */
bool rxs__nf_ct_key(const struct rxs_ruleset *nf, const struct nf_pktinfo *pi,
		    struct nf_ct_key *k);
/* nf_conncount's find_or_evict(): 1 the connection is in the table (or is the packet's new
 * one), 0 it is but closed (TCP CLOSE), -1 it is gone. */
int rxs__nf_ct_alive(struct rxs_ruleset *nf, const struct nf_ct_key *k, uint64_t now_ns);

/* The host calls these (declared for it here; host.h may repeat them). */
/* The host answered @skb's flow (a SYN-ACK to a SYN): the entry has seen its reply, so later
 * packets of the flow are ESTABLISHED. No-op without an entry. */
void rxs__nf_ct_seen_reply(rxs_ruleset_t *nf, const struct rxs_sk_buff *skb);

#endif /* RXSIM_NETFILTER_INT_H */
