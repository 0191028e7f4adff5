/* frame.h - Ethernet/IPv4 frames built by hand, for the library examples: UDP datagrams and
 * TCP SYNs with valid checksums, as a peer on the wire would send them. */
#ifndef RXSIM_EXAMPLE_FRAME_H
#define RXSIM_EXAMPLE_FRAME_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static const uint8_t frame_peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

static inline uint32_t frame_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

static inline uint16_t frame_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Ethernet + IPv4 headers for @l4len bytes of protocol @proto; returns the L4 offset. */
static inline size_t frame_ip4(uint8_t *f, const uint8_t dst_mac[6], const char *src, const char *dst,
			uint8_t proto, size_t l4len)
{
	uint8_t *ip = f + 14;
	size_t tot = 20 + l4len;

	memcpy(f, dst_mac, 6);
	memcpy(f + 6, frame_peer_mac, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[6] = 0x40;				/* DF */
	ip[8] = 64;
	ip[9] = proto;
	inet_pton(AF_INET, src, ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	uint16_t c = frame_csum_fold(frame_csum_add(0, ip, 20));
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	return 34;
}

/* The L4 checksum over the IPv4 pseudo-header of the frame at @f. */
static inline void frame_l4_csum(uint8_t *f, size_t l4len, size_t csum_off)
{
	const uint8_t *ip = f + 14;
	uint8_t pseudo[12];
	uint32_t sum;

	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = ip[9];
	pseudo[10] = (uint8_t)(l4len >> 8);
	pseudo[11] = (uint8_t)l4len;
	sum = frame_csum_add(frame_csum_add(0, pseudo, 12), f + 34, l4len);
	uint16_t c = frame_csum_fold(sum);
	if (ip[9] == 17 && c == 0)
		c = 0xffff;
	f[34 + csum_off] = (uint8_t)(c >> 8);
	f[34 + csum_off + 1] = (uint8_t)c;
}

/* A UDP datagram carrying @len bytes of @payload into @f (room for 42 + len bytes). Returns
 * the frame length (Ethernet pads short frames to 60 bytes). */
static inline uint32_t frame_udp4(uint8_t *f, const uint8_t dst_mac[6], const char *src, uint16_t sport,
			   const char *dst, uint16_t dport, const void *payload, size_t len)
{
	size_t off = frame_ip4(f, dst_mac, src, dst, 17, 8 + len);
	uint8_t *u = f + off;

	u[0] = (uint8_t)(sport >> 8);
	u[1] = (uint8_t)sport;
	u[2] = (uint8_t)(dport >> 8);
	u[3] = (uint8_t)dport;
	u[4] = (uint8_t)((8 + len) >> 8);
	u[5] = (uint8_t)(8 + len);
	u[6] = u[7] = 0;
	memcpy(u + 8, payload, len);
	frame_l4_csum(f, 8 + len, 6);
	if (off + 8 + len < 60) {
		memset(f + off + 8 + len, 0, 60 - (off + 8 + len));
		return 60;
	}
	return (uint32_t)(off + 8 + len);
}

/* A TCP SYN (no options) with sequence number @seq into @f (60 bytes of room). */
static inline uint32_t frame_tcp4_syn(uint8_t *f, const uint8_t dst_mac[6], const char *src,
			       uint16_t sport, const char *dst, uint16_t dport, uint32_t seq)
{
	size_t off = frame_ip4(f, dst_mac, src, dst, 6, 20);
	uint8_t *t = f + off;

	memset(t, 0, 20);
	t[0] = (uint8_t)(sport >> 8);
	t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(dport >> 8);
	t[3] = (uint8_t)dport;
	t[4] = (uint8_t)(seq >> 24);
	t[5] = (uint8_t)(seq >> 16);
	t[6] = (uint8_t)(seq >> 8);
	t[7] = (uint8_t)seq;
	t[12] = 5 << 4;			/* data offset: 20 bytes */
	t[13] = 0x02;			/* SYN */
	t[14] = 0xfa;			/* window 64240 */
	t[15] = 0xf0;
	frame_l4_csum(f, 20, 16);
	memset(f + off + 20, 0, 60 - (off + 20));
	return 60;
}

#endif /* RXSIM_EXAMPLE_FRAME_H */
