/*
 * port_processes: a completion port's file in another process, and a
 * cancellation while another thread waits for the operation.
 *
 * A port belongs to the file object: a child that got a handle to a file
 * associated with the parent's port (DuplicateHandle with
 * DUPLICATE_CLOSE_SOURCE, as Wine's test_exit_process_async; or
 * inheritance) completes its operations into that port, with the
 * association's key; when it exits, or is terminated, with a read pending,
 * the read is cancelled and the port still gets its packet.  The child
 * cannot associate the file with a port of its own.
 *
 * CancelIoEx of a read that another thread waits for in
 * GetOverlappedResult: once CancelIoEx has returned, the read is over.
 *
 * Children never print: they answer through their exit codes.  Every wait
 * is bounded.
 */
#include <tchar.h>
#include <windows.h>

#include "conf_proc.h"

#define NAME "\\\\.\\pipe\\winipc-conf-port-processes"
#define KEY 123
#define WAIT_MS 10000

/* The child: "dup PID HANDLE" takes the file from the parent with
 * DuplicateHandle (closing the parent's), "inherit HANDLE MODE [EVENT]"
 * was given it.  MODE "exit": leaves with a read pending; "read": reads 5
 * bytes, then leaves with a read pending; "hang": sets EVENT with a read
 * pending and waits to be terminated; "assoc": associates the file with a
 * port of its own (exit code: the last error). */
static int child_main(int argc, char **argv)
{
    static char buf[8];
    OVERLAPPED ov;
    HANDLE h = NULL, parent;
    const char *mode = "exit";
    DWORD n;

    if (strcmp(argv[1], "dup") == 0 && argc > 3) {
        parent = OpenProcess(PROCESS_DUP_HANDLE, FALSE,
                             (DWORD)strtoul(argv[2], NULL, 10));
        if (!parent ||
            !DuplicateHandle(parent, conf_handle_arg(argv[3]),
                             GetCurrentProcess(), &h, 0, FALSE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE))
            return 200;
        CloseHandle(parent);
    } else if (strcmp(argv[1], "inherit") == 0 && argc > 3) {
        h = conf_handle_arg(argv[2]);
        mode = argv[3];
    } else {
        return 201;
    }
    if (strcmp(mode, "assoc") == 0) {
        SetLastError(CONF_SENTINEL);
        if (CreateIoCompletionPort(h, NULL, 5, 0))
            return 0;
        return conf_error_code();
    }
    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    if (strcmp(mode, "read") == 0) {
        if (!ReadFile(h, buf, 5, &n, &ov) &&
            (GetLastError() != ERROR_IO_PENDING ||
             !GetOverlappedResult(h, &ov, &n, TRUE)))
            return 202;
        if (n != 5 || memcmp(buf, "hello", 5) != 0)
            return 203;
        ResetEvent(ov.hEvent);
    }
    if (ReadFile(h, buf, sizeof buf, &n, &ov) ||
        GetLastError() != ERROR_IO_PENDING)
        return 204;
    if (strcmp(mode, "hang") == 0 && argc > 4) {
        SetEvent(conf_handle_arg(argv[4]));
        Sleep(WAIT_MS * 3); /* terminated long before */
        return 205;
    }
    return 0; /* the read pending, the handle open */
}

/* The next packet of port, as GetQueuedCompletionStatus returns it. */
static void show_packet(const char *label, HANDLE port)
{
    OVERLAPPED *ov = (OVERLAPPED *)1;
    ULONG_PTR key = 0xdeadbeef;
    DWORD n = 0xdeadbeef;
    CHECK_BOOL(label, GetQueuedCompletionStatus(port, &n, &key, &ov, WAIT_MS));
    SHOW_UINT("  bytes", n);
    CHECK_TRUE("  key == 123", key == KEY);
    CHECK_TRUE("  OVERLAPPED set", ov != NULL && ov != (OVERLAPPED *)1);
}

/* An overlapped byte pipe whose client end, inheritable if asked, is
 * associated with a new port under KEY. */
static HANDLE pair(BOOL inheritable, HANDLE *server, HANDLE *client)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, inheritable};
    HANDLE port;
    *server = CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                               PIPE_TYPE_BYTE, 1, 4096, 4096, 0, NULL);
    *client = CreateFileA(NAME, GENERIC_READ | GENERIC_WRITE, SHARE_ALL, &sa,
                          OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    port = CreateIoCompletionPort(*client, NULL, KEY, 0);
    if (*server == INVALID_HANDLE_VALUE || *client == INVALID_HANDLE_VALUE ||
        !port)
        printf("(the pipe or the port could not be made: error %u)\n",
               (unsigned)GetLastError());
    return port;
}

static void close_all(HANDLE a, HANDLE b, HANDLE c)
{
    CloseHandle(a);
    CloseHandle(b);
    CloseHandle(c);
}

static void child_duplicates(void)
{
    HANDLE s, c, port = pair(FALSE, &s, &c);
    PROCESS_INFORMATION pi;
    char args[64];

    snprintf(args, sizeof args, "dup %lu %llu",
             (unsigned long)GetCurrentProcessId(), CONF_HANDLE_ARG(c));
    pi = conf_spawn("CreateProcessA(child that duplicates the client)", args,
                    FALSE);
    conf_finish("  ended", &pi);
    show_packet("GetQueuedCompletionStatus", port);
    close_all(port, s, NULL);
}

static void child_inherits(void)
{
    HANDLE s, c, port = pair(TRUE, &s, &c);
    PROCESS_INFORMATION pi;
    char args[64];
    DWORD n = 0;

    snprintf(args, sizeof args, "inherit %llu read", CONF_HANDLE_ARG(c));
    pi = conf_spawn("CreateProcessA(child that inherits the client)", args,
                    TRUE);
    {
        OVERLAPPED ov;
        memset(&ov, 0, sizeof ov);
        ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
        if (!WriteFile(s, "hello", 5, &n, &ov) &&
            GetLastError() == ERROR_IO_PENDING)
            GetOverlappedResult(s, &ov, &n, TRUE);
        SHOW_UINT("WriteFile(server, \"hello\"): bytes", n);
        CloseHandle(ov.hEvent);
    }
    show_packet("GetQueuedCompletionStatus (the child's read)", port);
    conf_finish("  ended", &pi);
    show_packet("GetQueuedCompletionStatus (its read left pending)", port);
    snprintf(args, sizeof args, "inherit %llu assoc", CONF_HANDLE_ARG(c));
    conf_run("child: CreateIoCompletionPort(inherited client, new port)",
             args, TRUE, 0, NULL, NULL);
    close_all(port, s, c);
}

static void child_terminated(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE s, c, port = pair(TRUE, &s, &c);
    HANDLE ready = CreateEventA(&sa, TRUE, FALSE, NULL);
    PROCESS_INFORMATION pi;
    char args[96];

    snprintf(args, sizeof args, "inherit %llu hang %llu", CONF_HANDLE_ARG(c),
             CONF_HANDLE_ARG(ready));
    pi = conf_spawn("CreateProcessA(child that inherits the client)", args,
                    TRUE);
    CHECK_WAIT("  its read pending", WaitForSingleObject(ready, WAIT_MS));
    CHECK_BOOL("TerminateProcess(child, 9)", TerminateProcess(pi.hProcess, 9));
    conf_finish("  ended", &pi);
    show_packet("GetQueuedCompletionStatus", port);
    close_all(port, s, c);
    CloseHandle(ready);
}

struct waiter {
    HANDLE h;
    OVERLAPPED *ov;
    HANDLE entering;
    BOOL ok;
    DWORD err, n;
};

static DWORD WINAPI waiter_main(LPVOID arg)
{
    struct waiter *w = arg;
    SetEvent(w->entering);
    SetLastError(CONF_SENTINEL);
    w->ok = GetOverlappedResult(w->h, w->ov, &w->n, TRUE);
    w->err = GetLastError();
    return 0;
}

static void cancel_while_waited(void)
{
    HANDLE s, c, t;
    struct waiter w;
    OVERLAPPED ov;
    char buf[8];
    DWORD n;

    s = CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                         PIPE_TYPE_BYTE, 1, 4096, 4096, 0, NULL);
    c = conf_pipe_client(NAME);
    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_BOOL("ReadFile(server, overlapped)",
               ReadFile(s, buf, sizeof buf, &n, &ov));
    memset(&w, 0, sizeof w);
    w.h = s;
    w.ov = &ov;
    w.entering = CreateEventA(NULL, TRUE, FALSE, NULL);
    t = CreateThread(NULL, 0, waiter_main, &w, 0, NULL);
    WaitForSingleObject(w.entering, WAIT_MS);
    CHECK_BOOL("CancelIoEx(server, its OVERLAPPED)", CancelIoEx(s, &ov));
    CHECK_TRUE("  then: Internal is STATUS_CANCELLED",
               ov.Internal == 0xC0000120u);
    CHECK_WAIT("  then: its event", WaitForSingleObject(ov.hEvent, 0));
    WaitForSingleObject(t, WAIT_MS);
    printf("the waiting thread's GetOverlappedResult: %s, %s, %u bytes\n",
           w.ok ? "TRUE" : "FALSE", conf_error(w.err), (unsigned)w.n);
    CloseHandle(t);
    CloseHandle(w.entering);
    CloseHandle(ov.hEvent);
    close_all(c, s, NULL);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];

    SECTION("a child duplicates the port's file and exits with a read pending");
    child_duplicates();
    SECTION("a child inherits the port's file");
    child_inherits();
    SECTION("a child with a read pending is terminated");
    child_terminated();
    SECTION("CancelIoEx while another thread waits in GetOverlappedResult");
    cancel_while_waited();
    CONF_DONE();
}
