/* fuzz_iptables.c - iptables-save text: parse it, print it, and run packets through it.
 *
 * The input is the text of a netfilter: block. rxs_ruleset_create() must either accept it or
 * refuse it with a message that names the file and line; a rule set it accepts is printed
 * (`iptables -L -v -n -x`) and then loaded into the host of fuzz.h, which receives a fixed
 * set of packets (UDP to open, closed, REJECTed and NOTRACKed ports, TCP SYN and ACK, an ICMP
 * echo burst past the limit, a fragment, and the same flows again once the first are
 * ESTABLISHED) and runs 31 s so conntrack entries expire. Conservation is checked after it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

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
	uint8_t frame[14 + 20 + 20 + 128];
	uint64_t t = 0;

	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof(pkts) / sizeof(pkts[0]); i++) {
			const struct pkt *p = &pkts[i];
			uint32_t len = fuzz_ipv4(frame, p->proto, 1 + (unsigned int)(i & 1), p->sport,
						 p->dport, p->flags, p->plen, p->frag);

			t += 50000;
			if (rxs_host_inject(h, 0, frame, len, t) == -EINVAL)
				abort();
		}
		fuzz_check_conservation(h, "fuzz_iptables: round");
	}
	rxs_host_run_until(h, t + 31 * FUZZ_S);
}

static void run_host(const char *text)
{
	struct rxs_scenario *sc = fuzz_scenario(text);
	rxs_host_t *h = NULL;
	char err[512] = "";

	if (!sc)
		return;
	if (rxs_host_create(&h, sc, err, sizeof(err)) < 0) {
		/* The same text parsed alone: the host must accept it too. */
		fprintf(stderr, "fuzz_iptables: rules parse but the host refuses them: %s\n", err);
		abort();
	}
	rxs_scenario_free(sc);
	run_packets(h);
	fuzz_check_conservation(h, "fuzz_iptables");
	if (rxs_ruleset_get(h))
		rxs_ruleset_print(rxs_ruleset_get(h), devnull);
	rxs_host_destroy(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[512] = "";
	rxs_ruleset_t *nf = NULL;
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	{
		/* Skip mode (with a few ipsets): whatever it leaves out is listed, each with an
		 * error that names the file and line. */
		const struct rxs_ruleset_opts o = {
			.text = text, .name = "fuzz.rules", .first_line = 1, .skip_unsupported = 1,
			.ipsets = "create blk hash:net family inet\nadd blk 10.0.0.0/8\n"
				  "create svc hash:ip,port family inet\nadd svc 10.0.0.2,udp:53\n"
				  "create p bitmap:port range 1-1024\nadd p 53\n",
		};
		struct rxs_ruleset_skipped_info si;

		rc = rxs_ruleset_create_opts(&nf, &o, err, sizeof(err));
		for (unsigned int i = 0; rc == 0 && i < rxs_ruleset_nskipped(nf); i++)
			if (rxs_ruleset_skipped(nf, i, &si) || strncmp(si.reason, "fuzz.rules:", 11)) {
				fprintf(stderr, "fuzz_iptables: skipped without file:line\n");
				abort();
			}
		if (rc == 0)
			rxs_ruleset_print(nf, devnull);
		rxs_ruleset_destroy(nf);
		nf = NULL;
	}
	rc = rxs_ruleset_create(&nf, text, "fuzz.rules", 1, err, sizeof(err));
	if (rc < 0) {
		if (nf || strncmp(err, "fuzz.rules:", 11) != 0) {
			fprintf(stderr, "fuzz_iptables: error %d without file:line: '%s'\n", rc, err);
			abort();
		}
	} else {
		rxs_ruleset_print(nf, devnull);
		rxs_ruleset_destroy(nf);
		run_host(text);
	}
	free(text);
	return 0;
}
