/*
 * npipe_transport: what moves through a named pipe, and when, on handles
 * opened with FILE_FLAG_OVERLAPPED (the behaviours of Wine's
 * test_overlapped_transport and test_blocking_rw, which pass on Windows):
 * where a byte-mode read of a message pipe stops; a server end while a
 * synchronous ConnectNamedPipe waits on it (test_CancelSynchronousIo); a
 * pipe of one instance made again while a FlushFileBuffers of its closed
 * server end is still running; an overlapped TransactNamedPipe whose
 * request cannot go out at once (one operation: its result is the
 * reply).
 *
 * Every wait is bounded (5 s), so a missing completion shows as
 * WAIT_TIMEOUT instead of a hang.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#include <stdlib.h>

#define PIPE_BASE "\\\\.\\pipe\\winipc_conf_npipe_transport_"
#define WAIT_MS 5000

/* A server instance of the given type and read mode, overlapped. */
static HANDLE ov_server(const char *name, DWORD mode, DWORD out_size,
                        DWORD in_size)
{
    return CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                            mode, 1, out_size, in_size, 0, NULL);
}

/* A read through a fresh OVERLAPPED: "label: TRUE, error untouched,
 * n bytes", or the pending read's result after a bounded wait. */
static void read_now(const char *label, HANDLE h, char *buf, DWORD len)
{
    OVERLAPPED ov;
    DWORD n = 77;
    BOOL r;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    SetLastError(CONF_SENTINEL);
    r = ReadFile(h, buf, len, &n, &ov);
    printf("%s: %s, %s", label, r ? "TRUE" : "FALSE", conf_error(GetLastError()));
    if (!r && GetLastError() == ERROR_IO_PENDING) {
        CancelIoEx(h, &ov);
        WaitForSingleObject(ov.hEvent, WAIT_MS);
        printf(" (cancelled)\n");
    } else {
        printf(", %u bytes\n", (unsigned)n);
    }
    CloseHandle(ov.hEvent);
}

/* A write that completes at once (a short one, into an empty pipe), on an
 * overlapped or a synchronous handle. */
static BOOL write_msg(HANDLE h, const char *data, DWORD len)
{
    OVERLAPPED ov;
    DWORD n;
    memset(&ov, 0, sizeof ov);
    return WriteFile(h, data, len, &n, &ov);
}

static DWORD WINAPI connect_thread(void *pipe)
{
    return ConnectNamedPipe((HANDLE)pipe, NULL) ? 0 : GetLastError();
}

static DWORD WINAPI flush_thread(void *pipe)
{
    return FlushFileBuffers((HANDLE)pipe) ? 0 : GetLastError();
}

/* Whether h becomes unsignalled within about 5 s (polled, as Wine's test
 * does). */
static int becomes_unsignalled(HANDLE h)
{
    for (int i = 0; i < 5000; i++) {
        if (WaitForSingleObject(h, 0) == WAIT_TIMEOUT)
            return 1;
        Sleep(1);
    }
    return 0;
}

int main(void)
{
    HANDLE s, c;
    char buf[64];
    DWORD n;

    SECTION("a message pipe read in byte read mode stops when its buffer "
            "is full, before a zero-length message");
    CHECK_CREATED("CreateNamedPipeA(message, byte read)", s,
                  ov_server(PIPE_BASE "zero", PIPE_TYPE_MESSAGE, 4096, 4096));
    CHECK_HANDLE("CreateFileA(client, synchronous)", c,
                 conf_pipe_client(PIPE_BASE "zero"));
    for (int i = 0; i < 2; i++) {
        HANDLE w = i == 0 ? c : s, r = i == 0 ? s : c;
        printf("%s:\n", i == 0 ? "overlapped reads of the server"
                               : "synchronous reads of the client");
        CHECK_BOOL("  WriteFile(\"abc\")", write_msg(w, "abc", 3));
        CHECK_BOOL("  WriteFile(\"d\")", write_msg(w, "d", 1));
        CHECK_BOOL("  WriteFile(\"\")", write_msg(w, "", 0));
        if (i == 0) {
            read_now("  ReadFile(4)", r, buf, 4);
            read_now("  ReadFile(64), the zero-length message", r, buf, 64);
        } else {
            n = 77;
            CHECK_BOOL("  ReadFile(4)", ReadFile(r, buf, 4, &n, NULL));
            SHOW_UINT("  bytes", n);
            CHECK_BOOL("  ReadFile(64), the zero-length message",
                       ReadFile(r, buf, 64, &n, NULL));
            SHOW_UINT("  bytes", n);
        }
        CHECK_BOOL("  PeekNamedPipe", PeekNamedPipe(r, NULL, 0, NULL, &n, NULL));
        SHOW_UINT("  bytes available", n);
    }
    CloseHandle(c);
    CloseHandle(s);

    SECTION("a synchronous ConnectNamedPipe: the server end is not signalled "
            "while it waits");
    CHECK_CREATED("CreateNamedPipeA(synchronous)", s,
                  CreateNamedPipeA(PIPE_BASE "connect", PIPE_ACCESS_DUPLEX,
                                   PIPE_TYPE_BYTE, 1, 1024, 1024, 0, NULL));
    CHECK_WAIT("WaitForSingleObject(server, 0) before",
               WaitForSingleObject(s, 0));
    {
        HANDLE t = CreateThread(NULL, 0, connect_thread, s, 0, NULL);
        DWORD code = 77;
        CHECK_TRUE("unsignalled while ConnectNamedPipe waits",
                   becomes_unsignalled(s));
        CHECK_HANDLE("CreateFileA(client)", c,
                     conf_pipe_client(PIPE_BASE "connect"));
        CHECK_WAIT("the thread ends", WaitForSingleObject(t, WAIT_MS));
        GetExitCodeThread(t, &code);
        printf("ConnectNamedPipe's error: %s\n", conf_error(code));
        CHECK_WAIT("WaitForSingleObject(server, 0) after",
                   WaitForSingleObject(s, 0));
        CloseHandle(t);
    }
    CloseHandle(c);
    CloseHandle(s);

    SECTION("closing the last handle of the only instance while a "
            "FlushFileBuffers of it waits");
    CHECK_CREATED("CreateNamedPipeA(one instance)", s,
                  ov_server(PIPE_BASE "flush", PIPE_TYPE_BYTE, 1024, 1024));
    CHECK_HANDLE("CreateFileA(client)", c, conf_pipe_client(PIPE_BASE "flush"));
    CHECK_BOOL("server WriteFile(\"unread\")", write_msg(s, "unread", 6));
    {
        HANDLE t = CreateThread(NULL, 0, flush_thread, s, 0, NULL), s2, c2;
        DWORD code = 77;
        CHECK_WAIT("the flush waits", WaitForSingleObject(t, 500));
        CHECK_BOOL("CloseHandle(server)", CloseHandle(s));
        CHECK_CREATED("CreateNamedPipeA(one instance) again", s2,
                      CreateNamedPipeA(PIPE_BASE "flush", PIPE_ACCESS_DUPLEX,
                                       PIPE_TYPE_BYTE, 1, 1024, 1024, 0, NULL));
        CHECK_HANDLE("CreateFileA(second client)", c2,
                     conf_pipe_client(PIPE_BASE "flush"));
        CHECK_WAIT("the flush ends", WaitForSingleObject(t, WAIT_MS));
        GetExitCodeThread(t, &code);
        printf("FlushFileBuffers's error: %s\n", conf_error(code));
        CloseHandle(t);
        CloseHandle(c2);
        CloseHandle(s2);
    }
    CloseHandle(c);

    SECTION("an overlapped TransactNamedPipe whose request cannot go out at "
            "once");
    CHECK_CREATED("CreateNamedPipeA(message)", s,
                  CreateNamedPipeA(PIPE_BASE "transact", PIPE_ACCESS_DUPLEX,
                                   PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE,
                                   1, 4096, 4096, 0, NULL));
    CHECK_HANDLE("CreateFileA(client, overlapped)", c,
                 CreateFileA(PIPE_BASE "transact", GENERIC_READ | GENERIC_WRITE,
                             SHARE_ALL, NULL, OPEN_EXISTING,
                             FILE_FLAG_OVERLAPPED, NULL));
    {
        DWORD mode = PIPE_READMODE_MESSAGE, big = 1u << 20;
        char *req = malloc(big), *got = malloc(big), reply[16];
        OVERLAPPED ov;
        memset(&ov, 0, sizeof ov);
        ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
        memset(req, 'q', big);
        CHECK_BOOL("SetNamedPipeHandleState(client, message)",
                   SetNamedPipeHandleState(c, &mode, NULL, NULL));
        n = 77;
        CHECK_BOOL("TransactNamedPipe(1 MiB request, ov)",
                   TransactNamedPipe(c, req, big, reply, sizeof reply, &n,
                                     &ov));
        SHOW_UINT("  count", n);
        CHECK_BOOL("server ReadFile(request)",
                   ReadFile(s, got, big, &n, NULL));
        SHOW_UINT("  bytes", n);
        CHECK_TRUE("  the request arrived whole",
                   n == big && memcmp(got, req, big) == 0);
        CHECK_TRUE("  the transaction is still pending",
                   !HasOverlappedIoCompleted(&ov));
        CHECK_BOOL("server WriteFile(\"reply\")",
                   WriteFile(s, "reply", 5, &n, NULL));
        CHECK_WAIT("the event", WaitForSingleObject(ov.hEvent, WAIT_MS));
        n = 77;
        CHECK_BOOL("GetOverlappedResult", GetOverlappedResult(c, &ov, &n, FALSE));
        SHOW_UINT("  bytes", n);
        conf_show_bytes("  reply", reply, n == 5 ? 5 : 0);
        CloseHandle(ov.hEvent);
        free(req);
        free(got);
    }
    CloseHandle(c);
    CloseHandle(s);

    CONF_DONE();
}
