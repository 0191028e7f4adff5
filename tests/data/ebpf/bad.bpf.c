/* bad - programs the kernel's verifier refuses and rxsim stops at run time: a read without a
 * data_end check, an endless loop, a write to .rodata. */
#include "common.h"

SEC("xdp")
int bad_unchecked(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	struct udphdr *udp = data + sizeof(struct ethhdr) + sizeof(struct iphdr);

	return udp->dest == bpf_htons(53) ? XDP_DROP : XDP_PASS;
}

/* Never ends: the kernel refuses it, rxsim stops it at the instruction limit. */
volatile int forever = 1;

SEC("tc")
int bad_forever(struct __sk_buff *skb)
{
	__u32 n = 0;

	while (forever)
		n++;
	return n;
}

/* Writes to .rodata: the verifier refuses; rxsim stops it at the write. */
const volatile __u32 ro_value = 5;

SEC("tc")
int bad_rodata_write(struct __sk_buff *skb)
{
	*(volatile __u32 *)&ro_value = 6;
	return ro_value;
}
