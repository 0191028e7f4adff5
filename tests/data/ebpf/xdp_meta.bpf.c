/* xdp_meta - bpf_xdp_adjust_meta (which this machine's kernel refuses in BPF_PROG_TEST_RUN's
 * XDP programs: "cannot use helper bpf_xdp_adjust_meta#54"), xdp_load/store_bytes. */
#include "common.h"

/* Metadata before the packet: 8 bytes written, read back through data_meta. */
SEC("xdp")
int xdp_meta(struct xdp_md *ctx)
{
	void *data, *meta;
	__u32 buf[2] = { 0, 0 };

	if (bpf_xdp_adjust_meta(ctx, -8))
		return XDP_ABORTED;
	if (bpf_xdp_adjust_meta(ctx, -6) != -13)	/* metadata length must be 4-aligned */
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if (meta + 8 > data)
		return XDP_ABORTED;
	*(__u32 *)meta = 0xdeadbeef;
	*(__u32 *)(meta + 4) = 7;
	if (bpf_xdp_load_bytes(ctx, 0, buf, 8))
		return XDP_ABORTED;
	buf[0] ^= 0xffffffff;
	if (bpf_xdp_store_bytes(ctx, 0, buf, 4))
		return XDP_ABORTED;
	return *(__u32 *)(meta + 4) == 7 ? XDP_PASS : XDP_DROP;
}
