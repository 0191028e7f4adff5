/* fuzz.h - what every libFuzzer target of tests/fuzz/ shares: the conservation check and the
 * host it runs packets through.
 *
 * A header, not a .c file: each fuzz_*.c is a program of its own (like tests/frames.h).
 * Everything here is static. A failed check prints what broke and calls abort(), which
 * libFuzzer reports as a crash with the input that caused it.
 */
#ifndef RXSIM_FUZZ_H
#define RXSIM_FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rxsim/rxsim.h"

#define FUZZ_MS 1000000ull
#define FUZZ_S 1000000000ull

/* Abort unless offered == consumed + dropped + queued on @h. */
static inline void fuzz_check_conservation(const rxs_host_t *h, const char *where)
{
	struct rxs_conservation c;

	if (rxs_host_conservation(h, &c) == 0)
		return;
	fprintf(stderr, "%s: conservation violated: offered %llu != consumed %llu + dropped %llu"
		" + queued %llu\n", where, (unsigned long long)c.offered,
		(unsigned long long)c.consumed, (unsigned long long)c.dropped,
		(unsigned long long)c.queued);
	abort();
}

/* A host with everything on the receive path: a tap with a filter, raw and filter rules with
 * conntrack, NOTRACK, limit and REJECT, UDP and TCP sockets (one slow reader, one that never
 * reads), IPv4 and IPv6 addresses, a generic NIC with two small rings and a veth. Small
 * limits (ring 64, rcvbuf 4096, 8 tap frames, 64 conntrack entries, 256 KiB for fragments),
 * so a few frames already reach every "full" branch. The rules are fuzz_rules, or the
 * fuzzed text of fuzz_iptables, set by fuzz_scenario(). */
static const char fuzz_host_yaml[] =
	"host: { cpus: 2, hz: 250 }\n"
	"sysctl:\n"
	"  net.ipv4.ipfrag_high_thresh: 262144\n"
	"  net.netfilter.nf_conntrack_max: 64\n"
	"  net.core.netdev_max_backlog: 16\n"
	"nics:\n"
	"  - { name: eth0, mac: '02:00:00:00:00:02', addresses: [10.0.0.2/24, fd00::2/64],\n"
	"      ring_size: 64, rx_queues: 2,\n"
	"      vlans: [{ id: 202, addresses: [10.2.0.2/24, fd02::2/64] }, { id: 0, name: prio }] }\n"
	"  - { name: veth0, driver: veth, mac: '02:00:00:00:00:03', addresses: [10.1.0.2/24],\n"
	"      vlans: [{ id: 7, mac: '02:00:00:00:07:07', addresses: [10.7.0.2/24] }] }\n"
	"sockets:\n"
	"  - { name: dns, proto: udp, bind: '[::]:53', rcvbuf: 4096, app: { read: 10kpps } }\n"
	"  - { name: discard, proto: udp, bind: '10.0.0.2:9', app: { read: never } }\n"
	"  - { name: web, proto: tcp, bind: '0.0.0.0:80', backlog: 4 }\n"
	"taps:\n"
	"  - { name: tcpdump, filter: 'udp or tcp', ring_frames: 8 }\n"
	"run: { until: end+10ms }\n";

/* The rules of fuzz_host_yaml, as iptables-save writes them. */
static const char fuzz_rules[] =
	"*raw\n"
	":PREROUTING ACCEPT [0:0]\n"
	"-A PREROUTING -p udp --dport 123 -j NOTRACK\n"
	"COMMIT\n"
	"*filter\n"
	":INPUT ACCEPT [0:0]\n"
	"-A INPUT -m conntrack --ctstate INVALID -j DROP\n"
	"-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n"
	"-A INPUT -p icmp -m limit --limit 10/s --limit-burst 5 -j ACCEPT\n"
	"-A INPUT -p icmp -j DROP\n"
	"-A INPUT -p tcp --dport 81 -j REJECT --reject-with tcp-reset\n"
	"-A INPUT -p udp --dport 7 -j REJECT\n"
	"COMMIT\n";

/* fuzz_host_yaml with @rules as its iptables-save text (NULL: fuzz_rules). The text goes in
 * as it is, not through YAML quoting, so any byte the rule parser accepts reaches the host.
 * NULL when memory runs out. */
static inline struct rxs_scenario *fuzz_scenario(const char *rules)
{
	struct rxs_scenario *sc = NULL;
	char err[512];

	if (rxs_scenario_parse(&sc, fuzz_host_yaml, sizeof(fuzz_host_yaml) - 1, "fuzz.yaml", NULL,
			       err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_host_yaml: %s\n", err);
		abort();
	}
	sc->netfilter = strdup(rules ? rules : fuzz_rules);
	sc->netfilter_line = 1;
	if (!sc->netfilter) {
		rxs_scenario_free(sc);
		return NULL;
	}
	return sc;
}

/* ---- fixed packets, with correct checksums, from 02:..:01 10.0.0.1 to the host ---- */

static inline uint32_t fuzz_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	for (; len >= 2; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static inline uint16_t fuzz_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline void fuzz_put16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An IPv4 frame of protocol @proto (6, 17 or 1) to 10.0.0.2 from 10.0.0.@src: TCP with
 * @flags, UDP, or an ICMP echo request (@dport is then the id), @plen payload bytes, IP
 * fragment field @frag. Returns the frame length; @f holds at least 14 + 20 + 20 + @plen. */
static inline uint32_t fuzz_ipv4(uint8_t *f, uint8_t proto, unsigned int src, unsigned int sport,
				 unsigned int dport, uint8_t flags, unsigned int plen,
				 unsigned int frag)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	unsigned int l4 = proto == 6 ? 20 : 8, tot = 20 + l4 + plen;
	uint8_t *ip = f + 14, *t = ip + 20;
	uint32_t sum;

	memcpy(f, macs, 12);
	fuzz_put16(f + 12, 0x0800);
	memset(ip, 0, tot);
	ip[0] = 0x45;
	fuzz_put16(ip + 2, tot);
	fuzz_put16(ip + 4, sport ^ dport);
	fuzz_put16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = proto;
	ip[12] = 10, ip[15] = (uint8_t)src;
	ip[16] = 10, ip[19] = 2;
	fuzz_put16(ip + 10, fuzz_fold(fuzz_sum(ip, 20, 0)));
	for (unsigned int i = 0; i < plen; i++)
		t[l4 + i] = (uint8_t)i;
	if (proto == 1) {
		t[0] = 8;
		fuzz_put16(t + 4, dport);
		fuzz_put16(t + 2, fuzz_fold(fuzz_sum(t, l4 + plen, 0)));
		return 14 + tot;
	}
	fuzz_put16(t, sport);
	fuzz_put16(t + 2, dport);
	if (proto == 6) {
		t[12] = 5 << 4;
		t[13] = flags;
		fuzz_put16(t + 14, 65535);
	} else {
		fuzz_put16(t + 4, l4 + plen);
	}
	sum = fuzz_sum(ip + 12, 8, proto + l4 + plen);
	fuzz_put16(t + (proto == 6 ? 16 : 6), fuzz_fold(fuzz_sum(t, l4 + plen, sum)));
	return 14 + tot;
}

/* The IPv6 twin of fuzz_ipv4(): to fd00::2 from fd00::@src, ICMPv6 echo request for @proto
 * 1, with a hop-by-hop options header before the transport when @hbh. Returns the frame
 * length; @f holds at least 14 + 40 + 8 + 20 + @plen. */
static inline uint32_t fuzz_ipv6(uint8_t *f, uint8_t proto, unsigned int src, unsigned int sport,
				 unsigned int dport, uint8_t flags, unsigned int plen, bool hbh)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	uint8_t l4p = proto == 1 ? 58 : proto;
	unsigned int l4 = proto == 6 ? 20 : 8, x = hbh ? 8 : 0, tot = 40 + x + l4 + plen;
	uint8_t *ip = f + 14, *t = ip + 40 + x;
	uint32_t sum;

	memcpy(f, macs, 12);
	fuzz_put16(f + 12, 0x86dd);
	memset(ip, 0, tot);
	ip[0] = 0x60;
	fuzz_put16(ip + 4, tot - 40);
	ip[6] = hbh ? 0 : l4p;
	ip[7] = 64;
	ip[8] = 0xfd, ip[23] = (uint8_t)src;
	ip[24] = 0xfd, ip[39] = 2;
	if (hbh) {
		ip[40] = l4p;
		ip[42] = 1;	/* PadN */
		ip[43] = 4;
	}
	for (unsigned int i = 0; i < plen; i++)
		t[l4 + i] = (uint8_t)i;
	if (proto == 1) {
		t[0] = 128;
		fuzz_put16(t + 4, dport);
	} else {
		fuzz_put16(t, sport);
		fuzz_put16(t + 2, dport);
	}
	if (proto == 6) {
		t[12] = 5 << 4;
		t[13] = flags;
		fuzz_put16(t + 14, 65535);
	} else if (proto == 17) {
		fuzz_put16(t + 4, l4 + plen);
	}
	sum = fuzz_sum(ip + 8, 32, l4p + l4 + plen);
	fuzz_put16(t + (proto == 6 ? 16 : proto == 17 ? 6 : 2), fuzz_fold(fuzz_sum(t, l4 + plen, sum)));
	return 14 + tot;
}

#endif /* RXSIM_FUZZ_H */
