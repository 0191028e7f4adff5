#!/bin/sh
# check_layers.sh - hold the library's modules to their declared dependencies.
#
# usage: check_layers.sh LAYERS_FILE
#
# LAYERS_FILE (written by rxs_module() in CMakeLists.txt) has one line per fact:
#   root DIR                      where the sources' paths start
#   deps MODULE [DEP...]          MODULE may call and include DEP (direct dependencies)
#   src MODULE FILE...            MODULE's sources and headers
#   obj MODULE OBJECT...          MODULE's object files
#   pending MODULE...             calls into these are reported, not failed (work under way)
#
# Fails (exit 1) when the declared graph has a cycle, when an object of a module uses a
# symbol an object of another module defines and that module is not among its declared
# dependencies, when a source includes "X/..." of a module X it does not depend on, or when
# it includes another module's X/*_int.h. Each message names the file, the symbol or the
# include, and both modules. POSIX sh, nm and awk only.
set -u
layers=${1:?usage: check_layers.sh LAYERS_FILE}
NM=${NM:-nm}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# Symbols: "sym module file" for what each object defines and uses (external names only).
awk '$1 == "obj" { for (i = 3; i <= NF; i++) print $2, $i }' "$layers" |
while read -r mod obj; do
	src=${obj##*.dir/}
	src=${src%.o}
	"$NM" -g -P "$obj" > "$tmp/nm" || { echo "layers: cannot read $obj" >&2; touch "$tmp/fail"; }
	awk -v m="$mod" -v f="$src" '
		$2 == "U" { print "use", $1, m, f; next }
		$2 ~ /^[TDBRCVWGS]$/ { print "def", $1, m, f }' "$tmp/nm"
done > "$tmp/syms"
awk '$1 == "def" { print $2, $3, $4 }' "$tmp/syms" > "$tmp/def"
awk '$1 == "use" { print $2, $3, $4 }' "$tmp/syms" > "$tmp/use"

# Includes: "module file header" for every #include "X/..." of a module's sources.
root=$(awk '$1 == "root" { print $2 }' "$layers")
awk '$1 == "src" { for (i = 3; i <= NF; i++) print $2, $i }' "$layers" |
while read -r mod file; do
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\/[^"]*\)".*/\1/p' \
		"${root:-.}/$file" > "$tmp/hdrs" || touch "$tmp/fail"
	while read -r hdr; do echo "$mod $file $hdr"; done < "$tmp/hdrs"
done > "$tmp/inc"
# A check that read nothing would pass everything: a missing object or source is an error.
[ -e "$tmp/fail" ] && exit 2

awk -v defs="$tmp/def" -v uses="$tmp/use" -v incs="$tmp/inc" '
function dfs(m,    i, n, d, parts) {
	state[m] = 1
	path[++depth] = m
	n = split(deps[m], parts, " ")
	for (i = 1; i <= n; i++) {
		d = parts[i]
		if (state[d] == 1) {
			cyc = d
			for (j = depth; path[j] != d; j--)
				cyc = path[j] " -> " cyc
			cyc = d " -> " cyc
			printf "layers: error: the declared dependencies have a cycle: %s\n", cyc
			bad = 1
		} else if (!state[d] && (d in known)) {
			dfs(d)
		}
	}
	depth--
	state[m] = 2
}
$1 == "deps" {
	known[$2] = 1
	deps[$2] = ""
	for (i = 3; i <= NF; i++) {
		deps[$2] = deps[$2] " " $i
		allowed[$2, $i] = 1
		want[$2, $i] = 1
	}
}
$1 == "pending" { for (i = 2; i <= NF; i++) pending[$i] = 1 }
END {
	for (k in want) {
		split(k, p, SUBSEP)
		if (!(p[2] in known)) {
			printf "layers: module %s declares a dependency on %s, which is no module\n", p[1], p[2]
			bad = 1
		}
		if (p[1] == p[2]) {
			printf "layers: module %s declares a dependency on itself\n", p[1]
			bad = 1
		}
	}
	for (m in known)
		if (!state[m])
			dfs(m)

	while ((getline line < defs) > 0) {
		split(line, f, " ")
		if (!(f[1] in defmod)) {
			defmod[f[1]] = f[2]
			deffile[f[1]] = f[3]
		}
	}
	while ((getline line < uses) > 0) {
		split(line, f, " ")
		sym = f[1]; user = f[2]; file = f[3]
		if (!(sym in defmod) || defmod[sym] == user || allowed[user, defmod[sym]])
			continue
		msg = sprintf("%s: uses %s, defined in %s: module %s does not depend on %s", \
			      file, sym, deffile[sym], user, defmod[sym])
		report(msg, user, defmod[sym])
	}
	while ((getline line < incs) > 0) {
		split(line, f, " ")
		user = f[1]; file = f[2]; hdr = f[3]
		target = hdr
		sub(/\/.*/, "", target)
		if (!(target in known))
			continue
		if (target != user && hdr ~ /_int\.h$/) {
			report(sprintf("%s: includes \"%s\", internal to module %s: module %s may not", \
				       file, hdr, target, user), user, "")
		} else if (target != user && !allowed[user, target]) {
			report(sprintf("%s: includes \"%s\": module %s does not depend on %s", \
				       file, hdr, user, target), user, target)
		}
	}
	for (i = 1; i <= norder; i++) {
		split(order[i], p, SUBSEP)
		printf "layers: warning: %s: %d uses of %s, which it does not depend on " \
		       "(pending: reported, not failed; VERBOSE=1 lists them)\n", \
		       p[1], npend[order[i]], p[2]
	}
	exit bad
}

# A use of a pending module is a warning, one line per pair of modules (VERBOSE=1: each).
function report(msg, user, target) {
	if (msg in seen)
		return
	seen[msg] = 1
	if (target != "" && (target in pending)) {
		if (ENVIRON["VERBOSE"] != "")
			printf "layers: warning (pending): %s\n", msg
		else if (!npend[user, target]++)
			order[++norder] = user SUBSEP target
		return
	}
	printf "layers: error: %s\n", msg
	bad = 1
}' "$layers"
rc=$?
[ $rc -eq 0 ] || echo "layers: see the module graph in docs/design.md and rxs_module() in CMakeLists.txt"
exit $rc
