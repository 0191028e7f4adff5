/* capw.h - small captures written by the tests: classic pcap files of frames built with
 * frames.h (and TCP, IPv6 and Linux cooked SLL records here), so no test reads a capture from
 * outside the project. Include after frames.h. Timestamps are 1 ms apart.
 */
#ifndef RXSIM_TESTS_CAPW_H
#define RXSIM_TESTS_CAPW_H

#include "frames.h"

#define CAPW_EN10MB 1
#define CAPW_LINUX_SLL 113

struct capw {
	FILE *f;
	uint32_t n;
};

static inline void capw_put32(FILE *f, uint32_t v)
{
	assert_int_equal(fwrite(&v, 4, 1, f), 1);	/* host order, as the magic says */
}

static inline void capw_open(struct capw *w, const char *path, uint32_t linktype)
{
	static const uint16_t ver[2] = { 2, 4 };

	w->f = fopen(path, "wb");
	w->n = 0;
	assert_non_null(w->f);
	capw_put32(w->f, 0xa1b2c3d4);
	assert_int_equal(fwrite(ver, 2, 2, w->f), 2);
	capw_put32(w->f, 0);
	capw_put32(w->f, 0);
	capw_put32(w->f, 262144);
	capw_put32(w->f, linktype);
}

static inline void capw_record(struct capw *w, const uint8_t *d, uint32_t len)
{
	capw_put32(w->f, 1700000000u + w->n / 1000);
	capw_put32(w->f, (w->n % 1000) * 1000);
	capw_put32(w->f, len);
	capw_put32(w->f, len);
	assert_int_equal(fwrite(d, 1, len, w->f), len);
	w->n++;
}

static inline void capw_add(struct capw *w, const struct fr *f)
{
	capw_record(w, f->d, f->len);
}

/* @f as a Linux cooked (SLL) record of loopback: sent to this host, from MAC 0 on lo. */
static inline void capw_add_sll(struct capw *w, const struct fr *f)
{
	uint8_t rec[FR_MAX + 16] = { 0 };

	fr_put16(rec, 0);		/* PACKET_HOST */
	fr_put16(rec + 2, 772);		/* ARPHRD_LOOPBACK */
	fr_put16(rec + 4, 6);
	memcpy(rec + 14, f->d + 12, 2);	/* the protocol */
	memcpy(rec + 16, f->d + FR_ETH_HLEN, f->len - FR_ETH_HLEN);
	capw_record(w, rec, f->len - FR_ETH_HLEN + 16);
}

static inline void capw_close(struct capw *w)
{
	assert_int_equal(fclose(w->f), 0);
}

static inline void capw_src_mac(struct fr *f, const uint8_t smac[6])
{
	memcpy(f->d + 6, smac, 6);
}

/* A TCP/IPv4 segment from @smac to @dmac with @flags (0x02 SYN, 0x10 ACK) and @plen bytes. */
static inline void capw_tcp(struct fr *f, const uint8_t dmac[6], const uint8_t smac[6],
			    const char *src, const char *dst, uint16_t sport, uint16_t dport,
			    uint8_t flags, uint32_t seq, uint32_t ack, uint16_t plen)
{
	uint8_t *t, *ip;
	uint32_t sum;

	fr_eth(f, dmac, false, 0, FR_ETH_P_IP);
	capw_src_mac(f, smac);
	fr_ip(f, src, dst, IPPROTO_TCP, 1, 0x4000, (uint16_t)(20 + plen));
	t = f->d + f->l4;
	ip = f->d + f->l3;
	fr_put16(t, sport);
	fr_put16(t + 2, dport);
	fr_put16(t + 4, (uint16_t)(seq >> 16));
	fr_put16(t + 6, (uint16_t)seq);
	fr_put16(t + 8, (uint16_t)(ack >> 16));
	fr_put16(t + 10, (uint16_t)ack);
	t[12] = 5 << 4;
	t[13] = flags;
	fr_put16(t + 14, 65535);
	for (unsigned int i = 0; i < plen; i++)
		t[20 + i] = (uint8_t)i;
	sum = fr_sum(ip + 12, 8, 0) + IPPROTO_TCP + 20u + plen;
	fr_put16(t + 16, fr_fold(fr_sum(t, 20u + plen, sum)));
}

/* A UDP/IPv4 datagram from @smac to @dmac (frames.h's, with the source MAC set). */
static inline void capw_udp(struct fr *f, const uint8_t dmac[6], const uint8_t smac[6],
			    bool vlan, uint16_t tci, const char *src, const char *dst,
			    uint16_t sport, uint16_t dport, uint16_t plen)
{
	fr_udp_vlan(f, dmac, vlan, tci, src, dst, sport, dport, plen);
	capw_src_mac(f, smac);
}

/* A UDP/IPv6 datagram from fr_peer_mac to @dmac with a correct checksum. */
static inline void capw_udp6(struct fr *f, const uint8_t dmac[6], const char *src,
			     const char *dst, uint16_t sport, uint16_t dport, uint16_t plen)
{
	uint8_t *ip, *u;
	uint32_t sum;
	uint16_t c;

	fr_eth(f, dmac, false, 0, 0x86dd);
	ip = f->d + f->l3;
	ip[0] = 0x60;
	fr_put16(ip + 4, (uint16_t)(8 + plen));
	ip[6] = IPPROTO_UDP;
	ip[7] = 1;
	assert_int_equal(inet_pton(AF_INET6, src, ip + 8), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, ip + 24), 1);
	f->l4 = f->l3 + 40;
	f->len = f->l4 + 8 + plen;
	u = f->d + f->l4;
	fr_put16(u, sport);
	fr_put16(u + 2, dport);
	fr_put16(u + 4, (uint16_t)(8 + plen));
	for (unsigned int i = 0; i < plen; i++)
		u[8 + i] = (uint8_t)i;
	sum = fr_sum(ip + 8, 32, 0) + IPPROTO_UDP + 8u + plen;
	c = fr_fold(fr_sum(u, 8u + plen, sum));
	fr_put16(u + 6, c ? c : 0xffff);
}

#endif /* RXSIM_TESTS_CAPW_H */
