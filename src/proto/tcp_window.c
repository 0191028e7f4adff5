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
	tp->rto_j = (uint32_t)rxs__jiffies(child->host, TCP_TIMEOUT_INIT_NS);
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
	tp->rto_j = (uint32_t)rxs__jiffies(sk->host, TCP_TIMEOUT_INIT_NS);
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

/* sk_mem_uncharge() and sk_mem_reclaim(): a read skb gives its truesize back, whole pages
 * return to the protocol. */
void rxs__tcp_mem_uncharge(struct rxs_sock *sk, uint32_t size)
{
	sk->rmem_alloc -= size;
	sk->tcp.forward_alloc += size;
	if (sk->tcp.forward_alloc >= (int64_t)SK_MEM_QUANTUM)
		sk->tcp.forward_alloc %= SK_MEM_QUANTUM;
}
