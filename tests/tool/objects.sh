# objects.sh: "winipc objects" lists named events, mutexes, semaphores,
# timers and mappings with their holders and state, as a table and as
# JSON; "winipc handles" names their kinds.  The objects are made, in
# known states, by tests/tool/objects_holder.c ($WINIPC_TOOL_HOLDER).
. "$(dirname "$0")/lib.sh"

H=${WINIPC_TOOL_HOLDER:?WINIPC_TOOL_HOLDER: the path of tool_objects_holder}

# state NAME: the JSON state of object NAME, as Python prints it.
state() {
    json_query objects "[e['state'] for e in L if e['name'] == '$1']"
}

run "$W" objects
check_eq "no objects: exit 0" 0 "$RC"
check_eq "no objects: the header alone" "NAME  TYPE       USER        HOLDERS       STATE" "$OUT"

mkfifo "$TMP/hold"
exec 3<>"$TMP/hold"
bg_in "$TMP/hold" "$H" >"$TMP/ready"
HOLDER=$BG_PID
deadline=$(($(date +%s) + 10))
while ! grep -q '^ready' "$TMP/ready" && [ "$(date +%s)" -le $deadline ]; do
    sleep 0.05 # polling the holder's output, with a bound
done
check_eq "the holder made its objects" "ready $HOLDER $HOLDER" "$(cat "$TMP/ready")"

check_eq "every object, sorted, with its type" \
    "[('ev_auto', 'Event'), ('ev_fd', 'Event'), ('ev_manual_set', 'Event'), ('map', 'Section'), ('mx_abandoned', 'Mutant'), ('mx_free', 'Mutant'), ('mx_owned', 'Mutant'), ('sem', 'Semaphore'), ('tm_due', 'Timer'), ('tm_idle', 'Timer')]" \
    "$(json_query objects "[(e['name'], e['type']) for e in L]")"
check_eq "the holder holds each, the tool none" "[[$HOLDER]]" \
    "$(json_query objects "sorted(set(str(e['holder_pids']) for e in L))" | tr -d "'")"
check_eq "a manual-reset event, set" "[{'signalled': True, 'manual_reset': True}]" "$(state ev_manual_set)"
check_eq "an auto-reset event, not set" "[{'signalled': False, 'manual_reset': False}]" "$(state ev_auto)"
check_eq "an auto-reset event set, through its eventfd" "[{'signalled': True, 'manual_reset': False}]" "$(state ev_fd)"
check_eq "a mutex owned twice by the holder's main thread" \
    "[{'owner_pid': $HOLDER, 'owner_tid': $HOLDER, 'recursion': 2, 'abandoned': False}]" "$(state mx_owned)"
check_eq "a free mutex" "[{'owner_pid': 0, 'owner_tid': 0, 'recursion': 0, 'abandoned': False}]" "$(state mx_free)"
check_eq "a mutex whose owner thread ended" "[{'owner_pid': 0, 'owner_tid': 0, 'recursion': 0, 'abandoned': True}]" "$(state mx_abandoned)"
check_eq "a semaphore at 2 of 5" "[{'count': 2, 'maximum': 5}]" "$(state sem)"
check_eq "a manual-reset timer that is due" "[{'signalled': True, 'manual_reset': True}]" "$(state tm_due)"
check_eq "an auto-reset timer never set" "[{'signalled': False, 'manual_reset': False}]" "$(state tm_idle)"
check_eq "a mapping's size" "[{'size': 100000}]" "$(state map)"
# Looking changed nothing: the auto-reset event is still set.
check_eq "still set after the looks" "[{'signalled': True, 'manual_reset': False}]" "$(state ev_fd)"

run "$W" objects
check_contains "the table: an owned mutex" "owned by $HOLDER.$HOLDER (2 times)" "$OUT"
check_contains "the table: a semaphore" "count 2 of 5" "$OUT"
check_contains "the table: an event" "signalled, manual-reset" "$OUT"
check_contains "the table: an abandoned mutex" "abandoned" "$OUT"
check_contains "the table: a mapping" "100000 bytes" "$OUT"

# The holder's handles, by kind.
check_eq "winipc handles names each kind" \
    "['manual-reset event', 'auto-reset event', 'auto-reset event', 'mutex', 'mutex', 'mutex', 'semaphore', 'manual-reset timer', 'auto-reset timer', 'file mapping (PAGE_READWRITE, 100000 bytes)']" \
    "$(timeout 20 "$W" handles "$HOLDER" --json | python3 -c '
import json, sys
print([h["kind"] for h in json.load(sys.stdin)["handles"] if h["name"]])')"

exec 3>&-
stop "$HOLDER"
run "$W" objects --json
check_eq "gone with their holder" "[]" "$OUT"
finish
