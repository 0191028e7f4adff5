/* protocol.c - inet_protos and inet6_protos, the tables IP hands a datagram for us through
 * (net/ipv4/protocol.c, net/ipv6/protocol.c), and rxsim's own entries in them and in
 * ptype_base: what inet_init() and inet6_init() register (net/ipv4/af_inet.c).
 *
 * rxsim's UDP, TCP, ICMP, IGMP and ICMPv6 take their slots when the host is built, in the same
 * IPv4 table users add to with rxs_inet_add_protocol(), so ip_local_deliver() and
 * ip6_deliver() call whatever holds the slot and name no transport protocol; this file is
 * the one place that does. A protocol has one handler: as inet_add_protocol() fails on a
 * taken slot, a user cannot replace rxsim's own (-EEXIST) nor remove it (-ENOENT), which is
 * what the API always said. IPv6's table has no public API yet: rxsim's entries only.
 */
#include <errno.h>
#include <netinet/in.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"
#include "proto/proto_int.h"

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86dd

/* The handlers' shape is the tables' (ctx first); each is a tail call to the receive
 * function, which keeps its kernel name and its one argument. */
static void ip_packet_rcv(void *ctx, struct rxs_sk_buff *skb)
{
	rxs__ip_rcv(skb);
}

static void ipv6_packet_rcv(void *ctx, struct rxs_sk_buff *skb)
{
	rxs__ipv6_rcv(skb);
}

static void arp_packet_rcv(void *ctx, struct rxs_sk_buff *skb)
{
	rxs__arp_rcv(skb);
}

/* ip_packet_type, ipv6_packet_type, arp_packet_type; IPv4 first, the type seen most. */
const struct rxs_packet_type rxs__proto_packet_types[RXS__OWN_PACKET_TYPES] = {
	{ .type = ETH_P_IP, .fn = ip_packet_rcv },
	{ .type = ETH_P_IPV6, .fn = ipv6_packet_rcv },
	{ .type = ETH_P_ARP, .fn = arp_packet_rcv },
};

static void udp_protocol(void *ctx, struct rxs_sk_buff *skb)
{
	rxs__udp_rcv(skb);
}

static void tcp_protocol(void *ctx, struct rxs_sk_buff *skb)
{
	rxs__tcp_rcv(skb);
}

static void icmp_protocol(void *ctx, struct rxs_sk_buff *skb)
{
	rxs__icmp_rcv(skb);
}

static void igmp_protocol(void *ctx, struct rxs_sk_buff *skb)
{
	rxs__igmp_rcv(skb);
}

static void icmpv6_protocol(void *ctx, struct rxs_sk_buff *skb)
{
	rxs__icmpv6_rcv(skb);
}

static void add_own(struct rxs_inet_protocol *tbl, uint8_t protocol, rxs_inet_proto_fn fn,
		    struct rxs_host *h)
{
	tbl[protocol].fn = fn;
	tbl[protocol].ctx = h;
	tbl[protocol].user = false;
}

/* inet_init()'s inet_add_protocol() calls and inet6_init()'s inet6_add_protocol() ones,
 * before any user can add: the host is not yet handed out. */
void rxs__inet_init(struct rxs_host *h)
{
	struct rxs_netns_inet *in = &h->inet;

	add_own(in->protos, IPPROTO_ICMP, icmp_protocol, h);
	add_own(in->protos, IPPROTO_IGMP, igmp_protocol, h);
	add_own(in->protos, IPPROTO_TCP, tcp_protocol, h);
	add_own(in->protos, IPPROTO_UDP, udp_protocol, h);
	add_own(in->protos6, IPPROTO_TCP, tcp_protocol, h);
	add_own(in->protos6, IPPROTO_UDP, udp_protocol, h);
	add_own(in->protos6, IPPROTO_ICMPV6, icmpv6_protocol, h);
}

int rxs_inet_add_protocol(rxs_host_t *h, uint8_t protocol, rxs_inet_proto_fn fn, void *ctx)
{
	struct rxs_netns_inet *in = &h->inet;

	if (!fn)
		return -EINVAL;
	if (in->protos[protocol].fn)	/* rxsim's own or a user's */
		return -EEXIST;
	in->protos[protocol].fn = fn;
	in->protos[protocol].ctx = ctx;
	in->protos[protocol].user = true;
	in->nuser++;
	return 0;
}

int rxs_inet_del_protocol(rxs_host_t *h, uint8_t protocol)
{
	struct rxs_netns_inet *in = &h->inet;

	if (!in->protos[protocol].fn || !in->protos[protocol].user)
		return -ENOENT;
	in->protos[protocol].fn = NULL;
	in->protos[protocol].ctx = NULL;
	in->protos[protocol].user = false;
	in->nuser--;
	return 0;
}

/* A user's handler under handlers_lock: users' handlers run one at a time and need no
 * lock of their own. rxsim's own take the locks they need. */
void rxs__inet_user_deliver(struct rxs_host *h, const struct rxs_inet_protocol *p,
			    struct rxs_sk_buff *skb)
{
	rxs__lock_acquire(&h->inet.handlers_lock);
	p->fn(p->ctx, skb);
	rxs__lock_release(&h->inet.handlers_lock);
}
