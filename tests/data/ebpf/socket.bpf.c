/* socket - socket filters: LD_ABS loads (load_byte/half/word) and skb_load_bytes; the packet
 * starts at the network header. Keeps UDP to port 53 whole, the rest cut to 16 bytes. */
#include "common.h"

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");

SEC("socket")
int sock_dns(struct __sk_buff *skb)
{
	__u16 dport;

	if (load_byte(skb, 0) >> 4 != 4 || load_byte(skb, 9) != IPPROTO_UDP)
		return 16;
	if (bpf_skb_load_bytes(skb, 22, &dport, 2))
		return 0;
	return dport == bpf_htons(53) && load_half(skb, 22) == 53 ? skb->len : 16;
}

/* A word far past the packet: the LD_ABS ends the program with 0, like the kernel. */
SEC("socket")
int sock_far(struct __sk_buff *skb)
{
	return load_word(skb, 4000) + 1;
}
