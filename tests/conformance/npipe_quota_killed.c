/*
 * npipe_quota_killed: a child process writes through a client end it
 * inherited, more than the pipe's quota, so that its write waits for the
 * reader; the parent reads the first 10 bytes, and terminates the child.
 * The rest of the child's write goes with it: the pipe is empty, a byte
 * the parent then writes through its own copy of the end is written at
 * once and is all the server reads.  With an overlapped server and
 * overlapped writes (a byte pipe, and a message pipe read in message
 * mode), and with a synchronous server and a synchronous write.  The
 * quota is one for the end: a write the child made that fitted counts
 * for the parent's next write through its own copy.
 */
#include <tchar.h>
#include <windows.h>

#include "conf_proc.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_quota_killed"

static char data[5000];

/* Child: "write HANDLE SIZE ov|sync then": writes SIZE bytes of 'k'
 * through the inherited client end HANDLE; "wait" then sleeps until it is
 * terminated, "exit" exits 0 once the write is over. */
static int child_main(int argc, char **argv)
{
    OVERLAPPED ov;
    HANDLE h;
    DWORD n = 0, size;
    BOOL ok;

    if (argc < 6 || strcmp(argv[1], "write") != 0)
        return 99;
    h = conf_handle_arg(argv[2]);
    size = (DWORD)strtoul(argv[3], NULL, 10);
    if (size > sizeof data)
        return 98;
    memset(data, 'k', size);
    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    if (strcmp(argv[4], "ov") == 0) {
        ok = WriteFile(h, data, size, &n, &ov);
        if (!ok && GetLastError() != ERROR_IO_PENDING)
            return 1;
        if (strcmp(argv[5], "exit") == 0)
            return GetOverlappedResult(h, &ov, &n, TRUE) && n == size ? 0 : 2;
    } else {
        if (!WriteFile(h, data, size, &n, NULL) || n != size)
            return 3;
        if (strcmp(argv[5], "exit") == 0)
            return 0;
    }
    Sleep(30000);
    return 4;
}

static HANDLE make_server(DWORD open_mode, DWORD type)
{
    HANDLE s;
    CHECK_CREATED("CreateNamedPipeA", s,
                  CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX | open_mode, type,
                                   1, 1024, 1024, 0, NULL));
    return s;
}

/* An inheritable client end, connected (an overlapped server's
 * ConnectNamedPipe completes with the client). */
static HANDLE make_client(HANDLE s, DWORD flags)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    OVERLAPPED ov;
    HANDLE c;
    DWORD n;

    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    if (flags) {
        SetLastError(CONF_SENTINEL);
        CHECK_TRUE("ConnectNamedPipe: pending",
                   !ConnectNamedPipe(s, &ov) &&
                       GetLastError() == ERROR_IO_PENDING);
    }
    CHECK_HANDLE("CreateFileA", c,
                 CreateFileA(NAME, GENERIC_READ | GENERIC_WRITE, 0, &sa,
                             OPEN_EXISTING, flags, NULL));
    if (flags)
        CHECK_BOOL("GetOverlappedResult(connect)",
                   GetOverlappedResult(s, &ov, &n, TRUE));
    else
        CHECK_TRUE("ConnectNamedPipe: connected",
                   !ConnectNamedPipe(s, NULL) &&
                       GetLastError() == ERROR_PIPE_CONNECTED);
    CloseHandle(ov.hEvent);
    return c;
}

/* Reads up to len bytes from the server end, waiting for them (through an
 * OVERLAPPED on an overlapped end): what the read returned, the bytes. */
static void read_server(const char *label, HANDLE s, DWORD len, int ov_end)
{
    char buf[64], l[96];
    OVERLAPPED ov;
    DWORD n = 77;
    BOOL ok;

    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    SetLastError(CONF_SENTINEL);
    if (ov_end) {
        ok = ReadFile(s, buf, len, NULL, &ov);
        if (!ok && GetLastError() == ERROR_IO_PENDING) {
            SetLastError(CONF_SENTINEL);
            ok = GetOverlappedResult(s, &ov, &n, TRUE);
        } else {
            DWORD e = GetLastError();
            GetOverlappedResult(s, &ov, &n, FALSE);
            SetLastError(e);
        }
    } else {
        ok = ReadFile(s, buf, len, &n, NULL);
    }
    snprintf(l, sizeof l, "%s: %s, %s", label, ok ? "TRUE" : "FALSE",
             conf_error(ok ? CONF_SENTINEL : GetLastError()));
    printf("%s\n", l);
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
    CloseHandle(ov.hEvent);
}

/* Writes one byte 'z' through the parent's copy of the end: it fits. */
static void write_byte(HANDLE c, int ov_end)
{
    OVERLAPPED ov;
    DWORD n = 77;

    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_BOOL("WriteFile(parent, 1 byte)",
               WriteFile(c, "z", 1, ov_end ? NULL : &n, ov_end ? &ov : NULL));
    if (ov_end)
        CHECK_BOOL("  GetOverlappedResult", GetOverlappedResult(c, &ov, &n, FALSE));
    SHOW_UINT("  bytes written", n);
    CloseHandle(ov.hEvent);
}

static void killed(const char *section, DWORD open_mode, DWORD type)
{
    PROCESS_INFORMATION pi;
    HANDLE s, c;
    DWORD avail = 77;
    char args[128];
    int ov_end = open_mode != 0;

    SECTION(section);
    s = make_server(open_mode, type);
    c = make_client(s, open_mode);
    snprintf(args, sizeof args, "write %llu 5000 %s wait", CONF_HANDLE_ARG(c),
             ov_end ? "ov" : "sync");
    pi = conf_spawn("CreateProcessA(write 5000)", args, TRUE);
    read_server("ReadFile(server, 10)", s, 10, ov_end);
    CHECK_BOOL("TerminateProcess(9)", TerminateProcess(pi.hProcess, 9));
    conf_finish("the child", &pi);
    CHECK_BOOL("PeekNamedPipe(server)",
               PeekNamedPipe(s, NULL, 0, NULL, &avail, NULL));
    SHOW_UINT("  bytes available", avail);
    write_byte(c, ov_end);
    read_server("ReadFile(server, 64)", s, 64, ov_end);
    CloseHandle(c);
    CloseHandle(s);
}

struct writer {
    HANDLE h;
    DWORD n;
    BOOL ok;
};

static DWORD WINAPI write_thread(LPVOID arg)
{
    struct writer *w = (struct writer *)arg;
    static char hundred[100];
    memset(hundred, 'p', sizeof hundred);
    w->ok = WriteFile(w->h, hundred, sizeof hundred, &w->n, NULL);
    return 0;
}

int main(int argc, char **argv)
{
    PROCESS_INFORMATION pi;
    struct writer w;
    HANDLE s, c, t;
    char args[128];
    DWORD avail = 77;

    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];

    killed("overlapped server, byte pipe, overlapped write killed",
           FILE_FLAG_OVERLAPPED, PIPE_TYPE_BYTE);
    killed("overlapped server, message pipe, overlapped write killed",
           FILE_FLAG_OVERLAPPED, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE);
    killed("synchronous server, byte pipe, synchronous write killed", 0,
           PIPE_TYPE_BYTE);

    SECTION("one quota for the end in both processes");
    s = make_server(0, PIPE_TYPE_BYTE);
    c = make_client(s, 0);
    snprintf(args, sizeof args, "write %llu 1000 sync exit",
             CONF_HANDLE_ARG(c));
    pi = conf_spawn("CreateProcessA(write 1000)", args, TRUE);
    conf_finish("the child", &pi);
    CHECK_BOOL("PeekNamedPipe(server)",
               PeekNamedPipe(s, NULL, 0, NULL, &avail, NULL));
    SHOW_UINT("  bytes available", avail);
    /* 1,000 unread and 100 more through the parent's copy: over 1,024,
     * the write waits until the reader has taken 76. */
    w.h = c;
    w.n = 77;
    t = CreateThread(NULL, 0, write_thread, &w, 0, NULL);
    CHECK_WAIT("WriteFile(parent, 100), 200 ms later",
               WaitForSingleObject(t, 200));
    read_server("ReadFile(server, 64)", s, 64, 0);
    CHECK_WAIT("WriteFile(parent, 100), 100 ms later",
               WaitForSingleObject(t, 100));
    read_server("ReadFile(server, 64)", s, 64, 0);
    CHECK_WAIT("WriteFile(parent, 100) returned", WaitForSingleObject(t, 10000));
    printf("  %s, written %u\n", w.ok ? "TRUE" : "FALSE", (unsigned)w.n);
    CloseHandle(t);
    CloseHandle(c);
    CloseHandle(s);
    CONF_DONE();
}
