/* rxsim/error.h - error codes, rxs_strerror() and the replaceable allocator. */
#ifndef RXSIM_ERROR_H
#define RXSIM_ERROR_H

#include <stddef.h>

#include "rxsim/export.h"

/*
 * Fallible calls return 0 or a negative errno (-EINVAL, -ENOMEM, -ENOENT...). Errors that no
 * errno names sit below -4095, generated from this one table.
 */
#define RXS_ERRNO_MAP(XX) \
	XX(EPCAP, -4096, "capture file cannot be read") \
	XX(ELINKTYPE, -4097, "capture link type not supported") \
	XX(ECONFIG, -4098, "invalid scenario") \
	XX(ECONSERVATION, -4099, "packet conservation violated") \
	XX(EFILTER, -4100, "invalid packet filter expression") \
	XX(ERULE, -4101, "invalid or unsupported netfilter rule")

enum {
#define XX(name, val, msg) RXS_##name = (val),
	RXS_ERRNO_MAP(XX)
#undef XX
};

/* Text for any return value of an rxsim call (0, -errno or RXS_E*). Never NULL. */
RXS_API const char *rxs_strerror(int err);

/* Replace the allocator used for every rxsim allocation; call before creating anything.
 * NULL arguments restore the libc functions. 0 or -EINVAL. */
RXS_API int rxs_replace_allocator(void *(*malloc_fn)(size_t size),
				  void *(*realloc_fn)(void *ptr, size_t size),
				  void (*free_fn)(void *ptr));

#endif /* RXSIM_ERROR_H */
