/* tcp_window.c - a connection's receive window and receive memory, as 6.18 computes them.
 *
 * docs/tcp-window.md is the specification, case by case. The window a host offers is free
 * receive memory turned into bytes by scaling_ratio (tcp_win_from_space: space * ratio >> 8),
 * a ratio that starts at one half and is learned from the first segment's len / truesize;
 * what it offers is further held under rcv_ssthresh, which grows with each segment whose
 * overhead the buffer can take (tcp_grow_window), and under window_clamp. An offered right
 * edge never moves back. Memory is charged in truesize against sk_rcvbuf and reserved from
 * the protocol in whole pages (sk_forward_alloc), which is also what decides whether a
 * segment may take the header-prediction fast path.
 */
#include <string.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"
#include "proto/tcp_int.h"
#include "socket/socket.h"

#define TCP_RMEM_TO_WIN_SCALE 8
#define TCP_DEFAULT_SCALING_RATIO 128	/* 1 << (TCP_RMEM_TO_WIN_SCALE - 1) */
#define TCP_INIT_CWND 10
#define TCP_APP_WIN 31			/* sysctl_tcp_app_win */
#define SK_MEM_QUANTUM 4096u		/* PAGE_SIZE */
#define SOCK_MIN_RCVBUF 2304

/* tcp_win_from_space(). */
static int win_from_space(uint8_t ratio, int64_t space)
{
	return (int)((space * ratio) >> TCP_RMEM_TO_WIN_SCALE);
}


/* tcp_full_space(). */
static int full_space(const struct rxs_sock *sk)
{
	return win_from_space(sk->tcp.scaling_ratio, sk->rcvbuf);
}

static unsigned int ilog2_u64(uint64_t v)
{
	return 63u - (unsigned int)__builtin_clzll(v | 1);
}

void rxs__tcp_select_initial_window(const struct rxs_host *h, int space, uint32_t mss,
				    uint32_t *rcv_wnd, uint32_t *window_clamp, bool wscale_ok,
				    uint8_t *rcv_wscale)
{
	uint32_t clamp = *window_clamp ? *window_clamp : 65535u << 14;
	uint64_t sp = space < 0 ? 0 : (uint64_t)space;
	int wscale = 0;

	sp = RXS_MIN(sp, (uint64_t)clamp);
	if (sp > mss)
		sp = sp / mss * mss;
	*rcv_wnd = (uint32_t)sp;
	if (wscale_ok) {
		/* The scale that tcp_rmem[2] or rmem_max would need, under the clamp. */
		sp = RXS_MAX(sp, (uint64_t)h->sk.sysctl_tcp_rmem[2]);
		sp = RXS_MAX(sp, (uint64_t)h->sk.sysctl_rmem_max);
		sp = RXS_MIN(sp, (uint64_t)clamp);
		wscale = (int)ilog2_u64(RXS_MAX(sp, (uint64_t)1)) - 15;
		wscale = RXS_MAX(RXS_MIN(wscale, 14), 0);
	}
	*rcv_wscale = (uint8_t)wscale;
	*window_clamp = RXS_MIN(65535u << wscale, clamp);
}

void rxs__tcp_openreq_init_rwin(struct rxs_sock *listener, struct rxs_reqsk *req,
				uint16_t advmss)
{
	/* The answer depends on the listener's buffer, the MSS and two options only: kept per
	 * option pair, as a SYN flood asks it for every SYN. */
	struct rxs_rwin_cache *c = &listener->tcp.syn_rwin[req->opts.saw_tstamp * 2 +
							   req->opts.wscale_ok];
	int full;

	if (c->advmss == advmss && c->rcvbuf == listener->rcvbuf) {
		req->rcv_wnd = c->rcv_wnd;
		req->window_clamp = c->window_clamp;
		req->rcv_wscale = c->rcv_wscale;
		return;
	}
	full = win_from_space(TCP_DEFAULT_SCALING_RATIO, listener->rcvbuf);
	/* tcp_openreq_init_rwin(): a user's SO_RCVBUF (SOCK_RCVBUF_LOCK) clamps the window to
	 * the whole buffer's worth. */
	req->window_clamp = listener->cfg.rcvbuf >= 0 ? (uint32_t)full : 0;
	rxs__tcp_select_initial_window(listener->host, full,
				       advmss - (req->opts.saw_tstamp ? 12u : 0u), &req->rcv_wnd,
				       &req->window_clamp, req->opts.wscale_ok, &req->rcv_wscale);
	c->advmss = advmss;
	c->rcvbuf = listener->rcvbuf;
	c->rcv_wnd = req->rcv_wnd;
	c->window_clamp = req->window_clamp;
	c->rcv_wscale = req->rcv_wscale;
}

/* tcp_initialize_rcv_mss(). */
static uint16_t initial_rcv_mss(const struct rxs_tcp_sock *tp)
{
	uint32_t hint = RXS_MIN((uint32_t)tp->advmss, tp->rcv_wnd / 2);

	hint = RXS_MIN(hint, 536u);
	return (uint16_t)RXS_MAX(hint, 88u);
}

void rxs__tcp_child_init_rwin(struct rxs_sock *child, const struct rxs_sock *listener,
			      const struct rxs_reqsk *req, uint16_t advmss)
{
	struct rxs_tcp_sock *tp = &child->tcp;

	tp->rcv_wnd = req->rcv_wnd;
	tp->window_clamp = req->window_clamp;
	tp->rcv_ssthresh = req->rcv_wnd;
	tp->rcv_wup = tp->rcv_nxt;
	tp->copied_seq = tp->rcv_nxt;
	tp->rcv_wscale = req->opts.wscale_ok ? req->rcv_wscale : 0;
	tp->snd_wscale = req->opts.wscale_ok ? req->opts.wscale : 0;
	tp->scaling_ratio = TCP_DEFAULT_SCALING_RATIO;
	tp->rcvbuf_lock = listener->cfg.rcvbuf >= 0;
	tp->sack_ok = req->opts.sack_ok;
	tp->advmss = advmss;
	tp->rcv_mss = initial_rcv_mss(tp);
	tp->rto_j = (uint32_t)rxs__ns_to_jiffies(child->host, TCP_TIMEOUT_INIT_NS);
}

/* A connection the host did not see open (connect:, or joined mid-way): the window it
 * would offer by default, unscaled state that never closes the window early. */
void rxs__tcp_default_rwin(struct rxs_sock *sk, uint16_t advmss)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	uint32_t clamp = 0;

	tp->scaling_ratio = TCP_DEFAULT_SCALING_RATIO;
	tp->rcvbuf_lock = sk->cfg.rcvbuf >= 0;
	rxs__tcp_select_initial_window(sk->host, full_space(sk), advmss, &tp->rcv_wnd, &clamp,
				       true, &tp->rcv_wscale);
	tp->window_clamp = clamp;
	tp->rcv_ssthresh = tp->rcv_wnd;
	tp->rcv_wup = tp->rcv_nxt;
	tp->copied_seq = tp->rcv_nxt;
	tp->advmss = advmss;
	tp->rcv_mss = initial_rcv_mss(tp);
	tp->rto_j = (uint32_t)rxs__ns_to_jiffies(sk->host, TCP_TIMEOUT_INIT_NS);
}

/* tcp_init_buffer_space() (the receive side), at ESTABLISHED. */
void rxs__tcp_init_buffer_space(struct rxs_sock *sk)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	uint32_t maxwin = (uint32_t)RXS_MAX(full_space(sk), 0);

	if (tp->window_clamp >= maxwin) {
		tp->window_clamp = maxwin;
		if (TCP_APP_WIN && maxwin > 4u * tp->advmss)
			tp->window_clamp = RXS_MAX(maxwin - (maxwin >> TCP_APP_WIN), 4u * tp->advmss);
	}
	/* Force reservation of one segment. */
	if (TCP_APP_WIN && tp->window_clamp > 2u * tp->advmss &&
	    tp->window_clamp + tp->advmss > maxwin)
		tp->window_clamp = RXS_MAX(2u * tp->advmss, maxwin - tp->advmss);
	tp->rcv_ssthresh = RXS_MIN(tp->rcv_ssthresh, tp->window_clamp);
	tp->rcvq_space = RXS_MIN(RXS_MIN(tp->rcv_ssthresh, tp->rcv_wnd),
				 (uint32_t)TCP_INIT_CWND * tp->advmss);
	tp->rcvq_seq = tp->copied_seq;
	tp->rcvq_time = tp->mstamp;
}

/* tcp_select_window(): the window field of an ACK going out now; the offered right edge never
 * moves back. @raw: __tcp_select_window()'s answer if the caller just asked it, else -1. */
uint16_t rxs__tcp_select_window(struct rxs_softnet_data *sd, struct rxs_sock *sk, int64_t raw)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	uint32_t old = tp->rcv_wnd, cur, win;

	if (tp->nomem) {
		tp->hp = false;
		tp->rcv_wnd = 0;
		tp->rcv_wup = tp->rcv_nxt;
		return 0;
	}
	cur = rxs__tcp_receive_window(tp);
	win = raw >= 0 ? (uint32_t)raw : rxs__tcp_select_window_raw(sk);
	if (win < cur) {
		if (win == 0)
			rxs__mib_inc(sd, RXS_MIB_TcpExtTCPWantZeroWindowAdv);
		win = (cur + (1u << tp->rcv_wscale) - 1) & ~((1u << tp->rcv_wscale) - 1);
	}
	tp->rcv_wnd = win;
	tp->rcv_wup = tp->rcv_nxt;
	win = RXS_MIN(win, 65535u << tp->rcv_wscale) >> tp->rcv_wscale;
	if (win == 0) {
		tp->hp = false;
		if (old)
			rxs__mib_inc(sd, RXS_MIB_TcpExtTCPToZeroWindowAdv);
	} else if (old == 0) {
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPFromZeroWindowAdv);
	}
	return (uint16_t)win;
}

/* tcp_rcv_rtt_update(): rcv_rtt_est (us << 3) takes a smaller sample at once; a larger one
 * only from timestamps (not @win_dep: the window's samples grow with a stalled sender) and
 * only while nothing waits in the receive queue, smoothed by an eighth. */
static void rcv_rtt_update(struct rxs_tcp_sock *tp, uint32_t sample_us, bool win_dep)
{
	uint64_t m = (uint64_t)sample_us << 3, old = tp->rcv_rtt_us;

	if (!old || m < old) {
		tp->rcv_rtt_us = (uint32_t)RXS_MIN(m, (uint64_t)UINT32_MAX);
		return;
	}
	if (win_dep || tp->rcv_nxt != tp->copied_seq)
		return;
	tp->rcv_rtt_us = (uint32_t)RXS_MIN(old - (old >> 3) + sample_us, (uint64_t)UINT32_MAX);
}

/* tcp_rcv_rtt_measure_ts(): a segment of at least rcv_mss echoing a TSecr not sampled yet
 * gives now - TSecr, in ms of the timestamp clock (TCP_TS_HZ 1000; 0 gives no sample). */
void rxs__tcp_rcv_rtt_measure_ts(struct rxs_tcp_sock *tp, uint32_t seq, uint32_t end_seq,
				 uint32_t tsecr)
{
	uint32_t delta;

	if (tsecr == tp->rcv_rtt_last_tsecr)
		return;
	tp->rcv_rtt_last_tsecr = tsecr;
	if (end_seq - seq < tp->rcv_mss)
		return;
	delta = (uint32_t)(tp->mstamp / 1000) + tp->ts_off - tsecr;
	if (delta && delta < INT32_MAX / 1000)
		rcv_rtt_update(tp, delta * 1000, false);
}

/* tcp_rcv_rtt_measure(), from tcp_event_data_recv(): the time a window's worth of data took
 * to arrive. */
void rxs__tcp_rcv_rtt_measure(struct rxs_tcp_sock *tp)
{
	if (tp->rcv_rtt_time) {
		uint64_t d;

		if (before(tp->rcv_nxt, tp->rcv_rtt_seq))
			return;
		d = tp->mstamp > tp->rcv_rtt_time ? tp->mstamp - tp->rcv_rtt_time : 0;
		rcv_rtt_update(tp, (uint32_t)RXS_MAX(RXS_MIN(d, (uint64_t)UINT32_MAX >> 3), 1u), true);
	}
	tp->rcv_rtt_seq = tp->rcv_nxt + tp->rcv_wnd;
	tp->rcv_rtt_time = RXS_MAX(tp->mstamp, 1u);
}

/* tcp_rcvbuf_grow() (6.18): rcvq_space.space becomes @newval; unless tcp_moderate_rcvbuf is
 * off or SO_RCVBUF locked the buffer, a window of twice @newval, plus twice that again for
 * each time @newval exceeds the old space (the sender in slow start), plus what the
 * out-of-order queue spans past rcv_nxt (the data a hole holds back is as good as read: the
 * sender keeps sending while it is retransmitted), sets sk_rcvbuf (up to tcp_rmem[2], never
 * down) and window_clamp. */
void rxs__tcp_rcvbuf_grow(struct rxs_sock *sk, uint32_t newval)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	uint32_t oldval = tp->rcvq_space, rcvwin;
	int64_t rcvbuf;
	uint64_t grow;

	tp->rcvq_space = newval;
	if (!sk->host->sk.sysctl_tcp_moderate_rcvbuf || tp->rcvbuf_lock || !oldval)
		return;
	rcvwin = newval << 1;
	grow = (uint64_t)rcvwin * (newval - oldval) / oldval;
	rcvwin += (uint32_t)(grow << 1);
	if (tp->ofo.qlen && tp->ofo.tail)	/* ooo_last_skb: the last segment ends it */
		rcvwin += TCP_SKB_CB(tp->ofo.tail)->end_seq - tp->rcv_nxt;
	rcvbuf = RXS_MIN((int64_t)(((uint64_t)rcvwin << 8) / RXS_MAX(tp->scaling_ratio, 1u)),
			 sk->host->sk.sysctl_tcp_rmem[2]);
	if (rcvbuf > sk->rcvbuf) {
		sk->rcvbuf = rcvbuf;
		tp->window_clamp = (uint32_t)win_from_space(tp->scaling_ratio, rcvbuf);
	}
}

/* tcp_rcv_space_adjust(), after each skb tcp_recvmsg() copied: at most once per receiver
 * RTT (tcp_mstamp is not refreshed by a read, so the later skbs of one read see no time
 * pass), the bytes read since the last measure, less those still queued, grow the buffer
 * when they exceed rcvq_space.space. */
void rxs__tcp_rcv_space_adjust(struct rxs_sock *sk)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	int64_t time, copied;

	if (!tp->rcv_rtt_us)
		return;
	time = tp->mstamp > tp->rcvq_time ? (int64_t)(tp->mstamp - tp->rcvq_time) : 0;
	if (time < (int64_t)(tp->rcv_rtt_us >> 3))
		return;
	copied = (int32_t)(tp->copied_seq - tp->rcvq_seq) - (int32_t)(tp->rcv_nxt - tp->copied_seq);
	if (copied > (int64_t)tp->rcvq_space)
		rxs__tcp_rcvbuf_grow(sk, (uint32_t)copied);
	tp->rcvq_seq = tp->copied_seq;
	tp->rcvq_time = tp->mstamp;
}

/* __tcp_cleanup_rbuf(): after a read, an ACK if one is scheduled and more than one rcv_mss
 * went unacknowledged (or a pushed small segment was waiting and the queue is now empty), or
 * if the window open now is at most half the clamp and __tcp_select_window() would at least
 * double it. */
void rxs__tcp_cleanup_rbuf(struct rxs_softnet_data *sd, struct rxs_sock *sk, int64_t copied,
			   uint64_t t)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	bool time_to_ack = false;

	if (tp->ack_sched &&
	    (tp->rcv_nxt - tp->rcv_wup > tp->rcv_mss ||
	     (copied > 0 && (tp->pushed2 || (tp->pushed && !tp->pingpong)) && !sk->rmem_alloc)))
		time_to_ack = true;
	if (copied > 0 && !time_to_ack && tp->state == RXS_TCP_ESTABLISHED) {
		uint32_t now = rxs__tcp_receive_window(tp);

		if (2 * (uint64_t)now <= tp->window_clamp) {
			uint32_t win = rxs__tcp_select_window_raw(sk);

			if (win && win >= 2 * (uint64_t)now)
				time_to_ack = true;
		}
	}
	if (time_to_ack) {
		if (sd->now < t)
			sd->now = t;
		rxs__tcp_send_ack(sd, sk);
	}
}
