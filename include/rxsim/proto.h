/* rxsim/proto.h - what the host's protocols send: SYN-ACKs, ACKs, RSTs, ICMP errors.
 *
 * rxsim models the receive path; what the host transmits in answer leaves through
 * ip_output() (src/proto/ip_output.c), passes the output hooks and the taps that see
 * outgoing frames, and then can be written to a pcap or handed to a callback, so both
 * directions can be checked (in Wireshark, or in a unit test).
 */
#ifndef RXSIM_PROTO_H
#define RXSIM_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rxsim/export.h"

struct rxs_host;

/* Write every frame the host sends to @path (nanoseconds, DLT_EN10MB), stamped with the
 * virtual time it is sent at: a name ending in ".pcapng" gets one interface per device, named
 * as the device, each frame on the one it left by; a path ending in '/' is a directory (made
 * if missing) with a pcap per device that sends, PATH/NAME.pcap; any other, one pcap. 0,
 * -EBUSY (already open), -ENOMEM or -EIO with @err set. */
RXS_API int rxs_tx_open_pcap(struct rxs_host *h, const char *path, char *err, size_t errlen);

/* Callback for every frame the host sends, as it would go on the wire, at virtual time
 * @t_ns (the transmit tap of a library user: check replies in unit tests). */
typedef void (*rxs_tx_fn)(void *ctx, const uint8_t *frame, uint32_t len, uint64_t t_ns);

/* Set the transmit callback (NULL: none). 0 or -ENOMEM. */
RXS_API int rxs_tx_set_cb(struct rxs_host *h, rxs_tx_fn fn, void *ctx);

/* Frames the host has sent. */
RXS_API uint64_t rxs_tx_frames(const struct rxs_host *h);

/* ICMP (@family AF_INET) or ICMPv6 (AF_INET6) messages of @type the host received (@out
 * false) or sent (@out true): the IcmpMsg InTypeN and OutTypeN counters of /proc/net/snmp and
 * the Icmp6InTypeN and Icmp6OutTypeN of /proc/net/snmp6, which the kernel lists for the types
 * it has seen. */
RXS_API uint64_t rxs_host_icmpmsg(const struct rxs_host *h, int family, bool out,
				  unsigned int type);

/* The neighbour table's counters, as /proc/net/stat/arp_cache names them, and rxsim's. */
struct rxs_neigh_stat {
	bool loaded;			/* the host has a neighbour table (neighbours:) */
	uint64_t entries;		/* entries made (none is ever removed) */
	uint64_t allocs;
	uint64_t lookups;		/* rxsim: a forwarded packet looked its next hop up */
	uint64_t hits;			/* rxsim: ... and found an address */
	uint64_t res_failed;		/* resolutions that ran out of solicitations */
	uint64_t unresolved_discards;	/* packets the full arp_queue dropped */
	uint64_t solicits;		/* rxsim: ARP requests sent */
	uint64_t queued;		/* rxsim: packets waiting for an address now */
};

/* @h's neighbour table counters (all 0 without a table). */
RXS_API void rxs_neigh_get_stat(const struct rxs_host *h, struct rxs_neigh_stat *st);

#endif /* RXSIM_PROTO_H */
