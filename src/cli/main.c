/* main.c - the rxsim program: command dispatch, help and version.
 *
 * The program is a user of the library like any other: it includes only include/rxsim/.
 * Results go to stdout, messages and errors to stderr, so `--format json > out.json` is
 * always clean JSON.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "rxsim/config.h"
#include "rxsim/version.h"


static const char usage_main[] =
	"usage: rxsim <command> [options]\n"
	"\n"
	"commands:\n"
	"  replay SCENARIO.yaml|CAPTURE.pcap  run a scenario (or a capture on a default host) and\n"
	"                                     report where every packet went, stage by stage\n"
	"  check SCENARIO.yaml                validate a scenario without running it\n"
	"  sweep SCENARIO.yaml --set K=V1,V2  the same run over a grid of values, in parallel\n"
	"  trace SCENARIO.yaml --packet N     walk one packet through the path, stage by stage\n"
	"  advise SCENARIO.yaml|CAPTURE       search the knobs that govern its drops for the\n"
	"                                     smallest changes that remove them\n"
	"  gen udp|syn|tcp|mixed -o OUT.pcap  write synthetic traffic to a pcap file\n"
	"  scenario CAPTURE [-o FILE]         the host rxsim assumes for a bare capture, as a\n"
	"                                     commented scenario YAML to edit and replay\n"
	"  help [COMMAND]                     help on a command\n"
	"\n"
	"options:\n"
	"  -h, --help     this help\n"
	"  --version      print the version\n"
	"\n"
	"\"-\" is standard input wherever a scenario or a capture is read.\n"
	"\n"
	"exit status: 0 done; 1 the run stopped on an error or was interrupted by SIGINT (the\n"
	"report shows what was done), a run of sweep or advise failed, trace found no such\n"
	"frame, or writing an output failed; 2 bad command line, scenario, input file, or an\n"
	"output file that exists (--force); 3 packet conservation violated (a bug).\n";

static const char usage_replay[] =
	"usage: rxsim replay SCENARIO.yaml|CAPTURE.pcap[ng] [options]\n"
	"\n"
	"Run the scenario in virtual time; print where every frame went, stage by stage, with the\n"
	"kernel's drop reasons and counter names, then the counters in the kernel's own formats.\n"
	"\n"
	"  --format text|kernel|json  report format (default text); json is the stable contract\n"
	"                             (schema: share/rxsim/rxsim-report.schema.json)\n"
	"  -o, --output FILE          the report into FILE instead of stdout (--force to replace)\n"
	"  --all-counters             text: every nstat counter (nstat -az), not only nonzero\n"
	"  --color[=auto|always|never]  text: color stages, drops, passes and conservation;\n"
	"                             auto (default): when stdout is a terminal and NO_COLOR is\n"
	"                             unset or empty\n"
	"  --set KEY=VALUE            override one scenario value; repeatable, e.g.\n"
	"                               --set sysctl.net.core.netdev_budget=600\n"
	"                               --set nics.eth0.ring_size=64\n"
	"  --report FILE.html         also write one self-contained HTML page: the path drawn\n"
	"                             with the counts and drops, and time series of the run\n"
	"  --report-interval TIME     sample every TIME (e.g. 100us; default: automatic, 256 to\n"
	"                             512 samples over the run; it doubles past 512 samples)\n"
	"  --drops FILE.pcapng        write every dropped packet, its drop reason as the packet\n"
	"                             comment, timestamped with its arrival at the NIC\n"
	"  --tx FILE.pcap             write every frame the host sends (SYN-ACKs, ACKs, RSTs)\n"
	"                             to a pcap, stamped with virtual time\n"
	"  --nflog FILE.pcap          write the packets NFLOG rules hit, as tcpdump -i nflog\n"
	"                             does (link type NFLOG: group, prefix, IP packet)\n"
	"  --force                    let -o, --report, --drops, --tx and the scenario's taps\n"
	"                             replace existing files (never through a symbolic link)\n"
	"  -q, --quiet                no progress line (shown on stderr when it is a terminal:\n"
	"                             frames, frames/s, virtual time, percent done, time left)\n"
	"  --progress                 the progress line even when stderr is not a terminal\n"
	"  --engine virtual|threaded  virtual (the default): deterministic, virtual time, as fast\n"
	"                             as one core goes. threaded: a thread per CPU (ksoftirqd/N),\n"
	"                             in parallel, a NIC thread per source pacing it on the real\n"
	"                             clock and a timer thread; not deterministic\n"
	"  --top-speed                threaded engine: the NIC replays as fast as the CPUs take\n"
	"                             it (each CPU reading the frames of its own queues) instead\n"
	"                             of at the capture's pace\n"
	"  --host ADDR|MAC            a bare capture: which end is the host (an IPv4 or IPv6\n"
	"                             address, or a MAC); default: the unicast destination MAC\n"
	"                             the capture's requests go to\n"
	"\n"
	"\"-\" reads the scenario or the capture from standard input (a pipe is spooled to an\n"
	"anonymous temporary file first: a capture is read twice).\n"
	"\n"
	"A capture given instead of a scenario (.pcap, .pcapng, .cap, or by its magic number)\n"
	"runs on a default host that owns its traffic: one NIC eth0 (generic driver,\n"
	"4096-descriptor ring) with the host's MAC, the unicast destination addresses of the\n"
	"frames sent to it (and an IPv6 link-local address when IPv6 reaches it), an MTU that\n"
	"fits them; a loopback device lo instead for loopback captures without Ethernet headers\n"
	"(SLL, BSD loopback, raw IP to 127.0.0.1 or ::1). A dual-stack UDP socket or TCP\n"
	"listener, with an application that takes everything, on each port that looks like a\n"
	"server's: SYNs came to it, or it answered, or its number is well-known or registered\n"
	"while the peer's is ephemeral, or datagrams to it came from many ports or to a group;\n"
	"never on a client's ephemeral port. It runs until 1 s after the last frame. Frames the\n"
	"host itself sent (its MAC as the source) are not replayed. The report shows this host;\n"
	"`rxsim scenario CAPTURE` prints it as YAML, with why each part was assumed.\n";

static const char usage_scenario[] =
	"usage: rxsim scenario CAPTURE [--host ADDR|MAC] [-o FILE [--force]]\n"
	"\n"
	"Print the host rxsim assumes for a bare capture (what `rxsim replay CAPTURE` runs on)\n"
	"as a scenario YAML, each NIC and socket with a comment saying why it was assumed; the\n"
	"sockets that read a multicast group's datagrams join it; the NIC carries a VLAN\n"
	"device for each VLAN id of the frames to it. Replaying the file gives exactly what the\n"
	"bare replay gives; edit it to try another host.\n"
	"\n"
	"  --host ADDR|MAC      which end of the capture is the host (default: the most\n"
	"                       frequent unicast destination MAC)\n"
	"  -o, --output FILE    write the YAML to FILE instead of stdout\n"
	"  --force              let -o replace an existing file (never through a link)\n";

static const char usage_sweep[] =
	"usage: rxsim sweep SCENARIO.yaml|CAPTURE --set KEY=V1,V2,... [--set KEY2=A,B]... [options]\n"	"       rxsim sweep --merge DIR [--format text|csv|json]\n"
	"\n"
	"Run the scenario once per point of the grid (the cartesian product of the values; a\n"
	"--set with one value is a fixed override), each run in its own process, and print one\n"
	"row per point: the values, then offered, consumed, dropped, queued, UdpRcvbufErrors,\n"
	"rx_missed_errors, time_squeeze, backlog drops, TcpExtListenOverflows and the top drop\n"
	"reason. Deterministic: the same grid gives the same table.\n"
	"\n"
	"  --format text|csv|json  output format (default text); json adds every drop reason\n"
	"  --show C1,C2,...    the counter columns instead of the default ones: nstat names\n"
	"                      (UdpRcvbufErrors, TcpExtListenOverflows, ...), softnet.processed,\n"
	"                      softnet.dropped, softnet.time_squeeze, softnet.received_rps,\n"
	"                      softnet.flow_limit_count (summed over CPUs), rx_missed_errors,\n"
	"                      drop.REASON (drop.SOCKET_RCVBUFF), offered, consumed, dropped, queued\n"
	"  -j N                runs at a time (default: the number of CPUs)\n"
	"  --host ADDR|MAC     a bare capture: which end is the host (see rxsim help replay)\n"
	"  --plan DIR          run nothing: print one shell command per grid point (each writes\n"
	"                      DIR/point-NNNNNN.json) for GNU parallel, xargs or a job array,\n"
	"                      and note the grid in DIR/sweep.plan\n"
	"  --force             let --plan replace a plan in DIR (and forget its results)\n"
	"  --merge DIR         the table from a plan's results (no scenario or --set: the plan\n"
	"                      has them); a point without its file is reported and exits 1\n"
	"\n"
	"Exit status 1 when any run failed.\n";

static const char usage_trace[] =
	"usage: rxsim trace SCENARIO.yaml|CAPTURE [--packet N | --filter EXPR [--count K]]\n"
	"                   [--set KEY=VALUE]...\n"
	"\n"
	"Run the scenario and walk one offered frame through the receive path: each stage it\n"
	"passed with the CPU, and where its life ended (read by which socket's application, or\n"
	"dropped, with the drop reason and the virtual time).\n"
	"\n"
	"  --packet N     frame N of the capture, numbered as Wireshark numbers it (1-based,\n"
	"                 every record, the host's own frames too; default 1); with several\n"
	"                 traffic sources, frame N of the first, or I:N for frame N of\n"
	"                 traffic.I. Exit status 1 when that frame was not replayed or no\n"
	"                 frame matches the filter\n"
	"  --filter EXPR  instead, the first frames matching a tcpdump expression\n"
	"  --count K      how many matching frames to walk (default 1)\n"
	"  --host ADDR|MAC  a bare capture: which end is the host (see rxsim help replay)\n";

static const char usage_advise[] =
	"usage: rxsim advise SCENARIO.yaml|CAPTURE [--set KEY=VALUE]... [-j N] [--format text|json]\n"
	"\n"
	"Run the scenario, find which kinds of drop happen (ring full, backlog full, receive\n"
	"buffer full, accept or SYN queue full; also time_squeeze and one CPU doing all the\n"
	"work), and search the knobs that govern each: the ring size (doubling up to 4096),\n"
	"netdev_max_backlog (to 65536), netdev_budget and netdev_budget_usecs, SO_RCVBUF (with\n"
	"rmem_max when it caps it), the listen() backlog (with somaxconn, tcp_max_syn_backlog),\n"
	"tcp_syncookies, RSS over one queue per CPU and RPS. Each candidate is one run in its own\n"
	"process, changing one knob from the scenario as given; at most 64 runs in all.\n"
	"For each kind of drop it prints the smallest change that removes it (or the one that\n"
	"reduces it the most), the counters before and after, the commands that make the same\n"
	"change on a real host (sysctl -w, ethtool -G/-L/-N, rps_cpus, setsockopt, listen),\n"
	"then all the changes together, run once more. Deterministic: the same output for any -j.\n"
	"\n"
	"  --set KEY=VALUE      override one scenario value before the search; repeatable\n"
	"  -j N                 runs at a time (default: the number of CPUs)\n"
	"  --format text|json   output format (default text)\n"
	"  --host ADDR|MAC      a bare capture: which end is the host (see rxsim help replay)\n"
	"\n"
	"Exit status 1 when a run failed.\n";

static const char usage_check[] =
	"usage: rxsim check SCENARIO.yaml|CAPTURE [--host ADDR|MAC] [--set KEY=VALUE]...\n"
	"\n"
	"Read and validate the scenario (or build a capture's default host), open its traffic\n"
	"files, and say what it holds. Exit status 0 when it is valid, 2 otherwise.\n";

static const char usage_gen[] =
	"usage: rxsim gen udp|syn|tcp|mixed -o OUT.pcap [options]\n"
	"\n"
	"Write synthetic traffic as a pcap file, with valid IP, UDP and TCP checksums.\n"
	"  udp   a UDP flood\n"
	"  syn   a SYN flood: each frame a new connection (MSS, SACK permitted, timestamps and\n"
	"        window scale options), from --sources addresses, random-looking ports and ISNs\n"
	"  tcp   --flows connections: each opened first (SYN, the server's SYN-ACK from\n"
	"        --dst-mac, ACK, as a two-way capture has them: rxsim replays the client's\n"
	"        frames and takes the server's ISNs), then --count in-order data segments\n"
	"        (ACK|PSH, timestamps), round robin\n"
	"  mixed 60% UDP over 8 flows to port 9, 30% TCP connections with their handshakes\n"
	"        to port 80, 10% SYNs of a flood from sources 256 above --src; merged by\n"
	"        timestamp (takes --count, --rate, --seed, addresses and MACs)\n"
	"\n"
	"  -o, --output FILE        the pcap to write (required; - for stdout)\n"
	"  --force                  overwrite FILE if it exists\n"
	"  --count N                frames (default 1000)\n"
	"  --rate RATE              timestamp spacing: 1Mpps, 500kpps, 1000pps (default 1Mpps)\n"
	"  --size BYTES             udp, tcp: frame size without FCS (udp default 64, raised to\n"
	"                           42 bytes IPv4, 62 IPv6; tcp default full size for a 1500\n"
	"                           MTU: 1514 bytes IPv4, 1448 bytes of payload)\n"
	"  --flows N                udp, tcp: distinct source ports 10000+i, round robin\n"
	"                           (default 1; tcp at most 55535)\n"
	"  --sources N              syn: distinct source addresses from --src up (default 256)\n"
	"  --seed N                 syn, tcp, mixed: seed of ports and sequence numbers (default 0)\n"
	"  --dst ADDR, --src ADDR   IPv4 or IPv6 addresses (default 10.0.0.2, 10.0.0.1; syn and\n"
	"                           tcp to an IPv6 --dst: source fd00::1)\n"
	"  --dport PORT             destination port (default 9 udp, 80 syn and tcp)\n"
	"  --dst-mac MAC            default 02:00:00:00:00:02\n"
	"  --src-mac MAC            default 02:00:00:00:00:01\n";

/* The usage text of @cmd (NULL: the program's), or NULL for no such command. */
static const char *usage_of(const char *cmd)
{
	static const struct { const char *cmd, *text; } usages[] = {
		{ "replay", usage_replay }, { "check", usage_check }, { "sweep", usage_sweep },
		{ "trace", usage_trace }, { "gen", usage_gen }, { "advise", usage_advise },
		{ "scenario", usage_scenario },
	};

	if (!cmd)
		return usage_main;
	for (size_t i = 0; i < sizeof(usages) / sizeof(usages[0]); i++)
		if (strcmp(usages[i].cmd, cmd) == 0)
			return usages[i].text;
	return NULL;
}

int cli_help(FILE *f, const char *cmd)
{
	const char *u = usage_of(cmd);

	if (!u)
		return -1;
	fputs(u, f);
	return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "rxsim%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	fprintf(stderr, fmt, arg);
	fputs("\n\n", stderr);
	cli_help(stderr, cmd);
	return CLI_USAGE;
}

#define OPTS_MAX 64
#define OPT_LEN 32

/*
 * The options @cmd takes, read from its usage text: every "-x" or "--word" that starts a
 * word there. The usage text is the one list of a command's options (the completion test
 * holds the completions to it too), so a suggestion cannot name an option that is not
 * documented, nor miss one that is.
 */
static size_t usage_options(const char *cmd, char names[][OPT_LEN], size_t max)
{
	const char *u = usage_of(cmd);
	size_t n = 0;

	for (const char *p = u; p && *p && n < max; p++) {
		size_t len = 0;

		if (*p != '-' || (p > u && !strchr(" [|,(\n", p[-1])))
			continue;
		while (p[len] == '-' || (p[len] >= 'a' && p[len] <= 'z') ||
		       (p[len] >= '0' && p[len] <= '9'))
			len++;
		if (len < 2 || len >= OPT_LEN || p[len - 1] == '-')
			continue;
		memcpy(names[n], p, len);
		names[n][len] = '\0';
		n++;
		p += len - 1;
	}
	return n;
}

int cli_unknown_option(const char *cmd, const char *arg)
{
	char names[OPTS_MAX][OPT_LEN], word[OPT_LEN];
	const char *ptrs[OPTS_MAX] = { NULL }, *best;
	size_t n = usage_options(cmd, names, OPTS_MAX);
	size_t len = strcspn(arg, "=");

	/* --fromat=json is a typo of --format, whatever its value. */
	if (len >= sizeof(word))
		len = sizeof(word) - 1;
	memcpy(word, arg, len);
	word[len] = '\0';
	for (size_t i = 0; i < n; i++)
		ptrs[i] = names[i];
	best = rxs_suggest(word, ptrs, n);
	if (!best)
		return cli_usage_error(cmd, "unknown option '%s'", arg);
	fprintf(stderr, "rxsim%s%s: unknown option '%s' (did you mean '%s'?)\n\n", cmd ? " " : "",
		cmd ? cmd : "", arg, best);
	cli_help(stderr, cmd);
	return CLI_USAGE;
}

static int unknown_command(const char *cmd)
{
	static const char *const commands[] = {
		"replay", "check", "sweep", "trace", "advise", "gen", "scenario", "help",
	};
	const char *best = rxs_suggest(cmd, commands, sizeof(commands) / sizeof(commands[0]));

	if (!best)
		return cli_usage_error(NULL, "unknown command '%s'", cmd);
	fprintf(stderr, "rxsim: unknown command '%s' (did you mean '%s'?)\n", cmd, best);
	return CLI_USAGE;
}

int cli_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "rxsim: option %s needs a value\n", name);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

/* Every scenario key, one a line, for shell completion and the man page's test (hidden). */
static int print_keys(void)
{
	char path[256];

	for (size_t i = 0; rxs_scenario_key_path(i, path, sizeof(path)) == 0; i++)
		puts(path);
	return CLI_OK;
}

static int cmd_help(int argc, char **argv)
{
	if (argc == 1 && strcmp(argv[0], "--keys") == 0)
		return print_keys();
	if (argc > 1)
		return cli_usage_error(NULL, "help takes one command name, got '%s'", argv[1]);
	if (cli_help(stdout, argc ? argv[0] : NULL) < 0)
		return cli_usage_error(NULL, "no help on '%s': not a command", argv[0]);
	return CLI_OK;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd)
		return cli_usage_error(NULL, "%s", "a command is needed");
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0)
		return cmd_help(0, NULL);
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("rxsim %s\n", rxs_version_string());
		return CLI_OK;
	}
	if (strcmp(cmd, "help") == 0)
		return cmd_help(argc - 2, argv + 2);
	if (strcmp(cmd, "replay") == 0)
		return cli_replay(argc - 2, argv + 2);
	if (strcmp(cmd, "check") == 0)
		return cli_check(argc - 2, argv + 2);
	if (strcmp(cmd, "gen") == 0)
		return cli_gen(argc - 2, argv + 2);
	if (strcmp(cmd, "sweep") == 0)
		return cli_sweep(argc - 2, argv + 2);
	if (strcmp(cmd, "trace") == 0)
		return cli_trace(argc - 2, argv + 2);
	if (strcmp(cmd, "advise") == 0)
		return cli_advise(argc - 2, argv + 2);
	if (strcmp(cmd, "scenario") == 0)
		return cli_scenario(argc - 2, argv + 2);
	if (cmd[0] == '-')
		return cli_unknown_option(NULL, cmd);
	return unknown_command(cmd);
}
