# lib.sh: helpers for the winipc tool's shell tests (sourced, not run).
#
# Each test is run as "sh TEST.sh PATH-TO-winipc".  It gets a private
# namespace root, so tests never see each other's objects; every process it
# starts in the background goes through bg(), which kills it after 30 s at
# the latest, and it is killed when the test exits.

set -u

W=${1:?usage: sh $0 PATH-TO-winipc}
case $W in /*) ;; *) W=$(pwd)/$W ;; esac
TOOL_TESTS=$(cd "$(dirname "$0")" && pwd)
SRC_ROOT=$(cd "$TOOL_TESTS/../.." && pwd)
WINIPC_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/winipc-tool-test.XXXXXX")
export WINIPC_ROOT
TMP=$WINIPC_ROOT/test-files
mkdir -p "$TMP"
BG_PIDS=""
WATCHDOGS=""
FAILED=0

cleanup() {
    for p in $WATCHDOGS; do
        kill "$p" 2>/dev/null
    done
    for p in $BG_PIDS; do
        kill "$p" 2>/dev/null
    done
    for p in $BG_PIDS; do
        wait "$p" 2>/dev/null
    done
    rm -rf "$WINIPC_ROOT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# bg CMD...: runs CMD in the background (at most 150 s: longer than the
# test's own ctest TIMEOUT, 120 s, so that a slow run on a loaded machine
# never loses its servers midway, as one at 34 s did with a 30 s bound)
# with stdin from /dev/null; its pid (CMD's own, not a wrapper's) in BG_PID.
# bg_in FILE CMD...: the same with stdin from FILE (a redirection on the
# call would not do: sh gives background commands /dev/null unless the
# command itself has a redirection).
bg() {
    bg_in /dev/null "$@"
}

bg_in() {
    bg_file=$1
    shift
    "$@" <"$bg_file" &
    BG_PID=$!
    BG_PIDS="$BG_PIDS $BG_PID"
    (sleep 150 && kill "$BG_PID") >/dev/null 2>&1 &
    WATCHDOGS="$WATCHDOGS $!"
}

# stop PID: kills a background process and waits for it.
stop() {
    kill "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}

fail() {
    echo "FAIL: $*" >&2
    FAILED=1
}

# check_eq WHAT EXPECTED ACTUAL
check_eq() {
    if [ "$2" != "$3" ]; then
        fail "$1: expected [$2], got [$3]"
    else
        echo "ok: $1"
    fi
}

# check_contains WHAT NEEDLE HAYSTACK
check_contains() {
    case $3 in
    *"$2"*) echo "ok: $1" ;;
    *) fail "$1: expected to contain [$2], got [$3]" ;;
    esac
}

# run CMD...: runs CMD (at most 20 s) with its stdout in OUT, its stderr
# in ERR and its exit status in RC.
run() {
    timeout 20 "$@" >"$TMP/out" 2>"$TMP/err"
    RC=$?
    OUT=$(cat "$TMP/out")
    ERR=$(cat "$TMP/err")
}

# json_query KIND PYTHON-EXPR: prints the expression evaluated with L bound
# to the parsed output of "winipc KIND --json".
json_query() {
    timeout 20 "$W" "$1" --json | python3 -c '
import json, sys
L = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$2"
}

# wait_for KIND PYTHON-CONDITION: polls "winipc KIND --json" (for 30 s:
# each poll runs the tool and python, seconds apart on a loaded CI
# machine) until the condition on L holds.
wait_for() {
    deadline=$(($(date +%s) + 30))
    while [ "$(date +%s)" -le $deadline ]; do
        if [ "$(json_query "$1" "bool($2)" 2>/dev/null)" = True ]; then
            return 0
        fi
        sleep 0.05
    done
    fail "timed out waiting for $1: $2"
    return 1
}

# wait_sleeping PID: waits (30 s at most) until process PID sleeps as
# WaitNamedPipe does at a busy pipe: on the registry's futex word until a
# server listens, or in nanosleep where it has no word to wait on (the
# kernel function it sleeps in, /proc/PID/wchan).
wait_sleeping() {
    deadline=$(($(date +%s) + 30))
    while [ "$(date +%s)" -le $deadline ]; do
        case "$(cat "/proc/$1/wchan" 2>/dev/null)" in
        *futex* | *nanosleep*) return 0 ;;
        esac
        sleep 0.01 # polling the state, with a bound
    done
    fail "timed out waiting for process $1 to sleep in WaitNamedPipe"
    return 1
}

# wait_name KIND NAME: waits until the object NAME (bare) is listed.
wait_name() {
    prefix='\\\\.\\pipe\\'
    [ "$1" = mailslots ] && prefix='\\\\.\\mailslot\\'
    wait_for "$1" "[e for e in L if e['name'].lower() == '$prefix$2'.lower()]"
}

finish() {
    if [ "$FAILED" -ne 0 ]; then
        echo "some checks failed" >&2
        exit 1
    fi
    echo "all checks passed"
    exit 0
}
