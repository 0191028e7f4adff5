/* misc - time, randomness, CPU, atomics, a bounded loop. */
#include "common.h"

struct state {
	__u64 now;
	__u32 rnd[2];
	__u32 cpu;
	__u64 xchg_old;
	__u64 slot;
	__u64 cmpxchg_old;
	__u64 counter;
	__u32 sum;
};

struct state st = {};

SEC("tc")
int misc_env(struct __sk_buff *skb)
{
	__u64 old;

	st.now = bpf_ktime_get_ns();
	st.rnd[0] = bpf_get_prandom_u32();
	st.rnd[1] = bpf_get_prandom_u32();
	st.cpu = bpf_get_smp_processor_id();
	__sync_fetch_and_add(&st.counter, 5);
	__sync_fetch_and_or(&st.counter, 0x100);
	old = __sync_val_compare_and_swap(&st.counter, 0x105, 0x200);
	st.cmpxchg_old = old;
	st.slot = 66;
	st.xchg_old = __sync_lock_test_and_set(&st.slot, 77);
	return 0;
}

/* A bounded loop over the packet: sums the bytes (instructions grow with the length). */
SEC("tc")
int misc_loop(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	__u32 sum = 0;

	for (int i = 0; i < 256; i++) {
		__u8 *p = data + i;

		if ((void *)(p + 1) > end)
			break;
		sum += *p;
	}
	st.sum = sum;
	return sum & 0xff;
}
