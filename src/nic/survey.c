/* survey.c - where a capture's frames go, and what the host's ports did in it.
 *
 * Unless the caller names the host's MAC, the host's is the unicast destination MAC the
 * capture's requests go to (of the frames to the picked address, when the host is picked by
 * address): pass 1 counts the frames to each, those that answer their receiver (a SYN-ACK, a
 * reset, an echo reply, an ICMP error) below all others, so that a server's capture of a SYN
 * flood or a scan, where the client receives more answers than the server requests, still
 * names the server. Pass 2 looks at every frame from the host's side, so it needs that MAC
 * before its first frame. A bare capture is the commonest input and the survey is its replay's
 * overhead, so the whole file is not read twice for it: pass 1 over the first
 * SURVEY_GUESS_FRAMES frames guesses the MAC, and one more read does pass 1 and pass 2
 * together; only when the whole file's count names another MAC than the guess (rare: a capture
 * that starts with someone else's traffic) is pass 2 read again, with that MAC. The result is
 * always the two exact passes'. Pass 2: frames to its MAC (or to a multicast or broadcast
 * address) are received, frames from its MAC are its own. Of those it counts the destination
 * addresses, the multicast groups, the VLAN ids, the longest IP packet, whether IPv6 reaches
 * it, and for each of its UDP and TCP ports the evidence a reader of the capture would weigh
 * to tell a server's port from a client's (struct rxs_capture_port).
 *
 * Memory is bounded whatever the capture: addresses, groups and (group, UDP port) pairs are
 * counted in open-addressing hash tables ("tally") of fixed-size zero-padded keys, grown by
 * doubling and capped at SURVEY_MAX distinct keys (a key first seen after the cap is
 * ignored); ports index a dense
 * array through a fixed 2 x 65536 table; VLAN ids are a fixed 4096 array. Consecutive frames
 * mostly share their addresses, so each tally remembers its last key and slot and skips the
 * hash for a repeat. At the end each table is copied out and sorted.
 *
 * Hash keys are hashed and compared eight bytes at a time; the order of the slots never shows,
 * as every export sorts by count and then by key.
 *
 * Runs: consecutive frames whose headers say the same to the survey (MACs, VLAN, addresses,
 * protocol, ports, TCP flags, converted or not) count as one frame of weight n, counted when
 * the run ends. Every count is a sum or an OR over frames, and runs are counted in the file's
 * order, so the result is what counting frame by frame gives (the longest IP packet is a
 * run's maximum), however the frames are cut into runs. Most frames are plain (untagged IPv4
 * without options, TCP or UDP, not a later fragment, captured up to the TCP flags: see
 * raw_plain()): a plain frame says all it says to the survey in its first 48 bytes, so a run
 * of them is told by those bytes under a mask, without a parse, and only its first frame is
 * parsed, when the run is counted. Other frames are parsed and compared field by field, and
 * make runs of their own. Frames come from rxs__source_next_inline() (source.h), which takes
 * a plain pcap file's Ethernet records straight from its buffer: a flood or a bulk transfer
 * costs a record header's read and six masked words' comparison a frame.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "nic/source_int.h"
#include "rxsim/error.h"

#define SURVEY_MAX 65536u
#define SURVEY_GUESS_FRAMES 4096u	/* pass 1 alone over this many frames, then both */
#define KEY_MAX 37		/* family, two IPv6 addresses, two ports (a TCP flow) */
#define EPHEMERAL_LOW 32768u	/* net.ipv4.ip_local_port_range's default start */

struct tally_ent {
	uint8_t key[KEY_MAX];
	uint8_t flags;		/* flows: RXS_FLOW_* of the frames counted */
	uint8_t rflags;		/* flows: what the reverse flow says of this one (lo) */
	uint64_t count;		/* 0: empty slot */
};

struct tally {
	struct tally_ent *ents;
	unsigned int cap, n;
	unsigned int last;	/* slot of the last key counted, valid while last_ok */
	bool last_ok;
};

/* A port's counters while reading (narrower than struct rxs_capture_port: 2 x 65536 of
 * them may exist). */
struct port_rec {
	uint32_t in, out, syn_in, synack_out, syn_out, synack_in, group, srv, cli;
	uint32_t rst_out, unreach_out;
	uint64_t peer_map;	/* one bit per hash of a peer port: a distinct-count estimate */
	uint8_t first;
};

struct survey_ctx {
	struct tally macs, addrs, groups;
	struct tally group_ports;	/* (group, UDP port) of group datagrams */
	struct tally src_macs;		/* pass 1 by address: MACs the address sent from */
	struct tally flows;		/* the host's TCP connections, from its side */
	uint32_t *port_idx;		/* [2][65536]: 1 + index into recs, 0 = none */
	struct port_rec *recs;
	unsigned int nrecs, caprecs;
	uint64_t vlans[4096];
	const struct rxs_capture_opts *sel;	/* &opts, or NULL for RXS_PICK_AUTO */
	struct rxs_capture_opts opts;
	bool pass1, pass2;
	uint64_t limit;			/* stop after this many frames (0: read them all) */
	bool cut;			/* the read stopped at @limit, before the end */
	uint8_t host[6];		/* pass 2: the host's MAC */
	struct rxs_capture_survey *sv;
};

/* The MACs given to converted frames while surveying: the host's (all zero, as on lo), and
 * the peer's, which outgoing SLL frames get as their destination. */
static const uint8_t conv_host[6];
static const uint8_t conv_peer[6] = { 0x02, 0, 0, 0, 0, 0x01 };

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* A key as five words, the last one overlapping the fourth: a word at a time, the hash and
 * the comparison of a 37-byte key are a few instructions. */
#define KEY_WORD(key, i) load64((key) + ((i) < 4 ? (i) * 8 : KEY_MAX - 8))

static uint32_t hash_key(const uint8_t *key)
{
	uint64_t h = 0;

#pragma GCC unroll 5
	for (int i = 0; i < 5; i++)
		h = (h ^ KEY_WORD(key, i)) * 0x9e3779b97f4a7c15ull;
	/* A multiply carries a bit only upwards: MurmurHash3's finalizer brings every bit down
	 * to the low ones, which pick the slot. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)h;
}

static bool key_eq(const uint8_t *a, const uint8_t *b)
{
	uint64_t d = 0;

#pragma GCC unroll 5
	for (int i = 0; i < 5; i++)
		d |= KEY_WORD(a, i) ^ KEY_WORD(b, i);
	return !d;
}

static unsigned int tally_slot(const struct tally_ent *ents, unsigned int cap, const uint8_t *key)
{
	unsigned int i = hash_key(key) & (cap - 1);

	while (ents[i].count && !key_eq(ents[i].key, key))
		i = (i + 1) & (cap - 1);
	return i;
}

static int tally_grow(struct tally *t)
{
	unsigned int cap = t->cap ? t->cap * 2 : 64;
	struct tally_ent *ents = rxs__calloc(cap, sizeof(*ents));

	if (!ents)
		return -ENOMEM;
	for (unsigned int i = 0; i < t->cap; i++)
		if (t->ents[i].count)
			ents[tally_slot(ents, cap, t->ents[i].key)] = t->ents[i];
	rxs__free(t->ents);
	t->ents = ents;
	t->cap = cap;
	t->last_ok = false;
	return 0;
}

/* tally_add()'s slow path: @key is not the last key counted. */
static int tally_insert(struct tally *t, const uint8_t *key, size_t len, uint64_t n)
{
	uint8_t k[KEY_MAX] = { 0 };
	struct tally_ent *e;

	memcpy(k, key, len);
	/* Keep the table at most half full: SURVEY_MAX keys fit in 2 * SURVEY_MAX slots. */
	if (t->n * 2 >= t->cap && t->n < SURVEY_MAX && tally_grow(t) < 0)
		return -ENOMEM;
	t->last = tally_slot(t->ents, t->cap, k);
	e = &t->ents[t->last];
	if (!e->count) {
		if (t->n >= SURVEY_MAX) {
			t->last_ok = false;
			return 0;
		}
		memcpy(e->key, k, KEY_MAX);
		t->n++;
	}
	e->count += n;
	t->last_ok = true;
	return 0;
}

/* Count @key (@len bytes, zero-padded here) @n times. 0 or -ENOMEM. Inline, so that at each
 * call, where @len is a constant, the repeat's comparison is a load or two and no call. */
static RXS_ALWAYS_INLINE int tally_add(struct tally *t, const uint8_t *key, size_t len,
				       uint64_t n)
{
	/* A repeat of the last key, compared on @len bytes: a tally's keys are one length, or
	 * their first byte (the family) says which, so the stored padding matches too. */
	if (t->last_ok && !memcmp(t->ents[t->last].key, key, len)) {
		t->ents[t->last].count += n;
		return 0;
	}
	return tally_insert(t, key, len, n);
}

static int by_count(const void *a, const void *b)
{
	const struct tally_ent *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return memcmp(x->key, y->key, KEY_MAX);
}

/* Pack the used slots to the front and sort them by count; returns how many there are. */
static unsigned int tally_sort(struct tally *t)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < t->cap; i++)
		if (t->ents[i].count)
			t->ents[n++] = t->ents[i];
	if (n)
		qsort(t->ents, n, sizeof(*t->ents), by_count);
	t->last_ok = false;
	return n;
}

/* The headers of one frame, as far as the survey reads them. */
struct pkt {
	const uint8_t *dst, *src;	/* MACs */
	uint16_t vlan;			/* outer VLAN id + 1, 0 = untagged */
	int family;			/* AF_INET, AF_INET6, 0 = not IP */
	const uint8_t *saddr, *daddr;
	uint32_t ip_len;		/* IP packet bytes on the wire */
	int proto;			/* 6 or 17 with ports below, else 0 */
	uint16_t sport, dport;
	uint8_t tcp_flags;
	/* The frame answers one its receiver sent: a SYN-ACK, a reset, an echo reply, an ICMP
	 * error. The host is the station the capture's requests go to. (Not an ARP reply or a
	 * neighbour advertisement: their requests go to a group, so the replies are all the
	 * unicast an address resolution shows, and its asker is the capture's host.) */
	bool answer;
	uint16_t unreach_port;		/* a port unreachable's: the UDP port it quotes, else 0 */
	uint8_t echo;			/* ICMP or ICMPv6 echo: 1 a request, 2 a reply, else 0 */
};

static RXS_ALWAYS_INLINE void parse_l4(struct pkt *k, uint8_t proto, const uint8_t *l4,
				       size_t len)
{
	if ((proto != 6 && proto != 17) || len < 4)
		return;
	k->proto = proto;
	k->sport = rxs__get_be16(l4);
	k->dport = rxs__get_be16(l4 + 2);
	k->tcp_flags = proto == 6 && len >= 14 ? l4[13] : 0;
	k->answer = (k->tcp_flags & 0x12) == 0x12 || (k->tcp_flags & 0x04);
}

/* ICMP (@v6: ICMPv6) at @l4: whether it answers (an echo reply, an error, a redirect) and,
 * for a port unreachable, the UDP port of the datagram it quotes (icmp_send() and
 * icmp6_send() quote its headers). */
static void parse_icmp(struct pkt *k, bool v6, const uint8_t *l4, size_t len)
{
	const uint8_t *q = l4 + 8;	/* the quoted packet */
	size_t qlen = len >= 8 ? len - 8 : 0, qihl;

	if (len < 2)
		return;
	k->echo = l4[0] == (v6 ? 128 : 8) ? 1 : l4[0] == (v6 ? 129 : 0) ? 2 : 0;
	if (!v6) {
		/* echo reply, unreachable, source quench, redirect, time exceeded, parameter
		 * problem, timestamp, information and address mask replies */
		k->answer = l4[0] == 0 || l4[0] == 3 || l4[0] == 4 || l4[0] == 5 || l4[0] == 11 ||
			    l4[0] == 12 || l4[0] == 14 || l4[0] == 16 || l4[0] == 18;
		if (l4[0] != 3 || l4[1] != 3 || qlen < 20 || q[0] >> 4 != 4)
			return;
		qihl = (size_t)(q[0] & 0x0f) * 4;
		if (q[9] == 17 && qihl >= 20 && qlen >= qihl + 4)
			k->unreach_port = rxs__get_be16(q + qihl + 2);
		return;
	}
	/* the errors (1 to 4), echo reply, redirect */
	k->answer = (l4[0] >= 1 && l4[0] <= 4) || l4[0] == 129 || l4[0] == 137;
	if (l4[0] == 1 && l4[1] == 4 && qlen >= 44 && q[0] >> 4 == 6 && q[6] == 17)
		k->unreach_port = rxs__get_be16(q + 42);
}

static void parse_ip(struct pkt *k, const uint8_t *p, size_t len, uint32_t wire)
{
	if (len >= 20 && p[0] >> 4 == 4) {
		size_t ihl = (size_t)(p[0] & 0x0f) * 4;

		if (ihl < 20 || ihl > len)
			return;
		k->family = AF_INET;
		k->saddr = p + 12;
		k->daddr = p + 16;
		k->ip_len = wire;
		if (rxs__get_be16(p + 6) & 0x1fff)	/* a first fragment has the L4 header */
			return;
		if (p[9] == 1)
			parse_icmp(k, false, p + ihl, len - ihl);
		else
			parse_l4(k, p[9], p + ihl, len - ihl);
	} else if (len >= 40 && p[0] >> 4 == 6) {
		k->family = AF_INET6;
		k->saddr = p + 8;
		k->daddr = p + 24;
		k->ip_len = wire;
		if (p[6] == 58)
			parse_icmp(k, true, p + 40, len - 40);
		else
			parse_l4(k, p[6], p + 40, len - 40);
	}
}

static void parse_frame(struct pkt *k, const uint8_t *p, size_t len, uint32_t wire_len)
{
	size_t off = 14;
	uint16_t type;

	memset(k, 0, sizeof(*k));
	k->dst = p;
	k->src = p + 6;
	type = rxs__get_be16(p + 12);
	for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88A8) && len >= off + 4; tags++) {
		if (!tags)
			k->vlan = (uint16_t)((rxs__get_be16(p + off) & 0x0fff) + 1);
		type = rxs__get_be16(p + off + 2);
		off += 4;
	}
	if (type == 0x0800 || type == 0x86DD)
		parse_ip(k, p + off, len - off, wire_len > off ? wire_len - (uint32_t)off : 0);
}

static bool addr_is(const struct pkt *k, const uint8_t *a, const struct rxs_addr *want)
{
	return k->family == want->family &&
	       !memcmp(a, want->addr, want->family == AF_INET ? 4 : 16);
}

static RXS_ALWAYS_INLINE bool unicast_ip(int family, const uint8_t *a)
{
	static const uint8_t unspec[16];

	if (family == AF_INET)	/* not 0.0.0.0, not multicast or class E (255.255.255.255) */
		return a[0] < 224 && rxs__get_be32(a) != 0;
	return a[0] != 0xff && memcmp(a, unspec, 16);
}

/* port_rec() for a port not seen before: a zeroed record, or NULL. */
static RXS_NOINLINE struct port_rec *port_rec_new(struct survey_ctx *c, uint32_t *slot)
{
	if (c->nrecs == c->caprecs) {
		unsigned int cap = c->caprecs ? c->caprecs * 2 : 64;
		struct port_rec *r = rxs__realloc(c->recs, cap * sizeof(*r));

		if (!r)
			return NULL;
		c->recs = r;
		c->caprecs = cap;
	}
	memset(&c->recs[c->nrecs], 0, sizeof(c->recs[0]));
	*slot = ++c->nrecs;
	return &c->recs[*slot - 1];
}

static RXS_ALWAYS_INLINE struct port_rec *port_rec(struct survey_ctx *c, int proto,
						   uint16_t port)
{
	uint32_t *slot = &c->port_idx[(proto == 6 ? 0 : 65536) + port];

	if (unlikely(!*slot))
		return port_rec_new(c, slot);
	return &c->recs[*slot - 1];
}

/* What the ports of one frame say about who serves: +1 the host's @mine, -1 the peer's. The
 * same port both ways is a peer-to-peer protocol's (NTP, PTP, IKE, babel): both serve it. */
static int port_vote(uint16_t mine, uint16_t peer)
{
	if (mine == peer)
		return 1;
	if ((mine < 1024) != (peer < 1024))
		return mine < 1024 ? 1 : -1;
	if ((mine < EPHEMERAL_LOW) != (peer < EPHEMERAL_LOW))
		return mine < EPHEMERAL_LOW ? 1 : -1;
	return 0;
}

/* One UDP/TCP frame of the host's port @mine with the peer's @peer, in (@in) or out. */
static RXS_ALWAYS_INLINE int count_port(struct survey_ctx *c, const struct pkt *k, bool in,
					 bool group, uint64_t n)
{
	uint16_t mine = in ? k->dport : k->sport, peer = in ? k->sport : k->dport;
	struct port_rec *r = port_rec(c, k->proto, mine);
	int v = port_vote(mine, peer);

	if (!r)
		return -ENOMEM;
	if (!r->first)
		r->first = in ? 1 : 2;
	if (in) {
		r->in += (uint32_t)n;
		r->group += (uint32_t)n * group;
		r->peer_map |= 1ull << ((peer * 2654435761u) >> 26);
	} else {
		r->out += (uint32_t)n;
		r->rst_out += (uint32_t)n * (k->proto == 6 && (k->tcp_flags & 0x04));
	}
	if (k->proto == 6 && (k->tcp_flags & 0x02)) {
		bool ack = k->tcp_flags & 0x10;

		if (in)
			*(ack ? &r->synack_in : &r->syn_in) += (uint32_t)n;
		else
			*(ack ? &r->synack_out : &r->syn_out) += (uint32_t)n;
	}
	r->srv += (uint32_t)n * (v > 0);
	r->cli += (uint32_t)n * (v < 0);
	return 0;
}

/* A TCP segment of one of the host's connections, to it (@in) or from it. Only the host's
 * unicast connections: the key is (family, the host's address and port, the peer's). */
static int count_flow(struct survey_ctx *c, const struct pkt *k, bool in, uint64_t n)
{
	size_t alen = k->family == AF_INET ? 4 : 16;
	const uint8_t *mine = in ? k->daddr : k->saddr, *peer = in ? k->saddr : k->daddr;
	uint8_t key[KEY_MAX] = { 0 }, f = k->tcp_flags, flag;
	struct tally *t = &c->flows;

	key[0] = k->family == AF_INET ? 4 : 6;
	memcpy(key + 1, mine, alen);
	rxs__put_be16(key + 17, in ? k->dport : k->sport);
	memcpy(key + 19, peer, alen);
	rxs__put_be16(key + 35, in ? k->sport : k->dport);
	if (in)
		flag = RXS_FLOW_IN | ((f & 0x12) == 0x02 ? RXS_FLOW_SYN_IN : 0) |
		       ((f & 0x12) == 0x12 ? RXS_FLOW_SYNACK_IN : 0);
	else
		flag = (f & 0x04 ? RXS_FLOW_RST_OUT : RXS_FLOW_OUT) |
		       ((f & 0x12) == 0x02 ? RXS_FLOW_SYN_OUT : 0);
	if (tally_add(t, key, KEY_MAX, n) < 0)
		return -ENOMEM;
	if (t->last_ok)
		t->ents[t->last].flags |= flag;
	return 0;
}

/* A frame the host received: unicast to it, or to a group or broadcast. */
static int count_in(struct survey_ctx *c, const struct pkt *k, bool group, uint64_t n)
{
	struct rxs_capture_survey *sv = c->sv;
	uint8_t key[KEY_MAX];
	bool unicast;
	int rc = 0;

	sv->to_host += n;
	sv->unicast_to_host += n * !group;
	if (k->vlan)
		c->vlans[k->vlan - 1] += n;
	if (!k->family)
		return 0;
	sv->ipv6_to_host += n * (k->family == AF_INET6);
	sv->max_ip_len = RXS_MAX(sv->max_ip_len, k->ip_len);
	if (k->echo == 1 && !group)	/* broadcast echoes are ignored by default */
		sv->echo_requests[k->family == AF_INET6] += n;
	key[0] = k->family == AF_INET ? 4 : 6;
	memcpy(key + 1, k->daddr, k->family == AF_INET ? 4 : 16);
	unicast = unicast_ip(k->family, k->daddr);
	if (unicast) {
		rc = k->family == AF_INET ? tally_add(&c->addrs, key, 5, n) :
					      tally_add(&c->addrs, key, 17, n);
	} else if (k->daddr[0] == 0xff || (k->family == AF_INET && k->daddr[0] >= 224 &&
					    k->daddr[0] < 240)) {
		size_t len = k->family == AF_INET ? 5 : 17;

		rc = tally_add(&c->groups, key, len, n);
		if (rc == 0 && k->proto == 17) {
			rxs__put_be16(key + len, k->dport);
			rc = len == 5 ? tally_add(&c->group_ports, key, 7, n) :
					tally_add(&c->group_ports, key, 19, n);
		}
	}
	if (rc == 0 && k->proto)
		rc = count_port(c, k, true, !unicast, n);
	if (rc == 0 && k->proto == 6 && unicast)
		rc = count_flow(c, k, true, n);
	return rc;
}

/* Pass 1: the destination MAC of Ethernet frames, to the picked address if there is one;
 * and the source MAC of the address's own frames, for an address nothing is sent to alone
 * (a router that only speaks to a multicast group). */
static int pass1_frame(struct survey_ctx *c, const struct pkt *k, uint64_t n)
{
	static const uint8_t zero[6];
	bool by_addr = c->sel && c->sel->pick == RXS_PICK_ADDR;
	int rc;

	if (by_addr && k->family && addr_is(k, k->saddr, &c->sel->addr) &&
	    !(k->src[0] & 1) && memcmp(k->src, zero, 6) &&
	    (rc = tally_add(&c->src_macs, k->src, 6, n)) < 0)
		return rc;
	if ((k->dst[0] & 1) || !memcmp(k->dst, zero, 6))
		return 0;
	if (by_addr && !(k->family && addr_is(k, k->daddr, &c->sel->addr)))
		return 0;
	/* Frames that answer count below every other: a station that receives a flood's
	 * SYN-ACKs or a scan's resets asked for them, the host is the one asked (a tie of
	 * requests and answers, an echo's, is the asked one's too). */
	return tally_add(&c->macs, k->dst, 6, k->answer ? n : n << 32);
}

/* Pass 2: the frame from the host's side. @converted frames carry rxsim's MACs. */
static int pass2_frame(struct survey_ctx *c, const struct pkt *k, bool converted, uint64_t n)
{
	const struct rxs_capture_opts *sel = c->sel;
	bool by_addr = sel && sel->pick == RXS_PICK_ADDR;
	bool to, from, group = k->dst[0] & 1;

	if (converted) {
		to = !memcmp(k->dst, conv_host, 6);
		from = !memcmp(k->dst, conv_peer, 6);
	} else {
		to = !memcmp(k->dst, c->host, 6);
		from = !memcmp(k->src, c->host, 6);
	}
	/* Picked by address, the host is that address: other stations behind the same MAC (a
	 * router's) are not it. Non-IP frames to the MAC still reach it. What its MAC sent is
	 * its own whatever the address (the replay skips it); raw IP says nothing of direction,
	 * so there a frame from the address is the host's own unless it is also to it (lo). */
	if (by_addr && k->family) {
		to = to && addr_is(k, k->daddr, &sel->addr);
		if (converted)
			from = from || (!to && addr_is(k, k->saddr, &sel->addr));
	}
	if (from) {
		int rc = k->proto ? count_port(c, k, false, false, n) : 0;

		if (k->echo == 2)
			c->sv->echo_replies[k->family == AF_INET6] += n;
		if (rc == 0 && k->unreach_port) {	/* nothing was bound to the quoted port */
			struct port_rec *r = port_rec(c, 17, k->unreach_port);

			if (!r)
				return -ENOMEM;
			r->unreach_out += (uint32_t)n;
		}

		c->sv->from_host += n;
		if (rc == 0 && k->proto == 6 && unicast_ip(k->family, k->daddr))
			rc = count_flow(c, k, false, n);
		return rc;
	}
	if (to || group)
		return count_in(c, k, group, n);
	return 0;
}

/*
 * A plain frame: untagged IPv4 without options, not a later fragment, TCP or UDP, and
 * captured at least up to the TCP flags. All a plain frame says to the survey is at fixed
 * offsets of its first RAW_LEN bytes, but for its IP packet's length (its wire length less
 * the Ethernet header), so two plain frames say the same exactly when those bytes agree
 * under the mask of the first one's protocol.
 */
#define RAW_LEN 48
#define RAW_WORDS (RAW_LEN / 8)

/* What the survey reads of a plain UDP or TCP frame: MACs, ethertype, version and header
 * length, fragment offset, protocol, addresses, ports, and for TCP the flags. */
union raw_mask {
	uint8_t b[RAW_LEN];
	uint64_t w[RAW_WORDS];
};
#define RAW_MASK(tcp_flags)							\
	{ { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	\
	    0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0x1f, 0xff, 0, 0xff,			\
	    0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,		\
	    0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, tcp_flags } }
static const union raw_mask raw_mask_udp = RAW_MASK(0), raw_mask_tcp = RAW_MASK(0xff);

static bool raw_plain(const uint8_t *p, uint32_t len)
{
	return len >= RAW_LEN && p[12] == 0x08 && p[13] == 0 && p[14] == 0x45 &&
	       !(rxs__get_be16(p + 20) & 0x1fff) && (p[23] == 6 || p[23] == 17);
}

/* What parse_frame() makes of the plain frame @p, read at fixed offsets; all but ip_len. */
static void parse_plain(struct pkt *k, const uint8_t *p)
{
	k->dst = p;
	k->src = p + 6;
	k->vlan = 0;
	k->family = AF_INET;
	k->saddr = p + 26;
	k->daddr = p + 30;
	k->proto = p[23];
	k->sport = rxs__get_be16(p + 34);
	k->dport = rxs__get_be16(p + 36);
	k->tcp_flags = p[23] == 6 ? p[47] : 0;
	k->answer = (k->tcp_flags & 0x12) == 0x12 || (k->tcp_flags & 0x04);
	k->unreach_port = 0;
	k->echo = 0;
}

/* A run of frames that say the same to the survey, kept until it ends (the frames' bytes are
 * gone by then): how many, the longest IP packet, and the first frame's headers. A plain
 * first frame keeps its first RAW_LEN bytes, compared with each next frame before any parse
 * and parsed once, when the run is counted; another keeps its parse in @k, with copies of
 * the bytes that points to. */
struct run {
	struct pkt k;
	uint8_t dst[6], src[6], saddr[16], daddr[16];
	const uint64_t *mask;	/* raw_mask_udp or _tcp; NULL: the first frame is not plain */
	uint64_t raw[RAW_WORDS];
	bool conv;
	uint64_t n;		/* 0: no run */
	uint32_t max_ip_len;
};

/* Does frame @p (@len bytes, @conv) say what the run's plain first frame said? The mask
 * covers what makes a frame plain but its length, so a frame that does is plain too. */
static bool run_same_raw(const struct run *r, const uint8_t *p, uint32_t len, bool conv)
{
	uint64_t d = 0;

	if (!r->mask || len < RAW_LEN || conv != r->conv)
		return false;
#pragma GCC unroll 6
	for (int i = 0; i < RAW_WORDS; i++)
		d |= (load64(p + i * 8) ^ r->raw[i]) & r->mask[i];
	return !d;
}

/* Does frame @k (@conv) say to the survey what the run's first frame said? */
static bool run_same(const struct run *r, const struct pkt *k, bool conv)
{
	const struct pkt *a = &r->k;

	if (a->sport != k->sport || a->dport != k->dport || a->proto != k->proto ||
	    a->tcp_flags != k->tcp_flags || a->family != k->family || a->vlan != k->vlan ||
	    a->answer != k->answer || a->unreach_port != k->unreach_port || a->echo != k->echo ||
	    r->conv != conv || memcmp(r->dst, k->dst, 6) || memcmp(r->src, k->src, 6))
		return false;
	if (k->family == AF_INET)
		return !memcmp(r->saddr, k->saddr, 4) && !memcmp(r->daddr, k->daddr, 4);
	return !k->family || (!memcmp(r->saddr, k->saddr, 16) && !memcmp(r->daddr, k->daddr, 16));
}

/* A run that starts at a frame that is not plain, parsed in @k. */
static void run_start(struct run *r, const struct pkt *k, bool conv)
{
	r->k = *k;
	memcpy(r->dst, k->dst, 6);
	memcpy(r->src, k->src, 6);
	r->k.dst = r->dst;
	r->k.src = r->src;
	if (k->family == AF_INET) {	/* constant sizes: a move or two each, no call */
		memcpy(r->saddr, k->saddr, 4);
		memcpy(r->daddr, k->daddr, 4);
	} else if (k->family) {
		memcpy(r->saddr, k->saddr, 16);
		memcpy(r->daddr, k->daddr, 16);
	}
	if (k->family) {
		r->k.saddr = r->saddr;
		r->k.daddr = r->daddr;
	}
	r->mask = NULL;
	r->conv = conv;
	r->n = 1;
	r->max_ip_len = k->ip_len;
}

/* A run that starts at the plain frame @f. */
static void run_start_plain(struct run *r, const struct rxs_frame *f, bool conv)
{
	memcpy(r->raw, f->data, RAW_LEN);
	r->mask = f->data[23] == 6 ? raw_mask_tcp.w : raw_mask_udp.w;
	r->conv = conv;
	r->n = 1;
	r->max_ip_len = f->wire_len - 14;	/* parse_ip()'s: wire_len >= len >= RAW_LEN */
}

/* Count the run, if there is one, as its frames one by one would have been. */
static int run_count(struct survey_ctx *c, struct run *r)
{
	int rc;

	if (!r->n)
		return 0;
	if (r->mask)
		parse_plain(&r->k, (const uint8_t *)r->raw);
	r->k.ip_len = r->max_ip_len;
	rc = c->pass1 && !r->conv ? pass1_frame(c, &r->k, r->n) : 0;
	if (rc == 0 && c->pass2)
		rc = pass2_frame(c, &r->k, r->conv, r->n);
	r->n = 0;
	return rc;
}

/* Frame @f (@conv, at least an Ethernet header) extends the run, or ends it: then the run is
 * counted and another starts at @f. A frame extends only a run of its own kind, plain or not:
 * a plain frame and another that say the same (one cut short) make two runs, which count what
 * one would. 0 or -ENOMEM. */
static int run_add(struct survey_ctx *c, struct run *r, const struct rxs_frame *f, bool conv)
{
	struct pkt k;
	int rc;

	if (r->n && run_same_raw(r, f->data, f->len, conv)) {
		r->n++;
		r->max_ip_len = RXS_MAX(r->max_ip_len, f->wire_len - 14);
		return 0;
	}
	if (raw_plain(f->data, f->len)) {
		rc = run_count(c, r);
		if (rc == 0)
			run_start_plain(r, f, conv);
		return rc;
	}
	parse_frame(&k, f->data, f->len, f->wire_len);
	if (r->n && !r->mask && run_same(r, &k, conv)) {
		r->n++;
		r->max_ip_len = RXS_MAX(r->max_ip_len, k.ip_len);
		return 0;
	}
	rc = run_count(c, r);
	if (rc == 0)
		run_start(r, &k, conv);
	return rc;
}

static int survey_read(struct survey_ctx *c, rxs_source_t *src)
{
	struct rxs_frame f;
	struct run run = { .n = 0 };
	uint64_t converted = 0, n = 0;
	int rc, rc2;

	while ((rc = rxs__source_next_inline(src, &f)) > 0) {
		bool conv;

		if (c->limit && n++ == c->limit) {
			c->cut = true;
			break;
		}
		/* the source's own count, read in place: this loop is the survey's hot one */
		conv = src->stats.link_converted != converted;
		converted = src->stats.link_converted;
		if (f.len >= 14 && (rc2 = run_add(c, &run, &f, conv)) < 0)
			return rc2;
	}
	rc2 = run_count(c, &run);
	if (rc2 < 0)
		return rc2;
	c->sv->frames = src->stats.frames;
	c->sv->converted = src->stats.link_converted;
	return rc;
}

static int by_port(const void *a, const void *b)
{
	const struct rxs_capture_port *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return (x->port > y->port) - (x->port < y->port);
}

static void export_addr(struct rxs_addr *a, const uint8_t *key)
{
	memset(a, 0, sizeof(*a));
	a->family = key[0] == 4 ? AF_INET : AF_INET6;
	a->prefix = key[0] == 4 ? 32 : 128;
	memcpy(a->addr, key + 1, key[0] == 4 ? 4 : 16);
}

static void export_port(struct rxs_capture_port *p, const struct port_rec *r, int proto,
			uint16_t port)
{
	p->proto = proto;
	p->port = port;
	p->in = r->in;
	p->out = r->out;
	p->syn_in = r->syn_in;
	p->synack_out = r->synack_out;
	p->syn_out = r->syn_out;
	p->synack_in = r->synack_in;
	p->group = r->group;
	p->server_votes = r->srv;
	p->client_votes = r->cli;
	p->peer_ports = (unsigned int)__builtin_popcountll(r->peer_map);
	p->first = r->first;
	p->rst_out = r->rst_out;
	p->unreach_out = r->unreach_out;
}

/* On lo the host is both ends: what one end received, the other sent. Each flow takes the
 * flags of its reverse flow, turned round, so the client's end knows it sent the SYN. */
static void flows_turn(struct tally *t)
{
	static const uint8_t turn[][2] = {
		{ RXS_FLOW_IN, RXS_FLOW_OUT }, { RXS_FLOW_SYN_IN, RXS_FLOW_SYN_OUT },
		{ RXS_FLOW_OUT, RXS_FLOW_IN }, { RXS_FLOW_SYN_OUT, RXS_FLOW_SYN_IN },
	};

	for (unsigned int i = 0; i < t->cap; i++) {
		struct tally_ent *e = &t->ents[i], *r;
		uint8_t key[KEY_MAX];

		if (!e->count)
			continue;
		key[0] = e->key[0];
		memcpy(key + 1, e->key + 19, 18);
		memcpy(key + 19, e->key + 1, 18);
		r = &t->ents[tally_slot(t->ents, t->cap, key)];
		for (unsigned int j = 0; r->count && j < ARRAY_SIZE(turn); j++)
			if (r->flags & turn[j][0])
				e->rflags |= turn[j][1];
	}
	for (unsigned int i = 0; i < t->cap; i++)
		t->ents[i].flags |= t->ents[i].rflags;
}

static int export_flows(struct rxs_capture_survey *sv, struct survey_ctx *c)
{
	unsigned int n;

	if (c->flows.cap)
		flows_turn(&c->flows);
	n = tally_sort(&c->flows);
	sv->flows = rxs__calloc(n + 1, sizeof(*sv->flows));
	if (!sv->flows)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		const struct tally_ent *e = &c->flows.ents[i];
		struct rxs_capture_flow *f = &sv->flows[i];
		uint8_t a[KEY_MAX];

		export_addr(&f->local, e->key);
		a[0] = e->key[0];
		memcpy(a + 1, e->key + 19, 16);
		export_addr(&f->peer, a);
		f->lport = rxs__get_be16(e->key + 17);
		f->pport = rxs__get_be16(e->key + 35);
		f->segs = e->count;
		f->flags = e->flags;
	}
	sv->nflows = n;
	return 0;
}

static int export_survey(struct rxs_capture_survey *sv, struct survey_ctx *c)
{
	unsigned int na = tally_sort(&c->addrs), ng = tally_sort(&c->groups), nv = 0, n = 0;
	unsigned int ngp = tally_sort(&c->group_ports);

	for (unsigned int i = 0; i < 4096; i++)
		nv += c->vlans[i] != 0;
	sv->addrs = rxs__calloc(na + 1, sizeof(*sv->addrs));
	sv->addr_frames = rxs__calloc(na + 1, sizeof(*sv->addr_frames));
	sv->groups = rxs__calloc(ng + 1, sizeof(*sv->groups));
	sv->group_ports = rxs__calloc(ngp + 1, sizeof(*sv->group_ports));
	sv->vlans = rxs__calloc(nv + 1, sizeof(*sv->vlans));
	sv->ports = rxs__calloc(c->nrecs + 1, sizeof(*sv->ports));
	if (!sv->addrs || !sv->addr_frames || !sv->groups || !sv->group_ports || !sv->vlans ||
	    !sv->ports)
		return -ENOMEM;
	for (unsigned int i = 0; i < na; i++) {
		export_addr(&sv->addrs[i], c->addrs.ents[i].key);
		sv->addr_frames[i] = c->addrs.ents[i].count;
	}
	for (unsigned int i = 0; i < ng; i++) {
		export_addr(&sv->groups[i].addr, c->groups.ents[i].key);
		sv->groups[i].frames = c->groups.ents[i].count;
	}
	for (unsigned int i = 0; i < ngp; i++) {
		const uint8_t *k = c->group_ports.ents[i].key;

		export_addr(&sv->group_ports[i].addr, k);
		sv->group_ports[i].port = rxs__get_be16(k + (k[0] == 4 ? 5 : 17));
		sv->group_ports[i].frames = c->group_ports.ents[i].count;
	}
	sv->ngroup_ports = ngp;
	for (unsigned int i = 0; i < 4096; i++)
		if (c->vlans[i]) {
			sv->vlans[sv->nvlans].id = (uint16_t)i;
			sv->vlans[sv->nvlans++].frames = c->vlans[i];
		}
	for (unsigned int i = 0; i < 2 * 65536u && c->nrecs; i++)
		if (c->port_idx[i])
			export_port(&sv->ports[n++], &c->recs[c->port_idx[i] - 1],
				    i < 65536 ? 6 : 17, (uint16_t)(i & 0xffff));
	qsort(sv->ports, n, sizeof(*sv->ports), by_port);
	sv->naddrs = na;
	sv->ngroups = ng;
	sv->nports = n;
	return export_flows(sv, c);
}

static int export_macs(struct rxs_capture_survey *sv, struct survey_ctx *c)
{
	unsigned int nm = tally_sort(&c->macs);

	if (!nm && (nm = tally_sort(&c->src_macs)) != 0) {
		struct tally t = c->macs;

		c->macs = c->src_macs;
		c->src_macs = t;
	}

	sv->macs = rxs__calloc(nm + 1, sizeof(*sv->macs));
	if (!sv->macs)
		return -ENOMEM;
	for (unsigned int i = 0; i < nm; i++)
		memcpy(sv->macs[i], c->macs.ents[i].key, 6);
	sv->nmacs = nm;
	return 0;
}

/* One pass over @path. 0, or <0 with @err set; a file broken part-way is not an error here
 * (sv->read_error). */
static int survey_pass(struct survey_ctx *c, const char *path, char *err, size_t errlen)
{
	/* Checksums as captured: nothing here reads one. */
	RXS_OPTS(rxs_source_opts, opts, .checksums = RXS_CSUM_VERIFY);
	rxs_source_t *src;
	int rc;

	memcpy(opts.host_mac, conv_host, 6);
	memcpy(opts.peer_mac, conv_peer, 6);
	rc = rxs_source_open_pcap(&src, path, &opts, err, errlen);
	if (rc < 0)
		return rc;
	rc = survey_read(c, src);
	if (rc < 0 && rc != -ENOMEM) {
		/* A capture broken part-way: what came before the damage is still surveyed, so a
		 * replay can do what the file allows and then report the same error. */
		snprintf(err, errlen, "%s", rxs_source_errmsg(src));
		c->sv->read_error = rc;
		rc = 0;
	}
	rxs_source_close(src);
	return rc;
}

/* The MAC pass 1 has counted most (export_macs()'s first), without sorting: false if none. */
static bool macs_top(const struct survey_ctx *c, uint8_t mac[6])
{
	const struct tally *t = c->macs.n ? &c->macs : &c->src_macs;
	const struct tally_ent *best = NULL;

	for (unsigned int i = 0; i < t->cap; i++)
		if (t->ents[i].count && (!best || by_count(&t->ents[i], best) < 0))
			best = &t->ents[i];
	if (best)
		memcpy(mac, best->key, 6);
	return best != NULL;
}

static void tally_free(struct tally *t)
{
	rxs__free(t->ents);
	memset(t, 0, sizeof(*t));
}

/* Forget what pass 2 counted, to count again with another MAC. */
static void pass2_reset(struct survey_ctx *c)
{
	struct rxs_capture_survey *sv = c->sv;

	tally_free(&c->addrs);
	tally_free(&c->groups);
	tally_free(&c->group_ports);
	tally_free(&c->flows);
	memset(c->port_idx, 0, 2 * 65536u * sizeof(*c->port_idx));
	c->nrecs = 0;
	memset(c->vlans, 0, sizeof(c->vlans));
	sv->to_host = sv->from_host = sv->unicast_to_host = sv->ipv6_to_host = 0;
	memset(sv->echo_requests, 0, sizeof(sv->echo_requests));
	memset(sv->echo_replies, 0, sizeof(sv->echo_replies));
	sv->max_ip_len = 0;
}

static int survey_host(struct survey_ctx *c, const char *path, char *err, size_t errlen)
{
	struct rxs_capture_survey *sv = c->sv;
	bool by_mac = c->sel && c->sel->pick == RXS_PICK_MAC;
	bool both = false;
	int rc = 0;

	c->port_idx = rxs__calloc(2 * 65536u, sizeof(*c->port_idx));
	if (!c->port_idx)
		return -ENOMEM;
	if (by_mac) {
		memcpy(sv->host_mac, c->sel->mac, 6);
		sv->host_mac_found = true;
		sv->macs = rxs__calloc(1, sizeof(*sv->macs));
		if (!sv->macs)
			return -ENOMEM;
	} else {
		/* Pass 1 over the file's first part; if that was all of it, its MAC is the
		 * answer, else a guess that pass 1 and 2 together over the whole file check. */
		c->pass1 = true;
		c->limit = SURVEY_GUESS_FRAMES;
		rc = survey_pass(c, path, err, errlen);
		c->limit = 0;
		if (rc < 0)
			return rc;
		if (c->cut) {
			both = true;
			sv->host_mac_found = macs_top(c, sv->host_mac);
			tally_free(&c->macs);
			tally_free(&c->src_macs);
		} else {
			rc = export_macs(sv, c);
			if (rc < 0)
				return rc;
			c->pass1 = false;
			if (sv->nmacs) {
				memcpy(sv->host_mac, sv->macs[0], 6);
				sv->host_mac_found = true;
			}
		}
	}
	memcpy(c->host, sv->host_mac, 6);
	c->pass2 = true;
	sv->read_error = 0;
	rc = survey_pass(c, path, err, errlen);
	if (rc < 0 || !both)
		return rc < 0 ? rc : export_survey(sv, c);
	rc = export_macs(sv, c);
	if (rc < 0)
		return rc;
	if (sv->host_mac_found != (sv->nmacs != 0) ||
	    (sv->nmacs && memcmp(sv->host_mac, sv->macs[0], 6))) {
		/* The guess was wrong: pass 2 again, with the MAC of the whole file. */
		memset(sv->host_mac, 0, 6);
		sv->host_mac_found = sv->nmacs != 0;
		if (sv->nmacs)
			memcpy(sv->host_mac, sv->macs[0], 6);
		memcpy(c->host, sv->host_mac, 6);
		pass2_reset(c);
		c->pass1 = false;
		sv->read_error = 0;
		rc = survey_pass(c, path, err, errlen);
		if (rc < 0)
			return rc;
	}
	return export_survey(sv, c);
}

int rxs_capture_survey_host(struct rxs_capture_survey *sv, const char *path,
			    const struct rxs_capture_opts *opts, char *err, size_t errlen)
{
	RXS_OPTS(rxs_capture_opts, o);
	struct survey_ctx *c;
	int rc;

	memset(sv, 0, sizeof(*sv));
	if (rxs__opts_copy(&o, sizeof(o), opts) < 0) {
		snprintf(err, errlen, "%s: options of a size this rxsim does not know (%zu bytes)",
			 path, opts->sz);
		return -EINVAL;
	}
	c = rxs__calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	c->opts = o;
	c->sel = o.pick != RXS_PICK_AUTO ? &c->opts : NULL;
	c->sv = sv;
	rc = survey_host(c, path, err, errlen);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", path);
	rxs__free(c->macs.ents);
	rxs__free(c->src_macs.ents);
	rxs__free(c->addrs.ents);
	rxs__free(c->groups.ents);
	rxs__free(c->group_ports.ents);
	rxs__free(c->flows.ents);
	rxs__free(c->port_idx);
	rxs__free(c->recs);
	rxs__free(c);
	if (rc < 0)
		rxs_capture_survey_free(sv);
	return rc;
}

int rxs_capture_survey(struct rxs_capture_survey *sv, const char *path, char *err, size_t errlen)
{
	return rxs_capture_survey_host(sv, path, NULL, err, errlen);
}

int rxs_capture_survey_mac(struct rxs_capture_survey *sv, const char *path, const uint8_t *mac,
			   char *err, size_t errlen)
{
	RXS_OPTS(rxs_capture_opts, sel, .pick = mac ? RXS_PICK_MAC : RXS_PICK_AUTO);

	if (mac)
		memcpy(sel.mac, mac, 6);
	return rxs_capture_survey_host(sv, path, &sel, err, errlen);
}

void rxs_capture_survey_free(struct rxs_capture_survey *sv)
{
	rxs__free(sv->macs);
	rxs__free(sv->addrs);
	rxs__free(sv->addr_frames);
	rxs__free(sv->ports);
	rxs__free(sv->groups);
	rxs__free(sv->group_ports);
	rxs__free(sv->vlans);
	rxs__free(sv->flows);
	memset(sv, 0, sizeof(*sv));
}
