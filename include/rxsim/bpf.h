/* rxsim/bpf.h - classic BPF (compile, check, run) and packet taps: the AF_PACKET sockets that
 * tcpdump opens, sitting on the ptype_all list.
 *
 * A program is what tcpdump hands the kernel with SO_ATTACH_FILTER: classic BPF compiled by
 * libpcap's pcap_compile, checked as bpf_check_classic checks it, and run with exactly the
 * results of libpcap's bpf_filter (pcap_offline_filter). A tap runs its program on each frame it
 * is offered, then copies what it accepts into a receive ring of fixed size (TPACKET), counting
 * tp_packets and tp_drops as getsockopt(PACKET_STATISTICS) reports them.
 */
#ifndef RXSIM_BPF_H
#define RXSIM_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rxsim/export.h"

/* Same layout as the kernel's struct sock_filter and libpcap's struct bpf_insn. */
struct rxs_bpf_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

struct rxs_bpf_prog {
	struct rxs_bpf_insn *insns;
	unsigned int len;
};

#define RXS_BPF_MAXINSNS	4096	/* BPF_MAXINSNS: the longest program the kernel takes */
#define RXS_BPF_MEMWORDS	16	/* scratch memory M[0..15] */
#define RXS_BPF_SNAPLEN		262144	/* tcpdump's default snap length, used by compile */

/* Opcodes, with the values of <linux/filter.h> and <pcap/bpf.h>, so users need neither. */
#define RXS_BPF_LD	0x00	/* classes */
#define RXS_BPF_LDX	0x01
#define RXS_BPF_ST	0x02
#define RXS_BPF_STX	0x03
#define RXS_BPF_ALU	0x04
#define RXS_BPF_JMP	0x05
#define RXS_BPF_RET	0x06
#define RXS_BPF_MISC	0x07
#define RXS_BPF_W	0x00	/* load sizes */
#define RXS_BPF_H	0x08
#define RXS_BPF_B	0x10
#define RXS_BPF_IMM	0x00	/* load modes */
#define RXS_BPF_ABS	0x20
#define RXS_BPF_IND	0x40
#define RXS_BPF_MEM	0x60
#define RXS_BPF_LEN	0x80
#define RXS_BPF_MSH	0xa0
#define RXS_BPF_ADD	0x00	/* ALU and jump operations */
#define RXS_BPF_SUB	0x10
#define RXS_BPF_MUL	0x20
#define RXS_BPF_DIV	0x30
#define RXS_BPF_OR	0x40
#define RXS_BPF_AND	0x50
#define RXS_BPF_LSH	0x60
#define RXS_BPF_RSH	0x70
#define RXS_BPF_NEG	0x80
#define RXS_BPF_MOD	0x90
#define RXS_BPF_XOR	0xa0
#define RXS_BPF_JA	0x00
#define RXS_BPF_JEQ	0x10
#define RXS_BPF_JGT	0x20
#define RXS_BPF_JGE	0x30
#define RXS_BPF_JSET	0x40
#define RXS_BPF_K	0x00	/* operand: the constant k, or X (RET: A) */
#define RXS_BPF_X	0x08
#define RXS_BPF_A	0x10
#define RXS_BPF_TAX	0x00	/* MISC */
#define RXS_BPF_TXA	0x80

#define RXS_BPF_STMT(code, k) { (uint16_t)(code), 0, 0, (uint32_t)(k) }
#define RXS_BPF_JUMP(code, k, jt, jf) \
	{ (uint16_t)(code), (uint8_t)(jt), (uint8_t)(jf), (uint32_t)(k) }

/* Check a program as the kernel's bpf_check_classic does: 1 to RXS_BPF_MAXINSNS instructions,
 * known opcodes only, jumps forward and in range, a RET last, no division by a constant 0, no
 * constant shift of 32 or more, scratch index < 16 and every M[] loaded only after a store on
 * every path. Linux extensions (loads at SKF_AD_OFF, SKF_NET_OFF, SKF_LL_OFF) are refused: we do
 * not implement them. 0 or -EINVAL. */
RXS_API int rxs_bpf_validate(const struct rxs_bpf_insn *insns, unsigned int len);

/* Run @prog over @pkt (@wirelen bytes on the wire, @buflen captured at @pkt). Returns the snap
 * length the program accepts, 0 = reject, exactly as libpcap's pcap_offline_filter: a load out
 * of the captured bytes, or a division by X == 0, ends the program with 0. Never reads outside
 * @pkt or @prog and always ends, whatever the program; one that would fail rxs_bpf_validate gets
 * 0 where it goes wrong. No allocation. */
RXS_API uint32_t rxs_bpf_run(const struct rxs_bpf_prog *prog, const uint8_t *pkt, uint32_t wirelen,
			     uint32_t buflen);

/* Compile tcpdump expression @expr ("" or NULL: accept everything) for Ethernet as tcpdump does
 * (DLT_EN10MB, snap length 262144, optimizer on, netmask unknown) and check it with
 * rxs_bpf_validate. 0 with @prog filled (free with rxs_bpf_free), -ENOMEM, or RXS_EFILTER with a
 * message quoting the expression in @err: "filter 'tcp port': syntax error". */
RXS_API int rxs_bpf_compile(struct rxs_bpf_prog *prog, const char *expr, char *err, size_t errlen);

/* Free the instructions of @prog and empty it. A zeroed or freed program is a no-op. */
RXS_API void rxs_bpf_free(struct rxs_bpf_prog *prog);

/* Packet taps. */
typedef struct rxs_tap rxs_tap_t;

/* Counters since the tap was created. Unlike getsockopt(PACKET_STATISTICS), reading does not
 * reset them. */
struct rxs_tap_stats {
	uint64_t tp_packets;	/* accepted by the filter, drops included (PACKET_STATISTICS) */
	uint64_t tp_drops;	/* accepted, but no free frame in the ring */
	uint64_t captured;	/* copied to the ring: written or delivered to the reader */
	uint64_t filtered_out;	/* rejected by the filter: neither counted nor copied */
};

/* Open a packet socket named @name with filter @filter (tcpdump syntax, "" or NULL for all),
 * @ring_frames frames (>= 1) in its receive ring, and a reader that empties the ring at every
 * multiple of @drain_ns virtual nanoseconds (0: the reader keeps up and nothing is ever dropped).
 * @write_path: a pcap file (microseconds, DLT_EN10MB, snap length 262144) that receives every
 * captured frame, or NULL. 0; or -EINVAL, -ENOMEM, RXS_EFILTER, or the -errno of opening
 * @write_path (-ENOENT, -EACCES...), with a message in @err. */
RXS_API int rxs_tap_create(rxs_tap_t **tapp, const char *name, const char *filter,
			   unsigned int ring_frames, uint64_t drain_ns, const char *write_path,
			   char *err, size_t errlen);

/* Use a copy of the user program @insns (@len instructions) instead of the current filter, as
 * SO_ATTACH_FILTER replaces one. 0, or -EINVAL (NULL tap, or rxs_bpf_validate refused it; the
 * old filter stays) or -ENOMEM. */
RXS_API int rxs_tap_attach_prog(rxs_tap_t *tap, const struct rxs_bpf_insn *insns, unsigned int len);

/* Flush the pcap output, if any, to its file. 0 or -EIO. */
RXS_API int rxs_tap_flush(rxs_tap_t *tap);

/* Flush and close the pcap output, then free @tap. NULL is a no-op. */
RXS_API void rxs_tap_destroy(rxs_tap_t *tap);

/* packet_rcv/tpacket_rcv: offer the Ethernet frame @frame of @len bytes (MAC header included, as
 * packet_rcv pushes it back) received at virtual time @t_ns. The tap never keeps or changes
 * @frame: it copies what it captures. True when the filter accepted the frame (captured, or
 * dropped for lack of a free ring frame), false when it rejected it. */
RXS_API bool rxs_tap_rcv(rxs_tap_t *tap, const uint8_t *frame, uint32_t len, uint64_t t_ns);

/* Copy @tap's counters into @st (zeros for NULL). */
RXS_API void rxs_tap_get_stats(const rxs_tap_t *tap, struct rxs_tap_stats *st);

/* The name @tap was created with; NULL for NULL. */
RXS_API const char *rxs_tap_name(const rxs_tap_t *tap);

/* Replace @tap's filter with tcpdump expression @expr (compiled as rxs_bpf_compile does).
 * 0, -EINVAL (NULL tap), -ENOMEM or RXS_EFILTER with the message in @err. */
RXS_API int rxs_tap_set_filter(rxs_tap_t *tap, const char *expr, char *err, size_t errlen);

/* The directions a tap sees, as tcpdump's --direction: received frames (in
 * __netif_receive_skb_core, before netfilter) and sent ones (in dev_queue_xmit_nit, after
 * OUTPUT and POSTROUTING). */
#define RXS_TAP_IN 1u
#define RXS_TAP_OUT 2u
#define RXS_TAP_INOUT 3u

/* Set the directions @tap sees (RXS_TAP_*; 0 means both, tcpdump's default). */
RXS_API void rxs_tap_set_direction(rxs_tap_t *tap, unsigned int direction);

/* True when @tap sees frames going @direction (RXS_TAP_IN or RXS_TAP_OUT). */
RXS_API bool rxs_tap_wants(const rxs_tap_t *tap, unsigned int direction);

/* ---- a host's taps, on its ptype_all list: the scenario's, then rxs_tap_add()'s ---- */

struct rxs_host;
struct rxs_tap_config;

/* Taps of @h. */
RXS_API unsigned int rxs_tap_count(const struct rxs_host *h);

/* Tap @index of @h, or NULL when out of range; read and change it with the calls above. Like
 * strchr(), it takes a const host; read-only users keep the handle const. */
RXS_API rxs_tap_t *rxs_tap_get(const struct rxs_host *h, unsigned int index);

/* Open a tap from @cfg (name, filter: tcpdump syntax, "" or NULL for all; write: pcap path or
 * NULL; ring_frames, 0 for 4096) and put it on @h's ptype_all after the others. The tap's
 * index (>= 0), or a negative error as rxs_tap_create()'s with the message in @err. */
RXS_API int rxs_tap_add(struct rxs_host *h, const struct rxs_tap_config *cfg, char *err,
			size_t errlen);

#endif /* RXSIM_BPF_H */
