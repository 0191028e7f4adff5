/* socket.c - the host's sockets as handles (rxsim/socket.h): finding one, and what ss shows
 * of a socket or an accepted connection. Reading (recv, accept) and a socket's own ss line
 * are in src/sim/query.c and threaded.c, because they depend on the engine that runs. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "host.h"
#include "socket/socket.h"
#include "rxsim/socket.h"

struct rxs_sock *rxs__sock_of(const rxs_socket_t *s)
{
	struct rxs_sock *sk = (struct rxs_sock *)(uintptr_t)s;

	if (!sk || !sk->host || sk->index >= sk->host->sk.nsocks ||
	    &sk->host->sk.socks[sk->index] != sk)
		return NULL;
	return sk;
}

unsigned int rxs_socket_count(const struct rxs_host *h)
{
	return h ? h->sk.nsocks : 0;
}

rxs_socket_t *rxs_socket_get(const struct rxs_host *h, unsigned int index)
{
	return h && index < h->sk.nsocks ? rxs__socket_handle(&h->sk.socks[index]) : NULL;
}

rxs_socket_t *rxs_socket_lookup(const struct rxs_host *h, const char *name)
{
	if (!h || !name)
		return NULL;
	for (unsigned int i = 0; i < h->sk.nsocks; i++)
		if (!strcmp(h->sk.socks[i].cfg.name, name))
			return rxs__socket_handle(&h->sk.socks[i]);
	return NULL;
}

static bool addr_is_any(const struct rxs_addr *a)
{
	static const uint8_t zero[16];

	return !a || !a->family || !memcmp(a->addr, zero, a->family == AF_INET6 ? 16 : 4);
}

static bool addr_same(const struct rxs_addr *a, const struct rxs_addr *b)
{
	if (addr_is_any(a) || addr_is_any(b))
		return addr_is_any(a) && addr_is_any(b);
	return a->family == b->family &&
	       !memcmp(a->addr, b->addr, a->family == AF_INET6 ? 16 : 4);
}

rxs_socket_t *rxs_socket_lookup_addr(const struct rxs_host *h, int proto,
				     const struct rxs_addr *addr, uint16_t port)
{
	if (!h)
		return NULL;
	for (unsigned int i = 0; i < h->sk.nsocks; i++) {
		const struct rxs_socket_config *c = &h->sk.socks[i].cfg;

		if (c->proto == proto && c->port == port && addr_same(&c->local, addr))
			return rxs__socket_handle(&h->sk.socks[i]);
	}
	return NULL;
}

int rxs_socket_index(const rxs_socket_t *s)
{
	const struct rxs_sock *sk = rxs__sock_of(s);

	return sk ? (int)sk->index : -EINVAL;
}

uint32_t rxs_socket_qlen(const rxs_socket_t *s)
{
	const struct rxs_sock *sk = rxs__sock_of(s);

	return sk ? sk->receive_queue.qlen : 0;
}

int rxs_conn_get_info(const rxs_conn_t *conn, struct rxs_socket_info *info)
{
	const struct rxs_sock *c = rxs__conn_sock(conn);
	char a[INET6_ADDRSTRLEN];
	const struct rxs_tcp_tuple *t;

	if (!c)
		return -EINVAL;
	t = &c->tcp.node.t;
	memset(info, 0, sizeof(*info));
	info->name = c->cfg.name;
	info->proto = IPPROTO_TCP;
	inet_ntop(t->family, t->daddr, a, sizeof(a));
	snprintf(info->local, sizeof(info->local), t->family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 a, t->dport);
	info->rcvbuf = c->rcvbuf;
	info->rmem_alloc = (uint64_t)c->rmem_alloc;
	info->recv_q = (uint64_t)c->rmem_alloc;
	info->drops = c->drops;
	info->queued = c->receive_queue.qlen + c->tcp.ofo.qlen;
	info->delivered = c->delivered;
	info->delivered_bytes = c->delivered_bytes;
	return 0;
}

unsigned int rxs_conn_count(const struct rxs_host *h)
{
	return h ? h->sk.tcp_nconns : 0;
}

static const char *const state_names[] = {
	[RXS_TCP_CLOSE] = "CLOSE", [RXS_TCP_LISTEN] = "LISTEN", [RXS_TCP_SYN_SENT] = "SYN-SENT",
	[RXS_TCP_SYN_RECV] = "SYN-RECV", [RXS_TCP_ESTABLISHED] = "ESTABLISHED",
	[RXS_TCP_CLOSE_WAIT] = "CLOSE-WAIT",
};

int rxs_conn_state(const struct rxs_host *h, unsigned int index, struct rxs_conn_state *st)
{
	const struct rxs_sock *c;
	const struct rxs_tcp_tuple *t;
	char a[INET6_ADDRSTRLEN];
	unsigned int n;

	if (!h || index >= h->sk.tcp_nconns)
		return -EINVAL;
	/* The list is newest first. */
	n = h->sk.tcp_nconns - 1 - index;
	for (c = h->sk.tcp_conns; c && n; c = c->tcp.conn_next)
		n--;
	if (!c)
		return -EINVAL;
	t = &c->tcp.node.t;
	memset(st, 0, sizeof(*st));
	st->listener = c->cfg.name;
	st->state = (unsigned int)c->tcp.state < ARRAY_SIZE(state_names) &&
			    state_names[c->tcp.state] ? state_names[c->tcp.state] : "UNKNOWN";
	inet_ntop(t->family, t->daddr, a, sizeof(a));
	snprintf(st->local, sizeof(st->local), t->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a,
		 t->dport);
	inet_ntop(t->family, t->saddr, a, sizeof(a));
	snprintf(st->peer, sizeof(st->peer), t->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a,
		 t->sport);
	st->recv_q = c->tcp.rcv_nxt - c->tcp.copied_seq - (c->tcp.state == RXS_TCP_CLOSE_WAIT);
	st->rmem_alloc = (uint64_t)c->rmem_alloc;
	st->rcvbuf = c->rcvbuf;
	st->fwd_alloc = c->tcp.forward_alloc;
	st->drops = c->drops;
	st->rcv_wnd = c->tcp.rcv_wnd;
	st->rcv_ssthresh = c->tcp.rcv_ssthresh;
	st->rcv_space = c->tcp.rcvq_space;
	st->window_clamp = c->tcp.window_clamp;
	st->rcv_mss = c->tcp.rcv_mss;
	st->advmss = c->tcp.advmss;
	st->rcv_wscale = c->tcp.rcv_wscale;
	st->snd_wscale = c->tcp.snd_wscale;
	return 0;
}
