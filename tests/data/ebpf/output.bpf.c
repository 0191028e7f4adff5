/* output - bpf_trace_printk, bpf_perf_event_output and the ringbuf helpers. */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

struct event {
	__u32 len;
	__u32 cpu;
	__u64 now;
};

SEC("xdp")
int out_all(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	struct event e = { len, bpf_get_smp_processor_id(), bpf_ktime_get_ns() };
	struct event *r;
	char name[] = "rxsim";

	bpf_printk("len %u cpu %d %s", len, e.cpu, name);
	bpf_printk("hex %x neg %d %lld", 0xbeefu, -5, -7ll);
	/* The event, then the first 14 bytes of the packet. */
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU | (14ull << 32), &e, sizeof(e));
	bpf_ringbuf_output(&rb, &e, sizeof(e), 0);
	r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);
	if (!r)
		return XDP_ABORTED;
	r->len = 1;
	r->cpu = 2;
	r->now = 3;
	bpf_ringbuf_submit(r, 0);
	r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);
	if (r)
		bpf_ringbuf_discard(r, 0);
	return XDP_PASS;
}

/* Fills the ring: 64-byte records until reserve says no. */
SEC("xdp")
int out_fill(struct xdp_md *ctx)
{
	int n = 0;

	for (int i = 0; i < 100; i++) {
		__u64 *r = bpf_ringbuf_reserve(&rb, 56, 0);

		if (!r)
			break;
		*r = i;
		bpf_ringbuf_submit(r, 0);
		n++;
	}
	return n;
}
