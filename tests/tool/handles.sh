# handles.sh: "winipc handles", of itself and of other winipc processes
# (through their handle service), as a table and as JSON.
. "$(dirname "$0")/lib.sh"

hq() { # hq PID PYTHON-EXPR: evaluates the expression on H, the handles.
    timeout 20 "$W" handles $1 --json </dev/null | python3 -c '
import json, sys
D = json.load(sys.stdin)
H = D["handles"]
print(eval(sys.argv[1]))' "$2"
}

# Its own table: the three standard handles.
run "$W" handles </dev/null
check_eq "handles exits 0" 0 "$RC"
check_contains "the table has a header" "HANDLE" "$OUT"
check_eq "its own standard handles" "[(4, 'File', False), (8, 'File', False), (12, 'File', False)]" \
    "$(hq "" "[(h['value'], h['type'], h['inherit']) for h in H]")"
check_eq "every field is there" "access inherit kind name protect_from_close tag type value" \
    "$(hq "" "' '.join(sorted(H[0].keys()))")"

# A server's table: its three events, its inheritable stderr (for the
# COMMANDs it starts), and the listening instance of its pipe.
bg "$W" serve hp -- cat
SERVE=$BG_PID
wait_name pipes hp
check_eq "the pid is reported" "$SERVE" "$(hq "$SERVE" "D['pid']")"
check_eq "the server's pipe instance" "[('named pipe server (byte)', False)]" \
    "$(hq "$SERVE" "[(h['kind'], h['inherit']) for h in H if h['name'] == r'\\\\.\\pipe\\hp']")"
check_eq "the server's three events (its locks, and one for ended sessions)" 3 \
    "$(hq "$SERVE" "len([h for h in H if h['type'] == 'Event'])")"
check_eq "its inheritable standard error" 1 \
    "$(hq "$SERVE" "len([h for h in H if h['type'] == 'File' and h['inherit']])")"
run "$W" handles "$SERVE"
check_contains "the table names the pipe" '\\.\pipe\hp' "$OUT"
check_contains "the table names the process" "pid $SERVE (winipc)" "$OUT"

# A client holding a connection.
mkfifo "$TMP/hold"
exec 3<>"$TMP/hold"
bg_in "$TMP/hold" "$W" connect hp >/dev/null 3>&-
CLIENT=$BG_PID
wait_for pipes "[e for e in L if e['instances'] == 2]"
check_eq "the client's pipe end" 1 \
    "$(hq "$CLIENT" "len([h for h in H if h['kind'].startswith('named pipe client')])")"
check_eq "the server now has a connected and a listening instance" 2 \
    "$(hq "$SERVE" "len([h for h in H if h['kind'].startswith('named pipe server')])")"
exec 3>&-
stop "$CLIENT"

# A mailslot receiver.
bg "$W" recv hbox >/dev/null
RECV=$BG_PID
wait_name mailslots hbox
check_eq "the receiver's mailslot handle" "['mailslot receiver']" \
    "$(hq "$RECV" "[h['kind'] for h in H if h['tag'].startswith('mailslot')]")"

# Processes that cannot answer.
run "$W" handles 2147483646
check_eq "no such process: exit 1" 1 "$RC"
check_eq "no such process: ERROR_INVALID_PARAMETER" \
    "winipc handles: pid 2147483646: ERROR_INVALID_PARAMETER (87): The parameter is incorrect." "$ERR"
run "$W" handles 1
check_eq "a process without winipc: exit 1" 1 "$RC"
check_contains "a process without winipc: ERROR_NOT_SUPPORTED" "ERROR_NOT_SUPPORTED (50)" "$ERR"

finish
