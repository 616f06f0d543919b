/*
 * npipe_process_client: a named pipe whose server is this process and whose
 * client is a child process: messages both ways, message boundaries and
 * ERROR_MORE_DATA across processes, and the process ids each end reports
 * (shown as relations only).
 */
#include <tchar.h>
#include <windows.h>

#include "conf_proc.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_process_client"

/* The child: the client.  It reports on the report pipe (argv[2]). */
static int child_main(int argc, char **argv)
{
    char buf[64];
    DWORD n = 0, mode = PIPE_READMODE_MESSAGE;
    ULONG pid = 0;
    HANDLE c;

    if (argc < 3)
        return 99;
    *conf_out_slot() = conf_handle_arg(argv[2]);
    c = conf_open(NAME, GENERIC_READ | GENERIC_WRITE);
    if (c == INVALID_HANDLE_VALUE) {
        conf_say("CreateFileA failed: %s", conf_error(GetLastError()));
        return 1;
    }
    CHILD_BOOL("SetNamedPipeHandleState(READMODE_MESSAGE)",
               SetNamedPipeHandleState(c, &mode, NULL, NULL));
    CHILD_BOOL("WriteFile(\"hello from the child\")",
               WriteFile(c, "hello from the child", 20, &n, NULL));
    CHILD_BOOL("WriteFile(\"second\")", WriteFile(c, "second", 6, &n, NULL));
    n = 0;
    CHILD_BOOL("ReadFile(64 bytes)", ReadFile(c, buf, sizeof buf, &n, NULL));
    conf_say_bytes("  data", buf, n);
    n = 0;
    CHILD_BOOL("ReadFile(4 bytes)", ReadFile(c, buf, 4, &n, NULL));
    conf_say_bytes("  data", buf, n);
    n = 0;
    CHILD_BOOL("ReadFile(64 bytes) again",
               ReadFile(c, buf, sizeof buf, &n, NULL));
    conf_say_bytes("  data", buf, n);
    CHILD_BOOL("GetNamedPipeClientProcessId(client)",
               GetNamedPipeClientProcessId(c, &pid));
    conf_say("  == this process's id: %d", pid == GetCurrentProcessId());
    pid = 0;
    CHILD_BOOL("GetNamedPipeServerProcessId(client)",
               GetNamedPipeServerProcessId(c, &pid));
    conf_say("  != this process's id: %d",
             pid != 0 && pid != GetCurrentProcessId());
    /* The server's pid goes to the parent, which compares it with its own. */
    CHILD_BOOL("WriteFile(the server's pid)",
               WriteFile(c, &pid, sizeof pid, &n, NULL));
    /* Waits for the parent to close its end. */
    n = 0;
    CHILD_BOOL("ReadFile(until the server closes)",
               ReadFile(c, buf, sizeof buf, &n, NULL));
    CloseHandle(c);
    return 7;
}

static void read_msg(const char *label, HANDLE h, DWORD len)
{
    char buf[64] = {0};
    DWORD n = 77;
    CHECK_BOOL(label, ReadFile(h, buf, len, &n, NULL));
    SHOW_UINT("  bytes read", n);
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
}

int main(int argc, char **argv)
{
    PROCESS_INFORMATION pi;
    HANDLE s, rep_r, rep_w;
    DWORD n, avail;
    ULONG pid, server_pid = 0;
    BOOL ok;
    char args[128];

    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];

    SECTION("a message pipe served here, its client in a child");
    CHECK_CREATED("CreateNamedPipeA(TYPE_MESSAGE | READMODE_MESSAGE)", s,
                  CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX,
                                   PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1,
                                   1024, 1024, 0, NULL));
    conf_child_pipe(&rep_r, &rep_w, 0);
    snprintf(args, sizeof args, "client %llu", CONF_HANDLE_ARG(rep_w));
    pi = conf_spawn("CreateProcessA(client)", args, TRUE);
    CloseHandle(rep_w);
    /* TRUE, or ERROR_PIPE_CONNECTED if the child came first. */
    SetLastError(CONF_SENTINEL);
    ok = ConnectNamedPipe(s, NULL);
    CHECK_TRUE("ConnectNamedPipe: connected",
               ok || GetLastError() == ERROR_PIPE_CONNECTED);

    SECTION("messages from the child");
    read_msg("ReadFile(64 bytes)", s, 64);
    read_msg("ReadFile(4 bytes)", s, 4);
    read_msg("ReadFile(64 bytes) the rest", s, 64);

    SECTION("messages to the child");
    n = 77;
    CHECK_BOOL("WriteFile(\"hello from the parent\")",
               WriteFile(s, "hello from the parent", 21, &n, NULL));
    SHOW_UINT("  bytes written", n);
    CHECK_BOOL("WriteFile(\"abcdefgh\")",
               WriteFile(s, "abcdefgh", 8, &n, NULL));

    SECTION("process ids");
    pid = 0;
    CHECK_BOOL("GetNamedPipeClientProcessId(server)",
               GetNamedPipeClientProcessId(s, &pid));
    CHECK_TRUE("  == the child's id", pid == pi.dwProcessId);
    pid = 0;
    CHECK_BOOL("GetNamedPipeServerProcessId(server)",
               GetNamedPipeServerProcessId(s, &pid));
    CHECK_TRUE("  == this process's id", pid == GetCurrentProcessId());
    n = 0;
    CHECK_BOOL("ReadFile(the server pid the child saw)",
               ReadFile(s, &server_pid, sizeof server_pid, &n, NULL));
    CHECK_TRUE("  == this process's id",
               n == sizeof server_pid && server_pid == GetCurrentProcessId());
    avail = 77;
    CHECK_BOOL("PeekNamedPipe(server)",
               PeekNamedPipe(s, NULL, 0, NULL, &avail, NULL));
    SHOW_UINT("  available", avail);

    SECTION("the server closes its end");
    CloseHandle(s);
    conf_finish("client child ended", &pi);
    conf_relay(rep_r);
    CloseHandle(rep_r);
    CONF_DONE();
}
