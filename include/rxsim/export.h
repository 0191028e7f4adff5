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

#endif /* RXSIM_EXPORT_H */
