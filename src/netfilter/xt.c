/* xt.c - the matches that keep state outside their rule: hashlimit's and recent's named
 * tables, the ipsets -m set reads, and the random source of -m statistic.
 *
 * The kernel keeps these per network namespace, by name: rules naming the same hashlimit or
 * recent table share it (htable_find_get, recent_table_lookup), so the tables live in the
 * rule set and rules hold their index. Time is the host's jiffies of virtual time.
 *
 * hashlimit (xt_hashlimit.c, revision 3): a token bucket per key (the masked addresses and
 * ports the mode names), in credits, refilled by CREDITS_PER_JIFFY each jiffy up to the
 * bucket's cap (avg * burst), a packet costing avg's worth. An entry's expiry is pushed to
 * now + htable-expire at every hit; the garbage collector, every htable-gcinterval from the
 * table's creation, removes the expired ones (lookups themselves ignore expiry), so a key
 * that comes back before the collector ran keeps its bucket, as in the kernel.
 *
 * recent (xt_recent.c): per table at most ip_list_tot (200) addresses, least recently
 * updated evicted first, each keeping the jiffies of its last 32 updates
 * (roundup_pow_of_two(ip_pkt_list_tot)) in a ring.
 *
 * statistic --mode random draws get_random_u32(); here a xorshift generator seeded with the
 * run's seed (rxs_ruleset_set_seed), so a run repeats exactly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "netfilter/netfilter_int.h"
#include "rxsim/error.h"

#define HL_BUCKETS 4096u
#define RECENT_LIST_TOT 200u	/* ip_list_tot */
#define RECENT_STAMPS 32u	/* roundup_pow_of_two(ip_pkt_list_tot = 20) */

struct hl_key {
	uint32_t src, dst;
	uint16_t sport, dport;
};

struct hl_ent {
	struct hl_ent *next;
	struct hl_key key;
	uint64_t expires;		/* jiffies */
	uint64_t prev, credit, credit_cap, cost;
};

struct hl_table {
	struct nf_hashlimit_cfg cfg;	/* the first rule's (htable_create) */
	struct hl_ent **hash;
	uint64_t count;
	uint64_t next_gc;		/* jiffies; 0 before the first packet */
};

struct recent_ent {
	uint32_t addr;
	uint8_t ttl;
	uint8_t index, nstamps;
	uint64_t seq;			/* LRU order: the larger, the more recent */
	uint64_t stamps[RECENT_STAMPS];
};

struct recent_table {
	char *name;
	struct recent_ent ent[RECENT_LIST_TOT];
	unsigned int n;
	uint64_t seq;
};

enum ipset_type { SET_HASH_IP, SET_HASH_NET, SET_HASH_IP_PORT, SET_HASH_NET_PORT, SET_BITMAP_PORT };

struct ipset_elem {
	uint32_t addr, mask;
	uint16_t port;
	uint8_t proto, prefix;
	bool nomatch;
};

struct ipset {
	char *name;
	enum ipset_type type;
	struct ipset_elem *e;
	unsigned int n, cap;
	uint16_t lo, hi;		/* bitmap:port range */
};

struct nf_xt {
	struct hl_table *hl;
	unsigned int nhl;
	struct recent_table **recent;
	unsigned int nrecent;
	struct ipset *sets;
	unsigned int nsets;
};

int rxs__nf_xt_init(struct rxs_ruleset *nf)
{
	nf->xt = rxs__calloc(1, sizeof(*nf->xt));
	nf->rand_state = 0x9e3779b97f4a7c15ull;
	return nf->xt ? 0 : -ENOMEM;
}

void rxs__nf_xt_destroy(struct rxs_ruleset *nf)
{
	struct nf_xt *xt = nf->xt;

	if (!xt)
		return;
	for (unsigned int i = 0; i < xt->nhl; i++) {
		for (uint32_t b = 0; xt->hl[i].hash && b < HL_BUCKETS; b++)
			for (struct hl_ent *e = xt->hl[i].hash[b], *next; e; e = next) {
				next = e->next;
				rxs__free(e);
			}
		rxs__free(xt->hl[i].hash);
	}
	rxs__free(xt->hl);
	for (unsigned int i = 0; i < xt->nrecent; i++) {
		rxs__free(xt->recent[i]->name);
		rxs__free(xt->recent[i]);
	}
	rxs__free(xt->recent);
	for (unsigned int i = 0; i < xt->nsets; i++) {
		rxs__free(xt->sets[i].name);
		rxs__free(xt->sets[i].e);
	}
	rxs__free(xt->sets);
	rxs__free(xt);
	nf->xt = NULL;
}

void rxs_ruleset_set_seed(rxs_ruleset_t *nf, uint64_t seed)
{
	if (nf)
		nf->rand_state = seed ? seed : 0x9e3779b97f4a7c15ull;
}

uint32_t rxs__nf_random(struct rxs_ruleset *nf)
{
	/* xorshift64* */
	uint64_t x = nf->rand_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	nf->rand_state = x;
	return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}

/* ---- hashlimit ---- */

int rxs__nf_hashlimit_table(struct rxs_ruleset *nf, const struct nf_hashlimit_cfg *cfg)
{
	struct nf_xt *xt = nf->xt;
	struct hl_table *n;

	for (unsigned int i = 0; i < xt->nhl; i++)
		if (!strcmp(xt->hl[i].cfg.name, cfg->name))
			return (int)i;
	n = rxs__realloc(xt->hl, (xt->nhl + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	xt->hl = n;
	memset(&n[xt->nhl], 0, sizeof(*n));
	n[xt->nhl].cfg = *cfg;
	return (int)xt->nhl++;
}

/* CREDITS_PER_JIFFY: the largest power of two below 2^64 / (HZ * one day). */
static uint64_t hl_cpj(unsigned int hz)
{
	uint64_t max = UINT64_MAX / ((uint64_t)hz * 60 * 60 * 24), p = 1;

	while (p <= max / 2)
		p *= 2;
	return p;
}

/* user2credits() of revision 2+ (XT_HASHLIMIT_SCALE_v2 = 10^6). */
static uint64_t hl_user2credits(uint64_t user, unsigned int hz)
{
	uint64_t scale = 1000000, cpj = hl_cpj(hz);

	if (scale >= hz * cpj)
		return user / (scale / (hz * cpj));
	return user * ((hz * cpj) / scale);
}

static uint32_t hl_hash(const struct hl_key *k)
{
	uint32_t v[3] = { k->src, k->dst, (uint32_t)k->sport << 16 | k->dport };
	uint32_t h = 2166136261u;

	for (unsigned int i = 0; i < 3; i++)
		for (unsigned int b = 0; b < 4; b++)
			h = (h ^ (v[i] >> (8 * b) & 0xff)) * 16777619u;
	return h % HL_BUCKETS;
}

static uint64_t msecs_to_jiffies(uint32_t ms, unsigned int hz)
{
	return ((uint64_t)ms * hz + 999) / 1000;
}

/* htable_gc(): every gc_interval from the first packet, drop the entries expired then. */
static void hl_gc(struct hl_table *t, unsigned int hz, uint64_t now)
{
	uint64_t gi = msecs_to_jiffies(t->cfg.gc_interval, hz);
	uint64_t at;

	if (!gi)
		gi = 1;
	if (!t->next_gc) {
		t->next_gc = now + gi;
		return;
	}
	if (now < t->next_gc)
		return;
	/* No packet came between the runs that were due: the last one does them all. */
	at = t->next_gc + (now - t->next_gc) / gi * gi;
	t->next_gc = at + gi;
	for (uint32_t b = 0; b < HL_BUCKETS; b++)
		for (struct hl_ent **pp = &t->hash[b]; *pp;) {
			struct hl_ent *e = *pp;

			if (at >= e->expires) {
				*pp = e->next;
				rxs__free(e);
				t->count--;
			} else {
				pp = &e->next;
			}
		}
}

static uint32_t maskl(uint32_t a, uint32_t len)
{
	return len ? a & ~0u << (32 - len) : 0;
}

int rxs__nf_hashlimit_match(struct rxs_ruleset *nf, const struct nf_hashlimit_cfg *rule,
			    const struct nf_pktinfo *pi, unsigned int hz, uint64_t now)
{
	struct hl_table *t = &nf->xt->hl[rule->table];
	const struct nf_hashlimit_cfg *cfg = &t->cfg;
	struct hl_key k = { 0 };
	struct hl_ent *e;
	uint32_t b;

	if (!t->hash) {
		t->hash = rxs__calloc(HL_BUCKETS, sizeof(*t->hash));
		if (!t->hash)
			return -1;
	}
	hl_gc(t, hz, now);
	/* hashlimit_init_dst() */
	if (cfg->mode & NF_HL_DIP)
		k.dst = maskl(pi->daddr, cfg->dstmask);
	if (cfg->mode & NF_HL_SIP)
		k.src = maskl(pi->saddr, cfg->srcmask);
	if (cfg->mode & (NF_HL_SPT | NF_HL_DPT)) {
		bool ports = pi->proto == 6 || pi->proto == 17 || pi->proto == 136 ||
			     pi->proto == 132 || pi->proto == 33;

		if (ports && !pi->fragoff) {
			if (!pi->l4 || pi->l4len < 4)
				return -1;
			if (cfg->mode & NF_HL_SPT)
				k.sport = rxs__get_be16(pi->l4);
			if (cfg->mode & NF_HL_DPT)
				k.dport = rxs__get_be16(pi->l4 + 2);
		}
	}
	b = hl_hash(&k);
	for (e = t->hash[b]; e && memcmp(&e->key, &k, sizeof(k)); e = e->next)
		;
	if (!e) {
		if (cfg->max && t->count >= cfg->max)
			return -1;	/* "max count of %u reached" */
		e = rxs__calloc(1, sizeof(*e));
		if (!e)
			return -1;
		e->key = k;
		e->next = t->hash[b];
		t->hash[b] = e;
		t->count++;
		/* rateinfo_init() */
		e->prev = now;
		e->credit = hl_user2credits(cfg->avg * cfg->burst, hz);
		e->cost = hl_user2credits(cfg->avg, hz);
		e->credit_cap = e->credit;
	} else if (now != e->prev) {
		/* rateinfo_recalc() */
		e->credit += (now - e->prev) * hl_cpj(hz);
		e->prev = now;
		if (e->credit > e->credit_cap)
			e->credit = e->credit_cap;
	}
	e->expires = now + msecs_to_jiffies(cfg->expire, hz);
	if (e->credit >= e->cost) {
		e->credit -= e->cost;
		return !(rule->mode & NF_HL_INVERT);
	}
	return !!(rule->mode & NF_HL_INVERT);
}

/* ---- recent ---- */

int rxs__nf_recent_table(struct rxs_ruleset *nf, const char *name)
{
	struct nf_xt *xt = nf->xt;
	struct recent_table **n, *t;

	for (unsigned int i = 0; i < xt->nrecent; i++)
		if (!strcmp(xt->recent[i]->name, name))
			return (int)i;
	n = rxs__realloc(xt->recent, (xt->nrecent + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	xt->recent = n;
	t = rxs__calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->name = rxs__strdup(name);
	if (!t->name) {
		rxs__free(t);
		return -ENOMEM;
	}
	n[xt->nrecent] = t;
	return (int)xt->nrecent++;
}

static void recent_update(struct recent_table *t, struct recent_ent *e, uint64_t now)
{
	e->index &= RECENT_STAMPS - 1;
	e->stamps[e->index++] = now;
	if (e->index > e->nstamps)
		e->nstamps = e->index;
	e->seq = ++t->seq;
}

static void recent_remove(struct recent_table *t, struct recent_ent *e)
{
	*e = t->ent[--t->n];
}

int rxs__nf_recent_match(struct rxs_ruleset *nf, const struct nf_match *m,
			 const struct nf_pktinfo *pi, unsigned int hz, uint64_t now)
{
	struct recent_table *t = nf->xt->recent[m->u.recent.table];
	uint32_t addr = (m->u.recent.rdest ? pi->daddr : pi->saddr) & m->u.recent.mask;
	uint8_t ttl = (m->u.recent.check_set & NF_RC_TTL) ? pi->iph[8] : 0;
	bool ret = m->invert;
	struct recent_ent *e = NULL;

	for (unsigned int i = 0; i < t->n && !e; i++)
		if (t->ent[i].addr == addr &&
		    (ttl == t->ent[i].ttl || !ttl || !t->ent[i].ttl))
			e = &t->ent[i];
	if (!e) {
		if (!(m->u.recent.check_set & NF_RC_SET))
			return ret;
		/* recent_entry_init(): room made by evicting the least recently updated */
		if (t->n >= RECENT_LIST_TOT) {
			unsigned int lru = 0;

			for (unsigned int i = 1; i < t->n; i++)
				if (t->ent[i].seq < t->ent[lru].seq)
					lru = i;
			recent_remove(t, &t->ent[lru]);
		}
		e = &t->ent[t->n++];
		memset(e, 0, sizeof(*e));
		e->addr = addr;
		e->ttl = pi->iph[8];
		e->stamps[0] = now;
		e->nstamps = 1;
		e->index = 1;
		e->seq = ++t->seq;
		return !ret;
	}
	if (m->u.recent.check_set & NF_RC_SET) {
		ret = !ret;
	} else if (m->u.recent.check_set & NF_RC_REMOVE) {
		recent_remove(t, e);
		return !ret;
	} else if (m->u.recent.seconds || m->u.recent.hitcount) {
		uint64_t span = (uint64_t)m->u.recent.seconds * hz;
		uint64_t time = now > span ? now - span : 0;
		unsigned int hits = 0;

		for (unsigned int i = 0; i < e->nstamps; i++) {
			if (m->u.recent.seconds && time > e->stamps[i])
				continue;
			if (!m->u.recent.hitcount || ++hits >= m->u.recent.hitcount) {
				ret = !ret;
				break;
			}
		}
		if (m->u.recent.check_set & NF_RC_REAP) {
			/* recent_entry_reap(): gone when even its latest stamp is too old */
			unsigned int last = (e->index - 1u) & (RECENT_STAMPS - 1);

			if (time > e->stamps[last]) {
				recent_remove(t, e);
				return ret;
			}
		}
	} else {
		ret = !ret;
	}
	if ((m->u.recent.check_set & NF_RC_SET) ||
	    ((m->u.recent.check_set & NF_RC_UPDATE) && ret)) {
		recent_update(t, e, now);
		e->ttl = pi->iph[8];
	}
	return ret;
}

/* ---- ipsets ---- */

static const struct { const char *name; enum ipset_type type; unsigned int dim; } set_types[] = {
	{ "hash:ip", SET_HASH_IP, 1 }, { "hash:net", SET_HASH_NET, 1 },
	{ "hash:ip,port", SET_HASH_IP_PORT, 2 }, { "hash:net,port", SET_HASH_NET_PORT, 2 },
	{ "bitmap:port", SET_BITMAP_PORT, 1 },
};

int rxs__nf_ipset_find(const struct rxs_ruleset *nf, const char *name, unsigned int *dim)
{
	for (unsigned int i = 0; nf->xt && i < nf->xt->nsets; i++)
		if (!strcmp(nf->xt->sets[i].name, name)) {
			for (unsigned int j = 0; j < ARRAY_SIZE(set_types); j++)
				if (set_types[j].type == nf->xt->sets[i].type)
					*dim = set_types[j].dim;
			return (int)i;
		}
	return -1;
}

struct set_parser {
	const char *name;
	unsigned int line;
	char *err;
	size_t errlen;
};

static int set_fail(struct set_parser *p, const char *fmt, const char *word)
{
	char msg[160];

	snprintf(msg, sizeof(msg), fmt, word);
	if (p->errlen)
		snprintf(p->err, p->errlen, "%s:%u: ipsets: %s", p->name, p->line, msg);
	return RXS_ERULE;
}

static bool parse_u32_str(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return false;
	v = strtoul(s, &end, 10);
	if (*end || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* "tcp:80", "udp:53", "80" (TCP), as ipset's port parts; "proto:port" of other
 * protocols is refused. */
static bool parse_port(const char *s, uint8_t *proto, uint16_t *port)
{
	static const struct { const char *name; uint8_t num; } protos[] = {
		{ "tcp", 6 }, { "udp", 17 }, { "sctp", 132 }, { "udplite", 136 },
	};
	const char *colon = strchr(s, ':');
	uint32_t v;

	*proto = 6;
	if (colon) {
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(protos); i++)
			if (strlen(protos[i].name) == (size_t)(colon - s) &&
			    !strncmp(s, protos[i].name, (size_t)(colon - s)))
				break;
		if (i == ARRAY_SIZE(protos))
			return false;
		*proto = protos[i].num;
		s = colon + 1;
	}
	if (!parse_u32_str(s, 0xffff, &v))
		return false;
	*port = (uint16_t)v;
	return true;
}

static bool parse_net(const char *s, bool net, uint32_t *addr, uint32_t *mask, uint8_t *prefix)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	struct in_addr a;
	uint32_t len = 32;

	if (strlen(s) >= sizeof(buf) || (slash && !net))
		return false;
	strcpy(buf, s);
	if (slash) {
		buf[slash - s] = '\0';
		if (!parse_u32_str(slash + 1, 32, &len) || !len)
			return false;
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return false;
	*mask = len ? ~0u << (32 - len) : 0;
	*addr = ntohl(a.s_addr) & *mask;
	*prefix = (uint8_t)len;
	return true;
}

static int set_add(struct set_parser *p, struct ipset *set, char **w, unsigned int n)
{
	struct ipset_elem el = { 0 };
	char buf[64];
	char *comma;

	if (n < 3)
		return set_fail(p, "'add %s' needs an element", set->name);
	if (strlen(w[2]) >= sizeof(buf))
		return set_fail(p, "bad element '%s'", w[2]);
	strcpy(buf, w[2]);
	comma = strchr(buf, ',');
	if (comma)
		*comma++ = '\0';
	switch (set->type) {
	case SET_HASH_IP:
	case SET_HASH_NET:
		if (comma || !parse_net(buf, set->type == SET_HASH_NET, &el.addr, &el.mask,
					&el.prefix))
			return set_fail(p, "bad element '%s'", w[2]);
		break;
	case SET_HASH_IP_PORT:
	case SET_HASH_NET_PORT:
		if (!comma || !parse_net(buf, set->type == SET_HASH_NET_PORT, &el.addr, &el.mask,
					 &el.prefix) || !parse_port(comma, &el.proto, &el.port))
			return set_fail(p, "bad element '%s' (address,proto:port)", w[2]);
		break;
	case SET_BITMAP_PORT: {
		uint8_t proto;

		if (comma || !parse_port(buf, &proto, &el.port) || el.port < set->lo ||
		    el.port > set->hi)
			return set_fail(p, "bad element '%s' (a port in the set's range)", w[2]);
		break;
	}
	}
	for (unsigned int i = 3; i < n; i++) {
		if (!strcmp(w[i], "nomatch") && (set->type == SET_HASH_NET ||
						  set->type == SET_HASH_NET_PORT)) {
			el.nomatch = true;
		} else if (!strcmp(w[i], "timeout") || !strcmp(w[i], "comment") ||
			   !strcmp(w[i], "packets") || !strcmp(w[i], "bytes") ||
			   !strcmp(w[i], "skbmark") || !strcmp(w[i], "skbprio") ||
			   !strcmp(w[i], "skbqueue")) {
			i++;	/* the value; a timeout is not counted down */
		} else {
			return set_fail(p, "unsupported element option '%s'", w[i]);
		}
	}
	if (set->n == set->cap) {
		unsigned int cap = set->cap ? 2 * set->cap : 16;
		struct ipset_elem *ne = rxs__realloc(set->e, cap * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		set->e = ne;
		set->cap = cap;
	}
	set->e[set->n++] = el;
	return 0;
}

static int set_create(struct set_parser *p, struct nf_xt *xt, char **w, unsigned int n)
{
	struct ipset *ns, *set;
	unsigned int t;

	if (n < 3)
		return set_fail(p, "'create %s' needs a name and a type", n > 1 ? w[1] : "");
	for (t = 0; t < ARRAY_SIZE(set_types) && strcmp(w[2], set_types[t].name); t++)
		;
	if (t == ARRAY_SIZE(set_types))
		return set_fail(p, "unsupported set type '%s' (hash:ip, hash:net, hash:ip,port, "
				"hash:net,port, bitmap:port)", w[2]);
	for (unsigned int i = 0; i < xt->nsets; i++)
		if (!strcmp(xt->sets[i].name, w[1]))
			return set_fail(p, "set '%s' is created twice", w[1]);
	ns = rxs__realloc(xt->sets, (xt->nsets + 1) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	xt->sets = ns;
	set = &ns[xt->nsets];
	memset(set, 0, sizeof(*set));
	set->name = rxs__strdup(w[1]);
	if (!set->name)
		return -ENOMEM;
	xt->nsets++;
	set->type = set_types[t].type;
	set->hi = 0xffff;
	for (unsigned int i = 3; i < n; i++) {
		if (!strcmp(w[i], "family")) {
			if (i + 1 < n && strcmp(w[i + 1], "inet"))
				return set_fail(p, "family '%s': only inet sets are supported",
						w[i + 1]);
			i++;
		} else if (!strcmp(w[i], "range") && i + 1 < n) {
			uint32_t lo, hi;
			char *dash = strchr(w[++i], '-');

			if (!dash)
				return set_fail(p, "bad range '%s'", w[i]);
			*dash = '\0';
			if (!parse_u32_str(w[i], 0xffff, &lo) || !parse_u32_str(dash + 1, 0xffff, &hi) ||
			    lo > hi)
				return set_fail(p, "bad range '%s'", w[i]);
			set->lo = (uint16_t)lo;
			set->hi = (uint16_t)hi;
		} else if (!strcmp(w[i], "hashsize") || !strcmp(w[i], "maxelem") ||
			   !strcmp(w[i], "timeout") || !strcmp(w[i], "bucketsize") ||
			   !strcmp(w[i], "initval") || !strcmp(w[i], "netmask")) {
			i++;
		} else if (strcmp(w[i], "counters") && strcmp(w[i], "comment") &&
			   strcmp(w[i], "skbinfo") && strcmp(w[i], "forceadd")) {
			return set_fail(p, "unsupported create option '%s'", w[i]);
		}
	}
	return 0;
}

int rxs__nf_ipset_load(struct rxs_ruleset *nf, const char *text, const char *name,
		       unsigned int first_line, char *err, size_t errlen)
{
	struct set_parser p = { .name = name ? name : "ipsets", .err = err, .errlen = errlen };
	const char *s = text ? text : "";
	int rc = 0;

	for (unsigned int off = 0; *s && !rc; off++) {
		size_t n = strcspn(s, "\n");
		char *line = rxs__malloc(n + 1);
		char *w[32], *save = NULL;
		unsigned int nw = 0;

		if (!line)
			return -ENOMEM;
		memcpy(line, s, n);
		line[n] = '\0';
		p.line = first_line + off;
		for (char *t = strtok_r(line, " \t\r", &save); t && nw < ARRAY_SIZE(w);
		     t = strtok_r(NULL, " \t\r", &save))
			w[nw++] = t;
		if (nw && w[0][0] != '#') {
			if (!strcmp(w[0], "create")) {
				rc = set_create(&p, nf->xt, w, nw);
			} else if (!strcmp(w[0], "add")) {
				unsigned int dim;
				int i = nw > 1 ? rxs__nf_ipset_find(nf, w[1], &dim) : -1;

				rc = i < 0 ? set_fail(&p, "add to a set not created before: '%s'",
						      nw > 1 ? w[1] : "")
					   : set_add(&p, &nf->xt->sets[i], w, nw);
			} else {
				rc = set_fail(&p, "unsupported command '%s' (create or add)", w[0]);
			}
		}
		rxs__free(line);
		s += n + (s[n] == '\n');
	}
	if (rc == -ENOMEM && errlen)
		snprintf(err, errlen, "%s: out of memory", p.name);
	return rc;
}

/* ip_set_get_ip4_port(): the port of a TCP/UDP/SCTP/UDPLITE packet (ICMP aside). */
static bool pkt_port(const struct nf_pktinfo *pi, bool src, uint16_t *port)
{
	if (pi->proto != 6 && pi->proto != 17 && pi->proto != 132 && pi->proto != 136)
		return false;
	if (pi->fragoff || !pi->l4 || pi->l4len < 4)
		return false;
	*port = rxs__get_be16(pi->l4 + (src ? 0 : 2));
	return true;
}

bool rxs__nf_ipset_test(const struct rxs_ruleset *nf, int idx, const struct nf_pktinfo *pi,
			uint8_t dim, uint8_t flags)
{
	const struct ipset *set = &nf->xt->sets[idx];
	uint32_t addr = (flags & 1) ? pi->daddr : pi->saddr;
	const struct ipset_elem *best = NULL;
	uint16_t port = 0;

	(void)dim;
	if (set->type == SET_BITMAP_PORT) {
		if (!pkt_port(pi, !(flags & 1), &port))
			return false;
		for (unsigned int i = 0; i < set->n; i++)
			if (set->e[i].port == port)
				return true;
		return false;
	}
	if ((set->type == SET_HASH_IP_PORT || set->type == SET_HASH_NET_PORT) &&
	    !pkt_port(pi, !(flags & 2), &port))
		return false;
	/* The most specific element holding the address wins (hash:net tries its prefix
	 * lengths longest first), and a nomatch element answers "not in the set". */
	for (unsigned int i = 0; i < set->n; i++) {
		const struct ipset_elem *e = &set->e[i];

		if ((addr & e->mask) != e->addr)
			continue;
		if ((set->type == SET_HASH_IP_PORT || set->type == SET_HASH_NET_PORT) &&
		    (e->port != port || e->proto != pi->proto))
			continue;
		if (!best || e->prefix > best->prefix)
			best = e;
	}
	return best && !best->nomatch;
}

/* ---- connlimit ---- */

/* nf_conncount's list: the tuples seen, each with its key; a tuple whose connection left the
 * table (or closed) is dropped when next met (find_or_evict). */
struct nf_conncount {
	struct cc_rec {
		struct nf_ct_key k;
		uint32_t key;
	} *v;
	unsigned int n, cap, swept;
};

static bool key_eq(const struct nf_ct_key *a, const struct nf_ct_key *b)
{
	return a->src == b->src && a->dst == b->dst && a->sport == b->sport &&
	       a->dport == b->dport && a->proto == b->proto;
}

void rxs__nf_conncount_free(struct nf_conncount *cc)
{
	if (cc)
		rxs__free(cc->v);
	rxs__free(cc);
}

unsigned int rxs__nf_conncount(struct rxs_ruleset *nf, struct nf_match *m,
			       const struct nf_ct_key *k, uint32_t key, uint64_t now_ns)
{
	struct nf_conncount *cc = m->u.connlimit.cc;
	bool sweep, found = false;
	unsigned int count = 0;

	if (!cc) {
		cc = rxs__calloc(1, sizeof(*cc));
		if (!cc)
			return 0;
		m->u.connlimit.cc = cc;
	}
	/* Records of other keys are checked when the list has doubled since the last sweep. */
	sweep = cc->n >= 2 * cc->swept + 16;
	for (unsigned int i = 0; i < cc->n;) {
		struct cc_rec *r = &cc->v[i];
		bool same = key_eq(&r->k, k);

		if ((r->key == key || sweep) && !same && rxs__nf_ct_alive(nf, &r->k, now_ns) <= 0) {
			*r = cc->v[--cc->n];
			continue;
		}
		if (r->key == key) {
			count++;
			found |= same;
		}
		i++;
	}
	if (sweep)
		cc->swept = cc->n;

	if (!found) {
		if (cc->n == cc->cap) {
			unsigned int cap = cc->cap ? 2 * cc->cap : 16;
			struct cc_rec *v = rxs__realloc(cc->v, cap * sizeof(*v));

			if (!v)
				return count + 1;
			cc->v = v;
			cc->cap = cap;
		}
		cc->v[cc->n++] = (struct cc_rec){ *k, key };
		count++;
	}
	return count;
}
