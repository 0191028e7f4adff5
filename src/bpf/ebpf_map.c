/* ebpf_map.c - eBPF maps: array, hash, their per-CPU and LRU forms, LPM trie, prog array,
 * perf event array and ring buffer.
 *
 * Every map preallocates max_entries slots, as the kernel preallocates hash elements: a value
 * pointer a program holds stays inside the map's value region whatever it updates or deletes
 * afterwards. Slot s holds key s (hash-like maps) and ncpus values of stride bytes at
 * values + (s * ncpus + cpu) * stride.
 *
 * Hash-like maps chain their used slots from buckets (hnext) and keep them in one list too
 * (prev/next): insertion order for hash maps, which is the order get_next_key walks; recency for
 * LRU maps, head the most recently used, so that eviction takes the tail. The kernel's LRU is
 * per-CPU and approximate; ours evicts exactly the least recently used element, which is
 * deterministic and what a program's author expects. The LPM trie is a list too: a lookup
 * scans the used slots for the longest matching prefix, fine for the sizes tests use.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpf/ebpf_int.h"
#include "internal.h"

#define NONE UINT32_MAX

static bool hashlike(const struct ebpf_map *m)
{
	switch (m->type) {
	case RXS_BPF_MAP_HASH: case RXS_BPF_MAP_PERCPU_HASH: case RXS_BPF_MAP_LRU_HASH:
	case RXS_BPF_MAP_LRU_PERCPU_HASH: case RXS_BPF_MAP_LPM_TRIE:
	case RXS_BPF_MAP_REUSEPORT_SOCKARRAY:
		return true;
	default:
		return false;
	}
}

static bool is_lru(const struct ebpf_map *m)
{
	return m->type == RXS_BPF_MAP_LRU_HASH || m->type == RXS_BPF_MAP_LRU_PERCPU_HASH;
}

static bool percpu(enum rxs_bpf_map_type t)
{
	return t == RXS_BPF_MAP_PERCPU_HASH || t == RXS_BPF_MAP_PERCPU_ARRAY ||
	       t == RXS_BPF_MAP_LRU_PERCPU_HASH;
}

/* The kernel's checks of map_create, for the types we have. */
static const char *bad_shape(const struct rxs_bpf_map_info *in)
{
	uint32_t n = in->max_entries;

	switch (in->type) {
	case RXS_BPF_MAP_ARRAY: case RXS_BPF_MAP_PERCPU_ARRAY:
		if (in->key_size != 4)
			return "array key_size must be 4";
		break;
	case RXS_BPF_MAP_PROG_ARRAY: case RXS_BPF_MAP_PERF_EVENT_ARRAY:
		if (in->key_size != 4 || in->value_size != 4)
			return "key_size and value_size must be 4";
		break;
	case RXS_BPF_MAP_DEVMAP: case RXS_BPF_MAP_CPUMAP:
	case RXS_BPF_MAP_REUSEPORT_SOCKARRAY:
		if (in->key_size != 4 || (in->value_size != 4 && in->value_size != 8))
			return "key_size must be 4, value_size 4 or 8";
		break;
	case RXS_BPF_MAP_HASH: case RXS_BPF_MAP_PERCPU_HASH: case RXS_BPF_MAP_LRU_HASH:
	case RXS_BPF_MAP_LRU_PERCPU_HASH:
		if (in->key_size == 0 || in->key_size > 512)
			return "key_size must be 1..512";
		break;
	case RXS_BPF_MAP_LPM_TRIE:
		if (in->key_size < 5 || in->key_size > 4 + 256)
			return "LPM key_size must be 5..260 (prefixlen and up to 256 bytes)";
		if (!(in->map_flags & EBPF_F_NO_PREALLOC))
			return "LPM trie needs BPF_F_NO_PREALLOC";
		break;
	case RXS_BPF_MAP_RINGBUF:
		if (in->key_size || in->value_size || n < 4096 || (n & (n - 1)))
			return "ringbuf max_entries must be a power of 2 of at least 4096";
		return NULL;
	default:
		return "map type not supported";
	}
	if (n == 0 || n > (1u << 24))
		return "max_entries must be 1..16777216";
	if (in->value_size == 0 || in->value_size > (1u << 20))
		return "value_size must be 1..1048576";
	return NULL;
}

int rxs__ebpf_map_init(struct ebpf_map *m, const struct rxs_bpf_map_info *in,
		       unsigned int ncpus, char *err, size_t errlen)
{
	const char *why = bad_shape(in);
	uint64_t bytes;

	memset(m, 0, sizeof(*m));
	if (why) {
		snprintf(err, errlen, "map %s (type %d): %s", in->name ? in->name : "?", in->type,
			 why);
		return -EINVAL;
	}
	m->name = rxs__strdup(in->name ? in->name : "");
	m->type = in->type;
	m->key_size = in->key_size;
	m->value_size = in->value_size;
	m->max_entries = in->max_entries;
	m->flags = in->map_flags;
	m->stride = (in->value_size + 7) & ~7u;
	m->ncpus = percpu(in->type) ? ncpus : 1;
	m->head = m->tail = m->free = NONE;
	if (!m->name)
		return -ENOMEM;
	if (m->type == RXS_BPF_MAP_RINGBUF)
		return 0;
	if (hashlike(m))
		for (m->nbuckets = 1; m->nbuckets < m->max_entries && m->nbuckets < (1u << 20);)
			m->nbuckets <<= 1;
	/* Everything is preallocated: the values, and a hash's keys, slot lists and buckets.
	 * Sized before any of it is taken, so that no one allocation can pass the bound (16M
	 * keys of 512 bytes would be 8 GiB). */
	bytes = (uint64_t)m->max_entries * m->ncpus * m->stride;
	if (hashlike(m))
		bytes += (uint64_t)m->max_entries * (m->key_size + 3 * sizeof(uint32_t)) +
			 (uint64_t)m->nbuckets * sizeof(uint32_t);
	if (bytes > (1ull << 30)) {
		snprintf(err, errlen, "map %s: %llu bytes of values%s, over 1 GiB", m->name,
			 (unsigned long long)bytes, hashlike(m) ? " and keys" : "");
		return -E2BIG;
	}
	m->values = rxs__calloc(1, (size_t)m->max_entries * m->ncpus * m->stride);
	if (!m->values)
		return -ENOMEM;
	if (in->initial) {
		m->initial = rxs__malloc(m->value_size);
		if (!m->initial)
			return -ENOMEM;
		memcpy(m->initial, in->initial, m->value_size);
		memcpy(m->values, in->initial, m->value_size);
	}
	if (!hashlike(m))
		return 0;
	m->keys = rxs__calloc(m->max_entries, m->key_size);
	m->bucket = rxs__malloc(m->nbuckets * sizeof(uint32_t));
	m->hnext = rxs__malloc(m->max_entries * sizeof(uint32_t));
	m->prev = rxs__malloc(m->max_entries * sizeof(uint32_t));
	m->next = rxs__malloc(m->max_entries * sizeof(uint32_t));
	if (!m->keys || !m->bucket || !m->hnext || !m->prev || !m->next)
		return -ENOMEM;
	memset(m->bucket, 0xff, m->nbuckets * sizeof(uint32_t));
	/* The free list runs through hnext, lowest slot first: slots fill in order. */
	for (uint32_t s = m->max_entries; s-- > 0;) {
		m->hnext[s] = m->free;
		m->free = s;
	}
	return 0;
}

void rxs__ebpf_map_fini(struct ebpf_map *m)
{
	rxs__free(m->name);
	rxs__free(m->values);
	rxs__free(m->initial);
	rxs__free(m->keys);
	rxs__free(m->bucket);
	rxs__free(m->hnext);
	rxs__free(m->prev);
	rxs__free(m->next);
	memset(m, 0, sizeof(*m));
}

/* ---- hash-like maps ------------------------------------------------------------------------- */

/* FNV-1a: deterministic, and good enough for the bucket of a test's keys. */
static uint32_t key_hash(const struct ebpf_map *m, const uint8_t *key)
{
	uint32_t h = 2166136261u;

	for (uint32_t i = 0; i < m->key_size; i++)
		h = (h ^ key[i]) * 16777619u;
	return h & (m->nbuckets - 1);
}

static uint8_t *slot_key(const struct ebpf_map *m, uint32_t s)
{
	return m->keys + (size_t)s * m->key_size;
}

static uint32_t find(const struct ebpf_map *m, const uint8_t *key)
{
	for (uint32_t s = m->bucket[key_hash(m, key)]; s != NONE; s = m->hnext[s])
		if (!memcmp(slot_key(m, s), key, m->key_size))
			return s;
	return NONE;
}

static void list_unlink(struct ebpf_map *m, uint32_t s)
{
	if (m->prev[s] != NONE)
		m->next[m->prev[s]] = m->next[s];
	else
		m->head = m->next[s];
	if (m->next[s] != NONE)
		m->prev[m->next[s]] = m->prev[s];
	else
		m->tail = m->prev[s];
}

/* LRU maps keep the most recent at the head; hash maps append, to keep insertion order. */
static void list_insert(struct ebpf_map *m, uint32_t s)
{
	if (is_lru(m)) {
		m->prev[s] = NONE;
		m->next[s] = m->head;
		if (m->head != NONE)
			m->prev[m->head] = s;
		m->head = s;
		if (m->tail == NONE)
			m->tail = s;
		return;
	}
	m->next[s] = NONE;
	m->prev[s] = m->tail;
	if (m->tail != NONE)
		m->next[m->tail] = s;
	m->tail = s;
	if (m->head == NONE)
		m->head = s;
}

static void slot_remove(struct ebpf_map *m, uint32_t s)
{
	uint32_t *pp = &m->bucket[key_hash(m, slot_key(m, s))];

	while (*pp != s)
		pp = &m->hnext[*pp];
	*pp = m->hnext[s];
	list_unlink(m, s);
	m->hnext[s] = m->free;
	m->free = s;
	m->count--;
}

static uint32_t slot_insert(struct ebpf_map *m, const uint8_t *key)
{
	uint32_t s = m->free, b;

	if (s == NONE) {
		if (!is_lru(m) || m->tail == NONE)
			return NONE;
		slot_remove(m, m->tail);
		s = m->free;
	}
	m->free = m->hnext[s];
	memcpy(slot_key(m, s), key, m->key_size);
	b = key_hash(m, key);
	m->hnext[s] = m->bucket[b];
	m->bucket[b] = s;
	list_insert(m, s);
	m->count++;
	return s;
}

/* LPM keys: a 32-bit host-order prefix length, then the data, most significant bit first. */
static bool prefix_match(const uint8_t *a, const uint8_t *b, uint32_t bits)
{
	uint32_t bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes))
		return false;
	return !rest || !((a[bytes] ^ b[bytes]) & (uint8_t)(0xff00 >> rest));
}

static uint32_t lpm_prefixlen(const uint8_t *key)
{
	uint32_t p;

	memcpy(&p, key, 4);
	return p;
}

static uint32_t lpm_find(const struct ebpf_map *m, const uint8_t *key, bool exact)
{
	uint32_t want = lpm_prefixlen(key), best = NONE, best_len = 0;

	if (want > (m->key_size - 4) * 8)
		return NONE;
	for (uint32_t s = m->head; s != NONE; s = m->next[s]) {
		const uint8_t *k = slot_key(m, s);
		uint32_t len = lpm_prefixlen(k);

		if (exact ? len != want : len > want)
			continue;
		if (!prefix_match(k + 4, key + 4, len))
			continue;
		if (exact)
			return s;
		if (best == NONE || len > best_len) {
			best = s;
			best_len = len;
		}
	}
	return best;
}

/* ---- the operations --------------------------------------------------------------------------- */

/* reuseport_array_update_check(): a socket already in a slot (its sk_user_data set) cannot be
 * put in another one, -EBUSY (checked on 6.18: a second slot for one listener's fd). */
static bool sockarray_busy(const struct ebpf_map *m, const void *key, const void *value)
{
	if (m->type != RXS_BPF_MAP_REUSEPORT_SOCKARRAY)
		return false;
	for (uint32_t s = m->head; s != NONE; s = m->next[s])
		if (memcmp(slot_key(m, s), key, 4) &&
		    !memcmp(m->values + (uint64_t)s * m->stride, value, m->value_size))
			return true;
	return false;
}

/* A REUSEPORT_SOCKARRAY is an array whose slots are empty until a socket is put in them
 * (reuseport_array.c); it is kept as a hash of its filled slots, its keys bounded by
 * max_entries. */
static bool sockarray_key_ok(const struct ebpf_map *m, const void *key)
{
	uint32_t idx;

	if (m->type != RXS_BPF_MAP_REUSEPORT_SOCKARRAY)
		return true;
	memcpy(&idx, key, 4);
	return idx < m->max_entries;
}

static bool arraylike(const struct ebpf_map *m)
{
	return m->type == RXS_BPF_MAP_ARRAY || m->type == RXS_BPF_MAP_PERCPU_ARRAY ||
	       m->type == RXS_BPF_MAP_PROG_ARRAY || m->type == RXS_BPF_MAP_PERF_EVENT_ARRAY ||
	       m->type == RXS_BPF_MAP_DEVMAP || m->type == RXS_BPF_MAP_CPUMAP;
}

/* A devmap or cpumap slot holds an entry when its ifindex (qsize) is set: the kernel's
 * update refuses 0 (no device) and a cpumap's qsize 0 deletes. */
static bool redir_map(const struct ebpf_map *m)
{
	return m->type == RXS_BPF_MAP_DEVMAP || m->type == RXS_BPF_MAP_CPUMAP;
}

static bool redir_empty(const struct ebpf_map *m, uint32_t slot)
{
	uint32_t v;

	memcpy(&v, m->values + (uint64_t)slot * m->stride, 4);
	return v == 0;
}

static uint32_t value_off(const struct ebpf_map *m, uint32_t slot, unsigned int cpu)
{
	return (uint32_t)(((uint64_t)slot * m->ncpus + cpu) * m->stride);
}

/* The slot of @key: its element, NONE when absent. */
static uint32_t lookup_slot(struct ebpf_map *m, const uint8_t *key)
{
	uint32_t idx;

	if (arraylike(m)) {
		memcpy(&idx, key, 4);
		return idx < m->max_entries ? idx : NONE;
	}
	if (m->type == RXS_BPF_MAP_LPM_TRIE)
		return lpm_find(m, key, false);
	if (!hashlike(m))
		return NONE;
	return find(m, key);
}

bool rxs__ebpf_map_lookup(struct ebpf_map *m, const void *key, unsigned int cpu, uint32_t *off)
{
	uint32_t s = lookup_slot(m, key);

	if (s == NONE || m->type == RXS_BPF_MAP_PROG_ARRAY ||
	    m->type == RXS_BPF_MAP_PERF_EVENT_ARRAY || (redir_map(m) && redir_empty(m, s)))
		return false;
	if (is_lru(m) && m->head != s) {
		list_unlink(m, s);
		list_insert(m, s);
	}
	*off = value_off(m, s, m->ncpus > 1 ? cpu : 0);
	return true;
}

static void put_values(struct ebpf_map *m, uint32_t s, const uint8_t *value, unsigned int cpu,
		       bool all, bool fresh)
{
	for (unsigned int c = 0; c < m->ncpus; c++) {
		uint8_t *v = m->values + value_off(m, s, c);

		if (all)
			memcpy(v, value + (size_t)c * m->stride, m->value_size);
		else if (c == cpu || m->ncpus == 1)
			memcpy(v, value, m->value_size);
		else if (fresh)
			memset(v, 0, m->value_size);
	}
}

int rxs__ebpf_map_update(struct ebpf_map *m, const void *key, const void *value,
			 uint64_t flags, unsigned int cpu, bool all)
{
	uint32_t s, idx;
	bool fresh = false;

	if (flags > 2)
		return -EINVAL;
	if (arraylike(m)) {
		memcpy(&idx, key, 4);
		if (idx >= m->max_entries)
			return -E2BIG;
		if (flags == 1)
			return -EEXIST;
		put_values(m, idx, value, cpu, all, false);
		return 0;
	}
	if (!hashlike(m))
		return -EINVAL;
	if (!sockarray_key_ok(m, key))
		return -E2BIG;
	if (sockarray_busy(m, key, value))
		return -EBUSY;
	if (m->type == RXS_BPF_MAP_LPM_TRIE) {
		if (lpm_prefixlen(key) > (m->key_size - 4) * 8)
			return -EINVAL;
		s = lpm_find(m, key, true);
	} else {
		s = find(m, key);
	}
	if (s != NONE && flags == 1)
		return -EEXIST;
	if (s == NONE && flags == 2)
		return -ENOENT;
	if (s == NONE) {
		s = slot_insert(m, key);
		if (s == NONE)
			return -E2BIG;
		fresh = true;
	} else if (is_lru(m)) {
		list_unlink(m, s);
		list_insert(m, s);
	}
	put_values(m, s, value, cpu, all, fresh);
	return 0;
}

int rxs__ebpf_map_delete(struct ebpf_map *m, const void *key)
{
	uint32_t s;

	if (!hashlike(m)) {
		/* A prog array slot can be emptied; plain arrays cannot delete. */
		if (m->type != RXS_BPF_MAP_PROG_ARRAY && m->type != RXS_BPF_MAP_PERF_EVENT_ARRAY &&
		    !redir_map(m))
			return -EINVAL;
		s = lookup_slot(m, key);
		if (s == NONE)
			return -E2BIG;
		memset(m->values + value_off(m, s, 0), 0, m->stride);
		return 0;
	}
	if (!sockarray_key_ok(m, key))
		return -E2BIG;
	s = m->type == RXS_BPF_MAP_LPM_TRIE ? lpm_find(m, key, true) : find(m, key);
	if (s == NONE)
		return -ENOENT;
	slot_remove(m, s);
	return 0;
}

int rxs__ebpf_map_next_key(struct ebpf_map *m, const void *key, void *next)
{
	uint32_t s, idx;

	if (arraylike(m)) {
		if (key) {
			memcpy(&idx, key, 4);
			idx = idx < m->max_entries ? idx + 1 : 0;
		} else {
			idx = 0;
		}
		if (idx >= m->max_entries)
			return -ENOENT;
		memcpy(next, &idx, 4);
		return 0;
	}
	if (!hashlike(m))
		return -EINVAL;
	/* As the kernel: a key that is not there restarts from the first. */
	s = NONE;
	if (key)
		s = m->type == RXS_BPF_MAP_LPM_TRIE ? lpm_find(m, key, true) : find(m, key);
	s = s == NONE ? m->head : m->next[s];
	if (s == NONE)
		return -ENOENT;
	memcpy(next, slot_key(m, s), m->key_size);
	return 0;
}

int rxs__ebpf_map_read(struct ebpf_map *m, const void *key, void *value)
{
	uint32_t s = lookup_slot(m, key);
	uint8_t *out = value;

	if (s == NONE || (redir_map(m) && redir_empty(m, s)))
		return -ENOENT;
	for (unsigned int c = 0; c < m->ncpus; c++) {
		memcpy(out + (size_t)c * m->stride, m->values + value_off(m, s, c), m->value_size);
		if (m->ncpus > 1 && m->stride > m->value_size)
			memset(out + (size_t)c * m->stride + m->value_size, 0,
			       m->stride - m->value_size);
	}
	return 0;
}
