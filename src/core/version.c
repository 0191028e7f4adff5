/* version.c - the version of the library linked at run time. */
#include "rxsim/version.h"

unsigned int rxs_version(void)
{
	return RXS_VERSION_HEX;
}

const char *rxs_version_string(void)
{
	return RXS_VERSION_STRING;
}
