/* skb/skb.h - the skb module inside the library: the pool, data buffers, the flow dissector.
 * Any module may include it (skb is a leaf); the public part is rxsim/skb.h. */
#ifndef RXSIM_SKB_SKB_H
#define RXSIM_SKB_SKB_H

#include <stddef.h>

#include "engine/engine.h"
#include "rxsim/skb.h"

#define RXS_NET_SKB_PAD 64		/* NET_SKB_PAD on x86-64: headroom of an RX buffer */
#define RXS_SKB_SMALL_BUF 2048		/* buffer class of ordinary frames */
#define RXS_SKB_LARGE_BUF 65600		/* buffer class of jumbo and odd frames */

#define RXS_SKB_DESC_SIZE 32		/* room for a NIC's descriptor write-back */

/* A data buffer: one cache line of bookkeeping, the NIC's descriptor write-back included,
 * then the bytes on a line of their own. A frame's first line is then two lines for the NIC
 * to write and the CPU to read, not three or four. */
struct rxs_skb_data {
	struct rxs_skb_data *next;	/* free list */
	struct rxs_skb_pool *pool;	/* where it goes back (a clone's header may not) */
	void *raw;			/* what the allocator returned, for the free */
	uint32_t dataref;
	uint32_t size;
	uint8_t desc[RXS_SKB_DESC_SIZE];
	uint8_t bytes[];
};

_Static_assert(sizeof(struct rxs_skb_data) == 64, "bookkeeping is one cache line");

struct rxs_skb_stats {
	uint64_t consumed;			/* counted skbs consumed */
	uint64_t dropped;			/* counted skbs and frames dropped */
	uint64_t reasons[RXS_DROP_MAX];	/* dropped, by reason */
	uint64_t by_class[RXS_PKT_CLASS_MAX][RXS_DROP_MAX];	/* the same, by packet class */
	uint64_t ended[RXS_PKT_CLASS_MAX];	/* counted skbs consumed or dropped, by class */
	uint64_t allocated;			/* every skb header handed out, clones included */
	uint64_t in_use;			/* headers not yet returned */
};

/* Called for every counted end of life (after counting, before the skb is recycled). */
typedef void (*rxs_skb_free_cb)(void *ctx, const struct rxs_sk_buff *skb,
				enum rxs_drop_reason reason);

/*
 * A pool of skb headers and data buffers. The virtual engine has one, the host's. The
 * threaded engine gives each of its threads (a CPU, a NIC) one more that only that thread
 * allocates from and frees to without a lock, as the kernel's per-CPU caches do; an skb
 * freed on another thread goes back to its own pool's remote lists, lock-free stacks that
 * the owner takes whole when its local lists run dry. The host's pool is then owned by
 * whoever holds the host lock (the timer thread, an application thread).
 *
 * Counters belong to the thread that counts, not to the pool an skb came from: each
 * thread's pool keeps the ends of life that thread saw, and the host sums them.
 */
struct rxs_skb_pool {
	struct rxs_sk_buff *free_skbs;
	struct rxs_skb_data *free_small;
	struct rxs_skb_data *free_large;
	struct rxs_skb_stats stats;
	rxs_skb_free_cb on_free;		/* the host pool's is everyone's */
	void *on_free_ctx;
	void *host;				/* back pointer for counters that need it */
	void *cpus;				/* the host's per-CPU state, for rxs__skb_sd() */
	/* The threaded engine (NULL and off otherwise): the host's pool, the lock whose
	 * holder owns it (the engine's host lock), and the remote lists. */
	struct rxs_skb_pool *home;
	struct rxs_lock lock;
	bool mt;
	struct rxs_sk_buff *remote_skbs;
	struct rxs_skb_data *remote_small;
	struct rxs_skb_data *remote_large;
	/* small buffers of one other pool, freed here, on their way back (see skb.c) */
	struct rxs_skb_pool *batch_pool;
	struct rxs_skb_data *batch_head, *batch_tail;
	unsigned int batch_n;
};

/* The pool of the calling thread when it is one of the threaded engine's for @host. */
extern _Thread_local struct rxs_skb_pool *rxs__this_pool;

/* Where the calling thread allocates for @host: its own pool, else the host's. */
static inline struct rxs_skb_pool *rxs__pool_of(struct rxs_skb_pool *host_pool)
{
	struct rxs_skb_pool *p = rxs__this_pool;

	return p && p->home == host_pool ? p : host_pool;
}

/* Make @pool a thread's pool of the threaded engine, beside @home (the host's, whose
 * lock @lock, enabled, becomes). */
void rxs__skb_pool_init_mt(struct rxs_skb_pool *pool, struct rxs_skb_pool *home,
			   const struct rxs_lock *lock);
/* Send the buffers a thread's pool holds for other pools back to them: at the end of each
 * poll, and before the thread ends. */
void rxs__skb_pool_flush(struct rxs_skb_pool *pool);
/* Add @pool's counters to @sum. */
void rxs__skb_stats_add(struct rxs_skb_stats *sum, const struct rxs_skb_pool *pool);

int rxs__skb_pool_init(struct rxs_skb_pool *pool);
void rxs__skb_pool_destroy(struct rxs_skb_pool *pool);

/* An skb with room for @size bytes after RXS_NET_SKB_PAD of headroom, len 0; NULL on ENOMEM. */
struct rxs_sk_buff *rxs__skb_alloc(struct rxs_skb_pool *pool, unsigned int size);

/* rxs__skb_data_alloc() in every case: the pool of a threaded engine, a large buffer, an
 * empty free list. */
struct rxs_skb_data *rxs__skb_data_alloc_slow(struct rxs_skb_pool *pool, unsigned int size);

/* A data buffer with room for @size bytes after RXS_NET_SKB_PAD of headroom, from the calling
 * thread's pool: what a NIC DMAs into before there is an skb. NULL on ENOMEM. Inline for the
 * common buffer, a small one off the free list of a pool that one thread has. */
static inline struct rxs_skb_data *rxs__skb_data_alloc(struct rxs_skb_pool *pool,
							unsigned int size)
{
	struct rxs_skb_data *d = pool->free_small;

	if (__builtin_expect(pool->mt || !d || size > RXS_SKB_SMALL_BUF - RXS_NET_SKB_PAD, 0))
		return rxs__skb_data_alloc_slow(pool, size);
	pool->free_small = d->next;
	/* The next frame's buffer: start bringing it into the cache now. */
	if (d->next)
		__builtin_prefetch(d->next, 1);
	d->next = NULL;
	d->dataref = 1;
	return d;
}
/* Where @d's bytes begin (its headroom first). */
static inline uint8_t *rxs__skb_data_head(struct rxs_skb_data *d)
{
	return d->bytes;
}

/* Room beside @d's bytes for what a NIC writes back about them (an RX descriptor). */
static inline uint8_t *rxs__skb_data_desc(struct rxs_skb_data *d)
{
	return d->desc;
}
/* Give back a buffer no skb was built around. */
void rxs__skb_data_free(struct rxs_skb_data *d);
/*
 * Zero an skb's fields up to cb, unrolled into plain stores (GCC makes six of 16 bytes and
 * one of 8). Not memset(): for these 104 bytes GCC emits rep stosq, whose start-up cost
 * perf put at 5% of a packet's time, and it turns a plain loop back into that memset().
 */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif
static inline __attribute__((always_inline)) void rxs__skb_zero_fields(struct rxs_sk_buff *skb)
{
	typedef uint64_t word __attribute__((may_alias));
	word *w = (word *)skb;

	_Static_assert(offsetof(struct rxs_sk_buff, cb) % sizeof(word) == 0, "whole words");
#pragma GCC unroll 16
	for (size_t i = 0; i < offsetof(struct rxs_sk_buff, cb) / sizeof(word); i++)
		w[i] = 0;
}

/* A header just taken off @pool's lists: every field as a new skb has it, counted. */
static inline __attribute__((always_inline)) void rxs__skb_header_init(struct rxs_skb_pool *pool,
								       struct rxs_sk_buff *skb)
{
	rxs__skb_zero_fields(skb);
	skb->pool = pool;
	skb->shared = NULL;
	skb->counted = false;
	skb->cloned = false;
	skb->oif = 0;
	skb->priority = 0;
	skb->mac_header = skb->network_header = skb->transport_header = 0xffff;
	pool->stats.allocated++;
	pool->stats.in_use++;
}

/* The new @skb around buffer @d: data after the headroom, len 0. */
static inline void rxs__skb_build_around(struct rxs_sk_buff *skb, struct rxs_skb_data *d)
{
	skb->shared = d;
	skb->head = d->bytes;
	skb->data = d->bytes + RXS_NET_SKB_PAD;
	skb->tail = RXS_NET_SKB_PAD;
	skb->end = d->size;
}

/* rxs__skb_build() in every case: the pool of a threaded engine, an empty free list. */
struct rxs_sk_buff *rxs__skb_build_slow(struct rxs_skb_pool *pool, struct rxs_skb_data *d);

/* napi_build_skb(): an skb around @d, which it takes; data after the headroom, len 0. NULL
 * on ENOMEM (@d is still the caller's). */
static inline struct rxs_sk_buff *rxs__skb_build(struct rxs_skb_pool *pool,
						 struct rxs_skb_data *d)
{
	struct rxs_sk_buff *skb = pool->free_skbs;

	/* Inline for the common header, off the free list of a pool that one thread has. */
	if (__builtin_expect(pool->mt || !skb, 0))
		return rxs__skb_build_slow(pool, d);
	pool->free_skbs = skb->next;
	rxs__skb_header_init(pool, skb);
	rxs__skb_build_around(skb, d);
	return skb;
}

/* skb_get_rx_queue(): the RX queue the skb came in on (0 when none was recorded). */
static inline unsigned int rxs__skb_get_rx_queue(const struct rxs_sk_buff *skb)
{
	return skb->queue_mapping ? skb->queue_mapping - 1u : 0;
}

/* Append @len bytes at the tail (skb_put); the caller checked the room. Returns where. */
static inline uint8_t *rxs__skb_put(struct rxs_sk_buff *skb, unsigned int len)
{
	uint8_t *p = rxs_skb_tail_pointer(skb);

	skb->tail += len;
	skb->len += len;
	return p;
}

/* rxs_skb_pull() and rxs_skb_trim(), inline for the receive path's every packet. */
static inline uint8_t *rxs__skb_pull(struct rxs_sk_buff *skb, unsigned int len)
{
	if (len > skb->len)
		return NULL;
	skb->len -= len;
	skb->data += len;
	return skb->data;
}

static inline void rxs__skb_trim(struct rxs_sk_buff *skb, unsigned int len)
{
	if (len < skb->len) {
		skb->len = len;
		skb->tail = (uint32_t)(skb->data - skb->head) + len;
	}
}

/* Count the end of a frame that never became an skb (a hardware drop). */
void rxs__skb_count_frame_drop(struct rxs_skb_pool *pool, enum rxs_drop_reason reason);
/* Count a frame whose life ended well before an skb existed (XDP_TX, a redirect out). */
void rxs__skb_count_frame_consume(struct rxs_skb_pool *pool);

/* The kernel function where @reason ends @skb: the kfree_skb tracepoint's location
 * (drop_location.c). */
const char *rxs__drop_location(const struct rxs_sk_buff *skb, enum rxs_drop_reason reason);

/* ---- the flow dissector (flow_dissector.c) ---- */

#define RXS_FLOW_INPUT_MAX 36	/* IPv6 addresses and ports: the longest hash input */

/* What the 4 input bytes at @in contribute at input position @pos, under key table @tab. */
static inline uint32_t rxs__toeplitz4(const uint32_t (*tab)[256], unsigned int pos,
				      const uint8_t *in)
{
	return tab[pos][in[0]] ^ tab[pos + 1][in[1]] ^ tab[pos + 2][in[2]] ^ tab[pos + 3][in[3]];
}

/* Toeplitz under @tab over the addresses of the IPv4 or IPv6 packet in Ethernet @frame, and
 * its ports for TCP (and for UDP when @udp_ports); 0 for anything else: what a NIC hashes
 * for RSS, and what skb_get_hash() hashes when the NIC gave no ports. @tab is a key
 * tabulated by input byte position (RXS_FLOW_INPUT_MAX rows) and value, what one input byte
 * at one position contributes; nic/rss.c builds one per NIC. */
uint32_t rxs__flow_hash_tab(const uint32_t (*tab)[256], const uint8_t *frame, uint32_t len,
			    bool udp_ports);

/* skb_get_hash() when the NIC gave no L4 hash: the flow dissector hashes the ports of UDP
 * too. The kernel's function is a jhash with a random seed; any good spread serves, and
 * rxsim hashes with the receiving NIC's Toeplitz table @tab. */
static inline uint32_t rxs__flow_hash(const uint32_t (*tab)[256], const uint8_t *frame,
				      uint32_t len)
{
	return rxs__flow_hash_tab(tab, frame, len, true);
}

/* A FIFO of skbs linked through skb->next (sk_buff_head). */
struct rxs_skb_queue {
	struct rxs_sk_buff *head, *tail;
	uint32_t qlen;
};

void rxs__skb_queue_tail(struct rxs_skb_queue *q, struct rxs_sk_buff *skb);
struct rxs_sk_buff *rxs__skb_dequeue(struct rxs_skb_queue *q);
void rxs__skb_queue_splice_tail(struct rxs_skb_queue *from, struct rxs_skb_queue *to);

/* ---- the control blocks the layers keep in skb->cb, which the layers above read ---- */
enum { RXS_RTN_LOCAL, RXS_RTN_BROADCAST, RXS_RTN_MULTICAST, RXS_RTN_FORWARD };

/* IPCB()/IP6CB(): what the IP layer learned, for the transport layer. */
struct rxs_inet_cb {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t route;		/* RXS_RTN_* */
	uint8_t protocol;	/* L4 protocol */
	bool is_frag_tail : 1;	/* a non-first fragment: never answered with ICMP */
	bool do_redirect : 1;	/* IPSKB_DOREDIRECT: forwarded back out its way in, from a
				 * sender on the link (__mkroute_input) */
	bool mld_ra : 1;	/* IPv6: a hop-by-hop router alert for MLD (IP6SKB_ROUTERALERT,
				 * ra 0: ipv6_hop_ra()) */
	uint8_t saddr[16];
	uint8_t daddr[16];
};

#define RXS_INET_CB(skb) ((struct rxs_inet_cb *)(void *)(skb)->cb)

_Static_assert(sizeof(struct rxs_inet_cb) <= sizeof(((struct rxs_sk_buff *)0)->cb),
	       "inet cb fits skb->cb");

/* struct udp_skb_cb: UDP's block embeds the IP layer's, as include/net/udp.h's embeds
 * inet_skb_parm, so both layers' state sits in skb->cb under its own type. udp_rcv sets
 * csum_bad; the socket layer reads it at recvmsg (the checksum is checked when read). */
struct rxs_udp_skb_cb {
	struct rxs_inet_cb header;
	bool csum_bad;
};

#define RXS_UDP_SKB_CB(skb) ((struct rxs_udp_skb_cb *)(void *)(skb)->cb)

_Static_assert(sizeof(struct rxs_udp_skb_cb) <= sizeof(((struct rxs_sk_buff *)0)->cb),
	       "udp cb fits skb->cb");

/* TCP_SKB_CB(): a queued segment's sequence range, kept in skb->cb after the IP layer's
 * block, and what skb_try_coalesce() needs of its buffer: the payload in page frags (a
 * kernel sender's) or in a linear head with @tailroom bytes left. The socket layer reads it
 * at recvmsg. */
struct rxs_tcp_skb_cb {
	struct rxs_inet_cb header;
	uint32_t seq, end_seq;
	uint16_t tailroom;
	uint8_t nr_frags;
	uint8_t flags;				/* the TCP flags kept (FIN), RXS_TCB_FRAGS */
};

#define RXS_TCB_FRAGS 0x80			/* the payload sits in page frags */
#define RXS_TCB_MERGED 0x40			/* coalesced into the skb before it */
#define TCP_SKB_CB(skb) ((struct rxs_tcp_skb_cb *)(void *)(skb)->cb)

_Static_assert(sizeof(struct rxs_tcp_skb_cb) <= sizeof(((struct rxs_sk_buff *)0)->cb),
	       "tcp cb fits skb->cb");

#endif /* RXSIM_SKB_SKB_H */
