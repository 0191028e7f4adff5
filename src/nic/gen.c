/* gen.c - synthetic UDP traffic: one frame builder behind a pcap writer and a source. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "nic/source_int.h"
#include "rxsim/error.h"

#define ETH_HLEN 14
#define IPV4_HLEN 20
#define IPV6_HLEN 40
#define UDP_HLEN 8
#define GEN_MAX_SIZE 9000u

uint8_t *rxs__put_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	rxs__put_be16(p + 12, type);
	return p + ETH_HLEN;
}

uint8_t *rxs__put_ipv4(uint8_t *p, const struct rxs_addr *src, const struct rxs_addr *dst,
		       uint8_t proto, uint16_t id, uint16_t l4len)
{
	p[0] = 0x45;
	p[1] = 0;
	rxs__put_be16(p + 2, (uint16_t)(IPV4_HLEN + l4len));
	rxs__put_be16(p + 4, id);
	rxs__put_be16(p + 6, 0);	/* no DF: the ID must then be unique, and it is */
	p[8] = 64;
	p[9] = proto;
	rxs__put_be16(p + 10, 0);
	memcpy(p + 12, src->addr, 4);
	memcpy(p + 16, dst->addr, 4);
	rxs__put_be16(p + 10, rxs__csum_fold(rxs__csum_partial(p, IPV4_HLEN, 0)));
	return p + IPV4_HLEN;
}

uint8_t *rxs__put_ipv6(uint8_t *p, const struct rxs_addr *src, const struct rxs_addr *dst,
		       uint8_t proto, uint16_t l4len)
{
	rxs__put_be32(p, 0x60000000u);
	rxs__put_be16(p + 4, l4len);
	p[6] = proto;
	p[7] = 64;
	memcpy(p + 8, src->addr, 16);
	memcpy(p + 24, dst->addr, 16);
	return p + IPV6_HLEN;
}

uint32_t rxs__pseudo_sum(const struct rxs_addr *src, const struct rxs_addr *dst, uint8_t proto,
			 uint32_t l4len)
{
	size_t alen = dst->family == AF_INET6 ? 16 : 4;
	uint32_t sum = rxs__csum_partial(src->addr, alen, 0);

	uint64_t all;

	sum = rxs__csum_partial(dst->addr, alen, sum);
	all = (uint64_t)sum + proto + (l4len >> 16) + (l4len & 0xFFFF);
	/* 2^32 is 1 in one's complement: a carry out of 32 bits comes back in. */
	return (uint32_t)((all & 0xFFFFFFFFu) + (all >> 32));
}

static unsigned int gen_size(const struct rxs_gen_udp *g)
{
	unsigned int min = ETH_HLEN + UDP_HLEN + (g->dst.family == AF_INET6 ? IPV6_HLEN : IPV4_HLEN);

	return RXS_MIN(RXS_MAX(g->size, min), GEN_MAX_SIZE);
}

unsigned int rxs__gen_udp_frame(const struct rxs_gen_udp *g, uint64_t i, uint8_t *buf)
{
	unsigned int size = gen_size(g), flows = g->flows ? g->flows : 1;
	int v6 = g->dst.family == AF_INET6;
	uint16_t l4len = (uint16_t)(size - ETH_HLEN - (v6 ? IPV6_HLEN : IPV4_HLEN));
	uint8_t *udp = rxs__put_eth(buf, g->dst_mac, g->src_mac, v6 ? 0x86DD : 0x0800);
	uint16_t csum;

	udp = v6 ? rxs__put_ipv6(udp, &g->src, &g->dst, 17, l4len)
		 : rxs__put_ipv4(udp, &g->src, &g->dst, 17, (uint16_t)i, l4len);
	rxs__put_be16(udp, (uint16_t)(10000 + i % flows));
	rxs__put_be16(udp + 2, g->dport);
	rxs__put_be16(udp + 4, l4len);
	rxs__put_be16(udp + 6, 0);
	memset(udp + UDP_HLEN, 0, l4len - UDP_HLEN);
	csum = rxs__csum_fold(rxs__csum_partial(udp, l4len, rxs__pseudo_sum(&g->src, &g->dst, 17,
									     l4len)));
	/* 0 means "no checksum" in UDP, so a computed 0 is sent as its other form. */
	rxs__put_be16(udp + 6, csum ? csum : 0xFFFF);
	return size;
}

uint64_t rxs__gen_ts(const struct rxs_gen_udp *g, uint64_t i)
{
	if (!(g->rate_pps > 0))
		return g->start_ns;
	return g->start_ns + (uint64_t)((double)i * 1e9 / g->rate_pps + 0.5);
}

static int check_gen(const struct rxs_gen_udp *g)
{
	return g->dst.family == AF_INET || g->dst.family == AF_INET6 ? 0 : -EINVAL;
}

static int write_frames(pcap_dumper_t *d, uint64_t count, rxs__gen_frame_fn frame,
			const void *ctx, uint8_t *buf)
{
	struct pcap_pkthdr h;

	for (uint64_t i = 0; i < count; i++) {
		uint64_t ts;

		h.caplen = h.len = frame(ctx, i, buf, &ts);
		h.ts.tv_sec = (time_t)(ts / 1000000000u);
		h.ts.tv_usec = (suseconds_t)(ts % 1000000000u / 1000u);
		pcap_dump((u_char *)d, &h, buf);
	}
	/* A write that failed inside pcap_dump() (the buffer filled and could not be written)
	 * leaves only the stream's error flag: a later flush of the empty buffer succeeds. */
	return pcap_dump_flush(d) == 0 && !ferror(pcap_dump_file(d)) ? 0 : -EIO;
}

int rxs__gen_pcap_write(const char *path, uint64_t count, rxs__gen_frame_fn frame,
			const void *ctx, char *err, size_t errlen)
{
	pcap_t *dead = NULL;
	pcap_dumper_t *d = NULL;
	uint8_t *buf = NULL;
	FILE *fp = fopen(path, "wb");
	int rc = 0;

	if (!fp) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	/* Benchmark files run to gigabytes: write them in large blocks. */
	setvbuf(fp, NULL, _IOFBF, 1 << 20);
	buf = rxs__malloc(GEN_MAX_SIZE);
	dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_MICRO);
	if (buf && dead)
		d = pcap_dump_fopen(dead, fp);
	if (!d) {
		fclose(fp);
		snprintf(err, errlen, "%s: out of memory", path);
		rc = -ENOMEM;
		goto out;
	}
	rc = write_frames(d, count, frame, ctx, buf);
	pcap_dump_close(d);	/* closes fp */
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
out:
	if (dead)
		pcap_close(dead);
	rxs__free(buf);
	return rc;
}

/* A generator as a source: the same frames, built on demand in the frame buffer. The source
 * keeps its own copy of the generator's settings. */
struct gen_state {
	rxs__gen_frame_fn frame;
	uint64_t count, i;
	max_align_t ctx[];
};

static int gen_next(rxs_source_t *src, struct rxs_frame *f)
{
	struct gen_state *s = src->priv;

	if (s->i >= s->count)
		return 0;
	f->data = src->buf;
	f->len = f->wire_len = s->frame(s->ctx, s->i, src->buf, &f->ts_ns);
	f->number = ++src->number;
	s->i++;
	return 1;
}

static void gen_close(rxs_source_t *src)
{
	rxs__free(src->priv);
}

static const struct rxs__source_ops gen_ops = { gen_next, gen_close, NULL };

int rxs__gen_source_open(rxs_source_t **srcp, const char *name, uint64_t count,
			 rxs__gen_frame_fn frame, const void *ctx, size_t ctx_size)
{
	rxs_source_t *src = rxs__source_alloc(name, NULL, &gen_ops);
	struct gen_state *s;

	*srcp = NULL;
	if (!src)
		return -ENOMEM;
	s = rxs__calloc(1, sizeof(*s) + ctx_size);
	if (!s) {
		rxs_source_close(src);
		return -ENOMEM;
	}
	s->frame = frame;
	s->count = count;
	memcpy(s->ctx, ctx, ctx_size);
	src->priv = s;
	*srcp = src;
	return 0;
}

static unsigned int udp_frame_cb(const void *ctx, uint64_t i, uint8_t *buf, uint64_t *ts_ns)
{
	*ts_ns = rxs__gen_ts(ctx, i);
	return rxs__gen_udp_frame(ctx, i, buf);
}

int rxs_gen_udp_pcap(const struct rxs_gen_udp *g, const char *path, char *err, size_t errlen)
{
	int rc = check_gen(g);

	if (rc < 0) {
		snprintf(err, errlen, "%s: destination address family must be IPv4 or IPv6", path);
		return rc;
	}
	return rxs__gen_pcap_write(path, g->count, udp_frame_cb, g, err, errlen);
}

int rxs_source_open_gen_udp(rxs_source_t **srcp, const struct rxs_gen_udp *g)
{
	int rc = check_gen(g);

	*srcp = NULL;
	if (rc < 0)
		return rc;
	return rxs__gen_source_open(srcp, "udp generator", g->count, udp_frame_cb, g, sizeof(*g));
}
