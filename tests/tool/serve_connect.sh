# serve_connect.sh: "winipc serve" and "winipc connect" round trips, byte
# and message pipes, concurrent clients, and how connections end.
. "$(dirname "$0")/lib.sh"

# Byte pipe through tr: connect sends stdin, shuts its side at the end,
# and prints what comes back until the server closes.
bg "$W" serve upper -- tr a-z A-Z
UPPER=$BG_PID
wait_name pipes upper
run "$W" connect upper <<IN
hello, pipe
second line
IN
check_eq "connect exits 0" 0 "$RC"
check_eq "tr answered" "HELLO, PIPE
SECOND LINE" "$OUT"
check_eq "connect printed no error" "" "$ERR"
run "$W" connect '\\.\PIPE\Upper' </dev/null
check_eq "empty input, full name: exits 0" 0 "$RC"
check_eq "empty input: empty output" "" "$OUT"
stop "$UPPER"

# Binary data, both ways, through cat: a megabyte, byte for byte.
bg "$W" serve cat -- cat
CAT=$BG_PID
wait_name pipes cat
head -c 1048576 /dev/urandom >"$TMP/data"
timeout 20 "$W" connect cat <"$TMP/data" >"$TMP/back"
check_eq "connect of 1 MiB exits 0" 0 "$?"
if cmp -s "$TMP/data" "$TMP/back"; then
    echo "ok: 1 MiB came back unchanged"
else
    fail "1 MiB came back changed ($(wc -c <"$TMP/back") bytes)"
fi

# Clients at the same time, each with its own cat.
pids=""
for i in 1 2 3 4 5; do
    seq "$i" 2000 >"$TMP/want$i"
    timeout 20 "$W" connect cat <"$TMP/want$i" >"$TMP/c$i" 2>"$TMP/e$i" &
    pids="$pids $!"
done
i=0
for p in $pids; do
    i=$((i + 1))
    wait "$p"
    rc=$?
    if [ $rc -ne 0 ] || ! cmp -s "$TMP/c$i" "$TMP/want$i"; then
        fail "concurrent client $i: status $rc, $(wc -c <"$TMP/c$i") of $(wc -c <"$TMP/want$i") bytes back, stderr:"; cat "$TMP/e$i"
    else
        echo "ok: concurrent client $i got its own data back"
    fi
done
stop "$CAT"

# A message pipe: each line is a message and each message a line, empty
# ones too; the last line needs no line break.
bg "$W" serve msgs --message --instances 2 -- cat
MSGS=$BG_PID
wait_name pipes msgs
printf 'one\n\nthree\nfour' >"$TMP/lines"
run "$W" connect msgs <"$TMP/lines"
check_eq "connect on a message pipe exits 0" 0 "$RC"
check_eq "messages came back as lines" "one||three|four|" "$(tr '\n' '|' <"$TMP/out")"

# --instances: with both instances taken, a third client waits, then gets
# ERROR_PIPE_BUSY after its --timeout.
mkfifo "$TMP/hold1" "$TMP/hold2"
exec 3<>"$TMP/hold1" 4<>"$TMP/hold2"
bg_in "$TMP/hold1" "$W" connect msgs >/dev/null 3>&- 4>&-
H1=$BG_PID
bg_in "$TMP/hold2" "$W" connect msgs >/dev/null 3>&- 4>&-
H2=$BG_PID
wait_for pipes "[e for e in L if e['instances'] == 2 and e['listening'] == 0]"
run "$W" connect msgs --timeout 300 </dev/null
check_eq "a client of a full pipe exits 1" 1 "$RC"
check_eq "a client of a full pipe gets ERROR_PIPE_BUSY" \
    'winipc connect: \\.\pipe\msgs: ERROR_PIPE_BUSY (231): All pipe instances are busy.' "$ERR"
# When one client leaves, a waiting one gets in: it leaves once the third
# client is seen waiting (in WaitNamedPipe's sleep, after ERROR_PIPE_BUSY).
echo waited >"$TMP/waiter_in"
bg_in "$TMP/waiter_in" "$W" connect msgs --timeout 10000 >"$TMP/waited"
WAITER=$BG_PID
wait_sleeping "$WAITER"
exec 3>&-
stop "$H1"
wait "$WAITER"
check_eq "a waiting client gets in when an instance frees" 0 "$?"
check_eq "and is served" waited "$(cat "$TMP/waited")"
exec 4>&-
stop "$H2"
stop "$MSGS"

# COMMAND's output ends first: the client is let go even though its stdin
# is still open.
bg "$W" serve hi -- sh -c 'echo hi there'
HI=$BG_PID
wait_name pipes hi
mkfifo "$TMP/open"
exec 5<>"$TMP/open"
timeout 10 "$W" connect hi <"$TMP/open" >"$TMP/out" 5>&-
check_eq "connect ends with the server's output" 0 "$?"
check_eq "and printed it" "hi there" "$(cat "$TMP/out")"
exec 5>&-
stop "$HI"

# Arguments reach COMMAND unchanged (the command line is quoted for
# CreateProcess and split back).
bg "$W" serve args -- sh -c 'printf "[%s]" "$@"' sh 'a b' 'c"d' 'e\f' '' 'g\\"h'
ARGS=$BG_PID
wait_name pipes args
run "$W" connect args </dev/null
check_eq "COMMAND's arguments" '[a b][c"d][e\f][][g\\"h]' "$OUT"
stop "$ARGS"

# --clients N: serve exits 0 once N clients have been served.
bg "$W" serve twice --clients 2 -- cat
TWICE=$BG_PID
wait_name pipes twice
echo 1 | "$W" connect twice >/dev/null
echo 2 | "$W" connect twice >/dev/null
wait "$TWICE"
check_eq "serve --clients 2 exits 0 after 2 clients" 0 "$?"
check_eq "its pipe is gone" "[]" "$(json_query pipes "L")"

# A COMMAND that cannot start: the client is let go, serve says why and
# goes on serving.
bg "$W" serve broken -- no-such-command-here 2>"$TMP/serve-err"
BROKEN=$BG_PID
wait_name pipes broken
run "$W" connect broken </dev/null
check_eq "the client of a broken COMMAND exits 0" 0 "$RC"
check_eq "and gets nothing" "" "$OUT"
check_contains "serve reports the COMMAND's error" \
    "starting COMMAND: ERROR_FILE_NOT_FOUND (2): The system cannot find the file specified." \
    "$(cat "$TMP/serve-err")"
wait_name pipes broken
check_eq "serve goes on" 1 "$(json_query pipes "len(L)")"
stop "$BROKEN"

finish
