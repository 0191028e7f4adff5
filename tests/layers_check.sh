#!/bin/sh
# The build's layering check (cmake/check_layers.sh) bites: a tiny tree of two modules, high
# above low, with violations planted, fails it with messages that name the file, the symbol
# or include, and both modules; the same tree without them passes.
# usage: layers_check.sh CHECK_SCRIPT CC
check=${1:?usage: layers_check.sh CHECK_SCRIPT CC}
cc=${2:-cc}
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
fails=0

mkdir -p "$d/src/high" "$d/src/low" "$d/o/rxs_high.dir/src/high" "$d/o/rxs_low.dir/src/low"
printf 'int low_fn(void);\nint high_fn(void) { return low_fn(); }\n' > "$d/src/high/high.c"
printf '/* high internals */\n' > "$d/src/high/high_int.h"
printf 'int low_fn(void) { return 1; }\n' > "$d/src/low/low.c"
# The planted violations: low calls up into high and includes high's internals.
printf '#include "high/high_int.h"\nint high_fn(void);\nint low_fn(void) { return high_fn(); }\n' \
	> "$d/src/low/bad.c"
printf 'int high_fn(void);\nint low_fn(void) { return high_fn(); }\n' > "$d/src/low/up.c"
for f in high/high low/low low/bad low/up; do
	m=${f%%/*}
	"$cc" -I"$d/src" -c "$d/src/$f.c" -o "$d/o/rxs_$m.dir/src/$f.c.o" || exit 1
done
layers() {	# $1: low's deps, $2: low's source, $3: pending modules
	printf 'root %s\ndeps high low\nsrc high src/high/high.c src/high/high_int.h\n' "$d"
	printf 'obj high %s\n' "$d/o/rxs_high.dir/src/high/high.c.o"
	printf 'deps low %s\nsrc low src/low/%s.c\nobj low %s\npending %s\n' \
		"$1" "$2" "$d/o/rxs_low.dir/src/low/$2.c.o" "$3"
}
# expect NAME WANT_RC PATTERN...: run the check on $d/layers.txt, want its exit code and
# every pattern (a fixed string) in its output.
expect() {
	name=$1 want=$2
	shift 2
	sh "$check" "$d/layers.txt" > "$d/out" 2>&1
	rc=$?
	[ "$rc" -eq "$want" ] || { echo "$name: exit $rc, want $want"; cat "$d/out"; fails=1; }
	for p in "$@"; do
		grep -qF -- "$p" "$d/out" || { echo "$name: no '$p' in:"; cat "$d/out"; fails=1; }
	done
}

layers "" low "" > "$d/layers.txt"
expect clean 0

layers "" bad "" > "$d/layers.txt"
expect upward 1 \
	"layers: error: src/low/bad.c: uses high_fn, defined in src/high/high.c: module low does not depend on high" \
	"layers: error: src/low/bad.c: includes \"high/high_int.h\", internal to module high: module low may not"

layers "high" low "" > "$d/layers.txt"
expect cycle 1 "layers: error: the declared dependencies have a cycle:" "high -> low" "low -> high"

layers "" up "high" > "$d/layers.txt"
expect pending 0 "layers: warning: low: 1 uses of high, which it does not depend on"

layers "" bad "high" > "$d/layers.txt"
expect pending_int 1 "layers: warning: low: 1 uses of high, which it does not depend on" \
	"includes \"high/high_int.h\", internal to module high"

layers "nothing" low "" > "$d/layers.txt"
expect unknown 1 "module low declares a dependency on nothing, which is no module"

rm "$d/o/rxs_low.dir/src/low/low.c.o"
layers "" low "" > "$d/layers.txt"
expect missing 2 "layers: cannot read"

[ $fails -eq 0 ] && echo "layers_check: all cases as expected"
exit $fails
