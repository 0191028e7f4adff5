/* print.c - `iptables -t TABLE -L -v -n -x`, byte for byte.
 *
 * Layout from iptables 1.8 (iptables.c print_firewall, xshared.c print_header,
 * print_rule_details, print_ifaces, print_ipv4_addresses, and each extension's print): with -x
 * both counters print as "%8llu " although the "bytes" heading is "%10s "; with -n the "in" and
 * "out" columns show "*" for any interface; a /32 mask is not shown; each column is padded
 * even at the end of a line, so lines without matches end in blanks, as iptables' do. Chains
 * come built-ins first, in hook order, then user chains sorted by name (libiptc keeps them
 * sorted); a blank line separates chains.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "netfilter/netfilter_int.h"

const char *rxs__nf_target_name(const struct rxs_ruleset *nf, const struct nf_rule *r)
{
	static const char *const names[] = {
		[NF_T_NONE] = "", [NF_T_ACCEPT] = "ACCEPT", [NF_T_DROP] = "DROP",
		[NF_T_RETURN] = "RETURN", [NF_T_REJECT] = "REJECT", [NF_T_LOG] = "LOG",
		[NF_T_MARK] = "MARK", [NF_T_CT] = "CT", [NF_T_CONNMARK] = "CONNMARK",
		[NF_T_NFLOG] = "NFLOG", [NF_T_TRACE] = "TRACE",
		[NF_T_DNAT] = "DNAT", [NF_T_SNAT] = "SNAT", [NF_T_MASQUERADE] = "MASQUERADE",
		[NF_T_REDIRECT] = "REDIRECT",
	};

	if (r->t.kind == NF_T_CHAIN)
		return nf->chains[r->t.chain].name;
	return names[r->t.kind];
}

/* xtables_chain_protos: the names -n still prints. */
static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case 0: return "all";
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 50: return "esp";
	case 51: return "ah";
	case 132: return "sctp";
	case 136: return "udplite";
	default: return NULL;
	}
}

/* xtables_ipaddr_to_numeric + xtables_ipmask_to_numeric. */
static void addr_str(uint32_t addr, uint32_t mask, char *buf, size_t len)
{
	struct in_addr a = { htonl(addr) }, m = { htonl(mask) };
	char as[INET_ADDRSTRLEN], ms[INET_ADDRSTRLEN];
	int cidr = 0;

	while (cidr < 32 && mask & (0x80000000u >> cidr))
		cidr++;
	inet_ntop(AF_INET, &a, as, sizeof(as));
	if (cidr < 32 && mask << cidr) {
		inet_ntop(AF_INET, &m, ms, sizeof(ms));
		snprintf(buf, len, "%s/%s", as, ms);
	} else if (cidr == 32) {
		snprintf(buf, len, "%s", as);
	} else {
		snprintf(buf, len, "%s/%d", as, cidr);
	}
}

/* ip6tables: the address and its prefix length ("::/0", "fd77::/64", "fd77::1"). */
static void addr6_str(const uint8_t *addr, const uint8_t *mask, char *buf, size_t len)
{
	char as[INET6_ADDRSTRLEN];
	int plen = 0;

	while (plen < 128 && mask[plen / 8] & (0x80 >> (plen % 8)))
		plen++;
	inet_ntop(AF_INET6, addr, as, sizeof(as));
	if (plen == 128)
		snprintf(buf, len, "%s", as);
	else
		snprintf(buf, len, "%s/%d", as, plen);
}

static void print_ports(FILE *out, const char *name, const uint16_t r[2], bool inv)
{
	if (r[0] == 0 && r[1] == 0xffff && !inv)
		return;
	if (r[0] == r[1])
		fprintf(out, " %s:%s%u", name, inv ? "!" : "", r[0]);
	else
		fprintf(out, " %ss:%s%u:%u", name, inv ? "!" : "", r[0], r[1]);
}

static void print_states(FILE *out, const struct nf_match *m)
{
	static const struct { unsigned int bit; const char *name; } order[] = {
		{ NF_CTS_INVALID, "INVALID" }, { NF_CTS_NEW, "NEW" }, { NF_CTS_RELATED, "RELATED" },
		{ NF_CTS_ESTABLISHED, "ESTABLISHED" }, { NF_CTS_UNTRACKED, "UNTRACKED" },
		{ NF_CTS_SNAT, "SNAT" }, { NF_CTS_DNAT, "DNAT" },
	};
	const char *sep = " ";

	fprintf(out, "%s %s", m->invert ? " !" : "", m->u.ct.alias ? "state" : "ctstate");
	for (unsigned int i = 0; i < ARRAY_SIZE(order); i++)
		if (m->u.ct.states & order[i].bit) {
			fprintf(out, "%s%s", sep, order[i].name);
			sep = ",";
		}
}

static void print_multiport(FILE *out, const struct nf_match *m)
{
	static const char *const kinds[] = { "sports", "dports", "ports" };

	fprintf(out, " multiport %s ", kinds[m->u.mp.flags]);
	if (m->invert)
		fputs(" !", out);
	for (unsigned int i = 0; i < m->u.mp.count; i++) {
		fprintf(out, "%s%u", i ? "," : "", m->u.mp.ports[i]);
		if (m->u.mp.pflags[i])
			fprintf(out, ":%u", m->u.mp.ports[++i]);
	}
}

/* libxt_limit.c print_rate(): the coarsest unit that shows the rate exactly enough. */
static void print_rate(FILE *out, uint32_t period)
{
	static const struct { const char *name; uint32_t mult; } rates[] = {
		{ "day", 10000u * 24 * 60 * 60 }, { "hour", 10000u * 60 * 60 },
		{ "min", 10000u * 60 }, { "sec", 10000u },
	};
	unsigned int i;

	for (i = 1; i < ARRAY_SIZE(rates); ++i)
		if (period > rates[i].mult || rates[i].mult / period < rates[i].mult % period)
			break;
	fprintf(out, " %u/%s", rates[i - 1].mult / period, rates[i - 1].name);
}

/* libxt_hashlimit.c print_rate() of revision 2+: scale 10^6. */
static void print_hl_rate(FILE *out, uint64_t period)
{
	static const struct { const char *name; uint64_t mult; } rates[] = {
		{ "day", 1000000ull * 24 * 60 * 60 }, { "hour", 1000000ull * 60 * 60 },
		{ "min", 1000000ull * 60 }, { "sec", 1000000ull },
	};
	unsigned int i;

	for (i = 1; i < ARRAY_SIZE(rates); ++i)
		if (period > rates[i].mult || rates[i].mult / period < rates[i].mult % period)
			break;
	fprintf(out, " %llu/%s", (unsigned long long)(rates[i - 1].mult / period),
		rates[i - 1].name);
}

static void print_match_ext(FILE *out, const struct nf_match *m)
{
	static const char *const rtn[] = {
		"UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST", "BLACKHOLE",
		"UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
	};
	static const char *const pkttypes[] = { "unicast", "broadcast", "multicast", "otherhost",
						"outgoing", "loopback" };
	static const char *const ttl_ops[] = { "==", "!=", "<", ">" };

	switch (m->kind) {
	case NF_M_MARK:
		fputs(m->u.mark.ct ? " connmark match " : " mark match", out);
		if (m->invert)
			fputs(m->u.mark.ct ? "!" : " !", out);
		if (m->u.mark.mask != 0xffffffffu)
			fprintf(out, " 0x%x/0x%x", m->u.mark.mark, m->u.mark.mask);
		else
			fprintf(out, " 0x%x", m->u.mark.mark);
		break;
	case NF_M_ADDRTYPE:
		fputs(" ADDRTYPE match", out);
		for (int dst = 0; dst < 2; dst++) {
			uint16_t types = dst ? m->u.addrtype.dst : m->u.addrtype.src;
			const char *sep = "";

			if (!types)
				continue;
			fprintf(out, " %s-type %s", dst ? "dst" : "src",
				(dst ? m->u.addrtype.inv_dst : m->u.addrtype.inv_src) ? "!" : "");
			for (unsigned int i = 0; i < ARRAY_SIZE(rtn); i++)
				if (types & 1u << i) {
					fprintf(out, "%s%s", sep, rtn[i]);
					sep = ",";
				}
		}
		if (m->u.addrtype.limit_in)
			fputs(" limit-in", out);
		if (m->u.addrtype.limit_out)
			fputs(" limit-out", out);
		break;
	case NF_M_STATISTIC:
		fputs(" statistic", out);
		if (m->invert)
			fputs(" !", out);
		if (m->u.stat.mode == NF_STAT_RANDOM) {
			fprintf(out, " mode random probability %.11f",
				m->u.stat.probability / 2147483648.0);
		} else {
			fprintf(out, " mode nth every %u", m->u.stat.every + 1);
			if (m->u.stat.packet)
				fprintf(out, " packet %u", m->u.stat.packet);
		}
		break;
	case NF_M_PKTTYPE:
		fprintf(out, " PKTTYPE %s= %s", m->invert ? "!" : "",
			m->u.pkttype < ARRAY_SIZE(pkttypes) ? pkttypes[m->u.pkttype] : "?");
		break;
	case NF_M_ICMP:
		fprintf(out, " icmp%stype %u", m->invert ? " !" : "", m->u.icmp.type);
		if (m->u.icmp.code[0] == m->u.icmp.code[1])
			fprintf(out, " code %u", m->u.icmp.code[0]);
		else if (m->u.icmp.code[0] != 0 || m->u.icmp.code[1] != 0xff)
			fprintf(out, " codes %u-%u", m->u.icmp.code[0], m->u.icmp.code[1]);
		break;
	case NF_M_TTL:
		fprintf(out, " TTL match TTL %s %u", ttl_ops[m->u.ttl.mode], m->u.ttl.value);
		break;
	case NF_M_TCPMSS:
		fprintf(out, " tcpmss match %s", m->invert ? "!" : "");
		if (m->u.mss.min == m->u.mss.max)
			fprintf(out, "%u", m->u.mss.min);
		else
			fprintf(out, "%u:%u", m->u.mss.min, m->u.mss.max);
		break;
	case NF_M_HASHLIMIT:
		fprintf(out, " limit: %s", m->u.hl->mode & NF_HL_INVERT ? "above" : "up to");
		print_hl_rate(out, m->u.hl->avg);
		fprintf(out, " burst %u", m->u.hl->burst);
		if (m->u.hl->mode & (NF_HL_SIP | NF_HL_DIP | NF_HL_SPT | NF_HL_DPT)) {
			const char *sep = " mode ";

			if (m->u.hl->mode & NF_HL_SIP)
				fprintf(out, "%ssrcip", sep), sep = "-";
			if (m->u.hl->mode & NF_HL_SPT)
				fprintf(out, "%ssrcport", sep), sep = "-";
			if (m->u.hl->mode & NF_HL_DIP)
				fprintf(out, "%sdstip", sep), sep = "-";
			if (m->u.hl->mode & NF_HL_DPT)
				fprintf(out, "%sdstport", sep);
		}
		if (m->u.hl->expire != 10000)
			fprintf(out, " htable-expire %u", m->u.hl->expire);
		break;
	case NF_M_RECENT: {
		uint8_t cs = m->u.recent.check_set;

		fprintf(out, " recent:%s %s", m->invert ? " !" : "",
			cs & NF_RC_SET ? "SET" : cs & NF_RC_UPDATE ? "UPDATE" :
			cs & NF_RC_CHECK ? "CHECK" : "REMOVE");
		if (m->u.recent.seconds)
			fprintf(out, " seconds: %u", m->u.recent.seconds);
		if (cs & NF_RC_REAP)
			fputs(" reap", out);
		if (m->u.recent.hitcount)
			fprintf(out, " hit_count: %u", m->u.recent.hitcount);
		if (cs & NF_RC_TTL)
			fputs(" TTL-Match", out);
		fprintf(out, " name: %s side: %s", m->u.recent.name ? m->u.recent.name : "DEFAULT",
			m->u.recent.rdest ? "dest" : "source");
		{
			char buf[32];

			addr_str(m->u.recent.mask, 0xffffffffu, buf, sizeof(buf));
			fprintf(out, " mask: %s", buf);
		}
		break;
	}
	case NF_M_CONNLIMIT: {
		unsigned int len = 0;

		while (len < 32 && m->u.connlimit.mask & (0x80000000u >> len))
			len++;
		fprintf(out, " #conn %s/%u %s %u", m->u.connlimit.daddr ? "dst" : "src", len,
			m->invert ? "<=" : ">", m->u.connlimit.limit);
		break;
	}
	case NF_M_SET:
		fprintf(out, " %smatch-set %s ", m->invert ? "! " : "", m->u.set.name);
		for (unsigned int i = 0; i < m->u.set.dim; i++)
			fprintf(out, "%s%s", i ? "," : "", m->u.set.flags >> i & 1 ? "dst" : "src");
		break;
	default:
		break;
	}
}

static void print_match(FILE *out, const struct nf_match *m)
{
	switch (m->kind) {
	case NF_M_TCP:
	case NF_M_UDP:
		fputs(m->kind == NF_M_TCP ? " tcp" : " udp", out);
		print_ports(out, "spt", m->u.l4.spts, m->u.l4.inv_spt);
		print_ports(out, "dpt", m->u.l4.dpts, m->u.l4.inv_dpt);
		if (m->u.l4.flg_mask || m->u.l4.inv_flags)
			fprintf(out, " flags:%s0x%02X/0x%02X", m->u.l4.inv_flags ? "!" : "",
				m->u.l4.flg_mask, m->u.l4.flg_cmp);
		break;
	case NF_M_CONNTRACK:
		print_states(out, m);
		break;
	case NF_M_MULTIPORT:
		print_multiport(out, m);
		break;
	case NF_M_LIMIT:
		fputs(" limit: avg", out);
		print_rate(out, m->u.limit.avg);
		fprintf(out, " burst %u", m->u.limit.burst);
		break;
	case NF_M_LENGTH:
		fprintf(out, " length %s", m->invert ? "!" : "");
		if (m->u.len.min == m->u.len.max)
			fprintf(out, "%u", m->u.len.min);
		else
			fprintf(out, "%u:%u", m->u.len.min, m->u.len.max);
		break;
	case NF_M_COMMENT:
		fprintf(out, " /* %s */", m->u.comment);
		break;
	default:
		print_match_ext(out, m);
		break;
	}
}

/* libxt_MARK.c mark_tg_print() (revision 2). */
static void print_mark(FILE *out, uint32_t mark, uint32_t mask)
{
	if (mark == 0)
		fprintf(out, " MARK and 0x%x", ~mask);
	else if (mark == mask)
		fprintf(out, " MARK or 0x%x", mark);
	else if (mask == 0)
		fprintf(out, " MARK xor 0x%x", mark);
	else if (mask == 0xffffffffu)
		fprintf(out, " MARK set 0x%x", mark);
	else
		fprintf(out, " MARK xset 0x%x/0x%x", mark, mask);
}

/* libxt_DNAT/SNAT/MASQUERADE/REDIRECT's print. */
static void print_nat(FILE *out, const struct nf_target *t)
{
	char buf[64];
	bool ports = t->kind == NF_T_MASQUERADE || t->kind == NF_T_REDIRECT;

	rxs__nf_nat_format_range(&t->nat, ports, buf, sizeof(buf));
	if (!ports)
		fprintf(out, " to:%s", buf);
	else if (t->nat.flags & NF_NAT_RANGE_PROTO_SPECIFIED)
		fprintf(out, " %s %s", t->kind == NF_T_MASQUERADE ? "masq ports:" : "redir ports", buf);
	if (t->nat.flags & NF_NAT_RANGE_PROTO_RANDOM)
		fputs(" random", out);
	if (t->nat.flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY)
		fputs(" random-fully", out);
	if (t->nat.flags & NF_NAT_RANGE_PERSISTENT)
		fputs(" persistent", out);
}

static void print_target(FILE *out, const struct nf_target *t)
{
	switch (t->kind) {
	case NF_T_DNAT:
	case NF_T_SNAT:
	case NF_T_MASQUERADE:
	case NF_T_REDIRECT:
		print_nat(out, t);
		break;
	case NF_T_REJECT:
		fprintf(out, " reject-with %s", nf_reject_types[t->reject_with].name);
		break;
	case NF_T_LOG:
		fprintf(out, " LOG flags %u level %u", t->log_flags, t->log_level);
		if (t->log_prefix && *t->log_prefix)
			fprintf(out, " prefix \"%s\"", t->log_prefix);
		break;
	case NF_T_MARK:
		print_mark(out, t->mark, t->mask);
		break;
	case NF_T_CT:
		fputs(t->notrack_alias ? " NOTRACK" : " CT notrack", out);
		break;
	case NF_T_CONNMARK:
		if (t->connmark_mode == NF_CONNMARK_SAVE)
			fprintf(out, " CONNMARK save nfmask 0x%x ctmask ~0x%x", t->nfmask, t->ctmask);
		else if (t->connmark_mode == NF_CONNMARK_RESTORE)
			fprintf(out, " CONNMARK restore ctmask 0x%x nfmask ~0x%x", t->ctmask,
				t->nfmask);
		else
			fprintf(out, " CONNMARK xset 0x%x/0x%x", t->mark, t->mask);
		break;
	case NF_T_NFLOG:
		if (t->nflog_prefix)
			fprintf(out, " nflog-prefix %s", t->nflog_prefix);
		if (t->nflog_group)
			fprintf(out, " nflog-group %u", t->nflog_group);
		break;
	default:
		break;
	}
}

static void print_rule(FILE *out, const struct rxs_ruleset *nf, const struct nf_rule *r)
{
	const char *pname = proto_name(r->proto);
	char buf[64];

	fprintf(out, "%8llu %8llu ", (unsigned long long)r->pkts, (unsigned long long)r->bytes);
	fprintf(out, "%-9s ", rxs__nf_target_name(nf, r));
	fputc(r->inv_proto ? '!' : ' ', out);
	if (pname)
		fprintf(out, "%-5s", pname);
	else
		fprintf(out, "%-5u", r->proto);
	fputs("-- ", out);
	snprintf(buf, sizeof(buf), "%s%s", r->inv_in ? "!" : "", r->iniface[0] ? r->iniface : "*");
	fprintf(out, " %-6s ", buf);
	snprintf(buf, sizeof(buf), "%s%s", r->inv_out ? "!" : "", r->outiface[0] ? r->outiface : "*");
	fprintf(out, "%-6s ", buf);
	if (r->v6)
		addr6_str(r->src6, r->smsk6, buf, sizeof(buf));
	else
		addr_str(r->src, r->smsk, buf, sizeof(buf));
	fprintf(out, "%c%-19s ", r->inv_src || r->inv_src6 ? '!' : ' ', buf);
	if (r->v6)
		addr6_str(r->dst6, r->dmsk6, buf, sizeof(buf));
	else
		addr_str(r->dst, r->dmsk, buf, sizeof(buf));
	fprintf(out, "%c%-19s ", r->inv_dst || r->inv_dst6 ? '!' : ' ', buf);
	if (r->t.kind == NF_T_CHAIN && r->t.is_goto)
		fputs("[goto] ", out);
	for (unsigned int i = 0; i < r->nmatches; i++)
		print_match(out, &r->m[i]);
	print_target(out, &r->t);
	fputc('\n', out);
}

static void print_chain(FILE *out, const struct rxs_ruleset *nf, const struct nf_chain *c)
{
	fprintf(out, "Chain %s", c->name);
	if (c->hook >= 0)
		fprintf(out, " (policy %s %llu packets, %llu bytes)\n",
			c->policy == RXS_NF_ACCEPT ? "ACCEPT" : "DROP",
			(unsigned long long)c->pkts, (unsigned long long)c->bytes);
	else
		fprintf(out, " (%u references)\n", c->refs);
	fprintf(out, "%8s %10s %-9s  prot opt %-6s %-6s  %-19s  %-19s \n", "pkts", "bytes",
		"target", "in", "out", "source", "destination");
	for (unsigned int i = 0; i < c->nrules; i++)
		print_rule(out, nf, &nf->rules[c->rules[i]]);
}

static int table_id(const char *name)
{
	for (unsigned int t = 0; t < NF_NTABLES; t++)
		if (name && !strcmp(name, nf_table_names[t]))
			return (int)t;
	return -1;
}

static int print_table(const rxs_ruleset_t *nf, int t, FILE *out);

int rxs_ruleset_print_table(const rxs_ruleset_t *nf, const char *table, FILE *out)
{
	return print_table(nf, table_id(table), out);
}

static int print_table(const rxs_ruleset_t *nf, int t, FILE *out)
{
	const struct nf_chain *last = NULL;
	bool first = true;

	if (!nf || t < 0 || !nf->loaded[t])
		return -ENOENT;
	for (int hook = 0; hook < RXS_NF_INET_NUMHOOKS; hook++) {
		int c = nf->builtin[t][hook];

		if (c < 0)
			continue;
		fputs(first ? "" : "\n", out);
		first = false;
		print_chain(out, nf, &nf->chains[c]);
	}
	/* User chains in name order: each time, the smallest name after the last printed. */
	for (;;) {
		const struct nf_chain *next = NULL;

		for (unsigned int i = 0; i < nf->nchains; i++) {
			const struct nf_chain *c = &nf->chains[i];

			if (c->table != (unsigned int)t || c->hook >= 0 ||
			    (last && strcmp(c->name, last->name) <= 0))
				continue;
			if (!next || strcmp(c->name, next->name) < 0)
				next = c;
		}
		if (!next)
			break;
		fputs(first ? "" : "\n", out);
		first = false;
		print_chain(out, nf, next);
		last = next;
	}
	return ferror(out) ? -EIO : 0;
}

static bool table_worth_printing(const struct rxs_ruleset *nf, unsigned int t)
{
	for (unsigned int i = 0; nf->loaded[t] && i < nf->nchains; i++) {
		const struct nf_chain *c = &nf->chains[i];

		if (c->table == t && (c->nrules || c->hook < 0 || c->policy != RXS_NF_ACCEPT ||
				      c->pkts || c->bytes))
			return true;
	}
	return false;
}

int rxs_ruleset_print(const rxs_ruleset_t *nf, FILE *out)
{
	bool first = true;

	for (unsigned int t = 0; nf && t < NF_NTABLES; t++) {
		if (!table_worth_printing(nf, t))
			continue;
		fprintf(out, "%s# %s -t %s -L -v -n -x\n", first ? "" : "\n",
			NF_IS_TABLE6(t) ? "ip6tables" : "iptables", nf_table_names[t]);
		first = false;
		print_table(nf, (int)t, out);
	}
	return ferror(out) ? -EIO : 0;
}
