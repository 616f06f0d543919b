# sendrecv.sh: "winipc send" and "winipc recv" round trips, their options
# and exit statuses.
. "$(dirname "$0")/lib.sh"

# Arguments, then lines of stdin, each one message, in order.
bg "$W" recv box --count 5 >"$TMP/got"
RECV=$BG_PID
wait_name mailslots box
run "$W" send box hello "two words"
check_eq "send exits 0" 0 "$RC"
check_eq "send prints nothing" "" "$OUT$ERR"
printf 'line 1\nline 2\nno newline' >"$TMP/lines"
run "$W" send box <"$TMP/lines"
check_eq "send from stdin exits 0" 0 "$RC"
wait "$RECV"
check_eq "recv --count exits 0 after N messages" 0 "$?"
check_eq "every message arrived, one per line" "hello
two words
line 1
line 2
no newline" "$(cat "$TMP/got")"

# A full name works as well as a bare one; "--" lets a message start
# with "-".
bg "$W" recv box --count 2 >"$TMP/got"
RECV=$BG_PID
wait_name mailslots box
run "$W" send '\\.\MAILSLOT\Box' -- --not-an-option ""
check_eq "send with a full name exits 0" 0 "$RC"
wait "$RECV"
check_eq "'--' and an empty message" "--not-an-option||" \
    "$(tr '\n' '|' <"$TMP/got")"

# A large message grows recv's buffer.
bg "$W" recv big --count 1 >"$TMP/got"
RECV=$BG_PID
wait_name mailslots big
python3 -c 'print("x" * 200000, end="")' | "$W" send big
check_eq "send of 200000 bytes exits 0" 0 "$?"
wait "$RECV"
check_eq "200000 bytes and a line break arrived" 200001 "$(wc -c <"$TMP/got" | tr -d ' ')"

# --timeout: success once something came, ERROR_SEM_TIMEOUT if nothing did.
run "$W" recv quiet --timeout 100
check_eq "recv --timeout with no message exits 1" 1 "$RC"
check_eq "recv --timeout with no message says why" \
    'winipc recv: \\.\mailslot\quiet: ERROR_SEM_TIMEOUT (121): The semaphore timeout period has expired.' "$ERR"
bg "$W" recv slow --timeout 1500 >"$TMP/got"
RECV=$BG_PID
# Sent as soon as the mailslot exists (polling with python could take
# longer than the timeout on a busy machine).
deadline=$(($(date +%s) + 10))
until "$W" send slow first 2>/dev/null; do
    [ "$(date +%s)" -le $deadline ] || break
    sleep 0.01
done
wait "$RECV"
check_eq "recv --timeout after a message exits 0" 0 "$?"
check_eq "recv --timeout printed the message" first "$(cat "$TMP/got")"

# One receiver per name.
bg "$W" recv taken >/dev/null
TAKEN=$BG_PID
wait_name mailslots taken
run "$W" recv taken --timeout 10
check_eq "a second receiver exits 1" 1 "$RC"
check_eq "a second receiver gets ERROR_ALREADY_EXISTS" \
    'winipc recv: \\.\mailslot\taken: ERROR_ALREADY_EXISTS (183): Cannot create a file when that file already exists.' "$ERR"
stop "$TAKEN"

# Nobody receives: ERROR_FILE_NOT_FOUND.
run "$W" send taken hello
check_eq "send without a receiver exits 1" 1 "$RC"
check_eq "send without a receiver gets ERROR_FILE_NOT_FOUND" \
    'winipc send: \\.\mailslot\taken: ERROR_FILE_NOT_FOUND (2): The system cannot find the file specified.' "$ERR"

# A bad name: ERROR_INVALID_NAME.
run "$W" recv 'a\..\b' --timeout 10
check_eq "recv with a bad name exits 1" 1 "$RC"
check_contains "recv with a bad name gets ERROR_INVALID_NAME" "ERROR_INVALID_NAME (123)" "$ERR"

finish
