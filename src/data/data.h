/* data/data.h - helpers over a scenario's plain data, below every module that reads it. The
 * public ones (rxs_scenario_free, rxs_scenario_sysctl, rxs_vlan_name) are in rxsim/config.h. */
#ifndef RXSIM_DATA_DATA_H
#define RXSIM_DATA_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "rxsim/config.h"

/* Whether @addr (of @family, AF_INET or AF_INET6) is one of @nic's addresses. */
bool rxs__nic_has_addr(const struct rxs_nic_config *nic, int family, const uint8_t *addr);

#endif /* RXSIM_DATA_DATA_H */
