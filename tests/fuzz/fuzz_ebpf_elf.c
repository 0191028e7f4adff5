/* fuzz_ebpf_elf.c - the eBPF object loader on mutated ELF files.
 *
 * The input is an object file (the corpus starts from tests/data/ebpf/, built by clang in
 * seeds.py). rxs_bpf_object_open_mem must open it or refuse it with a message, never crash or
 * hang: in a forked child, libbpf parses and relocates it and our own code reads its license,
 * .BTF.ext's CO-RE records and .rel.maps' prog array slots; the parent reads the child's
 * answer, and the checker runs. A child that crashes is a refusal like another (libbpf 1.1 is
 * not safe on crafted objects); its coverage does not reach this process, so what is guided
 * here is the parent's side, which fuzz_ebpf_answer fuzzes faster. What opens, runs: every
 * program once on a UDP frame, with a 20,000-instruction limit (ASan checks every access).
 * The child's time limit is 5 s here, under libFuzzer's -timeout of 10 s in scripts/fuzz.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bpf/ebpf_int.h"
#include "rxsim/bpf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	rxs__ebpf_open_timeout_ms = 5000;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rxs_bpf_object_opts opts = { .sz = sizeof(opts), .ncpus = 2, .insn_limit = 20000 };
	static uint8_t out[4096];
	uint8_t pkt[128] = { [12] = 0x08, [14] = 0x45, [23] = 17 };
	rxs_bpf_object_t *obj;
	char err[512];

	if (size > (1u << 20))
		return 0;
	if (rxs_bpf_object_open_mem(&obj, data, size, "fuzz.o", &opts, err, sizeof(err))) {
		if (!err[0]) {
			fprintf(stderr, "fuzz_ebpf_elf: refused without a message\n");
			__builtin_trap();
		}
		return 0;
	}
	for (unsigned int i = 0; i < rxs_bpf_object_program_count(obj); i++) {
		struct rxs_bpf_program_info pi;
		struct rxs_bpf_run_opts o = { .sz = sizeof(o), .data_in = pkt,
					      .data_size_in = sizeof(pkt), .data_out = out,
					      .data_size_out = sizeof(out) };

		rxs_bpf_object_program(obj, i, &pi);
		rxs_bpf_prog_run(obj, pi.name, &o);
	}
	rxs_bpf_object_close(obj);
	return 0;
}
