/* proto_int.h - state shared by the protocol files: the IP control block in skb->cb. */
#ifndef RXSIM_PROTO_INT_H
#define RXSIM_PROTO_INT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "host.h"

/* The Internet checksum over the pseudo header and @len bytes at @l4: 0 when valid. */
uint16_t rxs__l4_csum(const struct rxs_inet_cb *cb, uint8_t proto, const uint8_t *l4,
		      uint32_t len);

/* icmp_send(): an ICMP error about @skb (not consumed: the caller still owns it). */
void rxs__icmp_send(struct rxs_sk_buff *skb, uint8_t type, uint8_t code);
void rxs__icmpv6_send(struct rxs_sk_buff *skb, uint8_t type, uint8_t code);

/* Deliver to the L4 handler (ip_protocol_deliver_rcu / ip6_protocol_deliver_rcu). */
void rxs__tcp_rcv(struct rxs_sk_buff *skb);
void rxs__icmpv6_rcv(struct rxs_sk_buff *skb);

int rxs__ipfrag_init(struct rxs_host *h);
void rxs__ipfrag_destroy(struct rxs_host *h);
uint64_t rxs__ipfrag_queued(const struct rxs_host *h);
int rxs__icmp_init(struct rxs_host *h);
void rxs__icmp_destroy(struct rxs_host *h);

#endif /* RXSIM_PROTO_INT_H */
