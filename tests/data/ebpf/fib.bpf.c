/* fib - bpf_fib_lookup on the frame's IPv4 or IPv6 destination, from the ingress device, with the
 * flags in cfg[0]; the answer of the last frame in result: [0] the return code, [1] the
 * egress ifindex, [2] dmac and [3] smac (the 6 bytes big-endian in the low 48 bits),
 * [4] mtu_result / tot_len, [5] ipv4_dst after, or ipv6_dst's last 32 bits (host order: the gateway when one). The frame
 * is dropped after. */
#include "common.h"
#include <linux/ipv6.h>

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 6);
	__type(key, __u32);
	__type(value, __s64);
} result SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} cfg SEC(".maps");

SEC("xdp")
int xdp_fib(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct bpf_fib_lookup fib = {};
	__u32 k0 = 0, k1 = 1, k2 = 2, k3 = 3, k4 = 4, k5 = 5;
	__s64 rc, ifindex, dmac = 0, smac = 0, mtu, nh;
	__u64 *flags = bpf_map_lookup_elem(&cfg, &k0);

	struct ipv6hdr *ip6 = data + sizeof(*eth);

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		if ((void *)(ip6 + 1) > end)
			return XDP_PASS;
		fib.family = AF_INET6;
		fib.l4_protocol = ip6->nexthdr;
		fib.tot_len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
		__builtin_memcpy(fib.ipv6_src, &ip6->saddr, 16);
		__builtin_memcpy(fib.ipv6_dst, &ip6->daddr, 16);
	} else {
		if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
			return XDP_PASS;
		fib.family = AF_INET;
		fib.l4_protocol = ip->protocol;
		fib.tot_len = bpf_ntohs(ip->tot_len);
		fib.ipv4_src = ip->saddr;
		fib.ipv4_dst = ip->daddr;
	}
	fib.ifindex = ctx->ingress_ifindex;
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), flags ? *flags : 0);
	ifindex = fib.ifindex;
	for (int i = 0; i < 6; i++) {
		dmac = dmac << 8 | fib.dmac[i];
		smac = smac << 8 | fib.smac[i];
	}
	mtu = fib.mtu_result;
	nh = bpf_ntohl(fib.family == AF_INET6 ? fib.ipv6_dst[3] : fib.ipv4_dst);
	bpf_map_update_elem(&result, &k0, &rc, BPF_ANY);
	bpf_map_update_elem(&result, &k1, &ifindex, BPF_ANY);
	bpf_map_update_elem(&result, &k2, &dmac, BPF_ANY);
	bpf_map_update_elem(&result, &k3, &smac, BPF_ANY);
	bpf_map_update_elem(&result, &k4, &mtu, BPF_ANY);
	bpf_map_update_elem(&result, &k5, &nh, BPF_ANY);
	return XDP_DROP;	/* the stack never sees it: only the helper touched the table */
}
