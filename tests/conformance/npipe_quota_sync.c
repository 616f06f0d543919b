/*
 * npipe_quota_sync: the buffer quota holds on the connections of a
 * synchronous server (made without FILE_FLAG_OVERLAPPED) too, with
 * synchronous handles on both ends.  A write that leaves more than the
 * quota unread waits (here in a thread of its own) until the reader has
 * taken enough, and its bytes are readable at once; one that fits returns
 * at once; the server's writes count against nOutBufferSize, the
 * client's against nInBufferSize.  A client's writes before its server
 * has accepted it (ConnectNamedPipe) are held to the quota too, by a
 * synchronous server and by an overlapped one.  CancelSynchronousIo ends
 * a write waiting for room with ERROR_OPERATION_ABORTED, 0 bytes, and
 * takes its unread bytes back out of the pipe (those read stay read): the
 * next write's bytes are the next to read.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define NAME "\\\\.\\pipe\\winipc_conf_npipe_quota_sync"

static char data[8192];

struct writer {
    HANDLE h;
    DWORD len, n, err;
    BOOL ok;
};

static DWORD WINAPI write_thread(LPVOID arg)
{
    struct writer *w = arg;
    w->n = 77;
    SetLastError(0);
    w->ok = WriteFile(w->h, data, w->len, &w->n, NULL);
    w->err = w->ok ? 0 : GetLastError();
    return 0;
}

static HANDLE start_write(struct writer *w, HANDLE h, DWORD len)
{
    w->h = h;
    w->len = len;
    return CreateThread(NULL, 0, write_thread, w, 0, NULL);
}

/* The write has returned (its thread is over): what it said. */
static void write_done(const char *label, HANDLE t, struct writer *w)
{
    char l[160];
    snprintf(l, sizeof l, "%s: returned", label);
    CHECK_WAIT(l, WaitForSingleObject(t, 10000));
    printf("%s: %s, %s, written %u\n", label, w->ok ? "TRUE" : "FALSE",
           conf_error(w->err), (unsigned)w->n);
    CloseHandle(t);
}

static HANDLE make_server(DWORD open_mode, DWORD type, DWORD size)
{
    HANDLE s;
    CHECK_CREATED("CreateNamedPipeA", s,
                  CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX | open_mode,
                                   type | PIPE_WAIT, 1, size, size, 0, NULL));
    return s;
}

static HANDLE make_client(void)
{
    HANDLE c;
    CHECK_HANDLE("CreateFileA", c,
                 CreateFileA(NAME, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                             OPEN_EXISTING, 0, NULL));
    return c;
}

static void connect_sync(HANDLE s)
{
    CHECK_BOOL("ConnectNamedPipe", ConnectNamedPipe(s, NULL));
}

static DWORD avail(HANDLE h)
{
    DWORD a = 77;
    if (!PeekNamedPipe(h, NULL, 0, NULL, &a, NULL))
        return 0xFFFFFFFF;
    return a;
}

static void peek(const char *label, HANDLE h)
{
    printf("%s: avail %u\n", label, (unsigned)avail(h));
}

/* Until the write's bytes are in the pipe (a bounded look). */
static void wait_avail(HANDLE h, DWORD want)
{
    for (int i = 0; i < 5000 && avail(h) < want; i++)
        Sleep(1);
}

static void read_sync(const char *label, HANDLE h, DWORD len)
{
    static char buf[8192];
    DWORD n = 77;
    CHECK_BOOL(label, ReadFile(h, buf, len, &n, NULL));
    printf("  read: %u, first byte %d\n", (unsigned)n, n ? buf[0] : -1);
}

/* The reader (who: "server", "client") takes len bytes, which leaves 1000
 * unread: the waiting write of thread t returns; then the rest is read. */
static void read_frees(const char *who, HANDLE r, DWORD len, HANDLE t,
                       struct writer *w)
{
    char l[80];
    snprintf(l, sizeof l, "%s reads %u", who, (unsigned)len);
    read_sync(l, r, len);
    write_done("1000 unread: the write", t, w);
    snprintf(l, sizeof l, "%s reads the rest", who);
    read_sync(l, r, sizeof data);
}

/* CancelSynchronousIo, tried again while the thread is not in its call
 * yet (ERROR_NOT_FOUND). */
static void cancel(HANDLE t)
{
    BOOL ok = FALSE;
    for (int i = 0; i < 5000 && !ok; i++) {
        ok = CancelSynchronousIo(t);
        if (!ok)
            Sleep(1);
    }
    printf("CancelSynchronousIo: %s\n", ok ? "TRUE" : "FALSE");
}

static void both_ways(DWORD type)
{
    struct writer w;
    HANDLE s = make_server(0, type, 1024), c = make_client(), t;
    connect_sync(s);

    /* Within the quota: returns at once, unread. */
    t = start_write(&w, c, 1000);
    write_done("client writes 1000 of 1024", t, &w);
    /* Over it: waits for the reader, its bytes readable at once. */
    t = start_write(&w, c, 1000);
    wait_avail(s, 2000);
    peek("server peeks", s);
    CHECK_WAIT("client writes 1000 more: waits", WaitForSingleObject(t, 100));
    read_sync("server reads 900", s, 900);
    CHECK_WAIT("1100 unread: still waits", WaitForSingleObject(t, 100));
    read_sync("server reads 100", s, 100);
    write_done("1000 unread: the write", t, &w);
    read_sync("server reads the rest", s, sizeof data);

    /* The server's writes, against its nOutBufferSize. */
    t = start_write(&w, s, 3000);
    wait_avail(c, 3000);
    CHECK_WAIT("server writes 3000: waits", WaitForSingleObject(t, 100));
    read_frees("client", c, 2000, t, &w);
    CloseHandle(c);
    CloseHandle(s);
}

static void cancelled(void)
{
    struct writer w;
    HANDLE s = make_server(0, PIPE_TYPE_BYTE, 1024), c = make_client(), t;
    DWORD n = 0;
    connect_sync(s);

    t = start_write(&w, c, 4000);
    wait_avail(s, 4000);
    peek("before the cancel", s);
    cancel(t);
    write_done("cancelled write", t, &w);
    peek("after the cancel", s);
    CHECK_BOOL("WriteFile(client, \"z\")", WriteFile(c, "z", 1, &n, NULL));
    read_sync("server reads", s, sizeof data);

    /* Part of it read, then cancelled: the rest goes. */
    data[0] = 'x';
    t = start_write(&w, c, 4000);
    wait_avail(s, 4000);
    read_sync("server reads 100", s, 100);
    cancel(t);
    write_done("cancelled write", t, &w);
    peek("after the cancel", s);
    CloseHandle(c);
    CloseHandle(s);
    data[0] = 0;
}

static void before_accept(DWORD open_mode, const char *what)
{
    struct writer w;
    HANDLE s, c, t;
    char l[160];

    printf("-- %s\n", what);
    s = make_server(open_mode, PIPE_TYPE_BYTE, 1024);
    c = make_client();
    t = start_write(&w, c, 1000);
    write_done("client writes 1000 before ConnectNamedPipe", t, &w);
    t = start_write(&w, c, 3000);
    snprintf(l, sizeof l, "client writes 3000 more: waits");
    CHECK_WAIT(l, WaitForSingleObject(t, 200));
    if (open_mode & FILE_FLAG_OVERLAPPED) {
        OVERLAPPED ov;
        memset(&ov, 0, sizeof ov);
        ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
        CHECK_BOOL("ConnectNamedPipe(overlapped)", ConnectNamedPipe(s, &ov));
        CloseHandle(ov.hEvent);
    } else {
        connect_sync(s);
    }
    wait_avail(s, 4000);
    peek("server peeks", s);
    CHECK_WAIT("still waits", WaitForSingleObject(t, 100));
    read_frees("server", s, 3000, t, &w);
    CloseHandle(c);
    CloseHandle(s);
}

int _tmain(void)
{
    printf("-- byte pipe\n");
    both_ways(PIPE_TYPE_BYTE);
    printf("-- message pipe\n");
    both_ways(PIPE_TYPE_MESSAGE);
    printf("-- cancelled\n");
    cancelled();
    before_accept(0, "before the synchronous server accepts");
    before_accept(FILE_FLAG_OVERLAPPED,
                  "before the overlapped server accepts");
    CONF_DONE();
}
