/* test_install.c - out-of-tree use: install the build tree into a temporary prefix, then build
 * examples/library/embed.c from outside the tree twice, with pkg-config and with
 * find_package(rxsim), and run both programs. Skipped when cmake, pkg-config or cc is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

#define CMD_MAX 8192

static char tmp[256];		/* the scratch folder; the prefix is tmp/prefix */
static char libdir[512];	/* where librxsim.so went (GNUInstallDirs decides) */

/* Run @cmd with sh; its output goes to tmp/log. Returns the exit status. */
static int run(const char *fmt, ...)
{
	char cmd[CMD_MAX], full[CMD_MAX + 300];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "( %s ) >%s/log 2>&1", cmd, tmp);
	rc = system(full);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static char *slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
	}
	return buf;
}

static void must(int rc, const char *what)
{
	if (rc != 0) {
		char path[300];

		snprintf(path, sizeof(path), "%s/log", tmp);
		fail_msg("%s failed (%d):\n%s", what, rc, slurp(path));
	}
}

static bool have(const char *tool)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "%s/rxsim-install-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR")
										 : "/tmp");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	if (!getenv("RXS_KEEP_INSTALL")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		if (system(cmd) != 0)
			return -1;
	}
	return 0;
}

/* The output embed prints, whichever way it was built. */
static void check_embed_output(const char *out)
{
	static const char *const want[] = {
		"librxsim 0.2.0",
		"recv 7 bytes from 10.0.0.1: hello 0",
		"recv 7 bytes from 10.0.0.1: hello 2",
		"IpInReceives 4 UdpInDatagrams 3 UdpNoPorts 1",
		"socket mdns 0.0.0.0:5353 delivered 3 drops 0",
		"offered 4 = consumed 3 + dropped 1 + queued 0\n",
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(out, want[i]))
			fail_msg("embed's output lacks '%s':\n%s", want[i], out);
}

static void test_install_tree(void **state)
{
	static const char *const files[] = {
		"bin/rxsim", "include/rxsim/rxsim.h", "include/rxsim/hooks.h",
		"include/rxsim/socket.h", "include/rxsim/proto.h",
		"include/rxsim/export.h", "include/rxsim/version.h", "share/man/man1/rxsim.1", "share/rxsim/rxsim-report.schema.json",
		"share/man/man5/rxsim-scenario.5", "share/bash-completion/completions/rxsim",
		"share/zsh/site-functions/_rxsim", "share/doc/rxsim/README.md",
		"share/doc/rxsim/docs/report.png", "share/doc/rxsim/docs/scenario.md",
		"share/doc/rxsim/docs/design.md", "share/doc/rxsim/docs/performance.md",
		"share/doc/rxsim/docs/fidelity.md", "share/doc/rxsim/examples/library/embed.c",
		"share/doc/rxsim/examples/udp-rcvbuf/scenario.yaml",
	};
	char path[1024], *out;

	(void)state;
	if (!have("cmake") || !have("pkg-config") || !have("cc"))
		skip();
	must(run("cmake --install '%s' --prefix '%s/prefix'", RXS_BINARY_DIR, tmp),
	     "cmake --install");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/prefix/%s", tmp, files[i]);
		if (access(path, F_OK))
			fail_msg("not installed: %s", files[i]);
	}
	/* lib/ or lib/<multiarch>/, as GNUInstallDirs chose: find the .pc file. */
	must(run("dirname \"$(dirname \"$(find '%s/prefix' -name rxsim.pc | head -n 1)\")\"", tmp),
	     "finding rxsim.pc");
	snprintf(path, sizeof(path), "%s/log", tmp);
	out = slurp(path);
	out[strcspn(out, "\n")] = '\0';
	snprintf(libdir, sizeof(libdir), "%s", out);
	must(run("cd '%s' && test -f librxsim.a && test -L librxsim.so && "
		 "test -L librxsim.so.0.2 && test -f librxsim.so.0.2.0 && "
		 "test -f cmake/rxsim/rxsimConfig.cmake && test -f cmake/rxsim/rxsimTargets.cmake",
		 libdir), "the library files");
	must(run("objdump -p '%s/librxsim.so' | grep -q 'SONAME *librxsim.so.0.2$'", libdir),
	     "SONAME librxsim.so.0.2");
	/* Every installed header compiles on its own, as STYLE.md asks of a public header. */
	must(run("cd '%s/prefix/include' && for h in rxsim/*.h; do "
		 "echo \"#include <$h>\" | cc -std=c11 -Wall -Wextra -Werror -fsyntax-only "
		 "-I. -x c - || { echo \"$h\"; exit 1; }; done", tmp),
	     "each installed header on its own");
	/* Every page the installed README links to is installed beside it, and every example. */
	must(run("cd '%s/prefix/share/doc/rxsim' && "
		 "for f in $(grep -o '(docs/[^)#]*' README.md | tr -d '(' | sort -u); do "
		 "test -f \"$f\" || { echo \"README links to $f\"; exit 1; }; done && "
		 "for d in '%s'/examples/*/; do test -d \"examples/$(basename \"$d\")\" || "
		 "{ echo \"$d\"; exit 1; }; done", tmp, RXS_SOURCE_DIR), "the installed docs");
	/* An installed example replays with the installed program, and the installed bash
	 * completion completes a command with it. */
	must(run("cd '%s/prefix' && bin/rxsim replay -q "
		 "share/doc/rxsim/examples/udp-rcvbuf/scenario.yaml | grep -q 'offered'",
		 tmp), "replaying an installed example");
	must(run("cd '%s/prefix' && PATH=\"$PWD/bin:$PATH\" bash -c '"
		 "source share/bash-completion/completions/rxsim; COMP_WORDS=(rxsim replay x "
		 "--set host.c); COMP_CWORD=4; _rxsim; test \"${COMPREPLY[*]}\" = host.cpus='",
		 tmp), "the installed bash completion");
	/* Only the API is exported. */
	if (have("nm"))
		must(run("test -z \"$(nm -D --defined-only '%s/librxsim.so' | grep -v ' rxs_')\" && "
			 "test -z \"$(nm -D --defined-only '%s/librxsim.so' | grep ' rxs__')\"",
			 libdir, libdir), "only rxs_ symbols exported");
}

static void test_pkg_config(void **state)
{
	char path[600];

	(void)state;
	if (!libdir[0])
		skip();
	must(run("cd '%s' && export PKG_CONFIG_PATH='%s/pkgconfig' && "
		 "pkg-config --exact-version=0.2.0 rxsim && "
		 "cc '%s/examples/library/embed.c' $(pkg-config --cflags --libs rxsim) -o embed-pc",
		 tmp, libdir, RXS_SOURCE_DIR), "cc with pkg-config");
	must(run("cd '%s' && LD_LIBRARY_PATH='%s' ./embed-pc", tmp, libdir), "embed-pc");
	snprintf(path, sizeof(path), "%s/log", tmp);
	check_embed_output(slurp(path));
	/* Linked against the shared library, by its SONAME. */
	must(run("cd '%s' && objdump -p embed-pc | grep -q 'NEEDED *librxsim.so.0.2$'", tmp),
	     "embed-pc needs librxsim.so.0.2");
}

static void test_find_package(void **state)
{
	char path[600];
	FILE *f;

	(void)state;
	if (!libdir[0])
		skip();
	must(run("mkdir -p '%s/user'", tmp), "mkdir");
	snprintf(path, sizeof(path), "%s/user/CMakeLists.txt", tmp);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "cmake_minimum_required(VERSION 3.16)\n"
		   "project(embed_user C)\n"
		   "find_package(rxsim 0.2 REQUIRED)\n"
		   "add_executable(embed-cmake %s/examples/library/embed.c)\n"
		   "target_link_libraries(embed-cmake PRIVATE rxsim::rxsim)\n", RXS_SOURCE_DIR);
	fclose(f);
	must(run("cd '%s' && cmake -S user -B user/build -DCMAKE_PREFIX_PATH='%s/prefix' && "
		 "cmake --build user/build", tmp, tmp), "cmake with find_package(rxsim)");
	must(run("cd '%s' && LD_LIBRARY_PATH='%s' ./user/build/embed-cmake", tmp, libdir),
	     "embed-cmake");
	snprintf(path, sizeof(path), "%s/log", tmp);
	check_embed_output(slurp(path));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_install_tree),
		cmocka_unit_test(test_pkg_config),
		cmocka_unit_test(test_find_package),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
