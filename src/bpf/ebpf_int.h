/* ebpf_int.h - what the eBPF files of the bpf module share (loader, checker, interpreter,
 * helpers, maps); never included from another module.
 *
 * Addresses. The interpreter never hands a program a host pointer: every pointer it makes is a
 * region tag in the high 32 bits and an offset in the low 32 (see ebpf_run.c). A program may
 * compute anything with them; a load or store decodes the tag, and the access happens only if
 * [offset, offset + size) lies inside that region. An integer that was never a pointer has tag 0
 * (NULL and small numbers), which names no region.
 */
#ifndef RXSIM_BPF_EBPF_INT_H
#define RXSIM_BPF_EBPF_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "rxsim/bpf.h"

/* Instruction fields, with the values of <linux/bpf.h> and <linux/bpf_common.h>. */
#define EBPF_CLASS(code)	((code) & 0x07)
#define EBPF_OP(code)		((code) & 0xf0)
#define EBPF_SRC(code)		((code) & 0x08)
#define EBPF_SIZE(code)		((code) & 0x18)
#define EBPF_MODE(code)		((code) & 0xe0)

enum {
	EBPF_LD = 0x00, EBPF_LDX = 0x01, EBPF_ST = 0x02, EBPF_STX = 0x03,
	EBPF_ALU = 0x04, EBPF_JMP = 0x05, EBPF_JMP32 = 0x06, EBPF_ALU64 = 0x07,
	EBPF_K = 0x00, EBPF_X = 0x08,
	EBPF_W = 0x00, EBPF_H = 0x08, EBPF_B = 0x10, EBPF_DW = 0x18,
	EBPF_IMM = 0x00, EBPF_ABS = 0x20, EBPF_IND = 0x40, EBPF_MEM = 0x60, EBPF_MEMSX = 0x80,
	EBPF_ATOMIC = 0xc0,
	EBPF_ADD = 0x00, EBPF_SUB = 0x10, EBPF_MUL = 0x20, EBPF_DIV = 0x30, EBPF_OR = 0x40,
	EBPF_AND = 0x50, EBPF_LSH = 0x60, EBPF_RSH = 0x70, EBPF_NEG = 0x80, EBPF_MOD = 0x90,
	EBPF_XOR = 0xa0, EBPF_MOV = 0xb0, EBPF_ARSH = 0xc0, EBPF_END = 0xd0,
	EBPF_JA = 0x00, EBPF_JEQ = 0x10, EBPF_JGT = 0x20, EBPF_JGE = 0x30, EBPF_JSET = 0x40,
	EBPF_JNE = 0x50, EBPF_JSGT = 0x60, EBPF_JSGE = 0x70, EBPF_CALL = 0x80, EBPF_EXIT = 0x90,
	EBPF_JLT = 0xa0, EBPF_JLE = 0xb0, EBPF_JSLT = 0xc0, EBPF_JSLE = 0xd0,
	EBPF_FETCH = 0x01, EBPF_XCHG = 0xe0 | EBPF_FETCH, EBPF_CMPXCHG = 0xf0 | EBPF_FETCH,
};

/* src_reg of ld_imm64 and call (BPF_PSEUDO_*). */
#define EBPF_PSEUDO_MAP_FD	1
#define EBPF_PSEUDO_MAP_VALUE	2
#define EBPF_PSEUDO_BTF_ID	3
#define EBPF_PSEUDO_FUNC	4
#define EBPF_PSEUDO_MAP_IDX	5
#define EBPF_PSEUDO_MAP_IDX_VALUE 6
#define EBPF_PSEUDO_CALL	1
#define EBPF_PSEUDO_KFUNC_CALL	2

#define EBPF_REGS		11
#define EBPF_F_RDONLY_PROG	(1u << 7)
#define EBPF_F_NO_PREALLOC	(1u << 0)

/* Region tags: the high 32 bits of an address (see the top of this file). */
#define EBPF_TAG_STACK		1u
#define EBPF_TAG_CTX		2u
#define EBPF_TAG_PKT		3u
#define EBPF_TAG_RB		0x100u		/* + reservation slot: a ringbuf record */
#define EBPF_RB_SLOTS		64u
#define EBPF_TAG_MAPVAL		0x10000u	/* + map index: the map's values */
#define EBPF_TAG_MAP		0x20000u	/* + map index: the map itself (ld_imm64) */
#define EBPF_ADDR(tag, off)	((uint64_t)(tag) << 32 | (uint32_t)(off))

/* A map. Every element lives in a slot of preallocated storage, as the kernel preallocates
 * hash elements: a value pointer stays valid (and inside its region) whatever happens. */
struct ebpf_map {
	char *name;
	enum rxs_bpf_map_type type;
	uint32_t key_size, value_size, max_entries, flags;
	uint32_t stride;		/* value_size rounded up to 8 */
	unsigned int ncpus;		/* values per slot: the CPU count for per-CPU maps, else 1 */
	uint8_t *values;		/* max_entries * ncpus * stride (ringbuf: none) */
	uint8_t *initial;		/* global data: the section's bytes, else NULL */
	/* Hash-like maps (hash, LRU, LPM): keys per slot, chained buckets, and the used slots
	 * in a list: insertion order, or recency for LRU (head = most recent). */
	uint8_t *keys;
	uint32_t *bucket, nbuckets;
	uint32_t *hnext, *prev, *next;
	uint32_t head, tail, free, count;
	uint64_t rb_used;		/* ringbuf: bytes held by records not yet cleared */
};

struct ebpf_prog {
	char *name;
	char *section;
	enum rxs_bpf_prog_type type;
	struct rxs_ebpf_insn *insns;
	unsigned int cnt;
};

struct rxs_bpf_object {
	char *name;
	char *license;
	struct ebpf_prog *progs;
	unsigned int nprogs;
	struct ebpf_map *maps;
	unsigned int nmaps;
	unsigned int ncpus;
	uint64_t insn_limit;
	uint64_t prng;
	char errmsg[256];
	struct rxs_bpf_output *out;
	unsigned int nout, capout;
};

/* One run's state: the program's memory and what the helpers need. */
struct ebpf_run {
	struct rxs_bpf_object *obj;
	const struct ebpf_prog *prog;	/* the running program: tail calls change it */
	uint64_t pc;
	uint8_t stack[RXS_BPF_STACK_SIZE * RXS_BPF_MAX_CALL_DEPTH];
	uint8_t ctx[192];		/* the context as the program reads it */
	uint32_t ctx_size;
	uint8_t *pkt;			/* the frame: headroom, data, tailroom */
	uint32_t pkt_size;
	uint32_t pkt_cap;		/* bytes allocated at pkt */
	uint32_t data, data_end, data_meta;	/* offsets in pkt */
	uint32_t pkt_min;		/* lowest data_meta/data may go (after struct xdp_frame) */
	uint32_t pkt_max;		/* highest data_end may go (before skb_shared_info) */
	struct { uint32_t map, size; uint8_t *rec; } rb[EBPF_RB_SLOTS];
	bool rb_any;			/* a record was reserved in this run */
	unsigned int cpu;
	uint64_t now_ns;
	uint64_t insns;
	unsigned int tail_calls;
	bool failed;
	/* What bpf_redirect and bpf_redirect_map chose (enum rxs__bpf_redir, bpf/bpf.h), for the
	 * path: the kernel keeps it in the CPU's bpf_redirect_info. */
	uint32_t redir_kind, redir_target;
	const struct rxs__bpf_fib *fib;	/* bpf_fib_lookup's routes (the path's run), or NULL */
	struct rxs__reuseport_ctx *rp;	/* bpf_sk_select_reuseport's group (the path's run) */
};

/* ebpf_run.c */
/* The host address of @size bytes at @addr for the program, or NULL with the run failed and
 * the reason in the object's errmsg. */
uint8_t *rxs__ebpf_mem(struct ebpf_run *r, uint64_t addr, uint32_t size, bool write);
/* Fail the run with a message naming program and instruction. Returns 0, for helpers. */
uint64_t rxs__ebpf_fail(struct ebpf_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int rxs__ebpf_exec(struct ebpf_run *r, uint32_t *retval);

/* ebpf_obj.c: one run on the path's frame (ebpf_path.c), with the device and queue in the
 * context and the redirect read back. Same returns as rxs_bpf_prog_run. */
struct rxs__bpf_pkt;
struct rxs__bpf_fib;
int rxs__ebpf_path_run(struct rxs_bpf_object *obj, int idx, struct rxs_bpf_run_opts *o,
		       struct rxs__bpf_pkt *p, struct ebpf_run **cache);
void rxs__ebpf_run_free(struct ebpf_run *r);

/* ebpf_obj.c: building an object (the loaders use these). */
/* libbpf's OPTS_VALID: sz covers at least itself, and bytes past @known are zero. */
bool rxs__ebpf_opts_valid(const void *opts, size_t known);
int rxs__ebpf_object_new(struct rxs_bpf_object **objp, const char *name,
			 const struct rxs_bpf_object_opts *opts, char *err, size_t errlen);
int rxs__ebpf_object_add_map(struct rxs_bpf_object *obj, const struct rxs_bpf_map_info *info,
			     char *err, size_t errlen);
int rxs__ebpf_object_add_prog(struct rxs_bpf_object *obj, const char *name, const char *section,
			      enum rxs_bpf_prog_type type, const struct rxs_ebpf_insn *insns,
			      unsigned int cnt);
/* Run the checker over every program: 0 or -EINVAL with "object: prog: insn N: why". */
int rxs__ebpf_object_check(struct rxs_bpf_object *obj, char *err, size_t errlen);

/* ebpf_load.c */
/* Build @obj (new, empty) from the answer of the child that opened an object with libbpf
 * (ebpf_load.c, "The answer"): every length, count and index checked. 0, the error the child
 * reported, an error of the maps or programs it describes, or -EINVAL for a malformed answer;
 * each with a message in @err. Needs no libbpf. */
int rxs__ebpf_object_from_answer(struct rxs_bpf_object *obj, const void *answer, size_t len,
				 char *err, size_t errlen);
/* The raw answer of the child for the object at @buf (tests, fuzz seeds): 0 with *@ansp to
 * rxs__free, or the error of a child that crashed, hung or answered nothing whole. */
int rxs__ebpf_answer(const void *buf, size_t len, const char *name, uint8_t **ansp,
		     size_t *lenp, char *err, size_t errlen);
/* Tests: the child's time limit (10,000 ms), a fault injected in it (1: it hangs; 2: it sends
 * half its answer). */
extern unsigned int rxs__ebpf_open_timeout_ms;
extern int rxs__ebpf_open_child_fault;

/* ebpf_check.c */
/* Check @p of @obj as the kernel's verifier would obviously refuse it. 0, or -EINVAL with the
 * reason in @err. */
int rxs__ebpf_check(const struct rxs_bpf_object *obj, const struct ebpf_prog *p, char *err,
		    size_t errlen);

/* ebpf_helpers.c */
struct ebpf_helper {
	const char *name;
	uint8_t nargs;
	uint8_t types;			/* EBPF_T_* that may call it */
	uint64_t (*fn)(struct ebpf_run *r, const uint64_t *arg);
};
#define EBPF_T_XDP	1u
#define EBPF_T_TC	2u
#define EBPF_T_SOCK	4u
#define EBPF_T_REUSE	8u
#define EBPF_T_ALL	15u
unsigned int rxs__ebpf_type_bit(enum rxs_bpf_prog_type type);
/* The helper numbered @id, or NULL when rxsim does not implement it. */
const struct ebpf_helper *rxs__ebpf_helper(int32_t id);
/* The kernel's name of helper @id ("bpf_redirect_map"), or NULL past the known ones. */
const char *rxs__ebpf_helper_name(int32_t id);
/* The kernel's LD_ABS/LD_IND: r0 = @size bytes at @off of skb data, big-endian. False when out
 * of the packet (the program then ends with 0). */
bool rxs__ebpf_ld_abs(struct ebpf_run *r, uint64_t off, uint32_t size, uint64_t *val);
int rxs__ebpf_output_add(struct rxs_bpf_object *obj, enum rxs_bpf_output_kind kind,
			 const char *map, const char *prog, uint32_t cpu, const void *a,
			 uint32_t alen, const void *b, uint32_t blen);

/* ebpf_map.c */
int rxs__ebpf_map_init(struct ebpf_map *m, const struct rxs_bpf_map_info *info,
		       unsigned int ncpus, char *err, size_t errlen);
void rxs__ebpf_map_fini(struct ebpf_map *m);
/* The program's bpf_map_lookup_elem: the slot's value for @cpu, or NULL. Per-CPU maps: @cpu's
 * value; LRU: marks the element used. Sets *@off to the value's offset in m->values. */
bool rxs__ebpf_map_lookup(struct ebpf_map *m, const void *key, unsigned int cpu, uint32_t *off);
/* Update from a program (@all false: this @cpu's value of a per-CPU map, the others zeroed on
 * insert) or from the library (@all: ncpus values, each padded to stride). */
int rxs__ebpf_map_update(struct ebpf_map *m, const void *key, const void *value,
			 uint64_t flags, unsigned int cpu, bool all);
int rxs__ebpf_map_delete(struct ebpf_map *m, const void *key);
int rxs__ebpf_map_next_key(struct ebpf_map *m, const void *key, void *next);
/* The library's lookup: the value(s) of @key into @value, without touching LRU order. 0 or
 * -ENOENT. */
int rxs__ebpf_map_read(struct ebpf_map *m, const void *key, void *value);

#endif /* RXSIM_BPF_EBPF_INT_H */
