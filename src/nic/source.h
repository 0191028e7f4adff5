/* nic/source.h - what the rest of the library reads of a traffic source beyond rxsim/nic.h:
 * the next frame, inline, for the engines; its file's progress and format for reports. The
 * backends' own internals are source_int.h, nic's own. */
#ifndef RXSIM_NIC_SOURCE_H
#define RXSIM_NIC_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "rxsim/nic.h"

#define RXS__ERRMSG_MAX 512
#define RXS__PCAP_REC_HDR 16u	/* struct pcap_sf_pkthdr: sec, usec, caplen, len */

/*
 * The records a source hands over without its backend: a classic pcap file's plain Ethernet
 * records (see pcap_source.c), whole in its reader's buffer from @pos to @end. Both NULL when
 * the backend must read the next one: another format or link type, libpcap reading the rest
 * of the file, an error.
 */
struct rxs__source_win {
	const uint8_t *pos, *end;
	uint32_t snaplen;		/* longer records are libpcap's */
	uint32_t frac_ns;		/* ns of the file's timestamp fraction: 1000 or 1 */
};

struct rxs__source_ops {
	/* 1 frame in @f (ts_ns may still be clamped by the caller), 0 end, <0 error (set with
	 * rxs__source_fail). */
	int (*next)(rxs_source_t *src, struct rxs_frame *f);
	/* Release the backend's state; the common part is freed by rxs_source_close(). */
	void (*close)(rxs_source_t *src);
	/* Bytes of the file read so far and its size (0: unknown), for a progress line;
	 * NULL for sources that are not files. */
	void (*progress)(const rxs_source_t *src, uint64_t *done, uint64_t *total);
};

struct rxs_source {
	const struct rxs__source_ops *ops;
	void *priv;			/* backend state */
	char *name;			/* file name for messages */
	struct rxs_source_opts opts;
	struct rxs_source_stats stats;
	uint64_t last_ts_ns;		/* for the backwards-timestamp clamp */
	uint64_t number;		/* packet records read so far */
	int err;			/* sticky: once set, every next() returns it */
	char errmsg[RXS__ERRMSG_MAX];
	uint8_t *buf;			/* RXS__FRAME_BUF bytes, for converted frames */
	/* What the file is, for reports: "pcap", "pcapng" (NULL: a generator), and the link
	 * type of its first interface (-1 until a pcapng's first interface is read). */
	const char *format;
	int linktype;
	/* rxs__source_defer_csum(): next() leaves the checksums to rxs__source_csum(), which
	 * has the frame read last still to do while csum_pending. */
	bool csum_defer, csum_pending;
	struct rxs__source_win win;
};

/* @src's progress through its file: 0, or -ENOTSUP when it has no file or no known size. */
int rxs__source_progress(const rxs_source_t *src, uint64_t *done, uint64_t *total);

/* What @src reads: "pcap" or "pcapng" with its link type in *@linktype (-1 until a pcapng's
 * first interface is read), or NULL for a generator (*@linktype untouched). */
const char *rxs__source_format(const rxs_source_t *src, int *linktype);

/* "<name> (<n>)" for @lt, from pcap_datalink_val_to_name(), into @buf. */
const char *rxs__linktype_name(uint32_t lt, char *buf, size_t len);

/* Apply @src's `checksums` setting to @f (csum.c): may move the frame into src->buf and
 * counts what it changed in src->stats. */
void rxs__csum_apply(rxs_source_t *src, struct rxs_frame *f);

/* rxs_source_next()'s way for every frame the window does not hold. */
int rxs__source_next_slow(rxs_source_t *src, struct rxs_frame *f);

/*
 * rxs_source_next(), with the common record in a few loads and stores and no call: a plain
 * pcap record (timestamps libpcap would not sign-extend, within the snapshot length, at least
 * an Ethernet header) whole in the window. The engines read every frame this way; a replay
 * pays it on every frame, a threaded CPU's reader also on each it passes over.
 */
static RXS_ALWAYS_INLINE int rxs__source_next_inline(rxs_source_t *src, struct rxs_frame *f)
{
	const uint8_t *rec = src->win.pos;
	uint32_t h[4];			/* ts_sec, ts_frac, caplen, len, in our byte order */
	uint64_t ts;

	if (unlikely((size_t)(src->win.end - rec) < RXS__PCAP_REC_HDR))
		return rxs__source_next_slow(src, f);
	memcpy(h, rec, RXS__PCAP_REC_HDR);
	if (unlikely(((h[0] | h[1]) & 0x80000000u) || h[2] > src->win.snaplen || h[2] < 14 ||
		     (size_t)(src->win.end - rec) - RXS__PCAP_REC_HDR < h[2]))
		return rxs__source_next_slow(src, f);
	src->win.pos = rec + RXS__PCAP_REC_HDR + h[2];
	f->data = rec + RXS__PCAP_REC_HDR;
	f->len = h[2];
	f->wire_len = RXS_MAX(h[2], h[3]);
	f->flags = h[2] < h[3] ? RXS_FRAME_F_SNAPPED : 0;
	f->number = ++src->number;
	ts = (uint64_t)h[0] * 1000000000u + (uint64_t)h[1] * src->win.frac_ns;
	if (unlikely(ts < src->last_ts_ns)) {	/* never backwards: see rxs__source_next_slow() */
		ts = src->last_ts_ns;
		src->stats.ts_backwards++;
	}
	f->ts_ns = src->last_ts_ns = ts;
	if (src->opts.checksums != RXS_CSUM_VERIFY) {
		if (likely(!src->csum_defer))
			rxs__csum_apply(src, f);
		else
			src->csum_pending = true;
	}
	src->stats.frames++;
	src->stats.snapped += h[2] < h[3];
	return 1;
}

#endif /* RXSIM_NIC_SOURCE_H */
