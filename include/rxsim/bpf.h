/* rxsim/bpf.h - classic BPF (compile, check, run) and packet taps: the AF_PACKET sockets that
 * tcpdump opens, sitting on the ptype_all list.
 *
 * A program is what tcpdump hands the kernel with SO_ATTACH_FILTER: classic BPF compiled by
 * libpcap's pcap_compile, checked as bpf_check_classic checks it, and run with exactly the
 * results of libpcap's bpf_filter (pcap_offline_filter). A tap runs its program on each frame it
 * is offered, then copies what it accepts into a receive ring of fixed size (TPACKET), counting
 * tp_packets and tp_drops as getsockopt(PACKET_STATISTICS) reports them.
 */
#ifndef RXSIM_BPF_H
#define RXSIM_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rxsim/export.h"

/* Same layout as the kernel's struct sock_filter and libpcap's struct bpf_insn. */
struct rxs_bpf_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

struct rxs_bpf_prog {
	struct rxs_bpf_insn *insns;
	unsigned int len;
};

#define RXS_BPF_MAXINSNS	4096	/* BPF_MAXINSNS: the longest program the kernel takes */
#define RXS_BPF_MEMWORDS	16	/* scratch memory M[0..15] */
#define RXS_BPF_SNAPLEN		262144	/* tcpdump's default snap length, used by compile */

/* Opcodes, with the values of <linux/filter.h> and <pcap/bpf.h>, so users need neither. */
#define RXS_BPF_LD	0x00	/* classes */
#define RXS_BPF_LDX	0x01
#define RXS_BPF_ST	0x02
#define RXS_BPF_STX	0x03
#define RXS_BPF_ALU	0x04
#define RXS_BPF_JMP	0x05
#define RXS_BPF_RET	0x06
#define RXS_BPF_MISC	0x07
#define RXS_BPF_W	0x00	/* load sizes */
#define RXS_BPF_H	0x08
#define RXS_BPF_B	0x10
#define RXS_BPF_IMM	0x00	/* load modes */
#define RXS_BPF_ABS	0x20
#define RXS_BPF_IND	0x40
#define RXS_BPF_MEM	0x60
#define RXS_BPF_LEN	0x80
#define RXS_BPF_MSH	0xa0
#define RXS_BPF_ADD	0x00	/* ALU and jump operations */
#define RXS_BPF_SUB	0x10
#define RXS_BPF_MUL	0x20
#define RXS_BPF_DIV	0x30
#define RXS_BPF_OR	0x40
#define RXS_BPF_AND	0x50
#define RXS_BPF_LSH	0x60
#define RXS_BPF_RSH	0x70
#define RXS_BPF_NEG	0x80
#define RXS_BPF_MOD	0x90
#define RXS_BPF_XOR	0xa0
#define RXS_BPF_JA	0x00
#define RXS_BPF_JEQ	0x10
#define RXS_BPF_JGT	0x20
#define RXS_BPF_JGE	0x30
#define RXS_BPF_JSET	0x40
#define RXS_BPF_K	0x00	/* operand: the constant k, or X (RET: A) */
#define RXS_BPF_X	0x08
#define RXS_BPF_A	0x10
#define RXS_BPF_TAX	0x00	/* MISC */
#define RXS_BPF_TXA	0x80

#define RXS_BPF_STMT(code, k) { (uint16_t)(code), 0, 0, (uint32_t)(k) }
#define RXS_BPF_JUMP(code, k, jt, jf) \
	{ (uint16_t)(code), (uint8_t)(jt), (uint8_t)(jf), (uint32_t)(k) }

/* Check a program as the kernel's bpf_check_classic does: 1 to RXS_BPF_MAXINSNS instructions,
 * known opcodes only, jumps forward and in range, a RET last, no division by a constant 0, no
 * constant shift of 32 or more, scratch index < 16 and every M[] loaded only after a store on
 * every path. Linux extensions (loads at SKF_AD_OFF, SKF_NET_OFF, SKF_LL_OFF) are refused: we do
 * not implement them. 0 or -EINVAL. */
RXS_API int rxs_bpf_validate(const struct rxs_bpf_insn *insns, unsigned int len);

/* Run @prog over @pkt (@wirelen bytes on the wire, @buflen captured at @pkt). Returns the snap
 * length the program accepts, 0 = reject, exactly as libpcap's pcap_offline_filter: a load out
 * of the captured bytes, or a division by X == 0, ends the program with 0. Never reads outside
 * @pkt or @prog and always ends, whatever the program; one that would fail rxs_bpf_validate gets
 * 0 where it goes wrong. No allocation. */
RXS_API uint32_t rxs_bpf_run(const struct rxs_bpf_prog *prog, const uint8_t *pkt, uint32_t wirelen,
			     uint32_t buflen);

/* Compile tcpdump expression @expr ("" or NULL: accept everything) for Ethernet as tcpdump does
 * (DLT_EN10MB, snap length 262144, optimizer on, netmask unknown) and check it with
 * rxs_bpf_validate. 0 with @prog filled (free with rxs_bpf_free), -ENOMEM, or RXS_EFILTER with a
 * message quoting the expression in @err: "filter 'tcp port': syntax error". */
RXS_API int rxs_bpf_compile(struct rxs_bpf_prog *prog, const char *expr, char *err, size_t errlen);

/* Free the instructions of @prog and empty it. A zeroed or freed program is a no-op. */
RXS_API void rxs_bpf_free(struct rxs_bpf_prog *prog);

/* Packet taps. */
typedef struct rxs_tap rxs_tap_t;

/* Counters since the tap was created. Unlike getsockopt(PACKET_STATISTICS), reading does not
 * reset them. */
struct rxs_tap_stats {
	uint64_t tp_packets;	/* accepted by the filter, drops included (PACKET_STATISTICS) */
	uint64_t tp_drops;	/* accepted, but no free frame in the ring */
	uint64_t captured;	/* copied to the ring: written or delivered to the reader */
	uint64_t filtered_out;	/* rejected by the filter: neither counted nor copied */
};

/* Open a packet socket named @name with filter @filter (tcpdump syntax, "" or NULL for all),
 * @ring_frames frames (>= 1) in its receive ring, and a reader that empties the ring at every
 * multiple of @drain_ns virtual nanoseconds (0: the reader keeps up and nothing is ever dropped).
 * @write_path: a pcap file (microseconds, DLT_EN10MB, snap length 262144) that receives every
 * captured frame, or NULL. 0; or -EINVAL, -ENOMEM, RXS_EFILTER, or the -errno of opening
 * @write_path (-ENOENT, -EACCES...), with a message in @err. */
RXS_API int rxs_tap_create(rxs_tap_t **tapp, const char *name, const char *filter,
			   unsigned int ring_frames, uint64_t drain_ns, const char *write_path,
			   char *err, size_t errlen);

/* Use a copy of the user program @insns (@len instructions) instead of the current filter, as
 * SO_ATTACH_FILTER replaces one. 0, or -EINVAL (NULL tap, or rxs_bpf_validate refused it; the
 * old filter stays) or -ENOMEM. */
RXS_API int rxs_tap_attach_prog(rxs_tap_t *tap, const struct rxs_bpf_insn *insns, unsigned int len);

/* Flush the pcap output, if any, to its file. 0 or -EIO. */
RXS_API int rxs_tap_flush(rxs_tap_t *tap);

/* Flush and close the pcap output, then free @tap. NULL is a no-op. */
RXS_API void rxs_tap_destroy(rxs_tap_t *tap);

/* packet_rcv/tpacket_rcv: offer the Ethernet frame @frame of @len bytes (MAC header included, as
 * packet_rcv pushes it back) received at virtual time @t_ns. The tap never keeps or changes
 * @frame: it copies what it captures. True when the filter accepted the frame (captured, or
 * dropped for lack of a free ring frame), false when it rejected it. */
RXS_API bool rxs_tap_rcv(rxs_tap_t *tap, const uint8_t *frame, uint32_t len, uint64_t t_ns);

/* Copy @tap's counters into @st (zeros for NULL). */
RXS_API void rxs_tap_get_stats(const rxs_tap_t *tap, struct rxs_tap_stats *st);

/* The name @tap was created with; NULL for NULL. */
RXS_API const char *rxs_tap_name(const rxs_tap_t *tap);

/* Replace @tap's filter with tcpdump expression @expr (compiled as rxs_bpf_compile does).
 * 0, -EINVAL (NULL tap), -ENOMEM or RXS_EFILTER with the message in @err. */
RXS_API int rxs_tap_set_filter(rxs_tap_t *tap, const char *expr, char *err, size_t errlen);

/* The directions a tap sees, as tcpdump's --direction: received frames (in
 * __netif_receive_skb_core, before netfilter) and sent ones (in dev_queue_xmit_nit, after
 * OUTPUT and POSTROUTING). */
#define RXS_TAP_IN 1u
#define RXS_TAP_OUT 2u
#define RXS_TAP_INOUT 3u

/* Set the directions @tap sees (RXS_TAP_*; 0 means both, tcpdump's default). */
RXS_API void rxs_tap_set_direction(rxs_tap_t *tap, unsigned int direction);

/* True when @tap sees frames going @direction (RXS_TAP_IN or RXS_TAP_OUT). */
RXS_API bool rxs_tap_wants(const rxs_tap_t *tap, unsigned int direction);

/* ---- a host's taps, on its ptype_all list: the scenario's, then rxs_tap_add()'s ---- */

struct rxs_host;
struct rxs_tap_config;

/* Taps of @h. */
RXS_API unsigned int rxs_tap_count(const struct rxs_host *h);

/* Tap @index of @h, or NULL when out of range; read and change it with the calls above. Like
 * strchr(), it takes a const host; read-only users keep the handle const. */
RXS_API rxs_tap_t *rxs_tap_get(const struct rxs_host *h, unsigned int index);

/* Open a tap from @cfg (name, filter: tcpdump syntax, "" or NULL for all; write: pcap path or
 * NULL; ring_frames, 0 for 4096) and put it on @h's ptype_all after the others. The tap's
 * index (>= 0), or a negative error as rxs_tap_create()'s with the message in @err. */
RXS_API int rxs_tap_add(struct rxs_host *h, const struct rxs_tap_config *cfg, char *err,
			size_t errlen);

/* ---- eBPF: objects, programs, maps (src/bpf/ebpf_*.c, docs/ebpf.md) ----
 *
 * An object is what `clang -O2 -g -target bpf -c prog.c` writes, in libbpf's conventions:
 * programs in SEC("xdp"), SEC("tc")/SEC("classifier"), SEC("socket"), SEC("sk_reuseport");
 * BTF-defined maps in ".maps"; global data (.data, .rodata, .bss) as one-element array maps with
 * their initial contents; bpf-to-bpf calls; a "license". libbpf links and relocates it without
 * the kernel (no bpf() system call, no privilege); rxsim's checker refuses what the kernel's
 * verifier obviously refuses, and rxsim's interpreter runs it deterministically: virtual time,
 * a seeded bpf_get_prandom_u32, every memory access bounds-checked. Not yet attached to the
 * receive path: a program runs on a buffer handed in by the caller, as BPF_PROG_TEST_RUN does.
 */
typedef struct rxs_bpf_object rxs_bpf_object_t;

/* One eBPF instruction: the layout of the kernel's struct bpf_insn. */
struct rxs_ebpf_insn {
	uint8_t code;
	uint8_t dst_reg : 4;
	uint8_t src_reg : 4;
	int16_t off;
	int32_t imm;
};

/* Program types, with the values of the kernel's enum bpf_prog_type. */
enum rxs_bpf_prog_type {
	RXS_BPF_PROG_SOCKET_FILTER = 1,	/* SEC("socket") */
	RXS_BPF_PROG_SCHED_CLS = 3,	/* SEC("tc"), SEC("classifier") */
	RXS_BPF_PROG_XDP = 6,		/* SEC("xdp") */
	RXS_BPF_PROG_SK_REUSEPORT = 21,	/* SEC("sk_reuseport") */
};

/* Map types, with the values of the kernel's enum bpf_map_type. */
enum rxs_bpf_map_type {
	RXS_BPF_MAP_HASH = 1,
	RXS_BPF_MAP_ARRAY = 2,
	RXS_BPF_MAP_PROG_ARRAY = 3,
	RXS_BPF_MAP_PERF_EVENT_ARRAY = 4,
	RXS_BPF_MAP_PERCPU_HASH = 5,
	RXS_BPF_MAP_PERCPU_ARRAY = 6,
	RXS_BPF_MAP_LRU_HASH = 9,
	RXS_BPF_MAP_LRU_PERCPU_HASH = 10,
	RXS_BPF_MAP_LPM_TRIE = 11,
	RXS_BPF_MAP_DEVMAP = 14,	/* XDP redirect to a device: u32 key, value ifindex (u32) or
					 * struct bpf_devmap_val (8 bytes); ifindex 0 = empty */
	RXS_BPF_MAP_CPUMAP = 16,	/* XDP redirect to a CPU (the key): value qsize (u32) or
					 * struct bpf_cpumap_val; qsize 0 = empty */
	RXS_BPF_MAP_REUSEPORT_SOCKARRAY = 20, /* sockets for bpf_sk_select_reuseport: u32 key,
					 * value (u32 or u64) the socket's index in the
					 * scenario's sockets */
	RXS_BPF_MAP_RINGBUF = 27,
};

#define RXS_BPF_STACK_SIZE	512		/* MAX_BPF_STACK, per call frame */
#define RXS_BPF_MAX_CALL_DEPTH	8		/* MAX_CALL_FRAMES */
#define RXS_BPF_MAX_TAIL_CALLS	33		/* MAX_TAIL_CALL_CNT */
#define RXS_BPF_MAX_EINSNS	1000000		/* BPF_COMPLEXITY_LIMIT_INSNS */
#define RXS_BPF_INSN_LIMIT	1000000		/* default instructions per run */
#define RXS_BPF_XDP_HEADROOM	256		/* XDP_PACKET_HEADROOM */

/* Options of rxs_bpf_object_open*: set sz = sizeof(struct rxs_bpf_object_opts) (libbpf's
 * convention); fields past what this version knows must be 0. A NULL opts takes the defaults. */
struct rxs_bpf_object_opts {
	size_t sz;
	unsigned int ncpus;		/* simulated CPUs: per-CPU maps hold one value each; 0 = 1 */
	uint64_t prandom_seed;		/* seeds bpf_get_prandom_u32 */
	uint64_t insn_limit;		/* instructions per run, tail calls included; 0 = default */
};

/* Open the object file at @path, relocate it with libbpf (no bpf() system call) and check every
 * program. 0 with *@objp set; -ENOENT/-EACCES (file), -EINVAL (not an object, a program the
 * checker refuses, an unsupported map type or section), -ENOTSUP (CO-RE relocations: they need
 * the kernel's BTF), -ENOMEM; the reason is in @err: "prog.o: xdp_prog: insn 12: ...".
 * -ENOTSUP also when rxsim was built without libbpf. */
RXS_API int rxs_bpf_object_open(rxs_bpf_object_t **objp, const char *path,
				const struct rxs_bpf_object_opts *opts, char *err, size_t errlen);

/* As rxs_bpf_object_open, from the @len bytes of an object at @buf, named @name in messages. */
RXS_API int rxs_bpf_object_open_mem(rxs_bpf_object_t **objp, const void *buf, size_t len,
				    const char *name, const struct rxs_bpf_object_opts *opts,
				    char *err, size_t errlen);

/* A map, as rxs_bpf_object_map describes it and rxs_bpf_object_from_insns takes it. */
struct rxs_bpf_map_info {
	const char *name;		/* as libbpf names it: "counts", "prog.bss" */
	enum rxs_bpf_map_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	const void *initial;		/* global data: value_size bytes, else NULL */
};

/* An object of one program, @name of type @type, from the @cnt instructions at @insns (copied),
 * with the maps described by @maps (@nmaps of them, which ld_imm64 with src_reg
 * BPF_PSEUDO_MAP_IDX or BPF_PSEUDO_MAP_IDX_VALUE refers to by index). Checked like a loaded
 * object. 0, -EINVAL with the reason in @err, or -ENOMEM. Needs no libbpf. */
RXS_API int rxs_bpf_object_from_insns(rxs_bpf_object_t **objp, const char *name,
				      enum rxs_bpf_prog_type type,
				      const struct rxs_ebpf_insn *insns, unsigned int cnt,
				      const struct rxs_bpf_map_info *maps, unsigned int nmaps,
				      const struct rxs_bpf_object_opts *opts, char *err,
				      size_t errlen);

/* Free @obj, its maps and collected output. NULL is a no-op. */
RXS_API void rxs_bpf_object_close(rxs_bpf_object_t *obj);

/* The last run's error ("xdp_prog: insn 7: read of 4 bytes at packet+60 out of bounds (0..60)"),
 * or "" after a run that ended with exit. */
RXS_API const char *rxs_bpf_object_errmsg(const rxs_bpf_object_t *obj);

/* The object's "license" section ("" when it has none). */
RXS_API const char *rxs_bpf_object_license(const rxs_bpf_object_t *obj);

struct rxs_bpf_program_info {
	const char *name;		/* the C function */
	const char *section;		/* "xdp", "tc", ... */
	enum rxs_bpf_prog_type type;
	unsigned int insn_cnt;		/* relocated, subprograms included */
};

/* How many programs @obj has; rxs_bpf_object_program fills @info for the @idx-th (0-based):
 * 0 or -ENOENT. A program's index is also its value in a prog array map (its "fd"). */
RXS_API unsigned int rxs_bpf_object_program_count(const rxs_bpf_object_t *obj);
RXS_API int rxs_bpf_object_program(const rxs_bpf_object_t *obj, unsigned int idx,
				   struct rxs_bpf_program_info *info);
/* The index of the program named @name, or -ENOENT. */
RXS_API int rxs_bpf_object_program_index(const rxs_bpf_object_t *obj, const char *name);


/* How many maps @obj has; rxs_bpf_object_map fills @info for the @idx-th: 0 or -ENOENT. */
RXS_API unsigned int rxs_bpf_object_map_count(const rxs_bpf_object_t *obj);
RXS_API int rxs_bpf_object_map(const rxs_bpf_object_t *obj, unsigned int idx,
			       struct rxs_bpf_map_info *info);

/* The map calls of the bpf() system call, on map @map of @obj by name, with its conventions:
 * per-CPU maps take and give ncpus values, each padded to 8 bytes; a prog array's value is a
 * program index (u32). lookup: 0 or -ENOENT. update (@flags BPF_ANY 0, BPF_NOEXIST 1,
 * BPF_EXIST 2): 0, -EEXIST, -ENOENT, -E2BIG (full), -EINVAL. delete: 0, -ENOENT, -EINVAL
 * (arrays). get_next_key: the key after @key (NULL: the first) in a stable order, 0 or -ENOENT
 * at the end. Every call: -ENOENT when no map has that name. */
RXS_API int rxs_bpf_map_lookup(rxs_bpf_object_t *obj, const char *map, const void *key,
			       void *value);
RXS_API int rxs_bpf_map_update(rxs_bpf_object_t *obj, const char *map, const void *key,
			       const void *value, uint64_t flags);
RXS_API int rxs_bpf_map_delete(rxs_bpf_object_t *obj, const char *map, const void *key);
RXS_API int rxs_bpf_map_get_next_key(rxs_bpf_object_t *obj, const char *map, const void *key,
				     void *next_key);

/* Options and results of one run, in the manner of libbpf's struct bpf_test_run_opts. sz first
 * (a shorter struct from an older build works with the fields it has); bytes past what this
 * version knows must be 0.
 *
 * The program sees the packet as BPF_PROG_TEST_RUN shows it: XDP with RXS_BPF_XDP_HEADROOM
 * bytes of headroom and room to grow to 3,520 bytes (a 4 KiB frame), tc with data at the MAC
 * header, a socket filter with data after the 14-byte Ethernet header (skb->len counts from
 * there). @ctx_in/@ctx_out: a struct xdp_md or struct __sk_buff as the kernel's test run takes
 * them (NULL: zeros); the packet pointers in it are ignored. */
struct rxs_bpf_run_opts {
	size_t sz;
	const void *data_in;		/* the frame, MAC header first */
	uint32_t data_size_in;
	void *data_out;			/* the frame after the run, or NULL */
	uint32_t data_size_out;		/* in: room at data_out; out: the frame's length */
	const void *ctx_in;
	uint32_t ctx_size_in;
	void *ctx_out;
	uint32_t ctx_size_out;
	unsigned int cpu;		/* bpf_get_smp_processor_id, per-CPU map values */
	uint64_t now_ns;		/* bpf_ktime_get_ns */
	uint32_t retval;		/* out: r0 at exit */
	uint64_t insns;			/* out: instructions executed */
};

/* Run the program @prog of @obj once on @opts->data_in. 0 with retval, data_size_out (and
 * data_out when room allows) set; -ENOSPC when data_out is too small (data_size_out says how
 * much is needed); -ENOENT (no such program), -EINVAL (bad options). A program that fails at run
 * time (a memory access out of its region, the instruction limit, a division... see
 * docs/ebpf.md) gives -EFAULT or -E2BIG with rxs_bpf_object_errmsg naming program and
 * instruction. Map changes persist in @obj across runs. */
RXS_API int rxs_bpf_prog_run(rxs_bpf_object_t *obj, const char *prog,
			     struct rxs_bpf_run_opts *opts);

/* What programs wrote with bpf_trace_printk, bpf_perf_event_output and the ringbuf helpers,
 * collected in order across runs until rxs_bpf_object_clear_output. */
enum rxs_bpf_output_kind {
	RXS_BPF_OUT_TRACE = 1,		/* text, no terminating NUL */
	RXS_BPF_OUT_PERF = 2,
	RXS_BPF_OUT_RINGBUF = 3,
};
struct rxs_bpf_output {
	enum rxs_bpf_output_kind kind;
	const char *map;		/* the perf event array or ringbuf; NULL for trace */
	const char *prog;		/* the program that wrote it */
	uint32_t cpu;
	uint32_t len;
	const uint8_t *data;
};

/* The output collected so far: *@out points into @obj, valid until the next run or clear.
 * Returns how many records. */
RXS_API unsigned int rxs_bpf_object_output(const rxs_bpf_object_t *obj,
					   const struct rxs_bpf_output **out);
/* Forget the collected output; ring buffers get their room back. */
RXS_API void rxs_bpf_object_clear_output(rxs_bpf_object_t *obj);

/* ---- a host's eBPF programs on the receive path (scenario: nics[].xdp, nics[].tc_ingress) ---- */

/* Where a program is attached. */
enum rxs_bpf_attach {
	RXS_BPF_ATTACH_XDP = 1,		/* native XDP: the driver's poll, before an skb exists */
	RXS_BPF_ATTACH_XDP_GENERIC = 2,	/* generic XDP: do_xdp_generic() in netif_receive_skb */
	RXS_BPF_ATTACH_TC_INGRESS = 3,	/* sch_handle_ingress(), after the taps */
	RXS_BPF_ATTACH_SOCKET_FILTER = 4, /* SO_ATTACH_BPF: sk_filter_trim_cap() of a socket */
	RXS_BPF_ATTACH_REUSEPORT = 5,	/* SO_ATTACH_REUSEPORT_CBPF/EBPF of a socket filter program:
					 * returns the index of a group's socket */
	RXS_BPF_ATTACH_SK_REUSEPORT = 6, /* SO_ATTACH_REUSEPORT_EBPF of an SEC("sk_reuseport")
					  * program: SK_PASS (with bpf_sk_select_reuseport) or
					  * SK_DROP */
};

/* The verdicts counted per program: by return code 0..RXS_BPF_VERDICTS-2, the rest in the last.
 * XDP: XDP_ABORTED 0, XDP_DROP 1, XDP_PASS 2, XDP_TX 3, XDP_REDIRECT 4. tc: TC_ACT_UNSPEC is
 * -1 (counted as "other"), TC_ACT_OK 0, RECLASSIFY 1, SHOT 2, PIPE 3, STOLEN 4, QUEUED 5,
 * REPEAT 6, REDIRECT 7, TRAP 8. Socket filters: "drop" 0 (returned 0), "trim" 1 (fewer bytes
 * than the datagram), "pass" 2. Reuseport programs: the index returned, "index 0".."index 8",
 * the rest "other"; SEC("sk_reuseport") programs: SK_DROP 0, SK_PASS 1. */
#define RXS_BPF_VERDICTS 10

struct rxs_bpf_prog_stats {
	const char *name;		/* the program (C function) */
	const char *object;		/* its file */
	enum rxs_bpf_attach attach;
	const char *where;		/* the device, or the socket */
	uint64_t runs;
	uint64_t insns;			/* instructions executed, all runs */
	uint64_t errors;		/* runs stopped by an error (counted as the exception path) */
	uint64_t exceptions;		/* xdp:xdp_exception tracepoint hits */
	uint64_t verdicts[RXS_BPF_VERDICTS];
};

/* The attach point's name: "xdp", "xdpgeneric", "tc ingress", "socket filter". */
RXS_API const char *rxs_bpf_attach_name(enum rxs_bpf_attach attach);
/* The name of verdict @v at @attach ("XDP_DROP", "TC_ACT_SHOT"), or NULL (other). */
RXS_API const char *rxs_bpf_verdict_name(enum rxs_bpf_attach attach, unsigned int v);

/* Programs attached to @h, in scenario order; rxs_bpf_prog_get_stats fills @st for the @i-th:
 * 0 or -ENOENT. */
RXS_API unsigned int rxs_bpf_prog_count(const struct rxs_host *h);
RXS_API int rxs_bpf_prog_get_stats(const struct rxs_host *h, unsigned int i,
				   struct rxs_bpf_prog_stats *st);

/* The objects @h opened (one per file), for rxs_bpf_map_* on a running host: between steps of
 * the virtual engine, or before a threaded run. NULL past the last. */
RXS_API unsigned int rxs_bpf_host_object_count(const struct rxs_host *h);
RXS_API rxs_bpf_object_t *rxs_bpf_host_object(const struct rxs_host *h, unsigned int i);
/* The object of @h whose file is @path or ends with "/@path" ("xdp_ddos.o"), or NULL. */
RXS_API rxs_bpf_object_t *rxs_bpf_host_object_find(const struct rxs_host *h, const char *path);

#endif /* RXSIM_BPF_H */
