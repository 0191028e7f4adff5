/* test_completion.c - the shell completions follow the program: every command of `rxsim help`,
 * every option and --format value of `rxsim help CMD` and every scenario key is offered by
 * completions/rxsim.bash (run in bash) and named in completions/_rxsim (zsh, read as text).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "run_cmd.h"

#define BASH_COMP RXS_SOURCE_DIR "/completions/rxsim.bash"
#define ZSH_COMP RXS_SOURCE_DIR "/completions/_rxsim"
#define MAX_WORDS 64
#define WORD_MAX 64

struct words {
	size_t n;
	char w[MAX_WORDS][WORD_MAX];
};

static void add_word(struct words *ws, const char *s, size_t len)
{
	if (len == 0 || len >= WORD_MAX)
		return;
	for (size_t i = 0; i < ws->n; i++)
		if (strlen(ws->w[i]) == len && !strncmp(ws->w[i], s, len))
			return;
	assert_true(ws->n < MAX_WORDS);
	memcpy(ws->w[ws->n], s, len);
	ws->w[ws->n++][len] = '\0';
}

static size_t opt_len(const char *p)
{
	return strspn(p, "-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
}

/* Options ('-x', '--xyz') that start a word of @s (after a space, '[', '|' or ','), up to @end. */
static void scan_options(struct words *opts, const char *s, const char *end)
{
	for (const char *p = s; p < end; p++)
		if (p[0] == '-' && p[1] != ' ' && p[1] != '\0' &&
		    (p == s || strchr(" [|,", p[-1])))
			add_word(opts, p, opt_len(p)), p += opt_len(p) - 1;
}

/*
 * The options of one usage text: those of its "usage:" lines, and those of its option
 * lines' first column (an indented line starting with '-', up to two spaces); an option
 * followed by "a|b|c" in that column has those values, kept in @vals as "--opt=a".
 */
static void parse_usage(const char *text, struct words *opts, struct words *vals)
{
	bool in_usage = false;

	for (const char *l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		const char *eol = strchr(l, '\n') ? strchr(l, '\n') : l + strlen(l);
		const char *p = l + strspn(l, " ");
		const char *col_end;

		if (!strncmp(l, "usage:", 6))
			in_usage = true;
		else if (eol == l)
			in_usage = false;
		if (in_usage) {
			scan_options(opts, l, eol);
			continue;
		}
		if (p == l || *p != '-')
			continue;
		col_end = strstr(p, "  ");
		if (!col_end || col_end > eol)
			col_end = eol;
		scan_options(opts, p, col_end);
		/* "--format text|kernel|json": the option, a space, values joined by '|' (in
		 * lower case: "--host ADDR|MAC" names what to type, not the words). */
		for (const char *o = p; o < col_end; o++) {
			size_t n = opt_len(o), m;
			const char *v = o + n + 1;
			size_t w = o[n] == ' ' ? strcspn(v, " \n") : 0;

			if (o[0] != '-' || (o != p && o[-1] != ' ') || !w || !memchr(v, '|', w) ||
			    strcspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") < w)
				continue;
			while (v < col_end && *v != ' ') {
				char buf[WORD_MAX];

				m = strcspn(v, "| \n");
				snprintf(buf, sizeof(buf), "%.*s=%.*s", (int)n, o, (int)m, v);
				add_word(vals, buf, strlen(buf));
				v += m + (v[m] == '|');
			}
		}
	}
}

/* What completions/rxsim.bash offers for the words given (the last being completed), one a
 * line with a newline before the first. Caller frees. */
static char *bash_complete(const char *const *argv, size_t argc)
{
	char cmd[1024];
	size_t n = (size_t)snprintf(cmd, sizeof(cmd),
				    "bash -c 'source \"$1\"; shift; COMP_WORDS=(\"$@\"); "
				    "COMP_CWORD=$(($# - 1)); _rxsim; printf \"\\n%%s\" "
				    "\"${COMPREPLY[@]}\"; echo' _ '%s' '%s'", BASH_COMP, RXS_CLI);
	int status = 0;
	char *out;

	for (size_t i = 0; i < argc; i++)
		n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, " '%s'", argv[i]);
	assert_true(n < sizeof(cmd));
	out = run(&status, "%s", cmd);
	assert_int_equal(status, 0);
	return out;
}

static bool offers(const char *out, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = out; (p = strstr(p, word)); p++)
		if (p > out && p[-1] == '\n' && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = malloc(1 << 16);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* zsh's _arguments specs name an option as 'OPT[', 'OPT=[', '*OPT=[', '(...)OPT[', '{OPT,' or
 * ',OPT}'. */
static bool zsh_names(const char *zsh, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = zsh; (p = strstr(p, opt)); p++)
		if (strchr("'{,)*", p[-1]) && strchr("[=,}", p[n]))
			return true;
	return false;
}

/* The commands `rxsim help` lists, first words of the lines under "commands:". */
static void commands(struct words *cmds)
{
	int status = 0;
	char *out = run(&status, "'%s' help", RXS_CLI);
	const char *l = strstr(out, "\ncommands:\n");

	assert_int_equal(status, 0);
	assert_non_null(l);
	for (l = strchr(l + 1, '\n') + 1; !strncmp(l, "  ", 2); l = strchr(l, '\n') + 1)
		if (l[2] != ' ')
			add_word(cmds, l + 2, strcspn(l + 2, " \n"));
	free(out);
}

static void test_commands(void **state)
{
	const char *argv[] = { "" }, *dash[] = { "-" };
	char *zsh = slurp(ZSH_COMP), *out = bash_complete(argv, 1), *opts = bash_complete(dash, 1);
	struct words cmds = { 0 }, main_opts = { 0 }, vals = { 0 };
	int status = 0;
	char *usage = run(&status, "'%s' help", RXS_CLI), want[WORD_MAX + 2];

	(void)state;
	commands(&cmds);
	assert_true(cmds.n >= 7);
	for (size_t i = 0; i < cmds.n; i++) {
		if (!offers(out, cmds.w[i]))
			fail_msg("bash completion does not offer the command '%s'", cmds.w[i]);
		snprintf(want, sizeof(want), "'%s:", cmds.w[i]);
		if (!strstr(zsh, want))
			fail_msg("zsh completion does not describe the command '%s'", cmds.w[i]);
	}
	parse_usage(usage, &main_opts, &vals);
	for (size_t i = 0; i < main_opts.n; i++) {
		if (!offers(opts, main_opts.w[i]))
			fail_msg("bash completion does not offer '%s' (rxsim help)", main_opts.w[i]);
		if (!zsh_names(zsh, main_opts.w[i]))
			fail_msg("zsh completion does not name '%s' (rxsim help)", main_opts.w[i]);
	}
	free(usage);
	free(opts);
	free(out);
	free(zsh);
}

/* One command: its options, and the values of the options that list them. */
static void check_command(const char *zsh, const char *cmd)
{
	struct words opts = { 0 }, vals = { 0 };
	const char *argv[] = { cmd, "-" };
	int status = 0;
	char *usage = run(&status, "'%s' help '%s'", RXS_CLI, cmd);
	char *out = bash_complete(argv, 2);

	assert_int_equal(status, 0);
	parse_usage(usage, &opts, &vals);
	assert_true(opts.n > 0);
	for (size_t i = 0; i < opts.n; i++) {
		if (!offers(out, opts.w[i]))
			fail_msg("bash completion of 'rxsim %s -' lacks '%s'", cmd, opts.w[i]);
		if (!zsh_names(zsh, opts.w[i]))
			fail_msg("zsh completion does not name '%s' of 'rxsim %s'", opts.w[i], cmd);
	}
	for (size_t i = 0; i < vals.n; i++) {
		char opt[WORD_MAX], *eq;
		const char *vargv[] = { cmd, "x.yaml", opt, "" };
		char *vout;

		snprintf(opt, sizeof(opt), "%s", vals.w[i]);
		eq = strchr(opt, '=');
		*eq = '\0';
		vout = bash_complete(vargv, 4);
		if (!offers(vout, eq + 1))
			fail_msg("bash completion of 'rxsim %s %s' lacks '%s'", cmd, opt, eq + 1);
		free(vout);
	}
	free(out);
	free(usage);
}

static void test_options(void **state)
{
	struct words cmds = { 0 };
	char *zsh = slurp(ZSH_COMP);

	(void)state;
	commands(&cmds);
	for (size_t i = 0; i < cmds.n; i++)
		if (strcmp(cmds.w[i], "help"))
			check_command(zsh, cmds.w[i]);
	free(zsh);
}

/* --set offers every scenario key of `rxsim help --keys`, a list entry by index or name. */
static void test_set_keys(void **state)
{
	const char *argv[] = { "replay", "x.yaml", "--set", "" };
	const char *named[] = { "replay", "x.yaml", "--set", "nics.eth1.coal" };
	int status = 0;
	char *keys = run(&status, "'%s' help --keys", RXS_CLI);
	char *out = bash_complete(argv, 4), *nout = bash_complete(named, 4);
	size_t nkeys = 0;

	(void)state;
	assert_int_equal(status, 0);
	for (char *k = strtok(keys, "\n"); k; k = strtok(NULL, "\n"), nkeys++) {
		char want[256], *w = want;

		/* nics[].ring_size -> nics.0.ring_size= */
		for (const char *p = k; *p; p++)
			if (p[0] == '[' && p[1] == ']')
				w += sprintf(w, ".0"), p++;
			else
				*w++ = *p;
		strcpy(w, "=");
		if (!offers(out, want))
			fail_msg("bash completion of --set lacks '%s'", want);
	}
	assert_true(nkeys > 80);
	assert_true(offers(nout, "nics.eth1.coalesce.rx_usecs="));
	assert_true(offers(nout, "nics.eth1.coalesce.rx_frames="));
	free(nout);
	free(out);
	free(keys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_set_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
