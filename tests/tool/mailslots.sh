# mailslots.sh: "winipc mailslots" and "--json" against live mailslots,
# received by "winipc recv" in the background.
. "$(dirname "$0")/lib.sh"

run "$W" mailslots --json
check_eq "an empty namespace lists no mailslots" "[]" "$OUT"

bg "$W" recv Inbox >/dev/null
INBOX=$BG_PID
bg "$W" recv 'app\events' --public
EVENTS=$BG_PID
wait_name mailslots inbox
wait_name mailslots 'app\\events'

run "$W" mailslots
check_eq "mailslots exits 0" 0 "$RC"
check_contains "the table has a header" "QUEUED" "$OUT"
check_contains "the table names Inbox as its receiver gave it" '\\.\mailslot\Inbox' "$OUT"
check_contains "pseudo-directories are shown" '\\.\mailslot\app\events' "$OUT"
check_contains "the table shows the receiver's pid" "$INBOX" "$OUT"

q() { json_query mailslots "[e for e in L if e['name'].endswith(r'$1')][0]$2"; }
check_eq "Inbox's receiver pid" "$INBOX" "$(q Inbox "['receiver_pid']")"
check_eq "Inbox's user" "$(id -un)" "$(q Inbox "['user']")"
check_eq "Inbox's uid" "$(id -u)" "$(q Inbox "['uid']")"
check_eq "Inbox is private" False "$(q Inbox "['public']")"
check_eq "Inbox takes any size" None "$(q Inbox "['max_message_size']")"
check_eq "queued messages are not known" None "$(q Inbox "['queued']")"
check_eq "events is public" True "$(q events "['public']")"
check_eq "events' receiver pid" "$EVENTS" "$(q events "['receiver_pid']")"
check_eq "every field is there" "max_message_size name public queued receiver_pid uid user" \
    "$(json_query mailslots "' '.join(sorted(L[0].keys()))")"
check_eq "the listing is sorted" "['app\\\\events', 'Inbox']" \
    "$(json_query mailslots "[e['name'][13:] for e in L]")"

# Messages sent and not yet read do not change the listing.
run "$W" send Inbox one two
check_eq "send to a listed mailslot works" 0 "$RC"
check_eq "still listed with a message or two in flight" 2 \
    "$(json_query mailslots "len(L)")"

# A receiver that goes away takes its mailslot out of the listing at once.
stop "$INBOX"
check_eq "a closed receiver's mailslot is not listed" "['events']" \
    "$(json_query mailslots "[e['name'].split(chr(92))[-1] for e in L]")"
kill -9 "$EVENTS"
stop "$EVENTS"
check_eq "a killed receiver's mailslot is not listed" "[]" \
    "$(json_query mailslots "L")"

finish
