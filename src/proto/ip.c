/* ip.c - IPv4 receive: ip_rcv_core's checks, the input route, ip_local_deliver.
 *
 * The checks and their counters follow net/ipv4/ip_input.c in order; netfilter hooks
 * (PREROUTING, INPUT) sit where NF_HOOK sits there. Netfilter drops touch no IP counter.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"
#include "proto/proto_int.h"

#define IP_MF 0x2000
#define IP_OFFSET 0x1fff

static bool is_multicast(const uint8_t *a)
{
	return (a[0] & 0xf0) == 0xe0;
}

static bool is_lbcast(const uint8_t *a)
{
	return a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255;
}

static bool is_zeronet(const uint8_t *a)
{
	return a[0] == 0;
}

static bool is_loopback(const uint8_t *a)
{
	return a[0] == 127;
}

/*
 * The host's IPv4 addresses as numbers, and the subnets whose directed broadcast (the
 * all-ones host part) it receives: the input route asks both of every packet, and a NIC's
 * addresses are fixed once the host exists, so they are gathered once from every NIC.
 */
struct rxs_inet4_route {
	uint32_t net, mask, gw;
	unsigned int prefix, ifindex;
};

struct rxs_inet4_addrs {
	unsigned int nlocal, nbcast;
	uint32_t *local;		/* every NIC's address: the weak host model */
	uint32_t (*bcast)[2];		/* { net, mask } of each subnet shorter than /31 */
	struct rxs_inet4_route *routes;	/* the scenario's routes (the connected ones are the
					 * devices' addresses) */
	unsigned int nroutes;
};

int rxs__ip_init(struct rxs_host *h)
{
	struct rxs_inet4_addrs *a;
	unsigned int n = 0;

	for (unsigned int i = 0; i < h->ndevs; i++)
		n += h->devs[i].cfg.naddrs;
	a = rxs__calloc(1, sizeof(*a) + (n ? n : 1) * 3 * sizeof(uint32_t));
	if (!a)
		return -ENOMEM;
	a->local = (uint32_t *)(void *)(a + 1);
	a->bcast = (uint32_t (*)[2])(void *)(a->local + (n ? n : 1));
	for (unsigned int i = 0; i < h->ndevs; i++) {
		const struct rxs_nic_config *c = &h->devs[i].cfg;

		for (unsigned int j = 0; j < c->naddrs; j++) {
			const struct rxs_addr *x = &c->addrs[j];
			uint32_t addr = rxs__get_be32(x->addr), mask;

			if (x->family != AF_INET)
				continue;
			a->local[a->nlocal++] = addr;
			if (x->prefix >= 31)
				continue;
			mask = x->prefix ? ~0u << (32 - x->prefix) : 0;
			a->bcast[a->nbcast][0] = addr & mask;
			a->bcast[a->nbcast++][1] = mask;
		}
	}
	h->inet.inet4 = a;
	return 0;
}

int rxs__ip_route_add(struct rxs_host *h, uint32_t net, unsigned int prefix, uint32_t gw,
		      unsigned int ifindex)
{
	struct rxs_inet4_addrs *a = h->inet.inet4;
	struct rxs_inet4_route *r = rxs__realloc(a->routes, (a->nroutes + 1) * sizeof(*r));
	uint32_t mask = prefix ? ~0u << (32 - RXS_MIN(prefix, 32u)) : 0;

	if (!r)
		return -ENOMEM;
	a->routes = r;
	a->routes[a->nroutes++] = (struct rxs_inet4_route){ net & mask, mask, gw, prefix, ifindex };
	h->inet.routed = true;
	return 0;
}

void rxs__ip_destroy(struct rxs_host *h)
{
	if (h->inet.inet4)
		rxs__free(h->inet.inet4->routes);
	rxs__free(h->inet.inet4);
	h->inet.inet4 = NULL;
}

/* A directed broadcast of one of our IPv4 subnets. */
static bool is_subnet_broadcast(const struct rxs_host *h, uint32_t d)
{
	const struct rxs_inet4_addrs *a = h->inet.inet4;

	for (unsigned int i = 0; i < a->nbcast; i++)
		if ((d | a->bcast[i][1]) == ~0u && (d & a->bcast[i][1]) == a->bcast[i][0])
			return true;
	return false;
}

/* An address of any of our NICs: the weak host model makes it local to all of them. */
static bool is_local(const struct rxs_host *h, uint32_t addr)
{
	const struct rxs_inet4_addrs *a = h->inet.inet4;

	for (unsigned int i = 0; i < a->nlocal; i++)
		if (a->local[i] == addr)
			return true;
	return false;
}

int rxs__inet_addr_type(const struct rxs_host *h, const struct rxs_netdev *dev, uint32_t addr)
{
	const uint8_t a[4] = { addr >> 24, addr >> 16 & 0xff, addr >> 8 & 0xff, addr & 0xff };

	if (is_zeronet(a) || addr == 0xffffffffu)
		return 3;	/* RTN_BROADCAST */
	if (is_multicast(a))
		return 5;	/* RTN_MULTICAST */
	if (is_loopback(a))
		return !dev || dev->cfg.driver == RXS_DRIVER_LOOPBACK ? 2 : 1;
	if (dev) {
		for (unsigned int j = 0; j < dev->cfg.naddrs; j++) {
			const struct rxs_addr *x = &dev->cfg.addrs[j];
			uint32_t mask = x->prefix ? ~0u << (32 - x->prefix) : 0;

			if (x->family != AF_INET)
				continue;
			if (rxs__get_be32(x->addr) == addr)
				return 2;
			if (x->prefix < 31 && (addr | mask) == ~0u &&
			    (addr & mask) == (rxs__get_be32(x->addr) & mask))
				return 3;
		}
		return 1;	/* RTN_UNICAST */
	}
	if (is_local(h, addr))
		return 2;	/* RTN_LOCAL */
	if (is_subnet_broadcast(h, addr))
		return 3;
	return 1;
}

const struct rxs_netdev *rxs__dev_by_ifindex(const struct rxs_host *h, unsigned int ifindex)
{
	for (unsigned int i = 0; ifindex && i < h->ndevs; i++)
		if (h->devs[i].ifindex == ifindex)
			return &h->devs[i];
	return NULL;
}

/*
 * fib_lookup() for a packet to forward to @d: the longest prefix among the connected routes
 * (each device's IPv4 subnets) and the scenario's routes; a scenario without routes keeps
 * rxsim's older rule, a default route out of the device the packet came in by (@in). NULL:
 * no route.
 */
static const struct rxs_netdev *fib_select(const struct rxs_host *h, uint32_t d,
					    const struct rxs_netdev *in, unsigned int oif,
					    uint32_t *gw)
{
	const struct rxs_netdev *best = NULL;
	int best_len = -1;

	*gw = 0;

	for (unsigned int i = 0; i < h->ndevs; i++)
		for (unsigned int j = 0; j < h->devs[i].cfg.naddrs; j++) {
			const struct rxs_addr *a = &h->devs[i].cfg.addrs[j];
			unsigned int len = RXS_MIN(a->prefix, 32u);
			uint32_t mask = len ? ~0u << (32 - len) : 0;

			if (a->family == AF_INET && (int)len > best_len &&
			    (!oif || h->devs[i].ifindex == oif) &&
			    ((d ^ rxs__get_be32(a->addr)) & mask) == 0) {
				best = &h->devs[i];
				best_len = (int)len;
			}
		}
	for (unsigned int i = 0; i < h->inet.inet4->nroutes; i++) {
		const struct rxs_inet4_route *r = &h->inet.inet4->routes[i];

		/* A connected route wins a tie (its prefix came first, as a lower metric). */
		if ((int)r->prefix > best_len && (d & r->mask) == r->net &&
		    (!oif || r->ifindex == oif)) {
			best = rxs__dev_by_ifindex(h, r->ifindex);
			best_len = (int)r->prefix;
			*gw = r->gw;
		}
	}
	if (!best && !h->inet.inet4->nroutes)
		return in;
	return best;
}

const struct rxs_netdev *rxs__fib_lookup(const struct rxs_host *h, uint32_t d,
					  const struct rxs_netdev *in)
{
	uint32_t gw;

	return fib_select(h, d, in, 0, &gw);
}

int rxs__ip_route_lookup(const struct rxs_host *h, uint32_t d, unsigned int oif,
			 unsigned int *ifindex, uint32_t *gw)
{
	const struct rxs_netdev *dev;
	int type = rxs__inet_addr_type(h, NULL, d);

	/* The local table answers first: our addresses and subnet broadcasts. */
	if (type == 2 || (type == 3 && is_subnet_broadcast(h, d)))
		return type;
	dev = fib_select(h, d, NULL, oif, gw);	/* no fallback through the way in */
	if (!dev)
		return -ENETUNREACH;
	*ifindex = dev->ifindex;
	return 1;	/* RTN_UNICAST */
}

uint32_t rxs__fib_nexthop(const struct rxs_host *h, uint32_t d, const struct rxs_netdev *in)
{
	uint32_t gw;

	fib_select(h, d, in, 0, &gw);
	return gw ? gw : d;	/* rt_nexthop(): on the link, the destination itself */
}

bool rxs__ip_route_back4(const struct rxs_host *h, uint32_t s, const struct rxs_netdev *in)
{
	return !h->inet.inet4->nroutes || rxs__fib_lookup(h, s, in) != NULL;
}

bool rxs__ip_route_reply(const struct rxs_sk_buff *skb)
{
	const struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	const struct rxs_host *h = rxs__skb_sd(skb)->host;
	uint32_t s;
	int type;

	static const uint8_t any6[16];

	if (cb->family == AF_INET6)	/* not multicast, not :: */
		return cb->saddr[0] != 0xff && memcmp(cb->saddr, any6, 16) != 0;
	s = rxs__get_be32(cb->saddr);
	type = rxs__inet_addr_type(h, NULL, s);
	/* The output route to a broadcast or multicast address carries RTCF_BROADCAST or
	 * RTCF_MULTICAST, which both senders refuse. */
	if (type == 3 || type == 5)
		return false;
	return rxs__fib_lookup(h, s, skb->dev) != NULL;
}

/* fib_validate_source() with rp_filter, the larger of all's and the device's: strict (1),
 * the route back to @s must leave by the device the packet came in on; loose (2), some
 * route back must exist. */
static RXS_NOINLINE bool rp_filter_ok(const struct rxs_host *h, const struct rxs_netdev *dev,
				       uint32_t s)
{
	unsigned int mode = RXS_MAX((unsigned int)h->inet.sysctl_rp_filter, dev->cfg.rp_filter);
	const struct rxs_netdev *back;

	if (!mode)
		return true;
	back = rxs__fib_lookup(h, s, dev);
	return mode == 1 ? back == dev : back != NULL;
}

/* IN_DEV_TX_REDIRECTS(): all's send_redirects or the device's (IN_DEV_ORCONF). */
static bool tx_redirects(const struct rxs_host *h, const struct rxs_netdev *dev)
{
	return h->inet.sysctl_send_redirects || !dev->cfg.no_send_redirects;
}

/* fib_validate_source()'s 1: the route back to @s leaves by @dev with no gateway (a next
 * hop of host scope), so the sender is on @dev's link. A host without routes has only its
 * connected ones to say so: rxsim's default out of the way in is no route back. */
static bool source_on_link(const struct rxs_host *h, const struct rxs_netdev *dev, uint32_t s)
{
	uint32_t gw;

	if (fib_select(h, s, dev, 0, &gw) != dev || gw)
		return false;
	if (h->inet.inet4->nroutes)
		return true;
	for (unsigned int j = 0; j < dev->cfg.naddrs; j++) {
		const struct rxs_addr *a = &dev->cfg.addrs[j];
		unsigned int len = RXS_MIN(a->prefix, 32u);
		uint32_t mask = len ? ~0u << (32 - len) : 0;

		if (a->family == AF_INET && ((s ^ rxs__get_be32(a->addr)) & mask) == 0)
			return true;
	}
	return false;
}

/* __mkroute_input()'s RTCF_DOREDIRECT: a packet leaving by the device it came in on, from a
 * sender on that link, with send_redirects on, is answered with an ICMP redirect to its next
 * hop (shared_media, on by default, stands for inet_addr_onlink()). */
static bool do_redirect(const struct rxs_host *h, const struct rxs_netdev *in,
			const struct rxs_netdev *out, uint32_t s)
{
	return out == in && tx_redirects(h, out) && source_on_link(h, in, s);
}

/* ip_route_input_slow(): RXS_DROP_NOT_DROPPED_YET, with the route type in the cb, or the
 * reason to drop. */
static enum rxs_drop_reason ip_route_input(struct rxs_sk_buff *skb, struct rxs_inet_cb *cb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_host *h = sd->host;
	const uint8_t *s = cb->saddr, *d = cb->daddr;

	cb->do_redirect = false;
	if (is_multicast(d)) {
		/* ip_route_input_rcu(): a group this device has not joined (ip_check_mc_rcu)
		 * has no route on a host that does not route multicast; 6.18 gives no reason
		 * but NOT_SPECIFIED and counts nothing past IpInReceives. */
		if (unlikely(!rxs__mc_joined(skb->dev, AF_INET, d))) {
			RXS_TRACE_STAGE(sd, sd->now, skb, "ip_route_input_rcu",
					"group %u.%u.%u.%u not joined on %s (ip_check_mc_rcu)",
					d[0], d[1], d[2], d[3], skb->dev->cfg.name);
			RXS_NETDEV_INC(skb->dev, rx_mc_unjoined);
			return RXS_DROP_NOT_SPECIFIED;
		}
		cb->route = RXS_RTN_MULTICAST;
		return RXS_DROP_NOT_DROPPED_YET;
	}
	if (is_multicast(s) || is_lbcast(s))
		return RXS_DROP_IP_INVALID_SOURCE;
	if (is_lbcast(d) || (is_zeronet(s) && is_zeronet(d))) {
		cb->route = RXS_RTN_BROADCAST;
		return RXS_DROP_NOT_DROPPED_YET;
	}
	if (is_zeronet(s))
		return RXS_DROP_IP_INVALID_SOURCE;
	if (is_zeronet(d))
		return RXS_DROP_IP_INVALID_DEST;
	/* A packet on lo keeps the route its sender's output chose (skb_dst), so there is no
	 * martian test and no source validation: 127.0.0.0/8 is lo's own (a local route). */
	if (skb->dev->cfg.driver == RXS_DRIVER_LOOPBACK &&
	    (is_loopback(d) || is_local(h, rxs__get_be32(d)))) {
		cb->route = RXS_RTN_LOCAL;
		return RXS_DROP_NOT_DROPPED_YET;
	}
	if (is_loopback(d))
		return RXS_DROP_IP_INVALID_DEST;
	if (is_loopback(s))
		return RXS_DROP_IP_INVALID_SOURCE;
	if (is_subnet_broadcast(h, rxs__get_be32(d))) {
		cb->route = RXS_RTN_BROADCAST;
		return RXS_DROP_NOT_DROPPED_YET;
	}
	if (is_local(h, rxs__get_be32(d))) {
		/* fib_validate_source(): our own address as the source is a martian. */
		if (is_local(h, rxs__get_be32(s)))
			return RXS_DROP_IP_LOCAL_SOURCE;
		if (unlikely(h->inet.rp_filter_on) && !rp_filter_ok(h, skb->dev, rxs__get_be32(s)))
			goto rpfilter;
		cb->route = RXS_RTN_LOCAL;
		return RXS_DROP_NOT_DROPPED_YET;
	}
	if (h->inet.sysctl_ip_forward) {
		const struct rxs_netdev *out = rxs__fib_lookup(h, rxs__get_be32(d), skb->dev);

		if (!out) {
			/* ip_error() with ENETUNREACH: no route, a forwarding host says so. */
			rxs__mib_inc(sd, RXS_MIB_IpExtInNoRoutes);
			cb->route = RXS_RTN_FORWARD;	/* an error about a packet not ours */
			rxs__icmp_send(skb, 3, 0);	/* net unreachable */
			return RXS_DROP_IP_INNOROUTES;
		}
		if (unlikely(h->inet.rp_filter_on) && !rp_filter_ok(h, skb->dev, rxs__get_be32(s)))
			goto rpfilter;
		skb->oif = (uint16_t)out->ifindex;
		cb->route = RXS_RTN_FORWARD;
		cb->do_redirect = do_redirect(h, skb->dev, out, rxs__get_be32(s));
		return RXS_DROP_NOT_DROPPED_YET;
	}
	/* Not ours and forwarding is off: ip_error() with EHOSTUNREACH. */
	rxs__mib_inc(sd, RXS_MIB_IpInAddrErrors);
	return RXS_DROP_IP_INADDRERRORS;
rpfilter:
	/* -EXDEV from fib_validate_source(): ip_rcv_finish_core() counts IPReversePathFilter. */
	rxs__mib_inc(sd, RXS_MIB_TcpExtIPReversePathFilter);
	return RXS_DROP_IP_RPFILTER;
}

/* ip_local_deliver_finish(): past the IP header to the handler in inet_protos, rxsim's
 * own (UDP, TCP, ICMP) or a user's (rxs_inet_add_protocol): IP names none of them. */
static RXS_ALWAYS_INLINE void ip_local_deliver(struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_inet_cb *cb = RXS_INET_CB(skb);

	RXS_TRACE_STAGE(sd, sd->now, skb, "ip_local_deliver",
			"INPUT accepted; protocol %u to its handler", cb->protocol);
	rxs__skb_pull(skb, (skb->data[0] & 15u) * 4);
	rxs_skb_reset_transport_header(skb);
	if (likely(rxs__inet_protocol_deliver(sd, sd->host->inet.protos, cb->protocol,
					      RXS_MIB_IpInDelivers, skb)))
		return;
	rxs__mib_inc(sd, RXS_MIB_IpInUnknownProtos);
	rxs__icmp_send(skb, 3, 2);	/* protocol unreachable */
	rxs_kfree_skb_reason(skb, RXS_DROP_IP_NOPROTO);
}

static void count_route(struct rxs_softnet_data *sd, const struct rxs_sk_buff *skb,
			const struct rxs_inet_cb *cb)
{
	if (cb->route == RXS_RTN_MULTICAST) {
		rxs__mib_inc(sd, RXS_MIB_IpExtInMcastPkts);
		rxs__mib_add(sd, RXS_MIB_IpExtInMcastOctets, skb->len);
	} else if (cb->route == RXS_RTN_BROADCAST) {
		rxs__mib_inc(sd, RXS_MIB_IpExtInBcastPkts);
		rxs__mib_add(sd, RXS_MIB_IpExtInBcastOctets, skb->len);
	}
}

#define IPOPT_END 0
#define IPOPT_NOOP 1
#define IPOPT_RR 7
#define IPOPT_TIMESTAMP 68
#define IPOPT_CIPSO 134
#define IPOPT_LSRR 131
#define IPOPT_SSRR 137
#define IPOPT_RA 148
#define IPOPT_TS_TSONLY 0
#define IPOPT_TS_TSANDADDR 1
#define IPOPT_TS_PRESPEC 3

/* The record-route and timestamp checks of __ip_options_compile() for option @p of @optlen
 * bytes at offset @off: the offset of the byte at fault, or 0. The host records itself where
 * there is room: the pointer moves on (a prespecified timestamp is taken as one naming the
 * host: the kernel leaves one naming another unicast address alone). */
static uint8_t opt_rr(const uint8_t *p, unsigned int optlen, unsigned int off,
		      struct rxs_ip_options *o)
{
	if (o->rr)
		return (uint8_t)off;
	if (optlen < 3)
		return (uint8_t)(off + 1);
	if (p[2] < 4)
		return (uint8_t)(off + 2);
	o->rr_ptr = p[2];
	if (p[2] <= optlen) {
		if (p[2] + 3u > optlen)
			return (uint8_t)(off + 2);
		o->rr_ptr = (uint8_t)(p[2] + 4);
		o->rr_needaddr = true;
	}
	o->rr = (uint8_t)off;
	return 0;
}

static uint8_t opt_ts(const uint8_t *p, unsigned int optlen, unsigned int off,
		      struct rxs_ip_options *o)
{
	if (o->ts)
		return (uint8_t)off;
	if (optlen < 4)
		return (uint8_t)(off + 1);
	if (p[2] < 5)
		return (uint8_t)(off + 2);
	o->ts_ptr = p[2];
	if (p[2] <= optlen) {
		if (p[2] + 3u > optlen)
			return (uint8_t)(off + 2);
		switch (p[3] & 15) {
		case IPOPT_TS_TSONLY:
			o->ts_needtime = true;
			o->ts_ptr = (uint8_t)(p[2] + 4);
			break;
		case IPOPT_TS_TSANDADDR:
		case IPOPT_TS_PRESPEC:
			if (p[2] + 7u > optlen)
				return (uint8_t)(off + 2);
			o->ts_needaddr = (p[3] & 15) == IPOPT_TS_TSANDADDR;
			o->ts_needtime = true;
			o->ts_ptr = (uint8_t)(p[2] + 8);
			break;
		default:	/* another flag: only a local sender's is refused */
			break;
		}
	} else if ((p[3] & 15) != IPOPT_TS_PRESPEC && p[3] >> 4 == 15) {
		return (uint8_t)(off + 3);	/* the overflow count would overflow */
	}
	o->ts = (uint8_t)off;
	return 0;
}

/*
 * __ip_options_compile() on a received packet: walk the options, stop at the first end of
 * options, refuse a malformed one. Router alert needs 4 bytes; a source route (loose or
 * strict, one only) is noted for the caller; CIPSO is refused, as cipso_v4_validate() does
 * with no DOI configured; any other option is skipped by its length, as for any packet not
 * sent by the host itself.
 */
void rxs__ip_options_compile(const uint8_t *iph, struct rxs_ip_options *o)
{
	unsigned int off = 20, end = (iph[0] & 15u) * 4;

	memset(o, 0, sizeof(*o));
	while (off < end && !o->err) {
		const uint8_t *p = iph + off;
		unsigned int optlen;

		if (p[0] == IPOPT_END)
			return;
		if (p[0] == IPOPT_NOOP) {
			off++;
			continue;
		}
		optlen = end - off >= 2 ? p[1] : 0;
		if (optlen < 2 || optlen > end - off) {
			o->err = (uint8_t)off;
			return;
		}
		switch (p[0]) {
		case IPOPT_LSRR:
		case IPOPT_SSRR:
			o->err = optlen < 3 ? (uint8_t)(off + 1) : p[2] < 4 ? (uint8_t)(off + 2) :
				 o->srr ? (uint8_t)off : 0;
			o->srr = (uint8_t)off;
			break;
		case IPOPT_RR:
			o->err = opt_rr(p, optlen, off, o);
			break;
		case IPOPT_TIMESTAMP:
			o->err = opt_ts(p, optlen, off, o);
			break;
		case IPOPT_RA:
			o->err = optlen < 4 ? (uint8_t)(off + 1) : 0;
			break;
		case IPOPT_CIPSO:
			o->cipso = (uint8_t)off;
			o->err = (uint8_t)(off + (optlen < 8 ? 1 : 2));
			break;
		default:
			break;
		}
		off += optlen;
	}
}

/* __ip_options_echo() for a reply: record route and timestamp copied with their pointers
 * moved past the entry the reply will carry, then CIPSO; padded with end-of-options. */
int rxs__ip_options_echo(const uint8_t *iph, uint8_t *out)
{
	struct rxs_ip_options o;
	unsigned int len = 0;

	rxs__ip_options_compile(iph, &o);
	if (o.rr) {
		unsigned int optlen = iph[o.rr + 1], ptr = o.rr_ptr;

		memcpy(out, iph + o.rr, optlen);
		if (o.rr_needaddr && ptr <= optlen) {
			if (ptr + 3 > optlen)
				return -1;
			out[2] = (uint8_t)(ptr + 4);
		}
		len += optlen;
	}
	if (o.ts) {
		unsigned int optlen = iph[o.ts + 1], ptr = o.ts_ptr;

		memcpy(out + len, iph + o.ts, optlen);
		if (ptr <= optlen) {
			if (o.ts_needaddr) {
				if (ptr + 3 > optlen)
					return -1;
				ptr += 4;
			}
			if (o.ts_needtime && (iph[o.ts + 3] & 15) != IPOPT_TS_PRESPEC) {
				if (ptr + 3 > optlen)
					return -1;
				ptr += 4;
			}
			out[len + 2] = (uint8_t)ptr;
		}
		len += optlen;
	}
	if (o.cipso) {
		memcpy(out + len, iph + o.cipso, iph[o.cipso + 1]);
		len += iph[o.cipso + 1];
	}
	while (len & 3)
		out[len++] = IPOPT_END;
	return (int)len;
}

/* ip_rcv_options(): a malformed option is a header error, answered with a parameter problem
 * pointing at it (ip_options_compile() sends it); a source-routed packet is dropped, as
 * accept_source_route 0 has it. True when @skb is gone. Out of line and cold: a header with
 * options is rare, and its test is the only cost the others pay. */
static RXS_NOINLINE __attribute__((cold)) bool ip_rcv_options(struct rxs_softnet_data *sd,
							       struct rxs_sk_buff *skb)
{
	struct rxs_ip_options o;

	rxs__ip_options_compile(skb->data, &o);
	if (o.err) {
		rxs__icmp_send_info(skb, 12, 0, (uint32_t)o.err << 24);
		rxs__mib_inc(sd, RXS_MIB_IpInHdrErrors);
		rxs_kfree_skb_reason(skb, RXS_DROP_IP_INHDR);
		return true;
	}
	if (o.srr) {
		rxs_kfree_skb_reason(skb, RXS_DROP_NOT_SPECIFIED);
		return true;
	}
	return false;
}

/* ip_rcv_core() checks; RXS_DROP_NOT_DROPPED_YET when the header is sound. */
static enum rxs_drop_reason ip_rcv_core(struct rxs_sk_buff *skb, struct rxs_softnet_data *sd)
{
	const uint8_t *iph = skb->data;
	unsigned int ihl, tot_len;

	if (!rxs_pskb_may_pull(skb, 20))
		goto inhdr_error;
	ihl = (iph[0] & 15u) * 4;
	if (ihl < 20 || (iph[0] >> 4) != 4)
		goto inhdr_error;
	rxs__ecn_stats(sd, iph[1], skb, false);
	if (!rxs_pskb_may_pull(skb, ihl))
		goto inhdr_error;
	if (rxs__csum_fold(rxs__csum_partial(iph, ihl, 0))) {
		rxs__mib_inc(sd, RXS_MIB_IpExtInCsumErrors);
		rxs__mib_inc(sd, RXS_MIB_IpInHdrErrors);
		return RXS_DROP_IP_CSUM;
	}
	tot_len = rxs__get_be16(iph + 2);
	if (skb->len < tot_len) {
		rxs__mib_inc(sd, RXS_MIB_IpExtInTruncatedPkts);
		return RXS_DROP_PKT_TOO_SMALL;
	}
	if (tot_len < ihl)
		goto inhdr_error;
	/* pskb_trim_rcsum(): Ethernet padding goes; skb->len is the IP length from here on. */
	rxs__skb_trim(skb, tot_len);
	return RXS_DROP_NOT_DROPPED_YET;
inhdr_error:
	rxs__mib_inc(sd, RXS_MIB_IpInHdrErrors);
	return RXS_DROP_IP_INHDR;
}

/* ip_forward_finish(): out through POSTROUTING (IPSTATS_MIB_OUTFORWDATAGRAMS, which nstat
 * does not show, is counted here by the kernel). */
static void ip_forward_finish(struct rxs_sk_buff *skb)
{
	if (rxs__nf_hook_run(skb, RXS_NF_INET_POST_ROUTING, rxs__ip_forward_xmit))
		rxs__ip_forward_xmit(skb);
}

/* ip_exceeds_mtu(): too long for the way out, and not to be fragmented. A datagram conntrack
 * reassembled (frag_max_size) is refragmented: the fragments it came in fitted their links. */
static bool exceeds_mtu(const struct rxs_sk_buff *skb, unsigned int mtu)
{
	return skb->len > mtu && (rxs__get_be16(skb->data + 6) & 0x4000);
}

/*
 * ip_forward() on a host with net.ipv4.ip_forward=1: the TTL, IpForwDatagrams
 * (IPSTATS_MIB_INFORWDATAGRAMS, counted before the MTU check and the FORWARD hook), the MTU
 * of the way out, then the FORWARD hook. The route (ip_route_input) chose the output device,
 * which the packet carries in skb->oif as the kernel's in skb_dst().
 */
static void ip_forward(struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	const struct rxs_netdev *out = rxs__dev_by_ifindex(sd->host, skb->oif);
	unsigned int mtu = out ? RXS_MAX(out->cfg.mtu, 68u) : 1500;
	uint8_t *iph = skb->data;

	if (iph[8] <= 1) {
		/* The packet's lifetime ran out here: tell the sender. */
		rxs__mib_inc(sd, RXS_MIB_IpInHdrErrors);
		rxs__icmp_send(skb, 11, 0);
		rxs_kfree_skb_reason(skb, RXS_DROP_IP_INHDR);
		return;
	}
	rxs__mib_inc(sd, RXS_MIB_IpForwDatagrams);
	if (exceeds_mtu(skb, mtu)) {
		rxs__mib_inc(sd, RXS_MIB_IpFragFails);
		rxs__icmp_send_info(skb, 3, 4, mtu);	/* fragmentation needed, and the MTU */
		rxs_kfree_skb_reason(skb, RXS_DROP_PKT_TOO_BIG);
		return;
	}
	/* ip_decrease_ttl(), with the checksum redone rather than patched. */
	iph[8]--;
	rxs__put_be16(iph + 10, 0);
	rxs__put_be16(iph + 10, rxs__csum_fold(rxs__csum_partial(iph, (iph[0] & 15u) * 4, 0)));
	/* The redirect goes before the FORWARD hook sees the packet, quoting it with its TTL
	 * lowered (a source-routed packet would draw none: IP options are not parsed). */
	if (RXS_INET_CB(skb)->do_redirect)
		rxs__ip_rt_send_redirect(skb, rxs__fib_nexthop(sd->host, rxs__get_be32(iph + 16),
							       skb->dev));
	if (rxs__nf_hook_run(skb, RXS_NF_INET_FORWARD, ip_forward_finish))
		ip_forward_finish(skb);
}

/* ip_rcv_finish(): the input route, reassembly, then the INPUT hook. */
static void ip_rcv_finish(struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	uint16_t frag = rxs__get_be16(skb->data + 6);
	enum rxs_drop_reason reason = ip_route_input(skb, cb);

	if (reason) {
		rxs_kfree_skb_reason(skb, reason);
		return;
	}
	RXS_TRACE_STAGE(sd, sd->now, skb, "ip_rcv_finish", "PREROUTING accepted; route: %s",
			cb->route == RXS_RTN_LOCAL ? "local" :
			cb->route == RXS_RTN_BROADCAST ? "broadcast" :
			cb->route == RXS_RTN_MULTICAST ? "multicast" : "forward");
	if (unlikely(skb->data[0] != 0x45) && ip_rcv_options(sd, skb))
		return;
	if (cb->route == RXS_RTN_FORWARD) {
		ip_forward(skb);
		return;
	}
	count_route(sd, skb, cb);
	if (frag & (IP_MF | IP_OFFSET)) {
		/* ip_defrag(): see rxs__ip_defrag for what is modelled. */
		skb = rxs__ip_defrag(skb, (skb->data[0] & 15u) * 4);
		if (!skb)
			return;
	}
	if (rxs__nf_hook_run(skb, RXS_NF_INET_LOCAL_IN, ip_local_deliver))
		ip_local_deliver(skb);
}

void rxs__ip_rcv(struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	enum rxs_drop_reason reason;
	uint16_t frag;

	rxs__charge(sd, rxs__cost(sd->host, RXS_COST_IP_RCV));
	/* In promiscuous mode, frames for other hosts are dropped before any IP counter. */
	if (skb->pkt_type == RXS_PACKET_OTHERHOST) {
		RXS_NETDEV_INC(skb->dev, rx_otherhost_dropped);
		reason = RXS_DROP_OTHERHOST;
		goto drop;
	}
	rxs__mib_inc(sd, RXS_MIB_IpInReceives);
	rxs__mib_add(sd, RXS_MIB_IpExtInOctets, skb->len);
	reason = ip_rcv_core(skb, sd);
	if (reason)
		goto drop;
	memset(cb, 0, sizeof(*cb));
	cb->family = AF_INET;
	cb->protocol = skb->data[9];
	memcpy(cb->saddr, skb->data + 12, 4);
	memcpy(cb->daddr, skb->data + 16, 4);
	frag = rxs__get_be16(skb->data + 6);
	cb->is_frag_tail = (frag & IP_OFFSET) != 0;
	if (unlikely(frag & (IP_MF | IP_OFFSET)) && sd->host->inet.nf_defrag) {
		/* nf_defrag_ipv4 (priority -400, with conntrack): conntrack and the rules see
		 * whole datagrams, forwarded ones too, which leave refragmented. */
		skb = rxs__ip_defrag(skb, (skb->data[0] & 15u) * 4);
		if (!skb)
			return;
	}
	if (rxs__nf_hook_run(skb, RXS_NF_INET_PRE_ROUTING, ip_rcv_finish))
		ip_rcv_finish(skb);
	return;
drop:
	rxs_kfree_skb_reason(skb, reason);
}
