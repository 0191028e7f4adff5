/* xdp_filter - drops UDP from blocked sources, counts by verdict; global data, a subprogram. */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);		/* IPv4 source, network order */
	__type(value, __u64);		/* packets dropped */
} blocklist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);		/* XDP verdict */
	__type(value, __u64);
} verdicts SEC(".maps");

const volatile __u16 blocked_port = 53;	/* .rodata */
__u64 udp_seen = 0;			/* .bss */
__u32 last_len = 7;			/* .data */

static __attribute__((noinline)) int count(__u32 verdict)
{
	__u64 *v = bpf_map_lookup_elem(&verdicts, &verdict);

	if (v)
		*v += 1;
	return verdict;
}

SEC("xdp")
int xdp_filter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp;
	__u64 *drops;
	__u32 src;

	last_len = (__u32)(end - data);
	if ((void *)(ip + 1) > end)
		return count(XDP_PASS);
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return count(XDP_PASS);
	if (ip->protocol != IPPROTO_UDP)
		return count(XDP_PASS);
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > end)
		return count(XDP_ABORTED);
	udp_seen++;
	src = ip->saddr;
	drops = bpf_map_lookup_elem(&blocklist, &src);
	if (drops) {
		__sync_fetch_and_add(drops, 1);
		return count(XDP_DROP);
	}
	if (udp->dest == bpf_htons(blocked_port))
		return count(XDP_DROP);
	return count(XDP_PASS);
}
