#!/bin/sh
# bench/bench_remote.sh [BUILD_DIR] [ROUNDS]: remote clients through smbd,
# winipc against a server that answers smbd's handshake itself
# (bench/bench_remote.py).  Root only (a network namespace and smbd of its
# own); needs samba and python3-samba.  BUILD_DIR defaults to build-bench
# (configured as Release on first use).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build-bench}
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j2 --target bench_remote_echo winipc_smbd_bridge >/dev/null
exec unshare -n sh -c 'ip link set lo up && exec /usr/bin/python3 "$@"' sh \
    "$here/bench_remote.py" "$build/tools/winipc-smbd-bridge" \
    "$build/bench/bench_remote_echo" "$build" "${2:-7}"
