/* softirq.h - what the softirq code (net_rx_action, NAPI, GRO, RPS, the backlog) offers the
 * modules above it, and its state of a host (struct rxs_netns_softnet, the host's
 * h->softnet): its copies of the net.core sysctls it reads. softnet_data and the NAPI
 * instance, which every layer reads, are in netdevice/netdevice.h; the public part is
 * rxsim/softirq.h.
 */
#ifndef RXSIM_SOFTIRQ_SOFTIRQ_H
#define RXSIM_SOFTIRQ_SOFTIRQ_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"
#include "netdevice/netdevice.h"
#include "rxsim/softirq.h"
#include "skb/skb.h"

struct rxs_host;

/* GRO state of one NAPI (struct gro_node): held skbs by bucket, skb->hash & 7. */
#define RXS_GRO_HASH_BUCKETS 8
#define RXS_GRO_MAX_SKBS 8		/* MAX_GRO_SKBS: held flows per bucket */

struct rxs_gro {
	struct rxs_sk_buff *hash[RXS_GRO_HASH_BUCKETS];	/* oldest first, linked by next */
	unsigned int count[RXS_GRO_HASH_BUCKETS];
	unsigned int bitmask;			/* gro_bitmask: the buckets holding any skb */
	uint64_t jiffies;			/* now, for the age of what is held */
	struct rxs_gro_stats stats;
};

/* softirq's state of a host: the net.core sysctls it reads, as the kernel's netdev_budget,
 * netdev_max_backlog, dev_weight... */
struct rxs_netns_softnet {
	int64_t sysctl_netdev_budget;
	int64_t sysctl_netdev_budget_usecs;
	int64_t sysctl_netdev_max_backlog;
	int64_t sysctl_dev_weight;
	int64_t sysctl_dev_weight_rx_bias;
	int64_t sysctl_flow_limit_cpu_bitmap;
	int64_t sysctl_flow_limit_table_len;
};

/* ---- GRO (src/softirq/gro.c) ---- */
/* napi_gro_receive(): merge @skb into a held flow, hold it, or pass it up at once. Takes
 * ownership of @skb. */
void rxs__napi_gro_receive(struct rxs_gro *gro, struct rxs_sk_buff *skb);
/* gro_flush(): pass the held skbs up, bucket by bucket, oldest first; with @flush_old only
 * those held before the current jiffy (gro->jiffies). */
void rxs__gro_flush(struct rxs_gro *gro, bool flush_old);
/* Held skbs, for conservation; and their release when the device goes away. */
uint32_t rxs__gro_held(const struct rxs_gro *gro);
void rxs__gro_purge(struct rxs_gro *gro);

/* ---- RPS (src/softirq/rps.c) ---- */
/* Whether @skb's RX queue has an rps_cpus map (get_rps_cpu()'s rxqueue->rps_map). */
static inline bool rxs__rps_map_on(const struct rxs_sk_buff *skb)
{
	const struct rxs_netdev *dev = skb->dev;
	unsigned int q = rxs__skb_get_rx_queue(skb);

	return dev && q < RXS_MAX_QUEUES && dev->cfg.rps_cpus[q];
}
/* netif_receive_skb_internal() for a queue with a map: to the backlog of the RPS CPU (the
 * current one included), or __netif_receive_skb when get_rps_cpu() finds none. */
void rxs__netif_receive_skb_rps(struct rxs_sk_buff *skb);
/* netif_receive_skb_internal(): to the backlog of the RPS CPU (the current one included)
 * when @skb's queue has an rps_cpus map, else __netif_receive_skb. Takes ownership. Inline:
 * most queues have no map, and every skb asks. */
static inline void rxs__netif_receive_skb_internal(struct rxs_sk_buff *skb)
{
	if (rxs__rps_map_on(skb))
		rxs__netif_receive_skb_rps(skb);
	else
		rxs__netif_receive_skb(skb);
}
/* netif_rx(): to the backlog of the RPS CPU, or of @skb->cpu. Takes ownership. 0 or -ENOBUFS. */
int rxs__netif_rx(struct rxs_sk_buff *skb, uint64_t t);
/* get_rps_cpu(): the CPU of @hash in queue @q's rps_cpus, or -1 (no map, or hash 0). */
int rxs__get_rps_cpu(const struct rxs_netdev *dev, unsigned int q, uint32_t hash);
/* skb_flow_limit() on the enqueueing CPU @sd: true when @skb must be dropped. */
bool rxs__skb_flow_limit(struct rxs_softnet_data *sd, const struct rxs_sk_buff *skb,
			 uint32_t qlen, int64_t max_backlog);
/* Allocate @sd's flow-limit table if its CPU is in flow_limit_cpu_bitmap. 0 or -ENOMEM. */
int rxs__flow_limit_init(struct rxs_softnet_data *sd);
void rxs__flow_limit_destroy(struct rxs_softnet_data *sd);

/* ---- softirq ---- */
/* napi:napi_poll after one ->poll() of @napi (a no-op unless traced); the napi id and device
 * name are the softirq's to know. */
void rxs__napi_poll_trace(struct rxs_softnet_data *sd, const struct rxs_napi *napi, int work,
			  int budget);
int rxs__softnet_init(struct rxs_host *h, struct rxs_softnet_data *sd, unsigned int cpu);
void rxs__softnet_destroy(struct rxs_softnet_data *sd);
/* napi_schedule() from hard-IRQ context at time @t on the NAPI's CPU. */
void rxs__napi_schedule(struct rxs_host *h, struct rxs_napi *napi, uint64_t t);
/* napi_complete_done(): true when the NAPI is off the poll list and its IRQ may be unmasked. */
bool rxs__napi_complete_done(struct rxs_host *h, struct rxs_napi *napi, int work, uint64_t t);
/* Set the backlog NAPI's weight from the sysctls (dev_weight * dev_weight_rx_bias). */
void rxs__softnet_set_weights(struct rxs_softnet_data *sd);
/* An RPS IPI reaches @sd at @t (the threaded engine's CPU takes it from its mailbox). */
void rxs__rps_trigger_softirq(struct rxs_softnet_data *sd, uint64_t t);
/* netif_rx() from outside the CPU left @sd's backlog scheduled: list it and raise. */
void rxs__backlog_schedule(struct rxs_softnet_data *sd, uint64_t t);
/* NET_RX_SOFTIRQ, raised on @sd: run (part of) net_rx_action there at @t. */
void rxs__net_rx_action(struct rxs_softnet_data *sd, uint64_t t);
/* netif_rx(): queue @skb on @cpu's backlog at time @t. Takes ownership. */
int rxs__enqueue_to_backlog(struct rxs_host *h, struct rxs_sk_buff *skb, unsigned int cpu,
			    uint64_t t);
/* enqueue_to_backlog() from CPU @this_cpu onto @cpu's backlog: a remote CPU gets its IPI at
 * the end of @this_cpu's net_rx_action. Takes ownership. 0 or -ENOBUFS (dropped). */
int rxs__enqueue_to_backlog_from(struct rxs_host *h, struct rxs_sk_buff *skb, unsigned int cpu,
				 unsigned int this_cpu, uint64_t t);

#endif /* RXSIM_SOFTIRQ_SOFTIRQ_H */
