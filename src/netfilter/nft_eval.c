/* nft_eval.c - nft_do_chain(): a base chain run for one packet at its hook.
 *
 * As in net/netfilter/nf_tables_core.c, a rule's statements run in order until one breaks
 * (NFT_BREAK: a match failed, a limit is over its rate: the next rule) or sets a verdict.
 * A rule that ends without either continues with the next rule. jump pushes the next rule on
 * a stack of NFT_JUMP_STACK_SIZE return points (on the C stack, as the kernel's is), goto
 * does not; return, or the end of a regular chain, pops; with the stack empty the base
 * chain's policy decides. The key loads follow nft_payload.c, nft_meta.c, nft_ct.c and
 * nft_fib.c: a transport field of a later fragment, a field past the packet's end, or a ct
 * key other than the state of a packet without a connection breaks the rule. numgen and
 * jhash compute their number as nft_numgen.c and nft_hash.c do.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "data/data.h"
#include "host.h"
#include "internal.h"
#include "netfilter/netfilter_int.h"
#include "netfilter/nft_int.h"

#define NFT_BREAK (-1)
#define NFT_CONT (-2)

/* nft's packet info (nft_set_pktinfo_ipv4/ipv6): the network and transport headers. */
struct nft_pktinfo {
	uint8_t nfproto;		/* 2 (IPv4) or 10 (IPv6); 0: neither */
	const uint8_t *nh;
	unsigned int nhlen;
	bool l4proto_set;
	uint8_t l4proto;
	const uint8_t *th;		/* NULL: later fragment, or none */
	unsigned int thlen;
};

static void pktinfo(const struct nf_hook_ctx *x, struct nft_pktinfo *p)
{
	const struct rxs_sk_buff *skb = x->skb;
	const uint8_t *nh = rxs_skb_network_header(skb);
	unsigned int avail = skb->len + (unsigned int)(skb->data - nh);

	memset(p, 0, sizeof(*p));
	if (x->pi.ihl && x->pi.v6) {
		/* nft_set_pktinfo_ipv6(): the transport past the extension headers. */
		p->nfproto = 10;
		p->nh = x->pi.iph;
		p->nhlen = x->pi.tot_len;
		p->l4proto_set = true;
		p->l4proto = x->pi.proto;
		p->th = x->pi.l4;
		p->thlen = x->pi.l4len;
		return;
	}
	if (x->pi.ihl) {
		p->nfproto = 2;
		p->nh = x->pi.iph;
		p->nhlen = x->pi.tot_len;
		p->l4proto_set = true;
		p->l4proto = x->pi.proto;
		if (!x->pi.fragoff) {
			p->th = x->pi.iph + x->pi.ihl;
			p->thlen = x->pi.tot_len > x->pi.ihl ? x->pi.tot_len - x->pi.ihl : 0;
		}
		return;
	}
	/* An IPv6 header whose extension headers are cut short (ipv6_find_hdr() fails):
	 * nft_set_pktinfo_unspec(), the family known but no transport, so meta l4proto and the
	 * transport fields break the rule; the fixed header's fields still read. */
	if (avail >= 40 && (nh[0] >> 4) == 6 &&
	    ((unsigned int)x->hook < RXS_NF_INET_NUMHOOKS || skb->protocol == 0x86dd)) {
		p->nfproto = 10;
		p->nh = nh;
		p->nhlen = RXS_MIN(avail, 40u + rxs__get_be16(nh + 4));
	}
}

static bool is_local(const struct rxs_host *h, int family, const uint8_t *addr)
{
	if (family == AF_INET && addr[0] == 127)
		return true;
	for (unsigned int i = 0; i < h->sc->nnics; i++)
		if (rxs__nic_has_addr(&h->sc->nics[i], family, addr))
			return true;
	/* and the link-local addresses IPv6 gave the devices (struct rxs_netdev's ll6) */
	for (unsigned int i = 0; family == AF_INET6 && i < h->ndevs; i++)
		if (h->devs[i].ll6[0] && !memcmp(h->devs[i].ll6, addr, 16))
			return true;
	return false;
}

/* nft_fib: the route type of the destination, or of the source (RTN_*). */
static uint32_t fib_addr_type(const struct nf_hook_ctx *x, const struct nft_pktinfo *p, bool src)
{
	const struct rxs_host *h = rxs__skb_host(x->skb);
	const uint8_t *d = p->nh + (p->nfproto == 2 ? (src ? 12 : 16) : (src ? 8 : 24));

	if (is_local(h, p->nfproto == 2 ? AF_INET : AF_INET6, d))
		return 2;			/* RTN_LOCAL */
	if (p->nfproto == 2 && rxs__get_be32(d) == 0xffffffffu)
		return 3;			/* RTN_BROADCAST */
	if ((p->nfproto == 2 && (d[0] & 0xf0) == 0xe0) || (p->nfproto == 10 && d[0] == 0xff))
		return 5;			/* RTN_MULTICAST */
	return 1;				/* RTN_UNICAST */
}

static void put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* nft_ct_get_eval(): the state bit of the packet (NF_CT_STATE_BIT). */
static uint32_t ct_state(const struct rxs_ruleset *nf)
{
	switch (rxs__nf_ct_statebit(nf)) {
	case NF_CTS_ESTABLISHED:
		return 2;
	case NF_CTS_RELATED:
		return 4;
	case NF_CTS_NEW:
		return 8;
	case NF_CTS_UNTRACKED:
		return 64;
	default:
		return 1;
	}
}

/* A payload field at @off of @len bytes in header @h of @hlen; false past its end. */
static bool payload(uint8_t *out, const uint8_t *h, unsigned int hlen, unsigned int off,
		    unsigned int len)
{
	if (!h || off + len > hlen)
		return false;
	memcpy(out, h + off, len);
	return true;
}

/* nft_payload_eval(): the field of payload key @d from its header. The link layer needs an
 * input device (nft's dependency "meta iiftype ether", which breaks without one, as at
 * OUTPUT) and a MAC header; the network header the family of the field ("meta nfproto");
 * the transport header its protocol ("meta l4proto tcp"; th has none) and a first
 * fragment. A field past its header's end breaks the rule. A bit field is shifted down
 * and masked, right-aligned as nft compares it after its bitwise expression. */
static bool load_payload(const struct nf_hook_ctx *x, const struct nft_pktinfo *p,
			 const struct nft_keydesc *d, uint8_t *out)
{
	const struct rxs_sk_buff *skb = x->skb;
	unsigned int first = d->boff / 8, last = (d->boff + d->bits - 1u) / 8, hlen;
	const uint8_t *h;
	uint32_t v = 0;

	switch (d->base) {
	case NFT_BASE_LL:
		if (!x->in || !x->in[0] || skb->mac_header == 0xffff ||
		    skb->mac_header >= skb->network_header)
			return false;
		h = rxs_skb_mac_header(skb);
		hlen = (unsigned int)(skb->data - h) + skb->len;
		/* A tag stripped on receive is put back in the copy past the addresses
		 * (nft_payload_copy_vlan()): the type is then the tag's TPID. */
		if (skb->vlan_proto && d->boff + d->bits > 96) {
			out[0] = (uint8_t)(skb->vlan_proto >> 8);
			out[1] = (uint8_t)skb->vlan_proto;
			return hlen >= 14;
		}
		break;
	case NFT_BASE_NH:
		if (p->nfproto != d->dep)
			return false;
		h = p->nh;
		hlen = p->nhlen;
		break;
	default:
		if (d->dep && (!p->l4proto_set || p->l4proto != d->dep))
			return false;
		h = p->th;
		hlen = p->thlen;
		break;
	}
	if (d->boff % 8 == 0 && d->bits % 8 == 0)
		return payload(out, h, hlen, first, d->bits / 8u);
	if (!h || last >= hlen)
		return false;
	for (unsigned int i = first; i <= last; i++)
		v = v << 8 | h[i];
	v = v >> (7 - (d->boff + d->bits - 1u) % 8) & ((1u << d->bits) - 1);
	for (int i = d->len - 1; i >= 0; i--, v >>= 8)
		out[i] = (uint8_t)v;
	return true;
}

/* The ICMP type a field belongs to, which nft requires before the field (proto.c's
 * PROTO_ICMP_ECHO, _MTU and _ADDRESS dependencies): id and sequence of an echo, the MTU of a
 * destination unreachable (ICMPv6: packet too big), the gateway of a redirect. */
static bool icmp_type_dep(const struct nft_pktinfo *p, int k)
{
	uint8_t t = p->th && p->thlen ? p->th[0] : 0xff;

	switch (k) {
	case NFT_K_ICMP_ID:
	case NFT_K_ICMP_SEQUENCE:
		return t == 0 || t == 8;
	case NFT_K_ICMP_MTU:
		return t == 3;
	case NFT_K_ICMP_GATEWAY:
		return t == 5;
	case NFT_K_ICMPV6_ID:
	case NFT_K_ICMPV6_SEQUENCE:
		return t == 128 || t == 129;
	case NFT_K_ICMPV6_MTU:
		return t == 2;
	default:
		return true;
	}
}

/* meta iiftype, oiftype: the type of device @name (dev->type); none (no input device at
 * OUTPUT, no output device before routing) breaks the rule. rxsim's devices are Ethernet
 * (ARPHRD_ETHER), the loopback driver's ARPHRD_LOOPBACK. */
static bool dev_type(const char *name, const struct rxs_netdev *dev, uint8_t *out)
{
	uint16_t type = dev && dev->cfg.driver == RXS_DRIVER_LOOPBACK ? 772 : 1;

	if (!name || !name[0])
		return false;
	out[0] = (uint8_t)(type >> 8);
	out[1] = (uint8_t)type;
	return true;
}

/* nft_ct_get_eval() on the connection's own fields: the packet's direction, the family and
 * protocol (of the original tuple, whichever direction is named), the time left in ms
 * (jiffies_to_msecs(nf_ct_expires())), an address or port of a direction's tuple. A
 * packet without a connection, or an address of the other family, breaks the rule. */
static bool load_ct_key(const struct nf_hook_ctx *x, int k, uint8_t *out)
{
	bool reply = k >= NFT_K_CT_REPLY_IP_SADDR;
	int f = reply ? k - (NFT_K_CT_REPLY_IP_SADDR - NFT_K_CT_ORIG_IP_SADDR) : k;
	const struct nf_conn *c;
	const struct nf_tuple *t;
	uint16_t port;
	uint32_t st;
	uint8_t dir;
	bool src;

	c = rxs__nf_ct_get(x->nf, &dir);
	if (!c)
		return false;
	t = &c->tuple[reply ? NF_DIR_REPLY : NF_DIR_ORIG];
	switch (f) {
	case NFT_K_CT_DIRECTION:
		out[0] = dir;
		return true;
	case NFT_K_CT_L3PROTO:
		out[0] = t->v6 ? 10 : 2;
		return true;
	case NFT_K_CT_PROTOCOL:
		out[0] = t->proto;
		return true;
	case NFT_K_CT_EXPIRATION:
		/* nf_ct_expires() less the clock: an entry not yet confirmed holds its timeout
		 * relative to nothing (__nf_ct_refresh_acct()), below the clock of a host up
		 * for more than a few minutes, so a new connection's first packet reads 0 (as
		 * the oracle case nft-fields shows). */
		if (!rxs__nf_ct_status(x->nf, &st) || !(st & IPS_CONFIRMED))
			st = 0;
		else
			st = c->expires > x->now_ns ? (uint32_t)((c->expires - x->now_ns) / 1000000)
						    : 0;
		put32(out, st);
		return true;
	case NFT_K_CT_ORIG_IP_SADDR:
	case NFT_K_CT_ORIG_IP_DADDR:
		if (t->v6)
			return false;
		put32(out, f == NFT_K_CT_ORIG_IP_SADDR ? t->src : t->dst);
		return true;
	case NFT_K_CT_ORIG_IP6_SADDR:
	case NFT_K_CT_ORIG_IP6_DADDR:
		if (!t->v6)
			return false;
		src = f == NFT_K_CT_ORIG_IP6_SADDR;
		for (unsigned int i = 0; i < 3; i++)
			put32(out + 4 * i, src ? t->src_hi[i] : t->dst_hi[i]);
		put32(out + 12, src ? t->src : t->dst);
		return true;
	default:
		/* proto-src, proto-dst: the tuple's ports; ICMP's id, and its type and code */
		port = f == NFT_K_CT_ORIG_PROTO_SRC ? t->sport : t->dport;
		out[0] = (uint8_t)(port >> 8);
		out[1] = (uint8_t)port;
		return true;
	}
}

/* Load key @k into @out; false: the rule breaks. */
static bool load_key(const struct nf_hook_ctx *x, const struct nft_pktinfo *p, int k, uint8_t *out)
{
	const struct rxs_sk_buff *skb = x->skb;
	uint32_t v;

	if (nft_keys[k].base != NFT_BASE_NONE)
		return load_payload(x, p, &nft_keys[k], out) && icmp_type_dep(p, k);
	if (k >= NFT_K_CT_DIRECTION && k <= NFT_K_CT_REPLY_PROTO_DST)
		return load_ct_key(x, k, out);
	switch (k) {
	case NFT_K_META_L4PROTO:
		out[0] = p->l4proto;
		return p->l4proto_set;
	case NFT_K_META_IIFNAME:
	case NFT_K_META_IIF:
		memset(out, 0, 16);
		if (!x->in || !x->in[0])
			return k == NFT_K_META_IIFNAME;
		memcpy(out, x->in, RXS_MIN(strlen(x->in), 15));
		return true;
	case NFT_K_META_OIFNAME:
	case NFT_K_META_OIF:
		/* No output device before routing: "" (nft_meta_store_ifname). */
		memset(out, 0, 16);
		if (x->out && x->out[0])
			memcpy(out, x->out, RXS_MIN(strlen(x->out), 15));
		return true;
	case NFT_K_META_MARK:
		put32(out, skb->mark);
		return true;
	case NFT_K_META_PKTTYPE:
		out[0] = skb->pkt_type;
		return true;
	case NFT_K_META_LENGTH:
		put32(out, skb->len);
		return true;
	case NFT_K_META_NFPROTO:
		out[0] = p->nfproto;
		return p->nfproto != 0;
	case NFT_K_META_PROTOCOL:
		out[0] = (uint8_t)(skb->protocol >> 8);
		out[1] = (uint8_t)skb->protocol;
		return true;
	case NFT_K_META_PRIORITY:
		put32(out, skb->priority);
		return true;
	case NFT_K_META_CPU:
		/* raw_smp_processor_id(): the CPU running the hook, which is the skb's */
		put32(out, skb->cpu);
		return true;
	case NFT_K_META_IIFTYPE:
	case NFT_K_META_OIFTYPE:
		return dev_type(k == NFT_K_META_IIFTYPE ? x->in : x->out,
				k == NFT_K_META_IIFTYPE ? x->indev : x->outdev, out);
	case NFT_K_META_SKUID:
	case NFT_K_META_SKGID:
		/* nft_meta_get_eval_skugid() reads the owner of a full socket's file; rxsim's
		 * sockets have no owner, and a packet on the input path no socket. */
		return false;
	case NFT_K_CT_STATE:
		put32(out, ct_state(x->nf));
		return true;
	case NFT_K_CT_STATUS:
		if (!rxs__nf_ct_status(x->nf, &v))
			return false;
		put32(out, v);
		return true;
	case NFT_K_CT_MARK:
		if (!rxs__nf_ct_mark(x->nf, &v))
			return false;
		put32(out, v);
		return true;
	case NFT_K_CT_ZONE:
		if (!rxs__nf_ct_status(x->nf, &v))
			return false;
		out[0] = out[1] = 0;
		return true;
	case NFT_K_FIB_DADDR_TYPE:
	case NFT_K_FIB_SADDR_TYPE:
		if (!p->nfproto)
			return false;
		put32(out, fib_addr_type(x, p, k == NFT_K_FIB_SADDR_TYPE));
		return true;
	case NFT_K_FIB_DADDR_OIF:
	case NFT_K_FIB_SADDR_OIF:
		/* The host has no routing table: the route to an address (the reverse path's
		 * too) is taken to leave by the device the packet came in on. */
		if (!p->nfproto)
			return false;
		memset(out, 0, 16);
		if (x->in)
			memcpy(out, x->in, RXS_MIN(strlen(x->in), 15));
		return true;
	default:
		return false;
	}
}

/* include/linux/jhash.h's jhash(), its words read as an x86-64 reads them (little-endian,
 * __get_unaligned_cpu32()). */
static uint32_t jhash(const uint8_t *k, uint32_t length, uint32_t initval)
{
	uint32_t a, b, c, w[3];
	uint8_t last[12] = { 0 };

	a = b = c = 0xdeadbeef + length + initval;	/* JHASH_INITVAL */
	for (; length > 12; length -= 12, k += 12) {
		for (unsigned int i = 0; i < 3; i++)
			w[i] = (uint32_t)k[4 * i] | (uint32_t)k[4 * i + 1] << 8 |
			       (uint32_t)k[4 * i + 2] << 16 | (uint32_t)k[4 * i + 3] << 24;
		a += w[0];
		b += w[1];
		c += w[2];
		/* __jhash_mix() */
		a -= c; a ^= rxs__rol32(c, 4); c += b;
		b -= a; b ^= rxs__rol32(a, 6); a += c;
		c -= b; c ^= rxs__rol32(b, 8); b += a;
		a -= c; a ^= rxs__rol32(c, 16); c += b;
		b -= a; b ^= rxs__rol32(a, 19); a += c;
		c -= b; c ^= rxs__rol32(b, 4); b += a;
	}
	if (!length)
		return c;
	/* the last block's bytes, each added at its place in a, b or c */
	memcpy(last, k, length);
	for (unsigned int i = 0; i < 3; i++)
		w[i] = (uint32_t)last[4 * i] | (uint32_t)last[4 * i + 1] << 8 |
		       (uint32_t)last[4 * i + 2] << 16 | (uint32_t)last[4 * i + 3] << 24;
	a += w[0];
	b += w[1];
	c += w[2];
	return rxs__jhash_final(a, b, c);
}

/* reciprocal_scale(): @val scaled into [0, @ep_ro). */
static uint32_t reciprocal_scale(uint32_t val, uint32_t ep_ro)
{
	return (uint32_t)(((uint64_t)val * ep_ro) >> 32);
}

/* The number generator @g (key @k) gives this packet: nft_ng_inc_gen(), nft_ng_random_eval()
 * (the rule set's PRNG where the kernel draws a random number), nft_jhash_eval() over the
 * registers its keys fill (a concatenation's keys each in whole 32-bit registers, zero
 * padded). false: a key of jhash's input is missing (the rule breaks). */
static bool gen_eval(const struct nf_hook_ctx *x, const struct nft_pktinfo *p, int k,
		     struct nft_gen *g, uint8_t *out)
{
	uint8_t data[NFT_CONCAT_MAX * 16] = { 0 };
	unsigned int len = 0;
	uint32_t v;

	switch (k) {
	case NFT_K_NUMGEN_INC:
		g->counter = g->counter + 1 < g->mod ? g->counter + 1 : 0;
		v = g->counter;
		break;
	case NFT_K_NUMGEN_RANDOM:
		v = reciprocal_scale(rxs__nf_random(x->nf), g->mod);
		break;
	default:
		/* a seed left out is drawn once, as nft_jhash_init() draws it at load */
		if (!g->has_seed && !g->drawn) {
			g->seed = rxs__nf_random(x->nf);
			g->drawn = true;
		}
		for (unsigned int i = 0; i < g->nkeys; i++) {
			if (!load_key(x, p, g->keys[i], data + len))
				return false;
			len += g->nkeys > 1 ? (nft_keys[g->keys[i]].len + 3u) & ~3u
					    : nft_keys[g->keys[i]].len;
		}
		v = reciprocal_scale(jhash(data, len, g->seed), g->mod);
		break;
	}
	put32(out, v + g->offset);
	return true;
}

static bool load_keys(const struct nf_hook_ctx *x, const struct nft_pktinfo *p,
		      const uint8_t *keys, unsigned int n, struct nft_val *out)
{
	unsigned int off = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (!load_key(x, p, keys[i], out->b + off))
			return false;
		off += nft_keys[keys[i]].len;
	}
	return true;
}

/* A statement's keys, or the number its generator gives. */
static bool load_stmt_keys(const struct nf_hook_ctx *x, const struct nft_pktinfo *p,
			   const uint8_t *keys, unsigned int n, struct nft_gen *g,
			   struct nft_val *out)
{
	if (g)
		return gen_eval(x, p, keys[0], g, out->b);
	return load_keys(x, p, keys, n, out);
}

static bool elem_live(const struct nft_elem *el, uint64_t now)
{
	return !el->expires || now < el->expires;
}

/* nft_lookup: the live element whose interval holds @key, or NULL. */
static struct nft_elem *set_lookup(struct nft_set *s, const struct nft_val *key, uint64_t now)
{
	for (unsigned int i = 0; i < s->nelems; i++) {
		struct nft_elem *el = &s->elems[i];

		if (memcmp(key->b, el->lo.b, s->klen) >= 0 && memcmp(key->b, el->hi.b, s->klen) <= 0 &&
		    elem_live(el, now))
			return el;
	}
	return NULL;
}

static bool match(const struct nf_hook_ctx *x, const struct nft_pktinfo *p, struct nft_ruleset *n,
		  const struct nft_stmt *s)
{
	struct nft_val key;
	unsigned int len = s->u.m.klen;
	int c;
	bool any = false, eq = true;

	if (!load_stmt_keys(x, p, s->u.m.keys, s->u.m.nkeys, s->u.m.gen, &key))
		return false;
	switch (s->u.m.op) {
	case NFT_OP_LOOKUP:
		return (set_lookup(&n->sets[s->u.m.set], &key, x->now_ns) != NULL) != s->u.m.neg;
	case NFT_OP_RANGE:
		return (memcmp(key.b, s->u.m.v.b, len) >= 0 && memcmp(key.b, s->u.m.hi.b, len) <= 0) !=
		       s->u.m.neg;
	case NFT_OP_FLAGS:
		for (unsigned int i = 0; i < len; i++)
			any |= (key.b[i] & s->u.m.v.b[i]) != 0;
		return any != s->u.m.neg;
	case NFT_OP_MASK:
		for (unsigned int i = 0; i < len; i++)
			eq &= (key.b[i] & s->u.m.hi.b[i]) == s->u.m.v.b[i];
		return eq != s->u.m.neg;
	default:
		c = memcmp(key.b, s->u.m.v.b, len);
		switch (s->u.m.op) {
		case NFT_OP_EQ: return c == 0;
		case NFT_OP_NE: return c != 0;
		case NFT_OP_LT: return c < 0;
		case NFT_OP_GT: return c > 0;
		case NFT_OP_LE: return c <= 0;
		default: return c >= 0;
		}
	}
}

/* nft_limit_eval(): true when the packet is within the rate (the rule goes on). */
static bool limit_ok(struct nft_limit *l, uint64_t now, unsigned int len)
{
	uint64_t cost = l->bytes ? l->nsecs * len / l->rate : l->cost;
	uint64_t tokens;

	if (!l->started) {
		l->started = true;
		l->last = now;
	}
	tokens = l->tokens + (now - l->last);
	if (tokens > l->tokens_max)
		tokens = l->tokens_max;
	l->last = now;
	if (tokens >= cost) {
		l->tokens = tokens - cost;
		return !l->invert;
	}
	l->tokens = tokens;
	return l->invert;
}

/* nft_dynset_eval(): find or create the packet's element; false: the rule breaks. */
static bool dynset(const struct nf_hook_ctx *x, const struct nft_pktinfo *p, struct nft_ruleset *n,
		   const struct nft_stmt *s)
{
	struct nft_set *set = &n->sets[s->u.dyn.set];
	uint64_t timeout = s->u.dyn.timeout ? s->u.dyn.timeout : set->timeout;
	struct nft_val key;
	struct nft_elem *el;

	memset(&key, 0, sizeof(key));
	if (!load_keys(x, p, s->u.dyn.keys, s->u.dyn.nkeys, &key))
		return false;
	el = set_lookup(set, &key, x->now_ns);
	if (el && memcmp(el->lo.b, el->hi.b, set->klen))
		el = NULL;	/* an interval is not the packet's own element */
	if (!el) {
		struct nft_elem fresh = { .lo = key, .hi = key, .counter = s->u.dyn.counter };
		unsigned int live = 0, slot = set->nelems;

		/* Expired elements are garbage: reuse the first one's slot. */
		for (unsigned int i = 0; i < set->nelems; i++) {
			if (elem_live(&set->elems[i], x->now_ns))
				live++;
			else if (slot == set->nelems)
				slot = i;
		}
		if (set->size && live >= set->size)
			return false;
		if (timeout)
			fresh.expires = x->now_ns + timeout;
		if (s->u.dyn.limit) {
			fresh.limit = rxs__malloc(sizeof(*fresh.limit));
			if (!fresh.limit)
				return false;
			*fresh.limit = *s->u.dyn.limit;
			fresh.limit->tokens = fresh.limit->tokens_max;
			fresh.limit->started = false;
		}
		if (slot < set->nelems) {
			rxs__free(set->elems[slot].limit);
			set->elems[slot] = fresh;
		} else if (rxs__nft_set_add_elem(set, &fresh)) {
			rxs__free(fresh.limit);
			return false;
		}
		el = &set->elems[slot];
	} else if (s->kind == NFT_S_SET_UPDATE && timeout && el->expires) {
		el->expires = x->now_ns + timeout;
	}
	if (el->counter) {
		el->pkts++;
		el->bytes += x->skb->len;
	}
	if (el->limit)
		return limit_ok(el->limit, x->now_ns, x->skb->len);
	return true;
}

static uint8_t reject_icmp_code(const struct nft_stmt *s)
{
	static const uint8_t icmpx[] = { 0, 3, 1, 13 };	/* nft_reject_icmp_code() */

	switch (s->u.reject.kind) {
	case NFT_REJECT_ICMP:
		return s->u.reject.code;
	case NFT_REJECT_ICMPX:
		return s->u.reject.code < 4 ? icmpx[s->u.reject.code] : 3;
	default:
		return 3;			/* ICMP_PORT_UNREACH */
	}
}

/* The ICMPv6 code of a reject on IPv6 (nft_reject_icmpv6_code() for icmpx; the default,
 * port unreachable, is 4). */
static uint8_t reject_icmpv6_code(const struct nft_stmt *s)
{
	static const uint8_t icmpx[] = { 0, 4, 3, 1 };

	switch (s->u.reject.kind) {
	case NFT_REJECT_ICMPV6:
		return s->u.reject.code;
	case NFT_REJECT_ICMPX:
		return s->u.reject.code < 4 ? icmpx[s->u.reject.code] : 4;
	default:
		return 4;			/* ICMPV6_PORT_UNREACH */
	}
}

/* nft_nat_eval(): bind the new connection (the NAT core runs the chain only for one), and end
 * the rule with the binding's verdict; a packet of another family breaks it. */
static int nat_stmt(struct nf_hook_ctx *x, const struct nft_pktinfo *p, const struct nft_stmt *s)
{
	enum rxs_nf_verdict v;

	if (p->nfproto != 2)
		return NFT_BREAK;
	switch (s->u.nat.kind) {
	case NFT_NAT_DNAT:
		v = rxs__nf_nat_setup(x, &s->u.nat.range, NF_NAT_MANIP_DST);
		break;
	case NFT_NAT_SNAT:
		v = rxs__nf_nat_setup(x, &s->u.nat.range, NF_NAT_MANIP_SRC);
		break;
	case NFT_NAT_MASQ:
		v = rxs__nf_nat_masquerade(x, &s->u.nat.range);
		break;
	default:
		v = rxs__nf_nat_redirect(x, &s->u.nat.range);
		break;
	}
	return v == RXS_NF_ACCEPT ? NFT_V_ACCEPT : NFT_V_DROP;
}

/* One statement: NFT_CONT to go on, NFT_BREAK, or a verdict code (struct nft_verdict). */
static int eval_stmt(struct nf_hook_ctx *x, const struct nft_pktinfo *p, struct nft_ruleset *n,
		     struct nft_stmt *s, const struct nft_verdict **jv)
{
	struct rxs_sk_buff *skb = x->skb;
	struct nft_elem *el;
	struct nft_val key;
	uint32_t v;

	switch (s->kind) {
	case NFT_S_MATCH:
		return match(x, p, n, s) ? NFT_CONT : NFT_BREAK;
	case NFT_S_VERDICT:
		*jv = &s->u.verdict;
		return s->u.verdict.code;
	case NFT_S_VMAP:
		memset(&key, 0, sizeof(key));
		if (!load_stmt_keys(x, p, s->u.vmap.keys, s->u.vmap.nkeys, s->u.vmap.gen, &key))
			return NFT_BREAK;
		el = set_lookup(&n->sets[s->u.vmap.set], &key, x->now_ns);
		if (!el)
			return NFT_BREAK;
		*jv = &el->v;
		return el->v.code;
	case NFT_S_COUNTER:
		if (s->u.counter.obj) {
			struct nft_counter_obj *o = &n->counters[s->u.counter.obj - 1];

			o->pkts++;
			o->bytes += skb->len;
			return NFT_CONT;
		}
		s->u.counter.pkts++;
		s->u.counter.bytes += skb->len;
		return NFT_CONT;
	case NFT_S_LIMIT:
		return limit_ok(&s->u.limit, x->now_ns, skb->len) ? NFT_CONT : NFT_BREAK;
	case NFT_S_QUOTA:
		s->u.quota.used += skb->len;
		return (s->u.quota.used > s->u.quota.bytes) != s->u.quota.invert ? NFT_BREAK
										  : NFT_CONT;
	case NFT_S_LOG:
		n->log_packets++;
		if (x->nf)
			x->nf->log_packets++;
		return NFT_CONT;
	case NFT_S_META_MARK_SET:
		if (s->u.mark.key == NFT_K_CT_MARK) {
			if (!rxs__nf_ct_mark(x->nf, &v))
				return NFT_CONT;
			skb->mark = v;
		} else {
			skb->mark = s->u.mark.key >= 0 ? skb->mark : s->u.mark.value;
		}
		return NFT_CONT;
	case NFT_S_CT_MARK_SET:
		v = s->u.mark.key == NFT_K_META_MARK ? skb->mark : s->u.mark.value;
		if (s->u.mark.key == NFT_K_CT_MARK && !rxs__nf_ct_mark(x->nf, &v))
			return NFT_CONT;
		rxs__nf_ct_set_mark(x->nf, v);
		return NFT_CONT;
	case NFT_S_NOTRACK:
		rxs__nf_ct_notrack(x->nf);
		return NFT_CONT;
	case NFT_S_META_PRIORITY_SET:
		skb->priority = s->u.mark.value;
		return NFT_CONT;
	case NFT_S_NFTRACE_SET:
		return NFT_CONT;
	case NFT_S_REJECT:
		if (p->nfproto == 2)
			rxs__nf_reject(x, s->u.reject.kind == NFT_REJECT_TCP_RST,
				       reject_icmp_code(s));
		else if (p->nfproto == 10)
			rxs__nf_reject(x, s->u.reject.kind == NFT_REJECT_TCP_RST,
				       reject_icmpv6_code(s));
		return NFT_V_DROP;
	case NFT_S_SET_ADD:
	case NFT_S_SET_UPDATE:
		return dynset(x, p, n, s) ? NFT_CONT : NFT_BREAK;
	case NFT_S_CT_COUNT: {
		unsigned int cnt;

		if (!rxs__nf_ct_count(x->nf, &s->u.ctcount.list, x->now_ns, &cnt))
			return NFT_BREAK;
		return (cnt > s->u.ctcount.count) == s->u.ctcount.invert ? NFT_CONT : NFT_BREAK;
	}
	case NFT_S_NAT:
		return nat_stmt(x, p, s);
	default:
		return NFT_CONT;
	}
}

struct jump_frame {
	unsigned int chain, idx;
};

/* nft_do_chain() from base chain @base: RXS_NF_ACCEPT or RXS_NF_DROP. */
enum rxs_nf_verdict rxs__nft_do_chain(struct nf_hook_ctx *x, unsigned int base)
{
	struct nft_ruleset *n = x->nf->nft;
	struct jump_frame stack[NFT_JUMP_STACK_SIZE];
	unsigned int sp = 0, chain = base, idx = 0;
	struct nft_pktinfo p;

	pktinfo(x, &p);
	for (;;) {
		const struct nft_chain *c = &n->chains[chain];
		const struct nft_verdict *jv = NULL;
		int code = NFT_CONT;

		while (idx < c->nrules && code == NFT_CONT) {
			struct nft_rule *r = &n->rules[c->rules[idx++]];

			code = NFT_CONT;
			if (unlikely(r->nfproto) && r->nfproto != p.nfproto)
				continue;	/* its meta nfproto dependency breaks */
			for (unsigned int i = 0; i < r->nstmts && code == NFT_CONT; i++)
				code = eval_stmt(x, &p, n, &r->stmts[i], &jv);
			if (code != NFT_BREAK) {
				r->hits++;
				r->hit_bytes += x->skb->len;
			}
			if (code == NFT_BREAK || code == NFT_V_CONTINUE)
				code = NFT_CONT;
		}
		switch (code) {
		case NFT_V_ACCEPT:
			return RXS_NF_ACCEPT;
		case NFT_V_DROP:
			return RXS_NF_DROP;
		case NFT_V_JUMP:
			/* Load time bounds the depth (rxs__nft_finish), so the stack has room. */
			if (sp < NFT_JUMP_STACK_SIZE)
				stack[sp++] = (struct jump_frame){ chain, idx };
			chain = (unsigned int)jv->chain;
			idx = 0;
			continue;
		case NFT_V_GOTO:
			chain = (unsigned int)jv->chain;
			idx = 0;
			continue;
		default:	/* return, or the chain's end */
			break;
		}
		if (sp) {
			sp--;
			chain = stack[sp].chain;
			idx = stack[sp].idx;
			continue;
		}
		n->chains[base].policy_pkts++;
		n->chains[base].policy_bytes += x->skb->len;
		return n->chains[base].policy == NFT_V_DROP ? RXS_NF_DROP : RXS_NF_ACCEPT;
	}
}

enum rxs_nf_verdict rxs__nft_ingress(struct nf_hook_ctx *x)
{
	const struct nft_ruleset *n = x->nf ? x->nf->nft : NULL;

	for (unsigned int i = 0; n && i < n->nhooks[NFT_HOOK_INGRESS]; i++) {
		unsigned int c = n->hooks[NFT_HOOK_INGRESS][i].chain;
		const char *dev = n->chains[c].dev;

		/* nft -j leaves the device out: such a chain is taken to hook every device. */
		if (dev && strcmp(dev, x->in))
			continue;
		if (rxs__nft_do_chain(x, c) != RXS_NF_ACCEPT)
			return RXS_NF_DROP;
	}
	return RXS_NF_ACCEPT;
}
