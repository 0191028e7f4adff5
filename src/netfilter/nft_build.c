/* nft_build.c - what both nftables readers share: the objects, the names and values of nft's
 * datatypes, and the load-time work nf_tables_api.c does on a commit (jump targets resolved,
 * loops refused, base chains registered at their hooks in priority order).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "netfilter/nft_int.h"
#include "rxsim/error.h"

const char *const nft_family_names[NFT_FAM_N] = { "ip", "ip6", "inet", "netdev" };
const char *const nft_hook_names[NFT_NHOOKS] = { "prerouting", "input", "forward", "output",
						 "postrouting", "ingress" };
const char *const nft_chain_type_names[3] = { "filter", "nat", "route" };

/* Payload keys: header base, implied protocol, bit offset and width (nft's src/proto.c). */
#define PL(proto, field, len, dt, base, dep, boff, bits) \
	{ proto, field, len, dt, "payload", base, dep, boff, bits }
#define IP(field, len, dt, boff, bits) PL("ip", field, len, dt, NFT_BASE_NH, 2, boff, bits)
#define IP6(field, len, dt, boff, bits) PL("ip6", field, len, dt, NFT_BASE_NH, 10, boff, bits)
#define TH(proto, l4, field, len, dt, boff, bits) \
	PL(proto, field, len, dt, NFT_BASE_TH, l4, boff, bits)
/* The other keys: no header of their own. */
#define K(proto, field, len, dt, json) { proto, field, len, dt, json, NFT_BASE_NONE, 0, 0, 0 }

const struct nft_keydesc nft_keys[NFT_K_N] = {
	[NFT_K_IP_SADDR] = IP("saddr", 4, NFT_DT_IPV4, 96, 32),
	[NFT_K_IP_DADDR] = IP("daddr", 4, NFT_DT_IPV4, 128, 32),
	[NFT_K_IP_PROTOCOL] = IP("protocol", 1, NFT_DT_PROTO, 72, 8),
	[NFT_K_IP_LENGTH] = IP("length", 2, NFT_DT_INT, 16, 16),
	[NFT_K_IP_TTL] = IP("ttl", 1, NFT_DT_INT, 64, 8),
	[NFT_K_IP_VERSION] = IP("version", 1, NFT_DT_INT, 0, 4),
	[NFT_K_IP_HDRLENGTH] = IP("hdrlength", 1, NFT_DT_INT, 4, 4),
	[NFT_K_IP_DSCP] = IP("dscp", 1, NFT_DT_DSCP, 8, 6),
	[NFT_K_IP_ECN] = IP("ecn", 1, NFT_DT_ECN, 14, 2),
	[NFT_K_IP_ID] = IP("id", 2, NFT_DT_INT, 32, 16),
	[NFT_K_IP_FRAG_OFF] = IP("frag-off", 2, NFT_DT_INT, 48, 16),
	[NFT_K_IP_CHECKSUM] = IP("checksum", 2, NFT_DT_INT, 80, 16),
	[NFT_K_IP6_SADDR] = IP6("saddr", 16, NFT_DT_IPV6, 64, 128),
	[NFT_K_IP6_DADDR] = IP6("daddr", 16, NFT_DT_IPV6, 192, 128),
	[NFT_K_IP6_NEXTHDR] = IP6("nexthdr", 1, NFT_DT_PROTO, 48, 8),
	[NFT_K_IP6_HOPLIMIT] = IP6("hoplimit", 1, NFT_DT_INT, 56, 8),
	[NFT_K_IP6_VERSION] = IP6("version", 1, NFT_DT_INT, 0, 4),
	[NFT_K_IP6_DSCP] = IP6("dscp", 1, NFT_DT_DSCP, 4, 6),
	[NFT_K_IP6_ECN] = IP6("ecn", 1, NFT_DT_ECN, 10, 2),
	[NFT_K_IP6_FLOWLABEL] = IP6("flowlabel", 3, NFT_DT_INT, 12, 20),
	[NFT_K_IP6_LENGTH] = IP6("length", 2, NFT_DT_INT, 32, 16),
	[NFT_K_TCP_SPORT] = TH("tcp", 6, "sport", 2, NFT_DT_SERVICE, 0, 16),
	[NFT_K_TCP_DPORT] = TH("tcp", 6, "dport", 2, NFT_DT_SERVICE, 16, 16),
	[NFT_K_TCP_FLAGS] = TH("tcp", 6, "flags", 1, NFT_DT_TCPFLAGS, 104, 8),
	[NFT_K_TCP_SEQUENCE] = TH("tcp", 6, "sequence", 4, NFT_DT_INT, 32, 32),
	[NFT_K_TCP_ACKSEQ] = TH("tcp", 6, "ackseq", 4, NFT_DT_INT, 64, 32),
	[NFT_K_TCP_DOFF] = TH("tcp", 6, "doff", 1, NFT_DT_INT, 96, 4),
	[NFT_K_TCP_WINDOW] = TH("tcp", 6, "window", 2, NFT_DT_INT, 112, 16),
	[NFT_K_TCP_CHECKSUM] = TH("tcp", 6, "checksum", 2, NFT_DT_INT, 128, 16),
	[NFT_K_TCP_URGPTR] = TH("tcp", 6, "urgptr", 2, NFT_DT_INT, 144, 16),
	[NFT_K_UDP_SPORT] = TH("udp", 17, "sport", 2, NFT_DT_SERVICE, 0, 16),
	[NFT_K_UDP_DPORT] = TH("udp", 17, "dport", 2, NFT_DT_SERVICE, 16, 16),
	[NFT_K_UDP_LENGTH] = TH("udp", 17, "length", 2, NFT_DT_INT, 32, 16),
	[NFT_K_UDP_CHECKSUM] = TH("udp", 17, "checksum", 2, NFT_DT_INT, 48, 16),
	[NFT_K_TH_SPORT] = TH("th", 0, "sport", 2, NFT_DT_SERVICE, 0, 16),
	[NFT_K_TH_DPORT] = TH("th", 0, "dport", 2, NFT_DT_SERVICE, 16, 16),
	[NFT_K_ETHER_SADDR] = PL("ether", "saddr", 6, NFT_DT_ETHERADDR, NFT_BASE_LL, 0, 48, 48),
	[NFT_K_ETHER_DADDR] = PL("ether", "daddr", 6, NFT_DT_ETHERADDR, NFT_BASE_LL, 0, 0, 48),
	[NFT_K_ETHER_TYPE] = PL("ether", "type", 2, NFT_DT_ETHERTYPE, NFT_BASE_LL, 0, 96, 16),
	[NFT_K_META_L4PROTO] = K("meta", "l4proto", 1, NFT_DT_PROTO, "meta"),
	[NFT_K_META_IIFNAME] = K("meta", "iifname", 16, NFT_DT_IFNAME, "meta"),
	[NFT_K_META_IIF] = K("meta", "iif", 16, NFT_DT_IFNAME, "meta"),
	[NFT_K_META_OIFNAME] = K("meta", "oifname", 16, NFT_DT_IFNAME, "meta"),
	[NFT_K_META_OIF] = K("meta", "oif", 16, NFT_DT_IFNAME, "meta"),
	[NFT_K_META_MARK] = K("meta", "mark", 4, NFT_DT_MARK, "meta"),
	[NFT_K_META_PKTTYPE] = K("meta", "pkttype", 1, NFT_DT_PKTTYPE, "meta"),
	[NFT_K_META_LENGTH] = K("meta", "length", 4, NFT_DT_INT, "meta"),
	[NFT_K_META_NFPROTO] = K("meta", "nfproto", 1, NFT_DT_NFPROTO, "meta"),
	[NFT_K_META_PROTOCOL] = K("meta", "protocol", 2, NFT_DT_ETHERTYPE, "meta"),
	[NFT_K_META_PRIORITY] = K("meta", "priority", 4, NFT_DT_CLASSID, "meta"),
	[NFT_K_META_CPU] = K("meta", "cpu", 4, NFT_DT_INT, "meta"),
	[NFT_K_META_IIFTYPE] = K("meta", "iiftype", 2, NFT_DT_IFTYPE, "meta"),
	[NFT_K_META_OIFTYPE] = K("meta", "oiftype", 2, NFT_DT_IFTYPE, "meta"),
	[NFT_K_META_SKUID] = K("meta", "skuid", 4, NFT_DT_UID, "meta"),
	[NFT_K_META_SKGID] = K("meta", "skgid", 4, NFT_DT_GID, "meta"),
	[NFT_K_CT_STATE] = K("ct", "state", 4, NFT_DT_CTSTATE, "ct"),
	[NFT_K_CT_STATUS] = K("ct", "status", 4, NFT_DT_CTSTATUS, "ct"),
	[NFT_K_CT_MARK] = K("ct", "mark", 4, NFT_DT_MARK, "ct"),
	[NFT_K_CT_ZONE] = K("ct", "zone", 2, NFT_DT_INT, "ct"),
	[NFT_K_CT_DIRECTION] = K("ct", "direction", 1, NFT_DT_CTDIR, "ct"),
	[NFT_K_CT_L3PROTO] = K("ct", "l3proto", 1, NFT_DT_NFPROTO, "ct"),
	[NFT_K_CT_PROTOCOL] = K("ct", "protocol", 1, NFT_DT_PROTO, "ct"),
	[NFT_K_CT_EXPIRATION] = K("ct", "expiration", 4, NFT_DT_TIME, "ct"),
	[NFT_K_CT_ORIG_IP_SADDR] = K("ct", "original ip saddr", 4, NFT_DT_IPV4, "ct"),
	[NFT_K_CT_ORIG_IP_DADDR] = K("ct", "original ip daddr", 4, NFT_DT_IPV4, "ct"),
	[NFT_K_CT_ORIG_IP6_SADDR] = K("ct", "original ip6 saddr", 16, NFT_DT_IPV6, "ct"),
	[NFT_K_CT_ORIG_IP6_DADDR] = K("ct", "original ip6 daddr", 16, NFT_DT_IPV6, "ct"),
	[NFT_K_CT_ORIG_PROTO_SRC] = K("ct", "original proto-src", 2, NFT_DT_SERVICE, "ct"),
	[NFT_K_CT_ORIG_PROTO_DST] = K("ct", "original proto-dst", 2, NFT_DT_SERVICE, "ct"),
	[NFT_K_CT_REPLY_IP_SADDR] = K("ct", "reply ip saddr", 4, NFT_DT_IPV4, "ct"),
	[NFT_K_CT_REPLY_IP_DADDR] = K("ct", "reply ip daddr", 4, NFT_DT_IPV4, "ct"),
	[NFT_K_CT_REPLY_IP6_SADDR] = K("ct", "reply ip6 saddr", 16, NFT_DT_IPV6, "ct"),
	[NFT_K_CT_REPLY_IP6_DADDR] = K("ct", "reply ip6 daddr", 16, NFT_DT_IPV6, "ct"),
	[NFT_K_CT_REPLY_PROTO_SRC] = K("ct", "reply proto-src", 2, NFT_DT_SERVICE, "ct"),
	[NFT_K_CT_REPLY_PROTO_DST] = K("ct", "reply proto-dst", 2, NFT_DT_SERVICE, "ct"),
	[NFT_K_ICMP_TYPE] = TH("icmp", 1, "type", 1, NFT_DT_ICMP, 0, 8),
	[NFT_K_ICMP_CODE] = TH("icmp", 1, "code", 1, NFT_DT_ICMPCODE, 8, 8),
	[NFT_K_ICMP_CHECKSUM] = TH("icmp", 1, "checksum", 2, NFT_DT_INT, 16, 16),
	[NFT_K_ICMP_ID] = TH("icmp", 1, "id", 2, NFT_DT_INT, 32, 16),
	[NFT_K_ICMP_SEQUENCE] = TH("icmp", 1, "sequence", 2, NFT_DT_INT, 48, 16),
	[NFT_K_ICMP_MTU] = TH("icmp", 1, "mtu", 2, NFT_DT_INT, 48, 16),
	[NFT_K_ICMP_GATEWAY] = TH("icmp", 1, "gateway", 4, NFT_DT_INT, 32, 32),
	[NFT_K_ICMPV6_TYPE] = TH("icmpv6", 58, "type", 1, NFT_DT_ICMPV6, 0, 8),
	[NFT_K_ICMPV6_CODE] = TH("icmpv6", 58, "code", 1, NFT_DT_ICMPV6CODE, 8, 8),
	[NFT_K_ICMPV6_CHECKSUM] = TH("icmpv6", 58, "checksum", 2, NFT_DT_INT, 16, 16),
	[NFT_K_ICMPV6_ID] = TH("icmpv6", 58, "id", 2, NFT_DT_INT, 32, 16),
	[NFT_K_ICMPV6_SEQUENCE] = TH("icmpv6", 58, "sequence", 2, NFT_DT_INT, 48, 16),
	[NFT_K_ICMPV6_MTU] = TH("icmpv6", 58, "mtu", 4, NFT_DT_INT, 32, 32),
	[NFT_K_FIB_DADDR_TYPE] = K("fib", "daddr type", 4, NFT_DT_FIBTYPE, "fib"),
	[NFT_K_FIB_SADDR_TYPE] = K("fib", "saddr type", 4, NFT_DT_FIBTYPE, "fib"),
	[NFT_K_FIB_DADDR_OIF] = K("fib", "daddr oif", 16, NFT_DT_FIBOIF, "fib"),
	[NFT_K_FIB_SADDR_OIF] = K("fib", "saddr oif", 16, NFT_DT_FIBOIF, "fib"),
	[NFT_K_NUMGEN_INC] = K("numgen", "inc", 4, NFT_DT_INT, "numgen"),
	[NFT_K_NUMGEN_RANDOM] = K("numgen", "random", 4, NFT_DT_INT, "numgen"),
	[NFT_K_JHASH] = K("jhash", "", 4, NFT_DT_INT, "jhash"),
};
#undef PL
#undef IP
#undef IP6
#undef TH
#undef K

const char *const nft_dtype_names[NFT_DT_N] = {
	[NFT_DT_IPV4] = "ipv4_addr", [NFT_DT_IPV6] = "ipv6_addr",
	[NFT_DT_SERVICE] = "inet_service", [NFT_DT_PROTO] = "inet_proto",
	[NFT_DT_INT] = "integer", [NFT_DT_MARK] = "mark", [NFT_DT_IFNAME] = "ifname",
	[NFT_DT_CTSTATE] = "ct_state", [NFT_DT_CTSTATUS] = "ct_status",
	[NFT_DT_TCPFLAGS] = "tcp_flag", [NFT_DT_PKTTYPE] = "pkt_type",
	[NFT_DT_NFPROTO] = "nf_proto", [NFT_DT_ICMP] = "icmp_type",
	[NFT_DT_ICMPV6] = "icmpv6_type", [NFT_DT_FIBTYPE] = "fib_addrtype",
	[NFT_DT_FIBOIF] = "ifname", [NFT_DT_DSCP] = "dscp", [NFT_DT_ECN] = "ecn",
	[NFT_DT_ICMPCODE] = "icmp_code", [NFT_DT_ICMPV6CODE] = "icmpv6_code",
	[NFT_DT_ETHERADDR] = "ether_addr", [NFT_DT_ETHERTYPE] = "ether_type",
	[NFT_DT_CLASSID] = "classid", [NFT_DT_IFTYPE] = "iface_type", [NFT_DT_UID] = "uid",
	[NFT_DT_GID] = "gid", [NFT_DT_CTDIR] = "ct_dir", [NFT_DT_TIME] = "time",
	[NFT_DT_VERDICT] = "verdict",
};

static const struct nft_sym ctstate_syms[] = {
	{ "invalid", 1 }, { "established", 2 }, { "related", 4 }, { "new", 8 },
	{ "untracked", 64 },
};
static const struct nft_sym ctstatus_syms[] = {
	{ "expected", 1 }, { "seen-reply", 2 }, { "assured", 4 }, { "confirmed", 8 },
	{ "snat", 16 }, { "dnat", 32 }, { "dying", 512 },
};
static const struct nft_sym tcpflag_syms[] = {
	{ "fin", 1 }, { "syn", 2 }, { "rst", 4 }, { "psh", 8 }, { "ack", 16 }, { "urg", 32 },
	{ "ecn", 64 }, { "cwr", 128 },
};
static const struct nft_sym pkttype_syms[] = {
	{ "host", 0 }, { "broadcast", 1 }, { "multicast", 2 }, { "other", 3 },
};
static const struct nft_sym nfproto_syms[] = { { "ipv4", 2 }, { "ipv6", 10 } };
static const struct nft_sym proto_syms[] = {
	{ "icmp", 1 }, { "igmp", 2 }, { "tcp", 6 }, { "udp", 17 }, { "gre", 47 }, { "esp", 50 },
	{ "ah", 51 }, { "ipv6-icmp", 58 }, { "icmpv6", 58 }, { "sctp", 132 }, { "udplite", 136 },
};
static const struct nft_sym icmp_syms[] = {
	{ "echo-reply", 0 }, { "destination-unreachable", 3 }, { "source-quench", 4 },
	{ "redirect", 5 }, { "echo-request", 8 }, { "router-advertisement", 9 },
	{ "router-solicitation", 10 }, { "time-exceeded", 11 }, { "parameter-problem", 12 },
	{ "timestamp-request", 13 }, { "timestamp-reply", 14 }, { "info-request", 15 },
	{ "info-reply", 16 }, { "address-mask-request", 17 }, { "address-mask-reply", 18 },
};
static const struct nft_sym icmpv6_syms[] = {
	{ "destination-unreachable", 1 }, { "packet-too-big", 2 }, { "time-exceeded", 3 },
	{ "parameter-problem", 4 }, { "echo-request", 128 }, { "echo-reply", 129 },
	{ "mld-listener-query", 130 }, { "mld-listener-report", 131 },
	{ "mld-listener-done", 132 }, { "nd-router-solicit", 133 }, { "nd-router-advert", 134 },
	{ "nd-neighbor-solicit", 135 }, { "nd-neighbor-advert", 136 }, { "nd-redirect", 137 },
	{ "mld2-listener-report", 143 },
};
/* The names nft 1.0.6 reads for a DSCP (proto.c dscp_type_tbl); the first of a value is
 * the one it prints. */
static const struct nft_sym dscp_syms[] = {
	{ "cs0", 0x00 }, { "cs1", 0x08 }, { "cs2", 0x10 }, { "cs3", 0x18 }, { "cs4", 0x20 },
	{ "cs5", 0x28 }, { "cs6", 0x30 }, { "cs7", 0x38 }, { "df", 0x00 }, { "be", 0x00 },
	{ "lephb", 0x01 }, { "af11", 0x0a }, { "af12", 0x0c }, { "af13", 0x0e }, { "af21", 0x12 },
	{ "af22", 0x14 }, { "af23", 0x16 }, { "af31", 0x1a }, { "af32", 0x1c }, { "af33", 0x1e },
	{ "af41", 0x22 }, { "af42", 0x24 }, { "af43", 0x26 }, { "va", 0x2c }, { "ef", 0x2e },
};
static const struct nft_sym ecn_syms[] = {
	{ "not-ect", 0 }, { "ect1", 1 }, { "ect0", 2 }, { "ce", 3 },
};
/* icmp_code_type and icmpv6_code_type (datatype.c): the codes nft names. */
static const struct nft_sym icmpcode_syms[] = {
	{ "net-unreachable", 0 }, { "host-unreachable", 1 }, { "prot-unreachable", 2 },
	{ "port-unreachable", 3 }, { "frag-needed", 4 }, { "net-prohibited", 9 },
	{ "host-prohibited", 10 }, { "admin-prohibited", 13 },
};
static const struct nft_sym icmpv6code_syms[] = {
	{ "no-route", 0 }, { "admin-prohibited", 1 }, { "addr-unreachable", 3 },
	{ "port-unreachable", 4 }, { "policy-fail", 5 }, { "reject-route", 6 },
};
/* ethertype_type (proto.c): "vlan" reads as 8021q, which prints. */
static const struct nft_sym ethertype_syms[] = {
	{ "ip", 0x0800 }, { "arp", 0x0806 }, { "ip6", 0x86dd }, { "8021q", 0x8100 },
	{ "8021ad", 0x88a8 }, { "vlan", 0x8100 },
};
/* arphrd_tbl (datatype.c): the device types nft names. */
static const struct nft_sym iftype_syms[] = {
	{ "ether", 1 }, { "ppp", 512 }, { "ipip", 768 }, { "ipip6", 769 }, { "loopback", 772 },
	{ "sit", 776 }, { "ipgre", 778 },
};
static const struct nft_sym ctdir_syms[] = { { "original", 0 }, { "reply", 1 } };
static const struct nft_sym fibtype_syms[] = {
	{ "unspec", 0 }, { "unicast", 1 }, { "local", 2 }, { "broadcast", 3 }, { "anycast", 4 },
	{ "multicast", 5 }, { "blackhole", 6 }, { "unreachable", 7 }, { "prohibit", 8 },
};
static const struct nft_sym service_syms[] = {
	{ "ftp", 21 }, { "ssh", 22 }, { "telnet", 23 }, { "smtp", 25 }, { "domain", 53 },
	{ "http", 80 }, { "ntp", 123 }, { "https", 443 }, { "submission", 587 },
};

const struct nft_sym *rxs__nft_syms(uint8_t dt, size_t *n)
{
#define SYMS(a)                         \
	do {                            \
		*n = ARRAY_SIZE(a);     \
		return a;               \
	} while (0)
	switch (dt) {
	case NFT_DT_CTSTATE: SYMS(ctstate_syms);
	case NFT_DT_CTSTATUS: SYMS(ctstatus_syms);
	case NFT_DT_TCPFLAGS: SYMS(tcpflag_syms);
	case NFT_DT_PKTTYPE: SYMS(pkttype_syms);
	case NFT_DT_NFPROTO: SYMS(nfproto_syms);
	case NFT_DT_PROTO: SYMS(proto_syms);
	case NFT_DT_ICMP: SYMS(icmp_syms);
	case NFT_DT_ICMPV6: SYMS(icmpv6_syms);
	case NFT_DT_FIBTYPE: SYMS(fibtype_syms);
	case NFT_DT_SERVICE: SYMS(service_syms);
	case NFT_DT_DSCP: SYMS(dscp_syms);
	case NFT_DT_ECN: SYMS(ecn_syms);
	case NFT_DT_ICMPCODE: SYMS(icmpcode_syms);
	case NFT_DT_ICMPV6CODE: SYMS(icmpv6code_syms);
	case NFT_DT_ETHERTYPE: SYMS(ethertype_syms);
	case NFT_DT_IFTYPE: SYMS(iftype_syms);
	case NFT_DT_CTDIR: SYMS(ctdir_syms);
	default:
		*n = 0;
		return NULL;
	}
#undef SYMS
}

/* reject with icmp/icmpx/icmpv6 TYPE: nft's names and the codes they send (nft_reject.h). */
static const struct nft_sym reject_icmp[] = {
	{ "net-unreachable", 0 }, { "host-unreachable", 1 }, { "prot-unreachable", 2 },
	{ "port-unreachable", 3 }, { "net-prohibited", 9 }, { "host-prohibited", 10 },
	{ "admin-prohibited", 13 },
};
static const struct nft_sym reject_icmpx[] = {
	{ "no-route", 0 }, { "port-unreachable", 1 }, { "host-unreachable", 2 },
	{ "admin-prohibited", 3 },
};
static const struct nft_sym reject_icmpv6[] = {
	{ "no-route", 0 }, { "admin-prohibited", 1 }, { "addr-unreachable", 3 },
	{ "port-unreachable", 4 }, { "policy-fail", 5 }, { "reject-route", 6 },
};

static const struct nft_sym *reject_table(uint8_t kind, size_t *n)
{
	switch (kind) {
	case NFT_REJECT_ICMP:
		*n = ARRAY_SIZE(reject_icmp);
		return reject_icmp;
	case NFT_REJECT_ICMPX:
		*n = ARRAY_SIZE(reject_icmpx);
		return reject_icmpx;
	case NFT_REJECT_ICMPV6:
		*n = ARRAY_SIZE(reject_icmpv6);
		return reject_icmpv6;
	default:
		*n = 0;
		return NULL;
	}
}

int rxs__nft_reject_code(uint8_t kind, const char *name, uint8_t *code)
{
	size_t n;
	const struct nft_sym *t = reject_table(kind, &n);

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(t[i].name, name)) {
			*code = (uint8_t)t[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

const char *rxs__nft_reject_name(uint8_t kind, uint8_t code)
{
	size_t n;
	const struct nft_sym *t = reject_table(kind, &n);

	for (size_t i = 0; i < n; i++)
		if (t[i].value == code)
			return t[i].name;
	return "port-unreachable";
}

int rxs__nft_lookup(const char *word, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && !strcmp(word, names[i]))
			return (int)i;
	return -1;
}

int rxs__nft_fib_key(const char *const *flags, unsigned int nflags, const char *result)
{
	int addr = -1;		/* 0 saddr, 1 daddr */

	for (unsigned int i = 0; i < nflags; i++) {
		if (!strcmp(flags[i], "saddr") || !strcmp(flags[i], "daddr")) {
			if (addr >= 0)
				return -1;
			addr = flags[i][0] == 'd';
		} else if (strcmp(flags[i], "mark") && strcmp(flags[i], "iif") &&
			   strcmp(flags[i], "oif")) {
			return -1;
		}
	}
	if (addr < 0)
		return -1;
	if (!strcmp(result, "type"))
		return addr ? NFT_K_FIB_DADDR_TYPE : NFT_K_FIB_SADDR_TYPE;
	if (!strcmp(result, "oif") || !strcmp(result, "oifname"))
		return addr ? NFT_K_FIB_DADDR_OIF : NFT_K_FIB_SADDR_OIF;
	return -1;
}

const char *rxs__nft_gen_init(struct nft_gen *g, int kind)
{
	if (kind == NFT_K_JHASH && g->mod <= 1)
		return "a jhash's mod is at least 2";
	if (!g->mod)
		return "numgen's mod is not 0";
	if (g->offset + g->mod - 1 < g->offset)
		return "offset + mod overflows 32 bits";
	/* nft_ng_inc_init(): the first packet gets 0 */
	g->counter = g->mod - 1;
	return NULL;
}

bool rxs__nft_jhash_key_ok(int k)
{
	switch (nft_keys[k].dtype) {
	case NFT_DT_IPV4: case NFT_DT_IPV6: case NFT_DT_SERVICE: case NFT_DT_PROTO:
	case NFT_DT_NFPROTO: case NFT_DT_PKTTYPE: case NFT_DT_ETHERTYPE: case NFT_DT_CTDIR:
		return true;
	case NFT_DT_IFNAME:
		/* names; iif and oif are ifindexes in the kernel's registers */
		return k == NFT_K_META_IIFNAME || k == NFT_K_META_OIFNAME;
	default:
		/* integers: a header field's bytes as they are, not a host-order value */
		return nft_keys[k].base != NFT_BASE_NONE && !rxs__nft_bitfield(k);
	}
}

int rxs__nft_ct_dir_key(uint8_t family, const char *dir, const char *field)
{
	char name[48];

	if (strcmp(dir, "original") && strcmp(dir, "reply"))
		return -1;
	/* nft_ct.c reads the protocol of the original tuple, whichever direction is named */
	if (!strcmp(field, "protocol"))
		return NFT_K_CT_PROTOCOL;
	if (!strcmp(field, "saddr") || !strcmp(field, "daddr")) {
		if (family != NFT_FAM_IP && family != NFT_FAM_IP6)
			return -1;
		snprintf(name, sizeof(name), "%s %s %s", dir, family == NFT_FAM_IP ? "ip" : "ip6",
			 field);
	} else {
		snprintf(name, sizeof(name), "%s %s", dir, field);
	}
	return rxs__nft_find_key("ct", name);
}

int rxs__nft_find_key(const char *proto, const char *field)
{
	for (int k = 0; k < NFT_K_N; k++)
		if (!strcmp(nft_keys[k].proto, proto) && !strcmp(nft_keys[k].field, field))
			return k;
	return -1;
}

/* nft's standard priorities (src/rule.c std_prios) for the inet-like families. */
int rxs__nft_named_prio(const char *name, uint8_t family, int hook, int *prio)
{
	static const struct nft_sym prios[] = {
		{ "raw", (uint32_t)-300 }, { "mangle", (uint32_t)-150 },
		{ "dstnat", (uint32_t)-100 }, { "filter", 0 }, { "security", 50 },
		{ "srcnat", 100 },
	};

	(void)hook;
	for (size_t i = 0; i < ARRAY_SIZE(prios); i++) {
		if (strcmp(prios[i].name, name))
			continue;
		if (family == NFT_FAM_NETDEV && strcmp(name, "filter"))
			return -ENOENT;
		*prio = (int)(int32_t)prios[i].value;
		return 0;
	}
	return -ENOENT;
}

int rxs__nft_parse_time(const char *s, uint64_t *ns)
{
	uint64_t total = 0;

	if (!*s)
		return -EINVAL;
	while (*s) {
		char *end;
		unsigned long long v = strtoull(s, &end, 10);
		uint64_t mul;

		if (end == s)
			return -EINVAL;
		if (!strncmp(end, "ms", 2)) {
			mul = 1000000ull;
			end += 2;
		} else if (*end == 'd' || *end == 'h' || *end == 'm' || *end == 's') {
			mul = *end == 'd' ? 86400 : *end == 'h' ? 3600 : *end == 'm' ? 60 : 1;
			mul *= 1000000000ull;
			end++;
		} else {
			return -EINVAL;
		}
		total += v * mul;
		s = end;
	}
	*ns = total;
	return 0;
}

/* nft_limit_init(): the bucket holds tokens_max ns of credit; a packet costs nsecs/rate, a
 * byte-rate packet nsecs*len/rate. */
int rxs__nft_limit_init(struct nft_limit *l)
{
	uint64_t burst = l->burst;

	if (!l->rate || !l->unit_s || l->unit_s > UINT64_MAX / 1000000000ull)
		return -EINVAL;
	l->nsecs = l->unit_s * 1000000000ull;
	if (!l->bytes && burst == 0)
		burst = 5;		/* NFT_LIMIT_PKT_BURST_DEFAULT */
	if (l->rate + burst < l->rate)
		return -EINVAL;
	if (!l->bytes) {
		l->cost = l->nsecs / l->rate;
		if (burst && l->cost > UINT64_MAX / burst)
			return -EINVAL;
		l->tokens_max = l->cost * burst;
	} else {
		if (l->nsecs > UINT64_MAX / (l->rate + burst))
			return -EINVAL;
		l->tokens_max = l->nsecs * (l->rate + burst) / l->rate;
	}
	l->tokens = l->tokens_max;
	l->started = false;
	return 0;
}

/* ---- values ---- */

static int put_uint(uint64_t v, uint8_t len, struct nft_val *out)
{
	if (len < 8 && v >> (8 * len))
		return -EINVAL;
	for (int i = len - 1; i >= 0; i--, v >>= 8)
		out->b[i] = (uint8_t)v;
	return 0;
}

static int parse_uint(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

/* A time as milliseconds (nft's time_type, which ct expiration is): "30s", "1m30s", "500ms";
 * a bare number is seconds. */
static int time_value(const char *s, uint64_t *ms)
{
	uint64_t ns;

	if (!parse_uint(s, ms)) {
		if (*ms > UINT32_MAX / 1000)
			return -EINVAL;
		*ms *= 1000;
		return 0;
	}
	if (rxs__nft_parse_time(s, &ns) || ns / 1000000 > UINT32_MAX)
		return -EINVAL;
	*ms = ns / 1000000;
	return 0;
}

static int sym_value(uint8_t dt, const char *s, uint64_t *v)
{
	size_t n;
	const struct nft_sym *t = rxs__nft_syms(dt, &n);

	if (dt == NFT_DT_TIME)
		return time_value(s, v);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(t[i].name, s)) {
			*v = t[i].value;
			return 0;
		}
	}
	return parse_uint(s, v);
}

/* A bitmask value "established,related" or "syn|ack". */
static int flags_value(uint8_t dt, const char *s, uint64_t *v)
{
	char buf[128];
	uint64_t acc = 0;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	for (char *save = NULL, *w = strtok_r(buf, ",|", &save); w; w = strtok_r(NULL, ",|", &save)) {
		uint64_t one;

		if (sym_value(dt, w, &one))
			return -EINVAL;
		acc |= one;
	}
	*v = acc;
	return 0;
}

static void prefix_mask(const struct nft_val *lo, uint8_t len, unsigned int plen,
			struct nft_val *a, struct nft_val *b)
{
	for (unsigned int i = 0; i < len; i++) {
		unsigned int bits = plen > 8 * i ? plen - 8 * i : 0;
		uint8_t m = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);

		a->b[i] = lo->b[i] & m;
		b->b[i] = lo->b[i] | (uint8_t)~m;
	}
}

static int addr_value(uint8_t dt, const char *s, uint8_t len, struct nft_val *lo,
		      struct nft_val *hi)
{
	char buf[64];
	const char *slash = strchr(s, '/'), *dash = strchr(s, '-');
	size_t n = slash ? (size_t)(slash - s) : dash ? (size_t)(dash - s) : strlen(s);
	int af = dt == NFT_DT_IPV4 ? AF_INET : AF_INET6;

	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(af, buf, lo->b) != 1)
		return -EINVAL;
	*hi = *lo;
	if (slash) {
		uint64_t plen;

		if (parse_uint(slash + 1, &plen) || plen > 8u * len)
			return -EINVAL;
		prefix_mask(lo, len, (unsigned int)plen, lo, hi);
	} else if (dash) {
		if (inet_pton(af, dash + 1, hi->b) != 1 || memcmp(lo->b, hi->b, len) > 0)
			return -EINVAL;
	}
	return 0;
}

/* "02:00:00:00:00:01" (ether_addr, as nft writes it: six hex pairs). */
static int mac_value(const char *s, struct nft_val *lo, struct nft_val *hi)
{
	for (unsigned int i = 0; i < 6; i++, s += 3) {
		char pair[3] = { s[0], s[0] ? s[1] : '\0', '\0' };

		if (!isxdigit((unsigned char)pair[0]) || !isxdigit((unsigned char)pair[1]) ||
		    s[2] != (i < 5 ? ':' : '\0'))
			return -EINVAL;
		lo->b[i] = (uint8_t)strtoul(pair, NULL, 16);
	}
	*hi = *lo;
	return 0;
}

/* A class id (tchandle_type_parse()): "root", "none", "major:minor" in hex, or a number. */
static int classid_value(const char *s, uint64_t *v)
{
	const char *colon = strchr(s, ':');
	unsigned long long maj = 0, min;
	char *end;

	if (!strcmp(s, "root") || !strcmp(s, "none")) {
		*v = s[0] == 'r' ? 0xffffffffu : 0;
		return 0;
	}
	if (!colon)
		return parse_uint(s, v);
	if (colon != s) {
		maj = strtoull(s, &end, 16);
		if (end != colon || !isxdigit((unsigned char)s[0]) || maj > 0xffff)
			return -EINVAL;
	}
	if (!isxdigit((unsigned char)colon[1]))
		return -EINVAL;
	min = strtoull(colon + 1, &end, 16);
	if (*end || min > 0xffff)
		return -EINVAL;
	*v = maj << 16 | min;
	return 0;
}

int rxs__nft_parse_value(uint8_t dt, const char *s, uint8_t len, struct nft_val *lo,
			 struct nft_val *hi)
{
	uint64_t v, w;
	const char *dash;

	memset(lo, 0, sizeof(*lo));
	switch (dt) {
	case NFT_DT_IPV4:
	case NFT_DT_IPV6:
		return addr_value(dt, s, len, lo, hi);
	case NFT_DT_ETHERADDR:
		return mac_value(s, lo, hi);
	case NFT_DT_CLASSID:
		if (classid_value(s, &v) || put_uint(v, len, lo))
			return -EINVAL;
		*hi = *lo;
		return 0;
	case NFT_DT_FIBOIF:
	case NFT_DT_IFNAME:
		/* fib's oif: "missing" is no interface, an all-zero name */
		if (dt == NFT_DT_FIBOIF && !strcmp(s, "missing"))
			s = "";
		if (strlen(s) >= len)
			return -EINVAL;
		memcpy(lo->b, s, strlen(s));
		*hi = *lo;
		return 0;
	case NFT_DT_CTSTATE:
	case NFT_DT_CTSTATUS:
	case NFT_DT_TCPFLAGS:
		if (flags_value(dt, s, &v) || put_uint(v, len, lo))
			return -EINVAL;
		*hi = *lo;
		return 0;
	default:
		break;
	}
	/* A range "1000-2000" (a symbol holds no '-' at its start, and "ipv6-icmp" is a name). */
	dash = strchr(s, '-');
	if (dash && dash != s && !sym_value(dt, s, &v)) {
		dash = NULL;
	} else if (dash && dash != s) {
		char buf[64];
		size_t n = (size_t)(dash - s);

		if (n >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, s, n);
		buf[n] = '\0';
		if (sym_value(dt, buf, &v) || sym_value(dt, dash + 1, &w) || w < v)
			return -EINVAL;
		if (put_uint(v, len, lo) || put_uint(w, len, hi))
			return -EINVAL;
		return 0;
	}
	if (sym_value(dt, s, &v) || put_uint(v, len, lo))
		return -EINVAL;
	*hi = *lo;
	return 0;
}

/* ---- objects ---- */

int rxs__nft_fail(struct nft_err *e, unsigned int line, unsigned int col, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	if (e->rc)
		return e->rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e->rc = strcmp(msg, "out of memory") ? RXS_ERULE : -ENOMEM;
	if (e->len) {
		if (line && col)
			snprintf(e->buf, e->len, "%s:%u:%u: %s", e->name, line, col, msg);
		else if (line)
			snprintf(e->buf, e->len, "%s:%u: %s", e->name, line, msg);
		else
			snprintf(e->buf, e->len, "%s: %s", e->name, msg);
	}
	return e->rc;
}

#define GROW(arr, n, cap)                                                        \
	do {                                                                     \
		if ((n) == (cap)) {                                              \
			unsigned int c_ = (cap) ? 2 * (cap) : 8;                 \
			void *p_ = rxs__realloc((arr), c_ * sizeof(*(arr)));     \
			if (!p_)                                                 \
				return -ENOMEM;                                  \
			(arr) = p_;                                              \
			(cap) = c_;                                              \
		}                                                                \
	} while (0)

struct nft_ruleset *rxs__nft_new(void)
{
	return rxs__calloc(1, sizeof(struct nft_ruleset));
}

static void free_limit(struct nft_limit *l)
{
	rxs__free(l);
}

static void free_stmt(struct nft_stmt *s)
{
	switch (s->kind) {
	case NFT_S_VERDICT:
		rxs__free(s->u.verdict.name);
		break;
	case NFT_S_LOG:
		rxs__free(s->u.log.prefix);
		break;
	case NFT_S_SET_ADD:
	case NFT_S_SET_UPDATE:
		free_limit(s->u.dyn.limit);
		break;
	case NFT_S_NAT:
		rxs__free(s->u.nat.to);
		break;
	case NFT_S_CT_COUNT:
		rxs__free(s->u.ctcount.list.keys);
		break;
	case NFT_S_MATCH:
		rxs__free(s->u.m.gen);
		break;
	case NFT_S_VMAP:
		rxs__free(s->u.vmap.gen);
		break;
	default:
		break;
	}
}

static void free_set(struct nft_set *s)
{
	rxs__nft_set_flush(s);
	rxs__free(s->elems);
	rxs__free(s->name);
}

static void free_rule(struct nft_rule *r)
{
	for (unsigned int j = 0; j < r->nstmts; j++)
		free_stmt(&r->stmts[j]);
	rxs__free(r->stmts);
	rxs__free(r->text);
	rxs__free(r->comment);
}

void rxs__nft_free(struct nft_ruleset *n)
{
	if (!n)
		return;
	for (unsigned int i = 0; i < n->nrules; i++)
		free_rule(&n->rules[i]);
	for (unsigned int i = 0; i < n->nchains; i++) {
		rxs__free(n->chains[i].name);
		rxs__free(n->chains[i].prio_text);
		rxs__free(n->chains[i].dev);
		rxs__free(n->chains[i].rules);
	}
	for (unsigned int i = 0; i < n->nsets; i++)
		free_set(&n->sets[i]);
	for (unsigned int i = 0; i < n->ncounters; i++)
		rxs__free(n->counters[i].name);
	rxs__free(n->counters);
	for (unsigned int i = 0; i < n->ntables; i++)
		rxs__free(n->tables[i].name);
	for (unsigned int h = 0; h < NFT_NHOOKS; h++)
		rxs__free(n->hooks[h]);
	rxs__free(n->tables);
	rxs__free(n->chains);
	rxs__free(n->rules);
	rxs__free(n->sets);
	rxs__free(n);
}

/* What rxs__nft_drop() takes out of one array: a renumbering of its @n entries, UINT32_MAX
 * for each entry dropped; the new count. */
static unsigned int renumber(const bool *gone, unsigned int n, uint32_t *map)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++)
		map[i] = gone && gone[i] ? UINT32_MAX : k++;
	return k;
}

/* The sets statement @s of a rule names, through @set: each once, or none. */
static int *stmt_set(struct nft_stmt *s)
{
	switch (s->kind) {
	case NFT_S_MATCH:
		return s->u.m.set >= 0 ? &s->u.m.set : NULL;
	case NFT_S_VMAP:
		return &s->u.vmap.set;
	case NFT_S_SET_ADD:
	case NFT_S_SET_UPDATE:
		return &s->u.dyn.set;
	default:
		return NULL;
	}
}

/*
 * Take out of @n the tables, chains, sets, named counters and rules @g marks (each an array
 * over its objects, or NULL for none), with the anonymous sets of the rules taken out, and
 * renumber what stays: what `delete table`, `delete chain`, `flush chain` and `flush
 * ruleset` in a script do to the rule set being built (nf_tables_api.c's deletions, before
 * the commit). A chain or set kept must not be of a table dropped, a rule kept not of a
 * chain dropped; the caller sees to it. Before rxs__nft_finish(): jumps are still names.
 */
int rxs__nft_drop(struct nft_ruleset *n, const struct nft_gone *g)
{
	uint32_t *tmap = rxs__malloc((n->ntables + 1) * sizeof(uint32_t));
	uint32_t *cmap = rxs__malloc((n->nchains + 1) * sizeof(uint32_t));
	uint32_t *rmap = rxs__malloc((n->nrules + 1) * sizeof(uint32_t));
	uint32_t *smap = rxs__malloc((n->nsets + 1) * sizeof(uint32_t));
	uint32_t *omap = rxs__malloc((n->ncounters + 1) * sizeof(uint32_t));
	bool *sgone = rxs__calloc(n->nsets + 1, sizeof(bool));
	unsigned int k;
	int rc = 0;

	if (!tmap || !cmap || !rmap || !smap || !omap || !sgone) {
		rc = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < n->nsets; i++)
		sgone[i] = g->sets && g->sets[i];
	/* An anonymous set belongs to the rule that wrote it. */
	for (unsigned int i = 0; g->rules && i < n->nrules; i++)
		for (unsigned int j = 0; g->rules[i] && j < n->rules[i].nstmts; j++) {
			int *si = stmt_set(&n->rules[i].stmts[j]);

			if (si && n->sets[*si].anon)
				sgone[*si] = true;
		}
	n->ntables = renumber(g->tables, k = n->ntables, tmap);
	for (unsigned int i = 0, j = 0; i < k; i++) {
		if (tmap[i] == UINT32_MAX)
			rxs__free(n->tables[i].name);
		else
			n->tables[j++] = n->tables[i];
	}
	n->nsets = renumber(sgone, k = n->nsets, smap);
	for (unsigned int i = 0, j = 0; i < k; i++) {
		if (smap[i] == UINT32_MAX) {
			free_set(&n->sets[i]);
			continue;
		}
		n->sets[j] = n->sets[i];
		n->sets[j++].table = tmap[n->sets[i].table];
	}
	n->ncounters = renumber(g->counters, k = n->ncounters, omap);
	for (unsigned int i = 0, j = 0; i < k; i++) {
		if (omap[i] == UINT32_MAX) {
			rxs__free(n->counters[i].name);
			continue;
		}
		n->counters[j] = n->counters[i];
		n->counters[j++].table = tmap[n->counters[i].table];
	}
	n->nrules = renumber(g->rules, k = n->nrules, rmap);
	for (unsigned int i = 0, j = 0; i < k; i++) {
		struct nft_rule *r = &n->rules[i];

		if (rmap[i] == UINT32_MAX) {
			free_rule(r);
			continue;
		}
		for (unsigned int s = 0; s < r->nstmts; s++) {
			struct nft_stmt *st = &r->stmts[s];
			int *si = stmt_set(st);

			if (si)
				*si = (int)smap[*si];
			if (st->kind == NFT_S_COUNTER && st->u.counter.obj)
				st->u.counter.obj = omap[st->u.counter.obj - 1] + 1;
		}
		n->rules[j++] = *r;
	}
	n->nchains = renumber(g->chains, k = n->nchains, cmap);
	for (unsigned int i = 0, j = 0; i < k; i++) {
		struct nft_chain *c = &n->chains[i];
		unsigned int m = 0;

		if (cmap[i] == UINT32_MAX) {
			rxs__free(c->name);
			rxs__free(c->prio_text);
			rxs__free(c->dev);
			rxs__free(c->rules);
			continue;
		}
		for (unsigned int r = 0; r < c->nrules; r++)
			if (rmap[c->rules[r]] != UINT32_MAX)
				c->rules[m++] = rmap[c->rules[r]];
		c->nrules = m;
		c->table = tmap[c->table];
		n->chains[j++] = *c;
	}
	for (unsigned int i = 0; i < n->nrules; i++)
		n->rules[i].chain = cmap[n->rules[i].chain];
out:
	rxs__free(tmap);
	rxs__free(cmap);
	rxs__free(rmap);
	rxs__free(smap);
	rxs__free(omap);
	rxs__free(sgone);
	return rc;
}

/* Mark the rules of table @t (every table: -1) or of chain @c alone (-1: all of them),
 * and, with @whole, the table itself and all it holds. */
static void mark(const struct nft_ruleset *n, struct nft_gone *g, int t, int c, bool whole)
{
	for (unsigned int i = 0; i < n->nrules; i++) {
		unsigned int rc = n->rules[i].chain;

		g->rules[i] |= (t < 0 || n->chains[rc].table == (unsigned int)t) &&
			       (c < 0 || rc == (unsigned int)c);
	}
	if (!whole)
		return;
	for (unsigned int i = 0; i < n->ntables; i++)
		g->tables[i] |= t < 0 || i == (unsigned int)t;
	for (unsigned int i = 0; i < n->nchains; i++)
		g->chains[i] |= t < 0 || n->chains[i].table == (unsigned int)t;
	for (unsigned int i = 0; i < n->nsets; i++)
		g->sets[i] |= t < 0 || n->sets[i].table == (unsigned int)t;
	for (unsigned int i = 0; i < n->ncounters; i++)
		g->counters[i] |= t < 0 || n->counters[i].table == (unsigned int)t;
}

int rxs__nft_remove(struct nft_ruleset *n, int t, int c, bool whole, int chain_only)
{
	struct nft_gone g = {
		.tables = rxs__calloc(n->ntables + 1, sizeof(bool)),
		.chains = rxs__calloc(n->nchains + 1, sizeof(bool)),
		.sets = rxs__calloc(n->nsets + 1, sizeof(bool)),
		.counters = rxs__calloc(n->ncounters + 1, sizeof(bool)),
		.rules = rxs__calloc(n->nrules + 1, sizeof(bool)),
	};
	int rc = -ENOMEM;

	if (g.tables && g.chains && g.sets && g.counters && g.rules) {
		if (chain_only >= 0)
			g.chains[chain_only] = true;
		else
			mark(n, &g, t, c, whole);
		rc = rxs__nft_drop(n, &g);
	}
	rxs__free(g.tables);
	rxs__free(g.chains);
	rxs__free(g.sets);
	rxs__free(g.counters);
	rxs__free(g.rules);
	return rc;
}

/* Whether a rule of table @t jumps to or goes to chain @name: nf_tables refuses to delete a
 * chain in use (EBUSY). */
bool rxs__nft_chain_in_use(const struct nft_ruleset *n, unsigned int t, const char *name)
{
	for (unsigned int i = 0; i < n->nrules; i++) {
		const struct nft_rule *r = &n->rules[i];

		if (n->chains[r->chain].table != t)
			continue;
		for (unsigned int j = 0; j < r->nstmts; j++)
			if (r->stmts[j].kind == NFT_S_VERDICT && r->stmts[j].u.verdict.name &&
			    !strcmp(r->stmts[j].u.verdict.name, name))
				return true;
	}
	return false;
}

int rxs__nft_find_table(const struct nft_ruleset *n, uint8_t family, const char *name)
{
	for (unsigned int i = 0; i < n->ntables; i++)
		if (n->tables[i].family == family && !strcmp(n->tables[i].name, name))
			return (int)i;
	return -1;
}

int rxs__nft_add_table(struct nft_ruleset *n, uint8_t family, const char *name)
{
	struct nft_table *t;

	GROW(n->tables, n->ntables, n->tables_cap);
	t = &n->tables[n->ntables];
	memset(t, 0, sizeof(*t));
	t->family = family;
	t->name = rxs__strdup(name);
	if (!t->name)
		return -ENOMEM;
	return (int)n->ntables++;
}

int rxs__nft_find_counter(const struct nft_ruleset *n, unsigned int table, const char *name)
{
	for (unsigned int i = 0; i < n->ncounters; i++)
		if (n->counters[i].table == table && !strcmp(n->counters[i].name, name))
			return (int)i;
	return -1;
}

int rxs__nft_add_counter(struct nft_ruleset *n, unsigned int table, const char *name,
			 uint64_t pkts, uint64_t bytes)
{
	struct nft_counter_obj *o;

	GROW(n->counters, n->ncounters, n->counters_cap);
	o = &n->counters[n->ncounters];
	o->name = rxs__strdup(name);
	if (!o->name)
		return -ENOMEM;
	o->table = table;
	o->pkts = pkts;
	o->bytes = bytes;
	return (int)n->ncounters++;
}

int rxs__nft_find_chain(const struct nft_ruleset *n, unsigned int table, const char *name)
{
	for (unsigned int i = 0; i < n->nchains; i++)
		if (n->chains[i].table == table && !strcmp(n->chains[i].name, name))
			return (int)i;
	return -1;
}

int rxs__nft_add_chain(struct nft_ruleset *n, unsigned int table, const char *name)
{
	struct nft_chain *c;

	GROW(n->chains, n->nchains, n->chains_cap);
	c = &n->chains[n->nchains];
	memset(c, 0, sizeof(*c));
	c->table = table;
	c->hook = -1;
	c->policy = NFT_V_ACCEPT;
	c->name = rxs__strdup(name);
	if (!c->name)
		return -ENOMEM;
	return (int)n->nchains++;
}

int rxs__nft_find_set(const struct nft_ruleset *n, unsigned int table, const char *name)
{
	for (unsigned int i = 0; i < n->nsets; i++)
		if (!n->sets[i].anon && n->sets[i].table == table && !strcmp(n->sets[i].name, name))
			return (int)i;
	return -1;
}

int rxs__nft_add_set(struct nft_ruleset *n, unsigned int table, const char *name)
{
	struct nft_set *s;

	GROW(n->sets, n->nsets, n->sets_cap);
	s = &n->sets[n->nsets];
	memset(s, 0, sizeof(*s));
	s->table = table;
	for (unsigned int i = 0; i < NFT_CONCAT_MAX; i++)
		s->typeof_key[i] = -1;
	s->anon = name == NULL;
	s->name = rxs__strdup(name ? name : "");
	if (!s->name)
		return -ENOMEM;
	return (int)n->nsets++;
}

int rxs__nft_set_add_elem(struct nft_set *s, const struct nft_elem *el)
{
	GROW(s->elems, s->nelems, s->cap);
	s->elems[s->nelems++] = *el;
	return 0;
}

void rxs__nft_set_flush(struct nft_set *s)
{
	for (unsigned int j = 0; j < s->nelems; j++) {
		rxs__free(s->elems[j].v.name);
		free_limit(s->elems[j].limit);
	}
	s->nelems = 0;
}

int rxs__nft_add_rule(struct nft_ruleset *n, unsigned int chain)
{
	struct nft_chain *c = &n->chains[chain];
	struct nft_rule *r;

	GROW(n->rules, n->nrules, n->rules_cap);
	GROW(c->rules, c->nrules, c->cap);
	r = &n->rules[n->nrules];
	memset(r, 0, sizeof(*r));
	r->chain = chain;
	c->rules[c->nrules++] = n->nrules;
	return (int)n->nrules++;
}

struct nft_stmt *rxs__nft_rule_push(struct nft_rule *r)
{
	struct nft_stmt *s = rxs__realloc(r->stmts, (r->nstmts + 1) * sizeof(*s));

	if (!s)
		return NULL;
	r->stmts = s;
	s = &s[r->nstmts++];
	memset(s, 0, sizeof(*s));
	return s;
}

/* ---- commit ---- */

static int resolve(struct nft_ruleset *n, struct nft_verdict *v, unsigned int table,
		   const struct nft_rule *r, struct nft_err *e)
{
	int c;

	if (v->code != NFT_V_JUMP && v->code != NFT_V_GOTO)
		return 0;
	c = rxs__nft_find_chain(n, table, v->name);
	if (c < 0)
		return rxs__nft_fail(e, r ? r->line : 0, r ? r->col : 0,
				     "%s to chain '%s', which table %s does not have",
				     v->code == NFT_V_JUMP ? "jump" : "goto", v->name,
				     n->tables[table].name);
	if (n->chains[c].base)
		return rxs__nft_fail(e, r ? r->line : 0, r ? r->col : 0,
				     "cannot %s to base chain '%s'",
				     v->code == NFT_V_JUMP ? "jump" : "goto", v->name);
	v->chain = c;
	return 0;
}

/* The height of chain @c: 1 + the deepest chain its rules jump or go to, directly or through
 * a verdict map; -ELOOP for a loop (a chain on the path, state 1). Memoised in @height. */
static int chain_height(const struct nft_ruleset *n, unsigned int c, unsigned char *state,
			unsigned int *height);

static int target_height(const struct nft_ruleset *n, const struct nft_verdict *v,
			 unsigned char *state, unsigned int *height, unsigned int *best)
{
	int h;

	if (v->code != NFT_V_JUMP && v->code != NFT_V_GOTO)
		return 0;
	h = chain_height(n, (unsigned int)v->chain, state, height);
	if (h < 0)
		return h;
	if ((unsigned int)h > *best)
		*best = (unsigned int)h;
	return 0;
}

static int chain_height(const struct nft_ruleset *n, unsigned int c, unsigned char *state,
			unsigned int *height)
{
	const struct nft_chain *ch = &n->chains[c];
	unsigned int best = 0;

	if (state[c] == 1)
		return -ELOOP;
	if (state[c] == 2)
		return (int)height[c];
	state[c] = 1;
	for (unsigned int i = 0; i < ch->nrules; i++) {
		const struct nft_rule *r = &n->rules[ch->rules[i]];

		for (unsigned int j = 0; j < r->nstmts; j++) {
			const struct nft_stmt *s = &r->stmts[j];
			const struct nft_set *set;

			if (s->kind == NFT_S_VERDICT &&
			    target_height(n, &s->u.verdict, state, height, &best))
				return -ELOOP;
			if (s->kind != NFT_S_VMAP)
				continue;
			set = &n->sets[s->u.vmap.set];
			for (unsigned int k = 0; k < set->nelems; k++)
				if (target_height(n, &set->elems[k].v, state, height, &best))
					return -ELOOP;
		}
	}
	state[c] = 2;
	height[c] = best + 1;
	return (int)height[c];
}

static int register_hook(struct nft_ruleset *n, unsigned int c)
{
	const struct nft_chain *ch = &n->chains[c];
	unsigned int h = (unsigned int)ch->hook, cnt = n->nhooks[h], pos;
	struct nft_hook_entry *list = rxs__realloc(n->hooks[h], (cnt + 1) * sizeof(*list));

	if (!list)
		return -ENOMEM;
	n->hooks[h] = list;
	/* After entries of lower or equal priority, as nf_hook_entries_grow() inserts. */
	for (pos = 0; pos < cnt && list[pos].prio <= ch->prio; pos++)
		;
	memmove(&list[pos + 1], &list[pos], (cnt - pos) * sizeof(*list));
	list[pos] = (struct nft_hook_entry){ .prio = ch->prio, .chain = c };
	n->nhooks[h]++;
	return 0;
}

/* A statement's set: of the key's length, a verdict map for vmap and only for it. */
static int check_set(const struct nft_ruleset *n, const struct nft_rule *r,
		     const struct nft_stmt *s, struct nft_err *e)
{
	const struct nft_set *set;
	unsigned int klen;
	bool vmap = s->kind == NFT_S_VMAP;

	if (s->kind == NFT_S_MATCH && s->u.m.op == NFT_OP_LOOKUP) {
		set = &n->sets[s->u.m.set];
		klen = s->u.m.klen;
	} else if (vmap) {
		set = &n->sets[s->u.vmap.set];
		klen = s->u.vmap.klen;
	} else if (s->kind == NFT_S_SET_ADD || s->kind == NFT_S_SET_UPDATE) {
		set = &n->sets[s->u.dyn.set];
		klen = s->u.dyn.klen;
	} else {
		return 0;
	}
	if (set->klen != klen)
		return rxs__nft_fail(e, r->line, r->col, "set '%s' has a key of another type",
				     set->name);
	if (set->vmap != vmap)
		return rxs__nft_fail(e, r->line, r->col, vmap ? "'%s' is not a verdict map"
							   : "map '%s' needs 'vmap'", set->name);
	return 0;
}

/* A value of bit field @k ("ip version") within its width, as nft checks it ("Value 16
 * exceeds valid range 0-15"); other keys need nothing. */
static int check_width(int k, const uint8_t *lo, const uint8_t *hi, const struct nft_rule *r,
		       struct nft_err *e)
{
	const struct nft_keydesc *d = &nft_keys[k];
	uint64_t a = 0, b = 0, max;

	if (!rxs__nft_bitfield(k))
		return 0;
	max = (1ull << d->bits) - 1;	/* a bit field is 20 bits at most */
	for (unsigned int i = 0; i < d->len; i++) {
		a = a << 8 | lo[i];
		b = b << 8 | hi[i];
	}
	if (a <= max && b <= max)
		return 0;
	return rxs__nft_fail(e, r->line, r->col, "value %llu exceeds the range of '%s %s' (0-%llu)",
			     (unsigned long long)(a > max ? a : b), d->proto, d->field,
			     (unsigned long long)max);
}

/* The values a statement compares with, or its anonymous set's elements, within the widths
 * of its bit fields. */
static int check_widths(const struct nft_ruleset *n, const struct nft_rule *r,
			const struct nft_stmt *s, struct nft_err *e)
{
	const struct nft_set *set = NULL;
	unsigned int off = 0;

	if (s->kind == NFT_S_MATCH && s->u.m.op != NFT_OP_LOOKUP) {
		for (unsigned int k = 0; k < s->u.m.nkeys; k++) {
			const uint8_t *hi = s->u.m.op == NFT_OP_RANGE ? s->u.m.hi.b : s->u.m.v.b;

			if (check_width(s->u.m.keys[k], s->u.m.v.b + off, hi + off, r, e))
				return e->rc;
			off += nft_keys[s->u.m.keys[k]].len;
		}
		return 0;
	}
	if (s->kind == NFT_S_MATCH)
		set = &n->sets[s->u.m.set];
	else if (s->kind == NFT_S_VMAP)
		set = &n->sets[s->u.vmap.set];
	for (unsigned int i = 0; set && set->anon && i < set->nelems; i++) {
		off = 0;
		for (unsigned int k = 0; k < set->nkeys && set->typeof_key[k] >= 0; k++) {
			if (check_width(set->typeof_key[k], set->elems[i].lo.b + off,
					set->elems[i].hi.b + off, r, e))
				return e->rc;
			off += nft_keys[set->typeof_key[k]].len;
		}
	}
	return 0;
}

/* A NAT statement: its range parsed, in a nat chain (nft_nat_validate(): dnat and redirect
 * at prerouting and output, snat at postrouting and input, masquerade at postrouting). */
static int check_nat(struct nft_ruleset *n, const struct nft_rule *r, struct nft_stmt *s,
		     struct nft_err *e)
{
	static const char *const kinds[] = { "dnat", "snat", "masquerade", "redirect" };
	static const unsigned int hooks[] = {
		[NFT_NAT_DNAT] = 1u << RXS_NF_INET_PRE_ROUTING | 1u << RXS_NF_INET_LOCAL_OUT,
		[NFT_NAT_SNAT] = 1u << RXS_NF_INET_POST_ROUTING | 1u << RXS_NF_INET_LOCAL_IN,
		[NFT_NAT_MASQ] = 1u << RXS_NF_INET_POST_ROUTING,
		[NFT_NAT_REDIRECT] = 1u << RXS_NF_INET_PRE_ROUTING | 1u << RXS_NF_INET_LOCAL_OUT,
	};
	const struct nft_chain *c = &n->chains[r->chain];
	uint8_t k = s->u.nat.kind;
	const char *to = s->u.nat.to;
	bool ports = k == NFT_NAT_MASQ || k == NFT_NAT_REDIRECT;

	n->has_nat = true;
	memset(&s->u.nat.range, 0, sizeof(s->u.nat.range));
	if (to && !rxs__nf_nat_parse_range(ports && to[0] == ':' ? to + 1 : to, ports,
					   &s->u.nat.range))
		return rxs__nft_fail(e, s->line, s->col, "%s to '%s': not an address[:port] range",
				     kinds[k], to);
	if (c->base && (c->type != NFT_TYPE_NAT || !(hooks[k] >> c->hook & 1)))
		return rxs__nft_fail(e, s->line, s->col, "'%s' is not valid in chain '%s' (a nat "
				     "chain at %s)", kinds[k], c->name,
				     k == NFT_NAT_SNAT ? "postrouting or input"
				     : k == NFT_NAT_MASQ ? "postrouting" : "prerouting or output");
	return 0;
}

static bool keys_use_ct(const uint8_t *keys, unsigned int n, const struct nft_gen *g)
{
	for (unsigned int k = 0; k < n; k++)
		if (!strcmp(nft_keys[keys[k]].proto, "ct"))
			return true;
	return g && keys_use_ct(g->keys, g->nkeys, NULL);
}

/* Whether a rule reads or sets conntrack state: a ct key of a match, a map, a set's update
 * or jhash's input, or a statement on the connection. */
static bool rule_uses_ct(const struct nft_rule *r)
{
	for (unsigned int j = 0; j < r->nstmts; j++) {
		const struct nft_stmt *s = &r->stmts[j];

		if (s->kind == NFT_S_NOTRACK || s->kind == NFT_S_CT_MARK_SET ||
		    s->kind == NFT_S_CT_COUNT)
			return true;
		if ((s->kind == NFT_S_META_MARK_SET) && s->u.mark.key == NFT_K_CT_MARK)
			return true;
		if (s->kind == NFT_S_MATCH && keys_use_ct(s->u.m.keys, s->u.m.nkeys, s->u.m.gen))
			return true;
		if (s->kind == NFT_S_VMAP &&
		    keys_use_ct(s->u.vmap.keys, s->u.vmap.nkeys, s->u.vmap.gen))
			return true;
		if ((s->kind == NFT_S_SET_ADD || s->kind == NFT_S_SET_UPDATE) &&
		    keys_use_ct(s->u.dyn.keys, s->u.dyn.nkeys, NULL))
			return true;
	}
	return false;
}

static int finish_rules(struct nft_ruleset *n, struct nft_err *e)
{
	for (unsigned int i = 0; i < n->nrules; i++) {
		struct nft_rule *r = &n->rules[i];
		unsigned int table = n->chains[r->chain].table;

		for (unsigned int j = 0; j < r->nstmts; j++) {
			struct nft_stmt *s = &r->stmts[j];

			if (s->kind == NFT_S_VERDICT && resolve(n, &s->u.verdict, table, r, e))
				return e->rc;
			if (check_set(n, r, s, e) || check_widths(n, r, s, e))
				return e->rc;
			if (s->kind == NFT_S_NAT && check_nat(n, r, s, e))
				return e->rc;
			/* stmt_reject_gen_dependency(): an icmp or icmpv6 type only exists in
			 * its family, so nft makes an inet rule match that family alone. */
			if (s->kind == NFT_S_REJECT && n->tables[table].family == NFT_FAM_INET)
				r->nfproto = s->u.reject.kind == NFT_REJECT_ICMP     ? 2
					     : s->u.reject.kind == NFT_REJECT_ICMPV6 ? 10
										      : 0;
		}
		n->uses_ct |= rule_uses_ct(r);
		/* nf_tables refuses ct expressions in family netdev (EOPNOTSUPP): conntrack has not
		 * seen the packet at ingress. */
		if (n->tables[table].family == NFT_FAM_NETDEV && rule_uses_ct(r))
			return rxs__nft_fail(e, r->line, r->col, "%s",
					     "ct expressions and notrack are not available in "
					     "family netdev");
		r->text = rxs__nft_rule_text(n, r, false);
		if (!r->text)
			return rxs__nft_fail(e, 0, 0, "out of memory");
	}
	return 0;
}

int rxs__nft_finish(struct nft_ruleset *n, struct nft_err *e)
{
	unsigned char *state;
	unsigned int *height;
	int rc = 0;

	for (unsigned int i = 0; i < n->nsets; i++) {
		struct nft_set *s = &n->sets[i];

		for (unsigned int k = 0; k < s->nelems; k++) {
			struct nft_elem *el = &s->elems[k];

			if (resolve(n, &el->v, s->table, NULL, e))
				return e->rc;
			/* An element loaded into a set with timeouts expires its timeout (its own,
			 * or the set's) after the load, unless it says when ("expires"). */
			if (!el->expires && s->timeout_flag)
				el->expires = el->timeout ? el->timeout : s->timeout;
		}
	}
	if (finish_rules(n, e))
		return e->rc;
	state = rxs__calloc(n->nchains + 1, 1);
	height = rxs__calloc(n->nchains + 1, sizeof(*height));
	if (!state || !height)
		rc = rxs__nft_fail(e, 0, 0, "out of memory");
	for (unsigned int c = 0; !rc && c < n->nchains; c++) {
		int h;

		if (!n->chains[c].base)
			continue;
		h = chain_height(n, c, state, height);
		/* The base chain's own frame is not on the stack: NFT_JUMP_STACK_SIZE jumps. */
		if (h < 0 || h > NFT_JUMP_STACK_SIZE + 1)
			rc = rxs__nft_fail(e, n->chains[c].line, n->chains[c].col,
					   "chain '%s': %s", n->chains[c].name,
					   h < 0 ? "its jumps make a loop (ELOOP)"
						 : "jumps nest deeper than 16 chains (EMLINK)");
		else if (register_hook(n, c))
			rc = rxs__nft_fail(e, 0, 0, "out of memory");
	}
	rxs__free(state);
	rxs__free(height);
	return rc;
}
