/* common.h - what the test programs of tests/data/ebpf/ share. */
#ifndef RXSIM_TEST_EBPF_COMMON_H
#define RXSIM_TEST_EBPF_COMMON_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#endif
