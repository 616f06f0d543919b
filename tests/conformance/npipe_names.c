/*
 * npipe_names: the names of named pipes: CreateNamedPipeA and CreateFileA
 * on \\.\pipe\ names, names that are not pipe names, case, and
 * WaitNamedPipeA on names with and without a pipe.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_names"

static HANDLE server(const char *label, const char *name)
{
    HANDLE h;
    CHECK_CREATED(label, h,
                 CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 4,
                                  1024, 1024, 0, NULL));
    return h;
}

int main(void)
{
    HANDLE s, c, s2, c2;
    DWORD n;
    char buf[8];

    SECTION("a pipe and its name");
    s = server("CreateNamedPipeA(\\\\.\\pipe\\winipc_conf_npipe_names)", NAME);
    CHECK_DWORD("GetFileType(server)", GetFileType(s));
    CHECK_BOOL("WaitNamedPipeA(free instance, 0)", WaitNamedPipeA(NAME, 0));
    c = conf_check_pipe_client("CreateFileA(same name)", NAME);
    CHECK_DWORD("GetFileType(client)", GetFileType(c));
    CHECK_BOOL("WriteFile(client, \"x\")", WriteFile(c, "x", 1, &n, NULL));
    n = 77;
    CHECK_BOOL("ReadFile(server)", ReadFile(s, buf, sizeof buf, &n, NULL));
    SHOW_UINT("  bytes read", n);

    SECTION("names are not case sensitive");
    s2 = server("CreateNamedPipeA(upper-case name)",
                "\\\\.\\PIPE\\WINIPC_CONF_NPIPE_NAMES");
    c2 = conf_check_pipe_client("CreateFileA(mixed-case name)",
                "\\\\.\\Pipe\\Winipc_Conf_Npipe_Names");
    CHECK_BOOL("WriteFile(that client, \"y\")", WriteFile(c2, "y", 1, &n, NULL));
    n = 77;
    CHECK_BOOL("ReadFile(upper-case server)",
               ReadFile(s2, buf, sizeof buf, &n, NULL));
    SHOW_UINT("  bytes read", n);
    CloseHandle(c2);
    CloseHandle(s2);

    SECTION("names without a pipe");
    c2 = conf_check_pipe_client("CreateFileA(no such pipe)",
                "\\\\.\\pipe\\winipc_conf_npipe_names_missing");
    CHECK_BOOL("WaitNamedPipeA(no such pipe, 0)",
               WaitNamedPipeA("\\\\.\\pipe\\winipc_conf_npipe_names_missing", 0));
    CHECK_BOOL("WaitNamedPipeA(no such pipe, 100)",
               WaitNamedPipeA("\\\\.\\pipe\\winipc_conf_npipe_names_missing", 100));

    SECTION("a backslash in the name");
    s2 = server("CreateNamedPipeA(name\\b)", NAME "\\b");
    c2 = conf_check_pipe_client("CreateFileA(name\\b)", NAME "\\b");
    CloseHandle(c2);
    CloseHandle(s2);
    s2 = server("CreateNamedPipeA(name_bs\\)", NAME "_bs\\");
    c2 = conf_check_pipe_client("CreateFileA(name_bs, without the backslash)",
                                NAME "_bs");
    c2 = conf_check_pipe_client("CreateFileA(name_bs\\)", NAME "_bs\\");
    CloseHandle(c2);
    CloseHandle(s2);

    SECTION("after every instance is closed");
    CloseHandle(c);
    CloseHandle(s);
    c = conf_check_pipe_client("CreateFileA(closed pipe)", NAME);
    CHECK_BOOL("WaitNamedPipeA(closed pipe, 0)", WaitNamedPipeA(NAME, 0));
    CONF_DONE();
}
