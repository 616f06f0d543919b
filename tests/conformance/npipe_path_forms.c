/*
 * npipe_path_forms: the other spellings of pipe and mailslot names: the
 * verbatim prefix "\\?\pipe\" (discord-rpc's), "\\.\PIPE\" in any case,
 * '/' for the separators of the prefix ("//./pipe/x"), "\\?\mailslot\",
 * with CreateNamedPipeA, CreateFileA, WaitNamedPipeA, CallNamedPipeA and
 * CreateMailslotA: each names the same object as "\\.\pipe\NAME".
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define BASE "winipc_conf_path_forms"

static HANDLE server(const char *label, const char *name, DWORD type)
{
    HANDLE h;
    CHECK_CREATED(label, h,
                  CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, type,
                                   PIPE_UNLIMITED_INSTANCES, 64, 64, 0, NULL));
    return h;
}

/* A server instance made through create, a client through open that writes
 * "ping", which the server reads. */
static void exchange(const char *label, const char *create, const char *open)
{
    HANDLE s, c;
    DWORD n = 77;
    char buf[8] = {0};
    printf("%s\n", label);
    s = server("  CreateNamedPipeA", create, PIPE_TYPE_BYTE);
    CHECK_BOOL("  WaitNamedPipeA(0)", WaitNamedPipeA(open, 0));
    c = conf_check_pipe_client("  CreateFileA", open);
    if (c != INVALID_HANDLE_VALUE) {
        CHECK_BOOL("  WriteFile(\"ping\")", WriteFile(c, "ping", 4, &n, NULL));
        CHECK_BOOL("  ReadFile(server)",
                   ReadFile(s, buf, sizeof buf - 1, &n, NULL));
        SHOW_STRING("  data", buf);
        CloseHandle(c);
    }
    CloseHandle(s);
}

/* The server of CallNamedPipeA: answers one request with "pong". */
static DWORD WINAPI answer(LPVOID arg)
{
    HANDLE s = (HANDLE)arg;
    char buf[8];
    DWORD n;
    if (!ConnectNamedPipe(s, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
        return 1;
    if (!ReadFile(s, buf, sizeof buf, &n, NULL))
        return 2;
    if (!WriteFile(s, "pong", 4, &n, NULL))
        return 3;
    return 0;
}

int main(void)
{
    HANDLE s, m, c, t;
    DWORD n;
    char out[8];

    SECTION("one pipe, two spellings");
    exchange("\\\\.\\pipe\\ created, \\\\?\\pipe\\ opened",
             "\\\\.\\pipe\\" BASE "_a", "\\\\?\\pipe\\" BASE "_a");
    exchange("\\\\?\\pipe\\ created, \\\\.\\pipe\\ opened",
             "\\\\?\\pipe\\" BASE "_a", "\\\\.\\pipe\\" BASE "_a");
    exchange("\\\\.\\pipe\\ created, \\\\?\\PIPE\\ in upper case opened",
             "\\\\.\\pipe\\" BASE "_a", "\\\\?\\PIPE\\WINIPC_CONF_PATH_FORMS_A");
    exchange("\\\\.\\PiPe\\ created, \\\\.\\pipe\\ opened",
             "\\\\.\\PiPe\\" BASE "_a", "\\\\.\\pipe\\" BASE "_a");
    exchange("//./pipe/ created, \\\\.\\pipe\\ opened",
             "//./pipe/" BASE "_a", "\\\\.\\pipe\\" BASE "_a");
    exchange("\\\\.\\pipe\\ created, \\\\.\\pipe/ opened",
             "\\\\.\\pipe\\" BASE "_a", "\\\\.\\pipe/" BASE "_a");
    exchange("\\\\.\\pipe\\ created, //?/pipe/ opened",
             "\\\\.\\pipe\\" BASE "_a", "//?/pipe/" BASE "_a");

    SECTION("names that are not pipes");
    c = conf_check_pipe_client("CreateFileA(\\\\?\\pipe\\" BASE "_missing)",
                               "\\\\?\\pipe\\" BASE "_missing");
    CHECK_BOOL("WaitNamedPipeA(\\\\?\\pipe\\" BASE "_missing, 0)",
               WaitNamedPipeA("\\\\?\\pipe\\" BASE "_missing", 0));
    n = 77;
    CHECK_BOOL("CallNamedPipeA(\\\\?\\pipe\\" BASE "_missing)",
               CallNamedPipeA("\\\\?\\pipe\\" BASE "_missing", "a", 1, out,
                              sizeof out, &n, 0));
    CHECK_CREATED("CreateNamedPipeA(\\\\?\\C:\\x)", s,
                  CreateNamedPipeA("\\\\?\\C:\\x", PIPE_ACCESS_DUPLEX, 0, 1,
                                   64, 64, 0, NULL));

    SECTION("CallNamedPipeA through \\\\?\\pipe\\");
    s = server("CreateNamedPipeA(//./pipe/" BASE "_c, message)",
               "//./pipe/" BASE "_c", PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE);
    t = CreateThread(NULL, 0, answer, s, 0, NULL);
    memset(out, 0, sizeof out);
    n = 77;
    CHECK_BOOL("CallNamedPipeA(\\\\?\\pipe\\" BASE "_c, \"ping\")",
               CallNamedPipeA("\\\\?\\pipe\\" BASE "_c", "ping", 4, out,
                              sizeof out - 1, &n, 5000));
    SHOW_UINT("  bytes read", n);
    SHOW_STRING("  reply", out);
    CHECK_WAIT("the server thread ends", WaitForSingleObject(t, 10000));
    CHECK_BOOL("  its exit code", GetExitCodeThread(t, &n));
    SHOW_UINT("  exit code", n);
    CloseHandle(t);
    CloseHandle(s);

    SECTION("mailslots");
    CHECK_CREATED("CreateMailslotA(\\\\?\\mailslot\\" BASE ")", m,
                  CreateMailslotA("\\\\?\\mailslot\\" BASE, 0, 0, NULL));
    CHECK_HANDLE("CreateFileA(\\\\.\\MailSlot\\" BASE ")", c,
                 CreateFileA("\\\\.\\MailSlot\\" BASE, GENERIC_WRITE, SHARE_ALL,
                             NULL, OPEN_EXISTING, 0, NULL));
    CHECK_BOOL("  WriteFile(\"m1\")", WriteFile(c, "m1", 2, &n, NULL));
    CloseHandle(c);
    CHECK_HANDLE("CreateFileA(//./mailslot/" BASE ")", c,
                 CreateFileA("//./mailslot/" BASE, GENERIC_WRITE, SHARE_ALL,
                             NULL, OPEN_EXISTING, 0, NULL));
    CHECK_BOOL("  WriteFile(\"m2\")", WriteFile(c, "m2", 2, &n, NULL));
    CloseHandle(c);
    memset(out, 0, sizeof out);
    CHECK_BOOL("ReadFile(the slot)", ReadFile(m, out, sizeof out - 1, &n, NULL));
    SHOW_STRING("  message", out);
    memset(out, 0, sizeof out);
    CHECK_BOOL("ReadFile(the slot)", ReadFile(m, out, sizeof out - 1, &n, NULL));
    SHOW_STRING("  message", out);
    CloseHandle(m);
    CHECK_CREATED("CreateMailslotA(//./mailslot/" BASE "/sub)", m,
                  CreateMailslotA("//./mailslot/" BASE "/sub", 0, 0, NULL));
    CHECK_HANDLE("CreateFileA(\\\\?\\mailslot\\" BASE "\\sub)", c,
                 CreateFileA("\\\\?\\mailslot\\" BASE "\\sub", GENERIC_WRITE,
                             SHARE_ALL, NULL, OPEN_EXISTING, 0, NULL));
    CloseHandle(c);
    CloseHandle(m);
    CONF_DONE();
}
