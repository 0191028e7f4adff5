/* rxsim/sim.h - a simulated host: build it from a scenario, run it, read what happened.
 *
 * This header holds the host's life and what is host-wide; each module's own calls on a
 * host are in its header (a NIC's in nic.h, a CPU's softnet_data in softirq.h, sockets in
 * socket.h, taps in bpf.h, what the host sends in proto.h, its rule set in netfilter.h).
 *
 * The virtual engine is a deterministic discrete-event simulation in virtual nanoseconds:
 * the same scenario and traffic give the same counters, bit for bit. Time 0 is the first
 * frame of the traffic.
 *
 * Thread safety: a host is driven by one thread at a time. No call on a host (reading its
 * counters included) may run while another call on the same host runs in another thread;
 * callbacks (samplers, kfree, tx, hooks, tracepoints) run inside rxs_host_run*() and
 * rxs_host_inject(), on the calling thread. Two hosts in one process share nothing and may
 * run in two threads at once. The module headers' calls that take a host or a handle it
 * gave (nic.h, softirq.h, socket.h, bpf.h, proto.h, netfilter.h, hooks.h) are calls on the
 * host; the others act only on the objects they are given, under the same rule; rxs_strerror(),
 * rxs_mib_name(), rxs_drop_reason_name() and rxs_version() are thread-safe;
 * rxs_replace_allocator() must be called before any other thread uses rxsim.
 *
 * The threaded engine is the exception: between rxs_host_start_threaded() and
 * rxs_host_wait_threaded() the host belongs to its threads. Application threads may call
 * the reading calls of rxsim/socket.h (rxs_socket_recv_wait() and the like) and free the skbs
 * they got (rxs_consume_skb(), rxs_kfree_skb_reason()); nothing else may touch the host
 * until rxs_host_wait_threaded() returns. Hooks and tracepoints then run on the engine's
 * threads, one at a time (under the host lock).
 */
#ifndef RXSIM_SIM_H
#define RXSIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rxsim/config.h"
#include "rxsim/error.h"
#include "rxsim/export.h"
#include "rxsim/nic.h"
#include "rxsim/skb.h"
#include "rxsim/stats.h"

typedef struct rxs_host rxs_host_t;

/* Build a host from @sc, which it copies (the caller keeps @sc). Opens the traffic files.
 * 0, or a negative error with a message in @err (naming the file). */
RXS_API int rxs_host_create(rxs_host_t **hostp, const struct rxs_scenario *sc, char *err,
			    size_t errlen);

/* Free @h and everything still queued in it. NULL is a no-op. */
RXS_API void rxs_host_destroy(rxs_host_t *h);

/* Run the scenario to its run.until. 0, or a negative error: rxs_host_errmsg() says what
 * (for a broken capture, the file and packet number); counters keep what was done. */
RXS_API int rxs_host_run(rxs_host_t *h);

/* The threaded engine: run the scenario with one thread per simulated CPU (ksoftirqd/N), a
 * NIC thread per traffic source replaying it at its timestamps' pace (or as fast as it can with
 * @top_speed) and a timer thread, against the real clock, until run.until (real time). The
 * path is serialised by one host lock in this version: the threads interleave like CPUs,
 * the counters and conservation are exact, but there is no parallel speed-up yet. Not
 * deterministic. Call instead of rxs_host_run(), once. 0, -EBUSY or a negative error.
 * It is rxs_host_start_threaded() then rxs_host_wait_threaded(); start, create your
 * application threads, then wait, when they must be blocked in recv before traffic flows. */
RXS_API int rxs_host_run_threaded(rxs_host_t *h, bool top_speed);
RXS_API int rxs_host_start_threaded(rxs_host_t *h, bool top_speed);
RXS_API int rxs_host_wait_threaded(rxs_host_t *h);
/* Whether @h was started on the threaded engine (its time is then real time). */
RXS_API bool rxs_host_is_threaded(const rxs_host_t *h);

/* Run one step: the next frame's arrival (with every frame due at the same instant) or the
 * next event (a softirq's NAPI poll, an IRQ, a timer, an application's read). 1 when a step
 * ran, 0 when nothing is left, or a negative error. For watching the path move. */
RXS_API int rxs_host_step(rxs_host_t *h);

/* Ask a run in progress to end after the event it is running: async-signal-safe (it only
 * sets a flag), so a SIGINT handler may call it. The run then returns -EINTR; everything
 * done so far stays counted and conservation holds. */
RXS_API void rxs_host_stop(rxs_host_t *h);

/* Run events up to virtual time @t (ns). 0 or a negative error. */
RXS_API int rxs_host_run_until(rxs_host_t *h, uint64_t t);

/* Offer one Ethernet frame of @len bytes to NIC @nic at virtual time @t (not before the
 * current time). 0, -EINVAL (no such NIC, time in the past) or -ENOMEM. */
RXS_API int rxs_host_inject(rxs_host_t *h, unsigned int nic, const uint8_t *frame, uint32_t len,
			    uint64_t t);

/* Current virtual time in ns. */
RXS_API uint64_t rxs_host_now(const rxs_host_t *h);

/* How far the traffic files are read: bytes read so far and their total size, summed over
 * the traffic sources, for a progress line. 0, or -ENOTSUP when a source is not a file of
 * known size (generated traffic, a pipe); then both are 0. */
RXS_API int rxs_host_progress(const rxs_host_t *h, uint64_t *bytes_read, uint64_t *bytes_total);

/* Message of the last failed call, "" if none. */
RXS_API const char *rxs_host_errmsg(const rxs_host_t *h);

/* The scenario the host runs (its own copy). */
RXS_API const struct rxs_scenario *rxs_host_scenario(const rxs_host_t *h);

/* ---- counters: plain structs, summed over CPUs where the kernel sums them ---- */

/* SNMP counter @mib summed over CPUs (what nstat shows). */
RXS_API uint64_t rxs_host_mib(const rxs_host_t *h, enum rxs_mib mib);

/* Simulated CPUs of @h. */
RXS_API unsigned int rxs_host_ncpus(const rxs_host_t *h);

/* CPU @cpu's time and interrupt counters. 0 or -EINVAL. */
RXS_API int rxs_host_cpu_stats(const rxs_host_t *h, unsigned int cpu, struct rxs_cpu_stats *st);

/* What traffic source @i of @h read: its file (or generator), its `checksums` setting and
 * what that changed, and how many of its records were the host's own frames of a two-way
 * capture (sent by the host's MAC), skipped and not replayed. */
struct rxs_traffic_info {
	const char *name;		/* the file, or the generator's name */
	enum rxs_checksums checksums;
	struct rxs_source_stats source;	/* records read, checksums changed (csum_*) */
	uint64_t own_frames;
	uint64_t first_ts_ns;		/* capture timestamp of its first replayed frame */
	const char *format;		/* "pcap", "pcapng" or "generated" */
	int linktype;			/* DLT of the file (its first interface), -1 unknown;
					 * a generator's frames are Ethernet, 1 */
	char linktype_name[32];		/* "EN10MB", as pcap_datalink_val_to_name() names it */
};
RXS_API unsigned int rxs_host_ntraffic(const rxs_host_t *h);
/* 0, or -EINVAL when @i is out of range. */
RXS_API int rxs_host_traffic_info(const rxs_host_t *h, unsigned int i,
				  struct rxs_traffic_info *info);

/* The capture's own clock at virtual time @t: time 0 is the first traffic source's first
 * replayed frame, at its timestamp in the file (less the source's `start`), so what rxsim
 * writes (drops.pcapng, --tx) carries the capture's dates. @t itself before any frame. */
RXS_API uint64_t rxs_host_capture_time(const rxs_host_t *h, uint64_t t);

/* Drops by reason, RXS_DROP_MAX entries (index 0 and RXS_DROP_CONSUMED unused). */
RXS_API void rxs_host_drop_reasons(const rxs_host_t *h, uint64_t reasons[RXS_DROP_MAX]);

/* The drops of packets of class @cls by reason: over every class, rxs_host_drop_reasons(). */
RXS_API void rxs_host_drop_reasons_class(const rxs_host_t *h, enum rxs_pkt_class cls,
					 uint64_t reasons[RXS_DROP_MAX]);

/* Offered frames of class @cls whose life has ended, consumed or dropped: what reached the
 * protocol when the kernel keeps no counter of its own (ARP). 0 for a bad @cls. */
RXS_API uint64_t rxs_host_ended_class(const rxs_host_t *h, enum rxs_pkt_class cls);

/* offered, consumed, dropped, and queued (counted by walking every queue). Returns 0 when
 * offered == consumed + dropped + queued, RXS_ECONSERVATION otherwise. */
RXS_API int rxs_host_conservation(const rxs_host_t *h, struct rxs_conservation *c);

/* Callback at every counted end of a packet's life (the skb:kfree_skb and skb:consume_skb
 * tracepoints); @reason is RXS_DROP_CONSUMED for a consume. The skb is read-only and valid
 * only during the call. */
typedef void (*rxs_kfree_skb_fn)(void *ctx, const struct rxs_sk_buff *skb,
				 enum rxs_drop_reason reason);
/* Set the one kfree callback (NULL: none); rxs_trace_register(RXS_TP_KFREE_SKB) allows
 * several. */
RXS_API void rxs_host_set_kfree_skb_cb(rxs_host_t *h, rxs_kfree_skb_fn fn, void *ctx);

/* Callback for frames dropped before they became an skb (MAC filter, length errors, full
 * ring): the frame as the NIC saw it, at virtual time @t_ns. */
typedef void (*rxs_frame_drop_fn)(void *ctx, const uint8_t *frame, uint32_t len, uint64_t t_ns,
				  enum rxs_drop_reason reason);
/* Set the callback for frames dropped before an skb existed (NULL: none). */
RXS_API void rxs_host_set_frame_drop_cb(rxs_host_t *h, rxs_frame_drop_fn fn, void *ctx);
/* Inside the frame-drop callback: the id of the frame it is told of (RXS_FRAME_ID()). */
RXS_API uint64_t rxs_host_frame_drop_id(const rxs_host_t *h);

/* Call @fn every @interval_ns of virtual time while the host runs (the first call at
 * @interval_ns), to sample queues and counters for time series. @fn must only read the host.
 * interval 0 or fn NULL turns sampling off. 0 or -EINVAL. */
typedef void (*rxs_sample_fn)(void *ctx, const rxs_host_t *h, uint64_t t_ns);
/* Sample every @interval_ns with @fn (see above). 0 or -EINVAL. */
RXS_API int rxs_host_set_sampler(rxs_host_t *h, uint64_t interval_ns, rxs_sample_fn fn, void *ctx);

#endif /* RXSIM_SIM_H */
