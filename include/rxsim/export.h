/* rxsim/export.h - RXS_API, the mark of every function librxsim exports.
 *
 * The library is built with -fvisibility=hidden: only declarations carrying RXS_API are
 * visible in librxsim.so; the rxs__ functions the modules share stay internal.
 */
#ifndef RXSIM_EXPORT_H
#define RXSIM_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define RXS_API __attribute__((visibility("default")))
#else
#define RXS_API
#endif

/* Options structs (struct rxs_*_opts) start with their own size, size_t sz, as libbpf's
 * struct bpf_object_open_opts does, so fields may be added at their end without breaking
 * programs built against older headers. Declare one, zeroed and sized, with
 *	RXS_OPTS(rxs_source_opts, opts, .checksums = RXS_CSUM_VERIFY);
 * The library accepts a smaller sz (an older program: the missing fields take their
 * defaults) and refuses a larger one with -EINVAL when any byte past the fields it knows is
 * non-zero (a newer program asking for something this library cannot do). */
#define RXS_OPTS(TYPE, NAME, ...) struct TYPE NAME = { .sz = sizeof(struct TYPE), __VA_ARGS__ }

#endif /* RXSIM_EXPORT_H */
