/* rxsim/skb.h - struct rxs_sk_buff, drop reasons, and the one exit of every packet's life.
 *
 * Whoever holds an skb either passes it on or ends it: rxs_consume_skb() when it was
 * delivered, rxs_kfree_skb_reason() with a named reason when it was dropped. Both are counted
 * by the pool the skb came from, which is what lets a run prove
 * offered == consumed + dropped + queued.
 */
#ifndef RXSIM_SKB_H
#define RXSIM_SKB_H

#include <stdbool.h>
#include <stdint.h>

#include "rxsim/export.h"

/*
 * Drop reasons, named as the kernel's enum skb_drop_reason (include/net/dropreason-core.h,
 * 6.18) so that grep works in both trees. The few that the kernel lacks, because there the
 * frame never becomes an skb, are marked "rxsim:"; they are counted so every frame has a fate.
 */
#define RXS_DROP_REASON_MAP(XX) \
	XX(NOT_SPECIFIED) \
	XX(NO_SOCKET) \
	XX(SOCKET_CLOSE) \
	XX(SOCKET_FILTER) \
	XX(SOCKET_RCVBUFF) \
	XX(PKT_TOO_SMALL) \
	XX(TCP_CSUM) \
	XX(UDP_CSUM) \
	XX(NETFILTER_DROP) \
	XX(OTHERHOST) \
	XX(IP_CSUM) \
	XX(IP_INHDR) \
	XX(IP_RPFILTER) \
	XX(UNICAST_IN_L2_MULTICAST) \
	XX(IP_NOPROTO) \
	XX(PROTO_MEM) \
	XX(SOCKET_BACKLOG) \
	XX(TCP_FLAGS) \
	XX(TCP_ZEROWINDOW) \
	XX(TCP_OLD_DATA) \
	XX(TCP_OVERWINDOW) \
	XX(TCP_LISTEN_OVERFLOW) \
	XX(TCP_RESET) \
	XX(TCP_INVALID_SYN) \
	XX(TCP_CLOSE) \
	XX(TCP_OFO_DROP) \
	XX(TCP_OFO_QUEUE_PRUNE) \
	XX(TCP_OFOMERGE) \
	XX(TCP_INVALID_ACK_SEQUENCE) \
	XX(IPV6DISABLED) \
	XX(CPU_BACKLOG) \
	XX(UNHANDLED_PROTO) \
	XX(DEV_READY) \
	XX(FULL_RING) \
	XX(NOMEM) \
	XX(HDR_TRUNC) \
	XX(ICMP_CSUM) \
	XX(IP_INADDRERRORS) \
	XX(IP_INNOROUTES) \
	XX(IP_LOCAL_SOURCE) \
	XX(IP_INVALID_SOURCE) \
	XX(IP_INVALID_DEST) \
	XX(IPV6_BAD_EXTHDR) \
	XX(FRAG_TOO_FAR) \
	XX(DUP_FRAG) \
	XX(PKT_TOO_BIG) \
	XX(FRAG_REASM_TIMEOUT) \
	XX(QUEUE_PURGE) \
	XX(INVALID_PROTO) \
	XX(TCP_OLD_SEQUENCE) \
	XX(TCP_INVALID_SEQUENCE) \
	XX(TCP_INVALID_END_SEQUENCE) \
	XX(NIC_MAC_FILTER)	/* rxsim: the NIC's destination MAC filter refused the frame */ \
	XX(NIC_LENGTH)		/* rxsim: runt or oversize frame, counted in rx_length_errors */ \
	XX(XDP)			/* an XDP program's XDP_DROP or XDP_ABORTED (native: before an \
				 * skb, where the kernel frees the buffer with no reason) */ \
	XX(TC_INGRESS) \
	XX(NEIGH_CREATEFAIL) \
	XX(NEIGH_FAILED) \
	XX(NEIGH_QUEUEFULL) \
	XX(TCP_RFC7323_PAWS) \
	XX(TCP_RFC7323_PAWS_ACK) \
	XX(TCP_RFC7323_TSECR) \
	XX(IPV6_NDISC_FRAG) \
	XX(IPV6_NDISC_HOP_LIMIT) \
	XX(IPV6_NDISC_BAD_CODE) \
	XX(IPV6_NDISC_BAD_OPTIONS) \
	XX(IPV6_NDISC_NS_OTHERHOST)

enum rxs_drop_reason {
	RXS_DROP_NOT_DROPPED_YET = 0,
	RXS_DROP_CONSUMED,
#define XX(name) RXS_DROP_##name,
	RXS_DROP_REASON_MAP(XX)
#undef XX
	RXS_DROP_MAX
};

/* "NO_SOCKET" for RXS_DROP_NO_SOCKET, as the kfree_skb tracepoint prints it. */
RXS_API const char *rxs_drop_reason_name(enum rxs_drop_reason reason);

/*
 * What a dropped packet was when it died, so that a report can put the drop at its stage of
 * the path: a reason alone does not say it (PKT_TOO_SMALL ends short ARP, IPv4, IPv6 and UDP
 * packets alike). RXS_PKT_L2: no skb yet (the NIC) or no protocol set; IP classes come from
 * the ethertype and the protocol field of the network header (an IPv6 packet whose first
 * next header is an extension header counts as RXS_PKT_IPV6).
 */
enum rxs_pkt_class {
	RXS_PKT_L2,
	RXS_PKT_ARP,
	RXS_PKT_IPV4,
	RXS_PKT_UDP4,
	RXS_PKT_TCP4,
	RXS_PKT_ICMP4,
	RXS_PKT_IPV6,
	RXS_PKT_UDP6,
	RXS_PKT_TCP6,
	RXS_PKT_ICMP6,
	RXS_PKT_CLASS_MAX
};

/* PACKET_HOST etc., as eth_type_trans() sets skb->pkt_type; PACKET_LOOPBACK for a copy of
 * what the host sent to a group it joined (dev_loopback_xmit()). */
enum {
	RXS_PACKET_HOST,
	RXS_PACKET_BROADCAST,
	RXS_PACKET_MULTICAST,
	RXS_PACKET_OTHERHOST,
	RXS_PACKET_OUTGOING,
	RXS_PACKET_LOOPBACK,
};

/* skb->ip_summed */
enum { RXS_CHECKSUM_NONE, RXS_CHECKSUM_UNNECESSARY, RXS_CHECKSUM_COMPLETE };

struct rxs_skb_data;
struct rxs_skb_pool;
struct rxs_netdev;

struct rxs_sk_buff {
	struct rxs_sk_buff *next;	/* queue linkage, owned by the current holder */
	uint8_t *head;			/* start of the buffer */
	uint8_t *data;			/* start of the packet: head <= data */
	uint32_t tail;			/* offset of the end of the packet from head */
	uint32_t end;			/* offset of the end of the buffer from head */
	uint32_t len;			/* bytes from data to tail */
	uint32_t data_len;		/* bytes in fragments (always 0: one linear buffer) */
	uint32_t truesize;		/* memory charged to sockets, as the kernel computes it */
	uint16_t protocol;		/* ethertype, host byte order */
	uint8_t pkt_type;		/* RXS_PACKET_* */
	uint8_t ip_summed;		/* RXS_CHECKSUM_* */
	uint16_t mac_header;		/* offsets from head; 0xffff = unset */
	uint16_t network_header;
	uint16_t transport_header;
	uint16_t queue_mapping;		/* RX queue + 1, as skb_record_rx_queue() */
	uint16_t gso_segs;		/* segments GRO merged into this skb (0 or 1: not merged) */
	uint16_t gso_size;		/* their MSS: the first segment's payload */
	uint16_t vlan_proto;		/* the stripped tag's TPID (0x8100, 0x88a8); 0 = no tag */
	uint16_t vlan_tci;		/* its TCI: PCP, DEI and the VLAN id (low 12 bits) */
	uint32_t rx_tags[2];		/* every tag stripped on receive, TPID << 16 | TCI,
					 * outermost first: what was on the wire, for reports */
	uint32_t hash;
	uint32_t mark;
	uint32_t cpu;			/* CPU that received it (runs its protocol stack) */
	uint64_t tstamp;		/* arrival time at the NIC, virtual ns */
	uint64_t id;			/* which frame it is: RXS_FRAME_ID() below */
	struct rxs_netdev *dev;
	void *sk;			/* socket it was delivered to, if any */
	uint8_t cb[48];			/* per-layer scratch space, as the kernel's skb->cb */
	/* private */
	struct rxs_skb_pool *pool;
	struct rxs_skb_data *shared;	/* the buffer, reference counted between clones */
	bool counted;			/* an offered frame: its end counts for conservation */
	bool cloned;
	uint16_t oif;			/* a forwarded packet's output device, by ifindex (the
					 * kernel's skb_dst(skb)->dev); 0 = none. In the padding:
					 * the struct's size and layout above are unchanged */
	uint32_t priority;		/* skb->priority, which nft's meta priority reads and sets;
					 * in the padding too */
};

/*
 * skb->id of an offered frame names it as Wireshark does: its traffic source (the index in
 * the scenario's traffic list) in the top 16 bits, its 1-based record number in that file
 * below (every record counts, the host's own frames of a two-way capture too). Frames given
 * to rxs_host_inject() have source RXS_FRAME_SRC_INJECT and their count among those
 * offered. With one capture, the id is the frame number.
 */
#define RXS_FRAME_SRC_INJECT 0xffffu
#define RXS_FRAME_ID(source, number) ((uint64_t)(source) << 48 | ((number) & 0xffffffffffffull))

static inline uint64_t rxs_frame_number(uint64_t id)
{
	return id & 0xffffffffffffull;
}

static inline unsigned int rxs_frame_source(uint64_t id)
{
	return (unsigned int)(id >> 48);
}

static inline unsigned int rxs_skb_headroom(const struct rxs_sk_buff *skb)
{
	return (unsigned int)(skb->data - skb->head);
}

static inline uint8_t *rxs_skb_tail_pointer(const struct rxs_sk_buff *skb)
{
	return skb->head + skb->tail;
}

static inline uint8_t *rxs_skb_network_header(const struct rxs_sk_buff *skb)
{
	return skb->head + skb->network_header;
}

static inline uint8_t *rxs_skb_transport_header(const struct rxs_sk_buff *skb)
{
	return skb->head + skb->transport_header;
}

static inline uint8_t *rxs_skb_mac_header(const struct rxs_sk_buff *skb)
{
	return skb->head + skb->mac_header;
}

static inline void rxs_skb_reset_network_header(struct rxs_sk_buff *skb)
{
	skb->network_header = (uint16_t)(skb->data - skb->head);
}

static inline void rxs_skb_reset_transport_header(struct rxs_sk_buff *skb)
{
	skb->transport_header = (uint16_t)(skb->data - skb->head);
}

/* Remove @len bytes from the start; returns the new data, or NULL (nothing changed) if the
 * packet is shorter than @len. */
RXS_API uint8_t *rxs_skb_pull(struct rxs_sk_buff *skb, unsigned int len);

/* Give back @len bytes of headroom; returns the new data, or NULL if the headroom is short. */
RXS_API uint8_t *rxs_skb_push(struct rxs_sk_buff *skb, unsigned int len);

/* Cut the packet to @len bytes (removes Ethernet padding, as pskb_trim_rcsum). */
RXS_API void rxs_skb_trim(struct rxs_sk_buff *skb, unsigned int len);

/* True when @len bytes are present from data on (pskb_may_pull on a linear skb). */
/* The frame from its MAC header on with the VLAN tags stripped on receive put back where
 * they were on the wire (as libpcap shows a packet socket's frame), into @buf of @cap bytes.
 * Returns its length, or 0 if @buf is too small or the skb has no MAC header. */
RXS_API uint32_t rxs_skb_wire_frame(const struct rxs_sk_buff *skb, uint8_t *buf, uint32_t cap);

static inline bool rxs_pskb_may_pull(const struct rxs_sk_buff *skb, unsigned int len)
{
	return skb->len >= len;
}

/* A new header sharing @skb's data, as skb_clone(); NULL when the pool is exhausted. The
 * clone is not an offered frame: its end does not count for conservation. */
RXS_API struct rxs_sk_buff *rxs_skb_clone(struct rxs_sk_buff *skb);

/* End @skb's life as delivered (consume_skb). Takes ownership. NULL is a no-op. */
RXS_API void rxs_consume_skb(struct rxs_sk_buff *skb);

/* End @skb's life as dropped with @reason (kfree_skb_reason). Takes ownership. */
RXS_API void rxs_kfree_skb_reason(struct rxs_sk_buff *skb, enum rxs_drop_reason reason);

#endif /* RXSIM_SKB_H */
