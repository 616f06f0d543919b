/*
 * sec_backlog.c: the listen backlog of a private pipe instance that no
 * ConnectNamedPipe waits on, flooded by another user.
 *
 * A (the victim) makes an instance of a private pipe and names its
 * listening socket to B (the test's channel; anybody finds it in
 * /proc/net/unix).  B connects to it in a tight loop, closing each
 * connection: a connection stays in the socket's backlog until A's server
 * takes it.  Meanwhile one of A's clients opens the pipe, and only then
 * does A's server call ConnectNamedPipe (or look at its pending one).
 * The instance, in turn:
 *   fresh      just made by CreateNamedPipeA, nothing else called;
 *   pending    overlapped, its ConnectNamedPipe pending (an event that
 *              nobody waits on: the I/O engine accepts);
 *   port       the same, the handle on a completion port that no thread
 *              waits on;
 *   cancelled  overlapped, its pending ConnectNamedPipe cancelled (CancelIo)
 *              while B floods: it listens, and nobody waits for a client.
 * Expected (docs/security.md, "The backlog guard"): A's client connects
 * (within 10 s, retrying with WaitNamedPipeA while the pipe is busy: the
 * flood may keep the backlog full for moments) and exchanges a message;
 * the server's ConnectNamedPipe then says ERROR_PIPE_CONNECTED (its
 * pending one completes), as on Windows, where a client that opens a
 * listening instance is connected at once.  Without the guard, nobody
 * drained a fresh instance's backlog: ERROR_PIPE_BUSY for as long as B
 * floods.
 */
#include "seclib.h"

#define BL_PIPE "backlog-pipe"
#define BL_CLIENT_MS 10000 /* A's client's bound */
#define BL_FLOOD_MIN 2000  /* B's connects before A's client starts */
#define BL_FLOOD_THREADS 2

enum bl_mode { BL_FRESH, BL_PENDING, BL_PORT, BL_CANCELLED };

static const char *const bl_modes[] = {"fresh", "pending", "port",
                                       "cancelled"};

/* A's server: makes the instance, names its socket, waits for "serve"
 * (A's client is connected by then), completes its connect and echoes
 * one request. */
static void bl_server(void *arg)
{
    enum bl_mode mode = *(const enum bl_mode *)arg;
    DWORD open_mode = PIPE_ACCESS_DUPLEX |
                      (mode == BL_FRESH ? 0 : FILE_FLAG_OVERLAPPED);
    HANDLE s, port = NULL;
    OVERLAPPED ov, *got = NULL;
    ULONG_PTR key = 0;
    char buf[64], msg[64];
    DWORD n = 0, w = 0;
    BOOL ok;

    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    s = CreateNamedPipeA(sec_pipe_name(BL_PIPE), open_mode, PIPE_TYPE_BYTE, 1,
                         512, 512, 0, NULL);
    SEC_CHECK_OK(s != INVALID_HANDLE_VALUE, GetLastError(),
                 "A's CreateNamedPipeA");
    if (s == INVALID_HANDLE_VALUE) {
        sec_send(SEC_CHAN, "socks 0");
        return;
    }
    if (mode == BL_PORT) {
        port = CreateIoCompletionPort(s, NULL, 7, 1);
        SEC_CHECK_OK(port != NULL, GetLastError(), "CreateIoCompletionPort");
    }
    if (mode != BL_FRESH) {
        SetLastError(0xdeadbeef);
        ok = ConnectNamedPipe(s, &ov);
        test_checks++;
        if (ok || GetLastError() != ERROR_IO_PENDING)
            TEST_FAIL_AT("A's overlapped ConnectNamedPipe: %d, error %lu "
                         "(ERROR_IO_PENDING wanted)",
                         ok, (unsigned long)GetLastError());
    }
    if (sec_send_own_listening() != 0)
        return;
    if (mode == BL_CANCELLED) {
        /* B floods from now on: the engine drains for the pending
         * connect, then nobody accepts for the instance but the guard. */
        if (sec_expect(SEC_CHAN, "cancel", NULL, 0, 60000))
            return;
        SEC_CHECK_OK(CancelIo(s), GetLastError(), "CancelIo");
        SetLastError(0xdeadbeef);
        ok = GetOverlappedResult(s, &ov, &n, TRUE);
        test_checks++;
        if (ok || GetLastError() != ERROR_OPERATION_ABORTED)
            TEST_FAIL_AT("the cancelled connect: %d, error %lu", ok,
                         (unsigned long)GetLastError());
        sec_send(SEC_CHAN, "cancelled");
    }
    if (sec_expect(SEC_CHAN, "serve", NULL, 0, 120000))
        return;
    /* A's client is connected: the connect says so. */
    switch (mode) {
    case BL_FRESH:
    case BL_CANCELLED:
        SetLastError(0xdeadbeef);
        ok = ConnectNamedPipe(s, mode == BL_FRESH ? NULL : &ov);
        test_checks++;
        if (ok || GetLastError() != ERROR_PIPE_CONNECTED)
            TEST_FAIL_AT("%s: A's ConnectNamedPipe after its client came: %d, "
                         "error %lu (ERROR_PIPE_CONNECTED wanted)",
                         bl_modes[mode], ok, (unsigned long)GetLastError());
        break;
    case BL_PENDING:
        SEC_CHECK_OK(GetOverlappedResult(s, &ov, &n, TRUE), GetLastError(),
                     "the pending connect's GetOverlappedResult");
        break;
    case BL_PORT:
        ok = GetQueuedCompletionStatus(port, &n, &key, &got, 10000);
        SEC_CHECK_OK(ok && got == &ov && key == 7, GetLastError(),
                     "the pending connect's completion packet");
        break;
    }
    if (mode != BL_FRESH) {
        /* Overlapped from here on: the event says when each is done. */
        ok = ReadFile(s, buf, sizeof buf, &n, &ov) ||
             (GetLastError() == ERROR_IO_PENDING &&
              GetOverlappedResult(s, &ov, &n, TRUE));
    } else {
        ok = ReadFile(s, buf, sizeof buf, &n, NULL);
    }
    SEC_CHECK_OK(ok && n > 0, GetLastError(), "A's server's ReadFile");
    if (ok && n > 0) {
        snprintf(msg, sizeof msg, "echo:%.*s", (int)n, buf);
        ok = WriteFile(s, msg, (DWORD)strlen(msg), &w,
                       mode == BL_FRESH ? NULL : &ov) ||
             (GetLastError() == ERROR_IO_PENDING &&
              GetOverlappedResult(s, &ov, &w, TRUE));
        SEC_CHECK_OK(ok, GetLastError(), "A's server's WriteFile");
    }
    sec_expect(SEC_CHAN, "end", NULL, 0, 60000);
    CloseHandle(s);
    if (port)
        CloseHandle(port);
    CloseHandle(ov.hEvent);
}

/* A's client: opens the pipe (while B floods), says so, then exchanges
 * one message once the parent says the server serves. */
static void bl_client(void *arg)
{
    const char *name = sec_pipe_name(BL_PIPE);
    uint64_t t0 = sec_ms(), end = t0 + BL_CLIENT_MS;
    HANDLE c = INVALID_HANDLE_VALUE;
    DWORD le = 0, n = 0;
    char buf[64];
    int tries = 0, got = 0;

    (void)arg;
    while (sec_ms() < end) {
        tries++;
        c = sec_pipe_client(name, &le);
        if (c != INVALID_HANDLE_VALUE || le != ERROR_PIPE_BUSY)
            break;
        WaitNamedPipeA(name, 1000);
    }
    test_checks++;
    if (c == INVALID_HANDLE_VALUE) {
        TEST_FAIL_AT("A's client could not open its own pipe under B's flood: "
                     "%s (%lu) after %d tries in %llu ms",
                     sec_err_name(le), (unsigned long)le, tries,
                     (unsigned long long)(sec_ms() - t0));
        sec_send(SEC_CHAN, "failed");
        return;
    }
    sec_send(SEC_CHAN, "connected %d %llu", tries,
             (unsigned long long)(sec_ms() - t0));
    if (sec_expect(SEC_CHAN, "go", NULL, 0, 60000))
        return;
    SEC_CHECK_OK(WriteFile(c, "hello", 5, &n, NULL) && n == 5, GetLastError(),
                 "A's client's WriteFile");
    while (got < 10 && ReadFile(c, buf + got, (DWORD)(sizeof buf - got), &n,
                                NULL) &&
           n > 0)
        got += (int)n;
    test_checks++;
    if (got != 10 || memcmp(buf, "echo:hello", 10) != 0)
        TEST_FAIL_AT("A's client read %d bytes, not its echo (error %lu)", got,
                     (unsigned long)GetLastError());
    CloseHandle(c);
    sec_send(SEC_CHAN, "done");
}

/* B: floods the sockets A named until told to stop. */
static void bl_flooder(void *arg)
{
    (void)arg;
    sec_flood_run(BL_FLOOD_THREADS, BL_FLOOD_MIN, 0, 120000);
}

static void bl_run(enum bl_mode mode)
{
    struct sec_child a, b, c;
    char msg[128];
    long long t[4];

    if (sec_spawn(&a, SEC_A, 200, bl_server, &mode, bl_modes[mode]))
        return;
    if (sec_spawn(&b, SEC_B, 200, bl_flooder, NULL, "flooder")) {
        sec_kill(&a);
        return;
    }
    if (sec_relay_socks(a.fd, b.fd) <= 0 ||
        sec_expect(b.fd, "flooding", NULL, 0, 60000)) {
        sec_kill(&b);
        sec_kill(&a);
        return;
    }
    if (mode == BL_CANCELLED) {
        sec_send(a.fd, "cancel");
        if (sec_expect(a.fd, "cancelled", NULL, 0, 30000)) {
            sec_kill(&b);
            sec_kill(&a);
            return;
        }
    }
    if (sec_spawn(&c, SEC_A, 200, bl_client, NULL, "client") == 0) {
        if (sec_expect(c.fd, "connected", msg, sizeof msg, 60000) == 0) {
            printf("backlog (%s): A's client connected under B's flood (%s)\n",
                   bl_modes[mode], msg);
            sec_send(a.fd, "serve");
            sec_send(c.fd, "go");
            sec_expect(c.fd, "done", NULL, 0, 60000);
        }
        sec_join(&c);
    }
    sec_flood_stop(&b, t);
    sec_send(a.fd, "end");
    sec_join(&a);
    printf("backlog (%s): B made %lld connects (%lld queued, %lld on a full "
           "backlog, %lld refused)\n",
           bl_modes[mode], t[0], t[1], t[2], t[3]);
    test_checks++;
    if (t[0] < BL_FLOOD_MIN)
        TEST_FAIL_AT("B made only %lld connects: the flood did not happen",
                     t[0]);
}

static void test_fresh_instance(void) { bl_run(BL_FRESH); }
static void test_pending_connect(void) { bl_run(BL_PENDING); }
static void test_pending_on_port(void) { bl_run(BL_PORT); }
static void test_cancelled_connect(void) { bl_run(BL_CANCELLED); }

int main(void)
{
    sec_init();
    SEC_RUN(test_fresh_instance);
    SEC_RUN(test_pending_connect);
    SEC_RUN(test_pending_on_port);
    SEC_RUN(test_cancelled_connect);
    return sec_summary();
}
