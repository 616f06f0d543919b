/*
 * pipe_broken: anonymous pipes after one end is closed: data still queued,
 * ERROR_BROKEN_PIPE for readers, ERROR_NO_DATA for writers, and duplicates
 * that keep an end open.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static void read_some(const char *label, HANDLE h, DWORD len)
{
    char buf[32] = {0};
    DWORD n = 77;
    CHECK_BOOL(label, ReadFile(h, buf, len, &n, NULL));
    SHOW_UINT("  bytes read", n);
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
}

static void peek(const char *label, HANDLE h)
{
    DWORD avail = 77;
    CHECK_BOOL(label, PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL));
    SHOW_UINT("  available", avail);
}

int main(void)
{
    HANDLE self = GetCurrentProcess();
    HANDLE r, w, dup;
    DWORD n;

    SECTION("write end closed with data queued");
    CreatePipe(&r, &w, NULL, 0);
    WriteFile(w, "abc", 3, &n, NULL);
    CHECK_BOOL("CloseHandle(write end)", CloseHandle(w));
    peek("PeekNamedPipe", r);
    read_some("ReadFile(2 bytes)", r, 2);
    read_some("ReadFile(32 bytes)", r, 32);
    read_some("ReadFile(32 bytes) when empty", r, 32);
    read_some("ReadFile(32 bytes) again", r, 32);
    read_some("ReadFile(0 bytes)", r, 0);
    peek("PeekNamedPipe when empty", r);
    CHECK_BOOL("CloseHandle(read end)", CloseHandle(r));

    SECTION("write end closed on an empty pipe");
    CreatePipe(&r, &w, NULL, 0);
    CloseHandle(w);
    read_some("ReadFile(32 bytes)", r, 32);
    peek("PeekNamedPipe", r);
    CloseHandle(r);

    SECTION("read end closed");
    CreatePipe(&r, &w, NULL, 0);
    CHECK_BOOL("CloseHandle(read end)", CloseHandle(r));
    n = 77;
    CHECK_BOOL("WriteFile(1 byte)", WriteFile(w, "x", 1, &n, NULL));
    SHOW_UINT("  bytes written", n);
    n = 77;
    CHECK_BOOL("WriteFile(1 byte) again", WriteFile(w, "x", 1, &n, NULL));
    SHOW_UINT("  bytes written", n);
    n = 77;
    CHECK_BOOL("WriteFile(0 bytes)", WriteFile(w, "x", 0, &n, NULL));
    SHOW_UINT("  bytes written", n);
    CHECK_BOOL("CloseHandle(write end)", CloseHandle(w));

    SECTION("read end closed with data queued");
    CreatePipe(&r, &w, NULL, 0);
    WriteFile(w, "abc", 3, &n, NULL);
    CloseHandle(r);
    n = 77;
    CHECK_BOOL("WriteFile(1 byte)", WriteFile(w, "x", 1, &n, NULL));
    SHOW_UINT("  bytes written", n);
    CloseHandle(w);

    SECTION("a duplicate keeps the write end open");
    CreatePipe(&r, &w, NULL, 0);
    DuplicateHandle(self, w, self, &dup, 0, FALSE, DUPLICATE_SAME_ACCESS);
    CHECK_BOOL("CloseHandle(write end)", CloseHandle(w));
    peek("PeekNamedPipe", r);
    CHECK_BOOL("WriteFile(duplicate, \"z\")", WriteFile(dup, "z", 1, &n, NULL));
    read_some("ReadFile(32 bytes)", r, 32);
    CHECK_BOOL("CloseHandle(duplicate)", CloseHandle(dup));
    read_some("ReadFile(32 bytes) after the last writer", r, 32);
    CloseHandle(r);

    SECTION("a duplicate keeps the read end open");
    CreatePipe(&r, &w, NULL, 0);
    DuplicateHandle(self, r, self, &dup, 0, FALSE, DUPLICATE_SAME_ACCESS);
    CHECK_BOOL("CloseHandle(read end)", CloseHandle(r));
    CHECK_BOOL("WriteFile(\"q\")", WriteFile(w, "q", 1, &n, NULL));
    read_some("ReadFile(duplicate)", dup, 32);
    CHECK_BOOL("CloseHandle(duplicate)", CloseHandle(dup));
    n = 77;
    CHECK_BOOL("WriteFile after the last reader",
               WriteFile(w, "q", 1, &n, NULL));
    SHOW_UINT("  bytes written", n);
    CloseHandle(w);
    CONF_DONE();
}
