/* internal.h - helpers every module of the library may use; never installed. */
#ifndef RXSIM_INTERNAL_H
#define RXSIM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define RXS_MIN(a, b) ((a) < (b) ? (a) : (b))
#define RXS_MAX(a, b) ((a) > (b) ? (a) : (b))

#if defined(__GNUC__)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define RXS_API __attribute__((visibility("default")))
#else
#define likely(x) (x)
#define unlikely(x) (x)
#define RXS_API
#endif

void *rxs__malloc(size_t size);
void *rxs__calloc(size_t n, size_t size);
void *rxs__realloc(void *ptr, size_t size);
void rxs__free(void *ptr);
char *rxs__strdup(const char *s);

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

#endif /* RXSIM_INTERNAL_H */
