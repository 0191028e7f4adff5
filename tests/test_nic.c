/* test_nic.c - traffic sources: pcap/pcapng reading, link-type conversion, hostile files,
 * the UDP generator and the capture survey. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "rxsim/error.h"
#include "rxsim/nic.h"
#include "capw.h"

#define HOST 0x02, 0, 0, 0, 0, 0x01
#define PEER 0x02, 0, 0, 0, 0, 0x02
#define OTHER 0x02, 0, 0, 0, 0, 0x00	/* HOST with the last byte xor 1 */
#define SLLADDR 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
#define BCAST 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
#define MCAST 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01

static const RXS_OPTS(rxs_source_opts, test_opts, .host_mac = { HOST }, .peer_mac = { PEER });

/* A file image being built, in little- or big-endian order. */
struct buf {
	uint8_t d[16384];
	size_t n;
	int be;
};

static void put(struct buf *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof(b->d));
	if (n == 0)
		return;
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

static void put16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	if (b->be)
		rxs__put_be16(x, v);
	put(b, x, 2);
}

static void put32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	if (b->be)
		rxs__put_be32(x, v);
	put(b, x, 4);
}

static void pad4(struct buf *b)
{
	static const uint8_t zero[4];

	put(b, zero, (4 - b->n % 4) % 4);
}

static void pcap_hdr(struct buf *b, uint32_t magic, uint32_t linktype)
{
	put32(b, magic);
	put16(b, 2);
	put16(b, 4);
	put32(b, 0);
	put32(b, 0);
	put32(b, 262144);
	put32(b, linktype);
}

static void pcap_rec(struct buf *b, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len,
		     const void *data, size_t n)
{
	put32(b, sec);
	put32(b, frac);
	put32(b, caplen);
	put32(b, len);
	put(b, data, n);
}

/* pcapng: a whole block from a body built separately. */
static void ng_block(struct buf *b, uint32_t type, const struct buf *body)
{
	uint32_t len = (uint32_t)(12 + (body->n + 3) / 4 * 4);

	put32(b, type);
	put32(b, len);
	put(b, body->d, body->n);
	pad4(b);
	put32(b, len);
}

static void ng_shb(struct buf *b)
{
	struct buf body = { .be = b->be };

	put32(&body, 0x1A2B3C4D);
	put16(&body, 1);
	put16(&body, 0);
	put32(&body, 0xffffffff);
	put32(&body, 0xffffffff);
	ng_block(b, 0x0A0D0D0A, &body);
}

/* @tsresol < 0: no if_tsresol option (microseconds). */
static void ng_idb(struct buf *b, uint16_t linktype, int tsresol)
{
	struct buf body = { .be = b->be };
	uint8_t v = (uint8_t)tsresol;

	put16(&body, linktype);
	put16(&body, 0);
	put32(&body, 0);
	if (tsresol >= 0) {
		put16(&body, 9);
		put16(&body, 1);
		put(&body, &v, 1);
		pad4(&body);
		put32(&body, 0);	/* opt_endofopt */
	}
	ng_block(b, 1, &body);
}

static void ng_epb(struct buf *b, uint32_t ifid, uint64_t ts, const void *data, uint32_t n)
{
	struct buf body = { .be = b->be };

	put32(&body, ifid);
	put32(&body, (uint32_t)(ts >> 32));
	put32(&body, (uint32_t)ts);
	put32(&body, n);
	put32(&body, n);
	put(&body, data, n);
	ng_block(b, 6, &body);
}

static void write_file(const char *path, const struct buf *b)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(b->d, 1, b->n, fp), b->n);
	assert_int_equal(fclose(fp), 0);
}

static void tmp_path(void **state, char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", (const char *)*state, name);
}

/* (2) Link-type conversions, one record per hand-built file. */
#define SLL(pkttype, halen, proto) 0, pkttype, 0, 1, 0, halen, SLLADDR, 0, 0, \
	(proto) >> 8, (proto) & 0xff
#define SLL2(pkttype, proto) (proto) >> 8, (proto) & 0xff, 0, 0, 0, 0, 0, 2, 0, 1, pkttype, 6, \
	SLLADDR, 0, 0
#define IP4 0x45, 0x00, 0x00, 0x14
#define IP6 0x60, 0x00, 0x00, 0x00

static const struct link_case {
	int line;
	uint32_t linktype;
	uint8_t pkt[32];
	uint32_t caplen, origlen;
	uint8_t dst[6], src[6];
	uint16_t type;
	uint32_t len, wire_len;
	unsigned int flags;
} link_cases[] = {
	{ __LINE__, 1, { PEER, HOST, 0x08, 0x00, IP4 }, 18, 18, { PEER }, { HOST }, 0x0800, 18, 18, 0 },
	{ __LINE__, 1, { PEER, HOST }, 10, 60, { 0 }, { 0 }, 0, 0, 60, RXS_FRAME_F_LINK_TRUNC },
	{ __LINE__, 113, { SLL(0, 6, 0x0800), IP4 }, 20, 20, { HOST }, { SLLADDR }, 0x0800, 18, 18, 0 },
	{ __LINE__, 113, { SLL(1, 6, 0x0800), IP4 }, 20, 20, { BCAST }, { SLLADDR }, 0x0800, 18, 18, 0 },
	{ __LINE__, 113, { SLL(2, 6, 0x0800), IP4 }, 20, 20, { MCAST }, { SLLADDR }, 0x0800, 18, 18, 0 },
	{ __LINE__, 113, { SLL(3, 6, 0x0800), IP4 }, 20, 20, { OTHER }, { SLLADDR }, 0x0800, 18, 18, 0 },
	/* Outgoing: from the host's own MAC (a frame the replay skips as the host's), to a peer. */
	{ __LINE__, 113, { SLL(4, 6, 0x0800), IP4 }, 20, 20, { PEER }, { HOST }, 0x0800, 18, 18, 0 },
	{ __LINE__, 113, { SLL(0, 0, 0x86dd), IP6 }, 20, 20, { HOST }, { PEER }, 0x86dd, 18, 18, 0 },
	{ __LINE__, 113, { SLL(0, 6, 0x0004), IP4 }, 20, 20, { HOST }, { SLLADDR }, 0x0004, 18, 18, 0 },
	{ __LINE__, 113, { SLL(0, 6, 0x0800), IP4 }, 20, 100, { HOST }, { SLLADDR }, 0x0800, 18, 98,
	  RXS_FRAME_F_SNAPPED },
	{ __LINE__, 113, { SLL(0, 6, 0x0800) }, 10, 10, { 0 }, { 0 }, 0, 0, 10, RXS_FRAME_F_LINK_TRUNC },
	{ __LINE__, 276, { SLL2(0, 0x86dd), IP6 }, 24, 24, { HOST }, { SLLADDR }, 0x86dd, 18, 18, 0 },
	{ __LINE__, 276, { SLL2(4, 0x0800), IP4 }, 24, 24, { PEER }, { HOST }, 0x0800, 18, 18, 0 },
	{ __LINE__, 276, { SLL2(0, 0x0800) }, 19, 19, { 0 }, { 0 }, 0, 0, 19, RXS_FRAME_F_LINK_TRUNC },
	{ __LINE__, 101, { IP4 }, 4, 4, { HOST }, { PEER }, 0x0800, 18, 18, 0 },
	{ __LINE__, 101, { IP6 }, 4, 4, { HOST }, { PEER }, 0x86dd, 18, 18, 0 },
	{ __LINE__, 101, { 0x15 }, 1, 1, { HOST }, { PEER }, 0x0800, 15, 15, 0 },
	{ __LINE__, 101, { 0 }, 0, 0, { 0 }, { 0 }, 0, 0, 0, RXS_FRAME_F_LINK_TRUNC },
	{ __LINE__, 12, { IP6 }, 4, 4, { HOST }, { PEER }, 0x86dd, 18, 18, 0 },
	{ __LINE__, 228, { IP4 }, 4, 4, { HOST }, { PEER }, 0x0800, 18, 18, 0 },
	{ __LINE__, 229, { IP6 }, 4, 4, { HOST }, { PEER }, 0x86dd, 18, 18, 0 },
	{ __LINE__, 0, { 2, 0, 0, 0, IP4 }, 8, 8, { HOST }, { PEER }, 0x0800, 18, 18, 0 },
	{ __LINE__, 0, { 0, 0, 0, 24, IP6 }, 8, 8, { HOST }, { PEER }, 0x86dd, 18, 18, 0 },
	{ __LINE__, 0, { 30, 0, 0, 0, IP6 }, 8, 8, { HOST }, { PEER }, 0x86dd, 18, 18, 0 },
	{ __LINE__, 0, { 2, 0, 0 }, 3, 3, { 0 }, { 0 }, 0, 0, 3, RXS_FRAME_F_LINK_TRUNC },
	{ __LINE__, 108, { 0, 0, 0, 2, IP4 }, 8, 8, { HOST }, { PEER }, 0x0800, 18, 18, 0 },
	{ __LINE__, 108, { 0, 0, 0, 28, IP6 }, 8, 8, { HOST }, { PEER }, 0x86dd, 18, 18, 0 },
	{ __LINE__, 108, { 2, 0, 0, 0, IP4 }, 8, 8, { HOST }, { PEER }, 0x0000, 18, 18, 0 },
	{ __LINE__, 0x30000001, { PEER, HOST, 0x08, 0x00 }, 14, 14, { PEER }, { HOST }, 0x0800, 14,
	  14, 0 },
};

static void check_link_frame(const struct link_case *c, const struct rxs_frame *f)
{
	uint32_t hlen = c->caplen - (c->len - 14);

	if (f->len != c->len || f->wire_len != c->wire_len || f->flags != c->flags)
		fail_msg("case at line %d: len %u wire %u flags %u", c->line, f->len,
			 f->wire_len, f->flags);
	if (f->len == 0)
		return;
	if (memcmp(f->data, c->dst, 6) || memcmp(f->data + 6, c->src, 6) ||
	    rxs__get_be16(f->data + 12) != c->type)
		fail_msg("case at line %d: wrong Ethernet header", c->line);
	if (memcmp(f->data + 14, c->pkt + hlen, f->len - 14))
		fail_msg("case at line %d: payload differs", c->line);
}

static void test_link_convert(void **state)
{
	char path[512];

	for (size_t i = 0; i < ARRAY_SIZE(link_cases); i++) {
		const struct link_case *c = &link_cases[i];
		struct buf b = { .be = 0 };
		rxs_source_t *src;
		struct rxs_frame f;
		char err[512];
		int rc;

		pcap_hdr(&b, 0xa1b2c3d4, c->linktype);
		pcap_rec(&b, 1, 0, c->caplen, c->origlen, c->pkt, c->caplen);
		tmp_path(state, path, sizeof(path), "link.pcap");
		write_file(path, &b);
		rc = rxs_source_open_pcap(&src, path, &test_opts, err, sizeof(err));
		if (rc)
			fail_msg("case at line %d: open: %s", c->line, err);
		rc = rxs_source_next(src, &f);
		if (rc != 1)
			fail_msg("case at line %d: next %d: %s", c->line, rc, rxs_source_errmsg(src));
		check_link_frame(c, &f);
		assert_int_equal(rxs_source_next(src, &f), 0);
		rxs_source_close(src);
	}
}

static void test_link_unsupported(void **state)
{
	char path[512], err[512];
	struct buf b = { .be = 0 };
	rxs_source_t *src = (void *)1;

	pcap_hdr(&b, 0xa1b2c3d4, 127);
	tmp_path(state, path, sizeof(path), "radio.pcap");
	write_file(path, &b);
	assert_int_equal(rxs_source_open_pcap(&src, path, &test_opts, err, sizeof(err)),
			 RXS_ELINKTYPE);
	assert_null(src);
	assert_non_null(strstr(err, "radio.pcap: link type IEEE802_11_RADIO (127) is not "
				    "supported; supported: EN10MB (1), LINUX_SLL (113)"));
	assert_int_equal(rxs_source_open_pcap(&src, "/nonexistent/x.pcap", &test_opts, err,
					      sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "x.pcap"));
}

static const uint8_t eth64_opts[64] = { PEER, HOST, 0x08, 0x00, IP4 };

/* Options carry their size: a smaller struct (an older program) is read as far as it goes;
 * a larger one (a newer program) only when what this library does not know is zero. */
static const struct {
	int line;
	size_t sz;			/* what the caller says its struct is */
	uint8_t tail;			/* a byte past struct rxs_source_opts, in the larger one */
	int want;
} opts_cases[] = {
	{ __LINE__, sizeof(struct rxs_source_opts), 0, 0 },
	{ __LINE__, offsetof(struct rxs_source_opts, checksums), 0, 0 },	/* older */
	{ __LINE__, sizeof(size_t), 0, 0 },				/* only sz */
	{ __LINE__, sizeof(struct rxs_source_opts) + 8, 0, 0 },	/* newer, tail zero */
	{ __LINE__, sizeof(struct rxs_source_opts) + 8, 1, -EINVAL },	/* newer, asks more */
	{ __LINE__, 0, 0, -EINVAL },					/* never set */
	{ __LINE__, sizeof(size_t) - 1, 0, -EINVAL },
};

static void test_source_opts_size(void **state)
{
	char path[512], err[512];
	struct buf b = { .be = 0 };

	pcap_hdr(&b, 0xa1b2c3d4, 1);
	pcap_rec(&b, 1, 0, sizeof(eth64_opts), sizeof(eth64_opts), eth64_opts,
		 sizeof(eth64_opts));
	tmp_path(state, path, sizeof(path), "opts.pcap");
	write_file(path, &b);
	for (size_t i = 0; i < ARRAY_SIZE(opts_cases); i++) {
		struct {
			struct rxs_source_opts o;
			uint8_t more[8];
		} big;
		rxs_source_t *src = NULL;
		int rc;

		memset(&big, 0, sizeof(big));
		big.o = test_opts;
		big.o.sz = opts_cases[i].sz;
		big.more[3] = opts_cases[i].tail;
		rc = rxs_source_open_pcap(&src, path, &big.o, err, sizeof(err));
		if (rc != opts_cases[i].want)
			fail_msg("case at line %d: got %s (%s)", opts_cases[i].line, rxs_strerror(rc),
				 err);
		if (rc == 0) {
			struct rxs_frame f;

			assert_int_equal(rxs_source_next(src, &f), 1);
			assert_int_equal(f.len, sizeof(eth64_opts));
		} else {
			assert_null(src);
			assert_non_null(strstr(err, "opts.pcap: options of a size"));
		}
		rxs_source_close(src);
	}
	/* The survey's options follow the same rule. */
	for (size_t i = 0; i < ARRAY_SIZE(opts_cases); i++) {
		struct {
			struct rxs_capture_opts o;
			uint8_t more[8];
		} big;
		struct rxs_capture_survey sv;
		int rc;

		memset(&big, 0, sizeof(big));
		big.o.sz = opts_cases[i].sz == sizeof(struct rxs_source_opts) ?
			   sizeof(struct rxs_capture_opts) : opts_cases[i].sz;
		if (opts_cases[i].sz > sizeof(struct rxs_source_opts))
			big.o.sz = sizeof(struct rxs_capture_opts) + 8;
		big.more[3] = opts_cases[i].tail;
		rc = rxs_capture_survey_host(&sv, path, &big.o, err, sizeof(err));
		if (rc != opts_cases[i].want)
			fail_msg("case at line %d: survey got %s (%s)", opts_cases[i].line,
				 rxs_strerror(rc), err);
		if (rc == 0)
			assert_int_equal(sv.frames, 1);
		rxs_capture_survey_free(&sv);
	}
}

/*
 * Records read in bulk, past the reader's 128 KiB buffer many times over: lengths from 0
 * to 1600, runts (no MAC header), records shorter in the file than on the wire, and every
 * byte of each frame where the file has it. Frame i is i % 1601 bytes long and filled with
 * its number; every seventh claims 100 bytes more on the wire than it holds.
 */
static void test_pcap_bulk(void **state)
{
	enum { N = 3000 };
	RXS_OPTS(rxs_source_opts, verify, .checksums = RXS_CSUM_VERIFY);	/* bytes as filed */
	char path[512];
	uint8_t frame[1601];
	struct rxs_source_stats st;
	struct rxs_frame f;
	rxs_source_t *src;
	char err[512];
	FILE *fp;
	struct buf hdr = { .be = 0 };
	uint64_t runts = 0, snapped = 0;

	tmp_path(state, path, sizeof(path), "bulk.pcap");
	fp = fopen(path, "wb");
	assert_non_null(fp);
	pcap_hdr(&hdr, 0xa1b2c3d4, 1);
	assert_int_equal(fwrite(hdr.d, 1, hdr.n, fp), hdr.n);
	for (uint32_t i = 0; i < N; i++) {
		uint32_t rec[4] = { 1700000000u + i / 1000, (i % 1000) * 1000, i % 1601,
				    i % 1601 + (i % 7 ? 0 : 100) };

		memset(frame, (int)(i & 0xff), sizeof(frame));
		assert_int_equal(fwrite(rec, 4, 4, fp), 4);
		assert_int_equal(fwrite(frame, 1, rec[2], fp), rec[2]);
	}
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(rxs_source_open_pcap(&src, path, &verify, err, sizeof(err)), 0);
	for (uint32_t i = 0; i < N; i++) {
		uint32_t len = i % 1601, wire = len + (i % 7 ? 0 : 100);

		assert_int_equal(rxs_source_next(src, &f), 1);
		assert_int_equal(f.number, i + 1);
		assert_int_equal(f.ts_ns, (1700000000ull + i / 1000) * 1000000000ull +
					  (i % 1000) * 1000000ull);
		if (len < 14) {
			assert_int_equal(f.flags, RXS_FRAME_F_LINK_TRUNC);
			assert_int_equal(f.len, 0);
			runts++;
			continue;
		}
		assert_int_equal(f.len, len);
		assert_int_equal(f.wire_len, wire);
		assert_int_equal(f.flags, wire > len ? RXS_FRAME_F_SNAPPED : 0);
		snapped += wire > len;
		memset(frame, (int)(i & 0xff), len);
		assert_memory_equal(f.data, frame, len);
	}
	assert_int_equal(rxs_source_next(src, &f), 0);
	rxs_source_get_stats(src, &st);
	assert_int_equal(st.frames, N);
	assert_int_equal(st.link_trunc, runts);
	assert_int_equal(st.snapped, snapped);
	rxs_source_close(src);
}

/* (3) Hostile and unusual files. Each builder writes one file image. */
static const uint8_t eth64[64] = { PEER, HOST, 0x08, 0x00, IP4 };
static const uint8_t raw4[20] = { IP4 };

static void b_trunc_ghdr(struct buf *b)
{
	pcap_hdr(b, 0xa1b2c3d4, 1);
	b->n = 10;
}

static void b_trunc_rechdr(struct buf *b)
{
	pcap_hdr(b, 0xa1b2c3d4, 1);
	pcap_rec(b, 1, 0, 64, 64, eth64, 64);
	put32(b, 2);
	b->n += 1;
}

static void b_trunc_recdata(struct buf *b)
{
	pcap_hdr(b, 0xa1b2c3d4, 1);
	pcap_rec(b, 1, 0, 64, 64, eth64, 30);
}

static void b_huge_caplen(struct buf *b)
{
	pcap_hdr(b, 0xa1b2c3d4, 1);
	pcap_rec(b, 1, 0, 0x80000001u, 0x80000001u, eth64, 64);
}

static void b_zero_len(struct buf *b)
{
	pcap_hdr(b, 0xa1b2c3d4, 1);
	pcap_rec(b, 1, 0, 0, 0, NULL, 0);
	pcap_rec(b, 2, 0, 64, 64, eth64, 64);
}

static void b_bad_magic(struct buf *b)
{
	pcap_hdr(b, 0xdeadbeef, 1);
	pcap_rec(b, 1, 0, 64, 64, eth64, 64);
}

static void b_empty(struct buf *b)
{
	(void)b;
}

static void b_swapped(struct buf *b)
{
	b->be = 1;
	pcap_hdr(b, 0xa1b2c3d4, 1);
	pcap_rec(b, 3, 250000, 64, 64, eth64, 64);
}

static void b_nano(struct buf *b)
{
	pcap_hdr(b, 0xa1b23c4d, 1);
	pcap_rec(b, 1, 123456789, 64, 64, eth64, 64);
}

static void b_backwards(struct buf *b)
{
	pcap_hdr(b, 0xa1b2c3d4, 1);
	pcap_rec(b, 10, 0, 64, 64, eth64, 64);
	pcap_rec(b, 5, 0, 64, 64, eth64, 64);
	pcap_rec(b, 11, 0, 64, 64, eth64, 64);
}

/* Two interfaces of different link types, nanosecond RAW, and a block nobody knows. */
static void b_ng_two_ifs(struct buf *b)
{
	struct buf unknown = { .be = b->be };

	put32(&unknown, 0x12345678);
	ng_shb(b);
	ng_idb(b, 1, -1);
	ng_block(b, 0x0BAD, &unknown);
	ng_idb(b, 101, 9);
	ng_epb(b, 0, 1000000, eth64, 64);
	ng_epb(b, 1, 2000000000, raw4, 20);
}

static void b_ng_two_ifs_be(struct buf *b)
{
	b->be = 1;
	b_ng_two_ifs(b);
}

static void b_ng_past_eof(struct buf *b)
{
	ng_shb(b);
	ng_idb(b, 1, -1);
	ng_epb(b, 0, 1000000, eth64, 64);
	put32(b, 6);
	put32(b, 1000);
	put(b, eth64, 20);
}

static void b_ng_bad_if(struct buf *b)
{
	ng_shb(b);
	ng_idb(b, 1, -1);
	ng_idb(b, 127, -1);
	ng_epb(b, 0, 1000000, eth64, 64);
	ng_epb(b, 1, 2000000, eth64, 64);
}

static void b_ng_first_if_bad(struct buf *b)
{
	ng_shb(b);
	ng_idb(b, 105, -1);
	ng_epb(b, 0, 1000000, eth64, 64);
}

static void b_ng_no_if(struct buf *b)
{
	ng_shb(b);
	ng_epb(b, 0, 1000000, eth64, 64);
}

static void b_ng_caplen_past_block(struct buf *b)
{
	ng_shb(b);
	ng_idb(b, 1, -1);
	ng_epb(b, 0, 1000000, eth64, 64);
	b->d[b->n - 4 - 64 - 8] = 200;	/* the EPB's caplen, little-endian low byte */
}

static void b_ng_bad_trailer(struct buf *b)
{
	ng_shb(b);
	ng_idb(b, 1, -1);
	ng_epb(b, 0, 1000000, eth64, 64);
	b->d[b->n - 4] ^= 0x40;
}

/* 2^-20 s units: 3.5 s; then a Simple Packet Block, which keeps the previous time. */
static void b_ng_binary_res_spb(struct buf *b)
{
	struct buf spb = { .be = b->be };

	ng_shb(b);
	ng_idb(b, 1, 0x80 | 20);
	ng_epb(b, 0, (UINT64_C(3) << 20) | (UINT64_C(1) << 19), eth64, 64);
	put32(&spb, 64);
	put(&spb, eth64, 64);
	ng_block(b, 3, &spb);
}

/* A second section, big-endian, restarts interface numbering. */
static void b_ng_two_sections(struct buf *b)
{
	ng_shb(b);
	ng_idb(b, 1, -1);
	ng_epb(b, 0, 1000000, eth64, 64);
	b->be = 1;
	ng_shb(b);
	ng_idb(b, 101, 3);
	ng_epb(b, 0, 2000, raw4, 20);
}

static void b_ng_empty(struct buf *b)
{
	ng_shb(b);
	ng_idb(b, 1, -1);
}

static const struct hostile_case {
	int line;
	const char *name;
	void (*build)(struct buf *b);
	int open_rc;		/* from rxs_source_open_pcap */
	unsigned int frames;	/* frames before the end */
	int end_rc;		/* what next() returns after them */
	const char *msg;	/* in the open or next() message */
	uint64_t ts[3];		/* timestamps of the first frames */
	uint64_t backwards, converted;
} hostile_cases[] = {
	{ __LINE__, "h.pcap", b_trunc_ghdr, RXS_EPCAP, 0, 0, "h.pcap: ", { 0 }, 0, 0 },
	{ __LINE__, "h.pcap", b_trunc_rechdr, 0, 1, RXS_EPCAP, "h.pcap: packet 2: ", { 1000000000 },
	  0, 0 },
	{ __LINE__, "h.pcap", b_trunc_recdata, 0, 0, RXS_EPCAP, "h.pcap: packet 1: ", { 0 }, 0, 0 },
	{ __LINE__, "h.pcap", b_huge_caplen, 0, 0, RXS_EPCAP, "h.pcap: packet 1: ", { 0 }, 0, 0 },
	{ __LINE__, "h.pcap", b_zero_len, 0, 2, 0, "", { 1000000000, 2000000000 }, 0, 0 },
	{ __LINE__, "h.pcap", b_bad_magic, RXS_EPCAP, 0, 0, "h.pcap: ", { 0 }, 0, 0 },
	{ __LINE__, "h.pcap", b_empty, RXS_EPCAP, 0, 0, "h.pcap: ", { 0 }, 0, 0 },
	{ __LINE__, "h.pcap", b_swapped, 0, 1, 0, "", { 3250000000 }, 0, 0 },
	{ __LINE__, "h.pcap", b_nano, 0, 1, 0, "", { 1123456789 }, 0, 0 },
	{ __LINE__, "h.pcap", b_backwards, 0, 3, 0, "",
	  { 10000000000u, 10000000000u, 11000000000u }, 1, 0 },
	{ __LINE__, "h.pcapng", b_ng_two_ifs, 0, 2, 0, "", { 1000000000, 2000000000 }, 0, 1 },
	{ __LINE__, "h.pcapng", b_ng_two_ifs_be, 0, 2, 0, "", { 1000000000, 2000000000 }, 0, 1 },
	{ __LINE__, "h.pcapng", b_ng_past_eof, 0, 1, RXS_EPCAP,
	  "h.pcapng: packet 2: block at offset 144: block length runs past end of file",
	  { 1000000000 }, 0, 0 },
	{ __LINE__, "h.pcapng", b_ng_bad_if, 0, 1, RXS_ELINKTYPE,
	  "h.pcapng: packet 2: interface 1: link type IEEE802_11_RADIO (127) is not supported",
	  { 1000000000 }, 0, 0 },
	{ __LINE__, "h.pcapng", b_ng_first_if_bad, RXS_ELINKTYPE, 0, 0,
	  "h.pcapng: link type IEEE802_11 (105) is not supported; supported: EN10MB (1)", { 0 },
	  0, 0 },
	{ __LINE__, "h.pcapng", b_ng_no_if, RXS_EPCAP, 0, 0, "h.pcapng: packet 1: ", { 0 }, 0, 0 },
	{ __LINE__, "h.pcapng", b_ng_caplen_past_block, 0, 0, RXS_EPCAP,
	  "h.pcapng: packet 1: block at offset 48: captured length runs past its block", { 0 },
	  0, 0 },
	{ __LINE__, "h.pcapng", b_ng_bad_trailer, 0, 0, RXS_EPCAP, "h.pcapng: packet 1: ", { 0 },
	  0, 0 },
	{ __LINE__, "h.pcapng", b_ng_binary_res_spb, 0, 2, 0, "", { 3500000000u, 3500000000u }, 0,
	  0 },
	{ __LINE__, "h.pcapng", b_ng_two_sections, 0, 2, 0, "", { 1000000000, 2000000000 }, 0, 1 },
	{ __LINE__, "h.pcapng", b_ng_empty, 0, 0, 0, "", { 0 }, 0, 0 },
};

/* Read @src to its end; returns the last next() result and checks the frames on the way. */
static int read_hostile(const struct hostile_case *c, rxs_source_t *src, unsigned int *frames)
{
	struct rxs_frame f;
	int rc;

	while ((rc = rxs_source_next(src, &f)) == 1) {
		if (*frames < ARRAY_SIZE(c->ts) && f.ts_ns != c->ts[*frames])
			fail_msg("case at line %d: frame %u ts %llu", c->line, *frames,
				 (unsigned long long)f.ts_ns);
		if (f.number != *frames + 1 || f.len > f.wire_len)
			fail_msg("case at line %d: frame %u number/len", c->line, *frames);
		if (f.len == 0 && !(f.flags & RXS_FRAME_F_LINK_TRUNC))
			fail_msg("case at line %d: empty frame not flagged", c->line);
		(*frames)++;
	}
	return rc;
}

static void test_hostile(void **state)
{
	char path[512];

	for (size_t i = 0; i < ARRAY_SIZE(hostile_cases); i++) {
		const struct hostile_case *c = &hostile_cases[i];
		struct buf b = { .be = 0 };
		struct rxs_source_stats st;
		unsigned int frames = 0;
		rxs_source_t *src;
		char err[512] = "";
		int rc;

		c->build(&b);
		tmp_path(state, path, sizeof(path), c->name);
		write_file(path, &b);
		rc = rxs_source_open_pcap(&src, path, &test_opts, err, sizeof(err));
		if (rc != c->open_rc || (rc && !strstr(err, c->msg)))
			fail_msg("case at line %d: open %d: %s", c->line, rc, err);
		if (rc)
			continue;
		rc = read_hostile(c, src, &frames);
		rxs_source_get_stats(src, &st);
		if (rc != c->end_rc || frames != c->frames || !strstr(rxs_source_errmsg(src), c->msg))
			fail_msg("case at line %d: end %d after %u frames: %s", c->line, rc, frames,
				 rxs_source_errmsg(src));
		if (st.ts_backwards != c->backwards || st.link_converted != c->converted)
			fail_msg("case at line %d: stats", c->line);
		/* Errors are sticky: the source stays at its end. */
		assert_int_equal(rxs_source_next(src, &(struct rxs_frame){ 0 }), c->end_rc);
		rxs_source_close(src);
	}
}

/* (1) Every file of the tcpdump corpus, against index.tsv. */
struct index_ent {
	char file[128];
	long packets;
	long linktype;
};

static struct index_ent *load_index(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "r");
	struct index_ent *ents = calloc(2048, sizeof(*ents));
	char line[1024];

	assert_non_null(fp);
	assert_non_null(ents);
	*n = 0;
	while (fgets(line, sizeof(line), fp) && *n < 2048) {
		char file[128], format[16], lt[64];
		const char *paren;
		long packets;

		if (sscanf(line, "%127s %15s %63s %ld", file, format, lt, &packets) != 4)
			continue;	/* the header line */
		paren = strrchr(lt, '(');
		snprintf(ents[*n].file, sizeof(ents[*n].file), "%s", file);
		ents[*n].packets = packets;
		ents[*n].linktype = paren ? strtol(paren + 1, NULL, 10) : -1;
		(*n)++;
	}
	fclose(fp);
	return ents;
}

static const struct index_ent *find_index(const struct index_ent *ents, size_t n, const char *f)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ents[i].file, f))
			return &ents[i];
	return NULL;
}

static int index_supported(long lt)
{
	static const long ok[] = { 1, 113, 276, 101, 228, 229, 0, 108 };

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (lt == ok[i])
			return 1;
	return 0;
}

struct corpus_sum {
	unsigned int files, read, refused;
	uint64_t frames, backwards, trunc, converted;
};

static void corpus_file(const char *dir, const struct index_ent *ie, struct corpus_sum *sum)
{
	char path[1024], err[512] = "";
	struct rxs_source_stats st;
	rxs_source_t *src;
	struct rxs_frame f;
	uint64_t frames = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, ie->file);
	rc = rxs_source_open_pcap(&src, path, &test_opts, err, sizeof(err));
	if (rc) {
		if ((rc != RXS_ELINKTYPE && rc != RXS_EPCAP) || !strstr(err, ie->file))
			fail_msg("%s: open %d: %s", ie->file, rc, err);
		if (rc != RXS_ELINKTYPE || index_supported(ie->linktype))
			fail_msg("%s: refused a supported file: %s", ie->file, err);
		sum->refused++;
		return;
	}
	while ((rc = rxs_source_next(src, &f)) == 1)
		frames++;
	rxs_source_get_stats(src, &st);
	sum->backwards += st.ts_backwards;
	sum->trunc += st.link_trunc;
	sum->converted += st.link_converted;
	if (rc < 0 && !strstr(rxs_source_errmsg(src), ie->file))
		fail_msg("%s: message without the file name: %s", ie->file, rxs_source_errmsg(src));
	if (rc < 0 || (long)frames != ie->packets)
		fail_msg("%s: %llu frames, index says %ld (%s)", ie->file,
			 (unsigned long long)frames, ie->packets, rxs_source_errmsg(src));
	rxs_source_close(src);
	sum->read++;
	sum->frames += frames;
}

static void test_corpus(void **state)
{
	const char *dir = RXS_TESTDATA_DIR "/pcaps/tcpdump-tests";
	struct corpus_sum sum = { 0 };
	struct index_ent *ents;
	struct dirent *de;
	size_t n;
	DIR *d;

	(void)state;
	ents = load_index(RXS_TESTDATA_DIR "/pcaps/index.tsv", &n);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		const struct index_ent *ie;

		if (de->d_name[0] == '.')
			continue;
		ie = find_index(ents, n, de->d_name);
		if (!ie)
			fail_msg("%s: not in index.tsv", de->d_name);
		sum.files++;
		corpus_file(dir, ie, &sum);
	}
	closedir(d);
	free(ents);
	printf("corpus: %u files, %u read, %llu frames, %u refused by link type; %llu frames "
	       "converted, %llu link-truncated, %llu timestamps clamped\n", sum.files, sum.read,
	       (unsigned long long)sum.frames, sum.refused, (unsigned long long)sum.converted,
	       (unsigned long long)sum.trunc, (unsigned long long)sum.backwards);
	assert_int_equal(sum.files, n);
}

/* (4) The UDP generator, checked by libpcap and an independent checksum. */
static uint16_t ref_csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i < n; i++)
		sum += i % 2 ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;	/* 0xffff when the data checks out */
}

static void gen_config(struct rxs_gen_udp *g, int family, unsigned int size)
{
	static const uint8_t d6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

	memset(g, 0, sizeof(*g));
	memcpy(g->dst_mac, (uint8_t[6]){ HOST }, 6);
	memcpy(g->src_mac, (uint8_t[6]){ PEER }, 6);
	g->dst.family = g->src.family = family;
	memcpy(g->dst.addr, family == AF_INET ? (const uint8_t *)"\x0a\0\0\x01" : d6,
	       family == AF_INET ? 4 : 16);
	memcpy(g->src.addr, family == AF_INET ? (const uint8_t *)"\x0a\0\0\x02" : s6,
	       family == AF_INET ? 4 : 16);
	g->dport = 5001;
	g->flows = 4;
	g->size = size;
	g->rate_pps = 1000;
	g->count = 1000;
	g->start_ns = UINT64_C(1700000000) * 1000000000u;
}

/* UDP checksum over the pseudo-header, as a receiver verifies it. */
static uint16_t ref_udp_csum(const uint8_t *ip, int v6, const uint8_t *udp, uint16_t ulen)
{
	uint32_t sum = 17 + ulen;

	sum += ref_csum(v6 ? ip + 8 : ip + 12, v6 ? 32 : 8, 0);
	return ref_csum(udp, ulen, sum);
}

static void check_gen_frame(int line, const uint8_t *p, uint32_t len, uint64_t i, int v6)
{
	const uint8_t *ip = p + 14, *udp = ip + (v6 ? 40 : 20);
	uint16_t ulen = rxs__get_be16(udp + 4);

	if (ulen != len - (udp - p) || rxs__get_be16(udp) != 10000 + i % 4 ||
	    rxs__get_be16(udp + 2) != 5001)
		fail_msg("case at line %d: frame %llu: UDP header", line, (unsigned long long)i);
	if (ref_udp_csum(ip, v6, udp, ulen) != 0xffff)
		fail_msg("case at line %d: frame %llu: UDP checksum", line, (unsigned long long)i);
	if (v6 && (ip[0] != 0x60 || ip[7] != 64 || rxs__get_be16(ip + 4) != ulen))
		fail_msg("case at line %d: frame %llu: IPv6 header", line, (unsigned long long)i);
	if (!v6 && (ref_csum(ip, 20, 0) != 0xffff || ip[8] != 64 ||
		    rxs__get_be16(ip + 4) != (uint16_t)i || rxs__get_be16(ip + 2) != len - 14))
		fail_msg("case at line %d: frame %llu: IPv4 header", line, (unsigned long long)i);
}

static const struct gen_case {
	int line;
	int family;
	unsigned int size, want;
} gen_cases[] = {
	{ __LINE__, AF_INET, 100, 100 },
	{ __LINE__, AF_INET, 10, 42 },
	{ __LINE__, AF_INET, 1515, 1515 },
	{ __LINE__, AF_INET6, 10, 62 },
	{ __LINE__, AF_INET6, 20000, 9000 },
};

static void check_gen_file(const struct gen_case *c, const char *path, rxs_source_t *src)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, ebuf);
	struct pcap_pkthdr *h;
	const u_char *data;
	struct rxs_frame f;
	uint64_t i = 0;

	assert_non_null(p);
	for (; pcap_next_ex(p, &h, &data) == 1; i++) {
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec * 1000;

		if (h->caplen != c->want || h->len != c->want ||
		    ts != UINT64_C(1700000000) * 1000000000u + i * 1000000)
			fail_msg("case at line %d: frame %llu size/time", c->line,
				 (unsigned long long)i);
		check_gen_frame(c->line, data, h->caplen, i, c->family == AF_INET6);
		if (rxs_source_next(src, &f) != 1 || f.len != h->caplen || f.ts_ns != ts ||
		    memcmp(f.data, data, f.len))
			fail_msg("case at line %d: frame %llu: source differs from the file",
				 c->line, (unsigned long long)i);
	}
	pcap_close(p);
	assert_int_equal(i, 1000);
	assert_int_equal(rxs_source_next(src, &f), 0);
}

static void test_gen_udp(void **state)
{
	char path[512], err[512];

	for (size_t i = 0; i < ARRAY_SIZE(gen_cases); i++) {
		const struct gen_case *c = &gen_cases[i];
		struct rxs_gen_udp g;
		rxs_source_t *src;

		gen_config(&g, c->family, c->size);
		tmp_path(state, path, sizeof(path), "gen.pcap");
		if (rxs_gen_udp_pcap(&g, path, err, sizeof(err)))
			fail_msg("case at line %d: %s", c->line, err);
		assert_int_equal(rxs_source_open_gen_udp(&src, &g), 0);
		check_gen_file(c, path, src);
		rxs_source_close(src);
	}
	assert_int_equal(rxs_gen_udp_pcap(&(struct rxs_gen_udp){ 0 }, path, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(rxs_gen_udp_pcap(&(struct rxs_gen_udp){ .dst.family = AF_INET },
					  "/nonexistent/gen.pcap", err, sizeof(err)), -ENOENT);
}

/* (4b) The TCP generator: headers, options and checksums checked independently. */
static void tcp_gen_config(struct rxs_gen_tcp *t, int family, enum rxs_gen_tcp_kind kind,
			   unsigned int size)
{
	struct rxs_gen_udp g;

	gen_config(&g, family, 0);
	memset(t, 0, sizeof(*t));
	memcpy(t->dst_mac, g.dst_mac, 6);
	memcpy(t->src_mac, g.src_mac, 6);
	t->dst = g.dst;
	t->src = g.src;
	t->dport = 80;
	t->kind = kind;
	t->sources = 7;
	t->flows = 3;
	t->size = size;
	t->seed = 42;
	t->rate_pps = g.rate_pps;
	t->count = g.count;
	t->start_ns = g.start_ns;
}

static const struct tcp_case {
	int line;
	int family;
	enum rxs_gen_tcp_kind kind;
	unsigned int size, want;
} tcp_cases[] = {
	{ __LINE__, AF_INET, RXS_GEN_SYN_FLOOD, 0, 74 },
	{ __LINE__, AF_INET6, RXS_GEN_SYN_FLOOD, 500, 94 },	/* size is for data only */
	{ __LINE__, AF_INET, RXS_GEN_TCP_FLOWS, 0, 1514 },	/* 1448 bytes of payload */
	{ __LINE__, AF_INET6, RXS_GEN_TCP_FLOWS, 0, 1514 },	/* 1428 */
	{ __LINE__, AF_INET, RXS_GEN_TCP_FLOWS, 200, 200 },
	{ __LINE__, AF_INET, RXS_GEN_TCP_FLOWS, 10, 67 },	/* raised to 1 payload byte */
	{ __LINE__, AF_INET6, RXS_GEN_TCP_FLOWS, 20000, 9000 },
};

/* The SYN options of a Linux client, in its order: MSS, SACK_PERM, TS, NOP, WSCALE 7. */
static bool syn_options_ok(const uint8_t *o, int v6)
{
	return o[0] == 2 && o[1] == 4 && rxs__get_be16(o + 2) == (v6 ? 1440 : 1460) &&
	       o[4] == 4 && o[5] == 2 && o[6] == 8 && o[7] == 10 && rxs__get_be32(o + 12) == 0 &&
	       o[16] == 1 && o[17] == 3 && o[18] == 3 && o[19] == 7;
}

/* Frame @i of case @c: headers, checksums and options; sequence numbers in @seq per flow. */
static void check_tcp_frame(const struct tcp_case *c, const uint8_t *p, uint32_t len, uint64_t i,
			    uint32_t seq[3])
{
	int v6 = c->family == AF_INET6;
	const uint8_t *ip = p + 14, *tcp = ip + (v6 ? 40 : 20);
	uint16_t l4len = (uint16_t)(len - (tcp - p));
	uint32_t sum = 6 + l4len + ref_csum(v6 ? ip + 8 : ip + 12, v6 ? 32 : 8, 0);
	unsigned int doff = (unsigned int)(tcp[12] >> 4) * 4, f = (unsigned int)(i % 3);
	const uint8_t *saddr = v6 ? ip + 8 : ip + 12;
	unsigned int want_src = c->kind == RXS_GEN_SYN_FLOOD ? 2 + (unsigned int)(i % 7) : 2;

	if (ref_csum(tcp, l4len, sum) != 0xffff || rxs__get_be16(tcp + 2) != 80 ||
	    saddr[v6 ? 15 : 3] != want_src)
		fail_msg("case at line %d: frame %llu: TCP checksum, port or source", c->line,
			 (unsigned long long)i);
	if (!v6 && (ref_csum(ip, 20, 0) != 0xffff || ip[9] != 6 ||
		    rxs__get_be16(ip + 2) != len - 14))
		fail_msg("case at line %d: frame %llu: IPv4 header", c->line, (unsigned long long)i);
	if (c->kind == RXS_GEN_SYN_FLOOD) {
		if (tcp[13] != 0x02 || doff != 40 || !syn_options_ok(tcp + 20, v6) ||
		    rxs__get_be16(tcp) < 1024)
			fail_msg("case at line %d: frame %llu: SYN", c->line, (unsigned long long)i);
		return;
	}
	if (tcp[13] != 0x18 || doff != 32 || tcp[20] != 1 || tcp[21] != 1 || tcp[22] != 8 ||
	    rxs__get_be16(tcp) != 10000 + f || (i >= 3 && rxs__get_be32(tcp + 4) != seq[f]))
		fail_msg("case at line %d: frame %llu: data segment", c->line, (unsigned long long)i);
	seq[f] = rxs__get_be32(tcp + 4) + (len - 14 - (unsigned int)(tcp - ip) - doff);
}

/* Read @path with libpcap: every frame checked, equal to @src's, @count of them. Returns how
 * many distinct source ports the file has. */
static unsigned int check_tcp_file(const struct tcp_case *c, const char *path, rxs_source_t *src)
{
	static uint8_t seen[65536];
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, ebuf);
	struct pcap_pkthdr *h;
	const u_char *data;
	struct rxs_frame f;
	uint32_t seq[3] = { 0 };
	unsigned int ports = 0;
	uint64_t i = 0;

	assert_non_null(p);
	memset(seen, 0, sizeof(seen));
	for (; pcap_next_ex(p, &h, &data) == 1; i++) {
		uint16_t sport = rxs__get_be16(data + 14 + (c->family == AF_INET6 ? 40 : 20));

		if (h->caplen != c->want || h->len != c->want)
			fail_msg("case at line %d: frame %llu: %u bytes, want %u", c->line,
				 (unsigned long long)i, h->caplen, c->want);
		check_tcp_frame(c, data, h->caplen, i, seq);
		if (rxs_source_next(src, &f) != 1 || f.len != h->caplen ||
		    memcmp(f.data, data, f.len))
			fail_msg("case at line %d: frame %llu: source differs from the file",
				 c->line, (unsigned long long)i);
		ports += !seen[sport];
		seen[sport] = 1;
	}
	pcap_close(p);
	assert_int_equal(i, 1000);
	assert_int_equal(rxs_source_next(src, &f), 0);
	return ports;
}

/* The whole file as bytes, to compare two runs of the generator. */
static size_t slurp(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void test_gen_tcp(void **state)
{
	static uint8_t a[1 << 21], b[1 << 21];
	char path[512], err[512];

	for (size_t i = 0; i < ARRAY_SIZE(tcp_cases); i++) {
		const struct tcp_case *c = &tcp_cases[i];
		struct rxs_gen_tcp t;
		rxs_source_t *src;
		unsigned int ports;
		size_t n;

		tcp_gen_config(&t, c->family, c->kind, c->size);
		tmp_path(state, path, sizeof(path), "tcp.pcap");
		if (rxs_gen_tcp_pcap(&t, path, err, sizeof(err)))
			fail_msg("case at line %d: %s", c->line, err);
		assert_int_equal(rxs_source_open_gen_tcp(&src, &t), 0);
		ports = check_tcp_file(c, path, src);
		rxs_source_close(src);
		/* SYNs: nearly every one from its own port; flows: one port per flow. */
		if (c->kind == RXS_GEN_SYN_FLOOD ? ports < 950 : ports != 3)
			fail_msg("case at line %d: %u source ports", c->line, ports);
		n = slurp(path, a, sizeof(a));
		assert_int_equal(rxs_gen_tcp_pcap(&t, path, err, sizeof(err)), 0);
		if (slurp(path, b, sizeof(b)) != n || memcmp(a, b, n))
			fail_msg("case at line %d: not deterministic", c->line);
		t.seed++;
		assert_int_equal(rxs_gen_tcp_pcap(&t, path, err, sizeof(err)), 0);
		if (slurp(path, b, sizeof(b)) == n && !memcmp(a, b, n))
			fail_msg("case at line %d: the seed changes nothing", c->line);
	}
}

static void test_gen_tcp_invalid(void **state)
{
	struct rxs_gen_tcp t;
	rxs_source_t *src = NULL;
	char path[512], err[512];

	tmp_path(state, path, sizeof(path), "tcp.pcap");
	tcp_gen_config(&t, AF_INET6, RXS_GEN_SYN_FLOOD, 0);
	t.src.family = AF_INET;		/* a mixed pair has no pseudo-header */
	assert_int_equal(rxs_gen_tcp_pcap(&t, path, err, sizeof(err)), -EINVAL);
	assert_int_equal(rxs_source_open_gen_tcp(&src, &t), -EINVAL);
	assert_null(src);
	tcp_gen_config(&t, AF_INET, RXS_GEN_TCP_FLOWS, 0);
	t.flows = 55536;		/* more than the source ports 10000..65534 */
	assert_int_equal(rxs_gen_tcp_pcap(&t, path, err, sizeof(err)), -EINVAL);
	t.flows = 3;
	assert_int_equal(rxs_gen_tcp_pcap(&t, "/nonexistent/tcp.pcap", err, sizeof(err)),
			 -ENOENT);
}

/* (5) The survey of generated traffic finds its one destination. */
static void test_survey(void **state)
{
	static const struct { int line; int family; unsigned int addrlen; } cases[] = {
		{ __LINE__, AF_INET, 4 },
		{ __LINE__, AF_INET6, 16 },
	};
	char path[512], err[512];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rxs_capture_survey sv;
		struct rxs_gen_udp g;

		gen_config(&g, cases[i].family, 200);
		tmp_path(state, path, sizeof(path), "survey.pcap");
		assert_int_equal(rxs_gen_udp_pcap(&g, path, err, sizeof(err)), 0);
		if (rxs_capture_survey(&sv, path, err, sizeof(err)))
			fail_msg("case at line %d: %s", cases[i].line, err);
		if (sv.frames != 1000 || sv.nmacs != 1 || memcmp(sv.macs[0], g.dst_mac, 6) ||
		    sv.naddrs != 1 || sv.addrs[0].family != g.dst.family ||
		    memcmp(sv.addrs[0].addr, g.dst.addr, cases[i].addrlen) || sv.nports != 1 ||
		    sv.ports[0].proto != 17 || sv.ports[0].port != 5001)
			fail_msg("case at line %d: wrong survey", cases[i].line);
		rxs_capture_survey_free(&sv);
	}
	assert_int_equal(rxs_capture_survey(&(struct rxs_capture_survey){ 0 }, "/nonexistent.pcap",
					    err, sizeof(err)), -ENOENT);
}

/* (5b) A capture that opens with another station's traffic: the survey guesses the host's
 * MAC from the first frames, and the whole file names another. It takes the whole file's
 * (as two exact passes do) and counts from that host's side: what a pick of that MAC gives. */
static void test_survey_late_host(void **state)
{
	static const uint8_t a[6] = { 2, 0, 0, 0, 0, 0xa }, b[6] = { 2, 0, 0, 0, 0, 0xb };
	static const uint8_t peer[6] = { 2, 0, 0, 0, 0, 1 };
	struct rxs_capture_survey sv, want;
	char path[512], err[512];
	struct capw w;

	tmp_path(state, path, sizeof(path), "late.pcap");
	capw_open(&w, path, CAPW_EN10MB);
	for (unsigned int i = 0; i < 30000; i++) {
		bool first = i < 10000;
		struct fr f;

		capw_udp(&f, first ? a : b, peer, false, 0, "10.0.0.1",
			 first ? "10.0.0.10" : "10.0.0.11", (uint16_t)(40000 + i % 3),
			 first ? 53 : 5001, 18);
		capw_add(&w, &f);
	}
	capw_close(&w);
	if (rxs_capture_survey(&sv, path, err, sizeof(err)) ||
	    rxs_capture_survey_mac(&want, path, b, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(sv.nmacs, 2);
	assert_memory_equal(sv.macs[0], b, 6);
	assert_memory_equal(sv.host_mac, b, 6);
	assert_int_equal(sv.frames, 30000);
	assert_int_equal(sv.to_host, 20000);
	assert_int_equal(sv.to_host, want.to_host);
	assert_int_equal(sv.naddrs, 1);
	assert_int_equal(sv.addr_frames[0], 20000);
	assert_int_equal(sv.nports, want.nports);
	assert_int_equal(sv.nports, 1);
	assert_int_equal(sv.ports[0].port, 5001);
	rxs_capture_survey_free(&sv);
	rxs_capture_survey_free(&want);
}

/* One ICMP message from @smac to @dmac: @type/@code, quoting @quote (@qlen bytes) or echo. */
static void survey_icmp(struct fr *f, const uint8_t dmac[6], const uint8_t smac[6],
			const char *src, const char *dst, uint8_t type, uint8_t code,
			const void *quote, size_t qlen)
{
	struct rxs_frame_spec s = { .src = src, .dst = dst, .icmp_type = type, .icmp_code = code,
				    .icmp_id = 7, .icmp_seq = 1 };

	memset(f, 0, sizeof(*f));
	memcpy(s.dst_mac, dmac, 6);
	memcpy(s.src_mac, smac, 6);
	s.payload = quote;
	s.payload_len = qlen;
	fr_built(f, rxs_frame_icmp(f->d, sizeof(f->d), &s), false);
}

/*
 * (5c) The host is the station the capture's requests go to: frames that answer their
 * receiver (SYN-ACKs and their retransmits, resets, echo replies, port unreachables) count
 * below every other, so a server's capture names the server even where its answers
 * outnumber the requests or tie with them, and the server's MAC sorts after the client's.
 * Its answers also say which ports were closed: no listener where it reset the SYNs, no
 * socket where it sent port unreachables, as rxs_scenario_for_capture() then builds it; and
 * a host that sent frames but answered no echo request ignores them (icmp_echo_ignore_all).
 */
static void test_survey_answers(void **state)
{
	enum { SYNFLOOD, ECHO, UDP_CLOSED, TCP_CLOSED, ECHO_IGNORED };
	static const struct {
		int line;
		int kind;
		unsigned int requests, answers;	/* frames each way */
		uint16_t port;
		unsigned int nsockets;		/* of the scenario built from the capture */
		bool ignore_echo;		/* it sets net.ipv4.icmp_echo_ignore_all */
	} cases[] = {
		{ __LINE__, SYNFLOOD, 40, 160, 5001, 1, false },	/* SYN-ACKs retransmitted 3 times */
		{ __LINE__, ECHO, 10, 10, 0, 0, false },
		{ __LINE__, UDP_CLOSED, 20, 6, 6200, 0, false },	/* the ICMP rate limit's 6 */
		{ __LINE__, TCP_CLOSED, 10, 10, 5100, 0, false },
		/* no reply to an echo, from a host whose frames the capture holds (a datagram) */
		{ __LINE__, ECHO_IGNORED, 10, 1, 0, 0, true },
	};
	static const uint8_t cli[6] = { 2, 0, 0, 0, 0, 0x0a }, srv[6] = { 2, 0, 0, 0, 0, 0x0b };
	char path[512], err[512];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rxs_capture_survey sv;
		struct rxs_scenario *sc;
		const struct rxs_capture_port *port = NULL;
		struct capw w;
		struct fr f, q;

		tmp_path(state, path, sizeof(path), "answers.pcap");
		capw_open(&w, path, CAPW_EN10MB);
		for (unsigned int r = 0; r < cases[i].requests; r++) {
			uint16_t sport = (uint16_t)(40000 + r);

			switch (cases[i].kind) {
			case SYNFLOOD:
			case TCP_CLOSED:
				capw_tcp(&f, srv, cli, "10.0.0.1", "10.0.0.2", sport, cases[i].port,
					 0x02, 1000 * r, 0, 0);
				break;
			case ECHO:
			case ECHO_IGNORED:
				survey_icmp(&f, srv, cli, "10.0.0.1", "10.0.0.2", 8, 0, NULL, 0);
				break;
			case UDP_CLOSED:
				capw_udp(&f, srv, cli, false, 0, "10.0.0.1", "10.0.0.2", sport,
					 cases[i].port, 20);
				break;
			}
			capw_add(&w, &f);
			if (r >= cases[i].answers)
				continue;
			switch (cases[i].kind) {
			case SYNFLOOD:
				for (unsigned int k = 0; k < cases[i].answers / cases[i].requests; k++) {
					capw_tcp(&q, cli, srv, "10.0.0.2", "10.0.0.1", cases[i].port,
						 sport, 0x12, 7, 1000 * r + 1, 0);
					capw_add(&w, &q);
				}
				break;
			case TCP_CLOSED:
				capw_tcp(&q, cli, srv, "10.0.0.2", "10.0.0.1", cases[i].port, sport,
					 0x14, 0, 1000 * r + 1, 0);
				capw_add(&w, &q);
				break;
			case ECHO:
				survey_icmp(&q, cli, srv, "10.0.0.2", "10.0.0.1", 0, 0, NULL, 0);
				capw_add(&w, &q);
				break;
			case ECHO_IGNORED:
				capw_udp(&q, cli, srv, false, 0, "10.0.0.2", "10.0.0.1", 53, 53, 20);
				capw_add(&w, &q);
				break;
			case UDP_CLOSED:	/* icmp_send() quotes the IP header and 8 bytes */
				survey_icmp(&q, cli, srv, "10.0.0.2", "10.0.0.1", 3, 3, f.d + 14,
					    28);
				capw_add(&w, &q);
				break;
			}
		}
		capw_close(&w);
		if (rxs_capture_survey(&sv, path, err, sizeof(err)))
			fail_msg("case at line %d: %s", cases[i].line, err);
		if (memcmp(sv.host_mac, srv, 6))
			fail_msg("case at line %d: the host is %02x, not the server", cases[i].line,
				 sv.host_mac[5]);
		for (unsigned int p = 0; p < sv.nports; p++)
			if (sv.ports[p].port == cases[i].port)
				port = &sv.ports[p];
		if (cases[i].port && (!port || port->in != cases[i].requests ||
				      port->rst_out != (cases[i].kind == TCP_CLOSED ? 10u : 0u) ||
				      port->unreach_out != (cases[i].kind == UDP_CLOSED ? 6u : 0u)))
			fail_msg("case at line %d: port %u's evidence", cases[i].line,
				 cases[i].port);
		rxs_capture_survey_free(&sv);
		if (rxs_scenario_for_capture(&sc, path, err, sizeof(err)))
			fail_msg("case at line %d: %s", cases[i].line, err);
		if (sc->nsockets != cases[i].nsockets)
			fail_msg("case at line %d: %u sockets, want %u", cases[i].line,
				 sc->nsockets, cases[i].nsockets);
		if (sc->sysctl_set[RXS_SYSCTL_ICMP_ECHO_IGNORE_ALL] != cases[i].ignore_echo ||
		    rxs_scenario_sysctl(sc, RXS_SYSCTL_ICMP_ECHO_IGNORE_ALL) != cases[i].ignore_echo)
			fail_msg("case at line %d: icmp_echo_ignore_all", cases[i].line);
		rxs_scenario_free(sc);
	}
}

/* Survey every corpus file that opens: no crash, and the counts stay consistent. */
static void test_survey_corpus(void **state)
{
	const char *dir = RXS_TESTDATA_DIR "/pcaps/tcpdump-tests";
	unsigned long files = 0, ports = 0, addrs = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		struct rxs_capture_survey sv;
		char path[1024], err[512];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (rxs_capture_survey(&sv, path, err, sizeof(err)))
			continue;
		for (unsigned int i = 1; i < sv.nports; i++)
			assert_true(sv.ports[i - 1].proto < sv.ports[i].proto ||
				    (sv.ports[i - 1].proto == sv.ports[i].proto &&
				     sv.ports[i - 1].port < sv.ports[i].port));
		files++;
		ports += sv.nports;
		addrs += sv.naddrs;
		rxs_capture_survey_free(&sv);
	}
	closedir(d);
	printf("survey: %lu files, %lu addresses, %lu ports\n", files, addrs, ports);
}

/* (5d) Runs of frames. The survey counts consecutive frames that say the same to it at once,
 * and compares most of them on their raw bytes; these cases pin that to the frame-by-frame
 * count. Each writes base frames (a TCP SYN, or a UDP datagram, from 10.0.0.1:40000 to the
 * host 10.0.0.2:80) and a variant that differs in one thing or is cut short, in runs
 * (BBBVVBVVBBB), and the same frames each after a frame that counts for nothing (so no two
 * form a run); both surveys must agree, and give the counts the case names. */
enum vary {
	VARY_NONE,		/* the base frame */
	VARY_UNREAD,		/* TTL, TOS, IP id, DF, a payload: nothing the survey reads */
	VARY_DST_MAC,
	VARY_SRC_MAC,		/* from the host's MAC: the host's own frame */
	VARY_ETHERTYPE,		/* 0x0900: not IP */
	VARY_VLAN,
	VARY_IPV6,
	VARY_SADDR,
	VARY_DADDR,
	VARY_PROTO,		/* TCP for UDP, or UDP for TCP */
	VARY_SPORT,
	VARY_DPORT,
	VARY_SYNACK,
	VARY_ACK,
	VARY_FRAG,		/* a later fragment: no ports */
	VARY_MF,		/* a first fragment: its ports are there */
	VARY_IHL6,		/* 4 bytes of IP options that read as the base's ports, where a
				 * header without options has them; port 81 after them */
};

static const struct vary_case {
	int line;
	bool udp;		/* the base frame is UDP, not TCP */
	enum vary vary;
	uint32_t cut;		/* bytes of the variant captured (0: all) */
	bool sll;		/* also as Linux cooked records */
	bool out;		/* the variant is the host's own (from port 40000) */
	bool in;		/* the variant reaches the host ... */
	int proto;		/* ... on this port of the host (0: none) ... */
	uint16_t port;
	bool syn;		/* ... as a SYN */
	bool v6, vlan;
	uint32_t max_ip_len;	/* of base and variant */
} vary_cases[] = {
	{ __LINE__, false, VARY_UNREAD, 0, true, false, true, 6, 80, true, false, false, 140 },
	{ __LINE__, false, VARY_DST_MAC, 0, false, false, false, 0, 0, false, false, false, 40 },
	{ __LINE__, false, VARY_SRC_MAC, 0, false, true, false, 0, 0, false, false, false, 40 },
	{ __LINE__, false, VARY_ETHERTYPE, 0, false, false, true, 0, 0, false, false, false, 40 },
	{ __LINE__, false, VARY_VLAN, 0, false, false, true, 6, 80, true, false, true, 40 },
	{ __LINE__, false, VARY_IPV6, 0, true, false, true, 6, 80, true, true, false, 60 },
	{ __LINE__, false, VARY_SADDR, 0, true, false, true, 6, 80, true, false, false, 40 },
	{ __LINE__, false, VARY_DADDR, 0, true, false, true, 6, 80, true, false, false, 40 },
	{ __LINE__, false, VARY_PROTO, 0, true, false, true, 17, 80, false, false, false, 46 },
	{ __LINE__, false, VARY_SPORT, 0, true, false, true, 6, 80, true, false, false, 40 },
	{ __LINE__, false, VARY_DPORT, 0, true, false, true, 6, 81, true, false, false, 40 },
	{ __LINE__, false, VARY_SYNACK, 0, true, false, true, 6, 80, false, false, false, 40 },
	{ __LINE__, false, VARY_ACK, 0, true, false, true, 6, 80, false, false, false, 40 },
	{ __LINE__, false, VARY_FRAG, 0, true, false, true, 0, 0, false, false, false, 40 },
	{ __LINE__, false, VARY_MF, 0, true, false, true, 6, 80, true, false, false, 40 },
	{ __LINE__, false, VARY_IHL6, 0, true, false, true, 6, 81, true, false, false, 44 },
	/* TCP/IPv4 in 54 bytes: the flags end at 48, the ports at 38, the IP header at 34. */
	{ __LINE__, false, VARY_NONE, 48, true, false, true, 6, 80, true, false, false, 40 },
	{ __LINE__, false, VARY_UNREAD, 48, true, false, true, 6, 80, true, false, false, 140 },
	{ __LINE__, false, VARY_NONE, 47, true, false, true, 6, 80, false, false, false, 40 },
	{ __LINE__, false, VARY_NONE, 38, true, false, true, 6, 80, false, false, false, 40 },
	{ __LINE__, false, VARY_NONE, 37, true, false, true, 0, 0, false, false, false, 40 },
	{ __LINE__, false, VARY_NONE, 34, true, false, true, 0, 0, false, false, false, 40 },
	{ __LINE__, false, VARY_NONE, 33, true, false, true, 0, 0, false, false, false, 40 },
	{ __LINE__, false, VARY_NONE, 14, true, false, true, 0, 0, false, false, false, 40 },
	/* UDP/IPv4 in 60 bytes; in 42, its header is whole but the frame is short of 48. */
	{ __LINE__, true, VARY_UNREAD, 0, true, false, true, 17, 80, false, false, false, 128 },
	{ __LINE__, true, VARY_UNREAD, 48, true, false, true, 17, 80, false, false, false, 128 },
	{ __LINE__, true, VARY_IHL6, 0, true, false, true, 17, 81, false, false, false, 50 },
	{ __LINE__, true, VARY_NONE, 42, true, false, true, 17, 80, false, false, false, 46 },
	{ __LINE__, true, VARY_NONE, 38, true, false, true, 17, 80, false, false, false, 46 },
	{ __LINE__, true, VARY_NONE, 37, true, false, true, 0, 0, false, false, false, 46 },
	{ __LINE__, true, VARY_PROTO, 0, true, false, true, 6, 80, true, false, false, 46 },
	{ __LINE__, true, VARY_DPORT, 0, true, false, true, 17, 81, false, false, false, 46 },
};

/* The base frame of a case (@udp) or its variant @vary into @f. */
static void vary_frame(struct fr *f, bool udp, enum vary vary)
{
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	struct rxs_frame_spec s = { .src = "10.0.0.1", .dst = "10.0.0.2", .sport = 40000,
				    .dport = 80, .tcp_flags = RXS_TCP_SYN, .df = true,
				    .ttl = 64, .pad = udp };

	switch (vary) {
	case VARY_UNREAD:
		s.ttl = 1, s.tos = 0x10, s.ip_id = 7, s.df = false, s.payload_len = 100;
		break;
	case VARY_VLAN:
		s.vlan = true, s.vlan_tci = 5;
		break;
	case VARY_IPV6:
		s.src = "fd00::1", s.dst = "fd00::2";
		break;
	case VARY_SADDR:
		s.src = "10.0.0.3";
		break;
	case VARY_DADDR:
		s.dst = "10.0.0.4";
		break;
	case VARY_PROTO:
		udp = !udp, s.pad = udp;
		break;
	case VARY_SPORT:
		s.sport = 40001;
		break;
	case VARY_DPORT:
	case VARY_IHL6:
		s.dport = 81;
		break;
	case VARY_SYNACK:
		s.tcp_flags = RXS_TCP_SYN | RXS_TCP_ACK;
		break;
	case VARY_ACK:
		s.tcp_flags = RXS_TCP_ACK;
		break;
	default:
		break;
	}
	capw_build(f, udp ? rxs_frame_udp : rxs_frame_tcp, &s, vary == VARY_DST_MAC ? other :
		   fr_host_mac, vary == VARY_SRC_MAC ? fr_host_mac : fr_peer_mac);
	if (vary == VARY_ETHERTYPE)
		fr_put16(f->d + 12, 0x0900);
	if (vary == VARY_FRAG || vary == VARY_MF)	/* offset 1480 bytes, or more to come */
		fr_put16(f->d + f->l3 + 6, vary == VARY_FRAG ? 185 : 0x2000);
	if (vary == VARY_IHL6) {
		memmove(f->d + f->l4 + 4, f->d + f->l4, f->len - f->l4);
		fr_put16(f->d + f->l4, 40000);
		fr_put16(f->d + f->l4 + 2, 80);
		f->d[f->l3] = 0x46;
		f->len += 4;
	}
}

/* @f as a record of @w captured up to @cut bytes (0: whole): Ethernet, or (@sll) a Linux
 * cooked record of @pkttype. */
static void vary_record(struct capw *w, const struct fr *f, uint32_t cut, bool sll, int pkttype)
{
	uint8_t rec[FR_MAX + 16] = { 0 };
	uint32_t len = f->len, caplen = cut ? cut : f->len;
	const uint8_t *d = f->d;

	if (sll) {
		fr_put16(rec, (uint16_t)pkttype);
		fr_put16(rec + 2, 772);		/* ARPHRD_LOOPBACK */
		fr_put16(rec + 4, 6);
		memcpy(rec + 14, f->d + 12, 2);
		memcpy(rec + 16, f->d + FR_ETH_HLEN, f->len - FR_ETH_HLEN);
		d = rec;
		len += 2;
		caplen += 2;
	}
	capw_put32(w->f, 1700000000u);
	capw_put32(w->f, w->n++);
	capw_put32(w->f, caplen);
	capw_put32(w->f, len);
	assert_int_equal(fwrite(d, 1, caplen, w->f), caplen);
}

/* Survey @n frames of @pattern ('B' @base, 'V' @var, cut to @cut), each after a frame that
 * counts for nothing when @apart. */
static void vary_survey(void **state, struct rxs_capture_survey *sv, const struct fr *base,
			const struct fr *var, uint32_t cut, bool sll, bool apart)
{
	static const char pattern[] = "BBBVVBVVBBB";
	struct fr nothing = { .len = 42 };	/* ARP, to no one (MAC 0, or another host) */
	char path[512], err[512];
	struct capw w;

	memcpy(nothing.d + 6, fr_peer_mac, 6);
	fr_put16(nothing.d + 12, FR_ETH_P_ARP);
	tmp_path(state, path, sizeof(path), "runs.pcap");
	capw_open(&w, path, sll ? CAPW_LINUX_SLL : CAPW_EN10MB);
	for (const char *p = pattern; *p; p++) {
		if (apart)
			vary_record(&w, &nothing, 0, sll, 3);	/* PACKET_OTHERHOST */
		vary_record(&w, *p == 'B' ? base : var, *p == 'B' ? 0 : cut, sll, 0);
	}
	capw_close(&w);
	if (rxs_capture_survey(sv, path, err, sizeof(err)))
		fail_msg("%s", err);
}

static const struct rxs_capture_port *find_port(const struct rxs_capture_survey *sv, int proto,
						uint16_t port)
{
	for (unsigned int i = 0; i < sv->nports; i++)
		if (sv->ports[i].proto == proto && sv->ports[i].port == port)
			return &sv->ports[i];
	return NULL;
}

/* The survey of case @i as its frames' runs count it (@sv) against one frame at a time (@one,
 * with 11 more frames that count for nothing) and against the case's own numbers. */
static void vary_check(size_t i, bool sll, const struct rxs_capture_survey *sv,
		       const struct rxs_capture_survey *one)
{
	const struct vary_case *c = &vary_cases[i];
	int base_proto = c->udp ? 17 : 6;
	unsigned int nv = c->in ? 4 : 0, nout = c->out ? 4 : 0;
	bool on_base = c->proto == base_proto && c->port == 80;
	const struct rxs_capture_port *p = find_port(sv, base_proto, 80);

	if (one->frames != sv->frames + 11 || one->converted != sv->converted + (sll ? 11 : 0) ||
	    one->to_host != sv->to_host || one->from_host != sv->from_host ||
	    one->unicast_to_host != sv->unicast_to_host || one->ipv6_to_host != sv->ipv6_to_host ||
	    one->max_ip_len != sv->max_ip_len || one->host_mac_found != sv->host_mac_found ||
	    memcmp(one->host_mac, sv->host_mac, 6) || one->nmacs != sv->nmacs ||
	    memcmp(one->macs, sv->macs, sv->nmacs * sizeof(*sv->macs)) ||
	    one->naddrs != sv->naddrs ||
	    memcmp(one->addrs, sv->addrs, sv->naddrs * sizeof(*sv->addrs)) ||
	    memcmp(one->addr_frames, sv->addr_frames, sv->naddrs * sizeof(*sv->addr_frames)) ||
	    one->nports != sv->nports ||
	    memcmp(one->ports, sv->ports, sv->nports * sizeof(*sv->ports)) ||
	    one->nvlans != sv->nvlans ||
	    memcmp(one->vlans, sv->vlans, sv->nvlans * sizeof(*sv->vlans)) ||
	    one->nflows != sv->nflows ||
	    memcmp(one->flows, sv->flows, sv->nflows * sizeof(*sv->flows)))
		fail_msg("case at line %d%s: the runs count otherwise than the frames", c->line,
			 sll ? " (SLL)" : "");
	if (sv->frames != 11 || sv->to_host != 7 + nv || sv->from_host != nout ||
	    sv->ipv6_to_host != (c->v6 ? nv : 0) ||
	    sv->nvlans != (c->vlan && c->in) || sv->max_ip_len != c->max_ip_len || !p ||
	    p->in != 7 + (on_base ? nv : 0) ||
	    p->syn_in != (c->udp ? 0 : 7) + (on_base && c->syn ? nv : 0) ||
	    sv->nports != 1u + (c->in && c->proto && !on_base) + c->out)
		fail_msg("case at line %d%s: wrong counts", c->line, sll ? " (SLL)" : "");
	p = c->in && c->proto && !on_base ? find_port(sv, c->proto, c->port) : NULL;
	if (p && (p->in != nv || p->syn_in != (c->syn ? nv : 0)))
		fail_msg("case at line %d%s: wrong counts on the variant's port", c->line,
			 sll ? " (SLL)" : "");
	p = find_port(sv, base_proto, 40000);
	if (c->out && (!p || p->out != nout || p->in))
		fail_msg("case at line %d%s: wrong counts of the host's own", c->line,
			 sll ? " (SLL)" : "");
}

static void test_survey_runs(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(vary_cases); i++) {
		uint32_t cut = vary_cases[i].cut;
		struct fr base, var;

		vary_frame(&base, vary_cases[i].udp, VARY_NONE);
		vary_frame(&var, vary_cases[i].udp, vary_cases[i].vary);
		for (int sll = 0; sll <= vary_cases[i].sll; sll++) {
			struct rxs_capture_survey sv, one;

			vary_survey(state, &sv, &base, &var, cut, sll, false);
			vary_survey(state, &one, &base, &var, cut, sll, true);
			vary_check(i, sll, &sv, &one);
			rxs_capture_survey_free(&sv);
			rxs_capture_survey_free(&one);
		}
	}
}

/* (5e) A frame converted from a Linux cooked record and an Ethernet one with the same bytes
 * say different things: the converted one, sent by the capturing host to 02:00:00:00:00:01,
 * is the host's own; the Ethernet one is a frame to that MAC, not the host's. A pcapng file
 * with both link types interleaves them (EESSESSE after the host's frames). */
static void test_survey_runs_converted(void **state)
{
	static const char pattern[] = "BBBBBBBEESSESSE";
	struct buf b = { .n = 0 };
	struct rxs_capture_survey sv;
	char path[512], err[512];
	uint8_t sll[FR_MAX + 16];
	struct fr base, e;

	vary_frame(&base, false, VARY_NONE);
	vary_frame(&e, false, VARY_NONE);
	memcpy(e.d, fr_peer_mac, 6);
	memset(e.d + 6, 0, 6);
	memset(sll, 0, 16);
	fr_put16(sll, 4);		/* PACKET_OUTGOING */
	fr_put16(sll + 2, 1);
	fr_put16(sll + 4, 6);
	fr_put16(sll + 14, FR_ETH_P_IP);
	memcpy(sll + 16, e.d + FR_ETH_HLEN, e.len - FR_ETH_HLEN);
	ng_shb(&b);
	ng_idb(&b, CAPW_EN10MB, -1);
	ng_idb(&b, CAPW_LINUX_SLL, -1);
	for (unsigned int i = 0; pattern[i]; i++) {
		if (pattern[i] == 'S')
			ng_epb(&b, 1, i, sll, e.len - FR_ETH_HLEN + 16);
		else
			ng_epb(&b, 0, i, pattern[i] == 'B' ? base.d : e.d, e.len);
	}
	tmp_path(state, path, sizeof(path), "conv.pcapng");
	write_file(path, &b);
	if (rxs_capture_survey(&sv, path, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(sv.frames, 15);
	assert_int_equal(sv.converted, 4);
	assert_memory_equal(sv.host_mac, fr_host_mac, 6);
	assert_int_equal(sv.to_host, 7);
	assert_int_equal(sv.from_host, 4);
	assert_int_equal(sv.nports, 2);
	assert_int_equal(sv.ports[1].port, 40000);
	assert_int_equal(sv.ports[1].out, 4);
	rxs_capture_survey_free(&sv);
}

static int setup_tmpdir(void **state)
{
	char *dir = strdup("/tmp/test_nic.XXXXXX");

	if (!dir || !mkdtemp(dir))
		return -1;
	*state = dir;
	return 0;
}

static int teardown_tmpdir(void **state)
{
	char cmd[512];
	int rc;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *)*state);
	rc = system(cmd);
	free(*state);
	return rc == 0 ? 0 : -1;
}

/* ---- checksums as they were on the wire (traffic[].checksums, src/nic/csum.c) ---- */

enum ck { CK_GOOD, CK_PLACEHOLDER, CK_WRONG, CK_ZERO };

static uint16_t fold(uint32_t sum)
{
	return rxs__csum_fold(sum);
}

/* The pseudo-header sum and the L4 part of @f (Ethernet, IPv4 or IPv6 without options). */
static uint32_t pseudo_of(const uint8_t *f, bool v6, uint8_t proto, uint32_t l4len)
{
	uint64_t sum = (uint64_t)rxs__csum_partial(f + (v6 ? 22 : 26), v6 ? 32 : 8, 0) + proto +
		       l4len;

	if (!v6 && proto == 1)
		return 0;
	return (uint32_t)((sum & 0xFFFFFFFFu) + (sum >> 32));
}

/* Odd frames: from 0.0.0.0 to 255.255.255.255 (the addresses sum to nearly 2^32); a UDP
 * length 20 bytes short of the IP payload (the rest is padding the checksum leaves out). */
enum { ODD_BCAST = 1, ODD_SHORT_ULEN = 2 };
static unsigned int csum_odd;

/* An Ethernet frame with 40 bytes of payload over @proto; its L4 checksum as @ck says;
 * @mf: a first fragment (more fragments); @bad_ip: a wrong IPv4 header checksum. */
static uint32_t csum_frame(uint8_t *f, bool v6, uint8_t proto, enum ck ck, bool mf, bool bad_ip)
{
	uint32_t l3 = 14, l4 = v6 ? 54 : 34, hl = proto == 6 ? 20 : 8, l4len = hl + 40;
	uint32_t field = proto == 6 ? 16 : proto == 17 ? 6 : 2;
	uint16_t good;

	memset(f, 0, 200);
	memcpy(f, (const uint8_t[12]){ HOST, PEER }, 12);
	rxs__put_be16(f + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		f[l3] = 0x60;
		rxs__put_be16(f + l3 + 4, (uint16_t)l4len);
		f[l3 + 6] = proto;
		f[l3 + 7] = 64;
		f[l3 + 8] = 0xfd;
		f[l3 + 23] = 1;
		f[l3 + 24] = 0xfd;
		f[l3 + 39] = 2;
	} else {
		f[l3] = 0x45;
		rxs__put_be16(f + l3 + 2, (uint16_t)(20 + l4len));
		rxs__put_be16(f + l3 + 6, mf ? 0x2000 : 0x4000);
		f[l3 + 8] = 64;
		f[l3 + 9] = proto;
		memcpy(f + l3 + 12, (const uint8_t[8]){ 10, 0, 0, 1, 10, 0, 0, 2 }, 8);
		if (csum_odd & ODD_BCAST)
			memcpy(f + l3 + 12, (const uint8_t[8]){ 0, 0, 0, 0, 255, 255, 255, 255 }, 8);
		rxs__put_be16(f + l3 + 10, fold(rxs__csum_partial(f + l3, 20, 0)));
		if (bad_ip)
			rxs__put_be16(f + l3 + 10, 0x4242);
	}
	if (proto == 1 || proto == 58) {
		f[l4] = proto == 1 ? 8 : 128;
	} else {
		rxs__put_be16(f + l4, 40000);
		rxs__put_be16(f + l4 + 2, 53);
		if (proto == 17 && (csum_odd & ODD_SHORT_ULEN))
			l4len -= 20;	/* the IP payload stays 48 bytes */
		if (proto == 17)
			rxs__put_be16(f + l4 + 4, (uint16_t)l4len);
		else
			f[l4 + 12] = 5 << 4;
	}
	for (uint32_t i = 0; i < 40; i++)
		f[l4 + hl + i] = (uint8_t)(i * 7);
	good = fold(rxs__csum_partial(f + l4, l4len, pseudo_of(f, v6, proto, l4len)));
	if (ck == CK_GOOD)
		rxs__put_be16(f + l4 + field, good);
	else if (ck == CK_PLACEHOLDER)	/* ~csum_tcpudp_magic(): the folded pseudo-header sum */
		rxs__put_be16(f + l4 + field,
			      (uint16_t)~fold(pseudo_of(f, v6, proto, l4len)));
	else if (ck == CK_WRONG)
		rxs__put_be16(f + l4 + field, 0x1234);
	return l4 + hl + 40;
}

/* Whether the L4 checksum verifies (a UDP/IPv4 0 counts: no checksum), and the IPv4
 * header's. */
static bool csum_ok(const uint8_t *f, bool v6, uint8_t proto)
{
	uint32_t l4 = v6 ? 54 : 34, l4len = (proto == 6 ? 20 : 8) + 40;

	if (proto == 17)
		l4len = rxs__get_be16(f + l4 + 4);	/* what udp_rcv() sums */
	if (!v6 && fold(rxs__csum_partial(f + 14, 20, 0)) != 0)
		return false;
	if (!v6 && proto == 17 && rxs__get_be16(f + l4 + 6) == 0)
		return true;
	return fold(rxs__csum_partial(f + l4, l4len, pseudo_of(f, v6, proto, l4len))) == 0;
}

static const struct csum_case {
	int line;
	enum rxs_checksums mode;
	bool v6;
	uint8_t proto;
	enum ck ck;
	bool mf, bad_ip, snapped;
	unsigned int odd;
	bool changed, ok;		/* the frame's bytes changed; its checksums verify after */
	uint64_t offload, rewritten, left;
} csum_cases[] = {
	/* auto: exactly the TX-offload placeholders, over IPv4 and IPv6, TCP and UDP */
	{ __LINE__, RXS_CSUM_AUTO, false, 17, CK_PLACEHOLDER, 0, 0, 0, 0, true, true, 1, 0, 0 },
	{ __LINE__, RXS_CSUM_AUTO, false, 6, CK_PLACEHOLDER, 0, 0, 0, 0, true, true, 1, 0, 0 },
	{ __LINE__, RXS_CSUM_AUTO, true, 17, CK_PLACEHOLDER, 0, 0, 0, 0, true, true, 1, 0, 0 },
	{ __LINE__, RXS_CSUM_AUTO, true, 6, CK_PLACEHOLDER, 0, 0, 0, 0, true, true, 1, 0, 0 },
	{ __LINE__, RXS_CSUM_AUTO, false, 17, CK_WRONG, 0, 0, 0, 0, false, false, 0, 0, 0 },
	{ __LINE__, RXS_CSUM_AUTO, false, 6, CK_WRONG, 0, 0, 0, 0, false, false, 0, 0, 0 },
	{ __LINE__, RXS_CSUM_AUTO, false, 17, CK_GOOD, 0, 0, 0, 0, false, true, 0, 0, 0 },
	{ __LINE__, RXS_CSUM_AUTO, false, 17, CK_ZERO, 0, 0, 0, 0, false, true, 0, 0, 0 },
	{ __LINE__, RXS_CSUM_AUTO, false, 1, CK_WRONG, 0, 0, 0, 0, false, false, 0, 0, 0 },
	{ __LINE__, RXS_CSUM_AUTO, false, 17, CK_GOOD, 0, 1, 0, 0, false, false, 0, 0, 0 },
	{ __LINE__, RXS_CSUM_AUTO, false, 17, CK_PLACEHOLDER, 1, 0, 0, 0, false, false, 0, 0, 0 },
	{ __LINE__, RXS_CSUM_AUTO, false, 17, CK_PLACEHOLDER, 0, 0, 1, 0, false, false, 0, 0, 0 },
	/* verify: nothing changes */
	{ __LINE__, RXS_CSUM_VERIFY, false, 17, CK_PLACEHOLDER, 0, 0, 0, 0, false, false, 0, 0, 0 },
	{ __LINE__, RXS_CSUM_VERIFY, false, 6, CK_WRONG, 0, 1, 0, 0, false, false, 0, 0, 0 },
	/* recompute: every checksum it can, as tcprewrite --fixcsum */
	{ __LINE__, RXS_CSUM_RECOMPUTE, false, 17, CK_WRONG, 0, 0, 0, 0, true, true, 0, 1, 0 },
	{ __LINE__, RXS_CSUM_RECOMPUTE, false, 6, CK_WRONG, 0, 0, 0, 0, true, true, 0, 1, 0 },
	{ __LINE__, RXS_CSUM_RECOMPUTE, false, 1, CK_WRONG, 0, 0, 0, 0, true, true, 0, 1, 0 },
	{ __LINE__, RXS_CSUM_RECOMPUTE, true, 58, CK_WRONG, 0, 0, 0, 0, true, true, 0, 1, 0 },
	{ __LINE__, RXS_CSUM_RECOMPUTE, true, 17, CK_WRONG, 0, 0, 0, 0, true, true, 0, 1, 0 },
	{ __LINE__, RXS_CSUM_RECOMPUTE, true, 17, CK_ZERO, 0, 0, 0, 0, true, true, 0, 1, 0 },
	{ __LINE__, RXS_CSUM_RECOMPUTE, false, 17, CK_PLACEHOLDER, 0, 0, 0, 0, true, true, 1, 0, 0 },
	{ __LINE__, RXS_CSUM_RECOMPUTE, false, 17, CK_ZERO, 0, 0, 0, 0, false, true, 0, 0, 0 },
	{ __LINE__, RXS_CSUM_RECOMPUTE, false, 17, CK_GOOD, 0, 1, 0, 0, true, true, 0, 1, 0 },
	{ __LINE__, RXS_CSUM_RECOMPUTE, false, 17, CK_GOOD, 0, 0, 0, 0, false, true, 0, 0, 0 },
	/* A fragment's L4 sum covers a datagram no fragment holds; a cut frame lacks bytes. */
	{ __LINE__, RXS_CSUM_RECOMPUTE, false, 17, CK_WRONG, 1, 0, 0, 0, false, false, 0, 0, 1 },
	{ __LINE__, RXS_CSUM_RECOMPUTE, false, 17, CK_WRONG, 0, 0, 1, 0, false, false, 0, 0, 1 },
	/* A carry out of 32 bits in the pseudo-header; UDP sums only its own length. */
	{ .line = __LINE__, .mode = RXS_CSUM_RECOMPUTE, .proto = 17, .ck = CK_GOOD, .odd = ODD_BCAST,
	  .ok = true },
	{ .line = __LINE__, .mode = RXS_CSUM_RECOMPUTE, .proto = 17, .ck = CK_WRONG,
	  .odd = ODD_BCAST, .changed = true, .ok = true, .rewritten = 1 },
	{ .line = __LINE__, .mode = RXS_CSUM_AUTO, .proto = 17, .ck = CK_PLACEHOLDER,
	  .odd = ODD_BCAST, .changed = true, .ok = true, .offload = 1 },
	{ .line = __LINE__, .mode = RXS_CSUM_RECOMPUTE, .proto = 17, .ck = CK_GOOD,
	  .odd = ODD_SHORT_ULEN, .ok = true },
	{ .line = __LINE__, .mode = RXS_CSUM_RECOMPUTE, .proto = 17, .ck = CK_WRONG,
	  .odd = ODD_SHORT_ULEN, .changed = true, .ok = true, .rewritten = 1 },
	{ .line = __LINE__, .mode = RXS_CSUM_AUTO, .proto = 17, .ck = CK_PLACEHOLDER,
	  .odd = ODD_SHORT_ULEN, .changed = true, .ok = true, .offload = 1 },
};

static void test_checksums(void **state)
{
	char path[512];

	tmp_path(state, path, sizeof(path), "csum.pcap");
	for (size_t i = 0; i < ARRAY_SIZE(csum_cases); i++) {
		const struct csum_case *c = &csum_cases[i];
		struct rxs_source_opts o = test_opts;
		struct buf b = { 0 };
		uint8_t f[200];
		uint32_t len = (csum_odd = c->odd, csum_frame(f, c->v6, c->proto, c->ck, c->mf, c->bad_ip));
		uint32_t cap = c->snapped ? len - 10 : len;
		struct rxs_source_stats st;
		struct rxs_frame fr;
		rxs_source_t *src;
		char err[256];

		pcap_hdr(&b, 0xa1b2c3d4, 1);
		pcap_rec(&b, 1, 0, cap, len, f, cap);
		write_file(path, &b);
		o.checksums = c->mode;
		assert_int_equal(rxs_source_open_pcap(&src, path, &o, err, sizeof(err)), 0);
		assert_int_equal(rxs_source_next(src, &fr), 1);
		if ((memcmp(fr.data, f, cap) != 0) != c->changed || fr.len != cap)
			fail_msg("case at line %d: changed %d", c->line, memcmp(fr.data, f, cap) != 0);
		if (!c->snapped && csum_ok(fr.data, c->v6, c->proto) != c->ok)
			fail_msg("case at line %d: checksums verify: %d", c->line, !c->ok);
		rxs_source_get_stats(src, &st);
		if (st.csum_offload != c->offload || st.csum_rewritten != c->rewritten ||
		    st.csum_left != c->left)
			fail_msg("case at line %d: offload %llu rewritten %llu left %llu", c->line,
				 (unsigned long long)st.csum_offload,
				 (unsigned long long)st.csum_rewritten,
				 (unsigned long long)st.csum_left);
		rxs_source_close(src);
	}
}

/* Frames cut inside their headers, on the wire or by the capture, in every mode: the parse
 * reads only bytes the frame has (found by fuzz_pcap: a 17-byte IPv4 frame's total length
 * was read before its header was known to be there). Each file's snaplen is the cut, and
 * libpcap cuts a longer record to it in a buffer of just that size, so AddressSanitizer's
 * run sees any read past the frame. */
static void test_checksums_cut_headers(void **state)
{
	static const enum rxs_checksums modes[] = { RXS_CSUM_VERIFY, RXS_CSUM_AUTO,
						    RXS_CSUM_RECOMPUTE };
	char path[512];

	tmp_path(state, path, sizeof(path), "csum-cut.pcap");
	for (int v6 = 0; v6 < 2; v6++) {
		uint8_t f[200];
		uint32_t len = (csum_odd = 0, csum_frame(f, v6, 17, CK_WRONG, false, false));

		for (uint32_t cap = 1; cap < len; cap++)
			for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
				struct rxs_source_opts o = test_opts;
				struct buf b = { 0 };
				struct rxs_frame fr;
				rxs_source_t *src;
				char err[256];
				uint32_t n = 0;

				pcap_hdr(&b, 0xa1b2c3d4, 1);
				memcpy(b.d + 16, (const uint8_t[4]){ (uint8_t)cap, 0, 0, 0 }, 4);
				pcap_rec(&b, 1, 0, cap, cap, f, cap);	/* cut on the wire */
				pcap_rec(&b, 1, 0, len, len, f, len);	/* cut to the snaplen */
				write_file(path, &b);
				o.checksums = modes[m];
				assert_int_equal(rxs_source_open_pcap(&src, path, &o, err,
								      sizeof(err)), 0);
				while (rxs_source_next(src, &fr) == 1)
					n++;
				assert_int_equal(n, 2);
				rxs_source_close(src);
			}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_link_convert),
		cmocka_unit_test(test_link_unsupported),
		cmocka_unit_test(test_source_opts_size),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_pcap_bulk),
		cmocka_unit_test(test_gen_udp),
		cmocka_unit_test(test_gen_tcp),
		cmocka_unit_test(test_gen_tcp_invalid),
		cmocka_unit_test(test_survey),
		cmocka_unit_test(test_survey_late_host),
		cmocka_unit_test(test_survey_answers),
		cmocka_unit_test(test_survey_corpus),
		cmocka_unit_test(test_survey_runs),
		cmocka_unit_test(test_survey_runs_converted),
		cmocka_unit_test(test_checksums),
		cmocka_unit_test(test_checksums_cut_headers),
	};

	return cmocka_run_group_tests(tests, setup_tmpdir, teardown_tmpdir);
}
