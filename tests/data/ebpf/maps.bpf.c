/* maps - each map type driven from a program: the first payload byte picks the operation,
 * the library checks the contents. Packet: 14-byte header, then op, then a 4-byte key. */
#include "common.h"

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4);
	 __type(key, __u32); __type(value, __u64); } hash SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4);
	 __type(key, __u32); __type(value, __u64); } array SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PERCPU_HASH); __uint(max_entries, 4);
	 __type(key, __u32); __type(value, __u32); } pcpu_hash SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 2);
	 __type(key, __u32); __type(value, __u32); } pcpu_array SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_LRU_HASH); __uint(max_entries, 3);
	 __type(key, __u32); __type(value, __u32); } lru SEC(".maps");

struct lpm_key {
	__u32 prefixlen;
	__u32 addr;
};
struct { __uint(type, BPF_MAP_TYPE_LPM_TRIE); __uint(max_entries, 16);
	 __uint(map_flags, BPF_F_NO_PREALLOC);
	 __type(key, struct lpm_key); __type(value, __u32); } routes SEC(".maps");

SEC("xdp")
int maps_op(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u8 *p = data + 14;
	__u32 key, one = 1, *v32;
	__u64 val, *v64;
	struct lpm_key lk;

	if ((void *)(p + 5) > end)
		return XDP_ABORTED;
	key = p[1] | p[2] << 8 | p[3] << 16 | p[4] << 24;
	val = key * 10;
	switch (p[0]) {
	case 1:		/* hash: insert, or -EEXIST as the verdict */
		return bpf_map_update_elem(&hash, &key, &val, BPF_NOEXIST) ? XDP_DROP : XDP_PASS;
	case 2:		/* hash: delete */
		return bpf_map_delete_elem(&hash, &key) ? XDP_DROP : XDP_PASS;
	case 3:		/* array: add 10 * key to element key */
		v64 = bpf_map_lookup_elem(&array, &key);
		if (!v64)
			return XDP_DROP;
		*v64 += val;
		return XDP_PASS;
	case 4:		/* per-CPU hash and array: count on this CPU */
		v32 = bpf_map_lookup_elem(&pcpu_hash, &key);
		if (v32)
			*v32 += 1;
		else
			bpf_map_update_elem(&pcpu_hash, &key, &one, BPF_ANY);
		v32 = bpf_map_lookup_elem(&pcpu_array, &one);
		if (v32)
			*v32 += key;
		return XDP_PASS;
	case 5:		/* LRU: touch or insert */
		v32 = bpf_map_lookup_elem(&lru, &key);
		if (v32)
			return XDP_TX;
		bpf_map_update_elem(&lru, &key, &key, BPF_ANY);
		return XDP_PASS;
	case 6:		/* LPM: the value of the longest prefix holding key (an address) */
		lk.prefixlen = 32;
		lk.addr = key;
		v32 = bpf_map_lookup_elem(&routes, &lk);
		return v32 ? *v32 : 99;
	}
	return XDP_ABORTED;
}
