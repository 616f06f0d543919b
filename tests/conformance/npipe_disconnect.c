/*
 * npipe_disconnect: DisconnectNamedPipe with data queued in both
 * directions (which it discards: the client's calls fail with
 * ERROR_PIPE_NOT_CONNECTED), with the client in this process and in a
 * child; ERROR_PIPE_LISTENING before any client; the instance reconnected
 * to a new client; and ConnectNamedPipe after a client came and went.
 */
#include <tchar.h>
#include <windows.h>

#include "conf_proc.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_disconnect"
#define NAME2 "\\\\.\\pipe\\winipc_conf_npipe_disconnect_2"

/*
 * Children, all clients of NAME unless said.  "again REPORT": writes
 * "again", reads the answer, reports both.  "queued REPORT CTL": writes
 * "queued", waits for the order, then reports ReadFile, WriteFile and
 * PeekNamedPipe on its end.  "touch": connects to NAME2 and closes at once;
 * "last_words": the same after writing "last words".
 */
static int child_main(int argc, char **argv)
{
    HANDLE c, ctl;
    char buf[32];
    DWORD n = 0, avail = 77;

    if (strcmp(argv[1], "touch") == 0 || strcmp(argv[1], "last_words") == 0) {
        c = conf_open(NAME2, GENERIC_READ | GENERIC_WRITE);
        if (c == INVALID_HANDLE_VALUE)
            return 1;
        if (argv[1][0] == 'l' && !WriteFile(c, "last words", 10, &n, NULL))
            return 2;
        CloseHandle(c);
        return 0;
    }
    if (argc < 3)
        return 99;
    *conf_out_slot() = conf_handle_arg(argv[2]);
    c = conf_open(NAME, GENERIC_READ | GENERIC_WRITE);
    if (c == INVALID_HANDLE_VALUE) {
        conf_say("CreateFileA failed: %s", conf_error(GetLastError()));
        return 1;
    }
    if (strcmp(argv[1], "again") == 0) {
        CHILD_BOOL("WriteFile(\"again\")", WriteFile(c, "again", 5, &n, NULL));
        n = 0;
        CHILD_BOOL("ReadFile", ReadFile(c, buf, sizeof buf, &n, NULL));
        conf_say_bytes("  data", buf, n);
        CloseHandle(c);
        return 0;
    }
    if (strcmp(argv[1], "queued") == 0 && argc > 3) {
        ctl = conf_handle_arg(argv[3]);
        CHILD_BOOL("WriteFile(\"queued\")",
                   WriteFile(c, "queued", 6, &n, NULL));
        if (conf_await(ctl) != 'g')
            return 2;
        n = 77;
        CHILD_BOOL("ReadFile(client, disconnected)",
                   ReadFile(c, buf, sizeof buf, &n, NULL));
        conf_say("  bytes read: %u", (unsigned)n);
        n = 77;
        CHILD_BOOL("WriteFile(client, disconnected)",
                   WriteFile(c, "more", 4, &n, NULL));
        conf_say("  bytes written: %u", (unsigned)n);
        CHILD_BOOL("PeekNamedPipe(client, disconnected)",
                   PeekNamedPipe(c, NULL, 0, NULL, &avail, NULL));
        CloseHandle(c);
        return 0;
    }
    return 99;
}

static void io(const char *what, HANDLE h)
{
    char label[96], buf[16];
    DWORD n = 77, avail = 77;
    snprintf(label, sizeof label, "ReadFile(%s)", what);
    CHECK_BOOL(label, ReadFile(h, buf, sizeof buf, &n, NULL));
    SHOW_UINT("  bytes read", n);
    n = 77;
    snprintf(label, sizeof label, "WriteFile(%s)", what);
    CHECK_BOOL(label, WriteFile(h, "x", 1, &n, NULL));
    SHOW_UINT("  bytes written", n);
    snprintf(label, sizeof label, "PeekNamedPipe(%s)", what);
    CHECK_BOOL(label, PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL));
}

static void avail(const char *label, HANDLE h)
{
    DWORD a = 77;
    PeekNamedPipe(h, NULL, 0, NULL, &a, NULL);
    SHOW_UINT(label, a);
}

static int six_queued(void *h)
{
    DWORD a = 0;
    return PeekNamedPipe((HANDLE)h, NULL, 0, NULL, &a, NULL) && a >= 6;
}

static PROCESS_INFORMATION spawn_reporting(const char *label, const char *job,
                                           HANDLE ctl_r, HANDLE *rep_r)
{
    PROCESS_INFORMATION pi;
    HANDLE rep_w;
    char args[128];
    conf_child_pipe(rep_r, &rep_w, 0);
    snprintf(args, sizeof args, "%s %llu %llu", job, CONF_HANDLE_ARG(rep_w),
             CONF_HANDLE_ARG(ctl_r));
    pi = conf_spawn(label, args, TRUE);
    CloseHandle(rep_w);
    return pi;
}

int main(int argc, char **argv)
{
    PROCESS_INFORMATION pi;
    HANDLE s, c, c2, rep_r, ctl_r, ctl_w;
    DWORD n;
    char buf[16];
    BOOL ok;

    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];

    SECTION("before any client");
    CHECK_CREATED("CreateNamedPipeA", s,
                  CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1,
                                   1024, 1024, 0, NULL));
    io("server, listening", s);

    SECTION("data queued both ways, then DisconnectNamedPipe");
    CHECK_HANDLE("CreateFileA", c,
                 CreateFileA(NAME, GENERIC_READ | GENERIC_WRITE, SHARE_ALL,
                             NULL, OPEN_EXISTING, 0, NULL));
    CHECK_BOOL("WriteFile(client, \"to server\")",
               WriteFile(c, "to server", 9, &n, NULL));
    CHECK_BOOL("WriteFile(server, \"to client\")",
               WriteFile(s, "to client", 9, &n, NULL));
    avail("  available to the client", c);
    avail("  available to the server", s);
    CHECK_WAIT("WaitForSingleObject(client, 0), connected",
               WaitForSingleObject(c, 0));
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));
    CHECK_WAIT("WaitForSingleObject(client, 0), disconnected",
               WaitForSingleObject(c, 0));
    io("client, disconnected", c);
    io("server, disconnected", s);
    CHECK_HANDLE("CreateFileA(disconnected instance)", c2,
                 CreateFileA(NAME, GENERIC_READ | GENERIC_WRITE, SHARE_ALL,
                             NULL, OPEN_EXISTING, 0, NULL));

    SECTION("a new client, in a child");
    pi = spawn_reporting("CreateProcessA(again)", "again", NULL, &rep_r);
    CHECK_BOOL("ConnectNamedPipe(disconnected)", ConnectNamedPipe(s, NULL));
    n = 77;
    memset(buf, 0, sizeof buf);
    CHECK_BOOL("ReadFile(server)", ReadFile(s, buf, sizeof buf, &n, NULL));
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
    CHECK_BOOL("WriteFile(server, \"welcome\")",
               WriteFile(s, "welcome", 7, &n, NULL));
    conf_finish("  ended", &pi);
    conf_relay(rep_r);
    CloseHandle(rep_r);
    io("old client, after the new one", c);
    CloseHandle(c);

    SECTION("data queued both ways with the client in a child");
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));
    conf_child_pipe(&ctl_r, &ctl_w, 1);
    pi = spawn_reporting("CreateProcessA(queued)", "queued", ctl_r, &rep_r);
    CloseHandle(ctl_r);
    CHECK_BOOL("ConnectNamedPipe(disconnected)", ConnectNamedPipe(s, NULL));
    CHECK_BOOL("WriteFile(server, \"pending\")",
               WriteFile(s, "pending", 7, &n, NULL));
    CHECK_TRUE("  the child's \"queued\" arrived", conf_poll(six_queued, s));
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));
    conf_order(ctl_w, 'g');
    conf_finish("  ended", &pi);
    conf_relay(rep_r);
    CloseHandle(rep_r);
    CloseHandle(ctl_w);
    CloseHandle(s);

    SECTION("ConnectNamedPipe after the client came and went");
    CHECK_CREATED("CreateNamedPipeA", s,
                  CreateNamedPipeA(NAME2, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1,
                                   1024, 1024, 0, NULL));
    pi = conf_spawn("CreateProcessA(touch)", "touch", FALSE);
    conf_finish("  ended", &pi);
    CHECK_BOOL("ConnectNamedPipe(client gone)", ConnectNamedPipe(s, NULL));
    io("server, client gone", s);
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));
    io("server, disconnected", s);
    pi = conf_spawn("CreateProcessA(touch)", "touch", FALSE);
    SetLastError(CONF_SENTINEL);
    ok = ConnectNamedPipe(s, NULL);
    /* TRUE if it got here before the child left, else ERROR_NO_DATA. */
    CHECK_TRUE("ConnectNamedPipe(disconnected): a client came",
               ok || GetLastError() == ERROR_NO_DATA);
    conf_finish("  ended", &pi);
    n = 77;
    CHECK_BOOL("ReadFile(server, client gone)",
               ReadFile(s, buf, sizeof buf, &n, NULL));
    CloseHandle(s);

    SECTION("the client wrote, then went, before ConnectNamedPipe");
    CHECK_CREATED("CreateNamedPipeA", s,
                  CreateNamedPipeA(NAME2, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1,
                                   1024, 1024, 0, NULL));
    pi = conf_spawn("CreateProcessA(last_words)", "last_words", FALSE);
    conf_finish("  ended", &pi);
    CHECK_BOOL("ConnectNamedPipe(client gone)", ConnectNamedPipe(s, NULL));
    n = 77;
    memset(buf, 0, sizeof buf);
    CHECK_BOOL("ReadFile(server)", ReadFile(s, buf, sizeof buf, &n, NULL));
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
    io("server, drained", s);
    CloseHandle(s);
    (void)c2;
    CONF_DONE();
}
