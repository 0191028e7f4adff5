/* trace.c - tracepoints: the callbacks of each, and the calling (see trace.h).
 *
 * The kernel's tracepoints are a static key at the call site and a list of probes; here the
 * static key is a bit of struct rxs_trace's mask that the call site tests, and the probes
 * are a small fixed table per tracepoint, so registering allocates nothing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "trace/trace.h"

void rxs__trace_emit(struct rxs_trace *tr, const struct rxs_trace_event *ev)
{
	if (tr->lock)
		tr->lock(tr->lock_ctx, true);
	for (unsigned int i = 0; i < tr->ntp[ev->tp]; i++)
		tr->tp[ev->tp][i].fn(tr->tp[ev->tp][i].ctx, ev);
	if (tr->lock)
		tr->lock(tr->lock_ctx, false);
}

void rxs__trace_stage(struct rxs_trace *tr, uint64_t t, unsigned int cpu, const void *skbaddr,
		      uint64_t frame, const char *stage, const char *fmt, ...)
{
	struct rxs_trace_event ev;
	struct rxs_tp_stage *p = &ev.u.stage;
	va_list ap;

	rxs__trace_event_init(&ev, RXS_TP_STAGE, t, cpu);
	p->skbaddr = skbaddr;
	p->frame = frame;
	p->stage = stage;
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
	va_end(ap);
	rxs__trace_emit(tr, &ev);
}

void rxs__trace_store_addrs(struct rxs_tp_tcp_retransmit_synack *p, int family,
			    const uint8_t *s, const uint8_t *d)
{
	p->family = (uint16_t)family;
	if (family == AF_INET) {
		memcpy(p->saddr, s, 4);
		memcpy(p->daddr, d, 4);
		p->saddr_v6[10] = p->saddr_v6[11] = 0xff;
		p->daddr_v6[10] = p->daddr_v6[11] = 0xff;
		memcpy(p->saddr_v6 + 12, s, 4);
		memcpy(p->daddr_v6 + 12, d, 4);
	} else {
		memcpy(p->saddr_v6, s, 16);
		memcpy(p->daddr_v6, d, 16);
	}
}

int rxs__trace_add(struct rxs_trace *tr, enum rxs_tracepoint tp, rxs_trace_fn fn, void *ctx)
{
	unsigned int n;

	if ((unsigned int)tp >= RXS_TP_COUNT || !fn)
		return -EINVAL;
	n = tr->ntp[tp];
	for (unsigned int i = 0; i < n; i++)
		if (tr->tp[tp][i].fn == fn && tr->tp[tp][i].ctx == ctx)
			return -EEXIST;
	if (n == RXS_TRACE_MAX_FNS)
		return -ENOSPC;
	tr->tp[tp][n].fn = fn;
	tr->tp[tp][n].ctx = ctx;
	tr->ntp[tp]++;
	tr->mask |= 1u << tp;
	return 0;
}

int rxs__trace_del(struct rxs_trace *tr, enum rxs_tracepoint tp, rxs_trace_fn fn, void *ctx)
{
	if ((unsigned int)tp >= RXS_TP_COUNT)
		return -ENOENT;
	for (unsigned int i = 0; i < tr->ntp[tp]; i++) {
		if (tr->tp[tp][i].fn != fn || tr->tp[tp][i].ctx != ctx)
			continue;
		tr->ntp[tp]--;
		memmove(&tr->tp[tp][i], &tr->tp[tp][i + 1], (tr->ntp[tp] - i) * sizeof(tr->tp[tp][0]));
		if (!tr->ntp[tp])
			tr->mask &= ~(1u << tp);
		return 0;
	}
	return -ENOENT;
}

const char *rxs_tracepoint_name(enum rxs_tracepoint tp)
{
	static const char *const names[RXS_TP_COUNT] = {
		[RXS_TP_NAPI_POLL] = "napi:napi_poll",
		[RXS_TP_NETIF_RECEIVE_SKB] = "net:netif_receive_skb",
		[RXS_TP_KFREE_SKB] = "skb:kfree_skb",
		[RXS_TP_SOCK_RCVQUEUE_FULL] = "sock:sock_rcvqueue_full",
		[RXS_TP_TCP_RETRANSMIT_SYNACK] = "tcp:tcp_retransmit_synack",
		[RXS_TP_SOCK_QUEUE] = "sock:sock_queue",
		[RXS_TP_SOCK_READ] = "sock:sock_read",
		[RXS_TP_STAGE] = "rxsim:stage",
	};

	return (unsigned int)tp < RXS_TP_COUNT ? names[tp] : NULL;
}
