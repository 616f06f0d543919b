/*
 * io_null_counts: ReadFile and WriteFile with neither a byte count nor an
 * OVERLAPPED, on an anonymous pipe, a file and a message-mode named pipe.
 * Microsoft's documentation says the count "can be NULL only when the
 * lpOverlapped parameter is not NULL" without naming an error (it is the
 * caller's obligation; Windows before 7 crashed); Windows 7 and later, as
 * Wine reproduces them, move the data, and programs rely on it.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define FILE_NAME "io_null_counts.tmp"
#define PIPE_NAME "\\\\.\\pipe\\winipc_conf_io_null_counts"

int main(void)
{
    HANDLE r, w, f, s, c;
    char buf[16];

    SECTION("an anonymous pipe");
    CHECK_BOOL("CreatePipe", CreatePipe(&r, &w, NULL, 0));
    CHECK_BOOL("WriteFile(\"hello\", no count)",
               WriteFile(w, "hello", 5, NULL, NULL));
    memset(buf, 0, sizeof buf);
    CHECK_BOOL("ReadFile(16, no count)", ReadFile(r, buf, 16, NULL, NULL));
    SHOW_STRING("  data", buf);
    CloseHandle(w);
    CHECK_BOOL("ReadFile(no count) after the writer closed",
               ReadFile(r, buf, 16, NULL, NULL));
    CloseHandle(r);

    SECTION("a file");
    CHECK_HANDLE("CreateFileA", f,
                 CreateFileA(FILE_NAME, GENERIC_READ | GENERIC_WRITE, SHARE_ALL,
                             NULL, CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE,
                             NULL));
    CHECK_BOOL("WriteFile(\"abc\", no count)",
               WriteFile(f, "abc", 3, NULL, NULL));
    CHECK_DWORD("GetFileSize", GetFileSize(f, NULL));
    CHECK_DWORD("SetFilePointer(0)", SetFilePointer(f, 0, NULL, FILE_BEGIN));
    memset(buf, 0, sizeof buf);
    CHECK_BOOL("ReadFile(16, no count)", ReadFile(f, buf, 16, NULL, NULL));
    SHOW_STRING("  data", buf);
    CHECK_BOOL("ReadFile(no count) at the end of file",
               ReadFile(f, buf, 16, NULL, NULL));
    CHECK_BOOL("ReadFile(NULL buffer, no count)",
               ReadFile(f, NULL, 1, NULL, NULL));
    CloseHandle(f);

    SECTION("a message-mode named pipe");
    CHECK_CREATED("CreateNamedPipeA", s,
                  CreateNamedPipeA(PIPE_NAME, PIPE_ACCESS_DUPLEX,
                                   PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE,
                                   1, 64, 64, 0, NULL));
    c = conf_check_pipe_client("CreateFileA(client)", PIPE_NAME);
    CHECK_BOOL("WriteFile(10 bytes, no count)",
               WriteFile(c, "0123456789", 10, NULL, NULL));
    memset(buf, 0, sizeof buf);
    CHECK_BOOL("ReadFile(4 of them, no count)", ReadFile(s, buf, 4, NULL, NULL));
    SHOW_STRING("  data", buf);
    memset(buf, 0, sizeof buf);
    CHECK_BOOL("ReadFile(the rest, no count)", ReadFile(s, buf, 16, NULL, NULL));
    SHOW_STRING("  data", buf);
    CloseHandle(c);
    CloseHandle(s);
    CONF_DONE();
}
