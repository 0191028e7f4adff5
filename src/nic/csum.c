/* csum.c - the Internet checksum (RFC 1071) for the packet builders. */
#include <stddef.h>
#include <endian.h>
#include <stdint.h>
#include <string.h>

#include "nic/source_int.h"

/* Sum big-endian 16-bit words; an odd last byte is the high half of a zero-padded word.
 * Eight bytes are added at a time as two 32-bit words: 2^16 = 1 modulo 0xffff, so the
 * folded sum is the same, and the 64-bit accumulator cannot overflow below 16 GiB. */
uint32_t rxs__csum_partial(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	uint64_t acc = sum;

	for (; len >= 8; b += 8, len -= 8) {
		uint64_t w;

		memcpy(&w, b, 8);
		w = be64toh(w);
		acc += (w >> 32) + (w & 0xFFFFFFFFu);
	}
	/* At most 7 bytes are left: a 32-bit word, a 16-bit one, a byte. */
	if (len >= 4) {
		uint32_t w;

		memcpy(&w, b, 4);
		acc += be32toh(w);
		b += 4;
		len -= 4;
	}
	if (len >= 2) {
		acc += (uint32_t)(b[0] << 8 | b[1]);
		b += 2;
		len -= 2;
	}
	if (len)
		acc += (uint32_t)b[0] << 8;
	while (acc >> 32)
		acc = (acc & 0xFFFFFFFFu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t rxs__csum_fold(uint32_t sum)
{
	sum = (sum & 0xFFFF) + (sum >> 16);
	sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}
