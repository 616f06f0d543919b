/*
 * test_overlapped_stress.c: overlapped named pipe I/O under load.
 *
 *   test_exchange_with_cancels  4 client processes x 2,000 checksummed
 *                               messages each way, through overlapped
 *                               handles at both ends (one server thread
 *                               per instance), a read and a write pending
 *                               at once on each side, each side writing
 *                               at most a few messages ahead of what it
 *                               has received (so that reads pend often),
 *                               1 message in 200 larger than the pipe
 *                               holds (so that writes pend and reads take
 *                               a message in parts), and pending reads
 *                               cancelled at random with CancelIoEx: a
 *                               cancelled read reports
 *                               ERROR_OPERATION_ABORTED and took nothing
 *                               (the next read gets the message); nothing
 *                               reported complete is lost, duplicated,
 *                               truncated or reordered
 *   test_port_thousand_clients  1,000 clients in another process (4
 *                               threads) on one completion port served
 *                               by 2 worker threads (concurrency 2),
 *                               checksummed 64-byte messages echoed 10
 *                               rounds: every reply is its request,
 *                               every instance ends with one
 *                               ERROR_BROKEN_PIPE packet, nothing else
 *                               fails
 *   test_killed_client          SIGKILL of the client while the server has
 *                               two reads and a write that cannot complete
 *                               pending: all three end with
 *                               ERROR_BROKEN_PIPE (STATUS_PIPE_BROKEN), no
 *                               hang; the instance can be disconnected
 *                               and listen again
 *   test_engine_locks_in_process  the engine's locks (a lock per object's
 *                               queue), all in one process: 12 pipe
 *                               pairs, their server ends echoed by 3
 *                               workers of one port, their overlapped
 *                               clients (half driving their operations
 *                               in GetOverlappedResult, half waiting on
 *                               the event) cancelling some of their own
 *                               reads, a thread cancelling the clients'
 *                               operations at random, and a thread making
 *                               and closing pipe pairs with a read
 *                               pending (some on the same port): every
 *                               echo is its message, every cancelled
 *                               operation reports ERROR_OPERATION_ABORTED
 *                               and is made again, every closed pair's
 *                               read ends (broken or cancelled), nothing
 *                               else fails; meant for ThreadSanitizer
 *   test_cancel_races_engine    CancelIoEx of a write that waits for its
 *                               reader (the quota) while the reader takes
 *                               it and the engine completes it, in a
 *                               message pipe and a byte pipe: after
 *                               CancelIoEx the write is over; one reported
 *                               complete was read whole, one reported
 *                               cancelled never (in a byte pipe: never
 *                               whole), every byte checked
 *
 * The expected results are Windows' as Wine 8 reproduces them (a MinGW
 * probe: two pending reads and a pending 1 MiB write on an overlapped
 * server whose client closes all end with ERROR_BROKEN_PIPE; a later
 * ReadFile fails with ERROR_BROKEN_PIPE, a WriteFile with ERROR_NO_DATA).
 * Helper processes are this binary again ("--helper NAME ARGS"), started
 * with fork/exec so that the test can SIGKILL them.  Every wait is bounded;
 * no sleep stands in for synchronisation.
 *
 * Diagnostics: WINIPC_TEST_VERBOSE=1 prints each server end's counts (a
 * failing end always prints them, with its state at the failure);
 * WINIPC_TEST_CANCEL_ONE_IN=N cancels a pending read with a chance of 1 in
 * N instead of 1 in 4 (0: never; the check that some read was aborted then
 * fails, as it should).
 */
#include "testlib.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define CLIENTS 4
#define MESSAGES 2000
#define SMALL_PAYLOAD 3000
#define BIG_PAYLOAD (512 << 10) /* 1 message in 200: more than a pipe holds */
#define MAX_PAYLOAD (BIG_PAYLOAD + SMALL_PAYLOAD)
#define HEADER 16
#define MAX_MESSAGE (HEADER + MAX_PAYLOAD)
#define WAIT_MS 10000

/* A pending read is cancelled with a chance of 1 in cancel_one_in. */
static unsigned cancel_one_in = 4;

static const char *pipe_name(const char *tag)
{
    return test_unique_name("\\\\.\\pipe\\winipc-ovstress-", "-", tag);
}

/* ---- Helper processes ------------------------------------------------------ */

/* Waits for the child's exit: its exit code, 128+signal, or -1 if it did
 * not end within timeout_ms (it is killed then). */
static int child_wait(struct test_child *c, int timeout_ms)
{
    int st = 0;
    struct pollfd p = {.fd = c->out, .events = POLLIN};
    /* Its stdout closes when it ends: wait for that, then reap it. */
    for (;;) {
        char sink[256];
        int r = poll(&p, 1, timeout_ms);
        if (r <= 0) {
            kill(c->pid, SIGKILL);
            break;
        }
        if (read(c->out, sink, sizeof sink) <= 0)
            break;
    }
    waitpid(c->pid, &st, 0);
    close(c->out);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- One end of a checksummed exchange ------------------------------------- */

/*
 * A message: the stream's seed (4 bytes), seq (4), payload length (4),
 * checksum (4), payload.  The payload of message seq of a stream is a
 * function of the stream's seed and seq, so the reader, which learns the
 * seed from the first message, can check every byte.
 */
static uint32_t xorshift(uint32_t *s)
{
    uint32_t x = *s ? *s : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static uint32_t make_message(unsigned char *buf, uint32_t seed, uint32_t seq)
{
    uint32_t s = seed * 2654435761u + seq * 40503u + 1, len, sum = 2166136261u;
    len = xorshift(&s) % 200 == 0 ? BIG_PAYLOAD + xorshift(&s) % SMALL_PAYLOAD
                                  : xorshift(&s) % (SMALL_PAYLOAD + 1);
    for (uint32_t i = 0; i < len; i++) {
        buf[HEADER + i] = (unsigned char)xorshift(&s);
        sum = (sum ^ buf[HEADER + i]) * 16777619u;
    }
    memcpy(buf, &seed, 4);
    memcpy(buf + 4, &seq, 4);
    memcpy(buf + 8, &len, 4);
    memcpy(buf + 12, &sum, 4);
    return HEADER + len;
}

struct end_result {
    int failed;       /* the first failure, as a line number; 0 if none */
    DWORD error;      /* its last error */
    int cancels;      /* CancelIoEx calls on a pending read */
    int aborted;      /* reads that ended with ERROR_OPERATION_ABORTED */
    int completed;    /* cancelled reads that had completed all the same */
    int read_pending; /* reads that pended */
    int write_pending;
    /* At the failure: messages sent and received, what was pending, and
     * how many bytes PeekNamedPipe saw waiting. */
    uint32_t sent, received;
    int rpending, wpending;
    uint32_t window;
    DWORD avail;
};

#define END_FAIL(r)                                                            \
    do {                                                                       \
        if (!(r)->failed) {                                                    \
            (r)->failed = __LINE__;                                            \
            (r)->error = GetLastError();                                       \
        }                                                                      \
        goto out;                                                              \
    } while (0)

/* Checks a message that a read delivered: the next of the peer's stream
 * (whose seed the first message gives). */
static int check_message(const unsigned char *got, DWORD n, uint32_t *seed,
                         uint32_t expect, unsigned char *scratch)
{
    uint32_t len;
    if (n < HEADER)
        return 0;
    if (expect == 0)
        memcpy(seed, got, 4);
    len = make_message(scratch, *seed, expect);
    return n == len && memcmp(got, scratch, len) == 0;
}

/*
 * Sends MESSAGES messages of stream my_seed and receives MESSAGES of the
 * peer's stream through the overlapped handle h, with at most one read and
 * one write pending at a time, cancelling a pending read now and then (1
 * in cancel_one_in).  Every wait is bounded.
 */
static void exchange(HANDLE h, uint32_t my_seed, uint32_t rng,
                     struct end_result *r)
{
    unsigned char *wbuf = malloc(MAX_MESSAGE), *rbuf = malloc(MAX_MESSAGE),
                  *scratch = malloc(MAX_MESSAGE);
    HANDLE rev = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE wev = CreateEventA(NULL, TRUE, FALSE, NULL);
    OVERLAPPED rov, wov;
    uint32_t sent = 0, received = 0, wlen = 0, peer_seed = 0, window = 0;
    int rpending = 0, wpending = 0;
    DWORD n;

    memset(r, 0, sizeof *r);
    if (!wbuf || !rbuf || !scratch || !rev || !wev)
        END_FAIL(r);
    while (sent < MESSAGES || wpending || received < MESSAGES) {
        HANDLE waits[2];
        DWORD nwaits = 0, w;

        /* A side writes at most a few messages ahead of what it has
         * received (a window chosen afresh for each message), so that
         * reads often find nothing and pend.  Both sides cannot be held
         * back at once (each one's window is at least 0) as long as each
         * writes whenever its window allows. */
        if (!wpending && sent < MESSAGES &&
            sent <= received + window) {
            window = xorshift(&rng) % 8;
            wlen = make_message(wbuf, my_seed, sent);
            memset(&wov, 0, sizeof wov);
            wov.hEvent = wev;
            if (WriteFile(h, wbuf, wlen, NULL, &wov)) {
                if (wov.InternalHigh != wlen)
                    END_FAIL(r);
                sent++;
                /* Write on while the window allows: a side that waits
                 * for a read when it may write could wait for a peer
                 * that waits for it. */
                continue;
            } else if (GetLastError() == ERROR_IO_PENDING) {
                wpending = 1;
                r->write_pending++;
            } else {
                END_FAIL(r);
            }
        }
        if (!rpending && received < MESSAGES) {
            memset(&rov, 0, sizeof rov);
            rov.hEvent = rev;
            if (ReadFile(h, rbuf, MAX_MESSAGE, NULL, &rov)) {
                if (!check_message(rbuf, (DWORD)rov.InternalHigh, &peer_seed,
                                   received, scratch))
                    END_FAIL(r);
                received++;
                continue;
            }
            if (GetLastError() != ERROR_IO_PENDING)
                END_FAIL(r);
            rpending = 1;
            r->read_pending++;
        }

        /* Now and then, cancel the pending read. */
        if (rpending && cancel_one_in && xorshift(&rng) % cancel_one_in == 0) {
            BOOL found = CancelIoEx(h, &rov);
            if (!found && GetLastError() != ERROR_NOT_FOUND)
                END_FAIL(r);
            r->cancels++;
            if (WaitForSingleObject(rev, WAIT_MS) != WAIT_OBJECT_0)
                END_FAIL(r);
            rpending = 0;
            if (GetOverlappedResult(h, &rov, &n, FALSE)) {
                /* It completed before the cancellation reached it: the
                 * message is delivered, and must be the next. */
                if (!check_message(rbuf, n, &peer_seed, received, scratch))
                    END_FAIL(r);
                received++;
                r->completed++;
            } else if (GetLastError() == ERROR_OPERATION_ABORTED) {
                /* Cancelled: it took nothing. */
                if (n != 0 || rov.InternalHigh != 0 ||
                    rov.Internal != 0xC0000120u || !found)
                    END_FAIL(r);
                r->aborted++;
            } else {
                END_FAIL(r);
            }
            continue;
        }

        if (rpending)
            waits[nwaits++] = rev;
        if (wpending)
            waits[nwaits++] = wev;
        if (nwaits == 0)
            continue;
        w = WaitForMultipleObjects(nwaits, waits, FALSE, WAIT_MS);
        if (w >= WAIT_OBJECT_0 + nwaits)
            END_FAIL(r);
        if (waits[w - WAIT_OBJECT_0] == rev) {
            if (!GetOverlappedResult(h, &rov, &n, FALSE) ||
                !check_message(rbuf, n, &peer_seed, received, scratch))
                END_FAIL(r);
            rpending = 0;
            received++;
        } else {
            if (!GetOverlappedResult(h, &wov, &n, FALSE) || n != wlen)
                END_FAIL(r);
            wpending = 0;
            sent++;
        }
    }
out:
    r->sent = sent;
    r->received = received;
    r->rpending = rpending;
    r->wpending = wpending;
    r->window = window;
    if (r->failed)
        PeekNamedPipe(h, NULL, 0, NULL, &r->avail, NULL);
    /* After a failure, nothing may be left pending on our buffers: an
     * operation that does not end even when cancelled keeps them (they
     * are leaked, not freed under it). */
    if (rpending || wpending) {
        CancelIoEx(h, NULL);
        if ((rpending && WaitForSingleObject(rev, WAIT_MS) != WAIT_OBJECT_0) ||
            (wpending && WaitForSingleObject(wev, WAIT_MS) != WAIT_OBJECT_0))
            return;
    }
    free(wbuf);
    free(rbuf);
    free(scratch);
    if (rev)
        CloseHandle(rev);
    if (wev)
        CloseHandle(wev);
}

static void print_result(const char *who, const struct end_result *r)
{
    printf("%s: failed at line %d (error %lu), %d cancels: %d aborted, %d "
           "completed; %d reads and %d writes pended; at the end: %u sent, "
           "%u received (window %u), read %s, write %s, %lu bytes waiting\n",
           who, r->failed, (unsigned long)r->error, r->cancels, r->aborted,
           r->completed, r->read_pending, r->write_pending, r->sent,
           r->received, r->window, r->rpending ? "pending" : "idle",
           r->wpending ? "pending" : "idle", (unsigned long)r->avail);
}

/* Helper: a client of pipe NAME exchanging as client INDEX; prints
 * "result FAILED ERROR CANCELS ABORTED COMPLETED". */
static int helper_client(int argc, char **argv)
{
    struct end_result r;
    DWORD mode = PIPE_READMODE_MESSAGE;
    HANDLE h = INVALID_HANDLE_VALUE;
    uint32_t index;

    if (argc < 2)
        return 2;
    index = (uint32_t)atoi(argv[1]);
    /* All instances exist before the clients start; a busy pipe is one
     * whose instance a dying earlier client still holds. */
    for (int tries = 0; tries < 50 && h == INVALID_HANDLE_VALUE; tries++) {
        h = CreateFileA(argv[0], GENERIC_READ | GENERIC_WRITE, 0, NULL,
                        OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
        if (h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_PIPE_BUSY)
            WaitNamedPipeA(argv[0], 200);
        else if (h == INVALID_HANDLE_VALUE)
            break;
    }
    if (h == INVALID_HANDLE_VALUE) {
        printf("result %d %lu 0 0 0\n", __LINE__,
               (unsigned long)GetLastError());
        return 1;
    }
    if (!SetNamedPipeHandleState(h, &mode, NULL, NULL)) {
        printf("result %d %lu 0 0 0\n", __LINE__,
               (unsigned long)GetLastError());
        return 1;
    }
    exchange(h, 1000 + index, 0x1234567u + index * 7919u, &r);
    printf("result %d %lu %d %d %d\n", r.failed, (unsigned long)r.error,
           r.cancels, r.aborted, r.completed);
    if (r.failed)
        print_result("  client", &r);
    fflush(stdout);
    CloseHandle(h);
    return r.failed ? 1 : 0;
}

struct server_thread {
    HANDLE h;
    struct end_result r;
    DWORD final_error; /* the read after the exchange: the client closed */
    uint32_t index;    /* the instance's index */
};

/* Serves one instance: waits (bounded) for a client, exchanges, then
 * waits for the client to close. */
static void *serve(void *arg)
{
    struct server_thread *t = arg;
    OVERLAPPED ov;
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    DWORD n = 0;

    memset(&ov, 0, sizeof ov);
    ov.hEvent = ev;
    t->r.failed = 0;
    if (!ConnectNamedPipe(t->h, &ov)) {
        DWORD e = GetLastError();
        if (e == ERROR_IO_PENDING) {
            if (WaitForSingleObject(ev, WAIT_MS) != WAIT_OBJECT_0 ||
                !GetOverlappedResult(t->h, &ov, &n, FALSE)) {
                t->r.failed = __LINE__;
                t->r.error = GetLastError();
                CancelIoEx(t->h, &ov);
                WaitForSingleObject(ev, WAIT_MS);
                CloseHandle(ev);
                return NULL;
            }
        } else if (e != ERROR_PIPE_CONNECTED) {
            t->r.failed = __LINE__;
            t->r.error = e;
            CloseHandle(ev);
            return NULL;
        }
    }
    exchange(t->h, 2000 + t->index, 0x7654321u + t->index * 104729u, &t->r);
    if (!t->r.failed) {
        /* The client closes once it has all our messages: a last read
         * pends until then and ends with ERROR_BROKEN_PIPE. */
        char b[16];
        memset(&ov, 0, sizeof ov);
        ov.hEvent = ev;
        if (ReadFile(t->h, b, sizeof b, NULL, &ov))
            t->final_error = 0;
        else if (GetLastError() != ERROR_IO_PENDING)
            t->final_error = GetLastError();
        else if (WaitForSingleObject(ev, WAIT_MS) != WAIT_OBJECT_0) {
            t->final_error = WAIT_TIMEOUT;
            CancelIoEx(t->h, &ov);
            WaitForSingleObject(ev, WAIT_MS);
        } else if (GetOverlappedResult(t->h, &ov, &n, FALSE))
            t->final_error = 0;
        else
            t->final_error = GetLastError();
    }
    CloseHandle(ev);
    return NULL;
}

static void test_exchange_with_cancels(void)
{
    const char *name = pipe_name("exchange");
    struct server_thread t[CLIENTS];
    struct test_child kid[CLIENTS];
    pthread_t th[CLIENTS];
    int aborted = 0, cancels = 0;

    for (int i = 0; i < CLIENTS; i++) {
        memset(&t[i], 0, sizeof t[i]);
        t[i].index = (uint32_t)i;
        t[i].h = CreateNamedPipeA(
            name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
            PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, CLIENTS, 4096, 4096, 0,
            NULL);
        CHECK(t[i].h != INVALID_HANDLE_VALUE);
    }
    for (int i = 0; i < CLIENTS; i++)
        CHECK_EQ(pthread_create(&th[i], NULL, serve, &t[i]), 0);
    for (int i = 0; i < CLIENTS; i++) {
        char index[16];
        snprintf(index, sizeof index, "%d", i);
        CHECK_EQ(test_child_start(&kid[i], "client", name, index, NULL), 0);
    }
    for (int i = 0; i < CLIENTS; i++) {
        char line[512];
        int failed = -1, ab = 0, comp = 0, canc = 0;
        unsigned long err = 0;
        CHECK(test_child_line(&kid[i], line, sizeof line, 60000));
        CHECK_EQ(sscanf(line, "result %d %lu %d %d %d", &failed, &err, &canc,
                        &ab, &comp),
                 5);
        if (failed != 0) {
            fprintf(stderr, "client %d: %s\n", i, line);
            if (test_child_line(&kid[i], line, sizeof line, 1000))
                fprintf(stderr, "client %d: %s\n", i, line);
        }
        CHECK_EQ(failed, 0);
        aborted += ab;
        cancels += canc;
        CHECK_EQ(child_wait(&kid[i], 10000), 0);
    }
    for (int i = 0; i < CLIENTS; i++) {
        char who[32];
        pthread_join(th[i], NULL);
        snprintf(who, sizeof who, "server %d", i);
        if (t[i].r.failed || getenv("WINIPC_TEST_VERBOSE"))
            print_result(who, &t[i].r);
        CHECK_EQ(t[i].r.failed, 0);
        CHECK_EQ(t[i].final_error, ERROR_BROKEN_PIPE);
        aborted += t[i].r.aborted;
        cancels += t[i].r.cancels;
        CloseHandle(t[i].h);
    }
    /* Reads pend all the time here (each side waits for the other), so
     * cancellations that took effect are certain over 8 x 2,000 reads. */
    printf("     %d cancels, %d of them aborted a read\n", cancels, aborted);
    CHECK(aborted > 0);
}

/* ---- A client killed while the server's operations pend ------------------- */

/* Helper: opens pipe NAME (synchronous), says "ready", and waits to be
 * killed (ending by itself after a minute). */
static int helper_idle_client(int argc, char **argv)
{
    HANDLE h, never;
    if (argc < 1)
        return 2;
    h = CreateFileA(argv[0], GENERIC_READ | GENERIC_WRITE, 0, NULL,
                    OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        printf("error %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    never = CreateEventA(NULL, TRUE, FALSE, NULL);
    WaitForSingleObject(never, 60000);
    return 0;
}

static void test_killed_client_type(DWORD type)
{
    const char *name = pipe_name(type == PIPE_TYPE_BYTE ? "killb" : "killm");
    HANDLE s = CreateNamedPipeA(
        name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
        type | (type == PIPE_TYPE_MESSAGE ? PIPE_READMODE_MESSAGE : 0), 1, 4096,
        4096, 0, NULL);
    enum { BIG = 4 << 20 };
    unsigned char *big = calloc(1, BIG);
    OVERLAPPED cov, r1, r2, w;
    char b1[64], b2[64];
    struct test_child kid;
    char line[64];
    DWORD n;

    CHECK(s != INVALID_HANDLE_VALUE);
    memset(&cov, 0, sizeof cov);
    memset(&r1, 0, sizeof r1);
    memset(&r2, 0, sizeof r2);
    memset(&w, 0, sizeof w);
    cov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    r1.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    r2.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    w.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);

    CHECK_FAILS(ConnectNamedPipe(s, &cov), ERROR_IO_PENDING);
    CHECK_EQ(test_child_start(&kid, "idle_client", name, NULL), 0);
    CHECK(test_child_line(&kid, line, sizeof line, WAIT_MS));
    CHECK_STR(line, "ready");
    CHECK_EQ(WaitForSingleObject(cov.hEvent, WAIT_MS), WAIT_OBJECT_0);
    CHECK_OK(GetOverlappedResult(s, &cov, &n, FALSE));

    /* Two reads and a write that cannot complete: the client never reads,
     * and 4 MiB never fit in the pipe. */
    CHECK_FAILS(ReadFile(s, b1, sizeof b1, NULL, &r1), ERROR_IO_PENDING);
    CHECK_FAILS(ReadFile(s, b2, sizeof b2, NULL, &r2), ERROR_IO_PENDING);
    CHECK_FAILS(WriteFile(s, big, BIG, NULL, &w), ERROR_IO_PENDING);
    /* Still pending: their events are not set.  (Not
     * HasOverlappedIoCompleted: winipc's macro is a plain read of
     * Internal, which the engine thread stores to, and ThreadSanitizer
     * reports the pair as a race.) */
    CHECK_EQ(WaitForSingleObject(r1.hEvent, 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(r2.hEvent, 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(w.hEvent, 0), WAIT_TIMEOUT);

    kill(kid.pid, SIGKILL);
    CHECK_EQ(child_wait(&kid, WAIT_MS), 128 + SIGKILL);

    CHECK_EQ(WaitForSingleObject(r1.hEvent, WAIT_MS), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(r2.hEvent, WAIT_MS), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(w.hEvent, WAIT_MS), WAIT_OBJECT_0);
    CHECK_FAILS(GetOverlappedResult(s, &r1, &n, FALSE), ERROR_BROKEN_PIPE);
    CHECK_EQ(r1.Internal, 0xC000014Bu);
    CHECK_EQ(n, 0);
    CHECK_FAILS(GetOverlappedResult(s, &r2, &n, FALSE), ERROR_BROKEN_PIPE);
    CHECK_EQ(r2.Internal, 0xC000014Bu);
    CHECK_FAILS(GetOverlappedResult(s, &w, &n, FALSE), ERROR_BROKEN_PIPE);
    CHECK_EQ(w.Internal, 0xC000014Bu);
    /* Nothing is left to cancel. */
    CHECK_FAILS(CancelIoEx(s, NULL), ERROR_NOT_FOUND);

    /* New operations fail at once; the instance listens again after a
     * disconnect. */
    CHECK_FAILS(ReadFile(s, b1, sizeof b1, NULL, &r1), ERROR_BROKEN_PIPE);
    CHECK_FAILS(WriteFile(s, "x", 1, NULL, &w), ERROR_NO_DATA);
    CHECK_OK(DisconnectNamedPipe(s));
    CHECK_FAILS(ConnectNamedPipe(s, &cov), ERROR_IO_PENDING);
    CHECK_OK(CancelIoEx(s, &cov));
    CHECK_EQ(WaitForSingleObject(cov.hEvent, WAIT_MS), WAIT_OBJECT_0);
    CHECK_FAILS(GetOverlappedResult(s, &cov, &n, FALSE),
                ERROR_OPERATION_ABORTED);

    CloseHandle(cov.hEvent);
    CloseHandle(r1.hEvent);
    CloseHandle(r2.hEvent);
    CloseHandle(w.hEvent);
    CloseHandle(s);
    free(big);
}

static void test_killed_client(void)
{
    test_killed_client_type(PIPE_TYPE_BYTE);
    test_killed_client_type(PIPE_TYPE_MESSAGE);
}

/* ---- 1,000 clients on one completion port --------------------------------- */

#define PORT_CLIENTS 1000
#define PORT_THREADS 4
#define PORT_ROUNDS 10
#define PORT_MSG 64

/* 1,000 instances, 2 fds and a socket each, and the clients' in the
 * helper: above the usual soft limit of 1,024. */
static void raise_fd_limit(rlim_t want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    if (rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* Message round r of client c: its numbers, then bytes that depend on
 * them, the last 4 a sum of the others. */
static void port_message(unsigned char *m, uint32_t c, uint32_t r)
{
    uint32_t sum = 0, seed = c * 2654435761u + r * 40503u + 1;
    memcpy(m, &c, 4);
    memcpy(m + 4, &r, 4);
    for (int i = 8; i < PORT_MSG - 4; i++)
        m[i] = (unsigned char)(xorshift(&seed) >> 24);
    for (int i = 0; i < PORT_MSG - 4; i++)
        sum = sum * 31 + m[i];
    memcpy(m + PORT_MSG - 4, &sum, 4);
}

struct port_client_set {
    HANDLE *h;
    uint32_t first, n;
    int failed;
};

static DWORD WINAPI port_client_thread(LPVOID arg)
{
    struct port_client_set *set = arg;
    unsigned char msg[PORT_MSG], got[PORT_MSG + 1];
    for (uint32_t r = 0; r < PORT_ROUNDS && !set->failed; r++) {
        DWORD n;
        /* A request on each of its pipes, then each reply: the server
         * has hundreds of reads completing at once. */
        for (uint32_t i = 0; i < set->n && !set->failed; i++) {
            port_message(msg, set->first + i, r);
            if (!WriteFile(set->h[i], msg, PORT_MSG, &n, NULL) ||
                n != PORT_MSG)
                set->failed = 1;
        }
        for (uint32_t i = 0; i < set->n && !set->failed; i++) {
            port_message(msg, set->first + i, r);
            if (!ReadFile(set->h[i], got, sizeof got, &n, NULL) ||
                n != PORT_MSG || memcmp(got, msg, PORT_MSG) != 0)
                set->failed = 1;
        }
    }
    return 0;
}

/* The clients: argv[0] the pipe's name. */
static int helper_port_clients(int argc, char **argv)
{
    static HANDLE h[PORT_CLIENTS];
    struct port_client_set set[PORT_THREADS];
    HANDLE t[PORT_THREADS];
    int failed = 0;

    if (argc < 1)
        return 2;
    raise_fd_limit(8192);
    for (int i = 0; i < PORT_CLIENTS; i++) {
        DWORD mode = PIPE_READMODE_MESSAGE;
        h[i] = CreateFileA(argv[0], GENERIC_READ | GENERIC_WRITE, 0, NULL,
                           OPEN_EXISTING, 0, NULL);
        if (h[i] == INVALID_HANDLE_VALUE ||
            !SetNamedPipeHandleState(h[i], &mode, NULL, NULL)) {
            printf("open %d: error %lu\n", i, (unsigned long)GetLastError());
            return 3;
        }
    }
    for (int k = 0; k < PORT_THREADS; k++) {
        uint32_t per = PORT_CLIENTS / PORT_THREADS;
        set[k] = (struct port_client_set){h + k * per, (uint32_t)k * per, per,
                                          0};
        t[k] = CreateThread(NULL, 0, port_client_thread, &set[k], 0, NULL);
    }
    for (int k = 0; k < PORT_THREADS; k++) {
        WaitForSingleObject(t[k], INFINITE);
        CloseHandle(t[k]);
        failed |= set[k].failed;
    }
    for (int i = 0; i < PORT_CLIENTS; i++)
        CloseHandle(h[i]);
    printf("%s\n", failed ? "failed" : "ok");
    return failed ? 4 : 0;
}

struct port_inst {
    HANDLE pipe;
    OVERLAPPED ov;
    int writing;
    unsigned char buf[PORT_MSG + 1];
};

static struct {
    HANDLE port;
    struct port_inst *inst;
    atomic_long echoed, broken, errors, left;
} ps;

/* An instance ended with err (ERROR_BROKEN_PIPE: its client is gone);
 * the last to end posts the workers' end. */
static void port_inst_ends(DWORD err)
{
    if (err == ERROR_BROKEN_PIPE)
        atomic_fetch_add(&ps.broken, 1);
    else
        atomic_fetch_add(&ps.errors, 1);
    if (atomic_fetch_sub(&ps.left, 1) == 1) {
        PostQueuedCompletionStatus(ps.port, 0, 0, NULL);
        PostQueuedCompletionStatus(ps.port, 0, 0, NULL);
    }
}

/* A worker: echoes what each instance reads; an instance whose client is
 * gone ends; the last to end posts the workers' end. */
static DWORD WINAPI port_worker(LPVOID arg)
{
    (void)arg;
    for (;;) {
        DWORD n = 0;
        ULONG_PTR key = 0;
        OVERLAPPED *ov = NULL;
        BOOL ok = GetQueuedCompletionStatus(ps.port, &n, &key, &ov, 30000);
        struct port_inst *in;
        if (!ov) {
            if (!ok && GetLastError() == WAIT_TIMEOUT)
                atomic_fetch_add(&ps.errors, 1);
            return 0; /* the end (a packet without OVERLAPPED) */
        }
        in = &ps.inst[key];
        if (!ok) {
            port_inst_ends(GetLastError());
            continue;
        }
        if (ov != &in->ov)
            atomic_fetch_add(&ps.errors, 1);
        memset(&in->ov, 0, sizeof in->ov);
        if (in->writing || n == 0) {
            /* A write done, or the connection made: the next request. */
            in->writing = 0;
            /* The client may have closed already (after the last
             * reply): a read that fails at once posts no packet. */
            if (!ReadFile(in->pipe, in->buf, sizeof in->buf, NULL, &in->ov) &&
                GetLastError() != ERROR_IO_PENDING)
                port_inst_ends(GetLastError());
        } else {
            in->writing = 1;
            atomic_fetch_add(&ps.echoed, 1);
            if (!WriteFile(in->pipe, in->buf, n, NULL, &in->ov) &&
                GetLastError() != ERROR_IO_PENDING)
                atomic_fetch_add(&ps.errors, 1);
        }
    }
}

static void test_port_thousand_clients(void)
{
    const char *name = pipe_name("port1000");
    struct test_child kid;
    HANDLE w[2];
    char line[64];

    raise_fd_limit(8192);
    ps.port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 2);
    ps.inst = calloc(PORT_CLIENTS, sizeof *ps.inst);
    atomic_init(&ps.echoed, 0);
    atomic_init(&ps.broken, 0);
    atomic_init(&ps.errors, 0);
    atomic_init(&ps.left, PORT_CLIENTS);
    CHECK(ps.port != NULL && ps.inst != NULL);
    for (int i = 0; i < PORT_CLIENTS; i++) {
        struct port_inst *in = &ps.inst[i];
        in->pipe = CreateNamedPipeA(
            name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
            PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE,
            PIPE_UNLIMITED_INSTANCES, 4096, 4096, 0, NULL);
        CHECK(in->pipe != INVALID_HANDLE_VALUE);
        CHECK(CreateIoCompletionPort(in->pipe, ps.port, (ULONG_PTR)i, 0) ==
              ps.port);
        CHECK_FAILS(ConnectNamedPipe(in->pipe, &in->ov), ERROR_IO_PENDING);
    }
    for (int i = 0; i < 2; i++)
        w[i] = CreateThread(NULL, 0, port_worker, NULL, 0, NULL);
    CHECK_EQ(test_child_start(&kid, "port_clients", name, NULL), 0);
    CHECK(test_child_line(&kid, line, sizeof line, 100000));
    CHECK(strcmp(line, "ok") == 0);
    CHECK_EQ(child_wait(&kid, WAIT_MS), 0);
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(WaitForSingleObject(w[i], 60000), WAIT_OBJECT_0);
        CloseHandle(w[i]);
    }
    CHECK_EQ(atomic_load(&ps.echoed), PORT_CLIENTS * PORT_ROUNDS);
    CHECK_EQ(atomic_load(&ps.broken), PORT_CLIENTS);
    CHECK_EQ(atomic_load(&ps.errors), 0);
    for (int i = 0; i < PORT_CLIENTS; i++)
        CloseHandle(ps.inst[i].pipe);
    CloseHandle(ps.port);
    free(ps.inst);
}

/* ---- The engine's locks, all in one process ------------------------------- */

#define LK_PAIRS 12
#define LK_MESSAGES 800
#define LK_WORKERS 3
#define LK_CHURN 300
#define LK_CHURN_KEY 0xC0FFEEu

/* One pipe pair: the server end on the port, echoed by the workers; the
 * client end driven by its own thread. */
struct lk_pair {
    HANDLE server, client;
    OVERLAPPED ov; /* the server end's operation */
    int writing;
    unsigned char buf[256];
    /* Client side, its thread's own; closed: the client handle is gone
     * (under lock, which the canceller holds while it uses the handle:
     * its number may be another handle's once closed). */
    pthread_mutex_t lock;
    int closed;
    long aborted, bad;
    DWORD err; /* first unexpected error */
};

static struct {
    HANDLE port;
    struct lk_pair pair[LK_PAIRS];
    atomic_int clients_left, pairs_left, stop;
    atomic_long worker_errors, echoed, cancels, churned, churn_errors;
} lk;

/* A pair's server end failed with err: only the client's close ends a
 * pair; the last one ends the workers. */
static void lk_pair_ends(DWORD err)
{
    if (err != ERROR_BROKEN_PIPE)
        atomic_fetch_add(&lk.worker_errors, 1);
    if (atomic_fetch_sub(&lk.pairs_left, 1) == 1)
        for (int i = 0; i < LK_WORKERS; i++)
            PostQueuedCompletionStatus(lk.port, 0, 0, NULL);
}

static DWORD WINAPI lk_worker(LPVOID arg)
{
    (void)arg;
    for (;;) {
        DWORD n = 0;
        ULONG_PTR key = 0;
        OVERLAPPED *ov = NULL;
        BOOL ok = GetQueuedCompletionStatus(lk.port, &n, &key, &ov, 60000);
        struct lk_pair *p;
        if (!ov) {
            if (!ok)
                atomic_fetch_add(&lk.worker_errors, 1);
            return 0; /* the end */
        }
        if (key == LK_CHURN_KEY)
            continue; /* the churning thread's pipes: it checks them */
        if (key >= LK_PAIRS || ov != &lk.pair[key].ov) {
            atomic_fetch_add(&lk.worker_errors, 1);
            continue;
        }
        p = &lk.pair[key];
        if (!ok) {
            lk_pair_ends(GetLastError());
            continue;
        }
        memset(&p->ov, 0, sizeof p->ov);
        if (p->writing || n == 0) {
            p->writing = 0;
            /* A read that fails at once posts nothing. */
            if (!ReadFile(p->server, p->buf, sizeof p->buf, NULL, &p->ov) &&
                GetLastError() != ERROR_IO_PENDING)
                lk_pair_ends(GetLastError());
        } else {
            p->writing = 1;
            atomic_fetch_add(&lk.echoed, 1);
            if (!WriteFile(p->server, p->buf, n, NULL, &p->ov) &&
                GetLastError() != ERROR_IO_PENDING)
                atomic_fetch_add(&lk.worker_errors, 1);
        }
    }
}

/* One overlapped operation of a client, waited for in one of two ways:
 * GetOverlappedResult(TRUE) (the waiting thread drives it itself) or the
 * event, then GetOverlappedResult(FALSE); cancel: the client cancels it
 * itself once it pends.  Returns 0 or the error. */
static DWORD lk_io(HANDLE h, int write, void *buf, DWORD len, DWORD *got,
                   HANDLE ev, int drive, int cancel)
{
    OVERLAPPED ov;
    BOOL ok;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = ev;
    ok = write ? WriteFile(h, buf, len, NULL, &ov)
               : ReadFile(h, buf, len, NULL, &ov);
    if (!ok && GetLastError() != ERROR_IO_PENDING)
        return GetLastError();
    if (!ok && cancel)
        CancelIoEx(h, &ov); /* fails if it completed meanwhile */
    if (!drive && WaitForSingleObject(ev, WAIT_MS) != WAIT_OBJECT_0)
        return WAIT_TIMEOUT;
    if (!GetOverlappedResult(h, &ov, got, drive))
        return GetLastError();
    return 0;
}

static void *lk_client(void *arg)
{
    struct lk_pair *p = arg;
    uint32_t index = (uint32_t)(p - lk.pair);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    unsigned seed = index * 7919u + 1;
    int drive = index % 2;

    for (uint32_t seq = 0; seq < LK_MESSAGES && !p->err; seq++) {
        unsigned char msg[200], back[256];
        DWORD len = 12 + rand_r(&seed) % (sizeof msg - 12), got = 0, err;
        uint32_t sum = 0;
        memcpy(msg, &index, 4);
        memcpy(msg + 4, &seq, 4);
        for (DWORD i = 12; i < len; i++)
            sum += msg[i] = (unsigned char)(seq * 31 + i);
        memcpy(msg + 8, &sum, 4);
        /* A cancelled write sent nothing (a message is never cut): it
         * goes again.  A cancelled read took nothing: it goes again. */
        while ((err = lk_io(p->client, 1, msg, len, &got, ev, drive, 0)) ==
               ERROR_OPERATION_ABORTED)
            p->aborted++;
        if (err || got != len) {
            p->err = err ? err : 1;
            break;
        }
        while ((err = lk_io(p->client, 0, back, sizeof back, &got, ev, drive,
                            rand_r(&seed) % 5 == 0)) ==
               ERROR_OPERATION_ABORTED)
            p->aborted++;
        if (err) {
            p->err = err;
            break;
        }
        if (got != len || memcmp(back, msg, len) != 0)
            p->bad++;
    }
    pthread_mutex_lock(&p->lock);
    p->closed = 1;
    CloseHandle(p->client);
    pthread_mutex_unlock(&p->lock);
    CloseHandle(ev);
    atomic_fetch_sub(&lk.clients_left, 1);
    return NULL;
}

/* Cancels the clients' operations at random while they run. */
static void *lk_canceller(void *arg)
{
    unsigned seed = 12345;
    (void)arg;
    while (atomic_load(&lk.clients_left) > 0) {
        struct lk_pair *p = &lk.pair[rand_r(&seed) % LK_PAIRS];
        pthread_mutex_lock(&p->lock);
        if (!p->closed && CancelIoEx(p->client, NULL))
            atomic_fetch_add(&lk.cancels, 1);
        pthread_mutex_unlock(&p->lock);
        sched_yield();
    }
    return NULL;
}

/* Makes and closes pipe pairs with operations pending, some on the port,
 * while the others run: queues made and freed, descriptor numbers taken
 * again by other objects, closes that end pending operations. */
static void *lk_churn(void *arg)
{
    const char *name = arg;
    unsigned seed = 777;
    for (int i = 0; i < LK_CHURN; i++) {
        HANDLE s, c, ev = CreateEventA(NULL, TRUE, FALSE, NULL);
        OVERLAPPED ov;
        char buf[16];
        int on_port = i % 2, client_first = rand_r(&seed) % 2;
        s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                             PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE,
                             PIPE_UNLIMITED_INSTANCES, 4096, 4096, 0, NULL);
        c = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                        OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
        if (s == INVALID_HANDLE_VALUE || c == INVALID_HANDLE_VALUE) {
            fprintf(stderr, "churn %d: %s failed: %lu\n", i,
                    s == INVALID_HANDLE_VALUE ? "CreateNamedPipeA"
                                              : "CreateFileA",
                    (unsigned long)GetLastError());
            atomic_fetch_add(&lk.churn_errors, 1);
            break;
        }
        if (on_port &&
            CreateIoCompletionPort(s, lk.port, LK_CHURN_KEY, 0) != lk.port)
            atomic_fetch_add(&lk.churn_errors, 1);
        memset(&ov, 0, sizeof ov);
        ov.hEvent = ev;
        if (ReadFile(s, buf, sizeof buf, NULL, &ov) ||
            GetLastError() != ERROR_IO_PENDING) {
            fprintf(stderr, "churn %d: ReadFile: %lu\n", i,
                    (unsigned long)GetLastError());
            atomic_fetch_add(&lk.churn_errors, 1);
        }
        if (client_first)
            CloseHandle(c);
        CloseHandle(s);
        if (!client_first)
            CloseHandle(c);
        /* Ended by the client's close (STATUS_PIPE_BROKEN) or by the
         * close of the server end's last handle (STATUS_CANCELLED). */
        if (WaitForSingleObject(ev, WAIT_MS) != WAIT_OBJECT_0 ||
            (ov.Internal != 0xC000014Bu && ov.Internal != 0xC0000120u)) {
            fprintf(stderr, "churn %d: the read ended with 0x%lx\n", i,
                    (unsigned long)ov.Internal);
            atomic_fetch_add(&lk.churn_errors, 1);
        }
        CloseHandle(ev);
        atomic_fetch_add(&lk.churned, 1);
    }
    return NULL;
}

static void test_engine_locks_in_process(void)
{
    const char *name = pipe_name("locks"), *churn = pipe_name("churn");
    pthread_t ct[LK_PAIRS], canceller, churner;
    HANDLE w[LK_WORKERS];
    long aborted = 0, bad = 0;

    memset(&lk, 0, sizeof lk);
    atomic_init(&lk.clients_left, LK_PAIRS);
    atomic_init(&lk.pairs_left, LK_PAIRS);
    lk.port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    CHECK(lk.port != NULL);
    for (int i = 0; i < LK_PAIRS; i++) {
        struct lk_pair *p = &lk.pair[i];
        DWORD mode = PIPE_READMODE_MESSAGE;
        pthread_mutex_init(&p->lock, NULL);
        p->server = CreateNamedPipeA(
            name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
            PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE,
            PIPE_UNLIMITED_INSTANCES, 4096, 4096, 0, NULL);
        CHECK(p->server != INVALID_HANDLE_VALUE);
        CHECK(CreateIoCompletionPort(p->server, lk.port, (ULONG_PTR)i, 0) ==
              lk.port);
        CHECK_FAILS(ConnectNamedPipe(p->server, &p->ov), ERROR_IO_PENDING);
        p->client = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                                OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
        CHECK(p->client != INVALID_HANDLE_VALUE);
        CHECK(SetNamedPipeHandleState(p->client, &mode, NULL, NULL));
    }
    for (int i = 0; i < LK_WORKERS; i++)
        w[i] = CreateThread(NULL, 0, lk_worker, NULL, 0, NULL);
    for (int i = 0; i < LK_PAIRS; i++)
        CHECK_EQ(pthread_create(&ct[i], NULL, lk_client, &lk.pair[i]), 0);
    CHECK_EQ(pthread_create(&canceller, NULL, lk_canceller, NULL), 0);
    CHECK_EQ(pthread_create(&churner, NULL, lk_churn, (void *)churn), 0);
    for (int i = 0; i < LK_PAIRS; i++)
        pthread_join(ct[i], NULL);
    pthread_join(canceller, NULL);
    pthread_join(churner, NULL);
    for (int i = 0; i < LK_WORKERS; i++) {
        CHECK_EQ(WaitForSingleObject(w[i], 60000), WAIT_OBJECT_0);
        CloseHandle(w[i]);
    }
    for (int i = 0; i < LK_PAIRS; i++) {
        struct lk_pair *p = &lk.pair[i];
        if (p->err || p->bad)
            fprintf(stderr, "pair %d: error %lu, %ld bad echoes\n", i,
                    (unsigned long)p->err, p->bad);
        CHECK_EQ(p->err, 0);
        aborted += p->aborted;
        bad += p->bad;
        CloseHandle(p->server);
        pthread_mutex_destroy(&p->lock);
    }
    printf("     %ld cancels, %ld aborted operations, %ld pairs churned\n",
           atomic_load(&lk.cancels), aborted, atomic_load(&lk.churned));
    CHECK_EQ(bad, 0);
    CHECK_EQ(atomic_load(&lk.echoed), (long)LK_PAIRS * LK_MESSAGES);
    CHECK_EQ(atomic_load(&lk.worker_errors), 0);
    CHECK_EQ(atomic_load(&lk.churn_errors), 0);
    CHECK_EQ(atomic_load(&lk.churned), LK_CHURN);
    CHECK(aborted > 0);
    CloseHandle(lk.port);
}

/* ---- CancelIoEx while another thread runs the operation --------------------- */

/* Rounds of each pipe (WINIPC_TEST_CANCEL_RACE_ROUNDS=N: N rounds, and
 * only this test, to hunt the race; at most CR_MAX). */
#define CR_ROUNDS 500
#define CR_MAX 100000
#define CR_SIZE 150 /* over the 100-byte quota: the write waits for its reader */

/*
 * What a write carries: a start byte 0xFF, its round in 3 bytes of 7 bits,
 * then bytes that are a function of the round and the offset, all below
 * 0x80: in a byte pipe the reader finds where each write's bytes begin,
 * even after a write of which only a part was read.
 */
static void cr_fill(unsigned char *b, unsigned round)
{
    b[0] = 0xFF;
    b[1] = (unsigned char)(round & 0x7f);
    b[2] = (unsigned char)((round >> 7) & 0x7f);
    b[3] = (unsigned char)((round >> 14) & 0x7f);
    for (unsigned k = 4; k < CR_SIZE; k++)
        b[k] = (unsigned char)((round * 7u + k * 13u) % 0x7f);
}

static struct {
    HANDLE client;
    int msg;          /* message pipe: one message per read */
    unsigned rounds;
    _Atomic long bad; /* a message not as written */
    unsigned char *stream; /* byte pipe: everything read */
    size_t len;
    /* Per round: how many times its whole message was read (message
     * pipe), and what the writer was told (1 complete, 2 cancelled). */
    unsigned char *seen, *told;
} cr;

static void *cr_reader(void *arg)
{
    unsigned char buf[512], want[CR_SIZE];
    uint32_t rng = 12345;
    (void)arg;
    for (;;) {
        DWORD n = 0, ask = sizeof buf;
        /* A byte pipe's reads take random amounts: some end inside a
         * write, some take a whole one and more. */
        if (!cr.msg)
            ask = 1 + xorshift(&rng) % (2 * CR_SIZE);
        if (!ReadFile(cr.client, buf, ask, &n, NULL))
            break;
        if (!cr.msg) {
            /* The end (0xFE) may come in one read with what is before. */
            int end = n > 0 && buf[n - 1] == 0xFE;
            memcpy(cr.stream + cr.len, buf, n - end);
            cr.len += n - end;
            if (end)
                break;
            continue;
        }
        if (n == 1 && buf[0] == 0xFE)
            break; /* the end */
        unsigned round = buf[1] | buf[2] << 7 | buf[3] << 14;
        cr_fill(want, round);
        if (n != CR_SIZE || round >= cr.rounds || memcmp(buf, want, n) != 0)
            atomic_fetch_add(&cr.bad, 1);
        else
            cr.seen[round]++;
    }
    return NULL;
}

/* Byte pipe: splits what was read into the writes' parts (each begins
 * with 0xFF), checks every byte, and counts the whole ones per round in
 * cr.seen; a part of fewer than 4 bytes names no round (*anonymous). */
static void cr_parse(long *anonymous)
{
    unsigned char want[CR_SIZE];
    size_t i = 0;
    *anonymous = 0;
    while (i < cr.len) {
        size_t j = i + 1;
        unsigned round;
        while (j < cr.len && cr.stream[j] != 0xFF)
            j++;
        if (cr.stream[i] != 0xFF || j - i > CR_SIZE) {
            atomic_fetch_add(&cr.bad, 1);
        } else if (j - i < 4) {
            ++*anonymous;
        } else {
            round = cr.stream[i + 1] | cr.stream[i + 2] << 7 |
                    cr.stream[i + 3] << 14;
            cr_fill(want, round);
            if (round >= cr.rounds || memcmp(cr.stream + i, want, j - i))
                atomic_fetch_add(&cr.bad, 1);
            else if (j - i == CR_SIZE)
                cr.seen[round]++;
        }
        i = j;
    }
}

/*
 * A write waits for its reader (the pipe's quota); a reader thread takes
 * it, which lets the engine's thread complete it, while this thread
 * cancels it.  Whichever wins, once CancelIoEx has returned the write is
 * over (never still pending, never completed later: Wine's pipe.c:3129),
 * and what it reports is what the reader gets: a success delivered the
 * whole write, a cancellation none of the bytes unread at that moment
 * (Windows, conformance npipe_quota: a write cancelled after a part of it
 * was read reports ERROR_OPERATION_ABORTED and 0 bytes, and the rest
 * never comes).  In a message pipe a cancelled write's message is never
 * read; in a byte pipe never all of it.  The reader may be taking the
 * bytes at that very moment (np_q_take_back).
 */
static void cancel_race(int msg)
{
    const char *name = pipe_name(msg ? "cancelrace-m" : "cancelrace-b");
    HANDLE s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                msg ? PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE
                                    : PIPE_TYPE_BYTE,
                                1, 100, 100, 0, NULL);
    unsigned char data[CR_SIZE];
    long done = 0, cancelled = 0, pending_after = 0, lost = 0, taken = 0,
         anonymous = 0;
    pthread_t reader;
    DWORD mode = PIPE_READMODE_MESSAGE, n;
    const char *env = getenv("WINIPC_TEST_CANCEL_RACE_ROUNDS");

    memset(&cr, 0, sizeof cr);
    cr.msg = msg;
    cr.rounds = env ? (unsigned)atoi(env) : CR_ROUNDS;
    if (cr.rounds == 0 || cr.rounds > CR_MAX)
        cr.rounds = CR_ROUNDS;
    cr.seen = calloc(cr.rounds, 1);
    cr.told = calloc(cr.rounds, 1);
    cr.stream = msg ? NULL : malloc((size_t)cr.rounds * CR_SIZE + 1);
    CHECK(cr.seen && cr.told && (msg || cr.stream));
    CHECK(s != INVALID_HANDLE_VALUE);
    cr.client = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                            OPEN_EXISTING, 0, NULL);
    CHECK(cr.client != INVALID_HANDLE_VALUE);
    if (msg)
        CHECK_OK(SetNamedPipeHandleState(cr.client, &mode, NULL, NULL));
    CHECK_EQ(pthread_create(&reader, NULL, cr_reader, NULL), 0);
    for (unsigned i = 0; i < cr.rounds; i++) {
        OVERLAPPED ov;
        memset(&ov, 0, sizeof ov);
        ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
        cr_fill(data, i);
        if (WriteFile(s, data, CR_SIZE, &n, &ov)) {
            done++;
            cr.told[i] = 1;
            CloseHandle(ov.hEvent);
            continue;
        }
        CHECK_EQ(GetLastError(), ERROR_IO_PENDING);
        /* Now or a moment later: the reader is on its way. */
        for (unsigned y = 0; y < i % 16; y++)
            sched_yield();
        if (!CancelIoEx(s, &ov))
            CHECK_EQ(GetLastError(), ERROR_NOT_FOUND); /* completed first */
        if (__atomic_load_n(&ov.Internal, __ATOMIC_ACQUIRE) == 0x103 ||
            WaitForSingleObject(ov.hEvent, 0) != WAIT_OBJECT_0)
            pending_after++;
        n = 77;
        if (GetOverlappedResult(s, &ov, &n, TRUE)) {
            CHECK_EQ(n, CR_SIZE);
            done++;
            cr.told[i] = 1;
        } else {
            CHECK_EQ(GetLastError(), ERROR_OPERATION_ABORTED);
            CHECK_EQ(n, 0);
            cancelled++;
            cr.told[i] = 2;
        }
        CloseHandle(ov.hEvent);
    }
    {
        OVERLAPPED ov;
        unsigned char end = 0xFE;
        memset(&ov, 0, sizeof ov);
        ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
        if (!WriteFile(s, &end, 1, &n, &ov))
            CHECK_OK(GetOverlappedResult(s, &ov, &n, TRUE));
        CloseHandle(ov.hEvent);
    }
    pthread_join(reader, NULL);
    if (!msg)
        cr_parse(&anonymous);
    for (unsigned i = 0; i < cr.rounds; i++) {
        if (cr.told[i] == 1 && cr.seen[i] != 1)
            lost++; /* complete, but not read (once) */
        if (cr.told[i] == 2 && cr.seen[i] != 0)
            taken++; /* cancelled, but read all the same */
    }
    printf("     %s pipe: %u rounds, %ld written, %ld cancelled, %ld of "
           "those read all the same, %ld written and not read\n",
           msg ? "message" : "byte", cr.rounds, done, cancelled, taken, lost);
    CHECK_EQ(pending_after, 0);
    CHECK_EQ(atomic_load(&cr.bad), 0);
    CHECK_EQ(done + cancelled, (long)cr.rounds);
    CHECK_EQ(lost, 0);
    CHECK_EQ(taken, 0);
    /* Parts too short to name their round are cancelled writes'. */
    CHECK(anonymous <= cancelled);
    CloseHandle(cr.client);
    CloseHandle(s);
    free(cr.seen);
    free(cr.told);
    free(cr.stream);
}

static void test_cancel_races_engine(void)
{
    cancel_race(1);
    cancel_race(0);
}

int main(int argc, char **argv)
{
    if (getenv("WINIPC_TEST_CANCEL_ONE_IN"))
        cancel_one_in = (unsigned)atoi(getenv("WINIPC_TEST_CANCEL_ONE_IN"));
    TEST_HELPERS(argc, argv, {"client", helper_client},
                 {"idle_client", helper_idle_client},
                 {"port_clients", helper_port_clients});
    if (getenv("WINIPC_TEST_CANCEL_RACE_ROUNDS")) { /* this test only */
        RUN(test_cancel_races_engine);
        return TEST_SUMMARY();
    }
    RUN(test_exchange_with_cancels);
    RUN(test_port_thousand_clients);
    RUN(test_killed_client);
    RUN(test_engine_locks_in_process);
    RUN(test_cancel_races_engine);
    return TEST_SUMMARY();
}
