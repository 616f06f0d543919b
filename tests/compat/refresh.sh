#!/bin/sh
# Regenerates tests/compat/expected/*.txt: builds every tests/compat/*.c
# with MinGW, unchanged, and runs it under Wine with standard input from
# /dev/null; the transcript is its output without carriage returns, then
# "exit status: N".  Environment: WINEPREFIX (default: the conformance
# scenarios' prefix, build-conformance/wineprefix), MINGW_CC, WINE.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
WINE=${WINE:-wine}
export WINEPREFIX="${WINEPREFIX:-$root/build-conformance/wineprefix}"
export WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree=;mshtml="
unset DISPLAY WAYLAND_DISPLAY || true
work=$(mktemp -d "${TMPDIR:-/tmp}/winipc-compat.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$here/expected"
for src in "$here"/*.c; do
    name=$(basename "$src" .c)
    "$CC" -std=c11 -O1 -Wall -Wextra -static -o "$work/$name.exe" "$src"
    status=0
    (cd "$work" && timeout 120 "$WINE" "$work/$name.exe" </dev/null \
        >"$work/$name.raw") || status=$?
    { tr -d '\r' <"$work/$name.raw"; echo "exit status: $status"; } \
        >"$here/expected/$name.txt"
    echo "refresh.sh: expected/$name.txt"
done
