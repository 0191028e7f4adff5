/* nft_parse.c - `nft list ruleset` text: tables, chains, sets and maps, and the rules' subset
 * docs/nftables.md lists.
 *
 * The text is cut into tokens first: words (anything up to a blank or one of `{};,()"`, so
 * "10.0.0.0/8", "fd00::1" and "1000-2000" are one word), quoted strings, punctuation, and the
 * ends of lines, which end a rule as ';' does except inside braces. Every token keeps its
 * line and column, so an error names the place in the scenario file ("file:line:col:") and,
 * for an unknown word, the nearest keyword of what could stand there.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "netfilter/nft_int.h"
#include "rxsim/error.h"

enum tok_kind { T_WORD, T_STRING, T_PUNCT, T_EOL, T_END };

struct tok {
	uint8_t kind;
	char punct;
	unsigned int line, col;
	const char *s;			/* into the parser's buffer, NUL-terminated */
};

struct nft_parser {
	struct nft_ruleset *n;
	struct nft_err e;
	struct tok *toks;
	unsigned int ntoks, cap, i;
	char *buf;			/* the words, each NUL-terminated */
	unsigned int table;
	int braces;			/* inside a value's braces: line ends are blanks */
};

/* ---- tokens ---- */

/* Append @t to the token array @arr of @n (room for @cap). */
static int put_tok(struct tok **arr, unsigned int *n, unsigned int *cap, struct tok t)
{
	if (*n == *cap) {
		unsigned int c = *cap ? 2 * *cap : 256;
		struct tok *a = rxs__realloc(*arr, c * sizeof(*a));

		if (!a)
			return -ENOMEM;
		*arr = a;
		*cap = c;
	}
	(*arr)[(*n)++] = t;
	return 0;
}

static int tokenize(struct nft_parser *p, const char *text, unsigned int line0, unsigned int indent)
{
	size_t len = strlen(text);
	char *out;
	unsigned int line = line0, col = 1 + indent;
	const char *s = text;

	p->buf = out = rxs__malloc(2 * len + 2);
	if (!out)
		return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	while (*s) {
		struct tok t = { .line = line, .col = col };

		if (*s == '\n') {
			t.kind = T_EOL;
			s++;
			line++;
			col = 1 + indent;
		} else if (*s == ' ' || *s == '\t' || *s == '\r') {
			s++;
			col++;
			continue;
		} else if (*s == '\\' && s[1] == '\n') {
			s += 2;
			line++;
			col = 1 + indent;
			continue;
		} else if (*s == '#') {
			while (*s && *s != '\n')
				s++;
			continue;
		} else if (*s == '"') {
			const char *q = strchr(s + 1, '"');
			const char *nl = strchr(s + 1, '\n');

			if (!q || (nl && nl < q))
				return rxs__nft_fail(&p->e, line, col, "unterminated string");
			t.kind = T_STRING;
			t.s = out;
			memcpy(out, s + 1, (size_t)(q - s - 1));
			out += q - s - 1;
			*out++ = '\0';
			col += (unsigned int)(q - s + 1);
			s = q + 1;
		} else if (strchr("{};,()", *s)) {
			t.kind = T_PUNCT;
			t.punct = *s++;
			col++;
		} else {
			size_t n = strcspn(s, " \t\r\n{};,()\"#");

			t.kind = T_WORD;
			t.s = out;
			memcpy(out, s, n);
			out += n;
			*out++ = '\0';
			s += n;
			col += (unsigned int)n;
		}
		if (put_tok(&p->toks, &p->ntoks, &p->cap, t))
			return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	}
	if (put_tok(&p->toks, &p->ntoks, &p->cap,
		    (struct tok){ .kind = T_END, .line = line, .col = col }))
		return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	return 0;
}

/* The token @k after the current one, or the end of text. */
static struct tok *at(struct nft_parser *p, unsigned int k)
{
	unsigned int j = p->i + k;

	return &p->toks[j < p->ntoks ? j : p->ntoks - 1];
}

/* Move @n tokens on, never past the end of text. */
static void skip(struct nft_parser *p, unsigned int n)
{
	while (n-- && p->toks[p->i].kind != T_END)
		p->i++;
}

static struct tok *peek(struct nft_parser *p)
{
	while (p->braces > 0 && p->toks[p->i].kind == T_EOL)
		skip(p, 1);
	return &p->toks[p->i];
}

static struct tok *next(struct nft_parser *p)
{
	struct tok *t = peek(p);

	if (t->kind != T_END)
		skip(p, 1);
	return t;
}

static bool is_word(const struct tok *t, const char *w)
{
	return t->kind == T_WORD && !strcmp(t->s, w);
}

static bool is_punct(const struct tok *t, char c)
{
	return t->kind == T_PUNCT && t->punct == c;
}

static const char *tok_text(const struct tok *t)
{
	static char pc[2][4];
	static unsigned int k;

	switch (t->kind) {
	case T_WORD:
	case T_STRING:
		return t->s;
	case T_PUNCT:
		k ^= 1;
		snprintf(pc[k], sizeof(pc[k]), "%c", t->punct);
		return pc[k];
	case T_EOL:
		return "end of line";
	case T_END:
		break;
	}
	return "end of text";
}

static int fail_at(struct nft_parser *p, const struct tok *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_at(struct nft_parser *p, const struct tok *t, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rxs__nft_fail(&p->e, t->line, t->col, "%s", msg);
}

/* "unexpected 'x' (did you mean 'y'?)" against the words that could stand here. */
static int unexpected(struct nft_parser *p, const struct tok *t, const char *what,
		      const char *const *words, size_t n)
{
	const char *near = t->kind == T_WORD ? rxs__suggest(t->s, words, n) : NULL;

	if (near)
		return fail_at(p, t, "unknown %s '%s' (did you mean '%s'?)", what, tok_text(t), near);
	return fail_at(p, t, "unexpected '%s', expected %s", tok_text(t), what);
}

static int expect_punct(struct nft_parser *p, char c)
{
	struct tok *t = next(p);

	if (!is_punct(t, c))
		return fail_at(p, t, "unexpected '%s', expected '%c'", tok_text(t), c);
	return 0;
}

static const char *word(struct nft_parser *p, const char *what)
{
	struct tok *t = next(p);

	if (t->kind != T_WORD && t->kind != T_STRING) {
		fail_at(p, t, "unexpected '%s', expected %s", tok_text(t), what);
		return NULL;
	}
	return t->s;
}

static void skip_eols(struct nft_parser *p)
{
	while (peek(p)->kind == T_EOL || is_punct(peek(p), ';'))
		skip(p, 1);
}

/* ---- variables ---- */

#define RXS_NFT_MAX_WORDS (1u << 20)

struct nft_define {
	const char *name;
	unsigned int first, n;		/* its value: tokens of the parser's vals */
};

struct expander {
	struct tok *out, *vals;
	unsigned int nout, outcap, nvals, valcap;
	struct nft_define *defs;
	unsigned int ndefs, defcap;
};

static struct nft_define *define_find(struct expander *x, const char *name)
{
	for (unsigned int i = 0; i < x->ndefs; i++)
		if (x->defs[i].name && !strcmp(x->defs[i].name, name))
			return &x->defs[i];
	return NULL;
}

/* Token @t, or the value of the variable it names ("$NAME") at @t's place, onto @arr. */
static int put_expanded(struct nft_parser *p, struct expander *x, const struct tok *t,
			struct tok **arr, unsigned int *n, unsigned int *cap)
{
	const struct nft_define *d;

	if (t->kind != T_WORD || !strchr(t->s, '$'))
		return put_tok(arr, n, cap, *t) ? rxs__nft_fail(&p->e, 0, 0, "out of memory") : 0;
	if (t->s[0] != '$' || strchr(t->s + 1, '$'))
		return fail_at(p, t, "'%s': a variable stands alone, as '$NAME'", t->s);
	d = define_find(x, t->s + 1);
	if (!d) {
		const char *names[64];
		const char *near;
		size_t k = 0;

		for (unsigned int i = 0; i < x->ndefs && k < ARRAY_SIZE(names); i++)
			if (x->defs[i].name)
				names[k++] = x->defs[i].name;
		near = rxs__suggest(t->s + 1, names, k);
		return fail_at(p, t, "undefined variable '%s'%s%s%s", t->s + 1,
			       near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
	}
	/* Variables made of variables double at each step: a bound, not an exhausted memory. */
	if (*n + d->n > RXS_NFT_MAX_WORDS)
		return fail_at(p, t, "variables expand to more than %u words", RXS_NFT_MAX_WORDS);
	for (unsigned int i = 0; i < d->n; i++) {
		struct tok v = x->vals[d->first + i];

		/* An error in the value is reported where it is used. */
		v.line = t->line;
		v.col = t->col;
		if (put_tok(arr, n, cap, v))
			return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	}
	return 0;
}

/* "define NAME = VALUE", "redefine NAME = VALUE" or "undefine NAME" from token @i: the token
 * after it, or 0 with the error set. The value runs to the end of the line, braces across
 * lines; variables in it are replaced now, so it holds the values they had. */
static unsigned int define_read(struct nft_parser *p, struct expander *x, unsigned int i)
{
	const struct tok *kw = &p->toks[i], *nt = &p->toks[i + 1];
	struct nft_define *d;
	int depth = 0;

	if (nt->kind != T_WORD)
		return fail_at(p, nt, "unexpected '%s', expected a variable name", tok_text(nt)), 0;
	d = define_find(x, nt->s);
	if (is_word(kw, "undefine")) {
		if (!d)
			return fail_at(p, nt, "undefined variable '%s'", nt->s), 0;
		d->name = NULL;
		return i + 2;
	}
	if (d && is_word(kw, "define"))
		return fail_at(p, nt, "variable '%s' is defined already (use redefine)", nt->s), 0;
	if (!is_word(&p->toks[i + 2], "="))
		return fail_at(p, &p->toks[i + 2], "unexpected '%s', expected '='",
			       tok_text(&p->toks[i + 2])), 0;
	if (!d) {
		if (x->ndefs == x->defcap) {
			unsigned int c = x->defcap ? 2 * x->defcap : 16;
			struct nft_define *a = rxs__realloc(x->defs, c * sizeof(*a));

			if (!a)
				return rxs__nft_fail(&p->e, 0, 0, "out of memory"), 0;
			x->defs = a;
			x->defcap = c;
		}
		d = &x->defs[x->ndefs++];
	}
	d->name = NULL;		/* not its own value's */
	d->first = x->nvals;
	for (i += 3; p->toks[i].kind != T_END; i++) {
		const struct tok *t = &p->toks[i];

		if (depth == 0 && (t->kind == T_EOL || is_punct(t, ';')))
			break;
		depth += is_punct(t, '{') - is_punct(t, '}');
		if (t->kind == T_EOL)
			continue;
		if (put_expanded(p, x, t, &x->vals, &x->nvals, &x->valcap))
			return 0;
	}
	d->n = x->nvals - d->first;
	if (!d->n)
		return fail_at(p, nt, "variable '%s' has no value", nt->s), 0;
	d->name = nt->s;
	return i;
}

/* The variables of an nft script: each "$NAME" replaced by its value's tokens, the lines that
 * define them taken out, before the parse; "include" refused where it stands. */
static int expand_defines(struct nft_parser *p)
{
	struct expander x = { 0 };
	bool line_start = true;
	int rc = 0;

	for (unsigned int i = 0; !rc && i < p->ntoks;) {
		const struct tok *t = &p->toks[i];

		if (line_start && (is_word(t, "define") || is_word(t, "redefine") ||
				   is_word(t, "undefine"))) {
			unsigned int j = define_read(p, &x, i);

			rc = j ? 0 : p->e.rc;
			i = j;
			continue;
		}
		if (line_start && is_word(t, "include")) {
			rc = fail_at(p, t, "'include' is not supported: put the included rules in "
				     "the text (or the scenario's `nftables: { file: F }`)");
			break;
		}
		line_start = t->kind == T_EOL || is_punct(t, ';') || is_punct(t, '{');
		rc = put_expanded(p, &x, t, &x.out, &x.nout, &x.outcap);
		i++;
	}
	rxs__free(x.vals);
	rxs__free(x.defs);
	if (rc) {
		rxs__free(x.out);
		return rc;
	}
	rxs__free(p->toks);
	p->toks = x.out;
	p->ntoks = p->cap = x.nout;
	return 0;
}

/* ---- values ---- */

static int parse_u64(struct nft_parser *p, const struct tok *t, uint64_t *v)
{
	char *end;

	if (t->kind != T_WORD || !*t->s || *t->s == '-')
		return fail_at(p, t, "'%s' is not a number", tok_text(t));
	errno = 0;
	*v = strtoull(t->s, &end, 0);
	if (errno || *end)
		return fail_at(p, t, "'%s' is not a number", t->s);
	return 0;
}

/* One component value of datatype @dt: a word, or a comma list for bitmask types. */
static int one_value(struct nft_parser *p, uint8_t dt, uint8_t len, struct nft_val *lo,
		     struct nft_val *hi, bool list)
{
	struct tok *t = next(p);
	char buf[256];

	if (t->kind != T_WORD && t->kind != T_STRING)
		return fail_at(p, t, "unexpected '%s', expected a value of type %s", tok_text(t),
			       nft_dtype_names[dt]);
	snprintf(buf, sizeof(buf), "%s", t->s);
	/* ct state established,related: the list is one value of a bitmask type. */
	while (list && (dt == NFT_DT_CTSTATE || dt == NFT_DT_CTSTATUS || dt == NFT_DT_TCPFLAGS) &&
	       is_punct(peek(p), ',') && at(p, 1)->kind == T_WORD) {
		skip(p, 1);
		if (strlen(buf) + strlen(p->toks[p->i].s) + 2 < sizeof(buf)) {
			strcat(buf, ",");
			strcat(buf, p->toks[p->i].s);
		}
		skip(p, 1);
	}
	if (rxs__nft_parse_value(dt, buf, len, lo, hi)) {
		size_t n;
		const struct nft_sym *syms = rxs__nft_syms(dt, &n);
		const char *names[32];
		const char *near;

		for (size_t i = 0; i < n && i < ARRAY_SIZE(names); i++)
			names[i] = syms[i].name;
		near = n ? rxs__suggest(buf, names, RXS_MIN(n, ARRAY_SIZE(names))) : NULL;
		if (near)
			return fail_at(p, t, "'%s' is not a %s (did you mean '%s'?)", buf,
				       nft_dtype_names[dt], near);
		return fail_at(p, t, "'%s' is not a %s", buf, nft_dtype_names[dt]);
	}
	return 0;
}

/* A concatenated value "10.0.0.1 . 22" of keys @dts; every component an interval. */
static int concat_value(struct nft_parser *p, const uint8_t *dts, const uint8_t *lens,
			unsigned int nkeys, struct nft_val *lo, struct nft_val *hi, bool list)
{
	unsigned int off = 0;

	memset(lo, 0, sizeof(*lo));
	memset(hi, 0, sizeof(*hi));
	for (unsigned int k = 0; k < nkeys; k++) {
		struct nft_val a, b;

		if (k && !is_word(peek(p), "."))
			return fail_at(p, peek(p), "unexpected '%s', expected '.' and the next "
				       "part of the concatenation", tok_text(peek(p)));
		if (k)
			skip(p, 1);
		if (one_value(p, dts[k], lens[k], &a, &b, list))
			return p->e.rc;
		memcpy(lo->b + off, a.b, lens[k]);
		memcpy(hi->b + off, b.b, lens[k]);
		off += lens[k];
	}
	return 0;
}

static int parse_verdict(struct nft_parser *p, struct nft_verdict *v)
{
	static const char *const names[] = { "accept", "drop", "continue", "return", "jump",
					     "goto" };
	struct tok *t = next(p);
	int i = t->kind == T_WORD ? rxs__nft_lookup(t->s, names, ARRAY_SIZE(names)) : -1;
	const char *name;

	if (i < 0)
		return unexpected(p, t, "verdict", names, ARRAY_SIZE(names));
	v->code = (uint8_t)(NFT_V_ACCEPT + i);
	if (v->code != NFT_V_JUMP && v->code != NFT_V_GOTO)
		return 0;
	name = word(p, "a chain name");
	if (!name)
		return p->e.rc;
	v->name = rxs__strdup(name);
	return v->name ? 0 : rxs__nft_fail(&p->e, 0, 0, "out of memory");
}

/* Elements "{ a, b : verdict, c timeout 10s }" into @s (the '{' already read). */
static int parse_elements(struct nft_parser *p, struct nft_set *s, const uint8_t *lens)
{
	p->braces++;
	while (!is_punct(peek(p), '}')) {
		struct nft_elem el;
		struct tok *t = peek(p);

		memset(&el, 0, sizeof(el));
		if (t->kind == T_END)
			return fail_at(p, t, "unexpected end of text, expected '}'");
		if (concat_value(p, s->keys, lens, s->nkeys, &el.lo, &el.hi, false))
			return p->e.rc;
		for (;;) {
			struct tok *o = peek(p);
			uint64_t v;

			if (is_word(o, "timeout") || is_word(o, "expires")) {
				bool tmo = is_word(o, "timeout");
				const char *w;

				skip(p, 1);
				w = word(p, "a time");
				if (!w || rxs__nft_parse_time(w, &v))
					return p->e.rc ? p->e.rc : fail_at(p, o, "bad time");
				if (tmo)
					el.timeout = v;
				else
					el.expires = v;
			} else if (is_word(o, "counter")) {
				skip(p, 1);
				el.counter = true;
				if (is_word(peek(p), "packets")) {
					skip(p, 1);
					if (parse_u64(p, next(p), &el.pkts))
						return p->e.rc;
					if (!is_word(next(p), "bytes") ||
					    parse_u64(p, next(p), &el.bytes))
						return p->e.rc ? p->e.rc
							       : fail_at(p, o, "expected 'bytes'");
				}
			} else if (is_word(o, "comment")) {
				skip(p, 2);
			} else {
				break;
			}
		}
		if (!s->interval && memcmp(el.lo.b, el.hi.b, s->klen))
			return fail_at(p, t, "an interval in set '%s', which has no 'flags interval'",
				       s->anon ? "(anonymous)" : s->name);
		/* The verdict comes last: from here the element owns its chain name. */
		if (s->map) {
			if (!is_word(next(p), ":"))
				return fail_at(p, at(p, 0) - (p->i > 0), "expected ':' and a verdict");
			if (parse_verdict(p, &el.v))
				return p->e.rc;
		}
		if (rxs__nft_set_add_elem(s, &el)) {
			rxs__free(el.v.name);
			return rxs__nft_fail(&p->e, 0, 0, "out of memory");
		}
		if (is_punct(peek(p), ','))
			skip(p, 1);
		else if (!is_punct(peek(p), '}'))
			return fail_at(p, peek(p), "unexpected '%s', expected ',' or '}'",
				       tok_text(peek(p)));
	}
	skip(p, 1);
	p->braces--;
	return 0;
}

/* ---- keys ---- */

static const char *const key_words[] = {
	"ip", "ip6", "tcp", "udp", "th", "meta", "ct", "icmp", "icmpv6", "ether", "fib", "iifname",
	"iif", "oifname", "oif", "mark", "l4proto", "pkttype", "nfproto", "iiftype", "oiftype",
	"skuid", "skgid", "cpu",
};

/* meta's keys that nft reads without "meta" (its meta_key_unqualified, and l4proto and
 * nfproto as rxsim always read them). */
static const char *const meta_unqualified[] = { "iifname", "iif", "oifname", "oif", "mark",
						"l4proto", "pkttype", "nfproto", "iiftype",
						"oiftype", "skuid", "skgid", "cpu" };

static const char *const stmt_words[] = {
	"ip", "ip6", "tcp", "udp", "th", "meta", "ct", "icmp", "icmpv6", "ether", "fib", "iifname",
	"iif", "oifname", "oif", "mark", "l4proto", "pkttype", "nfproto", "iiftype", "oiftype",
	"skuid", "skgid", "cpu", "numgen", "jhash", "counter", "limit", "quota", "log", "notrack",
	"reject", "accept", "drop", "continue", "return", "jump", "goto", "update", "add",
	"dnat", "snat", "masquerade", "redirect", "comment",
};

/* "ct original ip saddr", "ct reply proto-dst", the direction @dir read; -1 with the error
 * set. */
static int ct_dir_key(struct nft_parser *p, const struct tok *dir)
{
	static const char *const fields[] = { "ip", "ip6", "saddr", "daddr", "proto-src",
					      "proto-dst", "protocol" };
	uint8_t family = p->n->tables[p->table].family;
	struct tok *f = next(p), *g;
	char field[32];
	int k;

	if (f->kind != T_WORD || rxs__nft_lookup(f->s, fields, ARRAY_SIZE(fields)) < 0)
		return unexpected(p, f, "field", fields, ARRAY_SIZE(fields)), -1;
	snprintf(field, sizeof(field), "%s", f->s);
	if (!strcmp(f->s, "ip") || !strcmp(f->s, "ip6")) {
		g = next(p);
		if (!is_word(g, "saddr") && !is_word(g, "daddr"))
			return fail_at(p, g, "unexpected '%s', expected 'saddr' or 'daddr'",
				       tok_text(g)), -1;
		snprintf(field, sizeof(field), "%s %s", f->s, g->s);
	}
	k = rxs__nft_ct_dir_key(family, dir->s, field);
	if (k < 0)
		return fail_at(p, f, "cannot determine ip protocol version, use \"ip %s\" or "
			       "\"ip6 %s\" instead", f->s, f->s), -1;
	return k;
}

/* One key "ip saddr", "meta l4proto", "iifname", "fib daddr type"; -1 with the error set. */
static int parse_key(struct nft_parser *p)
{
	struct tok *t = next(p), *f;
	const char *proto = t->s;
	char field[32];
	int k;

	if (t->kind != T_WORD)
		return unexpected(p, t, "statement", stmt_words, ARRAY_SIZE(stmt_words)), -1;
	/* meta's unqualified forms, as nft prints them. */
	if (rxs__nft_lookup(t->s, meta_unqualified, ARRAY_SIZE(meta_unqualified)) >= 0)
		return rxs__nft_find_key("meta", t->s);
	if (rxs__nft_lookup(t->s, key_words, ARRAY_SIZE(key_words)) < 0)
		return unexpected(p, t, "statement", stmt_words, ARRAY_SIZE(stmt_words)), -1;
	f = next(p);
	if (f->kind != T_WORD)
		return fail_at(p, f, "unexpected '%s' after '%s'", tok_text(f), proto), -1;
	snprintf(field, sizeof(field), "%s", f->s);
	if (!strcmp(proto, "fib")) {
		/* fib FLAG[ . FLAG]... RESULT: "fib daddr type", "fib saddr . mark . iif oif" */
		const char *flags[5];
		unsigned int nflags = 0;
		struct tok *r;

		flags[nflags++] = f->s;
		while (is_word(peek(p), ".") && nflags < ARRAY_SIZE(flags)) {
			skip(p, 1);
			r = next(p);
			if (r->kind != T_WORD)
				return fail_at(p, r, "expected a fib flag"), -1;
			flags[nflags++] = r->s;
		}
		r = next(p);
		k = r->kind == T_WORD ? rxs__nft_fib_key(flags, nflags, r->s) : -1;
		if (k < 0)
			return fail_at(p, f, "unsupported fib expression (saddr or daddr, with mark, "
				       "iif or oif; result type or oif)"), -1;
		return k;
	}
	if (!strcmp(proto, "ct") && (!strcmp(field, "original") || !strcmp(field, "reply")))
		return ct_dir_key(p, f);
	k = rxs__nft_find_key(proto, field);
	if (k < 0) {
		const char *names[NFT_K_N];
		size_t n = 0;

		for (int i = 0; i < NFT_K_N; i++)
			if (!strcmp(nft_keys[i].proto, proto))
				names[n++] = nft_keys[i].field;
		unexpected(p, f, proto[0] ? "field" : "key", names, n);
		return -1;
	}
	return k;
}

/* "ip saddr . tcp dport": the keys into @keys; their count, or -1. */
static int parse_keys(struct nft_parser *p, uint8_t *keys)
{
	int n = 0;

	for (;;) {
		int k = parse_key(p);

		if (k < 0)
			return -1;
		if (n == NFT_CONCAT_MAX)
			return fail_at(p, at(p, 0) - (p->i > 0), "concatenation of more than %d keys",
				       NFT_CONCAT_MAX), -1;
		keys[n++] = (uint8_t)k;
		if (!is_word(peek(p), "."))
			return n;
		skip(p, 1);
	}
}

static void key_info(const uint8_t *keys, unsigned int n, uint8_t *dts, uint8_t *lens,
		     uint8_t *klen)
{
	*klen = 0;
	for (unsigned int i = 0; i < n; i++) {
		dts[i] = nft_keys[keys[i]].dtype;
		lens[i] = nft_keys[keys[i]].len;
		*klen = (uint8_t)(*klen + lens[i]);
	}
}

/* An anonymous set of the keys' type, its '{' already read. */
static int anon_set(struct nft_parser *p, const uint8_t *keys, unsigned int nkeys, bool vmap)
{
	uint8_t dts[NFT_CONCAT_MAX], lens[NFT_CONCAT_MAX];
	int si = rxs__nft_add_set(p->n, p->table, NULL);
	struct nft_set *s;

	if (si < 0)
		return rxs__nft_fail(&p->e, 0, 0, "out of memory"), -1;
	s = &p->n->sets[si];
	s->nkeys = (uint8_t)nkeys;
	key_info(keys, nkeys, dts, lens, &s->klen);
	memcpy(s->keys, dts, nkeys);
	memcpy(s->typeof_key, (int[NFT_CONCAT_MAX]){ keys[0], nkeys > 1 ? keys[1] : -1,
						     nkeys > 2 ? keys[2] : -1,
						     nkeys > 3 ? keys[3] : -1 },
	       sizeof(s->typeof_key));
	s->interval = s->constant = true;
	s->map = s->vmap = vmap;
	if (parse_elements(p, s, lens))
		return -1;
	return si;
}

static int set_ref(struct nft_parser *p, const struct tok *t, unsigned int klen)
{
	int si = rxs__nft_find_set(p->n, p->table, t->s + 1);
	const char *near;

	if (si < 0) {
		const char *names[64];
		size_t n = 0;

		for (unsigned int i = 0; i < p->n->nsets && n < ARRAY_SIZE(names); i++)
			if (!p->n->sets[i].anon && p->n->sets[i].table == p->table)
				names[n++] = p->n->sets[i].name;
		near = rxs__suggest(t->s + 1, names, n);
		if (near)
			return fail_at(p, t, "unknown set '%s' (did you mean '%s'?)", t->s + 1, near),
			       -1;
		return fail_at(p, t, "unknown set '%s'", t->s + 1), -1;
	}
	(void)klen;	/* checked once every set is read (rxs__nft_finish) */
	return si;
}

/* A number: 32 bits at most; -1 with the error set. */
static int parse_u32(struct nft_parser *p, uint32_t *v)
{
	struct tok *t = next(p);
	uint64_t x;

	if (parse_u64(p, t, &x))
		return -1;
	if (x > UINT32_MAX)
		return fail_at(p, t, "'%s' is more than 32 bits", t->s), -1;
	*v = (uint32_t)x;
	return 0;
}

/* numgen inc|random mod N [offset O] | jhash KEYS mod N [seed S] [offset O]: the generator's
 * key, its numbers in @g; -1 with the error set. */
static int parse_gen(struct nft_parser *p, struct nft_gen *g)
{
	struct tok *t = next(p), *m;
	const char *why;
	int k, n;

	memset(g, 0, sizeof(*g));
	if (is_word(t, "symhash"))
		return fail_at(p, t, "symhash is not supported (the kernel hashes the flow with a "
			       "key drawn at boot)"), -1;
	if (is_word(t, "numgen")) {
		m = next(p);
		if (!is_word(m, "inc") && !is_word(m, "random"))
			return fail_at(p, m, "unexpected '%s', expected 'inc' or 'random'",
				       tok_text(m)), -1;
		k = is_word(m, "inc") ? NFT_K_NUMGEN_INC : NFT_K_NUMGEN_RANDOM;
	} else {
		m = peek(p);
		n = parse_keys(p, g->keys);
		if (n < 0)
			return -1;
		g->nkeys = (uint8_t)n;
		for (int i = 0; i < n; i++) {
			const struct nft_keydesc *d = &nft_keys[g->keys[i]];

			if (!rxs__nft_jhash_key_ok(g->keys[i]))
				return fail_at(p, m, "jhash of '%s %s' is not supported (only keys "
					       "the kernel holds in network order)", d->proto,
					       d->field), -1;
		}
		k = NFT_K_JHASH;
	}
	t = next(p);
	if (!is_word(t, "mod"))
		return fail_at(p, t, "unexpected '%s', expected 'mod'", tok_text(t)), -1;
	m = peek(p);
	if (parse_u32(p, &g->mod))
		return -1;
	if (k == NFT_K_JHASH && is_word(peek(p), "seed")) {
		skip(p, 1);
		g->has_seed = true;
		if (parse_u32(p, &g->seed))
			return -1;
	}
	if (is_word(peek(p), "offset")) {
		skip(p, 1);
		if (parse_u32(p, &g->offset))
			return -1;
	}
	why = rxs__nft_gen_init(g, k);
	if (why)
		return fail_at(p, m, "%s", why), -1;
	return k;
}

/* key [op] value | key { set } | key @set | key vmap ... */
static int parse_match(struct nft_parser *p, struct nft_rule *r)
{
	static const char *const ops[] = { "==", "!=", "<", ">", "<=", ">=" };
	uint8_t keys[NFT_CONCAT_MAX], dts[NFT_CONCAT_MAX], lens[NFT_CONCAT_MAX], klen;
	struct nft_gen gen, *g = NULL;
	bool is_gen = is_word(peek(p), "numgen") || is_word(peek(p), "jhash") ||
		      is_word(peek(p), "symhash");
	int nkeys = is_gen ? 1 : parse_keys(p, keys), op;
	struct nft_stmt *s;
	struct tok *t;

	if (is_gen) {
		int k = parse_gen(p, &gen);

		if (k < 0)
			return p->e.rc;
		keys[0] = (uint8_t)k;
	}
	if (nkeys < 0)
		return p->e.rc;
	key_info(keys, (unsigned int)nkeys, dts, lens, &klen);
	s = rxs__nft_rule_push(r);
	if (!s)
		return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	if (is_gen) {
		/* the statement owns it from here, as a match until it turns out a map */
		g = rxs__malloc(sizeof(*g));
		if (!g)
			return rxs__nft_fail(&p->e, 0, 0, "out of memory");
		*g = gen;
		s->kind = NFT_S_MATCH;
		s->u.m.gen = g;
	}
	t = peek(p);
	if (is_word(t, "set") && nkeys == 1 && keys[0] == NFT_K_META_PRIORITY) {
		struct nft_val v, hi;

		skip(p, 1);
		s->kind = NFT_S_META_PRIORITY_SET;
		s->u.mark.key = -1;
		if (one_value(p, NFT_DT_CLASSID, 4, &v, &hi, false))
			return p->e.rc;
		s->u.mark.value = (uint32_t)v.b[0] << 24 | (uint32_t)v.b[1] << 16 |
				  (uint32_t)v.b[2] << 8 | v.b[3];
		return 0;
	}
	if (is_word(t, "set") && nkeys == 1 &&
	    (keys[0] == NFT_K_META_MARK || keys[0] == NFT_K_CT_MARK)) {
		struct tok *v;

		skip(p, 1);
		s->kind = keys[0] == NFT_K_META_MARK ? NFT_S_META_MARK_SET : NFT_S_CT_MARK_SET;
		s->u.mark.key = -1;
		v = peek(p);
		if (is_word(v, "meta") || is_word(v, "ct") || is_word(v, "mark")) {
			int k = parse_key(p);

			if (k != NFT_K_META_MARK && k != NFT_K_CT_MARK)
				return p->e.rc ? p->e.rc : fail_at(p, v, "only a mark can be set from a key");
			s->u.mark.key = k;
			return 0;
		}
		uint64_t m;

		if (parse_u64(p, next(p), &m) || m > 0xffffffffu)
			return p->e.rc ? p->e.rc : fail_at(p, v, "a mark is 32 bits");
		s->u.mark.value = (uint32_t)m;
		return 0;
	}
	s->kind = NFT_S_MATCH;
	s->u.m.nkeys = (uint8_t)nkeys;
	memcpy(s->u.m.keys, keys, (size_t)nkeys);
	s->u.m.klen = klen;
	s->u.m.set = -1;
	if (is_word(t, "vmap")) {
		skip(p, 1);
		s->kind = NFT_S_VMAP;
		s->u.vmap.nkeys = (uint8_t)nkeys;
		memcpy(s->u.vmap.keys, keys, (size_t)nkeys);
		s->u.vmap.klen = klen;
		s->u.vmap.gen = g;
		t = next(p);
		if (is_punct(t, '{'))
			s->u.vmap.set = anon_set(p, keys, (unsigned int)nkeys, true);
		else if (t->kind == T_WORD && t->s[0] == '@')
			s->u.vmap.set = set_ref(p, t, klen);
		else
			return fail_at(p, t, "unexpected '%s', expected '{' or '@map'", tok_text(t));
		return s->u.vmap.set < 0 ? p->e.rc : 0;
	}
	/* "tcp flags & (fin|syn|rst|ack) == syn" and "tcp flags syn / fin,syn,rst,ack". */
	if (is_word(t, "&") && nkeys == 1) {
		if (rxs__nft_bitfield(keys[0]))
			return fail_at(p, t, "a mask on '%s %s', a bit field, is not supported "
				       "(nft lists it as a raw payload)",
				       nft_keys[keys[0]].proto, nft_keys[keys[0]].field);
		skip(p, 1);
		bool paren = is_punct(peek(p), '(');

		if (paren)
			skip(p, 1);
		if (one_value(p, dts[0], lens[0], &s->u.m.hi, &s->u.m.v, true))
			return p->e.rc;
		if (paren && expect_punct(p, ')'))
			return p->e.rc;
		t = next(p);
		if (!is_word(t, "==") && !is_word(t, "!="))
			return fail_at(p, t, "unexpected '%s', expected '==' or '!='", tok_text(t));
		s->u.m.neg = is_word(t, "!=");
		s->u.m.op = NFT_OP_MASK;
		return one_value(p, dts[0], lens[0], &s->u.m.v, &(struct nft_val){ 0 }, true);
	}
	op = t->kind == T_WORD ? rxs__nft_lookup(t->s, ops, ARRAY_SIZE(ops)) : -1;
	if (op >= 0)
		skip(p, 1);
	t = peek(p);
	if (is_punct(t, '{') || (t->kind == T_WORD && t->s[0] == '@')) {
		skip(p, 1);
		if (op > 1)
			return fail_at(p, t, "a set lookup takes '==' or '!=' only");
		s->u.m.op = NFT_OP_LOOKUP;
		s->u.m.neg = op == 1;
		s->u.m.set = is_punct(t, '{') ? anon_set(p, keys, (unsigned int)nkeys, false)
					      : set_ref(p, t, klen);
		return s->u.m.set < 0 ? p->e.rc : 0;
	}
	if (nkeys == 1 && dts[0] == NFT_DT_FIBOIF && is_word(peek(p), "exists")) {
		/* "oif exists" is oif != missing (an all-zero name) */
		skip(p, 1);
		s->u.m.op = op == 1 ? NFT_OP_EQ : NFT_OP_NE;
		return 0;
	}
	if (concat_value(p, dts, lens, (unsigned int)nkeys, &s->u.m.v, &s->u.m.hi, true))
		return p->e.rc;
	if (nkeys == 1 && is_word(peek(p), "/") &&
	    (dts[0] == NFT_DT_TCPFLAGS || dts[0] == NFT_DT_CTSTATE || dts[0] == NFT_DT_CTSTATUS)) {
		skip(p, 1);
		s->u.m.op = NFT_OP_MASK;
		s->u.m.neg = op == 1;
		return one_value(p, dts[0], lens[0], &s->u.m.hi, &(struct nft_val){ 0 }, true);
	}
	if (memcmp(s->u.m.v.b, s->u.m.hi.b, klen)) {
		/* A prefix or a range: nft's bitwise + cmp, or its range expression. */
		if (op > 1)
			return fail_at(p, at(p, 0) - (p->i > 0), "a range takes '==' or '!=' only");
		s->u.m.op = NFT_OP_RANGE;
		s->u.m.neg = op == 1;
		return 0;
	}
	if (op < 0 && nkeys == 1 &&
	    (dts[0] == NFT_DT_CTSTATE || dts[0] == NFT_DT_CTSTATUS || dts[0] == NFT_DT_TCPFLAGS)) {
		s->u.m.op = NFT_OP_FLAGS;
		return 0;
	}
	/* iifname "eth*": a wildcard is a prefix of the name. */
	if (nkeys == 1 && dts[0] == NFT_DT_IFNAME) {
		size_t l = strnlen((const char *)s->u.m.v.b, lens[0]);

		if (l && s->u.m.v.b[l - 1] == '*') {
			s->u.m.v.b[l - 1] = 0;
			memset(s->u.m.hi.b, 0xff, lens[0]);
			memcpy(s->u.m.hi.b, s->u.m.v.b, l - 1);
			s->u.m.op = NFT_OP_RANGE;
			s->u.m.neg = op == 1;
			return 0;
		}
	}
	s->u.m.op = (uint8_t)(op < 0 ? NFT_OP_EQ : op);
	return 0;
}

/* ---- statements ---- */

static const char *const units[] = { "second", "minute", "hour", "day", "week" };
static const uint64_t unit_secs[] = { 1, 60, 3600, 86400, 604800 };

static int byte_unit(const char *w, uint64_t *mul)
{
	static const char *const names[] = { "bytes", "kbytes", "mbytes", "gbytes" };
	int i = rxs__nft_lookup(w, names, ARRAY_SIZE(names));

	if (i < 0)
		return -1;
	*mul = 1ull << (10 * i);
	return 0;
}

/* limit rate [over] N[/unit | unit/unit] [burst B packets|bytes-unit] */
static int parse_limit(struct nft_parser *p, struct nft_limit *l)
{
	struct tok *t = next(p);
	char buf[64], *slash;
	uint64_t mul = 1;
	int u;

	if (!is_word(t, "rate"))
		return fail_at(p, t, "unexpected '%s', expected 'rate'", tok_text(t));
	if (is_word(peek(p), "over")) {
		skip(p, 1);
		l->invert = true;
	}
	t = next(p);
	if (t->kind != T_WORD)
		return fail_at(p, t, "expected a rate like 10/second");
	snprintf(buf, sizeof(buf), "%s", t->s);
	slash = strchr(buf, '/');
	if (!slash) {
		/* "10 mbytes/second": the count, then the unit with its period. */
		struct tok *w = next(p);

		if (w->kind != T_WORD || !(slash = strchr(w->s, '/')))
			return fail_at(p, w, "expected a rate like 10/second or 10 mbytes/second");
		*slash = '\0';
		if (byte_unit(w->s, &mul))
			return fail_at(p, w, "unknown unit '%s'", w->s);
		*slash = '/';
		l->bytes = true;
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s", slash);
		/* A count as long as the buffer leaves no room for the unit. */
		if (!(slash = strchr(buf, '/')))
			return fail_at(p, t, "expected a rate like 10/second or 10 mbytes/second");
	}
	*slash = '\0';
	if (parse_u64(p, &(struct tok){ .kind = T_WORD, .s = buf, .line = t->line, .col = t->col },
		      &l->rate))
		return p->e.rc;
	l->rate *= mul;
	u = rxs__nft_lookup(slash + 1, units, ARRAY_SIZE(units));
	if (u < 0)
		return unexpected(p, &(struct tok){ .kind = T_WORD, .s = slash + 1, .line = t->line,
						    .col = t->col }, "time unit", units,
				  ARRAY_SIZE(units));
	l->unit_s = unit_secs[u];
	if (is_word(peek(p), "burst")) {
		skip(p, 1);
		if (parse_u64(p, next(p), &l->burst))
			return p->e.rc;
		t = next(p);
		if (is_word(t, "packets")) {
			if (l->bytes)
				return fail_at(p, t, "a byte rate takes a burst in bytes");
		} else if (!byte_unit(t->kind == T_WORD ? t->s : "", &mul) && l->bytes) {
			l->burst *= mul;
		} else {
			return fail_at(p, t, "unexpected '%s', expected 'packets' or a byte unit",
				       tok_text(t));
		}
	}
	if (rxs__nft_limit_init(l))
		return fail_at(p, t, "limit rate out of range");
	return 0;
}

static int parse_reject(struct nft_parser *p, struct nft_stmt *s)
{
	static const char *const kinds[] = { "icmp", "icmpx", "icmpv6", "tcp" };
	struct tok *t;
	int k;

	s->kind = NFT_S_REJECT;
	s->u.reject.kind = NFT_REJECT_DEFAULT;
	if (!is_word(peek(p), "with"))
		return 0;
	skip(p, 1);
	t = next(p);
	k = t->kind == T_WORD ? rxs__nft_lookup(t->s, kinds, ARRAY_SIZE(kinds)) : -1;
	if (k < 0)
		return unexpected(p, t, "reject type", kinds, ARRAY_SIZE(kinds));
	if (k == 3) {
		s->u.reject.kind = NFT_REJECT_TCP_RST;
		return is_word(next(p), "reset") ? 0 : fail_at(p, t, "expected 'tcp reset'");
	}
	s->u.reject.kind = (uint8_t)(NFT_REJECT_ICMP + k);
	if (is_word(peek(p), "type"))
		skip(p, 1);
	t = next(p);
	if (t->kind != T_WORD || rxs__nft_reject_code(s->u.reject.kind, t->s, &s->u.reject.code))
		return fail_at(p, t, "unknown %s reject type '%s'", kinds[k], tok_text(t));
	return 0;
}

static int parse_log(struct nft_parser *p, struct nft_stmt *s)
{
	static const char *const levels[] = { "emerg", "alert", "crit", "err", "warn", "notice",
					      "info", "debug" };

	s->kind = NFT_S_LOG;
	s->u.log.level = 4;
	for (;;) {
		struct tok *t = peek(p);

		if (is_word(t, "prefix")) {
			struct tok *v;

			skip(p, 1);
			v = next(p);
			if (v->kind != T_STRING && v->kind != T_WORD)
				return fail_at(p, v, "expected a prefix string");
			rxs__free(s->u.log.prefix);
			s->u.log.prefix = rxs__strdup(v->s);
			if (!s->u.log.prefix)
				return rxs__nft_fail(&p->e, 0, 0, "out of memory");
		} else if (is_word(t, "level")) {
			int l;

			skip(p, 1);
			t = next(p);
			l = t->kind == T_WORD ? rxs__nft_lookup(t->s, levels, ARRAY_SIZE(levels)) : -1;
			if (l < 0)
				return unexpected(p, t, "log level", levels, ARRAY_SIZE(levels));
			s->u.log.level = (uint8_t)l;
			s->u.log.has_level = true;
		} else if (is_word(t, "flags") || is_word(t, "group") || is_word(t, "snaplen") ||
			   is_word(t, "queue-threshold")) {
			skip(p, 2);
			while (is_punct(peek(p), ',') && at(p, 1)->kind == T_WORD)
				skip(p, 2);
		} else {
			return 0;
		}
	}
}

static int parse_quota(struct nft_parser *p, struct nft_stmt *s)
{
	uint64_t v, mul;
	struct tok *t;

	s->kind = NFT_S_QUOTA;
	if (is_word(peek(p), "over") || is_word(peek(p), "until")) {
		s->u.quota.invert = is_word(peek(p), "over");
		skip(p, 1);
	}
	if (parse_u64(p, next(p), &v))
		return p->e.rc;
	t = next(p);
	if (t->kind != T_WORD || byte_unit(t->s, &mul))
		return fail_at(p, t, "unexpected '%s', expected a byte unit", tok_text(t));
	s->u.quota.bytes = v * mul;
	if (is_word(peek(p), "used")) {
		skip(p, 1);
		if (parse_u64(p, next(p), &v))
			return p->e.rc;
		t = next(p);
		if (t->kind != T_WORD || byte_unit(t->s, &mul))
			return fail_at(p, t, "unexpected '%s', expected a byte unit", tok_text(t));
		s->u.quota.used = v * mul;
	}
	return 0;
}

/* update @set { key [timeout T] [limit ...] [counter] } */
static int parse_dynset(struct nft_parser *p, struct nft_stmt *s, bool update)
{
	struct tok *t = next(p);
	uint8_t keys[NFT_CONCAT_MAX], dts[NFT_CONCAT_MAX], lens[NFT_CONCAT_MAX], klen;
	int nkeys, si;

	s->kind = update ? NFT_S_SET_UPDATE : NFT_S_SET_ADD;
	if (t->kind != T_WORD || t->s[0] != '@')
		return fail_at(p, t, "unexpected '%s', expected '@set'", tok_text(t));
	if (expect_punct(p, '{'))
		return p->e.rc;
	nkeys = parse_keys(p, keys);
	if (nkeys < 0)
		return p->e.rc;
	key_info(keys, (unsigned int)nkeys, dts, lens, &klen);
	si = set_ref(p, t, klen);
	if (si < 0)
		return p->e.rc;
	s->u.dyn.set = si;
	s->u.dyn.nkeys = (uint8_t)nkeys;
	memcpy(s->u.dyn.keys, keys, (size_t)nkeys);
	s->u.dyn.klen = klen;
	for (;;) {
		t = next(p);
		if (is_punct(t, '}'))
			break;
		if (is_word(t, "timeout")) {
			const char *w = word(p, "a time");

			if (!w || rxs__nft_parse_time(w, &s->u.dyn.timeout))
				return p->e.rc ? p->e.rc : fail_at(p, t, "bad timeout");
		} else if (is_word(t, "limit")) {
			s->u.dyn.limit = rxs__calloc(1, sizeof(*s->u.dyn.limit));
			if (!s->u.dyn.limit)
				return rxs__nft_fail(&p->e, 0, 0, "out of memory");
			if (parse_limit(p, s->u.dyn.limit))
				return p->e.rc;
		} else if (is_word(t, "counter")) {
			s->u.dyn.counter = true;
		} else {
			static const char *const w[] = { "timeout", "limit", "counter" };

			return unexpected(p, t, "set statement", w, ARRAY_SIZE(w));
		}
	}
	if (!p->n->sets[si].dynamic && !p->n->sets[si].timeout_flag)
		p->n->sets[si].dynamic = true;	/* nft adds the flag itself */
	return 0;
}

static int parse_nat(struct nft_parser *p, struct nft_stmt *s, uint8_t kind)
{
	s->kind = NFT_S_NAT;
	s->u.nat.kind = kind;
	if (is_word(peek(p), "ip") || is_word(peek(p), "ip6"))
		skip(p, 1);
	if (is_word(peek(p), "to")) {
		const char *w;

		skip(p, 1);
		w = word(p, "an address or :port");
		if (!w)
			return p->e.rc;
		s->u.nat.to = rxs__strdup(w);
		if (!s->u.nat.to)
			return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	} else if (kind == NFT_NAT_DNAT || kind == NFT_NAT_SNAT) {
		return fail_at(p, peek(p), "unexpected '%s', expected 'to'", tok_text(peek(p)));
	}
	while (peek(p)->kind == T_WORD &&
	       (is_word(peek(p), "random") || is_word(peek(p), "persistent") ||
		is_word(peek(p), "fully-random")))
		skip(p, 1);
	while (is_punct(peek(p), ',') && at(p, 1)->kind == T_WORD)
		skip(p, 2);
	return 0;
}

/* meta nftrace set 0|1: read and printed; rxsim has no trace to turn on. */
static int parse_nftrace(struct nft_parser *p, struct nft_rule *r)
{
	struct nft_stmt *s = rxs__nft_rule_push(r);
	struct tok *t;
	uint64_t v;

	if (!s)
		return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	s->kind = NFT_S_NFTRACE_SET;
	s->line = peek(p)->line;
	s->col = peek(p)->col;
	skip(p, is_word(peek(p), "meta") ? 2 : 1);
	t = next(p);
	if (!is_word(t, "set"))
		return fail_at(p, t, "unexpected '%s', expected 'set'", tok_text(t));
	t = next(p);
	if (parse_u64(p, t, &v) || v > 1)
		return p->e.rc ? p->e.rc : fail_at(p, t, "nftrace is 0 or 1");
	s->u.mark.value = (uint32_t)v;
	return 0;
}

static int parse_stmt(struct nft_parser *p, struct nft_rule *r)
{
	struct tok *t = peek(p);
	struct nft_stmt *s;

	if ((is_word(t, "meta") && is_word(at(p, 1), "nftrace")) || is_word(t, "nftrace"))
		return parse_nftrace(p, r);
	if (is_word(t, "numgen") || is_word(t, "jhash") || is_word(t, "symhash"))
		return parse_match(p, r);
	if (t->kind == T_WORD && (rxs__nft_lookup(t->s, key_words, ARRAY_SIZE(key_words)) >= 0) &&
	    !(is_word(t, "ct") && is_word(at(p, 1), "count")))
		return parse_match(p, r);
	if (is_word(t, "comment")) {
		const char *c;

		skip(p, 1);
		c = word(p, "a comment");
		if (!c)
			return p->e.rc;
		rxs__free(r->comment);
		r->comment = rxs__strdup(c);
		return r->comment ? 0 : rxs__nft_fail(&p->e, 0, 0, "out of memory");
	}
	s = rxs__nft_rule_push(r);
	if (!s)
		return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	s->line = t->line;
	s->col = t->col;
	skip(p, 1);
	if (is_word(t, "counter")) {
		s->kind = NFT_S_COUNTER;
		if (is_word(peek(p), "name")) {		/* a named counter of the table */
			const struct tok *nt;
			int oi;

			skip(p, 1);
			nt = next(p);
			if (nt->kind != T_WORD && nt->kind != T_STRING)
				return fail_at(p, nt, "expected a counter's name");
			oi = rxs__nft_find_counter(p->n, p->table, nt->s);
			if (oi < 0)
				return fail_at(p, nt, "no counter '%s' in table '%s' (declare it first: "
					       "counter %s { })", nt->s, p->n->tables[p->table].name,
					       nt->s);
			s->u.counter.obj = (unsigned int)oi + 1;
			return 0;
		}
		if (is_word(peek(p), "packets")) {
			skip(p, 1);
			if (parse_u64(p, next(p), &s->u.counter.pkts))
				return p->e.rc;
			if (!is_word(next(p), "bytes"))
				return fail_at(p, at(p, 0) - (p->i > 0), "expected 'bytes'");
			return parse_u64(p, next(p), &s->u.counter.bytes);
		}
		return 0;
	}
	if (is_word(t, "limit")) {
		s->kind = NFT_S_LIMIT;
		return parse_limit(p, &s->u.limit);
	}
	if (is_word(t, "quota"))
		return parse_quota(p, s);
	if (is_word(t, "log"))
		return parse_log(p, s);
	if (is_word(t, "notrack")) {
		s->kind = NFT_S_NOTRACK;
		return 0;
	}
	if (is_word(t, "reject"))
		return parse_reject(p, s);
	if (is_word(t, "ct")) {		/* ct count [over] N */
		uint64_t v;

		skip(p, 1);
		s->kind = NFT_S_CT_COUNT;
		if (is_word(peek(p), "over")) {
			skip(p, 1);
			s->u.ctcount.invert = true;
		}
		if (parse_u64(p, next(p), &v) || v > 0xffffffffu)
			return p->e.rc ? p->e.rc : fail_at(p, t, "ct count out of range");
		s->u.ctcount.count = (uint32_t)v;
		return 0;
	}
	if (is_word(t, "update") || is_word(t, "add"))
		return parse_dynset(p, s, is_word(t, "update"));
	if (is_word(t, "dnat") || is_word(t, "snat") || is_word(t, "masquerade") ||
	    is_word(t, "redirect"))
		return parse_nat(p, s, is_word(t, "dnat")	    ? NFT_NAT_DNAT
				      : is_word(t, "snat")	    ? NFT_NAT_SNAT
				      : is_word(t, "masquerade") ? NFT_NAT_MASQ
								 : NFT_NAT_REDIRECT);
	p->i--;
	s->kind = NFT_S_VERDICT;
	if (t->kind == T_WORD && rxs__nft_lookup(t->s, (const char *const[]){ "accept", "drop",
			"continue", "return", "jump", "goto" }, 6) >= 0)
		return parse_verdict(p, &s->u.verdict);
	r->nstmts--;
	return unexpected(p, t, "statement", stmt_words, ARRAY_SIZE(stmt_words));
}

static int parse_rule(struct nft_parser *p, unsigned int chain)
{
	struct tok *first = peek(p);
	int ri = rxs__nft_add_rule(p->n, chain);
	struct nft_rule *r;
	bool verdict = false;

	if (ri < 0)
		return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	r = &p->n->rules[ri];
	r->line = first->line;
	r->col = first->col;
	for (;;) {
		struct tok *t = peek(p);

		if (t->kind == T_EOL || t->kind == T_END || is_punct(t, ';') || is_punct(t, '}'))
			break;
		if (verdict && !is_word(t, "comment"))
			return fail_at(p, t, "'%s' after the rule's verdict", tok_text(t));
		if (parse_stmt(p, &p->n->rules[ri]))
			return p->e.rc;
		r = &p->n->rules[ri];
		verdict = r->nstmts && (r->stmts[r->nstmts - 1].kind == NFT_S_VERDICT ||
					r->stmts[r->nstmts - 1].kind == NFT_S_REJECT ||
					r->stmts[r->nstmts - 1].kind == NFT_S_VMAP);
	}
	return 0;
}

/* ---- chains, sets, tables ---- */

/* "type filter hook input priority 0;" */
static int parse_base(struct nft_parser *p, struct nft_chain *c)
{
	const struct nft_table *tb = &p->n->tables[c->table];
	struct tok *t = next(p);
	int i;

	i = t->kind == T_WORD ? rxs__nft_lookup(t->s, nft_chain_type_names, 3) : -1;
	if (i < 0)
		return unexpected(p, t, "chain type", nft_chain_type_names, 3);
	/* rxsim's NAT core translates IPv4 alone: an IPv6 nat chain would be ignored. */
	if (i == NFT_TYPE_NAT && tb->family == NFT_FAM_IP6)
		return fail_at(p, t, "'nat' chains of family ip6 are not supported (NAT is "
			       "modelled for IPv4 only)");
	c->type = (uint8_t)i;
	c->base = true;
	t = next(p);
	if (!is_word(t, "hook"))
		return fail_at(p, t, "unexpected '%s', expected 'hook'", tok_text(t));
	t = next(p);
	i = t->kind == T_WORD ? rxs__nft_lookup(t->s, nft_hook_names, NFT_NHOOKS) : -1;
	if (i < 0)
		return unexpected(p, t, "hook", nft_hook_names, NFT_NHOOKS);
	if ((tb->family == NFT_FAM_NETDEV) != (i == NFT_HOOK_INGRESS))
		return fail_at(p, t, "hook '%s' is not a hook of family %s", t->s,
			       nft_family_names[tb->family]);
	c->hook = i;
	if (is_word(peek(p), "device") || is_word(peek(p), "devices")) {
		const char *d;

		skip(p, 1);
		if (is_word(peek(p), "="))
			skip(p, 1);
		if (is_punct(peek(p), '{'))
			return fail_at(p, peek(p), "one device per netdev chain is supported");
		d = word(p, "a device name");
		if (!d)
			return p->e.rc;
		rxs__free(c->dev);
		c->dev = rxs__strdup(d);
		if (!c->dev)
			return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	}
	t = next(p);
	if (!is_word(t, "priority"))
		return fail_at(p, t, "unexpected '%s', expected 'priority'", tok_text(t));
	t = next(p);
	if (t->kind != T_WORD)
		return fail_at(p, t, "expected a priority");
	{
		char text[64];
		char *end;
		long v = strtol(t->s, &end, 10);

		snprintf(text, sizeof(text), "%s", t->s);
		if (*end || end == t->s) {
			if (rxs__nft_named_prio(t->s, tb->family, c->hook, &c->prio)) {
				static const char *const names[] = { "raw", "mangle", "dstnat",
								     "filter", "security",
								     "srcnat" };

				return unexpected(p, t, "priority", names, ARRAY_SIZE(names));
			}
			/* "filter + 10", "mangle - 5" */
			if (is_word(peek(p), "+") || is_word(peek(p), "-")) {
				bool minus = is_word(peek(p), "-");
				uint64_t d;

				skip(p, 1);
				if (parse_u64(p, next(p), &d) || d > 10000)
					return p->e.rc ? p->e.rc : fail_at(p, t, "bad priority");
				c->prio += minus ? -(int)d : (int)d;
				snprintf(text + strlen(text), sizeof(text) - strlen(text), " %c %u",
					 minus ? '-' : '+', (unsigned int)d);
			}
		} else {
			if (v < -2147483647L || v > 2147483647L)
				return fail_at(p, t, "priority out of range");
			c->prio = (int)v;
		}
		rxs__free(c->prio_text);	/* a second "type ... priority" line */
		c->prio_text = rxs__strdup(text);
		if (!c->prio_text)
			return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	}
	if (c->type == NFT_TYPE_NAT && c->hook == NFT_HOOK_INGRESS)
		return fail_at(p, t, "a nat chain cannot hook ingress");
	return 0;
}

/* The body of chain @ci, its '{' read: base chain's type and policy, rules. A chain given
 * again (a second block, `add chain`) keeps its rules and takes the new ones after them,
 * as nft adds them; its hook cannot change. */
static int chain_body(struct nft_parser *p, int ci, bool fresh)
{
	static const char *const words[] = { "type", "policy", "comment" };

	for (;;) {
		struct nft_chain *c = &p->n->chains[ci];
		struct nft_chain was = *c;
		struct tok *t;

		skip_eols(p);
		t = peek(p);
		if (is_punct(t, '}')) {
			skip(p, 1);
			return 0;
		}
		if (t->kind == T_END)
			return fail_at(p, t, "unexpected end of text in chain '%s'", c->name);
		if (is_word(t, "type")) {
			skip(p, 1);
			if (parse_base(p, c))
				return p->e.rc;
			/* nf_tables_updchain(): a base chain's hook and type stay as they are. */
			if (!fresh && was.base && (was.type != c->type || was.hook != c->hook ||
						   was.prio != c->prio))
				return fail_at(p, t, "chain '%s' is a base chain already, "
					       "of another hook, type or priority (EBUSY)",
					       c->name);
			if (!was.base && !fresh)
				return fail_at(p, t, "chain '%s' is a regular chain "
					       "already: it cannot become a base chain "
					       "(EOPNOTSUPP)", c->name);
		} else if (is_word(t, "policy")) {
			struct tok *v;

			skip(p, 1);
			v = next(p);
			if (!is_word(v, "accept") && !is_word(v, "drop"))
				return fail_at(p, v, "unexpected '%s', expected 'accept' or 'drop'",
					       tok_text(v));
			c->policy = is_word(v, "accept") ? NFT_V_ACCEPT : NFT_V_DROP;
		} else if (is_word(t, "comment") && at(p, 1)->kind == T_STRING) {
			skip(p, 2);
		} else if (t->kind == T_WORD) {
			if (parse_rule(p, (unsigned int)ci))
				return p->e.rc;
		} else {
			return unexpected(p, t, "rule", words, ARRAY_SIZE(words));
		}
	}
}

/* Chain @nt of the current table: the one of that name, or a new one (*@fresh). */
static int chain_named(struct nft_parser *p, const struct tok *nt, bool *fresh)
{
	int ci;

	if (nt->kind != T_WORD && nt->kind != T_STRING)
		return fail_at(p, nt, "expected a chain name"), -1;
	ci = rxs__nft_find_chain(p->n, p->table, nt->s);
	*fresh = ci < 0;
	if (ci >= 0)
		return ci;
	ci = rxs__nft_add_chain(p->n, p->table, nt->s);
	if (ci < 0)
		return rxs__nft_fail(&p->e, 0, 0, "out of memory"), -1;
	p->n->chains[ci].line = nt->line;
	p->n->chains[ci].col = nt->col;
	return ci;
}

/* "chain NAME { ... }" in a table's block. */
static int parse_chain(struct nft_parser *p)
{
	bool fresh;
	int ci = chain_named(p, next(p), &fresh);

	if (ci < 0 || expect_punct(p, '{'))
		return p->e.rc;
	return chain_body(p, ci, fresh);
}

/* "type ipv4_addr . inet_service : verdict" or "typeof ip saddr . tcp dport" */
static int parse_set_type(struct nft_parser *p, struct nft_set *s, bool is_typeof)
{
	unsigned int n = 0;

	for (;;) {
		struct tok *t = peek(p);
		int dt;

		if (n == NFT_CONCAT_MAX)
			return fail_at(p, t, "concatenation of more than %d types", NFT_CONCAT_MAX);
		if (is_typeof) {
			int k = parse_key(p);

			if (k < 0)
				return p->e.rc;
			s->typeof_key[n] = k;
			dt = nft_keys[k].dtype;
		} else {
			skip(p, 1);
			dt = t->kind == T_WORD ? rxs__nft_lookup(t->s, nft_dtype_names, NFT_DT_N)
					       : -1;
			if (dt < 0 || dt == NFT_DT_VERDICT)
				return unexpected(p, t, "set type", nft_dtype_names, NFT_DT_VERDICT);
		}
		s->keys[n++] = (uint8_t)dt;
		if (!is_word(peek(p), "."))
			break;
		skip(p, 1);
	}
	s->nkeys = (uint8_t)n;
	if (is_word(peek(p), ":")) {
		struct tok *t;

		skip(p, 1);
		t = next(p);
		if (!is_word(t, "verdict"))
			return fail_at(p, t, "only verdict maps are supported ('%s')", tok_text(t));
		s->map = s->vmap = true;
	}
	return 0;
}

static unsigned int dtype_len(uint8_t dt)
{
	for (int k = 0; k < NFT_K_N; k++)
		if (nft_keys[k].dtype == dt)
			return nft_keys[k].len;
	return 4;
}

/* The lengths of named set @s's key components, as its declaration gave them. */
static void set_lens(const struct nft_set *s, uint8_t *lens)
{
	for (unsigned int i = 0; i < s->nkeys; i++)
		lens[i] = (uint8_t)(s->typeof_key[i] >= 0 ? nft_keys[s->typeof_key[i]].len
							  : dtype_len(s->keys[i]));
}

static int parse_set(struct nft_parser *p, bool map)
{
	static const char *const words[] = { "type", "typeof", "flags", "timeout", "size",
					     "elements", "comment", "policy", "gc-interval",
					     "counter", "auto-merge" };
	struct tok *nt = next(p);
	uint8_t lens[NFT_CONCAT_MAX];
	struct nft_set *s;
	int si;

	if (nt->kind != T_WORD && nt->kind != T_STRING)
		return fail_at(p, nt, "expected a set name");
	si = rxs__nft_find_set(p->n, p->table, nt->s);
	if (si >= 0 && p->n->sets[si].line)
		return fail_at(p, nt, "set '%s' declared twice", nt->s);
	if (si < 0)
		si = rxs__nft_add_set(p->n, p->table, nt->s);
	if (si < 0)
		return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	p->n->sets[si].line = nt->line;
	p->n->sets[si].col = nt->col;
	if (expect_punct(p, '{'))
		return p->e.rc;
	for (;;) {
		struct tok *t;
		int w;

		skip_eols(p);
		t = next(p);
		s = &p->n->sets[si];
		if (is_punct(t, '}'))
			break;
		w = t->kind == T_WORD ? rxs__nft_lookup(t->s, words, ARRAY_SIZE(words)) : -1;
		switch (w) {
		case 0:
		case 1:
			if (parse_set_type(p, s, w == 1))
				return p->e.rc;
			set_lens(s, lens);
			s->klen = 0;
			for (unsigned int i = 0; i < s->nkeys; i++)
				s->klen = (uint8_t)(s->klen + lens[i]);
			if (map != s->map)
				return fail_at(p, t, map ? "a map needs 'type KEY : verdict'"
							 : "a set with ':' must be declared as a map");
			break;
		case 2:
			do {
				static const char *const fl[] = { "constant", "interval", "timeout",
								  "dynamic" };
				struct tok *f = next(p);
				int k = f->kind == T_WORD ? rxs__nft_lookup(f->s, fl, 4) : -1;

				if (k < 0)
					return unexpected(p, f, "set flag", fl, 4);
				s->constant |= k == 0;
				s->interval |= k == 1;
				s->timeout_flag |= k == 2;
				s->dynamic |= k == 3;
			} while (is_punct(peek(p), ',') && (skip(p, 1), true));
			break;
		case 3: {
			const char *v = word(p, "a time");

			if (!v || rxs__nft_parse_time(v, &s->timeout))
				return p->e.rc ? p->e.rc : fail_at(p, t, "bad timeout");
			s->timeout_flag = true;
			break;
		}
		case 4: {
			uint64_t v;

			if (parse_u64(p, next(p), &v) || v > 0xffffffffu)
				return p->e.rc ? p->e.rc : fail_at(p, t, "bad size");
			s->size = (uint32_t)v;
			break;
		}
		case 5:
			if (!s->nkeys)
				return fail_at(p, t, "elements before the set's type");
			if (!is_word(next(p), "=") || expect_punct(p, '{'))
				return p->e.rc ? p->e.rc : fail_at(p, t, "expected 'elements = {'");
			if (parse_elements(p, s, lens))
				return p->e.rc;
			break;
		case 6:
		case 7:
		case 8:
			skip(p, 1);
			break;
		case 9:
		case 10:
			break;
		default:
			return unexpected(p, t, "set keyword", words, ARRAY_SIZE(words));
		}
	}
	if (!p->n->sets[si].nkeys)
		return fail_at(p, nt, "set '%s' has no type", nt->s);
	return 0;
}

/* Declare the sets and maps of the table whose body starts at token @i, so a rule may name
 * one declared below it, as nft allows (their bodies are read where they stand). */
static int predeclare_sets(struct nft_parser *p, unsigned int i)
{
	int depth = 1;

	for (; depth > 0 && i + 2 < p->ntoks && p->toks[i].kind != T_END; i++) {
		const struct tok *t = &p->toks[i];

		depth += is_punct(t, '{') - is_punct(t, '}');
		if (depth != 1 || !(is_word(t, "set") || is_word(t, "map")) ||
		    (p->toks[i + 1].kind != T_WORD && p->toks[i + 1].kind != T_STRING) ||
		    !is_punct(&p->toks[i + 2], '{') ||
		    rxs__nft_find_set(p->n, p->table, p->toks[i + 1].s) >= 0)
			continue;
		if (rxs__nft_add_set(p->n, p->table, p->toks[i + 1].s) < 0)
			return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	}
	return 0;
}

/* After "ct helper NAME", "flowtable NAME", "counter NAME"...: true, positioned on the '{'. */
static bool is_object(struct nft_parser *p, const struct tok *t)
{
	unsigned int words = 1;

	if (is_word(t, "ct") && (is_word(at(p, 0), "helper") || is_word(at(p, 0), "timeout") ||
				 is_word(at(p, 0), "expectation")))
		words = 2;
	else if (!is_word(t, "flowtable") && !is_word(t, "counter") && !is_word(t, "quota") &&
		 !is_word(t, "limit") && !is_word(t, "secmark") && !is_word(t, "synproxy"))
		return false;
	if (at(p, words - 1)->kind != T_WORD && at(p, words - 1)->kind != T_STRING)
		return false;
	if (!is_punct(at(p, words), '{'))
		return false;
	skip(p, words);
	return true;
}

/* `counter NAME { [packets N bytes M] }` in the current table; is_object() stood on '{'. */
static int parse_counter_obj(struct nft_parser *p, const struct tok *kw)
{
	const struct tok *nt = &p->toks[p->i - 1];	/* the name, before the '{' */
	uint64_t pkts = 0, bytes = 0;

	(void)kw;
	if (rxs__nft_find_counter(p->n, p->table, nt->s) >= 0)
		return fail_at(p, nt, "counter '%s' is declared twice", nt->s);
	skip(p, 1);	/* '{' */
	skip_eols(p);
	if (is_word(peek(p), "packets")) {
		skip(p, 1);
		if (parse_u64(p, next(p), &pkts))
			return p->e.rc;
		if (!is_word(next(p), "bytes"))
			return fail_at(p, at(p, 0) - (p->i > 0), "expected 'bytes'");
		if (parse_u64(p, next(p), &bytes))
			return p->e.rc;
		skip_eols(p);
	}
	if (expect_punct(p, '}'))
		return p->e.rc;
	if (rxs__nft_add_counter(p->n, p->table, nt->s, pkts, bytes) < 0)
		return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	return 0;
}

/* Past the block whose '{' is the current token. */
static int skip_block(struct nft_parser *p)
{
	int depth = 0;

	do {
		struct tok *t = &p->toks[p->i];

		if (t->kind == T_END)
			return fail_at(p, t, "unexpected end of text, expected '}'");
		depth += is_punct(t, '{') - is_punct(t, '}');
		p->i++;
	} while (depth > 0);
	return 0;
}

/* The family a command names, or ip when the next word is not one ("table filter"), as nft
 * takes it; -1 with the error set for a family rxsim does not have. */
static int cmd_family(struct nft_parser *p)
{
	struct tok *t = peek(p);
	int fam = t->kind == T_WORD ? rxs__nft_lookup(t->s, nft_family_names, NFT_FAM_N) : -1;

	if (fam >= 0) {
		skip(p, 1);
		return fam;
	}
	if (is_word(t, "arp") || is_word(t, "bridge"))
		return fail_at(p, t, "family '%s' is not supported (ip, ip6, inet, netdev)", t->s),
		       -1;
	return NFT_FAM_IP;
}

enum { REF_FIND, REF_ADD, REF_CREATE };

/* The table a command names ("[FAMILY] NAME"), made the current one: the one there is
 * (REF_FIND, ENOENT without), that or a new one (REF_ADD), a new one (REF_CREATE, EEXIST
 * if there is one). Its index, or -1 with the error set. */
static int table_ref(struct nft_parser *p, int how)
{
	int fam = cmd_family(p);
	struct tok *nt;
	int ti;

	if (fam < 0)
		return -1;
	nt = next(p);
	if (nt->kind != T_WORD && nt->kind != T_STRING)
		return fail_at(p, nt, "unexpected '%s', expected a table name", tok_text(nt)), -1;
	ti = rxs__nft_find_table(p->n, (uint8_t)fam, nt->s);
	if (ti >= 0 && how == REF_CREATE)
		return fail_at(p, nt, "table '%s %s' exists already (EEXIST)",
			       nft_family_names[fam], nt->s), -1;
	if (ti < 0 && how == REF_FIND) {
		for (unsigned int i = 0; i < p->n->ntables; i++)
			if (!strcmp(p->n->tables[i].name, nt->s))
				return fail_at(p, nt, "no table '%s %s' (ENOENT; did you mean table "
					       "'%s %s'?)", nft_family_names[fam], nt->s,
					       nft_family_names[p->n->tables[i].family], nt->s), -1;
		return fail_at(p, nt, "no table '%s %s' (ENOENT)", nft_family_names[fam], nt->s),
		       -1;
	}
	if (ti < 0)
		ti = rxs__nft_add_table(p->n, (uint8_t)fam, nt->s);
	if (ti < 0)
		return rxs__nft_fail(&p->e, 0, 0, "out of memory"), -1;
	p->table = (unsigned int)ti;
	return ti;
}

/* The chain a command names in the current table (ENOENT without), or -1. */
static int chain_ref(struct nft_parser *p)
{
	struct tok *nt = next(p);
	const char *names[64];
	const char *near;
	size_t n = 0;
	int ci;

	if (nt->kind != T_WORD && nt->kind != T_STRING)
		return fail_at(p, nt, "unexpected '%s', expected a chain name", tok_text(nt)), -1;
	ci = rxs__nft_find_chain(p->n, p->table, nt->s);
	if (ci >= 0)
		return ci;
	for (unsigned int i = 0; i < p->n->nchains && n < ARRAY_SIZE(names); i++)
		if (p->n->chains[i].table == p->table)
			names[n++] = p->n->chains[i].name;
	near = rxs__suggest(nt->s, names, n);
	return fail_at(p, nt, "no chain '%s' in table '%s' (ENOENT%s%s%s)", nt->s,
		       p->n->tables[p->table].name, near ? "; did you mean '" : "",
		       near ? near : "", near ? "'?" : ""), -1;
}

/* The body of table @ti, its '{' read. */
static int table_body(struct nft_parser *p, int ti)
{
	if (predeclare_sets(p, p->i))
		return p->e.rc;
	for (;;) {
		static const char *const words[] = { "chain", "set", "map", "flags", "comment", "ct",
					     "flowtable" };
		struct tok *t;

		skip_eols(p);
		t = next(p);
		if (is_punct(t, '}'))
			return 0;
		if (is_word(t, "chain")) {
			if (parse_chain(p))
				return p->e.rc;
		} else if (is_word(t, "set") || is_word(t, "map")) {
			if (parse_set(p, is_word(t, "map")))
				return p->e.rc;
		} else if (is_word(t, "flags") || is_word(t, "comment")) {
			skip(p, 1);
		} else if (is_word(t, "counter") && is_object(p, t)) {
			if (parse_counter_obj(p, t))
				return p->e.rc;
		} else if (is_object(p, t)) {
			/* Other stateful objects and flowtables (ct helper, ct timeout, a named
			 * quota): nothing of the receive path reads them unless a rule names them,
			 * which is refused where it stands. */
			if (skip_block(p))
				return p->e.rc;
		} else if (t->kind == T_END) {
			return fail_at(p, t, "unexpected end of text in table '%s'",
				       p->n->tables[ti].name);
		} else {
			return unexpected(p, t, "table keyword", words, ARRAY_SIZE(words));
		}
	}
}

/* "[add|create] table [FAMILY] NAME [{ ... }]" */
static int cmd_table(struct nft_parser *p, int how)
{
	int ti = table_ref(p, how);

	if (ti < 0)
		return p->e.rc;
	if (!is_punct(peek(p), '{'))
		return 0;
	skip(p, 1);
	return table_body(p, ti);
}

/* "[add|create] chain [FAMILY] TABLE NAME [{ type ...; policy ...; }]" */
static int cmd_chain(struct nft_parser *p, int how)
{
	struct tok *nt;
	bool fresh;
	int ci;

	if (table_ref(p, REF_FIND) < 0)
		return p->e.rc;
	nt = peek(p);
	ci = chain_named(p, next(p), &fresh);
	if (ci < 0)
		return p->e.rc;
	if (!fresh && how == REF_CREATE)
		return fail_at(p, nt, "chain '%s' exists already (EEXIST)", nt->s);
	if (!is_punct(peek(p), '{'))
		return 0;
	skip(p, 1);
	return chain_body(p, ci, fresh);
}

/* "add|insert rule [FAMILY] TABLE CHAIN [index N] STATEMENTS": appended, or after rule N;
 * inserted first, or before rule N. */
static int cmd_rule(struct nft_parser *p, bool insert)
{
	struct nft_chain *c;
	uint64_t idx = 0;
	bool placed = false;
	unsigned int pos, ri;
	int ci;

	if (table_ref(p, REF_FIND) < 0 || (ci = chain_ref(p)) < 0)
		return p->e.rc;
	if (is_word(peek(p), "index")) {
		struct tok *t;

		skip(p, 1);
		t = peek(p);
		if (parse_u64(p, next(p), &idx))
			return p->e.rc;
		if (idx >= p->n->chains[ci].nrules)
			return fail_at(p, t, "no rule at index %llu of chain '%s', which has %u "
				       "(ENOENT)", (unsigned long long)idx, p->n->chains[ci].name,
				       p->n->chains[ci].nrules);
		placed = true;
	} else if (is_word(peek(p), "position") || is_word(peek(p), "handle")) {
		return fail_at(p, peek(p), "rule handles are not kept: place the rule with "
			       "'index N' (its place in the chain, from 0)");
	}
	if (peek(p)->kind != T_WORD)
		return fail_at(p, peek(p), "unexpected '%s', expected a rule's statements",
			       tok_text(peek(p)));
	if (parse_rule(p, (unsigned int)ci))
		return p->e.rc;
	c = &p->n->chains[ci];
	ri = c->rules[c->nrules - 1];
	pos = insert ? (unsigned int)idx : placed ? (unsigned int)idx + 1 : c->nrules - 1;
	memmove(&c->rules[pos + 1], &c->rules[pos], (c->nrules - 1 - pos) * sizeof(*c->rules));
	c->rules[pos] = ri;
	return 0;
}

/* "[add|create] set|map [FAMILY] TABLE NAME { ... }" */
static int cmd_set(struct nft_parser *p, bool map)
{
	if (table_ref(p, REF_FIND) < 0)
		return p->e.rc;
	return parse_set(p, map);
}

/* "add element [FAMILY] TABLE SET { ELEMENTS }" */
static int cmd_element(struct nft_parser *p)
{
	uint8_t lens[NFT_CONCAT_MAX];
	struct tok *nt;
	int si;

	if (table_ref(p, REF_FIND) < 0)
		return p->e.rc;
	nt = next(p);
	if (nt->kind != T_WORD && nt->kind != T_STRING)
		return fail_at(p, nt, "unexpected '%s', expected a set name", tok_text(nt));
	si = rxs__nft_find_set(p->n, p->table, nt->s);
	if (si < 0)
		return fail_at(p, nt, "no set '%s' in table '%s' (ENOENT)", nt->s,
			       p->n->tables[p->table].name);
	if (expect_punct(p, '{'))
		return p->e.rc;
	set_lens(&p->n->sets[si], lens);
	return parse_elements(p, &p->n->sets[si], lens);
}

/* "[add|create] counter [FAMILY] TABLE NAME [{ packets N bytes M }]" */
static int cmd_counter(struct nft_parser *p, int how)
{
	struct tok *nt;

	if (table_ref(p, REF_FIND) < 0)
		return p->e.rc;
	nt = next(p);
	if (nt->kind != T_WORD && nt->kind != T_STRING)
		return fail_at(p, nt, "unexpected '%s', expected a counter name", tok_text(nt));
	if (rxs__nft_find_counter(p->n, p->table, nt->s) >= 0 && how == REF_ADD &&
	    !is_punct(peek(p), '{'))
		return 0;
	if (is_punct(peek(p), '{'))
		return parse_counter_obj(p, nt);
	if (rxs__nft_find_counter(p->n, p->table, nt->s) >= 0)
		return fail_at(p, nt, "counter '%s' exists already (EEXIST)", nt->s);
	if (rxs__nft_add_counter(p->n, p->table, nt->s, 0, 0) < 0)
		return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	return 0;
}

/* Take out what rxs__nft_remove() says (the error set on no memory). */
static int take_out(struct nft_parser *p, int t, int c, bool whole, int chain_only)
{
	if (rxs__nft_remove(p->n, t, c, whole, chain_only))
		return rxs__nft_fail(&p->e, 0, 0, "out of memory");
	return 0;
}

/* "flush ruleset|table|chain|set ..." (@flush) or "delete|destroy table|chain ..." (@destroy:
 * what is not there is no error). */
static int cmd_remove(struct nft_parser *p, bool flush, bool destroy)
{
	static const char *const fl[] = { "ruleset", "table", "chain", "set", "map" };
	static const char *const del[] = { "table", "chain" };
	struct tok *t = next(p);
	int ti, ci;

	if (flush && is_word(t, "ruleset"))
		return take_out(p, -1, -1, true, -1);
	if (!is_word(t, "table") && !is_word(t, "chain") &&
	    !(flush && (is_word(t, "set") || is_word(t, "map")))) {
		if (flush || t->kind != T_WORD)
			return flush ? unexpected(p, t, "thing to flush", fl, ARRAY_SIZE(fl))
				     : unexpected(p, t, "thing to delete", del, ARRAY_SIZE(del));
		return fail_at(p, t, "only tables and chains can be deleted here, not a %s (rules "
			       "have no handles: flush the chain and add its rules again)", t->s);
	}
	if (destroy) {	/* no table, nothing to destroy (its chain's name is passed over) */
		unsigned int save = p->i;
		int fam = cmd_family(p);
		struct tok *nt = next(p);

		if (fam < 0)
			return p->e.rc;
		if ((nt->kind == T_WORD || nt->kind == T_STRING) &&
		    rxs__nft_find_table(p->n, (uint8_t)fam, nt->s) < 0) {
			if (is_word(t, "chain"))
				skip(p, 1);
			return 0;
		}
		p->i = save;
	}
	if ((ti = table_ref(p, REF_FIND)) < 0)
		return p->e.rc;
	if (is_word(t, "table"))
		return take_out(p, ti, -1, !flush, -1);
	if (is_word(t, "set") || is_word(t, "map")) {
		struct tok *nt = next(p);
		int si = nt->kind == T_WORD || nt->kind == T_STRING
				 ? rxs__nft_find_set(p->n, p->table, nt->s) : -1;

		if (si < 0)
			return fail_at(p, nt, "no set '%s' in table '%s' (ENOENT)", tok_text(nt),
				       p->n->tables[ti].name);
		rxs__nft_set_flush(&p->n->sets[si]);
		return 0;
	}
	if (destroy && (peek(p)->kind == T_WORD || peek(p)->kind == T_STRING) &&
	    rxs__nft_find_chain(p->n, p->table, peek(p)->s) < 0) {
		skip(p, 1);
		return 0;
	}
	if ((ci = chain_ref(p)) < 0)
		return p->e.rc;
	if (flush)
		return take_out(p, -1, ci, false, -1);
	if (p->n->chains[ci].nrules)
		return fail_at(p, t, "chain '%s' has rules (EBUSY): flush it first",
			       p->n->chains[ci].name);
	if (rxs__nft_chain_in_use(p->n, (unsigned int)ti, p->n->chains[ci].name))
		return fail_at(p, t, "a rule jumps to chain '%s' (EBUSY)", p->n->chains[ci].name);
	return take_out(p, -1, -1, false, ci);
}

/*
 * A script of nft commands, as `nft -f` reads it: `table` blocks as `nft list ruleset`
 * prints them, and the commands that build a rule set: add, create and insert (tables,
 * chains, rules, sets, maps, elements, counters; "add" may be left out, as nft allows),
 * flush (ruleset, table, chain, set) and delete or destroy (table, chain), in order.
 * Variables are replaced before (expand_defines()).
 */
static int parse_file(struct nft_parser *p)
{
	static const char *const words[] = { "table", "chain", "rule", "set", "map", "element",
					     "counter", "add", "create", "insert", "flush",
					     "delete", "destroy", "define" };

	for (;;) {
		struct tok *t, *o;
		const char *near;
		int how = REF_ADD;
		bool verb = false;

		skip_eols(p);
		t = next(p);
		if (t->kind == T_END)
			return 0;
		if (is_word(t, "flush") || is_word(t, "delete") || is_word(t, "destroy")) {
			if (cmd_remove(p, is_word(t, "flush"), is_word(t, "destroy")))
				return p->e.rc;
			continue;
		}
		if (is_word(t, "add") || is_word(t, "create") || is_word(t, "insert")) {
			how = is_word(t, "create") ? REF_CREATE : REF_ADD;
			verb = true;
			o = next(p);
		} else {
			o = t;
		}
		if (is_word(t, "insert") && !is_word(o, "rule"))
			return fail_at(p, o, "unexpected '%s', expected 'rule'", tok_text(o));
		if (is_word(o, "table") ? cmd_table(p, how)
		    : is_word(o, "chain") ? cmd_chain(p, how)
		    : is_word(o, "rule") ? cmd_rule(p, is_word(t, "insert"))
		    : is_word(o, "set") || is_word(o, "map") ? cmd_set(p, is_word(o, "map"))
		    : is_word(o, "element") ? cmd_element(p)
		    : is_word(o, "counter") ? cmd_counter(p, how)
					    : -1) {
			if (p->e.rc)
				return p->e.rc;
			if (is_word(o, "nft"))
				return fail_at(p, o, "a shell command: write what follows 'nft' "
					       "(add rule inet filter input ...), one command a "
					       "line");
			near = o->kind == T_WORD ? rxs__suggest(o->s, words, ARRAY_SIZE(words))
						 : NULL;
			if (near)
				return fail_at(p, o, "unknown %s '%s' (did you mean '%s'?)",
					       verb ? "object" : "command", o->s, near);
			return fail_at(p, o, "unexpected '%s', expected %s", tok_text(o),
				       verb ? "table, chain, rule, set, map, element or counter"
					    : "a command (table, add, create, insert, flush, "
					      "delete, destroy, define)");
		}
	}
}

int rxs__nft_parse_text(struct nft_ruleset *n, const char *text, const char *name,
			unsigned int first_line, unsigned int indent, char *err, size_t errlen)
{
	struct nft_parser p = { .n = n, .e = { .name = name ? name : "nftables", .buf = err,
					       .len = errlen } };
	int rc;

	if (errlen)
		err[0] = '\0';
	rc = tokenize(&p, text, first_line ? first_line : 1, indent);
	if (!rc)
		rc = expand_defines(&p);
	if (!rc)
		rc = parse_file(&p);
	if (!rc)
		rc = rxs__nft_finish(n, &p.e);
	rxs__free(p.toks);
	rxs__free(p.buf);
	return rc;
}
