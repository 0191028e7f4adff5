/* xdp_adjust - bpf_xdp_adjust_head/tail and the bytes helpers. */
#include "common.h"

/* Push a 4-byte tag after the MAC addresses: a VLAN-like encapsulation. */
SEC("xdp")
int xdp_push(struct xdp_md *ctx)
{
	void *data, *end;
	__u8 macs[12];

	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (data + 14 > end)
		return XDP_ABORTED;
	__builtin_memcpy(macs, data, 12);
	if (bpf_xdp_adjust_head(ctx, -4))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (data + 18 > end)
		return XDP_ABORTED;
	__builtin_memcpy(data, macs, 12);
	*(__u16 *)(data + 12) = bpf_htons(0x8100);
	*(__u16 *)(data + 14) = bpf_htons(42);
	return XDP_TX;
}

/* Pop 14 bytes, then try to go past the headroom: -EINVAL. */
SEC("xdp")
int xdp_pop(struct xdp_md *ctx)
{
	if (bpf_xdp_adjust_head(ctx, 14))
		return XDP_ABORTED;
	if (bpf_xdp_adjust_head(ctx, -1000) != -22)
		return XDP_ABORTED;
	return XDP_PASS;
}

/* Trim 4 bytes (an FCS), then grow by 8 and write there; a grow past the frame fails. */
SEC("xdp")
int xdp_tail(struct xdp_md *ctx)
{
	void *data, *end;
	__u32 tag;

	if (bpf_xdp_adjust_tail(ctx, -4))
		return XDP_ABORTED;
	if (bpf_xdp_adjust_tail(ctx, 8))
		return XDP_ABORTED;
	if (bpf_xdp_adjust_tail(ctx, 4096) != -22)
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	tag = 0x01020304;
	if (bpf_xdp_store_bytes(ctx, (__u32)(end - data) - 4, &tag, 4))
		return XDP_ABORTED;
	return XDP_PASS;
}
