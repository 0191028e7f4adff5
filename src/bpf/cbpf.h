/* cbpf.h - a checked classic BPF program decoded once for the hot path (taps, socket filters).
 *
 * rxs_bpf_run() takes a plain struct that no one may have checked, so it re-tests on every run
 * what the checker would have proved. A program that passed rxs_bpf_validate() is decoded here
 * once, when it is attached, into a compact form whose run relies on that proof: no bound on the
 * program counter, no test of scratch indexes, shift counts or constant divisors, a dense
 * handler index per instruction (computed goto with GCC and clang). Its result is rxs_bpf_run()'s
 * for every program the checker accepts and every packet (tests/test_bpf.c compares the two).
 */
#ifndef RXSIM_BPF_CBPF_H
#define RXSIM_BPF_CBPF_H

#include <stdbool.h>
#include <stdint.h>

#include "rxsim/bpf.h"

struct rxs__cbpf_op {
	uint8_t op;			/* the handler: enum cbpf_op in bpf.c */
	uint8_t jt, jf;
	uint32_t k;
};

struct rxs__cbpf {
	struct rxs__cbpf_op *ops;	/* NULL: no program, every run gives 0 */
	unsigned int len;
	bool uses_mem;			/* some ST, STX or LD/LDX MEM: M[] needs zeroing */
};

/* Check @insns with rxs_bpf_validate() and decode them into @c (emptied first on success).
 * 0, -EINVAL (refused by the checker) or -ENOMEM. */
int rxs__cbpf_prepare(struct rxs__cbpf *c, const struct rxs_bpf_insn *insns, unsigned int len);
void rxs__cbpf_free(struct rxs__cbpf *c);
/* rxs_bpf_run() of the program @c was prepared from. */
uint32_t rxs__cbpf_run(const struct rxs__cbpf *c, const uint8_t *pkt, uint32_t wirelen,
		       uint32_t buflen);

#endif
