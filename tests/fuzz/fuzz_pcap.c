/* fuzz_pcap.c - a whole pcap or pcapng file as the traffic of a host.
 *
 * The input is written to a memfd and replayed as `rxsim replay capture.pcap` does: the
 * default host for the capture (rxs_scenario_for_capture, which surveys it), then the run.
 * Errors are fine (a damaged capture stops the run with a message naming the file); a crash,
 * a leak or a conservation violation is not. The file is /proc/self/fd/N, opened again by
 * each reader, so the survey and the replay read it as two users of a real file would.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fd = -1;

/* Replace the memfd's contents with @data. */
static void write_capture(const uint8_t *data, size_t size)
{
	if (fd < 0)
		fd = memfd_create("fuzz.pcap", 0);
	if (fd < 0 || ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size) {
		perror("fuzz_pcap: memfd");
		abort();
	}
}

static void replay(const char *path)
{
	struct rxs_scenario *sc = NULL;
	rxs_host_t *h = NULL;
	char err[512] = "";

	if (rxs_scenario_for_capture(&sc, path, err, sizeof(err)) < 0) {
		if (!strstr(err, path)) {
			fprintf(stderr, "fuzz_pcap: error without the file name: %s\n", err);
			abort();
		}
		return;
	}
	if (rxs_host_create(&h, sc, err, sizeof(err)) == 0) {
		if (rxs_host_run(h) < 0 && !strstr(rxs_host_errmsg(h), path)) {
			fprintf(stderr, "fuzz_pcap: run error without the file name: %s\n",
				rxs_host_errmsg(h));
			abort();
		}
		fuzz_check_conservation(h, "fuzz_pcap");
		rxs_host_destroy(h);
	}
	rxs_scenario_free(sc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];

	write_capture(data, size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	replay(path);
	return 0;
}
