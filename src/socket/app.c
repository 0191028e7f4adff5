/* app.c - application models: how fast a program reads its socket.
 *
 * `read: all` reads each datagram as it is queued (a reader that keeps up); `never` leaves
 * them; a rate reads one datagram (or its bytes' worth) per interval; a batch reads up to N
 * every period, on a clock aligned to multiples of the period. A model with a CPU charges
 * each read (recvmsg) to that CPU, where it competes with the softirq work.
 */
#include <netinet/in.h>

#include "host.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "socket/socket.h"

/* The CPU a read is counted on: the application's; in an engine with a thread per CPU, a
 * reader that keeps up reads on the CPU that queued the datagram, whose counters its thread
 * owns. */
static struct rxs_softnet_data *app_cpu(struct rxs_sock *sk)
{
	struct rxs_host *h = sk->host;
	struct rxs_softnet_data *sd = h->engine->this_cpu(h);
	int cpu = sk->app.cfg.cpu;

	if (sd)
		return sd;
	return &h->cpus[cpu >= 0 ? (unsigned int)cpu % h->ncpus : 0];
}

/* accept() on a listener: the child's own reader starts on what it already holds. */
static int64_t app_accept_one(struct rxs_sock *sk, uint64_t t)
{
	struct rxs_sock *child = rxs__tcp_accept(sk);

	if (!child)
		return -1;
	if (child->receive_queue.qlen)
		rxs__app_data_ready(child, t);
	return 1;
}

/* One read (recvmsg, or accept on a listener): the bytes read, or -1 when there was
 * nothing to take. */
/* rxsim's sock:sock_read: the application of @sk read @skb at @t on CPU @cpu. */
static RXS_NOINLINE void trace_sock_read(const struct rxs_sock *sk, const struct rxs_sk_buff *skb,
					 unsigned int cpu, uint64_t t)
{
	struct rxs_trace_event ev;
	struct rxs_tp_sock_read *p = &ev.u.sock_read;

	rxs__trace_event_init(&ev, RXS_TP_SOCK_READ, t, cpu);
	p->skbaddr = skb;
	p->sock = sk->index;
	p->sock_name = sk->cfg.name;
	p->tstamp = skb->tstamp;
	p->len = skb->len;
	rxs__trace_emit(&sk->host->trace, &ev);
}

static int64_t app_read_one(struct rxs_sock *sk, uint64_t t)
{
	struct rxs_softnet_data *sd = app_cpu(sk);
	struct rxs_sk_buff *skb;
	int64_t bytes;

	if (sk->app.cfg.cpu >= 0) {
		if (sd->now < t)
			sd->now = t;
		rxs__charge(sd, rxs__cost(sk->host, RXS_COST_APP_RECV));
	}
	if (sk->tcp.state == RXS_TCP_LISTEN)
		return app_accept_one(sk, t);
	if (sk->cfg.proto == IPPROTO_TCP) {
		skb = rxs__tcp_recvmsg(sk, sd->cpu, sk->app.cfg.cpu >= 0 ? sd->now : t);
		bytes = skb ? skb->len : 0;
	} else {
		skb = rxs__udp_recvmsg(sk, sd);
		bytes = skb && skb->len >= 8 ? skb->len - 8 : 0;
	}
	if (!skb)
		return -1;
	if (rxs__tp_on(sk->host, RXS_TP_SOCK_READ))
		trace_sock_read(sk, skb, sd->cpu, sk->app.cfg.cpu >= 0 ? sd->now : t);
	RXS_TRACE_STAGE(sd, sk->app.cfg.cpu >= 0 ? sd->now : t, skb, "recvmsg",
			"the application of %s read it (%u left queued)", sk->cfg.name,
			sk->receive_queue.qlen);
	rxs_consume_skb(skb);
	return bytes;
}

/* A TCP connection's read: one tcp_recvmsg() taking up to @max skbs, then
 * tcp_cleanup_rbuf(). The bytes read, or -1 when there was nothing. */
static int64_t app_read_tcp(struct rxs_sock *sk, uint64_t t, unsigned int max)
{
	int64_t bytes, copied = -1;

	for (unsigned int i = 0; i < max && (bytes = app_read_one(sk, t)) >= 0; i++)
		copied = (copied < 0 ? 0 : copied) + bytes;
	if (copied >= 0 && sk->tcp.in_rcv) {
		sk->tcp.rbuf_copied = (sk->tcp.rbuf_pending ? sk->tcp.rbuf_copied : 0) + copied;
		sk->tcp.rbuf_pending = true;
	} else if (copied >= 0)
		sk->host->sk.tcp_cleanup_rbuf(app_cpu(sk), sk, copied, t);
	return copied;
}

static bool is_tcp_conn(const struct rxs_sock *sk)
{
	return sk->cfg.proto == IPPROTO_TCP && sk->tcp.state != RXS_TCP_LISTEN;
}

/* What the application could take now: datagrams, segments, or connections to accept. */
static uint32_t app_backlog(const struct rxs_sock *sk)
{
	if (sk->tcp.state == RXS_TCP_LISTEN)
		return sk->tcp.ack_backlog;
	/* A connection is read only once the application accepted it. */
	if (sk->tcp.listener && !sk->tcp.accepted)
		return 0;
	return sk->receive_queue.qlen;
}

static void app_run(void *obj, uint64_t t);

static void app_arm(struct rxs_sock *sk, uint64_t t)
{
	if (sk->app.timer_armed || !app_backlog(sk))
		return;
	sk->app.timer_armed = true;
	sk->host->engine->timer_add(sk->host, t, app_run, sk, 0);
}

/* Next time a rate-limited reader may read, given what it read last. */
static uint64_t rate_next(const struct rxs_app *app, int64_t last_bytes)
{
	double units = app->cfg.rate_bytes ? (double)(last_bytes > 0 ? last_bytes : 1) : 1.0;

	return app->last_ns + (uint64_t)(units * 1e9 / app->cfg.rate);
}

void rxs__app_data_ready(struct rxs_sock *sk, uint64_t t)
{
	struct rxs_app *app = &sk->app;
	uint64_t every;

	sk->host->engine->data_ready(sk->host);
	if (!app_backlog(sk))
		return;
	switch (app->cfg.kind) {
	case RXS_APP_ALL:
		if (is_tcp_conn(sk) && sk->tcp.in_rcv)
			sk->tcp.read_pending = true;	/* woken: it runs after the softirq */
		else if (is_tcp_conn(sk))
			app_read_tcp(sk, t, UINT32_MAX);
		else
			while (app_backlog(sk) && app_read_one(sk, t) >= 0)
				;
		break;
	case RXS_APP_NEVER:
		break;
	case RXS_APP_RATE:
		app_arm(sk, RXS_MAX(t, app->next_ns));
		break;
	case RXS_APP_BATCH:
		every = RXS_MAX(app->cfg.every_ns, 1u);
		app_arm(sk, (t + every - 1) / every * every);
		break;
	}
}

void rxs__app_read_woken(struct rxs_sock *sk, uint64_t t)
{
	sk->tcp.read_pending = false;
	if (app_backlog(sk))
		app_read_tcp(sk, t, UINT32_MAX);
}

/* The application's timer: it wakes to read what its model allows at @t. */
static void app_run(void *obj, uint64_t t)
{
	struct rxs_sock *sk = obj;
	struct rxs_app *app = &sk->app;
	int64_t bytes;

	app->timer_armed = false;
	if (app->cfg.kind == RXS_APP_RATE) {
		bytes = is_tcp_conn(sk) ? app_read_tcp(sk, t, 1) : app_read_one(sk, t);
		if (bytes < 0)
			return;
		app->last_ns = t;
		app->next_ns = rate_next(app, bytes);
		app_arm(sk, app->next_ns);
	} else if (app->cfg.kind == RXS_APP_BATCH) {
		if (is_tcp_conn(sk))
			app_read_tcp(sk, t, app->cfg.batch);
		else
			for (unsigned int i = 0; i < app->cfg.batch && app_read_one(sk, t) >= 0; i++)
				;
		app_arm(sk, t + RXS_MAX(app->cfg.every_ns, 1u));
	}
}
