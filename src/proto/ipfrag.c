/* ipfrag.c - IPv4 and IPv6 reassembly (net/ipv4/ip_fragment.c, net/ipv6/reassembly.c).
 *
 * A queue per (saddr, daddr, id, protocol) keeps its fragments sorted by offset. As in the
 * kernel since 2018, an overlapping fragment kills the whole queue (RFC 5722 behaviour),
 * an exact duplicate is dropped alone, queues expire after net.ipv4.ipfrag_time, and new
 * queues are refused while the memory held passes net.ipv4.ipfrag_high_thresh. The first
 * fragment's skb becomes the reassembled datagram, so for conservation the datagram is that
 * frame and the other fragments are consumed into it. A queue's own memory stays charged
 * until its timer frees it, so ipfrag_high_thresh bounds the queues too, not only the
 * fragments they hold. IPv6 shares the machinery (and, in rxsim, the ipfrag_* limits): its
 * queue also remembers the unfragmentable part and where its "next header" byte is, so the
 * reassembled datagram reads as if it had never been fragmented.
 */
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"
#include "proto/proto_int.h"

#define IP_MF 0x2000
#define IP_OFFSET 0x1fff

/* What identifies a datagram's fragments (ip4_frag_match / ip6frag_match). */
struct frag_key {
	uint8_t family;
	uint8_t protocol;	/* IPv4 only */
	uint32_t id;
	uint8_t saddr[16], daddr[16];
};

struct ipq {
	struct ipq *next;
	struct rxs_host *host;
	struct frag_key key;
	uint16_t unfrag;	/* IPv6: bytes before the fragment header; IPv4: unused */
	uint16_t nexthdr_off;	/* IPv6: where the byte naming the fragment header is */
	uint8_t nexthdr;	/* IPv6: what the fragment header says comes next */
	bool last_in;		/* the fragment without MF was seen: len is known */
	bool dead;
	uint32_t len;		/* total payload length, when last_in */
	uint32_t meat;		/* payload bytes received */
	struct rxs_sk_buff *frags;	/* sorted by offset */
};

struct rxs_ipfrags {
	struct ipq *queues;
	uint64_t mem;		/* truesize held */
	uint64_t queued;	/* fragments held */
};

/* struct ipfrag_skb_cb: a queued fragment's place in its datagram, after the IP layer's
 * block it embeds: payload bytes [off, end) of the datagram, and where its payload starts
 * from its network header. */
struct rxs_frag_skb_cb {
	struct rxs_inet_cb header;
	uint32_t off, end;
	uint16_t hdr;
};

#define FRAG_CB(skb) ((struct rxs_frag_skb_cb *)(void *)(skb)->cb)
#define FRAG_OFF(skb) (FRAG_CB(skb)->off)
#define FRAG_END(skb) (FRAG_CB(skb)->end)
#define FRAG_HDR(skb) (FRAG_CB(skb)->hdr)
_Static_assert(sizeof(struct rxs_frag_skb_cb) <= sizeof(((struct rxs_sk_buff *)0)->cb),
	       "frag cb fits skb->cb");

/* The counters of one family. */
struct frag_mibs {
	enum rxs_mib reqds, oks, fails, timeout;
};

static const struct frag_mibs ip4_mibs = {
	RXS_MIB_IpReasmReqds, RXS_MIB_IpReasmOKs, RXS_MIB_IpReasmFails, RXS_MIB_IpReasmTimeout,
};

static const struct frag_mibs ip6_mibs = {
	RXS_MIB_Ip6ReasmReqds, RXS_MIB_Ip6ReasmOKs, RXS_MIB_Ip6ReasmFails, RXS_MIB_Ip6ReasmTimeout,
};

static const struct frag_mibs *mibs_of(const struct ipq *q)
{
	return q->key.family == AF_INET6 ? &ip6_mibs : &ip4_mibs;
}

static void ipq_unlink(struct rxs_ipfrags *f, struct ipq *q)
{
	struct ipq **pp = &f->queues;

	while (*pp && *pp != q)
		pp = &(*pp)->next;
	if (*pp)
		*pp = q->next;
}

/* Free the queue and every fragment it holds with @reason. */
static void ipq_kill(struct rxs_ipfrags *f, struct ipq *q, enum rxs_drop_reason reason)
{
	struct rxs_sk_buff *skb = q->frags;

	while (skb) {
		struct rxs_sk_buff *next = skb->next;

		f->mem -= skb->truesize;
		f->queued--;
		rxs_kfree_skb_reason(skb, reason);
		skb = next;
	}
	q->frags = NULL;
	q->dead = true;
	ipq_unlink(f, q);
}

static void ipq_expire(void *obj, uint64_t t)
{
	struct ipq *q = obj;
	struct rxs_host *h = q->host;
	struct rxs_softnet_data *sd = &h->cpus[0];

	h->inet.ipfrags->mem -= sizeof(*q);
	if (!q->dead) {
		sd = q->frags ? rxs__skb_sd(q->frags) : sd;
		if (sd->now < t)
			sd->now = t;	/* the timer runs now, whatever the CPU did last */
		rxs__mib_inc(sd, mibs_of(q)->timeout);
		rxs__mib_inc(sd, mibs_of(q)->fails);
		/* Time exceeded in reassembly, only if the first fragment arrived. */
		if (q->frags && FRAG_OFF(q->frags) == 0) {
			if (q->key.family == AF_INET6)
				rxs__icmpv6_send(q->frags, 3, 1);
			else
				rxs__icmp_send(q->frags, 11, 1);
		}
		ipq_kill(h->inet.ipfrags, q, RXS_DROP_FRAG_REASM_TIMEOUT);
	}
	rxs__free(q);
}

static struct ipq *ipq_find(struct rxs_host *h, const struct frag_key *key, uint64_t t)
{
	struct rxs_ipfrags *f = h->inet.ipfrags;
	struct ipq *q;

	for (q = f->queues; q; q = q->next)
		if (!memcmp(&q->key, key, sizeof(*key)))
			return q;
	if (f->mem > (uint64_t)h->inet.sysctl_ipfrag_high_thresh)
		return NULL;
	q = rxs__calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	f->mem += sizeof(*q);
	q->host = h;
	q->key = *key;
	q->next = f->queues;
	f->queues = q;
	/* The timer owns the memory of the queue: it frees it when it fires, dead or not. */
	h->engine->timer_add(h, t + (uint64_t)h->inet.sysctl_ipfrag_time * 1000000000ull,
			     ipq_expire, q, RXS_TIMER_OWNS_OBJ);
	return q;
}

/* Insert by offset. 0, 1 for an exact duplicate, -1 for an overlap. */
static int ipq_insert(struct ipq *q, struct rxs_sk_buff *skb)
{
	struct rxs_sk_buff **pp = &q->frags;
	uint32_t off = FRAG_OFF(skb), end = FRAG_END(skb);

	while (*pp && FRAG_OFF(*pp) < off)
		pp = &(*pp)->next;
	if (*pp && FRAG_OFF(*pp) == off && FRAG_END(*pp) == end)
		return 1;
	if (*pp && FRAG_OFF(*pp) < end)
		return -1;
	if (pp != &q->frags) {
		struct rxs_sk_buff *prev = q->frags;

		while (prev->next != *pp)
			prev = prev->next;
		if (FRAG_END(prev) > off)
			return -1;
	}
	skb->next = *pp;
	*pp = skb;
	return 0;
}

/* The header of the reassembled datagram: no longer a fragment, with its whole length. */
static void reasm_fix_header(const struct ipq *q, uint8_t *nh, uint32_t total)
{
	if (q->key.family == AF_INET6) {
		rxs__put_be16(nh + 4, (uint16_t)(total - 40));
		nh[q->nexthdr_off] = q->nexthdr;
		return;
	}
	rxs__put_be16(nh + 2, (uint16_t)total);
	rxs__put_be16(nh + 6, 0);
	rxs__put_be16(nh + 10, 0);
	rxs__put_be16(nh + 10, rxs__csum_fold(rxs__csum_partial(nh, FRAG_HDR(q->frags), 0)));
}

/* ip_frag_reasm(): one linear datagram in the first fragment's place. */
static struct rxs_sk_buff *ipq_reasm(struct rxs_ipfrags *f, struct ipq *q)
{
	struct rxs_sk_buff *head = q->frags, *skb, *dg;
	uint32_t hdr = q->key.family == AF_INET6 ? q->unfrag : FRAG_HDR(head);
	uint32_t total = hdr + q->len;

	dg = rxs__skb_alloc(head->pool, total);
	if (!dg)
		return NULL;
	dg->protocol = head->protocol;
	dg->pkt_type = head->pkt_type;
	dg->ip_summed = head->ip_summed;
	dg->queue_mapping = head->queue_mapping;
	dg->hash = head->hash;
	dg->mark = head->mark;
	dg->cpu = head->cpu;
	dg->tstamp = head->tstamp;
	dg->id = head->id;
	dg->dev = head->dev;
	memcpy(dg->cb, head->cb, sizeof(dg->cb));
	rxs_skb_reset_network_header(dg);
	/* The head fragment's link-layer header goes in front, as the kernel's reassembled skb
	 * keeps it: an ICMP error about the datagram is addressed from it. */
	if (head->mac_header != 0xffff && head->network_header > head->mac_header &&
	    (unsigned int)(head->network_header - head->mac_header) <= rxs_skb_headroom(dg)) {
		uint16_t maclen = (uint16_t)(head->network_header - head->mac_header);

		memcpy(dg->data - maclen, rxs_skb_mac_header(head), maclen);
		dg->mac_header = (uint16_t)(dg->network_header - maclen);
	}
	memcpy(rxs__skb_put(dg, total), head->data, hdr);
	for (skb = head; skb; skb = skb->next)
		memcpy(dg->data + hdr + FRAG_OFF(skb), skb->data + FRAG_HDR(skb),
		       FRAG_END(skb) - FRAG_OFF(skb));
	reasm_fix_header(q, dg->data, total);
	dg->truesize = 0;
	while ((skb = q->frags)) {
		q->frags = skb->next;
		f->mem -= skb->truesize;
		f->queued--;
		dg->truesize += skb->truesize;
		if (skb == head)
			head->counted = false;	/* the datagram carries this frame on */
		rxs_consume_skb(skb);
	}
	dg->counted = true;
	return dg;
}

/*
 * Queue fragment @skb (data at its network header, payload at @hdr) covering [@off, @end) of
 * the datagram, more following when @more. Returns the whole datagram when this fragment
 * completed it, NULL when the fragment was queued or dropped (counted either way).
 */
static struct rxs_sk_buff *frag_queue(struct rxs_sk_buff *skb, struct ipq *q, uint32_t off,
				      uint32_t end, bool more, const struct frag_mibs *m)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_ipfrags *f = sd->host->inet.ipfrags;
	enum rxs_drop_reason reason = RXS_DROP_NOT_SPECIFIED;
	struct rxs_sk_buff *dg;
	int err;

	/* A datagram longer than 65535 bytes, or a non-last fragment whose length is not a
	 * multiple of 8, or a second "last" fragment that disagrees, is corrupt. */
	if (end > 65535u - FRAG_HDR(skb)) {
		reason = RXS_DROP_FRAG_TOO_FAR;
		goto kill;
	}
	if (!more) {
		if (end < q->meat || (q->last_in && end != q->len))
			goto kill;
		q->last_in = true;
		q->len = end;
	} else if ((end & 7) || (q->last_in && end > q->len)) {
		goto kill;
	}
	FRAG_OFF(skb) = off;
	FRAG_END(skb) = end;
	err = ipq_insert(q, skb);
	if (err > 0) {
		rxs_kfree_skb_reason(skb, RXS_DROP_DUP_FRAG);
		return NULL;
	}
	if (err < 0) {
		/* IPSTATS_MIB_REASM_OVERLAPS, which only IPv4's netstat lists */
		if (q->key.family == AF_INET)
			rxs__mib_inc(sd, RXS_MIB_IpExtReasmOverlaps);
		goto kill;
	}
	q->meat += end - off;
	f->mem += skb->truesize;
	f->queued++;
	if (!q->last_in || q->meat != q->len || FRAG_OFF(q->frags) != 0)
		return NULL;
	dg = ipq_reasm(f, q);
	if (!dg) {
		ipq_kill(f, q, RXS_DROP_NOMEM);
		rxs__mib_inc(sd, m->fails);
		return NULL;
	}
	q->dead = true;
	ipq_unlink(f, q);
	rxs__mib_inc(sd, m->oks);
	return dg;
kill:
	ipq_kill(f, q, RXS_DROP_NOT_SPECIFIED);
	rxs__mib_inc(sd, m->fails);
	rxs_kfree_skb_reason(skb, reason);
	return NULL;
}

static void key_of(struct frag_key *key, const struct rxs_sk_buff *skb, uint32_t id)
{
	const struct rxs_inet_cb *cb = RXS_INET_CB(skb);

	memset(key, 0, sizeof(*key));
	key->family = cb->family;
	key->protocol = cb->family == AF_INET ? cb->protocol : 0;
	key->id = id;
	memcpy(key->saddr, cb->saddr, 16);
	memcpy(key->daddr, cb->daddr, 16);
}

static struct rxs_sk_buff *ip_defrag_locked(struct rxs_sk_buff *skb, unsigned int ihl)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	uint16_t fo = rxs__get_be16(skb->data + 6);
	uint32_t off = (uint32_t)(fo & IP_OFFSET) * 8;
	struct frag_key key;
	struct ipq *q;

	rxs__mib_inc(sd, RXS_MIB_IpReasmReqds);
	key_of(&key, skb, rxs__get_be16(skb->data + 4));
	q = ipq_find(sd->host, &key, sd->now);
	if (!q) {
		rxs__mib_inc(sd, RXS_MIB_IpReasmFails);
		rxs_kfree_skb_reason(skb, RXS_DROP_NOT_SPECIFIED);
		return NULL;
	}
	FRAG_HDR(skb) = (uint16_t)ihl;
	return frag_queue(skb, q, off, off + skb->len - ihl, fo & IP_MF, &ip4_mibs);
}

/* Under frag_lock: the reassembly queues are the host's. */
struct rxs_sk_buff *rxs__ip_defrag(struct rxs_sk_buff *skb, unsigned int ihl)
{
	struct rxs_sk_buff *ret;

	struct rxs_host *h = rxs__skb_host(skb);

	rxs__lock_acquire(&h->inet.frag_lock);
	ret = ip_defrag_locked(skb, ihl);
	rxs__lock_release(&h->inet.frag_lock);
	return ret;
}

static struct rxs_sk_buff *ipv6_frag_rcv_locked(struct rxs_sk_buff *skb,
						unsigned int nexthdr_off, uint8_t *nexthdr)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	unsigned int unfrag = (unsigned int)(skb->data - rxs_skb_network_header(skb));
	uint16_t fo;
	uint32_t off;
	struct frag_key key;
	struct rxs_sk_buff *dg;
	struct ipq *q;

	rxs__mib_inc(sd, RXS_MIB_Ip6ReasmReqds);
	if (!rxs_pskb_may_pull(skb, 8)) {
		rxs__mib_inc(sd, RXS_MIB_Ip6InHdrErrors);
		rxs_kfree_skb_reason(skb, RXS_DROP_PKT_TOO_SMALL);
		return NULL;
	}
	fo = rxs__get_be16(skb->data + 2);
	off = fo & 0xfff8u;
	key_of(&key, skb, rxs__get_be32(skb->data + 4));
	q = ipq_find(sd->host, &key, sd->now);
	if (!q) {
		rxs__mib_inc(sd, RXS_MIB_Ip6ReasmFails);
		rxs_kfree_skb_reason(skb, RXS_DROP_NOT_SPECIFIED);
		return NULL;
	}
	if (!q->frags || off == 0) {
		/* The first fragment says what the unfragmentable part is. */
		q->unfrag = (uint16_t)unfrag;
		q->nexthdr_off = (uint16_t)nexthdr_off;
		q->nexthdr = skb->data[0];
	}
	FRAG_HDR(skb) = (uint16_t)(unfrag + 8);
	rxs_skb_push(skb, unfrag);
	dg = frag_queue(skb, q, off, off + skb->len - (unfrag + 8), fo & 1, &ip6_mibs);
	if (dg) {
		*nexthdr = q->nexthdr;
		rxs_skb_pull(dg, q->unfrag);
	}
	return dg;
}

/* Under frag_lock: the reassembly queues are the host's. */
struct rxs_sk_buff *rxs__ipv6_frag_rcv(struct rxs_sk_buff *skb, unsigned int nexthdr_off,
				       uint8_t *nexthdr)
{
	struct rxs_sk_buff *ret;

	struct rxs_host *h = rxs__skb_host(skb);

	rxs__lock_acquire(&h->inet.frag_lock);
	ret = ipv6_frag_rcv_locked(skb, nexthdr_off, nexthdr);
	rxs__lock_release(&h->inet.frag_lock);
	return ret;
}

int rxs__ipfrag_init(struct rxs_host *h)
{
	h->inet.ipfrags = rxs__calloc(1, sizeof(*h->inet.ipfrags));
	return h->inet.ipfrags ? 0 : -12;
}

/* Drop what is still held; the queues themselves are freed by their timers, or here when
 * the run ends before they fire. */
void rxs__ipfrag_destroy(struct rxs_host *h)
{
	struct rxs_ipfrags *f = h->inet.ipfrags;

	if (!f)
		return;
	while (f->queues)
		ipq_kill(f, f->queues, RXS_DROP_QUEUE_PURGE);
	rxs__free(f);
	h->inet.ipfrags = NULL;
}

uint64_t rxs__ipfrag_queued(const struct rxs_host *h)
{
	return h->inet.ipfrags ? h->inet.ipfrags->queued : 0;
}
