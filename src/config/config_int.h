/* config_int.h - internals shared by the files of the config module; never included elsewhere.
 *
 * The schema is data: one table of keys per YAML mapping (struct cfg_key). The file parser
 * walks a mapping through its table, and rxs_scenario_set() walks a dotted --set key through
 * the same tables, so every key is validated by exactly one setter and "did you mean" comes
 * from the table for free.
 */
#ifndef RXSIM_CONFIG_INT_H
#define RXSIM_CONFIG_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <yaml.h>

#include "rxsim/config.h"
#include "rxsim/error.h"

/* Longest dotted path kept for messages ("nics[3].coalesce.rx_usecs"); longer ones are cut. */
#define CFG_PATH_MAX 256
/* Deepest YAML nesting accepted; the schema needs 5 ("sockets: [{app: {read: {...}}}]"). */
#define CFG_MAX_DEPTH 32

/* Where we are while applying YAML nodes to a scenario, and where messages go. */
struct cfg_ctx {
	struct rxs_scenario *sc;
	yaml_document_t *doc;
	const char *name;	/* file name for "file:line:col:" */
	const char *set;	/* the --set assignment being applied, or NULL for a file */
	const char *text;	/* the file's text (NULL for --set), to place block scalars */
	size_t len;
	char *err;
	size_t errlen;
	char path[CFG_PATH_MAX];
	size_t pathlen;
};

struct cfg_key;

/* A sequence of mappings (nics, sockets, taps, traffic) whose entries live in the scenario. */
struct cfg_list {
	const struct cfg_key *keys;
	void *(*add)(struct rxs_scenario *sc);
	/* The entry called @sel (its name, else its index), or NULL. */
	void *(*find)(struct rxs_scenario *sc, const char *sel);
	/* Checks after an entry's keys are applied (required keys, unique names); may be NULL. */
	int (*finish)(struct cfg_ctx *c, void *obj, yaml_node_t *map);
	/* A list inside an entry (nics[].vlans): add and find in @parent, the entry that holds
	 * it, instead of the scenario. When set, these are used and add/find are not. */
	void *(*add_in)(struct cfg_ctx *c, void *parent);
	void *(*find_in)(void *parent, const char *sel);
};

/*
 * One key of a mapping. Exactly one of the handlers is set:
 * @set applies a value to @obj; @sub is a nested mapping whose keys act on the same @obj;
 * @list is a sequence of mappings; @named is an open mapping (sysctl, cost) whose keys the
 * handler looks up itself (@key is NULL for --set).
 */
struct cfg_key {
	const char *name;
	int (*set)(struct cfg_ctx *c, void *obj, yaml_node_t *v);
	const struct cfg_key *sub;
	const struct cfg_list *list;
	int (*named)(struct cfg_ctx *c, void *obj, const char *name, yaml_node_t *key,
		     yaml_node_t *v);
};

/* The top-level table (schema.c): host, sysctl, nics, netfilter, sockets, taps, traffic... */
extern const struct cfg_key rxs__cfg_top_keys[];
extern const struct cfg_list rxs__cfg_nic_list;		/* nic.c */
extern const struct cfg_list rxs__cfg_socket_list;	/* socket.c */
extern const struct cfg_list rxs__cfg_tap_list;		/* socket.c */
extern const struct cfg_list rxs__cfg_traffic_list;	/* traffic.c */
extern const struct cfg_list rxs__cfg_vlan_list;	/* nic.c: nics[].vlans */
extern const struct cfg_list rxs__cfg_route_list;	/* nic.c: routes */
extern const struct cfg_list rxs__cfg_neigh_list;	/* nic.c: neighbours */

/* bpf.c: nics[].xdp, nics[].tc_ingress and bpf_maps. */
extern const struct cfg_key rxs__cfg_xdp_keys[];
extern const struct cfg_key rxs__cfg_tc_keys[];
int rxs__cfg_set_bpf_map(struct cfg_ctx *c, void *obj, const char *name, yaml_node_t *key,
			 yaml_node_t *v);

/* Checks across sections that a --set may break (a CPU gone, a NIC renamed). */
int rxs__cfg_check_nic(struct cfg_ctx *c, const struct rxs_nic_config *nic);
int rxs__cfg_check_socket(struct cfg_ctx *c, const struct rxs_socket_config *s);
int rxs__cfg_check_traffic_nic(struct cfg_ctx *c, yaml_node_t *at, const char *nic);

/* walk.c */
int rxs__cfg_prescan(struct cfg_ctx *c, const char *text, size_t len);
int rxs__cfg_yaml_error(struct cfg_ctx *c, const yaml_parser_t *parser);
int rxs__cfg_error(struct cfg_ctx *c, const yaml_node_t *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
size_t rxs__cfg_push(struct cfg_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rxs__cfg_pop(struct cfg_ctx *c, size_t len);
const struct cfg_key *rxs__cfg_find_key(const struct cfg_key *keys, const char *name);
int rxs__cfg_walk_map(struct cfg_ctx *c, void *obj, const struct cfg_key *keys, yaml_node_t *map);
int rxs__cfg_apply(struct cfg_ctx *c, void *obj, const struct cfg_key *k, yaml_node_t *v);
yaml_node_t *rxs__cfg_map_get(struct cfg_ctx *c, yaml_node_t *map, const char *key);
yaml_node_t *rxs__cfg_seq_item(struct cfg_ctx *c, yaml_node_t *seq, size_t i);
size_t rxs__cfg_seq_len(const yaml_node_t *seq);
bool rxs__cfg_is_null(const yaml_node_t *v);
const char *rxs__cfg_suggest(const char *word, const char *const *names, size_t n);
const char *rxs__cfg_suggest_keys(const char *word, const struct cfg_key *keys);
const char *rxs__cfg_did_you_mean(const char *suggestion, char *buf, size_t len);

/* values.c: read one node as a typed value, or fail with a message naming it. */
int rxs__cfg_scalar(struct cfg_ctx *c, yaml_node_t *v, const char **text);
int rxs__cfg_u64(struct cfg_ctx *c, yaml_node_t *v, uint64_t lo, uint64_t hi, uint64_t *out);
int rxs__cfg_uint(struct cfg_ctx *c, yaml_node_t *v, unsigned int lo, unsigned int hi,
		  unsigned int *out);
int rxs__cfg_bool(struct cfg_ctx *c, yaml_node_t *v, bool *out);
int rxs__cfg_double(struct cfg_ctx *c, yaml_node_t *v, double lo, double hi, double *out);
int rxs__cfg_name(struct cfg_ctx *c, yaml_node_t *v, char name[RXS_NAME_MAX]);
int rxs__cfg_string(struct cfg_ctx *c, yaml_node_t *v, char **out);
int rxs__cfg_path(struct cfg_ctx *c, yaml_node_t *v, char **out);
int rxs__cfg_duration(struct cfg_ctx *c, yaml_node_t *v, uint64_t *ns);
int rxs__cfg_hex_mask(struct cfg_ctx *c, yaml_node_t *v, uint64_t *mask);
int rxs__cfg_cpu(struct cfg_ctx *c, yaml_node_t *v, unsigned int *cpu);
int rxs__cfg_cpu_list(struct cfg_ctx *c, yaml_node_t *v, uint64_t *mask);

/* units.c: strict decimal numbers. 0, -EINVAL (not a number) or -ERANGE (too large). */
int rxs__parse_u64(const char *text, uint64_t *out);

/* addr.c */
int rxs__parse_mac(const char *text, uint8_t mac[6]);
int rxs__parse_bind(const char *text, struct rxs_addr *a, uint16_t *port);

/* The value of hex digit @ch, or -1. */
int rxs__hex_digit(char ch);

#endif /* RXSIM_CONFIG_INT_H */
