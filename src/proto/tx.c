/* tx.c - where the host's frames end: the user's transmit callback and the --tx capture.
 *
 * The capture names the device each frame left by, in the shape the path asks for
 * (rxs_tx_open_pcap()):
 *
 * - a pcapng file (a name ending in ".pcapng"): one interface per device, in the host's
 *   device order (ifindex), named as the device (if_name) with its MTU as the snap length,
 *   and every frame on the interface of the device it left by, as `tcpdump -i any` or
 *   dumpcap with several -i writes; Wireshark shows it as frame.interface_name;
 * - a directory (a path ending in '/'): one pcap per device that sends, DIR/NAME.pcap, as
 *   `tcpdump -i NAME -w` on each device would have written them, made at the device's first
 *   frame;
 * - any other path: one pcap with every device's frames, on one Ethernet link.
 *
 * A VLAN device's frames leave tagged by its NIC, and are written on the NIC's interface,
 * where tcpdump sees them. Timestamps are nanoseconds on the replayed capture's clock
 * (rxs__capture_time()), so the files line up with it.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "netdevice/netdevice.h"
#include "proto/proto.h"
#include "proto/proto_int.h"
#include "rxsim/proto.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define IF_NAME 2
#define IF_TSRESOL 9
#define LINKTYPE_ETHERNET 1
#define SNAPLEN 262144

static struct rxs_tx *tx_get(struct rxs_host *h)
{
	if (!h->inet.tx)
		h->inet.tx = rxs__calloc(1, sizeof(*h->inet.tx));
	return h->inet.tx;
}

int rxs_tx_set_cb(struct rxs_host *h, rxs_tx_fn fn, void *ctx)
{
	struct rxs_tx *tx = tx_get(h);

	if (!tx)
		return -ENOMEM;
	tx->fn = fn;
	tx->ctx = ctx;
	return 0;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && strcmp(s + n - m, tail) == 0;
}

/* ---- pcapng, host byte order (the SHB's magic says which) ---- */

static void ng_put(struct rxs_tx *tx, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, tx->ng) != n)
		tx->failed = true;
}

static void ng_put32(struct rxs_tx *tx, uint32_t v)
{
	ng_put(tx, &v, sizeof(v));
}

static void ng_opt(struct rxs_tx *tx, uint16_t code, const void *val, uint16_t len)
{
	static const uint8_t zero[4];

	ng_put(tx, &code, 2);
	ng_put(tx, &len, 2);
	ng_put(tx, val, len);
	ng_put(tx, zero, (4 - len % 4) % 4);
}

/* One Interface Description Block: Ethernet, named @name, nanosecond timestamps. */
static void ng_idb(struct rxs_tx *tx, const char *name)
{
	uint16_t nlen = (uint16_t)strnlen(name, 64);
	uint32_t total = 20 + 4 + (nlen + 3u) / 4 * 4 + 8 + 4;
	uint16_t lt = LINKTYPE_ETHERNET, reserved = 0;
	uint8_t res = 9;

	ng_put32(tx, BT_IDB);
	ng_put32(tx, total);
	ng_put(tx, &lt, 2);
	ng_put(tx, &reserved, 2);
	ng_put32(tx, SNAPLEN);
	ng_opt(tx, IF_NAME, name, nlen);
	ng_opt(tx, IF_TSRESOL, &res, 1);
	ng_put32(tx, 0);		/* opt_endofopt */
	ng_put32(tx, total);
}

static int open_pcapng(struct rxs_host *h, struct rxs_tx *tx, const char *path, char *err,
		       size_t errlen)
{
	const uint32_t shb[] = { BT_SHB, 28, 0x1A2B3C4D, 1u /* version 1.0 */, 0xffffffffu,
				 0xffffffffu /* section length unknown */, 28 };

	tx->ng = fopen(path, "wb");
	if (!tx->ng) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -EIO;
	}
	ng_put(tx, shb, sizeof(shb));
	for (unsigned int i = 0; i < h->ndevs; i++)
		if (!h->devs[i].real_dev)
			ng_idb(tx, h->devs[i].cfg.name);
	if (!h->ndevs)
		ng_idb(tx, "host");	/* a host of the library's tests may have none */
	return 0;
}

/* The interface of @dev in the pcapng: its place among the host's NICs. */
static uint32_t ng_ifid(const struct rxs_host *h, const struct rxs_netdev *dev)
{
	uint32_t id = 0;

	if (dev && dev->real_dev)
		dev = dev->real_dev;
	for (unsigned int i = 0; i < h->ndevs; i++) {
		if (h->devs[i].real_dev)
			continue;
		if (&h->devs[i] == dev)
			return id;
		id++;
	}
	return 0;	/* built without a device (the library's tests): the first */
}

static void ng_epb(struct rxs_tx *tx, uint32_t ifid, const uint8_t *f, uint32_t len,
		   uint64_t ts)
{
	static const uint8_t zero[4];
	uint32_t total = 32 + (len + 3) / 4 * 4;

	ng_put32(tx, BT_EPB);
	ng_put32(tx, total);
	ng_put32(tx, ifid);
	ng_put32(tx, (uint32_t)(ts >> 32));
	ng_put32(tx, (uint32_t)ts);
	ng_put32(tx, len);
	ng_put32(tx, len);
	ng_put(tx, f, len);
	ng_put(tx, zero, (4 - len % 4) % 4);
	ng_put32(tx, total);
}

/* ---- a pcap per device ---- */

static int open_dir(struct rxs_host *h, struct rxs_tx *tx, const char *path, char *err,
		    size_t errlen)
{
	struct stat st;

	if (stat(path, &st) != 0 && mkdir(path, 0777) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -EIO;
	}
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", path);
		return -EIO;
	}
	if (access(path, W_OK) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -EIO;
	}
	tx->dir = rxs__malloc(strlen(path) + 1);
	tx->dev_dumpers = rxs__calloc(h->ndevs + 1, sizeof(*tx->dev_dumpers));
	if (!tx->dir || !tx->dev_dumpers)
		return -ENOMEM;
	strcpy(tx->dir, path);
	return 0;
}

/* The dumper of @dev's file, made at its first frame; NULL when it cannot be written (the
 * run goes on, and the end of the run says so through rxs_tx_close()'s error). */
static pcap_dumper_t *dir_dumper(struct rxs_host *h, struct rxs_tx *tx,
				 const struct rxs_netdev *dev)
{
	unsigned int i = h->ndevs;
	char file[4096];

	if (dev && dev->real_dev)
		dev = dev->real_dev;
	if (dev && dev >= h->devs && dev < h->devs + h->ndevs)
		i = (unsigned int)(dev - h->devs);
	else
		dev = NULL;	/* not one of the host's (the library's own tests) */
	if (!tx->dev_dumpers[i] && !tx->failed) {
		snprintf(file, sizeof(file), "%s%s.pcap", tx->dir, dev ? dev->cfg.name : "host");
		tx->dev_dumpers[i] = pcap_dump_open(tx->dead, file);
		tx->failed = !tx->dev_dumpers[i];
	}
	return tx->dev_dumpers[i];
}

int rxs_tx_open_pcap(struct rxs_host *h, const char *path, char *err, size_t errlen)
{
	struct rxs_tx *tx = tx_get(h);
	int rc = 0;

	if (!tx)
		return -ENOMEM;
	if (tx->mode != RXS__TX_NONE)
		return -EBUSY;
	tx->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, SNAPLEN,
							PCAP_TSTAMP_PRECISION_NANO);
	if (!tx->dead)
		return -ENOMEM;
	if (ends_with(path, "/")) {
		tx->mode = RXS__TX_DIR;
		rc = open_dir(h, tx, path, err, errlen);
	} else if (ends_with(path, ".pcapng")) {
		tx->mode = RXS__TX_PCAPNG;
		rc = open_pcapng(h, tx, path, err, errlen);
	} else {
		tx->mode = RXS__TX_PCAP;
		tx->dumper = pcap_dump_open(tx->dead, path);
		if (!tx->dumper) {
			snprintf(err, errlen, "%s: %s", path, pcap_geterr(tx->dead));
			rc = -EIO;
		}
	}
	if (rc < 0)
		rxs__tx_close(h);
	return rc;
}

uint64_t rxs_tx_frames(const struct rxs_host *h)
{
	return h->inet.tx ? h->inet.tx->frames : 0;
}

void rxs__tx_close(struct rxs_host *h)
{
	struct rxs_tx *tx = h->inet.tx;

	if (!tx)
		return;
	if (tx->dumper)
		pcap_dump_close(tx->dumper);
	if (tx->ng)
		fclose(tx->ng);
	for (unsigned int i = 0; tx->dev_dumpers && i <= h->ndevs; i++)
		if (tx->dev_dumpers[i])
			pcap_dump_close(tx->dev_dumpers[i]);
	rxs__free(tx->dev_dumpers);
	rxs__free(tx->dir);
	if (tx->dead)
		pcap_close(tx->dead);
	rxs__free(tx);
	h->inet.tx = NULL;
}

void rxs__tx_frame(struct rxs_host *h, const struct rxs_netdev *dev, const uint8_t *f,
		   uint32_t len, uint64_t now)
{
	struct rxs_tx *tx = h->inet.tx;
	struct pcap_pkthdr ph = { .caplen = len, .len = len };
	pcap_dumper_t *d = NULL;

	if (tx->fn)
		tx->fn(tx->ctx, f, len, now);
	now = rxs__capture_time(h, now);
	ph.ts.tv_sec = (time_t)(now / 1000000000ull);
	ph.ts.tv_usec = (suseconds_t)(now % 1000000000ull);	/* ns: a nano dumper */
	switch (tx->mode) {
	case RXS__TX_PCAP:
		d = tx->dumper;
		break;
	case RXS__TX_DIR:
		d = dir_dumper(h, tx, dev);
		break;
	case RXS__TX_PCAPNG:
		ng_epb(tx, ng_ifid(h, dev), f, len, now);
		break;
	case RXS__TX_NONE:
		break;
	}
	if (d)
		pcap_dump((u_char *)d, &ph, f);
	tx->frames++;
}
