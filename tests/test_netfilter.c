/* test_netfilter.c - iptables-save parsing and its errors, every match and target, chain
 * traversal (-j, -g, RETURN), the limit token bucket, connection tracking and its table limit,
 * and `iptables -L -v -n -x` output; the same for nftables rule sets (text and JSON), their
 * sets, maps, limits, quotas and hook priorities.
 *
 * Packets go through rxs__nf_hook() on a real host (so the skbs come from its pool and REJECT
 * counts on its CPU 0), built here as bare IPv4 packets with the control block IP fills in.
 * The first test is the oracle case nft-input-drop: 50 UDP datagrams to 6000 and 50 to 6001
 * (100-byte payload, IP total length 128) give 50 packets / 6400 bytes on both rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host.h"
#include "internal.h"
#include "netfilter/netfilter_int.h"
#include "proto/proto_int.h"
#include "rxsim/bpf.h"
#include "rxsim/error.h"
#include "rxsim/frame.h"
#include "rxsim/hooks.h"
#include "rxsim/netfilter.h"
#include "rxsim/sim.h"

#define MS 1000000ull

/* ---- a host whose pool and CPU the packets use ---- */

static rxs_host_t *host;
static uint64_t next_id;

static int setup_host(void **state)
{
	struct rxs_scenario *sc = NULL;
	struct rxs_nic_config *nic;
	char err[256];
	int rc;

	(void)state;
	if (rxs_scenario_create(&sc))
		return -1;
	nic = rxs_scenario_add_nic(sc);
	if (!nic)
		return -1;
	snprintf(nic->name, sizeof(nic->name), "eth0");
	rc = rxs_host_create(&host, sc, err, sizeof(err));
	rxs_scenario_free(sc);
	if (rc)
		fprintf(stderr, "host: %s\n", err);
	return rc;
}

static int teardown_host(void **state)
{
	(void)state;
	rxs_host_destroy(host);
	return 0;
}

/* A packet as the tests describe it. Addresses are dotted strings; ICMP errors quote a UDP
 * packet inner_src:inner_sport -> inner_dst:inner_dport. */
struct pkt {
	uint8_t proto;
	const char *src, *dst;
	uint16_t sport, dport;		/* TCP/UDP ports; ICMP: id in sport */
	uint8_t flags;			/* TCP flags */
	uint8_t type, code;		/* ICMP */
	uint16_t payload;
	uint16_t frag;			/* the IP flags/offset field */
	uint16_t mss;			/* TCP: an MSS option when not 0 */
	const char *inner_src, *inner_dst;
	uint16_t inner_sport, inner_dport;
	bool hbh;			/* IPv6: a hop-by-hop options header before the transport */
	uint8_t tos;			/* IPv4 TOS, IPv6 traffic class (DSCP and ECN) */
	uint32_t flowlabel;		/* IPv6 */
	uint32_t seq;			/* TCP */
	uint16_t l4len;			/* the transport header cut to this many bytes */
	bool eth;			/* an Ethernet header in front (02:..:01 to 02:..:02) */
	uint16_t vlan_proto;		/* with .eth: a tag stripped on receive */
};

#define UDP(s, d, sp, dp) { .proto = 17, .src = s, .dst = d, .sport = sp, .dport = dp, .payload = 100 }
#define TCP(s, d, sp, dp, f) { .proto = 6, .src = s, .dst = d, .sport = sp, .dport = dp, .flags = f }
#define ICMP(s, d, t) { .proto = 1, .src = s, .dst = d, .type = t, .sport = 77 }
#define ICMP6(s, d, t) { .proto = 58, .src = s, .dst = d, .type = t, .sport = 77 }

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return ntohl(a.s_addr);
}

static void put_iph(uint8_t *p, uint16_t tot, uint8_t proto, const char *src, const char *dst,
		    uint16_t frag, uint8_t tos)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[1] = tos;
	rxs__put_be16(p + 2, tot);
	rxs__put_be16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	rxs__put_be32(p + 12, ip4(src));
	rxs__put_be32(p + 16, ip4(dst));
	rxs__put_be16(p + 10, (uint16_t)~rxs__csum_fold(rxs__csum_partial(p, 20, 0)));
}

static unsigned int l4_size(const struct pkt *k)
{
	if (k->l4len)
		return k->l4len;
	if (k->proto == 6)
		return k->mss ? 24 : 20;
	if (k->proto == 1)
		return 8 + (k->inner_src ? 28 : 0);
	if (k->proto == 58)
		return 8 + (k->inner_src ? 48 : 0);
	return 8;
}

static bool is_v6(const struct pkt *k)
{
	return strchr(k->src, ':') != NULL;
}

/* The IPv6 header in front of an IPv6 packet's transport: 40 bytes, hop limit 64, then a
 * hop-by-hop header (.hbh) and a fragment header (.frag: its offset field), as asked. */
static unsigned int ip6_hdr_size(const struct pkt *k)
{
	return 40 + (k->hbh ? 8 : 0) + (k->frag ? 8 : 0);
}

static void put_ip6h(uint8_t *p, uint16_t plen, uint8_t proto, const char *src, const char *dst)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	rxs__put_be16(p + 4, plen);
	p[6] = proto;
	p[7] = 64;
	assert_int_equal(inet_pton(AF_INET6, src, p + 8), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, p + 24), 1);
}

static unsigned int pkt_len(const struct pkt *k)
{
	return (is_v6(k) ? ip6_hdr_size(k) : 20) + l4_size(k) + k->payload;
}

static struct rxs_sk_buff *make_skb6(const struct pkt *k)
{
	unsigned int hl = ip6_hdr_size(k), tot = hl + l4_size(k) + k->payload;
	struct rxs_sk_buff *skb = rxs__skb_alloc(&host->pool, tot);
	struct rxs_inet_cb *cb;
	uint8_t *p, *l4, *x;

	assert_non_null(skb);
	p = rxs__skb_put(skb, tot);
	memset(p, 0, tot);
	put_ip6h(p, (uint16_t)(tot - 40), k->hbh ? 0 : k->frag ? 44 : k->proto, k->src, k->dst);
	p[0] = (uint8_t)(0x60 | k->tos >> 4);
	p[1] = (uint8_t)(k->tos << 4 | (k->flowlabel >> 16 & 0xf));
	rxs__put_be16(p + 2, (uint16_t)k->flowlabel);
	x = p + 40;
	if (k->hbh) {
		x[0] = k->frag ? 44 : k->proto;
		x[2] = 1;	/* PadN over the rest */
		x[3] = 4;
		x += 8;
	}
	if (k->frag) {
		x[0] = k->proto;
		rxs__put_be16(x + 2, k->frag);
		x += 8;
	}
	l4 = p + hl;
	if (k->proto == 6 || k->proto == 17) {
		rxs__put_be16(l4, k->sport);
		rxs__put_be16(l4 + 2, k->dport);
	}
	if (k->proto == 6) {
		l4[12] = 5 << 4;
		l4[13] = k->flags;
	} else if (k->proto == 17) {
		rxs__put_be16(l4 + 4, (uint16_t)(8 + k->payload));
	} else if (k->proto == 58) {
		l4[0] = k->type;
		l4[1] = k->code;
		rxs__put_be16(l4 + 4, k->sport);
		if (k->inner_src) {
			put_ip6h(l4 + 8, 108, 17, k->inner_src, k->inner_dst);
			rxs__put_be16(l4 + 48, k->inner_sport);
			rxs__put_be16(l4 + 50, k->inner_dport);
		}
	}
	skb->cpu = 0;
	skb->id = ++next_id;
	skb->counted = true;
	skb->ip_summed = RXS_CHECKSUM_UNNECESSARY;
	skb->protocol = 0x86dd;
	rxs_skb_reset_network_header(skb);
	cb = RXS_INET_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->family = AF_INET6;
	cb->route = RXS_RTN_LOCAL;
	cb->protocol = k->proto;
	memcpy(cb->saddr, p + 8, 16);
	memcpy(cb->daddr, p + 24, 16);
	return skb;
}

static struct rxs_sk_buff *make_skb4(const struct pkt *k)
{
	unsigned int tot = 20 + l4_size(k) + k->payload;
	struct rxs_sk_buff *skb = rxs__skb_alloc(&host->pool, tot);
	struct rxs_inet_cb *cb;
	uint8_t *p, *l4;

	assert_non_null(skb);
	p = rxs__skb_put(skb, tot);
	memset(p, 0, tot);
	put_iph(p, (uint16_t)tot, k->proto, k->src, k->dst, k->frag, k->tos);
	l4 = p + 20;
	if (k->proto == 6 || k->proto == 17) {
		rxs__put_be16(l4, k->sport);
		rxs__put_be16(l4 + 2, k->dport);
	}
	if (k->proto == 6 && l4_size(k) >= 20) {
		rxs__put_be32(l4 + 4, k->seq);
		l4[12] = (k->mss ? 6 : 5) << 4;
		l4[13] = k->flags;
		if (k->mss) {
			l4[20] = 2;
			l4[21] = 4;
			rxs__put_be16(l4 + 22, k->mss);
		}
	} else if (k->proto == 17) {
		rxs__put_be16(l4 + 4, (uint16_t)(8 + k->payload));
	} else if (k->proto == 1) {
		l4[0] = k->type;
		l4[1] = k->code;
		rxs__put_be16(l4 + 4, k->sport);
		if (k->inner_src) {
			put_iph(l4 + 8, 128, 17, k->inner_src, k->inner_dst, 0, 0);
			rxs__put_be16(l4 + 28, k->inner_sport);
			rxs__put_be16(l4 + 30, k->inner_dport);
		}
	}
	skb->cpu = 0;
	skb->id = ++next_id;
	skb->counted = true;	/* an offered frame: its drop is counted by reason */
	skb->ip_summed = RXS_CHECKSUM_UNNECESSARY;
	skb->protocol = 0x0800;
	rxs_skb_reset_network_header(skb);
	cb = RXS_INET_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->family = AF_INET;
	cb->route = RXS_RTN_LOCAL;
	cb->protocol = k->proto;
	memcpy(cb->saddr, p + 12, 4);
	memcpy(cb->daddr, p + 16, 4);
	return skb;
}

static struct rxs_sk_buff *make_skb(const struct pkt *k)
{
	struct rxs_sk_buff *skb = is_v6(k) ? make_skb6(k) : make_skb4(k);
	uint8_t *eth;

	if (k->eth) {
		/* the MAC header eth_type_trans() leaves before the data */
		eth = rxs_skb_push(skb, 14);
		assert_non_null(eth);
		memcpy(eth, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
		rxs__put_be16(eth + 12, skb->protocol);
		skb->mac_header = (uint16_t)(eth - skb->head);
		skb->vlan_proto = k->vlan_proto;
		rxs_skb_pull(skb, 14);
	}
	return skb;
}

/* Run @k through @hook; returns the verdict, and the mark the packet left with. */
static enum rxs_nf_verdict run_at(rxs_ruleset_t *nf, enum rxs_nf_hook hook, const struct pkt *k,
				  uint64_t now, uint32_t *mark)
{
	struct rxs_sk_buff *skb = make_skb(k);
	enum rxs_nf_verdict v = rxs__nf_hook(nf, hook, skb, "eth0", now);

	if (v == RXS_NF_ACCEPT) {
		if (mark)
			*mark = skb->mark;
		rxs_consume_skb(skb);
	}
	return v;
}

static enum rxs_nf_verdict run(rxs_ruleset_t *nf, const struct pkt *k, uint64_t now)
{
	return run_at(nf, RXS_NF_INET_LOCAL_IN, k, now, NULL);
}

/* Both hooks of local delivery, as ip_rcv runs them. */
static enum rxs_nf_verdict deliver(rxs_ruleset_t *nf, const struct pkt *k, uint64_t now)
{
	struct rxs_sk_buff *skb = make_skb(k);

	if (rxs__nf_hook(nf, RXS_NF_INET_PRE_ROUTING, skb, "eth0", now) == RXS_NF_DROP)
		return RXS_NF_DROP;
	if (rxs__nf_hook(nf, RXS_NF_INET_LOCAL_IN, skb, "eth0", now) == RXS_NF_DROP)
		return RXS_NF_DROP;
	rxs_consume_skb(skb);
	return RXS_NF_ACCEPT;
}

static rxs_ruleset_t *load(const char *text)
{
	rxs_ruleset_t *nf = NULL;
	char err[512];
	int rc = rxs_ruleset_create(&nf, text, "test", 1, err, sizeof(err));

	if (rc)
		fail_msg("rule set refused: %s", err);
	return nf;
}

static struct rxs_ruleset_rule_info rule(const rxs_ruleset_t *nf, unsigned int i)
{
	struct rxs_ruleset_rule_info info;

	assert_int_equal(rxs_ruleset_rule(nf, i, &info), 0);
	return info;
}

static char *print_to_string(const rxs_ruleset_t *nf, const char *table)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (table)
		assert_int_equal(rxs_ruleset_print_table(nf, table, f), 0);
	else
		assert_int_equal(rxs_ruleset_print(nf, f), 0);
	fclose(f);
	return buf;
}

static uint64_t drops(void)
{
	return host->pool.stats.reasons[RXS_DROP_NETFILTER_DROP];
}

/* ---- expected iptables -L -v -n -x output ---- */

static const char oracle_print[] =
	"Chain INPUT (policy ACCEPT 50 packets, 6400 bytes)\n"
	"    pkts      bytes target     prot opt in     out     source               destination         \n"
	"      50     6400 DROP       udp  --  *      *       0.0.0.0/0            0.0.0.0/0            udp dpt:6000\n"
	"      50     6400            udp  --  *      *       0.0.0.0/0            0.0.0.0/0            udp dpt:6001\n"
	"\n"
	"Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)\n"
	"    pkts      bytes target     prot opt in     out     source               destination         \n"
	"\n"
	"Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)\n"
	"    pkts      bytes target     prot opt in     out     source               destination         \n";

static const char printer_expect[] =
	"Chain INPUT (policy DROP 0 packets, 0 bytes)\n"
	"    pkts      bytes target     prot opt in     out     source               destination         \n"
	"       3      180 ACCEPT     all  --  lo     *       0.0.0.0/0            0.0.0.0/0           \n"
	"       0        0 ACCEPT     tcp  --  *      *       10.0.0.0/8          !192.168.1.1          tcp dpt:22 flags:0x16/0x02 ctstate NEW,ESTABLISHED\n"
	"       0        0 ALLOWED    udp  --  !eth+  *       0.0.0.0/0            0.0.0.0/0            multiport dports 53,1000:2000 /* dns and more */\n"
	"       0        0 LOG        icmp --  *      *       0.0.0.0/0            0.0.0.0/0            length 0:100 limit: avg 5/min burst 10 LOG flags 0 level 6 prefix \"ICMP: \"\n"
	"       0        0 REJECT     tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            tcp flags:0x17/0x02 reject-with tcp-reset\n"
	"       0        0 LOGDROP   !udp  --  *      *       0.0.0.0/0            0.0.0.0/0           [goto] \n"
	"       0        0 MARK       all  --  *      *       0.0.0.0/0            0.0.0.0/0            state INVALID MARK set 0x10\n"
	"\n"
	"Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)\n"
	"    pkts      bytes target     prot opt in     out     source               destination         \n"
	"\n"
	"Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)\n"
	"    pkts      bytes target     prot opt in     out     source               destination         \n"
	"\n"
	"Chain ALLOWED (1 references)\n"
	"    pkts      bytes target     prot opt in     out     source               destination         \n"
	"       0        0 RETURN     udp  --  *      *       0.0.0.0/0            0.0.0.0/0            udp spts:1024:65535\n"
	"       0        0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0           \n"
	"\n"
	"Chain LOGDROP (1 references)\n"
	"    pkts      bytes target     prot opt in     out     source               destination         \n"
	"       0        0 LOG        all  --  *      *       0.0.0.0/0            0.0.0.0/0            LOG flags 0 level 4\n"
	"       0        0 DROP       all  --  *      *       0.0.0.0/0            0.0.0.0/0           \n";

static const char raw_expect[] =
	"# iptables -t raw -L -v -n -x\n"
	"Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)\n"
	"    pkts      bytes target     prot opt in     out     source               destination         \n"
	"       0        0 CT         udp  --  *      *       0.0.0.0/0            0.0.0.0/0            udp dpt:53 NOTRACK\n"
	"       0        0 CT         udp  --  *      *       0.0.0.0/0            0.0.0.0/0            udp dpt:54 CT notrack\n"
	"\n"
	"Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)\n"
	"    pkts      bytes target     prot opt in     out     source               destination         \n";


/* ---- the oracle case ---- */

/* The netfilter: block of oracle/cases/nft-input-drop/scenario.yaml; "*filter" is line 33. */
static const char oracle_rules[] =
	"*filter\n"
	":INPUT ACCEPT [0:0]\n"
	"-A INPUT -p udp --dport 6000 -j DROP\n"
	"-A INPUT -p udp --dport 6001\n"
	"COMMIT\n";

static void test_oracle_nft_input_drop(void **state)
{
	const struct pkt to6000 = UDP("10.77.0.1", "10.77.0.2", 40000, 6000);
	const struct pkt to6001 = UDP("10.77.0.1", "10.77.0.2", 40001, 6001);
	uint64_t dropped = drops();
	struct rxs_ruleset_rule_info r;
	rxs_ruleset_t *nf = NULL;
	char err[256], *out;

	(void)state;
	assert_int_equal(rxs_ruleset_create(&nf, oracle_rules, "scenario.yaml", 33, err,
					    sizeof(err)), 0);
	for (unsigned int i = 0; i < 50; i++)
		assert_int_equal(run(nf, &to6000, i * MS), RXS_NF_DROP);
	for (unsigned int i = 0; i < 50; i++)
		assert_int_equal(run(nf, &to6001, (50 + i) * MS), RXS_NF_ACCEPT);
	assert_int_equal(drops() - dropped, 50);
	assert_int_equal(rxs_ruleset_nrules(nf), 2);
	r = rule(nf, 0);
	assert_string_equal(r.table, "filter");
	assert_string_equal(r.chain, "INPUT");
	assert_string_equal(r.text, "-p udp --dport 6000 -j DROP");
	assert_string_equal(r.target, "DROP");
	assert_int_equal(r.line, 35);
	assert_int_equal(r.pkts, 50);
	assert_int_equal(r.bytes, 6400);
	r = rule(nf, 1);
	assert_string_equal(r.text, "-p udp --dport 6001");
	assert_string_equal(r.target, "");
	assert_int_equal(r.line, 36);
	assert_int_equal(r.pkts, 50);
	assert_int_equal(r.bytes, 6400);
	out = print_to_string(nf, "filter");
	assert_string_equal(out, oracle_print);
	free(out);
	rxs_ruleset_destroy(nf);
}

/* ---- parse errors: every message names the file line and column and quotes the line ---- */

#define T(rules) "*filter\n:INPUT ACCEPT [0:0]\n" rules "COMMIT\n"
static const struct {
	int line;
	const char *text;
	int rc;
	const char *msg;
} error_cases[] = {
	{ __LINE__, T("-A INPUT -p udp --foo 1 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:17: -A INPUT -p udp --foo 1 -j DROP: unsupported option '--foo'" },
	{ __LINE__, T("-A INPUT -p udp -j FOO\n"), RXS_ERULE,
	  "scenario.yaml:23:20: -A INPUT -p udp -j FOO: unknown target or chain 'FOO'" },
	{ __LINE__, T("-A INPUT -p tcp -j SNAT\n"), RXS_ERULE,
	  "scenario.yaml:23:20: -A INPUT -p tcp -j SNAT: 'SNAT' is only valid in the nat table" },
#define NAT(rules) "*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n" rules "COMMIT\n"
	{ __LINE__, NAT("-A PREROUTING -p tcp -j SNAT --to-source 10.0.0.1\n"), RXS_ERULE,
	  "scenario.yaml:24:15: -A PREROUTING -p tcp -j SNAT --to-source 10.0.0.1: SNAT is only "
	  "valid from POSTROUTING and INPUT" },
	{ __LINE__, NAT("-A POSTROUTING -j MASQUERADE --to-ports 9\n"), RXS_ERULE,
	  "scenario.yaml:24:1: -A POSTROUTING -j MASQUERADE --to-ports 9: --to-ports: a port needs "
	  "'-p tcp', '-p udp', '-p sctp' or '-p udplite'" },
	{ __LINE__, NAT("-A PREROUTING -p tcp -j DNAT\n"), RXS_ERULE,
	  "scenario.yaml:24:1: -A PREROUTING -p tcp -j DNAT: DNAT needs --to-destination" },
	{ __LINE__, NAT("-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.300:80\n"), RXS_ERULE,
	  "scenario.yaml:24:47: -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.300:80: bad "
	  "address range '10.0.0.300:80'" },
	{ __LINE__, NAT("-A PREROUTING -o eth0 -j ACCEPT\n"), RXS_ERULE,
	  "scenario.yaml:24:1: -A PREROUTING -o eth0 -j ACCEPT: Can't use -o with PREROUTING" },
	{ __LINE__, NAT("-A PREROUTING -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:24:1: -A PREROUTING -j DROP: the nat table is not for filtering: DROP is "
	  "refused" },
	{ __LINE__, "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n", RXS_ERULE,
	  "scenario.yaml:23: missing COMMIT for table filter (opened at line 21)" },
	{ __LINE__, T("-A INPUT -s 10.0.0.0/33 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:13: -A INPUT -s 10.0.0.0/33 -j DROP: bad address '10.0.0.0/33'" },
	{ __LINE__, T("-A INPUT -d 10.0.0 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:13: -A INPUT -d 10.0.0 -j DROP: bad address '10.0.0'" },
	{ __LINE__, T("-A INPUT -p tcp --dport 10:5 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:25: -A INPUT -p tcp --dport 10:5 -j DROP: bad port or port range '10:5'" },
	{ __LINE__, T("-A INPUT -p udp --sport 70000 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:25: -A INPUT -p udp --sport 70000 -j DROP: bad port or port range "
	  "'70000'" },
	{ __LINE__, "-A INPUT -j DROP\n", RXS_ERULE,
	  "scenario.yaml:21:1: -A INPUT -j DROP: a rule or chain before any '*table' line" },
	{ __LINE__, "*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n", 0, "" },
	{ __LINE__, "*security\nCOMMIT\n", RXS_ERULE,
	  "scenario.yaml:21:1: *security: unsupported table 'security' (rxsim has raw, mangle, "
	  "filter, nat)" },
	{ __LINE__, T("-A FOO -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A FOO -j DROP: chain FOO does not exist in table filter" },
	{ __LINE__, T("-A INPUT -p udp -j REJECT --reject-with tcp-reset\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -p udp -j REJECT --reject-with tcp-reset: --reject-with "
	  "tcp-reset needs '-p tcp'" },
	{ __LINE__, T("-A INPUT -j REJECT --reject-with echo-reply\n"), RXS_ERULE,
	  "scenario.yaml:23:34: -A INPUT -j REJECT --reject-with echo-reply: unsupported reject "
	  "type 'echo-reply'" },
	{ __LINE__, T("-A INPUT -j NOTRACK\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -j NOTRACK: NOTRACK is only valid in the raw table" },
	{ __LINE__, "*mangle\n-A INPUT -j REJECT\nCOMMIT\n", RXS_ERULE,
	  "scenario.yaml:22:1: -A INPUT -j REJECT: REJECT is only valid in the filter table" },
	{ __LINE__, T(":A - [0:0]\n:B - [0:0]\n-A INPUT -j A\n-A A -j B\n-A B -j A\n"), RXS_ERULE,
	  "scenario.yaml:27:6: -A B -j A: the jump to A makes a loop" },
	{ __LINE__, T("-A INPUT -j OUTPUT\n"), RXS_ERULE,
	  "scenario.yaml:23:10: -A INPUT -j OUTPUT: cannot jump to built-in chain OUTPUT" },
	{ __LINE__, T("-A INPUT -p udp -p tcp -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -p udp -p tcp -j DROP: multiple -p flags not allowed" },
	{ __LINE__, T("-A INPUT -m u32 --u32 0\n"), RXS_ERULE,
	  "scenario.yaml:23:13: -A INPUT -m u32 --u32 0: unsupported match 'u32'" },
	{ __LINE__, T("-A INPUT ! -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:10: -A INPUT ! -j DROP: '!' is not allowed before '-j'" },
	{ __LINE__, T("-A INPUT --dport 80 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:10: -A INPUT --dport 80 -j DROP: option '--dport' needs '-p tcp' or "
	  "'-p udp' before it" },
	{ __LINE__, T("-A INPUT -p udp --syn -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:17: -A INPUT -p udp --syn -j DROP: option '--syn' needs '-p tcp' "
	  "before it" },
	{ __LINE__, T("-A INPUT -m state -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -m state -j DROP: state needs --state" },
	{ __LINE__, T("-A INPUT -m conntrack --ctstate NEW,BOGUS -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:37: -A INPUT -m conntrack --ctstate NEW,BOGUS -j DROP: unsupported "
	  "connection state 'BOGUS'" },
	{ __LINE__, T("-A INPUT -p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 "
		      "-j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -p tcp -m multiport --dports "
	  "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 -j DROP: too many ports specified (at most 15)" },
	{ __LINE__, T("-A INPUT -m multiport --dports 80 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -m multiport --dports 80 -j DROP: multiport needs '-p tcp' "
	  "or '-p udp'" },
	{ __LINE__, T("-A INPUT -m limit --limit 3/fortnight -j LOG\n"), RXS_ERULE,
	  "scenario.yaml:23:27: -A INPUT -m limit --limit 3/fortnight -j LOG: bad rate "
	  "'3/fortnight'" },
	{ __LINE__, T("-A INPUT -m length --length 100:50 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:29: -A INPUT -m length --length 100:50 -j DROP: bad length range "
	  "'100:50'" },
	{ __LINE__, T("-A INPUT -j MARK\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -j MARK: MARK needs --set-mark, --set-xmark, --and-mark, "
	  "--or-mark or --xor-mark" },
	{ __LINE__, T("-A INPUT -o eth0 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -o eth0 -j DROP: Can't use -o with INPUT" },
	{ __LINE__, "*filter\n:INPUT REJECT [0:0]\nCOMMIT\n", RXS_ERULE,
	  "scenario.yaml:22:8: :INPUT REJECT [0:0]: bad policy 'REJECT' (ACCEPT or DROP)" },
	{ __LINE__, T("-A INPUT -m comment --comment \"open -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -m comment --comment \"open -j DROP: unterminated quote" },
	{ __LINE__, "*filter\nCOMMIT\n*filter\nCOMMIT\n", RXS_ERULE,
	  "scenario.yaml:23:1: *filter: table filter appears twice" },
	/* Typos: the nearest known name, by its column. */
	{ __LINE__, T("-A INPUT -p udp --dprot 53 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:17: -A INPUT -p udp --dprot 53 -j DROP: unsupported option '--dprot' "
	  "(did you mean '--dport'?)" },
	{ __LINE__, T(":mychain - [0:0]\n-A INPUT -j mychian\n-A INPUT -j DRPO\n"), RXS_ERULE,
	  "scenario.yaml:24:13: -A INPUT -j mychian: unknown target or chain 'mychian' (did you "
	  "mean 'mychain'?)" },
	{ __LINE__, T("-A INPUT -j DRPO\n"), RXS_ERULE,
	  "scenario.yaml:23:13: -A INPUT -j DRPO: unknown target or chain 'DRPO' (did you mean "
	  "'DROP'?)" },
	{ __LINE__, T("-A INPUT -p udpp -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:13: -A INPUT -p udpp -j DROP: unknown protocol 'udpp' (did you mean "
	  "'udp'?)" },
	{ __LINE__, T("-A INPUT -m conntrak --ctstate NEW -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:13: -A INPUT -m conntrak --ctstate NEW -j DROP: unsupported match "
	  "'conntrak' (did you mean 'conntrack'?)" },
	{ __LINE__, T("-A INPUT -p tcp --dports 80,443 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:17: -A INPUT -p tcp --dports 80,443 -j DROP: option '--dports' needs "
	  "'-m multiport' before it" },
	/* the matches and targets of real hosts: errors name the word at fault */
	{ __LINE__, T("-A INPUT -m addrtype --dst-type LOCALL -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:33: -A INPUT -m addrtype --dst-type LOCALL -j DROP: unknown address "
	  "type 'LOCALL' (did you mean 'LOCAL'?)" },
	{ __LINE__, T("-A INPUT -m statistic --mode nth -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -m statistic --mode nth -j DROP: statistic --mode nth "
	  "needs --every" },
	{ __LINE__, T("-A INPUT -m statistic --mode nth --every 2 --packet 2 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -m statistic --mode nth --every 2 --packet 2 -j DROP: "
	  "the --packet p must be 0 <= p <= n-1" },
	{ __LINE__, T("-A INPUT -m statistic --mode random --probability 1.5 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:51: -A INPUT -m statistic --mode random --probability 1.5 -j DROP: "
	  "bad probability '1.5' (0 to 1)" },
	{ __LINE__, T("-A INPUT -m hashlimit --hashlimit-upto 5/sec -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -m hashlimit --hashlimit-upto 5/sec -j DROP: hashlimit "
	  "needs --hashlimit-name" },
	{ __LINE__, T("-A INPUT -m hashlimit --hashlimit-upto 5kb/s --hashlimit-name x\n"),
	  RXS_ERULE, "scenario.yaml:23:40: -A INPUT -m hashlimit --hashlimit-upto 5kb/s "
	  "--hashlimit-name x: bad rate '5kb/s' (byte rates are not supported)" },
	{ __LINE__, T("-A INPUT -p icmp --icmp-type echo-requst -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:30: -A INPUT -p icmp --icmp-type echo-requst -j DROP: invalid ICMP "
	  "type 'echo-requst' (did you mean 'echo-request'?)" },
	{ __LINE__, T("-A INPUT -p udp --icmp-type 8 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:17: -A INPUT -p udp --icmp-type 8 -j DROP: option '--icmp-type' needs "
	  "'-p icmp' before it" },
	{ __LINE__, T("-A INPUT -m recent --update --hitcount 30 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -m recent --update --hitcount 30 -j DROP: recent: "
	  "--hitcount 30 is above ip_pkt_list_tot (20)" },
	{ __LINE__, T("-A INPUT -m mark --mrak 1 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:18: -A INPUT -m mark --mrak 1 -j DROP: unsupported option '--mrak' "
	  "(did you mean '--mark'?)" },
	{ __LINE__, T("-A INPUT -m set --match-set nosuch src -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:29: -A INPUT -m set --match-set nosuch src -j DROP: no ipset named "
	  "'nosuch' (sets come from the scenario's ipsets:)" },
	{ __LINE__, T("-A INPUT -j NFQUEUE --queue-num 1\n"), RXS_ERULE,
	  "scenario.yaml:23:13: -A INPUT -j NFQUEUE --queue-num 1: unsupported target 'NFQUEUE'" },
	{ __LINE__, T("-A INPUT -m ttl --ttl-eq 300 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:26: -A INPUT -m ttl --ttl-eq 300 -j DROP: bad value '300' for "
	  "'--ttl-eq' (0-255)" },
	{ __LINE__, T("-A INPUT -j TRACE\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -j TRACE: TRACE is only valid in the raw table" },
	{ __LINE__, T("-A INPUT -j CONNMARK\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -j CONNMARK: CONNMARK needs --set-xmark, --set-mark, "
	  "--and-mark, --or-mark, --xor-mark, --save-mark or --restore-mark" },
	{ __LINE__, T("-A INPUT -p tcp -m tcpmss --mss 2000:1000 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:33: -A INPUT -p tcp -m tcpmss --mss 2000:1000 -j DROP: bad MSS range "
	  "'2000:1000'" },
	{ __LINE__, T("-A INPUT -m connlimit --connlimit-mask 24 -j DROP\n"), RXS_ERULE,
	  "scenario.yaml:23:1: -A INPUT -m connlimit --connlimit-mask 24 -j DROP: connlimit needs "
	  "--connlimit-above or --connlimit-upto" },
	{ __LINE__, "# comment\n\n*raw\n-A PREROUTING -p udp -j CT --notrack\nCOMMIT\n", 0, "" },
	/* scripts of iptables commands */
	{ __LINE__, "iptables -A INPUT -p udp --foo 1 -j DROP\n", RXS_ERULE,
	  "scenario.yaml:21:26: -A INPUT -p udp --foo 1 -j DROP: unsupported option '--foo'" },
	{ __LINE__, "iptables -A INPTU -j DROP\n", RXS_ERULE,
	  "scenario.yaml:21:13: iptables -A INPTU -j DROP: 'INPTU': no chain of that name in "
	  "table filter" },
	{ __LINE__, "iptables -t nat -A INPUT -j DROP\n", RXS_ERULE,
	  "scenario.yaml:21:17: -A INPUT -j DROP: the nat table is not for filtering: DROP is "
	  "refused" },
	{ __LINE__, "iptables -t security -A INPUT -j DROP\n", RXS_ERULE,
	  "scenario.yaml:21:13: iptables -t security -A INPUT -j DROP: unsupported table "
	  "'security' (raw, mangle, filter, nat)" },
	{ __LINE__, "iptables -A INPUT -j DROP\nip6tables -A INPUT -j DROP\n", RXS_ERULE,
	  "scenario.yaml:22:1: ip6tables -A INPUT -j DROP: 'ip6tables': not an iptables command "
	  "(a script of them is one command a line)" },
	{ __LINE__, "iptables -A INPUT -j DROP\necho done\n", RXS_ERULE,
	  "scenario.yaml:22:1: echo done: 'echo': not an iptables command (a script of them is "
	  "one command a line)" },
	{ __LINE__, "iptables -L INPUT\n", RXS_ERULE,
	  "scenario.yaml:21:10: iptables -L INPUT: '-L': not a command that builds a rule set "
	  "(-A, -I, -D, -R, -N, -P, -F, -X, -Z)" },
	{ __LINE__, "iptables -N X\niptables -N X\n", RXS_ERULE,
	  "scenario.yaml:22:13: iptables -N X: 'X': chain already exists" },
	{ __LINE__, "iptables -P X DROP\n", RXS_ERULE,
	  "scenario.yaml:21:13: iptables -P X DROP: 'X': no chain of that name in table filter" },
	{ __LINE__, "iptables -P INPUT REJECT\n", RXS_ERULE,
	  "scenario.yaml:21:19: iptables -P INPUT REJECT: 'REJECT': a policy is ACCEPT or DROP" },
	{ __LINE__, "iptables -I INPUT 3 -j DROP\n", RXS_ERULE,
	  "scenario.yaml:21:19: iptables -I INPUT 3 -j DROP: '3': no rule of that number in the "
	  "chain" },
	{ __LINE__, "iptables -A INPUT -j ACCEPT\niptables -D INPUT -j DROP\n", RXS_ERULE,
	  "scenario.yaml:22:13: iptables -D INPUT -j DROP: 'INPUT': no such rule in chain INPUT "
	  "(iptables: Bad rule)" },
	{ __LINE__, "iptables -N X\niptables -A X -j DROP\niptables -X X\n", RXS_ERULE,
	  "scenario.yaml:23:13: iptables -X X: 'X': the chain has rules (flush it first: -F X)" },
	{ __LINE__, "iptables -N X\niptables -A INPUT -j X\niptables -X\n", RXS_ERULE,
	  "scenario.yaml:23:1: iptables -X: 'X': a rule jumps to the chain (Too many links)" },
	{ __LINE__, "iptables -X INPUT\n", RXS_ERULE,
	  "scenario.yaml:21:13: iptables -X INPUT: 'INPUT': a built-in chain cannot be deleted" },
	{ __LINE__, "iptables -A INPUT -p tcp \\\n  --dport 22 -j ACCEPT\n", RXS_ERULE,
	  "scenario.yaml:21:26: iptables -A INPUT -p tcp \\: '\\': a command on several lines: "
	  "write it on one" },
	{ __LINE__, "iptables -R INPUT -j DROP\n", RXS_ERULE,
	  "scenario.yaml:21:13: iptables -R INPUT -j DROP: 'INPUT': -R takes the number of the "
	  "rule to replace" },
	{ __LINE__, "iptables -t filter\n", RXS_ERULE,
	  "scenario.yaml:21:1: iptables -t filter: 'iptables': the line has no command (-A, -I, "
	  "-N, -P...)" },
};
#undef T

static void test_parse_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(error_cases); i++) {
		rxs_ruleset_t *nf = NULL;
		char err[512] = "";
		int rc = rxs_ruleset_create(&nf, error_cases[i].text, "scenario.yaml", 21, err,
					    sizeof(err));

		if (rc != error_cases[i].rc || strcmp(err, error_cases[i].msg))
			fail_msg("case at line %d: got %d \"%s\"", error_cases[i].line, rc, err);
		assert_true(rc ? nf == NULL : nf != NULL);
		rxs_ruleset_destroy(nf);
	}
}

/* A script of iptables commands builds what iptables-save then prints. */
static const struct {
	int line;
	const char *script;
	const char *saved;	/* rxs_ruleset_print() */
} ipt_script_cases[] = {
	{ __LINE__,
	  "#!/bin/sh\n"
	  "iptables -F\n"
	  "iptables -P INPUT DROP\n"
	  "iptables -N LOGDROP\n"
	  "iptables -A LOGDROP -j LOG --log-prefix 'dropped: '\n"
	  "iptables -A LOGDROP -j DROP\n"
	  "iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n"
	  "iptables --append INPUT -p udp --dport 6000 -j LOGDROP\n"
	  "iptables -I INPUT -i lo -j ACCEPT\n"
	  "iptables -A INPUT -p tcp --dport 22 -j ACCEPT\n"
	  "iptables -I INPUT 3 -p udp --dport 6001 -j ACCEPT\n"
	  "iptables -D INPUT -p tcp  --dport 22 -j ACCEPT\n"
	  "iptables -R INPUT 2 -m state --state ESTABLISHED -j ACCEPT\n"
	  "iptables -t raw -A PREROUTING -p udp --dport 9999 -j NOTRACK\n"
	  "sudo /usr/sbin/iptables -w 5 -t filter -A INPUT -p udp --dport 7000 -j DROP\n"
	  "iptables -N SPARE\n"
	  "iptables -A SPARE -j RETURN\n"
	  "iptables -F SPARE\n"
	  "iptables -X SPARE\n"
	  "iptables -Z\n",
	  ":raw PREROUTING ACCEPT\n"
	  ":raw OUTPUT ACCEPT\n"
	  ":filter INPUT DROP\n"
	  ":filter FORWARD ACCEPT\n"
	  ":filter OUTPUT ACCEPT\n"
	  ":filter LOGDROP -\n"
	  "raw PREROUTING -p udp --dport 9999 -j NOTRACK @14\n"
	  "filter INPUT -i lo -j ACCEPT @9\n"
	  "filter INPUT -m state --state ESTABLISHED -j ACCEPT @13\n"
	  "filter INPUT -p udp --dport 6001 -j ACCEPT @11\n"
	  "filter INPUT -p udp --dport 6000 -j LOGDROP @8\n"
	  "filter INPUT -p udp --dport 7000 -j DROP @15\n"
	  "filter LOGDROP -j LOG --log-prefix \"dropped: \" @5\n"
	  "filter LOGDROP -j DROP @6\n" },
	/* a rule of no options: it matches everything (the fuzzer's find) */
	{ __LINE__, "iptables -A INPUT\niptables -I INPUT 1\n",
	  ":filter INPUT ACCEPT\n:filter FORWARD ACCEPT\n:filter OUTPUT ACCEPT\n"
	  "filter INPUT  @2\nfilter INPUT  @1\n" },
};

/* The chains (":TABLE CHAIN POLICY") and rules ("TABLE CHAIN TEXT @LINE") of @nf. */
static char *saved(const rxs_ruleset_t *nf)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	for (unsigned int i = 0; i < rxs_ruleset_nchains(nf); i++) {
		struct rxs_ruleset_chain_info c;

		assert_int_equal(rxs_ruleset_chain(nf, i, &c), 0);
		fprintf(f, ":%s %s %s\n", c.table, c.name, c.policy ? c.policy : "-");
	}
	for (unsigned int i = 0; i < rxs_ruleset_nrules(nf); i++) {
		struct rxs_ruleset_rule_info r = rule(nf, i);

		fprintf(f, "%s %s %s @%u\n", r.table, r.chain, r.text, r.line);
	}
	fclose(f);
	return buf;
}

static void test_iptables_scripts(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ipt_script_cases); i++) {
		rxs_ruleset_t *nf = load(ipt_script_cases[i].script);
		char *out = saved(nf);

		if (strcmp(out, ipt_script_cases[i].saved))
			fail_msg("case at line %d: saved\n%s", ipt_script_cases[i].line, out);
		free(out);
		rxs_ruleset_destroy(nf);
	}
}

/* ---- one rule, one packet: every match and target ---- */

#define SRC "10.0.0.9"
#define DST "10.77.0.2"
static const struct {
	int line;
	const char *rule;
	struct pkt pkt;
	enum rxs_nf_verdict verdict;
	uint64_t hits;
} match_cases[] = {
	{ __LINE__, "-s 10.0.0.0/8 -j DROP", UDP("10.9.9.9", DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-s 10.0.0.0/8 -j DROP", UDP("11.0.0.1", DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "! -s 10.0.0.0/8 -j DROP", UDP("11.0.0.1", DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-s 10.0.0.1 -j DROP", UDP("10.0.0.2", DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-s 10.0.0.1 -j DROP", UDP("10.0.0.1", DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-s 10.0.0.77/24 -j DROP", UDP("10.0.0.1", DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-d 10.77.0.0/255.255.255.0 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "! -d 10.77.0.2 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-s 0.0.0.0/0 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-p tcp -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-p udp -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-p 17 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "! -p udp -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-p icmp -j DROP", ICMP(SRC, DST, 8), RXS_NF_DROP, 1 },
	{ __LINE__, "-p all -j DROP", ICMP(SRC, DST, 8), RXS_NF_DROP, 1 },
	{ __LINE__, "-i eth0 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-i eth+ -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-i eth1 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "! -i eth1 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "! -i eth+ -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	/* a name's prefix, or a longer name, is another name; "+" alone matches all */
	{ __LINE__, "-i eth -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-i eth00 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-i eth0+ -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-i + -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-p udp --sport 1000:2000 -j DROP", UDP(SRC, DST, 1500, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-p udp --sport 1000:2000 -j DROP", UDP(SRC, DST, 999, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-p udp --source-port 1000 -j DROP", UDP(SRC, DST, 1000, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-p udp --dport 53 -j DROP", UDP(SRC, DST, 1, 53), RXS_NF_DROP, 1 },
	{ __LINE__, "-p udp ! --dport 53 -j DROP", UDP(SRC, DST, 1, 54), RXS_NF_DROP, 1 },
	{ __LINE__, "-p udp ! --dport 53 -j DROP", UDP(SRC, DST, 1, 53), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-p udp --dport :100 -j DROP", UDP(SRC, DST, 1, 100), RXS_NF_DROP, 1 },
	{ __LINE__, "-p udp --dport 100: -j DROP", UDP(SRC, DST, 1, 65535), RXS_NF_DROP, 1 },
	{ __LINE__, "-p udp -m udp --dport 5 -j DROP", UDP(SRC, DST, 1, 5), RXS_NF_DROP, 1 },
	{ __LINE__, "-p tcp --syn -j DROP", TCP(SRC, DST, 1, 80, 0x02), RXS_NF_DROP, 1 },
	{ __LINE__, "-p tcp --syn -j DROP", TCP(SRC, DST, 1, 80, 0x12), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-p tcp ! --syn -j DROP", TCP(SRC, DST, 1, 80, 0x10), RXS_NF_DROP, 1 },
	{ __LINE__, "-p tcp --tcp-flags ALL NONE -j DROP", TCP(SRC, DST, 1, 80, 0), RXS_NF_DROP, 1 },
	{ __LINE__, "-p tcp --tcp-flags SYN,FIN SYN,FIN -j DROP", TCP(SRC, DST, 1, 80, 0x03),
	  RXS_NF_DROP, 1 },
	{ __LINE__, "-p tcp --tcp-flags SYN,FIN SYN,FIN -j DROP", TCP(SRC, DST, 1, 80, 0x02),
	  RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-p tcp -m tcp --dport 22 -j DROP", TCP(SRC, DST, 1, 22, 0x02), RXS_NF_DROP, 1 },
	{ __LINE__, "-p udp -m multiport --dports 53,1000:2000 -j DROP", UDP(SRC, DST, 1, 1500),
	  RXS_NF_DROP, 1 },
	{ __LINE__, "-p udp -m multiport --dports 53,1000:2000 -j DROP", UDP(SRC, DST, 1, 54),
	  RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-p udp -m multiport --sports 7 -j DROP", UDP(SRC, DST, 7, 1), RXS_NF_DROP, 1 },
	{ __LINE__, "-p udp -m multiport --ports 9 -j DROP", UDP(SRC, DST, 1, 9), RXS_NF_DROP, 1 },
	{ __LINE__, "-p udp -m multiport ! --dports 53 -j DROP", UDP(SRC, DST, 1, 54), RXS_NF_DROP,
	  1 },
	{ __LINE__, "-m length --length 128 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-m length --length 0:127 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-m length ! --length 0:127 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-m comment --comment \"a b\" -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-m conntrack --ctstate NEW -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-m conntrack --ctstate ESTABLISHED -j DROP", UDP(SRC, DST, 1, 2),
	  RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-m conntrack ! --ctstate NEW -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-m state --state NEW -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	/* TCP without an entry: SYN-ACK is INVALID; a bare ACK is picked up, and NEW */
	{ __LINE__, "-m conntrack --ctstate INVALID -j DROP", TCP(SRC, DST, 1, 80, 0x12),
	  RXS_NF_DROP, 1 },
	{ __LINE__, "-m conntrack --ctstate NEW -j DROP", TCP(SRC, DST, 1, 80, 0x10), RXS_NF_DROP,
	  1 },
	{ __LINE__, "-m conntrack --ctstate INVALID -j DROP", TCP(SRC, DST, 1, 80, 0x03),
	  RXS_NF_DROP, 1 },
	{ __LINE__, "-m conntrack --ctstate INVALID -j DROP", ICMP(SRC, DST, 0), RXS_NF_DROP, 1 },
	{ __LINE__, "-m conntrack --ctstate NEW -j DROP", ICMP(SRC, DST, 8), RXS_NF_DROP, 1 },
	/* -m mark, -m connmark (the packet's mark is 0; so is a new entry's) */
	{ __LINE__, "-m mark --mark 0 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-m mark --mark 0x1/0x1 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-m mark ! --mark 0x4000/0x4000 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-m connmark --mark 0 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-m connmark ! --mark 0 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	/* -m addrtype: the host has no address here; 127/8 is lo's (LOCAL) */
	{ __LINE__, "-m addrtype --dst-type LOCAL -j DROP", UDP(SRC, "127.0.0.1", 1, 2),
	  RXS_NF_DROP, 1 },
	{ __LINE__, "-m addrtype --dst-type LOCAL -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-m addrtype ! --dst-type LOCAL -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-m addrtype --src-type UNICAST --dst-type BROADCAST -j DROP",
	  UDP(SRC, "255.255.255.255", 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-m addrtype --dst-type BROADCAST -j DROP", UDP(SRC, "0.0.0.0", 1, 2),
	  RXS_NF_DROP, 1 },
	{ __LINE__, "-m addrtype --dst-type MULTICAST,BLACKHOLE -j DROP",
	  UDP(SRC, "224.0.0.251", 1, 5353), RXS_NF_DROP, 1 },
	/* -m pkttype: the skb's pkt_type (PACKET_HOST here) */
	{ __LINE__, "-m pkttype --pkt-type unicast -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-m pkttype --pkt-type broadcast -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT,
	  0 },
	{ __LINE__, "-m pkttype ! --pkt-type multicast -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP,
	  1 },
	/* ICMP types: names, numbers, TYPE/CODE, any, and the implicit match of -p icmp */
	{ __LINE__, "-p icmp --icmp-type echo-request -j DROP", ICMP(SRC, DST, 8), RXS_NF_DROP, 1 },
	{ __LINE__, "-p icmp --icmp-type echo-request -j DROP", ICMP(SRC, DST, 0), RXS_NF_ACCEPT,
	  0 },
	{ __LINE__, "-p icmp -m icmp --icmp-type 8 -j DROP", ICMP(SRC, DST, 8), RXS_NF_DROP, 1 },
	{ __LINE__, "-p icmp -m icmp --icmp-type 3/3 -j DROP", ICMP(SRC, DST, 3), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-p icmp -m icmp --icmp-type 3/0 -j DROP", ICMP(SRC, DST, 3), RXS_NF_DROP, 1 },
	{ __LINE__, "-p icmp --icmp-type network-unreachable -j DROP", ICMP(SRC, DST, 3),
	  RXS_NF_DROP, 1 },
	{ __LINE__, "-p icmp --icmp-type any -j DROP", ICMP(SRC, DST, 13), RXS_NF_DROP, 1 },
	{ __LINE__, "-p icmp ! --icmp-type 8 -j DROP", ICMP(SRC, DST, 8), RXS_NF_ACCEPT, 0 },
	/* -m ttl (the test packets have TTL 64) */
	{ __LINE__, "-m ttl --ttl-eq 64 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-m ttl ! --ttl-eq 64 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-m ttl --ttl-lt 64 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-m ttl --ttl-gt 63 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	/* -m tcpmss: the MSS option's value; without one, the inversion */
	{ __LINE__, "-p tcp -m tcpmss --mss 1000:1500 -j DROP",
	  { .proto = 6, .src = SRC, .dst = DST, .sport = 1, .dport = 80, .flags = 2, .mss = 1460 },
	  RXS_NF_DROP, 1 },
	{ __LINE__, "-p tcp -m tcpmss --mss 1461: -j DROP",
	  { .proto = 6, .src = SRC, .dst = DST, .sport = 1, .dport = 80, .flags = 2, .mss = 1460 },
	  RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-p tcp -m tcpmss --mss 1:65535 -j DROP", TCP(SRC, DST, 1, 80, 0x02),
	  RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-p tcp -m tcpmss ! --mss 536 -j DROP", TCP(SRC, DST, 1, 80, 0x02),
	  RXS_NF_DROP, 1 },
	/* --ctstate DNAT/SNAT: no entry has a NAT status without the nat table */
	{ __LINE__, "-m conntrack --ctstate DNAT -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP",
	  UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-m conntrack --ctstate NEW,SNAT -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	/* connlimit: this connection is the first of its source */
	{ __LINE__, "-m connlimit --connlimit-above 0 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP,
	  1 },
	{ __LINE__, "-p tcp -m connlimit --connlimit-above 1 --connlimit-mask 32 "
		    "--connlimit-saddr -j DROP", TCP(SRC, DST, 1, 80, 0x02), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-m connlimit --connlimit-upto 1 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	/* targets that go on to the next rule */
	{ __LINE__, "-j NFLOG --nflog-group 5 --nflog-prefix \"nf: \"", UDP(SRC, DST, 1, 2),
	  RXS_NF_ACCEPT, 1 },
	{ __LINE__, "-j CONNMARK --set-xmark 0x1/0xffffffff", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT,
	  1 },
	{ __LINE__, "-j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff",
	  UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 1 },
	{ __LINE__, "-m statistic --mode nth --every 1 -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP,
	  1 },
	{ __LINE__, "-m statistic --mode random --probability 0 -j DROP", UDP(SRC, DST, 1, 2),
	  RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-m statistic --mode random --probability 1 -j DROP", UDP(SRC, DST, 1, 2),
	  RXS_NF_DROP, 1 },
	{ __LINE__, "-m recent --set --name T -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-m recent --rcheck --name T -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-m recent ! --rcheck -j DROP", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-m hashlimit --hashlimit-upto 1/sec --hashlimit-name h -j DROP",
	  UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-m hashlimit --hashlimit-above 1/sec --hashlimit-burst 1 "
		    "--hashlimit-mode srcip,dstport --hashlimit-name h -j DROP",
	  UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-j ACCEPT", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 1 },
	{ __LINE__, "-p udp", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 1 },
	{ __LINE__, "-j REJECT", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "-j LOG --log-prefix \"in: \"", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 1 },
	{ __LINE__, "-j MARK --set-mark 5", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 1 },
	{ __LINE__, "-j RETURN", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 1 },
	/* the ends of a --dport range (the rules are indexed by destination port) */
	{ __LINE__, "-p udp --dport 1000:2000 -j DROP", UDP(SRC, DST, 1, 999), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-p udp --dport 1000:2000 -j DROP", UDP(SRC, DST, 1, 1000), RXS_NF_DROP, 1 },
	{ __LINE__, "-p udp --dport 1000:2000 -j DROP", UDP(SRC, DST, 1, 2000), RXS_NF_DROP, 1 },
	{ __LINE__, "-p udp --dport 1000:2000 -j DROP", UDP(SRC, DST, 1, 2001), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-p udp --dport 65535 -j DROP", UDP(SRC, DST, 1, 65535), RXS_NF_DROP, 1 },
	{ __LINE__, "-p udp --dport 0 -j DROP", UDP(SRC, DST, 1, 0), RXS_NF_DROP, 1 },
	{ __LINE__, "-p tcp --dport 22 -j DROP", TCP(SRC, DST, 1, 23, 0x02), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-p tcp --dport 22 --syn -j DROP", TCP(SRC, DST, 1, 22, 0x02), RXS_NF_DROP, 1 },
	{ __LINE__, "-p tcp --dport 22 -j DROP", UDP(SRC, DST, 1, 22), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-p udp --dport 22 -j DROP", TCP(SRC, DST, 1, 22, 0x02), RXS_NF_ACCEPT, 0 },
	/* a later fragment has no ports: port matches never match it */
	{ __LINE__, "-p udp --dport 2 -j DROP", { .proto = 17, .src = SRC, .dst = DST,
						  .dport = 2, .payload = 100, .frag = 0x0010 },
	  RXS_NF_ACCEPT, 0 },
	{ __LINE__, "-p udp -j DROP", { .proto = 17, .src = SRC, .dst = DST, .dport = 2,
					.payload = 100, .frag = 0x0010 },
	  RXS_NF_DROP, 1 },
};

static void test_matches_and_targets(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(match_cases); i++) {
		char text[512];
		rxs_ruleset_t *nf;
		struct rxs_ruleset_rule_info r;
		enum rxs_nf_verdict v;
		unsigned int len = 20 + l4_size(&match_cases[i].pkt) + match_cases[i].pkt.payload;

		snprintf(text, sizeof(text), "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT %s\nCOMMIT\n",
			 match_cases[i].rule);
		nf = load(text);
		v = run(nf, &match_cases[i].pkt, 0);
		r = rule(nf, 0);
		if (v != match_cases[i].verdict || r.pkts != match_cases[i].hits ||
		    r.bytes != match_cases[i].hits * len)
			fail_msg("case at line %d: verdict %d, %llu packets, %llu bytes",
				 match_cases[i].line, v, (unsigned long long)r.pkts,
				 (unsigned long long)r.bytes);
		rxs_ruleset_destroy(nf);
	}
}
#undef SRC
#undef DST

/* Destination-port indexing across chains: a jump, a return to the middle of the caller, a
 * goto, and rules the index must not skip (no --dport, an inverted one, -m udp after
 * another match). */
static void test_dport_index_chains(void **state)
{
	static const char text[] =
		"*filter\n:INPUT ACCEPT [0:0]\n:PORTS - [0:0]\n:LAST - [0:0]\n"
		"-A INPUT -p udp --dport 10:20 -j PORTS\n"		/* 0 */
		"-A INPUT -p udp --dport 15 -j DROP\n"			/* 1 */
		"-A INPUT -p udp ! --dport 1:30 -j DROP\n"		/* 2 */
		"-A INPUT -p udp -m length --length 0:65535 -m udp --dport 25 -j MARK --set-mark 1\n"
		"-A INPUT -p udp --dport 25:26 -g LAST\n"		/* 4 */
		"-A INPUT -p udp -j ACCEPT\n"				/* 5 */
		"-A PORTS -p udp --dport 12 -j DROP\n"			/* 6 */
		"-A PORTS -p udp --dport 10:11 -j RETURN\n"		/* 7 */
		"-A PORTS -p udp --dport 16:20 -j ACCEPT\n"		/* 8 */
		"-A LAST -p udp --dport 26 -j DROP\n"			/* 9 */
		"COMMIT\n";
	static const struct {
		uint16_t dport;
		enum rxs_nf_verdict verdict;
		uint64_t hits[10];
	} cases[] = {
		{ 12, RXS_NF_DROP, { 1, 0, 0, 0, 0, 0, 1, 0, 0, 0 } },
		{ 10, RXS_NF_ACCEPT, { 1, 0, 0, 0, 0, 1, 0, 1, 0, 0 } },
		{ 15, RXS_NF_DROP, { 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 } },
		{ 18, RXS_NF_ACCEPT, { 1, 0, 0, 0, 0, 0, 0, 0, 1, 0 } },
		{ 25, RXS_NF_ACCEPT, { 0, 0, 0, 1, 1, 0, 0, 0, 0, 0 } },
		{ 26, RXS_NF_DROP, { 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 } },
		{ 31, RXS_NF_DROP, { 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 } },
		{ 5, RXS_NF_ACCEPT, { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 } },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		rxs_ruleset_t *nf = load(text);
		struct pkt k = UDP("10.0.0.1", "10.77.0.2", 1, cases[i].dport);
		enum rxs_nf_verdict v = run(nf, &k, 0);

		if (v != cases[i].verdict)
			fail_msg("port %u: verdict %d", cases[i].dport, v);
		for (unsigned int j = 0; j < 10; j++)
			if (rule(nf, j).pkts != cases[i].hits[j])
				fail_msg("port %u: rule %u: %llu packets", cases[i].dport, j,
					 (unsigned long long)rule(nf, j).pkts);
		rxs_ruleset_destroy(nf);
	}
}

/* ---- targets with side effects ---- */

static void test_reject_sends(void **state)
{
	rxs_ruleset_t *nf = load("*filter\n:INPUT ACCEPT [0:0]\n"
			    "-A INPUT -p tcp --dport 1 -j REJECT --reject-with tcp-reset\n"
			    "-A INPUT -p udp --dport 2 -j REJECT\n"
			    "-A INPUT -p udp --dport 3 -j REJECT --reject-with icmp-host-prohibited\n"
			    "COMMIT\n");
	const struct pkt syn = TCP("10.0.0.5", "10.77.0.2", 999, 1, 0x02);
	const struct pkt rst = TCP("10.0.0.5", "10.77.0.2", 999, 1, 0x04);
	const struct pkt udp2 = UDP("10.0.0.6", "10.77.0.2", 999, 2);
	const struct pkt udp3 = UDP("10.0.0.7", "10.77.0.2", 999, 3);
	uint64_t out = rxs_host_mib(host, RXS_MIB_IpOutRequests);
	uint64_t unreach = rxs_host_mib(host, RXS_MIB_IcmpOutDestUnreachs);
	uint64_t msgs = rxs_host_mib(host, RXS_MIB_IcmpOutMsgs);
	uint64_t type3 = rxs_host_mib(host, RXS_MIB_IcmpMsgOutType3);

	(void)state;
	/* nf_send_reset: a RST through ip_local_out (IpOutRequests), no TCP counter */
	assert_int_equal(run(nf, &syn, 0), RXS_NF_DROP);
	assert_int_equal(rxs_host_mib(host, RXS_MIB_IpOutRequests), out + 1);
	assert_int_equal(rxs_host_mib(host, RXS_MIB_IcmpOutMsgs), msgs);
	/* ... and never in answer to a RST */
	assert_int_equal(run(nf, &rst, 0), RXS_NF_DROP);
	assert_int_equal(rxs_host_mib(host, RXS_MIB_IpOutRequests), out + 1);
	/* nf_send_unreach: icmp_send, port unreachable by default */
	assert_int_equal(run(nf, &udp2, 0), RXS_NF_DROP);
	assert_int_equal(run(nf, &udp3, 0), RXS_NF_DROP);
	assert_int_equal(rxs_host_mib(host, RXS_MIB_IpOutRequests), out + 3);
	assert_int_equal(rxs_host_mib(host, RXS_MIB_IcmpOutMsgs), msgs + 2);
	assert_int_equal(rxs_host_mib(host, RXS_MIB_IcmpOutDestUnreachs), unreach + 2);
	assert_int_equal(rxs_host_mib(host, RXS_MIB_IcmpMsgOutType3), type3 + 2);
	rxs_ruleset_destroy(nf);
}

/*
 * A REJECT's ICMP error leaves through ip_output(), so its LOCAL_OUT walk runs inside the
 * INPUT walk that rejected (nf_send_unreach -> icmp_send -> ip_local_out -> nf_hook_slow).
 * Both walks jump into user chains here. A function at LOCAL_OUT after the filter table sees
 * the machine in the middle of the nested walk: the INPUT walk's return point (INPUT, after
 * rule 1) and its packet's conntrack state must still be where it left them. Before the
 * walk was re-entrant the nested walk wrote its own return points over the outer one's
 * (nf->stack[0] held OUTPUT's) and reset the outer packet's conntrack state.
 */
static const char nested_rules[] =
	"*filter\n"
	":INPUT ACCEPT [0:0]\n"
	":OUTPUT ACCEPT [0:0]\n"
	":IN_CHAIN - [0:0]\n"
	":OUT_A - [0:0]\n"
	":OUT_B - [0:0]\n"
	"-A INPUT -m conntrack --ctstate NEW -j LOG\n"		/* 0 */
	"-A INPUT -p udp -j IN_CHAIN\n"				/* 1: returns to 2 */
	"-A INPUT -p udp -j LOG\n"				/* 2: never, REJECT ended it */
	"-A OUTPUT -p icmp -j OUT_A\n"				/* 3: returns to 4 */
	"-A OUTPUT -p icmp -j LOG\n"				/* 4 */
	"-A IN_CHAIN -p udp -j LOG\n"				/* 5 */
	"-A IN_CHAIN -p udp --dport 7 -j REJECT\n"		/* 6: the nested walk */
	"-A IN_CHAIN -p udp -j LOG\n"				/* 7: never */
	"-A OUT_A -p icmp -j LOG\n"				/* 8 */
	"-A OUT_A -p icmp -j OUT_B\n"				/* 9: returns to 10 */
	"-A OUT_A -p icmp -j LOG\n"				/* 10 */
	"-A OUT_B -p icmp -j LOG\n"				/* 11 */
	"COMMIT\n";

struct nested_seen {
	rxs_ruleset_t *nf;
	const struct rxs_sk_buff *outer;	/* the rejected packet */
	unsigned int calls;
	struct nf_frame frame0;			/* the outer walk's return point */
	bool outer_kept, outer_new, own_state;
};

static enum rxs_nf_verdict nested_probe(void *priv, struct rxs_sk_buff *skb,
					const struct rxs_nf_hook_state *st)
{
	struct nested_seen *s = priv;
	const struct rxs_ruleset *nf = s->nf;

	(void)st;
	s->calls++;
	s->frame0 = nf->stack[0];
	s->outer_kept = nf->outer && nf->outer->pkt.skb == s->outer;
	s->outer_new = nf->outer && nf->outer->pkt.ct_done &&
		       nf->outer->pkt.info == NF_CTINFO_NEW && nf->outer->pkt.pending;
	s->own_state = nf->cur.skb == skb;
	return RXS_NF_ACCEPT;
}

static void test_reject_nested_walk(void **state)
{
	static const unsigned int hits[] = { 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1 };
	rxs_ruleset_t *nf = load(nested_rules);
	const struct pkt k = UDP("10.0.0.5", "10.77.0.2", 999, 7);
	struct nested_seen seen = { .nf = nf };
	const struct rxs_nf_hook_ops ops = {
		.hook = nested_probe, .priv = &seen, .pf = RXS_NFPROTO_IPV4,
		.hooknum = RXS_NF_INET_LOCAL_OUT, .priority = 100,
	};
	uint64_t unreach = rxs_host_mib(host, RXS_MIB_IcmpOutDestUnreachs);
	rxs_ruleset_t *was = host->nf.rules;
	struct rxs_sk_buff *skb = make_skb(&k);
	struct rxs_ruleset_stats st;
	uint8_t *eth;

	(void)state;
	/* The error goes back to the frame's source, by the device the packet came in on. */
	eth = rxs_skb_push(skb, 14);
	memset(eth, 0, 14);
	eth[6] = 0x02;
	skb->mac_header = (uint16_t)(eth - skb->head);
	rxs_skb_pull(skb, 14);
	skb->dev = &host->devs[0];
	host->nf.rules = nf;		/* ip_output's LOCAL_OUT walk uses the host's rule set */
	rxs__nf_rules_attach(host);
	assert_int_equal(rxs_nf_register_net_hook(host, &ops), 0);
	seen.outer = skb;
	assert_int_equal(rxs__nf_hook(nf, RXS_NF_INET_PRE_ROUTING, skb, "eth0", 0), RXS_NF_ACCEPT);
	assert_int_equal(rxs__nf_hook(nf, RXS_NF_INET_LOCAL_IN, skb, "eth0", 0), RXS_NF_DROP);
	assert_int_equal(rxs_nf_unregister_net_hook(host, &ops), 0);
	host->nf.rules = was;
	rxs__nf_rules_attach(host);

	assert_int_equal(rxs_host_mib(host, RXS_MIB_IcmpOutDestUnreachs), unreach + 1);
	assert_int_equal(seen.calls, 1);
	/* the INPUT walk's state, in the middle of the nested walk */
	assert_int_equal(seen.frame0.chain, nf->builtin[NF_TABLE_FILTER][RXS_NF_INET_LOCAL_IN]);
	assert_int_equal(seen.frame0.idx, 2);
	assert_true(seen.outer_kept);
	assert_true(seen.outer_new);
	assert_true(seen.own_state);
	/* both walks counted each rule they crossed, once */
	for (unsigned int r = 0; r < ARRAY_SIZE(hits); r++)
		if (rule(nf, r).pkts != hits[r])
			fail_msg("rule %u has %llu packets, want %u", r,
				 (unsigned long long)rule(nf, r).pkts, hits[r]);
	rxs_ruleset_get_stats(nf, &st);
	assert_int_equal(st.log_packets, 1 + 1 + 1 + 1 + 1 + 1);
	assert_null(nf->outer);
	assert_ptr_equal(nf->frames, nf->stack);
	rxs_ruleset_destroy(nf);
}

static void test_log_and_mark(void **state)
{
	rxs_ruleset_t *nf = load("*mangle\n"
			    "-A INPUT -j LOG\n"
			    "-A INPUT -j MARK --set-mark 0xf0\n"
			    "-A INPUT -j MARK --and-mark 0x30\n"
			    "-A INPUT -j MARK --or-mark 0x1\n"
			    "-A INPUT -j MARK --xor-mark 0x3\n"
			    "-A INPUT -j MARK --set-xmark 0x4/0x6\n"
			    "-A INPUT -j LOG --log-level debug --log-tcp-options\n"
			    "COMMIT\n"
			    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j LOG\nCOMMIT\n");
	const struct pkt k = UDP("10.0.0.5", "10.77.0.2", 1, 2);
	struct rxs_ruleset_stats st;
	uint32_t mark = 0;

	(void)state;
	assert_int_equal(run_at(nf, RXS_NF_INET_LOCAL_IN, &k, 0, &mark), RXS_NF_ACCEPT);
	/* 0xf0 & 0x30 = 0x30, | 0x1 = 0x31, ^ 0x3 = 0x32, (& ~0x6) ^ 0x4 = 0x34 */
	assert_int_equal(mark, 0x34);
	rxs_ruleset_get_stats(nf, &st);
	assert_int_equal(st.log_packets, 3);	/* LOG goes on to the next rule */
	for (unsigned int i = 0; i < rxs_ruleset_nrules(nf); i++)
		assert_int_equal(rule(nf, i).pkts, 1);
	rxs_ruleset_destroy(nf);
}

/* ---- traversal: -j, -g, RETURN, policies, references ---- */

static const char goto_rules[] =
	"*filter\n"
	":INPUT ACCEPT [7:420]\n"
	":A - [0:0]\n"
	":B - [0:0]\n"
	"-A INPUT -p udp -j A\n"			/* 0 */
	"-A INPUT -p udp -j DROP\n"			/* 1: where A returns to */
	"-A INPUT -p tcp -g B\n"			/* 2 */
	"-A INPUT -p icmp -j RETURN\n"			/* 3: the policy applies */
	"-A A -p udp --dport 1 -g B\n"			/* 4 */
	"-A A -p udp --dport 2 -j RETURN\n"		/* 5 */
	"-A A -p udp --dport 3 -j ACCEPT\n"		/* 6 */
	"-A B -p udp --dport 1 -j RETURN\n"		/* 7: back to INPUT, A's caller */
	"-A B -c 5 300 -p tcp --dport 9 -j DROP\n"	/* 8 */
	"COMMIT\n";

static const struct {
	int line;
	struct pkt pkt;
	enum rxs_nf_verdict verdict;
	unsigned int hits[9];
	uint64_t policy;
} goto_cases[] = {
	{ __LINE__, UDP("10.0.0.1", "10.77.0.2", 5, 1), RXS_NF_DROP, { 1, 1, 0, 0, 1, 0, 0, 1, 0 }, 0 },
	{ __LINE__, UDP("10.0.0.1", "10.77.0.2", 5, 2), RXS_NF_DROP, { 1, 1, 0, 0, 0, 1, 0, 0, 0 }, 0 },
	{ __LINE__, UDP("10.0.0.1", "10.77.0.2", 5, 3), RXS_NF_ACCEPT, { 1, 0, 0, 0, 0, 0, 1, 0, 0 },
	  0 },
	/* the end of a chain reached by -g from INPUT is INPUT's end: the policy */
	{ __LINE__, TCP("10.0.0.1", "10.77.0.2", 5, 8, 0x02), RXS_NF_ACCEPT,
	  { 0, 0, 1, 0, 0, 0, 0, 0, 0 }, 1 },
	{ __LINE__, TCP("10.0.0.1", "10.77.0.2", 5, 9, 0x02), RXS_NF_DROP,
	  { 0, 0, 1, 0, 0, 0, 0, 0, 1 }, 0 },
	{ __LINE__, ICMP("10.0.0.1", "10.77.0.2", 8), RXS_NF_ACCEPT, { 0, 0, 0, 1, 0, 0, 0, 0, 0 },
	  1 },
};

static void test_goto_return(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(goto_cases); i++) {
		rxs_ruleset_t *nf = load(goto_rules);
		struct rxs_ruleset_chain_info c;
		enum rxs_nf_verdict v = run(nf, &goto_cases[i].pkt, 0);

		if (v != goto_cases[i].verdict)
			fail_msg("case at line %d: verdict %d", goto_cases[i].line, v);
		for (unsigned int r = 0; r < 9; r++)
			if (rule(nf, r).pkts != goto_cases[i].hits[r] + (r == 8 ? 5 : 0))
				fail_msg("case at line %d: rule %u has %llu packets", goto_cases[i].line,
					 r, (unsigned long long)rule(nf, r).pkts);
		assert_int_equal(rxs_ruleset_chain(nf, 0, &c), 0);
		assert_string_equal(c.name, "INPUT");
		assert_string_equal(c.policy, "ACCEPT");
		if (c.pkts != 7 + goto_cases[i].policy)
			fail_msg("case at line %d: policy counted %llu", goto_cases[i].line,
				 (unsigned long long)c.pkts);
		rxs_ruleset_destroy(nf);
	}
}

static void test_references(void **state)
{
	rxs_ruleset_t *nf = load(goto_rules);
	struct rxs_ruleset_chain_info c;

	(void)state;
	assert_int_equal(rxs_ruleset_nchains(nf), 5);	/* INPUT FORWARD OUTPUT A B */
	assert_int_equal(rxs_ruleset_chain(nf, 3, &c), 0);
	assert_string_equal(c.name, "A");
	assert_null(c.policy);
	assert_int_equal(c.references, 1);
	assert_int_equal(rxs_ruleset_chain(nf, 4, &c), 0);
	assert_string_equal(c.name, "B");
	assert_int_equal(c.references, 2);
	assert_int_equal(rxs_ruleset_chain(nf, 5, &c), -EINVAL);
	assert_int_equal(rule(nf, 8).bytes, 300);
	assert_string_equal(rule(nf, 8).text, "-c 5 300 -p tcp --dport 9 -j DROP");
	rxs_ruleset_destroy(nf);
}

/* ---- -m limit: a token bucket in jiffies of virtual time ---- */

static void test_limit(void **state)
{
	rxs_ruleset_t *nf = load("*filter\n:INPUT DROP [0:0]\n"
			    "-A INPUT -m limit --limit 2/sec --limit-burst 3 -j ACCEPT\nCOMMIT\n");
	const struct pkt k = UDP("10.0.0.1", "10.77.0.2", 1, 2);
	unsigned int accepted = 0;

	(void)state;
	/* the burst: 3 at once */
	for (unsigned int i = 0; i < 10; i++)
		accepted += run(nf, &k, 0) == RXS_NF_ACCEPT;
	assert_int_equal(accepted, 3);
	/* 2/s refills one packet every 500 ms (125 jiffies at HZ=250) */
	assert_int_equal(run(nf, &k, 496 * MS), RXS_NF_DROP);
	assert_int_equal(run(nf, &k, 500 * MS), RXS_NF_ACCEPT);
	assert_int_equal(run(nf, &k, 500 * MS), RXS_NF_DROP);
	/* an idle minute refills the burst, no more */
	accepted = 0;
	for (unsigned int i = 0; i < 10; i++)
		accepted += run(nf, &k, 60000 * MS) == RXS_NF_ACCEPT;
	assert_int_equal(accepted, 3);
	assert_int_equal(rule(nf, 0).pkts, 7);
	rxs_ruleset_destroy(nf);
}

/* ---- the matches that keep state, in virtual time ---- */

static rxs_ruleset_t *load_opts(const struct rxs_ruleset_opts *o)
{
	rxs_ruleset_t *nf = NULL;
	char err[512];

	if (rxs_ruleset_create_opts(&nf, o, err, sizeof(err)))
		fail_msg("rule set refused: %s", err);
	return nf;
}

/* statistic --mode nth is exact: every 3rd packet from the 2nd (--packet 1). --mode random
 * draws from the run's seed: the same seed, the same packets. */
static void test_statistic(void **state)
{
	static const char nth[] = "*filter\n:INPUT ACCEPT [0:0]\n"
				  "-A INPUT -m statistic --mode nth --every 3 --packet 1 -j DROP\n"
				  "COMMIT\n";
	static const char rnd[] = "*filter\n:INPUT ACCEPT [0:0]\n"
				  "-A INPUT -m statistic --mode random --probability 0.33333333349 "
				  "-j DROP\nCOMMIT\n";
	const struct pkt k = UDP("10.0.0.1", "10.77.0.2", 1, 2);
	struct rxs_ruleset_opts o = { .text = rnd, .name = "test", .first_line = 1, .seed = 42 };
	rxs_ruleset_t *nf = load(nth), *a, *b, *c;
	char seq[10] = "", sa[301] = "", sb[301] = "", sc[301] = "";
	unsigned int dropped = 0;

	(void)state;
	for (unsigned int i = 0; i < 9; i++)
		seq[i] = run(nf, &k, 0) == RXS_NF_DROP ? 'D' : '.';
	assert_string_equal(seq, ".D..D..D.");
	rxs_ruleset_destroy(nf);

	a = load_opts(&o);
	b = load_opts(&o);
	o.seed = 43;
	c = load_opts(&o);
	for (unsigned int i = 0; i < 300; i++) {
		sa[i] = run(a, &k, 0) == RXS_NF_DROP ? 'D' : '.';
		sb[i] = run(b, &k, 0) == RXS_NF_DROP ? 'D' : '.';
		sc[i] = run(c, &k, 0) == RXS_NF_DROP ? 'D' : '.';
		dropped += sa[i] == 'D';
	}
	assert_string_equal(sa, sb);
	assert_string_not_equal(sa, sc);
	/* 1/3 of 300: 100, within 3 sigma (8.2 each) */
	assert_in_range(dropped, 76, 124);
	assert_int_equal(rule(a, 0).pkts, dropped);
	rxs_ruleset_destroy(a);
	rxs_ruleset_destroy(b);
	rxs_ruleset_destroy(c);
}

/* hashlimit: a bucket per source (mode srcip), 2/s with a burst of 3; at HZ=250 a token is
 * 125 jiffies (500 ms). Entries live htable-expire (1 s) after their last packet, but only
 * the collector (every 1 s from the first packet) removes them. */
static void test_hashlimit(void **state)
{
	rxs_ruleset_t *nf = load("*filter\n:INPUT DROP [0:0]\n"
				 "-A INPUT -m hashlimit --hashlimit-upto 2/sec --hashlimit-burst 3 "
				 "--hashlimit-mode srcip --hashlimit-name ssh "
				 "--hashlimit-htable-expire 1000 -j ACCEPT\nCOMMIT\n");
	const struct pkt a = UDP("10.0.0.1", "10.77.0.2", 1, 2);
	const struct pkt a2 = UDP("10.0.0.1", "10.77.0.2", 9, 9);
	const struct pkt b = UDP("10.0.0.2", "10.77.0.2", 1, 2);
	unsigned int n;

	(void)state;
	n = 0;
	for (unsigned int i = 0; i < 10; i++)
		n += run(nf, &a, 0) == RXS_NF_ACCEPT;
	assert_int_equal(n, 3);
	/* another source has its own bucket; other ports are the same key */
	n = 0;
	for (unsigned int i = 0; i < 10; i++)
		n += run(nf, &b, 0) == RXS_NF_ACCEPT;
	assert_int_equal(n, 3);
	assert_int_equal(run(nf, &a2, 0), RXS_NF_DROP);
	assert_int_equal(run(nf, &a, 496 * MS), RXS_NF_DROP);
	assert_int_equal(run(nf, &a, 500 * MS), RXS_NF_ACCEPT);
	assert_int_equal(run(nf, &a, 500 * MS), RXS_NF_DROP);
	/* at 1 s the collector removed b's entry (its last packet at 0 + 1 s expire): b starts
	 * over with a full bucket (3), not the 2 tokens a kept entry would have refilled */
	n = 0;
	for (unsigned int i = 0; i < 10; i++)
		n += run(nf, &b, 1000 * MS) == RXS_NF_ACCEPT;
	assert_int_equal(n, 3);
	/* a's entry (expires at 1.5 s) was kept: 1 s after its last token, 2 more */
	n = 0;
	for (unsigned int i = 0; i < 10; i++)
		n += run(nf, &a, 1500 * MS) == RXS_NF_ACCEPT;
	assert_int_equal(n, 2);
	assert_int_equal(rule(nf, 0).pkts, 3 + 3 + 1 + 3 + 2);
	rxs_ruleset_destroy(nf);
}

/* recent: the classic SSH brute-force pair; the 4th new connection in 60 s drops. */
static void test_recent(void **state)
{
	rxs_ruleset_t *nf = load("*filter\n:INPUT ACCEPT [0:0]\n"
				 "-A INPUT -p tcp --dport 22 -m recent --update --seconds 60 "
				 "--hitcount 3 --name SSH --mask 255.255.255.255 --rsource -j DROP\n"
				 "-A INPUT -p tcp --dport 22 -m recent --set --name SSH --rsource "
				 "-j ACCEPT\n"
				 "-A INPUT -p tcp --dport 80 -m recent --rcheck --name SSH -j DROP\n"
				 "-A INPUT -p tcp --dport 81 -m recent --remove --name SSH -j ACCEPT\n"
				 "COMMIT\n");
	const struct pkt ssh = TCP("10.0.0.1", "10.77.0.2", 1000, 22, 0x02);
	const struct pkt other = TCP("10.0.0.3", "10.77.0.2", 1000, 22, 0x02);
	const struct pkt web = TCP("10.0.0.1", "10.77.0.2", 1000, 80, 0x02);
	const struct pkt rm = TCP("10.0.0.1", "10.77.0.2", 1000, 81, 0x02);
	char seq[8] = "";

	(void)state;
	for (unsigned int i = 0; i < 5; i++)
		seq[i] = run(nf, &ssh, i * 1000 * MS) == RXS_NF_DROP ? 'D' : '.';
	assert_string_equal(seq, "...DD");
	assert_int_equal(run(nf, &other, 5000 * MS), RXS_NF_ACCEPT);
	/* --rcheck: the address is in the table */
	assert_int_equal(run(nf, &web, 5000 * MS), RXS_NF_DROP);
	/* 70 s on, every stamp is older than 60 s: no match, --set adds one */
	assert_int_equal(run(nf, &ssh, 70000 * MS), RXS_NF_ACCEPT);
	assert_int_equal(rule(nf, 0).pkts, 2);
	assert_int_equal(rule(nf, 1).pkts, 5);
	/* --remove takes the address out: --rcheck no longer matches */
	assert_int_equal(run(nf, &rm, 71000 * MS), RXS_NF_ACCEPT);
	assert_int_equal(run(nf, &web, 71000 * MS), RXS_NF_ACCEPT);
	assert_int_equal(rule(nf, 3).pkts, 1);
	rxs_ruleset_destroy(nf);
}

/* connlimit counts the source's connections in the table (and the packet's own). */
static void test_connlimit(void **state)
{
	rxs_ruleset_t *nf = load("*filter\n:INPUT ACCEPT [0:0]\n"
				 "-A INPUT -p tcp --syn -m connlimit --connlimit-above 2 "
				 "--connlimit-mask 24 -j DROP\nCOMMIT\n");
	char seq[8] = "";

	(void)state;
	for (unsigned int i = 0; i < 4; i++) {
		const struct pkt k = TCP(i % 2 ? "10.0.0.1" : "10.0.0.2", "10.77.0.2",
					 (uint16_t)(1000 + i), 80, 0x02);

		seq[i] = deliver(nf, &k, 0) == RXS_NF_DROP ? 'D' : '.';
	}
	/* 10.0.0.1 and .2 share the /24: the 3rd connection is over 2 */
	assert_string_equal(seq, "..DD");
	{
		const struct pkt other = TCP("10.0.1.1", "10.77.0.2", 1000, 80, 0x02);
		const struct pkt again = TCP("10.0.0.2", "10.77.0.2", 1000, 80, 0x02);

		assert_int_equal(deliver(nf, &other, 0), RXS_NF_ACCEPT);
		/* a retransmitted SYN of a counted connection is not a new one */
		assert_int_equal(deliver(nf, &again, 0), RXS_NF_ACCEPT);
	}
	rxs_ruleset_destroy(nf);
}

/* CONNMARK --save-mark / --restore-mark carry a mark from the first packet of a flow to the
 * next ones, which -m connmark and -m mark then see. */
static void test_connmark(void **state)
{
	rxs_ruleset_t *nf = load("*mangle\n:PREROUTING ACCEPT [0:0]\n"
				 "-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff "
				 "--ctmask 0xffffffff\n"
				 "-A PREROUTING -p udp --dport 53 -m mark --mark 0 -j MARK "
				 "--set-xmark 0x7/0xffffffff\n"
				 "-A PREROUTING -j CONNMARK --save-mark --nfmask 0xffffffff "
				 "--ctmask 0xffffffff\nCOMMIT\n"
				 "*filter\n:INPUT ACCEPT [0:0]\n"
				 "-A INPUT -m connmark --mark 0x7 -m mark --mark 0x7\nCOMMIT\n");
	const struct pkt k = UDP("10.0.0.1", "10.77.0.2", 5000, 53);

	(void)state;
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(deliver(nf, &k, i * MS), RXS_NF_ACCEPT);
	assert_int_equal(rule(nf, 1).pkts, 1);	/* only the first had mark 0 */
	assert_int_equal(rule(nf, 3).pkts, 3);
	rxs_ruleset_destroy(nf);
}

static const char ipsets_text[] =
	"create blk hash:net family inet hashsize 1024 maxelem 65536\n"
	"add blk 10.0.0.0/8\n"
	"add blk 10.1.0.0/16 nomatch\n"
	"create svc hash:ip,port family inet hashsize 1024 maxelem 65536\n"
	"add svc 10.77.0.2,udp:53\n"
	"add svc 10.77.0.2,tcp:443 timeout 0\n"
	"create ports bitmap:port range 1024-2048\n"
	"add ports 1500\n"
	"create hosts hash:ip family inet\n"
	"add hosts 192.168.7.7\n";

static void test_ipset(void **state)
{
	static const char rules[] = "*filter\n:INPUT ACCEPT [0:0]\n"
				    "-A INPUT -m set --match-set blk src -j DROP\n"
				    "-A INPUT -m set --match-set svc dst,dst -j DROP\n"
				    "-A INPUT -m set --match-set ports dst -j DROP\n"
				    "-A INPUT -m set ! --match-set hosts src -j RETURN\n"
				    "-A INPUT -j DROP\nCOMMIT\n";
	const struct rxs_ruleset_opts o = { .text = rules, .name = "s.yaml", .first_line = 10,
					    .ipsets = ipsets_text, .ipsets_line = 2 };
	const struct { int line; struct pkt k; enum rxs_nf_verdict v; } cases[] = {
		{ __LINE__, UDP("10.0.0.9", "10.77.0.2", 1, 2), RXS_NF_DROP },
		{ __LINE__, UDP("10.1.2.3", "10.77.0.2", 1, 2), RXS_NF_ACCEPT },	/* nomatch */
		{ __LINE__, UDP("172.16.0.1", "10.77.0.2", 1, 53), RXS_NF_DROP },
		{ __LINE__, TCP("172.16.0.1", "10.77.0.2", 1, 53, 2), RXS_NF_ACCEPT },
		{ __LINE__, TCP("172.16.0.1", "10.77.0.2", 1, 443, 2), RXS_NF_DROP },
		{ __LINE__, UDP("172.16.0.1", "10.77.0.2", 1, 1500), RXS_NF_DROP },
		{ __LINE__, UDP("172.16.0.1", "10.77.0.2", 1, 1501), RXS_NF_ACCEPT },
		{ __LINE__, UDP("192.168.7.7", "10.77.0.2", 1, 1501), RXS_NF_DROP },
	};
	rxs_ruleset_t *nf = load_opts(&o);
	char err[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if (run(nf, &cases[i].k, 0) != cases[i].v)
			fail_msg("case at line %d", cases[i].line);
	rxs_ruleset_destroy(nf);
	{
		const struct rxs_ruleset_opts bad = { .text = rules, .name = "s.yaml",
						      .first_line = 10, .ipsets_line = 2,
						      .ipsets = "create x hash:mac\n" };

		nf = NULL;
		assert_int_equal(rxs_ruleset_create_opts(&nf, &bad, err, sizeof(err)), RXS_ERULE);
		assert_string_equal(err, "s.yaml:2: ipsets: unsupported set type 'hash:mac' "
				    "(hash:ip, hash:net, hash:ip,port, hash:net,port, bitmap:port)");
		assert_null(nf);
	}
}

/* netfilter.unsupported=skip: each rule rxsim cannot read is left out and listed; a nat
 * table's rules too. The rest runs. */
static void test_skip_mode(void **state)
{
	static const char text[] = "*filter\n"
				   ":INPUT ACCEPT [0:0]\n"
				   "-A INPUT -m u32 --u32 \"0x0&0xf=0x5\" -j DROP\n"
				   "-A INPUT -p udp -j DROP\n"
				   "-A INPUT -j NFQUEUE --queue-num 3\n"
				   "COMMIT\n"
				   "*nat\n"
				   ":PREROUTING ACCEPT [0:0]\n"
				   "-A PREROUTING -p tcp -j NETMAP --to 10.0.0.0/24\n"
				   "COMMIT\n";
	const struct rxs_ruleset_opts o = { .text = text, .name = "s.yaml", .first_line = 5,
					    .skip_unsupported = 1 };
	rxs_ruleset_t *nf = load_opts(&o), *strict = NULL;
	struct rxs_ruleset_skipped_info si;
	char err[256];

	(void)state;
	assert_int_equal(rxs_ruleset_nrules(nf), 1);
	assert_int_equal(rxs_ruleset_nskipped(nf), 3);
	assert_int_equal(rxs_ruleset_skipped(nf, 0, &si), 0);
	assert_int_equal(si.line, 7);
	assert_string_equal(si.reason, "s.yaml:7:13: -A INPUT -m u32 --u32 \"0x0&0xf=0x5\" -j DROP: "
			    "unsupported match 'u32'");
	assert_int_equal(rxs_ruleset_skipped(nf, 1, &si), 0);
	assert_int_equal(si.line, 9);
	assert_int_equal(rxs_ruleset_skipped(nf, 2, &si), 0);
	assert_int_equal(si.line, 13);
	assert_string_equal(si.text, "-A PREROUTING -p tcp -j NETMAP --to 10.0.0.0/24");
	assert_int_equal(rxs_ruleset_skipped(nf, 3, &si), -EINVAL);
	assert_int_equal(run(nf, &(struct pkt)UDP("10.0.0.1", "10.77.0.2", 1, 2), 0), RXS_NF_DROP);
	assert_string_equal(rule(nf, 0).text, "-p udp -j DROP");
	rxs_ruleset_destroy(nf);
	/* without skip, the first is the error */
	assert_int_equal(rxs_ruleset_create(&strict, text, "s.yaml", 5, err, sizeof(err)),
			 RXS_ERULE);
	assert_string_equal(err, "s.yaml:7:13: -A INPUT -m u32 --u32 \"0x0&0xf=0x5\" -j DROP: "
			    "unsupported match 'u32'");
}

/* -o at OUTPUT: the host's own packet leaves by skb->dev. */
static void test_out_iface(void **state)
{
	rxs_ruleset_t *nf = load("*filter\n:OUTPUT ACCEPT [0:0]\n"
				 "-A OUTPUT -o lo -j DROP\n"
				 "-A OUTPUT ! -o eth+ -j DROP\n"
				 "-A OUTPUT -o eth0 -p udp -j DROP\nCOMMIT\n");
	struct rxs_sk_buff *skb = make_skb(&(struct pkt)UDP("10.77.0.2", "10.0.0.1", 1, 2));
	char *out;

	(void)state;
	skb->dev = &host->devs[0];
	assert_int_equal(rxs__nf_hook(nf, RXS_NF_INET_LOCAL_OUT, skb, "", 0), RXS_NF_DROP);
	/* --limit-iface-out: lo's 127.0.0.1 leaving by eth0 is another device's route, UNICAST */
	rxs_ruleset_destroy(nf);
	nf = load("*filter\n:OUTPUT ACCEPT [0:0]\n"
		  "-A OUTPUT -m addrtype --dst-type LOCAL --limit-iface-out -j DROP\n"
		  "-A OUTPUT -m addrtype --dst-type LOCAL\nCOMMIT\n");
	skb = make_skb(&(struct pkt)UDP("10.77.0.2", "127.0.0.1", 1, 2));
	skb->dev = &host->devs[0];
	assert_int_equal(rxs__nf_hook(nf, RXS_NF_INET_LOCAL_OUT, skb, "", 0), RXS_NF_ACCEPT);
	rxs_consume_skb(skb);
	assert_int_equal(rule(nf, 0).pkts, 0);
	assert_int_equal(rule(nf, 1).pkts, 1);
	rxs_ruleset_destroy(nf);
	nf = load("*filter\n:OUTPUT ACCEPT [0:0]\n"
		  "-A OUTPUT -o lo -j DROP\n"
		  "-A OUTPUT ! -o eth+ -j DROP\n"
		  "-A OUTPUT -o eth0 -p udp -j DROP\nCOMMIT\n");
	skb = make_skb(&(struct pkt)UDP("10.77.0.2", "10.0.0.1", 1, 2));
	skb->dev = &host->devs[0];
	assert_int_equal(rxs__nf_hook(nf, RXS_NF_INET_LOCAL_OUT, skb, "", 0), RXS_NF_DROP);
	assert_int_equal(rule(nf, 0).pkts, 0);
	assert_int_equal(rule(nf, 1).pkts, 0);
	assert_int_equal(rule(nf, 2).pkts, 1);
	out = print_to_string(nf, "filter");
	assert_non_null(strstr(out, "       0        0 DROP       all  --  *      !eth+   0.0.0.0/0"));
	free(out);
	rxs_ruleset_destroy(nf);
}

/* ---- real hosts' rule sets (tests/data/netfilter/) ---- */

static char *slurp(const char *name)
{
	char path[512];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/netfilter/%s", RXS_TESTDATA_DIR, name);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Docker 24-27's and kube-proxy's (iptables mode) iptables-save: every rule loads, the nat
 * table's too, strictly and in skip mode (nothing is skipped). */
static void test_real_rule_sets(void **state)
{
	static const struct { const char *file; unsigned int rules, nat_rules; } sets[] = {
		{ "docker.rules", 19, 10 },
		{ "kube-proxy.rules", 17, 37 },	/* filter and mangle rules, nat rules */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		char *text = slurp(sets[i].file), *nat = strstr(text, "*nat");
		struct rxs_ruleset_opts o = { .text = text, .name = sets[i].file, .first_line = 1,
					      .skip_unsupported = 1 };
		rxs_ruleset_t *nf = load_opts(&o);
		struct rxs_ruleset_skipped_info si;

		assert_int_equal(rxs_ruleset_nrules(nf), sets[i].rules + sets[i].nat_rules);
		assert_int_equal(rxs_ruleset_nskipped(nf), 0);
		assert_int_equal(rxs_ruleset_skipped(nf, 0, &si), -EINVAL);
		rxs_ruleset_destroy(nf);
		nf = load(text);
		assert_int_equal(rxs_ruleset_nrules(nf), sets[i].rules + sets[i].nat_rules);
		rxs_ruleset_destroy(nf);
		assert_non_null(nat);
		*nat = '\0';
		nf = load(text);
		assert_int_equal(rxs_ruleset_nrules(nf), sets[i].rules);
		rxs_ruleset_destroy(nf);
		free(text);
	}
}

/* kube-proxy's filter rules on a node's traffic: a NEW connection to the node's own
 * 127.0.0.1 from outside is dropped by KUBE-FIREWALL (! --ctstate RELATED,ESTABLISHED,DNAT:
 * no DNAT happened), a Service without endpoints is rejected, marked (0x4000) forwarded
 * traffic is accepted by KUBE-FORWARD. */
static void test_kube_filter(void **state)
{
	char *text = slurp("kube-proxy.rules");
	rxs_ruleset_t *nf;
	struct rxs_sk_buff *skb;
	char *out;

	(void)state;
	*strstr(text, "*nat") = '\0';
	nf = load(text);
	assert_int_equal(run(nf, &(struct pkt)TCP("10.0.0.9", "127.0.0.1", 1000, 10248, 0x02), 0),
			 RXS_NF_DROP);
	assert_int_equal(run(nf, &(struct pkt)TCP("127.0.0.1", "127.0.0.1", 1000, 30081, 0x02), 0),
			 RXS_NF_DROP);
	assert_int_equal(run(nf, &(struct pkt)TCP("10.0.0.9", "10.77.0.2", 1000, 22, 0x02), 0),
			 RXS_NF_ACCEPT);
	skb = make_skb(&(struct pkt)TCP("10.244.1.5", "10.0.0.9", 8080, 1000, 0x10));
	skb->mark = 0x4000;
	assert_int_equal(rxs__nf_hook(nf, RXS_NF_INET_FORWARD, skb, "cni0", 0), RXS_NF_ACCEPT);
	rxs_consume_skb(skb);
	out = print_to_string(nf, "filter");
	assert_non_null(strstr(out, "/* block incoming localnet connections */ ! ctstate "
				    "RELATED,ESTABLISHED,DNAT"));
	assert_non_null(strstr(out, "mark match 0x4000/0x4000"));
	free(out);
	rxs_ruleset_destroy(nf);
	free(text);
}

/* rxsim check on a scenario holding Docker's iptables-save, as a user pastes it. */
static void test_check_cli(void **state)
{
	char *text = slurp("docker.rules");
	char yaml[] = "/tmp/rxsim-ipt-XXXXXX.yaml", cmd[1024], line[512];
	int fd = mkstemps(yaml, 5), found = 0;
	FILE *f = fdopen(fd, "w"), *p;

	(void)state;
	assert_non_null(f);
	fputs("nics:\n  - name: eth0\n    addresses: [10.0.0.2/24]\nnetfilter: |\n", f);
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
		fprintf(f, "  %s\n", l);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s check %s --set netfilter.unsupported=skip 2>&1", RXS_CLI,
		 yaml);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		if (strstr(line, ": ok (1 nics, 0 sockets, 0 traffic sources, 29 netfilter rules)"))
			found |= 1;
		if (strstr(line, "skipped: "))
			found |= 2;
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(found, 1);
	/* without skip: the same, the nat table included */
	snprintf(cmd, sizeof(cmd), "%s check %s 2>&1", RXS_CLI, yaml);
	p = popen(cmd, "r");
	assert_non_null(fgets(line, sizeof(line), p));
	assert_non_null(strstr(line, "29 netfilter rules"));
	assert_int_equal(pclose(p), 0);
	unlink(yaml);
	free(text);
}

/* --nflog: each NFLOG hit is a LINKTYPE_NFLOG record: the nflog header (AF_INET, version 0,
 * group), then TLVs PACKET_HDR (ethertype 0x0800, hook), PREFIX and PAYLOAD (the packet). */
static void test_nflog_pcap(void **state)
{
	rxs_ruleset_t *nf = load("*filter\n:INPUT ACCEPT [0:0]\n"
				 "-A INPUT -p udp -j NFLOG --nflog-group 5 --nflog-prefix \"in: \"\n"
				 "COMMIT\n");
	char path[] = "/tmp/rxsim-nflog-XXXXXX", err[256] = "";
	char perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *ph;
	const u_char *d;
	pcap_t *p;
	int fd = mkstemp(path);

	(void)state;
	close(fd);
	host->nf.rules = nf;
	assert_int_equal(rxs_nflog_open_pcap(host, path, err, sizeof(err)), 0);
	assert_int_equal(rxs_nflog_open_pcap(host, path, err, sizeof(err)), -EBUSY);
	host->nf.rules = NULL;
	assert_int_equal(run(nf, &(struct pkt)UDP("10.0.0.1", "10.77.0.2", 7, 53), 3 * MS),
			 RXS_NF_ACCEPT);
	rxs_ruleset_destroy(nf);	/* closes the file */
	p = pcap_open_offline(path, perr);
	assert_non_null(p);
	assert_int_equal(pcap_datalink(p), 239);
	assert_int_equal(pcap_next_ex(p, &ph, &d), 1);
	/* 4 + PACKET_HDR 8 + PREFIX 4+5 -> 12 + PAYLOAD 4+128 */
	assert_int_equal(ph->caplen, 4 + 8 + 12 + 132);
	assert_int_equal(d[0], AF_INET);
	assert_int_equal(d[2] << 8 | d[3], 5);
	assert_int_equal(d[4] | d[5] << 8, 8);		/* TLV length, host order (x86) */
	assert_int_equal(d[6] | d[7] << 8, 1);		/* NFULA_PACKET_HDR */
	assert_int_equal(d[8] << 8 | d[9], 0x0800);
	assert_int_equal(d[10], RXS_NF_INET_LOCAL_IN);
	assert_int_equal(d[14] | d[15] << 8, 10);	/* NFULA_PREFIX */
	assert_string_equal((const char *)d + 16, "in: ");
	assert_int_equal(d[26] | d[27] << 8, 9);	/* NFULA_PAYLOAD */
	assert_int_equal(d[28], 0x45);
	assert_int_equal(pcap_next_ex(p, &ph, &d), -2);
	pcap_close(p);
	unlink(path);
}

/* ---- connection tracking ---- */

static void test_conntrack_states(void **state)
{
	rxs_ruleset_t *nf = load("*filter\n:INPUT ACCEPT [0:0]\n"
			    "-A INPUT -m conntrack --ctstate NEW\n"
			    "-A INPUT -m conntrack --ctstate ESTABLISHED\n"
			    "-A INPUT -m conntrack --ctstate RELATED\n"
			    "-A INPUT -m conntrack --ctstate INVALID\n"
			    "COMMIT\n");
	const struct pkt q = UDP("10.0.0.9", "10.77.0.2", 1000, 53);
	const struct pkt syn = TCP("10.0.0.9", "10.77.0.2", 2000, 80, 0x02);
	const struct pkt ack = TCP("10.0.0.9", "10.77.0.2", 2000, 80, 0x10);
	const struct pkt out = UDP("10.77.0.2", "8.8.8.8", 5000, 53);
	const struct pkt answer = UDP("8.8.8.8", "10.77.0.2", 53, 5000);
	const struct pkt err = { .proto = 1, .src = "10.0.0.9", .dst = "10.77.0.2", .type = 3,
				 .code = 3, .inner_src = "10.77.0.2", .inner_dst = "10.0.0.9",
				 .inner_sport = 53, .inner_dport = 1000 };
	const struct pkt stray = { .proto = 1, .src = "10.0.0.9", .dst = "10.77.0.2", .type = 3,
				   .code = 3, .inner_src = "10.77.0.2", .inner_dst = "10.0.0.9",
				   .inner_sport = 53, .inner_dport = 1001 };
	struct rxs_sk_buff *skb;
	struct rxs_ruleset_stats st;

	(void)state;
	/* an unanswered UDP flow stays NEW, packet after packet (no IPS_SEEN_REPLY) */
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(deliver(nf, &q, i * MS), RXS_NF_ACCEPT);
	assert_int_equal(rule(nf, 0).pkts, 3);
	/* the host answers the flow: from then on it is ESTABLISHED */
	skb = make_skb(&q);
	rxs__nf_ct_seen_reply(nf, skb);
	rxs_consume_skb(skb);
	assert_int_equal(deliver(nf, &q, 4 * MS), RXS_NF_ACCEPT);
	assert_int_equal(rule(nf, 1).pkts, 1);
	/* an ICMP error quoting that flow is RELATED; one quoting nothing known is INVALID */
	assert_int_equal(deliver(nf, &err, 5 * MS), RXS_NF_ACCEPT);
	assert_int_equal(rule(nf, 2).pkts, 1);
	assert_int_equal(deliver(nf, &stray, 5 * MS), RXS_NF_ACCEPT);
	assert_int_equal(rule(nf, 3).pkts, 1);
	/* TCP: SYN is NEW, the SYN-ACK is seen, the final ACK is ESTABLISHED */
	assert_int_equal(deliver(nf, &syn, 6 * MS), RXS_NF_ACCEPT);
	skb = make_skb(&syn);
	rxs__nf_ct_seen_reply(nf, skb);
	rxs_consume_skb(skb);
	assert_int_equal(deliver(nf, &ack, 7 * MS), RXS_NF_ACCEPT);
	assert_int_equal(rule(nf, 0).pkts, 4);
	assert_int_equal(rule(nf, 1).pkts, 2);
	/* a flow the host opened (LOCAL_OUT, confirmed at POSTROUTING): the answer is ESTABLISHED */
	assert_int_equal(run_at(nf, RXS_NF_INET_LOCAL_OUT, &out, 8 * MS, NULL), RXS_NF_ACCEPT);
	skb = make_skb(&out);
	assert_int_equal(rxs__nf_hook(nf, RXS_NF_INET_LOCAL_OUT, skb, NULL, 8 * MS), RXS_NF_ACCEPT);
	assert_int_equal(rxs__nf_hook(nf, RXS_NF_INET_POST_ROUTING, skb, NULL, 8 * MS),
			 RXS_NF_ACCEPT);
	rxs_consume_skb(skb);
	assert_int_equal(deliver(nf, &answer, 9 * MS), RXS_NF_ACCEPT);
	assert_int_equal(rule(nf, 1).pkts, 3);
	rxs_ruleset_get_stats(nf, &st);
	assert_int_equal(st.ct_entries, 3);	/* q, the TCP connection, out */
	assert_int_equal(st.ct_inserted, 3);
	assert_int_equal(st.ct_new, 3 + 1 + 2);	/* the unconfirmed first OUTPUT counts too */
	assert_int_equal(st.ct_established, 3);
	assert_int_equal(st.ct_related, 1);
	assert_int_equal(st.ct_invalid, 1);
	rxs_ruleset_destroy(nf);
}

static void test_conntrack_drop_before_confirm(void **state)
{
	rxs_ruleset_t *nf = load("*filter\n:INPUT ACCEPT [0:0]\n"
			    "-A INPUT -p udp --dport 9 -j DROP\n"
			    "-A INPUT -m conntrack --ctstate NEW -j ACCEPT\n"
			    "COMMIT\n");
	const struct pkt dropped = UDP("10.0.0.9", "10.77.0.2", 1000, 9);
	const struct pkt kept = UDP("10.0.0.9", "10.77.0.2", 1000, 10);
	struct rxs_ruleset_stats st;

	(void)state;
	/* the entry of a packet dropped before the end of INPUT never enters the table */
	assert_int_equal(deliver(nf, &dropped, 0), RXS_NF_DROP);
	assert_int_equal(deliver(nf, &kept, 0), RXS_NF_ACCEPT);
	rxs_ruleset_get_stats(nf, &st);
	assert_int_equal(st.ct_entries, 1);
	assert_int_equal(st.ct_new, 2);
	rxs_ruleset_destroy(nf);
}

static void test_conntrack_table_full(void **state)
{
	static const char rules[] = "*filter\n:INPUT ACCEPT [0:0]\n"
				    "-A INPUT -m conntrack --ctstate NEW -j ACCEPT\nCOMMIT\n";
	rxs_ruleset_t *nf = load(rules);
	struct rxs_ruleset_stats st;
	uint64_t dropped = drops();

	(void)state;
	rxs_ruleset_set_conntrack_max(nf, 3);
	for (uint16_t port = 1; port <= 5; port++) {
		const struct pkt k = UDP("10.0.0.9", "10.77.0.2", port, 53);

		assert_int_equal(deliver(nf, &k, port * MS), port <= 3 ? RXS_NF_ACCEPT : RXS_NF_DROP);
	}
	rxs_ruleset_get_stats(nf, &st);
	assert_int_equal(st.ct_entries, 3);
	assert_int_equal(st.ct_max, 3);
	assert_int_equal(st.ct_drops, 2);
	assert_int_equal(drops() - dropped, 2);
	/* known flows still pass */
	{
		const struct pkt k = UDP("10.0.0.9", "10.77.0.2", 1, 53);

		assert_int_equal(deliver(nf, &k, 10 * MS), RXS_NF_ACCEPT);
	}
	/* 30 s later the unreplied UDP entries have expired and are collected */
	{
		const struct pkt k = UDP("10.0.0.9", "10.77.0.2", 6, 53);

		assert_int_equal(deliver(nf, &k, 40000 * MS), RXS_NF_ACCEPT);
	}
	rxs_ruleset_get_stats(nf, &st);
	assert_int_equal(st.ct_entries, 1);
	rxs_ruleset_destroy(nf);

	/* one bucket: early_drop() finds the unassured entries and evicts them all, counting
	 * each (NF_CT_STAT_ADD_ATOMIC(net, early_drop, drops)) */
	nf = load(rules);
	rxs_ruleset_set_conntrack_max(nf, 3);
	assert_int_equal(rxs_ruleset_set_conntrack_buckets(nf, 1), 0);
	for (uint16_t port = 1; port <= 4; port++) {
		const struct pkt k = UDP("10.0.0.9", "10.77.0.2", port, 53);

		assert_int_equal(deliver(nf, &k, port * MS), RXS_NF_ACCEPT);
	}
	rxs_ruleset_get_stats(nf, &st);
	assert_int_equal(st.ct_early_drops, 3);
	assert_int_equal(st.ct_drops, 0);
	assert_int_equal(st.ct_entries, 1);
	assert_int_equal(rxs_ruleset_set_conntrack_buckets(nf, 8), -EINVAL);
	rxs_ruleset_destroy(nf);
}

static void test_notrack(void **state)
{
	rxs_ruleset_t *nf = load("*raw\n"
			    "-A PREROUTING -p udp --dport 53 -j NOTRACK\n"
			    "COMMIT\n"
			    "*filter\n:INPUT DROP [0:0]\n"
			    "-A INPUT -m conntrack --ctstate UNTRACKED -j ACCEPT\n"
			    "-A INPUT -m conntrack --ctstate NEW -p udp --dport 54 -j ACCEPT\n"
			    "COMMIT\n");
	const struct pkt dns = UDP("10.0.0.9", "10.77.0.2", 1000, 53);
	const struct pkt other = UDP("10.0.0.9", "10.77.0.2", 1000, 54);
	const struct pkt third = UDP("10.0.0.9", "10.77.0.2", 1000, 55);
	struct rxs_ruleset_chain_info c;
	struct rxs_ruleset_stats st;

	(void)state;
	assert_int_equal(deliver(nf, &dns, 0), RXS_NF_ACCEPT);
	assert_int_equal(deliver(nf, &other, 0), RXS_NF_ACCEPT);
	assert_int_equal(deliver(nf, &third, 0), RXS_NF_DROP);
	rxs_ruleset_get_stats(nf, &st);
	assert_int_equal(st.ct_untracked, 1);
	assert_int_equal(st.ct_entries, 1);
	assert_string_equal(rule(nf, 0).target, "CT");
	assert_int_equal(rule(nf, 0).pkts, 1);
	assert_int_equal(rxs_ruleset_chain(nf, 2, &c), 0);
	assert_string_equal(c.name, "INPUT");
	assert_string_equal(c.policy, "DROP");
	assert_int_equal(c.pkts, 1);
	assert_int_equal(c.bytes, 128);
	rxs_ruleset_destroy(nf);
}

/* ---- iptables -L -v -n -x ---- */

static const char printer_rules[] =
	"*filter\n"
	":INPUT DROP [0:0]\n"
	":FORWARD ACCEPT [0:0]\n"
	":OUTPUT ACCEPT [0:0]\n"
	":LOGDROP - [0:0]\n"
	":ALLOWED - [0:0]\n"
	"[3:180] -A INPUT -i lo -j ACCEPT\n"
	"-A INPUT -s 10.1.2.3/8 ! -d 192.168.1.1 -p tcp -m tcp --dport 22 --tcp-flags SYN,RST,ACK "
	"SYN -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT\n"
	"-A INPUT ! -i eth+ -p udp -m multiport --dports 53,1000:2000 -m comment --comment "
	"\"dns and more\" -j ALLOWED\n"
	"-A INPUT -p icmp -m length --length 0:100 -m limit --limit 5/min --limit-burst 10 -j LOG "
	"--log-prefix \"ICMP: \" --log-level info\n"
	"-A INPUT -p tcp --syn -j REJECT --reject-with tcp-reset\n"
	"-A INPUT ! -p udp -g LOGDROP\n"
	"-A INPUT -m state --state INVALID -j MARK --set-mark 0x10\n"
	"-A ALLOWED -p udp --sport 1024: -j RETURN\n"
	"-A ALLOWED -j ACCEPT\n"
	"-A LOGDROP -j LOG\n"
	"-A LOGDROP -j DROP\n"
	"COMMIT\n";

static const char raw_rules[] =
	"*raw\n"
	":PREROUTING ACCEPT [0:0]\n"
	":OUTPUT ACCEPT [0:0]\n"
	"-A PREROUTING -p udp --dport 53 -j NOTRACK\n"
	"-A PREROUTING -p udp --dport 54 -j CT --notrack\n"
	"COMMIT\n"
	"*filter\n"
	":INPUT ACCEPT [0:0]\n"
	":FORWARD ACCEPT [0:0]\n"
	":OUTPUT ACCEPT [0:0]\n"
	"COMMIT\n";

/* ---- NAT: the first packet binds, conntrack translates the rest and the replies ---- */

static const char nat_rules[] =
	"*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
	":POSTROUTING ACCEPT [0:0]\n"
	"-A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80\n"
	"-A PREROUTING -p udp --dport 53 -j DNAT --to-destination 10.0.0.6:5300-5301\n"
	"-A POSTROUTING -s 192.168.0.0/16 -p udp -j SNAT --to-source 10.77.0.2:2000-2001\n"
	"COMMIT\n"
	"*filter\n:INPUT ACCEPT [0:0]\n"
	"-A INPUT -m conntrack --ctstate DNAT\n"
	"COMMIT\n";

/* A packet with valid IPv4 and TCP/UDP checksums (UDP: @udp_csum, else none). */
static struct rxs_sk_buff *nat_skb(const struct pkt *k, bool udp_csum)
{
	struct rxs_sk_buff *skb = make_skb(k);
	uint8_t *p = skb->data, *l4 = p + 20;
	unsigned int l4len = skb->len - 20;
	uint8_t ph[12] = { 0 };
	uint8_t *sum = k->proto == 6 ? l4 + 16 : l4 + 6;

	rxs__put_be16(p + 10, 0);
	rxs__put_be16(p + 10, rxs__csum_fold(rxs__csum_partial(p, 20, 0)));
	if (k->proto == 17 && !udp_csum)
		return skb;
	memcpy(ph, p + 12, 8);
	ph[9] = k->proto;
	rxs__put_be16(ph + 10, (uint16_t)l4len);
	rxs__put_be16(sum, rxs__csum_fold(rxs__csum_partial(l4, l4len,
							    rxs__csum_partial(ph, 12, 0))));
	return skb;
}

/* Both checksums verify (an L4 checksum of 0 on UDP: none). */
static bool nat_csum_ok(const struct rxs_sk_buff *skb)
{
	const uint8_t *p = skb->data, *l4 = p + 20;
	unsigned int l4len = skb->len - 20;
	uint8_t ph[12] = { 0 };

	if (rxs__csum_fold(rxs__csum_partial(p, 20, 0)))
		return false;
	if (p[9] == 17 && !rxs__get_be16(l4 + 6))
		return true;
	memcpy(ph, p + 12, 8);
	ph[9] = p[9];
	rxs__put_be16(ph + 10, (uint16_t)l4len);
	return !rxs__csum_fold(rxs__csum_partial(l4, l4len, rxs__csum_partial(ph, 12, 0)));
}

enum { NAT_IN, NAT_FWD, NAT_OUT };	/* PREROUTING+INPUT, PREROUTING+POSTROUTING, OUTPUT+POSTROUTING */

static const struct {
	int line;
	int path;
	struct pkt k;
	bool udp_csum;
	const char *want_src, *want_dst;	/* after the hooks */
	uint16_t want_sport, want_dport;
	enum rxs_nf_verdict want;
} nat_cases[] = {
	/* DNAT of a SYN to a local address */
	{ __LINE__, NAT_IN, TCP("1.2.3.4", "10.77.0.2", 1000, 8080, 0x02), false,
	  "1.2.3.4", "10.0.0.5", 1000, 80, RXS_NF_ACCEPT },
	/* its next segment: translated by conntrack, the rule not consulted */
	{ __LINE__, NAT_IN, TCP("1.2.3.4", "10.77.0.2", 1000, 8080, 0x10), false,
	  "1.2.3.4", "10.0.0.5", 1000, 80, RXS_NF_ACCEPT },
	/* the reply from the new destination leaves as the old one */
	{ __LINE__, NAT_OUT, TCP("10.0.0.5", "1.2.3.4", 80, 1000, 0x12), false,
	  "10.77.0.2", "1.2.3.4", 8080, 1000, RXS_NF_ACCEPT },
	/* a port range of a destination: its first port, twice (different clients) */
	{ __LINE__, NAT_IN, UDP("1.2.3.4", "10.77.0.2", 1000, 53), true,
	  "1.2.3.4", "10.0.0.6", 1000, 5300, RXS_NF_ACCEPT },
	{ __LINE__, NAT_IN, UDP("1.2.3.5", "10.77.0.2", 1000, 53), false,
	  "1.2.3.5", "10.0.0.6", 1000, 5300, RXS_NF_ACCEPT },
	/* SNAT of forwarded datagrams: the range's first port, then the next free one; the
	 * third finds both taken and is dropped at confirm (insert_failed) */
	{ __LINE__, NAT_FWD, UDP("192.168.1.1", "8.8.8.8", 4000, 123), true,
	  "10.77.0.2", "8.8.8.8", 2000, 123, RXS_NF_ACCEPT },
	{ __LINE__, NAT_FWD, UDP("192.168.1.2", "8.8.8.8", 4000, 123), true,
	  "10.77.0.2", "8.8.8.8", 2001, 123, RXS_NF_ACCEPT },
	{ __LINE__, NAT_FWD, UDP("192.168.1.3", "8.8.8.8", 4000, 123), true,
	  NULL, NULL, 0, 0, RXS_NF_DROP },
	/* the second one's reply comes back to its own source (a null DNAT binding) */
	{ __LINE__, NAT_FWD, UDP("8.8.8.8", "10.77.0.2", 123, 2001), true,
	  "8.8.8.8", "192.168.1.2", 123, 4000, RXS_NF_ACCEPT },
	/* not matched by any rule: a null binding keeps it as it is */
	{ __LINE__, NAT_IN, UDP("1.2.3.4", "10.77.0.2", 1000, 54), true,
	  "1.2.3.4", "10.77.0.2", 1000, 54, RXS_NF_ACCEPT },
};

static void test_nat(void **state)
{
	static const enum rxs_nf_hook paths[][2] = {
		[NAT_IN] = { RXS_NF_INET_PRE_ROUTING, RXS_NF_INET_LOCAL_IN },
		[NAT_FWD] = { RXS_NF_INET_PRE_ROUTING, RXS_NF_INET_POST_ROUTING },
		[NAT_OUT] = { RXS_NF_INET_LOCAL_OUT, RXS_NF_INET_POST_ROUTING },
	};
	rxs_ruleset_t *nf = load(nat_rules);
	struct rxs_nf_conntrack_stat st;
	unsigned int dnat_pkts = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(nat_cases); i++) {
		struct rxs_sk_buff *skb = nat_skb(&nat_cases[i].k, nat_cases[i].udp_csum);
		enum rxs_nf_verdict v = RXS_NF_ACCEPT;
		const uint8_t *p = skb->data;

		for (unsigned int h = 0; h < 2 && v == RXS_NF_ACCEPT; h++)
			v = rxs__nf_hook(nf, paths[nat_cases[i].path][h], skb, "eth0", (i + 1) * MS);
		if (v != nat_cases[i].want)
			fail_msg("case at line %d: verdict %d", nat_cases[i].line, v);
		if (v != RXS_NF_ACCEPT)
			continue;
		if (rxs__get_be32(p + 12) != ip4(nat_cases[i].want_src) ||
		    rxs__get_be32(p + 16) != ip4(nat_cases[i].want_dst) ||
		    rxs__get_be16(p + 20) != nat_cases[i].want_sport ||
		    rxs__get_be16(p + 22) != nat_cases[i].want_dport)
			fail_msg("case at line %d: got %u.%u.%u.%u:%u > %u.%u.%u.%u:%u",
				 nat_cases[i].line, p[12], p[13], p[14], p[15], rxs__get_be16(p + 20),
				 p[16], p[17], p[18], p[19], rxs__get_be16(p + 22));
		if (!nat_csum_ok(skb))
			fail_msg("case at line %d: a checksum does not verify", nat_cases[i].line);
		/* the route reads the control block's addresses, which follow the header */
		assert_memory_equal(RXS_INET_CB(skb)->daddr, p + 16, 4);
		dnat_pkts += nat_cases[i].path == NAT_IN &&
			     strcmp(nat_cases[i].want_dst, nat_cases[i].k.dst) != 0;
		rxs_consume_skb(skb);
	}
	/* the rules saw first packets only; --ctstate DNAT saw every DNATed packet at INPUT */
	assert_int_equal(rule(nf, 0).pkts, 1);
	assert_int_equal(rule(nf, 1).pkts, 2);
	assert_int_equal(rule(nf, 2).pkts, 3);
	assert_int_equal(rule(nf, 3).pkts, dnat_pkts);
	rxs_ruleset_get_conntrack_stat(nf, &st);
	assert_int_equal(st.loaded, 1);
	assert_int_equal(st.insert_failed, 1);
	assert_int_equal(st.drop, 1);
	assert_int_equal(st.entries, 6);
	rxs_ruleset_destroy(nf);
}

/* ---- ICMP errors of a NATed connection: RELATED, translated inside and out ---- */

static const char nat_icmp_rules[] =
	"*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
	":POSTROUTING ACCEPT [0:0]\n"
	"-A PREROUTING -p udp --dport 53 -j DNAT --to-destination 10.0.0.6:5300\n"
	"COMMIT\n"
	"*filter\n:INPUT ACCEPT [0:0]\n"
	"-A INPUT -m conntrack --ctstate RELATED\n"
	"COMMIT\n";

/* After 1.2.3.4:1000 > 10.77.0.2:53 was DNATed to 10.0.0.6:5300, an error comes in (from a
 * router on the way back) quoting the reply as it left, 10.77.0.2:53 > 1.2.3.4:1000. */
static const struct {
	int line;
	const char *outer_dst, *inner_src;
	uint16_t inner_sport;
	bool related;
	const char *want_outer_dst, *want_inner_src;	/* after PREROUTING and INPUT */
	uint16_t want_inner_sport;
} nat_icmp_cases[] = {
	/* RELATED in the original direction: the quote gets the reply's source back
	 * (10.0.0.6:5300), the outer header the DNATed destination */
	{ __LINE__, "10.77.0.2", "10.77.0.2", 53, true, "10.0.0.6", "10.0.0.6", 5300 },
	/* addressed elsewhere than the connection's packets: no one's (nf_conntrack_inet_error:
	 * "outer daddr != inner"), untouched */
	{ __LINE__, "10.77.0.9", "10.77.0.2", 53, false, "10.77.0.9", "10.77.0.2", 53 },
	/* quoting no connection: untouched */
	{ __LINE__, "10.77.0.2", "10.77.0.2", 99, false, "10.77.0.2", "10.77.0.2", 99 },
};

static void test_nat_icmp_errors(void **state)
{
	rxs_ruleset_t *nf = load(nat_icmp_rules);
	const struct pkt flow = UDP("1.2.3.4", "10.77.0.2", 1000, 53);
	struct rxs_nf_conntrack_stat st;
	struct rxs_sk_buff *skb = nat_skb(&flow, true);
	unsigned int related = 0, unmatched = 0;

	(void)state;
	assert_int_equal(rxs__nf_hook(nf, RXS_NF_INET_PRE_ROUTING, skb, "eth0", MS), RXS_NF_ACCEPT);
	assert_int_equal(rxs__nf_hook(nf, RXS_NF_INET_LOCAL_IN, skb, "eth0", MS), RXS_NF_ACCEPT);
	rxs_consume_skb(skb);
	for (size_t i = 0; i < ARRAY_SIZE(nat_icmp_cases); i++) {
		const struct pkt k = { .proto = 1, .src = "9.9.9.9", .dst = nat_icmp_cases[i].outer_dst,
				       .type = 3, .code = 1, .inner_src = nat_icmp_cases[i].inner_src,
				       .inner_dst = "1.2.3.4",
				       .inner_sport = nat_icmp_cases[i].inner_sport,
				       .inner_dport = 1000 };
		uint8_t *p, *icmp, *in;
		enum rxs_nf_verdict v;

		skb = make_skb(&k);
		p = skb->data;
		icmp = p + 20;
		in = icmp + 8;
		/* valid sums to start from: the inner header's and the message's */
		rxs__put_be16(in + 10, 0);
		rxs__put_be16(in + 10, rxs__csum_fold(rxs__csum_partial(in, 20, 0)));
		rxs__put_be16(icmp + 2, rxs__csum_fold(rxs__csum_partial(icmp, skb->len - 20, 0)));
		rxs__put_be16(p + 10, 0);
		rxs__put_be16(p + 10, rxs__csum_fold(rxs__csum_partial(p, 20, 0)));
		v = rxs__nf_hook(nf, RXS_NF_INET_PRE_ROUTING, skb, "eth0", (i + 2) * MS);
		if (v == RXS_NF_ACCEPT)
			v = rxs__nf_hook(nf, RXS_NF_INET_LOCAL_IN, skb, "eth0", (i + 2) * MS);
		assert_int_equal(v, RXS_NF_ACCEPT);
		if (rxs__get_be32(p + 16) != ip4(nat_icmp_cases[i].want_outer_dst) ||
		    rxs__get_be32(in + 12) != ip4(nat_icmp_cases[i].want_inner_src) ||
		    rxs__get_be16(in + 20) != nat_icmp_cases[i].want_inner_sport ||
		    rxs__get_be32(in + 16) != ip4("1.2.3.4") || rxs__get_be16(in + 22) != 1000)
			fail_msg("case at line %d: outer to %u.%u.%u.%u, quoting %u.%u.%u.%u:%u",
				 nat_icmp_cases[i].line, p[16], p[17], p[18], p[19], in[12], in[13],
				 in[14], in[15], rxs__get_be16(in + 20));
		/* every sum still verifies: the outer header, the quoted one, the message */
		if (rxs__csum_fold(rxs__csum_partial(p, 20, 0)) ||
		    rxs__csum_fold(rxs__csum_partial(in, 20, 0)) ||
		    rxs__csum_fold(rxs__csum_partial(icmp, skb->len - 20, 0)))
			fail_msg("case at line %d: a checksum does not verify", nat_icmp_cases[i].line);
		assert_memory_equal(RXS_INET_CB(skb)->daddr, p + 16, 4);
		related += nat_icmp_cases[i].related;
		unmatched += !nat_icmp_cases[i].related;
		rxs_consume_skb(skb);
	}
	assert_int_equal(rule(nf, 1).pkts, related);	/* -m conntrack --ctstate RELATED */
	rxs_ruleset_get_conntrack_stat(nf, &st);
	assert_int_equal(st.error, unmatched);		/* icmp_error */
	rxs_ruleset_destroy(nf);
}

static void test_print(void **state)
{
	rxs_ruleset_t *nf = load(printer_rules);
	char *out;

	(void)state;
	out = print_to_string(nf, "filter");
	if (strcmp(out, printer_expect))
		fail_msg("got:\n%s", out);
	free(out);
	assert_int_equal(rxs_ruleset_print_table(nf, "raw", stdout), -ENOENT);
	rxs_ruleset_destroy(nf);

	nf = load(raw_rules);
	out = print_to_string(nf, NULL);
	if (strcmp(out, raw_expect))
		fail_msg("got:\n%s", out);
	free(out);
	rxs_ruleset_destroy(nf);
}

/* ---- nftables ---- */

/* An nft rule set of one base chain at @hook (its name) with @rules, loaded from text. */
static rxs_ruleset_t *nft_load(const char *text)
{
	rxs_ruleset_t *nf = NULL;
	char err[512];

	if (rxs_ruleset_create(&nf, NULL, "test", 1, err, sizeof(err)))
		fail_msg("empty rule set refused: %s", err);
	if (rxs_ruleset_load_nft(nf, text, "rules.nft", 1, 0, err, sizeof(err)))
		fail_msg("nft rule set refused: %s", err);
	return nf;
}

static rxs_ruleset_t *nft_input(const char *rules)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "table inet filter {\n"
		 "\tset s4 { type ipv4_addr; flags interval; elements = { 10.0.0.0/8, 192.0.2.1 } }\n"
		 "\tmap m { type inet_service : verdict; elements = { 2 : drop, 3 : accept } }\n"
		 "\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n"
		 "\t\t%s\n\t}\n\tchain sub {\n\t\tcounter\n\t}\n}\n",
		 rules);
	return nft_load(text);
}

static struct rxs_nft_rule_info nft_rule(const rxs_ruleset_t *nf, unsigned int i)
{
	struct rxs_nft_rule_info info;

	assert_int_equal(rxs_ruleset_nft_rule(nf, i, &info), 0);
	return info;
}

/* REJECT before the routing decision (an nft prerouting chain): the packet has no route, so
 * the answer takes the route back to its source (nf_reject_fill_skb_dst). A unicast source
 * gets its RST or port unreachable; a broadcast or multicast source has only a broadcast or
 * multicast route back, which both senders refuse. */
static enum rxs_nf_verdict pre_routing(rxs_ruleset_t *nf, const struct pkt *k)
{
	struct rxs_sk_buff *skb = make_skb(k);
	enum rxs_nf_verdict v;

	skb->dev = &host->devs[0];	/* the way in, where a route-less host routes back */
	v = rxs__nf_hook(nf, RXS_NF_INET_PRE_ROUTING, skb, "eth0", 0);
	if (v == RXS_NF_ACCEPT)
		rxs_consume_skb(skb);
	return v;
}

static void test_reject_prerouting(void **state)
{
	rxs_ruleset_t *nf = nft_load("table inet filter {\n"
				     "\tchain pre {\n"
				     "\t\ttype filter hook prerouting priority 0; policy accept;\n"
				     "\t\ttcp dport 1 reject with tcp reset\n"
				     "\t\tudp dport 2 reject\n"
				     "\t}\n}\n");
	const struct pkt syn = TCP("10.0.0.5", "10.77.0.2", 999, 1, 0x02);
	const struct pkt mc_syn = TCP("224.0.0.9", "10.77.0.2", 999, 1, 0x02);
	const struct pkt bc_syn = TCP("255.255.255.255", "10.77.0.2", 999, 1, 0x02);
	const struct pkt udp = UDP("10.0.0.6", "10.77.0.2", 999, 2);
	uint64_t out = rxs_host_mib(host, RXS_MIB_IpOutRequests);
	uint64_t unreach = rxs_host_mib(host, RXS_MIB_IcmpOutDestUnreachs);

	(void)state;
	assert_int_equal(pre_routing(nf, &syn), RXS_NF_DROP);
	assert_int_equal(rxs_host_mib(host, RXS_MIB_IpOutRequests), out + 1);
	assert_int_equal(pre_routing(nf, &mc_syn), RXS_NF_DROP);
	assert_int_equal(pre_routing(nf, &bc_syn), RXS_NF_DROP);
	assert_int_equal(rxs_host_mib(host, RXS_MIB_IpOutRequests), out + 1);
	assert_int_equal(pre_routing(nf, &udp), RXS_NF_DROP);
	assert_int_equal(rxs_host_mib(host, RXS_MIB_IpOutRequests), out + 2);
	assert_int_equal(rxs_host_mib(host, RXS_MIB_IcmpOutDestUnreachs), unreach + 1);
	rxs_ruleset_destroy(nf);
}

#define SRC "10.0.0.9"
#define DST "10.77.0.2"
#define SRC6 "fd00::9"
#define DST6 "fd77::2"
#define JH TCP("127.0.0.1", "127.0.0.5", 40000, 8080, 0x02)
static const struct {
	int line;
	const char *rule;
	struct pkt pkt;
	enum rxs_nf_verdict verdict;
	uint64_t hits;
} nft_match_cases[] = {
	{ __LINE__, "ip saddr 10.0.0.0/8 drop", UDP("10.9.9.9", DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip saddr 10.0.0.0/8 drop", UDP("11.0.0.1", DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip saddr != 10.0.0.0/8 drop", UDP("11.0.0.1", DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip saddr 10.0.0.1-10.0.0.9 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip daddr 10.77.0.2 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip daddr != 10.77.0.2 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip protocol udp drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip protocol tcp drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip protocol { tcp, udp } drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip length 128 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip length 100-200 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip length < 128 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip length >= 128 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip ttl 64 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip ttl < 2 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip6 saddr fd00::/64 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "udp dport 2 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "udp dport != 2 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "udp sport 1 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "udp dport { 53, 2, 443 } drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "udp dport != { 53, 443 } drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "udp dport 1000-2000 drop", UDP(SRC, DST, 1, 1500), RXS_NF_DROP, 1 },
	{ __LINE__, "udp dport { 1-10, 1000-2000 } drop", UDP(SRC, DST, 1, 999), RXS_NF_ACCEPT, 0 },
	/* a tcp field carries the dependency "meta l4proto tcp"; th does not */
	{ __LINE__, "tcp dport 2 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "th dport 2 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "tcp dport 22 drop", TCP(SRC, DST, 1, 22, 0x02), RXS_NF_DROP, 1 },
	{ __LINE__, "tcp flags syn drop", TCP(SRC, DST, 1, 22, 0x12), RXS_NF_DROP, 1 },
	{ __LINE__, "tcp flags == syn drop", TCP(SRC, DST, 1, 22, 0x12), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "tcp flags syn / fin,syn,rst,ack drop", TCP(SRC, DST, 1, 22, 0x02), RXS_NF_DROP,
	  1 },
	{ __LINE__, "tcp flags syn / fin,syn,rst,ack drop", TCP(SRC, DST, 1, 22, 0x12),
	  RXS_NF_ACCEPT, 0 },
	{ __LINE__, "tcp flags & (syn|ack) == syn|ack drop", TCP(SRC, DST, 1, 22, 0x12), RXS_NF_DROP,
	  1 },
	{ __LINE__, "tcp flags & (fin|syn) != 0 drop", TCP(SRC, DST, 1, 22, 0x10), RXS_NF_ACCEPT,
	  0 },
	{ __LINE__, "meta l4proto udp drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "meta l4proto { tcp, udp } th dport 2 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP,
	  1 },
	{ __LINE__, "meta l4proto icmp icmp type echo-request drop", ICMP(SRC, DST, 8), RXS_NF_DROP,
	  1 },
	{ __LINE__, "icmp type echo-reply drop", ICMP(SRC, DST, 8), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "icmp type { echo-request, echo-reply } drop", ICMP(SRC, DST, 0), RXS_NF_DROP,
	  1 },
	{ __LINE__, "icmpv6 type echo-request drop", ICMP(SRC, DST, 8), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "iifname \"eth0\" drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "iifname \"eth*\" drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "iifname \"lo\" drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "iifname != \"lo\" drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "iif \"eth0\" drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "oifname \"eth0\" drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "meta mark 0x0 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "meta mark != 0 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "meta length 128 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "meta pkttype host drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "meta pkttype broadcast drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "meta nfproto ipv4 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "meta nfproto ipv6 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ct state new drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ct state established,related drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ct state { new, invalid } drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ct state invalid drop", TCP(SRC, DST, 1, 80, 0x12), RXS_NF_DROP, 1 },
	{ __LINE__, "ct state != invalid drop", TCP(SRC, DST, 1, 80, 0x12), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ct status seen-reply drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ct mark 0 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ct zone 0 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	/* without a connection, ct mark breaks the rule; ct state is invalid */
	{ __LINE__, "ct mark 0 drop", TCP(SRC, DST, 1, 80, 0x12), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "fib daddr type local drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "fib daddr type unicast drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "fib daddr type broadcast drop", UDP(SRC, "255.255.255.255", 1, 2), RXS_NF_DROP,
	  1 },
	{ __LINE__, "fib saddr type unicast drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	/* no routing table: the route (and the reverse path) leaves by the input device */
	{ __LINE__, "fib saddr . mark . iif oif missing drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT,
	  0 },
	{ __LINE__, "fib daddr oif exists drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "fib daddr oif \"eth0\" drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip saddr @s4 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip saddr @s4 drop", UDP("192.0.2.1", DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip saddr != @s4 drop", UDP("192.0.2.2", DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip saddr . udp dport { 10.0.0.9 . 2, 10.0.0.8 . 3 } drop", UDP(SRC, DST, 1, 2),
	  RXS_NF_DROP, 1 },
	{ __LINE__, "ip saddr . udp dport { 10.0.0.9 . 3 } drop", UDP(SRC, DST, 1, 2),
	  RXS_NF_ACCEPT, 0 },
	{ __LINE__, "udp dport vmap { 2 : drop, 3 : accept }", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "udp dport vmap { 5 : drop }", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "udp dport vmap @m", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "counter", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 1 },
	{ __LINE__, "log prefix \"in: \" accept", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 1 },
	{ __LINE__, "meta mark set 0x5", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 1 },
	{ __LINE__, "ct mark set 0x5", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 1 },
	{ __LINE__, "notrack", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 1 },
	{ __LINE__, "reject", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "reject with icmpx admin-prohibited", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "reject with tcp reset", TCP(SRC, DST, 1, 80, 0x02), RXS_NF_DROP, 1 },
	/* quota: matches while the bytes so far (this packet's included) stay within it */
	{ __LINE__, "quota 100 bytes drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "quota 1 kbytes drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "quota over 100 bytes drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "jump sub", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 1 },
	{ __LINE__, "continue", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 1 },
	{ __LINE__, "return", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 1 },
	/* a later fragment has no transport header: ports break the rule, l4proto does not */
	{ __LINE__, "udp dport 2 drop", { .proto = 17, .src = SRC, .dst = DST, .dport = 2,
					  .payload = 100, .frag = 0x0010 },
	  RXS_NF_ACCEPT, 0 },
	{ __LINE__, "meta l4proto udp drop", { .proto = 17, .src = SRC, .dst = DST, .dport = 2,
					       .payload = 100, .frag = 0x0010 },
	  RXS_NF_DROP, 1 },
	/* IPv6: the ip6 and inet chains run on the IPv6 hooks; ip matches break there */
	{ __LINE__, "ip6 saddr fd00::/64 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip6 saddr fd00::9 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip6 saddr fd01::/16 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip6 saddr != fd01::/16 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip6 daddr fd77::2 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip6 saddr . udp dport { fd00::9 . 2 } drop", UDP(SRC6, DST6, 1, 2),
	  RXS_NF_DROP, 1 },
	{ __LINE__, "ip saddr 0.0.0.0/0 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip6 nexthdr udp drop", UDP(SRC6, DST6, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip6 hoplimit 64 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip6 hoplimit < 64 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "meta nfproto ipv6 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "meta nfproto ipv4 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "udp dport 2 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "tcp dport 22 drop", TCP(SRC6, DST6, 1, 22, 0x02), RXS_NF_DROP, 1 },
	{ __LINE__, "tcp flags syn drop", TCP(SRC6, DST6, 1, 22, 0x02), RXS_NF_DROP, 1 },
	/* the transport past a hop-by-hop header (ipv6_find_hdr): l4proto and ports see it,
	 * ip6 nexthdr reads the header's own field */
	{ __LINE__, "meta l4proto udp udp dport 2 drop",
	  { .proto = 17, .src = SRC6, .dst = DST6, .sport = 1, .dport = 2, .payload = 100,
	    .hbh = true }, RXS_NF_DROP, 1 },
	{ __LINE__, "ip6 nexthdr udp drop",
	  { .proto = 17, .src = SRC6, .dst = DST6, .sport = 1, .dport = 2, .payload = 100,
	    .hbh = true }, RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip6 nexthdr 0 drop",
	  { .proto = 17, .src = SRC6, .dst = DST6, .sport = 1, .dport = 2, .payload = 100,
	    .hbh = true }, RXS_NF_DROP, 1 },
	/* a later fragment: no transport header, ports break the rule, l4proto does not */
	{ __LINE__, "udp dport 2 drop",
	  { .proto = 17, .src = SRC6, .dst = DST6, .dport = 2, .payload = 100, .frag = 0x0010 },
	  RXS_NF_ACCEPT, 0 },
	{ __LINE__, "meta l4proto udp drop",
	  { .proto = 17, .src = SRC6, .dst = DST6, .dport = 2, .payload = 100, .frag = 0x0010 },
	  RXS_NF_DROP, 1 },
	{ __LINE__, "icmpv6 type echo-request drop", ICMP6(SRC6, DST6, 128), RXS_NF_DROP, 1 },
	{ __LINE__, "icmpv6 type { nd-neighbor-solicit, echo-reply } drop", ICMP6(SRC6, DST6, 128),
	  RXS_NF_ACCEPT, 0 },
	{ __LINE__, "meta l4proto ipv6-icmp drop", ICMP6(SRC6, DST6, 128), RXS_NF_DROP, 1 },
	{ __LINE__, "icmp type echo-request drop", ICMP6(SRC6, DST6, 128), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ct state new drop", UDP(SRC6, DST6, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "reject", UDP(SRC6, DST6, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "reject with icmpv6 type admin-prohibited", UDP(SRC6, DST6, 1, 2), RXS_NF_DROP,
	  1 },
	{ __LINE__, "reject with tcp reset", TCP(SRC6, DST6, 1, 80, 0x02), RXS_NF_DROP, 1 },
	/* header fields (nft's proto.c): bit fields right-aligned, as nft writes them */
	{ __LINE__, "ip version 4 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip version 6 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip hdrlength 5 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip hdrlength > 5 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip dscp cs1 drop", { .proto = 17, .src = SRC, .dst = DST, .tos = 0x20 },
	  RXS_NF_DROP, 1 },
	/* the ECN bits beside the DSCP are masked off */
	{ __LINE__, "ip dscp cs1 drop", { .proto = 17, .src = SRC, .dst = DST, .tos = 0x23 },
	  RXS_NF_DROP, 1 },
	{ __LINE__, "ip dscp ef drop", { .proto = 17, .src = SRC, .dst = DST, .tos = 0x20 },
	  RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip dscp { af41, ef } drop",
	  { .proto = 17, .src = SRC, .dst = DST, .tos = 0xb8 }, RXS_NF_DROP, 1 },
	{ __LINE__, "ip dscp 0x01-0x09 drop", { .proto = 17, .src = SRC, .dst = DST, .tos = 0x20 },
	  RXS_NF_DROP, 1 },
	{ __LINE__, "ip dscp != cs0 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip ecn ce drop", { .proto = 17, .src = SRC, .dst = DST, .tos = 0x03 },
	  RXS_NF_DROP, 1 },
	{ __LINE__, "ip ecn ce drop", { .proto = 17, .src = SRC, .dst = DST, .tos = 0xfe },
	  RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip ecn ect0 drop", { .proto = 17, .src = SRC, .dst = DST, .tos = 0x22 },
	  RXS_NF_DROP, 1 },
	{ __LINE__, "ip id 0 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip id 5 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	/* a 16-bit field with a mask: a fragment (offset 0x10), not a don't-fragment flag */
	{ __LINE__, "ip frag-off & 0x1fff != 0 drop",
	  { .proto = 17, .src = SRC, .dst = DST, .frag = 0x0010 }, RXS_NF_DROP, 1 },
	{ __LINE__, "ip frag-off & 0x1fff != 0 drop",
	  { .proto = 17, .src = SRC, .dst = DST, .frag = 0x4000 }, RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip frag-off 0x4000 drop",
	  { .proto = 17, .src = SRC, .dst = DST, .frag = 0x4000 }, RXS_NF_DROP, 1 },
	{ __LINE__, "ip checksum 0 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip6 version 6 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip6 version 6 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip6 dscp af11 drop", { .proto = 17, .src = SRC6, .dst = DST6, .tos = 0x28 },
	  RXS_NF_DROP, 1 },
	{ __LINE__, "ip6 dscp af11 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip6 ecn ect0 drop", { .proto = 17, .src = SRC6, .dst = DST6, .tos = 0x02 },
	  RXS_NF_DROP, 1 },
	{ __LINE__, "ip6 ecn ect0 drop", { .proto = 17, .src = SRC6, .dst = DST6, .tos = 0x03 },
	  RXS_NF_ACCEPT, 0 },
	/* the flow label's 20 bits, across the traffic class's low nibble */
	{ __LINE__, "ip6 flowlabel 12345 drop",
	  { .proto = 17, .src = SRC6, .dst = DST6, .tos = 0xff, .flowlabel = 12345 },
	  RXS_NF_DROP, 1 },
	{ __LINE__, "ip6 flowlabel 12345 drop",
	  { .proto = 17, .src = SRC6, .dst = DST6, .flowlabel = 12344 }, RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ip6 length 108 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ip6 length 108 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "tcp sequence 7 drop",
	  { .proto = 6, .src = SRC, .dst = DST, .dport = 80, .seq = 7 }, RXS_NF_DROP, 1 },
	{ __LINE__, "tcp sequence 8 drop",
	  { .proto = 6, .src = SRC, .dst = DST, .dport = 80, .seq = 7 }, RXS_NF_ACCEPT, 0 },
	/* a tcp field carries "meta l4proto tcp": a UDP packet breaks the rule */
	{ __LINE__, "tcp sequence 0 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "tcp ackseq 0 drop", TCP(SRC, DST, 1, 80, 0x10), RXS_NF_DROP, 1 },
	{ __LINE__, "tcp doff 5 drop", TCP(SRC, DST, 1, 80, 0x02), RXS_NF_DROP, 1 },
	{ __LINE__, "tcp doff 5 drop",
	  { .proto = 6, .src = SRC, .dst = DST, .dport = 80, .mss = 1460 }, RXS_NF_ACCEPT, 0 },
	{ __LINE__, "tcp window 0 drop", TCP(SRC, DST, 1, 80, 0x10), RXS_NF_DROP, 1 },
	{ __LINE__, "tcp window & 0xff == 1 drop", TCP(SRC, DST, 1, 80, 0x10), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "tcp checksum 0 drop", TCP(SRC6, DST6, 1, 80, 0x10), RXS_NF_DROP, 1 },
	{ __LINE__, "tcp urgptr != 0 drop", TCP(SRC, DST, 1, 80, 0x10), RXS_NF_ACCEPT, 0 },
	/* a field past its header's end breaks the rule: a TCP header cut at 12 bytes */
	{ __LINE__, "tcp sequence 0 drop",
	  { .proto = 6, .src = SRC, .dst = DST, .l4len = 12 }, RXS_NF_DROP, 1 },
	{ __LINE__, "tcp doff 0 drop",
	  { .proto = 6, .src = SRC, .dst = DST, .l4len = 12 }, RXS_NF_ACCEPT, 0 },
	{ __LINE__, "udp length 108 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "udp length 108 drop", TCP(SRC, DST, 1, 2, 0x02), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "udp checksum 0 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "icmp code 0 drop", ICMP(SRC, DST, 8), RXS_NF_DROP, 1 },
	{ __LINE__, "icmp code port-unreachable drop",
	  { .proto = 1, .src = SRC, .dst = DST, .type = 3, .code = 3 }, RXS_NF_DROP, 1 },
	{ __LINE__, "icmp code port-unreachable drop", ICMP(SRC, DST, 3), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "icmp code 0 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "icmp checksum 0 drop", ICMP(SRC, DST, 8), RXS_NF_DROP, 1 },
	/* id and sequence belong to an echo, the MTU to a destination unreachable, the
	 * gateway to a redirect: nft's dependency on the type */
	{ __LINE__, "icmp id 77 drop", ICMP(SRC, DST, 8), RXS_NF_DROP, 1 },
	{ __LINE__, "icmp id 77 drop", ICMP(SRC, DST, 3), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "icmp sequence 0 drop", ICMP(SRC, DST, 0), RXS_NF_DROP, 1 },
	{ __LINE__, "icmp mtu 0 drop", ICMP(SRC, DST, 3), RXS_NF_DROP, 1 },
	{ __LINE__, "icmp mtu 0 drop", ICMP(SRC, DST, 8), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "icmp gateway 5046272 drop", ICMP(SRC, DST, 5), RXS_NF_DROP, 1 },
	{ __LINE__, "icmp gateway 5046272 drop", ICMP(SRC, DST, 8), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "icmpv6 code no-route drop", ICMP6(SRC6, DST6, 128), RXS_NF_DROP, 1 },
	{ __LINE__, "icmpv6 code 1 drop", ICMP6(SRC6, DST6, 128), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "icmpv6 checksum 0 drop", ICMP6(SRC6, DST6, 128), RXS_NF_DROP, 1 },
	{ __LINE__, "icmpv6 id 77 drop", ICMP6(SRC6, DST6, 129), RXS_NF_DROP, 1 },
	{ __LINE__, "icmpv6 id 77 drop", ICMP6(SRC6, DST6, 1), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "icmpv6 sequence 0 drop", ICMP6(SRC6, DST6, 128), RXS_NF_DROP, 1 },
	{ __LINE__, "icmpv6 mtu 5046272 drop", ICMP6(SRC6, DST6, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "icmpv6 mtu 5046272 drop", ICMP6(SRC6, DST6, 128), RXS_NF_ACCEPT, 0 },
	/* the MAC header: none (a packet built without one) breaks the rule */
	{ __LINE__, "ether saddr 02:00:00:00:00:01 drop",
	  { .proto = 17, .src = SRC, .dst = DST, .eth = true }, RXS_NF_DROP, 1 },
	{ __LINE__, "ether saddr 02:00:00:00:00:01 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ether daddr 02:00:00:00:00:02 drop",
	  { .proto = 17, .src = SRC6, .dst = DST6, .eth = true }, RXS_NF_DROP, 1 },
	{ __LINE__, "ether daddr != 02:00:00:00:00:02 drop",
	  { .proto = 17, .src = SRC, .dst = DST, .eth = true }, RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ether type ip drop", { .proto = 17, .src = SRC, .dst = DST, .eth = true },
	  RXS_NF_DROP, 1 },
	{ __LINE__, "ether type ip6 drop", { .proto = 17, .src = SRC, .dst = DST, .eth = true },
	  RXS_NF_ACCEPT, 0 },
	/* a tag stripped on receive is put back in the copy: the type is its TPID */
	{ __LINE__, "ether type vlan drop",
	  { .proto = 17, .src = SRC, .dst = DST, .eth = true, .vlan_proto = 0x8100 },
	  RXS_NF_DROP, 1 },
	/* meta: the skb's protocol, priority and CPU, the devices' types; no socket owner */
	{ __LINE__, "meta protocol ip drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "meta protocol { arp, ip6 } drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "meta protocol ip6 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "meta priority none drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "meta priority 1:2 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "meta priority set 1:2 meta priority 0x10002 drop", UDP(SRC, DST, 1, 2),
	  RXS_NF_DROP, 1 },
	{ __LINE__, "meta cpu 0 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "meta cpu 1-3 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "meta iiftype ether drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "meta iiftype loopback drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	/* no output device at INPUT */
	{ __LINE__, "meta oiftype ether drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "meta oiftype != ether drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "meta skuid 0 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "meta skgid != 0 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "meta nftrace set 1", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 1 },
	/* a ct key of a map, or of jhash's input, needs conntrack as a match's does */
	{ __LINE__, "ct state vmap { new : drop }", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "jhash ct original ip saddr mod 2 0-1 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP,
	  1 },
	/* ct: the new connection's direction, family, protocol, timeout and tuples */
	{ __LINE__, "ct direction original drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ct direction reply drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ct l3proto ipv4 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ct l3proto ipv4 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ct protocol udp drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ct original protocol tcp drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	/* a new connection's entry is not confirmed yet: the kernel's nf_ct_expires() is 0 */
	{ __LINE__, "ct expiration < 1s drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ct expiration > 0s drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ct original ip saddr 10.0.0.9 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ct reply ip saddr 10.77.0.2 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ct reply ip daddr 10.77.0.2 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "ct original ip6 saddr fd00::9 drop", UDP(SRC6, DST6, 1, 2), RXS_NF_DROP, 1 },
	/* an address of the other family breaks the rule, even with != */
	{ __LINE__, "ct original ip6 saddr != fd00::9 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT,
	  0 },
	{ __LINE__, "ct original proto-src 1 ct original proto-dst 2 drop", UDP(SRC, DST, 1, 2),
	  RXS_NF_DROP, 1 },
	{ __LINE__, "ct reply proto-dst 1 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "ct reply proto-src 1 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	/* jhash: the values a 6.18 kernel gave these keys of a SYN 127.0.0.1 -> 127.0.0.5:8080
	 * (a single key hashes its own length, a concatenation whole registers) */
	{ __LINE__, "jhash ip saddr mod 65536 seed 0x1 45954 drop", JH, RXS_NF_DROP, 1 },
	{ __LINE__, "jhash ip saddr mod 65536 seed 0x1 45955 drop", JH, RXS_NF_ACCEPT, 0 },
	{ __LINE__, "jhash ip saddr . ip daddr mod 65536 seed 0xdeadbeef 14741 drop", JH,
	  RXS_NF_DROP, 1 },
	{ __LINE__, "jhash ip saddr . tcp dport mod 65536 seed 0x12345678 3037 drop", JH,
	  RXS_NF_DROP, 1 },
	{ __LINE__,
	  "jhash ip daddr . tcp dport . ip saddr . ip daddr mod 65536 seed 0x0 25121 drop", JH,
	  RXS_NF_DROP, 1 },
	{ __LINE__, "jhash tcp dport mod 65536 seed 0x7 16667 drop", JH, RXS_NF_DROP, 1 },
	{ __LINE__,
	  "jhash ip saddr . ip daddr . ip saddr . ip daddr mod 65536 seed 0x99 23572 drop", JH,
	  RXS_NF_DROP, 1 },
	{ __LINE__, "jhash ip saddr mod 65536 seed 0x1 offset 10 45964 drop", JH, RXS_NF_DROP, 1 },
	{ __LINE__, "jhash ip saddr mod 65536 seed 0x1 & 0x3 == 0x2 drop", JH, RXS_NF_DROP, 1 },
	/* its input breaks the rule when a key does */
	{ __LINE__, "jhash tcp dport mod 2 0-1 drop", UDP(SRC, DST, 1, 2), RXS_NF_ACCEPT, 0 },
	{ __LINE__, "numgen inc mod 2 0 drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	{ __LINE__, "numgen inc mod 2 offset 5 vmap { 5 : drop }", UDP(SRC, DST, 1, 2), RXS_NF_DROP,
	  1 },
	{ __LINE__, "numgen random mod 2 { 0, 1 } drop", UDP(SRC, DST, 1, 2), RXS_NF_DROP, 1 },
	/* an inet rule rejecting with an icmp (icmpv6) type is of that family alone (nft's
	 * meta nfproto dependency, first in the rule): the other family skips it, uncounted */
	{ __LINE__, "counter reject with icmp type host-unreachable", UDP(SRC6, DST6, 1, 2),
	  RXS_NF_ACCEPT, 0 },
	{ __LINE__, "counter reject with icmpv6 type admin-prohibited", UDP(SRC, DST, 1, 2),
	  RXS_NF_ACCEPT, 0 },
};

static void test_nft_matches(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(nft_match_cases); i++) {
		rxs_ruleset_t *nf = nft_input(nft_match_cases[i].rule);
		unsigned int len = pkt_len(&nft_match_cases[i].pkt);
		struct rxs_nft_rule_info r;
		enum rxs_nf_verdict v;

		v = run(nf, &nft_match_cases[i].pkt, 0);
		r = nft_rule(nf, 0);
		if (v != nft_match_cases[i].verdict || r.pkts != nft_match_cases[i].hits ||
		    r.bytes != nft_match_cases[i].hits * len)
			fail_msg("case at line %d: verdict %d, %llu packets, %llu bytes",
				 nft_match_cases[i].line, v, (unsigned long long)r.pkts,
				 (unsigned long long)r.bytes);
		rxs_ruleset_destroy(nf);
	}
}
#undef SRC
#undef DST
#undef SRC6
#undef DST6
#undef JH

/* Header fields as written, as nft 1.0.6 lists them back (`nft list ruleset`), and its
 * `nft -j list ruleset` of them: rxsim prints each rule of both as nft listed it. */
static const char fields_written[] =
	"table inet t {\n\tchain c {\n"
	"\t\tip dscp { af41, ef } ip ecn ce\n"
	"\t\tip frag-off & 0x1fff != 0 ip hdrlength 5\n"
	"\t\tip6 dscp 0x3f ip6 flowlabel 12345\n"
	"\t\tip dscp 0x01-0x03\n"
	"\t\ttcp doff 5 tcp sequence 1\n"
	"\t\tudp length 8\n"
	"\t\ticmp code 3 icmp id 1\n"
	"\t\ticmpv6 code 2 icmpv6 mtu 1280\n"
	"\t\ticmp mtu 1500\n"
	"\t\tether saddr 02:00:00:00:00:01 ether type vlan\n"
	"\t}\n}\n";
static const char *const fields_listed[] = {
	"ip dscp { af41, ef } ip ecn ce",
	"ip frag-off & 8191 != 0 ip hdrlength 5",
	"ip6 dscp 0x3f ip6 flowlabel 12345",
	"ip dscp 0x01-0x03",
	"tcp doff 5 tcp sequence 1",
	"udp length 8",
	"icmp code port-unreachable icmp type { echo-reply, echo-request } icmp id 1",
	"icmpv6 code 2 icmpv6 mtu 1280",
	"icmp mtu 1500",
	"ether saddr 02:00:00:00:00:01 ether type 8021q",
};
static const char fields_json[] =
	"{\"nftables\": [\n"
	"{\"table\": {\"family\": \"inet\", \"name\": \"t\", \"handle\": 1}},\n"
	"{\"chain\": {\"family\": \"inet\", \"table\": \"t\", \"name\": \"c\", \"handle\": 1}},\n"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 3, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", "
	"\"field\": \"dscp\"}}, \"right\": {\"set\": [\"af41\", \"ef\"]}}}, {\"match\": {\"op\": "
	"\"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"ecn\"}}, \"right\": "
	"\"ce\"}}]}},\n"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 4, "
	"\"expr\": [{\"match\": {\"op\": \"!=\", \"left\": {\"&\": [{\"payload\": {\"protocol\": "
	"\"ip\", \"field\": \"frag-off\"}}, 8191]}, \"right\": 0}}, {\"match\": {\"op\": \"==\", "
	"\"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"hdrlength\"}}, \"right\": "
	"5}}]}},\n"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 5, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip6\", "
	"\"field\": \"dscp\"}}, \"right\": 63}}, {\"match\": {\"op\": \"==\", \"left\": "
	"{\"payload\": {\"protocol\": \"ip6\", \"field\": \"flowlabel\"}}, \"right\": "
	"12345}}]}},\n"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 6, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", "
	"\"field\": \"dscp\"}}, \"right\": {\"range\": [\"lephb\", 3]}}}]}},\n"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 7, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"tcp\", "
	"\"field\": \"doff\"}}, \"right\": 5}}, {\"match\": {\"op\": \"==\", \"left\": "
	"{\"payload\": {\"protocol\": \"tcp\", \"field\": \"sequence\"}}, \"right\": 1}}]}},\n"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 8, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"udp\", "
	"\"field\": \"length\"}}, \"right\": 8}}]}},\n"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 10, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": "
	"\"icmp\", \"field\": \"code\"}}, \"right\": \"port-unreachable\"}}, {\"match\": "
	"{\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"icmp\", \"field\": "
	"\"type\"}}, \"right\": {\"set\": [\"echo-reply\", \"echo-request\"]}}}, {\"match\": "
	"{\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"icmp\", \"field\": \"id\"}}, "
	"\"right\": 1}}]}},\n"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 11, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": "
	"\"icmpv6\", \"field\": \"code\"}}, \"right\": 2}}, {\"match\": {\"op\": \"==\", "
	"\"left\": {\"payload\": {\"protocol\": \"icmpv6\", \"field\": \"mtu\"}}, \"right\": "
	"1280}}]}},\n"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 12, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": "
	"\"icmp\", \"field\": \"mtu\"}}, \"right\": 1500}}]}},\n"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 13, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": "
	"\"ether\", \"field\": \"saddr\"}}, \"right\": \"02:00:00:00:00:01\"}}, {\"match\": "
	"{\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ether\", \"field\": "
	"\"type\"}}, \"right\": \"8021q\"}}]}}\n"
	"]}\n";

/* meta and ct keys the same way, in family ip ("ct original saddr" is of IPv4 there; nft
 * leaves "ct l3proto" out before "ct protocol", its dependency). */
static const char meta_ct_written[] =
	"table ip t {\n\tchain c {\n"
	"\t\tmeta protocol { ip, arp, vlan, ip6 }\n"
	"\t\tmeta priority 0x12345678 meta cpu 1-3\n"
	"\t\tiiftype ether meta oiftype 256 skuid 1000\n"
	"\t\tmeta nftrace set 1 meta priority set 0x10\n"
	"\t\tct direction reply ct l3proto ipv4 ct original protocol 6\n"
	"\t\tct expiration < 1000 ct expiration 1-2\n"
	"\t\tct original saddr 10.0.0.1 ct reply ip daddr 10.0.0.2\n"
	"\t\tmeta l4proto tcp ct original proto-src 22\n"
	"\t}\n}\n";
static const char *const meta_ct_listed[] = {
	"meta protocol { ip, arp, 8021q, ip6 }",
	"meta priority 1234:5678 meta cpu 1-3",
	"meta iiftype ether meta oiftype 256 meta skuid 1000",
	"meta nftrace set 1 meta priority set 0:10",
	"ct direction reply ct protocol tcp",
	"ct expiration < 16m40s ct expiration 1s-2s",
	"ct original ip saddr 10.0.0.1 ct reply ip daddr 10.0.0.2",
	"meta l4proto tcp ct original proto-src 22",
};
static const char meta_ct_json[] =
	"{\"nftables\": [\n"
	"{\"table\": {\"family\": \"ip\", \"name\": \"t\", \"handle\": 1}},\n"
	"{\"chain\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"c\", \"handle\": 1}},\n"
	"{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 3, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"protocol\"}}, "
	"\"right\": {\"set\": [\"ip\", \"arp\", \"8021q\", \"ip6\"]}}}]}},\n"
	"{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 4, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"priority\"}}, "
	"\"right\": \"1234:5678\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": "
	"\"cpu\"}}, \"right\": {\"range\": [1, 3]}}}]}},\n"
	"{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 5, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"iiftype\"}}, "
	"\"right\": \"ether\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": "
	"\"oiftype\"}}, \"right\": 256}}, {\"match\": {\"op\": \"==\", \"left\": {\"meta\": "
	"{\"key\": \"skuid\"}}, \"right\": 1000}}]}},\n"
	"{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 6, "
	"\"expr\": [{\"mangle\": {\"key\": {\"meta\": {\"key\": \"nftrace\"}}, \"value\": 1}}, "
	"{\"mangle\": {\"key\": {\"meta\": {\"key\": \"priority\"}}, \"value\": \"0:10\"}}]}},\n"
	"{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 7, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"direction\"}}, "
	"\"right\": \"reply\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": "
	"\"protocol\"}}, \"right\": \"tcp\"}}]}},\n"
	"{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 8, "
	"\"expr\": [{\"match\": {\"op\": \"<\", \"left\": {\"ct\": {\"key\": \"expiration\"}}, "
	"\"right\": 1000}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": "
	"\"expiration\"}}, \"right\": {\"range\": [1, 2]}}}]}},\n"
	"{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 9, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"saddr\", "
	"\"dir\": \"original\"}}, \"right\": \"10.0.0.1\"}}, {\"match\": {\"op\": \"==\", "
	"\"left\": {\"ct\": {\"key\": \"ip daddr\", \"dir\": \"reply\"}}, \"right\": "
	"\"10.0.0.2\"}}]}},\n"
	"{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 10, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, "
	"\"right\": \"tcp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": "
	"\"proto-src\", \"dir\": \"original\"}}, \"right\": 22}}]}}\n"
	"]}\n";

/* numgen and jhash (an unseeded jhash lists without its seed). */
static const char gen_written[] =
	"table inet t {\n\tchain a {\n\t}\n\tchain b {\n\t}\n\tchain c {\n"
	"\t\tnumgen inc mod 2 offset 100 101\n"
	"\t\tnumgen random mod 2 vmap { 0 : goto a, 1 : goto b }\n"
	"\t\tjhash ip saddr . tcp dport mod 4 seed 0xdeadbeef offset 10 3\n"
	"\t\tjhash ip saddr mod 65536 seed 0x1 & 0x1 == 0x1\n"
	"\t\tjhash ip saddr mod 2 vmap { 0 : jump a, 1 : jump b }\n"
	"\t}\n}\n";
static const char *const gen_listed[] = {
	"numgen inc mod 2 offset 100 101",
	"numgen random mod 2 vmap { 0 : goto a, 1 : goto b }",
	"jhash ip saddr . tcp dport mod 4 seed 0xdeadbeef offset 10 3",
	"jhash ip saddr mod 65536 seed 0x1 & 1 == 1",
	"jhash ip saddr mod 2 vmap { 0 : jump a, 1 : jump b }",
};
static const char gen_json[] =
	"{\"nftables\": [\n"
	"{\"table\": {\"family\": \"inet\", \"name\": \"t\", \"handle\": 1}},\n"
	"{\"chain\": {\"family\": \"inet\", \"table\": \"t\", \"name\": \"a\", \"handle\": 1}},\n"
	"{\"chain\": {\"family\": \"inet\", \"table\": \"t\", \"name\": \"b\", \"handle\": 2}},\n"
	"{\"chain\": {\"family\": \"inet\", \"table\": \"t\", \"name\": \"c\", \"handle\": 3}},\n"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 4, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"numgen\": {\"mode\": \"inc\", "
	"\"mod\": 2, \"offset\": 100}}, \"right\": 101}}]}},\n"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 6, "
	"\"expr\": [{\"vmap\": {\"key\": {\"numgen\": {\"mode\": \"random\", \"mod\": 2, "
	"\"offset\": 0}}, \"data\": {\"set\": [[0, {\"goto\": {\"target\": \"a\"}}], [1, "
	"{\"goto\": {\"target\": \"b\"}}]]}}}]}},\n"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 7, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"jhash\": {\"mod\": 4, \"seed\": "
	"3735928559, \"offset\": 10, \"expr\": {\"concat\": [{\"payload\": {\"protocol\": "
	"\"ip\", \"field\": \"saddr\"}}, {\"payload\": {\"protocol\": \"tcp\", \"field\": "
	"\"dport\"}}]}}}, \"right\": 3}}]}},\n"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 8, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"&\": [{\"jhash\": {\"mod\": 65536, "
	"\"seed\": 1, \"expr\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"saddr\"}}}}, "
	"1]}, \"right\": 1}}]}},\n"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 10, "
	"\"expr\": [{\"vmap\": {\"key\": {\"jhash\": {\"mod\": 2, \"expr\": {\"payload\": "
	"{\"protocol\": \"ip\", \"field\": \"saddr\"}}}}, \"data\": {\"set\": [[0, {\"jump\": "
	"{\"target\": \"a\"}}], [1, {\"jump\": {\"target\": \"b\"}}]]}}}]}}\n"
	"]}\n";

static void check_listed(const char *text, const char *const *listed, unsigned int n)
{
	rxs_ruleset_t *nf = nft_load(text);

	assert_int_equal(rxs_ruleset_nft_nrules(nf), n);
	for (unsigned int i = 0; i < n; i++) {
		struct rxs_nft_rule_info r = nft_rule(nf, i);

		if (strcmp(r.text, listed[i]))
			fail_msg("rule %u: \"%s\", nft lists \"%s\"", i, r.text, listed[i]);
	}
	rxs_ruleset_destroy(nf);
}

static void test_nft_fields_listed(void **state)
{
	(void)state;
	check_listed(fields_written, fields_listed, ARRAY_SIZE(fields_listed));
	check_listed(fields_json, fields_listed, ARRAY_SIZE(fields_listed));
	check_listed(meta_ct_written, meta_ct_listed, ARRAY_SIZE(meta_ct_listed));
	check_listed(meta_ct_json, meta_ct_listed, ARRAY_SIZE(meta_ct_listed));
	check_listed(gen_written, gen_listed, ARRAY_SIZE(gen_listed));
	check_listed(gen_json, gen_listed, ARRAY_SIZE(gen_listed));
}

/* Errors name the scenario's line and column (the text starts at line 21, indented 2). */
#define NFT_HEAD "table inet filter {\n  chain input {\n    type filter hook input priority 0;\n"
static const struct {
	int line;
	const char *text;
	const char *msg;
} nft_error_cases[] = {
	{ __LINE__, NFT_HEAD "    udp dport 53 acept\n  }\n}\n",
	  "s.yaml:24:20: unknown statement 'acept' (did you mean 'accept'?)" },
	{ __LINE__, NFT_HEAD "    udp dport 53 counter name dns accept\n  }\n}\n",
	  "s.yaml:24:33: no counter 'dns' in table 'filter' (declare it first: counter dns { })" },
	{ __LINE__, "table inet filter {\n  counter a { }\n  counter a { }\n}\n",
	  "s.yaml:23:13: counter 'a' is declared twice" },
	{ __LINE__, NFT_HEAD "    udp dprot 53 drop\n  }\n}\n",
	  "s.yaml:24:11: unknown field 'dprot' (did you mean 'dport'?)" },
	{ __LINE__, NFT_HEAD "    ip dscpp cs1 drop\n  }\n}\n",
	  "s.yaml:24:10: unknown field 'dscpp' (did you mean 'dscp'?)" },
	{ __LINE__, NFT_HEAD "    ether sadr 02:00:00:00:00:01 drop\n  }\n}\n",
	  "s.yaml:24:13: unknown field 'sadr' (did you mean 'saddr'?)" },
	{ __LINE__, NFT_HEAD "    ip dscp cs9 drop\n  }\n}\n",
	  "s.yaml:24:15: 'cs9' is not a dscp (did you mean 'cs0'?)" },
	{ __LINE__, NFT_HEAD "    ip ecn & 1 == 1 drop\n  }\n}\n",
	  "s.yaml:24:14: a mask on 'ip ecn', a bit field, is not supported (nft lists it as a raw "
	  "payload)" },
	{ __LINE__, NFT_HEAD "    ct original saddr 10.0.0.1 drop\n  }\n}\n",
	  "s.yaml:24:19: cannot determine ip protocol version, use \"ip saddr\" or \"ip6 saddr\" "
	  "instead" },
	{ __LINE__, NFT_HEAD "    ct reply ip sadr 10.0.0.1 drop\n  }\n}\n",
	  "s.yaml:24:19: unexpected 'sadr', expected 'saddr' or 'daddr'" },
	{ __LINE__, NFT_HEAD "    meta prority 1:2 drop\n  }\n}\n",
	  "s.yaml:24:12: unknown field 'prority' (did you mean 'priority'?)" },
	{ __LINE__, NFT_HEAD "    meta priority set 1:x\n  }\n}\n",
	  "s.yaml:24:25: '1:x' is not a classid" },
	{ __LINE__, NFT_HEAD "    meta nftrace set 2\n  }\n}\n",
	  "s.yaml:24:24: nftrace is 0 or 1" },
	{ __LINE__, NFT_HEAD "    ip version 16 drop\n  }\n}\n",
	  "s.yaml:24:7: value 16 exceeds the range of 'ip version' (0-15)" },
	{ __LINE__, NFT_HEAD "    ip6 flowlabel 0x1-0x100000 drop\n  }\n}\n",
	  "s.yaml:24:7: value 1048576 exceeds the range of 'ip6 flowlabel' (0-1048575)" },
	{ __LINE__, NFT_HEAD "    tcp doff { 5, 16 } drop\n  }\n}\n",
	  "s.yaml:24:7: value 16 exceeds the range of 'tcp doff' (0-15)" },
	{ __LINE__, NFT_HEAD "    numgen inc mod 0 0 drop\n  }\n}\n",
	  "s.yaml:24:22: numgen's mod is not 0" },
	{ __LINE__, NFT_HEAD "    numgen rand mod 2 0 drop\n  }\n}\n",
	  "s.yaml:24:14: unexpected 'rand', expected 'inc' or 'random'" },
	{ __LINE__, NFT_HEAD "    jhash meta mark mod 2 0 drop\n  }\n}\n",
	  "s.yaml:24:13: jhash of 'meta mark' is not supported (only keys the kernel holds in "
	  "network order)" },
	{ __LINE__, NFT_HEAD "    symhash mod 2 0 drop\n  }\n}\n",
	  "s.yaml:24:7: symhash is not supported (the kernel hashes the flow with a key drawn at "
	  "boot)" },
	{ __LINE__, NFT_HEAD "    ct state establshed accept\n  }\n}\n",
	  "s.yaml:24:16: 'establshed' is not a ct_state (did you mean 'established'?)" },
	{ __LINE__, NFT_HEAD "    ip saddr 10.0.0.300 drop\n  }\n}\n",
	  "s.yaml:24:16: '10.0.0.300' is not a ipv4_addr" },
	{ __LINE__, NFT_HEAD "    ip saddr @nosuch drop\n  }\n}\n",
	  "s.yaml:24:16: unknown set 'nosuch'" },
	{ __LINE__, NFT_HEAD "    jump nowhere\n  }\n}\n",
	  "s.yaml:24:7: jump to chain 'nowhere', which table filter does not have" },
	{ __LINE__, NFT_HEAD "    drop accept\n  }\n}\n",
	  "s.yaml:24:12: 'accept' after the rule's verdict" },
	{ __LINE__, "table inet filter {\n  chain input {\n    type filter hook inptu priority 0;\n  }\n}\n",
	  "s.yaml:23:24: unknown hook 'inptu' (did you mean 'input'?)" },
	{ __LINE__, "table inet filter {\n  chain input {\n    type filter hook input priority fitler;\n  }\n}\n",
	  "s.yaml:23:39: unknown priority 'fitler' (did you mean 'filter'?)" },
	{ __LINE__, "table bridge filter {\n}\n",
	  "s.yaml:21:9: family 'bridge' is not supported (ip, ip6, inet, netdev)" },
	{ __LINE__, "table ip6 nat {\n  chain pre {\n    type nat hook prerouting priority dstnat;\n  }\n}\n",
	  "s.yaml:23:12: 'nat' chains of family ip6 are not supported (NAT is modelled for IPv4 "
	  "only)" },
	{ __LINE__, "tabel inet filter {\n}\n",
	  "s.yaml:21:3: unknown command 'tabel' (did you mean 'table'?)" },
	{ __LINE__, "table inet filter {\n  chain a {\n    jump b\n  }\n  chain b {\n    jump a\n  }\n"
		    "  chain input {\n    type filter hook input priority 0;\n    jump a\n  }\n}\n",
	  "s.yaml:28:11: chain 'input': its jumps make a loop (ELOOP)" },
	{ __LINE__, NFT_HEAD "    tcp dport 80 dnat to 10.0.0.1\n  }\n}\n",
	  "s.yaml:24:20: 'dnat' is not valid in chain 'input' (a nat chain at prerouting or "
	  "output)" },
	{ __LINE__, NFT_HEAD "    limit rate 10/sekond accept\n  }\n}\n",
	  "s.yaml:24:18: unknown time unit 'sekond' (did you mean 'second'?)" },
	/* a byte count as long as the rate's buffer: no room left for its unit (fuzz_nft) */
	{ __LINE__, NFT_HEAD "    limit rate 1111111111111111111111111111111111111111111111111111111111111111"
		    "1111 kbytes/second accept\n  }\n}\n",
	  "s.yaml:24:18: expected a rate like 10/second or 10 mbytes/second" },
	{ __LINE__, NFT_HEAD "    udp dport { 53, 54 drop\n  }\n}\n",
	  "s.yaml:24:26: unexpected 'drop', expected ',' or '}'" },
	{ __LINE__, NFT_HEAD "    udp dport 53 drop\n", "s.yaml:25:3: unexpected end of text in chain 'input'" },
	/* an interval in a verdict map without 'flags interval': refused before the verdict's
	 * chain name is read, so nothing is left owned by the element (LeakSanitizer) */
	{ __LINE__, "table inet filter {\n  map ports {\n    type inet_service : verdict\n"
		    "    elements = { 3-50 : jump x }\n  }\n}\n",
	  "s.yaml:24:20: an interval in set 'ports', which has no 'flags interval'" },
	{ __LINE__, "table inet filter {\n  map ports {\n    type inet_service : verdict\n"
		    "    elements = { 3 : jump x, 4 }\n  }\n}\n",
	  "s.yaml:24:34: expected ':' and a verdict" },
	{ __LINE__, "{\"nftables\": [{\"table\": {\"family\": \"inet\", \"name\": \"t\"}},\n"
		    " {\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\"}}]}",
	  "s.yaml: nftables[1]: a rule of a chain the table does not have" },
	{ __LINE__, "{\"nftables\": [\n  {\"table\": {\"family\": \"inet\", \"name\": \"t\"},\n]}",
	  "s.yaml:3:1: string or '}' expected near ']'" },
	/* nft -j -f scripts */
	{ __LINE__, "{\"nftables\": [{\"insert\": {\"chain\": {\"family\": \"ip\", "
		    "\"table\": \"t\", \"name\": \"c\"}}}]}",
	  "s.yaml: nftables[0]: only a rule can be inserted" },
	{ __LINE__, "{\"nftables\": [{\"add\": {\"table\": {\"family\": \"ip\", \"name\": "
		    "\"t\"}}}, {\"delete\": {\"chain\": {\"family\": \"ip\", \"table\": \"t\", "
		    "\"name\": \"c\"}}}]}",
	  "s.yaml: nftables[1]: no such chain (ENOENT)" },
	{ __LINE__, "{\"nftables\": [{\"list\": {\"ruleset\": null}}]}",
	  "s.yaml: nftables[0]: unsupported object 'list' (table, chain, set, map, rule, counter; "
	  "add, create, insert, flush, delete, destroy)" },
	/* nft -f scripts */
	{ __LINE__, "add rule inet nope input accept\n",
	  "s.yaml:21:17: no table 'inet nope' (ENOENT)" },
	{ __LINE__, "table ip t { chain c { } }\nadd rule inet t c accept\n",
	  "s.yaml:22:17: no table 'inet t' (ENOENT; did you mean table 'ip t'?)" },
	{ __LINE__, "table ip t { chain input { } }\nadd rule ip t inptu accept\n",
	  "s.yaml:22:17: no chain 'inptu' in table 't' (ENOENT; did you mean 'input'?)" },
	{ __LINE__, "define PORT = 53\ntable ip t { chain c { udp dport $PROT drop } }\n",
	  "s.yaml:22:36: undefined variable 'PROT' (did you mean 'PORT'?)" },
	{ __LINE__, "define A = 1\ndefine A = 2\n",
	  "s.yaml:22:10: variable 'A' is defined already (use redefine)" },
	{ __LINE__, "define A =\n", "s.yaml:21:10: variable 'A' has no value" },
	{ __LINE__, "table ip t { chain c { udp dport 1$A drop } }\n",
	  "s.yaml:21:36: '1$A': a variable stands alone, as '$NAME'" },
	{ __LINE__, "include \"/etc/nftables.d/x.nft\"\n",
	  "s.yaml:21:3: 'include' is not supported: put the included rules in the text (or the "
	  "scenario's `nftables: { file: F }`)" },
	{ __LINE__, "nft add table ip t\n",
	  "s.yaml:21:3: a shell command: write what follows 'nft' (add rule inet filter input "
	  "...), one command a line" },
	{ __LINE__, "table ip t { chain c { udp dport 1 drop } }\ndelete chain ip t c\n",
	  "s.yaml:22:10: chain 'c' has rules (EBUSY): flush it first" },
	{ __LINE__, "table ip t { chain c { jump d; } chain d { } }\ndelete chain ip t d\n",
	  "s.yaml:22:10: a rule jumps to chain 'd' (EBUSY)" },
	{ __LINE__, "table ip t { chain c { type filter hook input priority 0; } }\n"
		    "add chain ip t c { type filter hook output priority 0; }\n",
	  "s.yaml:22:22: chain 'c' is a base chain already, of another hook, type or priority "
	  "(EBUSY)" },
	{ __LINE__, "table ip t { chain c { } }\n"
		    "add chain ip t c { type filter hook output priority 0; }\n",
	  "s.yaml:22:22: chain 'c' is a regular chain already: it cannot become a base chain "
	  "(EOPNOTSUPP)" },
	{ __LINE__, "table ip t { chain c { } }\nadd rule ip t c position 3 accept\n",
	  "s.yaml:22:19: rule handles are not kept: place the rule with 'index N' (its place in "
	  "the chain, from 0)" },
	{ __LINE__, "table ip t { chain c { } }\nadd rule ip t c index 0 accept\n",
	  "s.yaml:22:25: no rule at index 0 of chain 'c', which has 0 (ENOENT)" },
	{ __LINE__, "table ip t { chain c { } }\nadd rule ip t c\n",
	  "s.yaml:22:18: unexpected 'end of line', expected a rule's statements" },
	{ __LINE__, "create table ip t\ncreate table ip t\n",
	  "s.yaml:22:19: table 'ip t' exists already (EEXIST)" },
	{ __LINE__, "table ip t { chain c { } }\ndelete rule ip t c handle 4\n",
	  "s.yaml:22:10: only tables and chains can be deleted here, not a rule (rules have no "
	  "handles: flush the chain and add its rules again)" },
	{ __LINE__, "table ip t\nflush sets\n",
	  "s.yaml:22:9: unknown thing to flush 'sets' (did you mean 'set'?)" },
	{ __LINE__, "table ip t\nadd element ip t s { 1.2.3.4 }\n",
	  "s.yaml:22:20: no set 's' in table 't' (ENOENT)" },
	{ __LINE__, "table ip t\ninsert chain ip t c\n",
	  "s.yaml:22:10: unexpected 'chain', expected 'rule'" },
	{ __LINE__, "table ip t\nlist ruleset\n",
	  "s.yaml:22:3: unexpected 'list', expected a command (table, add, create, insert, flush, "
	  "delete, destroy, define)" },
	{ __LINE__, "{\"nftables\": [{\"table\": {\"family\": \"inet\", \"name\": \"t\"}},\n"
		    " {\"chain\": {\"family\": \"inet\", \"table\": \"t\", \"name\": \"c\"}},\n"
		    " {\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"expr\": "
		    "[{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"udp\", "
		    "\"field\": \"dport\"}}, \"right\": \"x\"}}]}}]}",
	  "s.yaml: rule 1 of chain c in table inet t: \"x\" is not a inet_service" },
	{ __LINE__, "{\"nftables\": [{\"table\": {\"family\": \"inet\", \"name\": \"t\"}},\n"
		    " {\"map\": {\"family\": \"inet\", \"table\": \"t\", \"name\": \"m\", "
		    "\"type\": \"inet_service\", \"map\": \"verdict\", \"elem\": [[{\"range\": "
		    "[3, 50]}, {\"jump\": {\"target\": \"x\"}}]]}}]}",
	  "s.yaml: nftables[1]: an interval in a set without 'flags interval'" },
};

static void test_nft_parse_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(nft_error_cases); i++) {
		rxs_ruleset_t *nf = NULL;
		char err[512] = "";
		int rc;

		assert_int_equal(rxs_ruleset_create(&nf, NULL, "s.yaml", 1, err, sizeof(err)), 0);
		rc = rxs_ruleset_load_nft(nf, nft_error_cases[i].text, "s.yaml", 21, 2, err,
					  sizeof(err));
		if (rc != RXS_ERULE || strcmp(err, nft_error_cases[i].msg))
			fail_msg("case at line %d: got %d \"%s\"", nft_error_cases[i].line, rc, err);
		assert_int_equal(rxs_ruleset_nft_nrules(nf), 0);
		rxs_ruleset_destroy(nf);
	}
}
#undef NFT_HEAD

#define JRULE(port, more)                                                                   \
	"{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", " more   \
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": " \
	"\"udp\", \"field\": \"dport\"}}, \"right\": " #port "}}, {\"accept\": null}]}}"
/* The same as nft -j -f reads it: commands around the objects. */
static const char nft_json_script[] =
	"{\"nftables\": [{\"add\": {\"table\": {\"family\": \"ip\", \"name\": \"old\"}}},\n"
	" {\"add\": {\"table\": {\"family\": \"ip\", \"name\": \"t\"}}},\n"
	" {\"delete\": {\"table\": {\"family\": \"ip\", \"name\": \"old\"}}},\n"
	" {\"destroy\": {\"table\": {\"family\": \"ip\", \"name\": \"none\"}}},\n"
	" {\"add\": {\"chain\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"c\", "
	"\"type\": \"filter\", \"hook\": \"input\", \"prio\": 0, \"policy\": \"drop\"}}},\n"
	" {\"add\": " JRULE(9, "") "},\n"
	" {\"flush\": {\"chain\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"c\"}}},\n"
	" {\"add\": " JRULE(2, "") "},\n"
	" {\"insert\": " JRULE(0, "") "},\n"
	" {\"insert\": " JRULE(1, "\"index\": 1, ") "}]}\n";
#undef JRULE

/* nft -f scripts: variables, commands in order, a rule set changed as it is read. */
static const struct {
	int line;
	const char *script;
	const char *listed;	/* rxs_ruleset_nft_print(), as `nft list ruleset` */
} nft_script_cases[] = {
	{ __LINE__,
	  "#!/usr/sbin/nft -f\n"
	  "define NET = 10.0.0.0/8\n"
	  "define PORTS = { 22,\n  80 }\n"
	  "define WEB = $PORTS\n"
	  "redefine PORTS = 443\n"
	  "table ip t {\n"
	  "  chain c { type filter hook input priority 0; policy accept;\n"
	  "    ip saddr $NET tcp dport $WEB drop; tcp dport $PORTS accept\n"
	  "  }\n"
	  "}\n",
	  "table ip t {\n"
	  "\tchain c {\n"
	  "\t\ttype filter hook input priority filter; policy accept;\n"
	  "\t\tip saddr 10.0.0.0/8 tcp dport { 22, 80 } drop\n"
	  "\t\ttcp dport 443 accept\n"
	  "\t}\n"
	  "}\n" },
	/* add appends, or goes after the rule at index N; insert goes first, or before it */
	{ __LINE__,
	  "add table ip t\n"
	  "add chain ip t c { type filter hook input priority 0; policy drop; }\n"
	  "add rule ip t c udp dport 1 accept\n"
	  "add rule ip t c udp dport 4 accept\n"
	  "insert rule ip t c udp dport 0 accept\n"
	  "add rule ip t c index 1 udp dport 2 accept\n"
	  "insert rule ip t c index 3 udp dport 3 accept\n"
	  "rule ip t c udp dport 5 accept\n",
	  "table ip t {\n"
	  "\tchain c {\n"
	  "\t\ttype filter hook input priority filter; policy drop;\n"
	  "\t\tudp dport 0 accept\n"
	  "\t\tudp dport 1 accept\n"
	  "\t\tudp dport 2 accept\n"
	  "\t\tudp dport 3 accept\n"
	  "\t\tudp dport 4 accept\n"
	  "\t\tudp dport 5 accept\n"
	  "\t}\n"
	  "}\n" },
	/* flush ruleset forgets what came before; the table, delete, table idiom; a second
	 * block adds to a chain; sets flushed and filled again; chains deleted */
	{ __LINE__,
	  "table ip old { chain c { type filter hook input priority 0; drop; } }\n"
	  "flush ruleset\n"
	  "table inet f\n"
	  "delete table inet f\n"
	  "destroy table ip nothere\n"
	  "destroy chain ip nothere c\n"
	  "table inet f {\n"
	  "  set s { type ipv4_addr; elements = { 1.2.3.4 } }\n"
	  "  chain in { type filter hook input priority 0; ip saddr @s drop; }\n"
	  "  chain spare { }\n"
	  "  chain full { udp dport 7 accept; }\n"
	  "}\n"
	  "delete chain inet f spare\n"
	  "destroy chain inet f spare\n"
	  "flush chain inet f full\n"
	  "flush set inet f s\n"
	  "add element inet f s { 5.6.7.8 }\n"
	  "add counter inet f n\n"
	  "table inet f { chain in { counter name n; udp dport { 1, 2 } drop; } }\n"
	  "add table ip g { chain c { type filter hook output priority 0; tcp dport 1 drop; } }\n"
	  "flush table ip g\n",
	  "table inet f {\n"
	  "\tset s {\n"
	  "\t\ttype ipv4_addr\n"
	  "\t\telements = { 5.6.7.8 }\n"
	  "\t}\n"
	  "\n"
	  "\tcounter n {\n"
	  "\t\tpackets 0 bytes 0\n"
	  "\t}\n"
	  "\n"
	  "\tchain in {\n"
	  "\t\ttype filter hook input priority filter; policy accept;\n"
	  "\t\tip saddr @s drop\n"
	  "\t\tcounter name \"n\"\n"
	  "\t\tudp dport { 1, 2 } drop\n"
	  "\t}\n"
	  "\n"
	  "\tchain full {\n"
	  "\t}\n"
	  "}\n"
	  "table ip g {\n"
	  "\tchain c {\n"
	  "\t\ttype filter hook output priority filter; policy accept;\n"
	  "\t}\n"
	  "}\n" },
	{ __LINE__, nft_json_script,
	  "table ip t {\n"
	  "\tchain c {\n"
	  "\t\ttype filter hook input priority filter; policy drop;\n"
	  "\t\tudp dport 0 accept\n"
	  "\t\tudp dport 1 accept\n"
	  "\t\tudp dport 2 accept\n"
	  "\t}\n"
	  "}\n" },
};


static void test_nft_scripts(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(nft_script_cases); i++) {
		rxs_ruleset_t *nf = nft_load(nft_script_cases[i].script);
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		assert_non_null(f);
		assert_int_equal(rxs_ruleset_nft_print(nf, f), 0);
		fclose(f);
		if (strcmp(buf, nft_script_cases[i].listed))
			fail_msg("case at line %d: listed\n%s", nft_script_cases[i].line, buf);
		free(buf);
		rxs_ruleset_destroy(nf);
	}
	/* What was taken out no longer runs: the old table's drop, the flushed chain's rule. */
	{
		rxs_ruleset_t *nf = nft_load(nft_script_cases[2].script);
		const struct pkt ok = UDP("9.9.9.9", "10.77.0.2", 1000, 7);
		const struct pkt bad = UDP("5.6.7.8", "10.77.0.2", 1000, 7);
		const struct pkt one = UDP("9.9.9.9", "10.77.0.2", 1000, 2);

		assert_int_equal(run(nf, &ok, 0), RXS_NF_ACCEPT);
		assert_int_equal(run(nf, &bad, 0), RXS_NF_DROP);
		assert_int_equal(run(nf, &one, 0), RXS_NF_DROP);
		assert_int_equal(rxs_ruleset_nft_nrules(nf), 3);
		rxs_ruleset_destroy(nf);
	}
}

static const char nft_walk_rules[] =
	"table ip t {\n"
	"\tchain input {\n"
	"\t\ttype filter hook input priority 0; policy drop;\n"
	"\t\tudp dport 1 jump a\n"
	"\t\tudp dport 2 goto a\n"
	"\t\tudp dport 3 jump b\n"
	"\t\tudp dport vmap { 4 : jump a, 5 : goto b }\n"
	"\t\tcounter accept\n"
	"\t}\n"
	"\tchain a {\n"
	"\t\tudp sport 7 return\n"
	"\t\tudp sport 8 drop\n"
	"\t}\n"
	"\tchain b {\n"
	"\t\tjump a\n"
	"\t\tudp sport 9 accept\n"
	"\t}\n"
	"}\n";

/* jump returns to the next rule; goto to the base chain's policy (drop). */
static const struct {
	int line;
	uint16_t sport, dport;
	enum rxs_nf_verdict verdict;
} nft_walk_cases[] = {
	{ __LINE__, 7, 1, RXS_NF_ACCEPT },	/* a returns: the last rule accepts */
	{ __LINE__, 8, 1, RXS_NF_DROP },
	{ __LINE__, 7, 2, RXS_NF_DROP },	/* goto: a's return falls to the policy */
	{ __LINE__, 9, 3, RXS_NF_ACCEPT },	/* b jumps to a, comes back, b accepts */
	{ __LINE__, 1, 3, RXS_NF_ACCEPT },	/* b's end returns to input */
	{ __LINE__, 7, 4, RXS_NF_ACCEPT },
	{ __LINE__, 1, 5, RXS_NF_DROP },	/* goto b: b's end is the policy */
	{ __LINE__, 1, 6, RXS_NF_ACCEPT },
};

static void test_nft_chains(void **state)
{
	rxs_ruleset_t *nf = nft_load(nft_walk_rules);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(nft_walk_cases); i++) {
		const struct pkt k = UDP("10.0.0.1", "10.77.0.2", nft_walk_cases[i].sport,
					 nft_walk_cases[i].dport);

		if (run(nf, &k, 0) != nft_walk_cases[i].verdict)
			fail_msg("case at line %d", nft_walk_cases[i].line);
	}
	/* counter accept: reached by the 1st, 5th, 6th and 8th */
	assert_int_equal(nft_rule(nf, 4).pkts, 4);
	assert_int_equal(nft_rule(nf, 4).counter, 1);
	rxs_ruleset_destroy(nf);
	/* A chain that says its type twice keeps the last; the first's text is freed (the
	 * sanitized build's leak check holds this). */
	rxs_ruleset_destroy(nft_load("table ip t { chain c {\n"
				     "type filter hook input priority 0; policy accept;\n"
				     "type filter hook input priority 10; } }\n"));
}

/* nft_limit.c: a packet costs nsecs/rate of credit, the bucket holds burst of them (5 by
 * default), full at load, refilled by the nanosecond. */
static void test_nft_limit(void **state)
{
	rxs_ruleset_t *nf, *nfb;
	const struct pkt k = UDP("10.0.0.1", "10.77.0.2", 1, 2);
	unsigned int n = 0;

	(void)state;
	nf = nft_load("table ip t { chain c { type filter hook input priority 0; policy drop;\n"
		      "limit rate 2/second burst 3 packets accept\n} }\n");
	for (unsigned int i = 0; i < 10; i++)
		n += run(nf, &k, 0) == RXS_NF_ACCEPT;
	assert_int_equal(n, 3);
	assert_int_equal(run(nf, &k, 499999999), RXS_NF_DROP);	/* 500 ms of credit a packet */
	assert_int_equal(run(nf, &k, 500 * MS), RXS_NF_ACCEPT);
	assert_int_equal(run(nf, &k, 500 * MS), RXS_NF_DROP);
	n = 0;
	for (unsigned int i = 0; i < 10; i++)
		n += run(nf, &k, 60000 * MS) == RXS_NF_ACCEPT;
	assert_int_equal(n, 3);
	rxs_ruleset_destroy(nf);

	/* the default burst is 5; "over" inverts */
	nf = nft_load("table ip t { chain c { type filter hook input priority 0; policy accept;\n"
		      "limit rate over 10/minute drop\n} }\n");
	n = 0;
	for (unsigned int i = 0; i < 10; i++)
		n += run(nf, &k, 0) == RXS_NF_ACCEPT;
	assert_int_equal(n, 5);
	assert_int_equal(run(nf, &k, 5999 * MS), RXS_NF_DROP);
	assert_int_equal(run(nf, &k, 6000 * MS), RXS_NF_ACCEPT);
	rxs_ruleset_destroy(nf);

	/* bytes: the bucket holds nsecs * (rate + burst) / rate; a 128-byte packet costs
	 * 1 s * 128 / 1024 = 125 ms of 1 kbytes/second */
	nfb = nft_load("table ip t { chain c { type filter hook input priority 0; policy drop;\n"
		       "limit rate 1 kbytes/second accept\n} }\n");
	n = 0;
	for (unsigned int i = 0; i < 20; i++)
		n += run(nfb, &k, 0) == RXS_NF_ACCEPT;
	assert_int_equal(n, 8);
	assert_int_equal(run(nfb, &k, 124 * MS), RXS_NF_DROP);
	assert_int_equal(run(nfb, &k, 125 * MS), RXS_NF_ACCEPT);
	rxs_ruleset_destroy(nfb);
}

/* Dynamic sets: add/update from the packet path, timeouts, a limit per element (a meter). */
static void test_nft_dynamic_sets(void **state)
{
	rxs_ruleset_t *nf = nft_load(
		"table inet f {\n"
		"\tset seen { type ipv4_addr; flags dynamic,timeout; timeout 10s; }\n"
		"\tset meter { type ipv4_addr; size 2; flags dynamic; }\n"
		"\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n"
		"\t\tudp dport 1 ip saddr @seen counter drop\n"
		"\t\tudp dport 1 add @seen { ip saddr }\n"
		"\t\tudp dport 2 update @meter { ip saddr limit rate over 1/second burst 2 packets }"
		" counter drop\n"
		"\t}\n}\n");
	const struct pkt a = UDP("10.0.0.1", "10.77.0.2", 5, 1), b = UDP("10.0.0.2", "10.77.0.2", 5, 1);
	const struct pkt m1 = UDP("10.0.0.1", "10.77.0.2", 5, 2), m2 = UDP("10.0.0.2", "10.77.0.2", 5, 2);
	const struct pkt m3 = UDP("10.0.0.3", "10.77.0.2", 5, 2);

	(void)state;
	assert_int_equal(run(nf, &a, 0), RXS_NF_ACCEPT);	/* added */
	assert_int_equal(run(nf, &a, MS), RXS_NF_DROP);		/* in the set now */
	assert_int_equal(run(nf, &b, MS), RXS_NF_ACCEPT);
	assert_int_equal(run(nf, &a, 9999 * MS), RXS_NF_DROP);	/* add does not refresh */
	assert_int_equal(run(nf, &a, 10000 * MS), RXS_NF_ACCEPT);	/* expired, added again */
	assert_int_equal(nft_rule(nf, 0).pkts, 2);
	/* each source its own bucket of 2; the set holds 2 sources */
	for (unsigned int i = 0; i < 2; i++) {
		assert_int_equal(run(nf, &m1, 0), RXS_NF_ACCEPT);
		assert_int_equal(run(nf, &m2, 0), RXS_NF_ACCEPT);
	}
	assert_int_equal(run(nf, &m1, 0), RXS_NF_DROP);
	assert_int_equal(run(nf, &m3, 0), RXS_NF_ACCEPT);	/* set full: no element, no match */
	assert_int_equal(run(nf, &m1, 1000 * MS), RXS_NF_ACCEPT);
	assert_int_equal(nft_rule(nf, 2).pkts, 1);
	rxs_ruleset_destroy(nf);

	/* Elements loaded with the rule set expire their timeout after the load. */
	nf = nft_input("ip saddr @t drop\n\t}\n\tset t { type ipv4_addr; timeout 1s; elements = {"
		       " 10.0.0.1, 10.0.0.2 timeout 5s, 10.0.0.3 timeout 5s expires 2s } }\n"
		       "\tchain x {");
	assert_int_equal(run(nf, &a, 999 * MS), RXS_NF_DROP);
	assert_int_equal(run(nf, &a, 1000 * MS), RXS_NF_ACCEPT);
	assert_int_equal(run(nf, &b, 4999 * MS), RXS_NF_DROP);
	assert_int_equal(run(nf, &b, 5000 * MS), RXS_NF_ACCEPT);
	rxs_ruleset_destroy(nf);
}

/* Several tables on one hook run in priority order with the iptables tables: an nft chain
 * at -10 sees the packet iptables' filter (0) drops, one at 10 does not. */
static void test_nft_priorities(void **state)
{
	rxs_ruleset_t *nf = NULL;
	char err[256];
	const struct pkt k = UDP("10.0.0.1", "10.77.0.2", 1, 2);

	(void)state;
	assert_int_equal(rxs_ruleset_create(&nf, "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p udp -j "
					    "DROP\nCOMMIT\n", "t", 1, err, sizeof(err)), 0);
	assert_int_equal(rxs_ruleset_load_nft(nf,
		"table ip late { chain c { type filter hook input priority 10; counter } }\n"
		"table ip early { chain c { type filter hook input priority filter - 10; counter } }\n"
		"table inet same { chain c { type filter hook input priority filter; counter } }\n"
		"table ip6 v6 { chain c { type filter hook input priority -20; counter } }\n",
		"t", 1, 0, err, sizeof(err)), 0);
	assert_int_equal(run(nf, &k, 0), RXS_NF_DROP);
	assert_int_equal(nft_rule(nf, 0).pkts, 0);	/* late */
	assert_int_equal(nft_rule(nf, 1).pkts, 1);	/* early */
	assert_int_equal(nft_rule(nf, 2).pkts, 0);	/* same priority: after the table */
	assert_int_equal(nft_rule(nf, 3).pkts, 0);	/* ip6: IPv4 never meets it */
	assert_int_equal(rule(nf, 0).pkts, 1);
	rxs_ruleset_destroy(nf);
}

/* ct count over N: the connections of the statement still in the table. */
static void test_nft_ct_count(void **state)
{
	rxs_ruleset_t *nf = nft_load("table ip t { chain c { type filter hook input priority 0;\n"
				     "ct count over 2 drop\n} }\n");
	struct pkt k = UDP("10.0.0.1", "10.77.0.2", 1, 2);

	(void)state;
	for (uint16_t p = 1; p <= 3; p++) {
		k.sport = p;
		assert_int_equal(deliver(nf, &k, 0), p <= 2 ? RXS_NF_ACCEPT : RXS_NF_DROP);
	}
	k.sport = 1;
	assert_int_equal(deliver(nf, &k, MS), RXS_NF_ACCEPT);	/* a known connection */
	rxs_ruleset_destroy(nf);
}

/* The text and the JSON of one rule set (tests/data, as nft 1.0.6 wrote them) give the
 * same rules, printed the same. */
static rxs_ruleset_t *nft_load_file(const char *path)
{
	FILE *f = fopen(path, "r");
	rxs_ruleset_t *nf;
	char *text;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	nf = nft_load(text);
	free(text);
	return nf;
}

/* nft-fields.nft is `nft list ruleset` of a set without sets: its rule lines are those of
 * two tabs that are not a chain's "type". rxsim prints each rule as that line. */
static void check_as_listed(const rxs_ruleset_t *nf, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned int i = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "\t\t", 2) || !strncmp(line, "\t\ttype ", 7))
			continue;
		if (i >= rxs_ruleset_nft_nrules(nf) || strcmp(nft_rule(nf, i).text, line + 2))
			fail_msg("rule %u: \"%s\", nft lists \"%s\"", i,
				 i < rxs_ruleset_nft_nrules(nf) ? nft_rule(nf, i).text : "", line + 2);
		i++;
	}
	fclose(f);
	assert_int_equal(i, rxs_ruleset_nft_nrules(nf));
}

static void test_nft_text_and_json(void **state)
{
	static const struct {
		const char *name;
		unsigned int nrules;
	} sets[] = { { "nft-filter", 22 }, { "nft-firewalld", 27 }, { "nft-fields", 82 } };

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(sets); k++) {
		char path[512];
		rxs_ruleset_t *a, *b;

		snprintf(path, sizeof(path), RXS_SOURCE_DIR "/tests/data/%s.nft", sets[k].name);
		a = nft_load_file(path);
		snprintf(path, sizeof(path), RXS_SOURCE_DIR "/tests/data/%s.json", sets[k].name);
		b = nft_load_file(path);
		assert_int_equal(rxs_ruleset_nft_nrules(a), sets[k].nrules);
		assert_int_equal(rxs_ruleset_nft_nrules(b), rxs_ruleset_nft_nrules(a));
		if (!strcmp(sets[k].name, "nft-fields")) {
			snprintf(path, sizeof(path), RXS_SOURCE_DIR "/tests/data/%s.nft",
				 sets[k].name);
			check_as_listed(a, path);
		}
		for (unsigned int i = 0; i < rxs_ruleset_nft_nrules(a); i++) {
			struct rxs_nft_rule_info ra = nft_rule(a, i), rb = nft_rule(b, i);

			if (strcmp(ra.text, rb.text) || strcmp(ra.chain, rb.chain) ||
			    strcmp(ra.family, rb.family) || ra.counter != rb.counter)
				fail_msg("%s rule %u: \"%s\" vs \"%s\"", sets[k].name, i, ra.text,
					 rb.text);
		}
		rxs_ruleset_destroy(a);
		rxs_ruleset_destroy(b);
	}
}

/* netdev ingress: after the taps, before IP; an IPv6 packet meets it too (ip6 keys). */
/* IPv6 conntrack (nf_conntrack's IPv6 hooks, there with an inet table's ct expressions):
 * the same states as IPv4's from address-family-generic tuples, ICMPv6 queries tracked,
 * errors RELATED to the flow they quote, neighbour discovery and MLD untracked. */
static void test_nft_ipv6_conntrack(void **state)
{
	rxs_ruleset_t *nf = nft_load("table inet filter {\n"
				     "  chain input {\n"
				     "    type filter hook input priority 0; policy accept;\n"
				     "    ct state new counter\n"
				     "    ct state established counter\n"
				     "    ct state related counter\n"
				     "    ct state invalid counter\n"
				     "    ct state untracked counter\n"
				     "  }\n"
				     "}\n");
	const struct pkt syn = TCP("fd00::9", "fd77::2", 2000, 80, 0x02);
	const struct pkt synack = TCP("fd77::2", "fd00::9", 80, 2000, 0x12);
	const struct pkt ack = TCP("fd00::9", "fd77::2", 2000, 80, 0x10);
	/* the same ports from another /64: another connection */
	const struct pkt syn2 = TCP("fd01::9", "fd77::2", 2000, 80, 0x02);
	const struct pkt echo = ICMP6("fd00::9", "fd77::2", 128);
	const struct pkt ns = ICMP6("fd00::9", "fd77::2", 135);
	const struct pkt q = UDP("fd00::9", "fd77::2", 1000, 53);
	/* errors quote a UDP datagram the host sent, [fd77::2]:53 -> [fd00::9]:1000 or :1001 */
	const struct pkt err = { .proto = 58, .src = "fd00::9", .dst = "fd77::2", .type = 1,
				 .code = 4, .inner_src = "fd77::2", .inner_dst = "fd00::9",
				 .inner_sport = 53, .inner_dport = 1000 };
	const struct pkt stray = { .proto = 58, .src = "fd00::9", .dst = "fd77::2", .type = 1,
				   .code = 4, .inner_src = "fd77::2", .inner_dst = "fd00::9",
				   .inner_sport = 53, .inner_dport = 1001 };
	const struct pkt v4 = TCP("10.0.0.9", "10.77.0.2", 2000, 80, 0x10);
	struct rxs_sk_buff *skb;
	struct rxs_nf_conntrack_stat st;

	(void)state;
	/* SYN NEW; the SYN-ACK crosses OUTPUT and POSTROUTING (the reply is seen); ACK
	 * ESTABLISHED */
	assert_int_equal(deliver(nf, &syn, 0), RXS_NF_ACCEPT);
	skb = make_skb(&synack);
	assert_int_equal(rxs__nf_hook(nf, RXS_NF_INET_LOCAL_OUT, skb, NULL, MS), RXS_NF_ACCEPT);
	assert_int_equal(rxs__nf_hook(nf, RXS_NF_INET_POST_ROUTING, skb, NULL, MS), RXS_NF_ACCEPT);
	rxs_consume_skb(skb);
	assert_int_equal(deliver(nf, &ack, 2 * MS), RXS_NF_ACCEPT);
	assert_int_equal(nft_rule(nf, 0).pkts, 1);
	assert_int_equal(nft_rule(nf, 1).pkts, 1);
	assert_int_equal(deliver(nf, &syn2, 3 * MS), RXS_NF_ACCEPT);
	assert_int_equal(nft_rule(nf, 0).pkts, 2);
	/* an echo request opens an ICMPv6 entry; a neighbour solicitation is untracked */
	assert_int_equal(deliver(nf, &echo, 4 * MS), RXS_NF_ACCEPT);
	assert_int_equal(nft_rule(nf, 0).pkts, 3);
	assert_int_equal(deliver(nf, &ns, 5 * MS), RXS_NF_ACCEPT);
	assert_int_equal(nft_rule(nf, 4).pkts, 1);
	/* an error quoting a flow is RELATED; one quoting nothing known INVALID, and counted in
	 * icmp_error */
	assert_int_equal(deliver(nf, &q, 6 * MS), RXS_NF_ACCEPT);
	assert_int_equal(nft_rule(nf, 0).pkts, 4);
	assert_int_equal(deliver(nf, &err, 6 * MS), RXS_NF_ACCEPT);
	assert_int_equal(nft_rule(nf, 2).pkts, 1);
	assert_int_equal(deliver(nf, &stray, 7 * MS), RXS_NF_ACCEPT);
	assert_int_equal(nft_rule(nf, 3).pkts, 1);
	/* an IPv4 ACK with the same ports is not the IPv6 connection: loose pickup, NEW */
	assert_int_equal(deliver(nf, &v4, 8 * MS), RXS_NF_ACCEPT);
	assert_int_equal(nft_rule(nf, 0).pkts, 5);
	rxs_ruleset_get_conntrack_stat(nf, &st);
	assert_int_equal(st.entries, 5);	/* 2 TCP, the echo, the UDP flow, the IPv4 pickup */
	assert_int_equal(st.error, 1);
	assert_int_equal(st.invalid, 0);	/* the stray error counts in icmp_error alone */
	rxs_ruleset_destroy(nf);
}

/* The host's answer to a UDP query crosses OUTPUT in the reply direction of the query's
 * connection, its tuples swapped; conntrack (-200) has just given the confirmed entry its
 * 30 s again (udp_packet()). The answer has no input device and no MAC header, so ether
 * fields and meta iiftype break there, and meta oiftype too before the route. */
static void test_nft_reply_and_output(void **state)
{
	rxs_ruleset_t *nf = nft_load("table ip t {\n"
				     "\tchain output {\n"
				     "\t\ttype filter hook output priority 0; policy accept;\n"
				     "\t\tct direction reply ct original ip saddr 10.0.0.9 "
				     "ct reply ip daddr 10.0.0.9 ct reply proto-src 2 counter\n"
				     "\t\tct direction original counter\n"
				     "\t\tct expiration 30s counter\n"
				     "\t\tether saddr 02:00:00:00:00:01 counter\n"
				     "\t\tether type ip counter\n"
				     "\t\tmeta iiftype ether counter\n"
				     "\t\tmeta oiftype ether counter\n"
				     "\t\tcounter\n"
				     "\t}\n}\n");
	const struct pkt q = UDP("10.0.0.9", "10.77.0.2", 1, 2);
	const struct pkt a = UDP("10.77.0.2", "10.0.0.9", 2, 1);
	static const uint64_t want[] = { 1, 0, 1, 0, 0, 0, 0, 1 };
	struct rxs_sk_buff *skb;

	(void)state;
	assert_int_equal(deliver(nf, &q, 0), RXS_NF_ACCEPT);
	skb = make_skb(&a);
	assert_int_equal(rxs__nf_hook(nf, RXS_NF_INET_LOCAL_OUT, skb, NULL, MS), RXS_NF_ACCEPT);
	rxs_consume_skb(skb);
	for (unsigned int i = 0; i < ARRAY_SIZE(want); i++) {
		uint64_t pkts = nft_rule(nf, i).pkts;

		if (pkts != want[i])
			fail_msg("rule %u: %llu packets", i, (unsigned long long)pkts);
	}
	rxs_ruleset_destroy(nf);
}

/* numgen inc counts from 0 per expression (nft_ng_inc_init() starts it at mod - 1);
 * numgen random and an unseeded jhash draw from the rule set's PRNG, so two runs agree;
 * kube-proxy's "numgen random mod 2 vmap" splits the packets between its chains. */
static const char numgen_rules[] =
	"table ip t {\n"
	"\tchain a {\n\t\tcounter\n\t}\n"
	"\tchain b {\n\t\tcounter\n\t}\n"
	"\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n"
	"\t\tnumgen inc mod 3 offset 10 10 counter\n"
	"\t\tnumgen inc mod 3 2 counter\n"
	"\t\tjhash ip saddr . udp sport mod 2 0 counter\n"
	"\t\tnumgen random mod 2 vmap { 0 : jump a, 1 : jump b }\n"
	"\t}\n}\n";

static void run_numgen(uint64_t *pkts)
{
	rxs_ruleset_t *nf = nft_load(numgen_rules);

	for (uint16_t i = 0; i < 64; i++) {
		const struct pkt k = UDP("10.0.0.9", "10.77.0.2", (uint16_t)(1000 + i), 53);

		assert_int_equal(run(nf, &k, i * MS), RXS_NF_ACCEPT);
	}
	for (unsigned int i = 0; i < 6; i++)
		pkts[i] = nft_rule(nf, i).pkts;
	rxs_ruleset_destroy(nf);
}

static void test_nft_numgen(void **state)
{
	uint64_t first[6], again[6];

	(void)state;
	run_numgen(first);
	/* rules a, b (the jump targets), then the input chain's four */
	assert_int_equal(first[2], 22);		/* packets 1, 4, ... 64 */
	assert_int_equal(first[3], 21);		/* packets 3, 6, ... 63 */
	assert_true(first[4] > 16 && first[4] < 48);
	assert_int_equal(first[0] + first[1], 64);
	assert_true(first[0] > 16 && first[1] > 16);
	run_numgen(again);
	assert_memory_equal(first, again, sizeof(first));
}

/* IPv6 walks its own hooks: an iptables rule set (IPv4's) or an ip table leaves it alone;
 * an ip6 table does not see IPv4. The rejects answer IPv6 as nf_reject_ipv6 does. */
static void test_nft_ipv6_families(void **state)
{
	rxs_ruleset_t *ipt = load("*filter\n:INPUT DROP [0:0]\nCOMMIT\n");
	rxs_ruleset_t *ip = nft_load("table ip filter {\n  chain input {\n"
				     "    type filter hook input priority 0; policy drop;\n  }\n}\n");
	rxs_ruleset_t *ip6 = nft_load("table ip6 filter {\n  chain input {\n"
				      "    type filter hook input priority 0; policy drop;\n"
				      "    udp dport 3 reject\n"
				      "    tcp dport 4 reject with tcp reset\n  }\n}\n");
	const struct pkt u6 = UDP("fd00::9", "fd77::2", 1, 2);
	const struct pkt u4 = UDP("10.0.0.9", "10.77.0.2", 1, 2);
	const struct pkt rej = UDP("fd00::10", "fd77::2", 1, 3);
	const struct pkt rst = TCP("fd00::11", "fd77::2", 1, 4, 0x02);
	uint64_t unreach = rxs_host_mib(host, RXS_MIB_Icmp6OutDestUnreachs);
	uint64_t req = rxs_host_mib(host, RXS_MIB_Ip6OutRequests);
	uint64_t xmit = rxs_host_mib(host, RXS_MIB_Ip6OutTransmits);

	(void)state;
	assert_int_equal(run(ipt, &u6, 0), RXS_NF_ACCEPT);
	assert_int_equal(run(ipt, &u4, 0), RXS_NF_DROP);
	assert_int_equal(run(ip, &u6, 0), RXS_NF_ACCEPT);
	assert_int_equal(run(ip, &u4, 0), RXS_NF_DROP);
	assert_int_equal(run(ip6, &u4, 0), RXS_NF_ACCEPT);
	assert_int_equal(run(ip6, &u6, 0), RXS_NF_DROP);
	/* reject: an ICMPv6 port unreachable through icmpv6_send (Ip6OutRequests); the RST
	 * through ip6_local_out, which counts Ip6OutTransmits alone */
	assert_int_equal(run(ip6, &rej, 0), RXS_NF_DROP);
	assert_int_equal(rxs_host_mib(host, RXS_MIB_Icmp6OutDestUnreachs), unreach + 1);
	assert_int_equal(rxs_host_mib(host, RXS_MIB_Ip6OutRequests), req + 1);
	assert_int_equal(run(ip6, &rst, 0), RXS_NF_DROP);
	assert_int_equal(rxs_host_mib(host, RXS_MIB_Ip6OutRequests), req + 1);
	assert_int_equal(rxs_host_mib(host, RXS_MIB_Ip6OutTransmits), xmit + 2);
	rxs_ruleset_destroy(ipt);
	rxs_ruleset_destroy(ip);
	rxs_ruleset_destroy(ip6);
}

/*
 * The hooks a host's walk runs at (rxs__nf_hook_staged): where a stage of either family runs
 * (a table runs at every hook it has a built-in chain for, as iptable_filter registers
 * INPUT, FORWARD and OUTPUT however many of them have rules), and where conntrack confirms
 * what an earlier hook's stage began. Elsewhere the path does not call into netfilter at
 * all. P: PREROUTING, I: INPUT, F: FORWARD, O: OUTPUT, Q: POSTROUTING.
 */
static const struct {
	int line;
	const char *v4, *v6, *nft;
	const char *hooks;
} staged_cases[] = {
	{ __LINE__, "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p udp --dport 9 -j DROP\nCOMMIT\n",
	  NULL, NULL, "IFO" },
	{ __LINE__, "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n", NULL, NULL, "IFO" },
	{ __LINE__, "*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -j ACCEPT\nCOMMIT\n", NULL, NULL,
	  "IFO" },
	/* conntrack: its hook at PREROUTING, INPUT, FORWARD and OUTPUT, confirm at POSTROUTING */
	{ __LINE__, "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m state --state NEW -j ACCEPT\n"
		    "COMMIT\n", NULL, NULL, "PIFOQ" },
	{ __LINE__, "*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j ACCEPT\nCOMMIT\n", NULL,
	  NULL, "PO" },
	{ __LINE__, "*mangle\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -j ACCEPT\nCOMMIT\n",
	  NULL, NULL, "PIFOQ" },
	{ __LINE__, NULL, "*filter\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -j ACCEPT\nCOMMIT\n", NULL,
	  "IFO" },
	{ __LINE__, NULL, NULL,
	  "table ip t {\n  chain c {\n    type filter hook prerouting priority 0;\n  }\n}\n", "P" },
	{ __LINE__, NULL, NULL,
	  "table inet t {\n  chain c {\n    type filter hook output priority 0;\n"
	  "    ct state new accept\n  }\n}\n", "PIFOQ" },
	{ __LINE__, NULL, NULL, "table netdev t {\n  chain c {\n    type filter hook ingress "
				"device eth0 priority 0;\n  }\n}\n", "" },
};

static void test_staged_hooks(void **state)
{
	static const char letters[RXS_NF_INET_NUMHOOKS] = {
		[RXS_NF_INET_PRE_ROUTING] = 'P', [RXS_NF_INET_LOCAL_IN] = 'I',
		[RXS_NF_INET_FORWARD] = 'F', [RXS_NF_INET_LOCAL_OUT] = 'O',
		[RXS_NF_INET_POST_ROUTING] = 'Q',
	};

	(void)state;
	for (unsigned int hook = 0; hook < RXS_NF_INET_NUMHOOKS; hook++)
		assert_false(rxs__nf_hook_staged(NULL, (enum rxs_nf_hook)hook));
	for (size_t i = 0; i < ARRAY_SIZE(staged_cases); i++) {
		const struct rxs_ruleset_opts o = {
			.text = staged_cases[i].v4, .name = "s.yaml", .first_line = 1,
			.text6 = staged_cases[i].v6, .text6_line = 1,
		};
		rxs_ruleset_t *nf = NULL;
		char err[512] = "", got[RXS_NF_INET_NUMHOOKS + 1] = "";
		unsigned int n = 0;

		if (rxs_ruleset_create_opts(&nf, &o, err, sizeof(err)) ||
		    (staged_cases[i].nft && rxs_ruleset_load_nft(nf, staged_cases[i].nft, "s.nft",
								 1, 0, err, sizeof(err))))
			fail_msg("case at line %d refused: %s", staged_cases[i].line, err);
		for (unsigned int hook = 0; hook < RXS_NF_INET_NUMHOOKS; hook++)
			if (rxs__nf_hook_staged(nf, (enum rxs_nf_hook)hook))
				got[n++] = letters[hook];
		got[n] = '\0';
		if (strcmp(got, staged_cases[i].hooks))
			fail_msg("case at line %d: staged at '%s', want '%s'", staged_cases[i].line,
				 got, staged_cases[i].hooks);
		rxs_ruleset_destroy(nf);
	}
}

/* ip6tables-save text (netfilter6:): its tables run at the IPv6 hooks, the iptables ones at
 * IPv4's; IPv6 prefixes, hl, icmp6, REJECT's ICMPv6 types; IPv4-only matches refused. */
static rxs_ruleset_t *load6(const char *text6, char *err, size_t errlen)
{
	const struct rxs_ruleset_opts o = {
		.text = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p udp --dport 9 -j DROP\nCOMMIT\n",
		.name = "s.yaml", .first_line = 1, .text6 = text6, .text6_line = 30,
	};
	rxs_ruleset_t *nf = NULL;

	if (rxs_ruleset_create_opts(&nf, &o, err, errlen))
		return NULL;
	return nf;
}

static const struct {
	int line;
	const char *rule;
	struct pkt pkt;
	enum rxs_nf_verdict verdict;
} ip6t_cases[] = {
	{ __LINE__, "-s fd00::/64 -j DROP", UDP("fd00::9", "fd77::2", 1, 2), RXS_NF_DROP },
	{ __LINE__, "-s fd00::/64 -j DROP", UDP("fd01::9", "fd77::2", 1, 2), RXS_NF_ACCEPT },
	{ __LINE__, "! -s fd00::/64 -j DROP", UDP("fd01::9", "fd77::2", 1, 2), RXS_NF_DROP },
	{ __LINE__, "-s fd00::9/128 -d fd77::2 -j DROP", UDP("fd00::9", "fd77::2", 1, 2),
	  RXS_NF_DROP },
	{ __LINE__, "-d fd77::3 -j DROP", UDP("fd00::9", "fd77::2", 1, 2), RXS_NF_ACCEPT },
	{ __LINE__, "-p udp -m udp --dport 2 -j DROP", UDP("fd00::9", "fd77::2", 1, 2),
	  RXS_NF_DROP },
	{ __LINE__, "-p tcp --syn -j DROP", TCP("fd00::9", "fd77::2", 1, 2, 0x02), RXS_NF_DROP },
	/* -p is the transport past the extension headers */
	{ __LINE__, "-p udp --dport 2 -j DROP",
	  { .proto = 17, .src = "fd00::9", .dst = "fd77::2", .sport = 1, .dport = 2,
	    .payload = 100, .hbh = true }, RXS_NF_DROP },
	{ __LINE__, "-m hl --hl-eq 64 -j DROP", UDP("fd00::9", "fd77::2", 1, 2), RXS_NF_DROP },
	{ __LINE__, "-m hl --hl-lt 64 -j DROP", UDP("fd00::9", "fd77::2", 1, 2), RXS_NF_ACCEPT },
	{ __LINE__, "-p ipv6-icmp --icmpv6-type echo-request -j DROP",
	  ICMP6("fd00::9", "fd77::2", 128), RXS_NF_DROP },
	{ __LINE__, "-p ipv6-icmp -m icmp6 --icmpv6-type 129 -j DROP",
	  ICMP6("fd00::9", "fd77::2", 128), RXS_NF_ACCEPT },
	{ __LINE__, "-m conntrack --ctstate NEW -j DROP", UDP("fd00::9", "fd77::2", 1, 2),
	  RXS_NF_DROP },
	{ __LINE__, "-p udp -j REJECT", UDP("fd00::9", "fd77::2", 1, 2), RXS_NF_DROP },
	{ __LINE__, "-p udp -j REJECT --reject-with icmp6-adm-prohibited",
	  UDP("fd00::9", "fd77::2", 1, 2), RXS_NF_DROP },
	{ __LINE__, "-p tcp -j REJECT --reject-with tcp-reset", TCP("fd00::9", "fd77::2", 1, 2, 0x02),
	  RXS_NF_DROP },
	/* the IPv6 tables do not see IPv4, nor the IPv4 ones IPv6 */
	{ __LINE__, "-j DROP", UDP("10.0.0.9", "10.77.0.2", 1, 2), RXS_NF_ACCEPT },
	{ __LINE__, "-p tcp -j ACCEPT", UDP("fd00::9", "fd77::2", 1, 9), RXS_NF_ACCEPT },
};

static void test_ip6tables(void **state)
{
	char text[512], err[512];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ip6t_cases); i++) {
		rxs_ruleset_t *nf;
		struct rxs_ruleset_rule_info r;
		enum rxs_nf_verdict v;

		snprintf(text, sizeof(text), "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT %s\nCOMMIT\n",
			 ip6t_cases[i].rule);
		nf = load6(text, err, sizeof(err));
		if (!nf)
			fail_msg("case at line %d refused: %s", ip6t_cases[i].line, err);
		v = run(nf, &ip6t_cases[i].pkt, 0);
		r = rule(nf, 1);
		if (v != ip6t_cases[i].verdict || strcmp(r.table, "filter") ||
		    r.pkts != (ip6t_cases[i].verdict == RXS_NF_DROP))
			fail_msg("case at line %d: verdict %d, %llu packets", ip6t_cases[i].line, v,
				 (unsigned long long)r.pkts);
		rxs_ruleset_destroy(nf);
	}
}

static const struct {
	int line;
	const char *text;
	const char *msg;
} ip6t_error_cases[] = {
	{ __LINE__, "*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n",
	  "s.yaml:30:1: *nat: ip6tables table 'nat' is not supported (NAT is modelled for IPv4 only)" },
	{ __LINE__, "*filter\n-A INPUT -s 10.0.0.1 -j DROP\nCOMMIT\n",
	  "s.yaml:31:13: -A INPUT -s 10.0.0.1 -j DROP: bad address '10.0.0.1'" },
	/* ip6tables commands: the same checks, at the command's line and column */
	{ __LINE__, "ip6tables -P INPUT DROP\nip6tables -A INPUT -m ttl --ttl-eq 1 -j DROP\n",
	  "s.yaml:31:23: -A INPUT -m ttl --ttl-eq 1 -j DROP: match 'ttl' is not ip6tables's "
	  "(rxsim's IPv6 rules have no address tables or ttl/icmp: use hl, icmp6)" },
	{ __LINE__, "ip6tables -t nat -A PREROUTING -j ACCEPT\n",
	  "s.yaml:30:14: ip6tables -t nat -A PREROUTING -j ACCEPT: ip6tables table 'nat' is not "
	  "supported (NAT is modelled for IPv4 only)" },
	{ __LINE__, "*filter\n-A INPUT -m ttl --ttl-eq 1 -j DROP\nCOMMIT\n",
	  "s.yaml:31:13: -A INPUT -m ttl --ttl-eq 1 -j DROP: match 'ttl' is not ip6tables's (rxsim's "
	  "IPv6 rules have no address tables or ttl/icmp: use hl, icmp6)" },
	{ __LINE__, "*filter\n-A INPUT -p udp -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n",
	  "s.yaml:31:41: -A INPUT -p udp -j REJECT --reject-with icmp-port-unreachable: "
	  "unsupported reject type 'icmp-port-unreachable'" },
	{ __LINE__, "*filter\n-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type echo-requets -j DROP\nCOMMIT\n",
	  "s.yaml:31:46: -A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type echo-requets -j DROP: invalid "
	  "ICMP type 'echo-requets' (did you mean 'echo-request'?)" },
};

static void test_ip6tables_errors(void **state)
{
	char err[512];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ip6t_error_cases); i++) {
		rxs_ruleset_t *nf = load6(ip6t_error_cases[i].text, err, sizeof(err));

		if (nf || strcmp(err, ip6t_error_cases[i].msg))
			fail_msg("case at line %d: got \"%s\"", ip6t_error_cases[i].line,
				 nf ? "(loaded)" : err);
	}
}

static void test_nft_ingress(void **state)
{
	static const char yaml[] =
		"nics:\n  - { name: eth0, addresses: [10.0.0.2/24, fd00::2/64] }\n"
		"taps:\n  - { name: tcpdump }\n"
		"nftables: |\n"
		"  table netdev ing {\n"
		"    chain in0 {\n"
		"      type filter hook ingress device \"eth0\" priority -10; policy accept;\n"
		"      udp dport 6000 counter drop\n"
		"      ip6 saddr fd00::/64 udp dport 6001 counter drop\n"
		"      counter\n"
		"    }\n"
		"    chain other {\n"
		"      type filter hook ingress device \"eth1\" priority 0; policy drop;\n"
		"    }\n"
		"  }\n";
	struct rxs_scenario *sc = NULL;
	rxs_host_t *h = NULL;
	uint8_t buf[RXS_FRAME_MAX];
	char err[512];
	struct rxs_tap_stats ts;

	(void)state;
	assert_int_equal(rxs_scenario_parse(&sc, yaml, sizeof(yaml) - 1, "s.yaml", NULL, err,
					    sizeof(err)), 0);
	if (rxs_host_create(&h, sc, err, sizeof(err)))
		fail_msg("%s", err);
	rxs_scenario_free(sc);
	for (uint16_t port = 5999; port <= 6001; port++) {
		struct rxs_frame_spec f = { .dport = port, .payload = "x", .payload_len = 1 };
		struct rxs_frame_spec f6 = { .src = "fd00::1", .dport = port, .payload = "x",
					     .payload_len = 1 };

		assert_int_equal(rxs_host_inject(h, 0, buf, (uint32_t)rxs_frame_udp(buf, sizeof(buf),
								&f), port * 1000ull), 0);
		assert_int_equal(rxs_host_inject(h, 0, buf, (uint32_t)rxs_frame_udp(buf, sizeof(buf),
								&f6), port * 1000ull + 1), 0);
	}
	rxs_host_run_until(h, 10 * MS);
	assert_int_equal(nft_rule(rxs_ruleset_get(h), 0).pkts, 2);	/* 6000, v4 and v6 */
	assert_int_equal(nft_rule(rxs_ruleset_get(h), 0).bytes, 29 + 49);	/* at L3 */
	assert_int_equal(nft_rule(rxs_ruleset_get(h), 1).pkts, 1);
	assert_int_equal(nft_rule(rxs_ruleset_get(h), 2).pkts, 3);
	rxs_tap_get_stats(rxs_tap_get(h, 0), &ts);
	/* The taps see what ingress drops: the 6 frames, and the 3 port unreachables the host
	 * sent for 5999 (v4, v6) and 6001 (v4). */
	assert_int_equal(ts.captured, 9);
	rxs_host_destroy(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle_nft_input_drop),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_iptables_scripts),
		cmocka_unit_test(test_matches_and_targets),
		cmocka_unit_test(test_dport_index_chains),
		cmocka_unit_test(test_reject_sends),
		cmocka_unit_test(test_reject_prerouting),
		cmocka_unit_test(test_reject_nested_walk),
		cmocka_unit_test(test_log_and_mark),
		cmocka_unit_test(test_goto_return),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_statistic),
		cmocka_unit_test(test_hashlimit),
		cmocka_unit_test(test_recent),
		cmocka_unit_test(test_connlimit),
		cmocka_unit_test(test_connmark),
		cmocka_unit_test(test_ipset),
		cmocka_unit_test(test_skip_mode),
		cmocka_unit_test(test_out_iface),
		cmocka_unit_test(test_real_rule_sets),
		cmocka_unit_test(test_kube_filter),
		cmocka_unit_test(test_check_cli),
		cmocka_unit_test(test_nflog_pcap),
		cmocka_unit_test(test_conntrack_states),
		cmocka_unit_test(test_conntrack_drop_before_confirm),
		cmocka_unit_test(test_conntrack_table_full),
		cmocka_unit_test(test_notrack),
		cmocka_unit_test(test_nat),
		cmocka_unit_test(test_nat_icmp_errors),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_nft_matches),
		cmocka_unit_test(test_nft_parse_errors),
		cmocka_unit_test(test_nft_fields_listed),
		cmocka_unit_test(test_nft_reply_and_output),
		cmocka_unit_test(test_nft_numgen),
		cmocka_unit_test(test_staged_hooks),
		cmocka_unit_test(test_nft_chains),
		cmocka_unit_test(test_nft_scripts),
		cmocka_unit_test(test_nft_limit),
		cmocka_unit_test(test_nft_dynamic_sets),
		cmocka_unit_test(test_nft_priorities),
		cmocka_unit_test(test_nft_ct_count),
		cmocka_unit_test(test_nft_text_and_json),
		cmocka_unit_test(test_nft_ingress),
		cmocka_unit_test(test_nft_ipv6_conntrack),
		cmocka_unit_test(test_nft_ipv6_families),
		cmocka_unit_test(test_ip6tables),
		cmocka_unit_test(test_ip6tables_errors),
	};

	return cmocka_run_group_tests(tests, setup_host, teardown_host);
}
