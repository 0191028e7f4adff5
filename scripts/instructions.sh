#!/usr/bin/env bash
# Instructions a packet of rxsim-bench's virtual-engine workloads under valgrind's callgrind:
# an instruction count does not move with the load of a shared machine the way a
# time does, so it can hold the hot paths to a budget where a timed test could not.
#
#   scripts/instructions.sh                      every workload, each against its budget
#   scripts/instructions.sh udp-1flow=1700 ...   these workloads, with these budgets
#
# Builds RelWithDebInfo into build-instr/ (RXS_INSTR_BUILD to change), writes each workload's
# capture and scenario at two sizes with `rxsim-bench --keep`, replays each with `rxsim
# replay` under callgrind and prints the difference of the two counts divided by the
# difference of the packets: what one more packet costs, with the set-up and the report
# cancelled out. Exit 1 when a workload is above its budget; 2 when it cannot measure.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${RXS_INSTR_BUILD:-build-instr}
small=1000
large=101000
# About 5% above what GCC 12 (Debian 12) gives today, on main with every helper's work in:
# udp-1flow 1,406, udp-rss 1,390, syn-flood 1,844, tcp-gro 3,786, filtered 2,350.
budgets=(udp-1flow=1465 udp-rss=1445 syn-flood=1900 tcp-gro=3920 filtered=2475)
if [ $# -gt 0 ]; then
	budgets=("$@")
fi
for wb in "${budgets[@]}"; do
	if ! [[ $wb =~ ^[a-z0-9-]+=[0-9]+$ ]]; then
		echo "instructions: '$wb': want WORKLOAD=BUDGET, the budget in instructions a packet" >&2
		exit 2
	fi
done

if ! command -v valgrind >/dev/null 2>&1; then
	echo "instructions: valgrind is not installed" >&2
	exit 2
fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target rxsim-cli rxsim-bench >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# The instructions callgrind counted in a replay of workload @1's capture of @2 packets.
count() {
	if ! "$build/bench/rxsim-bench" --workload "$1" --packets "$2" --keep --dir "$dir" \
		>"$dir/bench.out" 2>&1; then
		cat "$dir/bench.out" >&2
		exit 2
	fi
	if ! valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.$1.$2" \
		"$build/rxsim" replay "$dir/$1-$2.yaml" >/dev/null 2>"$dir/valgrind.$1.$2"; then
		cat "$dir/valgrind.$1.$2" >&2
		exit 2
	fi
	sed -n 's/^summary: *//p' "$dir/callgrind.$1.$2"
}

over=0
for wb in "${budgets[@]}"; do
	w=${wb%%=*}
	budget=${wb#*=}
	a=$(count "$w" $small)
	b=$(count "$w" $large)
	per=$(( (b - a) / (large - small) ))
	verdict="ok"
	if [ "$per" -gt "$budget" ]; then
		verdict="ABOVE THE BUDGET"
		over=1
	fi
	printf '%-10s %6d instructions a packet (budget %d): %s\n' "$w" "$per" "$budget" "$verdict"
done
exit $over
