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

#include "conf_proc.h"

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
        h = conf_open(strcmp(argv[2], "msg") == 0 ? NAME_MSG : NAME,
                      GENERIC_READ | GENERIC_WRITE);
        if (h == INVALID_HANDLE_VALUE)
            return 1;
        if (!WriteFile(h, "one", 3, &n, NULL) ||
            !WriteFile(h, "two", 3, &n, NULL))
            return 2;
        return 0; /* the handle is left open */
    }
    if (strcmp(argv[1], "write_wait") == 0 || strcmp(argv[1], "hold") == 0) {
        h = conf_open(NAME, GENERIC_READ | GENERIC_WRITE);
        if (h == INVALID_HANDLE_VALUE)
            return 1;
        if (argv[1][0] == 'w' && !WriteFile(h, "xyz12", 5, &n, NULL))
            return 2;
        Sleep(30000);
        return 3;
    }
    if (strcmp(argv[1], "server") == 0 && argc > 3) {
        ctl = conf_handle_arg(argv[2]);
        h = CreateNamedPipeA(NAME_SRV, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1,
                             1024, 1024, 0, NULL);
        if (h == INVALID_HANDLE_VALUE)
            return 1;
        if (!WriteFile(conf_handle_arg(argv[3]), "r", 1, &n, NULL))
            return 2;
        if (!ConnectNamedPipe(h, NULL) &&
            GetLastError() != ERROR_PIPE_CONNECTED)
            return 3;
        if (!WriteFile(h, "bye", 3, &n, NULL))
            return 4;
        if (conf_await(ctl) == 'x')
            return 0; /* the instance is left open */
        Sleep(30000);
        return 5;
    }
    return 99;
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

/* Reads h on a thread while the process at the other end goes away
 * (through end(), which prints its own line), and prints how the read
 * ended. */
static void read_while_gone(HANDLE h, const char *gone, const char *read_label,
                            void (*end)(void *), void *arg)
{
    struct reader rd;
    HANDLE t;

    memset(&rd, 0, sizeof rd);
    rd.h = h;
    t = CreateThread(NULL, 0, reader_main, &rd, 0, NULL);
    CHECK_WAIT("  the reading thread, 100 ms later",
               WaitForSingleObject(t, 100));
    end(arg);
    CHECK_WAIT(gone, WaitForSingleObject(t, 10000));
    CloseHandle(t);
    printf("%s: %s, %s\n", read_label, rd.ok ? "TRUE" : "FALSE",
           conf_error(rd.err));
    SHOW_UINT("  bytes read", rd.n);
}

/* end() for read_while_gone: TerminateProcess with the exit code the
 * label names. */
struct kill {
    HANDLE process;
    UINT code;
};

static void terminate(void *arg)
{
    struct kill *k = (struct kill *)arg;
    char label[32];
    snprintf(label, sizeof label, "TerminateProcess(%u)", k->code);
    CHECK_BOOL(label, TerminateProcess(k->process, k->code));
}

/* end() for read_while_gone: orders the server child to exit. */
static void order_exit(void *arg)
{
    conf_order(*(HANDLE *)arg, 'x');
}

/* Starts the server child, connects to it, reads its "bye". */
static HANDLE client_of_child(PROCESS_INFORMATION *pi, HANDLE *ctl_w,
                              const char *label)
{
    HANDLE ctl_r, ready_r, ready_w, c;
    char args[128], ready = 0;
    DWORD n = 0;

    conf_child_pipe(&ctl_r, ctl_w, 1);
    conf_child_pipe(&ready_r, &ready_w, 0);
    snprintf(args, sizeof args, "server %llu %llu", CONF_HANDLE_ARG(ctl_r),
             CONF_HANDLE_ARG(ready_w));
    *pi = conf_spawn(label, args, TRUE);
    CloseHandle(ctl_r);
    CloseHandle(ready_w);
    CHECK_TRUE("  the child's pipe exists",
               ReadFile(ready_r, &ready, 1, &n, NULL) && ready == 'r');
    CloseHandle(ready_r);
    CHECK_HANDLE("CreateFileA(the child's pipe)", c,
                 CreateFileA(NAME_SRV, GENERIC_READ | GENERIC_WRITE, SHARE_ALL,
                             NULL, OPEN_EXISTING, 0, NULL));
    conf_read_some("ReadFile(client)", c);
    return c;
}

int main(int argc, char **argv)
{
    PROCESS_INFORMATION pi;
    struct kill kill;
    HANDLE s, c, ctl_w;

    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];

    SECTION("a client child writes and exits");
    s = server("CreateNamedPipeA(TYPE_BYTE)", NAME, PIPE_TYPE_BYTE);
    pi = conf_spawn("CreateProcessA(write_exit)", "write_exit byte", FALSE);
    connect_child(s);
    conf_finish("  ended", &pi);
    conf_read_some("ReadFile(server): what it wrote", s);
    conf_read_some("ReadFile(server) again", s);
    after_peer("server, client exited", s);
    CHECK_BOOL("ConnectNamedPipe(client exited)", ConnectNamedPipe(s, NULL));
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));

    SECTION("a client child is terminated");
    pi = conf_spawn("CreateProcessA(write_wait)", "write_wait", FALSE);
    connect_child(s);
    {
        char buf[8] = {0};
        DWORD n = 77;
        CHECK_BOOL("ReadFile(server, 3 bytes)", ReadFile(s, buf, 3, &n, NULL));
        conf_show_bytes("  data", buf, n <= 3 ? n : 0);
    }
    CHECK_BOOL("TerminateProcess(3)", TerminateProcess(pi.hProcess, 3));
    conf_finish("  terminated", &pi);
    conf_read_some("ReadFile(server): the rest", s);
    conf_read_some("ReadFile(server) again", s);
    after_peer("server, client terminated", s);
    CHECK_BOOL("DisconnectNamedPipe", DisconnectNamedPipe(s));

    SECTION("a client child is terminated while this process reads");
    pi = conf_spawn("CreateProcessA(hold)", "hold", FALSE);
    connect_child(s);
    kill.process = pi.hProcess;
    kill.code = 4;
    read_while_gone(s, "  the reading thread, once the client is gone",
                    "ReadFile(server) while the client was terminated",
                    terminate, &kill);
    conf_finish("  terminated", &pi);
    CHECK_BOOL("ConnectNamedPipe(client terminated)",
               ConnectNamedPipe(s, NULL));
    CloseHandle(s);

    SECTION("a message client child writes and exits");
    s = server("CreateNamedPipeA(TYPE_MESSAGE | READMODE_MESSAGE)", NAME_MSG,
               PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE);
    pi = conf_spawn("CreateProcessA(write_exit)", "write_exit msg", FALSE);
    connect_child(s);
    conf_finish("  ended", &pi);
    conf_read_some("ReadFile(server): the first message", s);
    conf_read_some("ReadFile(server): the second message", s);
    conf_read_some("ReadFile(server) again", s);
    CloseHandle(s);

    SECTION("a server child exits while this process reads");
    c = client_of_child(&pi, &ctl_w, "CreateProcessA(server)");
    read_while_gone(c, "  the reading thread, once the server exits",
                    "ReadFile(client) while the server exited", order_exit,
                    &ctl_w);
    conf_finish("  ended", &pi);
    CloseHandle(ctl_w);
    conf_read_some("ReadFile(client) again", c);
    after_peer("client, server exited", c);
    CloseHandle(c);
    CHECK_HANDLE("CreateFileA(the pipe of the exited server)", c,
                 CreateFileA(NAME_SRV, GENERIC_READ | GENERIC_WRITE, SHARE_ALL,
                             NULL, OPEN_EXISTING, 0, NULL));
    CHECK_BOOL("WaitNamedPipeA(the pipe of the exited server, 0)",
               WaitNamedPipeA(NAME_SRV, 0));

    SECTION("a server child is terminated while this process reads");
    c = client_of_child(&pi, &ctl_w, "CreateProcessA(server)");
    kill.process = pi.hProcess;
    kill.code = 9;
    read_while_gone(c, "  the reading thread, once the server is gone",
                    "ReadFile(client) while the server was terminated",
                    terminate, &kill);
    conf_finish("  terminated", &pi);
    CloseHandle(ctl_w);
    after_peer("client, server terminated", c);
    CloseHandle(c);
    CONF_DONE();
}
