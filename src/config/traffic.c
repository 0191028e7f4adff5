/* traffic.c - the keys of `traffic:` entries: a capture to replay or a generator to run. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"
#include "internal.h"

#define QUOTE_MAX 64
#define TRAFFIC(obj) ((struct rxs_traffic_config *)(obj))

static const char *const generators[] = { "udp_flood", "syn_flood", "tcp_flows" };

/* Keys that only one kind of source takes; the other kind refuses them in finish_traffic(). */
static const char *const generate_only[] = { "flows", "size", "duration", "count", "dport" };

static int set_pcap(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	TRAFFIC(obj)->kind = RXS_TRAFFIC_PCAP;
	return rxs__cfg_path(c, v, &TRAFFIC(obj)->path);
}

static int set_generate(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	char hint[96] = "";
	const char *s = NULL;

	if (rxs__cfg_scalar(c, v, &s))
		return RXS_ECONFIG;
	for (size_t i = 0; i < ARRAY_SIZE(generators); i++) {
		if (!strcmp(s, generators[i])) {
			TRAFFIC(obj)->kind = RXS_TRAFFIC_GENERATE;
			strcpy(TRAFFIC(obj)->generator, s);
			return 0;
		}
	}
	rxs__cfg_did_you_mean(rxs__cfg_suggest(s, generators, ARRAY_SIZE(generators)), hint,
			      sizeof(hint));
	return rxs__cfg_error(c, v, "unknown generator '%.*s'%s", QUOTE_MAX, s,
			      hint[0] ? hint : " (udp_flood, syn_flood or tcp_flows)");
}

/* The NIC must exist already: nics apply before traffic. */
int rxs__cfg_check_traffic_nic(struct cfg_ctx *c, yaml_node_t *at, const char *nic)
{
	const char *names[64];
	size_t n = 0;
	char hint[96];

	if (!c->sc->nnics)
		return rxs__cfg_error(c, at, "no NIC to send to: nics: is empty");
	for (unsigned int i = 0; i < c->sc->nnics; i++)
		if (!strcmp(c->sc->nics[i].name, nic))
			return 0;
	for (; n < c->sc->nnics && n < ARRAY_SIZE(names); n++)
		names[n] = c->sc->nics[n].name;
	return rxs__cfg_error(c, at, "no NIC named '%.*s'%s", QUOTE_MAX, nic,
			      rxs__cfg_did_you_mean(rxs__cfg_suggest(nic, names, n), hint,
						    sizeof(hint)));
}

static int set_nic(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	char name[RXS_NAME_MAX];
	int err = rxs__cfg_name(c, v, name);

	if (!err)
		err = rxs__cfg_check_traffic_nic(c, v, name);
	if (!err)
		strcpy(TRAFFIC(obj)->nic, name);
	return err;
}

static int set_speed(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	int err = rxs__cfg_double(c, v, 0, 1e6, &TRAFFIC(obj)->speed);

	if (!err && TRAFFIC(obj)->speed <= 0)
		return rxs__cfg_error(c, v, "speed must be above 0");
	return err;
}

static int set_rate(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	const char *s = NULL;

	if (rxs__cfg_scalar(c, v, &s))
		return RXS_ECONFIG;
	if (rxs_parse_rate(s, &TRAFFIC(obj)->rate_pps))
		return rxs__cfg_error(c, v, "'%.*s' is not a rate (like 2Mpps, 500kpps or 1000/s)",
				      QUOTE_MAX, s);
	return 0;
}

static int set_start(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_duration(c, v, &TRAFFIC(obj)->start_ns);
}

static int set_flows(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_uint(c, v, 1, 1u << 24, &TRAFFIC(obj)->flows);
}

static int set_size(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_uint(c, v, 42, 65535, &TRAFFIC(obj)->size);
}

static int set_duration(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_duration(c, v, &TRAFFIC(obj)->duration_ns);
}

static int set_count(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	return rxs__cfg_u64(c, v, 0, UINT64_MAX >> 1, &TRAFFIC(obj)->count);
}

static int set_dport(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	unsigned int port = 0;
	int err = rxs__cfg_uint(c, v, 1, 65535, &port);

	if (!err)
		TRAFFIC(obj)->dport = (uint16_t)port;
	return err;
}

static const char *const checksum_modes[] = { "auto", "verify", "recompute" };

/* auto, verify or recompute (enum rxs_checksums, in this order). */
static int set_checksums(struct cfg_ctx *c, void *obj, yaml_node_t *v)
{
	char hint[96] = "";
	const char *s = NULL;

	if (rxs__cfg_scalar(c, v, &s))
		return RXS_ECONFIG;
	for (size_t i = 0; i < ARRAY_SIZE(checksum_modes); i++) {
		if (!strcmp(s, checksum_modes[i])) {
			TRAFFIC(obj)->checksums = (enum rxs_checksums)i;
			return 0;
		}
	}
	rxs__cfg_did_you_mean(rxs__cfg_suggest(s, checksum_modes, ARRAY_SIZE(checksum_modes)),
			      hint, sizeof(hint));
	return rxs__cfg_error(c, v, "unknown checksums '%.*s'%s", QUOTE_MAX, s,
			      hint[0] ? hint : " (auto, verify or recompute)");
}

static const struct cfg_key traffic_keys[] = {
	{ .name = "pcap", .set = set_pcap },
	{ .name = "generate", .set = set_generate },
	{ .name = "nic", .set = set_nic },
	{ .name = "speed", .set = set_speed },
	{ .name = "rate", .set = set_rate },
	{ .name = "start", .set = set_start },
	{ .name = "flows", .set = set_flows },
	{ .name = "size", .set = set_size },
	{ .name = "duration", .set = set_duration },
	{ .name = "count", .set = set_count },
	{ .name = "dport", .set = set_dport },
	{ .name = "checksums", .set = set_checksums },
	{ 0 },
};

static void *add_traffic(struct rxs_scenario *sc)
{
	return rxs_scenario_add_traffic(sc);
}

static void *find_traffic(struct rxs_scenario *sc, const char *sel)
{
	char *end;
	unsigned long i = strtoul(sel, &end, 10);

	return sel[0] >= '0' && sel[0] <= '9' && !*end && i < sc->ntraffic ? &sc->traffic[i] : NULL;
}

static int finish_traffic(struct cfg_ctx *c, void *obj, yaml_node_t *map)
{
	bool pcap = rxs__cfg_map_get(c, map, "pcap"), gen = rxs__cfg_map_get(c, map, "generate");
	yaml_node_t *v;

	if (pcap && gen)
		return rxs__cfg_error(c, map, "pcap: and generate: exclude each other");
	if (!pcap && !gen)
		return rxs__cfg_error(c, map, "needs pcap: FILE or generate: %s|%s|%s",
				      generators[0], generators[1], generators[2]);
	for (size_t i = 0; pcap && i < ARRAY_SIZE(generate_only); i++)
		if ((v = rxs__cfg_map_get(c, map, generate_only[i])))
			return rxs__cfg_error(c, v, "%s: is for generate: sources",
					      generate_only[i]);
	if (gen && (v = rxs__cfg_map_get(c, map, "speed")))
		return rxs__cfg_error(c, v, "speed: is for pcap: sources");
	if (!rxs__cfg_map_get(c, map, "nic"))
		return rxs__cfg_check_traffic_nic(c, map, TRAFFIC(obj)->nic);
	return 0;
}

const struct cfg_list rxs__cfg_traffic_list = {
	.keys = traffic_keys, .add = add_traffic, .find = find_traffic, .finish = finish_traffic,
};
