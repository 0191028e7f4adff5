/* ebpf_load.c - real objects: libbpf opens, links and relocates them, in a process of its own;
 * no bpf() system call.
 *
 * libbpf 1.1's ELF and BTF parsers are not safe on hostile input: a crafted object can make
 * them dereference NULL (fuzz_ebpf_elf found several). So everything done with libbpf on an
 * object happens in a forked child: open, loader generation, load, the walk over programs,
 * maps, prog array slots and CO-RE records. The child sends back what we keep, in a small
 * serialisation of our own (below, "The answer"), and exits. The parent never calls libbpf on
 * the object: it reads the answer within a time limit, checks every length, count and index,
 * and builds the object from it. A child killed by a signal, exiting without a whole answer or
 * taking too long (it is killed) is an error naming the file, not a crash or a hang of ours.
 *
 * libbpf's "loader generation" mode (bpf_object__gen_loader, for light skeletons) makes
 * bpf_object__load() record the map creations and program loads into a loader program instead
 * of doing them: every bpf() call is skipped, while the programs go through libbpf's whole
 * linking and relocation. What is left in bpf_program__insns() is what the kernel would get:
 * subprograms appended and calls resolved, map references as ld_imm64 with src_reg
 * BPF_PSEUDO_MAP_IDX (imm: the map's index in the object), global data as
 * BPF_PSEUDO_MAP_IDX_VALUE (imm: the map, next imm: the offset). docs/ebpf.md has how that was
 * verified (strace, a seccomp filter that kills on bpf(), root and nobody).
 *
 * What that mode leaves to the kernel are CO-RE relocations: the loader program passes them to
 * BPF_PROG_LOAD, which applies them against the kernel's BTF. We have neither, so an object
 * with any is refused, naming the function, the instruction and the relocation; we read them
 * from .BTF.ext ourselves (libbpf keeps its parse private). The license too is read from its
 * section, which libbpf has no getter for.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bpf/ebpf_int.h"
#include "internal.h"

/* ---- The answer ------------------------------------------------------------------------------
 *
 * What the child sends, in host byte order (the two ends are one program):
 *
 *   u32 magic "RXSE", u32 version (1), u64 length of the whole answer
 *   i32 rc (0, or -errno), str err ("" when rc is 0)
 *   when rc is 0:
 *     str license
 *     u32 nmaps, each: str name, u32 type, key_size, value_size, max_entries, map_flags,
 *                      u32 n (0, or value_size: the initial contents), n bytes
 *     u32 nprogs, each: str name, str section, u32 type (the kernel's bpf_prog_type),
 *                       u32 cnt, cnt instructions of 8 bytes
 *     u32 nslots, each: str map, u32 key, u32 program index: prog array slots to fill
 *     i32 rc, str err: the error when no slot was filled (libbpf refused to fill them)
 *   u32 magic "DONE"
 *
 * A str is a u32 length and that many bytes, without NUL. rxs__ebpf_object_from_answer()
 * checks all of it; anything short, long, out of bounds or out of order is refused. */
#define ANS_MAGIC	0x45535852u	/* "RXSE" */
#define ANS_VERSION	1u
#define ANS_END		0x454e4f44u	/* "DONE" */
#define ANS_HEADER	16u
#define ANS_MAX		(256u << 20)	/* the whole answer */
#define ANS_NAME_MAX	4096u		/* a program, section or map name */
#define ANS_ERR_MAX	1024u
#define ANS_MAPS_MAX	4096u
#define ANS_PROGS_MAX	65536u
#define ANS_SLOTS_MAX	(1u << 20)

/* Tests: the child's time limit, and a fault to inject in it (1: hang, 2: half an answer). */
unsigned int rxs__ebpf_open_timeout_ms = 10000;
int rxs__ebpf_open_child_fault;

/* ---- the parent: reading the answer --------------------------------------------------------- */

struct reader {
	const uint8_t *p;
	size_t len, at;
	const char *why;		/* the first thing wrong, or NULL */
};

static bool take(struct reader *r, void *out, size_t n)
{
	if (r->why)
		return false;
	if (n > r->len - r->at) {
		r->why = "it ends early";
		return false;
	}
	memcpy(out, r->p + r->at, n);
	r->at += n;
	return true;
}

static bool take_u32(struct reader *r, uint32_t *v)
{
	*v = 0;
	return take(r, v, 4);
}

static bool take_rc(struct reader *r, int *rc)
{
	uint32_t v;

	*rc = 0;
	if (!take_u32(r, &v))
		return false;
	*rc = (int)v;
	if (*rc > 0 || *rc < -4095) {
		r->why = "an error number out of range";
		return false;
	}
	return true;
}

/* @n bytes of the answer in place, or NULL. */
static const uint8_t *take_bytes(struct reader *r, size_t n)
{
	const uint8_t *at = r->p + r->at;

	if (r->why)
		return NULL;
	if (n > r->len - r->at) {
		r->why = "a length past its end";
		return NULL;
	}
	r->at += n;
	return at;
}

/* A string of at most @max bytes without NUL, copied and NUL-terminated (rxs__free it). */
static char *take_str(struct reader *r, size_t max)
{
	const uint8_t *s;
	uint32_t n;
	char *out;

	if (!take_u32(r, &n))
		return NULL;
	if (n > max) {
		r->why = "a string too long";
		return NULL;
	}
	s = take_bytes(r, n);
	if (!s)
		return NULL;
	if (memchr(s, 0, n)) {
		r->why = "a string with a NUL";
		return NULL;
	}
	out = rxs__malloc(n + 1);
	if (!out) {
		r->why = "no memory";
		return NULL;
	}
	memcpy(out, s, n);
	out[n] = 0;
	return out;
}

static bool prog_type_ok(uint32_t type)
{
	switch (type) {
	case RXS_BPF_PROG_XDP: case RXS_BPF_PROG_SCHED_CLS: case RXS_BPF_PROG_SOCKET_FILTER:
	case RXS_BPF_PROG_SK_REUSEPORT:
		return true;
	default:
		return false;
	}
}

static int take_maps(struct rxs_bpf_object *obj, struct reader *r, char *err, size_t errlen)
{
	uint32_t n;

	if (!take_u32(r, &n))
		return -EINVAL;
	if (n > ANS_MAPS_MAX) {
		r->why = "too many maps";
		return -EINVAL;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t f[6] = { 0 };
		struct rxs_bpf_map_info info;
		char *name = take_str(r, ANS_NAME_MAX);
		int rc;

		for (int k = 0; k < 6; k++)
			take_u32(r, &f[k]);
		info = (struct rxs_bpf_map_info){ .name = name, .type = (enum rxs_bpf_map_type)f[0],
						  .key_size = f[1], .value_size = f[2],
						  .max_entries = f[3], .map_flags = f[4] };
		if (!r->why && f[5] && f[5] != f[2])
			r->why = "initial contents not the size of the value";
		if (!r->why && f[5] && (f[0] != RXS_BPF_MAP_ARRAY || f[3] != 1))
			r->why = "initial contents for a map that is not global data";
		info.initial = take_bytes(r, f[5]);
		if (r->why) {
			rxs__free(name);
			return -EINVAL;
		}
		info.initial = f[5] ? info.initial : NULL;
		/* libbpf sizes a perf event array to the CPUs when it creates it. */
		if (info.type == RXS_BPF_MAP_PERF_EVENT_ARRAY && !info.max_entries)
			info.max_entries = obj->ncpus;
		rc = rxs__ebpf_object_add_map(obj, &info, err, errlen);
		rxs__free(name);
		if (rc)
			return rc;
	}
	return 0;
}

static int take_progs(struct rxs_bpf_object *obj, struct reader *r, char *err, size_t errlen)
{
	uint32_t n;

	if (!take_u32(r, &n))
		return -EINVAL;
	if (n > ANS_PROGS_MAX) {
		r->why = "too many programs";
		return -EINVAL;
	}
	for (uint32_t i = 0; i < n; i++) {
		char *name = take_str(r, ANS_NAME_MAX), *sec = take_str(r, ANS_NAME_MAX);
		struct rxs_ebpf_insn *insns = NULL;
		const uint8_t *code;
		uint32_t type = 0, cnt = 0;
		int rc = -EINVAL;

		take_u32(r, &type);
		take_u32(r, &cnt);
		if (!r->why && cnt > (r->len - r->at) / sizeof(*insns))
			r->why = "an instruction count past its end";
		code = take_bytes(r, (size_t)cnt * sizeof(*insns));
		if (r->why)
			goto out;
		if (!prog_type_ok(type)) {
			snprintf(err, errlen, "%s: %s: section %s: program type not supported "
				 "(xdp, tc, socket, sk_reuseport are)", obj->name, name, sec);
			rc = -ENOTSUP;
			goto out;
		}
		/* The instructions, aligned. */
		insns = rxs__malloc(cnt ? (size_t)cnt * sizeof(*insns) : 1);
		rc = -ENOMEM;
		if (!insns)
			goto out;
		if (cnt)
			memcpy(insns, code, (size_t)cnt * sizeof(*insns));
		rc = rxs__ebpf_object_add_prog(obj, name, sec, (enum rxs_bpf_prog_type)type, insns,
					       cnt);
out:
		rxs__free(insns);
		rxs__free(name);
		rxs__free(sec);
		if (rc)
			return rc;
	}
	return 0;
}

/* Fill the prog arrays' slots. How many, or a negative error. */
static int take_slots(struct rxs_bpf_object *obj, struct reader *r, char *err, size_t errlen)
{
	uint32_t n;

	if (!take_u32(r, &n))
		return -EINVAL;
	if (n > ANS_SLOTS_MAX) {
		r->why = "too many prog array slots";
		return -EINVAL;
	}
	for (uint32_t i = 0; i < n; i++) {
		char *map = take_str(r, ANS_NAME_MAX);
		uint32_t key = 0, slot = 0;
		int rc = 0;

		take_u32(r, &key);
		take_u32(r, &slot);
		if (!r->why && slot >= obj->nprogs)
			r->why = "a prog array slot naming no program";
		if (!r->why) {
			unsigned int m = 0;

			while (m < obj->nmaps && strcmp(obj->maps[m].name, map))
				m++;
			if (m == obj->nmaps || obj->maps[m].type != RXS_BPF_MAP_PROG_ARRAY)
				r->why = "a prog array slot in a map that is not a prog array";
		}
		if (r->why) {
			rc = -EINVAL;
		} else if (rxs_bpf_map_update(obj, map, &key, &slot, 0)) {
			snprintf(err, errlen, "%s: map %s: cannot set slot %u to %s", obj->name, map,
				 key, obj->progs[slot].name);
			rc = -EINVAL;
		}
		rxs__free(map);
		if (rc)
			return rc;
	}
	return (int)n;
}

int rxs__ebpf_object_from_answer(struct rxs_bpf_object *obj, const void *answer, size_t len,
				 char *err, size_t errlen)
{
	struct reader r = { answer, answer ? len : 0, 0, NULL };
	uint32_t magic = 0, version = 0, end = 0;
	uint64_t total = 0;
	char *msg = NULL, *lic;
	int rc = 0, nslots = 0;
	bool whole = true;		/* read to its end mark: not after an error of ours */

	take_u32(&r, &magic);
	take_u32(&r, &version);
	take(&r, &total, 8);
	if (!r.why && (magic != ANS_MAGIC || version != ANS_VERSION || total != len))
		r.why = magic != ANS_MAGIC ? "no magic number" : version != ANS_VERSION ?
			"another version" : "its length is not the one it gives";
	take_rc(&r, &rc);
	msg = take_str(&r, ANS_ERR_MAX);
	if (!r.why && rc) {
		if (!msg[0])
			r.why = "an error without a message";
		else
			snprintf(err, errlen, "%s", msg);
		goto end;
	}
	lic = take_str(&r, ANS_MAX);
	if (lic) {
		rxs__free(obj->license);
		obj->license = lic;
	}
	if (r.why)
		goto end;
	rc = take_maps(obj, &r, err, errlen);
	if (!rc)
		rc = take_progs(obj, &r, err, errlen);
	if (!rc) {
		nslots = take_slots(obj, &r, err, errlen);
		rc = nslots < 0 ? nslots : 0;
	}
	whole = !rc;
	if (!rc) {
		rxs__free(msg);
		take_rc(&r, &rc);
		msg = take_str(&r, ANS_ERR_MAX);
		if (!r.why && rc && !msg[0])
			r.why = "an error without a message";
		if (!r.why && rc && !nslots)
			snprintf(err, errlen, "%s", msg);
		else
			rc = 0;
	}
end:
	if (!r.why && whole) {
		take_u32(&r, &end);
		if (!r.why && (end != ANS_END || r.at != len))
			r.why = end != ANS_END ? "no end mark" : "bytes past its end mark";
	}
	rxs__free(msg);
	if (r.why) {
		snprintf(err, errlen, "%s: the answer of the process that opened it is malformed "
			 "(%s, at byte %zu)", obj->name, r.why, r.at);
		return -EINVAL;
	}
	return rc;
}

#ifdef RXS_HAVE_LIBBPF
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <gelf.h>
#include <libelf.h>

#if defined(__SANITIZE_ADDRESS__)
#define RXS_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RXS_SANITIZED 1
#endif
#endif
#ifdef RXS_SANITIZED
#include <sanitizer/common_interface_defs.h>
#endif

/* ---- the child: writing the answer ---------------------------------------------------------- */

/* The child allocates with the C library's malloc, as libbpf does, not through the caller's
 * allocator (rxs_replace_allocator), which may not be usable after fork; it frees nothing: it
 * exits. */

struct writer {
	uint8_t *p;
	size_t len, cap;
	bool failed;			/* out of memory, or past ANS_MAX */
};

static void put(struct writer *w, const void *d, size_t n)
{
	if (w->failed || !n)
		return;
	if (n > ANS_MAX - w->len) {
		w->failed = true;
		return;
	}
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;
		uint8_t *p;

		while (cap < w->len + n)
			cap *= 2;
		p = realloc(w->p, cap);
		if (!p) {
			w->failed = true;
			return;
		}
		w->p = p;
		w->cap = cap;
	}
	memcpy(w->p + w->len, d, n);
	w->len += n;
}

static void put_u32(struct writer *w, uint32_t v)
{
	put(w, &v, 4);
}

static void put_str(struct writer *w, const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max) : 0;

	put_u32(w, (uint32_t)n);
	put(w, s, n);
}

/* ---- the child: libbpf's messages ----------------------------------------------------------- */

/* libbpf prints through one process-wide callback: the child's. Its warnings are kept here
 * (the last one wins) to explain a failure, instead of going to stderr. */
static char libbpf_msg[256];

static int keep_msg(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[256];
	size_t n;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = 0;
	if (n)
		snprintf(libbpf_msg, sizeof(libbpf_msg), "%s", line);
	return 0;
}

/* ---- the ELF sections libbpf does not give us --------------------------------------------- */

struct elf_view {
	Elf *elf;
	size_t shstrndx;
};

static Elf_Data *section(struct elf_view *v, const char *want, size_t *index)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(v->elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(v->elf, v->shstrndx, sh.sh_name)))
			continue;
		if (strcmp(name, want) || sh.sh_type == SHT_NOBITS)
			continue;
		if (index)
			*index = elf_ndxscn(scn);
		return elf_getdata(scn, NULL);
	}
	return NULL;
}

/* The function of section @secidx that holds byte @off, from the symbol table. */
static const char *func_at(struct elf_view *v, size_t secidx, uint64_t off)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(v->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize ||
		    !(d = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < d->d_size / sh.sh_entsize; i++) {
			GElf_Sym s;

			if (!gelf_getsym(d, (int)i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC ||
			    s.st_shndx != secidx || off < s.st_value || off >= s.st_value + s.st_size)
				continue;
			return elf_strptr(v->elf, sh.sh_link, s.st_name);
		}
	}
	return NULL;
}

static const char *const core_kinds[] = {
	"field_byte_offset", "field_byte_size", "field_exists", "field_signed",
	"field_lshift_u64", "field_rshift_u64", "type_id_local", "type_id_target",
	"type_exists", "type_size", "enumval_exists", "enumval_value", "type_matches",
};

/* .BTF.ext (struct btf_ext_header): magic, version, flags, hdr_len, then offset/length pairs
 * past the header for func_info, line_info and, when hdr_len reaches 32, core_relo. */
static int refuse_core(struct elf_view *v, const struct btf *btf, const char *obj, char *err,
		       size_t errlen)
{
	Elf_Data *d = section(v, ".BTF.ext", NULL);
	const uint8_t *p;
	uint32_t h[8], rec, at, end, name_off, n;

	if (!d || !d->d_buf || d->d_size < 32)
		return 0;
	p = d->d_buf;
	memcpy(h, p, sizeof(h));
	if ((h[0] & 0xffff) != 0xeb9f || h[1] < 32 || h[6] == UINT32_MAX || !h[7])
		return 0;
	at = h[1] + h[6];
	end = at + h[7];
	if (at < h[1] || end < at || end > d->d_size || h[7] < 4)
		return 0;
	memcpy(&rec, p + at, 4);
	at += 4;
	for (; rec >= 16 && at + 8 <= end; at += 8 + n * rec) {
		uint32_t r[4];
		const char *sec, *fn, *type = NULL, *access;
		const struct btf_type *t;
		size_t secidx = 0;

		memcpy(&name_off, p + at, 4);
		memcpy(&n, p + at + 4, 4);
		if (!n)
			continue;
		if (n > (end - at - 8) / rec)
			break;
		memcpy(r, p + at + 8, sizeof(r));
		sec = btf ? btf__name_by_offset(btf, name_off) : NULL;
		sec = sec ? sec : "?";
		section(v, sec, &secidx);
		fn = func_at(v, secidx, r[0]);
		t = btf ? btf__type_by_id(btf, r[1]) : NULL;
		if (t)
			type = btf__name_by_offset(btf, t->name_off);
		access = btf ? btf__name_by_offset(btf, r[2]) : NULL;
		snprintf(err, errlen, "%s: %s: insn %u of section %s: CO-RE relocation %s of %s%s "
			 "(access %s): CO-RE needs the kernel's BTF and is not supported; build "
			 "without BPF_CORE_READ/preserve_access_index", obj, fn ? fn : "?",
			 r[0] / 8, sec, r[3] < ARRAY_SIZE(core_kinds) ? core_kinds[r[3]] : "?",
			 t && btf_is_composite(t) ? (btf_is_struct(t) ? "struct " : "union ") : "",
			 type && *type ? type : "(anon)", access ? access : "?");
		return -ENOTSUP;
	}
	return 0;
}

/* ---- BTF that libbpf 1.1 would trip on ------------------------------------------------------ */

static bool id_ok(const struct btf *btf, uint32_t id)
{
	return id < btf__type_cnt(btf);
}

/* One type's references: every type id it names exists, and a function's is a prototype. */
static bool type_ok(const struct btf *btf, const struct btf_type *t)
{
	uint16_t n = btf_vlen(t);

	if (!btf__name_by_offset(btf, t->name_off))
		return false;
	switch (btf_kind(t)) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
	case BTF_KIND_TYPE_TAG:
		return id_ok(btf, t->type);
	case BTF_KIND_FUNC:
		return id_ok(btf, t->type) && btf_is_func_proto(btf__type_by_id(btf, t->type));
	case BTF_KIND_ARRAY:
		return id_ok(btf, btf_array(t)->type) && id_ok(btf, btf_array(t)->index_type);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		for (uint16_t i = 0; i < n; i++)
			if (!id_ok(btf, btf_members(t)[i].type) ||
			    !btf__name_by_offset(btf, btf_members(t)[i].name_off))
				return false;
		return true;
	case BTF_KIND_FUNC_PROTO:
		for (uint16_t i = 0; i < n; i++)
			if (!id_ok(btf, btf_params(t)[i].type))
				return false;
		return id_ok(btf, t->type);
	case BTF_KIND_DATASEC:
		for (uint16_t i = 0; i < n; i++)
			if (!id_ok(btf, btf_var_secinfos(t)[i].type))
				return false;
		return true;
	default:
		return true;
	}
}

/* libbpf 1.1 follows a .BTF's type ids without checking them (parse_btf_map_def ->
 * skip_mods_and_typedefs dereferences NULL on an id past the end: found by fuzz_ebpf_elf);
 * later versions check them all when they parse BTF (btf_sanity_check). We do the same checks
 * first, so that a damaged object is refused rather than crashing its caller. */
static int check_btf(struct elf_view *v, const char *obj, char *err, size_t errlen)
{
	Elf_Data *d = section(v, ".BTF", NULL);
	struct btf *btf;
	uint32_t id, n;

	if (!d || !d->d_buf)
		return 0;
	btf = btf__new(d->d_buf, d->d_size);
	if (!btf) {
		snprintf(err, errlen, "%s: .BTF cannot be parsed", obj);
		return -EINVAL;
	}
	n = btf__type_cnt(btf);
	for (id = 1; id < n && type_ok(btf, btf__type_by_id(btf, id)); id++)
		;
	btf__free(btf);
	if (id < n) {
		snprintf(err, errlen, "%s: .BTF type [%u] refers to a type or name that does not "
			 "exist", obj, id);
		return -EINVAL;
	}
	return 0;
}

/* ---- prog arrays filled in the object ------------------------------------------------------- */

/* A prog array may name programs in the object: `.values = { [0] = (void *)&prog }`, a
 * relocation in .rel.maps against the program's symbol. libbpf fills those slots after the
 * programs are loaded and refuses to in loader-generation mode (init_prog_array_slots:
 * -ENOTSUP), after every program is relocated. So we read them as libbpf does
 * (bpf_object__collect_map_relos): the map is the .maps variable holding the relocation, the
 * slot its distance from the map's last BTF member, "values", in 8-byte pointers. */
static uint32_t values_offset(const struct btf *btf, const char *map)
{
	int id = btf ? btf__find_by_name_kind(btf, map, BTF_KIND_VAR) : -1;
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, (uint32_t)id) : NULL;
	const char *last;

	if (t)
		t = btf__type_by_id(btf, t->type);
	while (t && (btf_is_typedef(t) || btf_is_mod(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_struct(t) || !btf_vlen(t))
		return UINT32_MAX;
	last = btf__name_by_offset(btf, btf_members(t)[btf_vlen(t) - 1].name_off);
	if (!last || strcmp(last, "values"))
		return UINT32_MAX;
	return btf_member_bit_offset(t, btf_vlen(t) - 1) / 8;
}

/* The symbol of section @shndx covering byte @off of it, or NULL. */
static const char *var_at(struct elf_view *v, Elf_Data *syms, size_t strndx, size_t n,
			  size_t shndx, uint64_t off, uint64_t *start)
{
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;

		if (!gelf_getsym(syms, (int)i, &s) || s.st_shndx != shndx || off < s.st_value ||
		    off >= s.st_value + s.st_size)
			continue;
		*start = s.st_value;
		return elf_strptr(v->elf, strndx, s.st_name);
	}
	return NULL;
}

/* The index of program @name as the parent will number them (libbpf's order), or -1. */
static int prog_index(struct bpf_object *bo, const char *name)
{
	struct bpf_program *p;
	int i = 0;

	bpf_object__for_each_program(p, bo) {
		if (!strcmp(bpf_program__name(p), name))
			return i;
		i++;
	}
	return -1;
}

/* The slots the object fills: (map, key, program) records for the parent, who sets them. */
static uint32_t put_slots(struct writer *w, struct elf_view *v, struct bpf_object *bo)
{
	const struct btf *btf = bpf_object__btf(bo);
	size_t maps_idx = 0, strndx = 0, nsyms = 0, at = w->len;
	Elf_Data *syms = NULL, *rel = NULL;
	Elf_Scn *scn = NULL;
	uint32_t count = 0;
	GElf_Shdr sh;

	put_u32(w, 0);
	if (!section(v, ".maps", &maps_idx))
		return 0;
	while ((scn = elf_nextscn(v->elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || !sh.sh_entsize)
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			syms = elf_getdata(scn, NULL);
			strndx = sh.sh_link;
			nsyms = syms ? syms->d_size / sh.sh_entsize : 0;
		} else if (sh.sh_type == SHT_REL && sh.sh_info == maps_idx) {
			rel = elf_getdata(scn, NULL);
		}
	}
	for (int i = 0; syms && rel && i < (int)(rel->d_size / sizeof(Elf64_Rel)); i++) {
		const char *prog, *map;
		uint64_t start = 0, moff;
		const struct bpf_map *pa;
		GElf_Rel r;
		GElf_Sym s;
		int idx;

		if (!gelf_getrel(rel, i, &r) ||
		    !gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &s) ||
		    !(prog = elf_strptr(v->elf, strndx, s.st_name)) ||
		    !(map = var_at(v, syms, strndx, nsyms, maps_idx, r.r_offset, &start)))
			continue;
		idx = prog_index(bo, prog);
		moff = values_offset(btf, map);
		pa = bpf_object__find_map_by_name(bo, map);
		if (idx < 0 || moff == UINT32_MAX || !pa ||
		    bpf_map__type(pa) != BPF_MAP_TYPE_PROG_ARRAY || r.r_offset < start + moff ||
		    (r.r_offset - start - moff) % 8 || count >= ANS_SLOTS_MAX)
			continue;
		put_str(w, map, ANS_NAME_MAX);
		put_u32(w, (uint32_t)((r.r_offset - start - moff) / 8));
		put_u32(w, (uint32_t)idx);
		count++;
	}
	if (!w->failed)
		memcpy(w->p + at, &count, 4);
	return count;
}

/* ---- the child: libbpf's object, written out ------------------------------------------------ */

static void put_maps(struct writer *w, struct bpf_object *bo)
{
	size_t at = w->len;
	uint32_t count = 0;
	struct bpf_map *m;

	put_u32(w, 0);
	bpf_object__for_each_map(m, bo) {
		const void *initial = NULL;
		uint32_t vsz = bpf_map__value_size(m);
		size_t sz = 0;

		if (bpf_map__is_internal(m)) {
			initial = bpf_map__initial_value(m, &sz);
			if (sz < vsz)
				initial = NULL;
		}
		put_str(w, bpf_map__name(m), ANS_NAME_MAX);
		put_u32(w, (uint32_t)bpf_map__type(m));
		put_u32(w, bpf_map__key_size(m));
		put_u32(w, vsz);
		put_u32(w, bpf_map__max_entries(m));
		put_u32(w, bpf_map__map_flags(m));
		put_u32(w, initial ? vsz : 0);
		if (initial)
			put(w, initial, vsz);
		count++;
	}
	if (!w->failed)
		memcpy(w->p + at, &count, 4);
}

static void put_progs(struct writer *w, struct bpf_object *bo)
{
	size_t at = w->len;
	uint32_t count = 0;
	struct bpf_program *p;

	put_u32(w, 0);
	bpf_object__for_each_program(p, bo) {
		size_t cnt = bpf_program__insn_cnt(p);

		put_str(w, bpf_program__name(p), ANS_NAME_MAX);
		put_str(w, bpf_program__section_name(p), ANS_NAME_MAX);
		put_u32(w, (uint32_t)bpf_program__type(p));
		put_u32(w, (uint32_t)cnt);
		put(w, bpf_program__insns(p), cnt * sizeof(struct rxs_ebpf_insn));
		count++;
	}
	if (!w->failed)
		memcpy(w->p + at, &count, 4);
}

/* Open, refuse CO-RE, relocate without the kernel, write out: the body of the answer after
 * rc and err, or an error in @err. */
static int load(struct writer *w, struct elf_view *v, const void *buf, size_t len,
		const char *name, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	LIBBPF_OPTS(gen_loader_opts, go);
	struct bpf_object *bo;
	Elf_Data *lic;
	char stem[64];
	int rc, load_err = 0;
	size_t n;

	/* libbpf names global data "<stem>.bss": the file name without ".o", as for a path. */
	snprintf(stem, sizeof(stem), "%s", name);
	n = strlen(stem);
	if (n > 2 && !strcmp(stem + n - 2, ".o"))
		stem[n - 2] = 0;
	oo.object_name = stem;

	rc = check_btf(v, name, err, errlen);
	if (rc)
		return rc;
	bo = bpf_object__open_mem(buf, len, &oo);
	if (!bo) {
		rc = -errno ? -errno : -EINVAL;
		snprintf(err, errlen, "%s: libbpf cannot open it: %s", name,
			 libbpf_msg[0] ? libbpf_msg : strerror(-rc));
		return rc == -ENOENT ? -EINVAL : rc;
	}
	rc = refuse_core(v, bpf_object__btf(bo), name, err, errlen);
	if (!rc)
		rc = bpf_object__gen_loader(bo, &go);
	if (!rc) {
		rc = load_err = bpf_object__load(bo);
		/* -ENOTSUP from load after every program was relocated: prog array slots in
		 * the object, which the parent fills instead (see put_slots()). */
		if (rc == -ENOTSUP)
			rc = 0;
	}
	if (rc && !err[0])
		snprintf(err, errlen, "%s: libbpf cannot relocate it: %s", name,
			 libbpf_msg[0] ? libbpf_msg : strerror(-rc));
	if (!rc) {
		/* The license: its section up to the first NUL. */
		lic = section(v, "license", NULL);
		put_str(w, lic && lic->d_buf ? lic->d_buf : "", lic && lic->d_buf ? lic->d_size : 0);
		put_maps(w, bo);
		put_progs(w, bo);
		if (!put_slots(w, v, bo) && load_err == -ENOTSUP) {
			char msg[ANS_ERR_MAX];

			snprintf(msg, sizeof(msg), "%s: libbpf cannot relocate it: %s", name,
				 libbpf_msg[0] ? libbpf_msg : strerror(ENOTSUP));
			put_u32(w, (uint32_t)-ENOTSUP);
			put_str(w, msg, ANS_ERR_MAX);
		} else {
			put_u32(w, 0);
			put_str(w, "", 0);
		}
	}
	bpf_object__close(bo);
	return rc;
}

#ifdef RXS_SANITIZED
/* A sanitizer's report in the child ends it here, not in the fuzzer's handler of the parent
 * (which would record the parent's input as a crash). */
static void child_died(void)
{
	_exit(86);
}
#endif

/* The child: answer on @fd and exit. */
static void __attribute__((noreturn)) child(int fd, pid_t parent, const void *buf, size_t len,
					   const char *name)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS,
				    SIGPIPE, SIGXCPU, SIGXFSZ, SIGALRM, SIGTERM, SIGINT, SIGHUP };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	struct writer w = { 0 }, body = { 0 };
	struct elf_view v = { NULL, 0 };
	uint64_t total;
	char err[ANS_ERR_MAX] = "";
	sigset_t none;
	void *copy;
	int rc = 0;

	/* Die of what kills: not through handlers of the caller's (or a sanitizer's). */
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
#ifdef RXS_SANITIZED
	__sanitizer_set_death_callback(child_died);
#endif
	if (rxs__ebpf_open_child_fault == 1)
		for (;;)
			pause();
	libbpf_set_print(keep_msg);
	/* libelf reads an image in place: a copy of ours. */
	copy = malloc(len ? len : 1);
	if (!copy)
		_exit(2);
	if (len)
		memcpy(copy, buf, len);
	elf_version(EV_CURRENT);
	v.elf = elf_memory(copy, len);
	if (!v.elf || elf_kind(v.elf) != ELF_K_ELF || elf_getshdrstrndx(v.elf, &v.shstrndx)) {
		snprintf(err, sizeof(err), "%s: not an ELF object", name);
		rc = -EINVAL;
	}
	if (!rc)
		rc = load(&body, &v, copy, len, name, err, sizeof(err));
	if (!rc && body.failed) {
		snprintf(err, sizeof(err), "%s: too large: its programs and maps take over %u MiB",
			 name, ANS_MAX >> 20);
		rc = -E2BIG;
	}
	if (rc && !err[0])
		snprintf(err, sizeof(err), "%s: libbpf cannot open it: %s", name, strerror(-rc));
	put_u32(&w, ANS_MAGIC);
	put_u32(&w, ANS_VERSION);
	put(&w, &(uint64_t){ 0 }, 8);
	put_u32(&w, (uint32_t)rc);
	put_str(&w, rc ? err : "", ANS_ERR_MAX);
	if (!rc)
		put(&w, body.p, body.len);
	put_u32(&w, ANS_END);
	if (w.failed)
		_exit(2);
	total = w.len;
	memcpy(w.p + 8, &total, 8);
	if (rxs__ebpf_open_child_fault == 2)
		w.len /= 2;
	for (size_t at = 0; at < w.len;) {
		ssize_t n = write(fd, w.p + at, w.len - at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3);
		at += (size_t)n;
	}
	_exit(0);
}

/* ---- the parent: the child's run ------------------------------------------------------------ */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "signal %d", sig);
}

/* Read the child's answer from @fd within the time limit, then reap it. 0 with the answer in
 * *@ansp (rxs__free it), or an error naming the file. */
static int collect(pid_t pid, int fd, const char *name, uint8_t **ansp, size_t *lenp, char *err,
		   size_t errlen)
{
	uint64_t start = now_ms(), limit = rxs__ebpf_open_timeout_ms;
	uint8_t head[ANS_HEADER], *ans = NULL, *dst = head;
	size_t got = 0, want = ANS_HEADER;
	bool reaped = false, late = false, done = false;
	const char *bad = NULL;
	int status = 0;
	char what[64];

	while (!done && !bad) {
		uint64_t spent = now_ms() - start;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int pr;

		if (spent >= limit) {
			late = true;
			break;
		}
		pr = poll(&pfd, 1, (int)(limit - spent < 100 ? limit - spent : 100));
		if (pr < 0 && errno != EINTR)
			break;
		if (pr <= 0) {
			/* Nothing to read: the child may be gone while another process (a fork of
			 * another thread's) holds the pipe open, so no end of file comes. */
			if (pr == 0 && !reaped && waitpid(pid, &status, WNOHANG) == pid)
				reaped = true;
			else if (pr == 0 && reaped)
				break;
			continue;
		}
		n = read(fd, dst + got, want - got);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got < want)
			continue;
		if (ans) {
			done = true;
			break;
		}
		/* The header: how long the whole answer is. */
		{
			uint32_t magic, version;
			uint64_t total;

			memcpy(&magic, head, 4);
			memcpy(&version, head + 4, 4);
			memcpy(&total, head + 8, 8);
			if (magic != ANS_MAGIC || version != ANS_VERSION || total < ANS_HEADER ||
			    total > ANS_MAX) {
				bad = "a bad header";
				break;
			}
			ans = rxs__malloc((size_t)total);
			if (!ans) {
				bad = "no memory for it";
				break;
			}
			memcpy(ans, head, ANS_HEADER);
			dst = ans;
			want = (size_t)total;
			done = got == want;
		}
	}
	if (!reaped) {
		if (!done)
			kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR) {
				/* SIGCHLD ignored, or someone else reaped it: only the answer says. */
				status = done ? 0 : -1;
				break;
			}
		}
	}
	if (done && status == 0) {
		*ansp = ans;
		*lenp = want;
		return 0;
	}
	rxs__free(ans);
	if (late) {
		char secs[32];

		if (limit % 1000)
			snprintf(secs, sizeof(secs), "%u.%u", (unsigned int)(limit / 1000),
				 (unsigned int)(limit % 1000 / 100));
		else
			snprintf(secs, sizeof(secs), "%u", (unsigned int)(limit / 1000));
		snprintf(err, errlen, "%s: libbpf could not parse the object (it took over %s s: "
			 "stopped)", name, secs);
		return -ETIMEDOUT;
	}
	if (bad) {
		snprintf(err, errlen, "%s: the answer of the process that opened it is malformed "
			 "(%s)", name, bad);
		return -EINVAL;
	}
	if (status != -1 && WIFSIGNALED(status))
		signal_name(WTERMSIG(status), what, sizeof(what));
	else if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status))
		snprintf(what, sizeof(what), "exit status %d", WEXITSTATUS(status));
	else
		snprintf(what, sizeof(what), "it ended with %zu of %zu bytes of its answer", got,
			 want);
	snprintf(err, errlen, "%s: libbpf could not parse the object (%s%s)", name,
		 status != -1 && (WIFSIGNALED(status) || WEXITSTATUS(status)) ? "it crashed: " : "",
		 what);
	return -EINVAL;
}

int rxs__ebpf_answer(const void *buf, size_t len, const char *name, uint8_t **ansp,
		     size_t *lenp, char *err, size_t errlen)
{
	pid_t parent = getpid(), pid;
	int fds[2], rc;

	*ansp = NULL;
	*lenp = 0;
	if (pipe2(fds, O_CLOEXEC)) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open a pipe to the process that opens it: %s",
			 name, strerror(-rc));
		return rc;
	}
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(fds[0]);
		close(fds[1]);
		snprintf(err, errlen, "%s: cannot start the process that opens it: %s", name,
			 strerror(-rc));
		return rc;
	}
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], parent, buf, len, name);
	}
	close(fds[1]);
	rc = collect(pid, fds[0], name, ansp, lenp, err, errlen);
	close(fds[0]);
	return rc;
}

/* Everything libbpf does with the object, in a child; the answer, checked, builds @obj. */
static int load_in_child(struct rxs_bpf_object *obj, const void *buf, size_t len, char *err,
			 size_t errlen)
{
	uint8_t *ans;
	size_t anslen;
	int rc;

	rc = rxs__ebpf_answer(buf, len, obj->name, &ans, &anslen, err, errlen);
	if (!rc)
		rc = rxs__ebpf_object_from_answer(obj, ans, anslen, err, errlen);
	rxs__free(ans);
	return rc;
}

static int open_mem(rxs_bpf_object_t **objp, const void *buf, size_t len, const char *name,
		    const struct rxs_bpf_object_opts *opts, char *err, size_t errlen)
{
	struct rxs_bpf_object *obj;
	int rc;

	rc = rxs__ebpf_object_new(&obj, name, opts, err, errlen);
	if (rc)
		return rc;
	rc = load_in_child(obj, buf, len, err, errlen);
	if (!rc)
		rc = rxs__ebpf_object_check(obj, err, errlen);
	if (rc) {
		rxs_bpf_object_close(obj);
		return rc;
	}
	*objp = obj;
	return 0;
}
#else
int rxs__ebpf_answer(const void *buf, size_t len, const char *name, uint8_t **ansp,
		     size_t *lenp, char *err, size_t errlen)
{
	(void)buf;
	(void)len;
	*ansp = NULL;
	*lenp = 0;
	snprintf(err, errlen, "%s: rxsim was built without libbpf", name);
	return -ENOTSUP;
}

static int open_mem(rxs_bpf_object_t **objp, const void *buf, size_t len, const char *name,
		    const struct rxs_bpf_object_opts *opts, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: rxsim was built without libbpf: eBPF objects cannot be opened",
		 name);
	return -ENOTSUP;
}
#endif

int rxs_bpf_object_open_mem(rxs_bpf_object_t **objp, const void *buf, size_t len,
			    const char *name, const struct rxs_bpf_object_opts *opts, char *err,
			    size_t errlen)
{
	char dummy[1];

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (errlen)
		err[0] = 0;
	if (!objp || (!buf && len)) {
		snprintf(err, errlen, "rxs_bpf_object_open_mem: bad arguments");
		return -EINVAL;
	}
	*objp = NULL;
	return open_mem(objp, buf, len, name ? name : "object", opts, err, errlen);
}

/* The file name without its folders: messages name "prog.o", libbpf's maps "prog.bss". */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int rxs_bpf_object_open(rxs_bpf_object_t **objp, const char *path,
			const struct rxs_bpf_object_opts *opts, char *err, size_t errlen)
{
	char dummy[1];
	struct stat st;
	uint8_t *buf;
	ssize_t n = 0;
	int fd, rc;

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (!objp || !path || !rxs__ebpf_opts_valid(opts, sizeof(*opts))) {
		snprintf(err, errlen, "rxs_bpf_object_open: bad arguments or options");
		return -EINVAL;
	}
	*objp = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	rc = fd < 0 || fstat(fd, &st) ? -errno : st.st_size > (64 << 20) ? -EFBIG : 0;
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	buf = rxs__malloc(st.st_size ? (size_t)st.st_size : 1);
	if (buf)
		n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (!buf || n != st.st_size) {
		rxs__free(buf);
		snprintf(err, errlen, "%s: cannot read it", path);
		return buf ? -EIO : -ENOMEM;
	}
	rc = rxs_bpf_object_open_mem(objp, buf, (size_t)st.st_size, base_name(path), opts, err,
				     errlen);
	rxs__free(buf);
	return rc;
}
