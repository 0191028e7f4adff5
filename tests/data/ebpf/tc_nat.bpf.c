/* tc_nat - rewrites the IPv4 destination with skb_store_bytes and fixes both checksums with
 * l3/l4_csum_replace; bpf_csum_diff computes the same change; marks the skb. */
#include "common.h"

#define IP_DST_OFF (ETH_HLEN + __builtin_offsetof(struct iphdr, daddr))
#define IP_CSUM_OFF (ETH_HLEN + __builtin_offsetof(struct iphdr, check))
#define UDP_CSUM_OFF (ETH_HLEN + sizeof(struct iphdr) + __builtin_offsetof(struct udphdr, check))

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);		/* csum_diff of the change */
} diffs SEC(".maps");

SEC("tc")
int tc_nat(struct __sk_buff *skb)
{
	__u32 old_dst, new_dst = bpf_htonl(0x0a000063), k = 0, *d;
	__u8 proto;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;	/* TC_ACT_OK */
	if (bpf_skb_load_bytes(skb, IP_DST_OFF, &old_dst, 4))
		return 2;	/* TC_ACT_SHOT */
	if (bpf_skb_load_bytes(skb, ETH_HLEN + 9, &proto, 1))
		return 2;
	d = bpf_map_lookup_elem(&diffs, &k);
	if (d)
		*d = (__u32)bpf_csum_diff(&old_dst, 4, &new_dst, 4, 0);
	if (proto == IPPROTO_UDP)
		bpf_l4_csum_replace(skb, UDP_CSUM_OFF, old_dst, new_dst,
				    BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0 | 4);
	bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_dst, new_dst, 4);
	bpf_skb_store_bytes(skb, IP_DST_OFF, &new_dst, 4, 0);
	skb->mark = 0x77;
	skb->cb[1] = skb->len;
	return 0;
}

/* Direct packet access through __sk_buff data/data_end: swaps the MAC addresses. */
SEC("classifier")
int tc_swap(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	__u8 tmp[6];

	if (data + 14 > end)
		return 2;
	__builtin_memcpy(tmp, data, 6);
	__builtin_memcpy(data, data + 6, 6);
	__builtin_memcpy(data + 6, tmp, 6);
	return skb->len + skb->ifindex * 1000 + skb->pkt_type * 100000;
}
