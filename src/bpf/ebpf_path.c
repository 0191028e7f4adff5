/* ebpf_path.c - eBPF programs attached to a host's receive path: the host's objects (one per
 * file, so every program of a file shares its maps, as programs loaded from one object by one
 * loader do), the links at each attach point, one run on a frame of the path, and the host's
 * public calls (rxsim/bpf.h: rxs_bpf_prog_*, rxs_bpf_host_object*).
 *
 * A run on the path is the test run's (ebpf_obj.c) with the device and queue in the context,
 * and the redirect read back. The frame comes out in the link's buffer; the caller copies it
 * where the frame lives (the driver's buffer, the skb) while it holds the result.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/bpf.h"
#include "bpf/ebpf_int.h"
#include "host.h"
#include "internal.h"

#define XDP_ABORTED 0
#define TC_ACT_SHOT 2

static enum rxs_bpf_prog_type attach_type(enum rxs_bpf_attach a)
{
	return a == RXS_BPF_ATTACH_TC_INGRESS	  ? RXS_BPF_PROG_SCHED_CLS :
	       a == RXS_BPF_ATTACH_SOCKET_FILTER || a == RXS_BPF_ATTACH_REUSEPORT ?
			RXS_BPF_PROG_SOCKET_FILTER :
	       a == RXS_BPF_ATTACH_SK_REUSEPORT ? RXS_BPF_PROG_SK_REUSEPORT :
						   RXS_BPF_PROG_XDP;
}

const char *rxs_bpf_attach_name(enum rxs_bpf_attach attach)
{
	switch (attach) {
	case RXS_BPF_ATTACH_XDP:
		return "xdp";
	case RXS_BPF_ATTACH_XDP_GENERIC:
		return "xdpgeneric";
	case RXS_BPF_ATTACH_TC_INGRESS:
		return "tc ingress";
	case RXS_BPF_ATTACH_SOCKET_FILTER:
		return "socket filter";
	case RXS_BPF_ATTACH_REUSEPORT:
		return "reuseport";
	case RXS_BPF_ATTACH_SK_REUSEPORT:
		return "sk_reuseport";
	}
	return "?";
}

const char *rxs_bpf_verdict_name(enum rxs_bpf_attach attach, unsigned int v)
{
	static const char *const xdp[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					   "XDP_REDIRECT" };
	static const char *const tc[] = { "TC_ACT_OK", "TC_ACT_RECLASSIFY", "TC_ACT_SHOT",
					  "TC_ACT_PIPE", "TC_ACT_STOLEN", "TC_ACT_QUEUED",
					  "TC_ACT_REPEAT", "TC_ACT_REDIRECT", "TC_ACT_TRAP" };

	static const char *const sf[] = { "drop", "trim", "pass" };

	if (attach == RXS_BPF_ATTACH_TC_INGRESS)
		return v < ARRAY_SIZE(tc) ? tc[v] : NULL;
	static const char *const rp[] = { "index 0", "index 1", "index 2", "index 3", "index 4",
					  "index 5", "index 6", "index 7", "index 8" };

	if (attach == RXS_BPF_ATTACH_SOCKET_FILTER)
		return v < ARRAY_SIZE(sf) ? sf[v] : NULL;
	static const char *const skrp[] = { "SK_DROP", "SK_PASS" };

	if (attach == RXS_BPF_ATTACH_REUSEPORT)
		return v < ARRAY_SIZE(rp) ? rp[v] : NULL;
	if (attach == RXS_BPF_ATTACH_SK_REUSEPORT)
		return v < ARRAY_SIZE(skrp) ? skrp[v] : NULL;
	return v < ARRAY_SIZE(xdp) ? xdp[v] : NULL;
}

/* The object of @path in @bpf, opened on first use. */
static int object_get(struct rxs_netns_bpf *bpf, const char *path, unsigned int ncpus,
		      rxs_bpf_object_t **objp, char *err, size_t errlen)
{
	struct rxs_bpf_object_opts opts = { .sz = sizeof(opts), .ncpus = ncpus, .prandom_seed = 1 };
	rxs_bpf_object_t **objs;
	char **paths;
	int rc;

	for (unsigned int i = 0; i < bpf->nobjs; i++)
		if (!strcmp(bpf->obj_paths[i], path)) {
			*objp = bpf->objs[i];
			return 0;
		}
	objs = rxs__realloc(bpf->objs, (bpf->nobjs + 1) * sizeof(*objs));
	if (!objs)
		return -ENOMEM;
	bpf->objs = objs;
	paths = rxs__realloc(bpf->obj_paths, (bpf->nobjs + 1) * sizeof(*paths));
	if (!paths)
		return -ENOMEM;
	bpf->obj_paths = paths;
	rc = rxs_bpf_object_open(objp, path, &opts, err, errlen);
	if (rc)
		return rc;
	paths[bpf->nobjs] = rxs__strdup(path);
	if (!paths[bpf->nobjs]) {
		rxs_bpf_object_close(*objp);
		return -ENOMEM;
	}
	objs[bpf->nobjs++] = *objp;
	return 0;
}

/* The program of @obj called @name, or the first of @type. */
static int find_prog(rxs_bpf_object_t *obj, const char *name, enum rxs_bpf_prog_type type,
		     const char *path, char *err, size_t errlen)
{
	struct rxs_bpf_program_info pi;

	for (unsigned int i = 0; i < obj->nprogs; i++) {
		if (rxs_bpf_object_program(obj, i, &pi) || (name && name[0] && strcmp(pi.name, name)))
			continue;
		if (pi.type == type)
			return (int)i;
		snprintf(err, errlen, "%s: program %s is SEC(\"%s\"), which cannot attach here",
			 path, pi.name, pi.section);
		return -EINVAL;
	}
	if (name && name[0])
		snprintf(err, errlen, "%s: no program %s", path, name);
	else
		snprintf(err, errlen, "%s: no program of type SEC(\"%s\")", path,
			 type == RXS_BPF_PROG_XDP ? "xdp" : type == RXS_BPF_PROG_SCHED_CLS ? "tc" :
			 type == RXS_BPF_PROG_SK_REUSEPORT ? "sk_reuseport" : "socket");
	return -ENOENT;
}

/* SO_ATTACH_REUSEPORT_EBPF takes a socket filter (its return value an index) or an
 * SEC("sk_reuseport") program: the program named, else the first of either type. */
static enum rxs_bpf_attach reuseport_attach(rxs_bpf_object_t *obj, const char *name)
{
	struct rxs_bpf_program_info pi;

	for (unsigned int i = 0; i < obj->nprogs; i++) {
		if (rxs_bpf_object_program(obj, i, &pi) || (name && name[0] && strcmp(pi.name, name)))
			continue;
		if (pi.type == RXS_BPF_PROG_SK_REUSEPORT)
			return RXS_BPF_ATTACH_SK_REUSEPORT;
		if (pi.type == RXS_BPF_PROG_SOCKET_FILTER || (name && name[0]))
			break;
	}
	return RXS_BPF_ATTACH_REUSEPORT;
}

int rxs__bpf_attach(struct rxs_netns_bpf *bpf, const char *path, const char *prog,
		    enum rxs_bpf_attach attach, const char *where, unsigned int ncpus,
		    struct rxs_bpf_link **lp, char *err, size_t errlen)
{
	struct rxs_bpf_link *l, **links;
	rxs_bpf_object_t *obj;
	int rc = object_get(bpf, path, ncpus, &obj, err, errlen), idx;

	if (rc)
		return rc;
	if (attach == RXS_BPF_ATTACH_REUSEPORT)
		attach = reuseport_attach(obj, prog);
	idx = find_prog(obj, prog, attach_type(attach), path, err, errlen);
	if (idx < 0)
		return idx;
	links = rxs__realloc(bpf->links, (bpf->nlinks + 1) * sizeof(*links));
	if (!links)
		return -ENOMEM;
	bpf->links = links;
	l = rxs__calloc(1, sizeof(*l));
	if (!l || !(l->object = rxs__strdup(path))) {
		rxs__free(l);
		return -ENOMEM;
	}
	l->obj = obj;
	l->prog = idx;
	l->fib = &bpf->fib;
	l->attach = attach;
	snprintf(l->where, sizeof(l->where), "%s", where);
	links[bpf->nlinks++] = l;
	*lp = l;
	return 0;
}

int rxs__bpf_map_init(struct rxs_netns_bpf *bpf, const char *map, const void *key,
		      uint32_t klen, const void *value, uint32_t vlen, char *err, size_t errlen)
{
	int found = 0;

	for (unsigned int i = 0; i < bpf->nobjs; i++) {
		rxs_bpf_object_t *obj = bpf->objs[i];

		for (unsigned int m = 0; m < obj->nmaps; m++) {
			const struct ebpf_map *em = &obj->maps[m];
			int rc;

			if (strcmp(em->name, map))
				continue;
			if (klen != em->key_size || vlen != em->value_size * em->ncpus) {
				snprintf(err, errlen, "bpf_maps.%s: key of %u bytes and value of %u "
					 "(map: key %u, value %u)", map, klen, vlen, em->key_size,
					 em->value_size * em->ncpus);
				return -EINVAL;
			}
			rc = rxs_bpf_map_update(obj, map, key, value, 0);
			if (rc) {
				snprintf(err, errlen, "bpf_maps.%s: update: %s%s", map, strerror(-rc),
					 rc == -EBUSY ? " (a socket can be in one slot of a sockarray "
							"only)" : "");
				return rc;
			}
			found = 1;
		}
	}
	if (!found) {
		snprintf(err, errlen, "bpf_maps.%s: no attached object has this map", map);
		return -ENOENT;
	}
	return 0;
}

void rxs__bpf_destroy(struct rxs_netns_bpf *bpf)
{
	for (unsigned int i = 0; i < bpf->nlinks; i++) {
		rxs__free(bpf->links[i]->object);
		rxs__ebpf_run_free(bpf->links[i]->run);
		rxs__free(bpf->links[i]);
	}
	for (unsigned int i = 0; i < bpf->nfilters; i++) {
		rxs_bpf_free(&bpf->filters[i]->cbpf);
		rxs__cbpf_free(&bpf->filters[i]->fast);
		rxs__free(bpf->filters[i]);
	}
	rxs__free(bpf->filters);
	rxs__free(bpf->fib.routes);
	for (unsigned int i = 0; i < bpf->nobjs; i++) {
		rxs_bpf_object_close(bpf->objs[i]);
		rxs__free(bpf->obj_paths[i]);
	}
	rxs__free(bpf->links);
	rxs__free(bpf->objs);
	rxs__free(bpf->obj_paths);
	memset(bpf, 0, sizeof(*bpf));
}

/* What the run printed, for rxsim trace; and the output is dropped so a long run does not
 * keep every record (a ringbuf gets its room back, as a reader would give it). */
static void take_output(struct rxs_bpf_link *l, struct rxs__bpf_pkt *p)
{
	const struct rxs_bpf_output *out;
	unsigned int n = rxs_bpf_object_output(l->obj, &out);
	size_t at = 0;

	p->trace[0] = 0;
	for (unsigned int i = 0; i < n && at + 1 < sizeof(p->trace); i++) {
		uint32_t len = RXS_MIN(out[i].len, (uint32_t)(sizeof(p->trace) - 1 - at));

		if (out[i].kind != RXS_BPF_OUT_TRACE)
			continue;
		memcpy(p->trace + at, out[i].data, len);
		at += len;
		p->trace[at] = 0;
	}
	if (n)
		rxs_bpf_object_clear_output(l->obj);
}

uint32_t rxs__bpf_link_run(struct rxs_bpf_link *l, struct rxs__bpf_pkt *p)
{
	bool xdp = l->attach == RXS_BPF_ATTACH_XDP || l->attach == RXS_BPF_ATTACH_XDP_GENERIC;
	bool sf = l->attach == RXS_BPF_ATTACH_SOCKET_FILTER ||
		  l->attach == RXS_BPF_ATTACH_REUSEPORT;
	bool rp = l->attach == RXS_BPF_ATTACH_SK_REUSEPORT;
	uint32_t slot;
	uint8_t ctx[192] = { 0 };
	struct rxs_bpf_run_opts o = {
		.sz = sizeof(o), .data_in = p->data, .data_size_in = p->len, .data_out = l->buf,
		.data_size_out = sizeof(l->buf), .ctx_in = ctx, .ctx_out = ctx,
		.ctx_size_in = xdp ? 24 : rp ? 56 : 192, .ctx_size_out = xdp ? 24 : rp ? 56 : 192,
		.cpu = p->cpu % l->obj->ncpus, .now_ns = p->now,
	};
	int rc;

	if (xdp) {
		memcpy(ctx + 12, &p->ifindex, 4);	/* ingress_ifindex */
		memcpy(ctx + 16, &p->rx_queue, 4);	/* rx_queue_index */
	} else if (sf) {
		memcpy(ctx + 40, &p->ifindex, 4);	/* ifindex */
	} else if (rp) {
		/* struct sk_reuseport_md past data, data_end and len (the run sets those) */
		memcpy(ctx + 20, &p->rp->eth_protocol, 4);
		memcpy(ctx + 24, &p->rp->ip_protocol, 4);
		memcpy(ctx + 28, &p->rp->bind_inany, 4);
		memcpy(ctx + 32, &p->rp->hash, 4);
	} else {
		memcpy(ctx + 8, &p->mark, 4);
		memcpy(ctx + 32, &p->priority, 4);
		memcpy(ctx + 36, &p->ifindex, 4);	/* ingress_ifindex */
		memcpy(ctx + 40, &p->ifindex, 4);	/* ifindex */
	}
	rxs__lock_acquire(&l->lock);
	p->redir = RXS__REDIR_NONE;
	p->fib = l->fib;
	rc = rxs__ebpf_path_run(l->obj, l->prog, &o, p, &l->run);
	l->runs++;
	l->insns += o.insns;
	l->last_insns = o.insns;
	p->failed = rc != 0;
	if (rc) {
		/* A frame the program grew past the buffer, or a run that failed: the
		 * exception path (XDP_ABORTED, TC_ACT_SHOT). */
		l->errors++;
		p->verdict = xdp ? XDP_ABORTED : sf || rp ? 0 : TC_ACT_SHOT;
		p->out = p->data;
		p->out_len = p->len;
		p->redir = RXS__REDIR_NONE;
	} else {
		p->verdict = o.retval;
		p->out = l->buf;
		p->out_len = o.data_size_out;
		if (!xdp && !sf && !rp) {
			memcpy(&p->mark, ctx + 8, 4);
			memcpy(&p->priority, ctx + 32, 4);
		}
	}
	/* A socket filter returns a length: dropped, trimmed or whole ("drop", "trim",
	 * "pass"); the others an action, counted by its code. */
	if (l->attach == RXS_BPF_ATTACH_SOCKET_FILTER)
		slot = !p->verdict ? 0 : p->verdict < p->len - 14 ? 1 : 2;
	else
		slot = RXS_MIN((int32_t)p->verdict < 0 ? RXS_BPF_VERDICTS - 1 : p->verdict,
			       (uint32_t)RXS_BPF_VERDICTS - 1);
	l->verdicts[slot]++;
	take_output(l, p);
	rxs__lock_release(&l->lock);
	return p->verdict;
}

void rxs__bpf_trace_verdict(struct rxs_host *h, unsigned int cpu, uint64_t t,
			    const struct rxs_bpf_link *l, const struct rxs__bpf_pkt *p, uint64_t id)
{
	const char *v = rxs_bpf_verdict_name(l->attach, p->verdict);
	char num[16];

	if (!v) {
		snprintf(num, sizeof(num), "%d", (int32_t)p->verdict);
		v = num;
	}
	rxs__trace_stage(&h->trace, t, cpu, NULL, id,
			 l->attach == RXS_BPF_ATTACH_TC_INGRESS ? "tc ingress" :
			 l->attach == RXS_BPF_ATTACH_SOCKET_FILTER ? "sk_filter" :
			 l->attach == RXS_BPF_ATTACH_REUSEPORT ||
			 l->attach == RXS_BPF_ATTACH_SK_REUSEPORT ? "reuseport" : "XDP",
			 "%s %s on %s: %s%s%s%s", rxs_bpf_attach_name(l->attach),
			 l->obj->progs[l->prog].name, l->where, v,
			 p->failed ? " (the run failed)" : "",
			 p->trace[0] ? "; bpf_trace_printk: " : "", p->trace);
}

/* ---- the host's programs and objects, as rxsim/bpf.h reads them ---- */

unsigned int rxs_bpf_prog_count(const struct rxs_host *h)
{
	return h->bpf.nlinks;
}

int rxs_bpf_prog_get_stats(const struct rxs_host *h, unsigned int i, struct rxs_bpf_prog_stats *st)
{
	const struct rxs_bpf_link *l;

	if (i >= h->bpf.nlinks)
		return -ENOENT;
	l = h->bpf.links[i];
	memset(st, 0, sizeof(*st));
	st->name = l->obj->progs[l->prog].name;
	st->object = l->object;
	st->attach = l->attach;
	st->where = l->where;
	st->runs = l->runs;
	st->insns = l->insns;
	st->errors = l->errors;
	st->exceptions = l->exceptions;
	memcpy(st->verdicts, l->verdicts, sizeof(st->verdicts));
	return 0;
}

unsigned int rxs_bpf_host_object_count(const struct rxs_host *h)
{
	return h->bpf.nobjs;
}

rxs_bpf_object_t *rxs_bpf_host_object(const struct rxs_host *h, unsigned int i)
{
	return i < h->bpf.nobjs ? h->bpf.objs[i] : NULL;
}

rxs_bpf_object_t *rxs_bpf_host_object_find(const struct rxs_host *h, const char *path)
{
	size_t n = strlen(path);

	for (unsigned int i = 0; i < h->bpf.nobjs; i++) {
		const char *p = h->bpf.obj_paths[i];
		size_t len = strlen(p);

		if (!strcmp(p, path) || (len > n && p[len - n - 1] == '/' && !strcmp(p + len - n, path)))
			return h->bpf.objs[i];
	}
	return NULL;
}

/* ---- socket filters ---- */

bool rxs__reuseport_prog_is_sk_reuseport(const struct rxs_sk_filter *f)
{
	return f->link && f->link->attach == RXS_BPF_ATTACH_SK_REUSEPORT;
}

uint32_t rxs__sk_reuseport_run(struct rxs_sk_filter *f, const uint8_t *data, uint32_t len,
			       struct rxs__reuseport_ctx *rp, unsigned int cpu, uint64_t now)
{
	struct rxs__bpf_pkt p = { .data = data, .len = len, .cpu = cpu, .now = now, .rp = rp };
	uint32_t v;

	f->runs++;
	rp->selected = NULL;
	v = rxs__bpf_link_run(f->link, &p);
	if (p.failed || v != RXS_SK_PASS) {
		rp->selected = NULL;
		return RXS_SK_DROP;
	}
	return RXS_SK_PASS;
}

static int sk_prog_create(struct rxs_netns_bpf *bpf, const char *spec, const char *sock,
			  enum rxs_bpf_attach attach, unsigned int ncpus,
			  struct rxs_sk_filter **fp, char *err, size_t errlen);

/* Classic BPF as tcpdump -ddd prints it: the count, then "code jt jf k" a line (commas
 * allowed). True when @spec is made of numbers only. */
static bool cbpf_text(const char *spec)
{
	bool digit = false;

	for (const char *p = spec; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digit = true;
		else if (*p != ' ' && *p != '\n' && *p != '\t' && *p != ',' && *p != '\r')
			return false;
	}
	return digit;
}

static int cbpf_parse(const char *spec, struct rxs_bpf_prog *prog, char *err, size_t errlen)
{
	const char *p = spec;
	char *end;
	unsigned long n = strtoul(p, &end, 10), v[4];

	if (end == p || n == 0 || n > 4096) {
		snprintf(err, errlen, "filter: classic BPF must start with its length (1..4096)");
		return -EINVAL;
	}
	prog->insns = rxs__calloc(n, sizeof(*prog->insns));
	if (!prog->insns)
		return -ENOMEM;
	prog->len = (unsigned int)n;
	p = end;
	for (unsigned long i = 0; i < n; i++) {
		for (int k = 0; k < 4; k++) {
			while (*p == ' ' || *p == ',' || *p == '\n' || *p == '\t' || *p == '\r')
				p++;
			v[k] = strtoul(p, &end, 10);
			if (end == p) {
				snprintf(err, errlen, "filter: classic BPF instruction %lu is short", i);
				return -EINVAL;
			}
			p = end;
		}
		prog->insns[i] = (struct rxs_bpf_insn){ (uint16_t)v[0], (uint8_t)v[1],
						       (uint8_t)v[2], (uint32_t)v[3] };
	}
	if (rxs_bpf_validate(prog->insns, prog->len)) {
		snprintf(err, errlen, "filter: the classic BPF program is not valid");
		return -EINVAL;
	}
	return 0;
}

int rxs__sk_filter_create(struct rxs_netns_bpf *bpf, const char *spec, const char *sock,
			  unsigned int ncpus, struct rxs_sk_filter **fp, char *err, size_t errlen)
{
	return sk_prog_create(bpf, spec, sock, RXS_BPF_ATTACH_SOCKET_FILTER, ncpus, fp, err,
			      errlen);
}

int rxs__reuseport_prog_create(struct rxs_netns_bpf *bpf, const char *spec, const char *sock,
			       unsigned int ncpus, struct rxs_sk_filter **fp, char *err,
			       size_t errlen)
{
	const char *dot = strstr(spec, ".o");

	if (!(dot && (dot[2] == 0 || dot[2] == ':') && !strchr(spec, ' ')) && !cbpf_text(spec)) {
		snprintf(err, errlen, "reuseport_prog: classic BPF (tcpdump -ddd) or an eBPF "
			 "object, not a tcpdump expression");
		return -EINVAL;
	}
	return sk_prog_create(bpf, spec, sock, RXS_BPF_ATTACH_REUSEPORT, ncpus, fp, err, errlen);
}

uint32_t rxs__reuseport_prog_run(struct rxs_sk_filter *f, const uint8_t *data, uint32_t len,
				 unsigned int cpu, uint64_t now)
{
	f->runs++;
	if (f->link) {
		struct rxs__bpf_pkt p = { .data = data - 14, .len = len + 14, .cpu = cpu,
					  .now = now };

		return rxs__bpf_link_run(f->link, &p);
	}
	return rxs__cbpf_run(&f->fast, data, len, len);
}

static int sk_prog_create(struct rxs_netns_bpf *bpf, const char *spec, const char *sock,
			  enum rxs_bpf_attach attach, unsigned int ncpus,
			  struct rxs_sk_filter **fp, char *err, size_t errlen)
{
	struct rxs_sk_filter *f = rxs__calloc(1, sizeof(*f)), **fs;
	const char *dot = strstr(spec, ".o");
	int rc;

	if (!f)
		return -ENOMEM;
	fs = rxs__realloc(bpf->filters, (bpf->nfilters + 1) * sizeof(*fs));
	if (!fs) {
		rxs__free(f);
		return -ENOMEM;
	}
	bpf->filters = fs;
	fs[bpf->nfilters++] = f;
	if (dot && (dot[2] == 0 || dot[2] == ':') && !strchr(spec, ' ')) {
		char path[RXS_BPF_PATH_MAX];

		snprintf(path, sizeof(path), "%.*s", (int)(dot + 2 - spec), spec);
		rc = rxs__bpf_attach(bpf, path, dot[2] ? dot + 3 : NULL, attach, sock, ncpus,
				     &f->link, err, errlen);
	} else if (cbpf_text(spec)) {
		rc = cbpf_parse(spec, &f->cbpf, err, errlen);
	} else {
		f->from_mac = true;
		rc = rxs_bpf_compile(&f->cbpf, spec, err, errlen);
	}
	if (rc == 0 && !f->link)
		rc = rxs__cbpf_prepare(&f->fast, f->cbpf.insns, f->cbpf.len);
	*fp = f;
	return rc;
}

uint32_t rxs__sk_filter_run(struct rxs_sk_filter *f, const uint8_t *mac, uint32_t maclen,
			    const uint8_t *data, uint32_t len, uint32_t cap, unsigned int cpu,
			    uint64_t now)
{
	uint32_t keep;

	f->runs++;
	if (f->link) {
		struct rxs__bpf_pkt p = { .data = data - 14, .len = len + 14, .cpu = cpu,
					  .now = now };

		keep = rxs__bpf_link_run(f->link, &p);
	} else if (f->from_mac) {
		/* A tcpdump expression keeps the datagram or drops it. */
		keep = rxs__cbpf_run(&f->fast, mac, maclen, maclen) ? len : 0;
	} else {
		keep = rxs__cbpf_run(&f->fast, data, len, len);
	}
	if (!keep) {
		f->dropped++;
		return 0;
	}
	if (keep < len) {
		f->trimmed++;
		return RXS_MAX(keep, cap);
	}
	f->passed++;
	return len;
}
