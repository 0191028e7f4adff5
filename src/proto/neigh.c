/* neigh.c - the IPv4 neighbour table (net/core/neighbour.c, net/ipv4/arp.c), as far as a
 * host that forwards needs it: the next hop's MAC for a packet it sends on.
 *
 * The table exists when the scenario names neighbours (`neighbours:`, as `ip neigh replace IP
 * lladdr MAC dev DEV nud permanent`); without it rxsim keeps its older rule (a forwarded frame
 * goes to its sender's MAC when it leaves by the link it came in on, to the broadcast address
 * otherwise). With it, a forwarded packet's next hop (the route's gateway, else its
 * destination) is looked up on the output device:
 *
 * - PERMANENT (the scenario's) and REACHABLE/STALE (learned) entries give the MAC at once.
 *   Entries are learned from the ARP frames the host receives, as arp_process() learns them:
 *   a request for one of the device's addresses creates or refreshes its sender's entry
 *   (neigh_event_ns(): STALE), a reply updates an entry that exists (arp_accept=0: no new
 *   entry from an unsolicited reply). Reachability confirmation (DELAY, PROBE, unicast
 *   probes of a STALE entry) is not modelled: a learned entry stays usable.
 * - Without an entry, __neigh_event_send() makes one INCOMPLETE, queues the packet
 *   (arp_queue: while the queued skbs' truesize with this one's passes unres_qlen_bytes,
 *   the oldest is dropped, NEIGH_QUEUEFULL, counted in unresolved_discards) and solicits: a
 *   broadcast ARP request at once and then every retrans_time, mcast_solicit in all (the
 *   entry starts at ucast_solicit probes, which an INCOMPLETE entry skips, and fails at
 *   ucast + app + mcast: neigh_max_probes()). A reply in the capture resolves it (REACHABLE)
 *   and the queue leaves. Past the last solicitation's retrans_time, neigh_invalidate()
 *   (FAILED, res_failed) sends each queued packet's sender an ICMP host unreachable
 *   (arp_error_report() → ipv4_link_failure()) and drops it, NEIGH_FAILED; the next packet
 *   to a FAILED entry starts over, INCOMPLETE.
 *
 * Defaults are the kernel's net.ipv4.neigh.default: unres_qlen_bytes 212992, mcast_solicit
 * 3, ucast_solicit 3, app_solicit 0, retrans_time_ms 1000. Timers run on the virtual clock.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"
#include "proto/proto_int.h"
#include "rxsim/proto.h"

#define NEIGH_QUEUE_LEN_BYTES 212992u	/* unres_qlen_bytes: SK_WMEM_DEFAULT */
#define NEIGH_UCAST_PROBES 3u
#define NEIGH_APP_PROBES 0u
#define NEIGH_MCAST_PROBES 3u
#define NEIGH_RETRANS_NS 1000000000ull

enum { NUD_INCOMPLETE, NUD_REACHABLE, NUD_STALE, NUD_FAILED, NUD_PERMANENT };

struct neighbour {
	uint32_t ip;
	unsigned int ifindex;
	uint8_t ha[6];
	uint8_t nud_state;
	unsigned int probes;
	uint64_t timer_gen;		/* a timer armed with another value is stale */
	struct rxs_skb_queue arp_queue;
	uint64_t arp_queue_len_bytes;
	struct rxs_host *host;
};

struct rxs_neigh_table {
	struct neighbour *entries;
	unsigned int n, cap;
	struct rxs_neigh_stat st;
};

/* The timer's handle on an entry: the table may grow (and move its entries) meanwhile. */
struct neigh_timer {
	struct rxs_host *host;
	uint32_t ip;
	unsigned int ifindex;
	uint64_t gen;
};

int rxs__neigh_enable(struct rxs_host *h)
{
	if (!h->inet.neigh)
		h->inet.neigh = rxs__calloc(1, sizeof(*h->inet.neigh));
	return h->inet.neigh ? 0 : -ENOMEM;
}

static struct neighbour *neigh_lookup(struct rxs_neigh_table *t, uint32_t ip,
				      unsigned int ifindex)
{
	for (unsigned int i = 0; i < t->n; i++)
		if (t->entries[i].ip == ip && t->entries[i].ifindex == ifindex)
			return &t->entries[i];
	return NULL;
}

static struct neighbour *neigh_create(struct rxs_host *h, uint32_t ip, unsigned int ifindex)
{
	struct rxs_neigh_table *t = h->inet.neigh;
	struct neighbour *n;

	if (t->n == t->cap) {
		unsigned int cap = t->cap ? 2 * t->cap : 8;
		struct neighbour *e = rxs__realloc(t->entries, cap * sizeof(*e));

		if (!e)
			return NULL;
		t->entries = e;
		t->cap = cap;
	}
	n = &t->entries[t->n++];
	memset(n, 0, sizeof(*n));
	n->ip = ip;
	n->ifindex = ifindex;
	n->host = h;
	n->nud_state = NUD_FAILED;	/* NUD_NONE: nothing known yet */
	t->st.allocs++;
	t->st.entries++;
	return n;
}

int rxs__neigh_add(struct rxs_host *h, uint32_t ip, const uint8_t mac[6], unsigned int ifindex)
{
	struct neighbour *n;
	int rc = rxs__neigh_enable(h);

	if (rc)
		return rc;
	n = neigh_lookup(h->inet.neigh, ip, ifindex);
	if (!n && !(n = neigh_create(h, ip, ifindex)))
		return -ENOMEM;
	memcpy(n->ha, mac, 6);
	n->nud_state = NUD_PERMANENT;
	return 0;
}

/* The frame out: Ethernet header to @n's address, then the device (fragments included). */
static void neigh_xmit(struct neighbour *n, struct rxs_sk_buff *skb)
{
	rxs__ip_forward_send(skb, n->ha);
}

/* The oldest packet waiting for @n's address, off its queue and out of the counts. */
static struct rxs_sk_buff *neigh_dequeue(struct neighbour *n)
{
	struct rxs_sk_buff *skb = rxs__skb_dequeue(&n->arp_queue);

	if (skb) {
		n->arp_queue_len_bytes -= skb->truesize;
		n->host->inet.neigh->st.queued--;
	}
	return skb;
}

/* The queue leaves, oldest first, now that the address is known (neigh_update()), from the
 * CPU @cpu that learned it. */
static void neigh_flush(struct neighbour *n, unsigned int cpu)
{
	struct rxs_sk_buff *skb;

	while ((skb = neigh_dequeue(n))) {
		skb->cpu = cpu;
		neigh_xmit(n, skb);
	}
}

/* arp_solicit(): a broadcast who-has for @n's address from the output device. */
static void arp_solicit(struct rxs_softnet_data *sd, const struct neighbour *n)
{
	struct rxs_host *h = sd->host;
	const struct rxs_netdev *dev = rxs__dev_by_ifindex(h, n->ifindex);
	uint8_t f[42];
	uint32_t sip = 0;

	if (!dev)
		return;
	for (unsigned int i = 0; i < dev->cfg.naddrs; i++)
		if (dev->cfg.addrs[i].family == AF_INET) {
			uint32_t a = rxs__get_be32(dev->cfg.addrs[i].addr);
			unsigned int len = RXS_MIN(dev->cfg.addrs[i].prefix, 32u);
			uint32_t mask = len ? ~0u << (32 - len) : 0;

			if (!sip || ((a ^ n->ip) & mask) == 0)
				sip = a;	/* inet_select_addr(): one on the target's subnet */
		}
	memset(f, 0xff, 6);
	memcpy(f + 6, dev->cfg.mac, 6);
	rxs__put_be16(f + 12, 0x0806);
	rxs__put_be16(f + 14, 1);		/* Ethernet */
	rxs__put_be16(f + 16, 0x0800);		/* IPv4 */
	f[18] = 6;
	f[19] = 4;
	rxs__put_be16(f + 20, 1);		/* request */
	memcpy(f + 22, dev->cfg.mac, 6);
	rxs__put_be32(f + 28, sip);
	memset(f + 32, 0, 6);
	rxs__put_be32(f + 38, n->ip);
	h->inet.neigh->st.solicits++;
	rxs__dev_xmit_frame(sd, dev, f, sizeof(f));
}

static void neigh_timer_handler(void *obj, uint64_t t);

static void neigh_arm(struct rxs_host *h, struct neighbour *n, uint64_t t)
{
	struct neigh_timer *nt = rxs__malloc(sizeof(*nt));

	if (!nt)
		return;
	*nt = (struct neigh_timer){ h, n->ip, n->ifindex, ++n->timer_gen };
	/* Not SELF_LOCKED: failing sends ICMP errors and drops packets of any CPU. */
	h->engine->timer_add(h, t, neigh_timer_handler, nt, RXS_TIMER_OWNS_OBJ);
}

/* neigh_invalidate(): FAILED; each queued packet's sender hears it (ICMP host unreachable),
 * then the packet is dropped. */
static void neigh_invalidate(struct rxs_host *h, struct neighbour *n)
{
	struct rxs_sk_buff *skb;

	n->nud_state = NUD_FAILED;
	h->inet.neigh->st.res_failed++;
	while ((skb = neigh_dequeue(n))) {
		skb->cpu = 0;			/* the timer's CPU */
		rxs__icmp_send(skb, 3, 1);	/* host unreachable: ipv4_link_failure() */
		rxs_kfree_skb_reason(skb, RXS_DROP_NEIGH_FAILED);
	}
}

/* neigh_timer_handler() for an INCOMPLETE entry: another solicitation, or the end. */
static void neigh_timer_handler(void *obj, uint64_t t)
{
	const struct neigh_timer *nt = obj;
	struct rxs_host *h = nt->host;
	struct rxs_softnet_data *sd = &h->cpus[0];
	struct neighbour *n;

	rxs__lock_acquire(&h->inet.arp_lock);
	n = neigh_lookup(h->inet.neigh, nt->ip, nt->ifindex);
	if (n && n->timer_gen == nt->gen && n->nud_state == NUD_INCOMPLETE) {
		if (sd->now < t)
			sd->now = t;	/* the timer runs now, whatever the CPU did last */
		if (n->probes >= NEIGH_UCAST_PROBES + NEIGH_APP_PROBES + NEIGH_MCAST_PROBES) {
			neigh_invalidate(h, n);
		} else {
			n->probes++;
			arp_solicit(sd, n);
			neigh_arm(h, n, t + NEIGH_RETRANS_NS);
		}
	}
	rxs__lock_release(&h->inet.arp_lock);
	rxs__free(obj);		/* a fired timer's object is its handler's */
}

/* __neigh_event_send() for an entry that cannot send: queue @skb, start resolving. */
static void neigh_event_send(struct rxs_host *h, struct neighbour *n, struct rxs_sk_buff *skb)
{
	struct rxs_neigh_table *t = h->inet.neigh;
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);

	if (n->nud_state == NUD_FAILED) {
		/* A new entry, or a failed one asked again: resolution starts over. */
		n->nud_state = NUD_INCOMPLETE;
		n->probes = NEIGH_UCAST_PROBES;
		n->probes++;
		arp_solicit(sd, n);
		neigh_arm(h, n, sd->now + NEIGH_RETRANS_NS);
	}
	while (n->arp_queue.head && n->arp_queue_len_bytes + skb->truesize > NEIGH_QUEUE_LEN_BYTES) {
		t->st.unresolved_discards++;
		rxs_kfree_skb_reason(neigh_dequeue(n), RXS_DROP_NEIGH_QUEUEFULL);
	}
	rxs__skb_queue_tail(&n->arp_queue, skb);
	n->arp_queue_len_bytes += skb->truesize;
	t->st.queued++;
}

/* NUD_VALID: an address to send to (PERMANENT, REACHABLE, STALE of the states modelled). */
static bool neigh_valid(const struct neighbour *n)
{
	return n->nud_state == NUD_PERMANENT || n->nud_state == NUD_REACHABLE ||
	       n->nud_state == NUD_STALE;
}

bool rxs__neigh_lookup_valid(struct rxs_host *h, uint32_t ip, unsigned int ifindex,
			     uint8_t mac[6])
{
	const struct neighbour *n;
	bool valid;

	if (!h->inet.neigh)
		return false;
	rxs__lock_acquire(&h->inet.arp_lock);
	n = neigh_lookup(h->inet.neigh, ip, ifindex);
	valid = n && neigh_valid(n);
	if (valid)
		memcpy(mac, n->ha, 6);
	rxs__lock_release(&h->inet.arp_lock);
	return valid;
}

bool rxs__neigh_output(struct rxs_sk_buff *skb, const struct rxs_netdev *dev, uint32_t nexthop)
{
	struct rxs_host *h = rxs__skb_host(skb);
	struct neighbour *n;

	if (!h->inet.neigh || !dev)
		return false;
	rxs__lock_acquire(&h->inet.arp_lock);
	h->inet.neigh->st.lookups++;
	n = neigh_lookup(h->inet.neigh, nexthop, dev->ifindex);
	if (!n)
		n = neigh_create(h, nexthop, dev->ifindex);
	if (!n) {
		rxs__lock_release(&h->inet.arp_lock);
		rxs_kfree_skb_reason(skb, RXS_DROP_NEIGH_CREATEFAIL);
		return true;
	}
	if (neigh_valid(n)) {
		h->inet.neigh->st.hits++;
		rxs__lock_release(&h->inet.arp_lock);
		neigh_xmit(n, skb);
		return true;
	}
	neigh_event_send(h, n, skb);
	rxs__lock_release(&h->inet.arp_lock);
	return true;
}

void rxs__neigh_arp_rcv(struct rxs_host *h, const struct rxs_netdev *dev, const uint8_t *arp,
			unsigned int cpu)
{
	uint16_t op = rxs__get_be16(arp + 6);
	uint32_t sip = rxs__get_be32(arp + 14), tip = rxs__get_be32(arp + 24);
	struct neighbour *n;
	bool for_us = false;

	if (!h->inet.neigh || !sip)
		return;
	for (unsigned int i = 0; i < dev->cfg.naddrs; i++)
		for_us |= dev->cfg.addrs[i].family == AF_INET &&
			  rxs__get_be32(dev->cfg.addrs[i].addr) == tip;
	n = neigh_lookup(h->inet.neigh, sip, dev->ifindex);
	/* arp_process(): a request for us makes its sender a neighbour (neigh_event_ns); any
	 * other ARP only updates one that exists. */
	if (!n && op == 1 && for_us)
		n = neigh_create(h, sip, dev->ifindex);
	if (n && n->nud_state != NUD_PERMANENT) {
		bool was_incomplete = n->nud_state == NUD_INCOMPLETE;

		memcpy(n->ha, arp + 8, 6);
		n->nud_state = op == 2 && for_us ? NUD_REACHABLE : NUD_STALE;
		n->timer_gen++;		/* its solicitation timer is void */
		if (was_incomplete)
			neigh_flush(n, cpu);
	}
}

uint64_t rxs__neigh_queued(const struct rxs_host *h)
{
	return h->inet.neigh ? h->inet.neigh->st.queued : 0;
}

void rxs_neigh_get_stat(const struct rxs_host *h, struct rxs_neigh_stat *st)
{
	memset(st, 0, sizeof(*st));
	if (h->inet.neigh) {
		*st = h->inet.neigh->st;
		st->loaded = true;
	}
}

void rxs__neigh_destroy(struct rxs_host *h)
{
	struct rxs_neigh_table *t = h->inet.neigh;
	struct rxs_sk_buff *skb;

	if (!t)
		return;
	for (unsigned int i = 0; i < t->n; i++)
		while ((skb = rxs__skb_dequeue(&t->entries[i].arp_queue)))
			rxs_kfree_skb_reason(skb, RXS_DROP_QUEUE_PURGE);
	rxs__free(t->entries);
	rxs__free(t);
	h->inet.neigh = NULL;
}
