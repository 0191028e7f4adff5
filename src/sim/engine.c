/* engine.c - the virtual engine: merge the traffic sources with the event queue, in time.
 *
 * Arrivals are not events: each source has one frame read ahead, and the engine takes
 * whichever comes first, the earliest frame or the earliest event. A CPU that is busy
 * processing also pulls arrivals up to its own clock before each packet (see
 * rxs__pump_arrivals), so rings and backlogs fill while the softirq runs, as they do on a
 * real host. Memory stays constant whatever the capture's length.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sys/socket.h>

#include "host.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "nic/nic.h"
#include "nic/source.h"
#include "rxsim/sim.h"
#include "sim/sim_int.h"
#include "socket/socket.h"
#include "softirq/softirq.h"

#define NEVER UINT64_MAX

void rxs__host_fail(struct rxs_host *h, int err, const char *msg)
{
	rxs__lock_acquire(&h->sim->error_lock);	/* any thread of an engine may fail */
	if (!h->sim->error) {
		h->sim->error = err;
		snprintf(h->sim->errmsg, sizeof(h->sim->errmsg), "%s", msg);
	}
	rxs__lock_release(&h->sim->error_lock);
}

void rxs__traffic_fail(struct rxs_host *h, struct rxs_traffic *tr)
{
	rxs__host_fail(h, RXS_EPCAP, rxs_source_errmsg(tr->src));
	tr->has_frame = false;
}

/* The virtual time of @tr's current frame, as rxs__source_read() places a received one. */
static uint64_t own_time(const struct rxs_traffic *tr)
{
	uint64_t rel;

	if (!tr->started || tr->cfg.rate_pps > 0 || tr->frame.ts_ns < tr->first_ts)
		return tr->cfg.start_ns;
	rel = tr->frame.ts_ns - tr->first_ts;
	if (tr->cfg.speed > 0 && tr->cfg.speed != 1.0)
		rel = (uint64_t)((double)rel / tr->cfg.speed);
	return tr->cfg.start_ns + rel;
}

/* A segment the host sent, in a two-way capture: a SYN-ACK's ISN for that connection, and
 * for a connected socket (connect:) its SYN or how far it has sent. */
static void learn_own(struct rxs_host *h, const uint8_t *p, uint32_t len, uint64_t t_ns)
{
	struct rxs_tcp_tuple t;
	unsigned int l3 = 14, l4, iplen;
	uint16_t type = rxs__get_be16(p + 12);
	uint32_t seq;
	uint8_t flags;

	/* Tagged frames too: the host's VLAN devices send them so. */
	for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88a8) && len >= l3 + 4; tags++) {
		type = rxs__get_be16(p + l3 + 2);
		l3 += 4;
	}
	memset(&t, 0, sizeof(t));
	if (type == 0x0800 && len >= l3 + 20 && p[l3 + 9] == 6) {
		l4 = l3 + (p[l3] & 15u) * 4;
		iplen = rxs__get_be16(p + l3 + 2);
		t.family = AF_INET;
		memcpy(t.saddr, p + l3 + 16, 4);	/* the peer: our frame's destination */
		memcpy(t.daddr, p + l3 + 12, 4);
	} else if (type == 0x86dd && len >= l3 + 40 && p[l3 + 6] == 6) {
		l4 = l3 + 40;
		iplen = 40u + rxs__get_be16(p + l3 + 4);
		t.family = AF_INET6;
		memcpy(t.saddr, p + l3 + 24, 16);
		memcpy(t.daddr, p + l3 + 8, 16);
	} else {
		return;
	}
	if (len < l4 + 20)
		return;
	flags = p[l4 + 13];
	seq = rxs__get_be32(p + l4 + 4);
	t.sport = rxs__get_be16(p + l4 + 2);
	t.dport = rxs__get_be16(p + l4);
	if ((flags & 0x12) == 0x12) {
		unsigned int doff = (p[l4 + 12] >> 4) * 4u;

		rxs__isn_hint_add(h, &t, seq);
		/* Its timestamp: the host's TSval less its ms clock (tsoffset), so that the
		 * TSecr the peer echoes measures the same time here (tcp_rcv_rtt_measure_ts). */
		for (unsigned int o = l4 + 20; doff >= 20 && o < l4 + doff && o < len;) {
			uint8_t kind = p[o], olen = o + 1 < len ? p[o + 1] : 0;

			if (kind == 0)
				break;
			if (kind == 1) {
				o++;
				continue;
			}
			if (olen < 2 || o + olen > l4 + doff || o + olen > len)
				break;
			if (kind == 8 && olen == 10) {
				rxs__ts_hint_add(h, &t, rxs__get_be32(p + o + 2),
						 (uint32_t)(t_ns / 1000000u));
				break;
			}
			o += olen;
		}
	}
	if (h->sk.tcp_nconnected) {
		/* end_seq as TCP_SKB_CB counts it: the payload, and one each for SYN and FIN. */
		unsigned int hdr = (l4 - l3) + (p[l4 + 12] >> 4) * 4u;
		uint32_t payload = iplen > hdr ? iplen - hdr : 0;

		rxs__tcp_learn_own(h, &t, flags, seq,
				   seq + payload + !!(flags & 0x02) + !!(flags & 0x01));
	}
}

RXS_NOINLINE bool rxs__own_frame_learn(struct rxs_host *h, struct rxs_traffic *tr, bool lo)
{
	const struct rxs_frame *f = &tr->frame;

	if (!tr->shadow) {
		rxs__lock_acquire(&h->sk.tcp_lock);
		h->sk.one_way = false;
		learn_own(h, f->data, f->len, own_time(tr));
		rxs__lock_release(&h->sk.tcp_lock);
	}
	/* lo receives what it sends: every frame on it is also received, its SYN-ACKs too. */
	if (lo)
		return false;
	/* A shadow reader waits for its first reader to have learned this far. */
	__atomic_store_n(&tr->own_last, f->number, __ATOMIC_RELEASE);
	return true;
}

/* Find the source whose frame comes first (the lowest index among equals) and remember it:
 * only an advance changes the answer, and the engine asks for it several times a packet.
 * Most runs replay one capture: its source is the answer while it has a frame. */
static RXS_ALWAYS_INLINE void next_source_update(struct rxs_host *h)
{
	struct rxs_sim *sim = h->sim;
	struct rxs_traffic *best = NULL;

	if (likely(sim->ntraffic == 1)) {
		best = sim->traffic[0].has_frame ? &sim->traffic[0] : NULL;
	} else {
		for (unsigned int i = 0; i < sim->ntraffic; i++) {
			struct rxs_traffic *tr = &sim->traffic[i];

			if (tr->has_frame && (!best || tr->next_ns < best->next_ns))
				best = tr;
		}
	}
	sim->next_src = best;
	h->next_arrival = best ? best->next_ns : UINT64_MAX;
}

void rxs__source_read(struct rxs_host *h, struct rxs_traffic *tr)
{
	rxs__source_read_inline(h, tr);
}

/* Read @tr's next frame and place it in virtual time. */
void rxs__source_advance(struct rxs_host *h, struct rxs_traffic *tr)
{
	rxs__source_read_inline(h, tr);
	next_source_update(h);
}

void rxs__sources_start(struct rxs_host *h)
{
	if (h->sim->sources_started)
		return;
	h->sim->sources_started = true;
	for (unsigned int i = 0; i < h->sim->ntraffic; i++)
		rxs__source_advance(h, &h->sim->traffic[i]);
}

void rxs__pump_arrivals_due(struct rxs_host *h, uint64_t t)
{
	struct rxs_traffic *tr;

	while ((tr = rxs__next_source(h)) && tr->next_ns <= t) {
		uint64_t at = tr->next_ns;

		h->sim->last_arrival = RXS_MAX(h->sim->last_arrival, at);
		rxs__nic_receive(tr->dev, &tr->frame, at, RXS_FRAME_ID(tr->index, tr->frame.number));
		rxs__source_read_inline(h, tr);
		next_source_update(h);
	}
}

/* The sampler is a timer that re-arms itself while the run goes on. */
static void sample_tick(void *obj, uint64_t t)
{
	struct rxs_host *h = obj;

	h->sim->sample_armed = false;
	if (!h->sim->sample_fn || !h->sim->sample_interval)
		return;
	h->sim->sample_fn(h->sim->sample_ctx, h, t);
	h->sim->sample_armed = true;
	h->engine->timer_add(h, t + h->sim->sample_interval, sample_tick, h, 0);
}

int rxs_host_set_sampler(rxs_host_t *h, uint64_t interval_ns, rxs_sample_fn fn, void *ctx)
{
	h->sim->sample_fn = interval_ns ? fn : NULL;
	h->sim->sample_ctx = ctx;
	h->sim->sample_interval = fn ? interval_ns : 0;
	if (h->sim->sample_fn && !h->sim->sample_armed) {
		h->sim->sample_armed = true;
		h->engine->timer_add(h, h->now + interval_ns, sample_tick, h, 0);
	}
	return 0;
}

/* ---- the virtual engine's side of the path's interface (engine/engine.h) ---- */

/* One thread runs every CPU: nothing is ever posted, no CPU has a thread of its own, and
 * every clock may be read. */
static struct rxs_softnet_data *virtual_this_cpu(const struct rxs_host *h)
{
	(void)h;
	return NULL;
}

static uint64_t virtual_cpu_clock(const struct rxs_host *h, unsigned int cpu)
{
	return cpu < h->ncpus ? RXS_MAX(h->cpus[cpu].now, h->now) : h->now;
}

static void softirq_timer(void *obj, uint64_t t)
{
	rxs__net_rx_action(obj, t);
}

/* A raised softirq is a timer on the CPU's clock. */
static void virtual_raise_softirq(struct rxs_softnet_data *sd, uint64_t t)
{
	rxs__event_push(sd->host, t, softirq_timer, sd, 0);
}

static bool virtual_post_irq(struct rxs_softnet_data *sd, struct rxs_rx_queue *rxq)
{
	(void)sd;
	(void)rxq;
	return false;
}

static bool virtual_post_ipi(struct rxs_softnet_data *sd)
{
	(void)sd;
	return false;
}

static bool virtual_post_backlog(struct rxs_softnet_data *sd, struct rxs_softnet_data *mysd)
{
	(void)sd;
	(void)mysd;
	return false;
}

/* No reader waits in another thread. */
static void virtual_data_ready(struct rxs_host *h)
{
	(void)h;
}

static void virtual_sock_read(struct rxs_softnet_data *sd, struct rxs_sock *sk, uint64_t bytes)
{
	(void)sd;
	sk->delivered++;
	sk->delivered_bytes += bytes;
}

static void virtual_timer_add(struct rxs_host *h, uint64_t t, rxs_timer_fn fn, void *obj,
			      unsigned int flags)
{
	rxs__event_push(h, t, fn, obj, flags);
}

const struct rxs_engine_ops rxs__virtual_engine = {
	.name = "virtual",
	.this_cpu = virtual_this_cpu,
	.cpu_clock = virtual_cpu_clock,
	.raise_softirq = virtual_raise_softirq,
	.post_irq = virtual_post_irq,
	.post_ipi = virtual_post_ipi,
	.post_backlog = virtual_post_backlog,
	.data_ready = virtual_data_ready,
	.sock_read = virtual_sock_read,
	.timer_add = virtual_timer_add,
	.pump_arrivals = rxs__pump_arrivals_due,
};

/* Run the timer @ev: the engine loop knows nothing of what it does. */
static void dispatch(struct rxs_host *h, const struct rxs_event *ev)
{
	h->now = RXS_MAX(h->now, ev->time);
	ev->fn(ev->obj, ev->time);
}

/*
 * Run everything due up to @until; returns false when nothing at all is left to run. With
 * @follow, @until moves on to each next frame as long as a source has one: the run goes
 * on until the last frame has arrived and the events due by then have run.
 */
static bool run_to(struct rxs_host *h, uint64_t until, bool follow)
{
	for (;;) {
		struct rxs_traffic *tr = rxs__next_source(h);
		const struct rxs_event *top = rxs__event_peek(h);
		uint64_t ta = tr ? tr->next_ns : NEVER, te = top ? top->time : NEVER;
		struct rxs_event ev;

		if (ta == NEVER && te == NEVER)
			return false;
		if (h->sim->stop)
			return false;
		if (follow && tr)
			until = RXS_MAX(until, ta);
		if (RXS_MIN(ta, te) > until)
			return true;
		if (ta <= te) {
			h->now = RXS_MAX(h->now, ta);
			rxs__pump_arrivals(h, ta);
		} else {
			rxs__event_pop(h, &ev);
			dispatch(h, &ev);
		}
		if (h->sim->error == -ENOMEM)
			return false;
	}
}

int rxs_host_run_until(rxs_host_t *h, uint64_t t)
{
	rxs__sources_start(h);
	run_to(h, t, false);
	if (h->sim->stop)
		return h->sim->error ? h->sim->error : -EINTR;
	if (t != NEVER && h->now < t)
		h->now = t;
	return h->sim->error;
}

int rxs_host_step(rxs_host_t *h)
{
	struct rxs_traffic *tr;
	const struct rxs_event *top;
	struct rxs_event ev;

	rxs__sources_start(h);
	tr = rxs__next_source(h);
	top = rxs__event_peek(h);
	if (!tr && !top)
		return 0;
	/* The same choice as run_to(): at equal times an arrival goes first. */
	if (tr && (!top || tr->next_ns <= top->time)) {
		h->now = RXS_MAX(h->now, tr->next_ns);
		rxs__pump_arrivals(h, tr->next_ns);
	} else {
		rxs__event_pop(h, &ev);
		dispatch(h, &ev);
	}
	return h->sim->error ? h->sim->error : 1;
}

void rxs_host_stop(rxs_host_t *h)
{
	h->sim->stop = 1;
}

int rxs_host_run(rxs_host_t *h)
{
	const struct rxs_run_config *run = &h->sc->run;

	rxs__sources_start(h);
	if (run->until == RXS_UNTIL_TIME)
		return rxs_host_run_until(h, run->ns);
	/* Until every frame has arrived, then run.ns more (timers far in the future, such as
	 * reassembly timeouts, are left pending like on a host that is still up). */
	if (rxs__next_source(h) && !h->sim->stop)
		run_to(h, rxs__next_source(h)->next_ns, true);
	return rxs_host_run_until(h, h->sim->last_arrival + run->ns);
}

int rxs_host_inject(rxs_host_t *h, unsigned int nic, const uint8_t *frame, uint32_t len,
		    uint64_t t)
{
	struct rxs_frame f;

	if (nic >= h->ndevs || h->devs[nic].real_dev || t < h->now || !frame || len > 65535)
		return -EINVAL;
	rxs__sources_start(h);
	/* Only what is due strictly before @t: at equal times an arrival goes before events,
	 * here as in run_to(), so frames injected at one instant arrive together. */
	if (t)
		run_to(h, t - 1, false);
	h->now = t;
	memset(&f, 0, sizeof(f));
	f.data = frame;
	f.len = f.wire_len = len;
	f.ts_ns = t;
	f.number = h->nic.offered + 1;
	h->sim->last_arrival = RXS_MAX(h->sim->last_arrival, t);
	rxs__nic_receive(&h->devs[nic], &f, t, RXS_FRAME_ID(RXS_FRAME_SRC_INJECT, f.number));
	return h->sim->error;
}

uint64_t rxs_host_now(const rxs_host_t *h)
{
	return h->now;
}

const char *rxs_host_errmsg(const rxs_host_t *h)
{
	return h->sim->errmsg;
}
