/* tc_oracle - the tc ingress program of oracle case tc-ingress-drop (tests/oracle/cases-ebpf.sh):
 * UDP to port 6311 is TC_ACT_SHOT, the rest TC_ACT_OK. Built by clang as the case records it
 * (tc filter add dev IF ingress bpf da obj tc_oracle.o sec tc), and replayed by rxsim from the
 * same object. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tc")
int tc_oracle(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	if ((void *)(udp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return TC_ACT_OK;
	return udp->dest == bpf_htons(6311) ? TC_ACT_SHOT : TC_ACT_OK;
}
