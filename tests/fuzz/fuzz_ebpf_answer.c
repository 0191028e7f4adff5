/* fuzz_ebpf_answer.c - the parent's side of opening an eBPF object, without fork or libbpf.
 *
 * rxs_bpf_object_open_mem has libbpf work on the object in a child, which answers over a pipe
 * (ebpf_load.c, "The answer"); the parent reads that answer, checks it and builds the object.
 * This target is that reading: the input is an answer (its length field set to the input's,
 * so that mutations reach past the header). It must build an object or refuse with a message,
 * never crash; what builds is checked and run, as fuzz_ebpf_elf runs what opens. Seeds: the
 * answers of the child for fuzz_ebpf_elf's corpus, written before the run (scripts/fuzz.sh:
 * RXS_EBPF_ANSWER_SEEDS=DIR_OF_OBJECTS RXS_EBPF_ANSWER_OUT=CORPUS, -runs=0).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/ebpf_int.h"
#include "internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each object in $RXS_EBPF_ANSWER_SEEDS (the first 500 by name) through the child: its answer
 * into $RXS_EBPF_ANSWER_OUT, named by its FNV-1a hash. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *from = getenv("RXS_EBPF_ANSWER_SEEDS"), *to = getenv("RXS_EBPF_ANSWER_OUT");
	struct dirent **names;
	int n, written = 0;

	(void)argc;
	(void)argv;
	if (!from || !to || (n = scandir(from, &names, NULL, alphasort)) < 0)
		return 0;
	for (int i = 0; i < n; i++) {
		char path[4096], err[512];
		static uint8_t buf[1 << 20];
		uint8_t *ans;
		size_t len, anslen;
		uint64_t h = 0xcbf29ce484222325ull;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", from, names[i]->d_name);
		f = i < 500 && names[i]->d_name[0] != '.' ? fopen(path, "rb") : NULL;
		free(names[i]);
		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (rxs__ebpf_answer(buf, len, "fuzz.o", &ans, &anslen, err, sizeof(err)))
			continue;
		for (size_t k = 0; k < anslen; k++)
			h = (h ^ ans[k]) * 0x100000001b3ull;
		snprintf(path, sizeof(path), "%s/answer-%016llx", to, (unsigned long long)h);
		f = fopen(path, "wb");
		if (f) {
			written += fwrite(ans, 1, anslen, f) == anslen;
			fclose(f);
		}
		rxs__free(ans);
	}
	free(names);
	fprintf(stderr, "fuzz_ebpf_answer: %d answers of the objects in %s written to %s\n",
		written, from, to);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rxs_bpf_object_opts opts = { .sz = sizeof(opts), .ncpus = 2, .insn_limit = 20000 };
	static uint8_t out[4096];
	uint8_t pkt[128] = { [12] = 0x08, [14] = 0x45, [23] = 17 };
	struct rxs_bpf_object *obj;
	uint8_t *ans;
	char err[512] = "";
	int rc;

	if (size > (1u << 20))
		return 0;
	ans = malloc(size ? size : 1);
	if (!ans)
		return 0;
	memcpy(ans, data, size);
	if (size >= 16) {
		uint64_t total = size;

		memcpy(ans + 8, &total, 8);
	}
	if (rxs__ebpf_object_new(&obj, "fuzz.o", &opts, err, sizeof(err)))
		__builtin_trap();
	rc = rxs__ebpf_object_from_answer(obj, ans, size, err, sizeof(err));
	if (!rc)
		rc = rxs__ebpf_object_check(obj, err, sizeof(err));
	if (rc && !err[0]) {
		fprintf(stderr, "fuzz_ebpf_answer: refused (%d) without a message\n", rc);
		__builtin_trap();
	}
	for (unsigned int i = 0; !rc && i < rxs_bpf_object_program_count(obj); i++) {
		struct rxs_bpf_program_info pi;
		struct rxs_bpf_run_opts o = { .sz = sizeof(o), .data_in = pkt,
					      .data_size_in = sizeof(pkt), .data_out = out,
					      .data_size_out = sizeof(out) };

		rxs_bpf_object_program(obj, i, &pi);
		rxs_bpf_prog_run(obj, pi.name, &o);
	}
	rxs_bpf_object_close(obj);
	free(ans);
	return 0;
}
