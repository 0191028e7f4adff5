/* sim_int.h - what the two engines of src/sim/ share. */
#ifndef RXSIM_SIM_INT_H
#define RXSIM_SIM_INT_H

#include "host.h"

void rxs__sources_start(struct rxs_host *h);
/* The source whose frame arrives first (the lowest index among equals), or NULL. */
static inline struct rxs_traffic *rxs__next_source(struct rxs_host *h)
{
	return h->next_src;
}
void rxs__source_advance(struct rxs_host *h, struct rxs_traffic *tr);
/* The same without electing the next source: a NIC thread of the threaded engine reads
 * its own source alone. */
void rxs__source_read(struct rxs_host *h, struct rxs_traffic *tr);
/* Open @tr's source from its cfg and dev: 0, or an error with a message in @err. */
int rxs__traffic_open(struct rxs_traffic *tr, char *err, size_t errlen);
void rxs__dispatch(struct rxs_host *h, const struct rxs_event *ev);

#endif /* RXSIM_SIM_INT_H */
