/* test_rss.c - RSS (the Microsoft verification vectors, queue selection through the
 * indirection table), interrupt coalescing and IRQs per CPU, GRO's merge rules, and the
 * virtual engine's determinism, through the public host API. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "frames.h"
#include "internal.h"

/* ---- the Microsoft RSS verification suite ("Verifying the RSS Hash Calculation") ---- */

static const struct {
	int line;
	const char *src, *dst;
	uint16_t sport, dport;
	uint32_t want_2tuple, want_4tuple;
} vectors[] = {
	{ __LINE__, "66.9.149.187", "161.142.100.80", 2794, 1766, 0x323e8fc2, 0x51ccc178 },
	{ __LINE__, "199.92.111.2", "65.69.140.83", 14230, 4739, 0xd718262a, 0xc626b0ea },
	{ __LINE__, "24.19.198.95", "12.22.207.184", 12898, 38024, 0xd2d0a5de, 0x5c2b394a },
	{ __LINE__, "38.27.205.30", "209.142.163.6", 48228, 2217, 0x82989176, 0xafc7327f },
	{ __LINE__, "153.39.163.191", "202.188.127.2", 44251, 1303, 0x5d1809c5, 0x10e828a2 },
	{ __LINE__, "3ffe:2501:200:1fff::7", "3ffe:2501:200:3::1", 2794, 1766, 0x2cc18cd5,
	  0x40207d3d },
	{ __LINE__, "3ffe:501:8::260:97ff:fe40:efab", "ff02::1", 14230, 4739, 0x0f0c461c,
	  0xdde51bbf },
	{ __LINE__, "3ffe:1900:4545:3:200:f8ff:fe21:67cf", "fe80::200:f8ff:fe21:67cf", 44251,
	  38024, 0x4b61e985, 0x02d1feef },
};

/* Hash input as the NIC builds it: saddr, daddr, then sport, dport. Returns its length. */
static size_t vector_input(size_t i, uint8_t in[36], bool ports)
{
	int family = strchr(vectors[i].src, ':') ? AF_INET6 : AF_INET;
	size_t alen = family == AF_INET ? 4 : 16;

	assert_int_equal(inet_pton(family, vectors[i].src, in), 1);
	assert_int_equal(inet_pton(family, vectors[i].dst, in + alen), 1);
	if (!ports)
		return 2 * alen;
	fr_put16(in + 2 * alen, vectors[i].sport);
	fr_put16(in + 2 * alen + 2, vectors[i].dport);
	return 2 * alen + 4;
}

static void test_rss_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(vectors); i++) {
		uint8_t in[36];
		size_t n2 = vector_input(i, in, false);
		uint32_t h2 = rxs_rss_toeplitz(rxs_rss_default_key, RXS_RSS_KEY_LEN, in, n2);
		size_t n4 = vector_input(i, in, true);
		uint32_t h4 = rxs_rss_toeplitz(rxs_rss_default_key, RXS_RSS_KEY_LEN, in, n4);

		if (h2 != vectors[i].want_2tuple || h4 != vectors[i].want_4tuple)
			fail_msg("case at line %d: 0x%08x / 0x%08x, want 0x%08x / 0x%08x",
				 vectors[i].line, h2, h4, vectors[i].want_2tuple,
				 vectors[i].want_4tuple);
	}
}

/* ---- TCP frames (IPv4 or IPv6) with timestamps, correct checksums ---- */

struct seg_spec {
	uint32_t seq;		/* offset from the flow's first sequence number */
	uint8_t flags;		/* 0x10 ACK, 0x08 PSH, 0x40 ECE, 0x20 URG */
	uint16_t payload;
	uint16_t sport;		/* 0: 40000 */
	uint32_t tsval;		/* 0: 1000 */
	bool bad_csum;
	uint16_t ip_id;		/* 0: the flow's next (IDs increment per flow, as Linux sends) */
};

#define ACK 0x10
#define PSH 0x08

static void tcp_frame(struct fr *f, int family, const char *src, const char *dst,
		      const struct seg_spec *s, uint16_t ip_id)
{
	unsigned int l3 = FR_ETH_HLEN, iphl = family == AF_INET ? 20 : 40, thl = 32;
	uint8_t *ip, *th;
	uint32_t sum;

	fr_eth(f, fr_host_mac, false, 0, family == AF_INET ? FR_ETH_P_IP : 0x86dd);
	f->l3 = l3;
	ip = f->d + l3;
	if (family == AF_INET) {
		fr_ip(f, src, dst, IPPROTO_TCP, ip_id, 0x4000, (uint16_t)(thl + s->payload));
	} else {
		ip[0] = 0x60;
		fr_put16(ip + 4, (uint16_t)(thl + s->payload));
		ip[6] = IPPROTO_TCP;
		ip[7] = 64;
		assert_int_equal(inet_pton(AF_INET6, src, ip + 8), 1);
		assert_int_equal(inet_pton(AF_INET6, dst, ip + 24), 1);
	}
	f->l4 = l3 + iphl;
	f->len = f->l4 + thl + s->payload;
	th = f->d + f->l4;
	fr_put16(th, s->sport ? s->sport : 40000);
	fr_put16(th + 2, 80);
	fr_put16(th + 4, (uint16_t)((100000 + s->seq) >> 16));
	fr_put16(th + 6, (uint16_t)(100000 + s->seq));
	fr_put16(th + 8, 0x1234);	/* ack 0x12345678 */
	fr_put16(th + 10, 0x5678);
	th[12] = (uint8_t)(thl / 4) << 4;
	th[13] = s->flags;
	fr_put16(th + 14, 502);		/* window */
	th[20] = 1, th[21] = 1, th[22] = 8, th[23] = 10;	/* NOP NOP TS */
	fr_put16(th + 24, 0);
	fr_put16(th + 26, (uint16_t)(s->tsval ? s->tsval : 1000));
	for (unsigned int i = 0; i < s->payload; i++)
		th[thl + i] = (uint8_t)(s->seq + i);
	sum = family == AF_INET ? fr_sum(ip + 12, 8, 0) : fr_sum(ip + 8, 32, 0);
	sum += IPPROTO_TCP + thl + s->payload;
	fr_put16(th + 16, fr_fold(fr_sum(th, thl + s->payload, sum)));
	if (s->bad_csum)
		th[16] ^= 0x55;
}

/* skb->hash and GRO segments of every skb whose life ended, from the kfree callback. */
struct ends {
	uint32_t last_hash;
	uint64_t segs, payload, skbs;
};

static void on_end(void *ctx, const struct rxs_sk_buff *skb, enum rxs_drop_reason reason)
{
	struct ends *e = ctx;

	e->last_hash = skb->hash;
	if (reason != RXS_DROP_NO_SOCKET)
		return;
	/* At TCP, skb->data is the TCP header (32 bytes here). */
	e->skbs++;
	e->segs += skb->gso_segs > 1 ? skb->gso_segs : 1;
	e->payload += skb->len - 32;
}

/* The NIC's own hash (the table path) agrees with the vectors: TCP 4-tuple, UDP 2-tuple
 * unless rss.udp_4tuple; skb->hash carries it. The frames go nowhere (promiscuous NIC). */
static void test_rss_skb_hash(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(vectors); i++)
		for (int udp4 = 0; udp4 < 2; udp4++) {
			struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
			int family = strchr(vectors[i].src, ':') ? AF_INET6 : AF_INET;
			struct seg_spec s = { .flags = 0x02, .sport = vectors[i].sport };
			struct ends e = { 0 };
			rxs_host_t *h;
			struct fr f;

			sc->nics[0].rss_udp_4tuple = udp4;
			h = fr_host(sc);
			rxs_scenario_free(sc);
			rxs_host_set_kfree_skb_cb(h, on_end, &e);
			tcp_frame(&f, family, vectors[i].src, vectors[i].dst, &s, 1);
			fr_put16(f.d + f.l4 + 2, vectors[i].dport);
			fr_inject(h, &f, 0);
			assert_int_equal(rxs_host_run(h), 0);
			if (e.last_hash != vectors[i].want_4tuple)
				fail_msg("case at line %d: TCP skb->hash 0x%08x", vectors[i].line,
					 e.last_hash);
			/* The same addresses as UDP: the protocol byte decides the fields. */
			f.d[f.l3 + (family == AF_INET ? 9 : 6)] = IPPROTO_UDP;
			fr_inject(h, &f, rxs_host_now(h));
			assert_int_equal(rxs_host_run(h), 0);
			if (e.last_hash != (udp4 ? vectors[i].want_4tuple : vectors[i].want_2tuple))
				fail_msg("case at line %d: UDP skb->hash 0x%08x (udp_4tuple %d)",
					 vectors[i].line, e.last_hash, udp4);
			fr_conserved(h);
			rxs_host_destroy(h);
		}
}

/* ---- queue selection: queue = indir[hash % size] ---- */

/* 64 UDP flows from 10.0.<i>.1 (the 2-tuple decides), one frame each, to a 4-queue NIC. */
static void spread(rxs_host_t *h, uint64_t counts[4], const struct rxs_nic_config *nic)
{
	for (unsigned int i = 0; i < 64; i++) {
		char src[32];
		uint8_t in[8];
		struct fr f;

		snprintf(src, sizeof(src), "10.0.%u.1", i);
		fr_udp(&f, src, FR_HOST_IP, 1000, 9, 10);
		fr_inject(h, &f, i * 10000u);
		memcpy(in, f.d + f.l3 + 12, 8);
		uint32_t hash = rxs_rss_toeplitz(rxs_rss_default_key, RXS_RSS_KEY_LEN, in, 8);
		unsigned int size = nic->rss_indir_size ? nic->rss_indir_size : 128;

		counts[nic->rss_indir_size ? nic->rss_indir[hash % size] : hash % size % 4]++;
	}
}

static const struct {
	int line;
	const char *rss;	/* --set value of nics.eth0.rss, NULL: default table */
} indir_cases[] = {
	{ __LINE__, NULL },
	{ __LINE__, "{equal: 2}" },
	{ __LINE__, "{indir: [3]}" },
	{ __LINE__, "{indir: [0, 1, 2, 3, 3, 3, 3, 3]}" },
	{ __LINE__, "{weight: [1, 0, 0, 3]}" },
};

static void test_rss_queue_selection(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(indir_cases); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
		uint64_t want[4] = { 0 };
		char err[256], set[128];
		rxs_host_t *h;

		sc->nics[0].rx_queues = 4;
		if (indir_cases[i].rss) {
			snprintf(set, sizeof(set), "nics.eth0.rss=%s", indir_cases[i].rss);
			if (rxs_scenario_set(sc, set, err, sizeof(err)))
				fail_msg("case at line %d: %s", indir_cases[i].line, err);
		}
		fr_udp_socket(sc, NULL, 9, RXS_APP_ALL);
		h = fr_host(sc);
		spread(h, want, &sc->nics[0]);
		rxs_scenario_free(sc);
		assert_int_equal(rxs_host_run(h), 0);
		for (unsigned int q = 0; q < 4; q++) {
			struct rxs_nic_stats qs;

			assert_int_equal(rxs_nic_get_queue_stats(h, 0, q, &qs, NULL, NULL), 0);
			if (qs.rx_packets != want[q])
				fail_msg("case at line %d: queue %u got %llu, want %llu",
					 indir_cases[i].line, q, (unsigned long long)qs.rx_packets,
					 (unsigned long long)want[q]);
		}
		assert_int_equal(FR_MIB(h, UdpInDatagrams), 64);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* ethtool -X weight 1 0 0 3 fills 128 entries as ethtool does: 32 to queue 0, 96 to 3. */
static void test_rss_weight_table(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	unsigned int n[4] = { 0 };
	char err[256];

	(void)state;
	sc->nics[0].rx_queues = 4;
	if (rxs_scenario_set(sc, "nics.eth0.rss.weight=[1, 0, 0, 3]", err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(sc->nics[0].rss_indir_size, 128);
	for (unsigned int i = 0; i < 128; i++)
		n[sc->nics[0].rss_indir[i]]++;
	assert_int_equal(n[0], 32);
	assert_int_equal(n[3], 96);
	assert_int_equal(sc->nics[0].rss_indir[31], 0);
	assert_int_equal(sc->nics[0].rss_indir[32], 3);
	assert_int_equal(rxs_scenario_set(sc, "nics.eth0.rss.key=6d:5a:56:da:25:5b:0e:c2:41:67:"
					  "25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:"
					  "80:30:f2:0c:6a:42:b7:3b:be:ac:01:fb", err, sizeof(err)), 0);
	assert_true(sc->nics[0].rss_key_set);
	assert_int_equal(sc->nics[0].rss_key[39], 0xfb);
	assert_int_not_equal(rxs_scenario_set(sc, "nics.eth0.rss.key=6d:5a", err, sizeof(err)), 0);
	/* A table naming queue 3 refuses to shrink the NIC to 2 queues, as ethtool -L does. */
	assert_int_not_equal(rxs_scenario_set(sc, "nics.eth0.rx_queues=2", err, sizeof(err)), 0);
	rxs_scenario_free(sc);
}

/* ---- interrupt coalescing: hard IRQs for a known arrival pattern ---- */

/*
 * 100 frames 10 us apart; each burst is processed in a few us, so the queue is unmasked
 * again before the next frame. rx_usecs 0: one IRQ per frame. rx_usecs 50 alone: the
 * timer runs 50 us from the first pending frame and catches 6 (t, t+10 ... t+50), so
 * ceil(100 / 6) = 17. rx_frames 4 with rx_usecs 50: the 4th frame (30 us) comes first,
 * 25 IRQs. rx_frames 1: every frame, whatever rx_usecs says.
 */
static const struct {
	int line;
	unsigned int usecs, frames;
	uint64_t want_irqs;
} coalesce_cases[] = {
	{ __LINE__, 0, 1, 100 },
	{ __LINE__, 0, 0, 100 },
	{ __LINE__, 50, 0, 17 },
	{ __LINE__, 50, 4, 25 },
	{ __LINE__, 50, 1, 100 },
	{ __LINE__, 1000, 0, 1 },	/* 990 us of frames fit in one timer period */
	{ __LINE__, 1000, 64, 2 },	/* 64 frames, then the other 36 on the timer */
};

static void test_coalescing(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(coalesce_cases); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
		struct rxs_nic_stats ns;
		struct rxs_cpu_stats cs;
		rxs_host_t *h;
		struct fr f;

		sc->nics[0].rx_usecs = coalesce_cases[i].usecs;
		sc->nics[0].rx_frames = coalesce_cases[i].frames;
		fr_udp_socket(sc, NULL, 9, RXS_APP_ALL);
		h = fr_host(sc);
		rxs_scenario_free(sc);
		fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, 9, 100);
		for (unsigned int k = 0; k < 100; k++)
			fr_inject(h, &f, k * 10000u);
		assert_int_equal(rxs_host_run(h), 0);
		ns = fr_nic(h, 0);
		assert_int_equal(rxs_host_cpu_stats(h, 0, &cs), 0);
		if (ns.hw_irqs != coalesce_cases[i].want_irqs || cs.hardirqs != ns.hw_irqs ||
		    rxs_nic_queue_irqs(h, 0, 0, 0) != ns.hw_irqs)
			fail_msg("case at line %d: %llu IRQs, want %llu", coalesce_cases[i].line,
				 (unsigned long long)ns.hw_irqs,
				 (unsigned long long)coalesce_cases[i].want_irqs);
		assert_int_equal(ns.rx_packets, 100);
		assert_int_equal(FR_MIB(h, UdpInDatagrams), 100);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* Four queues on four CPUs: each queue's IRQs land on its CPU only (/proc/interrupts). */
static void test_irq_per_cpu(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	uint64_t want[4] = { 0 }, total = 0;
	rxs_host_t *h;

	(void)state;
	sc->host.cpus = 4;
	sc->nics[0].rx_queues = 4;
	for (unsigned int q = 0; q < 4; q++)
		sc->nics[0].irq_affinity[q] = (int)(3 - q);
	fr_udp_socket(sc, NULL, 9, RXS_APP_ALL);
	h = fr_host(sc);
	spread(h, want, &sc->nics[0]);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_host_run(h), 0);
	for (unsigned int q = 0; q < 4; q++) {
		struct rxs_nic_stats qs;
		struct rxs_cpu_stats cs;

		assert_int_equal(rxs_nic_get_queue_stats(h, 0, q, &qs, NULL, NULL), 0);
		assert_int_equal(rxs_host_cpu_stats(h, 3 - q, &cs), 0);
		/* Frames 10 us apart are each handled alone: one IRQ per frame. */
		assert_int_equal(qs.hw_irqs, want[q]);
		assert_int_equal(rxs_nic_queue_irqs(h, 0, q, 3 - q), want[q]);
		assert_int_equal(cs.hardirqs, want[q]);
		assert_int_equal(fr_softnet(h, 3 - q).processed, want[q]);
		for (unsigned int c = 0; c < 4; c++)
			if (c != 3 - q)
				assert_int_equal(rxs_nic_queue_irqs(h, 0, q, c), 0);
		total += qs.hw_irqs;
	}
	assert_int_equal(total, 64);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* ---- GRO: merge and no-merge ---- */

#define MAX_SEGS 64

struct gro_case {
	int line;
	int family;
	bool gro_off;
	unsigned int nsegs;
	struct seg_spec segs[MAX_SEGS];
	uint64_t want_skbs;	/* skbs that reach IP (IpInReceives / Ip6InReceives) */
	uint64_t want_merged;	/* segments merged into a held skb */
};

/* Segment k of a flow of 100-byte ACK segments. */
#define SEG(k) { .seq = (k) * 100u, .flags = ACK, .payload = 100 }

static const struct gro_case gro_cases[] = {
	{ __LINE__, AF_INET, false, 4, { SEG(0), SEG(1), SEG(2), SEG(3) }, 1, 3 },
	{ __LINE__, AF_INET6, false, 3, { SEG(0), SEG(1), SEG(2) }, 1, 2 },
	{ __LINE__, AF_INET, true, 4, { SEG(0), SEG(1), SEG(2), SEG(3) }, 4, 0 },	/* off */
	/* different flags (ECE): neither neighbour merges */
	{ __LINE__, AF_INET, false, 3,
	  { SEG(0), { .seq = 100, .flags = ACK | 0x40, .payload = 100 }, SEG(2) }, 3, 0 },
	/* a gap: the segment after it starts a new skb, and its follower merges there */
	{ __LINE__, AF_INET, false, 3, { SEG(0), SEG(2), SEG(3) }, 2, 1 },
	/* an option changes (the timestamp): no merge, on either side */
	{ __LINE__, AF_INET, false, 3,
	  { SEG(0), { .seq = 100, .flags = ACK, .payload = 100, .tsval = 1001 }, SEG(2) }, 3, 0 },
	/* PSH merges and ends the flow: the next segment starts another */
	{ __LINE__, AF_INET, false, 3,
	  { SEG(0), { .seq = 100, .flags = ACK | PSH, .payload = 100 }, SEG(2) }, 2, 1 },
	/* a lone PSH segment is passed up at once */
	{ __LINE__, AF_INET, false, 2, { { .flags = ACK | PSH, .payload = 100 }, SEG(1) }, 2, 0 },
	/* smaller than the first: merged, then the flow ends */
	{ __LINE__, AF_INET, false, 3,
	  { SEG(0), { .seq = 100, .flags = ACK, .payload = 50 },
	    { .seq = 150, .flags = ACK, .payload = 100 } }, 2, 1 },
	/* bigger than the first: not merged */
	{ __LINE__, AF_INET, false, 2,
	  { { .flags = ACK, .payload = 50 }, { .seq = 50, .flags = ACK, .payload = 100 } }, 2, 0 },
	/* a pure ACK is never merged, and flushes the held data of its flow */
	{ __LINE__, AF_INET, false, 3,
	  { SEG(0), { .seq = 100, .flags = ACK }, SEG(1) }, 3, 0 },
	/* another flow (source port) in between: each flow merges on its own */
	{ __LINE__, AF_INET, false, 4,
	  { SEG(0), { .seq = 0, .flags = ACK, .payload = 100, .sport = 40001 }, SEG(1),
	    { .seq = 100, .flags = ACK, .payload = 100, .sport = 40001 } }, 2, 2 },
	/* a bad checksum is passed up as it is and leaves its flow alone */
	{ __LINE__, AF_INET, false, 3,
	  { SEG(0), { .seq = 100, .flags = ACK, .payload = 100, .bad_csum = true, .ip_id = 2 },
	    { .seq = 100, .flags = ACK, .payload = 100, .ip_id = 2 } }, 2, 1 },
	/* an IP ID that jumps (a segment lost in between) flushes the flow */
	{ __LINE__, AF_INET, false, 2, { SEG(0), { .seq = 100, .flags = ACK, .payload = 100,
						    .ip_id = 5 } }, 2, 0 },
};

/* Run @c's segments (all arriving at once, so one poll sees them) into a host. */
static rxs_host_t *gro_run(const struct gro_case *c, struct ends *e)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	struct rxs_nic_config *nic = &sc->nics[0];
	const char *src = c->family == AF_INET ? FR_PEER_IP : "fd00::1";
	const char *dst = c->family == AF_INET ? FR_HOST_IP : "fd00::2";
	uint16_t ids[2] = { 0, 0 };
	rxs_host_t *h;
	struct fr f;

	assert_int_equal(rxs_addr_parse(&nic->addrs[1], "fd00::2/64"), 0);
	nic->naddrs = 2;
	nic->gro = !c->gro_off;
	h = fr_host(sc);
	rxs_scenario_free(sc);
	rxs_host_set_kfree_skb_cb(h, on_end, e);
	for (unsigned int k = 0; k < c->nsegs; k++) {
		uint16_t *id = &ids[c->segs[k].sport == 40001];

		*id = c->segs[k].ip_id ? c->segs[k].ip_id : (uint16_t)(*id + 1);
		tcp_frame(&f, c->family, src, dst, &c->segs[k], *id);
		fr_inject(h, &f, 0);
	}
	assert_int_equal(rxs_host_run(h), 0);
	return h;
}

static void test_gro_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(gro_cases); i++) {
		const struct gro_case *c = &gro_cases[i];
		struct ends e = { 0 };
		rxs_host_t *h = gro_run(c, &e);
		struct rxs_gro_stats g;
		uint64_t skbs = FR_MIB(h, IpInReceives) + FR_MIB(h, Ip6InReceives), payload = 0;
		uint64_t csum_bad = 0;

		for (unsigned int k = 0; k < c->nsegs; k++) {
			payload += c->segs[k].bad_csum ? 0 : c->segs[k].payload;
			csum_bad += c->segs[k].bad_csum;
		}
		assert_int_equal(rxs_nic_queue_gro(h, 0, 0, &g), 0);
		if (skbs != c->want_skbs || g.merged != c->want_merged)
			fail_msg("case at line %d: %llu skbs (want %llu), %llu merged (want %llu)",
				 c->line, (unsigned long long)skbs,
				 (unsigned long long)c->want_skbs, (unsigned long long)g.merged,
				 (unsigned long long)c->want_merged);
		/* Every good segment reached TCP inside some skb, bytes and count intact, with
		 * valid checksums: TCP found no socket and dropped each skb once. */
		if (e.segs != c->nsegs - csum_bad || e.payload != payload ||
		    e.skbs != skbs - csum_bad || fr_drops(h, RXS_DROP_TCP_CSUM) != csum_bad)
			fail_msg("case at line %d: %llu segments, %llu bytes at TCP", c->line,
				 (unsigned long long)e.segs, (unsigned long long)e.payload);
		/* Merged-away segments are consumed into the merged skb. */
		assert_int_equal(fr_drops_total(h), skbs);
		assert_int_equal(fr_softnet(h, 0).processed, skbs);
		assert_int_equal(g.skbs, g.packets ? (uint64_t)(g.packets - g.merged) : 0);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* 64 KiB: 1400-byte segments merge while the IP length stays under 65536, so 46 fit
 * (52 + 46 * 1400 = 64452); the 47th starts a new skb. */
static void test_gro_64k(void **state)
{
	struct gro_case c = { __LINE__, AF_INET, false, 50, { { 0 } }, 2, 48 };
	struct ends e = { 0 };
	struct rxs_gro_stats g;
	rxs_host_t *h;

	(void)state;
	for (unsigned int k = 0; k < c.nsegs; k++)
		c.segs[k] = (struct seg_spec){ .seq = k * 1400u, .flags = ACK, .payload = 1400 };
	h = gro_run(&c, &e);
	assert_int_equal(rxs_nic_queue_gro(h, 0, 0, &g), 0);
	assert_int_equal(FR_MIB(h, IpInReceives), 2);
	assert_int_equal(g.merged, 48);
	assert_int_equal(g.skbs, 2);
	assert_int_equal(g.packets, 50);
	assert_int_equal(e.segs, 50);
	assert_int_equal(e.payload, 50 * 1400);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* A poll that uses its whole weight (64) leaves the NAPI scheduled: at HZ 250 __napi_poll()
 * flushes all it holds, at HZ 1000 only what is older than the jiffy, so 100 segments
 * arriving at once make two skbs at HZ 250 and one at HZ 1000. */
static rxs_host_t *gro_hz_host(unsigned int hz, struct ends *e)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	rxs_host_t *h;
	struct fr f;

	sc->host.hz = hz;
	h = fr_host(sc);
	rxs_scenario_free(sc);
	rxs_host_set_kfree_skb_cb(h, on_end, e);
	for (unsigned int k = 0; k < 100; k++) {
		struct seg_spec s = SEG(k);

		tcp_frame(&f, AF_INET, FR_PEER_IP, FR_HOST_IP, &s, (uint16_t)(k + 1));
		fr_inject(h, &f, 0);
	}
	return h;
}

static void test_gro_across_polls(void **state)
{
	static const struct {
		unsigned int hz;
		uint64_t skbs, merged, queued;
	} cases[] = { { 250, 2, 98, 36 }, { 1000, 1, 99, 36 + 1 } };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rxs_gro_stats g;
		struct rxs_conservation c;
		struct ends e = { 0 };
		rxs_host_t *h = gro_hz_host(cases[i].hz, &e);

		/* Stopped between the two polls: 36 frames in the ring and, at HZ 1000, the
		 * held skb, queued and not lost. */
		assert_int_equal(rxs_host_run_until(h, 5000), 0);
		assert_int_equal(rxs_host_conservation(h, &c), 0);
		assert_int_equal(c.queued, cases[i].queued);
		if (cases[i].hz == 1000) {
			/* Destroyed holding it: released, nothing leaks (ASan checks). */
			rxs_host_destroy(h);
			memset(&e, 0, sizeof(e));
			h = gro_hz_host(cases[i].hz, &e);
		}
		assert_int_equal(rxs_host_run(h), 0);
		assert_int_equal(rxs_nic_queue_gro(h, 0, 0, &g), 0);
		assert_int_equal(FR_MIB(h, IpInReceives), cases[i].skbs);
		assert_int_equal(g.merged, cases[i].merged);
		assert_int_equal(e.segs, 100);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* ---- determinism: the virtual engine gives the same JSON, byte for byte ---- */

static char *json_of_run(size_t *len)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	char *buf = NULL;
	rxs_host_t *h;
	FILE *out;

	sc->host.cpus = 4;
	sc->nics[0].rx_queues = 2;
	sc->nics[0].rss_udp_4tuple = true;
	sc->nics[0].rps_cpus[0] = 0xc;
	sc->nics[0].rps_cpus[1] = 0xf;
	sc->sysctl.val[RXS_SYSCTL_NETDEV_MAX_BACKLOG][0] = 50;
	sc->sysctl_set[RXS_SYSCTL_NETDEV_MAX_BACKLOG] = true;
	fr_udp_socket(sc, NULL, 9, RXS_APP_ALL);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	for (unsigned int i = 0; i < 3000; i++) {
		/* Every third frame is TCP, of 4 flows in turn, each flow's segments in order. */
		unsigned int k = i / 3 / 4;
		struct seg_spec s = { .seq = k * 100u, .flags = ACK, .payload = 100,
				      .sport = (uint16_t)(40000 + i / 3 % 4) };
		struct fr f;

		if (i % 3) {
			fr_udp(&f, FR_PEER_IP, FR_HOST_IP, (uint16_t)(1000 + i % 64), 9, 64);
		} else {
			s.ip_id = (uint16_t)(1 + k);
			tcp_frame(&f, AF_INET, FR_PEER_IP, FR_HOST_IP, &s, s.ip_id);
		}
		fr_inject(h, &f, (i / 32) * 4800u);	/* bursts of 32: GRO has work */
	}
	assert_int_equal(rxs_host_run(h), 0);
	fr_conserved(h);
	out = open_memstream(&buf, len);
	assert_non_null(out);
	assert_int_equal(rxs_report_json(h, out), 0);
	fclose(out);
	rxs_host_destroy(h);
	return buf;
}

static void test_deterministic_json(void **state)
{
	size_t len1 = 0, len2 = 0;
	char *a, *b;

	(void)state;
	a = json_of_run(&len1);
	b = json_of_run(&len2);
	assert_true(len1 > 1000);
	assert_int_equal(len1, len2);
	assert_memory_equal(a, b, len1);
	/* The run exercised what it is meant to: RPS IPIs and GRO merges. */
	assert_non_null(strstr(a, "\"received_rps\": "));
	if (strstr(a, "\"gro_merged\": 0,\n"))
		fail_msg("%s", a);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rss_vectors),
		cmocka_unit_test(test_rss_skb_hash),
		cmocka_unit_test(test_rss_queue_selection),
		cmocka_unit_test(test_rss_weight_table),
		cmocka_unit_test(test_coalescing),
		cmocka_unit_test(test_irq_per_cpu),
		cmocka_unit_test(test_gro_cases),
		cmocka_unit_test(test_gro_64k),
		cmocka_unit_test(test_gro_across_polls),
		cmocka_unit_test(test_deterministic_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
