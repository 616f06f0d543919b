/*
 * npipe_access: the direction of a named pipe against the access its
 * clients ask for: PIPE_ACCESS_INBOUND, PIPE_ACCESS_OUTBOUND and
 * PIPE_ACCESS_DUPLEX opened with GENERIC_READ, GENERIC_WRITE, both, or no
 * access at all; reads and writes on the end that may not do them; the
 * attribute rights the query and set functions need; a client in a child
 * process.
 */
#include <tchar.h>
#include <windows.h>

#include "conf_proc.h"

#define NAME_IN "\\\\.\\pipe\\winipc_conf_npipe_access_in"
#define NAME_OUT "\\\\.\\pipe\\winipc_conf_npipe_access_out"
#define NAME_DUP "\\\\.\\pipe\\winipc_conf_npipe_access_duplex"

/* The child: "open ACCESS" opens NAME_IN with GENERIC_READ (r),
 * GENERIC_WRITE (w) or both (b); it writes "from the child" if it could
 * open; the exit code is 0 or CreateFileA's error. */
static int child_main(int argc, char **argv)
{
    DWORD access, n;
    HANDLE h;

    if (argc < 3 || strcmp(argv[1], "open") != 0)
        return 99;
    access = argv[2][0] == 'r'   ? GENERIC_READ
             : argv[2][0] == 'w' ? GENERIC_WRITE
                                 : GENERIC_READ | GENERIC_WRITE;
    h = CreateFileA(NAME_IN, access, SHARE_ALL, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return (int)GetLastError();
    if (!WriteFile(h, "from the child", 14, &n, NULL))
        return 1000;
    CloseHandle(h);
    return 0;
}

static HANDLE server(const char *label, const char *name, DWORD open_mode)
{
    HANDLE h;
    CHECK_CREATED(label, h,
                  CreateNamedPipeA(name, open_mode, PIPE_TYPE_BYTE, 1, 1024,
                                   1024, 0, NULL));
    return h;
}

static HANDLE client(const char *label, const char *name, DWORD access)
{
    HANDLE h;
    CHECK_HANDLE(
        label, h,
        CreateFileA(name, access, SHARE_ALL, NULL, OPEN_EXISTING, 0, NULL));
    return h;
}

static void write_some(const char *label, HANDLE h)
{
    DWORD n = 77;
    CHECK_BOOL(label, WriteFile(h, "data", 4, &n, NULL));
    SHOW_UINT("  bytes written", n);
}

static void queries(const char *what, HANDLE h)
{
    char label[96];
    DWORD flags = 77, state = 77, mode = PIPE_READMODE_BYTE | PIPE_WAIT;
    snprintf(label, sizeof label, "GetNamedPipeInfo(%s)", what);
    CHECK_BOOL(label, GetNamedPipeInfo(h, &flags, NULL, NULL, NULL));
    snprintf(label, sizeof label, "GetNamedPipeHandleStateA(%s)", what);
    CHECK_BOOL(label,
               GetNamedPipeHandleStateA(h, &state, NULL, NULL, NULL, NULL, 0));
    snprintf(label, sizeof label, "SetNamedPipeHandleState(%s)", what);
    CHECK_BOOL(label, SetNamedPipeHandleState(h, &mode, NULL, NULL));
}

/* Closes the client, then the server (a new instance comes next). */
static void close_both(HANDLE c, HANDLE s)
{
    if (c != INVALID_HANDLE_VALUE)
        CloseHandle(c);
    CloseHandle(s);
}

static void child_open(const char *label, const char *access)
{
    PROCESS_INFORMATION pi;
    char args[32];
    snprintf(args, sizeof args, "open %s", access);
    pi = conf_spawn(label, args, FALSE);
    conf_finish("  ended (exit code: CreateFileA's error)", &pi);
}

int main(int argc, char **argv)
{
    HANDLE s, c;

    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];

    SECTION("PIPE_ACCESS_INBOUND: from the client to the server");
    s = server("CreateNamedPipeA(PIPE_ACCESS_INBOUND)", NAME_IN,
               PIPE_ACCESS_INBOUND);
    c = client("CreateFileA(GENERIC_READ)", NAME_IN, GENERIC_READ);
    if (c != INVALID_HANDLE_VALUE)
        CloseHandle(c);
    c = client("CreateFileA(GENERIC_READ | GENERIC_WRITE)", NAME_IN,
               GENERIC_READ | GENERIC_WRITE);
    if (c != INVALID_HANDLE_VALUE)
        CloseHandle(c);
    c = client("CreateFileA(GENERIC_WRITE)", NAME_IN, GENERIC_WRITE);
    write_some("WriteFile(client)", c);
    conf_read_some("ReadFile(server)", s);
    conf_read_some("ReadFile(client)", c);
    write_some("WriteFile(server)", s);
    queries("client, GENERIC_WRITE", c);
    queries("server", s);
    close_both(c, s);

    SECTION("PIPE_ACCESS_INBOUND, a client in a child");
    s = server("CreateNamedPipeA(PIPE_ACCESS_INBOUND)", NAME_IN,
               PIPE_ACCESS_INBOUND);
    child_open("CreateProcessA(open GENERIC_READ)", "r");
    child_open("CreateProcessA(open GENERIC_READ | GENERIC_WRITE)", "b");
    child_open("CreateProcessA(open GENERIC_WRITE)", "w");
    conf_read_some("ReadFile(server)", s);
    CloseHandle(s);

    SECTION("PIPE_ACCESS_OUTBOUND: from the server to the client");
    s = server("CreateNamedPipeA(PIPE_ACCESS_OUTBOUND)", NAME_OUT,
               PIPE_ACCESS_OUTBOUND);
    c = client("CreateFileA(GENERIC_WRITE)", NAME_OUT, GENERIC_WRITE);
    if (c != INVALID_HANDLE_VALUE)
        CloseHandle(c);
    c = client("CreateFileA(GENERIC_READ | GENERIC_WRITE)", NAME_OUT,
               GENERIC_READ | GENERIC_WRITE);
    if (c != INVALID_HANDLE_VALUE)
        CloseHandle(c);
    c = client("CreateFileA(GENERIC_READ)", NAME_OUT, GENERIC_READ);
    write_some("WriteFile(server)", s);
    conf_read_some("ReadFile(client)", c);
    write_some("WriteFile(client)", c);
    conf_read_some("ReadFile(server)", s);
    queries("client, GENERIC_READ", c);
    queries("server", s);
    close_both(c, s);
    s = server("CreateNamedPipeA(PIPE_ACCESS_OUTBOUND)", NAME_OUT,
               PIPE_ACCESS_OUTBOUND);
    c = client("CreateFileA(GENERIC_READ | FILE_WRITE_ATTRIBUTES)", NAME_OUT,
               GENERIC_READ | FILE_WRITE_ATTRIBUTES);
    queries("client, GENERIC_READ | FILE_WRITE_ATTRIBUTES", c);
    close_both(c, s);

    SECTION("PIPE_ACCESS_DUPLEX");
    s = server("CreateNamedPipeA(PIPE_ACCESS_DUPLEX)", NAME_DUP,
               PIPE_ACCESS_DUPLEX);
    c = client("CreateFileA(GENERIC_READ)", NAME_DUP, GENERIC_READ);
    write_some("WriteFile(server)", s);
    conf_read_some("ReadFile(client)", c);
    write_some("WriteFile(client)", c);
    close_both(c, s);
    s = server("CreateNamedPipeA(PIPE_ACCESS_DUPLEX)", NAME_DUP,
               PIPE_ACCESS_DUPLEX);
    c = client("CreateFileA(GENERIC_WRITE)", NAME_DUP, GENERIC_WRITE);
    write_some("WriteFile(client)", c);
    conf_read_some("ReadFile(server)", s);
    conf_read_some("ReadFile(client)", c);
    close_both(c, s);

    SECTION("a client without read or write access");
    s = server("CreateNamedPipeA(PIPE_ACCESS_DUPLEX)", NAME_DUP,
               PIPE_ACCESS_DUPLEX);
    c = client("CreateFileA(no access)", NAME_DUP, 0);
    write_some("WriteFile(client)", c);
    conf_read_some("ReadFile(client)", c);
    queries("client, no access", c);
    CHECK_BOOL("ConnectNamedPipe(server)", ConnectNamedPipe(s, NULL));
    write_some("WriteFile(server)", s);
    {
        HANDLE c2 = client("CreateFileA(a second client)", NAME_DUP,
                           GENERIC_READ | GENERIC_WRITE);
        if (c2 != INVALID_HANDLE_VALUE)
            CloseHandle(c2);
    }
    close_both(c, s);
    CONF_DONE();
}
