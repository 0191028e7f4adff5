/* proto.h - what the protocols offer the modules above them: their receive functions,
 * the handlers the host's builder registers, and the protocols' state of a host
 * (struct rxs_netns_inet, the host's h->inet), as the kernel's struct netns_ipv4 holds a
 * namespace's fragment queues, ICMP limits and IPv4 sysctls. The public part is rxsim/proto.h.
 */
#ifndef RXSIM_PROTO_PROTO_H
#define RXSIM_PROTO_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "netdevice/netdevice.h"
#include "rxsim/hooks.h"
#include "skb/skb.h"

struct rxs_host;
struct rxs_tx;
struct rxs_ipfrags;
struct rxs_inet4_addrs;
struct rxs_icmp_state;

/* An entry of inet_protos or inet6_protos (struct net_protocol): one handler a protocol
 * number, rxsim's own (UDP, TCP, ICMP; ICMPv6) or a user's (IPv4 only). */
struct rxs_inet_protocol {
	rxs_inet_proto_fn fn;
	void *ctx;
	bool user;			/* a user's: runs under handlers_lock */
};

/* NF_HOOK's hand-off (rxs__nf_hook_run(), host.h): the hook points are proto's, the walk
 * netfilter's, which sits above proto and installs it when the host is built. */
/* Where an skb queued to the user resumes: the next entry of its hook's list, then okfn
 * (the rest of the path after NF_HOOK). */
typedef void (*rxs__nf_okfn)(struct rxs_sk_buff *skb);
/* NF_HOOK's slow part (nf_hook_slow): the one walk of @hook's list, where the rule tables'
 * stages and the users' functions sit in one priority order. True: the caller goes on
 * (runs okfn itself); false: the skb was dropped (freed, NETFILTER_DROP), queued to the
 * user or stolen. A queued skb that the user reinjects resumes in @okfn. Takes the hooks'
 * nf_lock: the rules' counters, conntrack and the queue are shared by the CPUs. */
typedef bool (*rxs__nf_hook_fn)(struct rxs_host *h, enum rxs_nf_hook hook,
				struct rxs_sk_buff *skb, rxs__nf_okfn okfn);
/* nf_ct_attach(): the ICMP error @nskb the host builds about @skb belongs to @skb's
 * connection, RELATED in the other direction, so conntrack files it there and NAT translates
 * it (its quoted header too) instead of tracking it anew. Called before @nskb's LOCAL_OUT. */
typedef void (*rxs__nf_attach_fn)(struct rxs_host *h, const struct rxs_sk_buff *nskb,
				  const struct rxs_sk_buff *skb);

/* The protocols' state of a host, and their copies of the sysctls they read. */
struct rxs_netns_inet {
	struct rxs_inet_protocol protos[256];	/* inet_protos (src/proto/protocol.c) */
	struct rxs_inet_protocol protos6[256];	/* inet6_protos */
	unsigned int nuser;			/* users' handlers in protos */
	/* The users' handlers run one at a time, under this lock. */
	struct rxs_lock handlers_lock;
	struct rxs_tx *tx;			/* what the host sends (counts, --tx pcap) */
	uint32_t ip6_frag_ident;		/* the last IPv6 fragment identification it sent */
	struct rxs_ipfrags *ipfrags;		/* IPv4 reassembly queues (proto) */
	struct rxs_lock frag_lock;		/* IPv4's and IPv6's reassembly queues */
	struct rxs_inet4_addrs *inet4;		/* the NICs' IPv4 addresses (proto) */
	struct rxs_icmp_state *icmp;		/* ICMP rate limits (proto) */
	struct rxs_lock icmp_lock;		/* icmp, and what ICMP's answers send */
	struct rxs_igmp_dev *igmp;		/* IGMP's state by device (proto, igmp.c) */
	/* netif_rx() (softirq), for the host's own multicast looped back: the builder's */
	int (*netif_rx)(struct rxs_sk_buff *skb, uint64_t t);
	struct rxs_lock igmp_lock;		/* igmp and the devices' groups' reports */
	struct rxs_lock arp_lock;		/* ARP's replies and their counts, the
						 * neighbour table */
	struct rxs_neigh_table *neigh;		/* NULL: the scenario names no neighbours */
	bool nf_defrag;				/* conntrack runs: reassemble before PREROUTING
						 * (nf_defrag_ipv4, set by the host's builder) */
	int64_t sysctl_ip_forward;
	int64_t sysctl_ipv6_forwarding;		/* net.ipv6.conf.all.forwarding */
	struct rxs_inet6_route *routes6;	/* the scenario's IPv6 routes (ipv6.c) */
	unsigned int nroutes6;
	bool routed;				/* the scenario has routes: (see rxs__route_back) */
	struct rxs_neigh6 *neigh6;		/* the scenario's IPv6 neighbours (ipv6.c) */
	unsigned int nneigh6;
	int64_t sysctl_rp_filter;		/* net.ipv4.conf.all.rp_filter */
	int64_t sysctl_send_redirects;		/* net.ipv4.conf.all.send_redirects */
	bool rp_filter_on;			/* it or a device's rp_filter is set: the input
						 * route validates sources (one test a packet) */
	int64_t sysctl_ipfrag_high_thresh;
	int64_t sysctl_ipfrag_time;
	int64_t sysctl_icmp_msgs_per_sec;
	int64_t sysctl_icmp_msgs_burst;
	int64_t sysctl_icmp_ratelimit;
	int64_t sysctl_icmp_ratemask;
	int64_t sysctl_icmp_echo_ignore_all;
	int64_t sysctl_icmp_echo_ignore_broadcasts;
	int64_t sysctl_icmpv6_ratelimit;	/* net.ipv6.icmp.ratelimit */
	int64_t sysctl_icmpv6_echo_ignore_all;
	int64_t sysctl_tcp_syncookies;
	/* tcp_parse_options(): what a SYN may ask for (timestamps: 2 is 1 without offsets),
	 * and whether any of the three is off */
	int64_t sysctl_tcp_timestamps, sysctl_tcp_sack, sysctl_tcp_window_scaling;
	bool tcp_opts_restricted;
	int64_t sysctl_tcp_max_syn_backlog;
	int64_t sysctl_tcp_synack_retries;
	int64_t sysctl_tcp_abort_on_overflow;
};

/* ---- proto: each takes ownership of @skb ---- */
void rxs__ip_rcv(struct rxs_sk_buff *skb);
void rxs__arp_rcv(struct rxs_sk_buff *skb);
void rxs__udp_rcv(struct rxs_sk_buff *skb);
void rxs__icmp_rcv(struct rxs_sk_buff *skb);
/* The Internet checksum over the pseudo header and @len bytes at @l4: 0 when valid
 * (conntrack's error handlers check it too). */
uint16_t rxs__l4_csum(const struct rxs_inet_cb *cb, uint8_t proto, const uint8_t *l4,
		      uint32_t len);
void rxs__ipv6_rcv(struct rxs_sk_buff *skb);
/* inet_dev_addr_type(): the kernel's RTN_* type of IPv4 address @addr (host order) as the
 * local routing table sees it (2 LOCAL, 3 BROADCAST, 5 MULTICAST, else 1 UNICAST); with @dev,
 * a route of another device counts as UNICAST (xt_addrtype --limit-iface-in/out). */
struct rxs_netdev;
int rxs__inet_addr_type(const struct rxs_host *h, const struct rxs_netdev *dev, uint32_t addr);
/* ip_defrag(): NULL when @skb was queued or dropped, else the whole datagram. */
struct rxs_sk_buff *rxs__ip_defrag(struct rxs_sk_buff *skb, unsigned int ihl);
/* ipv6_frag_rcv(): @skb's data at a fragment header, @nexthdr_off where the byte naming it
 * is. NULL when queued or dropped, else the datagram with data after the unfragmentable
 * part and *nexthdr what follows. */
struct rxs_sk_buff *rxs__ipv6_frag_rcv(struct rxs_sk_buff *skb, unsigned int nexthdr_off,
				       uint8_t *nexthdr);
/* rxsim's own ptype_base handlers (IPv4, IPv6, ARP; protocol.c), which the host's builder
 * registers with rxs__dev_add_base() as inet_init() and friends call dev_add_pack(). */
extern const struct rxs_packet_type rxs__proto_packet_types[RXS__OWN_PACKET_TYPES];
/* An IPv6 route of the main table: @prefix bits of @net, out of @ifindex, through @gw when
 * @has_gw (else on the link). */
struct rxs_inet6_route {
	uint8_t net[16];
	uint8_t gw[16];
	unsigned int prefix;
	unsigned int ifindex;
	bool has_gw;
};

/* fib6_add(): that route beside the connected ones. 0 or -ENOMEM. */
int rxs__ip6_route_add(struct rxs_host *h, const uint8_t net[16], unsigned int prefix,
		       const uint8_t *gw, unsigned int ifindex);
/* fib_table_insert(): a route to @net/@prefix (host order) via @gw (0: on the link) out of the
 * device @ifindex, beside the connected routes. 0 or -ENOMEM. */
int rxs__ip_route_add(struct rxs_host *h, uint32_t net, unsigned int prefix, uint32_t gw,
		      unsigned int ifindex);
/* fib_lookup() of the IPv4 @daddr (host order) as bpf_fib_lookup() asks it: the longest
 * prefix among the connected routes and the scenario's, as ip_forward chooses, without the
 * fallback of a scenario without routes (the way in); with @oif, only routes out of that
 * device (flowi4_oif). 1 (RTN_UNICAST) with the egress *ifindex and the gateway *gw (0: on
 * the link); 2 (LOCAL) or 3 (BROADCAST) for what the local table answers; -ENETUNREACH. */
int rxs__ip_route_lookup(const struct rxs_host *h, uint32_t daddr, unsigned int oif,
			 unsigned int *ifindex, uint32_t *gw);
/* fib6_lookup() of @daddr as bpf_fib_lookup() asks it: ip6_forward's longest prefix, only
 * out of @oif when not 0. 1 (RTN_UNICAST) with the egress *ifindex and the next hop in @nh
 * (the gateway, else @daddr); 2 (LOCAL) for an address of ours; -ENETUNREACH. */
int rxs__ip6_route_lookup(const struct rxs_host *h, const uint8_t daddr[16], unsigned int oif,
			  unsigned int *ifindex, uint8_t nh[16]);
/* __ipv6_neigh_lookup_noref() on the scenario's IPv6 neighbours: @ip's address on @ifindex
 * into @mac, true when there is one. */
bool rxs__neigh6_lookup(const struct rxs_host *h, const uint8_t ip[16], unsigned int ifindex,
			uint8_t mac[6]);
/* The neighbour table's PERMANENT entry (the scenario's neighbours:, which turn the table
 * on): @ip (host order) at @mac on the device @ifindex. 0 or -ENOMEM. */
int rxs__neigh_add(struct rxs_host *h, uint32_t ip, const uint8_t mac[6], unsigned int ifindex);
/* A PERMANENT IPv6 neighbour (the scenario's neighbours: with an IPv6 ip): @ip at @mac on
 * @ifindex. IPv6 has no neighbour discovery: these are all its table holds. 0 or -ENOMEM. */
struct rxs_neigh6 {
	uint8_t ip[16];
	uint8_t mac[6];
	unsigned int ifindex;
};

int rxs__neigh6_add(struct rxs_host *h, const uint8_t ip[16], const uint8_t mac[6],
		    unsigned int ifindex);
/* __ipv4_neigh_lookup_noref() and NUD_VALID: @ip's (host order) address on the device
 * @ifindex into @mac, true when the table has a usable one; no entry is made and no ARP
 * request sent. False on a host without a table. */
bool rxs__neigh_lookup_valid(struct rxs_host *h, uint32_t ip, unsigned int ifindex,
			     uint8_t mac[6]);
/* Create and free the protocol state of @h (reassembly, ICMP rate limits). */
int rxs__proto_init(struct rxs_host *h);
void rxs__proto_destroy(struct rxs_host *h);
/* skbs held by the protocols (fragments waiting for reassembly). */
uint64_t rxs__proto_queued(const struct rxs_host *h);

/* Close the transmit pcap, if any. */
void rxs__tx_close(struct rxs_host *h);
/* XDP_TX, or an XDP redirect out of a device: the frame leaves by the driver's XDP transmit
 * ring, to the --tx pcap and callback; no tap sees it (dev_queue_xmit_nit is not on that
 * path). */
void rxs__xdp_xmit(struct rxs_host *h, const struct rxs_netdev *dev, const uint8_t *f,
		   uint32_t len, uint64_t now);

#endif /* RXSIM_PROTO_PROTO_H */
