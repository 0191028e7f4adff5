/* ebpf_check.c - what the kernel's verifier obviously refuses, refused at load.
 *
 * Not a verifier: no value tracking, no pointer types. The interpreter checks every access at
 * run time instead (ebpf_run.c). What is checked here is what needs no more than a pass over the
 * instructions and a cheap data flow:
 *
 *  - every instruction: a known opcode, registers r0..r10 (r10 read-only), the reserved fields
 *    zero, constant shifts in range, no constant division by zero, ld_imm64 whole and naming a
 *    map that exists, calls to helpers rxsim has and the program type may use;
 *  - control flow (the kernel's check_subprogs and check_cfg): jumps inside their subprogram and
 *    never into the second half of an ld_imm64, every subprogram ending in exit or a jump (no
 *    falling off the end), no unreachable instruction;
 *  - registers: a data flow over the control flow graph tracks which registers are written on
 *    every path (a meet of bit sets, iterated to a fixed point); reading one that is not, such
 *    as r0 at exit before any value, or r1..r5 after a call (which clobbers them), is refused
 *    as the verifier refuses "R%d !read_ok";
 *  - constant stack offsets from r10 inside the frame's 512 bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bpf/ebpf_int.h"
#include "internal.h"

struct checker {
	const struct rxs_bpf_object *obj;
	const struct ebpf_prog *p;
	const struct rxs_ebpf_insn *in;
	unsigned int cnt;
	uint8_t *kind;		/* per insn: K_* */
	uint16_t *init;		/* registers written on every path into the insn; 0 = unseen */
	uint32_t *sub;		/* the subprogram (its first insn) each insn belongs to */
	char *err;
	size_t errlen;
};

enum { K_PLAIN, K_SECOND, K_SUBSTART = 4 };	/* bit flags */
#define SEEN 0x8000u	/* init[] flag: the instruction is reachable */

static int refuse(struct checker *c, unsigned int pc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(struct checker *c, unsigned int pc, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s: insn %u: %s", c->p->name, pc, msg);
	return -EINVAL;
}

static const char *type_name(enum rxs_bpf_prog_type t)
{
	switch (t) {
	case RXS_BPF_PROG_XDP: return "xdp";
	case RXS_BPF_PROG_SCHED_CLS: return "tc";
	case RXS_BPF_PROG_SOCKET_FILTER: return "socket filter";
	case RXS_BPF_PROG_SK_REUSEPORT: return "sk_reuseport";
	}
	return "?";
}

static int check_call(struct checker *c, unsigned int pc, const struct rxs_ebpf_insn *in)
{
	const struct ebpf_helper *h;
	const char *name;

	if (in->src_reg == EBPF_PSEUDO_KFUNC_CALL)
		return refuse(c, pc, "kfunc calls are not supported");
	if (in->src_reg == EBPF_PSEUDO_CALL) {
		int64_t t = (int64_t)pc + in->imm + 1;

		if (t < 0 || t >= c->cnt)
			return refuse(c, pc, "call to insn %lld out of range", (long long)t);
		return 0;
	}
	if (in->src_reg)
		return refuse(c, pc, "call with src_reg %u", in->src_reg);
	h = rxs__ebpf_helper(in->imm);
	if (!h) {
		name = rxs__ebpf_helper_name(in->imm);
		if (name)
			return refuse(c, pc, "helper bpf_%s#%d is not supported by rxsim", name,
				      in->imm);
		return refuse(c, pc, "unknown helper #%d", in->imm);
	}
	if (!(h->types & rxs__ebpf_type_bit(c->p->type)))
		return refuse(c, pc, "program of type %s cannot use helper %s#%d",
			      type_name(c->p->type), h->name, in->imm);
	return 0;
}

static int check_ld_imm64(struct checker *c, unsigned int pc, const struct rxs_ebpf_insn *in)
{
	const struct ebpf_map *m;

	if (pc + 1 >= c->cnt || in[1].code || in[1].dst_reg || in[1].src_reg || in[1].off ||
	    in->off)
		return refuse(c, pc, "invalid ld_imm64: second half missing or not zero");
	if (in->src_reg == 0)
		return 0;
	if (in->src_reg != EBPF_PSEUDO_MAP_IDX && in->src_reg != EBPF_PSEUDO_MAP_IDX_VALUE)
		return refuse(c, pc, "ld_imm64 with src_reg %u is not supported", in->src_reg);
	if ((uint32_t)in->imm >= c->obj->nmaps)
		return refuse(c, pc, "ld_imm64 of map %u: the object has %u maps",
			      (uint32_t)in->imm, c->obj->nmaps);
	m = &c->obj->maps[in->imm];
	if (in->src_reg == EBPF_PSEUDO_MAP_IDX)
		return in[1].imm ? refuse(c, pc, "invalid ld_imm64 of map %s", m->name) : 0;
	if (m->type != RXS_BPF_MAP_ARRAY || m->max_entries != 1)
		return refuse(c, pc, "direct value access needs a one-element array, %s is not",
			      m->name);
	if ((uint32_t)in[1].imm >= m->value_size)
		return refuse(c, pc, "direct value offset %u past %s's %u bytes",
			      (uint32_t)in[1].imm, m->name, m->value_size);
	return 0;
}

static int check_alu(struct checker *c, unsigned int pc, const struct rxs_ebpf_insn *in)
{
	bool is64 = EBPF_CLASS(in->code) == EBPF_ALU64, x = EBPF_SRC(in->code) == EBPF_X;
	uint8_t op = EBPF_OP(in->code);

	if (op > EBPF_END || (op != EBPF_END && (x ? in->imm : in->src_reg)))
		return refuse(c, pc, "unknown opcode 0x%02x or reserved field set", in->code);
	if (in->dst_reg == 10)
		return refuse(c, pc, "frame pointer is read only");
	switch (op) {
	case EBPF_END:
		if (in->off || in->src_reg || (is64 && x) ||
		    (in->imm != 16 && in->imm != 32 && in->imm != 64))
			return refuse(c, pc, "invalid byte swap 0x%02x imm %d", in->code, in->imm);
		return 0;
	case EBPF_NEG:
		if (x || in->imm || in->off)
			return refuse(c, pc, "invalid neg");
		return 0;
	case EBPF_MOV:
		if (in->off && !(x && (in->off == 8 || in->off == 16 || (is64 && in->off == 32))))
			return refuse(c, pc, "invalid mov offset %d", in->off);
		return 0;
	case EBPF_DIV:
	case EBPF_MOD:
		if (in->off != 0 && in->off != 1)
			return refuse(c, pc, "invalid div/mod offset %d", in->off);
		if (!x && !in->imm)
			return refuse(c, pc, "division by zero");
		return 0;
	case EBPF_LSH:
	case EBPF_RSH:
	case EBPF_ARSH:
		if (!x && (in->imm < 0 || in->imm >= (is64 ? 64 : 32)))
			return refuse(c, pc, "invalid shift %d", in->imm);
		break;
	}
	return in->off ? refuse(c, pc, "reserved off field set") : 0;
}

static int check_jmp(struct checker *c, unsigned int pc, const struct rxs_ebpf_insn *in)
{
	bool is32 = EBPF_CLASS(in->code) == EBPF_JMP32, x = EBPF_SRC(in->code) == EBPF_X;
	uint8_t op = EBPF_OP(in->code);
	int64_t t;

	if (op == EBPF_CALL || op == EBPF_EXIT) {
		if (is32 || x || in->dst_reg || in->off)
			return refuse(c, pc, "invalid %s", op == EBPF_CALL ? "call" : "exit");
		if (op == EBPF_EXIT)
			return in->imm || in->src_reg ? refuse(c, pc, "invalid exit") : 0;
		return check_call(c, pc, in);
	}
	if (op > EBPF_JSLE)
		return refuse(c, pc, "unknown opcode 0x%02x", in->code);
	if (op == EBPF_JA) {
		if (x || in->src_reg || in->dst_reg || (is32 ? in->off : in->imm))
			return refuse(c, pc, "invalid ja");
		t = (int64_t)pc + (is32 ? in->imm : in->off) + 1;
	} else {
		if (x ? in->imm : in->src_reg)
			return refuse(c, pc, "reserved field set in jump 0x%02x", in->code);
		t = (int64_t)pc + in->off + 1;
	}
	if (t < 0 || t >= c->cnt)
		return refuse(c, pc, "jump out of range to insn %lld", (long long)t);
	return 0;
}

static int check_mem(struct checker *c, unsigned int pc, const struct rxs_ebpf_insn *in)
{
	uint8_t cls = EBPF_CLASS(in->code), mode = EBPF_MODE(in->code), sz = EBPF_SIZE(in->code);
	static const int bytes[4] = { 4, 2, 1, 8 };
	uint8_t base = cls == EBPF_LDX ? in->src_reg : in->dst_reg;
	bool ok;

	switch (cls) {
	case EBPF_LD:
		if (in->code == (EBPF_LD | EBPF_IMM | EBPF_DW))
			return in->dst_reg == 10 ? refuse(c, pc, "frame pointer is read only")
						 : check_ld_imm64(c, pc, in);
		ok = (mode == EBPF_ABS || mode == EBPF_IND) && sz != EBPF_DW && !in->dst_reg &&
		     !in->off && (mode == EBPF_IND || !in->src_reg);
		if (ok && c->p->type != RXS_BPF_PROG_SOCKET_FILTER &&
		    c->p->type != RXS_BPF_PROG_SCHED_CLS)
			return refuse(c, pc, "BPF_LD_[ABS|IND] instructions not allowed for this "
				      "program type");
		return ok ? 0 : refuse(c, pc, "unknown opcode 0x%02x", in->code);
	case EBPF_LDX:
		ok = (mode == EBPF_MEM || (mode == EBPF_MEMSX && sz != EBPF_DW)) && !in->imm;
		if (ok && in->dst_reg == 10)
			return refuse(c, pc, "frame pointer is read only");
		break;
	case EBPF_ST:
		ok = mode == EBPF_MEM && !in->src_reg;
		break;
	default:
		ok = mode == EBPF_MEM && !in->imm;
		if (mode == EBPF_ATOMIC && (sz == EBPF_W || sz == EBPF_DW)) {
			int32_t op = in->imm & ~EBPF_FETCH;

			ok = op == EBPF_ADD || op == EBPF_OR || op == EBPF_AND || op == EBPF_XOR ||
			     in->imm == EBPF_XCHG || in->imm == EBPF_CMPXCHG;
		}
		break;
	}
	if (!ok)
		return refuse(c, pc, "unknown opcode 0x%02x or reserved field set", in->code);
	if (base == 10 && (in->off >= 0 || in->off < -RXS_BPF_STACK_SIZE ||
			   in->off + bytes[sz >> 3] > 0))
		return refuse(c, pc, "invalid stack access off=%d size=%d", in->off,
			      bytes[sz >> 3]);
	return 0;
}

static int check_insn(struct checker *c, unsigned int pc)
{
	const struct rxs_ebpf_insn *in = &c->in[pc];

	if (in->dst_reg > 10 || in->src_reg > 10)
		if (EBPF_CLASS(in->code) != EBPF_LD && EBPF_CLASS(in->code) != EBPF_JMP)
			return refuse(c, pc, "invalid register r%u", RXS_MAX(in->dst_reg,
									      in->src_reg));
	switch (EBPF_CLASS(in->code)) {
	case EBPF_ALU:
	case EBPF_ALU64:
		return check_alu(c, pc, in);
	case EBPF_JMP:
	case EBPF_JMP32:
		if (in->dst_reg > 10 || (in->src_reg > 10 && EBPF_OP(in->code) != EBPF_CALL))
			return refuse(c, pc, "invalid register");
		return check_jmp(c, pc, in);
	default:
		if (in->dst_reg > 10 || (in->src_reg > 10 && in->code != (EBPF_LD | EBPF_DW)))
			return refuse(c, pc, "invalid register");
		return check_mem(c, pc, in);
	}
}

/* ---- control flow and registers ----------------------------------------------------------------- */

#define R(n)		(1u << (n))
#define ARGS		(R(1) | R(2) | R(3) | R(4) | R(5))
#define REGS		0x7ffu

/* The registers @in reads, writes and clobbers. */
static void effects(const struct rxs_ebpf_insn *in, uint16_t *rd, uint16_t *wr, uint16_t *clob)
{
	uint8_t cls = EBPF_CLASS(in->code), op = EBPF_OP(in->code), mode = EBPF_MODE(in->code);
	bool x = EBPF_SRC(in->code) == EBPF_X;
	const struct ebpf_helper *h;

	*rd = *wr = *clob = 0;
	switch (cls) {
	case EBPF_ALU:
	case EBPF_ALU64:
		*rd = (uint16_t)((op == EBPF_MOV ? 0 : R(in->dst_reg)) |
				 (x && op != EBPF_END && op != EBPF_NEG ? R(in->src_reg) : 0));
		*wr = (uint16_t)R(in->dst_reg);
		return;
	case EBPF_JMP:
	case EBPF_JMP32:
		if (op == EBPF_EXIT) {
			*rd = R(0);
		} else if (op == EBPF_CALL) {
			h = in->src_reg ? NULL : rxs__ebpf_helper(in->imm);
			*rd = (uint16_t)(h ? ((1u << (h->nargs + 1)) - 2) : 0);
			*wr = R(0);
			*clob = ARGS;
		} else if (op != EBPF_JA) {
			*rd = (uint16_t)(R(in->dst_reg) | (x ? R(in->src_reg) : 0));
		}
		return;
	case EBPF_LD:
		if (mode == EBPF_IMM) {
			*wr = (uint16_t)R(in->dst_reg);
		} else {
			*rd = (uint16_t)(R(6) | (mode == EBPF_IND ? R(in->src_reg) : 0));
			*wr = R(0);
			*clob = ARGS;
		}
		return;
	case EBPF_LDX:
		*rd = (uint16_t)R(in->src_reg);
		*wr = (uint16_t)R(in->dst_reg);
		return;
	case EBPF_ST:
		*rd = (uint16_t)R(in->dst_reg);
		return;
	default:
		*rd = (uint16_t)(R(in->dst_reg) | R(in->src_reg));
		if (mode == EBPF_ATOMIC && in->imm == EBPF_CMPXCHG) {
			*rd |= R(0);
			*wr = R(0);
		} else if (mode == EBPF_ATOMIC && (in->imm & EBPF_FETCH)) {
			*wr = (uint16_t)R(in->src_reg);
		}
	}
}

/* Merge @state into insn @pc; push it on @stack when that changed anything. */
static void flow_to(struct checker *c, unsigned int pc, uint16_t state, uint32_t *stack,
		    unsigned int *sp)
{
	uint16_t old = c->init[pc], n = (uint16_t)((old & SEEN ? old & state : state) | SEEN);

	if (n != old) {
		c->init[pc] = n;
		stack[(*sp)++] = pc;
	}
}

/* One instruction of the data flow: its reads, then its successors. */
static int flow_insn(struct checker *c, unsigned int pc, uint32_t *stack, unsigned int *sp)
{
	const struct rxs_ebpf_insn *in = &c->in[pc];
	uint16_t in_regs = c->init[pc] & REGS, rd, wr, clob, out;
	uint8_t cls = EBPF_CLASS(in->code), op = EBPF_OP(in->code);

	effects(in, &rd, &wr, &clob);
	if (rd & ~in_regs) {
		unsigned int r = (unsigned int)__builtin_ctz(rd & ~in_regs);

		if (r == 0 && cls == EBPF_JMP && op == EBPF_EXIT)
			return refuse(c, pc, "R0 !read_ok: exit without a return value");
		return refuse(c, pc, "R%u !read_ok: read before any write on some path", r);
	}
	out = (uint16_t)((in_regs & ~clob) | wr);
	if (cls == EBPF_JMP && op == EBPF_EXIT)
		return 0;
	if (cls == EBPF_JMP && op == EBPF_CALL && in->src_reg == EBPF_PSEUDO_CALL)
		flow_to(c, (unsigned int)((int64_t)pc + in->imm + 1),
			(uint16_t)((in_regs & ARGS) | R(10)), stack, sp);
	if ((cls == EBPF_JMP || cls == EBPF_JMP32) && op != EBPF_CALL) {
		int64_t t = (int64_t)pc + 1 + (op == EBPF_JA && cls == EBPF_JMP32 ? in->imm
										     : in->off);

		flow_to(c, (unsigned int)t, out, stack, sp);
		if (op == EBPF_JA)
			return 0;
	}
	flow_to(c, pc + (in->code == (EBPF_LD | EBPF_IMM | EBPF_DW) ? 2 : 1), out, stack, sp);
	return 0;
}

static int data_flow(struct checker *c)
{
	uint32_t *stack = rxs__malloc(((size_t)c->cnt * 12 + 1) * sizeof(uint32_t));
	unsigned int sp = 0;
	int rc = 0;

	if (!stack)
		return -ENOMEM;
	flow_to(c, 0, R(1) | R(10), stack, &sp);
	/* Each push removes a register from a state or marks one seen: at most 12 per insn. */
	while (sp && !rc)
		rc = flow_insn(c, stack[--sp], stack, &sp);
	rxs__free(stack);
	for (unsigned int pc = 0; pc < c->cnt && !rc; pc++)
		if (!(c->kind[pc] & K_SECOND) && !(c->init[pc] & SEEN))
			rc = refuse(c, pc, "unreachable insn");
	return rc;
}

static bool is_jump(const struct rxs_ebpf_insn *in)
{
	uint8_t cls = EBPF_CLASS(in->code), op = EBPF_OP(in->code);

	return (cls == EBPF_JMP || cls == EBPF_JMP32) && op != EBPF_CALL && op != EBPF_EXIT;
}

/* Subprograms (the kernel's check_subprogs): jumps stay inside theirs, and each ends with exit
 * or a jump. ld_imm64 second halves are no target. */
static int check_flow(struct checker *c)
{
	uint32_t cur = 0;

	for (unsigned int pc = 0; pc < c->cnt; pc++) {
		if (c->kind[pc] & K_SUBSTART)
			cur = pc;
		c->sub[pc] = cur;
	}
	for (unsigned int pc = 0; pc < c->cnt; pc++) {
		const struct rxs_ebpf_insn *in = &c->in[pc];
		bool last = pc + 1 == c->cnt || (c->kind[pc + 1] & K_SUBSTART);
		int64_t t;

		if (last && (c->kind[pc] & K_SECOND))
			return refuse(c, pc, "ld_imm64 at the end: falling off the end");
		if (c->kind[pc] & K_SECOND)
			continue;
		if (last && !(EBPF_CLASS(in->code) == EBPF_JMP && EBPF_OP(in->code) == EBPF_EXIT) &&
		    !(is_jump(in) && EBPF_OP(in->code) == EBPF_JA))
			return refuse(c, pc, "last insn is not an exit or jmp: falling off the end");
		if (!is_jump(in))
			continue;
		t = (int64_t)pc + 1 + (EBPF_OP(in->code) == EBPF_JA &&
				       EBPF_CLASS(in->code) == EBPF_JMP32 ? in->imm : in->off);
		if (c->kind[t] & K_SECOND)
			return refuse(c, pc, "jump into the middle of ld_imm64 at insn %lld",
				      (long long)t - 1);
		if (c->sub[t] != c->sub[pc])
			return refuse(c, pc, "jump out of range from insn %u to %lld", pc,
				      (long long)t);
	}
	return 0;
}

int rxs__ebpf_check(const struct rxs_bpf_object *obj, const struct ebpf_prog *p, char *err,
		    size_t errlen)
{
	struct checker c = { obj, p, p->insns, p->cnt, NULL, NULL, NULL, err, errlen };
	int rc = 0;

	if (!p->cnt || p->cnt > RXS_BPF_MAX_EINSNS) {
		snprintf(err, errlen, "%s: %u instructions: must be 1..%u", p->name, p->cnt,
			 RXS_BPF_MAX_EINSNS);
		return -EINVAL;
	}
	c.kind = rxs__calloc(p->cnt, 1);
	c.init = rxs__calloc(p->cnt, sizeof(*c.init));
	c.sub = rxs__calloc(p->cnt, sizeof(*c.sub));
	if (!c.kind || !c.init || !c.sub) {
		rc = -ENOMEM;
		goto out;
	}
	c.kind[0] = K_SUBSTART;
	for (unsigned int pc = 0; pc < p->cnt && !rc; pc++) {
		const struct rxs_ebpf_insn *in = &p->insns[pc];

		if (c.kind[pc] & K_SECOND)
			continue;
		rc = check_insn(&c, pc);
		if (!rc && in->code == (EBPF_LD | EBPF_IMM | EBPF_DW))
			c.kind[pc + 1] |= K_SECOND;
		if (!rc && in->code == (EBPF_JMP | EBPF_CALL) && in->src_reg == EBPF_PSEUDO_CALL)
			c.kind[pc + in->imm + 1] |= K_SUBSTART;
	}
	for (unsigned int pc = 0; pc < p->cnt && !rc; pc++)
		if ((c.kind[pc] & (K_SECOND | K_SUBSTART)) == (K_SECOND | K_SUBSTART))
			rc = refuse(&c, pc, "call into the middle of ld_imm64");
	if (!rc)
		rc = check_flow(&c);
	if (!rc)
		rc = data_flow(&c);
out:
	rxs__free(c.kind);
	rxs__free(c.init);
	rxs__free(c.sub);
	return rc;
}
