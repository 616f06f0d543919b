/*
 * file_names: CreateFileA and DeleteFileA with names that are empty, name a
 * directory, pass through a file, or hold characters Windows forbids.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define F1 "file_names_1.tmp"

static void try_open(const char *label, const char *name, DWORD disposition,
                     DWORD flags)
{
    HANDLE h;
    CHECK_HANDLE(label, h,
                 CreateFileA(name, GENERIC_READ, SHARE_ALL, NULL, disposition,
                             flags, NULL));
    if (h != INVALID_HANDLE_VALUE) {
        printf("  GetFileType: %u\n", (unsigned)GetFileType(h));
        CloseHandle(h);
    }
}

int main(void)
{
    conf_make_file(F1, "x");

    SECTION("empty name");
    try_open("CreateFileA(\"\", OPEN_EXISTING)", "", OPEN_EXISTING, 0);
    try_open("CreateFileA(\"\", CREATE_ALWAYS)", "", CREATE_ALWAYS, 0);
    CHECK_BOOL("DeleteFileA(\"\")", DeleteFileA(""));

    SECTION("directories");
    try_open("CreateFileA(\".\", OPEN_EXISTING)", ".", OPEN_EXISTING, 0);
    try_open("CreateFileA(\".\", OPEN_EXISTING, BACKUP_SEMANTICS)", ".",
             OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS);
    try_open("CreateFileA(\"..\", OPEN_EXISTING)", "..", OPEN_EXISTING, 0);

    SECTION("a file used as a directory");
    try_open("CreateFileA(file\\\\x, OPEN_EXISTING)", F1 "\\x", OPEN_EXISTING,
             0);
    try_open("CreateFileA(file\\\\x, CREATE_NEW)", F1 "\\x", CREATE_NEW, 0);
    CHECK_BOOL("DeleteFileA(file\\\\x)", DeleteFileA(F1 "\\x"));

    SECTION("a missing directory");
    try_open("CreateFileA(missing\\\\x, CREATE_NEW)",
             "file_names_no_such_dir\\x", CREATE_NEW, 0);
    CHECK_BOOL("DeleteFileA(missing\\\\x)",
               DeleteFileA("file_names_no_such_dir\\x"));

    SECTION("characters Windows does not allow in names");
    try_open("CreateFileA(\"a*b\", CREATE_ALWAYS)", "file_names_a*b.tmp",
             CREATE_ALWAYS, 0);
    try_open("CreateFileA(\"a?b\", CREATE_ALWAYS)", "file_names_a?b.tmp",
             CREATE_ALWAYS, 0);
    try_open("CreateFileA(\"a<b\", CREATE_ALWAYS)", "file_names_a<b.tmp",
             CREATE_ALWAYS, 0);
    try_open("CreateFileA(\"a>b\", CREATE_ALWAYS)", "file_names_a>b.tmp",
             CREATE_ALWAYS, 0);
    try_open("CreateFileA(\"a|b\", CREATE_ALWAYS)", "file_names_a|b.tmp",
             CREATE_ALWAYS, 0);
    try_open("CreateFileA(\"a\\\"b\", CREATE_ALWAYS)", "file_names_a\"b.tmp",
             CREATE_ALWAYS, 0);
    CHECK_BOOL("DeleteFileA(\"a*b\")", DeleteFileA("file_names_a*b.tmp"));
    CHECK_BOOL("DeleteFileA(\"a?b\")", DeleteFileA("file_names_a?b.tmp"));

    DeleteFileA(F1);
    CONF_DONE();
}
