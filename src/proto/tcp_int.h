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
	bool saw_tstamp;		/* a timestamp option, whose TSval is: */
	uint32_t tsval;
};

/* A request sock (struct tcp_request_sock): a SYN answered, its ACK awaited. */
struct rxs_reqsk {
	struct rxs_ehash_node node;
	struct rxs_sock *listener;
	uint32_t rcv_isn, snt_isn;
	struct rxs_tcp_opts opts;
	uint8_t num_retrans, num_timeout;
	bool acked;			/* final ACK came while the accept queue was full */
	bool dead;			/* unlinked; its timer frees it */
	uint64_t timeout;		/* req->timeout, ns */
	uint8_t peer_mac[6];
	struct rxs_netdev *dev;
	unsigned int cpu;		/* the CPU its timer runs on */
};

/* Parse the segment at skb->data (the TCP header) into @tcb and @opts. 0 or -1 (bad). */
int rxs__tcp_parse(const struct rxs_sk_buff *skb, struct rxs_tcp_cb *tcb,
		   struct rxs_tcp_opts *opts);

/* ---- tcp_output.c: each send counts TcpOutSegs and the IP OutRequests ---- */
void rxs__tcp_send_reset(struct rxs_sk_buff *skb, const struct rxs_tcp_cb *tcb);
void rxs__tcp_send_synack(struct rxs_softnet_data *sd, struct rxs_host *h,
			  const struct rxs_reqsk *req, bool retrans);
void rxs__tcp_send_ack(struct rxs_softnet_data *sd, struct rxs_sock *sk);
void rxs__tcp_send_req_ack(struct rxs_sk_buff *skb, const struct rxs_reqsk *req);

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
