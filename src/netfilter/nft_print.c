/* nft_print.c - nftables rules and rule sets printed back as `nft list ruleset` prints them:
 * tabs, the standard priority names, "counter packets N bytes M" with the simulated counts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "netfilter/nft_int.h"
#include "netfilter/netfilter_int.h"

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (!b->s || b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap : 128);
		char *s;

		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		s = rxs__realloc(b->s, cap);
		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

static void print_time(struct sbuf *b, uint64_t ns);
static void print_limit(struct sbuf *b, const struct nft_limit *l);

static uint64_t get_uint(const uint8_t *b, unsigned int len)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < len; i++)
		v = v << 8 | b[i];
	return v;
}

static const char *sym_name(uint8_t dt, uint64_t v)
{
	size_t n;
	const struct nft_sym *t = rxs__nft_syms(dt, &n);

	if (dt == NFT_DT_SERVICE)
		return NULL;		/* nft prints ports as numbers unless -S */
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return NULL;
}

/* The prefix length when [lo, hi] is a prefix, else -1. */
static int prefix_len(const uint8_t *lo, const uint8_t *hi, unsigned int len)
{
	unsigned int bits = 0, i = 0;

	for (; i < len && lo[i] == hi[i]; i++)
		bits += 8;
	if (i == len)
		return (int)bits;
	for (uint8_t x = lo[i] ^ hi[i]; !(x & 0x80); x = (uint8_t)(x << 1))
		bits++;
	for (unsigned int b = bits; b < 8 * len; b++) {
		unsigned int byte = b / 8, bit = 7 - b % 8;

		if ((lo[byte] >> bit & 1) != 0 || (hi[byte] >> bit & 1) != 1)
			return -1;
	}
	return (int)bits;
}

/* An integer, by its name unless @numeric (nft prints a range's ends as numbers). */
static void print_int(struct sbuf *b, uint8_t dt, uint64_t x, bool numeric)
{
	const char *name = numeric ? NULL : sym_name(dt, x);

	if (name)
		sb_printf(b, "%s", name);
	else if (dt == NFT_DT_DSCP || dt == NFT_DT_ECN || dt == NFT_DT_ETHERTYPE)
		/* their datatypes' basefmt: "0x%.2Zx" (dscp), "0x%.1Zx", "0x%.4Zx" */
		sb_printf(b, "0x%0*llx", dt == NFT_DT_DSCP ? 2 : dt == NFT_DT_ECN ? 1 : 4,
			  (unsigned long long)x);
	else
		sb_printf(b, "%llu", (unsigned long long)x);
}

static void print_one(struct sbuf *b, uint8_t dt, const uint8_t *v, unsigned int len)
{
	char a[INET6_ADDRSTRLEN];
	uint64_t x;

	switch (dt) {
	case NFT_DT_IPV4:
	case NFT_DT_IPV6:
		inet_ntop(dt == NFT_DT_IPV4 ? AF_INET : AF_INET6, v, a, sizeof(a));
		sb_printf(b, "%s", a);
		return;
	case NFT_DT_FIBOIF:
	case NFT_DT_IFNAME:
		if (dt == NFT_DT_FIBOIF && !v[0])
			sb_printf(b, "missing");
		else
			sb_printf(b, "\"%.*s\"", (int)strnlen((const char *)v, len), (const char *)v);
		return;
	case NFT_DT_MARK:
		sb_printf(b, "0x%08llx", (unsigned long long)get_uint(v, len));
		return;
	case NFT_DT_ETHERADDR:
		sb_printf(b, "%02x:%02x:%02x:%02x:%02x:%02x", v[0], v[1], v[2], v[3], v[4], v[5]);
		return;
	case NFT_DT_CLASSID:
		/* tchandle_type_print() */
		x = get_uint(v, len);
		if (x == 0xffffffffu || !x)
			sb_printf(b, "%s", x ? "root" : "none");
		else
			sb_printf(b, "%llx:%llx", (unsigned long long)(x >> 16),
				  (unsigned long long)(x & 0xffff));
		return;
	case NFT_DT_TIME:
		print_time(b, get_uint(v, len) * 1000000ull);
		return;
	case NFT_DT_CTSTATE:
	case NFT_DT_CTSTATUS:
	case NFT_DT_TCPFLAGS: {
		size_t n;
		const struct nft_sym *t = rxs__nft_syms(dt, &n);
		bool first = true;

		x = get_uint(v, len);
		for (size_t i = 0; i < n; i++) {
			if (!(x & t[i].value))
				continue;
			sb_printf(b, "%s%s", first ? "" : ",", t[i].name);
			x &= ~(uint64_t)t[i].value;
			first = false;
		}
		if (x || first)
			sb_printf(b, "%s0x%llx", first ? "" : ",", (unsigned long long)x);
		return;
	}
	default:
		print_int(b, dt, get_uint(v, len), false);
		return;
	}
}

/* One component: a value, a prefix "10.0.0.0/8", a range "1000-2000", a wildcard "eth*". */
static void print_interval(struct sbuf *b, uint8_t dt, const uint8_t *lo, const uint8_t *hi,
			   unsigned int len)
{
	int plen;

	if (!memcmp(lo, hi, len)) {
		print_one(b, dt, lo, len);
		return;
	}
	if (dt == NFT_DT_IFNAME) {
		sb_printf(b, "\"%.*s*\"", (int)strnlen((const char *)lo, len), (const char *)lo);
		return;
	}
	plen = prefix_len(lo, hi, len);
	if (plen >= 0 && (dt == NFT_DT_IPV4 || dt == NFT_DT_IPV6)) {
		print_one(b, dt, lo, len);
		sb_printf(b, "/%d", plen);
		return;
	}
	if (sym_name(dt, get_uint(lo, len)) || sym_name(dt, get_uint(hi, len))) {
		print_int(b, dt, get_uint(lo, len), true);
		sb_printf(b, "-");
		print_int(b, dt, get_uint(hi, len), true);
		return;
	}
	print_one(b, dt, lo, len);
	sb_printf(b, "-");
	print_one(b, dt, hi, len);
}

static unsigned int key_dtype_len(const uint8_t *dts, const int *typeof_key, unsigned int k,
				  uint8_t *dt)
{
	*dt = dts[k];
	if (typeof_key && typeof_key[k] >= 0)
		return nft_keys[typeof_key[k]].len;
	for (int i = 0; i < NFT_K_N; i++)
		if (nft_keys[i].dtype == dts[k])
			return nft_keys[i].len;
	return 4;
}

static void print_concat(struct sbuf *b, const struct nft_set *s, const struct nft_val *lo,
			 const struct nft_val *hi)
{
	unsigned int off = 0;

	for (unsigned int k = 0; k < s->nkeys; k++) {
		uint8_t dt;
		unsigned int len = key_dtype_len(s->keys, s->typeof_key, k, &dt);

		sb_printf(b, "%s", k ? " . " : "");
		print_interval(b, dt, lo->b + off, hi->b + off, len);
		off += len;
	}
}

static void print_verdict(struct sbuf *b, const struct nft_ruleset *n, const struct nft_verdict *v)
{
	static const char *const names[] = { "", "accept", "drop", "continue", "return", "jump",
					     "goto" };

	(void)n;
	sb_printf(b, "%s", names[v->code]);
	if (v->code == NFT_V_JUMP || v->code == NFT_V_GOTO)
		sb_printf(b, " %s", v->name ? v->name : "?");
}

static void print_elements(struct sbuf *b, const struct nft_ruleset *n, const struct nft_set *s,
			   bool values)
{
	sb_printf(b, "{ ");
	for (unsigned int i = 0; i < s->nelems; i++) {
		const struct nft_elem *el = &s->elems[i];

		sb_printf(b, "%s", i ? ", " : "");
		print_concat(b, s, &el->lo, &el->hi);
		if (el->timeout) {
			sb_printf(b, " timeout ");
			print_time(b, el->timeout);
		}
		if (el->limit) {
			sb_printf(b, " ");
			print_limit(b, el->limit);
		}
		if (el->counter && values)
			sb_printf(b, " counter packets %llu bytes %llu", (unsigned long long)el->pkts,
				  (unsigned long long)el->bytes);
		if (s->map) {
			sb_printf(b, " : ");
			print_verdict(b, n, &el->v);
		}
	}
	sb_printf(b, " }");
}

static void print_keys(struct sbuf *b, const uint8_t *keys, unsigned int nkeys)
{
	for (unsigned int k = 0; k < nkeys; k++) {
		const struct nft_keydesc *d = &nft_keys[keys[k]];

		sb_printf(b, "%s", k ? " . " : "");
		/* nft prints the interface keys unqualified. */
		if (!strcmp(d->proto, "meta") &&
		    (!strcmp(d->field, "iifname") || !strcmp(d->field, "iif") ||
		     !strcmp(d->field, "oifname") || !strcmp(d->field, "oif")))
			sb_printf(b, "%s", d->field);
		else
			sb_printf(b, "%s %s", d->proto, d->field);
	}
}

/* "numgen inc mod 2 offset 100", "jhash ip saddr . tcp dport mod 4 seed 0x1 offset 10". */
static void print_gen(struct sbuf *b, int k, const struct nft_gen *g)
{
	if (k == NFT_K_JHASH) {
		sb_printf(b, "jhash ");
		print_keys(b, g->keys, g->nkeys);
	} else {
		sb_printf(b, "numgen %s", nft_keys[k].field);
	}
	sb_printf(b, " mod %u", g->mod);
	if (g->has_seed)
		sb_printf(b, " seed 0x%x", g->seed);
	if (g->offset)
		sb_printf(b, " offset %u", g->offset);
}

/* A time as nft prints it: "1m", "2h30m", "10s", "500ms". */
static void print_time(struct sbuf *b, uint64_t ns)
{
	static const char *const unit[] = { "d", "h", "m", "s" };
	static const uint64_t secs[] = { 86400, 3600, 60, 1 };
	uint64_t s = ns / 1000000000ull, ms = ns / 1000000ull % 1000;

	for (unsigned int i = 0; i < 4; i++) {
		if (s >= secs[i]) {
			sb_printf(b, "%llu%s", (unsigned long long)(s / secs[i]), unit[i]);
			s %= secs[i];
		}
	}
	if (ms || !(ns / 1000000000ull))
		sb_printf(b, "%llums", (unsigned long long)ms);
}

static void print_set_ref(struct sbuf *b, const struct nft_ruleset *n, int si, bool values)
{
	const struct nft_set *s = &n->sets[si];

	if (s->anon)
		print_elements(b, n, s, values);
	else
		sb_printf(b, "@%s", s->name);
}

static void print_limit(struct sbuf *b, const struct nft_limit *l)
{
	static const char *const units[] = { "second", "minute", "hour", "day", "week" };
	static const uint64_t secs[] = { 1, 60, 3600, 86400, 604800 };
	const char *unit = "second";

	for (size_t i = 0; i < ARRAY_SIZE(secs); i++)
		if (secs[i] == l->unit_s)
			unit = units[i];
	sb_printf(b, "limit rate %s", l->invert ? "over " : "");
	if (!l->bytes) {
		sb_printf(b, "%llu/%s", (unsigned long long)l->rate, unit);
		if (l->burst && l->burst != 5)
			sb_printf(b, " burst %llu packets", (unsigned long long)l->burst);
		return;
	}
	{
		static const char *const bu[] = { "bytes", "kbytes", "mbytes", "gbytes" };
		unsigned int i = 0;
		uint64_t r = l->rate;

		while (i < 3 && r && r % 1024 == 0) {
			r /= 1024;
			i++;
		}
		sb_printf(b, "%llu %s/%s", (unsigned long long)r, bu[i], unit);
		if (l->burst) {
			r = l->burst;
			i = 0;
			while (i < 3 && r % 1024 == 0) {
				r /= 1024;
				i++;
			}
			sb_printf(b, " burst %llu %s", (unsigned long long)r, bu[i]);
		}
	}
}

static void print_bytes(struct sbuf *b, uint64_t v)
{
	static const char *const bu[] = { "bytes", "kbytes", "mbytes", "gbytes" };
	unsigned int i = 0;

	while (i < 3 && v && v % 1024 == 0) {
		v /= 1024;
		i++;
	}
	sb_printf(b, "%llu %s", (unsigned long long)v, bu[i]);
}

static void print_match(struct sbuf *b, const struct nft_ruleset *n, const struct nft_stmt *s,
			bool values)
{
	static const char *const ops[] = { "", "!= ", "< ", "> ", "<= ", ">= " };
	const uint8_t k0 = s->u.m.keys[0];
	uint8_t dt = nft_keys[k0].dtype, len = nft_keys[k0].len;
	unsigned int off = 0;

	if (s->u.m.gen)
		print_gen(b, k0, s->u.m.gen);
	else
		print_keys(b, s->u.m.keys, s->u.m.nkeys);
	sb_printf(b, " ");
	switch (s->u.m.op) {
	case NFT_OP_LOOKUP:
		sb_printf(b, "%s", s->u.m.neg ? "!= " : "");
		print_set_ref(b, n, s->u.m.set, values);
		return;
	case NFT_OP_FLAGS:
		sb_printf(b, "%s", s->u.m.neg ? "!= " : "");
		print_one(b, dt, s->u.m.v.b, len);
		return;
	case NFT_OP_MASK:
		if (dt != NFT_DT_CTSTATE && dt != NFT_DT_CTSTATUS && dt != NFT_DT_TCPFLAGS) {
			/* an integer's mask: "ip frag-off & 8191 != 0" */
			sb_printf(b, "& ");
			print_one(b, dt, s->u.m.hi.b, len);
			sb_printf(b, " %s ", s->u.m.neg ? "!=" : "==");
			print_one(b, dt, s->u.m.v.b, len);
			return;
		}
		sb_printf(b, "%s", s->u.m.neg ? "!= " : "");
		print_one(b, dt, s->u.m.v.b, len);
		sb_printf(b, " / ");
		print_one(b, dt, s->u.m.hi.b, len);
		return;
	case NFT_OP_RANGE:
		sb_printf(b, "%s", s->u.m.neg ? "!= " : "");
		break;
	default:
		/* On a bitmask type the bare form is "any of these bits": an exact value says ==. */
		if (s->u.m.op == NFT_OP_EQ && s->u.m.nkeys == 1 &&
		    (dt == NFT_DT_CTSTATE || dt == NFT_DT_CTSTATUS || dt == NFT_DT_TCPFLAGS))
			sb_printf(b, "== ");
		else
			sb_printf(b, "%s", ops[s->u.m.op]);
		break;
	}
	for (unsigned int k = 0; k < s->u.m.nkeys; k++) {
		uint8_t kk = s->u.m.keys[k];

		sb_printf(b, "%s", k ? " . " : "");
		print_interval(b, nft_keys[kk].dtype, s->u.m.v.b + off,
			       (s->u.m.op == NFT_OP_RANGE ? s->u.m.hi.b : s->u.m.v.b) + off,
			       nft_keys[kk].len);
		off += nft_keys[kk].len;
	}
}

static void print_stmt(struct sbuf *b, const struct nft_ruleset *n, const struct nft_stmt *s,
		       bool values)
{
	static const char *const nat[] = { "dnat", "snat", "masquerade", "redirect" };
	static const char *const levels[] = { "emerg", "alert", "crit", "err", "warn", "notice",
					      "info", "debug" };
	static const char *const rk[] = { "", "icmp", "icmpx", "icmpv6", "tcp" };

	switch (s->kind) {
	case NFT_S_MATCH:
		print_match(b, n, s, values);
		break;
	case NFT_S_VERDICT:
		print_verdict(b, n, &s->u.verdict);
		break;
	case NFT_S_VMAP:
		if (s->u.vmap.gen)
			print_gen(b, s->u.vmap.keys[0], s->u.vmap.gen);
		else
			print_keys(b, s->u.vmap.keys, s->u.vmap.nkeys);
		sb_printf(b, " vmap ");
		print_set_ref(b, n, s->u.vmap.set, values);
		break;
	case NFT_S_COUNTER:
		if (s->u.counter.obj)
			sb_printf(b, "counter name \"%s\"", n->counters[s->u.counter.obj - 1].name);
		else if (values)
			sb_printf(b, "counter packets %llu bytes %llu",
				  (unsigned long long)s->u.counter.pkts,
				  (unsigned long long)s->u.counter.bytes);
		else
			sb_printf(b, "counter");
		break;
	case NFT_S_LIMIT:
		print_limit(b, &s->u.limit);
		break;
	case NFT_S_QUOTA:
		sb_printf(b, "quota %s", s->u.quota.invert ? "over " : "");
		print_bytes(b, s->u.quota.bytes);
		/* nft_quota_do_dump() caps what it reports at the quota. */
		if (values && s->u.quota.used) {
			sb_printf(b, " used ");
			print_bytes(b, RXS_MIN(s->u.quota.used, s->u.quota.bytes));
		}
		break;
	case NFT_S_LOG:
		sb_printf(b, "log");
		if (s->u.log.prefix)
			sb_printf(b, " prefix \"%s\"", s->u.log.prefix);
		if (s->u.log.has_level && s->u.log.level != 4)
			sb_printf(b, " level %s", levels[s->u.log.level & 7]);
		break;
	case NFT_S_META_MARK_SET:
	case NFT_S_CT_MARK_SET:
		sb_printf(b, "%s set ", s->kind == NFT_S_META_MARK_SET ? "meta mark" : "ct mark");
		if (s->u.mark.key >= 0)
			sb_printf(b, "%s mark", s->u.mark.key == NFT_K_CT_MARK ? "ct" : "meta");
		else
			sb_printf(b, "0x%08x", s->u.mark.value);
		break;
	case NFT_S_NOTRACK:
		sb_printf(b, "notrack");
		break;
	case NFT_S_META_PRIORITY_SET: {
		uint8_t v[4] = { (uint8_t)(s->u.mark.value >> 24), (uint8_t)(s->u.mark.value >> 16),
				 (uint8_t)(s->u.mark.value >> 8), (uint8_t)s->u.mark.value };

		sb_printf(b, "meta priority set ");
		print_one(b, NFT_DT_CLASSID, v, 4);
		break;
	}
	case NFT_S_NFTRACE_SET:
		sb_printf(b, "meta nftrace set %u", s->u.mark.value);
		break;
	case NFT_S_REJECT:
		sb_printf(b, "reject");
		/* The default (icmpx, or in family ip icmp, port-unreachable) prints bare, as
		 * nft prints it. */
		if (s->u.reject.kind == NFT_REJECT_TCP_RST)
			sb_printf(b, " with tcp reset");
		else if (s->u.reject.kind != NFT_REJECT_DEFAULT &&
			 !(s->u.reject.kind == NFT_REJECT_ICMPX && s->u.reject.code == 1) &&
			 !(s->u.reject.kind == NFT_REJECT_ICMP && s->u.reject.code == 3))
			sb_printf(b, " with %s %s", rk[s->u.reject.kind],
				  rxs__nft_reject_name(s->u.reject.kind, s->u.reject.code));
		break;
	case NFT_S_SET_ADD:
	case NFT_S_SET_UPDATE:
		sb_printf(b, "%s @%s { ", s->kind == NFT_S_SET_ADD ? "add" : "update",
			  n->sets[s->u.dyn.set].name);
		print_keys(b, s->u.dyn.keys, s->u.dyn.nkeys);
		if (s->u.dyn.timeout) {
			sb_printf(b, " timeout ");
			print_time(b, s->u.dyn.timeout);
		}
		if (s->u.dyn.limit) {
			sb_printf(b, " ");
			print_limit(b, s->u.dyn.limit);
		}
		if (s->u.dyn.counter)
			sb_printf(b, " counter");
		sb_printf(b, " }");
		break;
	case NFT_S_CT_COUNT:
		sb_printf(b, "ct count %s%u", s->u.ctcount.invert ? "over " : "", s->u.ctcount.count);
		break;
	case NFT_S_NAT:
		sb_printf(b, "%s", nat[s->u.nat.kind]);
		if (s->u.nat.to)
			sb_printf(b, " to %s", s->u.nat.to);
		break;
	}
}

static char *sb_take(struct sbuf *b)
{
	if (b->oom) {
		rxs__free(b->s);
		return NULL;
	}
	if (!b->s)
		return rxs__strdup("");
	return b->s;
}

/* The type match nft gives an ICMP echo field ("icmp id 1") and lists before it, unless the
 * rule matches the type, or another echo field, before; NULL when it has none. */
static const char *echo_dep(const struct nft_rule *r, unsigned int i)
{
	/* the echo fields, then the types */
	static const uint8_t fields[] = { NFT_K_ICMP_ID, NFT_K_ICMP_SEQUENCE, NFT_K_ICMPV6_ID,
					  NFT_K_ICMPV6_SEQUENCE, NFT_K_ICMP_TYPE,
					  NFT_K_ICMPV6_TYPE };
	const struct nft_stmt *s = &r->stmts[i];
	uint8_t k;

	if (s->kind != NFT_S_MATCH || s->u.m.nkeys != 1)
		return NULL;
	k = s->u.m.keys[0];
	if (!memchr(fields, k, sizeof(fields) - 2))
		return NULL;
	for (unsigned int j = 0; j < i; j++)
		if (r->stmts[j].kind == NFT_S_MATCH && r->stmts[j].u.m.nkeys == 1 &&
		    memchr(fields, r->stmts[j].u.m.keys[0], sizeof(fields)))
			return NULL;
	return k == NFT_K_ICMP_ID || k == NFT_K_ICMP_SEQUENCE
		       ? "icmp type { echo-reply, echo-request } "
		       : "icmpv6 type { echo-request, echo-reply } ";
}

/* nft takes "ct l3proto" just before "ct protocol" for the latter's dependency, and leaves
 * it out of its listing. */
static bool hidden_dep(const struct nft_rule *r, unsigned int i)
{
	const struct nft_stmt *s = &r->stmts[i], *t = &r->stmts[i + 1];

	return i + 1 < r->nstmts && s->kind == NFT_S_MATCH && s->u.m.nkeys == 1 &&
	       s->u.m.keys[0] == NFT_K_CT_L3PROTO && s->u.m.op == NFT_OP_EQ &&
	       t->kind == NFT_S_MATCH && t->u.m.nkeys == 1 && t->u.m.keys[0] == NFT_K_CT_PROTOCOL;
}

char *rxs__nft_rule_text(const struct nft_ruleset *n, const struct nft_rule *r, bool values)
{
	struct sbuf b = { 0 };

	for (unsigned int i = 0; i < r->nstmts; i++) {
		const char *dep = echo_dep(r, i);

		if (hidden_dep(r, i))
			continue;
		sb_printf(&b, "%s%s", b.len ? " " : "", dep ? dep : "");
		print_stmt(&b, n, &r->stmts[i], values);
	}
	if (r->comment)
		sb_printf(&b, "%scomment \"%s\"", r->nstmts ? " " : "", r->comment);
	return sb_take(&b);
}

static void print_prio(struct sbuf *b, const struct nft_chain *c, uint8_t family)
{
	static const char *const names[] = { "raw", "mangle", "dstnat", "filter", "security",
					     "srcnat" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		int p;

		if (!rxs__nft_named_prio(names[i], family, c->hook, &p) && p == c->prio) {
			sb_printf(b, "%s", names[i]);
			return;
		}
	}
	sb_printf(b, "%d", c->prio);
}

static void print_set_decl(struct sbuf *b, const struct nft_ruleset *n, const struct nft_set *s)
{
	sb_printf(b, "\t%s %s {\n\t\ttype ", s->map ? "map" : "set", s->name);
	for (unsigned int k = 0; k < s->nkeys; k++)
		sb_printf(b, "%s%s", k ? " . " : "", nft_dtype_names[s->keys[k]]);
	if (s->map)
		sb_printf(b, " : verdict");
	sb_printf(b, "\n");
	if (s->size)
		sb_printf(b, "\t\tsize %u\n", s->size);
	if (s->constant || s->interval || s->timeout_flag || s->dynamic) {
		const char *sep = "";

		sb_printf(b, "\t\tflags ");
		if (s->constant) {
			sb_printf(b, "constant");
			sep = ",";
		}
		if (s->dynamic) {
			sb_printf(b, "%sdynamic", sep);
			sep = ",";
		}
		if (s->interval) {
			sb_printf(b, "%sinterval", sep);
			sep = ",";
		}
		if (s->timeout_flag)
			sb_printf(b, "%stimeout", sep);
		sb_printf(b, "\n");
	}
	if (s->timeout) {
		sb_printf(b, "\t\ttimeout ");
		print_time(b, s->timeout);
		sb_printf(b, "\n");
	}
	if (s->nelems) {
		sb_printf(b, "\t\telements = ");
		print_elements(b, n, s, true);
		sb_printf(b, "\n");
	}
	sb_printf(b, "\t}\n");
}

static void print_chain(struct sbuf *b, const struct nft_ruleset *n, const struct nft_chain *c)
{
	sb_printf(b, "\tchain %s {\n", c->name);
	if (c->base) {
		sb_printf(b, "\t\ttype %s hook %s", nft_chain_type_names[c->type],
			  nft_hook_names[c->hook]);
		if (c->dev)
			sb_printf(b, " device \"%s\"", c->dev);
		sb_printf(b, " priority ");
		print_prio(b, c, n->tables[c->table].family);
		sb_printf(b, "; policy %s;\n", c->policy == NFT_V_DROP ? "drop" : "accept");
	}
	for (unsigned int i = 0; i < c->nrules; i++) {
		char *t = rxs__nft_rule_text(n, &n->rules[c->rules[i]], true);

		sb_printf(b, "\t\t%s\n", t ? t : "");
		rxs__free(t);
	}
	sb_printf(b, "\t}\n");
}

int rxs__nft_print(const struct nft_ruleset *n, FILE *out)
{
	struct sbuf b = { 0 };
	size_t w;

	for (unsigned int t = 0; t < n->ntables; t++) {
		bool first = true;

		sb_printf(&b, "table %s %s {\n", nft_family_names[n->tables[t].family],
			  n->tables[t].name);
		for (unsigned int i = 0; i < n->nsets; i++) {
			if (n->sets[i].anon || n->sets[i].table != t)
				continue;
			sb_printf(&b, "%s", first ? "" : "\n");
			print_set_decl(&b, n, &n->sets[i]);
			first = false;
		}
		for (unsigned int i = 0; i < n->ncounters; i++) {
			if (n->counters[i].table != t)
				continue;
			sb_printf(&b, "%s\tcounter %s {\n\t\tpackets %llu bytes %llu\n\t}\n",
				  first ? "" : "\n", n->counters[i].name,
				  (unsigned long long)n->counters[i].pkts,
				  (unsigned long long)n->counters[i].bytes);
			first = false;
		}
		for (unsigned int i = 0; i < n->nchains; i++) {
			if (n->chains[i].table != t)
				continue;
			sb_printf(&b, "%s", first ? "" : "\n");
			print_chain(&b, n, &n->chains[i]);
			first = false;
		}
		sb_printf(&b, "}\n");
	}
	if (b.oom) {
		rxs__free(b.s);
		return -ENOMEM;
	}
	w = b.len ? fwrite(b.s, 1, b.len, out) : 0;
	rxs__free(b.s);
	return w == b.len ? 0 : -EIO;
}
