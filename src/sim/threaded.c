/* threaded.c - the threaded engine: real threads, in parallel, against the real clock.
 *
 * One thread per simulated CPU, named ksoftirqd/N, sleeps until something is posted to its
 * mailbox (a hard IRQ of a queue bound to it, an RPS IPI, a backlog to run) and then runs
 * net_rx_action, one NAPI poll at a time. Each poll starts from the real clock and adds the
 * cost model's charges for its packets, so netdev_budget_usecs is measured on the real
 * clock to within one poll. Paced, a NIC thread per traffic source DMAs each frame when its
 * timestamp falls due into a lock-free single-producer single-consumer ring. At top speed
 * there is no NIC thread: a CPU with nothing to poll DMAs the next burst itself (see
 * cpu_pull()), of the frames of its own queues when a NIC's queues interrupt several CPUs
 * (nics_split()), and the NIC holds a frame while its ring is deep, as Ethernet flow
 * control makes a sender do, so a benchmark measures the host and not the drops. A timer
 * thread runs the kernel's timers when they fall due. Application threads of a library user
 * block in rxs_socket_recv_wait(), rxs_socket_accept_wait() and rxs_conn_recv_wait().
 *
 * What the threads share is locked as the essay on locks below describes. The rare
 * operations that need a consistent view of everything (a timer that walks TCP state, the
 * sampler) stop the world: they take every CPU's lock, each of which its thread holds while
 * it polls and lets go between polls, then every RX queue's, every device's and the host
 * lock, as stop_machine() would. Every counter is written by one thread, or under one lock, and
 * summed when read, so conservation and the counters are exact at the end of a run; what
 * each CPU writes for every packet is a cache line away from what another does.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "nic/nic.h"
#include "rxsim/sim.h"
#include "sim/sim_int.h"
#include "socket/socket.h"
#include "softirq/softirq.h"

struct sock_read {
	uint64_t n, bytes;
};

/* A simulated CPU: its thread, its lock, its mailbox, its skb cache. */
struct cpu_ctx {
	struct rxs_host *h;
	unsigned int cpu;
	pthread_t thr;
	pthread_mutex_t lock;		/* held while it polls: stop_the_world() takes it */
	pthread_mutex_t backlog_lock;	/* its input_pkt_queue (rps_lock) */
	pthread_mutex_t box_lock;	/* the mailbox, and its thread's sleep */
	pthread_cond_t box_cond;
	struct rxs_rx_queue *irq_head, *irq_tail;	/* hard IRQs posted, in order */
	unsigned int ipis;		/* RPS IPIs posted */
	bool backlog_kick;		/* netif_rx from a NIC thread scheduled its backlog */
	bool wake;			/* its softirq was raised from another thread */
	struct rxs_skb_pool pool;
	struct sock_read *sock_read;	/* by socket: datagrams read at once on this CPU */
	char pad[64];			/* keep neighbours' hot fields off each other's line */
};

/* A lock that two CPUs taking their neighbours' do not bounce between them: at a stride
 * wider than a cache line from any 16-byte-aligned start. */
struct lock_line {
	pthread_mutex_t m;
	char pad[128 - sizeof(pthread_mutex_t)];
};

/* A spinlock, as the kernel's socket queue lock is: a socket's is taken for every packet
 * and held for a few dozen instructions, so a mutex's extra atomic and its bookkeeping
 * cost more than the wait. A waiter spins on a plain load, politely for a sibling
 * hardware thread, and yields now and then in case the holder was preempted. */
struct spin_line {
	unsigned int locked;
	char pad[128 - sizeof(unsigned int)];
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

static void spin_lock(void *p)
{
	unsigned int *l = p;
	unsigned int spins = 0;

	while (__atomic_exchange_n(l, 1u, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(l, __ATOMIC_RELAXED)) {
			if (++spins % 256 == 0)
				sched_yield();
			else
				cpu_relax();
		}
	}
}

static void spin_unlock(void *p)
{
	__atomic_store_n((unsigned int *)p, 0u, __ATOMIC_RELEASE);
}

static const struct rxs_lock_ops spin_ops = { spin_lock, spin_unlock };

/* A NIC's frame in hand: a copy, so that the source can read one ahead. */
struct nic_frame {
	struct rxs_frame f;
	struct rxs_nic_class cls;	/* its queue */
	uint64_t due;
	uint64_t need;			/* a shadow's: own frames its first reader must have
					 * learned before this one arrives */
	uint8_t *buf;
	uint32_t cap;
	bool valid;
};

#define NIC_ANY_CPU UINT_MAX

/*
 * A reader of a traffic source, as the NIC that replays it: its own thread when paced; at
 * top speed, whichever CPU holds its lock. At top speed with a NIC's queues bound to
 * several CPUs, each of those CPUs has a reader of its own, which replays only the frames
 * RSS puts in its queues (see nics_split()).
 */
struct nic_ctx {
	struct rxs_host *h;
	struct rxs_traffic *tr;		/* the source's, or shadow */
	struct rxs_traffic shadow;	/* a second reader's own copy of the source */
	const struct nic_ctx *first;	/* a shadow's first reader */
	uint64_t first_learned;		/* the latest own_last seen of it */
	unsigned int cpu;		/* the CPU whose queues it replays, or NIC_ANY_CPU */
	uint64_t mine;			/* those queues, by bit: not read off the queues,
					 * whose lines their CPUs write */
	unsigned int nq;		/* and in order: their locks for a burst */
	uint8_t q[RXS_MAX_QUEUES];
	bool first_of_split;		/* the first reader: it also drops what no queue takes */
	pthread_t thr;			/* paced */
	pthread_mutex_t lock;		/* top speed: the CPU replaying it */
	struct nic_frame nf;
	uint64_t last;			/* when its latest frame was DMA'd */
	uint64_t offered;		/* frames it replayed (atomic): not a count of the
					 * host's, which every reader would write */
	bool done;			/* nothing left to replay (atomic) */
	struct rxs_skb_pool pool;	/* its thread's */
	char pad[64];
};

struct rxs_threaded {
	pthread_mutex_t lock;		/* the host lock (recursive), and the timers' queue */
	pthread_cond_t timer_cond;	/* with lock: a timer was added, or the run ends */
	pthread_cond_t done_cond;	/* with lock: the NIC threads finished the traffic */
	pthread_mutex_t gate;		/* held while the world is stopped */
	unsigned int stw_waiting;	/* threads that want to stop the world (atomic) */
	pthread_mutex_t data_lock;	/* readers' event count: something was queued */
	pthread_cond_t data_cond;
	uint64_t data_seq;
	unsigned int data_waiters;	/* atomic */
	struct lock_line *dev_lock;	/* by device */
	struct lock_line *rxq_lock;	/* by device and queue, from rxq_base */
	unsigned int *rxq_base;		/* by device: its first queue's lock */
	unsigned int nrxq;
	struct spin_line *sock_lock;	/* by socket */
	struct cpu_ctx *cpu;
	struct nic_ctx *nic;
	unsigned int nnic;
	pthread_t timer_thr;
	unsigned int nics_running;	/* NIC threads still replaying */
	uint64_t last_arrival;		/* of the NIC threads, published when they finish */
	struct timespec t0;
	bool running;			/* started and not yet waited for */
	bool top_speed;
	bool stop;			/* atomic */
	bool sources_done;
};

static _Thread_local struct rxs_softnet_data *this_sd;

/* Nanoseconds since the run began. */
static uint64_t real_now(const struct rxs_threaded *th)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)(ts.tv_sec - th->t0.tv_sec) * 1000000000ull + (uint64_t)ts.tv_nsec -
	       (uint64_t)th->t0.tv_nsec;
}

/* The absolute CLOCK_MONOTONIC time @ns after the start, for timed waits. */
static struct timespec deadline(const struct rxs_threaded *th, uint64_t ns)
{
	struct timespec ts = th->t0;
	uint64_t nsec = (uint64_t)ts.tv_nsec + ns % 1000000000ull;

	ts.tv_sec += (time_t)(ns / 1000000000ull + nsec / 1000000000ull);
	ts.tv_nsec = (long)(nsec % 1000000000ull);
	return ts;
}

static bool stopped(const struct rxs_threaded *th)
{
	return __atomic_load_n(&th->stop, __ATOMIC_ACQUIRE);
}

/* ---- locks ----
 *
 * The path takes the struct rxs_lock of each object it touches (engine/engine.h); the
 * virtual engine leaves them off, and threads_enable_locks() backs each with one of this
 * engine's mutexes or spinlocks when the threads start:
 *  - a CPU's own state (softnet_data, its NAPIs, their GRO, its counters) is its thread's
 *    and has no lock;
 *  - a ring is single-producer single-consumer (src/ring); an RX queue's NIC side (its
 *    ring's producer, interrupt state and counters) is under the queue's lock (rxq->lock,
 *    an adaptive mutex of rxq_lock[]), and a device's core counters under the device's
 *    (dev->lock, of dev_lock[]); an interrupt or an IPI for a CPU is posted to that CPU's
 *    mailbox and its thread takes it, as a real CPU does;
 *  - a CPU's backlog queue is under its backlog lock (sd->backlog_lock, the CPU's
 *    backlog_lock: rps_lock());
 *  - a UDP socket's queue and counters are under the socket's lock (sk->lock, a spinlock
 *    of sock_lock[], as the kernel's sk_receive_queue lock is), except what a reader that
 *    keeps up takes at once, counted per CPU (udp_sock.c);
 *  - the rest of the host state the CPUs share has a lock each, named for it: TCP's
 *    tables and connections (tcp_lock), the reassembly queues (frag_lock), ICMP
 *    (icmp_lock), IGMP's queriers and reports (igmp_lock), ARP (arp_lock), the users' handlers (inet.handlers_lock for the
 *    inet tables', core.handlers_lock for ptype_base's), netfilter's
 *    walk, conntrack and NF_QUEUE (nf.nf_lock), taps (taps_lock), tracepoints
 *    (trace_lock), the frame-drop callback (frame_drop_lock), a CPU's flow-limit table
 *    (flow_limit_lock, where there is one), the run's error (error_lock) and the host's
 *    skb pool (pool.lock, which the threads' pools share: rxs__skb_pool_init_mt()).
 *    Today all of them are one mutex, the host lock (th->lock, recursive: a part of the
 *    path under one lock may enter another, TCP sends ICMP), which also guards the
 *    timers' queue. So they nest in any order and behave exactly as one lock;
 *    giving some of them mutexes of their own is a change to threads_enable_locks() and
 *    to the lock order below alone, nothing in the path.
 * Lock order: a CPU's lock, then RX queues' (in the order of devices and queues), then a
 * device's, then a socket's, then the host lock; the backlog locks and the mailboxes are
 * taken last and never held across anything else.
 */

static void mutex_acquire(void *m)
{
	pthread_mutex_lock(m);
}

static void mutex_release(void *m)
{
	pthread_mutex_unlock(m);
}

static const struct rxs_lock_ops mutex_ops = { mutex_acquire, mutex_release };

void rxs__threads_source_stats(const struct rxs_host *h, const struct rxs_traffic *tr,
				struct rxs_source_stats *st)
{
	const struct rxs_threaded *th = h->sim->threaded;

	for (unsigned int i = 0; th && i < th->nnic; i++) {
		const struct nic_ctx *nc = &th->nic[i];
		struct rxs_source_stats s;

		if (!nc->first || nc->first->tr != tr || !nc->shadow.src)
			continue;
		rxs_source_get_stats(nc->shadow.src, &s);
		st->csum_offload += s.csum_offload;
		st->csum_rewritten += s.csum_rewritten;
		st->csum_left += s.csum_left;
	}
}

uint64_t rxs__threads_offered(const struct rxs_host *h)
{
	const struct rxs_threaded *th = h->sim->threaded;
	uint64_t n = 0;

	for (unsigned int i = 0; th && i < th->nnic; i++)
		n += __atomic_load_n(&th->nic[i].offered, __ATOMIC_RELAXED);
	return n;
}

static void threaded_sock_read(struct rxs_softnet_data *sd, struct rxs_sock *sk, uint64_t bytes)
{
	struct sock_read *r = &sd->host->sim->threaded->cpu[sd->cpu].sock_read[sk->index];

	r->n++;
	r->bytes += bytes;
}

void rxs__threads_sock_read_sum(const struct rxs_host *h, const struct rxs_sock *sk,
				uint64_t *n, uint64_t *bytes)
{
	const struct rxs_threaded *th = h->sim->threaded;

	for (unsigned int c = 0; th && c < h->ncpus; c++) {
		*n += th->cpu[c].sock_read[sk->index].n;
		*bytes += th->cpu[c].sock_read[sk->index].bytes;
	}
}

static struct rxs_softnet_data *threaded_this_cpu(const struct rxs_host *h)
{
	return this_sd && this_sd->host == h ? this_sd : NULL;
}

/* Another CPU's clock is its own business: the caller's CPU's, or the host's. */
static uint64_t threaded_cpu_clock(const struct rxs_host *h, unsigned int cpu)
{
	(void)cpu;
	return threaded_this_cpu(h) ? threaded_this_cpu(h)->now : h->now;
}

/* Every CPU between two polls, every RX queue and device between two frames, and the host
 * lock. */
static void stop_the_world(struct rxs_threaded *th, const struct rxs_host *h)
{
	__atomic_add_fetch(&th->stw_waiting, 1, __ATOMIC_ACQ_REL);
	pthread_mutex_lock(&th->gate);
	for (unsigned int c = 0; c < h->ncpus; c++)
		pthread_mutex_lock(&th->cpu[c].lock);
	for (unsigned int q = 0; q < th->nrxq; q++)
		pthread_mutex_lock(&th->rxq_lock[q].m);
	for (unsigned int d = 0; d < h->ndevs; d++)
		pthread_mutex_lock(&th->dev_lock[d].m);
	pthread_mutex_lock(&th->lock);
}

static void start_the_world(struct rxs_threaded *th, const struct rxs_host *h)
{
	pthread_mutex_unlock(&th->lock);
	for (unsigned int d = h->ndevs; d-- > 0;)
		pthread_mutex_unlock(&th->dev_lock[d].m);
	for (unsigned int q = th->nrxq; q-- > 0;)
		pthread_mutex_unlock(&th->rxq_lock[q].m);
	for (unsigned int c = h->ncpus; c-- > 0;)
		pthread_mutex_unlock(&th->cpu[c].lock);
	pthread_mutex_unlock(&th->gate);
	__atomic_sub_fetch(&th->stw_waiting, 1, __ATOMIC_ACQ_REL);
}

/* ---- mailboxes ---- */

static void box_post(struct cpu_ctx *cc, struct rxs_rx_queue *rxq, unsigned int ipis,
		     bool kick, bool wake)
{
	pthread_mutex_lock(&cc->box_lock);
	if (rxq) {
		rxq->irq_next = NULL;
		if (cc->irq_tail)
			cc->irq_tail->irq_next = rxq;
		else
			cc->irq_head = rxq;
		cc->irq_tail = rxq;
	}
	cc->ipis += ipis;
	cc->backlog_kick |= kick;
	cc->wake |= wake;
	pthread_cond_signal(&cc->box_cond);
	pthread_mutex_unlock(&cc->box_lock);
}

/* A CPU's own thread takes its work at once; any other thread posts it. */
static bool threaded_post_irq(struct rxs_softnet_data *sd, struct rxs_rx_queue *rxq)
{
	if (this_sd == sd)
		return false;
	box_post(&sd->host->sim->threaded->cpu[sd->cpu], rxq, 0, false, false);
	return true;
}

static bool threaded_post_ipi(struct rxs_softnet_data *sd)
{
	if (this_sd == sd)
		return false;
	box_post(&sd->host->sim->threaded->cpu[sd->cpu], NULL, 1, false, false);
	return true;
}

static bool threaded_post_backlog(struct rxs_softnet_data *sd, struct rxs_softnet_data *mysd)
{
	if (this_sd == mysd)
		return false;
	box_post(&sd->host->sim->threaded->cpu[sd->cpu], NULL, sd != mysd, sd == mysd, false);
	return true;
}

static bool box_full(const struct cpu_ctx *cc)
{
	return cc->irq_head || cc->ipis || cc->backlog_kick || cc->wake;
}

/* On the CPU's own thread: take what was posted, in the order a CPU would take it. */
static void box_take(struct cpu_ctx *cc, struct rxs_softnet_data *sd, uint64_t now)
{
	struct rxs_rx_queue *rxq;
	unsigned int ipis;
	bool kick;

	pthread_mutex_lock(&cc->box_lock);
	rxq = cc->irq_head;
	ipis = cc->ipis;
	kick = cc->backlog_kick;
	cc->irq_head = cc->irq_tail = NULL;
	cc->ipis = 0;
	cc->backlog_kick = cc->wake = false;
	pthread_mutex_unlock(&cc->box_lock);
	while (rxq) {
		struct rxs_rx_queue *next = rxq->irq_next;

		rxq->irq_next = NULL;
		rxs__nic_hard_irq_cpu(rxq, now);
		rxq = next;
	}
	while (ipis--)
		rxs__rps_trigger_softirq(sd, now);
	if (kick)
		rxs__backlog_schedule(sd, now);
}

/* A CPU raising its own softirq finds it pending after this poll; another thread wakes it. */
static void threaded_raise_softirq(struct rxs_softnet_data *sd, uint64_t t)
{
	(void)t;
	if (this_sd != sd)
		box_post(&sd->host->sim->threaded->cpu[sd->cpu], NULL, 0, false, true);
}

/* The timer thread's queue, under the host lock, which its waits are on. */
static void threaded_timer_add(struct rxs_host *h, uint64_t t, rxs_timer_fn fn, void *obj,
			       unsigned int flags)
{
	struct rxs_threaded *th = h->sim->threaded;

	pthread_mutex_lock(&th->lock);
	rxs__event_push(h, t, fn, obj, flags);
	pthread_cond_signal(&th->timer_cond);
	pthread_mutex_unlock(&th->lock);
}

/* The NICs deliver frames themselves (next_arrival stays UINT64_MAX). */
static void threaded_pump_arrivals(struct rxs_host *h, uint64_t t)
{
	(void)h;
	(void)t;
}

static void threaded_data_ready(struct rxs_host *h)
{
	struct rxs_threaded *th = h->sim->threaded;

	/* An event count: readers announce themselves, so a queue with none pays a load. */
	if (!__atomic_load_n(&th->data_waiters, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&th->data_lock);
	th->data_seq++;
	pthread_cond_broadcast(&th->data_cond);
	pthread_mutex_unlock(&th->data_lock);
}

/* ---- the threads ---- */

/* Sleep until @ns after the start, or 10 ms, whichever comes first: a stop is seen. */
static void sleep_until(const struct rxs_threaded *th, uint64_t ns)
{
	uint64_t cap = real_now(th) + 10000000ull;
	struct timespec ts = deadline(th, ns < cap ? ns : cap);

	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

/* Frames DMA'd per hold of the queues' locks. */
#define RXS_NIC_BURST 64

/* Whether @nc replays a frame classified as @c: a split reader, only those of its CPU's
 * queues, and the first reader also those no queue takes. */
static bool nic_mine(const struct nic_ctx *nc, const struct rxs_nic_class *c)
{
	if (nc->cpu == NIC_ANY_CPU)
		return true;
	if (c->queue < 0)
		return nc->first_of_split;
	return nc->mine >> c->queue & 1;
}

/* Take the source's next frame of @nc's and read one further. False when it has none or
 * there is no memory for the copy (the run's error says so). */
static bool nic_take(struct nic_ctx *nc)
{
	struct rxs_host *h = nc->h;
	struct rxs_traffic *tr = nc->tr;
	struct nic_frame *nf = &nc->nf;

	for (;;) {
		if (!tr->has_frame)
			return false;
		rxs__nic_classify(tr->dev, &tr->frame, &nf->cls);
		if (nic_mine(nc, &nf->cls))
			break;
		rxs__source_read_inline(h, tr);
	}
	/* A split reader's source left the checksums to the frames it replays (nics_split()). */
	rxs__source_csum(tr->src, &tr->frame);
	if (tr->frame.len > nf->cap) {
		uint8_t *n = rxs__realloc(nf->buf, tr->frame.len);

		if (!n) {
			rxs__host_fail(h, -ENOMEM, "out of memory for a frame");
			return false;
		}
		nf->buf = n;
		nf->cap = tr->frame.len;
	}
	nf->f = tr->frame;
	nf->due = tr->next_ns;
	memcpy(nf->buf, tr->frame.data, tr->frame.len);
	nf->f.data = nf->buf;
	nf->valid = true;
	rxs__source_read(h, tr);
	nf->need = tr->own_last;
	return true;
}

/* The queues @nc DMAs into, for a burst. */
static void nic_lock(struct nic_ctx *nc)
{
	for (unsigned int i = 0; i < nc->nq; i++)
		rxs__lock_acquire(&nc->tr->dev->rxq[nc->q[i]].lock);
}

static void nic_unlock(struct nic_ctx *nc)
{
	for (unsigned int i = nc->nq; i-- > 0;)
		rxs__lock_release(&nc->tr->dev->rxq[nc->q[i]].lock);
}

/* A shadow's frame must wait while its first reader has not yet learned from the host's
 * own frames up to the one after it (see nic_burst()). */
static bool nic_must_wait(struct nic_ctx *nc)
{
	const struct nic_ctx *first = nc->first;

	/* The first reader's line is read only when it has something to tell: it writes
	 * that line for every frame. */
	if (!first || nc->nf.need <= nc->first_learned)
		return false;
	nc->first_learned = __atomic_load_n(&first->tr->own_last, __ATOMIC_ACQUIRE);
	return nc->nf.need > nc->first_learned && !__atomic_load_n(&first->done, __ATOMIC_ACQUIRE);
}

/* The source is over: the last one to end says the traffic is. */
static void nic_finish(struct rxs_threaded *th, struct nic_ctx *nc)
{
	__atomic_store_n(&nc->done, true, __ATOMIC_RELEASE);
	pthread_mutex_lock(&th->lock);
	th->last_arrival = RXS_MAX(th->last_arrival, nc->last);
	if (--th->nics_running == 0) {
		th->sources_done = true;
		pthread_cond_broadcast(&th->done_cond);
	}
	pthread_mutex_unlock(&th->lock);
}

/*
 * DMA @nc's frames due by @now (at top speed, all of them, while their rings are not deep),
 * up to @budget, under its queues' locks: how many, or -EAGAIN when flow control holds the
 * next one back. The NIC reads one frame ahead, as the virtual engine does, so that the
 * host's own frames in a two-way capture (a SYN-ACK, whose ISN the peer's ACK acknowledges)
 * are learned before the frame after them arrives. The caller is the only one replaying
 * @nc: its thread, or the CPU holding its lock.
 */
static int nic_burst(struct rxs_threaded *th, struct nic_ctx *nc, uint64_t now,
		     unsigned int budget)
{
	struct rxs_traffic *tr = nc->tr;
	int n = 0;
	bool paused = false;

	if (!nc->nf.valid && !nic_take(nc)) {
		nic_finish(th, nc);
		return 0;
	}
	nic_lock(nc);
	while ((unsigned int)n < budget && (th->top_speed || nc->nf.due <= now)) {
		if (nic_must_wait(nc)) {
			paused = true;
			break;
		}
		/* The frame's number in its file is its id: unique, as each reader replays
		 * frames no other does, with no shared count a packet. */
		if (rxs__nic_receive_class(tr->dev, &nc->nf.f, &nc->nf.cls, now, th->top_speed,
					   RXS_FRAME_ID(tr->index, nc->nf.f.number)) == -EAGAIN) {
			paused = true;
			break;
		}
		nc->nf.valid = false;
		nc->last = now;
		n++;
		if (!nic_take(nc))
			break;
	}
	/* Before the queues are let go: a stopper of the world finds the count exact. */
	__atomic_store_n(&nc->offered, nc->offered + (uint64_t)n, __ATOMIC_RELAXED);
	nic_unlock(nc);
	if (!nc->nf.valid)
		nic_finish(th, nc);
	return paused && !n ? -EAGAIN : n;
}

/* Paced replay: a NIC thread per traffic source DMAs each frame when it is due. */
static void *nic_main(void *p)
{
	struct nic_ctx *nc = p;
	struct rxs_threaded *th = nc->h->sim->threaded;

	pthread_setname_np(pthread_self(), "rxsim-nic");
	rxs__this_pool = &nc->pool;
	while (!stopped(th) && !__atomic_load_n(&nc->done, __ATOMIC_ACQUIRE)) {
		uint64_t now = real_now(th);

		if (nc->nf.valid && now < nc->nf.due)
			sleep_until(th, nc->nf.due);
		else
			nic_burst(th, nc, now, RXS_NIC_BURST);
	}
	rxs__skb_pool_flush(&nc->pool);
	rxs__this_pool = NULL;
	return NULL;
}

/*
 * Top speed: a CPU with nothing to poll is the NIC for a burst. The NIC's work costs a real
 * host no CPU at all; here someone must do it, and a thread of its own would compete with
 * the CPU threads for the machine's cores, so the simulator would not scale with them. So
 * the CPU that runs dry DMAs the next frames of a source nobody else is replaying, into
 * whichever queues RSS picks, and their IRQs go where they are bound, as always. 1 when it
 * DMA'd some, 0 when it could not now (another CPU has the sources, or flow control holds
 * them), -1 when every source is over.
 */
static int cpu_pull(struct rxs_threaded *th, const struct rxs_host *h, unsigned int cpu)
{
	bool left = false;

	for (unsigned int k = 0; k < th->nnic; k++) {
		struct nic_ctx *nc = &th->nic[(cpu + k) % th->nnic];
		int n;

		if ((nc->cpu != NIC_ANY_CPU && nc->cpu != cpu) ||
		    __atomic_load_n(&nc->done, __ATOMIC_ACQUIRE))
			continue;
		left = true;
		if (pthread_mutex_trylock(&nc->lock))
			continue;
		n = __atomic_load_n(&nc->done, __ATOMIC_ACQUIRE) ?
			    0 : nic_burst(th, nc, real_now(th), RXS_NIC_BURST);
		pthread_mutex_unlock(&nc->lock);
		if (n > 0)
			return 1;
	}
	return left ? 0 : -1;
}

/* Sleep until something is posted to @cc's mailbox; with @brief, no longer than a few tens
 * of microseconds (frames a top-speed replay holds back are about to be let through). The
 * CPU's lock is let go meanwhile. */
static void cpu_idle(struct rxs_threaded *th, struct cpu_ctx *cc, bool brief)
{
	struct timespec ts = deadline(th, real_now(th) + 20000);

	pthread_mutex_unlock(&cc->lock);
	pthread_mutex_lock(&cc->box_lock);
	while (!box_full(cc) && !stopped(th)) {
		if (!brief)
			pthread_cond_wait(&cc->box_cond, &cc->box_lock);
		else if (pthread_cond_timedwait(&cc->box_cond, &cc->box_lock, &ts) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&cc->box_lock);
	pthread_mutex_lock(&cc->lock);
}

/* ksoftirqd/N: take the mailbox, run net_rx_action a poll at a time while the softirq is
 * pending; when nothing is, be the NIC at top speed, or sleep. */
static void *cpu_main(void *p)
{
	struct cpu_ctx *cc = p;
	struct rxs_host *h = cc->h;
	struct rxs_threaded *th = h->sim->threaded;
	struct rxs_softnet_data *sd = &h->cpus[cc->cpu];
	char name[16];

	snprintf(name, sizeof(name), "ksoftirqd/%u", cc->cpu);
	pthread_setname_np(pthread_self(), name);
	this_sd = sd;
	rxs__this_pool = &cc->pool;
	pthread_mutex_lock(&cc->lock);
	while (!stopped(th)) {
		/* The CPU's clock is the real one; the cost model's charges within a poll
		 * only shape how far its jiffies advance during that poll. */
		sd->now = real_now(th);
		box_take(cc, sd, sd->now);
		if (!sd->softirq_pending) {
			int pulled = th->top_speed ? cpu_pull(th, h, cc->cpu) : -1;

			if (pulled > 0)
				continue;	/* the IRQs are in the mailboxes */
			cpu_idle(th, cc, pulled == 0);
			continue;
		}
		rxs__net_rx_action(sd, sd->now);
		rxs__skb_pool_flush(&cc->pool);
		/* Between two polls: let a stopper of the world in. */
		if (__atomic_load_n(&th->stw_waiting, __ATOMIC_ACQUIRE)) {
			pthread_mutex_unlock(&cc->lock);
			pthread_mutex_lock(&th->gate);
			pthread_mutex_unlock(&th->gate);
			pthread_mutex_lock(&cc->lock);
		}
	}
	rxs__skb_pool_flush(&cc->pool);
	pthread_mutex_unlock(&cc->lock);
	this_sd = NULL;
	rxs__this_pool = NULL;
	return NULL;
}

/* A timer that takes its own locks (a coalescing timer: its queue's) runs as it is;
 * everything else stops the world. */
static void timer_dispatch(struct rxs_host *h, const struct rxs_event *ev)
{
	struct rxs_threaded *th = h->sim->threaded;

	if (ev->flags & RXS_TIMER_SELF_LOCKED) {
		ev->fn(ev->obj, ev->time);
		return;
	}
	stop_the_world(th, h);
	h->now = RXS_MAX(h->now, real_now(th));
	ev->fn(ev->obj, ev->time);
	start_the_world(th, h);
}

/* The kernel's timers, run when they fall due. */
static void *timer_main(void *p)
{
	struct rxs_host *h = p;
	struct rxs_threaded *th = h->sim->threaded;

	pthread_setname_np(pthread_self(), "rxsim-timers");
	pthread_mutex_lock(&th->lock);
	while (!stopped(th)) {
		const struct rxs_event *top = rxs__event_peek(h);
		struct rxs_event ev;
		struct timespec ts;

		if (top && top->time <= real_now(th)) {
			rxs__event_pop(h, &ev);
			pthread_mutex_unlock(&th->lock);
			timer_dispatch(h, &ev);
			pthread_mutex_lock(&th->lock);
			continue;
		}
		if (!top) {
			pthread_cond_wait(&th->timer_cond, &th->lock);
			continue;
		}
		ts = deadline(th, top->time);
		pthread_cond_timedwait(&th->timer_cond, &th->lock, &ts);
	}
	pthread_mutex_unlock(&th->lock);
	return NULL;
}

static const struct rxs_engine_ops threaded_engine = {
	.name = "threaded",
	.this_cpu = threaded_this_cpu,
	.cpu_clock = threaded_cpu_clock,
	.raise_softirq = threaded_raise_softirq,
	.post_irq = threaded_post_irq,
	.post_ipi = threaded_post_ipi,
	.post_backlog = threaded_post_backlog,
	.data_ready = threaded_data_ready,
	.sock_read = threaded_sock_read,
	.timer_add = threaded_timer_add,
	.pump_arrivals = threaded_pump_arrivals,
};

/* The host state the CPUs share besides its objects: each a lock of its own, all of them
 * on the host lock today (see the essay on locks). */
static struct rxs_lock *host_locks(struct rxs_host *h, unsigned int i)
{
	struct rxs_lock *all[] = {
		&h->sk.tcp_lock, &h->inet.frag_lock, &h->inet.icmp_lock, &h->inet.igmp_lock,
		&h->inet.arp_lock,
		&h->inet.handlers_lock, &h->core.handlers_lock, &h->nf.nf_lock, &h->taps_lock, &h->trace_lock,
		&h->nic.frame_drop_lock, &h->sim->error_lock,
	};

	return i < ARRAY_SIZE(all) ? all[i] : NULL;
}

/* Back every object's lock with this engine's (see the essay on locks), before any thread
 * of the path runs. They stay on until the host goes: queries and an application's reads
 * after the run take them too. */
static void threads_enable_locks(struct rxs_host *h, struct rxs_threaded *th)
{
	struct rxs_lock *l;

	for (unsigned int i = 0; (l = host_locks(h, i)); i++)
		rxs__lock_enable(l, &mutex_ops, &th->lock);
	/* eBPF objects are shared by the CPUs that run their programs. */
	for (unsigned int i = 0; i < h->bpf.nlinks; i++)
		rxs__lock_enable(&h->bpf.links[i]->lock, &mutex_ops, &th->lock);
	for (unsigned int c = 0; c < h->ncpus; c++) {
		struct rxs_softnet_data *sd = &h->cpus[c];

		rxs__lock_enable(&sd->backlog_lock, &mutex_ops, &th->cpu[c].backlog_lock);
		/* Shared only where there is a table: a veth NIC's thread enqueues for it. */
		if (sd->flow_limit)
			rxs__lock_enable(&sd->flow_limit_lock, &mutex_ops, &th->lock);
	}
	for (unsigned int d = 0; d < h->ndevs; d++) {
		struct rxs_netdev *dev = &h->devs[d];

		rxs__lock_enable(&dev->lock, &mutex_ops, &th->dev_lock[d].m);
		for (unsigned int q = 0; q < dev->nrxq; q++)
			rxs__lock_enable(&dev->rxq[q].lock, &mutex_ops,
					 &th->rxq_lock[th->rxq_base[d] + q].m);
	}
	for (unsigned int i = 0; i < h->sk.nsocks; i++)
		rxs__lock_enable(&h->sk.socks[i].lock, &spin_ops, &th->sock_lock[i].locked);
}

/* ---- set-up and tear-down ---- */

static void threads_release(const struct rxs_host *h, struct rxs_threaded *th)
{
	for (unsigned int c = 0; th->cpu && c < h->ncpus; c++)
		rxs__free(th->cpu[c].sock_read);
	rxs__free(th->dev_lock);
	rxs__free(th->rxq_lock);
	rxs__free(th->rxq_base);
	rxs__free(th->sock_lock);
	rxs__free(th->cpu);
	rxs__free(th->nic);
	rxs__free(th);
}

static int threads_init(struct rxs_host *h, bool top_speed)
{
	struct rxs_threaded *th = rxs__calloc(1, sizeof(*th));
	struct rxs_lock host_lock;
	pthread_condattr_t ca;
	pthread_mutexattr_t ma;
	bool ok;

	if (!th)
		return -ENOMEM;
	th->dev_lock = rxs__calloc(h->ndevs + 1, sizeof(*th->dev_lock));
	th->rxq_base = rxs__calloc(h->ndevs + 1, sizeof(*th->rxq_base));
	for (unsigned int d = 0; d < h->ndevs; d++) {
		if (th->rxq_base)
			th->rxq_base[d] = th->nrxq;
		th->nrxq += h->devs[d].nrxq;
	}
	th->rxq_lock = rxs__calloc(th->nrxq + 1, sizeof(*th->rxq_lock));
	th->sock_lock = rxs__calloc(h->sk.nsocks + 1, sizeof(*th->sock_lock));
	th->cpu = rxs__calloc(h->ncpus, sizeof(*th->cpu));
	th->nic = rxs__calloc(h->sim->ntraffic * h->ncpus + 1, sizeof(*th->nic));
	ok = th->dev_lock && th->rxq_base && th->rxq_lock && th->sock_lock && th->cpu && th->nic;
	for (unsigned int c = 0; ok && c < h->ncpus; c++) {
		/* With a line's room after it: each CPU writes its own. */
		th->cpu[c].sock_read = rxs__calloc(h->sk.nsocks + 1 + RXS_CACHE_LINE /
							 sizeof(struct sock_read),
						   sizeof(struct sock_read));
		ok = th->cpu[c].sock_read != NULL;
	}
	if (!ok) {
		threads_release(h, th);
		return -ENOMEM;
	}
	/* Timed waits on the monotonic clock, the one the run is measured with. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	/* Recursive: a part of the path under it may enter another (TCP sends ICMP). */
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&th->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_cond_init(&th->timer_cond, &ca);
	pthread_cond_init(&th->done_cond, &ca);
	pthread_cond_init(&th->data_cond, &ca);
	pthread_mutex_init(&th->gate, NULL);
	pthread_mutex_init(&th->data_lock, NULL);
	/* The locks of the path are held for a frame or a poll: spin a little before
	 * sleeping, rather than paying a futex wake-up each time two CPUs meet. */
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ADAPTIVE_NP);
	for (unsigned int d = 0; d < h->ndevs; d++)
		pthread_mutex_init(&th->dev_lock[d].m, &ma);
	for (unsigned int q = 0; q < th->nrxq; q++)
		pthread_mutex_init(&th->rxq_lock[q].m, &ma);
	rxs__lock_enable(&host_lock, &mutex_ops, &th->lock);
	rxs__skb_pool_init_mt(&h->pool, &h->pool, &host_lock);
	for (unsigned int c = 0; c < h->ncpus; c++) {
		struct cpu_ctx *cc = &th->cpu[c];

		cc->h = h;
		cc->cpu = c;
		pthread_mutex_init(&cc->lock, &ma);
		pthread_mutex_init(&cc->backlog_lock, &ma);
		pthread_mutex_init(&cc->box_lock, &ma);
		pthread_cond_init(&cc->box_cond, &ca);
		rxs__skb_pool_init_mt(&cc->pool, &h->pool, &host_lock);
	}
	pthread_mutexattr_destroy(&ma);
	pthread_condattr_destroy(&ca);
	th->top_speed = top_speed;
	clock_gettime(CLOCK_MONOTONIC, &th->t0);
	h->sim->threaded = th;
	threads_enable_locks(h, th);
	h->engine = &threaded_engine;
	return 0;
}

static struct nic_ctx *nic_add(struct rxs_host *h, struct rxs_threaded *th,
			       struct rxs_traffic *tr, unsigned int cpu)
{
	struct nic_ctx *nc = &th->nic[th->nnic++];
	pthread_mutexattr_t ma;

	nc->h = h;
	nc->tr = tr;
	nc->cpu = cpu;
	for (unsigned int q = 0; q < tr->dev->nrxq; q++)
		if (cpu == NIC_ANY_CPU || tr->dev->rxq[q].cpu == cpu) {
			nc->q[nc->nq++] = (uint8_t)q;
			nc->mine |= 1ull << q;
		}
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ADAPTIVE_NP);
	pthread_mutex_init(&nc->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	rxs__skb_pool_init_mt(&nc->pool, &h->pool, &h->pool.lock);
	return nc;
}

/* Undo nic_add() and what the reader gathered: its frame buffer, a shadow's source. */
static void nic_release(struct nic_ctx *nc)
{
	rxs__skb_pool_destroy(&nc->pool);
	pthread_mutex_destroy(&nc->lock);
	rxs__free(nc->nf.buf);
	rxs_source_close(nc->shadow.src);
	memset(nc, 0, sizeof(*nc));
}

/*
 * Top speed, @tr's NIC has queues bound to several CPUs: give each of those CPUs a reader of
 * its own, which replays only the frames RSS puts in its queues, so that no frame's data,
 * descriptor or skb crosses between CPUs, and reading the capture is shared out too. It is
 * the NIC's work split by queue, as a multi-queue NIC does it in parallel in hardware. The
 * first reader is @tr itself; the others open the source again (a file or a generator
 * gives the same frames again) and skip the host's own frames of a two-way capture
 * without learning from them, but wait for the first reader to have learned (see
 * nic_burst()). False when a source cannot be opened again: one reader replays it all.
 *
 * Every reader reads every frame, but tests and repairs the checksums (csum.c, a third of
 * what skipping a record costs) of its own only: the RSS classification does not read them.
 * The source's counts of them are so split between the readers (rxs__threads_source_stats()).
 */
static bool nics_split(struct rxs_host *h, struct rxs_threaded *th, struct rxs_traffic *tr)
{
	unsigned int cpus[64], ncpus = 0, first = th->nnic;
	char err[256];

	if (!tr->dev->rxq[0].ring)
		return false;		/* veth: netif_rx() on the sender's CPU */
	for (unsigned int q = 0; q < tr->dev->nrxq; q++) {
		unsigned int c = tr->dev->rxq[q].cpu, k = 0;

		while (k < ncpus && cpus[k] != c)
			k++;
		if (k == ncpus && ncpus < ARRAY_SIZE(cpus))
			cpus[ncpus++] = c;
	}
	if (ncpus < 2)
		return false;
	nic_add(h, th, tr, cpus[0])->first_of_split = true;
	for (unsigned int k = 1; k < ncpus; k++) {
		struct nic_ctx *nc = &th->nic[th->nnic];
		struct rxs_traffic *sh = &nc->shadow;

		sh->cfg = tr->cfg;
		sh->index = tr->index;
		sh->dev = tr->dev;
		sh->shadow = true;
		nic_add(h, th, sh, cpus[k])->first = &th->nic[first];
		if (rxs__traffic_open(sh, err, sizeof(err)) != 0) {
			while (th->nnic > first)
				nic_release(&th->nic[--th->nnic]);
			return false;
		}
		rxs__source_defer_csum(sh->src);
		rxs__source_read(h, sh);
	}
	/* Its frame in hand has had its checksums done; the next ones wait for nic_take(). */
	rxs__source_defer_csum(tr->src);
	return true;
}

/* A reader per source, or at top speed one per CPU a source's queues interrupt. */
static void nics_init(struct rxs_host *h, struct rxs_threaded *th)
{
	for (unsigned int i = 0; i < h->sim->ntraffic; i++) {
		struct rxs_traffic *tr = &h->sim->traffic[i];

		if (!th->top_speed || !tr->has_frame || !nics_split(h, th, tr))
			nic_add(h, th, tr, NIC_ANY_CPU);
	}
}

void rxs__threads_skb_stats(const struct rxs_host *h, struct rxs_skb_stats *sum)
{
	const struct rxs_threaded *th = h->sim->threaded;

	if (!th)
		return;
	for (unsigned int c = 0; c < h->ncpus; c++)
		rxs__skb_stats_add(sum, &th->cpu[c].pool);
	for (unsigned int i = 0; i < th->nnic; i++)
		rxs__skb_stats_add(sum, &th->nic[i].pool);
}

void rxs__threads_stop(struct rxs_host *h)
{
	if (h->sim->threaded && h->sim->threaded->running) {	/* destroyed mid-run */
		rxs_host_stop(h);
		rxs_host_wait_threaded(h);
	}
}

/* Freed with the host, last, not at the end of the run: an application thread may still be
 * in rxs_socket_recv_wait() (it returns at once, the run being over), and skbs of the
 * threads' pools stay queued until the host goes. */
void rxs__threads_free(struct rxs_host *h)
{
	struct rxs_threaded *th = h->sim->threaded;

	if (!th)
		return;
	for (unsigned int c = 0; c < h->ncpus; c++) {
		struct cpu_ctx *cc = &th->cpu[c];

		rxs__skb_pool_destroy(&cc->pool);
		pthread_mutex_destroy(&cc->lock);
		pthread_mutex_destroy(&cc->backlog_lock);
		pthread_mutex_destroy(&cc->box_lock);
		pthread_cond_destroy(&cc->box_cond);
	}
	for (unsigned int i = 0; i < th->nnic; i++)
		nic_release(&th->nic[i]);
	for (unsigned int d = 0; d < h->ndevs; d++)
		pthread_mutex_destroy(&th->dev_lock[d].m);
	for (unsigned int q = 0; q < th->nrxq; q++)
		pthread_mutex_destroy(&th->rxq_lock[q].m);
	pthread_cond_destroy(&th->timer_cond);
	pthread_cond_destroy(&th->done_cond);
	pthread_cond_destroy(&th->data_cond);
	pthread_mutex_destroy(&th->gate);
	pthread_mutex_destroy(&th->data_lock);
	pthread_mutex_destroy(&th->lock);
	h->pool.mt = false;
	h->pool.home = NULL;
	memset(&h->pool.lock, 0, sizeof(h->pool.lock));
	/* The objects went before (rxs_host_destroy), their locks with them. */
	h->engine = &rxs__virtual_engine;
	threads_release(h, th);
	h->sim->threaded = NULL;
}

/* Wait (holding the host lock) until the run is over by the scenario's run.until, in real
 * time. */
static void wait_end(struct rxs_host *h)
{
	struct rxs_threaded *th = h->sim->threaded;
	const struct rxs_run_config *run = &h->sc->run;
	struct timespec ts;

	if (run->until == RXS_UNTIL_TIME) {
		ts = deadline(th, run->ns);
		while (!h->sim->stop && real_now(th) < run->ns)
			pthread_cond_timedwait(&th->done_cond, &th->lock, &ts);
		return;
	}
	while (!h->sim->stop && !th->sources_done) {
		/* Timed, so that rxs_host_stop() (a signal handler sets only a flag) is seen. */
		ts = deadline(th, real_now(th) + 100000000ull);
		pthread_cond_timedwait(&th->done_cond, &th->lock, &ts);
	}
	ts = deadline(th, th->last_arrival + run->ns);
	while (!h->sim->stop && real_now(th) < th->last_arrival + run->ns)
		pthread_cond_timedwait(&th->done_cond, &th->lock, &ts);
}

int rxs_host_start_threaded(rxs_host_t *h, bool top_speed)
{
	struct rxs_threaded *th;
	int rc;

	if (h->sim->threaded || h->sim->sources_started)
		return -EBUSY;	/* a host runs one engine, once */
	rc = threads_init(h, top_speed);
	if (rc)
		return rc;
	th = h->sim->threaded;
	/* Each source's first frame is read here, so that every NIC thread starts with one. */
	rxs__sources_start(h);
	nics_init(h, th);
	/* The NIC readers deliver the frames: no CPU catches them up (pump_arrivals). */
	h->sim->next_src = NULL;
	h->next_arrival = UINT64_MAX;
	th->nics_running = th->nnic;
	th->sources_done = !th->nnic;
	th->running = true;
	for (unsigned int c = 0; c < h->ncpus; c++)
		pthread_create(&th->cpu[c].thr, NULL, cpu_main, &th->cpu[c]);
	pthread_create(&th->timer_thr, NULL, timer_main, h);
	/* Paced, each source has its NIC thread; at top speed the CPUs take turns (cpu_pull). */
	for (unsigned int i = 0; !top_speed && i < th->nnic; i++)
		pthread_create(&th->nic[i].thr, NULL, nic_main, &th->nic[i]);
	return 0;
}

int rxs_host_wait_threaded(rxs_host_t *h)
{
	struct rxs_threaded *th = h->sim->threaded;

	if (!th || !th->running)
		return -EINVAL;
	pthread_mutex_lock(&th->lock);
	wait_end(h);
	__atomic_store_n(&th->stop, true, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&th->timer_cond);
	pthread_cond_broadcast(&th->done_cond);
	pthread_mutex_unlock(&th->lock);
	for (unsigned int c = 0; c < h->ncpus; c++)
		box_post(&th->cpu[c], NULL, 0, false, true);
	pthread_mutex_lock(&th->data_lock);
	th->data_seq++;
	pthread_cond_broadcast(&th->data_cond);
	pthread_mutex_unlock(&th->data_lock);
	for (unsigned int i = 0; !th->top_speed && i < th->nnic; i++)
		pthread_join(th->nic[i].thr, NULL);
	pthread_join(th->timer_thr, NULL);
	for (unsigned int c = 0; c < h->ncpus; c++)
		pthread_join(th->cpu[c].thr, NULL);
	th->running = false;
	h->sim->last_arrival = th->last_arrival;
	h->now = RXS_MAX(h->now, real_now(th));
	if (h->sim->stop)
		return h->sim->error ? h->sim->error : -EINTR;
	return h->sim->error;
}

bool rxs_host_is_threaded(const rxs_host_t *h)
{
	return h->sim->threaded != NULL;
}

int rxs_host_run_threaded(rxs_host_t *h, bool top_speed)
{
	int rc = rxs_host_start_threaded(h, top_speed);

	return rc ? rc : rxs_host_wait_threaded(h);
}

/* Block an application thread until @try_once succeeds (not -EAGAIN), @timeout_ns passes or
 * the run ends; before the threaded engine starts, try once. @try_once takes its own locks. */
static int wait_for(struct rxs_host *h, int (*try_once)(void *arg), void *arg,
		    uint64_t timeout_ns)
{
	struct rxs_threaded *th = h->sim->threaded;
	struct timespec ts;
	bool timed_out = false;
	uint64_t seq;
	int rc;

	if (!th)
		return try_once(arg);
	ts = deadline(th, real_now(th) + timeout_ns);
	__atomic_add_fetch(&th->data_waiters, 1, __ATOMIC_ACQ_REL);
	for (;;) {
		pthread_mutex_lock(&th->data_lock);
		seq = th->data_seq;
		pthread_mutex_unlock(&th->data_lock);
		rc = try_once(arg);
		if (rc != -EAGAIN || timed_out || stopped(th))
			break;
		pthread_mutex_lock(&th->data_lock);
		while (th->data_seq == seq && !stopped(th) && !timed_out)
			timed_out = pthread_cond_timedwait(&th->data_cond, &th->data_lock, &ts) ==
				    ETIMEDOUT;
		pthread_mutex_unlock(&th->data_lock);
	}
	__atomic_sub_fetch(&th->data_waiters, 1, __ATOMIC_ACQ_REL);
	return rc;
}

struct recv_arg {
	rxs_socket_t *sock;
	struct rxs_sk_buff **skbp;
	rxs_conn_t **connp;
	rxs_conn_t *conn;
};

/* The non-blocking calls take the locks they need themselves. */
static int try_sock_recv(void *p)
{
	struct recv_arg *a = p;

	return rxs_socket_recv(a->sock, a->skbp);
}

static int try_accept(void *p)
{
	struct recv_arg *a = p;

	return rxs_socket_accept(a->sock, a->connp);
}

static int try_conn_recv(void *p)
{
	struct recv_arg *a = p;

	return rxs_conn_recv(a->conn, a->skbp);
}

int rxs_socket_recv_wait(rxs_socket_t *s, struct rxs_sk_buff **skbp, uint64_t timeout_ns)
{
	struct rxs_sock *sk = rxs__sock_of(s);
	struct recv_arg a = { .sock = s, .skbp = skbp };

	*skbp = NULL;
	if (!sk)
		return -EINVAL;
	return wait_for(sk->host, try_sock_recv, &a, timeout_ns);
}

int rxs_socket_accept_wait(rxs_socket_t *s, rxs_conn_t **connp, uint64_t timeout_ns)
{
	struct rxs_sock *sk = rxs__sock_of(s);
	struct recv_arg a = { .sock = s, .connp = connp };

	*connp = NULL;
	if (!sk)
		return -EINVAL;
	return wait_for(sk->host, try_accept, &a, timeout_ns);
}

int rxs_conn_recv_wait(rxs_conn_t *c, struct rxs_sk_buff **skbp, uint64_t timeout_ns)
{
	struct rxs_sock *sk = rxs__conn_sock(c);
	struct recv_arg a = { .conn = c, .skbp = skbp };

	*skbp = NULL;
	if (!sk)
		return -EINVAL;
	return wait_for(sk->host, try_conn_recv, &a, timeout_ns);
}
