/* addr.c - IP addresses with prefixes, MAC addresses and "ip:port" bind text. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "config/config_int.h"
#include "rxsim/config.h"

/* Longer than any IPv6 text with a /128, so longer input is rejected, not cut. */
#define ADDR_TEXT_MAX 64

static int parse_ip(const char *text, struct rxs_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, a->addr) == 1) {
		a->family = AF_INET;
		a->prefix = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, text, a->addr) == 1) {
		a->family = AF_INET6;
		a->prefix = 128;
		return 0;
	}
	return -EINVAL;
}

int rxs_addr_parse(struct rxs_addr *a, const char *text)
{
	char buf[ADDR_TEXT_MAX];
	char *slash;
	uint64_t prefix;
	struct rxs_addr tmp;

	if (!text || strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (parse_ip(buf, &tmp))
		return -EINVAL;
	if (slash) {
		if (rxs__parse_u64(slash + 1, &prefix) || prefix > tmp.prefix)
			return -EINVAL;
		tmp.prefix = (unsigned int)prefix;
	}
	*a = tmp;
	return 0;
}

char *rxs_addr_format(const struct rxs_addr *a, char *buf, size_t len)
{
	if (!len)
		return buf;
	if ((a->family != AF_INET && a->family != AF_INET6) ||
	    !inet_ntop(a->family, a->addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

int rxs__hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int rxs__parse_mac(const char *text, uint8_t mac[6])
{
	uint8_t tmp[6];

	if (strlen(text) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int hi = rxs__hex_digit(text[3 * i]), lo = rxs__hex_digit(text[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && text[3 * i + 2] != ':'))
			return -EINVAL;
		tmp[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, tmp, sizeof(tmp));
	return 0;
}

/*
 * "10.0.0.2:53", "[fd00::2]:53", ":53", "*:53", "0.0.0.0:53". A bare wildcard is IPv4's
 * 0.0.0.0; "[::]:53" is the IPv6 one. IPv6 needs brackets, or "::1:53" would be ambiguous.
 */
int rxs__parse_bind(const char *text, struct rxs_addr *a, uint16_t *port)
{
	char host[ADDR_TEXT_MAX];
	const char *colon = strrchr(text, ':');
	size_t hlen;
	uint64_t p = 0;

	if (!colon || rxs__parse_u64(colon + 1, &p) || p == 0 || p > 65535)
		return -EINVAL;
	hlen = (size_t)(colon - text);
	if (hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (host[0] == '[') {
		if (hlen < 2 || host[hlen - 1] != ']')
			return -EINVAL;
		host[hlen - 1] = '\0';
		if (parse_ip(host + 1, a) || a->family != AF_INET6)
			return -EINVAL;
	} else if (!strcmp(host, "") || !strcmp(host, "*")) {
		memset(a, 0, sizeof(*a));
		a->family = AF_INET;
	} else if (parse_ip(host, a) || a->family != AF_INET) {
		return -EINVAL;
	}
	a->prefix = 0;
	*port = (uint16_t)p;
	return 0;
}
