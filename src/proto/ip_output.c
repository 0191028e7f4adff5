/* ip_output.c - the host's transmit path, as far as a receive-path simulator needs it.
 *
 * Replies (SYN-ACKs, ACKs, RSTs, ICMP messages) leave through __ip_local_out and ip_output:
 * IpOutRequests (counted in __ip_local_out before the hook, so a LOCAL_OUT drop is counted
 * too, and in IpOutDiscards by ip_send_skb()'s senders), the LOCAL_OUT hook, the
 * POST_ROUTING hook, then ip_finish_output: a
 * datagram longer than the device's MTU leaves in fragments (ip_fragment), and each packet
 * that leaves counts in IpOutTransmits and IpExtOutOctets (ip_finish_output2, since Linux
 * 6.3 apart from OutRequests). At the device the frame goes to the user's transmit callback
 * and the --tx pcap, stamped with the CPU's virtual clock. Netfilter drops here count in no
 * IP counter, as on receive.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"
#include "proto/proto_int.h"
#include "rxsim/bpf.h"
#include "rxsim/proto.h"

/* An IPv4 or IPv6 header for @o and @l4len bytes of payload. Returns its length. TCP's
 * control sockets send with DF (IP_PMTUDISC_DO) and id 0, as IGMP's reports do
 * (igmp_send_report(), igmpv3_newpack()); the ICMP socket sends with IP_PMTUDISC_DONT, so
 * its replies carry an id and may be fragmented. */
static unsigned int put_ip(struct rxs_softnet_data *sd, uint8_t *p, const struct rxs_out *o,
			   unsigned int l4len)
{
	if (o->family == AF_INET6) {
		memset(p, 0, 40);
		p[0] = 0x60;
		rxs__put_be16(p + 4, (uint16_t)(o->ip_optlen + l4len));
		p[6] = o->proto;
		p[7] = o->hop_limit ? o->hop_limit : 64;
		memcpy(p + 8, o->saddr, 16);
		memcpy(p + 24, o->daddr, 16);
		if (o->ip_optlen) {	/* a hop-by-hop options header (MLD's router alert) */
			memcpy(p + 40, o->ip_opt, o->ip_optlen);
			p[40] = o->proto;
			p[6] = 0;
		}
		return 40u + o->ip_optlen;
	}
	memset(p, 0, 20);
	p[0] = (uint8_t)(0x40 | (20 + o->ip_optlen) / 4);
	p[1] = o->tos;
	rxs__put_be16(p + 2, (uint16_t)(20 + o->ip_optlen + l4len));
	if (o->proto == IPPROTO_TCP || o->proto == IPPROTO_IGMP)
		rxs__put_be16(p + 6, 0x4000);	/* DF */
	else
		rxs__put_be16(p + 4, ++sd->ip_ident);
	p[8] = o->ttl ? o->ttl : 64;
	p[9] = o->proto;
	memcpy(p + 12, o->saddr, 4);
	memcpy(p + 16, o->daddr, 4);
	if (o->ip_optlen)
		memcpy(p + 20, o->ip_opt, o->ip_optlen);
	rxs__put_be16(p + 10, rxs__csum_fold(rxs__csum_partial(p, 20u + o->ip_optlen, 0)));
	return 20u + o->ip_optlen;
}

/* dev_queue_xmit_nit(): the taps that see sent frames get a copy, after netfilter. */
static void xmit_taps(struct rxs_softnet_data *sd, const uint8_t *f, uint32_t len)
{
	struct rxs_host *h = sd->host;

	for (unsigned int i = 0; i < h->ntaps; i++) {
		if (!rxs_tap_wants(h->taps[i], RXS_TAP_OUT))
			continue;
		rxs__charge(sd, rxs__cost(h, RXS_COST_TAP));
		rxs_tap_rcv(h->taps[i], f, len, sd->now);
	}
}

void rxs__xdp_xmit(struct rxs_host *h, const struct rxs_netdev *dev, const uint8_t *f,
		   uint32_t len, uint64_t now)
{
	if (h->inet.tx)
		rxs__tx_frame(h, dev, f, len, now);
}

/* The device's MTU as ip_skb_dst_mtu() sees it (an IPv4 link has at least 68); a packet
 * built without a device (the library's unit tests do) has Ethernet's. */
static unsigned int out_mtu(const struct rxs_netdev *dev)
{
	return dev ? RXS_MAX(dev->cfg.mtu, 68u) : 1500;
}

/* The bytes of data a fragment carries: a multiple of 8 that fits the MTU with the header
 * (IPv4, @hlen bytes, its options included: ip_fragment() keeps their length in every
 * fragment, ip_options_fragment() turning those not copied into NOPs) or the header and a
 * fragment header (IPv6, 40 and 8: ip6_fragment()). */
#define FRAG_HLEN(v6) ((v6) ? 8u : 0u)

static unsigned int frag_data(bool v6, unsigned int hlen, unsigned int mtu)
{
	return (mtu - hlen - FRAG_HLEN(v6)) & ~7u;
}

/* The fragments a datagram of @iplen bytes, @hlen of them its IP header, leaves in. */
static unsigned int ip_nfrags(bool v6, unsigned int hlen, unsigned int iplen, unsigned int mtu)
{
	unsigned int per = frag_data(v6, hlen, mtu);

	return iplen <= mtu ? 1 : (iplen - hlen + per - 1) / per;
}

/* The IP header's length of the packet at @iph. */
static unsigned int ip_hlen(const uint8_t *iph)
{
	return iph[0] >> 4 == 6 ? 40u : (iph[0] & 15u) * 4;
}

/* ip6_finish_output2() counts each packet that leaves (Ip6OutTransmits) and its octets, the
 * IPv6 header included, multicast apart too; ip6_fragment() each fragment made and each
 * datagram fragmented. */
static void count_transmit6(struct rxs_softnet_data *sd, unsigned int iplen, unsigned int nfrags,
			    const uint8_t *daddr)
{
	/* each fragment: the IPv6 header, a fragment header and its part of the data */
	unsigned int octets = nfrags == 1 ? iplen : iplen - 40 + 48 * nfrags;

	rxs__mib_add(sd, RXS_MIB_Ip6OutTransmits, nfrags);
	rxs__mib_add(sd, RXS_MIB_Ip6OutOctets, octets);
	if (daddr[0] == 0xff) {
		rxs__mib_add(sd, RXS_MIB_Ip6OutMcastPkts, nfrags);
		rxs__mib_add(sd, RXS_MIB_Ip6OutMcastOctets, octets);
	}
	if (nfrags > 1) {
		rxs__mib_inc(sd, RXS_MIB_Ip6FragOKs);
		rxs__mib_add(sd, RXS_MIB_Ip6FragCreates, nfrags);
	}
}

/* ip_finish_output2() counts each packet that leaves, multicast apart too (the route's
 * RTN_MULTICAST), ip_do_fragment() each fragment made and each datagram fragmented. */
static RXS_ALWAYS_INLINE void count_transmit(struct rxs_softnet_data *sd, unsigned int hlen,
					     unsigned int iplen, unsigned int nfrags,
					     const uint8_t *daddr)
{
	rxs__mib_add(sd, RXS_MIB_IpOutTransmits, nfrags);
	rxs__mib_add(sd, RXS_MIB_IpExtOutOctets, iplen + hlen * (nfrags - 1));
	if ((daddr[0] & 0xf0) == 0xe0) {
		rxs__mib_add(sd, RXS_MIB_IpExtOutMcastPkts, nfrags);
		rxs__mib_add(sd, RXS_MIB_IpExtOutMcastOctets, iplen + hlen * (nfrags - 1));
	}
	if (nfrags > 1) {
		rxs__mib_inc(sd, RXS_MIB_IpFragOKs);
		rxs__mib_add(sd, RXS_MIB_IpFragCreates, nfrags);
	}
}

/* A frame to the taps that see sent frames and to the device. A VLAN device's frame leaves
 * by its NIC with the tag in it (vlan_dev_hard_start_xmit() tags it; tcpdump on the NIC
 * sees the tag, from the data or from the tx-vlan offload's skb->vlan_tci alike). */
static void xmit_frame(struct rxs_softnet_data *sd, const struct rxs_netdev *dev,
		       const uint8_t *f, uint32_t len)
{
	struct rxs_tx *tx = sd->host->inet.tx;
	uint8_t *tagged = NULL;

	if (dev && dev->real_dev && len >= 14 && (tagged = rxs__malloc(len + 4))) {
		memcpy(tagged, f, 12);
		rxs__put_be16(tagged + 12, 0x8100);
		rxs__put_be16(tagged + 14, dev->vlan_id);
		memcpy(tagged + 16, f + 12, len - 12);
		f = tagged;
		len += 4;
	}
	xmit_taps(sd, f, len);
	if (rxs__tx_wanted(tx))
		rxs__tx_frame(sd->host, dev, f, len, sd->now);
	else if (tx)
		tx->frames++;
	rxs__free(tagged);
}

/*
 * The fragments of @frame (Ethernet, the IP header, then @iplen less it), as ip_do_fragment()'s
 * and ip6_fragment()'s slow paths make them: IPv4's get a copy of the header with their own
 * length, offset, MF and checksum; IPv6's the header with their own payload length and next
 * header 44, then a fragment header (the datagram's next header, offset, M, and an
 * identification of the host's own: ipv6_select_ident()'s is a keyed hash). false when
 * there is no memory for one (IpFragFails or Ip6FragFails, as -ENOMEM is).
 */
static bool xmit_fragments(struct rxs_softnet_data *sd, const struct rxs_netdev *dev,
			   const uint8_t *frame, unsigned int iplen, unsigned int mtu, bool v6)
{
	unsigned int hlen = ip_hlen(frame + 14), fhlen = FRAG_HLEN(v6);
	unsigned int per = frag_data(v6, hlen, mtu), off;
	uint32_t ident = v6 ? __atomic_add_fetch(&sd->host->inet.ip6_frag_ident, 1,
						 __ATOMIC_RELAXED) : 0;
	uint8_t small[14 + 1500], *buf = small;

	if (mtu > 1500 && !(buf = rxs__malloc(14 + mtu))) {
		rxs__mib_inc(sd, v6 ? RXS_MIB_Ip6FragFails : RXS_MIB_IpFragFails);
		return false;
	}
	for (off = 0; off < iplen - hlen; off += per) {
		unsigned int len = RXS_MIN(per, iplen - hlen - off);
		bool more = off + len < iplen - hlen;
		uint8_t *iph = buf + 14, *fh = iph + hlen;

		memcpy(buf, frame, 14 + hlen);
		if (v6) {
			rxs__put_be16(iph + 4, (uint16_t)(fhlen + len));
			iph[6] = 44;
			fh[0] = frame[14 + 6];
			fh[1] = 0;
			rxs__put_be16(fh + 2, (uint16_t)(off | more));
			rxs__put_be32(fh + 4, ident);
		} else {
			rxs__put_be16(iph + 2, (uint16_t)(hlen + len));
			rxs__put_be16(iph + 6, (uint16_t)(off >> 3 | (more ? 0x2000 : 0)));
			rxs__put_be16(iph + 10, 0);
			rxs__put_be16(iph + 10, rxs__csum_fold(rxs__csum_partial(iph, hlen, 0)));
		}
		memcpy(fh + fhlen, frame + 14 + hlen + off, len);
		xmit_frame(sd, dev, buf, 14 + hlen + fhlen + len);
	}
	if (buf != small)
		rxs__free(buf);
	return true;
}

/* The packet as an skb, for netfilter: IP header at data, the IP control block filled. */
static struct rxs_sk_buff *out_skb(struct rxs_softnet_data *sd, const struct rxs_out *o,
				   const uint8_t *l4, unsigned int l4len)
{
	struct rxs_sk_buff *skb = rxs__skb_alloc(&sd->host->pool, 14 + 60 + l4len);
	struct rxs_inet_cb *cb;
	uint8_t *eth;
	unsigned int iplen;

	if (!skb)
		return NULL;
	eth = rxs__skb_put(skb, 14);
	memcpy(eth, o->peer_mac, 6);
	memcpy(eth + 6, o->dev->cfg.mac, 6);
	rxs__put_be16(eth + 12, o->family == AF_INET6 ? 0x86dd : 0x0800);
	skb->mac_header = (uint16_t)(eth - skb->head);
	rxs_skb_pull(skb, 14);
	rxs_skb_reset_network_header(skb);
	iplen = put_ip(sd, rxs__skb_put(skb, 0), o, l4len);
	rxs__skb_put(skb, iplen);
	memcpy(rxs__skb_put(skb, l4len), l4, l4len);
	skb->cpu = sd->cpu;
	skb->dev = o->dev;
	skb->protocol = o->family == AF_INET6 ? 0x86dd : 0x0800;
	cb = RXS_INET_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->family = (uint8_t)o->family;
	cb->protocol = o->proto;
	memcpy(cb->saddr, o->saddr, 16);
	memcpy(cb->daddr, o->daddr, 16);
	if (o->csum_at) {	/* the packet will be seen: its checksum now */
		uint8_t *th = skb->data + iplen;

		rxs__put_be16(th + o->csum_at, rxs__l4_csum(cb, o->proto, th, l4len));
	}
	return skb;
}

/* The fragments a datagram of @iplen bytes leaves in: over IPv4 only ICMP's leave without DF
 * (put_ip()); over IPv6 the source fragments what does not fit (ICMPv6's echo replies: TCP
 * keeps to its MSS). */
static unsigned int out_nfrags(bool v6, uint8_t proto, unsigned int hlen, unsigned int iplen,
			       unsigned int mtu)
{
	return proto == IPPROTO_TCP ? 1 : ip_nfrags(v6, hlen, iplen, mtu);
}

/* ip_finish_output() after POST_ROUTING: fragments or the frame, to the device. Also the
 * okfn a packet queued at POST_ROUTING resumes in, so it reads everything from @skb. */
static void ip_finish_output(struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	const struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	bool v6 = cb->family == AF_INET6;
	unsigned int iplen = skb->len, mtu = out_mtu(skb->dev), hlen = ip_hlen(skb->data);
	unsigned int nfrags = out_nfrags(v6, cb->protocol, hlen, iplen, mtu);

	if (nfrags > 1 &&
	    !xmit_fragments(sd, skb->dev, rxs_skb_mac_header(skb), iplen, mtu, v6)) {
		rxs_consume_skb(skb);
		return;
	}
	if (!v6)
		count_transmit(sd, hlen, iplen, nfrags, cb->daddr);
	else
		count_transmit6(sd, iplen, nfrags, cb->daddr);
	if (nfrags == 1)
		xmit_frame(sd, skb->dev, rxs_skb_mac_header(skb), skb->len + 14);
	rxs_consume_skb(skb);	/* not an offered frame: no conservation count */
}

/* ip_output() after LOCAL_OUT: POST_ROUTING. The okfn a packet queued at LOCAL_OUT resumes
 * in. IPv6 walks its own hooks (netfilter runs the ip6 and inet tables there and no user
 * function: those are IPv4's). */
static void ip_output(struct rxs_sk_buff *skb)
{
	if (rxs__nf_hook_run(skb, RXS_NF_INET_POST_ROUTING, ip_finish_output))
		ip_finish_output(skb);
}

void rxs__ip_output_unseen(struct rxs_softnet_data *sd, const struct rxs_out *o,
			   unsigned int l4len)
{
	struct rxs_tx *tx = sd->host->inet.tx;
	bool v6 = o->family == AF_INET6;
	unsigned int hlen = (v6 ? 40u : 20u) + o->ip_optlen, iplen = hlen + l4len;
	unsigned int nfrags = out_nfrags(v6, o->proto, hlen, iplen, out_mtu(o->dev));

	if (!(v6 && o->local_out))
		rxs__mib_inc(sd, v6 ? RXS_MIB_Ip6OutRequests : RXS_MIB_IpOutRequests);
	if (!v6)
		count_transmit(sd, hlen, iplen, nfrags, o->daddr);
	else
		count_transmit6(sd, iplen, nfrags, o->daddr);
	if (tx)
		tx->frames += nfrags;
}

bool rxs__ip_output(struct rxs_softnet_data *sd, const struct rxs_out *o, const uint8_t *l4,
		    unsigned int l4len)
{
	struct rxs_sk_buff *skb;
	bool v6 = o->family == AF_INET6;

	/* Without rules, users' functions at the output hooks and anyone watching, the outcome
	 * is only the counters: skip building the packet (SYN floods send a SYN-ACK per SYN). */
	if (!rxs__ip_out_seen(sd->host)) {
		rxs__ip_output_unseen(sd, o, l4len);
		return true;
	}
	skb = out_skb(sd, o, l4, l4len);
	if (!skb)
		return false;
	if (o->ct_from && !v6)
		rxs__nf_ct_attach(skb, o->ct_from);	/* icmp_glue_bits() */
	/* Ip6OutRequests in ip6_xmit(), __ip6_make_skb(); IpOutRequests in __ip_local_out(),
	 * before LOCAL_OUT: a packet netfilter drops there was requested all the same. */
	if (!v6)
		rxs__mib_inc(sd, RXS_MIB_IpOutRequests);
	else if (!o->local_out)
		rxs__mib_inc(sd, RXS_MIB_Ip6OutRequests);
	/* __ip_local_out(): LOCAL_OUT runs the rule tables and the users' functions in one
	 * walk, as on receive; false when netfilter dropped, queued or stole the packet. */
	if (!rxs__nf_hook_run(skb, RXS_NF_INET_LOCAL_OUT, ip_output)) {
		/* ip_send_skb(): ip_local_out()'s -EPERM of a drop (not a queued or stolen
		 * packet's 0) is an output discard. */
		if (o->send_skb && !v6 && sd->nf_dropped)
			rxs__mib_inc(sd, RXS_MIB_IpOutDiscards);
		return false;
	}
	ip_output(skb);
	return true;
}

void rxs__ip_mc_loopback(struct rxs_softnet_data *sd, const struct rxs_out *o, const uint8_t *l4,
			 unsigned int l4len)
{
	struct rxs_sk_buff *skb = out_skb(sd, o, l4, l4len);

	if (!skb)
		return;
	skb->pkt_type = RXS_PACKET_LOOPBACK;
	skb->ip_summed = RXS_CHECKSUM_UNNECESSARY;
	skb->tstamp = sd->now;
	if (sd->host->inet.netif_rx)
		sd->host->inet.netif_rx(skb, sd->now);
	else
		rxs_consume_skb(skb);
}

/* The frame @f of a protocol without IP (ARP's requests) out of @dev: taps, then the
 * device. */
void rxs__dev_xmit_frame(struct rxs_softnet_data *sd, const struct rxs_netdev *dev,
			 const uint8_t *f, uint32_t len)
{
	xmit_frame(sd, dev, f, len);
}

/* The device a forwarded packet leaves by (its route's, else the way in). */
static const struct rxs_netdev *forward_dev(const struct rxs_host *h,
					    const struct rxs_sk_buff *skb)
{
	const struct rxs_netdev *out = rxs__dev_by_ifindex(h, skb->oif);

	return out ? out : skb->dev;
}

/* neigh_output()'s end for a forwarded packet whose next hop is @peer: the Ethernet header,
 * then the frame, or its fragments when it is longer than the output device's MTU
 * (ip_forward() let through only packets without DF, or reassembled ones). Takes @skb. */
void rxs__ip_forward_send(struct rxs_sk_buff *skb, const uint8_t peer[6])
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_host *h = sd->host;
	const struct rxs_netdev *out = forward_dev(h, skb);
	unsigned int iplen = skb->len, mtu = out_mtu(out), nfrags;
	bool watched = h->ntaps || rxs__tx_wanted(h->inet.tx);
	uint16_t proto = (skb->data[0] >> 4) == 6 ? 0x86dd : 0x0800;
	uint8_t *eth;

	/* ip_do_fragment() copies a 20-byte header; one with options leaves whole. IPv6's
	 * ip6_forward() let through only what fits. */
	nfrags = skb->data[0] == 0x45 ? ip_nfrags(false, 20, iplen, mtu) : 1;
	/* The new Ethernet header goes where the received one was (the headroom holds it). */
	eth = rxs_skb_push(skb, 14);
	if (eth && watched) {
		memcpy(eth, peer, 6);
		memcpy(eth + 6, out->cfg.mac, 6);
		rxs__put_be16(eth + 12, proto);
		if (nfrags > 1)
			xmit_fragments(sd, out, eth, iplen, mtu, false);
		else
			xmit_frame(sd, out, eth, skb->len);
	} else if (h->inet.tx) {
		h->inet.tx->frames += nfrags;
	}
	rxs_consume_skb(skb);
}

/* ip_finish_output() of a forwarded packet, after POSTROUTING: IpOutTransmits (counted in
 * ip_finish_output2(), before the neighbour), then the next hop's address: from the
 * neighbour table when the scenario has one, else rxsim's older rule, the frame's sender
 * when the packet goes back out its link and the broadcast address otherwise. */
void rxs__ip_forward_xmit(struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_host *h = sd->host;
	const struct rxs_netdev *out = forward_dev(h, skb);
	unsigned int iplen = skb->len;
	uint8_t peer[6];

	count_transmit(sd, 20, iplen,
		       (skb->data[0] & 15u) == 5 ? ip_nfrags(false, 20, iplen, out_mtu(out)) : 1,
		       skb->data + 16);
	if (h->inet.neigh &&
	    rxs__neigh_output(skb, out, rxs__fib_nexthop(h, rxs__get_be32(skb->data + 16), out)))
		return;
	if (out == skb->dev)
		memcpy(peer, rxs_skb_mac_header(skb) + 6, 6);
	else
		memset(peer, 0xff, 6);
	rxs__ip_forward_send(skb, peer);
}

/* ip6_finish_output2() of a forwarded packet, after POSTROUTING: Ip6OutTransmits, then the
 * next hop's address from the static IPv6 neighbours, else (IPv6 has no neighbour discovery
 * here) by rxsim's older rule: the frame's sender when the packet goes back out its link,
 * the broadcast address otherwise. */
void rxs__ip6_forward_xmit(struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	const struct rxs_netdev *out = forward_dev(sd->host, skb);
	uint8_t peer[6];

	count_transmit6(sd, skb->len, 1, RXS_INET_CB(skb)->daddr);	/* no IPv6 router fragments */
	if (!rxs__ip6_nexthop_mac(sd->host, skb, out, peer)) {
		if (out == skb->dev)
			memcpy(peer, rxs_skb_mac_header(skb) + 6, 6);
		else
			memset(peer, 0xff, 6);
	}
	rxs__ip_forward_send(skb, peer);
}
