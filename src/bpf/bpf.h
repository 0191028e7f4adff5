/* bpf.h - what the bpf module offers the path's modules inside the library: eBPF programs
 * attached to the receive path (XDP in the driver or in netif_receive_skb, tc ingress), the
 * host's objects (struct rxs_netns_bpf, the host's h->bpf), and one run on a frame. The
 * public part is rxsim/bpf.h.
 *
 * A link is one program at one attach point, as the kernel's struct bpf_link: the object it
 * came from (objects are shared by path, so a map the scenario fills is the one every program
 * of that file sees), its counters (runs, verdicts, instructions), and a lock: in the threaded
 * engine several CPUs run the same object, whose maps are not safe for concurrent use here
 * (the kernel's are; ours serialise).
 */
#ifndef RXSIM_BPF_BPF_H
#define RXSIM_BPF_BPF_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "rxsim/bpf.h"
#include "cbpf.h"

/* What bpf_redirect / bpf_redirect_map chose. */
enum rxs__bpf_redir {
	RXS__REDIR_NONE,
	RXS__REDIR_DEV,		/* out of device @target (ifindex): ndo_xdp_xmit, dev_queue_xmit */
	RXS__REDIR_DEV_INGRESS,	/* tc's BPF_F_INGRESS: into device @target's receive path */
	RXS__REDIR_CPU,		/* cpumap: the frame continues on CPU @target's backlog */
};

struct ebpf_run;
struct rxs_netns_bpf;

struct rxs_bpf_link {
	rxs_bpf_object_t *obj;
	int prog;			/* index in obj */
	char *object;			/* the file, as the scenario names it */
	enum rxs_bpf_attach attach;
	char where[32];			/* the device or socket */
	struct rxs_lock lock;
	uint64_t runs, insns, errors;
	uint64_t verdicts[RXS_BPF_VERDICTS];	/* by return code; past the last: the last */
	uint64_t exceptions;		/* xdp:xdp_exception (XDP_ABORTED, a bad redirect) */
	uint64_t last_insns;		/* the last run's, for the cost model */
	uint8_t buf[4096];		/* the frame after the run (under the lock) */
	struct ebpf_run *run;		/* the interpreter's state, kept between runs */
	const struct rxs__bpf_fib *fib;	/* the host's routes, for bpf_fib_lookup */
};

/* One run on the path. In: the frame (MAC header first) and where it is; out: the verdict,
 * the frame as the program left it (@out, in the link's buffer, @out_len bytes) and the
 * redirect chosen. */
/* bpf_run_sk_reuseport()'s struct sk_reuseport_kern: what an SEC("sk_reuseport") program's
 * context shows, and the socket it selected. The socket layer fills it and answers
 * bpf_sk_select_reuseport() through @select: the socket of index @sock (the sockarray's value)
 * into *@selected, if it is in @group's reuseport group; 0 or the helper's error (-ENOENT,
 * -EINVAL, -EPROTOTYPE, -EAFNOSUPPORT, -EBADFD). */
struct rxs__reuseport_ctx {
	uint32_t len;			/* skb->len, from the transport header */
	uint32_t eth_protocol;		/* skb->protocol, network order */
	uint32_t ip_protocol;		/* the group's sk_protocol */
	uint32_t bind_inany;		/* the group is bound to the wildcard */
	uint32_t hash;			/* the flow hash reuseport_select_sock() was given */
	void *group;
	int (*select)(void *group, uint64_t sock, void **selected);
	void *selected;			/* out: NULL (the hash decides) or a socket */
};
#define RXS_SK_DROP 0
#define RXS_SK_PASS 1

struct rxs__bpf_pkt {
	const uint8_t *data;
	uint32_t len;
	uint32_t ifindex;		/* the device (xdp_md.ingress_ifindex, __sk_buff.ifindex) */
	uint32_t rx_queue;		/* xdp_md.rx_queue_index, __sk_buff.queue_mapping */
	uint32_t mark, priority;	/* __sk_buff: in and out */
	unsigned int cpu;
	uint64_t now;
	uint32_t verdict;		/* r0, or XDP_ABORTED/TC_ACT_SHOT when the run failed */
	bool failed;			/* the run stopped on an error (counted in errors) */
	const uint8_t *out;
	uint32_t out_len;
	enum rxs__bpf_redir redir;
	uint32_t redir_target;
	const struct rxs__bpf_fib *fib;	/* for bpf_fib_lookup, or NULL */
	struct rxs__reuseport_ctx *rp;	/* an sk_reuseport program's, or NULL */
	/* What the program printed with bpf_trace_printk in this run, for rxsim trace:
	 * "" when nothing (bytes past the buffer are cut). */
	char trace[256];
};

/* Run @l's program on @p under the link's lock; counts runs, the verdict and instructions.
 * Returns the verdict. A run that fails (an access out of bounds...) counts in errors and
 * gives XDP_ABORTED for XDP, TC_ACT_SHOT for tc, 0 (drop) for a socket filter, as the kernel
 * cannot fail a verified program and these are what its exception paths do. */
uint32_t rxs__bpf_link_run(struct rxs_bpf_link *l, struct rxs__bpf_pkt *p);

/* The "stage" tracepoint of a run, for rxsim trace: "prog: VERDICT; bpf_trace_printk: ...",
 * on @cpu at @t for frame @id. */
struct rxs_host;
void rxs__bpf_trace_verdict(struct rxs_host *h, unsigned int cpu, uint64_t t,
			    const struct rxs_bpf_link *l, const struct rxs__bpf_pkt *p, uint64_t id);

/* A socket's filter (SO_ATTACH_FILTER, SO_ATTACH_BPF): an eBPF SEC("socket") program, classic
 * BPF as tcpdump -ddd prints it (both see the datagram from its transport header, as the
 * kernel runs them on a UDP socket), or a tcpdump expression (rxsim's convenience: compiled
 * for Ethernet, run on the frame from its MAC header). */
struct rxs_sk_filter {
	struct rxs_bpf_link *link;	/* eBPF, or NULL */
	struct rxs_bpf_prog cbpf;
	struct rxs__cbpf fast;		/* cbpf decoded for the hot path */
	bool from_mac;			/* a tcpdump expression */
	uint64_t runs, passed, trimmed, dropped;
};

/* sk_filter_trim_cap(): the bytes of the datagram to keep, 0 to drop it; at least @cap when
 * the program keeps some. @mac..@maclen is the frame from its MAC header, @data..@len the
 * datagram from its transport header (inside the frame). */
uint32_t rxs__sk_filter_run(struct rxs_sk_filter *f, const uint8_t *mac, uint32_t maclen,
			    const uint8_t *data, uint32_t len, uint32_t cap, unsigned int cpu,
			    uint64_t now);
/* The filter of socket @sock from its scenario text @spec, kept in @bpf (freed with it). */
int rxs__sk_filter_create(struct rxs_netns_bpf *bpf, const char *spec, const char *sock,
			  unsigned int ncpus, struct rxs_sk_filter **fp, char *err, size_t errlen);

/* What bpf_fib_lookup() answers from: the connected routes of the host's NICs (their
 * addresses), their MACs and MTUs (IPv6 answers from these alone), net.ipv4.ip_forward, IPv4's
 * routing through route4 and the neighbour table through neigh_lookup, both of which the
 * host's builder sets (neigh_lookup NULL: no table, every next hop NO_NEIGH). */
struct rxs__bpf_route {
	uint32_t ifindex;
	int family;
	uint8_t addr[16];
	unsigned int prefix;
	uint8_t mac[6];
	uint32_t mtu;
};
struct rxs__bpf_fib {
	struct rxs__bpf_route *routes;
	unsigned int nroutes;
	bool forwarding;
	/* __ipv4_neigh_lookup_noref() + NUD_VALID for the IPv4 @ip (host order) on @ifindex:
	 * true with its address in @mac; never resolves. */
	bool (*neigh_lookup)(void *ctx, uint32_t ip, unsigned int ifindex, uint8_t mac[6]);
	void *neigh_ctx;
	/* fib_lookup() of the IPv4 @dst (host order), only out of @oif when not 0: 1
	 * (RTN_UNICAST) with the egress device in @rt (ifindex, MAC, MTU, and in addr its
	 * address fib_result_prefsrc() would pick, 0.0.0.0 when none) and the gateway in *gw
	 * (0: on the link), 2 or 3 (LOCAL, BROADCAST), or a negative errno (no route). NULL:
	 * the connected routes above answer. The context is neigh_ctx. */
	int (*route4)(void *ctx, uint32_t dst, unsigned int oif, struct rxs__bpf_route *rt,
		      uint32_t *gw);
	/* IPv6's: net.ipv6.conf.all.forwarding, fib6_lookup() of @dst as route4 (the next hop,
	 * gateway or @dst, in @nh; 2 for an address of ours), __ipv6_neigh_lookup_noref() on
	 * the scenario's IPv6 neighbours. NULL route6: the connected routes answer. */
	bool forwarding6;
	int (*route6)(void *ctx, const uint8_t dst[16], unsigned int oif,
		      struct rxs__bpf_route *rt, uint8_t nh[16]);
	bool (*neigh6_lookup)(void *ctx, const uint8_t ip[16], unsigned int ifindex,
			      uint8_t mac[6]);
};

/* SO_ATTACH_REUSEPORT_CBPF/EBPF: classic BPF or an eBPF object whose return value is the
 * index of the group's socket; run on the datagram's payload (run_bpf_filter() pulls the UDP
 * header). rxs__reuseport_prog_run returns that value. */
int rxs__reuseport_prog_create(struct rxs_netns_bpf *bpf, const char *spec, const char *sock,
			       unsigned int ncpus, struct rxs_sk_filter **fp, char *err,
			       size_t errlen);
uint32_t rxs__reuseport_prog_run(struct rxs_sk_filter *f, const uint8_t *data, uint32_t len,
				 unsigned int cpu, uint64_t now);
/* An SEC("sk_reuseport") program (RXS_BPF_ATTACH_SK_REUSEPORT) rather than an index program. */
bool rxs__reuseport_prog_is_sk_reuseport(const struct rxs_sk_filter *f);
/* bpf_run_sk_reuseport(): run it on @data..@len (the packet from its transport header) with
 * @rp; RXS_SK_PASS (rp->selected: the socket chosen, or NULL) or RXS_SK_DROP. A run that fails
 * is SK_DROP, as the kernel's verifier would not have let such a program load. */
uint32_t rxs__sk_reuseport_run(struct rxs_sk_filter *f, const uint8_t *data, uint32_t len,
			       struct rxs__reuseport_ctx *rp, unsigned int cpu, uint64_t now);

/* The host's eBPF: the objects opened (one per file) and the links made of them. */
struct rxs_netns_bpf {
	rxs_bpf_object_t **objs;
	char **obj_paths;
	unsigned int nobjs;
	struct rxs_bpf_link **links;
	unsigned int nlinks;
	struct rxs_sk_filter **filters;
	unsigned int nfilters;
	struct rxs__bpf_fib fib;
};

/* Open (or find, by @path) an object for @h's @bpf with @ncpus CPUs and attach its program
 * @prog (NULL or "": the first of the type @attach wants) as a new link at @attach on @where.
 * 0 with *@lp set, or a negative errno with the reason in @err. */
int rxs__bpf_attach(struct rxs_netns_bpf *bpf, const char *path, const char *prog,
		    enum rxs_bpf_attach attach, const char *where, unsigned int ncpus,
		    struct rxs_bpf_link **lp, char *err, size_t errlen);
/* Fill map @map of every object of @bpf that has one with @key = @value (rxs_bpf_map_update's
 * conventions). 0, -ENOENT when no object has it, or the update's error. */
int rxs__bpf_map_init(struct rxs_netns_bpf *bpf, const char *map, const void *key,
		      uint32_t klen, const void *value, uint32_t vlen, char *err, size_t errlen);


void rxs__bpf_destroy(struct rxs_netns_bpf *bpf);

#endif /* RXSIM_BPF_BPF_H */
