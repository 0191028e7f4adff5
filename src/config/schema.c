/* schema.c - the top-level keys of a scenario: host, sysctl, netfilter, cost, run, and the
 * order in which sections apply (see walk.c). The list sections live in nic.c, socket.c and
 * traffic.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/config_int.h"
#include "internal.h"

#define QUOTE_MAX 64

static const char *const sysctl_names[] = {
#define XX(id, name, n, d0, d1, d2, lo, hi) name,
	RXS_SYSCTL_MAP(XX)
#undef XX
};

static const struct {
	unsigned int nvals;
	int64_t lo, hi;
} sysctl_limits[] = {
#define XX(id, name, n, d0, d1, d2, lo, hi) { n, lo, hi },
	RXS_SYSCTL_MAP(XX)
#undef XX
};

static const char *const cost_names[] = {
#define XX(id, key, ns, what) key,
	RXS_COST_MAP(XX)
#undef XX
};

/*
 * Queues whose IRQ still follows the default spreading (queue % cpus) follow a new CPU
 * count; the file applies host before nics, so this matters for --set and code only.
 */
static int set_cpus(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	struct rxs_scenario *sc = obj;
	unsigned int cpus, old = sc->host.cpus;
	int err = rxs__cfg_uint(c, v, 1, RXS_MAX_CPUS, &cpus);

	if (err)
		return err;
	for (unsigned int n = 0; n < sc->nnics; n++)
		for (int q = 0; q < RXS_MAX_QUEUES; q++)
			if (sc->nics[n].irq_affinity[q] == (int)(q % old))
				sc->nics[n].irq_affinity[q] = (int)(q % cpus);
	sc->host.cpus = cpus;
	return 0;
}

static int set_hz(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_uint(c, v, 1, 10000, &((struct rxs_scenario *)obj)->host.hz);
}

static int set_tick(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_duration(c, v, &((struct rxs_scenario *)obj)->host.tick_ns);
}

static const struct cfg_key host_keys[] = {
	{ .name = "cpus", .set = set_cpus },
	{ .name = "hz", .set = set_hz },
	{ .name = "tick", .set = set_tick },
	{ 0 },
};

/* The kernel writes flow_limit_cpu_bitmap as a hex CPU mask; a YAML number is decimal. */
static int sysctl_bitmap(struct cfg_ctx *c, yaml_node_t *v, int64_t *val)
{
	const char *s = NULL;
	uint64_t m = 0;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	if (v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && strspn(s, "0123456789") == strlen(s))
		err = rxs__cfg_u64(c, v, 0, INT64_MAX, &m);
	else
		err = rxs__cfg_hex_mask(c, v, &m);
	if (!err)
		*val = (int64_t)(m & INT64_MAX);
	return err;
}

/* "4096 131072 6291456" as one scalar: each word checked as a node of its own, at the
 * scalar's position, so the messages read like those of a list. */
static int sysctl_words(struct cfg_ctx *c, int id, yaml_node_t *v, int64_t vals[3])
{
	const char *s = (const char *)v->data.scalar.value;
	char word[32];
	yaml_node_t w = *v;
	unsigned int n = 0;
	uint64_t u = 0;

	while (*(s += strspn(s, " \t"))) {
		size_t len = strcspn(s, " \t");

		if (n == 3 || len >= sizeof(word))
			return rxs__cfg_error(c, v, "'%.*s' is not 3 numbers", QUOTE_MAX,
					      (const char *)v->data.scalar.value);
		memcpy(word, s, len);
		word[len] = '\0';
		w.data.scalar.value = (yaml_char_t *)word;
		w.data.scalar.length = len;
		if (rxs__cfg_u64(c, &w, (uint64_t)sysctl_limits[id].lo,
				 (uint64_t)sysctl_limits[id].hi, &u))
			return RXS_ECONFIG;
		vals[n++] = (int64_t)u;
		s += len;
	}
	if (n != 3)
		return rxs__cfg_error(c, v, "expected 3 numbers (min default max), got %u", n);
	return 0;
}

static int sysctl_triple(struct cfg_ctx *c, int id, yaml_node_t *v, int64_t vals[3])
{
	const char *s = NULL;
	uint64_t u = 0;

	if (v->type == YAML_SCALAR_NODE)
		return rxs__cfg_scalar(c, v, &s) ? RXS_ECONFIG : sysctl_words(c, id, v, vals);
	if (v->type != YAML_SEQUENCE_NODE || rxs__cfg_seq_len(v) != 3)
		return rxs__cfg_error(c, v, "expected 3 numbers (min default max)");
	for (size_t i = 0; i < 3; i++) {
		if (rxs__cfg_u64(c, rxs__cfg_seq_item(c, v, i), (uint64_t)sysctl_limits[id].lo,
				 (uint64_t)sysctl_limits[id].hi, &u))
			return RXS_ECONFIG;
		vals[i] = (int64_t)u;
	}
	return 0;
}

static int sysctl_value(struct cfg_ctx *c, int id, yaml_node_t *v, int64_t vals[3])
{
	uint64_t u = 0;
	int err;

	if (sysctl_limits[id].nvals == 3)
		return sysctl_triple(c, id, v, vals);
	if (id == RXS_SYSCTL_FLOW_LIMIT_CPU_BITMAP)
		return sysctl_bitmap(c, v, &vals[0]);
	err = rxs__cfg_u64(c, v, (uint64_t)sysctl_limits[id].lo, (uint64_t)sysctl_limits[id].hi,
			   &u);
	vals[0] = (int64_t)u;
	return err;
}

static int set_sysctl(struct cfg_ctx *c, void *obj, const char *name, yaml_node_t *key,
		      yaml_node_t *v)
{
	struct rxs_scenario *sc = obj;
	int id = rxs_sysctl_lookup(name);
	int64_t vals[3] = { 0, 0, 0 };
	const char *near;
	char hint[96];
	size_t mark;
	int err;

	if (id < 0) {
		near = rxs__cfg_suggest(name, sysctl_names, ARRAY_SIZE(sysctl_names));
		return rxs__cfg_error(c, key ? key : v, "unknown sysctl '%.*s'%s", QUOTE_MAX, name,
				      rxs__cfg_did_you_mean(near, hint, sizeof(hint)));
	}
	mark = rxs__cfg_push(c, ".%s", name);
	err = sysctl_value(c, id, v, vals);
	rxs__cfg_pop(c, mark);
	if (err)
		return err;
	memcpy(sc->sysctl.val[id], vals, sizeof(vals));
	sc->sysctl_set[id] = true;
	return 0;
}

static int set_cost(struct cfg_ctx *c, void *obj, const char *name, yaml_node_t *key,
		    yaml_node_t *v)
{
	struct rxs_scenario *sc = obj;
	char hint[96];
	uint64_t ns = 0;
	size_t i, mark;
	int err;

	for (i = 0; i < ARRAY_SIZE(cost_names); i++)
		if (!strcmp(name, cost_names[i]))
			break;
	if (i == ARRAY_SIZE(cost_names)) {
		const char *near = rxs__cfg_suggest(name, cost_names, ARRAY_SIZE(cost_names));

		return rxs__cfg_error(c, key ? key : v, "unknown cost '%.*s'%s", QUOTE_MAX, name,
				      rxs__cfg_did_you_mean(near, hint, sizeof(hint)));
	}
	mark = rxs__cfg_push(c, ".%s", name);
	err = rxs__cfg_u64(c, v, 0, UINT32_MAX, &ns);
	rxs__cfg_pop(c, mark);
	if (!err)
		sc->cost.ns[i] = (uint32_t)ns;
	return err;
}

/* The indentation of a block scalar's lines: that of its first non-blank line in the file
 * (libyaml marks the "|", not the text). 0 when the text is not at hand. */
static unsigned int block_indent(const struct cfg_ctx *c, const yaml_node_t *v)
{
	const char *t = c->text, *end = t ? t + c->len : NULL;
	const char *s = t ? t + RXS_MIN(v->start_mark.index, c->len) : NULL;

	/* Line by line after the indicator's, bounded by len: the text need not end in NUL. */
	while (s && (s = memchr(s, '\n', (size_t)(end - s)))) {
		const char *b = ++s;

		while (s < end && *s == ' ')
			s++;
		if (s < end && *s != '\n' && *s != '\r')
			return (unsigned int)(s - b);
	}
	return 0;
}

/* Kept verbatim; the netfilter module parses it and reports errors from *@line. */
static int set_rules_text(struct cfg_ctx *c, yaml_node_t *v, char **text, unsigned int *line,
			  unsigned int *indent)
{
	int err;

	if (rxs__cfg_is_null(v)) {
		rxs__free(*text);
		*text = NULL;
		return 0;
	}
	err = rxs__cfg_string(c, v, text);
	if (err)
		return err;
	/* A block scalar's text starts on the line after its "|" or ">" indicator. */
	*line = c->set ? 0 : (unsigned int)v->start_mark.line + 1;
	*indent = 0;
	if (!c->set && (v->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
			v->data.scalar.style == YAML_FOLDED_SCALAR_STYLE)) {
		(*line)++;
		*indent = block_indent(c, v);
	}
	return 0;
}

static int set_netfilter(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	struct rxs_scenario *sc = obj;

	return set_rules_text(c, v, &sc->netfilter, &sc->netfilter_line, &sc->netfilter_indent);
}

/* netfilter6: ip6tables-save text, as netfilter: holds iptables-save's. */
static int set_netfilter6(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	struct rxs_scenario *sc = obj;

	return set_rules_text(c, v, &sc->netfilter6, &sc->netfilter6_line,
			      &sc->netfilter6_indent);
}

/* The file of nftables: { file: F }, read whole; errors name the key. */
static int read_nft_file(struct cfg_ctx *c, yaml_node_t *v, struct rxs_scenario *sc)
{
	char *path = NULL, *text = NULL;
	long len;
	FILE *f;
	int err = rxs__cfg_path(c, v, &path);

	if (err)
		return err;
	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(text = rxs__malloc((size_t)len + 1)) || fread(text, 1, (size_t)len, f) != (size_t)len) {
		err = rxs__cfg_error(c, v, "cannot read nftables file '%s': %s", path,
				     text ? "read error" : strerror(errno));
		if (f)
			fclose(f);
		rxs__free(path);
		rxs__free(text);
		return err;
	}
	fclose(f);
	text[len] = '\0';
	rxs__free(sc->nftables);
	rxs__free(sc->nftables_file);
	sc->nftables = text;
	sc->nftables_file = path;
	sc->nftables_line = 1;
	sc->nftables_indent = 0;
	return 0;
}

/* nftables: `nft list ruleset` text (or `nft -j list ruleset` JSON) inline, or { file: F };
 * kept verbatim for the netfilter module, which reports errors at their line and column. */
static int set_nftables(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	struct rxs_scenario *sc = obj;
	int err;

	if (rxs__cfg_is_null(v)) {
		rxs__free(sc->nftables);
		rxs__free(sc->nftables_file);
		sc->nftables = sc->nftables_file = NULL;
		return 0;
	}
	if (v->type == YAML_MAPPING_NODE) {
		yaml_node_pair_t *pair = v->data.mapping.pairs.start;
		yaml_node_t *k = pair < v->data.mapping.pairs.top
				 ? yaml_document_get_node(c->doc, pair->key) : NULL;

		if (v->data.mapping.pairs.top - pair != 1 || !k || k->type != YAML_SCALAR_NODE ||
		    strcmp((const char *)k->data.scalar.value, "file"))
			return rxs__cfg_error(c, v, "nftables: is the rule set's text, or { file: "
					      "rules.nft }");
		return read_nft_file(c, yaml_document_get_node(c->doc, pair->value), sc);
	}
	err = rxs__cfg_string(c, v, &sc->nftables);
	if (err)
		return err;
	rxs__free(sc->nftables_file);
	sc->nftables_file = NULL;
	sc->nftables_line = c->set ? 0 : (unsigned int)v->start_mark.line + 1;
	sc->nftables_indent = 0;
	if (!c->set && (v->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
			v->data.scalar.style == YAML_FOLDED_SCALAR_STYLE)) {
		sc->nftables_line++;
		sc->nftables_indent = block_indent(c, v);
	}
	return 0;
}

static const char *const netfilter_opt_names[] = { "unsupported" };

/* netfilter.unsupported: fail (default) or skip. */
static int set_netfilter_opt(struct cfg_ctx *c, void *obj, const char *name, yaml_node_t *key,
			     yaml_node_t *v)
{
	struct rxs_scenario *sc = obj;
	const char *s = NULL;
	int err;

	if (strcmp(name, "unsupported"))
		return rxs__cfg_error(c, key ? key : v, "unknown key 'netfilter.%.*s' (did you mean "
				      "'netfilter.unsupported'?)", QUOTE_MAX, name);
	err = rxs__cfg_scalar(c, v, &s);
	if (err)
		return err;
	if (strcmp(s, "skip") && strcmp(s, "fail"))
		return rxs__cfg_error(c, v, "netfilter.unsupported: '%.*s' is not skip or fail",
				      QUOTE_MAX, s);
	sc->netfilter_skip = !strcmp(s, "skip");
	return 0;
}

/* ipsets: `ipset save` text, kept verbatim like netfilter's. */
static int set_ipsets(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	struct rxs_scenario *sc = obj;
	int err;

	if (rxs__cfg_is_null(v)) {
		rxs__free(sc->ipsets);
		sc->ipsets = NULL;
		return 0;
	}
	err = rxs__cfg_string(c, v, &sc->ipsets);
	if (err)
		return err;
	sc->ipsets_line = c->set ? 0 : (unsigned int)v->start_mark.line + 1;
	if (!c->set && (v->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
			v->data.scalar.style == YAML_FOLDED_SCALAR_STYLE))
		sc->ipsets_line++;
	return 0;
}

static int set_seed(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_u64(c, v, 0, UINT64_MAX, &((struct rxs_scenario *)obj)->run.seed);
}

static int set_until(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	struct rxs_run_config *run = &((struct rxs_scenario *)obj)->run;
	const char *s = NULL;
	uint64_t ns = 0;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	if (!strcmp(s, "end") || (!strncmp(s, "end+", 4) && !rxs_parse_duration(s + 4, &ns))) {
		run->until = RXS_UNTIL_END;
		run->ns = ns;
		return 0;
	}
	if (rxs_parse_duration(s, &ns))
		return rxs__cfg_error(c, v, "'%.*s' is not end, end+DURATION or a time like 4.162s",
				      QUOTE_MAX, s);
	run->until = RXS_UNTIL_TIME;
	run->ns = ns;
	return 0;
}

static const struct cfg_key run_keys[] = {
	{ .name = "until", .set = set_until },
	{ .name = "seed", .set = set_seed },
	{ 0 },
};

/* Table order is application order: later sections look at earlier ones. */
const struct cfg_key rxs__cfg_top_keys[] = {
	{ .name = "host", .sub = host_keys },
	{ .name = "sysctl", .named = set_sysctl },
	{ .name = "nics", .list = &rxs__cfg_nic_list },
	{ .name = "routes", .list = &rxs__cfg_route_list },
	{ .name = "neighbours", .list = &rxs__cfg_neigh_list },
	{ .name = "ipsets", .set = set_ipsets },
	{ .name = "netfilter", .set = set_netfilter, .named = set_netfilter_opt },
	{ .name = "netfilter6", .set = set_netfilter6 },
	{ .name = "nftables", .set = set_nftables },
	{ .name = "sockets", .list = &rxs__cfg_socket_list },
	{ .name = "taps", .list = &rxs__cfg_tap_list },
	{ .name = "traffic", .list = &rxs__cfg_traffic_list },
	{ .name = "cost", .named = set_cost },
	{ .name = "run", .sub = run_keys },
	{ .name = "bpf_maps", .named = rxs__cfg_set_bpf_map },
	{ 0 },
};

int rxs_sysctl_lookup(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(sysctl_names); i++)
		if (!strcmp(name, sysctl_names[i]))
			return (int)i;
	return -1;
}

const char *rxs_sysctl_name(int id)
{
	return id >= 0 && id < RXS_SYSCTL_COUNT ? sysctl_names[id] : NULL;
}

/* Walking the tables for rxs_scenario_key_path(): count leaves until the wanted one. */
struct key_walk {
	size_t want, n;
	char *buf;
	size_t len;
	int err;
};

static bool key_emit(struct key_walk *w, const char *prefix, const char *name)
{
	int n;

	if (w->n++ != w->want)
		return false;
	n = snprintf(w->buf, w->len, "%s%s", prefix, name);
	w->err = n >= 0 && (size_t)n < w->len ? 0 : -ENOSPC;
	return true;
}

/* An open section's names: the handler looks them up itself, so the walk asks it here. */
static const char *const *key_named(const struct cfg_key *k, size_t *n)
{
	if (k->named == set_sysctl) {
		*n = ARRAY_SIZE(sysctl_names);
		return sysctl_names;
	}
	if (k->named == set_cost) {
		*n = ARRAY_SIZE(cost_names);
		return cost_names;
	}
	if (k->named == set_netfilter_opt) {
		*n = ARRAY_SIZE(netfilter_opt_names);
		return netfilter_opt_names;
	}
	*n = 0;
	return NULL;
}

static bool key_walk(struct key_walk *w, const char *prefix, const struct cfg_key *keys)
{
	char sub[CFG_PATH_MAX];
	const char *const *names;
	size_t n;

	for (const struct cfg_key *k = keys; k->name; k++) {
		if (k->sub || k->list) {
			snprintf(sub, sizeof(sub), "%s%s%s.", prefix, k->name, k->list ? "[]" : "");
			if (key_walk(w, sub, k->sub ? k->sub : k->list->keys))
				return true;
			continue;
		}
		if (!k->named || k->set) {
			if (key_emit(w, prefix, k->name))
				return true;
			if (!k->named)
				continue;
		}
		snprintf(sub, sizeof(sub), "%s%s.", prefix, k->name);
		names = key_named(k, &n);
		for (size_t j = 0; j < n; j++)
			if (key_emit(w, sub, names[j]))
				return true;
	}
	return false;
}

int rxs_scenario_key_path(size_t i, char *buf, size_t len)
{
	struct key_walk w = { .want = i, .buf = buf, .len = len, .err = -ENOENT };

	if (!buf || !len)
		return -ENOSPC;
	buf[0] = '\0';
	key_walk(&w, "", rxs__cfg_top_keys);
	return w.err;
}
