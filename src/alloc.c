/* alloc.c - every allocation of the library goes through here (STYLE.md: Memory). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rxsim/error.h"
#include "internal.h"

static void *(*malloc_fn)(size_t) = malloc;
static void *(*realloc_fn)(void *, size_t) = realloc;
static void (*free_fn)(void *) = free;

int rxs_replace_allocator(void *(*m)(size_t), void *(*r)(void *, size_t), void (*f)(void *))
{
	if ((m == NULL) != (r == NULL) || (m == NULL) != (f == NULL))
		return -EINVAL;
	malloc_fn = m ? m : malloc;
	realloc_fn = r ? r : realloc;
	free_fn = f ? f : free;
	return 0;
}

void *rxs__malloc(size_t size)
{
	return malloc_fn(size ? size : 1);
}

void *rxs__calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = rxs__malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *rxs__realloc(void *ptr, size_t size)
{
	return realloc_fn(ptr, size ? size : 1);
}

void rxs__free(void *ptr)
{
	if (ptr)
		free_fn(ptr);
}

char *rxs__strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = rxs__malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

const char *rxs_strerror(int err)
{
	switch (err) {
#define XX(name, val, msg) case RXS_##name: return msg;
	RXS_ERRNO_MAP(XX)
#undef XX
	case 0:
		return "success";
	}
	if (err < 0 && err > -4096)
		return strerror(-err);
	return "unknown error";
}

int rxs__opts_copy(void *own, size_t own_sz, const void *user)
{
	const unsigned char *u = user;
	size_t sz;

	if (!user)
		return 0;
	memcpy(&sz, user, sizeof(sz));
	if (sz < sizeof(size_t))
		return -EINVAL;
	/* A newer caller's fields we do not know must be left at zero: we cannot honour them. */
	for (size_t i = own_sz; i < sz; i++)
		if (u[i])
			return -EINVAL;
	/* Our sz stays ours: what we copied is our layout now. */
	if (sz > own_sz)
		sz = own_sz;
	memcpy((unsigned char *)own + sizeof(size_t), u + sizeof(size_t), sz - sizeof(size_t));
	return 0;
}
