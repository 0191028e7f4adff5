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
 * IGMP and MLD reports, source filters (IP_ADD_SOURCE_MEMBERSHIP) and multicast routing
 * are not modelled.
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
