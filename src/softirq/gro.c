/* gro.c - generic receive offload for TCP over IPv4 and IPv6 (net/core/gro.c,
 * net/ipv4/af_inet.c inet_gro_receive, net/ipv6/ip6_offload.c, net/ipv4/tcp_offload.c).
 *
 * A NAPI holds skbs in 8 buckets by skb->hash & 7, at most 8 flows a bucket, oldest first.
 * An arriving TCP segment looks for a held skb of its flow (same device, MAC header, hash,
 * addresses, protocol and ports) and is merged into it when tcp_gro_receive() allows:
 * contiguous sequence, same ACK, same flag word apart from CWR/FIN/PSH (so same window and
 * header length), byte-identical options, a payload of at most the first segment's, a valid
 * checksum, a total under 64 KiB, matching IP TTL/TOS/DF and an IP ID that increments (or,
 * with DF, stays fixed). A segment that cannot merge flushes the held skb of its flow and
 * is held itself, unless it has to be flushed at once: no payload (a pure ACK), or URG, PSH,
 * RST, SYN or FIN. A merged segment smaller than the first, or with PSH, ends its flow.
 *
 * Our skbs are linear, so a merge copies the payload to the tail of the held skb, which
 * moves to a 64 KiB buffer at its first merge; the merged-away skb is consumed, as
 * napi_skb_finish() frees it with SKB_CONSUMED. A completed skb has its IP length and
 * checksums rewritten (the kernel leaves the TCP checksum CHECKSUM_PARTIAL; ours are
 * written, for whoever reads the bytes), carries gso_segs and gso_size, and the sum of the
 * truesizes. A segment whose checksum GRO validated is CHECKSUM_UNNECESSARY, so TCP does
 * not check it again.
 * Segments are passed up one by one (gro_normal_batch is not modelled: only the order of
 * other flows' skbs against held ones would change).
 */
#include <string.h>

#include "host.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "softirq/softirq.h"

#define ETH_HLEN 14
#define GRO_MAX_SIZE 65536		/* GRO_LEGACY_MAX_SIZE: gro_max_size default */
#define GRO_HEADROOM (RXS_NET_SKB_PAD - ETH_HLEN)	/* mac header of a 64 KiB buffer */

/* TCP flag word (bytes 12-15: data offset, flags, window), host order. */
#define TCP_FLAG_CWR 0x00800000u
#define TCP_FLAG_URG 0x00200000u
#define TCP_FLAG_PSH 0x00080000u
#define TCP_FLAG_RST 0x00040000u
#define TCP_FLAG_SYN 0x00020000u
#define TCP_FLAG_FIN 0x00010000u

/* NAPI_GRO_CB(): a held skb's GRO state, in skb->cb until it is passed up. */
struct gro_cb {
	uint64_t age;		/* jiffies when it was first held */
	uint16_t count;		/* segments in the skb */
	uint16_t ip_id;		/* the first segment's IPv4 ID */
	bool fixed_id;		/* DF set and the ID does not move (ip_fixedid) */
	bool flush;		/* IP fields differ from the next segment's: no merge */
};

#define GRO_CB(skb) ((struct gro_cb *)(void *)(skb)->cb)

/* What GRO reads of a TCP segment. */
struct seg {
	uint8_t *l3, *th;
	unsigned int family, l3len, thlen, iplen, payload;
	uint32_t flags;		/* the flag word */
	bool flush;		/* IP-level: may not merge, and flushes its flow */
};

/* The L4 checksum over the pseudo header of @s, for @len bytes of TCP at s->th. An IPv4
 * pair of addresses is summed as its four 16-bit words, without a pass of its own. */
static uint16_t tcp_csum(const struct seg *s, unsigned int len)
{
	uint32_t sum;

	if (s->family == 4) {
		uint32_t sa = rxs__get_be32(s->l3 + 12), da = rxs__get_be32(s->l3 + 16);

		sum = (sa >> 16) + (sa & 0xFFFFu) + (da >> 16) + (da & 0xFFFFu);
	} else {
		sum = rxs__csum_partial(s->l3 + 8, 32, 0);
	}
	sum = rxs__csum_partial(s->th, len, sum + 6 + len);
	return rxs__csum_fold(sum);
}

/* Parse @skb as IPv4/IPv6 + TCP. False: not for TCP GRO, pass it up as it is. */
static bool seg_parse(struct rxs_sk_buff *skb, struct seg *s)
{
	uint8_t *p = skb->data;

	/* @s is cleared only for TCP: the UDP that comes by passes up without a look at it. */
	if (skb->protocol == 0x0800 && skb->len >= 20 && p[0] == 0x45 && p[9] == 6) {
		/* inet_gro_receive(): no IP options, a whole valid header; a fragment or a
		 * length other than the skb's (Ethernet padding) flushes. */
		memset(s, 0, sizeof(*s));
		s->family = 4;
		s->l3len = 20;
		s->iplen = rxs__get_be16(p + 2);
		if (rxs__csum_fold(rxs__csum_partial(p, 20, 0)))
			return false;
		s->flush = s->iplen != skb->len || (rxs__get_be16(p + 6) & 0xbfff);
	} else if (skb->protocol == 0x86dd && skb->len >= 40 && (p[0] >> 4) == 6 && p[6] == 6) {
		memset(s, 0, sizeof(*s));
		s->family = 6;
		s->l3len = 40;
		s->iplen = 40u + rxs__get_be16(p + 4);
		s->flush = s->iplen != skb->len;
	} else {
		return false;
	}
	s->l3 = p;
	if (skb->data - skb->head != skb->mac_header + ETH_HLEN || skb->len < s->l3len + 20)
		return false;
	s->th = p + s->l3len;
	s->thlen = (s->th[12] >> 4) * 4u;
	if (s->thlen < 20 || s->l3len + s->thlen > RXS_MIN(s->iplen, skb->len))
		return false;
	s->payload = s->iplen - s->l3len - s->thlen;
	s->flags = rxs__get_be32(s->th + 12);
	return true;
}

/* gro_list_prepare() and the IP part of inet_gro_receive()/ipv6_gro_receive(): is @p of
 * @skb's flow? Sets GRO_CB(p)->flush when IP fields forbid a merge. */
static bool same_flow(struct rxs_sk_buff *p, const struct rxs_sk_buff *skb, const struct seg *s)
{
	const uint8_t *a = s->l3, *b = p->data;

	/* gro_list_prepare(): a stripped tag is part of the L2 header. */
	if (p->hash != skb->hash || p->dev != skb->dev || p->protocol != skb->protocol ||
	    p->vlan_proto != skb->vlan_proto || p->vlan_tci != skb->vlan_tci ||
	    memcmp(rxs_skb_mac_header(p), rxs_skb_mac_header(skb), ETH_HLEN))
		return false;
	if (s->family == 4) {
		uint16_t id = rxs__get_be16(a + 4), id2 = rxs__get_be16(b + 4);
		bool df = a[6] & 0x40;

		if (memcmp(a + 12, b + 12, 8) || a[9] != b[9])
			return false;
		/* inet_gro_flush(): TTL, TOS and DF equal; the ID moves by one a segment,
		 * or with DF may stay fixed, decided at the second segment. */
		GRO_CB(p)->flush = a[8] != b[8] || a[1] != b[1] || df != (bool)(b[6] & 0x40);
		if (GRO_CB(p)->count == 1 && df && id == id2)
			GRO_CB(p)->fixed_id = true;
		if ((uint16_t)(id - GRO_CB(p)->ip_id) != (GRO_CB(p)->fixed_id ? 0 : GRO_CB(p)->count))
			GRO_CB(p)->flush = true;
	} else {
		/* Version and flow label must match; traffic class or hop limit flush. */
		if ((rxs__get_be32(a) ^ rxs__get_be32(b)) & 0xF00FFFFFu || memcmp(a + 8, b + 8, 32))
			return false;
		GRO_CB(p)->flush = ((rxs__get_be32(a) ^ rxs__get_be32(b)) & 0x0FF00000u) ||
				   a[7] != b[7];
	}
	/* tcp_gro_lookup(): the ports. */
	return !memcmp(s->th, b + s->l3len, 4);
}

/* tcp_gro_receive()'s merge test against held @p (whose headers are at p->data). */
static bool can_merge(struct rxs_sk_buff *p, const struct seg *s)
{
	const uint8_t *th2 = p->data + s->l3len;
	uint32_t flags2 = rxs__get_be32(th2 + 12);
	unsigned int p_payload = p->len - s->l3len - s->thlen;

	if (GRO_CB(p)->flush || s->flush || (s->flags & TCP_FLAG_CWR))
		return false;
	if ((s->flags ^ flags2) & ~(TCP_FLAG_CWR | TCP_FLAG_FIN | TCP_FLAG_PSH))
		return false;	/* flags, header length or window differ */
	if (memcmp(s->th + 8, th2 + 8, 4) || memcmp(s->th + 20, th2 + 20, s->thlen - 20))
		return false;	/* ack_seq, options (timestamps included) */
	if (s->payload - 1u >= p->gso_size)
		return false;	/* bigger than the first segment, or no payload */
	if (rxs__get_be32(th2 + 4) + p_payload != rxs__get_be32(s->th + 4))
		return false;	/* not contiguous */
	/* skb_gro_receive(): -E2BIG at gro_max_size. */
	return p->len + s->payload < GRO_MAX_SIZE && GRO_CB(p)->count < UINT16_MAX;
}

/* Move held @p to a 64 KiB buffer (its first merge), keeping the skb itself: its identity
 * (id, counted, tstamp) is the packet's. False without memory. */
static bool grow(struct rxs_sk_buff *p)
{
	struct rxs_sk_buff *n;
	uint32_t from = p->mac_header, len = p->tail - from;
	uint8_t *head;
	struct rxs_skb_data *shared;
	uint32_t end;

	/* Already moved: our 64 KiB buffers alone put the MAC header at GRO_HEADROOM. */
	if (p->end == RXS_SKB_LARGE_BUF && p->mac_header == GRO_HEADROOM)
		return true;
	n = rxs__skb_alloc(p->pool, RXS_SKB_LARGE_BUF - RXS_NET_SKB_PAD);
	if (!n)
		return false;
	memcpy(n->head + GRO_HEADROOM, p->head + from, len);
	/* Swap the buffers: @n leaves with the small one and is recycled (it is no frame). */
	head = p->head, shared = p->shared, end = p->end;
	p->data = n->head + GRO_HEADROOM + ((uint32_t)(p->data - p->head) - from);
	p->network_header = (uint16_t)(p->network_header - from + GRO_HEADROOM);
	p->transport_header = p->transport_header == 0xffff ? 0xffff :
			      (uint16_t)(p->transport_header - from + GRO_HEADROOM);
	p->mac_header = GRO_HEADROOM;
	p->tail = GRO_HEADROOM + len;
	p->head = n->head, p->shared = n->shared, p->end = n->end;
	n->head = head, n->shared = shared, n->end = end;
	n->data = head;
	rxs_consume_skb(n);
	return true;
}

/* skb_gro_receive() on a linear skb: append @skb's payload to @p, then consume @skb. */
static void merge(struct rxs_gro *gro, struct rxs_sk_buff *p, struct rxs_sk_buff *skb,
		  const struct seg *s)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	uint8_t *th2 = p->data + s->l3len;

	memcpy(rxs_skb_tail_pointer(p), s->th + s->thlen, s->payload);
	p->tail += s->payload;
	p->len += s->payload;
	p->truesize += skb->truesize;
	GRO_CB(p)->count++;
	/* tcp_flag_word(th2) |= flags & (FIN | PSH) */
	th2[13] |= (uint8_t)((s->flags & (TCP_FLAG_FIN | TCP_FLAG_PSH)) >> 16);
	gro->stats.merged++;
	rxs__charge(sd, rxs__cost(sd->host, RXS_COST_GRO));
	rxs_consume_skb(skb);
}

/* gro_complete() + inet_gro_complete() + tcp_gro_complete(), then gro_normal_one(). */
static void complete(struct rxs_gro *gro, struct rxs_sk_buff *p)
{
	uint16_t count = GRO_CB(p)->count;
	struct seg s;

	memset(p->cb, 0, sizeof(p->cb));
	p->next = NULL;
	if (count <= 1) {
		p->gso_size = 0;
		gro->stats.normal++;
		rxs__netif_receive_skb_internal(p);
		return;
	}
	p->gso_segs = count;
	seg_parse(p, &s);
	if (s.family == 4) {
		rxs__put_be16(p->data + 2, (uint16_t)p->len);
		rxs__put_be16(p->data + 10, 0);
		rxs__put_be16(p->data + 10, rxs__csum_fold(rxs__csum_partial(p->data, 20, 0)));
	} else {
		rxs__put_be16(p->data + 4, (uint16_t)(p->len - 40));
	}
	rxs__put_be16(s.th + 16, 0);
	rxs__put_be16(s.th + 16, tcp_csum(&s, p->len - s.l3len));
	gro->stats.skbs++;
	gro->stats.packets += count;
	gro->stats.bytes += p->tail - p->mac_header + (count - 1u) * (uint64_t)(ETH_HLEN +
			    s.l3len + s.thlen);
	rxs__netif_receive_skb_internal(p);
}

/* Take held @p off bucket @b (it is there) and complete it. */
static void flush_one(struct rxs_gro *gro, unsigned int b, struct rxs_sk_buff *p)
{
	struct rxs_sk_buff **pp = &gro->hash[b];

	while (*pp != p)
		pp = &(*pp)->next;
	*pp = p->next;
	if (!--gro->count[b])
		gro->bitmask &= ~(1u << b);
	complete(gro, p);
}

/* Hold @skb as a new flow at the tail of bucket @b; a full bucket flushes its oldest. */
static void hold(struct rxs_gro *gro, unsigned int b, struct rxs_sk_buff *skb,
		 const struct seg *s)
{
	struct rxs_sk_buff **pp;

	if (gro->count[b] >= RXS_GRO_MAX_SKBS)
		flush_one(gro, b, gro->hash[b]);
	memset(skb->cb, 0, sizeof(skb->cb));
	GRO_CB(skb)->count = 1;
	GRO_CB(skb)->age = gro->jiffies;
	GRO_CB(skb)->ip_id = s->family == 4 ? rxs__get_be16(s->l3 + 4) : 0;
	skb->gso_size = (uint16_t)s->payload;
	skb->next = NULL;
	for (pp = &gro->hash[b]; *pp; pp = &(*pp)->next)
		;
	*pp = skb;
	gro->count[b]++;
	gro->bitmask |= 1u << b;
	gro->stats.flows++;
}

static void pass_up(struct rxs_gro *gro, struct rxs_sk_buff *skb)
{
	gro->stats.normal++;
	rxs__netif_receive_skb_internal(skb);
}

/*
 * dev_gro_receive() for one TCP segment, decided as tcp_gro_receive() does: merged (and
 * maybe its flow completed), or the held skb of its flow completed and @skb held or passed
 * up. URG, PSH, RST, SYN, FIN, no payload, or a payload under the flow's MSS end the flow.
 */
void rxs__napi_gro_receive(struct rxs_gro *gro, struct rxs_sk_buff *skb)
{
	unsigned int b = skb->hash & (RXS_GRO_HASH_BUCKETS - 1), mss = 1;
	struct rxs_sk_buff *p;
	struct seg s;
	bool merged = false, flush;

	if (!seg_parse(skb, &s)) {
		pass_up(gro, skb);
		return;
	}
	for (p = gro->hash[b]; p && !same_flow(p, skb, &s); p = p->next)
		;
	/* tcp4_gro_receive(): a bad checksum is passed up as it is, the flow left alone; a good
	 * one is not checked again (skb_gro_checksum_validate(): CHECKSUM_UNNECESSARY). */
	if (!s.flush) {
		if (tcp_csum(&s, s.iplen - s.l3len)) {
			pass_up(gro, skb);
			return;
		}
		skb->ip_summed = RXS_CHECKSUM_UNNECESSARY;
	}
	if (p && can_merge(p, &s) && grow(p)) {
		mss = p->gso_size;
		merge(gro, p, skb, &s);
		merged = true;
	}
	flush = s.payload < mss || (s.flags & (TCP_FLAG_URG | TCP_FLAG_PSH | TCP_FLAG_RST |
					       TCP_FLAG_SYN | TCP_FLAG_FIN));
	if (p && (!merged || flush))
		flush_one(gro, b, p);
	if (merged)
		return;
	if (flush || s.flush)
		pass_up(gro, skb);
	else
		hold(gro, b, skb, &s);
}

void rxs__gro_flush(struct rxs_gro *gro, bool flush_old)
{
	/* napi_gro_flush() visits only the buckets gro_bitmask marks: a poll of traffic GRO
	 * holds nothing of (UDP, most of it) flushes in one test. __gro_flush_chain(): oldest
	 * first, so the first one young enough ends the chain. */
	for (unsigned int bits = gro->bitmask, b; bits; bits &= bits - 1) {
		b = (unsigned int)__builtin_ctz(bits);
		while (gro->hash[b] && !(flush_old && GRO_CB(gro->hash[b])->age == gro->jiffies))
			flush_one(gro, b, gro->hash[b]);
	}
}

uint32_t rxs__gro_held(const struct rxs_gro *gro)
{
	uint32_t n = 0;

	for (unsigned int b = 0; b < RXS_GRO_HASH_BUCKETS; b++)
		n += gro->count[b];
	return n;
}

void rxs__gro_purge(struct rxs_gro *gro)
{
	for (unsigned int b = 0; b < RXS_GRO_HASH_BUCKETS; b++) {
		while (gro->hash[b]) {
			struct rxs_sk_buff *skb = gro->hash[b];

			gro->hash[b] = skb->next;
			gro->count[b]--;
			rxs_kfree_skb_reason(skb, RXS_DROP_NOT_SPECIFIED);
		}
	}
	gro->bitmask = 0;
}
