/* set.c - rxs_scenario_set(): one "key=value" override, walked through the parser's tables.
 *
 * The key is a dotted path: a section ("host", "run"), a list entry by name or index
 * ("nics.eth0", "traffic.0"), nested keys ("coalesce.rx_usecs", "app.read"), or an open
 * section's own name ("sysctl.net.core.netdev_budget", "cost.udp_rcv"). The value is YAML,
 * so "nics.eth0.addresses=[10.0.0.3/24]" and "host={cpus: 2}" work as they would in a file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/config_int.h"
#include "internal.h"
#include "rxsim/error.h"

#define QUOTE_MAX 64

static int unknown_key(struct cfg_ctx *c, const char *seg, const struct cfg_key *keys)
{
	char hint[96];

	return rxs__cfg_error(c, NULL, "unknown key '%.*s'%s", QUOTE_MAX, seg,
			      rxs__cfg_did_you_mean(rxs__cfg_suggest_keys(seg, keys), hint,
						    sizeof(hint)));
}

static int resolve(struct cfg_ctx *c, void *obj, const struct cfg_key *keys, char *path,
		   yaml_node_t *v);

static int resolve_list(struct cfg_ctx *c, const struct cfg_key *k, void *parent, char *sel,
			yaml_node_t *v)
{
	char *rest;
	void *elem;

	if (!sel)
		return rxs__cfg_error(c, NULL, "%s needs an entry: %s.NAME.KEY=VALUE or "
				      "%s.INDEX.KEY=VALUE", k->name, k->name, k->name);
	rest = strchr(sel, '.');
	if (rest)
		*rest++ = '\0';
	elem = k->list->find_in ? k->list->find_in(parent, sel) : k->list->find(c->sc, sel);
	if (!elem)
		return rxs__cfg_error(c, NULL, "no %s entry named or numbered '%.*s'", k->name,
				      QUOTE_MAX, sel);
	if (!rest)
		return rxs__cfg_walk_map(c, elem, k->list->keys, v);
	return resolve(c, elem, k->list->keys, rest, v);
}

static int resolve(struct cfg_ctx *c, void *obj, const struct cfg_key *keys, char *path,
		   yaml_node_t *v)
{
	char *rest = strchr(path, '.');
	const struct cfg_key *k;

	if (rest)
		*rest++ = '\0';
	k = rxs__cfg_find_key(keys, path);
	if (!k)
		return unknown_key(c, path, keys);
	if (k->named && (rest || !k->set)) {
		if (!rest || !*rest)
			return rxs__cfg_error(c, NULL, "%s needs a name: %s.NAME=VALUE", k->name,
					      k->name);
		return k->named(c, obj, rest, NULL, v);
	}
	if (k->list)
		return resolve_list(c, k, obj, rest, v);
	if (k->sub && rest)
		return resolve(c, obj, k->sub, rest, v);
	if (k->sub)
		return rxs__cfg_walk_map(c, obj, k->sub, v);
	if (rest)
		return rxs__cfg_error(c, NULL, "'%s' has no keys below it", k->name);
	return k->set(c, obj, v);
}

static int check_nics(struct cfg_ctx *c)
{
	const struct rxs_scenario *sc = c->sc;

	for (unsigned int i = 0; i < sc->nnics; i++) {
		int err = rxs__cfg_check_nic(c, &sc->nics[i]);

		if (err)
			return err;
		for (unsigned int j = 0; j < i; j++)
			if (!strcmp(sc->nics[i].name, sc->nics[j].name))
				return rxs__cfg_error(c, NULL, "two NICs named '%s'",
						      sc->nics[i].name);
	}
	return 0;
}

/* What one change may break elsewhere: CPUs that no longer exist, a renamed NIC. */
static int check_all(struct cfg_ctx *c)
{
	const struct rxs_scenario *sc = c->sc;
	int err = check_nics(c);

	for (unsigned int i = 0; !err && i < sc->nsockets; i++)
		err = rxs__cfg_check_socket(c, &sc->sockets[i]);
	for (unsigned int i = 0; !err && i < sc->ntraffic; i++) {
		size_t mark = rxs__cfg_push(c, "traffic.%u.nic", i);

		err = rxs__cfg_check_traffic_nic(c, NULL, sc->traffic[i].nic);
		rxs__cfg_pop(c, mark);
	}
	return err;
}

static int apply(struct cfg_ctx *c, char *key, yaml_node_t *v)
{
	int err = resolve(c, c->sc, rxs__cfg_top_keys, key, v);

	return err ? err : check_all(c);
}

/* The value as a YAML node; an empty value is a null scalar, as after "key:" in a file. */
static int set_with_value(struct cfg_ctx *c, char *key, const char *value)
{
	yaml_node_t null_node = { .type = YAML_SCALAR_NODE };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int err;

	null_node.data.scalar.value = (yaml_char_t *)"";
	null_node.data.scalar.style = YAML_PLAIN_SCALAR_STYLE;
	err = rxs__cfg_prescan(c, value, strlen(value));
	if (err)
		return err;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)value, strlen(value));
	if (!yaml_parser_load(&parser, &doc)) {
		err = rxs__cfg_yaml_error(c, &parser);
		yaml_parser_delete(&parser);
		return err;
	}
	c->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	err = apply(c, key, root ? root : &null_node);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return err;
}

int rxs_scenario_set(struct rxs_scenario *sc, const char *assignment, char *err, size_t errlen)
{
	struct cfg_ctx c = { .sc = sc, .set = assignment, .err = err, .errlen = errlen };
	const char *eq = strchr(assignment, '=');
	char *key;
	int rc;

	if (errlen)
		err[0] = '\0';
	if (!eq || eq == assignment) {
		rxs__cfg_error(&c, NULL, "expected KEY=VALUE, like "
			       "sysctl.net.core.netdev_budget=600");
		return -EINVAL;
	}
	key = rxs__malloc((size_t)(eq - assignment) + 1);
	rc = key ? 0 : -ENOMEM;
	if (key) {
		memcpy(key, assignment, (size_t)(eq - assignment));
		key[eq - assignment] = '\0';
		rc = set_with_value(&c, key, eq + 1);
		rxs__free(key);
	}
	if (rc == -ENOMEM && errlen)
		snprintf(err, errlen, "--set %s: out of memory", assignment);
	return rc == RXS_ECONFIG ? -EINVAL : rc;
}
