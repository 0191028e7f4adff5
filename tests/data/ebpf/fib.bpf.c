/* fib - bpf_fib_lookup on the frame's IPv4 destination, from the ingress device; the answer
 * of the last frame in result: [0] the return code, [1] the egress ifindex. */
#include "common.h"

#ifndef AF_INET
#define AF_INET 2
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __s64);
} result SEC(".maps");

SEC("xdp")
int xdp_fib(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct bpf_fib_lookup fib = {};
	__u32 k0 = 0, k1 = 1;
	__s64 rc, ifindex;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	fib.family = AF_INET;
	fib.l4_protocol = ip->protocol;
	fib.tot_len = bpf_ntohs(ip->tot_len);
	fib.ipv4_src = ip->saddr;
	fib.ipv4_dst = ip->daddr;
	fib.ifindex = ctx->ingress_ifindex;
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	ifindex = fib.ifindex;
	bpf_map_update_elem(&result, &k0, &rc, BPF_ANY);
	bpf_map_update_elem(&result, &k1, &ifindex, BPF_ANY);
	return XDP_PASS;
}
