/*
 * test_threads.c: CreateThread (ids, CREATE_SUSPENDED and ResumeThread),
 * ExitThread, GetExitCodeThread, waiting on thread handles, thread and
 * process ids, and Sleep.
 *
 * Expected values are Windows' as Wine 8 reproduces them; where Microsoft's
 * documentation says otherwise, the documentation wins and the check says
 * why.  No check asserts how long anything took.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

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

/* Every wait that should succeed succeeds well before this. */
#define WAIT_LIMIT 20000

static HANDLE closed_handle(void)
{
    HANDLE h = CreateEventA(NULL, TRUE, FALSE, NULL);
    CloseHandle(h);
    return h;
}

struct probe {
    atomic_uint tid;  /* GetCurrentThreadId() inside */
    atomic_int ran;   /* the start routine was entered */
    atomic_int after; /* code after ExitThread ran (must not) */
    HANDLE go;        /* waited for before returning, if set */
    DWORD code;       /* returned (or passed to ExitThread) */
    LPVOID param_seen;
};

static DWORD WINAPI probe_main(LPVOID arg)
{
    struct probe *p = arg;
    p->param_seen = arg;
    atomic_store(&p->tid, GetCurrentThreadId());
    atomic_store(&p->ran, 1);
    if (p->go)
        WaitForSingleObject(p->go, WAIT_LIMIT);
    return p->code;
}

static DWORD WINAPI exit_main(LPVOID arg)
{
    struct probe *p = arg;
    atomic_store(&p->ran, 1);
    ExitThread(p->code);
    atomic_store(&p->after, 1); /* never reached */
    return 1;
}

static DWORD WINAPI nested_exit(LPVOID arg)
{
    /* ExitThread from deep inside calls ends the thread all the same. */
    struct probe *p = arg;
    atomic_store(&p->ran, 1);
    if (p->code)
        ExitThread(p->code + 1);
    return 0;
}

static DWORD WINAPI nested_main(LPVOID arg)
{
    struct probe *p = arg;
    nested_exit(arg);
    atomic_store(&p->after, 1);
    return 99;
}

static void test_create_thread(void)
{
    struct probe p = {0};
    HANDLE t;
    DWORD tid = 0, code = 0, flags = 77;

    p.code = 1234;
    SetLastError(0xdeadbeef);
    t = CreateThread(NULL, 0, probe_main, &p, 0, &tid);
    CHECK_NE(t, NULL);
    CHECK_EQ((uintptr_t)t % 4, 0);
    CHECK_NE(tid, 0);
    CHECK_NE(tid, GetCurrentThreadId());
    CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
    /* The id CreateThread reports is the one the thread sees. */
    CHECK_EQ(atomic_load(&p.tid), tid);
    CHECK_EQ(GetThreadId(t), tid);
    CHECK_EQ(p.param_seen, &p);
    CHECK_RESULT(GetExitCodeThread(t, &code), TRUE, 0xdeadbeef);
    CHECK_EQ(code, 1234);
    /* An ended thread stays signalled. */
    CHECK_EQ(WaitForSingleObject(t, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(t, INFINITE), WAIT_OBJECT_0);
    CHECK_OK(GetHandleInformation(t, &flags));
    CHECK_EQ(flags, 0);
    CHECK_OK(CloseHandle(t));

    /* lpThreadId may be NULL; the handle may be inheritable. */
    {
        SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
        memset(&p, 0, sizeof p);
        t = CreateThread(&sa, 0, probe_main, &p, 0, NULL);
        CHECK_NE(t, NULL);
        CHECK_OK(GetHandleInformation(t, &flags));
        CHECK_EQ(flags, HANDLE_FLAG_INHERIT);
        CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeThread(t, &code));
        CHECK_EQ(code, 0);
        CloseHandle(t);
    }

    /* Unknown creation flags are ignored (Wine). */
    memset(&p, 0, sizeof p);
    p.code = 5;
    t = CreateThread(NULL, 0, probe_main, &p, 0x12345678u & ~CREATE_SUSPENDED,
                     NULL);
    CHECK_NE(t, NULL);
    CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
    CloseHandle(t);

    /* Windows would start a thread at address 0, which faults at once
     * (Wine's does); winipc refuses instead. */
    CHECK_RESULT(CreateThread(NULL, 0, NULL, NULL, 0, NULL), NULL,
                 ERROR_INVALID_PARAMETER);
}

static void test_stack_sizes(void)
{
    struct probe p = {0};
    HANDLE t;
    SIZE_T sizes[] = {1, 4096, 256 * 1024, 8 * 1024 * 1024};
    size_t i;

    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        t = CreateThread(NULL, sizes[i], probe_main, &p, 0, NULL);
        CHECK_NE(t, NULL);
        CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
        CloseHandle(t);
        t = CreateThread(NULL, sizes[i], probe_main, &p,
                         STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
        CHECK_NE(t, NULL);
        CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
        CloseHandle(t);
    }
    /* An absurd stack: never a crash.  Windows documents no limit and
     * Wine 8 starts such a thread with a stack of its own choosing; winipc
     * cannot, and fails as for any stack it cannot have. */
    SetLastError(0xdeadbeef);
    t = CreateThread(NULL, (SIZE_T)-1, probe_main, &p, 0, NULL);
    if (t) {
        CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
        CloseHandle(t);
    } else {
        CHECK_EQ(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
    }
}

static void test_suspended(void)
{
    struct probe p = {0};
    HANDLE t;
    DWORD tid = 0, code = 0;

    p.code = 7;
    t = CreateThread(NULL, 0, probe_main, &p, CREATE_SUSPENDED, &tid);
    CHECK_NE(t, NULL);
    CHECK_NE(tid, 0);
    CHECK_EQ(GetThreadId(t), tid);
    /* It has not run, and does not while suspended. */
    CHECK_EQ(WaitForSingleObject(t, 50), WAIT_TIMEOUT);
    CHECK_EQ(atomic_load(&p.ran), 0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, STILL_ACTIVE);
    /* ResumeThread returns the count before: 1, then 0. */
    CHECK_RESULT(ResumeThread(t), 1, 0xdeadbeef);
    CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
    CHECK_EQ(atomic_load(&p.ran), 1);
    CHECK_EQ(atomic_load(&p.tid), tid);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, 7);
    CHECK_RESULT(ResumeThread(t), 0, 0xdeadbeef);
    CloseHandle(t);

    /* A running thread is not suspended. */
    memset(&p, 0, sizeof p);
    p.go = CreateEventA(NULL, TRUE, FALSE, NULL);
    t = CreateThread(NULL, 0, probe_main, &p, 0, NULL);
    CHECK_EQ(ResumeThread(t), 0);
    CHECK_EQ(ResumeThread(GetCurrentThread()), 0);
    SetEvent(p.go);
    CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
    CloseHandle(t);
    CloseHandle(p.go);
}

static void test_exit_thread(void)
{
    struct probe p = {0};
    HANDLE t;
    DWORD code = 0;

    p.code = 77;
    t = CreateThread(NULL, 0, exit_main, &p, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, 77);
    CHECK_EQ(atomic_load(&p.ran), 1);
    CHECK_EQ(atomic_load(&p.after), 0);
    CloseHandle(t);

    memset(&p, 0, sizeof p);
    p.code = 41;
    t = CreateThread(NULL, 0, nested_main, &p, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, 42);
    CHECK_EQ(atomic_load(&p.after), 0);
    CloseHandle(t);

    /* A thread may end with STILL_ACTIVE itself; the documentation warns
     * that GetExitCodeThread then cannot tell, but the wait can. */
    memset(&p, 0, sizeof p);
    p.code = STILL_ACTIVE;
    t = CreateThread(NULL, 0, probe_main, &p, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, STILL_ACTIVE);
    CloseHandle(t);

    /* Large codes come back whole. */
    memset(&p, 0, sizeof p);
    p.code = 0xfffffffeu;
    t = CreateThread(NULL, 0, exit_main, &p, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, 0xfffffffeu);
    CloseHandle(t);
}

static void test_exit_code_while_running(void)
{
    struct probe p = {0};
    HANDLE t;
    DWORD code = 0;

    p.go = CreateEventA(NULL, TRUE, FALSE, NULL);
    p.code = 3;
    t = CreateThread(NULL, 0, probe_main, &p, 0, NULL);
    CHECK_RESULT(GetExitCodeThread(t, &code), TRUE, 0xdeadbeef);
    CHECK_EQ(code, STILL_ACTIVE);
    CHECK_EQ(WaitForSingleObject(t, 0), WAIT_TIMEOUT);
    CHECK_OK(GetExitCodeThread(GetCurrentThread(), &code));
    CHECK_EQ(code, STILL_ACTIVE);
    /* The out-pointer may be NULL (Wine: success, nothing written). */
    CHECK_RESULT(GetExitCodeThread(t, NULL), TRUE, 0xdeadbeef);
    SetEvent(p.go);
    CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, 3);
    CloseHandle(t);
    CloseHandle(p.go);
}

/* Closing a thread's handle does not stop the thread. */
static void test_close_running_thread(void)
{
    struct probe p = {0};
    HANDLE t, dup;
    DWORD code = 0;
    int i;

    p.go = CreateEventA(NULL, TRUE, FALSE, NULL);
    p.code = 9;
    t = CreateThread(NULL, 0, probe_main, &p, 0, NULL);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), t, GetCurrentProcess(), &dup,
                             SYNCHRONIZE | THREAD_QUERY_LIMITED_INFORMATION,
                             FALSE, 0));
    CHECK_OK(CloseHandle(t));
    SetEvent(p.go);
    CHECK_EQ(WaitForSingleObject(dup, WAIT_LIMIT), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(dup, &code));
    CHECK_EQ(code, 9);
    CloseHandle(dup);

    CloseHandle(p.go);

    /* With no handle left at all, it still runs to its end.  (Its probe
     * outlives this function: nothing here can wait for the thread.) */
    {
        static struct probe orphan;
        t = CreateThread(NULL, 0, probe_main, &orphan, 0, NULL);
        CHECK_OK(CloseHandle(t));
        for (i = 0; i < WAIT_LIMIT && !atomic_load(&orphan.ran); i++)
            Sleep(1);
        CHECK_EQ(atomic_load(&orphan.ran), 1);
    }
}

static void test_wait_many_threads(void)
{
    enum { N = MAXIMUM_WAIT_OBJECTS };
    static struct probe p[N];
    HANDLE t[N], go = CreateEventA(NULL, TRUE, FALSE, NULL);
    DWORD i, code, ok = 1, distinct = 1;

    for (i = 0; i < N; i++) {
        memset(&p[i], 0, sizeof p[i]);
        p[i].go = go;
        p[i].code = i;
        t[i] = CreateThread(NULL, 0, probe_main, &p[i], 0, NULL);
        if (!t[i])
            ok = 0;
    }
    CHECK(ok);
    CHECK_EQ(WaitForMultipleObjects(N, t, FALSE, 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForMultipleObjects(N, t, TRUE, 0), WAIT_TIMEOUT);
    SetEvent(go);
    CHECK_EQ(WaitForMultipleObjects(N, t, TRUE, WAIT_LIMIT), WAIT_OBJECT_0);
    for (i = 0; i < N; i++) {
        if (!GetExitCodeThread(t[i], &code) || code != i)
            ok = 0;
        if (i > 0 && atomic_load(&p[i].tid) == atomic_load(&p[i - 1].tid))
            distinct = 0;
        CloseHandle(t[i]);
    }
    CHECK(ok);
    CHECK(distinct);
    CloseHandle(go);
}

static void test_access_rights(void)
{
    struct probe p = {0};
    HANDLE t, d;
    DWORD code = 0;

    p.code = 11;
    t = CreateThread(NULL, 0, probe_main, &p, CREATE_SUSPENDED, NULL);
    /* SYNCHRONIZE only: wait, nothing else. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), t, GetCurrentProcess(), &d,
                             SYNCHRONIZE, FALSE, 0));
    CHECK_FAILS(GetExitCodeThread(d, &code), ERROR_ACCESS_DENIED);
    CHECK_RESULT(GetThreadId(d), 0, ERROR_ACCESS_DENIED);
    CHECK_RESULT(ResumeThread(d), (DWORD)-1, ERROR_ACCESS_DENIED);
    CHECK_EQ(WaitForSingleObject(d, 0), WAIT_TIMEOUT);
    CloseHandle(d);
    /* The limited query right is enough to query. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), t, GetCurrentProcess(), &d,
                             THREAD_QUERY_LIMITED_INFORMATION, FALSE, 0));
    CHECK_OK(GetExitCodeThread(d, &code));
    CHECK_EQ(code, STILL_ACTIVE);
    CHECK_EQ(GetThreadId(d), GetThreadId(t));
    CHECK_RESULT(WaitForSingleObject(d, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);
    CloseHandle(d);
    /* THREAD_SUSPEND_RESUME resumes. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), t, GetCurrentProcess(), &d,
                             THREAD_SUSPEND_RESUME, FALSE, 0));
    CHECK_EQ(ResumeThread(d), 1);
    CloseHandle(d);
    CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
    CloseHandle(t);
}

static void test_bad_handles(void)
{
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL), r, w;
    DWORD code = 77;

    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_FAILS(GetExitCodeThread(NULL, &code), ERROR_INVALID_HANDLE);
    CHECK_FAILS(GetExitCodeThread(closed_handle(), &code),
                ERROR_INVALID_HANDLE);
    CHECK_FAILS(GetExitCodeThread(ev, &code), ERROR_INVALID_HANDLE);
    CHECK_FAILS(GetExitCodeThread(r, &code), ERROR_INVALID_HANDLE);
    CHECK_FAILS(GetExitCodeThread(GetCurrentProcess(), &code),
                ERROR_INVALID_HANDLE);
    CHECK_EQ(code, 77);
    CHECK_RESULT(ResumeThread(NULL), (DWORD)-1, ERROR_INVALID_HANDLE);
    CHECK_RESULT(ResumeThread(closed_handle()), (DWORD)-1,
                 ERROR_INVALID_HANDLE);
    CHECK_RESULT(ResumeThread(ev), (DWORD)-1, ERROR_INVALID_HANDLE);
    CHECK_RESULT(ResumeThread(GetCurrentProcess()), (DWORD)-1,
                 ERROR_INVALID_HANDLE);
    CHECK_RESULT(GetThreadId(NULL), 0, ERROR_INVALID_HANDLE);
    CHECK_RESULT(GetThreadId(ev), 0, ERROR_INVALID_HANDLE);
    CHECK_RESULT(GetThreadId(GetCurrentProcess()), 0, ERROR_INVALID_HANDLE);
    CHECK_RESULT(GetProcessId(NULL), 0, ERROR_INVALID_HANDLE);
    CHECK_RESULT(GetProcessId(ev), 0, ERROR_INVALID_HANDLE);
    CHECK_RESULT(GetProcessId(closed_handle()), 0, ERROR_INVALID_HANDLE);
    CHECK_RESULT(GetProcessId(GetCurrentThread()), 0, ERROR_INVALID_HANDLE);
    CloseHandle(r);
    CloseHandle(w);
    CloseHandle(ev);
}

static DWORD WINAPI report_ids(LPVOID arg)
{
    DWORD *ids = arg;
    ids[0] = GetCurrentThreadId();
    ids[1] = GetThreadId(GetCurrentThread());
    ids[2] = GetCurrentProcessId();
    ids[3] = GetProcessId(GetCurrentProcess());
    return 0;
}

static void test_ids(void)
{
    DWORD ids[4] = {0}, tid = 0;
    HANDLE t;

    CHECK_NE(GetCurrentThreadId(), 0);
    CHECK_EQ(GetCurrentThreadId(), GetCurrentThreadId());
    CHECK_EQ(GetThreadId(GetCurrentThread()), GetCurrentThreadId());
    CHECK_NE(GetCurrentProcessId(), 0);
    CHECK_EQ(GetCurrentProcessId(), (DWORD)getpid());
    CHECK_RESULT(GetProcessId(GetCurrentProcess()), GetCurrentProcessId(),
                 0xdeadbeef);
    t = CreateThread(NULL, 0, report_ids, ids, 0, &tid);
    CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
    CloseHandle(t);
    CHECK_EQ(ids[0], tid);
    CHECK_EQ(ids[1], tid);
    CHECK_NE(ids[0], GetCurrentThreadId());
    CHECK_EQ(ids[2], GetCurrentProcessId());
    CHECK_EQ(ids[3], GetCurrentProcessId());
}

static HANDLE foreign_dup;
static DWORD foreign_tid;

static void *foreign_main(void *arg)
{
    (void)arg;
    foreign_tid = GetCurrentThreadId();
    DuplicateHandle(GetCurrentProcess(), GetCurrentThread(),
                    GetCurrentProcess(), &foreign_dup, 0, FALSE,
                    DUPLICATE_SAME_ACCESS);
    return NULL;
}

/* A thread winipc did not start gets a thread object on first use, which
 * is signalled when the thread ends. */
static void test_foreign_thread(void)
{
    pthread_t pt;

    CHECK_EQ(pthread_create(&pt, NULL, foreign_main, NULL), 0);
    CHECK_EQ(pthread_join(pt, NULL), 0);
    CHECK_NE(foreign_dup, NULL);
    CHECK_EQ(GetThreadId(foreign_dup), foreign_tid);
    CHECK_EQ(WaitForSingleObject(foreign_dup, WAIT_LIMIT), WAIT_OBJECT_0);
    CHECK_OK(CloseHandle(foreign_dup));
}

static long long monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleep waits at least the time asked (measured on the monotonic clock),
 * and not much longer: the upper bound is a generous 2 s, for a loaded
 * machine.  Sleep(0) returns. */
static void test_sleep(void)
{
    static const DWORD asked[] = {0, 1, 20, 150};
    for (size_t i = 0; i < sizeof asked / sizeof asked[0]; i++) {
        long long t0 = monotonic_ms(), took;
        Sleep(asked[i]);
        took = monotonic_ms() - t0;
        if (took < (long long)asked[i] || took > (long long)asked[i] + 2000)
            TEST_FAIL_AT("Sleep(%lu) took %lld ms", (unsigned long)asked[i],
                         took);
        test_checks++;
    }
}

int main(void)
{
    TEST_START();
    RUN(test_create_thread);
    RUN(test_stack_sizes);
    RUN(test_suspended);
    RUN(test_exit_thread);
    RUN(test_exit_code_while_running);
    RUN(test_close_running_thread);
    RUN(test_wait_many_threads);
    RUN(test_access_rights);
    RUN(test_bad_handles);
    RUN(test_ids);
    RUN(test_foreign_thread);
    RUN(test_sleep);
    return TEST_SUMMARY();
}
