#!/bin/sh
# Demangling, measured: for each binary given (default: libstdc++ and a Rust
# fixture built here), how many of its symbols abi::__cxa_demangle() and
# vigil's libiberty-based prof_demangle() name as c++filt does.
# Run from the build tree: sh bench/demangle.sh [BINARY...]
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in src/prof/demangle.c src/util/buf.c src/util/xalloc.c; do
	gcc -O2 -c -I. -I"$top" -I"$top/include" -o "$tmp/$(basename "$f").o" \
	    "$top/$f"
done
g++ -O2 -o "$tmp/cmp" "$top/bench/demangle_cmp.cc" "$tmp"/*.o -liberty
if [ $# -eq 0 ]; then
	rustc -C opt-level=2 -o "$tmp/rsh" "$top/tests/fixtures/rsh.rs"
	rustc -C opt-level=2 -C symbol-mangling-version=v0 -o "$tmp/rsh-v0" \
	    "$top/tests/fixtures/rsh.rs"
	set -- "$(ls /usr/lib/x86_64-linux-gnu/libstdc++.so.6* | head -1)" \
	    "$tmp/rsh" "$tmp/rsh-v0"
fi
for b; do
	{ nm "$b" 2>/dev/null; nm -D "$b" 2>/dev/null; } |
	    awk '{ sub(/@.*/, "", $NF); print $NF }' | grep -E '^_[ZR]' |
	    sort -u >"$tmp/syms"
	c++filt <"$tmp/syms" | paste "$tmp/syms" - >"$tmp/pairs"
	printf '%s: ' "$(basename "$b")"
	"$tmp/cmp" <"$tmp/pairs"
done
