/* fuzz_bpf.c - tcpdump expressions and classic BPF programs, against libpcap.
 *
 * The input is a tcpdump expression, a NUL byte, and a packet (no NUL: all expression, empty
 * packet). The expression is compiled by rxs_bpf_compile(); libpcap compiles it too, and both
 * must agree on whether it is valid. When it is, rxs_bpf_run() must give what libpcap's
 * pcap_offline_filter() gives, on the whole packet and on the packet snapped to half its
 * length. Then the input's raw bytes, 8 to an instruction, are a cBPF program: whatever it
 * holds, rxs_bpf_run() must end without reading outside the program or the packet (ASan
 * checks); when rxs_bpf_validate() accepts it, its result must be libpcap's bpf_filter()'s.
 * Every checked program also runs decoded (bpf/cbpf.h, what taps and socket filters run), which
 * must give rxs_bpf_run()'s answer.
 * Any disagreement aborts with both answers.
 */
#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "bpf/cbpf.h"

#define MAX_EXPR 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pcap_t *dead;

_Static_assert(sizeof(struct rxs_bpf_insn) == sizeof(struct bpf_insn), "same layout");

static void disagree(const char *what, const char *expr, uint32_t ours, uint32_t theirs,
		     uint32_t len)
{
	fprintf(stderr, "fuzz_bpf: %s '%s' on %u bytes: rxs_bpf_run %u, libpcap %u\n", what,
		expr, len, ours, theirs);
	abort();
}

/* The decoded run of checked @prog against rxs_bpf_run's @want. */
static void compare_decoded(const char *expr, const struct rxs_bpf_prog *prog,
			    const uint8_t *pkt, uint32_t wirelen, uint32_t buflen)
{
	struct rxs__cbpf c = { 0 };
	uint32_t want = rxs_bpf_run(prog, pkt, wirelen, buflen), got;

	if (rxs__cbpf_prepare(&c, prog->insns, prog->len) != 0) {
		fprintf(stderr, "fuzz_bpf: '%s': a checked program does not decode\n", expr);
		abort();
	}
	got = rxs__cbpf_run(&c, pkt, wirelen, buflen);
	rxs__cbpf_free(&c);
	if (got != want) {
		fprintf(stderr, "fuzz_bpf: '%s' on %u bytes: decoded %u, rxs_bpf_run %u\n", expr,
			buflen, got, want);
		abort();
	}
}

/* rxs_bpf_run against pcap_offline_filter on @pkt whole and snapped. */
static void compare_runs(const char *expr, const struct rxs_bpf_prog *prog,
			 const struct bpf_program *fp, const uint8_t *pkt, uint32_t len)
{
	struct pcap_pkthdr hdr = { .caplen = len, .len = len };
	uint32_t ours = rxs_bpf_run(prog, pkt, len, len);
	uint32_t theirs = (uint32_t)pcap_offline_filter(fp, &hdr, pkt);

	if (ours != theirs)
		disagree("filter", expr, ours, theirs, len);
	hdr.caplen = len / 2;
	ours = rxs_bpf_run(prog, pkt, len, len / 2);
	theirs = (uint32_t)pcap_offline_filter(fp, &hdr, pkt);
	if (ours != theirs)
		disagree("filter (snapped)", expr, ours, theirs, len / 2);
	compare_decoded(expr, prog, pkt, len, len);
	compare_decoded(expr, prog, pkt, len, len / 2);
}

static void fuzz_expression(const char *expr, const uint8_t *pkt, uint32_t len)
{
	struct rxs_bpf_prog prog = { 0 };
	struct bpf_program fp;
	char err[512] = "";
	int ours = rxs_bpf_compile(&prog, expr, err, sizeof(err));
	int theirs = pcap_compile(dead, &fp, expr, 1, PCAP_NETMASK_UNKNOWN);

	if ((ours == 0) != (theirs == 0)) {
		fprintf(stderr, "fuzz_bpf: '%s': rxs_bpf_compile %d (%s), pcap_compile %d (%s)\n",
			expr, ours, err, theirs, pcap_geterr(dead));
		abort();
	}
	if (ours == RXS_EFILTER && strncmp(err, "filter '", 8) != 0) {
		fprintf(stderr, "fuzz_bpf: message does not quote the filter: '%s'\n", err);
		abort();
	}
	if (ours == 0 && theirs == 0)
		compare_runs(expr, &prog, &fp, pkt, len);
	if (theirs == 0)
		pcap_freecode(&fp);
	rxs_bpf_free(&prog);
}

/* The input's bytes as instructions: run them unchecked, then compare checked ones. */
static void fuzz_program(const uint8_t *data, size_t size, const uint8_t *pkt, uint32_t len)
{
	unsigned int n = (unsigned int)(size / sizeof(struct rxs_bpf_insn));
	struct rxs_bpf_prog prog;

	if (n > RXS_BPF_MAXINSNS + 1)
		n = RXS_BPF_MAXINSNS + 1;
	/* An exact-size copy, so ASan sees any read past the last instruction. */
	prog.insns = malloc(n ? n * sizeof(*prog.insns) : 1);
	prog.len = n;
	if (!prog.insns)
		return;
	memcpy(prog.insns, data, n * sizeof(*prog.insns));
	(void)rxs_bpf_run(&prog, pkt, len, len);
	(void)rxs_bpf_run(&prog, pkt, len + 100, len / 2);
	if (rxs_bpf_validate(prog.insns, n) == 0) {
		const struct bpf_insn *bi = (const struct bpf_insn *)prog.insns;
		uint32_t ours = rxs_bpf_run(&prog, pkt, len, len);
		uint32_t theirs = bpf_filter(bi, pkt, len, len);

		if (ours != theirs)
			disagree("validated program", "(raw)", ours, theirs, len);
		compare_decoded("(raw)", &prog, pkt, len, len);
		compare_decoded("(raw)", &prog, pkt, len + 100, len / 2);
	}
	free(prog.insns);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t elen = nul ? (size_t)(nul - data) : size;
	const uint8_t *pkt = nul ? nul + 1 : data + size;
	uint32_t len = (uint32_t)(size - (size_t)(pkt - data));
	uint8_t *copy = malloc(len ? len : 1);
	char expr[MAX_EXPR];

	if (!copy)
		return 0;
	if (!dead)
		dead = pcap_open_dead(DLT_EN10MB, RXS_BPF_SNAPLEN);
	/* The packet in a buffer of its own size: ASan catches a read past its end. */
	memcpy(copy, pkt, len);
	if (elen < sizeof(expr)) {
		memcpy(expr, data, elen);
		expr[elen] = '\0';
		fuzz_expression(expr, copy, len);
	}
	fuzz_program(data, size, copy, len);
	free(copy);
	return 0;
}
