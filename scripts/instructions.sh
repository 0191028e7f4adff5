#!/usr/bin/env bash
# Instructions a packet of rxsim-bench's udp-1flow under valgrind's callgrind (issue #8): an
# instruction count does not move with the load of a shared machine the way a time does, so
# it can hold the hot path to a budget where a timed test could not.
#
#   scripts/instructions.sh [BUDGET]     (default 1800)
#
# Builds RelWithDebInfo into build-instr/ (RXS_INSTR_BUILD to change), writes the udp-1flow
# capture and scenario at two sizes with `rxsim-bench --keep`, replays each with `rxsim
# replay` under callgrind and prints the difference of the two counts divided by the
# difference of the packets: what one more packet costs, with the set-up and the report
# cancelled out. Exit 1 when that is above BUDGET; 2 when it cannot measure (no valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${1:-1800}
build=${RXS_INSTR_BUILD:-build-instr}
small=1000
large=101000

if ! command -v valgrind >/dev/null 2>&1; then
	echo "instructions: valgrind is not installed" >&2
	exit 2
fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target rxsim-cli rxsim-bench >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# The instructions callgrind counted in a replay of @1 packets.
count() {
	"$build/bench/rxsim-bench" --workload udp-1flow --packets "$1" --keep --dir "$dir" \
		>/dev/null 2>&1
	valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.$1" \
		"$build/rxsim" replay "$dir/udp-1flow-$1.yaml" >/dev/null 2>"$dir/valgrind.$1"
	sed -n 's/^summary: *//p' "$dir/callgrind.$1"
}

a=$(count $small)
b=$(count $large)
per=$(( (b - a) / (large - small) ))
echo "udp-1flow: $per instructions a packet (callgrind: $a for $small packets, $b for $large; budget $budget)"
if [ "$per" -gt "$budget" ]; then
	echo "instructions: above the budget of $budget a packet" >&2
	exit 1
fi
