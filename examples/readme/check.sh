#!/bin/sh
# check.sh: the README's example program is examples/readme/hello_pipe.c,
# word for word, and the built program does what the README says.
# Usage: sh check.sh SOURCE_DIR PATH-TO-hello_pipe
set -eu
src=$1
prog=$2
file=$src/examples/readme/hello_pipe.c
tmp=$(mktemp -d "${TMPDIR:-/tmp}/winipc-readme.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The ```c block after the line "<!-- example: examples/readme/hello_pipe.c -->".
awk '$0 == "<!-- example: examples/readme/hello_pipe.c -->" { on = 1; next }
     on && $0 == "```c" { copy = 1; next }
     copy && $0 == "```" { exit }
     copy { print }' "$src/README.md" >"$tmp/readme.c"
if ! diff -u "$file" "$tmp/readme.c"; then
    echo "FAIL: README.md's example is not $file (diff above)" >&2
    exit 1
fi

# A namespace of its own, so that no other \\.\pipe\hello gets in the way.
WINIPC_ROOT=$tmp/namespace
export WINIPC_ROOT
out=$(cd "$tmp" && timeout 60 "$prog")
echo "$out"
case $out in
"child "*" says: hello, parent") echo "README example passed" ;;
*)
    echo "FAIL: expected \"child PID says: hello, parent\"" >&2
    exit 1
    ;;
esac
