/*
 * file_delete: DeleteFileA on files that exist, are gone, are open, or are
 * not files at all.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define F1 "file_delete_1.tmp"

int main(void)
{
    HANDLE h;
    DWORD n;

    SECTION("closed files");
    conf_make_file(F1, "x");
    CHECK_BOOL("DeleteFileA(existing)", DeleteFileA(F1));
    CHECK_BOOL("DeleteFileA(the same again)", DeleteFileA(F1));
    CHECK_HANDLE(
        "CreateFileA(OPEN_EXISTING) after", h,
        CreateFileA(F1, GENERIC_READ, SHARE_ALL, NULL, OPEN_EXISTING, 0, NULL));
    conf_make_file(F1, "x");
    CHECK_BOOL("DeleteFileA(.\\\\name)", DeleteFileA(".\\" F1));
    conf_make_file(F1, "x");
    CHECK_BOOL("DeleteFileA(./name)", DeleteFileA("./" F1));

    SECTION("an open file shared for deletion");
    h = CreateFileA(F1, GENERIC_READ | GENERIC_WRITE, SHARE_ALL, NULL,
                    CREATE_ALWAYS, 0, NULL);
    CHECK_BOOL("DeleteFileA(open file)", DeleteFileA(F1));
    CHECK_BOOL("  WriteFile through the open handle",
               WriteFile(h, "abc", 3, &n, NULL));
    CHECK_DWORD("  GetFileSize through the open handle", GetFileSize(h, NULL));
    CHECK_BOOL("  CloseHandle", CloseHandle(h));
    CHECK_HANDLE(
        "CreateFileA(OPEN_EXISTING) after the close", h,
        CreateFileA(F1, GENERIC_READ, SHARE_ALL, NULL, OPEN_EXISTING, 0, NULL));
    CHECK_BOOL("DeleteFileA(after the close)", DeleteFileA(F1));

    SECTION("not files");
    CHECK_BOOL("DeleteFileA(\".\")", DeleteFileA("."));
    CHECK_BOOL("DeleteFileA(missing directory\\\\name)",
               DeleteFileA("file_delete_no_such_dir\\" F1));
    CONF_DONE();
}
