/* rxsim/socket.h - the host's sockets: find one, read from it (recvmsg, accept), and see it
 * as `ss` does.
 *
 * A socket is a handle, rxs_socket_t, that the host hands out: by index (the scenario's order),
 * by name, or by its bound address. A connection the host accepted on a TCP listener is a
 * handle of its own, rxs_conn_t. Both are opaque and stay valid until rxs_host_destroy().
 * A call given NULL, or a handle of the wrong kind, returns -EINVAL (or NULL, 0), never
 * crashes; a pointer that was never a handle cannot be told apart and is undefined.
 *
 * Threads: rxs_socket_recv(), rxs_socket_accept(), rxs_conn_recv() and their _wait variants
 * may be called from any thread, also while a threaded run goes on (they take the locks of
 * what they touch; the _wait variants also block), and so may the finding calls (the host's
 * sockets are fixed when it is built). The others follow the host's rule (rxsim/sim.h).
 */
#ifndef RXSIM_SOCKET_H
#define RXSIM_SOCKET_H

#include <stdint.h>

#include "rxsim/config.h"
#include "rxsim/export.h"
#include "rxsim/skb.h"

/* SOCK_MIN_RCVBUF (include/net/sock.h): TCP_SKB_MIN_TRUESIZE = 2048 +
 * SKB_DATA_ALIGN(sizeof(struct sk_buff)), 6.18 x86-64: SO_RCVBUF 1000 gives rb2304 in ss. The
 * send side's floor, SOCK_MIN_SNDBUF, is twice that. */
#define RXS_SOCK_MIN_RCVBUF 2304
#define RXS_SOCK_MIN_SNDBUF 4608

struct rxs_host;

/* A socket of the scenario: UDP, a TCP listener, or a connected TCP socket (connect:). */
typedef struct rxs_socket rxs_socket_t;

/* A TCP connection the host accepted on a listener. */
typedef struct rxs_conn rxs_conn_t;

/* One socket as `ss -m` and /proc/net/udp show it. */
struct rxs_socket_info {
	const char *name;
	int proto;			/* IPPROTO_UDP / IPPROTO_TCP */
	char local[64];			/* "10.0.0.2:53", "[fd00::2]:53", "0.0.0.0:53" */
	uint64_t recv_q;		/* UDP: rmem_alloc bytes; listener: accept queue length */
	uint64_t send_q;		/* listener: backlog */
	int64_t rcvbuf;			/* sk_rcvbuf (skmem rb) */
	int64_t sndbuf;			/* sk_sndbuf (skmem tb) */
	uint64_t rmem_alloc;		/* skmem r */
	uint64_t drops;			/* sk_drops (skmem d) */
	uint64_t queued;		/* skbs in the receive queue */
	uint64_t delivered;		/* datagrams (or connections) the application took */
	uint64_t delivered_bytes;
	uint64_t syn_q;			/* request socks (listeners) */
};

/* ---- finding a socket ---- */

/* Sockets of @h, in scenario order. */
RXS_API unsigned int rxs_socket_count(const struct rxs_host *h);

/* Socket @index of @h (scenario order), or NULL when out of range. Like strchr(), it takes a
 * const host so that readers holding one can ask; read-only users keep the handle const. */
RXS_API rxs_socket_t *rxs_socket_get(const struct rxs_host *h, unsigned int index);

/* The socket named @name, or NULL. */
RXS_API rxs_socket_t *rxs_socket_lookup(const struct rxs_host *h, const char *name);

/* The socket of protocol @proto (IPPROTO_UDP/IPPROTO_TCP) bound to @addr (prefix unused;
 * family 0 or all zero: the wildcard) and @port, as the scenario binds it; NULL if none. */
RXS_API rxs_socket_t *rxs_socket_lookup_addr(const struct rxs_host *h, int proto,
					     const struct rxs_addr *addr, uint16_t port);

/* @s's index in scenario order (what tracepoints report), or -EINVAL. */
RXS_API int rxs_socket_index(const rxs_socket_t *s);

/* ---- what ss shows ---- */

/* @s as ss shows it, into @info. 0 or -EINVAL. */
RXS_API int rxs_socket_get_info(const rxs_socket_t *s, struct rxs_socket_info *info);

/* skbs in @s's receive queue now (for samplers); 0 for a bad handle. */
RXS_API uint32_t rxs_socket_qlen(const rxs_socket_t *s);

/* ---- reading, as an application ---- */

/* Take the oldest datagram queued on UDP socket @s, as recvfrom() would (its application
 * model should be `read: never` so it leaves them). The caller owns the skb and ends it with
 * rxs_consume_skb(). 0, -EAGAIN (empty) or -EINVAL (bad handle, not UDP). */
RXS_API int rxs_socket_recv(rxs_socket_t *s, struct rxs_sk_buff **skbp);

/* accept(): the oldest connection in TCP listener @s's accept queue (give that socket
 * `accept: never` so its application model leaves them). 0, -EAGAIN (none) or -EINVAL. */
RXS_API int rxs_socket_accept(rxs_socket_t *s, rxs_conn_t **connp);

/* recv() on @c: its oldest in-order segment, payload at skb->data, skb->len bytes (give the
 * listener `read: never` so its application model leaves them). The caller owns the skb and
 * ends it with rxs_consume_skb(). 0, -EAGAIN (nothing yet) or -EINVAL. */
RXS_API int rxs_conn_recv(rxs_conn_t *c, struct rxs_sk_buff **skbp);

/* @c as `ss -t` shows it: local address, Recv-Q (bytes queued), drops. 0 or -EINVAL. */
RXS_API int rxs_conn_get_info(const rxs_conn_t *c, struct rxs_socket_info *info);

/* A TCP connection of the host, accepted or not, as `ss -tnmi` shows it (docs/tcp-window.md). */
struct rxs_conn_state {
	const char *listener;		/* the socket's name (its listener's for a child) */
	const char *state;		/* "ESTABLISHED", "CLOSE-WAIT", ... as ss -t spells them */
	char local[64], peer[64];	/* "10.0.0.2:80" */
	uint64_t recv_q;		/* bytes received, not yet read (rcv_nxt - copied_seq) */
	uint64_t rmem_alloc;		/* skmem r: truesize charged */
	int64_t rcvbuf;			/* skmem rb */
	int64_t fwd_alloc;		/* skmem f: pages reserved, not yet charged */
	uint64_t drops;			/* skmem d */
	uint32_t rcv_wnd, rcv_ssthresh, rcv_space, window_clamp;
	uint32_t rcv_mss, advmss;
	uint8_t snd_wscale, rcv_wscale;	/* ss's wscale:snd,rcv */
};

/* Connections of @h, oldest first: how many, and the one at @index (0 or -EINVAL). */
RXS_API unsigned int rxs_conn_count(const struct rxs_host *h);
RXS_API int rxs_conn_state(const struct rxs_host *h, unsigned int index,
			   struct rxs_conn_state *st);

/* The blocking calls, for application threads during a threaded run: until a datagram (a
 * connection, a segment) is there, @timeout_ns passes or the run ends (-EAGAIN). Before
 * rxs_host_start_threaded() and after the run they do not block. Thread-safe from the start
 * until rxs_host_destroy(). */
RXS_API int rxs_socket_recv_wait(rxs_socket_t *s, struct rxs_sk_buff **skbp,
				 uint64_t timeout_ns);
RXS_API int rxs_socket_accept_wait(rxs_socket_t *s, rxs_conn_t **connp, uint64_t timeout_ns);
RXS_API int rxs_conn_recv_wait(rxs_conn_t *c, struct rxs_sk_buff **skbp, uint64_t timeout_ns);

#endif /* RXSIM_SOCKET_H */
