#!/bin/bash
# completion.sh: the bash completion of winipc (data/winipc.bash-completion),
# sourced in bash and asked as readline would ask it, against live pipes
# and mailslots served by the tool in a private namespace root.
# Usage: bash completion.sh PATH-TO-winipc PATH-TO-COMPLETION-SCRIPT
completion=${2:?usage: bash $0 PATH-TO-winipc PATH-TO-COMPLETION-SCRIPT}
set -- "$1"
# shellcheck source=../tool/lib.sh
. "$(dirname "$0")/../tool/lib.sh"

# shellcheck source=/dev/null
. "$completion"
complete -p winipc >/dev/null || fail "the script does not register a completion for winipc"

# comp LINE: the completions of LINE (the cursor at its end; a trailing
# space starts a new word), sorted, one a line.  Words are split on blanks
# only, so a test may not use quotes in LINE.
comp() {
    local line=$1
    read -r -a COMP_WORDS <<<"$line"
    COMP_WORDS[0]=$W
    [[ $line == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$W ${line#* }"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _winipc winipc "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | sort | sed '/^$/d'
}

# Commands and options.
check_eq "the commands" \
    "$(printf '%s\n' connect error handles mailslots objects pipes recv send serve)" \
    "$(comp "winipc ")"
check_eq "a command by its start" "connect" "$(comp "winipc con")"
check_eq "the tool's own options" "--version" "$(comp "winipc --v")"
check_eq "an option of recv" "--count" "$(comp "winipc recv box --c")"
check_eq "the options of pipes" "$(printf '%s\n' --help --json)" "$(comp "winipc pipes --")"
check_eq "an option of serve" "--message" "$(comp "winipc serve p --m")"
check_eq "no value is guessed for --timeout" "" "$(comp "winipc connect --timeout ")"
check_contains "serve completes the COMMAND after --" "cat" "$(comp "winipc serve p -- ca")"

# Live names: two pipes (one with a blank in its name) and a mailslot.
bg "$W" serve Alpha -- cat
bg "$W" serve "my pipe" -- cat
bg "$W" recv box
wait_name pipes alpha
wait_name pipes "my pipe"
wait_name mailslots box

check_eq "connect offers the live pipes, bare and quoted for the shell" \
    "$(printf '%s\n' 'Alpha' 'my\ pipe')" "$(comp "winipc connect ")"
check_eq "connect offers the pipes that start with the word" \
    "Alpha" "$(comp "winipc connect A")"
check_eq "a pipe name after --timeout N" \
    "$(printf '%s\n' 'Alpha' 'my\ pipe')" "$(comp "winipc connect --timeout 100 ")"
check_eq "connect takes one name only" "" "$(comp "winipc connect Alpha ")"
check_eq "send offers the live mailslots, not the pipes" "box" "$(comp "winipc send ")"
check_eq "send offers no name for a message" "" "$(comp "winipc send box ")"
check_eq "recv offers no live name (it would fail to create it)" "" \
    "$(comp "winipc recv ")"

finish
