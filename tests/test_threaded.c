/* test_threaded.c - the threaded engine: real threads, real clock; run under ThreadSanitizer
 * in CI (build with -DRXS_TSAN=ON). Not deterministic: the tests check what must hold in
 * every interleaving: every packet accounted for, nothing lost when the host keeps up. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "frames.h"
#include "rxsim/rxsim.h"

static rxs_host_t *flood_host(const char *rate, unsigned int count, unsigned int cpus,
			      const char *read, unsigned int ring)
{
	char yaml[768], err[256];
	struct rxs_scenario *sc = NULL;
	rxs_host_t *h = NULL;

	snprintf(yaml, sizeof(yaml),
		 "host: { cpus: %u }\n"
		 "nics:\n  - { name: eth0, addresses: [10.0.0.2/24], rx_queues: %u, ring_size: %u,"
		 " rss: { udp_4tuple: true } }\n"
		 "sockets:\n  - { name: s, proto: udp, bind: '0.0.0.0:9', rcvbuf: 4194304,"
		 " app: { read: %s } }\n"
		 "traffic:\n  - { generate: udp_flood, rate: %s, flows: 64, count: %u }\n"
		 "run: { until: end+50ms }\n",
		 cpus, cpus, ring, read, rate, count);
	if (rxs_scenario_parse(&sc, yaml, strlen(yaml), "threaded.yaml", NULL, err, sizeof(err)))
		fail_msg("%s", err);
	if (rxs_host_create(&h, sc, err, sizeof(err)))
		fail_msg("%s", err);
	rxs_scenario_free(sc);
	return h;
}

/* A host that keeps up delivers every datagram, whichever CPU thread ran it. The rings hold
 * 200 ms of this traffic, so a CPU thread descheduled for a while loses nothing. */
static void test_keeps_up(void **state)
{
	rxs_host_t *h = flood_host("20kpps", 3000, 2, "all", 4096);
	struct rxs_conservation c;
	struct rxs_softnet_stat s0, s1;

	(void)state;
	assert_false(rxs_host_is_threaded(h));
	assert_int_equal(rxs_host_run_threaded(h, false), 0);
	assert_true(rxs_host_is_threaded(h));
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.offered, 3000);
	if (c.consumed != 3000)
		print_message("consumed %llu dropped %llu queued %llu\n",
			      (unsigned long long)c.consumed, (unsigned long long)c.dropped,
			      (unsigned long long)c.queued);
	assert_int_equal(c.consumed, 3000);
	assert_int_equal(rxs_host_mib(h, RXS_MIB_UdpInDatagrams), 3000);
	rxs_softnet_get_stat(h, 0, &s0);
	rxs_softnet_get_stat(h, 1, &s1);
	assert_int_equal(s0.processed + s1.processed, 3000);
	assert_true(s0.processed > 0 && s1.processed > 0);	/* RSS spread the flows */
	rxs_host_destroy(h);
}

/* Paced at 10 Mpps into small rings the host falls behind (the NIC thread delivers as fast
 * as it can, with no flow control); whatever is lost is counted. The flood lasts 20 ms of
 * real time, long enough for the CPU threads to be scheduled during it on a busy machine. */
static void test_overload_conserves(void **state)
{
	rxs_host_t *h = flood_host("10Mpps", 200000, 2, "all", 64);
	struct rxs_conservation c;

	(void)state;
	assert_int_equal(rxs_host_run_threaded(h, false), 0);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.offered, 200000);
	assert_int_equal(c.consumed + c.dropped + c.queued, 200000);
	/* The NIC thread lets the CPUs in while it floods: they get more than the rings held. */
	assert_true(c.consumed > 2 * 64);
	rxs_host_destroy(h);
}

/* Two traffic sources, two NIC threads, one host: both deliver everything. */
static void test_two_sources(void **state)
{
	static const char yaml[] =
		"host: { cpus: 2 }\n"
		"nics:\n  - { name: eth0, addresses: [10.0.0.2/24], ring_size: 4096 }\n"
		"  - { name: eth1, addresses: [10.0.1.2/24], ring_size: 4096 }\n"
		"sockets:\n  - { name: a, proto: udp, bind: '0.0.0.0:9', rcvbuf: 4194304 }\n"
		"  - { name: b, proto: udp, bind: '0.0.0.0:53', rcvbuf: 4194304 }\n"
		"traffic:\n  - { generate: udp_flood, nic: eth0, rate: 20kpps, count: 1000 }\n"
		"  - { generate: udp_flood, nic: eth1, rate: 10kpps, count: 500, dport: 53 }\n"
		"run: { until: end+50ms }\n";
	char err[256];
	struct rxs_scenario *sc = NULL;
	struct rxs_socket_info a, b;
	struct rxs_conservation c;
	rxs_host_t *h = NULL;

	(void)state;
	if (rxs_scenario_parse(&sc, yaml, strlen(yaml), "two.yaml", NULL, err, sizeof(err)))
		fail_msg("%s", err);
	if (rxs_host_create(&h, sc, err, sizeof(err)))
		fail_msg("%s", err);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_host_run_threaded(h, false), 0);
	assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, 0), &a), 0);
	assert_int_equal(rxs_socket_get_info(rxs_socket_get(h, 1), &b), 0);
	assert_int_equal(a.delivered, 1000);
	assert_int_equal(b.delivered, 500);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.offered, 1500);
	assert_int_equal(c.consumed, 1500);
	rxs_host_destroy(h);
}

static rxs_host_t *host_of(const char *yaml);

/* At top speed the NIC holds frames while a ring is deep (flow control): nothing is lost
 * however far ahead of the CPUs it could run. Also with a ring smaller than the mark and
 * one queue for two CPUs, where the idle CPU is the NIC while the other polls and the
 * descriptors the poll reaped wait for its refill. */
static void test_top_speed_lossless(void **state)
{
	static const char one_queue[] =
		"host: { cpus: 2 }\n"
		"nics:\n  - { name: eth0, addresses: [10.0.0.2/24], rx_queues: 1, ring_size: 64 }\n"
		"sockets:\n  - { name: s, proto: udp, bind: '0.0.0.0:9', rcvbuf: 4194304 }\n"
		"traffic:\n  - { generate: udp_flood, rate: 1Mpps, flows: 64, count: 50000 }\n"
		"run: { until: end+50ms }\n";

	(void)state;
	for (unsigned int i = 0; i < 2; i++) {
		rxs_host_t *h = i ? host_of(one_queue) : flood_host("1Mpps", 50000, 2, "all", 512);
		struct rxs_conservation c;
		uint64_t drops[RXS_DROP_MAX];

		assert_int_equal(rxs_host_run_threaded(h, true), 0);
		assert_int_equal(rxs_host_conservation(h, &c), 0);
		rxs_host_drop_reasons(h, drops);
		assert_int_equal(drops[RXS_DROP_FULL_RING], 0);
		assert_int_equal(c.offered, 50000);
		assert_int_equal(c.consumed, 50000);
		assert_int_equal(rxs_host_mib(h, RXS_MIB_UdpInDatagrams), 50000);
		rxs_host_destroy(h);
	}
}

static rxs_host_t *host_of(const char *yaml)
{
	char err[256];
	struct rxs_scenario *sc = NULL;
	rxs_host_t *h = NULL;

	if (rxs_scenario_parse(&sc, yaml, strlen(yaml), "t.yaml", NULL, err, sizeof(err)))
		fail_msg("%s", err);
	if (rxs_host_create(&h, sc, err, sizeof(err)))
		fail_msg("%s", err);
	rxs_scenario_free(sc);
	return h;
}

/* Tracepoint functions run one at a time under the host lock: plain counters do. */
static void count_event(void *ctx, const struct rxs_trace_event *ev)
{
	uint64_t *n = ctx;

	n[ev->tp]++;
}

/*
 * The parts of the path under the host lock (netfilter, a tap, tracepoints) and RPS between
 * CPU threads
 * (backlog locks, IPIs through the mailboxes), at a pace the host keeps up with: the
 * threaded engine counts what the virtual engine counts, reason by reason.
 */
static void test_matches_virtual(void **state)
{
	static const char yaml[] =
		"host: { cpus: 2 }\n"
		"nics:\n  - { name: eth0, addresses: [10.0.0.2/24], ring_size: 4096,"
		" rps_cpus: [[0, 1]] }\n"
		"netfilter: |\n"
		"    *filter\n"
		"    :INPUT ACCEPT [0:0]\n"
		"    -A INPUT -p udp --dport 99 -j DROP\n"
		"    COMMIT\n"
		"taps:\n  - { name: t, filter: \"udp port 9\" }\n"
		"sockets:\n  - { name: s, proto: udp, bind: '0.0.0.0:9', rcvbuf: 4194304 }\n"
		"traffic:\n  - { generate: udp_flood, rate: 20kpps, flows: 64, count: 1500 }\n"
		"  - { generate: udp_flood, rate: 10kpps, flows: 8, count: 500, dport: 99 }\n"
		"run: { until: end+500ms }\n";
	static const enum rxs_mib mibs[] = { RXS_MIB_IpInReceives, RXS_MIB_IpInDelivers,
					      RXS_MIB_UdpInDatagrams, RXS_MIB_UdpNoPorts };
	rxs_host_t *v = host_of(yaml), *t = host_of(yaml);
	uint64_t rv[RXS_DROP_MAX], rt[RXS_DROP_MAX];
	struct rxs_conservation cv, ct;
	struct rxs_tap_stats tv, tt;
	struct rxs_softnet_stat s1;
	uint64_t seen_v[RXS_TP_COUNT] = { 0 }, seen_t[RXS_TP_COUNT] = { 0 };
	static const enum rxs_tracepoint tps[] = { RXS_TP_KFREE_SKB, RXS_TP_NETIF_RECEIVE_SKB,
						   RXS_TP_STAGE };

	(void)state;
	for (unsigned int i = 0; i < sizeof(tps) / sizeof(tps[0]); i++) {
		assert_int_equal(rxs_trace_register(v, tps[i], count_event, seen_v), 0);
		assert_int_equal(rxs_trace_register(t, tps[i], count_event, seen_t), 0);
	}
	assert_int_equal(rxs_host_run(v), 0);
	assert_int_equal(rxs_host_run_threaded(t, false), 0);
	for (unsigned int i = 0; i < sizeof(tps) / sizeof(tps[0]); i++)
		assert_int_equal(seen_t[tps[i]], seen_v[tps[i]]);
	assert_int_equal(seen_t[RXS_TP_NETIF_RECEIVE_SKB], 2000);
	assert_int_equal(rxs_host_conservation(v, &cv), 0);
	assert_int_equal(rxs_host_conservation(t, &ct), 0);
	assert_int_equal(ct.offered, 2000);
	assert_int_equal(ct.offered, cv.offered);
	assert_int_equal(ct.consumed, cv.consumed);
	assert_int_equal(ct.dropped, cv.dropped);
	assert_int_equal(ct.dropped, 500);
	rxs_host_drop_reasons(v, rv);
	rxs_host_drop_reasons(t, rt);
	for (unsigned int r = 0; r < RXS_DROP_MAX; r++)
		assert_int_equal(rt[r], rv[r]);
	assert_int_equal(rt[RXS_DROP_NETFILTER_DROP], 500);
	for (unsigned int i = 0; i < sizeof(mibs) / sizeof(mibs[0]); i++)
		assert_int_equal(rxs_host_mib(t, mibs[i]), rxs_host_mib(v, mibs[i]));
	rxs_tap_get_stats(rxs_tap_get(v, 0), &tv);
	rxs_tap_get_stats(rxs_tap_get(t, 0), &tt);
	assert_int_equal(tt.tp_packets, 1500);
	assert_int_equal(tt.tp_packets, tv.tp_packets);
	rxs_softnet_get_stat(t, 1, &s1);
	assert_true(s1.received_rps > 0);	/* CPU 0 sent CPU 1 its share by IPI */
	assert_true(s1.processed > 0);
	rxs_host_destroy(v);
	rxs_host_destroy(t);
}

/* veth: the NIC thread is the sender, so netif_rx() reaches the backlog from outside any
 * CPU thread; RPS moves it to CPU 1. */
static void test_veth_rps(void **state)
{
	static const char yaml[] =
		"host: { cpus: 2 }\n"
		"nics:\n  - { name: veth0, driver: veth, addresses: [10.0.0.2/24],"
		" rps_cpus: [[1]] }\n"
		"sockets:\n  - { name: s, proto: udp, bind: '0.0.0.0:9', rcvbuf: 4194304 }\n"
		"traffic:\n  - { generate: udp_flood, rate: 20kpps, flows: 16, count: 2000 }\n"
		"run: { until: end+50ms }\n";
	rxs_host_t *h = host_of(yaml);
	struct rxs_conservation c;
	struct rxs_softnet_stat s0, s1;

	(void)state;
	assert_int_equal(rxs_host_run_threaded(h, false), 0);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.offered, 2000);
	assert_int_equal(c.consumed, 2000);
	rxs_softnet_get_stat(h, 0, &s0);
	rxs_softnet_get_stat(h, 1, &s1);
	assert_int_equal(s1.processed, 2000);	/* every packet climbed the stack on CPU 1 */
	assert_int_equal(s0.processed, 0);
	assert_true(s1.received_rps > 0);
	rxs_host_destroy(h);
}

struct reader {
	rxs_host_t *h;
	unsigned int got;
};

/* An application thread blocked in recv: wakes for each datagram. */
static void *reader_main(void *p)
{
	struct reader *r = p;
	rxs_socket_t *sock = rxs_socket_get(r->h, 0);
	struct rxs_sk_buff *skb;

	while (r->got < 500 && rxs_socket_recv_wait(sock, &skb, 2000000000ull) == 0) {
		rxs_consume_skb(skb);
		r->got++;
	}
	return NULL;
}

static void test_blocking_recv(void **state)
{
	rxs_host_t *h = flood_host("50kpps", 500, 1, "never", 4096);	/* 80 ms of it */
	struct reader r = { h, 0 };
	struct rxs_conservation c;
	pthread_t t;

	(void)state;
	assert_int_equal(rxs_host_start_threaded(h, false), 0);
	pthread_create(&t, NULL, reader_main, &r);
	assert_int_equal(rxs_host_wait_threaded(h), 0);
	pthread_join(t, NULL);
	assert_int_equal(r.got, 500);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.consumed, 500);
	assert_int_equal(rxs_host_run_threaded(h, false), -EBUSY);	/* once per host */
	rxs_host_destroy(h);
}

/* An application thread polling with the non-blocking call, as a program with its own
 * event loop does, while two CPU threads queue on the socket. */
static void *poller_main(void *p)
{
	struct reader *r = p;
	struct rxs_sk_buff *skb;

	for (unsigned int idle = 0; r->got < 2000 && idle < 2000000; idle++) {
		if (rxs_socket_recv(rxs_socket_get(r->h, 0), &skb) == 0) {
			rxs_consume_skb(skb);
			r->got++;
			idle = 0;
		} else {
			sched_yield();
		}
	}
	return NULL;
}

static void test_polling_recv(void **state)
{
	/* Rings of 160 ms of this traffic: a CPU thread descheduled by a busy machine loses
	 * nothing (with 512 descriptors, 20 ms, a fresh-clone CI run once lost 81 frames). */
	rxs_host_t *h = flood_host("50kpps", 2000, 2, "never", 4096);
	struct reader r = { h, 0 };
	struct rxs_conservation c;
	pthread_t t;

	(void)state;
	assert_int_equal(rxs_host_start_threaded(h, false), 0);
	pthread_create(&t, NULL, poller_main, &r);
	assert_int_equal(rxs_host_wait_threaded(h), 0);
	pthread_join(t, NULL);
	assert_int_equal(r.got, 2000);
	/* counted in process context */
	assert_int_equal(rxs_host_mib(h, RXS_MIB_UdpInDatagrams), 2000);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.consumed, 2000);
	rxs_host_destroy(h);
}

struct tcp_app {
	rxs_host_t *h;
	unsigned int conns, segs;
};

/* A server thread: accept() each connection, then recv() its segments, both blocking. */
static void *tcp_app_main(void *p)
{
	struct tcp_app *a = p;

	for (unsigned int i = 0; i < 8; i++) {
		rxs_conn_t *conn;
		struct rxs_sk_buff *skb;
		unsigned int segs = 0;

		if (rxs_socket_accept_wait(rxs_socket_get(a->h, 0), &conn, 2000000000ull))
			break;
		a->conns++;
		while (segs < 10 && rxs_conn_recv_wait(conn, &skb, 2000000000ull) == 0) {
			if (skb->len == 200 - 14 - 20 - 32)	/* payload only */
				segs++;
			rxs_consume_skb(skb);
		}
		a->segs += segs;
	}
	return NULL;
}

static void test_blocking_accept(void **state)
{
	char dir[] = "/tmp/rxsim-threaded-XXXXXX", path[64], yaml[768], err[256];
	struct rxs_scenario *sc = NULL;
	struct rxs_conservation c;
	struct tcp_app a = { NULL, 0, 0 };
	pthread_t t;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.pcap", dir);
	fr_gen_connections(path, 8, 80, 20000);
	snprintf(yaml, sizeof(yaml),
		 "nics:\n  - { name: eth0, mac: '02:00:00:00:00:02', addresses: [10.0.0.2/24] }\n"
		 "sockets:\n  - { name: web, proto: tcp, bind: '0.0.0.0:80',"
		 " app: { accept: never, read: never } }\n"
		 "traffic:\n  - { pcap: '%s' }\n"
		 "run: { until: end+50ms }\n", path);
	if (rxs_scenario_parse(&sc, yaml, strlen(yaml), "tcp.yaml", NULL, err, sizeof(err)))
		fail_msg("%s", err);
	if (rxs_host_create(&a.h, sc, err, sizeof(err)))
		fail_msg("%s", err);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_host_start_threaded(a.h, false), 0);
	pthread_create(&t, NULL, tcp_app_main, &a);
	assert_int_equal(rxs_host_wait_threaded(a.h), 0);
	pthread_join(t, NULL);
	assert_int_equal(a.conns, 8);
	assert_int_equal(a.segs, 80);
	assert_int_equal(rxs_host_conservation(a.h, &c), 0);
	assert_int_equal(c.offered, 8 * 2 + 80);	/* the host's own SYN-ACKs are not replayed */
	assert_int_equal(c.queued, 0);
	rxs_host_destroy(a.h);
	unlink(path);
	rmdir(dir);
}

/* The TX-offload placeholder in the UDP checksum of untagged IPv4 frame @f: the folded sum
 * of its pseudo header, as a capture taken on the sender holds it (nic/csum.c). */
static void udp_placeholder(struct fr *f)
{
	const uint8_t *ip = f->d + 14;
	uint32_t sum = 17u + (uint32_t)(ip[24] << 8 | ip[25]);

	for (unsigned int i = 12; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	f->d[14 + 20 + 6] = (uint8_t)(sum >> 8);
	f->d[14 + 20 + 7] = (uint8_t)sum;
}

/* A capture of UDP datagrams over many flows, with frames for another MAC and runts among
 * them: the frames no queue takes; and checksums to repair (TX-offload placeholders, 1 in
 * 7) or not (wrong ones, 1 in 11). */
static void write_udp_mix(const char *path, unsigned int n)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = pcap_dump_open(p, path);
	struct fr f;

	assert_non_null(d);
	for (unsigned int i = 0; i < n; i++) {
		struct pcap_pkthdr ph = { .ts = { .tv_sec = 1, .tv_usec = (suseconds_t)i } };

		fr_udp_vlan(&f, i % 10 == 3 ? fr_other_mac : fr_host_mac, false, 0, FR_PEER_IP,
			    FR_HOST_IP, (uint16_t)(1000 + i % 300), 9, 18);
		if (i % 7 == 2)
			udp_placeholder(&f);
		else if (i % 11 == 5)
			f.d[14 + 20 + 7] ^= 0x5a;
		ph.caplen = ph.len = i % 25 == 7 ? 10 : f.len;
		pcap_dump((u_char *)d, &ph, f.d);
	}
	pcap_dump_close(d);
	pcap_close(p);
}

/*
 * Top speed with a NIC's queues bound to two CPUs: each CPU replays the frames of its own
 * queues from a reader of its own. Every frame is still offered once: the ones no queue
 * takes (another MAC, runts) are counted by the first reader alone, each queue receives
 * what RSS gives it, and the connections of a two-way capture open although only the first
 * reader learns the host's ISNs from its SYN-ACKs. Counted as the virtual engine counts.
 */
static void test_split_readers(void **state)
{
	char dir[] = "/tmp/test_threaded.XXXXXX", tcp[64], udp[64], yaml[1024];
	rxs_host_t *v, *t;
	struct rxs_conservation cv, ct;
	struct rxs_nic_stats nv, nt;
	uint64_t rv[RXS_DROP_MAX], rt[RXS_DROP_MAX];
	struct rxs_softnet_stat s0, s1;
	static const enum rxs_mib mibs[] = { RXS_MIB_IpInReceives, RXS_MIB_UdpInDatagrams,
					      RXS_MIB_UdpInCsumErrors, RXS_MIB_TcpPassiveOpens,
					      RXS_MIB_TcpInSegs, RXS_MIB_TcpOutRsts };
	struct rxs_traffic_info tv, tt;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(tcp, sizeof(tcp), "%s/tcp.pcap", dir);
	snprintf(udp, sizeof(udp), "%s/udp.pcap", dir);
	fr_gen_connections(tcp, 64, 640, 100000);
	write_udp_mix(udp, 6000);
	snprintf(yaml, sizeof(yaml),
		 "host: { cpus: 2 }\n"
		 "nics:\n  - { name: eth0, mac: '02:00:00:00:00:02', addresses: [10.0.0.2/24],"
		 " rx_queues: 4, ring_size: 1024, rss: { udp_4tuple: true } }\n"
		 "sockets:\n  - { name: web, proto: tcp, bind: '0.0.0.0:80' }\n"
		 "  - { name: s, proto: udp, bind: '0.0.0.0:9', rcvbuf: 16777216 }\n"
		 "traffic:\n  - { pcap: '%s' }\n  - { pcap: '%s' }\n"
		 "run: { until: end+50ms }\n",
		 tcp, udp);
	v = host_of(yaml);
	t = host_of(yaml);
	assert_int_equal(rxs_host_run(v), 0);
	assert_int_equal(rxs_host_run_threaded(t, true), 0);
	assert_int_equal(rxs_host_conservation(v, &cv), 0);
	assert_int_equal(rxs_host_conservation(t, &ct), 0);
	assert_int_equal(ct.offered, 2 * 64 + 640 + 6000);	/* SYN-ACKs are the host's own */
	assert_int_equal(ct.offered, cv.offered);
	assert_int_equal(ct.consumed, cv.consumed);
	assert_int_equal(ct.dropped, cv.dropped);
	rxs_host_drop_reasons(v, rv);
	rxs_host_drop_reasons(t, rt);
	for (unsigned int r = 0; r < RXS_DROP_MAX; r++)
		assert_int_equal(rt[r], rv[r]);
	assert_int_equal(rt[RXS_DROP_NIC_MAC_FILTER], 600);
	assert_int_equal(rt[RXS_DROP_NIC_LENGTH], 240);
	for (unsigned int i = 0; i < sizeof(mibs) / sizeof(mibs[0]); i++)
		assert_int_equal(rxs_host_mib(t, mibs[i]), rxs_host_mib(v, mibs[i]));
	assert_int_equal(rxs_host_mib(t, RXS_MIB_TcpPassiveOpens), 64);
	assert_true(rxs_host_mib(t, RXS_MIB_UdpInCsumErrors) > 0);
	/* Each reader repairs the checksums of the frames it replays, and the counts add up. */
	assert_int_equal(rxs_host_traffic_info(v, 1, &tv), 0);
	assert_int_equal(rxs_host_traffic_info(t, 1, &tt), 0);
	assert_true(tv.source.csum_offload > 0);
	assert_int_equal(tt.source.csum_offload, tv.source.csum_offload);
	assert_int_equal(tt.source.csum_rewritten, tv.source.csum_rewritten);
	assert_int_equal(tt.source.frames, tv.source.frames);
	assert_int_equal(rxs_host_mib(t, RXS_MIB_TcpOutRsts), 0);
	for (unsigned int q = 0; q < 4; q++) {
		assert_int_equal(rxs_nic_get_queue_stats(v, 0, q, &nv, NULL, NULL), 0);
		assert_int_equal(rxs_nic_get_queue_stats(t, 0, q, &nt, NULL, NULL), 0);
		assert_int_equal(nt.rx_packets, nv.rx_packets);
		assert_true(nt.rx_packets > 0);
	}
	for (unsigned int i = 0; i < 2; i++) {	/* the UDP reader takes each at once */
		struct rxs_socket_info iv, it;

		assert_int_equal(rxs_socket_get_info(rxs_socket_get(v, i), &iv), 0);
		assert_int_equal(rxs_socket_get_info(rxs_socket_get(t, i), &it), 0);
		assert_int_equal(it.delivered, iv.delivered);
		assert_int_equal(it.delivered_bytes, iv.delivered_bytes);
		assert_int_equal(it.drops, iv.drops);
		assert_true(it.delivered > 0);
	}
	assert_int_equal(rxs_nic_get_stats(t, 0, &nt), 0);
	assert_int_equal(nt.rx_mac_filtered, 600);
	assert_int_equal(nt.rx_length_errors, 240);
	rxs_softnet_get_stat(t, 0, &s0);
	rxs_softnet_get_stat(t, 1, &s1);
	assert_true(s0.processed > 0 && s1.processed > 0);
	rxs_host_destroy(v);
	rxs_host_destroy(t);
	unlink(tcp);
	unlink(udp);
	rmdir(dir);
}

/*
 * Multicast on two CPU threads: 2000 datagrams to 239.1.1.1 over many flows, 1 in 10 to a
 * port no socket has. Both sockets on port 9 joined the group and read at once, so every
 * copy is read (UdpInDatagrams twice the frames to port 9), each frame is counted once
 * (consumed by the first socket's copy), and the rest are UdpIgnoredMulti.
 */
static void test_multicast_threaded(void **state)
{
	static const uint8_t group_mac[6] = { 0x01, 0x00, 0x5e, 0x01, 0x01, 0x01 };
	char dir[] = "/tmp/test_threaded.XXXXXX", path[64], yaml[1024], err[256];
	struct rxs_scenario *sc = NULL;
	struct rxs_conservation c;
	rxs_host_t *h = NULL;
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;
	struct fr f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/mcast.pcap", dir);
	d = pcap_dump_open(p, path);
	assert_non_null(d);
	for (unsigned int i = 0; i < 2000; i++) {
		struct pcap_pkthdr ph = { .ts = { .tv_sec = 1, .tv_usec = (suseconds_t)(i * 5) } };

		fr_udp_vlan(&f, group_mac, false, 0, FR_PEER_IP, "239.1.1.1",
			    (uint16_t)(1000 + i % 300), i % 10 == 3 ? 10 : 9, 18);
		ph.caplen = ph.len = f.len;
		pcap_dump((u_char *)d, &ph, f.d);
	}
	pcap_dump_close(d);
	pcap_close(p);
	snprintf(yaml, sizeof(yaml),
		 "host: { cpus: 2 }\n"
		 "nics:\n  - { name: eth0, mac: '02:00:00:00:00:02', addresses: [10.0.0.2/24],"
		 " rx_queues: 2, ring_size: 4096, rss: { udp_4tuple: true } }\n"
		 "sockets:\n"
		 "  - { name: a, proto: udp, bind: '0.0.0.0:9', rcvbuf: 16777216, join: [239.1.1.1] }\n"
		 "  - { name: b, proto: udp, bind: '0.0.0.0:9', rcvbuf: 16777216, join: [239.1.1.1] }\n"
		 "traffic:\n  - { pcap: '%s' }\nrun: { until: end+50ms }\n", path);
	if (rxs_scenario_parse(&sc, yaml, strlen(yaml), "mcast.yaml", NULL, err, sizeof(err)))
		fail_msg("%s", err);
	if (rxs_host_create(&h, sc, err, sizeof(err)))
		fail_msg("%s", err);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_host_run_threaded(h, false), 0);
	assert_int_equal(rxs_host_conservation(h, &c), 0);
	assert_int_equal(c.offered, 2000);
	assert_int_equal(c.consumed, 1800);
	assert_int_equal(c.dropped, 200);
	assert_int_equal(rxs_host_mib(h, RXS_MIB_UdpInDatagrams), 3600);
	assert_int_equal(rxs_host_mib(h, RXS_MIB_UdpIgnoredMulti), 200);
	assert_int_equal(rxs_host_mib(h, RXS_MIB_IpExtInMcastPkts), 2000);
	rxs_host_destroy(h);
	unlink(path);
	rmdir(dir);
}

/* A VLAN device under real threads: two CPUs count on eth0.202 (locked, where the kernel
 * keeps per-CPU counters) and deliver to a socket on its address as the virtual engine
 * does. Every third frame is in VLAN 202, every fifth in VLAN 203 (no device: OTHERHOST). */
static void test_vlan_threaded(void **state)
{
	char dir[] = "/tmp/test_threaded.XXXXXX", path[64], yaml[512];
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;
	struct rxs_nic_stats nv, nt;
	uint64_t rv[RXS_DROP_MAX], rt[RXS_DROP_MAX];
	rxs_host_t *v, *t;
	struct fr f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vlan.pcap", dir);
	d = pcap_dump_open(p, path);
	assert_non_null(d);
	for (unsigned int i = 0; i < 3000; i++) {
		struct pcap_pkthdr ph = { .ts = { .tv_sec = 1, .tv_usec = (suseconds_t)i } };
		bool tagged = i % 3 == 0 || i % 5 == 0;

		fr_udp_vlan(&f, fr_host_mac, tagged, i % 3 == 0 ? 202 : 203, FR_PEER_IP,
			    tagged ? "10.2.0.2" : FR_HOST_IP, (uint16_t)(1000 + i % 300), 9, 18);
		ph.caplen = ph.len = f.len;
		pcap_dump((u_char *)d, &ph, f.d);
	}
	pcap_dump_close(d);
	pcap_close(p);
	snprintf(yaml, sizeof(yaml),
		 "host: { cpus: 2 }\n"
		 "nics:\n  - { name: eth0, mac: '02:00:00:00:00:02', addresses: [10.0.0.2/24],"
		 " rx_queues: 4, rss: { udp_4tuple: true },"
		 " vlans: [{ id: 202, addresses: [10.2.0.2/24] }] }\n"
		 "sockets:\n  - { name: s, proto: udp, bind: '0.0.0.0:9', rcvbuf: 16777216 }\n"
		 "traffic:\n  - { pcap: '%s' }\n"
		 "run: { until: end+50ms }\n", path);
	v = host_of(yaml);
	t = host_of(yaml);
	assert_int_equal(rxs_host_run(v), 0);
	assert_int_equal(rxs_host_run_threaded(t, true), 0);
	rxs_host_drop_reasons(v, rv);
	rxs_host_drop_reasons(t, rt);
	for (unsigned int r = 0; r < RXS_DROP_MAX; r++)
		assert_int_equal(rt[r], rv[r]);
	assert_int_equal(rt[RXS_DROP_OTHERHOST], 400);	/* i % 5 == 0 and i % 3 != 0 */
	assert_int_equal(rxs_nic_get_stats(v, 1, &nv), 0);
	assert_int_equal(rxs_nic_get_stats(t, 1, &nt), 0);
	assert_int_equal(nt.rx_packets, 1000);
	assert_int_equal(nt.rx_packets, nv.rx_packets);
	assert_int_equal(nt.rx_bytes, nv.rx_bytes);
	assert_int_equal(rxs_host_mib(t, RXS_MIB_UdpInDatagrams), 2600);
	assert_int_equal(rxs_host_mib(v, RXS_MIB_UdpInDatagrams), 2600);
	rxs_host_destroy(v);
	rxs_host_destroy(t);
	unlink(path);
	rmdir(dir);
}

/*
 * Connections a capture joined mid-way, on the host a bare capture gets (a connected socket
 * for each), replayed by two CPUs from split readers at top speed: each connection takes
 * its sequence numbers from the first segment that reaches it, under the host lock, so
 * every segment is delivered and nothing is reset, as in the virtual engine.
 */
static void test_connected_threaded(void **state)
{
	char dir[] = "/tmp/test_threaded.XXXXXX", path[64], err[256];
	struct rxs_scenario *sc = NULL;
	struct rxs_conservation cv, ct;
	struct rxs_gen_tcp g;
	rxs_host_t *v = NULL, *t = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/mid.pcap", dir);
	memset(&g, 0, sizeof(g));
	memcpy(g.dst_mac, fr_host_mac, 6);
	memcpy(g.src_mac, fr_peer_mac, 6);
	rxs_addr_parse(&g.dst, FR_HOST_IP);
	rxs_addr_parse(&g.src, FR_PEER_IP);
	g.dport = 80;
	g.kind = RXS_GEN_TCP_FLOWS;
	g.flows = 64;
	g.size = 200;
	g.rate_pps = 100000;
	g.count = 1280;
	if (rxs_gen_tcp_pcap(&g, path, err, sizeof(err)))
		fail_msg("%s", err);
	if (rxs_scenario_for_capture(&sc, path, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(sc->nsockets, 1 + 64);	/* tcp:80 and a connection each */
	sc->host.cpus = 2;
	sc->nics[0].rx_queues = 4;
	if (rxs_host_create(&v, sc, err, sizeof(err)) || rxs_host_create(&t, sc, err, sizeof(err)))
		fail_msg("%s", err);
	rxs_scenario_free(sc);
	assert_int_equal(rxs_host_run(v), 0);
	assert_int_equal(rxs_host_run_threaded(t, true), 0);
	assert_int_equal(rxs_host_conservation(v, &cv), 0);
	assert_int_equal(rxs_host_conservation(t, &ct), 0);
	assert_int_equal(ct.offered, 1280);
	assert_int_equal(cv.consumed, 1280);
	assert_int_equal(ct.consumed, 1280);
	assert_int_equal(rxs_host_mib(t, RXS_MIB_TcpOutRsts), 0);
	assert_int_equal(rxs_host_mib(t, RXS_MIB_TcpInSegs), rxs_host_mib(v, RXS_MIB_TcpInSegs));
	assert_int_equal(rxs_host_mib(t, RXS_MIB_TcpExtTCPOFOQueue), 0);
	rxs_host_destroy(v);
	rxs_host_destroy(t);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keeps_up),
		cmocka_unit_test(test_overload_conserves),
		cmocka_unit_test(test_top_speed_lossless),
		cmocka_unit_test(test_matches_virtual),
		cmocka_unit_test(test_veth_rps),
		cmocka_unit_test(test_two_sources),
		cmocka_unit_test(test_blocking_recv),
		cmocka_unit_test(test_polling_recv),
		cmocka_unit_test(test_blocking_accept),
		cmocka_unit_test(test_split_readers),
		cmocka_unit_test(test_multicast_threaded),
		cmocka_unit_test(test_vlan_threaded),
		cmocka_unit_test(test_connected_threaded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
