/* run_cmd.h - for the tests that drive the rxsim program: run a shell command, keep its
 * output. Include after <cmocka.h>. */
#ifndef RXSIM_TESTS_RUN_CMD_H
#define RXSIM_TESTS_RUN_CMD_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

/* Run a shell command; its stdout in a malloc'd string, its exit status in *status. */
static inline char *run(int *status, const char *fmt, ...)
{
	char cmd[2048], *out = malloc(1 << 20);
	size_t n = 0, r;
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(out);
	while ((r = fread(out + n, 1, (1 << 20) - 1 - n, p)) > 0)
		n += r;
	out[n] = '\0';
	*status = WEXITSTATUS(pclose(p));
	return out;
}

#endif /* RXSIM_TESTS_RUN_CMD_H */
