/* xdp_drop - rxsim-bench's xdp-drop workload: a UDP flood to port 9 dropped in the driver,
 * as a DDoS filter drops it; everything else passes. Counts the drops in a per-CPU array, as
 * such filters usually do. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp = (void *)(ip + 1);
	__u32 zero = 0;
	__u64 *n;

	if ((void *)(udp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_UDP || udp->dest != bpf_htons(9))
		return XDP_PASS;
	n = bpf_map_lookup_elem(&drops, &zero);
	if (n)
		*n += 1;
	return XDP_DROP;
}
