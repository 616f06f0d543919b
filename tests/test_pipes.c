/*
 * test_pipes.c: anonymous pipes.  CreatePipe (capacity, inheritance),
 * reads that return what is there, ERROR_BROKEN_PIPE and ERROR_NO_DATA
 * once the other end is gone (and never SIGPIPE), access by direction,
 * PeekNamedPipe, null reads and writes, FlushFileBuffers, and transfers
 * larger than the pipe with a reader thread.
 *
 * Expected values are Windows' as Wine 8 reproduces them; where Microsoft's
 * documentation says otherwise, the documentation wins and the check says
 * why.
 */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"
#include <winipc.h>

/* A call whose result is compared as a value, with the last error it
 * leaves (the last error is first set to a sentinel). */
#define CHECK_RESULT(call, expected, err)                                      \
    do {                                                                       \
        unsigned long long r2_;                                                \
        SetLastError(0xdeadbeef);                                              \
        r2_ = (unsigned long long)(uintptr_t)(call);                           \
        CHECK_EQ(r2_, (unsigned long long)(uintptr_t)(expected));              \
        CHECK_EQ(GetLastError(), (DWORD)(err));                                \
    } while (0)

/* Every wait in this file ends by this many milliseconds. */
#define WAIT_LIMIT 20000

static HANDLE closed_handle(void)
{
    HANDLE h = CreateEventA(NULL, TRUE, FALSE, NULL);
    CloseHandle(h);
    return h;
}

static DWORD avail_of(HANDLE r)
{
    DWORD avail = 0xdeadbeef;
    if (!PeekNamedPipe(r, NULL, 0, NULL, &avail, NULL))
        return 0xdeadbeef;
    return avail;
}

static void test_create(void)
{
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
    SECURITY_ATTRIBUTES no_inherit = {sizeof no_inherit, NULL, FALSE};
    SECURITY_ATTRIBUTES short_sa = {0, NULL, TRUE};
    HANDLE r = NULL, w = NULL;
    DWORD flags = 77;

    CHECK_RESULT(CreatePipe(&r, &w, NULL, 0), TRUE, 0xdeadbeef);
    CHECK(r != NULL && w != NULL && r != w);
    CHECK(r != INVALID_HANDLE_VALUE && w != INVALID_HANDLE_VALUE);
    CHECK_EQ((uintptr_t)r % 4, 0);
    CHECK_EQ((uintptr_t)w % 4, 0);
    CHECK_EQ(GetFileType(r), FILE_TYPE_PIPE);
    CHECK_EQ(GetFileType(w), FILE_TYPE_PIPE);
    CHECK_OK(GetHandleInformation(r, &flags));
    CHECK_EQ(flags, 0);
    CHECK_OK(GetHandleInformation(w, &flags));
    CHECK_EQ(flags, 0);
    /* A pipe handle is a file handle: always signalled. */
    CHECK_EQ(WaitForSingleObject(r, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(w, 0), WAIT_OBJECT_0);
    CloseHandle(r);
    CloseHandle(w);

    /* The inherit flag comes from SECURITY_ATTRIBUTES, for both ends, even
     * when nLength is not filled in (Wine). */
    CHECK_OK(CreatePipe(&r, &w, &inherit, 0));
    CHECK_OK(GetHandleInformation(r, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_INHERIT);
    CHECK_OK(GetHandleInformation(w, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_INHERIT);
    CloseHandle(r);
    CloseHandle(w);
    CHECK_OK(CreatePipe(&r, &w, &no_inherit, 0));
    CHECK_OK(GetHandleInformation(r, &flags));
    CHECK_EQ(flags, 0);
    CloseHandle(r);
    CloseHandle(w);
    CHECK_OK(CreatePipe(&r, &w, &short_sa, 0));
    CHECK_OK(GetHandleInformation(w, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_INHERIT);
    CloseHandle(r);
    CloseHandle(w);

    /* Absurd sizes are only suggestions. */
    CHECK_OK(CreatePipe(&r, &w, NULL, 0xffffffffu));
    CloseHandle(r);
    CloseHandle(w);
    CHECK_OK(CreatePipe(&r, &w, NULL, 1));
    CloseHandle(r);
    CloseHandle(w);

    /* Without somewhere to put the handles Windows faults (so does Wine);
     * winipc refuses with the error of an access violation instead. */
    CHECK_FAILS(CreatePipe(&r, NULL, NULL, 0), ERROR_NOACCESS);
    CHECK_FAILS(CreatePipe(NULL, &w, NULL, 0), ERROR_NOACCESS);
}

static long pipe_size_of(HANDLE h)
{
    return fcntl(winipc_handle_fd(h), F_GETPIPE_SZ);
}

static long pipe_max_size(void)
{
    long max = 0;
    FILE *f = fopen("/proc/sys/fs/pipe-max-size", "r");
    if (f) {
        if (fscanf(f, "%ld", &max) != 1)
            max = 0;
        fclose(f);
    }
    return max;
}

/* nSize is honoured as the capacity where Linux allows: rounded up to a
 * power-of-two number of pages, at most pipe-max-size. */
static void test_capacity(void)
{
    long page = sysconf(_SC_PAGESIZE), max = pipe_max_size(), dflt;
    int fds[2];
    HANDLE r, w;
    struct {
        DWORD size;
        long expect;
    } cases[] = {
        {1, page},
        {(DWORD)page, page},
        {(DWORD)page + 1, 2 * page},
        {(DWORD)page * 3, 4 * page},
        {65536, 65536},
        {65536 * 2, 65536 * 2},
        {1u << 20, 1L << 20},
    };
    size_t i;

    CHECK_EQ(pipe(fds), 0);
    dflt = fcntl(fds[0], F_GETPIPE_SZ);
    close(fds[0]);
    close(fds[1]);

    /* nSize 0: Windows' default, 4,096 (GetNamedPipeInfo says so, and a
     * write of more waits for the reader: Wine). */
    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_EQ(pipe_size_of(r), page);
    CHECK_EQ(pipe_size_of(w), page);
    CloseHandle(r);
    CloseHandle(w);

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].expect > max)
            continue;
        CHECK_OK(CreatePipe(&r, &w, NULL, cases[i].size));
        if (pipe_size_of(w) != cases[i].expect)
            TEST_FAIL_AT("CreatePipe(nSize %lu): capacity %ld, expected %ld",
                         (unsigned long)cases[i].size, pipe_size_of(w),
                         cases[i].expect);
        CloseHandle(r);
        CloseHandle(w);
    }

    /* An absurd size gets pipe-max-size, the most Linux allows an
     * unprivileged user: exactly that for root, which no pipe page quota
     * limits; a user over the quota may get less, not less than the
     * default. */
    CHECK_OK(CreatePipe(&r, &w, NULL, 0xffffffffu));
    if (geteuid() == 0)
        CHECK_EQ(pipe_size_of(w), max);
    else
        CHECK(pipe_size_of(w) >= dflt && pipe_size_of(w) <= max);
    CloseHandle(r);
    CloseHandle(w);

    /* The capacity is what the pipe holds. */
    CHECK_OK(CreatePipe(&r, &w, NULL, (DWORD)page));
    {
        char *buf = calloc(1, (size_t)page);
        DWORD n = 0;
        CHECK_OK(WriteFile(w, buf, (DWORD)page, &n, NULL));
        CHECK_EQ(n, page);
        CHECK_EQ(avail_of(r), page);
        free(buf);
    }
    CloseHandle(r);
    CloseHandle(w);
}

struct pipe_writer {
    HANDLE h;
    DWORD len, n;
    BOOL ok;
    _Atomic int tid;
};

static DWORD WINAPI pipe_write_thread(LPVOID arg)
{
    struct pipe_writer *w = arg;
    char *buf = calloc(1, w->len);
    atomic_store(&w->tid, test_gettid());
    w->ok = WriteFile(w->h, buf, w->len, &w->n, NULL);
    free(buf);
    return 0;
}

/* The capacity is the quota, as Windows holds a pipe to nSize (Wine): a
 * write that fits returns at once; one that does not waits until the
 * reader has taken enough (nSize 0: 4,096; conformance pipe_quota). */
static void test_quota(void)
{
    DWORD sizes[2] = {0, 65536}, fits[2] = {4096, 65536};
    for (int k = 0; k < 2; k++) {
        struct pipe_writer pw = {0};
        HANDLE r, w, t;
        static char buf[70000];
        DWORD n = 0, total = 0;

        CHECK_OK(CreatePipe(&r, &w, NULL, sizes[k]));
        pw.h = w;
        pw.len = fits[k];
        t = CreateThread(NULL, 0, pipe_write_thread, &pw, 0, NULL);
        CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
        CHECK(pw.ok);
        CloseHandle(t);
        CHECK_OK(ReadFile(r, buf, sizeof buf, &n, NULL));
        CHECK_EQ(n, fits[k]);

        pw.len = fits[k] + 1;
        atomic_store(&pw.tid, 0);
        t = CreateThread(NULL, 0, pipe_write_thread, &pw, 0, NULL);
        CHECK_EQ(test_wait_blocked(0, &pw.tid, 10000,
                                   TEST_SYSCALLS(SYS_write), -1, 0),
                 1);
        while (total < fits[k] + 1 && ReadFile(r, buf, sizeof buf, &n, NULL))
            total += n;
        CHECK_EQ(total, fits[k] + 1);
        CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
        CHECK(pw.ok);
        CHECK_EQ(pw.n, fits[k] + 1);
        CloseHandle(t);
        CloseHandle(r);
        CloseHandle(w);
    }
}

static void test_reads_return_what_is_there(void)
{
    HANDLE r, w;
    char buf[64];
    DWORD n = 0;

    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_RESULT(WriteFile(w, "hello", 5, &n, NULL), TRUE, 0xdeadbeef);
    CHECK_EQ(n, 5);
    n = 77;
    CHECK_RESULT(ReadFile(r, buf, sizeof buf, &n, NULL), TRUE, 0xdeadbeef);
    CHECK_EQ(n, 5);
    CHECK_MEM(buf, "hello", 5);
    /* Two writes, one read. */
    CHECK_OK(WriteFile(w, "abc", 3, &n, NULL));
    CHECK_OK(WriteFile(w, "defg", 4, &n, NULL));
    CHECK_OK(ReadFile(r, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 7);
    CHECK_MEM(buf, "abcdefg", 7);
    /* A short read leaves the rest. */
    CHECK_OK(WriteFile(w, "12345", 5, &n, NULL));
    CHECK_OK(ReadFile(r, buf, 2, &n, NULL));
    CHECK_EQ(n, 2);
    CHECK_MEM(buf, "12", 2);
    CHECK_EQ(avail_of(r), 3);
    CHECK_OK(ReadFile(r, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 3);
    CHECK_MEM(buf, "345", 3);
    CloseHandle(r);
    CloseHandle(w);
}

struct io_job {
    HANDLE h;
    /* delayed_writer acts once thread `waiter' is seen asleep in one of
     * the system calls `in' (a TEST_SYSCALLS list); `unseen' if it was not
     * within WAIT_LIMIT. */
    long waiter;
    const long *in;
    atomic_int unseen;
    _Atomic int tid; /* the kernel id of the thread running the job */
    int close;      /* close h instead of writing */
    const char *data;
    DWORD len;
    BOOL ok;
    DWORD n, err;
    char buf[64];
};

static DWORD WINAPI delayed_writer(LPVOID arg)
{
    struct io_job *j = arg;
    const _Atomic int waiter = (int)j->waiter;
    if (!test_wait_blocked(0, &waiter, WAIT_LIMIT, j->in, -1, 0))
        atomic_fetch_add(&j->unseen, 1);
    if (j->close)
        j->ok = CloseHandle(j->h);
    else
        j->ok = WriteFile(j->h, j->data, j->len, &j->n, NULL);
    return 0;
}

static DWORD WINAPI blocking_reader(LPVOID arg)
{
    struct io_job *j = arg;
    atomic_store(&j->tid, test_gettid());
    SetLastError(0);
    j->ok = ReadFile(j->h, j->buf, j->len, &j->n, NULL);
    j->err = GetLastError();
    return 0;
}

static HANDLE start(LPTHREAD_START_ROUTINE fn, void *arg)
{
    HANDLE t = CreateThread(NULL, 0, fn, arg, 0, NULL);
    CHECK_NE(t, NULL);
    return t;
}

static void finish(HANDLE t)
{
    CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
    CloseHandle(t);
}

static void test_blocking_read(void)
{
    HANDLE r, w, t;
    struct io_job reader = {0}, writer = {0};

    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    /* A read on an empty pipe waits for the writer. */
    reader.h = r;
    reader.len = sizeof reader.buf;
    t = start(blocking_reader, &reader);
    /* It is blocked in read() before anything is written. */
    CHECK(test_wait_blocked(0, &reader.tid, WAIT_LIMIT, TEST_SYSCALLS(SYS_read),
                            -1, 0));
    CHECK_OK(WriteFile(w, "late", 4, &writer.n, NULL));
    finish(t);
    CHECK(reader.ok);
    CHECK_EQ(reader.n, 4);
    CHECK_MEM(reader.buf, "late", 4);

    /* ...or for the last writer to go. */
    atomic_store(&reader.tid, 0);
    t = start(blocking_reader, &reader);
    CHECK(test_wait_blocked(0, &reader.tid, WAIT_LIMIT, TEST_SYSCALLS(SYS_read),
                            -1, 0));
    CHECK_OK(CloseHandle(w));
    finish(t);
    CHECK(!reader.ok);
    CHECK_EQ(reader.err, ERROR_BROKEN_PIPE);
    CHECK_EQ(reader.n, 0);
    CloseHandle(r);
}

/* A null read waits as a read does: it returns (reading nothing) once the
 * pipe holds data, and fails once the last writer is gone (Wine). */
static void test_null_read(void)
{
    HANDLE r, w, t;
    struct io_job reader = {0}, writer = {0};
    DWORD n = 77;

    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_OK(WriteFile(w, "ab", 2, &n, NULL));
    n = 77;
    CHECK_RESULT(ReadFile(r, reader.buf, 0, &n, NULL), TRUE, 0xdeadbeef);
    CHECK_EQ(n, 0);
    CHECK_OK(ReadFile(r, NULL, 0, &n, NULL));
    CHECK_EQ(avail_of(r), 2); /* nothing consumed */
    CHECK_OK(ReadFile(r, reader.buf, sizeof reader.buf, &n, NULL));

    reader.h = r;
    reader.len = 0;
    writer.h = w;
    /* The writer acts once this thread's null read is blocked (in poll()). */
    writer.waiter = test_gettid();
    writer.in = TEST_SYS_POLL;
    writer.data = "xy";
    writer.len = 2;
    t = start(delayed_writer, &writer);
    CHECK_OK(ReadFile(r, reader.buf, 0, &n, NULL));
    CHECK_EQ(n, 0);
    finish(t);
    CHECK(writer.ok);
    CHECK_EQ(avail_of(r), 2);
    CHECK_OK(ReadFile(r, reader.buf, sizeof reader.buf, &n, NULL));

    writer.close = 1;
    t = start(delayed_writer, &writer);
    n = 77;
    CHECK_FAILS(ReadFile(r, reader.buf, 0, &n, NULL), ERROR_BROKEN_PIPE);
    CHECK_EQ(n, 0);
    finish(t);
    CHECK(writer.ok);
    CloseHandle(r);

    /* Data left behind by a writer that is gone: a null read succeeds. */
    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_OK(WriteFile(w, "x", 1, &n, NULL));
    CloseHandle(w);
    CHECK_OK(ReadFile(r, NULL, 0, &n, NULL));
    CHECK_OK(ReadFile(r, reader.buf, sizeof reader.buf, &n, NULL));
    CHECK_EQ(n, 1);
    CHECK_FAILS(ReadFile(r, NULL, 0, &n, NULL), ERROR_BROKEN_PIPE);
    CloseHandle(r);
    /* Both null reads above were blocked when the writer acted. */
    CHECK_EQ(atomic_load(&writer.unseen), 0);
}

static void test_broken_pipe(void)
{
    HANDLE r, w, w2;
    char buf[32];
    DWORD n;

    /* Queued data is read first; then every read is broken. */
    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_OK(WriteFile(w, "abc", 3, &n, NULL));
    CHECK_OK(CloseHandle(w));
    CHECK_EQ(avail_of(r), 3);
    CHECK_OK(ReadFile(r, buf, 2, &n, NULL));
    CHECK_EQ(n, 2);
    CHECK_OK(ReadFile(r, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 1);
    n = 77;
    CHECK_FAILS(ReadFile(r, buf, sizeof buf, &n, NULL), ERROR_BROKEN_PIPE);
    CHECK_EQ(n, 0);
    CHECK_FAILS(ReadFile(r, buf, sizeof buf, &n, NULL), ERROR_BROKEN_PIPE);
    CHECK_FAILS(PeekNamedPipe(r, NULL, 0, NULL, &n, NULL), ERROR_BROKEN_PIPE);
    CloseHandle(r);

    /* Only the last write handle breaks the pipe. */
    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), w, GetCurrentProcess(), &w2,
                             0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(CloseHandle(w));
    CHECK_EQ(avail_of(r), 0);
    CHECK_OK(WriteFile(w2, "z", 1, &n, NULL));
    CHECK_OK(ReadFile(r, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 1);
    CHECK_OK(CloseHandle(w2));
    CHECK_FAILS(ReadFile(r, buf, sizeof buf, &n, NULL), ERROR_BROKEN_PIPE);
    CloseHandle(r);
}

static void test_no_reader(void)
{
    HANDLE r, w, r2;
    DWORD n;

    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_OK(CloseHandle(r));
    n = 77;
    CHECK_FAILS(WriteFile(w, "x", 1, &n, NULL), ERROR_NO_DATA);
    CHECK_EQ(n, 0);
    CHECK_FAILS(WriteFile(w, "x", 1, &n, NULL), ERROR_NO_DATA);
    /* Even a null write fails. */
    n = 77;
    CHECK_FAILS(WriteFile(w, "x", 0, &n, NULL), ERROR_NO_DATA);
    CHECK_EQ(n, 0);
    /* Nothing is left to flush for (Wine). */
    CHECK_RESULT(FlushFileBuffers(w), TRUE, 0xdeadbeef);
    CloseHandle(w);

    /* Data queued when the reader went does not help. */
    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_OK(WriteFile(w, "abc", 3, &n, NULL));
    CHECK_OK(CloseHandle(r));
    CHECK_FAILS(WriteFile(w, "x", 1, &n, NULL), ERROR_NO_DATA);
    CHECK_RESULT(FlushFileBuffers(w), TRUE, 0xdeadbeef);
    CloseHandle(w);

    /* A duplicate keeps the read end open. */
    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), r, GetCurrentProcess(), &r2,
                             0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(CloseHandle(r));
    CHECK_OK(WriteFile(w, "q", 1, &n, NULL));
    CHECK_OK(CloseHandle(r2));
    CHECK_FAILS(WriteFile(w, "q", 1, &n, NULL), ERROR_NO_DATA);
    CloseHandle(w);
}

/* Helper process: SIGPIPE with its default action and unblocked, a write
 * to a pipe without readers.  If the library let the signal through, the
 * helper would die of it. */
static int helper_sigpipe(int argc, char **argv)
{
    HANDLE r, w;
    DWORD n;
    sigset_t set, pending;

    (void)argc;
    (void)argv;
    signal(SIGPIPE, SIG_DFL);
    sigemptyset(&set);
    sigprocmask(SIG_SETMASK, &set, NULL);
    if (!CreatePipe(&r, &w, NULL, 0) || !CloseHandle(r))
        return 2;
    if (WriteFile(w, "x", 1, &n, NULL) || GetLastError() != ERROR_NO_DATA)
        return 3;
    if (WriteFile(w, "xyz", 3, &n, NULL) || GetLastError() != ERROR_NO_DATA)
        return 4;
    /* Not even pending for when the program blocks and unblocks it. */
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE))
        return 5;
    return 0;
}

extern char **environ;
static const char *self_path = "/proc/self/exe";

static void test_no_sigpipe(void)
{
    char *args[] = {(char *)self_path, "--helper", "sigpipe", NULL};
    pid_t pid;
    int status = 0;

    CHECK_EQ(posix_spawn(&pid, self_path, NULL, NULL, args, environ), 0);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status))
        TEST_FAIL_AT("the helper died of signal %d", WTERMSIG(status));
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);

    /* Here too, with SIGPIPE's default action in this process. */
    {
        void (*old)(int) = signal(SIGPIPE, SIG_DFL);
        HANDLE r, w;
        DWORD n;
        CHECK_OK(CreatePipe(&r, &w, NULL, 0));
        CloseHandle(r);
        CHECK_FAILS(WriteFile(w, "x", 1, &n, NULL), ERROR_NO_DATA);
        CloseHandle(w);
        signal(SIGPIPE, old);
    }
}

static void test_wrong_direction(void)
{
    HANDLE r, w;
    char buf[8];
    DWORD n;
    LARGE_INTEGER li;

    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    n = 77;
    CHECK_FAILS(ReadFile(w, buf, 1, &n, NULL), ERROR_ACCESS_DENIED);
    CHECK_EQ(n, 0);
    n = 77;
    CHECK_FAILS(WriteFile(r, "x", 1, &n, NULL), ERROR_ACCESS_DENIED);
    CHECK_EQ(n, 0);
    CHECK_FAILS(PeekNamedPipe(w, buf, sizeof buf, &n, &n, NULL),
                ERROR_ACCESS_DENIED);
    /* FlushFileBuffers: "The handle must have the GENERIC_WRITE access
     * right" (Wine 8 lets the read end flush; Microsoft's documentation
     * wins). */
    CHECK_FAILS(FlushFileBuffers(r), ERROR_ACCESS_DENIED);
    CHECK_RESULT(FlushFileBuffers(w), TRUE, 0xdeadbeef); /* empty */

    /* Pipes have neither a size nor a file pointer nor an end. */
    CHECK_RESULT(GetFileSize(r, NULL), INVALID_FILE_SIZE,
                 ERROR_INVALID_FUNCTION);
    CHECK_RESULT(GetFileSize(w, NULL), INVALID_FILE_SIZE,
                 ERROR_INVALID_FUNCTION);
    CHECK_FAILS(GetFileSizeEx(r, &li), ERROR_INVALID_FUNCTION);
    CHECK_FAILS(SetEndOfFile(w), ERROR_INVALID_FUNCTION);
    CHECK_FAILS(SetEndOfFile(r), ERROR_INVALID_FUNCTION);
    /* Windows documents only that SetFilePointer "cannot" be used on a
     * pipe; Wine fails moves relative to the current position or the end
     * with ERROR_INVALID_FUNCTION (and absolute ones with
     * ERROR_BAD_DEV_TYPE, which winipc does not have), and a negative
     * absolute one with ERROR_NEGATIVE_SEEK first. */
    CHECK_RESULT(SetFilePointer(r, 0, NULL, FILE_CURRENT),
                 INVALID_SET_FILE_POINTER, ERROR_INVALID_FUNCTION);
    CHECK_RESULT(SetFilePointer(w, 0, NULL, FILE_END), INVALID_SET_FILE_POINTER,
                 ERROR_INVALID_FUNCTION);
    CHECK_RESULT(SetFilePointer(w, -5, NULL, FILE_BEGIN),
                 INVALID_SET_FILE_POINTER, ERROR_NEGATIVE_SEEK);
    CHECK_RESULT(SetFilePointer(w, 0, NULL, 7), INVALID_SET_FILE_POINTER,
                 ERROR_INVALID_PARAMETER);
    CloseHandle(r);
    CloseHandle(w);
}

static void test_peek(void)
{
    HANDLE r, w, f;
    char buf[64] = {0};
    DWORD n, avail, left;
    const char *path = test_tmp_path("peek");

    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    avail = 77;
    CHECK_RESULT(PeekNamedPipe(r, NULL, 0, NULL, &avail, NULL), TRUE,
                 0xdeadbeef);
    CHECK_EQ(avail, 0);
    CHECK_OK(PeekNamedPipe(r, NULL, 0, NULL, NULL, NULL));
    n = 77;
    CHECK_OK(PeekNamedPipe(r, buf, sizeof buf, &n, NULL, NULL));
    CHECK_EQ(n, 0);

    CHECK_OK(WriteFile(w, "hello", 5, &n, NULL));
    n = avail = left = 77;
    CHECK_OK(PeekNamedPipe(r, buf, 3, &n, &avail, &left));
    CHECK_EQ(n, 3);
    CHECK_EQ(avail, 5);
    CHECK_MEM(buf, "hel", 3);
    /* "This parameter will be zero for byte-type named pipes or for
     * anonymous pipes" (Wine 8 reports 5 - 3 wrapped around; Microsoft's
     * documentation wins). */
    CHECK_EQ(left, 0);
    CHECK_OK(PeekNamedPipe(r, buf, sizeof buf, &n, &avail, NULL));
    CHECK_EQ(n, 5);
    CHECK_MEM(buf, "hello", 5);
    /* Without a buffer the count is still what would have been copied
     * (Windows peeks into a buffer of its own; Wine does the same). */
    n = 77;
    CHECK_OK(PeekNamedPipe(r, NULL, 64, &n, &avail, NULL));
    CHECK_EQ(n, 5);
    CHECK_OK(PeekNamedPipe(r, NULL, 2, &n, &avail, NULL));
    CHECK_EQ(n, 2);
    /* Nothing was consumed. */
    memset(buf, 0, sizeof buf);
    CHECK_OK(ReadFile(r, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 5);
    CHECK_MEM(buf, "hello", 5);
    CHECK_EQ(avail_of(r), 0);
    CloseHandle(r);
    CloseHandle(w);

    /* Not a pipe. */
    f = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                    0, NULL);
    CHECK_FAILS(PeekNamedPipe(f, NULL, 0, NULL, &avail, NULL),
                ERROR_NOT_SUPPORTED);
    CloseHandle(f);
    DeleteFileA(path);
    f = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_FAILS(PeekNamedPipe(f, NULL, 0, NULL, &avail, NULL),
                ERROR_INVALID_HANDLE);
    CloseHandle(f);
    CHECK_FAILS(PeekNamedPipe(NULL, NULL, 0, NULL, &avail, NULL),
                ERROR_INVALID_HANDLE);
    CHECK_FAILS(PeekNamedPipe(closed_handle(), NULL, 0, NULL, &avail, NULL),
                ERROR_INVALID_HANDLE);
    CHECK_FAILS(PeekNamedPipe(GetCurrentProcess(), NULL, 0, NULL, &avail, NULL),
                ERROR_INVALID_HANDLE);
    CHECK_FAILS(PeekNamedPipe(GetCurrentThread(), NULL, 0, NULL, &avail, NULL),
                ERROR_INVALID_HANDLE);
}

struct pump {
    HANDLE h;
    DWORD total, chunk;
    DWORD done;
    int ok;
};

static unsigned char pattern(DWORD i)
{
    return (unsigned char)(i * 7 + 3);
}

static DWORD WINAPI pump_reader(LPVOID arg)
{
    struct pump *p = arg;
    unsigned char *buf = malloc(p->chunk);
    p->ok = buf != NULL;
    while (p->ok && p->done < p->total) {
        DWORD n = 0, i;
        if (!ReadFile(p->h, buf, p->chunk, &n, NULL) || n == 0) {
            p->ok = 0;
            break;
        }
        for (i = 0; i < n; i++)
            if (buf[i] != pattern(p->done + i))
                p->ok = 0;
        p->done += n;
    }
    free(buf);
    return 0;
}

/* Writes larger than the pipe complete once the reader has taken enough. */
static void test_large_writes(void)
{
    enum { TOTAL = 1 << 20 };
    unsigned char *data = malloc(TOTAL);
    struct pump p = {0};
    HANDLE r, w, t;
    DWORD i, n = 0, written = 0;

    for (i = 0; i < TOTAL; i++)
        data[i] = pattern(i);

    /* One write of 1 MiB into a 4 KiB pipe. */
    CHECK_OK(CreatePipe(&r, &w, NULL, 4096));
    p.h = r;
    p.total = TOTAL;
    p.chunk = 1000;
    t = start(pump_reader, &p);
    CHECK_RESULT(WriteFile(w, data, TOTAL, &n, NULL), TRUE, 0xdeadbeef);
    CHECK_EQ(n, TOTAL);
    finish(t);
    CHECK(p.ok);
    CHECK_EQ(p.done, TOTAL);
    CloseHandle(r);
    CloseHandle(w);

    /* Many writes of odd sizes into a default pipe, read in large chunks. */
    memset(&p, 0, sizeof p);
    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    p.h = r;
    p.total = TOTAL;
    p.chunk = 100000;
    t = start(pump_reader, &p);
    while (written < TOTAL) {
        DWORD len = TOTAL - written < 3333 ? TOTAL - written : 3333;
        if (!WriteFile(w, data + written, len, &n, NULL) || n != len)
            break;
        written += n;
    }
    CHECK_EQ(written, TOTAL);
    /* FlushFileBuffers returns once the reader has taken everything. */
    CHECK_OK(FlushFileBuffers(w));
    finish(t);
    CHECK(p.ok);
    CHECK_EQ(p.done, TOTAL);
    CHECK_EQ(avail_of(r), 0);
    CloseHandle(r);
    CloseHandle(w);
    free(data);
}

int main(int argc, char **argv)
{
    TEST_HELPERS(argc, argv, {"sigpipe", helper_sigpipe});
    RUN(test_create);
    RUN(test_capacity);
    RUN(test_quota);
    RUN(test_reads_return_what_is_there);
    RUN(test_blocking_read);
    RUN(test_null_read);
    RUN(test_broken_pipe);
    RUN(test_no_reader);
    RUN(test_no_sigpipe);
    RUN(test_wrong_direction);
    RUN(test_peek);
    RUN(test_large_writes);
    return TEST_SUMMARY();
}
