/* reuseport - an sk_reuseport program reading its context (struct sk_reuseport_md). */
#include "common.h"

SEC("sk_reuseport")
int select_by_len(struct sk_reuseport_md *md)
{
	__u8 *p = md->data;

	if ((void *)(p + 1) > md->data_end)
		return SK_DROP;
	return md->len > 100 || p[0] == 0xff ? SK_DROP : SK_PASS;
}

/* The group's sockets by slot, filled by the scenario's bpf_maps (a socket's index in
 * sockets:) or the library. */
struct {
	__uint(type, BPF_MAP_TYPE_REUSEPORT_SOCKARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} workers SEC(".maps");

__u64 selected, refused, hashed;

/* By the low two bits of the source port (the first bytes of both UDP and TCP headers): slot
 * 3 refuses the packet, an empty slot or a socket of another group leaves it to the hash. */
SEC("sk_reuseport")
int select_by_port(struct sk_reuseport_md *md)
{
	__u8 *p = md->data;
	__u32 key;

	if ((void *)(p + 2) > md->data_end)
		return SK_DROP;
	key = p[1] & 3;
	if (key == 3) {
		refused++;
		return SK_DROP;
	}
	if (bpf_sk_select_reuseport(md, &workers, &key, 0)) {
		hashed++;
		return SK_PASS;
	}
	selected++;
	return SK_PASS;
}
