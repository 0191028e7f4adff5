/* fuzz_ebpf.c - the eBPF checker and interpreter on random instruction streams.
 *
 * The input: one byte choosing the program type, one byte the packet length (14..269 bytes of
 * a fixed frame), then instructions, 8 bytes each. The checker (rxs_bpf_object_from_insns)
 * must accept or refuse without crashing; what it accepts runs with a 20,000-instruction limit
 * against a small set of maps (a one-element array for global data, a hash, a per-CPU array,
 * a prog array whose slot 0 is the program itself, a ringbuf, a perf event array, an LPM trie,
 * a reuseport sockarray with slot 0 filled) and must end
 * without an access outside rxsim's own memory (ASan checks). It runs twice, on two objects
 * opened the same way: the interpreter is deterministic, so the two runs must agree on the
 * result, the verdict, the frame and the instructions executed; a difference aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rxsim/bpf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const enum rxs_bpf_prog_type types[] = {
	RXS_BPF_PROG_XDP, RXS_BPF_PROG_SCHED_CLS, RXS_BPF_PROG_SOCKET_FILTER,
	RXS_BPF_PROG_SK_REUSEPORT,
};

static const struct rxs_bpf_map_info maps[] = {
	{ .name = "fuzz.data", .type = RXS_BPF_MAP_ARRAY, .key_size = 4, .value_size = 64,
	  .max_entries = 1 },
	{ .name = "hash", .type = RXS_BPF_MAP_HASH, .key_size = 4, .value_size = 8,
	  .max_entries = 16 },
	{ .name = "percpu", .type = RXS_BPF_MAP_PERCPU_ARRAY, .key_size = 4, .value_size = 12,
	  .max_entries = 4 },
	{ .name = "progs", .type = RXS_BPF_MAP_PROG_ARRAY, .key_size = 4, .value_size = 4,
	  .max_entries = 2 },
	{ .name = "rb", .type = RXS_BPF_MAP_RINGBUF, .max_entries = 4096 },
	{ .name = "events", .type = RXS_BPF_MAP_PERF_EVENT_ARRAY, .key_size = 4, .value_size = 4,
	  .max_entries = 2 },
	{ .name = "lpm", .type = RXS_BPF_MAP_LPM_TRIE, .key_size = 8, .value_size = 4,
	  .max_entries = 8, .map_flags = 1 },
	{ .name = "socks", .type = RXS_BPF_MAP_REUSEPORT_SOCKARRAY, .key_size = 4,
	  .value_size = 8, .max_entries = 4 },
};

struct outcome {
	int rc;
	uint32_t retval, len;
	uint64_t insns;
	uint8_t frame[4096];
};

static int run_once(enum rxs_bpf_prog_type type, const struct rxs_ebpf_insn *insns,
		    unsigned int n, const uint8_t *pkt, uint32_t len, struct outcome *out)
{
	struct rxs_bpf_object_opts opts = { .sz = sizeof(opts), .ncpus = 2, .prandom_seed = 7,
					    .insn_limit = 20000 };
	struct rxs_bpf_run_opts o = { .sz = sizeof(o), .data_in = pkt, .data_size_in = len,
				      .data_out = out->frame, .data_size_out = sizeof(out->frame),
				      .cpu = 1, .now_ns = 5 };
	rxs_bpf_object_t *obj;
	uint32_t zero = 0;
	char err[256];

	if (rxs_bpf_object_from_insns(&obj, "fuzz", type, insns, n, maps,
				      sizeof(maps) / sizeof(maps[0]), &opts, err, sizeof(err)))
		return -1;
	rxs_bpf_map_update(obj, "progs", &zero, &zero, 0);
	rxs_bpf_map_update(obj, "socks", &zero, &(uint64_t){ 1 }, 0);
	memset(out->frame, 0, sizeof(out->frame));
	out->rc = rxs_bpf_prog_run(obj, NULL, &o);
	out->retval = o.retval;
	out->len = o.data_size_out;
	out->insns = o.insns;
	rxs_bpf_object_close(obj);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct outcome a, b;
	struct rxs_ebpf_insn *insns;
	uint8_t pkt[270];
	unsigned int n;
	uint32_t len;

	if (size < 2 + 8)
		return 0;
	n = (unsigned int)((size - 2) / 8);
	if (n > 4096)
		return 0;
	for (size_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 7);
	pkt[12] = 0x08;	/* IPv4, with a full header, so that skb runs start */
	pkt[13] = 0x00;
	pkt[14] = 0x45;
	len = 34u + data[1] % 236u;
	insns = malloc(n * sizeof(*insns));
	if (!insns)
		return 0;
	memcpy(insns, data + 2, n * sizeof(*insns));
	if (run_once(types[data[0] % 4], insns, n, pkt, len, &a) == 0) {
		if (run_once(types[data[0] % 4], insns, n, pkt, len, &b) != 0 || a.rc != b.rc ||
		    a.retval != b.retval || a.len != b.len || a.insns != b.insns ||
		    memcmp(a.frame, b.frame, a.len < sizeof(a.frame) ? a.len : sizeof(a.frame))) {
			fprintf(stderr, "fuzz_ebpf: two runs differ: rc %d/%d retval %u/%u len %u/%u "
				"insns %llu/%llu\n", a.rc, b.rc, a.retval, b.retval, a.len, b.len,
				(unsigned long long)a.insns, (unsigned long long)b.insns);
			abort();
		}
	}
	free(insns);
	return 0;
}
