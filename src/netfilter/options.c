/* options.c - the options of one "-A CHAIN ..." rule, as iptables and its extensions read them.
 *
 * Options are read left to right. "!" inverts the option after it. "-m NAME" loads a match
 * whose options follow; "-p tcp"/"-p udp" loads the tcp/udp match implicitly at the first of
 * its options (--sport, --dport, --syn, --tcp-flags), which is why iptables lists
 * "-p udp --dport 53" as "udp dpt:53" but a bare "-p udp" with no "udp" match. Target options
 * follow "-j TARGET". Anything we do not model is an error that names the option, so a rule set
 * never silently means something else here than in the kernel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "netfilter/netfilter_int.h"

const struct nf_reject_type nf_reject_types[] = {
	{ "icmp-net-unreachable", "net-unreach", 0, false },
	{ "icmp-host-unreachable", "host-unreach", 1, false },
	{ "icmp-port-unreachable", "port-unreach", 3, false },
	{ "icmp-proto-unreachable", "proto-unreach", 2, false },
	{ "icmp-net-prohibited", "net-prohib", 9, false },
	{ "icmp-host-prohibited", "host-prohib", 10, false },
	{ "tcp-reset", "tcp-rst", 0, true },
	{ "icmp-admin-prohibited", "admin-prohib", 13, false },
};
const unsigned int nf_nreject_types = ARRAY_SIZE(nf_reject_types);
#define REJECT_PORT_UNREACH 2

struct rule_ctx {
	struct nf_parser *p;
	struct nf_rule *r;
	char **argv;
	unsigned int argc, i;
	bool invert;
	bool seen_s, seen_d, seen_p, seen_i, seen_target;
	bool mark_set;
	int l4;				/* index of the tcp/udp match, -1 */
};

static bool take_invert(struct rule_ctx *c)
{
	bool inv = c->invert;

	c->invert = false;
	return inv;
}

static int no_invert(struct rule_ctx *c, const char *opt)
{
	if (c->invert)
		return rxs__nf_fail(c->p, "'!' is not allowed before '%s'", opt);
	return 0;
}

static const char *next_arg(struct rule_ctx *c, const char *opt)
{
	if (c->i >= c->argc) {
		rxs__nf_fail(c->p, "option '%s' needs an argument", opt);
		return NULL;
	}
	return c->argv[c->i++];
}

static bool parse_u32(const char *s, int base, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* "a.b.c.d", "a.b.c.d/len" or "a.b.c.d/m.m.m.m"; the address comes back masked. */
static bool parse_addr(const char *s, uint32_t *addr, uint32_t *mask)
{
	char buf[64];
	char *slash;
	struct in_addr a, m;
	uint32_t len = 32;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return false;
	if (slash && inet_pton(AF_INET, slash, &m) == 1) {
		*mask = ntohl(m.s_addr);
	} else if (slash && !parse_u32(slash, 10, 32, &len)) {
		return false;
	} else {
		*mask = len ? ~0u << (32 - len) : 0;
	}
	*addr = ntohl(a.s_addr) & *mask;
	return true;
}

static const struct { const char *name; uint8_t num; } protos[] = {
	{ "all", 0 }, { "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "sctp", 132 },
	{ "udplite", 136 }, { "esp", 50 }, { "ah", 51 }, { "gre", 47 }, { "dccp", 33 },
};

static int opt_proto(struct rule_ctx *c, const char *opt)
{
	const char *s = next_arg(c, opt);
	uint32_t v;

	if (!s)
		return c->p->rc;
	if (c->seen_p)
		return rxs__nf_fail(c->p, "multiple -p flags not allowed");
	c->seen_p = true;
	c->r->inv_proto = take_invert(c);
	for (unsigned int i = 0; i < ARRAY_SIZE(protos); i++)
		if (!strcasecmp(s, protos[i].name)) {
			c->r->proto = protos[i].num;
			return 0;
		}
	if (!parse_u32(s, 10, 255, &v)) {
		const char *names[ARRAY_SIZE(protos)];
		char hint[96];

		for (unsigned int i = 0; i < ARRAY_SIZE(protos); i++)
			names[i] = protos[i].name;
		return rxs__nf_fail(c->p, "unknown protocol '%s'%s", s,
				    rxs__nf_did_you_mean(s, names, ARRAY_SIZE(names), hint,
							 sizeof(hint)));
	}
	c->r->proto = (uint8_t)v;
	if (!v && c->r->inv_proto)
		return rxs__nf_fail(c->p, "rule would never match protocol");
	return 0;
}

static int opt_addr(struct rule_ctx *c, const char *opt, bool src)
{
	const char *s = next_arg(c, opt);
	bool *seen = src ? &c->seen_s : &c->seen_d;
	bool ok;

	if (!s)
		return c->p->rc;
	if (*seen)
		return rxs__nf_fail(c->p, "multiple %s flags not allowed", src ? "-s" : "-d");
	*seen = true;
	if (strchr(s, ','))
		return rxs__nf_fail(c->p, "address lists ('%s') are not supported", s);
	if (src) {
		c->r->inv_src = take_invert(c);
		ok = parse_addr(s, &c->r->src, &c->r->smsk);
	} else {
		c->r->inv_dst = take_invert(c);
		ok = parse_addr(s, &c->r->dst, &c->r->dmsk);
	}
	return ok ? 0 : rxs__nf_fail(c->p, "bad address '%s'", s);
}

static int opt_iface(struct rule_ctx *c, const char *opt)
{
	const char *s = next_arg(c, opt);

	if (!s)
		return c->p->rc;
	if (c->seen_i)
		return rxs__nf_fail(c->p, "multiple -i flags not allowed");
	c->seen_i = true;
	if (strlen(s) >= NF_IFNAMSIZ || !*s)
		return rxs__nf_fail(c->p, "bad interface name '%s'", s);
	c->r->inv_in = take_invert(c);
	strcpy(c->r->iniface, s);
	return 0;
}

static int opt_target(struct rule_ctx *c, const char *opt, bool is_goto)
{
	static const struct { const char *name; enum nf_target_kind kind; } std[] = {
		{ "ACCEPT", NF_T_ACCEPT }, { "DROP", NF_T_DROP }, { "RETURN", NF_T_RETURN },
		{ "REJECT", NF_T_REJECT }, { "LOG", NF_T_LOG }, { "MARK", NF_T_MARK },
		{ "CT", NF_T_CT }, { "NOTRACK", NF_T_CT },
	};
	struct nf_target *t = &c->r->t;
	const char *s = next_arg(c, opt);

	if (!s || no_invert(c, opt))
		return c->p->rc;
	if (c->seen_target)
		return rxs__nf_fail(c->p, "a rule has one -j or -g");
	c->seen_target = true;
	for (unsigned int i = 0; i < ARRAY_SIZE(std) && !is_goto; i++)
		if (!strcmp(s, std[i].name)) {
			t->kind = std[i].kind;
			t->notrack_alias = !strcmp(s, "NOTRACK");
			t->notrack = t->notrack_alias;
			t->reject_with = REJECT_PORT_UNREACH;
			t->log_level = 4;
			return 0;
		}
	t->kind = NF_T_CHAIN;
	t->is_goto = is_goto;
	t->name = rxs__strdup(s);
	return t->name ? 0 : rxs__nf_fail(c->p, "out of memory");
}

static int opt_counters(struct rule_ctx *c, const char *opt)
{
	const char *a = next_arg(c, opt), *b = a ? next_arg(c, opt) : NULL;
	char *end;

	if (!b || no_invert(c, opt))
		return c->p->rc;
	c->r->pkts = strtoull(a, &end, 10);
	if (*end || !*a)
		return rxs__nf_fail(c->p, "bad packet counter '%s'", a);
	c->r->bytes = strtoull(b, &end, 10);
	if (*end || !*b)
		return rxs__nf_fail(c->p, "bad byte counter '%s'", b);
	return 0;
}

static int add_match(struct rule_ctx *c, const char *name)
{
	static const struct { const char *name; enum nf_match_kind kind; } kinds[] = {
		{ "tcp", NF_M_TCP }, { "udp", NF_M_UDP }, { "conntrack", NF_M_CONNTRACK },
		{ "state", NF_M_CONNTRACK }, { "multiport", NF_M_MULTIPORT }, { "limit", NF_M_LIMIT },
		{ "length", NF_M_LENGTH }, { "comment", NF_M_COMMENT },
	};
	struct nf_rule *r = c->r;
	struct nf_match *m;

	for (unsigned int i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (strcmp(name, kinds[i].name))
			continue;
		if (r->nmatches == NF_MAX_MATCHES)
			return rxs__nf_fail(c->p, "too many matches (at most %d)", NF_MAX_MATCHES);
		if ((kinds[i].kind == NF_M_TCP || kinds[i].kind == NF_M_UDP) && c->l4 >= 0)
			return rxs__nf_fail(c->p, "match '%s' given twice", name);
		m = &r->m[r->nmatches];
		memset(m, 0, sizeof(*m));
		m->kind = kinds[i].kind;
		m->u.ct.alias = !strcmp(name, "state");
		if (m->kind == NF_M_TCP || m->kind == NF_M_UDP) {
			m->u.l4.spts[1] = m->u.l4.dpts[1] = 0xffff;
			c->l4 = (int)r->nmatches;
		}
		if (m->kind == NF_M_LIMIT) {
			m->u.limit.avg = 10000 * 3600 / 3;	/* XT_LIMIT_AVG "3/hour" */
			m->u.limit.burst = 5;
		}
		r->nmatches++;
		return 0;
	}
	{
		const char *names[ARRAY_SIZE(kinds)];
		char hint[96];

		for (unsigned int i = 0; i < ARRAY_SIZE(kinds); i++)
			names[i] = kinds[i].name;
		return rxs__nf_fail(c->p, "unsupported match '%s'%s", name,
				    rxs__nf_did_you_mean(name, names, ARRAY_SIZE(names), hint,
							 sizeof(hint)));
	}
}

static int opt_match(struct rule_ctx *c, const char *opt)
{
	const char *s = next_arg(c, opt);

	if (!s)
		return c->p->rc;
	if (c->invert)
		return rxs__nf_fail(c->p, "unexpected ! flag before --match");
	return add_match(c, s);
}

/* The options of the rule itself (iptables' command line), not of a match or target.
 * Returns 1 when @opt is one of them, 0 when not, or an error. */
static int ip_option(struct rule_ctx *c, const char *opt)
{
	int rc;

	if (!strcmp(opt, "-s") || !strcmp(opt, "--source") || !strcmp(opt, "--src"))
		rc = opt_addr(c, opt, true);
	else if (!strcmp(opt, "-d") || !strcmp(opt, "--destination") || !strcmp(opt, "--dst"))
		rc = opt_addr(c, opt, false);
	else if (!strcmp(opt, "-p") || !strcmp(opt, "--protocol"))
		rc = opt_proto(c, opt);
	else if (!strcmp(opt, "-i") || !strcmp(opt, "--in-interface"))
		rc = opt_iface(c, opt);
	else if (!strcmp(opt, "-j") || !strcmp(opt, "--jump"))
		rc = opt_target(c, opt, false);
	else if (!strcmp(opt, "-g") || !strcmp(opt, "--goto"))
		rc = opt_target(c, opt, true);
	else if (!strcmp(opt, "-m") || !strcmp(opt, "--match"))
		rc = opt_match(c, opt);
	else if (!strcmp(opt, "-c") || !strcmp(opt, "--set-counters"))
		rc = opt_counters(c, opt);
	else if (!strcmp(opt, "-4") || !strcmp(opt, "--ipv4"))
		rc = no_invert(c, opt);
	else
		return 0;
	return rc ? rc : 1;
}

/* "80", "1024:", ":1023", "6000:6010" (XTTYPE_PORTRC / UINT16RC). */
static bool parse_range(const char *s, uint16_t out[2])
{
	const char *colon = strchr(s, ':');
	char lo[8] = "", hi[8] = "";
	uint32_t a = 0, b = 0xffff;

	if (!colon) {
		if (!parse_u32(s, 10, 0xffff, &a))
			return false;
		out[0] = out[1] = (uint16_t)a;
		return true;
	}
	if ((size_t)(colon - s) >= sizeof(lo) || strlen(colon + 1) >= sizeof(hi))
		return false;
	memcpy(lo, s, (size_t)(colon - s));
	strcpy(hi, colon + 1);
	if ((*lo && !parse_u32(lo, 10, 0xffff, &a)) || (*hi && !parse_u32(hi, 10, 0xffff, &b)))
		return false;
	if (a > b || (!*lo && !*hi))
		return false;
	out[0] = (uint16_t)a;
	out[1] = (uint16_t)b;
	return true;
}

static int opt_ports(struct rule_ctx *c, struct nf_match *m, const char *opt, bool src)
{
	const char *s = next_arg(c, opt);
	uint16_t *pts = src ? m->u.l4.spts : m->u.l4.dpts;
	bool *inv = src ? &m->u.l4.inv_spt : &m->u.l4.inv_dpt;

	if (!s)
		return c->p->rc;
	if (pts[0] != 0 || pts[1] != 0xffff || *inv)
		return rxs__nf_fail(c->p, "only one '%s' allowed", opt);
	*inv = take_invert(c);
	if (!parse_range(s, pts))
		return rxs__nf_fail(c->p, "bad port or port range '%s'", s);
	return 1;
}

static bool parse_tcp_flags(const char *s, uint8_t *out)
{
	static const struct { const char *name; uint8_t flag; } names[] = {
		{ "FIN", 0x01 }, { "SYN", 0x02 }, { "RST", 0x04 }, { "PSH", 0x08 },
		{ "ACK", 0x10 }, { "URG", 0x20 }, { "ALL", 0x3f }, { "NONE", 0 },
	};
	char buf[64];
	char *save = NULL;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	*out = 0;
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(names) && strcasecmp(w, names[i].name); i++)
			;
		if (i == ARRAY_SIZE(names))
			return false;
		*out |= names[i].flag;
	}
	return true;
}

static int l4_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	bool tcp = m->kind == NF_M_TCP;
	const char *a, *b;

	if (!strcmp(opt, "--sport") || !strcmp(opt, "--source-port"))
		return opt_ports(c, m, opt, true);
	if (!strcmp(opt, "--dport") || !strcmp(opt, "--destination-port"))
		return opt_ports(c, m, opt, false);
	if (!tcp || (strcmp(opt, "--syn") && strcmp(opt, "--tcp-flags")))
		return 0;
	if (m->u.l4.flg_mask || m->u.l4.inv_flags)
		return rxs__nf_fail(c->p, "only one of '--syn' or '--tcp-flags' allowed");
	m->u.l4.inv_flags = take_invert(c);
	if (!strcmp(opt, "--syn")) {
		m->u.l4.flg_mask = 0x17;	/* SYN,RST,ACK,FIN */
		m->u.l4.flg_cmp = 0x02;		/* SYN */
		return 1;
	}
	a = next_arg(c, opt);
	b = a ? next_arg(c, opt) : NULL;
	if (!b)
		return c->p->rc;
	if (!parse_tcp_flags(a, &m->u.l4.flg_mask) || !parse_tcp_flags(b, &m->u.l4.flg_cmp))
		return rxs__nf_fail(c->p, "bad TCP flags '%s %s'", a, b);
	return 1;
}

static int ct_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	static const struct { const char *name; unsigned int bit; } states[] = {
		{ "INVALID", NF_CTS_INVALID }, { "NEW", NF_CTS_NEW },
		{ "ESTABLISHED", NF_CTS_ESTABLISHED }, { "RELATED", NF_CTS_RELATED },
		{ "UNTRACKED", NF_CTS_UNTRACKED },
	};
	const char *s;
	char buf[128];
	char *save = NULL;

	if (strcmp(opt, m->u.ct.alias ? "--state" : "--ctstate"))
		return 0;
	if (m->u.ct.states)
		return rxs__nf_fail(c->p, "only one '%s' allowed", opt);
	m->invert = take_invert(c);
	s = next_arg(c, opt);
	if (!s)
		return c->p->rc;
	if (strlen(s) >= sizeof(buf))
		return rxs__nf_fail(c->p, "bad state list '%s'", s);
	strcpy(buf, s);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(states) && strcasecmp(w, states[i].name); i++)
			;
		if (i == ARRAY_SIZE(states))
			return rxs__nf_fail(c->p, "unsupported connection state '%s'", w);
		m->u.ct.states |= states[i].bit;
	}
	return m->u.ct.states ? 1 : rxs__nf_fail(c->p, "bad state list '%s'", s);
}

static int multiport_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	const char *s;
	char buf[256];
	char *save = NULL;
	unsigned int n = 0;

	if (!strcmp(opt, "--sports") || !strcmp(opt, "--source-ports"))
		m->u.mp.flags = NF_MP_SOURCE;
	else if (!strcmp(opt, "--dports") || !strcmp(opt, "--destination-ports"))
		m->u.mp.flags = NF_MP_DESTINATION;
	else if (!strcmp(opt, "--ports"))
		m->u.mp.flags = NF_MP_EITHER;
	else
		return 0;
	if (m->u.mp.count)
		return rxs__nf_fail(c->p, "multiport takes one of --sports, --dports, --ports");
	m->invert = take_invert(c);
	s = next_arg(c, opt);
	if (!s)
		return c->p->rc;
	if (strlen(s) >= sizeof(buf))
		return rxs__nf_fail(c->p, "bad port list '%s'", s);
	strcpy(buf, s);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		uint16_t pr[2];
		bool range = strchr(w, ':') != NULL;

		if (n + range >= NF_MULTIPORT_MAX)
			return rxs__nf_fail(c->p, "too many ports specified (at most %d)",
					    NF_MULTIPORT_MAX);
		if (!parse_range(w, pr) || (range && (w[0] == ':' || w[strlen(w) - 1] == ':')))
			return rxs__nf_fail(c->p, "bad port or port range '%s'", w);
		m->u.mp.pflags[n] = range;
		m->u.mp.ports[n++] = pr[0];
		if (range)
			m->u.mp.ports[n++] = pr[1];
	}
	m->u.mp.count = (uint8_t)n;
	return n ? 1 : rxs__nf_fail(c->p, "bad port list '%s'", s);
}

/* libxt_limit.c parse_rate(): "N[/second|/minute|/hour|/day]", any prefix of the unit. */
static bool parse_rate(const char *s, uint32_t *avg)
{
	static const struct { const char *unit; uint32_t mult; } units[] = {
		{ "second", 1 }, { "minute", 60 }, { "hour", 3600 }, { "day", 86400 },
	};
	const char *slash = strchr(s, '/');
	uint32_t mult = 1, r;
	char num[16];
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (slash) {
		size_t len = strlen(slash + 1);
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (len && !strncasecmp(slash + 1, units[i].unit, len))
				break;
		if (i == ARRAY_SIZE(units))
			return false;
		mult = units[i].mult;
	}
	if (n == 0 || n >= sizeof(num))
		return false;
	memcpy(num, s, n);
	num[n] = '\0';
	if (!parse_u32(num, 10, UINT32_MAX, &r) || !r)
		return false;
	*avg = (uint32_t)(10000ull * mult / r);	/* XT_LIMIT_SCALE */
	return *avg != 0;
}

static int limit_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	const char *s;

	if (strcmp(opt, "--limit") && strcmp(opt, "--limit-burst"))
		return 0;
	if (c->invert)
		return rxs__nf_fail(c->p, "limit does not support invert");
	s = next_arg(c, opt);
	if (!s)
		return c->p->rc;
	if (!strcmp(opt, "--limit"))
		return parse_rate(s, &m->u.limit.avg) ? 1 : rxs__nf_fail(c->p, "bad rate '%s'", s);
	if (!parse_u32(s, 10, 10000, &m->u.limit.burst))
		return rxs__nf_fail(c->p, "bad --limit-burst '%s' (0-10000)", s);
	return 1;
}

static int length_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	const char *s;
	uint16_t pr[2];

	if (strcmp(opt, "--length"))
		return 0;
	m->invert = take_invert(c);
	s = next_arg(c, opt);
	if (!s)
		return c->p->rc;
	if (m->set)
		return rxs__nf_fail(c->p, "only one '--length' allowed");
	if (!parse_range(s, pr))
		return rxs__nf_fail(c->p, "bad length range '%s'", s);
	m->u.len.min = pr[0];
	m->u.len.max = pr[1];
	m->set = true;
	return 1;
}

static int comment_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	const char *s;

	if (strcmp(opt, "--comment"))
		return 0;
	s = next_arg(c, opt);
	if (!s || no_invert(c, opt))
		return c->p->rc;
	if (strlen(s) > 255)
		return rxs__nf_fail(c->p, "comment too long (at most 255 characters)");
	rxs__free(m->u.comment);
	m->u.comment = rxs__strdup(s);
	return m->u.comment ? 1 : rxs__nf_fail(c->p, "out of memory");
}

/* 1: @opt belongs to @m and was parsed; 0: not one of @m's options; <0: error. */
static int match_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	switch (m->kind) {
	case NF_M_TCP:
	case NF_M_UDP:
		return l4_option(c, m, opt);
	case NF_M_CONNTRACK:
		return ct_option(c, m, opt);
	case NF_M_MULTIPORT:
		return multiport_option(c, m, opt);
	case NF_M_LIMIT:
		return limit_option(c, m, opt);
	case NF_M_LENGTH:
		return length_option(c, m, opt);
	case NF_M_COMMENT:
		return comment_option(c, m, opt);
	}
	return 0;
}

static int log_option(struct rule_ctx *c, const char *opt)
{
	static const struct { const char *name; uint8_t val; } levels[] = {
		{ "emerg", 0 }, { "panic", 0 }, { "alert", 1 }, { "crit", 2 }, { "err", 3 },
		{ "error", 3 }, { "warning", 4 }, { "warn", 4 }, { "notice", 5 }, { "info", 6 },
		{ "debug", 7 },
	};
	static const struct { const char *name; uint8_t flag; } flags[] = {
		{ "--log-tcp-sequence", 0x01 }, { "--log-tcp-options", 0x02 },
		{ "--log-ip-options", 0x04 }, { "--log-uid", 0x08 }, { "--log-macdecode", 0x20 },
	};
	struct nf_target *t = &c->r->t;
	const char *s;
	uint32_t v;

	for (unsigned int i = 0; i < ARRAY_SIZE(flags); i++)
		if (!strcmp(opt, flags[i].name)) {
			t->log_flags |= flags[i].flag;
			return no_invert(c, opt) ? c->p->rc : 1;
		}
	if (strcmp(opt, "--log-level") && strcmp(opt, "--log-prefix"))
		return 0;
	s = next_arg(c, opt);
	if (!s || no_invert(c, opt))
		return c->p->rc;
	if (!strcmp(opt, "--log-prefix")) {
		if (strlen(s) > 29)
			return rxs__nf_fail(c->p, "maximum prefix length 29 for --log-prefix");
		rxs__free(t->log_prefix);
		t->log_prefix = rxs__strdup(s);
		return t->log_prefix ? 1 : rxs__nf_fail(c->p, "out of memory");
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(levels); i++)
		if (!strcasecmp(s, levels[i].name)) {
			t->log_level = levels[i].val;
			return 1;
		}
	if (!parse_u32(s, 10, 7, &v))
		return rxs__nf_fail(c->p, "bad --log-level '%s'", s);
	t->log_level = (uint8_t)v;
	return 1;
}

/* libxt_MARK.c mark_tg_parse(): every form becomes (mark, mask) for
 * skb->mark = (skb->mark & ~mask) ^ mark. */
static int mark_option(struct rule_ctx *c, const char *opt)
{
	struct nf_target *t = &c->r->t;
	const char *s, *slash;
	uint32_t v, mask = 0xffffffff;
	char num[24];
	bool xset = !strcmp(opt, "--set-xmark"), set = !strcmp(opt, "--set-mark");

	if (!xset && !set && strcmp(opt, "--and-mark") && strcmp(opt, "--or-mark") &&
	    strcmp(opt, "--xor-mark"))
		return 0;
	s = next_arg(c, opt);
	if (!s || no_invert(c, opt))
		return c->p->rc;
	if (c->mark_set)
		return rxs__nf_fail(c->p, "MARK takes one of --set-xmark, --set-mark, --and-mark, "
				    "--or-mark, --xor-mark");
	c->mark_set = true;
	slash = (xset || set) ? strchr(s, '/') : NULL;
	if (strlen(s) >= sizeof(num))
		return rxs__nf_fail(c->p, "bad mark '%s'", s);
	strcpy(num, s);
	if (slash)
		num[slash - s] = '\0';
	if (!parse_u32(num, 0, UINT32_MAX, &v) || (slash && !parse_u32(slash + 1, 0, UINT32_MAX,
									&mask)))
		return rxs__nf_fail(c->p, "bad mark '%s'", s);
	if (xset)
		t->mark = v, t->mask = mask;
	else if (set)
		t->mark = v, t->mask = v | mask;
	else if (!strcmp(opt, "--and-mark"))
		t->mark = 0, t->mask = ~v;
	else if (!strcmp(opt, "--or-mark"))
		t->mark = v, t->mask = v;
	else
		t->mark = v, t->mask = 0;
	return 1;
}

static int target_option(struct rule_ctx *c, const char *opt)
{
	struct nf_target *t = &c->r->t;
	const char *s;

	switch (t->kind) {
	case NF_T_LOG:
		return log_option(c, opt);
	case NF_T_MARK:
		return mark_option(c, opt);
	case NF_T_CT:
		if (strcmp(opt, "--notrack") || t->notrack_alias)
			return 0;
		t->notrack = true;
		return no_invert(c, opt) ? c->p->rc : 1;
	case NF_T_REJECT:
		if (strcmp(opt, "--reject-with"))
			return 0;
		s = next_arg(c, opt);
		if (!s || no_invert(c, opt))
			return c->p->rc;
		for (unsigned int i = 0; i < nf_nreject_types; i++)
			if (!strcasecmp(s, nf_reject_types[i].name) ||
			    !strcasecmp(s, nf_reject_types[i].alias)) {
				t->reject_with = (uint8_t)i;
				return 1;
			}
		return rxs__nf_fail(c->p, "unsupported reject type '%s'", s);
	default:
		return 0;
	}
}

static bool is_l4_option(const char *opt)
{
	static const char *const names[] = { "--sport", "--source-port", "--dport",
					     "--destination-port", "--syn", "--tcp-flags" };

	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(opt, names[i]))
			return true;
	return false;
}

/* Every option some part of a rule takes, and what must come before it: for "did you
 * mean", and to say what a known option lacks where it was written. */
static const struct { const char *name, *needs; } all_options[] = {
	{ "--source", "" }, { "--src", "" }, { "--destination", "" }, { "--dst", "" },
	{ "--protocol", "" }, { "--in-interface", "" }, { "--jump", "" }, { "--goto", "" },
	{ "--match", "" }, { "--set-counters", "" }, { "--ipv4", "" },
	{ "--sport", "-p tcp' or '-p udp" }, { "--source-port", "-p tcp' or '-p udp" },
	{ "--dport", "-p tcp' or '-p udp" }, { "--destination-port", "-p tcp' or '-p udp" },
	{ "--syn", "-p tcp" }, { "--tcp-flags", "-p tcp" }, { "--state", "-m state" },
	{ "--ctstate", "-m conntrack" }, { "--sports", "-m multiport" },
	{ "--source-ports", "-m multiport" }, { "--dports", "-m multiport" },
	{ "--destination-ports", "-m multiport" }, { "--ports", "-m multiport" },
	{ "--limit", "-m limit" }, { "--limit-burst", "-m limit" }, { "--length", "-m length" },
	{ "--comment", "-m comment" }, { "--log-level", "-j LOG" }, { "--log-prefix", "-j LOG" },
	{ "--log-tcp-sequence", "-j LOG" }, { "--log-tcp-options", "-j LOG" },
	{ "--log-ip-options", "-j LOG" }, { "--log-uid", "-j LOG" },
	{ "--log-macdecode", "-j LOG" }, { "--set-mark", "-j MARK" }, { "--set-xmark", "-j MARK" },
	{ "--and-mark", "-j MARK" }, { "--or-mark", "-j MARK" }, { "--xor-mark", "-j MARK" },
	{ "--notrack", "-j CT" }, { "--reject-with", "-j REJECT" },
};

/* An option no part of this rule takes: known elsewhere (say what it needs), or a typo. */
static int unsupported_option(struct rule_ctx *c, const char *opt)
{
	const char *names[ARRAY_SIZE(all_options)];
	char hint[96];

	for (unsigned int i = 0; i < ARRAY_SIZE(all_options); i++) {
		names[i] = all_options[i].name;
		if (!strcmp(opt, names[i]) && *all_options[i].needs)
			return rxs__nf_fail(c->p, "option '%s' needs '%s' before it", opt,
					    all_options[i].needs);
	}
	return rxs__nf_fail(c->p, "unsupported option '%s'%s", opt,
			    rxs__nf_did_you_mean(opt, names, ARRAY_SIZE(names), hint,
						 sizeof(hint)));
}

static int one_option(struct rule_ctx *c, const char *opt)
{
	struct nf_rule *r = c->r;
	int rc = ip_option(c, opt);

	for (unsigned int k = r->nmatches; rc == 0 && k > 0; k--)
		rc = match_option(c, &r->m[k - 1], opt);
	if (rc == 0 && c->seen_target)
		rc = target_option(c, opt);
	if (rc == 0 && is_l4_option(opt) && c->l4 < 0) {
		/* The implicit protocol match (xshared.c: load_proto). */
		if (r->proto != 6 && r->proto != 17)
			return rxs__nf_fail(c->p, "option '%s' needs '-p tcp' or '-p udp' before it",
					    opt);
		if (add_match(c, r->proto == 6 ? "tcp" : "udp"))
			return c->p->rc;
		rc = match_option(c, &r->m[c->l4], opt);
	}
	if (rc == 0)
		return unsupported_option(c, opt);
	return rc < 0 ? rc : 0;
}


/* The checks the kernel makes when the table is loaded (xt_check_match / xt_check_target:
 * .proto, .table, checkentry), which iptables reports as errors. */
static int check_rule(struct rule_ctx *c)
{
	const struct nf_rule *r = c->r;
	bool tcp = r->proto == 6 && !r->inv_proto;

	for (unsigned int i = 0; i < r->nmatches; i++) {
		const struct nf_match *m = &r->m[i];

		if (m->kind == NF_M_TCP && !tcp)
			return rxs__nf_fail(c->p, "the tcp match needs '-p tcp'");
		if (m->kind == NF_M_UDP && (r->proto != 17 || r->inv_proto))
			return rxs__nf_fail(c->p, "the udp match needs '-p udp'");
		if (m->kind == NF_M_MULTIPORT && !m->u.mp.count)
			return rxs__nf_fail(c->p, "multiport needs --sports, --dports or --ports");
		if (m->kind == NF_M_MULTIPORT && ((r->proto != 6 && r->proto != 17) || r->inv_proto))
			return rxs__nf_fail(c->p, "multiport needs '-p tcp' or '-p udp'");
		if (m->kind == NF_M_CONNTRACK && !m->u.ct.states)
			return rxs__nf_fail(c->p, "%s needs %s", m->u.ct.alias ? "state" : "conntrack",
					    m->u.ct.alias ? "--state" : "--ctstate");
		if (m->kind == NF_M_LENGTH && !m->set)
			return rxs__nf_fail(c->p, "length needs --length");
		if (m->kind == NF_M_LIMIT && m->u.limit.burst == 0)
			return rxs__nf_fail(c->p, "limit: a burst of 0 never matches");
		if (m->kind == NF_M_COMMENT && !m->u.comment)
			return rxs__nf_fail(c->p, "comment needs --comment");
	}
	if (r->t.kind == NF_T_REJECT && nf_reject_types[r->t.reject_with].tcp_reset && !tcp)
		return rxs__nf_fail(c->p, "--reject-with tcp-reset needs '-p tcp'");
	if (r->t.kind == NF_T_REJECT && r->table != NF_TABLE_FILTER)
		return rxs__nf_fail(c->p, "REJECT is only valid in the filter table");
	if (r->t.kind == NF_T_CT && r->table != NF_TABLE_RAW)
		return rxs__nf_fail(c->p, "%s is only valid in the raw table",
				    r->t.notrack_alias ? "NOTRACK" : "CT");
	if (r->t.kind == NF_T_CT && !r->t.notrack)
		return rxs__nf_fail(c->p, "CT is supported only with --notrack");
	if (r->t.kind == NF_T_MARK && !c->mark_set)
		return rxs__nf_fail(c->p, "MARK needs --set-mark, --set-xmark, --and-mark, "
				    "--or-mark or --xor-mark");
	return 0;
}

/* The rule's text as written: the line without "[p:b] -A CHAIN ". */
static const char *rule_text(const char *line)
{
	const char *s = line;

	if (*s == '[' && strchr(s, ']'))
		s = strchr(s, ']') + 1;
	for (int word = 0; word < 2; word++) {
		s += strspn(s, " \t");
		s += strcspn(s, " \t");
	}
	return s + strspn(s, " \t");
}

static struct nf_rule *new_rule(struct nf_parser *p, unsigned int chain)
{
	struct rxs_ruleset *nf = p->nf;
	struct nf_chain *ch = &nf->chains[chain];
	struct nf_rule *r;

	if (nf->nrules == nf->rules_cap) {
		unsigned int cap = nf->rules_cap ? 2 * nf->rules_cap : 16;
		struct nf_rule *n = rxs__realloc(nf->rules, cap * sizeof(*n));

		if (!n)
			return NULL;
		nf->rules = n;
		nf->rules_cap = cap;
	}
	if (ch->nrules == ch->cap) {
		unsigned int cap = ch->cap ? 2 * ch->cap : 8;
		unsigned int *n = rxs__realloc(ch->rules, cap * sizeof(*n));

		if (!n)
			return NULL;
		ch->rules = n;
		ch->cap = cap;
	}
	r = &nf->rules[nf->nrules];
	memset(r, 0, sizeof(*r));
	r->table = (unsigned int)p->table;
	r->chain = chain;
	r->line = p->line;
	r->col = p->qcol + (unsigned int)(rule_text(p->quote) - p->quote);
	r->text = rxs__strdup(rule_text(p->quote));
	if (!r->text)
		return NULL;
	/* Counted now so that rxs_ruleset_destroy frees what a failed parse leaves. */
	ch->rules[ch->nrules++] = nf->nrules++;
	return r;
}

int rxs__nf_parse_rule(struct nf_parser *p, char **argv, unsigned int argc)
{
	struct rule_ctx c = { .p = p, .argv = argv, .argc = argc, .l4 = -1 };
	uint64_t pkts = 0, bytes = 0;
	unsigned int a = 0;
	int chain;

	if (argv[0][0] == '[') {
		if (rxs__nf_parse_counters(argv[0], &pkts, &bytes))
			return rxs__nf_fail(p, "bad counters '%s'", argv[0]);
		a = 1;
	}
	if (a >= argc || (strcmp(argv[a], "-A") && strcmp(argv[a], "--append")))
		return rxs__nf_fail(p, "unsupported command '%s' (expected -A)",
				    a < argc ? argv[a] : "");
	if (a + 1 >= argc)
		return rxs__nf_fail(p, "-A needs a chain");
	chain = rxs__nf_find_chain(p->nf, (unsigned int)p->table, argv[a + 1]);
	if (chain < 0)
		return rxs__nf_fail(p, "chain %s does not exist in table %s", argv[a + 1],
				    nf_table_names[p->table]);
	c.r = new_rule(p, (unsigned int)chain);
	if (!c.r)
		return rxs__nf_fail(p, "out of memory");
	c.r->pkts = pkts;
	c.r->bytes = bytes;
	for (c.i = a + 2; c.i < c.argc && !p->rc;) {
		const char *opt = c.argv[c.i++];

		if (!strcmp(opt, "!")) {
			if (c.invert)
				return rxs__nf_fail(p, "'!' given twice");
			c.invert = true;
		} else if (opt[0] != '-') {
			return rxs__nf_fail(p, "unexpected '%s'", opt);
		} else {
			one_option(&c, opt);
		}
	}
	if (!p->rc && c.invert)
		return rxs__nf_fail(p, "'!' at the end of the rule");
	return p->rc ? p->rc : check_rule(&c);
}
