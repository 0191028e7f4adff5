/* host.c - building a host from a scenario, and tearing it down. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "core/core.h"
#include "host.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "netfilter/netfilter.h"
#include "nic/nic.h"
#include "proto/proto.h"
#include "rxsim/bpf.h"
#include "rxsim/sim.h"
#include "sim/sim_int.h"
#include "socket/socket.h"
#include "softirq/softirq.h"

static char *dup_or_null(const char *s, bool *ok)
{
	char *d;

	if (!s)
		return NULL;
	d = rxs__strdup(s);
	if (!d)
		*ok = false;
	return d;
}

static void *dup_array(const void *src, size_t n, size_t size, bool *ok)
{
	void *d;

	if (!n)
		return NULL;
	d = rxs__malloc(n * size);
	if (!d) {
		*ok = false;
		return NULL;
	}
	memcpy(d, src, n * size);
	return d;
}

/* A deep copy of @sc: the host keeps its own, whatever the caller does with theirs. */
static struct rxs_scenario *scenario_copy(const struct rxs_scenario *sc)
{
	struct rxs_scenario *c = rxs__calloc(1, sizeof(*c));
	bool ok = true;

	if (!c)
		return NULL;
	*c = *sc;
	c->path = dup_or_null(sc->path, &ok);
	c->dir = dup_or_null(sc->dir, &ok);
	c->netfilter = dup_or_null(sc->netfilter, &ok);
	c->netfilter6 = dup_or_null(sc->netfilter6, &ok);
	c->nftables = dup_or_null(sc->nftables, &ok);
	c->nftables_file = dup_or_null(sc->nftables_file, &ok);
	c->ipsets = dup_or_null(sc->ipsets, &ok);
	c->comment = dup_or_null(sc->comment, &ok);
	c->nics = dup_array(sc->nics, sc->nnics, sizeof(*sc->nics), &ok);
	c->routes = dup_array(sc->routes, sc->nroutes, sizeof(*sc->routes), &ok);
	c->neighbours = dup_array(sc->neighbours, sc->nneighbours, sizeof(*sc->neighbours), &ok);
	c->sockets = dup_array(sc->sockets, sc->nsockets, sizeof(*sc->sockets), &ok);
	c->taps = dup_array(sc->taps, sc->ntaps, sizeof(*sc->taps), &ok);
	c->traffic = dup_array(sc->traffic, sc->ntraffic, sizeof(*sc->traffic), &ok);
	c->bpf_maps = dup_array(sc->bpf_maps, sc->nbpf_maps, sizeof(*sc->bpf_maps), &ok);
	for (unsigned int i = 0; ok && i < sc->ntaps; i++) {
		c->taps[i].filter = dup_or_null(sc->taps[i].filter, &ok);
		c->taps[i].write = dup_or_null(sc->taps[i].write, &ok);
	}
	for (unsigned int i = 0; ok && i < sc->ntraffic; i++)
		c->traffic[i].path = dup_or_null(sc->traffic[i].path, &ok);
	for (unsigned int i = 0; c->sockets && i < sc->nsockets; i++)
		c->sockets[i].join = NULL;
	for (unsigned int i = 0; ok && c->sockets && i < sc->nsockets; i++)
		c->sockets[i].join = dup_array(sc->sockets[i].join, sc->sockets[i].njoin,
					       sizeof(*sc->sockets[i].join), &ok);
	if (!ok) {
		/* Only the strings we copied are ours; free what we made and report. */
		c->ntaps = c->taps ? c->ntaps : 0;
		c->ntraffic = c->traffic ? c->ntraffic : 0;
		c->nsockets = c->sockets ? c->nsockets : 0;
		rxs_scenario_free(c);
		return NULL;
	}
	return c;
}

static struct rxs_netdev *find_dev(struct rxs_host *h, const char *name)
{
	for (unsigned int i = 0; i < h->ndevs; i++)
		if (!strcmp(h->devs[i].cfg.name, name))
			return &h->devs[i];
	return NULL;
}

static const struct rxs_addr *first_addr(const struct rxs_netdev *dev, int family)
{
	for (unsigned int i = 0; i < dev->cfg.naddrs; i++)
		if (dev->cfg.addrs[i].family == family)
			return &dev->cfg.addrs[i];
	return NULL;
}

/* A generated source: UDP towards the NIC's first address, as `rxsim gen udp` writes. */
static int open_generator(struct rxs_traffic *tr, char *err, size_t errlen)
{
	const struct rxs_traffic_config *c = &tr->cfg;
	const struct rxs_addr *dst = first_addr(tr->dev, AF_INET);
	struct rxs_gen_udp g;

	if (strcmp(c->generator, "udp_flood")) {
		snprintf(err, errlen, "traffic generator '%s' is not available yet (have: udp_flood)",
			 c->generator);
		return RXS_ECONFIG;
	}
	memset(&g, 0, sizeof(g));
	memcpy(g.dst_mac, tr->dev->cfg.mac, 6);
	memcpy(g.src_mac, (const uint8_t[6]){ 0x02, 0, 0, 0, 0, 0x01 }, 6);
	g.dst = dst ? *dst : (struct rxs_addr){ .family = AF_INET, .addr = { 10, 0, 0, 2 },
						.prefix = 32 };
	g.src = (struct rxs_addr){ .family = AF_INET, .addr = { 10, 0, 0, 1 }, .prefix = 32 };
	g.dport = c->dport;
	g.flows = c->flows ? c->flows : 1;
	g.size = c->size;
	g.rate_pps = c->rate_pps > 0 ? c->rate_pps : 1e6;
	g.count = c->count ? c->count : (uint64_t)(g.rate_pps * (double)c->duration_ns / 1e9);
	return rxs_source_open_gen_udp(&tr->src, &g);
}

int rxs__traffic_open(struct rxs_traffic *tr, char *err, size_t errlen)
{
	RXS_OPTS(rxs_source_opts, opts);

	memcpy(opts.host_mac, tr->dev->cfg.mac, 6);
	memcpy(opts.peer_mac, (const uint8_t[6]){ 0x02, 0, 0, 0, 0, 0x01 }, 6);
	opts.checksums = tr->cfg.checksums;
	tr->plain_time = !(tr->cfg.rate_pps > 0) && !(tr->cfg.speed > 0 && tr->cfg.speed != 1.0);
	if (tr->cfg.kind == RXS_TRAFFIC_PCAP)
		return rxs_source_open_pcap(&tr->src, tr->cfg.path, &opts, err, errlen);
	return open_generator(tr, err, errlen);
}

static int open_traffic(struct rxs_host *h, char *err, size_t errlen)
{
	h->sim->traffic = rxs__calloc(h->sc->ntraffic ? h->sc->ntraffic : 1, sizeof(*h->sim->traffic));
	if (!h->sim->traffic)
		return -ENOMEM;
	for (unsigned int i = 0; i < h->sc->ntraffic; i++) {
		struct rxs_traffic *tr = &h->sim->traffic[h->sim->ntraffic];
		int rc;

		tr->cfg = h->sc->traffic[i];
		tr->index = i;
		tr->dev = tr->cfg.nic[0] ? find_dev(h, tr->cfg.nic) : &h->devs[0];
		if (!tr->dev) {
			snprintf(err, errlen, "traffic[%u]: no NIC named '%s'", i, tr->cfg.nic);
			return RXS_ECONFIG;
		}
		rc = rxs__traffic_open(tr, err, errlen);
		if (rc)
			return rc;
		if (tr->cfg.kind == RXS_TRAFFIC_PCAP)
			h->sk.one_way = true;	/* until the host's own frames show */
		h->sim->ntraffic++;
	}
	return 0;
}

static int open_taps(struct rxs_host *h, char *err, size_t errlen)
{
	const struct rxs_scenario *sc = h->sc;

	h->taps = rxs__calloc(sc->ntaps ? sc->ntaps : 1, sizeof(*h->taps));
	if (!h->taps)
		return -ENOMEM;
	for (unsigned int i = 0; i < sc->ntaps; i++) {
		const struct rxs_tap_config *t = &sc->taps[i];
		char msg[384];
		int rc = rxs_tap_create(&h->taps[i], t->name, t->filter ? t->filter : "",
					t->ring_frames, 0, t->write, msg, sizeof(msg));

		if (rc) {
			snprintf(err, errlen, "taps[%u] (%s): %s", i, t->name, msg);
			return rc;
		}
		rxs_tap_set_direction(h->taps[i], t->direction);
		h->ntaps++;
	}
	return 0;
}

/* The iptables-save rules (ip6tables' too) and the nftables rule set of the scenario, in one
 * rule set as the kernel runs them at the same hooks; errors name the file, line and
 * column. */
static int load_netfilter(struct rxs_host *h, char *err, size_t errlen)
{
	const struct rxs_scenario *sc = h->sc;
	int rc;

	if (!sc->netfilter && !sc->netfilter6 && !sc->nftables)
		return 0;
	const struct rxs_ruleset_opts o = {
		.text = sc->netfilter, .name = sc->path ? sc->path : "netfilter",
		.first_line = sc->netfilter_line ? sc->netfilter_line : 1,
		.indent = sc->netfilter_indent, .ipsets = sc->ipsets,
		.ipsets_line = sc->ipsets_line ? sc->ipsets_line : 1,
		.skip_unsupported = sc->netfilter_skip, .seed = sc->run.seed,
		.text6 = sc->netfilter6, .text6_line = sc->netfilter6_line,
		.text6_indent = sc->netfilter6_indent,
	};

	rc = rxs_ruleset_create_opts(&h->nf.rules, &o, err, errlen);
	if (!rc && sc->nftables)
		rc = rxs_ruleset_load_nft(h->nf.rules, sc->nftables,
					  sc->nftables_file ? sc->nftables_file
					  : sc->path	    ? sc->path
							    : "nftables",
					  sc->nftables_line ? sc->nftables_line : 1,
					  sc->nftables_indent, err, errlen);
	rxs__nf_rules_attach(h);
	if (!rc) {
		struct rxs_nf_conntrack_stat st;

		rxs_ruleset_set_conntrack_max(h->nf.rules,
					      (uint64_t)rxs_scenario_sysctl(sc, RXS_SYSCTL_NF_CONNTRACK_MAX));
		/* Conntrack brings nf_defrag_ipv4 with it: IPv4 reassembles before PREROUTING. */
		rxs_ruleset_get_conntrack_stat(h->nf.rules, &st);
		h->inet.nf_defrag = st.loaded;
	}
	return rc;
}

/* A map element's key or value in the map's width: bytes as given, or an integer written
 * little-endian in @width bytes (it must fit). */
static bool bpf_bytes(const struct rxs_bpf_bytes *in, uint32_t width, uint8_t *out, uint32_t *len)
{
	uint64_t n;

	if (!in->integer) {
		memcpy(out, in->b, in->len);
		*len = in->len;
		return true;
	}
	memcpy(&n, in->b, 8);
	if (width < 8 && n >> (8 * width))
		return false;
	memset(out, 0, width);
	memcpy(out, &n, RXS_MIN(width, 8u));
	*len = width;
	return true;
}

/* The maps' initial contents (bpf_maps), each in every object that has the map. */
static int fill_bpf_map(struct rxs_host *h, const struct rxs_bpf_map_elem *e, char *err,
			size_t errlen)
{
	uint8_t key[RXS_BPF_BYTES_MAX], value[RXS_BPF_BYTES_MAX * 4];
	uint32_t klen = 0, vlen = 0;

	for (unsigned int o = 0; o < rxs_bpf_host_object_count(h); o++) {
		rxs_bpf_object_t *obj = rxs_bpf_host_object(h, o);

		for (unsigned int m = 0; m < rxs_bpf_object_map_count(obj); m++) {
			struct rxs_bpf_map_info mi;

			if (rxs_bpf_object_map(obj, m, &mi) || strcmp(mi.name, e->map))
				continue;
			if (!bpf_bytes(&e->key, mi.key_size, key, &klen) ||
			    !bpf_bytes(&e->value, mi.value_size, value, &vlen)) {
				snprintf(err, errlen, "bpf_maps.%s: an integer too large for the "
					 "map's key (%u bytes) or value (%u bytes)", e->map,
					 mi.key_size, mi.value_size);
				return RXS_ECONFIG;
			}
		}
	}
	return rxs__bpf_map_init(&h->bpf, e->map, key, klen, value, vlen, err, errlen);
}

/* bpf_fib_lookup's neighbour lookup: the table proto keeps, never resolving. */
static bool fib_neigh_lookup(void *ctx, uint32_t ip, unsigned int ifindex, uint8_t mac[6])
{
	return rxs__neigh_lookup_valid(ctx, ip, ifindex, mac);
}

/* bpf_fib_lookup's IPv4 route: rxs__ip_route_lookup() (ip_forward's choice), then the
 * egress device's MAC, MTU and the source inet_select_addr() would pick (an address on the
 * next hop's subnet, else the first). */
static int fib_route4(void *ctx, uint32_t dst, unsigned int oif, struct rxs__bpf_route *rt,
		      uint32_t *gw)
{
	struct rxs_host *h = ctx;
	unsigned int ifindex = 0;
	int type = rxs__ip_route_lookup(h, dst, oif, &ifindex, gw);
	uint32_t nh = *gw ? *gw : dst;

	if (type != 1)
		return type;
	memset(rt, 0, sizeof(*rt));
	rt->ifindex = ifindex;
	rt->family = 2;
	for (unsigned int d = 0; d < h->ndevs; d++) {
		const struct rxs_netdev *dev = &h->devs[d];

		if (dev->ifindex != ifindex)
			continue;
		memcpy(rt->mac, dev->cfg.mac, 6);
		rt->mtu = dev->cfg.mtu;
		for (unsigned int i = 0; i < dev->cfg.naddrs; i++) {
			const struct rxs_addr *a = &dev->cfg.addrs[i];
			unsigned int len = a->prefix < 32 ? a->prefix : 32;
			uint32_t mask = len ? ~0u << (32 - len) : 0;

			if (a->family != AF_INET)
				continue;
			if (!rt->prefix || ((nh ^ rxs__get_be32(a->addr)) & mask) == 0) {
				memcpy(rt->addr, a->addr, 4);
				rt->prefix = 32;	/* taken */
				if (((nh ^ rxs__get_be32(a->addr)) & mask) == 0)
					break;
			}
		}
	}
	return type;
}

/* The egress device's MAC and MTU for bpf_fib_lookup. */
static void fib_dev(const struct rxs_host *h, unsigned int ifindex, struct rxs__bpf_route *rt)
{
	for (unsigned int d = 0; d < h->ndevs; d++)
		if (h->devs[d].ifindex == ifindex) {
			memcpy(rt->mac, h->devs[d].cfg.mac, 6);
			rt->mtu = h->devs[d].cfg.mtu;
		}
}

/* bpf_fib_lookup's IPv6 route: rxs__ip6_route_lookup() (ip6_forward's choice). */
static int fib_route6(void *ctx, const uint8_t dst[16], unsigned int oif,
		      struct rxs__bpf_route *rt, uint8_t nh[16])
{
	const struct rxs_host *h = ctx;
	unsigned int ifindex = 0;
	int type = rxs__ip6_route_lookup(h, dst, oif, &ifindex, nh);

	if (type != 1)
		return type;
	memset(rt, 0, sizeof(*rt));
	rt->ifindex = ifindex;
	rt->family = 10;
	fib_dev(h, ifindex, rt);
	return type;
}

static bool fib_neigh6_lookup(void *ctx, const uint8_t ip[16], unsigned int ifindex,
			      uint8_t mac[6])
{
	return rxs__neigh6_lookup(ctx, ip, ifindex, mac);
}

/* bpf_fib_lookup's view of the host: its devices' connected routes, ip_forward, IPv4's
 * and IPv6's routes and the neighbour tables. */
static int fib_routes(struct rxs_host *h)
{
	struct rxs__bpf_fib *fib = &h->bpf.fib;
	unsigned int n = 0;

	for (unsigned int d = 0; d < h->ndevs; d++)
		n += h->devs[d].cfg.naddrs;
	fib->routes = rxs__calloc(n ? n : 1, sizeof(*fib->routes));
	if (!fib->routes)
		return -ENOMEM;
	fib->forwarding = h->inet.sysctl_ip_forward != 0;
	fib->neigh_lookup = fib_neigh_lookup;
	fib->neigh_ctx = h;
	fib->route4 = fib_route4;
	fib->forwarding6 = h->inet.sysctl_ipv6_forwarding != 0;
	fib->route6 = fib_route6;
	fib->neigh6_lookup = fib_neigh6_lookup;
	for (unsigned int d = 0; d < h->ndevs; d++) {
		const struct rxs_netdev *dev = &h->devs[d];

		for (unsigned int i = 0; i < dev->cfg.naddrs; i++) {
			struct rxs__bpf_route *rt = &fib->routes[fib->nroutes++];

			rt->ifindex = dev->ifindex;
			rt->family = dev->cfg.addrs[i].family == AF_INET ? 2 : 10;
			memcpy(rt->addr, dev->cfg.addrs[i].addr, 16);
			rt->prefix = dev->cfg.addrs[i].prefix;
			memcpy(rt->mac, dev->cfg.mac, 6);
			rt->mtu = dev->cfg.mtu;
		}
	}
	return 0;
}

/* The NICs' programs (ip link set DEV xdp obj ..., tc filter add DEV ingress bpf ...), then
 * the maps' contents the scenario gives. */
static int attach_bpf(struct rxs_host *h, char *err, size_t errlen)
{
	const struct rxs_scenario *sc = h->sc;
	char msg[240];
	int rc = fib_routes(h);

	if (rc)
		return rc;
	for (unsigned int i = 0; i < sc->nnics; i++) {
		const struct rxs_nic_config *n = &sc->nics[i];
		struct rxs_netdev *dev = &h->devs[i];
		enum rxs_bpf_attach at = n->xdp.generic ? RXS_BPF_ATTACH_XDP_GENERIC
							: RXS_BPF_ATTACH_XDP;

		if (n->xdp.object[0] && !n->xdp.generic && n->driver != RXS_DRIVER_GENERIC) {
			snprintf(err, errlen, "nics[%u] (%s): native XDP is modelled on the generic "
				 "driver only (veth runs it in a NAPI of its own); use mode: generic",
				 i, n->name);
			return RXS_ECONFIG;
		}
		if (n->xdp.object[0] &&
		    (rc = rxs__bpf_attach(&h->bpf, n->xdp.object, n->xdp.program, at, n->name,
					  h->ncpus, n->xdp.generic ? &dev->xdp_generic : &dev->xdp,
					  msg, sizeof(msg)))) {
			snprintf(err, errlen, "nics[%u].xdp: %s", i, msg);
			return rc;
		}
		if (n->tc_ingress.object[0] &&
		    (rc = rxs__bpf_attach(&h->bpf, n->tc_ingress.object, n->tc_ingress.program,
					  RXS_BPF_ATTACH_TC_INGRESS, n->name, h->ncpus,
					  &dev->tc_ingress, msg, sizeof(msg)))) {
			snprintf(err, errlen, "nics[%u].tc_ingress: %s", i, msg);
			return rc;
		}
	}
	/* SO_ATTACH_FILTER / SO_ATTACH_BPF on the scenario's sockets. */
	for (unsigned int i = 0; i < h->sk.nsocks; i++) {
		struct rxs_sock *sk = &h->sk.socks[i];

		if (sk->cfg.reuseport_prog[0] &&
		    (rc = rxs__reuseport_prog_create(&h->bpf, sk->cfg.reuseport_prog, sk->cfg.name,
						     h->ncpus, &sk->reuseport_prog, msg,
						     sizeof(msg)))) {
			snprintf(err, errlen, "sockets[%u] (%s): %s", i, sk->cfg.name, msg);
			return rc;
		}
		if (!sk->cfg.filter[0])
			continue;
		rc = rxs__sk_filter_create(&h->bpf, sk->cfg.filter, sk->cfg.name, h->ncpus,
					   &sk->filter, msg, sizeof(msg));
		if (rc) {
			snprintf(err, errlen, "sockets[%u] (%s): %s", i, sk->cfg.name, msg);
			return rc;
		}
	}
	/* With no program attached (a run without them: --set 'nics.eth0.xdp.object=""'),
	 * there is nothing to fill; with some, a map none of them has is a mistake. */
	for (unsigned int i = 0; h->bpf.nobjs && i < sc->nbpf_maps; i++)
		if ((rc = fill_bpf_map(h, &sc->bpf_maps[i], err, errlen)))
			return rc;
	return 0;
}

/* The scenario's routes into IPv4's table (fib_table_insert), each on a device of the host. */
static int add_routes(struct rxs_host *h, const struct rxs_scenario *sc, char *err,
		      size_t errlen)
{
	for (unsigned int i = 0; i < sc->nroutes; i++) {
		const struct rxs_route_config *r = &sc->routes[i];
		const struct rxs_netdev *dev = NULL;
		int rc;

		for (unsigned int d = 0; d < h->ndevs && !dev; d++)
			if (!strcmp(h->devs[d].cfg.name, r->dev))
				dev = &h->devs[d];
		if (!dev) {
			snprintf(err, errlen, "routes[%u]: no device '%s'", i, r->dev);
			return -EINVAL;
		}
		if (r->to.family == AF_INET6)
			rc = rxs__ip6_route_add(h, r->to.addr, r->to.prefix,
						r->via.family ? r->via.addr : NULL, dev->ifindex);
		else
			rc = rxs__ip_route_add(h, rxs__get_be32(r->to.addr), r->to.prefix,
					       r->via.family ? rxs__get_be32(r->via.addr) : 0,
					       dev->ifindex);
		if (rc) {
			snprintf(err, errlen, "routes[%u]: %s", i, rxs_strerror(rc));
			return rc;
		}
	}
	return 0;
}

/* The scenario's neighbours into the neighbour table, each PERMANENT on a device of the host
 * (any turns the table on). */
static int add_neighbours(struct rxs_host *h, const struct rxs_scenario *sc, char *err,
			  size_t errlen)
{
	for (unsigned int i = 0; i < sc->nneighbours; i++) {
		const struct rxs_neigh_config *n = &sc->neighbours[i];
		const struct rxs_netdev *dev = NULL;
		int rc;

		for (unsigned int d = 0; d < h->ndevs && !dev; d++)
			if (!strcmp(h->devs[d].cfg.name, n->dev))
				dev = &h->devs[d];
		if (!dev) {
			snprintf(err, errlen, "neighbours[%u]: no device '%s'", i, n->dev);
			return -EINVAL;
		}
		if (n->ip.family == AF_INET6)
			rc = rxs__neigh6_add(h, n->ip.addr, n->mac, dev->ifindex);
		else
			rc = rxs__neigh_add(h, rxs__get_be32(n->ip.addr), n->mac, dev->ifindex);
		if (rc) {
			snprintf(err, errlen, "neighbours[%u]: %s", i, rxs_strerror(rc));
			return rc;
		}
	}
	return 0;
}

static unsigned int count_vlans(const struct rxs_scenario *sc)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < sc->nnics; i++)
		n += sc->nics[i].nvlans;
	return n;
}

/* The VLAN devices, after every NIC (ip link add ... type vlan, once the NICs exist): their
 * ifindexes follow the NICs', and NIC i's devices are one run of h->devs. */
static void add_vlan_devs(struct rxs_host *h, const struct rxs_scenario *sc)
{
	unsigned int nnics = h->ndevs;

	for (unsigned int i = 0; i < nnics; i++) {
		struct rxs_netdev *real = &h->devs[i];

		real->vlan_devs = &h->devs[h->ndevs];
		real->nvlans = sc->nics[i].nvlans;
		for (unsigned int v = 0; v < sc->nics[i].nvlans; v++, h->ndevs++)
			rxs__vlan_dev_init(h, &h->devs[h->ndevs], real, &sc->nics[i].vlans[v],
					   h->ndevs + 2);
	}
}

/* Each module's copy of the sysctls it reads, as the kernel keeps net->ipv4.sysctl_tcp_rmem
 * and friends in the namespace's per-protocol structs: the path reads its own, never the
 * scenario. */
static void set_sysctls(struct rxs_host *h)
{
	const struct rxs_scenario *sc = h->sc;

#define SYSCTL(id) rxs_scenario_sysctl(sc, RXS_SYSCTL_##id)

	h->sk.sysctl_somaxconn = SYSCTL(SOMAXCONN);
	h->sk.sysctl_rmem_max = SYSCTL(RMEM_MAX);
	h->sk.sysctl_rmem_default = SYSCTL(RMEM_DEFAULT);
	h->inet.sysctl_ip_forward = SYSCTL(IP_FORWARD);
	h->inet.sysctl_ipv6_forwarding = SYSCTL(IPV6_FORWARDING);
	h->inet.sysctl_rp_filter = SYSCTL(RP_FILTER);
	h->inet.sysctl_send_redirects = SYSCTL(SEND_REDIRECTS);
	h->inet.rp_filter_on = h->inet.sysctl_rp_filter != 0;
	for (unsigned int i = 0; i < h->sc->nnics; i++)
		h->inet.rp_filter_on |= h->sc->nics[i].rp_filter != 0;
	h->inet.sysctl_ipfrag_high_thresh = SYSCTL(IPFRAG_HIGH_THRESH);
	h->inet.sysctl_ipfrag_time = SYSCTL(IPFRAG_TIME);
	h->inet.sysctl_icmp_msgs_per_sec = SYSCTL(ICMP_MSGS_PER_SEC);
	h->inet.sysctl_icmp_msgs_burst = SYSCTL(ICMP_MSGS_BURST);
	h->inet.sysctl_icmp_ratelimit = SYSCTL(ICMP_RATELIMIT);
	h->inet.sysctl_icmp_ratemask = SYSCTL(ICMP_RATEMASK);
	h->inet.sysctl_icmp_echo_ignore_all = SYSCTL(ICMP_ECHO_IGNORE_ALL);
	h->inet.sysctl_icmp_echo_ignore_broadcasts = SYSCTL(ICMP_ECHO_IGNORE_BROADCASTS);
	h->inet.sysctl_icmpv6_ratelimit = SYSCTL(ICMPV6_RATELIMIT);
	h->inet.sysctl_icmpv6_echo_ignore_all = SYSCTL(ICMPV6_ECHO_IGNORE_ALL);
	h->inet.sysctl_tcp_syncookies = SYSCTL(TCP_SYNCOOKIES);
	h->inet.sysctl_tcp_timestamps = SYSCTL(TCP_TIMESTAMPS);
	h->inet.sysctl_tcp_sack = SYSCTL(TCP_SACK);
	h->inet.sysctl_tcp_window_scaling = SYSCTL(TCP_WINDOW_SCALING);
	h->inet.tcp_opts_restricted = !h->inet.sysctl_tcp_timestamps || !h->inet.sysctl_tcp_sack ||
				      !h->inet.sysctl_tcp_window_scaling;
	h->inet.sysctl_tcp_max_syn_backlog = SYSCTL(TCP_MAX_SYN_BACKLOG);
	h->inet.sysctl_tcp_synack_retries = SYSCTL(TCP_SYNACK_RETRIES);
	h->inet.sysctl_tcp_abort_on_overflow = SYSCTL(TCP_ABORT_ON_OVERFLOW);
	h->softnet.sysctl_netdev_budget_usecs = SYSCTL(NETDEV_BUDGET_USECS);
	h->softnet.sysctl_netdev_budget = SYSCTL(NETDEV_BUDGET);
	h->softnet.sysctl_netdev_max_backlog = SYSCTL(NETDEV_MAX_BACKLOG);
	h->softnet.sysctl_dev_weight_rx_bias = SYSCTL(DEV_WEIGHT_RX_BIAS);
	h->softnet.sysctl_dev_weight = SYSCTL(DEV_WEIGHT);
	h->softnet.sysctl_flow_limit_cpu_bitmap = SYSCTL(FLOW_LIMIT_CPU_BITMAP);
	h->softnet.sysctl_flow_limit_table_len = SYSCTL(FLOW_LIMIT_TABLE_LEN);
#undef SYSCTL
	memcpy(h->sk.sysctl_tcp_rmem, sc->sysctl.val[RXS_SYSCTL_TCP_RMEM],
	       sizeof(h->sk.sysctl_tcp_rmem));
	h->sk.sysctl_tcp_moderate_rcvbuf = rxs_scenario_sysctl(sc, RXS_SYSCTL_TCP_MODERATE_RCVBUF);
	h->sk.sysctl_wmem_max = rxs_scenario_sysctl(sc, RXS_SYSCTL_WMEM_MAX);
	h->sk.sysctl_wmem_default = rxs_scenario_sysctl(sc, RXS_SYSCTL_WMEM_DEFAULT);
	memcpy(h->sk.sysctl_tcp_wmem, sc->sysctl.val[RXS_SYSCTL_TCP_WMEM],
	       sizeof(h->sk.sysctl_tcp_wmem));
	memcpy(h->sk.sysctl_tcp_mem, sc->sysctl.val[RXS_SYSCTL_TCP_MEM],
	       sizeof(h->sk.sysctl_tcp_mem));
	h->sk.sysctl_mem_pcpu_rsv = rxs_scenario_sysctl(sc, RXS_SYSCTL_MEM_PCPU_RSV);
}

static int build(struct rxs_host *h, char *err, size_t errlen)
{
	const struct rxs_scenario *sc = h->sc;
	int rc;

	set_sysctls(h);
	h->pool.host = h;
	h->hz = sc->host.hz;
	memcpy(h->cost_ns, sc->cost.ns, sizeof(h->cost_ns));
	h->jiffy_ns = 1000000000ull / sc->host.hz;
	h->jiffy_offset_ns = (h->jiffy_ns - sc->host.tick_ns % h->jiffy_ns) % h->jiffy_ns;
	h->ncpus = sc->host.cpus ? sc->host.cpus : 1;
	h->cpus = rxs__calloc(h->ncpus, sizeof(*h->cpus));
	h->pool.cpus = h->cpus;
	h->devs = rxs__calloc(sc->nnics + count_vlans(sc) + 1, sizeof(*h->devs));
	h->sk.socks = rxs__calloc(sc->nsockets ? sc->nsockets : 1, sizeof(*h->sk.socks));
	if (!h->cpus || !h->devs || !h->sk.socks)
		return -ENOMEM;
	for (unsigned int c = 0; c < h->ncpus; c++) {
		rxs__softnet_init(h, &h->cpus[c], c);
		rxs__softnet_set_weights(&h->cpus[c]);
	}
	if (!sc->nnics) {
		snprintf(err, errlen, "the scenario has no NIC");
		return RXS_ECONFIG;
	}
	for (unsigned int i = 0; i < sc->nnics; i++) {
		rc = rxs__netdev_init(h, &h->devs[i], &sc->nics[i], i + 2);
		h->ndevs++;
		if (rc) {
			snprintf(err, errlen, "nics[%u]: %s", i, rxs_strerror(rc));
			return rc;
		}
	}
	add_vlan_devs(h, sc);
	for (unsigned int i = 0; i < sc->nsockets; i++)
		if ((rc = rxs__sock_init(h, &h->sk.socks[h->sk.nsocks++], &sc->sockets[i], i)) < 0) {
			snprintf(err, errlen, "sockets[%u]: %s%s", i, rxs_strerror(rc),
				 rc == -EADDRINUSE ? " (an earlier TCP listener is bound there: "
				 "reuseport: true on both makes them a SO_REUSEPORT group)" : "");
			return rc;
		}
	rc = rxs__proto_init(h);
	/* dev_loopback_xmit()'s netif_rx(), which the host's own multicast reaches its receive
	 * path again by: softirq is above proto, and the builder ties them. */
	h->inet.netif_rx = rxs__netif_rx;
	if (!rc)
		rc = add_routes(h, sc, err, errlen);
	if (!rc)
		rc = add_neighbours(h, sc, err, errlen);
	/* IPv4, IPv6 and ARP into ptype_base, as inet_init(), inet6_init() and arp_init()
	 * call dev_add_pack(): the core names no protocol, and the builder, which knows both
	 * modules, ties them (proto calls nothing in core). */
	for (unsigned int i = 0; !rc && i < RXS__OWN_PACKET_TYPES; i++)
		rc = rxs__dev_add_base(h, rxs__proto_packet_types[i].type,
				       rxs__proto_packet_types[i].fn);
	/* NF_HOOK's walk, which proto's hook points reach through the host: netfilter is
	 * above proto, and the builder ties them as it ties core and proto. */
	rxs__nf_init(h);
	if (!rc)
		rc = load_netfilter(h, err, errlen);
	if (!rc)
		rc = open_taps(h, err, errlen);
	if (!rc)
		rc = attach_bpf(h, err, errlen);
	return rc ? rc : open_traffic(h, err, errlen);
}

int rxs_host_create(rxs_host_t **hostp, const struct rxs_scenario *sc, char *err, size_t errlen)
{
	struct rxs_host *h;
	char dummy[8];
	int rc;

	*hostp = NULL;
	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	h = rxs__calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->sim = rxs__calloc(1, sizeof(*h->sim));
	if (!h->sim) {
		rxs__free(h);
		return -ENOMEM;
	}
	h->engine = &rxs__virtual_engine;	/* until rxs_host_start_threaded() */
	rxs__skb_pool_init(&h->pool);
	h->sc = scenario_copy(sc);
	rc = h->sc ? build(h, err, errlen) : -ENOMEM;
	if (rc) {
		if (!err[0])
			snprintf(err, errlen, "%s", rxs_strerror(rc));
		rxs_host_destroy(h);
		return rc;
	}
	*hostp = h;
	return 0;
}

void rxs_host_destroy(rxs_host_t *h)
{
	if (!h)
		return;
	rxs__threads_stop(h);
	for (unsigned int i = 0; i < h->sim->ntraffic; i++)
		rxs_source_close(h->sim->traffic[i].src);
	for (unsigned int i = 0; i < h->sk.nsocks; i++)
		rxs__sock_destroy(&h->sk.socks[i]);
	for (unsigned int i = 0; i < h->ndevs; i++)
		rxs__netdev_destroy(&h->devs[i]);
	if (h->cpus)
		for (unsigned int c = 0; c < h->ncpus; c++)
			rxs__softnet_destroy(&h->cpus[c]);
	rxs__tcp_destroy(h);
	rxs__tx_close(h);
	rxs__proto_destroy(h);
	rxs_ruleset_destroy(h->nf.rules);
	for (unsigned int i = 0; i < h->ntaps; i++)
		rxs_tap_destroy(h->taps[i]);
	rxs__free(h->taps);
	rxs__bpf_destroy(&h->bpf);
	/* Timers own memory (reassembly queues): run their frees without running the path. */
	for (struct rxs_event ev; rxs__event_pop(h, &ev);)
		if (ev.flags & RXS_TIMER_OWNS_OBJ)
			rxs__free(ev.obj);
	rxs__free(h->sim->events);
	rxs__free(h->sim->traffic);
	rxs__free(h->sk.socks);
	rxs__free(h->devs);
	rxs__free(h->cpus);
	/* Last: every skb is back, some in the pools of the threaded engine's threads. */
	rxs__threads_free(h);
	rxs__skb_pool_destroy(&h->pool);
	rxs_scenario_free(h->sc);
	rxs__free(h->sim);
	rxs__free(h);
}
