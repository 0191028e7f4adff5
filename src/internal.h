/* internal.h - helpers every module of the library may use; never installed. */
#ifndef RXSIM_INTERNAL_H
#define RXSIM_INTERNAL_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define RXS_MIN(a, b) ((a) < (b) ? (a) : (b))
#define RXS_MAX(a, b) ((a) > (b) ? (a) : (b))

#if defined(__GNUC__)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define RXS_API __attribute__((visibility("default")))
/* As the kernel's __always_inline: for a hot path that two entry points share. */
#define RXS_ALWAYS_INLINE inline __attribute__((always_inline))
#define RXS_NOINLINE __attribute__((noinline))
#else
#define likely(x) (x)
#define unlikely(x) (x)
#define RXS_API
#define RXS_ALWAYS_INLINE inline
#define RXS_NOINLINE
#endif

/* Copy the caller's options struct @user (first member size_t sz, its size; NULL: none)
 * into @own, @own_sz bytes already holding the defaults, as libbpf's OPTS_VALID does: a
 * smaller struct fills only its fields; a larger one is refused unless every byte past
 * ours is zero. Below sizeof(size_t) is refused too. 0 or -EINVAL. */
int rxs__opts_copy(void *own, size_t own_sz, const void *user);

void *rxs__malloc(size_t size);
void *rxs__calloc(size_t n, size_t size);
void *rxs__realloc(void *ptr, size_t size);
void rxs__free(void *ptr);
char *rxs__strdup(const char *s);

/* suggest.c: the name in @names nearest to @word when it is close enough to be a typo (a
 * few edits, at most half the name), else NULL. */
const char *rxs__suggest(const char *word, const char *const *names, size_t n);
/* Restricted Damerau-Levenshtein distance; SIZE_MAX when the lengths alone put it past 3. */
size_t rxs__edit_distance(const char *a, const char *b);

static inline uint16_t rxs__get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rxs__get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void rxs__put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void rxs__put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t rxs__rol32(uint32_t w, unsigned int s)
{
	return w << s | w >> (32 - s);
}

/* __jhash_final() of include/linux/jhash.h: the last mix of the kernel's jhash, which
 * reuseport's group hash and nft's jhash end with. Returns c. */
static inline uint32_t rxs__jhash_final(uint32_t a, uint32_t b, uint32_t c)
{
	c ^= b; c -= rxs__rol32(b, 14);
	a ^= c; a -= rxs__rol32(c, 11);
	b ^= a; b -= rxs__rol32(a, 25);
	c ^= b; c -= rxs__rol32(b, 16);
	a ^= c; a -= rxs__rol32(c, 4);
	b ^= a; b -= rxs__rol32(a, 14);
	c ^= b; c -= rxs__rol32(b, 24);
	return c;
}

/*
 * The Internet checksum (RFC 1071), inline: the receive path verifies two per packet.
 * rxs__csum_partial() adds @len bytes at @p to @sum; rxs__csum_fold() folds to 16 bits,
 * already complemented, ready to store (0 when verifying a valid checksum).
 *
 * The sum is the same in any byte order (RFC 1071 1.2.B): words are added as the machine
 * reads them, eight bytes at a time into 64 bits with the carry added back in (2^16 = 1
 * modulo 0xffff, so the 16-bit sum is unchanged), folded to 16 bits and turned into the
 * sum of the big-endian words once at the end; an odd last byte is the high half of a
 * zero-padded word. No word is byte-swapped: a 1,448-byte segment is 181 adds with carry.
 */
static inline uint32_t rxs__csum_partial(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	uint64_t acc = 0, tail = 0, r;

	for (; len >= 8; b += 8, len -= 8) {
		uint64_t w;

		memcpy(&w, b, 8);
		acc += w;
		acc += acc < w;
	}
	/* At most 7 bytes are left: a 32-bit word, a 16-bit one, a byte. */
	if (len >= 4) {
		uint32_t w;

		memcpy(&w, b, 4);
		tail = w;
		b += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;

		memcpy(&w, b, 2);
		tail += w;
		b += 2;
		len -= 2;
	}
	if (len)
		tail += be16toh((uint16_t)(b[0] << 8));
	acc += tail;
	acc += acc < tail;
	acc = (acc & 0xFFFFFFFFu) + (acc >> 32);
	acc = (acc & 0xFFFFu) + (acc >> 16);
	acc = (acc & 0xFFFFu) + (acc >> 16);
	acc = (acc & 0xFFFFu) + (acc >> 16);
	r = (uint64_t)sum + be16toh((uint16_t)acc);
	return (uint32_t)((r & 0xFFFFFFFFu) + (r >> 32));
}

static inline uint16_t rxs__csum_fold(uint32_t sum)
{
	sum = (sum & 0xFFFF) + (sum >> 16);
	sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

#endif /* RXSIM_INTERNAL_H */
