/* reuseport - an sk_reuseport program reading its context (struct sk_reuseport_md). */
#include "common.h"

SEC("sk_reuseport")
int select_by_len(struct sk_reuseport_md *md)
{
	__u8 *p = md->data;

	if ((void *)(p + 1) > md->data_end)
		return SK_DROP;
	return md->len > 100 || p[0] == 0xff ? SK_DROP : SK_PASS;
}
