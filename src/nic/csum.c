/* csum.c - checksums as they were on the wire: the traffic source's `checksums` setting.
 *
 * A capture taken on the sending host sees a frame before its NIC does. With TX checksum
 * offload the stack leaves the frame CHECKSUM_PARTIAL: in the TCP or UDP checksum field it
 * writes the folded pseudo-header sum, not complemented (__tcp_v4_send_check() and
 * __tcp_v6_send_check(): th->check = ~tcp_v4_check(len, saddr, daddr, 0); udp4_hwcsum() and
 * udp_set_csum(): uh->check = ~csum_tcpudp_magic(saddr, daddr, len, IPPROTO_UDP, 0); for IPv6
 * ~csum_ipv6_magic()), and the NIC adds the payload in. On the wire the checksum was right;
 * in the file it is not, and a receive path that verifies it drops every such frame.
 *
 * - auto (the default) repairs exactly the frames whose TCP or UDP checksum field holds that
 *   placeholder for its own addresses and length (and whose checksum is not right already);
 *   everything else reaches the NIC as captured.
 * - recompute rewrites every checksum it can, as `tcprewrite --fixcsum`: the IPv4 header's,
 *   TCP's, UDP's (a UDP checksum of 0 over IPv4 stays 0: "no checksum"), ICMP's, ICMPv6's.
 *   Left as captured: frames cut short by the capture (the bytes the sum needs are not in the
 *   file), IP fragments (the L4 checksum covers the whole datagram, which no one fragment
 *   holds; the first fragment's IPv4 header checksum is still fixed), IPv6 jumbograms and
 *   packets behind an extension header other than hop-by-hop, routing and destination options.
 * - verify leaves every frame alone.
 *
 * A frame that needs a change is copied once into the source's own frame buffer (frames are
 * read in place, in the reader's buffer): no allocation, and the same frame always gives the
 * same bytes.
 */
#include <string.h>

#include "internal.h"
#include "nic/source_int.h"

#define ETH_HLEN 14

/* What one frame's L4 checksum needs: where its field is and what it sums over. */
struct l4 {
	uint8_t proto;
	bool v6;
	uint32_t off;			/* of the L4 header in the frame */
	uint32_t len;			/* L4 header + payload */
	uint32_t addrs;			/* unfolded sum of the addresses (0 for ICMP over IPv4) */
};

/* Make the frame writable: the source's buffer holds it from now on. */
static uint8_t *writable(rxs_source_t *src, struct rxs_frame *f)
{
	if (f->data != src->buf) {
		memcpy(src->buf, f->data, f->len);
		f->data = src->buf;
	}
	return src->buf;
}

/* Offset of the checksum field in an L4 header, or 0 when @proto has none we handle. */
static uint32_t check_field(uint8_t proto, uint32_t l4len)
{
	switch (proto) {
	case 6:
		return l4len >= 20 ? 16 : 0;
	case 17:
		return l4len >= 8 ? 6 : 0;
	case 1: case 58:
		return l4len >= 4 ? 2 : 0;
	}
	return 0;
}

/* The pseudo-header's sum: addresses, protocol, L4 length; none for ICMP over IPv4. */
static uint32_t pseudo(const struct l4 *l)
{
	uint64_t sum = (uint64_t)l->addrs + l->proto + l->len;

	if (l->proto == 1 && !l->v6)
		return 0;
	/* 2^32 is 1 in one's-complement arithmetic: a carry out of 32 bits comes back in
	 * (addresses such as 255.255.255.255 sum to nearly 2^32 on their own). */
	return (uint32_t)((sum & 0xFFFFFFFFu) + (sum >> 32));
}

/* The right checksum for @l, its field at @field counted as 0. */
static uint16_t l4_sum(const uint8_t *p, const struct l4 *l, uint32_t field)
{
	uint32_t sum = rxs__csum_partial(p + l->off, field, pseudo(l));
	uint16_t c;

	sum = rxs__csum_partial(p + l->off + field + 2, l->len - field - 2, sum);
	c = rxs__csum_fold(sum);
	/* UDP sends a computed 0 as 0xffff: 0 means "no checksum" (RFC 768). */
	return l->proto == 17 && c == 0 ? 0xffff : c;
}

/* Whether @check is the TX-offload placeholder for @l: the folded pseudo-header sum, not
 * complemented. One's-complement arithmetic has two zeros, so both forms are taken. */
static bool offload_placeholder(uint16_t check, const struct l4 *l)
{
	uint16_t folded = (uint16_t)~rxs__csum_fold(pseudo(l));

	if (l->proto != 6 && l->proto != 17)
		return false;
	return check == folded || (folded == 0xffff && check == 0) ||
	       (folded == 0 && check == 0xffff);
}

/* Check or rewrite the L4 checksum of @l per @mode: 1 when a TX-offload placeholder was
 * filled in, 2 when another wrong checksum was rewritten, 0 when nothing changed. */
static int fix_l4(rxs_source_t *src, struct rxs_frame *f, struct l4 *l, enum rxs_checksums mode)
{
	uint32_t field = check_field(l->proto, l->len), ulen;
	uint16_t check, want;
	bool placeholder;

	if (!field)
		return 0;
	/* UDP sums what its own length field says (udp_rcv() trims the packet to it, and the
	 * pseudo-header carries it); one that does not fit the packet is dropped for its length
	 * anyway, and no checksum could make it right. */
	if (l->proto == 17) {
		ulen = rxs__get_be16(f->data + l->off + 4);
		if (ulen < 8 || ulen > l->len)
			return 0;
		l->len = ulen;
	}
	check = rxs__get_be16(f->data + l->off + field);
	/* Over IPv4 a UDP checksum of 0 is "none": nothing to repair or to recompute. */
	if (l->proto == 17 && !l->v6 && check == 0)
		return 0;
	placeholder = offload_placeholder(check, l);
	if (mode == RXS_CSUM_AUTO && !placeholder)
		return 0;
	want = l4_sum(f->data, l, field);
	if (want == check)
		return 0;
	rxs__put_be16(writable(src, f) + l->off + field, want);
	return placeholder ? 1 : 2;
}

/* IPv4 at @l3: fix the header checksum (recompute only) and find the L4 part. Returns
 * whether the header changed; @l->len stays 0 when the L4 checksum must be left alone. */
static bool ipv4(rxs_source_t *src, struct rxs_frame *f, uint32_t l3, enum rxs_checksums mode,
		 struct l4 *l, bool *left)
{
	const uint8_t *p = f->data + l3;
	uint32_t ihl = (p[0] & 15u) * 4, tot;
	bool changed = false;
	uint16_t want;

	if (ihl < 20 || l3 + ihl > f->len)
		return false;
	tot = rxs__get_be16(p + 2);	/* only now known to be in the frame */
	if (mode == RXS_CSUM_RECOMPUTE) {
		want = rxs__csum_fold(rxs__csum_partial(p + 12, ihl - 12,
							rxs__csum_partial(p, 10, 0)));
		if (want != rxs__get_be16(p + 10)) {
			rxs__put_be16(writable(src, f) + l3 + 10, want);
			changed = true;
		}
	}
	/* The L4 sum needs the whole datagram: not a fragment, not cut short by the capture. */
	if ((rxs__get_be16(p + 6) & 0x3fffu) || tot < ihl || l3 + tot > f->len ||
	    (f->flags & RXS_FRAME_F_SNAPPED)) {
		*left = true;
		return changed;
	}
	l->proto = p[9];
	l->v6 = false;
	l->off = l3 + ihl;
	l->len = tot - ihl;
	l->addrs = rxs__csum_partial(p + 12, 8, 0);
	return changed;
}

/* IPv6 at @l3: find the L4 part past the extension headers we can walk. */
static void ipv6(const struct rxs_frame *f, uint32_t l3, struct l4 *l, bool *left)
{
	const uint8_t *p = f->data + l3;
	uint32_t plen, off = l3 + 40, end;
	uint8_t nh;

	if (l3 + 40 > f->len)
		return;
	plen = rxs__get_be16(p + 4);
	end = off + plen;
	nh = p[6];
	if (!plen || end > f->len || (f->flags & RXS_FRAME_F_SNAPPED)) {
		*left = true;
		return;
	}
	/* Hop-by-hop, routing and destination options: (next, length in 8-byte units - 1). */
	while ((nh == 0 || nh == 43 || nh == 60) && off + 8 <= end) {
		nh = f->data[off];
		off += ((uint32_t)f->data[off + 1] + 1) * 8;
	}
	if (off > end || (nh != 6 && nh != 17 && nh != 58)) {
		*left = nh == 44 || off > end;	/* a fragment: the datagram is not all here */
		return;
	}
	l->proto = nh;
	l->v6 = true;
	l->off = off;
	l->len = end - off;
	l->addrs = rxs__csum_partial(p + 8, 32, 0);
}

/*
 * The common frame under auto, in a few loads: untagged IPv4 with a 20-byte header, not a
 * fragment, all of it in the file, TCP or UDP. True when it holds no TX-offload placeholder,
 * so nothing is to be done (what fix_l4() would conclude, without walking the frame twice);
 * false sends it down the general path. A replay pays this on every frame.
 */
static bool auto_clean_ipv4(const struct rxs_frame *f)
{
	const uint8_t *p = f->data, *l4 = p + ETH_HLEN + 20;
	uint32_t tot, len, saddr, daddr;
	uint64_t sum;
	uint16_t check;

	if (f->len < ETH_HLEN + 20 + 8 || (f->flags & RXS_FRAME_F_SNAPPED) ||
	    memcmp(p + 12, "\x08\x00\x45", 3) || (rxs__get_be16(p + 20) & 0x3fffu))
		return false;
	tot = rxs__get_be16(p + 16);
	if (tot < 20 + 8 || ETH_HLEN + tot > f->len)
		return false;
	len = tot - 20;
	if (p[23] == 17) {
		len = rxs__get_be16(l4 + 4);
		if (len < 8 || len > tot - 20)
			return true;	/* one no sum can make right */
		memcpy(&check, l4 + 6, 2);
		if (check == 0)
			return true;	/* no checksum */
	} else if (p[23] == 6 && len >= 20) {
		memcpy(&check, l4 + 16, 2);
	} else {
		return false;
	}
	/* The pseudo-header's sum as the machine reads the words (RFC 1071 1.2.B): the
	 * byte-swap of the big-endian sum, compared with the field read the same way. */
	memcpy(&saddr, p + 26, 4);
	memcpy(&daddr, p + 30, 4);
	sum = (uint64_t)saddr + daddr + htobe16(p[23]) + htobe16((uint16_t)len);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	/* The placeholder is this folded sum; one's complement has two zeros. */
	return check != sum && !(sum == 0xffff && check == 0) && !(sum == 0 && check == 0xffff);
}

/* Everything but the common clean frame: parse, test, repair, count. Out of line, so the
 * common frame's test does not pay for this one's registers. */
static __attribute__((noinline)) void csum_apply_slow(rxs_source_t *src, struct rxs_frame *f,
						      enum rxs_checksums mode)
{
	uint32_t l3 = ETH_HLEN;
	uint16_t type;
	struct l4 l = { 0 };
	bool changed = false, left = false;
	int r = 0;

	if (f->len < ETH_HLEN || (f->flags & RXS_FRAME_F_LINK_TRUNC))
		return;
	type = rxs__get_be16(f->data + 12);
	/* Up to two VLAN tags (802.1Q, 802.1ad) sit between the MAC header and IP. */
	for (int i = 0; i < 2 && (type == 0x8100 || type == 0x88a8) && l3 + 4 <= f->len; i++) {
		type = rxs__get_be16(f->data + l3 + 2);
		l3 += 4;
	}
	if (type == 0x0800 && l3 < f->len && f->data[l3] >> 4 == 4)
		changed = ipv4(src, f, l3, mode, &l, &left);
	else if (type == 0x86dd && l3 < f->len && f->data[l3] >> 4 == 6)
		ipv6(f, l3, &l, &left);
	if (l.len)
		r = fix_l4(src, f, &l, mode);
	if (r == 1)
		src->stats.csum_offload++;
	else if (r == 2 || changed)
		src->stats.csum_rewritten++;
	else if (left && mode == RXS_CSUM_RECOMPUTE)
		src->stats.csum_left++;
}

void rxs__csum_apply(rxs_source_t *src, struct rxs_frame *f)
{
	enum rxs_checksums mode = src->opts.checksums;

	if (mode == RXS_CSUM_VERIFY || (mode == RXS_CSUM_AUTO && auto_clean_ipv4(f)))
		return;
	csum_apply_slow(src, f, mode);
}
