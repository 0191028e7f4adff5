/* script.c - iptables commands, as a shell script runs them, read as the rule set they build.
 *
 * `netfilter:` may hold `iptables -A INPUT ...` lines instead of iptables-save text: the
 * commands are run here, in order, on tables of rule texts (append, insert, delete, replace,
 * new chains, policies, flushes), and the tables they leave are then read as iptables-save
 * would print them, line by line through the same parser (parse.c), each rule still named by
 * the line and column its command has in the file. The result is the iptables-save text of
 * the host after the script ran.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "netfilter/netfilter_int.h"

struct s_rule {
	char *spec;			/* the rule's options, as written */
	unsigned int line, col;		/* where they start in the file */
};

struct s_chain {
	char *name;
	bool builtin;
	const char *policy;		/* "ACCEPT", "DROP"; NULL: not set (ACCEPT) */
	unsigned int line, col;		/* the command that made it or set its policy */
	struct s_rule *rules;
	unsigned int nrules, cap;
};

struct s_table {
	bool used;
	unsigned int line, col;		/* the first command on it */
	struct s_chain *chains;
	unsigned int nchains;
};

/* A command line's words: each one's text and where it starts in the line. */
struct s_words {
	unsigned int n;
	unsigned int off[NF_MAX_ARGS];
	char *w[NF_MAX_ARGS];
	char buf[1024];
};

struct script {
	struct nf_parser *p;
	struct s_table t[NF_NTABLES];
	const char *line;		/* the command being run */
	unsigned int col0;		/* the file column of line[0] */
};

static bool is_iptables(const char *w, bool v6)
{
	const char *base = strrchr(w, '/') ? strrchr(w, '/') + 1 : w;
	const char *name = v6 ? "ip6tables" : "iptables";
	size_t n = strlen(name);

	return !strncmp(base, name, n) &&
	       (!base[n] || !strcmp(base + n, "-legacy") || !strcmp(base + n, "-nft"));
}

/* Cut @line into words (double quotes group, as the shell's), each with its offset. */
static int split(const char *line, struct s_words *sw)
{
	char *o = sw->buf, *end = sw->buf + sizeof(sw->buf) - 1;
	const char *s = line;

	sw->n = 0;
	for (;;) {
		bool quoted = false;

		s += strspn(s, " \t");
		if (!*s)
			return 0;
		if (sw->n == NF_MAX_ARGS)
			return -E2BIG;
		sw->off[sw->n] = (unsigned int)(s - line);
		sw->w[sw->n++] = o;
		for (; *s && (quoted || (*s != ' ' && *s != '\t')); s++) {
			if (o == end)
				return -E2BIG;
			if (*s == '"' || *s == '\'')
				quoted = !quoted;
			else
				*o++ = *s;
		}
		if (quoted)
			return -EINVAL;
		*o++ = '\0';
	}
}

/* Whether @text is a script of commands: its first line that says anything starts with one,
 * or with sudo and one. */
bool rxs__nf_is_script(const char *text, bool v6)
{
	const char *s = text ? text : "";
	struct s_words sw;
	char first[1024];
	size_t n;

	for (;;) {
		s += strspn(s, " \t\r\n");
		if (*s != '#')
			break;
		s += strcspn(s, "\n");
	}
	n = strcspn(s, "\n");
	if (n >= sizeof(first))
		n = sizeof(first) - 1;
	memcpy(first, s, n);
	first[n] = '\0';
	if (split(first, &sw) || !sw.n)
		return false;
	if (!strcmp(sw.w[0], "sudo"))
		return sw.n > 1 && (is_iptables(sw.w[1], v6) || is_iptables(sw.w[1], !v6));
	return is_iptables(sw.w[0], v6) || is_iptables(sw.w[0], !v6);
}

static struct s_chain *find_chain(struct s_table *t, const char *name)
{
	for (unsigned int i = 0; i < t->nchains; i++)
		if (!strcmp(t->chains[i].name, name))
			return &t->chains[i];
	return NULL;
}

static struct s_chain *add_chain(struct s_table *t, const char *name, bool builtin)
{
	struct s_chain *n = rxs__realloc(t->chains, (t->nchains + 1) * sizeof(*n));

	if (!n)
		return NULL;
	t->chains = n;
	n += t->nchains;
	memset(n, 0, sizeof(*n));
	n->name = rxs__strdup(name);
	if (!n->name)
		return NULL;
	n->builtin = builtin;
	t->nchains++;
	return n;
}

/* Table @name of the script's family, its built-in chains made the first time; NULL with the
 * error set. */
static struct s_table *table(struct script *sc, const char *name)
{
	bool v6 = sc->p->v6;
	int id = -1;

	for (int i = v6 ? NF_TABLE_RAW6 : 0; i < (v6 ? NF_NTABLES : NF_TABLE_RAW6); i++)
		if (!strcmp(name, nf_table_names[i]))
			id = i;
	if (id < 0 && v6 && !strcmp(name, "nat")) {
		rxs__nf_fail(sc->p, "ip6tables table 'nat' is not supported (NAT is modelled for "
			     "IPv4 only)");
		return NULL;
	}
	if (id < 0) {
		rxs__nf_fail(sc->p, "unsupported table '%s'%s", name,
			     v6 ? " (ip6tables: raw, mangle, filter)"
				: " (raw, mangle, filter, nat)");
		return NULL;
	}
	if (!sc->t[id].used) {
		sc->t[id].used = true;
		sc->t[id].line = sc->p->line;
		sc->t[id].col = sc->col0;
		for (int hook = 0; hook < RXS_NF_INET_NUMHOOKS; hook++)
			if ((nf_table_hooks[id] >> hook & 1) &&
			    !add_chain(&sc->t[id], nf_hook_chain_names[hook], true)) {
				rxs__nf_fail(sc->p, "out of memory");
				return NULL;
			}
	}
	return &sc->t[id];
}

static void free_rule(struct s_rule *r)
{
	rxs__free(r->spec);
}

/* Put a rule of the options from word @k on (to the line's end) at @at of @c. */
static int put_rule(struct script *sc, struct s_chain *c, unsigned int at,
		    const struct s_words *sw, unsigned int k)
{
	/* "-A CHAIN" alone is a rule too: it matches everything and has no target. */
	unsigned int off = k < sw->n ? sw->off[k] : (unsigned int)strlen(sc->line);
	const char *spec = sc->line + off;
	struct s_rule r = { .line = sc->p->line, .col = sc->col0 + off };

	if (c->nrules == c->cap) {
		unsigned int cap = c->cap ? 2 * c->cap : 8;
		struct s_rule *n = rxs__realloc(c->rules, cap * sizeof(*n));

		if (!n)
			return rxs__nf_fail(sc->p, "out of memory");
		c->rules = n;
		c->cap = cap;
	}
	r.spec = rxs__strdup(spec);
	if (!r.spec)
		return rxs__nf_fail(sc->p, "out of memory");
	/* iptables-save quotes with '"' alone: the shell's 'x y' is its "x y" (same length, so
	 * the columns stay the file's). */
	for (char *q = r.spec, open = 0; *q; q++)
		if ((*q == '\'' || *q == '"') && (!open || open == *q)) {
			open = open ? 0 : *q;
			*q = '"';
		}
	memmove(&c->rules[at + 1], &c->rules[at], (c->nrules - at) * sizeof(*c->rules));
	c->rules[at] = r;
	c->nrules++;
	return 0;
}

/* A rule number (1-based) of @c, within 1..@max. */
static int rule_number(struct script *sc, const char *w, unsigned int max, unsigned int *v)
{
	char *end;
	unsigned long n = strtoul(w, &end, 10);

	if (*end || end == w || n < 1 || n > max)
		return rxs__nf_fail(sc->p, "'%s': %s", w,
				    max ? "no rule of that number in the chain"
					: "the chain has no rules");
	*v = (unsigned int)n;
	return 0;
}

/* Whether rule @r says what words @k.. of @sw say (the spaces between them aside). */
static bool same_rule(const struct s_rule *r, const struct s_words *sw, unsigned int k)
{
	struct s_words *rw = rxs__malloc(sizeof(*rw));
	bool same;

	if (!rw)
		return false;
	same = !split(r->spec, rw) && rw->n == sw->n - k;
	for (unsigned int i = 0; same && i < rw->n; i++)
		same = !strcmp(rw->w[i], sw->w[k + i]);
	rxs__free(rw);
	return same;
}

/* Whether a rule of @t jumps or goes to chain @name. */
static bool chain_used(const struct s_table *t, const char *name)
{
	struct s_words *rw = rxs__malloc(sizeof(*rw));
	bool used = false;

	for (unsigned int i = 0; rw && !used && i < t->nchains; i++)
		for (unsigned int j = 0; !used && j < t->chains[i].nrules; j++) {
			if (split(t->chains[i].rules[j].spec, rw))
				continue;
			for (unsigned int k = 0; k + 1 < rw->n; k++)
				if ((!strcmp(rw->w[k], "-j") || !strcmp(rw->w[k], "--jump") ||
				     !strcmp(rw->w[k], "-g") || !strcmp(rw->w[k], "--goto")) &&
				    !strcmp(rw->w[k + 1], name))
					used = true;
		}
	rxs__free(rw);
	return used;
}

static void remove_chain(struct s_table *t, struct s_chain *c)
{
	for (unsigned int i = 0; i < c->nrules; i++)
		free_rule(&c->rules[i]);
	rxs__free(c->rules);
	rxs__free(c->name);
	memmove(c, c + 1, (size_t)(t->chains + t->nchains - c - 1) * sizeof(*c));
	t->nchains--;
}

/* -X [CHAIN]: a chain deleted is user-made, empty and not jumped to, as the kernel wants. */
static int delete_chain(struct script *sc, struct s_table *t, struct s_chain *c)
{
	if (c->builtin)
		return rxs__nf_fail(sc->p, "'%s': a built-in chain cannot be deleted", c->name);
	if (c->nrules)
		return rxs__nf_fail(sc->p, "'%s': the chain has rules (flush it first: -F %s)",
				    c->name, c->name);
	if (chain_used(t, c->name))
		return rxs__nf_fail(sc->p, "'%s': a rule jumps to the chain (Too many links)",
				    c->name);
	remove_chain(t, c);
	return 0;
}

/* The command words iptables takes, long and short. */
static char command_of(const char *w)
{
	static const struct {
		const char *l;
		char c;
	} longs[] = { { "--append", 'A' }, { "--insert", 'I' }, { "--delete", 'D' },
		      { "--replace", 'R' }, { "--new-chain", 'N' }, { "--new", 'N' },
		      { "--policy", 'P' }, { "--flush", 'F' }, { "--delete-chain", 'X' },
		      { "--zero", 'Z' }, { "--list", 'L' }, { "--list-rules", 'S' },
		      { "--check", 'C' }, { "--rename-chain", 'E' } };

	if (w[0] == '-' && w[1] && !w[2] && strchr("AIDRNPFXZLSCE", w[1]))
		return w[1];
	for (size_t i = 0; i < ARRAY_SIZE(longs); i++)
		if (!strcmp(w, longs[i].l))
			return longs[i].c;
	return 0;
}

/* Run one command line. */
static int run_line(struct script *sc, struct s_words *sw)
{
	const char *tname = "filter";
	unsigned int k = 0, n = 0;
	struct s_table *t;
	struct s_chain *c = NULL;
	char cmd = 0;

	if (k < sw->n && !strcmp(sw->w[k], "sudo"))
		k++;
	if (k == sw->n || !is_iptables(sw->w[k], sc->p->v6))
		return rxs__nf_fail(sc->p, "'%s': not %s command (a script of them is one "
				    "command a line)", k < sw->n ? sw->w[k] : "",
				    sc->p->v6 ? "an ip6tables" : "an iptables");
	if (sw->n && !strcmp(sw->w[sw->n - 1], "\\"))
		return rxs__nf_fail(sc->p, "'%s': a command on several lines: write it on one",
				    "\\");
	/* Options before the command: the table, and what only changes how it runs. */
	for (k++; k < sw->n && !cmd; k++) {
		const char *w = sw->w[k];

		if (!strcmp(w, "-t") || !strcmp(w, "--table")) {
			if (++k == sw->n)
				return rxs__nf_fail(sc->p, "'%s': which table?", w);
			tname = sw->w[k];
		} else if (!strncmp(w, "--table=", 8)) {
			tname = w + 8;
		} else if (!strcmp(w, "-w") || !strcmp(w, "--wait") || !strcmp(w, "-W") ||
			   !strcmp(w, "--wait-interval")) {
			if (k + 1 < sw->n && sw->w[k + 1][0] >= '0' && sw->w[k + 1][0] <= '9')
				k++;
		} else if (!strcmp(w, "-v") || !strcmp(w, "--verbose") || !strcmp(w, "-n") ||
			   !strcmp(w, "--numeric")) {
			continue;
		} else if (!(cmd = command_of(w))) {
			return rxs__nf_fail(sc->p, "'%s': expected a command (-A, -I, -D, -R, -N, "
					    "-P, -F, -X)", w);
		}
	}
	if (!cmd)
		return rxs__nf_fail(sc->p, "'%s': the line has no command (-A, -I, -N, -P...)",
				    sw->w[0]);
	if (strchr("LSCE", cmd))
		return rxs__nf_fail(sc->p, "'%s': not a command that builds a rule set (-A, -I, "
				    "-D, -R, -N, -P, -F, -X, -Z)", sw->w[k - 1]);
	if (!(t = table(sc, tname)))
		return sc->p->rc;
	if (k < sw->n && sw->w[k][0] != '-') {
		c = find_chain(t, sw->w[k]);
		if (!c && cmd != 'N')
			return rxs__nf_fail(sc->p, "'%s': no chain of that name in table %s",
					    sw->w[k], tname);
		k++;
	} else if (!strchr("FXZ", cmd)) {
		return rxs__nf_fail(sc->p, "'%s': which chain?", sw->w[k - 1]);
	}
	switch (cmd) {
	case 'N':
		if (c)
			return rxs__nf_fail(sc->p, "'%s': chain already exists", c->name);
		if (strlen(sw->w[k - 1]) > 28)
			return rxs__nf_fail(sc->p, "'%s': a chain name is at most 28 characters",
					    sw->w[k - 1]);
		if (!(c = add_chain(t, sw->w[k - 1], false)))
			return rxs__nf_fail(sc->p, "out of memory");
		c->line = sc->p->line;
		c->col = sc->col0 + sw->off[k - 1];
		break;
	case 'P':
		if (!c->builtin)
			return rxs__nf_fail(sc->p, "'%s': only a built-in chain has a policy",
					    c->name);
		if (k == sw->n || (strcmp(sw->w[k], "ACCEPT") && strcmp(sw->w[k], "DROP")))
			return rxs__nf_fail(sc->p, "'%s': a policy is ACCEPT or DROP",
					    k < sw->n ? sw->w[k] : c->name);
		c->policy = !strcmp(sw->w[k], "ACCEPT") ? "ACCEPT" : "DROP";
		c->line = sc->p->line;
		c->col = sc->col0 + sw->off[k];
		break;
	case 'A':
		return put_rule(sc, c, c->nrules, sw, k);
	case 'I':
		n = 1;
		if (k < sw->n && sw->w[k][0] >= '0' && sw->w[k][0] <= '9') {
			if (rule_number(sc, sw->w[k], c->nrules + 1, &n))
				return sc->p->rc;
			k++;
		}
		return put_rule(sc, c, n - 1, sw, k);
	case 'R':
	case 'D':
		if (k < sw->n && sw->w[k][0] >= '0' && sw->w[k][0] <= '9') {
			if (rule_number(sc, sw->w[k], c->nrules, &n))
				return sc->p->rc;
			k++;
		} else {
			if (cmd == 'R')
				return rxs__nf_fail(sc->p, "'%s': -R takes the number of the rule "
						    "to replace", c->name);
			for (n = 1; n <= c->nrules && !same_rule(&c->rules[n - 1], sw, k); n++)
				;
			if (n > c->nrules)
				return rxs__nf_fail(sc->p, "'%s': no such rule in chain %s "
						    "(iptables: Bad rule)", sw->w[k - 1], c->name);
		}
		free_rule(&c->rules[n - 1]);
		memmove(&c->rules[n - 1], &c->rules[n], (c->nrules - n) * sizeof(*c->rules));
		c->nrules--;
		if (cmd == 'R')
			return put_rule(sc, c, n - 1, sw, k);
		break;
	case 'F':
		for (unsigned int i = 0; i < t->nchains; i++) {
			if (c && &t->chains[i] != c)
				continue;
			for (unsigned int j = 0; j < t->chains[i].nrules; j++)
				free_rule(&t->chains[i].rules[j]);
			t->chains[i].nrules = 0;
		}
		break;
	case 'X':
		if (c)
			return delete_chain(sc, t, c);
		for (unsigned int i = t->nchains; i-- > 0;)
			if (!t->chains[i].builtin && delete_chain(sc, t, &t->chains[i]))
				return sc->p->rc;
		break;
	default:	/* -Z: counters start at zero anyway */
		break;
	}
	return 0;
}

/* Feed one line of the iptables-save text the script left to the parser, at @line, @col. */
static int feed(struct script *sc, const char *text, unsigned int line, unsigned int col)
{
	struct nf_parser *p = sc->p;

	p->line = line;
	p->quote = text;
	p->qcol = col;
	p->qskip = 0;
	return rxs__nf_parse_line(p);
}

/* The tables the script made, as iptables-save prints them, through the parser. */
static int load(struct script *sc)
{
	char buf[1400];

	for (int id = 0; id < NF_NTABLES && !sc->p->rc; id++) {
		struct s_table *t = &sc->t[id];
		unsigned int last = t->line;

		if (!t->used)
			continue;
		snprintf(buf, sizeof(buf), "*%s", nf_table_names[id]);
		if (feed(sc, buf, t->line, t->col))
			break;
		for (unsigned int i = 0; i < t->nchains; i++) {
			const struct s_chain *c = &t->chains[i];

			if (c->builtin && !c->policy)
				continue;
			snprintf(buf, sizeof(buf), ":%s %s [0:0]", c->name,
				 c->builtin ? c->policy : "-");
			if (feed(sc, buf, c->line, c->col))
				return sc->p->rc;
		}
		for (unsigned int i = 0; i < t->nchains; i++) {
			const struct s_chain *c = &t->chains[i];

			for (unsigned int j = 0; j < c->nrules; j++) {
				const struct s_rule *r = &c->rules[j];
				int pre = snprintf(buf, sizeof(buf), "-A %s ", c->name);

				if ((size_t)pre + strlen(r->spec) >= sizeof(buf)) {
					sc->p->line = r->line;
					sc->p->quote = NULL;
					return rxs__nf_fail(sc->p, "the rule is too long");
				}
				strcat(buf, r->spec);
				/* The rule's text keeps its own place in the file. */
				if (feed(sc, buf, r->line, r->col - (unsigned int)pre))
					return sc->p->rc;
				last = RXS_MAX(last, r->line);
			}
		}
		feed(sc, "COMMIT", last, t->col);
	}
	return sc->p->rc;
}

int rxs__nf_parse_script(struct nf_parser *p, const char *text, unsigned int first_line)
{
	struct script sc = { .p = p };
	struct s_words *sw = rxs__malloc(sizeof(*sw));
	const char *s = text;

	if (!sw)
		return rxs__nf_fail(p, "out of memory");
	for (unsigned int offset = 0; *s && !p->rc; offset++) {
		size_t n = strcspn(s, "\n");
		char *line = rxs__malloc(n + 1), *b;

		if (!line) {
			rxs__nf_fail(p, "out of memory");
			break;
		}
		memcpy(line, s, n);
		line[n] = '\0';
		for (char *e = line + n; e > line && strchr(" \t\r", e[-1]); e--)
			e[-1] = '\0';
		b = line + strspn(line, " \t");
		p->line = first_line + offset;
		p->quote = b;
		p->qcol = p->indent + (unsigned int)(b - line) + 1;
		p->qskip = 0;
		sc.line = b;
		sc.col0 = p->qcol;
		if (*b && *b != '#') {
			int rc = split(b, sw);

			if (rc == -E2BIG)
				rxs__nf_fail(p, "the line is too long (%d words)", NF_MAX_ARGS);
			else if (rc)
				rxs__nf_fail(p, "unterminated quote");
			else
				run_line(&sc, sw);
		}
		rxs__free(line);
		s += n + (s[n] == '\n');
	}
	if (!p->rc)
		load(&sc);
	for (int id = 0; id < NF_NTABLES; id++) {
		for (unsigned int i = 0; i < sc.t[id].nchains; i++) {
			for (unsigned int j = 0; j < sc.t[id].chains[i].nrules; j++)
				free_rule(&sc.t[id].chains[i].rules[j]);
			rxs__free(sc.t[id].chains[i].rules);
			rxs__free(sc.t[id].chains[i].name);
		}
		rxs__free(sc.t[id].chains);
	}
	rxs__free(sw);
	return p->rc;
}
