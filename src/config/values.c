/* values.c - read one YAML node as a typed value, or fail with a message that names it.
 *
 * libyaml hands every scalar over as text (it resolves no types), so numbers, booleans and
 * units are recognised here, strictly: "1e3", "0x10" or " 5" are not counts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/config_int.h"
#include "internal.h"

#define QUOTE_MAX 64

int rxs__cfg_scalar(struct cfg_ctx *c, yaml_node_t *v, const char **text)
{
	if (v->type != YAML_SCALAR_NODE)
		return rxs__cfg_error(c, v, "expected a single value, got a %s",
				      v->type == YAML_SEQUENCE_NODE ? "list" : "mapping");
	if (rxs__cfg_is_null(v))
		return rxs__cfg_error(c, v, "missing value");
	/* A double-quoted "\0" puts a NUL inside the text; C strings would silently cut it. */
	if (strlen((const char *)v->data.scalar.value) != v->data.scalar.length)
		return rxs__cfg_error(c, v, "value contains a NUL byte");
	*text = (const char *)v->data.scalar.value;
	return 0;
}

int rxs__cfg_u64(struct cfg_ctx *c, yaml_node_t *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
	const char *s = NULL;
	uint64_t n = 0;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	if (s[0] == '-' && rxs__parse_u64(s + 1, &n) != -EINVAL)
		return rxs__cfg_error(c, v, "%.*s is negative", QUOTE_MAX, s);
	err = rxs__parse_u64(s[0] == '+' ? s + 1 : s, &n);
	if (err == -ERANGE)
		return rxs__cfg_error(c, v, "%.*s is too large (at most %llu)", QUOTE_MAX, s,
				      (unsigned long long)hi);
	if (err)
		return rxs__cfg_error(c, v, "'%.*s' is not a whole number", QUOTE_MAX, s);
	if (n < lo || n > hi)
		return rxs__cfg_error(c, v, "%llu is out of range [%llu, %llu]",
				      (unsigned long long)n, (unsigned long long)lo,
				      (unsigned long long)hi);
	*out = n;
	return 0;
}

int rxs__cfg_uint(struct cfg_ctx *c, yaml_node_t *v, unsigned int lo, unsigned int hi,
		  unsigned int *out)
{
	uint64_t n = 0;
	int err = rxs__cfg_u64(c, v, lo, hi, &n);

	if (!err)
		*out = (unsigned int)n;
	return err;
}

int rxs__cfg_bool(struct cfg_ctx *c, yaml_node_t *v, bool *out)
{
	/* The YAML 1.1 spellings libyaml users expect. */
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on",
					   "On", "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO", "off",
					  "Off", "OFF" };
	const char *s = NULL;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
			*out = !strcmp(s, yes[i]);
			return 0;
		}
	}
	return rxs__cfg_error(c, v, "'%.*s' is not true or false", QUOTE_MAX, s);
}

int rxs__cfg_double(struct cfg_ctx *c, yaml_node_t *v, double lo, double hi, double *out)
{
	const char *s = NULL;
	double d;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	if (s[0] == '-' && !rxs_parse_rate(s + 1, &d))
		return rxs__cfg_error(c, v, "%.*s is negative", QUOTE_MAX, s);
	/* A rate without a unit is a plain number: reuse its strict parser. */
	if (strspn(s, "0123456789.") != strlen(s) || rxs_parse_rate(s, &d))
		return rxs__cfg_error(c, v, "'%.*s' is not a number", QUOTE_MAX, s);
	if (d < lo || d > hi)
		return rxs__cfg_error(c, v, "%.*s is out of range [%g, %g]", QUOTE_MAX, s, lo, hi);
	*out = d;
	return 0;
}

/* Names end up in --set keys ("nics.eth0.mtu"), so they may not hold dots, '=' or spaces. */
int rxs__cfg_name(struct cfg_ctx *c, yaml_node_t *v, char name[RXS_NAME_MAX])
{
	const char *s = NULL;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	if (strlen(s) >= RXS_NAME_MAX)
		return rxs__cfg_error(c, v, "name '%.*s' is longer than %d characters", QUOTE_MAX,
				      s, RXS_NAME_MAX - 1);
	for (const char *p = s; *p; p++)
		if (*p == '.' || *p == '=' || (unsigned char)*p <= ' ')
			return rxs__cfg_error(c, v, "name '%s' may not contain '%c'", s,
					      (unsigned char)*p <= ' ' ? ' ' : *p);
	strcpy(name, s);
	return 0;
}

/* Any text, owned by the scenario; a null value is "". */
int rxs__cfg_string(struct cfg_ctx *c, yaml_node_t *v, char **out)
{
	const char *s = "";
	char *dup;
	int err = rxs__cfg_is_null(v) ? 0 : rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	dup = rxs__strdup(s);
	if (!dup)
		return -ENOMEM;
	rxs__free(*out);
	*out = dup;
	return 0;
}

/* A file name, made relative to the scenario's folder unless absolute. */
int rxs__cfg_path(struct cfg_ctx *c, yaml_node_t *v, char **out)
{
	const char *s = NULL, *dir = c->sc->dir;
	size_t n;
	char *p;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	if (s[0] == '/' || !dir || !dir[0])
		dir = NULL;
	n = (dir ? strlen(dir) + 1 : 0) + strlen(s) + 1;
	p = rxs__malloc(n);
	if (!p)
		return -ENOMEM;
	snprintf(p, n, "%s%s%s", dir ? dir : "", dir ? "/" : "", s);
	rxs__free(*out);
	*out = p;
	return 0;
}

int rxs__cfg_duration(struct cfg_ctx *c, yaml_node_t *v, uint64_t *ns)
{
	const char *s = NULL;
	int err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	if (rxs_parse_duration(s, ns))
		return rxs__cfg_error(c, v, "'%.*s' is not a duration (like 10ms, 1.5s, 250us or "
				      "100ns)", QUOTE_MAX, s);
	return 0;
}

/* A CPU mask as the kernel writes it: hex, optionally "0x", commas between 32-bit words. */
int rxs__cfg_hex_mask(struct cfg_ctx *c, yaml_node_t *v, uint64_t *mask)
{
	const char *s = NULL, *p;
	uint64_t m = 0;
	int digits = 0, err = rxs__cfg_scalar(c, v, &s);

	if (err)
		return err;
	p = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? s + 2 : s;
	for (; *p; p++) {
		if (*p == ',')
			continue;
		if (rxs__hex_digit(*p) < 0)
			return rxs__cfg_error(c, v, "'%.*s' is not a hex CPU mask (like 0f)",
					      QUOTE_MAX, s);
		if (m >> 60)
			return rxs__cfg_error(c, v, "CPU mask %.*s is wider than %d CPUs",
					      QUOTE_MAX, s, RXS_MAX_CPUS);
		m = m << 4 | (uint64_t)rxs__hex_digit(*p);
		digits++;
	}
	if (!digits)
		return rxs__cfg_error(c, v, "'%.*s' is not a hex CPU mask (like 0f)", QUOTE_MAX, s);
	*mask = m;
	return 0;
}

/* A CPU of the host: below host.cpus. */
int rxs__cfg_cpu(struct cfg_ctx *c, yaml_node_t *v, unsigned int *cpu)
{
	int err = rxs__cfg_uint(c, v, 0, RXS_MAX_CPUS - 1, cpu);

	if (!err && *cpu >= c->sc->host.cpus)
		return rxs__cfg_error(c, v, "CPU %u does not exist (host.cpus is %u)", *cpu,
				      c->sc->host.cpus);
	return err;
}

/* A list of CPU numbers below host.cpus, as a mask. */
int rxs__cfg_cpu_list(struct cfg_ctx *c, yaml_node_t *v, uint64_t *mask)
{
	unsigned int cpu = 0;
	uint64_t m = 0;

	if (v->type != YAML_SEQUENCE_NODE)
		return rxs__cfg_error(c, v, "expected a list of CPU numbers");
	for (size_t i = 0; i < rxs__cfg_seq_len(v); i++) {
		int err = rxs__cfg_cpu(c, rxs__cfg_seq_item(c, v, i), &cpu);

		if (err)
			return err;
		m |= 1ull << cpu;
	}
	*mask = m;
	return 0;
}
