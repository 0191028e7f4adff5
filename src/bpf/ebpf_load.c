/* ebpf_load.c - real objects: libbpf opens, links and relocates them; no bpf() system call.
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
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/ebpf_int.h"
#include "internal.h"

#ifdef RXS_HAVE_LIBBPF
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <gelf.h>
#include <libelf.h>

/* ---- libbpf's messages ---------------------------------------------------------------------- */

/* libbpf prints through one process-wide callback: while we call it, its warnings are kept
 * here (the last ones win) to explain a failure, instead of going to stderr. */
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

static int read_license(struct rxs_bpf_object *obj, struct elf_view *v)
{
	Elf_Data *d = section(v, "license", NULL);
	char *lic;

	if (!d || !d->d_buf || !d->d_size)
		return 0;
	lic = rxs__malloc(d->d_size + 1);
	if (!lic)
		return -ENOMEM;
	memcpy(lic, d->d_buf, d->d_size);
	lic[d->d_size] = 0;
	rxs__free(obj->license);
	obj->license = lic;
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

/* Fill the prog arrays as the object says. Returns how many slots, or a negative error. */
static int prog_array_slots(struct rxs_bpf_object *obj, struct elf_view *v,
			    const struct btf *btf, char *err, size_t errlen)
{
	size_t maps_idx = 0, strndx = 0, nsyms = 0;
	Elf_Data *syms = NULL, *rel = NULL;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	int count = 0;

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
		uint32_t key, slot;
		GElf_Rel r;
		GElf_Sym s;
		int idx;

		if (!gelf_getrel(rel, i, &r) ||
		    !gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &s) ||
		    !(prog = elf_strptr(v->elf, strndx, s.st_name)) ||
		    !(map = var_at(v, syms, strndx, nsyms, maps_idx, r.r_offset, &start)))
			continue;
		idx = rxs_bpf_object_program_index(obj, prog);
		moff = values_offset(btf, map);
		if (idx < 0 || moff == UINT32_MAX || r.r_offset < start + moff ||
		    (r.r_offset - start - moff) % 8)
			continue;
		key = (uint32_t)((r.r_offset - start - moff) / 8);
		slot = (uint32_t)idx;
		if (rxs_bpf_map_update(obj, map, &key, &slot, 0)) {
			snprintf(err, errlen, "%s: map %s: cannot set slot %u to %s", obj->name, map,
				 key, prog);
			return -EINVAL;
		}
		count++;
	}
	return count;
}

/* ---- from libbpf's object to ours ---------------------------------------------------------- */

static int prog_type(const struct bpf_program *p, enum rxs_bpf_prog_type *type)
{
	switch (bpf_program__type(p)) {
	case BPF_PROG_TYPE_XDP: *type = RXS_BPF_PROG_XDP; return 0;
	case BPF_PROG_TYPE_SCHED_CLS: *type = RXS_BPF_PROG_SCHED_CLS; return 0;
	case BPF_PROG_TYPE_SOCKET_FILTER: *type = RXS_BPF_PROG_SOCKET_FILTER; return 0;
	case BPF_PROG_TYPE_SK_REUSEPORT: *type = RXS_BPF_PROG_SK_REUSEPORT; return 0;
	default: return -ENOTSUP;
	}
}

static int take_maps(struct rxs_bpf_object *obj, struct bpf_object *bo, char *err, size_t errlen)
{
	struct bpf_map *m;
	int rc = 0;

	bpf_object__for_each_map(m, bo) {
		struct rxs_bpf_map_info info = {
			.name = bpf_map__name(m),
			.type = (enum rxs_bpf_map_type)bpf_map__type(m),
			.key_size = bpf_map__key_size(m),
			.value_size = bpf_map__value_size(m),
			.max_entries = bpf_map__max_entries(m),
			.map_flags = bpf_map__map_flags(m),
		};
		size_t sz = 0;

		if (bpf_map__is_internal(m)) {
			info.initial = bpf_map__initial_value(m, &sz);
			if (sz < info.value_size)
				info.initial = NULL;
		}
		/* libbpf sizes a perf event array to the CPUs when it creates it. */
		if (info.type == RXS_BPF_MAP_PERF_EVENT_ARRAY && !info.max_entries)
			info.max_entries = obj->ncpus;
		rc = rxs__ebpf_object_add_map(obj, &info, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

static int take_progs(struct rxs_bpf_object *obj, struct bpf_object *bo, char *err,
		      size_t errlen)
{
	struct bpf_program *p;
	int rc;

	bpf_object__for_each_program(p, bo) {
		enum rxs_bpf_prog_type type;
		const struct bpf_insn *insns = bpf_program__insns(p);

		if (prog_type(p, &type)) {
			snprintf(err, errlen, "%s: %s: section %s: program type not supported "
				 "(xdp, tc, socket, sk_reuseport are)", obj->name,
				 bpf_program__name(p), bpf_program__section_name(p));
			return -ENOTSUP;
		}
		rc = rxs__ebpf_object_add_prog(obj, bpf_program__name(p),
					       bpf_program__section_name(p), type,
					       (const struct rxs_ebpf_insn *)insns,
					       (unsigned int)bpf_program__insn_cnt(p));
		if (rc)
			return rc;
	}
	return 0;
}

/* Open, refuse CO-RE, relocate without the kernel, copy out. */
static int load(struct rxs_bpf_object *obj, struct elf_view *v, const void *buf, size_t len,
		char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	LIBBPF_OPTS(gen_loader_opts, go);
	struct bpf_object *bo;
	char stem[64];
	int rc, load_err = 0;
	size_t n;

	/* libbpf names global data "<stem>.bss": the file name without ".o", as for a path. */
	snprintf(stem, sizeof(stem), "%s", obj->name);
	n = strlen(stem);
	if (n > 2 && !strcmp(stem + n - 2, ".o"))
		stem[n - 2] = 0;
	oo.object_name = stem;

	bo = bpf_object__open_mem(buf, len, &oo);
	if (!bo) {
		rc = -errno ? -errno : -EINVAL;
		snprintf(err, errlen, "%s: libbpf cannot open it: %s", obj->name,
			 libbpf_msg[0] ? libbpf_msg : strerror(-rc));
		return rc == -ENOENT ? -EINVAL : rc;
	}
	rc = refuse_core(v, bpf_object__btf(bo), obj->name, err, errlen);
	if (!rc)
		rc = bpf_object__gen_loader(bo, &go);
	if (!rc) {
		rc = load_err = bpf_object__load(bo);
		/* -ENOTSUP from load after every program was relocated: prog array slots in
		 * the object, which prog_array_slots() fills instead (see there). */
		if (rc == -ENOTSUP)
			rc = 0;
	}
	if (rc && !err[0])
		snprintf(err, errlen, "%s: libbpf cannot relocate it: %s", obj->name,
			 libbpf_msg[0] ? libbpf_msg : strerror(-rc));
	if (!rc)
		rc = take_maps(obj, bo, err, errlen);
	if (!rc)
		rc = take_progs(obj, bo, err, errlen);
	if (!rc) {
		rc = prog_array_slots(obj, v, bpf_object__btf(bo), err, errlen);
		if (rc == 0 && load_err == -ENOTSUP) {
			snprintf(err, errlen, "%s: libbpf cannot relocate it: %s", obj->name,
				 libbpf_msg[0] ? libbpf_msg : strerror(ENOTSUP));
			rc = -ENOTSUP;
		}
		rc = rc > 0 ? 0 : rc;
	}
	bpf_object__close(bo);
	return rc;
}

static int open_mem(rxs_bpf_object_t **objp, const void *buf, size_t len, const char *name,
		    const struct rxs_bpf_object_opts *opts, char *err, size_t errlen)
{
	libbpf_print_fn_t old;
	struct rxs_bpf_object *obj;
	struct elf_view v = { NULL, 0 };
	void *copy;
	int rc;

	rc = rxs__ebpf_object_new(&obj, name, opts, err, errlen);
	if (rc)
		return rc;
	/* libelf reads an image in place: ours, so that nothing the caller owns is touched. */
	copy = rxs__malloc(len ? len : 1);
	if (!copy) {
		rxs_bpf_object_close(obj);
		return -ENOMEM;
	}
	memcpy(copy, buf, len);
	elf_version(EV_CURRENT);
	v.elf = elf_memory(copy, len);
	if (!v.elf || elf_kind(v.elf) != ELF_K_ELF || elf_getshdrstrndx(v.elf, &v.shstrndx)) {
		snprintf(err, errlen, "%s: not an ELF object", obj->name);
		rc = -EINVAL;
	}
	libbpf_msg[0] = 0;
	old = libbpf_set_print(keep_msg);
	if (!rc)
		rc = read_license(obj, &v);
	if (!rc)
		rc = check_btf(&v, obj->name, err, errlen);
	if (!rc)
		rc = load(obj, &v, buf, len, err, errlen);
	libbpf_set_print(old);
	if (v.elf)
		elf_end(v.elf);
	rxs__free(copy);
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
