/* softirq.c - softnet_data, napi_schedule, net_rx_action and the per-CPU backlog.
 *
 * The virtual engine runs net_rx_action as a chain of events, one NAPI poll per event, so
 * that other CPUs and the NIC move on in between, as they do on a real host while a softirq
 * runs. The bookkeeping (budget, time limit in jiffies, the snapshot list and the repoll
 * list) lives in softnet_data between those events and follows net/core/dev.c of 6.18 line
 * by line: time_squeeze is counted exactly where the kernel counts it.
 */
#include <errno.h>
#include <string.h>

#include "core/core.h"
#include "host.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "rxsim/softirq.h"
#include "softirq/softirq.h"

static void napi_list_add(struct rxs_napi_list *l, struct rxs_napi *n)
{
	n->poll_next = NULL;
	if (l->tail)
		l->tail->poll_next = n;
	else
		l->head = n;
	l->tail = n;
}

static struct rxs_napi *napi_list_pop(struct rxs_napi_list *l)
{
	struct rxs_napi *n = l->head;

	if (n) {
		l->head = n->poll_next;
		if (!l->head)
			l->tail = NULL;
		n->poll_next = NULL;
	}
	return n;
}

/* Append @from to @to and empty @from (list_splice_tail_init). */
static void napi_list_splice_tail(struct rxs_napi_list *from, struct rxs_napi_list *to)
{
	if (!from->head)
		return;
	if (to->tail)
		to->tail->poll_next = from->head;
	else
		to->head = from->head;
	to->tail = from->tail;
	from->head = from->tail = NULL;
}

static int process_backlog(struct rxs_napi *napi, int quota);

int rxs__softnet_init(struct rxs_host *h, struct rxs_softnet_data *sd, unsigned int cpu)
{
	memset(sd, 0, sizeof(*sd));
	sd->cpu = cpu;
	sd->host = h;
	sd->stat.cpu = cpu;
	sd->backlog.poll = process_backlog;
	sd->backlog.cpu = cpu;
	sd->backlog.owner = sd;
	return 0;
}

static void purge(struct rxs_skb_queue *q)
{
	struct rxs_sk_buff *skb;

	while ((skb = rxs__skb_dequeue(q)))
		rxs_kfree_skb_reason(skb, RXS_DROP_QUEUE_PURGE);
}

void rxs__softnet_destroy(struct rxs_softnet_data *sd)
{
	purge(&sd->process_queue);
	purge(&sd->input_pkt_queue);
	rxs__flow_limit_destroy(sd);
}

/* raise_softirq_irqoff(NET_RX_SOFTIRQ): the softirq runs once the CPU is free. */
static void raise_net_rx(struct rxs_softnet_data *sd, uint64_t t)
{
	if (sd->softirq_pending)
		return;
	sd->softirq_pending = true;
	sd->host->engine->raise_softirq(sd, RXS_MAX(t, sd->now));
}

void rxs__napi_schedule(struct rxs_host *h, struct rxs_napi *napi, uint64_t t)
{
	struct rxs_softnet_data *sd = &h->cpus[napi->cpu];

	/* napi_schedule_prep(): a NAPI already scheduled only notes that it missed an event. */
	if (napi->scheduled) {
		napi->missed = true;
		return;
	}
	napi->scheduled = true;
	napi_list_add(&sd->poll_list, napi);
	if (!sd->in_net_rx_action)
		raise_net_rx(sd, t);
}

bool rxs__napi_complete_done(struct rxs_host *h, struct rxs_napi *napi, int work, uint64_t t)
{
	struct rxs_softnet_data *sd = &h->cpus[napi->cpu];

	(void)work;
	if (napi->missed) {
		/* An event came while we polled: the NAPI stays scheduled and goes back on the
		 * poll list at once (__napi_schedule), so its IRQ stays masked. */
		napi->missed = false;
		napi_list_add(&sd->poll_list, napi);
		if (!sd->in_net_rx_action)
			raise_net_rx(sd, t);
		return false;
	}
	napi->scheduled = false;
	return true;
}

/*
 * rps_trigger_softirq(): the IPI from CPU @from reaches @sd, whose backlog NAPI was marked
 * scheduled when the first packet was queued on it; now it goes on @sd's poll list. The
 * IPI is an interrupt on the target (charged like a hard IRQ), counted once per IPI.
 */
void rxs__rps_trigger_softirq(struct rxs_softnet_data *sd, uint64_t t)
{
	if (sd->now < t)
		sd->now = t;
	rxs__charge(sd, rxs__cost(sd->host, RXS_COST_HARDIRQ));
	sd->stat.received_rps++;
	napi_list_add(&sd->poll_list, &sd->backlog);
	if (!sd->in_net_rx_action)
		raise_net_rx(sd, sd->now);
}

void rxs__backlog_schedule(struct rxs_softnet_data *sd, uint64_t t)
{
	napi_list_add(&sd->poll_list, &sd->backlog);
	if (!sd->in_net_rx_action)
		raise_net_rx(sd, t);
}

/* net_rps_send_ipi(): the IPIs this CPU owes, in the order of its rps_ipi_list. An engine
 * with a thread per CPU posts them to the targets, whose threads take them. */
static void rps_send_ipis(struct rxs_softnet_data *sd)
{
	struct rxs_softnet_data *remsd;

	while ((remsd = sd->rps_ipi_list)) {
		sd->rps_ipi_list = remsd->rps_ipi_next;
		remsd->rps_ipi_next = NULL;
		if (!sd->host->engine->post_ipi(remsd))
			rxs__rps_trigger_softirq(remsd, sd->now);
	}
}

/* usecs_to_jiffies(): rounds up, as the kernel does. */
static uint64_t usecs_to_jiffies(const struct rxs_host *h, uint64_t usecs)
{
	uint64_t hz = h->hz;

	return (usecs * hz + 999999) / 1000000;
}

#define MIN_NAPI_ID 8193	/* NR_CPUS + 1 with NR_CPUS = 8192 */

void rxs__napi_poll_trace(struct rxs_softnet_data *sd, const struct rxs_napi *napi, int work,
			  int budget)
{
	struct rxs_host *h = sd->host;
	struct rxs_trace_event ev;
	struct rxs_tp_napi_poll *p = &ev.u.napi_poll;

	if (!rxs__tp_on(h, RXS_TP_NAPI_POLL))
		return;
	rxs__trace_event_init(&ev, RXS_TP_NAPI_POLL, sd->now, sd->cpu);
	p->napi = napi;
	p->work = work;
	p->budget = budget;
	p->dev_name = "(no_device)";
	if (napi != &sd->backlog && napi->dev) {
		unsigned int id = MIN_NAPI_ID;

		/* napi ids are handed out in the order the drivers register their queues. */
		for (unsigned int i = 0; i < h->ndevs && &h->devs[i] != napi->dev; i++)
			id += h->devs[i].nrxq;
		p->napi_id = id + napi->index;
		p->dev_name = napi->dev->cfg.name;
	}
	rxs__trace_emit(&h->trace, &ev);
}

/* napi_poll(): one ->poll() with the NAPI's weight; a NAPI that used all of it is repolled. */
static int napi_poll(struct rxs_softnet_data *sd, struct rxs_napi *n)
{
	int weight = n->weight;
	int work;

	sd->cpu_stats.napi_polls++;
	work = n->poll(n, weight);
	rxs__napi_poll_trace(sd, n, work, weight);
	if (work < weight)
		return work;
	/* The driver must not complete when it used its whole budget: it stays scheduled and
	 * goes to the end of the list, after NAPIs that have not had their turn. */
	napi_list_add(&sd->repoll, n);
	return work;
}

static void net_rx_action_start(struct rxs_softnet_data *sd)
{
	struct rxs_host *h = sd->host;
	int64_t usecs = h->softnet.sysctl_netdev_budget_usecs;
	uint64_t limit;

	sd->cpu_stats.softirqs++;
	rxs__charge(sd, rxs__cost(h, RXS_COST_SOFTIRQ));
	sd->budget = (int)h->softnet.sysctl_netdev_budget;
	/* time_limit = jiffies + usecs_to_jiffies(netdev_budget_usecs), kept as the time its
	 * jiffy begins: jiffies >= time_limit is then a comparison of times after each poll. */
	limit = rxs__jiffies(h, sd->now) + usecs_to_jiffies(h, (uint64_t)usecs);
	sd->time_limit_ns = limit * h->jiffy_ns;
	sd->running = true;
}

/* The kernel's "start:" label: take what is on the poll list now. */
static void net_rx_action_splice(struct rxs_softnet_data *sd)
{
	sd->in_net_rx_action = true;
	napi_list_splice_tail(&sd->poll_list, &sd->list);
}

/* The end of one invocation: what is left goes back on the poll list and re-raises. */
static void net_rx_action_end(struct rxs_softnet_data *sd)
{
	struct rxs_host *h = sd->host;
	uint64_t max_time_jiffies;

	sd->running = false;
	/* net_rps_action_and_irq_enable(): the backlogs this invocation filled on other CPUs
	 * get their IPIs now, at the end, in one batch. */
	rps_send_ipis(sd);
	/* Unpolled rest of the snapshot, then NAPIs scheduled meanwhile, then the repoll list. */
	napi_list_splice_tail(&sd->poll_list, &sd->list);
	napi_list_splice_tail(&sd->repoll, &sd->list);
	napi_list_splice_tail(&sd->list, &sd->poll_list);
	if (!sd->poll_list.head) {
		sd->in_net_rx_action = false;
		sd->restarts = 0;
		sd->in_ksoftirqd = false;
		return;
	}
	/* handle_softirqs() restarts a re-raised softirq up to MAX_SOFTIRQ_RESTART times within
	 * MAX_SOFTIRQ_TIME, then leaves the rest to ksoftirqd. No other task competes for the
	 * CPU in this model, so ksoftirqd runs at once; the hand-off is counted. */
	max_time_jiffies = (RXS_MAX_SOFTIRQ_TIME_MS * h->hz + 999) / 1000;
	if (!sd->in_ksoftirqd && (++sd->restarts >= RXS_MAX_SOFTIRQ_RESTART ||
				  rxs__jiffies(h, sd->now) >=
					  rxs__jiffies(h, sd->burst_start) + max_time_jiffies)) {
		sd->in_ksoftirqd = true;
		sd->cpu_stats.ksoftirqd_wakeups++;
	}
	raise_net_rx(sd, sd->now);
}

/* Poll the next NAPI of this invocation; NULL when the invocation has nothing left. */
static struct rxs_napi *net_rx_action_next(struct rxs_softnet_data *sd)
{
	struct rxs_napi *n = napi_list_pop(&sd->list);

	if (n || sd->repoll.head)
		return n;
	/* Snapshot and repoll empty: NAPIs scheduled while we ran (whose ____napi_schedule did
	 * not raise the softirq because in_net_rx_action was set) are taken now. */
	sd->in_net_rx_action = false;
	if (!sd->poll_list.head)
		return NULL;
	net_rx_action_splice(sd);
	return napi_list_pop(&sd->list);
}

void rxs__net_rx_action(struct rxs_softnet_data *sd, uint64_t t)
{
	struct rxs_host *h = sd->host;
	struct rxs_napi *n;
	uint64_t start;

	sd->softirq_pending = false;
	if (sd->now < t)
		sd->now = t;	/* the CPU was idle until now */
	start = sd->now;
	if (!sd->running && !sd->restarts)
		sd->burst_start = sd->now;
	if (!sd->running) {
		net_rx_action_start(sd);
		net_rx_action_splice(sd);
	}
	rxs__pump_arrivals(h, sd->now);
	n = net_rx_action_next(sd);
	if (!n) {
		net_rx_action_end(sd);
		goto out;
	}
	sd->budget -= napi_poll(sd, n);
	if (sd->budget <= 0 || sd->now >= sd->time_limit_ns) {
		sd->stat.time_squeeze++;
		if (sd->budget <= 0)
			sd->cpu_stats.squeeze_budget++;
		else
			sd->cpu_stats.squeeze_time++;
		net_rx_action_end(sd);
		goto out;
	}
	if (sd->list.head || (!sd->repoll.head && sd->poll_list.head)) {
		/* More to poll in this invocation: go on after this poll's CPU time, letting
		 * the NIC and the other CPUs catch up first. */
		sd->softirq_pending = true;
		h->engine->raise_softirq(sd, sd->now);
	} else {
		net_rx_action_end(sd);
	}
out:
	sd->cpu_stats.softirq_ns += sd->now - start;
}

int rxs__enqueue_to_backlog(struct rxs_host *h, struct rxs_sk_buff *skb, unsigned int cpu,
			    uint64_t t)
{
	return rxs__enqueue_to_backlog_from(h, skb, cpu, cpu, t);
}

/*
 * napi_schedule_rps(), once enqueue_to_backlog() marked @sd's backlog scheduled: the local
 * backlog goes on the poll list at once; a remote one is listed for an IPI, sent when this
 * CPU's net_rx_action ends (raised here if it is not running, as from netif_rx in process
 * context). A thread that is not @mysd's CPU (a veth NIC's, in an engine with a thread
 * per CPU) has the engine post it to the target instead.
 */
static void napi_schedule_rps(struct rxs_host *h, struct rxs_softnet_data *sd,
			      struct rxs_softnet_data *mysd, uint64_t t)
{
	if (h->engine->post_backlog(sd, mysd))
		return;
	if (sd == mysd) {
		rxs__backlog_schedule(sd, t);
		return;
	}
	sd->rps_ipi_next = mysd->rps_ipi_list;
	mysd->rps_ipi_list = sd;
	if (!mysd->in_net_rx_action)
		raise_net_rx(mysd, t);
}

int rxs__enqueue_to_backlog_from(struct rxs_host *h, struct rxs_sk_buff *skb, unsigned int cpu,
				 unsigned int this_cpu, uint64_t t)
{
	struct rxs_softnet_data *sd = &h->cpus[cpu], *mysd = &h->cpus[this_cpu];
	int64_t max_backlog = h->softnet.sysctl_netdev_max_backlog;
	bool drop, schedule = false;
	uint32_t qlen;

	/* The flow-limit table is this CPU's, but a veth NIC's thread enqueues for it too. */
	rxs__lock_acquire(&mysd->flow_limit_lock);
	rxs__lock_acquire(&sd->backlog_lock);
	/* The test is qlen <= max_backlog, so the queue holds max_backlog + 1 packets. The
	 * flow limit looks at the target's queue but keeps its history on this CPU. */
	qlen = sd->input_pkt_queue.qlen;
	drop = (int64_t)qlen > max_backlog || rxs__skb_flow_limit(mysd, skb, qlen, max_backlog);
	if (drop) {
		sd->stat.dropped++;
	} else {
		skb->cpu = cpu;		/* the protocol stack runs on the backlog's CPU */
		rxs__skb_queue_tail(&sd->input_pkt_queue, skb);
		schedule = !sd->backlog.scheduled;
		sd->backlog.scheduled = true;
	}
	rxs__lock_release(&sd->backlog_lock);
	rxs__lock_release(&mysd->flow_limit_lock);
	if (drop) {
		if (skb->dev)
			RXS_NETDEV_INC(skb->dev, rx_dropped);
		rxs_kfree_skb_reason(skb, RXS_DROP_CPU_BACKLOG);
		return -ENOBUFS;
	}
	if (schedule)
		napi_schedule_rps(h, sd, mysd, t);
	return 0;
}

/* What other CPUs queued on @sd's backlog and it has not taken yet (for traces). */
static uint32_t backlog_qlen(struct rxs_softnet_data *sd)
{
	uint32_t qlen;

	rxs__lock_acquire(&sd->backlog_lock);
	qlen = sd->input_pkt_queue.qlen;
	rxs__lock_release(&sd->backlog_lock);
	return qlen;
}

/* Move what was queued to the backlog onto the process queue: false, and the backlog NAPI
 * completes by clearing its state, when there was nothing. */
static bool backlog_refill(struct rxs_softnet_data *sd)
{
	bool more;

	rxs__lock_acquire(&sd->backlog_lock);
	more = sd->input_pkt_queue.qlen != 0;
	if (more) {
		rxs__skb_queue_splice_tail(&sd->input_pkt_queue, &sd->process_queue);
	} else {
		sd->backlog.scheduled = false;
		sd->backlog.missed = false;
	}
	rxs__lock_release(&sd->backlog_lock);
	return more;
}

/* process_backlog(): the per-CPU backlog's NAPI poll, weight dev_weight * dev_weight_rx_bias. */
static int process_backlog(struct rxs_napi *napi, int quota)
{
	struct rxs_softnet_data *sd = napi->owner;
	struct rxs_host *h = sd->host;
	struct rxs_sk_buff *skb;
	int work = 0;

	/* IPIs this CPU owes go out before it settles into its own backlog. */
	rps_send_ipis(sd);
	for (;;) {
		while ((skb = rxs__skb_dequeue(&sd->process_queue))) {
			RXS_TRACE_STAGE(sd, sd->now, skb, "process_backlog",
					"CPU %u's backlog (%u more waiting)", sd->cpu,
					sd->process_queue.qlen + backlog_qlen(sd));
			rxs__netif_receive_skb(skb);
			rxs__pump_arrivals(h, sd->now);
			if (++work >= quota)
				return work;
		}
		if (!backlog_refill(sd))
			return work;
	}
}

void rxs__softnet_set_weights(struct rxs_softnet_data *sd)
{
	struct rxs_host *h = sd->host;

	sd->backlog.weight = (int)(h->softnet.sysctl_dev_weight *
				   h->softnet.sysctl_dev_weight_rx_bias);
	if (sd->backlog.weight < 1)
		sd->backlog.weight = 1;
	/* flow_limit_cpu_bitmap is read once, like the sysctl write that sizes the tables;
	 * without memory for one, that CPU goes without a flow limit. */
	(void)rxs__flow_limit_init(sd);
}

/* ---- softnet_data as rxsim/softirq.h reads it ---- */

int rxs_softnet_get_stat(const struct rxs_host *h, unsigned int cpu, struct rxs_softnet_stat *st)
{
	const struct rxs_softnet_data *sd;

	if (cpu >= h->ncpus)
		return -EINVAL;
	sd = &h->cpus[cpu];
	*st = sd->stat;
	st->cpu = cpu;
	st->input_qlen = sd->input_pkt_queue.qlen;
	st->process_qlen = sd->process_queue.qlen;
	st->backlog_len = st->input_qlen + st->process_qlen;
	return 0;
}

uint32_t rxs_softnet_backlog_len(const struct rxs_host *h, unsigned int cpu)
{
	if (cpu >= h->ncpus)
		return 0;
	return h->cpus[cpu].input_pkt_queue.qlen + h->cpus[cpu].process_queue.qlen;
}
