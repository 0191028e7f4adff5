/* syncookies.c - SYN cookies (net/ipv4/syncookies.c) and initial sequence numbers.
 *
 * The layout is the kernel's: cookie = hash(tuple, 0) + peer_isn + (count << 24) +
 * ((hash(tuple, count) + mss_index) & 0xffffff), where count is the minute the cookie was
 * made (tcp_cookie_time(): seconds / 60, here of virtual time), and a cookie is good for
 * MAX_SYNCOOKIE_AGE (2) counts. The kernel's siphash with boot-time secrets becomes a fixed
 * keyed mix, so runs repeat; nothing outside the host can tell the difference. The tuple is
 * hashed once a SYN, and each of the two hashes keys that once more.
 */
#include <string.h>

#include "internal.h"
#include "proto/proto.h"
#include "proto/tcp_int.h"
#include "socket/socket.h"

#define COOKIEBITS 24
#define COOKIEMASK ((1u << COOKIEBITS) - 1)
#define MAX_SYNCOOKIE_AGE 2
#define SYNCOOKIE_PERIOD_NS 60000000000ull

/* msstab of syncookies.c: the MSS values a cookie can carry, by index. */
static const uint16_t msstab[] = { 536, 1300, 1440, 1460 };

static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint32_t tuple_mix(const struct rxs_tcp_tuple *t, uint64_t key, uint32_t count)
{
	uint64_t h = key ^ count;

	for (int i = 0; i < 16; i += 8) {
		uint64_t a, b;

		memcpy(&a, t->saddr + i, 8);
		memcpy(&b, t->daddr + i, 8);
		h = mix(h ^ a);
		h = mix(h ^ b);
	}
	return (uint32_t)mix(h ^ ((uint64_t)t->sport << 16 | t->dport));
}

/* The tuple hashed once for the two cookie hashes a SYN or a cookie ACK needs (the kernel's
 * cookie_hash() runs siphash over the tuple each time): two mixes, an IPv4 tuple's zero
 * address words costing nothing more. */
static uint64_t cookie_tuple(const struct rxs_tcp_tuple *t)
{
	uint64_t a, b, c, d;

	memcpy(&a, t->saddr, 8);
	memcpy(&b, t->saddr + 8, 8);
	memcpy(&c, t->daddr, 8);
	memcpy(&d, t->daddr + 8, 8);
	a = mix(a ^ (c * 0x9e3779b97f4a7c15ull));
	return mix(a ^ b ^ (d * 0xc2b2ae3d27d4eb4full) ^ ((uint64_t)t->sport << 16 | t->dport));
}

/* cookie_hash(): the tuple's hash (cookie_tuple()) keyed by secret @c and @count. */
static uint32_t cookie_hash(uint64_t tuple, uint32_t count, int c)
{
	static const uint64_t secret[2] = { 0x7278736d636f6f6bull, 0x696573206172652eull };

	return (uint32_t)mix(tuple ^ secret[c] ^ ((uint64_t)count << 32 | count));
}

static uint32_t tcp_cookie_time(uint64_t now)
{
	return (uint32_t)(now / SYNCOOKIE_PERIOD_NS);
}

uint32_t rxs__cookie_init_sequence(struct rxs_host *h, const struct rxs_tcp_tuple *t,
				   uint32_t seq, uint16_t *mss, uint64_t now)
{
	uint32_t count = tcp_cookie_time(now), mssind = 0;
	uint64_t tuple = cookie_tuple(t);

	(void)h;
	/* The largest table entry not above the peer's MSS. */
	for (uint32_t i = ARRAY_SIZE(msstab); i-- > 0;)
		if (*mss >= msstab[i]) {
			mssind = i;
			break;
		}
	*mss = msstab[mssind];
	return cookie_hash(tuple, 0, 0) + seq + (count << COOKIEBITS) +
	       ((cookie_hash(tuple, count, 1) + mssind) & COOKIEMASK);
}

uint16_t rxs__cookie_check(struct rxs_host *h, const struct rxs_tcp_tuple *t, uint32_t seq,
			   uint32_t ack_seq, uint64_t now)
{
	uint32_t cookie = ack_seq - 1, sseq = seq - 1, count = tcp_cookie_time(now), diff, mssind;
	uint64_t tuple = cookie_tuple(t);

	(void)h;
	cookie -= cookie_hash(tuple, 0, 0) + sseq;
	diff = (count - (cookie >> COOKIEBITS)) & ((uint32_t)-1 >> COOKIEBITS);
	if (diff >= MAX_SYNCOOKIE_AGE)
		return 0;
	mssind = (cookie - cookie_hash(tuple, count - diff, 1)) & COOKIEMASK;
	return mssind < ARRAY_SIZE(msstab) ? msstab[mssind] : 0;
}

/* secure_tcp_seq(): a keyed hash of the tuple plus a clock ticking every 64 ns. */
uint32_t rxs__secure_tcp_seq(const struct rxs_tcp_tuple *t, uint64_t now)
{
	return tuple_mix(t, 0x69736e2d6b657921ull, 0) + (uint32_t)(now >> 6);
}
