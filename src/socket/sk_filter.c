/* sk_filter.c - a socket's filter (SO_ATTACH_FILTER, SO_ATTACH_BPF), run as
 * sk_filter_trim_cap() of net/core/filter.c runs it: on the packet from its transport header
 * (UDP and TCP pull the IP header before they look the socket up), keeping the bytes the
 * program returns, never fewer than the transport header (@cap), or none. What a refused
 * packet counts is the caller's: UDP's UdpInErrors and sk_drops, TCP's sk_drops alone. */
#include "host.h"
#include "internal.h"
#include "bpf/bpf.h"
#include "socket/socket.h"

uint32_t rxs__sk_filter_trim_cap(struct rxs_sock *sk, struct rxs_sk_buff *skb, uint32_t cap)
{
	struct rxs_softnet_data *sd = rxs__skb_sd(skb);
	uint32_t keep;

	keep = rxs__sk_filter_run(sk->filter, rxs_skb_mac_header(skb),
				  skb->tail - skb->mac_header, skb->data, skb->len, cap, sd->cpu,
				  sd->now);
	rxs__charge(sd, rxs__cost(sd->host, RXS_COST_BPF_RUN));
	RXS_TRACE_STAGE(sd, sd->now, skb, "sk_filter_trim_cap", "socket %s: %s (%u of %u bytes)",
			sk->cfg.name, !keep ? "dropped" : keep < skb->len ? "trimmed" : "passed",
			keep, skb->len);
	if (keep && keep < skb->len)
		rxs__skb_trim(skb, keep);
	return keep;
}
