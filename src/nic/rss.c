/* rss.c - receive-side scaling: the Toeplitz hash, the fields hashed, the indirection table.
 *
 * A multi-queue NIC hashes each frame's addresses (and ports, for TCP, and for UDP when
 * `ethtool -N rx-flow-hash udp4 sdfn` asks for it) with a 40-byte secret key, hands the hash
 * to the driver in the descriptor (skb->hash), and picks the RX queue as
 * indir[hash % indir_size]. The table defaults to an equal spread, i % queues, over 128
 * entries, as ethtool_rxfh_indir_default() gives.
 *
 * Toeplitz works a byte at a time here: for every set bit of the input it XORs the key
 * window starting at that bit, and what one input byte at one position contributes depends
 * only on its value, so it is tabulated once per NIC (RXS_FLOW_INPUT_MAX x 256 words) and a hash
 * costs one lookup per input byte; which bytes of a frame are hashed is the flow dissector's
 * business (skb/flow_dissector.c), which RPS's software hash shares. rxs_rss_toeplitz() is the plain bit-serial definition,
 * which the tests hold against the published verification vectors.
 */
#include <errno.h>
#include <string.h>

#include "host.h"
#include "internal.h"
#include "netdevice/netdevice.h"
#include "nic/nic.h"

const uint8_t rxs_rss_default_key[RXS_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* The 32-bit window of @key that starts at bit @bit (MSB first); zeros past its end. */
static uint32_t key_window(const uint8_t *key, size_t keylen, unsigned int bit)
{
	uint64_t w = 0;

	for (unsigned int i = 0; i < 8; i++) {
		size_t byte = bit / 8 + i;

		w = w << 8 | (byte < keylen ? key[byte] : 0);
	}
	return (uint32_t)(w >> (32 - bit % 8));
}

uint32_t rxs_rss_toeplitz(const uint8_t *key, size_t keylen, const uint8_t *in, size_t len)
{
	uint32_t hash = 0;

	for (size_t i = 0; i < len * 8; i++)
		if (in[i / 8] & (0x80u >> (i % 8)))
			hash ^= key_window(key, keylen, (unsigned int)i);
	return hash;
}

static void build_indir(struct rxs_netdev *dev)
{
	const struct rxs_nic_config *c = &dev->cfg;

	dev->rss_indir_size = c->rss_indir_size ? c->rss_indir_size : RXS_RSS_INDIR_DEFAULT;
	dev->rss_indir_mask = (dev->rss_indir_size & (dev->rss_indir_size - 1)) ? 0 :
			      dev->rss_indir_size - 1;
	for (unsigned int i = 0; i < dev->rss_indir_size; i++) {
		/* A table written for more queues than the NIC now has (rx_queues lowered by
		 * --set) folds onto the queues there are, as a driver refusing it would not. */
		unsigned int q = c->rss_indir_size ? c->rss_indir[i] : i;

		dev->rss_indir[i] = (uint16_t)(q % dev->nrxq);
	}
}

int rxs__rss_init(struct rxs_netdev *dev)
{
	const uint8_t *key = dev->cfg.rss_key_set ? dev->cfg.rss_key : rxs_rss_default_key;

	dev->rss_tab = rxs__malloc(RXS_FLOW_INPUT_MAX * sizeof(*dev->rss_tab));
	dev->rss_indir = rxs__calloc(RXS_RSS_INDIR_MAX, sizeof(*dev->rss_indir));
	if (!dev->rss_tab || !dev->rss_indir)
		return -ENOMEM;
	/* Each byte value's entry is the XOR of its set bits' key windows: the entry without
	 * its lowest set bit, and that bit's window (a table a device, 36 x 256 entries, in a
	 * few instructions each rather than eight window reads). */
	for (unsigned int i = 0; i < RXS_FLOW_INPUT_MAX; i++) {
		uint32_t win[8];

		for (unsigned int b = 0; b < 8; b++)	/* the window of the bit 0x80 >> b */
			win[b] = key_window(key, RXS_RSS_KEY_LEN, i * 8 + b);
		dev->rss_tab[i][0] = 0;
		for (unsigned int v = 1; v < 256; v++)
			dev->rss_tab[i][v] = dev->rss_tab[i][v & (v - 1)] ^
					     win[7 - __builtin_ctz(v)];
	}
	build_indir(dev);
	return 0;
}

void rxs__rss_destroy(struct rxs_netdev *dev)
{
	rxs__free(dev->rss_tab);
	rxs__free(dev->rss_indir);
	dev->rss_tab = NULL;
	dev->rss_indir = NULL;
}
