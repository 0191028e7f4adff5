/* walk.c - apply a YAML mapping to a scenario through a table of keys; messages; suggestions.
 *
 * A mapping is checked whole before any of it is applied (every key known, none twice), then
 * applied in table order, not file order: "host" before "nics" before "traffic", "rx_queues"
 * before "irq_affinity". So a setter may rely on what earlier keys of its table set (the CPU
 * count, the queue count, the NIC names) and still report its error at the exact line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config/config_int.h"
#include "internal.h"
#include "rxsim/error.h"

/* User text quoted in messages is cut to this many characters. */
#define QUOTE_MAX 64
/* Suggest a name only this close (edits, a swap of neighbours counting as one). */

int rxs__cfg_error(struct cfg_ctx *c, const yaml_node_t *at, const char *fmt, ...)
{
	va_list ap;
	size_t n = 0;
	int w;

	if (!c->errlen)
		return RXS_ECONFIG;
	if (c->set)
		w = snprintf(c->err, c->errlen, "--set %s: ", c->set);
	else
		w = snprintf(c->err, c->errlen, "%s:%zu:%zu: ", c->name ? c->name : "<string>",
			     at ? at->start_mark.line + 1 : 1, at ? at->start_mark.column + 1 : 1);
	n = RXS_MIN((size_t)RXS_MAX(w, 0), c->errlen - 1);
	if (c->pathlen) {
		w = snprintf(c->err + n, c->errlen - n, "%s: ", c->path);
		n = RXS_MIN(n + (size_t)RXS_MAX(w, 0), c->errlen - 1);
	}
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - n, fmt, ap);
	va_end(ap);
	return RXS_ECONFIG;
}

/* libyaml's problem text at its mark: "did not find expected ',' or '}' while parsing...". */
int rxs__cfg_yaml_error(struct cfg_ctx *c, const yaml_parser_t *parser)
{
	yaml_node_t at = { .start_mark = parser->problem_mark };

	if (parser->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	return rxs__cfg_error(c, &at, "%s%s%s", parser->problem ? parser->problem : "invalid YAML",
			      parser->context ? " " : "", parser->context ? parser->context : "");
}

/*
 * libyaml's scanner slows down quadratically with flow nesting: 200,000 '[' take minutes.
 * One pass over the events first refuses deep nesting while it is still cheap, and reports
 * syntax errors, so that the document load after it can only run out of memory.
 */
int rxs__cfg_prescan(struct cfg_ctx *c, const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, err = 0;
	bool end = false;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!err && !end) {
		if (!yaml_parser_parse(&parser, &ev)) {
			err = rxs__cfg_yaml_error(c, &parser);
			break;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
			depth++;
		if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		if (depth > CFG_MAX_DEPTH) {
			yaml_node_t at = { .start_mark = ev.start_mark };

			err = rxs__cfg_error(c, &at, "nested deeper than %d levels", CFG_MAX_DEPTH);
		}
		end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return err;
}

/* Append a path segment (".key" or "[i]"; the leading dot is dropped at the start).
 * Returns the old length for rxs__cfg_pop(). */
size_t rxs__cfg_push(struct cfg_ctx *c, const char *fmt, ...)
{
	size_t old = c->pathlen;
	const char *seg;
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(c->path + old, sizeof(c->path) - old, fmt, ap);
	va_end(ap);
	c->pathlen = RXS_MIN(old + (size_t)RXS_MAX(w, 0), sizeof(c->path) - 1);
	seg = c->path + old;
	if (old == 0 && seg[0] == '.') {
		memmove(c->path, c->path + 1, c->pathlen);
		c->pathlen--;
	}
	return old;
}

void rxs__cfg_pop(struct cfg_ctx *c, size_t len)
{
	c->pathlen = len;
	c->path[len] = '\0';
}

bool rxs__cfg_is_null(const yaml_node_t *v)
{
	const char *s = NULL;

	if (!v || v->type != YAML_SCALAR_NODE)
		return !v;
	if (v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = (const char *)v->data.scalar.value;
	return !strcmp(s, "") || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

size_t rxs__cfg_seq_len(const yaml_node_t *seq)
{
	return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

yaml_node_t *rxs__cfg_seq_item(struct cfg_ctx *c, yaml_node_t *seq, size_t i)
{
	return yaml_document_get_node(c->doc, seq->data.sequence.items.start[i]);
}

static const char *scalar_or_null(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The value of @key in the (already checked) mapping @map, or NULL. */
yaml_node_t *rxs__cfg_map_get(struct cfg_ctx *c, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar_or_null(yaml_document_get_node(c->doc, p->key));

		if (k && !strcmp(k, key))
			return yaml_document_get_node(c->doc, p->value);
	}
	return NULL;
}

/* The name in @names nearest to @word if it is close enough to be a typo, else NULL. */
const char *rxs__cfg_suggest(const char *word, const char *const *names, size_t n)
{
	return rxs__suggest(word, names, n);
}

const char *rxs__cfg_suggest_keys(const char *word, const struct cfg_key *keys)
{
	const char *names[64];
	size_t n = 0;

	for (; keys[n].name && n < ARRAY_SIZE(names); n++)
		names[n] = keys[n].name;
	return rxs__cfg_suggest(word, names, n);
}

/* " (did you mean 'x'?)" or "", in @buf. */
const char *rxs__cfg_did_you_mean(const char *suggestion, char *buf, size_t len)
{
	if (!suggestion)
		return "";
	snprintf(buf, len, " (did you mean '%s'?)", suggestion);
	return buf;
}

const struct cfg_key *rxs__cfg_find_key(const struct cfg_key *keys, const char *name)
{
	for (; keys->name; keys++)
		if (!strcmp(keys->name, name))
			return keys;
	return NULL;
}

static const char *node_kind(const yaml_node_t *v)
{
	return v->type == YAML_SEQUENCE_NODE ? "a list" :
	       v->type == YAML_MAPPING_NODE  ? "a mapping" : "a single value";
}

/* Pair @p of @map: its key a plain scalar, given once, and known to @keys (NULL: any).
 * Pairs are checked in order and each before the next, so the duplicate scan only ever
 * compares against keys already known good: a table's worth, even in a hostile file. */
static int check_pair(struct cfg_ctx *c, const struct cfg_key *keys, yaml_node_t *map,
		      yaml_node_pair_t *p)
{
	yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
	const char *k = scalar_or_null(kn);
	char hint[96];

	if (!k)
		return rxs__cfg_error(c, kn, "a key must be a name, not %s", node_kind(kn));
	for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++)
		if (!strcmp(k, scalar_or_null(yaml_document_get_node(c->doc, q->key))))
			return rxs__cfg_error(c, kn, "duplicate key '%.*s'", QUOTE_MAX, k);
	if (keys && !rxs__cfg_find_key(keys, k))
		return rxs__cfg_error(c, kn, "unknown key '%.*s'%s", QUOTE_MAX, k,
				      rxs__cfg_did_you_mean(rxs__cfg_suggest_keys(k, keys), hint,
							    sizeof(hint)));
	return 0;
}

static int check_map(struct cfg_ctx *c, const struct cfg_key *keys, yaml_node_t *map)
{
	int err = 0;

	if (map->type != YAML_MAPPING_NODE)
		return rxs__cfg_error(c, map, "expected a mapping of keys, got %s", node_kind(map));
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     !err && p < map->data.mapping.pairs.top; p++)
		err = check_pair(c, keys, map, p);
	return err;
}

static int walk_list(struct cfg_ctx *c, const struct cfg_list *list, void *parent,
		     yaml_node_t *seq)
{
	int err = 0;

	if (rxs__cfg_is_null(seq))
		return 0;
	if (seq->type != YAML_SEQUENCE_NODE)
		return rxs__cfg_error(c, seq, "expected a list, got %s", node_kind(seq));
	for (size_t i = 0; i < rxs__cfg_seq_len(seq) && !err; i++) {
		yaml_node_t *item = rxs__cfg_seq_item(c, seq, i);
		size_t mark = rxs__cfg_push(c, "[%zu]", i);
		void *obj = list->add_in ? list->add_in(c, parent) : list->add(c->sc);

		if (!obj)
			return list->add_in ? RXS_ECONFIG : -ENOMEM;
		err = rxs__cfg_walk_map(c, obj, list->keys, item);
		if (!err && list->finish)
			err = list->finish(c, obj, item);
		rxs__cfg_pop(c, mark);
	}
	return err;
}

/* An open mapping (sysctl, cost): the handler knows its own names, and refuses an unknown
 * one before the next pair is checked for duplicates. */
static int walk_named(struct cfg_ctx *c, void *obj, const struct cfg_key *k, yaml_node_t *map)
{
	yaml_node_pair_t *p;
	int err = 0;

	if (rxs__cfg_is_null(map))
		return 0;
	if (map->type != YAML_MAPPING_NODE)
		return rxs__cfg_error(c, map, "expected a mapping of keys, got %s", node_kind(map));
	for (p = map->data.mapping.pairs.start; !err && p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);

		err = check_pair(c, NULL, map, p);
		if (!err)
			err = k->named(c, obj, scalar_or_null(kn), kn,
				       yaml_document_get_node(c->doc, p->value));
	}
	return err;
}

int rxs__cfg_apply(struct cfg_ctx *c, void *obj, const struct cfg_key *k, yaml_node_t *v)
{
	if (k->set)
		return k->set(c, obj, v);
	if (k->sub)
		return rxs__cfg_walk_map(c, obj, k->sub, v);
	if (k->list)
		return walk_list(c, k->list, obj, v);
	return walk_named(c, obj, k, v);
}

int rxs__cfg_walk_map(struct cfg_ctx *c, void *obj, const struct cfg_key *keys, yaml_node_t *map)
{
	int err = 0;

	if (rxs__cfg_is_null(map))
		return 0;
	err = check_map(c, keys, map);
	for (const struct cfg_key *k = keys; !err && k->name; k++) {
		yaml_node_t *v = rxs__cfg_map_get(c, map, k->name);
		size_t mark;

		if (!v)
			continue;
		mark = rxs__cfg_push(c, ".%s", k->name);
		err = rxs__cfg_apply(c, obj, k, v);
		rxs__cfg_pop(c, mark);
	}
	return err;
}
