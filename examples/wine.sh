#!/bin/sh
# wine.sh: the Windows examples as Windows programs.  Builds every program
# of examples/windows/ and examples/readme/ with MinGW, as written and with
# UNICODE and _UNICODE, warnings as errors, and runs them under Wine with
# demo.sh's scripts and checks: the checks the winipc builds pass (ctest
# demo, demo.unicode, readme_example) must pass for the same sources on
# Windows as Wine reproduces it.
#
# Usage: sh examples/wine.sh BUILD_DIR
# Environment: MINGW_CC (x86_64-w64-mingw32-gcc), WINE (wine),
# WINIPC_DEMO_SLOW (factor for every time limit, 4 here by default).
# Exits 77 (ctest: skipped) when MinGW or Wine is not installed.
#
# Wine runs in a prefix of its own, BUILD_DIR/examples/wineprefix, created
# on first use; its wineserver is stopped at the end.
set -u

if [ $# -ne 1 ]; then
    echo "usage: sh examples/wine.sh BUILD_DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd) || exit 2
CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
WINE=${WINE:-wine}
for tool in "$CC" "$WINE" timeout; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "wine.sh: SKIPPED: '$tool' is not installed (Debian packages" \
            "gcc-mingw-w64-x86-64, wine and wine64; .ci/run installs them)"
        exit 77
    fi
done

export WINEPREFIX="$build/examples/wineprefix"
export WINEARCH=win64
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree=;mshtml="
unset DISPLAY WAYLAND_DISPLAY
WINIPC_DEMO_SLOW=${WINIPC_DEMO_SLOW:-4}
export WINIPC_DEMO_SLOW

out=$build/examples/mingw
rm -rf "$out"
mkdir -p "$out/windows" "$out/windows-unicode" "$out/readme"
stop_wine() {
    WINEPREFIX=$WINEPREFIX timeout 30 wineserver -k 2>/dev/null
}
trap stop_wine EXIT
trap 'exit 130' INT TERM

# ---- Build ------------------------------------------------------------------

echo "wine.sh: building examples/windows and examples/readme with $CC," \
    "-Werror, as written and with UNICODE"
for src in "$here"/windows/*.c "$here"/readme/*.c; do
    dir=$(basename "$(dirname "$src")")
    echo "$src $out/$dir"
    # The UNICODE builds; the README's program is built as written only,
    # as the ctest test readme_example builds it.  A program that starts at
    # _tmain starts at wmain with _UNICODE, and MinGW wants -municode then.
    if [ "$dir" = windows ]; then
        municode=
        ! grep -q '_tmain\|wmain' "$src" || municode=-municode
        # (No blank at the end: xargs -L would join the next line.)
        echo "$src $out/$dir-unicode -DUNICODE -D_UNICODE${municode:+ $municode}"
    fi
done >"$out/builds"
# Two at a time: each line is SRC OUTDIR FLAGS...  With the Microsoft C
# runtime's printf (__USE_MINGW_ANSI_STDIO=0), which Windows programs are
# written for and winipc's <tchar.h> follows: MinGW's default for C99 and
# later is its ISO printf, where %s in a wide format (_tprintf with
# UNICODE) is a narrow string instead of a TCHAR string.
# shellcheck disable=SC2016 # expanded by the inner sh
xargs -P 2 -L 1 sh -c '
    src=$1 dir=$2
    shift 2
    name=$(basename "$src" .c)
    "$0" -O1 -Wall -Wextra -Werror -static -D__USE_MINGW_ANSI_STDIO=0 "$@" \
        -o "$dir/$name.exe" "$src" 2>"$dir/$name.err" ||
        echo "$dir/$name.err $src $*" >>"$dir/../failed"' "$CC" <"$out/builds"
failed=0
if [ -f "$out/failed" ]; then
    while read -r err src flags; do
        echo "wine.sh: $src does not build with $CC $flags:"
        cat "$err"
    done <"$out/failed"
    failed=1
fi
[ "$failed" = 0 ] || exit 1

# ---- Wine -------------------------------------------------------------------

if [ ! -f "$WINEPREFIX/system.reg" ]; then
    echo "wine.sh: creating the Wine prefix $WINEPREFIX"
    mkdir -p "$WINEPREFIX"
    if ! timeout 600 "$WINE" wineboot --init </dev/null \
        >"$out/wineboot.log" 2>&1; then
        cat "$out/wineboot.log"
        echo "wine.sh: wineboot failed"
        exit 1
    fi
fi
echo "wine.sh: $("$WINE" --version), WINEPREFIX=$WINEPREFIX"

for variant in "" -unicode; do
    echo
    echo "wine.sh: demo.sh with the MinGW builds${variant:+ (UNICODE)} under Wine"
    tchar=1
    [ -z "$variant" ] || tchar=2
    WINIPC_DEMO_WINE=$WINE WINIPC_DEMO_WINDOWS=$out/windows$variant \
        WINIPC_DEMO_TCHAR=$tchar sh "$here/demo.sh" "$build" || failed=1
done

# The README's program: what readme/check.sh checks of the winipc build.
echo
echo "wine.sh: readme/hello_pipe.exe under Wine"
(cd "$out/readme" &&
    timeout -k 2 $((30 * WINIPC_DEMO_SLOW)) "$WINE" ./hello_pipe.exe \
        </dev/null 2>&1) | tr -d '\r' >"$out/hello_pipe.out"
sed 's/^/    | /' "$out/hello_pipe.out"
if ! grep -q '^child [0-9]* says: hello, parent$' "$out/hello_pipe.out"; then
    echo "wine.sh: hello_pipe.exe did not print what the README says" \
        "(\"child PID says: hello, parent\")"
    failed=1
fi

echo
if [ "$failed" = 0 ]; then
    echo "wine.sh: every example builds with MinGW and passes the demo's" \
        "checks under Wine"
    exit 0
fi
echo "wine.sh: FAILED"
exit 1
