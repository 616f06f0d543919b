# help.sh: --help of every command, usage errors, and "winipc error".
. "$(dirname "$0")/lib.sh"

run "$W" --help
check_eq "winipc --help exits 0" 0 "$RC"
check_contains "winipc --help lists the commands" "connect" "$OUT"

for cmd in pipes mailslots handles send recv serve connect error; do
    run "$W" "$cmd" --help
    check_eq "$cmd --help exits 0" 0 "$RC"
    check_contains "$cmd --help shows its usage" "Usage: winipc $cmd" "$OUT"
    check_eq "$cmd --help writes nothing to stderr" "" "$ERR"
    run "$W" "$cmd" -h
    check_eq "$cmd -h exits 0" 0 "$RC"
done

run "$W"
check_eq "no command exits 2" 2 "$RC"
check_contains "no command prints the usage" "Usage: winipc COMMAND" "$ERR"
run "$W" frobnicate
check_eq "an unknown command exits 2" 2 "$RC"
check_contains "an unknown command is named" "'frobnicate' is not a command" "$ERR"

# Bad command lines: exit status 2 and a hint.
for args in "pipes --bogus" "mailslots extra" "send" "recv" \
            "recv box --timeout" "recv box --timeout soon" \
            "serve p" "serve p -- " "serve -- cat" "serve p --instances 0 -- cat" \
            "connect" "connect p --timeout x" "connect p q" "handles x y" \
            "error"; do
    # shellcheck disable=SC2086
    run "$W" $args
    check_eq "'winipc $args' exits 2" 2 "$RC"
    check_contains "'winipc $args' points to --help" "--help" "$ERR"
done

run "$W" --version
check_eq "--version exits 0" 0 "$RC"
check_contains "--version names the version" "winipc 0." "$OUT"

# winipc error: names and messages.
run "$W" error 2 ERROR_PIPE_BUSY 0x6d
check_eq "winipc error exits 0" 0 "$RC"
check_eq "winipc error output" "ERROR_FILE_NOT_FOUND (2): The system cannot find the file specified.
ERROR_PIPE_BUSY (231): All pipe instances are busy.
ERROR_BROKEN_PIPE (109): The pipe has been ended." "$OUT"
run "$W" error ERROR_NO_SUCH_THING
check_eq "an unknown error name exits 1" 1 "$RC"

# Every code of winerror.h has its name and its message.
names=$(sed -n 's/^#define \(ERROR_[A-Z0-9_]*\) .*/\1/p' \
        "$SRC_ROOT/include/winipc/winerror.h")
missing=""
for n in $names; do
    line=$("$W" error "$n") || missing="$missing $n"
    case $line in "$n ("*) ;; ERROR_SUCCESS*) ;; *) missing="$missing $n" ;; esac
done
check_eq "every winerror.h code is named, with a message" "" "$missing"

finish
