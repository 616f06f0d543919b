/*
 * test_named_pipe.c: named pipes.  Expected values follow Windows (the
 * named pipe conformance scenarios run the same checks under Wine).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pthread_setaffinity_np, sched_getcpu */
#endif
#include "testlib.h"

#include <winipc.h>

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

static char self_exe[4096];

static const char *pipe_name(const char *tag)
{
    return test_unique_name("\\\\.\\pipe\\winipc-test-", "-", tag);
}

static HANDLE server(const char *name, DWORD open_mode, DWORD pipe_mode,
                     DWORD max)
{
    return CreateNamedPipeA(name, open_mode, pipe_mode, max, 4096, 4096, 0,
                            NULL);
}

static HANDLE client(const char *name, DWORD access)
{
    return CreateFileA(name, access, 0, NULL, OPEN_EXISTING, 0, NULL);
}

static void test_names_and_parameters(void)
{
    char long_name[300];
    const char *odd;
    HANDLE h, c;

    CHECK_FAILS(server("\\\\.\\pipe\\", PIPE_ACCESS_DUPLEX, 0, 1) !=
                        INVALID_HANDLE_VALUE,
                ERROR_INVALID_NAME);
    /* A device that does not exist is a path not found, and a name past
     * MAX_PATH does not convert from ANSI (both checked under Wine; see
     * test_npipe_stress.c's test_bad_names for the rest). */
    CHECK_FAILS(server("\\\\.\\notpipe\\x", PIPE_ACCESS_DUPLEX, 0, 1) !=
                        INVALID_HANDLE_VALUE,
                ERROR_PATH_NOT_FOUND);
    snprintf(long_name, sizeof long_name, "\\\\.\\pipe\\%0257d", 1);
    CHECK_FAILS(server(long_name, PIPE_ACCESS_DUPLEX, 0, 1) !=
                        INVALID_HANDLE_VALUE,
                ERROR_FILENAME_EXCED_RANGE);
    CHECK_FAILS(server(pipe_name("p"), 0, 0, 1) != INVALID_HANDLE_VALUE,
                ERROR_INVALID_PARAMETER);
    CHECK_FAILS(server(pipe_name("p"), PIPE_ACCESS_DUPLEX,
                       PIPE_TYPE_BYTE | PIPE_READMODE_MESSAGE, 1) !=
                        INVALID_HANDLE_VALUE,
                ERROR_INVALID_PARAMETER);
    CHECK_FAILS(server(pipe_name("p"), PIPE_ACCESS_DUPLEX, 0, 0) !=
                        INVALID_HANDLE_VALUE,
                ERROR_INVALID_PARAMETER);
    CHECK_FAILS(server(pipe_name("p"), PIPE_ACCESS_DUPLEX, 0, 256) !=
                        INVALID_HANDLE_VALUE,
                ERROR_INVALID_PARAMETER);
    /* Names cannot leave the namespace: these are just odd names (with
     * this process's id, so that two runs at once do not share one). */
    odd = test_unique_name("\\\\.\\pipe\\..%2F..%2Fetc/passwd-", "", "");
    h = server(odd, PIPE_ACCESS_DUPLEX, 0, 1);
    CHECK(h != INVALID_HANDLE_VALUE);
    c = client(odd, GENERIC_READ | GENERIC_WRITE); /* a pipe by that name */
    CHECK(c != INVALID_HANDLE_VALUE);
    CloseHandle(c);
    CloseHandle(h);
}

static void test_connect_states(void)
{
    const char *name = pipe_name("states");
    HANDLE s, c, c2;
    DWORD n;
    char buf[16];

    CHECK_FAILS(client(name, GENERIC_READ | GENERIC_WRITE) !=
                        INVALID_HANDLE_VALUE,
                ERROR_FILE_NOT_FOUND);
    s = server(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1);
    CHECK(s != INVALID_HANDLE_VALUE);
    CHECK_FAILS(ReadFile(s, buf, sizeof buf, &n, NULL), ERROR_PIPE_LISTENING);
    CHECK_OK(WaitNamedPipeA(name, 0)); /* an instance listens */
    /* Case-insensitive names. */
    {
        char upper[128];
        strcpy(upper, name);
        for (char *p = upper; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 'a' + 'A');
        c = client(upper, GENERIC_READ | GENERIC_WRITE);
    }
    CHECK(c != INVALID_HANDLE_VALUE);
    /* It came before ConnectNamedPipe. */
    CHECK_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_CONNECTED);
    /* One instance, taken. */
    CHECK_FAILS(client(name, GENERIC_READ | GENERIC_WRITE) !=
                        INVALID_HANDLE_VALUE,
                ERROR_PIPE_BUSY);
    CHECK_FAILS(WaitNamedPipeA(name, 10), ERROR_SEM_TIMEOUT);
    CHECK_FAILS(server(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1) !=
                        INVALID_HANDLE_VALUE,
                ERROR_PIPE_BUSY);
    CHECK_OK(WriteFile(c, "hello", 5, &n, NULL));
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 5);
    CHECK_MEM(buf, "hello", 5);
    /* Windows also discards what the server had queued for the client;
     * winipc cannot take back bytes already in the client's socket (see
     * README), so nothing is queued here. */
    CHECK_EQ(WaitForSingleObject(c, 0), WAIT_OBJECT_0);
    CHECK_OK(DisconnectNamedPipe(s));
    /* An end without a connection is not signalled (Wine's
     * test_DisconnectNamedPipe, which passes on Windows). */
    CHECK_EQ(WaitForSingleObject(c, 0), WAIT_TIMEOUT);
    CHECK_FAILS(ReadFile(c, buf, sizeof buf, &n, NULL),
                ERROR_PIPE_NOT_CONNECTED);
    CHECK_EQ(WaitForSingleObject(c, 20), WAIT_TIMEOUT);
    CHECK_FAILS(WriteFile(c, "x", 1, &n, NULL), ERROR_PIPE_NOT_CONNECTED);
    CHECK_FAILS(ReadFile(s, buf, sizeof buf, &n, NULL),
                ERROR_PIPE_NOT_CONNECTED);
    CHECK_FAILS(DisconnectNamedPipe(s), ERROR_PIPE_NOT_CONNECTED);
    /* Disconnected: not listening until ConnectNamedPipe. */
    CHECK_FAILS(client(name, GENERIC_READ | GENERIC_WRITE) !=
                        INVALID_HANDLE_VALUE,
                ERROR_PIPE_BUSY);
    CloseHandle(c);
    /* Listening again after ConnectNamedPipe (here: in another thread). */
    c2 = INVALID_HANDLE_VALUE;
    {
        DWORD mode = PIPE_NOWAIT;
        CHECK_OK(SetNamedPipeHandleState(s, &mode, NULL, NULL));
        CHECK_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_LISTENING);
        c2 = client(name, GENERIC_READ | GENERIC_WRITE);
        CHECK(c2 != INVALID_HANDLE_VALUE);
        CHECK_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_CONNECTED);
    }
    CloseHandle(c2);
    CloseHandle(s);
    CHECK_FAILS(client(name, GENERIC_READ) != INVALID_HANDLE_VALUE,
                ERROR_FILE_NOT_FOUND);
}

struct accept_arg {
    HANDLE s;
    BOOL ok;
    _Atomic int tid; /* the thread's kernel id, once it runs */
};

static void *accept_thread(void *arg)
{
    struct accept_arg *a = arg;
    atomic_store(&a->tid, test_gettid());
    a->ok = ConnectNamedPipe(a->s, NULL);
    return NULL;
}

static void test_connect_blocks_until_client(void)
{
    const char *name = pipe_name("block");
    struct accept_arg a;
    pthread_t t;
    HANDLE c;
    DWORD n;
    char buf[8];

    a.s = server(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE, 1);
    a.ok = FALSE;
    atomic_init(&a.tid, 0);
    pthread_create(&t, NULL, accept_thread, &a);
    /* ConnectNamedPipe waits for a client in poll() on two descriptors
     * (the listening socket and the waiters' wake-up); a client that came
     * before it would make it fail with ERROR_PIPE_CONNECTED. */
    CHECK(test_wait_blocked(0, &a.tid, 10000, TEST_SYS_POLL, 1, 2));
    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK(c != INVALID_HANDLE_VALUE);
    {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 10; /* a hang is a failed check */
        CHECK_EQ(pthread_timedjoin_np(t, NULL, &ts), 0);
    }
    CHECK_EQ(a.ok, TRUE);
    CHECK_OK(WriteFile(a.s, "abc", 3, &n, NULL));
    CHECK_OK(ReadFile(c, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 3);
    CloseHandle(c);
    /* The client is gone: its queue is drained, the pipe is broken. */
    CHECK_FAILS(ReadFile(a.s, buf, sizeof buf, &n, NULL), ERROR_BROKEN_PIPE);
    CHECK_FAILS(WriteFile(a.s, "x", 1, &n, NULL), ERROR_NO_DATA);
    CloseHandle(a.s);
}

static void test_messages(void)
{
    const char *name = pipe_name("msg");
    HANDLE s, c;
    DWORD n, mode = PIPE_READMODE_MESSAGE, state = 99, avail, left;
    char buf[64];

    s = server(name, PIPE_ACCESS_DUPLEX,
               PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 4);
    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK(c != INVALID_HANDLE_VALUE);
    /* Clients start in byte read mode. */
    CHECK_OK(GetNamedPipeHandleStateA(c, &state, NULL, NULL, NULL, NULL, 0));
    CHECK_EQ(state, PIPE_READMODE_BYTE);
    CHECK_OK(WriteFile(s, "first", 5, &n, NULL));
    CHECK_OK(WriteFile(s, "", 0, &n, NULL));
    CHECK_OK(WriteFile(s, "second!", 7, &n, NULL));
    /* Byte read mode reads across boundaries. */
    CHECK_OK(ReadFile(c, buf, 8, &n, NULL));
    CHECK_EQ(n, 8);
    CHECK_MEM(buf, "firstsec", 8);
    CHECK_OK(SetNamedPipeHandleState(c, &mode, NULL, NULL));
    CHECK_OK(ReadFile(c, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 4);
    CHECK_MEM(buf, "ond!", 4);

    CHECK_OK(WriteFile(c, "0123456789", 10, &n, NULL));
    CHECK_OK(WriteFile(c, "", 0, &n, NULL));
    CHECK_OK(WriteFile(c, "tail", 4, &n, NULL));
    CHECK_OK(PeekNamedPipe(s, buf, 3, &n, &avail, &left));
    CHECK_EQ(n, 3);
    CHECK_EQ(avail, 14);
    CHECK_EQ(left, 7); /* the message's 10 bytes less the 3 peeked */
    CHECK_FAILS(ReadFile(s, buf, 4, &n, NULL), ERROR_MORE_DATA);
    CHECK_EQ(n, 4);
    CHECK_MEM(buf, "0123", 4);
    CHECK_OK(PeekNamedPipe(s, NULL, 0, NULL, &avail, &left));
    CHECK_EQ(left, 6);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 6);
    CHECK_MEM(buf, "456789", 6);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL)); /* zero-length */
    CHECK_EQ(n, 0);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 4);

    /* A zero-length message written just before the server closes is
     * read (0 bytes) in byte read mode, and then the pipe is broken (Wine's
     * test_CloseHandle, which passes on Windows). */
    state = PIPE_READMODE_BYTE;
    CHECK_OK(SetNamedPipeHandleState(c, &state, NULL, NULL));
    CHECK_OK(WriteFile(s, "", 0, &n, NULL));
    CloseHandle(s);
    n = 77;
    CHECK_OK(ReadFile(c, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 0);
    CHECK_FAILS(ReadFile(c, buf, sizeof buf, &n, NULL), ERROR_BROKEN_PIPE);

    /* Read mode of a byte pipe cannot be message. */
    CloseHandle(c);
    s = server(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1);
    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK_FAILS(SetNamedPipeHandleState(c, &mode, NULL, NULL),
                ERROR_INVALID_PARAMETER);
    mode = PIPE_NOWAIT;
    CHECK_OK(SetNamedPipeHandleState(c, &mode, NULL, NULL));
    CHECK_FAILS(ReadFile(c, buf, sizeof buf, &n, NULL), ERROR_NO_DATA);
    CloseHandle(c);
    CloseHandle(s);
}

static void test_instances_and_access(void)
{
    const char *name = pipe_name("inst");
    HANDLE s1, s2, s3, c1, c2;
    DWORD cur = 0, flags, max;

    s1 = server(name, PIPE_ACCESS_DUPLEX, 0, 2);
    s2 = server(name, PIPE_ACCESS_DUPLEX, 0, 2);
    CHECK(s2 != INVALID_HANDLE_VALUE);
    CHECK_FAILS(server(name, PIPE_ACCESS_DUPLEX, 0, 2) != INVALID_HANDLE_VALUE,
                ERROR_PIPE_BUSY);
    CloseHandle(s2);
    CHECK_FAILS(server(name, PIPE_ACCESS_INBOUND, 0, 2) !=
                        INVALID_HANDLE_VALUE,
                ERROR_ACCESS_DENIED);
    CHECK_FAILS(server(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE,
                       0, 2) != INVALID_HANDLE_VALUE,
                ERROR_ACCESS_DENIED);
    s3 = server(name, PIPE_ACCESS_DUPLEX, 0, 2);
    c1 = client(name, GENERIC_READ | GENERIC_WRITE);
    c2 = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK(c1 != INVALID_HANDLE_VALUE && c2 != INVALID_HANDLE_VALUE);
    CHECK_OK(GetNamedPipeHandleStateA(s1, NULL, &cur, NULL, NULL, NULL, 0));
    CHECK_EQ(cur, 2);
    CHECK_OK(GetNamedPipeInfo(s1, &flags, NULL, NULL, &max));
    CHECK_EQ(flags, PIPE_SERVER_END | PIPE_TYPE_BYTE);
    CHECK_EQ(max, 2);
    CHECK_OK(GetNamedPipeInfo(c1, &flags, NULL, NULL, NULL));
    CHECK_EQ(flags, PIPE_CLIENT_END);
    CloseHandle(c1);
    CloseHandle(c2);
    CloseHandle(s1);
    CloseHandle(s3);

    /* Directions. */
    s1 = server(name, PIPE_ACCESS_INBOUND, 0, 1);
    CHECK_FAILS(client(name, GENERIC_READ) != INVALID_HANDLE_VALUE,
                ERROR_ACCESS_DENIED);
    c1 = client(name, GENERIC_WRITE);
    CHECK(c1 != INVALID_HANDLE_VALUE);
    {
        DWORD n;
        char b[4];
        CHECK_FAILS(WriteFile(s1, "x", 1, &n, NULL), ERROR_ACCESS_DENIED);
        CHECK_FAILS(ReadFile(c1, b, 1, &n, NULL), ERROR_ACCESS_DENIED);
    }
    CloseHandle(c1);
    CloseHandle(s1);
}

/* Reads one message from the pipe and sends it back. */
static void *echo_once(void *arg)
{
    char buf[64];
    DWORD n;
    if (ReadFile(arg, buf, sizeof buf, &n, NULL))
        WriteFile(arg, buf, n, &n, NULL);
    return NULL;
}

static void test_transact_and_call(void)
{
    const char *name = pipe_name("transact");
    HANDLE s, c;
    DWORD n, mode = PIPE_READMODE_MESSAGE;
    char buf[32];

    s = server(name, PIPE_ACCESS_DUPLEX,
               PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1);
    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK_FAILS(TransactNamedPipe(c, "q", 1, buf, sizeof buf, &n, NULL),
                ERROR_BAD_PIPE);
    CHECK_OK(SetNamedPipeHandleState(c, &mode, NULL, NULL));
    CHECK_OK(WriteFile(s, "early", 5, &n, NULL));
    CHECK_FAILS(TransactNamedPipe(c, "q", 1, buf, sizeof buf, &n, NULL),
                ERROR_PIPE_BUSY);
    /* The refused transaction left the unread message as it was, and
     * wrote nothing. */
    CHECK_OK(ReadFile(c, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 5);
    CHECK_MEM(buf, "early", 5);
    CHECK_OK(PeekNamedPipe(s, NULL, 0, NULL, &n, NULL));
    CHECK_EQ(n, 0);
    {
        pthread_t t;
        pthread_create(&t, NULL, echo_once, s);
        CHECK_OK(TransactNamedPipe(c, "question", 8, buf, sizeof buf, &n,
                                   NULL));
        CHECK_EQ(n, 8);
        CHECK_MEM(buf, "question", 8);
        pthread_join(t, NULL);
    }
    /* A reply longer than the buffer: ERROR_MORE_DATA, the rest queued. */
    {
        pthread_t t;
        pthread_create(&t, NULL, echo_once, s);
        CHECK_FAILS(TransactNamedPipe(c, "0123456789", 10, buf, 4, &n, NULL),
                    ERROR_MORE_DATA);
        CHECK_EQ(n, 4);
        CHECK_MEM(buf, "0123", 4);
        pthread_join(t, NULL);
        CHECK_OK(ReadFile(c, buf, sizeof buf, &n, NULL));
        CHECK_EQ(n, 6);
        CHECK_MEM(buf, "456789", 6);
    }
    CloseHandle(c);
    CloseHandle(s);
}

struct big_write {
    HANDLE h;
    const char *p;
    size_t n;
    BOOL ok;
};

static void *big_writer(void *arg)
{
    struct big_write *w = arg;
    DWORD n;
    w->ok = WriteFile(w->h, w->p, (DWORD)w->n, &n, NULL) && n == w->n;
    if (w->ok)
        w->ok = FlushFileBuffers(w->h); /* returns once all was read */
    return NULL;
}

static void test_large_message_and_flush(void)
{
    const char *name = pipe_name("large");
    size_t size = 16u << 20;
    char *big = malloc(size), *back = malloc(size + 16);
    HANDLE s, c;
    DWORD n, mode = PIPE_READMODE_MESSAGE;
    struct big_write w;
    pthread_t t;

    for (size_t i = 0; i < size; i++)
        big[i] = (char)(i * 7 + (i >> 12));
    s = server(name, PIPE_ACCESS_DUPLEX,
               PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1);
    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK_OK(SetNamedPipeHandleState(c, &mode, NULL, NULL));
    /* A writer thread sends one 16 MiB message, blocking for flow
     * control; it arrives as one message. */
    w.h = s;
    w.p = big;
    w.n = size;
    w.ok = FALSE;
    pthread_create(&t, NULL, big_writer, &w);
    CHECK_OK(ReadFile(c, back, (DWORD)size + 16, &n, NULL));
    CHECK_EQ(n, size);
    CHECK(memcmp(back, big, size) == 0);
    pthread_join(t, NULL);
    CHECK_EQ(w.ok, TRUE);
    free(big);
    free(back);
    CloseHandle(c);
    CloseHandle(s);
}

struct flush_arg {
    HANDLE h;
    BOOL ok;
    DWORD err;
    _Atomic int done;
    _Atomic int tid; /* the flushing thread's, 0 until it starts */
};

static void *flusher(void *arg)
{
    struct flush_arg *f = arg;
    atomic_store(&f->tid, test_gettid());
    f->ok = FlushFileBuffers(f->h);
    f->err = f->ok ? 0 : GetLastError();
    atomic_store(&f->done, 1);
    return NULL;
}

/* What the flush answers depends on whether the peer acts before or
 * during its wait (a flush that begins after its peer closed succeeds,
 * one that waits sees the pipe break), so start_flush returns once the
 * flusher sleeps inside the wait, under any load: a fixed sleep cannot
 * tell. */
static void start_flush(struct flush_arg *f, HANDLE h, pthread_t *t)
{
    f->h = h;
    f->ok = FALSE;
    f->err = 0;
    atomic_store(&f->done, 0);
    atomic_store(&f->tid, 0);
    pthread_create(t, NULL, flusher, f);
    CHECK(test_wait_blocked(0, &f->tid, 20000, TEST_SYS_WAIT, -1, 0));
}

/* How FlushFileBuffers' wait ends, as Windows ends it (Wine's
 * test_NamedPipe_2 servers and test_overlapped_transport, which pass on
 * Windows). */
static void test_flush_ends(void)
{
    const char *name = pipe_name("flush");
    struct flush_arg f;
    pthread_t t;
    HANDLE s, c;
    DWORD n;
    char buf[64];

    /* Other threads write on while a flush waits. */
    s = server(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1);
    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK_OK(WriteFile(s, "hello", 5, &n, NULL));
    start_flush(&f, s, &t);
    CHECK_EQ(atomic_load(&f.done), 0);
    CHECK_OK(WriteFile(s, "", 0, &n, NULL));
    CHECK_OK(WriteFile(s, "world", 5, &n, NULL));
    CHECK_EQ(n, 5);
    CHECK_OK(ReadFile(c, buf, sizeof buf, &n, NULL));
    if (n < 10) {
        DWORD more = 0;
        CHECK_OK(ReadFile(c, buf + n, sizeof buf - n, &more, NULL));
        n += more;
    }
    CHECK_EQ(n, 10);
    pthread_join(t, NULL);
    CHECK_EQ(f.ok, TRUE);
    CloseHandle(c);
    CloseHandle(s);

    /* The client reads everything and then closes, while the flush
     * waits: a success, however late the flush looks. */
    for (int i = 0; i < 5; i++) {
        s = server(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1);
        c = client(name, GENERIC_READ | GENERIC_WRITE);
        CHECK_OK(WriteFile(s, "hello", 5, &n, NULL));
        start_flush(&f, s, &t);
        CHECK_OK(ReadFile(c, buf, sizeof buf, &n, NULL));
        CloseHandle(c);
        pthread_join(t, NULL);
        CHECK_EQ(f.ok, TRUE);
        CloseHandle(s);
    }

    /* The client closes without reading: the pipe is broken. */
    s = server(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1);
    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK_OK(WriteFile(s, "hello", 5, &n, NULL));
    start_flush(&f, s, &t);
    CloseHandle(c);
    pthread_join(t, NULL);
    CHECK_EQ(f.ok, FALSE);
    CHECK_EQ(f.err, ERROR_BROKEN_PIPE);
    CloseHandle(s);

    /* A client's flush ends when its server disconnects it. */
    s = server(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1);
    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK_OK(WriteFile(c, "hello", 5, &n, NULL));
    start_flush(&f, c, &t);
    CHECK_OK(DisconnectNamedPipe(s));
    pthread_join(t, NULL);
    CHECK_EQ(f.ok, FALSE);
    CHECK_EQ(f.err, ERROR_PIPE_NOT_CONNECTED);
    CloseHandle(c);
    CloseHandle(s);
}

/* The flushing thread of test_flush_wakes: its sleep count once the
 * flush has returned (test_thread_sleeps), taken before anything else. */
struct flush_count {
    struct flush_arg f;
    long after;
    HANDLE done;
};

static void *flush_counting(void *arg)
{
    struct flush_count *fc = arg;
    atomic_store(&fc->f.tid, test_gettid());
    fc->f.ok = FlushFileBuffers(fc->f.h);
    fc->f.err = fc->f.ok ? 0 : GetLastError();
    fc->after = test_thread_sleeps(0, atomic_load(&fc->f.tid));
    atomic_store(&fc->f.done, 1);
    SetEvent(fc->done);
    return NULL;
}

/* FlushFileBuffers waits for the reader's progress itself (the quota
 * page's futex word), not by looking again and again: the flushing thread
 * sleeps in futex(2) on the page, and the read that takes the last byte
 * ends that very sleep; the flush returns without sleeping again, and the
 * reader, which waits for nothing else, sees it complete (a flush that
 * polled slept in nanosleep(2), again and again). */
static void test_flush_wakes(void)
{
    const char *name = pipe_name("flushwake");
    DWORD types[2] = {PIPE_TYPE_BYTE, PIPE_TYPE_MESSAGE};
    for (int k = 0; k < 2; k++) {
        int same = 0;
        /* The flush's wait is bounded (it looks whether its reader died
         * every 50 ms): a round in which that look falls between the
         * count taken below and the read is tried again. */
        for (int round = 0; round < 5 && !same; round++) {
            HANDLE s = server(name, PIPE_ACCESS_DUPLEX, types[k], 1), c;
            struct flush_count fc;
            pthread_t t;
            char buf[64];
            DWORD n = 0;
            long slept;

            c = client(name, GENERIC_READ | GENERIC_WRITE);
            CHECK(c != INVALID_HANDLE_VALUE);
            CHECK_OK(WriteFile(s, "first", 5, &n, NULL));
            CHECK_OK(WriteFile(s, "second", 6, &n, NULL));
            memset(&fc, 0, sizeof fc);
            fc.f.h = s;
            fc.done = CreateEventA(NULL, TRUE, FALSE, NULL);
            pthread_create(&t, NULL, flush_counting, &fc);
            /* Asleep on the futex word, the flush not over. */
            CHECK(test_wait_blocked(0, &fc.f.tid, 20000,
                                    TEST_SYSCALLS(SYS_futex), -1, 0));
            CHECK_EQ(atomic_load(&fc.f.done), 0);
            /* The first read leaves bytes unread: the flush goes on. */
            CHECK_OK(ReadFile(c, buf, 5, &n, NULL));
            CHECK_EQ(n, 5);
            CHECK_EQ(WaitForSingleObject(fc.done, 0), WAIT_TIMEOUT);
            slept = test_wait_blocked_after(0, atomic_load(&fc.f.tid), 20000,
                                            TEST_SYSCALLS(SYS_futex), -1);
            CHECK(slept >= 0);
            /* The last read ends that sleep, and the flush, which returns
             * without sleeping again; the reader sees it complete. */
            CHECK_OK(ReadFile(c, buf, sizeof buf, &n, NULL));
            CHECK_EQ(n, 6);
            CHECK_EQ(WaitForSingleObject(fc.done, 20000), WAIT_OBJECT_0);
            pthread_join(t, NULL);
            CHECK_EQ(fc.f.ok, TRUE);
            CHECK(fc.after >= slept);
            same = fc.after == slept;
            CloseHandle(fc.done);
            CloseHandle(c);
            CloseHandle(s);
        }
        CHECK(same);
    }
}

/* A client that only shut its sending side (winipc connect's half-close,
 * through winipc_handle_fd) still reads: a flush of the server waits until
 * it has read everything, also what its read buffer holds already (a
 * message pipe's next messages).  Windows cannot half-close a pipe: its
 * flush waits for the reader as long as the reader's end is open.  (The
 * flush took the half-close for a closed end, looked at the socket alone,
 * and returned TRUE with two messages unread.) */
static void test_flush_half_closed_reader(void)
{
    const char *name = pipe_name("flushhalf");
    HANDLE s = server(name, PIPE_ACCESS_DUPLEX,
                      PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1), c;
    DWORD n = 0, mode = PIPE_READMODE_MESSAGE;
    struct flush_arg f;
    pthread_t t;
    char buf[64];
    int blocked = 0;

    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_OK(SetNamedPipeHandleState(c, &mode, NULL, NULL));
    CHECK_OK(WriteFile(s, "one", 3, &n, NULL));
    CHECK_OK(WriteFile(s, "two", 3, &n, NULL));
    CHECK_OK(WriteFile(s, "three", 5, &n, NULL));
    /* One message read: the others are in the client's read buffer. */
    CHECK_OK(ReadFile(c, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 3);
    CHECK_EQ(shutdown(winipc_handle_fd(c), SHUT_WR), 0);
    memset(&f, 0, sizeof f);
    f.h = s;
    pthread_create(&t, NULL, flusher, &f);
    /* It waits (or, wrongly, returns). */
    for (int i = 0; i < 20000 && !blocked && !atomic_load(&f.done); i++) {
        blocked = test_wait_blocked(0, &f.tid, 0, TEST_SYS_WAIT, -1, 0);
        if (!blocked)
            usleep(1000); /* polling the state, with a bound */
    }
    CHECK(blocked);
    CHECK_EQ(atomic_load(&f.done), 0);
    CHECK_OK(ReadFile(c, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 3);
    CHECK_OK(ReadFile(c, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 5);
    pthread_join(t, NULL);
    CHECK_EQ(f.ok, TRUE);
    CloseHandle(c);
    CloseHandle(s);
}

static int helper_server(int argc, char **argv)
{
    HANDLE s;
    DWORD n;
    char buf[64];
    if (argc < 1)
        return 90;
    s = server(argv[0], PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE, 1);
    if (s == INVALID_HANDLE_VALUE)
        return 91;
    printf("ready\n");
    fflush(stdout);
    if (!ConnectNamedPipe(s, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
        return 92;
    if (!ReadFile(s, buf, sizeof buf, &n, NULL))
        return 93;
    if (argc > 1 && strcmp(argv[1], "crash") == 0)
        raise(SIGKILL);
    WriteFile(s, buf, n, &n, NULL);
    FlushFileBuffers(s);
    return 0;
}

/* ---- WaitNamedPipe's wake-up, and registries kept between connections ---- */

/* listen_seq and waiters, the two words WaitNamedPipe and the servers
 * share in the registry of name (docs/architecture.md, "Named pipes:
 * connection set-up"): the 8 bytes at offset 2048. */
static void registry_words(const char *name, uint32_t words[2])
{
    const char *root = getenv("WINIPC_ROOT");
    char path[512];
    int fd;

    words[0] = words[1] = 0xdeadbeef;
    /* The test's names need no escaping: [a-z0-9-] after the prefix. */
    snprintf(path, sizeof path, "%s/pipe.%s", root ? root : "/tmp/.winipc",
             name + strlen("\\\\.\\pipe\\"));
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_EQ(pread(fd, words, 8, 2048), 8);
        close(fd);
    }
}

struct pipe_waiter {
    const char *name;
    atomic_int tid;
    BOOL ok;
    DWORD err;
};

static void *pipe_waiter(void *arg)
{
    struct pipe_waiter *w = arg;
    atomic_store(&w->tid, test_gettid());
    w->ok = WaitNamedPipeA(w->name, NMPWAIT_WAIT_FOREVER);
    w->err = w->ok ? 0 : GetLastError();
    return NULL;
}

/* A WaitNamedPipe at a busy pipe sleeps on the registry's listen_seq (a
 * shared futex) with its waiters word set; the server's next listen bumps
 * listen_seq, clears waiters and wakes it. */
static void test_wait_woken_by_listen(void)
{
    const char *name = pipe_name("waitwake");
    struct pipe_waiter w = {name, 0, FALSE, 0};
    uint32_t before[2], during[2], after[2];
    OVERLAPPED ov;
    pthread_t t;
    HANDLE s, c, ev;
    DWORD n;

    s = server(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
               PIPE_TYPE_BYTE, 1);
    CHECK(s != INVALID_HANDLE_VALUE);
    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK(c != INVALID_HANDLE_VALUE);
    registry_words(name, before);
    pthread_create(&t, NULL, pipe_waiter, &w);
    /* FUTEX_WAIT (0): a shared futex; the library's own locks are
     * private ones. */
    CHECK(test_wait_blocked(0, &w.tid, 20000, TEST_SYSCALLS(SYS_futex), 1, 0));
    registry_words(name, during);
    CHECK_EQ(during[1], 1);
    CHECK(!w.ok && w.err == 0); /* still waiting */
    CHECK_OK(DisconnectNamedPipe(s));
    CHECK_OK(CloseHandle(c));
    memset(&ov, 0, sizeof ov);
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ov.hEvent = ev;
    CHECK_FAILS(ConnectNamedPipe(s, &ov), ERROR_IO_PENDING);
    pthread_join(t, NULL);
    CHECK(w.ok);
    CHECK_EQ(w.err, 0);
    registry_words(name, after);
    CHECK(after[0] != during[0]);
    CHECK_EQ(after[1], 0);
    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_OK(GetOverlappedResult(s, &ov, &n, TRUE));
    CloseHandle(c);
    CloseHandle(s);
    CloseHandle(ev);
}

/* A client keeps a pipe's registry after CloseHandle for its next
 * CreateFile (objects/named_pipe.c, np_reg): a pipe whose last instance
 * went is gone at once all the same, and a pipe made anew under the name
 * is the one connected to, with its own configuration. */
static void test_pipe_made_anew(void)
{
    const char *name = pipe_name("anew");
    DWORD flags = 0, n;
    char buf[8];
    HANDLE s, c;

    s = server(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1);
    CHECK(s != INVALID_HANDLE_VALUE);
    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_CONNECTED);
    CHECK_OK(CloseHandle(c));
    CHECK_OK(CloseHandle(s));
    CHECK_FAILS(client(name, GENERIC_READ | GENERIC_WRITE) !=
                        INVALID_HANDLE_VALUE,
                ERROR_FILE_NOT_FOUND);
    CHECK_FAILS(WaitNamedPipeA(name, 0), ERROR_FILE_NOT_FOUND);
    s = server(name, PIPE_ACCESS_DUPLEX,
               PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1);
    CHECK(s != INVALID_HANDLE_VALUE);
    CHECK_OK(WaitNamedPipeA(name, 0));
    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_OK(GetNamedPipeInfo(c, &flags, NULL, NULL, NULL));
    CHECK_EQ(flags, PIPE_CLIENT_END | PIPE_TYPE_MESSAGE);
    CHECK_OK(WriteFile(s, "new", 3, &n, NULL));
    CHECK_OK(ReadFile(c, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 3);
    CHECK_MEM(buf, "new", 3);
    CloseHandle(c);
    CloseHandle(s);
}

static void test_server_process_killed(void)
{
    const char *name = pipe_name("crash");
    char cmd[8192], line[16];
    FILE *f;
    HANDLE c, s;
    DWORD n;

    snprintf(cmd, sizeof cmd, "'%s' --helper server '%s' crash", self_exe,
             name);
    f = popen(cmd, "r");
    CHECK(fgets(line, sizeof line, f) != NULL);
    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(c, "ping", 4, &n, NULL));
    pclose(f); /* the server killed itself after reading */
    CHECK_FAILS(ReadFile(c, line, sizeof line, &n, NULL), ERROR_BROKEN_PIPE);
    CloseHandle(c);
    /* Its name is free at once, even for a first instance. */
    s = server(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE, 0, 1);
    CHECK(s != INVALID_HANDLE_VALUE);
    CloseHandle(s);
}

/* A client that tries to open a name while its first instance is being
 * created may find the new registry file still empty and remove it as a
 * dead pipe's: the server must then make it again, never fail (Wine's
 * test_NamedPipe_2 saw ERROR_ACCESS_DENIED in about 1 of 500 creations). */
struct racer {
    const char *name;
    volatile LONG stop;
};

static DWORD WINAPI race_client(LPVOID arg)
{
    struct racer *r = arg;
    while (!r->stop) {
        HANDLE h = client(r->name, GENERIC_READ | GENERIC_WRITE);
        if (h != INVALID_HANDLE_VALUE) {
            CloseHandle(h);
            break;
        }
    }
    return 0;
}

static void test_create_while_client_opens(void)
{
    int fails = 0;
    DWORD last = 0;
    for (int i = 0; i < 2000; i++) {
        char tag[32];
        struct racer r = {NULL, 0};
        HANDLE t, s;
        snprintf(tag, sizeof tag, "race%d", i);
        r.name = pipe_name(tag);
        t = CreateThread(NULL, 0, race_client, &r, 0, NULL);
        s = server(r.name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1);
        if (s == INVALID_HANDLE_VALUE) {
            fails++;
            last = GetLastError();
        } else {
            ConnectNamedPipe(s, NULL);
        }
        r.stop = 1;
        CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
        CloseHandle(t);
        if (s != INVALID_HANDLE_VALUE)
            CloseHandle(s);
    }
    CHECK_EQ(fails, 0);
    CHECK_EQ(last, 0);
}

/* Each end has unread data and a thread waiting in FlushFileBuffers for
 * the other to read it; closing both ends ends both flushes with
 * ERROR_BROKEN_PIPE and frees the instance (Wine's
 * test_overlapped_transport: winipc's flushes waited for ever, each
 * keeping its connection open for the other). */
struct flusher {
    HANDLE h;
    BOOL ok;
    DWORD err;
};

static DWORD WINAPI flush_thread(LPVOID arg)
{
    struct flusher *f = arg;
    f->ok = FlushFileBuffers(f->h);
    f->err = f->ok ? 0 : GetLastError();
    return 0;
}

static void test_close_both_while_flushing(void)
{
    const char *name = pipe_name("flushclose");
    static char buf[8000];
    HANDLE s = server(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1), c, t[2];
    struct flusher f[2];
    DWORD n;

    c = client(name, GENERIC_READ | GENERIC_WRITE);
    /* Within the quota (4096), so that the writes return unread. */
    CHECK_OK(WriteFile(s, buf, 3000, &n, NULL));
    CHECK_OK(WriteFile(c, buf, 4000, &n, NULL));
    f[0] = (struct flusher){s, TRUE, 0};
    f[1] = (struct flusher){c, TRUE, 0};
    for (int i = 0; i < 2; i++)
        t[i] = CreateThread(NULL, 0, flush_thread, &f[i], 0, NULL);
    /* Both are waiting (nothing is read): they cannot have returned. */
    CHECK_EQ(WaitForMultipleObjects(2, t, FALSE, 50), WAIT_TIMEOUT);
    CHECK_OK(CloseHandle(c));
    CHECK_OK(CloseHandle(s));
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(WaitForSingleObject(t[i], 10000), WAIT_OBJECT_0);
        CHECK(!f[i].ok);
        CHECK_EQ(f[i].err, ERROR_BROKEN_PIPE);
        CloseHandle(t[i]);
    }
    s = server(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1);
    CHECK(s != INVALID_HANDLE_VALUE);
    CloseHandle(s);
}

/* The process ids after DisconnectNamedPipe: the server has no client
 * (ERROR_NOT_FOUND) and is still its own server; the client knows neither
 * (ERROR_PIPE_NOT_CONNECTED), as Windows answers in Wine's
 * test_namedpipe_process_id (todo_wine there). */
static void test_process_ids_after_disconnect(void)
{
    const char *name = pipe_name("pids");
    HANDLE s = server(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1);
    HANDLE c = client(name, GENERIC_READ | GENERIC_WRITE);
    ULONG pid = 0;

    CHECK_OK(GetNamedPipeClientProcessId(s, &pid));
    CHECK_EQ(pid, GetCurrentProcessId());
    CHECK_OK(GetNamedPipeServerProcessId(c, &pid));
    CHECK_EQ(pid, GetCurrentProcessId());
    CHECK_OK(DisconnectNamedPipe(s));
    CHECK_FAILS(GetNamedPipeClientProcessId(s, &pid), ERROR_NOT_FOUND);
    pid = 0;
    CHECK_OK(GetNamedPipeServerProcessId(s, &pid));
    CHECK_EQ(pid, GetCurrentProcessId());
    CHECK_FAILS(GetNamedPipeClientProcessId(c, &pid), ERROR_PIPE_NOT_CONNECTED);
    CHECK_FAILS(GetNamedPipeServerProcessId(c, &pid), ERROR_PIPE_NOT_CONNECTED);
    CloseHandle(c);
    CloseHandle(s);
}

/* A client of this machine: GetNamedPipeClientComputerNameA says
 * ERROR_PIPE_LOCAL, as Windows does (issue 17; Wine 8 has no
 * GetNamedPipeClientComputerNameA, a stub that ends the program, so no
 * conformance scenario); winipc_named_pipe_client gives its user and
 * process.  (Remote clients: tests/remote.) */
static void test_client_of_this_machine(void)
{
    const char *name = pipe_name("local");
    HANDLE s = server(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE, 1);
    HANDLE c = client(name, GENERIC_READ | GENERIC_WRITE);
    char buf[64] = "unchanged";
    WINIPC_PIPE_CLIENT info;

    CHECK_FAILS(GetNamedPipeClientComputerNameA(s, buf, sizeof buf),
                ERROR_PIPE_LOCAL);
    CHECK_STR(buf, "unchanged");
    CHECK_FAILS(GetNamedPipeClientComputerNameA(c, buf, sizeof buf),
                ERROR_PIPE_LOCAL);
    CHECK_OK(winipc_named_pipe_client(s, &info));
    CHECK_EQ(info.remote, 0);
    CHECK_EQ(info.uid, geteuid());
    CHECK_EQ(info.pid, GetCurrentProcessId());
    CHECK_EQ(info.authenticated, 1);
    CHECK_STR(info.computer, "");
    CHECK_FAILS(winipc_named_pipe_client(c, &info), ERROR_INVALID_PARAMETER);
    CHECK_FAILS(winipc_named_pipe_client(s, NULL), ERROR_INVALID_PARAMETER);
    CloseHandle(c);
    CHECK_OK(DisconnectNamedPipe(s));
    CHECK_FAILS(winipc_named_pipe_client(s, &info), ERROR_PIPE_NOT_CONNECTED);
    CHECK_FAILS(GetNamedPipeClientComputerNameA(s, buf, sizeof buf),
                ERROR_PIPE_LOCAL);
    CloseHandle(s);
}

/* ---- The buffer quota on synchronous servers' connections ----------------- */

struct q_writer {
    HANDLE h;
    DWORD len, n, err;
    BOOL ok;
    char byte;
    _Atomic int tid;
};

static DWORD WINAPI q_write_thread(LPVOID arg)
{
    static char data[8192];
    struct q_writer *w = arg;
    char *buf = malloc(w->len ? w->len : 1);
    memset(buf, w->byte, w->len);
    atomic_store(&w->tid, test_gettid());
    w->n = 77;
    w->ok = WriteFile(w->h, w->len <= sizeof data ? buf : data, w->len, &w->n,
                      NULL);
    w->err = w->ok ? 0 : GetLastError();
    free(buf);
    return 0;
}

static HANDLE q_write(struct q_writer *w, HANDLE h, DWORD len, char byte)
{
    w->h = h;
    w->len = len;
    w->byte = byte;
    atomic_store(&w->tid, 0);
    return CreateThread(NULL, 0, q_write_thread, w, 0, NULL);
}

/* Blocked waiting for room: on the page's futex word. */
static int q_waits(struct q_writer *w)
{
    return test_wait_blocked(0, &w->tid, 10000, TEST_SYSCALLS(SYS_futex), -1,
                             0) == 1;
}

static DWORD q_avail(HANDLE h)
{
    DWORD a = 77;
    CHECK_OK(PeekNamedPipe(h, NULL, 0, NULL, &a, NULL));
    return a;
}

static DWORD q_read(HANDLE h, DWORD len, char *first)
{
    static char buf[8192];
    DWORD n = 77;
    CHECK_OK(ReadFile(h, buf, len, &n, NULL));
    if (first)
        *first = n ? buf[0] : 0;
    return n;
}

/* The reader takes len bytes (the first of them first), which makes room
 * for the write waiting in thread t: it returns, all of its bytes sent. */
static void q_read_frees(HANDLE r, DWORD len, char first, HANDLE t,
                         struct q_writer *w)
{
    char got = 0;
    CHECK_EQ(q_read(r, len, &got), len);
    CHECK_EQ(got, first);
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CHECK(w->ok);
    CHECK_EQ(w->n, w->len);
    CloseHandle(t);
}

static HANDLE q_server(const char *name, DWORD open_mode, DWORD type,
                       DWORD size)
{
    return CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | open_mode, type, 1,
                            size, size, 0, NULL);
}

/* Server s's client came before ConnectNamedPipe (overlapped or not). */
static void q_client_came(HANDLE s, int ov)
{
    OVERLAPPED o;
    memset(&o, 0, sizeof o);
    CHECK_FAILS(ConnectNamedPipe(s, ov ? &o : NULL), ERROR_PIPE_CONNECTED);
}

/* A synchronous server's connection holds each end's writes to the quota
 * as an overlapped server's does (docs/architecture.md, "Named pipes:
 * buffer quota"): the page comes with each direction's first bytes; a
 * write within the quota returns at once; one over it waits until the
 * reader has taken enough; PeekNamedPipe sees past the bytes that brought
 * the page (byte and message pipes; conformance npipe_quota_sync). */
/* A write of the server waiting for room goes on when its client only
 * shuts its sending side (winipc connect's half-close when its input
 * ends, through winipc_handle_fd): the client still reads, and gets every
 * byte.  (The wait took the half-close for a closed end and failed with
 * ERROR_BROKEN_PIPE, and winipc serve lost the rest of its output.) */
static void test_quota_half_closed_reader(void)
{
    const char *name = pipe_name("qhalf");
    HANDLE s = q_server(name, 0, PIPE_TYPE_BYTE, 1024), c, t;
    struct q_writer w;

    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK(ConnectNamedPipe(s, NULL) || GetLastError() == ERROR_PIPE_CONNECTED);
    t = q_write(&w, s, 3000, 'h');
    CHECK(q_waits(&w));
    CHECK_EQ(shutdown(winipc_handle_fd(c), SHUT_WR), 0);
    /* Still waiting while the writer looks again (every 50 ms): it must
     * not end before there is room. */
    CHECK_EQ(WaitForSingleObject(t, 500), WAIT_TIMEOUT);
    CHECK_EQ(q_read(c, 3000, NULL), 3000);
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CHECK(w.ok);
    CHECK_EQ(w.n, 3000);
    CloseHandle(t);
    CloseHandle(c);
    CloseHandle(s);
}


/* The same with an overlapped server's write (the I/O engine's drain
 * queue, np_io_drain): it goes on when its client only shuts its sending
 * side, and completes with all its bytes once they are read.  (The drain
 * took the half-close for a closed end and failed the write with
 * ERROR_BROKEN_PIPE at its next look.)  Windows cannot half-close a pipe:
 * a write waits while the reader's end is open. */
static void test_quota_half_closed_reader_overlapped(void)
{
    const char *name = pipe_name("qhalfov");
    HANDLE s = q_server(name, FILE_FLAG_OVERLAPPED, PIPE_TYPE_BYTE, 1024), c;
    char *data = malloc(3000);
    OVERLAPPED ov;
    DWORD n = 0;

    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK(c != INVALID_HANDLE_VALUE);
    q_client_came(s, 1);
    memset(data, 'o', 3000);
    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_FAILS(WriteFile(s, data, 3000, &n, &ov), ERROR_IO_PENDING);
    CHECK_EQ(shutdown(winipc_handle_fd(c), SHUT_WR), 0);
    /* Still pending while the drain looks again (every 50 ms): it must not
     * end before there is room. */
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 500), WAIT_TIMEOUT);
    CHECK_EQ(q_read(c, 3000, NULL), 3000);
    CHECK_OK(GetOverlappedResult(s, &ov, &n, TRUE));
    CHECK_EQ(n, 3000);
    CloseHandle(ov.hEvent);
    CloseHandle(c);
    CloseHandle(s);
    free(data);
}

/* A client that wrote and shut its sending side before ConnectNamedPipe
 * (winipc connect, its input ended at once) is still there: the server
 * is told ERROR_PIPE_CONNECTED, reads what it wrote, and its replies
 * reach it.  Only a client that closed its end is ERROR_NO_DATA (Windows
 * has no half-close).  (ERROR_NO_DATA before, and the pipe was broken.) */
static void test_half_closed_before_connect(void)
{
    const char *name = pipe_name("halfbefore");
    HANDLE s = server(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1), c;
    char buf[8];
    DWORD n = 0;

    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(c, "ask", 3, &n, NULL));
    CHECK_EQ(shutdown(winipc_handle_fd(c), SHUT_WR), 0);
    CHECK_FAILS(ConnectNamedPipe(s, NULL), ERROR_PIPE_CONNECTED);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 3);
    CHECK_OK(WriteFile(s, "yes", 3, &n, NULL));
    CHECK_OK(ReadFile(c, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 3);
    CHECK_MEM(buf, "yes", 3);
    CloseHandle(c);
    CloseHandle(s);
}

static void test_quota_sync_server(void)
{
    DWORD types[2] = {PIPE_TYPE_BYTE, PIPE_TYPE_MESSAGE};
    for (int k = 0; k < 2; k++) {
        const char *name = pipe_name(k ? "qsyncmsg" : "qsyncbyte");
        HANDLE s = q_server(name, 0, types[k], 1024), c, t;
        struct q_writer w;
        char buf[64], first = 0;
        DWORD n = 0;

        c = client(name, GENERIC_READ | GENERIC_WRITE);
        CHECK(c != INVALID_HANDLE_VALUE);
        CHECK(ConnectNamedPipe(s, NULL) ||
              GetLastError() == ERROR_PIPE_CONNECTED);
        /* The first bytes bring the page, the second come after: a peek
         * sees both. */
        CHECK_OK(WriteFile(c, "ab", 2, &n, NULL));
        CHECK_OK(WriteFile(c, "cd", 2, &n, NULL));
        CHECK_OK(PeekNamedPipe(s, buf, sizeof buf, &n, NULL, NULL));
        CHECK_EQ(n, (k ? 2u : 4u)); /* a message pipe peeks one message */
        CHECK_MEM(buf, "abcd", n);
        CHECK_EQ(q_avail(s), 4);
        CHECK_EQ(q_read(s, sizeof buf, NULL), 4); /* byte read mode */

        /* 996 fits (1000 of 1024 unread); 1000 more waits. */
        t = q_write(&w, c, 996, 'x');
        CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
        CHECK(w.ok);
        CloseHandle(t);
        t = q_write(&w, c, 1000, 'y');
        CHECK(q_waits(&w));
        CHECK_EQ(q_avail(s), 1996);
        CHECK_EQ(q_read(s, 971, &first), 971); /* 1025 unread */
        CHECK_EQ(first, 'x');
        CHECK_EQ(WaitForSingleObject(t, 50), WAIT_TIMEOUT);
        CHECK_EQ(q_read(s, 1, NULL), 1);
        CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
        CHECK(w.ok);
        CHECK_EQ(w.n, 1000);
        CloseHandle(t);
        CHECK_EQ(q_avail(s), 1024);

        /* The server's direction has a page of its own. */
        t = q_write(&w, s, 3000, 'z');
        CHECK(q_waits(&w));
        CHECK_EQ(q_avail(c), 3000);
        q_read_frees(c, 1976, 'z', t, &w);
        CloseHandle(c);
        CloseHandle(s);
    }
}

/* The sum of the counts of this process's eventfds (their fdinfo): of
 * those marked in which (fds below 1024) if mark is 0, else of all, which
 * are then marked there. */
static unsigned long long q_eventfd_counts(unsigned char *which, int mark)
{
    unsigned long long sum = 0;
    for (int fd = 0; fd < 1024; fd++) {
        char path[64], link[64], line[128];
        ssize_t n;
        FILE *f;
        if (!mark && !which[fd])
            continue;
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        n = readlink(path, link, sizeof link - 1);
        if (n < 0)
            continue;
        link[n] = '\0';
        if (strcmp(link, "anon_inode:[eventfd]") != 0)
            continue;
        snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
        if (!(f = fopen(path, "r")))
            continue;
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "eventfd-count:", 14) == 0)
                sum += strtoull(line + 14, NULL, 16);
        fclose(f);
        if (mark)
            which[fd] = 1;
    }
    return sum;
}

/* A synchronous write waiting for room is woken once the reader has taken
 * what it needs, not at each read before: a reader taking a little at a
 * time leaves it asleep (it woke, looked and slept again at every read),
 * and the room eventfd, which only an overlapped writer waits on, is left
 * alone (each read that woke a writer also wrote it).  Counted, not
 * timed: the writer thread's sleeps, and the eventfds' counts. */
static void test_quota_wakes_once(void)
{
    const char *name = pipe_name("qwake");
    unsigned char old[1024] = {0}, which[1024] = {0};
    HANDLE s, c, t;
    struct q_writer w;
    unsigned long long events;
    long before, after;
    DWORD n = 0;

    /* Only the connection's eventfds are counted: those of earlier tests'
     * threads may be closed or read meanwhile (their handles' objects go
     * when the threads end: 1 run in 12 counted one less). */
    q_eventfd_counts(old, 1);
    s = q_server(name, 0, PIPE_TYPE_BYTE, 1024);
    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK(ConnectNamedPipe(s, NULL) || GetLastError() == ERROR_PIPE_CONNECTED);
    /* The direction's page comes with its first bytes. */
    CHECK_OK(WriteFile(s, "a", 1, &n, NULL));
    CHECK_EQ(q_read(c, 1, NULL), 1);
    q_eventfd_counts(which, 1);
    for (int fd = 0; fd < 1024; fd++)
        which[fd] &= (unsigned char)!old[fd];
    events = q_eventfd_counts(which, 0); /* the room eventfd's among them */
    /* 3,000 written: it completes once 1,976 of them are read. */
    t = q_write(&w, s, 3000, 'w');
    CHECK(q_waits(&w));
    before = test_thread_sleeps(0, atomic_load(&w.tid));
    /* 40 reads of 40 bytes, 1 ms apart: not to synchronise anything, but
     * so that a writer woken by a read has the time to sleep again before
     * the next (a writer woken by each read slept 40 times more; one that
     * sleeps on looks again every 50 ms on its own). */
    for (int i = 0; i < 40; i++) {
        CHECK_EQ(q_read(c, 40, NULL), 40);
        usleep(1000);
    }
    after = test_thread_sleeps(0, atomic_load(&w.tid));
    CHECK(before >= 0 && after >= before);
    CHECK(after - before < 20);
    CHECK_EQ(WaitForSingleObject(t, 0), WAIT_TIMEOUT);
    CHECK_EQ(q_read(c, 375, NULL), 375); /* 1,975 read */
    CHECK_EQ(WaitForSingleObject(t, 0), WAIT_TIMEOUT);
    q_read_frees(c, 1, 'w', t, &w);
    CHECK_EQ(q_eventfd_counts(which, 0), events);
    CloseHandle(c);
    CloseHandle(s);
}

struct q_chunks {
    HANDLE h;
    cpu_set_t cpu;
    DWORD got;
};

static void *q_chunk_reader(void *arg)
{
    struct q_chunks *r = arg;
    char buf[4096];
    DWORD n;
    pthread_setaffinity_np(pthread_self(), sizeof r->cpu, &r->cpu);
    while (r->got < 64 * sizeof buf &&
           ReadFile(r->h, buf, sizeof buf, &n, NULL) && n > 0)
        r->got += n;
    return NULL;
}

/* A synchronous write over the quota lets its reader run before it sleeps:
 * with both on one CPU, the reader then reads what is there, and the
 * writer goes on without sleeping (asleep, it waited at every other chunk
 * at least, and was woken before the reader had read on).  Counted, not
 * timed: the writer's sleeps over 64 chunks of the quota's size. */
static void test_quota_writer_lets_reader_run(void)
{
    const char *name = pipe_name("qyield");
    HANDLE s = q_server(name, 0, PIPE_TYPE_BYTE, 4096), c;
    struct q_chunks r = {0};
    static char chunk[4096];
    cpu_set_t old;
    pthread_t t;
    long before, after;
    DWORD n = 0;

    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK(ConnectNamedPipe(s, NULL) || GetLastError() == ERROR_PIPE_CONNECTED);
    CHECK_OK(WriteFile(s, "a", 1, &n, NULL)); /* the page comes */
    CHECK_EQ(q_read(c, 1, NULL), 1);
    CHECK_EQ(pthread_getaffinity_np(pthread_self(), sizeof old, &old), 0);
    CPU_ZERO(&r.cpu);
    CPU_SET(sched_getcpu(), &r.cpu);
    CHECK_EQ(pthread_setaffinity_np(pthread_self(), sizeof r.cpu, &r.cpu), 0);
    r.h = c;
    CHECK_EQ(pthread_create(&t, NULL, q_chunk_reader, &r), 0);
    before = test_thread_sleeps(0, test_gettid());
    for (int i = 0; i < 64; i++) {
        CHECK_OK(WriteFile(s, chunk, sizeof chunk, &n, NULL));
        CHECK_EQ(n, sizeof chunk);
    }
    after = test_thread_sleeps(0, test_gettid());
    CHECK_EQ(pthread_join(t, NULL), 0);
    CHECK_EQ(r.got, 64 * sizeof chunk);
    CHECK(before >= 0 && after >= before);
    /* Other processes on the CPU may keep the reader from running for a
     * moment now and then: a few sleeps, not one every other chunk. */
    CHECK(after - before < 16);
    pthread_setaffinity_np(pthread_self(), sizeof old, &old);
    CloseHandle(c);
    CloseHandle(s);
}

/* A client's writes before its server has accepted it (ConnectNamedPipe)
 * are held to the quota, by a synchronous server and by an overlapped one
 * (whose page for its own writes comes later, with its preamble), as
 * Windows does (conformance npipe_quota_sync). */
static void test_quota_before_accept(void)
{
    for (int ov = 0; ov < 2; ov++) {
        const char *name = pipe_name(ov ? "qacceptov" : "qaccept");
        HANDLE s = q_server(name, ov ? FILE_FLAG_OVERLAPPED : 0,
                            PIPE_TYPE_BYTE, 1024), c, t;
        struct q_writer w;

        c = client(name, GENERIC_READ | GENERIC_WRITE);
        CHECK(c != INVALID_HANDLE_VALUE);
        t = q_write(&w, c, 4000, 'p');
        CHECK(q_waits(&w));
        q_client_came(s, ov);
        CHECK_EQ(q_avail(s), 4000);
        CHECK_EQ(WaitForSingleObject(t, 50), WAIT_TIMEOUT);
        q_read_frees(s, 2976, 'p', t, &w);
        /* The server's writes: within its quota, they return. */
        t = q_write(&w, s, 1000, 'q');
        CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
        CHECK(w.ok);
        CloseHandle(t);
        CloseHandle(c);
        CloseHandle(s);
    }
}

/* An overlapped client of a synchronous server: its write sends the page
 * with its first bytes through the I/O engine, and pends over the quota
 * until the reader has taken enough. */
static void test_quota_overlapped_client(void)
{
    const char *name = pipe_name("qovclient");
    HANDLE s = q_server(name, 0, PIPE_TYPE_MESSAGE, 1024), c;
    static char data[3000];
    OVERLAPPED ov;
    DWORD n = 77;
    char first = 0;

    c = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                    FILE_FLAG_OVERLAPPED, NULL);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK(ConnectNamedPipe(s, NULL) || GetLastError() == ERROR_PIPE_CONNECTED);
    memset(data, 'o', sizeof data);
    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    /* 100 bytes fit; 3,000 more do not: pending, readable at once. */
    CHECK_OK(WriteFile(c, data, 100, &n, &ov));
    CHECK_EQ(n, 100);
    CHECK_FAILS(WriteFile(c, data, 3000, &n, &ov), ERROR_IO_PENDING);
    CHECK_EQ(q_avail(s), 3100);
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 0), WAIT_TIMEOUT);
    CHECK_EQ(q_read(s, 100, &first), 100);
    CHECK_EQ(first, 'o');
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 0), WAIT_TIMEOUT);
    CHECK_EQ(q_read(s, 2000, NULL), 2000); /* 1,000 unread */
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetOverlappedResult(c, &ov, &n, FALSE));
    CHECK_EQ(n, 3000);
    CloseHandle(ov.hEvent);
    CloseHandle(c);
    CloseHandle(s);
}

/* CancelSynchronousIo ends a write waiting for room whose reader has not
 * read anything yet (nor taken the page): PeekNamedPipe and the next read
 * leave its bytes out, as on Windows (conformance npipe_quota_sync). */
static void test_quota_cancel_before_read(void)
{
    const char *name = pipe_name("qcancel0");
    /* The reader's first call: a read, then a peek; either takes the page
     * before any byte. */
    for (int peek_first = 0; peek_first < 2; peek_first++) {
        HANDLE s = q_server(name, 0, PIPE_TYPE_BYTE, 1024), c, t;
        struct q_writer w;
        char first = 0;
        DWORD n = 0;

        c = client(name, GENERIC_READ | GENERIC_WRITE);
        CHECK(ConnectNamedPipe(s, NULL) ||
              GetLastError() == ERROR_PIPE_CONNECTED);
        t = q_write(&w, c, 4000, 'x');
        CHECK(q_waits(&w));
        CHECK_OK(CancelSynchronousIo(t));
        CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
        CHECK(!w.ok);
        CHECK_EQ(w.err, ERROR_OPERATION_ABORTED);
        CHECK_EQ(w.n, 0);
        CloseHandle(t);
        if (peek_first)
            CHECK_EQ(q_avail(s), 0);
        CHECK_OK(WriteFile(c, "z", 1, &n, NULL));
        if (peek_first)
            CHECK_EQ(q_avail(s), 1);
        CHECK_EQ(q_read(s, 100, &first), 1);
        CHECK_EQ(first, 'z');
        CloseHandle(c);
        CloseHandle(s);
    }
}

/* ---- The quota of an end passed to another process ------------------------ */

/*
 * Helper: writes SIZE bytes of 'k' through a client end it was given
 * ("inh HEX": inherited at that value; "stdin": duplicated into it by
 * its parent, which writes the value on its standard input), overlapped
 * ("ov") or not ("sync"), says "wrote" on its standard output once the
 * write has returned or pends, then waits to be killed (or, with "exit",
 * exits 0 once its write is over; "repeat", synchronous: 200 writes, then
 * exits 0).
 */
static int helper_qwriter(int argc, char **argv)
{
    static char data[20000];
    unsigned long long v = 0;
    char line[64];
    OVERLAPPED ov;
    HANDLE h;
    DWORD n = 0, size;
    BOOL ok;
    int overlapped;

    if (argc < 4)
        return 90;
    if (strcmp(argv[0], "stdin") == 0) {
        if (!fgets(line, sizeof line, stdin))
            return 91;
        v = strtoull(line, NULL, 16);
    } else {
        v = strtoull(argv[1], NULL, 16);
    }
    h = (HANDLE)(uintptr_t)v;
    size = (DWORD)strtoul(argv[2], NULL, 10);
    overlapped = strcmp(argv[3], "ov") == 0;
    if (size > sizeof data)
        return 92;
    memset(data, 'k', size);
    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    if (overlapped) {
        ok = WriteFile(h, data, size, &n, &ov);
        if (!ok && GetLastError() != ERROR_IO_PENDING)
            return 93;
        printf("wrote %s\n", ok ? "done" : "pending");
        fflush(stdout);
        if (argc > 4 && strcmp(argv[4], "exit") == 0)
            return GetOverlappedResult(h, &ov, &n, TRUE) && n == size ? 0 : 94;
    } else {
        /* The write itself may wait: say so first (the parent reads
         * before it kills). */
        printf("wrote sync\n");
        fflush(stdout);
        /* "repeat": 200 writes of SIZE, then exits 0. */
        for (int i = 0; i < (argc > 4 && !strcmp(argv[4], "repeat") ? 200 : 1);
             i++)
            if (!WriteFile(h, data, size, &n, NULL) || n != size)
                return 95;
        if (argc > 4 && strcmp(argv[4], "wait") != 0)
            return 0;
    }
    Sleep(INFINITE);
    return 0;
}

/* A child that writes through a copy of client end c (inherited, or
 * duplicated into it: dup; susp 1: started with CREATE_SUSPENDED and
 * resumed; 2: inherited through PROC_THREAD_ATTRIBUTE_HANDLE_LIST), SIZE
 * bytes, overlapped or not; *out gets its standard output, for its
 * "wrote" line.  Returns its process handle. */
static HANDLE q_child(HANDLE c, int dup, int susp, DWORD size, int ov,
                      const char *then, HANDLE *out)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOEXA six;
    STARTUPINFOA si;
    HANDLE list[2];
    SIZE_T asize = 0;
    PROCESS_INFORMATION pi;
    HANDLE in_r = NULL, in_w = NULL, out_r, out_w;
    char cmd[8192];

    CHECK_OK(CreatePipe(&out_r, &out_w, &sa, 0));
    CHECK_OK(SetHandleInformation(out_r, HANDLE_FLAG_INHERIT, 0));
    if (dup) {
        CHECK_OK(CreatePipe(&in_r, &in_w, &sa, 0));
        CHECK_OK(SetHandleInformation(in_w, HANDLE_FLAG_INHERIT, 0));
        /* Only the two pipes go by inheritance. */
        CHECK_OK(SetHandleInformation(c, HANDLE_FLAG_INHERIT, 0));
    } else {
        CHECK_OK(SetHandleInformation(c, HANDLE_FLAG_INHERIT,
                                      HANDLE_FLAG_INHERIT));
    }
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = dup ? in_r : GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = out_w;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper qwriter %s %llx %lu %s %s",
             self_exe, dup ? "stdin" : "inh",
             (unsigned long long)(uintptr_t)c, (unsigned long)size,
             ov ? "ov" : "sync", then);
    if (susp == 2) {
        /* Only the end and the output pipe, named in the list. */
        memset(&six, 0, sizeof six);
        six.StartupInfo = si;
        six.StartupInfo.cb = sizeof six;
        six.StartupInfo.hStdInput = six.StartupInfo.hStdError = NULL;
        list[0] = c;
        list[1] = out_w;
        InitializeProcThreadAttributeList(NULL, 1, 0, &asize);
        six.lpAttributeList = malloc(asize);
        CHECK_OK(InitializeProcThreadAttributeList(six.lpAttributeList, 1, 0,
                                                   &asize));
        CHECK_OK(UpdateProcThreadAttribute(six.lpAttributeList, 0,
                                           PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                           list, sizeof list, NULL, NULL));
        CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, TRUE,
                                EXTENDED_STARTUPINFO_PRESENT, NULL, NULL,
                                &six.StartupInfo, &pi));
        DeleteProcThreadAttributeList(six.lpAttributeList);
        free(six.lpAttributeList);
    } else {
        CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, TRUE,
                                susp ? CREATE_SUSPENDED : 0, NULL, NULL, &si,
                                &pi));
    }
    if (susp == 1)
        CHECK_EQ(ResumeThread(pi.hThread), 1);
    CloseHandle(pi.hThread);
    CloseHandle(out_w);
    if (dup) {
        HANDLE hc = NULL;
        char line[64];
        DWORD n;
        CloseHandle(in_r);
        CHECK_OK(DuplicateHandle(GetCurrentProcess(), c, pi.hProcess, &hc, 0,
                                 FALSE, DUPLICATE_SAME_ACCESS));
        snprintf(line, sizeof line, "%llx\n", (unsigned long long)(uintptr_t)hc);
        CHECK_OK(WriteFile(in_w, line, (DWORD)strlen(line), &n, NULL));
        CloseHandle(in_w);
    }
    *out = out_r;
    return pi.hProcess;
}

/* Waits (at most 10 s) until want bytes are there to read. */
static int q_wait_avail(HANDLE h, DWORD want)
{
    for (int i = 0; i < 10000; i++) {
        DWORD a = 0;
        if (!PeekNamedPipe(h, NULL, 0, NULL, &a, NULL))
            return 0;
        if (a >= want)
            return a == want;
        Sleep(1);
    }
    return 0;
}

/* The child's "wrote" line: its write has returned, or pends. */
static void q_child_wrote(HANDLE out, const char *want)
{
    char line[64];
    DWORD n = 0, got = 0;
    while (got < sizeof line - 1 &&
           ReadFile(out, line + got, 1, &n, NULL) && n == 1 &&
           line[got] != '\n')
        got++;
    line[got] = '\0';
    CHECK_STR(line, want);
}

/*
 * A writer process killed (TerminateProcess: SIGKILL, no code runs) while
 * its write waits for room, through an end it inherited or was
 * duplicated: the bytes of that write its reader has not taken go with
 * it, as on Windows (Wine's test_overlapped_transport, "terminate process
 * with pending write"); those taken stay taken.  The parent's next write
 * through its own copy of the end, then, fits at once and is all the
 * reader gets.  For byte and message pipes (message and byte read mode),
 * overlapped and synchronous servers (whose client's page is made as the
 * end is passed on), overlapped and synchronous writes in the child, an
 * end inherited (also by a CREATE_SUSPENDED child, and through
 * PROC_THREAD_ATTRIBUTE_HANDLE_LIST) or duplicated into the child.
 */
static void test_quota_killed_writer(void)
{
    static const struct {
        DWORD type, open;
        int ov, dup, susp;
    } v[] = {
        {PIPE_TYPE_BYTE | PIPE_READMODE_BYTE, FILE_FLAG_OVERLAPPED, 1, 0, 0},
        {PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, FILE_FLAG_OVERLAPPED, 1, 0,
         0},
        {PIPE_TYPE_MESSAGE | PIPE_READMODE_BYTE, FILE_FLAG_OVERLAPPED, 1, 0, 0},
        {PIPE_TYPE_BYTE | PIPE_READMODE_BYTE, 0, 1, 0, 0},
        {PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 0, 0, 0, 0},
        {PIPE_TYPE_BYTE | PIPE_READMODE_BYTE, FILE_FLAG_OVERLAPPED, 0, 1, 0},
        {PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 0, 1, 1, 0},
        {PIPE_TYPE_BYTE | PIPE_READMODE_BYTE, FILE_FLAG_OVERLAPPED, 1, 0, 1},
        {PIPE_TYPE_MESSAGE | PIPE_READMODE_BYTE, 0, 0, 0, 2},
    };
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        const char *name = pipe_name("qkilled");
        HANDLE s, c, child, out;
        char buf[64];
        DWORD n = 0, code = 0;
        int msg_read = (v[k].type & PIPE_READMODE_MESSAGE) != 0;

        s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | v[k].open, v[k].type,
                             1, 1024, 1024, 0, NULL);
        CHECK(s != INVALID_HANDLE_VALUE);
        c = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                        OPEN_EXISTING, v[k].ov ? FILE_FLAG_OVERLAPPED : 0,
                        NULL);
        CHECK(c != INVALID_HANDLE_VALUE);
        q_client_came(s, v[k].open != 0);
        child = q_child(c, v[k].dup, v[k].susp, 5000, v[k].ov, "wait", &out);
        q_child_wrote(out, v[k].ov ? "wrote pending" : "wrote sync");
        /* Its first bytes are read while it lives. */
        if (msg_read)
            CHECK_FAILS(ReadFile(s, buf, 10, &n, NULL), ERROR_MORE_DATA);
        else
            CHECK_OK(ReadFile(s, buf, 10, &n, NULL));
        CHECK_EQ(n, 10);
        CHECK_MEM(buf, "kkkkkkkkkk", 10);
        CHECK_OK(TerminateProcess(child, 7));
        CHECK_EQ(WaitForSingleObject(child, 10000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeProcess(child, &code));
        CHECK_EQ(code, 7);
        /* The rest of its write is gone: the parent's byte fits at once
         * (a synchronous write through its own copy of the end), and is
         * all there is to read. */
        CHECK_OK(WriteFile(c, "z", 1, &n, NULL));
        CHECK_EQ(n, 1);
        n = 0;
        CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
        CHECK_EQ(n, 1);
        CHECK_EQ(buf[0], 'z');
        CloseHandle(out);
        CloseHandle(child);
        CloseHandle(c);
        CloseHandle(s);
    }
}

/*
 * One quota for an end, whichever process writes through it (Windows
 * keeps the quota with the end, not the handle): a child's bytes through
 * its inherited copy count for the parent's next write, which waits
 * until the reader has taken enough; a child's write over the quota
 * pends until the reader reads, and then completes with all its bytes.
 */
static void test_quota_shared_end(void)
{
    const char *name = pipe_name("qshared");
    for (int ov_server = 0; ov_server < 2; ov_server++) {
        HANDLE s, c, child, out, t;
        struct q_writer w;
        DWORD code = 77;
        char first = 0;

        s = CreateNamedPipeA(name,
                             PIPE_ACCESS_DUPLEX |
                                 (ov_server ? FILE_FLAG_OVERLAPPED : 0),
                             PIPE_TYPE_BYTE, 1, 1024, 1024, 0, NULL);
        c = client(name, GENERIC_READ | GENERIC_WRITE);
        CHECK(c != INVALID_HANDLE_VALUE);
        q_client_came(s, ov_server);
        /* 800 through the child's copy: they fit, the child exits. */
        child = q_child(c, 0, 0, 800, 0, "exit", &out);
        CHECK_EQ(WaitForSingleObject(child, 10000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeProcess(child, &code));
        CHECK_EQ(code, 0);
        CloseHandle(child);
        CloseHandle(out);
        /* 800 more through the parent's: 1,600 unread, over 1,024. */
        t = q_write(&w, c, 800, 'p');
        CHECK(q_waits(&w));
        CHECK_EQ(q_avail(s), 1600);
        CHECK_EQ(q_read(s, 500, &first), 500); /* 1,100 unread */
        CHECK_EQ(first, 'k');
        CHECK_EQ(WaitForSingleObject(t, 50), WAIT_TIMEOUT);
        q_read_frees(s, 76, 'k', t, &w);

        /* A child's write over the quota pends until the reader reads. */
        child = q_child(c, 0, 0, 3000, 0, "exit", &out);
        q_child_wrote(out, "wrote sync");
        CHECK(q_wait_avail(s, 4024)); /* all its bytes are out */
        CHECK_EQ(WaitForSingleObject(child, 50), WAIT_TIMEOUT);
        CHECK_EQ(q_read(s, 1024, &first), 1024); /* the parent's, the child's */
        CHECK_EQ(first, 'k');
        CHECK_EQ(WaitForSingleObject(child, 50), WAIT_TIMEOUT);
        CHECK_EQ(q_read(s, 2000, NULL), 2000); /* 1,000 unread */
        CHECK_EQ(WaitForSingleObject(child, 10000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeProcess(child, &code));
        CHECK_EQ(code, 0);
        CHECK_EQ(q_avail(s), 1000);
        CloseHandle(child);
        CloseHandle(out);
        CloseHandle(c);
        CloseHandle(s);
    }
}

/* Writes of 100 bytes of 'p', 200 of them, through the parent's copy. */
static DWORD WINAPI q_write_many(LPVOID arg)
{
    char buf[100];
    DWORD n;
    memset(buf, 'p', sizeof buf);
    for (int i = 0; i < 200; i++)
        if (!WriteFile((HANDLE)arg, buf, sizeof buf, &n, NULL) || n != 100)
            return 1;
    return 0;
}

/*
 * Two processes write through copies of one end at the same time, each
 * over the quota many times (200 writes of 100 bytes each against 1,024):
 * they share the one quota (their writes wait for the reader in turn),
 * and every byte of both comes, each write whole (a byte pipe: the reader
 * counts them); neither waits for ever.
 */
static void test_quota_shared_writers(void)
{
    const char *name = pipe_name("qwriters");
    HANDLE s = q_server(name, 0, PIPE_TYPE_BYTE, 1024), c, child, out, t;
    static char buf[4096];
    DWORD n, got = 0, code = 77, k = 0, p = 0;

    c = client(name, GENERIC_READ | GENERIC_WRITE);
    CHECK(c != INVALID_HANDLE_VALUE);
    q_client_came(s, 0);
    child = q_child(c, 0, 0, 100, 0, "repeat", &out);
    q_child_wrote(out, "wrote sync");
    t = CreateThread(NULL, 0, q_write_many, c, 0, NULL);
    while (got < 40000) {
        n = 0;
        if (!ReadFile(s, buf, sizeof buf, &n, NULL) || n == 0)
            break;
        for (DWORD i = 0; i < n; i++) {
            k += buf[i] == 'k';
            p += buf[i] == 'p';
        }
        got += n;
    }
    CHECK_EQ(got, 40000);
    CHECK_EQ(k, 20000);
    CHECK_EQ(p, 20000);
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, 0);
    CHECK_EQ(WaitForSingleObject(child, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(child, &code));
    CHECK_EQ(code, 0);
    CHECK_EQ(q_avail(s), 0);
    CloseHandle(t);
    CloseHandle(out);
    CloseHandle(child);
    CloseHandle(c);
    CloseHandle(s);
}

/*
 * An end inherited by a child that does not use winipc (a shell running
 * cat, the end as its input): the child reads the socket without counting,
 * so the quota does not hold the server's writes, which complete (they
 * waited for ever for a reader that never counted).
 */
static void test_quota_child_without_winipc(void)
{
    /* A synchronous server (its page comes with its first bytes, which
     * the child reads) and an overlapped one (its page went with the end
     * and was never taken). */
    for (int ov = 0; ov < 2; ov++) {
        const char *name = pipe_name(ov ? "qnowinipcov" : "qnowinipc");
        SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
        STARTUPINFOA si;
        PROCESS_INFORMATION pi;
        HANDLE s = q_server(name, ov ? FILE_FLAG_OVERLAPPED : 0,
                            PIPE_TYPE_BYTE, 1024), c, t;
        struct q_writer w;
        char cmd[1024];
        DWORD code = 77;

        c = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, &sa,
                        OPEN_EXISTING, 0, NULL);
        CHECK(c != INVALID_HANDLE_VALUE);
        q_client_came(s, ov);
        /* The child finds the end's descriptor in WINIPC_HANDLES
         * (inherit.h). */
        snprintf(cmd, sizeof cmd,
                 "/bin/sh -c \"v=$1; IFS=';'; for it in $WINIPC_HANDLES; do "
                 "case $it in $v:*) fd=${it#*:}; fd=${fd%%%%:*};; esac; done; "
                 "eval exec cat '<&'$fd >/dev/null\" sh %#lx",
                 (unsigned long)(uintptr_t)c);
        memset(&si, 0, sizeof si);
        si.cb = sizeof si;
        CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL,
                                &si, &pi));
        CloseHandle(pi.hThread);
        CloseHandle(c);
        t = q_write(&w, s, 5000, 'n');
        CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
        CHECK(w.ok);
        CHECK_EQ(w.n, 5000);
        CloseHandle(t);
        CloseHandle(s); /* cat reads to the end, and exits */
        CHECK_EQ(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
        CHECK_EQ(code, 0);
        CloseHandle(pi.hProcess);
    }
}

int main(int argc, char **argv)
{
    ssize_t len = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    self_exe[len > 0 ? len : 0] = '\0';
    TEST_HELPERS(argc, argv, {"server", helper_server},
                 {"qwriter", helper_qwriter});
    RUN(test_names_and_parameters);
    RUN(test_connect_states);
    RUN(test_connect_blocks_until_client);
    RUN(test_messages);
    RUN(test_instances_and_access);
    RUN(test_transact_and_call);
    RUN(test_large_message_and_flush);
    RUN(test_flush_ends);
    RUN(test_flush_wakes);
    RUN(test_flush_half_closed_reader);
    RUN(test_server_process_killed);
    RUN(test_create_while_client_opens);
    RUN(test_close_both_while_flushing);
    RUN(test_process_ids_after_disconnect);
    RUN(test_client_of_this_machine);
    RUN(test_wait_woken_by_listen);
    RUN(test_pipe_made_anew);
    RUN(test_quota_sync_server);
    RUN(test_quota_half_closed_reader);
    RUN(test_quota_half_closed_reader_overlapped);
    RUN(test_half_closed_before_connect);
    RUN(test_quota_wakes_once);
    RUN(test_quota_writer_lets_reader_run);
    RUN(test_quota_before_accept);
    RUN(test_quota_cancel_before_read);
    RUN(test_quota_overlapped_client);
    RUN(test_quota_killed_writer);
    RUN(test_quota_shared_end);
    RUN(test_quota_shared_writers);
    RUN(test_quota_child_without_winipc);
    return TEST_SUMMARY();
}
