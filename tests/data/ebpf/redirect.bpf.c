/* redirect - bpf_redirect, a helper of the receive path rxsim does not have yet. */
#include "common.h"

SEC("tc")
int tc_redirect(struct __sk_buff *skb)
{
	return bpf_redirect(7, 0);
}
