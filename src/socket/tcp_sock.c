/* tcp_sock.c - TCP sockets: listeners and their accept queue, connections, the ehash.
 *
 * The ehash holds request socks and connections by 4-tuple, as the kernel's established
 * hash does (request socks live there since 4.4). Connections are never freed during a run:
 * a closed one keeps its counters for the report, and the host frees them all at the end.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "host.h"
#include "socket/socket.h"
#include "internal.h"
#include "rxsim/socket.h"

#define EHASH_SIZE 65536	/* buckets at most */
#define EHASH_MIN 64
#define HINT_SIZE 4096

struct rxs_isn_hint {
	struct rxs_tcp_tuple t;
	uint32_t isn, ts_off;
	uint32_t tsval_first, tsval_last;	/* the TSvals of the SYN-ACKs captured */
	bool used, has_ts;
};

static uint32_t tuple_hash(const struct rxs_tcp_tuple *t)
{
	const uint8_t *p = (const uint8_t *)t;
	uint32_t h = 2166136261u;

	/* FNV-1a over the tuple; the padding is zeroed wherever tuples are built. The ISN
	 * hints' slots (and which hint a full table overwrites) depend on it: kept as it is. */
	for (size_t i = 0; i < sizeof(*t); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* The ehash's bucket of @t, for every TCP segment. Any spread serves: a lookup finds the
 * first node of the tuple in its chain, whatever the bucket. An IPv4 tuple's addresses are
 * their first four bytes (the rest zero), one word with the ports in a second: two mixes,
 * not the eight an IPv6 tuple takes (a SYN flood hashes one per SYN). */
static inline uint32_t ehash_bucket(const struct rxs_host *h, const struct rxs_tcp_tuple *t)
{
	uint64_t x = t->family | (uint64_t)t->sport << 16 | (uint64_t)t->dport << 32;
	uint32_t w[8];

	if (t->family == AF_INET) {
		uint32_t s, d;

		memcpy(&s, t->saddr, 4);
		memcpy(&d, t->daddr, 4);
		x = (x ^ s ^ (uint64_t)d << 32) * 0x9E3779B97F4A7C15ull;
		x = (x ^ x >> 29) * 0x9E3779B97F4A7C15ull;
		return (uint32_t)(x >> 32) & h->sk.ehash_mask;
	}
	memcpy(w, t->saddr, 16);
	memcpy(w + 4, t->daddr, 16);
	for (unsigned int i = 0; i < 8; i++)
		x = (x ^ w[i]) * 0x9E3779B97F4A7C15ull;
	return (uint32_t)(x >> 32) & h->sk.ehash_mask;
}

/* Room for one more node: the table starts at EHASH_MIN buckets and doubles when its nodes
 * outnumber them, up to EHASH_SIZE (a SYN flood's request socks come and go; a 512 KB array
 * probed at random for 129 of them misses the caches). A chain moves in order, so nodes of
 * one tuple (one bucket, whatever the size) keep theirs, and a lookup finds the same one. */
static int ehash_room(struct rxs_host *h)
{
	struct rxs_ehash_node **old = h->sk.ehash, **tab;
	uint32_t size = old ? h->sk.ehash_mask + 1 : 0;

	if (old && (h->sk.ehash_count < size || size >= EHASH_SIZE))
		return 0;
	size = size ? size * 2 : EHASH_MIN;
	tab = rxs__calloc(size, sizeof(*tab));
	if (!tab)
		return old ? 0 : -ENOMEM;	/* a fuller table still works */
	h->sk.ehash = tab;
	h->sk.ehash_mask = size - 1;
	for (uint32_t i = 0; old && i <= (size / 2 - 1); i++) {
		struct rxs_ehash_node *n = old[i], *next;

		for (; n; n = next) {
			struct rxs_ehash_node **pp = &tab[ehash_bucket(h, &n->t)];

			next = n->next;
			while (*pp)
				pp = &(*pp)->next;
			n->next = NULL;
			*pp = n;
		}
	}
	rxs__free(old);
	return 0;
}

struct rxs_ehash_node *rxs__ehash_lookup(struct rxs_host *h, const struct rxs_tcp_tuple *t)
{
	struct rxs_ehash_node *n;

	if (!h->sk.ehash)
		return NULL;
	for (n = h->sk.ehash[ehash_bucket(h, t)]; n; n = n->next)
		if (!memcmp(&n->t, t, sizeof(*t)))
			return n;
	return NULL;
}

int rxs__ehash_add(struct rxs_host *h, struct rxs_ehash_node *n)
{
	uint32_t b;

	if (ehash_room(h))
		return -ENOMEM;
	b = ehash_bucket(h, &n->t);
	n->next = h->sk.ehash[b];
	h->sk.ehash[b] = n;
	h->sk.ehash_count++;
	return 0;
}

void rxs__ehash_del(struct rxs_host *h, struct rxs_ehash_node *n)
{
	struct rxs_ehash_node **pp;

	if (!h->sk.ehash)
		return;
	for (pp = &h->sk.ehash[ehash_bucket(h, &n->t)]; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			h->sk.ehash_count--;
			return;
		}
}

/* secs_to_retrans(): TCP_DEFER_ACCEPT's seconds as the SYN-ACK timeouts that cover them,
 * from TCP_TIMEOUT_INIT (1 s) doubling up to TCP_RTO_MAX (120 s). */
static uint8_t secs_to_retrans(int seconds)
{
	int timeout = 1, period = 1;
	uint8_t res = 1;

	if (seconds <= 0)
		return 0;
	while (seconds > period && res < 255) {
		res++;
		timeout = RXS_MIN(timeout << 1, 120);
		period += timeout;
	}
	return res;
}

/* listen(): the backlog is capped by somaxconn, as __sys_listen() does. */
void rxs__tcp_listen(struct rxs_sock *sk)
{
	struct rxs_host *h = sk->host;
	uint32_t somaxconn = (uint32_t)h->sk.sysctl_somaxconn;
	/* A negative backlog becomes somaxconn: the kernel compares it as unsigned. */
	uint32_t backlog = (uint32_t)sk->cfg.backlog;
	unsigned int b = sk->cfg.port & 255;

	sk->tcp.state = RXS_TCP_LISTEN;
	sk->tcp.max_ack_backlog = RXS_MIN(backlog, somaxconn);
	sk->tcp.defer_accept = secs_to_retrans(sk->cfg.defer_accept);
	sk->hash_next = h->sk.tcp_lhash[b];
	h->sk.tcp_lhash[b] = sk;
}

int rxs__tcp_connect(struct rxs_sock *sk)
{
	struct rxs_tcp_tuple *t = &sk->tcp.node.t;
	size_t n = sk->cfg.peer.family == AF_INET ? 4 : 16;

	memset(t, 0, sizeof(*t));
	t->family = (uint8_t)sk->cfg.peer.family;
	memcpy(t->saddr, sk->cfg.peer.addr, n);
	memcpy(t->daddr, sk->cfg.local.addr, n);
	t->sport = sk->cfg.peer_port;
	t->dport = sk->cfg.port;
	sk->tcp.node.kind = RXS_EH_SOCK;
	sk->tcp.state = RXS_TCP_ESTABLISHED;
	sk->tcp.connected = true;
	sk->tcp.joining = true;
	sk->tcp.rcv_mss = 536;	/* tcp_initialize_rcv_mss(): TCP_MSS_DEFAULT at most */
	/* The application reads it as it would read an accepted connection (read:). */
	sk->app.cfg = sk->cfg.conn_read;
	sk->app.cfg.cpu = sk->cfg.app.cpu;
	if (rxs__ehash_add(sk->host, &sk->tcp.node))
		return -ENOMEM;
	sk->host->sk.tcp_nconnected++;
	return 0;
}

/* The host's SYN: connect() sent it (tcp_connect: SYN_SENT, TcpActiveOpens). A copy of it
 * (a retransmission) changes nothing; a new ISN is a new connect() on the same 4-tuple, once
 * the last connection is over or never got an answer. */
static void learn_syn(struct rxs_host *h, struct rxs_sock *sk, uint32_t isn)
{
	struct rxs_tcp_sock *tp = &sk->tcp;

	if (tp->state == RXS_TCP_SYN_SENT && tp->snd_una == isn)
		return;
	if (tp->state == RXS_TCP_ESTABLISHED && !tp->joining)
		return;
	tp->state = RXS_TCP_SYN_SENT;
	tp->joining = true;	/* until the answer: the slow path of tcp_input.c */
	tp->snd_known = true;
	tp->snd_una = isn;
	tp->snd_nxt = isn + 1;
	__atomic_add_fetch(&h->mib_proc[RXS_MIB_TcpActiveOpens], 1, __ATOMIC_RELAXED);
}

static void learn_own_locked(struct rxs_host *h, const struct rxs_tcp_tuple *t, uint8_t flags,
			     uint32_t seq, uint32_t end_seq)
{
	struct rxs_ehash_node *n = rxs__ehash_lookup(h, t);
	struct rxs_sock *sk;

	if (!n || n->kind != RXS_EH_SOCK)
		return;
	sk = (struct rxs_sock *)((char *)n - offsetof(struct rxs_sock, tcp.node));
	if (!sk->tcp.connected || (flags & 0x04))	/* a RST sends nothing further */
		return;
	if ((flags & 0x12) == 0x02) {
		learn_syn(h, sk, seq);
		return;
	}
	/* What the host sent is what its ACKs' sequence numbers follow. */
	if (!sk->tcp.snd_known || (int32_t)(end_seq - sk->tcp.snd_nxt) > 0)
		sk->tcp.snd_nxt = end_seq;
	sk->tcp.snd_known = true;
}

/* The threaded engine reads sources on other threads than the CPUs': the ehash (which grows,
 * moving its buckets) is read under tcp_lock, as TCP reads it. */
void rxs__tcp_learn_own(struct rxs_host *h, const struct rxs_tcp_tuple *t, uint8_t flags,
			uint32_t seq, uint32_t end_seq)
{
	rxs__lock_acquire(&h->sk.tcp_lock);
	learn_own_locked(h, t, flags, seq, end_seq);
	rxs__lock_release(&h->sk.tcp_lock);
}

static int listener_score(const struct rxs_sock *sk, int family, const uint8_t *daddr)
{
	static const uint8_t zero[16];
	const struct rxs_addr *a = &sk->cfg.local;

	if (!memcmp(a->addr, zero, 16))
		return (a->family == AF_INET6 || family == AF_INET) ? 1 : 0;
	if (a->family != family)
		return 0;
	return rxs__sock_addr_eq(family, a->addr, daddr) ? 2 : 0;
}

struct rxs_sock *rxs__tcp_listener_lookup(struct rxs_host *h, int family, const uint8_t *daddr,
					  uint16_t dport)
{
	struct rxs_sock *best = NULL;
	int best_score = 0;

	/* __inet_lookup_listener(): the exact address first, then the wildcard. */
	for (struct rxs_sock *sk = h->sk.tcp_lhash[dport & 255]; sk; sk = sk->hash_next) {
		int score = sk->cfg.port == dport ? listener_score(sk, family, daddr) : 0;

		if (score > best_score) {
			best = sk;
			best_score = score;
		}
	}
	return best;
}

struct rxs_sock *rxs__tcp_child_create(struct rxs_host *h, struct rxs_sock *listener,
				       const struct rxs_tcp_tuple *t, uint32_t rcv_isn,
				       uint32_t snt_isn, const uint8_t *peer_mac)
{
	struct rxs_sock *c = rxs__calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cfg = listener->cfg;
	c->host = h;
	c->index = listener->index;
	c->rcvbuf = listener->rcvbuf;	/* inherited, as sk_clone_lock copies it */
	c->filter = listener->filter;	/* and sk_filter (shared, as its refcount is) */
	c->app.cfg = listener->cfg.conn_read;
	c->tcp.state = RXS_TCP_SYN_RECV;
	c->tcp.listener = listener;
	c->tcp.node.t = *t;
	c->tcp.node.kind = RXS_EH_SOCK;
	c->tcp.rcv_nxt = rcv_isn + 1;
	c->tcp.snd_nxt = snt_isn + 1;
	memcpy(c->tcp.peer_mac, peer_mac, 6);
	if (rxs__ehash_add(h, &c->tcp.node)) {
		rxs__free(c);
		return NULL;
	}
	c->tcp.conn_next = h->sk.tcp_conns;
	h->sk.tcp_conns = c;
	h->sk.tcp_nconns++;
	h->sk.tcp_sockets_allocated++;		/* sk_clone_lock() */
	return c;
}

void rxs__tcp_acceptq_add(struct rxs_sock *listener, struct rxs_sock *child, uint64_t now)
{
	struct rxs_tcp_sock *l = &listener->tcp;

	child->tcp.accept_next = NULL;
	if (l->acceptq_tail)
		l->acceptq_tail->tcp.accept_next = child;
	else
		l->acceptq_head = child;
	l->acceptq_tail = child;
	l->ack_backlog++;
	rxs__app_data_ready(listener, now);
}

struct rxs_sock *rxs__tcp_accept(struct rxs_sock *sk)
{
	struct rxs_sock *c = sk->tcp.acceptq_head;

	if (!c)
		return NULL;
	sk->tcp.acceptq_head = c->tcp.accept_next;
	if (!sk->tcp.acceptq_head)
		sk->tcp.acceptq_tail = NULL;
	sk->tcp.ack_backlog--;
	c->tcp.accepted = true;
	sk->delivered++;
	return c;
}

struct rxs_sk_buff *rxs__tcp_recvmsg(struct rxs_sock *sk, unsigned int cpu, uint64_t now)
{
	struct rxs_sk_buff *skb = rxs__skb_dequeue(&sk->receive_queue);
	uint32_t bytes;

	if (!skb)
		return NULL;
	/* sk_mem_uncharge() gives its truesize (a coalesced segment's: the merge's delta) back to
	 * sk_forward_alloc, and sk_mem_reclaim() returns whole pages to the protocol. */
	bytes = skb->len;
	{
		/* tcp_recvmsg()'s offset: bytes before copied_seq (a segment queued partly old, or
		 * one overlapping the out-of-order skb before it) were read already. */
		int32_t off = (int32_t)(sk->tcp.copied_seq - TCP_SKB_CB(skb)->seq);

		if (off > 0)
			bytes = (uint32_t)off < bytes ? bytes - (uint32_t)off : 0;
	}
	rxs__tcp_mem_uncharge(sk, cpu, now, skb->truesize);
	sk->tcp.copied_seq += bytes;
	sk->delivered++;
	sk->delivered_bytes += bytes;
	/* The end of one of the kernel's skbs (the next one was not coalesced into it). */
	if (!sk->receive_queue.head || !(TCP_SKB_CB(sk->receive_queue.head)->flags & RXS_TCB_MERGED))
		sk->host->sk.tcp_rcv_space_adjust(sk);
	return skb;
}

/* The hints are two tables of HINT_SIZE in one allocation: by the whole tuple, and by the
 * peer alone (address and port, the local half zeroed). The second answers a host whose
 * side of the tuple NAT changed: a SYN-ACK captured on the wire leaves from the DNAT's
 * original port (8080) while the listener's tuple has the port it was translated to (5000). */
static struct rxs_isn_hint *hint_slot(const struct rxs_host *h, bool by_peer,
				      const struct rxs_tcp_tuple *t, bool *found)
{
	struct rxs_isn_hint *tab = h->sk.isn_hints + (by_peer ? HINT_SIZE : 0);
	uint32_t i = tuple_hash(t) & h->sk.isn_hints_mask;

	/* Linear probing; a full table overwrites the home slot (the oldest hint matters
	 * least: its handshake is long done). */
	for (uint32_t n = 0; n <= h->sk.isn_hints_mask; n++, i = (i + 1) & h->sk.isn_hints_mask) {
		struct rxs_isn_hint *e = &tab[i];

		if (!e->used || !memcmp(&e->t, t, sizeof(*t))) {
			*found = e->used;
			return e;
		}
	}
	*found = false;
	return &tab[tuple_hash(t) & h->sk.isn_hints_mask];
}

static struct rxs_tcp_tuple peer_of(const struct rxs_tcp_tuple *t)
{
	struct rxs_tcp_tuple p;

	memset(&p, 0, sizeof(p));
	p.family = t->family;
	memcpy(p.saddr, t->saddr, sizeof(p.saddr));
	p.sport = t->sport;
	return p;
}

void rxs__isn_hint_add(struct rxs_host *h, const struct rxs_tcp_tuple *t, uint32_t isn)
{
	struct rxs_tcp_tuple peer = peer_of(t);
	struct rxs_isn_hint *e;
	bool found;

	if (!h->sk.isn_hints) {
		h->sk.isn_hints = rxs__calloc(2 * HINT_SIZE, sizeof(*h->sk.isn_hints));
		if (!h->sk.isn_hints)
			return;		/* without hints the host picks its own ISNs */
		h->sk.isn_hints_mask = HINT_SIZE - 1;
	}
	e = hint_slot(h, false, t, &found);
	if (found && e->isn != isn)
		e->has_ts = false;	/* a new connection on the tuple */
	e->t = *t;
	e->isn = isn;
	e->used = true;
	e = hint_slot(h, true, &peer, &found);
	e->t = peer;
	e->isn = isn;
	e->used = true;
}

void rxs__ts_hint_add(struct rxs_host *h, const struct rxs_tcp_tuple *t, uint32_t tsval,
		      uint32_t ms)
{
	struct rxs_isn_hint *e;
	bool found;

	if (!h->sk.isn_hints)
		return;
	e = hint_slot(h, false, t, &found);
	if (found) {
		if (!e->has_ts)
			e->tsval_first = tsval;
		e->tsval_last = tsval;
		e->ts_off = tsval - ms;
		e->has_ts = true;
	}
}

/* The hint of @t whose SYN-ACK showed a timestamp, or NULL. */
static const struct rxs_isn_hint *ts_hint_of(const struct rxs_host *h,
					     const struct rxs_tcp_tuple *t)
{
	const struct rxs_isn_hint *e;
	bool found;

	if (!h->sk.isn_hints)
		return NULL;
	e = hint_slot(h, false, t, &found);
	return found && e->has_ts ? e : NULL;
}

bool rxs__synack_tsvals(const struct rxs_host *h, const struct rxs_tcp_tuple *t, uint32_t *first,
			uint32_t *last)
{
	const struct rxs_isn_hint *e = ts_hint_of(h, t);

	if (!e)
		return false;
	*first = e->tsval_first;
	*last = e->tsval_last;
	return true;
}

bool rxs__ts_hint(const struct rxs_host *h, const struct rxs_tcp_tuple *t, uint32_t *ts_off)
{
	const struct rxs_isn_hint *e = ts_hint_of(h, t);

	if (!e)
		return false;
	*ts_off = e->ts_off;
	return true;
}

bool rxs__isn_hint(const struct rxs_host *h, const struct rxs_tcp_tuple *t, uint32_t *isn)
{
	struct rxs_tcp_tuple peer;
	struct rxs_isn_hint *e;
	bool found;

	if (!h->sk.isn_hints)
		return false;
	e = hint_slot(h, false, t, &found);
	if (!found) {
		peer = peer_of(t);
		e = hint_slot(h, true, &peer, &found);
	}
	if (found)
		*isn = e->isn;
	return found;
}

uint64_t rxs__tcp_queued(const struct rxs_host *h)
{
	uint64_t n = 0;

	for (const struct rxs_sock *c = h->sk.tcp_conns; c; c = c->tcp.conn_next)
		n += c->receive_queue.qlen + c->tcp.ofo.qlen;
	/* A connected socket's receive queue is counted with the scenario's sockets. */
	for (unsigned int i = 0; h->sk.tcp_nconnected && i < h->sk.nsocks; i++)
		n += h->sk.socks[i].tcp.ofo.qlen;
	return n;
}

static void purge(struct rxs_skb_queue *q)
{
	struct rxs_sk_buff *skb;

	while ((skb = rxs__skb_dequeue(q)))
		rxs_kfree_skb_reason(skb, RXS_DROP_SOCKET_CLOSE);
}

void rxs__tcp_destroy(struct rxs_host *h)
{
	struct rxs_sock *c = h->sk.tcp_conns;

	while (c) {
		struct rxs_sock *next = c->tcp.conn_next;

		purge(&c->receive_queue);
		purge(&c->tcp.ofo);
		rxs__free(c);
		c = next;
	}
	h->sk.tcp_conns = NULL;
	for (unsigned int i = 0; h->sk.tcp_nconnected && i < h->sk.nsocks; i++)
		purge(&h->sk.socks[i].tcp.ofo);
	rxs__free(h->sk.ehash);
	h->sk.ehash = NULL;
	rxs__free(h->sk.isn_hints);
	h->sk.isn_hints = NULL;
}

/* ---- TCP receive memory: sk_mem_schedule() and friends (net/core/sock.c) ---- */

#define SK_MEM_PAGE 4096

static int64_t sk_mem_pages(int64_t bytes)
{
	return (bytes + SK_MEM_PAGE - 1) / SK_MEM_PAGE;
}

/* proto_memory_pcpu_drain(): a CPU's reserve into tcp_memory_allocated. */
static void pcpu_drain(struct rxs_host *h, unsigned int cpu)
{
	h->sk.tcp_memory_allocated += h->sk.tcp_fw_alloc_pcpu[cpu];
	h->sk.tcp_fw_alloc_pcpu[cpu] = 0;
}

/* sk_memory_allocated_add() / _sub(): through the CPU's reserve, so tcp_memory_allocated
 * moves only by net.core.mem_pcpu_rsv pages or more at a time. */
static void memory_allocated_add(struct rxs_host *h, unsigned int cpu, int64_t pages)
{
	cpu %= RXS_MAX_CPUS;
	h->sk.tcp_fw_alloc_pcpu[cpu] += pages;
	if (h->sk.tcp_fw_alloc_pcpu[cpu] >= h->sk.sysctl_mem_pcpu_rsv ||
	    h->sk.tcp_fw_alloc_pcpu[cpu] <= -h->sk.sysctl_mem_pcpu_rsv)
		pcpu_drain(h, cpu);
}

bool rxs__tcp_mem_under_min(const struct rxs_host *h)
{
	return h->sk.tcp_memory_allocated < h->sk.sysctl_tcp_mem[0];
}

bool rxs__tcp_under_memory_pressure(const struct rxs_sock *sk)
{
	return sk->host->sk.tcp_memory_pressure != 0;
}

void rxs__tcp_enter_memory_pressure(struct rxs_host *h, unsigned int cpu, uint64_t now)
{
	if (h->sk.tcp_memory_pressure)
		return;
	/* The jiffies it began; 0 means none, as the kernel's "val = jiffies; if (!val) val--". */
	h->sk.tcp_memory_pressure = rxs__jiffies(h, now) ? rxs__jiffies(h, now) : UINT64_MAX;
	h->cpus[cpu % h->ncpus].mib[RXS_MIB_TcpExtTCPMemoryPressures]++;
}

/* tcp_leave_memory_pressure(): how long it lasted, in ms. */
static void leave_memory_pressure(struct rxs_host *h, unsigned int cpu, uint64_t now)
{
	uint64_t began = h->sk.tcp_memory_pressure, j = rxs__jiffies(h, now);

	if (!began)
		return;
	h->sk.tcp_memory_pressure = 0;
	if (began != UINT64_MAX && j >= began)
		h->cpus[cpu % h->ncpus].mib[RXS_MIB_TcpExtTCPMemoryPressuresChrono] +=
			(j - began) * 1000 / (uint64_t)h->hz;
}

/* __sk_mem_raise_allocated() for receive memory: under tcp_mem[0] always; over tcp_mem[1]
 * the protocol enters pressure; over tcp_mem[2] never. Between, a socket below tcp_rmem[0],
 * or (under pressure) one using less than its share of tcp_mem[2], still gets it. */
static bool mem_raise_allocated(struct rxs_sock *sk, unsigned int cpu, uint64_t now,
				int64_t pages)
{
	struct rxs_host *h = sk->host;
	int64_t allocated;

	memory_allocated_add(h, cpu, pages);
	allocated = h->sk.tcp_memory_allocated;
	if (allocated <= h->sk.sysctl_tcp_mem[0]) {
		leave_memory_pressure(h, cpu, now);
		return true;
	}
	if (allocated > h->sk.sysctl_tcp_mem[1])
		rxs__tcp_enter_memory_pressure(h, cpu, now);
	if (allocated > h->sk.sysctl_tcp_mem[2])
		goto suppress;
	if (sk->rmem_alloc < h->sk.sysctl_tcp_rmem[0])
		return true;
	if (!h->sk.tcp_memory_pressure)
		return true;
	if (h->sk.sysctl_tcp_mem[2] > (int64_t)RXS_MAX(h->sk.tcp_sockets_allocated, 1u) *
					     sk_mem_pages(sk->rmem_alloc + sk->tcp.forward_alloc))
		return true;
suppress:
	memory_allocated_add(h, cpu, -pages);
	return false;
}

bool rxs__tcp_rmem_schedule(struct rxs_sock *sk, unsigned int cpu, uint64_t now, uint32_t size)
{
	int64_t delta = (int64_t)size - sk->tcp.forward_alloc, pages;

	if (delta <= 0)
		return true;
	pages = sk_mem_pages(delta);
	sk->tcp.forward_alloc += pages * SK_MEM_PAGE;
	if (mem_raise_allocated(sk, cpu, now, pages))
		return true;
	sk->tcp.forward_alloc -= pages * SK_MEM_PAGE;
	return false;
}

void rxs__tcp_forced_mem_schedule(struct rxs_sock *sk, unsigned int cpu, uint64_t now,
				  uint32_t size)
{
	int64_t delta = (int64_t)size - sk->tcp.forward_alloc, pages;

	(void)now;
	if (delta <= 0)
		return;
	pages = sk_mem_pages(delta);
	sk->tcp.forward_alloc += pages * SK_MEM_PAGE;
	memory_allocated_add(sk->host, cpu, pages);
}

/* sk_mem_reclaim(): whole pages of the reserve back to the protocol
 * (__sk_mem_reduce_allocated), which may end the pressure. */
static void mem_reclaim(struct rxs_sock *sk, unsigned int cpu, uint64_t now)
{
	struct rxs_host *h = sk->host;
	int64_t pages;

	if (sk->tcp.forward_alloc < SK_MEM_PAGE)
		return;
	pages = sk->tcp.forward_alloc / SK_MEM_PAGE;
	sk->tcp.forward_alloc -= pages * SK_MEM_PAGE;
	memory_allocated_add(h, cpu, -pages);
	if (h->sk.tcp_memory_pressure && h->sk.tcp_memory_allocated < h->sk.sysctl_tcp_mem[0])
		leave_memory_pressure(h, cpu, now);
}

void rxs__tcp_mem_uncharge(struct rxs_sock *sk, unsigned int cpu, uint64_t now, uint32_t size)
{
	sk->rmem_alloc -= size;
	sk->tcp.forward_alloc += size;
	mem_reclaim(sk, cpu, now);
}
