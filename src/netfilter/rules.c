/* rules.c - running the tables at a hook: matching, chain traversal, targets, counters.
 *
 * Traversal follows ipt_do_table(): rules are tried in order; a rule whose matches all succeed
 * has its counters bumped and its target applied. -j pushes the calling position on a jump
 * stack, -g does not, so a RETURN (or the end of a user chain) goes back to the last -j. With
 * an empty stack, RETURN or the end of the chain falls to the built-in chain's policy, whose
 * counter counts exactly those packets. Tables at a hook run in priority order (raw -300,
 * conntrack -200, mangle -150, filter 0). This file runs one stage when asked; the walk of a
 * hook over its stages and the users' hook functions, in one priority order, is core.c's
 * (nf_hook_slow), so there is one walk.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "host.h"
#include "netfilter/netfilter.h"
#include "internal.h"
#include "netfilter/netfilter_int.h"
#include "netfilter/nft_int.h"
#include "proto/nf_reject.h"
#include "rxsim/error.h"

enum match_result { NO_MATCH, MATCH, HOTDROP };

/* ipv6_find_hdr() as nft_set_pktinfo_ipv6() and ip6_packet_match() use it: the transport
 * past the hop-by-hop, routing, destination options and fragment headers. A later fragment
 * (offset non-zero) has no transport header here; a chain cut short leaves @ihl 0. */
static void pktinfo6(const uint8_t *iph, unsigned int avail, struct nf_pktinfo *pi)
{
	unsigned int off = 40;
	uint8_t nexthdr = iph[6];

	pi->v6 = true;
	pi->tot_len = RXS_MIN(40u + rxs__get_be16(iph + 4), avail);
	pi->saddr = rxs__get_be32(iph + 20);
	pi->daddr = rxs__get_be32(iph + 36);
	for (unsigned int n = 0; n < 8; n++) {
		if (nexthdr == 44) {			/* NEXTHDR_FRAGMENT */
			uint16_t fo;

			if (off + 8 > pi->tot_len)
				return;
			fo = rxs__get_be16(iph + off + 2);
			pi->fragoff = fo >> 3;
			pi->frag = true;
			nexthdr = iph[off];
			off += 8;
			if (pi->fragoff)
				break;
			continue;
		}
		if (nexthdr != 0 && nexthdr != 43 && nexthdr != 60)
			break;
		if (off + 8 > pi->tot_len || off + (iph[off + 1] + 1u) * 8 > pi->tot_len)
			return;
		nexthdr = iph[off];
		off += (iph[off + 1] + 1u) * 8;
	}
	pi->ihl = off;
	pi->proto = nexthdr;
	if (!pi->fragoff && pi->tot_len > off) {
		pi->l4 = iph + off;
		pi->l4len = pi->tot_len - off;
	}
}

void rxs__nf_pktinfo(const struct rxs_sk_buff *skb, struct nf_pktinfo *pi)
{
	const uint8_t *iph = rxs_skb_network_header(skb);
	unsigned int avail = skb->len + (unsigned int)(skb->data - iph);
	uint16_t frag;

	memset(pi, 0, sizeof(*pi));
	pi->iph = iph;
	if (avail < 20)
		return;
	if (unlikely((iph[0] >> 4) == 6)) {
		if (avail >= 40)
			pktinfo6(iph, avail, pi);
		return;
	}
	pi->ihl = (iph[0] & 15u) * 4;
	pi->tot_len = RXS_MIN(rxs__get_be16(iph + 2), avail);
	pi->saddr = rxs__get_be32(iph + 12);
	pi->daddr = rxs__get_be32(iph + 16);
	pi->proto = iph[9];
	frag = rxs__get_be16(iph + 6);
	pi->fragoff = frag & 0x1fff;
	pi->frag = (frag & 0x3fff) != 0;
	if (pi->fragoff == 0 && pi->tot_len > pi->ihl) {
		pi->l4 = iph + pi->ihl;
		pi->l4len = pi->tot_len - pi->ihl;
	}
}

/* ifname_compare(): "eth+" matches every name starting with "eth". The rule's @len bytes
 * (its name less the '+') in a few compares, the name's end unless @wild: no call, and the
 * same work whatever the strings' alignment (libc's strcmp() is not). */
static inline bool iface_match(const char *rule, uint8_t len, bool wild, const char *in)
{
	for (unsigned int i = 0; i < len; i++)
		if (in[i] != rule[i])	/* in's end too: the rule has no NUL before len */
			return false;
	return wild || !in[len];
}

/* ip6_packet_match()'s addresses: masked 128-bit compares. */
static bool addr6_match(const uint8_t *a, const uint8_t *want, const uint8_t *mask, bool inv)
{
	bool eq = true;

	for (unsigned int i = 0; i < 16; i++)
		eq &= (a[i] & mask[i]) == want[i];
	return eq != inv;
}

static bool ip_match(const struct nf_rule *r, const struct nf_hook_ctx *x)
{
	const struct nf_pktinfo *pi = &x->pi;

	if (((pi->saddr & r->smsk) != r->src) != r->inv_src)
		return false;
	if (((pi->daddr & r->dmsk) != r->dst) != r->inv_dst)
		return false;
	if (r->iniface[0] &&
	    iface_match(r->iniface, r->inlen, r->in_wild, x->in ? x->in : "") == r->inv_in)
		return false;
	if (r->outiface[0] &&
	    iface_match(r->outiface, r->outlen, r->out_wild, x->out ? x->out : "") == r->inv_out)
		return false;
	if (r->proto && (pi->proto != r->proto) != r->inv_proto)
		return false;
	if (unlikely(r->v6))
		return addr6_match(pi->iph + 8, r->src6, r->smsk6, r->inv_src6) &&
		       addr6_match(pi->iph + 24, r->dst6, r->dmsk6, r->inv_dst6);
	return true;
}

static bool in_range(uint16_t v, const uint16_t r[2], bool inv)
{
	return (v >= r[0] && v <= r[1]) != inv;
}

/* tcp_mt()/udp_mt(): a later fragment never matches; a cut header drops the packet. */
static enum match_result l4_match(const struct nf_match *m, const struct nf_pktinfo *pi)
{
	unsigned int need = m->kind == NF_M_TCP ? 20 : 8;

	if (pi->fragoff)
		return NO_MATCH;
	if (!pi->l4 || pi->l4len < need)
		return HOTDROP;
	if (!in_range(rxs__get_be16(pi->l4), m->u.l4.spts, m->u.l4.inv_spt) ||
	    !in_range(rxs__get_be16(pi->l4 + 2), m->u.l4.dpts, m->u.l4.inv_dpt))
		return NO_MATCH;
	if (m->kind == NF_M_TCP &&
	    ((pi->l4[13] & m->u.l4.flg_mask) == m->u.l4.flg_cmp) == m->u.l4.inv_flags)
		return NO_MATCH;
	return MATCH;
}

/* xt_multiport ports_match_v1(). */
static enum match_result multiport_match(const struct nf_match *m, const struct nf_pktinfo *pi)
{
	uint16_t src, dst;

	if (pi->fragoff)
		return NO_MATCH;
	if (!pi->l4 || pi->l4len < 4)
		return HOTDROP;
	src = rxs__get_be16(pi->l4);
	dst = rxs__get_be16(pi->l4 + 2);
	for (unsigned int i = 0; i < m->u.mp.count; i++) {
		uint16_t r[2] = { m->u.mp.ports[i], m->u.mp.ports[i] };

		if (m->u.mp.pflags[i])
			r[1] = m->u.mp.ports[++i];
		if ((m->u.mp.flags != NF_MP_DESTINATION && in_range(src, r, false)) ||
		    (m->u.mp.flags != NF_MP_SOURCE && in_range(dst, r, false)))
			return m->invert ? NO_MATCH : MATCH;
	}
	return m->invert ? MATCH : NO_MATCH;
}

/* xt_limit.c: credits per jiffy is the largest power of two below 2^32 / (HZ * one day). */
static uint32_t credits_per_jiffy(uint32_t hz)
{
	uint32_t max = 0xffffffffu / (hz * 60 * 60 * 24), p = 1;

	while (p * 2 <= max)
		p *= 2;
	return p;
}

static uint32_t user2credits(uint32_t user, uint32_t hz)
{
	uint32_t cpj = credits_per_jiffy(hz);

	if (user > 0xffffffffu / (hz * cpj))
		return (user / 10000) * hz * cpj;	/* XT_LIMIT_SCALE */
	return (user * hz * cpj) / 10000;
}

/* limit_mt(): a token bucket refilled per jiffy of virtual time, full when the rule is first
 * used (the kernel fills it when the rule is loaded, which is earlier, and caps it). */
static bool limit_match(struct nf_match *m, const struct nf_hook_ctx *x)
{
	struct rxs_host *h = rxs__skb_host(x->skb);
	uint32_t hz = h->hz;
	uint64_t now = rxs__jiffies(h, x->now_ns);
	uint64_t credit;

	if (!m->u.limit.started) {
		m->u.limit.started = true;
		m->u.limit.prev = now;
		m->u.limit.credit = user2credits(m->u.limit.avg * m->u.limit.burst, hz);
		m->u.limit.credit_cap = m->u.limit.credit;
		m->u.limit.cost = user2credits(m->u.limit.avg, hz);
	}
	credit = m->u.limit.credit + (now - m->u.limit.prev) * credits_per_jiffy(hz);
	m->u.limit.prev = now;
	if (credit > m->u.limit.credit_cap)
		credit = m->u.limit.credit_cap;
	m->u.limit.credit = (uint32_t)credit;
	if (m->u.limit.credit < m->u.limit.cost)
		return false;
	m->u.limit.credit -= m->u.limit.cost;
	return true;
}

/* addrtype_mt_v1(): the RTN_* type of an address, as the local table (and, with
 * --limit-iface-in/out, the device) says. */
static bool addrtype_match(const struct nf_match *m, const struct nf_hook_ctx *x)
{
	const struct rxs_host *h = rxs__skb_host(x->skb);
	const struct rxs_netdev *dev = NULL;

	if (m->u.addrtype.limit_in || m->u.addrtype.limit_out)
		dev = x->skb->dev;
	if (m->u.addrtype.src &&
	    !!(m->u.addrtype.src & 1u << rxs__inet_addr_type(h, dev, x->pi.saddr)) ==
	    m->u.addrtype.inv_src)
		return false;
	if (m->u.addrtype.dst &&
	    !!(m->u.addrtype.dst & 1u << rxs__inet_addr_type(h, dev, x->pi.daddr)) ==
	    m->u.addrtype.inv_dst)
		return false;
	return true;
}

/* statistic_mt(): nth counts packets in the rule's own counter. */
static bool statistic_match(struct nf_match *m, struct rxs_ruleset *nf)
{
	bool ret = m->invert;

	if (m->u.stat.mode == NF_STAT_RANDOM) {
		if ((rxs__nf_random(nf) & 0x7fffffff) < m->u.stat.probability)
			ret = !ret;
		return ret;
	}
	m->u.stat.count = m->u.stat.count == m->u.stat.every ? 0 : m->u.stat.count + 1;
	if (m->u.stat.count == 0)
		ret = !ret;
	return ret;
}

/* icmp_match(): later fragments never match; a cut header drops the packet. */
static enum match_result icmp_match(const struct nf_match *m, const struct nf_pktinfo *pi)
{
	bool ok;

	if (pi->fragoff)
		return NO_MATCH;
	if (!pi->l4 || pi->l4len < 2)
		return HOTDROP;
	ok = m->u.icmp.type == 0xff ||
	     (pi->l4[0] == m->u.icmp.type && pi->l4[1] >= m->u.icmp.code[0] &&
	      pi->l4[1] <= m->u.icmp.code[1]);
	return ok != m->invert ? MATCH : NO_MATCH;
}

static bool ttl_match(const struct nf_match *m, const struct nf_pktinfo *pi)
{
	uint8_t ttl = pi->iph[m->u.ttl.hl ? 7 : 8];	/* hl: the IPv6 hop limit */

	switch (m->u.ttl.mode) {
	case NF_TTL_EQ:
		return ttl == m->u.ttl.value;
	case NF_TTL_NE:
		return ttl != m->u.ttl.value;
	case NF_TTL_LT:
		return ttl < m->u.ttl.value;
	default:
		return ttl > m->u.ttl.value;
	}
}

/* tcpmss_mt(): the MSS option's value; without one the match is its inversion. */
static enum match_result tcpmss_match(const struct nf_match *m, const struct nf_pktinfo *pi)
{
	unsigned int doff, optlen;
	const uint8_t *op;

	if (!pi->l4 || pi->l4len < 20)
		return HOTDROP;
	doff = (pi->l4[12] >> 4) * 4u;
	if (doff < 20 || doff > pi->l4len)
		return HOTDROP;
	op = pi->l4 + 20;
	optlen = doff - 20;
	for (unsigned int i = 0; i < optlen;) {
		if (op[i] == 2 && optlen - i >= 4 && op[i + 1] == 4) {
			uint16_t mss = (uint16_t)(op[i + 2] << 8 | op[i + 3]);

			return ((mss >= m->u.mss.min && mss <= m->u.mss.max) != m->invert) ? MATCH
											     : NO_MATCH;
		}
		if (op[i] < 2)
			i++;
		else
			i += op[i + 1] ? op[i + 1] : 1u;
	}
	return m->invert ? MATCH : NO_MATCH;
}

/* xt_pkttype: a looped-back packet counts as multicast or broadcast by its address. */
static bool pkttype_match(const struct nf_match *m, const struct nf_hook_ctx *x)
{
	uint8_t type = x->skb->pkt_type;

	return (type == m->u.pkttype) != m->invert;
}

/* connlimit_mt(): the connections whose key is the packet's (nf_conncount_count). A
 * packet without a tuple drops (hotdrop). */
static enum match_result connlimit_match(struct nf_match *m, const struct nf_hook_ctx *x)
{
	struct nf_ct_key k;
	uint32_t key;
	unsigned int n;

	if (!rxs__nf_ct_key(x->nf, &x->pi, &k))
		return HOTDROP;
	key = (m->u.connlimit.daddr ? k.dst : k.src) & m->u.connlimit.mask;
	n = rxs__nf_conncount(x->nf, m, &k, key, x->now_ns);
	return ((n > m->u.connlimit.limit) != m->invert) ? MATCH : NO_MATCH;
}

static enum match_result one_match(struct nf_match *m, const struct nf_hook_ctx *x)
{
	struct rxs_host *h;
	bool ok = true;
	int r;

	switch (m->kind) {
	case NF_M_TCP:
	case NF_M_UDP:
		return l4_match(m, &x->pi);
	case NF_M_MULTIPORT:
		return multiport_match(m, &x->pi);
	case NF_M_CONNTRACK: {
		unsigned int bits = rxs__nf_ct_statebit(x->nf);
		uint32_t st = 0;

		/* only a rule that tests SNAT or DNAT asks the entry */
		if (!(m->u.ct.states & (NF_CTS_SNAT | NF_CTS_DNAT)) || !rxs__nf_ct_status(x->nf, &st))
			st = 0;

		/* conntrack_mt(): SNAT and DNAT are added from the entry's status */
		if (st & NF_IPS_SRC_NAT)
			bits |= NF_CTS_SNAT;
		if (st & NF_IPS_DST_NAT)
			bits |= NF_CTS_DNAT;
		ok = ((bits & m->u.ct.states) != 0) != m->invert;
		break;
	}
	case NF_M_LIMIT:
		ok = limit_match(m, x);
		break;
	case NF_M_LENGTH:
		ok = (x->pi.tot_len >= m->u.len.min && x->pi.tot_len <= m->u.len.max) != m->invert;
		break;
	case NF_M_COMMENT:
		break;
	case NF_M_MARK:
		if (m->u.mark.ct) {
			uint32_t ctmark;

			/* connmark_mt(): no entry, no match (inverted or not) */
			ok = rxs__nf_ct_mark(x->nf, &ctmark) &&
			     ((ctmark & m->u.mark.mask) == m->u.mark.mark) != m->invert;
		} else {
			ok = ((x->skb->mark & m->u.mark.mask) == m->u.mark.mark) != m->invert;
		}
		break;
	case NF_M_ADDRTYPE:
		ok = addrtype_match(m, x);
		break;
	case NF_M_STATISTIC:
		ok = statistic_match(m, x->nf);
		break;
	case NF_M_PKTTYPE:
		ok = pkttype_match(m, x);
		break;
	case NF_M_ICMP:
		return icmp_match(m, &x->pi);
	case NF_M_TTL:
		ok = ttl_match(m, &x->pi);
		break;
	case NF_M_TCPMSS:
		return tcpmss_match(m, &x->pi);
	case NF_M_HASHLIMIT:
		h = rxs__skb_host(x->skb);
		r = rxs__nf_hashlimit_match(x->nf, m->u.hl, &x->pi, h->hz,
					    rxs__jiffies(h, x->now_ns));
		if (r < 0)
			return HOTDROP;
		ok = r;
		break;
	case NF_M_RECENT:
		h = rxs__skb_host(x->skb);
		r = rxs__nf_recent_match(x->nf, m, &x->pi, h->hz, rxs__jiffies(h, x->now_ns));
		if (r < 0)
			return HOTDROP;
		ok = r;
		break;
	case NF_M_CONNLIMIT:
		return connlimit_match(m, x);
	case NF_M_SET:
		ok = rxs__nf_ipset_test(x->nf, m->u.set.set, &x->pi, m->u.set.dim,
					m->u.set.flags) != m->invert;
		break;
	}
	return ok ? MATCH : NO_MATCH;
}

static enum match_result rule_match(struct nf_rule *r, const struct nf_hook_ctx *x)
{
	if (!ip_match(r, x))
		return NO_MATCH;
	for (unsigned int i = 0; i < r->nmatches; i++) {
		enum match_result res = one_match(&r->m[i], x);

		if (res != MATCH)
			return res;
	}
	return MATCH;
}

/*
 * REJECT: proto builds and sends the answer (nf_reject.c, as nf_reject_ipv4.c serves
 * ipt_REJECT), and the ICMP error or RST leaves through ip_output(), whose LOCAL_OUT walk runs
 * inside this one. That nested walk must not touch what this walk still holds, as each
 * nf_hook_slow() call keeps its own place on the kernel's stack: so around it the packet's
 * conntrack state is set aside (and a connection the nested walk frees is cleared in the
 * saved copy too, see remove_conn()), and the jump stack moves past the frames of the walks
 * below (each run_table() uses one walk's worth of frames from nf->frames on). Returns to
 * the walk with everything as it was.
 */
RXS_NOINLINE void rxs__nf_reject(const struct nf_hook_ctx *x, bool tcp_reset, uint8_t icmp_code)
{
	const struct rxs_nf_reject_pkt p = {
		.proto = x->pi.proto, .fragoff = x->pi.fragoff, .l4 = x->pi.l4, .l4len = x->pi.l4len,
		.unrouted = x->hook == RXS_NF_INET_PRE_ROUTING,
	};
	struct rxs_ruleset *nf = x->nf;
	struct nf_frame *frames = nf->frames;
	unsigned int depth = nf->nchains + 1;	/* one walk's frames, at most */
	struct nf_pkt_save saved = { .pkt = nf->cur, .up = nf->outer };

	/* Nesting stops at NF_NEST_MAX walks: icmp_send() answers no ICMP error, so an
	 * answer's own walk never needs another level, and past the last nothing is sent. */
	if (frames + 2 * depth > nf->stack + NF_NEST_MAX * depth)
		return;
	memset(&nf->cur, 0, sizeof(nf->cur));
	nf->outer = &saved;
	nf->frames = frames + depth;
	/* The RST is built and crosses OUTPUT (nf_send_reset -> ip_local_out, and IPv6's) */
	if (tcp_reset && x->pi.v6)
		rxs__nf_send_reset6(x->skb, &p);
	else if (tcp_reset)
		rxs__nf_send_reset(x->skb, &p);
	else if (x->pi.v6)
		rxs__nf_send_unreach6(x->skb, &p, icmp_code);
	else
		rxs__nf_send_unreach(x->skb, &p, icmp_code);
	nf->frames = frames;
	nf->outer = saved.up;
	rxs__nf_pkt_reset(nf);
	nf->cur = saved.pkt;
}

/* trace_packet(): a traced packet (TRACE) logs each rule it matched, the end of a user chain
 * it returned from, and the policy it met, as "TRACE: table:chain:rule|return|policy:N" (N
 * 1-based in the chain; the end of a chain is one past its last rule). */
static RXS_NOINLINE void trace_rule(const struct nf_hook_ctx *x, const struct nf_chain *c,
				    const char *what, unsigned int num)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(x->skb);

	RXS_TRACE_STAGE(sd, x->now_ns, x->skb, "TRACE", "%s:%s:%s:%u IN=%s OUT=%s",
			nf_table_names[c->table], c->name, what, num, x->in ? x->in : "",
			x->out ? x->out : "");
}

/* Apply @r's target. Returns -1 to go on with the next rule, else a verdict. */
static int apply_target(const struct nf_rule *r, struct nf_hook_ctx *x)
{
	struct rxs_ruleset *nf = x->nf;

	switch (r->t.kind) {
	case NF_T_ACCEPT:
		return RXS_NF_ACCEPT;
	case NF_T_DROP:
		return RXS_NF_DROP;
	case NF_T_REJECT:
		rxs__nf_reject(x, nf_reject_types[r->t.reject_with].tcp_reset,
			       nf_reject_types[r->t.reject_with].icmp_code);
		return RXS_NF_DROP;
	case NF_T_LOG:
		nf->log_packets++;
		return -1;
	case NF_T_MARK:
		x->skb->mark = (x->skb->mark & ~r->t.mask) ^ r->t.mark;
		return -1;
	case NF_T_NFLOG:
		nf->nflog_packets++;
		if (unlikely(nf->nflog))
			rxs__nf_nflog_write(nf, r, x);
		return -1;
	case NF_T_TRACE:
		/* skb->nf_trace: every later rule the packet matches is traced (this one was
		 * looked at before its target ran, untraced, as in ipt_do_table) */
		nf->cur.trace = true;
		return -1;
	case NF_T_CONNMARK: {
		uint32_t ctmark;

		if (!rxs__nf_ct_mark(nf, &ctmark))
			return -1;
		if (r->t.connmark_mode == NF_CONNMARK_SET)
			rxs__nf_ct_set_mark(nf, (ctmark & ~r->t.mask) ^ r->t.mark);
		else if (r->t.connmark_mode == NF_CONNMARK_SAVE)
			rxs__nf_ct_set_mark(nf, (ctmark & ~r->t.ctmask) ^
					    (x->skb->mark & r->t.nfmask));
		else
			x->skb->mark = (x->skb->mark & ~r->t.nfmask) ^ (ctmark & r->t.ctmask);
		return -1;
	}
	case NF_T_DNAT:
		return rxs__nf_nat_setup(x, &r->t.nat, NF_NAT_MANIP_DST);
	case NF_T_SNAT:
		return rxs__nf_nat_setup(x, &r->t.nat, NF_NAT_MANIP_SRC);
	case NF_T_MASQUERADE:
		return rxs__nf_nat_masquerade(x, &r->t.nat);
	case NF_T_REDIRECT:
		return rxs__nf_nat_redirect(x, &r->t.nat);
	case NF_T_CT:
		rxs__nf_ct_notrack(nf);
		return -1;
	default:
		return -1;
	}
}

static enum rxs_nf_verdict policy(struct nf_chain *base, const struct nf_hook_ctx *x)
{
	if (unlikely(x->nf->cur.trace))
		trace_rule(x, base, "policy", base->nrules + 1);
	base->pkts++;
	base->bytes += x->skb->len;
	return base->policy;
}

/* ipt_do_table() for one table's built-in chain at x->hook. Its return points are
 * nf->frames[0..sp): this walk's own, as a nested walk starts past them (send_reject()). */
static unsigned int pclass(uint8_t proto)
{
	return proto == 6 ? NF_PCLASS_TCP : proto == 17 ? NF_PCLASS_UDP :
	       proto == 1 ? NF_PCLASS_ICMP : NF_PCLASS_OTHER;
}

/* Whether rule @r's -p can match a packet of class @c (ip_match()'s protocol test). */
static bool pclass_can_match(const struct nf_rule *r, unsigned int c)
{
	if (!r->proto)
		return true;
	if (c == NF_PCLASS_OTHER)	/* many protocols: only a plain -p tcp|udp|icmp cannot */
		return r->inv_proto || pclass(r->proto) == NF_PCLASS_OTHER;
	return (pclass(r->proto) == c && !r->inv_proto) ||
	       (pclass(r->proto) != c && r->inv_proto);
}

/*
 * Destination-port indexing, as nftables sets and ipset spare a walk over per-port rules:
 * a rule of class TCP or UDP (-p tcp|udp) whose first match is that protocol's with a plain
 * --dport range. For a packet of that class that is not a later fragment and holds the whole
 * header the match needs, the match is a range test of the destination port, and a port
 * outside the range is NO_MATCH whatever ip_match() and the later matches say: ip_match()
 * and that first match run before anything that keeps state (limit, statistic, recent),
 * so skipping the rule changes nothing. Every other packet walks the class's plain list.
 */
static const uint16_t *port_indexed(const struct nf_rule *r, unsigned int c)
{
	if (c != NF_PCLASS_TCP && c != NF_PCLASS_UDP)
		return NULL;
	if (r->proto != (c == NF_PCLASS_TCP ? 6 : 17) || r->inv_proto || !r->nmatches ||
	    r->m[0].kind != (c == NF_PCLASS_TCP ? NF_M_TCP : NF_M_UDP) || r->m[0].u.l4.inv_dpt)
		return NULL;
	return r->m[0].u.l4.dpts;
}

/* A bound on a chain's port rows, in entries: past it the chain keeps the plain lists. */
#define NF_PORT_ROWS_MAX (1u << 20)

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* @ch's port intervals: the starts of the ranges of its indexed rules and the ports just
 * past their ends, so each range covers whole intervals. 0 with nothing to index. */
static int port_intervals(const struct rxs_ruleset *nf, struct nf_chain *ch)
{
	uint32_t *b = rxs__malloc((2 * ch->nrules + 1) * sizeof(*b));
	unsigned int n = 0, k = 0;

	if (!b)
		return -ENOMEM;
	b[n++] = 0;
	for (unsigned int j = 0; j < ch->nrules; j++) {
		const struct nf_rule *r = &nf->rules[ch->rules[j]];
		const uint16_t *d = port_indexed(r, NF_PCLASS_TCP);

		if (!d)
			d = port_indexed(r, NF_PCLASS_UDP);
		if (!d)
			continue;
		b[n++] = d[0];
		b[n++] = (uint32_t)d[1] + 1;
	}
	qsort(b, n, sizeof(*b), cmp_u32);
	for (unsigned int j = 0; j < n; j++)
		if (b[j] <= 0xffff && (k == 0 || b[j] != b[k - 1]))
			b[k++] = b[j];
	ch->nports = 0;
	if (k > 1 && (size_t)(NF_PCLASS_N + 2 * k) * (ch->nrules + 1) <= NF_PORT_ROWS_MAX) {
		ch->port_start = rxs__malloc(k * sizeof(*ch->port_start));
		if (!ch->port_start) {
			rxs__free(b);
			return -ENOMEM;
		}
		for (unsigned int j = 0; j < k; j++)
			ch->port_start[j] = (uint16_t)b[j];
		ch->nports = k;
	}
	rxs__free(b);
	return 0;
}

/* Whether rule @r can match a packet of class @c whose destination port is @port (-1: any,
 * the plain list). */
static bool rule_can_match(const struct nf_rule *r, unsigned int c, int port)
{
	const uint16_t *d;

	if (!pclass_can_match(r, c))
		return false;
	if (port < 0 || !(d = port_indexed(r, c)))
		return true;
	return port >= d[0] && port <= d[1];
}

/* One row of @ch's next: for each position, the first rule at or after it that can match. */
static void build_row(const struct rxs_ruleset *nf, const struct nf_chain *ch, unsigned int *next,
		      unsigned int c, int port)
{
	next[ch->nrules] = ch->nrules;
	for (unsigned int j = ch->nrules; j-- > 0;)
		next[j] = rule_can_match(&nf->rules[ch->rules[j]], c, port) ? j : next[j + 1];
}

/* Each chain's per-protocol rule lists (struct nf_chain's next), once the rules are read. */
static int build_pclass_lists(struct rxs_ruleset *nf)
{
	for (unsigned int i = 0; i < nf->nchains; i++) {
		struct nf_chain *ch = &nf->chains[i];
		unsigned int n = ch->nrules + 1;
		int rc;

		rxs__free(ch->next);
		rxs__free(ch->port_start);
		ch->next = NULL;
		ch->port_start = NULL;
		if ((rc = port_intervals(nf, ch)) < 0)
			return rc;
		ch->next = rxs__malloc((NF_PCLASS_N + 2 * ch->nports) * n * sizeof(*ch->next));
		if (!ch->next)
			return -ENOMEM;
		for (unsigned int c = 0; c < NF_PCLASS_N; c++)
			build_row(nf, ch, ch->next + c * n, c, -1);
		for (unsigned int c = NF_PCLASS_TCP; c <= NF_PCLASS_UDP; c++)
			for (unsigned int k = 0; k < ch->nports; k++)
				build_row(nf, ch, ch->next + (NF_PCLASS_N + c * ch->nports + k) * n, c,
					  ch->port_start[k]);
	}
	return 0;
}

/* The row of @ch's next a packet of class @c walks; @port its destination port when it has
 * a whole TCP or UDP header (not a later fragment), else -1. NULL: every rule. */
static const unsigned int *chain_row(const struct nf_chain *ch, unsigned int c, int port)
{
	unsigned int lo = 0, hi;

	if (!ch->next)
		return NULL;
	if (port < 0 || !ch->nports)
		return ch->next + c * (ch->nrules + 1);
	/* the last interval starting at or below the port */
	hi = ch->nports;
	while (hi - lo > 1) {
		unsigned int mid = (lo + hi) / 2;

		if (ch->port_start[mid] <= port)
			lo = mid;
		else
			hi = mid;
	}
	return ch->next + (NF_PCLASS_N + c * ch->nports + lo) * (ch->nrules + 1);
}

/* The destination port chain_row() indexes by, or -1 (see port_indexed()). */
static int packet_dport(const struct nf_pktinfo *pi, unsigned int c)
{
	unsigned int need = c == NF_PCLASS_TCP ? 20 : 8;

	if ((c != NF_PCLASS_TCP && c != NF_PCLASS_UDP) || pi->fragoff || !pi->l4 ||
	    pi->l4len < need)
		return -1;
	return rxs__get_be16(pi->l4 + 2);
}

static enum rxs_nf_verdict run_table(struct nf_hook_ctx *x, unsigned int table)
{
	struct rxs_ruleset *nf = x->nf;
	int base = nf->builtin[table][x->hook];
	const struct nf_chain *ch;
	unsigned int idx = 0, sp = 0, c = pclass(x->pi.proto);
	const unsigned int *next;
	int port;

	if (base < 0)
		return RXS_NF_ACCEPT;
	ch = &nf->chains[base];
	port = packet_dport(&x->pi, c);
	next = chain_row(ch, c, port);
	for (;;) {
		struct nf_rule *r;
		enum match_result res;
		int v;

		/* Over the rules whose -p, or whose --dport, cannot match this packet. */
		if (next)
			idx = next[idx];
		if (idx == ch->nrules) {
			if (sp == 0)
				return policy(&nf->chains[base], x);
			if (unlikely(nf->cur.trace))
				trace_rule(x, ch, "return", ch->nrules + 1);
			sp--;
			ch = &nf->chains[nf->frames[sp].chain];
			next = chain_row(ch, c, port);
			idx = nf->frames[sp].idx;
			continue;
		}
		r = &nf->rules[ch->rules[idx++]];
		res = rule_match(r, x);
		if (res == HOTDROP)
			return RXS_NF_DROP;
		if (res == NO_MATCH)
			continue;
		r->pkts++;
		r->bytes += x->skb->len;
		if (unlikely(nf->cur.trace))
			trace_rule(x, ch, r->t.kind == NF_T_RETURN ? "return" : "rule", idx);
		if (r->t.kind == NF_T_RETURN) {
			idx = ch->nrules;	/* as the end of the chain */
			continue;
		}
		if (r->t.kind == NF_T_CHAIN) {
			if (!r->t.is_goto)
				nf->frames[sp++] = (struct nf_frame){ (unsigned int)(ch - nf->chains), idx };
			ch = &nf->chains[r->t.chain];
			next = chain_row(ch, c, port);
			idx = 0;
			continue;
		}
		v = apply_target(r, x);
		if (v >= 0)
			return (enum rxs_nf_verdict)v;
	}
}

/* The conntrack hook (ipv4_conntrack_in/local, priority -200). Fragments wait for LOCAL_IN:
 * in the kernel nf_defrag_ipv4 reassembles them before conntrack sees them; in rxsim
 * reassembly happens between PREROUTING and INPUT. */
static enum rxs_nf_verdict run_conntrack(struct nf_hook_ctx *x)
{
	struct rxs_ruleset *nf = x->nf;

	if (!nf->ct_enabled || nf->cur.ct_done)
		return RXS_NF_ACCEPT;
	if (x->hook == RXS_NF_INET_PRE_ROUTING && x->pi.frag)
		return RXS_NF_ACCEPT;
	if (x->hook == RXS_NF_INET_PRE_ROUTING && rxs__nf_ct_csum_error(nf, &x->pi, x->skb))
		return RXS_NF_ACCEPT;
	return rxs__nf_ct_in(nf, &x->pi, x->now_ns, x->hook == RXS_NF_INET_LOCAL_OUT)
		       ? RXS_NF_ACCEPT
		       : RXS_NF_DROP;
}

/* Built-in stages per hook in priority order: a table, the conntrack hook (STAGE_CT), the NAT
 * hook (STAGE_NAT) or the end (STAGE_END); and their priorities (NF_IP_PRI_RAW -300,
 * CONNTRACK -200, MANGLE -150, NAT_DST -100, FILTER 0, NAT_SRC 100). */
enum { STAGE_CT = NF_STAGE_CONNTRACK, STAGE_END = -2, STAGE_NAT = NF_STAGE_NAT };
#define NF_IPT_STAGES 5
static const int stage_order[RXS_NF_INET_NUMHOOKS][NF_IPT_STAGES] = {
	[RXS_NF_INET_PRE_ROUTING] = { NF_TABLE_RAW, STAGE_CT, NF_TABLE_MANGLE, STAGE_NAT,
				      STAGE_END },
	[RXS_NF_INET_LOCAL_IN] = { STAGE_CT, NF_TABLE_MANGLE, NF_TABLE_FILTER, STAGE_NAT,
				   STAGE_END },
	[RXS_NF_INET_FORWARD] = { STAGE_CT, NF_TABLE_MANGLE, NF_TABLE_FILTER, STAGE_END, STAGE_END },
	[RXS_NF_INET_LOCAL_OUT] = { NF_TABLE_RAW, STAGE_CT, NF_TABLE_MANGLE, STAGE_NAT,
				    NF_TABLE_FILTER },
	[RXS_NF_INET_POST_ROUTING] = { NF_TABLE_MANGLE, STAGE_NAT, STAGE_END, STAGE_END,
				       STAGE_END },
};

static int stage_priority(enum rxs_nf_hook hook, int stage)
{
	static const int table_prio[NF_NTABLES] = {
		[NF_TABLE_RAW] = -300, [NF_TABLE_MANGLE] = -150, [NF_TABLE_FILTER] = 0,
		[NF_TABLE_RAW6] = -300, [NF_TABLE_MANGLE6] = -150, [NF_TABLE_FILTER6] = 0,
	};

	if (stage == STAGE_NAT)
		return hook == RXS_NF_INET_PRE_ROUTING || hook == RXS_NF_INET_LOCAL_OUT ? -100 : 100;
	return stage == STAGE_CT ? -200 : table_prio[stage];
}

/* The nat table as the rules a new connection consults at a hook (iptable_nat_do_chain). */
static enum rxs_nf_verdict nat_table_lookup(struct nf_hook_ctx *x, void *arg)
{
	(void)arg;
	return run_table(x, NF_TABLE_NAT);
}

/* Insert nft base chain @chain at its priority into @st (@n stages): -ENOSPC when full. */
static int add_nft_stage(struct nf_stage *st, unsigned int *n, int prio, unsigned int chain)
{
	unsigned int pos;

	if (*n == NF_MAX_STAGES)
		return -ENOSPC;
	for (pos = 0; pos < *n && st[pos].prio <= prio; pos++)
		;
	memmove(&st[pos + 1], &st[pos], (*n - pos) * sizeof(*st));
	st[pos] = (struct nf_stage){ .prio = prio, .kind = NF_STAGE_NFT, .chain = (uint16_t)chain };
	(*n)++;
	return 0;
}

/* The IPv6 hooks: the ip6tables tables (ip6table_raw -300, mangle -150, filter 0),
 * conntrack (nf_conntrack's IPv6 hooks, where ip6tables or an ip6 or inet table needs it: at
 * -200 where the IPv4 one runs) and the base chains of families ip6 and inet, each after the
 * entries of lower or equal priority. NAT for IPv6 is not modelled: nat chains do not run on
 * IPv6 (nft_build refuses those of family ip6, parse.c ip6tables' nat table). */
static int build_stages6(struct rxs_ruleset *nf)
{
	static const int8_t tables6[] = { NF_TABLE_RAW6, NF_TABLE_MANGLE6, NF_TABLE_FILTER6 };
	const struct nft_ruleset *n6 = nf->nft;
	bool any6 = false;

	for (unsigned int t = 0; n6 && t < n6->ntables; t++)
		any6 |= n6->tables[t].family == NFT_FAM_IP6 || n6->tables[t].family == NFT_FAM_INET;
	nf->ct6_enabled = (any6 && n6->uses_ct) || nf->ct6_rules;
	for (unsigned int hook = 0; hook < RXS_NF_INET_NUMHOOKS; hook++) {
		struct nf_stage *st = nf->stages6[hook];
		unsigned int n = 0;

		for (unsigned int i = 0; i < ARRAY_SIZE(tables6); i++)
			if (nf->builtin[tables6[i]][hook] >= 0)
				st[n++] = (struct nf_stage){
					.prio = stage_priority((enum rxs_nf_hook)hook, tables6[i]),
					.kind = tables6[i] };
		if (nf->ct6_enabled && hook != RXS_NF_INET_POST_ROUTING) {
			unsigned int pos;

			for (pos = 0; pos < n && st[pos].prio <= -200; pos++)
				;
			memmove(&st[pos + 1], &st[pos], (n - pos) * sizeof(*st));
			st[pos] = (struct nf_stage){ .prio = -200, .kind = NF_STAGE_CONNTRACK };
			n++;
		}
		for (unsigned int i = 0; n6 && i < n6->nhooks[hook]; i++) {
			const struct nft_hook_entry *e = &n6->hooks[hook][i];
			const struct nft_chain *c = &n6->chains[e->chain];
			uint8_t fam = n6->tables[c->table].family;

			if ((fam != NFT_FAM_IP6 && fam != NFT_FAM_INET) || c->type == NFT_TYPE_NAT)
				continue;
			if (add_nft_stage(st, &n, e->prio, e->chain))
				return -ENOSPC;
		}
		nf->nstages6[hook] = (uint8_t)n;
	}
	return 0;
}

/* A hook's stages: the iptables ones, registered first (at boot), then the nftables base
 * chains of families ip and inet, each after the entries of lower or equal priority, as
 * nf_hook_entries_grow() places a new one. */
int rxs__nf_build_stages(struct rxs_ruleset *nf)
{
	for (unsigned int hook = 0; hook < RXS_NF_INET_NUMHOOKS; hook++) {
		struct nf_stage *st = nf->stages[hook];
		unsigned int n = 0;

		/* A table with no chain at this hook, or conntrack that no rule needs, would
		 * accept at once: such a stage is left out, so a hook pays only for what runs. */
		for (unsigned int i = 0; i < NF_IPT_STAGES && stage_order[hook][i] != STAGE_END; i++) {
			int t = stage_order[hook][i];

			if (t == STAGE_NAT ? !nf->nat_enabled
			    : t < 0	   ? !nf->ct_enabled
					   : nf->builtin[t][hook] < 0)
				continue;
			st[n++] = (struct nf_stage){ .prio = stage_priority((enum rxs_nf_hook)hook, t),
						     .kind = (int16_t)t };
		}
		for (unsigned int i = 0; nf->nft && i < nf->nft->nhooks[hook]; i++) {
			const struct nft_hook_entry *e = &nf->nft->hooks[hook][i];
			uint8_t fam = nf->nft->tables[nf->nft->chains[e->chain].table].family;

			/* A nat chain is the NAT core's to consult (register_nat_chains()). */
			if ((fam != NFT_FAM_IP && fam != NFT_FAM_INET) ||
			    nf->nft->chains[e->chain].type == NFT_TYPE_NAT)
				continue;
			if (add_nft_stage(st, &n, e->prio, e->chain))
				return -ENOSPC;
		}
		nf->nstages[hook] = (uint8_t)n;
	}
	return build_stages6(nf);
}

bool rxs__nf_hook_staged(const struct rxs_ruleset *nf, enum rxs_nf_hook hook)
{
	if (!nf || (unsigned int)hook >= RXS_NF_INET_NUMHOOKS)
		return false;
	if (nf->nstages[hook] || nf->nstages6[hook])
		return true;
	/* rxs__nf_hook_end(): a connection begun at PREROUTING, FORWARD or OUTPUT is confirmed
	 * at the end of INPUT or POSTROUTING, with or without a stage there. */
	return (hook == RXS_NF_INET_LOCAL_IN || hook == RXS_NF_INET_POST_ROUTING) &&
	       (nf->ct_enabled || nf->ct6_enabled);
}

/* The packet info of @x, and a fresh conntrack state unless the packet carries one on. */
bool rxs__nf_tables_begin(struct nf_hook_ctx *x, bool resume)
{
	struct rxs_ruleset *nf = x->nf;
	struct rxs_sk_buff *skb = x->skb;
	bool first = !resume && (x->hook == RXS_NF_INET_PRE_ROUTING ||
				 x->hook == RXS_NF_INET_LOCAL_OUT);

	/* IPv6 walks its own hooks' stages (nstages6), IPv4 its own. */
	if (!nf || (unsigned int)x->hook >= RXS_NF_INET_NUMHOOKS)
		return false;
	if (unlikely(RXS_INET_CB(skb)->family != AF_INET) &&
	    (RXS_INET_CB(skb)->family != AF_INET6 || !nf->nstages6[x->hook]))
		return false;
	rxs__nf_pktinfo(skb, &x->pi);
	if (!x->pi.ihl)
		return false;
	/* The output device, where the walk's caller did not know it (core.c's ctx_init() takes
	 * a forwarded packet's from its route): the one the host's own packet leaves by
	 * (rxsim's skb->dev on the way out). */
	if (!x->out || !*x->out) {
		x->out = "";
		if ((x->hook == RXS_NF_INET_LOCAL_OUT || x->hook == RXS_NF_INET_POST_ROUTING) &&
		    RXS_INET_CB(skb)->route != RXS_RTN_FORWARD && skb->dev)
			x->out = skb->dev->cfg.name;
	}
	/* A packet's conntrack state lives from PREROUTING (or OUTPUT) to the end of INPUT (or
	 * POSTROUTING); a packet that shows up at INPUT alone, or comes back from a user queue
	 * after another packet went through, gets a fresh one. */
	if (first || nf->cur.skb != skb || nf->cur.id != skb->id) {
		rxs__nf_pkt_reset(nf);
		nf->cur.skb = skb;
		nf->cur.id = skb->id;
		rxs__nf_ct_adopt(nf, skb);
	}
	return true;
}

bool rxs__nf_stage_prio(const struct rxs_ruleset *nf, enum rxs_nf_hook hook, unsigned int i,
			int *prio)
{
	if (!nf || (unsigned int)hook >= RXS_NF_INET_NUMHOOKS || i >= nf->nstages[hook])
		return false;
	*prio = nf->stages[hook][i].prio;
	return true;
}

static enum rxs_nf_verdict run_stage(struct nf_hook_ctx *x, const struct nf_stage *st)
{
	if (st->kind == NF_STAGE_NFT)
		return rxs__nft_do_chain(x, st->chain);
	if (st->kind == NF_STAGE_NAT)
		return rxs__nf_nat_hook(x);
	return st->kind < 0 ? run_conntrack(x) : run_table(x, (unsigned int)st->kind);
}

/* A hook's list with a user's function is IPv4's (core.c walks IPv6 in one call). */
enum rxs_nf_verdict rxs__nf_stage_run(struct nf_hook_ctx *x, unsigned int i)
{
	return run_stage(x, &x->nf->stages[x->hook][i]);
}

enum rxs_nf_verdict rxs__nf_stages_run(struct nf_hook_ctx *x, unsigned int i)
{
	const struct rxs_ruleset *nf = x->nf;
	const struct nf_stage *st = nf->stages[x->hook];
	unsigned int n = nf->nstages[x->hook];

	if (unlikely(x->pi.v6)) {
		st = nf->stages6[x->hook];
		n = nf->nstages6[x->hook];
	}
	for (; i < n; i++)
		if (run_stage(x, &st[i]) != RXS_NF_ACCEPT)
			return RXS_NF_DROP;
	return RXS_NF_ACCEPT;
}

int rxs_ruleset_create(rxs_ruleset_t **nfp, const char *text, const char *name,
		       unsigned int first_line, char *err, size_t errlen)
{
	return rxs_ruleset_create_at(nfp, text, name, first_line, 0, err, errlen);
}

int rxs_ruleset_create_at(rxs_ruleset_t **nfp, const char *text, const char *name,
			  unsigned int first_line, unsigned int indent, char *err, size_t errlen)
{
	const struct rxs_ruleset_opts o = { .text = text, .name = name, .first_line = first_line,
					    .indent = indent };

	return rxs_ruleset_create_opts(nfp, &o, err, errlen);
}

int rxs_ruleset_create_opts(rxs_ruleset_t **nfp, const struct rxs_ruleset_opts *o, char *err,
			    size_t errlen)
{
	struct rxs_ruleset *nf = rxs__calloc(1, sizeof(*nf));
	const char *name = o->name;
	unsigned int first_line = o->first_line;
	int rc;

	*nfp = NULL;
	if (errlen)
		err[0] = '\0';
	if (!nf) {
		if (errlen)
			snprintf(err, errlen, "%s: out of memory", name ? name : "netfilter");
		return -ENOMEM;
	}
	memset(nf->builtin, -1, sizeof(nf->builtin));
	rc = rxs__nf_ct_init(nf);
	if (!rc)
		rc = rxs__nf_xt_init(nf);
	if (!rc && o->seed)
		rxs_ruleset_set_seed(nf, o->seed);
	if (!rc && o->ipsets)
		rc = rxs__nf_ipset_load(nf, o->ipsets, name, o->ipsets_line ? o->ipsets_line : 1,
					err, errlen);
	if (!rc)
		rc = rxs__nf_parse(nf, o->text, name, first_line, o->indent,
				   o->skip_unsupported != 0, false, err, errlen);
	if (!rc && o->text6)
		rc = rxs__nf_parse(nf, o->text6, name, o->text6_line ? o->text6_line : 1,
				   o->text6_indent, o->skip_unsupported != 0, true, err, errlen);
	if (!rc && (rc = build_pclass_lists(nf)) < 0 && errlen)
		snprintf(err, errlen, "%s: out of memory", name ? name : "netfilter");
	if (!rc) {
		nf->stack = rxs__calloc(NF_NEST_MAX * (nf->nchains + 1), sizeof(*nf->stack));
		nf->frames = nf->stack;
		if (!nf->stack) {
			rc = -ENOMEM;
			if (errlen)
				snprintf(err, errlen, "%s: out of memory", name ? name : "netfilter");
		}
	}
	if (rc) {
		rxs_ruleset_destroy(nf);
		return rc;
	}
	/* Conntrack hooks register only when a rule needs them (nf_ct_netns_get). */
	for (unsigned int i = 0; i < nf->nrules; i++) {
		const struct nf_rule *r = &nf->rules[i];

		bool ct = r->t.kind == NF_T_CT || r->t.kind == NF_T_CONNMARK;

		for (unsigned int m = 0; m < r->nmatches; m++)
			ct |= r->m[m].kind == NF_M_CONNTRACK || r->m[m].kind == NF_M_CONNLIMIT ||
			      (r->m[m].kind == NF_M_MARK && r->m[m].u.mark.ct);
		nf->ct_enabled |= ct;
		nf->ct6_rules |= ct && r->v6;	/* nf_ct_netns_get(NFPROTO_IPV6) */
	}
	/* iptable_nat registers its chains' rules with the NAT core at all four hooks. */
	for (unsigned int hook = 0; nf->loaded[NF_TABLE_NAT] && hook < RXS_NF_INET_NUMHOOKS; hook++)
		if (nf->builtin[NF_TABLE_NAT][hook] >= 0)
			rxs__nf_nat_register_lookup(nf, (enum rxs_nf_hook)hook,
						    stage_priority((enum rxs_nf_hook)hook, STAGE_NAT),
						    nat_table_lookup, NULL);
	if (rxs__nf_build_stages(nf)) {
		rxs_ruleset_destroy(nf);
		return -ENOSPC;		/* five iptables stages a hook: cannot happen */
	}
	*nfp = nf;
	return 0;
}

void rxs_ruleset_destroy(rxs_ruleset_t *nf)
{
	if (!nf)
		return;
	rxs__nf_ct_destroy(nf);
	rxs__nf_free_rules(nf);
	rxs__nft_free(nf->nft);
	rxs__nf_xt_destroy(nf);
	rxs__nf_nflog_close(nf->nflog);
	rxs__free(nf->stack);
	rxs__free(nf);
}

unsigned int rxs_ruleset_nrules(const rxs_ruleset_t *nf)
{
	return nf ? nf->nrules : 0;
}

int rxs_ruleset_rule(const rxs_ruleset_t *nf, unsigned int i, struct rxs_ruleset_rule_info *info)
{
	const struct nf_rule *r;

	if (!nf || i >= nf->nrules)
		return -EINVAL;
	r = &nf->rules[i];
	info->table = nf_table_names[r->table];
	info->chain = nf->chains[r->chain].name;
	info->text = r->text;
	info->target = rxs__nf_target_name(nf, r);
	info->pkts = r->pkts;
	info->bytes = r->bytes;
	info->line = r->line;
	return 0;
}

unsigned int rxs_ruleset_nskipped(const rxs_ruleset_t *nf)
{
	return nf ? nf->nskipped : 0;
}

int rxs_ruleset_skipped(const rxs_ruleset_t *nf, unsigned int i,
			struct rxs_ruleset_skipped_info *info)
{
	if (!nf || i >= nf->nskipped)
		return -EINVAL;
	info->line = nf->skipped[i].line;
	info->text = nf->skipped[i].text;
	info->reason = nf->skipped[i].reason;
	return 0;
}

unsigned int rxs_ruleset_nchains(const rxs_ruleset_t *nf)
{
	return nf ? nf->nchains : 0;
}

int rxs_ruleset_chain(const rxs_ruleset_t *nf, unsigned int i, struct rxs_ruleset_chain_info *info)
{
	const struct nf_chain *c;

	if (!nf || i >= nf->nchains)
		return -EINVAL;
	c = &nf->chains[i];
	info->table = nf_table_names[c->table];
	info->name = c->name;
	info->policy = c->hook < 0 ? NULL : c->policy == RXS_NF_ACCEPT ? "ACCEPT" : "DROP";
	info->pkts = c->pkts;
	info->bytes = c->bytes;
	info->references = c->refs;
	return 0;
}

const rxs_ruleset_t *rxs_ruleset_get(const struct rxs_host *h)
{
	return h ? h->nf.rules : NULL;
}

void rxs_ruleset_get_stats(const rxs_ruleset_t *nf, struct rxs_ruleset_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!nf)
		return;
	st->log_packets = nf->log_packets;
	st->nflog_packets = nf->nflog_packets;
	st->ct_entries = nf->ct.count;
	st->ct_max = nf->ct.max;
	st->ct_drops = nf->ct.st.drops;
	st->ct_early_drops = nf->ct.st.early_drops;
	st->ct_inserted = nf->ct.st.inserted;
	st->ct_new = nf->ct.st.new_;
	st->ct_established = nf->ct.st.established;
	st->ct_related = nf->ct.st.related;
	st->ct_invalid = nf->ct.st.invalid;
	st->ct_untracked = nf->ct.st.untracked;
}

void rxs_ruleset_get_conntrack_stat(const rxs_ruleset_t *nf, struct rxs_nf_conntrack_stat *st)
{
	memset(st, 0, sizeof(*st));
	if (!nf)
		return;
	st->loaded = nf->ct_enabled;
	st->entries = nf->ct.count;
	st->max = nf->ct.max;
	st->invalid = nf->ct.st.invalid - nf->ct.st.icmp_unmatched;
	st->insert_failed = nf->ct.st.insert_failed;
	st->drop = nf->ct.st.drops;
	st->early_drop = nf->ct.st.early_drops;
	st->error = nf->ct.st.icmp_error;
}
