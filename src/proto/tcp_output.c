/* tcp_output.c - what the host sends back: SYN-ACKs, ACKs and RSTs.
 *
 * The segment is built as the kernel would put it on the wire (TCP with options and
 * checksums, the TCP one summed by the output path), counted where tcp_transmit_skb counts
 * it (TcpOutSegs, TcpOutRsts), and handed to the IP output path (ip_output.c: OUTPUT and
 * POSTROUTING hooks, IpOutRequests, --tx). Only if anyone will see it: else (no output
 * rules, taps, --tx) it is only counted.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"
#include "proto/tcp_int.h"
#include "socket/socket.h"

/* One outgoing segment: who to, and what. */
struct tx_seg {
	const struct rxs_tcp_tuple *t;	/* the peer's view: saddr is the peer */
	const uint8_t *peer_mac;
	struct rxs_netdev *dev;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t window;
	const struct rxs_tcp_opts *opts;	/* SYN-ACK options, or NULL */
	uint8_t wscale;				/* the SYN-ACK's window scale */
	uint32_t tsval, tsecr;
	bool ts;
	const uint32_t *sack;			/* ACK: SACK blocks (start, end pairs), D-SACK first */
	unsigned int nsack;
	bool send_skb;				/* ip_send_unicast_reply()'s: RSTs, reqsk ACKs */
	bool noroute;				/* no route back: counted as TCP's, not sent */
};

/* TCP options of a SYN-ACK, as tcp_synack_options() orders them. Returns their length. */
static unsigned int put_options(uint8_t *p, const struct tx_seg *s)
{
	unsigned int n = 0;

	if (s->opts) {
		p[n++] = 2, p[n++] = 4;
		rxs__put_be16(p + n, s->opts->mss);
		n += 2;
		if (s->opts->sack_ok && s->ts) {
			p[n++] = 4, p[n++] = 2;		/* SACK permitted, then timestamps */
		} else if (s->opts->sack_ok) {
			p[n++] = 1, p[n++] = 1, p[n++] = 4, p[n++] = 2;
		}
	}
	if (s->ts) {
		if (!s->opts || !s->opts->sack_ok)
			p[n++] = 1, p[n++] = 1;
		p[n++] = 8, p[n++] = 10;
		rxs__put_be32(p + n, s->tsval);
		rxs__put_be32(p + n + 4, s->tsecr);
		n += 8;
	}
	if (s->opts && s->opts->wscale_ok) {
		p[n++] = 1, p[n++] = 3, p[n++] = 3, p[n++] = s->wscale;	/* NOP, wscale */
	}
	if (s->nsack) {
		/* tcp_options_write(): NOP, NOP, SACK, the blocks. */
		p[n++] = 1, p[n++] = 1, p[n++] = 5, p[n++] = (uint8_t)(2 + 8 * s->nsack);
		for (unsigned int i = 0; i < 2 * s->nsack; i++, n += 4)
			rxs__put_be32(p + n, s->sack[i]);
	}
	return n;
}

/* The length of the options put_options() writes, as tcp_synack_options() and
 * tcp_established_options() reckon it before anything is written: MSS 4, timestamps 12
 * (with SACK permitted or two NOPs), SACK permitted alone 4, window scale 4, SACK blocks 4
 * and 8 each. */
static unsigned int options_len(const struct tx_seg *s)
{
	unsigned int n = s->ts ? 12 : 0;

	if (s->opts)
		n += 4 + (s->opts->sack_ok && !s->ts ? 4 : 0) + (s->opts->wscale_ok ? 4 : 0);
	if (s->nsack)
		n += 4 + 8 * s->nsack;
	return n;
}

/* The segment @s to the IP output path, its header written; apart from tx_segment(), whose
 * segments nobody sees keep to a small frame. */
static RXS_NOINLINE void tx_build(struct rxs_softnet_data *sd, const struct rxs_out *o,
				  const struct tx_seg *s)
{
	uint8_t th[60];
	unsigned int tcplen = 20 + put_options(th + 20, s);

	assert(tcplen == 20 + options_len(s));
	rxs__put_be16(th, s->t->dport);
	rxs__put_be16(th + 2, s->t->sport);
	rxs__put_be32(th + 4, s->seq);
	rxs__put_be32(th + 8, s->ack);
	th[12] = (uint8_t)((tcplen / 4) << 4);
	th[13] = s->flags;
	rxs__put_be16(th + 14, s->window);
	rxs__put_be32(th + 16, 0);
	rxs__ip_output(sd, o, th, tcplen);
}

static void tx_segment(struct rxs_softnet_data *sd, struct rxs_host *h, const struct tx_seg *s)
{
	struct rxs_out o = {
		.family = s->t->family, .saddr = s->t->daddr, .daddr = s->t->saddr,
		.proto = IPPROTO_TCP, .peer_mac = s->peer_mac, .dev = s->dev,
		.csum_at = 16,	/* summed by the output path when someone will see it */
		.send_skb = s->send_skb,
	};

	rxs__mib_inc(sd, RXS_MIB_TcpOutSegs);	/* tcp_transmit_skb: before IP and netfilter */
	if (s->noroute)
		return;
	/* A segment nobody sees is only counted: its header is never written (a SYN flood
	 * answers every SYN). */
	if (!rxs__ip_out_seen(h)) {
		rxs__ip_output_unseen(sd, &o, 20 + options_len(s));
		return;
	}
	tx_build(sd, &o, s);
}

/* The timestamp clock a Linux host puts in TSval: milliseconds (tcp_clock_ms). */
static uint32_t ts_now(const struct rxs_softnet_data *sd)
{
	return (uint32_t)(sd->now / 1000000ull);
}

void rxs__tcp_send_synack(struct rxs_softnet_data *sd, struct rxs_host *h,
			  const struct rxs_reqsk *req, bool retrans)
{
	struct rxs_tcp_opts o = req->opts;
	struct tx_seg s = {
		.t = &req->node.t, .dev = req->dev, .flags = TH_SYN | TH_ACK, .opts = &o,
		.ts = req->opts.saw_tstamp,
	};

	if (retrans) {
		rxs__mib_inc(sd, RXS_MIB_TcpRetransSegs);
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPSynRetrans);
	}
	/* The numbers only a written SYN-ACK carries: tx_segment() counts one nobody sees
	 * from its options alone. */
	if (rxs__ip_out_seen(h)) {
		s.peer_mac = req->peer_mac;
		s.seq = req->snt_isn;
		s.ack = req->rcv_isn + 1;
		/* The window of a SYN-ACK is never scaled (RFC 7323). */
		s.window = (uint16_t)RXS_MIN(req->rcv_wnd, 65535u);
		s.wscale = req->rcv_wscale;
		s.tsval = ts_now(sd) + req->ts_off;
		s.tsecr = req->ts_recent;
		/* Our MSS: the device MTU less the IP and TCP headers. */
		o.mss = (uint16_t)(req->dev->cfg.mtu - (req->node.t.family == AF_INET6 ? 60 : 40));
	}
	tx_segment(sd, h, &s);
}

/* The SACK blocks an ACK carries (tcp_established_options()): the D-SACK first, then the
 * out-of-order blocks, as many as the option space holds (3 beside timestamps, else 4). */
static unsigned int sack_blocks(const struct rxs_tcp_sock *tp, uint32_t *b)
{
	unsigned int n = 0, max = tp->tstamp_ok ? 3 : 4;

	if (!tp->sack_ok)
		return 0;
	if (tp->dsack) {
		b[0] = tp->dup_sack.start, b[1] = tp->dup_sack.end;
		n = 1;
	}
	for (unsigned int i = 0; i < tp->num_sacks && n < max; i++, n++)
		b[2 * n] = tp->sacks[i].start, b[2 * n + 1] = tp->sacks[i].end;
	return n;
}

void rxs__tcp_send_ack(struct rxs_softnet_data *sd, struct rxs_sock *sk)
{
	rxs__tcp_send_ack_win(sd, sk, -1);
}

void rxs__tcp_send_ack_win(struct rxs_softnet_data *sd, struct rxs_sock *sk, int64_t raw)
{
	struct rxs_tcp_sock *tp = &sk->tcp;
	uint32_t blocks[8];
	struct tx_seg s = {
		.t = &tp->node.t, .peer_mac = tp->peer_mac, .dev = tp->dev,
		.seq = tp->snd_nxt, .ack = tp->rcv_nxt, .flags = TH_ACK,
		.ts = tp->tstamp_ok, .tsval = ts_now(sd) + tp->ts_off, .tsecr = tp->ts_recent,
		.sack = blocks,
	};

	s.window = rxs__tcp_select_window(sd, sk, raw);
	s.nsack = sack_blocks(tp, blocks);
	tp->dsack = false;
	/* tcp_event_ack_sent() -> tcp_dec_quickack_mode(): an ACK sent while one was scheduled
	 * uses up a quick ACK; then inet_csk_clear_xmit_timer(ICSK_TIME_DACK) clears what was
	 * pending (the timer, ICSK_ACK_PUSHED, ICSK_ACK_NOW, ICSK_ACK_NOMEM). */
	if (tp->quick && tp->ack_sched) {
		if (--tp->quick == 0)
			tp->ato_j = (uint32_t)rxs__ns_to_jiffies(sk->host, TCP_DELACK_MIN_NS);
	}
	tp->ack_sched = tp->delack_armed = tp->pushed = tp->pushed2 = tp->ack_now_flag = false;
	tp->nomem = false;
	tx_segment(sd, sk->host, &s);
}

/* The ACK a request sock sends to an out-of-window segment (tcp_v4_reqsk_send_ack). */
void rxs__tcp_send_req_ack(struct rxs_sk_buff *skb, const struct rxs_reqsk *req)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct tx_seg s = {
		.t = &req->node.t, .peer_mac = req->peer_mac, .dev = req->dev,
		.seq = req->snt_isn + 1, .ack = req->rcv_isn + 1, .flags = TH_ACK, .window = 65160,
		/* tcp_v4_send_ack(): a timestamp when there is one to echo */
		.ts = req->ts_recent != 0, .tsval = ts_now(sd) + req->ts_off, .tsecr = req->ts_recent,
		.send_skb = true,
	};

	tx_segment(sd, sd->host, &s);
}

/* tcp_v4_send_reset(): never in answer to a RST; takes its numbers from the segment. Without
 * a route back ip_send_unicast_reply() sends nothing, but IPv4 counts the RST all the same;
 * tcp_v6_send_response() counts only what it sends. */
void rxs__tcp_send_reset(struct rxs_sk_buff *skb, const struct rxs_tcp_cb *tcb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_tcp_tuple t;
	struct tx_seg s = { .t = &t, .peer_mac = rxs_skb_mac_header(skb) + 6,
			    .dev = skb->dev, .window = 0, .send_skb = true };

	if (tcb->flags & TH_RST)
		return;
	rxs__tcp_tuple_of(skb, &t);
	if (tcb->flags & TH_ACK) {
		s.seq = tcb->ack_seq;
		s.flags = TH_RST;
	} else {
		s.ack = tcb->end_seq;
		s.flags = TH_RST | TH_ACK;
	}
	if (unlikely(!rxs__route_back(skb))) {
		if (t.family != AF_INET)
			return;
		s.noroute = true;
	}
	rxs__mib_inc(sd, RXS_MIB_TcpOutRsts);
	tx_segment(sd, sd->host, &s);
}
