#!/bin/sh
# The training of a profile-guided build (CMakeLists.txt, RXS_PGO): runs the instrumented
# rxsim of BUILD on each of rxsim-bench's workloads, written by `rxsim-bench --keep`, as a
# user runs them (`rxsim replay SCENARIO --format json`, a bare capture, the threaded
# engine), so that PROFILE holds the arcs of the paths that matter.
#   cmake/pgo_train.sh BUILD PROFILE
set -eu
build=$1
profile=$2
n=${RXS_PGO_PACKETS:-50000}
rm -rf "$profile"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for w in udp-1flow udp-rss syn-flood tcp-gro filtered; do
	"$build/bench/rxsim-bench" --workload "$w" --packets "$n" --keep --dir "$dir" >/dev/null
	"$build/rxsim" replay "$dir/$w-$n.yaml" --format json -o "$dir/$w.json"
	"$build/rxsim" replay "$dir/$w-$n.yaml" >/dev/null
done
"$build/rxsim" replay "$dir/udp-1flow-$n.pcap" >/dev/null	# the survey of a bare capture
"$build/rxsim" replay "$dir/syn-flood-$n.pcap" >/dev/null
"$build/rxsim" replay "$dir/udp-rss-$n.yaml" --engine threaded --top-speed >/dev/null
test -d "$profile" || { echo "pgo_train: no profile written in $profile" >&2; exit 1; }
