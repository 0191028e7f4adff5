/* query.c - reading a host's counters as plain structs. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "host.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "nic/nic.h"
#include "nic/source.h"
#include "proto/proto.h"
#include "rxsim/bpf.h"
#include "rxsim/proto.h"
#include "rxsim/ring.h"
#include "rxsim/sim.h"
#include "rxsim/socket.h"
#include "sim/sim_int.h"
#include "socket/socket.h"

const struct rxs_scenario *rxs_host_scenario(const rxs_host_t *h)
{
	return h->sc;
}

/* The IcmpMsg and Icmp6 InTypeN/OutTypeN counters the MIB list names are views of ICMP's
 * tables of every type (rxs_host_icmpmsg()): 1 + the type of the MIB, +256 for a message sent,
 * +512 for ICMPv6; 0 for the others. */
static const uint16_t icmpmsg_of[RXS_MIB_COUNT] = {
	[RXS_MIB_IcmpMsgInType0] = 1 + 0,
	[RXS_MIB_IcmpMsgInType3] = 1 + 3,
	[RXS_MIB_IcmpMsgInType8] = 1 + 8,
	[RXS_MIB_IcmpMsgInType11] = 1 + 11,
	[RXS_MIB_IcmpMsgOutType0] = 1 + 256 + 0,
	[RXS_MIB_IcmpMsgOutType3] = 1 + 256 + 3,
	[RXS_MIB_IcmpMsgOutType5] = 1 + 256 + 5,
	[RXS_MIB_IcmpMsgOutType8] = 1 + 256 + 8,
	[RXS_MIB_IcmpMsgOutType11] = 1 + 256 + 11,
	[RXS_MIB_Icmp6InType128] = 1 + 512 + 128,
	[RXS_MIB_Icmp6OutType1] = 1 + 512 + 256 + 1,
	[RXS_MIB_Icmp6OutType2] = 1 + 512 + 256 + 2,
	[RXS_MIB_Icmp6OutType3] = 1 + 512 + 256 + 3,
	[RXS_MIB_Icmp6OutType129] = 1 + 512 + 256 + 129,
	/* the named ones /proc/net/snmp6 prints beside the numbered (icmp6type2name[]) */
	[RXS_MIB_Icmp6InGroupMembQueries] = 1 + 512 + 130,
	[RXS_MIB_Icmp6InGroupMembResponses] = 1 + 512 + 131,
	[RXS_MIB_Icmp6InGroupMembReductions] = 1 + 512 + 132,
	[RXS_MIB_Icmp6InRouterSolicits] = 1 + 512 + 133,
	[RXS_MIB_Icmp6InRouterAdvertisements] = 1 + 512 + 134,
	[RXS_MIB_Icmp6InNeighborSolicits] = 1 + 512 + 135,
	[RXS_MIB_Icmp6InNeighborAdvertisements] = 1 + 512 + 136,
	[RXS_MIB_Icmp6InRedirects] = 1 + 512 + 137,
	[RXS_MIB_Icmp6InMLDv2Reports] = 1 + 512 + 143,
	[RXS_MIB_Icmp6OutGroupMembQueries] = 1 + 512 + 256 + 130,
	[RXS_MIB_Icmp6OutGroupMembResponses] = 1 + 512 + 256 + 131,
	[RXS_MIB_Icmp6OutGroupMembReductions] = 1 + 512 + 256 + 132,
	[RXS_MIB_Icmp6OutRouterSolicits] = 1 + 512 + 256 + 133,
	[RXS_MIB_Icmp6OutRouterAdvertisements] = 1 + 512 + 256 + 134,
	[RXS_MIB_Icmp6OutNeighborSolicits] = 1 + 512 + 256 + 135,
	[RXS_MIB_Icmp6OutNeighborAdvertisements] = 1 + 512 + 256 + 136,
	[RXS_MIB_Icmp6OutRedirects] = 1 + 512 + 256 + 137,
	[RXS_MIB_Icmp6OutMLDv2Reports] = 1 + 512 + 256 + 143,
};

uint64_t rxs_host_mib(const rxs_host_t *h, enum rxs_mib mib)
{
	uint64_t sum = 0;
	unsigned int msg;

	if ((unsigned int)mib >= RXS_MIB_COUNT)
		return 0;
	msg = icmpmsg_of[mib];
	if (msg--)
		return rxs_host_icmpmsg(h, msg >= 512 ? AF_INET6 : AF_INET, msg & 256, msg & 255);
	for (unsigned int c = 0; c < h->ncpus; c++)
		sum += h->cpus[c].mib[mib];
	return sum + __atomic_load_n(&h->mib_proc[mib], __ATOMIC_RELAXED);
}

unsigned int rxs_host_ncpus(const rxs_host_t *h)
{
	return h->ncpus;
}

int rxs_host_cpu_stats(const rxs_host_t *h, unsigned int cpu, struct rxs_cpu_stats *st)
{
	if (cpu >= h->ncpus)
		return -EINVAL;
	*st = h->cpus[cpu].cpu_stats;
	return 0;
}

static void format_local(const struct rxs_socket_config *c, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	int family = c->local.family ? c->local.family : AF_INET;

	if (!inet_ntop(family, c->local.addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, c->port);
	else
		snprintf(buf, len, "%s:%u", a, c->port);
}

/* In sim, not socket: the threaded engine's per-thread read counts are summed in. */
int rxs_socket_get_info(const rxs_socket_t *s, struct rxs_socket_info *info)
{
	const struct rxs_sock *sk = rxs__sock_of(s);
	const rxs_host_t *h;

	if (!sk)
		return -EINVAL;
	h = sk->host;
	memset(info, 0, sizeof(*info));
	info->name = sk->cfg.name;
	info->proto = sk->cfg.proto;
	format_local(&sk->cfg, info->local, sizeof(info->local));
	info->rcvbuf = sk->rcvbuf;
	info->sndbuf = sk->sndbuf;
	info->rmem_alloc = (uint64_t)sk->rmem_alloc;
	info->recv_q = (uint64_t)sk->rmem_alloc;
	info->drops = sk->drops;
	info->queued = sk->receive_queue.qlen;
	info->delivered = sk->delivered;
	info->delivered_bytes = sk->delivered_bytes;
	rxs__threads_sock_read_sum(h, sk, &info->delivered, &info->delivered_bytes);
	if (sk->tcp.state == RXS_TCP_LISTEN) {
		/* ss -lnt: Recv-Q is the accept queue, Send-Q the backlog. */
		info->recv_q = sk->tcp.ack_backlog;
		info->send_q = sk->tcp.max_ack_backlog;
		info->syn_q = sk->tcp.qlen;
		info->queued = sk->tcp.ack_backlog;
	}
	return 0;
}

/* The host's skb counters: its pool's, and in the threaded engine every thread's. */
static struct rxs_skb_stats skb_stats(const rxs_host_t *h)
{
	struct rxs_skb_stats st = { 0 };

	rxs__skb_stats_add(&st, &h->pool);
	rxs__threads_skb_stats(h, &st);
	return st;
}

void rxs_host_drop_reasons(const rxs_host_t *h, uint64_t reasons[RXS_DROP_MAX])
{
	struct rxs_skb_stats st = skb_stats(h);

	memcpy(reasons, st.reasons, sizeof(st.reasons));
}

void rxs_host_drop_reasons_class(const rxs_host_t *h, enum rxs_pkt_class cls,
				 uint64_t reasons[RXS_DROP_MAX])
{
	struct rxs_skb_stats st = skb_stats(h);

	if ((unsigned int)cls >= RXS_PKT_CLASS_MAX)
		memset(reasons, 0, sizeof(st.reasons));
	else
		memcpy(reasons, st.by_class[cls], sizeof(st.reasons));
}

uint64_t rxs_host_ended_class(const rxs_host_t *h, enum rxs_pkt_class cls)
{
	return (unsigned int)cls < RXS_PKT_CLASS_MAX ? skb_stats(h).ended[cls] : 0;
}

int rxs_host_conservation(const rxs_host_t *h, struct rxs_conservation *c)
{
	uint64_t queued = rxs__proto_queued(h) + rxs__tcp_queued(h);
	struct rxs_skb_stats st = skb_stats(h);

	for (unsigned int i = 0; i < h->ndevs; i++)
		queued += rxs__nic_queued(&h->devs[i]);
	for (unsigned int i = 0; i < h->ncpus; i++)
		queued += h->cpus[i].input_pkt_queue.qlen + h->cpus[i].process_queue.qlen;
	/* Sockets may hold clones (a broadcast delivered to several): only the frames count. */
	for (unsigned int i = 0; i < h->sk.nsocks; i++)
		for (const struct rxs_sk_buff *skb = h->sk.socks[i].receive_queue.head; skb;
		     skb = skb->next)
			queued += skb->counted;
	c->offered = h->nic.offered + rxs__threads_offered(h);
	c->consumed = st.consumed;
	c->dropped = st.dropped;
	c->queued = queued;
	return c->offered == c->consumed + c->dropped + c->queued ? 0 : RXS_ECONSERVATION;
}

/* In sim, not socket: it asks which engine runs (to lock or not, and on which CPU to count). */
int rxs_socket_recv(rxs_socket_t *s, struct rxs_sk_buff **skbp)
{
	struct rxs_sock *sk = rxs__sock_of(s);
	rxs_host_t *h;

	*skbp = NULL;
	if (!sk || sk->cfg.proto != IPPROTO_UDP)
		return -EINVAL;
	h = sk->host;
	if (unlikely(h->sim->threaded)) {
		/* An application thread during a threaded run: under the socket's lock, as the
		 * CPUs queue, counted in process context. */
		rxs__lock_acquire(&sk->lock);
		*skbp = rxs__udp_recvmsg(sk, NULL);
		rxs__lock_release(&sk->lock);
	} else {
		*skbp = rxs__udp_recvmsg(sk, &h->cpus[0]);
	}
	return *skbp ? 0 : -EAGAIN;
}

void rxs_host_set_kfree_skb_cb(rxs_host_t *h, rxs_kfree_skb_fn fn, void *ctx)
{
	h->pool.on_free = fn;
	h->pool.on_free_ctx = ctx;
}

uint64_t rxs_host_frame_drop_id(const rxs_host_t *h)
{
	return h->nic.frame_drop_id;
}

unsigned int rxs_host_ntraffic(const rxs_host_t *h)
{
	return h->sim->ntraffic;
}

int rxs_host_traffic_info(const rxs_host_t *h, unsigned int i, struct rxs_traffic_info *info)
{
	const struct rxs_traffic *tr;

	if (i >= h->sim->ntraffic)
		return -EINVAL;
	tr = &h->sim->traffic[i];
	memset(info, 0, sizeof(*info));
	info->name = tr->cfg.kind == RXS_TRAFFIC_PCAP ? tr->cfg.path : tr->cfg.generator;
	info->checksums = tr->cfg.checksums;
	if (tr->src)
		rxs_source_get_stats(tr->src, &info->source);
	rxs__threads_source_stats(h, tr, &info->source);
	info->own_frames = tr->own_frames;
	info->first_ts_ns = tr->first_ts;
	info->linktype = 1;
	info->format = tr->src ? rxs__source_format(tr->src, &info->linktype) : NULL;
	if (!info->format)
		info->format = "generated";
	rxs__linktype_name((uint32_t)info->linktype, info->linktype_name,
			   sizeof(info->linktype_name));
	/* "EN10MB (1)" without its number: the number has a field of its own. */
	info->linktype_name[strcspn(info->linktype_name, " ")] = '\0';
	if (info->linktype < 0)
		snprintf(info->linktype_name, sizeof(info->linktype_name), "unknown");
	return 0;
}

uint64_t rxs_host_capture_time(const rxs_host_t *h, uint64_t t)
{
	return rxs__capture_time(h, t);
}

void rxs_host_set_frame_drop_cb(rxs_host_t *h, rxs_frame_drop_fn fn, void *ctx)
{
	h->nic.frame_drop_cb = fn;
	h->nic.frame_drop_ctx = ctx;
}

/* accept() and recv() on a connection stay in sim with the socket's recv, the calls an
 * application makes. */
int rxs_socket_accept(rxs_socket_t *s, rxs_conn_t **connp)
{
	struct rxs_sock *sk = rxs__sock_of(s), *child = NULL;

	*connp = NULL;
	if (!sk || sk->tcp.state != RXS_TCP_LISTEN)
		return -EINVAL;
	rxs__lock_acquire(&sk->host->sk.tcp_lock);
	child = rxs__tcp_accept(sk);
	rxs__lock_release(&sk->host->sk.tcp_lock);
	*connp = (rxs_conn_t *)child;
	return child ? 0 : -EAGAIN;
}

int rxs_conn_recv(rxs_conn_t *c, struct rxs_sk_buff **skbp)
{
	struct rxs_sock *sk = rxs__conn_sock(c);

	*skbp = NULL;
	if (!sk)
		return -EINVAL;
	rxs__lock_acquire(&sk->host->sk.tcp_lock);
	/* A user's read between runs: on CPU 0, at the host's virtual time; through the engine,
	 * since CPU 0's clock is its thread's own while the threaded engine runs. */
	*skbp = rxs__tcp_recvmsg(sk, 0, sk->host->engine->cpu_clock(sk->host, 0));
	rxs__lock_release(&sk->host->sk.tcp_lock);
	return *skbp ? 0 : -EAGAIN;
}

int rxs_host_progress(const rxs_host_t *h, uint64_t *bytes_read, uint64_t *bytes_total)
{
	int rc = -ENOTSUP;

	*bytes_read = *bytes_total = 0;
	for (unsigned int i = 0; i < h->sim->ntraffic; i++) {
		uint64_t done, total;

		/* Every source must be a file of known size, or the sum would mislead. */
		if (rxs__source_progress(h->sim->traffic[i].src, &done, &total) < 0)
			return -ENOTSUP;
		*bytes_read += done;
		*bytes_total += total;
		rc = 0;
	}
	return rc;
}
