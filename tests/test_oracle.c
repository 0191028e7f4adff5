/* test_oracle.c - the real-kernel oracle cases: rxsim must report the kernel's counters.
 *
 * Each case of tests/oracle/cases (recorded between two network namespaces on a 6.18 kernel:
 * the first five with the project's shared oracle tooling, the rest from the definitions in
 * tests/oracle/cases.sh) is replayed with the rxsim program (`rxsim replay scenario.yaml
 * --format json`) and compared with the kernel's expect.json by the oracle's own checker
 * (tests/oracle/check.py), so the test and a user checking by hand agree. Every recorded case is here; a new one is added to this table.
 *
 * A case may be replayed bare instead, as a user replays a capture of their own: `args` then
 * names the capture (and any --set) in place of scenario.yaml, and `expect` the file to
 * compare with (client-txcsum: the client's capture, TX checksum offload on, must give the
 * server's counters with checksums: auto, and checksum drops with verify; with --host the
 * client's own counters, its connections opened by its SYNs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cmocka.h>

#define OWN RXS_SOURCE_DIR "/tests/oracle/cases"
#define CHECK RXS_SOURCE_DIR "/tests/oracle/check.py"

static const struct {
	int line;
	const char *dir;
	const char *name;
	const char *args;	/* after `rxsim replay`; NULL: scenario.yaml */
	const char *expect;	/* NULL: expect.json */
} cases[] = {
	{ __LINE__, OWN, "udp-rcvbuf", NULL, NULL },
	{ __LINE__, OWN, "icmp-echo", NULL, NULL },
	{ __LINE__, OWN, "nft-input-drop", NULL, NULL },
	/* The nft cases with their real nftables rule set, as text and as nft -j JSON, against the
	 * same counters and the nft rules' own (expect-nft.json). */
	{ __LINE__, OWN, "nft-input-drop", "scenario-nft.yaml", "expect-nft.json" },
	{ __LINE__, OWN, "nft-input-drop", "scenario-nft-json.yaml", "expect-nft.json" },
	{ __LINE__, OWN, "accept-overflow", NULL, NULL },
	{ __LINE__, OWN, "synq-syncookies-on", NULL, NULL },
	{ __LINE__, OWN, "synq-syncookies-off", NULL, NULL },
	/* The shared cases' mechanisms with other numbers (cases-variants.sh): a larger
	 * datagram's truesize, listen(1), a SYN queue bounded by the listen backlog with cookies
	 * and by tcp_max_syn_backlog's last quarter without, echo requests ignored, port
	 * unreachables over 2.5 s, tcp_abort_on_overflow, one SYN-ACK retransmit. */
	{ __LINE__, OWN, "udp-rcvbuf-1400", NULL, NULL },
	{ __LINE__, OWN, "accept-overflow-b1", NULL, NULL },
	{ __LINE__, OWN, "synq-cookies-b32", NULL, NULL },
	{ __LINE__, OWN, "synq-maxsyn64", NULL, NULL },
	{ __LINE__, OWN, "icmp-echo-ignore", NULL, NULL },
	{ __LINE__, OWN, "icmp-echo-ratemask", NULL, NULL },
	{ __LINE__, OWN, "nft-tcp-limit", NULL, NULL },	/* SYNs dropped, a limit's burst */
	{ __LINE__, OWN, "acceptq6", NULL, NULL },	/* listen(2) over IPv6, with data */
	{ __LINE__, OWN, "acceptq6", NULL, "expect-connections.json" },
	{ __LINE__, OWN, "icmp6-frag", NULL, NULL },	/* IPv6 reassembly and fragmentation */
	{ __LINE__, OWN, "udp6-rcvbuf", NULL, NULL },
	{ __LINE__, OWN, "udp-noport-slow", NULL, NULL },	/* the rate limit's tokens */
	{ __LINE__, OWN, "accept-overflow-abort", NULL, NULL },
	{ __LINE__, OWN, "synq-retries1", NULL, NULL },	/* requests expire */
	{ __LINE__, OWN, "tcp-rcvbuf-32k", NULL, NULL },	/* tcp-rcvbuf-noread, 4 x the buffer */
	{ __LINE__, OWN, "tcp-rcvbuf-32k", NULL, "expect-connections.json" },
	/* cases-numbers.sh: a backlog capped by somaxconn, one-byte datagrams (truesize fills
	 * the buffer), cookies behind listen(4), 1500-byte echoes, an nft policy drop. */
	{ __LINE__, OWN, "accept-somaxconn", NULL, NULL },
	{ __LINE__, OWN, "accept-defer", NULL, NULL },	/* TCP_DEFER_ACCEPT 3 s */
	{ __LINE__, OWN, "udp-rcvbuf-1byte", NULL, NULL },
	{ __LINE__, OWN, "synq-cookies-b4", NULL, NULL },
	{ __LINE__, OWN, "icmp-echo-1472", NULL, NULL },
	{ __LINE__, OWN, "nft-policy-drop", NULL, NULL },
	{ __LINE__, OWN, "accept-overflow-noopts", NULL, NULL },	/* SYN-ACKs: the MSS alone */
	{ __LINE__, OWN, "udp-rcvbuf-frag", NULL, NULL },	/* reassembled datagrams' truesize */
	{ __LINE__, OWN, "tcp-rcvbuf-nots", NULL, NULL },	/* a connection without timestamps */
	{ __LINE__, OWN, "tcp-rcvbuf-nots", NULL, "expect-connections.json" },
	/* icmp_rcv() by type: timestamps answered (counted as echo replies), errors handed to
	 * UDP, which counts InErrors for a quote no socket sent, short quotes, unknown types. */
	{ __LINE__, OWN, "icmp-types", NULL, NULL },
	{ __LINE__, OWN, "icmp-timestamp-ratemask", NULL, NULL },	/* limited as 14, counted as 0 */
	{ __LINE__, OWN, "icmp6-types", NULL, NULL },	/* icmpv6_rcv() by type */
	/* IPv6 extension headers' options and routing headers; the parameter problems' rate. */
	{ __LINE__, OWN, "ip6-exthdrs", NULL, NULL },
	{ __LINE__, OWN, "ip6-paramprob-rate", NULL, NULL },
	/* IPv4 options: malformed ones answered with a parameter problem, a source route dropped,
	 * record route echoed in the replies. */
	{ __LINE__, OWN, "ip-options", NULL, NULL },
	/* reassembly timeouts, with and without a first fragment, an overlap, a duplicate */
	{ __LINE__, OWN, "ip-frag-timeout", NULL, NULL },
	{ __LINE__, OWN, "tcp-scan", NULL, NULL },	/* a port scan's flags, open and closed */
	{ __LINE__, OWN, "tcp-scan-ct", NULL, NULL },	/* the same, conntrack's states */
	{ __LINE__, OWN, "ip-ecn", NULL, NULL },	/* each ECN codepoint's counter, v4 and v6 */
	{ __LINE__, OWN, "udp-zerocsum", NULL, NULL },	/* zero checksums: v4 none, v6 refused */
	{ __LINE__, OWN, "ndisc-ns", NULL, NULL },	/* neighbour solicitations answered */
	{ __LINE__, OWN, "ndisc-linklocal", NULL, NULL },	/* the EUI-64 fe80:: is the host's */
	{ __LINE__, OWN, "igmp-rcv", NULL, NULL },	/* queries answered, reports looped back */
	{ __LINE__, OWN, "mld-query", NULL, NULL },	/* MLD queries answered, v1 and v2 */
	/* Timestamps that go backwards: PAWS on connections and on the handshake's ACK. */
	{ __LINE__, OWN, "tcp-paws", NULL, NULL },
	{ __LINE__, OWN, "tcp-rst", NULL, NULL },	/* RSTs at rcv_nxt - 1 after a FIN, at a SACK edge */
	{ __LINE__, OWN, "offlink-noroute", NULL, NULL },	/* no route back: no answers */
	{ __LINE__, OWN, "syn-resent", NULL, NULL },	/* a SYN again: answers rate-limited */
	{ __LINE__, OWN, "tcp-paws", NULL, "expect-connections.json" },
	{ __LINE__, OWN, "ct-badcsum", NULL, NULL },	/* wrong checksums are INVALID */
	/* A host's rule set: policy drop, ct state, chains per protocol, named counters, rejects,
	 * as text and as nft -j JSON. */
	{ __LINE__, OWN, "nft-chains", NULL, NULL },
	{ __LINE__, OWN, "nft-chains", "scenario-nft-json.yaml", NULL },
	/* iptables matches that keep state over time, run by the kernel through nft_compat:
	 * limit, hashlimit by source port, recent's hit count in a window, connlimit. */
	{ __LINE__, OWN, "ipt-limits", NULL, NULL },
	{ __LINE__, OWN, "udp-noport", NULL, NULL },
	{ __LINE__, OWN, "tcp-noport", NULL, NULL },
	{ __LINE__, OWN, "synq-syncookies-always", NULL, NULL },
	{ __LINE__, OWN, "icmp-frag", NULL, NULL },
	{ __LINE__, OWN, "udp-badcsum", NULL, NULL },
	{ __LINE__, OWN, "ip-bad-headers", NULL, NULL },
	{ __LINE__, OWN, "accept-cookies", NULL, NULL },
	{ __LINE__, OWN, "tcp-data", NULL, NULL },
	{ __LINE__, OWN, "nft-reject", NULL, NULL },
	{ __LINE__, OWN, "nft-reject", "scenario-nft.yaml", "expect-nft.json" },
	{ __LINE__, OWN, "nft-reject", "scenario-nft-json.yaml", "expect-nft.json" },
	/* resets and port unreachables across OUTPUT and POSTROUTING, from input and prerouting */
	{ __LINE__, OWN, "nft-reject-out", NULL, NULL },
	{ __LINE__, OWN, "nft6-reject-pre", NULL, NULL },
	/* nftables only: a named set of ports behind a limit, and a meter (a dynamic set whose
	 * elements carry their own limits), as text and as nft -j JSON. */
	{ __LINE__, OWN, "nft-set-limit", NULL, NULL },
	{ __LINE__, OWN, "nft-set-limit", "scenario-nft-json.yaml", NULL },
	/* A netdev ingress chain: after the taps, before IP. */
	{ __LINE__, OWN, "nft-ingress", NULL, NULL },
	{ __LINE__, OWN, "nft-ingress", "scenario-nft-json.yaml", NULL },
	/* Header fields, meta and ct keys, numgen and jhash, each rule counting (nft-fields). */
	{ __LINE__, OWN, "nft-fields", NULL, NULL },
	{ __LINE__, OWN, "nft-fields", "scenario-nft-json.yaml", NULL },
	/* A verdict map jumping to chains with a quota and a byte-rate limit. */
	{ __LINE__, OWN, "nft-quota-bytes", NULL, NULL },
	{ __LINE__, OWN, "nft-quota-bytes", "scenario-nft-json.yaml", NULL },
	{ __LINE__, OWN, "client-txcsum", "client-tx.pcap --set nics.eth0.gro=false", NULL },
	{ __LINE__, OWN, "client-txcsum",
	  "client-tx.pcap --set nics.eth0.gro=false --set traffic.0.checksums=verify",
	  "expect-verify.json" },
	/* The same capture with the client as the host: its connections are its connected
	 * sockets, opened by its SYNs; the client's own counters are the truth. */
	{ __LINE__, OWN, "client-txcsum",
	  "client-tx.pcap --host 10.77.0.1 --set nics.eth0.gro=false", "expect-client.json" },
	{ __LINE__, OWN, "mcast-join", NULL, NULL },
	/* 802.1Q tags with no VLAN device: this kernel has no CONFIG_VLAN_8021Q. */
	{ __LINE__, OWN, "vlan-notags", NULL, NULL },
	/* Issue 21 (docs/tcp-window.md). */
	{ __LINE__, OWN, "sock-min-rcvbuf", NULL, NULL },	/* SOCK_MIN_RCVBUF 2304 */
	{ __LINE__, OWN, "udp6-noport", NULL, NULL },		/* ICMPv6 rate limits */
	{ __LINE__, OWN, "udp-bcast-bound", NULL, NULL },	/* bound addresses, bcast pings */
	{ __LINE__, OWN, "tcp-acceptq-full", NULL, NULL },	/* sk_drops counted twice */
	/* The receive window and memory: SO_RCVBUF 8192 never read, data past the window,
	 * duplicate data and D-SACK (scapy: nics[].raw_sender). */
	{ __LINE__, OWN, "tcp-rcvbuf-noread", NULL, NULL },
	{ __LINE__, OWN, "tcp-overwindow", NULL, NULL },
	{ __LINE__, OWN, "tcp-dupdata", NULL, NULL },
	/* Their connections as ss -tnmie showed them: the JSON's "connections". */
	{ __LINE__, OWN, "tcp-rcvbuf-noread", NULL, "expect-connections.json" },
	{ __LINE__, OWN, "tcp-overwindow", NULL, "expect-connections.json" },
	{ __LINE__, OWN, "tcp-dupdata", NULL, "expect-connections.json" },
	/* tcp-rcvbuf-noread over IPv6: the same code, IPv6's MSS. */
	{ __LINE__, OWN, "tcp6-rcvbuf-noread", NULL, NULL },
	{ __LINE__, OWN, "tcp6-rcvbuf-noread", NULL, "expect-connections.json" },
	/* A reader on a fixed schedule: autotuning (tcp_rcv_space_adjust) grows sk_rcvbuf and
	 * tcp_cleanup_rbuf() sends window updates after the reads. */
	{ __LINE__, OWN, "tcp-rcvbuf-slowread", NULL, NULL },
	{ __LINE__, OWN, "tcp-rcvbuf-slowread", NULL, "expect-connections.json" },
	/* Memory before the window: tiny segments whose truesize fills sk_rcvbuf, collapsed
	 * (tcp_collapse) in the receive queue, and out of order collapsed and pruned. */
	{ __LINE__, OWN, "tcp-collapse", NULL, NULL },
	{ __LINE__, OWN, "tcp-collapse", NULL, "expect-connections.json" },
	{ __LINE__, OWN, "tcp-ofo-prune", NULL, NULL },
	{ __LINE__, OWN, "tcp-ofo-prune", NULL, "expect-connections.json" },
	{ __LINE__, OWN, "tcp-ofo-grow", NULL, NULL },
	{ __LINE__, OWN, "tcp-ofo-grow", NULL, "expect-connections.json" },
	/* A reader with timestamps: the receiver's RTT from the TSecr alone (less than a window
	 * arrives), so autotuning moves rcvq_space only with tcp_rcv_rtt_measure_ts(). */
	{ __LINE__, OWN, "tcp-rcvbuf-tsread", NULL, NULL },
	{ __LINE__, OWN, "tcp-rcvbuf-tsread", NULL, "expect-connections.json" },
#ifdef RXS_HAVE_LIBBPF
	/* A real XDP program (xdp_oracle.o, the object the kernel ran) in generic mode on the
	 * veth: rxsim opens it with libbpf, so without libbpf the case is left out. */
	{ __LINE__, OWN, "xdp-generic-drop", NULL, NULL },
	/* A tc ingress program (tc_oracle.o, clsact, direct action) dropping UDP to one port. */
	{ __LINE__, OWN, "tc-ingress-drop", NULL, NULL },
	/* Three TCP listeners in a SO_REUSEPORT group selected by an SEC("sk_reuseport") program
	 * (reuseport_oracle.o) from a sockarray, one with a classic filter refusing a SYN. */
	{ __LINE__, OWN, "tcp-reuseport-skprog", NULL, NULL },
	/* Three UDP sockets selected by the same program; its SK_DROP is UdpNoPorts. */
	{ __LINE__, OWN, "udp-reuseport-skprog", NULL, NULL },
#endif
	/* Classic BPF on sockets (tests/oracle/cases-ebpf.sh): SO_ATTACH_FILTER dropping and
	 * trimming datagrams; a SO_REUSEPORT group whose SO_ATTACH_REUSEPORT_CBPF program picks
	 * each datagram's socket, one of them overflowing. */
	{ __LINE__, OWN, "sockfilter-udp", NULL, NULL },
	{ __LINE__, OWN, "reuseport-cbpf", NULL, NULL },
	/* NAT, conntrack limits and forwarding (tests/oracle/nat.sh) */
	{ __LINE__, OWN, "ct-full", NULL, NULL },
	{ __LINE__, OWN, "nat-dnat-redirect", NULL, NULL },
	{ __LINE__, OWN, "nat-dnat-redirect", "scenario-nft.yaml", "expect-nft.json" },
	{ __LINE__, OWN, "nat-dnat-redirect", "scenario-nft-json.yaml", "expect-nft.json" },
	{ __LINE__, OWN, "fwd-masq", NULL, NULL },
	{ __LINE__, OWN, "fwd-masq", "scenario-nft.yaml", "expect-nft.json" },
	{ __LINE__, OWN, "fwd-masq", "scenario-nft-json.yaml", "expect-nft.json" },
	/* ICMP errors of NATed connections, RELATED and translated (tests/oracle/cases-nat2.sh) */
	{ __LINE__, OWN, "nat-icmp-related", NULL, NULL },
	{ __LINE__, OWN, "nat-icmp-related", "scenario-nft.yaml", "expect-nft.json" },
	{ __LINE__, OWN, "nat-icmp-related", "scenario-nft-json.yaml", "expect-nft.json" },
	/* kube-proxy's rules as iptables-restore loaded them: ClusterIPs DNATed to the host */
	{ __LINE__, OWN, "kube-clusterip", NULL, NULL },
	{ __LINE__, OWN, "redir", NULL, NULL },
	/* IPv6 rule sets (tests/oracle/cases-nf6.sh): ip6 matches and rejects on the IPv6 input
	 * hook, and IPv6 conntrack under a policy-drop chain; as text and as nft -j JSON. */
	{ __LINE__, OWN, "nft6-reject", NULL, NULL },
	{ __LINE__, OWN, "nft6-reject", "scenario-nft-json.yaml", NULL },
	{ __LINE__, OWN, "nft6-ct", NULL, NULL },
	{ __LINE__, OWN, "nft6-ct", "scenario-nft-json.yaml", NULL },
	/* nft6-reject's rules as ip6tables-restore loaded them (netfilter6:), with OUTPUT's
	 * policy counting the RSTs nf_send_reset6() sends through LOCAL_OUT. */
	{ __LINE__, OWN, "ip6t-reject", NULL, NULL },
	/* IPv6 forwarding (tests/oracle/cases-fwd6.sh): hop limit, packet too big, no route
	 * and the ip6 FORWARD chain */
	{ __LINE__, OWN, "fwd6", NULL, NULL },
	/* IPv6 not ours with forwarding off (tests/oracle/cases-v6noroute.sh): a route means
	 * Ip6InAddrErrors, none Ip6InNoRoutes and ICMPv6 no route */
	{ __LINE__, OWN, "v6-noroute-nofwd", NULL, NULL },
	/* a cookie's SYN-ACK to a SYN without timestamps offers the MSS alone
	 * (tests/oracle/cases-cookieopts.sh) */
	{ __LINE__, OWN, "cookie-synack-opts", NULL, NULL },
};

/* Cases whose frames out are held to the kernel's too: what rxsim writes with --tx from the
 * device of MAC, against the server's frames of the kernel's capture on that link
 * (tests/oracle/txcheck.py). */
static const struct {
	int line;
	const char *name;
	const char *kernel;	/* the kernel's capture of the link */
	const char *mac;
} tx_cases[] = {
	{ __LINE__, "nat-icmp-related", "full.pcap", "02:00:0a:4d:00:02" },
	/* forwarded to the backend, to its MAC from the neighbour table */
	{ __LINE__, "nat-icmp-related", "backend-full.pcap", "02:00:0a:4e:00:01" },
	{ __LINE__, "fwd-masq", "fwd-out.pcap", "02:00:0a:4e:00:01" },
	/* REJECT's RSTs and port unreachables, byte for byte */
	{ __LINE__, "nft-reject-out", "full.pcap", "02:00:0a:4d:00:02" },
	/* ICMP redirects, each before the datagram it is about */
	{ __LINE__, "redir", "full.pcap", "02:00:0a:4d:00:02" },
	/* the ICMPv6 errors to the client, from its link's address */
	{ __LINE__, "fwd6", "full.pcap", "02:00:0a:4d:00:02" },
	/* forwarded to the backend, to its MAC from a static IPv6 neighbour */
	{ __LINE__, "fwd6", "fwd-out.pcap", "02:00:0a:4e:00:01" },
	/* the no-route unreachables of a host that does not forward */
	{ __LINE__, "v6-noroute-nofwd", "full.pcap", "02:00:0a:4d:00:02" },
};

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_oracle_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char cmd[8192];
		int rc;

		/* The output goes beside the build, never into the source tree. */
		const char *args = cases[i].args ? cases[i].args : "scenario.yaml";
		const char *expect = cases[i].expect ? cases[i].expect : "expect.json";

		snprintf(cmd, sizeof(cmd),
			 "cd '%s/%s' && '%s' replay %s --format json > '%s/oracle-%s-%zu.json'",
			 cases[i].dir, cases[i].name, RXS_CLI, args, RXS_BINARY_DIR, cases[i].name, i);
		rc = run(cmd);
		if (rc != 0)
			fail_msg("case %s (line %d): rxsim exited %d", cases[i].name, cases[i].line, rc);
		snprintf(cmd, sizeof(cmd), "python3 '%s' '%s/%s/%s' '%s/oracle-%s-%zu.json'", CHECK,
			 cases[i].dir, cases[i].name, expect, RXS_BINARY_DIR, cases[i].name, i);
		rc = run(cmd);
		if (rc != 0)
			fail_msg("case %s (line %d): check.py found mismatches (exit %d)", cases[i].name,
				 cases[i].line, rc);
	}
}

static void test_oracle_tx(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(tx_cases) / sizeof(tx_cases[0]); i++) {
		char cmd[8192];
		int rc;

		snprintf(cmd, sizeof(cmd),
			 "cd '%s/%s' && '%s' replay scenario.yaml --force --tx '%s/oracle-tx-%s.pcap'"
			 " > /dev/null",
			 OWN, tx_cases[i].name, RXS_CLI, RXS_BINARY_DIR, tx_cases[i].name);
		rc = run(cmd);
		if (rc != 0)
			fail_msg("case %s (line %d): rxsim exited %d", tx_cases[i].name,
				 tx_cases[i].line, rc);
		snprintf(cmd, sizeof(cmd), "python3 '%s/tests/oracle/txcheck.py' '%s/%s/%s' "
			 "'%s/oracle-tx-%s.pcap' %s", RXS_SOURCE_DIR, OWN, tx_cases[i].name,
			 tx_cases[i].kernel, RXS_BINARY_DIR, tx_cases[i].name, tx_cases[i].mac);
		rc = run(cmd);
		if (rc != 0)
			fail_msg("case %s (line %d): the frames sent differ from the kernel's (exit %d)",
				 tx_cases[i].name, tx_cases[i].line, rc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle_cases),
		cmocka_unit_test(test_oracle_tx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
