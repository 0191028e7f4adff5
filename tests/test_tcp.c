/* test_tcp.c - TCP receive: the listener's queues at their edges, syncookies, the SYN-ACK
 * timer, the handshake, established data, and resets. Every number is the kernel's rule
 * (tcp_conn_request, inet_csk_reqsk_queue_is_full, sk_acceptq_is_full, tcp_check_req,
 * reqsk_timer_handler), and every test ends with conservation. */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rxsim/rxsim.h"
#include "capw.h"
#include "proto/tcp_int.h"

#define MS 1000000ull
#define SEC 1000000000ull

/* What the host sent, from the transmit callback: the ISN of each SYN-ACK by client port. */
struct tx_log {
	uint32_t isn[65536];
	unsigned int synacks, rsts, acks;
};

static void on_tx(void *ctx, const uint8_t *f, uint32_t len, uint64_t t)
{
	struct tx_log *log = ctx;
	const uint8_t *th = f + 14 + 20;
	uint8_t flags = th[13];

	(void)t;
	assert_true(len >= 54);
	if ((flags & 0x12) == 0x12) {
		log->isn[fr_get16(th + 2)] = (uint32_t)fr_get16(th + 4) << 16 | fr_get16(th + 6);
		log->synacks++;
	} else if (flags & 0x04) {
		log->rsts++;
	} else {
		log->acks++;
	}
}

/* A TCP/IPv4 segment from 10.0.0.1:@sport to 10.0.0.2:@dport with @plen payload bytes: a
 * SYN with an MSS of 1460, and with a timestamp (@tsval, @tsecr) when @ts. */
static void fr_tcp_ts(struct fr *f, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		      uint8_t flags, uint16_t plen, bool ts, uint32_t tsval, uint32_t tsecr)
{
	uint8_t *th;
	uint32_t sum;
	unsigned int mss = (flags & 0x02) ? 4 : 0, optlen = mss + (ts ? 12 : 0);
	unsigned int tlen = 20 + optlen + plen;

	fr_eth(f, fr_host_mac, false, 0, FR_ETH_P_IP);
	fr_ip(f, FR_PEER_IP, FR_HOST_IP, IPPROTO_TCP, 1, 0x4000, (uint16_t)tlen);
	th = f->d + f->l4;
	memset(th, 0, tlen);
	fr_put16(th, sport);
	fr_put16(th + 2, dport);
	fr_put16(th + 4, (uint16_t)(seq >> 16));
	fr_put16(th + 6, (uint16_t)seq);
	fr_put16(th + 8, (uint16_t)(ack >> 16));
	fr_put16(th + 10, (uint16_t)ack);
	th[12] = (uint8_t)(((20 + optlen) / 4) << 4);
	th[13] = flags;
	fr_put16(th + 14, 64240);
	if (mss) {		/* MSS 1460 */
		th[20] = 2, th[21] = 4;
		fr_put16(th + 22, 1460);
	}
	if (ts) {		/* NOP, NOP, timestamps */
		uint8_t *o = th + 20 + mss;

		o[0] = 1, o[1] = 1, o[2] = 8, o[3] = 10;
		fr_put16(o + 4, (uint16_t)(tsval >> 16));
		fr_put16(o + 6, (uint16_t)tsval);
		fr_put16(o + 8, (uint16_t)(tsecr >> 16));
		fr_put16(o + 10, (uint16_t)tsecr);
	}
	for (unsigned int i = 0; i < plen; i++)
		th[20 + optlen + i] = (uint8_t)i;
	sum = fr_sum(f->d + f->l3 + 12, 8, 0) + IPPROTO_TCP + tlen;
	fr_put16(th + 16, fr_fold(fr_sum(th, tlen, sum)));
}

static void fr_tcp(struct fr *f, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		   uint8_t flags, uint16_t plen)
{
	fr_tcp_ts(f, sport, dport, seq, ack, flags, plen, false, 0, 0);
}

struct tcp_case {
	int line;
	int backlog;
	int64_t somaxconn, syncookies, max_syn_backlog, abort_on_overflow;
	enum rxs_app_kind accept;
};

/* A host with one TCP listener on 10.0.0.2:80 and the sysctls of @c. */
static rxs_host_t *tcp_host(const struct tcp_case *c, struct tx_log *log)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
	struct rxs_socket_config *s = rxs_scenario_add_socket(sc);
	rxs_host_t *h;

	assert_non_null(s);
	s->proto = IPPROTO_TCP;
	assert_int_equal(rxs_addr_parse(&s->local, FR_HOST_IP), 0);
	s->port = 80;
	s->backlog = c->backlog;
	s->app.kind = c->accept;
	sc->sysctl.val[RXS_SYSCTL_SOMAXCONN][0] = c->somaxconn ? c->somaxconn : 4096;
	sc->sysctl.val[RXS_SYSCTL_TCP_SYNCOOKIES][0] = c->syncookies;
	sc->sysctl.val[RXS_SYSCTL_TCP_MAX_SYN_BACKLOG][0] = c->max_syn_backlog ? c->max_syn_backlog : 2048;
	sc->sysctl.val[RXS_SYSCTL_TCP_ABORT_ON_OVERFLOW][0] = c->abort_on_overflow;
	h = fr_host(sc);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_tx_set_cb(h, on_tx, log), 0);
	return h;
}

/* Client @port connects: SYN at @t, then the final ACK 100 us later. */
static void connect_one(rxs_host_t *h, struct tx_log *log, uint16_t port, uint64_t t)
{
	struct fr f;

	fr_tcp(&f, port, 80, 1000, 0, 0x02, 0);
	fr_inject(h, &f, t);
	assert_int_equal(rxs_host_run_until(h, t + 50000), 0);
	fr_tcp(&f, port, 80, 1001, log->isn[port] + 1, 0x10, 0);
	fr_inject(h, &f, t + 100000);
}

/* Accept-queue limits: sk_acceptq_is_full() is ack_backlog > max_ack_backlog. */
static const struct { struct tcp_case c; unsigned int clients, queued, overflows; } acceptq[] = {
	{ { __LINE__, 0, 0, 1, 0, 0, RXS_APP_NEVER }, 5, 1, 4 },	/* listen(fd, 0) takes one */
	{ { __LINE__, 1, 0, 1, 0, 0, RXS_APP_NEVER }, 5, 2, 3 },
	{ { __LINE__, 4, 0, 1, 0, 0, RXS_APP_NEVER }, 8, 5, 3 },
	{ { __LINE__, 1000, 3, 1, 0, 0, RXS_APP_NEVER }, 8, 4, 4 },	/* somaxconn caps it */
	{ { __LINE__, -1, 2, 1, 0, 0, RXS_APP_NEVER }, 5, 3, 2 },	/* negative: somaxconn */
	{ { __LINE__, 4, 0, 1, 0, 0, RXS_APP_ALL }, 8, 0, 0 },	/* an application accepting */
};

static void test_accept_queue_edges(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(acceptq) / sizeof(acceptq[0]); i++) {
		static struct tx_log log;
		rxs_host_t *h;
		struct rxs_socket_info si;

		memset(&log, 0, sizeof(log));
		h = tcp_host(&acceptq[i].c, &log);
		for (unsigned int k = 0; k < acceptq[i].clients; k++)
			connect_one(h, &log, (uint16_t)(40000 + k), k * MS);
		assert_int_equal(rxs_host_run_until(h, 10 * MS), 0);
		assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, 0), &si), 0);
		if (si.recv_q != acceptq[i].queued ||
		    FR_MIB(h, TcpExtListenOverflows) != acceptq[i].overflows)
			fail_msg("case at line %d: accept queue %llu (want %u), ListenOverflows %llu "
				 "(want %u)", acceptq[i].c.line, (unsigned long long)si.recv_q,
				 acceptq[i].queued,
				 (unsigned long long)FR_MIB(h, TcpExtListenOverflows),
				 acceptq[i].overflows);
		/* Each overflow is a SYN dropped before any request sock: ListenDrops too. */
		assert_int_equal(FR_MIB(h, TcpExtListenDrops), acceptq[i].overflows);
		assert_int_equal(si.drops, acceptq[i].overflows);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* SYN queue: inet_csk_reqsk_queue_is_full() is qlen > max_ack_backlog; with cookies off,
 * tcp_max_syn_backlog also keeps its last quarter for proven peers. */
static const struct {
	struct tcp_case c;
	unsigned int syns, syn_q, cookies, reqq_full_drop, listen_drops;
} synq[] = {
	{ { __LINE__, 4, 0, 0, 0, 0, RXS_APP_NEVER }, 10, 5, 0, 5, 5 },
	{ { __LINE__, 4, 0, 1, 0, 0, RXS_APP_NEVER }, 10, 5, 5, 0, 0 },
	{ { __LINE__, 4, 0, 2, 0, 0, RXS_APP_NEVER }, 10, 0, 10, 0, 0 },
	{ { __LINE__, 0, 0, 1, 0, 0, RXS_APP_NEVER }, 3, 1, 2, 0, 0 },
	/* 8 - qlen < 8 / 4 drops once 7 are queued */
	{ { __LINE__, 100, 0, 0, 8, 0, RXS_APP_NEVER }, 10, 7, 0, 0, 3 },
	/* with cookies on, tcp_max_syn_backlog is not consulted */
	{ { __LINE__, 100, 0, 1, 8, 0, RXS_APP_NEVER }, 10, 10, 0, 0, 0 },
};

static void test_syn_queue_edges(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(synq) / sizeof(synq[0]); i++) {
		static struct tx_log log;
		struct rxs_socket_info si;
		rxs_host_t *h;
		struct fr f;

		memset(&log, 0, sizeof(log));
		h = tcp_host(&synq[i].c, &log);
		for (unsigned int k = 0; k < synq[i].syns; k++) {
			fr_tcp(&f, (uint16_t)(40000 + k), 80, 7000, 0, 0x02, 0);
			fr_inject(h, &f, k * 10000);
		}
		assert_int_equal(rxs_host_run_until(h, 500 * MS), 0);
		assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, 0), &si), 0);
		if (si.syn_q != synq[i].syn_q ||
		    FR_MIB(h, TcpExtSyncookiesSent) != synq[i].cookies ||
		    FR_MIB(h, TcpExtTCPReqQFullDrop) != synq[i].reqq_full_drop ||
		    FR_MIB(h, TcpExtListenDrops) != synq[i].listen_drops)
			fail_msg("case at line %d: syn_q %llu cookies %llu ReqQFullDrop %llu "
				 "ListenDrops %llu", synq[i].c.line, (unsigned long long)si.syn_q,
				 (unsigned long long)FR_MIB(h, TcpExtSyncookiesSent),
				 (unsigned long long)FR_MIB(h, TcpExtTCPReqQFullDrop),
				 (unsigned long long)FR_MIB(h, TcpExtListenDrops));
		assert_int_equal(FR_MIB(h, TcpExtTCPReqQFullDoCookies), synq[i].cookies);
		/* Every SYN not dropped got a SYN-ACK. */
		assert_int_equal(log.synacks, synq[i].syns - synq[i].listen_drops);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* A SYN flood answered with cookies costs no allocation a SYN (the steady state the benchmark measures):
 * tcp_conn_request()'s request lives on the stack unless it is queued. */
static void test_syn_flood_no_alloc(void **state)
{
	static const struct tcp_case c = { __LINE__, 4, 0, 1, 0, 0, RXS_APP_NEVER };
	static struct tx_log log;
	struct rxs_socket_info si;
	rxs_host_t *h;
	struct fr f;

	(void)state;
	memset(&log, 0, sizeof(log));
	h = tcp_host(&c, &log);
	/* The SYN queue fills (5 requests), and the first cookies warm the pools. */
	for (unsigned int k = 0; k < 100; k++) {
		fr_tcp(&f, (uint16_t)(20000 + k), 80, 7000, 0, 0x02, 0);
		fr_inject(h, &f, k * 10000);
	}
	assert_int_equal(rxs_host_run_until(h, 100 * 10000), 0);
	fr_count_allocs(true);
	for (unsigned int k = 100; k < 20100; k++) {
		fr_tcp(&f, (uint16_t)(20000 + k), 80, 7000, 0, 0x02, 0);
		fr_inject(h, &f, k * 10000);
		assert_int_equal(rxs_host_run_until(h, k * 10000 + 5000), 0);
	}
	assert_int_equal(fr_allocs()->malloc, 0);
	assert_int_equal(fr_allocs()->realloc, 0);
	fr_count_allocs(false);
	assert_int_equal(FR_MIB(h, TcpExtSyncookiesSent), 20095);
	assert_int_equal(log.synacks, 20100);
	assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, 0), &si), 0);
	assert_int_equal(si.syn_q, 5);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* A SYN from 10.0.0.1:@sport to 10.0.0.2:80 carrying the @optlen option bytes @opt. */
static void fr_syn(struct fr *f, uint16_t sport, const uint8_t *opt, unsigned int optlen)
{
	unsigned int tlen = 20 + optlen;
	uint8_t *th;

	fr_eth(f, fr_host_mac, false, 0, FR_ETH_P_IP);
	fr_ip(f, FR_PEER_IP, FR_HOST_IP, IPPROTO_TCP, 1, 0x4000, (uint16_t)tlen);
	th = f->d + f->l4;
	memset(th, 0, tlen);
	fr_put16(th, sport);
	fr_put16(th + 2, 80);
	fr_put16(th + 6, 5000);
	th[12] = (uint8_t)((tlen / 4) << 4);
	th[13] = 0x02;
	fr_put16(th + 14, 64240);
	memcpy(th + 20, opt, optlen);
	fr_put16(th + 16, fr_fold(fr_sum(th, tlen, fr_sum(f->d + f->l3 + 12, 8, 0) + 6 + tlen)));
}

/* What a transmit callback sees of the SYN-ACKs: the IP bytes, and every checksum valid. */
struct synack_seen {
	unsigned int frames;
	uint64_t octets;
};

static void on_synack(void *ctx, const uint8_t *f, uint32_t len, uint64_t t)
{
	struct synack_seen *seen = ctx;
	const uint8_t *ip = f + 14, *th = ip + 20;
	unsigned int tlen = len - 14 - 20;

	(void)t;
	assert_int_equal(fr_get16(ip + 2), len - 14);
	assert_int_equal(fr_fold(fr_sum(ip, 20, 0)), 0);
	assert_int_equal(fr_fold(fr_sum(th, tlen, fr_sum(ip + 12, 8, 0) + 6 + tlen)), 0);
	assert_int_equal(th[13], 0x12);
	seen->frames++;
	seen->octets += len - 14;
}

/* tcp_parse_options(): what a SYN's options say, whether the common layouts' shortcuts (the
 * timestamp alone, Linux's SYN) take them or the walk does; near misses of a shortcut must
 * read as the walk reads them. ts: TSval 0x01020304, TSecr 0. */
#define TS_OPT 8, 10, 1, 2, 3, 4, 0, 0, 0, 0
static const struct {
	int line;
	uint8_t opt[40];
	unsigned int optlen;
	struct rxs_tcp_opts want;
} parse_cases[] = {
	{ __LINE__, { 0 }, 0, { 0 } },
	{ __LINE__, { 1, 1, TS_OPT }, 12, { .saw_tstamp = true, .tsval = 0x01020304 } },
	/* Linux's SYN, and with a shift over 14 (clamped, as the kernel does) */
	{ __LINE__, { 2, 4, 5, 180, 4, 2, TS_OPT, 1, 3, 3, 7 }, 20,
	  { 1460, 7, true, true, true, true, 0x01020304, 0 } },
	{ __LINE__, { 2, 4, 5, 180, 4, 2, TS_OPT, 1, 3, 3, 15 }, 20,
	  { 1460, 14, true, true, true, true, 0x01020304, 0 } },
	/* its layout with an end of options where the NOP was: no window scale */
	{ __LINE__, { 2, 4, 5, 180, 4, 2, TS_OPT, 0, 3, 3, 7 }, 20,
	  { 1460, 0, true, false, true, true, 0x01020304, 0 } },
	/* a window scale option one byte too long for what is left: the walk ends there */
	{ __LINE__, { 2, 4, 5, 180, 4, 2, TS_OPT, 1, 3, 4, 7 }, 20,
	  { 1460, 0, true, false, true, true, 0x01020304, 0 } },
	/* an MSS of the wrong size is skipped by its length, the rest read */
	{ __LINE__, { 2, 6, 5, 180, 0, 0, TS_OPT, 1, 3, 3, 7 }, 20,
	  { 0, 7, false, true, false, true, 0x01020304, 0 } },
	/* macOS and FreeBSD: MSS, NOP, window scale, NOP, NOP, timestamps, SACK, EOL */
	{ __LINE__, { 2, 4, 5, 180, 1, 3, 3, 6, 1, 1, TS_OPT, 4, 2, 0, 0 }, 24,
	  { 1460, 6, true, true, true, true, 0x01020304, 0 } },
};

static void test_parse_options(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct rxs_tcp_opts *w = &parse_cases[i].want;
		uint8_t th[60] = { 0 };
		struct rxs_sk_buff skb;
		struct rxs_tcp_cb tcb;
		struct rxs_tcp_opts o;

		memset(&skb, 0, sizeof(skb));
		th[12] = (uint8_t)((20 + parse_cases[i].optlen) / 4 << 4);
		th[13] = TH_SYN;
		memcpy(th + 20, parse_cases[i].opt, parse_cases[i].optlen);
		skb.data = th;
		skb.len = 20 + parse_cases[i].optlen;
		assert_int_equal(rxs__tcp_parse(&skb, &tcb, &o), 0);
		if (o.mss != w->mss || o.wscale != w->wscale || o.saw_mss != w->saw_mss ||
		    o.wscale_ok != w->wscale_ok || o.sack_ok != w->sack_ok ||
		    o.saw_tstamp != w->saw_tstamp || o.tsval != w->tsval || o.tsecr != w->tsecr ||
		    tcb.saw_tstamp != o.saw_tstamp || tcb.tsval != o.tsval || tcb.end_seq != 1)
			fail_msg("case at line %d: mss %u wscale %u (%d) sack %d ts %d %#x %#x",
				 parse_cases[i].line, o.mss, o.wscale, o.wscale_ok, o.sack_ok,
				 o.saw_tstamp, o.tsval, o.tsecr);
	}
}

/* A SYN-ACK nobody sees (no rule, hook, tap, callback or capture) is never built, only
 * counted: each counter must be what a host with a transmit callback counts for the one it
 * builds, whatever options the SYN asked for (the SYN-ACK's length follows them), from a
 * request sock and from a cookie. A cookie answers a SYN without timestamps with the MSS
 * alone: it keeps window scaling and SACK in the timestamp it sends (cookie_init_timestamp()),
 * so tcp_conn_request() clears them (tests/oracle/cases/cookie-synack-opts). */
static const struct {
	int line;
	uint8_t opt[20];
	unsigned int optlen;
	unsigned int req_len, cookie_len;	/* the SYN-ACK's IP length */
} synack_cases[] = {
	{ __LINE__, { 0 }, 0, 44, 44 },
	{ __LINE__, { 2, 4, 5, 180 }, 4, 44, 44 },
	/* Linux's SYN: MSS, SACK permitted, timestamps, NOP, window scale. */
	{ __LINE__, { 2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 }, 20, 60, 60 },
	{ __LINE__, { 2, 4, 5, 180, 1, 1, 4, 2 }, 8, 48, 44 },		/* SACK only */
	{ __LINE__, { 1, 3, 3, 7 }, 4, 48, 44 },			/* window scale only */
	{ __LINE__, { 2, 4, 5, 180, 1, 1, 4, 2, 1, 3, 3, 7 }, 12, 52, 44 },	/* SACK, WS */
	{ __LINE__, { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0 }, 12, 56, 56 },	/* timestamps only */
};

static void test_synack_unseen_counts(void **state)
{
	/* syncookies 2: every SYN a cookie; 1 with room in the queue: every SYN a request */
	static const struct tcp_case cookie = { __LINE__, 4, 0, 2, 0, 0, RXS_APP_NEVER };
	static const struct tcp_case reqsk = { __LINE__, 128, 0, 1, 0, 0, RXS_APP_NEVER };
	enum { NSYN = 50 };

	(void)state;
	for (size_t i = 0; i < sizeof(synack_cases) / sizeof(synack_cases[0]); i++) {
		for (int use_cookie = 0; use_cookie <= 1; use_cookie++) {
			const struct tcp_case *c = use_cookie ? &cookie : &reqsk;
			unsigned int want = use_cookie ? synack_cases[i].cookie_len
						       : synack_cases[i].req_len;
			static struct tx_log log;
			struct synack_seen seen = { 0 };
			uint64_t mib[2][4];

			for (int watched = 0; watched <= 1; watched++) {
				rxs_host_t *h = tcp_host(c, &log);
				struct fr f;

				assert_int_equal(rxs_tx_set_cb(h, watched ? on_synack : NULL, &seen),
						 0);
				for (unsigned int k = 0; k < NSYN; k++) {
					fr_syn(&f, (uint16_t)(30000 + k), synack_cases[i].opt,
					       synack_cases[i].optlen);
					fr_inject(h, &f, k * 10000);
				}
				assert_int_equal(rxs_host_run_until(h, NSYN * 10000), 0);
				mib[watched][0] = FR_MIB(h, TcpOutSegs);
				mib[watched][1] = FR_MIB(h, IpOutRequests);
				mib[watched][2] = FR_MIB(h, IpOutTransmits);
				mib[watched][3] = FR_MIB(h, IpExtOutOctets);
				if (rxs_tx_frames(h) != NSYN ||
				    FR_MIB(h, TcpExtSyncookiesSent) != (use_cookie ? NSYN : 0))
					fail_msg("case at line %d (%s): %llu frames sent",
						 synack_cases[i].line, use_cookie ? "cookie" : "request",
						 (unsigned long long)rxs_tx_frames(h));
				fr_conserved(h);
				rxs_host_destroy(h);
			}
			if (memcmp(mib[0], mib[1], sizeof(mib[0])) || seen.frames != NSYN ||
			    seen.octets != NSYN * want || mib[0][3] != seen.octets)
				fail_msg("case at line %d (%s): unseen %llu %llu %llu %llu, seen %llu "
					 "%llu %llu %llu, %u frames of %llu bytes, want %u each",
					 synack_cases[i].line, use_cookie ? "cookie" : "request",
					 (unsigned long long)mib[0][0], (unsigned long long)mib[0][1],
					 (unsigned long long)mib[0][2], (unsigned long long)mib[0][3],
					 (unsigned long long)mib[1][0], (unsigned long long)mib[1][1],
					 (unsigned long long)mib[1][2], (unsigned long long)mib[1][3],
					 seen.frames, (unsigned long long)seen.octets, want);
		}
	}
}

/* A cookie's SYN-ACK seen by nothing but a tap on the way out still carries the cookie (an
 * unseen one is only counted, its cookie never made): the ISN the tap wrote completes the
 * handshake. */
static void test_cookie_synack_seen_by_tap(void **state)
{
	static const struct tcp_case c = { __LINE__, 4, 0, 2, 0, 0, RXS_APP_NEVER };
	static struct tx_log log;
	char dir[] = "/tmp/rxs_test_tcp_XXXXXX", path[64], err[256];
	struct rxs_tap_config tc = { .name = "out", .filter = "tcp", .direction = RXS_TAP_OUT };
	uint8_t rec[24 + 16 + 128];
	rxs_host_t *h;
	struct fr f;
	FILE *fp;
	int idx;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.pcap", dir);
	tc.write = path;
	h = tcp_host(&c, &log);
	assert_int_equal(rxs_tx_set_cb(h, NULL, NULL), 0);
	idx = rxs_tap_add(h, &tc, err, sizeof(err));
	assert_true(idx >= 0);
	fr_tcp(&f, 41000, 80, 7000, 0, 0x02, 0);
	fr_inject(h, &f, 0);
	assert_int_equal(rxs_host_run_until(h, MS), 0);
	assert_int_equal(rxs_tap_flush(rxs_tap_get(h, (unsigned int)idx)), 0);
	/* The file's header, the record's, then the SYN-ACK: its sequence number at 14 + 20 + 4. */
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_true(fread(rec, 1, sizeof(rec), fp) >= 24 + 16 + 54);
	fclose(fp);
	assert_int_equal(rec[24 + 16 + 14 + 20 + 13], 0x12);
	fr_tcp(&f, 41000, 80, 7001,
	       ((uint32_t)fr_get16(rec + 24 + 16 + 38) << 16 | fr_get16(rec + 24 + 16 + 40)) + 1,
	       0x10, 0);
	fr_inject(h, &f, 2 * MS);
	assert_int_equal(rxs_host_run_until(h, 3 * MS), 0);
	assert_int_equal(FR_MIB(h, TcpExtSyncookiesSent), 1);
	assert_int_equal(FR_MIB(h, TcpExtSyncookiesRecv), 1);
	assert_int_equal(FR_MIB(h, TcpExtSyncookiesFailed), 0);
	assert_int_equal(fr_sock(h, 0).recv_q, 1);	/* the child waits in the accept queue */
	fr_conserved(h);
	rxs_host_destroy(h);
	unlink(path);
	rmdir(dir);
}

/* tcp_check_req(): a SYN sent again is answered by the SYN-ACK again, as an out-of-window
 * ACK: the first at once, then none within tcp_invalid_ratelimit (500 ms) of the last. */
static void test_syn_resent(void **state)
{
	static const struct tcp_case c = { __LINE__, 16, 0, 1, 0, 0, RXS_APP_NEVER };
	static const struct { uint64_t at; unsigned int synacks; uint64_t skipped; } steps[] = {
		{ 0, 1, 0 },			/* the SYN */
		{ 100 * MS, 2, 0 },		/* again: answered */
		{ 300 * MS, 2, 1 },		/* 200 ms later: limited */
		{ 700 * MS, 3, 1 },		/* 600 ms after the last answer */
	};
	static struct tx_log log;
	rxs_host_t *h;
	struct fr f;

	(void)state;
	memset(&log, 0, sizeof(log));
	h = tcp_host(&c, &log);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		fr_tcp(&f, 40000, 80, 1000, 0, 0x02, 0);
		fr_inject(h, &f, steps[i].at);
		assert_int_equal(rxs_host_run_until(h, steps[i].at + MS), 0);
		assert_int_equal(log.synacks, steps[i].synacks);
		assert_int_equal(FR_MIB(h, TcpExtTCPACKSkippedSynRecv), steps[i].skipped);
	}
	assert_int_equal(FR_MIB(h, TcpExtTCPSynRetrans), 2);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* reqsk_timer_handler(): SYN-ACK resent at 1, 3, 7, 15, 31 s; the request dies at 63 s. */
static void test_synack_timer(void **state)
{
	static const struct tcp_case c = { __LINE__, 16, 0, 1, 0, 0, RXS_APP_NEVER };
	static const uint64_t at[] = { 1, 3, 7, 15, 31 };
	static struct tx_log log;
	struct rxs_socket_info si;
	rxs_host_t *h;
	struct fr f;

	(void)state;
	memset(&log, 0, sizeof(log));
	h = tcp_host(&c, &log);
	fr_tcp(&f, 40000, 80, 1, 0, 0x02, 0);
	fr_inject(h, &f, 0);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		assert_int_equal(rxs_host_run_until(h, at[i] * SEC - MS), 0);
		assert_int_equal(FR_MIB(h, TcpExtTCPSynRetrans), i);
		assert_int_equal(rxs_host_run_until(h, at[i] * SEC + MS), 0);
		assert_int_equal(FR_MIB(h, TcpExtTCPSynRetrans), i + 1);
	}
	assert_int_equal(rxs_host_run_until(h, 62 * SEC), 0);
	rxs_socket_get_info(rxs_socket_get(h, 0), &si);
	assert_int_equal(si.syn_q, 1);
	assert_int_equal(rxs_host_run_until(h, 64 * SEC), 0);
	rxs_socket_get_info(rxs_socket_get(h, 0), &si);
	assert_int_equal(si.syn_q, 0);
	assert_int_equal(FR_MIB(h, TcpRetransSegs), 5);
	assert_int_equal(FR_MIB(h, TcpExtTCPTimeouts), 6);	/* 5 resends and the expiry */
	assert_int_equal(FR_MIB(h, TcpOutSegs), 6);
	assert_int_equal(log.synacks, 6);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* A full accept queue and the final ACK: dropped (the request stays, acked), or reset. */
static void test_final_ack_overflow(void **state)
{
	for (int abort = 0; abort <= 1; abort++) {
		const struct tcp_case c = { __LINE__, 0, 0, 1, 0, abort, RXS_APP_NEVER };
		static struct tx_log log;
		struct rxs_socket_info si;
		rxs_host_t *h;
		struct fr f;

		(void)state;
		memset(&log, 0, sizeof(log));
		h = tcp_host(&c, &log);
		/* Two SYNs first (both fit the SYN queue of backlog 0? no: qlen 1 > 0 is full,
		 * so the second is answered with a cookie), then both ACKs. */
		fr_tcp(&f, 40000, 80, 1000, 0, 0x02, 0);
		fr_inject(h, &f, 0);
		fr_tcp(&f, 40001, 80, 1000, 0, 0x02, 0);
		fr_inject(h, &f, 10000);
		assert_int_equal(rxs_host_run_until(h, MS), 0);
		assert_int_equal(FR_MIB(h, TcpExtSyncookiesSent), 1);
		fr_tcp(&f, 40001, 80, 1001, log.isn[40001] + 1, 0x10, 0);	/* cookie ACK */
		fr_inject(h, &f, 2 * MS);
		fr_tcp(&f, 40000, 80, 1001, log.isn[40000] + 1, 0x10, 0);	/* queue now full */
		fr_inject(h, &f, 3 * MS);
		assert_int_equal(rxs_host_run_until(h, 10 * MS), 0);
		rxs_socket_get_info(rxs_socket_get(h, 0), &si);
		assert_int_equal(FR_MIB(h, TcpExtSyncookiesRecv), 1);
		assert_int_equal(si.recv_q, 1);
		assert_int_equal(FR_MIB(h, TcpExtListenOverflows), 1);
		assert_int_equal(FR_MIB(h, TcpPassiveOpens), 1);
		assert_int_equal(fr_drops(h, RXS_DROP_TCP_LISTEN_OVERFLOW), 1);
		assert_int_equal(si.syn_q, abort ? 0 : 1);
		assert_int_equal(FR_MIB(h, TcpExtEmbryonicRsts), abort ? 1 : 0);
		assert_int_equal(log.rsts, abort ? 1 : 0);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* Bad cookies and ACKs for nothing are reset; a RST is never answered. */
static void test_resets(void **state)
{
	static const struct tcp_case c = { __LINE__, 0, 0, 1, 0, 0, RXS_APP_NEVER };
	static struct tx_log log;
	rxs_host_t *h;
	struct fr f;

	(void)state;
	memset(&log, 0, sizeof(log));
	h = tcp_host(&c, &log);
	fr_tcp(&f, 40000, 80, 1000, 0, 0x02, 0);
	fr_inject(h, &f, 0);
	fr_tcp(&f, 40001, 80, 1000, 0, 0x02, 0);	/* a cookie: overflow is recent */
	fr_inject(h, &f, 10000);
	fr_tcp(&f, 40002, 80, 5, 12345, 0x10, 0);	/* not a valid cookie */
	fr_inject(h, &f, MS);
	fr_tcp(&f, 40003, 81, 5, 0, 0x02, 0);		/* no socket on 81 */
	fr_inject(h, &f, 2 * MS);
	fr_tcp(&f, 40004, 81, 5, 0, 0x04, 0);		/* a RST to no socket */
	fr_inject(h, &f, 3 * MS);
	assert_int_equal(rxs_host_run_until(h, 10 * MS), 0);
	assert_int_equal(FR_MIB(h, TcpExtSyncookiesFailed), 1);
	assert_int_equal(FR_MIB(h, TcpOutRsts), 2);
	assert_int_equal(log.rsts, 2);
	assert_int_equal(fr_drops(h, RXS_DROP_NO_SOCKET), 2);
	assert_int_equal(FR_MIB(h, TcpInSegs), 5);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* Established data: in order, out of order, a duplicate, and the receive buffer. */
static void test_established_data(void **state)
{
	static const struct tcp_case c = { __LINE__, 16, 0, 1, 0, 0, RXS_APP_NEVER };
	static struct tx_log log;
	struct rxs_socket_info si;
	uint32_t ack;
	rxs_host_t *h;
	struct fr f;

	(void)state;
	memset(&log, 0, sizeof(log));
	h = tcp_host(&c, &log);
	connect_one(h, &log, 40000, 0);
	ack = log.isn[40000] + 1;
	fr_tcp(&f, 40000, 80, 1001, ack, 0x18, 100);		/* in order */
	fr_inject(h, &f, MS);
	fr_tcp(&f, 40000, 80, 1201, ack, 0x18, 100);		/* early: 1101 is missing */
	fr_inject(h, &f, 2 * MS);
	fr_tcp(&f, 40000, 80, 1201, ack, 0x18, 100);		/* the same again */
	fr_inject(h, &f, 3 * MS);
	fr_tcp(&f, 40000, 80, 1101, ack, 0x18, 100);		/* the gap: both now in order */
	fr_inject(h, &f, 4 * MS);
	fr_tcp(&f, 40000, 80, 1001, ack, 0x18, 100);		/* old data */
	fr_inject(h, &f, 5 * MS);
	assert_int_equal(rxs_host_run_until(h, 100 * MS), 0);
	assert_int_equal(FR_MIB(h, TcpExtTCPPureAcks), 1);
	assert_int_equal(FR_MIB(h, TcpExtTCPOFOQueue), 2);
	assert_int_equal(FR_MIB(h, TcpExtTCPOFOMerge), 1);
	assert_int_equal(FR_MIB(h, TcpExtDelayedACKLost), 1);
	assert_int_equal(fr_drops(h, RXS_DROP_TCP_OFOMERGE), 1);
	/* The old segment ends before rcv_wup (the last window offered starts past it):
	 * tcp_sequence() refuses it, and tcp_send_dupack() counts DelayedACKLost. */
	assert_int_equal(fr_drops(h, RXS_DROP_TCP_OLD_SEQUENCE), 1);
	/* The listener holds the child unaccepted; the child holds three segments. */
	rxs_socket_get_info(rxs_socket_get(h, 0), &si);
	assert_int_equal(si.recv_q, 1);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* PAWS (RFC 7323; tests/oracle/cases/tcp-paws holds the kernel's answers): a TSval older
 * than the one kept. tcp_check_req() holds the handshake's ACK to the SYN's (no window),
 * answering once in tcp_invalid_ratelimit; a connection's tcp_validate_incoming() drops
 * data and ACKs more than 1 older, except a duplicate pure ACK that changes nothing and is
 * inside the replay window (the RTO at 1200 Hz), and does not count an ACK below rcv_nxt
 * as PAWS; a RST is let through. */
static void test_paws(void **state)
{
	static const struct tcp_case c = { __LINE__, 16, 0, 1, 0, 0, RXS_APP_NEVER };
	static const struct {
		int line;
		uint32_t seq;
		uint8_t flags;
		uint16_t plen;
		uint32_t tsval;
		uint64_t paws, old_ack, pure_acks, skipped_challenge;
	} steps[] = {
		{ __LINE__, 1001, 0x18, 100, 2000, 0, 0, 1, 0 },	/* in order: ts_recent 2000 */
		{ __LINE__, 1101, 0x18, 100, 1000, 1, 0, 1, 0 },	/* data, older: dropped */
		{ __LINE__, 1101, 0x10, 0, 2001, 1, 0, 2, 0 },		/* a pure ACK: snd_wl1 */
		{ __LINE__, 1101, 0x10, 0, 1951, 1, 0, 3, 0 },		/* disordered, taken */
		{ __LINE__, 1101, 0x10, 0, 1001, 2, 0, 3, 0 },		/* past the replay window */
		{ __LINE__, 1001, 0x10, 0, 1001, 2, 1, 3, 0 },		/* below rcv_nxt: old ACK */
		{ __LINE__, 1150, 0x04, 0, 1001, 2, 1, 3, 1 },		/* RST: challenged */
	};
	static struct tx_log log;
	struct rxs_socket_info si;
	uint32_t ack;
	rxs_host_t *h;
	struct fr f;

	(void)state;
	memset(&log, 0, sizeof(log));
	h = tcp_host(&c, &log);
	fr_tcp_ts(&f, 40000, 80, 1000, 0, 0x02, 0, true, 1000, 0);
	fr_inject(h, &f, 0);
	assert_int_equal(rxs_host_run_until(h, 50000), 0);
	ack = log.isn[40000] + 1;
	/* The handshake's ACK older than the SYN, twice: PAWSEstab, one ACK in answer. */
	for (int i = 0; i < 2; i++) {
		fr_tcp_ts(&f, 40000, 80, 1001, ack, 0x10, 0, true, 999, 1);
		fr_inject(h, &f, (uint64_t)(i + 1) * 100000);
	}
	assert_int_equal(rxs_host_run_until(h, 300000), 0);
	assert_int_equal(FR_MIB(h, TcpExtPAWSEstab), 2);
	assert_int_equal(FR_MIB(h, TcpExtTCPACKSkippedSynRecv), 1);
	assert_int_equal(FR_MIB(h, TcpPassiveOpens), 0);
	assert_int_equal(log.acks, 1);
	fr_tcp_ts(&f, 40000, 80, 1001, ack, 0x10, 0, true, 1000, 1);
	fr_inject(h, &f, 400000);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		fr_tcp_ts(&f, 40000, 80, steps[i].seq, ack, steps[i].flags, steps[i].plen, true,
			  steps[i].tsval, 1);
		fr_inject(h, &f, (i + 1) * MS);
		assert_int_equal(rxs_host_run_until(h, (i + 1) * MS + 500000), 0);
		if (FR_MIB(h, TcpExtPAWSEstab) != 2 + steps[i].paws ||
		    FR_MIB(h, TcpExtPAWSOldAck) != steps[i].old_ack ||
		    FR_MIB(h, TcpExtTCPPureAcks) != steps[i].pure_acks ||
		    FR_MIB(h, TcpExtTCPACKSkippedChallenge) != steps[i].skipped_challenge)
			fail_msg("step at line %d: PAWSEstab %" PRIu64 " PAWSOldAck %" PRIu64
				 " TCPPureAcks %" PRIu64 " TCPACKSkippedChallenge %" PRIu64,
				 steps[i].line, FR_MIB(h, TcpExtPAWSEstab),
				 FR_MIB(h, TcpExtPAWSOldAck), FR_MIB(h, TcpExtTCPPureAcks),
				 FR_MIB(h, TcpExtTCPACKSkippedChallenge));
	}
	assert_int_equal(FR_MIB(h, TcpPassiveOpens), 1);
	assert_int_equal(FR_MIB(h, TcpExtTCPChallengeACK), 0);
	assert_int_equal(fr_drops(h, RXS_DROP_TCP_RFC7323_PAWS), 4);
	assert_int_equal(fr_drops(h, RXS_DROP_TCP_RFC7323_PAWS_ACK), 1);
	/* The RST did not end the connection; its one segment is queued. */
	rxs_socket_get_info(rxs_socket_get(h, 0), &si);
	assert_int_equal(si.recv_q, 1);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* Which RSTs reset an established connection (RFC 5961 3.2, tcp_reset_check();
 * tests/oracle/cases/tcp-rst): the one at rcv_nxt; after a FIN, the one at rcv_nxt - 1;
 * the others in the window draw a challenge ACK. */
static void test_rst_acceptable(void **state)
{
	static const struct tcp_case c = { __LINE__, 16, 0, 1, 0, 0, RXS_APP_NEVER };
	static const struct {
		int line;
		bool fin;		/* a FIN at 1101 first */
		uint32_t seq;
		uint64_t resets, challenges;
	} cases[] = {
		{ __LINE__, false, 1101, 1, 0 },
		{ __LINE__, false, 1100, 0, 0 },	/* before the window: dropped, no answer */
		{ __LINE__, false, 1150, 0, 1 },
		{ __LINE__, true, 1102, 1, 0 },
		{ __LINE__, true, 1101, 1, 0 },		/* the FIN's own sequence */
		{ __LINE__, true, 1150, 0, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct tx_log log;
		rxs_host_t *h;
		uint32_t ack;
		struct fr f;

		memset(&log, 0, sizeof(log));
		h = tcp_host(&c, &log);
		connect_one(h, &log, 40000, 0);
		ack = log.isn[40000] + 1;
		fr_tcp(&f, 40000, 80, 1001, ack, 0x18, 100);
		fr_inject(h, &f, MS);
		if (cases[i].fin) {
			fr_tcp(&f, 40000, 80, 1101, ack, 0x11, 0);
			fr_inject(h, &f, 2 * MS);
		}
		fr_tcp(&f, 40000, 80, cases[i].seq, 0, 0x04, 0);
		fr_inject(h, &f, 3 * MS);
		assert_int_equal(rxs_host_run_until(h, 10 * MS), 0);
		if (FR_MIB(h, TcpEstabResets) != cases[i].resets ||
		    FR_MIB(h, TcpExtTCPChallengeACK) != cases[i].challenges)
			fail_msg("case at line %d: EstabResets %" PRIu64 " TCPChallengeACK %" PRIu64,
				 cases[i].line, FR_MIB(h, TcpEstabResets),
				 FR_MIB(h, TcpExtTCPChallengeACK));
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* TCP_DEFER_ACCEPT (tests/oracle/cases/accept-defer holds the kernel's answers): 3 s is two
 * SYN-ACK timeouts (1 s, then 2 s). A bare handshake ACK is dropped and its request waits,
 * its SYN-ACK not resent at the first timeout, resent at the second; an ACK after that makes
 * the connection. An ACK with data makes it at once. */
static void test_defer_accept(void **state)
{
	static const struct tcp_case c = { __LINE__, 16, 0, 1, 0, 0, RXS_APP_NEVER };
	struct rxs_scenario *sc;
	static struct tx_log log;
	struct rxs_socket_config *s;
	rxs_host_t *h;
	struct fr f;

	(void)state;
	memset(&log, 0, sizeof(log));
	sc = fr_scenario(RXS_DRIVER_VETH);
	s = rxs_scenario_add_socket(sc);
	assert_non_null(s);
	s->proto = IPPROTO_TCP;
	assert_int_equal(rxs_addr_parse(&s->local, FR_HOST_IP), 0);
	s->port = 80;
	s->backlog = c.backlog;
	s->app.kind = c.accept;
	s->defer_accept = 3;
	h = fr_host(sc);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_tx_set_cb(h, on_tx, &log), 0);
	connect_one(h, &log, 40000, 0);				/* bare ACK at 100 us */
	fr_tcp(&f, 40001, 80, 1000, 0, 0x02, 0);
	fr_inject(h, &f, 200000);
	assert_int_equal(rxs_host_run_until(h, 250000), 0);
	fr_tcp(&f, 40001, 80, 1001, log.isn[40001] + 1, 0x10, 0);	/* bare ACK */
	fr_inject(h, &f, 300000);
	fr_tcp(&f, 40001, 80, 1001, log.isn[40001] + 1, 0x18, 100);	/* then data */
	fr_inject(h, &f, 500 * MS);
	assert_int_equal(rxs_host_run_until(h, 1500 * MS), 0);
	assert_int_equal(FR_MIB(h, TcpExtTCPDeferAcceptDrop), 2);
	assert_int_equal(FR_MIB(h, TcpPassiveOpens), 1);		/* the data's */
	assert_int_equal(FR_MIB(h, TcpExtTCPTimeouts), 1);		/* 40000's, at 1 s */
	assert_int_equal(log.synacks, 2);				/* not resent */
	assert_int_equal(rxs_host_run_until(h, 3500 * MS), 0);
	assert_int_equal(log.synacks, 3);				/* resent at 3 s */
	assert_int_equal(FR_MIB(h, TcpExtTCPSynRetrans), 1);
	fr_tcp(&f, 40000, 80, 1001, log.isn[40000] + 1, 0x10, 0);	/* its answer */
	fr_inject(h, &f, 3600 * MS);
	assert_int_equal(rxs_host_run_until(h, 4 * SEC), 0);
	assert_int_equal(FR_MIB(h, TcpExtTCPDeferAcceptDrop), 2);
	assert_int_equal(FR_MIB(h, TcpPassiveOpens), 2);
	assert_int_equal(fr_sock(h, 0).drops, 2);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* The delayed-ACK engine on one connection of 40 data segments 10 us apart, read as they
 * come: the first 16 get quick ACKs (__tcp_ack_snd_check); each later one is short and
 * pushed (ICSK_ACK_PUSHED), so the read that empties the queue ACKs it (tcp_cleanup_rbuf). */
static void test_quickack_then_delayed(void **state)
{
	char dir[] = "/tmp/test_tcp.XXXXXX", path[64];
	struct rxs_scenario *sc;
	struct rxs_traffic_config *t;
	struct rxs_socket_config *s;
	rxs_host_t *h;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.pcap", dir);
	fr_gen_connections(path, 1, 40, 100000);
	sc = fr_scenario(RXS_DRIVER_GENERIC);
	s = rxs_scenario_add_socket(sc);
	s->proto = IPPROTO_TCP;
	s->port = 80;
	t = rxs_scenario_add_traffic(sc);
	t->kind = RXS_TRAFFIC_PCAP;
	t->path = strdup(path);
	snprintf(t->nic, sizeof(t->nic), "eth0");
	h = fr_host(sc);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_host_run(h), 0);
	assert_int_equal(FR_MIB(h, TcpInSegs), 2 + 40);
	/* SYN-ACK, 16 quick ACKs, then the reads' ACKs: __tcp_ack_snd_check() delays each
	 * (rcv_nxt - rcv_wup has not passed rcv_mss, still TCP_MSS_DEFAULT's 536 for these
	 * 134-byte segments), and the reader, running after the softirq, ACKs it at once. */
	assert_int_equal(FR_MIB(h, TcpOutSegs), 1 + 16 + 24);
	assert_int_equal(FR_MIB(h, TcpExtDelayedACKs), 0);
	/* The reader frees each segment before the next: sk_mem_reclaim() gives the page back,
	 * sk_forward_alloc is 0 again, and every segment takes the slow path. */
	assert_int_equal(FR_MIB(h, TcpExtTCPHPHits), 0);
	fr_conserved(h);
	rxs_host_destroy(h);
	unlink(path);
	rmdir(dir);
}

/* A host whose listener on :80 has SO_RCVBUF @rcvbuf and never reads, fed by a raw sender
 * (linear skbs, as scapy's), with tcp_mem @mem (pages; 0: the default) counted page by page
 * (mem_pcpu_rsv 0) when @exact. */
static rxs_host_t *mem_host(struct tx_log *log, int64_t rcvbuf, const int64_t *mem, bool exact)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
	struct rxs_socket_config *s = rxs_scenario_add_socket(sc);
	rxs_host_t *h;

	assert_non_null(s);
	s->proto = IPPROTO_TCP;
	assert_int_equal(rxs_addr_parse(&s->local, FR_HOST_IP), 0);
	s->port = 80;
	s->backlog = 16;
	s->rcvbuf = rcvbuf;
	s->app.kind = RXS_APP_NEVER;
	sc->nics[0].raw_sender = true;
	if (mem)
		memcpy(sc->sysctl.val[RXS_SYSCTL_TCP_MEM], mem, 3 * sizeof(*mem));
	if (exact)
		sc->sysctl.val[RXS_SYSCTL_MEM_PCPU_RSV][0] = 0;
	h = fr_host(sc);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_tx_set_cb(h, on_tx, log), 0);
	return h;
}

/* @n segments of @len bytes from client port 40000, in order from relative @rel (a step of
 * @step bytes; a negative step sends them backwards), 1 ms apart from @t. */
static uint64_t send_run(rxs_host_t *h, struct tx_log *log, uint32_t rel, int step,
			 unsigned int n, uint16_t len, uint64_t t)
{
	struct fr f;

	for (unsigned int i = 0; i < n; i++, t += MS) {
		fr_tcp(&f, 40000, 80, 1001 + rel + (uint32_t)((int)i * step), log->isn[40000] + 1,
		       0x18, len);
		fr_inject(h, &f, t);
	}
	return t;
}

/* tcp_prune_queue() on a receive queue of small skbs: a frame of 64 bytes is a small-head
 * skb (truesize 832) with 192 bytes of tailroom, so 20 ten-byte segments share one skb
 * (tcp_try_coalesce); the fast path queues while sk_forward_alloc lasts, so the first slow
 * path segment finds 14 skbs (11648 > 8192) and tcp_collapse() copies their 2800 bytes into
 * one skb (kmalloc-4k head: truesize 4352) whose tailroom takes the rest. */
static void test_collapse_receive_queue(void **state)
{
	static struct tx_log log;
	struct rxs_conn_state st;
	rxs_host_t *h;

	(void)state;
	memset(&log, 0, sizeof(log));
	h = mem_host(&log, 4096, NULL, false);
	connect_one(h, &log, 40000, 0);
	send_run(h, &log, 0, 10, 290, 10, MS);
	assert_int_equal(rxs_host_run_until(h, SEC), 0);
	assert_int_equal(FR_MIB(h, TcpExtPruneCalled), 1);
	assert_int_equal(FR_MIB(h, TcpExtTCPRcvCollapsed), 14);
	assert_int_equal(FR_MIB(h, TcpExtTCPRcvCoalesce), 290 - 14);
	assert_int_equal(FR_MIB(h, TcpExtRcvPruned), 0);
	assert_int_equal(rxs_conn_state(h, 0, &st), 0);
	assert_int_equal(st.recv_q, 2900);
	assert_int_equal(st.rmem_alloc, 4352);
	assert_int_equal(st.drops, 0);
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* The out-of-order queue behind a hole: a backwards run of contiguous skbs is collapsed
 * (tcp_collapse_ofo_queue()); single small skbs are not, and when the incoming segment would
 * land after all of them nothing is pruned: RcvPruned and TCPOFODrop; one that lands before
 * them makes tcp_prune_ofo_queue() drop from the far end (OfoPruned). Filling the hole
 * moves everything left to the receive queue. */
static void test_ofo_collapse_and_prune(void **state)
{
	static struct tx_log log;
	struct rxs_conn_state st;
	uint64_t t;
	rxs_host_t *h;

	(void)state;
	memset(&log, 0, sizeof(log));
	h = mem_host(&log, 4096, NULL, false);
	connect_one(h, &log, 40000, 0);
	t = send_run(h, &log, 400, -10, 40, 10, MS);		/* 400, 390, ... 10 */
	assert_int_equal(rxs_host_run_until(h, t), 0);
	assert_true(FR_MIB(h, TcpExtTCPRcvCollapsed) > 0);
	assert_int_equal(FR_MIB(h, TcpExtOfoPruned), 0);
	assert_int_equal(FR_MIB(h, TcpExtTCPOFODrop), 0);
	t = send_run(h, &log, 1000, 20, 30, 10, t);		/* gapped, ascending */
	assert_int_equal(rxs_host_run_until(h, t), 0);
	assert_true(FR_MIB(h, TcpExtRcvPruned) > 0);
	assert_int_equal(FR_MIB(h, TcpExtTCPOFODrop), FR_MIB(h, TcpExtRcvPruned));
	assert_int_equal(FR_MIB(h, TcpExtOfoPruned), 0);
	t = send_run(h, &log, 900, -20, 20, 10, t);		/* gapped, below them */
	assert_int_equal(rxs_host_run_until(h, t), 0);
	assert_true(FR_MIB(h, TcpExtOfoPruned) > 0);
	t = send_run(h, &log, 0, 10, 1, 10, t + 100 * MS);	/* the hole */
	assert_int_equal(rxs_host_run_until(h, t + SEC), 0);
	assert_int_equal(rxs_conn_state(h, 0, &st), 0);
	assert_int_equal(st.recv_q, 410);
	assert_int_equal(st.drops, FR_MIB(h, TcpExtTCPOFODrop) +
				   fr_drops(h, RXS_DROP_TCP_OFO_QUEUE_PRUNE));
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* A listener with default buffers that accepts (or not) and never reads. */
static rxs_host_t *ofo_host(struct tx_log *log, bool accept)
{
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
	struct rxs_socket_config *s = rxs_scenario_add_socket(sc);
	rxs_host_t *h;

	assert_non_null(s);
	s->proto = IPPROTO_TCP;
	assert_int_equal(rxs_addr_parse(&s->local, FR_HOST_IP), 0);
	s->port = 80;
	s->backlog = 16;
	s->app.kind = accept ? RXS_APP_ALL : RXS_APP_NEVER;
	s->conn_read.kind = RXS_APP_NEVER;
	sc->nics[0].raw_sender = true;
	h = fr_host(sc);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_tx_set_cb(h, on_tx, log), 0);
	return h;
}

/* A hole, then 40 full segments behind it (linear kmalloc-2k skbs, truesize 2304: the first
 * one already teaches the scaling ratio, 1460 * 256 / 2304 = 162). Each one kept calls
 * tcp_rcvbuf_grow() with the space it has (14600): twice that plus the queue's span past
 * rcv_nxt asks for (29200 + 41 * 1460) * 256 / 162 = 140736 bytes of buffer, for an accepted
 * socket only. Small segments after the last skb go into its tailroom (delta 0), one after a
 * gap into the skb before it; a duplicate is merged away (without SACK, no D-SACK). */
static void test_ofo_coalesce_and_rcvbuf_grow(void **state)
{
	static struct tx_log log;
	struct rxs_conn_state st;
	const uint32_t b = 41 * 1460;
	uint64_t rmem, t;
	rxs_host_t *h;

	(void)state;
	for (int accept = 0; accept < 2; accept++) {
		memset(&log, 0, sizeof(log));
		h = ofo_host(&log, accept);
		connect_one(h, &log, 40000, 0);
		t = send_run(h, &log, 1460, 1460, 40, 1460, MS);
		assert_int_equal(rxs_host_run_until(h, t), 0);
		assert_int_equal(rxs_conn_state(h, 0, &st), 0);
		assert_int_equal(st.rcv_space, 14600);
		assert_int_equal(st.rcvbuf, accept ? 140736 : 131072);
		assert_int_equal(st.window_clamp, accept ? 89059 : 131072 * 162 / 256);
		assert_int_equal(st.rmem_alloc, 40 * 2304);
		assert_int_equal(FR_MIB(h, TcpExtTCPRcvCoalesce), 0);

		rmem = st.rmem_alloc;
		t = send_run(h, &log, b, 10, 10, 10, t);		/* into the last one's tailroom */
		t = send_run(h, &log, b + 120, 0, 1, 10, t);		/* after a gap: its own skb */
		t = send_run(h, &log, b + 100, 10, 2, 10, t);		/* the gap, into the skb before */
		t = send_run(h, &log, b + 120, 0, 1, 10, t);		/* all there already */
		assert_int_equal(rxs_host_run_until(h, t), 0);
		assert_int_equal(FR_MIB(h, TcpExtTCPOFOQueue), 54);
		assert_int_equal(FR_MIB(h, TcpExtTCPRcvCoalesce), 12);
		assert_int_equal(FR_MIB(h, TcpExtTCPOFOMerge), 1);
		assert_int_equal(FR_MIB(h, TcpExtTCPDSACKOfoSent), 0);	/* no SACK here */
		assert_int_equal(rxs_conn_state(h, 0, &st), 0);
		assert_int_equal(st.rmem_alloc, rmem + 832);		/* the gapped one's skb only */
		assert_int_equal(st.drops, 1);

		t = send_run(h, &log, 0, 0, 1, 1460, t + 100 * MS);	/* the hole */
		assert_int_equal(rxs_host_run_until(h, t + SEC), 0);
		assert_int_equal(rxs_conn_state(h, 0, &st), 0);
		assert_int_equal(st.recv_q, b + 130);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* tcp_mem (pages for all of TCP), 20 segments of 1000 bytes (truesize 2304) to a buffer of
 * 128 KB. Over tcp_mem[1] the protocol enters memory pressure (TCPMemoryPressures); then a
 * socket above tcp_rmem[0] gets a page only while tcp_mem[2] exceeds its share (sockets x
 * its pages); refused, tcp_prune_queue() finds nothing to free, the in-order segment is
 * dropped (TCPRcvQDrop) and the later ones, behind the hole, too (TCPOFODrop, or past the
 * window that pressure held to 4 MSS: BeyondWindow). The count
 * moves through each CPU's reserve: with the default mem_pcpu_rsv (256 pages) a few pages
 * never reach it. */
static const struct {
	int line;
	int64_t mem[3];
	bool exact;
	unsigned int pressures, rcvq_drops, later_drops;
	uint64_t recv_q;
} tcp_mem_cases[] = {
	{ __LINE__, { 0 }, true, 0, 0, 0, 20000 },		/* the default: room */
	{ __LINE__, { 1, 2, 3 }, false, 0, 0, 0, 20000 },	/* 256-page reserves */
	/* Pages 1 and 2 (the second for a socket under tcp_rmem[0]); the third passes
	 * pressure, and the socket's 3 pages times 2 sockets exceed tcp_mem[2] = 4. */
	{ __LINE__, { 1, 2, 4 }, true, 1, 1, 16, 3000 },
	{ __LINE__, { 1, 100, 200 }, true, 0, 0, 0, 20000 },	/* above min: all the same */
	{ __LINE__, { 1, 2, 200 }, true, 1, 0, 0, 20000 },	/* pressure, within its share */
};

static void test_tcp_mem(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(tcp_mem_cases) / sizeof(tcp_mem_cases[0]); i++) {
		static struct tx_log log;
		struct rxs_conn_state st;
		rxs_host_t *h;

		print_message("case at line %d\n", tcp_mem_cases[i].line);
		memset(&log, 0, sizeof(log));
		h = mem_host(&log, 65536, tcp_mem_cases[i].mem[0] ? tcp_mem_cases[i].mem : NULL,
			     tcp_mem_cases[i].exact);
		connect_one(h, &log, 40000, 0);
		send_run(h, &log, 0, 1000, 20, 1000, MS);
		assert_int_equal(rxs_host_run_until(h, SEC), 0);
		assert_int_equal(FR_MIB(h, TcpExtTCPMemoryPressures), tcp_mem_cases[i].pressures);
		assert_int_equal(FR_MIB(h, TcpExtTCPRcvQDrop), tcp_mem_cases[i].rcvq_drops);
		/* Behind the hole: refused pages, or past the window pressure held. */
		assert_int_equal(FR_MIB(h, TcpExtTCPOFODrop) + FR_MIB(h, TcpExtBeyondWindow),
				 tcp_mem_cases[i].later_drops);
		if (tcp_mem_cases[i].later_drops)
			assert_true(FR_MIB(h, TcpExtTCPOFODrop) > 0);
		assert_int_equal(rxs_conn_state(h, 0, &st), 0);
		assert_int_equal(st.recv_q, tcp_mem_cases[i].recv_q);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
}

/* Memory pressure ends when the protocol's count falls under tcp_mem[0]: the reader's
 * sk_mem_reclaim() gives the pages back (__sk_mem_reduce_allocated), and
 * TCPMemoryPressuresChrono adds how long it lasted, in ms of jiffies. */
static void test_tcp_mem_pressure_ends(void **state)
{
	static const int64_t mem[3] = { 1, 2, 200 };
	static struct tx_log log;
	struct rxs_sk_buff *skb;
	rxs_conn_t *conn = NULL;
	uint64_t read = 0;
	rxs_host_t *h;

	(void)state;
	memset(&log, 0, sizeof(log));
	h = mem_host(&log, 65536, mem, true);
	connect_one(h, &log, 40000, 0);
	send_run(h, &log, 0, 1000, 20, 1000, MS);
	assert_int_equal(rxs_host_run_until(h, SEC), 0);
	assert_int_equal(FR_MIB(h, TcpExtTCPMemoryPressures), 1);
	assert_int_equal(FR_MIB(h, TcpExtTCPMemoryPressuresChrono), 0);
	assert_int_equal(rxs_socket_accept(rxs_socket_get(h, 0), &conn), 0);
	while (rxs_conn_recv(conn, &skb) == 0) {
		read += skb->len;
		rxs_consume_skb(skb);
	}
	assert_int_equal(read, 20000);
	/* Entered at the fourth segment (the third page, 4 ms), left at the read (1 s). */
	assert_in_range(FR_MIB(h, TcpExtTCPMemoryPressuresChrono), 990, 1000);
	assert_int_equal(FR_MIB(h, TcpExtTCPMemoryPressures), 1);
	rxs_host_destroy(h);
}

/* `rxsim gen tcp`: connections opened in the file (the server's SYN-ACKs included, as a
 * two-way capture has them) replay as full connections: the host skips its own frames but
 * takes their ISNs, so every client ACK completes its handshake. */
static void test_generated_connections(void **state)
{
	char dir[] = "/tmp/test_tcp.XXXXXX", path[64];
	struct rxs_scenario *sc;
	struct rxs_traffic_config *t;
	struct rxs_socket_config *s;
	struct rxs_socket_info si;
	struct rxs_conservation c;
	rxs_host_t *h;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.pcap", dir);
	fr_gen_connections(path, 8, 80, 100000);
	sc = fr_scenario(RXS_DRIVER_GENERIC);
	s = rxs_scenario_add_socket(sc);
	s->proto = IPPROTO_TCP;
	s->port = 80;
	t = rxs_scenario_add_traffic(sc);
	t->kind = RXS_TRAFFIC_PCAP;
	t->path = strdup(path);
	snprintf(t->nic, sizeof(t->nic), "eth0");
	h = fr_host(sc);
	assert_int_equal(rxs_host_run(h), 0);
	rxs_socket_get_info(rxs_socket_get(h, 0), &si);
	assert_int_equal(FR_MIB(h, TcpPassiveOpens), 8);
	assert_int_equal(si.delivered, 8);			/* all accepted */
	assert_int_equal(FR_MIB(h, TcpInSegs), 8 * 2 + 80);	/* the SYN-ACKs are not received */
	/* SYN-ACKs, and an ACK for each segment: a connection's first 16 data segments are
	 * quick ACKs (tcp_incr_quickack), and each has only 10. */
	assert_int_equal(FR_MIB(h, TcpOutSegs), 8 + 80);
	assert_int_equal(FR_MIB(h, TcpOutRsts), 0);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.offered, 8 * 2 + 80);
	assert_int_equal(c.consumed, c.offered);		/* every segment read */
	rxs_host_destroy(h);

	/* The same through the library's accept() and recv(): the application models leave
	 * the connections and their data to the program. */
	s->app.kind = RXS_APP_NEVER;
	s->conn_read.kind = RXS_APP_NEVER;
	h = fr_host(sc);
	assert_int_equal(rxs_host_run(h), 0);
	for (int i = 0; i < 8; i++) {
		rxs_conn_t *conn;
		struct rxs_sk_buff *skb;
		int segs = 0;

		assert_int_equal(rxs_socket_accept(rxs_socket_get(h, 0), &conn), 0);
		while (rxs_conn_recv(conn, &skb) == 0) {
			assert_int_equal(skb->len, 200 - 14 - 20 - 32);	/* payload only */
			rxs_consume_skb(skb);
			segs++;
		}
		assert_int_equal(segs, 10);
		assert_int_equal(rxs_conn_get_info(conn, &si), 0);
		assert_string_equal(si.local, "10.0.0.2:80");
		assert_int_equal(si.delivered, 10);
	}
	{
		rxs_conn_t *conn;

		assert_int_equal(rxs_socket_accept(rxs_socket_get(h, 0), &conn), -EAGAIN);
	}
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.queued, 0);
	rxs_host_destroy(h);
	rxs_scenario_free(sc);
	unlink(path);
	rmdir(dir);
}

/* The host's replies leave through OUTPUT: a rule there drops them after TCP counted them
 * (TcpOutSegs, TcpOutRsts) and before IP did (IpOutRequests), as ip_output() counts. */
static void test_output_hook(void **state)
{
	static const char rules[] = "*filter\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
				    "-A OUTPUT -p tcp --tcp-flags RST RST -j DROP\nCOMMIT\n";
	static struct tx_log log;
	struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_VETH);
	rxs_host_t *h;
	struct fr f;

	(void)state;
	memset(&log, 0, sizeof(log));
	sc->netfilter = strdup(rules);
	h = fr_host(sc);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_tx_set_cb(h, on_tx, &log), 0);
	fr_tcp(&f, 40000, 81, 5, 0, 0x02, 0);	/* no socket: answered with a RST */
	fr_inject(h, &f, 0);
	assert_int_equal(rxs_host_run_until(h, 1000000), 0);
	assert_int_equal(FR_MIB(h, TcpOutRsts), 1);
	assert_int_equal(FR_MIB(h, TcpOutSegs), 1);
	/* Requested before LOCAL_OUT, then discarded there (ip_send_unicast_reply ->
	 * ip_send_skb). */
	assert_int_equal(FR_MIB(h, IpOutRequests), 1);
	assert_int_equal(FR_MIB(h, IpOutDiscards), 1);
	assert_int_equal(FR_MIB(h, IpOutTransmits), 0);
	assert_int_equal(log.rsts, 0);		/* never left the host */
	fr_conserved(h);
	rxs_host_destroy(h);
}

/* A connected socket (connect:) 10.0.0.2:40000 -> 10.0.0.1:22, and a capture of its
 * connection: the host's own segments (skipped, learned) and the peer's. */
struct seg {
	bool own;			/* the host sent it */
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t plen;
};

static const struct {
	int line;
	struct seg segs[6];
	uint64_t active_opens, attempt_fails, out_rsts, pure_acks;
	enum rxs_drop_reason reason;	/* the only drop reason, with ndrops */
	uint64_t ndrops, delivered;	/* segments the application read */
} conn_cases[] = {
	/* tcp_connect(), then tcp_rcv_synsent_state_process: the SYN-ACK acks ISN + 1, the
	 * host ACKs it (no PureAcks: the SYN is "data"), data follows. */
	{ __LINE__, { { true, 0x02, 100, 0, 0 }, { false, 0x12, 500, 101, 0 },
		      { false, 0x18, 501, 101, 10 }, { false, 0x18, 511, 101, 10 } },
	  1, 0, 0, 0, RXS_DROP_NOT_SPECIFIED, 0, 2 },
	/* A SYN-ACK for another ISN: reset_and_undo, RST, TCP_INVALID_ACK_SEQUENCE; the right
	 * one still completes the connection. */
	{ __LINE__, { { true, 0x02, 100, 0, 0 }, { false, 0x12, 500, 999, 0 },
		      { false, 0x12, 500, 101, 0 }, { false, 0x18, 501, 101, 10 } },
	  1, 0, 1, 0, RXS_DROP_TCP_INVALID_ACK_SEQUENCE, 1, 1 },
	/* Refused: a RST that acks the SYN is tcp_reset() (AttemptFails), consumed; the
	 * connection is closed. */
	{ __LINE__, { { true, 0x02, 100, 0, 0 }, { false, 0x14, 0, 101, 0 },
		      { false, 0x18, 501, 101, 10 } },
	  1, 1, 1, 0, RXS_DROP_TCP_CLOSE, 1, 0 },
	/* A RST without ACK, a bare ACK, crossed SYNs: refused in SYN_SENT. */
	{ __LINE__, { { true, 0x02, 100, 0, 0 }, { false, 0x04, 500, 0, 0 } },
	  1, 0, 0, 0, RXS_DROP_TCP_RESET, 1, 0 },
	{ __LINE__, { { true, 0x02, 100, 0, 0 }, { false, 0x10, 500, 101, 0 } },
	  1, 0, 0, 0, RXS_DROP_TCP_FLAGS, 1, 0 },
	{ __LINE__, { { true, 0x02, 100, 0, 0 }, { false, 0x02, 500, 0, 0 } },
	  1, 0, 0, 0, RXS_DROP_TCP_FLAGS, 1, 0 },
	/* The SYN sent again (the same ISN) is one connect(). */
	{ __LINE__, { { true, 0x02, 100, 0, 0 }, { true, 0x02, 100, 0, 0 },
		      { false, 0x12, 500, 101, 0 }, { false, 0x18, 501, 101, 10 } },
	  1, 0, 0, 0, RXS_DROP_NOT_SPECIFIED, 0, 1 },
	/* No SYN: joined mid-way, rcv_nxt from the first segment; in order from there. */
	{ __LINE__, { { false, 0x18, 7000, 300, 100 }, { false, 0x18, 7100, 300, 100 },
		      { false, 0x10, 7200, 300, 0 } },
	  0, 0, 0, 1, RXS_DROP_NOT_SPECIFIED, 0, 2 },
	/* ... after the host's own data: a pure ACK of it; then data, and its retransmission. */
	{ __LINE__, { { true, 0x18, 300, 7000, 50 }, { false, 0x10, 7000, 350, 0 },
		      { false, 0x18, 7000, 350, 20 }, { false, 0x18, 7000, 350, 20 } },
	  0, 0, 0, 1, RXS_DROP_TCP_OLD_DATA, 1, 1 },
	/* A SYN-ACK first: the host's SYN is not in the capture; its ISN is what it acks. */
	{ __LINE__, { { false, 0x12, 500, 101, 0 }, { false, 0x18, 501, 101, 10 } },
	  1, 0, 0, 0, RXS_DROP_NOT_SPECIFIED, 0, 1 },
	/* Mid-way, the peer resets: the connection ends (EstabResets), nothing after it. */
	{ __LINE__, { { false, 0x18, 7000, 300, 10 }, { false, 0x04, 7010, 0, 0 } },
	  0, 0, 0, 0, RXS_DROP_TCP_RESET, 1, 1 },
};

/* A capture of the frames to the host alone (one-way) holds no SYN-ACK: the host's ISN is the
 * one the peer's ACK acknowledges. A two-way capture's SYN-ACK says which ISN it was, and an
 * ACK of another is reset. */
static void test_one_way_capture(void **state)
{
	static const struct {
		int line;
		uint32_t synack_isn;		/* 0: not in the capture */
		uint32_t ack;
		uint64_t opens, rsts;
	} cases[] = {
		{ __LINE__, 0, 777778, 1, 0 },
		{ __LINE__, 5000, 5001, 1, 0 },
		{ __LINE__, 5000, 777778, 0, 2 },	/* the ACK and the data */
	};
	char dir[] = "/tmp/test_tcp.XXXXXX", path[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.pcap", dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
		struct rxs_socket_config *s = rxs_scenario_add_socket(sc);
		struct rxs_traffic_config *t;
		rxs_host_t *h;
		struct capw w;
		struct fr f;

		capw_open(&w, path, CAPW_EN10MB);
		capw_tcp(&f, fr_host_mac, fr_peer_mac, FR_PEER_IP, FR_HOST_IP, 40000, 22, 0x02,
			 1000, 0, 0);
		capw_add(&w, &f);
		if (cases[i].synack_isn) {
			capw_tcp(&f, fr_peer_mac, fr_host_mac, FR_HOST_IP, FR_PEER_IP, 22, 40000,
				 0x12, cases[i].synack_isn, 1001, 0);
			capw_add(&w, &f);
		}
		capw_tcp(&f, fr_host_mac, fr_peer_mac, FR_PEER_IP, FR_HOST_IP, 40000, 22, 0x10,
			 1001, cases[i].ack, 0);
		capw_add(&w, &f);
		capw_tcp(&f, fr_host_mac, fr_peer_mac, FR_PEER_IP, FR_HOST_IP, 40000, 22, 0x18,
			 1001, cases[i].ack, 100);
		capw_add(&w, &f);
		capw_close(&w);
		s->proto = IPPROTO_TCP;
		assert_int_equal(rxs_addr_parse(&s->local, FR_HOST_IP), 0);
		s->port = 22;
		s->backlog = 16;
		t = rxs_scenario_add_traffic(sc);
		t->kind = RXS_TRAFFIC_PCAP;
		t->path = strdup(path);
		snprintf(t->nic, sizeof(t->nic), "eth0");
		h = fr_host(sc);
		rxs_scenario_free(sc);
		assert_int_equal(rxs_host_run(h), 0);
		if (FR_MIB(h, TcpPassiveOpens) != cases[i].opens ||
		    FR_MIB(h, TcpOutRsts) != cases[i].rsts)
			fail_msg("case at line %d: PassiveOpens %" PRIu64 " OutRsts %" PRIu64,
				 cases[i].line, FR_MIB(h, TcpPassiveOpens), FR_MIB(h, TcpOutRsts));
		fr_conserved(h);
		rxs_host_destroy(h);
	}
	unlink(path);
	rmdir(dir);
}

static void test_connected_socket(void **state)
{
	char dir[] = "/tmp/test_tcp.XXXXXX", path[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.pcap", dir);
	for (size_t i = 0; i < sizeof(conn_cases) / sizeof(conn_cases[0]); i++) {
		struct rxs_scenario *sc = fr_scenario(RXS_DRIVER_GENERIC);
		struct rxs_socket_config *s = rxs_scenario_add_socket(sc);
		struct rxs_traffic_config *t;
		struct rxs_socket_info si;
		uint64_t reasons[RXS_DROP_MAX], other = 0;
		rxs_host_t *h;
		struct capw w;
		struct fr f;

		capw_open(&w, path, CAPW_EN10MB);
		for (const struct seg *g = conn_cases[i].segs; g->flags; g++) {
			if (g->own)
				capw_tcp(&f, fr_peer_mac, fr_host_mac, FR_HOST_IP, FR_PEER_IP, 40000,
					 22, g->flags, g->seq, g->ack, g->plen);
			else
				capw_tcp(&f, fr_host_mac, fr_peer_mac, FR_PEER_IP, FR_HOST_IP, 22,
					 40000, g->flags, g->seq, g->ack, g->plen);
			capw_add(&w, &f);
		}
		capw_close(&w);
		s->proto = IPPROTO_TCP;
		assert_int_equal(rxs_addr_parse(&s->local, FR_HOST_IP), 0);
		s->port = 40000;
		assert_int_equal(rxs_addr_parse(&s->peer, FR_PEER_IP), 0);
		s->peer_port = 22;
		t = rxs_scenario_add_traffic(sc);
		t->kind = RXS_TRAFFIC_PCAP;
		t->path = strdup(path);
		snprintf(t->nic, sizeof(t->nic), "eth0");
		h = fr_host(sc);
		rxs_scenario_free(sc);
		assert_int_equal(rxs_host_run(h), 0);
		rxs_host_drop_reasons(h, reasons);
		for (int r = 0; r < RXS_DROP_MAX; r++)
			other += r == (int)conn_cases[i].reason ? 0 : reasons[r];
		rxs_socket_get_info(rxs_socket_get(h, 0), &si);
		if (FR_MIB(h, TcpActiveOpens) != conn_cases[i].active_opens ||
		    FR_MIB(h, TcpAttemptFails) != conn_cases[i].attempt_fails ||
		    FR_MIB(h, TcpOutRsts) != conn_cases[i].out_rsts ||
		    FR_MIB(h, TcpExtTCPPureAcks) != conn_cases[i].pure_acks ||
		    reasons[conn_cases[i].reason] != conn_cases[i].ndrops || other ||
		    si.delivered != conn_cases[i].delivered)
			fail_msg("case at line %d: ActiveOpens %llu AttemptFails %llu OutRsts %llu "
				 "PureAcks %llu, %llu %s and %llu others, %llu read",
				 conn_cases[i].line, (unsigned long long)FR_MIB(h, TcpActiveOpens),
				 (unsigned long long)FR_MIB(h, TcpAttemptFails),
				 (unsigned long long)FR_MIB(h, TcpOutRsts),
				 (unsigned long long)FR_MIB(h, TcpExtTCPPureAcks),
				 (unsigned long long)reasons[conn_cases[i].reason],
				 rxs_drop_reason_name(conn_cases[i].reason),
				 (unsigned long long)other, (unsigned long long)si.delivered);
		fr_conserved(h);
		rxs_host_destroy(h);
	}
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_queue_edges),
		cmocka_unit_test(test_syn_queue_edges),
		cmocka_unit_test(test_syn_flood_no_alloc),
		cmocka_unit_test(test_parse_options),
		cmocka_unit_test(test_synack_timer),
		cmocka_unit_test(test_syn_resent),
		cmocka_unit_test(test_synack_unseen_counts),
		cmocka_unit_test(test_cookie_synack_seen_by_tap),
		cmocka_unit_test(test_final_ack_overflow),
		cmocka_unit_test(test_resets),
		cmocka_unit_test(test_established_data),
		cmocka_unit_test(test_paws),
		cmocka_unit_test(test_defer_accept),
		cmocka_unit_test(test_rst_acceptable),
		cmocka_unit_test(test_quickack_then_delayed),
		cmocka_unit_test(test_generated_connections),
		cmocka_unit_test(test_output_hook),
		cmocka_unit_test(test_connected_socket),
		cmocka_unit_test(test_one_way_capture),
		cmocka_unit_test(test_collapse_receive_queue),
		cmocka_unit_test(test_ofo_collapse_and_prune),
		cmocka_unit_test(test_ofo_coalesce_and_rcvbuf_grow),
		cmocka_unit_test(test_tcp_mem),
		cmocka_unit_test(test_tcp_mem_pressure_ends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
