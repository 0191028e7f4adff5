/* test_report.c - the HTML report, the drop capture, sweep and trace, through the program.
 *
 * Everything runs examples/udp-rcvbuf, whose numbers its README explains: 1000 datagrams,
 * 744 dropped with SOCKET_RCVBUFF, 256 read. The page is checked as text (self-contained,
 * the numbers in it) and, where /usr/bin/chromium exists, rendered headless: the DOM after
 * rendering must still hold the numbers, and a screenshot must come out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "run_cmd.h"
#include "frames.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rxsim/config.h"
#include "rxsim/sim.h"
#include "rxsim/stats.h"

#define EXAMPLE RXS_SOURCE_DIR "/examples/udp-rcvbuf/scenario.yaml"
#define RING_EXAMPLE RXS_SOURCE_DIR "/examples/ring-overflow/scenario.yaml"
#define VLAN_CASE RXS_SOURCE_DIR "/tests/oracle/cases/vlan-notags/scenario.yaml"
#define TCPDUMP_PCAP(name) RXS_SOURCE_DIR "/tests/data/pcaps/tcpdump-tests/" name
#define CHROMIUM "/usr/bin/chromium"
#define CHROMIUM_FLAGS "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run " \
	"--disable-background-networking --disable-component-update --disable-sync"

static char *slurp(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		if (lenp)
			*lenp = (size_t)n;
	}
	return buf;
}


/* Outputs never replace a file without --force, and never go through a symbolic link. */
static void test_outputs_refuse_overwrite(void **state)
{
	char dir[] = "/tmp/test_report.XXXXXX", f[128], l[128];
	int status;
	char *out;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(f, sizeof(f), "%s/tx.pcap", dir);
	snprintf(l, sizeof(l), "%s/link.pcap", dir);
	fp = fopen(f, "w");
	assert_non_null(fp);
	fputs("precious", fp);
	fclose(fp);
	assert_int_equal(symlink(f, l), 0);
	out = run(&status, "%s replay %s --tx %s 2>&1", RXS_CLI, EXAMPLE, f);
	assert_int_equal(status, 2);
	assert_non_null(strstr(out, "exists; use --force to overwrite it"));
	free(out);
	out = run(&status, "%s replay %s --force --tx %s 2>&1", RXS_CLI, EXAMPLE, l);
	assert_int_equal(status, 2);
	assert_non_null(strstr(out, "is a symbolic link"));
	free(out);
	fp = fopen(f, "r");
	assert_non_null(fp);
	assert_int_equal(fgetc(fp), 'p');	/* untouched */
	fclose(fp);
	out = run(&status, "%s replay %s --force --tx %s", RXS_CLI, EXAMPLE, f);
	assert_int_equal(status, 0);
	free(out);
	unlink(l);
	unlink(f);
	rmdir(dir);
}

static void replay_with_outputs(const char *html, const char *drops)
{
	int status;
	/* --force: the build folder keeps the files of the last run. */
	char *out = run(&status, "%s replay %s --force --report %s --drops %s", RXS_CLI, EXAMPLE, html,
			drops);

	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "744  SOCKET_RCVBUFF"));
	free(out);
}

static void test_html_self_contained(void **state)
{
	static const char *const banned[] = { "http://", "https://", "<script src", "<link",
					      "@import", "url(http" };
	static const char *const wanted[] = { "<svg", "744", "SOCKET_RCVBUFF", "1000", "256",
					      "UdpRcvbufErrors", "ring occupancy per RX queue",
					      "softirq busy time per CPU", "drops per interval",
					      "socket receive queue", "backlog depth per CPU" };
	const char *html = RXS_BINARY_DIR "/test_report.html";
	char *text;

	(void)state;
	replay_with_outputs(html, RXS_BINARY_DIR "/test_report_drops.pcapng");
	text = slurp(html, NULL);
	assert_non_null(text);
	for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
		if (strstr(text, banned[i]))
			fail_msg("the page loads something: '%s'", banned[i]);
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		if (!strstr(text, wanted[i]))
			fail_msg("the page lacks '%s'", wanted[i]);
	assert_non_null(strstr(text, "</html>"));
	free(text);
}

/* libpcap reads the pcapng back: one frame per drop, each with its reason as comment. */
static void test_drops_pcapng(void **state)
{
	const char *path = RXS_BINARY_DIR "/test_report_drops2.pcapng";
	char errbuf[PCAP_ERRBUF_SIZE], *raw;
	struct pcap_pkthdr *ph;
	const u_char *data;
	unsigned int frames = 0;
	size_t len = 0;
	pcap_t *p;

	(void)state;
	replay_with_outputs(RXS_BINARY_DIR "/test_report2.html", path);
	p = pcap_open_offline(path, errbuf);
	if (!p)
		fail_msg("pcap_open_offline: %s", errbuf);
	assert_int_equal(pcap_datalink(p), DLT_EN10MB);
	while (pcap_next_ex(p, &ph, &data) == 1) {
		assert_int_equal(ph->caplen, 128);	/* the example's frames */
		frames++;
	}
	pcap_close(p);
	assert_int_equal(frames, 744);
	raw = slurp(path, &len);
	assert_non_null(raw);
	assert_non_null(memmem(raw, len, "SOCKET_RCVBUFF in __udp_enqueue_schedule_skb (frame ",
			       52));
	free(raw);
	/* Wireshark's reader: every packet shows its comment, the reason and the stage. */
	if (access("/usr/bin/tshark", X_OK) == 0) {
		int status;
		char *out = run(&status, "tshark -r %s -V 2>/dev/null | grep -c "
				"'^    SOCKET_RCVBUFF in __udp_enqueue_schedule_skb (frame '", path);

		assert_int_equal(status, 0);
		assert_int_equal(atoi(out), 744);
		free(out);
	} else {
		printf("test_drops_pcapng: tshark is not installed: its check is skipped\n");
	}
}

/* The page as a browser renders it: the numbers survive, and it draws. */
static void test_html_in_chromium(void **state)
{
	const char *html = RXS_BINARY_DIR "/test_report3.html";
	const char *png = RXS_BINARY_DIR "/test_report.png";
	struct stat st;
	char *dom;
	int status;

	(void)state;
	if (access(CHROMIUM, X_OK) != 0) {
		print_message("chromium is not installed (apt-get install chromium): skipped\n");
		skip();
	}
	replay_with_outputs(html, RXS_BINARY_DIR "/test_report_drops3.pcapng");
	dom = run(&status, "d=$(mktemp -d) && timeout 120 %s %s --user-data-dir=$d --dump-dom "
		  "file://%s 2>/dev/null; rm -rf $d", CHROMIUM, CHROMIUM_FLAGS, html);
	assert_int_equal(status, 0);
	if (!strstr(dom, "744 dropped: receive buffer full") || !strstr(dom, "SOCKET_RCVBUFF") ||
	    !strstr(dom, "offered 1000 = consumed 256 + dropped 744 + queued 0"))
		fail_msg("rendered DOM lacks the numbers (%zu bytes)", strlen(dom));
	free(dom);
	unlink(png);
	free(run(&status, "d=$(mktemp -d) && timeout 120 %s %s --user-data-dir=$d "
		 "--screenshot=%s --window-size=1400,1800 file://%s >/dev/null 2>&1; rm -rf $d",
		 CHROMIUM, CHROMIUM_FLAGS, png, html));
	assert_int_equal(stat(png, &st), 0);
	assert_true(st.st_size > 20000);	/* a blank 1400x1800 page is a few kB */
}

/* The grid in parallel gives the README's numbers, in grid order, the same every time. */
static void test_sweep(void **state)
{
	int status;
	char *a, *b, *text;

	(void)state;
	a = run(&status, "%s sweep %s --set sockets.mdns.rcvbuf=65536,1048576 "
		"--set sockets.mdns.app.read=10kpps,all --format json -j 3", RXS_CLI, EXAMPLE);
	assert_int_equal(status, 0);
	b = run(&status, "%s sweep %s --set sockets.mdns.rcvbuf=65536,1048576 "
		"--set sockets.mdns.app.read=10kpps,all --format json -j 1", RXS_CLI, EXAMPLE);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "{\"set\": {\"sockets.mdns.rcvbuf\": \"65536\", "
			       "\"sockets.mdns.app.read\": \"10kpps\"}, \"status\": 0, "
			       "\"offered\": 1000, \"consumed\": 256, \"dropped\": 744"));
	assert_non_null(strstr(a, "\"drops\": {\"SOCKET_RCVBUFF\": 744}"));
	/* 1 MiB holds the whole flood: no drop in the last three rows. */
	assert_null(strstr(strstr(a, "\"1048576\""), "SOCKET_RCVBUFF"));
	text = run(&status, "%s sweep %s --set sockets.mdns.rcvbuf=65536,131072", RXS_CLI,
		   EXAMPLE);
	assert_int_equal(status, 0);
	assert_non_null(strstr(text, "SOCKET_RCVBUFF 744"));
	free(run(&status, "%s sweep %s --set sockets.mdns.rcvbuf=abc 2>/dev/null", RXS_CLI,
		 EXAMPLE));
	assert_int_equal(status, 2);
	free(a);
	free(b);
	free(text);
}

/* --show picks the columns; csv is the same table for a spreadsheet. */
static void test_sweep_show_csv(void **state)
{
	int status;
	char *t;

	(void)state;
	t = run(&status, "%s sweep %s --set sockets.mdns.rcvbuf=65536,262144 --show "
		"UdpRcvbufErrors,softnet.time_squeeze,drop.SOCKET_RCVBUFF,consumed", RXS_CLI, EXAMPLE);
	assert_int_equal(status, 0);
	assert_non_null(strstr(t, "sockets.mdns.rcvbuf UdpRcvbufErrors softnet.time_squeeze "
			       "drop.SOCKET_RCVBUFF consumed top drop reason\n"
			       "65536                           744                    0 "
			       "                744      256 SOCKET_RCVBUFF 744\n"));
	free(t);
	t = run(&status, "%s sweep %s --set sockets.mdns.rcvbuf=65536 --format csv", RXS_CLI,
		EXAMPLE);
	assert_int_equal(status, 0);
	assert_string_equal(t, "sockets.mdns.rcvbuf,offered,consumed,dropped,queued,"
			    "UdpRcvbufErrors,rx_missed_errors,time_squeeze,backlog_drops,"
			    "TcpExtListenOverflows,status,top_drop_reason,top_drop_count\n"
			    "65536,1000,256,744,0,744,0,0,0,0,0,SOCKET_RCVBUFF,744\n");
	free(t);
	free(run(&status, "%s sweep %s --set sockets.mdns.rcvbuf=1 --show Bogus 2>/dev/null",
		 RXS_CLI, EXAMPLE));
	assert_int_equal(status, 2);
}

/* Past one machine: the plan's commands run by xargs (as GNU parallel would), merged into
 * the table a local sweep prints, byte for byte, in both formats. */
static void test_sweep_plan_merge(void **state)
{
	static const char *const shows[] = { "", "--show UdpRcvbufErrors,drop.SOCKET_RCVBUFF" };
	char dir[] = "/tmp/rxsim-plan-XXXXXX";
	int status;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < 2; i++) {
		char *local, *merged, *plan;

		plan = run(&status, "%s sweep %s --set sockets.mdns.rcvbuf=65536,262144 --set "
			   "sysctl.net.core.rmem_max=212992,4194304 %s --plan %s/p%zu", RXS_CLI,
			   EXAMPLE, shows[i], dir, i);
		assert_int_equal(status, 0);
		assert_non_null(strstr(plan, " --format json -j 1 > "));
		/* Before the points ran: each is reported missing, exit 1. */
		merged = run(&status, "%s sweep --merge %s/p%zu 2>/dev/null", RXS_CLI, dir, i);
		assert_int_equal(status, 1);
		assert_non_null(strstr(merged, "(no result yet)\n"));
		free(merged);
		free(run(&status, "%s sweep %s --set sockets.mdns.rcvbuf=65536,262144 --set "
			 "sysctl.net.core.rmem_max=212992,4194304 %s --plan %s/p%zu --force | "
			 "xargs -d '\\n' -P 2 -I CMD sh -c CMD", RXS_CLI, EXAMPLE, shows[i], dir, i));
		assert_int_equal(status, 0);
		for (const char *fmt = "text"; fmt; fmt = strcmp(fmt, "text") ? NULL : "json") {
			merged = run(&status, "%s sweep --merge %s/p%zu --format %s", RXS_CLI, dir,
				     i, fmt);
			assert_int_equal(status, 0);
			local = run(&status, "%s sweep %s --set sockets.mdns.rcvbuf=65536,262144 "
				    "--set sysctl.net.core.rmem_max=212992,4194304 %s --format %s",
				    RXS_CLI, EXAMPLE, shows[i], fmt);
			assert_string_equal(merged, local);
			free(merged);
			free(local);
		}
		free(plan);
		free(run(&status, "rm -rf %s/p%zu", dir, i));
	}
	/* A broken plan names its file and line. */
	{
		char *err = run(&status, "mkdir %s/bad && printf '# x\\nset a=1\\nbogus\\n' > "
				"%s/bad/sweep.plan && %s sweep --merge %s/bad 2>&1", dir, dir,
				RXS_CLI, dir);
		char want[128];

		assert_int_equal(status, 2);
		snprintf(want, sizeof(want), "%s/bad/sweep.plan:3: not a sweep plan line", dir);
		assert_non_null(strstr(err, want));
		free(err);
		free(run(&status, "rm -rf %s/bad", dir));
	}
	rmdir(dir);
}

static const struct {
	int line;
	const char *scenario, *args, *want;
} trace_cases[] = {
	{ __LINE__, EXAMPLE, "--packet 1", "consumed: read by the application of socket mdns" },
	{ __LINE__, EXAMPLE, "--packet 100", "dropped: SOCKET_RCVBUFF" },
	{ __LINE__, EXAMPLE, "--packet 100", "packet 100: 128 bytes, UDP 10.0.0.1.10003 > "
					     "10.0.0.2.5353" },
	/* Stage by stage, with the decisions and the times of the path itself. */
	{ __LINE__, EXAMPLE, "--packet 1", "  0.000000000 s  NIC    NIC: DMA into RX queue 0 (IRQ to "
	  "CPU 0); ring 1 of 512 filled" },
	{ __LINE__, EXAMPLE, "--packet 1", "CPU 0  udp_rcv: port 5353: socket mdns\n" },
	{ __LINE__, EXAMPLE, "--packet 1", "__udp_enqueue_schedule_skb: socket mdns: rmem 0 + "
	  "truesize 2304 <= rcvbuf 131072" },
	{ __LINE__, EXAMPLE, "--packet 1", "recvmsg: the application of mdns read it" },
	/* Frame 17 of the capture (which also holds the host's own SYN-ACKs): the 12th offered. */
	{ __LINE__, RXS_SOURCE_DIR "/examples/accept-overflow/scenario.yaml", "--packet 17",
	  "tcp_v4_rcv: listener srv: SYN queue 0, accept queue 5, backlog 4" },
	{ __LINE__, RING_EXAMPLE, "--packet 700", "NIC    dropped: FULL_RING" },
	{ __LINE__, EXAMPLE, "--filter 'udp src port 10002' --count 2", "packet 7: " },
	/* tcpdump's captures: the tags decoded; no VLAN device takes them */
	{ __LINE__, TCPDUMP_PCAP("802.1ad_QinQ.pcap"), "--packet 2",
	  "packet 2: 64 bytes, 802.1ad vlan 200, vlan 2001, ethertype 0x0806" },
	{ __LINE__, TCPDUMP_PCAP("802.1ad_QinQ.pcap"), "--packet 2",
	  "dropped: UNHANDLED_PROTO in __netif_receive_skb_core" },
	{ __LINE__, TCPDUMP_PCAP("ldp-common-session.pcap"), "--packet 3",
	  "packet 3: 88 bytes, vlan 202, UDP 12.1.3.2.646 > 224.0.0.2.646" },
	/* (its VLAN 202 frames go to 224.0.0.2, which a bare host has not joined: the NIC's
	 * filter takes them out; the oracle case's tagged unicast reaches the core) */
	{ __LINE__, VLAN_CASE, "--packet 11", "802.1Q VLAN 202: no VLAN device, PACKET_OTHERHOST" },
	{ __LINE__, VLAN_CASE, "--filter 'vlan 202' --count 1", "dropped: OTHERHOST in ip_rcv_core" },
};

/* Frames are the capture's (tcpdump's ssh.pcap: 54 records, 24 of them the host's own):
 * Wireshark's frame 49 is the ssh retransmission the host drops as old data. A frame that
 * is not replayed, or a filter that matches none, fails with the reason on stderr. */
#define TCPDUMP_DIR RXS_SOURCE_DIR "/tests/data/pcaps/tcpdump-tests"
#define SSH TCPDUMP_DIR "/ssh.pcap"

static const struct {
	int line;
	const char *scenario, *args;
	int status;
	const char *want;
} frame_cases[] = {
	{ __LINE__, SSH, "--packet 49", 0,
	  "packet 49: 150 bytes, TCP 202.108.87.165.62146 > 223.132.53.222.22" },
	{ __LINE__, SSH, "--packet 49", 0, "dropped: TCP_OLD_DATA" },
	{ __LINE__, SSH, "--packet 48", 1,
	  "packet 48: the host's own frame (sent from its MAC), not replayed" },
	{ __LINE__, SSH, "--packet 55", 1, "packet 55: not in the traffic (" },
	{ __LINE__, SSH, "--packet 1:3", 1, "there is no traffic.1 (1 traffic source)" },
	{ __LINE__, SSH, "--filter 'udp port 9999'", 1,
	  "no replayed frame matches 'udp port 9999'" },
	{ __LINE__, EXAMPLE, "--packet 5000", 1, "packet 5000: not in the traffic (" },
};

static void test_trace_frames(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(frame_cases) / sizeof(frame_cases[0]); i++) {
		int status;
		char *out = run(&status, "%s trace %s %s 2>&1", RXS_CLI, frame_cases[i].scenario,
				frame_cases[i].args);

		if (status != frame_cases[i].status || !strstr(out, frame_cases[i].want))
			fail_msg("case at line %d: status %d, output:\n%s", frame_cases[i].line,
				 status, out);
		free(out);
	}
}

/* --drops names Wireshark's frame and dates it on the capture's clock: frame 49 of ssh.pcap
 * is at 1545562210.446622 s. --tx is dated on that clock too. */
static void test_drops_capture_frames(void **state)
{
	const char *path = RXS_BINARY_DIR "/test_report_ssh_drops.pcapng";
	const char *tx = RXS_BINARY_DIR "/test_report_ssh_tx.pcap";
	char errbuf[PCAP_ERRBUF_SIZE], *raw, *out;
	struct pcap_pkthdr *ph;
	const u_char *data;
	size_t len = 0;
	int status;
	pcap_t *p;

	(void)state;
	unlink(path);
	unlink(tx);
	out = run(&status, "%s replay %s --drops %s --tx %s", RXS_CLI, SSH, path, tx);
	assert_int_equal(status, 0);
	/* Wrapped to fit in 100 columns. */
	if (!strstr(out, "traffic ssh.pcap: 54 frames, 24 of them the host's own (sent from its "
			 "MAC: not replayed), 30\n  replayed; checksums: auto"))
		fail_msg("report:\n%s", out);
	free(out);
	raw = slurp(path, &len);
	assert_non_null(raw);
	assert_non_null(memmem(raw, len, "TCP_OLD_DATA in tcp_v4_rcv (frame 49, ", 38));
	free(raw);
	p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!p)
		fail_msg("pcap_open_offline: %s", errbuf);
	assert_int_equal(pcap_next_ex(p, &ph, &data), 1);
	assert_int_equal(ph->ts.tv_sec, 1545562210);
	assert_int_equal(ph->ts.tv_usec, 446622000);
	pcap_close(p);
	p = pcap_open_offline(tx, errbuf);
	if (!p)
		fail_msg("pcap_open_offline: %s", errbuf);
	assert_int_equal(pcap_next_ex(p, &ph, &data), 1);
	assert_true(ph->ts.tv_sec >= 1545562209 && ph->ts.tv_sec < 1545562220);
	pcap_close(p);
	/* HTML: the traffic box says it too. */
	unlink(RXS_BINARY_DIR "/test_report_ssh.html");
	free(run(&status, "%s replay %s --report %s", RXS_CLI, SSH,
		 RXS_BINARY_DIR "/test_report_ssh.html"));
	assert_int_equal(status, 0);
	raw = slurp(RXS_BINARY_DIR "/test_report_ssh.html", &len);
	assert_non_null(raw);
	assert_non_null(memmem(raw, len, "24 of its frames the host's own (not replayed)", 46));
	free(raw);
	/* JSON: the host's own frames and what was replayed, per source. */
	out = run(&status, "%s replay %s --format json", RXS_CLI, SSH);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "\"frames\": 54, \"own_frames\": 24, \"replayed\": 30, "));
	free(out);
}

/* Frames in a pcap: -1 when it does not open. */
static int pcap_count(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *ph;
	const u_char *data;
	pcap_t *p = pcap_open_offline(path, errbuf);
	int n = 0;

	if (!p)
		return -1;
	while (pcap_next_ex(p, &ph, &data) == 1)
		n++;
	pcap_close(p);
	return n;
}

/* --tx names the device each frame left by: a pcapng with an interface per device, or a
 * directory with a pcap per device. The oracle case nat-icmp-related sends 6 ICMP errors to
 * the client by eth0 and forwards 3 datagrams to the backend by eth1. */
static void test_tx_per_device(void **state)
{
	static const char cases[] = RXS_SOURCE_DIR "/tests/oracle/cases/nat-icmp-related";
	const char *ng = RXS_BINARY_DIR "/test_report_tx.pcapng";
	const char *dir = RXS_BINARY_DIR "/test_report_txdir/";
	unsigned int per_if[3] = { 0 };
	char *raw, *out, names[64] = "";
	size_t len = 0, off = 0;
	int status;

	(void)state;
	out = run(&status, "cd %s && %s replay scenario.yaml --force --tx %s", cases, RXS_CLI, ng);
	assert_int_equal(status, 0);
	free(out);
	raw = slurp(ng, &len);
	assert_non_null(raw);
	/* Blocks in host order: IDBs (type 1) name the interfaces (if_name, option 2), EPBs
	 * (type 6) carry the interface id. */
	while (off + 12 <= len) {
		uint32_t type, blen, id;

		memcpy(&type, raw + off, 4);
		memcpy(&blen, raw + off + 4, 4);
		if (type == 1 && off + 20 + 4 <= len) {
			uint16_t olen;

			memcpy(&olen, raw + off + 18, 2);
			strncat(names, raw + off + 20, olen < 8 ? olen : 8);
			strcat(names, " ");
		} else if (type == 6) {
			memcpy(&id, raw + off + 8, 4);
			if (id < 3)
				per_if[id]++;
		}
		off += blen ? blen : len;
	}
	free(raw);
	assert_string_equal(names, "eth0 eth1 ");
	assert_int_equal(per_if[0], 6);
	assert_int_equal(per_if[1], 3);
	assert_int_equal(per_if[2], 0);
	/* One pcap per device, kept unless --force. */
	out = run(&status, "rm -rf %s && cd %s && %s replay scenario.yaml --tx %s", dir, cases, RXS_CLI,
		  dir);
	assert_int_equal(status, 0);
	free(out);
	assert_int_equal(pcap_count(RXS_BINARY_DIR "/test_report_txdir/eth0.pcap"), 6);
	assert_int_equal(pcap_count(RXS_BINARY_DIR "/test_report_txdir/eth1.pcap"), 3);
	out = run(&status, "cd %s && %s replay scenario.yaml --tx %s 2>&1", cases, RXS_CLI, dir);
	assert_int_equal(status, 2);
	assert_non_null(strstr(out, "eth0.pcap exists; use --force"));
	free(out);
}

/* traffic[].checksums end to end, on bare captures of tcpdump's tests: edns-opts.pcap's
 * queries carry wrong UDP checksums (rewritten: recompute repairs them, auto does not),
 * quic_handshake.pcap's carry the TX-offload placeholder (auto repairs them). */
static const struct {
	int line;
	const char *pcap, *set;
	const char *want[3];
} csum_cases[] = {
	{ __LINE__, "edns-opts.pcap", "", { "offered 21 = consumed 0 + dropped 21 + queued 0",
	  "note: 21 of 21 frames (100%) were dropped for bad checksums (UDP_CSUM 21)",
	  "replay it with --set traffic.0.checksums=recompute" } },
	{ __LINE__, "edns-opts.pcap", "--set traffic.0.checksums=recompute",
	  { "offered 21 = consumed 21 + dropped 0 + queued 0",
	    "checksums: recompute, 21 frames with other wrong checksums rewritten", NULL } },
	{ __LINE__, "quic_handshake.pcap", "--set traffic.0.checksums=verify",
	  { "offered 18 = consumed 0 + dropped 18 + queued 0", "(UDP_CSUM 18)", NULL } },
	{ __LINE__, "quic_handshake.pcap", "", { "offered 18 = consumed 18 + dropped 0 + queued 0",
	  "checksums: auto, 18 TX-offload checksums filled in", NULL } },
	{ __LINE__, "quic_handshake.pcap", "--set traffic.0.checksums=recompute",
	  { "offered 18 = consumed 18 + dropped 0 + queued 0", NULL, NULL } },
};

static void test_checksums(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(csum_cases) / sizeof(csum_cases[0]); i++) {
		int status;
		char *out = run(&status, "%s replay %s/%s %s", RXS_CLI, TCPDUMP_DIR,
				csum_cases[i].pcap, csum_cases[i].set);

		for (int k = 0; k < 3; k++)
			if (status != 0 || (csum_cases[i].want[k] &&
					    !strstr(out, csum_cases[i].want[k])))
				fail_msg("case at line %d: status %d, want \"%s\" in:\n%s",
					 csum_cases[i].line, status, csum_cases[i].want[k], out);
		if (!strstr(csum_cases[i].want[0], "dropped 0") == !strstr(out, "dropped for bad checksums"))
			fail_msg("case at line %d: the checksum note, or its absence:\n%s",
				 csum_cases[i].line, out);
		free(out);
	}
}

/* Two captures: each numbers its own frames, and every message says which file. */
static void test_two_sources(void **state)
{
	const char *yaml = RXS_BINARY_DIR "/test_report_two.yaml";
	const char *drops = RXS_BINARY_DIR "/test_report_two.pcapng";
	char *out, *raw;
	size_t len = 0;
	int status;
	FILE *f = fopen(yaml, "w");

	(void)state;
	assert_non_null(f);
	fprintf(f, "nics: [{}]\ntraffic:\n  - { pcap: %s/edns-opts.pcap }\n"
		"  - { pcap: %s/quic_handshake.pcap }\n", TCPDUMP_DIR, TCPDUMP_DIR);
	assert_int_equal(fclose(f), 0);
	unlink(drops);
	out = run(&status, "%s replay %s --drops %s", RXS_CLI, yaml, drops);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "frames of traffic.1 are numbered as in that file: "
				    "\"frame N of quic_handshake.pcap\""));
	free(out);
	raw = slurp(drops, &len);
	assert_non_null(raw);
	assert_non_null(memmem(raw, len, "(frame 42 of edns-opts.pcap, ", 29));
	free(raw);
	out = run(&status, "%s trace %s --packet 1:18", RXS_CLI, yaml);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "packet 18 of quic_handshake.pcap: 93 bytes, UDP ::1.50606 > "));
	free(out);
}

static void test_trace(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(trace_cases) / sizeof(trace_cases[0]); i++) {
		int status;
		char *out = run(&status, "%s trace %s %s", RXS_CLI, trace_cases[i].scenario,
				trace_cases[i].args);

		if (status != 0 || !strstr(out, trace_cases[i].want))
			fail_msg("case at line %d: status %d, output:\n%s", trace_cases[i].line,
				 status, out);
		free(out);
	}
}

/* ---- a VLAN device, through the program ----
 * The kernel the oracle cases are recorded on has no 802.1Q (CONFIG_VLAN_8021Q is not set),
 * so no case there can have a VLAN device: this one is checked against the code of
 * vlan_do_receive() and __netif_receive_skb_core() instead (docs/vlan.md). */

static const char vlan_scenario[] =
	"nics:\n"
	"  - name: eth0\n"
	"    mac: 02:00:00:00:00:02\n"
	"    addresses: [10.0.0.2/24]\n"
	"    vlans:\n"
	"      - { id: 202, addresses: [10.2.0.2/24, fd02::2/64] }\n"
	"sockets:\n"
	"  - { name: v4, proto: udp, bind: 10.2.0.2:5000, app: { read: all } }\n"
	"  - { name: v6, proto: udp, bind: '[fd02::2]:5000', app: { read: all } }\n"
	"taps:\n"
	"  - { name: t, filter: 'vlan 202 and udp', write: %s/tap.pcap }\n"
	"traffic:\n"
	"  - { pcap: %s/in.pcap, nic: eth0 }\n";

/* An IPv6 UDP datagram from fd02::1 to fd02::2:5000 in a tag of VLAN 202. */
static void vlan_udp6(struct fr *f)
{
	uint8_t *ip, *u;
	uint32_t sum = 17 + 8 + 8;

	fr_eth(f, fr_host_mac, true, 202, 0x86dd);
	ip = f->d + f->l3;
	memset(ip, 0, 48);
	ip[0] = 0x60;
	fr_put16(ip + 4, 16);
	ip[6] = 17;
	ip[7] = 64;
	inet_pton(AF_INET6, "fd02::1", ip + 8);
	inet_pton(AF_INET6, "fd02::2", ip + 24);
	u = ip + 40;
	fr_put16(u, 1000);
	fr_put16(u + 2, 5000);
	fr_put16(u + 4, 16);
	sum = fr_sum(ip + 8, 32, sum);
	fr_put16(u + 6, fr_fold(fr_sum(u, 16, sum)));
	f->len = f->l3 + 56;
}

/* in.pcap: 3 datagrams to 10.2.0.2 in VLAN 202, 1 over IPv6, 2 in VLAN 203 (no device),
 * 1 untagged to 10.2.0.2 (the weak host model: the address is the host's on any device),
 * and a ping to 10.2.0.2 in VLAN 202, answered by eth0.202 (so in VLAN 202). */
static void write_vlan_capture(const char *path)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	struct fr f;

	assert_non_null(d);
	for (int i = 0; i < 8; i++) {
		struct pcap_pkthdr ph = { .ts = { .tv_sec = 1700000000, .tv_usec = i * 1000 } };

		if (i == 3) {
			vlan_udp6(&f);
		} else if (i == 7) {
			fr_icmp_echo(&f, "10.2.0.1", "10.2.0.2", 1, 8);
			memmove(f.d + 16, f.d + 12, f.len - 12);
			fr_put16(f.d + 12, FR_ETH_P_8021Q);
			fr_put16(f.d + 14, 202);
			f.len += 4;
		}
		else {
			fr_udp_vlan(&f, fr_host_mac, i != 6, i < 4 ? 202 : 203, "10.2.0.1",
				    "10.2.0.2", 1000, 5000, 20);
		}
		ph.caplen = ph.len = f.len;
		pcap_dump((u_char *)d, &ph, f.d);
	}
	pcap_dump_close(d);
	pcap_close(dead);
}

static void expect_in(int line, const char *out, const char *want)
{
	if (!strstr(out, want))
		fail_msg("line %d: no \"%s\" in:\n%s", line, want, out);
}

static void test_vlan_device(void **state)
{
	char dir[] = "/tmp/test_report_vlan.XXXXXX", path[256], tap[256], tx[256];
	uint8_t *pcap;
	size_t len;
	int status;
	char *out;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/in.pcap", dir);
	write_vlan_capture(path);
	snprintf(path, sizeof(path), "%s/s.yaml", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, vlan_scenario, dir, dir);
	fclose(fp);

	snprintf(tx, sizeof(tx), "%s/tx.pcap", dir);
	out = run(&status, "%s replay %s --format json --tx %s", RXS_CLI, path, tx);
	assert_int_equal(status, 0);
	/* the sockets on eth0.202's addresses read the 3 + 1 tagged and the untagged one */
	expect_in(__LINE__, out, "\"UdpInDatagrams\": 4,");
	expect_in(__LINE__, out, "\"Udp6InDatagrams\": 1,");
	expect_in(__LINE__, out, "\"name\": \"eth0.202\",\n      \"link\": \"eth0\",\n"
		  "      \"vlan_id\": 202,\n      \"rx_packets\": 5,");
	expect_in(__LINE__, out, "\"rx_otherhost_dropped\": 2,");
	expect_in(__LINE__, out, "\"drops\": {\n    \"OTHERHOST\": 2\n  }");
	expect_in(__LINE__, out, "\"offered\": 8,");
	expect_in(__LINE__, out, "\"ok\": true");
	free(out);

	/* the echo reply left eth0.202 by eth0, tagged */
	pcap = (uint8_t *)slurp(tx, &len);
	assert_int_equal(len, 24 + 16 + 14 + 4 + 20 + 16);
	assert_int_equal(pcap[24 + 16 + 12], 0x81);
	assert_int_equal(pcap[24 + 16 + 15], 202);
	assert_int_equal(pcap[24 + 16 + 18 + 20], 0);	/* ICMP echo reply */
	free(pcap);
	unlink(tx);

	/* the tap saw the four frames of VLAN 202 with their tag, as tcpdump would */
	snprintf(tap, sizeof(tap), "%s/tap.pcap", dir);
	pcap = (uint8_t *)slurp(tap, &len);
	assert_int_equal(len, 24 + 4 * 16 + 3 * 66 + 74);
	assert_int_equal(pcap[24 + 16 + 12], 0x81);
	assert_int_equal(pcap[24 + 16 + 15], 202);
	free(pcap);

	out = run(&status, "%s replay %s --force --format kernel", RXS_CLI, path);
	assert_int_equal(status, 0);
	expect_in(__LINE__, out, "eth0.202:     ");
	free(out);

	/* --set reaches into the VLAN entry: without 10.2.0.2 nothing is for the sockets */
	out = run(&status, "%s replay %s --force --format json "
		  "--set 'nics.eth0.vlans.0.addresses=[10.3.0.2/24, fd02::2/64]'", RXS_CLI, path);
	assert_int_equal(status, 0);
	expect_in(__LINE__, out, "\"UdpInDatagrams\": 0,");
	expect_in(__LINE__, out, "\"Udp6InDatagrams\": 1,");
	free(out);

	unlink(tap);	/* trace writes the tap's file too, and never over one */
	out = run(&status, "%s trace %s --packet 1 2>&1", RXS_CLI, path);
	expect_in(__LINE__, out, "packet 1: 66 bytes, vlan 202, UDP 10.2.0.1.1000 > 10.2.0.2.5000");
	expect_in(__LINE__, out, "vlan_do_receive: VLAN 202: to eth0.202");
	expect_in(__LINE__, out, "ethertype 0800 on eth0.202, softnet processed 2");
	free(out);
	unlink(tap);
	out = run(&status, "%s trace %s --packet 5 2>&1", RXS_CLI, path);
	expect_in(__LINE__, out, "dropped: OTHERHOST in ip_rcv_core");
	free(out);

	unlink(tap);
	unlink(path);
	snprintf(path, sizeof(path), "%s/in.pcap", dir);
	unlink(path);
	rmdir(dir);
}

/* The sampler buffer stays bounded, its points evenly spaced, and its totals exact. */
static void test_series_bounded(void **state)
{
	struct rxs_scenario *sc = NULL;
	rxs_host_t *h = NULL;
	rxs_series_t *s = NULL;
	char err[256];
	unsigned int n;

	(void)state;
	assert_int_equal(rxs_scenario_load(&sc, EXAMPLE, err, sizeof(err)), 0);
	assert_int_equal(rxs_host_create(&h, sc, err, sizeof(err)), 0);
	assert_int_equal(rxs_series_create(&s, h, 0, 3), -EINVAL);
	assert_int_equal(rxs_series_create(&s, h, 0, 16), 0);
	assert_int_equal(rxs_host_run(h), 0);
	rxs_series_finish(s);
	n = rxs_series_len(s);
	assert_true(n >= 8 && n <= 16);
	for (unsigned int i = 1; i + 1 < n; i++)
		assert_int_equal(rxs_series_time(s, i) - rxs_series_time(s, i - 1),
				 rxs_series_interval(s));
	assert_int_equal(rxs_series_time(s, n - 1), rxs_host_now(h));
	assert_int_equal(rxs_series_value(s, RXS_SERIES_DROPS, RXS_DROP_SOCKET_RCVBUFF, n - 1), 744);
	assert_int_equal(rxs_series_width(s, RXS_SERIES_RING), 1);
	rxs_series_destroy(s);
	rxs_host_destroy(h);
	rxs_scenario_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outputs_refuse_overwrite),
		cmocka_unit_test(test_html_self_contained),
		cmocka_unit_test(test_drops_pcapng),
		cmocka_unit_test(test_html_in_chromium),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_sweep_show_csv),
		cmocka_unit_test(test_sweep_plan_merge),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_trace_frames),
		cmocka_unit_test(test_two_sources),
		cmocka_unit_test(test_checksums),
		cmocka_unit_test(test_drops_capture_frames),
		cmocka_unit_test(test_tx_per_device),
		cmocka_unit_test(test_vlan_device),
		cmocka_unit_test(test_series_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
