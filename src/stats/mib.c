/* mib.c - names of the SNMP counters, generated from RXS_MIB_MAP so they cannot drift. */
#include <string.h>

#include "internal.h"
#include "rxsim/stats.h"

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
