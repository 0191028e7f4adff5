/* units.c - numbers with units: rates, byte rates, durations.
 *
 * Every parser here is strict: the whole text must be one number and one known unit, no sign,
 * no spaces, no exponent. Durations are computed in integers so "1.138s" is exactly
 * 1138000000 ns, which a double would miss by one.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "config/config_int.h"
#include "rxsim/config.h"

#define NS_PER_S 1000000000ull

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Read "123" or "123.456" at @s. The fraction is kept to 9 digits, in billionths; the
 * digits after that are checked and dropped. Sets @end past the number. */
static int parse_decimal(const char *s, const char **end, uint64_t *ip, uint64_t *frac_e9)
{
	uint64_t scale = NS_PER_S / 10;

	if (!is_digit(*s))
		return -EINVAL;
	for (*ip = 0; is_digit(*s); s++) {
		if (*ip > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		*ip = *ip * 10 + (uint64_t)(*s - '0');
	}
	*frac_e9 = 0;
	if (*s == '.') {
		if (!is_digit(*++s))
			return -EINVAL;
		for (; is_digit(*s); s++, scale /= 10)
			*frac_e9 += (uint64_t)(*s - '0') * scale;
	}
	*end = s;
	return 0;
}

int rxs__parse_u64(const char *text, uint64_t *out)
{
	const char *end;
	uint64_t frac;
	int err = parse_decimal(text, &end, out, &frac);

	if (err)
		return err;
	if (*end != '\0' || strchr(text, '.'))
		return -EINVAL;
	return 0;
}

/* "k", "M", "G" or nothing in front of a unit; moves @s past it. */
static double si_prefix(const char **s)
{
	switch (**s) {
	case 'k':
		(*s)++;
		return 1e3;
	case 'M':
		(*s)++;
		return 1e6;
	case 'G':
		(*s)++;
		return 1e9;
	}
	return 1;
}

static int parse_number_unit(const char *text, double *val, const char **unit)
{
	uint64_t ip, frac;
	int err;

	if (!text)
		return -EINVAL;
	err = parse_decimal(text, unit, &ip, &frac);
	if (err)
		return -EINVAL;
	*val = (double)ip + (double)frac / (double)NS_PER_S;
	*val *= si_prefix(unit);
	return 0;
}

int rxs_parse_rate(const char *text, double *pps)
{
	const char *unit;
	double v;

	if (parse_number_unit(text, &v, &unit))
		return -EINVAL;
	if (strcmp(unit, "") && strcmp(unit, "pps") && strcmp(unit, "/s"))
		return -EINVAL;
	*pps = v;
	return 0;
}

int rxs_parse_byte_rate(const char *text, double *bps)
{
	const char *unit;
	double v;

	if (parse_number_unit(text, &v, &unit))
		return -EINVAL;
	if (strcmp(unit, "B/s"))
		return -EINVAL;
	*bps = v;
	return 0;
}

static uint64_t duration_unit(const char *unit)
{
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = { { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", NS_PER_S } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(unit, units[i].name))
			return units[i].ns;
	return 0;
}

int rxs_parse_duration(const char *text, uint64_t *ns)
{
	const char *unit;
	uint64_t ip, frac, mult;

	if (!text || parse_decimal(text, &unit, &ip, &frac))
		return -EINVAL;
	/* A bare 0 needs no unit; any other number does ("2" could be s or ms). */
	mult = duration_unit(unit);
	if (!mult && !strcmp(text, "0"))
		mult = 1;
	if (!mult || ip > UINT64_MAX / mult)
		return -EINVAL;
	/* frac < 1e9 and mult <= 1e9, so the product fits in 64 bits. */
	frac = frac * mult / NS_PER_S;
	if (ip * mult > UINT64_MAX - frac)
		return -EINVAL;
	*ns = ip * mult + frac;
	return 0;
}
