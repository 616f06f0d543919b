#!/bin/bash
# check-debs.sh: builds the Debian packages (debian/) from a copy of the
# source tree, runs lintian on them, installs them on this machine, builds
# and runs a program against the installed files (pkg-config, and CMake's
# find_package), checks the tool, its man pages and completion, then purges
# the packages and checks that their files are gone.
#
# Needs root (it installs packages) and debhelper, lintian, scdoc, man-db
# and fakeroot; .ci/run installs them and calls it.  Nothing is written
# outside a temporary directory but the installed packages, which are
# purged again, also when a check fails.
#
# Usage: bash tests/packaging/check-debs.sh [SOURCE_DIR]
set -euo pipefail

src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
packages=(libwinipc0 libwinipc-dev winipc-tools)

if [ "$(id -u)" != 0 ]; then
    echo "check-debs.sh installs packages: run it as root" >&2
    exit 1
fi
for p in "${packages[@]}"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed; then
        echo "$p is already installed: purge it first" >&2
        exit 1
    fi
done

tmp=$(mktemp -d)
installed=0
cleanup() {
    if [ "$installed" = 1 ]; then
        dpkg --purge "${packages[@]}" >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# ---- Build, from a copy: dpkg-buildpackage writes into the parent folder
# of the tree, and leaves obj-*/ and debian/<package>/ behind.
mkdir "$tmp/winipc"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    # The files git knows (as they are in the working tree, so that a
    # local run checks local changes), not build folders.
    (cd "$src" && git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do
            [ -e "$f" ] && printf '%s\0' "$f"
        done |
        grep -zv -E '^(build[^/]*|obj-[^/]*)/' |
        tar --null -T - -cf -) | tar -xf - -C "$tmp/winipc"
else
    (cd "$src" && tar --exclude='./build*' --exclude='./obj-*' -cf - .) |
        tar -xf - -C "$tmp/winipc"
fi

echo "== dpkg-buildpackage -us -uc -b"
if ! (cd "$tmp/winipc" &&
      DEB_BUILD_OPTIONS="parallel=$(nproc)" \
          dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1); then
    tail -n 60 "$tmp/build.log"
    fail "dpkg-buildpackage failed (the last lines of its log are above)"
fi
version=$(cd "$tmp/winipc" && dpkg-parsechangelog -S Version)
arch=$(dpkg-architecture -q DEB_HOST_ARCH)
multiarch=$(dpkg-architecture -q DEB_HOST_MULTIARCH)
debs=()
for p in "${packages[@]}"; do
    deb=$tmp/${p}_${version}_${arch}.deb
    [ -f "$deb" ] || fail "$deb was not built"
    debs+=("$deb")
done
changes=$tmp/winipc_${version}_${arch}.changes
[ -f "$changes" ] || fail "$changes was not built"
echo "built: $(cd "$tmp" && ls ./*.deb | tr '\n' ' ')"

echo "== lintian"
# Errors fail; warnings are shown.  (lintian exits 2 on --fail-on.)
lintian_status=0
lintian --fail-on error --tag-display-limit 0 "$changes" \
    >"$tmp/lintian.log" 2>&1 || lintian_status=$?
grep -v 'running with root privileges' "$tmp/lintian.log" || true
[ "$lintian_status" = 0 ] || fail "lintian reports errors (status $lintian_status)"
echo "lintian: no errors"

echo "== install"
dpkg -i "${debs[@]}" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; fail "dpkg -i failed"; }
installed=1
for p in "${packages[@]}"; do
    got=$(dpkg-query -W -f='${Version} ${Status}' "$p")
    [ "$got" = "$version install ok installed" ] || fail "$p: $got"
done

# Every file the packages hold is there; kept for the check after purge.
files=$(dpkg-query -L "${packages[@]}" | while IFS= read -r f; do
    [ -d "$f" ] || printf '%s\n' "$f"
done)
for f in \
    "/usr/lib/$multiarch/libwinipc.so.0" \
    "/usr/lib/$multiarch/libwinipc.so" \
    "/usr/lib/$multiarch/libwinipc.a" \
    "/usr/lib/$multiarch/pkgconfig/winipc.pc" \
    "/usr/lib/$multiarch/cmake/winipc/winipcConfig.cmake" \
    /usr/include/winipc/windows.h /usr/include/winipc/winipc.h \
    /usr/include/winipc/winerror.h /usr/include/winipc/tchar.h \
    /usr/lib/tmpfiles.d/winipc.conf \
    /usr/bin/winipc \
    /usr/share/man/man1/winipc.1.gz /usr/share/man/man7/winipc.7.gz \
    /usr/share/bash-completion/completions/winipc; do
    printf '%s\n' "$files" | grep -qxF "$f" || fail "no package holds $f"
    [ -e "$f" ] || fail "$f is listed but missing (a dpkg path-exclude?)"
done
grep -q '^d /tmp/.winipc 1777 root root -$' /usr/lib/tmpfiles.d/winipc.conf ||
    fail "the tmpfiles.d entry is wrong"
echo "ok: every file is in place ($(printf '%s\n' "$files" | wc -l) files)"

echo "== a program against the installed packages"
hello=$src/tests/install/hello.c
expected="hello from an installed winipc"
flags=$(pkg-config --cflags --libs winipc)
echo "pkg-config --cflags --libs winipc: $flags"
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/hello" "$hello" $flags
# (/lib is /usr/lib on a merged-/usr system: compare the real paths.)
lib=$(ldd "$tmp/hello" | sed -n 's/^[[:space:]]*libwinipc\.so\.0 => \([^ ]*\) .*/\1/p')
[ -n "$lib" ] &&
    [ "$(readlink -f "$lib")" = "$(readlink -f "/usr/lib/$multiarch/libwinipc.so.0")" ] ||
    fail "hello does not use the installed libwinipc.so.0: $(ldd "$tmp/hello")"
out=$("$tmp/hello")
[ "$out" = "$expected" ] || fail "pkg-config build says [$out]"
echo "ok: pkg-config build says: $out"

mkdir "$tmp/consumer"
cp "$hello" "$src/tests/install/hello_wide.c" "$tmp/consumer/"
cp "$src/tests/install/CMakeLists.txt.in" "$tmp/consumer/CMakeLists.txt"
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" >/dev/null
cmake --build "$tmp/consumer/build" >/dev/null
out=$("$tmp/consumer/build/hello")
[ "$out" = "$expected" ] || fail "find_package build says [$out]"
echo "ok: find_package build says: $out"
# The consumer project also builds a UNICODE _tmain program (wmain is
# called by libwinipc_main, from libwinipc-dev).
out=$("$tmp/consumer/build/hello_wide")
wide="hello_wide: 1 argument, wide $(printf '\303\251t\303\251')"
[ "$out" = "$wide" ] || fail "find_package UNICODE build says [$out]"
echo "ok: find_package UNICODE build says: $out"

echo "== the tool, its man pages and completion"
out=$(winipc --version)
[ "$out" = "winipc $version" ] || fail "winipc --version says [$out]"
echo "ok: $out"
for sec in 1 7; do
    path=$(man -w "$sec" winipc)
    [ "$path" = "/usr/share/man/man$sec/winipc.$sec.gz" ] ||
        fail "man -w $sec winipc gives [$path]"
    text=$(MANWIDTH=80 man "$sec" winipc 2>"$tmp/man.err")
    [ -s "$tmp/man.err" ] && fail "man $sec winipc: $(cat "$tmp/man.err")"
    printf '%s\n' "$text" | grep -q "^winipc($sec)" || fail "man $sec winipc shows no page"
    echo "ok: man $sec winipc: $path"
done
path=$(man -w winipc)
[ "$path" = /usr/share/man/man1/winipc.1.gz ] || fail "man winipc gives [$path]"
out=$(bash -c '. /usr/share/bash-completion/completions/winipc &&
    COMP_WORDS=(winipc con) COMP_CWORD=1 && _winipc && echo "${COMPREPLY[*]}"')
[ "$out" = connect ] || fail "the installed completion gives [$out] for 'winipc con'"
echo "ok: the installed completion completes 'winipc con' to 'connect'"

echo "== purge"
dpkg --purge "${packages[@]}" >"$tmp/purge.log" 2>&1 ||
    { cat "$tmp/purge.log"; fail "dpkg --purge failed"; }
installed=0
for p in "${packages[@]}"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed; then
        fail "$p is still installed"
    fi
done
left=$(printf '%s\n' "$files" | while IFS= read -r f; do
    if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\n' "$f"; fi
done)
[ -z "$left" ] || fail "files left after the purge: $left"
echo "ok: purged, none of their files is left"
echo "packages check passed"
