/* rxsim/softirq.h - per-CPU receive processing: NET_RX_SOFTIRQ, net_rx_action, backlogs.
 *
 * The counters are read through rxs_host_softnet_stat() (sim.h); this header names the
 * kernel constants the model uses.
 */
#ifndef RXSIM_SOFTIRQ_H
#define RXSIM_SOFTIRQ_H

#define RXS_NAPI_POLL_WEIGHT 64		/* NAPI_POLL_WEIGHT: a driver queue's weight */
#define RXS_MAX_SOFTIRQ_RESTART 10	/* handle_softirqs() restarts before ksoftirqd */
#define RXS_MAX_SOFTIRQ_TIME_MS 2	/* MAX_SOFTIRQ_TIME = msecs_to_jiffies(2) */

#endif /* RXSIM_SOFTIRQ_H */
