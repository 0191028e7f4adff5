/* rxsim/hooks.h - plug-in points: your own kernel-like logic in the receive path.
 *
 * What a kernel module registers, rxsim takes with the same meaning:
 *   - a netfilter hook function at a hook and priority (nf_register_net_hook), run in priority
 *     order together with the iptables tables of the scenario (raw -300, conntrack -200,
 *     mangle -150, filter 0); IPv4, at every hook: PRE_ROUTING and LOCAL_IN on receive,
 *     FORWARD and POST_ROUTING of forwarded packets, LOCAL_OUT and POST_ROUTING of the
 *     host's own replies (ICMP errors, SYN-ACKs, RSTs);
 *   - a handler for an ethertype (dev_add_pack), called from __netif_receive_skb_core;
 *   - a handler for an IP protocol number (inet_add_protocol), called from ip_local_deliver;
 *   - a cBPF program or a tcpdump expression on a packet tap (SO_ATTACH_FILTER), and taps
 *     created in code (rxsim/bpf.h: rxs_tap_add(), rxs_tap_get());
 *   - tracepoint callbacks with the fields of the kernel's tracepoints.
 *
 * Ownership follows the kernel and STYLE.md: a function handed a mutable skb owns it unless
 * its contract says otherwise, and ends it with rxs_consume_skb() or rxs_kfree_skb_reason()
 * (or passes it on). Every callback runs inside rxs_host_run(), rxs_host_run_until() or
 * rxs_host_inject(), on the thread that drives the host, at the virtual time of the CPU that
 * runs the stage. Like the host itself, none of these calls is thread-safe: register and
 * unregister from that thread, between runs or from inside a callback (except where said).
 */
#ifndef RXSIM_HOOKS_H
#define RXSIM_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "rxsim/bpf.h"
#include "rxsim/config.h"
#include "rxsim/export.h"
#include "rxsim/netfilter.h"
#include "rxsim/sim.h"
#include "rxsim/skb.h"

/* ---- netfilter hooks (nf_register_net_hook) ---- */

#define RXS_NFPROTO_IPV4 2		/* NFPROTO_IPV4: the only family hooked for now */

/* enum nf_ip_hook_priorities: where the iptables tables sit. A user hook runs after every
 * table of lower or equal priority (the tables were registered first), before the others. */
enum rxs_nf_ip_hook_priorities {
	RXS_NF_IP_PRI_FIRST = INT32_MIN,
	RXS_NF_IP_PRI_RAW = -300,
	RXS_NF_IP_PRI_CONNTRACK = -200,
	RXS_NF_IP_PRI_MANGLE = -150,
	RXS_NF_IP_PRI_FILTER = 0,
	RXS_NF_IP_PRI_LAST = INT32_MAX,
};

#define RXS_NF_MAX_HOOKS 16		/* user hook functions per hook */
#define RXS_NF_QUEUE_MAXLEN 1024	/* skbs queued to the user at once (nfqueue's default) */

/* struct nf_hook_state: where the packet is. */
struct rxs_nf_hook_state {
	enum rxs_nf_hook hook;		/* RXS_NF_INET_* */
	int pf;				/* RXS_NFPROTO_IPV4 */
	const char *in;			/* the packet's device ("eth0"; on output, the
					 * one it leaves by) */
	uint64_t now_ns;		/* virtual time on the CPU running the hook */
	unsigned int cpu;
};

/*
 * A hook function. @skb is mutable (set skb->mark; skb->data is at the IPv4 header; leave
 * skb->cb alone, the IP layer keeps its state there). Return:
 *   RXS_NF_ACCEPT  the walk goes on with the next hook by priority, then the path;
 *   RXS_NF_DROP    rxsim frees the skb with RXS_DROP_NETFILTER_DROP (counted in drop reasons);
 *   RXS_NF_QUEUE   the skb goes to the queue handler (rxs_nf_register_queue_handler);
 *   RXS_NF_STOLEN  you took the skb: it is yours, end it (or keep it and end it later).
 * Any other value counts as DROP.
 */
typedef enum rxs_nf_verdict (*rxs_nf_hookfn)(void *priv, struct rxs_sk_buff *skb,
					     const struct rxs_nf_hook_state *state);

/* struct nf_hook_ops. */
struct rxs_nf_hook_ops {
	rxs_nf_hookfn hook;
	void *priv;			/* handed to hook as its first argument */
	int pf;				/* RXS_NFPROTO_IPV4 */
	enum rxs_nf_hook hooknum;	/* RXS_NF_INET_*: any of the five */
	int priority;			/* RXS_NF_IP_PRI_* or any int: lower runs first */
};

/* Register @ops (copied; @ops' address is its identity for unregistering). Hooks of equal
 * priority run in registration order. 0; -EINVAL (no function, pf not IPv4, no such
 * hook), -EEXIST (@ops already registered) or -ENOSPC (RXS_NF_MAX_HOOKS). */
RXS_API int rxs_nf_register_net_hook(rxs_host_t *h, const struct rxs_nf_hook_ops *ops);

/* Remove the hook registered with @ops. 0 or -ENOENT. Not from inside a hook function. */
RXS_API int rxs_nf_unregister_net_hook(rxs_host_t *h, const struct rxs_nf_hook_ops *ops);

/* The NF_QUEUE target's receiver (nfnetlink_queue, in-process): it owns @skb and must end it
 * with rxs_consume_skb()/rxs_kfree_skb_reason(), or hand it back with rxs_nf_reinject(), now
 * or on a later call. */
typedef void (*rxs_nf_queue_fn)(void *ctx, struct rxs_sk_buff *skb,
				const struct rxs_nf_hook_state *state);

/* Set the queue handler (NULL: none; a QUEUE verdict then drops, as with no nfqueue
 * listener). When RXS_NF_QUEUE_MAXLEN skbs wait for a verdict, more are dropped
 * (NETFILTER_DROP), as a full nfqueue drops. 0. */
RXS_API int rxs_nf_register_queue_handler(rxs_host_t *h, rxs_nf_queue_fn fn, void *ctx);

/* nf_reinject(): give a queued @skb its verdict. ACCEPT continues the walk after the hook
 * that queued it, then the receive path, at the virtual time of the skb's CPU (not before
 * the host's current time); DROP frees it (NETFILTER_DROP); QUEUE queues it again; STOLEN
 * leaves it to you. Takes ownership of @skb on 0; -ENOENT (not a queued skb: still yours)
 * or -EINVAL (bad verdict: still yours). */
RXS_API int rxs_nf_reinject(rxs_host_t *h, struct rxs_sk_buff *skb, enum rxs_nf_verdict verdict);

/* skbs queued to the user and not yet reinjected or ended. */
RXS_API unsigned int rxs_nf_queue_len(const rxs_host_t *h);

/* ---- packet handlers (dev_add_pack) ---- */

#define RXS_MAX_PACKET_HANDLERS 8

/* A packet handler: takes ownership of @skb (end it or keep it). skb->data is at the network
 * header (the Ethernet header is at rxs_skb_mac_header()), skb->protocol the ethertype. */
typedef void (*rxs_packet_fn)(void *ctx, struct rxs_sk_buff *skb);

/* Call @fn for every frame of ethertype @type (host byte order, e.g. 0x88b5) reaching
 * __netif_receive_skb_core (after the taps and VLAN untagging). As deliver_skb() does, every
 * handler but the last gets a clone (rxs_skb_clone, not counted as an offered frame), and
 * rxsim's own IPv4/IPv6/ARP handler comes last: for those types you get a clone, for others
 * the last handler gets the frame itself (and it is no longer an UNHANDLED_PROTO drop).
 * 0, -EINVAL (no fn), -EEXIST (same type, fn and ctx) or -ENOSPC. */
RXS_API int rxs_dev_add_pack(rxs_host_t *h, uint16_t type, rxs_packet_fn fn, void *ctx);

/* Remove the handler added with the same @type, @fn and @ctx. 0 or -ENOENT. */
RXS_API int rxs_dev_remove_pack(rxs_host_t *h, uint16_t type, rxs_packet_fn fn, void *ctx);

/* ---- IP protocol handlers (inet_add_protocol) ---- */

/* An IPv4 protocol handler: takes ownership of @skb. skb->data is at the transport header,
 * rxs_skb_network_header() at the IPv4 header; the datagram is reassembled and for us. */
typedef void (*rxs_inet_proto_fn)(void *ctx, struct rxs_sk_buff *skb);

/* Handle IPv4 protocol @protocol in ip_local_deliver, which counts IpInDelivers for it
 * instead of IpInUnknownProtos and sends no protocol unreachable. As inet_add_protocol
 * fails for a taken slot, protocols rxsim handles (ICMP 1, TCP 6, UDP 17) and one already
 * added are refused: -EEXIST; -EINVAL without @fn; 0 otherwise. */
RXS_API int rxs_inet_add_protocol(rxs_host_t *h, uint8_t protocol, rxs_inet_proto_fn fn,
				  void *ctx);

/* Remove @protocol's handler. 0 or -ENOENT (none, or rxsim's own, which stays). */
RXS_API int rxs_inet_del_protocol(rxs_host_t *h, uint8_t protocol);

/* ---- tracepoints ---- */

enum rxs_tracepoint {
	RXS_TP_NAPI_POLL,		/* napi:napi_poll, after each ->poll() */
	RXS_TP_NETIF_RECEIVE_SKB,	/* net:netif_receive_skb, entering the core */
	RXS_TP_KFREE_SKB,		/* skb:kfree_skb and skb:consume_skb (reason CONSUMED) */
	RXS_TP_SOCK_RCVQUEUE_FULL,	/* sock:sock_rcvqueue_full, a datagram over sk_rcvbuf */
	RXS_TP_TCP_RETRANSMIT_SYNACK,	/* tcp:tcp_retransmit_synack */
	RXS_TP_SOCK_QUEUE,		/* rxsim's own (no such kernel tracepoint): an skb was
					 * queued on a socket's receive queue */
	RXS_TP_SOCK_READ,		/* rxsim's own: the application model read an skb
					 * (recvmsg); not fired by rxs_socket_recv() */
	RXS_TP_STAGE,			/* rxsim's own: a packet passed a stage of the path,
					 * with what was decided there (rxsim trace uses it) */
	RXS_TP_COUNT
};

#define RXS_TRACE_MAX_FNS 4		/* callbacks per tracepoint */

/* napi:napi_poll. The backlog NAPI (process_backlog) has napi_id 0 and dev_name
 * "(no_device)", as in the kernel; a NIC queue's napi_id counts from 8193 (MIN_NAPI_ID). */
struct rxs_tp_napi_poll {
	const void *napi;
	unsigned int napi_id;
	const char *dev_name;
	int work;
	int budget;
};

/* net:netif_receive_skb. */
struct rxs_tp_netif_receive_skb {
	const struct rxs_sk_buff *skbaddr;
	unsigned int len;		/* skb->len: from the network header on */
	const char *name;		/* device name */
};

/* skb:kfree_skb. The kernel's location is a code address; here, the function of the stage
 * where the drop reason arises, by protocol ("ip_rcv", "udp_rcv", "tcp_v6_rcv",
 * "enqueue_to_backlog", "nf_hook_slow", "skb_consume_udp"...). Only offered frames' ends
 * fire it (not clones'), exactly those counted in rxs_host_drop_reasons(). */
struct rxs_tp_kfree_skb {
	const struct rxs_sk_buff *skbaddr;
	const char *location;
	uint16_t protocol;		/* skb->protocol: the ethertype */
	enum rxs_drop_reason reason;	/* RXS_DROP_CONSUMED for consume_skb */
};

/* sock:sock_rcvqueue_full (plus which socket). */
struct rxs_tp_sock_rcvqueue_full {
	int rmem_alloc;
	unsigned int truesize;
	int sk_rcvbuf;
	unsigned int sock;		/* socket index (rxs_socket_get()) */
	const char *sock_name;
};

/* tcp:tcp_retransmit_synack: s = the listener's side (local), d = the peer. */
struct rxs_tp_tcp_retransmit_synack {
	const void *skaddr;		/* the listener */
	const void *req;		/* the request sock */
	uint16_t sport, dport;
	uint16_t family;		/* AF_INET or AF_INET6 */
	uint8_t saddr[4], daddr[4];	/* IPv4 (zero for IPv6) */
	uint8_t saddr_v6[16], daddr_v6[16];	/* IPv6, or IPv4-mapped */
};

/* sock:sock_queue (rxsim's): @skbaddr joined socket @sock's receive queue. */
struct rxs_tp_sock_queue {
	const struct rxs_sk_buff *skbaddr;
	unsigned int sock;
	const char *sock_name;
	uint64_t tstamp;		/* skb->tstamp: arrival at the NIC (DMA), virtual ns */
	unsigned int len;
	int rmem_alloc;			/* after queueing */
	int sk_rcvbuf;
};

/* sock:sock_read (rxsim's): the application took @skbaddr from socket @sock. */
struct rxs_tp_sock_read {
	const struct rxs_sk_buff *skbaddr;
	unsigned int sock;
	const char *sock_name;
	uint64_t tstamp;		/* arrival at the NIC, virtual ns */
	unsigned int len;
};

/* rxsim:stage: frame @frame (its skb->id, RXS_FRAME_ID(); 0 for a clone) passed @stage ("napi_poll", "ip_rcv",
 * "udp_rcv"...), and @detail says what was decided there (queue, route, socket, lengths). */
struct rxs_tp_stage {
	const struct rxs_sk_buff *skbaddr;
	uint64_t frame;
	const char *stage;
	char detail[112];
};

/* One event: which tracepoint, when, on which CPU, and its fields. */
struct rxs_trace_event {
	enum rxs_tracepoint tp;
	uint64_t time_ns;		/* virtual time on @cpu */
	unsigned int cpu;
	union {
		struct rxs_tp_napi_poll napi_poll;
		struct rxs_tp_netif_receive_skb netif_receive_skb;
		struct rxs_tp_kfree_skb kfree_skb;
		struct rxs_tp_sock_rcvqueue_full sock_rcvqueue_full;
		struct rxs_tp_tcp_retransmit_synack tcp_retransmit_synack;
		struct rxs_tp_sock_queue sock_queue;
		struct rxs_tp_sock_read sock_read;
		struct rxs_tp_stage stage;
	} u;
};

/* A tracepoint callback. @ev and the skb it points to are read-only and valid only during
 * the call; do not call back into the host except to read it. */
typedef void (*rxs_trace_fn)(void *ctx, const struct rxs_trace_event *ev);

/* Call @fn(@ctx, event) at every hit of tracepoint @tp (tracepoint_probe_register).
 * RXS_TP_KFREE_SKB chains with the callback of rxs_host_set_kfree_skb_cb() set before this
 * call (one set after it replaces the chain: prefer this call). 0, -EINVAL, -EEXIST (same fn
 * and ctx) or -ENOSPC. */
RXS_API int rxs_trace_register(rxs_host_t *h, enum rxs_tracepoint tp, rxs_trace_fn fn,
			       void *ctx);

/* Remove the callback registered with the same @tp, @fn and @ctx. 0 or -ENOENT. */
RXS_API int rxs_trace_unregister(rxs_host_t *h, enum rxs_tracepoint tp, rxs_trace_fn fn,
				 void *ctx);

/* "napi:napi_poll" for RXS_TP_NAPI_POLL, as perf lists it; NULL if out of range. */
RXS_API const char *rxs_tracepoint_name(enum rxs_tracepoint tp);

#endif /* RXSIM_HOOKS_H */
