/* alu_v3 - built with -mcpu=v3: 32-bit ALU and JMP32, atomics that fetch. The payload holds
 * two numbers a and b; the results land in .bss for the test to compare with C. */
#include "common.h"

struct results {
	__u32 add, sub, mul, div, mod, and_, or_, xor_, lsh, rsh, neg;
	__s32 arsh;
	__u64 add64, mul64, div64, mod64, rsh64;
	__s64 arsh64;
	__u32 lt, le, slt, sle, gt, sge, set;
	__u64 fetch_old, fetch_and, fetch_xor;
	__u32 be16, be32;
	__u64 be64;
};

struct results res = {};

SEC("tc")
int alu(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	__u32 *p = data + 14, a, b;
	__u64 a64, b64;

	if ((void *)(p + 4) > end)
		return 2;
	a = p[0];
	b = p[1];
	a64 = (__u64)p[2] << 32 | p[0];
	b64 = p[3];
	res.add = a + b;
	res.sub = a - b;
	res.mul = a * b;
	res.div = b ? a / b : 0;
	res.mod = b ? a % b : a;
	res.and_ = a & b;
	res.or_ = a | b;
	res.xor_ = a ^ b;
	res.lsh = a << (b & 31);
	res.rsh = a >> (b & 31);
	res.neg = -a;
	res.arsh = (__s32)a >> (b & 31);
	res.add64 = a64 + b64;
	res.mul64 = a64 * b64;
	res.div64 = b64 ? a64 / b64 : 0;
	res.mod64 = b64 ? a64 % b64 : a64;
	res.rsh64 = a64 >> (b & 63);
	res.arsh64 = (__s64)a64 >> (b & 63);
	res.lt = a < b;
	res.le = a <= b;
	res.slt = (__s32)a < (__s32)b;
	res.sle = (__s32)a <= (__s32)b;
	res.gt = a > b;
	res.sge = (__s32)a >= (__s32)b;
	res.set = (a & b) != 0;
	res.fetch_old = 10;
	res.fetch_old = __sync_fetch_and_add(&res.fetch_old, a);
	res.fetch_and = 0xff00;
	__sync_fetch_and_and(&res.fetch_and, a64);
	res.fetch_xor = 0xf0f0;
	__sync_fetch_and_xor(&res.fetch_xor, b64);
	res.be16 = bpf_htons((__u16)a);
	res.be32 = bpf_htonl(a);
	res.be64 = __builtin_bswap64(a64);
	return 0;
}
