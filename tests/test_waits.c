/*
 * test_waits.c: WaitForSingleObject and WaitForMultipleObjects (any, all,
 * timeouts, the lowest signalled index, failures), and events: manual and
 * auto reset, initial state, SetEvent/ResetEvent, and an auto-reset event
 * releasing exactly one of several waiting threads per SetEvent.
 *
 * Expected values are Windows' as Wine 8 reproduces them; where Microsoft's
 * documentation says otherwise, the documentation wins and the check says
 * why.  No check asserts how long anything took: timeouts are only upper
 * bounds that keep a broken build from hanging.
 */
#include <stdatomic.h>

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

static HANDLE manual(BOOL set)
{
    return CreateEventA(NULL, TRUE, set, NULL);
}
static HANDLE autoreset(BOOL set)
{
    return CreateEventA(NULL, FALSE, set, NULL);
}

static void test_create_event(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE h;
    DWORD flags;

    /* Success clears the last error (no ERROR_ALREADY_EXISTS). */
    SetLastError(0xdeadbeef);
    h = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_NE(h, NULL);
    CHECK_EQ(GetLastError(), 0);
    CHECK_EQ((uintptr_t)h % 4, 0);
    CHECK_OK(GetHandleInformation(h, &flags));
    CHECK_EQ(flags, 0);
    CloseHandle(h);

    /* An empty name is no name. */
    SetLastError(0xdeadbeef);
    h = CreateEventA(NULL, TRUE, FALSE, "");
    CHECK_NE(h, NULL);
    CHECK_EQ(GetLastError(), 0);
    CloseHandle(h);

    h = CreateEventA(&sa, FALSE, FALSE, NULL);
    CHECK_OK(GetHandleInformation(h, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_INHERIT);
    CloseHandle(h);

    /* Any non-zero BOOL is TRUE: this one is manual-reset and set. */
    h = CreateEventA(NULL, 2, 3, NULL);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CloseHandle(h);
}

static void test_manual_reset(void)
{
    HANDLE off = manual(FALSE), on = manual(TRUE);

    CHECK_RESULT(WaitForSingleObject(off, 0), WAIT_TIMEOUT, 0xdeadbeef);
    CHECK_RESULT(WaitForSingleObject(off, 10), WAIT_TIMEOUT, 0xdeadbeef);
    CHECK_RESULT(WaitForSingleObject(on, 0), WAIT_OBJECT_0, 0xdeadbeef);
    /* A manual-reset event stays set through waits. */
    CHECK_EQ(WaitForSingleObject(on, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(on, INFINITE), WAIT_OBJECT_0);
    CHECK_RESULT(ResetEvent(on), TRUE, 0xdeadbeef);
    CHECK_EQ(WaitForSingleObject(on, 0), WAIT_TIMEOUT);
    CHECK_OK(ResetEvent(on)); /* already reset */
    CHECK_RESULT(SetEvent(off), TRUE, 0xdeadbeef);
    CHECK_OK(SetEvent(off)); /* already set */
    CHECK_EQ(WaitForSingleObject(off, 0), WAIT_OBJECT_0);
    CHECK_OK(ResetEvent(off));
    CHECK_EQ(WaitForSingleObject(off, 0), WAIT_TIMEOUT);
    CloseHandle(off);
    CloseHandle(on);
}

static void test_auto_reset(void)
{
    HANDLE off = autoreset(FALSE), on = autoreset(TRUE);

    CHECK_EQ(WaitForSingleObject(off, 0), WAIT_TIMEOUT);
    /* One wait consumes the signal. */
    CHECK_EQ(WaitForSingleObject(on, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(on, 0), WAIT_TIMEOUT);
    /* Signals do not add up. */
    CHECK_OK(SetEvent(off));
    CHECK_OK(SetEvent(off));
    CHECK_OK(SetEvent(off));
    CHECK_EQ(WaitForSingleObject(off, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(off, 0), WAIT_TIMEOUT);
    /* ResetEvent takes a signal back. */
    CHECK_OK(SetEvent(off));
    CHECK_OK(ResetEvent(off));
    CHECK_EQ(WaitForSingleObject(off, 10), WAIT_TIMEOUT);
    CloseHandle(off);
    CloseHandle(on);
}

static void test_event_errors(void)
{
    HANDLE r, w, ev = manual(FALSE), ro;

    CHECK_FAILS(SetEvent(NULL), ERROR_INVALID_HANDLE);
    CHECK_FAILS(ResetEvent(NULL), ERROR_INVALID_HANDLE);
    CHECK_FAILS(SetEvent(closed_handle()), ERROR_INVALID_HANDLE);
    CHECK_FAILS(ResetEvent(closed_handle()), ERROR_INVALID_HANDLE);
    CHECK_FAILS(SetEvent((HANDLE)(uintptr_t)0x12340), ERROR_INVALID_HANDLE);
    CHECK_FAILS(SetEvent(GetCurrentProcess()), ERROR_INVALID_HANDLE);
    CHECK_FAILS(ResetEvent(GetCurrentThread()), ERROR_INVALID_HANDLE);
    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_FAILS(SetEvent(r), ERROR_INVALID_HANDLE);
    CHECK_FAILS(ResetEvent(w), ERROR_INVALID_HANDLE);
    CloseHandle(r);
    CloseHandle(w);
    /* A handle that may only wait cannot set. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &ro,
                             SYNCHRONIZE, FALSE, 0));
    CHECK_FAILS(SetEvent(ro), ERROR_ACCESS_DENIED);
    CHECK_FAILS(ResetEvent(ro), ERROR_ACCESS_DENIED);
    CHECK_EQ(WaitForSingleObject(ro, 0), WAIT_TIMEOUT);
    CloseHandle(ro);
    CloseHandle(ev);
}

static void test_wait_errors(void)
{
    HANDLE ev = manual(TRUE), hs[MAXIMUM_WAIT_OBJECTS + 2], nosync;
    DWORD i;

    CHECK_RESULT(WaitForSingleObject(NULL, 0), WAIT_FAILED,
                 ERROR_INVALID_HANDLE);
    CHECK_RESULT(WaitForSingleObject(closed_handle(), 0), WAIT_FAILED,
                 ERROR_INVALID_HANDLE);
    CHECK_RESULT(WaitForSingleObject((HANDLE)(uintptr_t)0x12340, INFINITE),
                 WAIT_FAILED, ERROR_INVALID_HANDLE);
    /* INVALID_HANDLE_VALUE is the current process: it never signals. */
    CHECK_RESULT(WaitForSingleObject(INVALID_HANDLE_VALUE, 0), WAIT_TIMEOUT,
                 0xdeadbeef);
    CHECK_RESULT(WaitForSingleObject(GetCurrentThread(), 10), WAIT_TIMEOUT,
                 0xdeadbeef);
    /* The handle must have SYNCHRONIZE. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(),
                             &nosync, EVENT_MODIFY_STATE, FALSE, 0));
    CHECK_RESULT(WaitForSingleObject(nosync, 0), WAIT_FAILED,
                 ERROR_ACCESS_DENIED);

    for (i = 0; i < MAXIMUM_WAIT_OBJECTS + 2; i++)
        hs[i] = ev;
    CHECK_RESULT(WaitForMultipleObjects(0, hs, FALSE, 0), WAIT_FAILED,
                 ERROR_INVALID_PARAMETER);
    CHECK_RESULT(WaitForMultipleObjects(0, NULL, TRUE, 0), WAIT_FAILED,
                 ERROR_INVALID_PARAMETER);
    CHECK_RESULT(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, hs, FALSE, 0),
                 WAIT_FAILED, ERROR_INVALID_PARAMETER);
    CHECK_RESULT(WaitForMultipleObjects(0xffffffffu, hs, FALSE, INFINITE),
                 WAIT_FAILED, ERROR_INVALID_PARAMETER);
    CHECK_RESULT(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, hs, FALSE, 0),
                 WAIT_OBJECT_0, 0xdeadbeef);

    /* WaitForMultipleObjects refuses the pseudo handles that
     * WaitForSingleObject accepts (Wine's sync.c
     * test_WaitForMultipleObjects; Wine itself fails it). */
    hs[0] = GetCurrentThread();
    hs[1] = ev;
    CHECK_RESULT(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_FAILED,
                 ERROR_INVALID_HANDLE);
    hs[0] = ev;
    hs[1] = GetCurrentProcess();
    CHECK_RESULT(WaitForMultipleObjects(2, hs, TRUE, 0), WAIT_FAILED,
                 ERROR_INVALID_HANDLE);
    CHECK_RESULT(WaitForMultipleObjectsEx(1, &hs[1], FALSE, 0, TRUE),
                 WAIT_FAILED, ERROR_INVALID_HANDLE);
    CHECK_RESULT(WaitForSingleObject(GetCurrentProcess(), 0), WAIT_TIMEOUT,
                 0xdeadbeef);

    /* Every handle is checked before any is waited for, even when an
     * earlier one is signalled. */
    hs[0] = ev;
    hs[1] = NULL;
    CHECK_RESULT(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_FAILED,
                 ERROR_INVALID_HANDLE);
    hs[1] = closed_handle();
    CHECK_RESULT(WaitForMultipleObjects(2, hs, TRUE, 0), WAIT_FAILED,
                 ERROR_INVALID_HANDLE);
    hs[1] = nosync;
    CHECK_RESULT(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_FAILED,
                 ERROR_ACCESS_DENIED);
    CloseHandle(nosync);
    CloseHandle(ev);
}

static void test_wait_any(void)
{
    HANDLE off1 = manual(FALSE), off2 = manual(FALSE), on1 = manual(TRUE);
    HANDLE on2 = manual(TRUE), a1 = autoreset(TRUE), a2 = autoreset(TRUE);
    HANDLE hs[MAXIMUM_WAIT_OBJECTS];
    DWORD i;

    hs[0] = off1;
    hs[1] = off2;
    CHECK_RESULT(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_TIMEOUT,
                 0xdeadbeef);
    CHECK_EQ(WaitForMultipleObjects(2, hs, FALSE, 20), WAIT_TIMEOUT);
    /* The lowest signalled index wins. */
    hs[0] = off1;
    hs[1] = on1;
    hs[2] = on2;
    CHECK_RESULT(WaitForMultipleObjects(3, hs, FALSE, 0), WAIT_OBJECT_0 + 1,
                 0xdeadbeef);
    hs[0] = on2;
    CHECK_EQ(WaitForMultipleObjects(3, hs, FALSE, 0), WAIT_OBJECT_0);
    /* Only the object returned is consumed. */
    hs[0] = a1;
    hs[1] = a2;
    CHECK_EQ(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_OBJECT_0 + 1);
    CHECK_EQ(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_TIMEOUT);
    /* The same object twice is fine when any one will do. */
    hs[0] = off1;
    hs[1] = off1;
    hs[2] = on1;
    CHECK_EQ(WaitForMultipleObjects(3, hs, FALSE, 0), WAIT_OBJECT_0 + 2);
    /* The last of 64. */
    for (i = 0; i < MAXIMUM_WAIT_OBJECTS - 1; i++)
        hs[i] = off2;
    hs[MAXIMUM_WAIT_OBJECTS - 1] = on1;
    CHECK_EQ(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, hs, FALSE, 0),
             WAIT_OBJECT_0 + MAXIMUM_WAIT_OBJECTS - 1);
    /* Objects of other types: a file (pipe) handle is always signalled. */
    {
        HANDLE r, w;
        CHECK_OK(CreatePipe(&r, &w, NULL, 0));
        hs[0] = off1;
        hs[1] = w;
        CHECK_EQ(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_OBJECT_0 + 1);
        CHECK_EQ(WaitForSingleObject(r, 0), WAIT_OBJECT_0);
        CloseHandle(r);
        CloseHandle(w);
    }
    CloseHandle(off1);
    CloseHandle(off2);
    CloseHandle(on1);
    CloseHandle(on2);
    CloseHandle(a1);
    CloseHandle(a2);
}

static void test_wait_all(void)
{
    HANDLE m = manual(FALSE), s = manual(TRUE), a = autoreset(FALSE), dup;
    HANDLE hs[MAXIMUM_WAIT_OBJECTS];
    DWORD i;

    hs[0] = m;
    hs[1] = s;
    hs[2] = a;
    CHECK_RESULT(WaitForMultipleObjects(3, hs, TRUE, 0), WAIT_TIMEOUT,
                 0xdeadbeef);
    /* A wait that cannot complete takes nothing. */
    CHECK_OK(SetEvent(a));
    CHECK_EQ(WaitForMultipleObjects(3, hs, TRUE, 10), WAIT_TIMEOUT);
    CHECK_OK(SetEvent(m));
    CHECK_RESULT(WaitForMultipleObjects(3, hs, TRUE, 0), WAIT_OBJECT_0,
                 0xdeadbeef);
    /* One that completes takes the auto-reset event, and only that. */
    CHECK_EQ(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_OBJECT_0);

    /* 64 distinct events. */
    for (i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
        hs[i] = manual(TRUE);
    CHECK_EQ(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, hs, TRUE, 0),
             WAIT_OBJECT_0);
    CHECK_OK(ResetEvent(hs[40]));
    CHECK_EQ(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, hs, TRUE, 0),
             WAIT_TIMEOUT);
    for (i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
        CloseHandle(hs[i]);

    /* The array "may not contain multiple copies of the same handle": a
     * wait for all fails when it names an object twice, through the same
     * handle or another (Wine 8 waits, and would take an auto-reset event
     * twice; Microsoft's documentation wins). */
    CHECK_OK(SetEvent(a));
    hs[0] = a;
    hs[1] = a;
    CHECK_RESULT(WaitForMultipleObjects(2, hs, TRUE, 0), WAIT_FAILED,
                 ERROR_INVALID_PARAMETER);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), a, GetCurrentProcess(), &dup,
                             0, FALSE, DUPLICATE_SAME_ACCESS));
    hs[0] = s;
    hs[1] = a;
    hs[2] = dup;
    CHECK_RESULT(WaitForMultipleObjects(3, hs, TRUE, INFINITE), WAIT_FAILED,
                 ERROR_INVALID_PARAMETER);
    CHECK_EQ(WaitForSingleObject(a, 0), WAIT_OBJECT_0); /* not taken */
    CloseHandle(dup);
    CloseHandle(m);
    CloseHandle(s);
    CloseHandle(a);
}

/* Sets ev[0], then ev[1] (each unless NULL), each time once the waiting
 * thread is seen asleep (in poll() or on a futex): the first time in any sleep, the second
 * time in one begun after the first SetEvent woke it.  So each SetEvent
 * comes while the wait is blocked, never before it has started; `unseen'
 * counts the times it was not seen so (within WAIT_LIMIT). */
struct setter {
    HANDLE ev[2];
    long waiter; /* the waiting thread's kernel id */
    atomic_int unseen;
};

static DWORD WINAPI set_later(LPVOID arg)
{
    struct setter *st = arg;
    long seen = -1;
    int i;
    for (i = 0; i < 2; i++) {
        seen = test_wait_blocked_after(0, st->waiter, WAIT_LIMIT,
                                       TEST_SYS_WAIT, seen);
        if (seen < 0)
            atomic_fetch_add(&st->unseen, 1);
        if (st->ev[i])
            SetEvent(st->ev[i]);
    }
    return 0;
}

/* Waits that block until another thread signals. */
static void test_blocking_waits(void)
{
    struct setter st = {{NULL, NULL}, test_gettid(), 0};
    HANDLE t, hs[2];

    st.ev[0] = autoreset(FALSE);
    t = CreateThread(NULL, 0, set_later, &st, 0, NULL);
    CHECK_EQ(WaitForSingleObject(st.ev[0], INFINITE), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
    CloseHandle(t);
    CHECK_EQ(WaitForSingleObject(st.ev[0], 0), WAIT_TIMEOUT);

    /* All: returns only once the second one is set as well. */
    st.ev[1] = manual(FALSE);
    hs[0] = st.ev[1];
    hs[1] = st.ev[0];
    t = CreateThread(NULL, 0, set_later, &st, 0, NULL);
    CHECK_EQ(WaitForMultipleObjects(2, hs, TRUE, WAIT_LIMIT), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(st.ev[1], 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(st.ev[0], 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
    CloseHandle(t);

    /* Any: the one that is set. */
    CHECK_OK(ResetEvent(st.ev[1]));
    st.ev[1] = NULL;
    t = CreateThread(NULL, 0, set_later, &st, 0, NULL);
    CHECK_EQ(WaitForMultipleObjects(2, hs, FALSE, WAIT_LIMIT),
             WAIT_OBJECT_0 + 1);
    CHECK_EQ(WaitForSingleObject(t, WAIT_LIMIT), WAIT_OBJECT_0);
    CloseHandle(t);
    CHECK_EQ(WaitForSingleObject(hs[0], 0), WAIT_TIMEOUT);
    CloseHandle(hs[0]);
    CloseHandle(hs[1]);
    /* Every SetEvent came while this thread was blocked in its wait; in
     * the wait for all, the second came after the first had woken it and
     * it had gone back to sleep, still waiting. */
    CHECK_EQ(atomic_load(&st.unseen), 0);
}

#define POOL_MAX 8

struct waiter_pool {
    HANDLE ev;
    atomic_int released;
    atomic_int timed_out;
    atomic_int started;
    _Atomic int tid[POOL_MAX]; /* the waiters' kernel ids */
};

static void pool_init(struct waiter_pool *p, HANDLE ev)
{
    p->ev = ev;
    atomic_init(&p->released, 0);
    atomic_init(&p->timed_out, 0);
    atomic_init(&p->started, 0);
    for (int i = 0; i < POOL_MAX; i++)
        atomic_init(&p->tid[i], 0);
}

static DWORD WINAPI pool_waiter(LPVOID arg)
{
    struct waiter_pool *p = arg;
    DWORD r;
    atomic_store(&p->tid[atomic_fetch_add(&p->started, 1)], test_gettid());
    r = WaitForSingleObject(p->ev, WAIT_LIMIT);
    if (r == WAIT_OBJECT_0)
        atomic_fetch_add(&p->released, 1);
    else
        atomic_fetch_add(&p->timed_out, 1);
    return 0;
}

/* Waits (up to a generous limit) until the pool has released n. */
static int pool_wait_for(struct waiter_pool *p, int n)
{
    int i;
    for (i = 0; i < WAIT_LIMIT && atomic_load(&p->released) < n; i++)
        Sleep(1);
    return atomic_load(&p->released);
}

/* Waits (up to WAIT_LIMIT) until exactly n of the pool's n_threads
 * threads are seen asleep in their wait (poll() or a futex) at one look, and stay so
 * for a second look; the number seen at the last look otherwise.  A
 * thread that SetEvent woke reads "running" until it sleeps again, and one
 * that has returned is not in a wait. */
static int pool_wait_blocked(struct waiter_pool *p, int n_threads, int n)
{
    int seen = -1, agreed = 0;
    for (int waited = 0; waited <= WAIT_LIMIT && agreed < 2; waited++) {
        int now = 0;
        for (int i = 0; i < n_threads; i++) {
            int tid = atomic_load(&p->tid[i]);
            now += tid && test_thread_blocked_in(0, tid, TEST_SYS_WAIT, -1, 0,
                                                 -1, NULL);
        }
        agreed = now == n && seen == n ? agreed + 1 : now == n;
        seen = now;
        if (agreed < 2)
            usleep(1000); /* polling the state, with a bound */
    }
    return seen;
}

/* Each SetEvent on an auto-reset event releases exactly one waiter. */
static void test_auto_reset_releases_one(void)
{
    enum { N = 5 };
    struct waiter_pool p;
    HANDLE t[N];
    int i;

    pool_init(&p, autoreset(FALSE));
    for (i = 0; i < N; i++)
        t[i] = CreateThread(NULL, 0, pool_waiter, &p, 0, NULL);
    /* All of them wait before the first SetEvent. */
    CHECK_EQ(pool_wait_blocked(&p, N, N), N);
    CHECK_EQ(atomic_load(&p.released), 0);
    for (i = 1; i <= N; i++) {
        CHECK_OK(SetEvent(p.ev));
        CHECK_EQ(pool_wait_for(&p, i), i);
        /* The others are all back asleep in their wait (any that SetEvent
         * woke has had its chance to slip through), and none did. */
        CHECK_EQ(pool_wait_blocked(&p, N, N - i), N - i);
        CHECK_EQ(atomic_load(&p.released), i);
    }
    for (i = 0; i < N; i++) {
        CHECK_EQ(WaitForSingleObject(t[i], WAIT_LIMIT), WAIT_OBJECT_0);
        CloseHandle(t[i]);
    }
    CHECK_EQ(atomic_load(&p.timed_out), 0);
    /* Every signal was consumed. */
    CHECK_EQ(WaitForSingleObject(p.ev, 0), WAIT_TIMEOUT);
    CloseHandle(p.ev);
}

/* SetEvent on a manual-reset event releases every waiter. */
static void test_manual_reset_releases_all(void)
{
    enum { N = 5 };
    struct waiter_pool p;
    HANDLE t[N];
    int i;

    pool_init(&p, manual(FALSE));
    for (i = 0; i < N; i++)
        t[i] = CreateThread(NULL, 0, pool_waiter, &p, 0, NULL);
    /* All of them wait before the SetEvent, which must wake them all. */
    CHECK_EQ(pool_wait_blocked(&p, N, N), N);
    CHECK_EQ(atomic_load(&p.released), 0);
    CHECK_OK(SetEvent(p.ev));
    CHECK_EQ(WaitForMultipleObjects(N, t, TRUE, WAIT_LIMIT), WAIT_OBJECT_0);
    CHECK_EQ(atomic_load(&p.released), N);
    for (i = 0; i < N; i++)
        CloseHandle(t[i]);
    CHECK_EQ(WaitForSingleObject(p.ev, 0), WAIT_OBJECT_0);
    CloseHandle(p.ev);
}

int main(void)
{
    TEST_START();
    RUN(test_create_event);
    RUN(test_manual_reset);
    RUN(test_auto_reset);
    RUN(test_event_errors);
    RUN(test_wait_errors);
    RUN(test_wait_any);
    RUN(test_wait_all);
    RUN(test_blocking_waits);
    RUN(test_auto_reset_releases_one);
    RUN(test_manual_reset_releases_all);
    return TEST_SUMMARY();
}
