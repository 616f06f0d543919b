#!/bin/sh
# man.sh: the man pages render without a warning (man -l, groff -ww, and
# mandoc -Tlint when mandoc is installed), and say what they should:
# winipc(1) every command and option of the tool, winipc(7) every
# environment variable the library reads.
# Usage: sh man.sh MAN_DIR SOURCE_DIR PATH-TO-winipc BUILT(ON|OFF)
set -u
man_dir=$1
src=$2
W=$3
built=$4
failed=0

fail() {
    echo "FAIL: $*" >&2
    failed=1
}

case $built in
ON | on | TRUE | 1) ;;
*)
    echo "SKIP: scdoc was not found when configuring, so the man pages were" \
        "not built (configure with -DWINIPC_MAN=ON to require them)"
    exit 77
    ;;
esac
for tool in man groff; do
    command -v "$tool" >/dev/null 2>&1 ||
        { echo "FAIL: $tool is needed to check the man pages" >&2; exit 1; }
done

for page in winipc.1 winipc.7 winipc-smbd-bridge.8; do
    f=$man_dir/$page
    if [ ! -s "$f" ]; then
        fail "$f was not built"
        continue
    fi
    out=$(MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
    [ -z "$out" ] || fail "man --warnings -l $page: $out"
    out=$(groff -ww -z -man "$f" 2>&1)
    [ -z "$out" ] || fail "groff -ww $page: $out"
    if command -v mandoc >/dev/null 2>&1; then
        # Warnings about scdoc's own empty paragraph macros are not ours:
        # errors only.
        out=$(mandoc -Tlint -W error "$f" 2>&1)
        [ -z "$out" ] || fail "mandoc -Tlint $page: $out"
    else
        echo "note: mandoc is not installed, its lint was not run"
    fi
    text=$(MANWIDTH=80 man -l "$f" 2>/dev/null)
    [ -n "$text" ] || fail "$page renders as nothing"
    echo "ok: $page renders ($(printf '%s\n' "$text" | wc -l) lines)"
done

# winipc(1): every command "winipc --help" lists has its section, and every
# option of every command's --help is in the page.
page1=$(MANWIDTH=200 man -l "$man_dir/winipc.1" 2>/dev/null)
cmds=$("$W" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p')
[ -n "$cmds" ] || fail "winipc --help lists no commands"
for c in $cmds; do
    printf '%s\n' "$page1" | grep -q "^   winipc $c\b" ||
        fail "winipc(1) has no section for '$c'"
    for opt in $("$W" "$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
        printf '%s\n' "$page1" | grep -q -- "$opt" ||
            fail "winipc(1) does not mention '$c $opt'"
    done
done
for opt in --help --version; do
    printf '%s\n' "$page1" | grep -q -- "$opt" ||
        fail "winipc(1) does not mention '$opt'"
done

# winipc(7): every environment variable read in src/ (getenv and the
# library's wrappers around it, and WIPC_INHERIT_ENV).
page7=$(MANWIDTH=200 man -l "$man_dir/winipc.7" 2>/dev/null)
vars=$(grep -rhoE '(getenv[a-z_]*|_env[a-z_]*|config_name)\("[A-Z_][A-Z0-9_]*"' \
           "$src/src" | sed 's/.*("//; s/"$//' | sort -u)
vars="$vars $(grep -rhoE 'define WIPC_INHERIT_ENV "[A-Z_]+"' "$src/src" |
               sed 's/.* "//; s/"$//')"
n=0
for v in $vars; do
    n=$((n + 1))
    printf '%s\n' "$page7" | grep -q "^       $v\$" ||
        fail "winipc(7) does not describe $v (read in src/)"
done
[ "$n" -ge 2 ] || fail "found only $n environment variables in src/"
echo "ok: winipc(7) describes the $n environment variables src/ reads"

if [ "$failed" -ne 0 ]; then
    echo "some checks failed" >&2
    exit 1
fi
echo "all checks passed"
