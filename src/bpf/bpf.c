/* bpf.c - classic BPF: the kernel's checker, libpcap's interpreter, and pcap_compile.
 *
 * Two references pin this file down. rxs_bpf_validate() refuses what the kernel's
 * bpf_check_classic() refuses (net/core/filter.c), so a program that loads here would load
 * with SO_ATTACH_FILTER. rxs_bpf_run() returns what libpcap's bpf_filter() returns, down to the
 * snap length, for every program that check accepts; tests/test_bpf.c compares the two over
 * every packet of the shared captures.
 *
 * The interpreter also protects itself from programs that were never checked: the program
 * counter only moves forward (64 bits wide, it cannot wrap) and is compared with the length
 * before each fetch, scratch indexes and constant divisors are tested, and an unknown opcode ends
 * the run with 0. Those tests cost a compare each and make rxs_bpf_run() safe for any input,
 * which is what a library entry point that takes a plain struct owes its callers; with them it
 * runs as fast as libpcap's own bpf_filter().
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "rxsim/bpf.h"
#include "rxsim/error.h"
#include "internal.h"
#include "cbpf.h"

#define CLASS(code)	((code) & 0x07)
/* Short names, to keep one case per line. */
#define ALU_K(op) (RXS_BPF_ALU | RXS_BPF_##op | RXS_BPF_K)
#define ALU_X(op) (RXS_BPF_ALU | RXS_BPF_##op | RXS_BPF_X)
#define JMP_K(op) (RXS_BPF_JMP | RXS_BPF_##op | RXS_BPF_K)
#define JMP_X(op) (RXS_BPF_JMP | RXS_BPF_##op | RXS_BPF_X)

/* Lowest k of the Linux negative-offset loads: SKF_LL_OFF (-0x200000); SKF_NET_OFF and
 * SKF_AD_OFF lie above it. */
#define SKF_LL_OFF_U32	0xffe00000u

/* ---- the checker ---------------------------------------------------------------------------- */

/* The opcodes of the kernel's chk_code_allowed(), which are also exactly those libpcap's
 * bpf_filter() implements. */
static bool code_allowed(uint16_t code)
{
	switch (code) {
	case ALU_K(ADD): case ALU_X(ADD):
	case ALU_K(SUB): case ALU_X(SUB):
	case ALU_K(MUL): case ALU_X(MUL):
	case ALU_K(DIV): case ALU_X(DIV):
	case ALU_K(MOD): case ALU_X(MOD):
	case ALU_K(AND): case ALU_X(AND):
	case ALU_K(OR): case ALU_X(OR):
	case ALU_K(XOR): case ALU_X(XOR):
	case ALU_K(LSH): case ALU_X(LSH):
	case ALU_K(RSH): case ALU_X(RSH):
	case RXS_BPF_ALU | RXS_BPF_NEG:
	case RXS_BPF_LD | RXS_BPF_W | RXS_BPF_ABS: case RXS_BPF_LD | RXS_BPF_H | RXS_BPF_ABS:
	case RXS_BPF_LD | RXS_BPF_B | RXS_BPF_ABS: case RXS_BPF_LD | RXS_BPF_W | RXS_BPF_LEN:
	case RXS_BPF_LD | RXS_BPF_W | RXS_BPF_IND: case RXS_BPF_LD | RXS_BPF_H | RXS_BPF_IND:
	case RXS_BPF_LD | RXS_BPF_B | RXS_BPF_IND: case RXS_BPF_LD | RXS_BPF_IMM:
	case RXS_BPF_LD | RXS_BPF_MEM:
	case RXS_BPF_LDX | RXS_BPF_W | RXS_BPF_LEN: case RXS_BPF_LDX | RXS_BPF_B | RXS_BPF_MSH:
	case RXS_BPF_LDX | RXS_BPF_IMM: case RXS_BPF_LDX | RXS_BPF_MEM:
	case RXS_BPF_ST: case RXS_BPF_STX:
	case RXS_BPF_MISC | RXS_BPF_TAX: case RXS_BPF_MISC | RXS_BPF_TXA:
	case RXS_BPF_RET | RXS_BPF_K: case RXS_BPF_RET | RXS_BPF_A:
	case RXS_BPF_JMP | RXS_BPF_JA:
	case JMP_K(JEQ): case JMP_X(JEQ):
	case JMP_K(JGE): case JMP_X(JGE):
	case JMP_K(JGT): case JMP_X(JGT):
	case JMP_K(JSET): case JMP_X(JSET):
		return true;
	}
	return false;
}

/* The per-instruction tests of bpf_check_classic(), for instruction @pc of @len. */
static bool insn_ok(const struct rxs_bpf_insn *in, unsigned int pc, unsigned int len)
{
	if (!code_allowed(in->code))
		return false;
	switch (in->code) {
	case ALU_K(DIV):
	case ALU_K(MOD):
		return in->k != 0;
	case ALU_K(LSH):
	case ALU_K(RSH):
		return in->k < 32;
	case RXS_BPF_LD | RXS_BPF_MEM:
	case RXS_BPF_LDX | RXS_BPF_MEM:
	case RXS_BPF_ST:
	case RXS_BPF_STX:
		return in->k < RXS_BPF_MEMWORDS;
	case RXS_BPF_JMP | RXS_BPF_JA:
		/* Forward only, by an unsigned offset: that is what makes every run end. */
		return in->k < len - pc - 1;
	case RXS_BPF_LD | RXS_BPF_W | RXS_BPF_ABS:
	case RXS_BPF_LD | RXS_BPF_H | RXS_BPF_ABS:
	case RXS_BPF_LD | RXS_BPF_B | RXS_BPF_ABS:
		return in->k < SKF_LL_OFF_U32;
	}
	if (CLASS(in->code) == RXS_BPF_JMP)
		return pc + in->jt + 1u < len && pc + in->jf + 1u < len;
	return true;
}

/* The kernel's check_load_and_stores(): M[k] may be loaded only where every path that reaches
 * the load stored it first. masks[pc] holds the words known valid on all jumps into pc; a
 * jump ends the fall-through path, so the word set restarts full after it. */
static bool loads_after_stores(const struct rxs_bpf_insn *insns, unsigned int len)
{
	uint16_t masks[RXS_BPF_MAXINSNS];
	uint16_t valid = 0;

	memset(masks, 0xff, len * sizeof(masks[0]));
	for (unsigned int pc = 0; pc < len; pc++) {
		const struct rxs_bpf_insn *in = &insns[pc];

		valid &= masks[pc];
		if (in->code == RXS_BPF_ST || in->code == RXS_BPF_STX) {
			valid |= (uint16_t)(1u << in->k);
		} else if (in->code == (RXS_BPF_LD | RXS_BPF_MEM) ||
			   in->code == (RXS_BPF_LDX | RXS_BPF_MEM)) {
			if (!(valid & (1u << in->k)))
				return false;
		} else if (in->code == (RXS_BPF_JMP | RXS_BPF_JA)) {
			masks[pc + 1 + in->k] &= valid;
			valid = 0xffff;
		} else if (CLASS(in->code) == RXS_BPF_JMP) {
			masks[pc + 1 + in->jt] &= valid;
			masks[pc + 1 + in->jf] &= valid;
			valid = 0xffff;
		}
	}
	return true;
}

int rxs_bpf_validate(const struct rxs_bpf_insn *insns, unsigned int len)
{
	uint16_t last;

	if (!insns || len == 0 || len > RXS_BPF_MAXINSNS)
		return -EINVAL;
	for (unsigned int pc = 0; pc < len; pc++)
		if (!insn_ok(&insns[pc], pc, len))
			return -EINVAL;
	last = insns[len - 1].code;
	if (last != (RXS_BPF_RET | RXS_BPF_K) && last != (RXS_BPF_RET | RXS_BPF_A))
		return -EINVAL;
	return loads_after_stores(insns, len) ? 0 : -EINVAL;
}

/* ---- the interpreter ------------------------------------------------------------------------ */

/* True when @size bytes at @off lie inside the captured bytes. The sum is taken in 64 bits, so
 * no offset wraps around: the same accept/reject as libpcap's overflow-careful tests. */
#define IN_PACKET(off, size) ((uint64_t)(off) + (size) <= buflen)


/* One flat switch over the whole opcode, as in libpcap and the kernel's old interpreter: a single
 * jump table per instruction, with A, X and pc in registers. Per-class helpers measured 1.5 times
 * slower. It is long, but each case is a line or two (the kernel's coding style allows exactly
 * this kind of long function). */
uint32_t rxs_bpf_run(const struct rxs_bpf_prog *prog, const uint8_t *pkt, uint32_t wirelen,
		     uint32_t buflen)
{
	const struct rxs_bpf_insn *insns = prog->insns;
	uint32_t a = 0, x = 0, mem[RXS_BPF_MEMWORDS] = { 0 };
	uint64_t off;

	if (!insns)
		return 0;
	/* The pc is 64 bits wide so that pc + 1 + k cannot wrap back into the program. */
	for (uint64_t pc = 0; pc < prog->len; pc++) {
		const struct rxs_bpf_insn *in = &insns[pc];

		switch (in->code) {
		case RXS_BPF_RET | RXS_BPF_K:
			return in->k;
		case RXS_BPF_RET | RXS_BPF_A:
			return a;
		case RXS_BPF_LD | RXS_BPF_W | RXS_BPF_ABS:
			if (!IN_PACKET(in->k, 4))
				return 0;
			a = rxs__get_be32(pkt + in->k);
			break;
		case RXS_BPF_LD | RXS_BPF_H | RXS_BPF_ABS:
			if (!IN_PACKET(in->k, 2))
				return 0;
			a = rxs__get_be16(pkt + in->k);
			break;
		case RXS_BPF_LD | RXS_BPF_B | RXS_BPF_ABS:
			if (!IN_PACKET(in->k, 1))
				return 0;
			a = pkt[in->k];
			break;
		case RXS_BPF_LD | RXS_BPF_W | RXS_BPF_IND:
			off = (uint64_t)x + in->k;
			if (!IN_PACKET(off, 4))
				return 0;
			a = rxs__get_be32(pkt + off);
			break;
		case RXS_BPF_LD | RXS_BPF_H | RXS_BPF_IND:
			off = (uint64_t)x + in->k;
			if (!IN_PACKET(off, 2))
				return 0;
			a = rxs__get_be16(pkt + off);
			break;
		case RXS_BPF_LD | RXS_BPF_B | RXS_BPF_IND:
			off = (uint64_t)x + in->k;
			if (!IN_PACKET(off, 1))
				return 0;
			a = pkt[off];
			break;
		case RXS_BPF_LDX | RXS_BPF_B | RXS_BPF_MSH:
			/* The IPv4 header length: X = 4 * (p[k] & 0xf). */
			if (!IN_PACKET(in->k, 1))
				return 0;
			x = (uint32_t)(pkt[in->k] & 0xf) << 2;
			break;
		case RXS_BPF_LD | RXS_BPF_W | RXS_BPF_LEN: a = wirelen; break;
		case RXS_BPF_LDX | RXS_BPF_W | RXS_BPF_LEN: x = wirelen; break;
		case RXS_BPF_LD | RXS_BPF_IMM: a = in->k; break;
		case RXS_BPF_LDX | RXS_BPF_IMM: x = in->k; break;
		/* The scratch index is tested for programs that never met the checker. */
		case RXS_BPF_LD | RXS_BPF_MEM:
			if (in->k >= RXS_BPF_MEMWORDS)
				return 0;
			a = mem[in->k];
			break;
		case RXS_BPF_LDX | RXS_BPF_MEM:
			if (in->k >= RXS_BPF_MEMWORDS)
				return 0;
			x = mem[in->k];
			break;
		case RXS_BPF_ST:
			if (in->k >= RXS_BPF_MEMWORDS)
				return 0;
			mem[in->k] = a;
			break;
		case RXS_BPF_STX:
			if (in->k >= RXS_BPF_MEMWORDS)
				return 0;
			mem[in->k] = x;
			break;
		case RXS_BPF_JMP | RXS_BPF_JA: pc += in->k; break;
		case JMP_K(JEQ): pc += a == in->k ? in->jt : in->jf; break;
		case JMP_K(JGT): pc += a > in->k ? in->jt : in->jf; break;
		case JMP_K(JGE): pc += a >= in->k ? in->jt : in->jf; break;
		case JMP_K(JSET): pc += a & in->k ? in->jt : in->jf; break;
		case JMP_X(JEQ): pc += a == x ? in->jt : in->jf; break;
		case JMP_X(JGT): pc += a > x ? in->jt : in->jf; break;
		case JMP_X(JGE): pc += a >= x ? in->jt : in->jf; break;
		case JMP_X(JSET): pc += a & x ? in->jt : in->jf; break;
		case ALU_K(ADD): a += in->k; break;
		case ALU_X(ADD): a += x; break;
		case ALU_K(SUB): a -= in->k; break;
		case ALU_X(SUB): a -= x; break;
		case ALU_K(MUL): a *= in->k; break;
		case ALU_X(MUL): a *= x; break;
		case ALU_K(AND): a &= in->k; break;
		case ALU_X(AND): a &= x; break;
		case ALU_K(OR): a |= in->k; break;
		case ALU_X(OR): a |= x; break;
		case ALU_K(XOR): a ^= in->k; break;
		case ALU_X(XOR): a ^= x; break;
		/* libpcap defines a shift by 32 or more as 0 (C leaves it undefined); the checker
		 * refuses such a constant, X is tested here. */
		case ALU_K(LSH): a = in->k < 32 ? a << in->k : 0; break;
		case ALU_X(LSH): a = x < 32 ? a << x : 0; break;
		case ALU_K(RSH): a = in->k < 32 ? a >> in->k : 0; break;
		case ALU_X(RSH): a = x < 32 ? a >> x : 0; break;
		/* Division by zero rejects the packet, as in libpcap and the kernel. */
		case ALU_K(DIV):
			if (in->k == 0)
				return 0;
			a /= in->k;
			break;
		case ALU_X(DIV):
			if (x == 0)
				return 0;
			a /= x;
			break;
		case ALU_K(MOD):
			if (in->k == 0)
				return 0;
			a %= in->k;
			break;
		case ALU_X(MOD):
			if (x == 0)
				return 0;
			a %= x;
			break;
		case RXS_BPF_ALU | RXS_BPF_NEG: a = 0u - a; break;
		case RXS_BPF_MISC | RXS_BPF_TAX: x = a; break;
		case RXS_BPF_MISC | RXS_BPF_TXA: a = x; break;
		default:
			return 0;	/* not an opcode: only an unchecked program has one */
		}
	}
	/* Only an unchecked program falls off its end or jumps past it. */
	return 0;
}

/* ---- the decoded interpreter (cbpf.h) ------------------------------------------------------- */

/* Every opcode code_allowed() takes, with its handler's name: the decoded op is its index. */
#define CBPF_OPS(X) \
	X(RET_K, RXS_BPF_RET | RXS_BPF_K) X(RET_A, RXS_BPF_RET | RXS_BPF_A) \
	X(LD_W_ABS, RXS_BPF_LD | RXS_BPF_W | RXS_BPF_ABS) \
	X(LD_H_ABS, RXS_BPF_LD | RXS_BPF_H | RXS_BPF_ABS) \
	X(LD_B_ABS, RXS_BPF_LD | RXS_BPF_B | RXS_BPF_ABS) \
	X(LD_W_IND, RXS_BPF_LD | RXS_BPF_W | RXS_BPF_IND) \
	X(LD_H_IND, RXS_BPF_LD | RXS_BPF_H | RXS_BPF_IND) \
	X(LD_B_IND, RXS_BPF_LD | RXS_BPF_B | RXS_BPF_IND) \
	X(LDX_MSH, RXS_BPF_LDX | RXS_BPF_B | RXS_BPF_MSH) \
	X(LD_LEN, RXS_BPF_LD | RXS_BPF_W | RXS_BPF_LEN) \
	X(LDX_LEN, RXS_BPF_LDX | RXS_BPF_W | RXS_BPF_LEN) \
	X(LD_IMM, RXS_BPF_LD | RXS_BPF_IMM) X(LDX_IMM, RXS_BPF_LDX | RXS_BPF_IMM) \
	X(LD_MEM, RXS_BPF_LD | RXS_BPF_MEM) X(LDX_MEM, RXS_BPF_LDX | RXS_BPF_MEM) \
	X(ST, RXS_BPF_ST) X(STX, RXS_BPF_STX) \
	X(JA, RXS_BPF_JMP | RXS_BPF_JA) \
	X(JEQ_K, JMP_K(JEQ)) X(JGT_K, JMP_K(JGT)) X(JGE_K, JMP_K(JGE)) X(JSET_K, JMP_K(JSET)) \
	X(JEQ_X, JMP_X(JEQ)) X(JGT_X, JMP_X(JGT)) X(JGE_X, JMP_X(JGE)) X(JSET_X, JMP_X(JSET)) \
	X(ADD_K, ALU_K(ADD)) X(ADD_X, ALU_X(ADD)) X(SUB_K, ALU_K(SUB)) X(SUB_X, ALU_X(SUB)) \
	X(MUL_K, ALU_K(MUL)) X(MUL_X, ALU_X(MUL)) X(AND_K, ALU_K(AND)) X(AND_X, ALU_X(AND)) \
	X(OR_K, ALU_K(OR)) X(OR_X, ALU_X(OR)) X(XOR_K, ALU_K(XOR)) X(XOR_X, ALU_X(XOR)) \
	X(LSH_K, ALU_K(LSH)) X(LSH_X, ALU_X(LSH)) X(RSH_K, ALU_K(RSH)) X(RSH_X, ALU_X(RSH)) \
	X(DIV_K, ALU_K(DIV)) X(DIV_X, ALU_X(DIV)) X(MOD_K, ALU_K(MOD)) X(MOD_X, ALU_X(MOD)) \
	X(NEG, RXS_BPF_ALU | RXS_BPF_NEG) \
	X(TAX, RXS_BPF_MISC | RXS_BPF_TAX) X(TXA, RXS_BPF_MISC | RXS_BPF_TXA)

enum cbpf_op {
#define CBPF_ENUM(name, code) OP_##name,
	CBPF_OPS(CBPF_ENUM)
#undef CBPF_ENUM
	OP_COUNT
};

static int cbpf_op(uint16_t code)
{
	switch (code) {
#define CBPF_CASE(name, code) case code: return OP_##name;
	CBPF_OPS(CBPF_CASE)
#undef CBPF_CASE
	}
	return -1;
}

int rxs__cbpf_prepare(struct rxs__cbpf *c, const struct rxs_bpf_insn *insns, unsigned int len)
{
	struct rxs__cbpf_op *ops;
	bool uses_mem = false;

	if (rxs_bpf_validate(insns, len) != 0)
		return -EINVAL;
	ops = rxs__calloc(len, sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	for (unsigned int pc = 0; pc < len; pc++) {
		int op = cbpf_op(insns[pc].code);

		/* The checker took only code_allowed() opcodes, each of which has a handler. */
		if (op < 0) {
			rxs__free(ops);
			return -EINVAL;
		}
		ops[pc] = (struct rxs__cbpf_op){ (uint8_t)op, insns[pc].jt, insns[pc].jf,
						 insns[pc].k };
		uses_mem |= op == OP_LD_MEM || op == OP_LDX_MEM || op == OP_ST || op == OP_STX;
	}
	rxs__cbpf_free(c);
	c->ops = ops;
	c->len = len;
	c->uses_mem = uses_mem;
	return 0;
}

void rxs__cbpf_free(struct rxs__cbpf *c)
{
	rxs__free(c->ops);
	c->ops = NULL;
	c->len = 0;
	c->uses_mem = false;
}

/* GCC and clang dispatch through a table of label addresses, one indirect jump at the end of
 * each handler (its own branch-predictor slot); elsewhere a switch in a loop does the same. */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(RXS_CBPF_SWITCH)
#define CBPF_GOTO 1
#endif

/* What rxs_bpf_run() tests at run time and this does not, and why each is exact for a program
 * rxs_bpf_validate() accepted:
 *  - the program counter's bound: jumps are forward and land inside the program, and its last
 *    instruction is a RET, so every run ends on a RET;
 *  - M[k]'s index (k < 16), a constant shift (k < 32) and a constant divisor (k != 0): the
 *    checker refuses anything else, and rxs_bpf_run's answers for them are then never used;
 *  - an absolute load's k + size in 32 bits cannot wrap: the checker keeps k below 0xffe00000;
 *  - M[] is zeroed only when the program touches it, and even then only stores are needed:
 *    loads_after_stores() refuses a load of a word some path has not stored. */
uint32_t rxs__cbpf_run(const struct rxs__cbpf *c, const uint8_t *pkt, uint32_t wirelen,
		       uint32_t buflen)
{
	const struct rxs__cbpf_op *in = c->ops;
	uint32_t a = 0, x = 0, mem[RXS_BPF_MEMWORDS];
	uint64_t off;

	if (!in)
		return 0;
	if (c->uses_mem)
		memset(mem, 0, sizeof(mem));
#ifdef CBPF_GOTO
	static const void *const labels[OP_COUNT] = {
#define CBPF_LABEL(name, code) [OP_##name] = &&L_##name,
		CBPF_OPS(CBPF_LABEL)
#undef CBPF_LABEL
	};
#define CASE(name)	L_##name:
#define DISPATCH()	goto *labels[in->op]
#define NEXT()		do { in++; DISPATCH(); } while (0)
#define JUMP(cond)	do { in += 1u + ((cond) ? in->jt : in->jf); DISPATCH(); } while (0)
	DISPATCH();
	{
#else
#define CASE(name)	case OP_##name:
/* Plain blocks, not do-while: a continue inside one would end the do, not the loop. */
#define NEXT()		{ in++; continue; }
#define JUMP(cond)	{ in += 1u + ((cond) ? in->jt : in->jf); continue; }
	for (;;) switch (in->op) {
#endif
	CASE(RET_K) return in->k;
	CASE(RET_A) return a;
	CASE(LD_W_ABS)
		if (in->k + 4u > buflen)
			return 0;
		a = rxs__get_be32(pkt + in->k);
		NEXT();
	CASE(LD_H_ABS)
		if (in->k + 2u > buflen)
			return 0;
		a = rxs__get_be16(pkt + in->k);
		NEXT();
	CASE(LD_B_ABS)
		if (in->k >= buflen)
			return 0;
		a = pkt[in->k];
		NEXT();
	CASE(LD_W_IND)
		off = (uint64_t)x + in->k;
		if (!IN_PACKET(off, 4))
			return 0;
		a = rxs__get_be32(pkt + off);
		NEXT();
	CASE(LD_H_IND)
		off = (uint64_t)x + in->k;
		if (!IN_PACKET(off, 2))
			return 0;
		a = rxs__get_be16(pkt + off);
		NEXT();
	CASE(LD_B_IND)
		off = (uint64_t)x + in->k;
		if (!IN_PACKET(off, 1))
			return 0;
		a = pkt[off];
		NEXT();
	CASE(LDX_MSH)
		if (in->k >= buflen)
			return 0;
		x = (uint32_t)(pkt[in->k] & 0xf) << 2;
		NEXT();
	CASE(LD_LEN) a = wirelen; NEXT();
	CASE(LDX_LEN) x = wirelen; NEXT();
	CASE(LD_IMM) a = in->k; NEXT();
	CASE(LDX_IMM) x = in->k; NEXT();
	CASE(LD_MEM) a = mem[in->k]; NEXT();
	CASE(LDX_MEM) x = mem[in->k]; NEXT();
	CASE(ST) mem[in->k] = a; NEXT();
	CASE(STX) mem[in->k] = x; NEXT();
	CASE(JA) in += in->k; NEXT();
	CASE(JEQ_K) JUMP(a == in->k);
	CASE(JGT_K) JUMP(a > in->k);
	CASE(JGE_K) JUMP(a >= in->k);
	CASE(JSET_K) JUMP(a & in->k);
	CASE(JEQ_X) JUMP(a == x);
	CASE(JGT_X) JUMP(a > x);
	CASE(JGE_X) JUMP(a >= x);
	CASE(JSET_X) JUMP(a & x);
	CASE(ADD_K) a += in->k; NEXT();
	CASE(ADD_X) a += x; NEXT();
	CASE(SUB_K) a -= in->k; NEXT();
	CASE(SUB_X) a -= x; NEXT();
	CASE(MUL_K) a *= in->k; NEXT();
	CASE(MUL_X) a *= x; NEXT();
	CASE(AND_K) a &= in->k; NEXT();
	CASE(AND_X) a &= x; NEXT();
	CASE(OR_K) a |= in->k; NEXT();
	CASE(OR_X) a |= x; NEXT();
	CASE(XOR_K) a ^= in->k; NEXT();
	CASE(XOR_X) a ^= x; NEXT();
	CASE(LSH_K) a <<= in->k; NEXT();
	CASE(LSH_X) a = x < 32 ? a << x : 0; NEXT();
	CASE(RSH_K) a >>= in->k; NEXT();
	CASE(RSH_X) a = x < 32 ? a >> x : 0; NEXT();
	CASE(DIV_K) a /= in->k; NEXT();
	CASE(DIV_X)
		if (x == 0)
			return 0;
		a /= x;
		NEXT();
	CASE(MOD_K) a %= in->k; NEXT();
	CASE(MOD_X)
		if (x == 0)
			return 0;
		a %= x;
		NEXT();
	CASE(NEG) a = 0u - a; NEXT();
	CASE(TAX) x = a; NEXT();
	CASE(TXA) a = x; NEXT();
#ifndef CBPF_GOTO
	default:
		return 0;	/* no other op is ever decoded */
#endif
	}
#undef CASE
#undef NEXT
#undef JUMP
#undef DISPATCH
}

/* ---- pcap_compile --------------------------------------------------------------------------- */

static void set_err(char *err, size_t errlen, const char *expr, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "filter '%s': %s", expr, msg);
}

/* Copy libpcap's program into our allocation, so rxs_bpf_free() pairs with rxs__malloc. */
static int copy_program(struct rxs_bpf_prog *prog, const struct bpf_program *fp)
{
	prog->insns = rxs__calloc(fp->bf_len ? fp->bf_len : 1, sizeof(*prog->insns));
	if (!prog->insns)
		return -ENOMEM;
	for (unsigned int i = 0; i < fp->bf_len; i++) {
		prog->insns[i].code = fp->bf_insns[i].code;
		prog->insns[i].jt = fp->bf_insns[i].jt;
		prog->insns[i].jf = fp->bf_insns[i].jf;
		prog->insns[i].k = fp->bf_insns[i].k;
	}
	prog->len = fp->bf_len;
	return 0;
}

int rxs_bpf_compile(struct rxs_bpf_prog *prog, const char *expr, char *err, size_t errlen)
{
	static const char prefix[] = "can't parse filter expression: ";
	struct bpf_program fp;
	const char *msg;
	pcap_t *p;
	int rc;

	prog->insns = NULL;
	prog->len = 0;
	expr = expr ? expr : "";
	p = pcap_open_dead(DLT_EN10MB, RXS_BPF_SNAPLEN);
	if (!p)
		return -ENOMEM;
	if (pcap_compile(p, &fp, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		/* libpcap's parser says where it failed after this prefix; the expression we
		 * quote already says what was being parsed. */
		msg = pcap_geterr(p);
		if (!strncmp(msg, prefix, sizeof(prefix) - 1))
			msg += sizeof(prefix) - 1;
		set_err(err, errlen, expr, msg);
		pcap_close(p);
		return RXS_EFILTER;
	}
	rc = copy_program(prog, &fp);
	pcap_freecode(&fp);
	pcap_close(p);
	if (rc == 0 && rxs_bpf_validate(prog->insns, prog->len) != 0) {
		/* "ip6 protochain" compiles to a loop with backward jumps, which the kernel
		 * refuses (libpcap then filters in user space; we have no user space). */
		set_err(err, errlen, expr, "the compiled program fails the kernel's BPF checker");
		rxs_bpf_free(prog);
		rc = RXS_EFILTER;
	}
	return rc;
}

void rxs_bpf_free(struct rxs_bpf_prog *prog)
{
	if (!prog)
		return;
	rxs__free(prog->insns);
	prog->insns = NULL;
	prog->len = 0;
}
