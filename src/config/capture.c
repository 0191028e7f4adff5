/* capture.c - the default host for `rxsim replay capture.pcap`.
 *
 * A capture replayed without a scenario runs on a host that owns its traffic. The survey
 * (src/nic/survey.c) picks the host: the unicast destination MAC the capture's requests go
 * to (the most frames that answer nothing: a SYN-ACK, reset, echo reply or ICMP error
 * answers its receiver), or the MAC or address the user names (--host). The host then
 * gets:
 *
 * - one NIC eth0, generic driver, 4096-descriptor ring, with that MAC and every unicast
 *   destination address of the frames sent to it (up to RXS_MAX_ADDRS, the most frequent
 *   first); an IPv6 link-local address (fe80:: from the MAC, as addrconf makes it) when IPv6
 *   reaches the host but no IPv6 address of its own does, since a host without one has IPv6
 *   disabled; an MTU that fits the longest IP packet sent to it.
 * - a loopback device instead (lo: MAC 00:00:00:00:00:00, MTU 65536, driver loopback) when
 *   the frames came without an Ethernet header (Linux cooked SLL/SLL2, BSD loopback, raw IP)
 *   and go to a loopback address: 127.0.0.1 is only the host's own on lo, and the kernel
 *   drops it as a martian from any other device.
 * - a dual-stack UDP socket or TCP listener (backlog SOMAXCONN, an application that keeps
 *   up) on each of its ports that looks like a server's (and, UDP only, a client's that
 *   received replies), by this rule, in this order:
 *     Closed: none on a TCP port whose SYNs the host reset without ever sending a SYN-ACK
 *     from it, nor on a UDP port the host answered with port unreachables and never sent
 *     from: the capture shows nothing was bound there.
 *     TCP: a SYN without ACK came to the port; or the host answered from it (a SYN-ACK left
 *     it); not when the host opened a connection from it (SYN out, SYN-ACK in); else, for
 *     connections begun before the capture, by the port numbers of its frames (below).
 *     UDP: datagrams to the port went to a multicast group or broadcast; else by the port
 *     numbers; else a client's port when the host spoke first from it, which still gets a
 *     socket (a UDP client reads its replies on a socket bound to its port, and a bound
 *     socket here is the same, where a TCP client's connected socket is no listener); else
 *     a server's when datagrams came from 3 or more source ports, or the host answered, or
 *     2 or more datagrams came to it (a probe of a closed port comes once).
 *     Port numbers: a frame votes "server" for the host's port P when P is well-known
 *     (< 1024) and the peer's is not, or when P is below the ephemeral range (32768, Linux's
 *     ip_local_port_range) and the peer's is in it, or when both are the same port (a
 *     peer-to-peer protocol: NTP, PTP, IKE); the other way round votes "client";
 *     the majority decides (TCP: a client's port gets no listener; UDP: see above).
 *   A port with no evidence either way still gets a socket when no port of its protocol got
 *   one by the rule: then it is the only candidate (a one-way flood to port 5001).
 *   Never port 0, and never a port only the host sent from.
 * - the sockets that read a multicast group's datagrams join it (join_groups), and a VLAN
 *   device for each VLAN id of the frames to it (add_vlans).
 * - icmp_echo_ignore_all (and ICMPv6's) when the capture holds the host's own frames and
 *   none of them answers the echo requests sent to it.
 * - a connected TCP socket (connect:) for each of the host's TCP connections no listener
 *   makes (add_connections), the busiest CONNS_MAX first: one the host opened (its SYN, or
 *   a SYN-ACK to it, in the capture: the replay opens it at the SYN), or one the capture
 *   joined mid-way (no SYN either way), on either side, assumed established before the
 *   capture began (its sequence numbers are taken from the traffic). Not a connection the
 *   peer opened (a SYN to the host: its listener takes it), nor one the host only answered
 *   with RSTs (it had none). On lo both ends are the host: each end's flow also says what
 *   the other end received from it, so the client's end knows it sent the SYN.
 * Each entry says why in its comment, which `rxsim scenario` writes as YAML comments.
 * What the report then shows is what the receive path itself does to that traffic.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "rxsim/config.h"
#include "rxsim/error.h"
#include "rxsim/nic.h"

#define PEERS_MANY 3		/* distinct source ports that make a UDP port a server's */
#define CONNS_MAX 512		/* connected sockets assumed, the busiest connections first */

/* Write the reason into @why and return @verdict. */
static int __attribute__((format(printf, 4, 5)))
because(int verdict, char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return verdict;
}

/* Whether a server listens on port @p, by the rule atop this file: 1 yes, with the reason in
 * @why; -1 no; 0 no evidence either way (a socket only when it is the only candidate). */
static int port_verdict(const struct rxs_capture_port *p, char *why, size_t len)
{
	bool tcp = p->proto == IPPROTO_TCP;
	unsigned long long in = p->in;
	const char *unit = tcp ? (in == 1 ? "segment" : "segments") :
				 (in == 1 ? "datagram" : "datagrams");

	if (p->port == 0 || p->in == 0)
		return -1;
	/* The host's own answers say a port was closed: it reset the SYNs to it and accepted
	 * none (tcp_v4_send_reset() for no socket), or it sent port unreachables for datagrams
	 * to it and never a datagram from it (__udp4_lib_rcv() finding no socket). */
	if (tcp && p->syn_in && p->rst_out && !p->synack_out)
		return -1;
	if (!tcp && p->unreach_out && !p->out)
		return -1;
	if (tcp && p->syn_in)
		return because(1, why, len, "%llu SYN%s to this port",
			       (unsigned long long)p->syn_in, p->syn_in == 1 ? "" : "s");
	if (tcp && p->synack_out)
		return because(1, why, len, "the side that answers: %llu SYN-ACK%s from this port",
			       (unsigned long long)p->synack_out, p->synack_out == 1 ? "" : "s");
	if (tcp && (p->syn_out || p->synack_in))
		return -1;	/* the host opened the connection from here: a client's port */
	if (!tcp && p->group)
		return because(1, why, len, "%llu of %llu %s to a group or broadcast",
			       (unsigned long long)p->group, in, unit);
	if (p->server_votes > p->client_votes)
		return because(1, why, len, "%s port %u, %s; %llu %s",
			       p->port < 1024 ? "well-known" : "registered", p->port,
			       p->peer_ports == 1 && p->server_votes == p->in ?
				       "the peer's too, or an ephemeral one" :
				       "peers use ephemeral ports", in, unit);
	if (p->client_votes > p->server_votes || p->first == 2) {
		/* A client's port. A UDP client reads its replies on a socket bound to that port,
		 * which a bound socket here is; a TCP client's connected socket is no listener. */
		if (tcp)
			return -1;
		return because(1, why, len, "a client's socket: %s; %llu %s back",
			       p->first == 2 ? "the host sent first from it" :
					       "the peer's port is the service", in, unit);
	}
	if (!tcp && p->peer_ports >= PEERS_MANY)
		return because(1, why, len, "%llu %s from %u source ports", in, unit,
			       p->peer_ports);
	if (p->out)
		return because(1, why, len, "the side that answers: %llu %s in, %llu out", in, unit,
			       (unsigned long long)p->out);
	/* Probes (a traceroute's, a scan's) hit each closed port once; a flow comes back. */
	if (!tcp && p->in >= 2)
		return because(1, why, len, "%llu datagrams to it, none from a client's port", in);
	return because(0, why, len, "no evidence either way, the only candidate; %llu %s", in,
		       unit);
}

static int add_socket(struct rxs_scenario *sc, const struct rxs_capture_port *p,
		      const char *why)
{
	struct rxs_socket_config *s = rxs_scenario_add_socket(sc);

	if (!s)
		return -ENOMEM;
	snprintf(s->name, sizeof(s->name), "%s:%u", p->proto == IPPROTO_TCP ? "tcp" : "udp",
		 (unsigned int)p->port);
	s->proto = p->proto;
	s->backlog = 4096;	/* listen(fd, SOMAXCONN) */
	memset(&s->local, 0, sizeof(s->local));
	s->local.family = AF_INET6;	/* [::]: takes IPv4 and IPv6 */
	s->port = p->port;
	s->app.kind = RXS_APP_ALL;
	snprintf(s->comment, sizeof(s->comment), "%s", why);
	return 0;
}

static int add_sockets(struct rxs_scenario *sc, const struct rxs_capture_survey *sv)
{
	bool chosen[2] = { false, false };	/* TCP, UDP got a socket by evidence */
	char why[96];
	int rc;

	for (unsigned int i = 0; i < sv->nports; i++) {
		const struct rxs_capture_port *p = &sv->ports[i];

		if (port_verdict(p, why, sizeof(why)) > 0) {
			chosen[p->proto != IPPROTO_TCP] = true;
			if ((rc = add_socket(sc, p, why)) < 0)
				return rc;
		}
	}
	for (unsigned int i = 0; i < sv->nports; i++) {
		const struct rxs_capture_port *p = &sv->ports[i];

		if (!chosen[p->proto != IPPROTO_TCP] && port_verdict(p, why, sizeof(why)) == 0 &&
		    (rc = add_socket(sc, p, why)) < 0)
			return rc;
	}
	return 0;
}

static bool is_loopback_addr(const struct rxs_addr *a)
{
	static const uint8_t v6_lo[16] = { [15] = 1 };

	return a->family == AF_INET ? a->addr[0] == 127 : !memcmp(a->addr, v6_lo, 16);
}

/* fe80::/64 with the EUI-64 interface id of @mac (addrconf_ifid_eui48). */
static void link_local(struct rxs_addr *a, const uint8_t mac[6])
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET6;
	a->prefix = 64;
	a->addr[0] = 0xfe;
	a->addr[1] = 0x80;
	a->addr[8] = mac[0] ^ 0x02;
	a->addr[9] = mac[1];
	a->addr[10] = mac[2];
	a->addr[11] = 0xff;
	a->addr[12] = 0xfe;
	memcpy(a->addr + 13, mac + 3, 3);
}

static void add_addr(struct rxs_nic_config *nic, const struct rxs_addr *a)
{
	if (nic->naddrs < RXS_MAX_ADDRS)
		nic->addrs[nic->naddrs++] = *a;
}

/* Addresses of the frames to the host; on lo, 127.0.0.0/8 and ::1 as lo has them. */
static void fill_addrs(struct rxs_nic_config *nic, const struct rxs_capture_survey *sv,
		       bool lo)
{
	bool v6 = false;

	for (unsigned int i = 0; i < sv->naddrs && nic->naddrs < RXS_MAX_ADDRS; i++) {
		struct rxs_addr a = sv->addrs[i];

		if (lo && a.family == AF_INET && a.addr[0] == 127) {
			static const struct rxs_addr lo4 = { AF_INET, { 127, 0, 0, 1 }, 8 };
			bool have = false;

			for (unsigned int j = 0; j < nic->naddrs; j++)
				have |= !memcmp(&nic->addrs[j], &lo4, sizeof(lo4));
			if (have)
				continue;
			a = lo4;
		}
		v6 |= a.family == AF_INET6 && !(a.addr[0] == 0xfe && (a.addr[1] & 0xc0) == 0x80);
		add_addr(nic, &a);
	}
	/* A host without an IPv6 address has IPv6 disabled (IPV6DISABLED): one that receives
	 * IPv6 (a multicast group, a link-local peer) has at least its link-local address. */
	if (sv->ipv6_to_host && !v6 && !lo) {
		struct rxs_addr ll;
		bool have = false;

		link_local(&ll, nic->mac);
		for (unsigned int j = 0; j < nic->naddrs; j++)
			have |= !memcmp(nic->addrs[j].addr, ll.addr, 16);
		if (!have)
			add_addr(nic, &ll);
	}
}

static int fill_nic(struct rxs_scenario *sc, const struct rxs_capture_survey *sv)
{
	static const uint8_t fallback_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	struct rxs_nic_config *nic = rxs_scenario_add_nic(sc);
	bool lo = false;
	char mac[32];

	if (!nic)
		return -ENOMEM;
	for (unsigned int i = 0; sv->converted == sv->frames && i < sv->naddrs; i++)
		lo |= is_loopback_addr(&sv->addrs[i]);
	snprintf(nic->name, sizeof(nic->name), "%s", lo ? "lo" : "eth0");
	nic->ring_size = 4096;
	if (lo) {
		nic->driver = RXS_DRIVER_LOOPBACK;
		nic->gro = false;
		nic->mtu = 65536;
		memset(nic->mac, 0, 6);
	} else {
		nic->driver = RXS_DRIVER_GENERIC;
		memcpy(nic->mac, sv->host_mac_found ? sv->host_mac : fallback_mac, 6);
		/* The longest IP packet sent to the host must pass the NIC's length check. */
		nic->mtu = RXS_MAX(1500u, RXS_MIN(sv->max_ip_len, 65535u));
	}
	fill_addrs(nic, sv, lo);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", nic->mac[0], nic->mac[1],
		 nic->mac[2], nic->mac[3], nic->mac[4], nic->mac[5]);
	if (lo)
		snprintf(nic->comment, sizeof(nic->comment), "loopback: %llu frames came without an "
			 "Ethernet header to a loopback address (a martian on any other device)",
			 (unsigned long long)sv->to_host);
	else
		snprintf(nic->comment, sizeof(nic->comment), "%s; %llu frame%s to it, %llu sent by "
			 "it (%s); longest packet %u bytes",
			 sv->host_mac_found ? "the host: the capture's MAC" :
			 sv->converted ? "no Ethernet header in the capture: rxsim's MAC" :
					 "no unicast MAC in the capture: rxsim's",
			 (unsigned long long)sv->to_host, sv->to_host == 1 ? "" : "s",
			 (unsigned long long)sv->from_host,
			 !sv->from_host ? "none" : sv->host_mac_found ? "not replayed" :
			 "to the peer's MAC: filtered",
			 (unsigned int)sv->max_ip_len);
	return 0;
}

/* Append a line to the scenario's comment. 0 or -ENOMEM. */
static int note(struct rxs_scenario *sc, const char *line)
{
	size_t old = sc->comment ? strlen(sc->comment) : 0, n = strlen(line);
	char *c = rxs__realloc(sc->comment, old + n + 2);

	if (!c)
		return -ENOMEM;
	memcpy(c + old, line, n);
	c[old + n] = '\n';
	c[old + n + 1] = '\0';
	sc->comment = c;
	return 0;
}

/* IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP: the UDP socket on each port that datagrams to a group
 * went to joins that group, as the application that read them did (the most frequent first;
 * past igmp_max_memberships' 20 a socket joins no more). */
static void join_groups(struct rxs_scenario *sc, const struct rxs_capture_survey *sv)
{
	for (unsigned int i = 0; i < sv->ngroup_ports; i++) {
		const struct rxs_capture_group *g = &sv->group_ports[i];

		for (unsigned int j = 0; j < sc->nsockets; j++)
			if (sc->sockets[j].proto == IPPROTO_UDP && sc->sockets[j].port == g->port)
				rxs_socket_join(&sc->sockets[j], &g->addr, NULL);
	}
}

/* Multicast groups the capture sends to, every one of them (the sockets that join them
 * carry them as join:). */
static int note_groups(struct rxs_scenario *sc, const struct rxs_capture_survey *sv)
{
	char line[160], a[64];
	size_t n;

	if (!sv->ngroups)
		return 0;
	n = (size_t)snprintf(line, sizeof(line), "multicast groups seen:");
	for (unsigned int i = 0; i < sv->ngroups && i < 4 && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s %s (%llu frame%s)",
				      i ? "," : "", rxs_addr_format(&sv->groups[i].addr, a,
								    sizeof(a)),
				      (unsigned long long)sv->groups[i].frames,
				      sv->groups[i].frames == 1 ? "" : "s");
	if (sv->ngroups > 4 && n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, " and %u more", sv->ngroups - 4);
	return note(sc, line);
}

/*
 * The VLAN ids of the frames to the host: a VLAN device for each on the NIC (ip link add
 * link eth0 name eth0.202 type vlan id 202), the most frequent first, up to RXS_MAX_VLANS,
 * so tagged frames reach the stack as on the host that received them. They take no address
 * of their own: the NIC's serve (IPv4's weak host model takes a local address on any
 * device). lo cannot carry VLANs (vlan_check_real_dev refuses it). A comment lists them.
 */
static int add_vlans(struct rxs_scenario *sc, const struct rxs_capture_survey *sv)
{
	struct rxs_nic_config *nic = &sc->nics[0];
	char line[160];
	size_t n;

	if (!sv->nvlans)
		return 0;
	for (unsigned int i = 0; nic->driver != RXS_DRIVER_LOOPBACK && i < sv->nvlans; i++) {
		unsigned int best = 0;

		/* Selection by frames, ties by id: sv->vlans is sorted by id. */
		for (unsigned int j = 0; j < sv->nvlans && nic->nvlans < RXS_MAX_VLANS; j++) {
			bool have = false;

			for (unsigned int k = 0; k < nic->nvlans; k++)
				have |= nic->vlans[k].id == sv->vlans[j].id;
			if (!have && (!best || sv->vlans[j].frames > sv->vlans[best - 1].frames))
				best = j + 1;
		}
		if (!best)
			break;
		memset(&nic->vlans[nic->nvlans], 0, sizeof(nic->vlans[0]));
		nic->vlans[nic->nvlans++].id = sv->vlans[best - 1].id;
	}
	n = (size_t)snprintf(line, sizeof(line), "VLAN ids seen:");
	for (unsigned int i = 0; i < sv->nvlans && i < 6 && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s %u (%llu frame%s)",
				      i ? "," : "", sv->vlans[i].id,
				      (unsigned long long)sv->vlans[i].frames,
				      sv->vlans[i].frames == 1 ? "" : "s");
	if (sv->nvlans > 6 && n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, " and %u more", sv->nvlans - 6);
	return note(sc, line);
}

/* Whether the host had the connection @f open, by the rule atop this file: 1 with the
 * reason in @why, or 0 (the listener takes it, or the host reset it: there was none). */
static int conn_verdict(const struct rxs_scenario *sc, const struct rxs_capture_flow *f,
			char *why, size_t len)
{
	unsigned long long n = (unsigned long long)f->segs;
	bool listener = false;

	if (!(f->flags & RXS_FLOW_IN) || (f->flags & RXS_FLOW_SYN_IN))
		return 0;
	if ((f->flags & RXS_FLOW_RST_OUT) && !(f->flags & (RXS_FLOW_OUT | RXS_FLOW_SYN_OUT)))
		return 0;
	if (f->flags & RXS_FLOW_SYN_OUT)
		return because(1, why, len, "the host's connection: it sent the SYN; %llu "
			       "segment%s", n, n == 1 ? "" : "s");
	if (f->flags & RXS_FLOW_SYNACK_IN)
		return because(1, why, len, "the host's connection: a SYN-ACK came to it (its SYN "
			       "is not in the capture); %llu segments", n);
	for (unsigned int i = 0; i < sc->nsockets; i++)
		listener |= sc->sockets[i].proto == IPPROTO_TCP && !sc->sockets[i].peer.family &&
			    sc->sockets[i].port == f->lport;
	if (listener)
		return because(1, why, len, "accepted by tcp:%u before the capture (no SYN in it): "
			       "assumed established; %llu segment%s", f->lport, n,
			       n == 1 ? "" : "s");
	return because(1, why, len, "begun before the capture (no SYN in it): assumed "
		       "established; %llu segment%s", n, n == 1 ? "" : "s");
}

/*
 * The host's TCP connections that no listener makes: those it opened itself (its SYN, or a
 * SYN-ACK to it, in the capture) and those the capture joined mid-way, on either side. Each
 * becomes a connected socket (connect:), as on the host that took the capture, where they
 * existed: the client's socket, or the server's accepted one. An accepted connection is
 * written the same way, bind: the server's port and connect: the client, because once
 * established a connection is the same socket whichever side opened it; it takes nothing
 * from the listener of its port. The busiest CONNS_MAX connections get one.
 */
static int add_connections(struct rxs_scenario *sc, const struct rxs_capture_survey *sv)
{
	unsigned int made = 0, left = 0;
	char why[96], line[160];

	for (unsigned int i = 0; i < sv->nflows; i++) {
		const struct rxs_capture_flow *f = &sv->flows[i];
		struct rxs_socket_config *s;
		unsigned int dup = 0;

		if (!conn_verdict(sc, f, why, sizeof(why)))
			continue;
		if (made == CONNS_MAX) {
			left++;
			continue;
		}
		if (!(s = rxs_scenario_add_socket(sc)))
			return -ENOMEM;
		made++;
		s->proto = IPPROTO_TCP;
		s->local = f->local;
		s->local.prefix = 0;
		s->port = f->lport;
		s->peer = f->peer;
		s->peer.prefix = 0;
		s->peer_port = f->pport;
		s->conn_read.kind = RXS_APP_ALL;
		snprintf(s->comment, sizeof(s->comment), "%s", why);
		/* Named by its ports; another peer on the same ports gets a number. */
		for (unsigned int j = 0; j + 1 < sc->nsockets; j++)
			dup += sc->sockets[j].peer.family && sc->sockets[j].port == f->lport &&
			       sc->sockets[j].peer_port == f->pport;
		if (dup)
			snprintf(s->name, sizeof(s->name), "tcp:%u-%u#%u", f->lport, f->pport,
				 dup + 1);
		else
			snprintf(s->name, sizeof(s->name), "tcp:%u-%u", f->lport, f->pport);
	}
	if (!left)
		return 0;
	snprintf(line, sizeof(line), "%u more TCP connections got no socket (at most %u)", left,
		 CONNS_MAX);
	return note(sc, line);
}

/* icmp_echo_ignore_all (net.ipv6.icmp.echo_ignore_all) when the host, whose own frames the
 * capture holds, answered none of the echo requests sent to it alone: icmp_echo() ignoring
 * them is what reproduces that (a firewall's drop would look the same on the wire). */
static int ignore_echoes(struct rxs_scenario *sc, const struct rxs_capture_survey *sv)
{
	static const int ids[2] = { RXS_SYSCTL_ICMP_ECHO_IGNORE_ALL,
				    RXS_SYSCTL_ICMPV6_ECHO_IGNORE_ALL };
	char line[200];

	for (int v6 = 0; v6 < 2; v6++) {
		if (!sv->from_host || !sv->echo_requests[v6] || sv->echo_replies[v6])
			continue;
		sc->sysctl.val[ids[v6]][0] = 1;
		sc->sysctl_set[ids[v6]] = true;
		snprintf(line, sizeof(line), "%s 1: the host answered none of the %llu echo "
			 "requests to it", rxs_sysctl_name(ids[v6]),
			 (unsigned long long)sv->echo_requests[v6]);
		if (note(sc, line))
			return -ENOMEM;
	}
	return 0;
}

static int fill(struct rxs_scenario *sc, const struct rxs_capture_survey *sv, const char *path,
		const char *host)
{
	struct rxs_traffic_config *t;
	char line[1200];

	snprintf(line, sizeof(line), "the host rxsim assumes for %s%s%s (rxsim scenario)", path,
		 host ? ", picked by --host " : "", host ? host : "");
	if (note(sc, line) || fill_nic(sc, sv) || add_sockets(sc, sv) ||
	    add_connections(sc, sv) || note_groups(sc, sv) || add_vlans(sc, sv) ||
	    ignore_echoes(sc, sv))
		return -ENOMEM;
	join_groups(sc, sv);
	t = rxs_scenario_add_traffic(sc);
	if (!t)
		return -ENOMEM;
	t->kind = RXS_TRAFFIC_PCAP;
	t->path = rxs__strdup(path);
	sc->path = rxs__strdup(path);
	if (!t->path || !sc->path)
		return -ENOMEM;
	snprintf(t->nic, sizeof(t->nic), "%s", sc->nics[0].name);
	sc->run.until = RXS_UNTIL_END;
	sc->run.ns = 1000000000u;
	sc->assumed = true;
	return 0;
}

/* @text as a MAC (six hex pairs with ':' or '-') or an address. 0 or -EINVAL. */
static int parse_select(struct rxs_capture_opts *sel, const char *text)
{
	unsigned int m[6];
	char end;

	if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
		   &end) == 6 ||
	    sscanf(text, "%2x-%2x-%2x-%2x-%2x-%2x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
		   &end) == 6) {
		sel->pick = RXS_PICK_MAC;
		for (int i = 0; i < 6; i++)
			sel->mac[i] = (uint8_t)m[i];
		return 0;
	}
	if (strchr(text, '/') || rxs_addr_parse(&sel->addr, text) < 0)
		return -EINVAL;
	sel->pick = RXS_PICK_ADDR;
	return 0;
}

int rxs_scenario_for_capture_host(struct rxs_scenario **scp, const char *path, const char *host,
				  char *err, size_t errlen)
{
	RXS_OPTS(rxs_capture_opts, sel, .pick = RXS_PICK_AUTO);
	struct rxs_capture_survey sv;
	struct rxs_scenario *sc = NULL;
	int rc;

	*scp = NULL;
	if (host && parse_select(&sel, host) < 0) {
		snprintf(err, errlen, "--host %s: not an IPv4 or IPv6 address or a MAC", host);
		return -EINVAL;
	}
	rc = rxs_capture_survey_host(&sv, path, &sel, err, errlen);
	if (rc < 0)
		return rc;
	if (host && !sv.unicast_to_host && !sv.from_host) {
		snprintf(err, errlen, "--host %s: no frame of %s is to or from it", host, path);
		rxs_capture_survey_free(&sv);
		return -EINVAL;
	}
	rc = rxs_scenario_create(&sc);
	if (!rc)
		rc = fill(sc, &sv, path, host);
	rxs_capture_survey_free(&sv);
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, rxs_strerror(rc));
		rxs_scenario_free(sc);
		return rc;
	}
	*scp = sc;
	return 0;
}

int rxs_scenario_for_capture(struct rxs_scenario **scp, const char *path, char *err,
			     size_t errlen)
{
	return rxs_scenario_for_capture_host(scp, path, NULL, err, errlen);
}
