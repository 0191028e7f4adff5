/* ebpf_helpers.c - the kernel's BPF helpers that make sense without the receive path, with the
 * kernel's argument checks and return values (net/core/filter.c, kernel/bpf/helpers.c,
 * kernel/bpf/ringbuf.c, kernel/trace/bpf_trace.c).
 *
 * A helper gets the run and r1..r5. Pointer arguments are addresses of the program's regions
 * (ebpf_run.c) and go through rxs__ebpf_mem like any load: a helper told to read past a region
 * fails the run, as the verifier would have refused the program. What depends on the path
 * (redirects, FIB lookup, socket selection) is not here yet; docs/ebpf.md lists it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bpf/bpf.h"
#include "bpf/ebpf_int.h"
#include "internal.h"

#define ARG_CTX(r, a) ((a) == EBPF_ADDR(EBPF_TAG_CTX, 0) ? true : \
		       (rxs__ebpf_fail((r), "helper argument is not the context"), false))
#define ERR(e) ((uint64_t)(int64_t)(e))
#define ETH_HLEN 14
#define XDP_FRAME_SIZE 40	/* sizeof(struct xdp_frame): the headroom adjust_head keeps */

/* The kernel's helper names, by number (enum bpf_func_id, Linux 6.1). */
static const char *const helper_names[] = {
	"unspec", "map_lookup_elem", "map_update_elem", "map_delete_elem", "probe_read",
	"ktime_get_ns", "trace_printk", "get_prandom_u32", "get_smp_processor_id",
	"skb_store_bytes", "l3_csum_replace", "l4_csum_replace", "tail_call", "clone_redirect",
	"get_current_pid_tgid", "get_current_uid_gid", "get_current_comm", "get_cgroup_classid",
	"skb_vlan_push", "skb_vlan_pop", "skb_get_tunnel_key", "skb_set_tunnel_key",
	"perf_event_read", "redirect", "get_route_realm", "perf_event_output", "skb_load_bytes",
	"get_stackid", "csum_diff", "skb_get_tunnel_opt", "skb_set_tunnel_opt",
	"skb_change_proto", "skb_change_type", "skb_under_cgroup", "get_hash_recalc",
	"get_current_task", "probe_write_user", "current_task_under_cgroup", "skb_change_tail",
	"skb_pull_data", "csum_update", "set_hash_invalid", "get_numa_node_id",
	"skb_change_head", "xdp_adjust_head", "probe_read_str", "get_socket_cookie",
	"get_socket_uid", "set_hash", "setsockopt", "skb_adjust_room", "redirect_map",
	"sk_redirect_map", "sock_map_update", "xdp_adjust_meta", "perf_event_read_value",
	"perf_prog_read_value", "getsockopt", "override_return", "sock_ops_cb_flags_set",
	"msg_redirect_map", "msg_apply_bytes", "msg_cork_bytes", "msg_pull_data", "bind",
	"xdp_adjust_tail", "skb_get_xfrm_state", "get_stack", "skb_load_bytes_relative",
	"fib_lookup", "sock_hash_update", "msg_redirect_hash", "sk_redirect_hash",
	"lwt_push_encap", "lwt_seg6_store_bytes", "lwt_seg6_adjust_srh", "lwt_seg6_action",
	"rc_repeat", "rc_keydown", "skb_cgroup_id", "get_current_cgroup_id", "get_local_storage",
	"sk_select_reuseport", "skb_ancestor_cgroup_id", "sk_lookup_tcp", "sk_lookup_udp",
	"sk_release", "map_push_elem", "map_pop_elem", "map_peek_elem", "msg_push_data",
	"msg_pop_data", "rc_pointer_rel", "spin_lock", "spin_unlock", "sk_fullsock", "tcp_sock",
	"skb_ecn_set_ce", "get_listener_sock", "skc_lookup_tcp", "tcp_check_syncookie",
	"sysctl_get_name", "sysctl_get_current_value", "sysctl_get_new_value",
	"sysctl_set_new_value", "strtol", "strtoul", "sk_storage_get", "sk_storage_delete",
	"send_signal", "tcp_gen_syncookie", "skb_output", "probe_read_user", "probe_read_kernel",
	"probe_read_user_str", "probe_read_kernel_str", "tcp_send_ack", "send_signal_thread",
	"jiffies64", "read_branch_records", "get_ns_current_pid_tgid", "xdp_output",
	"get_netns_cookie", "get_current_ancestor_cgroup_id", "sk_assign", "ktime_get_boot_ns",
	"seq_printf", "seq_write", "sk_cgroup_id", "sk_ancestor_cgroup_id", "ringbuf_output",
	"ringbuf_reserve", "ringbuf_submit", "ringbuf_discard", "ringbuf_query", "csum_level",
	"skc_to_tcp6_sock", "skc_to_tcp_sock", "skc_to_tcp_timewait_sock",
	"skc_to_tcp_request_sock", "skc_to_udp6_sock", "get_task_stack", "load_hdr_opt",
	"store_hdr_opt", "reserve_hdr_opt", "inode_storage_get", "inode_storage_delete",
	"d_path", "copy_from_user", "snprintf_btf", "seq_printf_btf", "skb_cgroup_classid",
	"redirect_neigh", "per_cpu_ptr", "this_cpu_ptr", "redirect_peer", "task_storage_get",
	"task_storage_delete", "get_current_task_btf", "bprm_opts_set", "ktime_get_coarse_ns",
	"ima_inode_hash", "sock_from_file", "check_mtu", "for_each_map_elem", "snprintf",
	"sys_bpf", "btf_find_by_name_kind", "sys_close", "timer_init", "timer_set_callback",
	"timer_start", "timer_cancel", "get_func_ip", "get_attach_cookie", "task_pt_regs",
	"get_branch_snapshot", "trace_vprintk", "skc_to_unix_sock", "kallsyms_lookup_name",
	"find_vma", "loop", "strncmp", "get_func_arg", "get_func_ret", "get_func_arg_cnt",
	"get_retval", "set_retval", "xdp_get_buff_len", "xdp_load_bytes", "xdp_store_bytes",
	"copy_from_user_task", "skb_set_tstamp", "ima_file_hash", "kptr_xchg",
	"map_lookup_percpu_elem", "skc_to_mptcp_sock", "dynptr_from_mem",
	"ringbuf_reserve_dynptr", "ringbuf_submit_dynptr", "ringbuf_discard_dynptr",
	"dynptr_read", "dynptr_write", "dynptr_data", "tcp_raw_gen_syncookie_ipv4",
	"tcp_raw_gen_syncookie_ipv6", "tcp_raw_check_syncookie_ipv4",
	"tcp_raw_check_syncookie_ipv6", "ktime_get_tai_ns", "user_ringbuf_drain",
};

const char *rxs__ebpf_helper_name(int32_t id)
{
	return id >= 0 && (size_t)id < ARRAY_SIZE(helper_names) ? helper_names[id] : NULL;
}

unsigned int rxs__ebpf_type_bit(enum rxs_bpf_prog_type type)
{
	switch (type) {
	case RXS_BPF_PROG_XDP: return EBPF_T_XDP;
	case RXS_BPF_PROG_SCHED_CLS: return EBPF_T_TC;
	case RXS_BPF_PROG_SOCKET_FILTER: return EBPF_T_SOCK;
	case RXS_BPF_PROG_SK_REUSEPORT: return EBPF_T_REUSE;
	}
	return 0;
}

/* ---- maps ------------------------------------------------------------------------------------ */

static struct ebpf_map *map_arg(struct ebpf_run *r, uint64_t a)
{
	uint32_t tag = (uint32_t)(a >> 32);

	if ((uint32_t)a || tag < EBPF_TAG_MAP || tag - EBPF_TAG_MAP >= r->obj->nmaps) {
		rxs__ebpf_fail(r, "helper argument is not a map");
		return NULL;
	}
	return &r->obj->maps[tag - EBPF_TAG_MAP];
}

static bool plain_map(struct ebpf_run *r, const struct ebpf_map *m)
{
	if (m->values && m->type != RXS_BPF_MAP_PROG_ARRAY &&
	    m->type != RXS_BPF_MAP_PERF_EVENT_ARRAY &&
	    m->type != RXS_BPF_MAP_REUSEPORT_SOCKARRAY)
		return true;
	rxs__ebpf_fail(r, "map %s: a program cannot look up, update or delete in this map type",
		       m->name);
	return false;
}

static uint64_t h_map_lookup(struct ebpf_run *r, const uint64_t *a)
{
	struct ebpf_map *m = map_arg(r, a[0]);
	const uint8_t *key;
	uint32_t off;

	if (!m || !plain_map(r, m) || !(key = rxs__ebpf_mem(r, a[1], m->key_size, false)))
		return 0;
	if (!rxs__ebpf_map_lookup(m, key, r->cpu, &off))
		return 0;
	return EBPF_ADDR(EBPF_TAG_MAPVAL + (uint32_t)(m - r->obj->maps), off);
}

static uint64_t h_map_update(struct ebpf_run *r, const uint64_t *a)
{
	struct ebpf_map *m = map_arg(r, a[0]);
	const uint8_t *key, *value;

	if (!m || !plain_map(r, m) || !(key = rxs__ebpf_mem(r, a[1], m->key_size, false)) ||
	    !(value = rxs__ebpf_mem(r, a[2], m->value_size, false)))
		return 0;
	if (m->flags & EBPF_F_RDONLY_PROG)
		return rxs__ebpf_fail(r, "update of read-only map %s", m->name);
	return ERR(rxs__ebpf_map_update(m, key, value, a[3], r->cpu, false));
}

static uint64_t h_map_delete(struct ebpf_run *r, const uint64_t *a)
{
	struct ebpf_map *m = map_arg(r, a[0]);
	const uint8_t *key;

	if (!m || !plain_map(r, m) || !(key = rxs__ebpf_mem(r, a[1], m->key_size, false)))
		return 0;
	return ERR(rxs__ebpf_map_delete(m, key));
}

/* ---- time, randomness, CPU ------------------------------------------------------------------ */

static uint64_t h_ktime(struct ebpf_run *r, const uint64_t *a)
{
	return r->now_ns;
}

/* splitmix64: a seeded, reproducible stream. */
static uint64_t h_prandom(struct ebpf_run *r, const uint64_t *a)
{
	uint64_t z = (r->obj->prng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)(z ^ (z >> 31));
}

static uint64_t h_cpu(struct ebpf_run *r, const uint64_t *a)
{
	return r->cpu;
}

static uint64_t h_tail_call(struct ebpf_run *r, const uint64_t *a)
{
	return rxs__ebpf_fail(r, "bpf_tail_call reached as a helper");	/* the loop does it */
}

/* ---- bpf_trace_printk ------------------------------------------------------------------------- */

/* A %s argument: the NUL-terminated string at @addr, at most @max bytes, inside its region. */
static void copy_str(struct ebpf_run *r, uint64_t addr, char *dst, size_t max)
{
	size_t n = 0;

	for (; n + 1 < max; n++) {
		const uint8_t *p = rxs__ebpf_mem(r, addr + n, 1, false);

		if (!p || !*p)
			break;
		dst[n] = (char)*p;
	}
	dst[n] = 0;
}

/* The kernel's bpf_trace_printk: up to three arguments, the conversions d i u x X c s p with
 * l, ll, h, hh, flags, width and precision. -EINVAL for anything else, like the kernel. */
static int format(struct ebpf_run *r, const char *fmt, const uint64_t *args, char *out,
		  size_t outlen)
{
	size_t o = 0;
	int used = 0;

	for (const char *p = fmt; *p && o + 1 < outlen; p++) {
		char spec[32], tmp[128];
		size_t sl = 0;
		int longs = 0;

		if (*p != '%') {
			out[o++] = *p;
			continue;
		}
		if (p[1] == '%') {
			out[o++] = '%';
			p++;
			continue;
		}
		spec[sl++] = *p++;
		while (*p && strchr("-+ 0#.123456789", *p) && sl < 16)
			spec[sl++] = *p++;
		while (*p == 'l' || *p == 'h') {
			longs += *p == 'l';
			p++;
		}
		if (!*p || !strchr("diuxXcsp", *p) || used == 3 || longs > 2)
			return -EINVAL;
		if (*p == 's') {
			char str[64];

			copy_str(r, args[used++], str, sizeof(str));
			spec[sl++] = 's';
			spec[sl] = 0;
			snprintf(tmp, sizeof(tmp), spec, str);
		} else if (*p == 'p') {
			snprintf(tmp, sizeof(tmp), "0x%" PRIx64, args[used++]);
		} else {
			uint64_t v = args[used++];
			bool sgn = *p == 'd' || *p == 'i';

			if (!longs)
				v = sgn ? (uint64_t)(int64_t)(int32_t)v : (uint32_t)v;
			memcpy(spec + sl, "ll", 2);
			sl += 2;
			spec[sl++] = *p == 'c' ? 'c' : *p;
			spec[sl] = 0;
			if (*p == 'c')
				snprintf(tmp, sizeof(tmp), "%c", (char)v);
			else if (sgn)
				snprintf(tmp, sizeof(tmp), spec, (long long)v);
			else
				snprintf(tmp, sizeof(tmp), spec, (unsigned long long)v);
		}
		for (const char *t = tmp; *t && o + 1 < outlen; t++)
			out[o++] = *t;
	}
	out[o] = 0;
	return (int)o;
}

static uint64_t h_trace_printk(struct ebpf_run *r, const uint64_t *a)
{
	uint32_t size = (uint32_t)a[1];
	const uint8_t *fmt;
	char fbuf[256], out[512];
	int n;

	if (!size || size > sizeof(fbuf))
		return ERR(-EINVAL);
	fmt = rxs__ebpf_mem(r, a[0], size, false);
	if (!fmt)
		return 0;
	if (fmt[size - 1])
		return ERR(-EINVAL);
	memcpy(fbuf, fmt, size);
	n = format(r, fbuf, a + 2, out, sizeof(out));
	if (n < 0 || r->failed)
		return ERR(n < 0 ? n : 0);
	if (rxs__ebpf_output_add(r->obj, RXS_BPF_OUT_TRACE, NULL, r->prog->name, r->cpu, out,
				 (uint32_t)n, NULL, 0))
		return ERR(-ENOMEM);
	return (uint64_t)n;
}

/* ---- packets ------------------------------------------------------------------------------- */

static uint32_t pkt_len(const struct ebpf_run *r)
{
	return r->data_end - r->data;
}

bool rxs__ebpf_ld_abs(struct ebpf_run *r, uint64_t off, uint32_t size, uint64_t *val)
{
	const uint8_t *p;

	if (r->prog->type != RXS_BPF_PROG_SOCKET_FILTER && r->prog->type != RXS_BPF_PROG_SCHED_CLS) {
		rxs__ebpf_fail(r, "LD_ABS/LD_IND in a program without skb");
		return false;
	}
	if (off > INT32_MAX || off + size > pkt_len(r))
		return false;
	p = r->pkt + r->data + off;
	*val = size == 1 ? p[0] : size == 2 ? rxs__get_be16(p) : rxs__get_be32(p);
	return true;
}

static uint64_t h_skb_load_bytes(struct ebpf_run *r, const uint64_t *a)
{
	uint32_t len = (uint32_t)a[3];
	uint8_t *to;

	if (!ARG_CTX(r, a[0]) || !len || !(to = rxs__ebpf_mem(r, a[2], len, true)))
		return 0;
	if (a[1] > INT32_MAX || a[1] + len > pkt_len(r)) {
		memset(to, 0, len);
		return ERR(-EFAULT);
	}
	memcpy(to, r->pkt + r->data + a[1], len);
	return 0;
}

static uint64_t h_skb_store_bytes(struct ebpf_run *r, const uint64_t *a)
{
	uint32_t len = (uint32_t)a[3];
	const uint8_t *from;

	if (!ARG_CTX(r, a[0]) || !len || !(from = rxs__ebpf_mem(r, a[2], len, false)))
		return 0;
	if (a[4] & ~3ull)	/* BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH */
		return ERR(-EINVAL);
	if (a[1] > INT32_MAX || a[1] + len > pkt_len(r))
		return ERR(-EFAULT);
	memmove(r->pkt + r->data + a[1], from, len);
	return 0;
}

static uint64_t h_xdp_adjust_head(struct ebpf_run *r, const uint64_t *a)
{
	int64_t data = (int64_t)r->data + (int32_t)a[1];
	uint32_t metalen = r->data - r->data_meta;

	if (!ARG_CTX(r, a[0]))
		return 0;
	if (data < (int64_t)r->pkt_min + metalen || data > (int64_t)r->data_end - ETH_HLEN)
		return ERR(-EINVAL);
	if (metalen)
		memmove(r->pkt + data - metalen, r->pkt + r->data_meta, metalen);
	r->data_meta = (uint32_t)(data - metalen);
	r->data = (uint32_t)data;
	return 0;
}

static uint64_t h_xdp_adjust_meta(struct ebpf_run *r, const uint64_t *a)
{
	int64_t meta = (int64_t)r->data_meta + (int32_t)a[1];
	int64_t metalen = (int64_t)r->data - meta;

	if (!ARG_CTX(r, a[0]))
		return 0;
	if (meta < (int64_t)r->pkt_min || meta > (int64_t)r->data)
		return ERR(-EINVAL);
	if ((metalen & 3) || metalen > 32)
		return ERR(-EACCES);
	r->data_meta = (uint32_t)meta;
	return 0;
}

static uint64_t h_xdp_adjust_tail(struct ebpf_run *r, const uint64_t *a)
{
	int32_t delta = (int32_t)a[1];
	int64_t end = (int64_t)r->data_end + delta;

	if (!ARG_CTX(r, a[0]))
		return 0;
	if (end > (int64_t)r->pkt_max || end < (int64_t)r->data + ETH_HLEN)
		return ERR(-EINVAL);
	if (delta > 0)
		memset(r->pkt + r->data_end, 0, (size_t)delta);
	r->data_end = (uint32_t)end;
	return 0;
}

/* bpf_xdp_load_bytes / bpf_xdp_store_bytes, on the linear buffer. */
static uint64_t xdp_bytes(struct ebpf_run *r, const uint64_t *a, bool store)
{
	uint32_t off = (uint32_t)a[1];	/* the helper's offset is a u32 */
	uint32_t len = (uint32_t)a[3];
	uint8_t *buf;

	if (!ARG_CTX(r, a[0]) || !len || !(buf = rxs__ebpf_mem(r, a[2], len, !store)))
		return 0;
	if (off > pkt_len(r) || len > pkt_len(r) - off)
		return ERR(-EINVAL);
	if (store)
		memcpy(r->pkt + r->data + off, buf, len);
	else
		memcpy(buf, r->pkt + r->data + off, len);
	return 0;
}

static uint64_t h_xdp_load_bytes(struct ebpf_run *r, const uint64_t *a)
{
	return xdp_bytes(r, a, false);
}

static uint64_t h_xdp_store_bytes(struct ebpf_run *r, const uint64_t *a)
{
	return xdp_bytes(r, a, true);
}

/* ---- checksums: the kernel's arithmetic on raw 16- and 32-bit words in memory order -------- */

/* x86-64's csum_partial on 4-byte words: a 64-bit sum folded to 32 bits with end carry. */
static uint32_t csum_words(const uint8_t *p, uint32_t len, uint32_t seed)
{
	uint64_t acc = seed;

	for (uint32_t i = 0; i + 4 <= len; i += 4) {
		uint32_t w;

		memcpy(&w, p + i, 4);
		acc += w;
	}
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

static uint32_t csum_add(uint32_t a, uint32_t b)
{
	uint32_t res = a + b;

	return res + (res < b);
}

static uint16_t csum_fold(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint16_t csum16_add(uint16_t csum, uint16_t addend)
{
	uint16_t res = (uint16_t)(csum + addend);

	return (uint16_t)(res + (res < addend));
}

/* As Linux 6.12 and later compute it, the same on every architecture: the sum folded to 16
 * bits, not complemented (before, x86 returned the 32-bit sum). */
static uint64_t h_csum_diff(struct ebpf_run *r, const uint64_t *a)
{
	uint32_t from_size = (uint32_t)a[1], to_size = (uint32_t)a[3], ret = (uint32_t)a[4];
	const uint8_t *from = NULL, *to = NULL;

	if (((from_size | to_size) & 3) || (uint64_t)from_size + to_size > 512)
		return ERR(-EINVAL);
	if ((from_size && !(from = rxs__ebpf_mem(r, a[0], from_size, false))) ||
	    (to_size && !(to = rxs__ebpf_mem(r, a[2], to_size, false))))
		return 0;
	if (from_size && to_size)
		ret = csum_add(csum_words(to, to_size, ret), ~csum_words(from, from_size, 0));
	else if (to_size)
		ret = csum_words(to, to_size, ret);
	else if (from_size)
		ret = ~csum_words(from, from_size, ~ret);
	ret += (ret >> 16) | (ret << 16);	/* csum_from32to16 */
	return ret >> 16;
}

/* The 16-bit checksum field at skb offset @off, or NULL: -EFAULT. */
static uint8_t *csum_field(struct ebpf_run *r, uint64_t off)
{
	if (off > 0xffff || off + 2 > pkt_len(r))
		return NULL;
	return r->pkt + r->data + off;
}

static uint64_t h_l3_csum_replace(struct ebpf_run *r, const uint64_t *a)
{
	uint64_t flags = a[4];
	uint32_t from = (uint32_t)a[2], to = (uint32_t)a[3];
	uint8_t *ptr;
	uint16_t sum;

	if (!ARG_CTX(r, a[0]))
		return 0;
	if (flags & ~0xfull)
		return ERR(-EINVAL);
	if (!(ptr = csum_field(r, a[1])))
		return ERR(-EFAULT);
	memcpy(&sum, ptr, 2);
	switch (flags & 0xf) {
	case 0:
		if (from)
			return ERR(-EINVAL);
		sum = csum_fold(csum_add(to, ~(uint32_t)sum));
		break;
	case 2:
		sum = (uint16_t)~csum16_add(csum16_add((uint16_t)~sum, (uint16_t)~from),
					    (uint16_t)to);
		break;
	case 4:
		sum = csum_fold(csum_add(csum_add(~(uint32_t)sum, ~from), to));
		break;
	default:
		return ERR(-EINVAL);
	}
	memcpy(ptr, &sum, 2);
	return 0;
}

#define F_PSEUDO_HDR	0x10
#define F_MARK_MANGLED_0 0x20
#define F_MARK_ENFORCE	0x40
#define F_IPV6		0x80

static uint64_t h_l4_csum_replace(struct ebpf_run *r, const uint64_t *a)
{
	uint64_t flags = a[4];
	uint32_t from = (uint32_t)a[2], to = (uint32_t)a[3], diff[2];
	bool mmzero = flags & F_MARK_MANGLED_0;
	uint8_t *ptr;
	uint16_t sum;

	if (!ARG_CTX(r, a[0]))
		return 0;
	if (flags & ~(uint64_t)(F_PSEUDO_HDR | F_MARK_MANGLED_0 | F_MARK_ENFORCE | F_IPV6 | 0xf))
		return ERR(-EINVAL);
	if (!(ptr = csum_field(r, a[1])))
		return ERR(-EFAULT);
	memcpy(&sum, ptr, 2);
	if (mmzero && !(flags & F_MARK_ENFORCE) && !sum)
		return 0;
	/* The skb is CHECKSUM_NONE, as in BPF_PROG_TEST_RUN: the pseudo-header flag changes
	 * nothing then (inet_proto_csum_replace4). */
	switch (flags & 0xf) {
	case 0:
		if (from)
			return ERR(-EINVAL);
		sum = csum_fold(csum_add(to, ~(uint32_t)sum));
		break;
	case 2:
		from &= 0xffff;
		to &= 0xffff;
		/* fallthrough */
	case 4:
		diff[0] = ~from;
		diff[1] = to;
		sum = csum_fold(csum_words((const uint8_t *)diff, 8, ~(uint32_t)sum));
		break;
	default:
		return ERR(-EINVAL);
	}
	if (mmzero && !sum)
		sum = 0xffff;	/* CSUM_MANGLED_0 */
	memcpy(ptr, &sum, 2);
	return 0;
}

/* ---- output: perf events and ring buffers ------------------------------------------------------- */

int rxs__ebpf_output_add(struct rxs_bpf_object *obj, enum rxs_bpf_output_kind kind,
			 const char *map, const char *prog, uint32_t cpu, const void *a,
			 uint32_t alen, const void *b, uint32_t blen)
{
	struct rxs_bpf_output *o;
	uint8_t *data;

	if (obj->nout == obj->capout) {
		unsigned int cap = obj->capout ? obj->capout * 2 : 16;
		void *n = rxs__realloc(obj->out, cap * sizeof(*obj->out));

		if (!n)
			return -ENOMEM;
		obj->out = n;
		obj->capout = cap;
	}
	data = rxs__malloc((size_t)alen + blen + 1);
	if (!data)
		return -ENOMEM;
	if (alen)
		memcpy(data, a, alen);
	if (blen)
		memcpy(data + alen, b, blen);
	data[alen + blen] = 0;
	o = &obj->out[obj->nout++];
	*o = (struct rxs_bpf_output){ kind, map, prog, cpu, alen + blen, data };
	return 0;
}

#define F_INDEX_MASK	0xffffffffull
#define F_CURRENT_CPU	0xffffffffull
#define F_CTXLEN_MASK	(0xfffffull << 32)

static uint64_t h_perf_event_output(struct ebpf_run *r, const uint64_t *a)
{
	struct ebpf_map *m = map_arg(r, a[1]);
	uint64_t flags = a[2], idx = flags & F_INDEX_MASK, cap = (flags & F_CTXLEN_MASK) >> 32;
	uint32_t size = (uint32_t)a[4];
	const uint8_t *data = NULL;

	if (!ARG_CTX(r, a[0]) || !m)
		return 0;
	if (m->type != RXS_BPF_MAP_PERF_EVENT_ARRAY)
		return rxs__ebpf_fail(r, "bpf_perf_event_output on %s, not a perf event array",
				      m->name);
	if (size && !(data = rxs__ebpf_mem(r, a[3], size, false)))
		return 0;
	if (flags & ~(F_INDEX_MASK | F_CTXLEN_MASK))
		return ERR(-EINVAL);
	if (cap > pkt_len(r))
		return ERR(-EFAULT);
	if (idx == F_CURRENT_CPU)
		idx = r->cpu;
	if (idx >= m->max_entries)
		return ERR(-E2BIG);
	if (rxs__ebpf_output_add(r->obj, RXS_BPF_OUT_PERF, m->name, r->prog->name,
				 (uint32_t)idx, data, size, r->pkt + r->data, (uint32_t)cap))
		return ERR(-ENOMEM);
	return 0;
}

#define RB_HDR 8u	/* BPF_RINGBUF_HDR_SZ */

static struct ebpf_map *ringbuf_arg(struct ebpf_run *r, uint64_t a)
{
	struct ebpf_map *m = map_arg(r, a);

	if (m && m->type != RXS_BPF_MAP_RINGBUF) {
		rxs__ebpf_fail(r, "ringbuf helper on %s, not a ringbuf", m->name);
		return NULL;
	}
	return m;
}

/* Room for a record of @size: what the collected, not yet cleared records leave. The kernel
 * never fills the ring to the last byte (__bpf_ringbuf_reserve: new_prod_pos - cons_pos >
 * rb->mask fails), so a 4096-byte ring holds 63 records of 64 bytes, not 64. */
static bool rb_take(struct ebpf_map *m, uint32_t size)
{
	uint64_t need = ((uint64_t)size + RB_HDR + 7) & ~7ull;

	if (m->rb_used + need >= m->max_entries)
		return false;
	m->rb_used += need;
	return true;
}

static void rb_give(struct ebpf_map *m, uint32_t size)
{
	m->rb_used -= ((uint64_t)size + RB_HDR + 7) & ~7ull;
}

static uint64_t h_ringbuf_output(struct ebpf_run *r, const uint64_t *a)
{
	struct ebpf_map *m = ringbuf_arg(r, a[0]);
	uint32_t size = (uint32_t)a[2];
	const uint8_t *data = NULL;

	if (!m || (size && !(data = rxs__ebpf_mem(r, a[1], size, false))))
		return 0;
	if (a[3] & ~3ull)	/* BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP */
		return ERR(-EINVAL);
	if (!rb_take(m, size))
		return ERR(-EAGAIN);
	if (rxs__ebpf_output_add(r->obj, RXS_BPF_OUT_RINGBUF, m->name, r->prog->name, r->cpu,
				 data, size, NULL, 0))
		return ERR(-ENOMEM);
	return 0;
}

static uint64_t h_ringbuf_reserve(struct ebpf_run *r, const uint64_t *a)
{
	struct ebpf_map *m = ringbuf_arg(r, a[0]);
	uint32_t size = (uint32_t)a[1];

	if (!m || a[2] || a[1] > m->max_entries)
		return 0;
	for (uint32_t i = 0; i < EBPF_RB_SLOTS; i++) {
		if (r->rb[i].rec)
			continue;
		if (!rb_take(m, size))
			return 0;
		r->rb_any = true;
		r->rb[i].rec = rxs__calloc(1, size ? size : 1);
		if (!r->rb[i].rec) {
			rb_give(m, size);
			return 0;
		}
		r->rb[i].map = (uint32_t)(m - r->obj->maps);
		r->rb[i].size = size;
		return EBPF_ADDR(EBPF_TAG_RB + i, 0);
	}
	return 0;
}

/* submit and discard: the pointer reserve returned, exactly. */
static uint64_t rb_release(struct ebpf_run *r, uint64_t addr, bool submit)
{
	uint32_t tag = (uint32_t)(addr >> 32), i = tag - EBPF_TAG_RB;
	struct ebpf_map *m;

	if ((uint32_t)addr || tag < EBPF_TAG_RB || i >= EBPF_RB_SLOTS || !r->rb[i].rec)
		return rxs__ebpf_fail(r, "ringbuf submit/discard of a pointer reserve did not "
				      "return");
	m = &r->obj->maps[r->rb[i].map];
	if (submit)
		rxs__ebpf_output_add(r->obj, RXS_BPF_OUT_RINGBUF, m->name, r->prog->name, r->cpu,
				     r->rb[i].rec, r->rb[i].size, NULL, 0);
	else
		rb_give(m, r->rb[i].size);
	rxs__free(r->rb[i].rec);
	r->rb[i].rec = NULL;
	return 0;
}

static uint64_t h_ringbuf_submit(struct ebpf_run *r, const uint64_t *a)
{
	return rb_release(r, a[0], true);
}

static uint64_t h_ringbuf_discard(struct ebpf_run *r, const uint64_t *a)
{
	return rb_release(r, a[0], false);
}

/* ---- redirects (net/core/filter.c: bpf_redirect, bpf_xdp_redirect_map) -------------------- */

#define XDP_ABORTED 0
#define XDP_REDIRECT 4
#define TC_ACT_SHOT 2
#define TC_ACT_REDIRECT 7
#define BPF_F_INGRESS 1u
#define BPF_F_BROADCAST (1u << 3)
#define BPF_F_EXCLUDE_INGRESS (1u << 4)

/* bpf_redirect(ifindex, flags): XDP takes no flags (XDP_ABORTED otherwise); tc takes
 * BPF_F_INGRESS (TC_ACT_SHOT for any other). The path reads the choice after the run. */
static uint64_t h_redirect(struct ebpf_run *r, const uint64_t *a)
{
	bool xdp = r->prog->type == RXS_BPF_PROG_XDP;

	if (xdp ? a[1] != 0 : (a[1] & ~(uint64_t)BPF_F_INGRESS) != 0)
		return xdp ? XDP_ABORTED : TC_ACT_SHOT;
	r->redir_kind = (a[1] & BPF_F_INGRESS) ? 2 : 1;	/* RXS__REDIR_DEV(_INGRESS) */
	r->redir_target = (uint32_t)a[0];
	return xdp ? XDP_REDIRECT : TC_ACT_REDIRECT;
}

/* bpf_redirect_map(map, key, flags): a devmap or cpumap entry, or the action in the low two
 * bits of @flags when the key has none (__bpf_xdp_redirect_map). Broadcast is not modelled. */
static uint64_t h_redirect_map(struct ebpf_run *r, const uint64_t *a)
{
	struct ebpf_map *m = map_arg(r, a[0]);
	uint32_t key = (uint32_t)a[1], off, v;

	if (!m)
		return 0;
	if (m->type != RXS_BPF_MAP_DEVMAP && m->type != RXS_BPF_MAP_CPUMAP)
		return rxs__ebpf_fail(r, "bpf_redirect_map on map %s: not a devmap or cpumap",
				      m->name);
	if (a[2] & ~(uint64_t)(3 | BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS))
		return XDP_ABORTED;
	if (a[2] & BPF_F_BROADCAST)
		return rxs__ebpf_fail(r, "bpf_redirect_map: BPF_F_BROADCAST is not supported by "
				      "rxsim");
	if (!rxs__ebpf_map_lookup(m, &key, 0, &off))
		return a[2] & 3;
	memcpy(&v, m->values + off, 4);
	r->redir_kind = m->type == RXS_BPF_MAP_CPUMAP ? 3 : 1;	/* RXS__REDIR_CPU, _DEV */
	r->redir_target = m->type == RXS_BPF_MAP_CPUMAP ? key : v;
	return XDP_REDIRECT;
}

/* ---- bpf_fib_lookup (net/core/filter.c: bpf_ipv4_fib_lookup, bpf_ipv6_fib_lookup) -------- */

#define FIB_SUCCESS 0
#define FIB_NOT_FWDED 4
#define FIB_FWD_DISABLED 5
#define FIB_NO_NEIGH 7
#define FIB_FRAG_NEEDED 8
#define FIB_NO_SRC_ADDR 9
#define BPF_FIB_LOOKUP_DIRECT 1u
#define BPF_FIB_LOOKUP_OUTPUT 2u
#define BPF_FIB_LOOKUP_SKIP_NEIGH 4u
#define BPF_FIB_LOOKUP_TBID 8u
#define BPF_FIB_LOOKUP_SRC 16u
#define RT_TABLE_MAIN 254u

/* struct bpf_fib_lookup's fields, as offsets into the 64 bytes the program passes */
#define FIB_TOT_LEN 6		/* and mtu_result */
#define FIB_IFINDEX 8
#define FIB_RT_METRIC 12
#define FIB_SRC 16
#define FIB_DST 32
#define FIB_VLAN 48		/* h_vlan_proto and h_vlan_TCI, or tbid */
#define FIB_SMAC 52
#define FIB_DMAC 58

static bool in_prefix(const uint8_t *a, const uint8_t *net, unsigned int prefix)
{
	unsigned int bytes = prefix / 8, bits = prefix % 8;

	if (memcmp(a, net, bytes))
		return false;
	return !bits || !((a[bytes] ^ net[bytes]) & (uint8_t)(0xff << (8 - bits)));
}

/* The neighbour of the next hop @dst (network order) out of @rt's device, as
 * bpf_ipv4_fib_lookup() takes it (__ipv4_neigh_lookup_noref(), NUD_VALID) and
 * bpf_ipv6_fib_lookup() (__ipv6_neigh_lookup_noref_stub()): dmac and smac filled, or false
 * (NO_NEIGH). */
static bool fib_neigh(const struct rxs__bpf_fib *fib, const struct rxs__bpf_route *rt,
		      const uint8_t *dst, uint8_t *pr)
{
	uint8_t mac[6];
	uint32_t ip = (uint32_t)dst[0] << 24 | (uint32_t)dst[1] << 16 |
		      (uint32_t)dst[2] << 8 | dst[3];

	if (rt->family == 10) {
		if (!fib->neigh6_lookup ||
		    !fib->neigh6_lookup(fib->neigh_ctx, dst, rt->ifindex, mac))
			return false;
	} else if (!fib->neigh_lookup ||
		   !fib->neigh_lookup(fib->neigh_ctx, ip, rt->ifindex, mac)) {
		return false;
	}
	memcpy(pr + FIB_DMAC, mac, 6);
	memcpy(pr + FIB_SMAC, rt->mac, 6);	/* the egress device's */
	return true;
}

/* bpf_fib_set_fwd_params(): no VLAN on the way out, and the MTU in mtu_result. */
static uint64_t fib_set_fwd_params(uint8_t *pr, uint32_t mtu)
{
	memset(pr + FIB_VLAN, 0, 4);
	memcpy(pr + FIB_TOT_LEN, &(uint16_t){ (uint16_t)mtu }, 2);
	return FIB_SUCCESS;
}

/* The part of bpf_ipv4_fib_lookup() and bpf_ipv6_fib_lookup() after the route is found: the
 * MTU first (tot_len past it is FRAG_NEEDED, params otherwise untouched), then the route's
 * device and metric (0: rxsim's routes have none, as `ip route add` without one), the gateway
 * as the destination (nhc_gw), then, unless SKIP_NEIGH, the next hop's neighbour. */
static uint64_t fib_forward(const struct rxs__bpf_fib *fib, const struct rxs__bpf_route *rt,
			    const uint8_t *nh, uint8_t *pr, uint64_t flags)
{
	uint16_t tot_len;

	memcpy(&tot_len, pr + FIB_TOT_LEN, 2);
	if (tot_len > rt->mtu) {
		memcpy(pr + FIB_TOT_LEN, &(uint16_t){ (uint16_t)rt->mtu }, 2);
		return FIB_FRAG_NEEDED;
	}
	memset(pr + FIB_RT_METRIC, 0, 4);
	memcpy(pr + FIB_IFINDEX, &rt->ifindex, 4);
	if (rt->family == 2 && (flags & BPF_FIB_LOOKUP_SRC)) {
		memcpy(pr + FIB_SRC, rt->addr, 4);
		if (!memcmp(pr + FIB_SRC, "\0\0\0\0", 4))
			return FIB_NO_SRC_ADDR;
	}
	if (nh)
		memcpy(pr + FIB_DST, nh, rt->family == 10 ? 16 : 4);
	if (!(flags & BPF_FIB_LOOKUP_SKIP_NEIGH) && !fib_neigh(fib, rt, pr + FIB_DST, pr))
		return FIB_NO_NEIGH;
	return fib_set_fwd_params(pr, rt->mtu);
}

/* What the flags ask of the lookup, for both families: DIRECT looks in one table, TBID names
 * it, and main (0 or 254) is the only one rxsim has (fib_get_table() finds no other: false,
 * NOT_FWDED); OUTPUT takes only routes out of params->ifindex (@oif, flowi4_oif). */
static bool fib_table_oif(const uint8_t *pr, uint64_t flags, uint32_t *oif)
{
	uint32_t tbid;

	*oif = 0;
	if ((flags & (BPF_FIB_LOOKUP_DIRECT | BPF_FIB_LOOKUP_TBID)) ==
	    (BPF_FIB_LOOKUP_DIRECT | BPF_FIB_LOOKUP_TBID)) {
		memcpy(&tbid, pr + FIB_VLAN, 4);
		if (tbid && tbid != RT_TABLE_MAIN)
			return false;
	}
	if (flags & BPF_FIB_LOOKUP_OUTPUT)
		memcpy(oif, pr + FIB_IFINDEX, 4);
	return true;
}

/* fib_lookup() of the IPv4 destination through the host's routing (route4), in the table
 * and out of the device fib_table_oif() says. No route (-ENETUNREACH) or one that is not
 * RTN_UNICAST is NOT_FWDED. */
static uint64_t fib4_lookup(const struct rxs__bpf_fib *fib, uint8_t *pr, uint64_t flags)
{
	struct rxs__bpf_route rt;
	uint32_t dst, gw = 0, oif;
	const uint8_t *d = pr + FIB_DST;

	if (!fib_table_oif(pr, flags, &oif))
		return FIB_NOT_FWDED;
	dst = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
	if (fib->route4(fib->neigh_ctx, dst, oif, &rt, &gw) != 1)
		return FIB_NOT_FWDED;
	return fib_forward(fib, &rt, gw ? (uint8_t[4]){ gw >> 24, gw >> 16 & 0xff,
							gw >> 8 & 0xff, gw & 0xff } : NULL,
			   pr, flags);
}

/* fib6_lookup() of the IPv6 destination (route6), the flags as fib4_lookup() takes them;
 * SRC is not answered (ipv6_dev_get_saddr() is not modelled): ipv6_src stays. */
static uint64_t fib6_lookup(const struct rxs__bpf_fib *fib, uint8_t *pr, uint64_t flags)
{
	struct rxs__bpf_route rt;
	uint8_t nh[16];
	uint32_t oif;

	if (!fib_table_oif(pr, flags, &oif))
		return FIB_NOT_FWDED;
	if (fib->route6(fib->neigh_ctx, pr + FIB_DST, oif, &rt, nh) != 1)
		return FIB_NOT_FWDED;
	return fib_forward(fib, &rt, nh, pr, flags & ~(uint64_t)BPF_FIB_LOOKUP_SRC);
}

/*
 * bpf_fib_lookup(ctx, params, plen, flags), bpf_ipv4_fib_lookup() and bpf_ipv6_fib_lookup():
 * forwarding off (net.ipv4.ip_forward, net.ipv6.conf.all.forwarding) is FWD_DISABLED unless
 * BPF_FIB_LOOKUP_OUTPUT. IPv4 asks the host's routing, connected routes and the scenario's
 * routes, as ip_forward chooses them (fib4_lookup()), IPv6 as ip6_forward does
 * (fib6_lookup()); a fib without those callbacks answers from its connected routes: the
 * host's own address or an uncovered destination NOT_FWDED, a covered one out of its device.
 * Then fib_forward(). Nothing is resolved (no entry made, no ARP request).
 */
static uint64_t h_fib_lookup(struct ebpf_run *r, const uint64_t *a)
{
	const struct rxs__bpf_fib *fib = r->fib;
	const struct rxs__bpf_route *hit = NULL;
	uint8_t *pr;
	int family;

	if (a[2] < 64)
		return ERR(-EINVAL);
	pr = rxs__ebpf_mem(r, a[1], 64, true);
	if (!pr)
		return 0;
	family = pr[0] == 2 ? 2 : pr[0] == 10 ? 10 : 0;	/* AF_INET, AF_INET6 */
	if (!family || (a[3] & ~(uint64_t)0x3f))	/* up to BPF_FIB_LOOKUP_MARK */
		return ERR(-EINVAL);
	if (!fib || (!(family == 2 ? fib->forwarding : fib->forwarding6) &&
		     !(a[3] & BPF_FIB_LOOKUP_OUTPUT)))
		return FIB_FWD_DISABLED;
	if (family == 2 && fib->route4)
		return fib4_lookup(fib, pr, a[3]);
	if (family == 10 && fib->route6)
		return fib6_lookup(fib, pr, a[3]);
	for (unsigned int i = 0; i < fib->nroutes; i++) {
		const struct rxs__bpf_route *rt = &fib->routes[i];
		unsigned int len = family == 2 ? 4 : 16;

		if ((rt->family == 2) != (family == 2))
			continue;
		if (!memcmp(pr + FIB_DST, rt->addr, len))
			return FIB_NOT_FWDED;		/* the host's own address */
		if (!hit && in_prefix(pr + FIB_DST, rt->addr, rt->prefix))
			hit = rt;
	}
	if (!hit)
		return FIB_NOT_FWDED;
	return fib_forward(fib, hit, NULL, pr, a[3] & ~(uint64_t)BPF_FIB_LOOKUP_SRC);
}

/* ---- socket selection ------------------------------------------------------------------------ */

/*
 * bpf_sk_select_reuseport(ctx, map, key, flags), sk_select_reuseport() of net/core/filter.c:
 * the socket in the sockarray's slot @key becomes the selection if it belongs to the group the
 * packet is being looked up in. An empty slot is -ENOENT; a socket of another protocol,
 * family or binding -EPROTOTYPE, -EAFNOSUPPORT or -EBADFD (the socket layer tells which). A
 * test run has no group: every filled slot is then a socket of no group, -ENOENT (the kernel
 * has no test run for this program type).
 */
static uint64_t h_sk_select_reuseport(struct ebpf_run *r, const uint64_t *a)
{
	struct ebpf_map *m;
	const uint8_t *key;
	uint64_t sock = 0;
	uint32_t off;
	void *sel = NULL;
	int rc;

	if (!ARG_CTX(r, a[0]) || !(m = map_arg(r, a[1])))
		return 0;
	if (m->type != RXS_BPF_MAP_REUSEPORT_SOCKARRAY)
		return rxs__ebpf_fail(r, "bpf_sk_select_reuseport: map %s is not a "
				      "REUSEPORT_SOCKARRAY (SOCKMAP and SOCKHASH are not "
				      "modelled)", m->name);
	if (!(key = rxs__ebpf_mem(r, a[2], m->key_size, false)))
		return 0;
	if (!rxs__ebpf_map_lookup(m, key, 0, &off))
		return ERR(-ENOENT);
	memcpy(&sock, m->values + off, m->value_size);
	if (!r->rp)
		return ERR(-ENOENT);
	rc = r->rp->select(r->rp->group, sock, &sel);
	if (rc)
		return ERR(rc);
	r->rp->selected = sel;
	return 0;
}

/* ---- the table ------------------------------------------------------------------------------ */

#define T_SKB (EBPF_T_TC | EBPF_T_SOCK | EBPF_T_REUSE)

static const struct {
	int32_t id;
	struct ebpf_helper h;
} helpers[] = {
	{ 1, { "bpf_map_lookup_elem", 2, EBPF_T_ALL, h_map_lookup } },
	{ 2, { "bpf_map_update_elem", 4, EBPF_T_ALL, h_map_update } },
	{ 3, { "bpf_map_delete_elem", 2, EBPF_T_ALL, h_map_delete } },
	{ 5, { "bpf_ktime_get_ns", 0, EBPF_T_ALL, h_ktime } },
	{ 6, { "bpf_trace_printk", 2, EBPF_T_ALL, h_trace_printk } },
	{ 7, { "bpf_get_prandom_u32", 0, EBPF_T_ALL, h_prandom } },
	{ 8, { "bpf_get_smp_processor_id", 0, EBPF_T_ALL, h_cpu } },
	{ 9, { "bpf_skb_store_bytes", 5, EBPF_T_TC, h_skb_store_bytes } },
	{ 10, { "bpf_l3_csum_replace", 5, EBPF_T_TC, h_l3_csum_replace } },
	{ 11, { "bpf_l4_csum_replace", 5, EBPF_T_TC, h_l4_csum_replace } },
	{ 12, { "bpf_tail_call", 3, EBPF_T_ALL, h_tail_call } },
	{ 25, { "bpf_perf_event_output", 5, EBPF_T_XDP | EBPF_T_TC | EBPF_T_SOCK,
		h_perf_event_output } },
	{ 23, { "bpf_redirect", 2, EBPF_T_XDP | EBPF_T_TC, h_redirect } },
	{ 26, { "bpf_skb_load_bytes", 4, T_SKB, h_skb_load_bytes } },
	{ 28, { "bpf_csum_diff", 5, EBPF_T_XDP | EBPF_T_TC, h_csum_diff } },
	{ 44, { "bpf_xdp_adjust_head", 2, EBPF_T_XDP, h_xdp_adjust_head } },
	{ 51, { "bpf_redirect_map", 3, EBPF_T_XDP, h_redirect_map } },
	{ 54, { "bpf_xdp_adjust_meta", 2, EBPF_T_XDP, h_xdp_adjust_meta } },
	{ 65, { "bpf_xdp_adjust_tail", 2, EBPF_T_XDP, h_xdp_adjust_tail } },
	{ 69, { "bpf_fib_lookup", 4, EBPF_T_XDP | EBPF_T_TC, h_fib_lookup } },
	{ 82, { "bpf_sk_select_reuseport", 4, EBPF_T_REUSE, h_sk_select_reuseport } },
	{ 125, { "bpf_ktime_get_boot_ns", 0, EBPF_T_ALL, h_ktime } },
	{ 130, { "bpf_ringbuf_output", 4, EBPF_T_ALL, h_ringbuf_output } },
	{ 131, { "bpf_ringbuf_reserve", 3, EBPF_T_ALL, h_ringbuf_reserve } },
	{ 132, { "bpf_ringbuf_submit", 2, EBPF_T_ALL, h_ringbuf_submit } },
	{ 133, { "bpf_ringbuf_discard", 2, EBPF_T_ALL, h_ringbuf_discard } },
	{ 160, { "bpf_ktime_get_coarse_ns", 0, EBPF_T_ALL, h_ktime } },
	{ 189, { "bpf_xdp_load_bytes", 4, EBPF_T_XDP, h_xdp_load_bytes } },
	{ 190, { "bpf_xdp_store_bytes", 4, EBPF_T_XDP, h_xdp_store_bytes } },
};

const struct ebpf_helper *rxs__ebpf_helper(int32_t id)
{
	for (size_t i = 0; i < ARRAY_SIZE(helpers); i++)
		if (helpers[i].id == id)
			return &helpers[i].h;
	return NULL;
}
