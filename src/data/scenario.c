/* scenario.c - the helpers every module may use over a scenario's plain data (the structs of
 * rxsim/config.h): its end, its sysctls' effective values, a VLAN device's name, a NIC's
 * addresses. config/ fills a scenario, sim/ builds a host from a copy it frees itself, and
 * the path reads the devices' configurations; none of them needs the others for these. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "data/data.h"
#include "internal.h"

void rxs_scenario_free(struct rxs_scenario *sc)
{
	if (!sc)
		return;
	for (unsigned int i = 0; i < sc->ntaps; i++) {
		rxs__free(sc->taps[i].filter);
		rxs__free(sc->taps[i].write);
	}
	for (unsigned int i = 0; i < sc->ntraffic; i++)
		rxs__free(sc->traffic[i].path);
	for (unsigned int i = 0; i < sc->nsockets; i++)
		rxs__free(sc->sockets[i].join);
	rxs__free(sc->nics);
	rxs__free(sc->routes);
	rxs__free(sc->neighbours);
	rxs__free(sc->sockets);
	rxs__free(sc->taps);
	rxs__free(sc->traffic);
	rxs__free(sc->bpf_maps);
	rxs__free(sc->netfilter);
	rxs__free(sc->nftables);
	rxs__free(sc->netfilter6);
	rxs__free(sc->nftables_file);
	rxs__free(sc->ipsets);
	rxs__free(sc->path);
	rxs__free(sc->dir);
	rxs__free(sc->comment);
	rxs__free(sc);
}

int64_t rxs_scenario_sysctl(const struct rxs_scenario *sc, enum rxs_sysctl_id id)
{
	/* netdev_budget_usecs defaults to 2 jiffies (2 * USEC_PER_SEC / HZ). */
	if (id == RXS_SYSCTL_NETDEV_BUDGET_USECS && !sc->sysctl_set[id] &&
	    sc->sysctl.val[id][0] == 0)
		return 2 * 1000000 / (sc->host.hz ? sc->host.hz : 250);
	return sc->sysctl.val[id][0];
}

const char *rxs_vlan_name(const struct rxs_nic_config *nic, const struct rxs_vlan_config *vlan,
			  char buf[RXS_NAME_MAX])
{
	if (vlan->name[0])
		snprintf(buf, RXS_NAME_MAX, "%s", vlan->name);
	else
		snprintf(buf, RXS_NAME_MAX, "%.*s.%u", RXS_NAME_MAX - 6, nic->name, vlan->id);
	return buf;
}

bool rxs__nic_has_addr(const struct rxs_nic_config *nic, int family, const uint8_t *addr)
{
	unsigned int len = family == AF_INET ? 4 : 16;

	for (unsigned int i = 0; i < nic->naddrs; i++) {
		const struct rxs_addr *a = &nic->addrs[i];

		if (a->family == family && !memcmp(a->addr, addr, len))
			return true;
	}
	return false;
}
