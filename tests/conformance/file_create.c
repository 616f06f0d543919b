/*
 * file_create: CreateFileA's five dispositions on files that exist and
 * files that do not, the last error each leaves, and its parameter errors.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define F1 "file_create_1.tmp"
#define F2 "file_create_2.tmp"

static HANDLE open_with(const char *label, const char *name, DWORD access,
                        DWORD disposition, DWORD flags)
{
    HANDLE h;
    CHECK_HANDLE(
        label, h,
        CreateFileA(name, access, SHARE_ALL, NULL, disposition, flags, NULL));
    return h;
}

static void show_size(const char *name)
{
    HANDLE h = CreateFileA(name, 0, SHARE_ALL, NULL, OPEN_EXISTING, 0, NULL);
    printf("  size of %s: %u\n", name,
           h == INVALID_HANDLE_VALUE ? 9999u : (unsigned)GetFileSize(h, NULL));
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
}

int main(void)
{
    const DWORD rw = GENERIC_READ | GENERIC_WRITE;
    HANDLE h;

    DeleteFileA(F1);
    DeleteFileA(F2);

    SECTION("CREATE_NEW");
    h = open_with("CREATE_NEW, missing", F1, rw, CREATE_NEW, 0);
    CloseHandle(h);
    h = open_with("CREATE_NEW, exists", F1, rw, CREATE_NEW, 0);

    SECTION("CREATE_ALWAYS");
    h = open_with("CREATE_ALWAYS, missing", F2, rw, CREATE_ALWAYS, 0);
    CloseHandle(h);
    conf_make_file(F2, "0123456789");
    h = open_with("CREATE_ALWAYS, exists with 10 bytes", F2, rw, CREATE_ALWAYS,
                  0);
    CloseHandle(h);
    show_size(F2);

    SECTION("OPEN_EXISTING");
    conf_make_file(F2, "0123456789");
    h = open_with("OPEN_EXISTING, exists", F2, rw, OPEN_EXISTING, 0);
    CloseHandle(h);
    show_size(F2);
    DeleteFileA(F2);
    h = open_with("OPEN_EXISTING, missing", F2, rw, OPEN_EXISTING, 0);
    h = open_with("OPEN_EXISTING, missing directory",
                  "file_create_no_such_dir\\" F2, rw, OPEN_EXISTING, 0);

    SECTION("OPEN_ALWAYS");
    h = open_with("OPEN_ALWAYS, missing", F2, rw, OPEN_ALWAYS, 0);
    CloseHandle(h);
    show_size(F2);
    conf_make_file(F2, "0123456789");
    h = open_with("OPEN_ALWAYS, exists with 10 bytes", F2, rw, OPEN_ALWAYS, 0);
    CloseHandle(h);
    show_size(F2);

    SECTION("TRUNCATE_EXISTING");
    h = open_with("TRUNCATE_EXISTING, exists with 10 bytes", F2, rw,
                  TRUNCATE_EXISTING, 0);
    CloseHandle(h);
    show_size(F2);
    conf_make_file(F2, "0123456789");
    h = open_with("TRUNCATE_EXISTING, GENERIC_WRITE only", F2, GENERIC_WRITE,
                  TRUNCATE_EXISTING, 0);
    CloseHandle(h);
    show_size(F2);
    DeleteFileA(F2);
    h = open_with("TRUNCATE_EXISTING, missing", F2, rw, TRUNCATE_EXISTING, 0);

    SECTION("bad dispositions");
    h = open_with("disposition 0", F1, rw, 0, 0);
    h = open_with("disposition 6", F1, rw, 6, 0);
    h = open_with("disposition 0, missing file", F2, rw, 0, 0);
    h = open_with("disposition 6, missing file", F2, rw, 6, 0);

    SECTION("FILE_FLAG_DELETE_ON_CLOSE");
    h = open_with("CREATE_NEW with DELETE_ON_CLOSE", F2, rw | DELETE,
                  CREATE_NEW, FILE_FLAG_DELETE_ON_CLOSE);
    CHECK_BOOL("CloseHandle", CloseHandle(h));
    h = open_with("OPEN_EXISTING after the close", F2, rw, OPEN_EXISTING, 0);

    SECTION("the two path separators");
    conf_make_file(F2, "sep");
    h = open_with("OPEN_EXISTING, .\\\\name", ".\\" F2, GENERIC_READ,
                  OPEN_EXISTING, 0);
    CloseHandle(h);
    h = open_with("OPEN_EXISTING, ./name", "./" F2, GENERIC_READ, OPEN_EXISTING,
                  0);
    CloseHandle(h);

    DeleteFileA(F1);
    DeleteFileA(F2);
    CONF_DONE();
}
