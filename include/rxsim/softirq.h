/* rxsim/softirq.h - per-CPU receive processing: NET_RX_SOFTIRQ, net_rx_action, backlogs.
 *
 * A host's CPUs are indices 0 .. rxs_host_ncpus() - 1 (rxsim/sim.h); this header reads their
 * softnet_data and names the kernel constants the model uses.
 */
#ifndef RXSIM_SOFTIRQ_H
#define RXSIM_SOFTIRQ_H

#include <stdint.h>

#include "rxsim/export.h"
#include "rxsim/stats.h"

#define RXS_NAPI_POLL_WEIGHT 64		/* NAPI_POLL_WEIGHT: a driver queue's weight */
#define RXS_MAX_SOFTIRQ_RESTART 10	/* handle_softirqs() restarts before ksoftirqd */
#define RXS_MAX_SOFTIRQ_TIME_MS 2	/* MAX_SOFTIRQ_TIME = msecs_to_jiffies(2) */

struct rxs_host;

/* CPU @cpu's /proc/net/softnet_stat line, with its backlog's length now. 0 or -EINVAL. */
RXS_API int rxs_softnet_get_stat(const struct rxs_host *h, unsigned int cpu,
				 struct rxs_softnet_stat *st);

/* skbs in CPU @cpu's backlog (input and process queues) now, for samplers; 0 when out of
 * range. */
RXS_API uint32_t rxs_softnet_backlog_len(const struct rxs_host *h, unsigned int cpu);

#endif /* RXSIM_SOFTIRQ_H */
