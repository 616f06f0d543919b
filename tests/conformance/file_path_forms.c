/*
 * file_path_forms: file names with '/' between components, and the
 * verbatim prefix "\\?\" before a full path (GetCurrentDirectoryA's
 * answer): the same files as the plain names.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static void try_open(const char *label, const char *name)
{
    HANDLE h;
    CHECK_HANDLE(label, h,
                 CreateFileA(name, GENERIC_READ, SHARE_ALL, NULL,
                             OPEN_EXISTING, 0, NULL));
    if (h != INVALID_HANDLE_VALUE) {
        char buf[16] = {0};
        DWORD n;
        CHECK_BOOL("  ReadFile", ReadFile(h, buf, sizeof buf - 1, &n, NULL));
        SHOW_STRING("  data", buf);
        CloseHandle(h);
    }
}

int main(void)
{
    char cwd[MAX_PATH], name[2 * MAX_PATH];
    HANDLE h;
    DWORD n;

    SECTION("'/' between components");
    CHECK_BOOL("CreateDirectoryA(path_forms_dir)",
               CreateDirectoryA("path_forms_dir", NULL));
    CHECK_HANDLE("CreateFileA(path_forms_dir/f.txt, CREATE_NEW)", h,
                 CreateFileA("path_forms_dir/f.txt", GENERIC_WRITE, SHARE_ALL,
                             NULL, CREATE_NEW, 0, NULL));
    CHECK_BOOL("  WriteFile(\"text\")", WriteFile(h, "text", 4, &n, NULL));
    CloseHandle(h);
    try_open("CreateFileA(path_forms_dir\\f.txt)", "path_forms_dir\\f.txt");
    try_open("CreateFileA(./path_forms_dir/f.txt)", "./path_forms_dir/f.txt");

    SECTION("\\\\?\\ before the full path");
    n = GetCurrentDirectoryA(sizeof cwd, cwd);
    CHECK_TRUE("GetCurrentDirectoryA fits", n > 0 && n < sizeof cwd);
    snprintf(name, sizeof name, "\\\\?\\%s\\path_forms_dir\\f.txt", cwd);
    try_open("CreateFileA(\\\\?\\ + the current directory + \\path_forms_dir\\f.txt)",
             name);
    try_open("CreateFileA(\\\\?\\path_forms_dir\\f.txt: not a full path)",
             "\\\\?\\path_forms_dir\\f.txt");
    snprintf(name, sizeof name, "\\\\?\\%s\\path_forms_dir\\f.txt", cwd);
    CHECK_BOOL("DeleteFileA(\\\\?\\ + full path)", DeleteFileA(name));
    snprintf(name, sizeof name, "\\\\?\\%s\\path_forms_dir", cwd);
    CHECK_BOOL("RemoveDirectoryA(\\\\?\\ + full path)", RemoveDirectoryA(name));
    CONF_DONE();
}
