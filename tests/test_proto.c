/* test_proto.c - Ethernet, VLAN, ARP, IPv4 (header checks, routing, reassembly), UDP and
 * ICMP on the receive path, end to end through the public host API: every frame is built
 * here, every counter checked exactly, and every run conserves its packets. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pcap/pcap.h>
#include <unistd.h>

#include "run_cmd.h"

#include "frames.h"
#include "internal.h"
#include "proto/proto_int.h"

#define PORT 9		/* bound */
#define CLOSED 7	/* not bound */

/* A generic NIC eth0 (10.0.0.2/24), a socket on 0.0.0.0:9 that reads everything. */
static rxs_host_t *proto_host(bool promisc)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	rxs_host_t *h;

	sc->nics[0].promisc = promisc;
	fr_udp_socket(sc, NULL, PORT, RXS_APP_ALL);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	return h;
}

static void run_and_check(rxs_host_t *h)
{
	assert_int_equal(rxs_host_run(h), 0);
	fr_conserved(h);
}

/* ---- IPv4 header checks (ip_rcv_core), in order ---- */

enum mangle { M_IHL4, M_VERSION6, M_CSUM, M_TOTLEN_LONG, M_TOTLEN_SHORT, M_SHORT };

static const struct {
	int line;
	enum mangle m;
	uint64_t hdr_errors, csum_errors, truncated;
	enum rxs_drop_reason reason;
} hdr_cases[] = {
	{ __LINE__, M_IHL4, 1, 0, 0, RXS_DROP_IP_INHDR },	/* ihl < 5 */
	{ __LINE__, M_VERSION6, 1, 0, 0, RXS_DROP_IP_INHDR },	/* version 6 in ETH_P_IP */
	/* A bad header checksum counts both InCsumErrors and InHdrErrors. */
	{ __LINE__, M_CSUM, 1, 1, 0, RXS_DROP_IP_CSUM },
	/* tot_len beyond the frame: InTruncatedPkts only. */
	{ __LINE__, M_TOTLEN_LONG, 0, 0, 1, RXS_DROP_PKT_TOO_SMALL },
	{ __LINE__, M_TOTLEN_SHORT, 1, 0, 0, RXS_DROP_IP_INHDR },	/* tot_len < ihl * 4 */
	{ __LINE__, M_SHORT, 1, 0, 0, RXS_DROP_IP_INHDR },	/* 19 bytes: no room for a header */
};

static void mangle(struct fr *f, enum mangle m)
{
	uint8_t *ip = f->d + f->l3;

	switch (m) {
	case M_IHL4:
		ip[0] = 0x44;
		fr_ip_csum(f);	/* over 20 bytes: only the IHL is wrong */
		break;
	case M_VERSION6:
		ip[0] = 0x65;
		fr_ip_csum(f);
		break;
	case M_CSUM:
		ip[10] ^= 0x5a;
		break;
	case M_TOTLEN_LONG:
		fr_put16(ip + 2, (uint16_t)(f->len - f->l3 + 1));
		fr_ip_csum(f);
		break;
	case M_TOTLEN_SHORT:
		fr_put16(ip + 2, 16);
		fr_ip_csum(f);
		break;
	case M_SHORT:
		f->len = f->l3 + 19;
		break;
	}
}

static void test_ip_header_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(hdr_cases); i++) {
		rxs_host_t *h = proto_host(false);
		int line = hdr_cases[i].line;
		struct fr f;

		fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, PORT, 32);
		mangle(&f, hdr_cases[i].m);
		fr_inject(h, &f, 0);
		run_and_check(h);
		/* IpInReceives and InOctets (the IP length after the Ethernet header) come
		 * before every check. */
		if (FR_MIB(h, IpInReceives) != 1 || FR_MIB(h, IpExtInOctets) != f.len - 14 ||
		    FR_MIB(h, IpInHdrErrors) != hdr_cases[i].hdr_errors ||
		    FR_MIB(h, IpExtInCsumErrors) != hdr_cases[i].csum_errors ||
		    FR_MIB(h, IpExtInTruncatedPkts) != hdr_cases[i].truncated ||
		    FR_MIB(h, IpInDelivers) != 0 || FR_MIB(h, UdpInDatagrams) != 0 ||
		    fr_drops(h, hdr_cases[i].reason) != 1 || fr_drops_total(h) != 1)
			fail_msg("case at line %d: InReceives %llu HdrErrors %llu CsumErrors %llu "
				 "Truncated %llu, drops %llu (reason %s: %llu)", line,
				 (unsigned long long)FR_MIB(h, IpInReceives),
				 (unsigned long long)FR_MIB(h, IpInHdrErrors),
				 (unsigned long long)FR_MIB(h, IpExtInCsumErrors),
				 (unsigned long long)FR_MIB(h, IpExtInTruncatedPkts),
				 (unsigned long long)fr_drops_total(h),
				 rxs_drop_reason_name(hdr_cases[i].reason),
				 (unsigned long long)fr_drops(h, hdr_cases[i].reason));
		rxs_host_destroy(h);
	}
}

/* A 60-byte minimum frame carrying a 28-byte datagram (UDP header, no payload): ip_rcv
 * counts InOctets with skb->len before pskb_trim_rcsum, i.e. 60 - 14 = 46; then the
 * padding goes and UDP sees its 8 bytes. */
/* ip_options_compile() on received options, and ip_options_echo() for the reply: where a
 * malformed one is (the parameter problem's pointer: 20 is the first option byte), what is
 * noted, and how long the echoed options are (-1: no room for the host's entry). */
static const struct {
	int line;
	uint8_t opt[40];
	unsigned int len;
	uint8_t err;
	bool rr, ts, srr;
	int echo;
} ipopt_cases[] = {
	{ __LINE__, { 1, 1, 1, 0 }, 4, 0, false, false, false, 0 },
	/* record route, two slots: echoed, 11 bytes padded to 12 */
	{ __LINE__, { 7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 12, 0, true, false, false, 12 },
	/* one slot: the host fills it, and the reply has none left, as the kernel keeps it */
	{ __LINE__, { 7, 7, 4, 0, 0, 0, 0, 0 }, 8, 0, true, false, false, 8 },
	/* room for the host's entry on the way in but not in the reply: no reply */
	{ __LINE__, { 7, 10, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 12, 0, true, false, false, -1 },
	{ __LINE__, { 7, 1, 0, 0 }, 4, 20, false, false, false, 0 },	/* length 1 */
	{ __LINE__, { 7, 3, 4, 0 }, 4, 0, true, false, false, 4 },	/* full, no slot */
	{ __LINE__, { 7, 3, 2, 0 }, 4, 22, false, false, false, 0 },	/* pointer below 4 */
	{ __LINE__, { 7, 7, 4, 0, 0, 0, 0, 7, 7, 4, 0, 0, 0, 0, 0, 0 }, 16, 27, true, false, false, 0 },
	/* timestamps only, 2 slots; then an overflow count about to overflow */
	{ __LINE__, { 68, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 12, 0, false, true, false, 12 },
	{ __LINE__, { 68, 4, 5, 0xf0 }, 4, 23, false, false, false, 0 },
	{ __LINE__, { 68, 3, 5, 0 }, 4, 21, false, false, false, 0 },	/* shorter than 4 */
	{ __LINE__, { 148, 4, 0, 0 }, 4, 0, false, false, false, 0 },	/* router alert */
	{ __LINE__, { 148, 2, 1, 0 }, 4, 21, false, false, false, 0 },
	{ __LINE__, { 131, 7, 4, 10, 0, 0, 1, 0 }, 8, 0, false, false, true, 0 },	/* LSRR */
	{ __LINE__, { 131, 3, 4, 137, 3, 4, 0, 0 }, 8, 23, false, false, true, 0 },	/* two */
	{ __LINE__, { 134, 8, 0, 0, 0, 1, 0, 0 }, 8, 22, false, false, false, 0 },	/* CIPSO */
	{ __LINE__, { 158, 4, 0, 0 }, 4, 0, false, false, false, 0 },	/* unknown: skipped */
	{ __LINE__, { 0, 7, 1, 0 }, 4, 0, false, false, false, 0 },	/* after the end: not read */
	{ __LINE__, { 1, 1, 1, 7 }, 4, 23, false, false, false, 0 },	/* no length byte */
};

static void test_ip_options(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ipopt_cases); i++) {
		uint8_t iph[60] = { 0 }, out[40];
		struct rxs_ip_options o;
		int echo = 0;

		iph[0] = (uint8_t)(0x40 | (20 + ipopt_cases[i].len) / 4);
		memcpy(iph + 20, ipopt_cases[i].opt, ipopt_cases[i].len);
		rxs__ip_options_compile(iph, &o);
		if (!o.err)
			echo = rxs__ip_options_echo(iph, out);
		if (o.err != ipopt_cases[i].err || !!o.rr != ipopt_cases[i].rr ||
		    !!o.ts != ipopt_cases[i].ts || !!o.srr != ipopt_cases[i].srr ||
		    echo != ipopt_cases[i].echo)
			fail_msg("case at line %d: err %u rr %u ts %u srr %u echo %d",
				 ipopt_cases[i].line, o.err, o.rr, o.ts, o.srr, echo);
	}
}

static void test_ethernet_padding(void **state)
{
	rxs_host_t *h = proto_host(false);
	struct rxs_socket_info si;
	struct fr f;

	(void)state;
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, PORT, 0);
	assert_int_equal(f.len, 42);
	f.len = 60;	/* zero padding, as the MAC adds it */
	fr_inject(h, &f, 0);
	run_and_check(h);
	assert_int_equal(FR_MIB(h, IpInReceives), 1);
	assert_int_equal(FR_MIB(h, IpExtInOctets), 46);
	assert_int_equal(FR_MIB(h, IpInDelivers), 1);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), 1);
	assert_int_equal(FR_MIB(h, UdpInErrors), 0);
	assert_int_equal(FR_MIB(h, IpExtInNoECTPkts), 1);
	si = fr_sock(h, 0);
	assert_int_equal(si.delivered, 1);
	assert_int_equal(si.delivered_bytes, 0);
	assert_int_equal(fr_nic(h, 0).rx_bytes, 60);
	assert_int_equal(fr_drops_total(h), 0);
	rxs_host_destroy(h);
}

/* ip_rcv_core()'s ECN counters: the TOS byte's low two bits pick the counter, the DSCP
 * beside them does not (tests/oracle/cases/ip-ecn holds the kernel's, IPv6's too). */
static void test_ecn_counters(void **state)
{
	static const struct { int line; uint8_t tos; enum rxs_mib mib; } cases[] = {
		{ __LINE__, 0x00, RXS_MIB_IpExtInNoECTPkts },
		{ __LINE__, 0x01, RXS_MIB_IpExtInECT1Pkts },
		{ __LINE__, 0x02, RXS_MIB_IpExtInECT0Pkts },
		{ __LINE__, 0x03, RXS_MIB_IpExtInCEPkts },
		{ __LINE__, 0xb8, RXS_MIB_IpExtInNoECTPkts },	/* EF */
		{ __LINE__, 0xbb, RXS_MIB_IpExtInCEPkts },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rxs_host_t *h = proto_host(false);
		struct fr f;

		fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, PORT, 10);
		f.d[f.l3 + 1] = cases[i].tos;
		fr_ip_csum(&f);
		fr_inject(h, &f, 0);
		run_and_check(h);
		if (rxs_host_mib(h, cases[i].mib) != 1 || FR_MIB(h, UdpInDatagrams) != 1 ||
		    FR_MIB(h, IpExtInNoECTPkts) + FR_MIB(h, IpExtInECT1Pkts) +
		    FR_MIB(h, IpExtInECT0Pkts) + FR_MIB(h, IpExtInCEPkts) != 1)
			fail_msg("case at line %d: %s not counted once", cases[i].line,
				 rxs_mib_name(cases[i].mib));
		rxs_host_destroy(h);
	}
}

/* A unicast datagram for an address that is not ours, on a host that does not forward:
 * ip_error() with EHOSTUNREACH, IpInAddrErrors. */
static void test_not_our_address(void **state)
{
	rxs_host_t *h = proto_host(false);
	struct fr f;

	(void)state;
	fr_udp(&f, FR_PEER_IP, "10.0.0.99", 1000, PORT, 10);
	fr_inject(h, &f, 0);
	run_and_check(h);
	assert_int_equal(FR_MIB(h, IpInReceives), 1);
	assert_int_equal(FR_MIB(h, IpInAddrErrors), 1);
	assert_int_equal(FR_MIB(h, IpInDelivers), 0);
	assert_int_equal(fr_drops(h, RXS_DROP_IP_INADDRERRORS), 1);
	assert_int_equal(fr_drops_total(h), 1);
	rxs_host_destroy(h);
}

/* No handler for IP protocol 99: IpInUnknownProtos, an ICMP protocol unreachable (type 3,
 * the first for this peer, so not rate limited), reason IP_NOPROTO. */
static void test_unknown_protocol(void **state)
{
	rxs_host_t *h = proto_host(false);
	struct fr f;

	(void)state;
	fr_eth(&f, fr_host_mac, false, 0, FR_ETH_P_IP);
	fr_ip(&f, FR_PEER_IP, FR_HOST_IP, 99, 1, 0x4000, 16);
	fr_inject(h, &f, 0);
	run_and_check(h);
	assert_int_equal(FR_MIB(h, IpInReceives), 1);
	assert_int_equal(FR_MIB(h, IpInUnknownProtos), 1);
	assert_int_equal(FR_MIB(h, IpInDelivers), 0);
	assert_int_equal(FR_MIB(h, IcmpOutMsgs), 1);
	assert_int_equal(FR_MIB(h, IcmpOutDestUnreachs), 1);
	assert_int_equal(FR_MIB(h, IcmpMsgOutType3), 1);
	assert_int_equal(FR_MIB(h, IpOutRequests), 1);
	assert_int_equal(FR_MIB(h, IcmpOutRateLimitHost), 0);
	assert_int_equal(fr_drops(h, RXS_DROP_IP_NOPROTO), 1);
	assert_int_equal(fr_drops_total(h), 1);
	rxs_host_destroy(h);
}

/* Broadcasts to a bound port are delivered (__udp4_lib_mcast_deliver) and counted as
 * InBcastPkts; to no socket they are UdpIgnoredMulti, freed with kfree_skb() (a drop,
 * NOT_SPECIFIED), and never answered. */
static const struct {
	int line;
	const char *dst;
	uint16_t port;
	uint64_t delivered, ignored;
} bcast_cases[] = {
	{ __LINE__, "255.255.255.255", PORT, 1, 0 },
	{ __LINE__, "10.0.0.255", PORT, 1, 0 },		/* our /24's directed broadcast */
	{ __LINE__, "255.255.255.255", CLOSED, 0, 1 },
};

static void test_broadcast(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bcast_cases); i++) {
		rxs_host_t *h = proto_host(false);
		struct fr f;

		fr_udp_vlan(&f, fr_bcast_mac, false, 0, FR_PEER_IP, bcast_cases[i].dst, 1000,
			    bcast_cases[i].port, 20);
		fr_inject(h, &f, 0);
		run_and_check(h);
		if (FR_MIB(h, IpInReceives) != 1 || FR_MIB(h, IpExtInBcastPkts) != 1 ||
		    FR_MIB(h, IpExtInBcastOctets) != 48 || FR_MIB(h, IpInDelivers) != 1 ||
		    FR_MIB(h, UdpInDatagrams) != bcast_cases[i].delivered ||
		    fr_sock(h, 0).delivered != bcast_cases[i].delivered ||
		    FR_MIB(h, UdpIgnoredMulti) != bcast_cases[i].ignored ||
		    FR_MIB(h, UdpNoPorts) != 0 || FR_MIB(h, IcmpOutMsgs) != 0 ||
		    fr_drops_total(h) != bcast_cases[i].ignored ||
		    fr_drops(h, RXS_DROP_NOT_SPECIFIED) != bcast_cases[i].ignored)
			fail_msg("case at line %d: InBcastPkts %llu, UdpInDatagrams %llu, "
				 "IgnoredMulti %llu, NoPorts %llu", bcast_cases[i].line,
				 (unsigned long long)FR_MIB(h, IpExtInBcastPkts),
				 (unsigned long long)FR_MIB(h, UdpInDatagrams),
				 (unsigned long long)FR_MIB(h, UdpIgnoredMulti),
				 (unsigned long long)FR_MIB(h, UdpNoPorts));
		rxs_host_destroy(h);
	}
}

/* No socket on the port: the checksum is good, so UdpNoPorts and a port unreachable. */
static void test_udp_closed_port(void **state)
{
	rxs_host_t *h = proto_host(false);
	struct fr f;

	(void)state;
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, CLOSED, 10);
	fr_inject(h, &f, 0);
	run_and_check(h);
	assert_int_equal(FR_MIB(h, IpInDelivers), 1);	/* handed to UDP, whatever it did */
	assert_int_equal(FR_MIB(h, UdpNoPorts), 1);
	assert_int_equal(FR_MIB(h, UdpInErrors), 0);
	assert_int_equal(FR_MIB(h, IcmpOutMsgs), 1);
	assert_int_equal(FR_MIB(h, IcmpOutDestUnreachs), 1);
	assert_int_equal(FR_MIB(h, IcmpMsgOutType3), 1);
	assert_int_equal(FR_MIB(h, IpOutRequests), 1);
	assert_int_equal(fr_drops(h, RXS_DROP_NO_SOCKET), 1);
	assert_int_equal(fr_drops_total(h), 1);
	rxs_host_destroy(h);
}

/*
 * 20 datagrams to a closed port from one source within one jiffy. The global bucket
 * (icmp_msgs_burst 50) has room; the per-peer bucket (inet_peer_xrlim_allow) starts full
 * at XRLIM_BURST_FACTOR * icmp_ratelimit = 6 * 250 jiffies and each message costs
 * icmp_ratelimit (1000 ms = 250 jiffies at HZ=250), with no refill inside the jiffy:
 * 6 sent, 14 suppressed as OutRateLimitHost.
 */
static void test_icmp_rate_limit_host(void **state)
{
	rxs_host_t *h = proto_host(false);
	struct fr f;

	(void)state;
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, CLOSED, 10);
	for (int i = 0; i < 20; i++)
		fr_inject(h, &f, 0);
	run_and_check(h);
	assert_int_equal(FR_MIB(h, UdpNoPorts), 20);
	assert_int_equal(FR_MIB(h, IcmpOutDestUnreachs), 6);
	assert_int_equal(FR_MIB(h, IcmpOutMsgs), 6);
	assert_int_equal(FR_MIB(h, IcmpOutRateLimitHost), 14);
	assert_int_equal(FR_MIB(h, IcmpOutRateLimitGlobal), 0);
	assert_int_equal(fr_drops(h, RXS_DROP_NO_SOCKET), 20);
	/* Two seconds (500 jiffies) later the bucket holds two messages' worth: one more is
	 * sent for one more datagram. */
	fr_inject(h, &f, 2000000000ull);
	run_and_check(h);
	assert_int_equal(FR_MIB(h, IcmpOutDestUnreachs), 7);
	assert_int_equal(FR_MIB(h, IcmpOutRateLimitHost), 14);
	rxs_host_destroy(h);
}

/* Peers are limited one by one: two sources, 20 datagrams each, interleaved, get 6 each.
 * 10.0.0.1 and 10.0.4.1 differ by 1024 in their low bits; the limit must not depend on
 * how peers are stored. */
static void test_icmp_rate_limit_two_peers(void **state)
{
	static const char *const peers[] = { FR_PEER_IP, "10.0.0.3", "10.0.4.1" };

	(void)state;
	for (size_t other = 1; other < ARRAY_SIZE(peers); other++) {
		rxs_host_t *h = proto_host(false);
		struct fr a, b;

		fr_udp(&a, peers[0], FR_HOST_IP, 1000, CLOSED, 10);
		fr_udp(&b, peers[other], FR_HOST_IP, 1000, CLOSED, 10);
		for (int i = 0; i < 20; i++) {
			fr_inject(h, &a, 0);
			fr_inject(h, &b, 0);
		}
		run_and_check(h);
		if (FR_MIB(h, UdpNoPorts) != 40 || FR_MIB(h, IcmpOutDestUnreachs) != 12 ||
		    FR_MIB(h, IcmpOutRateLimitHost) != 28)
			fail_msg("peers %s and %s: %llu unreachables sent, %llu host-limited "
				 "(want 12 and 28)", peers[0], peers[other],
				 (unsigned long long)FR_MIB(h, IcmpOutDestUnreachs),
				 (unsigned long long)FR_MIB(h, IcmpOutRateLimitHost));
		rxs_host_destroy(h);
	}
}

/* A bad UDP checksum to a closed port: checked before NoPorts, no ICMP. */
static void test_udp_bad_csum_closed_port(void **state)
{
	rxs_host_t *h = proto_host(false);
	struct fr f;

	(void)state;
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, CLOSED, 10);
	f.d[f.l4 + 6] ^= 0x11;
	fr_inject(h, &f, 0);
	run_and_check(h);
	assert_int_equal(FR_MIB(h, IpInDelivers), 1);
	assert_int_equal(FR_MIB(h, UdpInCsumErrors), 1);
	assert_int_equal(FR_MIB(h, UdpInErrors), 1);
	assert_int_equal(FR_MIB(h, UdpNoPorts), 0);
	assert_int_equal(FR_MIB(h, IcmpOutMsgs), 0);
	assert_int_equal(fr_drops(h, RXS_DROP_UDP_CSUM), 1);
	assert_int_equal(fr_drops_total(h), 1);
	rxs_host_destroy(h);
}

/* A bad UDP checksum to an open port: queued (CHECKSUM_NONE defers the check), found bad
 * at recvmsg time: InCsumErrors + InErrors, the socket's drops, not InDatagrams. A zero
 * checksum means "none" on IPv4 and is delivered. */
static void test_udp_bad_csum_open_port(void **state)
{
	rxs_host_t *h = proto_host(false);
	struct rxs_socket_info si;
	struct fr f;

	(void)state;
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, PORT, 10);
	f.d[f.l4 + 6] ^= 0x11;
	fr_inject(h, &f, 0);
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, PORT, 10);
	fr_put16(f.d + f.l4 + 6, 0);
	fr_inject(h, &f, 0);
	run_and_check(h);
	assert_int_equal(FR_MIB(h, IpInDelivers), 2);
	assert_int_equal(FR_MIB(h, UdpInCsumErrors), 1);
	assert_int_equal(FR_MIB(h, UdpInErrors), 1);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), 1);
	si = fr_sock(h, 0);
	assert_int_equal(si.drops, 1);
	assert_int_equal(si.delivered, 1);
	assert_int_equal(si.queued, 0);
	assert_int_equal(si.rmem_alloc, 0);
	assert_int_equal(fr_drops(h, RXS_DROP_UDP_CSUM), 1);
	assert_int_equal(fr_drops_total(h), 1);
	rxs_host_destroy(h);
}

/* UDP length field larger than what IP carries (or below 8): the short-packet path,
 * UdpInErrors, no NoPorts, no ICMP. */
static void test_udp_bad_length(void **state)
{
	static const struct {
		int line;
		uint16_t ulen;
	} cases[] = {
		{ __LINE__, 8 + 10 + 1 },
		{ __LINE__, 7 },
		{ __LINE__, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		rxs_host_t *h = proto_host(false);
		struct fr f;

		fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, PORT, 10);
		fr_put16(f.d + f.l4 + 4, cases[i].ulen);
		fr_inject(h, &f, 0);
		run_and_check(h);
		if (FR_MIB(h, UdpInErrors) != 1 || FR_MIB(h, IpInDelivers) != 1 ||
		    FR_MIB(h, UdpInDatagrams) != 0 || FR_MIB(h, UdpNoPorts) != 0 ||
		    FR_MIB(h, IcmpOutMsgs) != 0 || fr_drops(h, RXS_DROP_PKT_TOO_SMALL) != 1 ||
		    fr_drops_total(h) != 1)
			fail_msg("case at line %d: UdpInErrors %llu", cases[i].line,
				 (unsigned long long)FR_MIB(h, UdpInErrors));
		rxs_host_destroy(h);
	}
}

/* ARP is consumed (no SNMP counter); an unknown ethertype has no handler: the device's
 * rx_dropped, reason UNHANDLED_PROTO. Both pass __netif_receive_skb_core (processed). */
static void test_arp_and_unknown_ethertype(void **state)
{
	rxs_host_t *h = proto_host(false);
	struct rxs_conservation c;
	uint8_t *a;
	struct fr f;

	(void)state;
	fr_eth(&f, fr_bcast_mac, false, 0, FR_ETH_P_ARP);
	a = f.d + f.l3;
	fr_put16(a, 1);
	fr_put16(a + 2, FR_ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	fr_put16(a + 6, 1);
	memcpy(a + 8, fr_peer_mac, 6);
	fr_inet(a + 14, FR_PEER_IP);
	fr_inet(a + 24, FR_HOST_IP);
	f.len = f.l3 + 28;
	fr_inject(h, &f, 0);
	fr_eth(&f, fr_host_mac, false, 0, 0x88b5);	/* IEEE local experimental */
	f.len = 60;
	fr_inject(h, &f, 0);
	run_and_check(h);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.offered, 2);
	assert_int_equal(c.consumed, 1);
	assert_int_equal(c.dropped, 1);
	assert_int_equal(fr_drops(h, RXS_DROP_UNHANDLED_PROTO), 1);
	assert_int_equal(fr_nic(h, 0).rx_dropped, 1);
	assert_int_equal(fr_nic(h, 0).rx_packets, 2);
	assert_int_equal(fr_softnet(h, 0).processed, 2);
	assert_int_equal(FR_MIB(h, IpInReceives), 0);
	rxs_host_destroy(h);
}

/* An 802.1Q tag with no VLAN device: a priority tag (VID 0) is received as untagged; a
 * VID with no device marks the frame OTHERHOST and IP drops it before any IP counter. */
static const struct {
	int line;
	uint16_t tci;
	uint64_t delivered, otherhost;
} vlan_cases[] = {
	{ __LINE__, 0x0000, 1, 0 },
	{ __LINE__, 0xa000, 1, 0 },	/* priority 5, VID 0 */
	{ __LINE__, 0x0005, 0, 1 },
	{ __LINE__, 0xafff, 0, 1 },
};

static void test_vlan(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(vlan_cases); i++) {
		rxs_host_t *h = proto_host(false);
		struct fr f;

		fr_udp_vlan(&f, fr_host_mac, true, vlan_cases[i].tci, FR_PEER_IP, FR_HOST_IP, 1000,
			    PORT, 10);
		fr_inject(h, &f, 0);
		run_and_check(h);
		if (FR_MIB(h, UdpInDatagrams) != vlan_cases[i].delivered ||
		    FR_MIB(h, IpInReceives) != vlan_cases[i].delivered ||
		    fr_drops(h, RXS_DROP_OTHERHOST) != vlan_cases[i].otherhost ||
		    fr_nic(h, 0).rx_otherhost_dropped != vlan_cases[i].otherhost ||
		    fr_drops_total(h) != vlan_cases[i].otherhost ||
		    fr_softnet(h, 0).processed != 1)
			fail_msg("case at line %d (tci %#x): delivered %llu, OTHERHOST drops %llu",
				 vlan_cases[i].line, vlan_cases[i].tci,
				 (unsigned long long)FR_MIB(h, UdpInDatagrams),
				 (unsigned long long)fr_drops(h, RXS_DROP_OTHERHOST));
		rxs_host_destroy(h);
	}
}

static void fr_ip6(struct fr *f, uint8_t first_nh, const uint8_t *ext, unsigned int extlen,
		   const uint8_t *l4, unsigned int l4len);
static unsigned int udp6(uint8_t *u, unsigned int plen);

/* ---- VLAN devices (nics[].vlans) ----
 * eth0 (10.0.0.2) carries eth0.202 (10.2.0.2/24, fd00::2/64) and eth0.7 (10.7.0.2/24, a MAC
 * of its own). The kernel this project's oracle cases run on has no 802.1Q, so these are
 * checked against the code (vlan_do_receive, __netif_receive_skb_core), not a recording. */

#define VLAN_MAC7 0x77
static const uint8_t vlan7_mac[6] = { 0x02, 0, 0, 0, 0x07, VLAN_MAC7 };

/* Put a tag (@tpid, @tci) right after the MAC addresses: the new outermost tag. */
static void fr_tag(struct fr *f, uint16_t tpid, uint16_t tci)
{
	memmove(f->d + 16, f->d + 12, f->len - 12);
	fr_put16(f->d + 12, tpid);
	fr_put16(f->d + 14, tci);
	f->len += 4;
	f->l3 += 4;
	f->l4 += 4;
}

/* @driver: generic strips the tag in the NIC (rx-vlan offload), veth leaves it to the core. */
static rxs_host_t *vlan_host(enum rxs_driver driver)
{
	struct rxs_scenario *sc = fr_scenario(driver);
	struct rxs_nic_config *nic = &sc->nics[0];
	struct rxs_tap_config *tap;
	rxs_host_t *h;

	nic->vlans[0].id = 202;
	assert_int_equal(rxs_addr_parse(&nic->vlans[0].addrs[0], "10.2.0.2/24"), 0);
	assert_int_equal(rxs_addr_parse(&nic->vlans[0].addrs[1], "fd00::2/64"), 0);
	nic->vlans[0].naddrs = 2;
	nic->vlans[1].id = 7;
	nic->vlans[1].mac_set = true;
	memcpy(nic->vlans[1].mac, vlan7_mac, 6);
	assert_int_equal(rxs_addr_parse(&nic->vlans[1].addrs[0], "10.7.0.2/24"), 0);
	nic->vlans[1].naddrs = 1;
	nic->nvlans = 2;
	fr_udp_socket(sc, "10.2.0.2", PORT, RXS_APP_ALL);
	fr_udp_socket(sc, "10.7.0.2", PORT, RXS_APP_ALL);
	fr_udp_socket(sc, "::", 53, RXS_APP_ALL);
	/* tcpdump -i eth0 'vlan 202 and udp': libpcap sees the tag the NIC stripped. */
	tap = rxs_scenario_add_tap(sc);
	snprintf(tap->name, sizeof(tap->name), "t");
	free(tap->filter);	/* the default "", from the library's default allocator */
	tap->filter = strdup("vlan 202 and udp");
	h = fr_host(sc);
	rxs_scenario_free(sc);
	return h;
}

enum vlan_frame { V4_202, V4_7, V6 };

static const struct {
	int line;
	enum vlan_frame kind;
	const uint8_t *dmac;		/* NULL: eth0's */
	uint16_t tags[2][2];		/* { tpid, tci }, innermost first; tpid 0 = none */
	uint64_t udp, udp6;		/* delivered */
	enum rxs_drop_reason drop;	/* 0: none */
	uint64_t processed;		/* softnet: one per round of __netif_receive_skb_core */
	uint64_t eth0_dropped, eth0_otherhost, v202_packets, v202_otherhost, v7_packets;
	uint64_t tapped;		/* matched 'vlan 202 and udp' */
} vlan_dev_cases[] = {
	/* vlan_do_receive: onto eth0.202, round two, its rx_packets; the socket on its address */
	{ __LINE__, V4_202, NULL, { { 0x8100, 202 } }, 1, 0, 0, 2, 0, 0, 1, 0, 0, 1 },
	{ __LINE__, V4_202, NULL, { { 0x8100, 0xa000 | 202 } }, 1, 0, 0, 2, 0, 0, 1, 0, 0, 1 },
	{ __LINE__, V6, NULL, { { 0x8100, 202 } }, 0, 1, 0, 2, 0, 0, 1, 0, 0, 1 },
	/* the weak host model: eth0.202's address is the host's, on any device */
	{ __LINE__, V4_202, NULL, { { 0 } }, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0 },
	/* no device for 203: check_vlan_id marks it OTHERHOST, ip_rcv_core drops it on eth0 */
	{ __LINE__, V4_202, NULL, { { 0x8100, 203 } }, 0, 0, RXS_DROP_OTHERHOST, 1, 0, 1, 0, 0, 0,
	  0 },
	/* priority tag over 202: stripped, then eth0.202 takes the inner tag */
	{ __LINE__, V4_202, NULL, { { 0x8100, 202 }, { 0x8100, 0 } }, 1, 0, 0, 2, 0, 0, 1, 0, 0,
	  0 },
	/* 202 over 5: eth0.202 takes the outer one and has no device for the inner one */
	{ __LINE__, V4_202, NULL, { { 0x8100, 5 }, { 0x8100, 202 } }, 0, 0, RXS_DROP_OTHERHOST, 2,
	  0, 0, 1, 1, 0, 0 },	/* 'udp' after one 'vlan' reads the inner tag: no match */
	/* Q-in-Q, 802.1ad 100 over 202: no 802.1ad device, and no handler for 0x8100 */
	{ __LINE__, V4_202, NULL, { { 0x8100, 202 }, { 0x88a8, 100 } }, 0, 0,
	  RXS_DROP_UNHANDLED_PROTO, 1, 1, 0, 0, 0, 0, 0 },
	/* eth0.7's own MAC: in the NIC's unicast filter, OTHERHOST until vlan_do_receive */
	{ __LINE__, V4_7, vlan7_mac, { { 0x8100, 7 } }, 1, 0, 0, 2, 0, 0, 0, 0, 1, 0 },
	/* the same MAC untagged: for eth0 it is another host's */
	{ __LINE__, V4_7, vlan7_mac, { { 0 } }, 0, 0, RXS_DROP_OTHERHOST, 1, 0, 1, 0, 0, 0, 0 },
};

static void vlan_frame(struct fr *f, size_t i)
{
	uint8_t u[64];

	if (vlan_dev_cases[i].kind == V6)
		fr_ip6(f, 17, NULL, 0, u, udp6(u, 20));
	else
		fr_udp(f, FR_PEER_IP, vlan_dev_cases[i].kind == V4_7 ? "10.7.0.2" : "10.2.0.2",
		       1000, PORT, 10);
	if (vlan_dev_cases[i].dmac)
		memcpy(f->d, vlan_dev_cases[i].dmac, 6);
	for (size_t t = 0; t < 2; t++)
		if (vlan_dev_cases[i].tags[t][0])
			fr_tag(f, vlan_dev_cases[i].tags[t][0], vlan_dev_cases[i].tags[t][1]);
}

static void test_vlan_dev(void **state)
{
	(void)state;
	for (size_t k = 0; k < 2 * ARRAY_SIZE(vlan_dev_cases); k++) {
		size_t i = k % ARRAY_SIZE(vlan_dev_cases);
		rxs_host_t *h = vlan_host(k < ARRAY_SIZE(vlan_dev_cases) ? RXS_DRIVER_GENERIC :
									   RXS_DRIVER_VETH);
		struct rxs_tap_stats tap;
		struct fr f;

		vlan_frame(&f, i);
		fr_inject(h, &f, 0);
		run_and_check(h);
		rxs_tap_get_stats(rxs_tap_get(h, 0), &tap);
		assert_string_equal(rxs_nic_name(h, 1), "eth0.202");
		assert_string_equal(rxs_nic_name(h, 2), "eth0.7");
		if (FR_MIB(h, UdpInDatagrams) != vlan_dev_cases[i].udp ||
		    FR_MIB(h, Udp6InDatagrams) != vlan_dev_cases[i].udp6 ||
		    (vlan_dev_cases[i].drop && fr_drops(h, vlan_dev_cases[i].drop) != 1) ||
		    fr_drops_total(h) != (vlan_dev_cases[i].drop ? 1 : 0) ||
		    fr_softnet(h, 0).processed != vlan_dev_cases[i].processed ||
		    fr_nic(h, 0).rx_packets != 1 ||
		    fr_nic(h, 0).rx_dropped != vlan_dev_cases[i].eth0_dropped ||
		    fr_nic(h, 0).rx_otherhost_dropped != vlan_dev_cases[i].eth0_otherhost ||
		    fr_nic(h, 1).rx_packets != vlan_dev_cases[i].v202_packets ||
		    fr_nic(h, 1).rx_otherhost_dropped != vlan_dev_cases[i].v202_otherhost ||
		    fr_nic(h, 2).rx_packets != vlan_dev_cases[i].v7_packets ||
		    tap.captured != vlan_dev_cases[i].tapped)
			fail_msg("case at line %d (%s): udp %llu udp6 %llu drops %llu processed %u, eth0 "
				 "dropped %llu otherhost %llu, eth0.202 packets %llu otherhost "
				 "%llu, eth0.7 packets %llu, tapped %llu", vlan_dev_cases[i].line,
				 k < ARRAY_SIZE(vlan_dev_cases) ? "generic" : "veth",
				 (unsigned long long)FR_MIB(h, UdpInDatagrams),
				 (unsigned long long)FR_MIB(h, Udp6InDatagrams),
				 (unsigned long long)fr_drops_total(h),
				 (unsigned)fr_softnet(h, 0).processed,
				 (unsigned long long)fr_nic(h, 0).rx_dropped,
				 (unsigned long long)fr_nic(h, 0).rx_otherhost_dropped,
				 (unsigned long long)fr_nic(h, 1).rx_packets,
				 (unsigned long long)fr_nic(h, 1).rx_otherhost_dropped,
				 (unsigned long long)fr_nic(h, 2).rx_packets,
				 (unsigned long long)tap.captured);
		rxs_host_destroy(h);
	}
}

/* A VLAN device's rx_bytes are what vlan_do_receive() counts: skb->len, the Ethernet header
 * and the tag gone. The NIC's count the frame it wrote: without the tag its rx-vlan offload
 * took out. Frames cannot be injected into a VLAN device: it has no queue. */
static void test_vlan_dev_bytes(void **state)
{
	rxs_host_t *h = vlan_host(RXS_DRIVER_GENERIC);
	struct fr f;

	(void)state;
	vlan_frame(&f, 0);
	fr_inject(h, &f, 0);
	run_and_check(h);
	assert_int_equal(fr_nic(h, 0).rx_bytes, f.len - 4);
	assert_int_equal(fr_nic(h, 1).rx_bytes, f.len - 18);
	assert_int_equal(rxs_host_inject(h, 1, f.d, f.len, 1000000), -EINVAL);
	rxs_host_destroy(h);
}

/* A frame to another unicast MAC: the NIC's filter refuses it (never an skb) unless the
 * NIC is promiscuous; then it is PACKET_OTHERHOST and ip_rcv drops it first thing. */
static void test_mac_filter(void **state)
{
	static const struct {
		int line;
		bool promisc;
		uint64_t filtered, otherhost, processed;
		enum rxs_drop_reason reason;
	} cases[] = {
		{ __LINE__, false, 1, 0, 0, RXS_DROP_NIC_MAC_FILTER },
		{ __LINE__, true, 0, 1, 1, RXS_DROP_OTHERHOST },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		rxs_host_t *h = proto_host(cases[i].promisc);
		struct rxs_nic_stats ns;
		struct fr f;

		fr_udp_vlan(&f, fr_other_mac, false, 0, FR_PEER_IP, FR_HOST_IP, 1000, PORT, 10);
		fr_inject(h, &f, 0);
		run_and_check(h);
		ns = fr_nic(h, 0);
		if (ns.rx_mac_filtered != cases[i].filtered ||
		    ns.rx_otherhost_dropped != cases[i].otherhost ||
		    ns.rx_packets != cases[i].processed ||
		    fr_softnet(h, 0).processed != cases[i].processed ||
		    fr_drops(h, cases[i].reason) != 1 || fr_drops_total(h) != 1 ||
		    FR_MIB(h, IpInReceives) != 0 || FR_MIB(h, UdpInDatagrams) != 0)
			fail_msg("case at line %d: mac_filtered %llu, otherhost %llu, rx_packets %llu",
				 cases[i].line, (unsigned long long)ns.rx_mac_filtered,
				 (unsigned long long)ns.rx_otherhost_dropped,
				 (unsigned long long)ns.rx_packets);
		rxs_host_destroy(h);
	}
}

/* ---- IPv4 reassembly ---- */

/* A 40-byte UDP datagram (8 + 32) to @dport, as the payload of fragments. */
static void udp_datagram(uint8_t dg[40], uint16_t dport)
{
	struct fr f;

	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, dport, 32);
	memcpy(dg, f.d + f.l4, 40);
}

/* One fragment: @len bytes of @dg from @off (a multiple of 8), MF when @more. */
static void fragment(struct fr *f, const uint8_t *dg, unsigned int off, unsigned int len,
		     bool more, uint16_t id)
{
	fr_eth(f, fr_host_mac, false, 0, FR_ETH_P_IP);
	fr_ip(f, FR_PEER_IP, FR_HOST_IP, IPPROTO_UDP, id,
	      (uint16_t)((more ? 0x2000 : 0) | off / 8), (uint16_t)len);
	memcpy(f->d + f->l4, dg + off, len);
}

static void test_frag_reassembly(void **state)
{
	static const struct {
		int line;
		bool reverse;	/* last fragment first */
	} cases[] = {
		{ __LINE__, false },
		{ __LINE__, true },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		rxs_host_t *h = proto_host(false);
		struct rxs_conservation c;
		struct rxs_socket_info si;
		uint8_t dg[40];
		struct fr f1, f2;

		udp_datagram(dg, PORT);
		fragment(&f1, dg, 0, 16, true, 77);
		fragment(&f2, dg, 16, 24, false, 77);
		fr_inject(h, cases[i].reverse ? &f2 : &f1, 0);
		fr_inject(h, cases[i].reverse ? &f1 : &f2, 1000);
		run_and_check(h);
		/* Two fragments received and counted by IP; one datagram delivered. */
		assert_int_equal(FR_MIB(h, IpInReceives), 2);
		assert_int_equal(FR_MIB(h, IpExtInOctets), 36 + 44);
		assert_int_equal(FR_MIB(h, IpReasmReqds), 2);
		assert_int_equal(FR_MIB(h, IpReasmOKs), 1);
		assert_int_equal(FR_MIB(h, IpReasmFails), 0);
		assert_int_equal(FR_MIB(h, IpInDelivers), 1);
		assert_int_equal(FR_MIB(h, UdpInDatagrams), 1);
		assert_int_equal(FR_MIB(h, UdpInCsumErrors), 0);
		si = fr_sock(h, 0);
		if (si.delivered != 1 || si.delivered_bytes != 32)
			fail_msg("case at line %d: delivered %llu datagrams, %llu bytes",
				 cases[i].line, (unsigned long long)si.delivered,
				 (unsigned long long)si.delivered_bytes);
		/* Both frames ended as consumed: one into the datagram, one as it. */
		assert_int_equal(rxs_host_conservation(h, &c), 0);
		assert_int_equal(c.offered, 2);
		assert_int_equal(c.consumed, 2);
		assert_int_equal(c.dropped, 0);
		assert_int_equal(c.queued, 0);
		rxs_host_destroy(h);
	}
}

/* Overlapping fragments kill the whole queue (RFC 5722 behaviour since 2018). */
static void test_frag_overlap(void **state)
{
	rxs_host_t *h = proto_host(false);
	struct rxs_conservation c;
	uint8_t dg[40];
	struct fr f1, f2;

	(void)state;
	udp_datagram(dg, PORT);
	fragment(&f1, dg, 0, 16, true, 78);
	fragment(&f2, dg, 8, 16, true, 78);	/* bytes 8..23 overlap 0..15 */
	fr_inject(h, &f1, 0);
	fr_inject(h, &f2, 1000);
	run_and_check(h);
	assert_int_equal(FR_MIB(h, IpReasmReqds), 2);
	assert_int_equal(FR_MIB(h, IpReasmFails), 1);
	assert_int_equal(FR_MIB(h, IpReasmOKs), 0);
	assert_int_equal(FR_MIB(h, IpInDelivers), 0);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.offered, 2);
	assert_int_equal(c.dropped, 2);
	assert_int_equal(c.queued, 0);
	assert_int_equal(fr_drops_total(h), 2);
	rxs_host_destroy(h);
}

/* A lone first fragment waits for the rest: queued for conservation, until ipfrag_time
 * (30 s) expires the queue: ReasmTimeout + ReasmFails, an ICMP time exceeded (the first
 * fragment is there), reason FRAG_REASM_TIMEOUT. */
static void test_frag_lone_and_timeout(void **state)
{
	rxs_host_t *h = proto_host(false);
	struct rxs_conservation c;
	uint8_t dg[40];
	struct fr f1;

	(void)state;
	udp_datagram(dg, PORT);
	fragment(&f1, dg, 0, 16, true, 79);
	fr_inject(h, &f1, 0);
	run_and_check(h);	/* to 1 s after the frame */
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.offered, 1);
	assert_int_equal(c.queued, 1);
	assert_int_equal(c.consumed + c.dropped, 0);
	assert_int_equal(FR_MIB(h, IpReasmReqds), 1);
	assert_int_equal(FR_MIB(h, IpReasmFails), 0);

	assert_int_equal(rxs_host_run_until(h, 31000000000ull), 0);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.queued, 0);
	assert_int_equal(c.dropped, 1);
	assert_int_equal(FR_MIB(h, IpReasmTimeout), 1);
	assert_int_equal(FR_MIB(h, IpReasmFails), 1);
	assert_int_equal(FR_MIB(h, IcmpOutTimeExcds), 1);
	assert_int_equal(FR_MIB(h, IcmpMsgOutType11), 1);
	assert_int_equal(fr_drops(h, RXS_DROP_FRAG_REASM_TIMEOUT), 1);
	rxs_host_destroy(h);
}

/* The reassembly timer runs at its own time: 30 s after six port unreachables emptied
 * the peer's bucket at jiffy 0, the bucket is full again (capped at 6 * 250 jiffies), so
 * the time exceeded for the expired queue is sent, not rate limited. */
static void test_frag_timeout_icmp_clock(void **state)
{
	rxs_host_t *h = proto_host(false);
	uint8_t dg[40];
	struct fr f;

	(void)state;
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, CLOSED, 10);
	for (int i = 0; i < 6; i++)
		fr_inject(h, &f, 0);
	udp_datagram(dg, PORT);
	fragment(&f, dg, 0, 16, true, 81);
	fr_inject(h, &f, 0);
	assert_int_equal(rxs_host_run_until(h, 1000000000ull), 0);
	assert_int_equal(FR_MIB(h, IcmpOutDestUnreachs), 6);
	assert_int_equal(FR_MIB(h, IcmpOutRateLimitHost), 0);
	assert_int_equal(rxs_host_run_until(h, 31000000000ull), 0);
	fr_conserved(h);
	assert_int_equal(FR_MIB(h, IpReasmTimeout), 1);
	assert_int_equal(FR_MIB(h, IcmpOutTimeExcds), 1);
	assert_int_equal(FR_MIB(h, IcmpOutRateLimitHost), 0);
	assert_int_equal(FR_MIB(h, IcmpOutMsgs), 7);
	rxs_host_destroy(h);
}

/* A lone fragment still queued when the host goes: destroy purges it (ASan checks). */
static void test_frag_destroy_while_queued(void **state)
{
	rxs_host_t *h = proto_host(false);
	uint8_t dg[40];
	struct fr f;

	(void)state;
	udp_datagram(dg, PORT);
	fragment(&f, dg, 16, 24, false, 80);
	fr_inject(h, &f, 0);
	run_and_check(h);
	assert_int_equal(FR_MIB(h, IpReasmReqds), 1);
	rxs_host_destroy(h);
}

/* Echo requests are answered: In/Out Echo(Rep)s, IpOutRequests; echo replies are not
 * rate limited (type 0 is not in icmp_ratemask). A broadcast echo is ignored, and icmp_rcv()
 * counts it in IcmpInErrors (oracle case udp-bcast-bound). */
static void test_icmp_echo(void **state)
{
	rxs_host_t *h = proto_host(false);
	struct fr f;

	(void)state;
	for (uint16_t seq = 1; seq <= 10; seq++) {
		fr_icmp_echo(&f, FR_PEER_IP, FR_HOST_IP, seq, 56);
		fr_inject(h, &f, 0);
	}
	fr_icmp_echo(&f, FR_PEER_IP, "10.0.0.255", 11, 56);
	memcpy(f.d, fr_bcast_mac, 6);
	fr_inject(h, &f, 0);
	run_and_check(h);
	assert_int_equal(FR_MIB(h, IpInReceives), 11);
	assert_int_equal(FR_MIB(h, IpExtInOctets), 11 * 84);
	assert_int_equal(FR_MIB(h, IpInDelivers), 11);
	assert_int_equal(FR_MIB(h, IcmpInMsgs), 11);
	assert_int_equal(FR_MIB(h, IcmpInEchos), 11);
	assert_int_equal(FR_MIB(h, IcmpMsgInType8), 11);
	assert_int_equal(FR_MIB(h, IcmpOutEchoReps), 10);
	assert_int_equal(FR_MIB(h, IcmpMsgOutType0), 10);
	assert_int_equal(FR_MIB(h, IcmpOutMsgs), 10);
	assert_int_equal(FR_MIB(h, IpOutRequests), 10);
	assert_int_equal(FR_MIB(h, IcmpOutRateLimitHost), 0);
	assert_int_equal(FR_MIB(h, IcmpOutRateLimitGlobal), 0);
	assert_int_equal(FR_MIB(h, IcmpInErrors), 1);
	assert_int_equal(fr_drops_total(h), 1);
	rxs_host_destroy(h);
}

/* ---- what the host sends: ICMP replies as frames, and the POSTROUTING hook ---- */

struct tx_frames {
	uint8_t last[1600];
	uint32_t len;
	unsigned int n;
};

static void keep_tx(void *ctx, const uint8_t *f, uint32_t len, uint64_t t)
{
	struct tx_frames *tx = ctx;

	(void)t;
	tx->len = len < sizeof(tx->last) ? len : sizeof(tx->last);
	memcpy(tx->last, f, tx->len);
	tx->n++;
}

static void test_icmp_frames(void **state)
{
	static const char rules[] = "*mangle\n:POSTROUTING ACCEPT [0:0]\n"
				    "-A POSTROUTING -p icmp -m length --length 60:1500 -j DROP\n"
				    "COMMIT\n";
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	struct tx_frames tx = { .n = 0 };
	const uint8_t *ip, *icmp;
	rxs_host_t *h;
	struct fr f;

	(void)state;
	sc->netfilter = strdup(rules);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_tx_set_cb(h, keep_tx, &tx), 0);
	fr_icmp_echo(&f, FR_PEER_IP, FR_HOST_IP, 1, 16);	/* a 44-byte reply: sent */
	fr_inject(h, &f, 0);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(tx.n, 1);
	ip = tx.last + 14;
	icmp = ip + 20;
	assert_memory_equal(tx.last, fr_peer_mac, 6);		/* back to the sender */
	assert_memory_equal(tx.last + 6, fr_host_mac, 6);
	assert_int_equal(icmp[0], 0);				/* echo reply */
	assert_int_equal(fr_fold(fr_sum(ip, 20, 0)), 0);	/* header checksum valid */
	assert_int_equal(fr_fold(fr_sum(icmp, tx.len - 34, 0)), 0);	/* ICMP checksum */
	fr_icmp_echo(&f, FR_PEER_IP, FR_HOST_IP, 2, 100);	/* 128 bytes: POSTROUTING drops */
	fr_inject(h, &f, 2000000);
	assert_int_equal(rxs_host_run_until(h, 3000000), 0);
	assert_int_equal(tx.n, 1);
	assert_int_equal(FR_MIB(h, IcmpOutEchoReps), 2);	/* ICMP counted both */
	assert_int_equal(FR_MIB(h, IpOutRequests), 2);	/* and so did ip_output */
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* A reassembled datagram to a closed port: the port unreachable goes back to the MAC of the
 * head fragment's sender (the datagram keeps its link-layer header, as the kernel's does).
 * Found by fuzz_frame: the datagram had none, and the reply read one from past its buffer. */
static void test_frag_closed_port_icmp(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	struct tx_frames tx = { .n = 0 };
	rxs_host_t *h = fr_host(sc);
	uint8_t dg[40];
	struct fr f1, f2;

	(void)state;
	rxs_scenario_free(sc);
	assert_int_equal(rxs_tx_set_cb(h, keep_tx, &tx), 0);
	udp_datagram(dg, 4321);		/* nobody listens there */
	fragment(&f1, dg, 0, 16, true, 90);
	fragment(&f2, dg, 16, 24, false, 90);
	fr_inject(h, &f1, 0);
	fr_inject(h, &f2, 1000);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(FR_MIB(h, IpReasmOKs), 1);
	assert_int_equal(FR_MIB(h, UdpNoPorts), 1);
	assert_int_equal(tx.n, 1);
	assert_memory_equal(tx.last, fr_peer_mac, 6);
	assert_memory_equal(tx.last + 6, fr_host_mac, 6);
	assert_int_equal(tx.last[14 + 20], 3);		/* destination unreachable */
	assert_int_equal(tx.last[14 + 20 + 1], 3);	/* port */
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* What a fragmented reply left as: each frame's IP length and fragment field, and the
 * ICMP message put back together from them. */
struct tx_frags {
	unsigned int n;
	uint16_t tot_len[8], frag[8];
	uint8_t msg[3100];
	unsigned int msg_len;
};

static void keep_frags(void *ctx, const uint8_t *f, uint32_t len, uint64_t t)
{
	struct tx_frags *tx = ctx;
	const uint8_t *ip = f + 14;
	unsigned int off = (fr_get16(ip + 6) & 0x1fffu) * 8, dlen = fr_get16(ip + 2) - 20u;

	(void)t;
	assert_int_equal(len, 14 + 20 + dlen);
	assert_int_equal(fr_fold(fr_sum(ip, 20, 0)), 0);	/* each header's checksum */
	assert_true(tx->n < 8 && off + dlen <= sizeof(tx->msg));
	tx->tot_len[tx->n] = fr_get16(ip + 2);
	tx->frag[tx->n++] = fr_get16(ip + 6);
	memcpy(tx->msg + off, ip + 20, dlen);
	tx->msg_len = RXS_MAX(tx->msg_len, off + dlen);
}

/* ping -s 3000 through an MTU of 1500: the request arrives in 3 fragments and is reassembled;
 * the reply repeats all 3000 bytes and leaves in 3 fragments (ICMP's socket does not set DF),
 * as the oracle case icmp-frag recorded: 1480 + 1480 + 48 bytes of data, offsets 0, 185 and
 * 370 (8-byte units), MF on all but the last; IpFragOKs 1, IpFragCreates 3, IpOutTransmits 3
 * and IpExtOutOctets the three frames' IP bytes. */
static void test_icmp_echo_fragmented(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	rxs_host_t *h = fr_host(sc);
	static uint8_t dg[8 + 3000];
	static struct tx_frags tx;
	struct fr f;

	(void)state;
	rxs_scenario_free(sc);
	memset(&tx, 0, sizeof(tx));
	assert_int_equal(rxs_tx_set_cb(h, keep_frags, &tx), 0);
	fr_icmp_echo(&f, FR_PEER_IP, FR_HOST_IP, 7, 0);		/* the header only, then: */
	memcpy(dg, f.d + f.l4, 8);
	for (unsigned int i = 0; i < 3000; i++)
		dg[8 + i] = (uint8_t)(i * 7);
	fr_put16(dg + 2, 0);
	fr_put16(dg + 2, fr_fold(fr_sum(dg, sizeof(dg), 0)));
	for (unsigned int off = 0, n = 0; off < sizeof(dg); off += 1480, n++) {
		unsigned int len = RXS_MIN(1480u, (unsigned int)sizeof(dg) - off);

		fr_eth(&f, fr_host_mac, false, 0, FR_ETH_P_IP);
		fr_ip(&f, FR_PEER_IP, FR_HOST_IP, 1, 99,
		      (uint16_t)((off + len < sizeof(dg) ? 0x2000 : 0) | off / 8), (uint16_t)len);
		memcpy(f.d + f.l4, dg + off, len);
		fr_inject(h, &f, n * 1000);
	}
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(FR_MIB(h, IpReasmOKs), 1);
	assert_int_equal(FR_MIB(h, IcmpOutEchoReps), 1);
	assert_int_equal(FR_MIB(h, IpOutRequests), 1);
	assert_int_equal(FR_MIB(h, IpFragOKs), 1);
	assert_int_equal(FR_MIB(h, IpFragCreates), 3);
	assert_int_equal(FR_MIB(h, IpOutTransmits), 3);
	assert_int_equal(FR_MIB(h, IpExtOutOctets), 1500 + 1500 + 68);
	assert_int_equal(tx.n, 3);
	assert_int_equal(tx.tot_len[0], 1500);
	assert_int_equal(tx.tot_len[1], 1500);
	assert_int_equal(tx.tot_len[2], 68);
	assert_int_equal(tx.frag[0], 0x2000);
	assert_int_equal(tx.frag[1], 0x2000 | 185);
	assert_int_equal(tx.frag[2], 370);
	assert_int_equal(tx.msg_len, sizeof(dg));
	assert_int_equal(tx.msg[0], 0);				/* an echo reply */
	assert_memory_equal(tx.msg + 4, dg + 4, sizeof(dg) - 4);	/* id, seq and all the data */
	assert_int_equal(fr_fold(fr_sum(tx.msg, tx.msg_len, 0)), 0);	/* its checksum */
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* A router (ip_forward=1): forwarded with the TTL decreased, reported when the TTL runs
 * out, and subject to the FORWARD chain. */
/* net.ipv4.conf.{all,DEV}.send_redirects off, both: either on sends them (IN_DEV_ORCONF). */
static void no_send_redirects(struct rxs_scenario *sc)
{
	sc->sysctl.val[RXS_SYSCTL_SEND_REDIRECTS][0] = 0;
	for (unsigned int i = 0; i < sc->nnics; i++)
		sc->nics[i].no_send_redirects = true;
}

/* What leaves, frame by frame: the ICMP type of each ICMP frame, else 0xff. */
struct tx_kinds {
	uint8_t kind[64];
	uint8_t first_icmp[200];	/* the first ICMP frame */
	unsigned int n;
};

static void keep_kinds(void *ctx, const uint8_t *f, uint32_t len, uint64_t t)
{
	struct tx_kinds *k = ctx;
	bool icmp = len > 14 + 20 + 8 && f[14 + 9] == 1;

	(void)t;
	if (icmp && !memchr(k->kind, f[14 + 20], k->n < 64 ? k->n : 64))
		memcpy(k->first_icmp, f, len < sizeof(k->first_icmp) ? len : sizeof(k->first_icmp));
	if (k->n < 64)
		k->kind[k->n] = icmp ? f[14 + 20] : 0xff;
	k->n++;
}

/* A forwarding host with a route to 198.51.100.0/24 via 10.0.0.3 on eth0, the way its
 * sender's datagrams came in: @all and @dev are the send_redirects sysctls. */
static rxs_host_t *redirect_host(bool all, bool dev, struct tx_kinds *k)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	struct rxs_route_config *r = rxs_scenario_add_route(sc);
	rxs_host_t *h;

	assert_non_null(r);
	assert_int_equal(rxs_addr_parse(&r->to, "198.51.100.0/24"), 0);
	assert_int_equal(rxs_addr_parse(&r->via, "10.0.0.3"), 0);
	strcpy(r->dev, "eth0");
	r = rxs_scenario_add_route(sc);
	assert_non_null(r);
	assert_int_equal(rxs_addr_parse(&r->to, "203.0.113.0/24"), 0);
	assert_int_equal(rxs_addr_parse(&r->via, FR_PEER_IP), 0);
	strcpy(r->dev, "eth0");
	sc->sysctl.val[RXS_SYSCTL_IP_FORWARD][0] = 1;
	sc->sysctl.val[RXS_SYSCTL_SEND_REDIRECTS][0] = all;
	sc->nics[0].no_send_redirects = !dev;
	h = fr_host(sc);
	rxs_scenario_free(sc);
	memset(k, 0, sizeof(*k));
	assert_int_equal(rxs_tx_set_cb(h, keep_kinds, k), 0);
	return h;
}

static void fwd_at(rxs_host_t *h, const char *src, uint64_t t_ns)
{
	struct fr f;

	fr_udp(&f, src, "198.51.100.7", 1000, 53, 10);
	fr_inject(h, &f, t_ns);
}

/*
 * ip_forward() -> ip_rt_send_redirect(): a datagram routed back out the link it came in on,
 * from a sender on that link, draws an ICMP host redirect to the route's gateway before
 * FORWARD; the sender's inet_peer paces them (HZ/50 << n_redirects apart, 9 at most, reset
 * after (HZ/50) << 10 of quiet), and the redirect's time is the peer's rate_last, from
 * which its errors' bucket counts.
 */
static void test_forward_redirect(void **state)
{
	static const struct { bool all, dev; unsigned int redirects; } orconf[] = {
		{ true, true, 1 }, { false, true, 1 }, { true, false, 1 }, { false, false, 0 },
	};
	struct tx_kinds k;
	rxs_host_t *h;
	uint64_t t = 0, ms = 1000000;
	const uint8_t *ip, *icmp;

	(void)state;
	/* Either sysctl on sends them (IN_DEV_ORCONF). */
	for (unsigned int i = 0; i < ARRAY_SIZE(orconf); i++) {
		h = redirect_host(orconf[i].all, orconf[i].dev, &k);
		fwd_at(h, FR_PEER_IP, 0);
		assert_int_equal(rxs_host_run_until(h, 1 * ms), 0);
		assert_int_equal(FR_MIB(h, IpForwDatagrams), 1);
		assert_int_equal(FR_MIB(h, IcmpOutRedirects), orconf[i].redirects);
		assert_int_equal(k.n, 1 + orconf[i].redirects);
		fr_conserved(h);
		rxs_host_destroy(h);
	}

	h = redirect_host(true, true, &k);
	fwd_at(h, FR_PEER_IP, 0);
	assert_int_equal(rxs_host_run_until(h, 1 * ms), 0);
	/* The redirect first, then the datagram, both to the sender's link. */
	assert_int_equal(k.n, 2);
	assert_int_equal(k.kind[0], 5);
	assert_int_equal(k.kind[1], 0xff);
	ip = k.first_icmp + 14;
	icmp = ip + 20;
	assert_int_equal(rxs__get_be32(ip + 12), 0x0a000002);	/* from 10.0.0.2 */
	assert_int_equal(rxs__get_be32(ip + 16), 0x0a000001);	/* to the sender */
	assert_int_equal(ip[1], 0xc0);				/* internetwork control */
	assert_int_equal(icmp[1], 1);				/* ICMP_REDIR_HOST */
	assert_int_equal(rxs__get_be32(icmp + 4), 0x0a000003);
	assert_int_equal(icmp[8 + 8], 63);			/* quoted after the TTL drop */
	assert_int_equal(rxs__get_be32(icmp + 8 + 16), 0xc6336407);	/* 198.51.100.7 */
	assert_int_equal(fr_fold(fr_sum(icmp, rxs__get_be16(ip + 2) - 20, 0)), 0);
	assert_int_equal(FR_MIB(h, IcmpOutMsgs), 1);
	assert_int_equal(FR_MIB(h, IcmpMsgOutType5), 1);
	assert_int_equal(FR_MIB(h, IpOutRequests), 1);
	/* 10 ms later: too soon (HZ/50 << 1 = 40 ms); 50 ms after the first: the second. */
	fwd_at(h, FR_PEER_IP, 10 * ms);
	fwd_at(h, FR_PEER_IP, 50 * ms);
	assert_int_equal(rxs_host_run_until(h, 60 * ms), 0);
	assert_int_equal(FR_MIB(h, IcmpOutRedirects), 2);
	/* The peer's rate_last is the redirect's: a port unreachable 100 ms later finds too few
	 * tokens (icmp_ratelimit 1000 ms), one 1.1 s later enough. */
	{
		struct fr f;

		fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, 9, 10);
		fr_inject(h, &f, 150 * ms);
		fr_inject(h, &f, 1160 * ms);
	}
	assert_int_equal(rxs_host_run_until(h, 1200 * ms), 0);
	assert_int_equal(FR_MIB(h, IcmpOutRateLimitHost), 1);
	assert_int_equal(FR_MIB(h, IcmpOutDestUnreachs), 1);
	/* A sender off the link (its route back has a gateway) draws none. */
	fwd_at(h, "203.0.113.5", 1300 * ms);
	assert_int_equal(rxs_host_run_until(h, 1400 * ms), 0);
	assert_int_equal(FR_MIB(h, IcmpOutRedirects), 2);
	assert_int_equal(FR_MIB(h, IpForwDatagrams), 4);
	fr_conserved(h);
	rxs_host_destroy(h);

	/* Each one at least HZ/50 << n after the last: 9, then none however slow, until the
	 * sender has drawn none for (HZ/50) << 10 (20.48 s). */
	h = redirect_host(true, true, &k);
	for (unsigned int n = 0; n < 9; n++) {
		t += n ? (20 * ms << n) + 10 * ms : 0;
		fwd_at(h, FR_PEER_IP, t);
	}
	fwd_at(h, FR_PEER_IP, t + 6000 * ms);
	assert_int_equal(rxs_host_run_until(h, t + 7000 * ms), 0);
	assert_int_equal(FR_MIB(h, IcmpOutRedirects), 9);
	fwd_at(h, FR_PEER_IP, t + 6000 * ms + 20000 * ms);	/* 20 s after the last heard */
	assert_int_equal(rxs_host_run_until(h, t + 27000 * ms), 0);
	assert_int_equal(FR_MIB(h, IcmpOutRedirects), 9);
	fwd_at(h, FR_PEER_IP, t + 26000 * ms + 21000 * ms);	/* 21 s later: reset */
	assert_int_equal(rxs_host_run_until(h, t + 48000 * ms), 0);
	assert_int_equal(FR_MIB(h, IcmpOutRedirects), 10);
	fr_conserved(h);
	rxs_host_destroy(h);
}

static void test_forwarding(void **state)
{
	static const char rules[] = "*filter\n:FORWARD ACCEPT [0:0]\n"
				    "-A FORWARD -p udp --dport 666 -j DROP\nCOMMIT\n";
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	struct tx_frames tx = { .n = 0 };
	struct rxs_ruleset_rule_info ri;
	rxs_host_t *h;
	struct fr f;

	(void)state;
	sc->sysctl.val[RXS_SYSCTL_IP_FORWARD][0] = 1;
	no_send_redirects(sc);	/* back out its way in: test_forward_redirect */
	sc->netfilter = strdup(rules);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_tx_set_cb(h, keep_tx, &tx), 0);
	fr_udp(&f, FR_PEER_IP, "192.0.2.9", 1000, 53, 10);
	fr_inject(h, &f, 0);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(FR_MIB(h, IpForwDatagrams), 1);
	assert_int_equal(FR_MIB(h, IpInDelivers), 0);
	assert_int_equal(tx.n, 1);
	assert_int_equal(tx.last[14 + 8], 63);			/* one hop less */
	assert_int_equal(fr_fold(fr_sum(tx.last + 14, 20, 0)), 0);	/* checksum redone */
	f.d[f.l3 + 8] = 1;					/* a TTL that runs out here */
	fr_ip_csum(&f);
	fr_inject(h, &f, 2000000);
	fr_udp(&f, FR_PEER_IP, "192.0.2.9", 1000, 666, 10);	/* the FORWARD chain drops */
	fr_inject(h, &f, 3000000);
	assert_int_equal(rxs_host_run_until(h, 4000000), 0);
	assert_int_equal(FR_MIB(h, IpInHdrErrors), 1);
	assert_int_equal(FR_MIB(h, IcmpOutTimeExcds), 1);
	assert_int_equal(tx.n, 2);				/* the time-exceeded message */
	assert_int_equal(tx.last[14 + 20], 11);
	/* IpForwDatagrams (IPSTATS_MIB_INFORWDATAGRAMS) counts before the FORWARD hook: the
	 * datagram the chain drops too (oracle fwd-masq), not the one whose TTL ran out */
	assert_int_equal(FR_MIB(h, IpForwDatagrams), 2);
	assert_int_equal(fr_drops(h, RXS_DROP_NETFILTER_DROP), 1);
	assert_int_equal(rxs_ruleset_rule(rxs_ruleset_get(h), 0, &ri), 0);
	assert_int_equal(ri.pkts, 1);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* A router with two links, eth0 (10.0.0.2/24) and eth1 (10.78.0.1/24, MTU 1000), and a
 * masquerade out of eth1: one datagram per case, the counters it moves and what leaves. */
static const struct {
	int line;
	const char *dst;
	unsigned int plen;
	uint8_t ttl;
	bool df;
	enum rxs_mib mib;		/* the counter it moves (besides IpInReceives) */
	enum rxs_drop_reason reason;	/* RXS_DROP_NOT_DROPPED_YET: forwarded */
	unsigned int frames;		/* frames that leave */
	uint8_t icmp_type, icmp_code;	/* of the last frame, when it is an ICMP error */
} fwd_cases[] = {
	/* out of eth1, its source masqueraded to eth1's address */
	{ __LINE__, "10.78.0.2", 100, 64, false, RXS_MIB_IpForwDatagrams, RXS_DROP_NOT_DROPPED_YET,
	  1, 0, 0 },
	/* too long for eth1 without DF: two fragments */
	{ __LINE__, "10.78.0.2", 1200, 64, false, RXS_MIB_IpFragCreates, RXS_DROP_NOT_DROPPED_YET,
	  2, 0, 0 },
	/* with DF: fragmentation needed, carrying eth1's MTU */
	{ __LINE__, "10.78.0.2", 1200, 64, true, RXS_MIB_IpFragFails, RXS_DROP_PKT_TOO_BIG, 1, 3,
	  4 },
	/* its lifetime ends here */
	{ __LINE__, "10.78.0.2", 100, 1, false, RXS_MIB_IpInHdrErrors, RXS_DROP_IP_INHDR, 1, 11,
	  0 },
	/* no scenario routes: the way in is the default way out (and no masquerade) */
	{ __LINE__, "192.0.2.9", 100, 64, false, RXS_MIB_IpForwDatagrams, RXS_DROP_NOT_DROPPED_YET,
	  1, 0, 0 },
};

static void test_forwarding_table(void **state)
{
	static const char rules[] = "*nat\n:POSTROUTING ACCEPT [0:0]\n"
				    "-A POSTROUTING -o eth1 -j MASQUERADE\nCOMMIT\n";

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(fwd_cases); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
		struct rxs_nic_config *nic = rxs_scenario_add_nic(sc);
		struct tx_frames tx = { .n = 0 };
		uint64_t before;
		rxs_host_t *h;
		struct fr f;

		assert_non_null(nic);
		assert_int_equal(rxs_addr_parse(&nic->addrs[0], "10.78.0.1/24"), 0);
		nic->naddrs = 1;
		nic->mtu = 1000;
		sc->sysctl.val[RXS_SYSCTL_IP_FORWARD][0] = 1;
		no_send_redirects(sc);
		sc->netfilter = strdup(rules);
		h = fr_host(sc);
		rxs_scenario_free(sc);
		assert_int_equal(rxs_tx_set_cb(h, keep_tx, &tx), 0);
		before = rxs_host_mib(h, fwd_cases[i].mib);
		fr_udp(&f, FR_PEER_IP, fwd_cases[i].dst, 1000, 53, fwd_cases[i].plen);
		f.d[f.l3 + 8] = fwd_cases[i].ttl;
		f.d[f.l3 + 6] = (uint8_t)((f.d[f.l3 + 6] & ~0x40) | (fwd_cases[i].df ? 0x40 : 0));
		fr_ip_csum(&f);
		fr_inject(h, &f, 0);
		assert_int_equal(rxs_host_run_until(h, 1000000), 0);
		if (rxs_host_mib(h, fwd_cases[i].mib) == before ||
		    (fwd_cases[i].reason && fr_drops(h, fwd_cases[i].reason) != 1) ||
		    tx.n != fwd_cases[i].frames)
			fail_msg("case at line %d: counter %llu, %u frames", fwd_cases[i].line,
				 (unsigned long long)rxs_host_mib(h, fwd_cases[i].mib), tx.n);
		if (fwd_cases[i].icmp_type) {
			assert_int_equal(tx.last[14 + 20], fwd_cases[i].icmp_type);
			assert_int_equal(tx.last[14 + 21], fwd_cases[i].icmp_code);
			if (fwd_cases[i].icmp_type == 3)
				assert_int_equal(rxs__get_be32(tx.last + 14 + 24), 1000);
		} else if (!strcmp(fwd_cases[i].dst, "10.78.0.2")) {
			assert_int_equal(rxs__get_be32(tx.last + 14 + 12), 0x0a4e0001);	/* masqueraded */
			assert_int_equal(fr_fold(fr_sum(tx.last + 14, 20, 0)), 0);
		}
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* What a router sent, by kind: ARP requests (and the last one), UDP frames out of eth1 (and
 * the last one's destination MAC), ICMP host unreachables. */
struct neigh_tx {
	unsigned int arp, udp, unreach;
	uint8_t arp_last[42], udp_dmac[6];
	uint64_t arp_t[4];
};

static void neigh_tx_cb(void *ctx, const uint8_t *f, uint32_t len, uint64_t t)
{
	struct neigh_tx *tx = ctx;

	if (len >= 42 && fr_get16(f + 12) == FR_ETH_P_ARP) {
		if (tx->arp < 4)
			tx->arp_t[tx->arp] = t;
		tx->arp++;
		memcpy(tx->arp_last, f, 42);
	} else if (len >= 34 && f[14 + 9] == 17) {
		tx->udp++;
		memcpy(tx->udp_dmac, f, 6);
	} else if (len >= 36 && f[14 + 9] == 1 && f[34] == 3 && f[35] == 1) {
		tx->unreach++;
	}
}

/* A router with eth0 (10.0.0.2/24, its peer a known neighbour) and eth1 (10.78.0.1/24): the
 * scenario's neighbours turn the table on, and 10.78.0.2 behind eth1 is not among them. */
static rxs_host_t *neigh_host(struct neigh_tx *tx)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	struct rxs_nic_config *nic = rxs_scenario_add_nic(sc);
	struct rxs_neigh_config *n = rxs_scenario_add_neighbour(sc);
	rxs_host_t *h;

	assert_non_null(nic);
	assert_non_null(n);
	assert_int_equal(rxs_addr_parse(&nic->addrs[0], "10.78.0.1/24"), 0);
	nic->naddrs = 1;
	assert_int_equal(rxs_addr_parse(&n->ip, FR_PEER_IP), 0);
	memcpy(n->mac, fr_peer_mac, 6);
	strcpy(n->dev, "eth0");
	sc->sysctl.val[RXS_SYSCTL_IP_FORWARD][0] = 1;
	h = fr_host(sc);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_tx_set_cb(h, neigh_tx_cb, tx), 0);
	return h;
}

static void neigh_send(rxs_host_t *h, unsigned int count, unsigned int plen, uint64_t t)
{
	struct fr f;

	for (unsigned int i = 0; i < count; i++) {
		fr_udp(&f, FR_PEER_IP, "10.78.0.2", (uint16_t)(1000 + i), 53, plen);
		fr_inject(h, &f, t + i * 1000);
	}
}

/* Nobody answers: three solicitations a second apart (mcast_solicit), then at 3 s the entry
 * fails and each queued packet is dropped, NEIGH_FAILED, its sender told host unreachable. */
static void test_neigh_unresolved(void **state)
{
	struct neigh_tx tx = { 0 };
	rxs_host_t *h = neigh_host(&tx);
	struct rxs_neigh_stat st;

	(void)state;
	neigh_send(h, 3, 100, 0);
	assert_int_equal(rxs_host_run_until(h, 2500000000ull), 0);
	assert_int_equal(tx.arp, 3);
	assert_int_equal(tx.udp, 0);
	assert_true(tx.arp_t[1] - tx.arp_t[0] == 1000000000ull);
	assert_true(tx.arp_t[2] - tx.arp_t[1] == 1000000000ull);
	/* who-has 10.78.0.2 tell 10.78.0.1, broadcast from eth1 */
	assert_memory_equal(tx.arp_last, fr_bcast_mac, 6);
	assert_int_equal(fr_get16(tx.arp_last + 20), 1);
	assert_int_equal(rxs__get_be32(tx.arp_last + 28), 0x0a4e0001);
	assert_int_equal(rxs__get_be32(tx.arp_last + 38), 0x0a4e0002);
	fr_conserved(h);	/* the 3 wait in the arp_queue: queued */
	assert_int_equal(rxs_host_run_until(h, 3500000000ull), 0);
	assert_int_equal(tx.arp, 3);
	assert_int_equal(fr_drops(h, RXS_DROP_NEIGH_FAILED), 3);
	assert_int_equal(tx.unreach, 3);
	rxs_neigh_get_stat(h, &st);
	assert_true(st.loaded);
	assert_int_equal(st.res_failed, 1);
	assert_int_equal(st.queued, 0);
	assert_int_equal(st.solicits, 3);
	/* A later packet starts over. */
	neigh_send(h, 1, 100, 4000000000ull);
	assert_int_equal(rxs_host_run_until(h, 4500000000ull), 0);
	assert_int_equal(tx.arp, 4);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* The neighbour answers (an ARP reply in the capture, on eth1): the queue leaves to its MAC,
 * and later packets go at once. */
static void test_neigh_resolved_by_arp(void **state)
{
	static const uint8_t backend_mac[6] = { 0x02, 0, 0, 0, 0, 0x77 };
	struct neigh_tx tx = { 0 };
	rxs_host_t *h = neigh_host(&tx);
	struct rxs_neigh_stat st;
	uint8_t *a;
	struct fr f;

	(void)state;
	neigh_send(h, 3, 100, 0);
	fr_eth(&f, fr_bcast_mac, false, 0, FR_ETH_P_ARP);
	memcpy(f.d, (const uint8_t[6]){ 0x02, 0, 0, 0, 0, 0x03 }, 6);	/* to eth1 */
	memcpy(f.d + 6, backend_mac, 6);
	a = f.d + f.l3;
	fr_put16(a, 1);
	fr_put16(a + 2, FR_ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	fr_put16(a + 6, 2);				/* reply */
	memcpy(a + 8, backend_mac, 6);
	fr_inet(a + 14, "10.78.0.2");
	memcpy(a + 18, (const uint8_t[6]){ 0x02, 0, 0, 0, 0, 0x03 }, 6);
	fr_inet(a + 24, "10.78.0.1");
	f.len = f.l3 + 28;
	assert_int_equal(rxs_host_inject(h, 1, f.d, f.len, 500000000ull), 0);
	assert_int_equal(rxs_host_run_until(h, 600000000ull), 0);
	assert_int_equal(tx.arp, 1);
	assert_int_equal(tx.udp, 3);
	assert_memory_equal(tx.udp_dmac, backend_mac, 6);
	neigh_send(h, 1, 100, 700000000ull);
	assert_int_equal(rxs_host_run_until(h, 5000000000ull), 0);
	assert_int_equal(tx.arp, 1);
	assert_int_equal(tx.udp, 4);
	assert_int_equal(fr_drops(h, RXS_DROP_NEIGH_FAILED), 0);
	rxs_neigh_get_stat(h, &st);
	assert_int_equal(st.res_failed, 0);
	assert_int_equal(st.hits, 1);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* More than unres_qlen_bytes (212992) of truesize waits: the oldest are dropped,
 * NEIGH_QUEUEFULL, each counted in unresolved_discards. */
static void test_neigh_queue_full(void **state)
{
	struct neigh_tx tx = { 0 };
	rxs_host_t *h = neigh_host(&tx);
	struct rxs_neigh_stat st;
	uint64_t full;

	(void)state;
	neigh_send(h, 300, 1000, 0);
	assert_int_equal(rxs_host_run_until(h, 500000000ull), 0);
	rxs_neigh_get_stat(h, &st);
	full = fr_drops(h, RXS_DROP_NEIGH_QUEUEFULL);
	assert_true(full > 0);
	assert_int_equal(st.unresolved_discards, full);
	assert_int_equal(st.queued + full, 300);
	/* Each skb of a 1000-byte datagram is charged more than its 1042 bytes: the queue holds
	 * fewer than 212992 / 1042 of them. */
	assert_true(st.queued < 212992 / 1042);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* Routes, a docker0-like bridge and rp_filter: eth0 (10.0.0.2/24), docker0 (a bridge,
 * 172.17.0.1/16), a route to 192.168.50.0/24 via 10.0.0.1 and, in some cases, a default
 * route; rp_filter strict or loose. One datagram per case from @src to @dst. */
static const struct {
	int line;
	const char *src, *dst;
	bool default_route;
	unsigned int rp_filter;		/* net.ipv4.conf.all.rp_filter */
	enum rxs_mib mib;		/* the counter it moves */
	enum rxs_drop_reason reason;	/* RXS_DROP_NOT_DROPPED_YET: forwarded */
	unsigned int out_ifindex;	/* the device a forwarded frame leaves by (its MAC) */
} route_cases[] = {
	/* to a container behind the bridge: out of docker0 */
	{ __LINE__, FR_PEER_IP, "172.17.0.2", false, 0, RXS_MIB_IpForwDatagrams,
	  RXS_DROP_NOT_DROPPED_YET, 2 },
	/* a scenario route: out of eth0, back the way it came */
	{ __LINE__, FR_PEER_IP, "192.168.50.7", false, 0, RXS_MIB_IpForwDatagrams,
	  RXS_DROP_NOT_DROPPED_YET, 1 },
	/* no route and no default: IpExtInNoRoutes, net unreachable */
	{ __LINE__, FR_PEER_IP, "198.51.100.1", false, 0, RXS_MIB_IpExtInNoRoutes,
	  RXS_DROP_IP_INNOROUTES, 0 },
	{ __LINE__, FR_PEER_IP, "198.51.100.1", true, 0, RXS_MIB_IpForwDatagrams,
	  RXS_DROP_NOT_DROPPED_YET, 1 },
	/* strict: a source whose route back leaves by docker0 is refused on eth0 */
	{ __LINE__, "172.17.0.9", "10.0.0.2", false, 1, RXS_MIB_TcpExtIPReversePathFilter,
	  RXS_DROP_IP_RPFILTER, 0 },
	/* loose: any route back will do; none (no default) is refused */
	{ __LINE__, "172.17.0.9", "10.0.0.2", false, 2, RXS_MIB_UdpNoPorts,
	  RXS_DROP_NOT_DROPPED_YET, 0 },
	{ __LINE__, "203.0.113.5", "10.0.0.2", false, 2, RXS_MIB_TcpExtIPReversePathFilter,
	  RXS_DROP_IP_RPFILTER, 0 },
	{ __LINE__, "203.0.113.5", "10.0.0.2", true, 1, RXS_MIB_UdpNoPorts,
	  RXS_DROP_NOT_DROPPED_YET, 0 },
};

static void test_routes(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(route_cases); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
		struct rxs_nic_config *br = rxs_scenario_add_nic(sc);
		struct rxs_route_config *r = rxs_scenario_add_route(sc);
		struct tx_frames tx = { .n = 0 };
		uint8_t br_mac[6];
		uint64_t before;
		rxs_host_t *h;
		struct fr f;

		assert_non_null(br);
		assert_non_null(r);
		memcpy(br_mac, br->mac, 6);
		strcpy(br->name, "docker0");
		br->driver = RXS_DRIVER_BRIDGE;
		assert_int_equal(rxs_addr_parse(&br->addrs[0], "172.17.0.1/16"), 0);
		br->naddrs = 1;
		assert_int_equal(rxs_addr_parse(&r->to, "192.168.50.0/24"), 0);
		assert_int_equal(rxs_addr_parse(&r->via, FR_PEER_IP), 0);
		strcpy(r->dev, "eth0");
		if (route_cases[i].default_route) {
			r = rxs_scenario_add_route(sc);
			assert_int_equal(rxs_addr_parse(&r->to, "0.0.0.0/0"), 0);
			strcpy(r->dev, "eth0");
		}
		sc->sysctl.val[RXS_SYSCTL_IP_FORWARD][0] = 1;
		sc->sysctl.val[RXS_SYSCTL_RP_FILTER][0] = route_cases[i].rp_filter;
		no_send_redirects(sc);
		h = fr_host(sc);
		rxs_scenario_free(sc);
		assert_int_equal(rxs_tx_set_cb(h, keep_tx, &tx), 0);
		before = rxs_host_mib(h, route_cases[i].mib);
		fr_udp(&f, route_cases[i].src, route_cases[i].dst, 1000, 53, 10);
		fr_inject(h, &f, 0);
		assert_int_equal(rxs_host_run_until(h, 1000000), 0);
		if (rxs_host_mib(h, route_cases[i].mib) != before + 1 ||
		    (route_cases[i].reason && fr_drops(h, route_cases[i].reason) != 1))
			fail_msg("case at line %d: counter %llu", route_cases[i].line,
				 (unsigned long long)rxs_host_mib(h, route_cases[i].mib));
		if (route_cases[i].out_ifindex) {
			const uint8_t *mac = route_cases[i].out_ifindex == 2 ? br_mac : fr_host_mac;

			assert_int_equal(tx.n, 1);
			assert_memory_equal(tx.last + 6, mac, 6);
		}
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* tcpdump's --direction: a tap sees received frames before netfilter and sent ones after
 * OUTPUT and POSTROUTING. An echo request and its reply: in 1, out 1, inout 2. */
static void test_tap_directions(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	static const char *const names[] = { "in", "out", "both" };
	rxs_host_t *h;
	struct fr f;

	(void)state;
	for (unsigned int d = 1; d <= 3; d++) {
		struct rxs_tap_config *t = rxs_scenario_add_tap(sc);

		snprintf(t->name, sizeof(t->name), "%s", names[d - 1]);
		free(t->filter);
		t->filter = strdup("icmp");
		t->direction = d;
	}
	h = fr_host(sc);
	rxs_scenario_free(sc);
	fr_icmp_echo(&f, FR_PEER_IP, FR_HOST_IP, 1, 16);
	fr_inject(h, &f, 0);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	for (unsigned int i = 0; i < 3; i++) {
		struct rxs_tap_stats st;

		rxs_tap_get_stats(rxs_tap_get(h, i), &st);
		assert_int_equal(st.captured, i == 2 ? 2 : 1);
	}
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* ---- IPv6: dual-stack sockets, reassembly, TCP ---- */

#define V6_HOST "fd00::2"
#define V6_PEER "fd00::1"
#define V6_LL_HOST "fe80::ff:fe00:2"	/* fe80:: and the EUI-64 of fr_host_mac */

/* An IPv6 frame from fd00::1 to fd00::2 with @l4 (@l4len bytes) behind @ext extension bytes
 * (the caller wrote them, their first "next header" chain ending in @proto). */
static void fr_ip6(struct fr *f, uint8_t first_nh, const uint8_t *ext, unsigned int extlen,
		   const uint8_t *l4, unsigned int l4len)
{
	uint8_t *ip;

	fr_eth(f, fr_host_mac, false, 0, 0x86dd);
	ip = f->d + f->l3;
	memset(ip, 0, 40);
	ip[0] = 0x60;
	fr_put16(ip + 4, (uint16_t)(extlen + l4len));
	ip[6] = first_nh;
	ip[7] = 64;
	inet_pton(AF_INET6, V6_PEER, ip + 8);
	inet_pton(AF_INET6, V6_HOST, ip + 24);
	if (extlen)
		memcpy(ip + 40, ext, extlen);
	memcpy(ip + 40 + extlen, l4, l4len);
	f->l4 = f->l3 + 40 + extlen;
	f->len = f->l4 + l4len;
}

/* A UDP datagram of @plen bytes to port 53, checksum over the IPv6 pseudo header. */
static unsigned int udp6(uint8_t *u, unsigned int plen)
{
	uint8_t src[16], dst[16];
	uint32_t sum;

	inet_pton(AF_INET6, V6_PEER, src);
	inet_pton(AF_INET6, V6_HOST, dst);
	fr_put16(u, 5353);
	fr_put16(u + 2, 53);
	fr_put16(u + 4, (uint16_t)(8 + plen));
	fr_put16(u + 6, 0);
	for (unsigned int i = 0; i < plen; i++)
		u[8 + i] = (uint8_t)i;
	sum = fr_sum(src, 16, 0) + fr_sum(dst, 16, 0) + 17 + 8 + plen;
	fr_put16(u + 6, fr_fold(fr_sum(u, 8 + plen, sum)));
	return 8 + plen;
}

static rxs_host_t *v6_host(void)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	struct rxs_socket_config *s;
	rxs_host_t *h;

	assert_int_equal(rxs_addr_parse(&sc->nics[0].addrs[1], V6_HOST "/64"), 0);
	sc->nics[0].naddrs = 2;
	s = fr_udp_socket(sc, "::", 53, RXS_APP_ALL);	/* [::]:53 takes IPv4 and IPv6 */
	(void)s;
	s = rxs_scenario_add_socket(sc);
	s->proto = IPPROTO_TCP;
	assert_int_equal(rxs_addr_parse(&s->local, "::"), 0);
	s->port = 80;
	h = fr_host(sc);
	rxs_scenario_free(sc);
	return h;
}

/* A router with eth0 (fd00::2/64) and eth1 (fd00:2::1/64, MTU 1300), a route to
 * fd00:3::/64 through fd00:2::9 out of eth1, and ip6tables dropping UDP to port 666 in
 * FORWARD: one datagram from fd00::1 per case, the counter it moves and what leaves. */
static const struct {
	int line;
	const char *dst, *src;
	unsigned int plen;
	uint8_t hlim;
	uint16_t dport;
	enum rxs_mib mib;		/* the counter it moves */
	enum rxs_drop_reason reason;	/* RXS_DROP_NOT_DROPPED_YET: forwarded */
	unsigned int frames;		/* frames that leave */
	uint8_t icmp_type, icmp_code;	/* of the last frame, when it is an ICMPv6 error */
	bool nofwd;			/* net.ipv6.conf.all.forwarding=0 */
} fwd6_cases[] = {
	/* on eth1's link, one hop less */
	{ __LINE__, "fd00:2::7", V6_PEER, 100, 64, 53, RXS_MIB_Ip6OutForwDatagrams,
	  RXS_DROP_NOT_DROPPED_YET, 1, 0, 0, false },
	/* through the route's gateway */
	{ __LINE__, "fd00:3::5", V6_PEER, 100, 64, 53, RXS_MIB_Ip6OutForwDatagrams,
	  RXS_DROP_NOT_DROPPED_YET, 1, 0, 0, false },
	/* its hop limit ends here */
	{ __LINE__, "fd00:2::7", V6_PEER, 100, 1, 53, RXS_MIB_Icmp6OutTimeExcds,
	  RXS_DROP_IP_INHDR, 1, 3, 0, false },
	/* too big for eth1: a router never fragments */
	{ __LINE__, "fd00:2::7", V6_PEER, 1300, 64, 53, RXS_MIB_Ip6InTooBigErrors,
	  RXS_DROP_PKT_TOO_BIG, 1, 2, 0, false },
	/* no route */
	{ __LINE__, "fd00:9::1", V6_PEER, 100, 64, 53, RXS_MIB_Ip6InNoRoutes,
	  RXS_DROP_IP_INNOROUTES, 1, 1, 0, false },
	/* a link-local source stays on its link: beyond scope */
	{ __LINE__, "fd00:2::7", "fe80::1", 100, 64, 53, RXS_MIB_Ip6InAddrErrors,
	  RXS_DROP_IP_INADDRERRORS, 1, 1, 2, false },
	/* the FORWARD chain drops it */
	{ __LINE__, "fd00:2::7", V6_PEER, 100, 64, 666, RXS_MIB_Ip6OutForwDatagrams,
	  RXS_DROP_NETFILTER_DROP, 0, 0, 0, false },
	/* Forwarding off (oracle v6-noroute-nofwd): the route is looked up first, as the
	 * kernel's ip6_route_input() does; a route (connected, through a gateway, the
	 * link-local prefix of the device it came in on) reaches ip6_forward(), which drops it
	 * silently before anything else, the hop limit included; */
	{ __LINE__, "fd00:2::7", V6_PEER, 100, 64, 53, RXS_MIB_Ip6InAddrErrors,
	  RXS_DROP_IP_INADDRERRORS, 0, 0, 0, true },
	{ __LINE__, "fd00:3::5", V6_PEER, 100, 64, 53, RXS_MIB_Ip6InAddrErrors,
	  RXS_DROP_IP_INADDRERRORS, 0, 0, 0, true },
	{ __LINE__, "fe80::9", V6_PEER, 100, 64, 53, RXS_MIB_Ip6InAddrErrors,
	  RXS_DROP_IP_INADDRERRORS, 0, 0, 0, true },
	{ __LINE__, "fd00:2::7", V6_PEER, 100, 1, 53, RXS_MIB_Ip6InAddrErrors,
	  RXS_DROP_IP_INADDRERRORS, 0, 0, 0, true },
	/* no route is ip6_pkt_drop()'s, forwarding or not: Ip6InNoRoutes and no route */
	{ __LINE__, "fd00:9::1", V6_PEER, 100, 64, 53, RXS_MIB_Ip6InNoRoutes,
	  RXS_DROP_IP_INNOROUTES, 1, 1, 0, true },
};

static const uint8_t fwd6_gw_mac[6] = { 0x02, 0, 0, 0, 0, 0x09 };

static rxs_host_t *fwd6_host(struct tx_frames *tx, bool forwarding)
{
	static const char rules[] = "*filter\n:FORWARD ACCEPT [0:0]\n"
				    "-A FORWARD -p udp --dport 666 -j DROP\nCOMMIT\n";
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	struct rxs_nic_config *nic = rxs_scenario_add_nic(sc);
	struct rxs_route_config *r = rxs_scenario_add_route(sc);
	struct rxs_neigh_config *n;
	rxs_host_t *h;

	assert_non_null(nic);
	assert_non_null(r);
	assert_int_equal(rxs_addr_parse(&sc->nics[0].addrs[1], V6_HOST "/64"), 0);
	sc->nics[0].naddrs = 2;
	assert_int_equal(rxs_addr_parse(&nic->addrs[0], "fd00:2::1/64"), 0);
	nic->naddrs = 1;
	nic->mtu = 1300;
	assert_int_equal(rxs_addr_parse(&r->to, "fd00:3::/64"), 0);
	assert_int_equal(rxs_addr_parse(&r->via, "fd00:2::9"), 0);
	strcpy(r->dev, nic->name);
	/* the gateway's MAC, a static neighbour (fd00:2::7 has none: the broadcast address) */
	n = rxs_scenario_add_neighbour(sc);
	assert_non_null(n);
	assert_int_equal(rxs_addr_parse(&n->ip, "fd00:2::9"), 0);
	memcpy(n->mac, fwd6_gw_mac, 6);
	strcpy(n->dev, nic->name);
	sc->sysctl.val[RXS_SYSCTL_IPV6_FORWARDING][0] = forwarding;
	sc->netfilter6 = strdup(rules);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_tx_set_cb(h, keep_tx, tx), 0);
	return h;
}

static void test_ipv6_forwarding(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(fwd6_cases); i++) {
		struct tx_frames tx = { .n = 0 };
		rxs_host_t *h = fwd6_host(&tx, !fwd6_cases[i].nofwd);
		uint8_t u[1400], *ip, *icmp;
		uint64_t before = rxs_host_mib(h, fwd6_cases[i].mib);
		unsigned int len = udp6(u, fwd6_cases[i].plen);
		struct fr f;

		fr_put16(u + 2, fwd6_cases[i].dport);	/* the checksum is not looked at */
		fr_ip6(&f, 17, NULL, 0, u, len);
		ip = f.d + f.l3;
		ip[7] = fwd6_cases[i].hlim;
		inet_pton(AF_INET6, fwd6_cases[i].src, ip + 8);
		inet_pton(AF_INET6, fwd6_cases[i].dst, ip + 24);
		fr_inject(h, &f, 0);
		assert_int_equal(rxs_host_run_until(h, 1000000), 0);
		if (rxs_host_mib(h, fwd6_cases[i].mib) != before + 1 ||
		    (fwd6_cases[i].reason && fr_drops(h, fwd6_cases[i].reason) != 1) ||
		    tx.n != fwd6_cases[i].frames)
			fail_msg("case at line %d: counter %llu, %u frames", fwd6_cases[i].line,
				 (unsigned long long)rxs_host_mib(h, fwd6_cases[i].mib), tx.n);
		assert_int_equal(FR_MIB(h, Ip6InDelivers), 0);
		if (fwd6_cases[i].icmp_type) {
			icmp = tx.last + 14 + 40;
			assert_int_equal(fr_get16(tx.last + 12), 0x86dd);
			assert_int_equal(tx.last[14 + 6], 58);
			assert_memory_equal(tx.last + 14 + 24, ip + 8, 16);	/* to the sender */
			assert_int_equal(icmp[0], fwd6_cases[i].icmp_type);
			assert_int_equal(icmp[1], fwd6_cases[i].icmp_code);
			if (fwd6_cases[i].icmp_type == 2)
				assert_int_equal(rxs__get_be32(icmp + 4), 1300);	/* eth1's MTU */
			assert_memory_equal(icmp + 8, ip, 40);	/* it quotes the packet */
			assert_int_equal(FR_MIB(h, Icmp6OutMsgs), 1);
		} else if (fwd6_cases[i].frames) {
			assert_int_equal(fr_get16(tx.last + 12), 0x86dd);
			assert_int_equal(tx.last[14 + 7], 63);	/* one hop less */
			assert_memory_equal(tx.last + 14 + 8, ip + 8, 32);	/* addresses kept */
			assert_int_equal(tx.len, 14 + 40 + len);
			assert_int_equal(FR_MIB(h, Ip6OutTransmits), 1);
			if (!strcmp(fwd6_cases[i].dst, "fd00:3::5"))	/* to the gateway */
				assert_memory_equal(tx.last, fwd6_gw_mac, 6);
			else
				assert_memory_equal(tx.last, "\xff\xff\xff\xff\xff\xff", 6);
		}
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* Without net.ipv6.conf.all.forwarding, a packet not ours is an address error. */
static void test_ipv6_not_forwarding(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	uint8_t u[200];
	rxs_host_t *h;
	struct fr f;

	(void)state;
	assert_int_equal(rxs_addr_parse(&sc->nics[0].addrs[1], V6_HOST "/64"), 0);
	sc->nics[0].naddrs = 2;
	h = fr_host(sc);
	rxs_scenario_free(sc);
	fr_ip6(&f, 17, NULL, 0, u, udp6(u, 20));
	inet_pton(AF_INET6, "fd00::7", f.d + f.l3 + 24);
	fr_inject(h, &f, 0);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(FR_MIB(h, Ip6InAddrErrors), 1);
	assert_int_equal(FR_MIB(h, Ip6OutForwDatagrams), 0);
	assert_int_equal(fr_drops(h, RXS_DROP_IP_INADDRERRORS), 1);
	fr_conserved(h);
	rxs_host_destroy(h);
}

static void test_ipv6_udp_dual_stack(void **state)
{
	uint8_t u[64];
	rxs_host_t *h = v6_host();
	struct fr f;

	(void)state;
	fr_ip6(&f, 17, NULL, 0, u, udp6(u, 20));
	fr_inject(h, &f, 0);
	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 5353, 53, 20);	/* IPv4 to the same socket */
	fr_inject(h, &f, 1000);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(FR_MIB(h, Ip6InReceives), 1);
	assert_int_equal(FR_MIB(h, Ip6InDelivers), 1);
	assert_int_equal(FR_MIB(h, Udp6InDatagrams), 1);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), 1);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* Two fragments of a 200-byte UDP datagram: 104 bytes at 0 (more), 104 at 104. */
static void frag6(struct fr *f, const uint8_t *dgram, unsigned int off, unsigned int len, bool more,
		  uint32_t id)
{
	uint8_t ext[8];
	unsigned int n = 0;

	ext[n++] = 17;
	ext[n++] = 0;
	fr_put16(ext + n, (uint16_t)(off | (more ? 1 : 0)));
	n += 2;
	ext[n++] = (uint8_t)(id >> 24), ext[n++] = (uint8_t)(id >> 16);
	ext[n++] = (uint8_t)(id >> 8), ext[n++] = (uint8_t)id;
	fr_ip6(f, 44, ext, 8, dgram + off, len);
}

static void test_ipv6_reassembly(void **state)
{
	uint8_t dg[256];
	unsigned int len = udp6(dg, 200);
	rxs_host_t *h = v6_host();
	struct fr f;

	(void)state;
	assert_int_equal(len, 208);
	frag6(&f, dg, 0, 104, true, 7);
	fr_inject(h, &f, 0);
	frag6(&f, dg, 104, 104, false, 7);
	fr_inject(h, &f, 1000);
	frag6(&f, dg, 0, 104, true, 8);	/* a lone first fragment: stays queued */
	fr_inject(h, &f, 2000);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(FR_MIB(h, Ip6ReasmReqds), 3);
	assert_int_equal(FR_MIB(h, Ip6ReasmOKs), 1);
	assert_int_equal(FR_MIB(h, Udp6InDatagrams), 1);
	assert_int_equal(FR_MIB(h, Udp6InCsumErrors), 0);
	fr_conserved(h);
	/* ipfrag_time later the lone one has expired. */
	assert_int_equal(rxs_host_run_until(h, 31000000000ull), 0);
	assert_int_equal(FR_MIB(h, Ip6ReasmTimeout), 1);
	assert_int_equal(FR_MIB(h, Ip6ReasmFails), 1);
	assert_int_equal(fr_drops(h, RXS_DROP_FRAG_REASM_TIMEOUT), 1);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* Neighbour solicitations (ndisc_recv_ns(); tests/oracle/cases/ndisc-ns): for the host's
 * address one is answered, to the solicitor (solicited; the target's link-layer address only
 * when asked at the solicited-node group) or, for a probe from ::, to all nodes; hop limits
 * other than 255, codes other than 0, other targets, a probe with a source link-layer
 * address option or to another group, and malformed options are not. */
static const struct {
	int line;
	const char *src, *dst, *target;
	uint8_t hlim, code;
	bool sllao, bad_opt;
	enum rxs_drop_reason reason;	/* 0: answered, consumed */
	unsigned int na_len;		/* the advertisement's ICMPv6 length, 0: none */
	uint8_t na_flags;		/* R S O in the top bits */
} ns_cases[] = {
	{ __LINE__, V6_PEER, V6_HOST, V6_HOST, 255, 0, true, false, 0, 24, 0x40 },
	{ __LINE__, V6_PEER, V6_HOST, V6_HOST, 255, 0, false, false, 0, 24, 0x40 },
	{ __LINE__, V6_PEER, "ff02::1:ff00:2", V6_HOST, 255, 0, true, false, 0, 32, 0x60 },
	/* to the group, no option, an unknown sender: no neighbour entry, no answer */
	{ __LINE__, V6_PEER, "ff02::1:ff00:2", V6_HOST, 255, 0, false, false,
	  RXS_DROP_NOT_SPECIFIED, 0, 0 },
	{ __LINE__, "::", "ff02::1:ff00:2", V6_HOST, 255, 0, false, false,
	  RXS_DROP_NOT_SPECIFIED, 32, 0x20 },
	{ __LINE__, "::", "ff02::1:ff00:2", V6_HOST, 255, 0, true, false, RXS_DROP_NOT_SPECIFIED,
	  0, 0 },
	{ __LINE__, "::", V6_HOST, V6_HOST, 255, 0, false, false, RXS_DROP_NOT_SPECIFIED, 0, 0 },
	{ __LINE__, V6_PEER, V6_HOST, "fd00::99", 255, 0, true, false,
	  RXS_DROP_IPV6_NDISC_NS_OTHERHOST, 0, 0 },
	{ __LINE__, V6_PEER, V6_HOST, "ff02::1", 255, 0, true, false, RXS_DROP_NOT_SPECIFIED, 0,
	  0 },
	{ __LINE__, V6_PEER, V6_HOST, V6_HOST, 64, 0, true, false, RXS_DROP_IPV6_NDISC_HOP_LIMIT,
	  0, 0 },
	{ __LINE__, V6_PEER, V6_HOST, V6_HOST, 255, 1, true, false, RXS_DROP_IPV6_NDISC_BAD_CODE,
	  0, 0 },
	{ __LINE__, V6_PEER, V6_HOST, V6_HOST, 255, 0, true, true,
	  RXS_DROP_IPV6_NDISC_BAD_OPTIONS, 0, 0 },
	/* the link-local address IPv6 gave the NIC (tests/oracle/cases/ndisc-linklocal) */
	{ __LINE__, V6_PEER, V6_LL_HOST, V6_LL_HOST, 255, 0, true, false, 0, 24, 0x40 },
	{ __LINE__, V6_PEER, "ff02::1:ff00:2", V6_LL_HOST, 255, 0, true, false, 0, 32, 0x60 },
	{ __LINE__, "::", "ff02::1:ff00:2", V6_LL_HOST, 255, 0, false, false,
	  RXS_DROP_NOT_SPECIFIED, 32, 0x20 },
	{ __LINE__, V6_PEER, V6_LL_HOST, "fe80::ff:fe00:3", 255, 0, true, false,
	  RXS_DROP_IPV6_NDISC_NS_OTHERHOST, 0, 0 },
};

static void test_ndisc_ns(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ns_cases); i++) {
		rxs_host_t *h = v6_host();
		static struct tx_frames tx;
		uint8_t m[40] = { 135, ns_cases[i].code }, *ip;
		unsigned int len = ns_cases[i].sllao ? 32 : 24;
		uint32_t sum;
		struct fr f;

		memset(&tx, 0, sizeof(tx));
		assert_int_equal(rxs_tx_set_cb(h, keep_tx, &tx), 0);
		inet_pton(AF_INET6, ns_cases[i].target, m + 8);
		if (ns_cases[i].sllao) {
			m[24] = 1, m[25] = 1;
			memcpy(m + 26, "\x02\0\0\0\0\x01", 6);
		}
		if (ns_cases[i].bad_opt)
			m[25] = 2;		/* 16 bytes, past the message */
		fr_ip6(&f, 58, NULL, 0, m, len);
		ip = f.d + f.l3;
		ip[7] = ns_cases[i].hlim;
		inet_pton(AF_INET6, ns_cases[i].src, ip + 8);
		inet_pton(AF_INET6, ns_cases[i].dst, ip + 24);
		if (ip[24] == 0xff) {		/* 33:33 and the group's last four bytes */
			f.d[0] = 0x33, f.d[1] = 0x33;
			memcpy(f.d + 2, ip + 36, 4);
		}
		sum = fr_sum(ip + 8, 32, 0) + 58 + len;
		fr_put16(f.d + f.l4 + 2, fr_fold(fr_sum(f.d + f.l4, len, sum)));
		fr_inject(h, &f, 0);
		run_and_check(h);
		if ((ns_cases[i].reason ? fr_drops(h, ns_cases[i].reason) != 1 : fr_drops_total(h)) ||
		    FR_MIB(h, Icmp6InNeighborSolicits) != 1 || FR_MIB(h, Icmp6InErrors) ||
		    FR_MIB(h, Icmp6OutNeighborAdvertisements) != !!ns_cases[i].na_len ||
		    tx.n != !!ns_cases[i].na_len)
			fail_msg("case at line %d: reason %s, NAs out %" PRIu64 ", frames %u",
				 ns_cases[i].line, rxs_drop_reason_name(ns_cases[i].reason),
				 FR_MIB(h, Icmp6OutNeighborAdvertisements), tx.n);
		if (ns_cases[i].na_len) {
			const uint8_t *na = tx.last + 14 + 40;

			if (tx.len != 14 + 40 + ns_cases[i].na_len || tx.last[14 + 7] != 255 ||
			    na[0] != 136 || na[4] != ns_cases[i].na_flags || memcmp(na + 8, m + 8, 16))
				fail_msg("case at line %d: advertisement of %u bytes, flags %#x",
					 ns_cases[i].line, tx.len - 54, na[4]);
			if (ns_cases[i].na_len == 32 && memcmp(na + 26, tx.last + 6, 6))
				fail_msg("case at line %d: target link-layer address not the NIC's",
					 ns_cases[i].line);
		}
		rxs_host_destroy(h);
	}
}

/* addrconf's link-local address (tests/oracle/cases/ndisc-linklocal): a NIC of a host with
 * IPv6 has fe80:: and the EUI-64 of its MAC as its own, so an echo request to it is answered
 * from it, whatever the source's scope; another link-local address is not the host's; a host
 * without IPv6 has none. */
static void test_addrconf_linklocal(void **state)
{
	static const struct {
		int line;
		bool ipv6;		/* the host has an IPv6 address */
		const char *src, *dst;
		uint64_t replies, addr_errors;
	} cases[] = {
		{ __LINE__, true, "fe80::1", V6_LL_HOST, 1, 0 },
		{ __LINE__, true, V6_PEER, V6_LL_HOST, 1, 0 },
		{ __LINE__, true, "fe80::1", "fe80::ff:fe00:3", 0, 1 },
		{ __LINE__, true, "fe80::1", "fe80::2", 0, 1 },
		{ __LINE__, false, "fe80::1", V6_LL_HOST, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rxs_scenario *sc = cases[i].ipv6 ? NULL : fr_scenario(RXS_DRIVER_GENERIC);
		rxs_host_t *h = cases[i].ipv6 ? v6_host() : fr_host(sc);
		static struct tx_frames tx;
		uint8_t m[16] = { 128, 0, 0, 0, 0, 0x77, 0, 1, 'p', 'i', 'n', 'g' }, *ip;
		uint8_t want[16];
		uint32_t sum;
		struct fr f;

		memset(&tx, 0, sizeof(tx));
		assert_int_equal(rxs_tx_set_cb(h, keep_tx, &tx), 0);
		fr_ip6(&f, 58, NULL, 0, m, sizeof(m));
		ip = f.d + f.l3;
		inet_pton(AF_INET6, cases[i].src, ip + 8);
		inet_pton(AF_INET6, cases[i].dst, ip + 24);
		sum = fr_sum(ip + 8, 32, 0) + 58 + sizeof(m);
		fr_put16(f.d + f.l4 + 2, fr_fold(fr_sum(f.d + f.l4, sizeof(m), sum)));
		fr_inject(h, &f, 0);
		run_and_check(h);
		if (FR_MIB(h, Icmp6OutEchoReplies) != cases[i].replies ||
		    FR_MIB(h, Ip6InAddrErrors) != cases[i].addr_errors || tx.n != cases[i].replies)
			fail_msg("case at line %d: %" PRIu64 " replies, %" PRIu64 " address errors, "
				 "%u frames out", cases[i].line, FR_MIB(h, Icmp6OutEchoReplies),
				 FR_MIB(h, Ip6InAddrErrors), tx.n);
		inet_pton(AF_INET6, cases[i].dst, want);
		if (tx.n && memcmp(tx.last + 14 + 8, want, 16))
			fail_msg("case at line %d: the reply is not from the address asked",
				 cases[i].line);
		rxs_host_destroy(h);
		rxs_scenario_free(sc);
	}
}

/* The route back (tests/oracle/cases/offlink-noroute): with routes: the host's answers go
 * only where a route leads; without any, out of the way in, wherever the source. */
static void test_route_back(void **state)
{
	static const struct {
		int line;
		const char *route;		/* NULL: no routes: */
		const char *src;
		uint64_t unreach;		/* port unreachables sent */
	} cases[] = {
		{ __LINE__, NULL, "192.0.2.1", 1 },
		{ __LINE__, "10.0.0.0/24", "192.0.2.1", 0 },
		{ __LINE__, "10.0.0.0/24", FR_PEER_IP, 1 },
		{ __LINE__, "0.0.0.0/0", "192.0.2.1", 1 },
		{ __LINE__, "192.0.2.0/28", "192.0.2.1", 1 },
		{ __LINE__, "192.0.2.0/28", "192.0.2.100", 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
		rxs_host_t *h;
		struct fr f;

		if (cases[i].route) {
			struct rxs_route_config *r = rxs_scenario_add_route(sc);

			assert_non_null(r);
			assert_int_equal(rxs_addr_parse(&r->to, cases[i].route), 0);
			strcpy(r->dev, sc->nics[0].name);
		}
		h = fr_host(sc);
		rxs_scenario_free(sc);
		fr_udp(&f, cases[i].src, FR_HOST_IP, 1000, CLOSED, 10);
		fr_inject(h, &f, 0);
		run_and_check(h);
		if (FR_MIB(h, UdpNoPorts) != 1 || FR_MIB(h, IcmpOutDestUnreachs) != cases[i].unreach ||
		    FR_MIB(h, IpOutRequests) != cases[i].unreach)
			fail_msg("case at line %d: %" PRIu64 " port unreachables", cases[i].line,
				 FR_MIB(h, IcmpOutDestUnreachs));
		rxs_host_destroy(h);
	}
}

/* A zero UDP checksum over IPv6 (RFC 6936; tests/oracle/cases/udp-zerocsum): refused before
 * any socket's queue, a socket on the port or not; a good one is read. */
static void test_udp6_zero_checksum(void **state)
{
	static const uint16_t ports[] = { 53, 54 };	/* [::]:53, and a closed one */
	rxs_host_t *h = v6_host();
	uint8_t u[64];
	struct fr f;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
		unsigned int len = udp6(u, 20);

		fr_put16(u + 2, ports[i]);
		fr_put16(u + 6, 0);
		fr_ip6(&f, 17, NULL, 0, u, len);
		fr_inject(h, &f, i * 1000);
	}
	fr_ip6(&f, 17, NULL, 0, u, udp6(u, 20));
	fr_inject(h, &f, 5000);
	run_and_check(h);
	assert_int_equal(FR_MIB(h, Udp6InCsumErrors), 2);
	assert_int_equal(FR_MIB(h, Udp6InErrors), 2);
	assert_int_equal(FR_MIB(h, Udp6NoPorts), 0);
	assert_int_equal(FR_MIB(h, Udp6InDatagrams), 1);
	assert_int_equal(fr_drops(h, RXS_DROP_UDP_CSUM), 2);
	assert_int_equal(fr_sock(h, 0).drops, 0);
	rxs_host_destroy(h);
}

/* A SYN over IPv6 to a [::]:80 listener gets a SYN-ACK over IPv6. */
static void test_ipv6_tcp_syn(void **state)
{
	uint8_t th[24] = { 0 }, src[16], dst[16];
	rxs_host_t *h = v6_host();
	struct rxs_socket_info si;
	uint32_t sum;
	struct fr f;

	(void)state;
	fr_put16(th, 40000);
	fr_put16(th + 2, 80);
	th[7] = 1;			/* seq 1 */
	th[12] = 6 << 4;
	th[13] = 0x02;
	fr_put16(th + 14, 64240);
	th[20] = 2, th[21] = 4;
	fr_put16(th + 22, 1440);
	inet_pton(AF_INET6, V6_PEER, src);
	inet_pton(AF_INET6, V6_HOST, dst);
	sum = fr_sum(src, 16, 0) + fr_sum(dst, 16, 0) + 6 + 24;
	fr_put16(th + 16, fr_fold(fr_sum(th, 24, sum)));
	fr_ip6(&f, 6, NULL, 0, th, 24);
	fr_inject(h, &f, 0);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, 1), &si), 0);
	assert_int_equal(si.syn_q, 1);
	assert_int_equal(FR_MIB(h, TcpOutSegs), 1);
	assert_int_equal(FR_MIB(h, Ip6OutRequests), 1);
	assert_int_equal(FR_MIB(h, TcpInCsumErrors), 0);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* ---- multicast groups (sockets[].join) ---- */

#define MC_PORT 5353

/* ip_eth_mc_map() / ipv6_eth_mc_map(): the group's MAC. */
static void group_mac(const char *group, uint8_t mac[6])
{
	uint8_t a[16];

	if (inet_pton(AF_INET, group, a) == 1) {
		const uint8_t m[6] = { 0x01, 0x00, 0x5e, a[1] & 0x7f, a[2], a[3] };

		memcpy(mac, m, 6);
	} else {
		assert_int_equal(inet_pton(AF_INET6, group, a), 1);
		mac[0] = mac[1] = 0x33;
		memcpy(mac + 2, a + 12, 4);
	}
}

/*
 * Three UDP sockets: 0 on *:5353 joined @join (none if NULL), 1 on *:5353 joined nothing
 * (IP_MULTICAST_ALL as @mc_all), 2 on 10.0.0.2:5353 (a unicast bind never takes
 * multicast: __udp_is_mcast_sock). Nobody reads, so each copy stays queued.
 */
static rxs_host_t *mc_host(enum rxs_driver driver, const char *join, bool mc_all)
{
	struct rxs_scenario *sc = fr_scenario(driver);
	struct rxs_socket_config *s = fr_udp_socket(sc, NULL, MC_PORT, RXS_APP_NEVER);
	rxs_host_t *h;

	if (join) {
		fr_join(s, join);
	}
	s = fr_udp_socket(sc, NULL, MC_PORT, RXS_APP_NEVER);
	s->mc_all_off = !mc_all;
	fr_udp_socket(sc, FR_HOST_IP, MC_PORT, RXS_APP_NEVER);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	return h;
}

/*
 * What a datagram to a group meets: the NIC's filter (the generic driver's holds the joined
 * groups' MACs; veth filters nothing), the input route (ip_check_mc_rcu: a group not joined
 * on the device is freed, NOT_SPECIFIED, with no IP counter but IpInReceives), then every
 * socket on the port that ip_mc_sf_allow() lets take it, or UdpIgnoredMulti.
 */
static const struct {
	int line;
	enum rxs_driver driver;
	const char *join, *dst;
	bool mc_all;
	uint16_t port;
	uint64_t filtered, in_receives, unjoined, mcast, q0, q1, ignored;
} mc_cases[] = {
	{ __LINE__, RXS_DRIVER_VETH, "239.1.1.1", "239.1.1.1", true, MC_PORT, 0, 1, 0, 1, 1, 1, 0 },
	{ __LINE__, RXS_DRIVER_GENERIC, "239.1.1.1", "239.1.1.1", true, MC_PORT, 0, 1, 0, 1, 1, 1, 0 },
	/* IP_MULTICAST_ALL off: only the socket that joined */
	{ __LINE__, RXS_DRIVER_VETH, "239.1.1.1", "239.1.1.1", false, MC_PORT, 0, 1, 0, 1, 1, 0, 0 },
	/* a group nobody joined: veth lets it up to the route, the generic NIC's filter not */
	{ __LINE__, RXS_DRIVER_VETH, "239.1.1.1", "239.2.2.2", true, MC_PORT, 0, 1, 1, 0, 0, 0, 0 },
	{ __LINE__, RXS_DRIVER_GENERIC, "239.1.1.1", "239.2.2.2", true, MC_PORT, 1, 0, 0, 0, 0, 0, 0 },
	/* 239.129.1.1 has 239.1.1.1's MAC (23 bits of 28 reach it): the route refuses it */
	{ __LINE__, RXS_DRIVER_GENERIC, "239.1.1.1", "239.129.1.1", true, MC_PORT, 0, 1, 1, 0, 0, 0, 0 },
	/* joined, but no socket on the port: UdpIgnoredMulti, no NoPorts, no ICMP */
	{ __LINE__, RXS_DRIVER_GENERIC, "239.1.1.1", "239.1.1.1", true, 5354, 0, 1, 0, 1, 0, 0, 1 },
	/* all hosts: every device joined it by itself (ip_mc_up) */
	{ __LINE__, RXS_DRIVER_GENERIC, NULL, "224.0.0.1", true, MC_PORT, 0, 1, 0, 1, 1, 1, 0 },
};

/*
 * A group joined on a VLAN device (join: { group: 239.1.1.1, nic: eth0.202 }): the NIC's
 * filter takes the group's MAC for its VLAN device, and the input route takes the datagram
 * only on the device that joined (ip_check_mc_rcu on skb->dev's in_device): tagged 202 it is
 * delivered, untagged it reaches eth0, which did not join, and is freed there.
 */
static void test_multicast_vlan(void **state)
{
	static const struct {
		int line;
		bool tagged;
		uint64_t unjoined, queued;
	} cases[] = {
		{ __LINE__, true, 0, 1 },
		{ __LINE__, false, 1, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
		struct rxs_socket_config *s = fr_udp_socket(sc, NULL, MC_PORT, RXS_APP_NEVER);
		struct rxs_vlan_config *v = &sc->nics[0].vlans[0];
		struct rxs_addr g;
		rxs_host_t *h;
		uint8_t mac[6];
		struct fr f;

		v->id = 202;
		assert_int_equal(rxs_addr_parse(&v->addrs[0], "10.2.0.2/24"), 0);
		v->naddrs = 1;
		sc->nics[0].nvlans = 1;
		assert_int_equal(rxs_addr_parse(&g, "239.1.1.1"), 0);
		assert_int_equal(rxs_socket_join(s, &g, "eth0.202"), 0);
		h = fr_host(sc);
		rxs_scenario_free(sc);
		group_mac("239.1.1.1", mac);
		fr_udp_vlan(&f, mac, cases[i].tagged, 202, FR_PEER_IP, "239.1.1.1", 1000, MC_PORT,
			    20);
		fr_inject(h, &f, 0);
		run_and_check(h);
		if (fr_nic(h, 0).rx_mac_filtered != 0 ||
		    fr_drops(h, RXS_DROP_NOT_SPECIFIED) != cases[i].unjoined ||
		    fr_nic(h, 0).rx_mc_unjoined != cases[i].unjoined ||
		    fr_sock(h, 0).queued != cases[i].queued)
			fail_msg("case at line %d: filtered %llu, unjoined %llu, queued %llu",
				 cases[i].line, (unsigned long long)fr_nic(h, 0).rx_mac_filtered,
				 (unsigned long long)fr_nic(h, 0).rx_mc_unjoined,
				 (unsigned long long)fr_sock(h, 0).queued);
		rxs_host_destroy(h);
	}
}

static void test_multicast(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(mc_cases); i++) {
		rxs_host_t *h = mc_host(mc_cases[i].driver, mc_cases[i].join, mc_cases[i].mc_all);
		uint64_t dropped = mc_cases[i].filtered + mc_cases[i].unjoined + mc_cases[i].ignored;
		struct rxs_nic_stats ns;
		uint8_t mac[6];
		struct fr f;

		group_mac(mc_cases[i].dst, mac);
		fr_udp_vlan(&f, mac, false, 0, FR_PEER_IP, mc_cases[i].dst, 1000, mc_cases[i].port,
			    20);
		fr_inject(h, &f, 0);
		run_and_check(h);
		ns = fr_nic(h, 0);
		if (ns.rx_mac_filtered != mc_cases[i].filtered ||
		    FR_MIB(h, IpInReceives) != mc_cases[i].in_receives ||
		    ns.rx_mc_unjoined != mc_cases[i].unjoined ||
		    FR_MIB(h, IpExtInMcastPkts) != mc_cases[i].mcast ||
		    FR_MIB(h, IpInDelivers) != mc_cases[i].mcast ||
		    fr_sock(h, 0).queued != mc_cases[i].q0 || fr_sock(h, 1).queued != mc_cases[i].q1 ||
		    fr_sock(h, 2).queued != 0 ||
		    FR_MIB(h, UdpIgnoredMulti) != mc_cases[i].ignored ||
		    FR_MIB(h, UdpNoPorts) != 0 || FR_MIB(h, IpInAddrErrors) != 0 ||
		    FR_MIB(h, IcmpOutMsgs) != 0 || fr_drops_total(h) != dropped ||
		    fr_drops(h, RXS_DROP_NOT_SPECIFIED) != mc_cases[i].unjoined + mc_cases[i].ignored)
			fail_msg("case at line %d: filtered %llu, unjoined %llu, InMcastPkts %llu, "
				 "queued %u/%u/%u, IgnoredMulti %llu, drops %llu", mc_cases[i].line,
				 (unsigned long long)ns.rx_mac_filtered,
				 (unsigned long long)ns.rx_mc_unjoined,
				 (unsigned long long)FR_MIB(h, IpExtInMcastPkts),
				 (unsigned)fr_sock(h, 0).queued, (unsigned)fr_sock(h, 1).queued,
				 (unsigned)fr_sock(h, 2).queued,
				 (unsigned long long)FR_MIB(h, UdpIgnoredMulti),
				 (unsigned long long)fr_drops_total(h));
		rxs_host_destroy(h);
	}
}

/*
 * IGMP (igmp_rcv(); tests/oracle/cases/igmp-rcv), to a host whose socket joined @join (or
 * nothing): every message is delivered (IpInDelivers) and freed, NOT_SPECIFIED, unless it is
 * a query heard or a report of a member to a group; a query is answered, half its maximum
 * response time later, by a report of the joined group in the version of the queriers
 * heard, one to a joined group looped back to the host; another member's report of the
 * group takes ours back.
 */
enum igmp_msg { IG_NONE, IG_V1Q, IG_V2Q, IG_V3Q, IG_V3GQ, IG_V3Q_SRC, IG_SHORTQ, IG_BADSUM,
		IG_V2R, IG_V2R_UNICAST };

static void igmp_frame(struct fr *f, enum igmp_msg m, const char *group)
{
	uint8_t msg[16] = { 0 }, mac[6], g[4] = { 0 };
	unsigned int len = 8;
	const char *dst = "224.0.0.1";

	fr_inet(g, group);
	switch (m) {
	case IG_V1Q: msg[0] = 0x11; break;
	case IG_V2Q: msg[0] = 0x11, msg[1] = 10; break;
	case IG_V3Q: msg[0] = 0x11, msg[1] = 10, len = 12; break;
	case IG_V3GQ: msg[0] = 0x11, msg[1] = 10, len = 12, memcpy(msg + 4, g, 4), dst = group;
		break;
	case IG_V3Q_SRC: msg[0] = 0x11, msg[1] = 10, msg[11] = 1, len = 16; break;
	case IG_SHORTQ: msg[0] = 0x11, msg[1] = 10, len = 10; break;
	case IG_BADSUM: msg[0] = 0x11, msg[1] = 10; break;
	case IG_V2R: msg[0] = 0x16, memcpy(msg + 4, g, 4), dst = group; break;
	case IG_V2R_UNICAST: msg[0] = 0x16, memcpy(msg + 4, g, 4), dst = FR_HOST_IP; break;
	case IG_NONE: break;
	}
	fr_put16(msg + 2, fr_fold(fr_sum(msg, len, 0)) ^ (m == IG_BADSUM ? 0x5555 : 0));
	if (m == IG_V2R_UNICAST)
		memcpy(mac, fr_host_mac, 6);
	else
		group_mac(dst, mac);
	fr_eth(f, mac, false, 0, FR_ETH_P_IP);
	fr_ip(f, FR_PEER_IP, dst, 2, 1, 0, (uint16_t)len);
	memcpy(f->d + f->l4, msg, len);
}

static void test_igmp(void **state)
{
	static const struct {
		int line;
		const char *join;
		enum igmp_msg m1, m2;	/* m2 10 ms after m1 */
		uint64_t delivered, dropped, reports, looped;	/* dropped: frames of the traffic */
		uint8_t type;		/* of the report */
		uint32_t frame_len;	/* its frame's length */
	} cases[] = {
		{ __LINE__, NULL, IG_V2Q, IG_NONE, 1, 0, 0, 0, 0, 0 },
		{ __LINE__, NULL, IG_V3Q, IG_NONE, 1, 0, 0, 0, 0, 0 },
		{ __LINE__, "239.1.1.1", IG_V3Q, IG_NONE, 1, 0, 1, 0, 0x22, 14 + 24 + 16 },
		{ __LINE__, "239.1.1.1", IG_V3GQ, IG_NONE, 1, 0, 1, 0, 0x22, 14 + 24 + 16 },
		/* a v2 report to the group: looped back, delivered, freed as our own */
		{ __LINE__, "239.1.1.1", IG_V2Q, IG_NONE, 2, 0, 1, 1, 0x16, 14 + 24 + 8 },
		{ __LINE__, "239.1.1.1", IG_V1Q, IG_NONE, 2, 0, 1, 1, 0x12, 14 + 24 + 8 },
		/* a v3 query with a v2 querier present: a v2 report, the one due sooner stays */
		{ __LINE__, "239.1.1.1", IG_V2Q, IG_V3Q, 3, 0, 1, 1, 0x16, 14 + 24 + 8 },
		{ __LINE__, "239.1.1.1", IG_V3Q_SRC, IG_NONE, 1, 1, 0, 0, 0, 0 },
		{ __LINE__, "239.1.1.1", IG_SHORTQ, IG_NONE, 1, 1, 0, 0, 0, 0 },
		{ __LINE__, "239.1.1.1", IG_BADSUM, IG_NONE, 1, 1, 0, 0, 0, 0 },
		{ __LINE__, "239.1.1.1", IG_V2R_UNICAST, IG_NONE, 1, 1, 0, 0, 0, 0 },
		/* another member answered first: no report of ours */
		{ __LINE__, "239.1.1.1", IG_V2Q, IG_V2R, 2, 0, 0, 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		rxs_host_t *h = mc_host(RXS_DRIVER_GENERIC, cases[i].join, true);
		static struct tx_frames tx;
		struct fr f;

		memset(&tx, 0, sizeof(tx));
		assert_int_equal(rxs_tx_set_cb(h, keep_tx, &tx), 0);
		igmp_frame(&f, cases[i].m1, "239.1.1.1");
		fr_inject(h, &f, 0);
		if (cases[i].m2 != IG_NONE) {
			igmp_frame(&f, cases[i].m2, "239.1.1.1");
			fr_inject(h, &f, 10000000);
		}
		/* past the reports' time: half of a v1 query's 10 s */
		assert_int_equal(rxs_host_run_until(h, 6000000000ull), 0);
		fr_conserved(h);
		if (FR_MIB(h, IpInDelivers) != cases[i].delivered ||
		    FR_MIB(h, IpInUnknownProtos) || fr_drops(h, RXS_DROP_NOT_SPECIFIED) !=
		    cases[i].dropped || FR_MIB(h, IpOutRequests) != cases[i].reports ||
		    FR_MIB(h, IpExtOutMcastPkts) != cases[i].reports || tx.n != cases[i].reports ||
		    FR_MIB(h, IpInReceives) != (cases[i].m2 != IG_NONE) + 1 + cases[i].looped)
			fail_msg("case at line %d: delivered %" PRIu64 ", dropped %" PRIu64 ", reports "
				 "%" PRIu64 " (%u frames), received %" PRIu64, cases[i].line,
				 FR_MIB(h, IpInDelivers), fr_drops(h, RXS_DROP_NOT_SPECIFIED),
				 FR_MIB(h, IpOutRequests), tx.n, FR_MIB(h, IpInReceives));
		if (tx.n) {
			const uint8_t *ip = tx.last + 14;

			/* TOS 0xc0, DF, TTL 1, a router alert, the report's type */
			if (tx.len != cases[i].frame_len || ip[0] != 0x46 || ip[1] != 0xc0 ||
			    ip[6] != 0x40 || ip[8] != 1 || ip[9] != 2 || ip[20] != 0x94 ||
			    ip[24] != cases[i].type)
				fail_msg("case at line %d: a report of %u bytes, type %#x",
					 cases[i].line, tx.len, ip[24]);
		}
		rxs_host_destroy(h);
	}
}

/*
 * MLD (tests/oracle/cases/mld-query): a query from a link-local source with hop limit 1
 * behind a hop-by-hop router alert is answered, half its maximum response time later, by
 * an MLDv2 report to ff02::16 of the host's groups but ff02::1 (the solicited-node groups of
 * fd00::2 and of its link-local address, which share ff02::1:ff00:2 here) or, after an
 * MLDv1 query, by an MLDv1 report to the group, looped back; other queries are ignored.
 */
enum mld_msg { ML_V2Q, ML_V2Q_GROUP, ML_V2Q_GLOBAL, ML_V2Q_HLIM, ML_V2Q_NORA, ML_V1Q };

static void mld_frame(struct fr *f, enum mld_msg m)
{
	uint8_t msg[28] = { 130 }, *ip, hbh[8] = { 58, 0, 5, 2, 0, 0, 1, 0 };
	unsigned int len = m == ML_V1Q ? 24 : 28, hl = m == ML_V2Q_NORA ? 0 : 8;
	const char *dst = m == ML_V2Q_GROUP ? "ff02::1:ff00:2" : "ff02::1";
	uint32_t sum;

	fr_put16(msg + 4, 100);			/* 100 ms */
	if (m == ML_V2Q_GROUP)
		inet_pton(AF_INET6, dst, msg + 8);
	memset(f, 0, sizeof(*f));
	group_mac(dst, f->d);
	memcpy(f->d + 6, fr_peer_mac, 6);
	fr_put16(f->d + 12, 0x86dd);
	ip = f->d + 14;
	ip[0] = 0x60;
	fr_put16(ip + 4, (uint16_t)(hl + len));
	ip[6] = hl ? 0 : 58;
	ip[7] = m == ML_V2Q_HLIM ? 64 : 1;
	inet_pton(AF_INET6, m == ML_V2Q_GLOBAL ? V6_PEER : "fe80::1", ip + 8);
	inet_pton(AF_INET6, dst, ip + 24);
	memcpy(ip + 40, hbh, hl);
	sum = fr_sum(ip + 8, 32, 0) + 58 + len;
	fr_put16(msg + 2, fr_fold(fr_sum(msg, len, sum)));
	memcpy(ip + 40 + hl, msg, len);
	f->l3 = 14;
	f->l4 = 14 + 40 + hl;
	f->len = f->l4 + len;
}

static void test_mld(void **state)
{
	static const struct {
		int line;
		enum mld_msg m;
		uint64_t reports, looped;
		uint8_t type;		/* of the report */
		uint32_t frame_len;
	} cases[] = {
		/* one record: the two solicited-node groups are one group here */
		{ __LINE__, ML_V2Q, 1, 0, 143, 14 + 48 + 8 + 20 },
		{ __LINE__, ML_V2Q_GROUP, 1, 0, 143, 14 + 48 + 8 + 20 },
		{ __LINE__, ML_V1Q, 1, 1, 131, 14 + 48 + 24 },
		{ __LINE__, ML_V2Q_GLOBAL, 0, 0, 0, 0 },
		{ __LINE__, ML_V2Q_HLIM, 0, 0, 0, 0 },
		{ __LINE__, ML_V2Q_NORA, 0, 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		rxs_host_t *h = v6_host();
		static struct tx_frames tx;
		struct fr f;

		memset(&tx, 0, sizeof(tx));
		assert_int_equal(rxs_tx_set_cb(h, keep_tx, &tx), 0);
		mld_frame(&f, cases[i].m);
		fr_inject(h, &f, 0);
		assert_int_equal(rxs_host_run_until(h, 1000000000ull), 0);
		fr_conserved(h);
		if (FR_MIB(h, Icmp6InGroupMembQueries) != 1 || fr_drops_total(h) ||
		    FR_MIB(h, Icmp6OutMsgs) != cases[i].reports || tx.n != cases[i].reports ||
		    FR_MIB(h, Ip6OutMcastPkts) != cases[i].reports ||
		    FR_MIB(h, Ip6InReceives) != 1 + cases[i].looped ||
		    FR_MIB(h, Icmp6InGroupMembResponses) != cases[i].looped)
			fail_msg("case at line %d: %" PRIu64 " reports (%u frames), received %" PRIu64,
				 cases[i].line, FR_MIB(h, Icmp6OutMsgs), tx.n,
				 FR_MIB(h, Ip6InReceives));
		if (tx.n) {
			const uint8_t *ip = tx.last + 14;

			/* hop limit 1, from the link-local address, a router alert */
			if (tx.len != cases[i].frame_len || ip[7] != 1 || ip[8] != 0xfe ||
			    ip[6] != 0 || ip[42] != 5 || ip[48] != cases[i].type)
				fail_msg("case at line %d: a report of %u bytes, type %u",
					 cases[i].line, tx.len, ip[48]);
		}
		rxs_host_destroy(h);
	}
}

/* A UDP/IPv6 datagram from fd00::1 to @dst:@dport, sent to @dst's group MAC. */
static void udp6_to_group(struct fr *f, const char *dst, uint16_t dport)
{
	static const uint8_t payload[20];
	struct rxs_frame_spec s = {
		.src = V6_PEER, .dst = dst, .ttl = 1, .sport = 1000, .dport = dport,
		.payload = payload, .payload_len = sizeof(payload),
	};
	int len;

	group_mac(dst, s.dst_mac);
	len = rxs_frame_udp(f->d, sizeof(f->d), &s);
	assert_true(len > 0);
	f->len = (uint32_t)len;
}

/*
 * IPv6 groups on the generic driver: ff02::fb that [::]:5353 joined (IPV6_JOIN_GROUP), the
 * solicited-node group of fd00::2 and all nodes (joined by the device itself), and
 * ff02::1:3, which nobody joined: its MAC is not in the filter. Joined or not, ip6_mc_input
 * counts Ip6InMcastPkts before it asks ipv6_chk_mcast_addr(); a veth shows that.
 */
static const struct {
	int line;
	enum rxs_driver driver;
	const char *dst;
	uint64_t filtered, mcast, unjoined, delivered;
} mc6_cases[] = {
	{ __LINE__, RXS_DRIVER_GENERIC, "ff02::fb", 0, 1, 0, 1 },
	{ __LINE__, RXS_DRIVER_GENERIC, "ff02::1:ff00:2", 0, 1, 0, 1 },
	{ __LINE__, RXS_DRIVER_GENERIC, "ff02::1", 0, 1, 0, 1 },
	{ __LINE__, RXS_DRIVER_GENERIC, "ff02::1:3", 1, 0, 0, 0 },
	{ __LINE__, RXS_DRIVER_VETH, "ff02::1:3", 0, 1, 1, 0 },
};

static void test_multicast_ipv6(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(mc6_cases); i++) {
		struct rxs_scenario *sc = fr_scenario(mc6_cases[i].driver);
		struct rxs_socket_config *s = fr_udp_socket(sc, "::", MC_PORT, RXS_APP_ALL);
		struct rxs_nic_stats ns;
		rxs_host_t *h;
		struct fr f;

		assert_int_equal(rxs_addr_parse(&sc->nics[0].addrs[1], V6_HOST "/64"), 0);
		sc->nics[0].naddrs = 2;
		fr_join(s, "ff02::fb");
		h = fr_host(sc);
		rxs_scenario_free(sc);
		udp6_to_group(&f, mc6_cases[i].dst, MC_PORT);
		fr_inject(h, &f, 0);
		run_and_check(h);
		ns = fr_nic(h, 0);
		if (ns.rx_mac_filtered != mc6_cases[i].filtered ||
		    FR_MIB(h, Ip6InMcastPkts) != mc6_cases[i].mcast ||
		    ns.rx_mc6_unjoined != mc6_cases[i].unjoined ||
		    FR_MIB(h, Udp6InDatagrams) != mc6_cases[i].delivered ||
		    FR_MIB(h, Ip6InDelivers) != mc6_cases[i].delivered)
			fail_msg("case at line %d: filtered %llu, Ip6InMcastPkts %llu, unjoined %llu, "
				 "Udp6InDatagrams %llu", mc6_cases[i].line,
				 (unsigned long long)ns.rx_mac_filtered,
				 (unsigned long long)FR_MIB(h, Ip6InMcastPkts),
				 (unsigned long long)ns.rx_mc6_unjoined,
				 (unsigned long long)FR_MIB(h, Udp6InDatagrams));
		rxs_host_destroy(h);
	}
}

/* Write @n frames of @f as a pcap at @path, a millisecond apart. */
static void write_pcap(const char *path, const struct fr *f, unsigned int n)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;
	struct pcap_pkthdr hdr;

	assert_non_null(p);
	d = pcap_dump_open(p, path);
	assert_non_null(d);
	memset(&hdr, 0, sizeof(hdr));
	hdr.ts.tv_sec = 1700000000;
	for (unsigned int i = 0; i < n; i++) {
		hdr.ts.tv_usec = (suseconds_t)(i * 1000);
		hdr.caplen = hdr.len = f[i].len;
		pcap_dump((u_char *)d, &hdr, f[i].d);
	}
	pcap_dump_close(d);
	pcap_close(p);
}

static void write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/*
 * Through the program: an mDNS-like host whose dual-stack socket joined 224.0.0.251 and
 * ff02::fb and whose IPv4 socket on the same port joined nothing. Two datagrams to
 * 224.0.0.251:5353 reach both sockets (4 reads, 2 frames), one to ff02::fb only the
 * dual-stack socket, one to 239.9.9.9 stops at the NIC's filter, one to 224.0.0.251:5354
 * finds no socket (UdpIgnoredMulti). And `rxsim check` names a join that is no group.
 */
static void test_multicast_replay(void **state)
{
	char dir[] = "/tmp/rxsim-test-mcast-XXXXXX", yaml[96], pcap[96];
	const char *want[] = {
		"\"UdpInDatagrams\": 4", "\"Udp6InDatagrams\": 1", "\"UdpIgnoredMulti\": 1",
		"\"IpExtInMcastPkts\": 3", "\"Ip6InMcastPkts\": 1", "\"UdpNoPorts\": 0",
		"\"NIC_MAC_FILTER\": 1", "\"NOT_SPECIFIED\": 1",
		"\"rx_mac_filtered\": 1,", "\"rx_mc_unjoined\": 0,", "\"rx_mc6_unjoined\": 0,",
		"\"offered\": 5, \"consumed\": 3, \"dropped\": 2, \"queued\": 0",
	};
	static const uint8_t mdns_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	static const uint8_t other_mac[6] = { 0x01, 0x00, 0x5e, 0x09, 0x09, 0x09 };
	struct fr f[5];
	char *out;
	int status;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(yaml, sizeof(yaml), "%s/mcast.yaml", dir);
	snprintf(pcap, sizeof(pcap), "%s/mcast.pcap", dir);
	fr_udp_vlan(&f[0], mdns_mac, false, 0, FR_PEER_IP, "224.0.0.251", 5353, MC_PORT, 40);
	f[1] = f[0];
	udp6_to_group(&f[2], "ff02::fb", MC_PORT);
	fr_udp_vlan(&f[3], other_mac, false, 0, FR_PEER_IP, "239.9.9.9", 5353, MC_PORT, 40);
	fr_udp_vlan(&f[4], mdns_mac, false, 0, FR_PEER_IP, "224.0.0.251", 5353, 5354, 40);
	write_pcap(pcap, f, 5);
	write_text(yaml, "nics:\n"
			 "  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24, "
			 "fd00::2/64] }\n"
			 "sockets:\n"
			 "  - { name: mdns, proto: udp, bind: '[::]:5353', "
			 "join: [224.0.0.251, ff02::fb] }\n"
			 "  - { name: plain, proto: udp, bind: '*:5353' }\n"
			 "traffic:\n  - { pcap: mcast.pcap }\n");
	out = run(&status, "%s replay %s --format json", RXS_CLI, yaml);
	assert_int_equal(status, 0);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		if (!strstr(out, want[i]))
			fail_msg("no %s in:\n%s", want[i], out);
	free(out);

	write_text(yaml, "sockets:\n"
			 "  - { name: mdns, proto: udp, bind: '*:5353',\n"
			 "      join: [224.0.0.251, 10.0.0.1] }\n");
	out = run(&status, "%s check %s 2>&1", RXS_CLI, yaml);
	assert_int_not_equal(status, 0);
	if (!strstr(out, "mcast.yaml:3:27: sockets[0].join[1]: '10.0.0.1' is not a multicast "
			 "group (224.0.0.0/4 or ff00::/8)"))
		fail_msg("rxsim check said: %s", out);
	free(out);
	unlink(yaml);
	unlink(pcap);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip_header_errors),
		cmocka_unit_test(test_ip_options),
		cmocka_unit_test(test_ethernet_padding),
		cmocka_unit_test(test_ecn_counters),
		cmocka_unit_test(test_not_our_address),
		cmocka_unit_test(test_unknown_protocol),
		cmocka_unit_test(test_broadcast),
		cmocka_unit_test(test_udp_closed_port),
		cmocka_unit_test(test_icmp_rate_limit_host),
		cmocka_unit_test(test_icmp_rate_limit_two_peers),
		cmocka_unit_test(test_udp_bad_csum_closed_port),
		cmocka_unit_test(test_udp_bad_csum_open_port),
		cmocka_unit_test(test_udp_bad_length),
		cmocka_unit_test(test_arp_and_unknown_ethertype),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_vlan_dev),
		cmocka_unit_test(test_vlan_dev_bytes),
		cmocka_unit_test(test_mac_filter),
		cmocka_unit_test(test_frag_reassembly),
		cmocka_unit_test(test_frag_overlap),
		cmocka_unit_test(test_frag_lone_and_timeout),
		cmocka_unit_test(test_frag_timeout_icmp_clock),
		cmocka_unit_test(test_frag_destroy_while_queued),
		cmocka_unit_test(test_icmp_echo),
		cmocka_unit_test(test_icmp_echo_fragmented),
		cmocka_unit_test(test_icmp_frames),
		cmocka_unit_test(test_frag_closed_port_icmp),
		cmocka_unit_test(test_forward_redirect),
		cmocka_unit_test(test_forwarding),
		cmocka_unit_test(test_forwarding_table),
		cmocka_unit_test(test_ipv6_forwarding),
		cmocka_unit_test(test_ipv6_not_forwarding),
		cmocka_unit_test(test_neigh_unresolved),
		cmocka_unit_test(test_neigh_resolved_by_arp),
		cmocka_unit_test(test_neigh_queue_full),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_tap_directions),
		cmocka_unit_test(test_ipv6_udp_dual_stack),
		cmocka_unit_test(test_ipv6_reassembly),
		cmocka_unit_test(test_udp6_zero_checksum),
		cmocka_unit_test(test_route_back),
		cmocka_unit_test(test_ndisc_ns),
		cmocka_unit_test(test_addrconf_linklocal),
		cmocka_unit_test(test_igmp),
		cmocka_unit_test(test_mld),
		cmocka_unit_test(test_ipv6_tcp_syn),
		cmocka_unit_test(test_multicast),
		cmocka_unit_test(test_multicast_vlan),
		cmocka_unit_test(test_multicast_ipv6),
		cmocka_unit_test(test_multicast_replay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
