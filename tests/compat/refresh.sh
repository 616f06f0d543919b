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
    for variant in "" .unicode; do
        defs=
        # -municode: MinGW starts a _UNICODE program at wmain (_tmain).
        # __USE_MINGW_ANSI_STDIO=0: the Microsoft runtime's printf, where %s in
        # a wide format is a wide string (MinGW's C99 one, which -std=c11
        # selects, reads it as narrow).
        [ -z "$variant" ] || defs="-DUNICODE -D_UNICODE -municode -D__USE_MINGW_ANSI_STDIO=0"
        # shellcheck disable=SC2086
        "$CC" -std=c11 -O1 -Wall -Wextra -Werror -static $defs \
            -o "$work/$name$variant.exe" "$src"
        status=0
        (cd "$work" && timeout 120 "$WINE" "$work/$name$variant.exe" \
            </dev/null >"$work/$name$variant.raw") || status=$?
        { tr -d '\r' <"$work/$name$variant.raw"; echo "exit status: $status"; } \
            >"$here/expected/$name$variant.txt"
        echo "refresh.sh: expected/$name$variant.txt"
    done
done
