/* frames.h - frame builders and host helpers shared by the end-to-end tests.
 *
 * A header, not a .c file: each tests/test_*.c is a program of its own. Everything here is
 * static; include it after cmocka.h. Whole UDP and ICMP frames come from the library's own
 * builders (<rxsim/frame.h>), with correct checksums; fr_eth and fr_ip build headers byte by
 * byte for the frames those do not make, and a test that wants a broken frame breaks it on
 * purpose afterwards.
 */
#ifndef RXSIM_TESTS_FRAMES_H
#define RXSIM_TESTS_FRAMES_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "rxsim/rxsim.h"

#define FR_MAX 9100
#define FR_ETH_HLEN 14
#define FR_ETH_P_IP 0x0800
#define FR_ETH_P_ARP 0x0806
#define FR_ETH_P_8021Q 0x8100

/* rxs_scenario_add_nic() gives NIC n the MAC 02:00:00:00:00:(02+n). */
static const uint8_t fr_host_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t fr_peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t fr_bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t fr_other_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };

#define FR_HOST_IP "10.0.0.2"
#define FR_PEER_IP "10.0.0.1"

struct fr {
	uint8_t d[FR_MAX];
	uint32_t len;
	uint32_t l3;	/* offset of the IP header */
	uint32_t l4;	/* offset of the transport header */
};

static inline void fr_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint16_t fr_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t fr_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	for (; len >= 2; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static inline uint16_t fr_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline void fr_inet(uint8_t out[4], const char *text)
{
	if (inet_pton(AF_INET, text, out) != 1)
		fail_msg("bad address %s", text);
}

/* Ethernet header to @dst from fr_peer_mac; an 802.1Q tag with @tci when @vlan. */
static inline void fr_eth(struct fr *f, const uint8_t dst[6], bool vlan, uint16_t tci, uint16_t type)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->d, dst, 6);
	memcpy(f->d + 6, fr_peer_mac, 6);
	if (vlan) {
		fr_put16(f->d + 12, FR_ETH_P_8021Q);
		fr_put16(f->d + 14, tci);
		fr_put16(f->d + 16, type);
		f->len = 18;
	} else {
		fr_put16(f->d + 12, type);
		f->len = FR_ETH_HLEN;
	}
	f->l3 = f->len;
}

/* Recompute the IPv4 header checksum of @f (IHL from the header). */
static inline void fr_ip_csum(struct fr *f)
{
	uint8_t *ip = f->d + f->l3;
	unsigned int ihl = (ip[0] & 15u) * 4;

	if (ihl < 20)
		ihl = 20;
	fr_put16(ip + 10, 0);
	fr_put16(ip + 10, fr_fold(fr_sum(ip, ihl, 0)));
}

/* A 20-byte IPv4 header at the end of @f for @plen bytes of payload. */
static inline void fr_ip(struct fr *f, const char *src, const char *dst, uint8_t proto, uint16_t id,
		  uint16_t frag, uint16_t plen)
{
	uint8_t *ip = f->d + f->l3;

	ip[0] = 0x45;
	ip[1] = 0;
	fr_put16(ip + 2, (uint16_t)(20 + plen));
	fr_put16(ip + 4, id);
	fr_put16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = proto;
	fr_inet(ip + 12, src);
	fr_inet(ip + 16, dst);
	fr_ip_csum(f);
	f->l4 = f->l3 + 20;
	f->len = f->l4 + plen;
}

/* The UDP checksum of the datagram at f->l4, over the addresses in the IP header. */
static inline void fr_udp_csum(struct fr *f)
{
	uint8_t *ip = f->d + f->l3, *u = f->d + f->l4;
	uint16_t ulen = fr_get16(ip + 2) - (uint16_t)((ip[0] & 15u) * 4);
	uint32_t sum = fr_sum(ip + 12, 8, 0) + 17 + ulen;
	uint16_t c;

	fr_put16(u + 6, 0);
	c = fr_fold(fr_sum(u, ulen, sum));
	fr_put16(u + 6, c ? c : 0xffff);
}

/* @plen payload bytes (i & 0xff) for the frame builders. */
static inline const uint8_t *fr_payload(void)
{
	static uint8_t p[FR_MAX];

	for (unsigned int i = 0; i < sizeof(p); i++)
		p[i] = (uint8_t)i;
	return p;
}

/* Take a frame of <rxsim/frame.h> into @f, with the offsets of its IPv4 and L4 headers. */
static inline void fr_built(struct fr *f, int len, bool vlan)
{
	if (len < 0)
		fail_msg("rxs_frame_*: %d", len);
	f->len = (uint32_t)len;
	f->l3 = vlan ? 18 : FR_ETH_HLEN;
	f->l4 = f->l3 + 20;
}

/* A whole UDP/IPv4 frame: @plen payload bytes (i & 0xff), correct checksums. */
static inline void fr_udp_vlan(struct fr *f, const uint8_t dmac[6], bool vlan, uint16_t tci,
			const char *src, const char *dst, uint16_t sport, uint16_t dport,
			uint16_t plen)
{
	struct rxs_frame_spec s = { .vlan = vlan, .vlan_tci = tci, .src = src, .dst = dst,
				    .ip_id = 1, .df = true, .sport = sport, .dport = dport,
				    .payload = fr_payload(), .payload_len = plen };

	memset(f, 0, sizeof(*f));
	memcpy(s.dst_mac, dmac, 6);
	fr_built(f, rxs_frame_udp(f->d, sizeof(f->d), &s), vlan);
}

static inline void fr_udp(struct fr *f, const char *src, const char *dst, uint16_t sport,
		   uint16_t dport, uint16_t plen)
{
	fr_udp_vlan(f, fr_host_mac, false, 0, src, dst, sport, dport, plen);
}

/* An ICMP echo request with @plen bytes of data. */
static inline void fr_icmp_echo(struct fr *f, const char *src, const char *dst, uint16_t seq,
			 uint16_t plen)
{
	struct rxs_frame_spec s = { .src = src, .dst = dst, .ip_id = seq, .df = true,
				    .icmp_type = 8, .icmp_id = 0x1234, .icmp_seq = seq,
				    .payload = fr_payload(), .payload_len = plen };

	memset(f, 0, sizeof(*f));
	fr_built(f, rxs_frame_icmp(f->d, sizeof(f->d), &s), false);
}

/* ---- scenarios and hosts ---- */

/* One NIC eth0 (10.0.0.2/24, MAC fr_host_mac) with @driver, nothing else. */
static inline struct rxs_scenario *fr_scenario(enum rxs_driver driver)
{
	struct rxs_scenario *sc = NULL;
	struct rxs_nic_config *nic;

	assert_int_equal(rxs_scenario_create(&sc), 0);
	nic = rxs_scenario_add_nic(sc);
	assert_non_null(nic);
	nic->driver = driver;
	assert_int_equal(rxs_addr_parse(&nic->addrs[0], FR_HOST_IP "/24"), 0);
	nic->naddrs = 1;
	return sc;
}

/* A UDP socket bound to @addr (NULL: 0.0.0.0) and @port with @app. */
static inline struct rxs_socket_config *fr_udp_socket(struct rxs_scenario *sc, const char *addr,
					       uint16_t port, enum rxs_app_kind app)
{
	struct rxs_socket_config *s = rxs_scenario_add_socket(sc);

	assert_non_null(s);
	if (addr)
		assert_int_equal(rxs_addr_parse(&s->local, addr), 0);
	s->port = port;
	s->app.kind = app;
	return s;
}

/* @s joins @group (IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP) on the NIC of its address. */
static inline void fr_join(struct rxs_socket_config *s, const char *group)
{
	struct rxs_addr g;

	assert_int_equal(rxs_addr_parse(&g, group), 0);
	assert_int_equal(rxs_socket_join(s, &g, NULL), 0);
}

static inline rxs_host_t *fr_host(const struct rxs_scenario *sc)
{
	rxs_host_t *h = NULL;
	char err[256];
	int rc = rxs_host_create(&h, sc, err, sizeof(err));

	if (rc)
		fail_msg("rxs_host_create: %s (%s)", err, rxs_strerror(rc));
	return h;
}

static inline void fr_inject(rxs_host_t *h, const struct fr *f, uint64_t t)
{
	int rc = rxs_host_inject(h, 0, f->d, f->len, t);

	if (rc)
		fail_msg("rxs_host_inject at %llu: %s", (unsigned long long)t, rxs_strerror(rc));
}

/* offered == consumed + dropped + queued, and the numbers say so when not. */
/* A two-way capture at @path: @flows connections from FR_PEER_IP to FR_HOST_IP:80, each
 * opened (SYN, the host's SYN-ACK, ACK), then @segs 200-byte data segments round robin,
 * @rate_pps frames a second. */
static inline void fr_gen_connections(const char *path, unsigned int flows, unsigned int segs,
				      double rate_pps)
{
	struct rxs_gen_tcp g;
	char err[256];

	memset(&g, 0, sizeof(g));
	memcpy(g.dst_mac, fr_host_mac, 6);
	memcpy(g.src_mac, fr_peer_mac, 6);
	rxs_addr_parse(&g.dst, FR_HOST_IP);
	rxs_addr_parse(&g.src, FR_PEER_IP);
	g.dport = 80;
	g.kind = RXS_GEN_TCP_FLOWS;
	g.flows = flows;
	g.size = 200;
	g.handshake = true;
	g.rate_pps = rate_pps;
	g.count = 3 * flows + segs;
	if (rxs_gen_tcp_pcap(&g, path, err, sizeof(err)))
		fail_msg("%s", err);
}

static inline void fr_conserved(const rxs_host_t *h)
{
	struct rxs_conservation c;
	int rc = rxs_host_conservation(h, &c);

	if (rc)
		fail_msg("conservation: offered %llu != consumed %llu + dropped %llu + queued %llu",
			 (unsigned long long)c.offered, (unsigned long long)c.consumed,
			 (unsigned long long)c.dropped, (unsigned long long)c.queued);
}

static inline uint64_t fr_drops(const rxs_host_t *h, enum rxs_drop_reason r)
{
	uint64_t reasons[RXS_DROP_MAX];

	rxs_host_drop_reasons(h, reasons);
	return reasons[r];
}

static inline uint64_t fr_drops_total(const rxs_host_t *h)
{
	uint64_t reasons[RXS_DROP_MAX], n = 0;

	rxs_host_drop_reasons(h, reasons);
	for (int i = 0; i < RXS_DROP_MAX; i++)
		n += reasons[i];
	return n;
}

static inline struct rxs_softnet_stat fr_softnet(const rxs_host_t *h, unsigned int cpu)
{
	struct rxs_softnet_stat st;

	assert_int_equal(rxs_softnet_get_stat(h, cpu, &st), 0);
	return st;
}

static inline struct rxs_nic_stats fr_nic(const rxs_host_t *h, unsigned int nic)
{
	struct rxs_nic_stats st;

	assert_int_equal(rxs_nic_get_stats(h, nic, &st), 0);
	return st;
}

static inline struct rxs_socket_info fr_sock(const rxs_host_t *h, unsigned int sock)
{
	struct rxs_socket_info si;

	assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, sock), &si), 0);
	return si;
}

#define FR_MIB(h, name) rxs_host_mib((h), RXS_MIB_##name)

/* A counting allocator for rxs_replace_allocator(): how often the library allocates, for the
 * tests of "no allocation a packet in steady state". */
struct fr_allocs {
	unsigned long malloc, realloc, free;
};

static inline struct fr_allocs *fr_allocs(void)
{
	static struct fr_allocs a;

	return &a;
}

static inline void *fr_count_malloc(size_t size)
{
	fr_allocs()->malloc++;
	return malloc(size);
}

static inline void *fr_count_realloc(void *p, size_t size)
{
	fr_allocs()->realloc++;
	return realloc(p, size);
}

static inline void fr_count_free(void *p)
{
	fr_allocs()->free++;
	free(p);
}

/* Count from zero (@on), or go back to the C library's allocator. */
static inline void fr_count_allocs(bool on)
{
	memset(fr_allocs(), 0, sizeof(struct fr_allocs));
	if (rxs_replace_allocator(on ? fr_count_malloc : NULL, on ? fr_count_realloc : NULL,
				  on ? fr_count_free : NULL) != 0)
		fail_msg("rxs_replace_allocator");
}

#endif /* RXSIM_TESTS_FRAMES_H */
