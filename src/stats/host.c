/* host.c - the host a bare capture was replayed on, in one line, for every report.
 *
 * A capture replayed alone runs on a host rxsim assumed (src/config/capture.c); a report that
 * does not say which would hide half of its story. The text report prints the line, the HTML
 * report escapes it into a paragraph, and the JSON report writes the same facts as an object
 * (json.c). Nothing is shown for a scenario file: its host is the file's.
 */
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "rxsim/config.h"
#include "stats/stats_int.h"

#define LISTENERS_MAX 8		/* listed by name; the rest are counted */

void rxs__stats_append(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

bool rxs__host_summary(const struct rxs_scenario *sc, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!sc || !sc->assumed || !sc->nnics)
		return false;
	rxs__host_describe(sc, buf, len);
	return true;
}

void rxs__host_describe(const struct rxs_scenario *sc, char *buf, size_t len)
{
	char a[64];

	buf[0] = '\0';
	if (!sc)
		return;
	for (unsigned int i = 0; i < sc->nnics; i++) {
		const struct rxs_nic_config *n = &sc->nics[i];
		const uint8_t *m = n->mac;

		rxs__stats_append(buf, len, "%s%s %02x:%02x:%02x:%02x:%02x:%02x", i ? "; " : "", n->name, m[0],
		       m[1], m[2], m[3], m[4], m[5]);
		for (unsigned int j = 0; j < n->naddrs; j++)
			rxs__stats_append(buf, len, ", %s", rxs_addr_format(&n->addrs[j], a, sizeof(a)));
		if (n->mtu != 1500)
			rxs__stats_append(buf, len, ", mtu %u", n->mtu);
	}
	rxs__stats_append(buf, len, "; %s", sc->nsockets ? "sockets" : "no sockets");
	for (unsigned int i = 0; i < sc->nsockets && i < LISTENERS_MAX; i++)
		rxs__stats_append(buf, len, "%s %s", i ? "," : "", sc->sockets[i].name);
	if (sc->nsockets > LISTENERS_MAX)
		rxs__stats_append(buf, len, " and %u more", sc->nsockets - LISTENERS_MAX);
}

void rxs__report_host_text(FILE *f, const struct rxs_scenario *sc)
{
	char line[1024];

	char text[1100];

	if (!rxs__host_summary(sc, line, sizeof(line)))
		return;
	snprintf(text, sizeof(text), "host: %s", line);
	rxs__print_wrapped(f, text, "  ");
	fputs("  (assumed from the capture; `rxsim scenario CAPTURE` prints it as YAML)\n\n", f);
}
