/* igmp.c - multicast group membership: which groups the host joined on each NIC, and which
 * socket takes a datagram sent to one.
 *
 * The kernel keeps a device's groups in its in_device (ip_mc_list, net/ipv4/igmp.c) and
 * inet6_dev (ifmcaddr6, net/ipv6/mcast.c); each group also puts its MAC address in the
 * device's filter list (ip_mc_inc_group -> ip_mc_filter_add -> dev_mc_add). A socket's own
 * memberships (inet->mc_list, ipv6_mc_socklist) only decide, with IP_MULTICAST_ALL, which
 * sockets on the port get a copy (ip_mc_sf_allow, inet6_mc_check).
 *
 * rxsim's sockets are fixed for the run, so every membership is known when the host is
 * built: the lists below are gathered once and only read afterwards, by any CPU thread.
 * What a device joins by itself:
 *  - IPv4: 224.0.0.1, all hosts (ip_mc_up);
 *  - IPv6, on a host that has IPv6: ff01::1 and ff02::1, all nodes (ipv6_add_dev), and the
 *    solicited-node group ff02::1:ffXX:XXXX of each address (addrconf_join_solict), the
 *    EUI-64 link-local address (fe80:: + the MAC) included.
 * IGMP and MLD (igmp_rcv() and rxs__mld_rcv(), below): queries are answered by reports of
 * the device's groups as the kernel times them; source filters (IP_ADD_SOURCE_MEMBERSHIP)
 * and multicast routing are not modelled.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "data/data.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"
#include "proto/proto_int.h"
#include "socket/socket.h"

struct rxs_mc_group {
	int family;
	uint8_t addr[16];
	uint64_t report_due;	/* IPv4: jiffies its report to a query is due at, 0: none */
};

/* IGMP's state of a device (the in_device's mr_* fields): the queriers it heard, and the
 * report to a general query that is due. */
struct rxs_igmp_dev {
	uint64_t v1_seen, v2_seen;	/* jiffies until which a v1 / v2 querier is present */
	uint64_t maxdelay;		/* mr_maxdelay: the last v3 query's, in jiffies */
	uint64_t gq_due;		/* the general query's report: due at (jiffies), 0: none */
	unsigned int cpu;		/* the CPU that heard the last query: reports leave there */
	/* MLD's (the inet6_dev's mc_*): an MLDv1 querier's presence, the last MLDv2 query's
	 * robustness, interval and response time (jiffies), the general query's report */
	uint64_t mld_v1_seen, mld_maxdelay, mld_qi, mld_qri, mld_gq_due;
	unsigned int mld_qrv;
};

static bool same_group(const struct rxs_mc_group *g, int family, const uint8_t *addr)
{
	return g->family == family && !memcmp(g->addr, addr, family == AF_INET ? 4 : 16);
}

bool rxs__mc_joined(const struct rxs_netdev *dev, int family, const uint8_t *group)
{
	for (unsigned int i = 0; i < dev->nmc; i++)
		if (same_group(&dev->mc[i], family, group))
			return true;
	return false;
}

/* ip_eth_mc_map() / ipv6_eth_mc_map(): 01:00:5e and the low 23 bits of an IPv4 group,
 * 33:33 and the low 32 bits of an IPv6 one. */
static void mc_mac(int family, const uint8_t *group, uint8_t mac[6])
{
	if (family == AF_INET) {
		mac[0] = 0x01, mac[1] = 0x00, mac[2] = 0x5e;
		mac[3] = group[1] & 0x7f, mac[4] = group[2], mac[5] = group[3];
	} else {
		mac[0] = 0x33, mac[1] = 0x33;
		memcpy(mac + 2, group + 12, 4);
	}
}

/* ip_mc_inc_group() / ipv6_dev_mc_inc(): the group once on @dev, its MAC once in the filter
 * (two groups may share a MAC: 23 bits of 28 make it to the wire). */
static void mc_inc_group(struct rxs_netdev *dev, int family, const uint8_t *group)
{
	struct rxs_mc_group *g;
	uint8_t mac[6];

	if (rxs__mc_joined(dev, family, group))
		return;
	g = &dev->mc[dev->nmc++];
	g->family = family;
	g->report_due = 0;
	memset(g->addr, 0, sizeof(g->addr));
	memcpy(g->addr, group, family == AF_INET ? 4 : 16);
	mc_mac(family, group, mac);
	for (unsigned int i = 0; i < dev->nmc_mac; i++)
		if (!memcmp(dev->mc_mac[i], mac, 6))
			return;
	memcpy(dev->mc_mac[dev->nmc_mac++], mac, 6);
}

static void join_solicited(struct rxs_netdev *dev, const uint8_t *low3)
{
	uint8_t g[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	memcpy(g + 13, low3, 3);
	mc_inc_group(dev, AF_INET6, g);
}

static void join_defaults(struct rxs_netdev *dev, bool ipv6)
{
	static const uint8_t all_hosts[4] = { 224, 0, 0, 1 };
	static const uint8_t all_nodes_if[16] = { 0xff, 0x01, [15] = 1 };
	static const uint8_t all_nodes_link[16] = { 0xff, 0x02, [15] = 1 };

	mc_inc_group(dev, AF_INET, all_hosts);
	if (!ipv6)
		return;
	mc_inc_group(dev, AF_INET6, all_nodes_if);
	mc_inc_group(dev, AF_INET6, all_nodes_link);
	join_solicited(dev, dev->cfg.mac + 3);
	for (unsigned int j = 0; j < dev->cfg.naddrs; j++)
		if (dev->cfg.addrs[j].family == AF_INET6)
			join_solicited(dev, dev->cfg.addrs[j].addr + 13);
}

/* The NIC a socket's join is on: the one named, else the one holding the socket's address
 * (imr_interface / ipv6mr_interface 0 lets the kernel pick; the address's NIC is the pick
 * that needs no routing table), else the first. */
static unsigned int join_dev(const struct rxs_host *h, const struct rxs_sock *sk,
			     const struct rxs_mc_join *j)
{
	for (unsigned int i = 0; j->nic[0] && i < h->ndevs; i++)
		if (!strcmp(h->devs[i].cfg.name, j->nic))
			return i;
	for (unsigned int i = 0; i < h->ndevs; i++)
		if (rxs__nic_has_addr(&h->devs[i].cfg, sk->cfg.local.family, sk->cfg.local.addr))
			return i;
	return 0;
}

int rxs__mc_init(struct rxs_host *h)
{
	bool ipv6 = rxs__host_has_ipv6(h);
	unsigned int room = 4 + RXS_MAX_ADDRS;	/* the defaults, at most */

	for (unsigned int i = 0; i < h->sk.nsocks; i++)
		room += h->sk.socks[i].cfg.njoin;
	for (unsigned int i = 0; i < h->ndevs; i++) {
		struct rxs_netdev *dev = &h->devs[i];

		dev->mc = rxs__calloc(room, sizeof(*dev->mc));
		dev->mc_mac = rxs__calloc(room, sizeof(*dev->mc_mac));
		if (!dev->mc || !dev->mc_mac)
			return -ENOMEM;
		join_defaults(dev, ipv6);
	}
	h->inet.igmp = rxs__calloc(h->ndevs ? h->ndevs : 1, sizeof(*h->inet.igmp));
	if (!h->inet.igmp)
		return -ENOMEM;
	for (unsigned int i = 0; i < h->ndevs; i++) {	/* ipv6_mc_init_dev()'s */
		h->inet.igmp[i].mld_qrv = 2;			/* sysctl_mld_qrv */
		h->inet.igmp[i].mld_qi = 125ull * h->hz;	/* MLD_QI_DEFAULT */
		h->inet.igmp[i].mld_qri = 10ull * h->hz;	/* MLD_QRI_DEFAULT */
	}
	for (unsigned int i = 0; h->ndevs && i < h->sk.nsocks; i++) {
		struct rxs_sock *sk = &h->sk.socks[i];

		for (unsigned int k = 0; k < sk->cfg.njoin; k++) {
			const struct rxs_addr *g = &sk->cfg.join[k].group;

			sk->join_dev[k] = (uint8_t)join_dev(h, sk, &sk->cfg.join[k]);
			mc_inc_group(&h->devs[sk->join_dev[k]], g->family, g->addr);
		}
	}
	return 0;
}

void rxs__mc_destroy(struct rxs_host *h)
{
	rxs__free(h->inet.igmp);
	h->inet.igmp = NULL;
	for (unsigned int i = 0; i < h->ndevs; i++) {
		rxs__free(h->devs[i].mc);
		rxs__free(h->devs[i].mc_mac);
		h->devs[i].mc = NULL;
		h->devs[i].mc_mac = NULL;
		h->devs[i].nmc = h->devs[i].nmc_mac = 0;
	}
}

/* ip_mc_sf_allow() / inet6_mc_check(): a socket that joined @group on @dev takes it; one
 * that did not takes it too unless it turned IP_MULTICAST_ALL off (on by default:
 * inet_create() and inet6_create() set MC_ALL). */
bool rxs__sk_mc_allow(const struct rxs_sock *sk, const struct rxs_netdev *dev, int family,
		      const uint8_t *group)
{
	if (!sk->cfg.mc_all_off)
		return true;
	for (unsigned int k = 0; k < sk->cfg.njoin; k++) {
		const struct rxs_addr *g = &sk->cfg.join[k].group;

		if (g->family == family && !memcmp(g->addr, group, family == AF_INET ? 4 : 16) &&
		    &dev->host->devs[sk->join_dev[k]] == dev)
			return true;
	}
	return false;
}

/* ---- IGMP: igmp_rcv(), the queries heard and the reports they ask for ---- */

#define IGMP_HOST_MEMBERSHIP_QUERY 0x11
#define IGMP_HOST_MEMBERSHIP_REPORT 0x12
#define IGMPV2_HOST_MEMBERSHIP_REPORT 0x16
#define IGMPV3_HOST_MEMBERSHIP_REPORT 0x22
#define IGMPV3_MODE_IS_EXCLUDE 2
#define IGMPV3_MAX_RECS 183		/* group records in a report to a 1,500-byte MTU */
#define IGMP_ROUTER_PRESENT_TIMEOUT_S 400	/* IGMP_V1/V2_ROUTER_PRESENT_TIMEOUT: 400 s */
#define IGMP_QUERY_RESPONSE_INTERVAL_S 10	/* a v1 query's maximum response time */

static const uint8_t igmp_all_hosts[4] = { 224, 0, 0, 1 };
static const uint8_t igmpv3_all_mcr[4] = { 224, 0, 0, 22 };

/* The groups a report speaks of: IPv4 ones but 224.0.0.1 (never reported). The local ones
 * (224.0.0.0/24) are, as net.ipv4.igmp_link_local_mcast_reports (1) has it. */
static bool igmp_reported(const struct rxs_mc_group *g)
{
	return g->family == AF_INET && memcmp(g->addr, igmp_all_hosts, 4);
}

/* IGMP_V1_SEEN() and IGMP_V2_SEEN(): a querier of that version was heard within 400 s. */
static bool igmp_seen(uint64_t seen, uint64_t now_j)
{
	return seen && now_j < seen;
}

/* IGMPV3_MRC(): a v3 query's maximum response code, in tenths of a second. */
static unsigned int igmpv3_mrc(uint8_t code)
{
	if (code < 128)
		return code;
	return ((code & 0x0fu) | 0x10u) << (((code >> 4) & 0x07u) + 3);
}

/* The timer a report or the general query's report waits on: stale when the state it was
 * armed for has another due time since (the kernel's mod_timer() moved it) or none. */
struct igmp_timer {
	struct rxs_host *h;
	unsigned int dev;
	int group;		/* in dev->mc, or IGMP_GQ / MLD_GQ: a general query's */
	uint64_t due;		/* jiffies */
};

#define IGMP_GQ (-1)
#define MLD_GQ (-2)

static void igmp_timer_expire(void *obj, uint64_t t);

/* mod_timer() at @due jiffies for @group of device @dev (-1: the general query's). False
 * when there is no memory for it: the report is not sent. */
static bool igmp_arm(struct rxs_host *h, unsigned int dev, int group, uint64_t due)
{
	struct igmp_timer *tm = rxs__calloc(1, sizeof(*tm));

	if (!tm)
		return false;
	tm->h = h;
	tm->dev = dev;
	tm->group = group;
	tm->due = due;
	h->engine->timer_add(h, rxs__jiffies_to_ns(h, due), igmp_timer_expire, tm,
			     RXS_TIMER_OWNS_OBJ);
	return true;
}

/*
 * The kernel waits a random time below the query's maximum (get_random_u32_below() in
 * igmp_start_timer() and igmp_gq_start_timer()) and 2 jiffies more; rxsim waits half the
 * maximum, so that a run gives the same reports every time and a report answers a query
 * within the time the querier allowed, as the kernel's do.
 */
static uint64_t igmp_delay(uint64_t max_delay)
{
	return max_delay / 2 + 2;
}

/* igmp_mod_timer(): a report of @g is due within @max_delay; one due sooner stays. */
static void igmp_mod_timer(struct rxs_host *h, unsigned int dev, unsigned int gi,
			   uint64_t now_j, uint64_t max_delay)
{
	struct rxs_mc_group *g = &h->devs[dev].mc[gi];

	if (g->report_due && (int64_t)(g->report_due - now_j) < (int64_t)max_delay)
		return;
	/* igmp_start_timer() waits 2 jiffies more; igmp6_group_queried() does not */
	g->report_due = now_j + (g->family == AF_INET ? igmp_delay(max_delay) : max_delay / 2);
	if (!igmp_arm(h, dev, (int)gi, g->report_due))
		g->report_due = 0;
}

/* igmp_gq_start_timer(): the report of every group is due within mr_maxdelay; one due
 * sooner stays. */
static void igmp_gq_start_timer(struct rxs_host *h, unsigned int dev, uint64_t now_j)
{
	struct rxs_igmp_dev *st = &h->inet.igmp[dev];
	uint64_t due = now_j + igmp_delay(st->maxdelay);

	if (st->gq_due && due >= st->gq_due)
		return;
	st->gq_due = due;
	if (!igmp_arm(h, dev, IGMP_GQ, due))
		st->gq_due = 0;
}

/* ip_local_out() of a report, and ip_mc_output()'s or ip6_finish_output2()'s copy looped
 * back to the host when the device joined the group it goes to. */
static void mc_report_xmit(struct rxs_softnet_data *sd, struct rxs_netdev *dev,
			   const struct rxs_out *o, const uint8_t *msg, unsigned int len)
{
	rxs__ip_output(sd, o, msg, len);
	if (rxs__mc_joined(dev, o->family, o->daddr))
		rxs__ip_mc_loopback(sd, o, msg, len);
}

/*
 * igmp_send_report() and igmpv3_sendpack(): a report of @len bytes at @msg to @group, as the
 * kernel builds it (TOS 0xc0, TTL 1, DF, a router alert option), by ip_local_out; and
 * ip_mc_output()'s copy looped back to the host (dev_loopback_xmit()) when the device
 * joined @group, which IP receives and igmp_rcv() frees as its own.
 */
static void igmp_send(struct rxs_softnet_data *sd, struct rxs_netdev *dev, const uint8_t *group,
		      uint8_t *msg, unsigned int len)
{
	static const uint8_t router_alert[4] = { 0x94, 0x04, 0, 0 };
	uint8_t saddr[16] = { 0 }, daddr[16] = { 0 }, mac[6];	/* rxs_out's are 16 bytes */
	struct rxs_out o = { .saddr = saddr, .daddr = daddr, .peer_mac = mac, .dev = dev,
			     .ip_opt = router_alert, .family = AF_INET, .proto = IPPROTO_IGMP,
			     .tos = 0xc0, .ttl = 1, .ip_optlen = 4 };

	if (!rxs__dev_addr4(dev, saddr))	/* the report's route's source */
		return;
	memcpy(daddr, group, 4);
	mc_mac(AF_INET, daddr, mac);
	rxs__put_be16(msg + 2, 0);
	rxs__put_be16(msg + 2, rxs__csum_fold(rxs__csum_partial(msg, len, 0)));
	mc_report_xmit(sd, dev, &o, msg, len);
}

/* ---- MLD (net/ipv6/mcast.c): the IPv6 side of the same ---- */

#define ICMPV6_MGM_QUERY 130
#define ICMPV6_MGM_REPORT 131
#define ICMPV6_MLD2_REPORT 143
#define MLD2_MODE_IS_EXCLUDE 2
#define MLD_V1_QUERY_LEN 24
#define MLD_V2_QUERY_LEN_MIN 28
#define MLD2_MAX_RECS 72		/* group records in a report to a 1,500-byte MTU */

static const uint8_t mld2_all_mcr[16] = { 0xff, 0x02, [15] = 0x16 };

/* MAF_NOREPORT: all nodes (ff02::1) and groups of a scope below the link's are not
 * reported (mca_alloc()). */
static bool mld_reported(const struct rxs_mc_group *g)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };

	return g->family == AF_INET6 && memcmp(g->addr, all_nodes, 16) && (g->addr[1] & 0x0f) >= 2;
}

static bool mld_in_v1_mode(const struct rxs_igmp_dev *st, uint64_t now_j)
{
	return st->mld_v1_seen && now_j < st->mld_v1_seen;
}

/* mldv2_mrc(): an MLDv2 query's maximum response code, in milliseconds. */
static uint64_t mldv2_mrc(uint16_t mrc)
{
	if (mrc < 32768)
		return mrc;
	return (uint64_t)((mrc & 0x0fffu) | 0x1000u) << (((mrc >> 12) & 0x07u) + 3);
}

/*
 * igmp6_send() and mld_sendpack(): an MLD message of @len bytes at @msg to @group from the
 * device's link-local address (:: without one), hop limit 1, behind a hop-by-hop router
 * alert (ip6_mc_hdr()), counted as ICMPv6 out; a copy looped back to the host when the
 * device joined @group, which ICMPv6 receives and MLD frees as its own.
 */
static void mld_send(struct rxs_softnet_data *sd, struct rxs_netdev *dev, const uint8_t *group,
		     uint8_t *msg, unsigned int len)
{
	static const uint8_t hop_ra[8] = { 58, 0, 5, 2, 0, 0, 1, 0 };	/* RA MLD, PadN */
	uint8_t saddr[16] = { 0 }, mac[6];
	struct rxs_out o = { .saddr = saddr, .daddr = group, .peer_mac = mac, .dev = dev,
			     .ip_opt = hop_ra, .family = AF_INET6, .proto = 58, .hop_limit = 1,
			     .ip_optlen = 8 };
	struct rxs_inet_cb cb = { .family = AF_INET6 };

	if (dev->ll6[0])
		memcpy(saddr, dev->ll6, 16);
	mc_mac(AF_INET6, group, mac);
	memcpy(cb.saddr, saddr, 16);
	memcpy(cb.daddr, group, 16);
	rxs__put_be16(msg + 2, 0);
	rxs__put_be16(msg + 2, rxs__l4_csum(&cb, 58, msg, len));
	rxs__icmp6_count_out(sd, msg[0]);
	mc_report_xmit(sd, dev, &o, msg, len);
}

/* An IGMPv3 or MLDv2 report of the @n group records (8 or 20 bytes each) after the 8 bytes
 * of @msg, to 224.0.0.22 or ff02::16 (igmpv3_sendpack(), mld_sendpack()). */
static void report_v3_send(struct rxs_softnet_data *sd, struct rxs_netdev *dev, int family,
			   uint8_t *msg, unsigned int n)
{
	memset(msg, 0, 8);
	msg[0] = family == AF_INET ? IGMPV3_HOST_MEMBERSHIP_REPORT : ICMPV6_MLD2_REPORT;
	rxs__put_be16(msg + 6, (uint16_t)n);
	if (family == AF_INET)
		igmp_send(sd, dev, igmpv3_all_mcr, msg, 8 + 8 * n);
	else
		mld_send(sd, dev, mld2_all_mcr, msg, 8 + 20 * n);
}

/* igmp6_timer_handler() and mld_gq_work(): a group's report, MLDv1 to the group while an
 * MLDv1 querier is present, else an MLDv2 report of it, or of every group for a general
 * query (mld_send_report()). */
static void mld_timer_expire(struct rxs_softnet_data *sd, struct rxs_netdev *dev,
			     struct rxs_igmp_dev *st, int group, uint64_t now_j)
{
	uint8_t msg[8 + 20 * MLD2_MAX_RECS];
	unsigned int n = 0, per = dev->cfg.mtu > 76 ? (dev->cfg.mtu - 56) / 20 : 1;

	if (group == MLD_GQ) {
		st->mld_gq_due = 0;
	} else {
		struct rxs_mc_group *g = &dev->mc[group];

		g->report_due = 0;
		if (mld_in_v1_mode(st, now_j)) {
			memset(msg, 0, 24);
			msg[0] = ICMPV6_MGM_REPORT;
			memcpy(msg + 8, g->addr, 16);
			mld_send(sd, dev, g->addr, msg, 24);
			return;
		}
	}
	per = per < MLD2_MAX_RECS ? per : MLD2_MAX_RECS;
	for (unsigned int i = 0; i < dev->nmc; i++) {
		uint8_t *rec = msg + 8 + 20 * n;

		if (!mld_reported(&dev->mc[i]) || (group >= 0 && (int)i != group))
			continue;
		memset(rec, 0, 20);
		rec[0] = MLD2_MODE_IS_EXCLUDE;		/* EXCLUDE {}: no source filters */
		memcpy(rec + 4, dev->mc[i].addr, 16);
		if (++n == per) {
			report_v3_send(sd, dev, AF_INET6, msg, n);
			n = 0;
		}
	}
	if (n)
		report_v3_send(sd, dev, AF_INET6, msg, n);
}

/* __mld_query_work(): MLD's checks (a link-local source, hop limit 1, the router alert),
 * then the version's way: MLDv1 (24 bytes, or any query while an MLDv1 querier is present)
 * times each group's report, MLDv2 takes the querier's variables and times one report of
 * every group for a general query or the group's for a specific one. */
static void mld_heard_query(struct rxs_softnet_data *sd, struct rxs_sk_buff *skb)
{
	struct rxs_host *h = sd->host;
	unsigned int di = (unsigned int)(skb->dev - h->devs);
	struct rxs_igmp_dev *st = &h->inet.igmp[di];
	const uint8_t *ip6 = rxs_skb_network_header(skb), *m = skb->data, *group = m + 8;
	uint64_t now_j = rxs__jiffies(h, sd->now), max_delay;
	uint32_t len = skb->len;
	bool any = true;

	if (len < 24 || !(ip6[8] == 0xfe && (ip6[9] & 0xc0) == 0x80) || ip6[7] != 1 ||
	    !RXS_INET_CB(skb)->mld_ra)
		return;
	for (unsigned int i = 0; i < 16; i++)
		any &= !group[i];
	if (!any && group[0] != 0xff)
		return;		/* neither unspecified nor a group */
	if (len == MLD_V1_QUERY_LEN || mld_in_v1_mode(st, now_j)) {
		/* mld_process_v1() */
		uint64_t md = rxs__get_be16(m + 4);

		if (len != MLD_V1_QUERY_LEN && md > 32767)
			md = 32767;	/* MLDV1_MRD_MAX_COMPAT */
		max_delay = rxs__msecs_to_jiffies(h, (int64_t)md);
		max_delay = max_delay ? max_delay : 1;
		if (len == MLD_V1_QUERY_LEN)	/* mld_set_v1_mode() */
			st->mld_v1_seen = now_j + st->mld_qrv * st->mld_qi + st->mld_qri;
		st->mld_gq_due = 0;	/* mld_gq_stop_work() */
	} else if (len >= MLD_V2_QUERY_LEN_MIN) {
		/* mld_process_v2(): the querier's robustness (not under 2), interval, time */
		uint64_t mrc = mldv2_mrc(rxs__get_be16(m + 4));
		uint8_t qqic = m[25];
		uint16_t nsrcs = rxs__get_be16(m + 26);

		max_delay = rxs__msecs_to_jiffies(h, (int64_t)mrc);
		max_delay = max_delay ? max_delay : 1;
		if (m[24] & 7)
			st->mld_qrv = m[24] & 7u;
		st->mld_qrv = st->mld_qrv < 2 ? 2 : st->mld_qrv;
		st->mld_qi = (qqic < 128 ? qqic : ((qqic & 0x0fu) | 0x10u) << (((qqic >> 4) & 7u) + 3)) *
			     (uint64_t)h->hz;
		st->mld_qri = rxs__msecs_to_jiffies(h, (int64_t)mrc);
		st->mld_maxdelay = max_delay;
		st->cpu = sd->cpu;
		if (any) {	/* a general query: mld_gq_start_work(), every time */
			if (nsrcs)
				return;		/* no sources allowed */
			st->mld_gq_due = now_j + st->mld_maxdelay / 2 + 2;
			if (!igmp_arm(h, di, MLD_GQ, st->mld_gq_due))
				st->mld_gq_due = 0;
			return;
		}
		if (nsrcs && len < 28u + 16u * nsrcs)
			return;
	} else {
		return;
	}
	st->cpu = sd->cpu;
	for (unsigned int i = 0; i < skb->dev->nmc; i++) {
		const struct rxs_mc_group *g = &skb->dev->mc[i];

		if (!mld_reported(g) || (!any && memcmp(group, g->addr, 16)))
			continue;
		igmp_mod_timer(h, di, i, now_j, max_delay);	/* igmp6_group_queried() */
	}
}

/* __mld_report_work(): another listener's MLDv1 report of a group, sent to a group from a
 * link-local source (or ::), takes our report of it back. */
static void mld_heard_report(const struct rxs_sk_buff *skb)
{
	const uint8_t *ip6 = rxs_skb_network_header(skb), *group = skb->data + 8;
	bool any_src = true;

	if (skb->pkt_type != RXS_PACKET_MULTICAST && skb->pkt_type != RXS_PACKET_BROADCAST)
		return;		/* our own looped back, or not to a group */
	if (skb->len < 24)
		return;
	for (unsigned int i = 0; i < 16; i++)
		any_src &= !ip6[8 + i];
	if (!any_src && !(ip6[8] == 0xfe && (ip6[9] & 0xc0) == 0x80))
		return;
	for (unsigned int i = 0; i < skb->dev->nmc; i++) {
		struct rxs_mc_group *g = &skb->dev->mc[i];

		if (g->family == AF_INET6 && !memcmp(group, g->addr, 16)) {
			g->report_due = 0;
			break;
		}
	}
}

enum rxs_drop_reason rxs__mld_rcv(struct rxs_softnet_data *sd, struct rxs_sk_buff *skb,
				  uint8_t type)
{
	struct rxs_host *h = sd->host;

	rxs__lock_acquire(&h->inet.igmp_lock);
	if (type == ICMPV6_MGM_QUERY)
		mld_heard_query(sd, skb);
	else
		mld_heard_report(skb);
	rxs__lock_release(&h->inet.igmp_lock);
	return RXS_DROP_NOT_DROPPED_YET;	/* the work functions consume_skb() */
}

/* igmp_timer_expire() and igmp_gq_timer_expire(): the report due now, in the version of the
 * queriers heard: a v1 or v2 report of the group to the group, or a v3 report to 224.0.0.22
 * of the group, or of every group for a general query (igmpv3_send_report()). */
static void igmp_timer_expire(void *obj, uint64_t t)
{
	struct igmp_timer *tm = obj;
	struct rxs_host *h = tm->h;
	struct rxs_netdev *dev = &h->devs[tm->dev];
	struct rxs_igmp_dev *st = &h->inet.igmp[tm->dev];
	struct rxs_softnet_data *sd = &h->cpus[st->cpu];
	uint64_t now_j = rxs__jiffies(h, t);
	uint8_t msg[8 + 8 * IGMPV3_MAX_RECS];
	/* as many group records as the device's MTU takes after the IP header (24 bytes with
	 * its router alert) and the report's 8: more go in another report (igmpv3_sendpack) */
	unsigned int n = 0, per = dev->cfg.mtu > 40 ? (dev->cfg.mtu - 32) / 8 : 1;

	if (tm->group == IGMP_GQ ? st->gq_due != tm->due :
	    tm->group == MLD_GQ ? st->mld_gq_due != tm->due :
	    dev->mc[tm->group].report_due != tm->due) {
		rxs__free(tm);
		return;		/* moved or no longer due: del_timer() */
	}
	if (sd->now < t)
		sd->now = t;
	if (tm->group == MLD_GQ || (tm->group >= 0 && dev->mc[tm->group].family == AF_INET6)) {
		mld_timer_expire(sd, dev, st, tm->group, now_j);
		rxs__free(tm);
		return;
	}
	if (tm->group >= 0) {
		struct rxs_mc_group *g = &dev->mc[tm->group];

		g->report_due = 0;
		if (igmp_seen(st->v1_seen, now_j) || igmp_seen(st->v2_seen, now_j)) {
			msg[0] = igmp_seen(st->v1_seen, now_j) ? IGMP_HOST_MEMBERSHIP_REPORT :
								   IGMPV2_HOST_MEMBERSHIP_REPORT;
			msg[1] = 0;
			memcpy(msg + 4, g->addr, 4);
			igmp_send(sd, dev, g->addr, msg, 8);
			rxs__free(tm);
			return;
		}
	} else {
		st->gq_due = 0;
	}
	per = per < IGMPV3_MAX_RECS ? per : IGMPV3_MAX_RECS;
	for (unsigned int i = 0; i < dev->nmc; i++) {
		uint8_t *rec = msg + 8 + 8 * n;

		if (!igmp_reported(&dev->mc[i]) || (tm->group >= 0 && (int)i != tm->group))
			continue;
		memset(rec, 0, 8);
		rec[0] = IGMPV3_MODE_IS_EXCLUDE;	/* EXCLUDE {}: no source filters */
		memcpy(rec + 4, dev->mc[i].addr, 4);
		if (++n == per) {
			report_v3_send(sd, dev, AF_INET, msg, n);
			n = 0;
		}
	}
	if (n)		/* no group to speak of: no report (add_grec() made no skb) */
		report_v3_send(sd, dev, AF_INET, msg, n);
	rxs__free(tm);
}

/* igmp_heard_query(): true when the query is dropped as bogus. */
static bool igmp_heard_query(struct rxs_softnet_data *sd, struct rxs_sk_buff *skb)
{
	struct rxs_host *h = sd->host;
	unsigned int di = (unsigned int)(skb->dev - h->devs);
	struct rxs_igmp_dev *st = &h->inet.igmp[di];
	const uint8_t *ih = skb->data;
	uint64_t now_j = rxs__jiffies(h, sd->now), max_delay, hz = h->hz;
	uint32_t len = skb->len;
	uint8_t group[4];

	memcpy(group, ih + 4, 4);
	if (len == 8) {
		if (ih[1] == 0) {	/* a v1 querier */
			max_delay = IGMP_QUERY_RESPONSE_INTERVAL_S * hz;
			st->v1_seen = now_j + IGMP_ROUTER_PRESENT_TIMEOUT_S * hz;
			memset(group, 0, 4);
		} else {		/* a v2 querier */
			max_delay = ih[1] * (hz / 10);
			st->v2_seen = now_j + IGMP_ROUTER_PRESENT_TIMEOUT_S * hz;
		}
	} else if (len < 12) {
		return true;
	} else if (igmp_seen(st->v1_seen, now_j)) {
		max_delay = IGMP_QUERY_RESPONSE_INTERVAL_S * hz;
		memset(group, 0, 4);
	} else if (igmp_seen(st->v2_seen, now_j)) {
		max_delay = igmpv3_mrc(ih[1]) * (hz / 10);
		max_delay = max_delay ? max_delay : 1;
	} else {
		uint16_t nsrcs = rxs__get_be16(ih + 10);

		if (nsrcs && len < 12u + 4u * nsrcs)
			return true;
		max_delay = igmpv3_mrc(ih[1]) * (hz / 10);
		st->maxdelay = max_delay ? max_delay : 1;
		st->cpu = sd->cpu;
		if (!rxs__get_be32(group)) {	/* a general query */
			if (nsrcs)
				return true;	/* no sources allowed */
			igmp_gq_start_timer(h, di, now_j);
			return false;
		}
		max_delay = st->maxdelay;
		/* group-and-source queries: a group in EXCLUDE {} (no source filters here)
		 * answers them all (igmp_xmarksources()) */
	}
	st->cpu = sd->cpu;
	for (unsigned int i = 0; i < skb->dev->nmc; i++) {
		const struct rxs_mc_group *g = &skb->dev->mc[i];

		if (!igmp_reported(g) || (rxs__get_be32(group) && memcmp(group, g->addr, 4)))
			continue;
		igmp_mod_timer(h, di, i, now_j, max_delay);
	}
	return false;
}

/* igmp_heard_report(): another member reported the group: our report due is not sent
 * (igmp_stop_timer()). */
static void igmp_heard_report(const struct rxs_sk_buff *skb)
{
	const uint8_t *group = skb->data + 4;

	for (unsigned int i = 0; i < skb->dev->nmc; i++) {
		struct rxs_mc_group *g = &skb->dev->mc[i];

		if (igmp_reported(g) && !memcmp(group, g->addr, 4)) {
			g->report_due = 0;
			break;
		}
	}
}

/*
 * igmp_rcv(), protocol 2 in inet_protos (CONFIG_IP_MULTICAST): IP delivered it (IpInDelivers
 * counts it whatever becomes of it). A message shorter than 8 bytes or whose checksum fails
 * is freed; a query is heard, a v1 or v2 report sent to a group too; the rest -- a report
 * sent to the host's own address, the host's own report looped back, v3 reports, leaves,
 * PIMv1 (no CONFIG_IP_PIMSM_V1 without multicast routing), other types -- is freed as 6.18
 * frees it, kfree_skb() with no reason.
 */
void rxs__igmp_rcv(struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_host *h = sd->host;
	bool dropped = true;

	if (!rxs_pskb_may_pull(skb, 8) ||
	    rxs__csum_fold(rxs__csum_partial(skb->data, skb->len, 0))) {
		rxs_kfree_skb_reason(skb, RXS_DROP_NOT_SPECIFIED);
		return;
	}
	rxs__lock_acquire(&h->inet.igmp_lock);
	switch (skb->data[0]) {
	case IGMP_HOST_MEMBERSHIP_QUERY:
		dropped = igmp_heard_query(sd, skb);
		break;
	case IGMP_HOST_MEMBERSHIP_REPORT:
	case IGMPV2_HOST_MEMBERSHIP_REPORT:
		if (skb->pkt_type == RXS_PACKET_LOOPBACK)
			break;		/* our own, looped back */
		if (skb->pkt_type == RXS_PACKET_MULTICAST || skb->pkt_type == RXS_PACKET_BROADCAST) {
			igmp_heard_report(skb);
			dropped = false;
		}
		break;
	default:
		break;
	}
	rxs__lock_release(&h->inet.igmp_lock);
	if (dropped)
		rxs_kfree_skb_reason(skb, RXS_DROP_NOT_SPECIFIED);
	else
		rxs_consume_skb(skb);
}
