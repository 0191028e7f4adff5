/* portknock.c - the port-knocking hook function; see portknock.h. */
#include <string.h>

#include "portknock.h"

static const uint16_t knock_ports[3] = { 7000, 8000, 9000 };

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The slot of @saddr: its own, or a free one, or (table full) the one it hashes to. */
static unsigned int slot_of(struct portknock *pk, uint32_t saddr)
{
	unsigned int h = (saddr * 2654435761u) % PORTKNOCK_SLOTS;

	for (unsigned int i = 0; i < 8; i++) {
		unsigned int s = (h + i) % PORTKNOCK_SLOTS;

		if (pk->slot[s].saddr == saddr || pk->slot[s].saddr == 0)
			return s;
	}
	return h;
}

enum rxs_nf_verdict portknock_hook(void *priv, struct rxs_sk_buff *skb,
				   const struct rxs_nf_hook_state *state)
{
	struct portknock *pk = priv;
	const uint8_t *ip = skb->data;		/* at LOCAL_IN, skb->data is the IPv4 header */
	unsigned int ihl = (ip[0] & 15u) * 4, s;
	uint16_t dport;
	uint32_t saddr;
	bool syn;

	if (skb->len < ihl + 20 || ip[9] != 6)	/* TCP only */
		return RXS_NF_ACCEPT;
	dport = (uint16_t)(ip[ihl + 2] << 8 | ip[ihl + 3]);
	syn = (ip[ihl + 13] & 0x12) == 0x02;
	saddr = be32(ip + 12);
	s = slot_of(pk, saddr);
	if (pk->slot[s].saddr != saddr) {
		pk->slot[s].saddr = saddr;	/* a new source (or evicting an old one) */
		pk->slot[s].stage = 0;
	}
	if (pk->slot[s].stage &&
	    state->now_ns - pk->slot[s].first_ns > PORTKNOCK_WINDOW_NS)
		pk->slot[s].stage = 0;		/* too slow: start over */
	if (dport == 22) {
		if (pk->slot[s].stage == 3) {
			pk->accepted++;
			return RXS_NF_ACCEPT;
		}
		pk->dropped++;
		return RXS_NF_DROP;
	}
	if (syn && pk->slot[s].stage < 3) {
		if (dport == knock_ports[pk->slot[s].stage]) {
			if (pk->slot[s].stage++ == 0)
				pk->slot[s].first_ns = state->now_ns;
		} else {
			pk->slot[s].stage = dport == knock_ports[0];
			pk->slot[s].first_ns = state->now_ns;
		}
	}
	return RXS_NF_ACCEPT;
}

int portknock_register(struct portknock *pk, rxs_host_t *h)
{
	memset(pk, 0, sizeof(*pk));
	pk->ops.hook = portknock_hook;
	pk->ops.priv = pk;
	pk->ops.pf = RXS_NFPROTO_IPV4;
	pk->ops.hooknum = RXS_NF_INET_LOCAL_IN;
	pk->ops.priority = RXS_NF_IP_PRI_FILTER;
	return rxs_nf_register_net_hook(h, &pk->ops);
}
