/* test_hooks.c - the plug-in points of include/rxsim/hooks.h: netfilter hook functions merged
 * with the iptables tables by priority, their verdicts (QUEUE and reinjection, STOLEN), packet
 * and protocol handlers, taps made in code, and the tracepoints with their fields. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "host.h"
#include "internal.h"
#include "rxsim/rxsim.h"

#include "frames.h"

/* ---- netfilter hook functions ---- */

struct order_log {
	char seen[16][8];
	unsigned int n;
	enum rxs_nf_verdict verdict;
	uint32_t mark;
};

struct named_hook {
	struct rxs_nf_hook_ops ops;
	const char *name;
	struct order_log *log;
};

static enum rxs_nf_verdict log_hook(void *priv, struct rxs_sk_buff *skb,
				    const struct rxs_nf_hook_state *st)
{
	struct named_hook *nh = priv;

	assert_string_equal(st->in, "eth0");
	assert_int_equal(st->pf, RXS_NFPROTO_IPV4);
	if (nh->log->n < 16)
		snprintf(nh->log->seen[nh->log->n++], 8, "%s", nh->name);
	if (nh->log->mark)
		skb->mark = nh->log->mark;
	return nh->log->verdict;
}

static void named(struct named_hook *nh, struct order_log *log, const char *name,
		  enum rxs_nf_hook hook, int prio)
{
	memset(nh, 0, sizeof(*nh));
	nh->ops = (struct rxs_nf_hook_ops){ .hook = log_hook, .priv = nh, .pf = RXS_NFPROTO_IPV4,
					    .hooknum = hook, .priority = prio };
	nh->name = name;
	nh->log = log;
}

static rxs_host_t *udp_host(const char *netfilter, enum rxs_app_kind app)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	rxs_host_t *h;

	fr_udp_socket(sc, NULL, 53, app);
	if (netfilter)
		sc->netfilter = rxs__strdup(netfilter);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	return h;
}

static void send_udp(rxs_host_t *h, uint16_t dport, uint64_t t)
{
	struct fr f;

	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1234, dport, 16);
	fr_inject(h, &f, t);
}

/* With no iptables rules at all, user hooks still run, in priority order. */
static void test_nf_hooks_without_rules(void **state)
{
	rxs_host_t *h = udp_host(NULL, RXS_APP_ALL);
	struct order_log log = { .verdict = RXS_NF_ACCEPT };
	struct named_hook a, b, c;

	(void)state;
	named(&a, &log, "in10", RXS_NF_INET_LOCAL_IN, 10);
	named(&b, &log, "pre0", RXS_NF_INET_PRE_ROUTING, 0);
	named(&c, &log, "in-5", RXS_NF_INET_LOCAL_IN, -5);
	assert_int_equal(rxs_nf_register_net_hook(h, &a.ops), 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &b.ops), 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &c.ops), 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &c.ops), -EEXIST);
	send_udp(h, 53, 0);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(log.n, 3);
	assert_string_equal(log.seen[0], "pre0");
	assert_string_equal(log.seen[1], "in-5");
	assert_string_equal(log.seen[2], "in10");
	assert_int_equal(fr_sock(h, 0).delivered, 1);
	assert_int_equal(rxs_nf_unregister_net_hook(h, &c.ops), 0);
	assert_int_equal(rxs_nf_unregister_net_hook(h, &c.ops), -ENOENT);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* Hooks interleave with the filter table (priority 0) at INPUT: one before it sees the
 * packet the table drops, one after it does not; at equal priority the table runs first. */
static void test_nf_hooks_interleave_with_tables(void **state)
{
	rxs_host_t *h = udp_host("*filter\n-A INPUT -p udp --dport 9999 -j DROP\nCOMMIT\n",
				 RXS_APP_ALL);
	struct order_log log = { .verdict = RXS_NF_ACCEPT };
	struct named_hook before, same, after;

	(void)state;
	named(&before, &log, "before", RXS_NF_INET_LOCAL_IN, RXS_NF_IP_PRI_FILTER - 1);
	named(&same, &log, "same", RXS_NF_INET_LOCAL_IN, RXS_NF_IP_PRI_FILTER);
	named(&after, &log, "after", RXS_NF_INET_LOCAL_IN, RXS_NF_IP_PRI_FILTER + 1);
	assert_int_equal(rxs_nf_register_net_hook(h, &after.ops), 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &same.ops), 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &before.ops), 0);
	send_udp(h, 9999, 0);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(log.n, 1);
	assert_string_equal(log.seen[0], "before");
	assert_int_equal(fr_drops(h, RXS_DROP_NETFILTER_DROP), 1);
	log.n = 0;
	send_udp(h, 53, 2000000);
	assert_int_equal(rxs_host_run_until(h, 3000000), 0);
	assert_int_equal(log.n, 3);
	assert_string_equal(log.seen[1], "same");
	assert_string_equal(log.seen[2], "after");
	assert_int_equal(fr_sock(h, 0).delivered, 1);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* A hook's mark is seen by later hooks; DROP frees with NETFILTER_DROP. */
static void test_nf_hook_drop_and_mark(void **state)
{
	rxs_host_t *h = udp_host(NULL, RXS_APP_ALL);
	struct order_log log = { .verdict = RXS_NF_ACCEPT, .mark = 7 };
	struct order_log dlog = { .verdict = RXS_NF_DROP };
	struct named_hook marker, dropper;

	(void)state;
	named(&marker, &log, "mark", RXS_NF_INET_PRE_ROUTING, RXS_NF_IP_PRI_MANGLE);
	named(&dropper, &dlog, "drop", RXS_NF_INET_LOCAL_IN, 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &marker.ops), 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &dropper.ops), 0);
	send_udp(h, 53, 0);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(fr_drops(h, RXS_DROP_NETFILTER_DROP), 1);
	assert_int_equal(fr_sock(h, 0).delivered, 0);
	assert_int_equal(FR_MIB(h, IpInDelivers), 0);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* QUEUE: the handler gets the skb; reinjected with ACCEPT it goes on to the socket, with
 * DROP it is dropped; a second QUEUE hook after the first is still run on reinjection. */
struct queue_ctx {
	struct rxs_sk_buff *held[8];
	unsigned int n;
	enum rxs_nf_hook hook;
};

static void on_queue(void *ctx, struct rxs_sk_buff *skb, const struct rxs_nf_hook_state *st)
{
	struct queue_ctx *q = ctx;

	assert_true(q->n < 8);
	q->hook = st->hook;
	q->held[q->n++] = skb;
}

static enum rxs_nf_verdict queue_hook(void *priv, struct rxs_sk_buff *skb,
				      const struct rxs_nf_hook_state *st)
{
	(void)priv, (void)st;
	return skb->mark == 1 ? RXS_NF_ACCEPT : RXS_NF_QUEUE;
}

static void test_nf_queue_reinject(void **state)
{
	rxs_host_t *h = udp_host(NULL, RXS_APP_ALL);
	struct queue_ctx q = { 0 };
	struct order_log log = { .verdict = RXS_NF_ACCEPT };
	struct named_hook later;
	const struct rxs_nf_hook_ops ops = { .hook = queue_hook, .pf = RXS_NFPROTO_IPV4,
					     .hooknum = RXS_NF_INET_PRE_ROUTING, .priority = 0 };
	struct rxs_conservation c;

	(void)state;
	named(&later, &log, "later", RXS_NF_INET_PRE_ROUTING, 100);
	assert_int_equal(rxs_nf_register_net_hook(h, &ops), 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &later.ops), 0);
	/* No queue handler: QUEUE drops, as with no nfqueue listener. */
	send_udp(h, 53, 0);
	assert_int_equal(rxs_host_run_until(h, 1000), 0);
	assert_int_equal(fr_drops(h, RXS_DROP_NETFILTER_DROP), 1);
	assert_int_equal(rxs_nf_register_queue_handler(h, on_queue, &q), 0);
	send_udp(h, 53, 2000);
	send_udp(h, 53, 3000);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(q.n, 2);
	assert_int_equal(q.hook, RXS_NF_INET_PRE_ROUTING);
	assert_int_equal(rxs_nf_queue_len(h), 2);
	assert_int_equal(log.n, 0);
	/* Held by the user: neither consumed nor dropped nor queued in the host. */
	assert_int_equal(rxs_host_conservation(h, &c), RXS_ECONSERVATION);
	assert_int_equal(rxs_nf_reinject(h, q.held[0], (enum rxs_nf_verdict)9), -EINVAL);
	assert_int_equal(rxs_nf_reinject(h, q.held[0], RXS_NF_ACCEPT), 0);
	assert_int_equal(rxs_nf_reinject(h, q.held[0], RXS_NF_ACCEPT), -ENOENT);
	assert_int_equal(log.n, 1);	/* the walk resumed after the queueing hook */
	assert_int_equal(fr_sock(h, 0).delivered, 1);
	assert_int_equal(rxs_nf_reinject(h, q.held[1], RXS_NF_DROP), 0);
	assert_int_equal(fr_drops(h, RXS_DROP_NETFILTER_DROP), 2);
	assert_int_equal(rxs_nf_queue_len(h), 0);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* A queued skb the user ends itself leaves the queue; STOLEN leaves the skb to the user. */
static enum rxs_nf_verdict steal_hook(void *priv, struct rxs_sk_buff *skb,
				      const struct rxs_nf_hook_state *st)
{
	struct rxs_sk_buff **slot = priv;

	(void)st;
	*slot = skb;
	return RXS_NF_STOLEN;
}

static void test_nf_stolen_and_user_end(void **state)
{
	rxs_host_t *h = udp_host(NULL, RXS_APP_ALL);
	struct rxs_sk_buff *stolen = NULL;
	struct queue_ctx q = { 0 };
	const struct rxs_nf_hook_ops steal = { .hook = steal_hook, .priv = &stolen,
					       .pf = RXS_NFPROTO_IPV4,
					       .hooknum = RXS_NF_INET_LOCAL_IN };
	const struct rxs_nf_hook_ops queue = { .hook = queue_hook, .pf = RXS_NFPROTO_IPV4,
					       .hooknum = RXS_NF_INET_PRE_ROUTING };

	(void)state;
	assert_int_equal(rxs_nf_register_net_hook(h, &steal), 0);
	send_udp(h, 53, 0);
	assert_int_equal(rxs_host_run_until(h, 1000), 0);
	assert_non_null(stolen);
	assert_int_equal(fr_sock(h, 0).delivered, 0);
	rxs_consume_skb(stolen);
	assert_int_equal(rxs_nf_unregister_net_hook(h, &steal), 0);

	assert_int_equal(rxs_nf_register_net_hook(h, &queue), 0);
	assert_int_equal(rxs_nf_register_queue_handler(h, on_queue, &q), 0);
	send_udp(h, 53, 2000);
	assert_int_equal(rxs_host_run_until(h, 3000), 0);
	assert_int_equal(rxs_nf_queue_len(h), 1);
	rxs_kfree_skb_reason(q.held[0], RXS_DROP_NETFILTER_DROP);
	assert_int_equal(rxs_nf_queue_len(h), 0);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* The host's own packets go through the same walk: an ICMP port unreachable (a datagram
 * to a closed port) passes the users' functions at LOCAL_OUT and POST_ROUTING in priority
 * order, interleaved with the filter table's OUTPUT chain at priority 0; a LOCAL_OUT drop
 * is not counted in IpOutRequests (ip_output counts after the hook); a packet queued at
 * LOCAL_OUT resumes in the rest of the output path when reinjected. */
static void test_nf_hooks_on_output(void **state)
{
	rxs_host_t *h = udp_host(NULL, RXS_APP_ALL);
	struct order_log log = { .verdict = RXS_NF_ACCEPT };
	struct named_hook late, early, post;
	struct queue_ctx q = { 0 };
	const struct rxs_nf_hook_ops qops = { .hook = queue_hook, .pf = RXS_NFPROTO_IPV4,
					      .hooknum = RXS_NF_INET_LOCAL_OUT, .priority = 50 };

	(void)state;
	named(&late, &log, "out10", RXS_NF_INET_LOCAL_OUT, 10);
	named(&early, &log, "out-5", RXS_NF_INET_LOCAL_OUT, -5);
	named(&post, &log, "post0", RXS_NF_INET_POST_ROUTING, 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &late.ops), 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &early.ops), 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &post.ops), 0);
	send_udp(h, 9, 0);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(FR_MIB(h, IcmpOutDestUnreachs), 1);
	assert_int_equal(log.n, 3);
	assert_string_equal(log.seen[0], "out-5");
	assert_string_equal(log.seen[1], "out10");
	assert_string_equal(log.seen[2], "post0");
	assert_int_equal(FR_MIB(h, IpOutRequests), 1);
	assert_int_equal(FR_MIB(h, IpOutTransmits), 1);
	/* A user's DROP at LOCAL_OUT: nothing leaves; the error was requested (counted before
	 * LOCAL_OUT, __ip_local_out) and is an output discard (ip_send_skb). */
	log.n = 0;
	log.verdict = RXS_NF_DROP;
	send_udp(h, 9, 2000000);
	assert_int_equal(rxs_host_run_until(h, 3000000), 0);
	assert_int_equal(log.n, 1);
	assert_int_equal(FR_MIB(h, IpOutRequests), 2);
	assert_int_equal(FR_MIB(h, IpOutDiscards), 1);
	assert_int_equal(FR_MIB(h, IpOutTransmits), 1);
	/* Queued at LOCAL_OUT after the others, reinjected: out through POST_ROUTING. */
	log.verdict = RXS_NF_ACCEPT;
	log.n = 0;
	assert_int_equal(rxs_nf_register_queue_handler(h, on_queue, &q), 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &qops), 0);
	send_udp(h, 9, 4000000);
	assert_int_equal(rxs_host_run_until(h, 5000000), 0);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.hook, RXS_NF_INET_LOCAL_OUT);
	assert_int_equal(log.n, 2);
	assert_int_equal(FR_MIB(h, IpOutRequests), 3);
	assert_int_equal(FR_MIB(h, IpOutDiscards), 1);	/* queued is no discard */
	assert_int_equal(rxs_nf_reinject(h, q.held[0], RXS_NF_ACCEPT), 0);
	assert_int_equal(log.n, 3);
	assert_string_equal(log.seen[2], "post0");
	assert_int_equal(FR_MIB(h, IpOutRequests), 3);
	assert_int_equal(FR_MIB(h, IpOutTransmits), 2);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* At OUTPUT the filter table sits at priority 0 among the users' functions, as at INPUT:
 * one before it sees the packet the table drops, one at or after it does not. */
static void test_nf_hooks_on_output_with_tables(void **state)
{
	rxs_host_t *h = udp_host("*filter\n-A OUTPUT -p icmp -j DROP\nCOMMIT\n", RXS_APP_ALL);
	struct order_log log = { .verdict = RXS_NF_ACCEPT };
	struct named_hook before, same, post;

	(void)state;
	named(&before, &log, "before", RXS_NF_INET_LOCAL_OUT, RXS_NF_IP_PRI_FILTER - 1);
	named(&same, &log, "same", RXS_NF_INET_LOCAL_OUT, RXS_NF_IP_PRI_FILTER);
	named(&post, &log, "post", RXS_NF_INET_POST_ROUTING, 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &same.ops), 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &before.ops), 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &post.ops), 0);
	send_udp(h, 9, 0);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(FR_MIB(h, IcmpOutDestUnreachs), 1);
	assert_int_equal(log.n, 1);
	assert_string_equal(log.seen[0], "before");
	assert_int_equal(FR_MIB(h, IpOutRequests), 1);
	assert_int_equal(FR_MIB(h, IpOutDiscards), 1);
	assert_int_equal(FR_MIB(h, IpOutTransmits), 0);
	fr_conserved(h);
	rxs_host_destroy(h);
}

static void test_nf_register_errors(void **state)
{
	rxs_host_t *h = udp_host(NULL, RXS_APP_ALL);
	struct rxs_nf_hook_ops ops[RXS_NF_MAX_HOOKS + 1];

	(void)state;
	for (unsigned int i = 0; i <= RXS_NF_MAX_HOOKS; i++)
		ops[i] = (struct rxs_nf_hook_ops){ .hook = queue_hook, .pf = RXS_NFPROTO_IPV4,
						   .hooknum = RXS_NF_INET_LOCAL_IN };
	ops[0].pf = 10;
	assert_int_equal(rxs_nf_register_net_hook(h, &ops[0]), -EINVAL);
	ops[0].pf = RXS_NFPROTO_IPV4;
	ops[0].hooknum = RXS_NF_INET_NUMHOOKS;
	assert_int_equal(rxs_nf_register_net_hook(h, &ops[0]), -EINVAL);
	ops[0].hooknum = RXS_NF_INET_LOCAL_IN;
	for (unsigned int i = 0; i < RXS_NF_MAX_HOOKS; i++)
		assert_int_equal(rxs_nf_register_net_hook(h, &ops[i]), 0);
	assert_int_equal(rxs_nf_register_net_hook(h, &ops[RXS_NF_MAX_HOOKS]), -ENOSPC);
	rxs_host_destroy(h);
}

/* ---- packet and protocol handlers ---- */

struct got {
	unsigned int n;
	uint16_t protocol;
	uint32_t len;
	bool counted;
};

static void on_packet(void *ctx, struct rxs_sk_buff *skb)
{
	struct got *g = ctx;

	g->n++;
	g->protocol = skb->protocol;
	g->len = skb->len;
	g->counted = skb->counted;
	rxs_consume_skb(skb);
}

static void test_dev_add_pack(void **state)
{
	rxs_host_t *h = udp_host(NULL, RXS_APP_ALL);
	struct got mine = { 0 }, ip = { 0 };
	struct fr f;

	(void)state;
	assert_int_equal(rxs_dev_add_pack(h, 0x88b5, on_packet, &mine), 0);
	assert_int_equal(rxs_dev_add_pack(h, 0x88b5, on_packet, &mine), -EEXIST);
	assert_int_equal(rxs_dev_add_pack(h, 0x0800, on_packet, &ip), 0);
	fr_eth(&f, fr_host_mac, false, 0, 0x88b5);
	f.len = 60;
	fr_inject(h, &f, 0);
	send_udp(h, 53, 1000);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	/* The local experimental ethertype is ours now: no UNHANDLED_PROTO. */
	assert_int_equal(mine.n, 1);
	assert_int_equal(mine.protocol, 0x88b5);
	assert_int_equal(mine.len, 46);
	assert_true(mine.counted);
	assert_int_equal(fr_drops(h, RXS_DROP_UNHANDLED_PROTO), 0);
	/* IPv4: a clone for us, the frame for rxsim's IP. */
	assert_int_equal(ip.n, 1);
	assert_false(ip.counted);
	assert_int_equal(fr_sock(h, 0).delivered, 1);
	assert_int_equal(rxs_dev_remove_pack(h, 0x88b5, on_packet, &mine), 0);
	assert_int_equal(rxs_dev_remove_pack(h, 0x88b5, on_packet, &mine), -ENOENT);
	/* rxsim's own IPv4, IPv6 and ARP entries take none of the users' places. */
	for (uintptr_t i = 1; i < RXS_MAX_PACKET_HANDLERS; i++)
		assert_int_equal(rxs_dev_add_pack(h, 0x88b6, on_packet, (void *)i), 0);
	assert_int_equal(rxs_dev_add_pack(h, 0x88b6, on_packet, &mine), -ENOSPC);
	for (uintptr_t i = 1; i < RXS_MAX_PACKET_HANDLERS; i++)
		assert_int_equal(rxs_dev_remove_pack(h, 0x88b6, on_packet, (void *)i), 0);
	fr_inject(h, &f, 2000000);
	assert_int_equal(rxs_host_run_until(h, 3000000), 0);
	assert_int_equal(fr_drops(h, RXS_DROP_UNHANDLED_PROTO), 1);
	fr_conserved(h);
	rxs_host_destroy(h);
}

static void test_inet_add_protocol(void **state)
{
	rxs_host_t *h = udp_host(NULL, RXS_APP_ALL);
	struct got gre = { 0 };
	struct fr f;

	(void)state;
	/* rxsim's own UDP, TCP and ICMP hold their slots in the same table: a user can
	 * neither take nor remove them, and UDP still reaches its socket. */
	assert_int_equal(rxs_inet_add_protocol(h, IPPROTO_UDP, on_packet, &gre), -EEXIST);
	assert_int_equal(rxs_inet_add_protocol(h, IPPROTO_TCP, on_packet, &gre), -EEXIST);
	assert_int_equal(rxs_inet_add_protocol(h, IPPROTO_ICMP, on_packet, &gre), -EEXIST);
	assert_int_equal(rxs_inet_del_protocol(h, IPPROTO_UDP), -ENOENT);
	assert_int_equal(rxs_inet_add_protocol(h, 47, on_packet, &gre), 0);
	assert_int_equal(rxs_inet_add_protocol(h, 47, on_packet, &gre), -EEXIST);
	fr_eth(&f, fr_host_mac, false, 0, FR_ETH_P_IP);
	fr_ip(&f, FR_PEER_IP, FR_HOST_IP, 47, 1, 0x4000, 24);
	fr_inject(h, &f, 0);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(gre.n, 1);
	assert_int_equal(gre.len, 24);		/* skb->data at the transport header */
	assert_int_equal(FR_MIB(h, IpInDelivers), 1);
	assert_int_equal(FR_MIB(h, IpInUnknownProtos), 0);
	assert_int_equal(rxs_inet_del_protocol(h, 47), 0);
	assert_int_equal(rxs_inet_del_protocol(h, 47), -ENOENT);
	fr_inject(h, &f, 2000000);
	assert_int_equal(rxs_host_run_until(h, 3000000), 0);
	assert_int_equal(FR_MIB(h, IpInUnknownProtos), 1);
	assert_int_equal(fr_drops(h, RXS_DROP_IP_NOPROTO), 1);
	send_udp(h, 53, 4000000);
	assert_int_equal(rxs_host_run_until(h, 5000000), 0);
	assert_int_equal(fr_sock(h, 0).delivered, 1);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* ---- taps ---- */

static void test_taps_in_code(void **state)
{
	rxs_host_t *h = udp_host(NULL, RXS_APP_ALL);
	struct rxs_tap_config cfg = { .name = "dns", .filter = "udp port 53",
				      .direction = RXS_TAP_IN };
	/* ret #0: a program that accepts nothing, and one that is not valid (no RET). */
	const struct rxs_bpf_insn none[] = { RXS_BPF_STMT(RXS_BPF_RET | RXS_BPF_K, 0) };
	const struct rxs_bpf_insn bad[] = { RXS_BPF_STMT(RXS_BPF_LD | RXS_BPF_W | RXS_BPF_ABS, 0) };
	struct rxs_tap_stats st;
	char err[128];
	int tap;

	(void)state;
	tap = rxs_tap_add(h, &cfg, err, sizeof(err));
	assert_int_equal(tap, 0);
	assert_int_equal(rxs_tap_count(h), 1);
	assert_string_equal(rxs_tap_name(rxs_tap_get(h, 0)), "dns");
	send_udp(h, 53, 0);
	send_udp(h, 54, 1000);
	assert_int_equal(rxs_host_run_until(h, 10000), 0);
	rxs_tap_get_stats(rxs_tap_get(h, 0), &st);
	assert_int_equal(st.tp_packets, 1);
	assert_int_equal(st.filtered_out, 1);
	assert_int_equal(rxs_tap_attach_prog(rxs_tap_get(h, 0), none, 1), 0);
	assert_int_equal(rxs_tap_attach_prog(rxs_tap_get(h, 0), bad, 1), -EINVAL);
	assert_null(rxs_tap_get(h, 1));
	assert_int_equal(rxs_tap_attach_prog(NULL, none, 1), -EINVAL);
	assert_int_equal(rxs_tap_set_filter(NULL, "udp", err, sizeof(err)), -EINVAL);
	send_udp(h, 53, 20000);
	assert_int_equal(rxs_host_run_until(h, 30000), 0);
	rxs_tap_get_stats(rxs_tap_get(h, 0), &st);
	assert_int_equal(st.tp_packets, 1);
	assert_int_equal(rxs_tap_set_filter(rxs_tap_get(h, 0), "udp port", err, sizeof(err)),
			 RXS_EFILTER);
	assert_non_null(strstr(err, "udp port"));
	assert_int_equal(rxs_tap_set_filter(rxs_tap_get(h, 0), "udp", err, sizeof(err)), 0);
	send_udp(h, 54, 40000);
	assert_int_equal(rxs_host_run_until(h, 50000), 0);
	rxs_tap_get_stats(rxs_tap_get(h, 0), &st);
	assert_int_equal(st.tp_packets, 2);
	cfg.filter = "tcp port";
	assert_true(rxs_tap_add(h, &cfg, err, sizeof(err)) < 0);
	assert_int_equal(rxs_tap_count(h), 1);
	rxs_host_destroy(h);
}

/* ---- tracepoints ---- */

struct tp_log {
	unsigned int n[RXS_TP_COUNT];
	struct rxs_trace_event last[RXS_TP_COUNT];
	unsigned int reasons[RXS_DROP_MAX];
	char location[RXS_DROP_MAX][32];
	unsigned int legacy;
};

static void on_trace(void *ctx, const struct rxs_trace_event *ev)
{
	struct tp_log *l = ctx;

	l->n[ev->tp]++;
	l->last[ev->tp] = *ev;
	if (ev->tp == RXS_TP_KFREE_SKB) {
		l->reasons[ev->u.kfree_skb.reason]++;
		snprintf(l->location[ev->u.kfree_skb.reason], 32, "%s", ev->u.kfree_skb.location);
		assert_int_equal(ev->u.kfree_skb.protocol, 0x0800);
	}
}

static void on_legacy_kfree(void *ctx, const struct rxs_sk_buff *skb, enum rxs_drop_reason r)
{
	struct tp_log *l = ctx;

	(void)skb, (void)r;
	l->legacy++;
}

static void test_trace_skb_and_socket(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	struct tp_log l = { 0 };
	rxs_host_t *h;

	(void)state;
	/* The smallest receive buffer (SOCK_MIN_RCVBUF, 2304) and a reader that never reads:
	 * the second datagram of 1000 bytes (truesize 2304) finds the queue full. */
	fr_udp_socket(sc, NULL, 53, RXS_APP_NEVER)->rcvbuf = 0;
	fr_udp_socket(sc, NULL, 54, RXS_APP_ALL);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	rxs_host_set_kfree_skb_cb(h, on_legacy_kfree, &l);
	for (int tp = 0; tp < RXS_TP_COUNT; tp++)
		assert_int_equal(rxs_trace_register(h, (enum rxs_tracepoint)tp, on_trace, &l), 0);
	assert_int_equal(rxs_trace_register(h, RXS_TP_KFREE_SKB, on_trace, &l), -EEXIST);
	assert_int_equal(rxs_trace_register(h, RXS_TP_COUNT, on_trace, &l), -EINVAL);
	for (int i = 0; i < 4; i++) {
		struct fr f;

		fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1234, 53, 1000);
		fr_inject(h, &f, (uint64_t)i * 10000);
	}
	send_udp(h, 54, 100000);
	send_udp(h, 55, 110000);			/* no socket */
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);

	assert_int_equal(l.n[RXS_TP_NETIF_RECEIVE_SKB], 6);
	assert_string_equal(l.last[RXS_TP_NETIF_RECEIVE_SKB].u.netif_receive_skb.name, "eth0");
	assert_int_equal(l.last[RXS_TP_NETIF_RECEIVE_SKB].u.netif_receive_skb.len, 20 + 8 + 16);
	assert_int_equal(l.n[RXS_TP_SOCK_RCVQUEUE_FULL], 3);
	assert_int_equal(l.last[RXS_TP_SOCK_RCVQUEUE_FULL].u.sock_rcvqueue_full.sk_rcvbuf,
			 RXS_SOCK_MIN_RCVBUF);
	assert_true(l.last[RXS_TP_SOCK_RCVQUEUE_FULL].u.sock_rcvqueue_full.rmem_alloc > 0);
	assert_int_equal(l.n[RXS_TP_SOCK_QUEUE], 2);	/* 1 on port 53, 1 on 54 */
	assert_int_equal(l.n[RXS_TP_SOCK_READ], 1);
	assert_string_equal(l.last[RXS_TP_SOCK_READ].u.sock_read.sock_name, "sock1");
	assert_int_equal(l.last[RXS_TP_SOCK_READ].u.sock_read.tstamp, 100000);
	assert_true(l.last[RXS_TP_SOCK_READ].time_ns > 100000);
	/* kfree: 3 rcvbuf drops, 1 no socket, 1 consumed; the legacy callback still runs. */
	assert_int_equal(l.n[RXS_TP_KFREE_SKB], 5);
	assert_int_equal(l.legacy, 5);
	assert_int_equal(l.reasons[RXS_DROP_SOCKET_RCVBUFF], 3);
	assert_string_equal(l.location[RXS_DROP_SOCKET_RCVBUFF], "__udp_enqueue_schedule_skb");
	assert_int_equal(l.reasons[RXS_DROP_NO_SOCKET], 1);
	assert_string_equal(l.location[RXS_DROP_NO_SOCKET], "__udp4_lib_rcv");
	assert_int_equal(l.reasons[RXS_DROP_CONSUMED], 1);
	assert_string_equal(l.location[RXS_DROP_CONSUMED], "skb_consume_udp");
	assert_int_equal(rxs_trace_unregister(h, RXS_TP_KFREE_SKB, on_trace, &l), 0);
	assert_int_equal(rxs_trace_unregister(h, RXS_TP_KFREE_SKB, on_trace, &l), -ENOENT);
	assert_string_equal(rxs_tracepoint_name(RXS_TP_SOCK_RCVQUEUE_FULL),
			    "sock:sock_rcvqueue_full");
	assert_null(rxs_tracepoint_name(RXS_TP_COUNT));
	rxs_host_destroy(h);
}

/* The retransmitted SYN-ACK of a handshake the peer never completes, after 1 s. */
/* skb:kfree_skb's location is the function that frees the skb, not the transport the packet
 * carries: a UDP datagram whose IP header is bad, or that is for another host (an 802.1Q id
 * no VLAN device has), dies in ip_rcv_core. */
static const struct {
	int line;
	uint16_t tci;			/* 802.1Q tag, 0 = untagged */
	bool bad_csum;
	bool short_tag;			/* the frame ends 3 bytes into its tag */
	enum rxs_drop_reason reason;
	const char *location;
} location_cases[] = {
	{ __LINE__, 0, false, false, RXS_DROP_NO_SOCKET, "__udp4_lib_rcv" },
	{ __LINE__, 203, false, false, RXS_DROP_OTHERHOST, "ip_rcv_core" },
	{ __LINE__, 0, true, false, RXS_DROP_IP_CSUM, "ip_rcv_core" },
	/* skb_vlan_untag() frees it with plain kfree_skb(): no reason, no rx_dropped */
	{ __LINE__, 202, false, true, RXS_DROP_NOT_SPECIFIED, "skb_vlan_untag" },
};

static void on_kfree_location(void *ctx, const struct rxs_trace_event *ev)
{
	struct tp_log *l = ctx;

	l->reasons[ev->u.kfree_skb.reason]++;
	snprintf(l->location[ev->u.kfree_skb.reason], 32, "%s", ev->u.kfree_skb.location);
}

static void test_drop_location(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(location_cases) / sizeof(location_cases[0]); i++) {
		rxs_host_t *h = udp_host(NULL, RXS_APP_ALL);
		struct tp_log l = { 0 };
		struct fr f;

		assert_int_equal(rxs_trace_register(h, RXS_TP_KFREE_SKB, on_kfree_location, &l), 0);
		fr_udp_vlan(&f, fr_host_mac, location_cases[i].tci != 0, location_cases[i].tci,
			    FR_PEER_IP, FR_HOST_IP, 1234, 99, 16);
		if (location_cases[i].bad_csum)
			f.d[f.l3 + 10] ^= 0xff;
		if (location_cases[i].short_tag)
			f.len = 14 + 3;
		fr_inject(h, &f, 0);
		assert_int_equal(rxs_host_run_until(h, 1000000), 0);
		if (l.reasons[location_cases[i].reason] != 1 || fr_nic(h, 0).rx_dropped ||
		    strcmp(l.location[location_cases[i].reason], location_cases[i].location))
			fail_msg("case at line %d: %llu drops, location %s", location_cases[i].line,
				 (unsigned long long)l.reasons[location_cases[i].reason],
				 l.location[location_cases[i].reason]);
		rxs_host_destroy(h);
	}
}

static void test_trace_synack_retransmit(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	struct rxs_socket_config *so = rxs_scenario_add_socket(sc);
	struct tp_log l = { 0 };
	const struct rxs_tp_tcp_retransmit_synack *p;
	rxs_host_t *h;
	struct fr f;
	uint8_t *t;

	(void)state;
	so->proto = IPPROTO_TCP;
	so->port = 22;
	h = fr_host(sc);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_trace_register(h, RXS_TP_TCP_RETRANSMIT_SYNACK, on_trace, &l), 0);
	fr_eth(&f, fr_host_mac, false, 0, FR_ETH_P_IP);
	fr_ip(&f, FR_PEER_IP, FR_HOST_IP, IPPROTO_TCP, 1, 0x4000, 20);
	t = f.d + f.l4;
	fr_put16(t, 40000);
	fr_put16(t + 2, 22);
	t[12] = 5 << 4;
	t[13] = 0x02;
	fr_put16(t + 14, 64240);
	/* The TCP checksum, over the pseudo header. */
	fr_put16(t + 16, fr_fold(fr_sum(t, 20, fr_sum(f.d + f.l3 + 12, 8, 0) + IPPROTO_TCP + 20)));
	fr_inject(h, &f, 0);
	assert_int_equal(rxs_host_run_until(h, 1500000000), 0);
	assert_int_equal(l.n[RXS_TP_TCP_RETRANSMIT_SYNACK], 1);
	p = &l.last[RXS_TP_TCP_RETRANSMIT_SYNACK].u.tcp_retransmit_synack;
	assert_int_equal(p->sport, 22);
	assert_int_equal(p->dport, 40000);
	assert_int_equal(p->family, AF_INET);
	assert_memory_equal(p->saddr, ((const uint8_t[]){ 10, 0, 0, 2 }), 4);
	assert_memory_equal(p->daddr, ((const uint8_t[]){ 10, 0, 0, 1 }), 4);
	assert_int_equal(p->saddr_v6[10], 0xff);
	assert_true(l.last[RXS_TP_TCP_RETRANSMIT_SYNACK].time_ns >= 1000000000);
	assert_int_equal(FR_MIB(h, TcpExtTCPSynRetrans), 1);
	rxs_host_destroy(h);
}

/* napi:napi_poll's fields, from a NIC queue's NAPI and from a backlog's. */
static void test_trace_napi_poll(void **state)
{
	rxs_host_t *h = udp_host(NULL, RXS_APP_ALL);
	struct tp_log l = { 0 };
	struct rxs_softnet_data *sd = &h->cpus[0];

	(void)state;
	rxs__napi_poll_trace(sd, &h->devs[0].rxq[0].napi, 3, 64);	/* nothing registered */
	assert_int_equal(rxs_trace_register(h, RXS_TP_NAPI_POLL, on_trace, &l), 0);
	rxs__napi_poll_trace(sd, &h->devs[0].rxq[0].napi, 3, 64);
	assert_int_equal(l.n[RXS_TP_NAPI_POLL], 1);
	assert_int_equal(l.last[RXS_TP_NAPI_POLL].u.napi_poll.napi_id, 8193);
	assert_string_equal(l.last[RXS_TP_NAPI_POLL].u.napi_poll.dev_name, "eth0");
	assert_int_equal(l.last[RXS_TP_NAPI_POLL].u.napi_poll.work, 3);
	assert_int_equal(l.last[RXS_TP_NAPI_POLL].u.napi_poll.budget, 64);
	rxs__napi_poll_trace(sd, &sd->backlog, 1, 64);
	assert_int_equal(l.last[RXS_TP_NAPI_POLL].u.napi_poll.napi_id, 0);
	assert_string_equal(l.last[RXS_TP_NAPI_POLL].u.napi_poll.dev_name, "(no_device)");
	rxs_host_destroy(h);
}

static void test_version(void **state)
{
	(void)state;
	assert_int_equal(rxs_version(), RXS_VERSION_HEX);
	assert_string_equal(rxs_version_string(), RXS_VERSION_STRING);
	assert_int_equal(RXS_VERSION_MAJOR, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nf_hooks_without_rules),
		cmocka_unit_test(test_nf_hooks_interleave_with_tables),
		cmocka_unit_test(test_nf_hook_drop_and_mark),
		cmocka_unit_test(test_nf_queue_reinject),
		cmocka_unit_test(test_nf_stolen_and_user_end),
		cmocka_unit_test(test_nf_hooks_on_output),
		cmocka_unit_test(test_nf_hooks_on_output_with_tables),
		cmocka_unit_test(test_nf_register_errors),
		cmocka_unit_test(test_dev_add_pack),
		cmocka_unit_test(test_inet_add_protocol),
		cmocka_unit_test(test_taps_in_code),
		cmocka_unit_test(test_trace_skb_and_socket),
		cmocka_unit_test(test_drop_location),
		cmocka_unit_test(test_trace_synack_retransmit),
		cmocka_unit_test(test_trace_napi_poll),
		cmocka_unit_test(test_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
