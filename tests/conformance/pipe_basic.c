/*
 * pipe_basic: CreatePipe, and ReadFile, WriteFile and PeekNamedPipe on its
 * ends while both are open.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static void peek(const char *label, HANDLE h, DWORD len)
{
    char buf[32] = {0};
    DWORD got = 77, avail = 77, left = 77;
    CHECK_BOOL(label,
               PeekNamedPipe(h, len ? buf : NULL, len, &got, &avail, &left));
    printf("  read %u, available %u, left this message %u\n", (unsigned)got,
           (unsigned)avail, (unsigned)left);
    conf_show_bytes("  data", buf, got <= sizeof buf ? got : 0);
}

static void read_some(const char *label, HANDLE h, DWORD len)
{
    char buf[32] = {0};
    DWORD n = 77;
    CHECK_BOOL(label, ReadFile(h, buf, len, &n, NULL));
    SHOW_UINT("  bytes read", n);
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
}

int main(void)
{
    HANDLE r, w;
    DWORD n, avail;

    SECTION("CreatePipe");
    CHECK_BOOL("CreatePipe(size 0)", CreatePipe(&r, &w, NULL, 0));
    CHECK_TRUE("two distinct handles", r != w && r != NULL && w != NULL);
    CHECK_DWORD("GetFileType(read end)", GetFileType(r));
    CHECK_DWORD("GetFileType(write end)", GetFileType(w));

    SECTION("an empty pipe");
    peek("PeekNamedPipe(empty, no buffer)", r, 0);
    peek("PeekNamedPipe(empty, buffer)", r, 8);
    avail = 77;
    CHECK_BOOL("PeekNamedPipe(only the available count)",
               PeekNamedPipe(r, NULL, 0, NULL, &avail, NULL));
    SHOW_UINT("  available", avail);

    SECTION("data through the pipe");
    n = 77;
    CHECK_BOOL("WriteFile(\"hello\")", WriteFile(w, "hello", 5, &n, NULL));
    SHOW_UINT("  bytes written", n);
    peek("PeekNamedPipe(no buffer)", r, 0);
    peek("PeekNamedPipe(3-byte buffer)", r, 3);
    peek("PeekNamedPipe(32-byte buffer)", r, 32);
    read_some("ReadFile(0 bytes) with data queued", r, 0);
    read_some("ReadFile(2 bytes)", r, 2);
    peek("PeekNamedPipe after reading 2", r, 32);
    read_some("ReadFile(32 bytes), 3 queued", r, 32);
    peek("PeekNamedPipe after reading all", r, 32);

    SECTION("writes are merged in a byte pipe");
    WriteFile(w, "ab", 2, &n, NULL);
    WriteFile(w, "cd", 2, &n, NULL);
    WriteFile(w, "ef", 2, &n, NULL);
    peek("PeekNamedPipe after three writes", r, 0);
    read_some("ReadFile(32 bytes)", r, 32);

    SECTION("zero-byte write");
    n = 77;
    CHECK_BOOL("WriteFile(0 bytes)", WriteFile(w, "x", 0, &n, NULL));
    SHOW_UINT("  bytes written", n);
    peek("PeekNamedPipe after it", r, 0);

    SECTION("each end works one way");
    n = 77;
    CHECK_BOOL("WriteFile(read end)", WriteFile(r, "x", 1, &n, NULL));
    SHOW_UINT("  bytes written", n);
    WriteFile(w, "y", 1, &n, NULL);
    n = 77;
    CHECK_BOOL("ReadFile(write end)", ReadFile(w, &avail, 1, &n, NULL));
    SHOW_UINT("  bytes read", n);
    read_some("ReadFile(read end)", r, 32);

    SECTION("sizes");
    CloseHandle(r);
    CloseHandle(w);
    CHECK_BOOL("CreatePipe(size 1)", CreatePipe(&r, &w, NULL, 1));
    CHECK_BOOL("WriteFile(1 byte) into it", WriteFile(w, "1", 1, &n, NULL));
    read_some("ReadFile(32 bytes)", r, 32);
    CloseHandle(r);
    CloseHandle(w);
    CHECK_BOOL("CreatePipe(size 65536)", CreatePipe(&r, &w, NULL, 65536));
    CloseHandle(r);
    CloseHandle(w);
    CONF_DONE();
}
