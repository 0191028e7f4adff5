/* socket.c - the keys of `sockets:` entries with their application model, and of `taps:`. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"
#include "rxsim/bpf.h"
#include "internal.h"

#define QUOTE_MAX 64
#define SOCK(obj) ((struct rxs_socket_config *)(obj))
#define APP(obj) ((struct rxs_app_config *)(obj))
#define TAP(obj) ((struct rxs_tap_config *)(obj))

static int set_name(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_name(c, v, SOCK(obj)->name);
}

static int set_proto(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	const char *s = NULL;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	if (!strcmp(s, "udp"))
		SOCK(obj)->proto = IPPROTO_UDP;
	else if (!strcmp(s, "tcp"))
		SOCK(obj)->proto = IPPROTO_TCP;
	else
		return rxs__cfg_error(c, v, "unknown proto '%.*s' (udp or tcp)", QUOTE_MAX, s);
	return 0;
}

static int set_bind(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	struct rxs_addr a;
	uint16_t port;
	const char *s = NULL;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	if (rxs__parse_bind(s, &a, &port))
		return rxs__cfg_error(c, v, "'%.*s' is not ip:port (like 10.0.0.2:53, [fd00::2]:53 "
				      "or *:53)", QUOTE_MAX, s);
	SOCK(obj)->local = a;
	SOCK(obj)->port = port;
	return 0;
}

/* connect: 198.51.100.7:22, a TCP socket connected to that peer from its bind address. The
 * 4-tuple must be whole: a specific local address of the peer's family, no wildcard. */
static int set_connect(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	static const uint8_t any[16];
	struct rxs_socket_config *s = SOCK(obj);
	struct rxs_addr a;
	uint16_t port;
	const char *str = NULL;
	int err = rxs__cfg_scalar(c, v, &str);

	if (err)
		return err;
	if (s->proto != IPPROTO_TCP)
		return rxs__cfg_error(c, v, "connect: is for TCP sockets (proto: tcp)");
	if (rxs__parse_bind(str, &a, &port) || !memcmp(a.addr, any, 16))
		return rxs__cfg_error(c, v, "'%.*s' is not the peer's ip:port (like "
				      "198.51.100.7:22 or [2001:db8::7]:22)", QUOTE_MAX, str);
	if (!memcmp(s->local.addr, any, 16))
		return rxs__cfg_error(c, v, "a connected socket needs its own address in bind: "
				      "(like 10.0.0.2:40000), not a wildcard");
	if (a.family != s->local.family)
		return rxs__cfg_error(c, v, "the peer '%.*s' is %s, bind: is %s", QUOTE_MAX, str,
				      a.family == AF_INET ? "IPv4" : "IPv6",
				      s->local.family == AF_INET ? "IPv4" : "IPv6");
	s->peer = a;
	s->peer_port = port;
	return 0;
}

static int set_backlog(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	unsigned int n = 0;
	int err = rxs__cfg_uint(c, v, 0, INT32_MAX, &n);

	if (!err)
		SOCK(obj)->backlog = (int)n;
	return err;
}

static int set_rcvbuf(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	uint64_t n = 0;
	int err = rxs__cfg_u64(c, v, 0, INT32_MAX, &n);

	if (!err)
		SOCK(obj)->rcvbuf = (int64_t)n;
	return err;
}

static int set_defer_accept(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	unsigned int n = 0;
	int err = rxs__cfg_uint(c, v, 0, INT32_MAX, &n);

	if (!err)
		SOCK(obj)->defer_accept = (int)n;
	return err;
}

static int set_rcvbuf_force(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_bool(c, v, &SOCK(obj)->rcvbuf_force);
}

static int set_sndbuf(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	uint64_t n = 0;
	int err = rxs__cfg_u64(c, v, 0, INT32_MAX, &n);

	if (!err)
		SOCK(obj)->sndbuf = (int64_t)n;
	return err;
}

static int set_batch(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_uint(c, v, 1, 1u << 20, &APP(obj)->batch);
}

static int set_every(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	int err = rxs__cfg_duration(c, v, &APP(obj)->every_ns);

	if (!err && !APP(obj)->every_ns)
		return rxs__cfg_error(c, v, "must be longer than 0");
	return err;
}

static const struct cfg_key batch_keys[] = {
	{ .name = "batch", .set = set_batch },
	{ .name = "every", .set = set_every },
	{ 0 },
};

static int app_batch(struct cfg_ctx *c, struct rxs_app_config *app, yaml_node_t *v)
{
	int err = rxs__cfg_walk_map(c, app, batch_keys, v);

	if (err)
		return err;
	if (!rxs__cfg_map_get(c, v, "batch") || !rxs__cfg_map_get(c, v, "every"))
		return rxs__cfg_error(c, v, "needs both batch: and every:");
	app->kind = RXS_APP_BATCH;
	return 0;
}

/* all | never | 50kpps | 10MB/s (if @bytes_ok) | { batch: 64, every: 1ms } */
static int set_app_model(struct cfg_ctx *c, struct rxs_app_config *app, yaml_node_t *v,
			 bool bytes_ok)
{
	struct rxs_app_config tmp = { .cpu = app->cpu };
	const char *s = NULL;
	size_t len;

	if (v->type == YAML_MAPPING_NODE) {
		int err = app_batch(c, &tmp, v);

		if (!err)
			*app = tmp;
		return err;
	}
	if (rxs__cfg_scalar(c, v, &s))
		return RXS_ECONFIG;
	len = strlen(s);
	tmp.rate_bytes = bytes_ok && len > 3 && !strcmp(s + len - 3, "B/s");
	if (!strcmp(s, "all"))
		tmp.kind = RXS_APP_ALL;
	else if (!strcmp(s, "never"))
		tmp.kind = RXS_APP_NEVER;
	else if (!(tmp.rate_bytes ? rxs_parse_byte_rate(s, &tmp.rate) :
				    rxs_parse_rate(s, &tmp.rate)) && tmp.rate > 0)
		tmp.kind = RXS_APP_RATE;
	else
		return rxs__cfg_error(c, v, "'%.*s' is not all, never, a rate (%s) or "
				      "{ batch: N, every: DURATION }", QUOTE_MAX, s,
				      bytes_ok ? "50kpps, 10MB/s" : "1000/s");
	*app = tmp;
	return 0;
}

/* UDP: how the socket is read; TCP: how each accepted connection is read. */
static int set_read(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	if (SOCK(obj)->proto == IPPROTO_TCP)
		return set_app_model(c, &SOCK(obj)->conn_read, v, true);
	return set_app_model(c, &SOCK(obj)->app, v, true);
}

static int set_accept(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	if (SOCK(obj)->proto != IPPROTO_TCP)
		return rxs__cfg_error(c, v, "accept: is for TCP listeners; "
				      "a UDP socket takes read:");
	return set_app_model(c, &SOCK(obj)->app, v, false);
}

static int set_app_cpu(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	unsigned int cpu = 0;
	int err = rxs__cfg_cpu(c, v, &cpu);

	if (!err)
		SOCK(obj)->app.cpu = (int)cpu;
	return err;
}

#define JOIN(obj) ((struct rxs_mc_join *)(obj))

static bool is_multicast(const struct rxs_addr *a)
{
	return a->family == AF_INET ? (a->addr[0] & 0xf0) == 0xe0 : a->addr[0] == 0xff;
}

static int set_group(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	const char *s = NULL;

	if (rxs__cfg_scalar(c, v, &s))
		return RXS_ECONFIG;
	if (rxs_addr_parse(&JOIN(obj)->group, s) || strchr(s, '/'))
		return rxs__cfg_error(c, v, "'%.*s' is not an address (like 239.1.1.1 or ff02::fb)",
				      QUOTE_MAX, s);
	if (!is_multicast(&JOIN(obj)->group))
		return rxs__cfg_error(c, v, "'%.*s' is not a multicast group (224.0.0.0/4 or "
				      "ff00::/8)", QUOTE_MAX, s);
	return 0;
}

/* A group is joined on a device: a NIC, or one of its VLAN devices ("eth0.202", a name
 * with a dot, which the NIC names may not have). */
static int check_join_dev(struct cfg_ctx *c, yaml_node_t *at, const char *dev)
{
	const char *names[64];
	char vlan[64][RXS_NAME_MAX];
	size_t n = 0, nv = 0;
	char hint[96];

	for (unsigned int i = 0; i < c->sc->nnics; i++) {
		const struct rxs_nic_config *nic = &c->sc->nics[i];

		if (!strcmp(nic->name, dev))
			return 0;
		if (n < ARRAY_SIZE(names))
			names[n++] = nic->name;
		for (unsigned int k = 0; k < nic->nvlans; k++) {
			char buf[RXS_NAME_MAX];

			if (!strcmp(rxs_vlan_name(nic, &nic->vlans[k], buf), dev))
				return 0;
			if (n < ARRAY_SIZE(names) && nv < ARRAY_SIZE(vlan)) {
				strcpy(vlan[nv], buf);
				names[n++] = vlan[nv++];
			}
		}
	}
	if (!c->sc->nnics)
		return rxs__cfg_error(c, at, "no device to join on: nics: is empty");
	return rxs__cfg_error(c, at, "no NIC or VLAN device named '%.*s'%s", QUOTE_MAX, dev,
			      rxs__cfg_did_you_mean(rxs__cfg_suggest(dev, names, n), hint,
						    sizeof(hint)));
}

static int set_join_nic(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	const char *s = NULL;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	if (strlen(s) >= RXS_NAME_MAX)
		return rxs__cfg_error(c, v, "device name '%.*s' is longer than %d characters",
				      QUOTE_MAX, s, RXS_NAME_MAX - 1);
	strcpy(JOIN(obj)->nic, s);
	return check_join_dev(c, v, s);
}

static const struct cfg_key join_keys[] = {
	{ .name = "group", .set = set_group },
	{ .name = "nic", .set = set_join_nic },
	{ 0 },
};

/* One entry of join:, a group (239.1.1.1) or { group: 239.1.1.1, nic: eth0 }. */
static int join_item(struct cfg_ctx *c, const struct rxs_socket_config *sk, yaml_node_t *item,
		     struct rxs_mc_join *j)
{
	int err;

	memset(j, 0, sizeof(*j));
	if (item->type != YAML_MAPPING_NODE) {
		err = set_group(c, j, item);
	} else {
		err = rxs__cfg_walk_map(c, j, join_keys, item);
		if (!err && !rxs__cfg_map_get(c, item, "group"))
			return rxs__cfg_error(c, item, "missing group: (like 239.1.1.1)");
	}
	if (err)
		return err;
	/* IPV6_JOIN_GROUP on an AF_INET socket fails (ENOPROTOOPT); an AF_INET6 one may join
	 * IPv4 groups too, as it receives IPv4. */
	if (sk->local.family == AF_INET && j->group.family == AF_INET6)
		return rxs__cfg_error(c, item, "an IPv4 socket cannot join an IPv6 group; "
				      "bind it to [::]:PORT");
	return 0;
}

/* join: [239.1.1.1, ff02::fb]: IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP on this socket. */
static int set_join(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	struct rxs_mc_join join[RXS_SOCK_JOIN_MAX], *copy = NULL;
	size_t n;

	if (SOCK(obj)->proto != IPPROTO_UDP)
		return rxs__cfg_error(c, v, "join: is for UDP sockets");
	if (v->type != YAML_SEQUENCE_NODE)
		return rxs__cfg_error(c, v, "expected a list of groups like [239.1.1.1, ff02::fb]");
	n = rxs__cfg_seq_len(v);
	if (n > RXS_SOCK_JOIN_MAX)
		return rxs__cfg_error(c, v, "%zu groups, at most %d a socket "
				      "(net.ipv4.igmp_max_memberships)", n, RXS_SOCK_JOIN_MAX);
	for (size_t i = 0; i < n; i++) {
		size_t mark = rxs__cfg_push(c, "[%zu]", i);
		int err = join_item(c, SOCK(obj), rxs__cfg_seq_item(c, v, i), &join[i]);

		rxs__cfg_pop(c, mark);
		if (err)
			return err;
	}
	/* The array lives beside the scenario, not in it: a socket that joins nothing (every
	 * TCP one, whose accepted children copy their listener's config) carries no room. */
	if (n && !(copy = rxs__malloc(n * sizeof(join[0]))))
		return -ENOMEM;
	if (n)
		memcpy(copy, join, n * sizeof(join[0]));
	rxs__free(SOCK(obj)->join);
	SOCK(obj)->join = copy;
	SOCK(obj)->njoin = (unsigned int)n;
	return 0;
}

static int set_mc_all(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	bool on = true;
	int err = rxs__cfg_bool(c, v, &on);

	if (!err)
		SOCK(obj)->mc_all_off = !on;
	return err;
}

static const struct cfg_key app_keys[] = {
	{ .name = "read", .set = set_read },
	{ .name = "accept", .set = set_accept },
	{ .name = "cpu", .set = set_app_cpu },
	{ 0 },
};

/* proto before bind and app: app checks read: against accept: by protocol; bind before
 * connect: the two ends make the 4-tuple. */
static int set_reuseport(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_bool(c, v, &SOCK(obj)->reuseport);
}

/* A filter: an object (a path ending in .o, or .o:function) resolves against the scenario's
 * folder; an expression or a classic program is kept as written. */
static int set_bpf_text(struct cfg_ctx *c, yaml_node_t *v, char *f)
{
	char *path = NULL;
	const char *s = NULL, *dot;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	dot = strstr(s, ".o");
	if (dot && (dot[2] == 0 || dot[2] == ':') && !strchr(s, ' ')) {
		err = rxs__cfg_path(c, v, &path);
		if (err)
			return err;
		s = path;
	}
	if (strlen(s) >= RXS_BPF_PATH_MAX) {
		rxs__free(path);
		return rxs__cfg_error(c, v, "longer than %d characters", RXS_BPF_PATH_MAX - 1);
	}
	strcpy(f, s);
	rxs__free(path);
	return 0;
}

static int set_sk_filter(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return set_bpf_text(c, v, SOCK(obj)->filter);
}

static int set_reuseport_prog(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return set_bpf_text(c, v, SOCK(obj)->reuseport_prog);
}

static const struct cfg_key socket_keys[] = {
	{ .name = "name", .set = set_name },
	{ .name = "proto", .set = set_proto },
	{ .name = "bind", .set = set_bind },
	{ .name = "connect", .set = set_connect },
	{ .name = "backlog", .set = set_backlog },
	{ .name = "defer_accept", .set = set_defer_accept },
	{ .name = "rcvbuf", .set = set_rcvbuf },
	{ .name = "rcvbuf_force", .set = set_rcvbuf_force },
	{ .name = "sndbuf", .set = set_sndbuf },
	{ .name = "app", .sub = app_keys },
	{ .name = "join", .set = set_join },
	{ .name = "multicast_all", .set = set_mc_all },
	{ .name = "reuseport", .set = set_reuseport },
	{ .name = "filter", .set = set_sk_filter },
	{ .name = "reuseport_prog", .set = set_reuseport_prog },
	{ 0 },
};

static void *add_socket(struct rxs_scenario *sc)
{
	return rxs_scenario_add_socket(sc);
}

static void *find_socket(struct rxs_scenario *sc, const char *sel)
{
	char *end;
	unsigned long i;

	for (i = 0; i < sc->nsockets; i++)
		if (!strcmp(sc->sockets[i].name, sel))
			return &sc->sockets[i];
	i = strtoul(sel, &end, 10);
	return sel[0] >= '0' && sel[0] <= '9' && !*end && i < sc->nsockets ? &sc->sockets[i] : NULL;
}

static int finish_socket(struct cfg_ctx *c, void *obj, yaml_node_t *map)
{
	yaml_node_t *at = rxs__cfg_map_get(c, map, "name");
	yaml_node_t *defer = rxs__cfg_map_get(c, map, "defer_accept");

	if (!rxs__cfg_map_get(c, map, "proto"))
		return rxs__cfg_error(c, map, "missing proto: (udp or tcp)");
	if (!rxs__cfg_map_get(c, map, "bind"))
		return rxs__cfg_error(c, map, "missing bind: (like 10.0.0.2:53 or *:53)");
	if (defer && SOCK(obj)->defer_accept &&
	    (SOCK(obj)->proto != IPPROTO_TCP || SOCK(obj)->peer.family))
		return rxs__cfg_error(c, defer, "defer_accept: only a TCP listener takes "
				      "TCP_DEFER_ACCEPT");
	for (struct rxs_socket_config *o = c->sc->sockets; o < SOCK(obj); o++)
		if (!strcmp(o->name, SOCK(obj)->name))
			return rxs__cfg_error(c, at ? at : map, "two sockets named '%s'", o->name);
	return 0;
}

const struct cfg_list rxs__cfg_socket_list = {
	.keys = socket_keys, .add = add_socket, .find = find_socket, .finish = finish_socket,
};

/* After a --set: the application's CPU still exists. */
int rxs__cfg_check_socket(struct cfg_ctx *c, const struct rxs_socket_config *s)
{
	static const uint8_t any[16];

	if (s->app.cpu >= (int)c->sc->host.cpus)
		return rxs__cfg_error(c, NULL, "sockets.%s.app.cpu: CPU %d does not exist "
				      "(host.cpus is %u)", s->name, s->app.cpu, c->sc->host.cpus);
	/* A --set of bind: or proto: after connect: must still make a TCP 4-tuple. */
	if (s->peer.family && (s->proto != IPPROTO_TCP || s->local.family != s->peer.family ||
			       !memcmp(s->local.addr, any, 16)))
		return rxs__cfg_error(c, NULL, "sockets.%s.connect: needs proto: tcp and a bind: "
				      "address of the peer's family, not a wildcard", s->name);
	if (s->defer_accept && (s->proto != IPPROTO_TCP || s->peer.family))
		return rxs__cfg_error(c, NULL, "sockets.%s.defer_accept: only a TCP listener "
				      "takes TCP_DEFER_ACCEPT", s->name);
	for (unsigned int i = 0; i < s->njoin; i++) {
		size_t mark = rxs__cfg_push(c, "sockets.%s.join.%u.nic", s->name, i);
		int err = s->join[i].nic[0] ? check_join_dev(c, NULL, s->join[i].nic) : 0;

		rxs__cfg_pop(c, mark);
		if (err)
			return err;
	}
	return 0;
}

static int set_tap_name(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_name(c, v, TAP(obj)->name);
}

/* The expression is compiled here once, so a typo is reported at its line and column. */
static int set_filter(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	struct rxs_bpf_prog prog;
	char msg[256];
	int err = rxs__cfg_string(c, v, &TAP(obj)->filter);

	if (err)
		return err;
	err = rxs_bpf_compile(&prog, TAP(obj)->filter, msg, sizeof(msg));
	if (err == -ENOMEM)
		return err;
	if (err)
		return rxs__cfg_error(c, v, "%s", msg);
	rxs_bpf_free(&prog);
	return 0;
}

static int set_write(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_path(c, v, &TAP(obj)->write);
}

static int set_ring_frames(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_uint(c, v, 1, 1u << 24, &TAP(obj)->ring_frames);
}

/* tcpdump's --direction: in, out, or inout (the default). */
static int set_direction(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	static const char *const names[] = { NULL, "in", "out", "inout" };
	const char *s = NULL;

	if (rxs__cfg_scalar(c, v, &s))
		return RXS_ECONFIG;
	for (unsigned int d = 1; d <= 3; d++)
		if (!strcmp(s, names[d])) {
			TAP(obj)->direction = d;
			return 0;
		}
	return rxs__cfg_error(c, v, "'%.*s' is not in, out or inout", 32, s);
}

static const struct cfg_key tap_keys[] = {
	{ .name = "name", .set = set_tap_name },
	{ .name = "filter", .set = set_filter },
	{ .name = "write", .set = set_write },
	{ .name = "ring_frames", .set = set_ring_frames },
	{ .name = "direction", .set = set_direction },
	{ 0 },
};

static void *add_tap(struct rxs_scenario *sc)
{
	return rxs_scenario_add_tap(sc);
}

static void *find_tap(struct rxs_scenario *sc, const char *sel)
{
	char *end;
	unsigned long i;

	for (i = 0; i < sc->ntaps; i++)
		if (!strcmp(sc->taps[i].name, sel))
			return &sc->taps[i];
	i = strtoul(sel, &end, 10);
	return sel[0] >= '0' && sel[0] <= '9' && !*end && i < sc->ntaps ? &sc->taps[i] : NULL;
}

static int finish_tap(struct cfg_ctx *c, void *obj, yaml_node_t *map)
{
	yaml_node_t *at = rxs__cfg_map_get(c, map, "name");

	for (struct rxs_tap_config *o = c->sc->taps; o < TAP(obj); o++)
		if (!strcmp(o->name, TAP(obj)->name))
			return rxs__cfg_error(c, at ? at : map, "two taps named '%s'", o->name);
	return 0;
}

const struct cfg_list rxs__cfg_tap_list = {
	.keys = tap_keys, .add = add_tap, .find = find_tap, .finish = finish_tap,
};
