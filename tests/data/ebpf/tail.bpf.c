/* tail - tail calls through a prog array: slot 0 set in the object (libbpf's .values), slot 1
 * by the library. Each program adds to a chain counter; a missing slot falls through. */
#include "common.h"

__u32 chain = 0;

SEC("xdp")
int tail_one(struct xdp_md *ctx)
{
	chain = chain * 10 + 1;
	return XDP_DROP;
}

SEC("xdp")
int tail_two(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int(struct xdp_md *));
} jmp SEC(".maps") = {
	.values = { [0] = (void *)&tail_one },
};

SEC("xdp")
int tail_two(struct xdp_md *ctx)
{
	chain = chain * 10 + 2;
	bpf_tail_call(ctx, &jmp, 0);
	return XDP_ABORTED;
}

SEC("xdp")
int tail_entry(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u8 *p = data + 14;

	if ((void *)(p + 1) > end)
		return XDP_ABORTED;
	chain = 9;
	bpf_tail_call(ctx, &jmp, *p);
	return XDP_PASS;	/* an empty slot: the call falls through */
}

/* Calls itself until MAX_TAIL_CALL_CNT stops it: the counter says how many ran. */
__u32 loops = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} self SEC(".maps");

SEC("xdp")
int tail_self(struct xdp_md *ctx)
{
	loops++;
	bpf_tail_call(ctx, &self, 0);
	return XDP_PASS;
}
