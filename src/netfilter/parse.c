/* parse.c - iptables-save text: tables, chains, COMMIT, and the checks done at load time.
 *
 * The grammar is iptables-restore's: "*table", ":CHAIN POLICY [pkts:bytes]", "[pkts:bytes] -A
 * CHAIN options...", "COMMIT", "#" comments and blank lines. A table's rules take effect at its
 * COMMIT, which is when jump targets are resolved and the kernel's load-time checks run
 * (translate_table: chain loops, the hooks a target may be used from). Options of a rule are
 * parsed in options.c. Every error names the line and quotes it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "netfilter/netfilter_int.h"
#include "rxsim/error.h"

const char *const nf_table_names[NF_NTABLES] = { "raw", "mangle", "filter", "nat",
						 "raw", "mangle", "filter" };
const char *const nf_hook_chain_names[RXS_NF_INET_NUMHOOKS] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
};

/* The built-in chains of each table (the hooks it registers at, iptable_*.c valid_hooks). */
const unsigned int nf_table_hooks[NF_NTABLES] = {
	[NF_TABLE_RAW] = 1u << RXS_NF_INET_PRE_ROUTING | 1u << RXS_NF_INET_LOCAL_OUT,
	[NF_TABLE_MANGLE] = (1u << RXS_NF_INET_NUMHOOKS) - 1,
	[NF_TABLE_FILTER] = 1u << RXS_NF_INET_LOCAL_IN | 1u << RXS_NF_INET_FORWARD |
			    1u << RXS_NF_INET_LOCAL_OUT,
	[NF_TABLE_NAT] = 1u << RXS_NF_INET_PRE_ROUTING | 1u << RXS_NF_INET_LOCAL_IN |
			 1u << RXS_NF_INET_LOCAL_OUT | 1u << RXS_NF_INET_POST_ROUTING,
	/* ip6table_raw, ip6table_mangle, ip6table_filter: the same hooks */
	[NF_TABLE_RAW6] = 1u << RXS_NF_INET_PRE_ROUTING | 1u << RXS_NF_INET_LOCAL_OUT,
	[NF_TABLE_MANGLE6] = (1u << RXS_NF_INET_NUMHOOKS) - 1,
	[NF_TABLE_FILTER6] = 1u << RXS_NF_INET_LOCAL_IN | 1u << RXS_NF_INET_FORWARD |
			     1u << RXS_NF_INET_LOCAL_OUT,
};

const char *rxs__nf_did_you_mean(const char *word, const char *const *names, size_t n, char *buf,
				 size_t len)
{
	const char *near = NULL;
	size_t best = SIZE_MAX;

	/* Options share their dashes and are short: compare the names without them, and ask
	 * for two thirds of a name to match ("--foo" is not "--goto"; "--dprot" is "--dport"). */
	word += strspn(word, "-");
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i] + strspn(names[i], "-");
		size_t d = rxs__edit_distance(word, name);

		if (d < best && d * 3 <= strlen(name)) {
			near = names[i];
			best = d;
		}
	}
	if (!near)
		return "";
	snprintf(buf, len, " (did you mean '%s'?)", near);
	return buf;
}

/* The file column of the first word @msg quotes, found as a whole word of the quoted line
 * past its synthetic prefix; the line's own first column when it is not there. */
static unsigned int error_column(const struct nf_parser *p, const char *msg)
{
	const char *open = strchr(msg, '\''), *close = open ? strchr(open + 1, '\'') : NULL;
	size_t wlen = close ? (size_t)(close - open - 1) : 0;
	const char *q = p->quote;

	if (!wlen)
		return p->qcol;
	for (const char *s = q; *s; s++) {
		if (strncmp(s, open + 1, wlen))
			continue;
		if ((s == q || strchr(" \t\"!,=", s[-1])) && strchr(" \t\",", s[wlen]) &&
		    (size_t)(s - q) >= p->qskip)
			return p->qcol + (unsigned int)(s - q - p->qskip);
	}
	return p->qcol;
}

int rxs__nf_fail(struct nf_parser *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (p->rc)
		return p->rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->errlen) {
		if (p->quote && *p->quote)
			snprintf(p->err, p->errlen, "%s:%u:%u: %s: %s", p->name, p->line,
				 error_column(p, msg), p->quote, msg);
		else
			snprintf(p->err, p->errlen, "%s:%u: %s", p->name, p->line, msg);
	}
	p->rc = strcmp(msg, "out of memory") ? RXS_ERULE : -ENOMEM;
	return p->rc;
}

int rxs__nf_find_chain(const struct rxs_ruleset *nf, unsigned int table, const char *name)
{
	for (unsigned int i = 0; i < nf->nchains; i++)
		if (nf->chains[i].table == table && !strcmp(nf->chains[i].name, name))
			return (int)i;
	return -1;
}

static int add_chain(struct nf_parser *p, const char *name, int hook)
{
	struct rxs_ruleset *nf = p->nf;
	struct nf_chain *c;

	if (nf->nchains == nf->chains_cap) {
		unsigned int cap = nf->chains_cap ? 2 * nf->chains_cap : 8;
		struct nf_chain *n = rxs__realloc(nf->chains, cap * sizeof(*n));

		if (!n)
			return rxs__nf_fail(p, "out of memory");
		nf->chains = n;
		nf->chains_cap = cap;
	}
	c = &nf->chains[nf->nchains];
	memset(c, 0, sizeof(*c));
	c->name = rxs__strdup(name);
	if (!c->name)
		return rxs__nf_fail(p, "out of memory");
	c->table = (unsigned int)p->table;
	c->hook = hook;
	c->policy = RXS_NF_ACCEPT;
	if (hook >= 0)
		nf->builtin[p->table][hook] = (int)nf->nchains;
	nf->nchains++;
	return 0;
}

/* "[12:3400]" into @pkts/@bytes. */
int rxs__nf_parse_counters(const char *s, uint64_t *pkts, uint64_t *bytes)
{
	unsigned long long a, b;
	int n = 0;

	if (sscanf(s, "[%llu:%llu]%n", &a, &b, &n) != 2 || s[n] != '\0')
		return -EINVAL;
	*pkts = a;
	*bytes = b;
	return 0;
}

static int open_table(struct nf_parser *p, const char *name)
{
	int t = -1;

	if (p->table >= 0)
		return rxs__nf_fail(p, "table %s has no COMMIT before this line",
				    nf_table_names[p->table]);
	for (unsigned int i = p->v6 ? NF_TABLE_RAW6 : 0; i < (p->v6 ? NF_NTABLES : NF_TABLE_RAW6);
	     i++)
		if (!strcmp(name, nf_table_names[i]))
			t = (int)i;
	if (t < 0 && p->v6 && !strcmp(name, "nat"))
		return rxs__nf_fail(p, "ip6tables table 'nat' is not supported (NAT is modelled "
				    "for IPv4 only)");
	if (t < 0)
		return rxs__nf_fail(p, "unsupported table '%s' (rxsim has raw, mangle, filter%s)",
				    name, p->v6 ? " for ip6tables" : ", nat");
	if (p->nf->loaded[t])
		return rxs__nf_fail(p, "table %s appears twice", name);
	p->table = t;
	p->table_line = p->line;
	p->nf->loaded[t] = true;
	for (int hook = 0; hook < RXS_NF_INET_NUMHOOKS; hook++)
		if (nf_table_hooks[t] >> hook & 1 && add_chain(p, nf_hook_chain_names[hook], hook))
			return p->rc;
	return 0;
}

/* ":NAME POLICY [p:b]" */
static int declare_chain(struct nf_parser *p, char **argv, unsigned int argc)
{
	const char *name = argv[0] + 1;
	int c;

	if (argc < 2 || argc > 3 || !*name)
		return rxs__nf_fail(p, "expected ':CHAIN POLICY [packets:bytes]'");
	c = rxs__nf_find_chain(p->nf, (unsigned int)p->table, name);
	if (c >= 0 && p->nf->chains[c].hook < 0)
		return rxs__nf_fail(p, "chain %s is declared twice", name);
	if (c < 0) {
		if (strcmp(argv[1], "-"))
			return rxs__nf_fail(p, "%s is not a built-in chain of table %s: its policy "
					    "must be '-'", name, nf_table_names[p->table]);
		if (strlen(name) >= 29 || *name == '-' || *name == '!')
			return rxs__nf_fail(p, "invalid chain name '%s'", name);
		if (add_chain(p, name, -1))
			return p->rc;
		c = (int)p->nf->nchains - 1;
	} else if (!strcmp(argv[1], "ACCEPT") || !strcmp(argv[1], "DROP")) {
		p->nf->chains[c].policy = argv[1][0] == 'A' ? RXS_NF_ACCEPT : RXS_NF_DROP;
	} else {
		return rxs__nf_fail(p, "bad policy '%s' (ACCEPT or DROP)", argv[1]);
	}
	if (argc == 3 && rxs__nf_parse_counters(argv[2], &p->nf->chains[c].pkts,
						&p->nf->chains[c].bytes))
		return rxs__nf_fail(p, "bad counters '%s'", argv[2]);
	return 0;
}

/* Errors found at COMMIT name the rule's own line and quote it as written. */
static void quote_rule(struct nf_parser *p, const struct nf_rule *r)
{
	int n = snprintf(p->qbuf, sizeof(p->qbuf), "-A %s ", p->nf->chains[r->chain].name);

	p->line = r->line;
	snprintf(p->qbuf + n, sizeof(p->qbuf) - (size_t)n, "%s", r->text);
	p->quote = p->qbuf;
	/* Only the rule's own text is where the file has it; "-A CHAIN " may be written
	 * otherwise ("--append", counters before it). */
	p->qcol = r->col;
	p->qskip = (unsigned int)n;
}

/* A target that is neither built in nor a chain: a typo of either, most likely. */
static int unknown_target(struct nf_parser *p, const struct nf_rule *r)
{
	const char *names[64] = { "ACCEPT", "DROP", "RETURN", "REJECT", "LOG", "MARK", "CT",
				  "NOTRACK" };
	size_t n = 8;
	char hint[96];

	for (unsigned int i = 0; i < p->nf->nchains && n < ARRAY_SIZE(names); i++)
		if (p->nf->chains[i].table == r->table && p->nf->chains[i].hook < 0)
			names[n++] = p->nf->chains[i].name;
	return rxs__nf_fail(p, "unknown target or chain '%s'%s", r->t.name,
			    rxs__nf_did_you_mean(r->t.name, names, n, hint, sizeof(hint)));
}

static int resolve_target(struct nf_parser *p, struct nf_rule *r)
{
	static const char *const unsupported[] = {
		"DNAT", "SNAT", "MASQUERADE", "REDIRECT", "NETMAP", "TCPMSS", "CONNMARK", "NFLOG",
		"NFQUEUE", "QUEUE", "TRACE", "TEE", "TOS", "TTL", "DSCP", "CLASSIFY", "SECMARK",
		"CONNSECMARK", "SET", "AUDIT", "CHECKSUM", "HMARK", "SYNPROXY", "TPROXY", "ECN",
	};
	int c;

	if (r->t.kind != NF_T_CHAIN)
		return 0;
	quote_rule(p, r);
	c = rxs__nf_find_chain(p->nf, r->table, r->t.name);
	if (c >= 0 && p->nf->chains[c].hook >= 0)
		return rxs__nf_fail(p, "cannot jump to built-in chain %s", r->t.name);
	if (c >= 0) {
		r->t.chain = (unsigned int)c;
		p->nf->chains[c].refs++;
		return 0;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(unsupported); i++)
		if (!strcmp(r->t.name, unsupported[i]))
			return rxs__nf_fail(p, "unsupported target '%s'", r->t.name);
	return unknown_target(p, r);
}

/* mark_source_chains(): which hooks reach each chain; a jump back into a chain on the
 * current path is a loop, which the kernel refuses (ELOOP). */
static int mark_chain(struct nf_parser *p, unsigned int ci, unsigned int hook)
{
	struct rxs_ruleset *nf = p->nf;
	struct nf_chain *c = &nf->chains[ci];

	if (c->hooks >> hook & 1)
		return 0;	/* already walked from this hook */
	c->hooks |= 1u << hook;
	c->visiting = true;
	for (unsigned int i = 0; i < c->nrules; i++) {
		struct nf_rule *r = &nf->rules[c->rules[i]];

		if (r->t.kind != NF_T_CHAIN)
			continue;
		if (nf->chains[r->t.chain].visiting) {
			quote_rule(p, r);
			return rxs__nf_fail(p, "the jump to %s makes a loop",
					    nf->chains[r->t.chain].name);
		}
		if (mark_chain(p, r->t.chain, hook))
			return p->rc;
	}
	c->visiting = false;
	return 0;
}

/* The hook restrictions of the targets (xt_check_target: .table, .hooks). */
static int check_target_hooks(struct nf_parser *p, const struct nf_rule *r)
{
	const unsigned int reject_hooks = 1u << RXS_NF_INET_LOCAL_IN | 1u << RXS_NF_INET_FORWARD |
					  1u << RXS_NF_INET_LOCAL_OUT;
	unsigned int hooks = p->nf->chains[r->chain].hooks;
	const unsigned int dnat_hooks = 1u << RXS_NF_INET_PRE_ROUTING | 1u << RXS_NF_INET_LOCAL_OUT;
	const unsigned int snat_hooks = 1u << RXS_NF_INET_POST_ROUTING | 1u << RXS_NF_INET_LOCAL_IN;

	quote_rule(p, r);
	if (r->t.kind == NF_T_REJECT && hooks & ~reject_hooks)
		return rxs__nf_fail(p, "REJECT is only valid from INPUT, FORWARD and OUTPUT");
	if ((r->t.kind == NF_T_DNAT || r->t.kind == NF_T_REDIRECT) && hooks & ~dnat_hooks)
		return rxs__nf_fail(p, "%s is only valid from PREROUTING and OUTPUT",
				    r->t.kind == NF_T_DNAT ? "DNAT" : "REDIRECT");
	if (r->t.kind == NF_T_SNAT && hooks & ~snat_hooks)
		return rxs__nf_fail(p, "SNAT is only valid from POSTROUTING and INPUT");
	if (r->t.kind == NF_T_MASQUERADE && hooks & ~(1u << RXS_NF_INET_POST_ROUTING))
		return rxs__nf_fail(p, "MASQUERADE is only valid from POSTROUTING");
	return 0;
}

static int commit_table(struct nf_parser *p)
{
	struct rxs_ruleset *nf = p->nf;
	unsigned int table = (unsigned int)p->table;

	for (unsigned int i = p->first_rule; i < nf->nrules; i++)
		if (resolve_target(p, &nf->rules[i]))
			return p->rc;
	for (int hook = 0; hook < RXS_NF_INET_NUMHOOKS; hook++) {
		int c = nf->builtin[table][hook];

		if (c >= 0 && mark_chain(p, (unsigned int)c, (unsigned int)hook))
			return p->rc;
	}
	for (unsigned int i = p->first_rule; i < nf->nrules; i++)
		if (check_target_hooks(p, &nf->rules[i]))
			return p->rc;
	p->table = -1;
	p->first_rule = nf->nrules;
	return 0;
}

/* Split @line into words as iptables-restore does: blanks separate, double quotes group,
 * a backslash inside quotes escapes the next character. @buf has strlen(line)+1 bytes. */
static int tokenize(const char *line, char *buf, char **argv, unsigned int *argc)
{
	bool quoted = false, in_word = false;
	unsigned int n = 0;
	char *o = buf;

	for (const char *s = line; *s; s++) {
		if (!quoted && (*s == ' ' || *s == '\t')) {
			if (in_word)
				*o++ = '\0';
			in_word = false;
			continue;
		}
		if (!in_word) {
			if (n == NF_MAX_ARGS)
				return -E2BIG;
			argv[n++] = o;
			in_word = true;
		}
		if (*s == '"')
			quoted = !quoted;
		else if (quoted && *s == '\\' && s[1])
			*o++ = *++s;
		else
			*o++ = *s;
	}
	*o = '\0';
	*argc = n;
	return quoted ? -EINVAL : 0;
}

static int add_skipped(struct nf_parser *p, const char *reason)
{
	struct rxs_ruleset *nf = p->nf;
	struct nf_skipped *n = rxs__realloc(nf->skipped, (nf->nskipped + 1) * sizeof(*n));

	if (!n)
		return rxs__nf_fail(p, "out of memory");
	nf->skipped = n;
	n += nf->nskipped;
	n->line = p->line;
	n->text = rxs__strdup(p->quote);
	n->reason = rxs__strdup(reason);
	nf->nskipped++;
	if (!n->text || !n->reason)
		return rxs__nf_fail(p, "out of memory");
	return 0;
}

/* Skip mode: parse the rule with errors going to a buffer of our own; a rule that fails is
 * taken back out (its chain's last, the rule set's last) and listed with the error. */
static int parse_rule_or_skip(struct nf_parser *p, char **argv, unsigned int argc)
{
	struct rxs_ruleset *nf = p->nf;
	unsigned int nrules = nf->nrules;
	char *err = p->err, msg[512];
	size_t errlen = p->errlen;
	int rc;

	if (!p->skip)
		return rxs__nf_parse_rule(p, argv, argc);
	p->err = msg;
	p->errlen = sizeof(msg);
	msg[0] = '\0';
	rc = rxs__nf_parse_rule(p, argv, argc);
	p->err = err;
	p->errlen = errlen;
	if (rc != RXS_ERULE)
		return rc;
	p->rc = 0;
	if (nf->nrules > nrules) {
		struct nf_rule *r = &nf->rules[--nf->nrules];

		nf->chains[r->chain].nrules--;
		rxs__free(r->text);
		rxs__free(r->t.name);
		rxs__free(r->t.log_prefix);
		rxs__free(r->t.nflog_prefix);
		for (unsigned int m = 0; m < r->nmatches; m++)
			rxs__nf_match_free(&r->m[m]);
	}
	return add_skipped(p, msg);
}

static int parse_line(struct nf_parser *p, char *buf)
{
	char *argv[NF_MAX_ARGS];
	unsigned int argc = 0;
	int rc = tokenize(p->quote, buf, argv, &argc);

	if (rc == -E2BIG)
		return rxs__nf_fail(p, "too many words (at most %d)", NF_MAX_ARGS);
	if (rc)
		return rxs__nf_fail(p, "unterminated quote");
	if (!argc)
		return 0;
	if (argv[0][0] == '*') {
		if (argc != 1)
			return rxs__nf_fail(p, "expected '*table'");
		return open_table(p, argv[0] + 1);
	}
	if (p->skip_table) {
		char reason[256];

		if (!strcmp(argv[0], "COMMIT")) {
			p->skip_table = false;
			return 0;
		}
		if (argv[0][0] == ':' || argv[0][0] == '*')
			return 0;
		snprintf(reason, sizeof(reason), "%s:%u:%u: %s: table nat is not supported yet",
			 p->name, p->line, p->qcol, p->quote);
		return add_skipped(p, reason);
	}
	if (!strcmp(argv[0], "COMMIT")) {
		if (p->table < 0)
			return rxs__nf_fail(p, "COMMIT without a table");
		return commit_table(p);
	}
	if (p->table < 0)
		return rxs__nf_fail(p, "a rule or chain before any '*table' line");
	if (argv[0][0] == ':')
		return declare_chain(p, argv, argc);
	return parse_rule_or_skip(p, argv, argc);
}

int rxs__nf_parse_line(struct nf_parser *p)
{
	char *buf = rxs__malloc(strlen(p->quote) + 1);
	int rc;

	if (!buf)
		return rxs__nf_fail(p, "out of memory");
	rc = parse_line(p, buf);
	rxs__free(buf);
	return rc ? rc : p->rc;
}

int rxs__nf_parse(struct rxs_ruleset *nf, const char *text, const char *name,
		  unsigned int first_line, unsigned int indent, bool skip, bool v6, char *err,
		  size_t errlen)
{
	struct nf_parser p = { .nf = nf, .name = name ? name : "netfilter", .err = err,
			       .errlen = errlen, .table = -1, .indent = indent, .skip = skip,
			       .v6 = v6 };
	const char *s = text ? text : "";
	unsigned int offset = 0;

	if (rxs__nf_is_script(s, v6))
		return rxs__nf_parse_script(&p, s, first_line);
	for (; *s && !p.rc; offset++) {
		size_t n = strcspn(s, "\n");
		char *line = rxs__malloc(n + 1), *buf = rxs__malloc(n + 1), *b = line, *e;

		p.line = first_line + offset;
		p.quote = NULL;
		if (!line || !buf) {
			rxs__free(line);
			rxs__free(buf);
			return rxs__nf_fail(&p, "out of memory");
		}
		memcpy(line, s, n);
		line[n] = '\0';
		for (e = line + n; e > line && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		while (*b == ' ' || *b == '\t')
			b++;
		p.quote = b;
		p.qcol = indent + (unsigned int)(b - line) + 1;
		p.qskip = 0;
		if (*b && *b != '#')
			parse_line(&p, buf);
		rxs__free(line);
		rxs__free(buf);
		s += n + (s[n] == '\n');
	}
	if (!p.rc && p.skip_table) {
		p.line = first_line + (offset ? offset - 1 : 0);
		p.quote = NULL;
		rxs__nf_fail(&p, "missing COMMIT for table nat");
	}
	if (!p.rc && p.table >= 0) {
		p.line = first_line + (offset ? offset - 1 : 0);
		p.quote = NULL;
		rxs__nf_fail(&p, "missing COMMIT for table %s (opened at line %u)",
			     nf_table_names[p.table], p.table_line);
	}
	return p.rc;
}

void rxs__nf_match_free(struct nf_match *m)
{
	switch (m->kind) {
	case NF_M_COMMENT:
		rxs__free(m->u.comment);
		break;
	case NF_M_HASHLIMIT:
		rxs__free(m->u.hl);
		break;
	case NF_M_RECENT:
		rxs__free(m->u.recent.name);
		break;
	case NF_M_CONNLIMIT:
		rxs__nf_conncount_free(m->u.connlimit.cc);
		break;
	case NF_M_SET:
		rxs__free(m->u.set.name);
		break;
	default:
		break;
	}
}

void rxs__nf_free_rules(struct rxs_ruleset *nf)
{
	for (unsigned int i = 0; i < nf->nrules; i++) {
		struct nf_rule *r = &nf->rules[i];

		rxs__free(r->text);
		rxs__free(r->t.name);
		rxs__free(r->t.log_prefix);
		rxs__free(r->t.nflog_prefix);
		for (unsigned int m = 0; m < r->nmatches; m++)
			rxs__nf_match_free(&r->m[m]);
	}
	for (unsigned int i = 0; i < nf->nchains; i++) {
		rxs__free(nf->chains[i].name);
		rxs__free(nf->chains[i].rules);
		rxs__free(nf->chains[i].next);
		rxs__free(nf->chains[i].port_start);
	}
	rxs__free(nf->rules);
	rxs__free(nf->chains);
	for (unsigned int i = 0; i < nf->nskipped; i++) {
		rxs__free(nf->skipped[i].text);
		rxs__free(nf->skipped[i].reason);
	}
	rxs__free(nf->skipped);
}
