/* bpf.c - the scenario's eBPF keys: a NIC's programs (nics[].xdp, nics[].tc_ingress: object,
 * program, mode) and the maps' initial contents (bpf_maps: { map: [{ key, value }] }). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"
#include "internal.h"

#define QUOTE_MAX 64
#define NIC(obj) ((struct rxs_nic_config *)(obj))

/* An object's path, resolved against the scenario's folder; "" detaches the program
 * (--set nics.eth0.xdp.object= replays the path without it). */
static int set_object(struct cfg_ctx *c, yaml_node_t *v, struct rxs_bpf_prog_config *p)
{
	const char *s = NULL;
	char *path = NULL;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	if (!s[0]) {
		p->object[0] = 0;
		return 0;
	}
	err = rxs__cfg_path(c, v, &path);
	if (err)
		return err;
	if (strlen(path) >= sizeof(p->object)) {
		rxs__free(path);
		return rxs__cfg_error(c, v, "path longer than %zu characters", sizeof(p->object) - 1);
	}
	strcpy(p->object, path);
	rxs__free(path);
	return 0;
}

static int set_program(struct cfg_ctx *c, yaml_node_t *v, struct rxs_bpf_prog_config *p)
{
	const char *s = NULL;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	if (strlen(s) >= sizeof(p->program))
		return rxs__cfg_error(c, v, "program name longer than %zu characters",
				      sizeof(p->program) - 1);
	strcpy(p->program, s);
	return 0;
}

static int set_xdp_object(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return set_object(c, v, &NIC(obj)->xdp);
}

static int set_xdp_program(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return set_program(c, v, &NIC(obj)->xdp);
}

static int set_xdp_mode(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	const char *s = NULL;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	if (strcmp(s, "native") && strcmp(s, "generic"))
		return rxs__cfg_error(c, v, "unknown XDP mode '%.*s' (native or generic)",
				      QUOTE_MAX, s);
	NIC(obj)->xdp.generic = !strcmp(s, "generic");
	return 0;
}

static int set_tc_object(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return set_object(c, v, &NIC(obj)->tc_ingress);
}

static int set_tc_program(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return set_program(c, v, &NIC(obj)->tc_ingress);
}

const struct cfg_key rxs__cfg_xdp_keys[] = {
	{ .name = "object", .set = set_xdp_object },
	{ .name = "program", .set = set_xdp_program },
	{ .name = "mode", .set = set_xdp_mode },
	{ 0 },
};

const struct cfg_key rxs__cfg_tc_keys[] = {
	{ .name = "object", .set = set_tc_object },
	{ .name = "program", .set = set_tc_program },
	{ 0 },
};

/* A key or value: an integer (decimal or 0x...), sized when the map is known; an IPv4
 * address (4 bytes, network order); or hex bytes in order ("0a000001", "0a:00:00:01"), as
 * the JSON report writes them. */
static int parse_bytes(struct cfg_ctx *c, yaml_node_t *v, struct rxs_bpf_bytes *out)
{
	const char *s = NULL;
	char *end;
	struct in_addr a;
	int err = rxs__cfg_scalar(c, v, &s);
	unsigned long long n;

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	if (s[0] >= '0' && s[0] <= '9') {
		errno = 0;
		n = strtoull(s, &end, 0);
		if (!*end && !errno) {
			uint64_t u = n;

			memcpy(out->b, &u, 8);	/* little-endian hosts only, as the maps are */
			out->len = 8;
			out->integer = true;
			return 0;
		}
	}
	if (inet_pton(AF_INET, s, &a) == 1) {
		memcpy(out->b, &a, 4);
		out->len = 4;
		return 0;
	}
	for (const char *p = s; *p;) {
		int hi, lo;

		if (*p == ':' || *p == ' ') {
			p++;
			continue;
		}
		hi = rxs__hex_digit(p[0]);
		lo = hi < 0 ? -1 : rxs__hex_digit(p[1]);
		if (lo < 0 || out->len >= sizeof(out->b))
			return rxs__cfg_error(c, v, "'%.*s' is not an integer, an IPv4 address or "
					      "hex bytes (at most %zu)", QUOTE_MAX, s,
					      sizeof(out->b));
		out->b[out->len++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	if (!out->len)
		return rxs__cfg_error(c, v, "empty key or value");
	return 0;
}

/* bpf_maps.NAME: a list of { key, value }; each entry replaces the map's earlier ones. */
int rxs__cfg_set_bpf_map(struct cfg_ctx *c, void *obj, const char *name, yaml_node_t *key,
			 yaml_node_t *v)
{
	struct rxs_scenario *sc = obj;
	size_t n = rxs__cfg_seq_len(v);
	unsigned int keep = 0;
	struct rxs_bpf_map_elem *e;

	if (strlen(name) >= RXS_NAME_MAX)
		return rxs__cfg_error(c, key ? key : v, "map name longer than %d characters",
				      RXS_NAME_MAX - 1);
	if (v->type != YAML_SEQUENCE_NODE)
		return rxs__cfg_error(c, v, "expected a list of { key, value }");
	for (unsigned int i = 0; i < sc->nbpf_maps; i++)
		if (strcmp(sc->bpf_maps[i].map, name))
			sc->bpf_maps[keep++] = sc->bpf_maps[i];
	sc->nbpf_maps = keep;
	e = rxs__realloc(sc->bpf_maps, (keep + n + 1) * sizeof(*e));
	if (!e)
		return -ENOMEM;
	sc->bpf_maps = e;
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = rxs__cfg_seq_item(c, v, i), *k, *val;
		struct rxs_bpf_map_elem *el = &sc->bpf_maps[sc->nbpf_maps];
		size_t mark = rxs__cfg_push(c, ".%s[%zu]", name, i);
		int err = 0;

		if (!item || item->type != YAML_MAPPING_NODE)
			err = rxs__cfg_error(c, item ? item : v, "expected { key: ..., value: ... }");
		k = err ? NULL : rxs__cfg_map_get(c, item, "key");
		val = err ? NULL : rxs__cfg_map_get(c, item, "value");
		if (!err && (!k || !val))
			err = rxs__cfg_error(c, item, "an element needs both key and value");
		memset(el, 0, sizeof(*el));
		strcpy(el->map, name);
		if (!err)
			err = parse_bytes(c, k, &el->key);
		if (!err)
			err = parse_bytes(c, val, &el->value);
		rxs__cfg_pop(c, mark);
		if (err)
			return err;
		sc->nbpf_maps++;
	}
	return 0;
}
