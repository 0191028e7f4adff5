/* flow_dissector.c - the flow hash of a frame: which fields identify its flow, and their
 * Toeplitz hash (net/core/flow_dissector.c's job, with the NIC's RSS hash function).
 *
 * The NIC's RSS hash and the software hash RPS falls back to (skb_get_hash()) read the same
 * fields: the IP addresses, then the ports of TCP (and of UDP when asked). Both hash them
 * with a Toeplitz key tabulated per NIC (nic/rss.c), 4 input bytes at a time where they lie
 * in the frame, so this file needs the table and the frame and nothing of a device.
 */
#include "internal.h"
#include "skb/skb.h"

#define ETH_HLEN 14

uint32_t rxs__flow_hash_tab(const uint32_t (*tab)[256], const uint8_t *p, uint32_t len,
			    bool udp_ports)
{
	unsigned int n, l4 = 0, ihl, proto;
	uint32_t hash = 0;
	uint16_t type;

	if (len < ETH_HLEN)
		return 0;
	type = rxs__get_be16(p + 12);
	p += ETH_HLEN;
	len -= ETH_HLEN;
	if (type == 0x0800 && len >= 20 && (p[0] >> 4) == 4) {
		ihl = (p[0] & 15u) * 4;
		proto = p[9];
		hash = rxs__toeplitz4(tab, 0, p + 12) ^ rxs__toeplitz4(tab, 4, p + 16);
		n = 8;
		if (ihl >= 20 && len >= ihl + 4 && !(rxs__get_be16(p + 6) & 0x3fff))
			l4 = ihl;
	} else if (type == 0x86dd && len >= 40) {
		proto = p[6];
		for (n = 0; n < 32; n += 4)
			hash ^= rxs__toeplitz4(tab, n, p + 8 + n);
		if (len >= 44)
			l4 = 40;
	} else {
		return 0;
	}
	if (l4 && (proto == 6 || (proto == 17 && udp_ports)))
		hash ^= rxs__toeplitz4(tab, n, p + l4);
	return hash;
}
