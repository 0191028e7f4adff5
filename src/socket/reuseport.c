/* reuseport.c - SO_REUSEPORT groups, as net/core/sock_reuseport.c keeps them: UDP sockets
 * and TCP listeners bound to one address and port with SO_REUSEPORT share the traffic, one
 * member picked per packet by reuseport_select_sock(): the group's program when it has one
 * (classic BPF or an eBPF socket filter returning an index, run_bpf_filter(); an
 * SEC("sk_reuseport") program selecting from a REUSEPORT_SOCKARRAY, bpf_run_sk_reuseport()),
 * else, or when the program leaves it open, the flow's hash.
 *
 * The group is the scenario's sockets of one protocol and family bound alike with
 * `reuseport: true`, in scenario order, as socks[] holds them in the order they were bound
 * (UDP) or listened (TCP). A member's index in it is what a classic program returns and what
 * a sockarray's "socket" names.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "host.h"
#include "internal.h"
#include "bpf/bpf.h"
#include "socket/socket.h"

/* jhash_3words() of include/linux/jhash.h. */
static uint32_t jhash_3words(uint32_t a, uint32_t b, uint32_t c, uint32_t initval)
{
	initval += 0xdeadbeef + (3 << 2);
	a += initval;
	b += initval;
	c += initval;
	return rxs__jhash_final(a, b, c);
}

static uint32_t addr32(const uint8_t *a, int family)
{
	uint32_t v = 0, w;

	for (int i = 0; i < (family == AF_INET ? 4 : 16); i += 4) {
		memcpy(&w, a + i, 4);
		v ^= w;
	}
	return v;
}

/*
 * udp_ehashfn() and inet_ehashfn(), the hash reuseport_select_sock() is given:
 * __inet_ehashfn(daddr, dport, saddr, sport), jhash_3words(laddr, faddr,
 * lport << 16 | fport) with the kernel's secret, random at boot; rxsim's is 0, so a flow
 * lands on the same socket on every run (on a host it is the same within a boot only).
 * IPv6 folds each address to 32 bits by xor (the kernel's udp6_ehashfn and inet6_ehashfn
 * hash them whole). @skb's data is at the transport header: both UDP and TCP start with the
 * source and destination ports.
 */
uint32_t rxs__reuseport_ehashfn(const struct rxs_sk_buff *skb)
{
	const struct rxs_inet_cb *cb = RXS_INET_CB(skb);
	uint16_t sport, dport;

	memcpy(&sport, skb->data, 2);		/* network order, as fport */
	dport = rxs__get_be16(skb->data + 2);
	return jhash_3words(addr32(cb->daddr, cb->family), addr32(cb->saddr, cb->family),
			    (uint32_t)dport << 16 | sport, 0);
}

/* Bound alike: what inet_reuseport_add_sock() and udp_reuseport_add_sock() ask of the
 * sockets they put in one group (the same protocol, family, address and port). */
static bool same_bind(const struct rxs_sock *a, const struct rxs_sock *b)
{
	return a->cfg.port == b->cfg.port && a->cfg.proto == b->cfg.proto &&
	       a->cfg.local.family == b->cfg.local.family &&
	       !memcmp(a->cfg.local.addr, b->cfg.local.addr, 16);
}

static bool in_group(const struct rxs_sock *s, const struct rxs_sock *sk)
{
	return s->cfg.reuseport && same_bind(s, sk);
}

unsigned int rxs__reuseport_group_size(const struct rxs_sock *sk)
{
	const struct rxs_netns_sock *ns = &sk->host->sk;
	unsigned int n = 0;

	for (unsigned int i = 0; i < ns->nsocks; i++)
		n += in_group(&ns->socks[i], sk);
	return n;
}

struct rxs_sock *rxs__reuseport_member(const struct rxs_sock *sk, unsigned int idx)
{
	struct rxs_netns_sock *ns = &sk->host->sk;

	for (unsigned int i = 0; i < ns->nsocks; i++) {
		struct rxs_sock *s = &ns->socks[i];

		if (in_group(s, sk) && !idx--)
			return s;
	}
	return NULL;
}

unsigned int rxs__reuseport_index(const struct rxs_sock *sk)
{
	const struct rxs_netns_sock *ns = &sk->host->sk;
	unsigned int n = 0;

	for (unsigned int i = 0; i < ns->nsocks && &ns->socks[i] != sk; i++)
		n += in_group(&ns->socks[i], sk);
	return n;
}

/* inet_csk_bind_conflict() for the scenario's TCP listeners: one bound exactly like an earlier
 * one is bind()'s -EADDRINUSE unless both have SO_REUSEPORT (the kernel also asks for the same
 * owner, which a scenario has no notion of). */
int rxs__reuseport_bind_check(const struct rxs_sock *sk)
{
	const struct rxs_netns_sock *ns = &sk->host->sk;

	for (unsigned int i = 0; i < sk->index && i < ns->nsocks; i++) {
		const struct rxs_sock *s = &ns->socks[i];

		if (s->cfg.proto == IPPROTO_TCP && !s->cfg.peer.family && same_bind(s, sk) &&
		    !(s->cfg.reuseport && sk->cfg.reuseport))
			return -EADDRINUSE;
	}
	return 0;
}

/* The group's program: attached on any member, as setsockopt() on one sets reuse->prog. */
static struct rxs_sock *group_prog_owner(const struct rxs_sock *sk)
{
	struct rxs_netns_sock *ns = &sk->host->sk;

	for (unsigned int i = 0; i < ns->nsocks; i++) {
		struct rxs_sock *s = &ns->socks[i];

		if (s->reuseport_prog && in_group(s, sk))
			return s;
	}
	return NULL;
}

/*
 * sk_select_reuseport()'s checks of the socket a sockarray slot names (@sock: its index in
 * the scenario's sockets): in @group's group, or why not. reuseport_array_update_check()
 * would have refused a socket without SO_REUSEPORT when the slot was filled; a slot naming
 * one (or no socket) is treated as a socket since closed, -ENOENT.
 */
static int select_check(void *group, uint64_t sock, void **selected)
{
	struct rxs_sock *sk = group, *s;

	if (sock >= sk->host->sk.nsocks)
		return -ENOENT;
	s = &sk->host->sk.socks[sock];
	if (!s->cfg.reuseport)
		return -ENOENT;
	if (s->cfg.proto != sk->cfg.proto)
		return -EPROTOTYPE;
	if (s->cfg.local.family != sk->cfg.local.family)
		return -EAFNOSUPPORT;
	if (!same_bind(s, sk))
		return -EBADFD;		/* bound to another address or port */
	*selected = s;
	return 0;
}

static bool addr_any(const struct rxs_addr *a)
{
	static const uint8_t zero[16];

	return !memcmp(a->addr, zero, 16);
}

/*
 * The group's program, if any: true with *@out the member it chose (NULL: the hash decides),
 * false when it refused the packet.
 * run_bpf_filter(): a classic program or an eBPF socket filter on the packet past its
 * transport header (@hdr_len: pskb_pull() of it, which fails on a shorter packet); its return
 * value is the member's index, one past the group falls back to the hash.
 * bpf_run_sk_reuseport(): an SEC("sk_reuseport") program on the packet from its transport
 * header, with the hash in its context; SK_DROP refuses the packet, SK_PASS takes the socket
 * bpf_sk_select_reuseport() chose, or none (the hash).
 */
static bool prog_pick(struct rxs_sock *sk, const struct rxs_sk_buff *skb, unsigned int hdr_len,
		      uint32_t hash, unsigned int n, struct rxs_sock **out)
{
	struct rxs_sock *owner = group_prog_owner(sk);
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	struct rxs__reuseport_ctx ctx;
	uint32_t v;

	*out = NULL;
	if (!owner)
		return true;
	if (!rxs__reuseport_prog_is_sk_reuseport(owner->reuseport_prog)) {
		if (skb->len < hdr_len)
			return true;
		rxs__lock_acquire(&owner->lock);
		v = rxs__reuseport_prog_run(owner->reuseport_prog, skb->data + hdr_len,
					    skb->len - hdr_len, sd->cpu, sd->now);
		rxs__lock_release(&owner->lock);
		rxs__charge(sd, rxs__cost(sk->host, RXS_COST_BPF_RUN));
		*out = v < n ? rxs__reuseport_member(sk, v) : NULL;
		return true;
	}
	ctx = (struct rxs__reuseport_ctx){
		.len = skb->len, .eth_protocol = htons(skb->protocol),
		.ip_protocol = (uint32_t)sk->cfg.proto, .bind_inany = addr_any(&sk->cfg.local),
		.hash = hash, .group = sk, .select = select_check,
	};
	rxs__lock_acquire(&owner->lock);
	v = rxs__sk_reuseport_run(owner->reuseport_prog, skb->data, skb->len, &ctx, sd->cpu,
				  sd->now);
	rxs__lock_release(&owner->lock);
	rxs__charge(sd, rxs__cost(sk->host, RXS_COST_BPF_RUN));
	RXS_TRACE_STAGE(sd, sd->now, skb, "reuseport_select_sock", "group of %s: %s%s%s",
			sk->cfg.name, v == RXS_SK_PASS ? "SK_PASS" : "SK_DROP",
			ctx.selected ? ", selected " : "",
			ctx.selected ? ((struct rxs_sock *)ctx.selected)->cfg.name : "");
	if (v != RXS_SK_PASS)
		return false;
	*out = ctx.selected;
	return true;
}

/* reuseport_select_sock_by_hash(): reciprocal_scale(hash, n). */
static struct rxs_sock *select_by_hash(struct rxs_sock *sk, uint32_t hash, unsigned int n)
{
	return rxs__reuseport_member(sk, (unsigned int)(((uint64_t)hash * n) >> 32));
}

struct rxs_sock *rxs__reuseport_select(struct rxs_sock *sk, const struct rxs_sk_buff *skb,
				       unsigned int hdr_len)
{
	unsigned int n = rxs__reuseport_group_size(sk);
	uint32_t hash;
	struct rxs_sock *pick;

	if (n < 2 && !sk->reuseport_prog)
		return sk;
	hash = rxs__reuseport_ehashfn(skb);
	if (!prog_pick(sk, skb, hdr_len, hash, n, &pick))
		return NULL;
	if (!pick)
		pick = select_by_hash(sk, hash, n);
	return pick ? pick : sk;
}
