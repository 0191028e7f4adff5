/* suggest.c - "did you mean": the nearest known name to a mistyped one.
 *
 * Scenario keys, sysctls, iptables options and targets, and the program's commands and
 * options all answer a typo with the name it was probably meant to be, by one measure.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "rxsim/config.h"

#define SUGGEST_MAX_DIST 3
#define SUGGEST_NAME_MAX 64

/* Restricted Damerau-Levenshtein distance, given up (returns a big number) when the lengths
 * alone say it is too far, so a hostile megabyte key costs nothing. */
size_t rxs__edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t rows[3][SUGGEST_NAME_MAX + 1];
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (lb > SUGGEST_NAME_MAX || (la > lb ? la - lb : lb - la) > SUGGEST_MAX_DIST)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t d = RXS_MIN(prev[j] + 1, cur[j - 1] + 1);

			d = RXS_MIN(d, prev[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				d = RXS_MIN(d, prev2[j - 2] + 1);
			cur[j] = d;
		}
		size_t *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

/* The name in @names nearest to @word if it is close enough to be a typo, else NULL. */
const char *rxs__suggest(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t best_dist = SIZE_MAX;

	for (size_t i = 0; i < n; i++) {
		size_t d = rxs__edit_distance(word, names[i]);

		/* Short names are a few edits from anything: ask for half of them to match. */
		if (d < best_dist && d <= SUGGEST_MAX_DIST && d * 2 <= strlen(names[i])) {
			best = names[i];
			best_dist = d;
		}
	}
	return best;
}


/* The public face of the same measure, so the program's commands and options answer a typo
 * as the scenario's keys do (src/cli uses only the public headers). */
const char *rxs_suggest(const char *word, const char *const *names, size_t n)
{
	return rxs__suggest(word, names, n);
}
