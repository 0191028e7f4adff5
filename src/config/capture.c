/* capture.c - the default host for `rxsim replay capture.pcap`.
 *
 * A capture replayed without a scenario runs on a host that owns its traffic: one generic
 * NIC whose MAC is the capture's most frequent unicast destination MAC, with every unicast
 * destination address of the frames sent to that MAC (up to RXS_MAX_ADDRS, the most
 * frequent first), and a dual-stack UDP socket or TCP listener (backlog SOMAXCONN) on every
 * destination port of those frames, read (and accepted) by an application that keeps up.
 * A TCP port that is only ever a client's source port in the capture still gets a listener
 * when some frame was sent to it; segments of connections opened before the capture began
 * find no connection and are reset, as on a host that restarted.
 * What the report then shows is what the receive path itself does to that traffic.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "rxsim/config.h"
#include "rxsim/error.h"
#include "rxsim/nic.h"

static int add_sockets(struct rxs_scenario *sc, const struct rxs_capture_survey *sv)
{
	for (unsigned int i = 0; i < sv->nports; i++) {
		int proto = sv->ports[i].proto;
		struct rxs_socket_config *s;

		if (proto != IPPROTO_UDP && proto != IPPROTO_TCP)
			continue;
		s = rxs_scenario_add_socket(sc);
		if (!s)
			return -ENOMEM;
		snprintf(s->name, sizeof(s->name), "%s:%u", proto == IPPROTO_TCP ? "tcp" : "udp",
			 (unsigned int)sv->ports[i].port);
		s->proto = proto;
		s->backlog = 4096;	/* listen(fd, SOMAXCONN) */
		memset(&s->local, 0, sizeof(s->local));
		s->local.family = AF_INET6;	/* [::]: takes IPv4 and IPv6 */
		s->port = sv->ports[i].port;
		s->app.kind = RXS_APP_ALL;
	}
	return 0;
}

static int fill(struct rxs_scenario *sc, const struct rxs_capture_survey *sv, const char *path)
{
	static const uint8_t fallback_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	struct rxs_nic_config *nic = rxs_scenario_add_nic(sc);
	struct rxs_traffic_config *t;

	if (!nic)
		return -ENOMEM;
	snprintf(nic->name, sizeof(nic->name), "eth0");
	nic->driver = RXS_DRIVER_GENERIC;
	nic->ring_size = 4096;
	memcpy(nic->mac, sv->nmacs ? sv->macs[0] : fallback_mac, sizeof(nic->mac));
	nic->naddrs = RXS_MIN(sv->naddrs, (unsigned int)RXS_MAX_ADDRS);
	memcpy(nic->addrs, sv->addrs, nic->naddrs * sizeof(nic->addrs[0]));
	if (add_sockets(sc, sv))
		return -ENOMEM;
	t = rxs_scenario_add_traffic(sc);
	if (!t)
		return -ENOMEM;
	t->kind = RXS_TRAFFIC_PCAP;
	t->path = rxs__strdup(path);
	sc->path = rxs__strdup(path);
	if (!t->path || !sc->path)
		return -ENOMEM;
	snprintf(t->nic, sizeof(t->nic), "eth0");
	sc->run.until = RXS_UNTIL_END;
	sc->run.ns = 1000000000u;
	return 0;
}

int rxs_scenario_for_capture(struct rxs_scenario **scp, const char *path, char *err,
			     size_t errlen)
{
	struct rxs_capture_survey sv;
	struct rxs_scenario *sc = NULL;
	int rc;

	*scp = NULL;
	rc = rxs_capture_survey(&sv, path, err, errlen);
	if (rc < 0)
		return rc;
	/* A two-way capture sends frames to both ends: the host is the end whose MAC is most
	 * often the destination, and its addresses are those of the frames sent to it. */
	if (sv.nmacs) {
		uint8_t mac[6];

		memcpy(mac, sv.macs[0], 6);
		rxs_capture_survey_free(&sv);
		rc = rxs_capture_survey_mac(&sv, path, mac, err, errlen);
		if (rc < 0)
			return rc;
		if (!sv.nmacs) {
			rxs_capture_survey_free(&sv);
			return -EIO;
		}
		memcpy(sv.macs[0], mac, 6);
	}
	rc = rxs_scenario_create(&sc);
	if (!rc)
		rc = fill(sc, &sv, path);
	rxs_capture_survey_free(&sv);
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, rxs_strerror(rc));
		rxs_scenario_free(sc);
		return rc;
	}
	*scp = sc;
	return 0;
}
