/* pcapng.c - our own pcapng reader (pcap_source.c says why libpcap does not read these).
 *
 * A pcapng file is a sequence of blocks, each type(4) total_length(4) body trailer_length(4).
 * A Section Header Block starts a section and fixes its byte order with the magic 0x1A2B3C4D;
 * the Interface Description Blocks that follow it are numbered from 0 within the section, and
 * each packet block names its interface, whose link type and timestamp resolution
 * (if_tsresol) apply to it. We read one block at a time into a buffer that grows to the
 * largest block seen (at most 16 MiB, libpcap's limit), check every length against the block
 * and the file before use, and skip block types we do not know.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "nic/source_int.h"
#include "rxsim/error.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 1u
#define BT_OPB 2u	/* obsolete Packet Block */
#define BT_SPB 3u
#define BT_EPB 6u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define MAX_BLOCK (16u << 20)
#define MAX_IFS 65536u

#define OPT_ENDOFOPT 0
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14

struct ng_if {
	uint32_t linktype;
	uint32_t snaplen;
	uint8_t tsresol;	/* bit 7 clear: 10^-n s units; set: 2^-n s units */
	int64_t tsoffset;	/* seconds added to every timestamp */
};

struct ng {
	FILE *fp;
	int be;			/* the current section is big-endian */
	uint64_t pos;		/* file offset of the next block */
	uint64_t blkpos;	/* file offset of the block being read, for messages */
	uint64_t size;		/* file size, 0 if unknown (not a regular file) */
	struct ng_if *ifs;
	unsigned int nifs, capifs;
	uint8_t *blk;
	size_t blkcap;
	uint32_t type;		/* the block just read */
	const uint8_t *body;
	uint32_t bodylen;
};

/* One packet record, whichever block carried it. */
struct ng_rec {
	uint32_t ifid, caplen, origlen;
	uint64_t ts;
	int has_ts;
	const uint8_t *data;
};

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t get32(const struct ng *ng, const uint8_t *p)
{
	return ng->be ? rxs__get_be32(p) : get_le32(p);
}

static uint16_t get16(const struct ng *ng, const uint8_t *p)
{
	return ng->be ? rxs__get_be16(p) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint64_t get64(const struct ng *ng, const uint8_t *p)
{
	uint64_t a = get32(ng, p), b = get32(ng, p + 4);

	return ng->be ? a << 32 | b : b << 32 | a;
}

static int blk_fail(rxs_source_t *src, const struct ng *ng, const char *what, uint32_t val)
{
	return rxs__source_fail(src, RXS_EPCAP, "packet %llu: block at offset %llu: %s (%u)",
				(unsigned long long)src->number + 1,
				(unsigned long long)ng->blkpos, what, (unsigned int)val);
}

/* The block's own length, checked before any of it is trusted. */
static int check_len(rxs_source_t *src, const struct ng *ng, uint32_t len)
{
	if (len < (ng->type == BT_SHB ? 28u : 12u))
		return blk_fail(src, ng, "block length too small", len);
	if (len % 4)
		return blk_fail(src, ng, "block length not a multiple of 4", len);
	if (len > MAX_BLOCK)
		return blk_fail(src, ng, "block length too large", len);
	if (ng->size && len > ng->size - ng->pos)
		return blk_fail(src, ng, "block length runs past end of file", len);
	return 0;
}

static int grow_blk(rxs_source_t *src, struct ng *ng, uint32_t len)
{
	size_t cap = ng->blkcap ? ng->blkcap : 4096;
	uint8_t *p;

	while (cap < len)
		cap *= 2;
	if (cap == ng->blkcap)
		return 0;
	p = rxs__realloc(ng->blk, cap);
	if (!p)
		return rxs__source_fail(src, -ENOMEM, "out of memory");
	ng->blk = p;
	ng->blkcap = cap;
	return 0;
}

/* A Section Header's first bytes say the byte order of everything up to the next one. */
static int read_byte_order(rxs_source_t *src, struct ng *ng, uint8_t *hdr)
{
	if (fread(hdr + 8, 1, 4, ng->fp) != 4)
		return blk_fail(src, ng, "truncated section header", 0);
	if (rxs__get_be32(hdr + 8) == BYTE_ORDER_MAGIC)
		ng->be = 1;
	else if (get_le32(hdr + 8) == BYTE_ORDER_MAGIC)
		ng->be = 0;
	else
		return blk_fail(src, ng, "bad byte-order magic", rxs__get_be32(hdr + 8));
	return 0;
}

/* One whole block into ng->blk: 1, 0 at a clean end of file, or <0. */
static int read_block(rxs_source_t *src, struct ng *ng)
{
	uint8_t hdr[12];
	size_t n = fread(hdr, 1, 8, ng->fp), have = 8;
	uint32_t len;
	int rc;

	ng->blkpos = ng->pos;
	if (n == 0 && !ferror(ng->fp))
		return 0;
	if (n < 8)
		return blk_fail(src, ng, "truncated block header", (uint32_t)n);
	if (rxs__get_be32(hdr) == BT_SHB) {
		if ((rc = read_byte_order(src, ng, hdr)) < 0)
			return rc;
		have = 12;
	}
	ng->type = get32(ng, hdr);
	len = get32(ng, hdr + 4);
	if ((rc = check_len(src, ng, len)) < 0 || (rc = grow_blk(src, ng, len)) < 0)
		return rc;
	memcpy(ng->blk, hdr, have);
	if (fread(ng->blk + have, 1, len - have, ng->fp) != len - have)
		return blk_fail(src, ng, "truncated block", len);
	if (get32(ng, ng->blk + len - 4) != len)
		return blk_fail(src, ng, "trailer length differs", get32(ng, ng->blk + len - 4));
	ng->pos += len;
	ng->body = ng->blk + 8;
	ng->bodylen = len - 12;
	return 1;
}

static int parse_shb(rxs_source_t *src, struct ng *ng)
{
	uint16_t major = get16(ng, ng->body + 4);

	if (major != 1)
		return blk_fail(src, ng, "unsupported pcapng major version", major);
	/* Interface numbers start again in every section. */
	ng->nifs = 0;
	return 0;
}

static int parse_if_options(rxs_source_t *src, struct ng *ng, struct ng_if *ifc,
			    const uint8_t *p, size_t n)
{
	size_t off = 0;
	unsigned int e;

	while (n - off >= 4) {
		uint16_t code = get16(ng, p + off), olen = get16(ng, p + off + 2);
		size_t padded = ((size_t)olen + 3) & ~(size_t)3;

		if (code == OPT_ENDOFOPT)
			break;
		if (padded > n - off - 4)
			return blk_fail(src, ng, "interface option runs past its block", code);
		if (code == OPT_IF_TSRESOL && olen >= 1)
			ifc->tsresol = p[off + 4];
		if (code == OPT_IF_TSOFFSET && olen >= 8)
			ifc->tsoffset = (int64_t)get64(ng, p + off + 4);
		off += 4 + padded;
	}
	/* Units finer than 10^-19 s or 2^-63 s would not fit the arithmetic of ts_to_ns(). */
	e = ifc->tsresol & 0x7f;
	if (e > ((ifc->tsresol & 0x80) ? 63u : 19u))
		return blk_fail(src, ng, "unsupported if_tsresol", ifc->tsresol);
	return 0;
}

static int parse_idb(rxs_source_t *src, struct ng *ng)
{
	struct ng_if *ifc;

	if (ng->bodylen < 8)
		return blk_fail(src, ng, "interface description too short", ng->bodylen);
	if (ng->nifs == ng->capifs) {
		unsigned int cap = ng->capifs ? ng->capifs * 2 : 4;
		void *p = NULL;

		if (cap <= MAX_IFS)
			p = rxs__realloc(ng->ifs, cap * sizeof(*ng->ifs));
		if (!p)
			return blk_fail(src, ng, "too many interfaces", ng->nifs);
		ng->ifs = p;
		ng->capifs = cap;
	}
	ifc = &ng->ifs[ng->nifs];
	ifc->linktype = get16(ng, ng->body) & RXS__LT_MASK;
	if (ng->nifs == 0)
		src->linktype = (int)ifc->linktype;
	ifc->snaplen = get32(ng, ng->body + 4);
	ifc->tsresol = 6;
	ifc->tsoffset = 0;
	if (parse_if_options(src, ng, ifc, ng->body + 8, ng->bodylen - 8) < 0)
		return src->err;
	ng->nifs++;
	return 0;
}

static uint64_t ts_to_ns(const struct ng_if *ifc, uint64_t t)
{
	static const uint64_t pow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
		100000000, 1000000000, 10000000000u, 100000000000u, 1000000000000u,
		10000000000000u, 100000000000000u, 1000000000000000u, 10000000000000000u,
		100000000000000000u, 1000000000000000000u, 10000000000000000000u };
	unsigned int e = ifc->tsresol & 0x7f, drop = e > 33 ? e - 33 : 0;
	uint64_t ns, frac;

	if (!(ifc->tsresol & 0x80)) {
		ns = e <= 9 ? t * pow10[9 - e] : t / pow10[e - 9];
	} else {
		/* Whole seconds, then the fraction scaled so that frac * 10^9 fits 64 bits. */
		frac = t & ((UINT64_C(1) << e) - 1);
		ns = (t >> e) * 1000000000u + (((frac >> drop) * 1000000000u) >> (e - drop));
	}
	/* Unsigned arithmetic: a hostile offset wraps instead of being undefined. */
	return ns + (uint64_t)ifc->tsoffset * 1000000000u;
}

static int deliver(rxs_source_t *src, struct ng *ng, const struct ng_rec *r, struct rxs_frame *f)
{
	const struct ng_if *ifc;
	char lname[96];

	f->number = ++src->number;
	if (r->ifid >= ng->nifs)
		return rxs__source_fail(src, RXS_EPCAP, "packet %llu: interface %u not described",
					(unsigned long long)f->number, (unsigned int)r->ifid);
	ifc = &ng->ifs[r->ifid];
	if (!rxs__linktype_supported(ifc->linktype))
		return rxs__source_fail(src, RXS_ELINKTYPE,
					"packet %llu: interface %u: link type %s is not supported; "
					"supported: %s", (unsigned long long)f->number,
					(unsigned int)r->ifid,
					rxs__linktype_name(ifc->linktype, lname, sizeof(lname)),
					rxs__linktype_list);
	/* A Simple Packet Block has no timestamp: it keeps the previous one. */
	f->ts_ns = r->has_ts ? ts_to_ns(ifc, r->ts) : src->last_ts_ns;
	return rxs__link_convert(src, ifc->linktype, r->data, r->caplen, r->origlen, f);
}

/* Enhanced Packet Block, and the obsolete Packet Block, whose only difference is a 16-bit
 * interface id followed by a drops count. */
static int parse_epb(rxs_source_t *src, struct ng *ng, struct rxs_frame *f)
{
	const uint8_t *b = ng->body;
	struct ng_rec r;

	if (ng->bodylen < 20)
		return blk_fail(src, ng, "packet block too short", ng->bodylen);
	r.ifid = ng->type == BT_EPB ? get32(ng, b) : get16(ng, b);
	r.ts = (uint64_t)get32(ng, b + 4) << 32 | get32(ng, b + 8);
	r.has_ts = 1;
	r.caplen = get32(ng, b + 12);
	r.origlen = get32(ng, b + 16);
	r.data = b + 20;
	if (r.caplen > ng->bodylen - 20)
		return blk_fail(src, ng, "captured length runs past its block", r.caplen);
	return deliver(src, ng, &r, f);
}

/* Simple Packet Block: interface 0, no timestamp, caplen implied by the block. */
static int parse_spb(rxs_source_t *src, struct ng *ng, struct rxs_frame *f)
{
	struct ng_rec r = { 0 };

	if (ng->bodylen < 4)
		return blk_fail(src, ng, "simple packet block too short", ng->bodylen);
	r.origlen = get32(ng, ng->body);
	r.caplen = RXS_MIN(r.origlen, ng->bodylen - 4);
	if (ng->nifs > 0 && ng->ifs[0].snaplen)
		r.caplen = RXS_MIN(r.caplen, ng->ifs[0].snaplen);
	r.data = ng->body + 4;
	return deliver(src, ng, &r, f);
}

static int ng_next(rxs_source_t *src, struct rxs_frame *f)
{
	struct ng *ng = src->priv;
	int rc;

	/* Each turn consumes at least one 12-byte block, so the loop ends with the file. */
	for (;;) {
		rc = read_block(src, ng);
		if (rc <= 0)
			return rc;
		switch (ng->type) {
		case BT_SHB:
			rc = parse_shb(src, ng);
			break;
		case BT_IDB:
			rc = parse_idb(src, ng);
			break;
		case BT_EPB:
		case BT_OPB:
			return parse_epb(src, ng, f);
		case BT_SPB:
			return parse_spb(src, ng, f);
		default:	/* statistics, name resolution, custom, unknown: not ours */
			rc = 0;
			break;
		}
		if (rc < 0)
			return rc;
	}
}

static void ng_close(rxs_source_t *src)
{
	struct ng *ng = src->priv;

	if (!ng)
		return;
	if (ng->fp)
		fclose(ng->fp);
	rxs__free(ng->ifs);
	rxs__free(ng->blk);
	rxs__free(ng);
}

static void ng_progress(const rxs_source_t *src, uint64_t *done, uint64_t *total)
{
	const struct ng *ng = src->priv;

	*done = ng ? ng->pos : 0;
	*total = ng ? ng->size : 0;
}

static const struct rxs__source_ops ng_ops = { ng_next, ng_close, ng_progress };

/* Read up to the first interface, as libpcap does, so that a file of an unsupported link
 * type is refused at open. Later interfaces are checked when a packet uses them. */
static int read_first_interface(rxs_source_t *src, struct ng *ng)
{
	char lname[96];
	int rc;

	while ((rc = read_block(src, ng)) > 0) {
		if (ng->type == BT_SHB) {
			if ((rc = parse_shb(src, ng)) < 0)
				return rc;
		} else if (ng->type == BT_EPB || ng->type == BT_OPB || ng->type == BT_SPB) {
			return rxs__source_fail(src, RXS_EPCAP,
						"packet 1: packet before any interface description");
		} else if (ng->type == BT_IDB) {
			if ((rc = parse_idb(src, ng)) < 0)
				return rc;
			if (rxs__linktype_supported(ng->ifs[0].linktype))
				return 0;
			return rxs__source_fail(src, RXS_ELINKTYPE,
						"link type %s is not supported; supported: %s",
						rxs__linktype_name(ng->ifs[0].linktype, lname,
								   sizeof(lname)),
						rxs__linktype_list);
		}
	}
	return rc;
}

int rxs__pcapng_open(rxs_source_t *src, FILE *fp, char *err, size_t errlen)
{
	struct ng *ng = rxs__calloc(1, sizeof(*ng));
	struct stat st;
	int rc;

	src->ops = &ng_ops;
	src->format = "pcapng";
	src->priv = ng;
	if (!ng) {
		fclose(fp);
		snprintf(err, errlen, "%s: out of memory", src->name);
		return -ENOMEM;
	}
	ng->fp = fp;
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode))
		ng->size = (uint64_t)st.st_size;
	rc = read_first_interface(src, ng);
	if (rc < 0) {
		snprintf(err, errlen, "%s", src->errmsg);
		return rc;
	}
	/* The open's messages must not linger as the source's last error. */
	src->err = 0;
	src->errmsg[0] = '\0';
	return 0;
}
