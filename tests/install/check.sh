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

echo "pkg-config: $(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs winipc)"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/hello" "$here/hello.c" \
    $(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs winipc)
out=$(LD_LIBRARY_PATH=$libdir "$tmp/hello")
echo "pkg-config build says: $out"
test "$out" = "hello from an installed winipc"

mkdir "$tmp/consumer"
cp "$here/hello.c" "$tmp/consumer/"
cp "$here/CMakeLists.txt.in" "$tmp/consumer/CMakeLists.txt"
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" \
    -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer/build" >/dev/null
out=$(LD_LIBRARY_PATH=$libdir "$tmp/consumer/build/hello")
echo "find_package build says: $out"
test "$out" = "hello from an installed winipc"
echo "install check passed"
