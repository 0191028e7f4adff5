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
#include <stddef.h>
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
	/* ip6tables' (libip6t_REJECT.c), ICMPv6 destination unreachable codes */
	{ "icmp6-no-route", "no-route", 0, false },
	{ "icmp6-adm-prohibited", "adm-prohibited", 1, false },
	{ "icmp6-addr-unreachable", "addr-unreach", 3, false },
	{ "icmp6-port-unreachable", "port-unreach", 4, false },
};
const unsigned int nf_nreject_types = ARRAY_SIZE(nf_reject_types);
#define REJECT_PORT_UNREACH 2
#define REJECT6_FIRST 8			/* the icmp6- types */
#define REJECT6_PORT_UNREACH 11

struct rule_ctx {
	struct nf_parser *p;
	struct nf_rule *r;
	char **argv;
	unsigned int argc, i;
	bool invert;
	bool seen_s, seen_d, seen_p, seen_i, seen_target;
	bool mark_set, seen_o;
	int l4;				/* index of the tcp/udp match, -1 */
	int icmp;			/* index of the icmp match, -1 */
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

/* @s into @buf (@n bytes), cut at its '/': *@prefix is what follows it, or NULL. */
static bool split_prefix(const char *s, char *buf, size_t n, char **prefix)
{
	if (strlen(s) >= n)
		return false;
	strcpy(buf, s);
	*prefix = strchr(buf, '/');
	if (*prefix)
		*(*prefix)++ = '\0';
	return true;
}

/* "a.b.c.d", "a.b.c.d/len" or "a.b.c.d/m.m.m.m"; the address comes back masked. */
static bool parse_addr(const char *s, uint32_t *addr, uint32_t *mask)
{
	char buf[64];
	char *slash;
	struct in_addr a, m;
	uint32_t len = 32;

	if (!split_prefix(s, buf, sizeof(buf), &slash))
		return false;
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

/* ip6tables: "a::b" or "a::b/len"; the address comes back masked. */
static bool parse_addr6(const char *s, uint8_t *addr, uint8_t *mask)
{
	char buf[64];
	char *slash;
	uint32_t len = 128;

	if (!split_prefix(s, buf, sizeof(buf), &slash))
		return false;
	if (inet_pton(AF_INET6, buf, addr) != 1 || (slash && !parse_u32(slash, 10, 128, &len)))
		return false;
	for (unsigned int i = 0; i < 16; i++) {
		unsigned int bits = len > 8 * i ? RXS_MIN(len - 8 * i, 8u) : 0;

		mask[i] = (uint8_t)(0xff00 >> bits);
		addr[i] &= mask[i];
	}
	return true;
}

static const struct { const char *name; uint8_t num; } protos[] = {
	{ "all", 0 }, { "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "sctp", 132 },
	{ "udplite", 136 }, { "esp", 50 }, { "ah", 51 }, { "gre", 47 }, { "dccp", 33 },
	{ "ipv6-icmp", 58 }, { "icmpv6", 58 }, { "igmp", 2 }, { "ipip", 4 },
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
	if (c->p->v6 && src) {
		c->r->inv_src6 = take_invert(c);
		ok = parse_addr6(s, c->r->src6, c->r->smsk6);
	} else if (c->p->v6) {
		c->r->inv_dst6 = take_invert(c);
		ok = parse_addr6(s, c->r->dst6, c->r->dmsk6);
	} else if (src) {
		c->r->inv_src = take_invert(c);
		ok = parse_addr(s, &c->r->src, &c->r->smsk);
	} else {
		c->r->inv_dst = take_invert(c);
		ok = parse_addr(s, &c->r->dst, &c->r->dmsk);
	}
	return ok ? 0 : rxs__nf_fail(c->p, "bad address '%s'", s);
}

static int opt_iface(struct rule_ctx *c, const char *opt, bool out)
{
	const char *s = next_arg(c, opt);
	bool *seen = out ? &c->seen_o : &c->seen_i, wild;
	uint8_t len;

	if (!s)
		return c->p->rc;
	if (*seen)
		return rxs__nf_fail(c->p, "multiple %s flags not allowed", out ? "-o" : "-i");
	*seen = true;
	if (strlen(s) >= NF_IFNAMSIZ || !*s)
		return rxs__nf_fail(c->p, "bad interface name '%s'", s);
	wild = s[strlen(s) - 1] == '+';
	len = (uint8_t)(strlen(s) - wild);
	if (out) {
		c->r->inv_out = take_invert(c);
		strcpy(c->r->outiface, s);
		c->r->outlen = len;
		c->r->out_wild = wild;
	} else {
		c->r->inv_in = take_invert(c);
		strcpy(c->r->iniface, s);
		c->r->inlen = len;
		c->r->in_wild = wild;
	}
	return 0;
}

static int opt_target(struct rule_ctx *c, const char *opt, bool is_goto)
{
	static const struct { const char *name; enum nf_target_kind kind; } std[] = {
		{ "ACCEPT", NF_T_ACCEPT }, { "DROP", NF_T_DROP }, { "RETURN", NF_T_RETURN },
		{ "REJECT", NF_T_REJECT }, { "LOG", NF_T_LOG }, { "MARK", NF_T_MARK },
		{ "CT", NF_T_CT }, { "NOTRACK", NF_T_CT }, { "CONNMARK", NF_T_CONNMARK },
		{ "NFLOG", NF_T_NFLOG }, { "TRACE", NF_T_TRACE }, { "DNAT", NF_T_DNAT },
		{ "SNAT", NF_T_SNAT }, { "MASQUERADE", NF_T_MASQUERADE }, { "REDIRECT", NF_T_REDIRECT },
	};
	/* Targets rxsim does not model yet: refused here, where the rule is read, so that
	 * "skip" mode can leave the rule out (a chain cannot take these names: -N refuses
	 * names of loaded targets). */
	static const char *const unsupported[] = {
		"NETMAP", "TCPMSS", "NFQUEUE", "QUEUE",
		"TEE", "TOS", "TTL", "HL", "DSCP", "CLASSIFY", "SECMARK", "CONNSECMARK", "SET",
		"AUDIT", "CHECKSUM", "HMARK", "SYNPROXY", "TPROXY", "ECN", "IDLETIMER", "LED",
		"RATEEST", "CLUSTERIP", "ULOG",
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
			t->reject_with = c->p->v6 ? REJECT6_PORT_UNREACH : REJECT_PORT_UNREACH;
			t->log_level = 4;
			t->ctmask = t->nfmask = 0xffffffff;
			return 0;
		}
	for (unsigned int i = 0; i < ARRAY_SIZE(unsupported) && !is_goto; i++)
		if (!strcmp(s, unsupported[i]))
			return rxs__nf_fail(c->p, "unsupported target '%s'", s);
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

/* Defaults a match has before its options (each extension's init). */
static int init_match(struct rule_ctx *c, struct nf_match *m, const char *name)
{
	switch (m->kind) {
	case NF_M_MARK:
		m->u.mark.ct = !strcmp(name, "connmark");
		m->u.mark.mask = 0xffffffff;
		break;
	case NF_M_STATISTIC:
		m->u.stat.mode = 0xff;		/* --mode is required */
		break;
	case NF_M_PKTTYPE:
		m->u.pkttype = 0xff;
		break;
	case NF_M_ICMP:
		m->u.icmp.type = 0xff;
		m->u.icmp.code[1] = 0xff;
		m->u.icmp.v6 = !strcmp(name, "icmp6");
		c->icmp = (int)c->r->nmatches;
		break;
	case NF_M_TTL:
		m->u.ttl.hl = !strcmp(name, "hl");
		break;
	case NF_M_TCPMSS:
		break;
	case NF_M_HASHLIMIT:
		m->u.hl = rxs__calloc(1, sizeof(*m->u.hl));
		if (!m->u.hl)
			return rxs__nf_fail(c->p, "out of memory");
		m->u.hl->burst = 5;			/* XT_HASHLIMIT_BURST */
		m->u.hl->expire = 10000;		/* XT_HASHLIMIT_EXPIRE, ms */
		m->u.hl->gc_interval = 1000;		/* XT_HASHLIMIT_GCINTERVAL */
		m->u.hl->srcmask = m->u.hl->dstmask = 32;
		m->u.hl->max = 65536;			/* 8 * the largest default size */
		m->u.hl->table = -1;
		break;
	case NF_M_RECENT:
		m->u.recent.mask = 0xffffffff;
		m->u.recent.table = -1;
		break;
	case NF_M_CONNLIMIT:
		m->u.connlimit.mask = 0xffffffff;
		break;
	case NF_M_SET:
		m->u.set.set = -1;
		break;
	default:
		break;
	}
	return 0;
}

/* The matches of one family alone: ttl and icmp are IPv4's (ip6tables has hl and icmp6);
 * the ones keyed by a 32-bit address (addrtype, hashlimit, recent, connlimit, set) rxsim has
 * for IPv4 only. */
static bool family_match(bool v6, const char *name)
{
	static const char *const v4_only[] = { "ttl", "icmp", "addrtype", "hashlimit", "recent",
					       "connlimit", "set" };
	static const char *const v6_only[] = { "hl", "icmp6" };

	for (unsigned int i = 0; v6 && i < ARRAY_SIZE(v4_only); i++)
		if (!strcmp(name, v4_only[i]))
			return false;
	for (unsigned int i = 0; !v6 && i < ARRAY_SIZE(v6_only); i++)
		if (!strcmp(name, v6_only[i]))
			return false;
	return true;
}

static int add_match(struct rule_ctx *c, const char *name)
{
	static const struct { const char *name; enum nf_match_kind kind; } kinds[] = {
		{ "tcp", NF_M_TCP }, { "udp", NF_M_UDP }, { "conntrack", NF_M_CONNTRACK },
		{ "state", NF_M_CONNTRACK }, { "multiport", NF_M_MULTIPORT }, { "limit", NF_M_LIMIT },
		{ "length", NF_M_LENGTH }, { "comment", NF_M_COMMENT }, { "mark", NF_M_MARK },
		{ "connmark", NF_M_MARK }, { "addrtype", NF_M_ADDRTYPE },
		{ "statistic", NF_M_STATISTIC }, { "pkttype", NF_M_PKTTYPE }, { "icmp", NF_M_ICMP },
		{ "icmp6", NF_M_ICMP },
		{ "ttl", NF_M_TTL }, { "hl", NF_M_TTL }, { "tcpmss", NF_M_TCPMSS },
		{ "hashlimit", NF_M_HASHLIMIT }, { "recent", NF_M_RECENT },
		{ "connlimit", NF_M_CONNLIMIT }, { "set", NF_M_SET },
	};
	struct nf_rule *r = c->r;
	struct nf_match *m;

	for (unsigned int i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (strcmp(name, kinds[i].name))
			continue;
		if (!family_match(c->p->v6, name))
			return rxs__nf_fail(c->p, "match '%s' is not %s's%s", name,
					    c->p->v6 ? "ip6tables" : "iptables",
					    c->p->v6 ? " (rxsim's IPv6 rules have no address "
						       "tables or ttl/icmp: use hl, icmp6)"
						     : "");
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
		if (init_match(c, m, name))
			return c->p->rc;
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
		rc = opt_iface(c, opt, false);
	else if (!strcmp(opt, "-o") || !strcmp(opt, "--out-interface"))
		rc = opt_iface(c, opt, true);
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
		{ "UNTRACKED", NF_CTS_UNTRACKED }, { "SNAT", NF_CTS_SNAT }, { "DNAT", NF_CTS_DNAT },
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

/* parse_rate() of libxt_limit.c and libxt_hashlimit.c: "N[/second|/minute|/hour|/day]",
 * any prefix of the unit; *avg = @scale / (N per second), the time between packets in the
 * match's units. */
static bool parse_rate_scaled(const char *s, uint64_t scale, uint64_t *avg)
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
	*avg = scale * mult / r;
	return *avg != 0;
}

/* -m limit's rate, in XT_LIMIT_SCALE units (at most 10000 * 86400: it fits 32 bits). */
static bool parse_rate(const char *s, uint32_t *avg)
{
	uint64_t a;

	if (!parse_rate_scaled(s, 10000, &a))
		return false;
	*avg = (uint32_t)a;
	return true;
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

/* An option taking one "min[:max]" range, once (--length, --mss). */
static int range_option(struct rule_ctx *c, struct nf_match *m, const char *opt,
			const char *name, const char *what, uint16_t *min, uint16_t *max)
{
	const char *s;
	uint16_t pr[2];

	if (strcmp(opt, name))
		return 0;
	m->invert = take_invert(c);
	s = next_arg(c, opt);
	if (!s)
		return c->p->rc;
	if (m->set)
		return rxs__nf_fail(c->p, "only one '%s' allowed", name);
	if (!parse_range(s, pr))
		return rxs__nf_fail(c->p, "bad %s range '%s'", what, s);
	*min = pr[0];
	*max = pr[1];
	m->set = true;
	return 1;
}

static int length_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	return range_option(c, m, opt, "--length", "length", &m->u.len.min, &m->u.len.max);
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

/* "V" or "V/M", numbers in any base strtoul takes; @mask stays when "/M" is absent. */
static bool parse_mark(const char *s, uint32_t *val, uint32_t *mask)
{
	char num[24];
	const char *slash = strchr(s, '/');

	if (strlen(s) >= sizeof(num))
		return false;
	strcpy(num, s);
	if (slash)
		num[slash - s] = '\0';
	return parse_u32(num, 0, UINT32_MAX, val) &&
	       (!slash || parse_u32(slash + 1, 0, UINT32_MAX, mask));
}

/* -m mark / -m connmark --mark V[/M] (xt_mark.c mark_mt, connmark_mt). */
static int markm_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	const char *s;

	if (strcmp(opt, "--mark"))
		return 0;
	m->invert = take_invert(c);
	s = next_arg(c, opt);
	if (!s)
		return c->p->rc;
	if (m->set)
		return rxs__nf_fail(c->p, "only one '--mark' allowed");
	if (!parse_mark(s, &m->u.mark.mark, &m->u.mark.mask))
		return rxs__nf_fail(c->p, "bad mark '%s'", s);
	m->set = true;
	return 1;
}

static const char *const rtn_names[] = {
	"UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST", "BLACKHOLE",
	"UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
};

/* -m addrtype --src-type/--dst-type T[,T...] [--limit-iface-in|out] (libxt_addrtype.c). */
static int addrtype_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	bool src = !strcmp(opt, "--src-type");
	uint16_t *types = src ? &m->u.addrtype.src : &m->u.addrtype.dst;
	char buf[128], hint[96];
	char *save = NULL;
	const char *s;

	if (!strcmp(opt, "--limit-iface-in") || !strcmp(opt, "--limit-iface-out")) {
		if (no_invert(c, opt))
			return c->p->rc;
		if (m->u.addrtype.limit_in || m->u.addrtype.limit_out)
			return rxs__nf_fail(c->p, "addrtype: you can't specify both "
					    "--limit-iface-in and --limit-iface-out");
		if (opt[14] == 'i')
			m->u.addrtype.limit_in = true;
		else
			m->u.addrtype.limit_out = true;
		return 1;
	}
	if (!src && strcmp(opt, "--dst-type"))
		return 0;
	if (src)
		m->u.addrtype.inv_src = take_invert(c);
	else
		m->u.addrtype.inv_dst = take_invert(c);
	s = next_arg(c, opt);
	if (!s)
		return c->p->rc;
	if (*types)
		return rxs__nf_fail(c->p, "only one '%s' allowed", opt);
	if (strlen(s) >= sizeof(buf))
		return rxs__nf_fail(c->p, "bad address type list '%s'", s);
	strcpy(buf, s);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(rtn_names) && strcasecmp(w, rtn_names[i]); i++)
			;
		if (i == ARRAY_SIZE(rtn_names))
			return rxs__nf_fail(c->p, "unknown address type '%s'%s", w,
					    rxs__nf_did_you_mean(w, rtn_names, ARRAY_SIZE(rtn_names),
								 hint, sizeof(hint)));
		*types |= (uint16_t)(1u << i);
	}
	return *types ? 1 : rxs__nf_fail(c->p, "bad address type list '%s'", s);
}

/* -m statistic (libxt_statistic.c): --mode random --probability P, --mode nth --every N
 * [--packet P]; "!" before --probability or --every inverts. */
static int statistic_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	const char *s;
	uint32_t v;

	if (strcmp(opt, "--mode") && strcmp(opt, "--probability") && strcmp(opt, "--every") &&
	    strcmp(opt, "--packet"))
		return 0;
	if (!strcmp(opt, "--probability") || !strcmp(opt, "--every"))
		m->invert |= take_invert(c);
	else if (no_invert(c, opt))
		return c->p->rc;
	s = next_arg(c, opt);
	if (!s)
		return c->p->rc;
	if (!strcmp(opt, "--mode")) {
		if (!strcmp(s, "random"))
			m->u.stat.mode = NF_STAT_RANDOM;
		else if (!strcmp(s, "nth"))
			m->u.stat.mode = NF_STAT_NTH;
		else
			return rxs__nf_fail(c->p, "bad mode '%s' (random or nth)", s);
		return 1;
	}
	if (!strcmp(opt, "--probability")) {
		char *end;
		double p = strtod(s, &end);

		if (*end || !*s || p < 0 || p > 1)
			return rxs__nf_fail(c->p, "bad probability '%s' (0 to 1)", s);
		/* lround(0x80000000 * p): p = 1 is 2^31, which the 31-bit draw never reaches */
		m->u.stat.probability = (uint32_t)(0x80000000u * p + 0.5);
		m->set = true;
		return 1;
	}
	if (!parse_u32(s, 10, UINT32_MAX, &v))
		return rxs__nf_fail(c->p, "bad value '%s' for '%s'", s, opt);
	if (!strcmp(opt, "--every")) {
		if (!v)
			return rxs__nf_fail(c->p, "--every must be at least 1");
		m->u.stat.every = v - 1;	/* as userspace stores it */
		m->set = true;
	} else {
		m->u.stat.packet = v;
	}
	return 1;
}

static const struct { const char *name; uint8_t type; } pkt_types[] = {
	{ "unicast", 0 }, { "host", 0 }, { "broadcast", 1 }, { "multicast", 2 },
	{ "otherhost", 3 }, { "outgoing", 4 }, { "loopback", 5 },
};

static int pkttype_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	const char *s;

	if (strcmp(opt, "--pkt-type"))
		return 0;
	m->invert = take_invert(c);
	s = next_arg(c, opt);
	if (!s)
		return c->p->rc;
	for (unsigned int i = 0; i < ARRAY_SIZE(pkt_types); i++)
		if (!strcasecmp(s, pkt_types[i].name)) {
			m->u.pkttype = pkt_types[i].type;
			return 1;
		}
	return rxs__nf_fail(c->p, "bad packet type '%s' (unicast, broadcast, multicast, "
			    "otherhost)", s);
}

/* libipt_icmp.c's names: type, code range. */
static const struct { const char *name; uint8_t type, min, max; } icmp_codes[] = {
	{ "any", 0xff, 0, 0xff },
	{ "echo-reply", 0, 0, 0xff },
	{ "destination-unreachable", 3, 0, 0xff },
	{ "network-unreachable", 3, 0, 0 }, { "host-unreachable", 3, 1, 1 },
	{ "protocol-unreachable", 3, 2, 2 }, { "port-unreachable", 3, 3, 3 },
	{ "fragmentation-needed", 3, 4, 4 }, { "source-route-failed", 3, 5, 5 },
	{ "network-unknown", 3, 6, 6 }, { "host-unknown", 3, 7, 7 },
	{ "network-prohibited", 3, 9, 9 }, { "host-prohibited", 3, 10, 10 },
	{ "TOS-network-unreachable", 3, 11, 11 }, { "TOS-host-unreachable", 3, 12, 12 },
	{ "communication-prohibited", 3, 13, 13 }, { "host-precedence-violation", 3, 14, 14 },
	{ "precedence-cutoff", 3, 15, 15 },
	{ "source-quench", 4, 0, 0xff },
	{ "redirect", 5, 0, 0xff }, { "network-redirect", 5, 0, 0 },
	{ "host-redirect", 5, 1, 1 }, { "TOS-network-redirect", 5, 2, 2 },
	{ "TOS-host-redirect", 5, 3, 3 },
	{ "echo-request", 8, 0, 0xff }, { "router-advertisement", 9, 0, 0xff },
	{ "router-solicitation", 10, 0, 0xff },
	{ "time-exceeded", 11, 0, 0xff }, { "ttl-zero-during-transit", 11, 0, 0 },
	{ "ttl-zero-during-reassembly", 11, 1, 1 },
	{ "parameter-problem", 12, 0, 0xff }, { "ip-header-bad", 12, 0, 0 },
	{ "required-option-missing", 12, 1, 1 },
	{ "timestamp-request", 13, 0, 0xff }, { "timestamp-reply", 14, 0, 0xff },
	{ "address-mask-request", 17, 0, 0xff }, { "address-mask-reply", 18, 0, 0xff },
};

/* libip6t_icmp6.c's names. */
static const struct { const char *name; uint8_t type, min, max; } icmpv6_codes[] = {
	{ "destination-unreachable", 1, 0, 0xff }, { "no-route", 1, 0, 0 },
	{ "communication-prohibited", 1, 1, 1 }, { "beyond-scope", 1, 2, 2 },
	{ "address-unreachable", 1, 3, 3 }, { "port-unreachable", 1, 4, 4 },
	{ "failed-policy", 1, 5, 5 }, { "reject-route", 1, 6, 6 },
	{ "packet-too-big", 2, 0, 0xff }, { "time-exceeded", 3, 0, 0xff },
	{ "ttl-zero-during-transit", 3, 0, 0 }, { "ttl-zero-during-reassembly", 3, 1, 1 },
	{ "parameter-problem", 4, 0, 0xff }, { "bad-header", 4, 0, 0 },
	{ "unknown-header-type", 4, 1, 1 }, { "unknown-option", 4, 2, 2 },
	{ "echo-request", 128, 0, 0xff }, { "echo-reply", 129, 0, 0xff },
	{ "router-solicitation", 133, 0, 0xff }, { "router-advertisement", 134, 0, 0xff },
	{ "neighbour-solicitation", 135, 0, 0xff }, { "neighbor-solicitation", 135, 0, 0xff },
	{ "neighbour-advertisement", 136, 0, 0xff }, { "neighbor-advertisement", 136, 0, 0xff },
	{ "redirect", 137, 0, 0xff },
};

/* --icmp-type (--icmpv6-type for icmp6) NAME, TYPE or TYPE/CODE. */
static int icmp_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	const char *names[ARRAY_SIZE(icmp_codes) + ARRAY_SIZE(icmpv6_codes)];
	const char *want = m->u.icmp.v6 ? "--icmpv6-type" : "--icmp-type";
	unsigned int n = m->u.icmp.v6 ? ARRAY_SIZE(icmpv6_codes) : ARRAY_SIZE(icmp_codes);
	char num[16], hint[96];
	const char *s, *slash;
	uint32_t type, code;

	if (strcmp(opt, want))
		return 0;
	m->invert = take_invert(c);
	s = next_arg(c, opt);
	if (!s)
		return c->p->rc;
	if (m->set)
		return rxs__nf_fail(c->p, "only one '%s' allowed", want);
	m->set = true;
	for (unsigned int i = 0; i < n; i++) {
		const char *name = m->u.icmp.v6 ? icmpv6_codes[i].name : icmp_codes[i].name;

		names[i] = name;
		if (strcasecmp(s, name))
			continue;
		m->u.icmp.type = m->u.icmp.v6 ? icmpv6_codes[i].type : icmp_codes[i].type;
		m->u.icmp.code[0] = m->u.icmp.v6 ? icmpv6_codes[i].min : icmp_codes[i].min;
		m->u.icmp.code[1] = m->u.icmp.v6 ? icmpv6_codes[i].max : icmp_codes[i].max;
		return 1;
	}
	slash = strchr(s, '/');
	if (strlen(s) >= sizeof(num))
		return rxs__nf_fail(c->p, "invalid ICMP type '%s'", s);
	strcpy(num, s);
	if (slash)
		num[slash - s] = '\0';
	if (!parse_u32(num, 10, 255, &type) || (slash && !parse_u32(slash + 1, 10, 255, &code)))
		return rxs__nf_fail(c->p, "invalid ICMP type '%s'%s", s,
				    rxs__nf_did_you_mean(s, names, n, hint, sizeof(hint)));
	m->u.icmp.type = (uint8_t)type;
	m->u.icmp.code[0] = slash ? (uint8_t)code : 0;
	m->u.icmp.code[1] = slash ? (uint8_t)code : 0xff;
	return 1;
}

/* -m ttl --ttl-eq/--ttl-lt/--ttl-gt N ("! --ttl-eq" is ne); -m hl --hl-eq/lt/gt. */
static int ttl_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	const char *pre = m->u.ttl.hl ? "--hl-" : "--ttl-";
	size_t n = strlen(pre);
	const char *s;
	uint32_t v;
	bool inv;

	if (strncmp(opt, pre, n) || (strcmp(opt + n, "eq") && strcmp(opt + n, "lt") &&
				     strcmp(opt + n, "gt")))
		return 0;
	inv = take_invert(c);
	if (inv && strcmp(opt + n, "eq"))
		return rxs__nf_fail(c->p, "'!' is only allowed before '%seq'", pre);
	s = next_arg(c, opt);
	if (!s)
		return c->p->rc;
	if (m->set)
		return rxs__nf_fail(c->p, "only one of %seq, %slt, %sgt allowed", pre, pre, pre);
	if (!parse_u32(s, 10, 255, &v))
		return rxs__nf_fail(c->p, "bad value '%s' for '%s' (0-255)", s, opt);
	m->u.ttl.value = (uint8_t)v;
	m->u.ttl.mode = opt[n] == 'e' ? (inv ? NF_TTL_NE : NF_TTL_EQ) :
			opt[n] == 'l' ? NF_TTL_LT : NF_TTL_GT;
	m->set = true;
	return 1;
}

static int tcpmss_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	return range_option(c, m, opt, "--mss", "MSS", &m->u.mss.min, &m->u.mss.max);
}

/* -m hashlimit's packet rates (revision 2+, XT_HASHLIMIT_SCALE_v2): "N", "N/second",
 * "N/sec", "N/s", "N/minute"... Byte rates ("kb/s") are refused. */
static bool parse_hl_rate(const char *s, uint64_t *avg)
{
	return parse_rate_scaled(s, 1000000, avg);
}

static int hashlimit_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	static const struct { const char *name; uint32_t bit; } modes[] = {
		{ "srcip", NF_HL_SIP }, { "dstip", NF_HL_DIP }, { "srcport", NF_HL_SPT },
		{ "dstport", NF_HL_DPT },
	};
	static const struct { const char *name; size_t off; uint32_t max; } nums[] = {
		{ "--hashlimit-burst", offsetof(struct nf_hashlimit_cfg, burst), 1000000 },
		{ "--hashlimit-srcmask", offsetof(struct nf_hashlimit_cfg, srcmask), 32 },
		{ "--hashlimit-dstmask", offsetof(struct nf_hashlimit_cfg, dstmask), 32 },
		{ "--hashlimit-htable-size", offsetof(struct nf_hashlimit_cfg, size), UINT32_MAX },
		{ "--hashlimit-htable-max", offsetof(struct nf_hashlimit_cfg, max), UINT32_MAX },
		{ "--hashlimit-htable-expire", offsetof(struct nf_hashlimit_cfg, expire),
		  UINT32_MAX },
		{ "--hashlimit-htable-gcinterval", offsetof(struct nf_hashlimit_cfg, gc_interval),
		  UINT32_MAX },
	};
	struct nf_hashlimit_cfg *hl = m->u.hl;
	char buf[64];
	char *save = NULL;
	const char *s;
	uint32_t v;

	if (strncmp(opt, "--hashlimit", 11))
		return 0;
	if (!strcmp(opt, "--hashlimit-upto") || !strcmp(opt, "--hashlimit-above") ||
	    !strcmp(opt, "--hashlimit")) {
		bool inv = take_invert(c);

		s = next_arg(c, opt);
		if (!s)
			return c->p->rc;
		if (m->set)
			return rxs__nf_fail(c->p, "only one of --hashlimit-upto, --hashlimit-above "
					    "allowed");
		if (!parse_hl_rate(s, &hl->avg))
			return rxs__nf_fail(c->p, "bad rate '%s' (byte rates are not supported)", s);
		/* "--hashlimit-above R" is "! --hashlimit-upto R" */
		if ((opt[12] == 'a') != inv)
			hl->mode |= NF_HL_INVERT;
		m->set = true;
		return 1;
	}
	if (no_invert(c, opt))
		return c->p->rc;
	s = next_arg(c, opt);
	if (!s)
		return c->p->rc;
	if (!strcmp(opt, "--hashlimit-name")) {
		if (strlen(s) >= sizeof(hl->name))
			return rxs__nf_fail(c->p, "hashlimit name too long");
		strcpy(hl->name, s);
		return 1;
	}
	if (!strcmp(opt, "--hashlimit-mode")) {
		if (strlen(s) >= sizeof(buf))
			return rxs__nf_fail(c->p, "bad hashlimit mode '%s'", s);
		strcpy(buf, s);
		for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
			unsigned int i;

			for (i = 0; i < ARRAY_SIZE(modes) && strcmp(w, modes[i].name); i++)
				;
			if (i == ARRAY_SIZE(modes))
				return rxs__nf_fail(c->p, "bad hashlimit mode '%s' (srcip, dstip, "
						    "srcport, dstport)", w);
			hl->mode |= modes[i].bit;
		}
		return 1;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(nums); i++)
		if (!strcmp(opt, nums[i].name)) {
			if (!parse_u32(s, 10, nums[i].max, &v))
				return rxs__nf_fail(c->p, "bad value '%s' for '%s'", s, opt);
			*(uint32_t *)(void *)((char *)hl + nums[i].off) = v;
			return 1;
		}
	return 0;
}

/* -m recent (libxt_recent.c). */
static int recent_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	static const struct { const char *name; uint8_t bit; } cmds[] = {
		{ "--set", NF_RC_SET }, { "--rcheck", NF_RC_CHECK }, { "--update", NF_RC_UPDATE },
		{ "--remove", NF_RC_REMOVE },
	};
	const char *s;
	uint32_t v;

	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(opt, cmds[i].name)) {
			if (m->u.recent.check_set & (NF_RC_SET | NF_RC_CHECK | NF_RC_UPDATE |
						     NF_RC_REMOVE))
				return rxs__nf_fail(c->p, "recent: only one of --set, --rcheck, "
						    "--update or --remove allowed");
			m->invert = take_invert(c);
			m->u.recent.check_set |= cmds[i].bit;
			return 1;
		}
	if (!strcmp(opt, "--rsource") || !strcmp(opt, "--rdest") || !strcmp(opt, "--rttl") ||
	    !strcmp(opt, "--reap")) {
		if (no_invert(c, opt))
			return c->p->rc;
		if (!strcmp(opt, "--rttl"))
			m->u.recent.check_set |= NF_RC_TTL;
		else if (!strcmp(opt, "--reap"))
			m->u.recent.check_set |= NF_RC_REAP;
		else
			m->u.recent.rdest = opt[3] == 'd';
		return 1;
	}
	if (strcmp(opt, "--seconds") && strcmp(opt, "--hitcount") && strcmp(opt, "--name") &&
	    strcmp(opt, "--mask"))
		return 0;
	s = next_arg(c, opt);
	if (!s || no_invert(c, opt))
		return c->p->rc;
	if (!strcmp(opt, "--name")) {
		if (strlen(s) >= 200 || !*s)	/* XT_RECENT_NAME_LEN */
			return rxs__nf_fail(c->p, "bad recent name '%s'", s);
		rxs__free(m->u.recent.name);
		m->u.recent.name = rxs__strdup(s);
		return m->u.recent.name ? 1 : rxs__nf_fail(c->p, "out of memory");
	}
	if (!strcmp(opt, "--mask")) {
		uint32_t a, mk;
		char buf[40];

		snprintf(buf, sizeof(buf), "%s/32", s);
		if (strchr(s, '/') || !parse_addr(buf, &a, &mk))
			return rxs__nf_fail(c->p, "bad mask '%s'", s);
		m->u.recent.mask = a;
		return 1;
	}
	if (!parse_u32(s, 10, UINT32_MAX, &v))
		return rxs__nf_fail(c->p, "bad value '%s' for '%s'", s, opt);
	if (!strcmp(opt, "--seconds"))
		m->u.recent.seconds = v;
	else
		m->u.recent.hitcount = v;
	return 1;
}

static int connlimit_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	const char *s;
	uint32_t v;

	if (!strcmp(opt, "--connlimit-saddr") || !strcmp(opt, "--connlimit-daddr")) {
		m->u.connlimit.daddr = opt[12] == 'd';
		return no_invert(c, opt) ? c->p->rc : 1;
	}
	if (strcmp(opt, "--connlimit-above") && strcmp(opt, "--connlimit-upto") &&
	    strcmp(opt, "--connlimit-mask"))
		return 0;
	if (!strcmp(opt, "--connlimit-mask")) {
		if (no_invert(c, opt))
			return c->p->rc;
		s = next_arg(c, opt);
		if (!s)
			return c->p->rc;
		if (!parse_u32(s, 10, 32, &v))
			return rxs__nf_fail(c->p, "bad --connlimit-mask '%s' (0-32)", s);
		m->u.connlimit.mask = v ? ~0u << (32 - v) : 0;
		return 1;
	}
	/* xt_connlimit: (count > limit) ^ invert; --connlimit-upto N is the inverse */
	m->invert = take_invert(c) != (opt[12] == 'u');
	s = next_arg(c, opt);
	if (!s)
		return c->p->rc;
	if (m->set)
		return rxs__nf_fail(c->p, "only one of --connlimit-above, --connlimit-upto allowed");
	if (!parse_u32(s, 10, UINT32_MAX, &m->u.connlimit.limit))
		return rxs__nf_fail(c->p, "bad connection count '%s'", s);
	m->set = true;
	return 1;
}

/* -m set --match-set NAME src|dst[,src|dst...] (libxt_set.c, revision 4 and later). */
static int set_option(struct rule_ctx *c, struct nf_match *m, const char *opt)
{
	const char *name, *dirs;
	unsigned int dim;

	if (!strcmp(opt, "--return-nomatch")) {
		m->u.set.return_nomatch = true;
		return no_invert(c, opt) ? c->p->rc : 1;
	}
	if (strcmp(opt, "--match-set") && strcmp(opt, "--set"))
		return 0;
	m->invert = take_invert(c);
	name = next_arg(c, opt);
	dirs = name ? next_arg(c, opt) : NULL;
	if (!dirs)
		return c->p->rc;
	if (m->set)
		return rxs__nf_fail(c->p, "only one '--match-set' allowed");
	m->u.set.set = rxs__nf_ipset_find(c->p->nf, name, &dim);
	if (m->u.set.set < 0)
		return rxs__nf_fail(c->p, "no ipset named '%s' (sets come from the scenario's "
				    "ipsets:)", name);
	m->u.set.name = rxs__strdup(name);
	if (!m->u.set.name)
		return rxs__nf_fail(c->p, "out of memory");
	for (const char *w = dirs; *w;) {
		size_t n = strcspn(w, ",");

		if (m->u.set.dim == 3 || (n != 3) || (strncmp(w, "src", 3) && strncmp(w, "dst", 3)))
			return rxs__nf_fail(c->p, "bad set flags '%s' (src or dst, comma separated)",
					    dirs);
		if (w[0] == 'd')
			m->u.set.flags |= (uint8_t)(1u << m->u.set.dim);
		m->u.set.dim++;
		w += n + (w[n] == ',');
	}
	if (m->u.set.dim < dim)
		return rxs__nf_fail(c->p, "set '%s' has %u dimensions: give %u of src/dst", name,
				    dim, dim);
	m->set = true;
	return 1;
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
	case NF_M_MARK:
		return markm_option(c, m, opt);
	case NF_M_ADDRTYPE:
		return addrtype_option(c, m, opt);
	case NF_M_STATISTIC:
		return statistic_option(c, m, opt);
	case NF_M_PKTTYPE:
		return pkttype_option(c, m, opt);
	case NF_M_ICMP:
		return icmp_option(c, m, opt);
	case NF_M_TTL:
		return ttl_option(c, m, opt);
	case NF_M_TCPMSS:
		return tcpmss_option(c, m, opt);
	case NF_M_HASHLIMIT:
		return hashlimit_option(c, m, opt);
	case NF_M_RECENT:
		return recent_option(c, m, opt);
	case NF_M_CONNLIMIT:
		return connlimit_option(c, m, opt);
	case NF_M_SET:
		return set_option(c, m, opt);
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

/* libxt_CONNMARK.c (revision 1): --set-xmark/--set-mark/--and-mark/--or-mark/--xor-mark
 * as MARK's, --save-mark and --restore-mark with --nfmask/--ctmask (or --mask, both). */
static int connmark_option(struct rule_ctx *c, const char *opt)
{
	struct nf_target *t = &c->r->t;
	const char *s;
	uint32_t v;

	if (!strcmp(opt, "--save-mark") || !strcmp(opt, "--restore-mark")) {
		if (no_invert(c, opt))
			return c->p->rc;
		if (c->mark_set)
			return rxs__nf_fail(c->p, "CONNMARK takes one of its actions");
		c->mark_set = true;
		t->connmark_mode = opt[2] == 's' ? NF_CONNMARK_SAVE : NF_CONNMARK_RESTORE;
		return 1;
	}
	if (!strcmp(opt, "--nfmask") || !strcmp(opt, "--ctmask") || !strcmp(opt, "--mask")) {
		s = next_arg(c, opt);
		if (!s || no_invert(c, opt))
			return c->p->rc;
		if (!parse_u32(s, 0, UINT32_MAX, &v))
			return rxs__nf_fail(c->p, "bad mask '%s'", s);
		if (opt[2] != 'c')
			t->nfmask = v;
		if (opt[2] != 'n')
			t->ctmask = v;
		return 1;
	}
	return mark_option(c, opt);
}

static int nflog_option(struct rule_ctx *c, const char *opt)
{
	struct nf_target *t = &c->r->t;
	const char *s;
	uint32_t v;

	if (strcmp(opt, "--nflog-group") && strcmp(opt, "--nflog-prefix") &&
	    strcmp(opt, "--nflog-range") && strcmp(opt, "--nflog-size") &&
	    strcmp(opt, "--nflog-threshold"))
		return 0;
	s = next_arg(c, opt);
	if (!s || no_invert(c, opt))
		return c->p->rc;
	if (!strcmp(opt, "--nflog-prefix")) {
		if (strlen(s) > 63)
			return rxs__nf_fail(c->p, "maximum prefix length 63 for --nflog-prefix");
		rxs__free(t->nflog_prefix);
		t->nflog_prefix = rxs__strdup(s);
		return t->nflog_prefix ? 1 : rxs__nf_fail(c->p, "out of memory");
	}
	if (!parse_u32(s, 10, !strcmp(opt, "--nflog-group") ? 0xffff : UINT32_MAX, &v))
		return rxs__nf_fail(c->p, "bad value '%s' for '%s'", s, opt);
	if (!strcmp(opt, "--nflog-group"))
		t->nflog_group = (uint16_t)v;
	return 1;
}

/* DNAT --to-destination, SNAT --to-source, MASQUERADE and REDIRECT --to-ports, and the
 * flags they share (xt_nat.c, xt_MASQUERADE.c, xt_REDIRECT.c as libxt_*.c parse them). */
static int nat_option(struct rule_ctx *c, const char *opt)
{
	struct nf_target *t = &c->r->t;
	bool ports = t->kind == NF_T_MASQUERADE || t->kind == NF_T_REDIRECT;
	const char *want = ports ? "--to-ports" : t->kind == NF_T_DNAT ? "--to-destination"
									 : "--to-source";
	uint32_t flags = t->nat.flags;
	const char *s;

	if (!strcmp(opt, "--random") || !strcmp(opt, "--random-fully") ||
	    (!strcmp(opt, "--persistent") && !ports)) {
		t->nat.flags |= !strcmp(opt, "--random")	 ? NF_NAT_RANGE_PROTO_RANDOM
				: !strcmp(opt, "--random-fully") ? NF_NAT_RANGE_PROTO_RANDOM_FULLY
								 : NF_NAT_RANGE_PERSISTENT;
		return no_invert(c, opt) ? c->p->rc : 1;
	}
	if (strcmp(opt, want) && !(ports && !strcmp(opt, "--to-port")))
		return 0;
	s = next_arg(c, opt);
	if (!s || no_invert(c, opt))
		return c->p->rc;
	if (t->nat_set)
		return rxs__nf_fail(c->p, "only one '%s' allowed", want);
	if (!rxs__nf_nat_parse_range(s, ports, &t->nat))
		return rxs__nf_fail(c->p, "bad %s '%s'", ports ? "port range" : "address range", s);
	t->nat.flags |= flags;
	if (t->nat.flags & NF_NAT_RANGE_PROTO_SPECIFIED && c->r->proto != 6 &&
	    c->r->proto != 17 && c->r->proto != 132 && c->r->proto != 136)
		return rxs__nf_fail(c->p, "%s: a port needs '-p tcp', '-p udp', '-p sctp' or "
				    "'-p udplite'", want);
	t->nat_set = true;
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
	case NF_T_CONNMARK:
		return connmark_option(c, opt);
	case NF_T_NFLOG:
		return nflog_option(c, opt);
	case NF_T_DNAT:
	case NF_T_SNAT:
	case NF_T_MASQUERADE:
	case NF_T_REDIRECT:
		return nat_option(c, opt);
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
		for (unsigned int i = 0; i < nf_nreject_types; i++) {
			/* each family its own ICMP types; tcp-reset is both's */
			if (!nf_reject_types[i].tcp_reset && (i >= REJECT6_FIRST) != c->p->v6)
				continue;
			if (!strcasecmp(s, nf_reject_types[i].name) ||
			    !strcasecmp(s, nf_reject_types[i].alias)) {
				t->reject_with = (uint8_t)i;
				return 1;
			}
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
	{ "--out-interface", "" }, { "--mark", "-m mark' or '-m connmark" },
	{ "--src-type", "-m addrtype" }, { "--dst-type", "-m addrtype" },
	{ "--limit-iface-in", "-m addrtype" }, { "--limit-iface-out", "-m addrtype" },
	{ "--mode", "-m statistic" }, { "--probability", "-m statistic" },
	{ "--every", "-m statistic" }, { "--packet", "-m statistic" },
	{ "--pkt-type", "-m pkttype" }, { "--icmp-type", "-p icmp" }, { "--icmpv6-type", "-p ipv6-icmp" },
	{ "--ttl-eq", "-m ttl" }, { "--ttl-lt", "-m ttl" }, { "--ttl-gt", "-m ttl" },
	{ "--hl-eq", "-m hl" }, { "--hl-lt", "-m hl" }, { "--hl-gt", "-m hl" },
	{ "--mss", "-m tcpmss" }, { "--hashlimit-upto", "-m hashlimit" },
	{ "--hashlimit-above", "-m hashlimit" }, { "--hashlimit-burst", "-m hashlimit" },
	{ "--hashlimit-mode", "-m hashlimit" }, { "--hashlimit-name", "-m hashlimit" },
	{ "--hashlimit-srcmask", "-m hashlimit" }, { "--hashlimit-dstmask", "-m hashlimit" },
	{ "--hashlimit-htable-expire", "-m hashlimit" },
	{ "--hashlimit-htable-size", "-m hashlimit" },
	{ "--hashlimit-htable-max", "-m hashlimit" },
	{ "--hashlimit-htable-gcinterval", "-m hashlimit" },
	{ "--set", "-m recent" }, { "--rcheck", "-m recent" }, { "--update", "-m recent" },
	{ "--remove", "-m recent" }, { "--seconds", "-m recent" }, { "--hitcount", "-m recent" },
	{ "--name", "-m recent" }, { "--rsource", "-m recent" }, { "--rdest", "-m recent" },
	{ "--rttl", "-m recent" }, { "--reap", "-m recent" },
	{ "--connlimit-above", "-m connlimit" }, { "--connlimit-upto", "-m connlimit" },
	{ "--connlimit-mask", "-m connlimit" }, { "--connlimit-saddr", "-m connlimit" },
	{ "--connlimit-daddr", "-m connlimit" }, { "--match-set", "-m set" },
	{ "--return-nomatch", "-m set" },
	{ "--save-mark", "-j CONNMARK" }, { "--restore-mark", "-j CONNMARK" },
	{ "--nfmask", "-j CONNMARK" }, { "--ctmask", "-j CONNMARK" },
	{ "--nflog-group", "-j NFLOG" }, { "--nflog-prefix", "-j NFLOG" },
	{ "--nflog-range", "-j NFLOG" }, { "--nflog-size", "-j NFLOG" },
	{ "--nflog-threshold", "-j NFLOG" },
	{ "--to-destination", "-j DNAT" }, { "--to-source", "-j SNAT" },
	{ "--to-ports", "-j MASQUERADE' or '-j REDIRECT" }, { "--random", "-j DNAT' or '-j SNAT" },
	{ "--random-fully", "-j SNAT' or '-j MASQUERADE" }, { "--persistent", "-j DNAT' or '-j SNAT" },
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

/* An ip6tables table as its iptables twin, for the checks both share. */
static unsigned int base_table(unsigned int t)
{
	return NF_IS_TABLE6(t) ? t - NF_TABLE_RAW6 : t;
}

static int one_option(struct rule_ctx *c, const char *opt)
{
	struct nf_rule *r = c->r;
	int rc = ip_option(c, opt);

	for (unsigned int k = r->nmatches; rc == 0 && k > 0; k--)
		rc = match_option(c, &r->m[k - 1], opt);
	if (rc == 0 && c->seen_target)
		rc = target_option(c, opt);
	if (rc == 0 && !strcmp(opt, c->p->v6 ? "--icmpv6-type" : "--icmp-type") && c->icmp < 0 &&
	    r->proto == (c->p->v6 ? 58 : 1) && !r->inv_proto) {
		/* -p icmp (-p ipv6-icmp) loads the icmp (icmp6) match the same way */
		if (add_match(c, c->p->v6 ? "icmp6" : "icmp"))
			return c->p->rc;
		rc = match_option(c, &r->m[c->icmp], opt);
	}
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


/* The checks of the new matches' options (each extension's final_check and checkentry). */
static int check_match(struct rule_ctx *c, struct nf_match *m)
{
	const struct nf_rule *r = c->r;

	switch (m->kind) {
	case NF_M_MARK:
		if (!m->set)
			return rxs__nf_fail(c->p, "%s needs --mark", m->u.mark.ct ? "connmark" : "mark");
		break;
	case NF_M_ADDRTYPE:
		if (m->u.addrtype.limit_in && (c->p->nf->chains[r->chain].hook ==
					       RXS_NF_INET_LOCAL_OUT ||
					       c->p->nf->chains[r->chain].hook ==
					       RXS_NF_INET_POST_ROUTING))
			return rxs__nf_fail(c->p, "addrtype: --limit-iface-in is not valid in %s",
					    c->p->nf->chains[r->chain].name);
		if (m->u.addrtype.limit_out && (c->p->nf->chains[r->chain].hook ==
						RXS_NF_INET_PRE_ROUTING ||
						c->p->nf->chains[r->chain].hook ==
						RXS_NF_INET_LOCAL_IN))
			return rxs__nf_fail(c->p, "addrtype: --limit-iface-out is not valid in %s",
					    c->p->nf->chains[r->chain].name);
		break;
	case NF_M_STATISTIC:
		if (m->u.stat.mode == 0xff)
			return rxs__nf_fail(c->p, "statistic needs --mode");
		if (m->u.stat.mode == NF_STAT_NTH) {
			if (!m->set)
				return rxs__nf_fail(c->p, "statistic --mode nth needs --every");
			if (m->u.stat.packet > m->u.stat.every)
				return rxs__nf_fail(c->p, "the --packet p must be 0 <= p <= n-1");
			m->u.stat.count = m->u.stat.every - m->u.stat.packet;
		} else if (!m->set) {
			return rxs__nf_fail(c->p, "statistic --mode random needs --probability");
		}
		break;
	case NF_M_PKTTYPE:
		if (m->u.pkttype == 0xff)
			return rxs__nf_fail(c->p, "pkttype needs --pkt-type");
		break;
	case NF_M_ICMP:
		if (m->u.icmp.v6 && (r->proto != 58 || r->inv_proto))
			return rxs__nf_fail(c->p, "the icmp6 match needs '-p ipv6-icmp'");
		if (!m->u.icmp.v6 && (r->proto != 1 || r->inv_proto))
			return rxs__nf_fail(c->p, "the icmp match needs '-p icmp'");
		break;
	case NF_M_TTL:
		if (!m->set)
			return rxs__nf_fail(c->p, "%s needs one of its options",
					    m->u.ttl.hl ? "hl" : "ttl");
		break;
	case NF_M_TCPMSS:
		if (!m->set)
			return rxs__nf_fail(c->p, "tcpmss needs --mss");
		if (r->proto != 6 || r->inv_proto)
			return rxs__nf_fail(c->p, "the tcpmss match needs '-p tcp'");
		break;
	case NF_M_HASHLIMIT:
		if (!m->set)
			return rxs__nf_fail(c->p, "hashlimit needs --hashlimit-upto or "
					    "--hashlimit-above");
		if (!m->u.hl->name[0])
			return rxs__nf_fail(c->p, "hashlimit needs --hashlimit-name");
		if (!m->u.hl->burst || !m->u.hl->expire || !m->u.hl->gc_interval)
			return rxs__nf_fail(c->p, "hashlimit: burst, htable-expire and "
					    "htable-gcinterval must be above 0");
		m->u.hl->table = rxs__nf_hashlimit_table(c->p->nf, m->u.hl);
		if (m->u.hl->table < 0)
			return rxs__nf_fail(c->p, "out of memory");
		break;
	case NF_M_RECENT:
		if (!(m->u.recent.check_set & (NF_RC_SET | NF_RC_CHECK | NF_RC_UPDATE |
					       NF_RC_REMOVE)))
			return rxs__nf_fail(c->p, "recent needs one of --set, --rcheck, --update or "
					    "--remove");
		if (m->u.recent.hitcount > 20)	/* ip_pkt_list_tot */
			return rxs__nf_fail(c->p, "recent: --hitcount %u is above ip_pkt_list_tot "
					    "(20)", m->u.recent.hitcount);
		if ((m->u.recent.check_set & NF_RC_REAP) && !m->u.recent.seconds)
			return rxs__nf_fail(c->p, "recent: --reap needs --seconds");
		if ((m->u.recent.check_set & (NF_RC_SET | NF_RC_REMOVE)) &&
		    (m->u.recent.seconds || m->u.recent.hitcount))
			return rxs__nf_fail(c->p, "recent: --seconds and --hitcount go with "
					    "--rcheck or --update");
		m->u.recent.table = rxs__nf_recent_table(c->p->nf, m->u.recent.name ?
							 m->u.recent.name : "DEFAULT");
		if (m->u.recent.table < 0)
			return rxs__nf_fail(c->p, "out of memory");
		break;
	case NF_M_CONNLIMIT:
		if (!m->set)
			return rxs__nf_fail(c->p, "connlimit needs --connlimit-above or "
					    "--connlimit-upto");
		break;
	case NF_M_SET:
		if (!m->set)
			return rxs__nf_fail(c->p, "set needs --match-set");
		break;
	default:
		break;
	}
	return 0;
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
		if (check_match(c, &c->r->m[i]))
			return c->p->rc;
	}
	if (r->outiface[0] && (!strcmp(c->p->nf->chains[r->chain].name, "PREROUTING") ||
			       !strcmp(c->p->nf->chains[r->chain].name, "INPUT")) &&
	    c->p->nf->chains[r->chain].hook >= 0)
		return rxs__nf_fail(c->p, "Can't use -o with %s", c->p->nf->chains[r->chain].name);
	if (r->t.kind == NF_T_REJECT && nf_reject_types[r->t.reject_with].tcp_reset && !tcp)
		return rxs__nf_fail(c->p, "--reject-with tcp-reset needs '-p tcp'");
	if (r->t.kind == NF_T_REJECT && base_table(r->table) != NF_TABLE_FILTER)
		return rxs__nf_fail(c->p, "REJECT is only valid in the filter table");
	if (r->t.kind == NF_T_CT && base_table(r->table) != NF_TABLE_RAW)
		return rxs__nf_fail(c->p, "%s is only valid in the raw table",
				    r->t.notrack_alias ? "NOTRACK" : "CT");
	if (r->t.kind == NF_T_CT && !r->t.notrack)
		return rxs__nf_fail(c->p, "CT is supported only with --notrack");
	if (r->t.kind >= NF_T_DNAT && r->t.kind <= NF_T_REDIRECT && r->table != NF_TABLE_NAT)
		return rxs__nf_fail(c->p, "'%s' is only valid in the nat table",
				    r->t.kind == NF_T_DNAT ? "DNAT" : r->t.kind == NF_T_SNAT ? "SNAT"
				    : r->t.kind == NF_T_MASQUERADE ? "MASQUERADE" : "REDIRECT");
	if ((r->t.kind == NF_T_DNAT || r->t.kind == NF_T_SNAT) && !r->t.nat_set)
		return rxs__nf_fail(c->p, "%s needs %s", r->t.kind == NF_T_DNAT ? "DNAT" : "SNAT",
				    r->t.kind == NF_T_DNAT ? "--to-destination" : "--to-source");
	if (r->table == NF_TABLE_NAT && r->t.kind == NF_T_DROP)
		return rxs__nf_fail(c->p, "the nat table is not for filtering: DROP is refused");
	if (r->t.kind == NF_T_TRACE && base_table(r->table) != NF_TABLE_RAW)
		return rxs__nf_fail(c->p, "TRACE is only valid in the raw table");
	if (r->t.kind == NF_T_CONNMARK && !c->mark_set)
		return rxs__nf_fail(c->p, "CONNMARK needs --set-xmark, --set-mark, --and-mark, "
				    "--or-mark, --xor-mark, --save-mark or --restore-mark");
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
	r->v6 = p->v6;
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
	struct rule_ctx c = { .p = p, .argv = argv, .argc = argc, .l4 = -1, .icmp = -1 };
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
