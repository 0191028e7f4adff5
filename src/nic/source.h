/* nic/source.h - what the rest of the library reads of a traffic source beyond rxsim/nic.h:
 * for reports and the progress line. The sources' internals are source_int.h, nic's own. */
#ifndef RXSIM_NIC_SOURCE_H
#define RXSIM_NIC_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "rxsim/nic.h"

/* @src's progress through its file: 0, or -ENOTSUP when it has no file or no known size. */
int rxs__source_progress(const rxs_source_t *src, uint64_t *done, uint64_t *total);

/* What @src reads: "pcap" or "pcapng" with its link type in *@linktype (-1 until a pcapng's
 * first interface is read), or NULL for a generator (*@linktype untouched). */
const char *rxs__source_format(const rxs_source_t *src, int *linktype);

/* "<name> (<n>)" for @lt, from pcap_datalink_val_to_name(), into @buf. */
const char *rxs__linktype_name(uint32_t lt, char *buf, size_t len);

#endif /* RXSIM_NIC_SOURCE_H */
