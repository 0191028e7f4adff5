/* test_hostile.c - the hostile input catalogue, end to end through the rxsim program.
 *
 * The unit tests check each reader on its own (test_nic: pcap and pcapng records; test_config:
 * YAML errors; test_proto: IP header checks and reassembly; test_netfilter and test_bpf: rule
 * and filter errors). Here every hostile input goes through the whole program as a user runs
 * it: a file written to a temporary folder, `rxsim replay FILE --format json` or `rxsim check
 * FILE` run as a child process, and what the user sees checked: the exit status, the message
 * on stderr (file name and packet number, or file:line:col), the drop reason and counter in
 * the JSON report, and the conservation line (a violation would exit 3).
 *
 * Families: damaged and unusual captures (replayed on the default host of a capture),
 * malformed packets (in a capture, replayed by a scenario with IPv4 and IPv6), the fragment
 * flood (memory bounded by ipfrag_high_thresh), and bad scenarios, rules and filters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frames.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[256];

/* ---- running the program ---- */

struct cli {
	int status;		/* exit status, or -1 if it did not exit */
	char *out;		/* stdout, NUL-terminated */
	char err[4096];		/* stderr */
};

static char *slurp(const char *path, size_t max)
{
	FILE *fp = fopen(path, "rb");
	char *s = calloc(1, max + 1);
	size_t n;

	assert_non_null(fp);
	assert_non_null(s);
	n = fread(s, 1, max, fp);
	s[n] = '\0';
	fclose(fp);
	return s;
}

/* Run RXS_CLI with @argv (NULL-terminated, without the program name) in tmpdir. With
 * RXS_CLI_WRAPPER set, run it under that command instead (words split at spaces), e.g.
 * RXS_CLI_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full --log-file=/tmp/vg.%p",
 * so that every hostile input also goes through memcheck; a report exits 99 and fails. */
static void run_cli(struct cli *r, const char *const *argv)
{
	char out[512], err[512], *s, wrapper[512] = "";
	const char *args[32];
	size_t n = 0;
	int status;
	pid_t pid;

	if (getenv("RXS_CLI_WRAPPER"))
		snprintf(wrapper, sizeof(wrapper), "%s", getenv("RXS_CLI_WRAPPER"));
	for (char *w = strtok(wrapper, " "); w && n < 16; w = strtok(NULL, " "))
		args[n++] = w;
	args[n++] = RXS_CLI;
	for (size_t i = 0; argv[i]; i++) {
		assert_true(n + 1 < ARRAY_SIZE(args));
		args[n++] = argv[i];
	}
	args[n] = NULL;
	snprintf(out, sizeof(out), "%s/stdout", tmpdir);
	snprintf(err, sizeof(err), "%s/stderr", tmpdir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (o < 0 || e < 0 || chdir(tmpdir) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(127);
		execvp(args[0], (char *const *)args);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	r->out = slurp(out, 1 << 20);
	s = slurp(err, sizeof(r->err) - 1);
	snprintf(r->err, sizeof(r->err), "%s", s);
	free(s);
}

/* The number after "@key": in the JSON report, or -1 when the key is not there. */
static int64_t json_num(const char *json, const char *key)
{
	char pat[128];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(json, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

/* @key ("offered", "consumed", "dropped", "queued") of the report's conservation line, or -1. */
static int64_t conservation(const char *json, const char *key)
{
	const char *c = strstr(json, "\"conservation\": {");

	return c ? json_num(c, key) : -1;
}

/* A report was printed and its conservation line holds. */
static void check_conserved(int line, const struct cli *r)
{
	if (!strstr(r->out, "\"conservation\": {") || !strstr(r->out, "\"ok\": true}"))
		fail_msg("case at line %d: no report, or conservation violated (exit %d): %s",
			 line, r->status, r->err);
}

static void write_text(const char *name, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* ---- capture images, little- or big-endian ---- */

struct buf {
	uint8_t d[1 << 17];
	size_t n;
	int be;
};

static void put(struct buf *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof(b->d));
	if (n)
		memcpy(b->d + b->n, p, n);
	b->n += n;
}

static void put16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	if (b->be)
		fr_put16(x, v);
	put(b, x, 2);
}

static void put32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	if (b->be) {
		fr_put16(x, (uint16_t)(v >> 16));
		fr_put16(x + 2, (uint16_t)v);
	}
	put(b, x, 4);
}

static void pcap_hdr(struct buf *b, uint32_t magic, uint32_t snaplen)
{
	put32(b, magic);
	put16(b, 2);
	put16(b, 4);
	put32(b, 0);
	put32(b, 0);
	put32(b, snaplen);
	put32(b, 1);		/* DLT_EN10MB */
}

static void pcap_rec(struct buf *b, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len,
		     const void *data, size_t n)
{
	put32(b, sec);
	put32(b, frac);
	put32(b, caplen);
	put32(b, len);
	put(b, data, n);
}

static void ng_block(struct buf *b, uint32_t type, const struct buf *body)
{
	static const uint8_t zero[4];
	uint32_t len = (uint32_t)(12 + (body->n + 3) / 4 * 4);

	put32(b, type);
	put32(b, len);
	put(b, body->d, body->n);
	put(b, zero, (4 - body->n % 4) % 4);
	put32(b, len);
}

static void ng_shb(struct buf *b)
{
	static struct buf body;

	body = (struct buf){ .be = b->be };
	put32(&body, 0x1A2B3C4D);
	put16(&body, 1);
	put16(&body, 0);
	put32(&body, 0xffffffff);
	put32(&body, 0xffffffff);
	ng_block(b, 0x0A0D0D0A, &body);
}

static void ng_idb(struct buf *b, uint16_t linktype)
{
	static struct buf body;

	body = (struct buf){ .be = b->be };
	put16(&body, linktype);
	put16(&body, 0);
	put32(&body, 0);
	ng_block(b, 1, &body);
}

static void ng_epb(struct buf *b, uint32_t ifid, uint64_t ts_us, const void *data, uint32_t n)
{
	static struct buf body;

	body = (struct buf){ .be = b->be };
	put32(&body, ifid);
	put32(&body, (uint32_t)(ts_us >> 32));
	put32(&body, (uint32_t)ts_us);
	put32(&body, n);
	put32(&body, n);
	put(&body, data, n);
	ng_block(b, 6, &body);
}

static void write_buf(const char *name, const struct buf *b)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(b->d, 1, b->n, fp), b->n);
	assert_int_equal(fclose(fp), 0);
}

/* ---- family 1: damaged and unusual captures, on the default host of a capture ----
 *
 * Every frame is a UDP datagram from 10.0.0.1 to 10.0.0.2:9 (74 bytes), so the default host
 * has that MAC, that address and a socket on port 9 that reads everything. */

static struct fr udp;

static void c_trunc_file_header(struct buf *b)
{
	pcap_hdr(b, 0xa1b2c3d4, 262144);
	b->n = 10;
}

static void c_trunc_record_header(struct buf *b)
{
	pcap_hdr(b, 0xa1b2c3d4, 262144);
	pcap_rec(b, 1, 0, udp.len, udp.len, udp.d, udp.len);
	pcap_rec(b, 2, 0, udp.len, udp.len, udp.d, udp.len);
	b->n -= udp.len + 9;		/* 7 bytes of the second record header */
}

static void c_trunc_record_data(struct buf *b)
{
	pcap_hdr(b, 0xa1b2c3d4, 262144);
	pcap_rec(b, 1, 0, udp.len, udp.len, udp.d, udp.len);
	pcap_rec(b, 2, 0, udp.len, udp.len, udp.d, udp.len);
	pcap_rec(b, 3, 0, udp.len, udp.len, udp.d, 14);
}

static void c_caplen_gt_len(struct buf *b)
{
	pcap_hdr(b, 0xa1b2c3d4, 262144);
	pcap_rec(b, 1, 0, udp.len, udp.len - 10, udp.d, udp.len);
}

/* libpcap reads the whole record and keeps snaplen bytes: a 40-byte frame whose IP header
 * says 60 is a truncated packet for IP. */
static void c_caplen_gt_snaplen(struct buf *b)
{
	pcap_hdr(b, 0xa1b2c3d4, 40);
	pcap_rec(b, 1, 0, udp.len, udp.len, udp.d, udp.len);
}

static void c_caplen_2_31(struct buf *b)
{
	pcap_hdr(b, 0xa1b2c3d4, 262144);
	pcap_rec(b, 1, 0, udp.len, udp.len, udp.d, udp.len);
	pcap_rec(b, 2, 0, 0x80000000u, 0x80000000u, udp.d, udp.len);
}

static void c_zero_length(struct buf *b)
{
	pcap_hdr(b, 0xa1b2c3d4, 262144);
	pcap_rec(b, 1, 0, 0, 0, NULL, 0);
	pcap_rec(b, 2, 0, udp.len, udp.len, udp.d, udp.len);
}

static void c_bad_magic(struct buf *b)
{
	pcap_hdr(b, 0xdeadbeef, 262144);
	pcap_rec(b, 1, 0, udp.len, udp.len, udp.d, udp.len);
}

static void c_swapped(struct buf *b)
{
	b->be = 1;
	pcap_hdr(b, 0xa1b2c3d4, 262144);
	pcap_rec(b, 1, 0, udp.len, udp.len, udp.d, udp.len);
	pcap_rec(b, 1, 500000, udp.len, udp.len, udp.d, udp.len);
}

static void c_nanosecond(struct buf *b)
{
	pcap_hdr(b, 0xa1b23c4d, 262144);
	pcap_rec(b, 1, 999999999, udp.len, udp.len, udp.d, udp.len);
}

/* The second frame is 5 s earlier than the first: clamped to it, so it is replayed at the
 * same instant, and the third 1 s after both. */
static void c_backwards(struct buf *b)
{
	pcap_hdr(b, 0xa1b2c3d4, 262144);
	pcap_rec(b, 10, 0, udp.len, udp.len, udp.d, udp.len);
	pcap_rec(b, 5, 0, udp.len, udp.len, udp.d, udp.len);
	pcap_rec(b, 11, 0, udp.len, udp.len, udp.d, udp.len);
}

static void c_short_frame(struct buf *b)
{
	pcap_hdr(b, 0xa1b2c3d4, 262144);
	pcap_rec(b, 1, 0, 10, 10, udp.d, 10);
	pcap_rec(b, 2, 0, udp.len, udp.len, udp.d, udp.len);
}

/* Ethernet, an unknown block, raw IPv4 (DLT 101) with the same datagram, in both orders. */
static void c_pcapng_two_links(struct buf *b)
{
	static struct buf unknown;

	unknown = (struct buf){ .be = b->be };
	put32(&unknown, 0x12345678);
	ng_shb(b);
	ng_idb(b, 1);
	ng_block(b, 0x0BAD, &unknown);
	ng_idb(b, 101);
	ng_epb(b, 0, 1000000, udp.d, udp.len);
	ng_epb(b, 1, 2000000, udp.d + FR_ETH_HLEN, udp.len - FR_ETH_HLEN);
	ng_block(b, 0x40000BAD, &unknown);
	ng_epb(b, 0, 3000000, udp.d, udp.len);
}

static void c_pcapng_two_links_be(struct buf *b)
{
	b->be = 1;
	c_pcapng_two_links(b);
}

static void c_pcapng_bad_interface(struct buf *b)
{
	ng_shb(b);
	ng_idb(b, 1);
	ng_epb(b, 0, 1000000, udp.d, udp.len);
	ng_epb(b, 3, 2000000, udp.d, udp.len);
}

static const struct capture_case {
	int line;
	const char *name;
	void (*build)(struct buf *b);
	int status;		/* 0 done, 1 stopped on the damaged record, 2 refused */
	const char *msg;	/* on stderr after "rxsim: "; NULL: nothing on stderr */
	int64_t offered, consumed;	/* in the report (status 0 and 1) */
	const char *reason;	/* a drop reason with all the drops, or NULL for none */
} capture_cases[] = {
	{ __LINE__, "hdr.pcap", c_trunc_file_header, 2,
	  "hdr.pcap: truncated dump file; tried to read 24 file header bytes, only got 6", 0, 0,
	  NULL },
	{ __LINE__, "rec.pcap", c_trunc_record_header, 1,
	  "rec.pcap: packet 2: truncated dump file; tried to read 16 header bytes, only got 7", 1,
	  1, NULL },
	{ __LINE__, "data.pcap", c_trunc_record_data, 1,
	  "data.pcap: packet 3: truncated dump file; tried to read 74 captured bytes, only got 14",
	  2, 2, NULL },
	{ __LINE__, "caplen.pcap", c_caplen_gt_len, 0, NULL, 1, 1, NULL },
	{ __LINE__, "snaplen.pcap", c_caplen_gt_snaplen, 0, NULL, 1, 0, "PKT_TOO_SMALL" },
	{ __LINE__, "huge.pcap", c_caplen_2_31, 1,
	  "huge.pcap: packet 2: invalid packet capture length 2147483648, bigger than snaplen of "
	  "262144", 1, 1, NULL },
	{ __LINE__, "zero.pcap", c_zero_length, 0, NULL, 2, 1, "NIC_LENGTH" },
	{ __LINE__, "magic.pcap", c_bad_magic, 2, "magic.pcap: unknown file format", 0, 0, NULL },
	{ __LINE__, "swapped.pcap", c_swapped, 0, NULL, 2, 2, NULL },
	{ __LINE__, "nano.pcap", c_nanosecond, 0, NULL, 1, 1, NULL },
	{ __LINE__, "back.pcap", c_backwards, 0, NULL, 3, 3, NULL },
	{ __LINE__, "short.pcap", c_short_frame, 0, NULL, 2, 1, "NIC_LENGTH" },
	{ __LINE__, "two.pcapng", c_pcapng_two_links, 0, NULL, 3, 3, NULL },
	{ __LINE__, "two-be.pcapng", c_pcapng_two_links_be, 0, NULL, 3, 3, NULL },
	{ __LINE__, "ifid.pcapng", c_pcapng_bad_interface, 1, "ifid.pcapng: packet 2: ", 1, 1,
	  NULL },
};

static void check_capture(const struct capture_case *c, const struct cli *r)
{
	char want[512];

	if (r->status != c->status)
		fail_msg("case at line %d: exit %d, want %d: %s", c->line, r->status, c->status,
			 r->err);
	snprintf(want, sizeof(want), "rxsim: %s", c->msg ? c->msg : "");
	if (c->msg ? !strstr(r->err, want) : r->err[0] != '\0')
		fail_msg("case at line %d: stderr '%s', want '%s'", c->line, r->err, want);
	if (c->status == 2) {
		if (r->out[0])
			fail_msg("case at line %d: a report for a refused file", c->line);
		return;
	}
	check_conserved(c->line, r);
	if (conservation(r->out, "offered") != c->offered || conservation(r->out, "consumed") != c->consumed)
		fail_msg("case at line %d: offered %" PRId64 ", consumed %" PRId64, c->line,
			 conservation(r->out, "offered"), conservation(r->out, "consumed"));
	if (c->reason && json_num(r->out, c->reason) != c->offered - c->consumed)
		fail_msg("case at line %d: %s %" PRId64, c->line, c->reason,
			 json_num(r->out, c->reason));
}

static void test_captures(void **state)
{
	(void)state;
	fr_udp(&udp, FR_PEER_IP, FR_HOST_IP, 1000, 9, 32);
	for (size_t i = 0; i < ARRAY_SIZE(capture_cases); i++) {
		const struct capture_case *c = &capture_cases[i];
		const char *argv[] = { "replay", c->name, "--format", "json", NULL };
		static struct buf b;
		struct cli r;

		b = (struct buf){ .be = 0 };
		c->build(&b);
		write_buf(c->name, &b);
		run_cli(&r, argv);
		check_capture(c, &r);
		free(r.out);
	}
}

/* ---- family 2: malformed packets, replayed by a scenario ---- */

static const char packet_yaml[] =
	"nics:\n"
	"  - { name: eth0, mac: '02:00:00:00:00:02', addresses: [10.0.0.2/24, fd00::2/64] }\n"
	"sysctl: { net.ipv4.ipfrag_high_thresh: 23040 }\n"
	"sockets:\n"
	"  - { name: s, proto: udp, bind: '[::]:9' }\n"
	"traffic:\n"
	"  - { pcap: p.pcap }\n"
	"run: { until: end+%s }\n";

static void ip_mangle(struct fr *f, uint8_t vihl, int tot_len)
{
	f->d[f->l3] = vihl;
	if (tot_len >= 0)
		fr_put16(f->d + f->l3 + 2, (uint16_t)tot_len);
	fr_ip_csum(f);
}

/* IPv6 from fd00::1 to fd00::2 with @n destination-options headers, then UDP to port 9. */
static void ipv6_exthdrs(struct fr *f, unsigned int n)
{
	static const uint8_t src[16] = { 0xfd, [15] = 1 }, dst[16] = { 0xfd, [15] = 2 };
	uint8_t *ip, *u;
	uint32_t sum;

	fr_eth(f, fr_host_mac, false, 0, 0x86dd);
	ip = f->d + f->l3;
	ip[0] = 0x60;
	fr_put16(ip + 4, (uint16_t)(8 * n + 8));
	ip[6] = n ? 60 : 17;
	ip[7] = 64;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *h = ip + 40 + 8 * i;

		h[0] = i + 1 < n ? 60 : 17;
		h[1] = 0;
		h[2] = 1;	/* PadN, 4 bytes */
		h[3] = 4;
	}
	f->l4 = f->l3 + 40 + 8 * n;
	u = f->d + f->l4;
	fr_put16(u, 1000);
	fr_put16(u + 2, 9);
	fr_put16(u + 4, 8);
	sum = fr_sum(src, 16, 0) + fr_sum(dst, 16, 0) + 8 + 17;
	fr_put16(u + 6, fr_fold(fr_sum(u, 8, sum)));
	f->len = f->l4 + 8;
}

/* A fragment of a 40-byte UDP datagram to port 9: @len bytes from @off, MF when @more. */
static void frag(struct fr *f, uint16_t id, unsigned int off, unsigned int len, bool more)
{
	struct fr dg;

	fr_udp(&dg, FR_PEER_IP, FR_HOST_IP, 1000, 9, 32);
	fr_eth(f, fr_host_mac, false, 0, FR_ETH_P_IP);
	fr_ip(f, FR_PEER_IP, FR_HOST_IP, IPPROTO_UDP, id, (uint16_t)((more ? 0x2000 : 0) | off / 8),
	      (uint16_t)len);
	memcpy(f->d + f->l4, dg.d + dg.l4 + off, len);
}

enum pkt_kind { P_IHL4, P_TOTLEN, P_TCP_DOFF, P_V6_EXT7, P_V6_EXT9, P_OVERLAP, P_DUP };

static unsigned int build_packets(enum pkt_kind kind, struct fr *f)
{
	switch (kind) {
	case P_IHL4:
		fr_udp(f, FR_PEER_IP, FR_HOST_IP, 1000, 9, 32);
		ip_mangle(f, 0x44, -1);
		return 1;
	case P_TOTLEN:
		fr_udp(f, FR_PEER_IP, FR_HOST_IP, 1000, 9, 32);
		ip_mangle(f, 0x45, 200);
		return 1;
	case P_TCP_DOFF:
		/* A 20-byte TCP header whose data offset says 60. */
		fr_eth(f, fr_host_mac, false, 0, FR_ETH_P_IP);
		fr_ip(f, FR_PEER_IP, FR_HOST_IP, IPPROTO_TCP, 1, 0x4000, 20);
		fr_put16(f->d + f->l4, 1000);
		fr_put16(f->d + f->l4 + 2, 80);
		f->d[f->l4 + 12] = 0xf0;
		f->d[f->l4 + 13] = 0x02;
		return 1;
	case P_V6_EXT7:
		ipv6_exthdrs(f, 7);
		return 1;
	case P_V6_EXT9:
		ipv6_exthdrs(f, 9);
		return 1;
	case P_OVERLAP:
		frag(&f[0], 7, 0, 16, true);
		frag(&f[1], 7, 8, 16, true);	/* bytes 8..23 over 0..15 */
		return 2;
	case P_DUP:
		frag(&f[0], 8, 0, 16, true);
		frag(&f[1], 8, 0, 16, true);
		frag(&f[2], 8, 16, 24, false);
		return 3;
	}
	return 0;
}

static const struct packet_case {
	int line;
	enum pkt_kind kind;
	const char *reason;	/* drop reason in the JSON report, NULL: none */
	int64_t drops;
	const char *counter;	/* nstat counter */
	int64_t value;
	int64_t consumed;
} packet_cases[] = {
	{ __LINE__, P_IHL4, "IP_INHDR", 1, "IpInHdrErrors", 1, 0 },
	{ __LINE__, P_TOTLEN, "PKT_TOO_SMALL", 1, "IpExtInTruncatedPkts", 1, 0 },
	{ __LINE__, P_TCP_DOFF, "PKT_TOO_SMALL", 1, "TcpInSegs", 1, 0 },
	/* rxsim walks at most 7 extension headers today (the comment of src/proto/ipv6.c
	 * says 8): the longer chain is refused, and counted. */
	{ __LINE__, P_V6_EXT7, NULL, 0, "Udp6InDatagrams", 1, 1 },
	{ __LINE__, P_V6_EXT9, "IPV6_BAD_EXTHDR", 1, "Ip6InHdrErrors", 1, 0 },
	/* An overlap kills the queue: the fragment held and the one that overlapped. */
	{ __LINE__, P_OVERLAP, "NOT_SPECIFIED", 2, "IpReasmFails", 1, 0 },
	{ __LINE__, P_DUP, "DUP_FRAG", 1, "IpReasmOKs", 1, 2 },
};

static void run_packets(struct cli *r, const struct fr *f, unsigned int n, const char *until)
{
	const char *argv[] = { "replay", "s.yaml", "--format", "json", NULL };
	char yaml[sizeof(packet_yaml) + 32];
	static struct buf b;

	b = (struct buf){ .be = 0 };
	pcap_hdr(&b, 0xa1b2c3d4, 262144);
	for (unsigned int i = 0; i < n; i++)
		pcap_rec(&b, 1, i, f[i].len, f[i].len, f[i].d, f[i].len);
	write_buf("p.pcap", &b);
	snprintf(yaml, sizeof(yaml), packet_yaml, until);
	write_text("s.yaml", yaml);
	run_cli(r, argv);
}

static void test_packets(void **state)
{
	static struct fr f[4];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(packet_cases); i++) {
		const struct packet_case *c = &packet_cases[i];
		unsigned int n = build_packets(c->kind, f);
		struct cli r;

		run_packets(&r, f, n, "1s");
		if (r.status != 0 || r.err[0])
			fail_msg("case at line %d: exit %d: %s", c->line, r.status, r.err);
		check_conserved(c->line, &r);
		if (c->reason && json_num(r.out, c->reason) != c->drops)
			fail_msg("case at line %d: %s %" PRId64, c->line, c->reason,
				 json_num(r.out, c->reason));
		if (json_num(r.out, c->counter) != c->value ||
		    conservation(r.out, "offered") != n || conservation(r.out, "consumed") != c->consumed)
			fail_msg("case at line %d: %s %" PRId64 ", consumed %" PRId64, c->line,
				 c->counter, json_num(r.out, c->counter), conservation(r.out, "consumed"));
		free(r.out);
	}
}

/* 100 first fragments of different datagrams. A 2304-byte truesize each, plus the queue's own
 * memory, and ipfrag_high_thresh 23040: queues are created while the memory held is at most
 * the threshold, so 10 are held and 90 refused (IpReasmFails, NOT_SPECIFIED as ip_defrag's kfree_skb). They stay queued
 * until ipfrag_time (30 s) expires them (FRAG_REASM_TIMEOUT, IpReasmTimeout). */
static void test_fragment_flood(void **state)
{
	static struct fr f[100];
	struct cli r;

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(f); i++)
		frag(&f[i], (uint16_t)(100 + i), 0, 16, true);
	run_packets(&r, f, ARRAY_SIZE(f), "1s");
	assert_int_equal(r.status, 0);
	check_conserved(__LINE__, &r);
	assert_int_equal(conservation(r.out, "queued"), 10);
	assert_int_equal(json_num(r.out, "NOT_SPECIFIED"), 90);
	assert_int_equal(json_num(r.out, "IpReasmFails"), 90);
	assert_int_equal(json_num(r.out, "IpReasmReqds"), 100);
	free(r.out);

	run_packets(&r, f, ARRAY_SIZE(f), "31s");
	assert_int_equal(r.status, 0);
	check_conserved(__LINE__, &r);
	assert_int_equal(json_num(r.out, "FRAG_REASM_TIMEOUT"), 10);
	assert_int_equal(json_num(r.out, "IpReasmTimeout"), 10);
	assert_int_equal(json_num(r.out, "IpReasmFails"), 100);
	assert_int_equal(conservation(r.out, "dropped"), 100);
	free(r.out);
}

/* ---- family 3: scenarios, rules and filters: `rxsim check`, exit 2, file:line:col ---- */

#define NIC "nics:\n  - { name: eth0, addresses: [10.0.0.2/24] }\n"
static const struct scenario_case {
	int line;
	const char *yaml;
	const char *set;	/* a --set, or NULL */
	const char *msg;	/* stderr after "rxsim: " */
} scenario_cases[] = {
	{ __LINE__, "just text\n", NULL,
	  "s.yaml:1:1: the top level must be a mapping of host, sysctl, nics, sockets, traffic" },
	{ __LINE__, "- host\n- nics\n", NULL, "s.yaml:1:1: the top level must be a mapping" },
	{ __LINE__, "host: { cpus: 99999999999999999999 }\n", NULL,
	  "s.yaml:1:15: host.cpus: 99999999999999999999 is too large (at most 64)" },
	{ __LINE__, "nics:\n  - { ring_size: 18446744073709551616 }\n", NULL,
	  "s.yaml:2:18: nics[0].ring_size: 18446744073709551616 is too large (at most 65536)" },
	{ __LINE__, "sysctl:\n  net.core.netdev_budget: 1e99\n", NULL,
	  "s.yaml:2:27: sysctl.net.core.netdev_budget: '1e99' is not a whole number" },
	{ __LINE__, "nics:\n  - { ring_size: -64 }\n", NULL,
	  "s.yaml:2:18: nics[0].ring_size: -64 is negative" },
	{ __LINE__, NIC "sockets:\n  - { name: s, proto: udp, bind: ':9', rcvbuf: -1 }\n", NULL,
	  "s.yaml:4:48: sockets[0].rcvbuf: -1 is negative" },
	{ __LINE__, NIC "traffic:\n  - { generate: udp_flood, size: -5, count: 1 }\n", NULL,
	  "s.yaml:4:34: traffic[0].size: -5 is negative" },
	{ __LINE__, "host: { cpus: 1 }\nhost: { cpus: 2 }\n", NULL,
	  "s.yaml:2:1: duplicate key 'host'" },
	{ __LINE__, "nics:\n  - { name: eth0, mtu: 1500, mtu: 9000 }\n", NULL,
	  "s.yaml:2:30: nics[0]: duplicate key 'mtu'" },
	{ __LINE__, "sysctl:\n  net.core.netdev_budgett: 600\n", NULL,
	  "s.yaml:2:3: sysctl: unknown sysctl 'net.core.netdev_budgett' (did you mean "
	  "'net.core.netdev_budget'?)" },
	{ __LINE__, NIC, "sysctl.net.core.nope=1",
	  "--set sysctl.net.core.nope=1: unknown sysctl 'net.core.nope'" },
	{ __LINE__, NIC, "host.cpus=-1", "--set host.cpus=-1: -1 is negative" },
	{ __LINE__, NIC "netfilter: |\n  *filter\n  :INPUT ACCEPT [0:0]\n"
	  "  -A INPUT -m u32 --u32 0 -j DROP\n  COMMIT\n", NULL,
	  "s.yaml:6:15: -A INPUT -m u32 --u32 0 -j DROP: unsupported match 'u32'" },
	/* The column is the file's: the block's indentation counts. */
	{ __LINE__, NIC "netfilter: |\n    *filter\n    :INPUT ACCEPT [0:0]\n"
	  "    -A INPUT -p udp --dprot 53 -j DRPO\n    COMMIT\n", NULL,
	  "s.yaml:6:21: -A INPUT -p udp --dprot 53 -j DRPO: unsupported option '--dprot' (did "
	  "you mean '--dport'?)" },
	/* The filter is compiled when the host is built, and its message has no file:line:col
	 * yet. */
	{ __LINE__, NIC "taps:\n  - { name: t, filter: 'tcp port' }\n", NULL,
	  "s.yaml:4:24: taps[0].filter: filter 'tcp port': syntax error" },
};
#undef NIC

static void test_scenarios(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(scenario_cases); i++) {
		const struct scenario_case *c = &scenario_cases[i];
		const char *argv[] = { "check", "s.yaml", c->set ? "--set" : NULL, c->set, NULL };
		char want[512];
		struct cli r;

		write_text("s.yaml", c->yaml);
		run_cli(&r, argv);
		snprintf(want, sizeof(want), "rxsim: %s", c->msg);
		if (r.status != 2 || !strstr(r.err, want) || r.out[0])
			fail_msg("case at line %d: exit %d, stderr '%s', want '%s'", c->line,
				 r.status, r.err, want);
		free(r.out);
	}
}

/* ---- the temporary folder ---- */

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rxsim-hostile-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captures),
		cmocka_unit_test(test_packets),
		cmocka_unit_test(test_fragment_flood),
		cmocka_unit_test(test_scenarios),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
