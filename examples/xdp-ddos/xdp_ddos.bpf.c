/* xdp_ddos - an XDP DDoS filter of the usual shape, for rxsim's xdp-ddos example:
 *
 *  - a blocklist of IPv4 sources (a hash map the operator, or a scenario's bpf_maps, fills);
 *  - UDP amplification: datagrams from the ports reflectors answer from (chargen 19, DNS 53,
 *    NTP 123, LDAP 389, SSDP 1900, memcached 11211) longer than 512 bytes of payload, which
 *    no query of ours asked for;
 *  - a SYN flood: at most syn_limit SYNs per source in each 100 ms window (an LRU hash of
 *    sources), the rest dropped.
 *
 * Everything else passes. stats (per CPU) counts each verdict by cause.
 *
 *   clang -O2 -g -target bpf -c xdp_ddos.bpf.c -o xdp_ddos.o
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

enum { ST_PASS, ST_BLOCKED, ST_AMPLIFIED, ST_SYN_LIMITED, ST_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);		/* IPv4 source, network order */
	__type(value, __u64);		/* packets dropped from it */
} blocklist SEC(".maps");

struct syn_window {
	__u64 start;			/* ns */
	__u32 count;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct syn_window);
} syn_rate SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ST_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

const volatile __u32 syn_limit = 16;		/* SYNs per source per window */
const volatile __u64 syn_window_ns = 100000000;

static __always_inline int verdict(__u32 cause)
{
	__u64 *n = bpf_map_lookup_elem(&stats, &cause);

	if (n)
		*n += 1;
	return cause == ST_PASS ? XDP_PASS : XDP_DROP;
}

static __always_inline int amplifier(__u16 port)
{
	return port == 19 || port == 53 || port == 123 || port == 389 || port == 1900 ||
	       port == 11211;
}

static __always_inline int syn_limited(__u32 src)
{
	__u64 now = bpf_ktime_get_ns();
	struct syn_window *w = bpf_map_lookup_elem(&syn_rate, &src), fresh = { now, 1, 0 };

	if (!w || now - w->start >= syn_window_ns) {
		bpf_map_update_elem(&syn_rate, &src, &fresh, BPF_ANY);
		return 0;
	}
	w->count++;
	return w->count > syn_limit;
}

SEC("xdp")
int xdp_ddos(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	__u64 *hits;
	__u32 src;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5)
		return verdict(ST_PASS);
	src = ip->saddr;
	hits = bpf_map_lookup_elem(&blocklist, &src);
	if (hits) {
		__sync_fetch_and_add(hits, 1);
		return verdict(ST_BLOCKED);
	}
	if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *udp = (void *)(ip + 1);

		if ((void *)(udp + 1) > end)
			return verdict(ST_PASS);
		if (amplifier(bpf_ntohs(udp->source)) && bpf_ntohs(udp->len) > 8 + 512)
			return verdict(ST_AMPLIFIED);
	} else if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *tcp = (void *)(ip + 1);

		if ((void *)(tcp + 1) > end)
			return verdict(ST_PASS);
		if (tcp->syn && !tcp->ack && syn_limited(src))
			return verdict(ST_SYN_LIMITED);
	}
	return verdict(ST_PASS);
}
