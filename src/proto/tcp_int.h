/* tcp_int.h - what the TCP files of src/proto/ share: the parsed segment and the helpers of
 * tcp_output.c, syncookies.c and tcp_input.c. */
#ifndef RXSIM_TCP_INT_H
#define RXSIM_TCP_INT_H

#include "proto/proto_int.h"

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20

#define TCP_TIMEOUT_INIT_NS 1000000000ull	/* TCP_TIMEOUT_INIT: 1 s */
#define TCP_RTO_MAX_NS 120000000000ull		/* TCP_RTO_MAX: 120 s */
#define TCP_DELACK_MIN_NS 40000000ull		/* TCP_DELACK_MIN: HZ/25 */

struct rxs_tcp_opts {
	uint16_t mss;
	uint8_t wscale;
	bool saw_mss, wscale_ok, sack_ok, saw_tstamp;
	uint32_t tsval, tsecr;
};

/* TCP_SKB_CB(): the segment as tcp_v4_rcv() parsed it. */
struct rxs_tcp_cb {
	uint32_t seq, end_seq, ack_seq;
	uint8_t flags;
	uint16_t doff;
	uint16_t window;
	uint32_t payload;
	bool saw_tstamp;		/* a timestamp option, whose TSval and TSecr are: */
	uint32_t tsval, tsecr;
};

/* A request sock (struct tcp_request_sock): a SYN answered, its ACK awaited. Not zeroed when
 * made: tcp.c's reqsk_init() sets each field, and must set a new one. */
struct rxs_reqsk {
	struct rxs_ehash_node node;
	struct rxs_sock *listener;
	uint32_t rcv_isn, snt_isn;
	struct rxs_tcp_opts opts;
	uint8_t num_retrans, num_timeout;
	bool acked;			/* final ACK came while the accept queue was full */
	bool dead;			/* unlinked; its timer frees it */
	uint64_t timeout;		/* req->timeout, ns */
	uint64_t snt_synack;		/* when the first SYN-ACK left, ns: the handshake's RTT */
	uint32_t rcv_wnd, window_clamp;	/* rsk_rcv_wnd, rsk_window_clamp */
	uint32_t ts_off;		/* tsoffset: our TSval less our ms clock */
	uint32_t ts_recent;		/* the peer's TSval our SYN-ACK echoes (0: none) */
	uint32_t last_oow_j;		/* last_oow_ack_time, if oow_set */
	bool oow_set;
	uint8_t rcv_wscale;
	uint8_t peer_mac[6];
	struct rxs_netdev *dev;
	unsigned int cpu;		/* the CPU its timer runs on */
};

/* Parse the segment at skb->data (the TCP header) into @tcb and @opts. 0 or -1 (bad). */
int rxs__tcp_parse(const struct rxs_sk_buff *skb, struct rxs_tcp_cb *tcb,
		   struct rxs_tcp_opts *opts);

/* ---- tcp_input.c ---- */
/* __tcp_oow_rate_limited(): true (counted in @mib) when an out-of-window or challenge ACK
 * was sent less than tcp_invalid_ratelimit ago (*@last_j, if *@set); else it notes now. */
bool rxs__tcp_oow_limited(struct rxs_softnet_data *sd, uint32_t *last_j, bool *set,
			  enum rxs_mib mib);
/* tcp_oow_rate_limited(): the same, but segments with data (and no SYN) are always
 * answered. */
bool rxs__tcp_oow_rate_limited(struct rxs_softnet_data *sd, const struct rxs_tcp_cb *tcb,
			       uint32_t *last_j, bool *set, enum rxs_mib mib);
/* tcp_paws_check(): @tsval is no older than @ts_recent by more than @win, or there is no
 * ts_recent (peers that send 0 at first). */
static inline bool rxs__tcp_paws_check(uint32_t ts_recent, uint32_t tsval, int32_t win)
{
	return (int32_t)(ts_recent - tsval) <= win || !ts_recent;
}

/* ---- tcp_output.c: each send counts TcpOutSegs and the IP OutRequests ---- */
void rxs__tcp_send_reset(struct rxs_sk_buff *skb, const struct rxs_tcp_cb *tcb);
void rxs__tcp_send_synack(struct rxs_softnet_data *sd, struct rxs_host *h,
			  const struct rxs_reqsk *req, bool retrans);
void rxs__tcp_send_ack(struct rxs_softnet_data *sd, struct rxs_sock *sk);
/* The same, with __tcp_select_window()'s answer the caller just had (@raw). */
void rxs__tcp_send_ack_win(struct rxs_softnet_data *sd, struct rxs_sock *sk, int64_t raw);
void rxs__tcp_send_req_ack(struct rxs_sk_buff *skb, const struct rxs_reqsk *req);

/* ---- tcp_window.c: the receive window and memory (docs/tcp-window.md) ---- */
void rxs__tcp_select_initial_window(const struct rxs_host *h, int space, uint32_t mss,
				    uint32_t *rcv_wnd, uint32_t *window_clamp, bool wscale_ok,
				    uint8_t *rcv_wscale);
/* tcp_openreq_init_rwin(): the SYN-ACK's window, clamp and scale into @req. */
void rxs__tcp_openreq_init_rwin(struct rxs_sock *listener, struct rxs_reqsk *req,
				uint16_t advmss);
/* tcp_create_openreq_child()'s window state; tcp_init_buffer_space() at ESTABLISHED. */
void rxs__tcp_child_init_rwin(struct rxs_sock *child, const struct rxs_sock *listener,
			      const struct rxs_reqsk *req, uint16_t advmss);
void rxs__tcp_default_rwin(struct rxs_sock *sk, uint16_t advmss);
void rxs__tcp_init_buffer_space(struct rxs_sock *sk);
void rxs__tcp_rcv_rtt_measure(struct rxs_tcp_sock *tp);
void rxs__tcp_rcv_rtt_measure_ts(struct rxs_tcp_sock *tp, uint32_t seq, uint32_t end_seq,
				 uint32_t tsecr);
void rxs__tcp_rcvbuf_grow(struct rxs_sock *sk, uint32_t newval);
void rxs__tcp_rcv_space_adjust(struct rxs_sock *sk);
void rxs__tcp_cleanup_rbuf(struct rxs_softnet_data *sd, struct rxs_sock *sk, int64_t copied,
			   uint64_t t);
uint16_t rxs__tcp_select_window(struct rxs_softnet_data *sd, struct rxs_sock *sk, int64_t raw);

/* tcp_win_from_space(): bytes of buffer as bytes of window, by the scaling ratio. */
static inline int rxs__tcp_win_from_space(uint8_t ratio, int64_t space)
{
	return (int)((space * ratio) >> 8);
}

/* tcp_space(): free receive memory, as window bytes (may be negative). */
static inline int rxs__tcp_space(const struct rxs_sock *sk)
{
	return rxs__tcp_win_from_space(sk->tcp.scaling_ratio, sk->rcvbuf - sk->rmem_alloc);
}

/* tcp_full_space(). */
static inline int rxs__tcp_full_space(const struct rxs_sock *sk)
{
	return rxs__tcp_win_from_space(sk->tcp.scaling_ratio, sk->rcvbuf);
}

/* tcp_receive_window(): what is left of the window last offered. */
static inline uint32_t rxs__tcp_receive_window(const struct rxs_tcp_sock *tp)
{
	int32_t win = (int32_t)(tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt);

	return win < 0 ? 0 : (uint32_t)win;
}

/* tcp_adjust_rcv_ssthresh(): under memory pressure the window is held to 4 MSS (more only
 * for memory reserved with SO_RESERVE_MEM, which rxsim's sockets do not have). */
static inline void rxs__tcp_adjust_rcv_ssthresh(struct rxs_sock *sk)
{
	sk->tcp.rcv_ssthresh = RXS_MIN(sk->tcp.rcv_ssthresh, 4u * sk->tcp.advmss);
}

/* __tcp_select_window(): the window the next ACK would offer. Zeroes the quick-ACK count
 * when less than half the space is free, whoever asks (__tcp_ack_snd_check() does). */
static inline uint32_t rxs__tcp_select_window_raw(struct rxs_sock *sk)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	int mss = tp->rcv_mss, free_space = rxs__tcp_space(sk), allowed = rxs__tcp_full_space(sk);
	int full = RXS_MIN((int)tp->window_clamp, allowed), window;

	if (mss > full) {
		mss = full;
		if (mss <= 0)
			return 0;
	}
	if (free_space < (full >> 1)) {
		tp->quick = 0;
		if (rxs__tcp_under_memory_pressure(sk))
			rxs__tcp_adjust_rcv_ssthresh(sk);
		free_space &= ~((1 << tp->rcv_wscale) - 1);
		if (free_space < (allowed >> 4) || free_space < mss)
			return 0;
	}
	if (free_space > (int)tp->rcv_ssthresh)
		free_space = (int)tp->rcv_ssthresh;
	if (tp->rcv_wscale) {
		int unit = 1 << tp->rcv_wscale;

		return (uint32_t)((free_space + unit - 1) & ~(unit - 1));
	}
	window = (int)tp->rcv_wnd;
	if (window <= free_space - mss || window > free_space)
		window = free_space / mss * mss;
	else if (mss == full && free_space > window + (full >> 1))
		window = free_space;
	return (uint32_t)window;
}


/* skb_set_owner_r() / sk_mem_charge(): @size moves from the reserve to the queue. */
static inline void rxs__tcp_mem_charge(struct rxs_sock *sk, uint32_t size)
{
	sk->tcp.forward_alloc -= size;
	sk->rmem_alloc += size;
}


/* ---- syncookies.c ---- */
uint32_t rxs__cookie_init_sequence(struct rxs_host *h, const struct rxs_tcp_tuple *t,
				   uint32_t seq, uint16_t *mss, uint64_t now);
/* The MSS the cookie in @ack_seq encodes, or 0 when it is not a valid cookie. */
uint16_t rxs__cookie_check(struct rxs_host *h, const struct rxs_tcp_tuple *t, uint32_t seq,
			   uint32_t ack_seq, uint64_t now);
uint32_t rxs__secure_tcp_seq(const struct rxs_tcp_tuple *t, uint64_t now);

static inline bool sk_acceptq_is_full(const struct rxs_sock *sk)
{
	return sk->tcp.ack_backlog > sk->tcp.max_ack_backlog;
}

static inline bool inet_csk_reqsk_queue_is_full(const struct rxs_sock *sk)
{
	return sk->tcp.qlen > sk->tcp.max_ack_backlog;
}

static inline bool before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool after(uint32_t a, uint32_t b)
{
	return before(b, a);
}

#endif /* RXSIM_TCP_INT_H */
