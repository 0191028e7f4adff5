/* gen.c - `rxsim gen`: synthetic traffic as a pcap file, so examples and benchmarks need no
 * outside capture. Only the UDP flood exists so far; SYN floods and TCP flows come later. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rxsim/config.h"
#include "rxsim/error.h"
#include "rxsim/nic.h"

static const char *const gen_options[] = {
	"--count", "--rate", "--size", "--flows", "--dst", "--src", "--dport", "--dst-mac", "--src-mac",
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

/* Apply option @name = @v to @g. 0, or CLI_USAGE with the reason printed. */
static int apply(struct rxs_gen_udp *g, const char *name, const char *v)
{
	uint64_t n = 0;
	bool ok;

	/* A value that fails to parse is never used: the command stops with the message. */
	if (strcmp(name, "--count") == 0) {
		ok = parse_uint(v, 1, UINT64_MAX, &g->count);
	} else if (strcmp(name, "--rate") == 0) {
		ok = rxs_parse_rate(v, &g->rate_pps) == 0 && g->rate_pps > 0;
	} else if (strcmp(name, "--size") == 0) {
		ok = parse_uint(v, 1, 65535, &n);
		g->size = (unsigned int)n;
	} else if (strcmp(name, "--flows") == 0) {
		ok = parse_uint(v, 1, 65535, &n);
		g->flows = (unsigned int)n;
	} else if (strcmp(name, "--dport") == 0) {
		ok = parse_uint(v, 0, 65535, &n);
		g->dport = (uint16_t)n;
	} else if (strcmp(name, "--dst") == 0 || strcmp(name, "--src") == 0) {
		ok = rxs_addr_parse(name[2] == 'd' ? &g->dst : &g->src, v) == 0;
	} else {
		ok = parse_mac(v, name[2] == 'd' ? g->dst_mac : g->src_mac);
	}
	if (ok)
		return 0;
	fprintf(stderr, "rxsim gen: %s: invalid value '%s'\n", name, v);
	return CLI_USAGE;
}

static void gen_defaults(struct rxs_gen_udp *g)
{
	static const uint8_t dst_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const uint8_t src_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

	memset(g, 0, sizeof(*g));
	memcpy(g->dst_mac, dst_mac, 6);
	memcpy(g->src_mac, src_mac, 6);
	rxs_addr_parse(&g->dst, "10.0.0.2");
	rxs_addr_parse(&g->src, "10.0.0.1");
	g->dport = 9;
	g->flows = 1;
	g->size = 64;
	g->rate_pps = 1e6;
	g->count = 1000;
}

/* Parse the options after `gen udp`. -1 to go on, or the exit status to return now. */
static int parse_gen(int argc, char **argv, struct rxs_gen_udp *g, const char **out)
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
		for (k = 0; k < sizeof(gen_options) / sizeof(gen_options[0]); k++)
			if ((m = cli_opt(argc, argv, &i, gen_options[k], &v)) != 0)
				break;
		if (m < 0)
			return CLI_USAGE;
		if (m == 0)
			return cli_usage_error("gen", "unknown option or argument '%s'", argv[i]);
		if (apply(g, gen_options[k], v) != 0)
			return CLI_USAGE;
	}
	if (!*out)
		return cli_usage_error("gen", "%s", "an output file is needed: -o OUT.pcap");
	return -1;
}

int cli_gen(int argc, char **argv)
{
	struct rxs_gen_udp g;
	const char *out = NULL;
	char err[512] = "";
	int rc;

	if (argc < 1)
		return cli_usage_error("gen", "%s", "a traffic kind is needed (udp)");
	if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0) {
		cli_help(stdout, "gen");
		return CLI_OK;
	}
	if (strcmp(argv[0], "syn") == 0 || strcmp(argv[0], "tcp") == 0) {
		fprintf(stderr, "rxsim gen: %s traffic is not available yet\n", argv[0]);
		return CLI_USAGE;
	}
	if (strcmp(argv[0], "udp") != 0)
		return cli_usage_error("gen", "unknown traffic kind '%s' (udp)", argv[0]);
	gen_defaults(&g);
	rc = parse_gen(argc - 1, argv + 1, &g, &out);
	if (rc >= 0)
		return rc;
	rc = rxs_gen_udp_pcap(&g, out, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "rxsim gen: %s\n", err[0] ? err : rxs_strerror(rc));
		return rc == -EINVAL ? CLI_USAGE : CLI_RUN_FAILED;
	}
	printf("wrote %llu frames to %s\n", (unsigned long long)g.count, out);
	return CLI_OK;
}
