/*
 * test_handles.c: the handle table, pseudo handles, CloseHandle,
 * Get/SetHandleInformation, DuplicateHandle within the process, reference
 * counting, and the handle <-> descriptor extensions of <winipc.h>.
 *
 * Expected values are Windows' as Wine 8 reproduces them; where Microsoft's
 * documentation says otherwise, the documentation wins and the check says
 * why.
 */
#include <fcntl.h>
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

/* A handle whose value was valid once and is no longer. */
static HANDLE closed_handle(void)
{
    HANDLE h = CreateEventA(NULL, TRUE, FALSE, NULL);
    CloseHandle(h);
    return h;
}

static HANDLE new_event(void)
{
    return CreateEventA(NULL, TRUE, FALSE, NULL);
}

static int is_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFD);
    return fl >= 0 && (fl & FD_CLOEXEC);
}

static int fd_is_open(int fd)
{
    return fcntl(fd, F_GETFD) >= 0;
}

static void test_handle_values(void)
{
    HANDLE a = new_event(), b = new_event(), c = new_event(), d, e;

    CHECK_NE(a, NULL);
    CHECK_NE(b, NULL);
    CHECK_NE(c, NULL);
    CHECK_EQ((uintptr_t)a % 4, 0);
    CHECK_EQ((uintptr_t)b % 4, 0);
    CHECK_EQ((uintptr_t)c % 4, 0);
    CHECK(a != b && b != c && a != c);
    CHECK(a != INVALID_HANDLE_VALUE && b != INVALID_HANDLE_VALUE);

    /* A freed value is used again... */
    CHECK_OK(CloseHandle(b));
    d = new_event();
    CHECK_EQ(d, b);

    /* ...the lowest one first.  Windows' own table makes no promise about
     * which free value comes next; Wine and winipc take the lowest. */
    CHECK_OK(CloseHandle(d));
    CHECK_OK(CloseHandle(a));
    d = new_event();
    e = new_event();
    CHECK_EQ(d, a < b ? a : b);
    CHECK_EQ(e, a < b ? b : a);
    CloseHandle(c);
    CloseHandle(d);
    CloseHandle(e);
}

static void test_many_handles(void)
{
    enum { N = 3000 };
    static HANDLE h[N];
    int i, ok = 1;

    /* Values are distinct and the table grows past its first size. */
    for (i = 0; i < N; i++) {
        h[i] = new_event();
        if (!h[i] || (uintptr_t)h[i] % 4 != 0)
            ok = 0;
        if (i > 0 && h[i] == h[i - 1])
            ok = 0;
    }
    CHECK(ok);
    CHECK_OK(SetEvent(h[N - 1]));
    CHECK_EQ(WaitForSingleObject(h[N - 1], 0), WAIT_OBJECT_0);
    for (i = 0; i < N; i++)
        if (!CloseHandle(h[i]))
            ok = 0;
    CHECK(ok);
}

static void test_pseudo_handles(void)
{
    HANDLE before, after;
    DWORD flags = 77;

    CHECK_EQ(GetCurrentProcess(), (HANDLE)(LONG_PTR)-1);
    CHECK_EQ(GetCurrentThread(), (HANDLE)(LONG_PTR)-2);
    CHECK_EQ(GetCurrentProcess(), INVALID_HANDLE_VALUE);

    /* Pseudo handles are not in the table: closing them does nothing and
     * succeeds, and they stay usable. */
    before = new_event();
    CloseHandle(before);
    CHECK_RESULT(CloseHandle(GetCurrentProcess()), TRUE, 0xdeadbeef);
    CHECK_RESULT(CloseHandle(GetCurrentThread()), TRUE, 0xdeadbeef);
    CHECK_RESULT(CloseHandle(INVALID_HANDLE_VALUE), TRUE, 0xdeadbeef);
    CHECK_EQ(WaitForSingleObject(GetCurrentProcess(), 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(GetCurrentThread(), 0), WAIT_TIMEOUT);
    after = new_event();
    CHECK_EQ(after, before);
    CloseHandle(after);

    /* Their information can be read (no flags) but not set. */
    CHECK_RESULT(GetHandleInformation(GetCurrentProcess(), &flags), TRUE,
                 0xdeadbeef);
    CHECK_EQ(flags, 0);
    flags = 77;
    CHECK_RESULT(GetHandleInformation(GetCurrentThread(), &flags), TRUE,
                 0xdeadbeef);
    CHECK_EQ(flags, 0);
    CHECK_FAILS(SetHandleInformation(GetCurrentProcess(), HANDLE_FLAG_INHERIT,
                                     HANDLE_FLAG_INHERIT),
                ERROR_ACCESS_DENIED);
    CHECK_FAILS(SetHandleInformation(GetCurrentThread(), 0, 0),
                ERROR_ACCESS_DENIED);

    /* The ids behind them. */
    CHECK_EQ(GetProcessId(GetCurrentProcess()), GetCurrentProcessId());
    CHECK_EQ(GetThreadId(GetCurrentThread()), GetCurrentThreadId());
    CHECK_EQ(GetCurrentProcessId(), (DWORD)getpid());
}

static void test_close_errors(void)
{
    HANDLE h = new_event();

    CHECK_FAILS(CloseHandle(NULL), ERROR_INVALID_HANDLE);
    CHECK_FAILS(CloseHandle((HANDLE)(uintptr_t)0x12340), ERROR_INVALID_HANDLE);
    CHECK_FAILS(CloseHandle((HANDLE)(uintptr_t)0x7ffffff0),
                ERROR_INVALID_HANDLE);
    CHECK_OK(CloseHandle(h));
    CHECK_FAILS(CloseHandle(h), ERROR_INVALID_HANDLE);

    /* A protected handle cannot be closed, and stays open. */
    h = new_event();
    CHECK_OK(SetHandleInformation(h, HANDLE_FLAG_PROTECT_FROM_CLOSE,
                                  HANDLE_FLAG_PROTECT_FROM_CLOSE));
    CHECK_FAILS(CloseHandle(h), ERROR_INVALID_HANDLE);
    CHECK_OK(SetEvent(h));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CHECK_OK(SetHandleInformation(h, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0));
    CHECK_OK(CloseHandle(h));
    CHECK_FAILS(SetEvent(h), ERROR_INVALID_HANDLE);
}

static void test_handle_information(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE h = new_event(), inh = CreateEventA(&sa, FALSE, FALSE, NULL);
    HANDLE gone = closed_handle();
    DWORD flags = 77;

    CHECK_OK(GetHandleInformation(h, &flags));
    CHECK_EQ(flags, 0);
    CHECK_OK(GetHandleInformation(inh, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_INHERIT);

    /* Each flag alone, then both through a mask with unknown bits. */
    CHECK_OK(SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT));
    CHECK_OK(GetHandleInformation(h, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_INHERIT);
    CHECK_OK(SetHandleInformation(h, HANDLE_FLAG_PROTECT_FROM_CLOSE,
                                  HANDLE_FLAG_PROTECT_FROM_CLOSE));
    CHECK_OK(GetHandleInformation(h, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE);
    CHECK_OK(SetHandleInformation(h, HANDLE_FLAG_INHERIT, 0));
    CHECK_OK(GetHandleInformation(h, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_PROTECT_FROM_CLOSE);
    CHECK_OK(SetHandleInformation(h, 0xffffffffu, 0));
    CHECK_OK(GetHandleInformation(h, &flags));
    CHECK_EQ(flags, 0);
    CHECK_OK(SetHandleInformation(h, 0xffffffffu, 0xffffffffu));
    CHECK_OK(GetHandleInformation(h, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE);
    /* Bits outside the two flags are ignored; a zero mask changes nothing. */
    CHECK_OK(SetHandleInformation(h, 0xffffffffu, 0));
    CHECK_OK(SetHandleInformation(h, 4, 4));
    CHECK_OK(SetHandleInformation(h, 0, 0xffffffffu));
    CHECK_OK(GetHandleInformation(h, &flags));
    CHECK_EQ(flags, 0);

    /* The out-pointer may be NULL (Wine: success, nothing written). */
    CHECK_RESULT(GetHandleInformation(h, NULL), TRUE, 0xdeadbeef);

    CHECK_FAILS(GetHandleInformation(NULL, &flags), ERROR_INVALID_HANDLE);
    CHECK_FAILS(GetHandleInformation(gone, &flags), ERROR_INVALID_HANDLE);
    CHECK_FAILS(GetHandleInformation((HANDLE)(uintptr_t)0x12340, &flags),
                ERROR_INVALID_HANDLE);
    CHECK_FAILS(GetHandleInformation(gone, NULL), ERROR_INVALID_HANDLE);
    CHECK_FAILS(SetHandleInformation(NULL, 1, 1), ERROR_INVALID_HANDLE);
    CHECK_FAILS(SetHandleInformation(gone, 1, 1), ERROR_INVALID_HANDLE);
    CHECK_FAILS(SetHandleInformation(gone, 0, 0), ERROR_INVALID_HANDLE);
    CloseHandle(h);
    CloseHandle(inh);
}

static void test_duplicate_basic(void)
{
    HANDLE h = new_event(), dup = NULL, dup2 = NULL;
    DWORD flags = 77;

    CHECK_RESULT(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(),
                                 &dup, 0, FALSE, DUPLICATE_SAME_ACCESS),
                 TRUE, 0xdeadbeef);
    CHECK_NE(dup, NULL);
    CHECK_NE(dup, h);
    CHECK_EQ((uintptr_t)dup % 4, 0);

    /* Both name the same event. */
    CHECK_OK(SetEvent(h));
    CHECK_EQ(WaitForSingleObject(dup, 0), WAIT_OBJECT_0);
    CHECK_OK(ResetEvent(dup));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);

    /* The inherit flag comes from bInheritHandle; protection is not
     * copied. */
    CHECK_OK(SetHandleInformation(
        h, HANDLE_FLAG_PROTECT_FROM_CLOSE | HANDLE_FLAG_INHERIT,
        HANDLE_FLAG_PROTECT_FROM_CLOSE | HANDLE_FLAG_INHERIT));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &dup2,
                             0, TRUE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(GetHandleInformation(dup2, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_INHERIT);
    CloseHandle(dup2);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &dup2,
                             0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(GetHandleInformation(dup2, &flags));
    CHECK_EQ(flags, 0);
    CloseHandle(dup2);
    CHECK_OK(SetHandleInformation(h, 0xffffffffu, 0));

    /* Duplicating a duplicate, and through INVALID_HANDLE_VALUE (which is
     * the current process). */
    CHECK_OK(DuplicateHandle(INVALID_HANDLE_VALUE, dup, INVALID_HANDLE_VALUE,
                             &dup2, 0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(SetEvent(dup2));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CloseHandle(dup2);

    /* Unknown option bits are ignored. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &dup2,
                             0, FALSE, 0xfc | DUPLICATE_SAME_ACCESS));
    CHECK_OK(SetEvent(dup2));
    CloseHandle(dup2);

    CHECK_OK(CloseHandle(h));
    CHECK_OK(CloseHandle(dup));
}

/* The current process, duplicated: a real handle that never signals while
 * we run. */
static void test_duplicate_current_process(void)
{
    HANDLE p = NULL, q = NULL, out;
    int fd;

    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             GetCurrentProcess(), &p, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK(p != NULL && p != GetCurrentProcess() && p != GetCurrentThread());
    CHECK_EQ((uintptr_t)p % 4, 0);
    CHECK_EQ(WaitForSingleObject(p, 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(p, 50), WAIT_TIMEOUT);
    CHECK_EQ(GetProcessId(p), GetCurrentProcessId());
    CHECK_EQ(GetFileType(p), FILE_TYPE_UNKNOWN);
    fd = winipc_handle_fd(p);
    CHECK(fd >= 0);
    CHECK(is_cloexec(fd));

    /* It can serve as the process argument of DuplicateHandle. */
    CHECK_OK(DuplicateHandle(p, p, p, &q, 0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_EQ(GetProcessId(q), GetCurrentProcessId());
    CloseHandle(q);

    /* Closing the pseudo source handle "closes" nothing. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             GetCurrentProcess(), &q, 0, FALSE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_EQ(WaitForSingleObject(GetCurrentProcess(), 0), WAIT_TIMEOUT);
    CloseHandle(q);

    /* Explicit rights: querying needs PROCESS_QUERY_(LIMITED_)INFORMATION,
     * waiting needs SYNCHRONIZE. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             GetCurrentProcess(), &q, PROCESS_QUERY_INFORMATION,
                             FALSE, 0));
    CHECK_EQ(GetProcessId(q), GetCurrentProcessId());
    SetLastError(0xdeadbeef);
    CHECK_EQ(WaitForSingleObject(q, 0), WAIT_FAILED);
    CHECK_EQ(GetLastError(), ERROR_ACCESS_DENIED);
    CloseHandle(q);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             GetCurrentProcess(), &q,
                             PROCESS_QUERY_LIMITED_INFORMATION, FALSE, 0));
    CHECK_EQ(GetProcessId(q), GetCurrentProcessId());
    CloseHandle(q);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             GetCurrentProcess(), &q, SYNCHRONIZE, FALSE, 0));
    CHECK_EQ(WaitForSingleObject(q, 0), WAIT_TIMEOUT);
    CHECK_RESULT(GetProcessId(q), 0, ERROR_ACCESS_DENIED);
    CHECK_OK(CloseHandle(q));

    /* A process handle without PROCESS_DUP_HANDLE cannot duplicate. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             GetCurrentProcess(), &q, SYNCHRONIZE, FALSE, 0));
    CHECK_FAILS(DuplicateHandle(q, p, GetCurrentProcess(), &out, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_ACCESS_DENIED);
    CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), p, q, &out, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_ACCESS_DENIED);
    CloseHandle(q);
    CHECK_OK(CloseHandle(p));
}

static HANDLE thread_self_dup;

static DWORD WINAPI dup_own_thread(LPVOID arg)
{
    (void)arg;
    if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(),
                         GetCurrentProcess(), &thread_self_dup, 0, FALSE,
                         DUPLICATE_SAME_ACCESS))
        return 1;
    return 42;
}

static void test_duplicate_current_thread(void)
{
    HANDLE t = NULL, th;
    DWORD code = 0;

    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(),
                             GetCurrentProcess(), &t, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK(t != NULL && t != GetCurrentThread());
    CHECK_EQ(WaitForSingleObject(t, 0), WAIT_TIMEOUT);
    CHECK_EQ(GetThreadId(t), GetCurrentThreadId());
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, STILL_ACTIVE);
    CHECK_OK(CloseHandle(t));

    /* A thread's duplicate of its own pseudo handle outlives the thread and
     * is signalled once the thread has ended. */
    th = CreateThread(NULL, 0, dup_own_thread, NULL, 0, NULL);
    CHECK_NE(th, NULL);
    CHECK_EQ(WaitForSingleObject(th, 10000), WAIT_OBJECT_0);
    CHECK_OK(CloseHandle(th));
    CHECK_NE(thread_self_dup, NULL);
    CHECK_EQ(WaitForSingleObject(thread_self_dup, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(thread_self_dup, &code));
    CHECK_EQ(code, 42);
    CHECK_OK(CloseHandle(thread_self_dup));
}

static void test_duplicate_close_source(void)
{
    HANDLE h = new_event(), src, dup = NULL;
    DWORD flags;

    /* Success: the source is gone, the duplicate works. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &src,
                             0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), src, GetCurrentProcess(),
                             &dup, 0, FALSE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_OK(SetEvent(dup));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    /* (Wine closes the source first, so the duplicate may take its value;
     * winipc allocates first.  Either way the source is gone.) */
    if (dup != src)
        CHECK_FAILS(CloseHandle(src), ERROR_INVALID_HANDLE);
    CloseHandle(dup);

    /* Failure: "closes the source handle regardless of any error status
     * returned" (the target process here is not a process). */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &src,
                             0, FALSE, DUPLICATE_SAME_ACCESS));
    dup = (HANDLE)(uintptr_t)0x55;
    CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), src, h, &dup, 0, FALSE,
                                DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE),
                ERROR_INVALID_HANDLE);
    CHECK_EQ(dup, NULL);
    CHECK_FAILS(CloseHandle(src), ERROR_INVALID_HANDLE);

    /* The target process "can be specified as NULL if the
     * DUPLICATE_CLOSE_SOURCE flag is set": then the call only closes the
     * source, and succeeds.  (Wine 8 fails with ERROR_INVALID_HANDLE after
     * closing the source; Microsoft's documentation wins.) */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &src,
                             0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_RESULT(DuplicateHandle(GetCurrentProcess(), src, NULL, NULL, 0, FALSE,
                                 DUPLICATE_CLOSE_SOURCE),
                 TRUE, 0xdeadbeef);
    CHECK_FAILS(CloseHandle(src), ERROR_INVALID_HANDLE);

    /* A protected source is not closed (Wine), and its protection is not
     * copied. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &src,
                             0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(SetHandleInformation(src, HANDLE_FLAG_PROTECT_FROM_CLOSE,
                                  HANDLE_FLAG_PROTECT_FROM_CLOSE));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), src, GetCurrentProcess(),
                             &dup, 0, FALSE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_OK(GetHandleInformation(src, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_PROTECT_FROM_CLOSE);
    CHECK_OK(GetHandleInformation(dup, &flags));
    CHECK_EQ(flags, 0);
    CHECK_OK(SetHandleInformation(src, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0));
    CHECK_OK(CloseHandle(src));
    CHECK_OK(CloseHandle(dup));
    CHECK_OK(CloseHandle(h));
}

static void test_duplicate_access(void)
{
    HANDLE r, w, wr = NULL, ev = new_event(), d = NULL;
    DWORD n = 5;
    char c;

    /* A pipe's write end duplicated for reading only cannot write. */
    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), w, GetCurrentProcess(), &wr,
                             GENERIC_READ, FALSE, 0));
    CHECK_FAILS(WriteFile(wr, "x", 1, &n, NULL), ERROR_ACCESS_DENIED);
    CHECK_EQ(n, 0);
    CHECK_EQ(GetFileType(wr), FILE_TYPE_PIPE);
    CloseHandle(wr);
    /* DUPLICATE_SAME_ACCESS ignores dwDesiredAccess. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), w, GetCurrentProcess(), &wr,
                             GENERIC_READ, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(WriteFile(wr, "x", 1, &n, NULL));
    CHECK_EQ(n, 1);
    CHECK_OK(ReadFile(r, &c, 1, &n, NULL));
    CHECK_EQ(c, 'x');
    CloseHandle(wr);
    CloseHandle(r);
    CloseHandle(w);

    /* No rights at all: neither wait nor set. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &d,
                             0, FALSE, 0));
    CHECK_RESULT(WaitForSingleObject(d, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);
    CHECK_FAILS(SetEvent(d), ERROR_ACCESS_DENIED);
    CHECK_FAILS(ResetEvent(d), ERROR_ACCESS_DENIED);
    CloseHandle(d);
    /* SYNCHRONIZE: wait only. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &d,
                             SYNCHRONIZE, FALSE, 0));
    CHECK_EQ(WaitForSingleObject(d, 0), WAIT_TIMEOUT);
    CHECK_FAILS(SetEvent(d), ERROR_ACCESS_DENIED);
    CloseHandle(d);
    /* EVENT_MODIFY_STATE: set only. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &d,
                             EVENT_MODIFY_STATE, FALSE, 0));
    CHECK_OK(SetEvent(d));
    CHECK_RESULT(WaitForSingleObject(d, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    CloseHandle(d);
    /* The generic rights map as Windows maps them for events: read has
     * neither SYNCHRONIZE nor EVENT_MODIFY_STATE, write has the latter,
     * execute the former. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &d,
                             GENERIC_READ, FALSE, 0));
    CHECK_FAILS(SetEvent(d), ERROR_ACCESS_DENIED);
    CHECK_RESULT(WaitForSingleObject(d, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);
    CloseHandle(d);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &d,
                             GENERIC_WRITE, FALSE, 0));
    CHECK_OK(SetEvent(d));
    CHECK_RESULT(WaitForSingleObject(d, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);
    CloseHandle(d);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &d,
                             GENERIC_EXECUTE, FALSE, 0));
    CHECK_FAILS(SetEvent(d), ERROR_ACCESS_DENIED);
    CHECK_EQ(WaitForSingleObject(d, 0), WAIT_OBJECT_0);
    CloseHandle(d);
    /* A duplicate may have more rights than its source. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &d,
                             SYNCHRONIZE, FALSE, 0));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), d, GetCurrentProcess(), &d,
                             EVENT_ALL_ACCESS, FALSE, DUPLICATE_CLOSE_SOURCE));
    CHECK_OK(ResetEvent(d));
    CloseHandle(d);
    /* GENERIC_ALL maps to everything. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &d,
                             GENERIC_ALL, FALSE, 0));
    CHECK_OK(ResetEvent(d));
    CHECK_EQ(WaitForSingleObject(d, 0), WAIT_TIMEOUT);
    CloseHandle(d);
    CloseHandle(ev);
}

static void test_duplicate_errors(void)
{
    HANDLE h = new_event(), gone = closed_handle(), out, before, after;

    out = (HANDLE)(uintptr_t)0x55;
    CHECK_FAILS(DuplicateHandle(NULL, h, GetCurrentProcess(), &out, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_INVALID_HANDLE);
    CHECK_EQ(out, NULL);
    out = (HANDLE)(uintptr_t)0x55;
    CHECK_FAILS(DuplicateHandle(h, h, GetCurrentProcess(), &out, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_INVALID_HANDLE);
    CHECK_EQ(out, NULL);
    out = (HANDLE)(uintptr_t)0x55;
    CHECK_FAILS(DuplicateHandle(GetCurrentThread(), h, GetCurrentProcess(),
                                &out, 0, FALSE, DUPLICATE_SAME_ACCESS),
                ERROR_INVALID_HANDLE);
    CHECK_EQ(out, NULL);
    out = (HANDLE)(uintptr_t)0x55;
    CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), NULL, GetCurrentProcess(),
                                &out, 0, FALSE, DUPLICATE_SAME_ACCESS),
                ERROR_INVALID_HANDLE);
    CHECK_EQ(out, NULL);
    out = (HANDLE)(uintptr_t)0x55;
    CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), gone, GetCurrentProcess(),
                                &out, 0, FALSE, DUPLICATE_SAME_ACCESS),
                ERROR_INVALID_HANDLE);
    CHECK_EQ(out, NULL);
    out = (HANDLE)(uintptr_t)0x55;
    CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), h, NULL, &out, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_INVALID_HANDLE);
    CHECK_EQ(out, NULL);
    out = (HANDLE)(uintptr_t)0x55;
    CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), h, gone, &out, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_INVALID_HANDLE);
    CHECK_EQ(out, NULL);
    /* Without DUPLICATE_CLOSE_SOURCE a failed call leaves the source. */
    CHECK_OK(SetEvent(h));

    /* With no place for the duplicate, "the function duplicates the handle,
     * but does not return the duplicate handle value to the caller": it
     * exists, and its value is not free. */
    before = new_event();
    CloseHandle(before);
    CHECK_RESULT(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(),
                                 NULL, 0, FALSE, DUPLICATE_SAME_ACCESS),
                 TRUE, 0xdeadbeef);
    after = new_event();
    CHECK_NE(after, before);
    CHECK_EQ(WaitForSingleObject(before, 0), WAIT_OBJECT_0); /* the lost one */
    CloseHandle(before);
    CloseHandle(after);
    CloseHandle(h);
}

/* An object lives while any handle refers to it. */
static void test_reference_counting(void)
{
    HANDLE r, w, r2, w2, ev, ev2, t;
    DWORD n;
    char buf[8];

    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), r, GetCurrentProcess(), &r2,
                             0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), w, GetCurrentProcess(), &w2,
                             0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(CloseHandle(r));
    CHECK_OK(CloseHandle(w));
    CHECK_OK(WriteFile(w2, "abc", 3, &n, NULL));
    CHECK_OK(ReadFile(r2, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 3);
    CHECK_MEM(buf, "abc", 3);
    /* Only when the last write handle goes is the pipe broken. */
    CHECK_OK(CloseHandle(w2));
    CHECK_FAILS(ReadFile(r2, buf, sizeof buf, &n, NULL), ERROR_BROKEN_PIPE);
    CHECK_OK(CloseHandle(r2));

    ev = new_event();
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &ev2,
                             0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(CloseHandle(ev));
    CHECK_FAILS(SetEvent(ev), ERROR_INVALID_HANDLE);
    CHECK_OK(SetEvent(ev2));
    CHECK_EQ(WaitForSingleObject(ev2, 0), WAIT_OBJECT_0);

    /* DUPLICATE_CLOSE_SOURCE on the last handle hands the object over. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev2, GetCurrentProcess(), &t,
                             0, FALSE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_EQ(WaitForSingleObject(t, 0), WAIT_OBJECT_0);
    CHECK_OK(CloseHandle(t));
}

/* The descriptor goes when the last handle does. */
static void test_descriptor_lifetime(void)
{
    HANDLE ev = new_event(), dup;
    int fd = winipc_handle_fd(ev);

    CHECK(fd >= 0);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &dup,
                             0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_EQ(winipc_handle_fd(dup), fd);
    CHECK_OK(CloseHandle(ev));
    CHECK(fd_is_open(fd));
    CHECK_OK(CloseHandle(dup));
    CHECK(!fd_is_open(fd));
}

static void test_handle_fd(void)
{
    HANDLE r, w, ev = new_event();
    int rfd, wfd, efd;

    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    rfd = winipc_handle_fd(r);
    wfd = winipc_handle_fd(w);
    efd = winipc_handle_fd(ev);
    CHECK(rfd >= 0 && wfd >= 0 && efd >= 0);
    CHECK(rfd != wfd && wfd != efd && rfd != efd);
    CHECK(is_cloexec(rfd) && is_cloexec(wfd) && is_cloexec(efd));
    /* The pipe's descriptors are its ends. */
    CHECK_EQ(write(wfd, "z", 1), 1);
    {
        char c = 0;
        DWORD n = 0;
        CHECK_OK(ReadFile(r, &c, 1, &n, NULL));
        CHECK_EQ(c, 'z');
    }
    /* An event's descriptor is readable exactly while it is signalled. */
    {
        struct timeval tv = {0, 0};
        fd_set set;
        FD_ZERO(&set);
        FD_SET(efd, &set);
        CHECK_EQ(select(efd + 1, &set, NULL, NULL, &tv), 0);
        SetEvent(ev);
        FD_ZERO(&set);
        FD_SET(efd, &set);
        CHECK_EQ(select(efd + 1, &set, NULL, NULL, &tv), 1);
    }

    CHECK_RESULT(winipc_handle_fd(NULL), -1, ERROR_INVALID_HANDLE);
    CHECK_RESULT(winipc_handle_fd(closed_handle()), -1, ERROR_INVALID_HANDLE);
    CHECK_RESULT(winipc_handle_fd(GetCurrentProcess()), -1,
                 ERROR_INVALID_HANDLE);
    CHECK_RESULT(winipc_handle_fd(GetCurrentThread()), -1,
                 ERROR_INVALID_HANDLE);
    CHECK_RESULT(winipc_handle_fd((HANDLE)(uintptr_t)0x12340), -1,
                 ERROR_INVALID_HANDLE);
    CloseHandle(r);
    CloseHandle(w);
    CloseHandle(ev);
}

static void test_handle_from_fd(void)
{
    int fds[2], nul;
    HANDLE r, w, h;
    DWORD n = 0;
    char c = 0;

    CHECK_EQ(pipe(fds), 0); /* deliberately without O_CLOEXEC */
    r = winipc_handle_from_fd(fds[0]);
    w = winipc_handle_from_fd(fds[1]);
    CHECK_NE(r, NULL);
    CHECK_NE(w, NULL);
    CHECK_EQ((uintptr_t)r % 4, 0);
    CHECK(is_cloexec(fds[0]) && is_cloexec(fds[1]));
    CHECK_EQ(winipc_handle_fd(r), fds[0]);
    CHECK_EQ(winipc_handle_fd(w), fds[1]);
    CHECK_EQ(GetFileType(r), FILE_TYPE_PIPE);
    CHECK_EQ(GetFileType(w), FILE_TYPE_PIPE);
    /* Access follows the descriptor's open mode. */
    CHECK_FAILS(WriteFile(r, "x", 1, &n, NULL), ERROR_ACCESS_DENIED);
    CHECK_FAILS(ReadFile(w, &c, 1, &n, NULL), ERROR_ACCESS_DENIED);
    CHECK_OK(WriteFile(w, "q", 1, &n, NULL));
    CHECK_OK(ReadFile(r, &c, 1, &n, NULL));
    CHECK_EQ(c, 'q');
    /* The handle owns the descriptor. */
    CHECK_OK(CloseHandle(w));
    CHECK(!fd_is_open(fds[1]));
    CHECK_FAILS(ReadFile(r, &c, 1, &n, NULL), ERROR_BROKEN_PIPE);
    CHECK_OK(CloseHandle(r));
    CHECK(!fd_is_open(fds[0]));

    nul = open("/dev/null", O_RDWR);
    CHECK(nul >= 0);
    h = winipc_handle_from_fd(nul);
    CHECK_NE(h, NULL);
    CHECK_EQ(GetFileType(h), FILE_TYPE_CHAR);
    CHECK_OK(WriteFile(h, "x", 1, &n, NULL));
    CHECK_EQ(n, 1);
    CHECK_OK(ReadFile(h, &c, 1, &n, NULL));
    CHECK_EQ(n, 0);
    CHECK_OK(CloseHandle(h));

    nul = open("/dev/null", O_RDONLY);
    h = winipc_handle_from_fd(nul);
    CHECK_FAILS(WriteFile(h, "x", 1, &n, NULL), ERROR_ACCESS_DENIED);
    CHECK_OK(CloseHandle(h));

    /* Descriptors that are not open. */
    CHECK_RESULT(winipc_handle_from_fd(-1), NULL, ERROR_INVALID_HANDLE);
    CHECK_RESULT(winipc_handle_from_fd(1000000), NULL, ERROR_INVALID_HANDLE);
    CHECK_EQ(pipe(fds), 0);
    close(fds[0]);
    close(fds[1]);
    CHECK_RESULT(winipc_handle_from_fd(fds[0]), NULL, ERROR_INVALID_HANDLE);
}

int main(void)
{
    TEST_START();
    RUN(test_handle_values);
    RUN(test_many_handles);
    RUN(test_pseudo_handles);
    RUN(test_close_errors);
    RUN(test_handle_information);
    RUN(test_duplicate_basic);
    RUN(test_duplicate_current_process);
    RUN(test_duplicate_current_thread);
    RUN(test_duplicate_close_source);
    RUN(test_duplicate_access);
    RUN(test_duplicate_errors);
    RUN(test_reference_counting);
    RUN(test_descriptor_lifetime);
    RUN(test_handle_fd);
    RUN(test_handle_from_fd);
    return TEST_SUMMARY();
}
