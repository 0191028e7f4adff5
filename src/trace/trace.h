/* trace.h - the tracepoint module's interface for the rest of the library (src/trace/).
 *
 * A leaf: it knows the public event (struct rxs_trace_event, rxsim/hooks.h) and nothing of
 * the host, sockets, queues or devices. Each tracepoint's call site fills the fields the
 * tracepoint prints, from the objects it has at hand, and hands the event here; the module
 * keeps the callbacks per tracepoint and calls them. So a socket's layout changes without
 * touching trace/, and a new tracepoint is an enum value and a struct in rxsim/hooks.h, a
 * name in trace.c, and the few lines at its call site.
 */
#ifndef RXSIM_TRACE_H
#define RXSIM_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "rxsim/hooks.h"

/* The callbacks of every tracepoint of one host. */
struct rxs_trace {
	struct {
		rxs_trace_fn fn;
		void *ctx;
	} tp[RXS_TP_COUNT][RXS_TRACE_MAX_FNS];
	unsigned int ntp[RXS_TP_COUNT];
	uint32_t mask;				/* bit tp: tracepoint tp has callbacks */
	/* Taken around the callbacks of one event (@enter true, then false), so that in the
	 * threaded engine users' functions run one at a time; set by the owner (the host).
	 * NULL: no lock. */
	void (*lock)(void *ctx, bool enter);
	void *lock_ctx;
};

/* The call site's test: one load and a bit, so a host that traces nothing pays that. */
static inline bool rxs__trace_on(const struct rxs_trace *tr, enum rxs_tracepoint tp)
{
	return tr->mask & (1u << tp);
}

/* An event of @tp at virtual time @t on @cpu, its fields zero for the caller to fill. */
static inline void rxs__trace_event_init(struct rxs_trace_event *ev, enum rxs_tracepoint tp,
					 uint64_t t, unsigned int cpu)
{
	memset(ev, 0, sizeof(*ev));
	ev->tp = tp;
	ev->time_ns = t;
	ev->cpu = cpu;
}

/* Call @ev's tracepoint's callbacks, under tr->lock. */
void rxs__trace_emit(struct rxs_trace *tr, const struct rxs_trace_event *ev);

/* rxsim:stage: the packet @skbaddr (frame id @frame, 0 for a clone) passed @stage at @t on
 * @cpu; @fmt says what was decided there. */
void rxs__trace_stage(struct rxs_trace *tr, uint64_t t, unsigned int cpu, const void *skbaddr,
		      uint64_t frame, const char *stage, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* TP_STORE_ADDRS(): the addresses of a connection seen from our side (@s local, @d the
 * peer), an IPv4 one also as IPv4-mapped IPv6 addresses. */
void rxs__trace_store_addrs(struct rxs_tp_tcp_retransmit_synack *p, int family,
			    const uint8_t *s, const uint8_t *d);

/* Add or remove a callback: 0, or -EINVAL/-EEXIST/-ENOSPC, -ENOENT. */
int rxs__trace_add(struct rxs_trace *tr, enum rxs_tracepoint tp, rxs_trace_fn fn, void *ctx);
int rxs__trace_del(struct rxs_trace *tr, enum rxs_tracepoint tp, rxs_trace_fn fn, void *ctx);

#endif /* RXSIM_TRACE_H */
