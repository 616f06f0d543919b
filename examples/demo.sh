#!/bin/sh
# demo.sh: runs every example end to end and prints a transcript.
#
# Usage: sh examples/demo.sh BUILD_DIR
# (WINIPC_DEMO_WINDOWS: another directory of the Windows examples, such as
# BUILD_DIR/examples/windows-unicode, where they are built with UNICODE;
# WINIPC_DEMO_TCHAR=2 then expects the byte counts of UTF-16 text.
# WINIPC_DEMO_WINE: a Wine command; WINIPC_DEMO_WINDOWS then holds the same
# programs built with MinGW (NAME.exe), and only they run, each under that
# Wine, with the same checks (examples/wine.sh).  WINIPC_DEMO_SLOW: a factor
# for every time limit, for Wine on a loaded machine.)
#
# Each example is headed by what it shows (from the seed it comes from),
# then its output, indented with "| ".  Interactive examples get scripted
# input, typed a line at a time with pauses; the typed lines appear in the
# transcript as they would on a terminal.  The echo server listens on
# 127.0.0.1 only; it, the named pipe server and the mailslot receiver run
# in the background and are stopped once their clients are done.  Every
# run has a time limit, scratch files live in a temporary directory that is
# removed on exit, and the script exits non-zero if any example does not
# print what it should.
set -u

if [ $# -ne 1 ]; then
    echo "usage: sh examples/demo.sh BUILD_DIR" >&2
    exit 2
fi
build=$(cd "$1" && pwd) || exit 2
posix=$build/examples/posix
win=${WINIPC_DEMO_WINDOWS:-$build/examples/windows}
# The size of a TCHAR in the Windows examples: 2 when they are built with
# UNICODE (WINIPC_DEMO_TCHAR=2), where text written as bytes doubles.
tchar=${WINIPC_DEMO_TCHAR:-1}
# Under Wine: the command that runs a Windows program, and its suffix.
wine=${WINIPC_DEMO_WINE:-}
winrun=
exe=
if [ -n "$wine" ]; then
    winrun=$wine
    exe=.exe
fi
slow=${WINIPC_DEMO_SLOW:-1}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/winipc-demo.XXXXXX") || exit 2
# winipc's named objects (the named pipe's \\.\pipe\simple_pipe) live in
# a namespace of the demo's own, inside the scratch directory.
WINIPC_ROOT=$tmp/namespace
export WINIPC_ROOT
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Scripted input is typed with stdbuf -o0 on the program, so that prompts
# appear before the input that answers them, as on a terminal.
# (A Windows program's C runtime ignores it: under Wine it is not used.)
if command -v stdbuf >/dev/null 2>&1 && [ -z "$wine" ]; then
    unbuffered="stdbuf -o0"
else
    unbuffered=
fi

total=0
failed=0
failed_names=
known=
ok=yes
name=

# ---- Helpers -----------------------------------------------------------------

# example NAME LINE...: starts an example: a heading and what it shows.
example() {
    name=$1
    shift
    total=$((total + 1))
    ok=yes
    printf '\n=== %s\n' "$name"
    for line in "$@"; do
        printf '    %s\n' "$line"
    done
}

# show FILE: prints a captured output, indented.  A Windows C runtime ends
# its lines with CR LF: under Wine the CRs are removed from FILE first, so
# that the checks that follow see the lines as on Linux.
show() {
    [ -z "$wine" ] || sed -i 's/\r$//' "$1"
    sed 's/^/    | /' "$1"
}

# fail WHY: marks the current example failed.
fail() {
    printf '    !! %s\n' "$1"
    ok=no
}

# expect FILE TEXT...: each TEXT must be a line, or part of a line, of FILE.
expect() {
    file=$1
    shift
    for text in "$@"; do
        grep -F -q -e "$text" "$file" || fail "missing from the output: $text"
    done
}

# expect_order FILE TEXT...: the first lines of FILE holding each TEXT
# (as part of a line) must come in this order.
expect_order() {
    file=$1
    shift
    prev=0
    for text in "$@"; do
        at=$(grep -n -F -e "$text" "$file" | head -n 1 | cut -d: -f1)
        if [ -z "$at" ]; then
            fail "missing from the output: $text"
            return
        fi
        if [ "$at" -le "$prev" ]; then
            fail "out of order: \"$text\" should come later"
            return
        fi
        prev=$at
    done
}

# expect_rc WANT: the last run must have exited with status WANT.
expect_rc() {
    [ "$rc" = "$1" ] || fail "exit status $rc, expected $1"
}

# wine_differs WHY: under Wine, the current example is known to fail for
# the reason WHY, a difference between Wine and Windows: its failure is
# reported as such and not counted (it still must pass on winipc).
wine_known=
wine_differs() {
    [ -z "$wine" ] || wine_known=$1
}

# done_example: prints the verdict of the current example.
done_example() {
    if [ "$ok" = yes ]; then
        printf '    --> ok\n'
    elif [ -n "$wine_known" ]; then
        printf '    --> fails under Wine, as known: %s\n' "$wine_known"
        known="$known $name"
    else
        printf '    --> FAILED\n'
        failed=$((failed + 1))
        failed_names="$failed_names $name"
    fi
    wine_known=
}

# feeder DELAY LINES: types LINES (newline-separated) one at a time on
# stdout, echoing each to stderr as a terminal would.  Line K is typed
# DELAY seconds after the file $wait_file (when set) holds
# min(K - 1 + $wait_offset, $wait_max) lines matching the extended regular
# expression $wait_pattern: the scripted user waits for the prompt, or the
# answer, it responds to (for at most 20 s: under a loaded machine, CI's
# parallel ctest, a client may take seconds to start).
feeder() {
    k=0
    printf '%s\n' "$2" | while IFS= read -r line; do
        k=$((k + 1))
        if [ -n "$wait_file" ]; then
            need=$((k - 1 + wait_offset))
            [ $need -le $wait_max ] || need=$wait_max
            polls=0
            while [ $polls -lt $((400 * slow)) ]; do
                seen=$(grep -c -E -e "$wait_pattern" "$wait_file" 2>/dev/null)
                [ "${seen:-0}" -ge $need ] && break
                sleep 0.05
                polls=$((polls + 1))
            done
        fi
        sleep "$1"
        printf '%s\n' "$line" >&2
        printf '%s\n' "$line" || exit 0
    done
}

# run OUT SECS CMD...: runs CMD with a time limit, stdin from /dev/null,
# or typed by feeder when $typed is set (see feeder for $typed_delay and
# the $wait_* variables; all are reset after the run).
# Its stdout and stderr, and those of any process it leaves running, go to
# OUT (the pipe to cat is only done when they have all finished or been
# killed: timeout kills the whole process group).  Sets rc to the exit
# status, 124 if the time ran out.  The output is then shown.
typed=
typed_delay=0.3
wait_file=
wait_pattern=
wait_offset=0
wait_max=0
# wait_for CONDITION: evaluates the shell condition every 0.1 s, for 5 s
# (times WINIPC_DEMO_SLOW) at most, until it holds.
wait_for() {
    waited=0
    while ! eval "$1" && [ $waited -lt $((50 * slow)) ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
}

# start_server OUT PATTERN WHAT SECONDS COMMAND...: starts COMMAND in the
# background (its pid in server_pid, its output in OUT) and waits until
# OUT shows PATTERN; otherwise shows OUT, fails with "the WHAT did not
# start", stops COMMAND and returns 1.
start_server() {
    srv_out=$1 srv_pattern=$2 srv_what=$3 srv_secs=$(($4 * slow))
    shift 4
    (exec timeout -k 2 "$srv_secs" $unbuffered "$@") >"$srv_out" 2>&1 &
    server_pid=$!
    wait_for 'grep -q "$srv_pattern" "$srv_out" 2>/dev/null ||
        ! kill -0 "$server_pid" 2>/dev/null'
    grep -q "$srv_pattern" "$srv_out" 2>/dev/null && return 0
    show "$srv_out"
    fail "the $srv_what did not start"
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=
    return 1
}

run() {
    out=$1
    secs=$(($2 * slow))
    shift 2
    rm -f "$out.rc"
    if [ -n "$typed" ]; then
        {
            feeder "$typed_delay" "$typed" |
                timeout -k 2 "$secs" $unbuffered "$@" 2>&1
            echo $? >"$out.rc"
        } 2>&1 | timeout $((secs + 5)) cat >"$out"
    else
        {
            timeout -k 2 "$secs" "$@" </dev/null 2>&1
            echo $? >"$out.rc"
        } | timeout $((secs + 5)) cat >"$out"
    fi
    rc=$(cat "$out.rc" 2>/dev/null || echo "no status")
    typed=
    typed_delay=0.3
    wait_file=
    show "$out"
}

echo "winipc demo: the seed programs, run end to end"
echo "build: $build"
echo "scratch directory: $tmp"
echo "winipc namespace (WINIPC_ROOT): $WINIPC_ROOT"
[ -z "$wine" ] || echo "the Windows programs: $win, under $wine (WINEPREFIX=${WINEPREFIX:-})"

# ---- POSIX: seed 003 -------------------------------------------------------

# Under Wine only the Windows programs run.  (The POSIX part is not
# indented under this if: its typed input spans lines.)
if [ -z "$wine" ]; then

example posix/pipe1 \
    "Seed 003, pipe1.cpp: pipe() gives two descriptors, the entrance and the" \
    "exit of a pipe; fork() copies them (not the pipe) into the child.  The" \
    "child writes \"Who are you?\", the parent reads it and prints it."
run "$tmp/pipe1" 10 "$posix/pipe1"
expect_rc 0
expect "$tmp/pipe1" "Who are you?"
done_example

example posix/pipe2 \
    "Seed 003, pipe2.cpp: two-way talk over ONE pipe goes wrong.  Data in a" \
    "pipe goes to whoever reads first, so the child may read back its own" \
    "\"Who are you?\"; the parent then waits forever (here: until a 5 s time" \
    "limit).  It is a race, so the program is run until it goes wrong (at" \
    "most 5 times)."
attempt=1
while [ $attempt -le 5 ]; do
    printf '    $ pipe2    (run %d)\n' $attempt
    run "$tmp/pipe2.$attempt" 5 "$posix/pipe2"
    out=$tmp/pipe2.$attempt
    if grep -F -q "Child proc output : Who are you?" "$out"; then
        if [ "$rc" = 124 ]; then
            echo "    (the child read its own message back; the parent blocked"
            echo "    in read() and was stopped by the time limit)"
            break
        fi
        fail "the child read its own message but the parent did not hang"
        break
    elif grep -F -q "Parent proc output : Who are you?" "$out" &&
        grep -F -q "Child proc output : Thank you for your message" "$out" &&
        [ "$rc" = 0 ]; then
        echo "    (this time the parent happened to read first: it worked)"
    else
        fail "neither the failure the seed describes nor a lucky success"
        break
    fi
    attempt=$((attempt + 1))
done
done_example

example posix/pipe3 \
    "Seed 003, pipe3.cpp: the right way, two pipes, one for each direction."
run "$tmp/pipe3" 10 "$posix/pipe3"
expect_rc 0
expect "$tmp/pipe3" "Parent proc output : Who are you?" \
    "Child proc output : Thank you for your message"
done_example

example posix/three_conversation \
    "Seed 003, exercise 4 (three_conversation.cpp): parent and child" \
    "exchange strings three times over two pipes; each string is typed at" \
    "the prompt of the process whose turn it is (here by the script)."
typed="Hello, parent
Hello, child
How are you?
Fine, and you?
Good. Bye!
Bye!"
typed_delay=0.2
wait_file=$tmp/conv wait_pattern='^(Child|Parent) : ' wait_offset=1 wait_max=6
run "$tmp/conv" 20 "$posix/three_conversation"
expect_rc 0
expect "$tmp/conv" "from Child : Hello, parent" "from Parent : Hello, child" \
    "from Child : How are you?" "from Parent : Fine, and you?" \
    "from Child : Good. Bye!" "from Parent : Bye!"
done_example

# The echo server: started in the background under a time limit (timeout
# makes its own process group, and passes a kill on to the whole group:
# the server, its writer process and the children serving clients).
example "posix/echo_storeserver + echo_mpclient" \
    "Seed 003, 11-2 (echo_storeserver.cpp): a multi-process echo server on" \
    "127.0.0.1 (fork per client, SIGCHLD handler reaping with waitpid) whose" \
    "children also write each message into a pipe; a writer process reads" \
    "the pipe and stores the messages in echomsg.txt (ten reads, then it" \
    "closes the file and ends).  Two echo_mpclient clients (Chapter 10:" \
    "one process sends, one receives) send five messages each, then q."
mkdir "$tmp/echo"
port=$((20000 + $$ % 20000))
tries=0
while :; do
    tries=$((tries + 1))
    (cd "$tmp/echo" && exec timeout -k 2 60 "$posix/echo_storeserver" \
        "$port") >"$tmp/server.out" 2>&1 &
    server_pid=$!
    sleep 0.5
    if kill -0 "$server_pid" 2>/dev/null; then
        break
    fi
    wait "$server_pid" 2>/dev/null
    server_pid=
    if [ $tries -ge 10 ] || ! grep -q "bind() error" "$tmp/server.out"; then
        break
    fi
    port=$((port + 1)) # that port was taken: try the next one
done
if [ -z "$server_pid" ]; then
    show "$tmp/server.out"
    fail "the server did not start"
else
    printf '    $ echo_storeserver %s &    (in %s)\n' "$port" "$tmp/echo"
    if command -v ss >/dev/null 2>&1; then
        listening=$(ss -ltnH "sport = :$port" 2>/dev/null | awk '{print $4}')
        printf '    listening on: %s\n' "$listening"
        [ "$listening" = "127.0.0.1:$port" ] ||
            fail "the server must listen on 127.0.0.1:$port only"
    fi
    # Two clients at once, taking turns: each message is typed once the
    # other client has had its previous message echoed.
    typed="A: message 1
A: message 2
A: message 3
A: message 4
A: message 5
q"
    typed_delay=0.2
    wait_file=$tmp/clientB wait_pattern='^Message from server: '
    wait_offset=0 wait_max=5
    run "$tmp/clientA" 20 "$posix/echo_mpclient" 127.0.0.1 "$port" \
        >"$tmp/clientA.show" &
    clientA=$!
    sleep 0.2
    typed="B: message 1
B: message 2
B: message 3
B: message 4
B: message 5
q"
    typed_delay=0.2
    wait_file=$tmp/clientA wait_pattern='^Message from server: '
    wait_offset=1 wait_max=5
    run "$tmp/clientB" 20 "$posix/echo_mpclient" 127.0.0.1 "$port" \
        >"$tmp/clientB.show"
    rcB=$rc
    wait "$clientA"
    rcA=$(cat "$tmp/clientA.rc" 2>/dev/null || echo "no status")
    echo "    client A: \$ echo_mpclient 127.0.0.1 $port"
    cat "$tmp/clientA.show"
    echo "    client B: \$ echo_mpclient 127.0.0.1 $port"
    cat "$tmp/clientB.show"
    [ "$rcA" = 0 ] || fail "client A exited with status $rcA"
    [ "$rcB" = 0 ] || fail "client B exited with status $rcB"
    for c in A B; do
        for i in 1 2 3 4 5; do
            expect "$tmp/client$c" "Message from server: $c: message $i"
        done
    done

    # The writer closes echomsg.txt after its tenth read.
    wait_for '[ -s "$tmp/echo/echomsg.txt" ]'
    sleep 0.3 # let the server report the writer's end
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=
    echo "    server (stopped by the script):"
    show "$tmp/server.out"
    expect "$tmp/server.out" "new client connected..." \
        "client disconnected..." "Removed proc id : "
    [ "$(grep -c "new client connected" "$tmp/server.out")" = 2 ] ||
        fail "the server should report two clients"
    echo "    echomsg.txt:"
    if [ -f "$tmp/echo/echomsg.txt" ]; then
        show "$tmp/echo/echomsg.txt"
        for i in 1 2 3 4 5; do
            for c in A B; do
                echo "$c: message $i"
            done
        done >"$tmp/echomsg.expected"
        cmp -s "$tmp/echomsg.expected" "$tmp/echo/echomsg.txt" ||
            fail "echomsg.txt should hold the ten messages in order"
    else
        fail "echomsg.txt was not written"
    fi
fi
done_example

# ---- POSIX: seed 004 -------------------------------------------------------

example posix/pipe_self \
    "Seed 004: one process writes into a pipe (fd[1]) and reads back what" \
    "it wrote (fd[0]).  At end of input (CTRL+D; here the end of the" \
    "script) it closes fd[1]: an empty pipe with no writer gives read() 0," \
    "end of file, instead of blocking."
typed="first line
second line"
typed_delay=0.2
run "$tmp/self" 10 "$posix/pipe_self"
expect_rc 0
expect "$tmp/self" "read 11 bytes back from the pipe: first line" \
    "read 12 bytes back from the pipe: second line" \
    "read returned 0: end of file"
done_example

example posix/pipe_parent_child \
    "Seed 004: after pipe() and fork(), parent and child share the pipe." \
    "The parent writes \"hello\"; the child reads it over its bufin" \
    "(\"empty\"), so the parent's bufin is still {empty} and the child's is" \
    "{hello}.  read() may return less than asked: the child checks."
run "$tmp/ppc" 10 "$posix/pipe_parent_child"
expect_rc 0
expect "$tmp/ppc" "parent: my bufin is {empty}, my bufout is {hello}" \
    "child: my bufin is {hello}, my bufout is {hello}"
done_example

example posix/fifo_parent_child \
    "Seed 004: a FIFO (named pipe).  The parent creates it with mkfifo" \
    "(mode 644), forks, and reads; the child opens it and writes.  The FIFO" \
    "is a file with a name: it is still there after both processes end," \
    "until fifo_unlink removes it with unlink()."
mkdir "$tmp/fifo"
printf '    $ fifo_parent_child myfifo    (in %s)\n' "$tmp/fifo"
run "$tmp/fifo.out" 10 sh -c 'cd "$1" && exec "$2" myfifo' sh \
    "$tmp/fifo" "$posix/fifo_parent_child"
expect_rc 0
expect "$tmp/fifo.out" "created the FIFO myfifo" \
    "parent: read {[" "] this was written by the child}"
echo "    after both processes ended: \$ ls -l myfifo"
if [ -p "$tmp/fifo/myfifo" ]; then
    ls -l "$tmp/fifo/myfifo" | sed "s|$tmp/fifo/||; s/^/    | /"
else
    fail "the FIFO should still exist"
fi
printf '    $ fifo_unlink myfifo\n'
run "$tmp/unlink.out" 10 "$posix/fifo_unlink" "$tmp/fifo/myfifo"
expect_rc 0
if [ -e "$tmp/fifo/myfifo" ]; then
    fail "the FIFO should be gone"
else
    echo "    (myfifo is gone)"
fi
done_example

fi # the POSIX programs

# ---- Windows programs on winipc (or Wine) -----------------------------------

example windows/anonymous_pipe \
    "Seeds 001, 002: CreatePipe(&hReadPipe, &hWritePipe, NULL, 0) gives the" \
    "two ends of a one-way anonymous pipe; WriteFile into one, ReadFile from" \
    "the other (here within one process)."
run "$tmp/anon" 10 $winrun "$win/anonymous_pipe$exe"
expect_rc 0
expect "$tmp/anon" "string send: anonymous pipe" "string recv: anonymous pipe"
done_example

example windows/blocking_pipe_thread \
    "Seed 000: ReadFile/WriteFile are blocking: a thread reading an empty" \
    "pipe is Blocked until data comes.  Seed 001: a kernel object is" \
    "signaled or not; a thread object (like a process) is non-signaled while" \
    "it runs, signaled when it ends; WaitForSingleObject waits for that."
run "$tmp/block" 15 $winrun "$win/blocking_pipe_thread$exe"
expect_rc 0
expect "$tmp/block" "main: reader thread is non-signaled (still running)" \
    'reader: got "first message"' 'reader: got "second message"' \
    'reader: got "third message"' "reader: ReadFile: error 109: " \
    "main: reader thread is signaled (ended), exit code 3"
done_example

example windows/duplicate_handle \
    "Seeds 001, 002: GetCurrentProcess() is a pseudo handle, not in the" \
    "handle table.  DuplicateHandle(GetCurrentProcess(), GetCurrentProcess()," \
    "GetCurrentProcess(), &hProcess, 0, TRUE, DUPLICATE_SAME_ACCESS) makes a" \
    "real, inheritable handle to this process; DUPLICATE_CLOSE_SOURCE closes" \
    "the source of a copy."
run "$tmp/dup" 10 $winrun "$win/duplicate_handle$exe"
expect_rc 0
expect "$tmp/dup" "its handle table entry is inheritable: Y" \
    "WAIT_TIMEOUT, the process is running" \
    "the copy took the source's value, now not inheritable" \
    "fails with ERROR_INVALID_HANDLE: the source was closed"
done_example

example windows/environment \
    "Seeds 001, 002: SetEnvironmentVariable / GetEnvironmentVariable, the" \
    "process's own [key, value] table, within one process (the" \
    "parent-to-child half is windows/env_parent below)."
run "$tmp/env" 10 $winrun "$win/environment$exe"
expect_rc 0
expect "$tmp/env" "GetEnvironmentVariable(Good) = morning (returned 7)" \
    "GetEnvironmentVariable(Hey) = Ho! (returned 3)" \
    "GetEnvironmentVariable(NeverSet) returned 0, GetLastError() = 203" \
    "ExpandEnvironmentStrings: Good morning, Hey Ho!"
done_example

example windows/createfile \
    "Seed 002: CreateFile's creation dispositions (CREATE_ALWAYS, CREATE_NEW," \
    "OPEN_EXISTING, OPEN_ALWAYS, TRUNCATE_EXISTING), ReadFile, WriteFile," \
    "and the errors GetLastError/FormatMessage report."
mkdir "$tmp/files"
run "$tmp/cf" 10 sh -c 'cd "$1" && shift && exec "$@"' sh "$tmp/files" \
    $winrun "$win/createfile$exe"
expect_rc 0
expect "$tmp/cf" "ReadFile read $((35 * tchar)) bytes: written through a Win32 file handle" \
    "INVALID_HANDLE_VALUE, error 80: " \
    "INVALID_HANDLE_VALUE, error 2: " \
    "error 183" "GetFileSize after TRUNCATE_EXISTING: 0"
done_example

# ---- Windows programs with child processes ---------------------------------
#
# Each parent starts its child by its Windows name ("env_child.exe"):
# CreateProcess finds the Linux program env_child beside the parent.  The
# parent and its child write to the same output; stdbuf -o0, inherited
# through the environment, keeps the two in the order they were written.

example "windows/env_parent + env_child" \
    "Seeds 001, 002: the environment as a parent-to-child channel.  The" \
    "parent registers Good=morning, Hey=Ho! and Big=Boy with" \
    "SetEnvironmentVariable and creates env_child with a NULL environment" \
    "argument: the child starts with a copy of the parent's block and" \
    "reads the three back with GetEnvironmentVariable."
run "$tmp/envpc" 10 env -u Good -u Hey -u Big $unbuffered $winrun "$win/env_parent$exe"
expect_rc 0
expect "$tmp/envpc" "[Child] [Good = morning]" "[Child] [Hey = Ho!]" \
    "[Child] [Big = Boy]" "[Parent] the child ended with exit code 0"
expect_order "$tmp/envpc" "[Parent] SetEnvironmentVariable(Big, Boy)" \
    "[Child] [Good = morning]"
done_example

example "windows/dup_handle_parent + dup_handle_child" \
    "Seeds 001, 002: a child that waits for its parent.  The parent turns" \
    "its pseudo handle GetCurrentProcess() into a real, inheritable handle" \
    "with DuplicateHandle, creates the child with bInheritHandles TRUE and" \
    "the handle's value on its command line, pauses a second and ends.  The" \
    "child's WaitForSingleObject on the inherited handle (the same value in" \
    "its table) returns when the parent has ended; the child outlives it."
run "$tmp/duppc" 10 $unbuffered $winrun "$win/dup_handle_parent$exe"
expect_rc 0
expect_order "$tmp/duppc" "[Child Process] waiting for my parent (handle" \
    "[Parent Process] ending now" \
    "[Child Process] WaitForSingleObject returned WAIT_OBJECT_0"
# The handle value the child was given is the one the parent duplicated.
given=$(sed -n 's/.*real handle \([0-9]*\);.*/\1/p' "$tmp/duppc")
grep -F -q "waiting for my parent (handle $given, inheritable: yes)" "$tmp/duppc" ||
    fail "the child should hold the parent's handle value ($given), inheritable"
done_example

example "windows/anonymous_pipe_parent + anonymous_pipe_child" \
    "Seeds 001, 002: an anonymous pipe from parent to child.  The parent" \
    "creates the pipe with inheritable handles (bInheritHandle = TRUE)," \
    "creates the child with bInheritHandles TRUE and both handle values on" \
    "its command line, and writes three messages.  The child closes the" \
    "write end it inherited and reads; when the parent closes its write" \
    "end, the child's ReadFile ends with ERROR_BROKEN_PIPE."
run "$tmp/anonpc" 15 $unbuffered $winrun "$win/anonymous_pipe_parent$exe"
expect_rc 0
expect "$tmp/anonpc" '[Child] read "first message"' \
    '[Child] read "second message"' '[Child] read "third message"' \
    "[Child] ReadFile: ERROR_BROKEN_PIPE" \
    "[Parent] the child ended with exit code 0"
expect_order "$tmp/anonpc" "[Parent] closing the write handle" \
    "[Child] ReadFile: ERROR_BROKEN_PIPE"
# The child holds the very values the parent passed, inheritable.
rv=$(sed -n 's/.*anonymous_pipe_child.exe \([0-9]*\) [0-9]*$/\1/p' "$tmp/anonpc")
wv=$(sed -n 's/.*anonymous_pipe_child.exe [0-9]* \([0-9]*\)$/\1/p' "$tmp/anonpc")
grep -F -q "[Child] read handle $rv (inheritable: yes), write handle $wv (inheritable: yes)" "$tmp/anonpc" ||
    fail "the child should hold the parent's values $rv and $wv, inheritable"
done_example

example "windows/wait_child + part_adder" \
    "Seed 001: a process object is non-signaled while the process runs," \
    "signaled once it has ended, and WaitForSingleObject waits for that." \
    "The parent starts part_adder 1 5 and part_adder 6 10, finds them" \
    "running (WAIT_TIMEOUT, STILL_ACTIVE), waits for each, reads the sums" \
    "they return with GetExitCodeProcess, and adds them up."
run "$tmp/waitpc" 15 $unbuffered $winrun "$win/wait_child$exe"
expect_rc 0
expect "$tmp/waitpc" \
    "child 1: WaitForSingleObject(h, 0) = WAIT_TIMEOUT (non-signaled), GetExitCodeProcess = 259 (STILL_ACTIVE)" \
    "child 2: WaitForSingleObject(h, 0) = WAIT_TIMEOUT (non-signaled), GetExitCodeProcess = 259 (STILL_ACTIVE)" \
    "child 1: WAIT_OBJECT_0 (signaled, ended), exit code 15" \
    "child 2: WAIT_OBJECT_0 (signaled, ended), exit code 40" \
    "total : 55"
expect_order "$tmp/waitpc" "part_adder 1..5: returning 15" \
    "child 1: WAIT_OBJECT_0"
done_example

# ---- Windows: the named pipe server and its clients ------------------------

# The server runs in the background under a time limit, as the echo server
# does, and is stopped once its clients are done.
example "windows/named_pipe_server + named_pipe_client" \
    'Seeds 000, 001, 002: the named pipe \\.\pipe\simple_pipe.  The server' \
    "loops on CreateNamedPipe (message mode, PIPE_UNLIMITED_INSTANCES) and" \
    "ConnectNamedPipe, starting a thread (CreateThread) per client that" \
    "answers each request; when ReadFile reports ERROR_BROKEN_PIPE (the" \
    "client has gone) the thread calls FlushFileBuffers," \
    "DisconnectNamedPipe and CloseHandle.  Three clients (CreateFile, with" \
    "WaitNamedPipe while every instance is busy, then" \
    "SetNamedPipeHandleState to message read mode) are connected at once" \
    "and take turns sending three messages each, then end their input."
if start_server "$tmp/npserver.out" "waiting for a client" server 60 \
    $winrun "$win/named_pipe_server$exe"; then
    echo '    $ named_pipe_server &'
    # Round robin: A types its message K once C has had K - 1 replies, B
    # once A has had K, C once B has had K.  (A reply's line may begin with
    # the prompt, when the line was typed before the prompt appeared.)
    typed="A: message 1
A: message 2
A: message 3"
    typed_delay=0.2
    wait_file=$tmp/npC wait_pattern='server: reply '
    wait_offset=0 wait_max=3
    run "$tmp/npA" 30 $winrun "$win/named_pipe_client$exe" >"$tmp/npA.show" &
    clientA=$!
    sleep 0.2
    typed="B: message 1
B: message 2
B: message 3"
    typed_delay=0.2
    wait_file=$tmp/npA wait_pattern='server: reply '
    wait_offset=1 wait_max=3
    run "$tmp/npB" 30 $winrun "$win/named_pipe_client$exe" >"$tmp/npB.show" &
    clientB=$!
    sleep 0.2
    typed="C: message 1
C: message 2
C: message 3"
    typed_delay=0.2
    wait_file=$tmp/npB wait_pattern='server: reply '
    wait_offset=1 wait_max=3
    run "$tmp/npC" 30 $winrun "$win/named_pipe_client$exe" >"$tmp/npC.show"
    wait "$clientA"
    wait "$clientB"
    for c in A B C; do
        rcc=$(cat "$tmp/np$c.rc" 2>/dev/null || echo "no status")
        echo "    client $c: \$ named_pipe_client"
        cat "$tmp/np$c.show"
        [ "$rcc" = 0 ] || fail "client $c exited with status $rcc"
        for i in 1 2 3; do
            expect "$tmp/np$c" "\"$c: message $i\" received"
            # The reply may follow the prompt on its line: a client slow to
            # start (under Wine on a loaded machine) reads its first typed
            # line before its prompt is out.
            grep -Eq "^(message> )*server: reply $i to client [0-9]+: \"$c: message $i\"" \
                "$tmp/np$c" || fail "client $c: no reply $i"
        done
        expect "$tmp/np$c" "closing the pipe"
    done

    # The server's threads end their instances once their clients leave.
    wait_for '[ "$(grep -c "thread ends" "$tmp/npserver.out")" -ge 3 ]'
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=
    echo "    server (stopped by the script):"
    show "$tmp/npserver.out"
    for n in 1 2 3; do
        expect "$tmp/npserver.out" \
            "[server] client $n connected: starting its thread" \
            "[client $n] ReadFile: ERROR_BROKEN_PIPE, the client has gone" \
            "[client $n] FlushFileBuffers, DisconnectNamedPipe, CloseHandle: 3 requests served, thread ends"
    done
    # All three were connected at once: the third connected before any
    # thread ended.
    expect_order "$tmp/npserver.out" "[server] client 3 connected" \
        "thread ends"
fi
done_example

# The overlapped server ends by itself once it has served its clients (the
# script stops it otherwise).
example "windows/overlapped_pipe_server + overlapped_pipe_client" \
    "Microsoft's \"Named Pipe Server Using Overlapped I/O\": one thread serves" \
    'three instances of \\.\pipe\overlapped_pipe (FILE_FLAG_OVERLAPPED), one' \
    "event per instance, WaitForMultipleObjects over the events, and a" \
    "CONNECTING/READING/WRITING state machine of overlapped" \
    "ConnectNamedPipe, ReadFile and WriteFile finished by" \
    "GetOverlappedResult.  Five clients (\"Named Pipe Client\": CreateFile," \
    "WaitNamedPipe while all instances are busy, message read mode) start at" \
    "once and send one message each; an instance whose client has gone is" \
    "disconnected and listens again, and the server ends after five clients."
if start_server "$tmp/ovserver.out" "waiting for clients" server 30 \
    $winrun "$win/overlapped_pipe_server$exe" 5; then
    echo '    $ overlapped_pipe_server 5 &'
    ovclients=
    for c in 1 2 3 4 5; do
        run "$tmp/ov$c" 20 $winrun "$win/overlapped_pipe_client$exe" \
            "hello from client $c" >"$tmp/ov$c.show" &
        ovclients="$ovclients $!"
    done
    for pid in $ovclients; do
        wait "$pid"
    done
    for c in 1 2 3 4 5; do
        rcc=$(cat "$tmp/ov$c.rc" 2>/dev/null || echo "no status")
        echo "    client $c: \$ overlapped_pipe_client \"hello from client $c\""
        cat "$tmp/ov$c.show"
        [ "$rcc" = 0 ] || fail "client $c exited with status $rcc"
        grep -q "^\"instance [0-2] received: hello from client $c\"\$" \
            "$tmp/ov$c" || fail "client $c: no reply"
        expect "$tmp/ov$c" "<End of message, closing the pipe>"
    done
    wait_for '! kill -0 "$server_pid" 2>/dev/null'
    kill "$server_pid" 2>/dev/null
    wait "$server_pid"
    rcs=$?
    server_pid=
    echo "    server:"
    show "$tmp/ovserver.out"
    [ "$rcs" = 0 ] || fail "the server exited with status $rcs"
    for c in 1 2 3 4 5; do
        grep -q "^\[instance [0-2]\] request: \"hello from client $c\"\$" \
            "$tmp/ovserver.out" || fail "the server did not get client $c"
    done
    # Five clients on three instances: at least two were served by an
    # instance that had been disconnected and was listening again.
    expect "$tmp/ovserver.out" "(5 clients served)" \
        "[server] served 5 clients: exiting"
    reconnects=$(grep -c "the client has gone" "$tmp/ovserver.out")
    [ "$reconnects" = 5 ] ||
        fail "5 clients should have gone, not $reconnects"
fi
done_example

# ---- Windows: mailslots ----------------------------------------------------

# The receiver runs in the background under a time limit, as the servers
# do; it ends by itself once it has read its message (the script stops it
# otherwise).
example "windows/mailslot_receiver + mailslot_sender" \
    'Seed 001, sources 7-2 and 7-3: the mailslot \\.\mailslot\mailbox, a' \
    "one-way mailbox between processes.  A sender opens it with CreateFile" \
    "(GENERIC_WRITE, OPEN_EXISTING), so with no receiver it fails.  The" \
    "receiver creates it with CreateMailslot (size 0 = any," \
    "MAILSLOT_WAIT_FOREVER) and waits in ReadFile; the sender writes a" \
    "typed message with WriteFile and the receiver prints it."
echo '    $ mailslot_sender    (no receiver yet)'
run "$tmp/msnone" 10 $winrun "$win/mailslot_sender$exe"
expect_rc 1
expect "$tmp/msnone" "Unable to create mailslot!"
if start_server "$tmp/msrecv.out" "Message" receiver 20 \
    $winrun "$win/mailslot_receiver$exe"; then
    echo '    $ mailslot_receiver &'
    echo '    $ mailslot_sender'
    typed="Hello, mailbox!"
    run "$tmp/mssend" 10 $winrun "$win/mailslot_sender$exe"
    expect_rc 0
    expect "$tmp/mssend" "MY CMD>" "sent $((15 * tchar)) bytes"
    # The receiver ends once it has read the message.
    wait_for '! kill -0 "$server_pid" 2>/dev/null'
    kill "$server_pid" 2>/dev/null
    wait "$server_pid"
    rcr=$?
    server_pid=
    echo "    receiver:"
    show "$tmp/msrecv.out"
    [ "$rcr" = 0 ] || fail "the receiver exited with status $rcr"
    expect_order "$tmp/msrecv.out" "******** Message ********" \
        "Hello, mailbox!"
fi
done_example

example "windows/mailslot_inherit_parent + mailslot_inherit_child" \
    "Seed 002: a handle is made inheritable when its resource is created" \
    "(SECURITY_ATTRIBUTES.bInheritHandle = TRUE, CreateMailslot's 4th" \
    "argument).  The parent creates \\\\.\\mailslot\\inherit_box, posts three" \
    "messages into it, creates the child with bInheritHandles TRUE and the" \
    "handle's value on its command line, and closes its own handle: the" \
    "usage count keeps the mailslot alive.  The child uses the same value," \
    "GetMailslotInfo counts the messages waiting, ReadFile reads them."
wine_differs "Wine 8's CreateMailslot makes the handle not inheritable
    whatever SECURITY_ATTRIBUTES.bInheritHandle says (its GetHandleInformation
    gives flags 0), so the child has no handle; Microsoft's CreateMailslot
    documentation: lpSecurityAttributes \"determines whether the returned
    handle can be inherited by child processes\""
run "$tmp/msinh" 15 $unbuffered $winrun "$win/mailslot_inherit_parent$exe"
expect_rc 0
expect "$tmp/msinh" '[Child] read "first message"' \
    '[Child] read "second message"' '[Child] read "third message"' \
    "[Child] handle " "3 message(s) waiting" \
    "[Parent] the child ended with exit code 0"
expect_order "$tmp/msinh" "[Parent] closed my mailslot handle" \
    '[Child] read "first message"'
# The handle value the child uses is the one the parent created.
given=$(sed -n 's/.*inheritable handle \([0-9]*\)$/\1/p' "$tmp/msinh")
grep -F -q "[Child] handle $given:" "$tmp/msinh" ||
    fail "the child should use the parent's handle value ($given)"
grep -F -q "[Child] I hold handle $given (inheritable: yes)" "$tmp/msinh" ||
    fail "the child should hold the parent's value ($given), inheritable"
done_example

example "windows/sync_event_threads" \
    "Microsoft's \"Using Event Objects\" (issue 15): reader threads wait on a" \
    "manual-reset event (named WriteEvent) while the main thread writes a" \
    "shared buffer; one SetEvent releases them all, and the main thread" \
    "waits for every thread with WaitForMultipleObjects (bWaitAll TRUE)."
run "$tmp/syncev" 10 $unbuffered $winrun "$win/sync_event_threads$exe"
expect_rc 0
expect "$tmp/syncev" "Thread 0 reading from buffer: the buffer's contents" \
    "Thread 3 reading from buffer: the buffer's contents" \
    "All threads ended, cleaning up for application exit..."
expect_order "$tmp/syncev" "Main thread writing to the shared buffer..." \
    "All threads ended"
done_example

example "windows/sync_mutex_threads" \
    "Microsoft's \"Using Mutex Objects\" (issue 15): two threads write to a" \
    "database (a counter) under a mutex, WaitForSingleObject and" \
    "ReleaseMutex around each write, so no write is lost; then a thread" \
    "ends owning the mutex and the next wait reports WAIT_ABANDONED."
run "$tmp/syncmx" 10 $unbuffered $winrun "$win/sync_mutex_threads$exe"
expect_rc 0
expect "$tmp/syncmx" "2 threads wrote 20 times each: the database says 40" \
    "the wait says WAIT_ABANDONED"
done_example

example "windows/shared_memory_first + shared_memory_second" \
    "Microsoft's \"Creating Named Shared Memory\" (issue 15): the first" \
    "process creates a file mapping backed by the paging file named" \
    "Local\\MyFileMappingObject, writes a message into a view, and starts" \
    "the second, which opens the mapping by name (OpenFileMapping) and" \
    "reads the message from its own view: the same memory."
run "$tmp/shm" 15 $unbuffered $winrun "$win/shared_memory_first$exe"
expect_rc 0
expect_order "$tmp/shm" "first process: wrote \"Message from first process.\"" \
    "second process: read \"Message from first process.\"" \
    "the second process ended with exit code 0"
done_example

# ---- Summary -----------------------------------------------------------------

echo
[ -z "$known" ] ||
    echo "demo: known Wine differences (not counted):$known"
if [ "$failed" -eq 0 ]; then
    echo "demo: all $total examples ran as the seeds describe"
    exit 0
fi
echo "demo: $failed of $total examples FAILED:$failed_names"
exit 1
