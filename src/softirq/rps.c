/* rps.c - receive packet steering: get_rps_cpu(), netif_receive_skb_internal(), netif_rx()
 * and the flow limit of the backlog.
 *
 * With an rps_cpus map on the skb's RX queue, the skb does not climb the stack on the CPU
 * that polled it: get_rps_cpu() picks map[reciprocal_scale(hash, len)] and the skb is queued
 * on that CPU's backlog, the polling CPU's own included (netif_receive_skb_internal() in
 * 6.18 enqueues whenever get_rps_cpu() returns a CPU). The IPI that wakes a remote CPU's
 * backlog is sent at the end of the polling CPU's net_rx_action (softirq.c).
 *
 * The flow limit (skb_flow_limit, CONFIG_NET_FLOW_LIMIT) keeps, per enqueueing CPU listed in
 * flow_limit_cpu_bitmap, the buckets of its last 128 packets; once the target backlog is
 * half full, a packet whose bucket holds more than half of that history is dropped, so one
 * heavy flow cannot fill the backlog for the others.
 */
#include <errno.h>
#include <string.h>

#include "core/core.h"
#include "host.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "softirq/softirq.h"

#define FLOW_LIMIT_HISTORY 128		/* (1 << 7), must be a power of two */

struct rxs_flow_limit {
	unsigned int num_buckets;	/* a power of two */
	unsigned int history_head;
	uint16_t history[FLOW_LIMIT_HISTORY];
	uint8_t buckets[];
};

/* reciprocal_scale(): @val scaled into [0, @ep_ro) without a division. */
static uint32_t reciprocal_scale(uint32_t val, uint32_t ep_ro)
{
	return (uint32_t)(((uint64_t)val * ep_ro) >> 32);
}

int rxs__get_rps_cpu(const struct rxs_netdev *dev, unsigned int q, uint32_t hash)
{
	uint64_t mask = q < RXS_MAX_QUEUES ? dev->cfg.rps_cpus[q] : 0;
	unsigned int cpus[64], len = 0;

	if (!mask || !hash)
		return -1;
	/* rps_map->cpus lists the mask's CPUs in ascending order (store_rps_map). */
	for (unsigned int c = 0; c < 64 && c < dev->host->ncpus; c++)
		if (mask >> c & 1)
			cpus[len++] = c;
	if (!len)
		return -1;
	return (int)cpus[reciprocal_scale(hash, len)];
}

/* get_rps_cpu() for a queue with an rps_cpus map. Out of line, so that a queue without one
 * (the common case) is told in rxs__rps_map_on()'s few loads, without a call. */
static RXS_NOINLINE int rps_map_target(struct rxs_sk_buff *skb)
{
	/* skb_get_hash(): a hash that covers no ports (UDP hashed sd by the NIC) is replaced
	 * by the flow dissector's, which does. */
	uint32_t hash = rxs__flow_hash(skb->dev->rss_tab, rxs_skb_mac_header(skb),
				       skb->tail - skb->mac_header);

	if (hash)
		skb->hash = hash;
	return rxs__get_rps_cpu(skb->dev, rxs__skb_get_rx_queue(skb), skb->hash);
}

static RXS_ALWAYS_INLINE int rps_target(struct rxs_sk_buff *skb)
{
	if (!rxs__rps_map_on(skb))
		return -1;
	return rps_map_target(skb);
}

void rxs__netif_receive_skb_rps(struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	int cpu = rps_map_target(skb);

	if (cpu < 0) {
		rxs__netif_receive_skb(skb);
		return;
	}
	rxs__charge(sd, rxs__cost(sd->host, RXS_COST_NETIF_RX));
	rxs__enqueue_to_backlog_from(sd->host, skb, (unsigned int)cpu, sd->cpu, sd->now);
}

int rxs__netif_rx(struct rxs_sk_buff *skb, uint64_t t)
{
	struct rxs_host *h = rxs__skb_host(skb);
	unsigned int this_cpu = skb->cpu;
	int cpu = rps_target(skb);

	return rxs__enqueue_to_backlog_from(h, skb, cpu < 0 ? this_cpu : (unsigned int)cpu,
					    this_cpu, t);
}

bool rxs__skb_flow_limit(struct rxs_softnet_data *sd, const struct rxs_sk_buff *skb,
			 uint32_t qlen, int64_t max_backlog)
{
	struct rxs_flow_limit *fl = sd->flow_limit;
	unsigned int old_flow, new_flow;

	if ((int64_t)qlen < (max_backlog >> 1) || !fl)
		return false;
	new_flow = skb->hash & (fl->num_buckets - 1);
	old_flow = fl->history[fl->history_head];
	fl->history[fl->history_head] = (uint16_t)new_flow;
	fl->history_head = (fl->history_head + 1) & (FLOW_LIMIT_HISTORY - 1);
	if (fl->buckets[old_flow])
		fl->buckets[old_flow]--;
	if (++fl->buckets[new_flow] > (FLOW_LIMIT_HISTORY >> 1)) {
		/* fl->count: softnet_stat column 11 of the enqueueing CPU. */
		sd->stat.flow_limit_count++;
		return true;
	}
	return false;
}

int rxs__flow_limit_init(struct rxs_softnet_data *sd)
{
	struct rxs_host *h = sd->host;
	uint64_t bitmap = (uint64_t)h->softnet.sysctl_flow_limit_cpu_bitmap;
	uint64_t len = (uint64_t)h->softnet.sysctl_flow_limit_table_len;
	unsigned int n = 1;

	if (sd->flow_limit || sd->cpu >= 64 || !(bitmap >> sd->cpu & 1))
		return 0;
	/* The table is sized when the bitmap is written; its buckets are a power of two
	 * (the history keeps bucket numbers in 16 bits). */
	while ((uint64_t)n * 2 <= len && n < (1u << 16))
		n *= 2;
	sd->flow_limit = rxs__calloc(1, sizeof(*sd->flow_limit) + n);
	if (!sd->flow_limit)
		return -ENOMEM;
	sd->flow_limit->num_buckets = n;
	return 0;
}

void rxs__flow_limit_destroy(struct rxs_softnet_data *sd)
{
	rxs__free(sd->flow_limit);
	sd->flow_limit = NULL;
}
