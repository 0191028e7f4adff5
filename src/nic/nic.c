/* nic.c - the simulated NIC: MAC filter, RSS, DMA into rings or netif_rx, IRQs, NAPI poll.
 *
 * Two drivers share this file. "generic" is a multi-queue NIC: a frame is DMA'd into the
 * next free descriptor of the queue RSS picks, an interrupt (subject to coalescing) schedules
 * the queue's NAPI on the CPU its IRQ is bound to, and the poll builds skbs around
 * half-page buffers. "veth" has no ring: the sender's CPU hands each frame to netif_rx(),
 * which queues it on that CPU's backlog, drained by process_backlog.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "bpf/bpf.h"
#include "core/core.h"
#include "host.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "nic/nic.h"
#include "proto/proto.h"
#include "ring/ring.h"
#include "rxsim/ring.h"
#include "rxsim/softirq.h"
#include "softirq/softirq.h"

#define ETH_HLEN 14
#define SKB_DATA_ALIGN(x) (((x) + 63u) & ~63u)
#define SKB_SHINFO_SIZE 320u		/* SKB_DATA_ALIGN(sizeof(struct skb_shared_info)), 6.18 */
#define SKB_HEAD_SIZE 256u		/* SKB_DATA_ALIGN(sizeof(struct sk_buff)), 6.18 */
#define SKB_SMALL_HEAD_CACHE 576u	/* SKB_HEAD_ALIGN(MAX_TCP_HEADER): skb_small_head_cache */
#define RX_BUF_SIZE 2048u		/* half-page RX buffer of the generic driver */
/* With flow control (the threaded engine at top speed), the ring depth past which the NIC
 * holds frames back: a few polls' worth, so the buffers in flight stay in the caches and a
 * benchmark measures the host's work rather than its cache misses. */
#define RXS_PAUSE_MARK 256u
#define RXS_RX_PREFETCH 4u		/* descriptors the poll prefetches ahead */

static int rxq_poll(struct rxs_napi *napi, int budget);
static void buffer_drop(struct rxs_host *h, struct rxs_skb_data *d, enum rxs_drop_reason reason);

int rxs__netdev_init(struct rxs_host *h, struct rxs_netdev *dev, const struct rxs_nic_config *cfg,
		     unsigned int ifindex)
{
	unsigned int q;
	int err;

	memset(dev, 0, sizeof(*dev));
	dev->cfg = *cfg;
	dev->host = h;
	dev->ifindex = ifindex;
	dev->nrxq = cfg->driver != RXS_DRIVER_GENERIC ? 1 : cfg->rx_queues;
	dev->rxq = rxs__calloc(dev->nrxq, sizeof(*dev->rxq));
	if (!dev->rxq || rxs__rss_init(dev))
		return -ENOMEM;
	for (q = 0; q < dev->nrxq; q++) {
		struct rxs_rx_queue *rxq = &dev->rxq[q];

		rxq->dev = dev;
		rxq->index = q;
		rxq->cpu = (unsigned int)cfg->irq_affinity[q] % h->ncpus;
		rxq->napi.poll = rxq_poll;
		rxq->napi.weight = RXS_NAPI_POLL_WEIGHT;
		rxq->napi.cpu = rxq->cpu;
		rxq->napi.owner = rxq;
		rxq->napi.dev = dev;
		rxq->napi.index = rxq->index;
		rxq->irqs = rxs__calloc(h->ncpus, sizeof(*rxq->irqs));
		if (!rxq->irqs)
			return -ENOMEM;
		if (cfg->driver == RXS_DRIVER_GENERIC) {
			err = rxs_ring_create(&rxq->ring, cfg->ring_size);
			if (err)
				return err;
		}
	}
	return 0;
}

void rxs__netdev_destroy(struct rxs_netdev *dev)
{
	unsigned int q;

	rxs__rss_destroy(dev);
	if (!dev->rxq)
		return;
	for (q = 0; q < dev->nrxq; q++) {
		struct rxs_rx_queue *rxq = &dev->rxq[q];
		struct rxs_skb_data *d;

		rxs__gro_purge(&rxq->gro);
		/* Frames the NIC filled that no poll took: dropped with the device. */
		while (rxq->ring && (d = rxs__ring_take(rxq->ring)))
			buffer_drop(dev->host, d, RXS_DROP_QUEUE_PURGE);
		rxs__ring_free(rxq->ring);
		rxs__free(rxq->irqs);
	}
	rxs__free(dev->rxq);
	dev->rxq = NULL;
}

uint32_t rxs__nic_queued(const struct rxs_netdev *dev)
{
	uint32_t n = 0;

	for (unsigned int q = 0; q < dev->nrxq; q++) {
		if (dev->rxq[q].ring)
			n += rxs_ring_count(dev->rxq[q].ring);
		n += rxs__gro_held(&dev->rxq[q].gro);	/* held across polls at HZ >= 1000 */
	}
	return n;
}

/* skb->truesize as the kernel computes it for a frame of @len bytes on @driver. */
static uint32_t frame_truesize(enum rxs_driver driver, uint32_t len)
{
	uint32_t obj, osize;

	if (driver == RXS_DRIVER_GENERIC) {
		/* napi_build_skb() around a half-page buffer: SKB_TRUESIZE(2048 - shinfo); a
		 * frame that does not fit spans more buffers, each charged whole. */
		uint32_t room = RX_BUF_SIZE - SKB_SHINFO_SIZE - RXS_NET_SKB_PAD;
		uint32_t extra = len > room ? (len - room + RX_BUF_SIZE - 1) / RX_BUF_SIZE : 0;

		return RX_BUF_SIZE + SKB_HEAD_SIZE + extra * RX_BUF_SIZE;
	}
	/* veth: the sender's skb arrives as it was allocated: headroom LL_RESERVED_SPACE (16)
	 * plus alignment slack (15) around the IP packet, head from the small-head cache when
	 * it fits, else a kmalloc bucket; truesize = SKB_TRUESIZE(head - shinfo). A 142-byte
	 * UDP frame gives 832, as measured on 6.18 (oracle case udp-rcvbuf). */
	obj = SKB_DATA_ALIGN(len - ETH_HLEN + 16 + 15) + SKB_SHINFO_SIZE;
	if (obj <= SKB_SMALL_HEAD_CACHE) {
		osize = SKB_SMALL_HEAD_CACHE;
	} else {
		osize = 1024;
		while (osize < obj)
			osize <<= 1;
	}
	return osize - SKB_SHINFO_SIZE + SKB_HEAD_SIZE + SKB_SHINFO_SIZE;
}

/* veth from a kernel stack: a TCP segment with data is a small head holding the headers
 * (SKB_TRUESIZE of skb_small_head_cache's object, 832) plus page frags charged at the
 * payload's length, as tcp_sendmsg() builds it: 1448 bytes give 2280 (oracle case
 * tcp-rcvbuf-noread, ss skmem r). Anything else keeps @linear. */
static uint32_t stack_tcp_truesize(const struct rxs_sk_buff *skb, uint32_t linear)
{
	enum { ETH_P_IP = 0x0800, ETH_P_IPV6 = 0x86dd };
	const uint8_t *p = skb->data;
	uint32_t len = skb->len, ip_len, hl, thl;
	uint16_t proto = len >= 14 ? rxs__get_be16(p + 12) : 0;

	if (proto == ETH_P_IP && len >= 14 + 20 && p[14 + 9] == 6) {
		hl = (p[14] & 15u) * 4;
		ip_len = rxs__get_be16(p + 16);
	} else if (proto == ETH_P_IPV6 && len >= 14 + 40 && p[14 + 6] == 6) {
		hl = 40;
		ip_len = 40u + rxs__get_be16(p + 14 + 4);
	} else {
		return linear;
	}
	if (ip_len > len - 14 || ip_len < hl + 20 || len < 14 + hl + 13)
		return linear;
	thl = (p[14 + hl + 12] >> 4) * 4u;
	if (thl < 20 || ip_len <= hl + thl)
		return linear;
	return SKB_SMALL_HEAD_CACHE + SKB_HEAD_SIZE + (ip_len - hl - thl);
}

void rxs__nic_hard_irq_cpu(struct rxs_rx_queue *rxq, uint64_t t)
{
	struct rxs_host *h = rxq->dev->host;
	struct rxs_softnet_data *sd = &h->cpus[rxq->cpu];

	if (sd->now < t)
		sd->now = t;
	rxs__charge(sd, rxs__cost(h, RXS_COST_HARDIRQ));
	sd->cpu_stats.hardirqs++;
	rxq->stats.hw_irqs++;
	rxq->irqs[sd->cpu]++;
	rxs__napi_schedule(h, &rxq->napi, sd->now);
}

/* The interrupt fires: the driver masks its queue's interrupt, then schedules NAPI on the
 * CPU the IRQ is bound to. An engine with a thread per CPU posts the rest to that CPU's,
 * unless it is the caller (a CPU DMAing at top speed for its own queue). */
static void hard_irq(struct rxs_rx_queue *rxq, uint64_t t)
{
	struct rxs_host *h = rxq->dev->host;

	rxq->irq_masked = true;
	rxq->irq_timer_armed = false;
	rxq->irq_pending_frames = 0;
	if (!h->engine->post_irq(&h->cpus[rxq->cpu], rxq))
		rxs__nic_hard_irq_cpu(rxq, t);
}

/* The coalescing timer of @obj, an RX queue, fired at @t: it touches only the queue, under
 * the queue's lock. */
static void irq_timer(void *obj, uint64_t t)
{
	struct rxs_rx_queue *rxq = obj;

	rxs__lock_acquire(&rxq->lock);
	/* An event of a timer that the frame threshold overtook is stale: the IRQ it was
	 * for has been taken, and a later timer may be armed for another time. */
	if (rxq->irq_timer_armed && !rxq->irq_masked && t == rxq->irq_timer_due) {
		rxq->irq_timer_armed = false;
		hard_irq(rxq, t);
	}
	rxs__lock_release(&rxq->lock);
}

/*
 * A frame is waiting and the IRQ is unmasked: interrupt now, or when coalescing allows.
 * As ethtool -C documents it, the IRQ fires when either threshold is reached: rx_frames
 * frames pending (0: no frame threshold) or rx_usecs after the first of them; rx_usecs 0
 * interrupts for every frame.
 */
static RXS_NOINLINE void irq_raise(struct rxs_rx_queue *rxq, uint64_t t)
{
	const struct rxs_nic_config *c = &rxq->dev->cfg;

	if (!c->rx_usecs || (c->rx_frames && rxq->irq_pending_frames >= c->rx_frames)) {
		hard_irq(rxq, t);
	} else if (!rxq->irq_timer_armed) {
		rxq->irq_timer_armed = true;
		rxq->irq_timer_due = t + (uint64_t)c->rx_usecs * 1000;
		rxq->dev->host->engine->timer_add(rxq->dev->host, rxq->irq_timer_due, irq_timer,
						  rxq, RXS_TIMER_SELF_LOCKED);
	}
}

/* The check of every frame the NIC writes: while the poll runs, the interrupt is masked. */
static RXS_ALWAYS_INLINE void irq_check(struct rxs_rx_queue *rxq, uint64_t t)
{
	if (rxq->irq_masked || !rxq->irq_pending_frames)
		return;
	irq_raise(rxq, t);
}

/*
 * The multicast half of the filter: the generic driver's NIC takes the group MACs the host
 * put in its list (dev_mc_add, src/proto/igmp.c), as a NIC programmed by ndo_set_rx_mode
 * does; in promiscuous mode, everything. veth has no filter (veth_set_multicast_list is
 * empty): every multicast frame reaches eth_type_trans() and the IP layer decides.
 */
static RXS_NOINLINE bool mc_filter(const struct rxs_netdev *dev, const uint8_t *dst)
{
	if (dev->cfg.driver == RXS_DRIVER_VETH || dev->cfg.promisc)
		return true;
	for (unsigned int i = 0; i < dev->nmc_mac; i++)
		if (!memcmp(dst, dev->mc_mac[i], 6))
			return true;
	/* A VLAN device's groups are in its NIC's list too (vlan_dev_set_rx_mode() syncs
	 * them down with dev_mc_sync). */
	for (unsigned int v = 0; v < dev->nvlans; v++)
		for (unsigned int i = 0; i < dev->vlan_devs[v].nmc_mac; i++)
			if (!memcmp(dst, dev->vlan_devs[v].mc_mac[i], 6))
				return true;
	return false;
}

/* A VLAN device with a MAC of its own: vlan_dev_open() put it in the NIC's unicast filter
 * (dev_uc_add), so the NIC takes it; eth_type_trans() still calls it OTHERHOST, and
 * vlan_do_receive() makes it HOST on the device it belongs to. */
static bool vlan_mac(const struct rxs_netdev *dev, const uint8_t *dst)
{
	for (unsigned int i = 0; i < dev->nvlans; i++)
		if (!memcmp(dst, dev->vlan_devs[i].cfg.mac, 6))
			return true;
	return false;
}

static RXS_ALWAYS_INLINE bool
mac_filter(const struct rxs_netdev *dev, const uint8_t *dst, uint8_t *pkt_type)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (!memcmp(dst, dev->cfg.mac, 6))
		*pkt_type = RXS_PACKET_HOST;
	else if (!memcmp(dst, bcast, 6))
		*pkt_type = RXS_PACKET_BROADCAST;
	else if (dst[0] & 1) {
		if (!mc_filter(dev, dst))
			return false;
		*pkt_type = RXS_PACKET_MULTICAST;
	} else if (dev->cfg.promisc || (unlikely(dev->nvlans) && vlan_mac(dev, dst)))
		*pkt_type = RXS_PACKET_OTHERHOST;
	else
		return false;
	return true;
}

/*
 * What the NIC writes back with a frame (the RX descriptor's write-back): kept beside the
 * buffer until the driver's poll builds the skb around it, as napi_build_skb() does. So the
 * skb itself is born on the CPU that processes it, which in the threaded engine keeps its
 * header in that CPU's cache and pool.
 */
struct rx_desc {
	uint64_t tstamp;
	uint64_t id;
	uint32_t len;
	uint32_t hash;
	uint32_t fill;			/* ring entries filled with it, for traces */
	uint8_t pkt_type;
};

_Static_assert(sizeof(struct rx_desc) <= RXS_SKB_DESC_SIZE, "descriptor fits its room");

/* The skb fields a frame's arrival decides; then the Ethernet header is parsed. */
static RXS_ALWAYS_INLINE void skb_rx_init(struct rxs_sk_buff *skb, struct rxs_rx_queue *rxq,
					  uint64_t id, uint64_t t, uint32_t hash, uint8_t pkt_type)
{
	struct rxs_netdev *dev = rxq->dev;

	skb->counted = true;
	skb->id = id;
	skb->truesize = frame_truesize(dev->cfg.driver, skb->len);
	if (dev->cfg.driver == RXS_DRIVER_VETH && !dev->cfg.raw_sender)
		skb->truesize = stack_tcp_truesize(skb, skb->truesize);
	skb->tstamp = t;
	skb->dev = dev;
	skb->hash = hash;
	skb->queue_mapping = (uint16_t)(rxq->index + 1);
	skb->cpu = rxq->cpu;
	skb->pkt_type = pkt_type;
	rxs__eth_type_trans(skb);
	/* rx-vlan offload (NETIF_F_HW_VLAN_CTAG_RX, on by default on multi-queue NICs): the
	 * NIC took the 802.1Q tag out into the descriptor and the driver puts it in
	 * skb->vlan_tci (__vlan_hwaccel_put_tag). veth has no such offload: the core strips
	 * it. A frame too short for its tag keeps it, and the core drops it. */
	if (skb->protocol == 0x8100 && dev->cfg.driver == RXS_DRIVER_GENERIC)
		rxs__skb_vlan_untag(skb);
}

/* veth: the sender's skb, a copy of the frame. */
static struct rxs_sk_buff *build_skb(struct rxs_rx_queue *rxq, const struct rxs_frame *f,
				     uint64_t t, uint32_t hash, uint8_t pkt_type, uint64_t id)
{
	struct rxs_sk_buff *skb = rxs__skb_alloc(&rxq->dev->host->pool, f->len);

	if (!skb)
		return NULL;
	memcpy(rxs__skb_put(skb, f->len), f->data, f->len);
	skb_rx_init(skb, rxq, id, t, hash, pkt_type);
	return skb;
}

/* Count a frame's end before it became an skb. */
static void frame_drop(struct rxs_host *h, const struct rxs_frame *f, uint64_t t,
		       enum rxs_drop_reason reason, uint64_t id)
{
	rxs__skb_count_frame_drop(&h->pool, reason);
	/* The id is for rxs_host_frame_drop_id(), asked from inside the callback. */
	if (h->nic.frame_drop_cb) {
		rxs__lock_acquire(&h->nic.frame_drop_lock);
		h->nic.frame_drop_id = id;
		h->nic.frame_drop_cb(h->nic.frame_drop_ctx, f->data, f->len, t, reason);
		rxs__lock_release(&h->nic.frame_drop_lock);
	}
}

/* A filled buffer that never became an skb (no memory for its header, or the device went
 * with it in the ring): the frame's end, counted, and the buffer back. */
static void buffer_drop(struct rxs_host *h, struct rxs_skb_data *d, enum rxs_drop_reason reason)
{
	struct rx_desc desc;
	struct rxs_frame f = { .data = rxs__skb_data_head(d) + RXS_NET_SKB_PAD };

	memcpy(&desc, rxs__skb_data_desc(d), sizeof(desc));
	f.len = desc.len;
	frame_drop(h, &f, desc.tstamp, reason, desc.id);
	rxs__skb_data_free(d);
}

/* The generic driver's NIC: DMA the frame into the next descriptor's buffer, write the
 * descriptor back, and interrupt as coalescing allows. */
static RXS_ALWAYS_INLINE int
dma_to_ring(struct rxs_rx_queue *rxq, const struct rxs_frame *f, uint64_t t, uint32_t hash,
	    uint8_t pkt_type, uint64_t id)
{
	struct rxs_host *h = rxq->dev->host;
	struct rxs_skb_data *d = rxs__skb_data_alloc(&h->pool, f->len);
	struct rx_desc desc = { .tstamp = t, .id = id, .len = f->len, .hash = hash,
				.pkt_type = pkt_type };
	uint8_t *head;
	unsigned int fill;

	if (!d) {
		rxq->stats.rx_dropped++;
		frame_drop(h, f, t, RXS_DROP_NOMEM, id);
		return 0;
	}
	head = rxs__skb_data_head(d);
	/* The fill level needs the consumer's index: in a queue another thread polls (its
	 * lock on), the poll counts it, and the highest level is the poll's to keep. */
	fill = 0;
	if (likely(!rxs__lock_on(&rxq->lock))) {
		fill = rxs__ring_count(rxq->ring) + 1;
		if (fill > rxq->max_ring_fill)
			rxq->max_ring_fill = fill;
	}
	desc.fill = fill;
	memcpy(head + RXS_NET_SKB_PAD, f->data, f->len);
	memcpy(rxs__skb_data_desc(d), &desc, sizeof(desc));
	rxs__ring_put_room_known(rxq->ring, d);	/* the caller's test saw room */
	rxq->irq_pending_frames++;
	irq_check(rxq, t);
	return 0;
}

/*
 * nic_classify() of the common frame -- untagged IPv4 without options, not a fragment, to
 * the NIC's own MAC, whole and of a length it takes -- from its addresses (and ports) and
 * the Toeplitz tables in a few loads, as rxs__flow_hash_tab() would hash it: false for any
 * other frame. Every frame an engine reads is classified (a threaded CPU reader's also those
 * it passes over to another CPU), so the general way's call and dissector are kept for the
 * others.
 */
static RXS_ALWAYS_INLINE bool
nic_classify_plain(const struct rxs_netdev *dev, const struct rxs_frame *f,
		   struct rxs_nic_class *c)
{
	const uint8_t *p = f->data;
	uint32_t hash;

	if (f->flags || f->len < ETH_HLEN + 20 + 4 || f->wire_len > dev->cfg.mtu + ETH_HLEN + 8 ||
	    memcmp(p, dev->cfg.mac, 6) || p[12] != 0x08 || p[13] != 0 || p[14] != 0x45 ||
	    (rxs__get_be16(p + 20) & 0x3fff))
		return false;
	hash = rxs__toeplitz4(dev->rss_tab, 0, p + 26) ^ rxs__toeplitz4(dev->rss_tab, 4, p + 30);
	/* TCP's ports; UDP's too for the flow dissector's hash (veth, lo) or rss.udp_4tuple */
	if (p[23] == 6 || (p[23] == 17 && (dev->cfg.driver != RXS_DRIVER_GENERIC ||
					   dev->cfg.rss_udp_4tuple)))
		hash ^= rxs__toeplitz4(dev->rss_tab, 8, p + 34);
	c->bad_len = false;
	c->pkt_type = RXS_PACKET_HOST;
	c->hash = hash;
	c->queue = (int)rxs__rss_queue(dev, hash);
	return true;
}

/* Inlined into both the virtual engine's arrival and the threaded engine's entry points. */
static RXS_ALWAYS_INLINE void
nic_classify(const struct rxs_netdev *dev, const struct rxs_frame *f, struct rxs_nic_class *c)
{
	if (likely(nic_classify_plain(dev, f, c)))
		return;
	/* Runt (no Ethernet header) or longer than MTU + header + two VLAN tags. */
	c->bad_len = (f->flags & RXS_FRAME_F_LINK_TRUNC) || f->len < ETH_HLEN ||
		     f->wire_len > dev->cfg.mtu + ETH_HLEN + 8;
	c->queue = -1;
	c->hash = 0;
	c->pkt_type = 0;
	if (c->bad_len || !mac_filter(dev, f->data, &c->pkt_type))
		return;
	/* veth and lo have no RSS: the hash is the flow dissector's, which RPS computes. */
	c->hash = dev->cfg.driver != RXS_DRIVER_GENERIC ?
			  rxs__flow_hash(dev->rss_tab, f->data, f->len) :
			  rxs__rss_hash(dev, f->data, f->len);
	c->queue = (int)rxs__rss_queue(dev, c->hash);
}

static RXS_ALWAYS_INLINE int
nic_receive_class(struct rxs_netdev *dev, const struct rxs_frame *f,
		  const struct rxs_nic_class *c, uint64_t t, bool pause, uint64_t id)
{
	struct rxs_host *h = dev->host;
	struct rxs_rx_queue *rxq = c->queue >= 0 ? &dev->rxq[c->queue] : NULL;
	struct rxs_sk_buff *skb;

	/* Flow control: the sender holds the frame while the queue is deep, the way a NIC
	 * sends PAUSE frames once its buffer passes a mark, or (a ring smaller than the mark)
	 * while no descriptor is free: reaped ones wait for the poll's refill. */
	if (pause && rxq && rxq->ring &&
	    (!rxs__ring_below(rxq->ring, RXS_MIN(rxs_ring_size(rxq->ring), RXS_PAUSE_MARK)) ||
	     !rxs__ring_has_room(rxq->ring)))
		return -EAGAIN;
	if (c->bad_len) {
		RXS_NETDEV_INC(dev, rx_length_errors);
		RXS_NETDEV_INC(dev, rx_errors);
		frame_drop(h, f, t, RXS_DROP_NIC_LENGTH, id);
		return 0;
	}
	if (!rxq) {
		RXS_NETDEV_INC(dev, rx_mac_filtered);
		frame_drop(h, f, t, RXS_DROP_NIC_MAC_FILTER, id);
		return 0;
	}
	if (rxq->ring && !rxs__ring_has_room(rxq->ring)) {
		/* No free descriptor: the NIC drops the frame in hardware; the kernel never
		 * sees it and the driver reports it as rx_missed_errors. */
		rxq->stats.rx_missed_errors++;
		frame_drop(h, f, t, RXS_DROP_FULL_RING, id);
		return 0;
	}
	if (rxq->ring)
		return dma_to_ring(rxq, f, t, c->hash, c->pkt_type, id);
	/* veth_xmit(): netif_rx() on the sending CPU; rx_packets counts only what the backlog
	 * accepted. */
	skb = build_skb(rxq, f, t, c->hash, c->pkt_type, id);
	if (!skb) {
		rxq->stats.rx_dropped++;
		frame_drop(h, f, t, RXS_DROP_NOMEM, id);
		return 0;
	}
	RXS_TRACE_STAGE(&h->cpus[rxq->cpu], t, skb, "netif_rx", "veth: to CPU %u's backlog",
			rxq->cpu);
	if (!rxs__netif_rx(skb, t)) {
		rxq->stats.rx_packets++;
		rxq->stats.rx_bytes += f->len;
	}
	return 0;
}

void rxs__nic_classify(const struct rxs_netdev *dev, const struct rxs_frame *f,
		       struct rxs_nic_class *c)
{
	nic_classify(dev, f, c);
}

int rxs__nic_receive_class(struct rxs_netdev *dev, const struct rxs_frame *f,
			   const struct rxs_nic_class *c, uint64_t t, bool pause, uint64_t id)
{
	return nic_receive_class(dev, f, c, t, pause, id);
}

void rxs__nic_receive(struct rxs_netdev *dev, const struct rxs_frame *f, uint64_t t, uint64_t id)
{
	struct rxs_nic_class c;

	nic_classify(dev, f, &c);
	dev->host->nic.offered++;
	nic_receive_class(dev, f, &c, t, false, id);
}

/* The poll's half of a frame: the skb around the buffer the NIC filled (napi_build_skb),
 * or NULL when there is no memory for its header (counted, the buffer given back). */
static struct rxs_sk_buff *rx_build(struct rxs_rx_queue *rxq, struct rxs_skb_data *d)
{
	struct rxs_host *h = rxq->dev->host;
	struct rx_desc desc;
	struct rxs_sk_buff *skb;

	memcpy(&desc, rxs__skb_data_desc(d), sizeof(desc));
	skb = rxs__skb_build(&h->pool, d);
	if (!skb) {
		rxq->stats.rx_dropped++;
		buffer_drop(h, d, RXS_DROP_NOMEM);
		return NULL;
	}
	rxs__skb_put(skb, desc.len);
	skb_rx_init(skb, rxq, desc.id, desc.tstamp, desc.hash, desc.pkt_type);
	RXS_TRACE_STAGE(&h->cpus[rxq->cpu], desc.tstamp, skb, "NIC",
			"DMA into RX queue %u (IRQ to CPU %u); ring %u of %u filled, hash %08x",
			rxq->index, rxq->cpu, desc.fill, rxs_ring_size(rxq->ring), desc.hash);
	return skb;
}

#define XDP_ABORTED 0
#define XDP_DROP 1
#define XDP_PASS 2
#define XDP_TX 3
#define XDP_REDIRECT 4

/* The device of ifindex @ifindex, or NULL. */
static struct rxs_netdev *dev_by_index(struct rxs_host *h, uint32_t ifindex)
{
	for (unsigned int i = 0; i < h->ndevs; i++)
		if (h->devs[i].ifindex == ifindex)
			return &h->devs[i];
	return NULL;
}

/* XDP_REDIRECT (xdp_do_redirect): out of another device, or on to another CPU through a
 * cpumap, where the frame becomes an skb and continues on that CPU's backlog as the cpumap's
 * kthread hands it to the stack. False when the target does not exist (the driver's
 * exception path: xdp:xdp_exception, then the frame is dropped). */
static bool xdp_redirect(struct rxs_rx_queue *rxq, struct rxs_softnet_data *sd,
			 const struct rxs__bpf_pkt *p, const struct rx_desc *desc)
{
	struct rxs_host *h = rxq->dev->host;
	struct rxs_sk_buff *skb;

	if (p->redir == RXS__REDIR_DEV && dev_by_index(h, p->redir_target)) {
		rxs__xdp_xmit(h, dev_by_index(h, p->redir_target), p->out, p->out_len, sd->now);
		rxs__skb_count_frame_consume(&h->pool);
		return true;
	}
	if (p->redir != RXS__REDIR_CPU || p->redir_target >= h->ncpus)
		return false;
	skb = rxs__skb_alloc(&h->pool, p->out_len);
	if (!skb) {
		frame_drop(h, &(struct rxs_frame){ .data = p->out, .len = p->out_len }, desc->tstamp,
			   RXS_DROP_NOMEM, desc->id);
		return true;
	}
	memcpy(rxs__skb_put(skb, p->out_len), p->out, p->out_len);
	skb_rx_init(skb, rxq, desc->id, desc->tstamp, desc->hash, desc->pkt_type);
	skb->cpu = p->redir_target;
	RXS_TRACE_STAGE(sd, sd->now, skb, "cpumap", "XDP_REDIRECT to CPU %u's backlog",
			p->redir_target);
	rxs__enqueue_to_backlog_from(h, skb, p->redir_target, rxq->cpu, sd->now);
	return true;
}

/*
 * Native XDP (mlx5e_xdp_handle, veth_xdp_rcv_one): the program runs on the driver's buffer
 * before any skb exists. XDP_PASS goes on to build the skb from the buffer as the program
 * left it (true, *@dp possibly a new buffer); every other verdict ends the frame here (false):
 * XDP_DROP frees the buffer (no tap sees it), XDP_TX sends it back out of this NIC, a
 * redirect out of another NIC or to a CPU; XDP_ABORTED, an unknown verdict or a failed
 * redirect hit the xdp:xdp_exception tracepoint and are dropped, counted in rx_xdp_drop as
 * mlx5 counts them.
 */
static RXS_NOINLINE bool xdp_native(struct rxs_rx_queue *rxq, struct rxs_softnet_data *sd,
				    struct rxs_skb_data **dp)
{
	struct rxs_netdev *dev = rxq->dev;
	struct rxs_host *h = dev->host;
	struct rxs_skb_data *d = *dp, *nd;
	struct rx_desc desc;
	struct rxs__bpf_pkt p = { .ifindex = dev->ifindex, .rx_queue = rxq->index,
				  .cpu = rxq->cpu, .now = sd->now };
	uint32_t v;

	memcpy(&desc, rxs__skb_data_desc(d), sizeof(desc));
	p.data = rxs__skb_data_head(d) + RXS_NET_SKB_PAD;
	p.len = desc.len;
	v = rxs__bpf_link_run(dev->xdp, &p);
	rxs__charge(sd, rxs__cost(h, RXS_COST_BPF_RUN) +
			dev->xdp->last_insns * rxs__cost(h, RXS_COST_BPF_KINSN) / 1000);
	if (unlikely(rxs__tp_on(h, RXS_TP_STAGE)))
		rxs__bpf_trace_verdict(h, sd->cpu, sd->now, dev->xdp, &p, desc.id);
	switch (v) {
	case XDP_PASS:
		rxq->stats.rx_xdp_pass++;
		if (p.out_len == desc.len && !memcmp(p.out, p.data, p.out_len))
			return true;
		if (p.out_len <= desc.len) {
			memcpy(rxs__skb_data_head(d) + RXS_NET_SKB_PAD, p.out, p.out_len);
		} else {
			/* Grown past the buffer we sized for it: one that holds it. */
			nd = rxs__skb_data_alloc(&h->pool, p.out_len);
			if (!nd)
				break;
			memcpy(rxs__skb_data_head(nd) + RXS_NET_SKB_PAD, p.out, p.out_len);
			rxs__skb_data_free(d);
			*dp = d = nd;
		}
		desc.len = p.out_len;
		memcpy(rxs__skb_data_desc(d), &desc, sizeof(desc));
		return true;
	case XDP_TX:
		rxq->stats.rx_xdp_tx++;
		rxs__xdp_xmit(h, rxq->dev, p.out, p.out_len, sd->now);
		rxs__skb_count_frame_consume(&h->pool);
		rxs__skb_data_free(d);
		return false;
	case XDP_REDIRECT:
		if (!xdp_redirect(rxq, sd, &p, &desc))
			break;
		rxq->stats.rx_xdp_redirect++;
		rxs__skb_data_free(d);
		return false;
	case XDP_DROP:
		rxq->stats.rx_xdp_drop++;
		buffer_drop(h, d, RXS_DROP_XDP);
		return false;
	default:
		break;
	}
	/* XDP_ABORTED, an action the driver does not know, a redirect that failed. */
	dev->xdp->exceptions++;	/* xdp:xdp_exception */
	rxq->stats.rx_xdp_drop++;
	buffer_drop(h, d, RXS_DROP_XDP);
	return false;
}

/*
 * The generic driver's ->poll(): reap up to @budget descriptors, refill, and complete. Each
 * skb goes to napi_gro_receive() (GRO on) or netif_receive_skb(); GRO is flushed when the
 * poll ends, whether it completes (napi_complete_done) or used its whole budget (__napi_poll
 * flushes everything at HZ < 1000; at HZ >= 1000 only packets a jiffy old, which we
 * simplify to everything too, so no skb is held between polls).
 */
static int rxq_poll(struct rxs_napi *napi, int budget)
{
	struct rxs_rx_queue *rxq = napi->owner;
	struct rxs_host *h = rxq->dev->host;
	struct rxs_softnet_data *sd = &h->cpus[rxq->cpu];
	struct rxs_sk_buff *skb;
	struct rxs_skb_data *d;
	int work = 0;

	rxs__charge(sd, rxs__cost(h, RXS_COST_NAPI_POLL));
	if (rxs__lock_on(&rxq->lock)) {
		/* The fill level needs the producer's index: a NIC in another thread leaves it
		 * to the poll, which sees it at its start. */
		uint32_t fill = rxs__ring_count(rxq->ring);

		if (fill > rxq->max_ring_fill)
			rxq->max_ring_fill = fill;
	}
	while (work < budget) {
		rxs__pump_arrivals(h, sd->now);
		d = rxs__ring_take(rxq->ring);
		if (!d)
			break;
		/* The buffers were written on another CPU when the queue is shared: fetch the
		 * descriptor and headers of one a few places on while this one goes up. */
		if (rxs__lock_on(&rxq->lock))
			rxs__ring_prefetch(rxq->ring, RXS_RX_PREFETCH);
		work++;
		if (unlikely(rxq->dev->xdp) && !xdp_native(rxq, sd, &d)) {
			rxs__ring_refill(rxq->ring, false);
			continue;
		}
		skb = rx_build(rxq, d);
		if (!skb) {
			rxs__ring_refill(rxq->ring, false);
			continue;
		}
		rxs__charge(sd, rxs__cost(h, RXS_COST_DRIVER_RX) +
				(uint64_t)rxs__cost(h, RXS_COST_PER_BYTE_X1000) * skb->len / 1000);
		rxq->stats.rx_packets++;
		rxq->stats.rx_bytes += skb->tail - skb->mac_header;	/* the whole frame */
		rxs__ring_refill(rxq->ring, false);
		RXS_TRACE_STAGE(sd, sd->now, skb, "napi_poll",
				"RX queue %u reaped, packet %d of this poll (weight %d)",
				rxq->index, work, budget);
		if (rxq->dev->cfg.gro) {
			rxq->gro.jiffies = rxs__jiffies(h, sd->now);
			rxs__napi_gro_receive(&rxq->gro, skb);
		} else
			rxs__netif_receive_skb_internal(skb);
	}
	rxs__ring_refill(rxq->ring, true);
	/* napi_complete_done() flushes everything; a poll that used its whole weight stays
	 * scheduled and __napi_poll() flushes only what is older than this jiffy, or
	 * everything when HZ < 1000 (the age is in jiffies). */
	rxq->gro.jiffies = rxs__jiffies(h, sd->now);
	rxs__gro_flush(&rxq->gro, work >= budget && h->hz >= 1000);
	if (work < budget && rxs__napi_complete_done(h, napi, work, sd->now)) {
		/* Unmask: frames that came in the meantime interrupt again at once. The
		 * interrupt state is the NIC's too: under the queue's lock. */
		rxs__lock_acquire(&rxq->lock);
		rxq->irq_masked = false;
		rxq->irq_pending_frames = rxs__ring_count(rxq->ring);
		irq_check(rxq, sd->now);
		rxs__lock_release(&rxq->lock);
	}
	return work;
}

uint64_t rxs_nic_queue_irqs(const struct rxs_host *h, unsigned int nic, unsigned int queue,
			    unsigned int cpu)
{
	if (nic >= h->ndevs || queue >= h->devs[nic].nrxq || cpu >= h->ncpus)
		return 0;
	return h->devs[nic].rxq[queue].irqs[cpu];
}

int rxs_nic_queue_gro(const struct rxs_host *h, unsigned int nic, unsigned int queue,
		      struct rxs_gro_stats *st)
{
	if (nic >= h->ndevs || queue >= h->devs[nic].nrxq)
		return -EINVAL;
	*st = h->devs[nic].rxq[queue].gro.stats;
	return 0;
}

/* ---- a host's NICs as rxsim/nic.h reads them ---- */

unsigned int rxs_nic_count(const struct rxs_host *h)
{
	return h->ndevs;
}

const char *rxs_nic_name(const struct rxs_host *h, unsigned int nic)
{
	return nic < h->ndevs ? h->devs[nic].cfg.name : NULL;
}

unsigned int rxs_nic_nqueues(const struct rxs_host *h, unsigned int nic)
{
	return nic < h->ndevs ? h->devs[nic].nrxq : 0;
}

int rxs_nic_vlan(const struct rxs_host *h, unsigned int nic, unsigned int *vid)
{
	const struct rxs_netdev *dev = nic < h->ndevs ? &h->devs[nic] : NULL;

	if (!dev || !dev->real_dev)
		return -1;
	if (vid)
		*vid = dev->vlan_id;
	return (int)(dev->real_dev - h->devs);
}

static void stats_add(struct rxs_nic_stats *a, const struct rxs_nic_stats *b)
{
	uint64_t *x = (uint64_t *)a;
	const uint64_t *y = (const uint64_t *)b;

	for (size_t i = 0; i < sizeof(*a) / sizeof(uint64_t); i++)
		x[i] += y[i];
}

int rxs_nic_get_stats(const struct rxs_host *h, unsigned int nic, struct rxs_nic_stats *st)
{
	const struct rxs_netdev *dev;

	if (nic >= h->ndevs)
		return -EINVAL;
	dev = &h->devs[nic];
	*st = dev->core;
	for (unsigned int q = 0; q < dev->nrxq; q++)
		stats_add(st, &dev->rxq[q].stats);
	/* rx_errors sums the error classes, as rtnl_link_stats64 does for most drivers. */
	st->rx_errors = st->rx_length_errors + st->rx_crc_errors + st->rx_frame_errors +
			st->rx_over_errors + st->rx_fifo_errors + st->rx_missed_errors;
	return 0;
}

int rxs_nic_get_queue_stats(const struct rxs_host *h, unsigned int nic, unsigned int queue,
			    struct rxs_nic_stats *st, uint32_t *ring_size, uint32_t *ring_max_fill)
{
	const struct rxs_rx_queue *rxq;

	if (nic >= h->ndevs || queue >= h->devs[nic].nrxq)
		return -EINVAL;
	rxq = &h->devs[nic].rxq[queue];
	*st = rxq->stats;
	if (ring_size)
		*ring_size = rxq->ring ? rxs_ring_size(rxq->ring) : 0;
	if (ring_max_fill)
		*ring_max_fill = (uint32_t)rxq->max_ring_fill;
	return 0;
}

uint32_t rxs_nic_ring_fill(const struct rxs_host *h, unsigned int nic, unsigned int queue)
{
	if (nic >= h->ndevs || queue >= h->devs[nic].nrxq || !h->devs[nic].rxq[queue].ring)
		return 0;
	return rxs_ring_count(h->devs[nic].rxq[queue].ring);
}
