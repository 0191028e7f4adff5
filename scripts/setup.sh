#!/usr/bin/env bash
# Install what rxsim needs to build and test on Debian or Ubuntu, and nothing when all of it
# is there already. Uses apt-get as root, or through sudo otherwise.
#   scripts/setup.sh           what building, running and the test suite need (about 60 MB;
#                              libbpf and libelf open eBPF objects, docs/ebpf.md)
#   scripts/setup.sh --extras  also the optional tools some checks use (about 600 MB):
#                              Chromium (renders the HTML report headless), tshark (reads the
#                              drops pcapng back), clang (the fuzz targets and the eBPF test
#                              programs of tests/data/ebpf), valgrind (the hot path's
#                              instruction budget) and python3-jsonschema (a full
#                              validator of the JSON reports, besides the tests' own). Without
#                              them those checks skip and say so. CI installs them.
set -euo pipefail

packages=(gcc make cmake pkg-config libpcap-dev libyaml-dev libjansson-dev libcmocka-dev python3
	libbpf-dev libelf-dev)
optional=()
if [ "${1:-}" = "--extras" ]; then
	optional=(chromium clang libclang-rt-dev tshark valgrind python3-jsonschema)
elif [ -n "${1:-}" ]; then
	echo "usage: scripts/setup.sh [--extras]" >&2
	exit 2
fi
missing=()
for p in "${packages[@]}" "${optional[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
echo "setup: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null 2>&1; then
	sudo=(sudo)
else
	echo "setup: need root or sudo to install: ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
required=()
for p in "${missing[@]}"; do
	case " ${optional[*]} " in *" $p "*) ;; *) required+=("$p") ;; esac
done
if [ ${#required[@]} -gt 0 ]; then
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${required[@]}" >/dev/null
fi
for p in "${missing[@]}"; do
	case " ${optional[*]} " in
	*" $p "*)
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null ||
			echo "setup: could not install $p; the tests that need it will skip" >&2
		;;
	esac
done
