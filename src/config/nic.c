/* nic.c - the keys of one `nics:` entry, as ip link / ethtool would set them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config/config_int.h"
#include "internal.h"

#define QUOTE_MAX 64
#define NIC(obj) ((struct rxs_nic_config *)(obj))

static int set_name(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_name(c, v, NIC(obj)->name);
}

static int set_mac(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	const char *s = NULL;
	int err = rxs__cfg_scalar(c, v, &s);

	if (!err && rxs__parse_mac(s, NIC(obj)->mac))
		return rxs__cfg_error(c, v, "'%.*s' is not a MAC address (like 02:00:00:00:00:02)",
				      QUOTE_MAX, s);
	return err;
}

static int set_promisc(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_bool(c, v, &NIC(obj)->promisc);
}

/* An address list, as `ip addr add` would take each, into @out / @nout. */
static int parse_addresses(struct cfg_ctx *c, yaml_node_t *v, struct rxs_addr *out,
			   unsigned int *nout)
{
	struct rxs_addr addrs[RXS_MAX_ADDRS];
	size_t n;
	const char *s = NULL;

	if (v->type != YAML_SEQUENCE_NODE)
		return rxs__cfg_error(c, v, "expected a list of addresses like [10.0.0.2/24]");
	n = rxs__cfg_seq_len(v);
	if (n > RXS_MAX_ADDRS)
		return rxs__cfg_error(c, v, "%zu addresses, at most %d", n, RXS_MAX_ADDRS);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = rxs__cfg_seq_item(c, v, i);

		if (rxs__cfg_scalar(c, item, &s))
			return RXS_ECONFIG;
		if (rxs_addr_parse(&addrs[i], s))
			return rxs__cfg_error(c, item, "'%.*s' is not an address (like "
					      "10.0.0.2/24 or fd00::2/64)", QUOTE_MAX, s);
	}
	memcpy(out, addrs, n * sizeof(addrs[0]));
	*nout = (unsigned int)n;
	return 0;
}

static int set_addresses(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return parse_addresses(c, v, NIC(obj)->addrs, &NIC(obj)->naddrs);
}

static int set_mtu(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_uint(c, v, 68, 65536, &NIC(obj)->mtu);	/* lo has 65536 */
}

/* GRO follows the driver unless `gro:` (applied after `driver:`) says otherwise. */
static int set_driver(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	const char *s = NULL;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	if (!strcmp(s, "generic"))
		NIC(obj)->driver = RXS_DRIVER_GENERIC;
	else if (!strcmp(s, "veth"))
		NIC(obj)->driver = RXS_DRIVER_VETH;
	else if (!strcmp(s, "loopback"))
		NIC(obj)->driver = RXS_DRIVER_LOOPBACK;
	else if (!strcmp(s, "bridge"))
		NIC(obj)->driver = RXS_DRIVER_BRIDGE;
	else
		return rxs__cfg_error(c, v, "unknown driver '%.*s' (generic, veth, loopback or bridge)",
				      QUOTE_MAX, s);
	NIC(obj)->gro = NIC(obj)->driver == RXS_DRIVER_GENERIC;
	return 0;
}

/* net.ipv4.conf.DEV.rp_filter: 0 off, 1 strict, 2 loose (the larger of it and all's). */
static int set_rp_filter(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_uint(c, v, 0, 2, &NIC(obj)->rp_filter);
}

/* net.ipv4.conf.DEV.send_redirects: 0 or 1 (either it or all's on sends them). */
static int set_send_redirects(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	unsigned int on;
	int err = rxs__cfg_uint(c, v, 0, 1, &on);

	if (!err)
		NIC(obj)->no_send_redirects = !on;
	return err;
}

static int set_gro(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_bool(c, v, &NIC(obj)->gro);
}

static int set_raw_sender(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_bool(c, v, &NIC(obj)->raw_sender);
}

static int set_rx_queues(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_uint(c, v, 1, RXS_MAX_QUEUES, &NIC(obj)->rx_queues);
}

static int set_ring_size(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	unsigned int n = 0;
	int err = rxs__cfg_uint(c, v, 2, 65536, &n);

	if (err)
		return err;
	if (n & (n - 1))
		return rxs__cfg_error(c, v, "%u is not a power of two", n);
	NIC(obj)->ring_size = n;
	return 0;
}

static int set_rx_usecs(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_uint(c, v, 0, 1000000, &NIC(obj)->rx_usecs);
}

static int set_rx_frames(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_uint(c, v, 0, 65535, &NIC(obj)->rx_frames);
}

static const struct cfg_key coalesce_keys[] = {
	{ .name = "rx_usecs", .set = set_rx_usecs },
	{ .name = "rx_frames", .set = set_rx_frames },
	{ 0 },
};

/* A per-queue list: a list no longer than rx_queues (applied before it). */
static int per_queue_list(struct cfg_ctx *c, void *obj, yaml_node_t *v, const char *what)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return rxs__cfg_error(c, v, "expected a list with %s per queue", what);
	if (rxs__cfg_seq_len(v) > NIC(obj)->rx_queues)
		return rxs__cfg_error(c, v, "%zu entries for %u rx_queues", rxs__cfg_seq_len(v),
				      NIC(obj)->rx_queues);
	return 0;
}

/* Queues the list leaves out keep their default, queue % cpus. */
static int set_irq_affinity(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	int aff[RXS_MAX_QUEUES];
	unsigned int cpu = 0;
	size_t n;

	if (per_queue_list(c, obj, v, "a CPU"))
		return RXS_ECONFIG;
	n = rxs__cfg_seq_len(v);
	for (size_t q = 0; q < n; q++) {
		if (rxs__cfg_cpu(c, rxs__cfg_seq_item(c, v, q), &cpu))
			return RXS_ECONFIG;
		aff[q] = (int)cpu;
	}
	memcpy(NIC(obj)->irq_affinity, aff, n * sizeof(aff[0]));
	return 0;
}

/* Each queue: a list of CPUs, or a hex mask as in /sys/class/net/<dev>/queues/rx-<q>/rps_cpus. */
static int set_rps_cpus(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	uint64_t masks[RXS_MAX_QUEUES] = { 0 };
	unsigned int cpus = c->sc->host.cpus;

	if (per_queue_list(c, obj, v, "a CPU list or hex mask"))
		return RXS_ECONFIG;
	for (size_t q = 0; q < rxs__cfg_seq_len(v); q++) {
		yaml_node_t *item = rxs__cfg_seq_item(c, v, q);
		int err = item->type == YAML_SEQUENCE_NODE ? rxs__cfg_cpu_list(c, item, &masks[q]) :
							      rxs__cfg_hex_mask(c, item, &masks[q]);

		if (err)
			return err;
		if (cpus < 64 && masks[q] >> cpus)
			return rxs__cfg_error(c, item, "mask %llx names CPUs beyond host.cpus (%u)",
					      (unsigned long long)masks[q], cpus);
	}
	memcpy(NIC(obj)->rps_cpus, masks, sizeof(masks));
	return 0;
}

/* rss.key: 40 bytes as ethtool -X hkey takes them, "6d:5a:56:da:...". */
static int set_rss_key(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	uint8_t key[RXS_RSS_KEY_LEN];
	const char *s = NULL, *p;
	unsigned int n = 0;

	if (rxs__cfg_scalar(c, v, &s))
		return RXS_ECONFIG;
	for (p = s; n < RXS_RSS_KEY_LEN; n++) {
		unsigned int hi, lo;

		if (n && *p++ != ':')
			break;
		if (sscanf(p, "%1x%1x", &hi, &lo) != 2)
			break;
		key[n] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	if (n != RXS_RSS_KEY_LEN || *p)
		return rxs__cfg_error(c, v, "'%.*s' is not a 40-byte key (like 6d:5a:56:da:..., "
				      "as ethtool -X hkey)", QUOTE_MAX, s);
	memcpy(NIC(obj)->rss_key, key, sizeof(key));
	NIC(obj)->rss_key_set = true;
	return 0;
}

/* rss.indir: the whole table, one queue per entry (ethtool -X ... with a table). */
static int set_rss_indir(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	uint16_t indir[RXS_RSS_INDIR_MAX];
	unsigned int q = 0;
	size_t n;

	if (v->type != YAML_SEQUENCE_NODE || !(n = rxs__cfg_seq_len(v)) || n > RXS_RSS_INDIR_MAX)
		return rxs__cfg_error(c, v, "expected a list of 1 to %d queues", RXS_RSS_INDIR_MAX);
	for (size_t i = 0; i < n; i++) {
		if (rxs__cfg_uint(c, rxs__cfg_seq_item(c, v, i), 0, NIC(obj)->rx_queues - 1, &q))
			return RXS_ECONFIG;
		indir[i] = (uint16_t)q;
	}
	memcpy(NIC(obj)->rss_indir, indir, n * sizeof(indir[0]));
	NIC(obj)->rss_indir_size = (unsigned int)n;
	return 0;
}

/* rss.equal: N (ethtool -X equal N): entry i goes to queue i % N. */
static int set_rss_equal(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	unsigned int n = 0;

	if (rxs__cfg_uint(c, v, 1, NIC(obj)->rx_queues, &n))
		return RXS_ECONFIG;
	for (unsigned int i = 0; i < RXS_RSS_INDIR_DEFAULT; i++)
		NIC(obj)->rss_indir[i] = (uint16_t)(i % n);
	NIC(obj)->rss_indir_size = RXS_RSS_INDIR_DEFAULT;
	return 0;
}

/* rss.weight: [w0, w1, ...] (ethtool -X weight): queue j gets a share w_j / sum of the
 * table, filled as ethtool's fill_indir_table() does. */
static int set_rss_weight(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	unsigned int w[RXS_MAX_QUEUES], sum = 0, partial = 0, j = 0;
	uint16_t *indir = NIC(obj)->rss_indir;
	size_t n;

	if (v->type != YAML_SEQUENCE_NODE || !(n = rxs__cfg_seq_len(v)) ||
	    n > NIC(obj)->rx_queues)
		return rxs__cfg_error(c, v, "expected a list of weights, one per queue (at most "
				      "%u)", NIC(obj)->rx_queues);
	for (size_t i = 0; i < n; i++) {
		if (rxs__cfg_uint(c, rxs__cfg_seq_item(c, v, i), 0, 65535, &w[i]))
			return RXS_ECONFIG;
		sum += w[i];
	}
	if (!sum)
		return rxs__cfg_error(c, v, "at least one weight must be non-zero");
	for (unsigned int i = 0; i < RXS_RSS_INDIR_DEFAULT; i++) {
		while (i >= RXS_RSS_INDIR_DEFAULT * partial / sum)
			partial += w[j++];
		indir[i] = (uint16_t)(j - 1);
	}
	NIC(obj)->rss_indir_size = RXS_RSS_INDIR_DEFAULT;
	return 0;
}

static int set_rss_udp_4tuple(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_bool(c, v, &NIC(obj)->rss_udp_4tuple);
}

static const struct cfg_key rss_keys[] = {
	{ .name = "key", .set = set_rss_key },
	{ .name = "indir", .set = set_rss_indir },
	{ .name = "equal", .set = set_rss_equal },
	{ .name = "weight", .set = set_rss_weight },
	{ .name = "udp_4tuple", .set = set_rss_udp_4tuple },
	{ 0 },
};

/* ---- nics[].vlans: 802.1Q devices on the NIC (ip link add link NIC type vlan id N) ---- */

#define VLAN(obj) ((struct rxs_vlan_config *)(obj))

static int set_vlan_id(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	/* vlan_check_real_dev() and the netlink policy take 0..4094; 4095 is reserved. */
	return rxs__cfg_uint(c, v, 0, 4094, &VLAN(obj)->id);
}

static int set_vlan_name(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_name(c, v, VLAN(obj)->name);
}

static int set_vlan_mac(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	const char *s = NULL;
	int err = rxs__cfg_scalar(c, v, &s);

	if (!err && rxs__parse_mac(s, VLAN(obj)->mac))
		return rxs__cfg_error(c, v, "'%.*s' is not a MAC address (like 02:00:00:00:00:02)",
				      QUOTE_MAX, s);
	if (!err)
		VLAN(obj)->mac_set = true;
	return err;
}

static int set_vlan_addresses(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return parse_addresses(c, v, VLAN(obj)->addrs, &VLAN(obj)->naddrs);
}

static const struct cfg_key vlan_keys[] = {
	{ .name = "id", .set = set_vlan_id },
	{ .name = "name", .set = set_vlan_name },
	{ .name = "mac", .set = set_vlan_mac },
	{ .name = "addresses", .set = set_vlan_addresses },
	{ 0 },
};

/* The id is required: a VLAN device without one is not a thing ip link can make. The id
 * starts at an impossible value so that finish_vlan can tell it was never given. */
#define VLAN_ID_UNSET 0xffffffffu

static void *add_vlan(struct cfg_ctx *c, void *parent)
{
	struct rxs_nic_config *nic = parent;
	struct rxs_vlan_config *vlan;

	if (nic->nvlans >= RXS_MAX_VLANS) {
		rxs__cfg_error(c, NULL, "more than %d VLAN devices on one NIC", RXS_MAX_VLANS);
		return NULL;
	}
	vlan = &nic->vlans[nic->nvlans++];
	memset(vlan, 0, sizeof(*vlan));
	vlan->id = VLAN_ID_UNSET;
	return vlan;
}

static void *find_vlan(void *parent, const char *sel)
{
	struct rxs_nic_config *nic = parent;
	char buf[RXS_NAME_MAX], *end;
	unsigned long i;

	for (i = 0; i < nic->nvlans; i++)
		if (!strcmp(rxs_vlan_name(nic, &nic->vlans[i], buf), sel))
			return &nic->vlans[i];
	i = strtoul(sel, &end, 10);
	return sel[0] >= '0' && sel[0] <= '9' && !*end && i < nic->nvlans ? &nic->vlans[i] : NULL;
}

static int finish_vlan(struct cfg_ctx *c, void *obj, yaml_node_t *map)
{
	if (VLAN(obj)->id == VLAN_ID_UNSET)
		return rxs__cfg_error(c, map, "a VLAN needs an id (like { id: 202 }, as ip link "
				      "add ... type vlan id 202)");
	return 0;
}

const struct cfg_list rxs__cfg_vlan_list = {
	.keys = vlan_keys, .add_in = add_vlan, .find_in = find_vlan, .finish = finish_vlan,
};

/* A VLAN id once per NIC (vlan_check_real_dev: -EEXIST), and device names once per host,
 * NICs and VLAN devices together (one name space, as ip link's). Checks @nic against itself
 * and the NICs before it; @at (or none, for a --set) is where a message points. */
static int check_vlans(struct cfg_ctx *c, const struct rxs_nic_config *nic, yaml_node_t *at)
{
	char a[RXS_NAME_MAX], b[RXS_NAME_MAX];

	/* loopback_setup() makes lo NETIF_F_VLAN_CHALLENGED: vlan_check_real_dev() refuses. */
	if (nic->nvlans && nic->driver == RXS_DRIVER_LOOPBACK)
		return rxs__cfg_error(c, at, "vlans: a loopback device cannot carry VLANs");
	for (const struct rxs_nic_config *o = c->sc->nics; o < nic; o++)
		for (unsigned int j = 0; j < o->nvlans; j++)
			if (!strcmp(rxs_vlan_name(o, &o->vlans[j], b), nic->name))
				return rxs__cfg_error(c, at, "'%s' is already a VLAN device on "
						      "%s", b, o->name);
	for (unsigned int i = 0; i < nic->nvlans; i++) {
		const struct rxs_vlan_config *v = &nic->vlans[i];

		rxs_vlan_name(nic, v, a);
		for (unsigned int j = 0; j < i; j++)
			if (nic->vlans[j].id == v->id)
				return rxs__cfg_error(c, at, "vlans: VLAN id %u twice (%s and %s)",
						      v->id,
						      rxs_vlan_name(nic, &nic->vlans[j], b), a);
		for (const struct rxs_nic_config *o = c->sc->nics; o <= nic; o++) {
			if (!strcmp(o->name, a))
				return rxs__cfg_error(c, at, "vlans: '%s' is already a NIC's name",
						      a);
			for (unsigned int j = 0; j < (o == nic ? i : o->nvlans); j++)
				if (!strcmp(rxs_vlan_name(o, &o->vlans[j], b), a))
					return rxs__cfg_error(c, at, "vlans: two devices named "
							      "'%s'", a);
		}
	}
	return 0;
}

static const struct cfg_key nic_keys[] = {
	{ .name = "name", .set = set_name },
	{ .name = "mac", .set = set_mac },
	{ .name = "promisc", .set = set_promisc },
	{ .name = "addresses", .set = set_addresses },
	{ .name = "mtu", .set = set_mtu },
	{ .name = "driver", .set = set_driver },
	{ .name = "gro", .set = set_gro },
	{ .name = "raw_sender", .set = set_raw_sender },
	{ .name = "rx_queues", .set = set_rx_queues },
	{ .name = "ring_size", .set = set_ring_size },
	{ .name = "coalesce", .sub = coalesce_keys },
	{ .name = "irq_affinity", .set = set_irq_affinity },
	{ .name = "rps_cpus", .set = set_rps_cpus },
	{ .name = "rss", .sub = rss_keys },
	{ .name = "vlans", .list = &rxs__cfg_vlan_list },
	{ .name = "xdp", .sub = rxs__cfg_xdp_keys },
	{ .name = "tc_ingress", .sub = rxs__cfg_tc_keys },
	{ .name = "rp_filter", .set = set_rp_filter },
	{ .name = "send_redirects", .set = set_send_redirects },
	{ 0 },
};

static void *add_nic(struct rxs_scenario *sc)
{
	return rxs_scenario_add_nic(sc);
}

static void *find_nic(struct rxs_scenario *sc, const char *sel)
{
	char *end;
	unsigned long i;

	for (i = 0; i < sc->nnics; i++)
		if (!strcmp(sc->nics[i].name, sel))
			return &sc->nics[i];
	i = strtoul(sel, &end, 10);
	return sel[0] >= '0' && sel[0] <= '9' && !*end && i < sc->nnics ? &sc->nics[i] : NULL;
}

static int finish_nic(struct cfg_ctx *c, void *obj, yaml_node_t *map)
{
	struct rxs_nic_config *nic = obj;
	yaml_node_t *at = rxs__cfg_map_get(c, map, "name");

	for (struct rxs_nic_config *o = c->sc->nics; o < nic; o++)
		if (!strcmp(o->name, nic->name))
			return rxs__cfg_error(c, at ? at : map, "two NICs named '%s'", nic->name);
	/* VLAN names default to the NIC's, known only now that the whole entry is read. */
	at = rxs__cfg_map_get(c, map, "vlans");
	return check_vlans(c, nic, at ? at : map);
}

const struct cfg_list rxs__cfg_nic_list = {
	.keys = nic_keys, .add = add_nic, .find = find_nic, .finish = finish_nic,
};

/* ---- routes: the main table beyond the connected routes (ip route add TO via GW dev DEV) ---- */

#define ROUTE(obj) ((struct rxs_route_config *)(obj))

static int set_route_addr(struct cfg_ctx *c, yaml_node_t *v, struct rxs_addr *a, bool prefix)
{
	const char *s = NULL;
	int err = rxs__cfg_scalar(c, v, &s);
	unsigned int host;

	if (err)
		return err;
	if (prefix && !strcmp(s, "default"))
		s = "0.0.0.0/0";
	if (rxs_addr_parse(a, s))
		a->family = 0;
	host = a->family == AF_INET6 ? 128 : 32;
	if (!a->family || (!prefix && a->prefix != host))
		return rxs__cfg_error(c, v, "'%.*s' is not an IPv4 or IPv6 %s", QUOTE_MAX, s,
				      prefix ? "prefix (like 172.17.0.0/16, fd00:1::/64 or default)"
					     : "address (like 10.0.0.1 or fd00:1::1)");
	return 0;
}

static int set_route_to(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return set_route_addr(c, v, &ROUTE(obj)->to, true);
}

static int set_route_via(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return set_route_addr(c, v, &ROUTE(obj)->via, false);
}

static int set_route_dev(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_name(c, v, ROUTE(obj)->dev);
}

static const struct cfg_key route_keys[] = {
	{ .name = "to", .set = set_route_to },
	{ .name = "via", .set = set_route_via },
	{ .name = "dev", .set = set_route_dev },
	{ 0 },
};

static void *add_route(struct rxs_scenario *sc)
{
	return rxs_scenario_add_route(sc);
}

static void *find_route(struct rxs_scenario *sc, const char *sel)
{
	char *end;
	unsigned long i = strtoul(sel, &end, 10);

	return sel[0] >= '0' && sel[0] <= '9' && !*end && i < sc->nroutes ? &sc->routes[i] : NULL;
}

/* to and dev are required; the device is checked when the host is built (nics may follow). */
static int finish_route(struct cfg_ctx *c, void *obj, yaml_node_t *map)
{
	if (!ROUTE(obj)->to.family)
		return rxs__cfg_error(c, map, "a route needs 'to' (a prefix, or default)");
	if (!ROUTE(obj)->dev[0])
		return rxs__cfg_error(c, map, "a route needs 'dev' (a NIC's name)");
	if (ROUTE(obj)->via.family && ROUTE(obj)->via.family != ROUTE(obj)->to.family)
		return rxs__cfg_error(c, map, "a route's 'via' is of another family than its 'to'");
	return 0;
}

const struct cfg_list rxs__cfg_route_list = {
	.keys = route_keys, .add = add_route, .find = find_route, .finish = finish_route,
};

/* ---- neighbours: the neighbour table's PERMANENT entries (ip neigh replace IP lladdr MAC
 * dev DEV nud permanent) ---- */

#define NEIGH(obj) ((struct rxs_neigh_config *)(obj))

static int set_neigh_ip(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return set_route_addr(c, v, &NEIGH(obj)->ip, false);
}

static int set_neigh_mac(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	const char *s = NULL;
	int err = rxs__cfg_scalar(c, v, &s);

	if (!err && rxs__parse_mac(s, NEIGH(obj)->mac))
		return rxs__cfg_error(c, v, "'%.*s' is not a MAC address (like 02:00:00:00:00:01)",
				      QUOTE_MAX, s);
	return err;
}

static int set_neigh_dev(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_name(c, v, NEIGH(obj)->dev);
}

static const struct cfg_key neigh_keys[] = {
	{ .name = "ip", .set = set_neigh_ip },
	{ .name = "mac", .set = set_neigh_mac },
	{ .name = "dev", .set = set_neigh_dev },
	{ 0 },
};

static void *add_neigh(struct rxs_scenario *sc)
{
	return rxs_scenario_add_neighbour(sc);
}

static void *find_neigh(struct rxs_scenario *sc, const char *sel)
{
	char *end;
	unsigned long i = strtoul(sel, &end, 10);

	return sel[0] >= '0' && sel[0] <= '9' && !*end && i < sc->nneighbours ? &sc->neighbours[i]
									     : NULL;
}

/* All three are required; the device is checked when the host is built. */
static int finish_neigh(struct cfg_ctx *c, void *obj, yaml_node_t *map)
{
	static const uint8_t zero[6];

	if (!NEIGH(obj)->ip.family)
		return rxs__cfg_error(c, map, "a neighbour needs 'ip' (an IPv4 or IPv6 address)");
	if (!memcmp(NEIGH(obj)->mac, zero, 6))
		return rxs__cfg_error(c, map, "a neighbour needs 'mac' (its link-layer address)");
	if (!NEIGH(obj)->dev[0])
		return rxs__cfg_error(c, map, "a neighbour needs 'dev' (a NIC's name)");
	return 0;
}

const struct cfg_list rxs__cfg_neigh_list = {
	.keys = neigh_keys, .add = add_neigh, .find = find_neigh, .finish = finish_neigh,
};

/* After a --set: every queue's IRQ and RPS CPUs still exist. */
int rxs__cfg_check_nic(struct cfg_ctx *c, const struct rxs_nic_config *nic)
{
	unsigned int cpus = c->sc->host.cpus;

	if (check_vlans(c, nic, NULL))
		return RXS_ECONFIG;
	for (unsigned int q = 0; q < nic->rx_queues; q++) {
		if (nic->irq_affinity[q] < 0 || (unsigned int)nic->irq_affinity[q] >= cpus)
			return rxs__cfg_error(c, NULL, "nics.%s.irq_affinity: CPU %d does not "
					      "exist (host.cpus is %u)", nic->name,
					      nic->irq_affinity[q], cpus);
		if (cpus < 64 && nic->rps_cpus[q] >> cpus)
			return rxs__cfg_error(c, NULL, "nics.%s.rps_cpus: mask %llx names CPUs "
					      "beyond host.cpus (%u)", nic->name,
					      (unsigned long long)nic->rps_cpus[q], cpus);
	}
	/* As ethtool -L refuses fewer channels than the indirection table uses. */
	for (unsigned int i = 0; i < nic->rss_indir_size; i++)
		if (nic->rss_indir[i] >= nic->rx_queues)
			return rxs__cfg_error(c, NULL, "nics.%s.rss: the indirection table uses "
					      "queue %u (rx_queues is %u)", nic->name,
					      nic->rss_indir[i], nic->rx_queues);
	return 0;
}
