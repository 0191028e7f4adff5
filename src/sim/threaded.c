/* threaded.c - the threaded engine: real threads against the real clock.
 *
 * One thread per simulated CPU, named ksoftirqd/N, sleeps until its NET_RX softirq is
 * raised (an IRQ, an IPI, a backlog) and then runs net_rx_action, one NAPI poll at a time.
 * Each poll starts from the real clock and adds the cost model's charges for its packets, so
 * netdev_budget_usecs is measured on the real clock to within one poll. A NIC thread per
 * traffic source replays it at its timestamps' pace (or as fast as it can) and DMAs each
 * frame at the moment it is due. A timer thread runs the kernel's timers (SYN-ACK
 * retransmits, reassembly, delayed ACKs, coalescing, application models) when they fall
 * due. Application threads of a library user block in rxs_host_sock_recv_wait(),
 * rxs_host_accept_wait() and rxs_conn_recv_wait().
 *
 * This first version keeps the path's code as it is and serialises it with one host lock
 * (the kernel's old big lock, in effect): every thread takes it to touch the host and lets
 * it go between polls, frames and timers, and while it waits. So the threads interleave as
 * real CPUs would, conservation and the counters stay exact, and ThreadSanitizer has
 * nothing to report; what it does not give yet is parallel speed-up, which needs
 * per-queue, per-socket and per-table locks in the path (and reading the captures outside
 * the lock).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "rxsim/sim.h"
#include "sim/sim_int.h"

/* Frames a NIC thread DMAs per hold of the host lock: small against a 64-descriptor poll. */
#define RXS_NIC_BURST 8

struct cpu_arg {
	struct rxs_host *h;
	unsigned int cpu;
};

struct nic_arg {
	struct rxs_host *h;
	struct rxs_traffic *tr;
};

struct rxs_threads {
	pthread_mutex_t lock;
	pthread_cond_t *cpu_cond;	/* a CPU's softirq was raised */
	pthread_cond_t timer_cond;	/* a timer was added, or the run ends */
	pthread_cond_t done_cond;	/* the NIC threads finished the traffic */
	pthread_cond_t data_cond;	/* something was queued on a socket */
	pthread_t *cpu_thr, *nic_thr, timer_thr;
	struct cpu_arg *args;
	struct nic_arg *nic_args;
	unsigned int nics_running;	/* NIC threads still replaying */
	struct timespec t0;
	bool running;	/* started and not yet waited for */
	bool top_speed;
	bool stop;
	bool sources_done;
};

/* Nanoseconds since the run began. */
static uint64_t real_now(const struct rxs_threads *th)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)(ts.tv_sec - th->t0.tv_sec) * 1000000000ull + (uint64_t)ts.tv_nsec -
	       (uint64_t)th->t0.tv_nsec;
}

/* The absolute CLOCK_MONOTONIC time @ns after the start, for timed waits. */
static struct timespec deadline(const struct rxs_threads *th, uint64_t ns)
{
	struct timespec ts = th->t0;
	uint64_t nsec = (uint64_t)ts.tv_nsec + ns % 1000000000ull;

	ts.tv_sec += (time_t)(ns / 1000000000ull + nsec / 1000000000ull);
	ts.tv_nsec = (long)(nsec % 1000000000ull);
	return ts;
}

void rxs__threads_event_added(struct rxs_host *h, enum rxs_event_type type, void *obj)
{
	struct rxs_threads *th = h->threads;

	if (type == RXS_EV_SOFTIRQ)
		pthread_cond_signal(&th->cpu_cond[((struct rxs_softnet_data *)obj)->cpu]);
	else
		pthread_cond_signal(&th->timer_cond);
}

void rxs__threads_data_ready(struct rxs_host *h)
{
	pthread_cond_broadcast(&h->threads->data_cond);
}

/* ksoftirqd/N: run net_rx_action whenever the softirq is raised, a poll at a time. */
static void *cpu_main(void *p)
{
	struct cpu_arg *a = p;
	struct rxs_host *h = a->h;
	struct rxs_threads *th = h->threads;
	struct rxs_softnet_data *sd = &h->cpus[a->cpu];
	char name[16];

	snprintf(name, sizeof(name), "ksoftirqd/%u", a->cpu);
	pthread_setname_np(pthread_self(), name);
	pthread_mutex_lock(&th->lock);
	while (!th->stop) {
		if (!sd->softirq_pending) {
			pthread_cond_wait(&th->cpu_cond[a->cpu], &th->lock);
			continue;
		}
		/* The CPU's clock is the real one; the cost model's charges within a poll
		 * only shape how far its jiffies advance during that poll. */
		sd->now = real_now(th);
		rxs__net_rx_action(sd, sd->now);
		/* Let the NIC, the timers and the other CPUs in between two polls. */
		pthread_mutex_unlock(&th->lock);
		sched_yield();
		pthread_mutex_lock(&th->lock);
	}
	pthread_mutex_unlock(&th->lock);
	return NULL;
}

/* A NIC thread per traffic source: each frame is DMA'd when it is due (at once, at top
 * speed). The last one to finish says the traffic is over. */
static void *nic_main(void *p)
{
	struct nic_arg *a = p;
	struct rxs_host *h = a->h;
	struct rxs_traffic *tr = a->tr;
	struct rxs_threads *th = h->threads;
	unsigned int burst = 0;

	pthread_setname_np(pthread_self(), "rxsim-nic");
	pthread_mutex_lock(&th->lock);
	while (!th->stop && tr->has_frame) {
		uint64_t due = tr->next_ns;

		if (!th->top_speed && real_now(th) < due) {
			struct timespec ts = deadline(th, due);

			/* Waiting lets the host go; nobody signals this, the timeout is the point. */
			pthread_cond_timedwait(&th->done_cond, &th->lock, &ts);
			continue;
		}
		h->now = RXS_MAX(h->now, real_now(th));
		h->last_arrival = h->now;
		rxs__nic_receive(tr->dev, &tr->frame, h->now);
		rxs__source_advance(h, tr);
		/* A real NIC DMAs while the CPUs run: let them in every few frames, or at top
		 * speed this thread would fill every ring before a CPU got the lock. */
		if (++burst % RXS_NIC_BURST == 0) {
			pthread_mutex_unlock(&th->lock);
			sched_yield();
			pthread_mutex_lock(&th->lock);
		}
	}
	if (--th->nics_running == 0) {
		th->sources_done = true;
		pthread_cond_broadcast(&th->done_cond);
	}
	pthread_mutex_unlock(&th->lock);
	return NULL;
}

/* The kernel's timers, run when they fall due. */
static void *timer_main(void *p)
{
	struct rxs_host *h = p;
	struct rxs_threads *th = h->threads;

	pthread_setname_np(pthread_self(), "rxsim-timers");
	pthread_mutex_lock(&th->lock);
	while (!th->stop) {
		const struct rxs_event *top = rxs__event_peek(h);
		struct rxs_event ev;
		struct timespec ts;

		if (top && top->time <= real_now(th)) {
			rxs__event_pop(h, &ev);
			h->now = RXS_MAX(h->now, real_now(th));
			rxs__dispatch(h, &ev);
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

static int threads_init(struct rxs_host *h, bool top_speed)
{
	struct rxs_threads *th = rxs__calloc(1, sizeof(*th));
	pthread_condattr_t ca;
	pthread_mutexattr_t ma;

	if (!th)
		return -ENOMEM;
	th->cpu_cond = rxs__calloc(h->ncpus, sizeof(*th->cpu_cond));
	th->cpu_thr = rxs__calloc(h->ncpus, sizeof(*th->cpu_thr));
	th->args = rxs__calloc(h->ncpus, sizeof(*th->args));
	th->nic_thr = rxs__calloc(h->ntraffic + 1, sizeof(*th->nic_thr));
	th->nic_args = rxs__calloc(h->ntraffic + 1, sizeof(*th->nic_args));
	if (!th->cpu_cond || !th->cpu_thr || !th->args || !th->nic_thr || !th->nic_args) {
		rxs__free(th->cpu_cond);
		rxs__free(th->cpu_thr);
		rxs__free(th->args);
		rxs__free(th->nic_thr);
		rxs__free(th->nic_args);
		rxs__free(th);
		return -ENOMEM;
	}
	/* Timed waits on the monotonic clock, the one the run is measured with. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	/* Recursive: the skb free functions take it too (see struct rxs_skb_pool), both from
	 * application threads and from within the path, which already holds it. */
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&th->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	for (unsigned int c = 0; c < h->ncpus; c++)
		pthread_cond_init(&th->cpu_cond[c], &ca);
	pthread_cond_init(&th->timer_cond, &ca);
	pthread_cond_init(&th->done_cond, &ca);
	pthread_cond_init(&th->data_cond, &ca);
	pthread_condattr_destroy(&ca);
	th->top_speed = top_speed;
	h->pool.lock = &th->lock;
	clock_gettime(CLOCK_MONOTONIC, &th->t0);
	h->threads = th;
	return 0;
}

/* Freed with the host, not at the end of the run: an application thread may still be in
 * rxs_host_sock_recv_wait() (it returns at once, the run being over) when the run ends. */
void rxs__threads_free(struct rxs_host *h)
{
	struct rxs_threads *th = h->threads;

	if (!th)
		return;
	if (th->running) {	/* destroyed mid-run: stop it first */
		rxs_host_stop(h);
		rxs_host_wait_threaded(h);
	}
	for (unsigned int c = 0; c < h->ncpus; c++)
		pthread_cond_destroy(&th->cpu_cond[c]);
	pthread_cond_destroy(&th->timer_cond);
	pthread_cond_destroy(&th->done_cond);
	pthread_cond_destroy(&th->data_cond);
	h->pool.lock = NULL;
	pthread_mutex_destroy(&th->lock);
	rxs__free(th->cpu_cond);
	rxs__free(th->cpu_thr);
	rxs__free(th->args);
	rxs__free(th->nic_thr);
	rxs__free(th->nic_args);
	rxs__free(th);
	h->threads = NULL;
}

/* Wait (holding the lock) until the run is over by the scenario's run.until, real time. */
static void wait_end(struct rxs_host *h)
{
	struct rxs_threads *th = h->threads;
	const struct rxs_run_config *run = &h->sc->run;
	struct timespec ts;

	if (run->until == RXS_UNTIL_TIME) {
		ts = deadline(th, run->ns);
		while (!h->stop && real_now(th) < run->ns)
			pthread_cond_timedwait(&th->done_cond, &th->lock, &ts);
		return;
	}
	while (!h->stop && !th->sources_done) {
		/* Timed, so that rxs_host_stop() (a signal handler sets only a flag) is seen. */
		ts = deadline(th, real_now(th) + 100000000ull);
		pthread_cond_timedwait(&th->done_cond, &th->lock, &ts);
	}
	ts = deadline(th, h->last_arrival + run->ns);
	while (!h->stop && real_now(th) < h->last_arrival + run->ns)
		pthread_cond_timedwait(&th->done_cond, &th->lock, &ts);
}

int rxs_host_start_threaded(rxs_host_t *h, bool top_speed)
{
	struct rxs_threads *th;
	int rc;

	if (h->threads || h->sources_started)
		return -EBUSY;	/* a host runs one engine, once */
	rc = threads_init(h, top_speed);
	if (rc)
		return rc;
	th = h->threads;
	pthread_mutex_lock(&th->lock);
	for (unsigned int c = 0; c < h->ncpus; c++) {
		th->args[c] = (struct cpu_arg){ h, c };
		pthread_create(&th->cpu_thr[c], NULL, cpu_main, &th->args[c]);
	}
	pthread_create(&th->timer_thr, NULL, timer_main, h);
	/* Each source's first frame is read here, so that every NIC thread starts with one. */
	rxs__sources_start(h);
	th->nics_running = h->ntraffic;
	th->sources_done = !h->ntraffic;
	for (unsigned int i = 0; i < h->ntraffic; i++) {
		th->nic_args[i] = (struct nic_arg){ h, &h->traffic[i] };
		pthread_create(&th->nic_thr[i], NULL, nic_main, &th->nic_args[i]);
	}
	th->running = true;
	pthread_mutex_unlock(&th->lock);
	return 0;
}

int rxs_host_wait_threaded(rxs_host_t *h)
{
	struct rxs_threads *th = h->threads;

	if (!th || !th->running)
		return -EINVAL;
	pthread_mutex_lock(&th->lock);
	wait_end(h);
	th->stop = true;
	for (unsigned int c = 0; c < h->ncpus; c++)
		pthread_cond_broadcast(&th->cpu_cond[c]);
	pthread_cond_broadcast(&th->timer_cond);
	pthread_cond_broadcast(&th->done_cond);
	pthread_cond_broadcast(&th->data_cond);
	pthread_mutex_unlock(&th->lock);
	for (unsigned int i = 0; i < h->ntraffic; i++)
		pthread_join(th->nic_thr[i], NULL);
	pthread_join(th->timer_thr, NULL);
	for (unsigned int c = 0; c < h->ncpus; c++)
		pthread_join(th->cpu_thr[c], NULL);
	th->running = false;
	if (h->stop)
		return h->error ? h->error : -EINTR;
	return h->error;
}

bool rxs_host_is_threaded(const rxs_host_t *h)
{
	return h->threads != NULL;
}

int rxs_host_run_threaded(rxs_host_t *h, bool top_speed)
{
	int rc = rxs_host_start_threaded(h, top_speed);

	return rc ? rc : rxs_host_wait_threaded(h);
}

/* Block an application thread until @try_once succeeds (not -EAGAIN), @timeout_ns passes or
 * the run ends; before the threaded engine starts, try once. */
static int wait_for(struct rxs_host *h, int (*try_once)(void *arg), void *arg,
		    uint64_t timeout_ns)
{
	struct rxs_threads *th = h->threads;
	struct timespec ts;
	int rc;

	if (!th)
		return try_once(arg);
	pthread_mutex_lock(&th->lock);
	ts = deadline(th, real_now(th) + timeout_ns);
	while ((rc = try_once(arg)) == -EAGAIN && !th->stop)
		if (pthread_cond_timedwait(&th->data_cond, &th->lock, &ts) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&th->lock);
	return rc;
}

struct recv_arg {
	struct rxs_host *h;
	unsigned int sock;
	struct rxs_sk_buff **skbp;
	rxs_conn_t **connp;
	rxs_conn_t *conn;
};

static int try_sock_recv(void *p)
{
	struct recv_arg *a = p;

	return rxs_host_sock_recv(a->h, a->sock, a->skbp);
}

static int try_accept(void *p)
{
	struct recv_arg *a = p;

	return rxs_host_accept(a->h, a->sock, a->connp);
}

static int try_conn_recv(void *p)
{
	struct recv_arg *a = p;

	return rxs_conn_recv(a->conn, a->skbp);
}

int rxs_host_sock_recv_wait(rxs_host_t *h, unsigned int sock, struct rxs_sk_buff **skbp,
			    uint64_t timeout_ns)
{
	struct recv_arg a = { .h = h, .sock = sock, .skbp = skbp };

	*skbp = NULL;
	return wait_for(h, try_sock_recv, &a, timeout_ns);
}

int rxs_host_accept_wait(rxs_host_t *h, unsigned int sock, rxs_conn_t **connp,
			 uint64_t timeout_ns)
{
	struct recv_arg a = { .h = h, .sock = sock, .connp = connp };

	*connp = NULL;
	return wait_for(h, try_accept, &a, timeout_ns);
}

int rxs_conn_recv_wait(rxs_conn_t *c, struct rxs_sk_buff **skbp, uint64_t timeout_ns)
{
	struct recv_arg a = { .conn = c, .skbp = skbp };

	*skbp = NULL;
	if (!c)
		return -EINVAL;
	return wait_for(c->host, try_conn_recv, &a, timeout_ns);
}
