/* tc_acl - a tc ingress program of the usual shape, for rxsim's tc-ingress example: an
 * access list in front of the stack. UDP to port 6000 is dropped (TC_ACT_SHOT); UDP to 7000
 * is marked (skb->mark = 7000, for a later rule or routing policy to read) and passes;
 * everything else passes untouched. acl_hits counts each case by port.
 *
 *   clang -O2 -g -target bpf -c tc_acl.bpf.c -o tc_acl.o
 *   tc qdisc add dev eth0 clsact
 *   tc filter add dev eth0 ingress bpf direct-action obj tc_acl.o sec tc
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u16);		/* destination port */
	__type(value, __u64);		/* datagrams seen */
} acl_hits SEC(".maps");

SEC("tc")
int tc_acl(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp = (void *)(ip + 1);
	__u64 one = 1, *n;
	__u16 port;

	if ((void *)(udp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_UDP)
		return TC_ACT_OK;
	port = bpf_ntohs(udp->dest);
	if (port != 6000 && port != 7000)
		return TC_ACT_OK;
	n = bpf_map_lookup_elem(&acl_hits, &port);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&acl_hits, &port, &one, BPF_ANY);
	if (port == 6000)
		return TC_ACT_SHOT;
	skb->mark = 7000;
	return TC_ACT_OK;
}
