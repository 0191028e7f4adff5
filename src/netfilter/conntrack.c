/* conntrack.c - connection tracking, lite: the states iptables rules see, and the table limit.
 *
 * A connection is stored once and hashed twice, by its original tuple and by its reply tuple
 * (the reverse), as the kernel's tuplehash[2] does; a lookup tells which direction a packet
 * goes. The bucket count is nf_conntrack_buckets; our hash is a fixed function where the kernel
 * seeds jhash randomly at boot, so runs are repeatable.
 *
 * Life of an entry (nf_conntrack_core.c): the first packet of a flow gets a new, unconfirmed
 * entry at PREROUTING (or OUTPUT); it enters the table only when that packet survives to the
 * end of INPUT (or POSTROUTING), so flows whose first packet a rule drops leave nothing behind.
 * When the table holds nf_conntrack_max entries, early_drop() evicts the unassured entries of
 * the first of 8 buckets (from the new flow's own) that has any; if none, the packet is dropped
 * ("nf_conntrack: table full, dropping packet") and counted.
 *
 * The state a rule sees (ctinfo) is NEW for every packet in the original direction until a
 * reply has been seen (IPS_SEEN_REPLY), ESTABLISHED after that and for replies, RELATED for an
 * ICMP error quoting a known flow, and INVALID when conntrack gives the packet no entry. On a
 * receive path replies are not seen unless the host answers: the TCP code reports its SYN-ACK
 * through rxs__nf_ct_seen_reply(), and packets crossing LOCAL_OUT are tracked like the kernel's.
 * So every datagram of an unanswered UDP flow is NEW, as in the kernel. A TCP segment without
 * an entry starts one only if it is a SYN or, with nf_conntrack_tcp_loose=1 (the default), a
 * bare ACK (mid-stream pickup, also NEW); SYN-ACK, FIN and RST without an entry are INVALID.
 * TCP window tracking is not modelled. Timeouts are the kernel defaults; expired entries are
 * removed when a lookup meets them and by a collection pass, at most once per virtual second,
 * when the table is full (the kernel's gc worker runs on its own schedule).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "netfilter/netfilter.h"
#include "netfilter/netfilter_int.h"
#include "proto/proto.h"

static bool invert_tuple(const struct nf_tuple *t, struct nf_tuple *r);

#define NS 1000000000ull
#define EVICTION_RANGE 8	/* NF_CT_EVICTION_RANGE */

#define DIR_ORIG NF_DIR_ORIG
#define DIR_REPLY NF_DIR_REPLY
enum { TCP_NONE, TCP_SYN_SENT, TCP_SYN_RECV, TCP_ESTABLISHED, TCP_FIN_WAIT, TCP_CLOSE };

static struct nf_conn *conn_of(struct nf_ct_node *n)
{
	return (struct nf_conn *)(void *)((char *)(n - n->dir) - offsetof(struct nf_conn, node));
}

int rxs__nf_ct_init(struct rxs_ruleset *nf)
{
	nf->ct.max = 262144;		/* nf_conntrack_max on the reference machine */
	nf->ct.buckets = 262144;	/* nf_conntrack_buckets */
	return 0;
}

void rxs_ruleset_set_conntrack_max(rxs_ruleset_t *nf, uint64_t max)
{
	if (nf)
		nf->ct.max = max;
}

int rxs_ruleset_set_conntrack_buckets(rxs_ruleset_t *nf, uint32_t buckets)
{
	if (!nf || !buckets || nf->ct.hash)
		return -EINVAL;
	nf->ct.buckets = buckets;
	return 0;
}

static uint32_t fnv_words(uint32_t h, const uint32_t *v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int b = 0; b < 4; b++)
			h = (h ^ (v[i] >> (8 * b) & 0xff)) * 16777619u;
	return h;
}

/* An IPv6 tuple hashes its addresses' first 96 bits too; an IPv4 one hashes as it always has
 * (the buckets early_drop() looks at are the oracle's). */
static uint32_t tuple_hash(const struct nf_tuple *t, uint32_t buckets)
{
	uint32_t v[4] = { t->src, t->dst, (uint32_t)t->sport << 16 | t->dport, t->proto };
	uint32_t h = fnv_words(2166136261u, v, 4);

	if (unlikely(t->v6)) {
		h = fnv_words(h, t->src_hi, 3);
		h = fnv_words(h, t->dst_hi, 3);
	}
	return h % buckets;
}

static bool tuple_eq(const struct nf_tuple *a, const struct nf_tuple *b)
{
	return a->src == b->src && a->dst == b->dst && a->sport == b->sport &&
	       a->dport == b->dport && a->proto == b->proto && a->v6 == b->v6 &&
	       (!a->v6 || (!memcmp(a->src_hi, b->src_hi, sizeof(a->src_hi)) &&
			   !memcmp(a->dst_hi, b->dst_hi, sizeof(a->dst_hi))));
}

/* ICMPv6 (nf_conntrack_proto_icmpv6.c): the queries with a reply (echo 128/129, node
 * information 139/140) are tracked; the errors (types below 128) are RELATED to the flow they
 * quote; MLD and neighbour discovery (130-136, 143) are untracked (noct_valid_new). */
static bool icmpv6_is_query(uint8_t type)
{
	return type == 128 || type == 129 || type == 139 || type == 140;
}

static bool icmpv6_untracked(uint8_t type)
{
	return (type >= 130 && type <= 136) || type == 143;
}

/* nf_ct_invert_tuple(): ICMP queries invert to their reply type, others swap ports. */
bool rxs__nf_ct_invert(const struct nf_tuple *t, struct nf_tuple *r)
{
	return invert_tuple(t, r);
}

static bool invert_tuple(const struct nf_tuple *t, struct nf_tuple *r)
{
	static const uint8_t icmp_inverse[19] = {
		[0] = 8 + 1, [8] = 0 + 1, [13] = 14 + 1, [14] = 13 + 1, [15] = 16 + 1,
		[16] = 15 + 1, [17] = 18 + 1, [18] = 17 + 1,
	};

	*r = *t;
	r->src = t->dst;
	r->dst = t->src;
	r->sport = t->dport;
	r->dport = t->sport;
	memcpy(r->src_hi, t->dst_hi, sizeof(r->src_hi));
	memcpy(r->dst_hi, t->src_hi, sizeof(r->dst_hi));
	if (t->v6 && t->proto == 58) {
		uint8_t type = (uint8_t)(t->dport >> 8);

		if (!icmpv6_is_query(type))
			return false;
		/* invmap: 128 <-> 129, 139 <-> 140 */
		r->sport = t->sport;
		r->dport = (uint16_t)((type == 128 ? 129 : type == 129 ? 128 : type == 139 ? 140 : 139)
				      << 8 | (t->dport & 0xff));
		return true;
	}
	if (t->proto != 1 || t->v6)
		return true;
	uint8_t type = (uint8_t)(t->dport >> 8);

	if (type >= sizeof(icmp_inverse) || !icmp_inverse[type])
		return false;
	r->sport = t->sport;
	r->dport = (uint16_t)((icmp_inverse[type] - 1) << 8 | (t->dport & 0xff));
	return true;
}

static bool icmp_is_query(uint8_t type)
{
	return type == 0 || type == 8 || (type >= 13 && type <= 18);
}

/* The original-direction tuple of a packet; false when its header is cut short. */
static bool get_tuple(const struct nf_pktinfo *pi, struct nf_tuple *t)
{
	memset(t, 0, sizeof(*t));
	t->src = pi->saddr;
	t->dst = pi->daddr;
	t->proto = pi->proto;
	if (pi->v6) {
		t->v6 = true;
		for (unsigned int i = 0; i < 3; i++) {
			t->src_hi[i] = rxs__get_be32(pi->iph + 8 + 4 * i);
			t->dst_hi[i] = rxs__get_be32(pi->iph + 24 + 4 * i);
		}
		if (pi->proto == 58) {
			if (!pi->l4 || pi->l4len < 8 || !icmpv6_is_query(pi->l4[0]))
				return false;
			t->sport = rxs__get_be16(pi->l4 + 4);
			t->dport = (uint16_t)(pi->l4[0] << 8 | pi->l4[1]);
			return true;
		}
	}
	if (pi->proto == 6 || pi->proto == 17 || pi->proto == 136 || pi->proto == 132) {
		if (!pi->l4 || pi->l4len < 4)
			return false;
		t->sport = rxs__get_be16(pi->l4);
		t->dport = rxs__get_be16(pi->l4 + 2);
	} else if (pi->proto == 1 && !pi->v6) {
		if (!pi->l4 || pi->l4len < 8 || !icmp_is_query(pi->l4[0]))
			return false;
		t->sport = rxs__get_be16(pi->l4 + 4);
		t->dport = (uint16_t)(pi->l4[0] << 8 | pi->l4[1]);
	}
	return true;
}

static struct nf_ct_node **bucket(struct nf_ct_table *ct, const struct nf_tuple *t)
{
	return &ct->hash[tuple_hash(t, ct->buckets)];
}

static void unlink_node(struct nf_ct_table *ct, struct nf_conn *c, unsigned int dir)
{
	for (struct nf_ct_node **pp = bucket(ct, &c->tuple[dir]); *pp; pp = &(*pp)->next)
		if (*pp == &c->node[dir]) {
			*pp = c->node[dir].next;
			return;
		}
}

static void remove_conn(struct rxs_ruleset *nf, struct nf_conn *c)
{
	if (nf->cur.ct == c)
		nf->cur.ct = NULL;
	for (struct nf_pkt_save *s = nf->outer; s; s = s->up)
		if (s->pkt.ct == c)
			s->pkt.ct = NULL;
	unlink_node(&nf->ct, c, DIR_ORIG);
	unlink_node(&nf->ct, c, DIR_REPLY);
	nf->ct.count--;
	rxs__free(c);
}

/* The entry and direction of @t, dropping it instead if it has expired. */
static struct nf_conn *find(struct rxs_ruleset *nf, const struct nf_tuple *t, uint64_t now,
			    unsigned int *dir)
{
	if (!nf->ct.hash)
		return NULL;
	for (struct nf_ct_node *n = *bucket(&nf->ct, t); n; n = n->next) {
		struct nf_conn *c = conn_of(n);

		if (!tuple_eq(&c->tuple[n->dir], t))
			continue;
		if (now >= c->expires) {
			remove_conn(nf, c);
			return NULL;
		}
		*dir = n->dir;
		return c;
	}
	return NULL;
}

static void free_list(struct rxs_ruleset *nf, struct nf_conn *list)
{
	while (list) {
		struct nf_conn *next = list->gc_next;

		remove_conn(nf, list);
		list = next;
	}
}

/* Collect every expired entry: what the gc worker would have done by now. */
static void gc_all(struct rxs_ruleset *nf, uint64_t now)
{
	struct nf_conn *dead = NULL;

	if (nf->ct.gc_done && now - nf->ct.last_gc_ns < NS)
		return;
	nf->ct.gc_done = true;
	nf->ct.last_gc_ns = now;
	for (uint32_t b = 0; b < nf->ct.buckets; b++)
		for (struct nf_ct_node *n = nf->ct.hash[b]; n; n = n->next)
			if (n->dir == DIR_ORIG && now >= conn_of(n)->expires) {
				conn_of(n)->gc_next = dead;
				dead = conn_of(n);
			}
	free_list(nf, dead);
}

/* early_drop(): evict the unassured entries of the first bucket, among 8 from the new flow's,
 * that has one. True when room was made. */
static bool early_drop(struct rxs_ruleset *nf, const struct nf_tuple *t, uint64_t now)
{
	uint32_t b = tuple_hash(t, nf->ct.buckets);

	for (unsigned int i = 0; i < EVICTION_RANGE; i++, b = (b + 1) % nf->ct.buckets) {
		struct nf_conn *dead = NULL;
		unsigned int drops = 0;

		for (struct nf_ct_node *n = nf->ct.hash[b]; n; n = n->next) {
			struct nf_conn *c = conn_of(n);
			bool expired = now >= c->expires;

			if (c->doomed || (!expired && c->assured))
				continue;
			c->doomed = true;
			c->gc_next = dead;
			dead = c;
			drops += !expired;
		}
		free_list(nf, dead);
		if (drops) {
			/* NF_CT_STAT_ADD_ATOMIC(net, early_drop, drops): each entry evicted. */
			nf->ct.st.early_drops += drops;
			return true;
		}
	}
	return false;
}

static uint64_t timeout_ns(const struct nf_conn *c, uint64_t now)
{
	uint64_t s;

	switch (c->tuple[0].proto) {
	case 6: {
		static const uint32_t tcp[] = { [TCP_SYN_SENT] = 120, [TCP_SYN_RECV] = 60,
						[TCP_ESTABLISHED] = 432000, [TCP_FIN_WAIT] = 120,
						[TCP_CLOSE] = 10 };
		s = tcp[c->tcp_state];
		/* nf_conntrack_tcp_timeout_unacknowledged caps unassured connections */
		if (!c->assured && s > 300)
			s = 300;
		break;
	}
	case 17:
	case 136:
		/* A replied flow active for over 2 s is a stream (udp_timeout_stream). */
		s = c->seen_reply && now > c->start + 2 * NS ? 120 : 30;
		break;
	case 1:
	case 58:
		s = 30;		/* nf_conntrack_icmp(v6)_timeout */
		break;
	default:
		s = 600;
	}
	return now + s * NS;
}


/* tcp_error(): the flag combinations a TCP segment may carry (PSH, ECE, CWR aside). */
static bool tcp_flags_valid(uint8_t flags)
{
	switch (flags & 0x37) {
	case 0x02: case 0x22: case 0x12: case 0x04: case 0x14: case 0x11: case 0x31:
	case 0x10: case 0x30:
		return true;
	default:
		return false;
	}
}

/* tcp_new(): SYN opens, a bare ACK is picked up (nf_conntrack_tcp_loose=1), others are
 * INVALID. Returns the first state or TCP_NONE. */
static uint8_t tcp_new_state(uint8_t flags)
{
	if ((flags & 0x17) == 0x02)
		return TCP_SYN_SENT;
	if ((flags & 0x17) == 0x10)
		return TCP_ESTABLISHED;
	return TCP_NONE;
}

/* The TCP state machine, reduced to what decides ctinfo and timeouts. */
static void tcp_update(struct nf_conn *c, unsigned int dir, uint8_t flags)
{
	if (flags & 0x04)
		c->tcp_state = TCP_CLOSE;
	else if (flags & 0x01)
		c->tcp_state = TCP_FIN_WAIT;
	else if (dir == DIR_REPLY && (flags & 0x12) == 0x12 && c->tcp_state == TCP_SYN_SENT)
		c->tcp_state = TCP_SYN_RECV;
	else if (dir == DIR_ORIG && (flags & 0x12) == 0x10 && c->tcp_state == TCP_SYN_RECV) {
		c->tcp_state = TCP_ESTABLISHED;
		c->assured = true;
	}
}

static void count_info(struct rxs_ruleset *nf, enum nf_ctinfo info)
{
	struct nf_ct_stats *st = &nf->ct.st;

	nf->cur.ct_done = true;
	nf->cur.info = info;
	if (info == NF_CTINFO_NEW)
		st->new_++;
	else if (info == NF_CTINFO_ESTABLISHED)
		st->established++;
	else if (info == NF_CTINFO_RELATED)
		st->related++;
	else if (info == NF_CTINFO_NONE)
		st->invalid++;
}

/* nf_conntrack_inet_error(): an ICMP error is RELATED to the flow of the packet it quotes. */
static void icmp_error(struct rxs_ruleset *nf, const struct nf_pktinfo *pi, uint64_t now,
		       bool local_out)
{
	struct nf_pktinfo inner = { 0 };
	struct nf_tuple t, inv;
	struct nf_conn *c = NULL;
	unsigned int dir;
	const uint8_t *ip = pi->l4 + 8;
	unsigned int len = pi->l4len - 8;

	if (pi->v6) {
		/* icmpv6_error_message(): the quoted IPv6 header and 8 bytes past it (its
		 * extension headers are not walked). */
		if (len >= 48) {
			inner.v6 = true;
			inner.iph = ip;
			inner.saddr = rxs__get_be32(ip + 20);
			inner.daddr = rxs__get_be32(ip + 36);
			inner.proto = ip[6];
			inner.l4 = ip + 40;
			inner.l4len = 8;
			if (get_tuple(&inner, &t) && invert_tuple(&t, &inv))
				c = find(nf, &inv, now, &dir);
		}
	} else if (len >= 20 && (ip[0] & 15u) * 4 + 8 <= len) {
		inner.saddr = rxs__get_be32(ip + 12);
		inner.daddr = rxs__get_be32(ip + 16);
		inner.proto = ip[9];
		inner.l4 = ip + (ip[0] & 15u) * 4;
		inner.l4len = 8;
		if (get_tuple(&inner, &t) && invert_tuple(&t, &inv))
			c = find(nf, &inv, now, &dir);
	}
	/* nf_conntrack_inet_error(): the error travels in the direction whose tuple the quoted
	 * packet's inverse is, and must be addressed as that direction's packets are; an error
	 * to another address is no one's (the kernel logs "outer daddr != inner"). */
	if (c && c->tuple[dir].dst != pi->daddr)
		c = NULL;
	nf->cur.ct = c;
	nf->cur.dir = (uint8_t)(c ? dir : DIR_ORIG);
	/* nf_conntrack_handle_icmp(): an error quoting no connection counts in icmp_error, not
	 * in invalid (nf_conntrack_in() returns before that). The host's own errors come here
	 * only when no connection was attached to them (their offender was untracked): they
	 * count in neither on 6.18 (oracle fwd-masq). */
	if (!c) {
		nf->ct.st.icmp_unmatched++;
		nf->ct.st.icmp_error += !local_out;
	}
	count_info(nf, c ? NF_CTINFO_RELATED : NF_CTINFO_NONE);
}

static bool table_room(struct rxs_ruleset *nf, const struct nf_tuple *t, uint64_t now)
{
	if (!nf->ct.max || nf->ct.count < nf->ct.max)
		return true;
	if (nf->ct.hash) {
		gc_all(nf, now);
		if (nf->ct.count < nf->ct.max || early_drop(nf, t, now))
			return true;
	}
	nf->ct.st.drops++;
	return false;
}

/* A new, unconfirmed entry for the packet. False: the table is full (drop the packet). */
static bool new_conn(struct rxs_ruleset *nf, const struct nf_pktinfo *pi, const struct nf_tuple *t,
		     uint64_t now)
{
	struct nf_conn *c;
	uint8_t state = TCP_NONE;

	if (pi->proto == 6) {
		state = tcp_new_state(pi->l4[13]);
		if (state == TCP_NONE) {
			count_info(nf, NF_CTINFO_NONE);
			return true;
		}
	}
	if (pi->v6 && pi->proto == 58 && !(pi->l4[0] == 128 || pi->l4[0] == 139)) {
		count_info(nf, NF_CTINFO_NONE);		/* icmpv6_new(): not a request */
		return true;
	}
	if (pi->proto == 1 && !pi->v6 && !(pi->l4[0] == 8 || pi->l4[0] == 13 || pi->l4[0] == 15 ||
				pi->l4[0] == 17)) {
		count_info(nf, NF_CTINFO_NONE);		/* icmp_new(): not a request */
		return true;
	}
	if (!table_room(nf, t, now))
		return false;
	c = rxs__calloc(1, sizeof(*c));
	if (!c) {
		nf->ct.st.drops++;
		return false;
	}
	c->node[DIR_REPLY].dir = DIR_REPLY;
	c->tuple[DIR_ORIG] = *t;
	invert_tuple(t, &c->tuple[DIR_REPLY]);
	c->tcp_state = state;
	c->start = now;
	c->expires = timeout_ns(c, now);
	nf->cur.pending = c;
	nf->cur.dir = DIR_ORIG;
	count_info(nf, NF_CTINFO_NEW);
	return true;
}

/*
 * tcp_error(), udp_error(), icmp_error() with nf_conntrack_checksum (1): at PREROUTING a
 * TCP, UDP or ICMP packet whose checksum is wrong gets no entry (INVALID), so a rule on
 * `ct state invalid` sees it before the protocol would count a checksum error. A UDP
 * datagram over IPv4 without a checksum passes; one GRO already validated is not summed
 * again. True when @pi's packet is so refused.
 */
bool rxs__nf_ct_csum_error(struct rxs_ruleset *nf, const struct nf_pktinfo *pi,
			   const struct rxs_sk_buff *skb)
{
	const struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	bool bad;

	if (!pi->l4 || skb->ip_summed == RXS_CHECKSUM_UNNECESSARY ||
	    pi->l4len != pi->tot_len - pi->ihl)
		return false;
	switch (pi->proto) {
	case 6:
		bad = pi->l4len >= 20 && rxs__l4_csum(cb, 6, pi->l4, pi->l4len) != 0;
		break;
	case 17:
		bad = pi->l4len >= 8 && (pi->v6 || pi->l4[6] || pi->l4[7]) &&
		      rxs__l4_csum(cb, 17, pi->l4, pi->l4len) != 0;
		break;
	case 1:
		bad = !pi->v6 && rxs__csum_fold(rxs__csum_partial(pi->l4, pi->l4len, 0)) != 0;
		break;
	case 58:
		bad = pi->v6 && rxs__l4_csum(cb, 58, pi->l4, pi->l4len) != 0;
		break;
	default:
		return false;
	}
	if (bad)
		count_info(nf, NF_CTINFO_NONE);
	return bad;
}

bool rxs__nf_ct_in(struct rxs_ruleset *nf, const struct nf_pktinfo *pi, uint64_t now_ns,
		   bool local_out)
{
	struct nf_tuple t;
	struct nf_conn *c;
	unsigned int dir;

	if (unlikely(pi->v6) && pi->proto == 58 && pi->l4 && pi->l4len >= 8) {
		if (icmpv6_untracked(pi->l4[0])) {
			/* icmpv6_error(): nf_ct_set(skb, NULL, IP_CT_UNTRACKED) */
			nf->cur.ct_done = true;
			nf->cur.info = NF_CTINFO_UNTRACKED;
			return true;
		}
		if (pi->l4[0] < 128) {
			icmp_error(nf, pi, now_ns, local_out);
			return true;
		}
	}
	if (pi->proto == 1 && !pi->v6 && pi->l4 && pi->l4len >= 8 && !icmp_is_query(pi->l4[0])) {
		icmp_error(nf, pi, now_ns, local_out);
		return true;
	}
	/* tcp_error(): a header cut short or whose data offset says so, or flags no segment
	 * carries, gets no entry (INVALID). */
	if (!get_tuple(pi, &t) || (pi->proto == 6 && (pi->l4len < 20 ||
						      (pi->l4[12] >> 4) * 4u < 20 ||
						      (pi->l4[12] >> 4) * 4u > pi->l4len ||
						      !tcp_flags_valid(pi->l4[13])))) {
		count_info(nf, NF_CTINFO_NONE);
		return true;
	}
	c = find(nf, &t, now_ns, &dir);
	/* A SYN on a closing connection starts a new one (tcp_packet: -NF_REPEAT). */
	if (c && pi->proto == 6 && dir == DIR_ORIG && (pi->l4[13] & 0x17) == 0x02 &&
	    c->tcp_state >= TCP_FIN_WAIT) {
		remove_conn(nf, c);
		c = NULL;
	}
	if (!c)
		return new_conn(nf, pi, &t, now_ns);
	if (pi->proto == 6)
		tcp_update(c, dir, pi->l4[13]);
	if (dir == DIR_REPLY)
		c->seen_reply = true;
	else if (c->seen_reply && pi->proto != 6 && now_ns > c->start + 2 * NS)
		c->assured = true;
	c->expires = timeout_ns(c, now_ns);
	nf->cur.ct = c;
	nf->cur.dir = (uint8_t)dir;
	count_info(nf, dir == DIR_REPLY || c->seen_reply ? NF_CTINFO_ESTABLISHED : NF_CTINFO_NEW);
	return true;
}

static int ensure_hash(struct nf_ct_table *ct)
{
	if (!ct->hash)
		ct->hash = rxs__calloc(ct->buckets, sizeof(*ct->hash));
	return ct->hash ? 0 : -1;
}

bool rxs__nf_ct_confirm(struct rxs_ruleset *nf)
{
	struct nf_conn *c = nf->cur.pending;

	if (!c)
		return true;
	nf->cur.pending = NULL;
	if (ensure_hash(&nf->ct)) {
		rxs__free(c);
		return true;
	}
	/* __nf_conntrack_confirm(): a tuple another entry took meanwhile (NAT chose a reply
	 * tuple that a connection confirmed since uses) is not inserted. */
	if (rxs__nf_ct_tuple_taken(nf, &c->tuple[DIR_ORIG], NULL, c->start) ||
	    rxs__nf_ct_tuple_taken(nf, &c->tuple[DIR_REPLY], NULL, c->start)) {
		nf->ct.st.insert_failed++;
		nf->ct.st.drops++;	/* nf_confirm(): NF_DROP, counted as a drop */
		rxs__free(c);
		return false;
	}
	for (unsigned int dir = 0; dir < 2; dir++) {
		struct nf_ct_node **b = bucket(&nf->ct, &c->tuple[dir]);

		c->node[dir].next = *b;
		*b = &c->node[dir];
	}
	nf->ct.count++;
	nf->ct.st.inserted++;
	nf->cur.ct = c;
	return true;
}

void rxs__nf_pkt_reset(struct rxs_ruleset *nf)
{
	rxs__free(nf->cur.pending);
	rxs__free(nf->cur.held);
	memset(&nf->cur, 0, sizeof(nf->cur));
}

/* The conntrack state of @skb: the current packet's, or one set aside under a nested walk
 * (a REJECT's error is built while its offender's walk waits). */
static struct nf_pkt *pkt_state(struct rxs_ruleset *nf, const struct rxs_sk_buff *skb)
{
	if (nf->cur.skb == skb && nf->cur.id == skb->id)
		return &nf->cur;
	for (struct nf_pkt_save *s = nf->outer; s; s = s->up)
		if (s->pkt.skb == skb && s->pkt.id == skb->id)
			return &s->pkt;
	return NULL;
}

/*
 * nf_conntrack_attach(): icmp_glue_bits() gives an ICMP error the conntrack of the packet it
 * answers, RELATED_REPLY to a packet of the original direction, RELATED to a reply, so
 * nf_conntrack_in() at LOCAL_OUT leaves it there and the NAT hooks translate it. The
 * offender's entry may still be unconfirmed (an error sent between PREROUTING and the end of
 * the path: TTL exceeded, fragmentation needed, no route): the kernel's reference keeps it
 * alive while the error lives, and here the error takes it over, as its offender is dropped
 * after icmp_send() and walks no more. Under a nested walk (REJECT) the offender's state is
 * set aside and keeps its entry.
 */
void rxs__nf_ct_join(struct rxs_ruleset *nf, const struct rxs_sk_buff *nskb,
		       const struct rxs_sk_buff *skb)
{
	struct nf_pkt *p = pkt_state(nf, skb);
	struct nf_conn *c;

	if (!p || !p->ct_done || p->info == NF_CTINFO_UNTRACKED)
		return;
	c = p->ct ? p->ct : p->pending ? p->pending : p->held;
	if (!c)
		return;
	rxs__free(nf->attach.held ? nf->attach.ct : NULL);
	nf->attach.skb = nskb;
	nf->attach.id = nskb->id;
	nf->attach.ct = c;
	nf->attach.dir = (uint8_t)!p->dir;
	nf->attach.held = p == &nf->cur && c != p->ct;
	if (nf->attach.held) {
		p->pending = NULL;
		p->held = NULL;
	}
}

void rxs__nf_ct_adopt(struct rxs_ruleset *nf, const struct rxs_sk_buff *skb)
{
	if (!nf->attach.skb)
		return;
	if (nf->attach.skb == skb && nf->attach.id == skb->id) {
		nf->cur.ct = nf->attach.ct;
		nf->cur.held = nf->attach.held ? nf->attach.ct : NULL;
		nf->cur.dir = nf->attach.dir;
		count_info(nf, NF_CTINFO_RELATED);
	} else if (nf->attach.held) {
		rxs__free(nf->attach.ct);	/* the error never reached LOCAL_OUT */
	}
	memset(&nf->attach, 0, sizeof(nf->attach));
}

struct nf_conn *rxs__nf_ct_cur(const struct rxs_ruleset *nf)
{
	if (!nf->cur.ct_done || nf->cur.info == NF_CTINFO_UNTRACKED)
		return NULL;
	return nf->cur.ct ? nf->cur.ct : nf->cur.pending;
}

bool rxs__nf_ct_tuple_taken(struct rxs_ruleset *nf, const struct nf_tuple *t,
			    const struct nf_conn *ignored, uint64_t now_ns)
{
	if (!nf->ct.hash)
		return false;
	for (struct nf_ct_node *n = *bucket(&nf->ct, t); n; n = n->next) {
		const struct nf_conn *c = conn_of(n);

		if (c != ignored && now_ns < c->expires && tuple_eq(&c->tuple[n->dir], t))
			return true;
	}
	return false;
}

unsigned int rxs__nf_ct_statebit(const struct rxs_ruleset *nf)
{
	if (!nf->cur.ct_done)
		return NF_CTS_INVALID;	/* no entry attached yet (the raw table) */
	switch (nf->cur.info) {
	case NF_CTINFO_UNTRACKED:
		return NF_CTS_UNTRACKED;
	case NF_CTINFO_NEW:
		return NF_CTS_NEW;
	case NF_CTINFO_ESTABLISHED:
		return NF_CTS_ESTABLISHED;
	case NF_CTINFO_RELATED:
		return NF_CTS_RELATED;
	default:
		return NF_CTS_INVALID;
	}
}

static struct nf_conn *cur_conn(const struct rxs_ruleset *nf)
{
	return rxs__nf_ct_cur(nf);
}

bool rxs__nf_ct_status(const struct rxs_ruleset *nf, uint32_t *status)
{
	const struct nf_conn *c = cur_conn(nf);

	if (!c)
		return false;
	*status = (c->seen_reply ? IPS_SEEN_REPLY : 0) | (c->assured ? IPS_ASSURED : 0) |
		  (c == nf->cur.ct && c != nf->cur.held ? IPS_CONFIRMED : 0) | c->status;
	return true;
}

const struct nf_conn *rxs__nf_ct_get(const struct rxs_ruleset *nf, uint8_t *dir)
{
	*dir = nf->cur.dir;
	return cur_conn(nf);
}

bool rxs__nf_ct_mark(const struct rxs_ruleset *nf, uint32_t *mark)
{
	const struct nf_conn *c = cur_conn(nf);

	if (!c)
		return false;
	*mark = c->mark;
	return true;
}

void rxs__nf_ct_set_mark(struct rxs_ruleset *nf, uint32_t mark)
{
	struct nf_conn *c = cur_conn(nf);

	if (c)
		c->mark = mark;
}

void rxs__nf_ct_notrack(struct rxs_ruleset *nf)
{
	if (nf->cur.ct_done)
		return;
	nf->cur.ct_done = true;
	nf->cur.info = NF_CTINFO_UNTRACKED;
	nf->ct.st.untracked++;
}

static void tuple_key(const struct nf_tuple *t, uint8_t *k)
{
	memset(k, 0, 16);
	memcpy(k, &t->src, 4);
	memcpy(k + 4, &t->dst, 4);
	memcpy(k + 8, &t->sport, 2);
	memcpy(k + 10, &t->dport, 2);
	k[12] = t->proto;
}

static void key_tuple(const uint8_t *k, struct nf_tuple *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(&t->src, k, 4);
	memcpy(&t->dst, k + 4, 4);
	memcpy(&t->sport, k + 8, 2);
	memcpy(&t->dport, k + 10, 2);
	t->proto = k[12];
}

bool rxs__nf_ct_count(struct rxs_ruleset *nf, struct nf_ct_count_list *l, uint64_t now_ns,
		      unsigned int *count)
{
	const struct nf_conn *c = cur_conn(nf);
	uint8_t key[16];
	bool have = false;
	unsigned int j = 0;

	if (!c)
		return false;
	tuple_key(&c->tuple[DIR_ORIG], key);
	/* nf_conncount's garbage collection: a connection that left the table is forgotten. */
	for (unsigned int i = 0; i < l->n; i++) {
		struct nf_tuple t;
		unsigned int dir;

		if (!memcmp(l->keys[i], key, 16)) {
			have = true;
		} else {
			key_tuple(l->keys[i], &t);
			if (!nf->ct.hash || !find(nf, &t, now_ns, &dir))
				continue;
		}
		memmove(l->keys[j++], l->keys[i], 16);
	}
	l->n = j;
	if (!have) {
		if (l->n == l->cap) {
			unsigned int cap = l->cap ? 2 * l->cap : 8;
			void *k = rxs__realloc(l->keys, cap * sizeof(*l->keys));

			if (!k)
				return false;
			l->keys = k;
			l->cap = cap;
		}
		memcpy(l->keys[l->n++], key, 16);
	}
	*count = l->n;
	return true;
}

/* The connection of a packet the host received with tuple @t: after a DNAT (or REDIRECT) the
 * packet's tuple is the inverse of the connection's reply tuple, not its original one. */
static struct nf_conn *seen_reply_conn(struct rxs_ruleset *nf, const struct nf_tuple *t,
				       unsigned int *dir)
{
	struct nf_conn *p = nf->cur.pending;
	struct nf_tuple inv;

	*dir = DIR_ORIG;
	if (p && tuple_eq(&p->tuple[DIR_ORIG], t))
		return p;
	if (!invert_tuple(t, &inv))
		return NULL;
	if (p && tuple_eq(&p->tuple[DIR_REPLY], &inv))
		return p;
	for (unsigned int k = 0; nf->ct.hash && k < 2; k++)
		for (struct nf_ct_node *n = *bucket(&nf->ct, k ? &inv : t); n; n = n->next)
			if (tuple_eq(&conn_of(n)->tuple[n->dir], k ? &inv : t)) {
				/* found by the inverse: a reply-direction hit is an original packet */
				*dir = k ? !n->dir : n->dir;
				return conn_of(n);
			}
	return NULL;
}

void rxs__nf_ct_seen_reply(rxs_ruleset_t *nf, const struct rxs_sk_buff *skb)
{
	struct nf_pktinfo pi;
	struct nf_tuple t;
	struct nf_conn *c = NULL;
	unsigned int dir = DIR_ORIG;

	if (!nf || !nf->ct_enabled)
		return;
	rxs__nf_pktinfo(skb, &pi);
	if (!pi.ihl || (pi.v6 && !nf->ct6_enabled) || !get_tuple(&pi, &t))
		return;
	c = seen_reply_conn(nf, &t, &dir);
	if (!c || dir != DIR_ORIG)
		return;
	c->seen_reply = true;
	if (c->tcp_state == TCP_SYN_SENT)
		c->tcp_state = TCP_SYN_RECV;
}

void rxs__nf_ct_destroy(struct rxs_ruleset *nf)
{
	struct nf_conn *all = NULL;

	rxs__nf_pkt_reset(nf);
	rxs__nf_ct_adopt(nf, NULL);
	if (!nf->ct.hash)
		return;
	for (uint32_t b = 0; b < nf->ct.buckets; b++)
		for (struct nf_ct_node *n = nf->ct.hash[b]; n; n = n->next)
			if (n->dir == DIR_ORIG) {
				conn_of(n)->gc_next = all;
				all = conn_of(n);
			}
	while (all) {
		struct nf_conn *next = all->gc_next;

		rxs__free(all);
		all = next;
	}
	rxs__free(nf->ct.hash);
	nf->ct.hash = NULL;
}

bool rxs__nf_ct_key(const struct rxs_ruleset *nf, const struct nf_pktinfo *pi,
		    struct nf_ct_key *k)
{
	const struct nf_conn *c = cur_conn(nf);
	struct nf_tuple t;

	if (c)
		t = c->tuple[DIR_ORIG];
	else if (!get_tuple(pi, &t))
		return false;
	*k = (struct nf_ct_key){ t.src, t.dst, t.sport, t.dport, t.proto };
	return true;
}

int rxs__nf_ct_alive(struct rxs_ruleset *nf, const struct nf_ct_key *k, uint64_t now_ns)
{
	const struct nf_tuple t = { .src = k->src, .dst = k->dst, .sport = k->sport,
				    .dport = k->dport, .proto = k->proto };
	const struct nf_conn *c = nf->cur.pending;
	unsigned int dir;

	if (!c || !tuple_eq(&c->tuple[DIR_ORIG], &t))
		c = find(nf, &t, now_ns, &dir);
	if (!c)
		return -1;
	/* nf_conncount's already_closed(): TCP in TIME_WAIT or CLOSE no longer counts. */
	return c->tuple[DIR_ORIG].proto == 6 && c->tcp_state == TCP_CLOSE ? 0 : 1;
}
