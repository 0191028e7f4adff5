/* capw.h - small captures written by the tests: classic pcap files of frames built with
 * <rxsim/frame.h>, as Ethernet or Linux cooked (SLL) records, so that no test needs a capture
 * from outside the project. Include after cmocka.h. Timestamps are 1 ms apart.
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

/* A frame of <rxsim/frame.h> from @smac to @dmac into @f. */
static inline void capw_build(struct fr *f, int (*build)(void *, size_t,
							  const struct rxs_frame_spec *),
			      struct rxs_frame_spec *s, const uint8_t dmac[6],
			      const uint8_t smac[6])
{
	memset(f, 0, sizeof(*f));
	memcpy(s->dst_mac, dmac, 6);
	memcpy(s->src_mac, smac, 6);
	s->payload = fr_payload();
	fr_built(f, build(f->d, sizeof(f->d), s), s->vlan);
}

/* A TCP/IPv4 segment from @smac to @dmac with @flags (0x02 SYN, 0x10 ACK) and @plen bytes. */
static inline void capw_tcp(struct fr *f, const uint8_t dmac[6], const uint8_t smac[6],
			    const char *src, const char *dst, uint16_t sport, uint16_t dport,
			    uint8_t flags, uint32_t seq, uint32_t ack, uint16_t plen)
{
	struct rxs_frame_spec s = { .src = src, .dst = dst, .sport = sport, .dport = dport,
				    .tcp_flags = flags, .seq = seq, .ack = ack, .window = 65535,
				    .df = true, .payload_len = plen };

	capw_build(f, rxs_frame_tcp, &s, dmac, smac);
}

/* A UDP datagram (IPv4 or IPv6 by the addresses) from @smac to @dmac, tagged with @tci
 * when @vlan. */
static inline void capw_udp(struct fr *f, const uint8_t dmac[6], const uint8_t smac[6],
			    bool vlan, uint16_t tci, const char *src, const char *dst,
			    uint16_t sport, uint16_t dport, uint16_t plen)
{
	struct rxs_frame_spec s = { .vlan = vlan, .vlan_tci = tci, .src = src, .dst = dst,
				    .sport = sport, .dport = dport, .df = true,
				    .payload_len = plen };

	capw_build(f, rxs_frame_udp, &s, dmac, smac);
}

#endif /* RXSIM_TESTS_CAPW_H */
