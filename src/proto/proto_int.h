/* proto_int.h - state shared by the protocol files: the IP control block in skb->cb. */
#ifndef RXSIM_PROTO_INT_H
#define RXSIM_PROTO_INT_H

#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "data/data.h"
#include "host.h"
#include "rxsim/proto.h"

/* A packet the host sends: addresses (16 bytes each, IPv4 in the first 4), protocol, and
 * the next hop's MAC and the device it leaves by. */
struct rxs_out {
	const uint8_t *saddr, *daddr;
	const uint8_t *peer_mac;
	struct rxs_netdev *dev;
	/* An ICMP error's offending packet, whose connection the error joins (nf_ct_attach). */
	const struct rxs_sk_buff *ct_from;
	/* IPv4 options after the header (ip_options_echo()'s), @ip_optlen bytes, a multiple
	 * of 4; for IPv6 a hop-by-hop options header, a multiple of 8 (its next header is
	 * set from @proto). */
	const uint8_t *ip_opt;
	int family;
	uint8_t proto;
	/* The L4 checksum is left to the output path, at this offset in @l4 (0: @l4's is set),
	 * which writes it only when the packet is built: a segment nothing will see (no rule,
	 * hook, tap or --tx) is never summed. */
	uint8_t csum_at;
	uint8_t tos;			/* the IPv4 TOS byte */
	uint8_t ttl;			/* IPv4: 0 is the sockets' default, 64 */
	uint8_t hop_limit;		/* IPv6: 0 is the sockets' default, 64 */
	uint8_t ip_optlen;
	/* IPv6 sent by ip6_local_out() itself (nf_send_reset6), which counts no Ip6OutRequests:
	 * IPv6's senders count it before LOCAL_OUT (ip6_xmit, __ip6_make_skb), this one has
	 * none. */
	bool local_out;
	/* Sent by ip_send_skb() (ip_push_pending_frames: ICMP, ip_send_unicast_reply's RSTs
	 * and ACKs), which counts IpOutDiscards when LOCAL_OUT drops the packet; the others
	 * (ip_queue_xmit, ip_build_and_send_pkt, nf_send_reset) count nothing more. */
	bool send_skb;
};

/* What the host's frames out go to (tx.c): the user's callback and the --tx capture, in
 * one of its shapes. */
enum rxs__tx_mode { RXS__TX_NONE, RXS__TX_PCAP, RXS__TX_PCAPNG, RXS__TX_DIR };
struct rxs_tx {
	enum rxs__tx_mode mode;
	pcap_t *dead;			/* the pcap writers' link: Ethernet, nanoseconds */
	pcap_dumper_t *dumper;		/* RXS__TX_PCAP */
	FILE *ng;			/* RXS__TX_PCAPNG */
	pcap_dumper_t **dev_dumpers;	/* RXS__TX_DIR: by place in h->devs, then "host" */
	char *dir;
	bool failed;			/* a file could not be made or written */
	rxs_tx_fn fn;
	void *ctx;
	uint64_t frames;
};

/* Whether a frame out is written or handed anywhere (else only counted). */
static inline bool rxs__tx_wanted(const struct rxs_tx *tx)
{
	return tx && (tx->mode != RXS__TX_NONE || tx->fn);
}

/* The frame @f leaves by @dev (NULL: unknown) at virtual time @now: to the callback and the
 * capture, on @dev's interface or file. Counts it. */
void rxs__tx_frame(struct rxs_host *h, const struct rxs_netdev *dev, const uint8_t *f,
		   uint32_t len, uint64_t now);

/* Whether anyone sees the packets the host sends: rules or users' functions at the output
 * hooks, a tap or a transmit callback or capture. Without them a packet out is only its
 * counters (rxs__ip_output_unseen()), and its sender may skip building it. Any rules at all
 * count, not only those rxs__nf_hook_active() finds at LOCAL_OUT or POST_ROUTING: one test
 * rather than four, asked three times a SYN in a flood (16 instructions a SYN); a host whose
 * rules run elsewhere only builds a packet nobody reads. */
static inline bool rxs__ip_out_seen(const struct rxs_host *h)
{
	return h->nf.rules || h->nf.nnf[RXS_NF_INET_LOCAL_OUT] ||
	       h->nf.nnf[RXS_NF_INET_POST_ROUTING] || h->ntaps || rxs__tx_wanted(h->inet.tx);
}

/* rxs__ip_output() of a packet of @l4len transport bytes that nobody sees
 * (!rxs__ip_out_seen()): what counts it, and nothing else. */
void rxs__ip_output_unseen(struct rxs_softnet_data *sd, const struct rxs_out *o,
			   unsigned int l4len);

/* __ip_local_out() and ip_output(): LOCAL_OUT, IpOutRequests, POST_ROUTING, the device.
 * @l4 is the transport header and payload, its checksum set (or @o->csum_at says where to
 * set it, the field zero). false when LOCAL_OUT took it
 * (dropped, or queued to or stolen by a user's function) or no memory. */
bool rxs__ip_output(struct rxs_softnet_data *sd, const struct rxs_out *o, const uint8_t *l4,
		    unsigned int l4len);

/* The device of @ifindex, or NULL. */
const struct rxs_netdev *rxs__dev_by_ifindex(const struct rxs_host *h, unsigned int ifindex);
/* ip_route_reply_fill_dst() (and IPv6's ip6_route_output() in nf_reject_ipv6.c) for a
 * packet not routed yet: true when a unicast route leads back to its source. */
bool rxs__ip_route_reply(const struct rxs_sk_buff *skb);
/* The route back to the source of @skb for the host's answer (icmp_route_lookup(), the
 * request's route_req, ip_send_unicast_reply()): the connected routes and the scenario's
 * routes:; a scenario with no routes: of the family keeps rxsim's default route out of the
 * device the packet came in by, so that a capture's peers anywhere get their answers. False:
 * no route, nothing is sent. */
bool rxs__route_back_slow(const struct rxs_sk_buff *skb);
bool rxs__ip_route_back4(const struct rxs_host *h, uint32_t s, const struct rxs_netdev *in);
static inline bool rxs__route_back(const struct rxs_sk_buff *skb)
{
	return likely(!rxs__skb_host(skb)->inet.routed) || rxs__route_back_slow(skb);
}
/* The route's output device for a packet to @daddr (host order) that came in by @in: NULL
 * when there is no route. */
const struct rxs_netdev *rxs__fib_lookup(const struct rxs_host *h, uint32_t daddr,
					  const struct rxs_netdev *in);
/* The next hop toward @daddr: the gateway of the route chosen, or @daddr on the link. */
uint32_t rxs__fib_nexthop(const struct rxs_host *h, uint32_t daddr, const struct rxs_netdev *in);

/* ---- the neighbour table (neigh.c) ---- */
/* The table on (the scenario names neighbours). 0 or -ENOMEM. */
int rxs__neigh_enable(struct rxs_host *h);
/* neigh_output() of forwarded @skb toward @nexthop on @dev: sent, queued while the address
 * is resolved, or dropped (NEIGH_*). True: the table took @skb; false: there is no table. */
bool rxs__neigh_output(struct rxs_sk_buff *skb, const struct rxs_netdev *dev, uint32_t nexthop);
/* What arp_process() learns from the ARP packet @arp (28 bytes) received on @dev by CPU
 * @cpu (which sends what waited for the address). Under arp_lock (arp_rcv's). */
void rxs__neigh_arp_rcv(struct rxs_host *h, const struct rxs_netdev *dev, const uint8_t *arp,
			unsigned int cpu);
/* skbs waiting for an address. */
uint64_t rxs__neigh_queued(const struct rxs_host *h);
void rxs__neigh_destroy(struct rxs_host *h);
/* A forwarded packet's frame to @peer out of its device (fragments too). Takes @skb. */
void rxs__ip_forward_send(struct rxs_sk_buff *skb, const uint8_t peer[6]);
/* A frame that is not IP (an ARP request) out of @dev: the taps and the device. */
void rxs__dev_xmit_frame(struct rxs_softnet_data *sd, const struct rxs_netdev *dev,
			 const uint8_t *f, uint32_t len);

/* A forwarded packet leaves (ip_output after POSTROUTING): to the user's transmit callback
 * and --tx, then it is consumed. Takes ownership of @skb. */
void rxs__ip_forward_xmit(struct rxs_sk_buff *skb);
/* The same for IPv6 (ip6_finish_output2 of a forwarded packet). */
void rxs__ip6_forward_xmit(struct rxs_sk_buff *skb);
/* The MAC of the next hop of the IPv6 packet @skb out of @out (the route's gateway, else its
 * destination) into @mac, from the static IPv6 neighbours: false when none is known. */
bool rxs__ip6_nexthop_mac(const struct rxs_host *h, const struct rxs_sk_buff *skb,
			  const struct rxs_netdev *out, uint8_t mac[6]);
/* The static IPv6 neighbour @ip on @dev: its MAC, or NULL. */
const uint8_t *rxs__ip6_neigh_lookup(const struct rxs_host *h, const struct rxs_netdev *dev,
				     const uint8_t ip[16]);

/* :: */
static inline bool rxs__ipv6_addr_any(const uint8_t *a)
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, 16);
}

/* fe80::/10 */
static inline bool rxs__ipv6_addr_linklocal(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}


/* struct ip_options of a received IPv4 header, as ip_options_compile() fills it: each
 * option's offset from the header (0: none), the pointers as they stand after the host
 * recorded itself (rr_ptr, ts_ptr), and where the first malformed byte is (err, 0: none). */
struct rxs_ip_options {
	uint8_t rr, ts, srr, cipso;
	uint8_t rr_ptr, ts_ptr;
	bool rr_needaddr, ts_needaddr, ts_needtime;
	uint8_t err;
};
void rxs__ip_options_compile(const uint8_t *iph, struct rxs_ip_options *o);
/* ip_options_echo(): the options a reply to the IPv4 packet at @iph carries (record route,
 * timestamp and CIPSO, copied, padded to 4 bytes) into @out (40 bytes): their length, or -1
 * when they leave no room for the host's entry (the kernel then sends no reply). */
int rxs__ip_options_echo(const uint8_t *iph, uint8_t *out);

/* Count an ICMP or ICMPv6 message of @type in its family's per-type table; under icmp_lock. */
void rxs__icmpmsg_inc(struct rxs_host *h, int family, bool out, uint8_t type);
/* icmp_send(): an ICMP error about @skb (not consumed: the caller still owns it). */
void rxs__icmp_send(struct rxs_sk_buff *skb, uint8_t type, uint8_t code);
/* The same with the header's second word (ICMP_FRAG_NEEDED: the next hop's MTU). */
void rxs__icmp_send_info(struct rxs_sk_buff *skb, uint8_t type, uint8_t code, uint32_t info);
/* ip_rt_send_redirect(): an ICMP host redirect to @gw (host order) for the forwarded @skb,
 * paced by its sender's inet_peer (icmp.c, beside the peers the errors' limit keeps). */
void rxs__ip_rt_send_redirect(struct rxs_sk_buff *skb, uint32_t gw);
void rxs__icmpv6_send(struct rxs_sk_buff *skb, uint8_t type, uint8_t code);
/* icmp6_send() with the header's second word (packet too big: the MTU). */
void rxs__icmpv6_send_info(struct rxs_sk_buff *skb, uint8_t type, uint8_t code, uint32_t info);
/* The ICMP or ICMPv6 message into @msg (@size bytes), checksum zero: an echo reply repeats
 * the request from its ICMP header, an error quotes @skb from its IP header as far as fits.
 * Its length. */
unsigned int rxs__icmp_body(uint8_t *msg, size_t size, const struct rxs_sk_buff *skb, bool echo,
			   uint8_t type, uint8_t code);

/* The L4 receive functions, which only protocol.c names (it registers them). */
void rxs__tcp_rcv(struct rxs_sk_buff *skb);
void rxs__icmpv6_rcv(struct rxs_sk_buff *skb);

/* protocol.c: rxsim's own entries in inet_protos and inet6_protos, when the host is built. */
void rxs__inet_init(struct rxs_host *h);
void rxs__inet_user_deliver(struct rxs_host *h, const struct rxs_inet_protocol *p,
			    struct rxs_sk_buff *skb);

/* ip_protocol_deliver_rcu() and ip6_protocol_deliver_rcu(): to whatever holds @protocol's
 * slot in @tbl (inet_protos or inet6_protos), counting @delivers (InDelivers counts
 * packets handed to a handler even when it drops them). false, nothing done, when the slot
 * is empty. Inline, an indirect call: the per-packet price of IP naming no protocol. */
static inline bool rxs__inet_protocol_deliver(struct rxs_softnet_data *sd,
					      const struct rxs_inet_protocol *tbl,
					      uint8_t protocol, enum rxs_mib delivers,
					      struct rxs_sk_buff *skb)
{
	const struct rxs_inet_protocol *p = &tbl[protocol];

	if (!p->fn)
		return false;
	rxs__mib_inc(sd, delivers);
	if (p->user)
		rxs__inet_user_deliver(sd->host, p, skb);
	else
		p->fn(p->ctx, skb);
	return true;
}

/* Multicast membership (igmp.c). Is @group joined on @dev (ip_check_mc_rcu,
 * ipv6_chk_mcast_addr)? Does @sk take a datagram for @group that came in on @dev
 * (ip_mc_sf_allow, inet6_mc_check)? */
bool rxs__mc_joined(const struct rxs_netdev *dev, int family, const uint8_t *group);
bool rxs__sk_mc_allow(const struct rxs_sock *sk, const struct rxs_netdev *dev, int family,
		      const uint8_t *group);
int rxs__mc_init(struct rxs_host *h);
/* igmp_rcv(): protocol 2 (igmp.c). */
void rxs__igmp_rcv(struct rxs_sk_buff *skb);
/* igmp6_event_query() and igmp6_event_report(): an MLD message of type @type (130, 131)
 * that icmpv6_rcv() took (igmp.c). The reason it is freed with, or NOT_DROPPED_YET. */
enum rxs_drop_reason rxs__mld_rcv(struct rxs_softnet_data *sd, struct rxs_sk_buff *skb,
				  uint8_t type);
/* ip_mc_output()'s loopback (dev_loopback_xmit()): a copy of the multicast packet @o and
 * @l4 (@l4len bytes) the host sent, back into its own receive path by netif_rx(), marked
 * PACKET_LOOPBACK and counted by no frame's conservation (ip_output.c). */
void rxs__ip_mc_loopback(struct rxs_softnet_data *sd, const struct rxs_out *o, const uint8_t *l4,
			 unsigned int l4len);
void rxs__mc_destroy(struct rxs_host *h);
/* ipv6.c: whether the host has IPv6 on (an IPv6 address on some device). */
bool rxs__host_has_ipv6(const struct rxs_host *h);
/* The first IPv4 address of @dev into @addr (inet_select_addr() with no better choice):
 * false when it has none. */
static inline bool rxs__dev_addr4(const struct rxs_netdev *dev, uint8_t addr[4])
{
	for (unsigned int i = 0; i < dev->cfg.naddrs; i++)
		if (dev->cfg.addrs[i].family == AF_INET) {
			memcpy(addr, dev->cfg.addrs[i].addr, 4);
			return true;
		}
	return false;
}
/* ipv6_chk_addr() on one device: @a is one of @dev's IPv6 addresses, its link-local one too. */
static inline bool rxs__dev_has_addr6(const struct rxs_netdev *dev, const uint8_t *a)
{
	return (dev->ll6[0] && !memcmp(dev->ll6, a, 16)) ||
	       rxs__nic_has_addr(&dev->cfg, AF_INET6, a);
}
/* icmp6_out_inc_stats(): the counters of an ICMPv6 message of @type sent. */
void rxs__icmp6_count_out(struct rxs_softnet_data *sd, uint8_t type);
/* ndisc_rcv() (ndisc.c): a neighbour discovery message at skb->data; its drop reason, or
 * RXS_DROP_NOT_DROPPED_YET when it was taken. Under the ICMP lock. */
enum rxs_drop_reason rxs__ndisc_rcv(struct rxs_softnet_data *sd, const struct rxs_sk_buff *skb);

int rxs__ip_init(struct rxs_host *h);
void rxs__ip_destroy(struct rxs_host *h);
int rxs__ipfrag_init(struct rxs_host *h);
void rxs__ipfrag_destroy(struct rxs_host *h);
uint64_t rxs__ipfrag_queued(const struct rxs_host *h);
int rxs__icmp_init(struct rxs_host *h);
/* The host's ICMP limits (icmp.c), IPv4's and IPv6's: the global bucket's check and credit,
 * and the per-destination bucket (inet_peer_xrlim_allow) of @addr (16 bytes). */
bool rxs__icmp_global_allow(struct rxs_host *h, uint64_t now_j);
void rxs__icmp_global_consume(struct rxs_host *h);
bool rxs__icmp_xrlim_allow(struct rxs_host *h, const uint8_t *addr, uint64_t timeout,
			   uint64_t now_j);

/* msecs_to_jiffies(): rounded up, as the kernel's sysctls in ms become jiffies. */
static inline uint64_t rxs__msecs_to_jiffies(const struct rxs_host *h, int64_t ms)
{
	return ((uint64_t)ms * h->hz + 999) / 1000;
}
void rxs__icmp_destroy(struct rxs_host *h);

/* ip_rcv_core()'s and ip6_rcv_core()'s ECN counters: IPSTATS_MIB_NOECTPKTS plus the
 * codepoint in @dsfield, for each segment GRO merged (max(1, gso_segs)). */
static inline void rxs__ecn_stats(struct rxs_softnet_data *sd, uint8_t dsfield,
				  const struct rxs_sk_buff *skb, bool v6)
{
	static const enum rxs_mib mib[2][4] = {
		{ RXS_MIB_IpExtInNoECTPkts, RXS_MIB_IpExtInECT1Pkts, RXS_MIB_IpExtInECT0Pkts,
		  RXS_MIB_IpExtInCEPkts },
		{ RXS_MIB_Ip6InNoECTPkts, RXS_MIB_Ip6InECT1Pkts, RXS_MIB_Ip6InECT0Pkts,
		  RXS_MIB_Ip6InCEPkts },
	};

	rxs__mib_add(sd, mib[v6][dsfield & 3], skb->gso_segs > 1 ? skb->gso_segs : 1);
}

#endif /* RXSIM_PROTO_INT_H */
