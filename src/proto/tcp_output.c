/* tcp_output.c - what the host sends back: SYN-ACKs, ACKs and RSTs.
 *
 * A minimal transmit path: the segment is built as the kernel would put it on the wire
 * (Ethernet, IPv4 or IPv6, TCP with options and checksums), counted where the kernel counts
 * it (TcpOutSegs, TcpOutRsts, IpOutRequests / Ip6OutRequests), and, when the user asked for
 * it, written to a pcap stamped with the CPU's virtual clock.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "proto/tcp_int.h"

struct rxs_tx {
	pcap_t *dead;
	pcap_dumper_t *dumper;
	rxs_tx_fn fn;
	void *ctx;
	uint64_t frames;
};

static struct rxs_tx *tx_get(struct rxs_host *h)
{
	if (!h->tx)
		h->tx = rxs__calloc(1, sizeof(*h->tx));
	return h->tx;
}

int rxs_host_set_tx_cb(rxs_host_t *h, rxs_tx_fn fn, void *ctx)
{
	struct rxs_tx *tx = tx_get(h);

	if (!tx)
		return -ENOMEM;
	tx->fn = fn;
	tx->ctx = ctx;
	return 0;
}

/* One outgoing segment: who to, and what. */
struct tx_seg {
	const struct rxs_tcp_tuple *t;	/* the peer's view: saddr is the peer */
	const uint8_t *peer_mac, *our_mac;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t window;
	const struct rxs_tcp_opts *opts;	/* SYN-ACK options, or NULL */
	uint32_t tsval, tsecr;
	bool ts;
};

int rxs_host_open_tx_pcap(rxs_host_t *h, const char *path, char *err, size_t errlen)
{
	struct rxs_tx *tx = tx_get(h);

	if (!tx)
		return -ENOMEM;
	if (tx->dumper)
		return -EBUSY;
	tx->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 262144,
							PCAP_TSTAMP_PRECISION_NANO);
	if (!tx->dead)
		return -ENOMEM;
	tx->dumper = pcap_dump_open(tx->dead, path);
	if (!tx->dumper) {
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(tx->dead));
		pcap_close(tx->dead);
		tx->dead = NULL;
		return -EIO;
	}
	return 0;
}

uint64_t rxs_host_tx_frames(const rxs_host_t *h)
{
	return h->tx ? h->tx->frames : 0;
}

void rxs__tx_close(struct rxs_host *h)
{
	if (!h->tx)
		return;
	if (h->tx->dumper)
		pcap_dump_close(h->tx->dumper);
	if (h->tx->dead)
		pcap_close(h->tx->dead);
	rxs__free(h->tx);
	h->tx = NULL;
}

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
		p[n++] = 1, p[n++] = 3, p[n++] = 3, p[n++] = 7;	/* NOP, wscale 7 */
	}
	return n;
}

static unsigned int put_ip(uint8_t *p, const struct rxs_tcp_tuple *t, unsigned int l4len)
{
	if (t->family == AF_INET6) {
		memset(p, 0, 40);
		p[0] = 0x60;
		rxs__put_be16(p + 4, (uint16_t)l4len);
		p[6] = IPPROTO_TCP;
		p[7] = 64;
		memcpy(p + 8, t->daddr, 16);
		memcpy(p + 24, t->saddr, 16);
		return 40;
	}
	memset(p, 0, 20);
	p[0] = 0x45;
	rxs__put_be16(p + 2, (uint16_t)(20 + l4len));
	rxs__put_be16(p + 6, 0x4000);	/* DF */
	p[8] = 64;
	p[9] = IPPROTO_TCP;
	memcpy(p + 12, t->daddr, 4);
	memcpy(p + 16, t->saddr, 4);
	rxs__put_be16(p + 10, rxs__csum_fold(rxs__csum_partial(p, 20, 0)));
	return 20;
}

/* Hand a built frame to the user's callback and the --tx pcap. */
static void tx_emit(struct rxs_tx *tx, const uint8_t *f, uint32_t len, uint64_t now)
{
	if (tx->fn)
		tx->fn(tx->ctx, f, len, now);
	if (tx->dumper) {
		struct pcap_pkthdr ph = { .caplen = len, .len = len };

		ph.ts.tv_sec = (time_t)(now / 1000000000ull);
		ph.ts.tv_usec = (suseconds_t)(now % 1000000000ull);	/* ns: a nano dumper */
		pcap_dump((u_char *)tx->dumper, &ph, f);
	}
	tx->frames++;
}

static void tx_segment(struct rxs_softnet_data *sd, struct rxs_host *h, const struct tx_seg *s)
{
	uint8_t f[14 + 40 + 60];
	struct rxs_inet_cb cb;
	unsigned int optlen, tcplen, iplen;
	uint8_t *th;

	rxs__mib_inc(sd, RXS_MIB_TcpOutSegs);
	rxs__mib_inc(sd, s->t->family == AF_INET6 ? RXS_MIB_Ip6OutRequests : RXS_MIB_IpOutRequests);
	if (!h->tx || (!h->tx->dumper && !h->tx->fn)) {
		if (h->tx)
			h->tx->frames++;
		return;
	}
	memcpy(f, s->peer_mac, 6);
	memcpy(f + 6, s->our_mac, 6);
	rxs__put_be16(f + 12, s->t->family == AF_INET6 ? 0x86dd : 0x0800);
	th = f + 14 + (s->t->family == AF_INET6 ? 40 : 20);
	optlen = put_options(th + 20, s);
	tcplen = 20 + optlen;
	iplen = put_ip(f + 14, s->t, tcplen);
	rxs__put_be16(th, s->t->dport);
	rxs__put_be16(th + 2, s->t->sport);
	rxs__put_be32(th + 4, s->seq);
	rxs__put_be32(th + 8, s->ack);
	th[12] = (uint8_t)((tcplen / 4) << 4);
	th[13] = s->flags;
	rxs__put_be16(th + 14, s->window);
	rxs__put_be32(th + 16, 0);
	memset(&cb, 0, sizeof(cb));
	cb.family = s->t->family;
	memcpy(cb.saddr, s->t->daddr, 16);
	memcpy(cb.daddr, s->t->saddr, 16);
	rxs__put_be16(th + 16, rxs__l4_csum(&cb, IPPROTO_TCP, th, tcplen));
	tx_emit(h->tx, f, 14 + iplen + tcplen, sd->now);
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
		.t = &req->node.t, .peer_mac = req->peer_mac, .our_mac = req->dev->cfg.mac,
		.seq = req->snt_isn, .ack = req->rcv_isn + 1, .flags = TH_SYN | TH_ACK,
		.window = 65160, .opts = &o, .ts = req->opts.saw_tstamp,
		.tsval = ts_now(sd), .tsecr = req->opts.tsval,
	};

	/* Our MSS: the device MTU less the IP and TCP headers. */
	o.mss = (uint16_t)(req->dev->cfg.mtu - (req->node.t.family == AF_INET6 ? 60 : 40));
	if (retrans) {
		rxs__mib_inc(sd, RXS_MIB_TcpRetransSegs);
		rxs__mib_inc(sd, RXS_MIB_TcpExtTCPSynRetrans);
	}
	tx_segment(sd, h, &s);
}

void rxs__tcp_send_ack(struct rxs_softnet_data *sd, struct rxs_sock *sk)
{
	struct tx_seg s = {
		.t = &sk->tcp.node.t, .peer_mac = sk->tcp.peer_mac, .our_mac = sk->tcp.dev->cfg.mac,
		.seq = sk->tcp.snd_nxt, .ack = sk->tcp.rcv_nxt, .flags = TH_ACK,
		.window = 65535,
	};

	sk->tcp.unacked_segs = 0;
	tx_segment(sd, sk->host, &s);
}

/* The ACK a request sock sends to an out-of-window segment (tcp_v4_reqsk_send_ack). */
void rxs__tcp_send_req_ack(struct rxs_sk_buff *skb, const struct rxs_reqsk *req)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct tx_seg s = {
		.t = &req->node.t, .peer_mac = req->peer_mac, .our_mac = req->dev->cfg.mac,
		.seq = req->snt_isn + 1, .ack = req->rcv_isn + 1, .flags = TH_ACK, .window = 65160,
	};

	tx_segment(sd, sd->host, &s);
}

/* tcp_v4_send_reset(): never in answer to a RST; takes its numbers from the segment. */
void rxs__tcp_send_reset(struct rxs_sk_buff *skb, const struct rxs_tcp_cb *tcb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_tcp_tuple t;
	struct tx_seg s = { .t = &t, .peer_mac = rxs_skb_mac_header(skb) + 6,
			    .our_mac = skb->dev->cfg.mac, .window = 0 };

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
	rxs__mib_inc(sd, RXS_MIB_TcpOutRsts);
	tx_segment(sd, sd->host, &s);
}
