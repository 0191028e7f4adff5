/* dropcap.c - every dropped packet into a pcapng file, its drop reason as the comment.
 *
 * A minimal pcapng writer (draft-ietf-opsawg-pcapng): one Section Header Block, one
 * Interface Description Block (LINKTYPE_ETHERNET, if_tsresol 9 so timestamps are virtual
 * nanoseconds), then one Enhanced Packet Block per drop with an opt_comment such as
 * "SOCKET_RCVBUFF (frame 12, dropped at 0.001234567 s)". Frames are numbered as Wireshark
 * numbers the capture (every record, the host's own frames too; "frame 12 of b.pcap" when
 * several sources replay). The EPB's timestamp is the frame's arrival at the NIC on the
 * capture's own clock (rxs_host_capture_time()), so the file lines up with the capture that
 * was replayed; the drop time, from the first frame, is in the comment. Blocks are written in host byte order, which the SHB's byte-order magic
 * announces, as every pcapng writer does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "rxsim/sim.h"
#include "rxsim/stats.h"
#include "stats/stats_int.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define IF_TSRESOL 9
#define LINKTYPE_ETHERNET 1
#define SNAPLEN 262144

struct rxs_dropcap {
	rxs_host_t *host;
	FILE *f;
	uint64_t count;
	bool failed;
};

static void put(struct rxs_dropcap *dc, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, dc->f) != n)
		dc->failed = true;
}

static void put32(struct rxs_dropcap *dc, uint32_t v)
{
	put(dc, &v, sizeof(v));
}

static void put16(struct rxs_dropcap *dc, uint16_t v)
{
	put(dc, &v, sizeof(v));
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* One option: code, length, value padded to 32 bits. */
static void put_opt(struct rxs_dropcap *dc, uint16_t code, const void *val, uint16_t len)
{
	static const uint8_t zero[4];

	put16(dc, code);
	put16(dc, len);
	put(dc, val, len);
	put(dc, zero, pad4(len) - len);
}

static void write_headers(struct rxs_dropcap *dc)
{
	static const char app[] = "rxsim";
	uint8_t tsresol = 9;
	uint64_t section_len = UINT64_MAX;	/* unspecified */
	uint32_t shb_len = 28 + 4 + (uint32_t)pad4(sizeof(app) - 1) + 4;
	uint32_t idb_len = 20 + 4 + 4 + 4;

	put32(dc, BT_SHB);
	put32(dc, shb_len);
	put32(dc, 0x1A2B3C4Du);
	put16(dc, 1);		/* version 1.0 */
	put16(dc, 0);
	put(dc, &section_len, sizeof(section_len));
	put_opt(dc, 4 /* shb_userappl */, app, sizeof(app) - 1);
	put32(dc, OPT_ENDOFOPT);
	put32(dc, shb_len);

	put32(dc, BT_IDB);
	put32(dc, idb_len);
	put16(dc, LINKTYPE_ETHERNET);
	put16(dc, 0);
	put32(dc, SNAPLEN);
	put_opt(dc, IF_TSRESOL, &tsresol, 1);
	put32(dc, OPT_ENDOFOPT);
	put32(dc, idb_len);
}

static void write_epb(struct rxs_dropcap *dc, const uint8_t *frame, uint32_t len, uint64_t ts,
		      const char *comment)
{
	static const uint8_t zero[4];
	uint16_t clen = (uint16_t)strlen(comment);
	uint32_t blen = 28 + (uint32_t)pad4(len) + 4 + (uint32_t)pad4(clen) + 4 + 4;

	put32(dc, BT_EPB);
	put32(dc, blen);
	put32(dc, 0);		/* interface 0 */
	put32(dc, (uint32_t)(ts >> 32));
	put32(dc, (uint32_t)ts);
	put32(dc, len);		/* captured */
	put32(dc, len);		/* original */
	put(dc, frame, len);
	put(dc, zero, pad4(len) - len);
	put_opt(dc, OPT_COMMENT, comment, clen);
	put32(dc, OPT_ENDOFOPT);
	put32(dc, blen);
	dc->count++;
}

/* "SOCKET_RCVBUFF in __udp_enqueue_schedule_skb (frame 12, dropped at 0.001981000 s)": the
 * reason, the stage (the kfree_skb tracepoint's location), the frame and the time. */
static void comment(const struct rxs_dropcap *dc, char *buf, size_t n,
		    enum rxs_drop_reason reason, const char *stage, uint64_t id, uint64_t t)
{
	const char *name = rxs_drop_reason_name(reason);
	char of[96] = "";

	rxs__frame_of(dc->host, id, of, sizeof(of));
	if (id)
		snprintf(buf, n, "%s in %s (frame %" PRIu64 "%s, dropped at %" PRIu64 ".%09" PRIu64
			 " s)", name, stage, rxs_frame_number(id), of, t / 1000000000u,
			 t % 1000000000u);
	else
		snprintf(buf, n, "%s in %s (dropped at %" PRIu64 ".%09" PRIu64 " s)", name, stage,
			 t / 1000000000u, t % 1000000000u);
}

static void on_kfree(void *ctx, const struct rxs_sk_buff *skb, enum rxs_drop_reason reason)
{
	struct rxs_dropcap *dc = ctx;
	const uint8_t *start, *end = skb->head + skb->tail;
	char text[256];

	/* Consumed packets and clones (a tap's copy) are not drops of offered frames. */
	if (reason == RXS_DROP_CONSUMED || !skb->counted)
		return;
	start = skb->mac_header != 0xffff ? skb->head + skb->mac_header : skb->data;
	if (end < start)
		return;
	comment(dc, text, sizeof(text), reason, rxs__drop_location(skb, reason), skb->id,
		rxs_host_now(dc->host));
	if (skb->rx_tags[0]) {
		/* The frame as it was on the wire, its stripped VLAN tags back in. */
		uint32_t cap = (uint32_t)(end - start) + 8;
		uint8_t *buf = rxs__malloc(cap);
		uint32_t len = buf ? rxs_skb_wire_frame(skb, buf, cap) : 0;

		if (len)
			write_epb(dc, buf, RXS_MIN(len, (uint32_t)SNAPLEN), skb->tstamp, text);
		rxs__free(buf);
		if (len)
			return;
	}
	write_epb(dc, start, (uint32_t)RXS_MIN((size_t)(end - start), (size_t)SNAPLEN),
		  rxs_host_capture_time(dc->host, skb->tstamp), text);
}

static void on_frame_drop(void *ctx, const uint8_t *frame, uint32_t len, uint64_t t_ns,
			  enum rxs_drop_reason reason)
{
	struct rxs_dropcap *dc = ctx;
	char text[256];

	/* Never an skb: the NIC itself refused the frame. */
	comment(dc, text, sizeof(text), reason, "the NIC", rxs_host_frame_drop_id(dc->host), t_ns);
	write_epb(dc, frame, RXS_MIN(len, (uint32_t)SNAPLEN), rxs_host_capture_time(dc->host, t_ns),
		  text);
}

int rxs_dropcap_open(rxs_dropcap_t **dcp, struct rxs_host *h, const char *path)
{
	struct rxs_dropcap *dc;
	int err;

	*dcp = NULL;
	dc = rxs__calloc(1, sizeof(*dc));
	if (!dc)
		return -ENOMEM;
	dc->host = h;
	dc->f = fopen(path, "wb");
	if (!dc->f) {
		err = -errno;
		rxs__free(dc);
		return err;
	}
	write_headers(dc);
	rxs_host_set_kfree_skb_cb(h, on_kfree, dc);
	rxs_host_set_frame_drop_cb(h, on_frame_drop, dc);
	*dcp = dc;
	return 0;
}

uint64_t rxs_dropcap_count(const rxs_dropcap_t *dc)
{
	return dc->count;
}

int rxs_dropcap_close(rxs_dropcap_t *dc)
{
	bool failed;

	if (!dc)
		return 0;
	rxs_host_set_kfree_skb_cb(dc->host, NULL, NULL);
	rxs_host_set_frame_drop_cb(dc->host, NULL, NULL);
	failed = dc->failed | (fclose(dc->f) != 0);
	rxs__free(dc);
	return failed ? -EIO : 0;
}
