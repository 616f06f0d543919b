#!/bin/sh
# Regenerates the expected transcripts of the conformance scenarios: builds
# every tests/conformance/*.c with MinGW, runs it under Wine (64-bit prefix,
# no display), and then applies overrides.txt, which replaces the few lines
# where Wine is known to differ from Windows.
#
#   sh tests/conformance/refresh.sh           rewrite expected/*.txt
#   sh tests/conformance/refresh.sh --check   regenerate into a temporary
#                                             directory; fail with a diff if
#                                             expected/ differs
#
# Environment: WINEPREFIX (default: build-conformance/wineprefix in the
# source tree, created on first use), MINGW_CC (x86_64-w64-mingw32-gcc),
# WINE (wine), JOBS (scenarios run at once, 4).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mode=write
case "${1:-}" in
"") ;;
--check) mode=check ;;
--run-one)
    # Internal: one scenario under Wine (WORK NAME), its transcript without
    # carriage returns, then the overrides.  Leaves WORK/out/NAME.txt only
    # on success, and the reason in WORK/out/NAME.err otherwise.
    work=$2 name=$3
    err="$work/out/$name.err"
    # A scenario that puts processes in jobs runs alone, each attempt with a
    # fresh copy of the Wine prefix (and so a wineserver) of its own: Wine 8
    # ending a job's processes sometimes ends other processes of the same
    # wineserver too, with exit code 0 (in CI, three scenarios running
    # beside job_objects hung until the timeout and job_objects lost the end
    # of its transcript; here, its TerminateJobObject section ended itself
    # in 1 run of 30 and a mailslot_basic running beside it in 1 of 70).
    own=
    ! grep -q AssignProcessToJobObject "$here/${name%.unicode}.c" ||
        own="$work/prefix.$name"
    # A run is whole when Wine ends it with status 0 and its transcript ends
    # with CONF_DONE's line.  Wine rarely ends a run early (status 1 and
    # nothing on stderr, or status 0 with a truncated transcript) or hangs;
    # such a run is tried again, up to three times in all, and said so on
    # stderr.
    for attempt in 1 2 3; do
        status=0
        if [ -n "$own" ]; then
            rm -rf "$own"
            cp -a "$WINEPREFIX" "$own"
        fi
        (cd "$work/run" && [ -z "$own" ] || export WINEPREFIX="$own"
         exec timeout 180 "${WINE:-wine}" "$work/bin/$name.exe" \
            </dev/null >"$work/out/$name.raw" 2>"$err") || status=$?
        if [ -n "$own" ]; then
            WINEPREFIX="$own" "${WINESERVER:-wineserver}" -k 2>/dev/null || true
            WINEPREFIX="$own" "${WINESERVER:-wineserver}" -w 2>/dev/null || true
            rm -rf "$own"
        fi
        last=$(tail -n 1 "$work/out/$name.raw" | tr -d '\r')
        [ "$status" != 0 ] || [ "$last" != "-- end" ] || break
        {
            echo "(exit status $status; the transcript so far ends with:)"
            tail -n 8 "$work/out/$name.raw" | tr -d '\r'
        } >>"$err"
        [ "$attempt" != 3 ] || exit 0
        echo "refresh.sh: $name: the Wine run failed (attempt $attempt); again. It said:" >&2
        sed 's/^/    /' "$err" >&2
    done
    tr -d '\r' <"$work/out/$name.raw" >"$work/out/$name.wine"
    awk -v scenario="${name%.unicode}" -f "$here/apply_overrides.awk" \
        "$here/overrides.txt" "$work/out/$name.wine" \
        >"$work/out/$name.tmp" 2>"$err" &&
        mv "$work/out/$name.tmp" "$work/out/$name.txt"
    exit 0
    ;;
*)
    echo "usage: sh tests/conformance/refresh.sh [--check]" >&2
    exit 2
    ;;
esac

CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
WINE=${WINE:-wine}
JOBS=${JOBS:-4}
for tool in "$CC" "$WINE" timeout awk diff; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "refresh.sh: '$tool' is not installed (Debian: gcc-mingw-w64-x86-64 wine wine64)" >&2
        exit 2
    fi
done

# Wine: a 64-bit prefix of our own, no display, no debug output, and no
# attempt to install Mono or Gecko.
export WINEPREFIX="${WINEPREFIX:-$root/build-conformance/wineprefix}"
export WINEARCH=win64
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree=;mshtml="
unset DISPLAY WAYLAND_DISPLAY || true

work=$(mktemp -d "${TMPDIR:-/tmp}/winipc-conformance.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
mkdir -p "$work/bin" "$work/run" "$work/out"

if [ ! -f "$WINEPREFIX/system.reg" ]; then
    echo "refresh.sh: creating the Wine prefix $WINEPREFIX"
    mkdir -p "$WINEPREFIX"
    "$WINE" wineboot --init </dev/null >"$work/wineboot.log" 2>&1 || {
        cat "$work/wineboot.log" >&2
        exit 1
    }
fi
scenarios=$(cd "$here" && ls *.c | sed 's/\.c$//')

echo "refresh.sh: building with $CC (twice: also with UNICODE and _UNICODE)"
for name in $scenarios; do
    # A program that starts at _tmain starts at wmain with _UNICODE: MinGW
    # wants -municode for it (winipc links libwinipc_main).
    municode=
    ! grep -q '_tmain\|wmain' "$here/$name.c" || municode=-municode
    "$CC" -std=c11 -O1 -Wall -Wextra -Werror -static -I"$here" \
        -o "$work/bin/$name.exe" "$here/$name.c"
    "$CC" -std=c11 -O1 -Wall -Wextra -Werror -static -I"$here" -DUNICODE -D_UNICODE $municode \
        -o "$work/bin/$name.unicode.exe" "$here/$name.c"
done

echo "refresh.sh: running $(echo $scenarios | wc -w) scenarios under $("$WINE" --version)"
# The two builds of a scenario use the same names: never at the same time.
# The scenarios with jobs run last, one at a time (see --run-one).
jobs=$(cd "$here" && grep -l AssignProcessToJobObject *.c | sed 's/\.c$//')
shared=$(printf '%s\n' $scenarios | grep -vxF "$(printf '%s\n' $jobs)" || true)
printf '%s\n' $shared |
    xargs -P "$JOBS" -n 1 sh "$here/refresh.sh" --run-one "$work"
printf '%s.unicode\n' $shared |
    xargs -P "$JOBS" -n 1 sh "$here/refresh.sh" --run-one "$work"
for name in $jobs; do
    sh "$here/refresh.sh" --run-one "$work" "$name"
    sh "$here/refresh.sh" --run-one "$work" "$name.unicode"
done
failed=0
for name in $scenarios; do
    for run in "$name" "$name.unicode"; do
        if [ ! -f "$work/out/$run.txt" ]; then
            echo "refresh.sh: scenario $run failed:" >&2
            cat "$work/out/$run.err" >&2
            failed=1
        fi
    done
    # The UNICODE build is the same program for Windows: same transcript.
    if [ -f "$work/out/$name.txt" ] && [ -f "$work/out/$name.unicode.txt" ] &&
        ! diff -u "$work/out/$name.txt" "$work/out/$name.unicode.txt" >&2; then
        echo "refresh.sh: $name prints otherwise when built with UNICODE" >&2
        failed=1
    fi
done
[ "$failed" = 0 ] || exit 1

mkdir -p "$work/expected"
for name in $scenarios; do
    cp "$work/out/$name.txt" "$work/expected/$name.txt"
done

if [ "$mode" = check ]; then
    if diff -ru "$here/expected" "$work/expected"; then
        echo "refresh.sh: the expected transcripts are what Wine prints, with overrides.txt"
        exit 0
    fi
    echo "refresh.sh: expected/ differs from a fresh run (- committed, + regenerated)" >&2
    exit 1
fi
mkdir -p "$here/expected"
rm -f "$here"/expected/*.txt
cp "$work"/expected/*.txt "$here/expected/"
echo "refresh.sh: wrote $(echo $scenarios | wc -w) files in tests/conformance/expected"
