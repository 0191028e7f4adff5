/* emit.c - a scenario written back as YAML (rxs_scenario_emit), the inverse of the parser.
 *
 * Every value is written in a form the parser (schema.c, nic.c, socket.c, traffic.c) reads
 * back to the same struct: strings double-quoted with YAML escapes, durations in ns, rates
 * per second, sysctls only when the scenario set them, costs only when they differ from the
 * default. The comment fields become YAML comments, so a generated host can say why each
 * entry is there.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "rxsim/config.h"

static const char *const cost_keys[] = {
#define XX(id, key, ns, what) key,
	RXS_COST_MAP(XX)
#undef XX
};

static const uint32_t cost_defaults[] = {
#define XX(id, key, ns, what) ns,
	RXS_COST_MAP(XX)
#undef XX
};

/* @s as a YAML double-quoted scalar. */
static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* Each line of @text as "# line" at @indent. */
static void put_comment(FILE *f, const char *indent, const char *text)
{
	while (text && *text) {
		size_t n = strcspn(text, "\n");

		fprintf(f, "%s# %.*s\n", indent, (int)n, text);
		text += n + (text[n] == '\n');
	}
}

static void put_addr(FILE *f, const struct rxs_addr *a, bool prefix)
{
	char buf[64];

	fputs(rxs_addr_format(a, buf, sizeof(buf)), f);
	if (prefix)
		fprintf(f, "/%u", a->prefix);
}

/* The same quoted when it is IPv6: in a flow mapping a plain "fd00::" would end at its
 * last ':' before the ','. */
static void put_addr_q(FILE *f, const struct rxs_addr *a, bool prefix)
{
	bool q = a->family == AF_INET6;

	if (q)
		fputc('"', f);
	put_addr(f, a, prefix);
	if (q)
		fputc('"', f);
}

static void emit_sysctls(FILE *f, const struct rxs_scenario *sc)
{
	bool any = false;

	for (int id = 0; id < RXS_SYSCTL_COUNT; id++) {
		const int64_t *v = sc->sysctl.val[id];

		if (!sc->sysctl_set[id])
			continue;
		if (!any)
			fputs("sysctl:\n", f);
		any = true;
		if (id == RXS_SYSCTL_TCP_RMEM || id == RXS_SYSCTL_TCP_WMEM)
			fprintf(f, "  %s: \"%lld %lld %lld\"\n", rxs_sysctl_name(id),
				(long long)v[0], (long long)v[1], (long long)v[2]);
		else if (id == RXS_SYSCTL_FLOW_LIMIT_CPU_BITMAP)
			fprintf(f, "  %s: \"%llx\"\n", rxs_sysctl_name(id), (unsigned long long)v[0]);
		else
			fprintf(f, "  %s: %lld\n", rxs_sysctl_name(id), (long long)v[0]);
	}
}

static const char *driver_name(enum rxs_driver d)
{
	switch (d) {
	case RXS_DRIVER_VETH:
		return "veth";
	case RXS_DRIVER_LOOPBACK:
		return "loopback";
	case RXS_DRIVER_BRIDGE:
		return "bridge";
	case RXS_DRIVER_GENERIC:
		break;
	}
	return "generic";
}

static void emit_rss(FILE *f, const struct rxs_nic_config *n)
{
	if (!n->rss_key_set && !n->rss_indir_size && !n->rss_udp_4tuple)
		return;
	fputs("    rss:\n", f);
	if (n->rss_key_set) {
		fputs("      key: \"", f);
		for (int i = 0; i < RXS_RSS_KEY_LEN; i++)
			fprintf(f, "%s%02x", i ? ":" : "", n->rss_key[i]);
		fputs("\"\n", f);
	}
	if (n->rss_indir_size) {
		fputs("      indir: [", f);
		for (unsigned int i = 0; i < n->rss_indir_size; i++)
			fprintf(f, "%s%u", i ? ", " : "", n->rss_indir[i]);
		fputs("]\n", f);
	}
	if (n->rss_udp_4tuple)
		fputs("      udp_4tuple: true\n", f);
}

/* The per-queue lists: IRQ CPUs and RPS masks (hex, as rps_cpus is written in sysfs). */
static void emit_queues(FILE *f, const struct rxs_nic_config *n, unsigned int cpus)
{
	unsigned int q = RXS_MIN(n->rx_queues, (unsigned int)RXS_MAX_QUEUES);
	bool rps = false, aff = false;

	/* The default (queue % cpus) is left out, so host.cpus changed later still spreads. */
	for (unsigned int i = 0; i < q; i++)
		aff |= n->irq_affinity[i] != (int)(i % cpus);
	if (aff) {
		fputs("    irq_affinity: [", f);
		for (unsigned int i = 0; i < q; i++)
			fprintf(f, "%s%d", i ? ", " : "", n->irq_affinity[i]);
		fputs("]\n", f);
	}
	for (unsigned int i = 0; i < q; i++)
		rps |= n->rps_cpus[i] != 0;
	if (!rps)
		return;
	fputs("    rps_cpus: [", f);
	for (unsigned int i = 0; i < q; i++)
		fprintf(f, "%s\"%llx\"", i ? ", " : "", (unsigned long long)n->rps_cpus[i]);
	fputs("]\n", f);
}

/* VLAN devices: the name only when it is not ip link's "<nic>.<id>". */
static void emit_vlans(FILE *f, const struct rxs_nic_config *n)
{
	char def[RXS_NAME_MAX];

	if (!n->nvlans)
		return;
	fputs("    vlans:\n", f);
	for (unsigned int v = 0; v < n->nvlans; v++) {
		const struct rxs_vlan_config *vc = &n->vlans[v];

		fprintf(f, "      - { id: %u", vc->id);
		snprintf(def, sizeof(def), "%.*s.%u", RXS_NAME_MAX - 6, n->name, vc->id);
		if (vc->name[0] && strcmp(vc->name, def)) {
			fputs(", name: ", f);
			put_str(f, vc->name);
		}
		if (vc->mac_set)
			fprintf(f, ", mac: %02x:%02x:%02x:%02x:%02x:%02x", vc->mac[0], vc->mac[1],
				vc->mac[2], vc->mac[3], vc->mac[4], vc->mac[5]);
		fputs(", addresses: [", f);
		for (unsigned int i = 0; i < vc->naddrs; i++) {
			fputs(i ? ", \"" : "\"", f);
			put_addr(f, &vc->addrs[i], true);
			fputc('"', f);
		}
		fputs("] }\n", f);
	}
}

static void emit_nic(FILE *f, const struct rxs_nic_config *n, unsigned int cpus)
{
	const uint8_t *m = n->mac;

	put_comment(f, "  ", n->comment);
	fputs("  - name: ", f);
	put_str(f, n->name);
	fprintf(f, "\n    mac: %02x:%02x:%02x:%02x:%02x:%02x\n", m[0], m[1], m[2], m[3], m[4],
		m[5]);
	fputs("    addresses: [", f);
	/* Quoted: "::1" would start a flow mapping's key in YAML. */
	for (unsigned int i = 0; i < n->naddrs; i++) {
		fputs(i ? ", \"" : "\"", f);
		put_addr(f, &n->addrs[i], true);
		fputc('"', f);
	}
	fprintf(f, "]\n    driver: %s\n", driver_name(n->driver));
	/* After driver:, which resets gro to the driver's default. */
	fprintf(f, "    gro: %s\n", n->gro ? "true" : "false");
	if (n->promisc)
		fputs("    promisc: true\n", f);
	fprintf(f, "    mtu: %u\n    rx_queues: %u\n    ring_size: %u\n", n->mtu, n->rx_queues,
		n->ring_size);
	fprintf(f, "    coalesce: { rx_usecs: %u, rx_frames: %u }\n", n->rx_usecs, n->rx_frames);
	if (n->rp_filter)
		fprintf(f, "    rp_filter: %u\n", n->rp_filter);
	if (n->no_send_redirects)
		fputs("    send_redirects: 0\n", f);
	emit_queues(f, n, cpus);
	emit_rss(f, n);
	emit_vlans(f, n);
}

/* routes: as `ip route` lists them, the default route by name. */
static void emit_routes(FILE *f, const struct rxs_scenario *sc)
{
	if (sc->nroutes)
		fputs("routes:\n", f);
	for (unsigned int i = 0; i < sc->nroutes; i++) {
		const struct rxs_route_config *r = &sc->routes[i];

		fputs("  - { to: ", f);
		if (r->to.prefix == 0 && r->to.family == AF_INET)
			fputs("default", f);	/* IPv4's; IPv6's stays ::/0 */
		else
			put_addr_q(f, &r->to, true);
		if (r->via.family) {
			fputs(", via: ", f);
			put_addr_q(f, &r->via, false);
		}
		fputs(", dev: ", f);
		put_str(f, r->dev);
		fputs(" }\n", f);
	}
}

/* neighbours: the neighbour table's permanent entries. */
static void emit_neighbours(FILE *f, const struct rxs_scenario *sc)
{
	if (sc->nneighbours)
		fputs("neighbours:\n", f);
	for (unsigned int i = 0; i < sc->nneighbours; i++) {
		const struct rxs_neigh_config *n = &sc->neighbours[i];
		const uint8_t *m = n->mac;

		fputs("  - { ip: ", f);
		put_addr_q(f, &n->ip, false);
		fprintf(f, ", mac: \"%02x:%02x:%02x:%02x:%02x:%02x\", dev: ", m[0], m[1], m[2], m[3],
			m[4], m[5]);
		put_str(f, n->dev);
		fputs(" }\n", f);
	}
}

/* An application model in the form set_app_model() reads. */
static void put_app(FILE *f, const struct rxs_app_config *a)
{
	switch (a->kind) {
	case RXS_APP_ALL:
		fputs("all", f);
		break;
	case RXS_APP_NEVER:
		fputs("never", f);
		break;
	case RXS_APP_RATE:
		if (a->rate_bytes)
			fprintf(f, "%.17gB/s", a->rate);
		else
			fprintf(f, "%.17g/s", a->rate);
		break;
	case RXS_APP_BATCH:
		fprintf(f, "{ batch: %u, every: %lluns }", a->batch,
			(unsigned long long)a->every_ns);
		break;
	}
}

/* join: ["239.1.1.1", { group: "ff02::fb", nic: "eth1" }] and multicast_all: false. */
static void emit_join(FILE *f, const struct rxs_socket_config *s)
{
	if (s->njoin)
		fputs(", join: [", f);
	for (unsigned int i = 0; i < s->njoin; i++) {
		fputs(i ? ", " : "", f);
		if (s->join[i].nic[0])
			fputs("{ group: ", f);
		fputc('"', f);
		put_addr(f, &s->join[i].group, false);
		fputc('"', f);
		if (s->join[i].nic[0]) {
			fputs(", nic: ", f);
			put_str(f, s->join[i].nic);
			fputs(" }", f);
		}
	}
	if (s->njoin)
		fputc(']', f);
	if (s->mc_all_off)
		fputs(", multicast_all: false", f);
}

static void emit_socket(FILE *f, const struct rxs_socket_config *s)
{
	static const uint8_t any[16];
	bool tcp = s->proto == IPPROTO_TCP;

	put_comment(f, "  ", s->comment);
	fputs("  - { name: ", f);
	put_str(f, s->name);
	fprintf(f, ", proto: %s, bind: \"", tcp ? "tcp" : "udp");
	if (s->local.family == AF_INET6) {
		fputc('[', f);
		put_addr(f, &s->local, false);
		fputc(']', f);
	} else if (memcmp(s->local.addr, any, 4)) {
		put_addr(f, &s->local, false);
	} else {
		fputs("0.0.0.0", f);
	}
	fprintf(f, ":%u\"", s->port);
	if (s->peer.family) {
		/* A connection: its peer; it accepts nothing, the application reads it. */
		fprintf(f, ", connect: \"%s", s->peer.family == AF_INET6 ? "[" : "");
		put_addr(f, &s->peer, false);
		fprintf(f, "%s:%u\"", s->peer.family == AF_INET6 ? "]" : "", s->peer_port);
	} else if (tcp) {
		fprintf(f, ", backlog: %d", s->backlog);
		if (s->defer_accept)
			fprintf(f, ", defer_accept: %d", s->defer_accept);
	}
	if (s->rcvbuf >= 0)
		fprintf(f, ", rcvbuf: %lld", (long long)s->rcvbuf);
	if (s->rcvbuf_force)
		fprintf(f, ", rcvbuf_force: true");
	if (s->sndbuf >= 0)
		fprintf(f, ", sndbuf: %lld", (long long)s->sndbuf);
	if (s->peer.family) {
		fputs(", app: { read: ", f);
		put_app(f, &s->conn_read);
	} else {
		fputs(tcp ? ", app: { accept: " : ", app: { read: ", f);
		put_app(f, &s->app);
	}
	if (tcp && !s->peer.family) {
		fputs(", read: ", f);
		put_app(f, &s->conn_read);
	}
	if (s->app.cpu >= 0)
		fprintf(f, ", cpu: %d", s->app.cpu);
	fputs(" }", f);
	emit_join(f, s);
	fputs(" }\n", f);
}

static void emit_tap(FILE *f, const struct rxs_tap_config *t)
{
	static const char *const dirs[] = { "inout", "in", "out", "inout" };

	fputs("  - { name: ", f);
	put_str(f, t->name);
	fputs(", filter: ", f);
	put_str(f, t->filter ? t->filter : "");
	if (t->write) {
		fputs(", write: ", f);
		put_str(f, t->write);
	}
	fprintf(f, ", ring_frames: %u, direction: %s }\n", t->ring_frames, dirs[t->direction & 3]);
}

static void emit_traffic(FILE *f, const struct rxs_traffic_config *t)
{
	if (t->kind == RXS_TRAFFIC_PCAP) {
		fputs("  - { pcap: ", f);
		put_str(f, t->path ? t->path : "");
	} else {
		fprintf(f, "  - { generate: %s", t->generator);
		if (t->flows)
			fprintf(f, ", flows: %u", t->flows);
		if (t->size)
			fprintf(f, ", size: %u", t->size);
		if (t->duration_ns)
			fprintf(f, ", duration: %lluns", (unsigned long long)t->duration_ns);
		if (t->count)
			fprintf(f, ", count: %llu", (unsigned long long)t->count);
		fprintf(f, ", dport: %u", t->dport);
	}
	fputs(", nic: ", f);
	put_str(f, t->nic);
	if (t->kind == RXS_TRAFFIC_PCAP)	/* a generator has no timestamps to scale */
		fprintf(f, ", speed: %.17g", t->speed);
	if (t->rate_pps > 0)
		fprintf(f, ", rate: %.17g/s", t->rate_pps);
	if (t->start_ns)
		fprintf(f, ", start: %lluns", (unsigned long long)t->start_ns);
	fputs(" }\n", f);
}

static void emit_cost(FILE *f, const struct rxs_scenario *sc)
{
	bool any = false;

	for (int i = 0; i < RXS_COST_COUNT; i++) {
		if (sc->cost.ns[i] == cost_defaults[i])
			continue;
		fprintf(f, "%s%s: %u", any ? ", " : "cost: { ", cost_keys[i], sc->cost.ns[i]);
		any = true;
	}
	if (any)
		fputs(" }\n", f);
}

/* @ns in the largest unit that keeps it exact: 1s, 500ms, 250us, 7ns. */
static void put_duration(FILE *f, uint64_t ns)
{
	static const struct { uint64_t div; const char *unit; } units[] = {
		{ 1000000000u, "s" }, { 1000000u, "ms" }, { 1000u, "us" },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (ns && ns % units[i].div == 0) {
			fprintf(f, "%llu%s", (unsigned long long)(ns / units[i].div), units[i].unit);
			return;
		}
	fprintf(f, "%lluns", (unsigned long long)ns);
}

/* A rule set's text as a literal block under @key, each line indented. */
static void emit_netfilter(FILE *f, const char *key, const char *text)
{
	fprintf(f, "%s: |\n", key);
	while (*text) {
		size_t n = strcspn(text, "\n");

		fprintf(f, "  %.*s\n", (int)n, text);
		text += n + (text[n] == '\n');
	}
}

int rxs_scenario_emit(const struct rxs_scenario *sc, FILE *f)
{
	put_comment(f, "", sc->comment);
	fprintf(f, "host: { cpus: %u, hz: %u }\n", sc->host.cpus, sc->host.hz);
	emit_sysctls(f, sc);
	if (sc->nnics)
		fputs("nics:\n", f);
	for (unsigned int i = 0; i < sc->nnics; i++)
		emit_nic(f, &sc->nics[i], sc->host.cpus ? sc->host.cpus : 1);
	emit_routes(f, sc);
	emit_neighbours(f, sc);
	if (sc->netfilter)
		emit_netfilter(f, "netfilter", sc->netfilter);
	if (sc->netfilter6)
		emit_netfilter(f, "netfilter6", sc->netfilter6);
	if (sc->nftables_file)
		fprintf(f, "nftables: { file: \"%s\" }\n", sc->nftables_file);
	else if (sc->nftables)
		emit_netfilter(f, "nftables", sc->nftables);
	if (sc->nsockets)
		fputs("sockets:\n", f);
	for (unsigned int i = 0; i < sc->nsockets; i++)
		emit_socket(f, &sc->sockets[i]);
	if (sc->ntaps)
		fputs("taps:\n", f);
	for (unsigned int i = 0; i < sc->ntaps; i++)
		emit_tap(f, &sc->taps[i]);
	if (sc->ntraffic)
		fputs("traffic:\n", f);
	for (unsigned int i = 0; i < sc->ntraffic; i++)
		emit_traffic(f, &sc->traffic[i]);
	emit_cost(f, sc);
	fputs(sc->run.until == RXS_UNTIL_END ? "run: { until: end+" : "run: { until: ", f);
	put_duration(f, sc->run.ns);
	fputs(" }\n", f);
	return ferror(f) ? -EIO : 0;
}
