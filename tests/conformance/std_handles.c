/*
 * std_handles: GetStdHandle and SetStdHandle: the three streams, values
 * that name none, and handles set by the program.  The transcript shows
 * relations only: what the streams are depends on how the test is run.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

int main(void)
{
    HANDLE in, out, err, r, w, got;
    char buf[8] = {0};
    DWORD n;

    SECTION("the three streams");
    in = GetStdHandle(STD_INPUT_HANDLE);
    out = GetStdHandle(STD_OUTPUT_HANDLE);
    err = GetStdHandle(STD_ERROR_HANDLE);
    CHECK_TRUE("GetStdHandle(STD_INPUT_HANDLE) != INVALID_HANDLE_VALUE",
               in != INVALID_HANDLE_VALUE);
    CHECK_TRUE("GetStdHandle(STD_OUTPUT_HANDLE) is a handle",
               out != INVALID_HANDLE_VALUE && out != NULL);
    CHECK_TRUE("GetStdHandle(STD_ERROR_HANDLE) != INVALID_HANDLE_VALUE",
               err != INVALID_HANDLE_VALUE);
    CHECK_TRUE("the same value on every call",
               GetStdHandle(STD_OUTPUT_HANDLE) == out &&
                   GetStdHandle(STD_INPUT_HANDLE) == in);
    CHECK_TRUE("GetFileType(standard output) is DISK, CHAR or PIPE",
               GetFileType(out) == FILE_TYPE_DISK ||
                   GetFileType(out) == FILE_TYPE_CHAR ||
                   GetFileType(out) == FILE_TYPE_PIPE);

    SECTION("values that name no stream");
    CHECK_HANDLE("GetStdHandle(0)", got, GetStdHandle(0));
    CHECK_HANDLE("GetStdHandle(5)", got, GetStdHandle(5));
    CHECK_HANDLE("GetStdHandle((DWORD)-13)", got, GetStdHandle((DWORD)-13));
    CHECK_BOOL("SetStdHandle(5, pipe)", SetStdHandle(5, out));
    CHECK_BOOL("SetStdHandle((DWORD)-9, pipe)", SetStdHandle((DWORD)-9, out));

    SECTION("a pipe as standard input");
    CreatePipe(&r, &w, NULL, 0);
    CHECK_BOOL("SetStdHandle(STD_INPUT_HANDLE, pipe read end)",
               SetStdHandle(STD_INPUT_HANDLE, r));
    CHECK_TRUE("GetStdHandle(STD_INPUT_HANDLE) == pipe read end",
               GetStdHandle(STD_INPUT_HANDLE) == r);
    CHECK_DWORD("GetFileType(GetStdHandle(STD_INPUT_HANDLE))",
                GetFileType(GetStdHandle(STD_INPUT_HANDLE)));
    WriteFile(w, "abc", 3, &n, NULL);
    CHECK_BOOL(
        "ReadFile(GetStdHandle(STD_INPUT_HANDLE))",
        ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf, sizeof buf, &n, NULL));
    conf_show_bytes("  data", buf, n);
    CHECK_TRUE("standard output is unchanged",
               GetStdHandle(STD_OUTPUT_HANDLE) == out);

    SECTION("values that are not open handles");
    CHECK_BOOL("SetStdHandle(STD_INPUT_HANDLE, NULL)",
               SetStdHandle(STD_INPUT_HANDLE, NULL));
    CHECK_HANDLE("GetStdHandle(STD_INPUT_HANDLE)", got,
                 GetStdHandle(STD_INPUT_HANDLE));
    CHECK_BOOL("SetStdHandle(STD_INPUT_HANDLE, INVALID_HANDLE_VALUE)",
               SetStdHandle(STD_INPUT_HANDLE, INVALID_HANDLE_VALUE));
    CHECK_HANDLE("GetStdHandle(STD_INPUT_HANDLE)", got,
                 GetStdHandle(STD_INPUT_HANDLE));
    CloseHandle(w);
    CHECK_BOOL("SetStdHandle(STD_INPUT_HANDLE, closed handle)",
               SetStdHandle(STD_INPUT_HANDLE, w));
    CHECK_TRUE("GetStdHandle(STD_INPUT_HANDLE) == the closed handle",
               GetStdHandle(STD_INPUT_HANDLE) == w);

    SECTION("closing the handle behind a stream");
    SetStdHandle(STD_INPUT_HANDLE, r);
    CHECK_BOOL("CloseHandle(GetStdHandle(STD_INPUT_HANDLE))",
               CloseHandle(GetStdHandle(STD_INPUT_HANDLE)));
    CHECK_TRUE("GetStdHandle(STD_INPUT_HANDLE) still returns it",
               GetStdHandle(STD_INPUT_HANDLE) == r);

    SetStdHandle(STD_INPUT_HANDLE, in);
    CHECK_TRUE("restored", GetStdHandle(STD_INPUT_HANDLE) == in);
    CONF_DONE();
}
