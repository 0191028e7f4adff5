/* test_stats.c - counter names, the report printers (JSON, kernel formats, text) on a real
 * run, and the rxsim program end to end.
 *
 * The run mirrors the oracle case udp-rcvbuf: 200 UDP datagrams with a 100-byte payload
 * (142-byte frames) over a veth into a socket with SO_RCVBUF 4096 that is never read. On
 * Linux 6.18 that queues 9 and drops 191 (UdpRcvbufErrors), so those are the numbers here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "internal.h"
#include "rxsim/error.h"
#include "rxsim/nic.h"
#include "rxsim/sim.h"
#include "rxsim/stats.h"
#include "stats/stats_int.h"

/* ---- a minimal JSON validator (RFC 8259 grammar, no semantics) ---- */

static bool json_value(const char **p, int depth);

static void json_ws(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static bool json_string(const char **p)
{
	if (*(*p)++ != '"')
		return false;
	for (;;) {
		unsigned char c = (unsigned char)*(*p)++;

		if (c == '"')
			return true;
		if (c < 0x20)
			return false;
		if (c != '\\')
			continue;
		c = (unsigned char)*(*p)++;
		if (c == 'u') {
			for (int i = 0; i < 4; i++)
				if (!isxdigit((unsigned char)*(*p)++))
					return false;
		} else if (!strchr("\"\\/bfnrt", c) || c == '\0') {
			return false;
		}
	}
}

static bool json_number(const char **p)
{
	const char *s = *p;

	if (**p == '-')
		(*p)++;
	if (**p == '0')
		(*p)++;
	else if (isdigit((unsigned char)**p))
		while (isdigit((unsigned char)**p))
			(*p)++;
	else
		return false;
	if (**p == '.') {
		(*p)++;
		if (!isdigit((unsigned char)**p))
			return false;
		while (isdigit((unsigned char)**p))
			(*p)++;
	}
	return *p > s;
}

static bool json_container(const char **p, int depth, char close)
{
	(*p)++;
	json_ws(p);
	if (**p == close) {
		(*p)++;
		return true;
	}
	for (;;) {
		if (close == '}') {
			if (!json_string(p))
				return false;
			json_ws(p);
			if (*(*p)++ != ':')
				return false;
		}
		if (!json_value(p, depth + 1))
			return false;
		json_ws(p);
		if (**p == close) {
			(*p)++;
			return true;
		}
		if (*(*p)++ != ',')
			return false;
		json_ws(p);
	}
}

static bool json_value(const char **p, int depth)
{
	json_ws(p);
	if (depth > 32)
		return false;
	if (**p == '{')
		return json_container(p, depth, '}');
	if (**p == '[')
		return json_container(p, depth, ']');
	if (**p == '"')
		return json_string(p);
	for (const char *const *lit = (const char *const[]){ "true", "false", "null", NULL }; *lit;
	     lit++) {
		if (strncmp(*p, *lit, strlen(*lit)) == 0) {
			*p += strlen(*lit);
			return true;
		}
	}
	return json_number(p);
}

static bool json_valid(const char *s)
{
	if (!json_value(&s, 0))
		return false;
	json_ws(&s);
	return *s == '\0';
}

static const struct {
	int line;
	const char *text;
	bool valid;
} json_cases[] = {
	{ __LINE__, "{\"a\": [1, 2, {\"b\": \"x\\\"y\"}], \"c\": true}", true },
	{ __LINE__, "{}", true },
	{ __LINE__, "{\"a\": 1,}", false },
	{ __LINE__, "{\"a\" 1}", false },
	{ __LINE__, "[1, 2", false },
	{ __LINE__, "\"tab\there\"", false },
};

/* The validator itself, so a pass below means something. */
static void test_json_validator(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(json_cases); i++)
		if (json_valid(json_cases[i].text) != json_cases[i].valid)
			fail_msg("case at line %d: %s", json_cases[i].line, json_cases[i].text);
}

/* ---- counter names ---- */

static const struct {
	int line;
	enum rxs_mib mib;
	const char *name;
} mib_cases[] = {
	{ __LINE__, RXS_MIB_IpForwarding, "IpForwarding" },		/* first */
	{ __LINE__, RXS_MIB_IpInReceives, "IpInReceives" },
	{ __LINE__, RXS_MIB_UdpRcvbufErrors, "UdpRcvbufErrors" },
	{ __LINE__, RXS_MIB_IcmpMsgOutType3, "IcmpMsgOutType3" },
	{ __LINE__, RXS_MIB_TcpExtListenOverflows, "TcpExtListenOverflows" },
	{ __LINE__, RXS_MIB_IpExtInNoECTPkts, "IpExtInNoECTPkts" },
	{ __LINE__, RXS_MIB_Ip6InReceives, "Ip6InReceives" },
};

static void test_mib_name(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(mib_cases); i++) {
		const char *got = rxs_mib_name(mib_cases[i].mib);

		if (strcmp(got, mib_cases[i].name) != 0)
			fail_msg("case at line %d: got %s", mib_cases[i].line, got);
		if (rxs_mib_lookup(mib_cases[i].name) != (int)mib_cases[i].mib)
			fail_msg("case at line %d: lookup failed", mib_cases[i].line);
	}
	assert_string_equal(rxs_mib_name(RXS_MIB_COUNT), "UNKNOWN");
	assert_string_equal(rxs_mib_name((enum rxs_mib)-1), "UNKNOWN");
}

static const struct {
	int line;
	const char *name;
} lookup_miss_cases[] = {
	{ __LINE__, "" },
	{ __LINE__, "ipinreceives" },		/* names are case-sensitive, like nstat's */
	{ __LINE__, "IpInReceive" },
	{ __LINE__, "IpInReceivesX" },
	{ __LINE__, "UdpLiteInDatagrams" },	/* not modelled */
	{ __LINE__, NULL },
};

static void test_mib_lookup(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(lookup_miss_cases); i++)
		if (rxs_mib_lookup(lookup_miss_cases[i].name) != -1)
			fail_msg("case at line %d: found", lookup_miss_cases[i].line);
	/* Every name maps back to its counter, and names are unique. */
	for (int m = 0; m < RXS_MIB_COUNT; m++)
		assert_int_equal(rxs_mib_lookup(rxs_mib_name((enum rxs_mib)m)), m);
}

/* ---- a run to report on ---- */

static const char scenario_yaml[] =
	"host: { cpus: 1, hz: 250 }\n"
	"nics:\n"
	"  - name: eth0\n"
	"    mac: 02:00:0a:4d:00:02\n"
	"    addresses: [10.77.0.2/24]\n"
	"    rx_queues: 1\n"
	"    driver: veth\n"
	"    gro: false\n"
	"sockets:\n"
	"  - { name: srv, proto: udp, bind: 10.77.0.2:6100, rcvbuf: 4096, app: { read: never } }\n"
	"traffic:\n"
	"  - { pcap: udp.pcap, nic: eth0, speed: 1.0 }\n"
	"run: { until: 1s }\n";

static void path_in(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	assert_true(n > 0 && (size_t)n < len);
}

/* Write the 200-datagram capture and the scenario into @dir. */
static void write_inputs(const char *dir)
{
	struct rxs_gen_udp g = {
		.dst_mac = { 0x02, 0, 0x0a, 0x4d, 0, 0x02 },
		.src_mac = { 0x02, 0, 0x0a, 0x4d, 0, 0x01 },
		.dport = 6100,
		.flows = 1,
		.size = 142,		/* 14 + 20 + 8 + 100 bytes of payload */
		.rate_pps = 100000,
		.count = 200,
	};
	char path[512], err[256] = "";
	FILE *f;

	assert_int_equal(rxs_addr_parse(&g.dst, "10.77.0.2"), 0);
	assert_int_equal(rxs_addr_parse(&g.src, "10.77.0.1"), 0);
	path_in(path, sizeof(path), dir, "udp.pcap");
	if (rxs_gen_udp_pcap(&g, path, err, sizeof(err)) < 0)
		fail_msg("rxs_gen_udp_pcap: %s", err);
	path_in(path, sizeof(path), dir, "scenario.yaml");
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(scenario_yaml, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static rxs_host_t *make_host(const char *dir, bool run)
{
	struct rxs_scenario *sc = NULL;
	rxs_host_t *h = NULL;
	char path[512], err[512] = "";

	write_inputs(dir);
	path_in(path, sizeof(path), dir, "scenario.yaml");
	if (rxs_scenario_load(&sc, path, err, sizeof(err)) < 0)
		fail_msg("rxs_scenario_load: %s", err);
	if (rxs_host_create(&h, sc, err, sizeof(err)) < 0)
		fail_msg("rxs_host_create: %s", err);
	rxs_scenario_free(sc);
	if (run && rxs_host_run(h) < 0)
		fail_msg("rxs_host_run: %s", rxs_host_errmsg(h));
	return h;
}

/* What a printer wrote, as a string the caller frees. Not inlined: gcc 12 at -O2 then takes
 * the memstream's buffer for the local pointer variable and warns of a dangling pointer. */
__attribute__((noinline))
static char *report(int (*printer)(const struct rxs_host *, FILE *), const rxs_host_t *h)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(printer(h, f), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void assert_contains(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("missing \"%s\" in:\n%s", want, text);
}

/* ---- the printers on the udp-rcvbuf run ---- */

static void test_json_run(void **state)
{
	rxs_host_t *h = make_host(*state, true);
	char *json = report(rxs_report_json, h), want[128];

	if (!json_valid(json))
		fail_msg("invalid JSON:\n%s", json);
	/* Every counter, zeros included, with the value the host API gives. */
	for (int m = 0; m < RXS_MIB_COUNT; m++) {
		snprintf(want, sizeof(want), "\"%s\": %" PRIu64 ",", rxs_mib_name((enum rxs_mib)m),
			 rxs_host_mib(h, (enum rxs_mib)m));
		if (m == RXS_MIB_COUNT - 1)
			want[strlen(want) - 1] = '\0';
		assert_contains(json, want);
	}
	assert_contains(json, "\"IpInReceives\": 200,");
	assert_contains(json, "\"UdpRcvbufErrors\": 191,");
	assert_contains(json, "\"UdpInDatagrams\": 0,");
	assert_contains(json, "\"softnet\": [\n    {\"cpu\": 0, \"processed\": 200, \"dropped\": 0, "
			      "\"time_squeeze\": 0, \"received_rps\": 0, \"flow_limit_count\": 0, "
			      "\"backlog_len\": 0}\n  ],");
	assert_contains(json, "\"name\": \"eth0\",\n      \"rx_packets\": 200,");
	assert_contains(json, "{\"queue\": 0, \"rx_packets\": 200, \"rx_bytes\": 28400, ");
	assert_contains(json, "\"ring_max_fill\": ");
	assert_contains(json, "\"softirq_ns\": ");
	assert_contains(json, "\"name\": \"srv\",\n      \"proto\": \"udp\",\n"
			      "      \"local\": \"10.77.0.2:6100\",\n      \"recv_q\": 7488,");
	assert_contains(json, "\"drops\": 191,");
	assert_null(strstr(json, "syn_q"));	/* only TCP sockets have a SYN queue */
	assert_contains(json, "\"drops\": {\n    \"SOCKET_RCVBUFF\": 191\n  },");
	assert_contains(json, "\"conservation\": {\"offered\": 200, \"consumed\": 0, "
			      "\"dropped\": 191, \"queued\": 9, \"ok\": true},\n");
	/* What it is, what went in, the host as run (a scenario built in code: not assumed). */
	assert_true(strncmp(json, "{\n  \"schema_version\": 1,\n  \"nstat\"", 34) == 0);
	assert_contains(json, "\"inputs\": [\n    {\"path\": ");
	assert_contains(json, "\"format\": \"pcap\", \"link_type\": \"EN10MB\", "
			      "\"link_type_id\": 1, \"frames\": 200, \"own_frames_skipped\": 0, "
			      "\"replayed\": 200}");
	assert_contains(json, "\"host\": {\n    \"assumed\": false,\n");
	assert_contains(json, "\"local\": \"10.77.0.2:6100\", \"joins\": []}");
	/* Per source: the records, none the host's own, the checksums left as they were. */
	assert_contains(json, "\"frames\": 200, \"own_frames\": 0, \"replayed\": 200, ");
	assert_contains(json, "\"checksums\": {\"mode\": \"auto\", \"offload_repaired\": 0, "
			      "\"rewritten\": 0, \"left\": 0}}\n  ],\n  \"checksum_drops\": 0,");
	free(json);
	rxs_host_destroy(h);
}

/* A host that never ran still prints the whole shape, with empty drops. */
static void test_json_idle(void **state)
{
	rxs_host_t *h = make_host(*state, false);
	char *json = report(rxs_report_json, h);

	if (!json_valid(json))
		fail_msg("invalid JSON:\n%s", json);
	assert_contains(json, "\"drops\": {},");
	assert_contains(json, "\"offered\": 0,");
	assert_contains(json, "\"ok\": true}");
	free(json);
	rxs_host_destroy(h);
}

/* The block after "# @title\n", up to the next blank line, in a buffer the caller frees. */
static char *block(const char *text, const char *title)
{
	char head[128];
	const char *b, *e;

	snprintf(head, sizeof(head), "# %s\n", title);
	b = strstr(text, head);
	if (!b)
		fail_msg("no block %s in:\n%s", title, text);
	b += strlen(head);
	e = strstr(b, "\n\n");
	return strndup(b, e ? (size_t)(e - b + 1) : strlen(b));
}

static void check_softnet_line(const char *line, size_t len)
{
	if (len != 15 * 9 - 1)
		fail_msg("softnet line of %zu characters: %.*s", len, (int)len, line);
	for (size_t i = 0; i < len; i++) {
		bool sep = i % 9 == 8;

		if (sep ? line[i] != ' ' : !strchr("0123456789abcdef", line[i]) || !line[i])
			fail_msg("softnet line, column %zu: %.*s", i, (int)len, line);
	}
}

static void test_kernel_formats(void **state)
{
	rxs_host_t *h = make_host(*state, true);
	char *text = report(rxs_report_kernel, h), *b;
	unsigned int lines = 0;

	b = block(text, "cat /proc/net/softnet_stat");
	for (char *l = b, *nl; (nl = strchr(l, '\n')); l = nl + 1, lines++)
		check_softnet_line(l, (size_t)(nl - l));
	assert_int_equal(lines, rxs_host_ncpus(h));
	assert_true(strncmp(b, "000000c8 00000000 00000000 ", 27) == 0);	/* 200 processed */
	free(b);

	/* Lines as Linux 6.18's nstat and ss printed them in the oracle's snapshots. */
	b = block(text, "nstat -az");
	assert_true(strncmp(b, "#kernel\nIpInReceives                    200                0.0\n",
			    61) == 0);
	assert_contains(b, "\nUdpRcvbufErrors                 191                0.0\n");
	assert_null(strstr(b, "IpForwarding"));	/* not counters: nstat leaves them out */
	assert_null(strstr(b, "TcpCurrEstab"));
	free(b);
	b = block(text, "ss -lnu -m");
	assert_string_equal(b, "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n"
			       "UNCONN 7488   0          10.77.0.2:6100      0.0.0.0:*   \n"
			       "\t skmem:(r7488,rb8192,t0,tb212992,f0,w0,o0,bl0,d191)\n");
	free(b);
	b = block(text, "cat /proc/net/dev");
	assert_string_equal(b,
		"Inter-|   Receive                                                |  Transmit\n"
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets "
		"errs drop fifo colls carrier compressed\n"
		"  eth0:   28400     200    0    0    0     0          0         0        0       0"
		"    0    0    0     0       0          0\n");
	free(b);
	b = block(text, "ethtool -S eth0");
	assert_true(strncmp(b, "NIC statistics:\n     rx_packets: 200\n     rx_bytes: 28400\n", 58) == 0);
	assert_contains(b, "     rx_queue_0_packets: 200\n");
	free(b);
	assert_null(strstr(text, "/proc/interrupts"));	/* a veth has no IRQ */
	free(text);
	rxs_host_destroy(h);
}

static void test_text_report(void **state)
{
	rxs_host_t *h = make_host(*state, true);
	char *text = report(rxs_report_text, h);
	const char *kernel = strstr(text, "# cat /proc/net/softnet_stat");
	const char *funnel = strstr(text, "\nwhere every frame went ");

	assert_contains(text, "\nconservation: offered 200 = consumed 0 + dropped 191 + queued 9"
			      "  (ok)\n");
	assert_contains(text, "  offered frames                    200 ");
	assert_contains(text, "  - receive buffer full             191  SOCKET_RCVBUFF      "
			      "nstat UdpRcvbufErrors, ss -u -m skmem d\n");
	assert_null(strstr(text, "ring full"));		/* drop lines only when nonzero */
	assert_non_null(kernel);
	assert_non_null(funnel);
	/* nstat's nonzero counters only, as plain nstat prints them. */
	assert_contains(kernel, "# nstat -a\n#kernel\nIpInReceives                    200 ");
	assert_null(strstr(kernel, "IpInHdrErrors"));
	assert_null(strstr(text, "\033["));		/* no color unless asked */
	/* The funnel is readable in 100 columns (the title names the scenario's path, and
	 * the kernel's own formats are as wide as the kernel makes them). */
	for (const char *l = funnel + 1; l < kernel;) {
		const char *nl = strchr(l, '\n');

		if (nl - l > 100)
			fail_msg("line of %d columns: %.*s", (int)(nl - l), (int)(nl - l), l);
		l = nl + 1;
	}
	free(text);
	rxs_host_destroy(h);
}

static char *report_flags(const rxs_host_t *h, unsigned int flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(rxs_report_text_flags(h, f, flags), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* --all-counters gives nstat -az; color wraps whole lines, so without its escapes the
 * colored report is the plain one, byte for byte. */
static void test_text_report_flags(void **state)
{
	rxs_host_t *h = make_host(*state, true);
	char *plain = report_flags(h, 0), *all = report_flags(h, RXS_REPORT_F_ALL_COUNTERS);
	char *color = report_flags(h, RXS_REPORT_F_COLOR), *o = color;

	assert_contains(all, "# nstat -az\n#kernel\n");
	assert_contains(all, "\nIpInHdrErrors                   0                  0.0\n");
	assert_contains(color, "\033[1mUDP (udp_rcv, __udp4_lib_rcv)\033[0m\n");
	assert_contains(color, "\033[31m  - receive buffer full             191  SOCKET_RCVBUFF ");
	assert_contains(color, "\033[32m  offered frames                    200 ");
	assert_contains(color, "\033[32mconservation: offered 200 = consumed 0 + dropped 191 + "
			       "queued 9  (ok)\033[0m\n");
	for (const char *c = color; *c;) {
		if (*c == '\033')
			c += strspn(c + 2, "0123456789;") + 3;
		else
			*o++ = *c++;
	}
	*o = '\0';
	assert_string_equal(color, plain);
	free(plain);
	free(all);
	free(color);
	rxs_host_destroy(h);
}

/* ---- the funnel: every drop under the stage where it happens ---- */

/* Stages come in enum order, each once: rxs__funnel_settle() indexes by them. */
static void test_funnel_stages(void **state)
{
	int next = 0;

	(void)state;
	assert_int_equal(rxs__funnel[0].kind, RXS_FUNNEL_STAGE);
	for (size_t i = 0; i < rxs__funnel_len; i++) {
		if (rxs__funnel[i].kind != RXS_FUNNEL_STAGE)
			continue;
		if ((int)rxs__funnel[i].which != next)
			fail_msg("stage \"%s\" is number %zu, want %d", rxs__funnel[i].label,
				 rxs__funnel[i].which, next);
		next++;
	}
	assert_int_equal(next, RXS_ST_MAX);
}

/* The label of stage @st, as the funnel prints it. */
static const char *stage_label(enum rxs__funnel_stage st)
{
	for (size_t i = 0; i < rxs__funnel_len; i++)
		if (rxs__funnel[i].kind == RXS_FUNNEL_STAGE && rxs__funnel[i].which == st)
			return rxs__funnel[i].label;
	return "?";
}

/* Where drops land: the reason says the layer, the class which family's function. */
static const struct {
	int line;
	enum rxs_drop_reason reason;
	enum rxs_pkt_class cls;
	enum rxs__funnel_stage want;
} stage_cases[] = {
	{ __LINE__, RXS_DROP_FULL_RING, RXS_PKT_L2, RXS_ST_NIC },
	{ __LINE__, RXS_DROP_NOMEM, RXS_PKT_L2, RXS_ST_NIC },
	{ __LINE__, RXS_DROP_CPU_BACKLOG, RXS_PKT_UDP6, RXS_ST_SOFTIRQ },
	{ __LINE__, RXS_DROP_UNHANDLED_PROTO, RXS_PKT_L2, RXS_ST_CORE },
	{ __LINE__, RXS_DROP_PKT_TOO_SMALL, RXS_PKT_ARP, RXS_ST_ARP },
	{ __LINE__, RXS_DROP_NOT_SPECIFIED, RXS_PKT_ARP, RXS_ST_ARP },
	{ __LINE__, RXS_DROP_OTHERHOST, RXS_PKT_UDP6, RXS_ST_IPV6 },
	{ __LINE__, RXS_DROP_OTHERHOST, RXS_PKT_UDP4, RXS_ST_IPV4 },
	{ __LINE__, RXS_DROP_IPV6DISABLED, RXS_PKT_IPV6, RXS_ST_IPV6 },
	{ __LINE__, RXS_DROP_IP_INADDRERRORS, RXS_PKT_TCP6, RXS_ST_IPV6 },
	{ __LINE__, RXS_DROP_SOCKET_RCVBUFF, RXS_PKT_UDP6, RXS_ST_UDP6 },
	{ __LINE__, RXS_DROP_SOCKET_RCVBUFF, RXS_PKT_UDP4, RXS_ST_UDP4 },
	{ __LINE__, RXS_DROP_NO_SOCKET, RXS_PKT_UDP6, RXS_ST_UDP6 },
	{ __LINE__, RXS_DROP_UDP_CSUM, RXS_PKT_UDP4, RXS_ST_UDP4 },
	{ __LINE__, RXS_DROP_ICMP_CSUM, RXS_PKT_ICMP6, RXS_ST_ICMP6 },
	{ __LINE__, RXS_DROP_TCP_FLAGS, RXS_PKT_TCP6, RXS_ST_TCP },
	{ __LINE__, RXS_DROP_TCP_FLAGS, RXS_PKT_TCP4, RXS_ST_TCP },
	{ __LINE__, RXS_DROP_SOCKET_CLOSE, RXS_PKT_UDP4, RXS_ST_UDP4 },
};

static void test_funnel_drop_stage(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(stage_cases); i++) {
		enum rxs__funnel_stage got = rxs__drop_stage(stage_cases[i].reason,
							     stage_cases[i].cls);

		if (got != stage_cases[i].want)
			fail_msg("case at line %d: %s in \"%s\", want \"%s\"", stage_cases[i].line,
				 rxs_drop_reason_name(stage_cases[i].reason), stage_label(got),
				 stage_label(stage_cases[i].want));
	}
}

/* Render @s as text and JSON into malloc'd strings. */
static void render(struct rxs__funnel_snap *s, char **text, char **json)
{
	size_t n;
	FILE *f = open_memstream(text, &n);

	assert_non_null(f);
	rxs__funnel_settle(s);
	rxs__funnel_print(f, s, 0);
	fclose(f);
	f = open_memstream(json, &n);
	assert_non_null(f);
	assert_int_equal(rxs__funnel_json(f, s), 0);
	fclose(f);
}

/* The heading above @at in a funnel text: the nearest earlier line not indented. */
static const char *heading_above(const char *text, const char *at, char *buf, size_t n)
{
	const char *l = at;

	while (l > text) {
		const char *start = l - 1;

		while (start > text && start[-1] != '\n')
			start--;
		if (*start != ' ') {
			snprintf(buf, n, "%.*s", (int)(strchr(start, '\n') - start), start);
			return buf;
		}
		l = start;
	}
	return NULL;
}

/*
 * Every reason rxsim can produce, ending one packet of every class: the text shows it with
 * its count on a line under the heading of the stage rxs__drop_stage() gives it (a line of
 * that stage when the table has one, else "other drops" with the reason's cause), and the
 * JSON "funnel" lists it under that stage too. No drop is left to the conservation line.
 */
static void test_funnel_every_reason(void **state)
{
	static struct rxs__funnel_snap s;
	unsigned int others = 0;

	(void)state;
	for (unsigned int r = RXS_DROP_CONSUMED + 1; r < RXS_DROP_MAX; r++) {
		const char *name = rxs_drop_reason_name((enum rxs_drop_reason)r);

		if (strcmp(rxs_drop_reason_cause((enum rxs_drop_reason)r),
			   rxs_drop_reason_cause(RXS_DROP_MAX)) == 0)
			fail_msg("%s has no cause in plain words", name);
		for (unsigned int c = 0; c < RXS_PKT_CLASS_MAX; c++) {
			enum rxs__funnel_stage st = rxs__drop_stage((enum rxs_drop_reason)r,
								    (enum rxs_pkt_class)c);
			char want[160], head[160], *text, *json, *at, *js;

			memset(&s, 0, sizeof(s));
			s.reasons[r] = s.by_class[c][r] = 1;
			s.cons.offered = s.cons.dropped = 1;
			render(&s, &text, &json);
			snprintf(want, sizeof(want), "%10d  %-19s ", 1, name);
			at = strstr(text, want);
			if (!at || !heading_above(text, at, head, sizeof(head)) ||
			    strcmp(head, stage_label(st)) != 0)
				fail_msg("%s of class %u: not under \"%s\":\n%s", name, c,
					 stage_label(st), text);
			others += strncmp(at - 29, "  - other drops", 15) == 0;
			if (strncmp(at - 29, "  - other drops", 15) == 0 &&
			    !strstr(at, rxs_drop_reason_cause((enum rxs_drop_reason)r)))
				fail_msg("%s of class %u: other drops without a cause:\n%s", name, c,
					 text);
			for (const char *l = text, *nl; (nl = strchr(l, '\n')); l = nl + 1)
				if (nl - l > 100)
					fail_msg("%s: line of %d columns: %.*s", name, (int)(nl - l),
						 (int)(nl - l), l);
			snprintf(want, sizeof(want), "\"stage\": \"%s\"", stage_label(st));
			js = strstr(json, want);
			snprintf(want, sizeof(want), "\"reason\": \"%s\"", name);
			if (!json_valid(json) || !js || !strstr(js, want) ||
			    (strstr(js + 1, "\"stage\"") && strstr(js + 1, "\"stage\"") <
							      strstr(js, want)))
				fail_msg("%s of class %u: not under \"%s\" in JSON:\n%s", name, c,
					 stage_label(st), json);
			free(text);
			free(json);
		}
	}
	/* Most reasons have no line of their own: the check above did look at causes. */
	assert_true(others > RXS_DROP_MAX);
}

/* A counter and its reason that agree show once; a counter short of its reason shows the
 * difference as "other drops" at the same stage. */
static void test_funnel_other_drops(void **state)
{
	static struct rxs__funnel_snap s;
	char *text, *json;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.reasons[RXS_DROP_SOCKET_RCVBUFF] = s.by_class[RXS_PKT_UDP6][RXS_DROP_SOCKET_RCVBUFF] = 47;
	s.mib[RXS_MIB_Udp6RcvbufErrors] = 47;
	s.reasons[RXS_DROP_TCP_FLAGS] = s.by_class[RXS_PKT_TCP4][RXS_DROP_TCP_FLAGS] = 5;
	s.mib[RXS_MIB_Ip6InReceives] = s.mib[RXS_MIB_Ip6InDelivers] = 50;
	render(&s, &text, &json);
	assert_non_null(strstr(text, "UDP over IPv6 (udpv6_rcv, __udp6_lib_rcv)\n"
				     "  - receive buffer full              47  SOCKET_RCVBUFF "));
	assert_null(strstr(text, "other drops                47  SOCKET_RCVBUFF"));
	assert_non_null(strstr(text, "TCP (tcp_v4_rcv, tcp_v6_rcv)\n"
				     "  - other drops                       5  TCP_FLAGS  "));
	assert_non_null(strstr(text, "      cause: segments of a connection the host does not know: "
				     "the capture joined it mid-way?\n"));
	assert_null(strstr(text, "IPv4 ("));	/* no IPv4 traffic, no IPv4 stage */
	assert_non_null(strstr(text, "IPv6 (ipv6_rcv, ip6_input)\n"));
	free(text);
	free(json);
}

/* ARP has no kernel counter: the frames that reached arp_rcv are rxsim's count, and its
 * drops are "other drops" of its stage. */
static void test_funnel_arp(void **state)
{
	static struct rxs__funnel_snap s;
	char *text, *json;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.ended[RXS_PKT_ARP] = 10;
	s.reasons[RXS_DROP_PKT_TOO_SMALL] = s.by_class[RXS_PKT_ARP][RXS_DROP_PKT_TOO_SMALL] = 2;
	render(&s, &text, &json);
	assert_non_null(strstr(text, "ARP (arp_rcv)\n"
				     "  received                           10  "));
	assert_non_null(strstr(text, "  - other drops                       2  PKT_TOO_SMALL  "));
	assert_non_null(strstr(json, "\"stage\": \"ARP (arp_rcv)\""));
	free(text);
	free(json);
}

/* ---- the rxsim program ---- */

/* Run `rxsim @args` with every "@" in @args replaced by @dir; stdout into *@out (caller
 * frees), stderr into @dir/stderr.txt. Returns the exit status. */
static int run_cli(const char *dir, const char *args, char **out)
{
	char cmd[2048];
	size_t n = (size_t)snprintf(cmd, sizeof(cmd), "'%s' ", RXS_CLI), len = 0;
	FILE *p;
	int status;

	for (const char *a = args; *a && n < sizeof(cmd) - 512; a++)
		n += (size_t)(*a == '@' ? snprintf(cmd + n, sizeof(cmd) - n, "%s", dir)
					: snprintf(cmd + n, sizeof(cmd) - n, "%c", *a));
	snprintf(cmd + n, sizeof(cmd) - n, " 2>'%s/stderr.txt'", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	*out = NULL;
	for (int c; (c = fgetc(p)) != EOF; len++) {
		if (len % 4096 == 0)
			*out = realloc(*out, len + 4097);
		assert_non_null(*out);
		(*out)[len] = (char)c;
	}
	*out = realloc(*out, len + 1);
	(*out)[len] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const struct {
	int line;
	const char *args;	/* "@" is the test's folder */
	int status;
	const char *want;	/* in stdout, after "@" is replaced; NULL: no check */
} cli_cases[] = {
	{ __LINE__, "--version", 0, "rxsim " },
	{ __LINE__, "--help", 0, "usage: rxsim <command>" },
	{ __LINE__, "help replay", 0, "--format text|kernel|json" },
	{ __LINE__, "replay --help", 0, "--set KEY=VALUE" },
	{ __LINE__, "", 2, NULL },
	{ __LINE__, "frobnicate", 2, NULL },
	{ __LINE__, "--frobnicate", 2, NULL },
	{ __LINE__, "help frobnicate", 2, NULL },
	{ __LINE__, "gen udp -o @/g.pcap --count 50 --rate 10kpps --size 100 --dport 53 --flows 4",
	  0, "wrote 50 frames to @/g.pcap\n" },
	{ __LINE__, "gen udp --count 5", 2, NULL },			/* no -o */
	{ __LINE__, "gen udp -o @/x.pcap --count -5", 2, NULL },
	{ __LINE__, "gen udp -o @/x.pcap --dst-mac 02:00:00", 2, NULL },
	{ __LINE__, "gen udp -o @/x.pcap --size", 2, NULL },
	{ __LINE__, "gen syn -o @/s.pcap --count 5 --sources 3", 0, "wrote 5 frames to @/s.pcap\n" },
	{ __LINE__, "gen tcp -o @/t.pcap --count 6 --flows 2 --seed 1", 0, "wrote 2 connections (SYN, SYN-ACK, ACK) and 6 data segments" },
	{ __LINE__, "gen syn -o @/x.pcap --size 100", 2, NULL },	/* size is not a SYN's */
	/* An existing file is kept unless --force; "-" is stdout. */
	{ __LINE__, "gen udp -o @/g.pcap --count 5", 2, NULL },
	{ __LINE__, "gen udp -o @/f.pcap --count 5", 0, "wrote 5 frames to @/f.pcap\n" },
	{ __LINE__, "gen udp -o @/f.pcap --count 7 --force", 0, "wrote 7 frames to @/f.pcap\n" },
	{ __LINE__, "replay @/f.pcap --format json", 0, "\"conservation\": {\"offered\": 7, " },
	{ __LINE__, "gen udp -o - --count 3 --force", 0, "\xd4\xc3\xb2\xa1" },
	{ __LINE__, "check @/scenario.yaml", 0, "@/scenario.yaml: ok (1 nics, 1 sockets, "
						"1 traffic sources)\n" },
	{ __LINE__, "check @/scenario.yaml --set sysctl.net.core.netdev_budget=600", 0, "ok" },
	{ __LINE__, "check @/scenario.yaml --set no.such.key=1", 2, NULL },
	{ __LINE__, "check @/missing.yaml", 2, NULL },
	{ __LINE__, "replay @/scenario.yaml --format json", 0, "\"UdpRcvbufErrors\": 191," },
	{ __LINE__, "replay @/scenario.yaml --format=kernel", 0, "# nstat -az\n#kernel\n" },
	{ __LINE__, "replay @/scenario.yaml", 0, "conservation: offered 200 = consumed 0 + "
						 "dropped 191 + queued 9  (ok)\n" },
	{ __LINE__, "replay @/scenario.yaml --format xml", 2, NULL },
	{ __LINE__, "replay @/scenario.yaml --engine threaded --top-speed --format json", 0,
	  "\"conservation\": {\"offered\": 200, " },
	{ __LINE__, "replay @/scenario.yaml --engine warp", 2, NULL },
	{ __LINE__, "replay @/scenario.yaml --bogus", 2, NULL },
	{ __LINE__, "replay @/scenario.yaml @/scenario.yaml", 2, NULL },
	{ __LINE__, "replay", 2, NULL },
	/* A capture alone runs on the default host: one socket per UDP port, read by an
	 * application that keeps up, so all 50 frames are consumed. */
	{ __LINE__, "replay @/g.pcap --format json", 0, "\"name\": \"udp:53\",\n"
						      "      \"proto\": \"udp\",\n"
						      "      \"local\": \"[::]:53\"," },
	{ __LINE__, "replay @/g.pcap --format json", 0, "\"conservation\": {\"offered\": 50, "
						      "\"consumed\": 50, \"dropped\": 0, " },
};

static void test_cli(void **state)
{
	const char *dir = *state;

	write_inputs(dir);
	for (size_t i = 0; i < ARRAY_SIZE(cli_cases); i++) {
		char want[512] = "", *out;
		int status = run_cli(dir, cli_cases[i].args, &out);
		size_t n = 0;

		for (const char *w = cli_cases[i].want; w && *w && n < sizeof(want) - 256; w++)
			n += (size_t)(*w == '@' ? snprintf(want + n, sizeof(want) - n, "%s", dir)
						: snprintf(want + n, sizeof(want) - n, "%c", *w));
		if (status != cli_cases[i].status)
			fail_msg("case at line %d: rxsim %s: exit %d, want %d", cli_cases[i].line,
				 cli_cases[i].args, status, cli_cases[i].status);
		if (cli_cases[i].want && !strstr(out, want))
			fail_msg("case at line %d: rxsim %s: no \"%s\" in:\n%s", cli_cases[i].line,
				 cli_cases[i].args, want, out);
		if (strstr(cli_cases[i].args, "json") && !json_valid(out))
			fail_msg("case at line %d: invalid JSON:\n%s", cli_cases[i].line, out);
		free(out);
	}
}

/* The issue-17 case: an IPv6 UDP flood to [::]:9 whose reader never reads. */
static const char v6_flood_yaml[] =
	"host: { cpus: 1 }\n"
	"nics:\n"
	"  - { name: eth0, mac: 02:00:00:00:00:02, addresses: [10.0.0.2/24, fd00::2/64] }\n"
	"sockets:\n"
	"  - { name: discard, proto: udp, bind: \"[::]:9\", rcvbuf: 4096, app: { read: never } }\n"
	"traffic:\n"
	"  - { pcap: v6.pcap, nic: eth0 }\n";

static bool file_has(const char *path, const char *want)
{
	char *buf = calloc(1, 1 << 20);
	FILE *f = fopen(path, "r");
	bool found;

	assert_non_null(buf);
	assert_non_null(f);
	buf[fread(buf, 1, (1 << 20) - 1, f)] = '\0';
	fclose(f);
	found = strstr(buf, want) != NULL;
	free(buf);
	return found;
}

/* IPv6 reaches every report: its stage, the UDP-over-IPv6 stage and the drop line, in the
 * text funnel, the JSON funnel and the HTML page (table and drop box). The never-read
 * socket's 4096-byte buffer holds 3 of the 100 datagrams; the other 97 are dropped. */
static void test_cli_ipv6_flood(void **state)
{
	const char *dir = *state;
	char path[512], html[512], *out;
	FILE *f;

	path_in(path, sizeof(path), dir, "v6.yaml");
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(v6_flood_yaml, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(run_cli(dir, "gen udp -o @/v6.pcap --dst fd00::2 --src fd00::1 "
				 "--count 100 --rate 100kpps", &out), 0);
	free(out);

	assert_int_equal(run_cli(dir, "replay @/v6.yaml --quiet --report @/v6.html", &out), 0);
	assert_contains(out, "IPv6 (ipv6_rcv, ip6_input)\n"
			     "  received                          100  ");
	assert_contains(out, "UDP over IPv6 (udpv6_rcv, __udp6_lib_rcv)\n"
			     "  - receive buffer full              97  SOCKET_RCVBUFF      "
			     "nstat Udp6RcvbufErrors");
	assert_contains(out, "offered 100 = consumed 0 + dropped 97 + queued 3  (ok)");
	assert_null(strstr(out, "IPv4 ("));
	free(out);

	assert_int_equal(run_cli(dir, "replay @/v6.yaml --format json", &out), 0);
	assert_true(json_valid(out));
	assert_contains(out, "\"stage\": \"UDP over IPv6 (udpv6_rcv, __udp6_lib_rcv)\",\n"
			     "      \"lines\": [\n"
			     "        {\"kind\": \"drop\", \"label\": \"receive buffer full\", "
			     "\"count\": 97, \"reason\": \"SOCKET_RCVBUFF\"");
	assert_contains(out, "\"stage\": \"IPv6 (ipv6_rcv, ip6_input)\"");
	assert_contains(out, "\"Udp6RcvbufErrors\": 97,");
	free(out);

	path_in(html, sizeof(html), dir, "v6.html");
	assert_true(file_has(html, "<tr class=\"stage\"><td colspan=\"4\">UDP over IPv6 "
				   "(udpv6_rcv, __udp6_lib_rcv)</td></tr>"));
	assert_true(file_has(html, "97 dropped: receive buffer full"));
	assert_true(file_has(html, "Ip6InReceives 100"));
}

/* A capture cut inside a packet: the run stops with exit 1 and still reports what it did. */
static void test_cli_broken_capture(void **state)
{
	const char *dir = *state;
	const char *at = strstr(scenario_yaml, "udp.pcap");
	char path[512], cmd[1200], *out;
	FILE *f;

	write_inputs(dir);
	path_in(path, sizeof(path), dir, "udp.pcap");
	snprintf(cmd, sizeof(cmd), "head -c 1000 '%s' > '%s/cut.pcap'", path, dir);
	assert_int_equal(system(cmd), 0);
	path_in(path, sizeof(path), dir, "cut.yaml");
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%.*scut.pcap%s", (int)(at - scenario_yaml), scenario_yaml, at + 8);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(run_cli(dir, "replay @/cut.yaml", &out), 1);
	assert_contains(out, "conservation: offered ");
	assert_contains(out, "(ok)");
	free(out);
}

static int setup_tmpdir(void **state)
{
	char *dir = strdup("/tmp/test_stats.XXXXXX");

	if (!dir || !mkdtemp(dir))
		return -1;
	*state = dir;
	return 0;
}

static int teardown_tmpdir(void **state)
{
	char cmd[512];
	int rc;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *)*state);
	rc = system(cmd);
	free(*state);
	return rc == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_validator),
		cmocka_unit_test(test_mib_name),
		cmocka_unit_test(test_mib_lookup),
		cmocka_unit_test(test_json_run),
		cmocka_unit_test(test_json_idle),
		cmocka_unit_test(test_kernel_formats),
		cmocka_unit_test(test_text_report),
		cmocka_unit_test(test_text_report_flags),
		cmocka_unit_test(test_funnel_stages),
		cmocka_unit_test(test_funnel_drop_stage),
		cmocka_unit_test(test_funnel_every_reason),
		cmocka_unit_test(test_funnel_other_drops),
		cmocka_unit_test(test_funnel_arp),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_cli_broken_capture),
		cmocka_unit_test(test_cli_ipv6_flood),
	};

	return cmocka_run_group_tests(tests, setup_tmpdir, teardown_tmpdir);
}
