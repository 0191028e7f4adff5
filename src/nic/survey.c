/* survey.c - where a capture's frames go: destination MACs, addresses and ports.
 *
 * Each kind of key is counted in its own open-addressing hash table ("tally") of fixed-size
 * zero-padded keys, grown by doubling and capped at SURVEY_MAX distinct keys: a key first
 * seen after the cap is ignored, which bounds memory on any capture. At the end each table
 * is copied out and sorted, by count (most frequent first) for MACs and addresses, and by
 * key for ports; keys are compared with memcmp, so a port key is proto then big-endian port.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "nic/source_int.h"
#include "rxsim/error.h"

#define SURVEY_MAX 65536u
#define KEY_MAX 17

struct tally_ent {
	uint8_t key[KEY_MAX];
	uint64_t count;		/* 0: empty slot */
};

struct tally {
	struct tally_ent *ents;
	unsigned int cap, n;
};

struct survey_ctx {
	struct tally macs, addrs, ports;
	const uint8_t *only_mac;	/* tally addresses and ports of frames to this MAC only */
};

static uint32_t hash_key(const uint8_t *key)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (int i = 0; i < KEY_MAX; i++)
		h = (h ^ key[i]) * 16777619u;
	return h;
}

static struct tally_ent *tally_find(struct tally_ent *ents, unsigned int cap, const uint8_t *key)
{
	unsigned int i = hash_key(key) & (cap - 1);

	while (ents[i].count && memcmp(ents[i].key, key, KEY_MAX))
		i = (i + 1) & (cap - 1);
	return &ents[i];
}

static int tally_grow(struct tally *t)
{
	unsigned int cap = t->cap ? t->cap * 2 : 64;
	struct tally_ent *ents = rxs__calloc(cap, sizeof(*ents));

	if (!ents)
		return -ENOMEM;
	for (unsigned int i = 0; i < t->cap; i++)
		if (t->ents[i].count)
			*tally_find(ents, cap, t->ents[i].key) = t->ents[i];
	rxs__free(t->ents);
	t->ents = ents;
	t->cap = cap;
	return 0;
}

/* Count @key (@len bytes, zero-padded here). 0 or -ENOMEM. */
static int tally_add(struct tally *t, const uint8_t *key, size_t len)
{
	uint8_t k[KEY_MAX] = { 0 };
	struct tally_ent *e;

	memcpy(k, key, len);
	/* Keep the table at most half full: SURVEY_MAX keys fit in 2 * SURVEY_MAX slots. */
	if (t->n * 2 >= t->cap && t->n < SURVEY_MAX && tally_grow(t) < 0)
		return -ENOMEM;
	e = tally_find(t->ents, t->cap, k);
	if (!e->count) {
		if (t->n >= SURVEY_MAX)
			return 0;
		memcpy(e->key, k, KEY_MAX);
		t->n++;
	}
	e->count++;
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct tally_ent *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return memcmp(x->key, y->key, KEY_MAX);
}

static int by_key(const void *a, const void *b)
{
	return memcmp(((const struct tally_ent *)a)->key, ((const struct tally_ent *)b)->key,
		      KEY_MAX);
}

/* Pack the used slots to the front and sort them; returns how many there are. */
static unsigned int tally_sort(struct tally *t, int (*cmp)(const void *, const void *))
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < t->cap; i++)
		if (t->ents[i].count)
			t->ents[n++] = t->ents[i];
	if (n)
		qsort(t->ents, n, sizeof(*t->ents), cmp);
	return n;
}

static int survey_l4(struct survey_ctx *c, uint8_t proto, const uint8_t *l4, size_t len)
{
	uint8_t key[3] = { proto };

	if ((proto != 6 && proto != 17) || len < 4)
		return 0;
	memcpy(key + 1, l4 + 2, 2);
	return tally_add(&c->ports, key, sizeof(key));
}

static int survey_ipv4(struct survey_ctx *c, const uint8_t *p, size_t len)
{
	uint8_t key[5] = { 4 };
	size_t ihl;
	int rc;

	if (len < 20 || p[0] >> 4 != 4)
		return 0;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > len)
		return 0;
	/* Unicast: not 0.0.0.0, not multicast or class E (which holds 255.255.255.255). */
	if (p[16] < 224 && rxs__get_be32(p + 16) != 0) {
		memcpy(key + 1, p + 16, 4);
		if ((rc = tally_add(&c->addrs, key, sizeof(key))) < 0)
			return rc;
	}
	if (rxs__get_be16(p + 6) & 0x1fff)	/* not a first fragment: no L4 header */
		return 0;
	return survey_l4(c, p[9], p + ihl, len - ihl);
}

static int survey_ipv6(struct survey_ctx *c, const uint8_t *p, size_t len)
{
	static const uint8_t unspec[16];
	uint8_t key[17] = { 6 };
	int rc;

	if (len < 40 || p[0] >> 4 != 6)
		return 0;
	if (p[24] != 0xff && memcmp(p + 24, unspec, 16)) {
		memcpy(key + 1, p + 24, 16);
		if ((rc = tally_add(&c->addrs, key, sizeof(key))) < 0)
			return rc;
	}
	return survey_l4(c, p[6], p + 40, len - 40);
}

/* MACs of converted frames are our own invention (host_mac is zero here), so skip them. */
static int survey_frame(struct survey_ctx *c, const uint8_t *p, size_t len, int converted)
{
	static const uint8_t zero[6];
	size_t off = 14;
	uint16_t type;
	int rc;

	if (len < 14)
		return 0;
	if (!converted && !(p[0] & 1) && memcmp(p, zero, 6) &&
	    (rc = tally_add(&c->macs, p, 6)) < 0)
		return rc;
	/* Frames converted from another link type and sent to the capturing host carry the
	 * all-zero host MAC here (opts.host_mac): they count as sent to any host. */
	if (c->only_mac && memcmp(p, c->only_mac, 6) && memcmp(p, zero, 6))
		return 0;
	type = rxs__get_be16(p + 12);
	for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88A8) && len >= off + 4; tags++) {
		type = rxs__get_be16(p + off + 2);
		off += 4;
	}
	if (type == 0x0800)
		return survey_ipv4(c, p + off, len - off);
	if (type == 0x86DD)
		return survey_ipv6(c, p + off, len - off);
	return 0;
}

static int export_survey(struct rxs_capture_survey *sv, struct survey_ctx *c)
{
	unsigned int nm = tally_sort(&c->macs, by_count), na = tally_sort(&c->addrs, by_count);
	unsigned int np = tally_sort(&c->ports, by_key);

	sv->macs = rxs__calloc(nm, sizeof(*sv->macs));
	sv->addrs = rxs__calloc(na, sizeof(*sv->addrs));
	sv->ports = rxs__calloc(np, sizeof(*sv->ports));
	if (!sv->macs || !sv->addrs || !sv->ports)
		return -ENOMEM;
	for (unsigned int i = 0; i < nm; i++)
		memcpy(sv->macs[i], c->macs.ents[i].key, 6);
	for (unsigned int i = 0; i < na; i++) {
		const uint8_t *k = c->addrs.ents[i].key;

		sv->addrs[i].family = k[0] == 4 ? AF_INET : AF_INET6;
		sv->addrs[i].prefix = k[0] == 4 ? 32 : 128;
		memcpy(sv->addrs[i].addr, k + 1, k[0] == 4 ? 4 : 16);
	}
	for (unsigned int i = 0; i < np; i++) {
		sv->ports[i].proto = c->ports.ents[i].key[0];
		sv->ports[i].port = rxs__get_be16(c->ports.ents[i].key + 1);
	}
	sv->nmacs = nm;
	sv->naddrs = na;
	sv->nports = np;
	return 0;
}

static int survey_read(struct survey_ctx *c, rxs_source_t *src, uint64_t *frames)
{
	struct rxs_source_stats st;
	struct rxs_frame f;
	uint64_t converted = 0;
	int rc;

	while ((rc = rxs_source_next(src, &f)) > 0) {
		rxs_source_get_stats(src, &st);
		rc = survey_frame(c, f.data, f.len, st.link_converted != converted);
		if (rc < 0)
			return rc;
		converted = st.link_converted;
	}
	rxs_source_get_stats(src, &st);
	*frames = st.frames;
	return rc;
}

int rxs_capture_survey(struct rxs_capture_survey *sv, const char *path, char *err, size_t errlen)
{
	return rxs_capture_survey_mac(sv, path, NULL, err, errlen);
}

int rxs_capture_survey_mac(struct rxs_capture_survey *sv, const char *path, const uint8_t *mac,
			   char *err, size_t errlen)
{
	struct rxs_source_options opts;
	struct survey_ctx c;
	rxs_source_t *src;
	int rc;

	memset(sv, 0, sizeof(*sv));
	memset(&opts, 0, sizeof(opts));
	memset(&c, 0, sizeof(c));
	c.only_mac = mac;
	rc = rxs_source_open_pcap(&src, path, &opts, err, errlen);
	if (rc < 0)
		return rc;
	rc = survey_read(&c, src, &sv->frames);
	if (rc < 0 && rc != -ENOMEM) {
		/* A capture broken part-way: what came before the damage is still surveyed, so a
		 * replay can do what the file allows and then report the same error. */
		snprintf(err, errlen, "%s", rxs_source_errmsg(src));
		sv->read_error = rc;
		rc = 0;
	}
	if (rc == 0)
		rc = export_survey(sv, &c);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", path);
	rxs_source_close(src);
	rxs__free(c.macs.ents);
	rxs__free(c.addrs.ents);
	rxs__free(c.ports.ents);
	if (rc < 0)
		rxs_capture_survey_free(sv);
	return rc;
}

void rxs_capture_survey_free(struct rxs_capture_survey *sv)
{
	rxs__free(sv->macs);
	rxs__free(sv->addrs);
	rxs__free(sv->ports);
	memset(sv, 0, sizeof(*sv));
}
