/* rxsim/frame.h - Ethernet frames built for you: UDP, TCP and ICMP over IPv4 or IPv6.
 *
 * For programs and tests that inject traffic (rxs_host_inject) or write captures: fill a
 * struct rxs_frame_spec, call the builder of the protocol, and the frame is in your buffer
 * with every length and checksum right, or with a checksum deliberately wrong when asked.
 * Everything left zero takes a default that reaches rxsim's default host:
 *
 *	uint8_t buf[RXS_FRAME_MAX];
 *	struct rxs_frame_spec s = { .dport = 53, .payload = "hello", .payload_len = 5 };
 *	int len = rxs_frame_udp(buf, sizeof(buf), &s);	// 10.0.0.1:0 -> 10.0.0.2:53
 *
 * Frames carry no FCS; they are padded to the Ethernet minimum of 60 bytes only when asked
 * (.pad), as a frame arrives from the wire, since a capture taken on the sender holds them
 * unpadded.
 */
#ifndef RXSIM_FRAME_H
#define RXSIM_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rxsim/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Room for any frame the builders write: a jumbo MTU, two headers and a tag. */
#define RXS_FRAME_MAX 9216

/* TCP flags, as in the header's 13th byte. */
#define RXS_TCP_FIN 0x01
#define RXS_TCP_SYN 0x02
#define RXS_TCP_RST 0x04
#define RXS_TCP_PSH 0x08
#define RXS_TCP_ACK 0x10
#define RXS_TCP_URG 0x20

/* What to get wrong on purpose (rxs_frame_spec.bad). */
#define RXS_FRAME_BAD_IP_CSUM	0x1	/* the IPv4 header checksum, off by one */
#define RXS_FRAME_BAD_L4_CSUM	0x2	/* the UDP, TCP, ICMP or ICMPv6 checksum, off by one */
#define RXS_FRAME_NO_UDP_CSUM	0x4	/* UDP over IPv4 with checksum 0 ("none", RFC 768) */

struct rxs_frame_spec {
	uint8_t dst_mac[6];	/* all zero: 02:00:00:00:00:02, the default host's MAC */
	uint8_t src_mac[6];	/* all zero: 02:00:00:00:00:01 */
	bool vlan;		/* insert an 802.1Q tag ... */
	uint16_t vlan_tci;	/* ... with this TCI (priority << 13 | VLAN id) */
	const char *src;	/* "10.0.0.1" or "fd00::1"; NULL: 10.0.0.1, or fd00::1 when
				 * dst is IPv6 */
	const char *dst;	/* NULL: 10.0.0.2, or fd00::2 when src is IPv6 */
	uint8_t ttl;		/* IPv4 TTL or IPv6 hop limit; 0: 64 */
	uint8_t tos;		/* IPv4 TOS or IPv6 traffic class */
	uint16_t ip_id;		/* IPv4 identification */
	bool df;		/* IPv4 don't-fragment */
	uint16_t sport, dport;	/* UDP and TCP ports */
	uint8_t tcp_flags;	/* RXS_TCP_*; 0 is a segment with no flag set */
	uint32_t seq, ack;	/* TCP sequence and acknowledgment numbers */
	uint16_t window;	/* TCP window, as given (0 is a zero window) */
	const void *tcp_options;	/* TCP options, padded to 4 bytes with NOPs... */
	size_t tcp_options_len;		/* ... at most 40 bytes */
	uint8_t icmp_type;	/* as given: 8 echo request (ICMPv6 128), 0 reply (129) */
	uint8_t icmp_code;
	uint16_t icmp_id, icmp_seq;	/* echo identifier and sequence */
	const void *payload;	/* the data after the transport header */
	size_t payload_len;
	unsigned int bad;	/* RXS_FRAME_BAD_* and RXS_FRAME_NO_UDP_CSUM */
	bool pad;		/* zeros up to 60 bytes, the Ethernet minimum without FCS */
};

/* Write the frame that @s describes into @buf (@size bytes). Each returns the frame's
 * length, -EINVAL when an address does not parse or src and dst are of different families,
 * or -ENOSPC when the frame does not fit in @size (or is over 65,535 bytes of IP). ICMP over
 * IPv6 is ICMPv6; its header's rest is icmp_id and icmp_seq, as echo has it. */
RXS_API int rxs_frame_udp(void *buf, size_t size, const struct rxs_frame_spec *s);
RXS_API int rxs_frame_tcp(void *buf, size_t size, const struct rxs_frame_spec *s);
RXS_API int rxs_frame_icmp(void *buf, size_t size, const struct rxs_frame_spec *s);

#ifdef __cplusplus
}
#endif

#endif
