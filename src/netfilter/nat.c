/* nat.c - the NAT core (net/netfilter/nf_nat_core.c, nf_nat_proto.c, nf_nat_masquerade.c,
 * nf_nat_redirect.c), for the iptables nat table and nftables' nat statements.
 *
 * NAT rides on conntrack. The first packet of a connection crosses a NAT hook at each of the
 * four hooks (nf_nat_ipv4_ops: -100 at PREROUTING and OUTPUT choose the destination, 100 at
 * POSTROUTING and INPUT the source), and there the rules registered for that hook (the nat
 * table's chain, nft chains of type nat) run until one binds the connection; a connection no
 * rule binds gets a null binding (nf_nat_alloc_null_binding), which keeps its addresses but
 * may still move its source port off a tuple another connection holds. A binding alters the
 * entry's reply tuple before it is confirmed (nf_conntrack_alter_reply), and sets
 * IPS_SRC_NAT/IPS_DST_NAT when it changed anything, IPS_*_NAT_DONE always. Every packet,
 * first and later, in either direction, is then rewritten from the tuples (nf_nat_packet):
 * in the original direction to the inverse of the reply tuple, in the reply direction to the
 * inverse of the original one, with the IPv4 header checksum and the TCP/UDP checksum (over
 * the pseudo-header) patched as the kernel's csum_replace4/inet_proto_csum_replace do, and
 * the IP control block's addresses, which the input route reads, updated too.
 *
 * An ICMP error RELATED to a connection is translated by it, outside and in the header it
 * quotes (nf_nat_icmp_reply_translation), the host's own errors too: icmp_send() attaches
 * them to their offender's connection (nf_ct_attach).
 *
 * Not modelled: NAT helpers and sequence adjustment, rerouting after an
 * OUTPUT DNAT (ip_route_me_harder), the masquerade's forgetting of connections when an
 * address goes, and random port choice: where the kernel takes get_random_u16() (a source
 * port that clashes, --random), rxsim takes the next free port from the range's start, so
 * runs repeat.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "netfilter/netfilter.h"
#include "netfilter/netfilter_int.h"

#define NF_NAT_MAX_ATTEMPTS 128		/* nf_nat_l4proto_unique_tuple's first round */

int rxs__nf_nat_register_lookup(struct rxs_ruleset *nf, enum rxs_nf_hook hook, int prio,
				enum rxs_nf_verdict (*fn)(struct nf_hook_ctx *x, void *arg),
				void *arg)
{
	struct nf_nat_lookup *l;
	unsigned int n, pos;

	if ((unsigned int)hook >= RXS_NF_INET_NUMHOOKS || hook == RXS_NF_INET_FORWARD || !fn)
		return -EINVAL;
	n = nf->nat_nlookups[hook];
	if (n == NF_NAT_MAX_LOOKUPS)
		return -ENOSPC;
	l = nf->nat_lookups[hook];
	for (pos = 0; pos < n && l[pos].prio <= prio; pos++)
		;
	memmove(&l[pos + 1], &l[pos], (n - pos) * sizeof(*l));
	l[pos] = (struct nf_nat_lookup){ .prio = prio, .fn = fn, .arg = arg };
	nf->nat_nlookups[hook]++;
	nf->nat_enabled = true;
	nf->ct_enabled = true;		/* nf_nat needs conntrack (nf_ct_netns_get) */
	return 0;
}

static enum nf_nat_manip_type hook2manip(enum rxs_nf_hook hook)
{
	return hook == RXS_NF_INET_POST_ROUTING || hook == RXS_NF_INET_LOCAL_IN ? NF_NAT_MANIP_SRC
										 : NF_NAT_MANIP_DST;
}

static bool nat_initialized(const struct nf_conn *ct, enum nf_nat_manip_type mt)
{
	return ct->status & (mt == NF_NAT_MANIP_SRC ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE);
}

/* ---- get_unique_tuple() ---- */

static bool l4_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 136 || proto == 132;
}

/* The part of @t a manip of @mt changes: its address and its port (ICMP: the id, which both
 * manips set in sport). */
static uint32_t *manip_addr(struct nf_tuple *t, enum nf_nat_manip_type mt)
{
	return mt == NF_NAT_MANIP_SRC ? &t->src : &t->dst;
}

static uint16_t *manip_port(struct nf_tuple *t, enum nf_nat_manip_type mt)
{
	return mt == NF_NAT_MANIP_SRC || t->proto == 1 ? &t->sport : &t->dport;
}

/* nf_nat_used_tuple(): would the connection with original tuple @t clash with another? */
static bool used_tuple(struct nf_hook_ctx *x, const struct nf_tuple *t, const struct nf_conn *ct)
{
	struct nf_tuple reply;

	return rxs__nf_ct_invert(t, &reply) &&
	       rxs__nf_ct_tuple_taken(x->nf, &reply, ct, x->now_ns);
}

/* nf_nat_inet_in_range() and l4proto_in_range() */
static bool in_range(struct nf_tuple *t, enum nf_nat_manip_type mt, const struct nf_nat_range *r)
{
	uint32_t a = *manip_addr(t, mt);
	uint16_t p = *manip_port(t, mt);

	if (r->flags & NF_NAT_RANGE_MAP_IPS && (a < r->min_addr || a > r->max_addr))
		return false;
	return !(r->flags & NF_NAT_RANGE_PROTO_SPECIFIED) || (p >= r->min_proto && p <= r->max_proto);
}

/* find_best_ips_proto(): an address of the range. The kernel spreads connections over a range
 * of several addresses by a jhash of the tuple's addresses; rxsim by a fixed mix of them. */
static void best_ip(struct nf_tuple *t, const struct nf_nat_range *r, enum nf_nat_manip_type mt)
{
	uint32_t span, h;

	if (!(r->flags & NF_NAT_RANGE_MAP_IPS))
		return;
	span = r->max_addr - r->min_addr;
	if (!span) {
		*manip_addr(t, mt) = r->min_addr;
		return;
	}
	h = t->src * 2654435761u;
	if (!(r->flags & NF_NAT_RANGE_PERSISTENT))
		h ^= t->dst * 2246822519u;
	*manip_addr(t, mt) = r->min_addr + (uint32_t)(((uint64_t)h * ((uint64_t)span + 1)) >> 32);
}

/* nf_nat_l4proto_unique_tuple(): the first free port (ICMP id) of the range, counting from the
 * range's start for a destination and from the packet's own port for a source (the kernel
 * starts a source at a random offset). */
static void unique_port(struct nf_hook_ctx *x, struct nf_tuple *t, const struct nf_nat_range *r,
			enum nf_nat_manip_type mt, const struct nf_conn *ct)
{
	uint16_t *key = manip_port(t, mt);
	uint32_t min, size, off, attempts;

	if (t->proto == 1) {
		min = r->flags & NF_NAT_RANGE_PROTO_SPECIFIED ? r->min_proto : 0;
		size = r->flags & NF_NAT_RANGE_PROTO_SPECIFIED ? r->max_proto - r->min_proto + 1u
							       : 65536;
	} else if (!l4_has_ports(t->proto)) {
		return;
	} else if (r->flags & NF_NAT_RANGE_PROTO_SPECIFIED) {
		min = RXS_MIN(r->min_proto, r->max_proto);
		size = (uint32_t)abs((int)r->max_proto - (int)r->min_proto) + 1;
	} else if (mt == NF_NAT_MANIP_DST) {
		return;		/* a destination's port is never changed unasked */
	} else if (*key < 1024) {
		/* Loose convention: ports below 512 stay below, 512..1023 move in 600..1023. */
		min = *key < 512 ? 1 : 600;
		size = *key < 512 ? 511 : 424;
	} else {
		min = 1024;
		size = 65535 - 1024 + 1;
	}
	off = mt == NF_NAT_MANIP_SRC && *key >= min ? *key - min : 0;
	attempts = RXS_MIN(size, (uint32_t)NF_NAT_MAX_ATTEMPTS);
	for (uint32_t i = 0; i < attempts; i++, off++) {
		*key = (uint16_t)(min + off % size);
		if (!used_tuple(x, t, ct))
			return;
	}
}

static void get_unique_tuple(struct nf_hook_ctx *x, struct nf_tuple *t,
			     const struct nf_tuple *orig, const struct nf_nat_range *r,
			     const struct nf_conn *ct, enum nf_nat_manip_type mt)
{
	struct nf_tuple o = *orig;

	/* 1) A source mapping keeps the original tuple when it is in range and free (the
	 * kernel also reuses a current mapping of the same source: find_appropriate_src). */
	if (mt == NF_NAT_MANIP_SRC && !(r->flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY) &&
	    in_range(&o, mt, r) && !used_tuple(x, &o, ct)) {
		*t = o;
		return;
	}
	/* 2) an address of the range */
	*t = o;
	best_ip(t, r, mt);
	/* 3) the port: kept if in range and free (or the range is one port) */
	if (!(r->flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY)) {
		if (r->flags & NF_NAT_RANGE_PROTO_SPECIFIED) {
			if (in_range(t, mt, &(struct nf_nat_range){ .flags = NF_NAT_RANGE_PROTO_SPECIFIED,
								    .min_proto = r->min_proto,
								    .max_proto = r->max_proto }) &&
			    (r->min_proto == r->max_proto || !used_tuple(x, t, ct)))
				return;
		} else if (!used_tuple(x, t, ct)) {
			return;
		}
	}
	unique_port(x, t, r, mt, ct);
}

static bool tuple_eq(const struct nf_tuple *a, const struct nf_tuple *b)
{
	return a->src == b->src && a->dst == b->dst && a->sport == b->sport &&
	       a->dport == b->dport && a->proto == b->proto;
}

/* nf_nat_setup_info() on @ct, which is not confirmed yet. */
static enum rxs_nf_verdict setup_info(struct nf_hook_ctx *x, struct nf_conn *ct,
				      const struct nf_nat_range *r, enum nf_nat_manip_type mt)
{
	struct nf_tuple curr, new_, reply;

	if (ct == x->nf->cur.ct || nat_initialized(ct, mt))
		return RXS_NF_ACCEPT;	/* confirmed, or bound at this kind of hook already */
	/* What the original tuple looks like after the manips so far. */
	rxs__nf_ct_invert(&ct->tuple[NF_DIR_REPLY], &curr);
	get_unique_tuple(x, &new_, &curr, r, ct, mt);
	if (!tuple_eq(&new_, &curr) && rxs__nf_ct_invert(&new_, &reply)) {
		ct->tuple[NF_DIR_REPLY] = reply;	/* nf_conntrack_alter_reply() */
		ct->status |= mt == NF_NAT_MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
	}
	ct->status |= mt == NF_NAT_MANIP_SRC ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE;
	return RXS_NF_ACCEPT;
}

enum rxs_nf_verdict rxs__nf_nat_setup(struct nf_hook_ctx *x, const struct nf_nat_range *range,
				      enum nf_nat_manip_type mt)
{
	struct nf_conn *ct = rxs__nf_ct_cur(x->nf);

	if (!ct)
		return RXS_NF_DROP;
	return setup_info(x, ct, range, mt);
}

/* nf_nat_alloc_null_binding(): the addresses stay (the port may still move off a clash). */
static enum rxs_nf_verdict null_binding(struct nf_hook_ctx *x, struct nf_conn *ct,
					enum nf_nat_manip_type mt)
{
	const struct nf_tuple *rt = &ct->tuple[NF_DIR_REPLY];
	uint32_t ip = mt == NF_NAT_MANIP_SRC ? rt->dst : rt->src;
	struct nf_nat_range r = { .flags = NF_NAT_RANGE_MAP_IPS, .min_addr = ip, .max_addr = ip };

	return setup_info(x, ct, &r, mt);
}

/* ---- nf_nat_packet(): rewriting a packet ---- */

/* csum_replace4/2 on a 16-bit checksum in network order at @sum (RFC 1624). */
static void csum_replace(uint8_t *sum, uint32_t from, uint32_t to)
{
	uint32_t s = (uint16_t)~rxs__get_be16(sum);

	s += (~from >> 16 & 0xffff) + (~from & 0xffff) + (to >> 16) + (to & 0xffff);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	rxs__put_be16(sum, (uint16_t)~s);
}

/* Rewrite the address at @a (and the L4 checksum over it) and the port at @p to @na, @np. */
static void manip_l4(uint8_t *l4, unsigned int l4len, uint8_t proto, uint8_t *a, uint32_t na,
		     unsigned int port_off, uint16_t np)
{
	uint32_t oa = rxs__get_be32(a);
	uint8_t *sum = NULL;
	uint16_t op;

	if (proto == 6 && l4len >= 18)
		sum = l4 + 16;
	else if ((proto == 17 || proto == 136) && l4len >= 8 && rxs__get_be16(l4 + 6))
		sum = l4 + 6;	/* a zero UDP checksum means none, and stays none */
	else if (proto == 1 && l4len >= 4)
		sum = l4 + 2;	/* ICMP's covers no pseudo-header: only the id */
	if (sum && proto != 1)
		csum_replace(sum, oa, na);
	if (l4len >= port_off + 2 && (l4_has_ports(proto) || proto == 1)) {
		op = rxs__get_be16(l4 + port_off);
		if (sum)
			csum_replace(sum, op, np);
		rxs__put_be16(l4 + port_off, np);
	}
	if (sum && proto == 17 && !rxs__get_be16(sum))
		rxs__put_be16(sum, 0xffff);	/* CSUM_MANGLED_0 */
}

/* nf_nat_ipv4_manip_pkt(): make @skb's @mt part (source or destination) @target's. */
static void manip_pkt(struct nf_hook_ctx *x, const struct nf_tuple *target,
		      enum nf_nat_manip_type mt)
{
	uint8_t *iph = (uint8_t *)x->pi.iph;
	struct rxs_inet_cb *cb = RXS_INET_CB(x->skb);
	bool src = mt == NF_NAT_MANIP_SRC;
	uint8_t *a = iph + (src ? 12 : 16);
	uint32_t na = src ? target->src : target->dst;
	uint16_t np = src || target->proto == 1 ? target->sport : target->dport;
	unsigned int port_off = target->proto == 1 ? 4 : src ? 0 : 2;

	/* Only the first fragment carries the L4 header (a later one changes its addresses). */
	if (x->pi.l4)
		manip_l4((uint8_t *)x->pi.l4, x->pi.l4len, x->pi.proto, a, na, port_off, np);
	csum_replace(iph + 10, rxs__get_be32(a), na);
	rxs__put_be32(a, na);
	if (cb->family == AF_INET)
		rxs__put_be32(src ? cb->saddr : cb->daddr, na);
	rxs__nf_pktinfo(x->skb, &x->pi);
}

/* Make the address of @iph that @mt names @na, patching the header checksum (and the
 * control block's copy when @iph is the packet's own header). */
static void manip_addr_only(struct nf_hook_ctx *x, uint8_t *iph, uint32_t na,
			    enum nf_nat_manip_type mt)
{
	uint8_t *a = iph + (mt == NF_NAT_MANIP_SRC ? 12 : 16);
	struct rxs_inet_cb *cb = RXS_INET_CB(x->skb);

	csum_replace(iph + 10, rxs__get_be32(a), na);
	rxs__put_be32(a, na);
	if (iph == x->pi.iph && cb->family == AF_INET)
		rxs__put_be32(mt == NF_NAT_MANIP_SRC ? cb->saddr : cb->daddr, na);
}

/*
 * nf_nat_icmp_reply_translation(): an ICMP error RELATED to a NATed connection. The packet it
 * quotes went through the other manip (a reply's error quotes a packet of the original
 * direction, and the other way round), so the quoted header gets the opposite manip, toward
 * the other direction's tuple as it stands (nf_nat_ipv4_manip_pkt at the inner header, with
 * its L4 checksum patched as far as the quote holds it); the ICMP checksum is then computed
 * again over the message; and the outer header gets this hook's manip, toward the inverse of
 * that tuple, so that the error looks like the reply to the packet the peer sent. The ICMP
 * header of an error has no id: only addresses change outside. False: drop (a quote too
 * short to hold an IP header).
 */
static bool icmp_reply_translation(struct nf_hook_ctx *x, const struct nf_conn *ct,
				   enum nf_nat_manip_type mt)
{
	unsigned int dir = x->nf->cur.dir, ihl, qlen;
	uint32_t bit = mt == NF_NAT_MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
	enum nf_nat_manip_type inner_mt = mt == NF_NAT_MANIP_SRC ? NF_NAT_MANIP_DST
								  : NF_NAT_MANIP_SRC;
	const struct nf_tuple *t = &ct->tuple[!dir];
	uint8_t *icmp = (uint8_t *)x->pi.l4, *in;
	struct nf_tuple target;

	if (!icmp || x->pi.l4len < 8 + 20)
		return false;
	if (dir == NF_DIR_REPLY)
		bit ^= IPS_NAT_MASK;
	if (!(ct->status & bit))
		return true;
	in = icmp + 8;
	ihl = (in[0] & 15u) * 4;
	qlen = x->pi.l4len - 8;
	if (ihl < 20 || qlen < ihl)
		return false;
	/* The quoted transport header: ports (ICMP: the id), and its checksum when the quote
	 * holds it (a TCP header whole, as tcp_manip_pkt() asks). */
	if (qlen >= ihl + 8) {
		unsigned int l4len = qlen - ihl;

		if (t->proto == 6 && l4len < 20)
			l4len = 8;
		manip_l4(in + ihl, l4len, in[9], in + (inner_mt == NF_NAT_MANIP_SRC ? 12 : 16),
			 inner_mt == NF_NAT_MANIP_SRC ? t->src : t->dst,
			 t->proto == 1 ? 4 : inner_mt == NF_NAT_MANIP_SRC ? 0 : 2,
			 inner_mt == NF_NAT_MANIP_SRC || t->proto == 1 ? t->sport : t->dport);
	}
	manip_addr_only(x, in, inner_mt == NF_NAT_MANIP_SRC ? t->src : t->dst, inner_mt);
	rxs__put_be16(icmp + 2, 0);
	rxs__put_be16(icmp + 2, rxs__csum_fold(rxs__csum_partial(icmp, x->pi.l4len, 0)));
	if (rxs__nf_ct_invert(t, &target))
		manip_addr_only(x, (uint8_t *)x->pi.iph,
				mt == NF_NAT_MANIP_SRC ? target.src : target.dst, mt);
	rxs__nf_pktinfo(x->skb, &x->pi);
	return true;
}

static enum rxs_nf_verdict nat_packet(struct nf_hook_ctx *x, const struct nf_conn *ct,
				      enum nf_nat_manip_type mt)
{
	unsigned int dir = x->nf->cur.dir;
	uint32_t bit = mt == NF_NAT_MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
	struct nf_tuple target;

	if (dir == NF_DIR_REPLY)
		bit ^= IPS_NAT_MASK;
	if (!(ct->status & bit))
		return RXS_NF_ACCEPT;
	/* nf_nat_manip_pkt(): toward the inverse of the other direction's tuple. */
	if (rxs__nf_ct_invert(&ct->tuple[!dir], &target))
		manip_pkt(x, &target, mt);
	return RXS_NF_ACCEPT;
}

enum rxs_nf_verdict rxs__nf_nat_hook(struct nf_hook_ctx *x)
{
	struct rxs_ruleset *nf = x->nf;
	enum nf_nat_manip_type mt = hook2manip(x->hook);
	struct nf_conn *ct;
	enum rxs_nf_verdict v;

	if (!nf->nat_enabled || !(ct = rxs__nf_ct_cur(nf)))
		return RXS_NF_ACCEPT;
	/* nf_nat_ipv4_fn(): an ICMP error is translated by its connection and never binds it. */
	if (nf->cur.info == NF_CTINFO_RELATED && x->pi.proto == 1)
		return icmp_reply_translation(x, ct, mt) ? RXS_NF_ACCEPT : RXS_NF_DROP;
	/* A new connection not bound at this kind of hook. */
	if (nf->cur.info == NF_CTINFO_NEW && !nat_initialized(ct, mt) && ct == nf->cur.pending) {
		for (unsigned int i = 0; i < nf->nat_nlookups[x->hook]; i++) {
			const struct nf_nat_lookup *l = &nf->nat_lookups[x->hook][i];

			v = l->fn(x, l->arg);
			if (v != RXS_NF_ACCEPT)
				return v;
			if (nat_initialized(ct, mt))
				return nat_packet(x, ct, mt);
		}
		v = null_binding(x, ct, mt);
		if (v != RXS_NF_ACCEPT)
			return v;
	}
	return nat_packet(x, ct, mt);
}

/* ---- the targets that need a device ---- */

/* inet_select_addr(): @dev's address on @dst's subnet, else its first (primary) one. */
static bool select_addr(const struct rxs_netdev *dev, uint32_t dst, uint32_t *addr)
{
	bool have = false;

	for (unsigned int i = 0; dev && i < dev->cfg.naddrs; i++) {
		const struct rxs_addr *a = &dev->cfg.addrs[i];
		uint32_t v = rxs__get_be32(a->addr);
		uint32_t mask = a->prefix ? ~0u << (32 - RXS_MIN(a->prefix, 32u)) : 0;

		if (a->family != AF_INET)
			continue;
		if (((v ^ dst) & mask) == 0) {
			*addr = v;
			return true;
		}
		if (!have)
			*addr = v;
		have = true;
	}
	return have;
}

/* The device's first IPv4 address (its ifa_list's head). */
static bool first_addr(const struct rxs_netdev *dev, uint32_t *addr)
{
	for (unsigned int i = 0; dev && i < dev->cfg.naddrs; i++)
		if (dev->cfg.addrs[i].family == AF_INET) {
			*addr = rxs__get_be32(dev->cfg.addrs[i].addr);
			return true;
		}
	return false;
}

enum rxs_nf_verdict rxs__nf_nat_masquerade(struct nf_hook_ctx *x, const struct nf_nat_range *range)
{
	struct nf_conn *ct = rxs__nf_ct_cur(x->nf);
	struct nf_nat_range r = *range;
	uint32_t src;

	if (!ct || x->hook != RXS_NF_INET_POST_ROUTING)
		return RXS_NF_ACCEPT;
	/* Source is 0.0.0.0 (a DHCP discover): nothing to masquerade. */
	if (!ct->tuple[NF_DIR_ORIG].src)
		return RXS_NF_ACCEPT;
	if (!select_addr(x->outdev, x->pi.daddr, &src))
		return RXS_NF_DROP;	/* "... ate my IP address" */
	r.flags |= NF_NAT_RANGE_MAP_IPS;
	r.min_addr = r.max_addr = src;
	return setup_info(x, ct, &r, NF_NAT_MANIP_SRC);
}

enum rxs_nf_verdict rxs__nf_nat_redirect(struct nf_hook_ctx *x, const struct nf_nat_range *range)
{
	struct nf_conn *ct = rxs__nf_ct_cur(x->nf);
	struct nf_nat_range r = *range;
	uint32_t dst;

	if (!ct)
		return RXS_NF_ACCEPT;
	if (x->hook == RXS_NF_INET_LOCAL_OUT)
		dst = 0x7f000001;	/* loopback */
	else if (!first_addr(x->indev, &dst))
		return RXS_NF_DROP;	/* the device has no IPv4 address */
	r.flags |= NF_NAT_RANGE_MAP_IPS;
	r.min_addr = r.max_addr = dst;
	return setup_info(x, ct, &r, NF_NAT_MANIP_DST);
}

/* ---- ranges as iptables writes them ---- */

static bool parse_port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char *end;
	unsigned long a = strtoul(s, &end, 10), b = a;

	if (end == s || a > 65535)
		return false;
	if (*end == '-' || *end == ':') {
		const char *t = end + 1;

		b = strtoul(t, &end, 10);
		if (end == t || b > 65535 || b < a)
			return false;
	}
	if (*end)
		return false;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return true;
}

static bool parse_ip(const char *s, size_t n, uint32_t *ip)
{
	unsigned int b[4];
	char buf[20], tail;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (sscanf(buf, "%u.%u.%u.%u%c", &b[0], &b[1], &b[2], &b[3], &tail) != 4 || b[0] > 255 ||
	    b[1] > 255 || b[2] > 255 || b[3] > 255)
		return false;
	*ip = b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
	return true;
}

bool rxs__nf_nat_parse_range(const char *s, bool ports_only, struct nf_nat_range *r)
{
	const char *colon, *dash;

	memset(r, 0, sizeof(*r));
	if (ports_only) {
		r->flags = NF_NAT_RANGE_PROTO_SPECIFIED;
		return parse_port_range(s, &r->min_proto, &r->max_proto);
	}
	colon = strchr(s, ':');
	if (colon) {
		if (!parse_port_range(colon + 1, &r->min_proto, &r->max_proto))
			return false;
		r->flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
	}
	if (colon == s)
		return true;	/* ":port" alone */
	dash = memchr(s, '-', colon ? (size_t)(colon - s) : strlen(s));
	if (!parse_ip(s, dash ? (size_t)(dash - s) : colon ? (size_t)(colon - s) : strlen(s),
		      &r->min_addr))
		return false;
	r->max_addr = r->min_addr;
	if (dash && (!parse_ip(dash + 1, colon ? (size_t)(colon - dash - 1) : strlen(dash + 1),
			       &r->max_addr) ||
		     r->max_addr < r->min_addr))
		return false;
	r->flags |= NF_NAT_RANGE_MAP_IPS;
	return true;
}

static int put_ip(char *buf, size_t len, uint32_t ip)
{
	return snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255);
}

void rxs__nf_nat_format_range(const struct nf_nat_range *r, bool ports_only, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (!ports_only && r->flags & NF_NAT_RANGE_MAP_IPS) {
		n += (size_t)put_ip(buf + n, len - n, r->min_addr);
		if (r->max_addr != r->min_addr && n < len) {
			n += (size_t)snprintf(buf + n, len - n, "-");
			n += (size_t)put_ip(buf + n, len - n, r->max_addr);
		}
	}
	if (r->flags & NF_NAT_RANGE_PROTO_SPECIFIED && n < len) {
		n += (size_t)snprintf(buf + n, len - n, "%s%u", ports_only ? "" : ":", r->min_proto);
		if (r->max_proto != r->min_proto && n < len)
			snprintf(buf + n, len - n, "-%u", r->max_proto);
	}
}
