/* test_bpf.c - classic BPF (checker, interpreter, pcap_compile), packet taps, and eBPF: objects
 * built by clang from tests/data/ebpf/, hand-written instructions, the checker, maps, helpers,
 * and the same objects run by this machine's kernel (as root). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <grp.h>
#include <signal.h>
#include <unistd.h>

#include "bpf/cbpf.h"
#include "bpf/ebpf_int.h"
#include "frames.h"
#include "internal.h"
#include "rxsim/bpf.h"
#include "rxsim/error.h"

#define LD RXS_BPF_LD
#define LDX RXS_BPF_LDX
#define ALU RXS_BPF_ALU
#define JMP RXS_BPF_JMP
#define RET RXS_BPF_RET
#define MISC RXS_BPF_MISC
#define W RXS_BPF_W
#define H RXS_BPF_H
#define B RXS_BPF_B
#define ABS RXS_BPF_ABS
#define IND RXS_BPF_IND
#define MEM RXS_BPF_MEM
#define LEN RXS_BPF_LEN
#define MSH RXS_BPF_MSH
#define IMM RXS_BPF_IMM
#define K RXS_BPF_K
#define X RXS_BPF_X
#define A RXS_BPF_A
#define ADD RXS_BPF_ADD
#define SUB RXS_BPF_SUB
#define MUL RXS_BPF_MUL
#define DIV RXS_BPF_DIV
#define MOD RXS_BPF_MOD
#define AND RXS_BPF_AND
#define OR RXS_BPF_OR
#define XOR RXS_BPF_XOR
#define LSH RXS_BPF_LSH
#define RSH RXS_BPF_RSH
#define NEG RXS_BPF_NEG
#define JA RXS_BPF_JA
#define JEQ RXS_BPF_JEQ
#define JGT RXS_BPF_JGT
#define JGE RXS_BPF_JGE
#define JSET RXS_BPF_JSET
#define TAX RXS_BPF_TAX
#define TXA RXS_BPF_TXA
#define STX RXS_BPF_STX
#define ST RXS_BPF_ST
#define S(code, k) RXS_BPF_STMT(code, k)
#define J(code, k, jt, jf) RXS_BPF_JUMP(code, k, jt, jf)
#define RETA S(RET | A, 0)

/* A program in a table: its instructions and their count, written once. */
#define PROG(...) { __VA_ARGS__ }, \
	(unsigned int)(sizeof((struct rxs_bpf_insn[]){ __VA_ARGS__ }) / sizeof(struct rxs_bpf_insn))

#define MAXP 12

/* ---- (1) agreement with libpcap over tcpdump's captures ------------------------------------ */

static const char *const agree_exprs[] = {
	"", "ip", "ip6", "tcp", "udp", "icmp", "arp", "vlan", "tcp port 80", "udp and port 53",
	"ip[6:2] & 0x1fff != 0", "tcp[tcpflags] & tcp-syn != 0", "net 10.0.0.0/8",
	"ether broadcast", "len > 1000", "ip and ip[0] & 0xf > 5", "greater 100 and not tcp",
	"vlan and ip", "ip6 and tcp", "icmp6", "ether[12:2] = 0x8100 and ether[16:2] = 0x0800",
};

#define NEXPR ARRAY_SIZE(agree_exprs)

struct agree {
	struct bpf_program lib[NEXPR];		/* pcap_compile's, run by pcap_offline_filter */
	struct rxs_bpf_prog ours[NEXPR];	/* rxs_bpf_compile's, run by rxs_bpf_run */
	uint64_t files, packets, comparisons, accepted[NEXPR];
};

/* Compile every expression both ways; the two programs must be the same instructions. */
static void agree_compile(struct agree *ag, pcap_t *dead)
{
	char err[256];

	for (size_t e = 0; e < NEXPR; e++) {
		if (pcap_compile(dead, &ag->lib[e], agree_exprs[e], 1, PCAP_NETMASK_UNKNOWN) != 0)
			fail_msg("pcap_compile '%s': %s", agree_exprs[e], pcap_geterr(dead));
		if (rxs_bpf_compile(&ag->ours[e], agree_exprs[e], err, sizeof(err)) != 0)
			fail_msg("rxs_bpf_compile '%s': %s", agree_exprs[e], err);
		assert_int_equal(ag->ours[e].len, ag->lib[e].bf_len);
		assert_memory_equal(ag->ours[e].insns, ag->lib[e].bf_insns,
				    ag->lib[e].bf_len * sizeof(struct bpf_insn));
		assert_int_equal(rxs_bpf_validate(ag->ours[e].insns, ag->ours[e].len), 0);
	}
}

/* Every expression on one packet, as captured and cut to half its bytes (the cut exercises
 * the out-of-bounds rejections). */
static void agree_packet(struct agree *ag, const char *file, unsigned int number,
			 const struct pcap_pkthdr *h, const u_char *data)
{
	struct pcap_pkthdr cut = *h;

	cut.caplen = h->caplen / 2;
	for (size_t e = 0; e < NEXPR; e++) {
		for (int pass = 0; pass < 2; pass++) {
			const struct pcap_pkthdr *hp = pass ? &cut : h;
			uint32_t lib = (uint32_t)pcap_offline_filter(&ag->lib[e], hp, data);
			uint32_t ours = rxs_bpf_run(&ag->ours[e], data, hp->len, hp->caplen);

			if (lib != ours)
				fail_msg("%s packet %u caplen %u, filter '%s': "
					 "libpcap %u, rxsim %u", file, number, hp->caplen,
					 agree_exprs[e], lib, ours);
			ag->comparisons++;
			ag->accepted[e] += !pass && ours != 0;
		}
	}
	ag->packets++;
}

static void agree_file(struct agree *ag, const char *dir, const char *name)
{
	char path[1024], errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned int number = 0;
	pcap_t *p;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	p = pcap_open_offline(path, errbuf);
	if (!p)
		return;	/* test_nic checks that every file opens; here only packets matter */
	if (pcap_datalink(p) == DLT_EN10MB) {
		ag->files++;
		while (pcap_next_ex(p, &h, &data) == 1)
			agree_packet(ag, name, ++number, h, data);
	}
	pcap_close(p);
}

static void test_agreement(void **state)
{
	const char *dir = RXS_TESTDATA_DIR "/pcaps/tcpdump-tests";
	struct agree *ag = calloc(1, sizeof(*ag));
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, RXS_BPF_SNAPLEN);
	struct dirent *de;
	DIR *d = opendir(dir);

	(void)state;
	assert_non_null(ag);
	assert_non_null(d);
	agree_compile(ag, dead);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			agree_file(ag, dir, de->d_name);
	closedir(d);
	printf("agreement: %llu Ethernet files, %llu packets, %zu expressions, "
	       "%llu comparisons (each packet whole and cut in half), all equal\n",
	       (unsigned long long)ag->files, (unsigned long long)ag->packets, NEXPR,
	       (unsigned long long)ag->comparisons);
	for (size_t e = 0; e < NEXPR; e++) {
		printf("  %-50s accepts %llu\n", agree_exprs[e],
		       (unsigned long long)ag->accepted[e]);
		/* An expression that matches nothing, or everything, would prove little. */
		assert_true(ag->accepted[e] > 0);
		assert_true(e == 0 || ag->accepted[e] < ag->packets);
		pcap_freecode(&ag->lib[e]);
		rxs_bpf_free(&ag->ours[e]);
	}
	assert_true(ag->files > 100 && ag->packets > 1000);
	pcap_close(dead);
	free(ag);
}

/* ---- (2) every opcode ----------------------------------------------------------------------- */

/* pkt[i] = i for i < 64; wirelen 100. */
static const struct {
	int line;
	struct rxs_bpf_insn p[MAXP];
	unsigned int len;
	uint32_t want;
	int valid;	/* rxs_bpf_validate's answer; checked programs also run in libpcap */
} run_cases[] = {
	{ __LINE__, PROG(S(LD | W | ABS, 0), RETA), 0x00010203, 0 },
	{ __LINE__, PROG(S(LD | H | ABS, 2), RETA), 0x0203, 0 },
	{ __LINE__, PROG(S(LD | B | ABS, 63), RETA), 63, 0 },
	{ __LINE__, PROG(S(LD | W | ABS, 60), RETA), 0x3c3d3e3f, 0 },
	{ __LINE__, PROG(S(LD | W | ABS, 61), S(RET | K, 9)), 0, 0 },	/* out of bounds */
	{ __LINE__, PROG(S(LD | H | ABS, 63), S(RET | K, 9)), 0, 0 },
	{ __LINE__, PROG(S(LD | B | ABS, 64), S(RET | K, 9)), 0, 0 },
	{ __LINE__, PROG(S(LDX | IMM, 10), S(LD | W | IND, 2), RETA), 0x0c0d0e0f, 0 },
	{ __LINE__, PROG(S(LDX | IMM, 10), S(LD | H | IND, 2), RETA), 0x0c0d, 0 },
	{ __LINE__, PROG(S(LDX | IMM, 10), S(LD | B | IND, 53), RETA), 63, 0 },
	{ __LINE__, PROG(S(LDX | IMM, 60), S(LD | W | IND, 1), S(RET | K, 9)), 0, 0 },
	{ __LINE__, PROG(S(LDX | IMM, 62), S(LD | H | IND, 1), S(RET | K, 9)), 0, 0 },
	{ __LINE__, PROG(S(LDX | IMM, 10), S(LD | B | IND, 54), S(RET | K, 9)), 0, 0 },
	/* X + k wraps around 2^32 to a small offset: still out of bounds. */
	{ __LINE__, PROG(S(LDX | IMM, 0xffffffff), S(LD | B | IND, 2), S(RET | K, 9)), 0, 0 },
	{ __LINE__, PROG(S(LDX | IMM, 0xfffffffe), S(LD | W | IND, 4), S(RET | K, 9)), 0, 0 },
	{ __LINE__, PROG(S(LDX | B | MSH, 14), S(MISC | TXA, 0), RETA), 56, 0 },
	{ __LINE__, PROG(S(LDX | B | MSH, 64), S(RET | K, 9)), 0, 0 },
	{ __LINE__, PROG(S(LD | W | LEN, 0), RETA), 100, 0 },
	{ __LINE__, PROG(S(LDX | W | LEN, 0), S(MISC | TXA, 0), RETA), 100, 0 },
	{ __LINE__, PROG(S(LD | IMM, 7), RETA), 7, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), S(ST, 3), S(LDX | IMM, 9), S(STX, 15),
			 S(LD | MEM, 15), S(LDX | MEM, 3), S(ALU | SUB | X, 0), RETA), 4, 0 },
	/* ALU with k */
	{ __LINE__, PROG(S(LD | IMM, 5), S(ALU | ADD | K, 7), RETA), 12, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), S(ALU | SUB | K, 7), RETA), 0xfffffffe, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), S(ALU | MUL | K, 7), RETA), 35, 0 },
	{ __LINE__, PROG(S(LD | IMM, 50), S(ALU | DIV | K, 7), RETA), 7, 0 },
	{ __LINE__, PROG(S(LD | IMM, 50), S(ALU | MOD | K, 7), RETA), 1, 0 },
	{ __LINE__, PROG(S(LD | IMM, 0xf0), S(ALU | AND | K, 0x3c), RETA), 0x30, 0 },
	{ __LINE__, PROG(S(LD | IMM, 0xf0), S(ALU | OR | K, 0x0f), RETA), 0xff, 0 },
	{ __LINE__, PROG(S(LD | IMM, 0xf0), S(ALU | XOR | K, 0x3c), RETA), 0xcc, 0 },
	{ __LINE__, PROG(S(LD | IMM, 3), S(ALU | LSH | K, 31), RETA), 0x80000000, 0 },
	{ __LINE__, PROG(S(LD | IMM, 0x80000000), S(ALU | RSH | K, 31), RETA), 1, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), S(ALU | NEG, 0), RETA), 0xfffffffb, 0 },
	/* ALU with X */
	{ __LINE__, PROG(S(LD | IMM, 5), S(LDX | IMM, 7), S(ALU | ADD | X, 0), RETA), 12, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), S(LDX | IMM, 7), S(ALU | MUL | X, 0), RETA), 35, 0 },
	{ __LINE__, PROG(S(LD | IMM, 50), S(LDX | IMM, 7), S(ALU | DIV | X, 0), RETA), 7, 0 },
	{ __LINE__, PROG(S(LD | IMM, 50), S(LDX | IMM, 7), S(ALU | MOD | X, 0), RETA), 1, 0 },
	{ __LINE__, PROG(S(LD | IMM, 0xf0), S(LDX | IMM, 0x3c), S(ALU | AND | X, 0), RETA),
	  0x30, 0 },
	{ __LINE__, PROG(S(LD | IMM, 0xf0), S(LDX | IMM, 0x0f), S(ALU | OR | X, 0), RETA),
	  0xff, 0 },
	{ __LINE__, PROG(S(LD | IMM, 0xf0), S(LDX | IMM, 0x3c), S(ALU | XOR | X, 0), RETA),
	  0xcc, 0 },
	{ __LINE__, PROG(S(LD | IMM, 3), S(LDX | IMM, 4), S(ALU | LSH | X, 0), RETA), 48, 0 },
	{ __LINE__, PROG(S(LD | IMM, 48), S(LDX | IMM, 4), S(ALU | RSH | X, 0), RETA), 3, 0 },
	/* Division by X == 0 rejects the packet; a shift by 32 or more gives 0. */
	{ __LINE__, PROG(S(LD | IMM, 5), S(LDX | IMM, 0), S(ALU | DIV | X, 0),
			 S(RET | K, 99)), 0, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), S(LDX | IMM, 0), S(ALU | MOD | X, 0),
			 S(RET | K, 99)), 0, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), S(LDX | IMM, 32), S(ALU | LSH | X, 0),
			 S(ALU | ADD | K, 1), RETA), 1, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), S(LDX | IMM, 40), S(ALU | RSH | X, 0),
			 S(ALU | ADD | K, 1), RETA), 1, 0 },
	/* jumps */
	{ __LINE__, PROG(S(JMP | JA, 1), S(RET | K, 10), S(RET | K, 20)), 20, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), J(JMP | JEQ | K, 5, 0, 1), S(RET | K, 1),
			 S(RET | K, 2)), 1, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), J(JMP | JEQ | K, 6, 0, 1), S(RET | K, 1),
			 S(RET | K, 2)), 2, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), J(JMP | JGT | K, 5, 0, 1), S(RET | K, 1),
			 S(RET | K, 2)), 2, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), J(JMP | JGE | K, 5, 0, 1), S(RET | K, 1),
			 S(RET | K, 2)), 1, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), J(JMP | JSET | K, 4, 0, 1), S(RET | K, 1),
			 S(RET | K, 2)), 1, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), J(JMP | JSET | K, 2, 0, 1), S(RET | K, 1),
			 S(RET | K, 2)), 2, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), S(LDX | IMM, 5), J(JMP | JEQ | X, 0, 0, 1),
			 S(RET | K, 1), S(RET | K, 2)), 1, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), S(LDX | IMM, 4), J(JMP | JGT | X, 0, 0, 1),
			 S(RET | K, 1), S(RET | K, 2)), 1, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), S(LDX | IMM, 6), J(JMP | JGE | X, 0, 0, 1),
			 S(RET | K, 1), S(RET | K, 2)), 2, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), S(LDX | IMM, 5), J(JMP | JGE | X, 0, 0, 1),
			 S(RET | K, 1), S(RET | K, 2)), 1, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), S(LDX | IMM, 5), J(JMP | JGT | X, 0, 0, 1),
			 S(RET | K, 1), S(RET | K, 2)), 2, 0 },
	{ __LINE__, PROG(S(LD | IMM, 5), S(LDX | IMM, 8), J(JMP | JSET | X, 0, 0, 1),
			 S(RET | K, 1), S(RET | K, 2)), 2, 0 },
	/* Unsigned comparison: 0xffffffff is greater than 1. */
	{ __LINE__, PROG(S(LD | IMM, 0xffffffff), J(JMP | JGT | K, 1, 1, 0), S(RET | K, 1),
			 S(RET | K, 2)), 2, 0 },
	/* RET and MISC */
	{ __LINE__, PROG(S(RET | K, 0xffffffff)), 0xffffffff, 0 },
	{ __LINE__, PROG(S(LD | IMM, 77), S(MISC | TAX, 0), S(LD | IMM, 1),
			 S(MISC | TXA, 0), RETA), 77, 0 },
	/* Programs the checker refuses still run safely, to 0. */
	{ __LINE__, PROG(S(LD | H | ABS, 0xfffffffe), S(RET | K, 9)), 0, -EINVAL },
	{ __LINE__, PROG(S(JMP | JA, 0xfffffffe), S(RET | K, 9)), 0, -EINVAL },
	{ __LINE__, PROG(J(JMP | JEQ | K, 0, 200, 200), S(RET | K, 9)), 0, -EINVAL },
	{ __LINE__, PROG(S(0xffff, 0), S(RET | K, 9)), 0, -EINVAL },
	{ __LINE__, PROG(S(ST, 16), S(RET | K, 9)), 0, -EINVAL },
	{ __LINE__, PROG(S(LD | MEM, 16), S(RET | K, 9)), 0, -EINVAL },
	{ __LINE__, PROG(S(LD | IMM, 5), S(ALU | DIV | K, 0), S(RET | K, 9)), 0, -EINVAL },
	{ __LINE__, PROG(S(LD | IMM, 5)), 0, -EINVAL },	/* falls off the end */
};

static void test_run_opcodes(void **state)
{
	uint8_t pkt[64];

	(void)state;
	for (size_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)i;
	for (size_t i = 0; i < ARRAY_SIZE(run_cases); i++) {
		struct rxs_bpf_prog prog = { (struct rxs_bpf_insn *)run_cases[i].p,
					     run_cases[i].len };
		int valid = rxs_bpf_validate(prog.insns, prog.len);
		uint32_t got = rxs_bpf_run(&prog, pkt, 100, sizeof(pkt));

		if (valid != run_cases[i].valid)
			fail_msg("case at line %d: validate %d, want %d", run_cases[i].line, valid,
				 run_cases[i].valid);
		if (got != run_cases[i].want)
			fail_msg("case at line %d: got %#x, want %#x", run_cases[i].line, got,
				 run_cases[i].want);
		if (valid == 0) {
			/* The reference: libpcap's own interpreter on the same program. */
			struct bpf_program bp = { prog.len, (struct bpf_insn *)prog.insns };
			struct pcap_pkthdr h = { { 0, 0 }, sizeof(pkt), 100 };
			uint32_t lib = (uint32_t)pcap_offline_filter(&bp, &h, pkt);

			if (lib != got)
				fail_msg("case at line %d: libpcap %#x, rxsim %#x",
					 run_cases[i].line, lib, got);
		}
	}
}

/* Random programs on random packets: whatever the program, the interpreter stays inside the
 * packet and the program (ASan watches), and a program the checker accepts gives what libpcap's
 * interpreter gives. */
static const uint16_t random_codes[] = {
	LD | W | ABS, LD | H | ABS, LD | B | ABS, LD | W | IND, LD | H | IND, LD | B | IND,
	LD | W | LEN, LDX | W | LEN, LDX | B | MSH, LD | IMM, LDX | IMM, LD | MEM, LDX | MEM,
	ST, STX,
	ALU | ADD | K, ALU | ADD | X, ALU | SUB | K, ALU | SUB | X, ALU | MUL | K, ALU | MUL | X,
	ALU | DIV | K, ALU | DIV | X, ALU | MOD | K, ALU | MOD | X, ALU | AND | K, ALU | AND | X,
	ALU | OR | K, ALU | OR | X, ALU | XOR | K, ALU | XOR | X, ALU | LSH | K, ALU | LSH | X,
	ALU | RSH | K, ALU | RSH | X, ALU | NEG, JMP | JA, JMP | JEQ | K, JMP | JEQ | X,
	JMP | JGT | K, JMP | JGT | X, JMP | JGE | K, JMP | JGE | X, JMP | JSET | K, JMP | JSET | X,
	RET | K, RET | A, MISC | TAX, MISC | TXA,
	RET | X, LD | B | IMM, 0xff,	/* not opcodes */
};

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Mostly small constants, so that loads and jumps land; now and then anything at all. */
static void random_prog(struct rxs_bpf_insn *p, unsigned int len, uint32_t *seed)
{
	for (unsigned int i = 0; i < len; i++) {
		uint32_t r = xorshift(seed);

		p[i].code = random_codes[r % ARRAY_SIZE(random_codes)];
		p[i].jt = (uint8_t)(r >> 8 & 3);
		p[i].jf = (uint8_t)(r >> 10 & 3);
		p[i].k = r >> 12 & 1 ? (r >> 13) % 70 : xorshift(seed);
	}
	p[len - 1] = (struct rxs_bpf_insn)S(RET | A, 0);
}

static void test_run_random(void **state)
{
	struct rxs_bpf_insn insns[12];
	uint8_t pkt[80];
	uint32_t seed = 0x2545f491;
	unsigned int checked = 0;

	(void)state;
	for (int n = 0; n < 200000; n++) {
		struct rxs_bpf_prog prog = { insns, 2 + xorshift(&seed) % 11 };
		uint32_t buflen = xorshift(&seed) % (sizeof(pkt) + 1);
		uint8_t *copy = malloc(buflen ? buflen : 1);	/* exact size, for ASan */
		uint32_t got;

		random_prog(insns, prog.len, &seed);
		for (uint32_t i = 0; i < buflen; i++)
			copy[i] = (uint8_t)xorshift(&seed);
		got = rxs_bpf_run(&prog, copy, buflen + 10, buflen);
		if (rxs_bpf_validate(insns, prog.len) == 0) {
			struct bpf_program bp = { prog.len, (struct bpf_insn *)insns };
			struct pcap_pkthdr h = { { 0, 0 }, buflen, buflen + 10 };

			if ((uint32_t)pcap_offline_filter(&bp, &h, copy) != got)
				fail_msg("random program %d: libpcap and rxsim differ", n);
			checked++;
		}
		free(copy);
	}
	printf("random: 200000 programs run, %u passed the checker and matched libpcap\n",
	       checked);
	assert_true(checked > 10000);
}

/* The decoded interpreter the taps and socket filters run (cbpf.h) against rxs_bpf_run(), on
 * random programs that pass the checker (longer ones, M[] and jumps included) and random packets
 * at every snap length from 0 to past the end. */
static void test_run_decoded(void **state)
{
	struct rxs_bpf_insn insns[24];
	uint8_t pkt[80];
	uint32_t seed = 0x9e3779b9;
	unsigned int checked = 0, with_mem = 0;

	(void)state;
	for (int n = 0; n < 400000; n++) {
		unsigned int len = 2 + xorshift(&seed) % 23;
		struct rxs_bpf_prog prog = { insns, len };
		struct rxs__cbpf c = { 0 };

		random_prog(insns, len, &seed);
		if (xorshift(&seed) & 1)
			insns[len - 1] = (struct rxs_bpf_insn)S(RET | K, xorshift(&seed) % 200);
		if (rxs_bpf_validate(insns, len) != 0) {
			assert_int_equal(rxs__cbpf_prepare(&c, insns, len), -EINVAL);
			continue;
		}
		assert_int_equal(rxs__cbpf_prepare(&c, insns, len), 0);
		with_mem += c.uses_mem;
		for (int p = 0; p < 4; p++) {
			uint32_t buflen = xorshift(&seed) % (sizeof(pkt) + 1);
			uint8_t *copy = malloc(buflen ? buflen : 1);	/* exact size, for ASan */
			uint32_t wire = buflen + xorshift(&seed) % 3 * 700;

			for (uint32_t i = 0; i < buflen; i++)
				copy[i] = (uint8_t)xorshift(&seed);
			if (rxs__cbpf_run(&c, copy, wire, buflen) !=
			    rxs_bpf_run(&prog, copy, wire, buflen))
				fail_msg("decoded program %d differs from rxs_bpf_run", n);
			free(copy);
		}
		rxs__cbpf_free(&c);
		checked++;
	}
	printf("decoded: %u checked programs (%u using M[]) agree with rxs_bpf_run\n", checked,
	       with_mem);
	assert_true(checked > 10000 && with_mem > 100);
}

/* ---- (3) the checker ------------------------------------------------------------------------ */

static const struct {
	int line;
	struct rxs_bpf_insn p[MAXP];
	unsigned int len;
	int want;
} validate_cases[] = {
	{ __LINE__, PROG(S(RET | K, 0)), 0 },
	/* A backward jump. */
	{ __LINE__, PROG(S(LD | IMM, 1), S(JMP | JA, 0xffffffff), RETA), -EINVAL },
	{ __LINE__, PROG(S(JMP | JA, 1), RETA), -EINVAL },		/* past the end */
	{ __LINE__, PROG(S(JMP | JA, 0), RETA), 0 },
	{ __LINE__, PROG(J(JMP | JEQ | K, 0, 0, 1), RETA), -EINVAL },	/* jf past the end */
	{ __LINE__, PROG(J(JMP | JEQ | K, 0, 1, 0), RETA), -EINVAL },	/* jt past the end */
	{ __LINE__, PROG(J(JMP | JEQ | K, 0, 0, 0), RETA), 0 },
	{ __LINE__, PROG(S(LD | IMM, 1)), -EINVAL },			/* no RET at the end */
	{ __LINE__, PROG(S(RET | K, 0), S(LD | IMM, 1)), -EINVAL },
	{ __LINE__, PROG(S(RET | X, 0)), -EINVAL },				/* no such opcode */
	{ __LINE__, PROG(S(0x00ff, 0), S(RET | K, 0)), -EINVAL },
	{ __LINE__, PROG(S(LD | B | IMM, 0), S(RET | K, 0)), -EINVAL },
	{ __LINE__, PROG(S(ALU | NEG | X, 0), S(RET | K, 0)), -EINVAL },
	{ __LINE__, PROG(S(ST, 16), S(RET | K, 0)), -EINVAL },		/* scratch index */
	{ __LINE__, PROG(S(STX, 16), S(RET | K, 0)), -EINVAL },
	{ __LINE__, PROG(S(ST, 15), S(LDX | MEM, 16), S(RET | K, 0)), -EINVAL },
	{ __LINE__, PROG(S(ST, 15), S(LD | MEM, 15), S(RET | K, 0)), 0 },
	{ __LINE__, PROG(S(LD | MEM, 0), S(RET | K, 0)), -EINVAL },	/* load before store */
	/* M[0] is stored on one path to the load only. */
	{ __LINE__, PROG(J(JMP | JEQ | K, 0, 0, 1), S(ST, 0), S(LD | MEM, 0),
			 RETA), -EINVAL },
	{ __LINE__, PROG(S(ST, 0), J(JMP | JEQ | K, 0, 0, 1), S(ST, 1),
			 S(LD | MEM, 0), RETA), 0 },
	{ __LINE__, PROG(S(LD | IMM, 1), S(ALU | DIV | K, 0), RETA), -EINVAL },
	{ __LINE__, PROG(S(LD | IMM, 1), S(ALU | MOD | K, 0), RETA), -EINVAL },
	{ __LINE__, PROG(S(LD | IMM, 1), S(ALU | LSH | K, 32), RETA), -EINVAL },
	{ __LINE__, PROG(S(LD | IMM, 1), S(ALU | DIV | X, 0), RETA), 0 },	/* X: at run time */
	/* Linux extensions: SKF_AD_VLAN_TAG_PRESENT, SKF_NET_OFF; just below them, a plain load
	 * out of bounds. */
	{ __LINE__, PROG(S(LD | B | ABS, 0xfffff000 + 44), RETA), -EINVAL },
	{ __LINE__, PROG(S(LD | W | ABS, 0xfff00000), RETA), -EINVAL },
	{ __LINE__, PROG(S(LD | W | ABS, 0xffdfffff), RETA), 0 },
};

static void test_validate(void **state)
{
	struct rxs_bpf_insn *big = calloc(RXS_BPF_MAXINSNS + 1, sizeof(*big));

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(validate_cases); i++) {
		int got = rxs_bpf_validate(validate_cases[i].p, validate_cases[i].len);

		if (got != validate_cases[i].want)
			fail_msg("case at line %d: got %d, want %d", validate_cases[i].line, got,
				 validate_cases[i].want);
	}
	assert_int_equal(rxs_bpf_validate(validate_cases[0].p, 0), -EINVAL);	/* empty */
	assert_int_equal(rxs_bpf_validate(NULL, 1), -EINVAL);
	assert_non_null(big);
	for (unsigned int i = 0; i <= RXS_BPF_MAXINSNS; i++)
		big[i] = (struct rxs_bpf_insn)S(RET | K, 1);
	assert_int_equal(rxs_bpf_validate(big, RXS_BPF_MAXINSNS), 0);
	assert_int_equal(rxs_bpf_validate(big, RXS_BPF_MAXINSNS + 1), -EINVAL);
	/* The longest jump there is: from the first instruction to the last. */
	big[0] = (struct rxs_bpf_insn)S(JMP | JA, RXS_BPF_MAXINSNS - 2);
	assert_int_equal(rxs_bpf_validate(big, RXS_BPF_MAXINSNS), 0);
	big[0].k++;
	assert_int_equal(rxs_bpf_validate(big, RXS_BPF_MAXINSNS), -EINVAL);
	free(big);
}

/* The running kernel's bpf_check_classic, reached without privileges: SO_ATTACH_FILTER on a UDP
 * socket. Programs with Linux extension loads are left out, since the kernel knows them. */
struct kernel_fprog {
	unsigned short len;
	struct rxs_bpf_insn *filter;
};

static bool uses_extensions(const struct rxs_bpf_insn *p, unsigned int len)
{
	for (unsigned int i = 0; i < len; i++)
		if ((p[i].code & 0xe7) == (LD | ABS) && p[i].k >= 0xffe00000u)
			return true;
	return false;
}

/* 0 or -EINVAL from the kernel; a sandbox that forbids the call ends the test as skipped. */
static int kernel_check(int fd, struct rxs_bpf_insn *insns, unsigned int len)
{
	struct kernel_fprog f = { (unsigned short)len, insns };

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &f, sizeof(f)) == 0)
		return 0;
	if (errno != EINVAL) {
		close(fd);
		skip();
	}
	return -EINVAL;
}

static void test_validate_kernel(void **state)
{
	struct rxs_bpf_insn insns[12];
	uint32_t seed = 0x9e3779b9;
	unsigned int compared = 0, accepted = 0;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	(void)state;
	if (fd < 0)
		skip();
	for (size_t i = 0; i < ARRAY_SIZE(validate_cases); i++) {
		struct rxs_bpf_insn *p = (struct rxs_bpf_insn *)validate_cases[i].p;
		unsigned int len = validate_cases[i].len;

		if (!uses_extensions(p, len) && kernel_check(fd, p, len) != validate_cases[i].want)
			fail_msg("case at line %d: the kernel disagrees", validate_cases[i].line);
	}
	for (int n = 0; n < 50000; n++) {
		unsigned int len = 2 + xorshift(&seed) % 11;
		int ours, kernel;

		random_prog(insns, len, &seed);
		if (xorshift(&seed) % 4 == 0)	/* sometimes no RET at the end */
			insns[len - 1] = (struct rxs_bpf_insn)S(LD | IMM, 0);
		if (uses_extensions(insns, len))
			continue;
		ours = rxs_bpf_validate(insns, len);
		kernel = kernel_check(fd, insns, len);
		if (ours != kernel)
			fail_msg("random program %d: kernel %d, rxsim %d", n, kernel, ours);
		compared++;
		accepted += ours == 0;
	}
	close(fd);
	printf("checker: %u random programs, %u accepted, same answer as this kernel\n", compared,
	       accepted);
}

/* ---- (4) compile ---------------------------------------------------------------------------- */

static const struct {
	int line;
	const char *expr;
	int want;
	const char *msg;	/* the whole message, or NULL to check only that it quotes expr */
} compile_cases[] = {
	{ __LINE__, "", 0, NULL },
	{ __LINE__, NULL, 0, NULL },
	{ __LINE__, "tcp port 80", 0, NULL },
	{ __LINE__, "tcp port", RXS_EFILTER, "filter 'tcp port': syntax error" },
	{ __LINE__, "udp and", RXS_EFILTER, "filter 'udp and': syntax error" },
	{ __LINE__, "host 999.1.2.3", RXS_EFILTER, NULL },
	{ __LINE__, "port 99999", RXS_EFILTER, NULL },
	{ __LINE__, "ip6 protochain 6", RXS_EFILTER,
	  "filter 'ip6 protochain 6': the compiled program fails the kernel's BPF checker" },
};

static void test_compile(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(compile_cases); i++) {
		struct rxs_bpf_prog prog = { NULL, 1 };
		char err[256] = "", quoted[128];
		int rc = rxs_bpf_compile(&prog, compile_cases[i].expr, err, sizeof(err));

		if (rc != compile_cases[i].want)
			fail_msg("case at line %d: got %d (%s)", compile_cases[i].line, rc, err);
		if (rc == 0) {
			assert_true(prog.len >= 1);
			assert_int_equal(rxs_bpf_validate(prog.insns, prog.len), 0);
		} else {
			assert_null(prog.insns);
			snprintf(quoted, sizeof(quoted), "filter '%s': ", compile_cases[i].expr);
			if (strncmp(err, quoted, strlen(quoted)) != 0 ||
			    (compile_cases[i].msg && strcmp(err, compile_cases[i].msg) != 0))
				fail_msg("case at line %d: message \"%s\"", compile_cases[i].line,
					 err);
		}
		rxs_bpf_free(&prog);
	}
}

/* ---- taps ----------------------------------------------------------------------------------- */

/* A minimal Ethernet + IPv4 + UDP frame of @len bytes (>= 42) to port @dport; the filter needs
 * no checksums. */
static void udp_frame(uint8_t *f, uint32_t len, uint16_t dport, uint8_t tag)
{
	static const uint8_t hdr[] = {
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
		0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
		0x30, 0x39, 0, 0, 0, 0, 0, 0,
	};

	memset(f, tag, len);
	memcpy(f, hdr, sizeof(hdr));
	rxs__put_be16(f + 16, (uint16_t)(len - 14));
	rxs__put_be16(f + 36, dport);
	rxs__put_be16(f + 38, (uint16_t)(len - 34));
}

static void arp_frame(uint8_t *f, uint32_t len)
{
	memset(f, 0, len);
	memset(f, 0xff, 6);
	f[12] = 0x08;
	f[13] = 0x06;
}

static void expect_stats(int line, const rxs_tap_t *tap, uint64_t packets, uint64_t drops,
			 uint64_t captured, uint64_t filtered)
{
	struct rxs_tap_stats st;

	rxs_tap_get_stats(tap, &st);
	if (st.tp_packets != packets || st.tp_drops != drops || st.captured != captured ||
	    st.filtered_out != filtered)
		fail_msg("line %d: tp_packets %llu tp_drops %llu captured %llu filtered_out %llu",
			 line, (unsigned long long)st.tp_packets, (unsigned long long)st.tp_drops,
			 (unsigned long long)st.captured, (unsigned long long)st.filtered_out);
}

static void test_tap_ring(void **state)
{
	const uint64_t t0 = 1700000000123456789ull, ms = 1000000;
	uint8_t f[100];
	rxs_tap_t *tap;
	char err[256];

	(void)state;
	udp_frame(f, sizeof(f), 53, 0xaa);
	assert_int_equal(rxs_tap_create(&tap, "tcpdump", "", 4, ms, NULL, err, sizeof(err)), 0);
	assert_string_equal(rxs_tap_name(tap), "tcpdump");
	/* Ten frames at once: four ring frames, then drops, all counted in tp_packets. */
	for (int i = 0; i < 10; i++)
		assert_true(rxs_tap_rcv(tap, f, sizeof(f), t0));
	expect_stats(__LINE__, tap, 10, 6, 4, 0);
	/* Within the same period the reader has not come back. */
	assert_true(rxs_tap_rcv(tap, f, sizeof(f), t0 + 1));
	expect_stats(__LINE__, tap, 11, 7, 4, 0);
	/* A millisecond later it has drained the ring: four fit again. */
	for (int i = 0; i < 5; i++)
		assert_true(rxs_tap_rcv(tap, f, sizeof(f), t0 + ms));
	expect_stats(__LINE__, tap, 16, 8, 8, 0);
	rxs_tap_destroy(tap);

	/* A reader that keeps up never drops; a rejected frame is not counted in tp_packets. */
	assert_int_equal(rxs_tap_create(&tap, "t", "udp port 53", 1, 0, NULL, err, sizeof(err)), 0);
	for (int i = 0; i < 10; i++)
		assert_true(rxs_tap_rcv(tap, f, sizeof(f), t0));
	arp_frame(f, sizeof(f));
	assert_false(rxs_tap_rcv(tap, f, sizeof(f), t0));
	expect_stats(__LINE__, tap, 10, 0, 10, 1);
	rxs_tap_destroy(tap);
	rxs_tap_destroy(NULL);
}

static const struct {
	int line;
	const char *filter;
	unsigned int ring;
	const char *path;
	int want;
	const char *msg;	/* a prefix of the message in err */
} create_cases[] = {
	{ __LINE__, "", 1, NULL, 0, "" },
	{ __LINE__, NULL, 1, NULL, 0, "" },
	{ __LINE__, "", 0, NULL, -EINVAL, "tap: ring_frames is 0" },
	{ __LINE__, "tcp port", 4, NULL, RXS_EFILTER, "filter 'tcp port': syntax error" },
	{ __LINE__, "", 4, "/nonexistent/dir/tap.pcap", -ENOENT, "tap output: /nonexistent/dir" },
};

static void test_tap_create(void **state)
{
	const struct rxs_bpf_insn bad[] = { S(LD | IMM, 1) };
	rxs_tap_t *tap;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(create_cases); i++) {
		char err[256] = "";
		int rc = rxs_tap_create(&tap, "t", create_cases[i].filter, create_cases[i].ring, 0,
					create_cases[i].path, err, sizeof(err));

		if (rc != create_cases[i].want ||
		    strncmp(err, create_cases[i].msg, strlen(create_cases[i].msg)) != 0)
			fail_msg("case at line %d: got %d \"%s\"", create_cases[i].line, rc, err);
		assert_true((rc == 0) == (tap != NULL));
		rxs_tap_destroy(tap);
	}
	assert_int_equal(rxs_tap_create(&tap, NULL, "", 1, 0, NULL, NULL, 0), -EINVAL);
	/* A refused program leaves the old filter in place. */
	assert_int_equal(rxs_tap_create(&tap, "t", "arp", 1, 0, NULL, NULL, 0), 0);
	assert_int_equal(rxs_tap_attach_prog(tap, bad, ARRAY_SIZE(bad)), -EINVAL);
	{
		uint8_t f[60];

		arp_frame(f, sizeof(f));
		assert_true(rxs_tap_rcv(tap, f, sizeof(f), 0));
		udp_frame(f, sizeof(f), 53, 0);
		assert_false(rxs_tap_rcv(tap, f, sizeof(f), 0));
	}
	rxs_tap_destroy(tap);
}

/* ---- (6) pcap output ------------------------------------------------------------------------ */

static const struct {
	uint32_t len;
	uint16_t dport;	/* 0: an ARP frame, which the filter rejects */
	uint64_t t_ns;
} out_frames[] = {
	{ 100, 53, 1700000000123456789ull },
	{ 60, 0, 1700000000200000000ull },
	{ 1514, 53, 1700000001000001999ull },
	{ 42, 80, 1700000002999999999ull },
};

/* Feed out_frames to @tap (filter "udp"): every UDP frame is written. */
static void feed_out_frames(rxs_tap_t *tap, uint8_t (*frames)[1514])
{
	for (size_t i = 0; i < ARRAY_SIZE(out_frames); i++) {
		if (out_frames[i].dport)
			udp_frame(frames[i], out_frames[i].len, out_frames[i].dport, (uint8_t)i);
		else
			arp_frame(frames[i], out_frames[i].len);
		assert_true(rxs_tap_rcv(tap, frames[i], out_frames[i].len, out_frames[i].t_ns) ==
			    (out_frames[i].dport != 0));
	}
}

/* Read @path back with libpcap: the UDP frames of out_frames, cut to @snap bytes. */
static void check_written(const char *path, uint8_t (*frames)[1514], uint32_t snap)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, errbuf);
	struct pcap_pkthdr *h;
	const u_char *data;

	if (!p)
		fail_msg("%s", errbuf);
	assert_int_equal(pcap_datalink(p), DLT_EN10MB);
	assert_int_equal(pcap_snapshot(p), RXS_BPF_SNAPLEN);
	for (size_t i = 0; i < ARRAY_SIZE(out_frames); i++) {
		uint32_t caplen = RXS_MIN(out_frames[i].len, snap);

		if (!out_frames[i].dport)
			continue;
		assert_int_equal(pcap_next_ex(p, &h, &data), 1);
		assert_int_equal(h->ts.tv_sec, out_frames[i].t_ns / 1000000000u);
		assert_int_equal(h->ts.tv_usec, out_frames[i].t_ns % 1000000000u / 1000u);
		assert_int_equal(h->len, out_frames[i].len);
		assert_int_equal(h->caplen, caplen);
		assert_memory_equal(data, frames[i], caplen);
	}
	assert_int_equal(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(p);
}

static void test_tap_pcap(void **state)
{
	/* A user program: UDP over IPv4 (ethertype, protocol), keeping 54 bytes. */
	const struct rxs_bpf_insn udp54[] = {
		S(LD | H | ABS, 12), J(JMP | JEQ | K, 0x0800, 0, 3),
		S(LD | B | ABS, 23), J(JMP | JEQ | K, 17, 0, 1),
		S(RET | K, 54), S(RET | K, 0),
	};
	char path[] = "/tmp/rxs_test_bpf_XXXXXX";
	uint8_t (*frames)[1514] = calloc(ARRAY_SIZE(out_frames), sizeof(*frames));
	int fd = mkstemp(path);
	rxs_tap_t *tap;
	char err[256];

	(void)state;
	assert_true(fd >= 0 && frames);
	close(fd);
	assert_int_equal(rxs_tap_create(&tap, "w", "udp", 16, 0, path, err, sizeof(err)), 0);
	feed_out_frames(tap, frames);
	assert_int_equal(rxs_tap_flush(tap), 0);
	check_written(path, frames, RXS_BPF_SNAPLEN);	/* readable before destroy */
	expect_stats(__LINE__, tap, 3, 0, 3, 1);
	rxs_tap_destroy(tap);
	check_written(path, frames, RXS_BPF_SNAPLEN);

	assert_int_equal(rxs_tap_create(&tap, "w", "", 16, 0, path, err, sizeof(err)), 0);
	assert_int_equal(rxs_tap_attach_prog(tap, udp54, ARRAY_SIZE(udp54)), 0);
	feed_out_frames(tap, frames);
	rxs_tap_destroy(tap);
	check_written(path, frames, 54);
	unlink(path);
	free(frames);
}

/* ---- eBPF: hand-written instructions ----------------------------------------------------------- */

/* Instruction builders, as the kernel's include/linux/filter.h writes them. */
#define EI(c, d, s, o, i) { (uint8_t)(c), (uint8_t)(d), (uint8_t)(s), (int16_t)(o), (int32_t)(i) }
#define MOV64_IMM(d, i)		EI(0xb7, d, 0, 0, i)
#define MOV32_IMM(d, i)		EI(0xb4, d, 0, 0, i)
#define ALU64_IMM(op, d, i)	EI(0x07 | (op), d, 0, 0, i)
#define ALU64_REG(op, d, s)	EI(0x0f | (op), d, s, 0, 0)
#define ALU32_IMM(op, d, i)	EI(0x04 | (op), d, 0, 0, i)
#define ALU32_REG(op, d, s)	EI(0x0c | (op), d, s, 0, 0)
#define LD_IMM64(d, lo, hi)	EI(0x18, d, 0, 0, lo), EI(0, 0, 0, 0, hi)
#define LD_MAP(d, idx)		EI(0x18, d, 5, 0, idx), EI(0, 0, 0, 0, 0)
#define LD_MAPVAL(d, idx, off)	EI(0x18, d, 6, 0, idx), EI(0, 0, 0, 0, off)
#define ELDX(sz, d, s, o)	EI(0x61 | (sz), d, s, o, 0)
#define ELDXSX(sz, d, s, o)	EI(0x81 | (sz), d, s, o, 0)
#define ESTX(sz, d, s, o)	EI(0x63 | (sz), d, s, o, 0)
#define EST(sz, d, o, i)		EI(0x62 | (sz), d, 0, o, i)
#define ATOMIC(sz, d, s, o, op)	EI(0xc3 | (sz), d, s, o, op)
#define JMP_IMM(op, d, i, o)	EI(0x05 | (op), d, 0, o, i)
#define JMP_REG(op, d, s, o)	EI(0x0d | (op), d, s, o, 0)
#define JMP32_IMM(op, d, i, o)	EI(0x06 | (op), d, 0, o, i)
#define EJA(o)			EI(0x05, 0, 0, o, 0)
#define EJA32(i)			EI(0x06, 0, 0, 0, i)
#define CALL(h)			EI(0x85, 0, 0, 0, h)
#define CALL_SUB(rel)		EI(0x85, 0, 1, 0, rel)
#define EXIT			EI(0x95, 0, 0, 0, 0)
#define ESW 0x00	/* sizes */
#define ESH 0x08
#define ESB 0x10
#define ESDW 0x18

#define EPROG(...) { __VA_ARGS__ }, \
	(unsigned int)(sizeof((struct rxs_ebpf_insn[]){ __VA_ARGS__ }) / sizeof(struct rxs_ebpf_insn))
#define EMAX 24

/* r0 = f(constants): every op class, the signed forms of ISA v4, the kernel's answers to what
 * C leaves undefined. want_rc 0: the run returns want; else the run fails with want_rc. */
static const struct {
	int line;
	struct rxs_ebpf_insn p[EMAX];
	unsigned int len;
	int want_rc;
	uint32_t want;
} einsn_cases[] = {
	{ __LINE__, EPROG(MOV64_IMM(0, 7), EXIT), 0, 7 },
	{ __LINE__, EPROG(MOV64_IMM(0, 7), ALU64_IMM(0x00, 0, 5), EXIT), 0, 12 },
	{ __LINE__, EPROG(MOV64_IMM(0, 7), MOV64_IMM(1, 9), ALU64_REG(0x10, 0, 1), EXIT), 0,
	  0xfffffffe },
	{ __LINE__, EPROG(MOV64_IMM(0, 6), ALU64_IMM(0x20, 0, 7), EXIT), 0, 42 },
	/* Division by zero: 0; modulo by zero: the dividend (64 and 32 bits). */
	{ __LINE__, EPROG(MOV64_IMM(0, 6), MOV64_IMM(1, 0), ALU64_REG(0x30, 0, 1), EXIT), 0, 0 },
	{ __LINE__, EPROG(MOV64_IMM(0, 6), MOV64_IMM(1, 0), ALU64_REG(0x90, 0, 1), EXIT), 0, 6 },
	{ __LINE__, EPROG(MOV32_IMM(0, 6), MOV32_IMM(1, 0), ALU32_REG(0x30, 0, 1), EXIT), 0, 0 },
	{ __LINE__, EPROG(MOV32_IMM(0, 6), MOV32_IMM(1, 0), ALU32_REG(0x90, 0, 1), EXIT), 0, 6 },
	/* Signed division and modulo (off 1): -7 / 2 = -3, -7 % 2 = -1, INT_MIN / -1 wraps. */
	{ __LINE__, EPROG(MOV64_IMM(0, -7), EI(0x37, 0, 0, 1, 2), EXIT), 0, (uint32_t)-3 },
	{ __LINE__, EPROG(MOV64_IMM(0, -7), EI(0x97, 0, 0, 1, 2), EXIT), 0, (uint32_t)-1 },
	{ __LINE__, EPROG(MOV32_IMM(0, -7), EI(0x34, 0, 0, 1, 2), EXIT), 0, (uint32_t)-3 },
	{ __LINE__, EPROG(MOV32_IMM(0, INT32_MIN), EI(0x34, 0, 0, 1, -1), EXIT), 0,
	  (uint32_t)INT32_MIN },
	{ __LINE__, EPROG(MOV32_IMM(0, INT32_MIN), EI(0x94, 0, 0, 1, -1), EXIT), 0, 0 },
	{ __LINE__, EPROG(MOV64_IMM(0, -7), MOV64_IMM(1, 0), EI(0x3f, 0, 1, 1, 0), EXIT), 0, 0 },
	/* Shifts: the count modulo the width for registers; arithmetic right shift. */
	{ __LINE__, EPROG(MOV64_IMM(0, 1), MOV64_IMM(1, 65), ALU64_REG(0x60, 0, 1), EXIT), 0, 2 },
	{ __LINE__, EPROG(MOV32_IMM(0, 1), MOV32_IMM(1, 33), ALU32_REG(0x60, 0, 1), EXIT), 0, 2 },
	{ __LINE__, EPROG(MOV64_IMM(0, -16), ALU64_IMM(0xc0, 0, 2), EXIT), 0, (uint32_t)-4 },
	{ __LINE__, EPROG(MOV32_IMM(0, -16), ALU32_IMM(0x70, 0, 28), EXIT), 0, 15 },
	{ __LINE__, EPROG(MOV64_IMM(0, 5), ALU64_IMM(0x80, 0, 0), EXIT), 0, (uint32_t)-5 },
	{ __LINE__, EPROG(MOV64_IMM(0, 0x0c), ALU64_IMM(0x50, 0, 0x0a), ALU64_IMM(0x40, 0, 0x30),
			  ALU64_IMM(0xa0, 0, 0xff), EXIT), 0, 0xc7 },
	/* ALU32 results are zero-extended; a 64-bit immediate in two halves. */
	{ __LINE__, EPROG(LD_IMM64(0, -1, 0x12345678), ALU32_IMM(0x00, 0, 1), ALU64_IMM(0x70, 0, 1),
			  EXIT), 0, 0 },
	{ __LINE__, EPROG(LD_IMM64(0, 0x11, 0x22), ALU64_IMM(0x70, 0, 32), EXIT), 0, 0x22 },
	/* Byte swaps: to big-endian (0xdc), to little-endian (0xd4, a truncation here), bswap
	 * (ISA v4, 0xd7). */
	{ __LINE__, EPROG(MOV64_IMM(0, 0x1234), EI(0xdc, 0, 0, 0, 16), EXIT), 0, 0x3412 },
	{ __LINE__, EPROG(MOV64_IMM(0, 0x12345678), EI(0xdc, 0, 0, 0, 32), EXIT), 0, 0x78563412 },
	{ __LINE__, EPROG(LD_IMM64(0, 0x12345678, 0x9abcdef0), EI(0xdc, 0, 0, 0, 64), EXIT), 0,
	  0xf0debc9a },
	{ __LINE__, EPROG(MOV64_IMM(0, 0x12345678), EI(0xd4, 0, 0, 0, 16), EXIT), 0, 0x5678 },
	{ __LINE__, EPROG(MOV64_IMM(0, 0x12345678), EI(0xd7, 0, 0, 0, 32), EXIT), 0, 0x78563412 },
	/* MOVSX (v4): sign-extend 8, 16, 32 bits. */
	{ __LINE__, EPROG(MOV64_IMM(1, 0x80), EI(0xbf, 0, 1, 8, 0), ALU64_IMM(0x70, 0, 32), EXIT),
	  0, 0xffffffff },
	{ __LINE__, EPROG(MOV64_IMM(1, 0x8000), EI(0xbc, 0, 1, 16, 0), EXIT), 0, 0xffff8000 },
	{ __LINE__, EPROG(MOV32_IMM(1, -1), EI(0xbf, 0, 1, 32, 0), ALU64_IMM(0x70, 0, 32), EXIT),
	  0, 0xffffffff },
	/* Jumps: 64 and 32-bit, signed and unsigned; JA32 (v4, gotol). */
	{ __LINE__, EPROG(MOV64_IMM(0, 1), MOV64_IMM(1, -1), JMP_IMM(0xc0, 1, 0, 1), EXIT,
			  MOV64_IMM(0, 2), EXIT), 0, 2 },
	{ __LINE__, EPROG(MOV64_IMM(0, 1), MOV64_IMM(1, -1), JMP_IMM(0xa0, 1, 0, 1), EXIT,
			  MOV64_IMM(0, 2), EXIT), 0, 1 },
	{ __LINE__, EPROG(MOV64_IMM(0, 1), LD_IMM64(1, 5, 1), JMP32_IMM(0x10, 1, 5, 1), EXIT,
			  MOV64_IMM(0, 2), EXIT), 0, 2 },
	{ __LINE__, EPROG(MOV64_IMM(0, 1), LD_IMM64(1, 5, 1), JMP_IMM(0x10, 1, 5, 1), EXIT,
			  MOV64_IMM(0, 2), EXIT), 0, 1 },
	{ __LINE__, EPROG(MOV64_IMM(0, 1), MOV32_IMM(1, -3), JMP32_IMM(0xd0, 1, -3, 1), EXIT,
			  MOV64_IMM(0, 3), EXIT), 0, 3 },
	{ __LINE__, EPROG(MOV64_IMM(0, 1), MOV64_IMM(1, 6), JMP_IMM(0x40, 1, 4, 1), EXIT,
			  MOV64_IMM(0, 4), EXIT), 0, 4 },
	{ __LINE__, EPROG(MOV64_IMM(0, 1), JMP_IMM(0x10, 0, 2, 1), EJA32(1), EXIT, MOV64_IMM(0, 5),
			  EXIT), 0, 5 },
	/* A bounded loop: r0 = 10 + 9 + ... + 1. */
	{ __LINE__, EPROG(MOV64_IMM(0, 0), MOV64_IMM(1, 10), ALU64_REG(0x00, 0, 1),
			  ALU64_IMM(0x10, 1, 1), JMP_IMM(0x50, 1, 0, -3), EXIT), 0, 55 },
	/* The stack: store, load, sign-extending loads (v4 MEMSX). */
	{ __LINE__, EPROG(EST(ESDW, 10, -8, -2), ELDX(ESW, 0, 10, -8), EXIT), 0, 0xfffffffe },
	{ __LINE__, EPROG(EST(ESB, 10, -1, 0x80), ELDXSX(ESB, 0, 10, -1), ALU64_IMM(0x70, 0, 32),
			  EXIT), 0, 0xffffffff },
	{ __LINE__, EPROG(EST(ESH, 10, -2, 0x8001), ELDXSX(ESH, 0, 10, -2), EXIT), 0, 0xffff8001 },
	{ __LINE__, EPROG(MOV64_IMM(1, 9), ESTX(ESW, 10, 1, -4), ELDX(ESB, 0, 10, -4), EXIT), 0, 9 },
	/* Atomics: add, fetch-or, xchg, cmpxchg (r0 compared, old value into r0). */
	{ __LINE__, EPROG(EST(ESDW, 10, -8, 40), MOV64_IMM(1, 2), ATOMIC(ESDW, 10, 1, -8, 0x00),
			  ELDX(ESDW, 0, 10, -8), EXIT), 0, 42 },
	{ __LINE__, EPROG(EST(ESW, 10, -4, 1), MOV64_IMM(1, 6), ATOMIC(ESW, 10, 1, -4, 0x41),
			  ELDX(ESW, 0, 10, -4), ALU64_REG(0x20, 0, 1), EXIT), 0, 7 },
	{ __LINE__, EPROG(EST(ESDW, 10, -8, 3), MOV64_IMM(1, 8), ATOMIC(ESDW, 10, 1, -8, 0xe1),
			  ELDX(ESDW, 0, 10, -8), ALU64_IMM(0x20, 0, 10), ALU64_REG(0x00, 0, 1), EXIT),
	  0, 83 },
	{ __LINE__, EPROG(EST(ESDW, 10, -8, 5), MOV64_IMM(0, 5), MOV64_IMM(1, 9),
			  ATOMIC(ESDW, 10, 1, -8, 0xf1), ELDX(ESDW, 1, 10, -8), ALU64_IMM(0x20, 1, 10),
			  ALU64_REG(0x00, 0, 1), EXIT), 0, 95 },
	/* bpf-to-bpf: r0 = sub(3) + 1, sub(x) = x * 2 with its own stack frame. */
	{ __LINE__, EPROG(MOV64_IMM(1, 3), CALL_SUB(2), ALU64_IMM(0x00, 0, 1), EXIT,
			  EST(ESDW, 10, -8, 0), EI(0xbf, 0, 1, 0, 0), ALU64_IMM(0x20, 0, 2), EXIT), 0, 7 },
	/* Call depth: a subprogram calling itself forever stops at 8 frames. */
	{ __LINE__, EPROG(CALL_SUB(1), EXIT, CALL_SUB(-1), EXIT), -EFAULT, 0 },
	/* Out of bounds: below the stack; NULL. */
	{ __LINE__, EPROG(EI(0xbf, 1, 10, 0, 0), ALU64_IMM(0x10, 1, 600), ELDX(ESDW, 0, 1, 0), EXIT),
	  -EFAULT, 0 },
	{ __LINE__, EPROG(MOV64_IMM(1, 0), ELDX(ESW, 0, 1, 0), EXIT), -EFAULT, 0 },
	/* The context of an XDP program: data/data_end are packet pointers, 14 bytes apart. */
	{ __LINE__, EPROG(ELDX(ESW, 2, 1, 0), ELDX(ESW, 3, 1, 4), EI(0xbf, 0, 3, 0, 0),
			  ALU64_REG(0x10, 0, 2), EXIT), 0, 14 },
	{ __LINE__, EPROG(ELDX(ESW, 2, 1, 0), ELDX(ESB, 0, 2, 13), EXIT), 0, 0x08 },
	{ __LINE__, EPROG(ELDX(ESW, 2, 1, 0), ELDX(ESB, 0, 2, 14), EXIT), -EFAULT, 0 },
	{ __LINE__, EPROG(EST(ESW, 1, 16, 0), MOV64_IMM(0, 0), EXIT), -EFAULT, 0 },
	{ __LINE__, EPROG(ELDX(ESH, 0, 1, 12), EXIT), -EFAULT, 0 },	/* xdp_md: 4-byte reads */
	/* bpf_xdp_load_bytes#189 (ctx, u32 offset, buf, len): in bounds; past the end; and an
	 * offset whose sum with the length wraps (found by fuzz_ebpf): -EINVAL, not a crash. */
	{ __LINE__, EPROG(MOV64_IMM(2, 12), EI(0xbf, 3, 10, 0, 0), ALU64_IMM(0x00, 3, -8),
			  MOV64_IMM(4, 2), CALL(189), ELDX(ESH, 0, 10, -8), EXIT), 0, 0x0808 },
	{ __LINE__, EPROG(MOV64_IMM(2, 12), EI(0xbf, 3, 10, 0, 0), ALU64_IMM(0x00, 3, -8),
			  MOV64_IMM(4, 3), CALL(189), EXIT), 0, (uint32_t)-EINVAL },
	{ __LINE__, EPROG(MOV64_IMM(2, -1), EI(0xbf, 3, 10, 0, 0), ALU64_IMM(0x00, 3, -8),
			  MOV64_IMM(4, 4), CALL(189), EXIT), 0, (uint32_t)-EINVAL },
	{ __LINE__, EPROG(LD_IMM64(2, 1, 0xffffffff), EI(0xbf, 3, 10, 0, 0),
			  ALU64_IMM(0x00, 3, -8), MOV64_IMM(4, 4), CALL(189), EXIT), 0, 0 },
};

/* Every map preallocates: its values, and a hash's keys, slot lists and buckets. A map (or an
 * object's maps together) past 1 GiB is refused before anything of it is allocated: no one
 * allocation may pass that (16M keys of 512 bytes would be 8 GiB). */
static const struct {
	int line;
	struct rxs_bpf_map_info m[2];
	unsigned int n;
	int rc;
	const char *msg;
} map_size_cases[] = {
	{ __LINE__, { { "a", RXS_BPF_MAP_ARRAY, 4, 64, 1u << 24, 0, NULL } }, 1, 0, NULL },
	{ __LINE__, { { "a", RXS_BPF_MAP_ARRAY, 4, 65, 1u << 24, 0, NULL } }, 1, -E2BIG,
	  "map a: 1207959552 bytes of values, over 1 GiB" },
	{ __LINE__, { { "h", RXS_BPF_MAP_HASH, 512, 8, 1u << 24, 0, NULL } }, 1, -E2BIG,
	  "map h: 8929673216 bytes of values and keys, over 1 GiB" },
	{ __LINE__, { { "h", RXS_BPF_MAP_HASH, 8, 8, 1u << 24, 0, NULL } }, 1, 0, NULL },
	{ __LINE__, { { "h", RXS_BPF_MAP_HASH, 8, 8, 1u << 20, 0, NULL },
		      { "g", RXS_BPF_MAP_HASH, 8, 8, 1u << 20, 0, NULL } }, 2, 0, NULL },
	{ __LINE__, { { "a", RXS_BPF_MAP_ARRAY, 4, 48, 1u << 24, 0, NULL },
		      { "b", RXS_BPF_MAP_ARRAY, 4, 24, 1u << 24, 0, NULL } }, 2, -E2BIG,
	  "map b: the object's maps take 1207959552 bytes, over 1 GiB" },
};

static void test_ebpf_map_sizes(void **state)
{
	static const struct rxs_ebpf_insn prog[] = { MOV64_IMM(0, 2), EXIT };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(map_size_cases); i++) {
		rxs_bpf_object_t *obj = NULL;
		char err[256] = "";
		int rc = rxs_bpf_object_from_insns(&obj, "sz", RXS_BPF_PROG_XDP, prog, 2,
						   map_size_cases[i].m, map_size_cases[i].n, NULL,
						   err, sizeof(err));

		if (rc != map_size_cases[i].rc ||
		    (map_size_cases[i].msg && !strstr(err, map_size_cases[i].msg)))
			fail_msg("case at line %d: rc %d '%s'", map_size_cases[i].line, rc, err);
		rxs_bpf_object_close(obj);
	}
}

static void test_ebpf_insns(void **state)
{
	uint8_t pkt[14] = { [12] = 0x08, [13] = 0x08 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(einsn_cases); i++) {
		struct rxs_bpf_run_opts o = { .sz = sizeof(o), .data_in = pkt,
					      .data_size_in = sizeof(pkt) };
		rxs_bpf_object_t *obj;
		char err[256];
		int rc = rxs_bpf_object_from_insns(&obj, "case", RXS_BPF_PROG_XDP, einsn_cases[i].p,
						   einsn_cases[i].len, NULL, 0, NULL, err,
						   sizeof(err));

		if (rc)
			fail_msg("case at line %d: refused: %s", einsn_cases[i].line, err);
		rc = rxs_bpf_prog_run(obj, NULL, &o);
		if (rc != einsn_cases[i].want_rc || (!rc && o.retval != einsn_cases[i].want))
			fail_msg("case at line %d: rc %d retval %u (0x%x), want %d %u: %s",
				 einsn_cases[i].line, rc, o.retval, o.retval, einsn_cases[i].want_rc,
				 einsn_cases[i].want, rxs_bpf_object_errmsg(obj));
		if (rc && !strstr(rxs_bpf_object_errmsg(obj), "case: insn "))
			fail_msg("case at line %d: %s", einsn_cases[i].line,
				 rxs_bpf_object_errmsg(obj));
		rxs_bpf_object_close(obj);
	}
}

/* Programs the checker refuses, and the words its message must have. Map 0 is an array of one
 * 8-byte value, map 1 a hash. */
static const struct {
	int line;
	enum rxs_bpf_prog_type type;
	struct rxs_ebpf_insn p[EMAX];
	unsigned int len;
	const char *why;
} echeck_cases[] = {
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(EI(0xff, 0, 0, 0, 0), EXIT), "insn 0: unknown opcode" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(EI(0xe7, 0, 0, 0, 0), EXIT), "unknown opcode 0xe7" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(EI(0x8f, 0, 0, 0, 0), EXIT), "invalid neg" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), EJA(5), EXIT), "jump out of range" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), EJA(-3), EXIT), "jump out of range" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), JMP_IMM(0x10, 0, 0, 1),
					    LD_IMM64(1, 1, 1), EXIT), "middle of ld_imm64" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0)), "falling off the end" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), JMP_IMM(0x10, 0, 0, -2)),
	  "falling off the end" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), LD_IMM64(1, 0, 0)),
	  "falling off the end" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(EXIT), "R0 !read_ok" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(EI(0xbf, 0, 2, 0, 0), EXIT), "R2 !read_ok" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), JMP_IMM(0x10, 1, 0, 1),
					    MOV64_IMM(3, 0), EI(0xbf, 0, 3, 0, 0), EXIT),
	  "insn 3: R3 !read_ok" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(CALL(7), EI(0xbf, 0, 1, 0, 0), EXIT), "R1 !read_ok" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(LD_MAP(1, 0), CALL(1), MOV64_IMM(0, 0), EXIT),
	  "insn 2: R2 !read_ok" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), CALL(70), EXIT),
	  "helper bpf_sock_hash_update#70 is not supported" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), CALL(100000), EXIT),
	  "unknown helper #100000" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), EI(0x85, 0, 2, 0, 7), EXIT), "kfunc" },
	{ __LINE__, RXS_BPF_PROG_SOCKET_FILTER, EPROG(MOV64_IMM(1, 0), MOV64_IMM(2, 0),
						     MOV64_IMM(3, 0), MOV64_IMM(4, 0),
						     MOV64_IMM(5, 0), CALL(9), EXIT),
	  "socket filter cannot use helper bpf_skb_store_bytes#9" },
	{ __LINE__, RXS_BPF_PROG_SCHED_CLS, EPROG(MOV64_IMM(2, 0), CALL(44), EXIT),
	  "tc cannot use helper bpf_xdp_adjust_head#44" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(10, 0), EXIT), "frame pointer is read only" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), EST(ESDW, 10, 0, 1), EXIT),
	  "invalid stack access off=0" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), EST(ESDW, 10, -520, 1), EXIT),
	  "invalid stack access off=-520" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 1), ALU64_IMM(0x30, 0, 0), EXIT),
	  "division by zero" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 1), ALU64_IMM(0x60, 0, 64), EXIT),
	  "invalid shift 64" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV32_IMM(0, 1), ALU32_IMM(0x70, 0, 32), EXIT),
	  "invalid shift 32" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), EXIT, MOV64_IMM(0, 1), EXIT),
	  "insn 2: unreachable insn" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(LD_MAP(1, 2), MOV64_IMM(0, 0), EXIT),
	  "ld_imm64 of map 2: the object has 2 maps" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(LD_MAPVAL(1, 1, 0), MOV64_IMM(0, 0), EXIT),
	  "direct value access needs a one-element array" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(LD_MAPVAL(1, 0, 8), MOV64_IMM(0, 0), EXIT),
	  "direct value offset 8" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(EI(0x18, 1, 4, 0, 0), EI(0, 0, 0, 0, 0),
					    MOV64_IMM(0, 0), EXIT), "src_reg 4" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), EI(0x20, 0, 0, 0, 0), EXIT),
	  "BPF_LD_[ABS|IND]" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), EI(0xb7, 0, 1, 0, 0), EXIT),
	  "reserved field" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), CALL_SUB(5), EXIT),
	  "call to insn 7 out of range" },
	{ __LINE__, RXS_BPF_PROG_XDP, EPROG(MOV64_IMM(0, 0), EXIT, EXIT), "unreachable" },
	{ __LINE__, RXS_BPF_PROG_XDP, { EXIT }, 0, "0 instructions" },
};

static void test_ebpf_checker(void **state)
{
	const struct rxs_bpf_map_info maps[] = {
		{ .name = "one", .type = RXS_BPF_MAP_ARRAY, .key_size = 4, .value_size = 8,
		  .max_entries = 1 },
		{ .name = "h", .type = RXS_BPF_MAP_HASH, .key_size = 4, .value_size = 8,
		  .max_entries = 8 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(echeck_cases); i++) {
		rxs_bpf_object_t *obj = NULL;
		char err[256] = "";
		int rc = rxs_bpf_object_from_insns(&obj, "chk", echeck_cases[i].type,
						   echeck_cases[i].p, echeck_cases[i].len, maps,
						   ARRAY_SIZE(maps), NULL, err, sizeof(err));

		if (rc != -EINVAL || obj || !strstr(err, echeck_cases[i].why) ||
		    strncmp(err, "chk: chk: ", 10))
			fail_msg("case at line %d: rc %d, \"%s\", want \"%s\"", echeck_cases[i].line,
				 rc, err, echeck_cases[i].why);
	}
}

/* ---- eBPF: objects built by clang ------------------------------------------------------------- */

#ifdef RXS_HAVE_LIBBPF
#define EBPF_SKIP() ((void)0)
#else
#define RXS_EBPF_DIR ""
#define EBPF_SKIP() do { \
	print_message("eBPF objects: rxsim was built without libbpf or clang; skipped\n"); \
	skip(); \
} while (0)
#endif

static rxs_bpf_object_t *eopen(const char *file, const struct rxs_bpf_object_opts *opts)
{
	char path[512], err[512];
	rxs_bpf_object_t *obj;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", RXS_EBPF_DIR, file);
	rc = rxs_bpf_object_open(&obj, path, opts, err, sizeof(err));
	if (rc)
		fail_msg("%s: %d %s", path, rc, err);
	return obj;
}

/* Run @prog on @len bytes at @pkt on CPU @cpu; the frame after the run into @out (if any).
 * Returns rxs_bpf_prog_run's result; the verdict in *@ret. */
static int erun(rxs_bpf_object_t *obj, const char *prog, const void *pkt, uint32_t len,
		unsigned int cpu, uint8_t *out, uint32_t *outlen, uint32_t *ret)
{
	static uint8_t sink[4096];
	struct rxs_bpf_run_opts o = { .sz = sizeof(o), .data_in = pkt, .data_size_in = len,
				      .data_out = out ? out : sink, .data_size_out = 4096,
				      .cpu = cpu, .now_ns = 1000 };
	int rc = rxs_bpf_prog_run(obj, prog, &o);

	if (outlen)
		*outlen = o.data_size_out;
	*ret = o.retval;
	return rc;
}

static uint32_t everdict(rxs_bpf_object_t *obj, const char *prog, const void *pkt, uint32_t len)
{
	uint32_t ret;
	int rc = erun(obj, prog, pkt, len, 0, NULL, NULL, &ret);

	if (rc)
		fail_msg("%s: %d %s", prog, rc, rxs_bpf_object_errmsg(obj));
	return ret;
}

static const struct {
	int line;
	const char *file;
	int want;
	const char *why;
} eload_cases[] = {
	{ __LINE__, "xdp_filter.o", 0, "" },
	{ __LINE__, "core.o", -ENOTSUP,
	  "core.o: core_read: insn 6 of section tc: CO-RE relocation field_byte_offset of struct "
	  "pkt_hdr (access 0:2)" },
	{ __LINE__, "redirect.o", 0, "" },	/* bpf_redirect: the path reads its choice */
	{ __LINE__, "nonexistent.o", -ENOENT, "nonexistent.o: No such file" },
};

static void test_ebpf_load(void **state)
{
	rxs_bpf_object_t *obj;
	struct rxs_bpf_program_info pi;
	struct rxs_bpf_map_info mi;
	char path[512], err[512];
	uint16_t port;

	(void)state;
	EBPF_SKIP();
	for (size_t i = 0; i < ARRAY_SIZE(eload_cases); i++) {
		int rc;

		snprintf(path, sizeof(path), "%s/%s", RXS_EBPF_DIR, eload_cases[i].file);
		err[0] = 0;
		rc = rxs_bpf_object_open(&obj, path, NULL, err, sizeof(err));
		if (rc != eload_cases[i].want || !strstr(err, eload_cases[i].why))
			fail_msg("case at line %d: %d \"%s\"", eload_cases[i].line, rc, err);
		rxs_bpf_object_close(obj);
	}
	/* Not an object; options with bytes this version does not know. */
	assert_int_equal(rxs_bpf_object_open_mem(&obj, "hello", 5, "x", NULL, err, sizeof(err)),
			 -EINVAL);
	{
		struct { struct rxs_bpf_object_opts o; uint64_t future; } big = {
			{ .sz = sizeof(big) }, 1 };

		assert_int_equal(rxs_bpf_object_open(&obj, path, &big.o, err, sizeof(err)), -EINVAL);
	}
	/* What the object holds: programs with their sections, maps as libbpf names them,
	 * global data with its initial contents, the license. */
	obj = eopen("xdp_filter.o", NULL);
	assert_string_equal(rxs_bpf_object_license(obj), "GPL");
	assert_int_equal(rxs_bpf_object_program_count(obj), 1);
	assert_int_equal(rxs_bpf_object_program(obj, 0, &pi), 0);
	assert_string_equal(pi.name, "xdp_filter");
	assert_string_equal(pi.section, "xdp");
	assert_int_equal(pi.type, RXS_BPF_PROG_XDP);
	assert_int_equal(rxs_bpf_object_program(obj, 1, &pi), -ENOENT);
	assert_int_equal(rxs_bpf_object_map_count(obj), 5);
	assert_int_equal(rxs_bpf_object_map(obj, 0, &mi), 0);
	assert_string_equal(mi.name, "blocklist");
	assert_int_equal(mi.type, RXS_BPF_MAP_HASH);
	assert_int_equal(mi.max_entries, 64);
	assert_int_equal(rxs_bpf_map_lookup(obj, ".rodata", (uint32_t[]){ 0 }, &port), 0);
	assert_int_equal(port, 53);
	rxs_bpf_object_close(obj);
}

/* The no-syscall claim of ebpf_load.c, held: a seccomp filter that kills the process on bpf()
 * while every object opens, as root and as nobody. A third child calls bpf() itself, to show
 * the filter works. */
static int no_bpf_child(int mode, uint8_t **bufs, const size_t *lens, const char **names,
			size_t n)
{
	struct rxs_bpf_insn f[] = {
		RXS_BPF_STMT(RXS_BPF_LD | RXS_BPF_W | RXS_BPF_ABS, 0),	/* seccomp_data.nr */
		RXS_BPF_JUMP(RXS_BPF_JMP | RXS_BPF_JEQ | RXS_BPF_K, __NR_bpf, 0, 1),
		RXS_BPF_STMT(RXS_BPF_RET | RXS_BPF_K, SECCOMP_RET_KILL_PROCESS),
		RXS_BPF_STMT(RXS_BPF_RET | RXS_BPF_K, SECCOMP_RET_ALLOW),
	};
	struct kernel_fprog prog = { ARRAY_SIZE(f), f };
	pid_t pid = fork();
	int status, ok = 0;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		char err[512];

		if (mode == 1 && geteuid() == 0 && (setgroups(0, NULL) || setgid(65534) ||
						   setuid(65534)))
			_exit(3);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			_exit(4);
		if (mode == 2)
			syscall(__NR_bpf, 0, NULL, 0);
		for (size_t i = 0; i < n; i++) {
			rxs_bpf_object_t *obj;
			int rc = rxs_bpf_object_open_mem(&obj, bufs[i], lens[i], names[i], NULL, err,
							 sizeof(err));

			ok += rc == 0;
			rxs_bpf_object_close(obj);
		}
		_exit(ok == (int)n ? 0 : 5);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? 1000 + WTERMSIG(status) : WEXITSTATUS(status);
}

static void test_ebpf_no_syscall(void **state)
{
	static const char *const files[] = { "xdp_filter.o", "maps.o", "tail.o", "output.o",
					     "tc_nat.o", "socket.o", "misc.o", "alu_v3.o" };
	uint8_t *bufs[ARRAY_SIZE(files)];
	size_t lens[ARRAY_SIZE(files)];
	const char *names[ARRAY_SIZE(files)];

	(void)state;
	EBPF_SKIP();
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", RXS_EBPF_DIR, files[i]);
		f = fopen(path, "rb");
		assert_non_null(f);
		bufs[i] = malloc(1 << 20);
		lens[i] = fread(bufs[i], 1, 1 << 20, f);
		names[i] = files[i];
		fclose(f);
	}
	assert_int_equal(no_bpf_child(2, bufs, lens, names, 0), 1000 + SIGSYS);
	assert_int_equal(no_bpf_child(0, bufs, lens, names, ARRAY_SIZE(files)), 0);
	if (geteuid() == 0)
		assert_int_equal(no_bpf_child(1, bufs, lens, names, ARRAY_SIZE(files)), 0);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		free(bufs[i]);
}

/* Objects libbpf 1.1 crashes on: libbpf works on them in a child, so opening one is an error
 * naming the file, and so is a child that hangs (killed at the time limit) or answers half.
 * The parent's reading of the answer refuses every prefix of it and survives any byte of it
 * changed. */
static uint8_t *eread(const char *path, size_t *len)
{
	uint8_t *buf = malloc(1 << 20);
	FILE *f = fopen(path, "rb");

	assert_non_null(buf);
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static int eanswer(const void *ans, size_t len, char *err, size_t errlen)
{
	struct rxs_bpf_object_opts opts = { .sz = sizeof(opts), .ncpus = 2 };
	struct rxs_bpf_object *obj;
	int rc;

	err[0] = 0;
	assert_int_equal(rxs__ebpf_object_new(&obj, "xdp_filter.o", &opts, err, errlen), 0);
	rc = rxs__ebpf_object_from_answer(obj, ans, len, err, errlen);
	if (!rc)
		rc = rxs__ebpf_object_check(obj, err, errlen);
	rxs_bpf_object_close(obj);
	return rc;
}

static void test_ebpf_hostile(void **state)
{
	rxs_bpf_object_t *obj;
	char path[512], err[512];
	uint8_t *buf, *ans;
	size_t len, anslen;
	int rc;

	(void)state;
	EBPF_SKIP();
	/* Found by fuzz_ebpf_elf: libbpf 1.1.2's bpf_object__load dereferences NULL on it. */
	snprintf(path, sizeof(path), "%s/ebpf/mutated-libbpf-load-null-deref.o", RXS_TESTDATA_DIR);
	obj = (rxs_bpf_object_t *)path;
	rc = rxs_bpf_object_open(&obj, path, NULL, err, sizeof(err));
	if (rc != -EINVAL || obj || strcmp(err, "mutated-libbpf-load-null-deref.o: libbpf could "
			      "not parse the object (it crashed: SIGSEGV)"))
		fail_msg("%d \"%s\"", rc, err);

	snprintf(path, sizeof(path), "%s/xdp_filter.o", RXS_EBPF_DIR);
	rxs__ebpf_open_timeout_ms = 300;
	rxs__ebpf_open_child_fault = 1;
	rc = rxs_bpf_object_open(&obj, path, NULL, err, sizeof(err));
	rxs__ebpf_open_child_fault = 2;
	if (rc != -ETIMEDOUT || obj || strcmp(err, "xdp_filter.o: libbpf could not parse the "
			      "object (it took over 0.3 s: stopped)"))
		fail_msg("hang: %d \"%s\"", rc, err);
	rc = rxs_bpf_object_open(&obj, path, NULL, err, sizeof(err));
	rxs__ebpf_open_child_fault = 0;
	rxs__ebpf_open_timeout_ms = 10000;
	if (rc != -EINVAL || obj || !strstr(err, "xdp_filter.o: libbpf could not parse the "
			      "object (it ended with "))
		fail_msg("half: %d \"%s\"", rc, err);

	buf = eread(path, &len);
	assert_int_equal(rxs__ebpf_answer(buf, len, "xdp_filter.o", &ans, &anslen, err,
					  sizeof(err)), 0);
	assert_int_equal(eanswer(ans, anslen, err, sizeof(err)), 0);
	for (size_t n = 0; n < anslen; n++) {
		rc = eanswer(ans, n, err, sizeof(err));
		if (rc != -EINVAL || !strstr(err, "xdp_filter.o: the answer of the process that "
					 "opened it is malformed ("))
			fail_msg("%zu of %zu bytes: %d \"%s\"", n, anslen, rc, err);
	}
	for (size_t n = 0; n < anslen; n++) {
		for (unsigned int bit = 0; bit < 8; bit += 3) {
			ans[n] ^= (uint8_t)(1u << bit);
			rc = eanswer(ans, anslen, err, sizeof(err));
			ans[n] ^= (uint8_t)(1u << bit);
			if (rc && !err[0])
				fail_msg("byte %zu bit %u: %d without a message", n, bit, rc);
		}
	}
	ans[4] = 2;
	assert_int_equal(eanswer(ans, anslen, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "xdp_filter.o: the answer of the process that opened it is "
			    "malformed (another version, at byte 16)");
	rxs__free(ans);
	free(buf);
}

/* XDP verdicts, from enum xdp_action; and the tc ones. */
#define XDP_ABORTED 0
#define XDP_DROP 1
#define XDP_PASS 2
#define XDP_TX 3

static void test_ebpf_xdp(void **state)
{
	struct rxs_bpf_object_opts opts = { .sz = sizeof(opts), .ncpus = 2 };
	rxs_bpf_object_t *obj;
	uint32_t src, key, ret, len, u32;
	uint64_t one = 0, drops, per[2];
	uint8_t out[4096];
	struct fr f;

	(void)state;
	EBPF_SKIP();
	obj = eopen("xdp_filter.o", &opts);
	fr_inet((uint8_t *)&src, "10.9.9.9");
	assert_int_equal(rxs_bpf_map_update(obj, "blocklist", &src, &one, 0), 0);
	fr_udp(&f, "10.9.9.9", FR_HOST_IP, 1000, 2000, 10);
	assert_int_equal(erun(obj, "xdp_filter", f.d, f.len, 1, NULL, NULL, &ret), 0);
	assert_int_equal(ret, XDP_DROP);
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, 53, 10);
	assert_int_equal(everdict(obj, "xdp_filter", f.d, f.len), XDP_DROP);	/* .rodata's port */
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, 54, 10);
	assert_int_equal(everdict(obj, "xdp_filter", f.d, f.len), XDP_PASS);
	assert_int_equal(everdict(obj, "xdp_filter", f.d, 20), XDP_PASS);	/* too short */
	f.d[23] = 6;	/* TCP */
	assert_int_equal(everdict(obj, "xdp_filter", f.d, f.len), XDP_PASS);
	/* The program's counters: the blocklist hit, per-CPU verdicts, global data. */
	assert_int_equal(rxs_bpf_map_lookup(obj, "blocklist", &src, &drops), 0);
	assert_int_equal(drops, 1);
	key = XDP_DROP;
	assert_int_equal(rxs_bpf_map_lookup(obj, "verdicts", &key, per), 0);
	assert_int_equal(per[0], 1);	/* the DNS drop ran on CPU 0 */
	assert_int_equal(per[1], 1);	/* the blocklist drop on CPU 1 */
	key = XDP_PASS;
	assert_int_equal(rxs_bpf_map_lookup(obj, "verdicts", &key, per), 0);
	assert_int_equal(per[0], 3);
	key = 0;
	assert_int_equal(rxs_bpf_map_lookup(obj, ".bss", &key, &one), 0);
	assert_int_equal(one, 3);	/* UDP seen */
	assert_int_equal(rxs_bpf_map_lookup(obj, ".data", &key, &u32), 0);
	assert_int_equal(u32, f.len);
	u32 = 99;
	assert_int_equal(rxs_bpf_map_update(obj, ".rodata", &key, &u32, 0), -EPERM);
	assert_int_equal(rxs_bpf_map_lookup(obj, "nope", &key, &u32), -ENOENT);
	rxs_bpf_object_close(obj);

	/* Head, tail and metadata adjustments: the frame comes back changed. */
	obj = eopen("xdp_adjust.o", NULL);
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, 53, 10);
	assert_int_equal(erun(obj, "xdp_push", f.d, f.len, 0, out, &len, &ret), 0);
	assert_int_equal(ret, XDP_TX);
	assert_int_equal(len, f.len + 4);
	assert_memory_equal(out, f.d, 12);
	assert_memory_equal(out + 12, "\x81\x00\x00\x2a", 4);
	assert_memory_equal(out + 16, f.d + 12, f.len - 12);
	assert_int_equal(erun(obj, "xdp_pop", f.d, f.len, 0, out, &len, &ret), 0);
	assert_int_equal(ret, XDP_PASS);
	assert_int_equal(len, f.len - 14);
	assert_memory_equal(out, f.d + 14, len);
	assert_int_equal(erun(obj, "xdp_tail", f.d, f.len, 0, out, &len, &ret), 0);
	assert_int_equal(ret, XDP_PASS);
	assert_int_equal(len, f.len + 4);
	assert_memory_equal(out, f.d, f.len - 4);
	assert_memory_equal(out + f.len - 4, "\0\0\0\0\x04\x03\x02\x01", 8);
	{	/* data_out too small: -ENOSPC, and the size needed */
		struct rxs_bpf_run_opts o = { .sz = sizeof(o), .data_in = f.d,
					      .data_size_in = f.len, .data_out = out,
					      .data_size_out = 10 };

		assert_int_equal(rxs_bpf_prog_run(obj, "xdp_push", &o), -ENOSPC);
		assert_int_equal(o.data_size_out, f.len + 4);
		o.sz = 4;
		assert_int_equal(rxs_bpf_prog_run(obj, "xdp_push", &o), -EINVAL);
		o.sz = sizeof(o);
		assert_int_equal(rxs_bpf_prog_run(obj, "nope", &o), -ENOENT);
		o.data_size_in = 10;	/* shorter than an Ethernet header */
		assert_int_equal(rxs_bpf_prog_run(obj, "xdp_push", &o), -EINVAL);
	}
	rxs_bpf_object_close(obj);
	obj = eopen("xdp_meta.o", NULL);
	assert_int_equal(erun(obj, "xdp_meta", f.d, f.len, 0, out, &len, &ret), 0);
	assert_int_equal(ret, XDP_PASS);
	assert_int_equal(len, f.len);
	/* The metadata was read back through data_meta; the first 4 bytes of the frame were
	 * loaded, inverted and stored. */
	assert_int_equal(out[0], (uint8_t)~f.d[0]);
	assert_memory_equal(out + 4, f.d + 4, f.len - 4);
	rxs_bpf_object_close(obj);
}

/* An IPv4 frame's checksums: the header's and the UDP one over the pseudo-header. */
static void assert_csums(const uint8_t *d, uint32_t len)
{
	uint32_t ulen = rxs__get_be16(d + 38), sum = fr_sum(d + 26, 8, 0) + 17 + ulen;

	assert_int_equal(fr_fold(fr_sum(d + 14, 20, 0)), 0);
	assert_true(ulen <= len - 34);
	assert_int_equal(fr_fold(fr_sum(d + 34, ulen, sum)), 0);
}

static void test_ebpf_tc_socket(void **state)
{
	uint8_t out[4096], ctx[192] = { 0 }, ctx_out[192];
	rxs_bpf_object_t *obj;
	uint32_t ret, len, key = 0, diff, mark, cb1;
	struct fr f;

	(void)state;
	EBPF_SKIP();
	obj = eopen("tc_nat.o", NULL);
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, 53, 30);
	assert_csums(f.d, f.len);
	{
		struct rxs_bpf_run_opts o = { .sz = sizeof(o), .data_in = f.d,
					      .data_size_in = f.len, .data_out = out,
					      .data_size_out = sizeof(out), .ctx_in = ctx,
					      .ctx_size_in = sizeof(ctx), .ctx_out = ctx_out,
					      .ctx_size_out = sizeof(ctx_out) };

		assert_int_equal(rxs_bpf_prog_run(obj, "tc_nat", &o), 0);
		assert_int_equal(o.retval, 0);
		assert_int_equal(o.data_size_out, f.len);
		memcpy(&mark, ctx_out + 8, 4);
		memcpy(&cb1, ctx_out + 52, 4);
		assert_int_equal(mark, 0x77);
		assert_int_equal(cb1, f.len);
	}
	assert_memory_equal(out + 30, "\x0a\x00\x00\x63", 4);
	assert_csums(out, f.len);
	assert_int_equal(rxs_bpf_map_lookup(obj, "diffs", &key, &diff), 0);
	assert_int_not_equal(diff, 0);
	assert_int_equal(erun(obj, "tc_swap", f.d, f.len, 0, out, &len, &ret), 0);
	assert_memory_equal(out, f.d + 6, 6);
	assert_memory_equal(out + 6, f.d, 6);
	assert_int_equal(ret, f.len + 1000 + 3 * 100000);	/* len, ifindex lo, OTHERHOST */
	rxs_bpf_object_close(obj);

	obj = eopen("socket.o", NULL);
	assert_int_equal(everdict(obj, "sock_dns", f.d, f.len), f.len - 14);
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, 54, 30);
	assert_int_equal(everdict(obj, "sock_dns", f.d, f.len), 16);
	assert_int_equal(everdict(obj, "sock_far", f.d, f.len), 0);	/* LD_ABS past the end */
	rxs_bpf_object_close(obj);

	obj = eopen("reuseport.o", NULL);
	assert_int_equal(everdict(obj, "select_by_len", f.d, 20), 1);	/* SK_PASS */
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, 54, 100);
	assert_int_equal(everdict(obj, "select_by_len", f.d, f.len), 0);	/* over 100 */
	rxs_bpf_object_close(obj);
}

/* maps.o's packet: an operation and a key after the Ethernet header. */
static uint32_t map_op(rxs_bpf_object_t *obj, uint8_t op, uint32_t key, unsigned int cpu)
{
	uint8_t pkt[20] = { [14] = op };
	uint32_t ret;

	memcpy(pkt + 15, &key, 4);
	if (erun(obj, "maps_op", pkt, sizeof(pkt), cpu, NULL, NULL, &ret))
		fail_msg("maps_op %u: %s", op, rxs_bpf_object_errmsg(obj));
	return ret;
}

struct lpm_k {
	uint32_t prefixlen;
	uint8_t addr[4];
};

static void test_ebpf_maps(void **state)
{
	struct rxs_bpf_object_opts opts = { .sz = sizeof(opts), .ncpus = 3 };
	struct lpm_k lk;
	rxs_bpf_object_t *obj;
	uint64_t v64, keys = 0;
	uint32_t k, next, v32;
	uint64_t per[3];	/* per-CPU values, each padded to 8 bytes as bpf(2) has them */

	(void)state;
	EBPF_SKIP();
	obj = eopen("maps.o", &opts);
	/* Hash: insert, duplicate (-EEXIST), full (-E2BIG), delete; the order of keys. */
	for (k = 1; k <= 4; k++)
		assert_int_equal(map_op(obj, 1, k, 0), XDP_PASS);
	assert_int_equal(map_op(obj, 1, 2, 0), XDP_DROP);
	assert_int_equal(map_op(obj, 1, 5, 0), XDP_DROP);
	assert_int_equal(map_op(obj, 2, 3, 0), XDP_PASS);
	assert_int_equal(map_op(obj, 2, 3, 0), XDP_DROP);
	assert_int_equal(map_op(obj, 1, 9, 0), XDP_PASS);
	for (int rc = rxs_bpf_map_get_next_key(obj, "hash", NULL, &next); !rc;
	     rc = rxs_bpf_map_get_next_key(obj, "hash", &next, &next))
		keys = keys * 10 + next;
	assert_int_equal(keys, 1249);
	k = 9;
	assert_int_equal(rxs_bpf_map_lookup(obj, "hash", &k, &v64), 0);
	assert_int_equal(v64, 90);
	assert_int_equal(rxs_bpf_map_delete(obj, "hash", &k), 0);
	assert_int_equal(rxs_bpf_map_delete(obj, "hash", &k), -ENOENT);
	assert_int_equal(rxs_bpf_map_update(obj, "hash", &k, &v64, 2), -ENOENT);	/* BPF_EXIST */
	/* Array: values add up; out of range is no element; no delete. */
	assert_int_equal(map_op(obj, 3, 2, 0), XDP_PASS);
	assert_int_equal(map_op(obj, 3, 2, 0), XDP_PASS);
	assert_int_equal(map_op(obj, 3, 4, 0), XDP_DROP);
	k = 2;
	assert_int_equal(rxs_bpf_map_lookup(obj, "array", &k, &v64), 0);
	assert_int_equal(v64, 40);
	assert_int_equal(rxs_bpf_map_delete(obj, "array", &k), -EINVAL);
	k = 4;
	assert_int_equal(rxs_bpf_map_update(obj, "array", &k, &v64, 0), -E2BIG);
	/* Per-CPU: each CPU its own value; the library sees all three. */
	map_op(obj, 4, 7, 0);
	map_op(obj, 4, 7, 2);
	map_op(obj, 4, 7, 2);
	k = 7;
	assert_int_equal(rxs_bpf_map_lookup(obj, "pcpu_hash", &k, per), 0);
	assert_int_equal(per[0], 1);
	assert_int_equal(per[1], 0);
	assert_int_equal(per[2], 2);
	k = 1;
	assert_int_equal(rxs_bpf_map_lookup(obj, "pcpu_array", &k, per), 0);
	assert_int_equal(per[0] + per[1] + per[2], 21);
	/* LRU of 3: 10, 11, 12 in; 10 used again; 13 evicts the least recently used, 11. */
	for (k = 10; k <= 12; k++)
		assert_int_equal(map_op(obj, 5, k, 0), XDP_PASS);
	assert_int_equal(map_op(obj, 5, 10, 0), XDP_TX);
	assert_int_equal(map_op(obj, 5, 13, 0), XDP_PASS);
	k = 11;
	assert_int_equal(rxs_bpf_map_lookup(obj, "lru", &k, &v32), -ENOENT);
	k = 12;
	assert_int_equal(rxs_bpf_map_lookup(obj, "lru", &k, &v32), 0);
	assert_int_equal(map_op(obj, 5, 10, 0), XDP_TX);
	/* LPM: 10.0.0.0/8 -> 8, 10.1.0.0/16 -> 16, 10.1.2.3/32 -> 32; the longest wins. */
	lk = (struct lpm_k){ 8, { 10, 0, 0, 0 } };
	v32 = 8;
	assert_int_equal(rxs_bpf_map_update(obj, "routes", &lk, &v32, 0), 0);
	lk = (struct lpm_k){ 16, { 10, 1, 0, 0 } };
	v32 = 16;
	assert_int_equal(rxs_bpf_map_update(obj, "routes", &lk, &v32, 0), 0);
	lk = (struct lpm_k){ 32, { 10, 1, 2, 3 } };
	v32 = 32;
	assert_int_equal(rxs_bpf_map_update(obj, "routes", &lk, &v32, 0), 0);
	lk = (struct lpm_k){ 33, { 10, 1, 2, 3 } };
	assert_int_equal(rxs_bpf_map_update(obj, "routes", &lk, &v32, 0), -EINVAL);
	assert_int_equal(map_op(obj, 6, 0x0302010a, 0), 32);
	assert_int_equal(map_op(obj, 6, 0x0402010a, 0), 16);
	assert_int_equal(map_op(obj, 6, 0x0403020a, 0), 8);
	assert_int_equal(map_op(obj, 6, 0x0403020b, 0), 99);
	lk = (struct lpm_k){ 16, { 10, 1, 99, 99 } };	/* bits past the prefix do not count */
	assert_int_equal(rxs_bpf_map_delete(obj, "routes", &lk), 0);
	assert_int_equal(map_op(obj, 6, 0x0402010a, 0), 8);
	rxs_bpf_object_close(obj);
}

static void test_ebpf_tail_calls(void **state)
{
	rxs_bpf_object_t *obj;
	uint8_t pkt[20] = { 0 };
	uint32_t k = 0, bss[2], idx;	/* .bss: chain, loops */

	(void)state;
	EBPF_SKIP();
	obj = eopen("tail.o", NULL);
	/* Slot 0 came from the object's .values: tail_one. */
	assert_int_equal(rxs_bpf_map_lookup(obj, "jmp", &k, &idx), 0);
	assert_int_equal(idx, (uint32_t)rxs_bpf_object_program_index(obj, "tail_one"));
	assert_int_equal(everdict(obj, "tail_entry", pkt, sizeof(pkt)), XDP_DROP);
	assert_int_equal(rxs_bpf_map_lookup(obj, ".bss", &k, bss), 0);
	assert_int_equal(bss[0], 91);
	/* Slot 1 from the library: tail_two, which tail-calls slot 0 in turn. */
	k = 1;
	idx = (uint32_t)rxs_bpf_object_program_index(obj, "tail_two");
	assert_int_equal(rxs_bpf_map_update(obj, "jmp", &k, &idx, 0), 0);
	pkt[14] = 1;
	assert_int_equal(everdict(obj, "tail_entry", pkt, sizeof(pkt)), XDP_DROP);
	k = 0;
	assert_int_equal(rxs_bpf_map_lookup(obj, ".bss", &k, bss), 0);
	assert_int_equal(bss[0], 921);
	pkt[14] = 2;	/* an empty slot: the call falls through */
	assert_int_equal(everdict(obj, "tail_entry", pkt, sizeof(pkt)), XDP_PASS);
	idx = 99;
	assert_int_equal(rxs_bpf_map_update(obj, "jmp", &k, &idx, 0), -EBADF);
	/* A program calling itself: 1 run + 33 tail calls, then the call fails. */
	idx = (uint32_t)rxs_bpf_object_program_index(obj, "tail_self");
	assert_int_equal(rxs_bpf_map_update(obj, "self", &k, &idx, 0), 0);
	assert_int_equal(everdict(obj, "tail_self", pkt, sizeof(pkt)), XDP_PASS);
	assert_int_equal(rxs_bpf_map_lookup(obj, ".bss", &k, bss), 0);
	assert_int_equal(bss[1], 1 + RXS_BPF_MAX_TAIL_CALLS);
	rxs_bpf_object_close(obj);
}

static void test_ebpf_output(void **state)
{
	struct rxs_bpf_object_opts opts = { .sz = sizeof(opts), .ncpus = 2 };
	const struct rxs_bpf_output *out;
	rxs_bpf_object_t *obj;
	uint8_t pkt[64] = { 1, 2, 3 };
	uint32_t ret, ev[4];
	unsigned int n;

	(void)state;
	EBPF_SKIP();
	obj = eopen("output.o", &opts);
	assert_int_equal(erun(obj, "out_all", pkt, sizeof(pkt), 1, NULL, NULL, &ret), 0);
	assert_int_equal(ret, XDP_PASS);
	n = rxs_bpf_object_output(obj, &out);
	assert_int_equal(n, 5);
	assert_int_equal(out[0].kind, RXS_BPF_OUT_TRACE);
	assert_string_equal((const char *)out[0].data, "len 64 cpu 1 rxsim");
	assert_string_equal(out[0].prog, "out_all");
	assert_string_equal((const char *)out[1].data, "hex beef neg -5 -7");
	/* The perf event: the struct, then 14 bytes of the packet; on this CPU. */
	assert_int_equal(out[2].kind, RXS_BPF_OUT_PERF);
	assert_string_equal(out[2].map, "events");
	assert_int_equal(out[2].cpu, 1);
	assert_int_equal(out[2].len, 16 + 14);
	memcpy(ev, out[2].data, 16);
	assert_int_equal(ev[0], 64);
	assert_int_equal(ev[1], 1);
	assert_int_equal(ev[2], 1000);	/* bpf_ktime_get_ns: the caller's time */
	assert_memory_equal(out[2].data + 16, pkt, 14);
	/* Ring buffer: the output, then the reserved record; the discarded one is not there. */
	assert_int_equal(out[3].kind, RXS_BPF_OUT_RINGBUF);
	assert_string_equal(out[3].map, "rb");
	assert_int_equal(out[3].len, 16);
	assert_int_equal(out[4].len, 16);
	memcpy(ev, out[4].data, 16);
	assert_int_equal(ev[0], 1);
	assert_int_equal(ev[1], 2);
	/* Records stay until cleared: the 4 KiB ring holds 63 records of 64 bytes (as the
	 * kernel's, never filled to the last byte); the two above take 48 bytes of it. */
	assert_int_equal(everdict(obj, "out_fill", pkt, sizeof(pkt)), 63);
	assert_int_equal(everdict(obj, "out_fill", pkt, sizeof(pkt)), 0);
	rxs_bpf_object_clear_output(obj);
	assert_int_equal(rxs_bpf_object_output(obj, &out), 0);
	assert_int_equal(everdict(obj, "out_fill", pkt, sizeof(pkt)), 63);
	rxs_bpf_object_close(obj);
}

struct misc_state {
	uint64_t now;
	uint32_t rnd[2];
	uint32_t cpu;
	uint32_t pad;
	uint64_t xchg_old, slot, cmpxchg_old, counter;
	uint32_t sum;
};

static struct misc_state run_misc(uint64_t seed, unsigned int cpu, uint64_t now)
{
	struct rxs_bpf_object_opts opts = { .sz = sizeof(opts), .ncpus = 4, .prandom_seed = seed };
	rxs_bpf_object_t *obj = eopen("misc.o", &opts);
	struct rxs_bpf_run_opts o = { .sz = sizeof(o), .data_in = fr_host_mac, .cpu = cpu,
				      .now_ns = now };
	uint8_t pkt[64] = { 0 };
	struct misc_state st;
	uint32_t k = 0;

	o.data_in = pkt;
	o.data_size_in = sizeof(pkt);
	assert_int_equal(rxs_bpf_prog_run(obj, "misc_env", &o), 0);
	assert_int_equal(rxs_bpf_map_lookup(obj, ".bss", &k, &st), 0);
	rxs_bpf_object_close(obj);
	return st;
}

static void test_ebpf_misc(void **state)
{
	struct rxs_bpf_object_opts opts = { .sz = sizeof(opts), .insn_limit = 10000 };
	rxs_bpf_object_t *obj;
	uint8_t pkt[300];
	uint32_t ret, sums = 0;
	struct rxs_bpf_run_opts o = { .sz = sizeof(o), .data_in = pkt };
	struct misc_state a, b, c;

	(void)state;
	EBPF_SKIP();
	a = run_misc(1, 3, 12345);
	b = run_misc(1, 0, 0);
	c = run_misc(2, 0, 0);
	assert_int_equal(a.now, 12345);
	assert_int_equal(a.xchg_old, 66);	/* the xchg's old value; then cpu was 3 */
	assert_int_equal(a.slot, 77);
	assert_int_equal(a.cpu, 3);
	assert_int_equal(a.counter, 0x200);	/* 5, | 0x100, cmpxchg 0x105 -> 0x200 */
	assert_int_equal(a.cmpxchg_old, 0x105);
	/* The same seed, the same numbers; another seed, others. */
	assert_memory_equal(a.rnd, b.rnd, sizeof(a.rnd));
	assert_memory_not_equal(a.rnd, c.rnd, sizeof(a.rnd));
	assert_int_not_equal(a.rnd[0], a.rnd[1]);
	/* A bounded loop: instructions grow with the packet, up to the 256 bytes it reads. */
	obj = eopen("misc.o", &opts);
	for (unsigned int i = 0; i < sizeof(pkt); i++) {
		pkt[i] = (uint8_t)i;
		sums += i < 256 ? (uint8_t)i : 0;
	}
	o.data_size_in = 100;
	assert_int_equal(rxs_bpf_prog_run(obj, "misc_loop", &o), 0);
	assert_int_equal(o.retval, (99 * 100 / 2) & 0xff);
	ret = (uint32_t)o.insns;
	o.data_size_in = sizeof(pkt);
	assert_int_equal(rxs_bpf_prog_run(obj, "misc_loop", &o), 0);
	assert_int_equal(o.retval, sums & 0xff);
	assert_true(o.insns > 2 * ret);
	rxs_bpf_object_close(obj);
}

/* What the verifier would refuse, stopped at run time with program and instruction named. */
static void test_ebpf_bad(void **state)
{
	struct rxs_bpf_object_opts opts = { .sz = sizeof(opts), .insn_limit = 5000 };
	rxs_bpf_object_t *obj;
	uint32_t ret;
	struct fr f;

	(void)state;
	EBPF_SKIP();
	obj = eopen("bad.o", &opts);
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, 53, 10);
	assert_int_equal(everdict(obj, "bad_unchecked", f.d, f.len), XDP_DROP);
	assert_int_equal(erun(obj, "bad_unchecked", f.d, 30, 0, NULL, NULL, &ret), -EFAULT);
	assert_string_equal(rxs_bpf_object_errmsg(obj), "bad_unchecked: insn 1: read of 2 bytes "
			    "at packet+292 out of bounds (256..286)");
	assert_int_equal(erun(obj, "bad_forever", f.d, f.len, 0, NULL, NULL, &ret), -E2BIG);
	assert_non_null(strstr(rxs_bpf_object_errmsg(obj), "instruction limit of 5000"));
	assert_int_equal(erun(obj, "bad_rodata_write", f.d, f.len, 0, NULL, NULL, &ret), -EFAULT);
	assert_non_null(strstr(rxs_bpf_object_errmsg(obj), "write to read-only map bad.rodata"));
	/* A good run clears the message. */
	assert_int_equal(everdict(obj, "bad_unchecked", f.d, f.len), XDP_DROP);
	assert_string_equal(rxs_bpf_object_errmsg(obj), "");
	rxs_bpf_object_close(obj);
}

/* alu_v3.o (-mcpu=v3: ALU32, JMP32, fetching atomics) against the same C on the host. */
struct alu_res {
	uint32_t add, sub, mul, div, mod, and_, or_, xor_, lsh, rsh, neg;
	int32_t arsh;
	uint64_t add64, mul64, div64, mod64, rsh64;
	int64_t arsh64;
	uint32_t lt, le, slt, sle, gt, sge, set;
	uint64_t fetch_old, fetch_and, fetch_xor;
	uint32_t be16, be32;
	uint64_t be64;
};

static struct alu_res alu_host(uint32_t a, uint32_t b, uint32_t hi, uint32_t b2)
{
	uint64_t a64 = (uint64_t)hi << 32 | a, b64 = b2;
	struct alu_res r = {
		a + b, a - b, a * b, b ? a / b : 0, b ? a % b : a, a & b, a | b, a ^ b,
		a << (b & 31), a >> (b & 31), 0u - a, (int32_t)a >> (b & 31),
		a64 + b64, a64 * b64, b64 ? a64 / b64 : 0, b64 ? a64 % b64 : a64, a64 >> (b & 63),
		(int64_t)a64 >> (b & 63), a < b, a <= b, (int32_t)a < (int32_t)b,
		(int32_t)a <= (int32_t)b, a > b, (int32_t)a >= (int32_t)b, (a & b) != 0,
		10, 0xff00 & a64, 0xf0f0 ^ b64, __builtin_bswap16((uint16_t)a),
		__builtin_bswap32(a), __builtin_bswap64(a64),
	};
	return r;
}

/* Zero the padding before fetch_old, which a struct literal leaves unspecified. */
static void alu_pad(struct alu_res *r)
{
	size_t from = offsetof(struct alu_res, set) + sizeof(r->set);

	memset((char *)r + from, 0, offsetof(struct alu_res, fetch_old) - from);
}

static void test_ebpf_alu(void **state)
{
	static const uint32_t vals[] = { 0, 1, 2, 7, 31, 32, 63, 0x80000000u, 0xffffffffu,
					 0x12345678u, 0xfffffff9u };
	rxs_bpf_object_t *obj;
	uint32_t k = 0, n = 0;

	(void)state;
	EBPF_SKIP();
	obj = eopen("alu_v3.o", NULL);
	for (size_t i = 0; i < ARRAY_SIZE(vals); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(vals); j++) {
			uint32_t pkt[8] = { 0 };
			struct alu_res want = alu_host(vals[i], vals[j], vals[j] ^ 0x5a5a, vals[i] + 3);
			struct alu_res got;

			/* The payload at byte 14: a, b, hi, b2 (unaligned). */
			memcpy((uint8_t *)pkt + 14, (uint32_t[]){ vals[i], vals[j], vals[j] ^ 0x5a5a,
								  vals[i] + 3 }, 16);
			assert_int_equal(everdict(obj, "alu", pkt, sizeof(pkt)), 0);
			assert_int_equal(rxs_bpf_map_lookup(obj, ".bss", &k, &got), 0);
			alu_pad(&got);
			alu_pad(&want);
			if (memcmp(&got, &want, sizeof(got)))
				fail_msg("a %#x b %#x: results differ", vals[i], vals[j]);
			n++;
		}
	}
	assert_int_equal(n, 121);
	rxs_bpf_object_close(obj);
}

/* ---- eBPF: the kernel's answers (root) ------------------------------------------------------- */

/* libbpf's declarations, written here because its <linux/bpf.h> and libpcap's <pcap/bpf.h> both
 * define struct bpf_insn. struct bpf_test_run_opts grows only at its end (libbpf's options
 * ABI), so this prefix with its own sz is a valid one, as long as it ends on a field: libbpf
 * reads every field sz covers, and four bytes of padding after duration would be read as
 * flags (garbage from clang, which need not zero padding: the kernel said EINVAL). */
#ifdef RXS_HAVE_LIBBPF
struct bpf_object;
struct bpf_program;
struct bpf_map;
struct bpf_test_run_opts {
	size_t sz;
	const void *data_in;
	void *data_out;
	uint32_t data_size_in;
	uint32_t data_size_out;
	const void *ctx_in;
	void *ctx_out;
	uint32_t ctx_size_in;
	uint32_t ctx_size_out;
	uint32_t retval;
	int repeat;
	uint32_t duration;
	uint32_t flags;
};
struct bpf_object *bpf_object__open_file(const char *path, const void *opts);
int bpf_object__load(struct bpf_object *obj);
void bpf_object__close(struct bpf_object *obj);
struct bpf_program *bpf_object__find_program_by_name(const struct bpf_object *obj,
						     const char *name);
int bpf_program__fd(const struct bpf_program *prog);
struct bpf_map *bpf_object__find_map_by_name(const struct bpf_object *obj, const char *name);
int bpf_map__fd(const struct bpf_map *map);
int bpf_map_lookup_elem(int fd, const void *key, void *value);
int bpf_map_update_elem(int fd, const void *key, const void *value, uint64_t flags);
int bpf_map_get_next_key(int fd, const void *key, void *next_key);
int bpf_prog_test_run_opts(int prog_fd, struct bpf_test_run_opts *opts);
int libbpf_num_possible_cpus(void);
#endif

/* One comparison: an object, the programs run in turn on each frame, the maps compared at the
 * end (per-CPU values summed: the kernel's test run takes whatever CPU it is on). */
struct kcmp {
	int line;
	const char *file;
	const char *progs[3];
	const char *maps[3];
	bool skb;	/* compare mark and cb[] from the context too */
};

static const struct kcmp kcmp_cases[] = {
	{ __LINE__, "xdp_filter.o", { "xdp_filter" }, { "blocklist", "verdicts", ".bss" }, false },
	{ __LINE__, "xdp_adjust.o", { "xdp_push", "xdp_pop", "xdp_tail" }, { NULL }, false },
	{ __LINE__, "tc_nat.o", { "tc_nat", "tc_swap" }, { "diffs" }, true },
	{ __LINE__, "socket.o", { "sock_dns", "sock_far" }, { NULL }, false },
	{ __LINE__, "maps.o", { "maps_op" }, { "hash", "array" }, false },	/* LRU: the kernel's is approximate */
	{ __LINE__, "misc.o", { "misc_loop" }, { NULL }, false },
	{ __LINE__, "alu_v3.o", { "alu" }, { ".bss" }, false },
	{ __LINE__, "output.o", { "out_fill" }, { NULL }, false },
	/* The programs of rxsim-bench and of the examples (built beside these). */
	{ __LINE__, "xdp_drop.o", { "xdp_drop" }, { "drops" }, false },
	{ __LINE__, "../examples/xdp-ddos/xdp_ddos.o", { "xdp_ddos" }, { "blocklist", "stats" },
	  false },
	{ __LINE__, "../examples/tc-ingress/tc_acl.o", { "tc_acl" }, { "acl_hits" }, true },
};

/* The frames every program meets: UDP to 53 and not, from the blocked source, TCP, short,
 * odd sizes, maps.o's operations, then random frames (half of them IPv4 with a 20-byte
 * header, so that they reach the programs' IP and UDP paths and alu's arithmetic). */
static unsigned int kframes(struct fr *frames, unsigned int max)
{
	static const uint8_t ops[][5] = { { 1, 1 }, { 1, 2 }, { 1, 2 }, { 2, 1 }, { 3, 2 },
					  { 3, 3 }, { 3, 9 }, { 5, 4 }, { 5, 5 }, { 5, 6 },
					  { 5, 7 }, { 5, 4 }, { 1, 3 }, { 1, 4 }, { 1, 5 } };
	unsigned int n = 0;

	fr_udp(&frames[n++], FR_PEER_IP, FR_HOST_IP, 1000, 53, 30);
	fr_udp(&frames[n++], "10.9.9.9", FR_HOST_IP, 1000, 54, 1);
	fr_udp(&frames[n++], FR_PEER_IP, FR_HOST_IP, 4000, 54, 200);
	fr_udp(&frames[n], FR_PEER_IP, FR_HOST_IP, 4000, 54, 0);
	frames[n++].d[23] = 6;
	fr_udp(&frames[n], FR_PEER_IP, FR_HOST_IP, 1, 2, 10);
	frames[n++].len = 20;
	for (size_t i = 0; i < ARRAY_SIZE(ops) && n < max; i++) {
		memset(&frames[n], 0, sizeof(frames[n]));
		memcpy(frames[n].d + 14, ops[i], 5);
		frames[n++].len = 64;
	}
	for (uint32_t x = 0x2545f491; n < max; n++) {
		memset(&frames[n], 0, sizeof(frames[n]));
		frames[n].len = 34 + (x % 220);
		for (uint32_t i = 0; i < frames[n].len; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			frames[n].d[i] = (uint8_t)x;
		}
		if (n % 2) {
			memcpy(frames[n].d + 12, "\x08\x00\x45", 3);
			frames[n].d[23] = n % 4 == 1 ? 17 : frames[n].d[23];
		}
	}
	return n;
}

#ifdef RXS_HAVE_LIBBPF
/* A map's contents in both: every key ours has, the kernel's value; and as many keys. */
static void kcompare_map(const struct kcmp *c, rxs_bpf_object_t *obj, struct bpf_object *kobj,
			 const char *name)
{
	unsigned int ncpus = (unsigned int)libbpf_num_possible_cpus(), nk = 0, nours = 0;
	uint8_t key[64], next[64], ours[512], theirs[512 * 64];
	struct rxs_bpf_map_info mi = { 0 };
	struct bpf_map *km = NULL;
	int fd, rc;

	for (unsigned int i = 0; i < rxs_bpf_object_map_count(obj); i++) {
		rxs_bpf_object_map(obj, i, &mi);
		if (!strcmp(mi.name, name) || (name[0] == '.' && strstr(mi.name, name)))
			break;
	}
	km = bpf_object__find_map_by_name(kobj, mi.name);
	if (!km)
		fail_msg("case at line %d: map %s not in the kernel's object", c->line, name);
	fd = bpf_map__fd(km);
	for (rc = rxs_bpf_map_get_next_key(obj, mi.name, NULL, next); !rc;
	     rc = rxs_bpf_map_get_next_key(obj, mi.name, key, next)) {
		bool percpu = mi.type == RXS_BPF_MAP_PERCPU_ARRAY || mi.type == RXS_BPF_MAP_PERCPU_HASH;
		uint64_t sum = 0;

		memcpy(key, next, mi.key_size);
		nours++;
		assert_int_equal(rxs_bpf_map_lookup(obj, mi.name, key, ours), 0);
		if (bpf_map_lookup_elem(fd, key, theirs))
			fail_msg("case at line %d: map %s: a key the kernel does not have", c->line,
				 mi.name);
		if (percpu) {
			for (unsigned int cpu = 0; cpu < ncpus; cpu++)
				sum += *(uint64_t *)(theirs + cpu * ((mi.value_size + 7) & ~7u));
			memcpy(theirs, &sum, 8);
		}
		if (memcmp(ours, theirs, percpu ? 8 : mi.value_size))
			fail_msg("case at line %d: map %s: values differ (first words: rxsim %#x, "
				 "kernel %#x)", c->line, mi.name, *(uint32_t *)ours,
				 *(uint32_t *)theirs);
	}
	for (rc = bpf_map_get_next_key(fd, NULL, next); !rc;
	     rc = bpf_map_get_next_key(fd, key, next)) {
		memcpy(key, next, mi.key_size);
		nk++;
	}
	assert_int_equal(nk, nours);
}

static unsigned int kruns, kmaps;

static void kcompare(const struct kcmp *c, const struct fr *frames, unsigned int nframes)
{
	static uint8_t kout[4096], out[4096];
	uint8_t kctx[192], ctx[192], zero[192] = { 0 };
	char path[512];
	struct bpf_object *kobj;
	rxs_bpf_object_t *obj = eopen(c->file, NULL);
	uint32_t blocked;

	snprintf(path, sizeof(path), "%s/%s", RXS_EBPF_DIR, c->file);
	kobj = bpf_object__open_file(path, NULL);
	if (!kobj || bpf_object__load(kobj))
		fail_msg("case at line %d: the kernel refuses %s", c->line, c->file);
	/* xdp_filter's blocklist: one source, in both. */
	fr_inet((uint8_t *)&blocked, "10.9.9.9");
	if (bpf_object__find_map_by_name(kobj, "blocklist")) {
		uint64_t zero64 = 0;

		bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(kobj, "blocklist")),
				    &blocked, &zero64, 0);
		rxs_bpf_map_update(obj, "blocklist", &blocked, &zero64, 0);
	}
	for (unsigned int i = 0; i < nframes; i++) {
		for (int p = 0; p < 3 && c->progs[p]; p++) {
			struct bpf_test_run_opts ko = {
				.sz = sizeof(ko), .data_in = frames[i].d,
				.data_size_in = frames[i].len, .data_out = kout,
				.data_size_out = sizeof(kout), .repeat = 1 };
			struct rxs_bpf_run_opts o = {
				.sz = sizeof(o), .data_in = frames[i].d, .data_size_in = frames[i].len,
				.data_out = out, .data_size_out = sizeof(out) };
			struct bpf_program *kp = bpf_object__find_program_by_name(kobj, c->progs[p]);
			int krc, rc;

			if (c->skb) {
				ko.ctx_in = zero;
				ko.ctx_size_in = ko.ctx_size_out = sizeof(kctx);
				ko.ctx_out = kctx;
				o.ctx_in = zero;
				o.ctx_size_in = o.ctx_size_out = sizeof(ctx);
				o.ctx_out = ctx;
			}
			krc = bpf_prog_test_run_opts(bpf_program__fd(kp), &ko);
			rc = rxs_bpf_prog_run(obj, c->progs[p], &o);
			if (krc != rc || ko.retval != o.retval || ko.data_size_out != o.data_size_out ||
			    memcmp(kout, out, o.data_size_out))
				fail_msg("case at line %d: %s, frame %u (%u bytes): kernel %d/%u/%u "
					 "bytes, rxsim %d/%u/%u bytes%s %s", c->line, c->progs[p], i,
					 frames[i].len, krc, ko.retval, ko.data_size_out, rc,
					 o.retval, o.data_size_out,
					 ko.data_size_out == o.data_size_out ? " (contents differ)" : "",
					 rxs_bpf_object_errmsg(obj));
			kruns++;
			/* mark (8) and cb[0..4] (48..68): what the program may write. */
			if (c->skb && (memcmp(kctx + 8, ctx + 8, 4) || memcmp(kctx + 48, ctx + 48, 20)))
				fail_msg("case at line %d: %s frame %u: the context differs", c->line,
					 c->progs[p], i);
		}
		/* The maps after every frame: alu's .bss holds that frame's results. */
		for (int m = 0; m < 3 && c->maps[m]; m++, kmaps++)
			kcompare_map(c, obj, kobj, c->maps[m]);
	}
	bpf_object__close(kobj);
	rxs_bpf_object_close(obj);
}
#endif

static void test_ebpf_kernel(void **state)
{
	static struct fr frames[80];
	unsigned int n = kframes(frames, ARRAY_SIZE(frames));

	(void)state;
	EBPF_SKIP();
	if (geteuid() != 0) {
		print_message("eBPF against the kernel: needs root (BPF_PROG_TEST_RUN); skipped\n");
		skip();
	}
#ifdef RXS_HAVE_LIBBPF
	for (size_t i = 0; i < ARRAY_SIZE(kcmp_cases); i++)
		kcompare(&kcmp_cases[i], frames, n);
	print_message("eBPF against the kernel: %zu objects, %u frames, %u runs (verdict, frame, "
		      "context), %u map comparisons, all equal\n", ARRAY_SIZE(kcmp_cases), n, kruns,
		      kmaps);
#endif
	(void)n;
}

/* ---- programs on a host's receive path (src/bpf/ebpf_path.c, nic.c, core/bpf_hooks.c) ---- */

static void inject_udp(rxs_host_t *h, const char *src, uint16_t dport, uint64_t t)
{
	static const char data[32] = "a datagram of thirty-two bytes";
	struct rxs_frame_spec fs = { .src = src, .sport = 4000, .dport = dport, .payload = data,
				     .payload_len = sizeof(data) };
	uint8_t frame[256];
	int len = rxs_frame_udp(frame, sizeof(frame), &fs);

	assert_true(len > 0);
	assert_int_equal(rxs_host_inject(h, 0, frame, (uint32_t)len, t), 0);
}

#ifdef RXS_HAVE_LIBBPF
/* A host of one NIC (@driver, XDP @mode) with xdp_filter.o, a UDP socket on 9000 read by an
 * application, and a blocklist entry from the scenario. */
static rxs_host_t *xdp_host(const char *driver, const char *mode, const char *tc)
{
	char text[1024], err[256];
	struct rxs_scenario *sc;
	rxs_host_t *h;

	snprintf(text, sizeof(text),
		 "nics:\n"
		 "  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24],\n"
		 "      driver: %s, %s: { object: %s/%s%s%s } }\n"
		 "sockets:\n"
		 "  - { name: app, proto: udp, bind: 0.0.0.0:9000, app: { read: never } }\n"
		 "bpf_maps:\n"
		 "  blocklist: [{ key: 10.0.0.66, value: 0 }]\n",
		 driver, tc ? "tc_ingress" : "xdp", RXS_EBPF_DIR, tc ? tc : "xdp_filter.o",
		 mode ? ", mode: " : "", mode ? mode : "");
	if (rxs_scenario_parse(&sc, text, strlen(text), "xdp.yaml", NULL, err, sizeof(err)))
		fail_msg("%s", err);
	if (rxs_host_create(&h, sc, err, sizeof(err)))
		fail_msg("%s", err);
	rxs_scenario_free(sc);
	return h;
}


static const struct {
	int line;
	const char *driver, *mode;
	uint64_t drop_reason, rx_xdp_drop, rx_xdp_pass, queued;
} xdp_path_cases[] = {
	/* 10.0.0.66 (scenario), 10.0.0.77 (the library, after the first frames), port 53
	 * (.rodata): three dropped; two of 10.0.0.1 to 9000 queued. */
	{ __LINE__, "generic", NULL, 4, 4, 2, 2 },
	{ __LINE__, "generic", "native", 4, 4, 2, 2 },
	{ __LINE__, "veth", "generic", 4, 0, 0, 2 },	/* no driver counters in generic mode */
};

static void test_xdp_path(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(xdp_path_cases); i++) {
		rxs_host_t *h = xdp_host(xdp_path_cases[i].driver, xdp_path_cases[i].mode, NULL);
		rxs_bpf_object_t *obj = rxs_bpf_host_object_find(h, "xdp_filter.o");
		uint32_t bad = 0x4d00000a;	/* 10.0.0.77, network order */
		uint64_t zero = 0, hits = 0, reasons[RXS_DROP_MAX];
		struct rxs_conservation c;
		struct rxs_nic_stats ns;
		struct rxs_bpf_prog_stats ps;
		struct rxs_socket_info si;

		assert_non_null(obj);
		inject_udp(h, "10.0.0.1", 9000, 1000);
		inject_udp(h, "10.0.0.66", 9000, 2000);
		assert_int_equal(rxs_host_run_until(h, 10000), 0);
		/* A running host's map, from the library: block another source. */
		assert_int_equal(rxs_bpf_map_update(obj, "blocklist", &bad, &zero, 0), 0);
		inject_udp(h, "10.0.0.77", 9000, 20000);
		inject_udp(h, "10.0.0.77", 9000, 21000);
		inject_udp(h, "10.0.0.1", 53, 22000);
		inject_udp(h, "10.0.0.1", 9000, 23000);
		assert_int_equal(rxs_host_run(h), 0);
		assert_int_equal(rxs_bpf_map_lookup(obj, "blocklist", &bad, &hits), 0);
		assert_int_equal(rxs_nic_get_stats(h, 0, &ns), 0);
		assert_int_equal(rxs_bpf_prog_get_stats(h, 0, &ps), 0);
		assert_int_equal(rxs_socket_get_info(rxs_socket_lookup(h, "app"), &si), 0);
		rxs_host_drop_reasons(h, reasons);
		if (hits != 2 || reasons[RXS_DROP_XDP] !=
					 xdp_path_cases[i].drop_reason ||
		    ns.rx_xdp_drop != xdp_path_cases[i].rx_xdp_drop ||
		    ns.rx_xdp_pass != xdp_path_cases[i].rx_xdp_pass ||
		    si.queued != xdp_path_cases[i].queued || ps.runs != 6 ||
		    ps.verdicts[1] != 4 || ps.verdicts[2] != 2)
			fail_msg("case at line %d: hits %llu, XDP drops %llu, rx_xdp_drop %llu, "
				 "rx_xdp_pass %llu, queued %llu, runs %llu",
				 xdp_path_cases[i].line, (unsigned long long)hits,
				 (unsigned long long)reasons[RXS_DROP_XDP],
				 (unsigned long long)ns.rx_xdp_drop,
				 (unsigned long long)ns.rx_xdp_pass,
				 (unsigned long long)si.queued, (unsigned long long)ps.runs);
		assert_int_equal(rxs_host_conservation(h, &c), 0);
		rxs_host_destroy(h);
	}
}

/* Native XDP on a veth is refused with a reason; an object without the program too. */
static void test_xdp_attach_errors(void **state)
{
	char text[512], err[256];
	struct rxs_scenario *sc;
	rxs_host_t *h = NULL;

	(void)state;
	snprintf(text, sizeof(text),
		 "nics:\n  - { name: eth0, driver: veth, xdp: { object: %s/xdp_filter.o } }\n",
		 RXS_EBPF_DIR);
	assert_int_equal(rxs_scenario_parse(&sc, text, strlen(text), "x.yaml", NULL, err,
					    sizeof(err)), 0);
	assert_true(rxs_host_create(&h, sc, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "use mode: generic"));
	rxs_scenario_free(sc);
	snprintf(text, sizeof(text),
		 "nics:\n  - { name: eth0, xdp: { object: %s/xdp_filter.o, program: nope } }\n",
		 RXS_EBPF_DIR);
	assert_int_equal(rxs_scenario_parse(&sc, text, strlen(text), "x.yaml", NULL, err,
					    sizeof(err)), 0);
	assert_true(rxs_host_create(&h, sc, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "no program nope"));
	rxs_scenario_free(sc);
}
#else
static void test_xdp_path(void **state)
{
	(void)state;
	skip();
}

static void test_xdp_attach_errors(void **state)
{
	(void)state;
	skip();
}
#endif

/* ---- socket filters and SO_REUSEPORT (src/socket/udp_sock.c) ---- */

static rxs_host_t *text_host(const char *text)
{
	char err[256];
	struct rxs_scenario *sc;
	rxs_host_t *h;

	if (rxs_scenario_parse(&sc, text, strlen(text), "t.yaml", NULL, err, sizeof(err)))
		fail_msg("%s", err);
	if (rxs_host_create(&h, sc, err, sizeof(err)))
		fail_msg("%s", err);
	rxs_scenario_free(sc);
	return h;
}

/* Classic BPF on a UDP socket sees the datagram from its UDP header (checked on 6.18: ldh [2]
 * is the destination port): "ldh [2]; jeq #53; ret #12; ret #0" keeps 12 bytes of datagrams to
 * 53 and refuses the rest, which count in UdpInErrors and the socket's drops. A tcpdump
 * expression keeps or drops whole datagrams. */
static void test_sk_filter(void **state)
{
	static const char text[] =
		"nics:\n  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24] }\n"
		"sockets:\n"
		"  - { name: f, proto: udp, bind: 0.0.0.0:53, app: { read: never },\n"
		"      filter: \"4\\n40 0 0 2\\n21 0 1 53\\n6 0 0 12\\n6 0 0 0\" }\n"
		"  - { name: g, proto: udp, bind: 0.0.0.0:54, app: { read: never },\n"
		"      filter: \"src host 10.0.0.1\" }\n";
	rxs_host_t *h = text_host(text);
	struct rxs_socket_info f, g;
	struct rxs_conservation c;
	uint64_t reasons[RXS_DROP_MAX];
	struct rxs_sk_buff *skb;

	(void)state;
	inject_udp(h, "10.0.0.1", 53, 1000);
	inject_udp(h, "10.0.0.1", 54, 2000);
	inject_udp(h, "10.0.0.9", 54, 3000);	/* refused by the expression */
	assert_int_equal(rxs_host_run(h), 0);
	assert_int_equal(rxs_socket_get_info(rxs_socket_lookup(h, "f"), &f), 0);
	assert_int_equal(rxs_socket_get_info(rxs_socket_lookup(h, "g"), &g), 0);
	rxs_host_drop_reasons(h, reasons);
	assert_int_equal(f.queued, 1);
	assert_int_equal(g.queued, 1);
	assert_int_equal(g.drops, 1);
	assert_int_equal(reasons[RXS_DROP_SOCKET_FILTER], 1);
	assert_int_equal(rxs_host_mib(h, RXS_MIB_UdpInErrors), 1);
	assert_int_equal(rxs_socket_recv(rxs_socket_lookup(h, "f"), &skb), 0);
	assert_int_equal(skb->len, 12);		/* trimmed: the UDP header and 4 bytes */
	rxs_consume_skb(skb);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	rxs_host_destroy(h);
}

/* Four sockets bound to 0.0.0.0:9 with SO_REUSEPORT share the flows by hash, each its own
 * queue; a fifth without it is not in the group (and, bound later, not found either). */
static void test_reuseport(void **state)
{
	static const char text[] =
		"nics:\n  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24] }\n"
		"sockets:\n"
		"  - { name: w0, proto: udp, bind: 0.0.0.0:9, reuseport: true, app: { read: never } }\n"
		"  - { name: w1, proto: udp, bind: 0.0.0.0:9, reuseport: true, app: { read: never } }\n"
		"  - { name: w2, proto: udp, bind: 0.0.0.0:9, reuseport: true, app: { read: never } }\n"
		"  - { name: w3, proto: udp, bind: 0.0.0.0:9, reuseport: true, app: { read: never } }\n";
	rxs_host_t *h = text_host(text);
	struct rxs_conservation c;
	uint64_t total = 0, per[4];

	(void)state;
	for (unsigned int i = 0; i < 64; i++) {
		struct rxs_frame_spec fs = { .sport = (uint16_t)(10000 + i), .dport = 9 };
		uint8_t frame[128];
		int len = rxs_frame_udp(frame, sizeof(frame), &fs);

		/* Each flow twice: a flow stays on its socket. */
		assert_int_equal(rxs_host_inject(h, 0, frame, (uint32_t)len, 1000 + 10 * i), 0);
		assert_int_equal(rxs_host_inject(h, 0, frame, (uint32_t)len, 1005 + 10 * i), 0);
	}
	assert_int_equal(rxs_host_run(h), 0);
	for (unsigned int w = 0; w < 4; w++) {
		struct rxs_socket_info si;

		assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, w), &si), 0);
		per[w] = si.queued;
		total += si.queued;
		if (si.queued % 2 || si.queued < 16)	/* flows whole, spread */
			fail_msg("worker %u: %llu datagrams", w, (unsigned long long)si.queued);
	}
	assert_int_equal(total, 128);
	assert_true(per[0] != 128);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	rxs_host_destroy(h);
}

/* A classic reuseport program (SO_ATTACH_REUSEPORT_CBPF on one member) sees the datagram past
 * its UDP header: "ldb [0]; ret a" sends each datagram to the worker its first payload byte
 * names; an index past the group falls back to the hash. */
static void test_reuseport_prog(void **state)
{
	static const char text[] =
		"nics:\n  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24] }\n"
		"sockets:\n"
		"  - { name: w0, proto: udp, bind: 0.0.0.0:9, reuseport: true, app: { read: never },\n"
		"      reuseport_prog: \"2\\n48 0 0 0\\n22 0 0 0\" }\n"
		"  - { name: w1, proto: udp, bind: 0.0.0.0:9, reuseport: true, app: { read: never } }\n"
		"  - { name: w2, proto: udp, bind: 0.0.0.0:9, reuseport: true, app: { read: never } }\n";
	rxs_host_t *h = text_host(text);
	struct rxs_conservation c;
	uint64_t total = 0, per[3];

	(void)state;
	for (unsigned int i = 0; i < 30; i++) {
		/* Worker i % 3, by the program; the last 6 name 200, past the group: hashed. */
		uint8_t payload[4] = { (uint8_t)(i < 24 ? i % 3 : 200) };
		struct rxs_frame_spec fs = { .sport = (uint16_t)(10000 + i), .dport = 9,
					     .payload = payload, .payload_len = sizeof(payload) };
		uint8_t frame[128];
		int len = rxs_frame_udp(frame, sizeof(frame), &fs);

		assert_int_equal(rxs_host_inject(h, 0, frame, (uint32_t)len, 1000 + 10 * i), 0);
	}
	assert_int_equal(rxs_host_run(h), 0);
	for (unsigned int w = 0; w < 3; w++) {
		struct rxs_socket_info si;

		assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, w), &si), 0);
		per[w] = si.queued;
		total += si.queued;
	}
	assert_int_equal(total, 30);
	/* Without the program the 24 would spread by hash: the same 8 each would be chance. */
	assert_true(per[0] >= 8 && per[1] >= 8 && per[2] >= 8);
	assert_int_equal(per[0] + per[1] + per[2] - 24, 6);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	rxs_host_destroy(h);
}

/* ---- TCP listeners in SO_REUSEPORT groups, TCP socket filters (src/socket/reuseport.c) ---- */

/* What the host sent: the ISN of each SYN-ACK by client port, and the RSTs. */
struct tcp_tx {
	uint32_t isn[65536];
	unsigned int synacks, rsts;
};

static void tcp_tx_cb(void *ctx, const uint8_t *f, uint32_t len, uint64_t t)
{
	struct tcp_tx *log = ctx;
	const uint8_t *th = f + 14 + 20;

	(void)t;
	assert_true(len >= 54);
	if ((th[13] & 0x12) == 0x12) {
		log->isn[fr_get16(th + 2)] = (uint32_t)fr_get16(th + 4) << 16 | fr_get16(th + 6);
		log->synacks++;
	} else if (th[13] & 0x04) {
		log->rsts++;
	}
}

static void inject_tcp(rxs_host_t *h, uint16_t sport, uint32_t seq, uint32_t ack,
		       uint8_t flags, uint16_t plen, uint64_t t)
{
	static const uint8_t data[1000];
	struct rxs_frame_spec fs = { .sport = sport, .dport = 80, .tcp_flags = flags, .seq = seq,
				     .ack = ack, .window = 64240, .payload = data,
				     .payload_len = plen };
	uint8_t frame[1100];
	int len = rxs_frame_tcp(frame, sizeof(frame), &fs);

	assert_true(len > 0);
	assert_int_equal(rxs_host_inject(h, 0, frame, (uint32_t)len, t), 0);
}

static rxs_host_t *tcp_text_host(const char *text, struct tcp_tx *log)
{
	rxs_host_t *h = text_host(text);

	assert_int_equal(rxs_tx_set_cb(h, tcp_tx_cb, log), 0);
	return h;
}

/* Four listeners on 0.0.0.0:80 with SO_REUSEPORT: each client's SYN picks one by the flow's
 * hash and lands in that one's SYN queue, and its final ACK finds the request there (every
 * connection is accepted by the listener the SYN chose). l0 has listen(fd, 1): its accept
 * queue holds 2 (sk_acceptq_is_full is > 1), then its SYNs overflow on their own, counted in
 * its drops and in the host's ListenOverflows and ListenDrops, their ACKs reset; the others,
 * listen(fd, 16), take all theirs. */
static void test_reuseport_tcp(void **state)
{
	static const char text[] =
		"nics:\n  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24] }\n"
		"sockets:\n"
		"  - { name: l0, proto: tcp, bind: 0.0.0.0:80, reuseport: true, backlog: 1, app: { accept: never } }\n"
		"  - { name: l1, proto: tcp, bind: 0.0.0.0:80, reuseport: true, backlog: 16, app: { accept: never } }\n"
		"  - { name: l2, proto: tcp, bind: 0.0.0.0:80, reuseport: true, backlog: 16, app: { accept: never } }\n"
		"  - { name: l3, proto: tcp, bind: 0.0.0.0:80, reuseport: true, backlog: 16, app: { accept: never } }\n";
	static struct tcp_tx log;
	struct rxs_socket_info si[4];
	struct rxs_conservation c;
	uint64_t byname[4] = { 0 }, k0 = 0;
	const unsigned int n = 40;
	rxs_host_t *h;

	(void)state;
	memset(&log, 0, sizeof(log));
	h = tcp_text_host(text, &log);
	for (unsigned int i = 0; i < n; i++) {
		uint64_t t = 1000000ull * i;

		inject_tcp(h, (uint16_t)(20000 + i), 1000, 0, RXS_TCP_SYN, 0, t);
		assert_int_equal(rxs_host_run_until(h, t + 100000), 0);
		inject_tcp(h, (uint16_t)(20000 + i), 1001, log.isn[20000 + i] + 1, RXS_TCP_ACK, 0,
			   t + 200000);
		assert_int_equal(rxs_host_run_until(h, t + 300000), 0);
	}
	for (unsigned int l = 0; l < 4; l++) {
		assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, l), &si[l]), 0);
		assert_int_equal(si[l].syn_q, 0);
		if (l && (si[l].recv_q < 4 || si[l].drops))	/* spread by the hash, no drops */
			fail_msg("listener %u: %llu accepted, %llu drops", l,
				 (unsigned long long)si[l].recv_q, (unsigned long long)si[l].drops);
	}
	k0 = n - si[1].recv_q - si[2].recv_q - si[3].recv_q;
	assert_true(k0 > 2);
	assert_int_equal(si[0].recv_q, 2);
	assert_int_equal(si[0].drops, k0 - 2);
	assert_int_equal(log.synacks, n - (k0 - 2));
	assert_int_equal(log.rsts, k0 - 2);	/* the ACKs of the SYNs l0 dropped */
	assert_int_equal(rxs_host_mib(h, RXS_MIB_TcpExtListenOverflows), k0 - 2);
	assert_int_equal(rxs_host_mib(h, RXS_MIB_TcpExtListenDrops), k0 - 2);
	assert_int_equal(rxs_conn_count(h), n - (k0 - 2));
	for (unsigned int i = 0; i < rxs_conn_count(h); i++) {
		struct rxs_conn_state st;

		assert_int_equal(rxs_conn_state(h, i, &st), 0);
		assert_non_null(strchr("0123", st.listener[1]));
		byname[st.listener[1] - '0']++;
	}
	for (unsigned int l = 0; l < 4; l++)
		assert_int_equal(byname[l], si[l].recv_q);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	rxs_host_destroy(h);
}

/* Two TCP listeners bound alike without SO_REUSEPORT on both: bind()'s -EADDRINUSE. */
static void test_reuseport_tcp_bind_conflict(void **state)
{
	static const char *const texts[] = {
		"nics: [{ name: eth0 }]\n"
		"sockets:\n  - { name: a, proto: tcp, bind: 0.0.0.0:80 }\n"
		"  - { name: b, proto: tcp, bind: 0.0.0.0:80 }\n",
		"nics: [{ name: eth0 }]\n"
		"sockets:\n  - { name: a, proto: tcp, bind: 0.0.0.0:80, reuseport: true }\n"
		"  - { name: b, proto: tcp, bind: 0.0.0.0:80 }\n",
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		struct rxs_scenario *sc;
		rxs_host_t *h = NULL;

		assert_int_equal(rxs_scenario_parse(&sc, texts[i], strlen(texts[i]), "t.yaml", NULL,
						    err, sizeof(err)), 0);
		assert_true(rxs_host_create(&h, sc, err, sizeof(err)) < 0);
		assert_non_null(strstr(err, "sockets[1]: "));
		assert_non_null(strstr(err, "reuseport: true on both"));
		rxs_scenario_free(sc);
	}
}

/* A syncookie's final ACK has no request sock to find: it goes through the listener lookup and
 * the group's selection again, with the same flow hash, and lands on the listener its SYN
 * chose. With tcp_syncookies=2 (a cookie for every SYN) the four listeners accept exactly the
 * connections they accept with request socks (tcp_syncookies=0). */
static void test_reuseport_tcp_cookies(void **state)
{
	static const char fmt[] =
		"sysctl: { net.ipv4.tcp_syncookies: %d }\n"
		"nics:\n  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24] }\n"
		"sockets:\n"
		"  - { name: l0, proto: tcp, bind: 0.0.0.0:80, reuseport: true, app: { accept: never } }\n"
		"  - { name: l1, proto: tcp, bind: 0.0.0.0:80, reuseport: true, app: { accept: never } }\n"
		"  - { name: l2, proto: tcp, bind: 0.0.0.0:80, reuseport: true, app: { accept: never } }\n"
		"  - { name: l3, proto: tcp, bind: 0.0.0.0:80, reuseport: true, app: { accept: never } }\n";
	static struct tcp_tx log;
	uint64_t accepted[2][4];
	const unsigned int n = 40;

	(void)state;
	for (int run = 0; run < 2; run++) {
		struct rxs_conservation c;
		char text[1024];
		rxs_host_t *h;

		snprintf(text, sizeof(text), fmt, run ? 2 : 0);
		memset(&log, 0, sizeof(log));
		h = tcp_text_host(text, &log);
		for (unsigned int i = 0; i < n; i++) {
			uint64_t t = 1000000ull * i;

			inject_tcp(h, (uint16_t)(30000 + 7 * i), 1000, 0, RXS_TCP_SYN, 0, t);
			assert_int_equal(rxs_host_run_until(h, t + 100000), 0);
			inject_tcp(h, (uint16_t)(30000 + 7 * i), 1001, log.isn[30000 + 7 * i] + 1,
				   RXS_TCP_ACK, 0, t + 200000);
			assert_int_equal(rxs_host_run_until(h, t + 300000), 0);
		}
		for (unsigned int l = 0; l < 4; l++) {
			struct rxs_socket_info si;

			assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, l), &si), 0);
			accepted[run][l] = si.recv_q;
			assert_int_equal(si.syn_q, 0);
		}
		assert_int_equal(rxs_host_mib(h, RXS_MIB_TcpExtSyncookiesRecv), run ? n : 0);
		assert_int_equal(rxs_host_mib(h, RXS_MIB_TcpExtSyncookiesSent), run ? n : 0);
		assert_int_equal(rxs_host_conservation(h, &c), 0);
		rxs_host_destroy(h);
	}
	assert_int_equal(accepted[0][0] + accepted[0][1] + accepted[0][2] + accepted[0][3], n);
	assert_true(accepted[0][0] && accepted[0][1] && accepted[0][2] && accepted[0][3]);
	assert_memory_equal(accepted[0], accepted[1], sizeof(accepted[0]));
}

/* tcp_filter() on a listener and its connections: classic BPF on the segment from its TCP
 * header, "ldh [0]; jeq #20005, drop; ret #60". The SYN from port 20005 is refused before the
 * listener sees it: SOCKET_FILTER, the listener's drops, no SYN-ACK and no ListenDrops (the
 * kernel's discard_and_relse counts sk_drops alone). Others pass; a connection inherits the
 * filter (sk_clone), which trims its 100-byte data segments to 60 bytes from the TCP header. */
static void test_tcp_sk_filter(void **state)
{
	static const char text[] =
		"nics:\n  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24] }\n"
		"sockets:\n"
		"  - { name: web, proto: tcp, bind: 0.0.0.0:80, app: { accept: never },\n"
		"      filter: \"4\\n40 0 0 0\\n21 0 1 20005\\n6 0 0 0\\n6 0 0 60\" }\n";
	static struct tcp_tx log;
	uint64_t reasons[RXS_DROP_MAX];
	struct rxs_conservation c;
	struct rxs_socket_info si;
	struct rxs_conn_state st;
	rxs_host_t *h;

	(void)state;
	memset(&log, 0, sizeof(log));
	h = tcp_text_host(text, &log);
	inject_tcp(h, 20001, 1000, 0, RXS_TCP_SYN, 0, 1000);
	inject_tcp(h, 20005, 1000, 0, RXS_TCP_SYN, 0, 2000);
	assert_int_equal(rxs_host_run_until(h, 50000), 0);
	assert_int_equal(log.synacks, 1);
	inject_tcp(h, 20001, 1001, log.isn[20001] + 1, RXS_TCP_ACK, 0, 100000);
	inject_tcp(h, 20001, 1001, log.isn[20001] + 1, RXS_TCP_ACK, 100, 110000);
	assert_int_equal(rxs_host_run_until(h, 200000), 0);
	assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, 0), &si), 0);
	assert_int_equal(si.drops, 1);
	assert_int_equal(si.recv_q, 1);
	assert_int_equal(rxs_conn_state(h, 0, &st), 0);
	assert_int_equal(st.recv_q, 40);	/* 100 bytes trimmed to 60 - 20 */
	rxs_host_drop_reasons(h, reasons);
	assert_int_equal(reasons[RXS_DROP_SOCKET_FILTER], 1);
	assert_int_equal(rxs_host_mib(h, RXS_MIB_TcpExtListenDrops), 0);
	assert_int_equal(rxs_host_mib(h, RXS_MIB_TcpInSegs), 4);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	rxs_host_destroy(h);
}

#ifdef RXS_HAVE_LIBBPF
/* An SEC("sk_reuseport") program selecting from a REUSEPORT_SOCKARRAY filled by bpf_maps
 * (values: sockets' indexes in sockets:), reuseport.o's select_by_port: slot = source port & 3.
 * Slot 0 names w2, slot 1 w0; slot 2 names a socket of another group (-EBADFD): SK_PASS with
 * nothing selected, the hash; slot 3 is SK_DROP, and the lookup finds no socket: UdpNoPorts and
 * a port unreachable, as __udp4_lib_lookup() turns the error into NULL. For TCP the SYN of a
 * refused flow is answered with a RST (no_tcp_socket). */
static void test_sk_reuseport(void **state)
{
	char text[2048];
	struct rxs_conservation c;
	uint64_t per[4] = { 0 }, bss[3], reasons[RXS_DROP_MAX];
	rxs_bpf_object_t *obj;
	rxs_host_t *h;
	static struct tcp_tx log;

	(void)state;
	EBPF_SKIP();
	snprintf(text, sizeof(text),
		 "nics:\n  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24] }\n"
		 "sockets:\n"
		 "  - { name: w0, proto: udp, bind: 0.0.0.0:9, reuseport: true, app: { read: never },\n"
		 "      reuseport_prog: \"%s/reuseport.o:select_by_port\" }\n"
		 "  - { name: w1, proto: udp, bind: 0.0.0.0:9, reuseport: true, app: { read: never } }\n"
		 "  - { name: w2, proto: udp, bind: 0.0.0.0:9, reuseport: true, app: { read: never } }\n"
		 "  - { name: w3, proto: udp, bind: 0.0.0.0:9, reuseport: true, app: { read: never } }\n"
		 "  - { name: other, proto: udp, bind: 0.0.0.0:10, reuseport: true, app: { read: never } }\n"
		 "bpf_maps:\n  workers: [{ key: 0, value: 2 }, { key: 1, value: 0 }, { key: 2, value: 4 }]\n",
		 RXS_EBPF_DIR);
	h = text_host(text);
	for (unsigned int i = 0; i < 40; i++) {
		struct rxs_frame_spec fs = { .sport = (uint16_t)(10000 + i), .dport = 9 };
		uint8_t frame[128];
		int len = rxs_frame_udp(frame, sizeof(frame), &fs);

		assert_int_equal(rxs_host_inject(h, 0, frame, (uint32_t)len, 1000 + 10 * i), 0);
	}
	assert_int_equal(rxs_host_run(h), 0);
	for (unsigned int w = 0; w < 4; w++) {
		struct rxs_socket_info si;

		assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, w), &si), 0);
		per[w] = si.queued;
	}
	/* 10 flows per slot: slot 0 -> w2, slot 1 -> w0, slot 2 hashed over the four. */
	assert_int_equal(per[0] + per[1] + per[2] + per[3], 30);
	assert_true(per[2] >= 10 && per[0] >= 10 && per[0] + per[2] <= 30);
	assert_int_equal(rxs_host_mib(h, RXS_MIB_UdpNoPorts), 10);
	rxs_host_drop_reasons(h, reasons);
	assert_int_equal(reasons[RXS_DROP_NO_SOCKET], 10);
	obj = rxs_bpf_host_object_find(h, RXS_EBPF_DIR "/reuseport.o");
	assert_non_null(obj);
	assert_int_equal(rxs_bpf_map_lookup(obj, ".bss", &(uint32_t){ 0 }, bss), 0);
	assert_int_equal(bss[0], 10);	/* refused (clang lays .bss out as it likes) */
	assert_int_equal(bss[1], 10);	/* hashed */
	assert_int_equal(bss[2], 20);	/* selected */
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	rxs_host_destroy(h);

	/* TCP: the same program on a group of listeners; slot 3's SYNs are reset. A socket holds
	 * one slot only (a second is -EBUSY), so slot 2 stays empty. */
	snprintf(text, sizeof(text),
		 "nics:\n  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24] }\n"
		 "sockets:\n"
		 "  - { name: l0, proto: tcp, bind: 0.0.0.0:80, reuseport: true, app: { accept: never },\n"
		 "      reuseport_prog: \"%s/reuseport.o:select_by_port\" }\n"
		 "  - { name: l1, proto: tcp, bind: 0.0.0.0:80, reuseport: true, app: { accept: never } }\n"
		 "bpf_maps:\n  workers: [{ key: 0, value: 1 }, { key: 1, value: 0 }]\n",
		 RXS_EBPF_DIR);
	memset(&log, 0, sizeof(log));
	h = tcp_text_host(text, &log);
	for (unsigned int i = 0; i < 8; i++)
		inject_tcp(h, (uint16_t)(20000 + i), 1000, 0, RXS_TCP_SYN, 0, 1000 + 1000 * i);
	assert_int_equal(rxs_host_run_until(h, 100000), 0);
	assert_int_equal(log.synacks, 6);
	assert_int_equal(log.rsts, 2);
	for (unsigned int i = 0; i < 8; i++)
		if (i % 4 != 3)
			inject_tcp(h, (uint16_t)(20000 + i), 1001, log.isn[20000 + i] + 1,
				   RXS_TCP_ACK, 0, 200000 + 1000 * i);
	assert_int_equal(rxs_host_run_until(h, 400000), 0);
	{
		struct rxs_socket_info s0, s1;

		/* slot 1 -> l0, slot 0 -> l1, slot 2 (empty: -ENOENT) by the hash */
		assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, 0), &s0), 0);
		assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, 1), &s1), 0);
		assert_int_equal(s0.recv_q + s1.recv_q, 6);
		assert_true(s0.recv_q >= 2 && s1.recv_q >= 2);
		assert_int_equal(s0.syn_q + s1.syn_q, 0);
	}
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	rxs_host_destroy(h);
}

/* Loading and test runs: the sockarray takes what the library puts in it (one slot per socket:
 * another is -EBUSY, as reuseport_array_update_check() says); bpf_sk_select_reuseport
 * in a test run has no group (-ENOENT: the program then counts a hashed packet); a program that
 * reads sk_reuseport_md->sk fails its run with the reason. */
static void test_sk_reuseport_lib(void **state)
{
	rxs_bpf_object_t *obj;
	uint8_t pkt[32] = { 0x27, 0x11 };	/* source port 10001: slot 1 */
	uint64_t sock = 3, bss[3];
	uint32_t key = 1, ret;

	(void)state;
	EBPF_SKIP();
	obj = eopen("reuseport.o", NULL);
	assert_int_equal(rxs_bpf_map_update(obj, "workers", &key, &sock, 0), 0);
	key = 4;
	assert_int_equal(rxs_bpf_map_update(obj, "workers", &key, &sock, 0), -E2BIG);
	key = 2;		/* socket 3 is in slot 1 already */
	assert_int_equal(rxs_bpf_map_update(obj, "workers", &key, &sock, 0), -EBUSY);
	key = 1;		/* its own slot again: fine */
	assert_int_equal(rxs_bpf_map_update(obj, "workers", &key, &sock, 0), 0);
	assert_int_equal(erun(obj, "select_by_port", pkt, sizeof(pkt), 0, NULL, NULL, &ret), 0);
	assert_int_equal(ret, 1);	/* SK_PASS */
	assert_int_equal(rxs_bpf_map_lookup(obj, ".bss", &(uint32_t){ 0 }, bss), 0);
	assert_int_equal(bss[1], 1);	/* hashed */
	pkt[1] = 0x13;			/* slot 3 */
	assert_int_equal(erun(obj, "select_by_port", pkt, sizeof(pkt), 0, NULL, NULL, &ret), 0);
	assert_int_equal(ret, 0);	/* SK_DROP */
	rxs_bpf_object_close(obj);
}
#else
static void test_sk_reuseport(void **state)
{
	(void)state;
	skip();
}

static void test_sk_reuseport_lib(void **state)
{
	(void)state;
	skip();
}
#endif

#ifdef RXS_HAVE_LIBBPF
/* The scenario's routes (ip route add ... via ...): a /24 behind a gateway on eth1, and its
 * upper half behind one on eth0 (the longer prefix wins). */
#define FIB_ROUTES "routes:\n" \
	"  - { to: 192.0.2.0/24, via: 10.1.0.1, dev: eth1 }\n" \
	"  - { to: 192.0.2.128/25, via: 10.0.0.1, dev: eth0 }\n"
#define FIB_GW1 "{ ip: 10.1.0.1, mac: \"02:00:00:00:01:01\", dev: eth1 }"
/* IPv6's: fd02::/64 behind fd01::a:1 on eth1 (ip6_forward's routes) */
#define FIB_ROUTES6 "routes:\n  - { to: \"fd02::/64\", via: \"fd01::a:1\", dev: eth1 }\n"
#define FIB_GW6 "{ ip: \"fd01::a:1\", mac: \"02:00:00:00:01:01\", dev: eth1 }"

/* bpf_fib_lookup (bpf_ipv4_fib_lookup()) from the host's routing: forwarding off, the host's
 * own address, a neighbour on another NIC's subnet (NO_NEIGH, its ifindex, without a table or
 * an entry; with a usable entry on that device SUCCESS, dmac and smac filled, the MTU), no
 * route; the scenario's routes: the gateway as the next hop (ipv4_dst rewritten, its
 * neighbour's dmac), the longest prefix, an unresolved gateway, the MTU, SKIP_NEIGH and
 * OUTPUT. */
static const struct {
	int line;
	const char *forward, *dst, *neigh;	/* neigh: the scenario's neighbours:, or NULL */
	const char *routes;			/* the scenario's routes:, or "" */
	uint64_t flags;
	size_t payload;				/* UDP payload bytes */
	int64_t rc;
	uint32_t ifindex;
	int64_t dmac, smac, mtu;		/* when SUCCESS, mtu also when FRAG_NEEDED */
	int64_t nh;				/* ipv4_dst after the lookup */
} fib_cases[] = {
	/* FWD_DISABLED: ifindex stays the ingress one */
	{ __LINE__, "0", "10.1.0.9", NULL, "", 0, 0, 5, 2, 0, 0, 0, 0x0a010009 },
	/* NO_NEIGH, out of eth1 */
	{ __LINE__, "1", "10.1.0.9", NULL, "", 0, 0, 7, 3, 0, 0, 0, 0x0a010009 },
	/* NOT_FWDED: the host's own */
	{ __LINE__, "1", "10.0.0.2", NULL, "", 0, 0, 4, 2, 0, 0, 0, 0x0a000002 },
	/* NOT_FWDED: no route (-ENETUNREACH) */
	{ __LINE__, "1", "192.0.2.1", NULL, "", 0, 0, 4, 2, 0, 0, 0, 0xc0000201 },
	/* __ipv4_neigh_lookup_noref(): the entry of the next hop on the way out */
	{ __LINE__, "1", "10.1.0.9", "{ ip: 10.1.0.9, mac: \"02:00:00:00:09:09\", dev: eth1 }", "",
	  0, 0, 0, 3, 0x020000000909, 0x020000000102, 1400, 0x0a010009 },
	/* a table without the next hop: NO_NEIGH, and nothing resolved */
	{ __LINE__, "1", "10.1.0.9", "{ ip: 10.1.0.8, mac: \"02:00:00:00:09:08\", dev: eth1 }", "",
	  0, 0, 7, 3, 0, 0, 0, 0x0a010009 },
	/* the address known on another device only */
	{ __LINE__, "1", "10.1.0.9", "{ ip: 10.1.0.9, mac: \"02:00:00:00:09:09\", dev: eth0 }", "",
	  0, 0, 7, 3, 0, 0, 0, 0x0a010009 },
	/* via a gateway: ipv4_dst becomes it (nhc_gw), dmac its neighbour's */
	{ __LINE__, "1", "192.0.2.7", FIB_GW1, FIB_ROUTES, 0, 0, 0, 3, 0x020000000101,
	  0x020000000102, 1400, 0x0a010001 },
	/* the longer prefix: out of eth0 by 10.0.0.1 */
	{ __LINE__, "1", "192.0.2.200", "{ ip: 10.0.0.1, mac: \"02:00:00:00:00:01\", dev: eth0 }",
	  FIB_ROUTES, 0, 0, 0, 2, 0x020000000001, 0x020000000002, 1500, 0x0a000001 },
	/* the gateway unresolved (the destination's own entry is no next hop): NO_NEIGH */
	{ __LINE__, "1", "192.0.2.7", "{ ip: 192.0.2.7, mac: \"02:00:00:00:02:07\", dev: eth1 }",
	  FIB_ROUTES, 0, 0, 7, 3, 0, 0, 0, 0x0a010001 },
	/* no route among them */
	{ __LINE__, "1", "198.51.100.1", FIB_GW1, FIB_ROUTES, 0, 0, 4, 2, 0, 0, 0, 0xc6336401 },
	/* forwarding off: FWD_DISABLED before any route */
	{ __LINE__, "0", "192.0.2.7", FIB_GW1, FIB_ROUTES, 0, 0, 5, 2, 0, 0, 0, 0xc0000207 },
	/* tot_len 1428 past eth1's 1400: FRAG_NEEDED with its MTU, checked before the route's
	 * device, metric and gateway go into params (ifindex stays the input's) */
	{ __LINE__, "1", "192.0.2.7", FIB_GW1, FIB_ROUTES, 0, 1400, 8, 2, 0, 0, 1400,
	  0xc0000207 },
	/* SKIP_NEIGH: SUCCESS without the neighbour, the gateway still the next hop */
	{ __LINE__, "1", "192.0.2.7", NULL, FIB_ROUTES, 4, 0, 0, 3, 0, 0, 1400, 0x0a010001 },
	/* OUTPUT: routes out of params->ifindex (eth0) only, whatever ip_forward says */
	{ __LINE__, "0", "192.0.2.7", FIB_GW1, FIB_ROUTES, 2, 0, 4, 2, 0, 0, 0, 0xc0000207 },
	{ __LINE__, "0", "192.0.2.200", "{ ip: 10.0.0.1, mac: \"02:00:00:00:00:01\", dev: eth0 }",
	  FIB_ROUTES, 2, 0, 0, 2, 0x020000000001, 0x020000000002, 1500, 0x0a000001 },
	/* bpf_ipv6_fib_lookup(): the gateway (ipv6_dst's last 32 bits) and its neighbour */
	{ __LINE__, "1", "fd02::7", FIB_GW6, FIB_ROUTES6, 0, 0, 0, 3, 0x020000000101,
	  0x020000000102, 1400, 0x000a0001 },
	/* unresolved gateway, no route, our own address, forwarding off, the MTU (1448) */
	{ __LINE__, "1", "fd02::7", NULL, FIB_ROUTES6, 0, 0, 7, 3, 0, 0, 0, 0x000a0001 },
	{ __LINE__, "1", "fd09::1", FIB_GW6, FIB_ROUTES6, 0, 0, 4, 2, 0, 0, 0, 0x00000001 },
	{ __LINE__, "1", "fd00::2", FIB_GW6, FIB_ROUTES6, 0, 0, 4, 2, 0, 0, 0, 0x00000002 },
	{ __LINE__, "0", "fd02::7", FIB_GW6, FIB_ROUTES6, 0, 0, 5, 2, 0, 0, 0, 0x00000007 },
	{ __LINE__, "1", "fd02::7", FIB_GW6, FIB_ROUTES6, 0, 1400, 8, 2, 0, 0, 1400,
	  0x00000007 },
	/* on eth1's link, no route needed */
	{ __LINE__, "1", "fd01::9", NULL, "", 4, 0, 0, 3, 0, 0, 1400, 0x00000009 },
};

static int64_t fib_result(rxs_host_t *h, uint32_t key)
{
	int64_t v;

	assert_int_equal(rxs_bpf_map_lookup(rxs_bpf_host_object(h, 0), "result", &key, &v), 0);
	return v;
}

static void test_fib_lookup(void **state)
{
	static const uint8_t payload[1400];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(fib_cases); i++) {
		char text[1280];
		struct rxs_frame_spec fs = { .dst = fib_cases[i].dst, .dport = 9,
					     .payload = payload,
					     .payload_len = fib_cases[i].payload };
		int64_t rc, ifindex, dmac, smac, mtu, nh;
		uint8_t frame[1536];
		uint32_t zero = 0;
		struct rxs_neigh_stat st;
		rxs_host_t *h;
		int len;

		snprintf(text, sizeof(text),
			 "sysctl: { net.ipv4.ip_forward: %s,"
			 " net.ipv6.conf.all.forwarding: %s }\n"
			 "nics:\n"
			 "  - { name: eth0, mac: 02:00:00:00:00:02,"
			 " addresses: [10.0.0.2/24, \"fd00::2/64\"],\n"
			 "      xdp: { object: %s/fib.o } }\n"
			 "  - { name: eth1, mac: 02:00:00:00:01:02,"
			 " addresses: [10.1.0.2/24, \"fd01::2/64\"], mtu: 1400 }\n%s%s\n%s",
			 fib_cases[i].forward, fib_cases[i].forward, RXS_EBPF_DIR,
			 fib_cases[i].neigh ? "neighbours:\n  - " : "",
			 fib_cases[i].neigh ? fib_cases[i].neigh : "", fib_cases[i].routes);
		h = text_host(text);
		assert_int_equal(rxs_bpf_map_update(rxs_bpf_host_object(h, 0), "cfg", &zero,
						    &fib_cases[i].flags, 0), 0);
		len = rxs_frame_udp(frame, sizeof(frame), &fs);
		assert_true(len > 0);
		assert_int_equal(rxs_host_inject(h, 0, frame, (uint32_t)len, 1000), 0);
		assert_int_equal(rxs_host_run(h), 0);
		rc = fib_result(h, 0);
		ifindex = fib_result(h, 1);
		dmac = fib_result(h, 2);
		smac = fib_result(h, 3);
		mtu = fib_result(h, 4);
		nh = fib_result(h, 5);
		if (rc != fib_cases[i].rc || ifindex != fib_cases[i].ifindex ||
		    nh != fib_cases[i].nh)
			fail_msg("case at line %d: rc %lld, ifindex %lld, ipv4_dst %llx",
				 fib_cases[i].line, (long long)rc, (long long)ifindex,
				 (unsigned long long)nh);
		if ((rc == 0 || rc == 8) && (dmac != fib_cases[i].dmac ||
					     smac != fib_cases[i].smac ||
					     mtu != fib_cases[i].mtu))
			fail_msg("case at line %d: dmac %llx, smac %llx, mtu %lld",
				 fib_cases[i].line, (unsigned long long)dmac,
				 (unsigned long long)smac, (long long)mtu);
		if (rc != 0)
			assert_int_equal(dmac, 0);	/* left as the program zeroed it */
		/* The lookup made no entry and sent no ARP request (no neigh_event_send()). */
		rxs_neigh_get_stat(h, &st);
		assert_int_equal(st.allocs, fib_cases[i].neigh &&
					    !strstr(fib_cases[i].neigh, "ip: \"fd") ? 1 : 0);
		assert_int_equal(st.solicits, 0);
		rxs_host_destroy(h);
	}
}
#else
static void test_fib_lookup(void **state)
{
	(void)state;
	skip();
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agreement),
		cmocka_unit_test(test_run_opcodes),
		cmocka_unit_test(test_run_random),
		cmocka_unit_test(test_run_decoded),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_validate_kernel),
		cmocka_unit_test(test_compile),
		cmocka_unit_test(test_tap_ring),
		cmocka_unit_test(test_tap_create),
		cmocka_unit_test(test_tap_pcap),
		cmocka_unit_test(test_ebpf_insns),
		cmocka_unit_test(test_ebpf_checker),
		cmocka_unit_test(test_ebpf_load),
		cmocka_unit_test(test_ebpf_no_syscall),
		cmocka_unit_test(test_ebpf_hostile),
		cmocka_unit_test(test_ebpf_xdp),
		cmocka_unit_test(test_ebpf_tc_socket),
		cmocka_unit_test(test_ebpf_maps),
		cmocka_unit_test(test_ebpf_map_sizes),
		cmocka_unit_test(test_ebpf_tail_calls),
		cmocka_unit_test(test_ebpf_output),
		cmocka_unit_test(test_ebpf_misc),
		cmocka_unit_test(test_ebpf_bad),
		cmocka_unit_test(test_ebpf_alu),
		cmocka_unit_test(test_ebpf_kernel),
		cmocka_unit_test(test_xdp_path),
		cmocka_unit_test(test_xdp_attach_errors),
		cmocka_unit_test(test_sk_filter),
		cmocka_unit_test(test_reuseport),
		cmocka_unit_test(test_reuseport_prog),
		cmocka_unit_test(test_reuseport_tcp),
		cmocka_unit_test(test_reuseport_tcp_cookies),
		cmocka_unit_test(test_reuseport_tcp_bind_conflict),
		cmocka_unit_test(test_tcp_sk_filter),
		cmocka_unit_test(test_sk_reuseport),
		cmocka_unit_test(test_sk_reuseport_lib),
		cmocka_unit_test(test_fib_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
