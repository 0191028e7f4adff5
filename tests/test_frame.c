/* test_frame.c - the frame builders of <rxsim/frame.h>.
 *
 * Every frame is judged by rxsim's own receive path: a good one is delivered (a datagram
 * queued, a SYN answered, an echo replied to), a spoiled one is dropped for exactly the
 * checksum that was spoiled. The header fields are checked byte by byte for one frame of each
 * kind, and, where tshark is installed, tshark validates every checksum of a capture of them.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "rxsim/rxsim.h"
#include "frames.h"

enum kind { UDP, TCP, ICMP };

static const uint8_t mss[4] = { 2, 4, 0x05, 0xb4 };	/* MSS 1460 */

static const struct {
	int line;
	enum kind kind;
	struct rxs_frame_spec s;
	enum rxs_drop_reason drop;	/* RXS_DROP_NOT_DROPPED_YET: delivered */
} cases[] = {
	{ __LINE__, UDP, { .sport = 1000, .dport = 53, .payload = "query", .payload_len = 5 },
	  RXS_DROP_NOT_DROPPED_YET },
	{ __LINE__, UDP, { .dport = 53, .payload = "q", .payload_len = 1,
			   .bad = RXS_FRAME_BAD_L4_CSUM }, RXS_DROP_UDP_CSUM },
	{ __LINE__, UDP, { .dport = 53, .bad = RXS_FRAME_BAD_IP_CSUM }, RXS_DROP_IP_CSUM },
	{ __LINE__, UDP, { .dport = 53, .bad = RXS_FRAME_NO_UDP_CSUM }, RXS_DROP_NOT_DROPPED_YET },
	{ __LINE__, UDP, { .dport = 9 }, RXS_DROP_NO_SOCKET },
	{ __LINE__, UDP, { .src = "fd00::1", .dport = 53, .payload = "query", .payload_len = 5 },
	  RXS_DROP_NOT_DROPPED_YET },
	{ __LINE__, UDP, { .dst = "fd00::2", .dport = 53, .bad = RXS_FRAME_BAD_L4_CSUM },
	  RXS_DROP_UDP_CSUM },
	/* A priority tag (VLAN id 0) is received on the NIC itself. */
	{ __LINE__, UDP, { .vlan = true, .vlan_tci = 5 << 13, .dport = 53 },
	  RXS_DROP_NOT_DROPPED_YET },
	{ __LINE__, TCP, { .sport = 40000, .dport = 80, .tcp_flags = RXS_TCP_SYN, .seq = 1,
			   .window = 64240, .tcp_options = mss, .tcp_options_len = 4 },
	  RXS_DROP_NOT_DROPPED_YET },
	{ __LINE__, TCP, { .sport = 40000, .dport = 80, .tcp_flags = RXS_TCP_SYN,
			   .bad = RXS_FRAME_BAD_L4_CSUM }, RXS_DROP_TCP_CSUM },
	{ __LINE__, TCP, { .src = "fd00::1", .sport = 40000, .dport = 80,
			   .tcp_flags = RXS_TCP_SYN, .window = 1000 }, RXS_DROP_NOT_DROPPED_YET },
	{ __LINE__, TCP, { .src = "fd00::1", .sport = 40000, .dport = 80,
			   .tcp_flags = RXS_TCP_SYN, .bad = RXS_FRAME_BAD_L4_CSUM },
	  RXS_DROP_TCP_CSUM },
	{ __LINE__, ICMP, { .icmp_type = 8, .icmp_id = 7, .icmp_seq = 1, .payload = "ping",
			    .payload_len = 4 }, RXS_DROP_NOT_DROPPED_YET },
	{ __LINE__, ICMP, { .icmp_type = 8, .bad = RXS_FRAME_BAD_L4_CSUM }, RXS_DROP_ICMP_CSUM },
};

static int build(enum kind k, uint8_t *buf, size_t size, const struct rxs_frame_spec *s)
{
	switch (k) {
	case UDP:
		return rxs_frame_udp(buf, size, s);
	case TCP:
		return rxs_frame_tcp(buf, size, s);
	default:
		return rxs_frame_icmp(buf, size, s);
	}
}

/* eth0 10.0.0.2/24 and fd00::2/64; UDP [::]:53 read by an app, a TCP listener on 80. */
static rxs_host_t *host(void)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	struct rxs_socket_config *s;
	rxs_host_t *h;

	assert_int_equal(rxs_addr_parse(&sc->nics[0].addrs[1], "fd00::2/64"), 0);
	sc->nics[0].naddrs = 2;
	s = fr_udp_socket(sc, "::", 53, RXS_APP_ALL);
	s = rxs_scenario_add_socket(sc);
	assert_non_null(s);
	s->proto = IPPROTO_TCP;
	assert_int_equal(rxs_addr_parse(&s->local, "::"), 0);
	s->port = 80;
	s->backlog = 128;
	s->app.kind = RXS_APP_ALL;
	h = fr_host(sc);
	rxs_scenario_free(sc);
	return h;
}

static void test_frames_through_the_path(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t buf[RXS_FRAME_MAX];
		int len = build(cases[i].kind, buf, sizeof(buf), &cases[i].s);
		rxs_host_t *h = host();
		uint64_t want = cases[i].drop == RXS_DROP_NOT_DROPPED_YET ? 0 : 1;

		if (len <= 0)
			fail_msg("case at line %d: built %d", cases[i].line, len);
		assert_int_equal(rxs_host_inject(h, 0, buf, (uint32_t)len, 1000), 0);
		assert_int_equal(rxs_host_run(h), 0);
		fr_conserved(h);
		if (fr_drops_total(h) != want ||
		    (want && fr_drops(h, cases[i].drop) != 1))
			fail_msg("case at line %d: %llu drops, %llu of %s", cases[i].line,
				 (unsigned long long)fr_drops_total(h),
				 (unsigned long long)(want ? fr_drops(h, cases[i].drop) : 0),
				 want ? rxs_drop_reason_name(cases[i].drop) : "none wanted");
		rxs_host_destroy(h);
	}
}

static void test_udp_bytes(void **state)
{
	static const uint8_t want[] = {
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x81, 0x00, 0x20, 0xca, 0x08, 0x00,
		0x45, 0x00, 0x00, 0x1f, 0x12, 0x34, 0x40, 0x00, 0x07, 0x11, 0, 0,
		10, 0, 0, 1, 10, 0, 0, 2,
		0x03, 0xe8, 0x00, 0x35, 0x00, 0x0b, 0, 0, 'a', 'b', 'c',
	};
	struct rxs_frame_spec s = { .vlan = true, .vlan_tci = 1 << 13 | 202, .ip_id = 0x1234,
				    .df = true, .ttl = 7, .sport = 1000, .dport = 53,
				    .payload = "abc", .payload_len = 3 };
	uint8_t buf[64];
	int len = rxs_frame_udp(buf, sizeof(buf), &s);

	(void)state;
	assert_int_equal(len, sizeof(want));
	/* Both checksums verify: the IPv4 header's, and UDP's over its pseudo-header. */
	assert_int_equal(rxs__csum_fold(rxs__csum_partial(buf + 18, 20, 0)), 0);
	assert_int_equal(rxs__csum_fold(rxs__csum_partial(buf + 38, 11,
							  rxs__csum_partial(buf + 30, 8, 17 + 11))),
			 0);
	/* Checksums apart, every byte is the one wanted. */
	memset(buf + 28, 0, 2);
	memset(buf + 44, 0, 2);
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_errors(void **state)
{
	uint8_t buf[RXS_FRAME_MAX];
	struct rxs_frame_spec s = { .src = "10.0.0.1", .dst = "fd00::2" };
	static uint8_t big[70000];

	(void)state;
	assert_int_equal(rxs_frame_udp(buf, sizeof(buf), &s), -EINVAL);
	s = (struct rxs_frame_spec){ .src = "10.0.0.300" };
	assert_int_equal(rxs_frame_tcp(buf, sizeof(buf), &s), -EINVAL);
	s = (struct rxs_frame_spec){ .payload = big, .payload_len = 100 };
	assert_int_equal(rxs_frame_udp(buf, 100, &s), -ENOSPC);
	assert_int_equal(rxs_frame_udp(buf, 142, &s), 142);	/* 14 + 20 + 8 + 100 */
	s = (struct rxs_frame_spec){ .payload = big, .payload_len = sizeof(big) };
	assert_int_equal(rxs_frame_udp(buf, sizeof(buf), &s), -ENOSPC);
	s = (struct rxs_frame_spec){ .tcp_options = big, .tcp_options_len = 44 };
	assert_int_equal(rxs_frame_tcp(buf, sizeof(buf), &s), -EINVAL);
	/* Options are padded with NOPs to a multiple of 4: data offset 6 for 3 bytes. */
	s = (struct rxs_frame_spec){ .tcp_options = mss, .tcp_options_len = 3 };
	assert_int_equal(rxs_frame_tcp(buf, sizeof(buf), &s), 14 + 20 + 24);
	assert_int_equal(buf[34 + 12], 6 << 4);
	assert_int_equal(buf[34 + 20 + 3], 1);
}

/* tshark, where installed, validates every checksum of a capture of the good frames. */
static void test_tshark_agrees(void **state)
{
	char path[] = "/tmp/rxsim-frames-XXXXXX", cmd[512];
	pcap_t *dead;
	pcap_dumper_t *d;
	FILE *p;
	int fd, good = 0, bad = 0, c;
	char line[256];

	(void)state;
	if (access("/usr/bin/tshark", X_OK) != 0) {
		print_message("tshark is not installed (scripts/setup.sh --extras): skipped\n");
		skip();
	}
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	dead = pcap_open_dead(DLT_EN10MB, 65535);
	d = pcap_dump_open(dead, path);
	assert_non_null(d);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t buf[RXS_FRAME_MAX];
		struct pcap_pkthdr ph = { .ts = { 1, (long)i } };
		int len = build(cases[i].kind, buf, sizeof(buf), &cases[i].s);

		assert_true(len > 0);
		ph.caplen = ph.len = (bpf_u_int32)len;
		pcap_dump((u_char *)d, &ph, buf);
		good += cases[i].drop == RXS_DROP_NOT_DROPPED_YET;
	}
	pcap_dump_close(d);
	pcap_close(dead);
	snprintf(cmd, sizeof(cmd),
		 "tshark -r %s -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE "
		 "-o tcp.check_checksum:TRUE -V 2>/dev/null | grep -iE 'checksum status: (good|bad)'",
		 path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p))
		bad += strstr(line, "Bad") != NULL;
	c = pclose(p);
	(void)c;
	unlink(path);
	/* One bad status for each spoiled frame (IP header, or the transport checksum). */
	assert_int_equal(bad, 6);
	assert_true(good > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_through_the_path),
		cmocka_unit_test(test_udp_bytes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_tshark_agrees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
