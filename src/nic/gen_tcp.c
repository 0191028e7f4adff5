/* gen_tcp.c - synthetic TCP traffic: SYN floods and data segments of established flows.
 *
 * Like the UDP generator, every frame is a pure function of the generator and its index, so
 * the pcap writer and the in-memory source produce the same bytes and any frame can be built
 * alone. What looks random (source ports, ISNs, timestamp offsets) comes from xorshift64*
 * applied to a state made of the seed and the frame (or flow) index, not from a running
 * generator: a running one would tie frame i to the i-1 frames before it.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "nic/source_int.h"
#include "rxsim/error.h"

#define ETH_HLEN 14
#define TCP_HLEN 20
#define GEN_MAX_SIZE 9000u
#define MTU 1500u
#define SYN_OPTLEN 20		/* MSS 4, SACK_PERM 2, TS 10, NOP 1, WSCALE 3: Linux's order */
#define DATA_OPTLEN 12		/* NOP NOP TS 10 */
#define MAX_FLOWS 55535u	/* source ports 10000..65534 */

enum { TCP_SYN = 0x02, TCP_PSH = 0x08, TCP_ACK = 0x10 };

/* One segment's variable part, before it is laid out in the frame. */
struct tcp_seg {
	struct rxs_addr src;
	uint16_t sport, win;
	uint32_t seq, ack;
	uint8_t flags;
	uint8_t opt[SYN_OPTLEN];
	unsigned int optlen, paylen;
	bool reply;		/* sent by the server (the host): addresses swapped */
};

static uint64_t xorshift64s(uint64_t seed, uint64_t i)
{
	uint64_t x = (seed ? seed : 0x9E3779B97F4A7C15u) ^ ((i + 1) * 0xD1B54A32D192ED03u);

	/* Two rounds, so that neighbouring indexes differ in every bit of the output. */
	for (int r = 0; r < 2; r++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		x = x ? x : 1;
	}
	return x * 0x2545F4914F6CDD1Du;
}

static unsigned int ip_hlen(const struct rxs_gen_tcp *g)
{
	return g->dst.family == AF_INET6 ? 40 : 20;
}

/* @a + @n, the addition carried in the last 32 bits (the host part, for any usual prefix). */
static void addr_plus(struct rxs_addr *out, const struct rxs_addr *a, uint32_t n)
{
	unsigned int off = a->family == AF_INET6 ? 12 : 0;

	*out = *a;
	rxs__put_be32(out->addr + off, rxs__get_be32(a->addr + off) + n);
}

static uint64_t tcp_ts(const struct rxs_gen_tcp *g, uint64_t i)
{
	return rxs__gen_ts(&(struct rxs_gen_udp){ .rate_pps = g->rate_pps, .start_ns = g->start_ns },
			   i);
}

static uint8_t *put_ts_opt(uint8_t *p, uint32_t tsval, uint32_t tsecr)
{
	p[0] = 8;
	p[1] = 10;
	rxs__put_be32(p + 2, tsval);
	rxs__put_be32(p + 6, tsecr);
	return p + 10;
}

/* SYN @i: a new connection from source address i % sources, as a Linux client opens it. */
static void syn_seg(const struct rxs_gen_tcp *g, uint64_t i, uint64_t ts, struct tcp_seg *s)
{
	uint64_t r = xorshift64s(g->seed, i);
	unsigned int sources = g->sources ? g->sources : 1;
	uint8_t *o = s->opt;

	addr_plus(&s->src, &g->src, (uint32_t)(i % sources));
	s->sport = (uint16_t)(1024 + r % 64512);
	s->seq = (uint32_t)(r >> 32);
	s->ack = 0;
	s->flags = TCP_SYN;
	s->win = 64240;
	o[0] = 2;
	o[1] = 4;
	rxs__put_be16(o + 2, (uint16_t)(MTU - ip_hlen(g) - TCP_HLEN));
	o[4] = 4;	/* SACK permitted */
	o[5] = 2;
	o = put_ts_opt(o + 6, (uint32_t)(ts / 1000000u) + (uint32_t)r, 0);
	o[0] = 1;
	o[1] = 3;	/* window scale 7 */
	o[2] = 3;
	o[3] = 7;
	s->optlen = SYN_OPTLEN;
	s->paylen = 0;
}

/* Payload bytes of a data segment: @g->size as a frame size, 0 for a full-size segment. */
static unsigned int data_paylen(const struct rxs_gen_tcp *g)
{
	unsigned int hdrs = ETH_HLEN + ip_hlen(g) + TCP_HLEN + DATA_OPTLEN;
	unsigned int size = g->size ? RXS_MIN(g->size, GEN_MAX_SIZE) : ETH_HLEN + MTU;

	return size > hdrs ? size - hdrs : 1;
}

/* Segment @i: the (i / flows)-th full segment of flow i % flows, in order. */
static void data_seg(const struct rxs_gen_tcp *g, uint64_t i, uint64_t ts, struct tcp_seg *s)
{
	unsigned int flows = g->flows ? g->flows : 1, f = (unsigned int)(i % flows);
	uint64_t r = xorshift64s(g->seed, UINT64_MAX - f);	/* per flow, not per frame */

	s->src = g->src;
	s->sport = (uint16_t)(10000 + f);
	s->paylen = data_paylen(g);
	s->seq = (uint32_t)(r >> 32) + 1 + (uint32_t)((i / flows) * s->paylen);
	s->ack = (uint32_t)r + 1;
	s->flags = TCP_ACK | TCP_PSH;
	s->win = 502;		/* 64256 bytes with the window scale 7 of our SYNs */
	s->opt[0] = s->opt[1] = 1;
	put_ts_opt(s->opt + 2, (uint32_t)(ts / 1000000u) + (uint32_t)(r >> 16),
		   (uint32_t)(r >> 40));
	s->optlen = DATA_OPTLEN;
}

/*
 * Frame @step (0 SYN, 1 SYN-ACK, 2 ACK) of flow @f's handshake. The ISNs are those the data
 * segments continue from: the client's (r >> 32) and the server's ((uint32_t)r). The server's
 * SYN-ACK is in the file as a two-way capture has it; rxsim does not replay the host's own
 * frames but takes their ISN, so the client's ACK completes the handshake.
 */
static void handshake_seg(const struct rxs_gen_tcp *g, unsigned int f, unsigned int step,
			  uint64_t ts, struct tcp_seg *s)
{
	uint64_t r = xorshift64s(g->seed, UINT64_MAX - f);	/* as data_seg() */
	uint32_t isn_c = (uint32_t)(r >> 32), isn_s = (uint32_t)r;
	uint8_t *o = s->opt;

	s->src = g->src;
	s->sport = (uint16_t)(10000 + f);
	s->win = 64240;
	if (step == 2) {
		s->seq = isn_c + 1;
		s->ack = isn_s + 1;
		s->flags = TCP_ACK;
		return;
	}
	s->seq = step ? isn_s : isn_c;
	s->ack = step ? isn_c + 1 : 0;
	s->flags = step ? TCP_SYN | TCP_ACK : TCP_SYN;
	s->reply = step == 1;
	o[0] = 2;
	o[1] = 4;
	rxs__put_be16(o + 2, (uint16_t)(MTU - ip_hlen(g) - TCP_HLEN));
	o[4] = 1, o[5] = 1, o[6] = 4, o[7] = 2;	/* NOP NOP SACK permitted */
	s->optlen = 8;
	(void)ts;
}

/* Frame @i of the generator's sequence. */
static void gen_seg(const struct rxs_gen_tcp *g, uint64_t i, struct tcp_seg *s)
{
	unsigned int flows = g->flows ? g->flows : 1;
	uint64_t ts = tcp_ts(g, i);

	if (g->kind == RXS_GEN_SYN_FLOOD)
		syn_seg(g, i, ts, s);
	else if (g->handshake && i < 3ull * flows)
		handshake_seg(g, (unsigned int)(i / 3), (unsigned int)(i % 3), ts, s);
	else
		data_seg(g, g->handshake ? i - 3ull * flows : i, ts, s);
}

unsigned int rxs__gen_tcp_frame(const struct rxs_gen_tcp *g, uint64_t i, uint8_t *buf)
{
	int v6 = g->dst.family == AF_INET6;
	const struct rxs_addr *sa, *da;
	struct tcp_seg s;
	uint8_t *tcp;
	uint16_t l4len;

	memset(&s, 0, sizeof(s));
	gen_seg(g, i, &s);
	sa = s.reply ? &g->dst : &s.src;
	da = s.reply ? &s.src : &g->dst;
	l4len = (uint16_t)(TCP_HLEN + s.optlen + s.paylen);
	tcp = s.reply ? rxs__put_eth(buf, g->src_mac, g->dst_mac, v6 ? 0x86DD : 0x0800)
		      : rxs__put_eth(buf, g->dst_mac, g->src_mac, v6 ? 0x86DD : 0x0800);
	tcp = v6 ? rxs__put_ipv6(tcp, sa, da, 6, l4len)
		 : rxs__put_ipv4(tcp, sa, da, 6, (uint16_t)i, l4len);
	rxs__put_be16(tcp, s.reply ? g->dport : s.sport);
	rxs__put_be16(tcp + 2, s.reply ? s.sport : g->dport);
	rxs__put_be32(tcp + 4, s.seq);
	rxs__put_be32(tcp + 8, s.ack);
	tcp[12] = (uint8_t)((TCP_HLEN + s.optlen) / 4 << 4);
	tcp[13] = s.flags;
	rxs__put_be16(tcp + 14, s.win);
	rxs__put_be32(tcp + 16, 0);	/* checksum and urgent pointer */
	memcpy(tcp + TCP_HLEN, s.opt, s.optlen);
	memset(tcp + TCP_HLEN + s.optlen, 0, s.paylen);
	rxs__put_be16(tcp + 16, rxs__csum_fold(rxs__csum_partial(
		tcp, l4len, rxs__pseudo_sum(sa, da, 6, l4len))));
	return (unsigned int)(tcp - buf) + l4len;
}

static int check_gen(const struct rxs_gen_tcp *g)
{
	if (g->dst.family != AF_INET && g->dst.family != AF_INET6)
		return -EINVAL;
	if (g->src.family != g->dst.family || g->flows > MAX_FLOWS)
		return -EINVAL;
	return g->kind == RXS_GEN_SYN_FLOOD || g->kind == RXS_GEN_TCP_FLOWS ? 0 : -EINVAL;
}

static unsigned int tcp_frame_cb(const void *ctx, uint64_t i, uint8_t *buf, uint64_t *ts_ns)
{
	*ts_ns = tcp_ts(ctx, i);
	return rxs__gen_tcp_frame(ctx, i, buf);
}

int rxs_gen_tcp_pcap(const struct rxs_gen_tcp *g, const char *path, char *err, size_t errlen)
{
	if (check_gen(g) < 0) {
		snprintf(err, errlen, "%s: addresses must both be IPv4 or both IPv6, and flows at "
			 "most %u", path, MAX_FLOWS);
		return -EINVAL;
	}
	return rxs__gen_pcap_write(path, g->count, tcp_frame_cb, g, err, errlen);
}

int rxs_source_open_gen_tcp(rxs_source_t **srcp, const struct rxs_gen_tcp *g)
{
	int rc = check_gen(g);

	*srcp = NULL;
	if (rc < 0)
		return rc;
	return rxs__gen_source_open(srcp, "tcp generator", g->count, tcp_frame_cb, g, sizeof(*g));
}
