/* server.c - application threads against the threaded engine: two workers block in recv()
 * on one UDP socket while ksoftirqd/0 and ksoftirqd/1 fill it, on the real clock.
 *
 *   cc server.c $(pkg-config --cflags --libs rxsim) -lpthread -o server && ./server
 *
 * The host runs its own threads (one per CPU, one per traffic source, one for timers);
 * between rxs_host_start_threaded() and rxs_host_wait_threaded() the program's threads may
 * only wait in the *_wait() calls and free what they received.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <rxsim/rxsim.h>

#define DATAGRAMS 4000

static const char scenario[] =
	"host: { cpus: 2 }\n"
	"nics:\n"
	"  - { name: eth0, addresses: [10.0.0.2/24], rx_queues: 2, ring_size: 4096,\n"
	"      rss: { udp_4tuple: true } }\n"
	"sockets:\n"
	"  - { name: dns, proto: udp, bind: '0.0.0.0:53', rcvbuf: 4194304,\n"
	"      app: { read: never } }\n"		/* the workers below are the application */
	"traffic:\n"
	"  - { generate: udp_flood, rate: 20kpps, flows: 32, count: 4000, dport: 53 }\n"
	"run: { until: end+50ms }\n";

struct worker {
	rxs_socket_t *sock;
	unsigned int got;
	uint64_t bytes;
};

/* recvfrom() in a loop; a quiet second or the end of the run ends it. */
static void *worker_main(void *p)
{
	struct worker *w = p;
	struct rxs_sk_buff *skb;

	while (rxs_socket_recv_wait(w->sock, &skb, 1000000000ull) == 0) {
		w->got++;
		w->bytes += skb->len - 8;	/* skb->data is at the UDP header */
		rxs_consume_skb(skb);
	}
	return NULL;
}

int main(void)
{
	struct rxs_scenario *sc = NULL;
	struct worker w[2];
	pthread_t t[2];
	struct rxs_conservation c;
	rxs_host_t *h = NULL;
	char err[256];
	int rc;

	if (rxs_scenario_parse(&sc, scenario, strlen(scenario), "server.yaml", NULL, err,
			       sizeof(err)) ||
	    rxs_host_create(&h, sc, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	rxs_scenario_free(sc);

	/* Start the engine first, then the workers, then wait for the run to end. */
	rc = rxs_host_start_threaded(h, false);
	if (rc) {
		fprintf(stderr, "rxs_host_start_threaded: %s\n", rxs_strerror(rc));
		return 1;
	}
	for (int i = 0; i < 2; i++) {
		w[i] = (struct worker){ rxs_socket_lookup(h, "dns"), 0, 0 };
		pthread_create(&t[i], NULL, worker_main, &w[i]);
	}
	rc = rxs_host_wait_threaded(h);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	if (rc) {
		fprintf(stderr, "run: %s\n", rxs_strerror(rc));
		return 1;
	}

	/* After the run the host is the program's again: read it as usual. */
	for (int i = 0; i < 2; i++)
		printf("worker %d: %u datagrams, %" PRIu64 " bytes\n", i, w[i].got, w[i].bytes);
	for (unsigned int cpu = 0; cpu < rxs_host_ncpus(h); cpu++) {
		struct rxs_softnet_stat st;

		rxs_softnet_get_stat(h, cpu, &st);
		printf("ksoftirqd/%u: processed %u, time_squeeze %u\n", cpu, st.processed,
		       st.time_squeeze);
	}
	rc = rxs_host_conservation(h, &c);
	printf("offered %" PRIu64 " = consumed %" PRIu64 " + dropped %" PRIu64 " + queued %" PRIu64
	       "\n", c.offered, c.consumed, c.dropped, c.queued);
	rxs_host_destroy(h);
	/* Not overloaded: everything offered was read by the two workers. */
	return rc == 0 && c.offered == DATAGRAMS && w[0].got + w[1].got == DATAGRAMS ? 0 : 1;
}
