/* reuseport_oracle - the SEC("sk_reuseport") program of oracle case tcp-reuseport-skprog
 * (tests/oracle/cases-ebpf.sh): the slot of the sockarray is the low two bits of the TCP (or
 * UDP) source port, slot 3 refuses the packet. Attached by tests/oracle/bpfapps.py
 * (SO_ATTACH_REUSEPORT_EBPF) on the real kernel, and by rxsim from the same object. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_REUSEPORT_SOCKARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} workers SEC(".maps");

SEC("sk_reuseport")
int select_oracle(struct sk_reuseport_md *md)
{
	__u8 *p = md->data;
	__u32 key;

	if ((void *)(p + 2) > md->data_end)
		return SK_DROP;
	key = p[1] & 3;
	if (key == 3)
		return SK_DROP;
	bpf_sk_select_reuseport(md, &workers, &key, 0);	/* an error: the hash decides */
	return SK_PASS;
}
