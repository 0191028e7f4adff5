/* frame.c - the frame builders of rxsim/frame.h: Ethernet (with an optional 802.1Q tag),
 * IPv4 or IPv6, then UDP, TCP or ICMP, with lengths and checksums computed as a sender's
 * stack (and NIC) would, or broken on request.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "nic/source_int.h"
#include "rxsim/frame.h"

#define ETH_HLEN 14
#define VLAN_HLEN 4
#define IP4_HLEN 20
#define IP6_HLEN 40

/* A checksum off by one that no receiver takes for the right one: 0 and 0xffff are the same
 * in one's complement, and UDP's 0 means "none". */
static uint16_t spoil(uint16_t c)
{
	c = (uint16_t)(c + 1);
	return c == 0 || c == 0xffff ? 1 : c;
}

/* The addresses of @s, parsed; the default pair follows the family of the one given. */
struct frame_addrs {
	int v6;
	struct rxs_addr s, d;
};

static int parse_addrs(const struct rxs_frame_spec *s, struct frame_addrs *a)
{
	const char *src = s->src, *dst = s->dst;
	int v6 = (src && strchr(src, ':')) || (dst && strchr(dst, ':'));

	if (!src)
		src = v6 ? "fd00::1" : "10.0.0.1";
	if (!dst)
		dst = v6 ? "fd00::2" : "10.0.0.2";
	memset(a, 0, sizeof(*a));
	a->v6 = v6;
	a->s.family = a->d.family = v6 ? AF_INET6 : AF_INET;
	if (inet_pton(a->s.family, src, a->s.addr) != 1 ||
	    inet_pton(a->d.family, dst, a->d.addr) != 1)
		return -EINVAL;
	return 0;
}

/* Ethernet, tag and IP headers for @l4len bytes of @proto; returns where L4 starts. The
 * generators' header writers lay them out; the fields they fix (TOS, DF, TTL) are then set
 * as @s asks, and the IPv4 header summed again. */
static size_t put_headers(uint8_t *f, const struct rxs_frame_spec *s,
			  const struct frame_addrs *a, uint8_t proto, size_t l4len)
{
	static const uint8_t zero[6];
	static const uint8_t host[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const uint8_t peer[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	uint16_t type = a->v6 ? 0x86DD : 0x0800, c;
	uint8_t *ip;

	ip = rxs__put_eth(f, memcmp(s->dst_mac, zero, 6) ? s->dst_mac : host,
			  memcmp(s->src_mac, zero, 6) ? s->src_mac : peer, s->vlan ? 0x8100 : type);
	if (s->vlan) {
		rxs__put_be16(ip, s->vlan_tci);
		rxs__put_be16(ip + 2, type);
		ip += VLAN_HLEN;
	}
	if (a->v6) {
		rxs__put_ipv6(ip, &a->s, &a->d, proto, (uint16_t)l4len);
		rxs__put_be32(ip, 6u << 28 | (uint32_t)s->tos << 20);
		ip[7] = s->ttl ? s->ttl : 64;
		return (size_t)(ip - f) + IP6_HLEN;
	}
	rxs__put_ipv4(ip, &a->s, &a->d, proto, s->ip_id, (uint16_t)l4len);
	ip[1] = s->tos;
	rxs__put_be16(ip + 6, s->df ? 0x4000 : 0);
	ip[8] = s->ttl ? s->ttl : 64;
	rxs__put_be16(ip + 10, 0);
	c = rxs__csum_fold(rxs__csum_partial(ip, IP4_HLEN, 0));
	rxs__put_be16(ip + 10, s->bad & RXS_FRAME_BAD_IP_CSUM ? spoil(c) : c);
	return (size_t)(ip - f) + IP4_HLEN;
}

/* Check sizes, write the headers, copy the payload: the L4 header's offset, or -errno. */
static int build(uint8_t *f, size_t size, const struct rxs_frame_spec *s, struct frame_addrs *a,
		 uint8_t proto, size_t l4hlen, size_t *l4len)
{
	size_t hlen;
	int rc = parse_addrs(s, a);

	if (rc)
		return rc;
	*l4len = l4hlen + s->payload_len;
	hlen = ETH_HLEN + (s->vlan ? VLAN_HLEN : 0) + (a->v6 ? IP6_HLEN : IP4_HLEN);
	if (s->payload_len > 65535 || *l4len + (a->v6 ? 0 : IP4_HLEN) > 65535 ||
	    hlen + *l4len > size)
		return -ENOSPC;
	if (s->pad && size < 60)
		return -ENOSPC;
	hlen = put_headers(f, s, a, proto, *l4len);
	if (s->payload_len)
		memcpy(f + hlen + l4hlen, s->payload, s->payload_len);
	if (s->pad && hlen + *l4len < 60)
		memset(f + hlen + *l4len, 0, 60 - (hlen + *l4len));
	return (int)hlen;
}

/* The transport checksum at @csum_off of the segment at @l4, over the pseudo-header unless
 * it is ICMP over IPv4, then spoiled when asked. UDP's 0 goes on the wire as 0xffff. */
static void put_l4_csum(uint8_t *l4, size_t l4len, size_t csum_off, const struct frame_addrs *a,
			uint8_t proto, const struct rxs_frame_spec *s)
{
	uint32_t sum = proto == 1 ? 0 : rxs__pseudo_sum(&a->s, &a->d, proto, (uint32_t)l4len);
	uint16_t c;

	rxs__put_be16(l4 + csum_off, 0);
	c = rxs__csum_fold(rxs__csum_partial(l4, l4len, sum));
	if (proto == 17 && c == 0)
		c = 0xffff;
	if (s->bad & RXS_FRAME_BAD_L4_CSUM)
		c = spoil(c);
	rxs__put_be16(l4 + csum_off, c);
}

/* The frame's length: padded to 60 when asked. */
static int frame_len(const struct rxs_frame_spec *s, int len)
{
	return s->pad && len < 60 ? 60 : len;
}

int rxs_frame_udp(void *buf, size_t size, const struct rxs_frame_spec *s)
{
	struct frame_addrs a;
	size_t l4len = 0;	/* build() sets it; -O3 cannot tell */
	int off = build(buf, size, s, &a, 17, 8, &l4len);
	uint8_t *u;

	if (off < 0)
		return off;
	u = (uint8_t *)buf + off;
	rxs__put_be16(u, s->sport);
	rxs__put_be16(u + 2, s->dport);
	rxs__put_be16(u + 4, (uint16_t)l4len);
	if (!a.v6 && (s->bad & RXS_FRAME_NO_UDP_CSUM))
		rxs__put_be16(u + 6, 0);
	else
		put_l4_csum(u, l4len, 6, &a, 17, s);
	return frame_len(s, off + (int)l4len);
}

int rxs_frame_tcp(void *buf, size_t size, const struct rxs_frame_spec *s)
{
	size_t optlen = (s->tcp_options_len + 3) & ~(size_t)3, l4len = 0;
	struct frame_addrs a;
	uint8_t *t;
	int off;

	if (s->tcp_options_len > 40)
		return -EINVAL;
	off = build(buf, size, s, &a, 6, 20 + optlen, &l4len);
	if (off < 0)
		return off;
	t = (uint8_t *)buf + off;
	rxs__put_be16(t, s->sport);
	rxs__put_be16(t + 2, s->dport);
	rxs__put_be32(t + 4, s->seq);
	rxs__put_be32(t + 8, s->ack);
	t[12] = (uint8_t)((20 + optlen) / 4 << 4);
	t[13] = s->tcp_flags;
	rxs__put_be16(t + 14, s->window);
	rxs__put_be16(t + 18, 0);	/* urgent pointer */
	memset(t + 20, 1, optlen);	/* NOP padding */
	if (s->tcp_options_len)
		memcpy(t + 20, s->tcp_options, s->tcp_options_len);
	put_l4_csum(t, l4len, 16, &a, 6, s);
	return frame_len(s, off + (int)l4len);
}

int rxs_frame_icmp(void *buf, size_t size, const struct rxs_frame_spec *s)
{
	struct frame_addrs a;
	size_t l4len = 0;	/* build() sets it; -O3 cannot tell */
	uint8_t proto, *c;
	int off, rc = parse_addrs(s, &a);

	if (rc)
		return rc;
	proto = a.v6 ? 58 : 1;
	off = build(buf, size, s, &a, proto, 8, &l4len);
	if (off < 0)
		return off;
	c = (uint8_t *)buf + off;
	c[0] = s->icmp_type;
	c[1] = s->icmp_code;
	rxs__put_be16(c + 4, s->icmp_id);
	rxs__put_be16(c + 6, s->icmp_seq);
	put_l4_csum(c, l4len, 2, &a, proto, s);
	return frame_len(s, off + (int)l4len);
}
