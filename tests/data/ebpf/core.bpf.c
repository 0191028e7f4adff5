/* core - a CO-RE field read: rxsim refuses it at load. */
#include "common.h"
#include <bpf/bpf_core_read.h>

struct pkt_hdr {
	__u8 kind;
	__u8 flags;
	__u16 length;
} __attribute__((preserve_access_index));

SEC("tc")
int core_read(struct __sk_buff *skb)
{
	struct pkt_hdr *h = (void *)(long)skb->data;

	if ((void *)(h + 1) > (void *)(long)skb->data_end)
		return 0;
	return BPF_CORE_READ(h, length);
}
