/* tcp_input.c - segments for a connection: tcp_rcv_state_process / tcp_rcv_established and
 * tcp_data_queue, simplified to what a receiving host shows in its counters.
 *
 * Modelled: the final handshake ACK (SYN_RECV -> ESTABLISHED, TCPPureAcks), RST and SYN
 * checks, in-order data charged in truesize against sk_rcvbuf with the prune sequence
 * (PruneCalled, OfoPruned, RcvPruned, TCPRcvQDrop), the out-of-order queue (TCPOFOQueue,
 * TCPOFODrop, TCPOFOMerge), FIN, and the delayed-ACK engine: quick ACKs for the first data
 * of a connection, then an ACK for every second segment or after the delayed-ACK timer
 * (40 ms, DelayedACKs), and interactive (pingpong) mode once the peer's FIN is in; for a
 * connected socket (connect:), the answer to its SYN in SYN_SENT, or joining a connection
 * the capture began in the middle of. Not modelled: receive-window autotuning (sk_rcvbuf stays at
 * tcp_rmem[1] or SO_RCVBUF), coalescing segments into one skb (TCPRcvCoalesce), collapsing
 * the queue under pressure, PAWS, and the sending side (this host acknowledges, it does not
 * send data).
 */
#include <string.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"
#include "proto/tcp_int.h"
#include "socket/socket.h"

static void ack_now(struct rxs_softnet_data *sd, struct rxs_sock *sk)
{
	rxs__tcp_send_ack(sd, sk);
}

/* Quick ACKs a connection starts with, or gets back after a long silence (TCP_MAX_QUICKACKS). */
#define TCP_MAX_QUICKACKS 16
/* The receive window tcp_incr_quickack() divides: the 65160 bytes of our SYN-ACK (rxsim does
 * not grow the window). */
#define TCP_RCV_WND 65160u
/* icsk_rto once the handshake gave an RTT sample on a fast link: TCP_RTO_MIN. */
#define TCP_RTO_MIN_NS 200000000ull

/* tcp_incr_quickack(): at least rcv_wnd / (2 * rcv_mss) quick ACKs, 2 at least, 16 at most. */
static void incr_quickack(struct rxs_tcp_sock *tp)
{
	unsigned int quickacks = TCP_RCV_WND / (2u * tp->rcv_mss);

	quickacks = RXS_MIN(quickacks ? quickacks : 2u, (unsigned int)TCP_MAX_QUICKACKS);
	if (quickacks > tp->quick)
		tp->quick = (uint8_t)quickacks;
}

/* tcp_enter_quickack_mode(): ACK at once from now on, for a while. */
static void enter_quickack_mode(struct rxs_tcp_sock *tp)
{
	incr_quickack(tp);
	tp->pingpong = false;
}

/* tp->advmss: the MSS of our SYN-ACK, less the timestamp option when there is one. */
static uint16_t advmss(const struct rxs_sock *sk)
{
	unsigned int mtu = sk->tcp.dev ? sk->tcp.dev->cfg.mtu : 1500;

	return (uint16_t)(mtu - 40 - (sk->tcp.tstamp_ok ? 12 : 0));
}

/* tcp_event_data_recv(): a segment with data schedules an ACK, teaches rcv_mss
 * (tcp_measure_rcv_mss) and feeds the delayed-ACK engine: the connection's first data, or
 * data after a silence longer than the RTO, earns quick ACKs. */
static void event_data_recv(struct rxs_tcp_sock *tp, uint32_t len, uint16_t advmss, uint64_t now)
{
	tp->ack_sched = true;
	if (len >= tp->rcv_mss)
		tp->rcv_mss = (uint16_t)RXS_MIN(len, (uint32_t)advmss);
	if (!tp->ato_set) {
		incr_quickack(tp);
		tp->ato_set = true;
	} else if (now - tp->lrcvtime > TCP_RTO_MIN_NS) {
		incr_quickack(tp);
	}
	tp->lrcvtime = now;
}

/* __tcp_ack_snd_check(): at once in quickack mode (quick ACKs left, not interactive) or when
 * two segments wait for it, else the delayed ACK. */
static void delack_timer(void *obj, uint64_t t);

static void ack_snd_check(struct rxs_softnet_data *sd, struct rxs_sock *sk)
{
	struct rxs_tcp_sock *tp = &sk->tcp;

	if (++tp->unacked_segs >= 2 || (tp->quick && !tp->pingpong)) {
		ack_now(sd, sk);
		return;
	}
	if (!tp->delack_armed) {
		tp->delack_armed = true;
		sk->host->engine->timer_add(sk->host, sd->now + TCP_DELACK_MIN_NS, delack_timer,
					    sk, 0);
	}
}

/* tcp_delack_timer_handler(): the ACK that waited goes now; an interactive connection whose
 * delayed ACK was missed leaves interactive mode. */
static void delack_timer(void *obj, uint64_t t)
{
	struct rxs_sock *sk = obj;
	struct rxs_softnet_data *sd = &sk->host->cpus[0];

	sk->tcp.delack_armed = false;
	if (!sk->tcp.ack_sched || sk->tcp.state == RXS_TCP_CLOSE)
		return;
	if (sd->now < t)
		sd->now = t;
	sk->tcp.pingpong = false;
	ack_now(sd, sk);
	rxs__mib_inc(sd, RXS_MIB_TcpExtDelayedACKs);
}

/* tcp_prune_ofo_queue(): drop out-of-order data from the far end until we fit. */
static bool prune_ofo(struct rxs_softnet_data *sd, struct rxs_sock *sk)
{
	struct rxs_skb_queue *q = &sk->tcp.ofo;
	bool pruned = false;

	while (q->qlen && sk->rmem_alloc > sk->rcvbuf) {
		struct rxs_sk_buff *last = q->head, *prev = NULL;

		while (last->next) {
			prev = last;
			last = last->next;
		}
		if (prev)
			prev->next = NULL;
		else
			q->head = NULL;
		q->tail = prev;
		q->qlen--;
		sk->rmem_alloc -= last->truesize;
		rxs_kfree_skb_reason(last, RXS_DROP_TCP_OFO_QUEUE_PRUNE);
		pruned = true;
	}
	if (pruned)
		rxs__mib_inc(sd, RXS_MIB_TcpExtOfoPruned);
	return pruned;
}

/* tcp_try_rmem_schedule(): room for @skb, pruning if over sk_rcvbuf. false: no room. */
static bool rmem_schedule(struct rxs_softnet_data *sd, struct rxs_sock *sk)
{
	/* The test is before adding: the queue may pass sk_rcvbuf by one skb. */
	if (sk->rmem_alloc <= sk->rcvbuf)
		return true;
	rxs__mib_inc(sd, RXS_MIB_TcpExtPruneCalled);
	prune_ofo(sd, sk);
	if (sk->rmem_alloc <= sk->rcvbuf)
		return true;
	rxs__mib_inc(sd, RXS_MIB_TcpExtRcvPruned);
	return false;
}

/* An out-of-order segment's sequence range, kept in skb->cb after the IP layer's block
 * (the part of TCP_SKB_CB() the ofo queue needs). */
struct rxs_tcp_skb_cb {
	struct rxs_inet_cb header;
	uint32_t seq, end_seq;
};

#define TCP_SKB_CB(skb) ((struct rxs_tcp_skb_cb *)(void *)(skb)->cb)
_Static_assert(sizeof(struct rxs_tcp_skb_cb) <= sizeof(((struct rxs_sk_buff *)0)->cb),
	       "tcp cb fits skb->cb");

static uint32_t cb_seq(const struct rxs_sk_buff *skb)
{
	return TCP_SKB_CB(skb)->seq;
}

static uint32_t cb_end(const struct rxs_sk_buff *skb)
{
	return TCP_SKB_CB(skb)->end_seq;
}

/* tcp_ofo_queue(): move what became in order to the receive queue. */
static void ofo_drain(struct rxs_sock *sk)
{
	struct rxs_sk_buff *skb;

	while ((skb = sk->tcp.ofo.head) && !after(cb_seq(skb), sk->tcp.rcv_nxt)) {
		rxs__skb_dequeue(&sk->tcp.ofo);
		if (!after(cb_end(skb), sk->tcp.rcv_nxt)) {
			sk->rmem_alloc -= skb->truesize;
			rxs_kfree_skb_reason(skb, RXS_DROP_TCP_OFO_DROP);
			continue;
		}
		sk->tcp.rcv_nxt = cb_end(skb);
		rxs__skb_queue_tail(&sk->receive_queue, skb);
	}
}

/* tcp_data_queue_ofo(): keep a segment that came early, in sequence order. */
static void data_queue_ofo(struct rxs_softnet_data *sd, struct rxs_sock *sk,
			   struct rxs_sk_buff *skb)
{
	struct rxs_sk_buff **pp = &sk->tcp.ofo.head, *prev = NULL;

	if (!rmem_schedule(sd, sk)) {
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPOFODrop);
		rxs_kfree_skb_reason(skb, RXS_DROP_PROTO_MEM);
		return;
	}
	rxs__mib_inc(sd, RXS_MIB_TcpExtTCPOFOQueue);
	while (*pp && before(cb_seq(*pp), cb_seq(skb))) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	/* All its bytes already held: the kernel merges, i.e. drops the new one. */
	if ((prev && !after(cb_end(skb), cb_end(prev))) ||
	    (*pp && cb_seq(*pp) == cb_seq(skb) && !after(cb_end(skb), cb_end(*pp)))) {
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPOFOMerge);
		rxs_kfree_skb_reason(skb, RXS_DROP_TCP_OFOMERGE);
		return;
	}
	skb->next = *pp;
	*pp = skb;
	if (!skb->next)
		sk->tcp.ofo.tail = skb;
	sk->tcp.ofo.qlen++;
	sk->rmem_alloc += skb->truesize;
}

/* tcp_data_queue(): a segment with payload or FIN. */
static void data_queue(struct rxs_softnet_data *sd, struct rxs_sock *sk, struct rxs_sk_buff *skb,
		       const struct rxs_tcp_cb *tcb)
{
	struct rxs_tcp_sock *tp = &sk->tcp;

	if (!after(tcb->end_seq, tp->rcv_nxt)) {
		/* A retransmission of what we have: ACK at once (the first was lost), and
		 * quickly for a while (tcp_enter_quickack_mode). */
		rxs__mib_inc(sd, RXS_MIB_TcpExtDelayedACKLost);
		enter_quickack_mode(tp);
		tp->ack_sched = true;
		ack_now(sd, sk);
		rxs_kfree_skb_reason(skb, RXS_DROP_TCP_OLD_DATA);
		return;
	}
	if (!before(tcb->seq, tp->rcv_nxt + (uint32_t)RXS_MAX(sk->rcvbuf, 65535))) {
		ack_now(sd, sk);
		rxs_kfree_skb_reason(skb, RXS_DROP_TCP_OVERWINDOW);
		return;
	}
	TCP_SKB_CB(skb)->seq = tcb->seq;
	TCP_SKB_CB(skb)->end_seq = tcb->end_seq;
	rxs_skb_pull(skb, tcb->doff);
	if (after(tcb->seq, tp->rcv_nxt)) {
		data_queue_ofo(sd, sk, skb);
		tp->ack_sched = true;
		ack_now(sd, sk);	/* a duplicate ACK tells the sender what is missing */
		return;
	}
	if (!rmem_schedule(sd, sk)) {
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPRcvQDrop);
		ack_now(sd, sk);
		rxs_kfree_skb_reason(skb, RXS_DROP_PROTO_MEM);
		return;
	}
	if (tp->state == RXS_TCP_ESTABLISHED && !tp->ofo.qlen &&
	    !(tcb->flags & ~(TH_ACK | TH_PSH)))
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPHPHits);
	tp->rcv_nxt = tcb->end_seq;
	if (tcb->payload)
		event_data_recv(tp, tcb->payload, advmss(sk), sd->now);
	if (tcb->flags & TH_FIN) {
		/* tcp_fin(): ESTABLISHED -> CLOSE_WAIT, and interactive from now on: its ACK
		 * waits for the delayed-ACK timer unless something else sends it. */
		tp->ack_sched = true;
		if (tp->state == RXS_TCP_ESTABLISHED)
			tp->pingpong = true;
		tp->state = RXS_TCP_CLOSE_WAIT;
	}
	sk->rmem_alloc += skb->truesize;
	rxs__skb_queue_tail(&sk->receive_queue, skb);
	if (tp->ofo.qlen) {
		/* A hole filled: ACK at once (ICSK_ACK_NOW). */
		ofo_drain(sk);
		ack_now(sd, sk);
	} else {
		ack_snd_check(sd, sk);
	}
	rxs__app_data_ready(sk, sd->now);
}

/* tcp_validate_incoming() for RST and SYN: true when the segment was dealt with. */
static bool validate_incoming(struct rxs_softnet_data *sd, struct rxs_sock *sk,
			      struct rxs_sk_buff *skb, const struct rxs_tcp_cb *tcb)
{
	struct rxs_tcp_sock *tp = &sk->tcp;

	if (tcb->flags & TH_RST) {
		if (tcb->seq == tp->rcv_nxt) {
			/* tcp_reset(): the connection is gone. */
			if (tp->state == RXS_TCP_ESTABLISHED || tp->state == RXS_TCP_CLOSE_WAIT)
				rxs__mib_inc(sd, RXS_MIB_TcpEstabResets);
			tp->state = RXS_TCP_CLOSE;
		} else if (!before(tcb->seq, tp->rcv_nxt) &&
			   before(tcb->seq, tp->rcv_nxt + (uint32_t)RXS_MAX(sk->rcvbuf, 65535))) {
			rxs__mib_inc(sd, RXS_MIB_TcpExtTCPChallengeACK);	/* RFC 5961 */
			ack_now(sd, sk);
		}
		rxs_kfree_skb_reason(skb, RXS_DROP_TCP_RESET);
		return true;
	}
	if (tcb->flags & TH_SYN) {
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPChallengeACK);
		ack_now(sd, sk);
		rxs_kfree_skb_reason(skb, RXS_DROP_TCP_INVALID_SYN);
		return true;
	}
	if (!(tcb->flags & TH_ACK)) {
		rxs_kfree_skb_reason(skb, RXS_DROP_TCP_FLAGS);
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
		tp->state = RXS_TCP_ESTABLISHED;
		tp->joining = false;
		tp->tstamp_ok = tcb->saw_tstamp;
		if (tcb->saw_tstamp)
			tp->ts_recent = tcb->tsval;
		tp->dev = skb->dev;
		memcpy(tp->peer_mac, rxs_skb_mac_header(skb) + 6, 6);
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
	tp->snd_known = true;
	tp->tstamp_ok = tcb->saw_tstamp;
	tp->dev = skb->dev;
	memcpy(tp->peer_mac, rxs_skb_mac_header(skb) + 6, 6);
	RXS_TRACE_STAGE(sd, sd->now, skb, "tcp_rcv_established",
			"%s joins its connection mid-way: rcv_nxt %u from this segment",
			sk->cfg.name, tp->rcv_nxt);
	return true;
}

void rxs__tcp_rcv_established(struct rxs_sock *sk, struct rxs_sk_buff *skb,
			      const struct rxs_tcp_cb *tcb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_tcp_sock *tp = &sk->tcp;

	RXS_TRACE_STAGE(sd, sd->now, skb, "tcp_rcv_established",
			"connection of %s: seq %u, rcv_nxt %u, %u bytes", sk->cfg.name, tcb->seq,
			tp->rcv_nxt, tcb->payload);
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
	if (validate_incoming(sd, sk, skb, tcb))
		return;
	if (tp->state == RXS_TCP_SYN_RECV) {
		tp->state = RXS_TCP_ESTABLISHED;	/* the handshake's ACK */
		/* Timestamps were agreed when the ACK of our SYN-ACK carries one. */
		tp->tstamp_ok = tcb->saw_tstamp;
	}
	/* tcp_store_ts_recent(): the TSval to echo, from what arrives in order. */
	if (tp->tstamp_ok && tcb->saw_tstamp && !after(tcb->seq, tp->rcv_nxt))
		tp->ts_recent = tcb->tsval;
	if (tcb->end_seq == tcb->seq) {
		/* tcp_ack() slow path: an ACK with nothing else in it. */
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPPureAcks);
		rxs_consume_skb(skb);
		return;
	}
	data_queue(sd, sk, skb, tcb);
}
