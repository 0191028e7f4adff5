/* test_bpf.c - classic BPF (checker, interpreter, pcap_compile) and packet taps. */
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
#include <sys/socket.h>
#include <unistd.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agreement),
		cmocka_unit_test(test_run_opcodes),
		cmocka_unit_test(test_run_random),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_validate_kernel),
		cmocka_unit_test(test_compile),
		cmocka_unit_test(test_tap_ring),
		cmocka_unit_test(test_tap_create),
		cmocka_unit_test(test_tap_pcap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
