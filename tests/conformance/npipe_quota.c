/*
 * npipe_quota: a named pipe's buffer sizes are a quota on what a writer
 * may have unread.  An overlapped write that fits completes at once; one
 * that does not stays pending (its bytes are readable at once, and
 * PeekNamedPipe counts them) until the reader has taken enough that no
 * more than the quota of what was written up to its last byte is unread;
 * a zero-length write never waits; a write that does not fit completes at
 * once when a read waits that takes it; the server's writes count against
 * nOutBufferSize, the client's against nInBufferSize; nOutBufferSize 0
 * makes every write wait for the reader.  PIPE_NOWAIT: a write that does
 * not fit writes nothing.  The reader closing fails a pending write with
 * ERROR_BROKEN_PIPE.  FlushFileBuffers waits until the reader has read
 * everything.  Cancelling a pending write takes its unread bytes out of
 * the pipe (in a message pipe its whole message, even when part of it was
 * read), so the write behind it fits.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_quota"

static char data[4096];

static HANDLE make_server(DWORD type, DWORD out_size, DWORD in_size)
{
    HANDLE s;
    CHECK_CREATED("CreateNamedPipeA", s,
                  CreateNamedPipeA(NAME,
                                   PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                   type | PIPE_WAIT, 1, out_size, in_size, 0,
                                   NULL));
    return s;
}

static HANDLE make_client(DWORD read_mode)
{
    HANDLE c;
    CHECK_HANDLE("CreateFileA(overlapped)", c,
                 CreateFileA(NAME, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                             OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL));
    if (read_mode != PIPE_READMODE_BYTE)
        CHECK_BOOL("SetNamedPipeHandleState(message read)",
                   SetNamedPipeHandleState(c, &read_mode, NULL, NULL));
    return c;
}

/* An overlapped write of len bytes: what WriteFile said, and the count. */
static void write_ov(const char *label, HANDLE h, DWORD len, OVERLAPPED *ov)
{
    DWORD n = 77;
    memset(ov, 0, sizeof *ov);
    ov->hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_BOOL(label, WriteFile(h, data, len, &n, ov));
    printf("  written: %u\n", (unsigned)n);
}

/* Whether the operation is over now (its event), and its result. */
static void result(const char *label, HANDLE h, OVERLAPPED *ov)
{
    DWORD n = 77;
    char l[160];
    snprintf(l, sizeof l, "%s: event", label);
    CHECK_WAIT(l, WaitForSingleObject(ov->hEvent, 0));
    snprintf(l, sizeof l, "%s: GetOverlappedResult", label);
    CHECK_BOOL(l, GetOverlappedResult(h, ov, &n, FALSE));
    printf("  bytes: %u\n", (unsigned)n);
}

static void still_pending(const char *label, OVERLAPPED *ov)
{
    CHECK_WAIT(label, WaitForSingleObject(ov->hEvent, 0));
}

static void done_with(OVERLAPPED *ov)
{
    CloseHandle(ov->hEvent);
}

/* A read of len bytes, completed at once (something is queued). */
static void read_now(const char *label, HANDLE h, DWORD len)
{
    static char buf[8192];
    OVERLAPPED ov;
    DWORD n = 77;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_BOOL(label, ReadFile(h, buf, len, &n, &ov));
    printf("  read: %u\n", (unsigned)n);
    CloseHandle(ov.hEvent);
}

static void peek(const char *label, HANDLE h)
{
    DWORD avail = 77;
    CHECK_BOOL(label, PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL));
    printf("  avail: %u\n", (unsigned)avail);
}

static DWORD WINAPI flusher(LPVOID h)
{
    return FlushFileBuffers((HANDLE)h) ? 0 : GetLastError();
}

static void byte_pipe(void)
{
    OVERLAPPED w1, w2, w3;
    HANDLE s, c, t;
    DWORD code = 77;

    puts("-- byte pipe, out 100, in 200");
    s = make_server(PIPE_TYPE_BYTE, 100, 200);
    c = make_client(PIPE_READMODE_BYTE);
    write_ov("server WriteFile(60)", s, 60, &w1);
    result("  60", s, &w1);
    done_with(&w1);
    write_ov("server WriteFile(60), 120 unread", s, 60, &w1);
    still_pending("  pending", &w1);
    peek("PeekNamedPipe(client)", c);
    write_ov("server WriteFile(1)", s, 1, &w2);
    write_ov("server WriteFile(0)", s, 0, &w3);
    result("  0", s, &w3);
    done_with(&w3);
    t = CreateThread(NULL, 0, flusher, s, 0, NULL);
    CHECK_WAIT("FlushFileBuffers(server) while unread",
               WaitForSingleObject(t, 100));
    read_now("client ReadFile(19)", c, 19);
    still_pending("  first write", &w1);
    read_now("client ReadFile(1)", c, 1);
    result("  first write", s, &w1);
    still_pending("  second write", &w2);
    read_now("client ReadFile(1)", c, 1);
    result("  second write", s, &w2);
    done_with(&w1);
    done_with(&w2);
    peek("PeekNamedPipe(client)", c);
    CHECK_WAIT("FlushFileBuffers(server) while unread",
               WaitForSingleObject(t, 0));
    read_now("client ReadFile(100)", c, 100);
    CHECK_WAIT("FlushFileBuffers(server) once all is read",
               WaitForSingleObject(t, 5000));
    GetExitCodeThread(t, &code);
    printf("  its error: %s\n", conf_error(code));
    CloseHandle(t);

    write_ov("client WriteFile(200)", c, 200, &w1);
    result("  200", c, &w1);
    done_with(&w1);
    write_ov("client WriteFile(1), 201 unread", c, 1, &w1);
    still_pending("  pending", &w1);
    read_now("server ReadFile(1)", s, 1);
    result("  client's write", c, &w1);
    done_with(&w1);
    read_now("server ReadFile(200)", s, 200);

    write_ov("server WriteFile(150)", s, 150, &w1);
    still_pending("  pending", &w1);
    CloseHandle(c);
    result("  after the client closed", s, &w1);
    done_with(&w1);
    CloseHandle(s);
}

static void message_pipe(void)
{
    OVERLAPPED w1, r1;
    HANDLE s, c;
    static char buf[4096];
    DWORD n = 77;

    puts("-- message pipe, out 0");
    s = make_server(PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 0, 0);
    c = make_client(PIPE_READMODE_MESSAGE);
    write_ov("server WriteFile(5)", s, 5, &w1);
    still_pending("  pending", &w1);
    peek("PeekNamedPipe(client)", c);
    read_now("client ReadFile(3)", c, 3);
    still_pending("  after a part", &w1);
    read_now("client ReadFile(3)", c, 3);
    result("  after the rest", s, &w1);
    done_with(&w1);

    write_ov("server WriteFile(0)", s, 0, &w1);
    result("  0", s, &w1);
    done_with(&w1);
    read_now("client ReadFile(10)", c, 10);

    memset(&r1, 0, sizeof r1);
    r1.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_BOOL("client ReadFile(10), nothing queued",
               ReadFile(c, buf, 10, &n, &r1));
    write_ov("server WriteFile(7), a read waits", s, 7, &w1);
    result("  the write", s, &w1);
    result("  the read", c, &r1);
    done_with(&w1);
    done_with(&r1);
    CloseHandle(c);
    CloseHandle(s);
}

static void nowait_pipe(void)
{
    OVERLAPPED w1;
    HANDLE s, c;
    DWORD mode = PIPE_READMODE_BYTE | PIPE_NOWAIT;

    puts("-- PIPE_NOWAIT, out 64");
    s = make_server(PIPE_TYPE_BYTE, 64, 64);
    c = make_client(PIPE_READMODE_BYTE);
    CHECK_BOOL("SetNamedPipeHandleState(server, PIPE_NOWAIT)",
               SetNamedPipeHandleState(s, &mode, NULL, NULL));
    write_ov("server WriteFile(65)", s, 65, &w1);
    result("  65", s, &w1);
    done_with(&w1);
    peek("PeekNamedPipe(client)", c);
    write_ov("server WriteFile(64)", s, 64, &w1);
    result("  64", s, &w1);
    done_with(&w1);
    write_ov("server WriteFile(1), full", s, 1, &w1);
    result("  1", s, &w1);
    done_with(&w1);
    read_now("client ReadFile(64)", c, 64);
    CloseHandle(c);
    CloseHandle(s);
}

static void cancelled(DWORD type)
{
    OVERLAPPED w1, w2;
    DWORD mode = type == PIPE_TYPE_BYTE ? PIPE_READMODE_BYTE
                                        : PIPE_READMODE_MESSAGE;
    DWORD avail = 77, left = 77;
    HANDLE s, c;

    puts(type == PIPE_TYPE_BYTE ? "-- cancelling, byte pipe, out 100"
                                : "-- cancelling, message pipe, out 100");
    s = make_server(type | mode, 100, 100);
    c = make_client(mode);
    write_ov("server WriteFile(150)", s, 150, &w1);
    write_ov("server WriteFile(1)", s, 1, &w2);
    read_now("client ReadFile(10)", c, 10);
    CHECK_BOOL("CancelIoEx(first write)", CancelIoEx(s, &w1));
    result("  first write", s, &w1);
    CHECK_BOOL("PeekNamedPipe(client)",
               PeekNamedPipe(c, NULL, 0, NULL, &avail, &left));
    printf("  avail: %u, left in message: %u\n", (unsigned)avail,
           (unsigned)left);
    read_now("client ReadFile(100)", c, 100);
    result("  second write", s, &w2);
    done_with(&w1);
    done_with(&w2);
    CloseHandle(c);
    CloseHandle(s);
}

int _tmain(void)
{
    memset(data, 'q', sizeof data);
    byte_pipe();
    message_pipe();
    nowait_pipe();
    cancelled(PIPE_TYPE_BYTE);
    cancelled(PIPE_TYPE_MESSAGE);
    CONF_DONE();
}
