/*
 * file_overlapped: ReadFile and WriteFile given an OVERLAPPED on a handle
 * opened without FILE_FLAG_OVERLAPPED: the offset, the file pointer
 * afterwards, end of file, the event and the status fields.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define F1 "file_overlapped_1.tmp"

static OVERLAPPED at(DWORD offset, DWORD high, HANDLE event)
{
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.Offset = offset;
    ov.OffsetHigh = high;
    ov.hEvent = event;
    return ov;
}

int main(void)
{
    HANDLE h, ev;
    OVERLAPPED ov;
    char buf[32];
    DWORD n;

    conf_make_file(F1, "0123456789");
    h = CreateFileA(F1, GENERIC_READ | GENERIC_WRITE, SHARE_ALL, NULL,
                    OPEN_EXISTING, 0, NULL);
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);

    SECTION("reading at an offset");
    ov = at(5, 0, NULL);
    n = 77;
    memset(buf, 0, sizeof buf);
    CHECK_BOOL("ReadFile(3 bytes at 5)", ReadFile(h, buf, 3, &n, &ov));
    SHOW_UINT("  bytes read", n);
    SHOW_STRING("  data", buf);
    CHECK_TRUE("  Internal == 0", ov.Internal == 0);
    SHOW_UINT("  InternalHigh", ov.InternalHigh);
    CHECK_DWORD("  file pointer", SetFilePointer(h, 0, NULL, FILE_CURRENT));

    SECTION("reading at and past the end");
    ov = at(10, 0, NULL);
    n = 77;
    CHECK_BOOL("ReadFile(at 10, the end)", ReadFile(h, buf, 3, &n, &ov));
    SHOW_UINT("  bytes read", n);
    ov = at(20, 0, NULL);
    n = 77;
    CHECK_BOOL("ReadFile(at 20, past the end)", ReadFile(h, buf, 3, &n, &ov));
    SHOW_UINT("  bytes read", n);
    ov = at(8, 0, NULL);
    n = 77;
    CHECK_BOOL("ReadFile(5 bytes at 8, 2 left)", ReadFile(h, buf, 5, &n, &ov));
    SHOW_UINT("  bytes read", n);
    CHECK_DWORD("  file pointer", SetFilePointer(h, 0, NULL, FILE_CURRENT));

    SECTION("writing at an offset");
    SetFilePointer(h, 0, NULL, FILE_BEGIN);
    ov = at(2, 0, NULL);
    n = 77;
    CHECK_BOOL("WriteFile(\"AB\" at 2)", WriteFile(h, "AB", 2, &n, &ov));
    SHOW_UINT("  bytes written", n);
    SHOW_UINT("  InternalHigh", ov.InternalHigh);
    CHECK_DWORD("  file pointer", SetFilePointer(h, 0, NULL, FILE_CURRENT));
    ov = at(12, 0, NULL);
    CHECK_BOOL("WriteFile(\"CD\" at 12, past the end)",
               WriteFile(h, "CD", 2, &n, &ov));
    CHECK_DWORD("  GetFileSize", GetFileSize(h, NULL));
    ov = at(0xFFFFFFFF, 0xFFFFFFFF, NULL);
    CHECK_BOOL("WriteFile(\"EF\" at 0xFFFFFFFF:0xFFFFFFFF, the end)",
               WriteFile(h, "EF", 2, &n, &ov));
    CHECK_DWORD("  GetFileSize", GetFileSize(h, NULL));
    ov = at(0, 0, NULL);
    memset(buf, 0, sizeof buf);
    ReadFile(h, buf, 16, &n, &ov);
    conf_show_bytes("content", buf, n);

    SECTION("the event");
    ov = at(0, 0, ev);
    CHECK_BOOL("ReadFile(with hEvent)", ReadFile(h, buf, 2, &n, &ov));
    CHECK_WAIT("  WaitForSingleObject(hEvent, 0)", WaitForSingleObject(ev, 0));
    ResetEvent(ev);
    ov = at(0, 0, ev);
    CHECK_BOOL("WriteFile(with hEvent)", WriteFile(h, "0", 1, &n, &ov));
    CHECK_WAIT("  WaitForSingleObject(hEvent, 0)", WaitForSingleObject(ev, 0));

    SECTION("NULL byte count with an OVERLAPPED");
    ov = at(0, 0, NULL);
    CHECK_BOOL("ReadFile(count NULL)", ReadFile(h, buf, 4, NULL, &ov));
    SHOW_UINT("  InternalHigh", ov.InternalHigh);
    ov = at(0, 0, NULL);
    CHECK_BOOL("WriteFile(count NULL)", WriteFile(h, "0123", 4, NULL, &ov));
    SHOW_UINT("  InternalHigh", ov.InternalHigh);

    CloseHandle(ev);
    CloseHandle(h);
    DeleteFileA(F1);
    CONF_DONE();
}
