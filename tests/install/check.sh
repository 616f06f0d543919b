#!/bin/sh
# Installs the build tree into a scratch prefix, then builds a Windows
# program against it twice: with pkg-config, and with find_package(winipc).
# Usage: sh check.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
here=$2/tests/install
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(ls -d "$tmp"/prefix/lib*/pkgconfig | head -n1)
libdir=${libdir%/pkgconfig}
for h in windows.h tchar.h winerror.h winipc.h; do
    test -f "$tmp/prefix/include/winipc/$h" || { echo "missing $h"; exit 1; }
done

# The tmpfiles.d entry that makes the shared namespace root at boot; where
# systemd-tmpfiles is installed, it is applied to a scratch root.
conf=$tmp/prefix/lib/tmpfiles.d/winipc.conf
grep -q '^d /tmp/.winipc 1777 root root -$' "$conf" ||
    { echo "tmpfiles.d entry missing or wrong"; exit 1; }
if command -v systemd-tmpfiles >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    mkdir -p "$tmp/sysroot/tmp"
    systemd-tmpfiles --create --root="$tmp/sysroot" "$conf" >/dev/null 2>&1 ||
        true
    if [ -d "$tmp/sysroot/tmp/.winipc" ]; then
        test "$(stat -c '%a %U' "$tmp/sysroot/tmp/.winipc")" = "1777 root" ||
            { echo "tmpfiles.d made the root wrong"; exit 1; }
        echo "tmpfiles.d: $(stat -c '%a %U' "$tmp/sysroot/tmp/.winipc")"
    fi
fi

echo "pkg-config: $(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs winipc)"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/hello" "$here/hello.c" \
    $(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs winipc)
out=$(LD_LIBRARY_PATH=$libdir "$tmp/hello")
echo "pkg-config build says: $out"
test "$out" = "hello from an installed winipc"

# A UNICODE program that starts at _tmain (libwinipc_main calls wmain).
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -DUNICODE -D_UNICODE -o "$tmp/hello_wide" \
    "$here/hello_wide.c" \
    $(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs winipc)
out=$(LD_LIBRARY_PATH=$libdir "$tmp/hello_wide")
echo "pkg-config UNICODE build says: $out"
test "$out" = "hello_wide: 1 argument, wide $(printf '\303\251t\303\251')"

mkdir "$tmp/consumer"
cp "$here/hello.c" "$here/hello_wide.c" "$tmp/consumer/"
cp "$here/CMakeLists.txt.in" "$tmp/consumer/CMakeLists.txt"
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" \
    -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer/build" >/dev/null
out=$(LD_LIBRARY_PATH=$libdir "$tmp/consumer/build/hello")
echo "find_package build says: $out"
test "$out" = "hello from an installed winipc"
out=$(LD_LIBRARY_PATH=$libdir "$tmp/consumer/build/hello_wide")
echo "find_package UNICODE build says: $out"
test "$out" = "hello_wide: 1 argument, wide $(printf '\303\251t\303\251')"
echo "install check passed"
