/*
 * file_access: the access a file handle was opened (or duplicated) with is
 * what ReadFile, WriteFile and FlushFileBuffers enforce; the size and the
 * position need no access.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define F1 "file_access_1.tmp"

static void try_io(const char *what, HANDLE h)
{
    char buf[16], label[128];
    DWORD n;

    snprintf(label, sizeof label, "%s: ReadFile", what);
    SetFilePointer(h, 0, NULL, FILE_BEGIN);
    CHECK_BOOL(label, ReadFile(h, buf, 2, &n, NULL));
    snprintf(label, sizeof label, "%s: WriteFile", what);
    SetFilePointer(h, 0, NULL, FILE_END);
    CHECK_BOOL(label, WriteFile(h, "w", 1, &n, NULL));
    snprintf(label, sizeof label, "%s: FlushFileBuffers", what);
    CHECK_BOOL(label, FlushFileBuffers(h));
    snprintf(label, sizeof label, "%s: GetFileSize", what);
    CHECK_DWORD(label, GetFileSize(h, NULL));
    snprintf(label, sizeof label, "%s: SetFilePointer", what);
    CHECK_DWORD(label, SetFilePointer(h, 1, NULL, FILE_BEGIN));
}

static HANDLE open_as(DWORD access)
{
    return CreateFileA(F1, access, SHARE_ALL, NULL, OPEN_EXISTING, 0, NULL);
}

static HANDLE dup_as(HANDLE h, DWORD access)
{
    HANDLE out = NULL;
    DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &out, access,
                    FALSE, 0);
    return out;
}

int main(void)
{
    HANDLE h, d;
    DWORD n;

    conf_make_file(F1, "hello");

    SECTION("opened with");
    h = open_as(GENERIC_READ);
    try_io("GENERIC_READ", h);
    CloseHandle(h);
    h = open_as(GENERIC_WRITE);
    try_io("GENERIC_WRITE", h);
    CloseHandle(h);
    h = open_as(GENERIC_READ | GENERIC_WRITE);
    try_io("GENERIC_READ|GENERIC_WRITE", h);
    CloseHandle(h);
    h = open_as(0);
    try_io("no access", h);
    CloseHandle(h);
    h = open_as(FILE_READ_DATA);
    try_io("FILE_READ_DATA", h);
    CloseHandle(h);
    h = open_as(FILE_WRITE_DATA);
    try_io("FILE_WRITE_DATA", h);
    CloseHandle(h);
    SHOW_STRING("content", conf_file_content(F1));

    SECTION("FILE_APPEND_DATA writes at the end");
    conf_make_file(F1, "hello");
    h = open_as(FILE_APPEND_DATA);
    CHECK_DWORD("SetFilePointer(0, FILE_BEGIN)",
                SetFilePointer(h, 0, NULL, FILE_BEGIN));
    CHECK_BOOL("WriteFile(\"XY\")", WriteFile(h, "XY", 2, &n, NULL));
    CloseHandle(h);
    SHOW_STRING("content", conf_file_content(F1));

    SECTION("duplicated with less access");
    conf_make_file(F1, "hello");
    h = open_as(GENERIC_READ | GENERIC_WRITE);
    d = dup_as(h, GENERIC_READ);
    try_io("duplicate with GENERIC_READ", d);
    CloseHandle(d);
    d = dup_as(h, GENERIC_WRITE);
    try_io("duplicate with GENERIC_WRITE", d);
    CloseHandle(d);
    d = dup_as(h, SYNCHRONIZE);
    try_io("duplicate with SYNCHRONIZE", d);
    CloseHandle(d);
    CloseHandle(h);
    SHOW_STRING("content", conf_file_content(F1));

    DeleteFileA(F1);
    CONF_DONE();
}
