# errors.sh: errors are printed as "winipc CMD: NAME: ERROR_X (code):
# message" on stderr, with exit status 1; nothing goes to stdout.
. "$(dirname "$0")/lib.sh"

run "$W" connect nosuch
check_eq "connect to a missing pipe exits 1" 1 "$RC"
check_eq "connect to a missing pipe: the error" \
    'winipc connect: \\.\pipe\nosuch: ERROR_FILE_NOT_FOUND (2): The system cannot find the file specified.' "$ERR"
check_eq "connect to a missing pipe: no output" "" "$OUT"

run "$W" send nosuch hello
check_eq "send to a missing mailslot exits 1" 1 "$RC"
check_eq "send to a missing mailslot: the error" \
    'winipc send: \\.\mailslot\nosuch: ERROR_FILE_NOT_FOUND (2): The system cannot find the file specified.' "$ERR"
check_eq "send to a missing mailslot: no output" "" "$OUT"

run "$W" connect '\\.\mailslot\nosuch'
check_eq "connect to a mailslot name exits 1" 1 "$RC"
check_contains "connect to a mailslot name: a Windows error" "winipc connect: \\\\.\\mailslot\\nosuch: ERROR_" "$ERR"

# A whole name of more than 256 characters (the documented limit) that
# still fits in MAX_PATH.
long=$(printf '%0250d' 0)
run "$W" serve "$long" -- cat
check_eq "serve with a bad name exits 1" 1 "$RC"
check_eq "serve with a bad name: ERROR_INVALID_NAME" \
    "winipc serve: \\\\.\\pipe\\$long: ERROR_INVALID_NAME (123): The filename, directory name, or volume label syntax is incorrect." "$ERR"

# A pipe whose single instance is taken by another server.
bg "$W" serve solo --instances 1 -- cat
SOLO=$BG_PID
wait_name pipes solo
run "$W" serve solo --instances 1 -- cat
check_eq "a second server of a full pipe exits 1" 1 "$RC"
check_eq "a second server of a full pipe: ERROR_PIPE_BUSY" \
    'winipc serve: \\.\pipe\solo: ERROR_PIPE_BUSY (231): All pipe instances are busy.' "$ERR"
stop "$SOLO"

# A dead server leaves nothing behind to connect to.
bg "$W" serve gone -- cat
GONE=$BG_PID
wait_name pipes gone
kill -9 "$GONE"
stop "$GONE"
run "$W" connect gone </dev/null
check_eq "connect to a killed server's pipe exits 1" 1 "$RC"
check_contains "connect to a killed server's pipe: ERROR_FILE_NOT_FOUND" \
    "ERROR_FILE_NOT_FOUND (2)" "$ERR"

finish
