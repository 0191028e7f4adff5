/* icmp.c - ICMP receive (icmp_rcv) and the errors the host sends (icmp_send), rate limited.
 *
 * Replies and errors go out through ip_output (ip_output.c): an echo reply repeats all the
 * request's data, and leaves in fragments when that is longer than the MTU. Rate limits follow
 * net/ipv4/icmp.c: a global token bucket (icmp_msgs_per_sec, icmp_msgs_burst) and a
 * per-destination bucket (inet_peer_xrlim_allow: icmp_ratelimit per message, burst of 6),
 * both only for the types in icmp_ratemask. The kernel takes a random 0-2 credits per message
 * from the global bucket (icmp_global_consume); we take 1, its expected value, to stay
 * deterministic.
 */
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"
#include "proto/proto_int.h"
#include "socket/socket.h"

#define XRLIM_BURST_FACTOR 6
#define PEER_SLOTS 4096
#define PEER_PROBE 16

struct icmp_peer {
	uint8_t addr[16];
	bool used;
	uint64_t rate_tokens;
	uint64_t rate_last;
	unsigned int n_redirects;	/* redirects sent since the last silence */
};

struct rxs_icmp_state {
	int64_t credit;
	uint64_t stamp;
	/* ICMPMSG_MIB and ICMP6MSG_MIB: every message by type, IPv4's [0] and IPv6's [1],
	 * received [0] and sent [1] (/proc/net/snmp's IcmpMsg line and snmp6's Icmp6InTypeN
	 * list the types seen), under icmp_lock. */
	uint64_t msg[2][2][256];
	struct icmp_peer peers[PEER_SLOTS];
};

int rxs__icmp_init(struct rxs_host *h)
{
	h->inet.icmp = rxs__calloc(1, sizeof(*h->inet.icmp));
	if (!h->inet.icmp)
		return -12;
	h->inet.icmp->credit = h->inet.sysctl_icmp_msgs_burst;
	return 0;
}

void rxs__icmp_destroy(struct rxs_host *h)
{
	rxs__free(h->inet.icmp);
	h->inet.icmp = NULL;
}

/* icmp_global_allow(): refill by elapsed jiffies (at most one second's worth), then check.
 * ICMPv6 shares the bucket (icmpv6_global_allow()). */
bool rxs__icmp_global_allow(struct rxs_host *h, uint64_t now_j)
{
	struct rxs_icmp_state *st = h->inet.icmp;
	uint64_t hz = h->hz;
	uint64_t delta = RXS_MIN(now_j - st->stamp, hz);

	if (delta > hz / 50) {
		int64_t incr = h->inet.sysctl_icmp_msgs_per_sec * (int64_t)delta / (int64_t)hz;

		if (incr) {
			st->stamp = now_j;
			st->credit = RXS_MIN(st->credit + incr, h->inet.sysctl_icmp_msgs_burst);
		}
	}
	return st->credit > 0;
}

/*
 * The inet_peer of @addr: the kernel keeps one per address. We probe PEER_PROBE slots from
 * the hash; when all are taken by others, the one idle longest is recycled (the kernel's
 * inet_peer garbage collection also drops idle peers first).
 */
static struct icmp_peer *peer_find(struct rxs_icmp_state *st, const uint8_t *addr)
{
	uint32_t hash = rxs__get_be32(addr) ^ rxs__get_be32(addr + 12);
	struct icmp_peer *victim = NULL;

	hash = (hash * 2654435761u) % PEER_SLOTS;
	for (unsigned int i = 0; i < PEER_PROBE; i++) {
		struct icmp_peer *p = &st->peers[(hash + i) % PEER_SLOTS];

		if (!p->used || !memcmp(p->addr, addr, 16))
			return p;
		if (!victim || p->rate_last < victim->rate_last)
			victim = p;
	}
	return victim;
}

/* inet_getpeer(): the peer of @addr, made when it has none yet with no tokens and rate_last a
 * minute ago ("enough high so that the first calculation of tokens is at its maximum"). */
static struct icmp_peer *inet_getpeer(struct rxs_host *h, const uint8_t *addr, uint64_t now_j)
{
	struct icmp_peer *p = peer_find(h->inet.icmp, addr);

	if (!p->used || memcmp(p->addr, addr, 16)) {
		memset(p, 0, sizeof(*p));
		p->used = true;
		memcpy(p->addr, addr, 16);
		p->rate_last = now_j - 60 * (uint64_t)h->hz;	/* jiffies wrap as the kernel's */
	}
	return p;
}

/* icmp_global_consume(): a message the per-destination limit let out takes a credit. */
void rxs__icmp_global_consume(struct rxs_host *h)
{
	h->inet.icmp->credit--;
}

/* inet_peer_xrlim_allow(peer of @addr, @timeout jiffies). A new peer starts with a full
 * bucket. IPv4 and IPv6 peers live apart in the kernel; here an IPv4 address is padded with
 * zeros to 16 bytes, which no IPv6 address a host answers is. The peer's rate_last is also
 * the time of its last ICMP redirect (ip_rt_send_redirect). */
bool rxs__icmp_xrlim_allow(struct rxs_host *h, const uint8_t *addr, uint64_t timeout,
			   uint64_t now_j)
{
	struct icmp_peer *p = inet_getpeer(h, addr, now_j);
	uint64_t token = p->rate_tokens + (now_j - p->rate_last);

	p->rate_last = now_j;
	if (token > XRLIM_BURST_FACTOR * timeout)
		token = XRLIM_BURST_FACTOR * timeout;
	if (token >= timeout) {
		p->rate_tokens = token - timeout;
		return true;
	}
	p->rate_tokens = token;
	return false;
}

static const enum rxs_mib out_type_mib[] = {
	[0] = RXS_MIB_IcmpOutEchoReps, [3] = RXS_MIB_IcmpOutDestUnreachs,
	[5] = RXS_MIB_IcmpOutRedirects, [8] = RXS_MIB_IcmpOutEchos, [11] = RXS_MIB_IcmpOutTimeExcds,
	[12] = RXS_MIB_IcmpOutParmProbs,
};

void rxs__icmpmsg_inc(struct rxs_host *h, int family, bool out, uint8_t type)
{
	h->inet.icmp->msg[family == AF_INET6][out][type]++;
}

static void count_out(struct rxs_softnet_data *sd, uint8_t type)
{
	rxs__mib_inc(sd, RXS_MIB_IcmpOutMsgs);
	if (type < ARRAY_SIZE(out_type_mib) && out_type_mib[type])
		rxs__mib_inc(sd, out_type_mib[type]);
	rxs__icmpmsg_inc(sd->host, AF_INET, true, type);
}

uint64_t rxs_host_icmpmsg(const struct rxs_host *h, int family, bool out, unsigned int type)
{
	uint64_t v;

	if (type > 255 || !h->inet.icmp || (family != AF_INET && family != AF_INET6))
		return 0;
	rxs__lock_acquire((struct rxs_lock *)&h->inet.icmp_lock);
	v = h->inet.icmp->msg[family == AF_INET6][out][type];
	rxs__lock_release((struct rxs_lock *)&h->inet.icmp_lock);
	return v;
}

/* ICMP_MAX_BYTES of an error: 576 bytes in all, so 548 of the offending datagram. */
#define ICMP_ERR_QUOTE 548

unsigned int rxs__icmp_body(uint8_t *msg, size_t size, const struct rxs_sk_buff *skb, bool echo,
			   uint8_t type, uint8_t code)
{
	const uint8_t *nh = rxs_skb_network_header(skb);
	unsigned int len;

	if (echo) {
		len = RXS_MIN(skb->len, (uint32_t)size);
		memcpy(msg, skb->data, len);	/* data at the echo request's ICMP header */
	} else {
		len = (unsigned int)RXS_MIN((size_t)(rxs_skb_tail_pointer(skb) - nh), size - 8);
		memset(msg, 0, 8);
		memcpy(msg + 8, nh, len);
		len += 8;
	}
	msg[0] = type;
	msg[1] = echo ? 0 : code;
	rxs__put_be16(msg + 2, 0);
	return len;
}

#define ICMP_TIMESTAMP 13
#define ICMP_TIMESTAMPREPLY 14

/* icmp_timestamp(): the request's header (its id and sequence) and originate timestamp, then
 * the receive and transmit timestamps: ms since midnight UT (inet_current_timestamp()) by the
 * host's clock, the capture's when it replays one. 20 bytes. */
static unsigned int timestamp_body(struct rxs_softnet_data *sd, uint8_t *msg,
				   const struct rxs_sk_buff *skb)
{
	uint64_t now = rxs__capture_time(sd->host, sd->now);
	uint32_t ms = (uint32_t)(now / 1000000000u % 86400u * 1000u + now % 1000000000u / 1000000u);

	memcpy(msg, skb->data, 12);
	msg[0] = ICMP_TIMESTAMPREPLY;
	msg[1] = 0;
	rxs__put_be16(msg + 2, 0);
	rxs__put_be32(msg + 12, ms);
	rxs__put_be32(msg + 16, ms);
	return 20;
}

/*
 * The message itself, to the source of @skb from the address it was sent to: an echo reply
 * repeats the request's data; an error quotes the offending datagram from its IP header.
 */
static void icmp_build_and_send(struct rxs_softnet_data *sd, struct rxs_sk_buff *skb,
				uint8_t type, uint8_t code, uint32_t info, const uint8_t *opt,
				unsigned int optlen)
{
	const struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	uint8_t small[8 + ICMP_ERR_QUOTE], *msg = small;
	size_t size = sizeof(small);
	unsigned int len;
	struct rxs_out o = {
		.family = AF_INET, .saddr = cb->daddr, .daddr = cb->saddr, .proto = 1,
		.peer_mac = rxs_skb_mac_header(skb) + 6, .dev = skb->dev,
		.ct_from = type == 0 || type == ICMP_TIMESTAMPREPLY ? NULL : skb,	/* an error
							 * joins the offender's flow */
		.send_skb = true,			/* icmp_push_reply() */
		/* __icmp_send(): an error goes as internetwork control, keeping the offender's
		 * TOS bits (RT_TOS); a reply, with the request's TOS. */
		.tos = type == 0 || type == ICMP_TIMESTAMPREPLY ? rxs_skb_network_header(skb)[1]
				 : (uint8_t)((rxs_skb_network_header(skb)[1] & 0x1e) | 0xc0),
		.ip_opt = opt, .ip_optlen = (uint8_t)optlen,
	};
	uint8_t src[16] = { 0 };

	/* About a packet we forward, the error comes from the address of the way in. */
	if (cb->route == RXS_RTN_FORWARD) {
		rxs__dev_addr4(skb->dev, src);
		o.saddr = src;
	}

	/* An echo reply repeats all the request's data, however long (a reassembled ping of
	 * 3000 bytes is answered in 3000 bytes, which ip_output fragments). */
	if (type == 0 && skb->len > size) {
		size = skb->len;
		if (!(msg = rxs__malloc(size)))
			return;		/* ip_append_data()'s -ENOBUFS: nothing leaves */
	}
	if (type == ICMP_TIMESTAMPREPLY)
		len = timestamp_body(sd, msg, skb);
	else
		len = rxs__icmp_body(msg, size, skb, type == 0, type, code);
	if (info)
		rxs__put_be32(msg + 4, info);	/* frag needed: the next hop's MTU */
	rxs__put_be16(msg + 2, rxs__csum_fold(rxs__csum_partial(msg, len, 0)));
	rxs__ip_output(sd, &o, msg, len);
	if (msg != small)
		rxs__free(msg);
}

/* Send an ICMP message of @type to the source of @skb, subject to the limits. */
static void icmp_xmit(struct rxs_sk_buff *skb, uint8_t type, uint8_t code, uint32_t info)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_host *h = sd->host;
	uint64_t now_j = rxs__jiffies(h, sd->now);
	bool limited = type < 32 && (h->inet.sysctl_icmp_ratemask >> type & 1);
	const uint8_t *iph = rxs_skb_network_header(skb);
	uint8_t opt[40];
	int optlen = 0;

	/* ip_options_echo(): the request's or the offender's options go back with the
	 * message; options that leave no room for the host's entry stop it. */
	if (unlikely((iph[0] & 15u) > 5) && (optlen = rxs__ip_options_echo(iph, opt)) < 0)
		return;
	if (limited && !rxs__icmp_global_allow(h, now_j)) {
		rxs__mib_inc(sd, RXS_MIB_IcmpOutRateLimitGlobal);
		return;
	}
	if (!rxs__route_back(skb))	/* icmp_route_lookup(): nothing is counted */
		return;
	if (limited && !rxs__icmp_xrlim_allow(h, RXS_INET_CB(skb)->saddr,
					      rxs__msecs_to_jiffies(h, h->inet.sysctl_icmp_ratelimit),
					      now_j)) {
		rxs__mib_inc(sd, RXS_MIB_IcmpOutRateLimitHost);
		return;
	}
	if (limited)
		rxs__icmp_global_consume(h);
	/* icmp_push_reply(), before IP and netfilter. __ip_make_skb() counts a message of the
	 * ICMP socket (SOCK_RAW) by its flow's ICMP type, which icmp_reply() never sets: a
	 * timestamp reply counts as an echo reply (OutEchoReps, OutType0), as on 6.18
	 * (tests/oracle/cases/icmp-types). */
	count_out(sd, type == ICMP_TIMESTAMPREPLY ? 0 : type);
	icmp_build_and_send(sd, skb, type, code, info, opt, (unsigned int)optlen);
}

static void icmp_send_locked(struct rxs_sk_buff *skb, uint8_t type, uint8_t code,
			     uint32_t info)
{
	const struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	const uint8_t *iph = rxs_skb_network_header(skb);
	unsigned int ihl = (iph[0] & 15u) * 4;

	/* Never about broadcasts, multicasts, non-first fragments, or ICMP errors. */
	if ((cb->route != RXS_RTN_LOCAL && cb->route != RXS_RTN_FORWARD) || cb->is_frag_tail)
		return;
	if (cb->protocol == 1 && skb->len + (skb->data - iph) > ihl) {
		uint8_t t = iph[ihl];

		if (t != 0 && t != 8 && t != 13 && t != 14 && t != 17 && t != 18)
			return;
	}
	icmp_xmit(skb, type, code, info);
}

/* Under ICMP's lock: the rate limits are host-wide. */
void rxs__icmp_send_info(struct rxs_sk_buff *skb, uint8_t type, uint8_t code, uint32_t info)
{
	struct rxs_host *h = rxs__skb_host(skb);

	rxs__lock_acquire(&h->inet.icmp_lock);
	icmp_send_locked(skb, type, code, info);
	rxs__lock_release(&h->inet.icmp_lock);
}

void rxs__icmp_send(struct rxs_sk_buff *skb, uint8_t type, uint8_t code)
{
	rxs__icmp_send_info(skb, type, code, 0);
}

/* ip_rt_redirect_number: after this many redirects unheeded, a sender gets no more until it
 * has been quiet for ip_rt_redirect_silence. */
#define IP_RT_REDIRECT_NUMBER 9

/* time_after(a, b) on jiffies. */
static bool jiffies_after(uint64_t a, uint64_t b)
{
	return (int64_t)(b - a) < 0;
}

/*
 * ip_rt_send_redirect(): an ICMP host redirect to @gw for the forwarded @skb, paced by its
 * sender's inet_peer: the first at once, each next one only (ip_rt_redirect_load = HZ/50)
 * << n_redirects jiffies after the last, none after 9 (ip_rt_redirect_number) until the
 * sender has drawn none for ip_rt_redirect_silence ((HZ/50) << 10). The redirect itself is
 * not rate limited (icmp_ratemask leaves type 5 out), but it sets the peer's rate_last,
 * which its errors' bucket counts from: an error soon after a redirect is limited.
 */
void rxs__ip_rt_send_redirect(struct rxs_sk_buff *skb, uint32_t gw)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_host *h = sd->host;
	uint64_t now_j = rxs__jiffies(h, sd->now);
	uint64_t load = h->hz / 50, silence = load << (IP_RT_REDIRECT_NUMBER + 1);
	struct icmp_peer *p;

	rxs__lock_acquire(&h->inet.icmp_lock);
	p = inet_getpeer(h, RXS_INET_CB(skb)->saddr, now_j);
	if (jiffies_after(now_j, p->rate_last + silence)) {
		p->rate_tokens = 0;
		p->n_redirects = 0;
	}
	if (p->n_redirects >= IP_RT_REDIRECT_NUMBER) {
		p->rate_last = now_j;	/* still heard from: the silence starts again */
	} else if (p->n_redirects == 0 ||
		   jiffies_after(now_j, p->rate_last + (load << p->n_redirects))) {
		p->rate_last = now_j;
		p->n_redirects++;
		icmp_send_locked(skb, 5, 1, gw);	/* ICMP_REDIRECT, ICMP_REDIR_HOST */
	}
	rxs__lock_release(&h->inet.icmp_lock);
}

static const enum rxs_mib in_type_mib[] = {
	[0] = RXS_MIB_IcmpInEchoReps, [3] = RXS_MIB_IcmpInDestUnreachs,
	[4] = RXS_MIB_IcmpInSrcQuenchs, [5] = RXS_MIB_IcmpInRedirects,
	[8] = RXS_MIB_IcmpInEchos, [11] = RXS_MIB_IcmpInTimeExcds,
	[12] = RXS_MIB_IcmpInParmProbs, [13] = RXS_MIB_IcmpInTimestamps,
	[14] = RXS_MIB_IcmpInTimestampReps, [17] = RXS_MIB_IcmpInAddrMasks,
	[18] = RXS_MIB_IcmpInAddrMaskReps,
};

static void count_in_msg(struct rxs_softnet_data *sd, uint8_t type)
{
	if (type < ARRAY_SIZE(in_type_mib) && in_type_mib[type])
		rxs__mib_inc(sd, in_type_mib[type]);
	rxs__icmpmsg_inc(sd->host, AF_INET, false, type);
}

/* An ICMP error counted in InErrors, and why the skb ends. */
static void in_error(struct rxs_softnet_data *sd, struct rxs_sk_buff *skb,
		     enum rxs_drop_reason reason)
{
	rxs__mib_inc(sd, RXS_MIB_IcmpInErrors);
	rxs_kfree_skb_reason(skb, reason);
}

/*
 * icmp_socket_deliver(): an error quoting one of our datagrams, @q of @qlen bytes from its IP
 * header, goes to its protocol's err_handler, which needs the header and 8 bytes of what
 * follows. UDP's (__udp4_lib_err) and TCP's (tcp_v4_err: connections and request socks, no
 * listener) look up the socket that sent it, by the quoted addresses and ports seen from our
 * side; finding none, each counts InErrors. What
 * a found socket does with the error (sk_err, PMTU, a connection aborted) is not modelled;
 * ICMP's own (ping_err) counts nothing.
 */
static bool socket_deliver(struct rxs_host *h, const uint8_t *q, uint32_t qlen)
{
	unsigned int ihl = (q[0] & 15u) * 4;
	const uint8_t *l4 = q + ihl;
	bool found = true;

	if (qlen < ihl + 8)
		return false;
	if (q[9] == 17) {
		found = rxs__udp_lookup(h, AF_INET, q + 12, rxs__get_be16(l4)) != NULL;
	} else if (q[9] == 6) {
		struct rxs_tcp_tuple t = { .family = AF_INET, .sport = rxs__get_be16(l4 + 2),
					   .dport = rxs__get_be16(l4) };

		memcpy(t.saddr, q + 16, 4);
		memcpy(t.daddr, q + 12, 4);
		rxs__lock_acquire(&h->sk.tcp_lock);
		found = rxs__ehash_lookup(h, &t) != NULL;	/* no listener: established only */
		rxs__lock_release(&h->sk.tcp_lock);
	}
	return found;
}

/* icmp_unreach() for destination unreachable, source quench, time exceeded and parameter
 * problem, and icmp_redirect(): the quoted IP header must be there, and whole. */
static void icmp_error_rcv(struct rxs_softnet_data *sd, struct rxs_sk_buff *skb, uint8_t type)
{
	const uint8_t *q = skb->data + 8;
	uint32_t qlen = skb->len - 8;
	uint8_t code = skb->data[1];

	if (qlen < 20) {
		in_error(sd, skb, type == 5 ? RXS_DROP_PKT_TOO_SMALL : RXS_DROP_NOT_SPECIFIED);
		return;
	}
	if (type != 5 && (q[0] & 15u) < 5) {
		in_error(sd, skb, RXS_DROP_IP_INHDR);
		return;
	}
	/* A code past NR_ICMP_UNREACH, and a fragment reassembly timeout, stop here. */
	if (!(type == 3 && code > 15) && !(type == 11 && code == 1) &&
	    !socket_deliver(sd->host, q, qlen))
		rxs__mib_inc(sd, RXS_MIB_IcmpInErrors);
	rxs_consume_skb(skb);
}

static void icmp_rcv_locked(struct rxs_sk_buff *skb)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs_host *h = sd->host;
	const struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	uint8_t type;

	rxs__charge(sd, rxs__cost(h, RXS_COST_ICMP_RCV));
	rxs__mib_inc(sd, RXS_MIB_IcmpInMsgs);
	if (!rxs_pskb_may_pull(skb, 8)) {
		rxs__mib_inc(sd, RXS_MIB_IcmpInErrors);
		rxs_kfree_skb_reason(skb, RXS_DROP_PKT_TOO_SMALL);
		return;
	}
	if (rxs__csum_fold(rxs__csum_partial(skb->data, skb->len, 0))) {
		rxs__mib_inc(sd, RXS_MIB_IcmpInCsumErrors);
		rxs__mib_inc(sd, RXS_MIB_IcmpInErrors);
		rxs_kfree_skb_reason(skb, RXS_DROP_ICMP_CSUM);
		return;
	}
	type = skb->data[0];
	count_in_msg(sd, type);
	/* Extended echo (RFC 8335 PROBE), 42: icmp_echo() answers it only with
	 * icmp_echo_enable_probe, off by default and not modelled. Its reply, 43, and an echo
	 * reply go to ping_rcv(), and no ping socket takes them. */
	if (type == 42) {
		rxs_consume_skb(skb);
		return;
	}
	if (type == 0 || type == 43) {
		rxs_kfree_skb_reason(skb, RXS_DROP_NO_SOCKET);
		return;
	}
	if (type > 18) {
		/* NR_ICMP_TYPES: unknown types are errors, silently dropped. */
		in_error(sd, skb, RXS_DROP_UNHANDLED_PROTO);
		return;
	}
	/* To a broadcast or multicast address, icmp_rcv() takes only echoes, timestamps and
	 * address masks, and echoes and timestamps not under icmp_echo_ignore_broadcasts (the
	 * default): the others are errors, counted before they are dropped. */
	if (cb->route != RXS_RTN_LOCAL &&
	    (((type == 8 || type == 13) && h->inet.sysctl_icmp_echo_ignore_broadcasts) ||
	     (type != 8 && type != 13 && type != 17 && type != 18))) {
		rxs__mib_inc(sd, RXS_MIB_IcmpInErrors);
		rxs_kfree_skb_reason(skb, RXS_DROP_INVALID_PROTO);
		return;
	}
	switch (type) {
	case 3:
	case 4:
	case 5:
	case 11:
	case 12:
		icmp_error_rcv(sd, skb, type);
		return;
	case 8:	/* icmp_echo(): answered unless icmp_echo_ignore_all */
		if (!h->inet.sysctl_icmp_echo_ignore_all)
			icmp_xmit(skb, 0, 0, 0);
		break;
	case ICMP_TIMESTAMP:	/* icmp_timestamp(): the originate timestamp must be there */
		if (skb->len < 8 + 4) {
			in_error(sd, skb, RXS_DROP_PKT_TOO_SMALL);
			return;
		}
		icmp_xmit(skb, ICMP_TIMESTAMPREPLY, 0, 0);
		break;
	default:	/* icmp_discard(): address masks, information requests, replies */
		break;
	}
	rxs_consume_skb(skb);
}

/* Under ICMP's lock: an echo reply spends the host's ICMP limits. */
void rxs__icmp_rcv(struct rxs_sk_buff *skb)
{
	struct rxs_host *h = rxs__skb_host(skb);

	rxs__lock_acquire(&h->inet.icmp_lock);
	icmp_rcv_locked(skb);
	rxs__lock_release(&h->inet.icmp_lock);
}
