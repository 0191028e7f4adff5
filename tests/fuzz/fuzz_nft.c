/* fuzz_nft.c - nftables rule sets, `nft list ruleset` text: parse, print, run packets.
 *
 * rxs_ruleset_load_nft() must either accept the input or refuse it with a message that names
 * the file (and, for text, the line and column), leaving the rule set without nftables
 * tables; a rule set it accepts is printed (`nft list ruleset`) and loaded into the host of
 * fuzz.h, which receives the packets of fuzz_iptables (UDP, TCP SYN and ACK, ICMP, fragments,
 * twice so that flows are ESTABLISHED the second time) and their IPv6 twins, beside that
 * host's iptables tables,
 * and runs 31 s so that conntrack
 * entries, set elements and limits age. Conservation is checked after it. fuzz_nft_json.c
 * builds the same target for the JSON reader (inputs that start with '{').
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#ifndef FUZZ_NFT_JSON
#define FUZZ_NFT_JSON 0
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static const struct pkt {
	uint8_t proto, flags;
	uint16_t sport, dport, plen, frag;
} pkts[] = {
	{ 17, 0, 1000, 53, 32, 0 },	{ 17, 0, 1000, 9, 32, 0 },	{ 17, 0, 1000, 7, 32, 0 },
	{ 17, 0, 1000, 123, 32, 0 },	{ 17, 0, 1000, 5000, 32, 0 },	{ 6, 0x02, 2000, 80, 0, 0 },
	{ 6, 0x02, 2000, 81, 0, 0 },	{ 6, 0x10, 2001, 80, 10, 0 },	{ 6, 0x12, 2002, 22, 0, 0 },
	{ 1, 0, 0, 1, 56, 0 },		{ 1, 0, 0, 2, 56, 0 },		{ 1, 0, 0, 3, 56, 0 },
	{ 17, 0, 1000, 53, 64, 0x2000 }, { 17, 0, 1000, 53, 32, 0x0002 },
};

static void run_packets(rxs_host_t *h)
{
	uint8_t frame[14 + 40 + 8 + 20 + 128];
	uint64_t t = 0;

	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof(pkts) / sizeof(pkts[0]); i++) {
			const struct pkt *p = &pkts[i];
			uint32_t len = fuzz_ipv4(frame, p->proto, 1 + (unsigned int)(i & 1), p->sport,
						 p->dport, p->flags, p->plen, p->frag);

			t += 50000;
			if (rxs_host_inject(h, 0, frame, len, t) == -EINVAL)
				abort();
			/* its IPv6 twin, through the ip6 and inet chains (a fragment's twin
			 * carries a hop-by-hop header instead) */
			len = fuzz_ipv6(frame, p->proto, 1 + (unsigned int)(i & 1), p->sport, p->dport,
					p->flags, p->plen, p->frag != 0);
			t += 50000;
			if (rxs_host_inject(h, 0, frame, len, t) == -EINVAL)
				abort();
		}
		fuzz_check_conservation(h, "fuzz_nft: round");
	}
	rxs_host_run_until(h, t + 31 * FUZZ_S);
}

static void run_host(const char *text)
{
	struct rxs_scenario *sc = fuzz_scenario(NULL);
	rxs_host_t *h = NULL;
	char err[512] = "";

	if (!sc)
		return;
	sc->nftables = strdup(text);
	sc->nftables_line = 1;
	if (!sc->nftables) {
		rxs_scenario_free(sc);
		return;
	}
	if (rxs_host_create(&h, sc, err, sizeof(err)) < 0) {
		/* Beside the host's iptables tables, a hook may hold more stages than it has room
		 * for: the one refusal a rule set parsed alone does not meet. */
		rxs_scenario_free(sc);
		if (strstr(err, "base chains and tables at one hook"))
			return;
		fprintf(stderr, "fuzz_nft: the rule set parses but the host refuses it: %s\n", err);
		abort();
	}
	rxs_scenario_free(sc);
	run_packets(h);
	fuzz_check_conservation(h, "fuzz_nft");
	rxs_ruleset_nft_print(rxs_ruleset_get(h), devnull);
	rxs_host_destroy(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, err[512] = "";
	rxs_ruleset_t *nf = NULL;
	int rc;

	if (FUZZ_NFT_JSON && (!size || data[0] != '{'))
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (rxs_ruleset_create(&nf, NULL, "fuzz.nft", 1, err, sizeof(err)) < 0)
		abort();
	rc = rxs_ruleset_load_nft(nf, text, "fuzz.nft", 1, 0, err, sizeof(err));
	if (rc < 0) {
		if (rxs_ruleset_nft_nrules(nf) || strncmp(err, "fuzz.nft", 8) != 0) {
			fprintf(stderr, "fuzz_nft: error %d without its place: '%s'\n", rc, err);
			abort();
		}
	} else {
		rxs_ruleset_nft_print(nf, devnull);
	}
	rxs_ruleset_destroy(nf);
	/* In the host of fuzz.h, beside its iptables tables, as a scenario's nftables:. */
	if (rc == 0)
		run_host(text);
	free(text);
	return 0;
}
