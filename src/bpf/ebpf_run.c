/* ebpf_run.c - rxsim's eBPF interpreter: the kernel's ___bpf_prog_run semantics, with every
 * memory access checked.
 *
 * Memory. A program's pointers are not host addresses but a region tag in the high 32 bits and
 * an offset in the low 32 (ebpf_int.h): the stack (RXS_BPF_MAX_CALL_DEPTH frames of 512 bytes,
 * r10 at the top of the current one), the context, the packet frame, a map's values (global
 * data too) and ringbuf records. A load or store decodes the tag and proceeds only when the
 * bytes lie inside the region: the packet from data_meta to data_end as they are now, a map
 * value within its element. Whatever a program computes, it reaches no other memory; an access
 * outside ends the run with an error naming program, instruction and region.
 *
 * The context. The kernel's verifier rewrites each load from struct xdp_md or struct __sk_buff
 * into loads from the real xdp_buff or sk_buff; we do the same at run time: ctx_load() answers
 * the 32-bit data, data_end and data_meta fields with packet pointers, the others from an image
 * of the struct kept up to date, and ctx_store() lets through only the fields the kernel lets a
 * program of that type write.
 *
 * Arithmetic follows the kernel's interpreter, including what C leaves undefined: shifts take
 * their count modulo the width, division by zero gives 0 and modulo by zero leaves the
 * dividend, and signed division of the minimum by -1 wraps (the verifier's fixups).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bpf/ebpf_int.h"
#include "internal.h"

#define TAG(a)		((uint32_t)((a) >> 32))
#define OFF(a)		((uint32_t)(a))

uint64_t rxs__ebpf_fail(struct ebpf_run *r, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (r->failed)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->obj->errmsg, sizeof(r->obj->errmsg), "%s: insn %llu: %s", r->prog->name,
		 (unsigned long long)r->pc, msg);
	r->failed = true;
	return 0;
}

static const char *region_name(uint32_t tag, const struct rxs_bpf_object *obj)
{
	if (tag == EBPF_TAG_STACK)
		return "stack";
	if (tag == EBPF_TAG_CTX)
		return "context";
	if (tag == EBPF_TAG_PKT)
		return "packet";
	if (tag >= EBPF_TAG_RB && tag < EBPF_TAG_RB + EBPF_RB_SLOTS)
		return "ringbuf record";
	if (tag >= EBPF_TAG_MAPVAL && tag - EBPF_TAG_MAPVAL < obj->nmaps)
		return obj->maps[tag - EBPF_TAG_MAPVAL].name;
	if (tag >= EBPF_TAG_MAP && tag - EBPF_TAG_MAP < obj->nmaps)
		return "map pointer";
	return tag ? "no region" : "a scalar (null or not a pointer)";
}

static uint8_t *oob(struct ebpf_run *r, uint64_t addr, uint32_t size, bool write, uint32_t lo,
		    uint32_t hi)
{
	uint32_t tag = TAG(addr);

	if (lo == hi && !lo)
		rxs__ebpf_fail(r, "%s of %u bytes at %s%+d: not memory the program may use",
			       write ? "write" : "read", size, region_name(tag, r->obj),
			       (int32_t)OFF(addr));
	else
		rxs__ebpf_fail(r, "%s of %u bytes at %s+%u out of bounds (%u..%u)",
			       write ? "write" : "read", size, region_name(tag, r->obj), OFF(addr),
			       lo, hi);
	return NULL;
}

/* A map value: inside one element's value_size bytes, and never a write to read-only data. */
static uint8_t *map_mem(struct ebpf_run *r, uint64_t addr, uint32_t size, bool write)
{
	struct ebpf_map *m = &r->obj->maps[TAG(addr) - EBPF_TAG_MAPVAL];
	uint64_t off = OFF(addr), total, in;

	if (!m->values)
		return oob(r, addr, size, write, 0, 0);
	total = (uint64_t)m->max_entries * m->ncpus * m->stride;
	in = off % m->stride;
	if (off >= total || in + size > m->value_size)
		return oob(r, addr, size, write, (uint32_t)(off - in),
			   (uint32_t)(off - in + m->value_size));
	if (write && (m->flags & EBPF_F_RDONLY_PROG)) {
		rxs__ebpf_fail(r, "write to read-only map %s", m->name);
		return NULL;
	}
	return m->values + off;
}

uint8_t *rxs__ebpf_mem(struct ebpf_run *r, uint64_t addr, uint32_t size, bool write)
{
	uint32_t tag = TAG(addr), off = OFF(addr);

	if (tag == EBPF_TAG_STACK) {
		if ((uint64_t)off + size > sizeof(r->stack))
			return oob(r, addr, size, write, 0, sizeof(r->stack));
		return r->stack + off;
	}
	if (tag == EBPF_TAG_PKT) {
		if (off < r->data_meta || (uint64_t)off + size > r->data_end)
			return oob(r, addr, size, write, r->data_meta, r->data_end);
		return r->pkt + off;
	}
	if (tag >= EBPF_TAG_RB && tag < EBPF_TAG_RB + EBPF_RB_SLOTS) {
		uint32_t i = tag - EBPF_TAG_RB;

		if (!r->rb[i].rec || (uint64_t)off + size > r->rb[i].size)
			return oob(r, addr, size, write, 0, r->rb[i].rec ? r->rb[i].size : 0);
		return r->rb[i].rec + off;
	}
	if (tag >= EBPF_TAG_MAPVAL && tag - EBPF_TAG_MAPVAL < r->obj->nmaps)
		return map_mem(r, addr, size, write);
	return oob(r, addr, size, write, 0, 0);
}

/* ---- the context ---------------------------------------------------------------------------- */

/* Offsets of struct __sk_buff, struct xdp_md and struct sk_reuseport_md (<linux/bpf.h>). */
enum {
	SKB_LEN = 0, SKB_PKT_TYPE = 4, SKB_MARK = 8, SKB_QUEUE_MAPPING = 12, SKB_PROTOCOL = 16,
	SKB_PRIORITY = 32, SKB_INGRESS_IFINDEX = 36, SKB_IFINDEX = 40, SKB_TC_INDEX = 44,
	SKB_CB = 48, SKB_CB_END = 68, SKB_HASH = 68, SKB_TC_CLASSID = 72, SKB_DATA = 76,
	SKB_DATA_END = 80, SKB_DATA_META = 140, SKB_FLOW_KEYS = 144, SKB_TSTAMP = 152,
	SKB_WIRE_LEN = 160, SKB_SK = 168, SKB_SIZE = 192,
	XDP_DATA = 0, XDP_DATA_END = 4, XDP_DATA_META = 8, XDP_SIZE = 24,
	RP_DATA = 0, RP_DATA_END = 8, RP_LEN = 16, RP_SK = 40, RP_SIZE = 56,
};

/* The packet pointer a context field at @off stands for, or 0 when it is no pointer field. */
static bool ctx_pointer(struct ebpf_run *r, uint32_t off, uint32_t size, uint64_t *val)
{
	uint32_t which;

	switch (r->prog->type) {
	case RXS_BPF_PROG_XDP:
		if (off > XDP_DATA_META)
			return false;
		which = off;
		break;
	case RXS_BPF_PROG_SCHED_CLS:
		if (off != SKB_DATA && off != SKB_DATA_END && off != SKB_DATA_META)
			return false;
		which = off == SKB_DATA ? XDP_DATA : off == SKB_DATA_END ? XDP_DATA_END
									: XDP_DATA_META;
		break;
	case RXS_BPF_PROG_SK_REUSEPORT:
		if (off != RP_DATA && off != RP_DATA_END)
			return false;
		which = off == RP_DATA ? XDP_DATA : XDP_DATA_END;
		break;
	default:
		return false;
	}
	if (size != (r->prog->type == RXS_BPF_PROG_SK_REUSEPORT ? 8u : 4u)) {
		rxs__ebpf_fail(r, "context pointer field at %u read with %u bytes", off, size);
		return true;
	}
	*val = EBPF_ADDR(EBPF_TAG_PKT, which == XDP_DATA ? r->data :
				       which == XDP_DATA_END ? r->data_end : r->data_meta);
	return true;
}

/* Fields a socket filter may not read: the packet pointers and what only tc has. */
static bool sock_hidden(uint32_t off)
{
	return (off >= SKB_DATA && off < SKB_DATA_END + 4) || off == SKB_TC_CLASSID ||
	       (off >= SKB_DATA_META && off < SKB_TSTAMP) || off == SKB_TSTAMP ||
	       off == SKB_WIRE_LEN;
}

static bool ctx_load(struct ebpf_run *r, uint32_t off, uint32_t size, uint64_t *val)
{
	uint64_t v = 0;

	if ((uint64_t)off + size > r->ctx_size || off % size) {
		rxs__ebpf_fail(r, "read of %u bytes at context+%u: not a field", size, off);
		return false;
	}
	if (ctx_pointer(r, off, size, val))
		return !r->failed;
	/* sk_reuseport_md->sk is a struct bpf_sock the verifier lets the program read; rxsim
	 * has no such view of its sockets. migrating_sk reads NULL: no socket migrates. */
	if (r->prog->type == RXS_BPF_PROG_SK_REUSEPORT && off >= RP_SK && off < RP_SK + 8) {
		rxs__ebpf_fail(r, "read of sk_reuseport_md->sk: the socket (struct bpf_sock) is "
			       "not modelled by rxsim");
		return false;
	}
	if ((r->prog->type == RXS_BPF_PROG_XDP && size != 4) ||
	    (r->prog->type == RXS_BPF_PROG_SOCKET_FILTER && sock_hidden(off)) ||
	    (r->prog->type != RXS_BPF_PROG_SK_REUSEPORT &&
	     (off == SKB_SK || off == SKB_FLOW_KEYS))) {
		rxs__ebpf_fail(r, "read of %u bytes at context+%u: not readable by this program "
			       "type", size, off);
		return false;
	}
	memcpy(&v, r->ctx + off, size);
	*val = v;
	return true;
}

static bool ctx_store(struct ebpf_run *r, uint32_t off, uint32_t size, uint64_t val)
{
	bool ok = false;

	if ((uint64_t)off + size <= r->ctx_size && !(off % size)) {
		bool cb = off >= SKB_CB && off + size <= SKB_CB_END;

		if (r->prog->type == RXS_BPF_PROG_SOCKET_FILTER)
			ok = cb;
		else if (r->prog->type == RXS_BPF_PROG_SCHED_CLS)
			ok = cb || (size == 4 && (off == SKB_MARK || off == SKB_PRIORITY ||
						  off == SKB_TC_INDEX || off == SKB_TC_CLASSID ||
						  off == SKB_QUEUE_MAPPING)) ||
			     (size == 8 && off == SKB_TSTAMP);
	}
	if (!ok) {
		rxs__ebpf_fail(r, "write of %u bytes at context+%u: not writable by this program "
			       "type", size, off);
		return false;
	}
	memcpy(r->ctx + off, &val, size);
	return true;
}

/* ---- loads and stores ------------------------------------------------------------------------- */

static bool load(struct ebpf_run *r, uint64_t addr, uint32_t size, uint64_t *val)
{
	const uint8_t *p;
	uint64_t v = 0;

	if (TAG(addr) == EBPF_TAG_CTX)
		return ctx_load(r, OFF(addr), size, val);
	p = rxs__ebpf_mem(r, addr, size, false);
	if (!p)
		return false;
	memcpy(&v, p, size);	/* little-endian hosts only, as rxsim is */
	*val = v;
	return true;
}

static bool store(struct ebpf_run *r, uint64_t addr, uint32_t size, uint64_t val)
{
	uint8_t *p;

	if (TAG(addr) == EBPF_TAG_CTX)
		return ctx_store(r, OFF(addr), size, val);
	p = rxs__ebpf_mem(r, addr, size, true);
	if (!p)
		return false;
	memcpy(p, &val, size);
	return true;
}

static const uint32_t size_bytes[4] = { 4, 2, 1, 8 };	/* by BPF_SIZE >> 3 */

static uint64_t sext(uint64_t v, uint32_t bytes)
{
	switch (bytes) {
	case 1: return (uint64_t)(int64_t)(int8_t)v;
	case 2: return (uint64_t)(int64_t)(int16_t)v;
	case 4: return (uint64_t)(int64_t)(int32_t)v;
	default: return v;
	}
}

/* BPF_STX | BPF_ATOMIC: add, or, and, xor (optionally fetching), xchg, cmpxchg. */
static bool atomic_op(struct ebpf_run *r, uint64_t *reg, const struct rxs_ebpf_insn *in)
{
	uint32_t size = EBPF_SIZE(in->code) == EBPF_DW ? 8 : 4;
	uint64_t addr = reg[in->dst_reg] + (uint64_t)(int64_t)in->off, old, src = reg[in->src_reg];
	uint64_t mask = size == 8 ? UINT64_MAX : UINT32_MAX, nv;

	if (TAG(addr) == EBPF_TAG_CTX) {
		rxs__ebpf_fail(r, "atomic operation on the context");
		return false;
	}
	if (!load(r, addr, size, &old))
		return false;
	switch (in->imm & ~EBPF_FETCH) {
	case EBPF_ADD: nv = old + src; break;
	case EBPF_OR: nv = old | src; break;
	case EBPF_AND: nv = old & src; break;
	case EBPF_XOR: nv = old ^ src; break;
	case EBPF_XCHG & ~EBPF_FETCH: nv = src; break;
	case EBPF_CMPXCHG & ~EBPF_FETCH:
		nv = (old & mask) == (reg[0] & mask) ? src : old;
		if (!store(r, addr, size, nv))
			return false;
		reg[0] = old & mask;
		return true;
	default:
		rxs__ebpf_fail(r, "unknown atomic operation 0x%x", (unsigned)in->imm);
		return false;
	}
	if (!store(r, addr, size, nv))
		return false;
	if (in->imm & EBPF_FETCH)
		reg[in->src_reg] = old & mask;
	return true;
}

/* ---- arithmetic ------------------------------------------------------------------------------- */

static uint64_t bswap(uint64_t v, int32_t bits)
{
	switch (bits) {
	case 16: return __builtin_bswap16((uint16_t)v);
	case 32: return __builtin_bswap32((uint32_t)v);
	default: return __builtin_bswap64(v);
	}
}

static uint64_t trunc_bits(uint64_t v, int32_t bits)
{
	return bits == 16 ? (uint16_t)v : bits == 32 ? (uint32_t)v : v;
}

/* One ALU or ALU64 operation of @in on @dst with operand @src; @off carries the signed forms
 * (sdiv, smod, movsx). */
static uint64_t alu64(uint8_t op, uint64_t dst, uint64_t src, int16_t off)
{
	switch (op) {
	case EBPF_ADD: return dst + src;
	case EBPF_SUB: return dst - src;
	case EBPF_MUL: return dst * src;
	case EBPF_OR: return dst | src;
	case EBPF_AND: return dst & src;
	case EBPF_XOR: return dst ^ src;
	case EBPF_LSH: return dst << (src & 63);
	case EBPF_RSH: return dst >> (src & 63);
	case EBPF_ARSH: return (uint64_t)((int64_t)dst >> (src & 63));
	case EBPF_NEG: return 0 - dst;
	case EBPF_MOV: return off ? sext(src, (uint32_t)off / 8) : src;
	case EBPF_DIV:
		if (!src)
			return 0;
		if (!off)
			return dst / src;
		if ((int64_t)src == -1)
			return 0 - dst;
		return (uint64_t)((int64_t)dst / (int64_t)src);
	case EBPF_MOD:
		if (!src)
			return dst;
		if (!off)
			return dst % src;
		if ((int64_t)src == -1)
			return 0;
		return (uint64_t)((int64_t)dst % (int64_t)src);
	}
	return dst;
}

static uint32_t alu32(uint8_t op, uint32_t dst, uint32_t src, int16_t off)
{
	switch (op) {
	case EBPF_LSH: return dst << (src & 31);
	case EBPF_RSH: return dst >> (src & 31);
	case EBPF_ARSH: return (uint32_t)((int32_t)dst >> (src & 31));
	case EBPF_MOV: return off ? (uint32_t)sext(src, (uint32_t)off / 8) : src;
	case EBPF_DIV:
		if (!src)
			return 0;
		if (!off)
			return dst / src;
		if ((int32_t)src == -1)
			return 0 - dst;
		return (uint32_t)((int32_t)dst / (int32_t)src);
	case EBPF_MOD:
		if (!src)
			return dst;
		if (!off)
			return dst % src;
		if ((int32_t)src == -1)
			return 0;
		return (uint32_t)((int32_t)dst % (int32_t)src);
	}
	return (uint32_t)alu64(op, dst, src, 0);
}

static bool jump_taken(uint8_t op, uint64_t a, uint64_t b, bool is32)
{
	int64_t sa = is32 ? (int32_t)a : (int64_t)a, sb = is32 ? (int32_t)b : (int64_t)b;

	if (is32) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	switch (op) {
	case EBPF_JEQ: return a == b;
	case EBPF_JNE: return a != b;
	case EBPF_JGT: return a > b;
	case EBPF_JGE: return a >= b;
	case EBPF_JLT: return a < b;
	case EBPF_JLE: return a <= b;
	case EBPF_JSET: return a & b;
	case EBPF_JSGT: return sa > sb;
	case EBPF_JSGE: return sa >= sb;
	case EBPF_JSLT: return sa < sb;
	case EBPF_JSLE: return sa <= sb;
	}
	return false;
}

/* ---- the interpreter loop ----------------------------------------------------------------------- */

struct frame {
	const struct ebpf_prog *prog;
	uint64_t ret_pc;
	uint64_t saved[5];	/* r6..r10 */
};

struct machine {
	uint64_t reg[EBPF_REGS];
	struct frame frames[RXS_BPF_MAX_CALL_DEPTH];
	unsigned int depth;
	bool ended;		/* LD_ABS out of the packet ended the program */
};

static void do_alu(struct machine *m, const struct rxs_ebpf_insn *in)
{
	uint64_t *dst = &m->reg[in->dst_reg];
	bool x = EBPF_SRC(in->code) == EBPF_X;
	uint8_t op = EBPF_OP(in->code);

	if (op == EBPF_END) {
		if (EBPF_CLASS(in->code) == EBPF_ALU64 || x)	/* bswap, or to big-endian */
			*dst = bswap(*dst, in->imm);
		else
			*dst = trunc_bits(*dst, in->imm);
		return;
	}
	if (EBPF_CLASS(in->code) == EBPF_ALU64)
		*dst = alu64(op, *dst, x ? m->reg[in->src_reg] : (uint64_t)(int64_t)in->imm,
			     in->off);
	else
		*dst = alu32(op, (uint32_t)*dst, x ? (uint32_t)m->reg[in->src_reg]
						   : (uint32_t)in->imm, in->off);
}

static struct ebpf_map *map_of(struct ebpf_run *r, uint64_t addr)
{
	uint32_t tag = TAG(addr);

	if (OFF(addr) || tag < EBPF_TAG_MAP || tag - EBPF_TAG_MAP >= r->obj->nmaps) {
		rxs__ebpf_fail(r, "map argument is not a map");
		return NULL;
	}
	return &r->obj->maps[tag - EBPF_TAG_MAP];
}

/* bpf_tail_call(ctx, prog_array, index): true when the program changed. Failures fall through
 * to the next instruction, as in the kernel. */
static bool tail_call(struct ebpf_run *r, struct machine *m)
{
	struct ebpf_map *map = map_of(r, m->reg[2]);
	uint32_t idx = (uint32_t)m->reg[3], slot;

	if (!map)
		return false;
	if (map->type != RXS_BPF_MAP_PROG_ARRAY)
		return rxs__ebpf_fail(r, "bpf_tail_call on map %s, not a prog array", map->name);
	if (idx >= map->max_entries || r->tail_calls >= RXS_BPF_MAX_TAIL_CALLS)
		return false;
	memcpy(&slot, map->values + (size_t)idx * map->stride, 4);
	if (!slot || slot > r->obj->nprogs)
		return false;
	r->tail_calls++;
	r->prog = &r->obj->progs[slot - 1];
	r->pc = 0;
	return true;
}

/* A call: a helper, or a bpf-to-bpf call that pushes a frame. False when pc must not advance. */
static bool do_call(struct ebpf_run *r, struct machine *m, const struct rxs_ebpf_insn *in)
{
	const struct ebpf_helper *h;
	struct frame *f;

	if (in->src_reg == EBPF_PSEUDO_CALL) {
		if (m->depth + 1 >= RXS_BPF_MAX_CALL_DEPTH)
			return rxs__ebpf_fail(r, "call depth over %d", RXS_BPF_MAX_CALL_DEPTH);
		f = &m->frames[m->depth++];
		f->prog = r->prog;
		f->ret_pc = r->pc + 1;
		memcpy(f->saved, &m->reg[6], sizeof(f->saved));
		m->reg[10] = EBPF_ADDR(EBPF_TAG_STACK, (m->depth + 1) * RXS_BPF_STACK_SIZE);
		r->pc = r->pc + (uint64_t)(int64_t)in->imm + 1;
		return false;
	}
	if (in->imm == 12)
		return !tail_call(r, m);
	h = in->src_reg ? NULL : rxs__ebpf_helper(in->imm);
	if (!h)
		return rxs__ebpf_fail(r, "call to unknown function %d", in->imm);
	m->reg[0] = h->fn(r, &m->reg[1]);
	return true;
}

/* exit: return from a subprogram, or end the run. True when the run ended. */
static bool do_exit(struct ebpf_run *r, struct machine *m)
{
	struct frame *f;

	if (!m->depth)
		return true;
	f = &m->frames[--m->depth];
	r->prog = f->prog;
	r->pc = f->ret_pc;
	memcpy(&m->reg[6], f->saved, sizeof(f->saved));
	return false;
}

/* Loads and stores of every class; ld_imm64 moves pc past its second half. */
static void do_mem(struct ebpf_run *r, struct machine *m, const struct rxs_ebpf_insn *in)
{
	uint64_t *reg = m->reg, v;
	uint32_t size = size_bytes[EBPF_SIZE(in->code) >> 3];

	switch (EBPF_CLASS(in->code) | EBPF_MODE(in->code)) {
	case EBPF_LDX | EBPF_MEM:
	case EBPF_LDX | EBPF_MEMSX:
		if (load(r, reg[in->src_reg] + (uint64_t)(int64_t)in->off, size, &v))
			reg[in->dst_reg] = EBPF_MODE(in->code) == EBPF_MEMSX ? sext(v, size) : v;
		return;
	case EBPF_ST | EBPF_MEM:
		store(r, reg[in->dst_reg] + (uint64_t)(int64_t)in->off, size,
		      (uint64_t)(int64_t)in->imm);
		return;
	case EBPF_STX | EBPF_MEM:
		store(r, reg[in->dst_reg] + (uint64_t)(int64_t)in->off, size, reg[in->src_reg]);
		return;
	case EBPF_STX | EBPF_ATOMIC:
		atomic_op(r, reg, in);
		return;
	case EBPF_LD | EBPF_IMM:
		if (r->pc + 1 >= r->prog->cnt) {
			rxs__ebpf_fail(r, "ld_imm64 without its second half");
			return;
		}
		v = (uint32_t)in->imm;
		if (in->src_reg == EBPF_PSEUDO_MAP_IDX)
			v = EBPF_ADDR(EBPF_TAG_MAP + v, 0);
		else if (in->src_reg == EBPF_PSEUDO_MAP_IDX_VALUE)
			v = EBPF_ADDR(EBPF_TAG_MAPVAL + v, in[1].imm);
		else
			v |= (uint64_t)(uint32_t)in[1].imm << 32;
		reg[in->dst_reg] = v;
		r->pc++;
		return;
	case EBPF_LD | EBPF_ABS:
	case EBPF_LD | EBPF_IND:
		v = (uint64_t)(int64_t)in->imm;
		if (EBPF_MODE(in->code) == EBPF_IND)
			v += (uint32_t)reg[in->src_reg];
		if (!rxs__ebpf_ld_abs(r, v, size, &reg[0]) && !r->failed) {
			/* Out of the packet: the kernel ends the program with 0. */
			reg[0] = 0;
			m->ended = true;
		}
		return;
	}
	rxs__ebpf_fail(r, "unknown opcode 0x%02x", in->code);
}

int rxs__ebpf_exec(struct ebpf_run *r, uint32_t *retval)
{
	struct machine m;

	memset(&m, 0, sizeof(m));
	m.reg[1] = EBPF_ADDR(EBPF_TAG_CTX, 0);
	m.reg[10] = EBPF_ADDR(EBPF_TAG_STACK, RXS_BPF_STACK_SIZE);
	for (r->pc = 0;;) {
		const struct rxs_ebpf_insn *in;
		uint8_t cls, op;

		if (r->pc >= r->prog->cnt) {
			rxs__ebpf_fail(r, "fell off the end of the program");
			return -EFAULT;
		}
		if (++r->insns > r->obj->insn_limit) {
			rxs__ebpf_fail(r, "instruction limit of %llu reached",
				       (unsigned long long)r->obj->insn_limit);
			return -E2BIG;
		}
		in = &r->prog->insns[r->pc];
		cls = EBPF_CLASS(in->code);
		op = EBPF_OP(in->code);
		if (cls == EBPF_ALU || cls == EBPF_ALU64) {
			do_alu(&m, in);
		} else if (cls == EBPF_JMP && op == EBPF_EXIT) {
			if (do_exit(r, &m))
				break;
			continue;
		} else if (cls == EBPF_JMP && op == EBPF_CALL) {
			if (!do_call(r, &m, in)) {
				if (r->failed)
					return -EFAULT;
				continue;
			}
		} else if (cls == EBPF_JMP || cls == EBPF_JMP32) {
			if (op == EBPF_JA)
				r->pc += cls == EBPF_JMP ? (uint64_t)(int64_t)in->off
							 : (uint64_t)(int64_t)in->imm;
			else if (jump_taken(op, m.reg[in->dst_reg],
					    EBPF_SRC(in->code) ? m.reg[in->src_reg]
							       : (uint64_t)(int64_t)in->imm,
					    cls == EBPF_JMP32))
				r->pc += (uint64_t)(int64_t)in->off;
		} else {
			do_mem(r, &m, in);
		}
		if (r->failed)
			return -EFAULT;
		if (m.ended)
			break;
		r->pc++;
	}
	*retval = (uint32_t)m.reg[0];
	return 0;
}
