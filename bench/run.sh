#!/bin/sh
# bench/run.sh [BUILD_DIR]: builds and runs the named-pipe and mailslot
# benchmarks and prints the README's markdown tables.
#
# Natively it measures winipc and the raw AF_UNIX sockets in one run; where
# wine and x86_64-w64-mingw32-gcc are installed, the same source is built
# for Windows and run under Wine as the reference.  BUILD_DIR defaults to
# build-bench (configured as Release on first use); BENCH_ARGS passes
# options to bench_npipe (--reps N, --time SECONDS, --only CASE, --pin
# same|diff); BENCH_WINE=0 skips the Wine runs.  The raw results stay in
# BUILD_DIR/bench/native.txt and wine.txt.
#
# Each ratio is the median of the per-round ratios winipc / raw; the
# "spread" column is their lowest and highest, and cases whose median meets
# the target while some rounds did not are listed under the table.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build-bench}
args=${BENCH_ARGS:-}
out=$build/bench

if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j2 --target bench_npipe >/dev/null

load_start=$(cut -d' ' -f1 /proc/loadavg)
echo "== native: winipc and the raw socket" >&2
# shellcheck disable=SC2086 # BENCH_ARGS is a list of words
"$out/bench_npipe" $args >"$out/native.txt"

: >"$out/wine.txt"
wine_version=
if [ "${BENCH_WINE:-1}" != 0 ] && command -v wine >/dev/null 2>&1 &&
    command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
    echo "== Windows build under Wine" >&2
    x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -o "$out/bench_npipe.exe" \
        "$here/bench_npipe.c"
    wine_version=$(wine --version 2>/dev/null || echo wine)
    # shellcheck disable=SC2086
    WINEDEBUG=-all wine "$out/bench_npipe.exe" $args >"$out/wine.txt" ||
        echo "bench_npipe.exe failed under Wine" >&2
else
    echo "== no Wine reference (BENCH_WINE=0, or no wine or mingw)" >&2
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo
echo "Machine: $(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r)${wine_version:+, $wine_version}"
echo "Load average (1 min) at the start: $load_start, at the end: $(cut -d' ' -f1 /proc/loadavg)"
echo

awk '
{ sub(/\r$/, "") }
$1 == "RESULT" {
    if (FILENAME ~ /wine\.txt$/) wine[$2] = $4
    else if ($3 == "raw") raw[$2] = $4
    else if ($3 == "ratio") { ratios[$2] = $4; lo[$2] = $5; hi[$2] = $6 }
    else mine[$2] = $4
}
function fmt(kind, v) {
    if (v == "") return "-"
    if (kind == "rtt") return sprintf("%.1f us", v)
    if (kind == "tp") return sprintf("%.0f MB/s", v)
    return sprintf("%.1f k/s", v / 1000)
}
END {
    n = split("rtt64_msg tp64k_byte tp64k_msg tp1m_byte tp1m_msg conn", names, " ")
    label["rtt64_msg"] = "64 B round trip, message mode"
    label["tp64k_byte"] = "throughput, 64 KiB writes, byte mode"
    label["tp64k_msg"] = "throughput, 64 KiB writes, message mode"
    label["tp1m_byte"] = "throughput, 1 MiB writes, byte mode"
    label["tp1m_msg"] = "throughput, 1 MiB writes, message mode"
    label["conn"] = "connect/disconnect cycles"
    pinlabel["same"] = "same CPU"; pinlabel["diff"] = "different CPUs"
    print "| case | winipc | raw kernel | ratio | spread | target | Wine reference |"
    print "|---|---:|---:|---:|---:|---|---:|"
    misses = 0; crossed = ""
    for (i = 1; i <= n; i++) {
        for (p = 1; p <= 2; p++) {
            pin = p == 1 ? "same" : "diff"
            key = names[i] "." pin
            kind = substr(names[i], 1, 3) == "rtt" ? "rtt" : \
                   substr(names[i], 1, 2) == "tp" ? "tp" : "conn"
            if (!(key in mine) && !(key in wine)) continue
            m = mine[key]; r = raw[key]
            ratio = "-"; spread = "-"
            target = kind == "rtt" ? "<= 1.15" : \
                     kind == "tp" ? ">= 0.90" : ">= 0.50"
            if (m != "" && r != "" && r > 0) {
                q = key in ratios ? ratios[key] : m / r
                ok = meets(kind, q)
                ratio = fmtq(kind, q) (ok ? "" : " (missed)")
                if (!ok) misses++
                if (lo[key] != "") {
                    spread = fmtq(kind, lo[key]) "-" fmtq(kind, hi[key])
                    # The median met the target, some repetitions did not.
                    if (ok && !(meets(kind, lo[key]) && meets(kind, hi[key])))
                        crossed = crossed "\n- " label[names[i]] ", " pinlabel[pin]
                }
            }
            printf "| %s, %s | %s | %s | %s | %s | %s | %s |\n", label[names[i]], \
                pinlabel[pin], fmt(kind, m), fmt(kind, r), ratio, spread, \
                target, fmt(kind, wine[key])
        }
    }
    print ""
    print "Ratio: winipc / raw kernel (time per round trip; MB/s; cycles/s). Each round"
    print "times one winipc and one raw repetition back to back, winipc first in rounds"
    print "1, 3, 5... and raw first in rounds 2, 4...; ratio is the median of the ratios"
    print "of the rounds, spread their lowest and highest."
    if (misses) print misses " target(s) missed (by the median ratio)."
    else print "All targets met by the median ratio."
    if (crossed != "")
        print "Met by the median, missed by some rounds:" crossed
}
function meets(kind, q) {
    return kind == "rtt" ? q <= 1.15 : kind == "tp" ? q >= 0.9 : q >= 0.5
}
# Two decimals, or three where two would round a miss onto the target.
function fmtq(kind, q) {
    return sprintf(meets(kind, sprintf("%.2f", q) + 0) != meets(kind, q) ? \
        "%.3f" : "%.2f", q)
}' "$out/native.txt" "$out/wine.txt"

# ---- Mailslots: bench_mailslot, the same way (BENCH_MAILSLOT_ARGS passes
# --reps, --time, --only; its raw output is in mailslot-native.txt and
# mailslot-wine.txt).
echo >&2
echo "== mailslots" >&2
cmake --build "$build" -j2 --target bench_mailslot >/dev/null
# shellcheck disable=SC2086
"$out/bench_mailslot" ${BENCH_MAILSLOT_ARGS:-} >"$out/mailslot-native.txt"
: >"$out/mailslot-wine.txt"
if [ "${BENCH_WINE:-1}" != 0 ] && command -v wine >/dev/null 2>&1 &&
    command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
    x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -o "$out/bench_mailslot.exe" \
        "$here/bench_mailslot.c"
    # shellcheck disable=SC2086
    WINEDEBUG=-all wine "$out/bench_mailslot.exe" ${BENCH_MAILSLOT_ARGS:-} \
        >"$out/mailslot-wine.txt" || echo "bench_mailslot.exe failed" >&2
fi
echo
awk '
{ sub(/\r$/, "") }
$1 == "RESULT" {
    if (FILENAME ~ /wine\.txt$/) wine[$2] = $4
    else if ($3 == "ratio") { ratio[$2] = $4; lo[$2] = $5; hi[$2] = $6 }
    else if ($3 == "raw") raw[$2] = $4
    else mine[$2] = $4
}
function fmt(v) { return v == "" ? "-" : sprintf("%.0f", v) }
# Two decimals, or three where two would round a miss up to 0.80.
function fmtq(q) { return sprintf(q < 0.8 && q >= 0.795 ? "%.3f" : "%.2f", q) }
END {
    n = split("ms64_w1 ms64_w4 ms4k_w1 ms4k_w4", names, " ")
    label["ms64_w1"] = "64 B messages, 1 writer"
    label["ms64_w4"] = "64 B messages, 4 writers"
    label["ms4k_w1"] = "4 KiB messages, 1 writer"
    label["ms4k_w4"] = "4 KiB messages, 4 writers"
    print "| case | winipc msg/s | raw msg/s | ratio | spread | target | Wine msg/s |"
    print "|---|---:|---:|---:|---:|---|---:|"
    misses = 0; crossed = ""
    for (i = 1; i <= n; i++) {
        k = names[i]
        if (!(k in mine) && !(k in wine)) continue
        q = "-"; spread = "-"
        if (k in ratio) {
            q = fmtq(ratio[k]) (ratio[k] >= 0.8 ? "" : " (missed)")
            if (ratio[k] < 0.8) misses++
            if (lo[k] != "") {
                spread = fmtq(lo[k]) "-" fmtq(hi[k])
                if (ratio[k] >= 0.8 && lo[k] < 0.8)
                    crossed = crossed "\n- " label[k]
            }
        }
        printf "| %s | %s | %s | %s | %s | >= 0.80 | %s |\n", label[k], \
            fmt(mine[k]), fmt(raw[k]), q, spread, fmt(wine[k])
    }
    print ""
    print "Ratio: winipc / raw datagram sockets (messages per second). Each round times"
    print "one winipc repetition and then one raw repetition; ratio is the median of the"
    print "ratios of the rounds, spread their lowest and highest. The raw baseline is"
    print "AF_UNIX datagram sockets; winipc mailslots queue in shared memory instead."
    if (misses) print misses " mailslot target(s) missed (by the median ratio)."
    else print "All mailslot targets met by the median ratio."
    if (crossed != "")
        print "Met by the median, missed by some rounds:" crossed
}' "$out/mailslot-native.txt" "$out/mailslot-wine.txt"
