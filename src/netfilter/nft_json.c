/* nft_json.c - `nft -j list ruleset` (libnftables-json(5)) read with jansson.
 *
 * The objects are read in order: tables, then their sets, maps and chains, then rules, as nft
 * writes them. A value is turned into the text nft would print for it ("10.0.0.0/8",
 * "1000-2000", "established,related") and parsed by the same code as the text reader, so both
 * readers agree on every datatype. jansson keeps no position per object; an error names the
 * object instead ("rule 3 of chain input in table inet filter").
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "netfilter/nft_int.h"
#include "rxsim/error.h"

struct jctx {
	struct nft_ruleset *n;
	struct nft_err e;
	char where[160];		/* the object being read, for messages */
	unsigned int table;
};

static int jfail(struct jctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int jfail(struct jctx *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->where[0])
		return rxs__nft_fail(&c->e, 0, 0, "%s: %s", c->where, msg);
	return rxs__nft_fail(&c->e, 0, 0, "%s", msg);
}

static int oom(struct jctx *c)
{
	return rxs__nft_fail(&c->e, 0, 0, "out of memory");
}

/* The one key of a {"key": value} object, or NULL. */
static const char *only_key(json_t *o, json_t **v)
{
	const char *k;
	json_t *val;

	if (!json_is_object(o) || json_object_size(o) != 1)
		return NULL;
	json_object_foreach(o, k, val) {
		*v = val;
		return k;
	}
	return NULL;
}

/* A scalar, a prefix, a range or a list of flags as nft's text writes it. */
static int value_text(json_t *v, char *buf, size_t len)
{
	json_t *in;
	const char *k;

	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return json_integer_value(v) < 0 ? -EINVAL : 0;
	}
	if (json_is_string(v)) {
		snprintf(buf, len, "%s", json_string_value(v));
		return 0;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *e;

		buf[0] = '\0';
		json_array_foreach(v, i, e) {
			if (!json_is_string(e) || strlen(buf) + strlen(json_string_value(e)) + 2 > len)
				return -EINVAL;
			if (i)
				strcat(buf, ",");
			strcat(buf, json_string_value(e));
		}
		return 0;
	}
	k = only_key(v, &in);
	if (k && !strcmp(k, "prefix")) {
		json_t *a = json_object_get(in, "addr"), *l = json_object_get(in, "len");

		if (!json_is_string(a) || !json_is_integer(l))
			return -EINVAL;
		snprintf(buf, len, "%s/%lld", json_string_value(a), (long long)json_integer_value(l));
		return 0;
	}
	if (k && !strcmp(k, "range") && json_is_array(in) && json_array_size(in) == 2) {
		char a[64], b[64];

		if (value_text(json_array_get(in, 0), a, sizeof(a)) ||
		    value_text(json_array_get(in, 1), b, sizeof(b)))
			return -EINVAL;
		snprintf(buf, len, "%s-%s", a, b);
		return 0;
	}
	return -EINVAL;
}

/* One key expression; -1 when it is not one rxsim reads. */
static int key_of(struct jctx *c, json_t *x)
{
	json_t *in;
	const char *k = only_key(x, &in);
	json_t *a, *b;

	if (!k)
		return -1;
	if (!strcmp(k, "payload")) {
		a = json_object_get(in, "protocol");
		b = json_object_get(in, "field");
		if (!json_is_string(a) || !json_is_string(b))
			return -1;
		return rxs__nft_find_key(json_string_value(a), json_string_value(b));
	}
	if (!strcmp(k, "meta") || !strcmp(k, "ct")) {
		a = json_object_get(in, "key");
		b = json_object_get(in, "dir");
		if (!json_is_string(a))
			return -1;
		/* {"ct": {"key": "ip saddr", "dir": "original"}} */
		if (json_is_string(b))
			return rxs__nft_ct_dir_key(c->n->tables[c->table].family,
						   json_string_value(b), json_string_value(a));
		return rxs__nft_find_key(k, json_string_value(a));
	}
	if (!strcmp(k, "fib")) {
		const char *flags[5];
		unsigned int n = 0;
		size_t i;
		json_t *f;

		a = json_object_get(in, "result");
		b = json_object_get(in, "flags");
		if (json_is_string(b))
			flags[n++] = json_string_value(b);
		json_array_foreach(b, i, f) {
			if (!json_is_string(f) || n == ARRAY_SIZE(flags))
				return -1;
			flags[n++] = json_string_value(f);
		}
		return json_is_string(a) ? rxs__nft_fib_key(flags, n, json_string_value(a)) : -1;
	}
	return -1;
}

/* A key or a concatenation of keys into @keys; the count, or -1 with the error set. */
static int keys_of(struct jctx *c, json_t *x, uint8_t *keys)
{
	json_t *in;
	const char *k = only_key(x, &in);
	size_t i;
	json_t *e;
	int n = 0;

	if (k && !strcmp(k, "concat") && json_is_array(in)) {
		if (json_array_size(in) > NFT_CONCAT_MAX || !json_array_size(in))
			return jfail(c, "concatenation of %zu keys", json_array_size(in)), -1;
		json_array_foreach(in, i, e) {
			int kk = key_of(c, e);

			if (kk < 0)
				return jfail(c, "unsupported expression in a concatenation"), -1;
			keys[n++] = (uint8_t)kk;
		}
		return n;
	}
	n = key_of(c, x);
	if (n < 0) {
		char *s = json_dumps(x, JSON_COMPACT);

		jfail(c, "unsupported expression %s", s ? s : "");
		rxs__free(s);
		return -1;
	}
	keys[0] = (uint8_t)n;
	return 1;
}

static uint8_t keys_len(const uint8_t *keys, unsigned int n)
{
	unsigned int l = 0;

	for (unsigned int i = 0; i < n; i++)
		l += nft_keys[keys[i]].len;
	return (uint8_t)l;
}

/* A (possibly concatenated) value for keys of datatypes @dts and lengths @lens. */
static int concat_value(struct jctx *c, json_t *v, const uint8_t *dts, const uint8_t *lens,
			unsigned int nkeys, struct nft_val *lo, struct nft_val *hi)
{
	json_t *in;
	const char *k = only_key(v, &in);
	unsigned int off = 0;

	memset(lo, 0, sizeof(*lo));
	memset(hi, 0, sizeof(*hi));
	if (nkeys > 1 && (!k || strcmp(k, "concat") || !json_is_array(in) ||
			  json_array_size(in) != nkeys))
		return jfail(c, "a value of %u concatenated parts expected", nkeys);
	for (unsigned int i = 0; i < nkeys; i++) {
		json_t *part = nkeys > 1 ? json_array_get(in, i) : v;
		struct nft_val a, b;
		char buf[256];

		if (value_text(part, buf, sizeof(buf)) ||
		    rxs__nft_parse_value(dts[i], buf, lens[i], &a, &b)) {
			char *s = json_dumps(part, JSON_COMPACT | JSON_ENCODE_ANY);

			jfail(c, "%s is not a %s", s ? s : "value", nft_dtype_names[dts[i]]);
			rxs__free(s);
			return c->e.rc;
		}
		memcpy(lo->b + off, a.b, lens[i]);
		memcpy(hi->b + off, b.b, lens[i]);
		off += lens[i];
	}
	return 0;
}

static int verdict_of(struct jctx *c, json_t *x, struct nft_verdict *v)
{
	static const char *const names[] = { "accept", "drop", "continue", "return", "jump",
					     "goto" };
	json_t *in;
	const char *k = only_key(x, &in);
	int i = k ? rxs__nft_lookup(k, names, ARRAY_SIZE(names)) : -1;

	if (i < 0)
		return jfail(c, "not a verdict");
	v->code = (uint8_t)(NFT_V_ACCEPT + i);
	if (v->code == NFT_V_JUMP || v->code == NFT_V_GOTO) {
		json_t *t = json_object_get(in, "target");

		if (!json_is_string(t))
			return jfail(c, "%s without a target", k);
		v->name = rxs__strdup(json_string_value(t));
		if (!v->name)
			return oom(c);
	}
	return 0;
}

static int elem_of(struct jctx *c, struct nft_set *s, json_t *e, const uint8_t *lens)
{
	struct nft_elem el;
	json_t *in, *val = e, *data = NULL;
	const char *k;

	memset(&el, 0, sizeof(el));
	if (s->map) {
		if (!json_is_array(e) || json_array_size(e) != 2)
			return jfail(c, "a map element is [key, verdict]");
		val = json_array_get(e, 0);
		data = json_array_get(e, 1);
	}
	k = only_key(val, &in);
	if (k && !strcmp(k, "elem")) {
		json_t *t = json_object_get(in, "timeout"), *x = json_object_get(in, "expires");

		if (json_is_integer(t))
			el.timeout = (uint64_t)json_integer_value(t) * 1000000000ull;
		if (json_is_integer(x))
			el.expires = (uint64_t)json_integer_value(x) * 1000000000ull;
		if (json_object_get(in, "counter"))
			el.counter = true;
		val = json_object_get(in, "val");
	}
	if (concat_value(c, val, s->keys, lens, s->nkeys, &el.lo, &el.hi))
		return c->e.rc;
	if (!s->interval && memcmp(el.lo.b, el.hi.b, s->klen))
		return jfail(c, "an interval in a set without 'flags interval'");
	/* The verdict comes last: from here the element owns its chain name. */
	if (data && verdict_of(c, data, &el.v))
		return c->e.rc;
	if (rxs__nft_set_add_elem(s, &el)) {
		rxs__free(el.v.name);
		return oom(c);
	}
	return 0;
}

static void set_lens(const struct nft_set *s, uint8_t *lens)
{
	for (unsigned int i = 0; i < s->nkeys; i++) {
		lens[i] = 4;
		if (s->typeof_key[i] >= 0) {
			lens[i] = nft_keys[s->typeof_key[i]].len;
			continue;
		}
		for (int k = 0; k < NFT_K_N; k++)
			if (nft_keys[k].dtype == s->keys[i]) {
				lens[i] = nft_keys[k].len;
				break;
			}
	}
}

/* An anonymous set {"set": [...]} for keys @keys; its index, or -1. */
static int anon_set(struct jctx *c, json_t *elems, const uint8_t *keys, unsigned int nkeys,
		    bool vmap)
{
	int si = rxs__nft_add_set(c->n, c->table, NULL);
	uint8_t lens[NFT_CONCAT_MAX];
	struct nft_set *s;
	size_t i;
	json_t *e;

	if (si < 0)
		return oom(c), -1;
	s = &c->n->sets[si];
	s->nkeys = (uint8_t)nkeys;
	for (unsigned int k = 0; k < nkeys; k++) {
		s->keys[k] = nft_keys[keys[k]].dtype;
		s->typeof_key[k] = keys[k];
		lens[k] = nft_keys[keys[k]].len;
	}
	s->klen = keys_len(keys, nkeys);
	s->interval = s->constant = true;
	s->map = s->vmap = vmap;
	if (!json_is_array(elems))
		elems = json_pack("[O]", elems);
	else
		json_incref(elems);
	if (!elems)
		return oom(c), -1;
	json_array_foreach(elems, i, e) {
		if (elem_of(c, &c->n->sets[si], e, lens)) {
			json_decref(elems);
			return -1;
		}
	}
	json_decref(elems);
	return si;
}

static int set_ref(struct jctx *c, const char *name, unsigned int klen)
{
	int si = rxs__nft_find_set(c->n, c->table, name + 1);

	if (si < 0)
		return jfail(c, "no set '%s' in this table", name + 1), -1;
	if (c->n->sets[si].klen != klen)
		return jfail(c, "set '%s' has a key of another type", name + 1), -1;
	return si;
}

static int set_or_ref(struct jctx *c, json_t *right, const uint8_t *keys, unsigned int nkeys,
		      bool vmap)
{
	json_t *in;
	const char *k = only_key(right, &in);

	if (json_is_string(right) && json_string_value(right)[0] == '@')
		return set_ref(c, json_string_value(right), keys_len(keys, nkeys));
	if (k && !strcmp(k, "set"))
		return anon_set(c, in, keys, nkeys, vmap);
	return -2;
}

static int u32_of(json_t *v, uint32_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > (json_int_t)UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)json_integer_value(v);
	return 0;
}

/* {"numgen": {"mode": "inc", "mod": 2, "offset": 0}}, {"jhash": {"mod": 2, "seed": 1,
 * "offset": 10, "expr": KEYS}}: 1, with the generator's key in *@key and a copy the
 * statement owns in *@gp; 0 when @x is no generator; or the error. */
static int gen_of(struct jctx *c, json_t *x, struct nft_gen **gp, uint8_t *key)
{
	json_t *in, *mode;
	const char *k = only_key(x, &in), *why;
	struct nft_gen g = { 0 };
	int kk = NFT_K_JHASH, n;

	if (!k || (strcmp(k, "numgen") && strcmp(k, "jhash") && strcmp(k, "symhash")))
		return 0;
	if (!strcmp(k, "symhash"))
		return jfail(c, "symhash is not supported (the kernel hashes the flow with a key "
			     "drawn at boot)");
	if (!strcmp(k, "numgen")) {
		mode = json_object_get(in, "mode");
		if (!json_is_string(mode) || (strcmp(json_string_value(mode), "inc") &&
					      strcmp(json_string_value(mode), "random")))
			return jfail(c, "numgen's mode is inc or random");
		kk = json_string_value(mode)[0] == 'i' ? NFT_K_NUMGEN_INC : NFT_K_NUMGEN_RANDOM;
	} else {
		n = keys_of(c, json_object_get(in, "expr"), g.keys);
		if (n < 0)
			return c->e.rc;
		g.nkeys = (uint8_t)n;
		for (int i = 0; i < n; i++)
			if (!rxs__nft_jhash_key_ok(g.keys[i]))
				return jfail(c, "jhash of '%s %s' is not supported (only keys the "
					     "kernel holds in network order)",
					     nft_keys[g.keys[i]].proto, nft_keys[g.keys[i]].field);
		g.has_seed = json_object_get(in, "seed") != NULL;
		if (g.has_seed && u32_of(json_object_get(in, "seed"), &g.seed))
			return jfail(c, "a jhash seed is 32 bits");
	}
	if (u32_of(json_object_get(in, "mod"), &g.mod) ||
	    (json_object_get(in, "offset") && u32_of(json_object_get(in, "offset"), &g.offset)))
		return jfail(c, "%s needs a 32-bit mod and offset", k);
	why = rxs__nft_gen_init(&g, kk);
	if (why)
		return jfail(c, "%s", why);
	*gp = rxs__malloc(sizeof(g));
	if (!*gp)
		return oom(c);
	**gp = g;
	*key = (uint8_t)kk;
	return 1;
}

static int match_of(struct jctx *c, struct nft_stmt *s, json_t *m)
{
	static const char *const ops[] = { "==", "!=", "<", ">", "<=", ">=" };
	json_t *left = json_object_get(m, "left"), *right = json_object_get(m, "right");
	json_t *op = json_object_get(m, "op"), *in = NULL;
	const char *lk = only_key(left, &in);
	uint8_t dts[NFT_CONCAT_MAX], lens[NFT_CONCAT_MAX];
	bool in_op = json_is_string(op) && !strcmp(json_string_value(op), "in");
	int o = json_is_string(op) ? rxs__nft_lookup(json_string_value(op), ops, 6) : 0;
	bool masked = lk && !strcmp(lk, "&");
	/* the key: left, or the first operand of {"&": [key, mask]} */
	json_t *kx = !masked ? left : json_is_array(in) && json_array_size(in) == 2
					      ? json_array_get(in, 0) : NULL;
	uint8_t gk = 0;
	int nkeys, is_gen;

	if (!right || !left || (o < 0 && !in_op))
		return jfail(c, "a match needs left, right and a known op");
	s->kind = NFT_S_MATCH;
	s->u.m.set = -1;
	is_gen = kx ? gen_of(c, kx, &s->u.m.gen, &gk) : 0;
	if (is_gen < 0)
		return c->e.rc;
	if (masked) {
		/* {"&": [key, mask]} == value: a masked compare ("tcp flags syn / syn,ack"). */
		char buf[256];
		int k = is_gen ? gk : kx ? key_of(c, kx) : -1;

		if (k < 0 || (o != 0 && o != 1) || rxs__nft_bitfield(k))
			return jfail(c, "unsupported masked match");
		s->u.m.nkeys = 1;
		s->u.m.keys[0] = (uint8_t)k;
		s->u.m.klen = nft_keys[k].len;
		s->u.m.op = NFT_OP_MASK;
		s->u.m.neg = o == 1;
		if (value_text(json_array_get(in, 1), buf, sizeof(buf)) ||
		    rxs__nft_parse_value(nft_keys[k].dtype, buf, nft_keys[k].len, &s->u.m.hi,
					 &(struct nft_val){ 0 }) ||
		    value_text(right, buf, sizeof(buf)) ||
		    rxs__nft_parse_value(nft_keys[k].dtype, buf, nft_keys[k].len, &s->u.m.v,
					 &(struct nft_val){ 0 }))
			return jfail(c, "bad masked match value");
		return 0;
	}
	if (is_gen)
		s->u.m.keys[0] = gk;
	nkeys = is_gen ? 1 : keys_of(c, left, s->u.m.keys);
	if (nkeys < 0)
		return c->e.rc;
	s->u.m.nkeys = (uint8_t)nkeys;
	s->u.m.klen = keys_len(s->u.m.keys, (unsigned int)nkeys);
	for (int i = 0; i < nkeys; i++) {
		dts[i] = nft_keys[s->u.m.keys[i]].dtype;
		lens[i] = nft_keys[s->u.m.keys[i]].len;
	}
	s->u.m.set = set_or_ref(c, right, s->u.m.keys, (unsigned int)nkeys, false);
	if (s->u.m.set == -1)
		return c->e.rc;
	if (s->u.m.set >= 0) {
		if (o > 1)
			return jfail(c, "a set lookup takes == or != only");
		if (c->n->sets[s->u.m.set].map)
			return jfail(c, "a map needs vmap");
		s->u.m.op = NFT_OP_LOOKUP;
		s->u.m.neg = o == 1;
		return 0;
	}
	if (nkeys == 1 && dts[0] == NFT_DT_FIBOIF && json_is_boolean(right)) {
		/* fib ... oif: false is "missing", true "exists" (!= missing) */
		s->u.m.op = (uint8_t)(json_is_true(right) != (o == 1) ? NFT_OP_NE : NFT_OP_EQ);
		return 0;
	}
	if (concat_value(c, right, dts, lens, (unsigned int)nkeys, &s->u.m.v, &s->u.m.hi))
		return c->e.rc;
	if (memcmp(s->u.m.v.b, s->u.m.hi.b, s->u.m.klen)) {
		if (o > 1)
			return jfail(c, "a range takes == or != only");
		s->u.m.op = NFT_OP_RANGE;
		s->u.m.neg = o == 1;
		return 0;
	}
	/* "in" is nft's implicit op on a bitmask ("ct state established,related"): any of the
	 * bits; "==" with a list of flags is the exact value. */
	if (in_op) {
		s->u.m.op = NFT_OP_FLAGS;
		return 0;
	}
	if (nkeys == 1 && dts[0] == NFT_DT_IFNAME) {
		size_t l = strnlen((const char *)s->u.m.v.b, lens[0]);

		if (l && s->u.m.v.b[l - 1] == '*') {
			s->u.m.v.b[l - 1] = 0;
			memset(s->u.m.hi.b, 0xff, lens[0]);
			memcpy(s->u.m.hi.b, s->u.m.v.b, l - 1);
			s->u.m.op = NFT_OP_RANGE;
			s->u.m.neg = o == 1;
			return 0;
		}
	}
	s->u.m.op = (uint8_t)o;
	return 0;
}

static uint64_t unit_mult(json_t *u)
{
	static const char *const names[] = { "bytes", "kbytes", "mbytes", "gbytes" };
	int i = json_is_string(u) ? rxs__nft_lookup(json_string_value(u), names, 4) : 0;

	return 1ull << (10 * (i < 0 ? 0 : i));
}

static int limit_of(struct jctx *c, json_t *in, struct nft_limit *l)
{
	static const char *const per[] = { "second", "minute", "hour", "day", "week" };
	static const uint64_t secs[] = { 1, 60, 3600, 86400, 604800 };
	json_t *rate = json_object_get(in, "rate"), *p = json_object_get(in, "per");
	json_t *ru = json_object_get(in, "rate_unit");
	int u = json_is_string(p) ? rxs__nft_lookup(json_string_value(p), per, 5) : 0;

	if (!json_is_integer(rate) || u < 0)
		return jfail(c, "limit needs an integer rate and a known 'per'");
	l->bytes = ru && !(json_is_string(ru) && !strcmp(json_string_value(ru), "packets"));
	l->rate = (uint64_t)json_integer_value(rate) * (l->bytes ? unit_mult(ru) : 1);
	l->unit_s = secs[u];
	if (json_is_integer(json_object_get(in, "burst")))
		l->burst = (uint64_t)json_integer_value(json_object_get(in, "burst")) *
			   (l->bytes ? unit_mult(json_object_get(in, "burst_unit")) : 1);
	l->invert = json_is_true(json_object_get(in, "inv"));
	if (rxs__nft_limit_init(l))
		return jfail(c, "limit rate out of range");
	return 0;
}

static int dynset_of(struct jctx *c, struct nft_stmt *s, json_t *in)
{
	json_t *op = json_object_get(in, "op"), *elem = json_object_get(in, "elem");
	json_t *set = json_object_get(in, "set"), *stmts = json_object_get(in, "stmt"), *ein = NULL, *x;
	const char *ek = only_key(elem, &ein);
	int nkeys;
	size_t i;

	if (!json_is_string(op) || !json_is_string(set) || json_string_value(set)[0] != '@' ||
	    (strcmp(json_string_value(op), "add") && strcmp(json_string_value(op), "update")))
		return jfail(c, "a set statement needs op add|update and a set '@name'");
	s->kind = strcmp(json_string_value(op), "add") ? NFT_S_SET_UPDATE : NFT_S_SET_ADD;
	if (ek && !strcmp(ek, "elem")) {
		json_t *t = json_object_get(ein, "timeout");

		if (json_is_integer(t))
			s->u.dyn.timeout = (uint64_t)json_integer_value(t) * 1000000000ull;
		elem = json_object_get(ein, "val");
	}
	nkeys = keys_of(c, elem, s->u.dyn.keys);
	if (nkeys < 0)
		return c->e.rc;
	s->u.dyn.nkeys = (uint8_t)nkeys;
	s->u.dyn.klen = keys_len(s->u.dyn.keys, (unsigned int)nkeys);
	s->u.dyn.set = set_ref(c, json_string_value(set), s->u.dyn.klen);
	if (s->u.dyn.set < 0)
		return c->e.rc;
	json_array_foreach(stmts, i, x) {
		json_t *lin;
		const char *k = only_key(x, &lin);

		if (k && !strcmp(k, "limit") && !s->u.dyn.limit) {
			s->u.dyn.limit = rxs__calloc(1, sizeof(*s->u.dyn.limit));
			if (!s->u.dyn.limit)
				return oom(c);
			if (limit_of(c, lin, s->u.dyn.limit))
				return c->e.rc;
		} else if (k && !strcmp(k, "counter")) {
			s->u.dyn.counter = true;
		} else {
			return jfail(c, "unsupported statement in a set statement");
		}
	}
	return 0;
}

static int mark_src(struct jctx *c, json_t *v, struct nft_src *src)
{
	src->key = -1;
	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) <= 0xffffffffll) {
		src->value = (uint32_t)json_integer_value(v);
		return 0;
	}
	src->key = key_of(c, v);
	if (src->key != NFT_K_META_MARK && src->key != NFT_K_CT_MARK)
		return jfail(c, "a mark is set from a number, meta mark or ct mark");
	return 0;
}

static int nftrace_of(struct jctx *c, struct nft_stmt *s, json_t *v)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1)
		return jfail(c, "nftrace is set to 0 or 1");
	s->kind = NFT_S_NFTRACE_SET;
	s->u.mark.value = (uint32_t)json_integer_value(v);
	return 0;
}

/* meta priority set: a class id, "1:2" or a number. */
static int priority_of(struct jctx *c, struct nft_stmt *s, json_t *v)
{
	struct nft_val lo, hi;
	char buf[64];

	if (value_text(v, buf, sizeof(buf)) ||
	    rxs__nft_parse_value(NFT_DT_CLASSID, buf, 4, &lo, &hi))
		return jfail(c, "meta priority is set to a classid");
	s->kind = NFT_S_META_PRIORITY_SET;
	s->u.mark.key = -1;
	s->u.mark.value = (uint32_t)lo.b[0] << 24 | (uint32_t)lo.b[1] << 16 |
			  (uint32_t)lo.b[2] << 8 | lo.b[3];
	return 0;
}

static int reject_of(struct jctx *c, struct nft_stmt *s, json_t *in)
{
	json_t *t = json_object_get(in, "type"), *x = json_object_get(in, "expr");
	const char *type = json_is_string(t) ? json_string_value(t) : NULL;

	s->kind = NFT_S_REJECT;
	if (!type)
		return 0;
	if (!strcmp(type, "tcp reset")) {
		s->u.reject.kind = NFT_REJECT_TCP_RST;
		return 0;
	}
	s->u.reject.kind = !strcmp(type, "icmp")     ? NFT_REJECT_ICMP
			   : !strcmp(type, "icmpx")  ? NFT_REJECT_ICMPX
			   : !strcmp(type, "icmpv6") ? NFT_REJECT_ICMPV6
						     : NFT_REJECT_DEFAULT;
	if (s->u.reject.kind == NFT_REJECT_DEFAULT)
		return jfail(c, "unknown reject type '%s'", type);
	if (!json_is_string(x)) {
		s->u.reject.code = s->u.reject.kind == NFT_REJECT_ICMPX ? 1
				   : s->u.reject.kind == NFT_REJECT_ICMP ? 3 : 4;
		return 0;
	}
	if (rxs__nft_reject_code(s->u.reject.kind, json_string_value(x), &s->u.reject.code))
		return jfail(c, "unknown %s reject type '%s'", type, json_string_value(x));
	return 0;
}

static int log_of(struct jctx *c, struct nft_stmt *s, json_t *in)
{
	static const char *const levels[] = { "emerg", "alert", "crit", "err", "warn", "notice",
					      "info", "debug" };
	json_t *p = json_object_get(in, "prefix"), *l = json_object_get(in, "level");

	s->kind = NFT_S_LOG;
	s->u.log.level = 4;
	if (json_is_string(p)) {
		s->u.log.prefix = rxs__strdup(json_string_value(p));
		if (!s->u.log.prefix)
			return oom(c);
	}
	if (json_is_string(l)) {
		int i = rxs__nft_lookup(json_string_value(l), levels, 8);

		if (i < 0)
			return jfail(c, "unknown log level '%s'", json_string_value(l));
		s->u.log.level = (uint8_t)i;
		s->u.log.has_level = true;
	}
	return 0;
}

static int nat_of(struct jctx *c, struct nft_stmt *s, const char *k, json_t *in)
{
	json_t *addr = json_object_get(in, "addr"), *port = json_object_get(in, "port");
	char buf[128] = "";

	s->kind = NFT_S_NAT;
	s->u.nat.kind = !strcmp(k, "dnat") ? NFT_NAT_DNAT : !strcmp(k, "snat") ? NFT_NAT_SNAT
			: !strcmp(k, "masquerade") ? NFT_NAT_MASQ : NFT_NAT_REDIRECT;
	if (json_is_string(addr))
		snprintf(buf, sizeof(buf), "%s", json_string_value(addr));
	if (json_is_integer(port))
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ":%lld",
			 (long long)json_integer_value(port));
	if (buf[0]) {
		s->u.nat.to = rxs__strdup(buf);
		if (!s->u.nat.to)
			return oom(c);
	}
	return 0;
}

static int stmt_of(struct jctx *c, struct nft_rule *r, json_t *x)
{
	json_t *in;
	const char *k = only_key(x, &in);
	struct nft_stmt *s;

	if (!k)
		return jfail(c, "a statement is an object with one key");
	if (!strcmp(k, "comment"))
		return 0;
	s = rxs__nft_rule_push(r);
	if (!s)
		return oom(c);
	if (!strcmp(k, "match"))
		return match_of(c, s, in);
	if (!strcmp(k, "counter")) {
		s->kind = NFT_S_COUNTER;
		if (json_is_string(in)) {	/* "counter": "NAME": the table's named counter */
			int oi = rxs__nft_find_counter(c->n, c->table, json_string_value(in));

			if (oi < 0)
				return jfail(c, "no counter '%s' in the table", json_string_value(in));
			s->u.counter.obj = (unsigned int)oi + 1;
			return 0;
		}
		if (json_is_integer(json_object_get(in, "packets")))
			s->u.counter.pkts = (uint64_t)json_integer_value(json_object_get(in, "packets"));
		if (json_is_integer(json_object_get(in, "bytes")))
			s->u.counter.bytes = (uint64_t)json_integer_value(json_object_get(in, "bytes"));
		return 0;
	}
	if (!strcmp(k, "limit")) {
		s->kind = NFT_S_LIMIT;
		return limit_of(c, in, &s->u.limit);
	}
	if (!strcmp(k, "quota")) {
		s->kind = NFT_S_QUOTA;
		if (!json_is_integer(json_object_get(in, "val")))
			return jfail(c, "quota needs a val");
		s->u.quota.bytes = (uint64_t)json_integer_value(json_object_get(in, "val")) *
				   unit_mult(json_object_get(in, "val_unit"));
		if (json_is_integer(json_object_get(in, "used")))
			s->u.quota.used = (uint64_t)json_integer_value(json_object_get(in, "used")) *
					  unit_mult(json_object_get(in, "used_unit"));
		s->u.quota.invert = json_is_true(json_object_get(in, "inv"));
		return 0;
	}
	if (!strcmp(k, "log"))
		return log_of(c, s, in);
	if (!strcmp(k, "notrack")) {
		s->kind = NFT_S_NOTRACK;
		return 0;
	}
	if (!strcmp(k, "reject"))
		return reject_of(c, s, in);
	if (!strcmp(k, "mangle")) {
		json_t *mk = json_object_get(json_object_get(in, "key"), "meta");
		int key = key_of(c, json_object_get(in, "key"));

		/* {"mangle": {"key": {"meta": {"key": "nftrace"}}, "value": 1}} */
		if (json_is_string(json_object_get(mk, "key")) &&
		    !strcmp(json_string_value(json_object_get(mk, "key")), "nftrace"))
			return nftrace_of(c, s, json_object_get(in, "value"));
		if (key == NFT_K_META_PRIORITY)
			return priority_of(c, s, json_object_get(in, "value"));

		if (key != NFT_K_META_MARK && key != NFT_K_CT_MARK)
			return jfail(c, "only meta mark and ct mark can be set");
		s->kind = key == NFT_K_META_MARK ? NFT_S_META_MARK_SET : NFT_S_CT_MARK_SET;
		return mark_src(c, json_object_get(in, "value"), &s->u.mark);
	}
	if (!strcmp(k, "set"))
		return dynset_of(c, s, in);
	if (!strcmp(k, "ct count")) {
		json_t *v = json_object_get(in, "val");

		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return jfail(c, "ct count needs a val");
		s->kind = NFT_S_CT_COUNT;
		s->u.ctcount.count = (uint32_t)json_integer_value(v);
		s->u.ctcount.invert = json_is_true(json_object_get(in, "inv"));
		return 0;
	}
	if (!strcmp(k, "vmap")) {
		json_t *kx = json_object_get(in, "key");
		int is_gen, nkeys;

		s->kind = NFT_S_VMAP;
		is_gen = gen_of(c, kx, &s->u.vmap.gen, &s->u.vmap.keys[0]);
		nkeys = is_gen ? is_gen : keys_of(c, kx, s->u.vmap.keys);
		if (nkeys < 0)
			return c->e.rc;
		s->u.vmap.nkeys = (uint8_t)nkeys;
		s->u.vmap.klen = keys_len(s->u.vmap.keys, (unsigned int)nkeys);
		s->u.vmap.set = set_or_ref(c, json_object_get(in, "data"), s->u.vmap.keys,
					   (unsigned int)nkeys, true);
		if (s->u.vmap.set == -2)
			return jfail(c, "vmap data is a set or '@map'");
		if (s->u.vmap.set < 0)
			return c->e.rc;
		if (!c->n->sets[s->u.vmap.set].vmap)
			return jfail(c, "not a verdict map");
		return 0;
	}
	if (!strcmp(k, "dnat") || !strcmp(k, "snat") || !strcmp(k, "masquerade") ||
	    !strcmp(k, "redirect"))
		return nat_of(c, s, k, in);
	s->kind = NFT_S_VERDICT;
	if (rxs__nft_lookup(k, (const char *const[]){ "accept", "drop", "continue", "return",
						      "jump", "goto" }, 6) >= 0)
		return verdict_of(c, x, &s->u.verdict);
	r->nstmts--;
	return jfail(c, "unsupported statement '%s'", k);
}

/* The table an object names by "family" and "table"; -1 with the error set. */
static int table_of(struct jctx *c, json_t *o, const char *tkey)
{
	json_t *f = json_object_get(o, "family"), *t = json_object_get(o, tkey);
	int fam = json_is_string(f) ? rxs__nft_lookup(json_string_value(f), nft_family_names,
						      NFT_FAM_N)
				    : -1;
	int ti;

	if (fam < 0 || !json_is_string(t))
		return jfail(c, "unsupported or missing family, or no table name"), -1;
	ti = rxs__nft_find_table(c->n, (uint8_t)fam, json_string_value(t));
	if (ti < 0 && !strcmp(tkey, "name"))
		ti = rxs__nft_add_table(c->n, (uint8_t)fam, json_string_value(t));
	if (ti == -ENOMEM)
		return oom(c), -1;
	if (ti < 0)
		return jfail(c, "no table %s %s", json_string_value(f), json_string_value(t)), -1;
	c->table = (unsigned int)ti;
	return ti;
}

static int chain_of(struct jctx *c, json_t *o)
{
	json_t *name = json_object_get(o, "name"), *hook = json_object_get(o, "hook");
	struct nft_chain *ch;
	int ci;

	if (table_of(c, o, "table") < 0)
		return c->e.rc;
	if (!json_is_string(name))
		return jfail(c, "a chain needs a name");
	/* Given again ({"add": {"chain": ...}} of a chain there is), it is the same chain,
	 * whose hook cannot change. */
	ci = rxs__nft_find_chain(c->n, c->table, json_string_value(name));
	if (ci >= 0) {
		const struct nft_chain *was = &c->n->chains[ci];

		if (!hook)
			return 0;
		if (!was->base)
			return jfail(c, "chain '%s' is a regular chain already: it cannot become "
				     "a base chain (EOPNOTSUPP)", was->name);
		if (!json_is_string(hook) ||
		    rxs__nft_lookup(json_string_value(hook), nft_hook_names, NFT_NHOOKS) !=
			    was->hook)
			return jfail(c, "chain '%s' is a base chain already, of another hook "
				     "(EBUSY)", was->name);
		return 0;
	}
	ci = rxs__nft_add_chain(c->n, c->table, json_string_value(name));
	if (ci < 0)
		return oom(c);
	ch = &c->n->chains[ci];
	if (!hook)
		return 0;
	{
		json_t *type = json_object_get(o, "type"), *prio = json_object_get(o, "prio");
		json_t *pol = json_object_get(o, "policy"), *dev = json_object_get(o, "dev");
		int h = json_is_string(hook) ? rxs__nft_lookup(json_string_value(hook),
							       nft_hook_names, NFT_NHOOKS)
					     : -1;
		int t = json_is_string(type) ? rxs__nft_lookup(json_string_value(type),
							       nft_chain_type_names, 3)
					     : -1;
		uint8_t fam = c->n->tables[c->table].family;

		if (h < 0 || t < 0 || (fam == NFT_FAM_NETDEV) != (h == NFT_HOOK_INGRESS))
			return jfail(c, "chain '%s': unsupported type or hook", ch->name);
		ch->base = true;
		ch->hook = h;
		ch->type = (uint8_t)t;
		if (json_is_integer(prio))
			ch->prio = (int)json_integer_value(prio);
		else if (!json_is_string(prio) ||
			 rxs__nft_named_prio(json_string_value(prio), fam, h, &ch->prio))
			return jfail(c, "chain '%s': bad priority", ch->name);
		if (json_is_string(pol))
			ch->policy = strcmp(json_string_value(pol), "drop") ? NFT_V_ACCEPT : NFT_V_DROP;
		if (json_is_array(dev) && json_array_size(dev) == 1)
			dev = json_array_get(dev, 0);
		if (json_is_string(dev)) {
			ch->dev = rxs__strdup(json_string_value(dev));
			if (!ch->dev)
				return oom(c);
		}
		if (t == NFT_TYPE_NAT && h == NFT_HOOK_INGRESS)
			return jfail(c, "a nat chain cannot hook ingress");
		if (t == NFT_TYPE_NAT && fam == NFT_FAM_IP6)
			return jfail(c, "chain '%s': 'nat' chains of family ip6 are not supported "
				     "(NAT is modelled for IPv4 only)", ch->name);
	}
	return 0;
}

static int set_of(struct jctx *c, json_t *o, bool map)
{
	json_t *name = json_object_get(o, "name"), *type = json_object_get(o, "type");
	json_t *flags = json_object_get(o, "flags"), *elems = json_object_get(o, "elem"), *x;
	uint8_t lens[NFT_CONCAT_MAX];
	struct nft_set *s;
	size_t i;
	int si;

	if (table_of(c, o, "table") < 0)
		return c->e.rc;
	if (!json_is_string(name))
		return jfail(c, "a set needs a name");
	si = rxs__nft_add_set(c->n, c->table, json_string_value(name));
	if (si < 0)
		return oom(c);
	s = &c->n->sets[si];
	if (json_is_string(type))
		type = json_pack("[O]", type);
	else
		json_incref(type);
	if (!json_is_array(type) || !json_array_size(type) || json_array_size(type) > NFT_CONCAT_MAX) {
		json_decref(type);
		return jfail(c, "set '%s': bad type", s->name);
	}
	json_array_foreach(type, i, x) {
		int dt = json_is_string(x) ? rxs__nft_lookup(json_string_value(x), nft_dtype_names,
							     NFT_DT_VERDICT)
					   : -1;

		if (dt < 0) {
			json_decref(type);
			return jfail(c, "set '%s': unsupported type", s->name);
		}
		s->keys[s->nkeys++] = (uint8_t)dt;
	}
	json_decref(type);
	if (map) {
		json_t *m = json_object_get(o, "map");

		if (!json_is_string(m) || strcmp(json_string_value(m), "verdict"))
			return jfail(c, "map '%s': only verdict maps are supported", s->name);
		s->map = s->vmap = true;
	}
	if (json_is_string(flags))
		flags = json_pack("[O]", flags);
	else
		json_incref(flags);
	json_array_foreach(flags, i, x) {
		const char *f = json_is_string(x) ? json_string_value(x) : "";

		s->constant |= !strcmp(f, "constant");
		s->interval |= !strcmp(f, "interval");
		s->timeout_flag |= !strcmp(f, "timeout");
		s->dynamic |= !strcmp(f, "dynamic");
	}
	json_decref(flags);
	if (json_is_integer(json_object_get(o, "timeout"))) {
		s->timeout = (uint64_t)json_integer_value(json_object_get(o, "timeout")) * 1000000000ull;
		s->timeout_flag = true;
	}
	if (json_is_integer(json_object_get(o, "size")))
		s->size = (uint32_t)json_integer_value(json_object_get(o, "size"));
	set_lens(s, lens);
	s->klen = 0;
	for (unsigned int k = 0; k < s->nkeys; k++)
		s->klen = (uint8_t)(s->klen + lens[k]);
	json_array_foreach(elems, i, x)
		if (elem_of(c, &c->n->sets[si], x, lens))
			return c->e.rc;
	return 0;
}

/* {"counter": {"family", "table", "name", "packets", "bytes"}}: a named counter. */
static int counter_obj_of(struct jctx *c, json_t *o)
{
	json_t *name = json_object_get(o, "name");
	json_t *pk = json_object_get(o, "packets"), *by = json_object_get(o, "bytes");

	if (table_of(c, o, "table") < 0)
		return c->e.rc;
	if (!json_is_string(name))
		return jfail(c, "a counter needs a name");
	if (rxs__nft_find_counter(c->n, c->table, json_string_value(name)) >= 0)
		return jfail(c, "counter '%s' is declared twice", json_string_value(name));
	if (rxs__nft_add_counter(c->n, c->table, json_string_value(name),
				 json_is_integer(pk) ? (uint64_t)json_integer_value(pk) : 0,
				 json_is_integer(by) ? (uint64_t)json_integer_value(by) : 0) < 0)
		return oom(c);
	return 0;
}

static int rule_of(struct jctx *c, json_t *o)
{
	json_t *chain = json_object_get(o, "chain"), *expr = json_object_get(o, "expr"), *x;
	json_t *comment = json_object_get(o, "comment");
	struct nft_rule *r;
	int ci, ri;
	size_t i;

	if (table_of(c, o, "table") < 0)
		return c->e.rc;
	ci = json_is_string(chain) ? rxs__nft_find_chain(c->n, c->table, json_string_value(chain))
				   : -1;
	if (ci < 0)
		return jfail(c, "a rule of a chain the table does not have");
	ri = rxs__nft_add_rule(c->n, (unsigned int)ci);
	if (ri < 0)
		return oom(c);
	snprintf(c->where, sizeof(c->where), "rule %u of chain %s in table %s %s",
		 c->n->chains[ci].nrules, c->n->chains[ci].name,
		 nft_family_names[c->n->tables[c->table].family], c->n->tables[c->table].name);
	if (!json_is_array(expr))
		return jfail(c, "a rule needs an expr array");
	json_array_foreach(expr, i, x) {
		r = &c->n->rules[ri];
		if (stmt_of(c, r, x))
			return c->e.rc;
	}
	r = &c->n->rules[ri];
	if (json_is_string(comment)) {
		r->comment = rxs__strdup(json_string_value(comment));
		if (!r->comment)
			return oom(c);
	}
	return 0;
}

static int object_of(struct jctx *c, json_t *obj, size_t idx);

/* {"insert": {"rule": {..., "index": N}}}: the rule first, or before the rule at index N. */
static int insert_of(struct jctx *c, json_t *obj)
{
	json_t *o, *index;
	const char *k = only_key(obj, &o);
	struct nft_chain *ch;
	unsigned int ri, pos = 0;

	if (!k || strcmp(k, "rule") || !json_is_object(o))
		return jfail(c, "only a rule can be inserted");
	index = json_object_get(o, "index");
	if (json_object_get(o, "handle") || json_object_get(o, "position"))
		return jfail(c, "rule handles are not kept: place the rule with \"index\"");
	if (rule_of(c, o))
		return c->e.rc;
	ch = &c->n->chains[c->n->rules[c->n->nrules - 1].chain];
	ri = ch->rules[ch->nrules - 1];
	if (json_is_integer(index)) {
		if (json_integer_value(index) < 0 || json_integer_value(index) >= ch->nrules - 1)
			return jfail(c, "no rule at that index of chain %s (ENOENT)", ch->name);
		pos = (unsigned int)json_integer_value(index);
	}
	memmove(&ch->rules[pos + 1], &ch->rules[pos], (ch->nrules - 1 - pos) * sizeof(*ch->rules));
	ch->rules[pos] = ri;
	return 0;
}

/* {"flush": {"ruleset"|"table"|"chain"|"set": ...}}, {"delete"|"destroy": {"table"|"chain":
 * ...}}: as the text's commands (nft_parse.c's cmd_remove()). */
static int remove_of(struct jctx *c, json_t *obj, bool flush, bool destroy)
{
	json_t *o, *name;
	const char *k = only_key(obj, &o);
	int ci;

	if (flush && k && !strcmp(k, "ruleset"))
		return rxs__nft_remove(c->n, -1, -1, true, -1) ? oom(c) : 0;
	if (!k || !json_is_object(o) || (strcmp(k, "table") && strcmp(k, "chain") &&
					 !(flush && (!strcmp(k, "set") || !strcmp(k, "map")))))
		return jfail(c, flush ? "flush takes a ruleset, table, chain or set"
				      : "only a table or a chain can be deleted here");
	if (destroy) {
		json_t *f = json_object_get(o, "family");
		json_t *t = json_object_get(o, strcmp(k, "table") ? "table" : "name");
		int fam = json_is_string(f) ? rxs__nft_lookup(json_string_value(f),
							      nft_family_names, NFT_FAM_N) : -1;
		json_t *cn = json_object_get(o, "name");
		int ti = -1;

		if (fam >= 0 && json_is_string(t))
			ti = rxs__nft_find_table(c->n, (uint8_t)fam, json_string_value(t));
		if (ti >= 0 && strcmp(k, "table"))
			ti = json_is_string(cn) ? rxs__nft_find_chain(c->n, (unsigned int)ti,
								      json_string_value(cn)) : -1;
		if (ti < 0)
			return 0;	/* nothing to destroy */
	}
	if (!strcmp(k, "table")) {
		if (table_of(c, o, "name") < 0)
			return c->e.rc;
		return rxs__nft_remove(c->n, (int)c->table, -1, !flush, -1) ? oom(c) : 0;
	}
	if (table_of(c, o, "table") < 0)
		return c->e.rc;
	name = json_object_get(o, "name");
	if (!strcmp(k, "set") || !strcmp(k, "map")) {
		int si = json_is_string(name) ? rxs__nft_find_set(c->n, c->table,
								  json_string_value(name)) : -1;

		if (si < 0)
			return jfail(c, "no such set (ENOENT)");
		rxs__nft_set_flush(&c->n->sets[si]);
		return 0;
	}
	ci = json_is_string(name) ? rxs__nft_find_chain(c->n, c->table, json_string_value(name))
				  : -1;
	if (ci < 0)
		return jfail(c, "no such chain (ENOENT)");
	if (flush)
		return rxs__nft_remove(c->n, -1, ci, false, -1) ? oom(c) : 0;
	if (c->n->chains[ci].nrules)
		return jfail(c, "chain '%s' has rules (EBUSY): flush it first",
			     c->n->chains[ci].name);
	if (rxs__nft_chain_in_use(c->n, c->table, c->n->chains[ci].name))
		return jfail(c, "a rule jumps to chain '%s' (EBUSY)", c->n->chains[ci].name);
	return rxs__nft_remove(c->n, -1, -1, false, ci) ? oom(c) : 0;
}

static int object_of(struct jctx *c, json_t *obj, size_t idx)
{
	json_t *o;
	const char *k = only_key(obj, &o);

	snprintf(c->where, sizeof(c->where), "nftables[%zu]", idx);
	if (!k || !json_is_object(o))
		return jfail(c, "each entry is an object with one key");
	if (!strcmp(k, "metainfo"))
		return 0;
	/* nft -j -f scripts: commands around the objects. */
	if (!strcmp(k, "add") || !strcmp(k, "create"))
		return object_of(c, o, idx);
	if (!strcmp(k, "insert"))
		return insert_of(c, o);
	if (!strcmp(k, "flush") || !strcmp(k, "delete") || !strcmp(k, "destroy"))
		return remove_of(c, o, !strcmp(k, "flush"), !strcmp(k, "destroy"));
	if (!strcmp(k, "table"))
		return table_of(c, o, "name") < 0 ? c->e.rc : 0;
	if (!strcmp(k, "chain"))
		return chain_of(c, o);
	if (!strcmp(k, "set") || !strcmp(k, "map"))
		return set_of(c, o, !strcmp(k, "map"));
	if (!strcmp(k, "rule"))
		return rule_of(c, o);
	if (!strcmp(k, "counter"))
		return counter_obj_of(c, o);
	/* Other stateful objects and flowtables: no rule rxsim runs can name them. */
	if (!strcmp(k, "ct helper") || !strcmp(k, "ct timeout") || !strcmp(k, "ct expectation") ||
	    !strcmp(k, "flowtable") || !strcmp(k, "quota") ||
	    !strcmp(k, "limit") || !strcmp(k, "secmark") || !strcmp(k, "synproxy"))
		return 0;
	return jfail(c, "unsupported object '%s' (table, chain, set, map, rule, counter; add, "
		     "create, insert, flush, delete, destroy)", k);
}

static void *j_malloc(size_t n)
{
	return rxs__malloc(n);
}

static void j_free(void *p)
{
	rxs__free(p);
}

int rxs__nft_parse_json(struct nft_ruleset *n, const char *text, const char *name, char *err,
			size_t errlen)
{
	struct jctx c = { .n = n, .e = { .name = name ? name : "nftables", .buf = err,
					 .len = errlen } };
	json_error_t je;
	json_t *root, *list, *x;
	size_t i;
	int rc = 0;

	if (errlen)
		err[0] = '\0';
	json_set_alloc_funcs(j_malloc, j_free);
	root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return rxs__nft_fail(&c.e, (unsigned int)je.line, (unsigned int)je.column, "%s",
				     je.text);
	list = json_object_get(root, "nftables");
	if (!json_is_array(list))
		rc = rxs__nft_fail(&c.e, 1, 1, "expected {\"nftables\": [...]}");
	json_array_foreach(list, i, x) {
		if (rc)
			break;
		rc = object_of(&c, x, i);
	}
	json_decref(root);
	c.where[0] = '\0';
	if (!rc)
		rc = rxs__nft_finish(n, &c.e);
	return rc;
}
