/* socket.h - what the socket layer offers the modules above it: the sock, its TCP state,
 * and the host's socket tables (struct rxs_netns_sock, the host's h->sk), as the kernel's
 * struct netns_ipv4 holds a namespace's tcp hash tables and socket sysctls.
 * The public socket API is rxsim/socket.h.
 */
#ifndef RXSIM_SOCKET_SOCKET_H
#define RXSIM_SOCKET_SOCKET_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/engine.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "rxsim/sim.h"
#include "rxsim/socket.h"
#include "skb/skb.h"

struct rxs_host;
struct rxs_isn_hint;

/* An application model reading a socket. */
struct rxs_app {
	struct rxs_app_config cfg;
	uint64_t last_ns;			/* RXS_APP_RATE: time of the last read */
	uint64_t next_ns;			/* RXS_APP_RATE: earliest next read */
	bool timer_armed;
};

enum rxs_tcp_state {
	RXS_TCP_CLOSE,
	RXS_TCP_LISTEN,
	RXS_TCP_SYN_SENT,
	RXS_TCP_SYN_RECV,
	RXS_TCP_ESTABLISHED,
	RXS_TCP_CLOSE_WAIT,
};

/* A connection's addresses, seen from the peer that sent the segment (saddr = peer). */
struct rxs_tcp_tuple {
	uint8_t family;
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
};

/* Where ehash entries link; the kind tells a request sock from a full socket. */
struct rxs_ehash_node {
	struct rxs_ehash_node *next;
	struct rxs_tcp_tuple t;
	uint8_t kind;				/* RXS_EH_REQ or RXS_EH_SOCK */
};

enum { RXS_EH_REQ = 1, RXS_EH_SOCK = 2 };

/* TCP state of a socket: a listener's queues, or a connection's sequence space. */
/* A listener's last answer of tcp_openreq_init_rwin() for one pair of SYN options. */
struct rxs_rwin_cache {
	int64_t rcvbuf;
	uint32_t rcv_wnd, window_clamp;
	uint16_t advmss;			/* 0: not computed */
	uint8_t rcv_wscale;
};

struct rxs_tcp_sock {
	enum rxs_tcp_state state;
	/* listener */
	uint32_t max_ack_backlog;		/* sk_max_ack_backlog: min(backlog, somaxconn) */
	uint8_t defer_accept;			/* rskq_defer_accept: SYN-ACK timeouts, 0 = off */
	uint32_t ack_backlog;			/* sk_ack_backlog: the accept queue's length */
	uint32_t qlen;				/* request socks (the SYN queue) */
	uint32_t young;				/* request socks whose timer never fired */
	uint64_t last_overflow;			/* jiffies a cookie was last sent, +1 (0: never) */
	struct rxs_sock *acceptq_head, *acceptq_tail;
	/* connection */
	struct rxs_ehash_node node;
	struct rxs_sock *listener;
	struct rxs_sock *accept_next;
	struct rxs_sock *conn_next;		/* every connection of the host */
	bool accepted;
	uint32_t rcv_nxt, snd_nxt;
	/* A connected socket of the scenario (connect:): the host's own, no listener's. Until
	 * the traffic says where its sequence numbers are it is "joining" (in SYN_SENT too):
	 * the SYN-ACK, or the first segment that reaches it, sets rcv_nxt (and snd_nxt, unless
	 * the host's own segments did). */
	bool connected, joining, snd_known;
	uint32_t snd_una;			/* SYN_SENT: the ISN; a SYN-ACK acks ISN + 1 */
	struct rxs_skb_queue ofo;		/* out-of-order segments, by sequence */
	uint32_t unacked_segs;			/* in-order segments since our last ACK */
	bool delack_armed;
	/* the delayed-ACK engine (icsk_ack): quick ACKs left, whether an ACK is scheduled,
	 * interactive (pingpong) mode, the first data seen, the last data's time, rcv_mss */
	uint8_t quick;
	bool ack_sched, pingpong, ato_set;
	uint16_t rcv_mss;
	uint64_t lrcvtime;
	bool tstamp_ok;				/* timestamps negotiated: our ACKs carry one */
	uint32_t ts_recent;			/* the peer's last TSval, our TSecr */
	uint8_t peer_mac[6];
	struct rxs_netdev *dev;			/* the NIC the connection came in on */
	/* The receive window and memory (proto/tcp_window.c, docs/tcp-window.md): tcp_sock's
	 * rcv_wup, rcv_wnd, window_clamp, rcv_ssthresh, copied_seq, advmss, scaling_ratio,
	 * rx_opt.rcv_wscale, sk_forward_alloc, SOCK_RCVBUF_LOCK; icsk_ack's ato (jiffies),
	 * timeout, ICSK_ACK_PUSHED/NOW/NOMEM; the handshake's RTT and the RTO; header
	 * prediction (pred_flags: on, the window field it expects, the header length); the
	 * out-of-window ACK rate limit; the SACK blocks our ACKs carry. */
	uint32_t rcv_wup, rcv_wnd, window_clamp, rcv_ssthresh, copied_seq;
	int64_t forward_alloc;
	uint16_t advmss, hp_window, last_seg_size;
	uint8_t rcv_wscale, snd_wscale, scaling_ratio, tcp_header_len;
	bool rcvbuf_lock, sack_ok, hp, pushed, ack_now_flag, nomem;
	uint32_t ato_j, rto_j, srtt_us, lrcv_j;
	uint64_t delack_timeout_j;
	uint64_t delack_event_j;		/* the earliest delayed-ACK event queued (0: none) */
	uint32_t last_oow_j;
	bool oow_set;
	/* What tcp_ack() keeps of the send side, for tcp_disordered_ack_check(): the peer's
	 * highest ACK (snd_una), the sequence of the segment that last updated the send window
	 * (snd_wl1) and that window (snd_wnd, scaled). */
	uint32_t snd_wl1, snd_wnd;
	uint8_t num_sacks, dup_ack_counter;
	bool dsack;
	uint32_t compressed_ack_rcv_nxt;
	struct { uint32_t start, end; } sacks[4], dup_sack;
	uint32_t rcv_ooopack;
	uint32_t rcvq_space;			/* rcvq_space.space, set at ESTABLISHED */
	/* Autotuning (tcp_rcv_space_adjust): tcp_mstamp (us, the last segment's), rcvq_space's
	 * seq and time; rcv_rtt_est from the window (rtt_us << 3, the measure's end and start;
	 * rcv_rtt_time 0: none yet). */
	uint64_t mstamp, rcvq_time, rcv_rtt_time;
	uint32_t rcvq_seq, rcv_rtt_us, rcv_rtt_seq;
	/* Timestamps: tsoffset (our TSval less our ms clock: the captured host's, learned from
	 * its SYN-ACK), and the TSecr the receiver's RTT last sampled (rcv_rtt_last_tsecr). */
	uint32_t ts_off, rcv_rtt_last_tsecr;
	bool pushed2;				/* ICSK_ACK_PUSHED2 */
	/* A reader that reads as data comes is woken by a segment (read_pending) and reads at
	 * the end of its processing (in_rcv), after the softirq's own ACK, as a woken reader
	 * runs after the softirq; a read made inside it defers its tcp_cleanup_rbuf() the same
	 * way: the bytes it read (rbuf_pending: it did read). */
	bool in_rcv, rbuf_pending, read_pending;
	int64_t rbuf_copied;
	struct rxs_rwin_cache syn_rwin[4];	/* a listener's: by timestamps, window scaling */
};

struct rxs_sk_filter;

struct rxs_sock {
	/* What the delivery of each datagram reads, together on the first line, as the
	 * kernel's struct sock_common leads struct sock with what its lookups read: the hash
	 * chain, then what a datagram read as it comes touches. The lookup's keys, cfg's
	 * address and port, follow on the next line. Two lines a socket rather than eight:
	 * with a few dozen sockets, eight each crowd the cache's sets past their ways. */
	struct rxs_sock *hash_next;
	struct rxs_host *host;
	struct rxs_sk_filter *filter;		/* SO_ATTACH_FILTER/BPF (bpf/bpf.h), or NULL */
	/* receive_queue, rmem_alloc, drops and delivered: the kernel's sk_receive_queue
	 * lock, taken by the CPUs that queue and the application that reads */
	struct rxs_lock lock;
	uint64_t delivered;			/* datagrams the application read */
	uint64_t delivered_bytes;
	bool reuseport;				/* cfg.reuseport (sock_common's skc_reuseport) */
	bool read_at_once;			/* UDP: read: all, on no CPU (udp_read_at_once) */
	struct rxs_socket_config cfg;
	unsigned int index;
	int64_t rcvbuf;				/* sk_rcvbuf */
	int64_t sndbuf;				/* sk_sndbuf: ss's tb (nothing is sent from it) */
	int64_t rmem_alloc;			/* sk_rmem_alloc: truesize of queued skbs */
	struct rxs_skb_queue receive_queue;
	uint64_t drops;				/* sk_drops */
	struct rxs_app app;
	struct rxs_tcp_sock tcp;
	uint8_t join_dev[RXS_SOCK_JOIN_MAX];	/* the device of each cfg.join, by index */
	struct rxs_sk_filter *reuseport_prog;	/* SO_ATTACH_REUSEPORT_CBPF/EBPF, or NULL */
};

/* The socket layer's state of a host: its sockets, their lookup tables, TCP's connections,
 * and its copies of the sysctls it reads (net.core.somaxconn, rmem_*, tcp_rmem). */
struct rxs_netns_sock {
	struct rxs_sock *socks;			/* the scenario's sockets */
	unsigned int nsocks;
	struct rxs_sock *udp_hash[256];		/* by local port */
	struct rxs_sock *tcp_lhash[256];	/* TCP listeners by local port */
	struct rxs_ehash_node **ehash;		/* request socks and connections by 4-tuple */
	uint32_t ehash_mask;
	uint32_t ehash_count;			/* nodes in ehash */
	struct rxs_sock *tcp_conns;		/* every connection, for reports and teardown */
	uint32_t tcp_nconns;
	uint32_t tcp_nconnected;		/* connected sockets of the scenario (connect:) */
	struct rxs_isn_hint *isn_hints;		/* the host's own ISNs, learned from a capture */
	uint32_t isn_hints_mask;
	/* The host replays a capture and none of its own frames has shown yet: a one-way
	 * capture (the frames to the host alone), whose SYN-ACKs' ISNs only the peers' ACKs
	 * tell (rxs__tcp_isn_unknown()). */
	bool one_way;
	/* udp_hash and tcp_lhash are fixed once the host is built; TCP's tables (ehash,
	 * tcp_conns, isn_hints) and every connection's and listener's TCP state change */
	struct rxs_lock tcp_lock;
	int64_t sysctl_somaxconn;
	int64_t sysctl_rmem_max;
	int64_t sysctl_rmem_default;
	int64_t sysctl_tcp_rmem[3];
	int64_t sysctl_tcp_moderate_rcvbuf;
	/* What a TCP read calls in proto, filled by rxs__proto_init(): tcp_rcv_space_adjust()
	 * after each skb copied, tcp_cleanup_rbuf() at the end of a tcp_recvmsg() that copied
	 * @copied bytes (its ACK, if any, leaves from @sd at @t). */
	void (*tcp_rcv_space_adjust)(struct rxs_sock *sk);
	void (*tcp_cleanup_rbuf)(struct rxs_softnet_data *sd, struct rxs_sock *sk, int64_t copied,
				 uint64_t t);
	int64_t sysctl_wmem_max;
	int64_t sysctl_wmem_default;
	int64_t sysctl_tcp_wmem[3];
	/* TCP's memory (tcp_prot): tcp_memory_allocated in pages, what each CPU keeps back from
	 * it (per_cpu_fw_alloc: drained into it past net.core.mem_pcpu_rsv pages either way),
	 * tcp_memory_pressure (the jiffies it began, 0: none), net.ipv4.tcp_mem, and
	 * tcp_sockets_allocated (listeners and connections). One host is one kernel here: the
	 * kernel's counter is also every other namespace's. */
	int64_t tcp_memory_allocated;
	int64_t tcp_fw_alloc_pcpu[RXS_MAX_CPUS];
	uint64_t tcp_memory_pressure;
	int64_t sysctl_tcp_mem[3];
	int64_t sysctl_mem_pcpu_rsv;
	uint32_t tcp_sockets_allocated;
};

/* ---- TCP receive memory (tcp_sock.c; include/net/sock.h, net/core/sock.c) ----
 * sk_forward_alloc is what a socket holds reserved in whole pages; each change of the
 * protocol's count goes through the CPU's reserve (@cpu) and is dated @now (ns) for
 * TCPMemoryPressuresChrono. */
bool rxs__tcp_under_memory_pressure(const struct rxs_sock *sk);
/* sk_rmem_schedule(): reserve pages for @size bytes more; false when tcp_mem refuses. */
bool rxs__tcp_rmem_schedule(struct rxs_sock *sk, unsigned int cpu, uint64_t now, uint32_t size);
/* sk_forced_mem_schedule(): the same, never refused. */
void rxs__tcp_forced_mem_schedule(struct rxs_sock *sk, unsigned int cpu, uint64_t now,
				  uint32_t size);
/* sk_mem_uncharge() of a freed skb's truesize, then sk_mem_reclaim(). */
void rxs__tcp_mem_uncharge(struct rxs_sock *sk, unsigned int cpu, uint64_t now, uint32_t size);
/* tcp_enter_memory_pressure() / tcp_leave_memory_pressure(). */
void rxs__tcp_enter_memory_pressure(struct rxs_host *h, unsigned int cpu, uint64_t now);
/* Whether tcp_memory_allocated is under tcp_mem[0] (sk_prot_mem_limits(sk, 0)). */
bool rxs__tcp_mem_under_min(const struct rxs_host *h);

/* The handles of rxsim/socket.h are socks under types of their own, so users never see the
 * layout: a socket handle is one of h->sk.socks, a connection one a child sock of a listener.
 * Each returns NULL for a handle of the other kind (or NULL). */
struct rxs_sock *rxs__sock_of(const rxs_socket_t *s);

static inline rxs_socket_t *rxs__socket_handle(const struct rxs_sock *sk)
{
	return (rxs_socket_t *)(uintptr_t)sk;
}

static inline struct rxs_sock *rxs__conn_sock(const rxs_conn_t *c)
{
	struct rxs_sock *sk = (struct rxs_sock *)(uintptr_t)c;

	return sk && sk->tcp.listener ? sk : NULL;
}

/* ---- socket ---- */
int rxs__sock_init(struct rxs_host *h, struct rxs_sock *sk, const struct rxs_socket_config *cfg,
		   unsigned int index);
void rxs__sock_destroy(struct rxs_sock *sk);
struct rxs_sock *rxs__udp_lookup(struct rxs_host *h, int family, const uint8_t *daddr,
				 uint16_t dport);
/* ---- SO_REUSEPORT groups (src/socket/reuseport.c) ---- */
/* reuseport_select_sock(): @sk, found by the lookup, heads a group (sockets of its protocol
 * bound to its address and port with reuseport); the member picked for @skb (data at its
 * transport header, @hdr_len bytes long) by the group's program or the flow's hash,
 * reciprocal_scale(hash, n); @sk itself when alone. NULL when an sk_reuseport program
 * returned SK_DROP: the lookup then finds no socket, as __inet_lookup_listener() and
 * __udp4_lib_lookup() turn its error into NULL. */
struct rxs_sock *rxs__reuseport_select(struct rxs_sock *sk, const struct rxs_sk_buff *skb,
				       unsigned int hdr_len);
/* A TCP listener bound exactly like an earlier one of the scenario: -EADDRINUSE unless both
 * have reuseport (bind()'s conflict check); else 0. */
int rxs__reuseport_bind_check(const struct rxs_sock *sk);
/* udp_ehashfn()/inet_ehashfn() of @skb's 4-tuple, with the secret 0. */
uint32_t rxs__reuseport_ehashfn(const struct rxs_sk_buff *skb);
/* The group of @sk: its size, member @idx (NULL past the end), @sk's index in it. */
unsigned int rxs__reuseport_group_size(const struct rxs_sock *sk);
struct rxs_sock *rxs__reuseport_member(const struct rxs_sock *sk, unsigned int idx);
unsigned int rxs__reuseport_index(const struct rxs_sock *sk);
/* sk_filter_trim_cap(@sk, @skb, @cap) of a socket with a filter: the bytes the filter keeps
 * (at least @cap), the skb trimmed to them; 0 when it refuses the packet (the caller counts
 * and frees it: reason SOCKET_FILTER). */
uint32_t rxs__sk_filter_trim_cap(struct rxs_sock *sk, struct rxs_sk_buff *skb, uint32_t cap);
/* udp_v4_mcast_next(): the next socket after @prev (NULL: the first) bound to @dport and to
 * the wildcard or @daddr, in the hash chain's order: the socket bound last comes first, as
 * udp_lib_get_port() adds each at the chain's head. */
struct rxs_sock *rxs__udp_mcast_next(struct rxs_host *h, struct rxs_sock *prev, int family,
				     const uint8_t *daddr, uint16_t dport);
/* Queue a datagram (__udp_enqueue_schedule_skb). Takes ownership. 0, -ENOMEM rcvbuf full. */
int rxs__udp_queue_rcv_skb(struct rxs_sock *sk, struct rxs_sk_buff *skb);
/* sk_data_ready(): a datagram was queued on @sk at @t; wake or schedule its reader. */
void rxs__app_data_ready(struct rxs_sock *sk, uint64_t t);
/* A reader that reads as data comes, woken by the segment just processed: it reads now. */
void rxs__app_read_woken(struct rxs_sock *sk, uint64_t t);
/* udp_recvmsg(): the next good datagram (caller owns it) or NULL; counts on @sd, or with
 * @sd NULL in process context (an application thread of the threaded engine). */
struct rxs_sk_buff *rxs__udp_recvmsg(struct rxs_sock *sk, struct rxs_softnet_data *sd);

/* Whether a socket's bound address @a is @b, of @family: each size a constant, so each
 * compare is a word or two, not a call of memcmp() (every lookup makes one a socket). */
static inline bool rxs__sock_addr_eq(int family, const uint8_t *a, const uint8_t *b)
{
	if (family == AF_INET)
		return !memcmp(a, b, 4);
	return !memcmp(a, b, 16);
}

/* ---- TCP sockets (src/socket/tcp_sock.c) ---- */
/* The tuple of the TCP segment @skb (IP control block filled, transport header set), its
 * padding zero: the ehash compares tuples byte by byte. Inline: TCP makes one or two a
 * segment. */
static inline void rxs__tcp_tuple_of(const struct rxs_sk_buff *skb, struct rxs_tcp_tuple *t)
{
	const struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	const uint8_t *th = rxs_skb_transport_header(skb);

	memset(t, 0, sizeof(*t));
	t->family = cb->family;
	memcpy(t->saddr, cb->saddr, 16);
	memcpy(t->daddr, cb->daddr, 16);
	t->sport = rxs__get_be16(th);
	t->dport = rxs__get_be16(th + 2);
}
struct rxs_ehash_node *rxs__ehash_lookup(struct rxs_host *h, const struct rxs_tcp_tuple *t);
int rxs__ehash_add(struct rxs_host *h, struct rxs_ehash_node *n);
void rxs__ehash_del(struct rxs_host *h, struct rxs_ehash_node *n);
struct rxs_sock *rxs__tcp_listener_lookup(struct rxs_host *h, int family, const uint8_t *daddr,
					  uint16_t dport);
/* A child in SYN_RECV for @req's connection, on the host's list. NULL on -ENOMEM. */
struct rxs_sock *rxs__tcp_child_create(struct rxs_host *h, struct rxs_sock *listener,
				       const struct rxs_tcp_tuple *t, uint32_t rcv_isn,
				       uint32_t snt_isn, const uint8_t *peer_mac);
/* inet_csk_reqsk_queue_add(): onto the listener's accept queue, woken accept(). */
void rxs__tcp_acceptq_add(struct rxs_sock *listener, struct rxs_sock *child, uint64_t now);
/* A learned ISN for @t (from the host's own SYN-ACK in the capture), or false. */
bool rxs__isn_hint(const struct rxs_host *h, const struct rxs_tcp_tuple *t, uint32_t *isn);

/* tcp_recvmsg() for a connection: the oldest in-order segment (caller owns it) or NULL. */
/* tcp_recvmsg() of one skb, on CPU @cpu at @now (its memory goes back through that CPU). */
struct rxs_sk_buff *rxs__tcp_recvmsg(struct rxs_sock *sk, unsigned int cpu, uint64_t now);
/* accept(): the oldest child of listener @sk, or NULL. */
struct rxs_sock *rxs__tcp_accept(struct rxs_sock *sk);
/* Learn the host's own ISN for @t from a SYN-ACK it sent in a capture. */
void rxs__isn_hint_add(struct rxs_host *h, const struct rxs_tcp_tuple *t, uint32_t isn);
/* The TSval of a SYN-ACK the host sent for @t in a capture, at @ms of virtual time. */
void rxs__ts_hint_add(struct rxs_host *h, const struct rxs_tcp_tuple *t, uint32_t tsval,
		      uint32_t ms);
/* The TSvals of the first and the last SYN-ACK the capture showed for @t (tcp_rsk(req)'s
 * snt_tsval_first and snt_tsval_last), if it showed one with a timestamp. */
bool rxs__synack_tsvals(const struct rxs_host *h, const struct rxs_tcp_tuple *t, uint32_t *first,
			uint32_t *last);
/* The timestamp offset the host's SYN-ACK for @t showed (its TSval less the ms of virtual time
 * it left at); false when none was seen. */
bool rxs__ts_hint(const struct rxs_host *h, const struct rxs_tcp_tuple *t, uint32_t *ts_off);
/* Segments held by TCP connections (receive and out-of-order queues). */
uint64_t rxs__tcp_queued(const struct rxs_host *h);
void rxs__tcp_destroy(struct rxs_host *h);
/* TCP part of rxs__sock_init(): a listener's max_ack_backlog. */
void rxs__tcp_listen(struct rxs_sock *sk);
/* A connected socket (connect:) into the ehash, ESTABLISHED and joining. 0 or -ENOMEM. */
int rxs__tcp_connect(struct rxs_sock *sk);
/* The host's own segment of a two-way capture, seen from the peer (@t: saddr = the peer):
 * a connected socket learns its SYN (connect(): SYN_SENT) or its snd_nxt. Under the host
 * lock; process context, so counters go to mib_proc. */
void rxs__tcp_learn_own(struct rxs_host *h, const struct rxs_tcp_tuple *t, uint8_t flags,
			uint32_t seq, uint32_t end_seq);

#endif /* RXSIM_SOCKET_SOCKET_H */
