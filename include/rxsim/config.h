/* rxsim/config.h - the scenario: a host, its sysctls, NICs, sockets, taps and traffic.
 *
 * A scenario is plain data: the YAML file of DESIGN.md parsed into the structs below, with
 * the kernel's default for everything the file leaves out. rxs_host_create() turns it into a
 * running host. Programs may also fill a scenario in code: rxs_scenario_create() gives one
 * with every default set, and the rxs_scenario_add_*() calls append zeroed-with-defaults
 * entries to its arrays.
 */
#ifndef RXSIM_CONFIG_H
#define RXSIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rxsim/export.h"

#define RXS_MAX_QUEUES 64
#define RXS_MAX_CPUS 64
#define RXS_MAX_ADDRS 8
#define RXS_NAME_MAX 32
#define RXS_MAX_VLANS 16
#define RXS_RSS_KEY_LEN 40		/* Toeplitz key bytes (ethtool -X hkey) */
#define RXS_RSS_INDIR_MAX 512		/* largest indirection table (ethtool -X) */
#define RXS_RSS_INDIR_DEFAULT 128	/* the generic driver's table size */

/*
 * Every sysctl we model, with its kernel default on the 6.18 reference host (HZ=250) and its
 * valid range. XX(ENUM, "name", nvals, default0, default1, default2, min, max).
 * netdev_budget_usecs' default depends on HZ (2 jiffies): 0 here means "derive from hz".
 */
#define RXS_SYSCTL_MAP(XX) \
	XX(NETDEV_BUDGET, "net.core.netdev_budget", 1, 300, 0, 0, 1, 1000000) \
	XX(NETDEV_BUDGET_USECS, "net.core.netdev_budget_usecs", 1, 0, 0, 0, 0, 100000000) \
	XX(NETDEV_MAX_BACKLOG, "net.core.netdev_max_backlog", 1, 1000, 0, 0, 0, 100000000) \
	XX(DEV_WEIGHT, "net.core.dev_weight", 1, 64, 0, 0, 1, 1000000) \
	XX(DEV_WEIGHT_RX_BIAS, "net.core.dev_weight_rx_bias", 1, 1, 0, 0, 1, 1000000) \
	XX(GRO_NORMAL_BATCH, "net.core.gro_normal_batch", 1, 8, 0, 0, 1, 1000000) \
	XX(FLOW_LIMIT_CPU_BITMAP, "net.core.flow_limit_cpu_bitmap", 1, 0, 0, 0, 0, INT64_MAX) \
	XX(FLOW_LIMIT_TABLE_LEN, "net.core.flow_limit_table_len", 1, 4096, 0, 0, 1, 1 << 30) \
	XX(RMEM_DEFAULT, "net.core.rmem_default", 1, 212992, 0, 0, 0, INT32_MAX) \
	XX(RMEM_MAX, "net.core.rmem_max", 1, 4194304, 0, 0, 0, INT32_MAX) \
	XX(WMEM_DEFAULT, "net.core.wmem_default", 1, 212992, 0, 0, 0, INT32_MAX) \
	XX(WMEM_MAX, "net.core.wmem_max", 1, 4194304, 0, 0, 0, INT32_MAX) \
	XX(SOMAXCONN, "net.core.somaxconn", 1, 4096, 0, 0, 0, INT32_MAX) \
	XX(UDP_RMEM_MIN, "net.ipv4.udp_rmem_min", 1, 4096, 0, 0, 0, INT32_MAX) \
	XX(TCP_MAX_SYN_BACKLOG, "net.ipv4.tcp_max_syn_backlog", 1, 2048, 0, 0, 0, INT32_MAX) \
	XX(TCP_SYNCOOKIES, "net.ipv4.tcp_syncookies", 1, 1, 0, 0, 0, 2) \
	XX(TCP_SYNACK_RETRIES, "net.ipv4.tcp_synack_retries", 1, 5, 0, 0, 0, 255) \
	XX(TCP_ABORT_ON_OVERFLOW, "net.ipv4.tcp_abort_on_overflow", 1, 0, 0, 0, 0, 1) \
	XX(TCP_RMEM, "net.ipv4.tcp_rmem", 3, 4096, 131072, 33554432, 1, INT32_MAX) \
	XX(TCP_MODERATE_RCVBUF, "net.ipv4.tcp_moderate_rcvbuf", 1, 1, 0, 0, 0, 1) \
	XX(TCP_WMEM, "net.ipv4.tcp_wmem", 3, 4096, 16384, 4194304, 1, INT32_MAX) \
	XX(TCP_MEM, "net.ipv4.tcp_mem", 3, 287907, 383877, 575814, 0, INT64_MAX) \
	XX(MEM_PCPU_RSV, "net.core.mem_pcpu_rsv", 1, 256, 0, 0, 0, INT32_MAX) \
	XX(ICMP_RATELIMIT, "net.ipv4.icmp_ratelimit", 1, 1000, 0, 0, 0, INT32_MAX) \
	XX(ICMP_RATEMASK, "net.ipv4.icmp_ratemask", 1, 6168, 0, 0, 0, INT32_MAX) \
	XX(ICMP_MSGS_PER_SEC, "net.ipv4.icmp_msgs_per_sec", 1, 1000, 0, 0, 0, INT32_MAX) \
	XX(ICMP_MSGS_BURST, "net.ipv4.icmp_msgs_burst", 1, 50, 0, 0, 0, INT32_MAX) \
	XX(ICMP_ECHO_IGNORE_ALL, "net.ipv4.icmp_echo_ignore_all", 1, 0, 0, 0, 0, 1) \
	XX(ICMP_ECHO_IGNORE_BROADCASTS, "net.ipv4.icmp_echo_ignore_broadcasts", 1, 1, 0, 0, 0, 1) \
	XX(ICMPV6_RATELIMIT, "net.ipv6.icmp.ratelimit", 1, 100, 0, 0, 0, INT32_MAX) \
	XX(ICMPV6_ECHO_IGNORE_ALL, "net.ipv6.icmp.echo_ignore_all", 1, 0, 0, 0, 0, 1) \
	XX(IP_FORWARD, "net.ipv4.ip_forward", 1, 0, 0, 0, 0, 1) \
	XX(IPV6_FORWARDING, "net.ipv6.conf.all.forwarding", 1, 0, 0, 0, 0, 1) \
	XX(IPFRAG_HIGH_THRESH, "net.ipv4.ipfrag_high_thresh", 1, 4194304, 0, 0, 0, INT32_MAX) \
	XX(IPFRAG_TIME, "net.ipv4.ipfrag_time", 1, 30, 0, 0, 0, INT32_MAX) \
	XX(NF_CONNTRACK_MAX, "net.netfilter.nf_conntrack_max", 1, 262144, 0, 0, 0, INT32_MAX) \
	XX(RP_FILTER, "net.ipv4.conf.all.rp_filter", 1, 0, 0, 0, 0, 2) \
	XX(SEND_REDIRECTS, "net.ipv4.conf.all.send_redirects", 1, 1, 0, 0, 0, 1) \
	XX(TCP_TIMESTAMPS, "net.ipv4.tcp_timestamps", 1, 1, 0, 0, 0, 2) \
	XX(TCP_SACK, "net.ipv4.tcp_sack", 1, 1, 0, 0, 0, 1) \
	XX(TCP_WINDOW_SCALING, "net.ipv4.tcp_window_scaling", 1, 1, 0, 0, 0, 1)

enum rxs_sysctl_id {
#define XX(id, name, n, d0, d1, d2, lo, hi) RXS_SYSCTL_##id,
	RXS_SYSCTL_MAP(XX)
#undef XX
	RXS_SYSCTL_COUNT
};

struct rxs_sysctls {
	int64_t val[RXS_SYSCTL_COUNT][3];	/* val[id][0] for single-valued sysctls */
};

/* Per-stage CPU cost in virtual nanoseconds. XX(ENUM, "key", default_ns, what it charges). */
#define RXS_COST_MAP(XX) \
	XX(HARDIRQ, "hardirq", 1000, "one hard interrupt: entry, mask the queue, napi_schedule, exit") \
	XX(SOFTIRQ, "softirq", 300, "one net_rx_action invocation: entry, list splice, exit") \
	XX(NAPI_POLL, "napi_poll", 150, "one ->poll() call: descriptor scan set-up, refill doorbell") \
	XX(DRIVER_RX, "driver_rx", 150, "per frame in the driver: reap descriptor, build skb, refill") \
	XX(NETIF_RX, "netif_rx", 60, "per frame queued with netif_rx/enqueue_to_backlog") \
	XX(NETIF_RECEIVE, "netif_receive", 60, "per skb in __netif_receive_skb_core") \
	XX(TAP, "tap", 200, "per tap per skb: clone, filter, copy to the packet socket") \
	XX(IP_RCV, "ip_rcv", 120, "per packet in ip_rcv, routing and ip_local_deliver") \
	XX(UDP_RCV, "udp_rcv", 120, "per datagram: udp_rcv, checksum, socket lookup") \
	XX(TCP_RCV, "tcp_rcv", 300, "per segment: tcp_v4_rcv and state processing") \
	XX(ICMP_RCV, "icmp_rcv", 200, "per ICMP message, reply built included") \
	XX(SOCK_QUEUE, "sock_queue", 150, "per skb queued to a socket: charge, wake the reader") \
	XX(APP_RECV, "app_recv", 400, "per datagram the application reads (recvmsg), on the app CPU") \
	XX(PER_BYTE_X1000, "per_kbyte", 30, "extra per 1000 bytes of frame (copies, checksums)") \
	XX(GRO, "gro", 50, "per segment GRO merges into a held skb (it skips the rest of the path)") \
	XX(BPF_RUN, "bpf_run", 30, "per eBPF program run (XDP, tc): context set-up, entry, exit") \
	XX(BPF_KINSN, "bpf_kinsn", 400, "per 1000 eBPF instructions a program executes (JITed)")

enum rxs_cost_id {
#define XX(id, key, ns, what) RXS_COST_##id,
	RXS_COST_MAP(XX)
#undef XX
	RXS_COST_COUNT
};

struct rxs_cost {
	uint32_t ns[RXS_COST_COUNT];
};

/* An address with its prefix, as `ip addr` shows it: 10.0.0.2/24 or fd00::2/64. */
struct rxs_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order; IPv4 in the first 4 bytes */
	unsigned int prefix;
};

enum rxs_driver {
	RXS_DRIVER_GENERIC,	/* multi-queue NIC: descriptor rings, NAPI, page-fragment buffers */
	RXS_DRIVER_VETH,	/* veth: no ring, netif_rx() into the CPU's backlog */
	RXS_DRIVER_LOOPBACK,	/* lo: like veth (netif_rx, no ring), and IFF_LOOPBACK: packets
				 * to and from 127.0.0.0/8 are its own, not martians */
	RXS_DRIVER_BRIDGE,	/* a docker0-like bridge: addresses and a link behind it, where
				 * forwarded packets leave; no frames are received on it */
};

/* A VLAN device on a NIC, as `ip link add link eth0 name eth0.202 type vlan id 202`. */
struct rxs_vlan_config {
	char name[RXS_NAME_MAX];		/* "" = "<nic>.<id>", ip link's usual name */
	unsigned int id;			/* 0..4094 (802.1Q VID; 0 takes priority tags) */
	bool mac_set;				/* false: the NIC's MAC, as ip link gives it */
	uint8_t mac[6];
	struct rxs_addr addrs[RXS_MAX_ADDRS];
	unsigned int naddrs;
};

/* An eBPF program attached on a NIC (nics[].xdp, nics[].tc_ingress); object "" = none. */
#define RXS_BPF_PATH_MAX 512
struct rxs_bpf_prog_config {
	char object[RXS_BPF_PATH_MAX];		/* the object file, resolved against the
						 * scenario's folder */
	char program[RXS_NAME_MAX];		/* "" = its first program of the right type */
	bool generic;				/* xdp: mode generic (xdpgeneric), not native */
};

struct rxs_nic_config {
	char name[RXS_NAME_MAX];
	uint8_t mac[6];
	bool promisc;
	struct rxs_addr addrs[RXS_MAX_ADDRS];
	unsigned int naddrs;
	unsigned int mtu;			/* default 1500 */
	unsigned int rx_queues;			/* default 1 */
	unsigned int ring_size;			/* power of two, default 512 (ethtool -G rx) */
	unsigned int rx_usecs;			/* ethtool -C rx-usecs, default 0 */
	unsigned int rx_frames;			/* ethtool -C rx-frames, default 1 */
	int irq_affinity[RXS_MAX_QUEUES];	/* queue -> CPU; default queue % cpus */
	uint64_t rps_cpus[RXS_MAX_QUEUES];	/* CPU mask per queue, 0 = RPS off */
	bool gro;				/* default true for generic, false for veth */
	/* veth: the peer sends through a packet socket (scapy, tcpreplay): every frame one
	 * linear kmalloc'd buffer. false (default): a kernel stack, whose TCP segments carry
	 * their payload in page frags behind a small head (truesize 832 + payload). */
	bool raw_sender;
	enum rxs_driver driver;
	/* RSS (ethtool -X, ethtool -N rx-flow-hash) */
	bool rss_key_set;			/* false: the Microsoft verification key */
	uint8_t rss_key[RXS_RSS_KEY_LEN];
	unsigned int rss_indir_size;		/* 0: RXS_RSS_INDIR_DEFAULT entries, i % rx_queues */
	uint16_t rss_indir[RXS_RSS_INDIR_MAX];	/* queue of each table entry */
	bool rss_udp_4tuple;			/* UDP hashes ports too (sdfn), default sd */
	char comment[160];			/* why it is there, for rxs_scenario_emit(); "" */
	struct rxs_vlan_config vlans[RXS_MAX_VLANS];	/* 802.1Q devices on this NIC */
	unsigned int nvlans;
	struct rxs_bpf_prog_config xdp;		/* ip link set DEV xdp|xdpgeneric obj ... */
	struct rxs_bpf_prog_config tc_ingress;	/* tc filter add DEV ingress bpf da obj ... */
	unsigned int rp_filter;			/* net.ipv4.conf.DEV.rp_filter: 0, 1 strict, 2 loose */
	bool no_send_redirects;			/* net.ipv4.conf.DEV.send_redirects=0 (default 1) */
};

/* A route of the main table, as `ip route add TO [via VIA] dev DEV`. */
struct rxs_route_config {
	struct rxs_addr to;			/* 0.0.0.0/0 or ::/0 ("default", IPv4's): the
						 * default route; the family picks the table */
	struct rxs_addr via;			/* family 0: on the link (no gateway); else
						 * to's family */
	char dev[RXS_NAME_MAX];			/* a NIC's or bridge's name */
};

/* A neighbour, as `ip neigh replace IP lladdr MAC dev DEV nud permanent`. */
struct rxs_neigh_config {
	struct rxs_addr ip;			/* IPv4, or IPv6 (the static entries IPv6's
						 * forwarding looks next hops up in) */
	uint8_t mac[6];
	char dev[RXS_NAME_MAX];			/* a NIC's or bridge's name */
};

/* The device name of @vlan on @nic into @buf: its own, or "<nic>.<id>". Returns @buf. */
RXS_API const char *rxs_vlan_name(const struct rxs_nic_config *nic,
				  const struct rxs_vlan_config *vlan, char buf[RXS_NAME_MAX]);

enum rxs_app_kind {
	RXS_APP_ALL,		/* reads (or accepts) everything as soon as it is queued */
	RXS_APP_NEVER,
	RXS_APP_RATE,		/* `rate` per second, of packets or of bytes */
	RXS_APP_BATCH,		/* up to `batch` every `every_ns` */
};

struct rxs_app_config {
	enum rxs_app_kind kind;
	double rate;			/* RXS_APP_RATE: units per second */
	bool rate_bytes;		/* rate counts bytes (10MB/s), not packets (50kpps) */
	unsigned int batch;		/* RXS_APP_BATCH */
	uint64_t every_ns;		/* RXS_APP_BATCH */
	int cpu;			/* CPU the application runs on, -1 = none charged */
};

/* Groups one socket may join: net.ipv4.igmp_max_memberships, whose default is 20 (a 21st
 * IP_ADD_MEMBERSHIP fails with ENOBUFS). */
#define RXS_SOCK_JOIN_MAX 20

/* IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP: a group joined on a NIC. */
struct rxs_mc_join {
	struct rxs_addr group;		/* 224.0.0.0/4 or ff00::/8 */
	char nic[RXS_NAME_MAX];		/* "" = the NIC of the socket's address, else the first */
};

struct rxs_socket_config {
	char name[RXS_NAME_MAX];
	int proto;			/* IPPROTO_UDP or IPPROTO_TCP */
	struct rxs_addr local;		/* prefix unused; all zero = wildcard (0.0.0.0 or ::) */
	uint16_t port;
	int backlog;			/* listen() backlog, TCP; default 128 */
	int64_t rcvbuf;			/* SO_RCVBUF as passed to setsockopt, -1 = not set */
	bool rcvbuf_force;		/* SO_RCVBUFFORCE: rmem_max does not cap it */
	int64_t sndbuf;			/* SO_SNDBUF as passed, -1 = not set (ss tb only) */
	/* TCP, connect:: a connected socket, not a listener: the peer's address and port
	 * (family 0: none). It is the connection between bind and connect, however it began:
	 * the host's SYN in the traffic opens it (SYN_SENT), else it is ESTABLISHED from the
	 * start and takes its sequence numbers from the traffic. */
	struct rxs_addr peer;
	uint16_t peer_port;
	struct rxs_app_config app;	/* read: for UDP, accept: for TCP listeners */
	struct rxs_app_config conn_read;	/* TCP: how the application reads each accepted
						 * connection (read:), default all */
	struct rxs_mc_join *join;	/* UDP: the njoin groups joined (join:, rxs_socket_join);
					 * the scenario's, freed by rxs_scenario_free() */
	unsigned int njoin;
	bool mc_all_off;		/* IP_MULTICAST_ALL 0 (multicast_all: false): only the
					 * groups this socket joined; the kernel's default, 1,
					 * takes every group the host joined on that NIC */
	char comment[96];			/* why it is there, for rxs_scenario_emit(); "" */
	bool reuseport;			/* SO_REUSEPORT: sockets bound alike form a group */
	char filter[RXS_BPF_PATH_MAX];	/* SO_ATTACH_FILTER/BPF: a tcpdump expression, classic
					 * BPF as tcpdump -ddd prints it, or an eBPF object
					 * ("prog.o", "prog.o:function"); "" = none */
	char reuseport_prog[RXS_BPF_PATH_MAX];	/* SO_ATTACH_REUSEPORT_CBPF/EBPF: classic BPF
						 * or an eBPF SEC("socket") object returning
						 * the index of the group's socket; "" = none */
	int defer_accept;		/* TCP listeners: TCP_DEFER_ACCEPT, seconds; 0 = off */
};

struct rxs_tap_config {
	char name[RXS_NAME_MAX];
	char *filter;			/* tcpdump expression, "" = everything */
	char *write;			/* pcap output path or NULL */
	unsigned int ring_frames;	/* receive ring size in frames, default 4096 */
	unsigned int direction;		/* RXS_TAP_IN (1), RXS_TAP_OUT (2), both (3, default) */
};

enum rxs_traffic_kind {
	RXS_TRAFFIC_PCAP,
	RXS_TRAFFIC_GENERATE,
};

/* What the traffic source does with the checksums it reads (traffic[].checksums). */
enum rxs_checksums {
	RXS_CSUM_AUTO,			/* repair frames captured before the NIC filled in their
					 * TCP/UDP checksum (TX offload); the rest as captured */
	RXS_CSUM_VERIFY,		/* as captured: the receive path verifies them */
	RXS_CSUM_RECOMPUTE,		/* rewrite every IPv4, TCP, UDP, ICMP, ICMPv6 checksum */
};

struct rxs_traffic_config {
	enum rxs_traffic_kind kind;
	char *path;			/* pcap/pcapng, resolved against the scenario's folder */
	char nic[RXS_NAME_MAX];		/* default: the first NIC */
	double speed;			/* timestamp scale, default 1.0 */
	double rate_pps;		/* > 0: re-space frames at this rate, ignoring timestamps */
	uint64_t start_ns;		/* offset of this source's first frame */
	enum rxs_checksums checksums;	/* default RXS_CSUM_AUTO */
	/* generate: */
	char generator[RXS_NAME_MAX];	/* "udp_flood", "syn_flood", "tcp_flows" */
	unsigned int flows;
	unsigned int size;		/* frame size in bytes, without FCS */
	uint64_t duration_ns;
	uint64_t count;			/* frames; 0 = from rate * duration */
	uint16_t dport;			/* destination port, default 9 */
};

enum rxs_until_kind {
	RXS_UNTIL_END,			/* until every event has run, plus `ns` after the last frame */
	RXS_UNTIL_TIME,			/* absolute virtual time from the first frame */
};

struct rxs_run_config {
	enum rxs_until_kind until;
	uint64_t ns;			/* default: RXS_UNTIL_END with 1 s */
	uint64_t seed;			/* the run's random seed (-m statistic --mode random) */
};

struct rxs_host_config {
	unsigned int cpus;		/* default 1 */
	unsigned int hz;		/* CONFIG_HZ, default 250 */
	uint64_t tick_ns;		/* when jiffies first advances (mod 1/HZ), default 0 */
};

/* One element of an eBPF map as the scenario fills it (bpf_maps: { map: [{ key, value }] }):
 * bytes in order (hex, an IPv4 address), or an integer written little-endian in the map's
 * key or value width when the host is built. */
#define RXS_BPF_BYTES_MAX 256
struct rxs_bpf_bytes {
	uint8_t b[RXS_BPF_BYTES_MAX];
	uint32_t len;
	bool integer;			/* b holds a uint64_t, little-endian, to be sized */
};
struct rxs_bpf_map_elem {
	char map[RXS_NAME_MAX];
	struct rxs_bpf_bytes key, value;
};

struct rxs_scenario {
	char *path;			/* file it was read from, or NULL */
	char *dir;			/* folder relative paths resolve against, or NULL (cwd) */
	struct rxs_host_config host;
	struct rxs_sysctls sysctl;
	bool sysctl_set[RXS_SYSCTL_COUNT];	/* given explicitly */
	struct rxs_nic_config *nics;
	unsigned int nnics;
	char *netfilter;		/* iptables-save text, or NULL */
	unsigned int netfilter_line;	/* line of the file where that text starts, for errors */
	unsigned int netfilter_indent;	/* and the columns before each of its lines */
	char *netfilter6;		/* ip6tables-save text, or NULL */
	unsigned int netfilter6_line, netfilter6_indent;
	char *nftables;			/* `nft list ruleset` text or `nft -j` JSON, or NULL */
	char *nftables_file;		/* the file it came from (nftables: { file: F }), or NULL */
	unsigned int nftables_line;	/* where the text starts in the scenario (or 1 in the file) */
	unsigned int nftables_indent;
	bool netfilter_skip;		/* netfilter.unsupported=skip: leave out and list the
					 * rules rxsim cannot read, instead of failing */
	char *ipsets;			/* `ipset save` text for -m set, or NULL */
	unsigned int ipsets_line;
	struct rxs_socket_config *sockets;
	unsigned int nsockets;
	struct rxs_tap_config *taps;
	unsigned int ntaps;
	struct rxs_traffic_config *traffic;
	unsigned int ntraffic;
	struct rxs_cost cost;
	struct rxs_run_config run;
	struct rxs_bpf_map_elem *bpf_maps;	/* initial contents of eBPF maps, in order */
	unsigned int nbpf_maps;
	bool assumed;			/* the default host of a bare capture, not a file's */
	char *comment;			/* lines (no '#') rxs_scenario_emit() writes atop the
					 * file, or NULL; owned by the scenario */
	struct rxs_route_config *routes;	/* the main table beyond the connected routes */
	unsigned int nroutes;
	struct rxs_neigh_config *neighbours;	/* any: the host has a neighbour table */
	unsigned int nneighbours;
};

/* A scenario with every default and nothing in it. 0 or -ENOMEM. */
RXS_API int rxs_scenario_create(struct rxs_scenario **scp);

/* Read a YAML scenario file ("-": standard input, its relative paths then resolved against
 * the current directory). 0, or a negative error with a "file:line:col: ..." message in @err. */
RXS_API int rxs_scenario_load(struct rxs_scenario **scp, const char *path, char *err,
			      size_t errlen);

/* Parse YAML text; @name is used in messages and @dir for relative paths (NULL: cwd). */
RXS_API int rxs_scenario_parse(struct rxs_scenario **scp, const char *text, size_t len,
			       const char *name,
			       const char *dir, char *err, size_t errlen);

/* Apply one "key=value" override (--set), e.g. "sysctl.net.core.netdev_budget=600" or
 * "nics.eth0.ring_size=64". 0, or -EINVAL with the reason (and a suggestion) in @err. */
RXS_API int rxs_scenario_set(struct rxs_scenario *sc, const char *assignment, char *err,
			     size_t errlen);

/* The @i-th key the scenario schema accepts, as a path ("host.cpus", "nics[].coalesce.rx_usecs",
 * "sysctl.net.core.netdev_budget"), written into @buf; every leaf key, in the schema's order.
 * 0, -ENOENT past the last key, or -ENOSPC when @len is too small. For documentation and shell
 * completion: `rxsim help --keys` prints them all. */
RXS_API int rxs_scenario_key_path(size_t i, char *buf, size_t len);

/* The name in @names (@n of them) nearest to @word when it is close enough to be a typo of
 * it (a few edits, fewer for short names), else NULL: the "did you mean" of scenario keys,
 * sysctls and iptables rules, for programs that want the same answer to their own names. */
RXS_API const char *rxs_suggest(const char *word, const char *const *names, size_t n);

/* The default host for replaying capture @path alone: a NIC that owns the capture's
 * destination MACs and addresses, and a UDP socket read by a keeping-up application on
 * every destination port (see src/config/capture.c). 0 or <0 with @err set. */
RXS_API int rxs_scenario_for_capture(struct rxs_scenario **scp, const char *path, char *err,
				     size_t errlen);

/* The same, with the host picked by @host: an IPv4 or IPv6 address or a MAC
 * (02:00:00:00:00:02), or NULL for the default (the most frequent unicast destination MAC).
 * -EINVAL when @host is none of those or the capture has no frame to it, with @err set. */
RXS_API int rxs_scenario_for_capture_host(struct rxs_scenario **scp, const char *path,
					  const char *host, char *err, size_t errlen);

/* Write @sc as scenario YAML that rxs_scenario_load() reads back to the same scenario, with
 * the comments of its entries (comment fields) as YAML comments. Paths are written as they
 * are held (absolute for a bare capture). 0, or -EIO when writing failed. */
RXS_API int rxs_scenario_emit(const struct rxs_scenario *sc, FILE *f);

/* Free @sc and everything it owns. NULL is a no-op. */
RXS_API void rxs_scenario_free(struct rxs_scenario *sc);

/* Append an entry filled with defaults; returns it, or NULL on -ENOMEM. */
RXS_API struct rxs_nic_config *rxs_scenario_add_nic(struct rxs_scenario *sc);
/* Append a route (zeroed: fill to, via, dev). NULL on -ENOMEM. */
RXS_API struct rxs_route_config *rxs_scenario_add_route(struct rxs_scenario *sc);

/* Append a neighbour (zeroed: fill ip, mac, dev). NULL on -ENOMEM. */
RXS_API struct rxs_neigh_config *rxs_scenario_add_neighbour(struct rxs_scenario *sc);
/* Append a UDP socket on 0.0.0.0, port 0, read by a keeping-up application; NULL on -ENOMEM. */
RXS_API struct rxs_socket_config *rxs_scenario_add_socket(struct rxs_scenario *sc);
/* IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP: @s joins @group on the NIC named @nic (NULL or "":
 * the NIC of its address, else the first). 0 (also when it already had joined), -EINVAL
 * (not a group, an IPv6 group for an IPv4 socket, not UDP, @nic too long) or -ENOBUFS (it
 * has joined RXS_SOCK_JOIN_MAX groups, as the kernel's igmp_max_memberships says). */
RXS_API int rxs_socket_join(struct rxs_socket_config *s, const struct rxs_addr *group,
			    const char *nic);
/* Append a tap seeing every frame (filter ""); NULL on -ENOMEM. */
RXS_API struct rxs_tap_config *rxs_scenario_add_tap(struct rxs_scenario *sc);
/* Append a pcap traffic entry to the first NIC (set path or kind); NULL on -ENOMEM. */
RXS_API struct rxs_traffic_config *rxs_scenario_add_traffic(struct rxs_scenario *sc);

/* The sysctl named @name ("net.core.netdev_budget"), or -1 if we do not model it. */
RXS_API int rxs_sysctl_lookup(const char *name);

/* The name of sysctl @id. */
RXS_API const char *rxs_sysctl_name(int id);

/* The effective value of a single-valued sysctl, HZ-derived defaults resolved. */
RXS_API int64_t rxs_scenario_sysctl(const struct rxs_scenario *sc, enum rxs_sysctl_id id);

/* Parse "10.0.0.2/24", "fd00::2/64", "10.0.0.2" (prefix 32/128). 0 or -EINVAL. */
RXS_API int rxs_addr_parse(struct rxs_addr *a, const char *text);

/* Format @a without its prefix into @buf ("10.0.0.2", "fd00::2"). Returns @buf. */
RXS_API char *rxs_addr_format(const struct rxs_addr *a, char *buf, size_t len);

/* Rate text "2Mpps", "500kpps", "1000pps", "1000/s", "2M" -> packets per second. 0 or -EINVAL. */
RXS_API int rxs_parse_rate(const char *text, double *pps);

/* Byte rate text "10MB/s", "500kB/s", "1GB/s" -> bytes per second (k=1000). 0 or -EINVAL. */
RXS_API int rxs_parse_byte_rate(const char *text, double *bps);

/* Duration text "10ms", "1.5s", "250us", "100ns" -> ns. 0 or -EINVAL. */
RXS_API int rxs_parse_duration(const char *text, uint64_t *ns);

#endif /* RXSIM_CONFIG_H */
