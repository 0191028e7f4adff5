/* rxsim/nic.h - traffic sources (pcap, pcapng, generators) and the simulated NIC.
 *
 * A source yields Ethernet frames with a timestamp, one at a time, so a capture of any length
 * is replayed in constant memory. Captures of other link types that a Linux host receives as
 * Ethernet-like traffic (Linux cooked SLL/SLL2, raw IPv4/IPv6, BSD loopback NULL) are given an
 * Ethernet header, as if the frame had been received on the NIC.
 */
#ifndef RXSIM_NIC_H
#define RXSIM_NIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rxsim/config.h"
#include "rxsim/export.h"

/* Frame flags. */
#define RXS_FRAME_F_LINK_TRUNC	0x1	/* the link header was cut short: no usable frame */
#define RXS_FRAME_F_SNAPPED	0x2	/* caplen < wire length: the capture cut the frame */

struct rxs_frame {
	const uint8_t *data;	/* Ethernet frame, valid until the next rxs_source_next() */
	uint32_t len;		/* bytes at data (captured, after link-header conversion) */
	uint32_t wire_len;	/* length on the wire, converted the same way */
	uint64_t ts_ns;		/* timestamp from the capture, ns since the epoch */
	uint64_t number;	/* 1-based packet number in the file, for messages */
	unsigned int flags;	/* RXS_FRAME_F_* */
};

struct rxs_source_stats {
	uint64_t frames;		/* frames returned */
	uint64_t ts_backwards;		/* timestamps earlier than the previous one (clamped) */
	uint64_t link_converted;	/* frames given a synthetic Ethernet header */
	uint64_t link_trunc;		/* frames whose link header was cut short */
	uint64_t snapped;		/* frames shorter in the file than on the wire */
	/* Checksums (rxs_source_opts.checksums): frames whose TCP/UDP checksum field held
	 * the TX-offload placeholder and was filled in; frames whose checksums `recompute`
	 * changed otherwise; frames `recompute` left as they are (cut short, fragments). */
	uint64_t csum_offload;
	uint64_t csum_rewritten;
	uint64_t csum_left;
};

typedef struct rxs_source rxs_source_t;

/* How a capture is read. Declare one with RXS_OPTS(rxs_source_opts, o, .checksums = ...): it
 * carries its own size first, so later versions of rxsim may add fields at its end (see
 * RXS_OPTS in rxsim/export.h). */
struct rxs_source_opts {
	size_t sz;			/* sizeof(struct rxs_source_opts), set by RXS_OPTS */
	uint8_t host_mac[6];		/* destination MAC for frames sent to this host (SLL
					 * PACKET_HOST, raw IP) */
	uint8_t peer_mac[6];		/* source MAC for synthesised headers with no address */
	enum rxs_checksums checksums;	/* RXS_CSUM_AUTO (0) unless told otherwise */
};

/* Open a pcap or pcapng file, read as @opts says (NULL: every default). 0; -EINVAL (@opts of
 * a size this library does not know with non-zero bytes past the fields it knows); or
 * -ENOENT, RXS_EPCAP, RXS_ELINKTYPE with a message in @err naming the file (and, for a link
 * type, naming it and listing the supported ones). */
RXS_API int rxs_source_open_pcap(rxs_source_t **srcp, const char *path,
				 const struct rxs_source_opts *opts, char *err, size_t errlen);

/* Next frame into @f: 1 frame, 0 end of file, <0 error with rxs_source_errmsg() naming the
 * file and packet number (what was read before stays valid; the error is sticky).
 * Timestamps never go backwards: one earlier than its predecessor is clamped to it and
 * counted in stats.ts_backwards, so replay time only moves forward. A record too short for its
 * link header (including caplen 0) is returned with len 0 and RXS_FRAME_F_LINK_TRUNC. A
 * converted frame longer than 65599 bytes is cut there and flagged RXS_FRAME_F_SNAPPED.
 * If a file claims fewer bytes on the wire than it captured, wire_len is raised to len. */
RXS_API int rxs_source_next(rxs_source_t *src, struct rxs_frame *f);

/* Last error message of @src, "" if none. */
RXS_API const char *rxs_source_errmsg(const rxs_source_t *src);

/* Copy @src's counters into @stats. */
RXS_API void rxs_source_get_stats(const rxs_source_t *src, struct rxs_source_stats *stats);

/* Close @src. NULL is a no-op. */
RXS_API void rxs_source_close(rxs_source_t *src);

/* What a capture is sent to: used to build a default host that owns its traffic. */

/* One UDP or TCP port of the host and what the capture did with it: the evidence the default
 * host weighs to decide whether a server listens there (src/config/capture.c). */
struct rxs_capture_port {
	int proto;			/* IPPROTO_UDP or IPPROTO_TCP */
	uint16_t port;
	uint64_t in, out;		/* frames to the port, and from it (sent by the host) */
	uint64_t syn_in, synack_out;	/* TCP: SYNs (no ACK) to it, SYN-ACKs from it */
	uint64_t syn_out, synack_in;	/* TCP: the host as the client on this port */
	uint64_t group;			/* datagrams to it sent to a multicast group or broadcast */
	uint64_t server_votes;		/* frames whose ports say "the host serves here": the
					 * port well-known (< 1024) and the peer's not, or the
					 * port below 32768 and the peer's in the ephemeral range,
					 * or the same port both ways (a peer-to-peer protocol) */
	uint64_t client_votes;		/* the same rule the other way round */
	unsigned int peer_ports;	/* distinct peer ports sending to it (estimated, <= 64) */
	int first;			/* 1: the first frame of the port came in; 2: went out */
	uint64_t rst_out;		/* TCP: resets the host sent from it */
	uint64_t unreach_out;		/* UDP: port unreachables the host sent quoting a
					 * datagram to it (nothing was bound there) */
};

/* A multicast group or a VLAN id, with the frames of the capture that carried it. */
struct rxs_capture_group {
	struct rxs_addr addr;		/* prefix 32/128 */
	uint64_t frames;
	uint16_t port;			/* in group_ports: the UDP port the datagrams went to */
};

struct rxs_capture_vlan {
	uint16_t id;
	uint64_t frames;
};

/* What a TCP connection of the host did in the capture (struct rxs_capture_flow flags). */
enum {
	RXS_FLOW_IN = 1,		/* the peer sent the host segments */
	RXS_FLOW_SYN_IN = 2,		/* ... a SYN among them: the peer opened it */
	RXS_FLOW_SYNACK_IN = 4,		/* ... a SYN-ACK: the host opened it */
	RXS_FLOW_SYN_OUT = 8,		/* the host sent a SYN: it opened it */
	RXS_FLOW_OUT = 16,		/* the host sent a segment other than a RST */
	RXS_FLOW_RST_OUT = 32,		/* the host sent a RST */
};

/* One TCP connection (4-tuple) of the host, seen from the host. */
struct rxs_capture_flow {
	struct rxs_addr local, peer;	/* prefix 32/128 */
	uint16_t lport, pport;
	uint64_t segs;			/* segments either way */
	unsigned int flags;		/* RXS_FLOW_* */
};

/* Which end of a capture is the host: the default (0), by MAC or by address. */
enum rxs_capture_pick { RXS_PICK_AUTO, RXS_PICK_MAC, RXS_PICK_ADDR };

/* Which end is the host: an options struct (RXS_OPTS(rxs_capture_opts, o, .pick = ...)). */
struct rxs_capture_opts {
	size_t sz;			/* sizeof(struct rxs_capture_opts), set by RXS_OPTS */
	enum rxs_capture_pick pick;
	uint8_t mac[6];			/* RXS_PICK_MAC */
	struct rxs_addr addr;		/* RXS_PICK_ADDR (prefix unused) */
};

struct rxs_capture_survey {
	uint8_t (*macs)[6];		/* unicast destination MACs, the one of the most frames
					 * that answer nothing first (a SYN-ACK, reset, echo reply
					 * or ICMP error answers its receiver), ties by the
					 * answers (of frames to the picked address, when picked
					 * by address) */
	unsigned int nmacs;
	struct rxs_addr *addrs;		/* unicast destination IPv4/IPv6 addresses of the frames
					 * to the host, prefix 32/128, most frequent first */
	uint64_t *addr_frames;		/* frames to each of addrs */
	unsigned int naddrs;
	struct rxs_capture_port *ports;	/* the host's UDP/TCP ports, sorted by proto, port */
	unsigned int nports;
	struct rxs_capture_group *groups;	/* multicast destinations received, most first */
	unsigned int ngroups;
	struct rxs_capture_group *group_ports;	/* the same per UDP port, most first: which
						 * socket joins which group */
	unsigned int ngroup_ports;
	struct rxs_capture_vlan *vlans;	/* 802.1Q/802.1ad ids of received frames, by id */
	unsigned int nvlans;
	struct rxs_capture_flow *flows;	/* the host's unicast TCP connections, the most segments
					 * to it first; on lo, each end's own flags include what
					 * the other end received from it */
	unsigned int nflows;
	uint64_t frames;
	uint8_t host_mac[6];		/* the host's MAC as surveyed (all zero: converted frames) */
	bool host_mac_found;		/* host_mac came from the capture's Ethernet headers */
	uint64_t to_host, from_host;	/* frames received by the host (unicast to it, group,
					 * broadcast), and frames it sent */
	uint64_t unicast_to_host;	/* of to_host, those sent to it alone */
	uint64_t ipv6_to_host;		/* of to_host, IPv6 */
	uint64_t echo_requests[2];	/* echo requests to the host alone, [0] ICMP, [1] ICMPv6 */
	uint64_t echo_replies[2];	/* echo replies the host sent */
	uint32_t max_ip_len;		/* longest IP packet of to_host on the wire (bytes) */
	uint64_t converted;		/* frames given a synthetic Ethernet header (SLL, raw IP,
					 * BSD loopback): their MACs are rxsim's, not the wire's */
	int read_error;			/* 0, or the error that stopped the read part-way (the
					 * survey covers the frames before it; err says where) */
};

/* Read the whole capture and list where its frames go. 0 (with sv->read_error set and
 * @err naming the packet when the file broke part-way), or <0 with @err set. */
RXS_API int rxs_capture_survey(struct rxs_capture_survey *sv, const char *path, char *err,
			       size_t errlen);
/* The same, with the host picked by @opts (NULL: the unicast destination MAC of the most
 * frames that answer nothing, then of the most answers: see rxs_capture_survey.macs).
 * The host is the MAC (by address: the MAC frames to that address go to); addresses and
 * ports are those of frames to it (by address: to and from that address only). Reads the
 * file twice when the MAC must be found first. */
RXS_API int rxs_capture_survey_host(struct rxs_capture_survey *sv, const char *path,
				    const struct rxs_capture_opts *opts, char *err,
				    size_t errlen);
/* rxs_capture_survey_host() picking @mac (NULL: the default). */
RXS_API int rxs_capture_survey_mac(struct rxs_capture_survey *sv, const char *path,
				   const uint8_t *mac,
				   char *err, size_t errlen);
/* Free the arrays of @sv and zero it; a zeroed survey is a no-op. */
RXS_API void rxs_capture_survey_free(struct rxs_capture_survey *sv);

/* Synthetic traffic. */
struct rxs_gen_udp {
	uint8_t dst_mac[6], src_mac[6];
	struct rxs_addr dst;		/* destination address (family decides IPv4/IPv6) */
	struct rxs_addr src;		/* first source address; flows vary the source port */
	uint16_t dport;
	unsigned int flows;		/* distinct source ports, round robin */
	unsigned int size;		/* frame size without FCS, >= 42 (IPv4) */
	double rate_pps;		/* spacing of timestamps */
	uint64_t count;
	uint64_t start_ns;
};

/* Write @g as a pcap (microsecond) to @path with valid IP and UDP checksums. 0 or <0. */
RXS_API int rxs_gen_udp_pcap(const struct rxs_gen_udp *g, const char *path, char *err,
			     size_t errlen);

/* A source that generates the same frames in memory, without a file. */
RXS_API int rxs_source_open_gen_udp(rxs_source_t **srcp, const struct rxs_gen_udp *g);

enum rxs_gen_tcp_kind {
	RXS_GEN_SYN_FLOOD,	/* each frame a SYN opening a new connection */
	RXS_GEN_TCP_FLOWS,	/* in-order data segments of established connections */
};

struct rxs_gen_tcp {
	uint8_t dst_mac[6], src_mac[6];
	struct rxs_addr dst;		/* destination address (family decides IPv4/IPv6) */
	struct rxs_addr src;		/* first source address (same family as dst) */
	uint16_t dport;
	enum rxs_gen_tcp_kind kind;
	unsigned int sources;		/* SYN flood: source addresses src, src+1, ... round robin */
	unsigned int flows;		/* TCP flows: connections (source ports 10000 + i),
					 * round robin, at most 55535 */
	unsigned int size;		/* TCP flows: frame size without FCS, 0 = full size for a
					 * 1500 MTU (1448 payload bytes IPv4, 1428 IPv6); a SYN is
					 * always 74 bytes (IPv4) or 94 (IPv6) */
	uint64_t seed;			/* source ports and ISNs; the same seed, the same frames */
	bool handshake;			/* TCP flows: open each connection first (SYN, the
					 * server's SYN-ACK, ACK), as a two-way capture shows it */
	double rate_pps;		/* spacing of timestamps */
	uint64_t count;
	uint64_t start_ns;
};

/* Write @g as a pcap (microsecond) to @path with valid IP and TCP checksums. SYNs carry the
 * options of a Linux client (MSS, SACK permitted, timestamps, window scale) and random-looking
 * but deterministic source ports and ISNs. Data segments (ACK|PSH with timestamps) continue
 * connections whose handshake is not in the file: each flow's sequence numbers start at an
 * ISN from the seed and advance by the payload length; its ack number is a per-flow constant
 * the client cannot know from the file, so a receiver must take the flow as established.
 * 0, or -EINVAL (families) / <0 with @err set. */
RXS_API int rxs_gen_tcp_pcap(const struct rxs_gen_tcp *g, const char *path, char *err,
			     size_t errlen);

/* A source that generates the same frames in memory, without a file. 0, -EINVAL, -ENOMEM. */
RXS_API int rxs_source_open_gen_tcp(rxs_source_t **srcp, const struct rxs_gen_tcp *g);

/* ---- RSS and GRO ---- */

struct rxs_host;
struct rxs_nic_stats;

/* The Microsoft RSS verification key, the default of every NIC. */
extern const uint8_t rxs_rss_default_key[RXS_RSS_KEY_LEN];

/* Toeplitz hash of @len input bytes with the @keylen-byte @key, bit by bit as the Microsoft
 * specification defines it: for every set input bit i (MSB first), XOR the 32-bit window of
 * the key that starts at bit i. Input for IPv4 TCP: saddr, daddr, sport, dport, all in
 * network byte order. @len may be at most keylen - 4. */
RXS_API uint32_t rxs_rss_toeplitz(const uint8_t *key, size_t keylen, const uint8_t *in, size_t len);

/* What GRO did on one RX queue, with a driver's ethtool -S names. */
struct rxs_gro_stats {
	uint64_t packets;		/* rx_gro_packets: segments that ended in a merged skb */
	uint64_t bytes;			/* rx_gro_bytes: their frame bytes */
	uint64_t skbs;			/* rx_gro_skbs: merged skbs passed up (2+ segments) */
	uint64_t merged;		/* rx_gro_merged: segments merged into a held skb */
	uint64_t flows;			/* rx_gro_flows: skbs held as a new GRO flow */
	uint64_t normal;		/* rx_gro_normal: skbs GRO passed up untouched */
};

/* ---- a host's NICs: NIC @nic is an index, in scenario order, then their VLAN devices ---- */

/* NICs of @h, VLAN devices included (rxs_nic_vlan). */
RXS_API unsigned int rxs_nic_count(const struct rxs_host *h);
/* Name of NIC @nic ("eth0"), or NULL when out of range. */
RXS_API const char *rxs_nic_name(const struct rxs_host *h, unsigned int nic);
/* RX queues of NIC @nic (0 when out of range). */
RXS_API unsigned int rxs_nic_nqueues(const struct rxs_host *h, unsigned int nic);
/* For a VLAN device (nics[].vlans; they come after every NIC), the index of the NIC it is
 * on and its VLAN id in *@vid; -1 for a NIC or an index out of range. */
RXS_API int rxs_nic_vlan(const struct rxs_host *h, unsigned int nic, unsigned int *vid);
/* NIC totals (queues summed plus the core's counters). 0 or -EINVAL. */
RXS_API int rxs_nic_get_stats(const struct rxs_host *h, unsigned int nic,
			      struct rxs_nic_stats *st);
/* One RX queue's counters, and the deepest its ring got. 0 or -EINVAL. */
RXS_API int rxs_nic_get_queue_stats(const struct rxs_host *h, unsigned int nic,
				    unsigned int queue, struct rxs_nic_stats *st,
				    uint32_t *ring_size, uint32_t *ring_max_fill);
/* Frames in @nic's RX queue @queue's ring now, for samplers; 0 when out of range. */
RXS_API uint32_t rxs_nic_ring_fill(const struct rxs_host *h, unsigned int nic,
				   unsigned int queue);
/* Hard IRQs of @nic's RX queue @queue taken on @cpu (a /proc/interrupts cell); 0 if none. */
RXS_API uint64_t rxs_nic_queue_irqs(const struct rxs_host *h, unsigned int nic,
				    unsigned int queue, unsigned int cpu);
/* GRO counters of @nic's RX queue @queue. 0 or -EINVAL. */
RXS_API int rxs_nic_queue_gro(const struct rxs_host *h, unsigned int nic, unsigned int queue,
			      struct rxs_gro_stats *st);

#endif /* RXSIM_NIC_H */
