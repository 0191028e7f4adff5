/* nflog.c - NFLOG's packets in a pcap file, as `tcpdump -i nflog -w FILE` writes them.
 *
 * The link type is LINKTYPE_NFLOG (239): each record is the nflog header (address family,
 * version 0, the group in network order) followed by TLVs, each a 16-bit length (the TLV's
 * own 4 bytes included, padding not) and a 16-bit type in host byte order, its value padded
 * to 4 bytes. rxsim writes what nfnetlink_log sends for a packet: NFULA_PACKET_HDR (the
 * ethertype and the hook), NFULA_PREFIX (when the rule has one) and NFULA_PAYLOAD (the IP
 * packet). Each NFLOG rule a packet hits writes one record, at the virtual time of the hit.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "host.h"
#include "internal.h"
#include "netfilter/netfilter.h"
#include "netfilter/netfilter_int.h"
#include "rxsim/netfilter.h"

#define DLT_NFLOG_ 239
#define NFULA_PACKET_HDR 1
#define NFULA_PAYLOAD 9
#define NFULA_PREFIX 10
#define SNAPLEN 65535

struct nf_nflog {
	pcap_t *dead;
	pcap_dumper_t *dumper;
};

static size_t put_tlv(uint8_t *p, uint16_t type, const void *v, size_t len)
{
	uint16_t l = (uint16_t)(4 + len), t = type;
	size_t padded = (4 + len + 3) & ~(size_t)3;

	memcpy(p, &l, 2);
	memcpy(p + 2, &t, 2);
	memcpy(p + 4, v, len);
	memset(p + 4 + len, 0, padded - 4 - len);
	return padded;
}

void rxs__nf_nflog_write(struct rxs_ruleset *nf, const struct nf_rule *r,
			 const struct nf_hook_ctx *x)
{
	static uint8_t rec[SNAPLEN + 128];
	const struct nf_target *t = &r->t;
	const uint8_t *iph = x->pi.iph;
	size_t plen = x->pi.tot_len, n = 4, pfx = t->nflog_prefix ? strlen(t->nflog_prefix) + 1 : 0;
	uint8_t hdr[4] = { 0x08, 0x00, (uint8_t)x->hook, 0 };
	struct pcap_pkthdr ph;

	if (!nf->nflog || !nf->nflog->dumper)
		return;
	if (plen > SNAPLEN - 64)
		plen = SNAPLEN - 64;
	rec[0] = AF_INET;
	rec[1] = 0;
	rec[2] = (uint8_t)(t->nflog_group >> 8);
	rec[3] = (uint8_t)t->nflog_group;
	n += put_tlv(rec + n, NFULA_PACKET_HDR, hdr, sizeof(hdr));
	if (pfx)
		n += put_tlv(rec + n, NFULA_PREFIX, t->nflog_prefix, pfx);
	n += put_tlv(rec + n, NFULA_PAYLOAD, iph, plen);
	ph.ts.tv_sec = (time_t)(x->now_ns / 1000000000u);
	ph.ts.tv_usec = (suseconds_t)(x->now_ns % 1000000000u);	/* nanosecond file */
	ph.caplen = ph.len = (bpf_u_int32)n;
	pcap_dump((u_char *)nf->nflog->dumper, &ph, rec);
}

int rxs_nflog_open_pcap(struct rxs_host *h, const char *path, char *err, size_t errlen)
{
	struct rxs_ruleset *nf = h ? h->nf.rules : NULL;
	struct nf_nflog *l;

	if (!h)
		return -EINVAL;
	if (nf && nf->nflog)
		return -EBUSY;
	l = rxs__calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->dead = pcap_open_dead_with_tstamp_precision(DLT_NFLOG_, SNAPLEN,
						       PCAP_TSTAMP_PRECISION_NANO);
	if (!l->dead) {
		rxs__free(l);
		return -ENOMEM;
	}
	l->dumper = pcap_dump_open(l->dead, path);
	if (!l->dumper) {
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(l->dead));
		pcap_close(l->dead);
		rxs__free(l);
		return -EIO;
	}
	if (!nf) {
		/* No rules, no NFLOG: the file holds the header alone. */
		rxs__nf_nflog_close(l);
		return 0;
	}
	nf->nflog = l;
	return 0;
}

void rxs__nf_nflog_close(struct nf_nflog *l)
{
	if (!l)
		return;
	if (l->dumper)
		pcap_dump_close(l->dumper);
	if (l->dead)
		pcap_close(l->dead);
	rxs__free(l);
}
