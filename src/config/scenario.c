/* scenario.c - a scenario's lifetime: defaults, appending entries, loading a YAML file and
 * applying --set overrides through the key tables of schema.c. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "config/config_int.h"
#include "internal.h"
#include "rxsim/error.h"

/* Scenario files are a few kilobytes; refuse to slurp something that is clearly not one. */
#define SCENARIO_MAX_BYTES (16u << 20)

static const int64_t sysctl_defaults[][3] = {
#define XX(id, name, n, d0, d1, d2, lo, hi) { d0, d1, d2 },
	RXS_SYSCTL_MAP(XX)
#undef XX
};

static const uint32_t cost_defaults[] = {
#define XX(id, key, ns, what) ns,
	RXS_COST_MAP(XX)
#undef XX
};

int rxs_scenario_create(struct rxs_scenario **scp)
{
	struct rxs_scenario *sc = rxs__calloc(1, sizeof(*sc));

	*scp = sc;
	if (!sc)
		return -ENOMEM;
	sc->host.cpus = 1;
	sc->host.hz = 250;
	memcpy(sc->sysctl.val, sysctl_defaults, sizeof(sc->sysctl.val));
	memcpy(sc->cost.ns, cost_defaults, sizeof(sc->cost.ns));
	sc->run.until = RXS_UNTIL_END;
	sc->run.ns = 1000000000;
	return 0;
}

/* Room for one more entry in an array of @n: the capacity doubles at powers of two, so a
 * long list costs log(n) reallocations and no capacity field is needed. Returns the new
 * entry, zeroed, or NULL. */
static void *grow(void **array, unsigned int n, size_t size)
{
	void *p = *array;

	if ((n & (n - 1)) == 0) {
		size_t cap = n ? (size_t)n * 2 : 1;

		if (n >= UINT32_MAX / 2 || cap > SIZE_MAX / size)
			return NULL;
		p = rxs__realloc(*array, cap * size);
		if (!p)
			return NULL;
		*array = p;
	}
	p = (char *)p + (size_t)n * size;
	memset(p, 0, size);
	return p;
}

struct rxs_nic_config *rxs_scenario_add_nic(struct rxs_scenario *sc)
{
	struct rxs_nic_config *nic = grow((void **)&sc->nics, sc->nnics, sizeof(*nic));
	uint64_t mac = 0x020000000002ull + sc->nnics;

	if (!nic)
		return NULL;
	snprintf(nic->name, sizeof(nic->name), "eth%u", sc->nnics);
	for (int i = 5; i >= 0; i--, mac >>= 8)
		nic->mac[i] = (uint8_t)mac;
	nic->mtu = 1500;
	nic->rx_queues = 1;
	nic->ring_size = 512;
	nic->rx_frames = 1;
	for (int q = 0; q < RXS_MAX_QUEUES; q++)
		nic->irq_affinity[q] = (int)(q % sc->host.cpus);
	nic->gro = true;
	nic->driver = RXS_DRIVER_GENERIC;
	sc->nnics++;
	return nic;
}

struct rxs_route_config *rxs_scenario_add_route(struct rxs_scenario *sc)
{
	struct rxs_route_config *r = grow((void **)&sc->routes, sc->nroutes, sizeof(*r));

	if (r)
		sc->nroutes++;
	return r;
}

struct rxs_neigh_config *rxs_scenario_add_neighbour(struct rxs_scenario *sc)
{
	struct rxs_neigh_config *n = grow((void **)&sc->neighbours, sc->nneighbours, sizeof(*n));

	if (n)
		sc->nneighbours++;
	return n;
}

struct rxs_socket_config *rxs_scenario_add_socket(struct rxs_scenario *sc)
{
	struct rxs_socket_config *s = grow((void **)&sc->sockets, sc->nsockets, sizeof(*s));

	if (!s)
		return NULL;
	snprintf(s->name, sizeof(s->name), "sock%u", sc->nsockets);
	s->proto = IPPROTO_UDP;
	s->local.family = AF_INET;
	s->backlog = 128;
	s->rcvbuf = -1;
	s->sndbuf = -1;
	s->app.kind = RXS_APP_ALL;
	s->app.cpu = -1;
	s->conn_read.kind = RXS_APP_ALL;
	s->conn_read.cpu = -1;
	sc->nsockets++;
	return s;
}

int rxs_socket_join(struct rxs_socket_config *s, const struct rxs_addr *group, const char *nic)
{
	const struct rxs_addr *g = group;
	struct rxs_mc_join *j;
	bool v4 = g->family == AF_INET;

	if (s->proto != IPPROTO_UDP || (!v4 && g->family != AF_INET6) ||
	    (v4 ? (g->addr[0] & 0xf0) != 0xe0 : g->addr[0] != 0xff) ||
	    (!v4 && s->local.family == AF_INET) || (nic && strlen(nic) >= RXS_NAME_MAX))
		return -EINVAL;
	for (unsigned int i = 0; i < s->njoin; i++)
		if (s->join[i].group.family == g->family &&
		    !memcmp(s->join[i].group.addr, g->addr, 16) &&
		    !strcmp(s->join[i].nic, nic ? nic : ""))
			return 0;
	if (s->njoin == RXS_SOCK_JOIN_MAX)
		return -ENOBUFS;
	j = rxs__realloc(s->join, (s->njoin + 1) * sizeof(*j));
	if (!j)
		return -ENOMEM;
	s->join = j;
	j = &s->join[s->njoin++];
	memset(j, 0, sizeof(*j));
	j->group = *g;
	if (nic)
		strcpy(j->nic, nic);
	return 0;
}

struct rxs_tap_config *rxs_scenario_add_tap(struct rxs_scenario *sc)
{
	char *filter = rxs__strdup("");
	struct rxs_tap_config *t = filter ? grow((void **)&sc->taps, sc->ntaps, sizeof(*t)) : NULL;

	if (!t) {
		rxs__free(filter);
		return NULL;
	}
	snprintf(t->name, sizeof(t->name), "tap%u", sc->ntaps);
	t->filter = filter;
	t->ring_frames = 4096;
	t->direction = 3;	/* RXS_TAP_INOUT, as tcpdump */
	sc->ntaps++;
	return t;
}

struct rxs_traffic_config *rxs_scenario_add_traffic(struct rxs_scenario *sc)
{
	struct rxs_traffic_config *t = grow((void **)&sc->traffic, sc->ntraffic, sizeof(*t));

	if (!t)
		return NULL;
	t->kind = RXS_TRAFFIC_PCAP;
	if (sc->nnics)
		strcpy(t->nic, sc->nics[0].name);
	t->speed = 1.0;
	t->flows = 1;
	t->size = 64;
	t->dport = 9;
	sc->ntraffic++;
	return t;
}

/* A second document in the file would be silently ignored; say so instead. */
static int check_single_document(struct cfg_ctx *c, yaml_parser_t *parser)
{
	yaml_document_t next;
	yaml_node_t *root;
	int err = 0;

	if (!yaml_parser_load(parser, &next))
		return rxs__cfg_yaml_error(c, parser);
	root = yaml_document_get_root_node(&next);
	if (root) {
		yaml_node_t at = { .start_mark = next.start_mark };

		err = rxs__cfg_error(c, &at, "a scenario is one YAML document; remove this '---'");
	}
	yaml_document_delete(&next);
	return err;
}

static int apply_document(struct cfg_ctx *c)
{
	yaml_node_t *root = yaml_document_get_root_node(c->doc);

	if (!root)
		return rxs__cfg_error(c, NULL, "empty scenario: expected a mapping of host, "
				      "sysctl, nics, sockets, traffic, ...");
	if (root->type != YAML_MAPPING_NODE)
		return rxs__cfg_error(c, root, "the top level must be a mapping of host, sysctl, "
				      "nics, sockets, traffic, ..., not a %s",
				      root->type == YAML_SEQUENCE_NODE ? "list" : "single value");
	return rxs__cfg_walk_map(c, c->sc, rxs__cfg_top_keys, root);
}

static int parse_into(struct rxs_scenario *sc, const char *text, size_t len, const char *name,
		      char *err, size_t errlen)
{
	struct cfg_ctx c = { .sc = sc, .name = name, .err = err, .errlen = errlen, .text = text,
			     .len = len };
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc = rxs__cfg_prescan(&c, text, len);

	if (rc)
		return rc;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = rxs__cfg_yaml_error(&c, &parser);
		yaml_parser_delete(&parser);
		return rc;
	}
	c.doc = &doc;
	rc = apply_document(&c);
	if (!rc)
		rc = check_single_document(&c, &parser);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int rxs_scenario_parse(struct rxs_scenario **scp, const char *text, size_t len, const char *name,
		       const char *dir, char *err, size_t errlen)
{
	struct rxs_scenario *sc;
	int rc;

	*scp = NULL;
	if (errlen)
		err[0] = '\0';
	if (!name)
		name = "<string>";
	rc = rxs_scenario_create(&sc);
	if (rc)
		return rc;
	if (dir && !(sc->dir = rxs__strdup(dir)))
		rc = -ENOMEM;
	if (!rc)
		rc = parse_into(sc, text, len, name, err, errlen);
	if (rc == -ENOMEM && errlen)
		snprintf(err, errlen, "%s: out of memory", name);
	if (rc) {
		rxs_scenario_free(sc);
		return rc;
	}
	*scp = sc;
	return 0;
}

static int read_error(const char *path, int e, char *err, size_t errlen)
{
	if (errlen)
		snprintf(err, errlen, "%s: %s", path, strerror(e));
	return -e;
}

/* The whole file in one allocation, NUL-terminated for libyaml's sake. "-" is standard
 * input, reopened from its start when it is a file (/proc/self/fd/0), as captures are. */
static int read_file(const char *path, char **textp, size_t *lenp, char *err, size_t errlen)
{
	FILE *f = fopen(strcmp(path, "-") == 0 ? "/proc/self/fd/0" : path, "rb");
	size_t len = 0, cap = 4096, got;
	char *text = NULL, *p;
	int rc = 0;

	if (!f)
		return read_error(path, errno, err, errlen);
	do {
		if (len + 1 >= cap)
			cap *= 2;
		if (cap > SCENARIO_MAX_BYTES) {
			rc = read_error(path, EFBIG, err, errlen);
			break;
		}
		p = rxs__realloc(text, cap);
		if (!p) {
			rc = -ENOMEM;
			break;
		}
		text = p;
		got = fread(text + len, 1, cap - 1 - len, f);
		len += got;
	} while (got);
	if (!rc && ferror(f))
		rc = read_error(path, errno ? errno : EIO, err, errlen);
	fclose(f);
	if (rc) {
		rxs__free(text);
		return rc;
	}
	text[len] = '\0';
	*textp = text;
	*lenp = len;
	return 0;
}

/* The folder of @path ("cases/x" for "cases/x/scenario.yaml"), or NULL for the cwd. */
static int dir_of(const char *path, char **dirp)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	*dirp = NULL;
	if (!slash)
		return 0;
	n = slash == path ? 1 : (size_t)(slash - path);
	*dirp = rxs__malloc(n + 1);
	if (!*dirp)
		return -ENOMEM;
	memcpy(*dirp, path, n);
	(*dirp)[n] = '\0';
	return 0;
}

int rxs_scenario_load(struct rxs_scenario **scp, const char *path, char *err, size_t errlen)
{
	char *text = NULL, *dir = NULL;
	size_t len = 0;
	int rc;

	*scp = NULL;
	if (errlen)
		err[0] = '\0';
	rc = read_file(path, &text, &len, err, errlen);
	/* Standard input has no folder: its relative paths are the current directory's. */
	if (!rc && strcmp(path, "-") != 0)
		rc = dir_of(path, &dir);
	if (!rc)
		rc = rxs_scenario_parse(scp, text, len, path, dir, err, errlen);
	if (!rc && !((*scp)->path = rxs__strdup(path))) {
		rxs_scenario_free(*scp);
		*scp = NULL;
		rc = -ENOMEM;
	}
	if (rc == -ENOMEM && errlen)
		snprintf(err, errlen, "%s: out of memory", path);
	rxs__free(text);
	rxs__free(dir);
	return rc;
}
