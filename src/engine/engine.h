/* engine.h - what the packet path asks of whichever engine runs it, and the locks its
 * shared objects own.
 *
 * Two engines run the same path (src/sim/): the virtual one, a single thread that runs
 * every CPU in virtual time from a queue of timers, and the threaded one, a thread per CPU
 * against the real clock. The path never asks which one it is. Where it needs the engine
 * (raise a softirq, post an interrupt to another CPU, arm a timer, wake a reader) it calls
 * the host's engine through struct rxs_engine_ops, as Redis's ae.c calls its aeApi*
 * backend; and where an object may be touched by two threads at once, it takes the object's
 * own struct rxs_lock, which costs a load and a branch until the threaded engine enables it
 * when it starts, as DPDK's rte_ring picks its sync type once per ring.
 *
 * Each shared object owns its lock and keeps it beside what it guards: an RX queue's
 * (its NIC side: ring producer, interrupt state, counters), a device's (its core
 * counters), a socket's (its receive queue), a CPU's backlog (rps_lock()), and one for
 * each piece of host state the CPUs share (TCP's tables and connections, the reassembly
 * queues, ICMP's rate limits, ARP, the users' handlers, netfilter, taps, tracepoints,
 * the frame-drop callback). Which mutex backs each lock, and so the lock order, is the
 * threaded engine's business (src/sim/threaded.c says it); the path takes the lock of
 * what it touches and nothing else.
 *
 * Adding a shared object: give it a struct rxs_lock beside its state, take it around the
 * state with rxs__lock_acquire()/rxs__lock_release(), and have the threaded engine enable
 * it in its start-up (threads_enable_locks()). Adding a timer: a function of (object,
 * time) armed with ops->timer_add(); the flags say who owns the object and what the timer
 * touches.
 *
 * A leaf: it includes nothing of rxsim's and calls nothing; the engines fill the tables.
 */
#ifndef RXSIM_ENGINE_H
#define RXSIM_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

struct rxs_host;
struct rxs_rx_queue;
struct rxs_sock;
struct rxs_softnet_data;

/* ---- locks ---- */

/* How an enabled lock is taken: the engine's, on its mutex or spinlock @m. */
struct rxs_lock_ops {
	void (*acquire)(void *m);
	void (*release)(void *m);
};

/* A lock an object owns: off (ops NULL, zeroed memory) until an engine that runs the path
 * in parallel enables it. */
struct rxs_lock {
	const struct rxs_lock_ops *ops;
	void *m;
};

/* True when @l is enabled: the object it guards is shared between threads. */
static inline bool rxs__lock_on(const struct rxs_lock *l)
{
	return __builtin_expect(l->ops != 0, 0);
}

static inline void rxs__lock_acquire(struct rxs_lock *l)
{
	if (rxs__lock_on(l))
		l->ops->acquire(l->m);
}

static inline void rxs__lock_release(struct rxs_lock *l)
{
	if (rxs__lock_on(l))
		l->ops->release(l->m);
}

/* Enable @l on @m, taken with @ops: only while no thread of the path runs (an engine's
 * start). */
static inline void rxs__lock_enable(struct rxs_lock *l, const struct rxs_lock_ops *ops, void *m)
{
	l->ops = ops;
	l->m = m;
}

/* ---- timers ---- */

/* A timer: @fn(@obj, @t) runs at virtual or real time @t. */
typedef void (*rxs_timer_fn)(void *obj, uint64_t t);

enum {
	/* The timer owns @obj: if the host goes before it fires, rxs__free(obj). */
	RXS_TIMER_OWNS_OBJ = 1u << 0,
	/* @fn touches only what it takes the locks of itself: an engine that runs the path in
	 * parallel runs it as it is. Without it, @fn runs with everything else stopped (it
	 * walks TCP's state, or calls a user's sampler). */
	RXS_TIMER_SELF_LOCKED = 1u << 1,
};

/* ---- the engine ---- */

struct rxs_engine_ops {
	const char *name;
	/* The CPU whose thread is calling, or NULL: not a CPU's thread, or an engine that runs
	 * every CPU in one thread. */
	struct rxs_softnet_data *(*this_cpu)(const struct rxs_host *h);
	/* The time on CPU @cpu's clock as the caller may read it (for a trace). */
	uint64_t (*cpu_clock)(const struct rxs_host *h, unsigned int cpu);
	/* raise_softirq_irqoff(NET_RX_SOFTIRQ) on @sd's CPU: net_rx_action runs there once the
	 * CPU is free, no earlier than @t. The caller has marked it pending. */
	void (*raise_softirq)(struct rxs_softnet_data *sd, uint64_t t);
	/* The hard IRQ of @rxq goes to its CPU @sd. True when it was posted there (the caller
	 * is another thread, and that CPU's takes it); false: the caller takes it itself. */
	bool (*post_irq)(struct rxs_softnet_data *sd, struct rxs_rx_queue *rxq);
	/* An RPS IPI for @sd. True when posted; false: the caller triggers it itself. */
	bool (*post_ipi)(struct rxs_softnet_data *sd);
	/* netif_rx() scheduled @sd's backlog from @mysd's CPU context. True when the caller is
	 * not @mysd's thread and so posted it (a backlog kick to @sd, or an IPI when @sd is
	 * another CPU); false: the caller schedules it itself. */
	bool (*post_backlog)(struct rxs_softnet_data *sd, struct rxs_softnet_data *mysd);
	/* sk_data_ready() for readers blocked in another thread (rxs_socket_recv_wait()). */
	void (*data_ready)(struct rxs_host *h);
	/* A datagram of @bytes that @sk's reader took at once on @sd's CPU: counted there. */
	void (*sock_read)(struct rxs_softnet_data *sd, struct rxs_sock *sk, uint64_t bytes);
	/* Arm a timer: @fn(@obj, @t) at @t; @flags RXS_TIMER_*. Equal times run in the order
	 * they were armed. */
	void (*timer_add)(struct rxs_host *h, uint64_t t, rxs_timer_fn fn, void *obj,
			  unsigned int flags);
	/* Catch the NICs up: deliver every frame due by @t before a CPU processes a packet at
	 * @t (an engine whose NICs run on their own does nothing). */
	void (*pump_arrivals)(struct rxs_host *h, uint64_t t);
};

#endif /* RXSIM_ENGINE_H */
