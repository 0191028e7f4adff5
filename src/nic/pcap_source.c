/* pcap_source.c - the common source API, link-header conversion and the classic pcap reader.
 *
 * Classic pcap files are read by libpcap. pcapng files are read by our own reader
 * (pcapng.c), always: libpcap refuses a pcapng file whose interfaces have different link
 * types, and an interface may be described anywhere in the file, so knowing whether libpcap
 * could read it would take a full pass first. One reader for every pcapng file also means one
 * set of rules for per-interface timestamp resolution and link types.
 *
 * Frames of link types other than Ethernet get a synthetic 14-byte Ethernet header, copied
 * into the source's one frame buffer; Ethernet frames are returned in place, in libpcap's (or
 * the pcapng reader's) buffer, so no frame costs a copy or an allocation.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "nic/source_int.h"
#include "rxsim/error.h"

#define ETH_HLEN 14

const char rxs__linktype_list[] =
	"EN10MB (1), LINUX_SLL (113), LINUX_SLL2 (276), RAW (101), IPV4 (228), IPV6 (229), "
	"NULL (0), LOOP (108)";

/* Linux packet types of SLL/SLL2 headers (<linux/if_packet.h>). */
enum { PKT_HOST, PKT_BROADCAST, PKT_MULTICAST, PKT_OTHERHOST, PKT_OUTGOING };

/* Where the synthetic Ethernet header comes from. */
struct linkhdr {
	unsigned int hlen;	/* bytes of the captured link header to strip */
	uint8_t dst[6], src[6];
	uint16_t type;
};

rxs_source_t *rxs__source_alloc(const char *name, const struct rxs_source_opts *opts,
				const struct rxs__source_ops *ops)
{
	rxs_source_t *src = rxs__calloc(1, sizeof(*src));

	if (!src)
		return NULL;
	src->name = rxs__strdup(name);
	src->buf = rxs__malloc(RXS__FRAME_BUF);
	src->linktype = -1;
	if (!src->name || !src->buf) {
		rxs__free(src->name);
		rxs__free(src->buf);
		rxs__free(src);
		return NULL;
	}
	if (opts)
		src->opts = *opts;
	src->ops = ops;
	return src;
}

int rxs__source_fail(rxs_source_t *src, int err, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(src->errmsg, sizeof(src->errmsg), "%s: ", src->name);

	if (n < 0 || (size_t)n >= sizeof(src->errmsg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(src->errmsg + n, sizeof(src->errmsg) - (size_t)n, fmt, ap);
	va_end(ap);
	src->err = err;
	src->win.pos = src->win.end = NULL;	/* every read now ends in the error */
	return err;
}

int rxs__linktype_canon(uint32_t lt)
{
	lt &= RXS__LT_MASK;
	/* libpcap maps LINKTYPE_RAW to the platform's DLT_RAW, which is 12 or 14. */
	if (lt == 12 || lt == 14)
		return RXS__LT_RAW;
	return (int)lt;
}

int rxs__linktype_supported(uint32_t lt)
{
	switch (rxs__linktype_canon(lt)) {
	case RXS__LT_NULL: case RXS__LT_EN10MB: case RXS__LT_RAW: case RXS__LT_LOOP:
	case RXS__LT_LINUX_SLL: case RXS__LT_IPV4: case RXS__LT_IPV6: case RXS__LT_LINUX_SLL2:
		return 1;
	}
	return 0;
}

const char *rxs__linktype_name(uint32_t lt, char *buf, size_t len)
{
	const char *name = pcap_datalink_val_to_name((int)(lt & RXS__LT_MASK));

	snprintf(buf, len, "%s (%u)", name ? name : "unknown", (unsigned int)(lt & RXS__LT_MASK));
	return buf;
}

static void put_mac_host(uint8_t *mac, const struct rxs_source_opts *o, int pkttype)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

	switch (pkttype) {
	case PKT_HOST:
		memcpy(mac, o->host_mac, 6);
		break;
	case PKT_BROADCAST:
		memcpy(mac, bcast, 6);
		break;
	case PKT_MULTICAST:
		memcpy(mac, mcast, 6);
		break;
	case PKT_OUTGOING:
		/* Sent by the capturing host, to a peer (SLL keeps no destination address). */
		memcpy(mac, o->peer_mac, 6);
		break;
	default:
		/* OTHERHOST, and types we do not know: unicast to some other station. */
		memcpy(mac, o->host_mac, 6);
		mac[5] ^= 0x01;
		break;
	}
}

/* SLL: pkttype(2) arphrd(2) halen(2) addr(8) protocol(2). SLL2: protocol(2) reserved(2)
 * ifindex(4) arphrd(2) pkttype(1) halen(1) addr(8). */
static void parse_sll(const struct rxs_source_opts *o, int sll2, const uint8_t *p,
		      struct linkhdr *lh)
{
	int pkttype = sll2 ? p[10] : rxs__get_be16(p);
	unsigned int halen = sll2 ? p[11] : rxs__get_be16(p + 4);
	const uint8_t *addr = p + (sll2 ? 12 : 6);

	put_mac_host(lh->dst, o, pkttype);
	memcpy(lh->src, halen == 6 ? addr : o->peer_mac, 6);
	/* Sent by the capturing host: from the host's MAC, so the replay knows it for the host's
	 * own frame (not received; its SYN-ACKs' ISNs learned), as in an Ethernet capture. */
	if (pkttype == PKT_OUTGOING)
		memcpy(lh->src, o->host_mac, 6);
	lh->type = rxs__get_be16(sll2 ? p : p + 14);
}

/* Raw IP has no link header: the version nibble names the protocol, as Linux tun does.
 * Another nibble still goes to the IP layer of the link type, which counts the bad header. */
static uint16_t raw_ip_type(int lt, uint8_t first)
{
	if (first >> 4 == 6)
		return 0x86DD;
	if (first >> 4 == 4)
		return 0x0800;
	return lt == RXS__LT_IPV6 ? 0x86DD : 0x0800;
}

/* BSD loopback: a 4-byte address family. AF_INET6 differs between BSDs (24, 28, 30); other
 * families get ethertype 0, which the receive path counts as unhandled. */
static uint16_t null_family_type(uint32_t family)
{
	switch (family) {
	case 2:
		return 0x0800;
	case 24: case 28: case 30:
		return 0x86DD;
	}
	return 0;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Fill @lh for one record: 1, or 0 if the captured bytes do not hold the link header. */
static int parse_link(const rxs_source_t *src, int lt, const uint8_t *p, uint32_t caplen,
		      struct linkhdr *lh)
{
	uint32_t family;

	memcpy(lh->src, src->opts.peer_mac, 6);
	memcpy(lh->dst, src->opts.host_mac, 6);
	switch (lt) {
	case RXS__LT_LINUX_SLL:
	case RXS__LT_LINUX_SLL2:
		lh->hlen = lt == RXS__LT_LINUX_SLL ? 16 : 20;
		if (caplen < lh->hlen)
			return 0;
		parse_sll(&src->opts, lt == RXS__LT_LINUX_SLL2, p, lh);
		return 1;
	case RXS__LT_RAW:
	case RXS__LT_IPV4:
	case RXS__LT_IPV6:
		lh->hlen = 0;
		if (caplen < 1)
			return 0;
		lh->type = raw_ip_type(lt, p[0]);
		return 1;
	default:	/* NULL in the capturing host's order, LOOP in network order */
		lh->hlen = 4;
		if (caplen < 4)
			return 0;
		family = lt == RXS__LT_LOOP ? rxs__get_be32(p) : get_le32(p);
		/* The file does not say the capturing host's order; families are small. */
		if (lt == RXS__LT_NULL && (family & 0xFFFF0000u))
			family = rxs__get_be32(p);
		lh->type = null_family_type(family);
		return 1;
	}
}

/* A record too short for its link header: the NIC counts it as a length error. */
static int link_trunc(rxs_source_t *src, uint32_t origlen, struct rxs_frame *f)
{
	f->data = src->buf;
	f->len = 0;
	f->wire_len = origlen;
	f->flags = RXS_FRAME_F_LINK_TRUNC;
	src->stats.link_trunc++;
	return 1;
}

/* Lengths after swapping a @hlen-byte link header for Ethernet. A file may claim fewer bytes
 * on the wire than it captured; the frame's wire length is then raised to what was captured,
 * so len <= wire_len always holds. */
static void set_lengths(struct rxs_frame *f, unsigned int hlen, uint32_t caplen,
			uint32_t origlen)
{
	uint64_t len = (uint64_t)caplen - hlen + ETH_HLEN;
	uint64_t wire = origlen >= hlen ? (uint64_t)origlen - hlen + ETH_HLEN : ETH_HLEN;

	f->flags = caplen < origlen ? RXS_FRAME_F_SNAPPED : 0;
	if (len > RXS__FRAME_BUF) {
		len = RXS__FRAME_BUF;
		f->flags |= RXS_FRAME_F_SNAPPED;
	}
	if (wire > UINT32_MAX)
		wire = UINT32_MAX;
	f->len = (uint32_t)len;
	f->wire_len = (uint32_t)RXS_MAX(wire, len);
}

/* An Ethernet record is the frame, returned in place. */
static inline int eth_frame(rxs_source_t *src, const uint8_t *pkt, uint32_t caplen,
			    uint32_t origlen, struct rxs_frame *f)
{
	if (caplen < ETH_HLEN)
		return link_trunc(src, origlen, f);
	f->data = pkt;
	f->len = caplen;
	f->wire_len = RXS_MAX(caplen, origlen);
	f->flags = caplen < origlen ? RXS_FRAME_F_SNAPPED : 0;
	return 1;
}

int rxs__link_convert(rxs_source_t *src, uint32_t lt, const uint8_t *pkt, uint32_t caplen,
		      uint32_t origlen, struct rxs_frame *f)
{
	struct linkhdr lh;
	int clt = rxs__linktype_canon(lt);

	if (clt == RXS__LT_EN10MB)
		return eth_frame(src, pkt, caplen, origlen, f);
	if (!parse_link(src, clt, pkt, caplen, &lh))
		return link_trunc(src, origlen, f);
	set_lengths(f, lh.hlen, caplen, origlen);
	memcpy(src->buf, lh.dst, 6);
	memcpy(src->buf + 6, lh.src, 6);
	rxs__put_be16(src->buf + 12, lh.type);
	memcpy(src->buf + ETH_HLEN, pkt + lh.hlen, f->len - ETH_HLEN);
	f->data = src->buf;
	src->stats.link_converted++;
	return 1;
}

int rxs_source_next(rxs_source_t *src, struct rxs_frame *f)
{
	return rxs__source_next_inline(src, f);
}

/* The common policy around every backend: sticky errors, timestamps that never go back
 * (a backwards one is clamped to its predecessor and counted), statistics. The window's
 * records get the same in rxs__source_next_inline(). */
int rxs__source_next_slow(rxs_source_t *src, struct rxs_frame *f)
{
	int rc;

	if (src->err)
		return src->err;
	memset(f, 0, sizeof(*f));
	rc = src->ops->next(src, f);
	if (rc <= 0)
		return rc;
	if (src->stats.frames > 0 && f->ts_ns < src->last_ts_ns) {
		f->ts_ns = src->last_ts_ns;
		src->stats.ts_backwards++;
	}
	src->last_ts_ns = f->ts_ns;
	/* Before the NIC sees it, as on the wire: see csum.c. */
	if (likely(!src->csum_defer))
		rxs__csum_apply(src, f);
	else
		src->csum_pending = true;
	src->stats.frames++;
	if (f->flags & RXS_FRAME_F_SNAPPED)
		src->stats.snapped++;
	return 1;
}

void rxs__source_defer_csum(rxs_source_t *src)
{
	src->csum_defer = true;
}

void rxs__source_csum(rxs_source_t *src, struct rxs_frame *f)
{
	if (!src->csum_pending)
		return;
	src->csum_pending = false;
	rxs__csum_apply(src, f);
}

const char *rxs_source_errmsg(const rxs_source_t *src)
{
	return src->errmsg;
}

void rxs_source_get_stats(const rxs_source_t *src, struct rxs_source_stats *stats)
{
	*stats = src->stats;
}

void rxs_source_close(rxs_source_t *src)
{
	if (!src)
		return;
	if (src->ops && src->ops->close)
		src->ops->close(src);
	rxs__free(src->name);
	rxs__free(src->buf);
	rxs__free(src);
}

/*
 * The classic pcap backend. libpcap opens the file and checks its header, and reads any
 * record we do not: but two fread() calls and three function layers per record cost as much
 * as a third of the whole receive path, so the records of a plain file (a regular file in
 * our byte order, version 2.4, each record whole and within the snapshot length) are parsed
 * here, out of a large buffer that pread() fills. The first record that is not plain (cut
 * short, longer than the snapshot length, a timestamp libpcap would sign-extend), or the end
 * of the file, hands the file to libpcap for good: the FILE is moved to that record and
 * pcap_next_ex() goes on from there, so every message and corner case stays libpcap's.
 * A plain Ethernet record, whole in the buffer, is not even read here: the source's window
 * (source.h) hands it to rxs__source_next_inline(), and the rest come here.
 */
#define BULK_BUF (128u * 1024)
#define REC_HDR RXS__PCAP_REC_HDR
#define TCPDUMP_MAGIC 0xa1b2c3d4u
#define NSEC_TCPDUMP_MAGIC 0xa1b23c4du

struct pcap_file {
	pcap_t *p;
	int linktype;			/* pcap_datalink(), fixed for the file */
	bool bulk;			/* records come from buf, not from libpcap */
	bool nsec;			/* the file's fractions are nanoseconds */
	int fd;
	uint32_t snaplen;		/* pcap_snapshot(): longer records go to libpcap */
	uint64_t off;			/* file offset of buf[0] */
	uint32_t pos, len;		/* the next record is at buf[pos]; buf holds len bytes */
	uint8_t *buf;			/* BULK_BUF bytes while bulk */
};

/* Hand the file to libpcap at the next record. 0, or RXS_EPCAP with the message set. */
static int bulk_stop(rxs_source_t *src, struct pcap_file *pf)
{
	pf->bulk = false;
	if (fseeko(pcap_file(pf->p), (off_t)(pf->off + pf->pos), SEEK_SET) != 0)
		return rxs__source_fail(src, RXS_EPCAP, "packet %llu: %s",
					(unsigned long long)src->number + 1, strerror(errno));
	return 0;
}

/* Make @need bytes from the next record on readable in the buffer: true, or false at the
 * end of the file, on a read error, or when the record does not fit. */
static bool bulk_fill(struct pcap_file *pf, uint32_t need)
{
	uint32_t have = pf->len - pf->pos;
	ssize_t n;

	if (need > BULK_BUF)
		return false;
	memmove(pf->buf, pf->buf + pf->pos, have);
	pf->off += pf->pos;
	pf->pos = 0;
	pf->len = have;
	while (pf->len < need) {
		n = pread(pf->fd, pf->buf + pf->len, BULK_BUF - pf->len,
			  (off_t)(pf->off + pf->len));
		if (n <= 0)
			return false;
		pf->len += (uint32_t)n;
	}
	return true;
}

/* The next plain record of the buffer: 1 with @f filled, or 0 when libpcap must read it. */
static int bulk_next(rxs_source_t *src, struct pcap_file *pf, struct rxs_frame *f)
{
	uint32_t h[4];			/* ts_sec, ts_frac, caplen, len, in our byte order */
	const uint8_t *rec;

	if (pf->len - pf->pos < REC_HDR && !bulk_fill(pf, REC_HDR))
		return 0;
	memcpy(h, pf->buf + pf->pos, REC_HDR);
	/* libpcap stores both timestamp words as signed 32-bit values: past 2^31 they would
	 * be sign-extended, which is its business. */
	if (unlikely(((h[0] | h[1]) & 0x80000000u) || h[2] > pf->snaplen))
		return 0;
	if (pf->len - pf->pos < REC_HDR + h[2] && !bulk_fill(pf, REC_HDR + h[2]))
		return 0;
	rec = pf->buf + pf->pos;
	pf->pos += REC_HDR + h[2];
	f->number = ++src->number;
	f->ts_ns = (uint64_t)h[0] * 1000000000u + (uint64_t)h[1] * (pf->nsec ? 1u : 1000u);
	if (likely(pf->linktype == RXS__LT_EN10MB))
		return eth_frame(src, rec + REC_HDR, h[2], h[3], f);
	return rxs__link_convert(src, (uint32_t)pf->linktype, rec + REC_HDR, h[2], h[3], f);
}

/* The next record, ours or libpcap's. */
static int pcap_file_read(rxs_source_t *src, struct pcap_file *pf, struct rxs_frame *f)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	if (likely(pf->bulk)) {
		if (bulk_next(src, pf, f))
			return 1;
		if ((rc = bulk_stop(src, pf)) < 0)
			return rc;
	}
	rc = pcap_next_ex(pf->p, &h, &data);
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1)
		return rxs__source_fail(src, RXS_EPCAP, "packet %llu: %s",
					(unsigned long long)src->number + 1, pcap_geterr(pf->p));
	f->number = ++src->number;
	/* With nanosecond precision libpcap scales microsecond files itself. An out-of-range
	 * fraction (>= 10^9) is kept: it only moves the timestamp forward. */
	f->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
	return rxs__link_convert(src, (uint32_t)pf->linktype, data, h->caplen, h->len, f);
}

/* The window (source.h) is the buffer's read position while it is open: the backend takes
 * the position back from it, reads, and opens it again on what the buffer now holds, for
 * plain Ethernet records read by us. */
static void win_give(rxs_source_t *src, const struct pcap_file *pf)
{
	if (pf->bulk && pf->linktype == RXS__LT_EN10MB && !src->err) {
		src->win.pos = pf->buf + pf->pos;
		src->win.end = pf->buf + pf->len;
	} else {
		src->win.pos = src->win.end = NULL;
	}
}

/* Every record the window does not take: at the buffer's end, or not plain. */
static int pcap_file_next(rxs_source_t *src, struct rxs_frame *f)
{
	struct pcap_file *pf = src->priv;
	int rc;

	if (src->win.pos)
		pf->pos = (uint32_t)(src->win.pos - pf->buf);
	rc = pcap_file_read(src, pf, f);
	win_give(src, pf);
	return rc;
}

static void pcap_file_close(rxs_source_t *src)
{
	struct pcap_file *pf = src->priv;

	if (!pf)
		return;
	if (pf->p)
		pcap_close(pf->p);
	rxs__free(pf->buf);
	rxs__free(pf);
}

/* How far the capture is read: our offset while we read it, else the FILE's position, which
 * libpcap leaves at the end of the last record it read. */
static void pcap_file_progress(const rxs_source_t *src, uint64_t *done, uint64_t *total)
{
	const struct pcap_file *pf = src->priv;
	FILE *fp = pf && pf->p ? pcap_file(pf->p) : NULL;
	struct stat st;
	long pos = fp ? ftell(fp) : -1;

	*done = pos > 0 ? (uint64_t)pos : 0;
	if (fp && pf->bulk)
		*done = pf->off + (src->win.pos ? (uint64_t)(src->win.pos - pf->buf) : pf->pos);
	*total = fp && fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
}

static const struct rxs__source_ops pcap_file_ops = { pcap_file_next, pcap_file_close,
						      pcap_file_progress };

/* Whether we can read @pf's records ourselves (see above); sets up the buffer if so. Any
 * doubt, even a failed allocation, leaves every record to libpcap. */
static void bulk_init(struct pcap_file *pf)
{
	FILE *fp = pcap_file(pf->p);
	uint32_t magic;
	struct stat st;
	off_t start;

	pf->fd = fileno(fp);
	start = ftello(fp);
	if (fstat(pf->fd, &st) != 0 || !S_ISREG(st.st_mode) || start != 24 ||
	    pread(pf->fd, &magic, sizeof(magic), 0) != (ssize_t)sizeof(magic) ||
	    (magic != TCPDUMP_MAGIC && magic != NSEC_TCPDUMP_MAGIC) ||
	    pcap_major_version(pf->p) != 2 || pcap_minor_version(pf->p) != 4 ||
	    pcap_snapshot(pf->p) <= 0)
		return;
	pf->buf = rxs__malloc(BULK_BUF);
	if (!pf->buf)
		return;
	pf->nsec = magic == NSEC_TCPDUMP_MAGIC;
	pf->snaplen = (uint32_t)pcap_snapshot(pf->p);
	pf->off = (uint64_t)start;
	pf->bulk = true;
}

int rxs__source_progress(const rxs_source_t *src, uint64_t *done, uint64_t *total)
{
	*done = *total = 0;
	if (src && src->ops && src->ops->progress)
		src->ops->progress(src, done, total);
	return *total ? 0 : -ENOTSUP;
}

const char *rxs__source_format(const rxs_source_t *src, int *linktype)
{
	if (src->format)
		*linktype = src->linktype;
	return src->format;
}

/* libpcap owns @fp from here on, also when it fails. */
static int open_classic(rxs_source_t *src, FILE *fp, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	char lname[96];
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	struct pcap_file *pf;
	int lt;

	if (!p) {
		fclose(fp);
		snprintf(err, errlen, "%s: %s", src->name, ebuf);
		return RXS_EPCAP;
	}
	pf = rxs__calloc(1, sizeof(*pf));
	if (!pf) {
		pcap_close(p);
		snprintf(err, errlen, "%s: out of memory", src->name);
		return -ENOMEM;
	}
	pf->p = p;
	src->priv = pf;
	lt = pcap_datalink(p);
	if (!rxs__linktype_supported((uint32_t)lt)) {
		snprintf(err, errlen, "%s: link type %s is not supported; supported: %s",
			 src->name, rxs__linktype_name((uint32_t)lt, lname, sizeof(lname)),
			 rxs__linktype_list);
		return RXS_ELINKTYPE;
	}
	pf->linktype = lt;
	src->format = "pcap";
	src->linktype = (int)(lt & RXS__LT_MASK);
	bulk_init(pf);
	src->win.snaplen = pf->snaplen;
	src->win.frac_ns = pf->nsec ? 1 : 1000;
	win_give(src, pf);
	return 0;
}

/*
 * "-" is standard input, as for tcpdump -r -. A bare capture is read twice (the survey of
 * rxs_scenario_for_capture, then the replay), and a sweep's runs read it once each, so it
 * must be a file: each open reopens it through /proc/self/fd/0, with an offset of its own,
 * from the start. A pipe cannot be read twice; the rxsim program spools one into an
 * anonymous temporary file on descriptor 0 first.
 */
static FILE *open_input(const char *path, char *err, size_t errlen)
{
	struct stat st;
	FILE *fp;

	int e;

	if (strcmp(path, "-") != 0) {
		fp = fopen(path, "rb");
		e = errno;
		if (!fp)
			snprintf(err, errlen, "%s: %s", path, strerror(e));
		errno = e;
		return fp;
	}
	if (fstat(0, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "-: standard input is not a file: a capture is read more than "
			 "once (redirect it from a file, or let the rxsim program spool it)");
		errno = ESPIPE;
		return NULL;
	}
	fp = fopen("/proc/self/fd/0", "rb");
	e = errno;
	if (!fp)
		snprintf(err, errlen, "-: standard input: %s", strerror(e));
	errno = e;
	return fp;
}

int rxs_source_open_pcap(rxs_source_t **srcp, const char *path,
			 const struct rxs_source_opts *opts, char *err, size_t errlen)
{
	RXS_OPTS(rxs_source_opts, o);
	uint8_t magic[4] = { 0 };
	rxs_source_t *src;
	FILE *fp;
	int rc;

	*srcp = NULL;
	if (rxs__opts_copy(&o, sizeof(o), opts) < 0) {
		snprintf(err, errlen, "%s: options of a size this rxsim does not know (%zu bytes)",
			 path, opts->sz);
		return -EINVAL;
	}
	fp = open_input(path, err, errlen);
	if (!fp)
		return -errno;
	src = rxs__source_alloc(path, &o, &pcap_file_ops);
	if (!src) {
		fclose(fp);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	/* A short file falls through to libpcap, which names what is missing. */
	if (fread(magic, 1, 4, fp) == 4 && rxs__get_be32(magic) == 0x0A0D0D0A) {
		rewind(fp);
		rc = rxs__pcapng_open(src, fp, err, errlen);
	} else {
		rewind(fp);
		rc = open_classic(src, fp, err, errlen);
	}
	if (rc < 0) {
		rxs_source_close(src);
		return rc;
	}
	*srcp = src;
	return 0;
}
