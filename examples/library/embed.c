/* embed.c - rxsim embedded in a C program: a host built in code, frames injected, datagrams
 * read from its socket, counters printed.
 *
 *   cc embed.c $(pkg-config --cflags --libs rxsim) -o embed && ./embed
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L		/* inet_pton() under -std=c11 */
#endif
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <rxsim/rxsim.h>


int main(void)
{
	struct rxs_scenario *sc;
	struct rxs_nic_config *nic;
	struct rxs_socket_config *so;
	rxs_host_t *h;
	char err[256];
	uint8_t frame[1514], mac[6];
	int rc;

	printf("librxsim %s\n", rxs_version_string());

	/* 1. The host: one NIC with an address, one UDP socket on port 5353 whose application
	 *    model never reads (we are the application: rxs_socket_recv below). */
	if (rxs_scenario_create(&sc))
		return 1;
	nic = rxs_scenario_add_nic(sc);			/* eth0, 02:00:00:00:00:02 */
	rxs_addr_parse(&nic->addrs[nic->naddrs++], "10.0.0.2/24");
	so = rxs_scenario_add_socket(sc);		/* UDP, 0.0.0.0 */
	snprintf(so->name, sizeof(so->name), "mdns");
	so->port = 5353;
	so->app.kind = RXS_APP_NEVER;
	memcpy(mac, nic->mac, sizeof(mac));
	rc = rxs_host_create(&h, sc, err, sizeof(err));
	rxs_scenario_free(sc);				/* the host keeps its own copy */
	if (rc) {
		fprintf(stderr, "rxs_host_create: %s\n", err);
		return 1;
	}

	/* 2. Frames: three datagrams to the socket, one to a closed port, 1 us apart. */
	for (int i = 0; i < 4; i++) {
		char msg[32];
		int n = snprintf(msg, sizeof(msg), "hello %d", i);
		struct rxs_frame_spec s = { .src = "10.0.0.1", .sport = 40000, .dst = "10.0.0.2",
					    .dport = i < 3 ? 5353 : 9999, .payload = msg,
					    .payload_len = (size_t)n, .pad = true };
		int len;

		memcpy(s.dst_mac, mac, 6);
		len = rxs_frame_udp(frame, sizeof(frame), &s);
		rc = len < 0 ? len : rxs_host_inject(h, 0, frame, (uint32_t)len, (uint64_t)i * 1000);
		if (rc) {
			fprintf(stderr, "rxs_host_inject: %s\n", rxs_strerror(rc));
			return 1;
		}
	}
	rc = rxs_host_run_until(h, 1000000);		/* 1 ms of virtual time */
	if (rc) {
		fprintf(stderr, "run: %s\n", rxs_host_errmsg(h));
		return 1;
	}

	/* 3. Read the socket as recvfrom() would. The datagram is an skb: skb->data is at the
	 *    UDP header; we own it and end it with rxs_consume_skb(). */
	rxs_socket_t *sock = rxs_socket_lookup(h, "mdns");
	struct rxs_sk_buff *skb;

	while (rxs_socket_recv(sock, &skb) == 0) {
		const uint8_t *ip = rxs_skb_network_header(skb);

		printf("recv %u bytes from %u.%u.%u.%u: %.*s\n", skb->len - 8, ip[12], ip[13],
		       ip[14], ip[15], (int)(skb->len - 8), (const char *)skb->data + 8);
		rxs_consume_skb(skb);
	}

	/* 4. Counters, as nstat and ss show them. */
	struct rxs_socket_info si;
	struct rxs_conservation c;

	rxs_socket_get_info(sock, &si);
	printf("IpInReceives %" PRIu64 " UdpInDatagrams %" PRIu64 " UdpNoPorts %" PRIu64 "\n",
	       rxs_host_mib(h, RXS_MIB_IpInReceives), rxs_host_mib(h, RXS_MIB_UdpInDatagrams),
	       rxs_host_mib(h, RXS_MIB_UdpNoPorts));
	printf("socket %s %s delivered %" PRIu64 " drops %" PRIu64 "\n", si.name, si.local,
	       si.delivered, si.drops);
	rc = rxs_host_conservation(h, &c);
	printf("offered %" PRIu64 " = consumed %" PRIu64 " + dropped %" PRIu64 " + queued %" PRIu64
	       "%s\n", c.offered, c.consumed, c.dropped, c.queued, rc ? " VIOLATED" : "");
	rxs_host_destroy(h);
	return rc || si.delivered != 3 ? 1 : 0;
}
