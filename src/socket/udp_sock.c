/* udp_sock.c - UDP sockets: bind and lookup, the receive queue charged in truesize against
 * sk_rcvbuf, and udp_recvmsg for the application models and library users. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "host.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "rxsim/socket.h"
#include "socket/socket.h"
#include "bpf/bpf.h"

static unsigned int port_hash(uint16_t port)
{
	return (port ^ (port >> 8)) & 255;
}

static bool addr_is_any(const struct rxs_addr *a)
{
	static const uint8_t zero[16];

	return !memcmp(a->addr, zero, 16);
}

int rxs__sock_init(struct rxs_host *h, struct rxs_sock *sk, const struct rxs_socket_config *cfg,
		   unsigned int index)
{
	int64_t v;

	memset(sk, 0, sizeof(*sk));
	sk->cfg = *cfg;
	sk->host = h;
	sk->index = index;
	sk->app.cfg = cfg->app;
	sk->reuseport = cfg->reuseport;
	/* SO_RCVBUF: capped by rmem_max (not with SO_RCVBUFFORCE), then doubled for the skb
	 * overhead, at least SOCK_MIN_RCVBUF (__sock_set_rcvbuf). SO_SNDBUF alike, at least
	 * SOCK_MIN_SNDBUF (__sock_set_sndbuf). */
	if (cfg->rcvbuf >= 0) {
		v = cfg->rcvbuf_force ? cfg->rcvbuf : RXS_MIN(cfg->rcvbuf, h->sk.sysctl_rmem_max);
		sk->rcvbuf = RXS_MAX(2 * RXS_MIN(v, (int64_t)INT32_MAX / 2),
				     (int64_t)RXS_SOCK_MIN_RCVBUF);
	} else {
		sk->rcvbuf = cfg->proto == IPPROTO_TCP ? h->sk.sysctl_tcp_rmem[1]
						       : h->sk.sysctl_rmem_default;
	}
	if (cfg->proto == IPPROTO_TCP)
		h->sk.tcp_sockets_allocated++;		/* tcp_init_sock() */
	if (cfg->sndbuf >= 0) {
		v = RXS_MIN(cfg->sndbuf, h->sk.sysctl_wmem_max);
		sk->sndbuf = RXS_MAX(2 * v, (int64_t)RXS_SOCK_MIN_SNDBUF);
	} else {
		sk->sndbuf = cfg->proto == IPPROTO_TCP ? h->sk.sysctl_tcp_wmem[1]
						       : h->sk.sysctl_wmem_default;
	}
	if (cfg->proto == IPPROTO_TCP && cfg->peer.family) {
		return rxs__tcp_connect(sk);
	} else if (cfg->proto == IPPROTO_TCP) {
		int rc = rxs__reuseport_bind_check(sk);

		if (rc)
			return rc;
		rxs__tcp_listen(sk);
	} else {
		unsigned int b = port_hash(cfg->port);

		sk->read_at_once = cfg->app.kind == RXS_APP_ALL && cfg->app.cpu < 0;
		sk->hash_next = h->sk.udp_hash[b];
		h->sk.udp_hash[b] = sk;
	}
	return 0;
}

void rxs__sock_destroy(struct rxs_sock *sk)
{
	struct rxs_sk_buff *skb;

	while ((skb = rxs__skb_dequeue(&sk->receive_queue)))
		rxs_kfree_skb_reason(skb, RXS_DROP_SOCKET_CLOSE);
	sk->rmem_alloc = 0;
}

/* Does @sk, bound to its address, take datagrams for @daddr? 2 exact, 1 wildcard, 0 no. */
static RXS_ALWAYS_INLINE int sock_match(const struct rxs_sock *sk, int family,
					  const uint8_t *daddr)
{
	const struct rxs_addr *a = &sk->cfg.local;

	if (addr_is_any(a)) {
		/* 0.0.0.0 takes IPv4 only; :: takes both (a dual-stack socket). */
		return (a->family == AF_INET6 || family == AF_INET) ? 1 : 0;
	}
	if (a->family != family)
		return 0;
	return rxs__sock_addr_eq(family, a->addr, daddr) ? 2 : 0;
}

struct rxs_sock *rxs__udp_lookup(struct rxs_host *h, int family, const uint8_t *daddr,
				 uint16_t dport)
{
	struct rxs_sock *best = NULL;
	int best_score = 0;

	/* hash2: the exact (address, port) first, then the wildcard address. */
	for (struct rxs_sock *sk = h->sk.udp_hash[port_hash(dport)]; sk; sk = sk->hash_next) {
		int score;

		if (sk->cfg.port != dport)
			continue;
		score = sock_match(sk, family, daddr);
		if (score == 2)
			return sk;	/* the first exact one: nothing can beat it */
		if (score > best_score) {
			best = sk;
			best_score = score;
		}
	}
	return best;
}

struct rxs_sock *rxs__udp_mcast_next(struct rxs_host *h, struct rxs_sock *prev, int family,
				     const uint8_t *daddr, uint16_t dport)
{
	struct rxs_sock *sk = prev ? prev->hash_next : h->sk.udp_hash[port_hash(dport)];

	for (; sk; sk = sk->hash_next)
		if (sk->cfg.port == dport && sock_match(sk, family, daddr))
			return sk;
	return NULL;
}

/* On @sd's CPU; an application thread of the threaded engine (@sd NULL) counts in the
 * host's process-context counters of @sk's host. */
static void count_rcv_mib(struct rxs_softnet_data *sd, const struct rxs_sock *sk, int family,
			  enum rxs_mib v4, enum rxs_mib v6)
{
	enum rxs_mib mib = family == AF_INET ? v4 : v6;

	if (sd)
		rxs__mib_inc(sd, mib);
	else
		__atomic_add_fetch(&sk->host->mib_proc[mib], 1, __ATOMIC_RELAXED);
}

/* sock:sock_rcvqueue_full and rxsim's sock:sock_queue: the socket's side of the fields. */
static RXS_NOINLINE void trace_sock_rcvqueue_full(struct rxs_softnet_data *sd,
						  const struct rxs_sock *sk,
						  const struct rxs_sk_buff *skb)
{
	struct rxs_trace_event ev;
	struct rxs_tp_sock_rcvqueue_full *p = &ev.u.sock_rcvqueue_full;

	rxs__trace_event_init(&ev, RXS_TP_SOCK_RCVQUEUE_FULL, sd->now, sd->cpu);
	p->rmem_alloc = (int)sk->rmem_alloc;
	p->truesize = skb->truesize;
	p->sk_rcvbuf = (int)sk->rcvbuf;
	p->sock = sk->index;
	p->sock_name = sk->cfg.name;
	rxs__trace_emit(&sd->host->trace, &ev);
}

static RXS_NOINLINE void trace_sock_queue(struct rxs_softnet_data *sd, const struct rxs_sock *sk,
					  const struct rxs_sk_buff *skb)
{
	struct rxs_trace_event ev;
	struct rxs_tp_sock_queue *p = &ev.u.sock_queue;

	rxs__trace_event_init(&ev, RXS_TP_SOCK_QUEUE, sd->now, sd->cpu);
	p->skbaddr = skb;
	p->sock = sk->index;
	p->sock_name = sk->cfg.name;
	p->tstamp = skb->tstamp;
	p->len = skb->len;
	p->rmem_alloc = (int)sk->rmem_alloc;
	p->sk_rcvbuf = (int)sk->rcvbuf;
	rxs__trace_emit(&sd->host->trace, &ev);
}

static int udp_queue_rcv_skb(struct rxs_sock *sk, struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	int family = RXS_INET_CB(skb)->family;
	int64_t rmem = sk->rmem_alloc, size = skb->truesize;

	rxs__charge(sd, rxs__cost(sd->host, RXS_COST_SOCK_QUEUE));
	/* __udp_enqueue_schedule_skb() in 6.18: drop when the datagram does not fit, unless the
	 * queue is empty. (Kernels before 6.15 admitted it while rmem <= rcvbuf.) */
	if (rmem + size > sk->rcvbuf && (sk->rcvbuf > INT_MAX / 2 || rmem)) {
		if (rxs__tp_on(sd->host, RXS_TP_SOCK_RCVQUEUE_FULL))
			trace_sock_rcvqueue_full(sd, sk, skb);
		count_rcv_mib(sd, sk, family, RXS_MIB_UdpRcvbufErrors, RXS_MIB_Udp6RcvbufErrors);
		count_rcv_mib(sd, sk, family, RXS_MIB_UdpInErrors, RXS_MIB_Udp6InErrors);
		sk->drops++;
		rxs_kfree_skb_reason(skb, RXS_DROP_SOCKET_RCVBUFF);
		return -ENOMEM;
	}
	RXS_TRACE_STAGE(sd, sd->now, skb, "__udp_enqueue_schedule_skb",
			"socket %s: rmem %lld + truesize %lld <= rcvbuf %lld (or an empty queue): queued",
			sk->cfg.name, (long long)rmem, (long long)size, (long long)sk->rcvbuf);
	sk->rmem_alloc += size;
	skb->sk = sk;
	rxs__skb_queue_tail(&sk->receive_queue, skb);
	if (rxs__tp_on(sd->host, RXS_TP_SOCK_QUEUE))
		trace_sock_queue(sd, sk, skb);
	rxs__app_data_ready(sk, sd->now);
	return 0;
}

/*
 * A reader that keeps up (`read: all`, no CPU of its own) takes each datagram as it is
 * queued, so the queue is empty before and after, and the datagram fits (an empty queue
 * admits one of any size). Left out is only what nobody could see: the enqueue, the wakeup's
 * way to the reader and the dequeue; and for a socket that CPUs in several threads queue on
 * (its lock on), a lock that every CPU would take for every datagram, so they share nothing
 * but what they read. Counted as the queue's way counts: the cost of queueing, a datagram
 * read (in this CPU's counters, which are summed with the others). Tracepoints and a bad
 * checksum (found only at the read) take the queue's way.
 */
static RXS_ALWAYS_INLINE bool udp_read_at_once(struct rxs_sock *sk, struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_host *h = sk->host;
	int family = RXS_INET_CB(skb)->family;

	if (!sk->read_at_once || RXS_UDP_SKB_CB(skb)->csum_bad ||
	    (h->trace.mask & ((1u << RXS_TP_STAGE) | (1u << RXS_TP_SOCK_QUEUE) |
				 (1u << RXS_TP_SOCK_READ))))
		return false;
	rxs__charge(sd, rxs__cost(h, RXS_COST_SOCK_QUEUE));
	h->engine->data_ready(h);
	count_rcv_mib(sd, sk, family, RXS_MIB_UdpInDatagrams, RXS_MIB_Udp6InDatagrams);
	h->engine->sock_read(sd, sk, skb->len >= 8 ? skb->len - 8 : 0);
	skb->sk = sk;
	rxs_consume_skb(skb);
	return true;
}

/* CPUs in several threads queue on one socket at once: under the socket's lock, which the
 * application's reads take too (the kernel's sk_receive_queue lock). Out of line, so that
 * the path of a socket whose lock is off stays a tail call. */
static RXS_NOINLINE int udp_queue_rcv_skb_locked(struct rxs_sock *sk, struct rxs_sk_buff *skb)
{
	int rc;

	if (udp_read_at_once(sk, skb))
		return 0;
	rxs__lock_acquire(&sk->lock);
	rc = udp_queue_rcv_skb(sk, skb);
	rxs__lock_release(&sk->lock);
	return rc;
}

/*
 * sk_filter_trim_cap(sk, skb, sizeof(struct udphdr)) in udp_queue_rcv_one_skb(), before the
 * receive buffer's check: a datagram the filter refuses counts in UdpInErrors and sk_drops
 * and ends with reason SOCKET_FILTER; one it keeps fewer bytes of loses its tail (never below
 * the UDP header). True when it was dropped.
 */
static RXS_NOINLINE bool udp_sk_filter(struct rxs_sock *sk, struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	int family = RXS_INET_CB(skb)->family;

	rxs__lock_acquire(&sk->lock);
	if (rxs__sk_filter_trim_cap(sk, skb, 8)) {
		rxs__lock_release(&sk->lock);
		return false;
	}
	sk->drops++;
	rxs__lock_release(&sk->lock);
	count_rcv_mib(sd, sk, family, RXS_MIB_UdpInErrors, RXS_MIB_Udp6InErrors);
	rxs_kfree_skb_reason(skb, RXS_DROP_SOCKET_FILTER);
	return true;
}

int rxs__udp_queue_rcv_skb(struct rxs_sock *sk, struct rxs_sk_buff *skb)
{
	if (unlikely(sk->filter) && udp_sk_filter(sk, skb))
		return -EPERM;
	if (likely(!rxs__lock_on(&sk->lock))) {
		if (udp_read_at_once(sk, skb))
			return 0;
		return udp_queue_rcv_skb(sk, skb);
	}
	return udp_queue_rcv_skb_locked(sk, skb);
}

/* udp_recvmsg(): the oldest datagram, or NULL. A datagram whose checksum fails is found
 * bad only now, counted, dropped, and the next one is tried. */
struct rxs_sk_buff *rxs__udp_recvmsg(struct rxs_sock *sk, struct rxs_softnet_data *sd)
{
	struct rxs_sk_buff *skb;

	while ((skb = rxs__skb_dequeue(&sk->receive_queue))) {
		int family = RXS_INET_CB(skb)->family;

		sk->rmem_alloc -= skb->truesize;
		if (!RXS_UDP_SKB_CB(skb)->csum_bad) {
			count_rcv_mib(sd, sk, family, RXS_MIB_UdpInDatagrams,
				      RXS_MIB_Udp6InDatagrams);
			sk->delivered++;
			sk->delivered_bytes += skb->len >= 8 ? skb->len - 8 : 0;
			return skb;
		}
		count_rcv_mib(sd, sk, family, RXS_MIB_UdpInCsumErrors, RXS_MIB_Udp6InCsumErrors);
		count_rcv_mib(sd, sk, family, RXS_MIB_UdpInErrors, RXS_MIB_Udp6InErrors);
		sk->drops++;
		rxs_kfree_skb_reason(skb, RXS_DROP_UDP_CSUM);
	}
	return NULL;
}
