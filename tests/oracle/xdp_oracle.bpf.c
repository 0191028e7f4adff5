/* xdp_oracle - the program of oracle case xdp-generic-drop (tests/oracle/cases.sh): UDP to
 * port 6301 is dropped, everything else passes; verdicts counted in an array. Attached to the
 * server's veth with `ip link set dev X xdpgeneric obj xdp_oracle.o sec xdp`. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 5);
	__type(key, __u32);		/* XDP verdict */
	__type(value, __u64);
} verdicts SEC(".maps");

static __always_inline int count(__u32 v)
{
	__u64 *n = bpf_map_lookup_elem(&verdicts, &v);

	if (n)
		__sync_fetch_and_add(n, 1);
	return v;
}

SEC("xdp")
int xdp_oracle(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp = (void *)(ip + 1);

	if ((void *)(udp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_UDP)
		return count(XDP_PASS);
	return count(udp->dest == bpf_htons(6301) ? XDP_DROP : XDP_PASS);
}
