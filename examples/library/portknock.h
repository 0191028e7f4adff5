/* portknock.h - a port-knocking filter as a netfilter hook function: a source must send TCP
 * SYNs to ports 7000, 8000 and 9000, in that order and within PORTKNOCK_WINDOW_NS, before a
 * SYN of its to port 22 is accepted; every other packet to TCP port 22 is dropped. Packets
 * to other ports pass. A knock to a wrong port starts the sequence over. */
#ifndef PORTKNOCK_H
#define PORTKNOCK_H

#include <stdint.h>

#include <rxsim/rxsim.h>

#define PORTKNOCK_SLOTS 1024			/* sources remembered (a hash table) */
#define PORTKNOCK_WINDOW_NS 10000000000ull	/* 10 s from the first knock */

struct portknock {
	struct {
		uint32_t saddr;			/* 0: free */
		uint8_t stage;			/* knocks done: 0..3, 3 = open */
		uint64_t first_ns;		/* time of the first knock */
	} slot[PORTKNOCK_SLOTS];
	uint64_t accepted, dropped;		/* packets to port 22 */
	struct rxs_nf_hook_ops ops;
};

/* Register @pk at LOCAL_IN, filter priority, on @h. 0 or a negative error. */
int portknock_register(struct portknock *pk, rxs_host_t *h);

/* The hook function (priv is the struct portknock). */
enum rxs_nf_verdict portknock_hook(void *priv, struct rxs_sk_buff *skb,
				   const struct rxs_nf_hook_state *state);

#endif /* PORTKNOCK_H */
