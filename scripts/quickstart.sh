#!/usr/bin/env bash
# The README's two commands:
#   scripts/quickstart.sh example   set up, build, replay the default example, print its report
#   scripts/quickstart.sh test      set up, build, run the whole suite, then again under
#                                   AddressSanitizer + UndefinedBehaviorSanitizer, then the
#                                   threaded engine's tests under ThreadSanitizer; the checks
#                                   that need an optional tool (scripts/setup.sh --extras)
#                                   skip without it and say so
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

build() {	# build DIR [cmake options...] [--target T]
	local dir=$1 target=()
	shift
	if [ "${*: -2:1}" = --target ]; then
		target=(--target "${*: -1}")
		set -- "${@:1:$(($# - 2))}"
	fi
	mkdir -p "$dir"
	if ! { cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" &&
	       cmake --build "$dir" -j "$jobs" "${target[@]}"; } >"$dir/build.log" 2>&1; then
		cat "$dir/build.log" >&2
		echo "quickstart: build in $dir failed" >&2
		exit 1
	fi
}

# The build users get is the fast one: link-time and profile-guided optimisation (the
# profile trained on rxsim-bench's workloads at build time, about 1 to 3 minutes more on 2
# cores; docs/performance.md). The sanitized builds below take neither.
fast=(-DRXS_LTO=ON -DRXS_PGO=ON)
scripts/setup.sh
case "${1:-}" in
example)
	build build "${fast[@]}"
	exec build/rxsim replay examples/udp-rcvbuf/scenario.yaml
	;;
test)
	for tool in chromium:"the HTML report rendered headless" tshark:"the drops pcapng read back"; do
		command -v "${tool%%:*}" >/dev/null 2>&1 ||
			echo "== ${tool%%:*} is not installed: ${tool#*:} will be skipped" \
			     "(scripts/setup.sh --extras installs it)"
	done
	build build "${fast[@]}"
	(cd build && ctest --output-on-failure -j "$jobs")
	echo "== again under AddressSanitizer + UndefinedBehaviorSanitizer"
	build build-asan -DRXS_SANITIZE=ON
	(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j "$jobs")
	echo "== the threaded engine under ThreadSanitizer"
	build build-tsan -DRXS_TSAN=ON --target test_threaded
	build build-tsan -DRXS_TSAN=ON --target example_server
	(cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
		ctest --output-on-failure -R '^(test_threaded|example_server)$')
	;;
*)
	echo "usage: scripts/quickstart.sh example|test" >&2
	exit 2
	;;
esac
