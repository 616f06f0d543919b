/*
 * npipe_process_broken: named pipes whose peer process goes away while
 * connected.  A client child that exits (or is terminated, also while
 * this process reads) leaves its server ERROR_BROKEN_PIPE once the data it
 * wrote is drained, and ERROR_NO_DATA for writes; a server child that
 * exits, or is terminated, while this process reads as its client does the
 * same to the client.
 */
#include <tchar.h>
#include <windows.h>

#include "npipe_proc.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_process_broken"
#define NAME_MSG "\\\\.\\pipe\\winipc_conf_npipe_process_broken_msg"
#define NAME_SRV "\\\\.\\pipe\\winipc_conf_npipe_process_broken_srv"

/* Children.  "hold": connects to NAME and sleeps until terminated.
 * "write_exit byte|msg": connects to NAME or NAME_MSG, writes two pieces and
 * exits without closing.  "write_wait": connects, writes "xyz12" and sleeps
 * until terminated.  "server CTL_R READY_W MODE": creates NAME_SRV, says
 * so on READY_W, connects, writes "bye", then waits for an order: 'x'
 * exits, anything else sleeps until terminated. */
static int child_main(int argc, char **argv)
{
    DWORD n;
    HANDLE h, ctl;

    if (strcmp(argv[1], "write_exit") == 0 && argc > 2) {
        h = np_open(strcmp(argv[2], "msg") == 0 ? NAME_MSG : NAME,
                    GENERIC_READ | GENERIC_WRITE);
        if (h == INVALID_HANDLE_VALUE)
            return 1;
        if (!WriteFile(h, "one", 3, &n, NULL) ||
            !WriteFile(h, "two", 3, &n, NULL))
            return 2;
        return 0; /* the handle is left open */
    }
    if (strcmp(argv[1], "write_wait") == 0 || strcmp(argv[1], "hold") == 0) {
        h = np_open(NAME, GENERIC_READ | GENERIC_WRITE);
        if (h == INVALID_HANDLE_VALUE)
            return 1;
        if (argv[1][0] == 'w' && !WriteFile(h, "xyz12", 5, &n, NULL))
            return 2;
        Sleep(30000);
        return 3;
    }
    if (strcmp(argv[1], "server") == 0 && argc > 3) {
        ctl = np_handle_arg(argv[2]);
        h = CreateNamedPipeA(NAME_SRV, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1,
                             1024, 1024, 0, NULL);
        if (h == INVALID_HANDLE_VALUE)
            return 1;
        if (!WriteFile(np_handle_arg(argv[3]), "r", 1, &n, NULL))
            return 2;
        if (!ConnectNamedPipe(h, NULL) &&
            GetLastError() != ERROR_PIPE_CONNECTED)
            return 3;
        if (!WriteFile(h, "bye", 3, &n, NULL))
            return 4;
        if (np_await(ctl) == 'x')
            return 0; /* the instance is left open */
        Sleep(30000);
        return 5;
    }
    return 99;
}

static void read_some(const char *label, HANDLE h)
{
    char buf[32] = {0};
    DWORD n = 77;
    CHECK_BOOL(label, ReadFile(h, buf, sizeof buf, &n, NULL));
    SHOW_UINT("  bytes read", n);
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
}

static void after_peer(const char *who, HANDLE h)
{
    char label[96];
    DWORD n = 77, avail = 77;
    snprintf(label, sizeof label, "WriteFile(%s)", who);
    CHECK_BOOL(label, WriteFile(h, "x", 1, &n, NULL));
    SHOW_UINT("  bytes written", n);
    snprintf(label, sizeof label, "PeekNamedPipe(%s)", who);
    CHECK_BOOL(label, PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL));
}

static HANDLE server(const char *label, const char *name, DWORD mode)
{
    HANDLE h;
    CHECK_CREATED(label, h,
                  CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, mode, 1, 1024,
                                   1024, 0, NULL));
    return h;
}

static void connect_child(HANDLE s)
{
    BOOL ok;
    SetLastError(CONF_SENTINEL);
    ok = ConnectNamedPipe(s, NULL);
    /* A child that writes and exits may be gone before this call: then
     * Windows answers ERROR_NO_DATA (it came and went), and what it wrote
     * is still there to read. */
    CHECK_TRUE("ConnectNamedPipe: connected",
               ok || GetLastError() == ERROR_PIPE_CONNECTED ||
                   GetLastError() == ERROR_NO_DATA);
}

/* A thread that reads the client end while the server process ends. */
struct reader {
    HANDLE h;
    BOOL ok;
    DWORD err, n;
    char buf[32];
};

static DWORD WINAPI reader_main(LPVOID param)
{
    struct reader *r = (struct reader *)param;
    SetLastError(CONF_SENTINEL);
    r->ok = ReadFile(r->h, r->buf, sizeof r->buf, &r->n, NULL);
    r->err = GetLastError();
    return 0;
}

/* Starts the server child, connects to it, reads its "bye". */
static HANDLE client_of_child(PROCESS_INFORMATION *pi, HANDLE *ctl_w,
                              const char *label)
{
    HANDLE ctl_r, ready_r, ready_w, c;
    char args[128], ready = 0;
    DWORD n = 0;

    np_child_pipe(&ctl_r, ctl_w, 1);
    np_child_pipe(&ready_r, &ready_w, 0);
    snprintf(args, sizeof args, "server %llu %llu",
             (unsigned long long)(ULONG_PTR)ctl_r,
             (unsigned long long)(ULONG_PTR)ready_w);
    *pi = np_spawn(label, args, TRUE);
    CloseHandle(ctl_r);
    CloseHandle(ready_w);
    CHECK_TRUE("  the child's pipe exists",
               ReadFile(ready_r, &ready, 1, &n, NULL) && ready == 'r');
    CloseHandle(ready_r);
    CHECK_HANDLE("CreateFileA(the child's pipe)", c,
                 CreateFileA(NAME_SRV, GENERIC_READ | GENERIC_WRITE, SHARE_ALL,
                             NULL, OPEN_EXISTING, 0, NULL));
    read_some("ReadFile(client)", c);
    return c;
}

int main(int argc, char **argv)
{
    PROCESS_INFORMATION pi;
    struct reader rd;
    HANDLE s, c, ctl_w, t;

    if (argc > 1)
        return child_main(argc, argv);
    *np_self_slot() = argv[0];

    SECTION("a client child writes and exits");
    s = server("CreateNamedPipeA(TYPE_BYTE)", NAME, PIPE_TYPE_BYTE);
    pi = np_spawn("CreateProcessA(write_exit)", "write_exit byte", FALSE);
    connect_child(s);
    np_finish("  ended", &pi);
    read_some("ReadFile(server): what it wrote", s);
    read_some("ReadFile(server) again", s);
    after_peer("server, client exited", s);
    CHECK_BOOL("ConnectNamedPipe(client exited)", ConnectNamedPipe(s, NULL));
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));

    SECTION("a client child is terminated");
    pi = np_spawn("CreateProcessA(write_wait)", "write_wait", FALSE);
    connect_child(s);
    {
        char buf[8] = {0};
        DWORD n = 77;
        CHECK_BOOL("ReadFile(server, 3 bytes)", ReadFile(s, buf, 3, &n, NULL));
        conf_show_bytes("  data", buf, n <= 3 ? n : 0);
    }
    CHECK_BOOL("TerminateProcess(3)", TerminateProcess(pi.hProcess, 3));
    np_finish("  terminated", &pi);
    read_some("ReadFile(server): the rest", s);
    read_some("ReadFile(server) again", s);
    after_peer("server, client terminated", s);
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));

    SECTION("a client child is terminated while this process reads");
    pi = np_spawn("CreateProcessA(hold)", "hold", FALSE);
    connect_child(s);
    memset(&rd, 0, sizeof rd);
    rd.h = s;
    t = CreateThread(NULL, 0, reader_main, &rd, 0, NULL);
    CHECK_WAIT("  the reading thread, 100 ms later",
               WaitForSingleObject(t, 100));
    CHECK_BOOL("TerminateProcess(4)", TerminateProcess(pi.hProcess, 4));
    CHECK_WAIT("  the reading thread, once the client is gone",
               WaitForSingleObject(t, 10000));
    CloseHandle(t);
    printf("ReadFile(server) while the client was terminated: %s, %s\n",
           rd.ok ? "TRUE" : "FALSE", conf_error(rd.err));
    SHOW_UINT("  bytes read", rd.n);
    np_finish("  terminated", &pi);
    CHECK_BOOL("ConnectNamedPipe(client terminated)",
               ConnectNamedPipe(s, NULL));
    CloseHandle(s);

    SECTION("a message client child writes and exits");
    s = server("CreateNamedPipeA(TYPE_MESSAGE | READMODE_MESSAGE)", NAME_MSG,
               PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE);
    pi = np_spawn("CreateProcessA(write_exit)", "write_exit msg", FALSE);
    connect_child(s);
    np_finish("  ended", &pi);
    read_some("ReadFile(server): the first message", s);
    read_some("ReadFile(server): the second message", s);
    read_some("ReadFile(server) again", s);
    CloseHandle(s);

    SECTION("a server child exits while this process reads");
    c = client_of_child(&pi, &ctl_w, "CreateProcessA(server)");
    memset(&rd, 0, sizeof rd);
    rd.h = c;
    t = CreateThread(NULL, 0, reader_main, &rd, 0, NULL);
    CHECK_WAIT("  the reading thread, 100 ms later",
               WaitForSingleObject(t, 100));
    np_order(ctl_w, 'x');
    CHECK_WAIT("  the reading thread, once the server exits",
               WaitForSingleObject(t, 10000));
    CloseHandle(t);
    printf("ReadFile(client) while the server exited: %s, %s\n",
           rd.ok ? "TRUE" : "FALSE", conf_error(rd.err));
    SHOW_UINT("  bytes read", rd.n);
    np_finish("  ended", &pi);
    CloseHandle(ctl_w);
    read_some("ReadFile(client) again", c);
    after_peer("client, server exited", c);
    CloseHandle(c);
    CHECK_HANDLE("CreateFileA(the pipe of the exited server)", c,
                 CreateFileA(NAME_SRV, GENERIC_READ | GENERIC_WRITE, SHARE_ALL,
                             NULL, OPEN_EXISTING, 0, NULL));
    CHECK_BOOL("WaitNamedPipeA(the pipe of the exited server, 0)",
               WaitNamedPipeA(NAME_SRV, 0));

    SECTION("a server child is terminated while this process reads");
    c = client_of_child(&pi, &ctl_w, "CreateProcessA(server)");
    memset(&rd, 0, sizeof rd);
    rd.h = c;
    t = CreateThread(NULL, 0, reader_main, &rd, 0, NULL);
    CHECK_WAIT("  the reading thread, 100 ms later",
               WaitForSingleObject(t, 100));
    CHECK_BOOL("TerminateProcess(9)", TerminateProcess(pi.hProcess, 9));
    CHECK_WAIT("  the reading thread, once the server is gone",
               WaitForSingleObject(t, 10000));
    CloseHandle(t);
    printf("ReadFile(client) while the server was terminated: %s, %s\n",
           rd.ok ? "TRUE" : "FALSE", conf_error(rd.err));
    SHOW_UINT("  bytes read", rd.n);
    np_finish("  terminated", &pi);
    CloseHandle(ctl_w);
    after_peer("client, server terminated", c);
    CloseHandle(c);
    CONF_DONE();
}
