/* tap.c - packet sockets on the ptype_all list: tcpdump's view of the receive path.
 *
 * A tap models an AF_PACKET socket with a PACKET_RX_RING, as libpcap opens it: tpacket_rcv()
 * runs the socket filter, and a frame the filter accepts is counted in tp_packets and then needs
 * a free frame of the ring; with none free it is counted in tp_drops instead (TP_STATUS_LOSING).
 * The reader (tcpdump) is a periodic one: at every multiple of drain_ns virtual nanoseconds it
 * hands every frame back. Only how many frames are taken matters for drops, so the ring is a
 * counter; the bytes of a captured frame go straight to the pcap file, which holds the same
 * frames in the same order as if the reader had written them at its next wake-up.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "rxsim/bpf.h"
#include "rxsim/error.h"
#include "host.h"
#include "internal.h"
#include "cbpf.h"
#include "rxsim/hooks.h"

struct rxs_tap {
	char *name;
	struct rxs_bpf_prog prog;
	struct rxs__cbpf fast;		/* prog decoded for the hot path */
	unsigned int ring_frames;
	unsigned int ring_used;		/* frames taken and not yet handed back by the reader */
	uint64_t drain_ns;		/* the reader's period, 0 = it keeps up */
	uint64_t reader_wakeups;	/* t / drain_ns at the latest frame: periods elapsed */
	pcap_t *dead;			/* the handle libpcap's dumper writes through */
	pcap_dumper_t *dumper;
	struct rxs_tap_stats st;
	unsigned int direction;		/* RXS_TAP_IN | RXS_TAP_OUT */
};

static void set_err(char *err, size_t errlen, const char *fmt, const char *arg)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, arg);
}

/* Open @path for writing as tcpdump -w does: microsecond pcap, Ethernet, snap length 262144. */
static int open_dumper(struct rxs_tap *tap, const char *path, char *err, size_t errlen)
{
	int rc;

	tap->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, RXS_BPF_SNAPLEN,
							 PCAP_TSTAMP_PRECISION_MICRO);
	if (!tap->dead)
		return -ENOMEM;
	errno = 0;
	tap->dumper = pcap_dump_open(tap->dead, path);
	if (!tap->dumper) {
		/* fopen's errno says why (ENOENT, EACCES...); libpcap's message names the file. */
		rc = errno > 0 ? -errno : -EIO;
		set_err(err, errlen, "tap output: %s", pcap_geterr(tap->dead));
		return rc;
	}
	return 0;
}

int rxs_tap_create(rxs_tap_t **tapp, const char *name, const char *filter,
		   unsigned int ring_frames, uint64_t drain_ns, const char *write_path,
		   char *err, size_t errlen)
{
	struct rxs_tap *tap;
	int rc;

	*tapp = NULL;
	if (!name || ring_frames == 0) {
		set_err(err, errlen, "%s", !name ? "tap: no name" : "tap: ring_frames is 0");
		return -EINVAL;
	}
	tap = rxs__calloc(1, sizeof(*tap));
	if (!tap)
		return -ENOMEM;
	tap->ring_frames = ring_frames;
	tap->drain_ns = drain_ns;
	tap->name = rxs__strdup(name);
	rc = tap->name ? rxs_bpf_compile(&tap->prog, filter, err, errlen) : -ENOMEM;
	if (rc == 0)
		rc = rxs__cbpf_prepare(&tap->fast, tap->prog.insns, tap->prog.len);
	if (rc == 0 && write_path)
		rc = open_dumper(tap, write_path, err, errlen);
	if (rc != 0) {
		rxs_tap_destroy(tap);
		return rc;
	}
	*tapp = tap;
	return 0;
}

int rxs_tap_attach_prog(rxs_tap_t *tap, const struct rxs_bpf_insn *insns, unsigned int len)
{
	struct rxs_bpf_insn *copy;

	int rc;

	if (!tap || rxs_bpf_validate(insns, len) != 0)
		return -EINVAL;
	copy = rxs__calloc(len, sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	rc = rxs__cbpf_prepare(&tap->fast, insns, len);
	if (rc != 0) {
		rxs__free(copy);
		return rc;
	}
	memcpy(copy, insns, len * sizeof(*copy));
	rxs_bpf_free(&tap->prog);
	tap->prog.insns = copy;
	tap->prog.len = len;
	return 0;
}

int rxs_tap_flush(rxs_tap_t *tap)
{
	if (tap->dumper && pcap_dump_flush(tap->dumper) != 0)
		return -EIO;
	return 0;
}

void rxs_tap_destroy(rxs_tap_t *tap)
{
	if (!tap)
		return;
	if (tap->dumper)
		pcap_dump_close(tap->dumper);
	if (tap->dead)
		pcap_close(tap->dead);
	rxs_bpf_free(&tap->prog);
	rxs__cbpf_free(&tap->fast);
	rxs__free(tap->name);
	rxs__free(tap);
}

/* Take a ring frame for a packet arriving at @t_ns; false when all are in use. The reader woke
 * and emptied the ring if a multiple of drain_ns passed since the previous packet. */
static bool ring_take(struct rxs_tap *tap, uint64_t t_ns)
{
	uint64_t wakeups;

	if (tap->drain_ns == 0)
		return true;
	wakeups = t_ns / tap->drain_ns;
	if (wakeups > tap->reader_wakeups) {
		tap->reader_wakeups = wakeups;
		tap->ring_used = 0;
	}
	if (tap->ring_used >= tap->ring_frames)
		return false;
	tap->ring_used++;
	return true;
}

static void write_frame(struct rxs_tap *tap, const uint8_t *frame, uint32_t caplen, uint32_t len,
			uint64_t t_ns)
{
	struct pcap_pkthdr h;

	h.ts.tv_sec = (time_t)(t_ns / 1000000000u);
	h.ts.tv_usec = (suseconds_t)(t_ns % 1000000000u / 1000u);
	h.caplen = caplen;
	h.len = len;
	pcap_dump((u_char *)tap->dumper, &h, frame);
}

bool rxs_tap_rcv(rxs_tap_t *tap, const uint8_t *frame, uint32_t len, uint64_t t_ns)
{
	uint32_t snap = rxs__cbpf_run(&tap->fast, frame, len, len);

	/* A rejected frame is not the socket's business: no count, no copy (run_filter). */
	if (snap == 0) {
		tap->st.filtered_out++;
		return false;
	}
	tap->st.tp_packets++;
	if (!ring_take(tap, t_ns)) {
		tap->st.tp_drops++;
		return true;
	}
	tap->st.captured++;
	/* The filter's answer is the snap length (tpacket_rcv's snaplen), bounded by the frame
	 * and by the file's own snap length. */
	snap = RXS_MIN(snap, len);
	if (tap->dumper)
		write_frame(tap, frame, RXS_MIN(snap, (uint32_t)RXS_BPF_SNAPLEN), len, t_ns);
	return true;
}

void rxs_tap_get_stats(const rxs_tap_t *tap, struct rxs_tap_stats *st)
{
	if (tap)
		*st = tap->st;
	else
		memset(st, 0, sizeof(*st));
}

const char *rxs_tap_name(const rxs_tap_t *tap)
{
	return tap ? tap->name : NULL;
}

void rxs_tap_set_direction(rxs_tap_t *tap, unsigned int direction)
{
	tap->direction = direction ? direction : RXS_TAP_INOUT;
}

bool rxs_tap_wants(const rxs_tap_t *tap, unsigned int direction)
{
	return (tap->direction ? tap->direction : RXS_TAP_INOUT) & direction;
}

/* ---- the host's taps (rxs_tap_add, rxs_tap_get: include/rxsim/bpf.h) ----
 * The scenario's taps and these share the host's array (h->taps), which the path's
 * dev_queue_xmit_nit()/deliver to ptype_all walk; the tap object above knows no host. */

int rxs_tap_add(struct rxs_host *h, const struct rxs_tap_config *cfg, char *err, size_t errlen)
{
	struct rxs_tap **taps;
	char dummy[8];
	int rc;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (!cfg) {
		snprintf(err, errlen, "no tap configuration");
		return -EINVAL;
	}
	taps = rxs__realloc(h->taps, (h->ntaps + 1) * sizeof(*taps));
	if (!taps) {
		snprintf(err, errlen, "%s", rxs_strerror(-ENOMEM));
		return -ENOMEM;
	}
	h->taps = taps;
	rc = rxs_tap_create(&taps[h->ntaps], cfg->name, cfg->filter ? cfg->filter : "",
			    cfg->ring_frames ? cfg->ring_frames : 4096, 0, cfg->write, err, errlen);
	if (rc)
		return rc;
	rxs_tap_set_direction(taps[h->ntaps], cfg->direction);
	return (int)h->ntaps++;
}

unsigned int rxs_tap_count(const struct rxs_host *h)
{
	return h ? h->ntaps : 0;
}

rxs_tap_t *rxs_tap_get(const struct rxs_host *h, unsigned int index)
{
	return h && index < h->ntaps ? h->taps[index] : NULL;
}

int rxs_tap_set_filter(rxs_tap_t *tap, const char *expr, char *err, size_t errlen)
{
	struct rxs_bpf_prog prog = { 0 };
	int rc;

	if (errlen)
		err[0] = '\0';
	if (!tap) {
		if (errlen)
			snprintf(err, errlen, "no tap");
		return -EINVAL;
	}
	rc = rxs_bpf_compile(&prog, expr, err, errlen);
	if (!rc)
		rc = rxs_tap_attach_prog(tap, prog.insns, prog.len);
	rxs_bpf_free(&prog);
	return rc;
}
