# pipes.sh: "winipc pipes" and "--json" against live pipes, served by
# "winipc serve" in the background.
. "$(dirname "$0")/lib.sh"

run "$W" pipes --json
check_eq "an empty namespace lists no pipes" "[]" "$OUT"

bg "$W" serve Alpha -- cat
ALPHA=$BG_PID
bg "$W" serve beta --message --instances 3 -- cat
BETA=$BG_PID
wait_name pipes alpha
wait_name pipes beta

run "$W" pipes
check_eq "pipes exits 0" 0 "$RC"
check_contains "the table has a header" "NAME" "$OUT"
check_contains "the table names alpha as its server gave it" '\\.\pipe\Alpha' "$OUT"
check_contains "the table names beta" '\\.\pipe\beta' "$OUT"
check_contains "the table shows the user" "$(id -un)" "$OUT"

q() { json_query pipes "[e for e in L if e['name'] == r'\\\\.\\pipe\\$1'][0]$2"; }
check_eq "alpha's server pid" "[$ALPHA]" "$(q Alpha "['server_pids']")"
check_eq "alpha's user" "$(id -un)" "$(q Alpha "['user']")"
check_eq "alpha's uid" "$(id -u)" "$(q Alpha "['uid']")"
check_eq "alpha has one instance" 1 "$(q Alpha "['instances']")"
check_eq "alpha's instance listens" 1 "$(q Alpha "['listening']")"
check_eq "alpha has no instance limit" None "$(q Alpha "['max_instances']")"
check_eq "alpha is a byte pipe" byte "$(q Alpha "['type']")"
check_eq "alpha reads bytes" byte "$(q Alpha "['read_mode']")"
check_eq "alpha is duplex" duplex "$(q Alpha "['access']")"
check_eq "alpha is private" False "$(q Alpha "['public']")"
check_eq "beta's server pid" "[$BETA]" "$(q beta "['server_pids']")"
check_eq "beta allows 3 instances" 3 "$(q beta "['max_instances']")"
check_eq "beta is a message pipe" message "$(q beta "['type']")"
check_eq "beta reads messages" message "$(q beta "['read_mode']")"
check_eq "the buffer sizes are listed" "65536 65536" \
    "$(q beta "['in_buffer_size']") $(q beta "['out_buffer_size']")"

# A connected client: one busy instance, and serve makes the next one.
mkfifo "$TMP/hold"
exec 3<>"$TMP/hold" # keeps the client's stdin open (and does not block)
bg_in "$TMP/hold" "$W" connect beta >/dev/null 3>&-
CLIENT=$BG_PID
wait_for pipes "[e for e in L if e['name'] == r'\\\\.\\pipe\\beta' and e['instances'] == 2]"
check_eq "beta: 2 instances with a client" 2 "$(q beta "['instances']")"
check_eq "beta: one of them listens" 1 "$(q beta "['listening']")"
exec 3>&-
stop "$CLIENT"

# A public pipe says so.
bg "$W" serve gamma --public -- cat
GAMMA=$BG_PID
wait_name pipes gamma
check_eq "gamma is public" True "$(q gamma "['public']")"

# Sorted by name; the JSON is one array of objects with every field.
check_eq "the listing is sorted" "['\\\\\\\\.\\\\pipe\\\\Alpha', '\\\\\\\\.\\\\pipe\\\\beta', '\\\\\\\\.\\\\pipe\\\\gamma']" \
    "$(json_query pipes "[e['name'] for e in L]")"
check_eq "every field is there" "access default_timeout_ms in_buffer_size instances listening max_instances name out_buffer_size public read_mode server_pids type uid user" \
    "$(json_query pipes "' '.join(sorted(L[0].keys()))")"

# Any name makes valid JSON: UTF-8 passes, control characters are
# escaped, bytes that are not UTF-8 become U+FFFD.
ODD=$(printf 'caf\303\251 "q" \001\377')
bg "$W" serve "$ODD" -- cat
ODDPID=$BG_PID
wait_for pipes "[e for e in L if e['name'].startswith(r'\\\\.\\pipe\\caf')]"
check_eq "an odd name in JSON" "'caf\\xe9 \"q\" \\x01\\ufffd'" \
    "$(json_query pipes "[ascii(e['name'][9:]) for e in L if 'caf' in e['name']][0]")"
stop "$ODDPID"

# A server that goes away takes its pipe out of the listing at once.
stop "$ALPHA"
stop "$GAMMA"
check_eq "a dead server's pipe is not listed" "['beta']" \
    "$(json_query pipes "[e['name'].split(chr(92))[-1] for e in L]")"
kill -9 "$BETA" 2>/dev/null
stop "$BETA"
check_eq "a killed server's pipe is not listed" "[]" "$(json_query pipes "L")"

finish
