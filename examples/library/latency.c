/* latency.c - a tracepoint consumer: per socket, a histogram of the time from a datagram's
 * arrival at the NIC (its DMA) to its enqueue on the socket, and from that enqueue to the
 * application's read, as bcc's `hist` tools print them (power-of-two buckets).
 *
 * Two sockets receive the same UDP flood (100 kpps each): "fast" is read as soon as a
 * datagram is queued, "slow" in batches of 64 every millisecond, so its datagrams wait.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <rxsim/rxsim.h>

#define NSOCKS 2
#define FRAMES_PER_SOCK 2000
#define NBUCKETS 40

struct hist {
	uint64_t count[NBUCKETS];	/* bucket b: [2^b, 2^(b+1)) ns; bucket 0 also holds 0 */
	uint64_t n, sum;
};

struct latency {
	struct hist dma_to_queue[NSOCKS], queue_to_read[NSOCKS];
	uint64_t *queued_at;		/* by slot(skb->id) */
	size_t nids;
};

static void hist_add(struct hist *h, uint64_t ns)
{
	unsigned int b = 0;

	while (b + 1 < NBUCKETS && ns >> (b + 1))
		b++;
	h->count[b]++;
	h->n++;
	h->sum += ns;
}

static void hist_print(const struct hist *h, const char *title)
{
	uint64_t max = 0;
	int lo = -1, hi = -1;

	for (int b = 0; b < NBUCKETS; b++) {
		if (!h->count[b])
			continue;
		lo = lo < 0 ? b : lo;
		hi = b;
		max = h->count[b] > max ? h->count[b] : max;
	}
	printf("  %s: %" PRIu64 " datagrams, mean %" PRIu64 " ns\n", title, h->n,
	       h->n ? h->sum / h->n : 0);
	printf("  %22s : %-8s distribution\n", "nsecs", "count");
	for (int b = lo; b >= 0 && b <= hi; b++) {
		char stars[41];
		int w = (int)(h->count[b] * 40 / max);

		memset(stars, '*', (size_t)w);
		stars[w] = '\0';
		printf("  %10" PRIu64 " -> %-9" PRIu64 " : %-8" PRIu64 " |%-40s|\n",
		       b ? (uint64_t)1 << b : 0, ((uint64_t)1 << (b + 1)) - 1, h->count[b], stars);
	}
}

/* skb->id names a frame by its source and its 1-based number there: one slot each. */
static uint64_t slot(uint64_t id)
{
	return (uint64_t)rxs_frame_source(id) * (FRAMES_PER_SOCK + 1) + rxs_frame_number(id);
}

static void on_event(void *ctx, const struct rxs_trace_event *ev)
{
	struct latency *l = ctx;

	if (ev->tp == RXS_TP_SOCK_QUEUE) {
		const struct rxs_tp_sock_queue *q = &ev->u.sock_queue;
		uint64_t id = slot(q->skbaddr->id);

		if (q->sock < NSOCKS && id < l->nids) {
			hist_add(&l->dma_to_queue[q->sock], ev->time_ns - q->tstamp);
			l->queued_at[id] = ev->time_ns;
		}
	} else if (ev->tp == RXS_TP_SOCK_READ) {
		const struct rxs_tp_sock_read *r = &ev->u.sock_read;
		uint64_t id = slot(r->skbaddr->id);

		if (r->sock < NSOCKS && id < l->nids)
			hist_add(&l->queue_to_read[r->sock], ev->time_ns - l->queued_at[id]);
	}
}

static struct rxs_scenario *scenario(void)
{
	struct rxs_scenario *sc;
	struct rxs_nic_config *nic;

	if (rxs_scenario_create(&sc))
		return NULL;
	nic = rxs_scenario_add_nic(sc);
	rxs_addr_parse(&nic->addrs[nic->naddrs++], "10.0.0.2/24");
	for (int i = 0; i < NSOCKS; i++) {
		struct rxs_socket_config *so = rxs_scenario_add_socket(sc);
		struct rxs_traffic_config *tr = rxs_scenario_add_traffic(sc);

		snprintf(so->name, sizeof(so->name), i ? "slow" : "fast");
		so->port = (uint16_t)(5000 + i);
		so->rcvbuf = 4 << 20;
		if (i) {
			so->app.kind = RXS_APP_BATCH;
			so->app.batch = 64;
			so->app.every_ns = 1000000;
		}
		tr->kind = RXS_TRAFFIC_GENERATE;
		snprintf(tr->generator, sizeof(tr->generator), "udp_flood");
		tr->rate_pps = 100000;
		tr->count = FRAMES_PER_SOCK;
		tr->size = 128;
		tr->flows = 1;
		tr->dport = so->port;
	}
	return sc;
}

int main(void)
{
	struct rxs_scenario *sc = scenario();
	struct latency l = { .nids = NSOCKS * (FRAMES_PER_SOCK + 1) };
	rxs_host_t *h;
	char err[256];
	int rc, bad = 0;

	l.queued_at = calloc(l.nids, sizeof(*l.queued_at));
	if (!sc || !l.queued_at)
		return 1;
	rc = rxs_host_create(&h, sc, err, sizeof(err));
	rxs_scenario_free(sc);
	if (rc) {
		fprintf(stderr, "rxs_host_create: %s\n", err);
		return 1;
	}
	if (rxs_trace_register(h, RXS_TP_SOCK_QUEUE, on_event, &l) ||
	    rxs_trace_register(h, RXS_TP_SOCK_READ, on_event, &l))
		return 1;
	rc = rxs_host_run(h);
	if (rc) {
		fprintf(stderr, "run: %s\n", rxs_host_errmsg(h));
		return 1;
	}
	for (unsigned int s = 0; s < NSOCKS; s++) {
		struct rxs_socket_info si;

		rxs_socket_get_info(rxs_socket_get(h, s), &si);
		printf("socket %s (%s): queued %" PRIu64 ", read %" PRIu64 "\n", si.name, si.local,
		       l.dma_to_queue[s].n, l.queue_to_read[s].n);
		hist_print(&l.dma_to_queue[s], "NIC arrival (DMA) -> socket enqueue");
		hist_print(&l.queue_to_read[s], "socket enqueue -> application read");
		/* Every datagram queued was read, and the tracepoints saw what ss counts. */
		if (l.dma_to_queue[s].n != FRAMES_PER_SOCK || l.queue_to_read[s].n != si.delivered ||
		    si.delivered != FRAMES_PER_SOCK)
			bad = 1;
	}
	/* The batch reader makes its datagrams wait; the one that keeps up does not. */
	if (l.queue_to_read[1].sum / FRAMES_PER_SOCK <= l.queue_to_read[0].sum / FRAMES_PER_SOCK)
		bad = 1;
	rxs_host_destroy(h);
	free(l.queued_at);
	if (bad)
		fprintf(stderr, "latency: the tracepoints do not add up\n");
	return bad;
}
