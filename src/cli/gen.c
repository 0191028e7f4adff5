/* gen.c - `rxsim gen`: synthetic traffic as a pcap file, so examples and benchmarks need no
 * outside capture: a UDP flood, a SYN flood, the data segments of TCP flows, or a mix.
 *
 * Every kind reads the same options into one struct gen_opts; each kind accepts only the
 * options that mean something for it, so `gen syn --size 100` is an error, not a silent no-op.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "rxsim/config.h"
#include "rxsim/error.h"
#include "rxsim/nic.h"

enum gen_kind { GEN_UDP, GEN_SYN, GEN_TCP, GEN_MIXED };

/* Which kinds take an option: a bit per enum gen_kind. */
#define K_UDP (1u << GEN_UDP)
#define K_SYN (1u << GEN_SYN)
#define K_TCP (1u << GEN_TCP)
#define K_MIX (1u << GEN_MIXED)
#define K_ALL (K_UDP | K_SYN | K_TCP | K_MIX)

static const struct {
	const char *name;
	unsigned int kinds;
} gen_options[] = {
	{ "--count", K_ALL }, { "--rate", K_ALL }, { "--size", K_UDP | K_TCP },
	{ "--flows", K_UDP | K_TCP }, { "--sources", K_SYN }, { "--seed", K_SYN | K_TCP | K_MIX },
	{ "--dst", K_ALL }, { "--src", K_ALL }, { "--dport", K_UDP | K_SYN | K_TCP },
	{ "--dst-mac", K_ALL }, { "--src-mac", K_ALL },
};

/* The options of every kind; the UDP struct holds the fields the kinds share. */
struct gen_opts {
	enum gen_kind kind;
	struct rxs_gen_udp g;
	unsigned int sources;
	uint64_t seed;
	bool src_set;
};

/* A decimal number in [min, max], nothing else around it. */
static bool parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int n = -1;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &n) != 6 ||
	    n < 0 || s[n] != '\0')
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return true;
}

/* A count-like option into an unsigned int; false when it does not parse. */
static bool parse_uint_into(const char *v, uint64_t min, uint64_t max, unsigned int *out)
{
	uint64_t n = 0;
	bool ok = parse_uint(v, min, max, &n);

	*out = (unsigned int)n;
	return ok;
}

/* Apply option @name = @v to @o. 0, or CLI_USAGE with the reason printed. */
static int apply(struct gen_opts *o, const char *name, const char *v)
{
	struct rxs_gen_udp *g = &o->g;
	uint64_t n = 0;
	bool ok;

	/* A value that fails to parse is never used: the command stops with the message. */
	if (strcmp(name, "--count") == 0) {
		ok = parse_uint(v, 1, UINT64_MAX, &g->count);
	} else if (strcmp(name, "--rate") == 0) {
		ok = rxs_parse_rate(v, &g->rate_pps) == 0 && g->rate_pps > 0;
	} else if (strcmp(name, "--size") == 0) {
		ok = parse_uint_into(v, 1, 65535, &g->size);
	} else if (strcmp(name, "--flows") == 0) {
		ok = parse_uint_into(v, 1, o->kind == GEN_TCP ? 55535 : 65535, &g->flows);
	} else if (strcmp(name, "--sources") == 0) {
		ok = parse_uint_into(v, 1, UINT32_MAX, &o->sources);
	} else if (strcmp(name, "--seed") == 0) {
		ok = parse_uint(v, 0, UINT64_MAX, &o->seed);
	} else if (strcmp(name, "--dport") == 0) {
		ok = parse_uint(v, 0, 65535, &n);
		g->dport = (uint16_t)n;
	} else if (strcmp(name, "--dst") == 0 || strcmp(name, "--src") == 0) {
		ok = rxs_addr_parse(name[2] == 'd' ? &g->dst : &g->src, v) == 0;
		o->src_set |= name[2] == 's';
	} else {
		ok = parse_mac(v, name[2] == 'd' ? g->dst_mac : g->src_mac);
	}
	if (ok)
		return 0;
	fprintf(stderr, "rxsim gen: %s: invalid value '%s'\n", name, v);
	return CLI_USAGE;
}

static void gen_defaults(struct gen_opts *o, enum gen_kind kind)
{
	static const uint8_t dst_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const uint8_t src_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	struct rxs_gen_udp *g = &o->g;

	memset(o, 0, sizeof(*o));
	o->kind = kind;
	memcpy(g->dst_mac, dst_mac, 6);
	memcpy(g->src_mac, src_mac, 6);
	rxs_addr_parse(&g->dst, "10.0.0.2");
	rxs_addr_parse(&g->src, "10.0.0.1");
	g->dport = kind == GEN_UDP || kind == GEN_MIXED ? 9 : 80;
	g->flows = 1;
	g->size = kind == GEN_UDP ? 64 : 0;
	g->rate_pps = 1e6;
	g->count = 1000;
	o->sources = 256;
}

/* Match argv[*i] against the options of @kind. 1 with *@k set, 0 unknown, -1 value missing. */
static int match_option(int argc, char **argv, int *i, enum gen_kind kind, size_t *k,
			const char **v)
{
	for (*k = 0; *k < sizeof(gen_options) / sizeof(gen_options[0]); (*k)++) {
		int m;

		if (!(gen_options[*k].kinds & (1u << kind)))
			continue;
		m = cli_opt(argc, argv, i, gen_options[*k].name, v);
		if (m != 0)
			return m;
	}
	return 0;
}

/* Parse the options after `gen KIND`. -1 to go on, or the exit status to return now. */
static int parse_gen(int argc, char **argv, struct gen_opts *o, const char **out, bool *force)
{
	for (int i = 0; i < argc; i++) {
		const char *v = NULL;
		size_t k;
		int m = 0;

		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			cli_help(stdout, "gen");
			return CLI_OK;
		}
		if ((m = cli_opt(argc, argv, &i, "-o", out)) != 0 ||
		    (m = cli_opt(argc, argv, &i, "--output", out)) != 0) {
			if (m < 0)
				return CLI_USAGE;
			continue;
		}
		if (strcmp(argv[i], "--force") == 0) {
			*force = true;
			continue;
		}
		m = match_option(argc, argv, &i, o->kind, &k, &v);
		if (m < 0)
			return CLI_USAGE;
		if (m == 0 && argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_unknown_option("gen", argv[i]);
		if (m == 0)
			return cli_usage_error("gen", "unknown option or argument '%s'", argv[i]);
		if (apply(o, gen_options[k].name, v) != 0)
			return CLI_USAGE;
	}
	if (!*out)
		return cli_usage_error("gen", "%s", "an output file is needed: -o OUT.pcap");
	/* As every output of rxsim: an existing file is kept unless the user says otherwise. */
	if (strcmp(*out, "-") && !*force && access(*out, F_OK) == 0) {
		fprintf(stderr, "rxsim gen: %s exists; use --force to overwrite it\n", *out);
		return CLI_USAGE;
	}
	return -1;
}

/* The TCP generator of @o; an IPv6 destination without --src gets an IPv6 source. */
static void tcp_from_opts(const struct gen_opts *o, struct rxs_gen_tcp *t)
{
	const struct rxs_gen_udp *g = &o->g;

	memset(t, 0, sizeof(*t));
	memcpy(t->dst_mac, g->dst_mac, 6);
	memcpy(t->src_mac, g->src_mac, 6);
	t->dst = g->dst;
	t->src = g->src;
	if (!o->src_set && g->dst.family == AF_INET6)
		rxs_addr_parse(&t->src, "fd00::1");
	t->dport = g->dport;
	t->kind = o->kind == GEN_SYN ? RXS_GEN_SYN_FLOOD : RXS_GEN_TCP_FLOWS;
	t->sources = o->sources;
	t->flows = g->flows;
	t->size = g->size;
	t->seed = o->seed;
	t->rate_pps = g->rate_pps;
	t->count = g->count;
	/* Connections are opened first: --count counts the data segments after them. */
	t->handshake = t->kind == RXS_GEN_TCP_FLOWS;
	if (t->handshake)
		t->count += 3ull * t->flows;
}

/*
 * `gen mixed`: 60% UDP datagrams over 8 flows (port 9), 30% TCP connections opened with
 * their handshake then carrying data (port 80), 10% SYNs of a flood (port 80, other
 * sources). Each part is the in-memory source of its own generator, paced at its share of
 * --rate so the three span the same time; the parts are merged by timestamp (on a tie, UDP
 * before TCP before SYNs), so the same options always give the same file.
 */
static int mixed_open(const struct gen_opts *o, rxs_source_t *src[3])
{
	uint64_t n = o->g.count, nudp = n * 6 / 10, ntcp = n * 3 / 10, nsyn = n - nudp - ntcp;
	struct rxs_gen_udp u = o->g;
	struct rxs_gen_tcp t, s;
	int rc;

	u.flows = 8;
	u.size = 128;
	u.count = nudp;
	u.rate_pps = o->g.rate_pps * 0.6;
	tcp_from_opts(o, &t);
	t.dport = s.dport = 80;
	t.flows = ntcp >= 24 ? 4 : 1;
	t.count = ntcp;
	t.handshake = ntcp >= 3;	/* too few frames for a connection: data alone */
	t.rate_pps = o->g.rate_pps * 0.3;
	s = t;
	s.kind = RXS_GEN_SYN_FLOOD;
	s.handshake = false;
	s.count = nsyn;
	s.seed = o->seed + 1;
	/* The flood's sources start 256 addresses above --src: never the host's own address. */
	s.src.addr[s.src.family == AF_INET ? 2 : 13]++;
	s.rate_pps = o->g.rate_pps * 0.1;
	rc = nudp ? rxs_source_open_gen_udp(&src[0], &u) : 0;
	if (rc == 0 && ntcp)
		rc = rxs_source_open_gen_tcp(&src[1], &t);
	if (rc == 0 && nsyn)
		rc = rxs_source_open_gen_tcp(&src[2], &s);
	return rc;
}

static void dump(pcap_dumper_t *d, const struct rxs_frame *f, uint64_t ts_ns)
{
	struct pcap_pkthdr ph;

	ph.ts.tv_sec = (time_t)(ts_ns / 1000000000u);
	ph.ts.tv_usec = (suseconds_t)(ts_ns % 1000000000u / 1000u);
	ph.caplen = f->len;
	ph.len = f->wire_len ? f->wire_len : f->len;
	pcap_dump((u_char *)d, &ph, f->data);
}

/*
 * Write the merge of @src to @d; the frames written. A SYN-ACK of the TCP part (sent by
 * @host_mac) goes right after its SYN, stamped with the SYN's time: a replay learns the
 * server's ISN from the frame that follows a SYN, so no other frame may come between.
 */
static uint64_t mixed_merge(rxs_source_t *src[3], pcap_dumper_t *d, const uint8_t host_mac[6])
{
	struct rxs_frame f[3];
	bool have[3];
	uint64_t written = 0;

	for (int i = 0; i < 3; i++)
		have[i] = src[i] && rxs_source_next(src[i], &f[i]) == 1;
	for (;;) {
		uint64_t ts;
		int best = -1;

		for (int i = 0; i < 3; i++)
			if (have[i] && (best < 0 || f[i].ts_ns < f[best].ts_ns))
				best = i;
		if (best < 0)
			return written;
		ts = f[best].ts_ns;
		dump(d, &f[best], ts);
		written++;
		have[best] = rxs_source_next(src[best], &f[best]) == 1;
		while (best == 1 && have[1] && f[1].len >= 12 && memcmp(f[1].data + 6, host_mac, 6) == 0) {
			dump(d, &f[1], ts);
			written++;
			have[1] = rxs_source_next(src[1], &f[1]) == 1;
		}
	}
}

static int gen_mixed(const struct gen_opts *o, const char *out, char *err, size_t errlen)
{
	rxs_source_t *src[3] = { NULL, NULL, NULL };
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = NULL;
	int rc = p ? mixed_open(o, src) : -ENOMEM;

	if (rc == 0 && !(d = pcap_dump_open(p, out))) {
		snprintf(err, errlen, "%s", pcap_geterr(p));
		rc = -EIO;
	}
	if (rc == 0)
		mixed_merge(src, d, o->g.dst_mac);
	if (d && (pcap_dump_flush(d) != 0 || ferror(pcap_dump_file(d))) && rc == 0)
		rc = -EIO;
	if (d)
		pcap_dump_close(d);
	if (p)
		pcap_close(p);
	for (int i = 0; i < 3; i++)
		rxs_source_close(src[i]);
	return rc;
}

static int gen_write(const struct gen_opts *o, const char *out, char *err, size_t errlen)
{
	struct rxs_gen_tcp t;

	if (o->kind == GEN_MIXED)
		return gen_mixed(o, out, err, errlen);
	if (o->kind == GEN_UDP)
		return rxs_gen_udp_pcap(&o->g, out, err, errlen);
	tcp_from_opts(o, &t);
	return rxs_gen_tcp_pcap(&t, out, err, errlen);
}

static int kind_of(const char *name, enum gen_kind *kind)
{
	static const char *const names[] = { "udp", "syn", "tcp", "mixed" };

	for (int k = GEN_UDP; k <= GEN_MIXED; k++) {
		if (strcmp(name, names[k]) == 0) {
			*kind = (enum gen_kind)k;
			return 0;
		}
	}
	return -1;
}

int cli_gen(int argc, char **argv)
{
	struct gen_opts o;
	enum gen_kind kind;
	const char *out = NULL;
	char err[512] = "";
	bool force = false;
	FILE *msg;
	int rc;

	if (argc < 1)
		return cli_usage_error("gen", "%s", "a traffic kind is needed (udp, syn, tcp, mixed)");
	if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0) {
		cli_help(stdout, "gen");
		return CLI_OK;
	}
	if (kind_of(argv[0], &kind) < 0)
		return cli_usage_error("gen", "unknown traffic kind '%s' (udp, syn, tcp, mixed)", argv[0]);
	gen_defaults(&o, kind);
	rc = parse_gen(argc - 1, argv + 1, &o, &out, &force);
	if (rc >= 0)
		return rc;
	rc = gen_write(&o, strcmp(out, "-") ? out : "/dev/stdout", err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "rxsim gen: %s\n", err[0] ? err : rxs_strerror(rc));
		return rc == -EINVAL ? CLI_USAGE : CLI_RUN_FAILED;
	}
	/* "-o -" writes the capture to stdout: the summary goes to stderr then. */
	msg = strcmp(out, "-") ? stdout : stderr;
	if (o.kind == GEN_MIXED)
		fprintf(msg, "wrote %llu frames to %s: 60%% UDP (8 flows), 30%% TCP connections with "
		       "handshakes, 10%% SYNs\n", (unsigned long long)o.g.count, out);
	else if (o.kind == GEN_TCP)
		fprintf(msg, "wrote %u connections (SYN, SYN-ACK, ACK) and %llu data segments to %s\n",
		       o.g.flows, (unsigned long long)o.g.count, out);
	else
		fprintf(msg, "wrote %llu frames to %s\n", (unsigned long long)o.g.count, out);
	return CLI_OK;
}
