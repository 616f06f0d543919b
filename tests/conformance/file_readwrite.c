/*
 * file_readwrite: ReadFile and WriteFile on a disk file: counts, end of
 * file, zero sizes, NULL buffers, closed handles, and what the byte count
 * holds after a failure.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define F1 "file_readwrite_1.tmp"

/* ReadFile of up to len bytes: result, count and the bytes read. */
static void read_some(const char *label, HANDLE h, DWORD len)
{
    char buf[64] = {0};
    DWORD n = 77;
    char l2[128];
    CHECK_BOOL(label, ReadFile(h, buf, len, &n, NULL));
    SHOW_UINT("  bytes read", n);
    snprintf(l2, sizeof l2, "  data");
    conf_show_bytes(l2, buf, n <= sizeof buf ? n : 0);
}

int main(void)
{
    static char big[100000], back[100000];
    HANDLE h, closed;
    DWORD n, i;
    int same;

    DeleteFileA(F1);
    h = CreateFileA(F1, GENERIC_READ | GENERIC_WRITE, SHARE_ALL, NULL,
                    CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);

    SECTION("writing");
    n = 77;
    CHECK_BOOL("WriteFile(10 bytes)", WriteFile(h, "0123456789", 10, &n, NULL));
    SHOW_UINT("  bytes written", n);
    n = 77;
    CHECK_BOOL("WriteFile(0 bytes)", WriteFile(h, "abc", 0, &n, NULL));
    SHOW_UINT("  bytes written", n);
    n = 77;
    CHECK_BOOL("WriteFile(NULL buffer, 0 bytes)",
               WriteFile(h, NULL, 0, &n, NULL));
    SHOW_UINT("  bytes written", n);
    n = 77;
    CHECK_BOOL("WriteFile(NULL buffer, 10 bytes)",
               WriteFile(h, NULL, 10, &n, NULL));
    SHOW_UINT("  bytes written", n);
    CHECK_DWORD("GetFileSize", GetFileSize(h, NULL));

    SECTION("reading");
    read_some("ReadFile at end of file", h, 10);
    CHECK_DWORD("SetFilePointer(0)", SetFilePointer(h, 0, NULL, FILE_BEGIN));
    read_some("ReadFile(4 bytes)", h, 4);
    read_some("ReadFile(0 bytes)", h, 0);
    read_some("ReadFile(64 bytes), 6 left", h, 64);
    read_some("ReadFile at end of file again", h, 64);
    SetFilePointer(h, 0, NULL, FILE_BEGIN);
    n = 77;
    CHECK_BOOL("ReadFile(NULL buffer, 0 bytes)",
               ReadFile(h, NULL, 0, &n, NULL));
    SHOW_UINT("  bytes read", n);
    n = 77;
    CHECK_BOOL("ReadFile(NULL buffer, 10 bytes)",
               ReadFile(h, NULL, 10, &n, NULL));
    SHOW_UINT("  bytes read", n);
    CHECK_DWORD("file pointer after all that",
                SetFilePointer(h, 0, NULL, FILE_CURRENT));

    SECTION("overwriting in the middle");
    SetFilePointer(h, 3, NULL, FILE_BEGIN);
    CHECK_BOOL("WriteFile(\"abc\") at 3", WriteFile(h, "abc", 3, &n, NULL));
    CHECK_DWORD("file pointer", SetFilePointer(h, 0, NULL, FILE_CURRENT));
    CHECK_DWORD("GetFileSize", GetFileSize(h, NULL));
    SHOW_STRING("content", conf_file_content(F1));

    SECTION("a large transfer");
    for (i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 7 + i / 256);
    SetFilePointer(h, 0, NULL, FILE_BEGIN);
    CHECK_BOOL("WriteFile(100000 bytes)",
               WriteFile(h, big, sizeof big, &n, NULL));
    SHOW_UINT("  bytes written", n);
    SetFilePointer(h, 0, NULL, FILE_BEGIN);
    CHECK_BOOL("ReadFile(100000 bytes)",
               ReadFile(h, back, sizeof back, &n, NULL));
    SHOW_UINT("  bytes read", n);
    same = memcmp(big, back, sizeof big) == 0;
    CHECK_TRUE("  same bytes", same);

    SECTION("the count is zeroed before any check");
    CloseHandle(h);
    closed = h;
    n = 77;
    CHECK_BOOL("ReadFile(closed handle)", ReadFile(closed, back, 4, &n, NULL));
    SHOW_UINT("  bytes read", n);
    n = 77;
    CHECK_BOOL("WriteFile(closed handle)", WriteFile(closed, "x", 1, &n, NULL));
    SHOW_UINT("  bytes written", n);
    n = 77;
    CHECK_BOOL("ReadFile(NULL handle)", ReadFile(NULL, back, 4, &n, NULL));
    SHOW_UINT("  bytes read", n);
    n = 77;
    CHECK_BOOL("ReadFile(INVALID_HANDLE_VALUE)",
               ReadFile(INVALID_HANDLE_VALUE, back, 4, &n, NULL));
    SHOW_UINT("  bytes read", n);
    n = 77;
    CHECK_BOOL("WriteFile(INVALID_HANDLE_VALUE)",
               WriteFile(INVALID_HANDLE_VALUE, "x", 1, &n, NULL));
    SHOW_UINT("  bytes written", n);
    CHECK_BOOL("FlushFileBuffers(closed handle)", FlushFileBuffers(closed));

    SECTION("read-only handle");
    h = CreateFileA(F1, GENERIC_READ, SHARE_ALL, NULL, OPEN_EXISTING, 0, NULL);
    n = 77;
    CHECK_BOOL("WriteFile(read-only handle)", WriteFile(h, "x", 1, &n, NULL));
    SHOW_UINT("  bytes written", n);
    CloseHandle(h);

    DeleteFileA(F1);
    CONF_DONE();
}
