/* rxsim/stats.h - every counter a run keeps, under the kernel's own names.
 *
 * SNMP counters use their nstat names (IpInReceives, UdpRcvbufErrors, TcpExtListenOverflows)
 * and come in the order of /proc/net/snmp and /proc/net/netstat, so a printer walking this
 * table prints what the kernel prints.
 */
#ifndef RXSIM_STATS_H
#define RXSIM_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "rxsim/export.h"
#include "rxsim/skb.h"

/* XX(nstat name, /proc file group ("Ip", "IpExt", ...), field name within the group). */
#define RXS_MIB_MAP(XX) \
	XX(IpForwarding, Ip, Forwarding) \
	XX(IpDefaultTTL, Ip, DefaultTTL) \
	XX(IpInReceives, Ip, InReceives) \
	XX(IpInHdrErrors, Ip, InHdrErrors) \
	XX(IpInAddrErrors, Ip, InAddrErrors) \
	XX(IpForwDatagrams, Ip, ForwDatagrams) \
	XX(IpInUnknownProtos, Ip, InUnknownProtos) \
	XX(IpInDiscards, Ip, InDiscards) \
	XX(IpInDelivers, Ip, InDelivers) \
	XX(IpOutRequests, Ip, OutRequests) \
	XX(IpOutDiscards, Ip, OutDiscards) \
	XX(IpOutNoRoutes, Ip, OutNoRoutes) \
	XX(IpReasmTimeout, Ip, ReasmTimeout) \
	XX(IpReasmReqds, Ip, ReasmReqds) \
	XX(IpReasmOKs, Ip, ReasmOKs) \
	XX(IpReasmFails, Ip, ReasmFails) \
	XX(IpFragOKs, Ip, FragOKs) \
	XX(IpFragFails, Ip, FragFails) \
	XX(IpFragCreates, Ip, FragCreates) \
	XX(IpOutTransmits, Ip, OutTransmits) \
	XX(IcmpInMsgs, Icmp, InMsgs) \
	XX(IcmpInErrors, Icmp, InErrors) \
	XX(IcmpInCsumErrors, Icmp, InCsumErrors) \
	XX(IcmpInDestUnreachs, Icmp, InDestUnreachs) \
	XX(IcmpInTimeExcds, Icmp, InTimeExcds) \
	XX(IcmpInParmProbs, Icmp, InParmProbs) \
	XX(IcmpInSrcQuenchs, Icmp, InSrcQuenchs) \
	XX(IcmpInRedirects, Icmp, InRedirects) \
	XX(IcmpInEchos, Icmp, InEchos) \
	XX(IcmpInEchoReps, Icmp, InEchoReps) \
	XX(IcmpInTimestamps, Icmp, InTimestamps) \
	XX(IcmpInTimestampReps, Icmp, InTimestampReps) \
	XX(IcmpInAddrMasks, Icmp, InAddrMasks) \
	XX(IcmpInAddrMaskReps, Icmp, InAddrMaskReps) \
	XX(IcmpOutMsgs, Icmp, OutMsgs) \
	XX(IcmpOutErrors, Icmp, OutErrors) \
	XX(IcmpOutRateLimitGlobal, Icmp, OutRateLimitGlobal) \
	XX(IcmpOutRateLimitHost, Icmp, OutRateLimitHost) \
	XX(IcmpOutDestUnreachs, Icmp, OutDestUnreachs) \
	XX(IcmpOutTimeExcds, Icmp, OutTimeExcds) \
	XX(IcmpOutParmProbs, Icmp, OutParmProbs) \
	XX(IcmpOutSrcQuenchs, Icmp, OutSrcQuenchs) \
	XX(IcmpOutRedirects, Icmp, OutRedirects) \
	XX(IcmpOutEchos, Icmp, OutEchos) \
	XX(IcmpOutEchoReps, Icmp, OutEchoReps) \
	XX(IcmpOutTimestamps, Icmp, OutTimestamps) \
	XX(IcmpOutTimestampReps, Icmp, OutTimestampReps) \
	XX(IcmpOutAddrMasks, Icmp, OutAddrMasks) \
	XX(IcmpOutAddrMaskReps, Icmp, OutAddrMaskReps) \
	XX(IcmpMsgInType0, IcmpMsg, InType0) \
	XX(IcmpMsgInType3, IcmpMsg, InType3) \
	XX(IcmpMsgInType8, IcmpMsg, InType8) \
	XX(IcmpMsgInType11, IcmpMsg, InType11) \
	XX(IcmpMsgOutType0, IcmpMsg, OutType0) \
	XX(IcmpMsgOutType3, IcmpMsg, OutType3) \
	XX(IcmpMsgOutType5, IcmpMsg, OutType5) \
	XX(IcmpMsgOutType8, IcmpMsg, OutType8) \
	XX(IcmpMsgOutType11, IcmpMsg, OutType11) \
	XX(TcpActiveOpens, Tcp, ActiveOpens) \
	XX(TcpPassiveOpens, Tcp, PassiveOpens) \
	XX(TcpAttemptFails, Tcp, AttemptFails) \
	XX(TcpEstabResets, Tcp, EstabResets) \
	XX(TcpCurrEstab, Tcp, CurrEstab) \
	XX(TcpInSegs, Tcp, InSegs) \
	XX(TcpOutSegs, Tcp, OutSegs) \
	XX(TcpRetransSegs, Tcp, RetransSegs) \
	XX(TcpInErrs, Tcp, InErrs) \
	XX(TcpOutRsts, Tcp, OutRsts) \
	XX(TcpInCsumErrors, Tcp, InCsumErrors) \
	XX(UdpInDatagrams, Udp, InDatagrams) \
	XX(UdpNoPorts, Udp, NoPorts) \
	XX(UdpInErrors, Udp, InErrors) \
	XX(UdpOutDatagrams, Udp, OutDatagrams) \
	XX(UdpRcvbufErrors, Udp, RcvbufErrors) \
	XX(UdpSndbufErrors, Udp, SndbufErrors) \
	XX(UdpInCsumErrors, Udp, InCsumErrors) \
	XX(UdpIgnoredMulti, Udp, IgnoredMulti) \
	XX(UdpMemErrors, Udp, MemErrors) \
	XX(TcpExtSyncookiesSent, TcpExt, SyncookiesSent) \
	XX(TcpExtSyncookiesRecv, TcpExt, SyncookiesRecv) \
	XX(TcpExtSyncookiesFailed, TcpExt, SyncookiesFailed) \
	XX(TcpExtEmbryonicRsts, TcpExt, EmbryonicRsts) \
	XX(TcpExtPruneCalled, TcpExt, PruneCalled) \
	XX(TcpExtRcvPruned, TcpExt, RcvPruned) \
	XX(TcpExtOfoPruned, TcpExt, OfoPruned) \
	XX(TcpExtListenOverflows, TcpExt, ListenOverflows) \
	XX(TcpExtListenDrops, TcpExt, ListenDrops) \
	XX(TcpExtTCPHPHits, TcpExt, TCPHPHits) \
	XX(TcpExtTCPPureAcks, TcpExt, TCPPureAcks) \
	XX(TcpExtTCPSynRetrans, TcpExt, TCPSynRetrans) \
	XX(TcpExtTCPTimeouts, TcpExt, TCPTimeouts) \
	XX(TcpExtDelayedACKs, TcpExt, DelayedACKs) \
	XX(TcpExtDelayedACKLost, TcpExt, DelayedACKLost) \
	XX(TcpExtTCPChallengeACK, TcpExt, TCPChallengeACK) \
	XX(TcpExtTCPBacklogDrop, TcpExt, TCPBacklogDrop) \
	XX(TcpExtTCPReqQFullDoCookies, TcpExt, TCPReqQFullDoCookies) \
	XX(TcpExtTCPReqQFullDrop, TcpExt, TCPReqQFullDrop) \
	XX(TcpExtTCPRcvCoalesce, TcpExt, TCPRcvCoalesce) \
	XX(TcpExtTCPOFOQueue, TcpExt, TCPOFOQueue) \
	XX(TcpExtTCPOFODrop, TcpExt, TCPOFODrop) \
	XX(TcpExtTCPOFOMerge, TcpExt, TCPOFOMerge) \
	XX(TcpExtTCPRcvQDrop, TcpExt, TCPRcvQDrop) \
	XX(TcpExtTCPZeroWindowDrop, TcpExt, TCPZeroWindowDrop) \
	XX(TcpExtBeyondWindow, TcpExt, BeyondWindow) \
	XX(TcpExtTCPACKSkippedSeq, TcpExt, TCPACKSkippedSeq) \
	XX(TcpExtTCPACKSkippedChallenge, TcpExt, TCPACKSkippedChallenge) \
	XX(TcpExtTCPSYNChallenge, TcpExt, TCPSYNChallenge) \
	XX(TcpExtTCPDSACKOldSent, TcpExt, TCPDSACKOldSent) \
	XX(TcpExtTCPDSACKOfoSent, TcpExt, TCPDSACKOfoSent) \
	XX(TcpExtTCPToZeroWindowAdv, TcpExt, TCPToZeroWindowAdv) \
	XX(TcpExtTCPFromZeroWindowAdv, TcpExt, TCPFromZeroWindowAdv) \
	XX(TcpExtTCPWantZeroWindowAdv, TcpExt, TCPWantZeroWindowAdv) \
	XX(TcpExtTCPRcvCollapsed, TcpExt, TCPRcvCollapsed) \
	XX(TcpExtTCPMemoryPressures, TcpExt, TCPMemoryPressures) \
	XX(TcpExtTCPMemoryPressuresChrono, TcpExt, TCPMemoryPressuresChrono) \
	XX(TcpExtIPReversePathFilter, TcpExt, IPReversePathFilter) \
	XX(IpExtInNoRoutes, IpExt, InNoRoutes) \
	XX(IpExtInTruncatedPkts, IpExt, InTruncatedPkts) \
	XX(IpExtInMcastPkts, IpExt, InMcastPkts) \
	XX(IpExtOutMcastPkts, IpExt, OutMcastPkts) \
	XX(IpExtInBcastPkts, IpExt, InBcastPkts) \
	XX(IpExtOutBcastPkts, IpExt, OutBcastPkts) \
	XX(IpExtInOctets, IpExt, InOctets) \
	XX(IpExtOutOctets, IpExt, OutOctets) \
	XX(IpExtInMcastOctets, IpExt, InMcastOctets) \
	XX(IpExtOutMcastOctets, IpExt, OutMcastOctets) \
	XX(IpExtInBcastOctets, IpExt, InBcastOctets) \
	XX(IpExtOutBcastOctets, IpExt, OutBcastOctets) \
	XX(IpExtInCsumErrors, IpExt, InCsumErrors) \
	XX(IpExtInNoECTPkts, IpExt, InNoECTPkts) \
	XX(Ip6InReceives, Ip6, InReceives) \
	XX(Ip6InHdrErrors, Ip6, InHdrErrors) \
	XX(Ip6InTooBigErrors, Ip6, InTooBigErrors) \
	XX(Ip6InNoRoutes, Ip6, InNoRoutes) \
	XX(Ip6InAddrErrors, Ip6, InAddrErrors) \
	XX(Ip6InUnknownProtos, Ip6, InUnknownProtos) \
	XX(Ip6InTruncatedPkts, Ip6, InTruncatedPkts) \
	XX(Ip6InDiscards, Ip6, InDiscards) \
	XX(Ip6InDelivers, Ip6, InDelivers) \
	XX(Ip6OutRequests, Ip6, OutRequests) \
	XX(Ip6OutTransmits, Ip6, OutTransmits) \
	XX(Ip6OutOctets, Ip6, OutOctets) \
	XX(Ip6ReasmReqds, Ip6, ReasmReqds) \
	XX(Ip6ReasmOKs, Ip6, ReasmOKs) \
	XX(Ip6ReasmFails, Ip6, ReasmFails) \
	XX(Ip6ReasmTimeout, Ip6, ReasmTimeout) \
	XX(Ip6InMcastPkts, Ip6, InMcastPkts) \
	XX(Ip6InOctets, Ip6, InOctets) \
	XX(Ip6OutForwDatagrams, Ip6, OutForwDatagrams) \
	XX(Ip6FragFails, Ip6, FragFails) \
	XX(Ip6FragOKs, Ip6, FragOKs) \
	XX(Ip6FragCreates, Ip6, FragCreates) \
	XX(Icmp6InMsgs, Icmp6, InMsgs) \
	XX(Icmp6InErrors, Icmp6, InErrors) \
	XX(Icmp6OutMsgs, Icmp6, OutMsgs) \
	XX(Icmp6InCsumErrors, Icmp6, InCsumErrors) \
	XX(Icmp6InEchos, Icmp6, InEchos) \
	XX(Icmp6InType128, Icmp6, InType128) \
	XX(Icmp6OutDestUnreachs, Icmp6, OutDestUnreachs) \
	XX(Icmp6OutEchoReplies, Icmp6, OutEchoReplies) \
	XX(Icmp6OutRateLimitGlobal, Icmp6, OutRateLimitGlobal) \
	XX(Icmp6OutRateLimitHost, Icmp6, OutRateLimitHost) \
	XX(Icmp6OutType1, Icmp6, OutType1) \
	XX(Icmp6OutType129, Icmp6, OutType129) \
	XX(Icmp6OutPktTooBigs, Icmp6, OutPktTooBigs) \
	XX(Icmp6OutTimeExcds, Icmp6, OutTimeExcds) \
	XX(Icmp6OutType2, Icmp6, OutType2) \
	XX(Icmp6OutType3, Icmp6, OutType3) \
	XX(Udp6InDatagrams, Udp6, InDatagrams) \
	XX(Udp6NoPorts, Udp6, NoPorts) \
	XX(Udp6InErrors, Udp6, InErrors) \
	XX(Udp6RcvbufErrors, Udp6, RcvbufErrors) \
	XX(Udp6InCsumErrors, Udp6, InCsumErrors) \
	XX(Udp6IgnoredMulti, Udp6, IgnoredMulti) \
	XX(Udp6MemErrors, Udp6, MemErrors) \
	XX(Icmp6InDestUnreachs, Icmp6, InDestUnreachs) \
	XX(Icmp6InPktTooBigs, Icmp6, InPktTooBigs) \
	XX(Icmp6InTimeExcds, Icmp6, InTimeExcds) \
	XX(Icmp6InParmProblems, Icmp6, InParmProblems) \
	XX(Icmp6InEchoReplies, Icmp6, InEchoReplies) \
	XX(IpExtReasmOverlaps, IpExt, ReasmOverlaps) \
	XX(Icmp6OutParmProblems, Icmp6, OutParmProblems) \
	XX(TcpExtPAWSEstab, TcpExt, PAWSEstab) \
	XX(TcpExtTSEcrRejected, TcpExt, TSEcrRejected) \
	XX(TcpExtPAWSOldAck, TcpExt, PAWSOldAck) \
	XX(TcpExtTCPACKSkippedPAWS, TcpExt, TCPACKSkippedPAWS) \
	XX(TcpExtTCPACKSkippedSynRecv, TcpExt, TCPACKSkippedSynRecv) \
	XX(IpExtInECT1Pkts, IpExt, InECT1Pkts) \
	XX(IpExtInECT0Pkts, IpExt, InECT0Pkts) \
	XX(IpExtInCEPkts, IpExt, InCEPkts) \
	XX(Ip6InNoECTPkts, Ip6, InNoECTPkts) \
	XX(Ip6InECT1Pkts, Ip6, InECT1Pkts) \
	XX(Ip6InECT0Pkts, Ip6, InECT0Pkts) \
	XX(Ip6InCEPkts, Ip6, InCEPkts) \
	XX(TcpExtTCPDeferAcceptDrop, TcpExt, TCPDeferAcceptDrop) \
	XX(Ip6InMcastOctets, Ip6, InMcastOctets) \
	XX(Ip6OutMcastPkts, Ip6, OutMcastPkts) \
	XX(Ip6OutMcastOctets, Ip6, OutMcastOctets) \
	XX(Icmp6InGroupMembQueries, Icmp6, InGroupMembQueries) \
	XX(Icmp6InGroupMembResponses, Icmp6, InGroupMembResponses) \
	XX(Icmp6InGroupMembReductions, Icmp6, InGroupMembReductions) \
	XX(Icmp6InRouterSolicits, Icmp6, InRouterSolicits) \
	XX(Icmp6InRouterAdvertisements, Icmp6, InRouterAdvertisements) \
	XX(Icmp6InNeighborSolicits, Icmp6, InNeighborSolicits) \
	XX(Icmp6InNeighborAdvertisements, Icmp6, InNeighborAdvertisements) \
	XX(Icmp6InRedirects, Icmp6, InRedirects) \
	XX(Icmp6InMLDv2Reports, Icmp6, InMLDv2Reports) \
	XX(Icmp6OutGroupMembQueries, Icmp6, OutGroupMembQueries) \
	XX(Icmp6OutGroupMembResponses, Icmp6, OutGroupMembResponses) \
	XX(Icmp6OutGroupMembReductions, Icmp6, OutGroupMembReductions) \
	XX(Icmp6OutRouterSolicits, Icmp6, OutRouterSolicits) \
	XX(Icmp6OutRouterAdvertisements, Icmp6, OutRouterAdvertisements) \
	XX(Icmp6OutNeighborSolicits, Icmp6, OutNeighborSolicits) \
	XX(Icmp6OutNeighborAdvertisements, Icmp6, OutNeighborAdvertisements) \
	XX(Icmp6OutRedirects, Icmp6, OutRedirects) \
	XX(Icmp6OutMLDv2Reports, Icmp6, OutMLDv2Reports)

enum rxs_mib {
#define XX(name, group, field) RXS_MIB_##name,
	RXS_MIB_MAP(XX)
#undef XX
	RXS_MIB_COUNT
};

/* "IpInReceives" for RXS_MIB_IpInReceives. */
RXS_API const char *rxs_mib_name(enum rxs_mib mib);

/* The counter named @name, or -1. */
RXS_API int rxs_mib_lookup(const char *name);

/* What @reason means in plain words ("no socket: nothing listens on the destination port");
 * never NULL. */
RXS_API const char *rxs_drop_reason_cause(enum rxs_drop_reason reason);

/* One CPU's line of /proc/net/softnet_stat, in the kernel's column order. */
struct rxs_softnet_stat {
	uint32_t processed;		/* col 1: skbs through __netif_receive_skb_core */
	uint32_t dropped;		/* col 2: backlog full or flow-limited, on the target CPU */
	uint32_t time_squeeze;		/* col 3: net_rx_action left with work remaining */
	uint32_t received_rps;		/* col 10: RPS IPIs received */
	uint32_t flow_limit_count;	/* col 11 */
	uint32_t backlog_len;		/* col 12: input_pkt_queue + process_queue now */
	uint32_t cpu;			/* col 13 */
	uint32_t input_qlen;		/* col 14 */
	uint32_t process_qlen;		/* col 15 */
};

/* What one CPU did, beyond softnet_stat. */
struct rxs_cpu_stats {
	uint64_t hardirqs;		/* interrupts taken (/proc/interrupts) */
	uint64_t softirqs;		/* net_rx_action invocations */
	uint64_t ksoftirqd_wakeups;	/* softirq work handed to ksoftirqd */
	uint64_t napi_polls;
	uint64_t busy_ns;		/* CPU time charged by the cost model */
	uint64_t softirq_ns;
	/* time_squeeze split by cause, which the kernel does not tell: the packet budget
	 * (netdev_budget) ran out, or the time limit (netdev_budget_usecs) came first. */
	uint64_t squeeze_budget;
	uint64_t squeeze_time;
};

/* rtnl_link_stats64 and the ethtool -S names a driver prints, per NIC or per queue. */
struct rxs_nic_stats {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t rx_errors;
	uint64_t rx_dropped;		/* core drops (backlog full, no handler) */
	uint64_t rx_missed_errors;	/* ring full: no free descriptor */
	uint64_t rx_fifo_errors;
	uint64_t rx_length_errors;	/* runt and oversize frames */
	uint64_t rx_crc_errors;
	uint64_t rx_frame_errors;
	uint64_t rx_over_errors;
	uint64_t multicast;
	uint64_t rx_nohandler;
	uint64_t rx_otherhost_dropped;
	uint64_t rx_mac_filtered;	/* refused by the destination MAC filter (not a kernel
					 * counter: real NICs drop these silently) */
	uint64_t rx_mc_unjoined;	/* IPv4 multicast for a group the host did not join on
					 * this device, dropped by the input route (not a kernel
					 * counter: the kernel frees these with NOT_SPECIFIED) */
	uint64_t rx_mc6_unjoined;	/* the same for IPv6 (ip6_mc_input) */
	uint64_t hw_irqs;		/* interrupts raised */
	/* XDP verdicts, per queue, as drivers print them in ethtool -S (mlx5's names) */
	uint64_t rx_xdp_drop;		/* XDP_DROP and XDP_ABORTED (mlx5 counts both here) */
	uint64_t rx_xdp_pass;
	uint64_t rx_xdp_tx;		/* bounced out of the same NIC (mlx5: rx_xdp_tx_xmit) */
	uint64_t rx_xdp_redirect;
};

/* Every frame offered ends consumed, dropped, or still queued. */
struct rxs_conservation {
	uint64_t offered;
	uint64_t consumed;
	uint64_t dropped;
	uint64_t queued;
};

/* ---- printers (src/stats/): each writes to @out and returns 0, or -EIO if @out failed ---- */

struct rxs_host;

/* The version of the JSON report's contract, its "schema_version": raised by one on any
 * change a reader could trip on (a key removed, renamed or retyped); adding keys keeps it.
 * The schema: docs/rxsim-report.schema.json, installed as share/rxsim/. */
#define RXS_REPORT_SCHEMA_VERSION 1

/* The JSON contract (docs/design.md "The JSON report"): schema_version, nstat, softnet, nics,
 * cpus, sockets, drops, funnel, traffic, conservation, host, inputs, with the keys tests and
 * tools rely on. Always valid JSON. */
RXS_API int rxs_report_json(const struct rxs_host *h, FILE *out);

/* The kernel's own formats, each block after a "# command" line: /proc/net/softnet_stat,
 * nstat -az, /proc/net/dev, ethtool -S, ss -lnu -m / ss -lnt, /proc/interrupts. */
RXS_API int rxs_report_kernel(const struct rxs_host *h, FILE *out);

/* The human report: the funnel (every stage, every nonzero drop with its reason, the counter
 * to watch on a real host and, where the label does not say it, the likely cause), the
 * conservation line, then the kernel blocks with nstat's nonzero counters only (`nstat -a`).
 * rxs_report_text_flags(h, out, 0). */
RXS_API int rxs_report_text(const struct rxs_host *h, FILE *out);

/* Flags of rxs_report_text_flags(). */
#define RXS_REPORT_F_ALL_COUNTERS 0x1u	/* nstat's block with every counter (nstat -az) */
#define RXS_REPORT_F_COLOR 0x2u		/* ANSI colors: stage titles, drops, passes, the
					 * conservation line; the caller decides (a terminal,
					 * NO_COLOR) */

/* rxs_report_text() with @flags (RXS_REPORT_F_*; other bits are ignored). */
RXS_API int rxs_report_text_flags(const struct rxs_host *h, FILE *out, unsigned int flags);

/* ---- time series, the HTML report and the capture of dropped packets ---- */

/* Queue depths and CPU time sampled over a run, in bounded memory: the samples live in a
 * fixed buffer; when it is full, neighbouring samples merge and the interval doubles. */
typedef struct rxs_series rxs_series_t;

/* What a sample holds; @index counts RX queues over NICs in order (nic 0's queues first),
 * CPUs, sockets, or drop reasons. Depths are the deepest seen by the samples merged into a
 * point; CPU times and drops are running totals at the point's time. */
enum rxs_series_kind {
	RXS_SERIES_RING,	/* descriptors filled in an RX queue's ring */
	RXS_SERIES_BACKLOG,	/* skbs in a CPU's backlog */
	RXS_SERIES_SOCK,	/* skbs in a socket's receive queue */
	RXS_SERIES_SOFTIRQ_NS,	/* a CPU's softirq time so far */
	RXS_SERIES_BUSY_NS,	/* a CPU's busy time so far */
	RXS_SERIES_DROPS,	/* drops with reason @index so far */
	RXS_SERIES_NKINDS
};

/* Install a sampler on @h (before rxs_host_run) every @interval_ns (0: automatic, from 1 us
 * doubling as needed), keeping at most @max_points samples (0: 512). 0, -EINVAL, -ENOMEM. */
RXS_API int rxs_series_create(rxs_series_t **sp, struct rxs_host *h, uint64_t interval_ns,
			      unsigned int max_points);

/* Take the last sample at the host's current time (after the run) and stop sampling. */
RXS_API void rxs_series_finish(rxs_series_t *s);

/* Free @s. NULL is a no-op. Stops the sampler if rxs_series_finish() was not called. */
RXS_API void rxs_series_destroy(rxs_series_t *s);

/* Number of samples, the current interval, and sample @i's virtual time in ns. */
RXS_API unsigned int rxs_series_len(const rxs_series_t *s);
/* Sampling interval of @s in virtual ns. */
RXS_API uint64_t rxs_series_interval(const rxs_series_t *s);
/* Virtual time of sample @i. */
RXS_API uint64_t rxs_series_time(const rxs_series_t *s, unsigned int i);

/* How many lines of @kind there are (queues, CPUs, sockets, RXS_DROP_MAX). */
RXS_API unsigned int rxs_series_width(const rxs_series_t *s, enum rxs_series_kind kind);

/* Line @index of @kind at sample @i; 0 when out of range. */
RXS_API uint64_t rxs_series_value(const rxs_series_t *s, enum rxs_series_kind kind,
				  unsigned int index,
				  unsigned int i);

/* One self-contained HTML page (inline CSS and SVG, no network): the receive path drawn from
 * the funnel table with a count on every edge and every drop in red where it happens, then
 * the time series of @s (NULL: no charts). */
RXS_API int rxs_report_html(const struct rxs_host *h, const struct rxs_series *s, FILE *out);

/* Writes every dropped packet to a pcapng file, its drop reason as the packet comment. */
typedef struct rxs_dropcap rxs_dropcap_t;

/* Open @path and install the kfree_skb and frame-drop callbacks on @h (before the run).
 * 0, or a negative errno (the file could not be written). */
RXS_API int rxs_dropcap_open(rxs_dropcap_t **dcp, struct rxs_host *h, const char *path);

/* Packets written so far. */
RXS_API uint64_t rxs_dropcap_count(const rxs_dropcap_t *dc);

/* Remove the callbacks, flush and close. 0, or -EIO when a write failed. NULL: 0. */
RXS_API int rxs_dropcap_close(rxs_dropcap_t *dc);

#endif /* RXSIM_STATS_H */
