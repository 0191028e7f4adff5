/* netdevice.h - the device, the NAPI instance and the per-CPU softnet_data, as
 * include/linux/netdevice.h holds net_device, napi_struct and softnet_data.
 *
 * A leaf (header only): every layer of the path reads these, skb->dev points to a device
 * and each layer counts its MIB counters on the CPU's softnet_data, so they sit below all
 * their readers. The modules that fill them own the functions: the NIC and core (nic/nic.h,
 * core/core.h) make devices, softirq (softirq/softirq.h) runs softnet_data and NAPI.
 */
#ifndef RXSIM_NETDEVICE_NETDEVICE_H
#define RXSIM_NETDEVICE_NETDEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "rxsim/hooks.h"
#include "rxsim/nic.h"
#include "rxsim/sim.h"
#include "rxsim/softirq.h"
#include "rxsim/stats.h"
#include "skb/skb.h"

struct rxs_host;
struct rxs_mc_group;
struct rxs_rx_queue;
struct rxs_flow_limit;
struct rxs_bpf_link;

/* A NAPI instance: a driver queue's, or a CPU's backlog (process_backlog). */
struct rxs_napi {
	struct rxs_napi *poll_next;	/* link in softnet_data.poll_list */
	int (*poll)(struct rxs_napi *napi, int budget);
	int weight;
	bool scheduled;			/* NAPI_STATE_SCHED */
	bool missed;			/* NAPI_STATE_MISSED */
	unsigned int cpu;
	void *owner;			/* struct rxs_rx_queue or struct rxs_softnet_data */
	struct rxs_netdev *dev;		/* a driver queue's device (napi->dev), else NULL */
	unsigned int index;		/* that queue's index on @dev */
};

struct rxs_napi_list {
	struct rxs_napi *head, *tail;
};

/* What ends a structure of which each CPU thread of the threaded engine writes its own, in
 * an array: its last line that another writes to starts a whole line after its neighbour's
 * (false sharing, which would cost every packet a cache miss, whatever the alignment
 * malloc() gave the array). */
#define RXS_CACHE_LINE 64

/* Per-CPU receive state: the kernel's struct softnet_data, plus our CPU clock. Its size is a
 * power of two, RXS_SD_SIZE: the path finds a CPU's by index (rxs__skb_sd()), which a power of
 * two makes one shift, where a size like 17 x 128 costs every use three instructions more. */
#define RXS_SD_SIZE 4096
struct rxs_softnet_data {
	union {
		struct {
			unsigned int cpu;
			struct rxs_host *host;
			struct rxs_napi_list poll_list;
			struct rxs_napi backlog;	/* process_backlog */
			struct rxs_skb_queue input_pkt_queue;
			struct rxs_skb_queue process_queue;
			/* net_rx_action state, kept across events so one invocation spans
			 * several polls: one under way (running: budget is live), NET_RX_SOFTIRQ
			 * raised (its event queued) */
			bool in_net_rx_action, running, softirq_pending;
			int budget;
			/* IP ids of this CPU's datagrams that may be fragmented
			 * (ip_select_ident()'s role) */
			uint16_t ip_ident;
			uint64_t time_limit_ns;		/* the time limit's jiffy begins */
			struct rxs_napi_list list;	/* snapshot being polled */
			struct rxs_napi_list repoll;
			unsigned int restarts;		/* handle_softirqs restarts */
			uint64_t burst_start;		/* when this softirq burst began */
			bool in_ksoftirqd;
			/* The last NF_HOOK walk on this CPU ended in NF_DROP (nf_hook_slow()'s
			 * -EPERM), not queued or stolen: whether a sender counts the packet as
			 * discarded. */
			bool nf_dropped;
			/* CPU time: the CPU is busy until this virtual time */
			uint64_t now;
			struct rxs_softnet_stat stat;
			struct rxs_cpu_stats cpu_stats;
			uint64_t mib[RXS_MIB_COUNT];
			/* RPS (src/softirq/rps.c): CPUs whose backlog this CPU filled and must
			 * IPI at the end of its net_rx_action (rps_ipi_list), linked through the
			 * targets' rps_ipi_next */
			struct rxs_softnet_data *rps_ipi_list;
			struct rxs_softnet_data *rps_ipi_next;
			/* NULL unless in flow_limit_cpu_bitmap */
			struct rxs_flow_limit *flow_limit;
			/* input_pkt_queue, backlog.scheduled and .missed, which other CPUs'
			 * netif_rx() write (rps_lock()); and flow_limit, which a NIC's thread may
			 * use too */
			struct rxs_lock backlog_lock;
			struct rxs_lock flow_limit_lock;
			char pad[RXS_CACHE_LINE];	/* see RXS_CACHE_LINE */
		};
		char size_[RXS_SD_SIZE];
	};
};
_Static_assert(sizeof(struct rxs_softnet_data) == RXS_SD_SIZE,
	       "struct rxs_softnet_data has outgrown RXS_SD_SIZE: double it");

struct rxs_netdev {
	struct rxs_nic_config cfg;
	struct rxs_host *host;
	unsigned int ifindex;
	struct rxs_rx_queue *rxq;
	unsigned int nrxq;
	struct rxs_nic_stats core;		/* counters the core keeps (rx_dropped...) */
	struct rxs_lock lock;			/* core: see RXS_NETDEV_INC */
	uint32_t (*rss_tab)[256];		/* Toeplitz by input byte position and value */
	uint16_t *rss_indir;			/* queue by hash % rss_indir_size */
	unsigned int rss_indir_size;
	uint32_t rss_indir_mask;		/* size - 1 if a power of 2 (the default), or 0 */
	/* Multicast groups joined on this device and the MAC addresses they put in its filter
	 * (ip_mc_list / ifmcaddr6, dev->mc): src/proto/igmp.c, fixed once the host exists. */
	struct rxs_mc_group *mc;
	unsigned int nmc;
	uint8_t (*mc_mac)[6];
	unsigned int nmc_mac;
	/* 802.1Q: a NIC's VLAN devices (a run of h->devs), or a VLAN device's NIC and id. A
	 * VLAN device has no queues: frames reach it only through vlan_do_receive(). */
	struct rxs_netdev *vlan_devs;
	unsigned int nvlans;
	struct rxs_netdev *real_dev;		/* NULL for a NIC */
	uint16_t vlan_id;
	/* eBPF programs attached (bpf/bpf.h), or NULL: native XDP (the driver's poll), generic
	 * XDP (netif_receive_skb) and tc ingress (sch_handle_ingress). */
	struct rxs_bpf_link *xdp;
	struct rxs_bpf_link *xdp_generic;
	struct rxs_bpf_link *tc_ingress;
	/* The IPv6 link-local address addrconf gives the device when IPv6 comes up (fe80:: and
	 * the EUI-64 of its MAC; src/proto's rxs__addrconf_init()), or all zero: IPv6 off, or
	 * lo. An address of the device's, beside those its configuration lists. */
	uint8_t ll6[16];
};

/* Count on a device's core counters (rx_dropped...), which several threads may share. */
#define RXS_NETDEV_INC(dev, field)                                                           \
	do {                                                                                 \
		struct rxs_netdev *dev_ = (dev);                                             \
		rxs__lock_acquire(&dev_->lock);                                              \
		dev_->core.field++;                                                          \
		rxs__lock_release(&dev_->lock);                                              \
	} while (0)

/* Charge @ns of CPU time to @sd: its clock moves on. */
static inline void rxs__charge(struct rxs_softnet_data *sd, uint64_t ns)
{
	sd->now += ns;
	sd->cpu_stats.busy_ns += ns;
}
static inline void rxs__mib_inc(struct rxs_softnet_data *sd, enum rxs_mib mib)
{
	sd->mib[mib]++;
}
static inline void rxs__mib_add(struct rxs_softnet_data *sd, enum rxs_mib mib, uint64_t n)
{
	sd->mib[mib] += n;
}

/* An entry of ptype_base (struct packet_type): the handler of an ethertype. rxsim's own
 * handlers (IPv4, IPv6, ARP: proto) are RXS__OWN_PACKET_TYPES such entries that the host's
 * builder hands to core, so proto names no core type and core no protocol. */
#define RXS__OWN_PACKET_TYPES 3
struct rxs_packet_type {
	uint16_t type;
	rxs_packet_fn fn;
	void *ctx;
};

#endif /* RXSIM_NETDEVICE_NETDEVICE_H */
