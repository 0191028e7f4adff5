/* test_socket.c - UDP sockets: SO_RCVBUF, the 6.18 admission rule in truesize, the
 * application models, the socket handles and lookups, and rxs_socket_recv, end to end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "frames.h"
#include "internal.h"

#define PORT 6100
#define MS 1000000ull

/* skb->truesize of a 142-byte frame (100-byte UDP payload) on veth: the sender's head is
 * SKB_DATA_ALIGN(128 + 16 + 15) + 320 = 512 bytes, from the 576-byte small-head cache,
 * so SKB_TRUESIZE(576 - 320) = 256 + 256 + 320 = 832 (measured on 6.18: udp-rcvbuf). */
#define VETH_TRUESIZE_142 832
/* Generic driver: napi_build_skb() around a 2 KiB half page: 2048 + 256. */
#define GENERIC_TRUESIZE 2304

static void set_sysctl(struct rxs_scenario *sc, enum rxs_sysctl_id id, int64_t v)
{
	sc->sysctl.val[id][0] = v;
	sc->sysctl_set[id] = true;
}

static void send_n(rxs_host_t *h, unsigned int n, uint16_t plen, uint64_t t0, uint64_t gap)
{
	struct fr f;

	fr_udp(&f, FR_PEER_IP, FR_HOST_IP, 1000, PORT, plen);
	for (unsigned int i = 0; i < n; i++)
		fr_inject(h, &f, t0 + i * gap);
}

/* setsockopt(SO_RCVBUF, v): sk_rcvbuf = max(2 * min(v, rmem_max), SOCK_MIN_RCVBUF). */
static const struct {
	int line;
	int64_t rcvbuf;		/* -1: not set */
	int64_t rmem_max;	/* -1: default 4194304 */
	int64_t want;
} rcvbuf_cases[] = {
	{ __LINE__, -1, -1, 212992 },		/* rmem_default */
	{ __LINE__, 4096, -1, 8192 },
	{ __LINE__, 1, -1, 2304 },		/* SOCK_MIN_RCVBUF */
	{ __LINE__, 0, -1, 2304 },
	{ __LINE__, 1000, -1, 2304 },		/* oracle case sock-min-rcvbuf: rb2304 */
	{ __LINE__, 1152, -1, 2304 },		/* doubled exactly to the minimum */
	{ __LINE__, 1153, -1, 2306 },
	{ __LINE__, 2048, -1, 4096 },		/* sock-min-rcvbuf: rb4096, not the 4608 of SO_SNDBUF */
	{ __LINE__, 212992, -1, 425984 },
	{ __LINE__, 4194304, -1, 8388608 },	/* rmem_max itself */
	{ __LINE__, 10000000, -1, 8388608 },	/* capped at rmem_max, then doubled */
	{ __LINE__, 300000, 100000, 200000 },
	{ __LINE__, 300000, 1000, 2304 },	/* capped below the minimum */
};

/* SO_RCVBUFFORCE passes rmem_max; SO_SNDBUF is capped by wmem_max, doubled, at least
 * SOCK_MIN_SNDBUF (4608). */
static void test_rcvbuf_force_sndbuf(void **state)
{
	static const struct { int line; int64_t rcvbuf; bool force; int64_t sndbuf, want_rb, want_tb; }
	cases[] = {
		{ __LINE__, 10000000, true, -1, 20000000, 212992 },	/* wmem_default */
		{ __LINE__, 10000000, false, 1000, 8388608, 4608 },
		{ __LINE__, 1, true, 2304, 2304, 4608 },
		{ __LINE__, -1, false, 100000, 212992, 200000 },
		{ __LINE__, -1, false, 10000000, 212992, 8388608 },	/* capped at wmem_max */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
		struct rxs_socket_config *s = fr_udp_socket(sc, NULL, PORT, RXS_APP_NEVER);
		struct rxs_socket_info si;
		rxs_host_t *h;

		s->rcvbuf = cases[i].rcvbuf;
		s->rcvbuf_force = cases[i].force;
		s->sndbuf = cases[i].sndbuf;
		h = fr_host(sc);
		rxs_scenario_free(sc);
		si = fr_sock(h, 0);
		if (si.rcvbuf != cases[i].want_rb || si.sndbuf != cases[i].want_tb)
			fail_msg("case at line %d: rb %lld tb %lld, want %lld %lld", cases[i].line,
				 (long long)si.rcvbuf, (long long)si.sndbuf,
				 (long long)cases[i].want_rb, (long long)cases[i].want_tb);
		rxs_host_destroy(h);
	}
}

static void test_rcvbuf(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rcvbuf_cases); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
		struct rxs_socket_config *s = fr_udp_socket(sc, NULL, PORT, RXS_APP_NEVER);
		struct rxs_socket_info si;
		rxs_host_t *h;

		s->rcvbuf = rcvbuf_cases[i].rcvbuf;
		if (rcvbuf_cases[i].rmem_max >= 0)
			set_sysctl(sc, RXS_SYSCTL_RMEM_MAX, rcvbuf_cases[i].rmem_max);
		h = fr_host(sc);
		rxs_scenario_free(sc);
		si = fr_sock(h, 0);
		if (si.rcvbuf != rcvbuf_cases[i].want)
			fail_msg("case at line %d: sk_rcvbuf %lld, want %lld", rcvbuf_cases[i].line,
				 (long long)si.rcvbuf, (long long)rcvbuf_cases[i].want);
		assert_int_equal(si.proto, IPPROTO_UDP);
		assert_string_equal(si.local, "0.0.0.0:6100");
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/*
 * 6.18 admission (__udp_enqueue_schedule_skb): drop when rmem + truesize > sk_rcvbuf,
 * unless the queue is empty. SO_RCVBUF 4096 gives 8192: 9 * 832 = 7488 fits, a 10th would
 * make 8320. Never read, so the rest are dropped: UdpRcvbufErrors and UdpInErrors both,
 * the socket's drops, reason SOCKET_RCVBUFF; IpInDelivers counts them all.
 */
static void test_admission_rule(void **state)
{
	static const struct {
		int line;
		enum rxs_driver driver;
		int64_t rcvbuf;
		unsigned int frames;
		uint64_t want_queued, truesize;
	} cases[] = {
		{ __LINE__, RXS_DRIVER_VETH, 4096, 12, 9, VETH_TRUESIZE_142 },
		{ __LINE__, RXS_DRIVER_VETH, 4096, 9, 9, VETH_TRUESIZE_142 },
		/* 8192 / 2304: 3 fit (6912), a 4th would make 9216. */
		{ __LINE__, RXS_DRIVER_GENERIC, 4096, 10, 3, GENERIC_TRUESIZE },
		/* rmem_default 212992 / 2304 = 92.4: 92 fit. */
		{ __LINE__, RXS_DRIVER_GENERIC, -1, 100, 92, GENERIC_TRUESIZE },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rxs_scenario *sc = fr_scenario(cases[i].driver);
		uint64_t dropped = cases[i].frames - cases[i].want_queued;
		struct rxs_socket_info si;
		rxs_host_t *h;

		fr_udp_socket(sc, FR_HOST_IP, PORT, RXS_APP_NEVER)->rcvbuf = cases[i].rcvbuf;
		h = fr_host(sc);
		rxs_scenario_free(sc);
		send_n(h, cases[i].frames, 100, 0, 10000);
		assert_int_equal(rxs_host_run(h), 0);
		si = fr_sock(h, 0);
		if (si.queued != cases[i].want_queued ||
		    si.recv_q != cases[i].want_queued * cases[i].truesize ||
		    si.rmem_alloc != si.recv_q || si.drops != dropped ||
		    FR_MIB(h, UdpRcvbufErrors) != dropped || FR_MIB(h, UdpInErrors) != dropped ||
		    FR_MIB(h, UdpInDatagrams) != 0 || FR_MIB(h, IpInDelivers) != cases[i].frames ||
		    fr_drops(h, RXS_DROP_SOCKET_RCVBUFF) != dropped || fr_drops_total(h) != dropped)
			fail_msg("case at line %d: queued %llu (recv_q %llu), drops %llu, "
				 "RcvbufErrors %llu", cases[i].line,
				 (unsigned long long)si.queued, (unsigned long long)si.recv_q,
				 (unsigned long long)si.drops,
				 (unsigned long long)FR_MIB(h, UdpRcvbufErrors));
		assert_string_equal(si.local, "10.0.0.2:6100");
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* An empty queue always admits one datagram, even one whose truesize exceeds sk_rcvbuf:
 * a 9014-byte veth frame has a 16 KiB head (SKB_DATA_ALIGN(9000 + 31) + 320 = 9408,
 * kmalloc-16k), truesize 16384 + 256 = 16640 > 2304. The second one is dropped. */
static void test_admission_empty_queue(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
	struct rxs_socket_info si;
	rxs_host_t *h;

	(void)state;
	sc->nics[0].mtu = 9000;
	fr_udp_socket(sc, NULL, PORT, RXS_APP_NEVER)->rcvbuf = 1;
	h = fr_host(sc);
	rxs_scenario_free(sc);
	send_n(h, 2, 9000 - 28, 0, 10000);
	assert_int_equal(rxs_host_run(h), 0);
	si = fr_sock(h, 0);
	assert_int_equal(si.rcvbuf, 2304);
	assert_int_equal(si.queued, 1);
	assert_int_equal(si.recv_q, 16640);
	assert_int_equal(si.drops, 1);
	assert_int_equal(FR_MIB(h, UdpRcvbufErrors), 1);
	assert_int_equal(fr_nic(h, 0).rx_packets, 2);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* read: all counts UdpInDatagrams as each datagram is read; read: never leaves them
 * queued and counts nothing (UdpInDatagrams is counted in udp_recvmsg, not on arrival). */
static void test_app_all_never(void **state)
{
	static const struct {
		int line;
		enum rxs_app_kind app;
		uint64_t in_datagrams, queued;
	} cases[] = {
		{ __LINE__, RXS_APP_ALL, 20, 0 },
		{ __LINE__, RXS_APP_NEVER, 0, 20 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
		struct rxs_socket_info si;
		rxs_host_t *h;

		fr_udp_socket(sc, NULL, PORT, cases[i].app);
		h = fr_host(sc);
		rxs_scenario_free(sc);
		send_n(h, 20, 100, 0, 1000);
		assert_int_equal(rxs_host_run(h), 0);
		si = fr_sock(h, 0);
		if (FR_MIB(h, UdpInDatagrams) != cases[i].in_datagrams ||
		    si.delivered != cases[i].in_datagrams ||
		    si.delivered_bytes != cases[i].in_datagrams * 100 ||
		    si.queued != cases[i].queued ||
		    si.recv_q != cases[i].queued * VETH_TRUESIZE_142 ||
		    FR_MIB(h, IpInDelivers) != 20 || fr_drops_total(h) != 0)
			fail_msg("case at line %d: UdpInDatagrams %llu, queued %llu", cases[i].line,
				 (unsigned long long)FR_MIB(h, UdpInDatagrams),
				 (unsigned long long)si.queued);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* What a kfree callback saw of the datagrams a socket read. */
struct reads {
	unsigned int consumed, with_sk;
};

static void on_end(void *ctx, const struct rxs_sk_buff *skb, enum rxs_drop_reason reason)
{
	struct reads *r = ctx;

	if (reason != RXS_DROP_CONSUMED)
		return;
	r->consumed++;
	r->with_sk += skb->sk != NULL;
}

static void on_event(void *ctx, const struct rxs_trace_event *ev)
{
	(void)ctx;
	(void)ev;
}

/*
 * A reader that keeps up takes a datagram as it comes, without the queue (udp_read_at_once):
 * with a tracepoint on, every datagram goes through the queue instead. Either way the same
 * counters, the same CPU time, a bad checksum found at the read, and each datagram consumed
 * by its socket.
 */
static void test_app_all_at_once(void **state)
{
	static const enum rxs_tracepoint tps[] = { RXS_TP_COUNT, RXS_TP_STAGE, RXS_TP_SOCK_READ };
	struct rxs_cpu_stats cpu[ARRAY_SIZE(tps)];
	struct rxs_socket_info si[ARRAY_SIZE(tps)];
	struct fr good, bad;

	(void)state;
	fr_udp(&good, FR_PEER_IP, FR_HOST_IP, 1000, PORT, 100);
	bad = good;
	bad.d[bad.len - 1] ^= 0x55;	/* the payload's last byte: the UDP checksum fails */
	for (size_t i = 0; i < ARRAY_SIZE(tps); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
		struct reads r = { 0 };
		rxs_host_t *h;

		fr_udp_socket(sc, NULL, PORT, RXS_APP_ALL);
		h = fr_host(sc);
		rxs_scenario_free(sc);
		rxs_host_set_kfree_skb_cb(h, on_end, &r);
		if (tps[i] != RXS_TP_COUNT)
			assert_int_equal(rxs_trace_register(h, tps[i], on_event, NULL), 0);
		for (unsigned int k = 0; k < 20; k++)
			fr_inject(h, k % 5 == 4 ? &bad : &good, k * 1000ull);
		assert_int_equal(rxs_host_run(h), 0);
		si[i] = fr_sock(h, 0);
		assert_int_equal(rxs_host_cpu_stats(h, 0, &cpu[i]), 0);
		assert_int_equal(FR_MIB(h, UdpInDatagrams), 16);
		assert_int_equal(FR_MIB(h, UdpInCsumErrors), 4);
		assert_int_equal(FR_MIB(h, UdpInErrors), 4);
		assert_int_equal(fr_drops(h, RXS_DROP_UDP_CSUM), 4);
		assert_int_equal(si[i].delivered, 16);
		assert_int_equal(si[i].delivered_bytes, 16 * 100);
		assert_int_equal(si[i].queued, 0);
		assert_int_equal(si[i].recv_q, 0);
		assert_int_equal(r.consumed, 16);
		assert_int_equal(r.with_sk, 16);
		assert_int_equal(cpu[i].busy_ns, cpu[0].busy_ns);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/*
 * read: 1000pps against 100 datagrams arriving every 100 us over 10 ms (veth, default
 * costs). The first is queued about 0.75 us after it arrives and read at once; each read
 * allows the next 1 ms later, so by 10 ms the reader has taken 10 (at r0 + k ms, k = 0..9)
 * and 90 wait. Given time, it reads them all.
 */
static void test_app_rate(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
	struct rxs_socket_config *s;
	struct rxs_socket_info si;
	rxs_host_t *h;

	(void)state;
	s = fr_udp_socket(sc, NULL, PORT, RXS_APP_RATE);
	s->app.rate = 1000;
	h = fr_host(sc);
	rxs_scenario_free(sc);
	send_n(h, 100, 100, 0, 100000);
	assert_int_equal(rxs_host_run_until(h, 10 * MS), 0);
	si = fr_sock(h, 0);
	assert_int_equal(si.delivered, 10);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), 10);
	assert_int_equal(si.queued, 90);
	assert_int_equal(si.recv_q, 90 * VETH_TRUESIZE_142);
	fr_conserved(h);
	/* 20.5 ms: 10 more. */
	assert_int_equal(rxs_host_run_until(h, 20 * MS + MS / 2), 0);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), 21);
	assert_int_equal(rxs_host_run(h), 0);
	si = fr_sock(h, 0);
	assert_int_equal(si.delivered, 100);
	assert_int_equal(si.queued, 0);
	assert_int_equal(si.drops, 0);
	assert_int_equal(FR_MIB(h, UdpInDatagrams), 100);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* read: { batch: 4, every: 1ms }: reads happen on the 1 ms grid, up to 4 each time; 20
 * datagrams at time 0 take the reads at 1, 2, 3, 4 and 5 ms. */
static void test_app_batch(void **state)
{
	static const struct {
		uint64_t t;
		uint64_t want;
	} steps[] = {
		{ MS - 1, 0 }, { MS, 4 }, { 2 * MS - 1, 4 }, { 2 * MS, 8 }, { 4 * MS + MS / 2, 16 },
		{ 5 * MS, 20 }, { 10 * MS, 20 },
	};
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
	struct rxs_socket_config *s;
	struct rxs_cpu_stats cs;
	rxs_host_t *h;

	(void)state;
	s = fr_udp_socket(sc, NULL, PORT, RXS_APP_BATCH);
	s->app.batch = 4;
	s->app.every_ns = MS;
	s->app.cpu = 0;		/* reads are charged to CPU 0 */
	h = fr_host(sc);
	rxs_scenario_free(sc);
	send_n(h, 20, 100, 0, 0);
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		assert_int_equal(rxs_host_run_until(h, steps[i].t), 0);
		assert_int_equal(rxs_host_now(h), steps[i].t);
		if (FR_MIB(h, UdpInDatagrams) != steps[i].want ||
		    fr_sock(h, 0).queued != 20 - steps[i].want)
			fail_msg("at %llu ns: %llu read, want %llu", (unsigned long long)steps[i].t,
				 (unsigned long long)FR_MIB(h, UdpInDatagrams),
				 (unsigned long long)steps[i].want);
		fr_conserved(h);
	}
	/* The 20 reads cost app_recv (400 ns) each on CPU 0, on top of the softirq's work
	 * (veth: no hard IRQs); the read at 5 ms took the last 4 and nothing re-armed. */
	assert_int_equal(rxs_host_cpu_stats(h, 0, &cs), 0);
	assert_int_equal(cs.busy_ns, 20 * 400 + cs.softirq_ns);
	assert_int_equal(cs.hardirqs, 0);
	rxs_host_destroy(h);
}

/* The lookup prefers a socket bound to the exact local address over a wildcard one on
 * the same port, whatever the order the sockets were made in. */
static void test_lookup_exact_beats_wildcard(void **state)
{
	static const struct {
		int line;
		bool exact_first;
		const char *dst;
		unsigned int want_sock;		/* 0 wildcard, 1 exact */
	} cases[] = {
		{ __LINE__, false, "10.0.0.2", 1 },
		{ __LINE__, true, "10.0.0.2", 1 },
		{ __LINE__, false, "10.0.0.3", 0 },	/* our other address: the wildcard */
		{ __LINE__, true, "10.0.0.3", 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
		const char *addr[2] = { NULL, FR_HOST_IP };
		int idx[2];
		struct fr f;
		rxs_host_t *h;

		assert_int_equal(rxs_addr_parse(&sc->nics[0].addrs[1], "10.0.0.3/24"), 0);
		sc->nics[0].naddrs = 2;
		for (int k = 0; k < 2; k++) {
			int which = cases[i].exact_first ? 1 - k : k;
			struct rxs_socket_config *s =
				fr_udp_socket(sc, addr[which], PORT, RXS_APP_NEVER);

			snprintf(s->name, sizeof(s->name), "%s", which ? "exact" : "wild");
		}
		h = fr_host(sc);
		rxs_scenario_free(sc);
		idx[0] = rxs_socket_index(rxs_socket_lookup(h, "wild"));
		idx[1] = rxs_socket_index(rxs_socket_lookup(h, "exact"));
		assert_true(idx[0] >= 0 && idx[1] >= 0);
		assert_null(rxs_socket_lookup(h, "nope"));
		fr_udp(&f, FR_PEER_IP, cases[i].dst, 1000, PORT, 10);
		fr_inject(h, &f, 0);
		assert_int_equal(rxs_host_run(h), 0);
		if (fr_sock(h, (unsigned int)idx[cases[i].want_sock]).queued != 1 ||
		    fr_sock(h, (unsigned int)idx[1 - cases[i].want_sock]).queued != 0)
			fail_msg("case at line %d: datagram to %s went to the wrong socket",
				 cases[i].line, cases[i].dst);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* rxs_socket_recv: datagrams in arrival order, then -EAGAIN; each read counts
 * UdpInDatagrams and gives back its truesize. Bad arguments are -EINVAL. */
static void test_sock_recv(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
	struct rxs_sk_buff *skb = (struct rxs_sk_buff *)&skb;
	struct rxs_conservation c;
	rxs_host_t *h;
	struct fr f;

	(void)state;
	fr_udp_socket(sc, NULL, PORT, RXS_APP_NEVER);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	for (uint16_t i = 0; i < 5; i++) {
		fr_udp(&f, FR_PEER_IP, FR_HOST_IP, (uint16_t)(2000 + i), PORT, (uint16_t)(10 + i));
		fr_inject(h, &f, (uint64_t)i * 1000);
	}
	assert_int_equal(rxs_host_run(h), 0);
	assert_int_equal(fr_sock(h, 0).queued, 5);
	for (uint16_t i = 0; i < 5; i++) {
		assert_int_equal(rxs_socket_recv(rxs_socket_get(h, 0), &skb), 0);
		assert_non_null(skb);
		/* data is at the UDP header: source port and length tell which it is. */
		assert_int_equal(fr_get16(skb->data), 2000 + i);
		assert_int_equal(fr_get16(skb->data + 4), 8 + 10 + i);
		assert_int_equal(skb->len, 8 + 10 + i);
		assert_int_equal(skb->data[8 + 3], 3);
		assert_int_equal(FR_MIB(h, UdpInDatagrams), i + 1u);
		assert_int_equal(fr_sock(h, 0).queued, 4u - i);
		rxs_consume_skb(skb);
		fr_conserved(h);
	}
	assert_int_equal(rxs_socket_recv(rxs_socket_get(h, 0), &skb), -EAGAIN);
	assert_null(skb);
	assert_int_equal(rxs_socket_recv(rxs_socket_get(h, 1), &skb), -EINVAL);
	assert_null(skb);
	assert_int_equal(fr_sock(h, 0).recv_q, 0);
	assert_int_equal(fr_sock(h, 0).delivered, 5);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.offered, 5);
	assert_int_equal(c.consumed, 5);
	rxs_host_destroy(h);
}

/* Handles: by index, by name and by bound address the same socket; what is not a socket
 * (out of range, unknown name or address, NULL) is NULL, and every call on a NULL handle, or
 * on a handle of the other kind, is -EINVAL (or 0), never a crash. */
static const struct {
	int line;
	const char *name;		/* lookup by name */
	int proto;
	const char *addr;		/* lookup by address: NULL for the wildcard */
	uint16_t port;
	int want;			/* the index both find, -1 for none */
} handle_cases[] = {
	{ __LINE__, "wild",  IPPROTO_UDP, NULL,       PORT,     0 },
	{ __LINE__, "exact", IPPROTO_UDP, FR_HOST_IP, PORT,     1 },
	{ __LINE__, "web",   IPPROTO_TCP, NULL,       80,       2 },
	{ __LINE__, "nope",  IPPROTO_UDP, "10.0.0.9", PORT,     -1 },	/* no such socket */
	{ __LINE__, "",      IPPROTO_TCP, NULL,       PORT,     -1 },	/* UDP's port, TCP */
	{ __LINE__, "WILD",  IPPROTO_UDP, NULL,       PORT + 1, -1 },	/* names are exact */
};

static void test_socket_handles(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
	struct rxs_sk_buff *skb = (struct rxs_sk_buff *)&skb;
	struct rxs_socket_config *web;
	struct rxs_socket_info si;
	rxs_conn_t *conn = (rxs_conn_t *)&conn;
	rxs_host_t *h;

	(void)state;
	snprintf(fr_udp_socket(sc, NULL, PORT, RXS_APP_NEVER)->name, RXS_NAME_MAX, "wild");
	snprintf(fr_udp_socket(sc, FR_HOST_IP, PORT, RXS_APP_NEVER)->name, RXS_NAME_MAX, "exact");
	web = fr_udp_socket(sc, NULL, 80, RXS_APP_NEVER);
	web->proto = IPPROTO_TCP;
	snprintf(web->name, sizeof(web->name), "web");
	h = fr_host(sc);
	rxs_scenario_free(sc);

	assert_int_equal(rxs_socket_count(h), 3);
	for (size_t i = 0; i < ARRAY_SIZE(handle_cases); i++) {
		struct rxs_addr a = { 0 };
		rxs_socket_t *by_name = rxs_socket_lookup(h, handle_cases[i].name);
		rxs_socket_t *by_addr;

		if (handle_cases[i].addr)
			assert_int_equal(rxs_addr_parse(&a, handle_cases[i].addr), 0);
		by_addr = rxs_socket_lookup_addr(h, handle_cases[i].proto,
						 handle_cases[i].addr ? &a : NULL,
						 handle_cases[i].port);
		if (handle_cases[i].want < 0) {
			if (by_name || by_addr)
				fail_msg("case at line %d: found a socket", handle_cases[i].line);
			continue;
		}
		if (by_name != rxs_socket_get(h, (unsigned int)handle_cases[i].want) ||
		    by_addr != by_name || rxs_socket_index(by_name) != handle_cases[i].want)
			fail_msg("case at line %d: not socket %d", handle_cases[i].line,
				 handle_cases[i].want);
		assert_int_equal(rxs_socket_get_info(by_name, &si), 0);
		assert_string_equal(si.name, handle_cases[i].name);
	}

	/* Out of range and NULL. */
	assert_null(rxs_socket_get(h, 3));
	assert_null(rxs_socket_get(NULL, 0));
	assert_null(rxs_socket_lookup(h, NULL));
	assert_int_equal(rxs_socket_index(NULL), -EINVAL);
	assert_int_equal(rxs_socket_get_info(NULL, &si), -EINVAL);
	assert_int_equal(rxs_socket_qlen(NULL), 0);
	assert_int_equal(rxs_socket_recv(NULL, &skb), -EINVAL);
	assert_null(skb);
	assert_int_equal(rxs_socket_recv_wait(NULL, &skb, 0), -EINVAL);
	assert_int_equal(rxs_socket_accept(NULL, &conn), -EINVAL);
	assert_null(conn);
	assert_int_equal(rxs_socket_accept_wait(NULL, &conn, 0), -EINVAL);
	assert_int_equal(rxs_conn_recv(NULL, &skb), -EINVAL);
	assert_int_equal(rxs_conn_recv_wait(NULL, &skb, 0), -EINVAL);
	assert_int_equal(rxs_conn_get_info(NULL, &si), -EINVAL);

	/* The wrong kind: recv on a listener, accept on UDP, a socket taken for a connection. */
	assert_int_equal(rxs_socket_recv(rxs_socket_lookup(h, "web"), &skb), -EINVAL);
	assert_int_equal(rxs_socket_accept(rxs_socket_lookup(h, "wild"), &conn), -EINVAL);
	assert_int_equal(rxs_socket_accept(rxs_socket_lookup(h, "web"), &conn), -EAGAIN);
	assert_int_equal(rxs_conn_recv((rxs_conn_t *)rxs_socket_get(h, 2), &skb), -EINVAL);
	assert_int_equal(rxs_conn_get_info((rxs_conn_t *)rxs_socket_get(h, 0), &si), -EINVAL);
	rxs_host_destroy(h);
}

/* A broadcast reaches every socket on its port bound to the wildcard: the first gets the
 * skb, the others clones; one bound to the host's unicast address does not take it
 * (__udp_is_mcast_sock: inet_rcv_saddr set and not the destination). Only one frame was
 * offered, so conservation must count one, however many sockets hold a copy. */
static void test_broadcast_to_two_sockets(void **state)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
	struct rxs_conservation c;
	rxs_host_t *h;
	struct fr f;
	int rc;

	(void)state;
	fr_udp_socket(sc, NULL, PORT, RXS_APP_NEVER);
	fr_udp_socket(sc, FR_HOST_IP, PORT, RXS_APP_NEVER);
	fr_udp_socket(sc, NULL, PORT, RXS_APP_NEVER);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	fr_udp_vlan(&f, fr_bcast_mac, false, 0, FR_PEER_IP, "255.255.255.255", 1000, PORT, 10);
	fr_inject(h, &f, 0);
	assert_int_equal(rxs_host_run(h), 0);
	assert_int_equal(fr_sock(h, 0).queued, 1);
	assert_int_equal(fr_sock(h, 1).queued, 0);
	assert_int_equal(fr_sock(h, 2).queued, 1);
	rc = rxs_host_conservation(h, &c);
	if (rc)
		fail_msg("offered %llu, consumed %llu, dropped %llu, queued %llu",
			 (unsigned long long)c.offered, (unsigned long long)c.consumed,
			 (unsigned long long)c.dropped, (unsigned long long)c.queued);
	assert_int_equal(c.offered, 1);
	assert_int_equal(c.queued, 1);
	rxs_host_destroy(h);
}

/*
 * Ten datagrams to a group two sockets take, one of them with the smallest buffer and no
 * reader: a copy it cannot take counts in UdpRcvbufErrors and its drops whichever copy it
 * is. The frame's own fate is that of the skb itself, which goes to the first socket of
 * the port's chain, the one bound last (socket 1): when that socket is the small one the
 * frames it refused are dropped, SOCKET_RCVBUFF; when it is the big one every frame stays
 * queued there and the small one's refusals are clones, no second frame. Either way
 * offered == consumed + dropped + queued.
 */
static void test_multicast_clones(void **state)
{
	static const uint8_t group_mac[6] = { 0x01, 0x00, 0x5e, 0x01, 0x01, 0x01 };

	(void)state;
	for (unsigned int small = 0; small < 2; small++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
		struct rxs_conservation c;
		struct rxs_socket_info big_info, small_info;
		rxs_host_t *h;
		struct fr f;
		uint64_t refused;

		for (unsigned int i = 0; i < 2; i++) {
			struct rxs_socket_config *s = fr_udp_socket(sc, NULL, PORT, RXS_APP_NEVER);

			fr_join(s, "239.1.1.1");
			s->rcvbuf = i == small ? 0 : 1 << 20;
		}
		h = fr_host(sc);
		rxs_scenario_free(sc);
		fr_udp_vlan(&f, group_mac, false, 0, FR_PEER_IP, "239.1.1.1", 1000, PORT, 10);
		for (unsigned int i = 0; i < 10; i++)
			fr_inject(h, &f, i * MS);
		assert_int_equal(rxs_host_run(h), 0);
		big_info = fr_sock(h, !small);
		small_info = fr_sock(h, small);
		refused = FR_MIB(h, UdpRcvbufErrors);
		assert_true(refused > 0 && refused < 10);
		assert_int_equal(small_info.drops, refused);
		assert_int_equal(small_info.queued, 10 - refused);
		assert_int_equal(big_info.queued, 10);
		assert_int_equal(rxs_host_conservation(h, &c), 0);
		assert_int_equal(c.offered, 10);
		assert_int_equal(c.dropped, small == 1 ? refused : 0);
		assert_int_equal(c.queued, small == 1 ? 10 - refused : 10);
		assert_int_equal(fr_drops(h, RXS_DROP_SOCKET_RCVBUFF), small == 1 ? refused : 0);
		rxs_host_destroy(h);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rcvbuf),
		cmocka_unit_test(test_rcvbuf_force_sndbuf),
		cmocka_unit_test(test_admission_rule),
		cmocka_unit_test(test_admission_empty_queue),
		cmocka_unit_test(test_app_all_never),
		cmocka_unit_test(test_app_all_at_once),
		cmocka_unit_test(test_app_rate),
		cmocka_unit_test(test_app_batch),
		cmocka_unit_test(test_lookup_exact_beats_wildcard),
		cmocka_unit_test(test_sock_recv),
		cmocka_unit_test(test_socket_handles),
		cmocka_unit_test(test_broadcast_to_two_sockets),
		cmocka_unit_test(test_multicast_clones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
