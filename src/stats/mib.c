/* mib.c - names of the SNMP counters, generated from RXS_MIB_MAP so they cannot drift. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "rxsim/proto.h"
#include "rxsim/stats.h"
#include "stats/stats_int.h"

static const char *const mib_names[RXS_MIB_COUNT] = {
#define XX(name, group, field) [RXS_MIB_##name] = #name,
	RXS_MIB_MAP(XX)
#undef XX
};

const char *rxs_mib_name(enum rxs_mib mib)
{
	if ((unsigned int)mib >= RXS_MIB_COUNT)
		return "UNKNOWN";
	return mib_names[mib];
}

/* A linear scan: about 120 names, looked up when a test or a --set names a counter, never
 * per packet, so a hash table would cost more code than it saves. */
int rxs_mib_lookup(const char *name)
{
	if (!name)
		return -1;
	for (unsigned int i = 0; i < RXS_MIB_COUNT; i++)
		if (strcmp(mib_names[i], name) == 0)
			return (int)i;
	return -1;
}

/* The per-type counters of @family the MIB list names (IcmpMsgInType8, Icmp6OutType1...),
 * by type, +256 for OutType. */
static const char *const icmpmsg_fmt[2][2] = {
	{ "IcmpMsgInType%u%n", "IcmpMsgOutType%u%n" },
	{ "Icmp6InType%u%n", "Icmp6OutType%u%n" },
};

static void icmpmsg_named(int family, bool named[512])
{
	bool v6 = family == AF_INET6;

	memset(named, 0, 512 * sizeof(bool));
	for (unsigned int i = 0; i < RXS_MIB_COUNT; i++)
		for (unsigned int out = 0; out < 2; out++) {
			unsigned int type;
			int n = 0;

			if (sscanf(mib_names[i], icmpmsg_fmt[v6][out], &type, &n) == 1 &&
			    !mib_names[i][n] && type < 256)
				named[out * 256 + type] = true;
		}
}

bool rxs__mib_icmpmsg(enum rxs_mib mib)
{
	const char *name = rxs_mib_name(mib);

	return !strncmp(name, "IcmpMsg", 7) || !strncmp(name, "Icmp6InType", 11) ||
	       !strncmp(name, "Icmp6OutType", 12);
}

void rxs__icmpmsg_each(const rxs_host_t *h, int family,
		       void (*fn)(void *ctx, const char *name, uint64_t v, bool named), void *ctx)
{
	bool named[512], v6 = family == AF_INET6;
	char name[32];

	icmpmsg_named(family, named);
	for (unsigned int i = 0; i < 512; i++) {
		uint64_t v = rxs_host_icmpmsg(h, family, i >= 256, i & 255);

		if (!v && !named[i])
			continue;
		snprintf(name, sizeof(name), v6 ? "Icmp6%sType%u" : "IcmpMsg%sType%u",
			 i >= 256 ? "Out" : "In", i & 255);
		fn(ctx, name, v, named[i]);
	}
}
