/* tcp.c - TCP receive: tcp_v4_rcv / tcp_v6_rcv, the listener path and request socks.
 *
 * The order of checks and counters follows net/ipv4/tcp_ipv4.c, tcp_input.c
 * (tcp_conn_request), tcp_minisocks.c (tcp_check_req) and inet_connection_sock.c (the
 * request timer) of 6.18. Segments for a connection go to tcp_input.c.
 */
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"
#include "proto/tcp_int.h"
#include "socket/socket.h"

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WINDOW 3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_TIMESTAMP 8

void rxs__tcp_rcv_established(struct rxs_sock *sk, struct rxs_sk_buff *skb,
			      const struct rxs_tcp_cb *tcb);

/* tcp_parse_options(): a malformed option ends the walk, as in the kernel. */
static void parse_options(const uint8_t *p, unsigned int len, struct rxs_tcp_opts *o)
{
	while (len > 0) {
		unsigned int kind = p[0], size;

		if (kind == TCPOPT_EOL)
			return;
		if (kind == TCPOPT_NOP) {
			p++, len--;
			continue;
		}
		if (len < 2 || (size = p[1]) < 2 || size > len)
			return;
		if (kind == TCPOPT_MSS && size == 4) {
			o->mss = rxs__get_be16(p + 2);
			o->saw_mss = true;
		} else if (kind == TCPOPT_WINDOW && size == 3) {
			o->wscale_ok = true;
			o->wscale = RXS_MIN(p[2], 14);
		} else if (kind == TCPOPT_SACK_PERM && size == 2) {
			o->sack_ok = true;
		} else if (kind == TCPOPT_TIMESTAMP && size == 10) {
			o->saw_tstamp = true;
			o->tsval = rxs__get_be32(p + 2);
			o->tsecr = rxs__get_be32(p + 6);
		}
		p += size, len -= size;
	}
}

int rxs__tcp_parse(const struct rxs_sk_buff *skb, struct rxs_tcp_cb *tcb,
		   struct rxs_tcp_opts *opts)
{
	const uint8_t *th = skb->data;

	memset(tcb, 0, sizeof(*tcb));
	memset(opts, 0, sizeof(*opts));
	tcb->doff = (uint16_t)((th[12] >> 4) * 4);
	if (tcb->doff < 20 || tcb->doff > skb->len)
		return -1;
	tcb->seq = rxs__get_be32(th + 4);
	tcb->ack_seq = rxs__get_be32(th + 8);
	tcb->flags = th[13];
	tcb->window = rxs__get_be16(th + 14);
	tcb->payload = skb->len - tcb->doff;
	/* end_seq counts SYN and FIN as one each, as TCP_SKB_CB(skb)->end_seq does. */
	tcb->end_seq = tcb->seq + tcb->payload + !!(tcb->flags & TH_SYN) + !!(tcb->flags & TH_FIN);
	/* tcp_parse_aligned_timestamp(): a connection's segments mostly carry NOP, NOP and a
	 * timestamp, nothing else, which one word tells; anything else is walked. */
	if (tcb->doff == 32 && rxs__get_be32(th + 20) == (TCPOPT_NOP << 24 | TCPOPT_NOP << 16 |
							  TCPOPT_TIMESTAMP << 8 | 10)) {
		opts->saw_tstamp = true;
		opts->tsval = rxs__get_be32(th + 24);
		opts->tsecr = rxs__get_be32(th + 28);
	} else if (tcb->doff == 40 && rxs__get_be16(th + 20) == (TCPOPT_MSS << 8 | 4) &&
		   rxs__get_be32(th + 24) == (TCPOPT_SACK_PERM << 24 | 2 << 16 |
					      TCPOPT_TIMESTAMP << 8 | 10) &&
		   rxs__get_be32(th + 36) >> 8 == (TCPOPT_NOP << 16 | TCPOPT_WINDOW << 8 | 3)) {
		/* tcp_syn_options()'s SYN: MSS, SACK permitted with a timestamp, NOP and
		 * window scale, in that order (Linux and Android): what the walk would find. */
		opts->saw_mss = true;
		opts->mss = rxs__get_be16(th + 22);
		opts->sack_ok = true;
		opts->saw_tstamp = true;
		opts->tsval = rxs__get_be32(th + 28);
		opts->tsecr = rxs__get_be32(th + 32);
		opts->wscale_ok = true;
		opts->wscale = RXS_MIN(th[39], 14);
	} else {
		parse_options(th + 20, tcb->doff - 20u, opts);
	}
	tcb->saw_tstamp = opts->saw_tstamp;
	tcb->tsval = opts->tsval;
	tcb->tsecr = opts->tsecr;
	return 0;
}

/* tcp_parse_options()'s sysctls: a SYN's window scale and SACK permitted count only under
 * tcp_window_scaling and tcp_sack, a timestamp only under tcp_timestamps (outside a connection
 * that agreed on them, and none does while it is 0). Out of line: all three are on by
 * default, which the caller tests in one load. */
static RXS_NOINLINE void opts_restrict(const struct rxs_host *h, struct rxs_tcp_cb *tcb,
				       struct rxs_tcp_opts *opts)
{
	if (!h->inet.sysctl_tcp_window_scaling) {
		opts->wscale_ok = false;
		opts->wscale = 0;
	}
	if (!h->inet.sysctl_tcp_sack)
		opts->sack_ok = false;
	if (!h->inet.sysctl_tcp_timestamps) {
		opts->saw_tstamp = tcb->saw_tstamp = false;
		opts->tsval = opts->tsecr = tcb->tsval = tcb->tsecr = 0;
	}
}

static RXS_ALWAYS_INLINE void opts_allowed(const struct rxs_host *h, struct rxs_tcp_cb *tcb,
					   struct rxs_tcp_opts *opts)
{
	if (unlikely(h->inet.tcp_opts_restricted))
		opts_restrict(h, tcb, opts);
}

/* dst_metric_advmss(): the MSS the device's MTU allows. */
static uint16_t dev_advmss(const struct rxs_netdev *dev, int family)
{
	unsigned int mtu = dev ? dev->cfg.mtu : 1500;

	return (uint16_t)(mtu - (family == AF_INET6 ? 60 : 40));
}

/* tcp_listendrop(): every SYN or ACK a listener cannot take. */
static void listendrop(struct rxs_softnet_data *sd, struct rxs_sock *sk)
{
	rxs__mib_inc(sd, RXS_MIB_TcpExtListenDrops);
	sk->drops++;
}

static void reqsk_timer(void *obj, uint64_t t);

/* tcp:tcp_retransmit_synack. The tuple is seen from the peer; the tracepoint's s is our
 * side. */
static RXS_NOINLINE void trace_retransmit_synack(struct rxs_softnet_data *sd,
						 const struct rxs_sock *listener, const void *req,
						 const struct rxs_tcp_tuple *t)
{
	struct rxs_trace_event ev;
	struct rxs_tp_tcp_retransmit_synack *p = &ev.u.tcp_retransmit_synack;

	rxs__trace_event_init(&ev, RXS_TP_TCP_RETRANSMIT_SYNACK, sd->now, sd->cpu);
	p->skaddr = listener;
	p->req = req;
	p->sport = t->dport;
	p->dport = t->sport;
	rxs__trace_store_addrs(p, t->family, t->daddr, t->saddr);
	rxs__trace_emit(&sd->host->trace, &ev);
}

/* inet_csk_reqsk_queue_hash_add(): into the ehash and the SYN queue, timer armed. */
static bool reqsk_queue_add(struct rxs_host *h, struct rxs_reqsk *req, uint64_t now)
{
	if (rxs__ehash_add(h, &req->node))
		return false;
	req->listener->tcp.qlen++;
	req->listener->tcp.young++;
	h->engine->timer_add(h, now + req->timeout, reqsk_timer, req, RXS_TIMER_OWNS_OBJ);
	return true;
}

/* inet_csk_reqsk_queue_drop(): off the ehash and the SYN queue; the timer frees it. */
static void reqsk_unlink(struct rxs_host *h, struct rxs_reqsk *req)
{
	if (req->dead)
		return;
	req->dead = true;
	rxs__ehash_del(h, &req->node);
	req->listener->tcp.qlen--;
	if (!req->num_timeout)
		req->listener->tcp.young--;
}

/* reqsk_timer_handler(): retransmit the SYN-ACK with the timeout doubling, or expire. With
 * TCP_DEFER_ACCEPT (syn_ack_recalc()), a request whose bare ACK came is not resent until the
 * deferring period's last timeout, and lives until it is over. */
static void reqsk_timer(void *obj, uint64_t t)
{
	struct rxs_reqsk *req = obj;
	struct rxs_sock *l = req->listener;
	struct rxs_host *h = l->host;
	struct rxs_softnet_data *sd = &h->cpus[req->cpu];
	int max_retries = (int)h->inet.sysctl_tcp_synack_retries;
	int defer = l->tcp.defer_accept;
	uint32_t qlen, young;
	bool expire, resend;

	if (req->dead) {
		rxs__free(req);
		return;
	}
	if (sd->now < t)
		sd->now = t;
	/* Under SYN-queue pressure, requests that already timed out get fewer retries. */
	qlen = l->tcp.qlen;
	if ((qlen << 1) > RXS_MAX(8u, l->tcp.max_ack_backlog)) {
		young = l->tcp.young << 1;
		while (max_retries > 2 && qlen >= young) {
			max_retries--;
			young <<= 1;
		}
	}
	expire = req->num_timeout >= max_retries &&
		 (!defer || !req->acked || req->num_timeout >= defer);
	resend = !defer || !req->acked || req->num_timeout >= defer - 1;
	rxs__mib_inc(sd, RXS_MIB_TcpExtTCPTimeouts);	/* tcp_syn_ack_timeout() */
	if (expire) {
		reqsk_unlink(h, req);
		rxs__free(req);
		return;
	}
	if (resend) {
		rxs__tcp_send_synack(sd, h, req, true);
		if (rxs__tp_on(sd->host, RXS_TP_TCP_RETRANSMIT_SYNACK))
			trace_retransmit_synack(sd, l, req, &req->node.t);
		req->num_retrans++;
	}
	if (req->num_timeout++ == 0)
		l->tcp.young--;
	h->engine->timer_add(h, t + RXS_MIN(req->timeout << req->num_timeout, TCP_RTO_MAX_NS),
			     reqsk_timer, req, RXS_TIMER_OWNS_OBJ);
}

static uint32_t choose_isn(struct rxs_host *h, const struct rxs_tcp_tuple *t, uint64_t now)
{
	uint32_t isn;

	/* Replaying a capture that holds the host's own SYN-ACK: use its ISN, so the client's
	 * ACKs in the capture complete the handshake here as they did on the wire. */
	if (rxs__isn_hint(h, t, &isn))
		return isn;
	return rxs__secure_tcp_seq(t, now);
}

/* The parts of tcp_conn_request() before the request sock: false when the SYN is dropped. */
static bool conn_request_admit(struct rxs_softnet_data *sd, struct rxs_sock *sk, bool *want_cookie)
{
	int64_t syncookies = sd->host->inet.sysctl_tcp_syncookies;

	*want_cookie = false;
	if (syncookies == 2 || inet_csk_reqsk_queue_is_full(sk)) {
		/* tcp_syn_flood_action() */
		if (syncookies) {
			rxs__mib_inc(sd, RXS_MIB_TcpExtTCPReqQFullDoCookies);
			*want_cookie = true;
		} else {
			rxs__mib_inc(sd, RXS_MIB_TcpExtTCPReqQFullDrop);
			return false;
		}
	}
	/* Even a cookie needs room in the accept queue. */
	if (sk_acceptq_is_full(sk)) {
		rxs__mib_inc(sd, RXS_MIB_TcpExtListenOverflows);
		return false;
	}
	/* Without cookies, the last quarter of tcp_max_syn_backlog is kept for peers the host
	 * has talked to before (tcp_peer_is_proven); rxsim keeps no metrics, none is proven. */
	if (!*want_cookie && !syncookies) {
		int64_t max = sd->host->inet.sysctl_tcp_max_syn_backlog;

		if (max - (int64_t)sk->tcp.qlen < (max >> 2))
			return false;
	}
	return true;
}

/* inet_reqsk_alloc() and tcp_openreq_init(): the request of the SYN @skb, its fields set
 * one by one as the kernel's are (the window's, the ISN, the timestamp offset and the
 * SYN-ACK's time to 0 until their makers set them): the request is not zeroed first (a SYN
 * flood builds one a SYN), so a field added to struct rxs_reqsk is set here too. */
static void reqsk_init(struct rxs_reqsk *req, struct rxs_sock *sk, const struct rxs_sk_buff *skb,
		       const struct rxs_tcp_cb *tcb, const struct rxs_tcp_opts *opts)
{
	req->node.next = NULL;
	rxs__tcp_tuple_of(skb, &req->node.t);
	req->node.kind = RXS_EH_REQ;
	req->listener = sk;
	req->rcv_isn = tcb->seq;
	req->snt_isn = 0;
	req->opts = *opts;
	if (!opts->saw_mss)
		req->opts.mss = 536;	/* TCP_MSS_DEFAULT */
	req->num_retrans = req->num_timeout = 0;
	req->acked = req->dead = false;
	req->timeout = TCP_TIMEOUT_INIT_NS;
	req->snt_synack = 0;
	req->rcv_wnd = req->window_clamp = 0;
	req->ts_off = 0;
	req->ts_recent = opts->saw_tstamp ? opts->tsval : 0;
	req->last_oow_j = 0;
	req->oow_set = false;
	req->rcv_wscale = 0;
	memcpy(req->peer_mac, rxs_skb_mac_header(skb) + 6, 6);
	req->dev = skb->dev;
	req->cpu = skb->cpu;
}

/* What the request's SYN-ACK says beyond the SYN's echo: the window (tcp_openreq_init_rwin())
 * and the timestamp offset (tcp_rsk(req)->ts_off: the captured host's when its SYN-ACK was
 * seen already). */
static void reqsk_synack_init(struct rxs_host *h, struct rxs_sock *sk,
			      const struct rxs_sk_buff *skb, struct rxs_reqsk *req)
{
	rxs__ts_hint(h, &req->node.t, &req->ts_off);
	rxs__tcp_openreq_init_rwin(sk, req, dev_advmss(skb->dev, req->node.t.family));
}

/* cookie_init_sequence(): the cookie, the ISN of a SYN-ACK answered without a request sock
 * (or the captured host's own ISN for the tuple, when the capture showed it). */
static uint32_t cookie_isn(struct rxs_softnet_data *sd, const struct rxs_reqsk *req)
{
	uint16_t mss = req->opts.mss;
	uint32_t isn;

	if (rxs__isn_hint(sd->host, &req->node.t, &isn))
		return isn;
	return rxs__cookie_init_sequence(sd->host, &req->node.t, req->rcv_isn, &mss, sd->now);
}

/* tcp_conn_request(): answer a SYN with a SYN-ACK, from a request sock or a cookie. The SYN
 * itself is consumed either way (tcp_rcv_state_process consumes it). The request is built on
 * the stack and kept (allocated) only when it is queued: a cookie keeps no state, so a SYN
 * flood answered with cookies costs no allocation a packet. */
static void conn_request(struct rxs_softnet_data *sd, struct rxs_sock *sk, struct rxs_sk_buff *skb,
			 const struct rxs_tcp_cb *tcb, const struct rxs_tcp_opts *opts)
{
	struct rxs_host *h = sd->host;
	struct rxs_reqsk tmp, *req = &tmp;
	bool want_cookie;

	if (!conn_request_admit(sd, sk, &want_cookie)) {
		listendrop(sd, sk);
		rxs_consume_skb(skb);
		return;
	}
	reqsk_init(req, sk, skb, tcb, opts);
	req->snt_synack = sd->now;
	if (unlikely(!rxs__route_back(skb))) {
		/* route_req found no way back: drop_and_free (IPv4's inet_csk_route_req()
		 * counts it). */
		if (req->node.t.family == AF_INET)
			rxs__mib_inc(sd, RXS_MIB_IpOutNoRoutes);
		listendrop(sd, sk);
		rxs_consume_skb(skb);
		return;
	}
	if (want_cookie) {
		/* tcp_conn_request(): a cookie keeps window scaling and SACK in the timestamp it
		 * sends (cookie_init_timestamp()), so to a SYN without one it offers neither
		 * (tcp_clear_options()); the MSS it keeps in the cookie itself. */
		if (!req->opts.saw_tstamp) {
			req->opts.wscale_ok = req->opts.sack_ok = false;
			req->opts.wscale = 0;
		}
		rxs__mib_inc(sd, RXS_MIB_TcpExtSyncookiesSent);
		sk->tcp.last_overflow = rxs__jiffies(h, sd->now) + 1;	/* tcp_synq_overflow */
		/* A cookie keeps no state: its ISN, window and timestamp offset live in the
		 * SYN-ACK alone (a cookie ACK is checked against its own tuple). A SYN-ACK nobody
		 * sees is only counted (tx_segment()), so then they are not made. */
		if (rxs__ip_out_seen(h)) {
			reqsk_synack_init(h, sk, skb, req);
			req->snt_isn = cookie_isn(sd, req);
		}
		rxs__tcp_send_synack(sd, h, req, false);
		rxs_consume_skb(skb);
		return;
	}
	reqsk_synack_init(h, sk, skb, req);
	req = rxs__malloc(sizeof(*req));
	if (!req) {
		listendrop(sd, sk);
		rxs_kfree_skb_reason(skb, RXS_DROP_NOMEM);
		return;
	}
	*req = tmp;
	req->snt_isn = choose_isn(h, &req->node.t, sd->now);
	if (!reqsk_queue_add(h, req, sd->now)) {
		rxs__free(req);
		listendrop(sd, sk);
		rxs_kfree_skb_reason(skb, RXS_DROP_NOMEM);
		return;
	}
	rxs__tcp_send_synack(sd, h, req, false);
	rxs_consume_skb(skb);
}

/* tcp_v4_syn_recv_sock() and inet_csk_complete_hashdance(): a child for the connection in
 * the accept queue, or NULL when the accept queue is full (counted). @req holds the window
 * the SYN-ACK offered. */
static struct rxs_sock *syn_recv_sock(struct rxs_softnet_data *sd, struct rxs_sock *sk,
				      const struct rxs_sk_buff *skb, const struct rxs_reqsk *req)
{
	uint32_t rcv_isn = req->rcv_isn, snt_isn = req->snt_isn;
	struct rxs_tcp_tuple t;
	struct rxs_sock *child;

	if (sk_acceptq_is_full(sk)) {
		rxs__mib_inc(sd, RXS_MIB_TcpExtListenOverflows);
		listendrop(sd, sk);
		return NULL;
	}
	rxs__tcp_tuple_of(skb, &t);
	child = rxs__tcp_child_create(sd->host, sk, &t, rcv_isn, snt_isn,
				      rxs_skb_mac_header(skb) + 6);
	if (!child) {
		listendrop(sd, sk);
		return NULL;
	}
	child->tcp.dev = skb->dev;
	child->tcp.ts_off = req->ts_off;
	/* By the handshake's ACK a two-way capture has shown the host's SYN-ACK. */
	rxs__ts_hint(sd->host, &t, &child->tcp.ts_off);
	rxs__tcp_child_init_rwin(child, sk, req, dev_advmss(skb->dev, req->node.t.family));
	/* tcp_synack_rtt_meas(): the handshake's RTT, unless the SYN-ACK was resent. */
	if (!req->num_retrans)
		child->tcp.srtt_us = (uint32_t)RXS_MAX((sd->now - req->snt_synack) / 1000, 1ull);
	rxs__mib_inc(sd, RXS_MIB_TcpPassiveOpens);	/* tcp_create_openreq_child() */
	return child;
}

/* The child processes the segment that created it (tcp_child_process). */
static void child_process(struct rxs_sock *sk, struct rxs_sock *child, struct rxs_sk_buff *skb,
			  const struct rxs_tcp_cb *tcb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);

	rxs__tcp_acceptq_add(sk, child, sd->now);
	rxs__tcp_rcv_established(child, skb, tcb);
}

/* tcp_check_req() returned NULL: tcp_v4_rcv() frees the segment at discard_and_relse, which
 * counts it in the listener's sk_drops (sk is still the listener there). A final ACK that
 * finds the accept queue full is so counted twice: once by tcp_listendrop(), once here. */
static void req_discard(struct rxs_sock *listener, struct rxs_sk_buff *skb,
			enum rxs_drop_reason reason)
{
	listener->drops++;
	rxs_kfree_skb_reason(skb, reason);
}

/* tcp_oow_rate_limited() of a request (last_oow_ack_time; TCPACKSkippedSynRecv). */
static bool req_oow_limited(struct rxs_softnet_data *sd, struct rxs_reqsk *req,
			    const struct rxs_tcp_cb *tcb)
{
	return rxs__tcp_oow_rate_limited(sd, tcb, &req->last_oow_j, &req->oow_set,
					 RXS_MIB_TcpExtTCPACKSkippedSynRecv);
}

/* tcp_paws_reject() for a request: its TSval older than the one its SYN-ACK echoes (no
 * window). A RST passes once the request's timeout has grown to TCP_PAWS_MSL (60 s):
 * tcp_check_req() dates ts_recent that far back (reqsk_timeout()). */
static bool req_paws_reject(const struct rxs_reqsk *req, const struct rxs_tcp_cb *tcb)
{
	uint64_t timeout = req->timeout << RXS_MIN(req->num_timeout, 7);

	if (rxs__tcp_paws_check(req->ts_recent, tcb->tsval, 0))
		return false;
	return !(tcb->flags & TH_RST) ||
	       RXS_MIN(timeout, TCP_RTO_MAX_NS) / 1000000000ull < 60;
}

/* tcp_in_window(): the segment starts at the window's left edge, overlaps it, or is empty
 * at its right edge. */
static bool in_window(uint32_t seq, uint32_t end_seq, uint32_t s_win, uint32_t e_win)
{
	if (seq == s_win)
		return true;
	if (after(end_seq, s_win) && before(seq, e_win))
		return true;
	return seq == e_win && seq == end_seq;
}

/* tcp_check_req(): a segment for a request sock. */
static void check_req(struct rxs_reqsk *req, struct rxs_sk_buff *skb, const struct rxs_tcp_cb *tcb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_host *h = sd->host;
	struct rxs_sock *sk = req->listener, *child;
	uint8_t flg = tcb->flags & (TH_SYN | TH_ACK | TH_RST | TH_FIN);
	bool paws_reject = false, tsecr_reject = false;
	uint32_t first, last;

	RXS_TRACE_STAGE(sd, sd->now, skb, "tcp_check_req",
			"request sock of %s (accept queue %u of %u + 1)", sk->cfg.name,
			sk->tcp.ack_backlog, sk->tcp.max_ack_backlog);
	if (tcb->saw_tstamp) {
		/* The TSecr must echo one of the SYN-ACKs' TSvals: known when the capture
		 * showed them (a two-way capture); rxsim's own are not the captured host's. */
		if (tcb->tsecr && req->opts.saw_tstamp &&
		    rxs__synack_tsvals(h, &req->node.t, &first, &last))
			tsecr_reject = last - first < tcb->tsecr - first;
		paws_reject = req_paws_reject(req, tcb);
	}
	if (tcb->seq == req->rcv_isn && flg == TH_SYN && !paws_reject) {
		/* The peer resent its SYN: resend the SYN-ACK, as out-of-window ACKs are
		 * limited. */
		if (!req_oow_limited(sd, req, tcb)) {
			rxs__tcp_send_synack(sd, h, req, true);
			if (rxs__tp_on(sd->host, RXS_TP_TCP_RETRANSMIT_SYNACK))
				trace_retransmit_synack(sd, sk, req, &req->node.t);
			req->num_retrans++;
		}
		req_discard(sk, skb, RXS_DROP_NOT_SPECIFIED);
		return;
	}
	if ((flg & TH_ACK) && tcb->ack_seq != req->snt_isn + 1) {
		if (h->sk.one_way) {
			/* A one-way capture holds none of the host's frames: its SYN-ACK had the
			 * ISN the peer acknowledges, whatever rxsim's own was. */
			req->snt_isn = tcb->ack_seq - 1;
		} else {
			/* Not our SYN-ACK's ACK: the listener answers with a RST. */
			rxs__tcp_send_reset(skb, tcb);
			rxs_kfree_skb_reason(skb, RXS_DROP_TCP_FLAGS);
			return;
		}
	}
	if (paws_reject || tsecr_reject ||
	    !in_window(tcb->seq, tcb->end_seq, req->rcv_isn + 1, req->rcv_isn + 1 + 65535)) {
		/* Out of window: an ACK in answer, unless it is a RST. */
		enum rxs_drop_reason reason = RXS_DROP_TCP_OVERWINDOW;

		if (!(flg & TH_RST) && !req_oow_limited(sd, req, tcb))
			rxs__tcp_send_req_ack(skb, req);
		if (paws_reject) {
			rxs__mib_inc(sd, RXS_MIB_TcpExtPAWSEstab);
			reason = RXS_DROP_TCP_RFC7323_PAWS;
		} else if (tsecr_reject) {
			rxs__mib_inc(sd, RXS_MIB_TcpExtTSEcrRejected);
			reason = RXS_DROP_TCP_RFC7323_TSECR;
		}
		req_discard(sk, skb, reason);
		return;
	}
	/* In sequence, PAWS is OK: the TSval the request's answers echo from now on. */
	if (tcb->saw_tstamp && !after(tcb->seq, req->rcv_isn + 1))
		req->ts_recent = tcb->tsval;
	if (flg & (TH_RST | TH_SYN)) {
		rxs__mib_inc(sd, RXS_MIB_TcpAttemptFails);
		goto embryonic_reset;
	}
	if (!(flg & TH_ACK)) {
		req_discard(sk, skb, RXS_DROP_TCP_FLAGS);
		return;
	}
	if (req->num_timeout < sk->tcp.defer_accept && tcb->end_seq == req->rcv_isn + 1) {
		/* TCP_DEFER_ACCEPT: a bare ACK while the deferring lasts; the request waits
		 * for data, acked, its SYN-ACK timer no longer resending. */
		req->acked = true;
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPDeferAcceptDrop);
		req_discard(sk, skb, RXS_DROP_NOT_SPECIFIED);
		return;
	}
	child = syn_recv_sock(sd, sk, skb, req);
	if (!child) {
		if (!h->inet.sysctl_tcp_abort_on_overflow) {
			/* The request stays; the client believes it is connected and its next
			 * ACK (or our SYN-ACK retransmit's answer) tries again. */
			req->acked = true;
			req_discard(sk, skb, RXS_DROP_TCP_LISTEN_OVERFLOW);
			return;
		}
		goto embryonic_reset;
	}
	reqsk_unlink(h, req);
	child_process(sk, child, skb, tcb);
	return;
embryonic_reset:
	if (!(flg & TH_RST))
		rxs__tcp_send_reset(skb, tcb);
	if (!req->dead) {
		reqsk_unlink(h, req);
		rxs__mib_inc(sd, RXS_MIB_TcpExtEmbryonicRsts);
	}
	req_discard(sk, skb, flg & TH_RST ? RXS_DROP_TCP_RESET : RXS_DROP_TCP_LISTEN_OVERFLOW);
}

/* cookie_v4_check(): an ACK (its tuple @t) to a listener may carry a cookie. false: not a
 * cookie ACK (the listener goes on with the segment); otherwise the skb was taken care of. */
static bool cookie_check(struct rxs_sock *sk, struct rxs_sk_buff *skb, const struct rxs_tcp_cb *tcb,
			 const struct rxs_tcp_tuple *t)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_host *h = sd->host;
	uint64_t now_j = rxs__jiffies(h, sd->now), last = sk->tcp.last_overflow;
	struct rxs_reqsk req;
	struct rxs_sock *child;
	uint32_t hint;
	bool valid;

	if (!h->inet.sysctl_tcp_syncookies || !(tcb->flags & TH_ACK) ||
	    (tcb->flags & (TH_RST | TH_SYN)))
		return false;
	/* tcp_synq_no_recent_overflow(): cookies are checked only within 2 minutes of the last
	 * one sent (TCP_SYNCOOKIE_VALID). */
	if (!last || now_j + h->hz < last ||
	    now_j > last - 1 + 120 * (uint64_t)h->hz)
		return false;
	/* The host's cookie: rxsim's, the captured one, or in a one-way capture whatever the
	 * peer acknowledges. */
	valid = rxs__cookie_check(h, t, tcb->seq, tcb->ack_seq, sd->now) != 0 ||
		(rxs__isn_hint(h, t, &hint) && tcb->ack_seq == hint + 1) || h->sk.one_way;
	if (!valid) {
		rxs__mib_inc(sd, RXS_MIB_TcpExtSyncookiesFailed);
		return false;
	}
	rxs__mib_inc(sd, RXS_MIB_TcpExtSyncookiesRecv);
	/* cookie_v4_check() rebuilds the request: the window again from the listener, its
	 * options from what the ACK's timestamp encodes (none without one). */
	memset(&req, 0, sizeof(req));
	req.node.t = *t;
	req.rcv_isn = tcb->seq - 1;
	req.snt_isn = tcb->ack_seq - 1;
	req.opts.saw_tstamp = tcb->saw_tstamp;
	req.opts.wscale_ok = req.opts.sack_ok = tcb->saw_tstamp;
	req.num_retrans = 1;	/* no RTT sample from a cookie */
	rxs__tcp_openreq_init_rwin(sk, &req, dev_advmss(skb->dev, t->family));
	child = syn_recv_sock(sd, sk, skb, &req);
	if (!child) {
		rxs_kfree_skb_reason(skb, RXS_DROP_TCP_LISTEN_OVERFLOW);
		return true;
	}
	child_process(sk, child, skb, tcb);
	return true;
}

/* tcp_rcv_state_process() in LISTEN, for the segment of tuple @t. */
static void listen_rcv(struct rxs_sock *sk, struct rxs_sk_buff *skb, const struct rxs_tcp_cb *tcb,
		       const struct rxs_tcp_opts *opts, const struct rxs_tcp_tuple *t)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);

	RXS_TRACE_STAGE(sd, sd->now, skb, "tcp_v4_rcv",
			"listener %s: SYN queue %u, accept queue %u, backlog %u", sk->cfg.name,
			sk->tcp.qlen, sk->tcp.ack_backlog, sk->tcp.max_ack_backlog);
	if (!(tcb->flags & TH_SYN) && cookie_check(sk, skb, tcb, t))
		return;
	if (tcb->flags & TH_ACK) {
		/* An ACK for no connection we know: reset it. */
		rxs__tcp_send_reset(skb, tcb);
		rxs_kfree_skb_reason(skb, RXS_DROP_TCP_FLAGS);
		return;
	}
	/* The rest are tcp_drop_reason()'s: each counts in the listener's sk_drops (the ACK's
	 * reset above is tcp_v4_do_rcv()'s, which does not). */
	if (tcb->flags & TH_RST) {
		sk->drops++;
		rxs_kfree_skb_reason(skb, RXS_DROP_TCP_RESET);
		return;
	}
	if (!(tcb->flags & TH_SYN) || (tcb->flags & TH_FIN)) {
		sk->drops++;
		rxs_kfree_skb_reason(skb, RXS_DROP_TCP_FLAGS);
		return;
	}
	conn_request(sd, sk, skb, tcb, opts);
}

/* tcp_filter(): sk_filter_trim_cap(sk, skb, doff) of the socket found (a request's
 * listener, a connection, whose filter is its listener's as sk_clone copies sk_filter).
 * A refused segment is discard_and_relse: the socket's sk_drops, reason SOCKET_FILTER, no
 * MIB counter (a listener's ListenDrops neither). A trimmed one is parsed again, as
 * tcp_v4_fill_cb() reads it after the filter. True when it was dropped. */
static inline bool tcp_filter(struct rxs_sock *sk, struct rxs_sk_buff *skb,
			      struct rxs_tcp_cb *tcb, struct rxs_tcp_opts *opts)
{
	uint32_t len = skb->len;

	if (likely(!sk->filter))
		return false;
	if (!rxs__sk_filter_trim_cap(sk, skb, tcb->doff)) {
		sk->drops++;
		rxs_kfree_skb_reason(skb, RXS_DROP_SOCKET_FILTER);
		return true;
	}
	if (skb->len != len) {
		rxs__tcp_parse(skb, tcb, opts);
		opts_allowed(sk->host, tcb, opts);
	}
	return false;
}

static void tcp_rcv_locked(struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	const struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	enum rxs_drop_reason reason = RXS_DROP_NOT_SPECIFIED;
	struct rxs_tcp_opts opts;
	struct rxs_tcp_cb tcb;
	struct rxs_tcp_tuple t;
	struct rxs_ehash_node *n;
	struct rxs_sock *sk;

	rxs__charge(sd, rxs__cost(sd->host, RXS_COST_TCP_RCV));
	if (cb->route != RXS_RTN_LOCAL || skb->pkt_type != RXS_PACKET_HOST)
		goto discard;
	rxs__mib_inc(sd, RXS_MIB_TcpInSegs);	/* counted even if it is bad */
	reason = RXS_DROP_PKT_TOO_SMALL;
	if (!rxs_pskb_may_pull(skb, 20))
		goto discard;
	if ((skb->data[12] >> 4) < 5)
		goto bad_packet;
	if (rxs__tcp_parse(skb, &tcb, &opts))
		goto discard;
	opts_allowed(sd->host, &tcb, &opts);
	if (skb->ip_summed != RXS_CHECKSUM_UNNECESSARY &&	/* GRO validated it */
	    rxs__l4_csum(cb, IPPROTO_TCP, skb->data, skb->len)) {
		rxs__mib_inc(sd, RXS_MIB_TcpInCsumErrors);
		reason = RXS_DROP_TCP_CSUM;
		goto bad_packet;
	}
	rxs__tcp_tuple_of(skb, &t);
	n = rxs__ehash_lookup(sd->host, &t);
	if (n && n->kind == RXS_EH_REQ) {
		/* tcp_filter() of the request's listener, then tcp_check_req() */
		if (tcp_filter(((struct rxs_reqsk *)n)->listener, skb, &tcb, &opts))
			return;
		check_req((struct rxs_reqsk *)n, skb, &tcb);
		return;
	}
	if (n) {
		sk = (struct rxs_sock *)((char *)n - offsetof(struct rxs_sock, tcp.node));
		if (tcp_filter(sk, skb, &tcb, &opts))
			return;
		rxs__tcp_rcv_established(sk, skb, &tcb);
		return;
	}
	/* __inet_lookup_listener(): the best bound listener, then its SO_REUSEPORT group's
	 * pick (inet_lhash2_lookup -> inet_lookup_reuseport); an SK_DROP finds none. */
	sk = rxs__tcp_listener_lookup(sd->host, cb->family, cb->daddr, t.dport);
	if (sk && unlikely(sk->cfg.reuseport))
		sk = rxs__reuseport_select(sk, skb, tcb.doff);
	if (sk) {
		if (tcp_filter(sk, skb, &tcb, &opts))
			return;
		listen_rcv(sk, skb, &tcb, &opts, &t);
		return;
	}
	/* no_tcp_socket: answer with a RST unless the segment is one. */
	rxs__tcp_send_reset(skb, &tcb);
	rxs_kfree_skb_reason(skb, RXS_DROP_NO_SOCKET);
	return;
bad_packet:
	rxs__mib_inc(sd, RXS_MIB_TcpInErrs);
discard:
	rxs_kfree_skb_reason(skb, reason);
}

/* Under tcp_lock: listeners, request socks, connections and the ehash are the host's. */
void rxs__tcp_rcv(struct rxs_sk_buff *skb)
{
	struct rxs_host *h = rxs__skb_host(skb);

	rxs__lock_acquire(&h->sk.tcp_lock);
	tcp_rcv_locked(skb);
	rxs__lock_release(&h->sk.tcp_lock);
}
