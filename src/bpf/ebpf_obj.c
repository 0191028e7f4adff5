/* ebpf_obj.c - eBPF objects: their programs and maps, the map calls of the library, collected
 * output, and one run of a program on a buffer as BPF_PROG_TEST_RUN runs it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpf/bpf.h"
#include "bpf/ebpf_int.h"
#include "internal.h"

_Static_assert(sizeof(struct rxs_ebpf_insn) == 8, "struct bpf_insn is 8 bytes");

/* libbpf's OPTS_VALID: sz covers at least itself, and bytes we do not know are zero. */
bool rxs__ebpf_opts_valid(const void *opts, size_t known)
{
	const uint8_t *p = opts;
	size_t sz;

	if (!opts)
		return true;
	memcpy(&sz, opts, sizeof(sz));
	if (sz < sizeof(size_t))
		return false;
	for (size_t i = known; i < sz; i++)
		if (p[i])
			return false;
	return true;
}

#define OPT(o, field, dflt) \
	((o) && (o)->sz >= offsetof(__typeof__(*(o)), field) + sizeof((o)->field) ? (o)->field \
										       : (dflt))

int rxs__ebpf_object_new(struct rxs_bpf_object **objp, const char *name,
			 const struct rxs_bpf_object_opts *opts, char *err, size_t errlen)
{
	struct rxs_bpf_object *obj;

	*objp = NULL;
	if (!rxs__ebpf_opts_valid(opts, sizeof(*opts))) {
		snprintf(err, errlen, "rxs_bpf_object_opts: bad sz or unknown fields set");
		return -EINVAL;
	}
	obj = rxs__calloc(1, sizeof(*obj));
	if (!obj)
		return -ENOMEM;
	obj->name = rxs__strdup(name ? name : "");
	obj->license = rxs__strdup("");
	obj->ncpus = OPT(opts, ncpus, 0u);
	obj->ncpus = obj->ncpus ? obj->ncpus : 1;
	obj->prng = OPT(opts, prandom_seed, 0ull);
	obj->insn_limit = OPT(opts, insn_limit, 0ull);
	obj->insn_limit = obj->insn_limit ? obj->insn_limit : RXS_BPF_INSN_LIMIT;
	if (!obj->name || !obj->license) {
		rxs_bpf_object_close(obj);
		return -ENOMEM;
	}
	*objp = obj;
	return 0;
}

/* What a map's preallocated storage takes: values, and a hash's keys and slot lists. */
static uint64_t map_bytes(const struct ebpf_map *m)
{
	uint64_t n = m->max_entries, bytes = 0;

	if (m->values)
		bytes += n * m->ncpus * m->stride;
	if (m->keys)
		bytes += n * (m->key_size + 3 * sizeof(uint32_t)) + m->nbuckets * sizeof(uint32_t);
	return bytes;
}

int rxs__ebpf_object_add_map(struct rxs_bpf_object *obj, const struct rxs_bpf_map_info *info,
			     char *err, size_t errlen)
{
	struct ebpf_map *maps;
	int rc;

	if (obj->nmaps >= 4096) {
		snprintf(err, errlen, "over 4096 maps");
		return -E2BIG;
	}
	maps = rxs__realloc(obj->maps, (obj->nmaps + 1) * sizeof(*maps));
	if (!maps)
		return -ENOMEM;
	obj->maps = maps;
	rc = rxs__ebpf_map_init(&maps[obj->nmaps], info, obj->ncpus, err, errlen);
	obj->nmaps++;	/* even half made: close frees what init allocated */
	/* Every map preallocates: 4,096 maps of a GiB each would not fit, and a crafted object
	 * may ask for them. */
	if (!rc) {
		uint64_t total = 0;

		for (unsigned int i = 0; i < obj->nmaps; i++)
			total += map_bytes(&maps[i]);
		if (total > (1ull << 30)) {
			snprintf(err, errlen, "map %s: the object's maps take %llu bytes, over 1 GiB",
				 maps[obj->nmaps - 1].name, (unsigned long long)total);
			rc = -E2BIG;
		}
	}
	return rc;
}

int rxs__ebpf_object_add_prog(struct rxs_bpf_object *obj, const char *name, const char *section,
			      enum rxs_bpf_prog_type type, const struct rxs_ebpf_insn *insns,
			      unsigned int cnt)
{
	struct ebpf_prog *progs, *p;

	progs = rxs__realloc(obj->progs, (obj->nprogs + 1) * sizeof(*progs));
	if (!progs)
		return -ENOMEM;
	obj->progs = progs;
	p = &progs[obj->nprogs++];
	memset(p, 0, sizeof(*p));
	p->name = rxs__strdup(name ? name : "");
	p->section = rxs__strdup(section ? section : "");
	p->type = type;
	p->cnt = cnt;
	p->insns = rxs__malloc((cnt ? cnt : 1) * sizeof(*insns));
	if (!p->name || !p->section || !p->insns)
		return -ENOMEM;
	if (cnt)
		memcpy(p->insns, insns, cnt * sizeof(*insns));
	return 0;
}

int rxs__ebpf_object_check(struct rxs_bpf_object *obj, char *err, size_t errlen)
{
	char msg[256];

	for (unsigned int i = 0; i < obj->nprogs; i++) {
		int rc = rxs__ebpf_check(obj, &obj->progs[i], msg, sizeof(msg));

		if (rc) {
			snprintf(err, errlen, "%s: %s", obj->name, msg);
			return rc;
		}
	}
	return 0;
}

static bool known_type(enum rxs_bpf_prog_type t)
{
	return rxs__ebpf_type_bit(t) != 0;
}

int rxs_bpf_object_from_insns(rxs_bpf_object_t **objp, const char *name,
			      enum rxs_bpf_prog_type type, const struct rxs_ebpf_insn *insns,
			      unsigned int cnt, const struct rxs_bpf_map_info *maps,
			      unsigned int nmaps, const struct rxs_bpf_object_opts *opts, char *err,
			      size_t errlen)
{
	char dummy[1];
	rxs_bpf_object_t *obj;
	int rc;

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (errlen)
		err[0] = 0;
	if (!objp || (!insns && cnt) || (!maps && nmaps) || !known_type(type)) {
		snprintf(err, errlen, "rxs_bpf_object_from_insns: bad arguments");
		return -EINVAL;
	}
	*objp = NULL;
	rc = rxs__ebpf_object_new(&obj, name ? name : "insns", opts, err, errlen);
	for (unsigned int i = 0; !rc && i < nmaps; i++)
		rc = rxs__ebpf_object_add_map(obj, &maps[i], err, errlen);
	if (!rc)
		rc = rxs__ebpf_object_add_prog(obj, name ? name : "prog", "", type, insns, cnt);
	if (!rc)
		rc = rxs__ebpf_object_check(obj, err, errlen);
	if (rc) {
		rxs_bpf_object_close(obj);
		return rc;
	}
	*objp = obj;
	return 0;
}

void rxs_bpf_object_clear_output(rxs_bpf_object_t *obj)
{
	if (!obj)
		return;
	for (unsigned int i = 0; i < obj->nout; i++)
		rxs__free((void *)obj->out[i].data);
	obj->nout = 0;
	for (unsigned int i = 0; i < obj->nmaps; i++)
		obj->maps[i].rb_used = 0;
}

void rxs_bpf_object_close(rxs_bpf_object_t *obj)
{
	if (!obj)
		return;
	rxs_bpf_object_clear_output(obj);
	rxs__free(obj->out);
	for (unsigned int i = 0; i < obj->nprogs; i++) {
		rxs__free(obj->progs[i].name);
		rxs__free(obj->progs[i].section);
		rxs__free(obj->progs[i].insns);
	}
	rxs__free(obj->progs);
	for (unsigned int i = 0; i < obj->nmaps; i++)
		rxs__ebpf_map_fini(&obj->maps[i]);
	rxs__free(obj->maps);
	rxs__free(obj->name);
	rxs__free(obj->license);
	rxs__free(obj);
}

const char *rxs_bpf_object_errmsg(const rxs_bpf_object_t *obj)
{
	return obj->errmsg;
}

const char *rxs_bpf_object_license(const rxs_bpf_object_t *obj)
{
	return obj->license;
}

unsigned int rxs_bpf_object_output(const rxs_bpf_object_t *obj, const struct rxs_bpf_output **out)
{
	*out = obj->out;
	return obj->nout;
}

/* ---- programs and maps ------------------------------------------------------------------------- */

unsigned int rxs_bpf_object_program_count(const rxs_bpf_object_t *obj)
{
	return obj->nprogs;
}

int rxs_bpf_object_program(const rxs_bpf_object_t *obj, unsigned int idx,
			   struct rxs_bpf_program_info *info)
{
	const struct ebpf_prog *p;

	if (idx >= obj->nprogs)
		return -ENOENT;
	p = &obj->progs[idx];
	*info = (struct rxs_bpf_program_info){ p->name, p->section, p->type, p->cnt };
	return 0;
}

int rxs_bpf_object_program_index(const rxs_bpf_object_t *obj, const char *name)
{
	for (unsigned int i = 0; i < obj->nprogs; i++)
		if (name && !strcmp(obj->progs[i].name, name))
			return (int)i;
	return -ENOENT;
}

unsigned int rxs_bpf_object_map_count(const rxs_bpf_object_t *obj)
{
	return obj->nmaps;
}

int rxs_bpf_object_map(const rxs_bpf_object_t *obj, unsigned int idx, struct rxs_bpf_map_info *info)
{
	const struct ebpf_map *m;

	if (idx >= obj->nmaps)
		return -ENOENT;
	m = &obj->maps[idx];
	*info = (struct rxs_bpf_map_info){ m->name, m->type, m->key_size, m->value_size,
					   m->max_entries, m->flags, m->initial };
	return 0;
}

/* By name; ".bss", ".data", ".rodata" also find libbpf's "<object>.bss" and the like. */
static struct ebpf_map *find_map(rxs_bpf_object_t *obj, const char *name)
{
	size_t n = name ? strlen(name) : 0;

	for (unsigned int i = 0; name && i < obj->nmaps; i++)
		if (!strcmp(obj->maps[i].name, name))
			return &obj->maps[i];
	for (unsigned int i = 0; name && name[0] == '.' && i < obj->nmaps; i++) {
		size_t l = strlen(obj->maps[i].name);

		if (l > n && !strcmp(obj->maps[i].name + l - n, name))
			return &obj->maps[i];
	}
	return NULL;
}

int rxs_bpf_map_lookup(rxs_bpf_object_t *obj, const char *map, const void *key, void *value)
{
	struct ebpf_map *m = find_map(obj, map);
	uint32_t slot;
	int rc;

	if (!m)
		return -ENOENT;
	if (!m->values || !key || !value)
		return -EINVAL;
	if (m->type != RXS_BPF_MAP_PROG_ARRAY)
		return rxs__ebpf_map_read(m, key, value);
	rc = rxs__ebpf_map_read(m, key, &slot);
	if (rc || !slot)
		return -ENOENT;
	slot--;
	memcpy(value, &slot, 4);
	return 0;
}

int rxs_bpf_map_update(rxs_bpf_object_t *obj, const char *map, const void *key,
		       const void *value, uint64_t flags)
{
	struct ebpf_map *m = find_map(obj, map);
	uint32_t idx;

	if (!m)
		return -ENOENT;
	if (!m->values || !key || !value)
		return -EINVAL;
	if (m->initial && (m->flags & EBPF_F_RDONLY_PROG))
		return -EPERM;	/* .rodata: libbpf froze it */
	if (m->type == RXS_BPF_MAP_PROG_ARRAY) {
		memcpy(&idx, value, 4);
		if (idx >= obj->nprogs)
			return -EBADF;
		idx++;
		return rxs__ebpf_map_update(m, key, &idx, flags, 0, false);
	}
	return rxs__ebpf_map_update(m, key, value, flags, 0, true);
}

int rxs_bpf_map_delete(rxs_bpf_object_t *obj, const char *map, const void *key)
{
	struct ebpf_map *m = find_map(obj, map);

	if (!m)
		return -ENOENT;
	if (!m->values || !key)
		return -EINVAL;
	return rxs__ebpf_map_delete(m, key);
}

int rxs_bpf_map_get_next_key(rxs_bpf_object_t *obj, const char *map, const void *key,
			     void *next_key)
{
	struct ebpf_map *m = find_map(obj, map);

	if (!m)
		return -ENOENT;
	if (!m->values || !next_key)
		return -EINVAL;
	return rxs__ebpf_map_next_key(m, key, next_key);
}

/* ---- one run -------------------------------------------------------------------------------- */

#define ETH_HLEN	14
#define XDP_FRAME_SIZE	40	/* struct xdp_frame, at the start of the headroom */
#define XDP_MAX_DATA	3520	/* 4096 - 256 headroom - 320 skb_shared_info */
#define SHINFO_SIZE	320	/* SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) */

static void put32(uint8_t *ctx, uint32_t off, uint32_t v)
{
	memcpy(ctx + off, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Fields of @ctx_in the kernel's test run takes (bpf_ctx_init and convert___skb_to_skb). */
struct field {
	uint16_t off, len;
};

static void ctx_from_user(struct ebpf_run *r, const uint8_t *in, uint32_t len)
{
	static const struct field skb_in[] = {
		{ 8, 4 }, { 32, 4 }, { 36, 4 }, { 40, 4 }, { 48, 20 }, { 152, 8 }, { 160, 4 },
		{ 164, 4 }, { 176, 4 }, { 184, 8 },
	}, xdp_in[] = { { 12, 4 }, { 16, 4 } }, rp_in[] = { { 20, 16 } };
	const struct field *f = skb_in;
	size_t n = ARRAY_SIZE(skb_in);

	if (r->prog->type == RXS_BPF_PROG_XDP) {
		f = xdp_in;
		n = ARRAY_SIZE(xdp_in);
	} else if (r->prog->type == RXS_BPF_PROG_SK_REUSEPORT) {
		f = rp_in;
		n = ARRAY_SIZE(rp_in);
	}
	for (size_t i = 0; i < n; i++)
		if ((uint32_t)f[i].off + f[i].len <= len)
			memcpy(r->ctx + f[i].off, in + f[i].off, f[i].len);
	/* The device: another than lo only when the context names one (ifindex > 1). */
	if (f == skb_in && get32(r->ctx + 40) <= 1)
		put32(r->ctx, 40, 1);
}

/* The packet and context as BPF_PROG_TEST_RUN prepares them (net/bpf/test_run.c), on lo. */
static int setup(struct ebpf_run *r, const struct rxs_bpf_run_opts *o, bool path)
{
	uint32_t len = o->data_size_in, room = RXS_MAX(len, XDP_MAX_DATA), head = 0;
	const uint8_t *mac = o->data_in;
	uint32_t ptype, wire;

	if (len < ETH_HLEN && r->prog->type != RXS_BPF_PROG_SK_REUSEPORT)
		return -EINVAL;
	/* The kernel's skb test run wants the whole IPv4 or IPv6 header of what says it is one
	 * (measured on 6.18: 33 bytes of IPv4 frame are -EINVAL, 34 run). On the path the frame
	 * is what it is: the stack's own checks come later. */
	if (!path && (r->prog->type == RXS_BPF_PROG_SCHED_CLS ||
	     r->prog->type == RXS_BPF_PROG_SOCKET_FILTER) &&
	    ((mac[12] == 0x08 && mac[13] == 0x00 && len < ETH_HLEN + 20) ||
	     (mac[12] == 0x86 && mac[13] == 0xdd && len < ETH_HLEN + 40)))
		return -EINVAL;
	if (r->prog->type == RXS_BPF_PROG_XDP) {
		head = RXS_BPF_XDP_HEADROOM;
		r->pkt_size = head + room + SHINFO_SIZE;
		r->pkt_min = XDP_FRAME_SIZE;
		r->pkt_max = head + room;
	} else {
		r->pkt_size = len ? len : 1;
	}
	if (path && r->pkt_cap >= r->pkt_size) {
		/* The path's run reuses its buffer: what lies outside the frame is what the last
		 * frame left there, as a driver's recycled page holds it (deterministic all the
		 * same: the same frames in the same order leave the same bytes). */
	} else {
		rxs__free(r->pkt);
		r->pkt = rxs__calloc(1, r->pkt_size);
		if (!r->pkt)
			return -ENOMEM;
		r->pkt_cap = r->pkt_size;
	}
	if (len)
		memcpy(r->pkt + head, o->data_in, len);
	r->data = head + (r->prog->type == RXS_BPF_PROG_SOCKET_FILTER ? ETH_HLEN : 0);
	r->data_meta = r->data;
	r->data_end = head + len;
	if (r->prog->type == RXS_BPF_PROG_XDP) {
		r->ctx_size = 24;
		put32(r->ctx, 12, 1);	/* ingress_ifindex: lo */
	} else if (r->prog->type == RXS_BPF_PROG_SK_REUSEPORT) {
		r->ctx_size = 56;
		put32(r->ctx, 16, len);
	} else {
		r->ctx_size = 192;
		/* eth_type_trans against lo, whose address is all zeros. */
		ptype = (mac[0] & 1) ? 2 : memcmp(mac, "\0\0\0\0\0\0", 6) ? 3 : 0;
		put32(r->ctx, 4, ptype);
		memcpy(r->ctx + 16, mac + 12, 2);	/* protocol, network order */
		put32(r->ctx, 40, 1);			/* ifindex: lo */
	}
	if (o->ctx_in)
		ctx_from_user(r, o->ctx_in, o->ctx_size_in);
	if (r->ctx_size == 192) {
		put32(r->ctx, 0, r->data_end - r->data);
		memcpy(&wire, r->ctx + 160, 4);
		if (!wire)
			put32(r->ctx, 160, r->data_end - r->data);
	}
	return 0;
}

/* The frame after the run: from data; for a socket filter, which starts past the MAC header,
 * with 14 zero bytes before (the test run's memset(__skb_push(skb, hh_len), 0, hh_len)). */
static int copy_out(struct ebpf_run *r, struct rxs_bpf_run_opts *o)
{
	uint32_t start = r->prog->type == RXS_BPF_PROG_SOCKET_FILTER ? r->data - ETH_HLEN : r->data;
	uint32_t len = r->data_end - start, room = o->data_size_out;
	int rc = 0;

	if (r->prog->type == RXS_BPF_PROG_SOCKET_FILTER)
		memset(r->pkt + start, 0, ETH_HLEN);
	if (o->data_out) {
		if (room < len)
			rc = -ENOSPC;
		memcpy(o->data_out, r->pkt + start, RXS_MIN(room, len));
	}
	o->data_size_out = len;
	if (o->ctx_out) {
		uint32_t n = RXS_MIN(o->ctx_size_out, r->ctx_size);

		if (r->ctx_size == 192)
			put32(r->ctx, 0, r->data_end - r->data);
		memcpy(o->ctx_out, r->ctx, n);
		o->ctx_size_out = n;
	}
	return rc;
}

/* Ringbuf records the program reserved and neither submitted nor discarded: the verifier
 * refuses such a program ("Unreleased reference"); we give the room back and fail the run. */
static int release_records(struct ebpf_run *r, int rc)
{
	if (!r->rb_any)
		return rc;
	r->rb_any = false;
	for (uint32_t i = 0; i < EBPF_RB_SLOTS; i++) {
		if (!r->rb[i].rec)
			continue;
		if (!rc)
			rc = -EFAULT;
		if (!r->failed)
			snprintf(r->obj->errmsg, sizeof(r->obj->errmsg),
				 "%s: ringbuf record reserved and never submitted or discarded",
				 r->prog->name);
		r->failed = true;
		r->obj->maps[r->rb[i].map].rb_used -= (r->rb[i].size + 8 + 7) & ~7ull;
		rxs__free(r->rb[i].rec);
		r->rb[i].rec = NULL;
	}
	return rc;
}

/* The run itself, on a whole struct rxs_bpf_run_opts; on the path, @p gets the redirect and
 * @cache keeps the run's state and buffer from one frame to the next. */
static int prog_run(rxs_bpf_object_t *obj, int idx, struct rxs_bpf_run_opts *o,
		    struct rxs__bpf_pkt *p, struct ebpf_run **cache)
{
	struct ebpf_run *r = cache ? *cache : NULL;
	int rc;

	obj->errmsg[0] = 0;
	if (r) {
		/* The stack is left as the last run left it (the verifier refuses programs that
		 * read stack they did not write); the rest starts afresh. */
		memset(r->ctx, 0, sizeof(r->ctx));
		r->pc = r->insns = 0;
		r->tail_calls = 0;
		r->failed = false;
		r->redir_kind = r->redir_target = 0;
		r->data = r->data_end = r->data_meta = r->pkt_min = r->pkt_max = 0;
	} else {
		r = rxs__calloc(1, sizeof(*r));
		if (!r)
			return -ENOMEM;
		if (cache)
			*cache = r;
	}
	r->obj = obj;
	r->fib = p ? p->fib : NULL;
	r->rp = p ? p->rp : NULL;
	r->prog = &obj->progs[idx];
	r->cpu = o->cpu;
	r->now_ns = o->now_ns;
	rc = setup(r, o, p != NULL);
	if (!rc) {
		rc = rxs__ebpf_exec(r, &o->retval);
		rc = release_records(r, rc);
		o->insns = r->insns;
	}
	if (p) {
		p->redir = (enum rxs__bpf_redir)r->redir_kind;
		p->redir_target = r->redir_target;
	}
	if (!rc)
		rc = copy_out(r, o);
	else
		o->retval = 0;
	if (!cache) {
		rxs__free(r->pkt);
		rxs__free(r);
	}
	return rc;
}

void rxs__ebpf_run_free(struct ebpf_run *r)
{
	if (r)
		rxs__free(r->pkt);
	rxs__free(r);
}

int rxs_bpf_prog_run(rxs_bpf_object_t *obj, const char *prog, struct rxs_bpf_run_opts *opts)
{
	struct rxs_bpf_run_opts o = { 0 };
	int idx, rc;

	/* A caller built against an older, shorter struct gets the fields it has, both ways. */
	if (!obj || !opts || !rxs__ebpf_opts_valid(opts, sizeof(o)) ||
	    opts->sz < offsetof(struct rxs_bpf_run_opts, retval))
		return -EINVAL;
	memcpy(&o, opts, RXS_MIN(opts->sz, sizeof(o)));
	if ((!o.data_in && o.data_size_in) || o.data_size_in > (1u << 20) ||
	    (o.ctx_in && o.ctx_size_in > 192) || o.cpu >= obj->ncpus)
		return -EINVAL;
	idx = prog ? rxs_bpf_object_program_index(obj, prog) : (obj->nprogs ? 0 : -ENOENT);
	if (idx < 0)
		return idx;
	rc = prog_run(obj, idx, &o, NULL, NULL);
	memcpy(opts, &o, RXS_MIN(opts->sz, sizeof(o)));
	return rc;
}

int rxs__ebpf_path_run(struct rxs_bpf_object *obj, int idx, struct rxs_bpf_run_opts *o,
		       struct rxs__bpf_pkt *p, struct ebpf_run **cache)
{
	return prog_run(obj, idx, o, p, cache);
}
