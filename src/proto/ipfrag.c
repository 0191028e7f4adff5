/* ipfrag.c - IPv4 reassembly (net/ipv4/ip_fragment.c), for locally delivered datagrams.
 *
 * A queue per (saddr, daddr, id, protocol) keeps its fragments sorted by offset. As in the
 * kernel since 2018, an overlapping fragment kills the whole queue (RFC 5722 behaviour),
 * an exact duplicate is dropped alone, queues expire after net.ipv4.ipfrag_time, and new
 * queues are refused while the memory held passes net.ipv4.ipfrag_high_thresh. The first
 * fragment's skb becomes the reassembled datagram, so for conservation the datagram is that
 * frame and the other fragments are consumed into it. A queue's own memory stays charged
 * until its timer frees it, so ipfrag_high_thresh bounds the queues too, not only the
 * fragments they hold.
 */
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "proto/proto_int.h"

#define IP_MF 0x2000
#define IP_OFFSET 0x1fff

struct ipq {
	struct ipq *next;
	struct rxs_host *host;
	uint8_t saddr[4], daddr[4];
	uint16_t id;
	uint8_t protocol;
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

#define FRAG_OFF(skb) (*(uint32_t *)(void *)((skb)->cb + sizeof(struct rxs_inet_cb)))
#define FRAG_END(skb) (*(uint32_t *)(void *)((skb)->cb + sizeof(struct rxs_inet_cb) + 4))
_Static_assert(sizeof(struct rxs_inet_cb) + 8 <= 48, "frag cb fits");

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

static void ipq_expire(struct rxs_host *h, void *obj, uint64_t t)
{
	struct ipq *q = obj;
	struct rxs_softnet_data *sd = &h->cpus[0];

	h->ipfrags->mem -= sizeof(*q);
	if (!q->dead) {
		sd = q->frags ? rxs__skb_sd(q->frags) : sd;
		if (sd->now < t)
			sd->now = t;	/* the timer runs now, whatever the CPU did last */
		rxs__mib_inc(sd, RXS_MIB_IpReasmTimeout);
		rxs__mib_inc(sd, RXS_MIB_IpReasmFails);
		/* Time exceeded in reassembly, only if the first fragment arrived. */
		if (q->frags && FRAG_OFF(q->frags) == 0)
			rxs__icmp_send(q->frags, 11, 1);
		ipq_kill(h->ipfrags, q, RXS_DROP_FRAG_REASM_TIMEOUT);
	}
	rxs__free(q);
}

static struct ipq *ipq_find(struct rxs_host *h, const struct rxs_inet_cb *cb, uint16_t id,
			    uint64_t t)
{
	struct rxs_ipfrags *f = h->ipfrags;
	struct ipq *q;

	for (q = f->queues; q; q = q->next)
		if (q->id == id && q->protocol == cb->protocol &&
		    !memcmp(q->saddr, cb->saddr, 4) && !memcmp(q->daddr, cb->daddr, 4))
			return q;
	if (f->mem > (uint64_t)h->sysctl[RXS_SYSCTL_IPFRAG_HIGH_THRESH])
		return NULL;
	q = rxs__calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	f->mem += sizeof(*q);
	q->host = h;
	memcpy(q->saddr, cb->saddr, 4);
	memcpy(q->daddr, cb->daddr, 4);
	q->id = id;
	q->protocol = cb->protocol;
	q->next = f->queues;
	f->queues = q;
	/* The timer owns the memory of the queue: it frees it when it fires, dead or not. */
	rxs__timer_add(h, t + (uint64_t)h->sysctl[RXS_SYSCTL_IPFRAG_TIME] * 1000000000ull,
		       ipq_expire, q);
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

/* ip_frag_reasm(): one linear datagram in the first fragment's place. */
static struct rxs_sk_buff *ipq_reasm(struct rxs_ipfrags *f, struct ipq *q, unsigned int ihl)
{
	struct rxs_sk_buff *head = q->frags, *skb, *dg;
	uint32_t total = ihl + q->len;

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
	memcpy(rxs__skb_put(dg, total), head->data, ihl);
	for (skb = head; skb; skb = skb->next) {
		unsigned int hl = (skb->data[0] & 15u) * 4;

		memcpy(dg->data + ihl + FRAG_OFF(skb), skb->data + hl, FRAG_END(skb) - FRAG_OFF(skb));
	}
	rxs__put_be16(dg->data + 2, (uint16_t)total);
	rxs__put_be16(dg->data + 6, 0);
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

struct rxs_sk_buff *rxs__ip_defrag(struct rxs_sk_buff *skb, unsigned int ihl)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_host *h = sd->host;
	struct rxs_ipfrags *f = h->ipfrags;
	struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	uint16_t fo = rxs__get_be16(skb->data + 6);
	uint32_t off = (uint32_t)(fo & IP_OFFSET) * 8, end = off + skb->len - ihl;
	enum rxs_drop_reason reason = RXS_DROP_NOT_SPECIFIED;
	struct rxs_sk_buff *dg;
	struct ipq *q;
	int err;

	rxs__mib_inc(sd, RXS_MIB_IpReasmReqds);
	q = ipq_find(h, cb, rxs__get_be16(skb->data + 4), sd->now);
	if (!q)
		goto fail;
	/* A datagram longer than 65535 bytes, or a non-last fragment whose length is not a
	 * multiple of 8, or a second "last" fragment that disagrees, is corrupt. */
	if (end > 65535 - ihl) {
		reason = RXS_DROP_FRAG_TOO_FAR;
		goto kill;
	}
	if (!(fo & IP_MF)) {
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
	if (err < 0)
		goto kill;
	q->meat += end - off;
	f->mem += skb->truesize;
	f->queued++;
	if (!q->last_in || q->meat != q->len || FRAG_OFF(q->frags) != 0)
		return NULL;
	ihl = (q->frags->data[0] & 15u) * 4;
	dg = ipq_reasm(f, q, ihl);
	if (!dg) {
		ipq_kill(f, q, RXS_DROP_NOMEM);
		rxs__mib_inc(sd, RXS_MIB_IpReasmFails);
		return NULL;
	}
	q->dead = true;
	ipq_unlink(f, q);
	rxs__mib_inc(sd, RXS_MIB_IpReasmOKs);
	return dg;
kill:
	ipq_kill(f, q, RXS_DROP_NOT_SPECIFIED);
fail:
	rxs__mib_inc(sd, RXS_MIB_IpReasmFails);
	rxs_kfree_skb_reason(skb, reason);
	return NULL;
}

int rxs__ipfrag_init(struct rxs_host *h)
{
	h->ipfrags = rxs__calloc(1, sizeof(*h->ipfrags));
	return h->ipfrags ? 0 : -12;
}

/* Drop what is still held; the queues themselves are freed by their timers, or here when
 * the run ends before they fire. */
void rxs__ipfrag_destroy(struct rxs_host *h)
{
	struct rxs_ipfrags *f = h->ipfrags;

	if (!f)
		return;
	while (f->queues)
		ipq_kill(f, f->queues, RXS_DROP_QUEUE_PURGE);
	rxs__free(f);
	h->ipfrags = NULL;
}

uint64_t rxs__ipfrag_queued(const struct rxs_host *h)
{
	return h->ipfrags ? h->ipfrags->queued : 0;
}
