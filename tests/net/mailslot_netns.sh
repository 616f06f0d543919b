#!/usr/bin/env bash
# mailslot_netns.sh: mailslots between machines, on three test hosts made
# of network namespaces (HOSTA, HOSTB, HOSTC, domain WIPCNET) whose veth
# pairs meet on a bridge in a fourth namespace, all created here and
# removed on exit.  No traffic leaves these namespaces.  Each host has
# its own registry (WINIPC_ROOT), as a machine would, and the default
# port 138.
#
#   bash tests/net/mailslot_netns.sh BUILD/tests/test_mailslot_net
#
# Exit 77 (ctest: skipped) with a message where namespaces cannot be made.
# The tshark check is skipped with a message when tshark is missing.
set -u
BIN=${1:?usage: mailslot_netns.sh PATH/TO/test_mailslot_net}
BIN=$(readlink -f "$BIN")

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "network namespaces need root (uid $(id -u))"
command -v ip >/dev/null || skip "ip (iproute2) is not installed"

TAG=wms$$
SW=$TAG-sw
HOSTS=(a b c)
SUBNET=10.250.$(( $$ % 200 + 20 ))
TMP=$(mktemp -d /tmp/winipc-netns.XXXXXX)
PIDS=()
# A receiver ends when no message came for this long (sanitizer builds
# start helpers slowly).
IDLE_MS=${IDLE_MS:-4000}
failures=0
checks=0

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    for h in "${HOSTS[@]}"; do ip netns del "$TAG-$h" 2>/dev/null; done
    ip netns del "$SW" 2>/dev/null
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT

ip netns add "$SW" 2>"$TMP/err" ||
    skip "cannot create network namespaces: $(cat "$TMP/err")"
ip -n "$SW" link add br0 type bridge
ip -n "$SW" link set br0 up
n=0
for h in "${HOSTS[@]}"; do
    n=$((n + 1))
    ns=$TAG-$h
    ip netns add "$ns"
    ip -n "$ns" link add eth0 type veth peer name "p$h" netns "$SW"
    ip -n "$SW" link set "p$h" master br0 up
    ip -n "$ns" addr add "$SUBNET.$n/24" brd + dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    mkdir -p "$TMP/root-$h"
done

upper() { echo "$1" | tr a-z A-Z; }

# run HOST CMD...: runs the test binary's helper on a host, with its
# names; the address list lets HOSTA and HOSTB be reached by unicast and
# leaves HOSTC to the broadcast of its unique name.
run() {
    local h=$1
    shift
    ip netns exec "$TAG-$h" env \
        WINIPC_ROOT="$TMP/root-$h" \
        WINIPC_COMPUTERNAME="HOST$(upper "$h")" \
        WINIPC_DOMAIN=WIPCNET \
        WINIPC_MAILSLOT_HOSTS="HOSTA=$SUBNET.1,HOSTB=$SUBNET.2" \
        WINIPC_MAILSLOT_DNS=0 \
        "$BIN" --helper "$@"
}

# recv HOST SLOT: a receiver in the background, its output in
# $TMP/HOST-SLOT; waits until it is ready.
recv() {
    local out="$TMP/$1-$(echo "$2" | tr '\\' _)"
    run "$1" ns_recv "$2" "$IDLE_MS" >"$out" &
    PIDS+=($!)
    for _ in $(seq 200); do
        grep -q ready "$out" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "receiver $2 on $1 did not start: $(cat "$out")"
    return 1
}

# expect FILE LINE...: the file holds exactly these lines (after "ready").
expect() {
    local file=$1 got want
    shift
    checks=$((checks + 1))
    got=$(grep -v '^ready$' "$file")
    want=$(printf '%s\n' "$@")
    [ $# -eq 0 ] && want=""
    if [ "$got" != "$want" ]; then
        failures=$((failures + 1))
        echo "FAIL: $(basename "$file"): expected:"
        printf '  %s\n' "$@"
        echo "got:"
        sed 's/^/  /' <<<"$got"
    fi
}

finish_receivers() {
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    PIDS=()
}

start_capture() {
    CAPTURE=""
    if ! command -v tshark >/dev/null; then
        echo "SKIP capture check: tshark is not installed"
        return
    fi
    ip netns exec "$SW" tshark -q -i br0 -f "udp port 138" \
        -w "$TMP/cap.pcapng" 2>"$TMP/tshark.err" &
    CAPTURE=$!
    # tshark says "Capturing on" once packets are really being taken; on a
    # loaded machine that can take seconds after the file appears.
    for _ in $(seq 400); do
        grep -q "Capturing on" "$TMP/tshark.err" 2>/dev/null && break
        sleep 0.05
    done
    sleep 0.5
}

stop_capture() {
    [ -n "$CAPTURE" ] || return 0
    sleep 1
    kill -INT "$CAPTURE"
    wait "$CAPTURE" 2>/dev/null
}

echo "== hosts: HOSTA $SUBNET.1, HOSTB $SUBNET.2, HOSTC $SUBNET.3"
start_capture

echo "== broadcast to the domain (\\\\*\\ and \\\\WIPCNET\\) reaches every host"
for h in a b c; do recv $h 'wipc\bc' || exit 1; done
run a ns_send '\\*\mailslot\wipc\bc' m1 m2 >"$TMP/send-bc"
run b ns_send '\\wipcnet\mailslot\wipc\bc' m3 >>"$TMP/send-bc"
finish_receivers
expect "$TMP/send-bc" ok ok ok
for h in a b c; do expect "$TMP/$h-wipc_bc" msg:m1 msg:m2 msg:m3; done

echo "== a computer-addressed message reaches that host only"
for h in a b c; do recv $h 'wipc\uni' || exit 1; done
# HOSTB by its address (unicast); HOSTC has none: its unique name is
# broadcast, and only HOSTC takes it.
run a ns_send '\\HOSTB\mailslot\wipc\uni' to-b >"$TMP/send-uni"
run a ns_send '\\hostc\mailslot\wipc\uni' to-c >>"$TMP/send-uni"
run c ns_send '\\HOSTZ\mailslot\wipc\uni' to-nobody >>"$TMP/send-uni"
finish_receivers
expect "$TMP/send-uni" ok ok ok
expect "$TMP/a-wipc_uni"
expect "$TMP/b-wipc_uni" msg:to-b
expect "$TMP/c-wipc_uni" msg:to-c

echo "== oversize messages fail as on Windows; 424 bytes arrive whole"
recv b 'wipc\big' || exit 1
run a ns_send '\\HOSTB\mailslot\wipc\big' @424 @425 @1000 >"$TMP/send-big"
finish_receivers
expect "$TMP/send-big" ok "error 87" "error 87"
expect "$TMP/b-wipc_big" "msg:$(printf 'x%.0s' $(seq 424))"
stop_capture

echo "== two receiving processes on one host: each message once"
recv b 'wipc\p1' || exit 1
recv b 'wipc\p2' || exit 1
run a ns_send '\\HOSTB\mailslot\wipc\p1' x1 >"$TMP/send-p"
run a ns_send '\\HOSTB\mailslot\wipc\p2' x2 >>"$TMP/send-p"
run c ns_send '\\*\mailslot\wipc\p1' y1 >>"$TMP/send-p"
run c ns_send '\\*\mailslot\wipc\p2' y2 >>"$TMP/send-p"
finish_receivers
expect "$TMP/send-p" ok ok ok ok
expect "$TMP/b-wipc_p1" msg:x1 msg:y1
expect "$TMP/b-wipc_p2" msg:x2 msg:y2

echo "== local and remote messages interleave in order of arrival"
mkdir "$TMP/il"
run b ns_interleave 'wipc\il' "$TMP/il" >"$TMP/b-il" &
IL=$!
for i in 1 2; do
    for _ in $(seq 200); do [ -e "$TMP/il/l$i" ] && break; sleep 0.05; done
    run a ns_send '\\HOSTB\mailslot\wipc\il' "R$i" >/dev/null
    touch "$TMP/il/r$i"
done
wait $IL
expect "$TMP/b-il" L1 R1 L2 R2 L3

echo "== malformed datagrams are dropped; the receiver goes on"
recv c 'wipc\raw' || exit 1
run a ns_raw "$SUBNET.3" 138 HOSTC 'wipc\raw'
finish_receivers
expect "$TMP/c-wipc_raw" msg:raw-ok

if [ -n "$CAPTURE" ]; then
    echo "== tshark decodes the capture as SMB mailslot writes"
    tshark -r "$TMP/cap.pcapng" -Y mailslot -T fields -E separator='|' \
        -e nbdgm.type -e nbdgm.destination_name -e smb.trans_name \
        -e mailslot.opcode -e mailslot.class -e data.data \
        >"$TMP/decoded" 2>"$TMP/tshark-r.err"
    sed 's/^/  /' "$TMP/decoded"
    hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
    # type 0x11 DIRECT_GROUP to WIPCNET<00>, 0x10 DIRECT_UNIQUE to a host.
    expect_decoded() {
        checks=$((checks + 1))
        if ! grep -qiF "$1" "$TMP/decoded"; then
            failures=$((failures + 1))
            echo "FAIL: capture lacks: $1"
        fi
    }
    expect_decoded "17|WIPCNET<00>|\\MAILSLOT\\wipc\\bc|1|2|$(hex m1)"
    expect_decoded "17|WIPCNET<00>|\\MAILSLOT\\wipc\\bc|1|2|$(hex m3)"
    expect_decoded "16|HOSTB<00>|\\MAILSLOT\\wipc\\uni|1|2|$(hex to-b)"
    expect_decoded "16|HOSTC<00>|\\MAILSLOT\\wipc\\uni|1|2|$(hex to-c)"
    # Nothing the dissectors find malformed or worth a warning (or an
    # error).  Notes and chats are shown, not counted: once, in a CI run
    # under ASan, tshark flagged one broadcast write with an expert item
    # that the log did not name (not seen again in 12 runs, 8 of them under
    # load); the frame's full dissection is printed when anything is found.
    tshark -r "$TMP/cap.pcapng" -Y '_ws.expert' -T fields \
        -e frame.number -e _ws.expert.message 2>/dev/null |
        sed 's/^/  note: /'
    checks=$((checks + 1))
    tshark -r "$TMP/cap.pcapng" \
        -Y '_ws.malformed || _ws.expert.severity >= 0x600000' \
        >"$TMP/expert" 2>/dev/null
    if [ -s "$TMP/expert" ]; then
        failures=$((failures + 1))
        echo "FAIL: tshark finds fault with:"
        sed 's/^/  /' "$TMP/expert"
        # What it found, and the whole of those frames.
        tshark -r "$TMP/cap.pcapng" \
            -Y '_ws.malformed || _ws.expert.severity >= 0x600000' -V -x \
            2>/dev/null | sed 's/^/  | /'
    fi
    checks=$((checks + 1))
    n=$(grep -c . "$TMP/decoded")
    if [ "$n" -ne 7 ]; then
        failures=$((failures + 1))
        echo "FAIL: expected 7 mailslot writes in the capture, got $n"
    fi
fi

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
