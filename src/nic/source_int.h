/* source_int.h - internals shared by the traffic sources of src/nic/ (never included elsewhere).
 *
 * A source is a small ops table {next, close}, like libpcap's read_op / cleanup_op: the pcap
 * reader (libpcap), the pcapng reader (ours) and the generators fill in the same struct
 * rxs_source (source.h) and share rxs_source_next() / rxs_source_close(), which add the
 * common policy (sticky errors, timestamp clamping, statistics) around the backend's next().
 */
#ifndef RXSIM_NIC_SOURCE_INT_H
#define RXSIM_NIC_SOURCE_INT_H

#include <stdint.h>
#include <stdio.h>

#include "nic/source.h"
#include "rxsim/nic.h"

/* Conversion buffer: the largest IP packet plus room for a synthetic link header. */
#define RXS__FRAME_BUF (65535 + 64)

/* Link types as written in capture files (LINKTYPE_*, not the platform's DLT_*). */
enum {
	RXS__LT_NULL = 0,
	RXS__LT_EN10MB = 1,
	RXS__LT_RAW = 101,
	RXS__LT_LOOP = 108,
	RXS__LT_LINUX_SLL = 113,
	RXS__LT_IPV4 = 228,
	RXS__LT_IPV6 = 229,
	RXS__LT_LINUX_SLL2 = 276,
};
#define RXS__LT_MASK 0x03FFFFFFu	/* libpcap's LT_LINKTYPE() */

/* Allocate a source with its frame buffer. NULL on allocation failure. */
rxs_source_t *rxs__source_alloc(const char *name, const struct rxs_source_opts *opts,
				const struct rxs__source_ops *ops);

/* Record "name: <fmt>" as @src's message and @err as its sticky error; returns @err. */
int rxs__source_fail(rxs_source_t *src, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Whether @lt (masked) is one we convert; DLT 12 and 14 count as RAW. */
int rxs__linktype_canon(uint32_t lt);
int rxs__linktype_supported(uint32_t lt);

/* "EN10MB (1), LINUX_SLL (113), ...": the supported link types, for messages. */
extern const char rxs__linktype_list[];

/* Turn one captured record of link type @lt into an Ethernet frame in @f (data, len,
 * wire_len, flags); the timestamp and number are the caller's. Always returns 1. */
int rxs__link_convert(rxs_source_t *src, uint32_t lt, const uint8_t *pkt, uint32_t caplen,
		      uint32_t origlen, struct rxs_frame *f);

/* The pcapng backend: @fp is positioned at the start of the file and owned by the source
 * from now on, even on failure. 0, or RXS_EPCAP / RXS_ELINKTYPE / -ENOMEM with @err set. */
int rxs__pcapng_open(rxs_source_t *src, FILE *fp, char *err, size_t errlen);

/* The Internet checksum, rxs__csum_partial() and rxs__csum_fold(), is in internal.h. */


/* Packet builders, for the UDP generator now and TCP later. Each writes one header at @p and
 * returns the byte after it. IPv4 headers get their checksum; @l4len is the payload length. */
uint8_t *rxs__put_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type);
uint8_t *rxs__put_ipv4(uint8_t *p, const struct rxs_addr *src, const struct rxs_addr *dst,
		       uint8_t proto, uint16_t id, uint16_t l4len);
uint8_t *rxs__put_ipv6(uint8_t *p, const struct rxs_addr *src, const struct rxs_addr *dst,
		       uint8_t proto, uint16_t l4len);
/* Unfolded sum of the IPv4 or IPv6 pseudo-header (by @dst->family) for a TCP/UDP checksum. */
uint32_t rxs__pseudo_sum(const struct rxs_addr *src, const struct rxs_addr *dst, uint8_t proto,
			 uint32_t l4len);

/* Frame @i of @g (clamped size) into @buf (>= 9000 bytes); returns its length. */
unsigned int rxs__gen_udp_frame(const struct rxs_gen_udp *g, uint64_t i, uint8_t *buf);
/* Timestamp of frame @i of @g in ns. */
uint64_t rxs__gen_ts(const struct rxs_gen_udp *g, uint64_t i);

/* Frame @i of the TCP generator @g into @buf (>= 9000 bytes); returns its length. */
unsigned int rxs__gen_tcp_frame(const struct rxs_gen_tcp *g, uint64_t i, uint8_t *buf);

/* Frame @i of a generator @ctx into @buf (>= 9000 bytes), its timestamp in @ts_ns; returns its
 * length. rxs__gen_pcap_write() writes @count of them to a microsecond Ethernet pcap at
 * @path: 0, or <0 with @err naming the file. */
typedef unsigned int (*rxs__gen_frame_fn)(const void *ctx, uint64_t i, uint8_t *buf,
					  uint64_t *ts_ns);
/* A source that yields the same @count frames in memory (keeps a copy of @ctx). */
int rxs__gen_source_open(rxs_source_t **srcp, const char *name, uint64_t count,
			 rxs__gen_frame_fn frame, const void *ctx, size_t ctx_size);
int rxs__gen_pcap_write(const char *path, uint64_t count, rxs__gen_frame_fn frame,
			const void *ctx, char *err, size_t errlen);

#endif /* RXSIM_NIC_SOURCE_INT_H */
