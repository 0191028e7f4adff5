/* tcp_input.c - segments for a connection: tcp_rcv_state_process / tcp_rcv_established,
 * tcp_validate_incoming and tcp_data_queue, as 6.18 runs them for a host that receives.
 *
 * Modelled (docs/tcp-window.md is the specification): the final handshake ACK (SYN_RECV ->
 * ESTABLISHED, TCPPureAcks, the child's window and buffer space); the header-prediction fast
 * path with its real conditions (TCPHPHits: in order, the expected window field, the end
 * inside the window, and the segment's truesize covered by sk_forward_alloc); the sequence
 * check with 6.17's end-of-segment rule (BeyondWindow) and the out-of-window ACK rate limit
 * (TCPACKSkippedSeq); RST and SYN checks; in-order data charged in pages and coalesced into
 * the queue's tail (TCPRcvCoalesce), old and partly old data with D-SACK (DelayedACKLost,
 * TCPDSACKOldSent), the zero window (TCPZeroWindowDrop), the out-of-order queue with SACK
 * blocks and D-SACK (TCPOFOQueue, TCPOFOMerge, TCPDSACKOfoSent, TCPOFODrop), its segments
 * coalesced onto the skb they follow (tcp_ooo_try_coalesce), teaching rcv_mss, and growing
 * the buffer by the span it holds (tcp_rcvbuf_grow()); when memory runs
 * out (sk_rcvbuf, or tcp_mem refusing pages), tcp_prune_queue()'s steps: the window clamped,
 * the out-of-order queue and the receive queue collapsed (TCPRcvCollapsed), the out-of-order
 * queue pruned from its far end (OfoPruned), and only then the segment dropped (RcvPruned,
 * TCPRcvQDrop); FIN; the delayed-ACK engine: quick ACKs from the real window,
 * __tcp_ack_snd_check()'s rules (with __tcp_select_window()'s side effect on them), the
 * delayed-ACK timer's ato in jiffies, firing on the tick after its timeout; PAWS (RFC 7323:
 * PAWSEstab, the disordered ACK, PAWSOldAck). For a connected
 * socket (connect:), the answer to its SYN in SYN_SENT, or joining a connection the capture
 * began in the middle of. Not modelled: skb_condense() of an out-of-order skb (a page-frag
 * head keeps its truesize), PAWS's 24-day wrap, the compressed SACK timer (a fourth
 * duplicate ACK goes at once), and the sending side (this host acknowledges, it does not send
 * data).
 */
#include <string.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"
#include "proto/tcp_int.h"
#include "socket/socket.h"

#define TCP_MAX_QUICKACKS 16
#define TCP_ATO_MIN_NS 40000000ull		/* TCP_ATO_MIN: HZ / 25 */
#define TCP_DELACK_MAX_NS 200000000ull		/* TCP_DELACK_MAX: HZ / 5 */
#define TCP_RTO_MIN_US 200000u			/* TCP_RTO_MIN */
#define TCP_INVALID_RATELIMIT_NS 500000000ull	/* tcp_invalid_ratelimit: HZ / 2 */
#define MAX_SKB_FRAGS 17
#define SKB_TRUESIZE_SMALL 832u			/* SKB_TRUESIZE(small head): a stack's TCP skb */
#define SKB_HEAD_SIZE 256u			/* SKB_DATA_ALIGN(sizeof(struct sk_buff)) */
#define SKB_SHINFO_SIZE 320u

static uint32_t jiffies_of(const struct rxs_host *h, uint64_t ns)
{
	return (uint32_t)rxs__jiffies(h, ns);
}

static uint32_t cb_seq(const struct rxs_sk_buff *skb)
{
	return TCP_SKB_CB(skb)->seq;
}

static uint32_t cb_end(const struct rxs_sk_buff *skb)
{
	return TCP_SKB_CB(skb)->end_seq;
}

/* tcp_drop_reason(): every segment TCP drops counts in the socket's sk_drops. */
static void tcp_drop(struct rxs_sock *sk, struct rxs_sk_buff *skb, enum rxs_drop_reason reason)
{
	sk->drops++;
	rxs_kfree_skb_reason(skb, reason);
}

/* tcp_set_window_clamp(), as the scaling ratio's change calls it. */
static void set_window_clamp(struct rxs_sock *sk, int val)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	uint32_t old = tp->window_clamp;
	uint32_t clamp = (uint32_t)RXS_MAX(2304 / 2, val);

	if (clamp == old)
		return;
	tp->window_clamp = clamp;
	if (clamp < old)
		tp->rcv_ssthresh = RXS_MIN(tp->rcv_ssthresh, clamp);	/* no reserved memory */
	else
		tp->rcv_ssthresh = RXS_MAX(RXS_MIN(tp->rcv_wnd, clamp), tp->rcv_ssthresh);
}

/* tcp_measure_rcv_mss(): rcv_mss from the segments (@len: a GRO skb's gso_size, else its
 * payload), and the scaling ratio with it (the whole skb's @skb_len / @truesize). */
static void measure_rcv_mss(struct rxs_sock *sk, uint32_t len, uint32_t skb_len,
			      uint32_t truesize, uint8_t flags, uint16_t doff)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	uint16_t lss = tp->last_seg_size;

	tp->last_seg_size = 0;
	if (len >= tp->rcv_mss) {
		if (len != tp->rcv_mss && truesize) {
			uint64_t val = ((uint64_t)skb_len << 8) / truesize;	/* TCP_RMEM_TO_WIN_SCALE */
			uint8_t old = tp->scaling_ratio;

			tp->scaling_ratio = (uint8_t)(val ? RXS_MIN(val, (uint64_t)255) : 1);
			if (old != tp->scaling_ratio)
				set_window_clamp(sk, rxs__tcp_full_space(sk));
		}
		tp->rcv_mss = (uint16_t)RXS_MIN(len, (uint32_t)tp->advmss);
		if (flags & TH_PSH)
			tp->pushed = true;
		return;
	}
	/* A short segment: full-sized all the same when its length, options apart, repeats. */
	len += doff;
	if (len >= 536 + 20 || (len >= 88 + 20 && !(flags & (TH_FIN | TH_URG | TH_SYN | TH_PSH)))) {
		len -= tp->tcp_header_len;
		tp->last_seg_size = (uint16_t)len;
		if (len == lss) {
			tp->rcv_mss = (uint16_t)len;
			return;
		}
	}
	if (tp->pushed)
		tp->pushed2 = true;
	tp->pushed = true;
}

/* tcp_incr_quickack(): rcv_wnd / (2 * rcv_mss) quick ACKs (2 at least), at most @max. */
static void incr_quickack(struct rxs_tcp_sock *tp, unsigned int max)
{
	unsigned int quickacks = tp->rcv_wnd / (2u * tp->rcv_mss);

	quickacks = RXS_MIN(quickacks ? quickacks : 2u, max);
	if (quickacks > tp->quick)
		tp->quick = (uint8_t)quickacks;
}

/* tcp_grow_window(): rcv_ssthresh grows while the buffer can take segments of this overhead;
 * @truesize is already truesize_adjust()'s. */
static void grow_window(struct rxs_sock *sk, uint32_t len, uint32_t truesize)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	int room = RXS_MIN((int)tp->window_clamp, rxs__tcp_space(sk)) - (int)tp->rcv_ssthresh;
	int incr = 0;

	if (room <= 0)
		return;
	if (rxs__tcp_under_memory_pressure(sk)) {
		/* Under pressure the window stays where the memory is. */
		rxs__tcp_adjust_rcv_ssthresh(sk);
		return;
	}
	if (rxs__tcp_win_from_space(tp->scaling_ratio, truesize) <= (int)len) {
		incr = 2 * tp->advmss;
	} else {
		/* __tcp_grow_window() */
		int ts = rxs__tcp_win_from_space(tp->scaling_ratio, truesize) >> 1;
		int window = rxs__tcp_win_from_space(tp->scaling_ratio,
					    sk->host->sk.sysctl_tcp_rmem[2]) >> 1;

		while (tp->rcv_ssthresh <= (uint32_t)window) {
			if (ts <= (int)len) {
				incr = 2 * tp->rcv_mss;
				break;
			}
			ts >>= 1;
			window >>= 1;
		}
	}
	if (incr) {
		incr = RXS_MAX(incr, 2 * (int)len);
		tp->rcv_ssthresh += (uint32_t)RXS_MIN(room, incr);
		tp->quick |= 1;
	}
}

/* tcp_enter_quickack_mode(): ACK at once from now on, for a while. */
static void enter_quickack_mode(struct rxs_sock *sk, unsigned int max)
{
	struct rxs_tcp_sock *tp = &sk->tcp;

	incr_quickack(tp, max);
	tp->pingpong = false;
	tp->ato_j = (uint32_t)rxs__ns_to_jiffies(sk->host, TCP_ATO_MIN_NS);
}

/* The connection is established (the handshake's ACK, a SYN-ACK to our SYN, or joining):
 * tcp_init_transfer()'s buffer space, rcv_mss, and header prediction on. @passive: a child,
 * whose window the SYN-ACK offered; else the default window is assumed. */
static void established_init(struct rxs_sock *sk, const struct rxs_tcp_cb *tcb, bool passive)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	unsigned int mtu = tp->dev ? tp->dev->cfg.mtu : 1500;
	uint16_t advmss = (uint16_t)(mtu - (tp->node.t.family == 10 ? 60 : 40));

	if (!passive)
		rxs__tcp_default_rwin(sk, advmss);
	if (tp->tstamp_ok)
		tp->advmss -= 12;	/* tcp_rcv_state_process(): TCPOLEN_TSTAMP_ALIGNED */
	tp->tcp_header_len = (uint8_t)(20 + (tp->tstamp_ok ? 12 : 0));
	rxs__tcp_init_buffer_space(sk);
	/* The RTO from the handshake's RTT sample (tcp_rtt_estimator's first sample and
	 * __tcp_set_rto: srtt + max(2 srtt, TCP_RTO_MIN)), 1 s without one. */
	if (tp->srtt_us) {
		uint64_t us = tp->srtt_us + RXS_MAX(2ull * tp->srtt_us, (uint64_t)TCP_RTO_MIN_US);

		tp->rto_j = (uint32_t)((us * sk->host->hz + 999999) / 1000000);
	}
	tp->hp = true;
	tp->hp_window = tcb->window;
}

/* tcp_fast_path_check(): prediction back on once nothing stands in its way. */
static void fast_path_check(struct rxs_sock *sk, uint16_t window)
{
	struct rxs_tcp_sock *tp = &sk->tcp;

	if (!tp->ofo.qlen && tp->rcv_wnd && sk->rmem_alloc < sk->rcvbuf) {
		tp->hp = true;
		tp->hp_window = window;
	}
}

/* tcp_event_data_recv(): a segment with data schedules an ACK, teaches rcv_mss and the
 * scaling ratio, feeds the delayed-ACK engine (ato; quick ACKs for the first data and after a
 * silence longer than the RTO) and grows rcv_ssthresh. */
static void event_data_recv(struct rxs_softnet_data *sd, struct rxs_sock *sk,
			    const struct rxs_tcp_cb *tcb, uint32_t truesize, uint32_t adj_truesize,
			    uint16_t gso_size)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	struct rxs_host *h = sk->host;
	uint32_t now = jiffies_of(h, sd->now), atomin = (uint32_t)h->hz / 25;	/* TCP_ATO_MIN */

	tp->ack_sched = true;
	measure_rcv_mss(sk, gso_size ? gso_size : tcb->payload, tcb->payload, truesize,
				 tcb->flags, tcb->doff);
	rxs__tcp_rcv_rtt_measure(tp);
	if (!tp->ato_j) {
		incr_quickack(tp, TCP_MAX_QUICKACKS);
		tp->ato_j = atomin;
	} else {
		uint32_t m = now - tp->lrcv_j;

		if (m <= atomin / 2) {
			tp->ato_j = (tp->ato_j >> 1) + atomin / 2;
		} else if (m < tp->ato_j) {
			tp->ato_j = RXS_MIN((tp->ato_j >> 1) + m, tp->rto_j);
		} else if (m > tp->rto_j) {
			incr_quickack(tp, TCP_MAX_QUICKACKS);
		}
	}
	tp->lrcv_j = now;
	if (tcb->payload >= 128)
		grow_window(sk, tcb->payload, adj_truesize);
}

/* truesize_adjust(): a stack's payload sits in frags (the head only held headers), whose
 * truesize is what tcp_grow_window() weighs. */
static uint32_t truesize_adjust(const struct rxs_sk_buff *skb)
{
	if (TCP_SKB_CB(skb)->flags & RXS_TCB_FRAGS)
		return skb->truesize - SKB_TRUESIZE_SMALL;
	return skb->truesize;
}

/* tcp_send_ack() now. */
static void ack_now(struct rxs_softnet_data *sd, struct rxs_sock *sk)
{
	rxs__tcp_send_ack(sd, sk);
}

static void delack_timer(void *obj, uint64_t t);

/* When a timer due at jiffy @j runs: the timer wheel rounds a level-0 expiry up by one tick
 * (calc_index(): a timer must never fire early, and one armed at a tick's edge would), so
 * the delayed-ACK timer runs at the tick after its timeout. */
static uint64_t delack_fire_ns(const struct rxs_host *h, uint64_t j)
{
	return rxs__jiffies_to_ns(h, j + 1);
}

/* tcp_send_delayed_ack(): the timer for ato, capped by the RTT (ICSK_ACK_PUSHED or
 * interactive: 200 ms at most); an earlier deadline stands; one within ato / 4 sends now. */
static void send_delayed_ack(struct rxs_softnet_data *sd, struct rxs_sock *sk)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	struct rxs_host *h = sk->host;
	uint32_t ato = tp->ato_j, now = jiffies_of(h, sd->now);
	uint64_t timeout;

	if (ato > (uint32_t)rxs__ns_to_jiffies(h, TCP_DELACK_MIN_NS)) {
		uint32_t max_ato = (uint32_t)h->hz / 2;

		if (tp->pingpong || tp->pushed)
			max_ato = (uint32_t)rxs__ns_to_jiffies(h, TCP_DELACK_MAX_NS);
		if (tp->srtt_us) {
			uint32_t rtt = (uint32_t)(((uint64_t)tp->srtt_us * h->hz + 999999) /
						  1000000);

			rtt = RXS_MAX(rtt, (uint32_t)rxs__ns_to_jiffies(h, TCP_DELACK_MIN_NS));
			max_ato = RXS_MIN(max_ato, rtt);
		}
		ato = RXS_MIN(ato, max_ato);
	}
	ato = RXS_MIN(ato, (uint32_t)rxs__ns_to_jiffies(h, TCP_DELACK_MAX_NS));	/* icsk_delack_max */
	timeout = (uint64_t)now + ato;
	if (tp->delack_armed) {
		if (tp->delack_timeout_j <= (uint64_t)now + (ato >> 2)) {
			ack_now(sd, sk);
			return;
		}
		if (timeout >= tp->delack_timeout_j)
			timeout = tp->delack_timeout_j;
	}
	tp->ack_sched = true;
	tp->delack_armed = true;
	tp->delack_timeout_j = timeout;
	/* sk_reset_timer(): one engine event serves; an earlier one re-arms when it fires. */
	if (!tp->delack_event_j || timeout < tp->delack_event_j) {
		tp->delack_event_j = timeout;
		h->engine->timer_add(h, delack_fire_ns(h, timeout), delack_timer, sk, 0);
	}
}

/* tcp_delack_timer_handler(): the ACK that waited goes now. A missed delayed ACK inflates ato
 * (min(2 ato, rto)), or leaves interactive mode. Stale timers (re-armed or cancelled by an ACK
 * sent meanwhile) do nothing. */
static void delack_timer(void *obj, uint64_t t)
{
	struct rxs_sock *sk = obj;
	struct rxs_tcp_sock *tp = &sk->tcp;
	struct rxs_softnet_data *sd = &sk->host->cpus[0];

	if (t >= delack_fire_ns(sk->host, tp->delack_event_j))
		tp->delack_event_j = 0;
	if (!tp->delack_armed)
		return;
	if (t < rxs__jiffies_to_ns(sk->host, tp->delack_timeout_j)) {
		/* Fired before the deadline it was moved to: wait for it. */
		if (!tp->delack_event_j || tp->delack_timeout_j < tp->delack_event_j) {
			tp->delack_event_j = tp->delack_timeout_j;
			sk->host->engine->timer_add(sk->host,
						    delack_fire_ns(sk->host, tp->delack_timeout_j),
						    delack_timer, sk, 0);
		}
		return;
	}
	tp->delack_armed = false;
	if (!tp->ack_sched || tp->state == RXS_TCP_CLOSE)
		return;
	if (sd->now < t)
		sd->now = t;
	if (!tp->pingpong) {
		tp->ato_j = RXS_MIN(tp->ato_j << 1, tp->rto_j);
	} else {
		tp->pingpong = false;
		tp->ato_j = (uint32_t)rxs__ns_to_jiffies(sk->host, TCP_ATO_MIN_NS);
	}
	ack_now(sd, sk);
	rxs__mib_inc(sd, RXS_MIB_TcpExtDelayedACKs);
}

/* __tcp_ack_snd_check(): at once when more than a full segment came since the last window
 * offered and the window would advance (or everything was read), in quick-ACK mode, or when a
 * state demands it; else the delayed ACK. With an out-of-order queue and SACK, the first three
 * duplicate ACKs go at once (the compressed SACK timer after them is not modelled). */
static void ack_snd_check(struct rxs_softnet_data *sd, struct rxs_sock *sk, bool ofo_possible)
{
	struct rxs_tcp_sock *tp = &sk->tcp;

	int64_t raw = -1;

	if (tp->rcv_nxt - tp->rcv_wup > tp->rcv_mss) {
		if (tp->rcv_nxt - tp->copied_seq < 1) {
			ack_now(sd, sk);
			return;
		}
		raw = rxs__tcp_select_window_raw(sk);
		if (raw >= tp->rcv_wnd) {
			rxs__tcp_send_ack_win(sd, sk, raw);
			return;
		}
	}
	if ((tp->quick && !tp->pingpong) || tp->ack_now_flag) {
		rxs__tcp_send_ack_win(sd, sk, raw);
		return;
	}
	if (!ofo_possible || !tp->ofo.qlen) {
		send_delayed_ack(sd, sk);
		return;
	}
	if (tp->compressed_ack_rcv_nxt != tp->rcv_nxt) {
		tp->compressed_ack_rcv_nxt = tp->rcv_nxt;
		tp->dup_ack_counter = 0;
	}
	if (tp->dup_ack_counter < 3)
		tp->dup_ack_counter++;
	ack_now(sd, sk);
}

/* ---- SACK and D-SACK (tcp_dsack_set, tcp_sack_new_ofo_skb, tcp_sack_remove) ---- */

static bool sack_extend(uint32_t *start, uint32_t *end, uint32_t seq, uint32_t end_seq)
{
	if (!after(seq, *end) && !after(*start, end_seq)) {
		if (before(seq, *start))
			*start = seq;
		if (after(end_seq, *end))
			*end = end_seq;
		return true;
	}
	return false;
}

static void dsack_set(struct rxs_softnet_data *sd, struct rxs_sock *sk, uint32_t seq,
		      uint32_t end_seq)
{
	struct rxs_tcp_sock *tp = &sk->tcp;

	if (!tp->sack_ok)
		return;
	rxs__mib_inc(sd, before(seq, tp->rcv_nxt) ? RXS_MIB_TcpExtTCPDSACKOldSent :
						     RXS_MIB_TcpExtTCPDSACKOfoSent);
	tp->dsack = true;
	tp->dup_sack.start = seq;
	tp->dup_sack.end = end_seq;
}

static void dsack_extend(struct rxs_softnet_data *sd, struct rxs_sock *sk, uint32_t seq,
			 uint32_t end_seq)
{
	struct rxs_tcp_sock *tp = &sk->tcp;

	if (!tp->dsack)
		dsack_set(sd, sk, seq, end_seq);
	else
		sack_extend(&tp->dup_sack.start, &tp->dup_sack.end, seq, end_seq);
}

static void sack_new_ofo(struct rxs_sock *sk, uint32_t seq, uint32_t end_seq)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	unsigned int i, n = tp->num_sacks;

	for (i = 0; i < n; i++)
		if (sack_extend(&tp->sacks[i].start, &tp->sacks[i].end, seq, end_seq)) {
			/* To the front; then merge the others it now touches. */
			for (; i > 0; i--) {
				uint32_t s0 = tp->sacks[i].start, e0 = tp->sacks[i].end;

				tp->sacks[i] = tp->sacks[i - 1];
				tp->sacks[i - 1].start = s0;
				tp->sacks[i - 1].end = e0;
			}
			for (i = 1; i < tp->num_sacks;) {
				if (sack_extend(&tp->sacks[0].start, &tp->sacks[0].end,
						tp->sacks[i].start, tp->sacks[i].end)) {
					tp->num_sacks--;
					memmove(&tp->sacks[i], &tp->sacks[i + 1],
						(tp->num_sacks - i) * sizeof(tp->sacks[0]));
					continue;
				}
				i++;
			}
			return;
		}
	if (n >= 4)
		n = 3;
	memmove(&tp->sacks[1], &tp->sacks[0], n * sizeof(tp->sacks[0]));
	tp->sacks[0].start = seq;
	tp->sacks[0].end = end_seq;
	tp->num_sacks = (uint8_t)(n + 1);
}

static void sack_remove(struct rxs_sock *sk)
{
	struct rxs_tcp_sock *tp = &sk->tcp;

	if (!tp->ofo.qlen) {
		tp->num_sacks = 0;
		return;
	}
	for (unsigned int i = 0; i < tp->num_sacks;) {
		if (!before(tp->rcv_nxt, tp->sacks[i].start)) {
			tp->num_sacks--;
			memmove(&tp->sacks[i], &tp->sacks[i + 1],
				(tp->num_sacks - i) * sizeof(tp->sacks[0]));
			continue;
		}
		i++;
	}
}

/* ---- memory ---- */

/* ---- Collapsing and pruning (tcp_prune_queue) ----
 *
 * rxsim keeps every segment as its own rxs_sk_buff: one of the kernel's skbs is a head and
 * the segments marked RXS_TCB_MERGED after it (coalesced or collapsed into it), with the
 * kernel skb's truesize spread over them and its tailroom and frags on the last one. */

/* The last segment of the kernel skb that @skb heads. */
static struct rxs_sk_buff *grp_last(struct rxs_sk_buff *skb)
{
	while (skb->next && (TCP_SKB_CB(skb->next)->flags & RXS_TCB_MERGED))
		skb = skb->next;
	return skb;
}

static uint32_t grp_end(struct rxs_sk_buff *skb)
{
	return cb_end(grp_last(skb));
}

static int64_t grp_truesize(struct rxs_sk_buff *skb)
{
	int64_t ts = skb->truesize;

	while (skb->next && (TCP_SKB_CB(skb->next)->flags & RXS_TCB_MERGED)) {
		skb = skb->next;
		ts += skb->truesize;
	}
	return ts;
}

static uint32_t grp_len(struct rxs_sk_buff *skb)
{
	uint32_t len = skb->len;

	while (skb->next && (TCP_SKB_CB(skb->next)->flags & RXS_TCB_MERGED)) {
		skb = skb->next;
		len += skb->len;
	}
	return len;
}

/* skb_try_coalesce() for @from after @to: a linear payload that fits @to's tailroom is
 * copied (delta 0); payload in frags (a stack's, or a driver's page-frag head) moves over
 * while @to has frag slots, and its truesize, less its own head, is charged.
 *
 * rxsim keeps @from as its own skb behind @to (a reader gets its bytes as they came), but
 * charges it as the kernel charges the merge: its truesize becomes the delta, and it carries
 * the merged buffer's room (tailroom, frag slots) for the next segment. */
/* What is left after the data of @skb's head: a stack's small head has none; a driver's
 * page-frag head what the half page leaves; a kmalloc'd one what its bucket leaves after
 * LL_RESERVED_SPACE and the frame. */
static uint16_t head_tailroom(const struct rxs_sk_buff *skb)
{
	const struct rxs_netdev *dev = skb->dev;
	int64_t frame = (int64_t)(skb->data - rxs_skb_mac_header(skb)) + skb->len, room;

	if (TCP_SKB_CB(skb)->flags & RXS_TCB_FRAGS)
		return 0;
	if (dev && dev->cfg.driver == RXS_DRIVER_GENERIC)
		room = 2048 - (int64_t)SKB_SHINFO_SIZE - 64 - frame;
	else
		room = (int64_t)skb->truesize - SKB_HEAD_SIZE - SKB_SHINFO_SIZE - frame;
	return (uint16_t)RXS_MAX(RXS_MIN(room, (int64_t)UINT16_MAX - 1), (int64_t)0);
}

static bool try_coalesce(struct rxs_sock *sk, struct rxs_sk_buff *to, struct rxs_sk_buff *from)
{
	struct rxs_sk_buff *from_last = grp_last(from);
	struct rxs_tcp_skb_cb *t = TCP_SKB_CB(to), *f = TCP_SKB_CB(from),
			      *fl = TCP_SKB_CB(from_last);
	uint32_t len = grp_len(from), delta;
	uint16_t tailroom;
	uint8_t nr_frags = t->nr_frags;

	if (f->seq != t->end_seq || (t->flags & TH_FIN))
		return false;
	if (t->tailroom == UINT16_MAX)
		t->tailroom = head_tailroom(to);
	tailroom = t->tailroom;
	if (len <= tailroom) {
		tailroom = (uint16_t)(tailroom - len);
		delta = 0;
	} else if (f->flags & RXS_TCB_FRAGS) {
		if (nr_frags + f->nr_frags > MAX_SKB_FRAGS)
			return false;
		nr_frags = (uint8_t)(nr_frags + f->nr_frags);
		delta = from->truesize - SKB_TRUESIZE_SMALL;
	} else if (from->dev && from->dev->cfg.driver == RXS_DRIVER_GENERIC) {
		/* napi_build_skb()'s head is a page frag: stolen whole. */
		if (nr_frags + 1 > MAX_SKB_FRAGS)
			return false;
		nr_frags++;
		delta = from->truesize - SKB_HEAD_SIZE;
	} else {
		return false;	/* a kmalloc'd head cannot be stolen */
	}
	rxs__tcp_mem_charge(sk, delta);
	from->truesize = delta;
	f->flags |= RXS_TCB_MERGED;
	fl->tailroom = tailroom;
	fl->nr_frags = nr_frags;
	t->flags |= fl->flags & TH_FIN;
	rxs__mib_inc(rxs__skb_sd(from), RXS_MIB_TcpExtTCPRcvCoalesce);
	return true;
}

/* Unlink the kernel skb @first..@last from @q; @prev is the segment before it (NULL: it
 * heads the queue). */
static void grp_unlink(struct rxs_skb_queue *q, struct rxs_sk_buff *prev,
		       struct rxs_sk_buff *first, struct rxs_sk_buff *last)
{
	struct rxs_sk_buff *skb = first;

	if (prev)
		prev->next = last->next;
	else
		q->head = last->next;
	if (q->tail == last)
		q->tail = prev;
	for (;;) {
		q->qlen--;
		if (skb == last)
			break;
		skb = skb->next;
	}
	last->next = NULL;
}

static struct rxs_sk_buff *seg_before(struct rxs_skb_queue *q, struct rxs_sk_buff *skb)
{
	struct rxs_sk_buff *p = q->head;

	if (p == skb)
		return NULL;
	while (p->next != skb)
		p = p->next;
	return p;
}

/* Free an unlinked kernel skb: its truesize back (sock_rfree: sk_mem_uncharge and
 * sk_mem_reclaim), each of its segments ended with @reason (0: consumed, its bytes are held
 * elsewhere). @drop: tcp_drop_reason(), which counts one in sk_drops per skb. */
static void grp_free(struct rxs_softnet_data *sd, struct rxs_sock *sk, struct rxs_sk_buff *first,
		     bool drop, enum rxs_drop_reason reason)
{
	rxs__tcp_mem_uncharge(sk, sd->cpu, sd->now, (uint32_t)grp_truesize(first));
	if (drop)
		sk->drops++;
	while (first) {
		struct rxs_sk_buff *next = first->next;

		first->next = NULL;
		if (drop)
			rxs_kfree_skb_reason(first, reason);
		else
			rxs_consume_skb(first);
		first = next;
	}
}

#define SKB_SMALL_HEAD_CACHE 576u		/* SKB_SMALL_HEAD_CACHE_SIZE */
#define SKB_MAX_ORDER0 (4096u - SKB_SHINFO_SIZE)	/* SKB_MAX_ORDER(0, 0) */

/* alloc_skb(@size)'s truesize (kmalloc_reserve(): the small-head cache or a power-of-two
 * kmalloc bucket, SKB_TRUESIZE of what it holds) and the tailroom left after @size bytes. */
static uint32_t alloc_skb_truesize(uint32_t size, uint32_t *tailroom)
{
	uint32_t obj = ((size + 63u) & ~63u) + SKB_SHINFO_SIZE;

	if (obj <= SKB_SMALL_HEAD_CACHE)
		obj = SKB_SMALL_HEAD_CACHE;
	else
		obj = 1u << (32 - __builtin_clz(obj - 1));
	*tailroom = obj - SKB_SHINFO_SIZE - size;
	return obj + SKB_HEAD_SIZE;
}

/* tcp_collapse(): copy the kernel skbs from @head up to @tail (NULL: the end) covering
 * [start, end) into new linear skbs of at most a page (SKB_MAX_ORDER(0, 0) bytes) each,
 * freeing the originals (TCPRcvCollapsed each): bloated skbs (more truesize than their bytes
 * are worth as window) give their overhead back. Only from the first skb worth it: bloated,
 * holding bytes before @start, or not contiguous with the next; never across a FIN.
 *
 * The segments stay in the queue as the new skbs' parts: the first one freed while a new
 * skb fills heads it and carries its truesize; the others are merged into it at no cost. */
static void collapse(struct rxs_softnet_data *sd, struct rxs_sock *sk, struct rxs_skb_queue *q,
		     struct rxs_sk_buff *head, struct rxs_sk_buff *tail, uint32_t start,
		     uint32_t end)
{
	struct rxs_sk_buff *skb = head, *last = NULL, *n, *nhead = NULL, *ntail = NULL;
	uint32_t carry = 0, room = 0;

restart:
	for (; skb && skb != tail; skb = n) {
		last = grp_last(skb);
		n = last->next;
		if (!before(start, cb_end(last))) {
			/* No new bits (an overlap in the out-of-order queue). */
			grp_unlink(q, seg_before(q, skb), skb, last);
			rxs__mib_inc(sd, RXS_MIB_TcpExtTCPRcvCollapsed);
			grp_free(sd, sk, skb, false, RXS_DROP_NOT_SPECIFIED);
			skb = n;
			goto restart;
		}
		if (!(TCP_SKB_CB(last)->flags & TH_FIN) &&
		    (rxs__tcp_win_from_space(sk->tcp.scaling_ratio, grp_truesize(skb)) >
		     (int)grp_len(skb) || before(cb_seq(skb), start)))
			break;
		if (n && n != tail && cb_end(last) != cb_seq(n))
			break;
		start = cb_end(last);
	}
	if (!skb || skb == tail || (TCP_SKB_CB(last)->flags & TH_FIN))
		return;

	while (before(start, end)) {
		uint32_t copy = RXS_MIN(SKB_MAX_ORDER0, end - start);
		uint32_t ts = alloc_skb_truesize(copy, &room);
		struct rxs_sk_buff *first = NULL;

		/* skb_set_owner_r(nskb) before the copy frees anything. */
		rxs__tcp_mem_charge(sk, ts);
		carry += ts;
		while (copy > 0) {
			uint32_t gend;
			int64_t gts;

			last = grp_last(skb);
			gend = cb_end(last);
			if (after(gend, start)) {
				uint32_t size = RXS_MIN(copy, gend - start);

				copy -= size;
				start += size;
			}
			if (before(start, gend))
				continue;
			/* tcp_collapse_one(): all of this skb is copied. */
			n = last->next;
			gts = grp_truesize(skb);
			rxs__mib_inc(sd, RXS_MIB_TcpExtTCPRcvCollapsed);
			rxs__tcp_mem_uncharge(sk, sd->cpu, sd->now, (uint32_t)gts);
			for (struct rxs_sk_buff *m = skb;; m = m->next) {
				struct rxs_tcp_skb_cb *c = TCP_SKB_CB(m);

				m->truesize = 0;
				c->flags = (uint8_t)((c->flags & ~RXS_TCB_FRAGS) | RXS_TCB_MERGED);
				c->nr_frags = 0;
				if (m == last)
					break;
			}
			if (!first) {
				first = skb;
				TCP_SKB_CB(skb)->flags &= (uint8_t)~RXS_TCB_MERGED;
				/* Its truesize goes to the segment heading it; a new skb whose
				 * bytes all belong to a segment freed later adds to that one. */
				skb->truesize = carry;
				carry = 0;
				nhead = skb;
			}
			ntail = last;
			skb = n;
			if (!skb || skb == tail || (TCP_SKB_CB(grp_last(skb))->flags & TH_FIN))
				goto end;
		}
	}
end:
	if (carry && nhead)
		nhead->truesize += carry;
	if (ntail)
		TCP_SKB_CB(ntail)->tailroom = (uint16_t)room;
}
/* tcp_collapse_ofo_queue(): collapse each run of contiguous out-of-order skbs; a run of one
 * small skb is left alone (nothing to gain), and once such runs add up to an eighth of the
 * buffer the rest is not looked at. */
static void collapse_ofo_queue(struct rxs_softnet_data *sd, struct rxs_sock *sk)
{
	struct rxs_sk_buff *skb = sk->tcp.ofo.head, *head;
	int64_t range_truesize, sum_tiny = 0;
	uint32_t start, end;

	while (skb) {
		start = cb_seq(skb);
		end = grp_end(skb);
		range_truesize = grp_truesize(skb);
		head = skb;
		for (;;) {
			skb = grp_last(skb)->next;
			if (!skb || after(cb_seq(skb), end) || before(grp_end(skb), start))
				break;
			range_truesize += grp_truesize(skb);
			if (before(cb_seq(skb), start))
				start = cb_seq(skb);
			if (after(grp_end(skb), end))
				end = grp_end(skb);
		}
		if (range_truesize != grp_truesize(head) || end - start >= SKB_MAX_ORDER0) {
			collapse(sd, sk, &sk->tcp.ofo, head, skb, start, end);
		} else {
			sum_tiny += range_truesize;
			if (sum_tiny > sk->rcvbuf >> 3)
				return;
		}
	}
}

/* tcp_prune_ofo_queue(): drop out-of-order skbs from the far end, an eighth of the buffer at a
 * time, until the socket can take data again; never one the incoming segment would follow. */
static bool prune_ofo(struct rxs_softnet_data *sd, struct rxs_sock *sk, uint32_t in_seq)
{
	struct rxs_skb_queue *q = &sk->tcp.ofo;
	int64_t goal = sk->rcvbuf >> 3;
	bool pruned = false;

	while (q->qlen) {
		struct rxs_sk_buff *last = q->head, *prev = NULL, *skb = q->head;

		/* The last kernel skb (ooo_last_skb) and the segment before it. */
		for (struct rxs_sk_buff *p = NULL, *m = q->head; m; p = m, m = m->next)
			if (!(TCP_SKB_CB(m)->flags & RXS_TCB_MERGED)) {
				skb = m;
				prev = p;
			}
		last = q->tail;
		if (after(in_seq, cb_seq(skb)))
			break;
		pruned = true;
		goal -= grp_truesize(skb);
		grp_unlink(q, prev, skb, last);
		grp_free(sd, sk, skb, true, RXS_DROP_TCP_OFO_QUEUE_PRUNE);
		if (!q->qlen || goal <= 0) {
			if (sk->rmem_alloc <= sk->rcvbuf && !rxs__tcp_under_memory_pressure(sk))
				break;
			goal = sk->rcvbuf >> 3;
		}
	}
	if (pruned) {
		rxs__mib_inc(sd, RXS_MIB_TcpExtOfoPruned);
		sk->tcp.num_sacks = 0;
	}
	return pruned;
}

/* tcp_clamp_window(): the buffer is full. An application that did not fix its buffer gets
 * one as large as what is queued (up to tcp_rmem[2]) while the protocol has memory to spare;
 * still over, the window stops growing. */
static void clamp_window(struct rxs_sock *sk)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	int64_t rmem2 = sk->host->sk.sysctl_tcp_rmem[2];

	tp->quick = 0;
	if (sk->rcvbuf < rmem2 && !tp->rcvbuf_lock && !rxs__tcp_under_memory_pressure(sk) &&
	    rxs__tcp_mem_under_min(sk->host))
		sk->rcvbuf = RXS_MIN(sk->rmem_alloc, rmem2);
	if (sk->rmem_alloc > sk->rcvbuf)
		tp->rcv_ssthresh = RXS_MIN(tp->window_clamp, 2u * tp->advmss);
}

/* tcp_prune_queue(): 0 when the socket can take data again, -1 when data must be dropped.
 * Collapsing costs copies, not data; pruning the out-of-order queue loses data the peer
 * must send again; RcvPruned says even that was not enough. */
static int prune_queue(struct rxs_softnet_data *sd, struct rxs_sock *sk, uint32_t in_seq)
{
	struct rxs_tcp_sock *tp = &sk->tcp;

	if (!sk->rmem_alloc)
		return -1;
	rxs__mib_inc(sd, RXS_MIB_TcpExtPruneCalled);
	if (sk->rmem_alloc > sk->rcvbuf)
		clamp_window(sk);
	else if (rxs__tcp_under_memory_pressure(sk))
		rxs__tcp_adjust_rcv_ssthresh(sk);
	if (sk->rmem_alloc <= sk->rcvbuf)
		return 0;
	collapse_ofo_queue(sd, sk);
	if (sk->receive_queue.head)
		collapse(sd, sk, &sk->receive_queue, sk->receive_queue.head, NULL, tp->copied_seq,
			 tp->rcv_nxt);
	if (sk->rmem_alloc <= sk->rcvbuf)
		return 0;
	prune_ofo(sd, sk, in_seq);
	if (sk->rmem_alloc <= sk->rcvbuf)
		return 0;
	rxs__mib_inc(sd, RXS_MIB_TcpExtRcvPruned);
	tp->hp = false;
	return -1;
}

/* tcp_try_rmem_schedule(): 6.18's tcp_can_ingest() (sk_rmem_alloc <= sk_rcvbuf before this
 * one), then pages for @size; the prune sequence only when the first fails. */
static int try_rmem_schedule(struct rxs_softnet_data *sd, struct rxs_sock *sk,
			     const struct rxs_sk_buff *skb)
{
	if (sk->rmem_alloc > sk->rcvbuf ||
	    !rxs__tcp_rmem_schedule(sk, sd->cpu, sd->now, skb->truesize)) {
		if (prune_queue(sd, sk, cb_seq(skb)) < 0)
			return -1;
		while (!rxs__tcp_rmem_schedule(sk, sd->cpu, sd->now, skb->truesize))
			if (!prune_ofo(sd, sk, cb_seq(skb)))
				return -1;
	}
	return 0;
}

/* tcp_queue_rcv(): onto the receive queue, charged whole or, coalesced into the tail, by
 * the merge's delta. True when coalesced. */
static bool queue_rcv(struct rxs_sock *sk, struct rxs_sk_buff *skb)
{
	struct rxs_sk_buff *tail = sk->receive_queue.tail;

	bool merged = tail && try_coalesce(sk, tail, skb);

	sk->tcp.rcv_nxt = cb_end(skb);
	if (!merged)
		rxs__tcp_mem_charge(sk, skb->truesize);
	rxs__skb_queue_tail(&sk->receive_queue, skb);
	return merged;
}

/* tcp_fin(): ESTABLISHED -> CLOSE_WAIT, and interactive from now on: its ACK waits for the
 * delayed-ACK timer unless something else sends it. Out-of-order data after it is purged. */
static void tcp_fin(struct rxs_softnet_data *sd, struct rxs_sock *sk)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	struct rxs_sk_buff *skb;

	tp->ack_sched = true;
	if (tp->state == RXS_TCP_ESTABLISHED || tp->state == RXS_TCP_SYN_RECV) {
		tp->pingpong = true;
		tp->state = RXS_TCP_CLOSE_WAIT;
	}
	while ((skb = rxs__skb_dequeue(&tp->ofo))) {
		rxs__tcp_mem_uncharge(sk, sd->cpu, sd->now, skb->truesize);
		rxs_kfree_skb_reason(skb, RXS_DROP_TCP_OFO_DROP);
	}
	tp->num_sacks = 0;
}

/* tcp_ofo_queue(): move what became in order to the receive queue, D-SACKing overlaps. A
 * moved skb stays charged; one coalesced into the queue's tail is charged the merge's delta
 * and freed (its truesize back). */
static void ofo_queue(struct rxs_softnet_data *sd, struct rxs_sock *sk)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	uint32_t dsack_high = tp->rcv_nxt;
	struct rxs_sk_buff *skb;

	while ((skb = tp->ofo.head) && !after(cb_seq(skb), tp->rcv_nxt)) {
		struct rxs_sk_buff *last = grp_last(skb), *tail = sk->receive_queue.tail, *m;
		uint32_t end = cb_end(last), ts = (uint32_t)grp_truesize(skb);
		bool fin = TCP_SKB_CB(last)->flags & TH_FIN;

		if (before(cb_seq(skb), dsack_high)) {
			uint32_t dsack = dsack_high;

			if (before(end, dsack_high))
				dsack_high = end;
			dsack_extend(sd, sk, cb_seq(skb), dsack);
		}
		grp_unlink(&tp->ofo, NULL, skb, last);
		if (!after(end, tp->rcv_nxt)) {
			grp_free(sd, sk, skb, true, RXS_DROP_TCP_OFO_DROP);
			continue;
		}
		if (tail && try_coalesce(sk, tail, skb)) {
			for (m = skb->next; m; m = m->next)
				m->truesize = 0;
			rxs__tcp_mem_uncharge(sk, sd->cpu, sd->now, ts);
		}
		tp->rcv_nxt = end;
		while ((m = skb)) {
			skb = m->next;
			m->next = NULL;
			rxs__skb_queue_tail(&sk->receive_queue, m);
		}
		if (fin) {
			tcp_fin(sd, sk);
			break;
		}
	}
}

/* tcp_ooo_try_coalesce(): @skb appended to the out-of-order skb that ends with segment @to,
 * as tcp_try_coalesce() does on the receive queue (charged the delta, TCPRcvCoalesce). */
static bool ofo_try_coalesce(struct rxs_sock *sk, struct rxs_sk_buff *to, struct rxs_sk_buff *skb)
{
	struct rxs_skb_queue *q = &sk->tcp.ofo;

	if (!try_coalesce(sk, to, skb))
		return false;
	skb->next = to->next;
	to->next = skb;
	if (q->tail == to)
		q->tail = skb;
	q->qlen++;
	return true;
}

/* tcp_data_queue_ofo(): keep a segment that came early, in sequence order, with its SACK
 * block: appended to the last skb when it follows it (the common case: data after a hole),
 * else placed by sequence, where it may be appended to the skb before it; one wholly held
 * already is merged away with a D-SACK, those it covers are dropped. Every segment kept
 * lets the buffer grow by the span the queue holds (tcp_rcvbuf_grow()). */
static void data_queue_ofo(struct rxs_softnet_data *sd, struct rxs_sock *sk,
			   struct rxs_sk_buff *skb, const struct rxs_tcp_cb *tcb)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	struct rxs_sk_buff **pp = &tp->ofo.head, *prev = NULL, *next;	/* prev: the last segment
									 * of the skb before */
	uint32_t seq = cb_seq(skb), end_seq = cb_end(skb), len = skb->len;
	uint32_t adj = truesize_adjust(skb);

	if (try_rmem_schedule(sd, sk, skb)) {
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPOFODrop);
		tcp_drop(sk, skb, RXS_DROP_PROTO_MEM);
		return;
	}
	/* 6.17+: an early segment teaches rcv_mss and the scaling ratio too, so a flow that
	 * starts with a loss sizes its window (and buffer) by what it receives. */
	measure_rcv_mss(sk, skb->gso_size ? skb->gso_size : tcb->payload, tcb->payload,
			skb->truesize, tcb->flags, tcb->doff);
	tp->hp = false;
	tp->ack_sched = true;
	tp->rcv_ooopack++;
	rxs__mib_inc(sd, RXS_MIB_TcpExtTCPOFOQueue);
	skb->next = NULL;
	if (!tp->ofo.qlen) {
		if (tp->sack_ok) {
			tp->num_sacks = 1;
			tp->sacks[0].start = seq;
			tp->sacks[0].end = end_seq;
		}
		goto insert;
	}
	if (ofo_try_coalesce(sk, tp->ofo.tail, skb))
		goto coalesce_done;
	/* The rbtree walk, as a sorted list: the skb before it is the one a search for @seq
	 * meets last on the left. */
	while (*pp && before(cb_seq(*pp), seq)) {
		prev = grp_last(*pp);
		pp = &prev->next;
	}
	if (prev && before(seq, cb_end(prev))) {
		if (!after(end_seq, cb_end(prev))) {
			/* All its bytes are here already. */
			rxs__mib_inc(sd, RXS_MIB_TcpExtTCPOFOMerge);
			tcp_drop(sk, skb, RXS_DROP_TCP_OFOMERGE);
			dsack_set(sd, sk, seq, end_seq);
			goto add_sack_only;
		}
		dsack_set(sd, sk, seq, cb_end(prev));
	} else if (*pp && cb_seq(*pp) == seq && !after(end_seq, grp_end(*pp))) {
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPOFOMerge);
		tcp_drop(sk, skb, RXS_DROP_TCP_OFOMERGE);
		dsack_set(sd, sk, seq, end_seq);
		goto add_sack_only;
	} else if (prev && (!*pp || cb_seq(*pp) != seq) && ofo_try_coalesce(sk, prev, skb)) {
		goto coalesce_done;
	}
	/* Segments it covers go (merge_right; one starting where it starts is replaced). */
	while ((next = *pp) && after(end_seq, cb_seq(next))) {
		struct rxs_sk_buff *nl = grp_last(next);

		if (before(end_seq, cb_end(nl))) {
			dsack_extend(sd, sk, cb_seq(next), end_seq);
			break;
		}
		grp_unlink(&tp->ofo, prev, next, nl);
		dsack_extend(sd, sk, cb_seq(next), cb_end(nl));
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPOFOMerge);
		grp_free(sd, sk, next, true, RXS_DROP_TCP_OFOMERGE);
	}
	if (tp->sack_ok)
		sack_new_ofo(sk, seq, end_seq);
	goto link;
insert:
	pp = &tp->ofo.head;
link:
	skb->next = *pp;
	*pp = skb;
	if (!skb->next)
		tp->ofo.tail = skb;
	tp->ofo.qlen++;
	/* Without SACK the window stays, to force the duplicate ACKs of a fast retransmit. */
	if (tp->sack_ok)
		grow_window(sk, len, skb->truesize);
	rxs__tcp_mem_charge(sk, skb->truesize);
	goto end;
coalesce_done:
	if (tp->sack_ok)
		grow_window(sk, len, adj);
add_sack_only:
	if (tp->sack_ok)
		sack_new_ofo(sk, seq, end_seq);
end:
	/* Not for a child nobody accepted yet (sk->sk_socket). */
	if (!tp->listener || tp->accepted)
		rxs__tcp_rcvbuf_grow(sk, tp->rcvq_space);
}

/* tcp_data_queue(): a segment with data or FIN, after the sequence check. */
static void data_queue(struct rxs_softnet_data *sd, struct rxs_sock *sk, struct rxs_sk_buff *skb,
		       const struct rxs_tcp_cb *tcb)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	enum rxs_drop_reason reason;

	if (tcb->seq == tcb->end_seq) {
		rxs_consume_skb(skb);
		return;
	}
	rxs_skb_pull(skb, tcb->doff);
	tp->dsack = false;
	if (tcb->seq == tp->rcv_nxt) {
		if (rxs__tcp_receive_window(tp) == 0) {
			/* A bare FIN into a zero window is taken all the same. */
			if (!tcb->payload && (tcb->flags & TH_FIN))
				goto queue_and_out;
			rxs__mib_inc(sd, RXS_MIB_TcpExtTCPZeroWindowDrop);
			reason = RXS_DROP_TCP_ZEROWINDOW;
			goto out_of_window;
		}
queue_and_out:
		if (try_rmem_schedule(sd, sk, skb)) {
			tp->nomem = tp->ack_now_flag = tp->ack_sched = true;
			if (sk->receive_queue.qlen && tcb->payload) {
				rxs__mib_inc(sd, RXS_MIB_TcpExtTCPRcvQDrop);
				tcp_drop(sk, skb, RXS_DROP_PROTO_MEM);
				return;
			}
			/* sk_forced_mem_schedule(): an empty queue takes it anyway. */
			rxs__tcp_forced_mem_schedule(sk, sd->cpu, sd->now, skb->truesize);
		}
		{
			uint32_t adj = truesize_adjust(skb), truesize = skb->truesize;
			uint16_t gso = skb->gso_size;
			bool fin = tcb->flags & TH_FIN;

			queue_rcv(sk, skb);

			if (tcb->payload)
				event_data_recv(sd, sk, tcb, truesize, adj, gso);
			if (fin)
				tcp_fin(sd, sk);
			if (tp->ofo.qlen) {
				ofo_queue(sd, sk);
				/* A hole filled: ACK at once (RFC 5681 4.2). */
				if (!tp->ofo.qlen)
					tp->ack_now_flag = true;
			}
			if (tp->num_sacks)
				sack_remove(sk);
			fast_path_check(sk, tcb->window);
			rxs__app_data_ready(sk, sd->now);
		}
		return;
	}
	if (!after(tcb->end_seq, tp->rcv_nxt)) {
		/* A retransmission of what we have: ACK at once with a D-SACK, and quickly for a
		 * while. */
		rxs__mib_inc(sd, RXS_MIB_TcpExtDelayedACKLost);
		dsack_set(sd, sk, tcb->seq, tcb->end_seq);
		reason = RXS_DROP_TCP_OLD_DATA;
		goto out_of_window;
	}
	if (!before(tcb->seq, tp->rcv_nxt + rxs__tcp_receive_window(tp))) {
		reason = RXS_DROP_TCP_OVERWINDOW;
		goto out_of_window;
	}
	if (before(tcb->seq, tp->rcv_nxt)) {
		/* Partly old: D-SACK the old part, queue it all. */
		dsack_set(sd, sk, tcb->seq, tp->rcv_nxt);
		if (!rxs__tcp_receive_window(tp)) {
			rxs__mib_inc(sd, RXS_MIB_TcpExtTCPZeroWindowDrop);
			reason = RXS_DROP_TCP_ZEROWINDOW;
			goto out_of_window;
		}
		goto queue_and_out;
	}
	data_queue_ofo(sd, sk, skb, tcb);
	return;
out_of_window:
	enter_quickack_mode(sk, TCP_MAX_QUICKACKS);
	tp->ack_sched = true;
	tcp_drop(sk, skb, reason);
}

bool rxs__tcp_oow_limited(struct rxs_softnet_data *sd, uint32_t *last_j, bool *set,
			  enum rxs_mib mib)
{
	uint32_t now = jiffies_of(sd->host, sd->now);

	if (*set && (int32_t)(now - *last_j) >= 0 &&
	    now - *last_j < (uint32_t)rxs__ns_to_jiffies(sd->host, TCP_INVALID_RATELIMIT_NS)) {
		rxs__mib_inc(sd, mib);
		return true;
	}
	*set = true;
	*last_j = now;
	return false;
}

static bool oow_limited(struct rxs_softnet_data *sd, struct rxs_sock *sk, enum rxs_mib mib)
{
	return rxs__tcp_oow_limited(sd, &sk->tcp.last_oow_j, &sk->tcp.oow_set, mib);
}

bool rxs__tcp_oow_rate_limited(struct rxs_softnet_data *sd, const struct rxs_tcp_cb *tcb,
			       uint32_t *last_j, bool *set, enum rxs_mib mib)
{
	if (tcb->seq != tcb->end_seq && !(tcb->flags & TH_SYN))
		return false;
	return rxs__tcp_oow_limited(sd, last_j, set, mib);
}

static bool oow_rate_limited(struct rxs_softnet_data *sd, struct rxs_sock *sk,
			     const struct rxs_tcp_cb *tcb, enum rxs_mib mib)
{
	return rxs__tcp_oow_rate_limited(sd, tcb, &sk->tcp.last_oow_j, &sk->tcp.oow_set, mib);
}

/* tcp_send_challenge_ack() (RFC 5961): the socket's rate limit (TCPACKSkippedChallenge); the
 * host-wide tcp_challenge_ack_limit is INT_MAX since 6.0. */
static void send_challenge_ack(struct rxs_softnet_data *sd, struct rxs_sock *sk)
{
	if (oow_limited(sd, sk, RXS_MIB_TcpExtTCPACKSkippedChallenge))
		return;
	rxs__mib_inc(sd, RXS_MIB_TcpExtTCPChallengeACK);
	ack_now(sd, sk);
}

/* tcp_send_dupack(): old data is D-SACKed and earns quick ACKs. */
static void send_dupack(struct rxs_softnet_data *sd, struct rxs_sock *sk,
			const struct rxs_tcp_cb *tcb)
{
	struct rxs_tcp_sock *tp = &sk->tcp;

	if (tcb->end_seq != tcb->seq && before(tcb->seq, tp->rcv_nxt)) {
		rxs__mib_inc(sd, RXS_MIB_TcpExtDelayedACKLost);
		enter_quickack_mode(sk, TCP_MAX_QUICKACKS);
		if (tp->sack_ok)
			dsack_set(sd, sk, tcb->seq,
				  after(tcb->end_seq, tp->rcv_nxt) ? tp->rcv_nxt : tcb->end_seq);
	}
	ack_now(sd, sk);
}

/* tcp_sequence(), 6.18: wholly before the last window offered, starting beyond it, or ending
 * beyond it while data waits in the receive queue. */
static enum rxs_drop_reason tcp_sequence(const struct rxs_sock *sk, uint32_t seq,
					 uint32_t end_seq)
{
	const struct rxs_tcp_sock *tp = &sk->tcp;
	uint32_t limit = tp->rcv_nxt + rxs__tcp_receive_window(tp);

	if (before(end_seq, tp->rcv_wup))
		return RXS_DROP_TCP_OLD_SEQUENCE;
	if (after(end_seq, limit)) {
		if (after(seq, limit))
			return RXS_DROP_TCP_INVALID_SEQUENCE;
		if (sk->receive_queue.qlen)
			return RXS_DROP_TCP_INVALID_END_SEQUENCE;
	}
	return RXS_DROP_NOT_DROPPED_YET;
}

/* tcp_may_update_window(): the segment (@seq, acking @ack, offering @nwin) is newer than
 * the one that set the send window, or the same one offering more (or nothing). */
static bool may_update_window(const struct rxs_tcp_sock *tp, uint32_t ack, uint32_t seq,
			      uint32_t nwin)
{
	return after(ack, tp->snd_una) || after(seq, tp->snd_wl1) ||
	       (seq == tp->snd_wl1 && (nwin > tp->snd_wnd || !nwin));
}

/* What tcp_ack() does to the send side of a connection that sends nothing: the window
 * (tcp_ack_update_window(), or the fast path's tcp_update_wl()) and snd_una. An ACK older
 * than snd_una (old_ack) changes neither. */
static void ack_update(struct rxs_tcp_sock *tp, const struct rxs_tcp_cb *tcb)
{
	uint32_t nwin = (uint32_t)tcb->window << tp->snd_wscale;

	if (before(tcb->ack_seq, tp->snd_una))
		return;
	if (may_update_window(tp, tcb->ack_seq, tcb->seq, nwin)) {
		tp->snd_wl1 = tcb->seq;
		tp->snd_wnd = nwin;
	}
	if (after(tcb->ack_seq, tp->snd_una))
		tp->snd_una = tcb->ack_seq;
}

/* The send side once the handshake is done (tcp_rcv_state_process()'s SYN_RECV case,
 * tcp_rcv_synsent_state_process(), or a connection joined mid-way): tcp_init_wl() and the
 * window the segment offers (a SYN-ACK's is never scaled). */
static void snd_init(struct rxs_tcp_sock *tp, const struct rxs_tcp_cb *tcb)
{
	tp->snd_wl1 = tcb->seq;
	tp->snd_wnd = (uint32_t)tcb->window << (tcb->flags & TH_SYN ? 0 : tp->snd_wscale);
}

/* tcp_disordered_ack_check(): why a segment that failed PAWS is dropped, or 0 for the one
 * kind taken anyway: a duplicate pure ACK at rcv_nxt that updates nothing, no older than
 * the replay window (tcp_tsval_replay(): the RTO at 1200 Hz, the fastest TS clock seen). An
 * ACK below rcv_nxt is an old ACK (PAWS_ACK). */
static enum rxs_drop_reason disordered_ack_check(const struct rxs_sock *sk,
						 const struct rxs_tcp_cb *tcb)
{
	const struct rxs_tcp_sock *tp = &sk->tcp;
	uint32_t replay = (uint32_t)((uint64_t)tp->rto_j * 1200 / sk->host->hz);

	if (!(tcb->flags & TH_ACK) || tcb->seq != tcb->end_seq)
		return RXS_DROP_TCP_RFC7323_PAWS;
	if (tcb->seq != tp->rcv_nxt)
		return before(tcb->seq, tp->rcv_nxt) ? RXS_DROP_TCP_RFC7323_PAWS_ACK :
						       RXS_DROP_TCP_RFC7323_PAWS;
	if (tcb->ack_seq != tp->snd_una ||
	    may_update_window(tp, tcb->ack_seq, tcb->seq, (uint32_t)tcb->window << tp->snd_wscale))
		return RXS_DROP_TCP_RFC7323_PAWS;
	if ((int32_t)(tp->ts_recent - tcb->tsval) > (int32_t)replay)
		return RXS_DROP_TCP_RFC7323_PAWS;
	return RXS_DROP_NOT_DROPPED_YET;
}

/* tcp_reset_check(): after a FIN, a RST at rcv_nxt - 1 (the FIN's own sequence, as macOS
 * sends it) is taken as if at rcv_nxt. */
static bool reset_check(const struct rxs_tcp_sock *tp, const struct rxs_tcp_cb *tcb)
{
	return tcb->seq == tp->rcv_nxt - 1 && tp->state == RXS_TCP_CLOSE_WAIT;
}

/* RFC 5961 3.2: a RST resets the connection at rcv_nxt, at rcv_nxt - 1 after a FIN, or at
 * the right edge of the SACK blocks we send; anywhere else in the window it is challenged. */
static bool rst_acceptable(const struct rxs_tcp_sock *tp, const struct rxs_tcp_cb *tcb)
{
	uint32_t max_sack;

	if (tcb->seq == tp->rcv_nxt || reset_check(tp, tcb))
		return true;
	if (!tp->sack_ok || !tp->num_sacks)
		return false;
	max_sack = tp->sacks[0].end;
	for (unsigned int i = 1; i < tp->num_sacks; i++)
		if (after(tp->sacks[i].end, max_sack))
			max_sack = tp->sacks[i].end;
	return tcb->seq == max_sack;
}

/* tcp_reset(): the connection is gone (EstabResets from ESTABLISHED or CLOSE_WAIT). */
static void tcp_reset(struct rxs_softnet_data *sd, struct rxs_sock *sk, struct rxs_sk_buff *skb)
{
	struct rxs_tcp_sock *tp = &sk->tcp;

	if (tp->state == RXS_TCP_ESTABLISHED || tp->state == RXS_TCP_CLOSE_WAIT)
		rxs__mib_inc(sd, RXS_MIB_TcpEstabResets);
	tp->state = RXS_TCP_CLOSE;
	rxs_kfree_skb_reason(skb, RXS_DROP_TCP_RESET);
}

/* tcp_validate_incoming(): PAWS (RFC 7323), the sequence check, then RST and SYN. True when
 * the segment was dealt with. */
static bool validate_incoming(struct rxs_softnet_data *sd, struct rxs_sock *sk,
			      struct rxs_sk_buff *skb, const struct rxs_tcp_cb *tcb)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	enum rxs_drop_reason reason;

	/* A timestamp older than ts_recent: only a RST passes, a SYN is challenged. An old ACK
	 * is common and is neither counted as PAWS nor answered. */
	if (tp->tstamp_ok && tcb->saw_tstamp && !rxs__tcp_paws_check(tp->ts_recent, tcb->tsval, 1) &&
	    (reason = disordered_ack_check(sk, tcb)) && !(tcb->flags & TH_RST)) {
		if (tcb->flags & TH_SYN)
			goto syn_challenge;
		if (reason == RXS_DROP_TCP_RFC7323_PAWS_ACK) {
			rxs__mib_inc(sd, RXS_MIB_TcpExtPAWSOldAck);
		} else {
			rxs__mib_inc(sd, RXS_MIB_TcpExtPAWSEstab);
			if (!oow_rate_limited(sd, sk, tcb, RXS_MIB_TcpExtTCPACKSkippedPAWS))
				send_dupack(sd, sk, tcb);
		}
		tcp_drop(sk, skb, reason);
		return true;
	}
	reason = tcp_sequence(sk, tcb->seq, tcb->end_seq);
	if (reason) {
		if (!(tcb->flags & TH_RST)) {
			if (tcb->flags & TH_SYN)
				goto syn_challenge;
			if (reason != RXS_DROP_TCP_OLD_SEQUENCE)
				rxs__mib_inc(sd, RXS_MIB_TcpExtBeyondWindow);
			if (!oow_rate_limited(sd, sk, tcb, RXS_MIB_TcpExtTCPACKSkippedSeq))
				send_dupack(sd, sk, tcb);
		} else if (reset_check(tp, tcb)) {
			tcp_reset(sd, sk, skb);
			return true;
		}
		tcp_drop(sk, skb, reason);
		return true;
	}
	if (tcb->flags & TH_RST) {
		if (rst_acceptable(tp, tcb)) {
			tcp_reset(sd, sk, skb);
			return true;
		}
		send_challenge_ack(sd, sk);
		tcp_drop(sk, skb, RXS_DROP_TCP_RESET);
		return true;
	}
	if (tcb->flags & TH_SYN) {
syn_challenge:
		/* tcp_rcv_established() validates with syn_inerr; tcp_rcv_state_process() (every
		 * other state) without. */
		if (tp->state == RXS_TCP_ESTABLISHED)
			rxs__mib_inc(sd, RXS_MIB_TcpInErrs);
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPSYNChallenge);
		send_challenge_ack(sd, sk);
		tcp_drop(sk, skb, RXS_DROP_TCP_INVALID_SYN);
		return true;
	}
	return false;
}

/* tcp_rcv_synsent_state_process(): the answer to the host's SYN. A SYN-ACK that acks the
 * ISN completes the connection (tcp_finish_connect) and is ACKed at once; anything else is
 * refused as 6.18 refuses it. Crossed SYNs (a simultaneous open) are not modelled. */
static void synsent_rcv(struct rxs_softnet_data *sd, struct rxs_sock *sk, struct rxs_sk_buff *skb,
			const struct rxs_tcp_cb *tcb)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	enum rxs_drop_reason reason = RXS_DROP_TCP_FLAGS;

	if (tcb->flags & TH_ACK) {
		if (!after(tcb->ack_seq, tp->snd_una) || after(tcb->ack_seq, tp->snd_nxt)) {
			/* reset_and_undo: tcp_v4_do_rcv answers with a RST. */
			rxs__tcp_send_reset(skb, tcb);
			rxs_kfree_skb_reason(skb, RXS_DROP_TCP_INVALID_ACK_SEQUENCE);
			return;
		}
		if (tcb->flags & TH_RST) {
			/* tcp_reset() -> tcp_done(): connection refused; consumed. */
			rxs__mib_inc(sd, RXS_MIB_TcpAttemptFails);
			tp->state = RXS_TCP_CLOSE;
			tp->joining = false;
			rxs_consume_skb(skb);
			return;
		}
		if (!(tcb->flags & TH_SYN))
			goto drop;
		tp->rcv_nxt = tcb->seq + 1;
		tp->snd_una = tcb->ack_seq;
		snd_init(tp, tcb);
		tp->state = RXS_TCP_ESTABLISHED;
		tp->joining = false;
		tp->tstamp_ok = tcb->saw_tstamp;
		if (tcb->saw_tstamp)
			tp->ts_recent = tcb->tsval;
		tp->dev = skb->dev;
		memcpy(tp->peer_mac, rxs_skb_mac_header(skb) + 6, 6);
		established_init(sk, tcb, false);
		RXS_TRACE_STAGE(sd, sd->now, skb, "tcp_rcv_synsent_state_process",
				"%s connected: SYN-ACK acks ISN %u", sk->cfg.name, tp->snd_una - 1);
		/* The segment's data, if any, is not queued (no Fast Open): consumed. */
		ack_now(sd, sk);
		rxs_consume_skb(skb);
		return;
	}
	if (tcb->flags & TH_RST)
		reason = RXS_DROP_TCP_RESET;
drop:
	rxs_kfree_skb_reason(skb, reason);
}

/*
 * The first segment of a connected socket's peer that reaches it, when the traffic did not
 * hold the host's SYN: the connection began before the capture, and its receive sequence
 * is where this segment says (its send sequence where the host's own segments or this
 * ACK say). A SYN-ACK means the SYN was sent but not captured: the ISN is what it acks.
 * False when the segment was dealt with here.
 */
static bool join_rcv(struct rxs_softnet_data *sd, struct rxs_sock *sk, struct rxs_sk_buff *skb,
		     const struct rxs_tcp_cb *tcb)
{
	struct rxs_tcp_sock *tp = &sk->tcp;

	if ((tcb->flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK)) {
		rxs__mib_inc(sd, RXS_MIB_TcpActiveOpens);	/* tcp_connect() sent it */
		tp->state = RXS_TCP_SYN_SENT;
		tp->snd_una = tcb->ack_seq - 1;
		tp->snd_nxt = tcb->ack_seq;
		tp->snd_known = true;
		synsent_rcv(sd, sk, skb, tcb);
		return false;
	}
	tp->joining = false;
	tp->rcv_nxt = tcb->seq;
	if (!tp->snd_known && (tcb->flags & TH_ACK))
		tp->snd_nxt = tcb->ack_seq;
	tp->snd_una = tcb->flags & TH_ACK ? tcb->ack_seq : tp->snd_nxt;
	snd_init(tp, tcb);
	tp->snd_known = true;
	tp->tstamp_ok = tcb->saw_tstamp;
	tp->dev = skb->dev;
	memcpy(tp->peer_mac, rxs_skb_mac_header(skb) + 6, 6);
	established_init(sk, tcb, false);
	RXS_TRACE_STAGE(sd, sd->now, skb, "tcp_rcv_established",
			"%s joins its connection mid-way: rcv_nxt %u from this segment",
			sk->cfg.name, tp->rcv_nxt);
	return true;
}


/* TCP_SKB_CB() for a segment about to be queued: its range, its FIN, whether its payload sits
 * in page frags; its tailroom is worked out if it ever takes a copy (head_tailroom()). */
static void set_skb_cb(struct rxs_sk_buff *skb, const struct rxs_tcp_cb *tcb)
{
	struct rxs_tcp_skb_cb *c = TCP_SKB_CB(skb);
	const struct rxs_netdev *dev = skb->dev;
	bool frags = dev && dev->cfg.driver == RXS_DRIVER_VETH && !dev->cfg.raw_sender &&
		     tcb->payload;

	c->seq = tcb->seq;
	c->end_seq = tcb->end_seq;
	c->flags = (uint8_t)((tcb->flags & TH_FIN) | (frags ? RXS_TCB_FRAGS : 0));
	c->nr_frags = frags;
	c->tailroom = UINT16_MAX;
}

/* The header-prediction fast path's test (pred_flags and what tcp_rcv_established() checks
 * beside it): in order, only ACK (and PSH), the header length and window field expected,
 * nothing acked that was not sent, and (6.17) the end inside the window. */
static bool predicted(const struct rxs_sock *sk, const struct rxs_tcp_cb *tcb)
{
	const struct rxs_tcp_sock *tp = &sk->tcp;

	return tp->hp && (tcb->flags & ~TH_PSH) == TH_ACK && tcb->doff == tp->tcp_header_len &&
	       tcb->window == tp->hp_window && tcb->seq == tp->rcv_nxt &&
	       !after(tcb->ack_seq, tp->snd_nxt) &&
	       (!tp->tstamp_ok || (tcb->saw_tstamp && (int32_t)(tcb->tsval - tp->ts_recent) >= 0));
}

/* The fast path: true when it took the segment. A pure ACK is counted as tcp_ack() counts it;
 * data only when its truesize fits what is reserved already (sk_forward_alloc): else the slow
 * path, which reserves pages. */
static bool fast_path(struct rxs_softnet_data *sd, struct rxs_sock *sk, struct rxs_sk_buff *skb,
		      const struct rxs_tcp_cb *tcb)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	uint32_t truesize, adj;
	uint16_t gso;

	/* Data the reserve does not cover goes to the slow path whatever else holds: asked
	 * first, as a reader that keeps up leaves no reserve (sk_mem_reclaim) for the next. */
	if (tcb->payload && (int64_t)skb->truesize > tp->forward_alloc)
		return false;
	if (!predicted(sk, tcb))
		return false;
	/* tcp_update_wl(): the window is the one predicted, so only snd_wl1 moves. */
	if (likely(tcb->ack_seq == tp->snd_una))
		tp->snd_wl1 = tcb->seq;
	else
		ack_update(tp, tcb);
	if (!tcb->payload) {
		if (tp->tstamp_ok && tp->rcv_nxt == tp->rcv_wup)
			tp->ts_recent = tcb->tsval;
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPPureAcks);
		rxs_consume_skb(skb);
		return true;
	}
	if (after(tcb->end_seq, tp->rcv_nxt + rxs__tcp_receive_window(tp)))
		return false;
	if (tp->tstamp_ok && tp->rcv_nxt == tp->rcv_wup)
		tp->ts_recent = tcb->tsval;
	if (tp->tstamp_ok)
		rxs__tcp_rcv_rtt_measure_ts(tp, tcb->seq, tcb->end_seq, tcb->tsecr);
	rxs__mib_inc(sd, RXS_MIB_TcpExtTCPHPHits);
	rxs_skb_pull(skb, tcb->doff);
	truesize = skb->truesize;
	gso = skb->gso_size;
	adj = truesize_adjust(skb);
	queue_rcv(sk, skb);
	event_data_recv(sd, sk, tcb, truesize, adj, gso);
	ack_snd_check(sd, sk, false);
	rxs__app_data_ready(sk, sd->now);
	return true;
}

static void rcv_established(struct rxs_softnet_data *sd, struct rxs_sock *sk,
			    struct rxs_sk_buff *skb, const struct rxs_tcp_cb *tcb)
{
	struct rxs_tcp_sock *tp = &sk->tcp;

	RXS_TRACE_STAGE(sd, sd->now, skb, "tcp_rcv_established",
			"connection of %s: seq %u, rcv_nxt %u, %u bytes, window %u", sk->cfg.name,
			tcb->seq, tp->rcv_nxt, tcb->payload, rxs__tcp_receive_window(tp));
	/* A connected socket in SYN_SENT or joining: one test on the path of every segment. */
	if (unlikely(tp->joining)) {
		if (tp->state == RXS_TCP_SYN_SENT) {
			synsent_rcv(sd, sk, skb, tcb);
			return;
		}
		if (!join_rcv(sd, sk, skb, tcb))
			return;
	}
	if (tp->state == RXS_TCP_CLOSE) {
		rxs__tcp_send_reset(skb, tcb);
		rxs_kfree_skb_reason(skb, RXS_DROP_TCP_CLOSE);
		return;
	}
	set_skb_cb(skb, tcb);
	if (tp->state == RXS_TCP_ESTABLISHED && fast_path(sd, sk, skb, tcb))
		return;
	if (!(tcb->flags & (TH_ACK | TH_RST | TH_SYN))) {
		tcp_drop(sk, skb, RXS_DROP_TCP_FLAGS);
		return;
	}
	if (validate_incoming(sd, sk, skb, tcb))
		return;
	if (tp->state == RXS_TCP_SYN_RECV) {
		/* The handshake's ACK: ESTABLISHED, timestamps agreed when it carries one, the
		 * buffer space set up (tcp_init_transfer). */
		tp->state = RXS_TCP_ESTABLISHED;
		tp->tstamp_ok = tcb->saw_tstamp;
		established_init(sk, tcb, true);
		if (tp->tstamp_ok && !after(tcb->seq, tp->rcv_wup))
			tp->ts_recent = tcb->tsval;
		tp->snd_una = tcb->ack_seq;
		snd_init(tp, tcb);
	} else {
		/* tcp_ack()'s tcp_replace_ts_recent(): the TSval to echo, from what is not beyond
		 * the window edge and not older (an old ACK gets no further); then step 5's
		 * tcp_rcv_rtt_measure_ts(). (tcp_rcv_state_process() measures nothing on the
		 * handshake's ACK.) */
		if (tp->tstamp_ok && tcb->saw_tstamp) {
			if (!after(tcb->seq, tp->rcv_wup) && !before(tcb->ack_seq, tp->snd_una) &&
			    rxs__tcp_paws_check(tp->ts_recent, tcb->tsval, 0))
				tp->ts_recent = tcb->tsval;
			rxs__tcp_rcv_rtt_measure_ts(tp, tcb->seq, tcb->end_seq, tcb->tsecr);
		}
		ack_update(tp, tcb);
	}
	if (tcb->end_seq == tcb->seq) {
		/* tcp_ack() slow path: an ACK with nothing else in it. */
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPPureAcks);
		rxs_consume_skb(skb);
	} else {
		data_queue(sd, sk, skb, tcb);
	}
	if (tp->ack_sched)
		ack_snd_check(sd, sk, true);
}

void rxs__tcp_rcv_established(struct rxs_sock *sk, struct rxs_sk_buff *skb,
			      const struct rxs_tcp_cb *tcb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_tcp_sock *tp = &sk->tcp;

	tp->mstamp = sd->now / 1000;	/* tcp_mstamp_refresh() */
	tp->in_rcv = true;
	rcv_established(sd, sk, skb, tcb);
	tp->in_rcv = false;
	if (unlikely(tp->read_pending))
		rxs__app_read_woken(sk, sd->now);
	/* A reader woken by this segment: its tcp_cleanup_rbuf() after the softirq's own ACK. */
	if (unlikely(tp->rbuf_pending)) {
		tp->rbuf_pending = false;
		rxs__tcp_cleanup_rbuf(sd, sk, tp->rbuf_copied, sd->now);
	}
}
