/* fuzz_scenario.c - scenario YAML text: parse, build the host, apply --set overrides.
 *
 * The input is a scenario file. When it parses, the host is built from it (and destroyed),
 * then a fixed list of --set assignments, valid and not, is applied one by one and the host
 * built again. Relative traffic paths resolve against a folder that does not exist, so
 * creation fails cleanly at the first capture; scenarios that name an absolute capture path
 * or a tap output file are parsed and overridden but never built, so no input opens
 * /dev/stdin or writes a file. Nothing runs: fuzz_frame and fuzz_pcap do that.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define NO_DIR "/nonexistent-rxsim-fuzz"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const sets[] = {
	"sysctl.net.core.netdev_budget=600",
	"sysctl.net.core.netdev_budget=-1",
	"sysctl.net.ipv4.tcp_rmem=4096 87380 6291456",
	"sysctl.net.core.nope=1",
	"host.cpus=2",
	"host.cpus=99999999999999999999",
	"host.hz=1000",
	"nics.eth0.ring_size=64",
	"nics.0.ring_size=1000",
	"nics.0.rx_queues=4",
	"nics.1.mtu=9000",
	"nics.eth0.coalesce.rx_usecs=10",
	"nics.eth0.addresses=fd00::2/64",
	"nics.eth9.mtu=9000",
	"sockets.0.rcvbuf=8192",
	"sockets.0.app.read=never",
	"sockets.0.app.read=50kpps",
	"sockets.dns.backlog=-5",
	"taps.0.filter=tcp port 80",
	"taps.0.ring_frames=0",
	"cost.udp_rcv=200",
	"cost.nope=1",
	"traffic.0.rate=1Mpps",
	"traffic.0.speed=0",
	"traffic.0.start=1s",
	"run.until=2s",
	"run.until=end+500ms",
	"=",
	"host.cpus",
	"..=1",
	"nics..ring_size=64",
};

/* Only hosts whose every file is under NO_DIR are built. */
static bool safe_to_build(const struct rxs_scenario *sc)
{
	for (unsigned int i = 0; i < sc->ntraffic; i++)
		if (sc->traffic[i].path && strncmp(sc->traffic[i].path, NO_DIR "/",
						   sizeof(NO_DIR)) != 0)
			return false;
	for (unsigned int i = 0; i < sc->ntaps; i++)
		if (sc->taps[i].write)
			return false;
	return true;
}

static void build(const struct rxs_scenario *sc)
{
	rxs_host_t *h = NULL;
	char err[512] = "";

	if (!safe_to_build(sc))
		return;
	if (rxs_host_create(&h, sc, err, sizeof(err)) < 0) {
		if (!err[0]) {
			fprintf(stderr, "fuzz_scenario: host creation failed without a message\n");
			abort();
		}
		return;
	}
	fuzz_check_conservation(h, "fuzz_scenario");
	rxs_host_destroy(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rxs_scenario *sc = NULL;
	char err[512] = "";

	if (rxs_scenario_parse(&sc, (const char *)data, size, "fuzz.yaml", NO_DIR, err,
			       sizeof(err)) < 0) {
		if (sc || strncmp(err, "fuzz.yaml:", 10) != 0) {
			fprintf(stderr, "fuzz_scenario: error without file:line:col: '%s'\n", err);
			abort();
		}
		return 0;
	}
	build(sc);
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		rxs_scenario_set(sc, sets[i], err, sizeof(err));
	build(sc);
	rxs_scenario_free(sc);
	return 0;
}
