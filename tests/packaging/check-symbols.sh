#!/bin/sh
# check-symbols.sh LIBRARY SYMBOLS_FILE: the shared library exports exactly
# the symbols that debian/libwinipc0.symbols lists.  The package build
# (dh_makeshlibs -c4) fails on any difference; this says so in `make test`,
# before CI, with the lines to change.
set -eu
lib=$1
symbols=$2
nm=${NM:-nm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$nm" -D --defined-only "$lib" |
    awk '$2 ~ /^[TDBR]$/ { print $3 }' | LC_ALL=C sort >"$tmp/lib"
sed -n 's/^ \([^@ ]*\)@Base .*/\1/p' "$symbols" | LC_ALL=C sort >"$tmp/file"
if ! cmp -s "$tmp/lib" "$tmp/file"; then
    echo "check-symbols: $symbols does not match what $lib exports" >&2
    echo "(< exported but not listed, > listed but not exported):" >&2
    diff "$tmp/lib" "$tmp/file" | grep '^[<>]' >&2 || true
    echo "each new export is a line ' NAME@Base VERSION' there" >&2
    exit 1
fi
echo "check-symbols: $(wc -l <"$tmp/lib") exports, as listed"
