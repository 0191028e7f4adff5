#!/usr/bin/env bash
# Build the libFuzzer targets of tests/fuzz/ and run each one for a bounded time.
#
#   scripts/fuzz.sh [SECONDS]      default 30 s per target
#   scripts/fuzz.sh [SECONDS] TARGET...   only these targets
#
# Builds with clang (-fsanitize=fuzzer,address,undefined) into build-fuzz/ (RXS_FUZZ_BUILD
# overrides it), seeds build-fuzz/corpus/TARGET from tests/data/pcaps, the examples and the
# oracle cases, and tests/data/ebpf's objects built with clang (tests/fuzz/seeds.py; for
# fuzz_ebpf_answer, the eBPF loader child's answers for fuzz_ebpf_elf's objects), then runs
# every target on its corpus with -max_total_time=SECONDS and prints "TARGET: N execs, cov: M"
# for each. The corpora grow across runs. A crash, leak, timeout or failed check leaves its
# input in build-fuzz/artifacts/TARGET/ and the log in build-fuzz/logs/TARGET.log, and makes
# the script exit 1 after the other targets ran. Exit 0: no target found anything.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
shift $(($# > 0 ? 1 : 0))
build=${RXS_FUZZ_BUILD:-build-fuzz}
targets=(fuzz_frame fuzz_pcap fuzz_scenario fuzz_iptables fuzz_bpf fuzz_ebpf fuzz_ebpf_elf
	fuzz_ebpf_answer fuzz_nft fuzz_nft_json)
jobs=$(nproc 2>/dev/null || echo 2)

if ! [[ $secs =~ ^[0-9]+$ ]] || [ "$secs" -eq 0 ]; then
	echo "usage: scripts/fuzz.sh [SECONDS]" >&2
	exit 2
fi
if ! command -v clang >/dev/null; then
	echo "fuzz.sh: clang is needed (apt-get install clang libclang-rt-dev)" >&2
	exit 2
fi
if [ $# -gt 0 ]; then
	targets=("$@")
fi
mkdir -p "$build/logs"
if ! { cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
	     -DRXS_FUZZ=ON -DRXS_TESTS=OFF &&
       cmake --build "$build" --target fuzz -j "$jobs"; } >"$build/logs/build.log" 2>&1; then
	cat "$build/logs/build.log" >&2
	echo "fuzz.sh: build in $build failed" >&2
	exit 2
fi
python3 tests/fuzz/seeds.py . "$build/corpus"
# fuzz_ebpf_answer's seeds: the loader child's answers for the objects of fuzz_ebpf_elf's corpus.
mkdir -p "$build/corpus/fuzz_ebpf_answer"
RXS_EBPF_ANSWER_SEEDS=$build/corpus/fuzz_ebpf_elf RXS_EBPF_ANSWER_OUT=$build/corpus/fuzz_ebpf_answer \
	"$build/tests/fuzz/fuzz_ebpf_answer" -runs=0 "$build/corpus/fuzz_ebpf_answer" \
	>"$build/logs/fuzz_ebpf_answer.seeds.log" 2>&1 || true

status=0
for t in "${targets[@]}"; do
	log=$build/logs/$t.log
	mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
	# -timeout: one input running 10 s is a hang; -rss_limit_mb: memory must stay bounded.
	if "$build/tests/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$build/artifacts/$t/" \
		"$build/corpus/$t" >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
		echo "$t: ${execs:-?} execs, cov: ${cov:-?}"
	else
		echo "$t: FAILED, see $log and $build/artifacts/$t/"
		grep -m1 -E '^==[0-9]+==ERROR|^SUMMARY|deadly signal|fuzz_[a-z]+:' "$log" || true
		status=1
	fi
done
exit $status
