/* fuzz_frame.c - frames through the whole receive path of a host with a tap, netfilter rules
 * and conntrack, UDP and TCP sockets, IPv4 and IPv6 (fuzz.h: fuzz_host_yaml).
 *
 * The input is a few frames, each as one record:
 *
 *     ctl (1 byte)   bit 0: NIC (0 eth0, generic; 1 veth0); bits 1-7: gap before the frame,
 *                    in units of 100 us (0: same instant as the previous frame)
 *     len (2 bytes)  big-endian
 *     frame          len bytes, from the Ethernet destination MAC on
 *
 * A record whose length runs past the input ends it: its bytes, whatever there is, are the
 * last frame. So one frame is 00 LL LL + bytes, and fragments, a handshake or a ring-filling
 * burst are a few records. After the last frame the host runs 31 s more, past ipfrag_time
 * and the UDP conntrack timeout, so every timer fires.
 *
 * One host per input, destroyed at the end: a crash reproduces from its input alone, the
 * counters checked are this input's, and LeakSanitizer sees every skb and table entry that
 * was not freed. Building the host costs a few microseconds (the skb pool grows on demand),
 * which is small next to the 31 s of virtual time run per input; a host kept across inputs
 * would be faster still but would carry conntrack entries, fragment queues and socket queues
 * from one input to the next, so a crash would depend on the order of the whole session.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

#define MAX_FRAMES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run_frames(rxs_host_t *h, const uint8_t *data, size_t size)
{
	uint64_t t = 0;

	for (unsigned int n = 0; n < MAX_FRAMES && size > 0; n++) {
		unsigned int ctl = data[0];
		size_t len = size >= 3 ? (size_t)data[1] << 8 | data[2] : 0;
		const uint8_t *frame = data + (size >= 3 ? 3 : size);

		size -= size >= 3 ? 3 : size;
		if (len > size)
			len = size;
		t += (uint64_t)(ctl >> 1) * 100000;
		/* -EINVAL only for a bad NIC or time, which we never pass: any other error is
		 * the host's, and conservation is checked after it all the same. */
		if (rxs_host_inject(h, ctl & 1, frame, (uint32_t)len, t) == -EINVAL)
			abort();
		fuzz_check_conservation(h, "after inject");
		data = frame + len;
		size -= len;
	}
	rxs_host_run_until(h, t + 31 * FUZZ_S);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rxs_scenario *sc = fuzz_scenario(NULL);
	rxs_host_t *h = NULL;
	char err[512];

	if (!sc)
		return 0;
	if (rxs_host_create(&h, sc, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_frame: host: %s\n", err);
		abort();
	}
	rxs_scenario_free(sc);
	run_frames(h, data, size);
	fuzz_check_conservation(h, "fuzz_frame");
	rxs_host_destroy(h);
	return 0;
}
