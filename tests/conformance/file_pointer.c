/*
 * file_pointer: SetFilePointer (and SetFilePointerEx), GetFileSize (and
 * GetFileSizeEx), SetEndOfFile: move methods, negative and 64-bit
 * positions, and the INVALID_SET_FILE_POINTER ambiguity.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define F1 "file_pointer_1.tmp"

static void seek(const char *label, HANDLE h, LONG dist, LONG *high,
                 DWORD method)
{
    LONG in = high ? *high : 0;
    CHECK_DWORD(label, SetFilePointer(h, dist, high, method));
    if (high)
        printf("  high part: %d -> %d\n", (int)in, (int)*high);
}

int main(void)
{
    HANDLE h;
    LONG high;
    DWORD n, sh;
    LARGE_INTEGER li, pos;

    conf_make_file(F1, "0123456789");
    h = CreateFileA(F1, GENERIC_READ | GENERIC_WRITE, SHARE_ALL, NULL,
                    OPEN_EXISTING, 0, NULL);

    SECTION("move methods");
    seek("SetFilePointer(3, FILE_BEGIN)", h, 3, NULL, FILE_BEGIN);
    seek("SetFilePointer(2, FILE_CURRENT)", h, 2, NULL, FILE_CURRENT);
    seek("SetFilePointer(-1, FILE_END)", h, -1, NULL, FILE_END);
    seek("SetFilePointer(0, FILE_CURRENT)", h, 0, NULL, FILE_CURRENT);
    seek("SetFilePointer(0, method 3)", h, 0, NULL, 3);
    seek("SetFilePointer(0, method 0xFFFFFFFF)", h, 0, NULL, 0xFFFFFFFF);
    seek("  position after the bad methods", h, 0, NULL, FILE_CURRENT);

    SECTION("before the start");
    seek("SetFilePointer(-20, FILE_CURRENT)", h, -20, NULL, FILE_CURRENT);
    seek("  position after it", h, 0, NULL, FILE_CURRENT);
    seek("SetFilePointer(-1, NULL high, FILE_BEGIN)", h, -1, NULL, FILE_BEGIN);
    high = -1;
    seek("SetFilePointer(-1, high -1, FILE_BEGIN)", h, -1, &high, FILE_BEGIN);
    seek("SetFilePointer(-11, FILE_END)", h, -11, NULL, FILE_END);
    seek("SetFilePointer(-10, FILE_END)", h, -10, NULL, FILE_END);

    SECTION("past the end");
    seek("SetFilePointer(100, FILE_BEGIN)", h, 100, NULL, FILE_BEGIN);
    CHECK_DWORD("  GetFileSize", GetFileSize(h, NULL));
    n = 77;
    CHECK_BOOL("  ReadFile there", ReadFile(h, &sh, 4, &n, NULL));
    SHOW_UINT("  bytes read", n);

    SECTION("64-bit positions");
    high = 1;
    seek("SetFilePointer(0, high 1, FILE_BEGIN)", h, 0, &high, FILE_BEGIN);
    high = 0;
    seek("SetFilePointer(-1, high 0, FILE_BEGIN)", h, -1, &high, FILE_BEGIN);
    high = 0;
    seek("SetFilePointer(0, high 0, FILE_CURRENT)", h, 0, &high, FILE_CURRENT);
    high = 1;
    seek("SetFilePointer(5, high 1, FILE_BEGIN)", h, 5, &high, FILE_BEGIN);
    CHECK_BOOL("WriteFile(\"z\") at 4 GiB + 5", WriteFile(h, "z", 1, &n, NULL));
    sh = 77;
    CHECK_DWORD("GetFileSize", GetFileSize(h, &sh));
    SHOW_UINT("  high part", sh);
    CHECK_BOOL("GetFileSizeEx", GetFileSizeEx(h, &li));
    CHECK_TRUE("  == 4 GiB + 6", li.QuadPart == 0x100000006LL);
    li.QuadPart = 2;
    CHECK_BOOL("SetFilePointerEx(2, FILE_BEGIN)",
               SetFilePointerEx(h, li, &pos, FILE_BEGIN));
    CHECK_TRUE("  new position == 2", pos.QuadPart == 2);
    li.QuadPart = -3;
    CHECK_BOOL("SetFilePointerEx(-3, FILE_CURRENT)",
               SetFilePointerEx(h, li, &pos, FILE_CURRENT));
    li.QuadPart = 0;
    CHECK_BOOL("SetFilePointerEx(0, FILE_END, NULL new position)",
               SetFilePointerEx(h, li, NULL, FILE_END));

    SECTION("SetEndOfFile");
    seek("SetFilePointer(4, FILE_BEGIN)", h, 4, NULL, FILE_BEGIN);
    CHECK_BOOL("SetEndOfFile", SetEndOfFile(h));
    sh = 77;
    CHECK_DWORD("  GetFileSize", GetFileSize(h, &sh));
    SHOW_UINT("  high part", sh);
    seek("  position", h, 0, NULL, FILE_CURRENT);
    seek("SetFilePointer(20, FILE_BEGIN)", h, 20, NULL, FILE_BEGIN);
    CHECK_BOOL("SetEndOfFile past the end", SetEndOfFile(h));
    CHECK_DWORD("  GetFileSize", GetFileSize(h, NULL));
    SHOW_STRING("  first bytes", conf_file_content(F1));
    CloseHandle(h);

    SECTION("closed handle");
    sh = 77;
    CHECK_DWORD("GetFileSize(closed)", GetFileSize(h, &sh));
    SHOW_UINT("  high part", sh);
    CHECK_DWORD("SetFilePointer(closed)",
                SetFilePointer(h, 0, NULL, FILE_BEGIN));
    CHECK_BOOL("SetEndOfFile(closed)", SetEndOfFile(h));

    DeleteFileA(F1);
    CONF_DONE();
}
