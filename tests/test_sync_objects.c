/*
 * test_sync_objects.c: mutexes, semaphores, and named events, mutexes and
 * semaphores, in one process and across processes (issue 15).  The
 * multi-process tests re-run this binary as helpers ("--helper NAME").
 */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"

static char self_exe[4096];

/* ---- Mutexes in one process ------------------------------------------------ */

static void test_mutex_recursive(void)
{
    HANDLE m;
    SetLastError(0xdead);
    m = CreateMutexA(NULL, TRUE, NULL);
    CHECK(m != NULL);
    CHECK_EQ(GetLastError(), 0);
    CHECK_OK(ReleaseMutex(m));
    CHECK_FAILS(ReleaseMutex(m), ERROR_NOT_OWNER);
    CHECK_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(m, INFINITE), WAIT_OBJECT_0);
    CHECK_OK(ReleaseMutex(m));
    CHECK_OK(ReleaseMutex(m));
    CHECK_OK(ReleaseMutex(m));
    CHECK_FAILS(ReleaseMutex(m), ERROR_NOT_OWNER);
    CHECK_FAILS(ReleaseMutex(NULL), ERROR_INVALID_HANDLE);
    CloseHandle(m);
}

static HANDLE g_mutex;
static volatile LONG g_thread_result;

static DWORD WINAPI thread_try_mutex(LPVOID arg)
{
    (void)arg;
    g_thread_result = (LONG)WaitForSingleObject(g_mutex, 0);
    if (g_thread_result == WAIT_TIMEOUT && !ReleaseMutex(g_mutex))
        g_thread_result = -(LONG)GetLastError();
    return 0;
}

static DWORD WINAPI thread_take_and_exit(LPVOID arg)
{
    (void)arg;
    g_thread_result = (LONG)WaitForSingleObject(g_mutex, 5000);
    WaitForSingleObject(g_mutex, 0); /* recursion 2: all abandoned */
    return 0; /* ends owning it */
}

static DWORD WINAPI thread_wait_mutex(LPVOID arg)
{
    (void)arg;
    g_thread_result = (LONG)WaitForSingleObject(g_mutex, 10000);
    ReleaseMutex(g_mutex);
    return 0;
}

static void test_mutex_threads(void)
{
    HANDLE t;
    g_mutex = CreateMutexA(NULL, TRUE, NULL);
    /* Another thread neither gets it nor may release it. */
    t = CreateThread(NULL, 0, thread_try_mutex, NULL, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CHECK_EQ(g_thread_result, -(LONG)ERROR_NOT_OWNER);
    CloseHandle(t);
    /* A waiter gets it once the owner releases it. */
    t = CreateThread(NULL, 0, thread_wait_mutex, NULL, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, 100), WAIT_TIMEOUT);
    CHECK_OK(ReleaseMutex(g_mutex));
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CHECK_EQ(g_thread_result, WAIT_OBJECT_0);
    CloseHandle(t);
    /* A thread that ends owning it abandons it: the next wait hears so,
     * once, and owns it. */
    t = CreateThread(NULL, 0, thread_take_and_exit, NULL, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CHECK_EQ(g_thread_result, WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(g_mutex, 5000), WAIT_ABANDONED);
    CHECK_OK(ReleaseMutex(g_mutex));
    CHECK_FAILS(ReleaseMutex(g_mutex), ERROR_NOT_OWNER);
    CHECK_EQ(WaitForSingleObject(g_mutex, 0), WAIT_OBJECT_0);
    CHECK_OK(ReleaseMutex(g_mutex));
    CloseHandle(t);
    /* Abandoned while this thread waits for it. */
    t = CreateThread(NULL, 0, thread_take_and_exit, NULL, CREATE_SUSPENDED,
                     NULL);
    CHECK_OK(ResumeThread(t) != (DWORD)-1);
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    {
        HANDLE hs[2] = {t, g_mutex};
        /* The thread (signalled) comes first; then the mutex, abandoned,
         * at index 1. */
        CHECK_EQ(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_OBJECT_0);
        hs[0] = CreateEventA(NULL, TRUE, FALSE, NULL);
        CHECK_EQ(WaitForMultipleObjects(2, hs, FALSE, 5000),
                 WAIT_ABANDONED_0 + 1);
        CHECK_OK(ReleaseMutex(g_mutex));
        CloseHandle(hs[0]);
    }
    CloseHandle(t);
    CloseHandle(g_mutex);
}

static void test_mutex_wait_all(void)
{
    HANDLE m = CreateMutexA(NULL, FALSE, NULL);
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE s = CreateSemaphoreA(NULL, 1, 1, NULL);
    HANDLE hs[3] = {m, e, s};
    HANDLE t;
    LONG prev = -1;

    /* Nothing is taken while the event is not set. */
    CHECK_EQ(WaitForMultipleObjects(3, hs, TRUE, 50), WAIT_TIMEOUT);
    g_mutex = m;
    t = CreateThread(NULL, 0, thread_try_mutex, NULL, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    /* The mutex stayed free; the thread took it and ended owning it. */
    CHECK_EQ(g_thread_result, WAIT_OBJECT_0);
    CloseHandle(t);
    CHECK_OK(ReleaseSemaphore(s, 0, &prev));
    CHECK_EQ(prev, 1); /* the semaphore was given back */
    CHECK_OK(SetEvent(e));
    /* All at once; an abandoned mutex among them: WAIT_ABANDONED_0 (+ 0
     * whatever its index, as Wine answers). */
    CHECK_EQ(WaitForMultipleObjects(3, hs, TRUE, 5000), WAIT_ABANDONED_0);
    CHECK_EQ(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_TIMEOUT);
    CHECK_OK(ReleaseMutex(m));
    CHECK_FAILS(ReleaseMutex(m), ERROR_NOT_OWNER);
    CloseHandle(m);
    CloseHandle(e);
    CloseHandle(s);
}

/* ---- Semaphores in one process ----------------------------------------------- */

static void test_semaphore_counts(void)
{
    HANDLE s;
    LONG prev = -7;

    CHECK_FAILS(CreateSemaphoreA(NULL, -1, 2, NULL), ERROR_INVALID_PARAMETER);
    CHECK_FAILS(CreateSemaphoreA(NULL, 0, 0, NULL), ERROR_INVALID_PARAMETER);
    CHECK_FAILS(CreateSemaphoreA(NULL, 3, 2, NULL), ERROR_INVALID_PARAMETER);
    s = CreateSemaphoreA(NULL, 1, 2, NULL);
    CHECK(s != NULL);
    CHECK_OK(ReleaseSemaphore(s, 1, &prev));
    CHECK_EQ(prev, 1);
    prev = -7;
    CHECK_FAILS(ReleaseSemaphore(s, 1, &prev), ERROR_TOO_MANY_POSTS);
    CHECK_EQ(prev, -7); /* untouched */
    CHECK_FAILS(ReleaseSemaphore(s, -1, &prev), ERROR_TOO_MANY_POSTS);
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(s, 10), WAIT_TIMEOUT);
    CHECK_FAILS(ReleaseSemaphore(s, 3, &prev), ERROR_TOO_MANY_POSTS);
    CHECK_OK(ReleaseSemaphore(s, 2, &prev));
    CHECK_EQ(prev, 0);
    CHECK_OK(ReleaseSemaphore(s, 0, NULL));
    CHECK_FAILS(ReleaseMutex(s), ERROR_INVALID_HANDLE);
    {
        HANDLE m = CreateMutexA(NULL, FALSE, NULL);
        CHECK_FAILS(ReleaseSemaphore(m, 1, NULL), ERROR_INVALID_HANDLE);
        CloseHandle(m);
    }
    CloseHandle(s);
}

static HANDLE g_sem;

static DWORD WINAPI thread_sem_consumer(LPVOID arg)
{
    LONG n = 0;
    (void)arg;
    while (WaitForSingleObject(g_sem, 5000) == WAIT_OBJECT_0)
        if (++n == 2000)
            break;
    return (DWORD)n;
}

static void test_semaphore_threads(void)
{
    HANDLE t[4];
    DWORD code, total = 0;
    int i;
    g_sem = CreateSemaphoreA(NULL, 0, 100000, NULL);
    for (i = 0; i < 4; i++)
        t[i] = CreateThread(NULL, 0, thread_sem_consumer, NULL, 0, NULL);
    for (i = 0; i < 8000; i++)
        if (!ReleaseSemaphore(g_sem, 1, NULL))
            WaitForSingleObject(g_sem, 0) == WAIT_TIMEOUT ? (void)0 : (void)0;
    for (i = 0; i < 4; i++) {
        CHECK_EQ(WaitForSingleObject(t[i], 30000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeThread(t[i], &code));
        total += code;
        CloseHandle(t[i]);
    }
    CHECK_EQ(total, 8000);
    CHECK_EQ(WaitForSingleObject(g_sem, 0), WAIT_TIMEOUT);
    CloseHandle(g_sem);
}

/* ---- Names in one process ------------------------------------------------- */

static void test_names_one_process(void)
{
    char ev[64], mx[64], sm[64], loc[80], glob[80];
    HANDLE e, h, m, m2, s, s2;
    LONG prev = -1;

    snprintf(ev, sizeof ev, "wipc_ev_%d", (int)getpid());
    snprintf(mx, sizeof mx, "wipc_mx_%d", (int)getpid());
    snprintf(sm, sizeof sm, "wipc_sm_%d", (int)getpid());
    SetLastError(0xdead);
    e = CreateEventA(NULL, TRUE, FALSE, ev);
    CHECK(e != NULL);
    CHECK_EQ(GetLastError(), 0);
    SetLastError(0xdead);
    h = CreateEventA(NULL, FALSE, TRUE, ev); /* arguments ignored */
    CHECK(h != NULL);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CHECK_OK(SetEvent(e));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0); /* manual */
    CHECK_OK(ResetEvent(h));
    CloseHandle(h);
    /* Another type under the name. */
    CHECK_FAILS(CreateMutexA(NULL, FALSE, ev), ERROR_INVALID_HANDLE);
    CHECK_FAILS(CreateSemaphoreA(NULL, 0, 1, ev), ERROR_INVALID_HANDLE);
    CHECK_FAILS(OpenMutexA(SYNCHRONIZE, FALSE, ev), ERROR_INVALID_HANDLE);
    CHECK_FAILS(OpenSemaphoreA(SYNCHRONIZE, FALSE, ev), ERROR_INVALID_HANDLE);
    /* Open: case-sensitive, Local\ is the same name, Global\ is not. */
    SetLastError(0xdead);
    h = OpenEventA(SYNCHRONIZE, FALSE, ev);
    CHECK(h != NULL);
    CHECK_EQ(GetLastError(), 0xdead); /* left alone */
    CHECK_FAILS(SetEvent(h), ERROR_ACCESS_DENIED);
    CloseHandle(h);
    h = OpenEventA(EVENT_MODIFY_STATE, FALSE, ev);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_FAILED);
    CHECK_EQ(GetLastError(), ERROR_ACCESS_DENIED);
    CHECK_OK(SetEvent(h));
    CHECK_EQ(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CloseHandle(h);
    {
        char upper[64];
        snprintf(upper, sizeof upper, "WIPC_EV_%d", (int)getpid());
        CHECK_FAILS(OpenEventA(SYNCHRONIZE, FALSE, upper),
                    ERROR_FILE_NOT_FOUND);
    }
    snprintf(loc, sizeof loc, "Local\\%s", ev);
    snprintf(glob, sizeof glob, "Global\\%s", ev);
    h = OpenEventA(SYNCHRONIZE, FALSE, loc);
    CHECK(h != NULL);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CloseHandle(h);
    CHECK_FAILS(OpenEventA(SYNCHRONIZE, FALSE, glob), ERROR_FILE_NOT_FOUND);
    CHECK_FAILS(OpenEventA(SYNCHRONIZE, FALSE, NULL), ERROR_INVALID_PARAMETER);
    CHECK_FAILS(OpenEventA(SYNCHRONIZE, FALSE, ""), ERROR_INVALID_HANDLE);
    CHECK_FAILS(OpenEventA(SYNCHRONIZE, FALSE, "wipc_no\\such"),
                ERROR_PATH_NOT_FOUND);
    CHECK_FAILS(CreateEventA(NULL, TRUE, FALSE, "wipc_a\\b"),
                ERROR_PATH_NOT_FOUND);
    CHECK_FAILS(OpenMutexA(SYNCHRONIZE, FALSE, "wipc_nosuch_mutex"),
                ERROR_FILE_NOT_FOUND);
    /* The name goes with the last handle. */
    CloseHandle(e);
    CHECK_FAILS(OpenEventA(SYNCHRONIZE, FALSE, ev), ERROR_FILE_NOT_FOUND);

    /* Mutexes: bInitialOwner is ignored when the mutex exists. */
    m = CreateMutexA(NULL, TRUE, mx);
    SetLastError(0xdead);
    m2 = CreateMutexA(NULL, TRUE, mx);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CHECK_OK(ReleaseMutex(m2));
    CHECK_FAILS(ReleaseMutex(m), ERROR_NOT_OWNER);
    CloseHandle(m2);
    m2 = OpenMutexA(SYNCHRONIZE, FALSE, mx);
    CHECK_EQ(WaitForSingleObject(m2, 0), WAIT_OBJECT_0);
    CHECK_OK(ReleaseMutex(m)); /* the same mutex through the other handle */
    CloseHandle(m2);
    CloseHandle(m);

    /* Semaphores: counts of an existing one are ignored. */
    s = CreateSemaphoreA(NULL, 1, 5, sm);
    SetLastError(0xdead);
    s2 = CreateSemaphoreA(NULL, 3, 9, sm);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CHECK_OK(ReleaseSemaphore(s2, 4, &prev));
    CHECK_EQ(prev, 1);
    CHECK_FAILS(ReleaseSemaphore(s2, 1, &prev), ERROR_TOO_MANY_POSTS);
    CloseHandle(s);
    CloseHandle(s2);
    CHECK_FAILS(OpenSemaphoreA(SYNCHRONIZE, FALSE, sm), ERROR_FILE_NOT_FOUND);
    /* The name is free for another type now. */
    m = CreateMutexA(NULL, FALSE, sm);
    CHECK(m != NULL);
    CHECK_FAILS(OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, sm),
                ERROR_INVALID_HANDLE);
    CloseHandle(m);
}


/* ---- Helpers: this binary as another process ----------------------------- */

static HANDLE handle_arg(const char *s)
{
    return (HANDLE)(uintptr_t)strtoull(s, NULL, 0);
}

/* NAME [READY]: opens the named mutex, sets READY if given, and waits for
 * the mutex (10 s); exit code: the wait's result (0x80 abandoned), or
 * 1000 + the error of the open. */
static int helper_mutex_wait(int argc, char **argv)
{
    HANDLE m;
    DWORD r;
    m = OpenMutexA(SYNCHRONIZE, FALSE, argv[0]);
    if (!m)
        return 1000 + (int)GetLastError();
    if (argc > 1)
        SetEvent(handle_arg(argv[1]));
    r = WaitForSingleObject(m, 10000);
    if (r == WAIT_OBJECT_0 || r == WAIT_ABANDONED)
        ReleaseMutex(m);
    return (int)r;
}

/* NAME READY DIE: takes the named mutex, sets READY, and when DIE is set
 * ends the process owning it (ExitProcess: no thread ends by itself; its
 * pidfd says so). */
static int helper_mutex_die(int argc, char **argv)
{
    HANDLE m;
    (void)argc;
    m = OpenMutexA(SYNCHRONIZE, FALSE, argv[0]);
    if (!m || WaitForSingleObject(m, 10000) != WAIT_OBJECT_0)
        return 1;
    SetEvent(handle_arg(argv[1]));
    WaitForSingleObject(handle_arg(argv[2]), 30000);
    ExitProcess(7);
}

/* NAME READY: opens the named semaphore, sets READY, and takes it twice
 * (10 s each); exit code: how many it took. */
static int helper_sem_take2(int argc, char **argv)
{
    HANDLE s;
    int n = 0;
    (void)argc;
    s = OpenSemaphoreA(SYNCHRONIZE, FALSE, argv[0]);
    if (!s)
        return 1000 + (int)GetLastError();
    SetEvent(handle_arg(argv[1]));
    while (n < 2 && WaitForSingleObject(s, 10000) == WAIT_OBJECT_0)
        n++;
    return n;
}

/* NAME: creates (or opens) the named event and sets it; exit code 0, or
 * 1000 + the error, or 2 if it did not exist already. */
static int helper_event_set(int argc, char **argv)
{
    HANDLE e;
    (void)argc;
    e = CreateEventA(NULL, TRUE, FALSE, argv[0]);
    if (!e)
        return 1000 + (int)GetLastError();
    if (GetLastError() != ERROR_ALREADY_EXISTS)
        return 2;
    return SetEvent(e) ? 0 : 3;
}

/* NAME: opens the named event and waits for it (10 s); exit code: the
 * wait's result, or 1000 + the error of the open. */
static int helper_event_wait(int argc, char **argv)
{
    HANDLE e;
    (void)argc;
    e = OpenEventA(SYNCHRONIZE, FALSE, argv[0]);
    if (!e)
        return 1000 + (int)GetLastError();
    return (int)WaitForSingleObject(e, 10000);
}

/* MUTEX SEM: inherited handles: the mutex is the parent's (owned), the
 * semaphore's count goes up by one; exit code: the previous count, or
 * 100 + a failed check. */
static int helper_inherited(int argc, char **argv)
{
    HANDLE m = handle_arg(argv[0]), s = handle_arg(argv[1]);
    LONG prev = -1;
    (void)argc;
    if (WaitForSingleObject(m, 0) != WAIT_TIMEOUT)
        return 101;
    if (ReleaseMutex(m) || GetLastError() != ERROR_NOT_OWNER)
        return 102;
    if (!ReleaseSemaphore(s, 1, &prev))
        return 103;
    return (int)prev;
}

/* Makes an unnamed semaphore (count 4, maximum 9) and writes its handle
 * value to stdout; then waits for stdin to close. */
static int helper_make_sem(int argc, char **argv)
{
    HANDLE s = CreateSemaphoreA(NULL, 4, 9, NULL);
    char buf[32];
    DWORD n;
    (void)argc;
    (void)argv;
    snprintf(buf, sizeof buf, "%#llx\n", (unsigned long long)(uintptr_t)s);
    if (!WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), buf, (DWORD)strlen(buf),
                   &n, NULL))
        return 1;
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf, sizeof buf, &n,
                    NULL) &&
           n > 0)
        ;
    return 0;
}

static BOOL spawn_helper(const char *args, BOOL inherit,
                         PROCESS_INFORMATION *pi)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "\"%s\" --helper %s", self_exe, args);
    return test_spawn(cmd, inherit, NULL, pi);
}

static DWORD helper_code(PROCESS_INFORMATION *pi)
{
    DWORD code = 9999;
    if (WaitForSingleObject(pi->hProcess, 30000) != WAIT_OBJECT_0)
        return 8888;
    GetExitCodeProcess(pi->hProcess, &code);
    CloseHandle(pi->hProcess);
    CloseHandle(pi->hThread);
    return code;
}

/* ---- Across processes ---------------------------------------------------- */

static void test_named_mutex_processes(void)
{
    char name[64], args[256];
    PROCESS_INFORMATION pi;
    HANDLE m;

    snprintf(name, sizeof name, "wipc_pm_%d", (int)getpid());
    m = CreateMutexA(NULL, TRUE, name);
    CHECK(m != NULL);
    snprintf(args, sizeof args, "mutex_wait %s", name);
    CHECK_OK(spawn_helper(args, FALSE, &pi));
    /* The child waits for it while this thread owns it. */
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 200), WAIT_TIMEOUT);
    CHECK_OK(ReleaseMutex(m));
    CHECK_EQ(helper_code(&pi), WAIT_OBJECT_0);
    /* It released it: free here. */
    CHECK_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    CHECK_OK(ReleaseMutex(m));
    CloseHandle(m);
}

static void test_mutex_owner_killed(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    char name[64], args[256];
    PROCESS_INFORMATION pi;
    HANDLE m, ready, die;
    int round;

    snprintf(name, sizeof name, "wipc_pk_%d", (int)getpid());
    m = CreateMutexA(NULL, FALSE, name);
    ready = CreateEventA(&sa, FALSE, FALSE, NULL);
    die = CreateEventA(&sa, FALSE, FALSE, NULL);
    for (round = 0; round < 2; round++) {
        snprintf(args, sizeof args, "mutex_die %s %#llx %#llx", name,
                 (unsigned long long)(uintptr_t)ready,
                 (unsigned long long)(uintptr_t)die);
        CHECK_OK(spawn_helper(args, TRUE, &pi));
        CHECK_EQ(WaitForSingleObject(ready, 10000), WAIT_OBJECT_0);
        CHECK_EQ(WaitForSingleObject(m, 0), WAIT_TIMEOUT);
        if (round == 0) {
            /* Killed outright while nobody waits. */
            CHECK_OK(TerminateProcess(pi.hProcess, 9));
            CHECK_EQ(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
        } else {
            /* Ends while this thread waits for the mutex. */
            CHECK_OK(SetEvent(die));
        }
        CHECK_EQ(WaitForSingleObject(m, 10000), WAIT_ABANDONED);
        /* Heard once: owned now, and recursive. */
        CHECK_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
        CHECK_OK(ReleaseMutex(m));
        CHECK_OK(ReleaseMutex(m));
        CHECK_FAILS(ReleaseMutex(m), ERROR_NOT_OWNER);
        helper_code(&pi);
    }
    CloseHandle(m);
    CloseHandle(ready);
    CloseHandle(die);
}

/* A thread owns a mutex whose last handle in this process is closed
 * meanwhile: the mutex is abandoned when that thread ends, as a waiter in
 * another process hears. */
static HANDLE g_owned_evt, g_go_evt;

static DWORD WINAPI thread_own_then_end(LPVOID arg)
{
    if (WaitForSingleObject((HANDLE)arg, 10000) != WAIT_OBJECT_0)
        return 1;
    SetEvent(g_owned_evt);
    WaitForSingleObject(g_go_evt, 10000);
    return 0; /* ends owning it */
}

static void test_owner_closes_then_ends(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    char name[64], args[256];
    PROCESS_INFORMATION pi;
    HANDLE m, ready, t;
    DWORD code = 99;

    snprintf(name, sizeof name, "wipc_po_%d", (int)getpid());
    m = CreateMutexA(NULL, FALSE, name);
    ready = CreateEventA(&sa, FALSE, FALSE, NULL);
    g_owned_evt = CreateEventA(NULL, FALSE, FALSE, NULL);
    g_go_evt = CreateEventA(NULL, FALSE, FALSE, NULL);
    snprintf(args, sizeof args, "mutex_wait %s %#llx", name,
             (unsigned long long)(uintptr_t)ready);
    t = CreateThread(NULL, 0, thread_own_then_end, m, 0, NULL);
    CHECK_EQ(WaitForSingleObject(g_owned_evt, 10000), WAIT_OBJECT_0);
    CHECK_OK(spawn_helper(args, TRUE, &pi));
    CHECK_EQ(WaitForSingleObject(ready, 10000), WAIT_OBJECT_0);
    /* The owner's process lets go of its last handle: still owned. */
    CHECK_OK(CloseHandle(m));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 100), WAIT_TIMEOUT);
    CHECK_OK(SetEvent(g_go_evt));
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, 0);
    CHECK_EQ(helper_code(&pi), WAIT_ABANDONED);
    CloseHandle(t);
    CloseHandle(ready);
    CloseHandle(g_owned_evt);
    CloseHandle(g_go_evt);
}

/* Handles closed and made again at the same value while other threads
 * use that value (ReleaseMutex, SetEvent, waits, which look handles up
 * without a lock): each call works or fails with ERROR_INVALID_HANDLE,
 * and no object is freed under one (AddressSanitizer would see it). */
static _Atomic(HANDLE) g_churn;
static atomic_int g_churn_stop;
/* The churning threads that went round their loop once; the last of the
 * three sets g_churn_all_ran. */
static atomic_int g_churn_ran;
static HANDLE g_churn_all_ran;

static DWORD WINAPI thread_churn_user(LPVOID arg)
{
    DWORD bad = 0, ok = 0;
    (void)arg;
    int first = 1;
    while (!g_churn_stop) {
        HANDLE h = g_churn;
        DWORD r;
        if (first && atomic_fetch_add(&g_churn_ran, 1) == 2)
            SetEvent(g_churn_all_ran);
        first = 0;
        if (ReleaseMutex(h) || GetLastError() == ERROR_NOT_OWNER ||
            GetLastError() == ERROR_INVALID_HANDLE)
            ok++;
        else
            bad++;
        if (SetEvent(h) || GetLastError() == ERROR_INVALID_HANDLE)
            ok++;
        else
            bad++;
        r = WaitForSingleObject(h, 0);
        if ((r == WAIT_OBJECT_0 || r == WAIT_ABANDONED) && ReleaseMutex(h))
            ok++; /* a mutex: it was taken (abandoned by an ended thread) */
        else if (r == WAIT_OBJECT_0 || r == WAIT_ABANDONED ||
                 r == WAIT_TIMEOUT ||
                 (r == WAIT_FAILED && GetLastError() == ERROR_INVALID_HANDLE))
            ok++;
        else
            bad++;
    }
    return bad ? 1000 + bad : ok ? 0 : 1;
}

static void test_close_while_in_use(void)
{
    HANDLE t[3], h;
    DWORD code;
    int i, round;

    /* A thread whose wait took a mutex the main thread then closed (and
     * whose value became an event before its ReleaseMutex) owns it until
     * it ends, as on Windows: an orphan holding its descriptors.  So the
     * threads end every 200 changes, which frees their orphans: 20,000
     * in one go left thousands under AddressSanitizer's slower timing
     * (ERROR_TOO_MANY_OPEN_FILES). */
    g_churn_all_ran = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK(g_churn_all_ran != NULL);
    g_churn = CreateMutexA(NULL, FALSE, NULL);
    for (round = 0; round < 100; round++) {
        g_churn_stop = 0;
        atomic_store(&g_churn_ran, 0);
        ResetEvent(g_churn_all_ran);
        for (i = 0; i < 3; i++)
            t[i] = CreateThread(NULL, 0, thread_churn_user, NULL, 0, NULL);
        for (i = 0; i < 200; i++) {
            h = g_churn;
            CHECK_OK(CloseHandle(h));
            /* The lowest free value: the same one, another type every
             * other time (some of the threads' calls then fail by type). */
            g_churn = i % 2 ? CreateMutexA(NULL, FALSE, NULL)
                            : CreateEventA(NULL, FALSE, FALSE, NULL);
            CHECK(g_churn != NULL);
        }
        /* Each thread goes round at least once before the stop (on a
         * loaded machine they may not have run at all yet). */
        CHECK_EQ(WaitForSingleObject(g_churn_all_ran, 30000), WAIT_OBJECT_0);
        g_churn_stop = 1;
        for (i = 0; i < 3; i++) {
            CHECK_EQ(WaitForSingleObject(t[i], 30000), WAIT_OBJECT_0);
            CHECK_OK(GetExitCodeThread(t[i], &code));
            CHECK_EQ(code, 0);
            CloseHandle(t[i]);
        }
    }
    CloseHandle(g_churn);
    CloseHandle(g_churn_all_ran);
}

/* Open* checks the access asked as Windows' object manager does: none at
 * all or a right the type lacks is ERROR_ACCESS_DENIED, after a missing
 * name's ERROR_FILE_NOT_FOUND (Wine's sync.c test_mutex; Wine 10's
 * server refuses an empty access for every type), ACCESS_SYSTEM_SECURITY
 * needs a privilege, MAXIMUM_ALLOWED is every right. */
static void test_open_access(void)
{
    char name[64];
    HANDLE m, e, s, t, f, h;
    DWORD failed = 0;
    int i;

    snprintf(name, sizeof name, "wipc_acc_%d", (int)getpid());
    CHECK_FAILS(OpenMutexA(0, FALSE, name), ERROR_FILE_NOT_FOUND);
    m = CreateMutexA(NULL, FALSE, name);
    CHECK(m != NULL);
    CHECK_FAILS(OpenMutexA(0, FALSE, name), ERROR_ACCESS_DENIED);
    for (i = 0; i < 32; i++) {
        SetLastError(0xdeadbeef);
        h = OpenMutexA(1u << i, FALSE, name);
        if (h) {
            CloseHandle(h);
            continue;
        }
        failed |= 1u << i;
        CHECK_EQ(GetLastError(), (1u << i) == ACCESS_SYSTEM_SECURITY
                                     ? ERROR_PRIVILEGE_NOT_HELD
                                     : ERROR_ACCESS_DENIED);
    }
    CHECK_EQ(failed, 0x0de0fffeu);
    h = OpenMutexA(MAXIMUM_ALLOWED, FALSE, name);
    CHECK(h != NULL);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CHECK_OK(ReleaseMutex(h));
    CloseHandle(h);
    CloseHandle(m);

    e = CreateEventA(NULL, TRUE, FALSE, name);
    CHECK_FAILS(OpenEventA(0, FALSE, name), ERROR_ACCESS_DENIED);
    CHECK_FAILS(OpenEventA(SYNCHRONIZE | 4, FALSE, name), ERROR_ACCESS_DENIED);
    h = OpenEventA(MAXIMUM_ALLOWED, FALSE, name);
    CHECK(h != NULL);
    CHECK_OK(SetEvent(h));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CloseHandle(h);
    CloseHandle(e);
    s = CreateSemaphoreA(NULL, 0, 1, name);
    CHECK_FAILS(OpenSemaphoreA(0, FALSE, name), ERROR_ACCESS_DENIED);
    CHECK_FAILS(OpenSemaphoreA(SYNCHRONIZE | 4, FALSE, name),
                ERROR_ACCESS_DENIED);
    CloseHandle(s);
    t = CreateWaitableTimerA(NULL, TRUE, name);
    CHECK_FAILS(OpenWaitableTimerA(0, FALSE, name), ERROR_ACCESS_DENIED);
    CHECK_FAILS(OpenWaitableTimerA(ACCESS_SYSTEM_SECURITY, FALSE, name),
                ERROR_PRIVILEGE_NOT_HELD);
    CloseHandle(t);
    f = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096,
                           name);
    CHECK_FAILS(OpenFileMappingA(0, FALSE, name), ERROR_ACCESS_DENIED);
    CHECK_FAILS(OpenFileMappingA(FILE_MAP_READ | 0x100, FALSE, name),
                ERROR_ACCESS_DENIED);
    h = OpenFileMappingA(MAXIMUM_ALLOWED, FALSE, name);
    CHECK(h != NULL);
    CHECK(h && MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) != NULL);
    CloseHandle(h);
    CloseHandle(f);
}

/* ---- PulseEvent ------------------------------------------------------------ */

#define PULSE_THREADS 3

struct pulse_waiter {
    HANDLE ev;
    _Atomic int tid;
    DWORD result;
};

static DWORD WINAPI thread_pulse_wait(LPVOID arg)
{
    struct pulse_waiter *w = arg;
    atomic_store(&w->tid, test_gettid());
    w->result = WaitForSingleObject(w->ev, 10000);
    return 0;
}

/* Asleep on an event's word: futex() with FUTEX_WAIT (0) itself, shared
 * between processes; the C library's own locks use the private
 * operations, and the handle service a poll. */
#define PULSE_ASLEEP TEST_SYSCALLS(SYS_futex), 1, 0

/* Starts the waiters and returns once each is seen asleep in its wait. */
static void pulse_start(struct pulse_waiter *w, HANDLE *t, HANDLE ev)
{
    for (int i = 0; i < PULSE_THREADS; i++) {
        w[i].ev = ev;
        atomic_store(&w[i].tid, 0);
        w[i].result = 12345;
        t[i] = CreateThread(NULL, 0, thread_pulse_wait, &w[i], 0, NULL);
    }
    for (int i = 0; i < PULSE_THREADS; i++)
        CHECK(test_wait_blocked(0, &w[i].tid, 10000, PULSE_ASLEEP));
}

/* "Sets the event to the signaled state and then resets it after
 * releasing the appropriate number of waiting threads": all of them for
 * a manual-reset event, one for an auto-reset event, none when nobody
 * waits (Microsoft's PulseEvent page). */
static void test_pulse_event(void)
{
    struct pulse_waiter w[PULSE_THREADS];
    HANDLE t[PULSE_THREADS], man, aut;
    DWORD r;
    int i, done = -1;

    man = CreateEventA(NULL, TRUE, FALSE, NULL);
    aut = CreateEventA(NULL, FALSE, FALSE, NULL);
    /* Nobody waits: it stays reset (also when it was set). */
    CHECK_OK(PulseEvent(man));
    CHECK_EQ(WaitForSingleObject(man, 0), WAIT_TIMEOUT);
    CHECK_OK(SetEvent(aut));
    CHECK_OK(PulseEvent(aut));
    CHECK_EQ(WaitForSingleObject(aut, 0), WAIT_TIMEOUT);
    CHECK_FAILS(PulseEvent(NULL), ERROR_INVALID_HANDLE);

    /* Manual reset: every waiter goes, and it is reset after. */
    pulse_start(w, t, man);
    CHECK_OK(PulseEvent(man));
    CHECK_EQ(WaitForMultipleObjects(PULSE_THREADS, t, TRUE, 10000),
             WAIT_OBJECT_0);
    for (i = 0; i < PULSE_THREADS; i++) {
        CHECK_EQ(w[i].result, WAIT_OBJECT_0);
        CloseHandle(t[i]);
    }
    CHECK_EQ(WaitForSingleObject(man, 0), WAIT_TIMEOUT);

    /* Auto reset: one waiter goes; the others wait on. */
    pulse_start(w, t, aut);
    CHECK_OK(PulseEvent(aut));
    r = WaitForMultipleObjects(PULSE_THREADS, t, FALSE, 10000);
    CHECK(r < WAIT_OBJECT_0 + PULSE_THREADS);
    if (r < WAIT_OBJECT_0 + PULSE_THREADS)
        done = (int)(r - WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(aut, 0), WAIT_TIMEOUT);
    for (i = 0; i < PULSE_THREADS; i++)
        if (i != done)
            CHECK_EQ(WaitForSingleObject(t[i], 100), WAIT_TIMEOUT);
    /* The others each take one SetEvent (one at a time: two in a row
     * before anybody wakes would set it once). */
    {
        HANDLE rest[PULSE_THREADS];
        DWORD n = 0;
        for (i = 0; i < PULSE_THREADS; i++)
            if (i != done)
                rest[n++] = t[i];
        while (n > 0) {
            CHECK_OK(SetEvent(aut));
            r = WaitForMultipleObjects(n, rest, FALSE, 10000);
            CHECK(r < WAIT_OBJECT_0 + n);
            if (r >= WAIT_OBJECT_0 + n)
                break;
            rest[r - WAIT_OBJECT_0] = rest[--n];
        }
    }
    for (i = 0; i < PULSE_THREADS; i++) {
        CHECK_EQ(w[i].result, WAIT_OBJECT_0);
        CloseHandle(t[i]);
    }
    CloseHandle(man);
    CloseHandle(aut);
}

/* A waiter in another process is released by a pulse too. */
static void test_pulse_event_processes(void)
{
    char name[64], args[256];
    PROCESS_INFORMATION pi;
    _Atomic int child;
    HANDLE e;

    snprintf(name, sizeof name, "wipc_pp_%d", (int)getpid());
    e = CreateEventA(NULL, TRUE, FALSE, name);
    snprintf(args, sizeof args, "event_wait %s", name);
    CHECK_OK(spawn_helper(args, FALSE, &pi));
    atomic_store(&child, (int)pi.dwProcessId);
    CHECK(test_wait_blocked((long)pi.dwProcessId, &child, 10000,
                            PULSE_ASLEEP));
    CHECK_OK(PulseEvent(e));
    CHECK_EQ(helper_code(&pi), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
    CloseHandle(e);
}

static void test_name_outlives_creator_handle(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    char name[64], args[256];
    PROCESS_INFORMATION pi;
    HANDLE s, ready;
    LONG prev = -1;

    snprintf(name, sizeof name, "wipc_ps_%d", (int)getpid());
    s = CreateSemaphoreA(NULL, 0, 10, name);
    ready = CreateEventA(&sa, FALSE, FALSE, NULL);
    snprintf(args, sizeof args, "sem_take2 %s %#llx", name,
             (unsigned long long)(uintptr_t)ready);
    CHECK_OK(spawn_helper(args, TRUE, &pi));
    CHECK_EQ(WaitForSingleObject(ready, 10000), WAIT_OBJECT_0);
    /* This process lets go: the child holds the name alone. */
    CloseHandle(s);
    s = OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, name);
    CHECK(s != NULL);
    CHECK_OK(ReleaseSemaphore(s, 2, &prev));
    CHECK_EQ(prev, 0);
    CHECK_FAILS(ReleaseSemaphore(s, 11, &prev), ERROR_TOO_MANY_POSTS);
    CHECK_EQ(helper_code(&pi), 2);
    CloseHandle(s);
    CHECK_FAILS(OpenSemaphoreA(SYNCHRONIZE, FALSE, name), ERROR_FILE_NOT_FOUND);
    CloseHandle(ready);
}

static void test_named_event_processes(void)
{
    char name[64], args[256];
    PROCESS_INFORMATION pi;
    HANDLE e;

    snprintf(name, sizeof name, "wipc_pe_%d", (int)getpid());
    e = CreateEventA(NULL, TRUE, FALSE, name);
    snprintf(args, sizeof args, "event_set %s", name);
    CHECK_OK(spawn_helper(args, FALSE, &pi));
    CHECK_EQ(WaitForSingleObject(e, 10000), WAIT_OBJECT_0);
    CHECK_EQ(helper_code(&pi), 0);
    /* A type collision is seen across processes too: the child's event
     * is gone, but this process still holds it. */
    CHECK_FAILS(CreateMutexA(NULL, FALSE, name), ERROR_INVALID_HANDLE);
    CloseHandle(e);
}

static void test_inherit_sync(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    char args[256];
    PROCESS_INFORMATION pi;
    HANDLE m = CreateMutexA(&sa, TRUE, NULL);
    HANDLE s = CreateSemaphoreA(&sa, 3, 5, NULL);
    LONG prev = -1;

    snprintf(args, sizeof args, "inherited %#llx %#llx",
             (unsigned long long)(uintptr_t)m,
             (unsigned long long)(uintptr_t)s);
    CHECK_OK(spawn_helper(args, TRUE, &pi));
    CHECK_EQ(helper_code(&pi), 3);
    CHECK_OK(ReleaseSemaphore(s, 1, &prev));
    CHECK_EQ(prev, 4);
    CHECK_OK(ReleaseMutex(m));
    CloseHandle(m);
    CloseHandle(s);
}

static void test_duplicate_sync(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE out_r, out_w, in_r, in_w, mine = NULL, theirs = NULL, m;
    char cmd[8192], buf[64] = "";
    DWORD n = 0, got = 0;
    LONG prev = -1;

    CHECK_OK(CreatePipe(&out_r, &out_w, &sa, 0));
    CHECK_OK(CreatePipe(&in_r, &in_w, &sa, 0));
    SetHandleInformation(out_r, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(in_w, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_r;
    si.hStdOutput = out_w;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper make_sem", self_exe);
    CHECK_OK(test_spawn(cmd, TRUE, &si, &pi));
    CloseHandle(out_w);
    CloseHandle(in_r);
    while (got < sizeof buf - 1 && !strchr(buf, '\n') &&
           ReadFile(out_r, buf + got, sizeof buf - 1 - got, &n, NULL) && n)
        got += n;
    buf[got] = '\0';
    /* Out of the child... */
    CHECK_OK(DuplicateHandle(pi.hProcess, handle_arg(buf),
                             GetCurrentProcess(), &mine, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK_OK(ReleaseSemaphore(mine, 1, &prev));
    CHECK_EQ(prev, 4);
    CHECK_EQ(WaitForSingleObject(mine, 0), WAIT_OBJECT_0);
    /* ... and a mutex into it, owned here. */
    m = CreateMutexA(NULL, TRUE, NULL);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), m, pi.hProcess, &theirs, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    CHECK(theirs != NULL);
    CloseHandle(in_w); /* the child ends */
    CHECK_EQ(helper_code(&pi), 0);
    CHECK_OK(ReleaseSemaphore(mine, 0, &prev));
    CHECK_EQ(prev, 4);
    CHECK_OK(ReleaseMutex(m));
    CloseHandle(m);
    CloseHandle(mine);
    CloseHandle(out_r);
}


/* NAME: opens the named timer and sets it to fire in 10 ms. */
static int helper_timer_set(int argc, char **argv)
{
    LARGE_INTEGER due;
    HANDLE t;
    (void)argc;
    t = OpenWaitableTimerA(TIMER_MODIFY_STATE, FALSE, argv[0]);
    if (!t)
        return 1000 + (int)GetLastError();
    due.QuadPart = -100000;
    return SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE) ? 0 : 1;
}

static int timer_apc_calls;

static VOID CALLBACK timer_apc(LPVOID arg, DWORD lo, DWORD hi)
{
    (void)lo;
    (void)hi;
    if (arg == &timer_apc_calls)
        timer_apc_calls++;
}

static void test_timers(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    char name[64], args[256];
    PROCESS_INFORMATION pi;
    LARGE_INTEGER due;
    HANDLE t, a;
    int i;

    t = CreateWaitableTimerA(NULL, TRUE, NULL);
    CHECK_EQ(WaitForSingleObject(t, 0), WAIT_TIMEOUT);
    due.QuadPart = -200000; /* 20 ms */
    CHECK_OK(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE));
    CHECK_EQ(WaitForSingleObject(t, 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(t, 0), WAIT_OBJECT_0);
    CHECK_OK(CancelWaitableTimer(t));
    CHECK_EQ(WaitForSingleObject(t, 0), WAIT_OBJECT_0); /* stays */
    due.QuadPart = -100000000; /* 10 s: Set clears it */
    CHECK_OK(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE));
    CHECK_EQ(WaitForSingleObject(t, 0), WAIT_TIMEOUT);
    CHECK_OK(CancelWaitableTimer(t));
    CHECK_EQ(WaitForSingleObject(t, 50), WAIT_TIMEOUT);
    CHECK_FAILS(SetWaitableTimer(t, &due, -1, NULL, NULL, FALSE),
                ERROR_INVALID_PARAMETER);
    CHECK_FAILS(SetWaitableTimer(t, NULL, 0, NULL, NULL, FALSE),
                ERROR_NOACCESS);
    CloseHandle(t);

    /* Auto reset, periodic, with a routine run by an alertable wait. */
    a = CreateWaitableTimerA(&sa, FALSE, NULL);
    due.QuadPart = -50000;
    CHECK_OK(SetWaitableTimer(a, &due, 5, timer_apc, &timer_apc_calls, FALSE));
    for (i = 0; i < 5; i++)
        CHECK_EQ(WaitForSingleObject(a, 5000), WAIT_OBJECT_0);
    while (timer_apc_calls < 3)
        if (SleepEx(5000, TRUE) != WAIT_IO_COMPLETION)
            break;
    CHECK(timer_apc_calls >= 3);
    CHECK_OK(CancelWaitableTimer(a));
    SleepEx(0, TRUE); /* what was queued before the cancel */
    i = timer_apc_calls;
    CHECK_EQ(SleepEx(50, TRUE), 0); /* no more */
    CHECK_EQ(timer_apc_calls, i);
    CHECK_FAILS(SetWaitableTimer(CreateEventA(NULL, 0, 0, NULL), &due, 0,
                                 NULL, NULL, FALSE),
                ERROR_INVALID_HANDLE);

    /* Named, set by another process. */
    snprintf(name, sizeof name, "wipc_pt_%d", (int)getpid());
    t = CreateWaitableTimerA(NULL, TRUE, name);
    snprintf(args, sizeof args, "timer_set %s", name);
    CHECK_OK(spawn_helper(args, FALSE, &pi));
    CHECK_EQ(helper_code(&pi), 0);
    CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CHECK_FAILS(CreateSemaphoreA(NULL, 0, 1, name), ERROR_INVALID_HANDLE);
    CloseHandle(t);
    CloseHandle(a);
}


/* NAME|HANDLE TEXT: opens the named mapping (or takes the inherited
 * handle "0x..."), writes TEXT at 64 KiB into it and adds 1 to its first
 * byte. */
static int helper_map_write(int argc, char **argv)
{
    HANDLE m;
    char *v;
    (void)argc;
    if (strncmp(argv[0], "0x", 2) == 0)
        m = handle_arg(argv[0]);
    else
        m = OpenFileMappingA(FILE_MAP_WRITE, FALSE, argv[0]);
    if (!m)
        return 1000 + (int)GetLastError();
    v = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
    if (!v)
        return 2000 + (int)GetLastError();
    strcpy(v + 65536, argv[1]);
    v[0]++;
    return UnmapViewOfFile(v) ? 0 : 3;
}

static void test_mappings(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    char name[64], args[256];
    PROCESS_INFORMATION pi;
    HANDLE m, h, f;
    char *v, *v2;
    SYSTEM_INFO si;

    GetSystemInfo(&si);
    CHECK_EQ(si.dwAllocationGranularity, 65536);
    snprintf(name, sizeof name, "wipc_pmap_%d", (int)getpid());
    m = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0,
                           1 << 20, name);
    CHECK(m != NULL);
    v = MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    CHECK(v != NULL);
    if (!v)
        return;
    /* By name, in another process. */
    snprintf(args, sizeof args, "map_write %s by-name", name);
    CHECK_OK(spawn_helper(args, FALSE, &pi));
    CHECK_EQ(helper_code(&pi), 0);
    CHECK_STR(v + 65536, "by-name");
    CHECK_EQ(v[0], 1);
    /* Inherited. */
    snprintf(args, sizeof args, "map_write %#llx inherited",
             (unsigned long long)(uintptr_t)m);
    CHECK_OK(spawn_helper(args, TRUE, &pi));
    CHECK_EQ(helper_code(&pi), 0);
    CHECK_STR(v + 65536, "inherited");
    CHECK_EQ(v[0], 2);
    /* Two views here, one of them at an address asked for. */
    v2 = MapViewOfFileEx(m, FILE_MAP_READ, 0, 65536, 65536, NULL);
    CHECK(v2 != NULL);
    if (v2) {
        CHECK_STR(v2, "inherited");
        CHECK_OK(UnmapViewOfFile(v2 + 100));
    }
    CHECK_FAILS(MapViewOfFile(m, FILE_MAP_READ, 0, 4096, 0),
                ERROR_MAPPED_ALIGNMENT);
    CHECK_FAILS(UnmapViewOfFile(v2), ERROR_INVALID_ADDRESS);
    CHECK_FAILS(CreateMutexA(NULL, FALSE, name), ERROR_INVALID_HANDLE);
    h = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
    CHECK(h != NULL);
    CHECK_FAILS(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0), ERROR_ACCESS_DENIED);
    CloseHandle(h);
    CHECK_OK(FlushViewOfFile(v, 0));
    CloseHandle(m);
    /* The name went with the last handle; the view still works. */
    CHECK_FAILS(OpenFileMappingA(FILE_MAP_READ, FALSE, name),
                ERROR_FILE_NOT_FOUND);
    v[1] = 'x';
    CHECK_OK(UnmapViewOfFile(v));

    /* A file's mapping. */
    f = CreateFileA(test_tmp_path("map"), GENERIC_READ | GENERIC_WRITE, 0,
                    NULL, CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    CHECK(f != INVALID_HANDLE_VALUE);
    CHECK_FAILS(CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL),
                ERROR_FILE_INVALID);
    m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 70000, NULL);
    CHECK(m != NULL);
    CHECK_EQ(GetFileSize(f, NULL), 70000);
    v = MapViewOfFile(m, FILE_MAP_WRITE, 0, 65536, 0);
    CHECK(v != NULL);
    if (v) {
        char buf[8] = "";
        DWORD n = 0;
        memcpy(v, "mapped", 6);
        CHECK_OK(FlushViewOfFile(v, 6));
        CHECK_OK(UnmapViewOfFile(v));
        SetFilePointer(f, 65536, NULL, FILE_BEGIN);
        CHECK_OK(ReadFile(f, buf, 6, &n, NULL));
        CHECK_MEM(buf, "mapped", 6);
    }
    CloseHandle(m);
    CloseHandle(f);
}


/* Reads "MUTEX SEM\n" (handle values duplicated into this process while
 * it was suspended) from stdin, then checks them as helper_inherited
 * does; exit code: the semaphore's previous count, or 100 + a check. */
static int helper_dup_stdin(int argc, char **argv)
{
    char buf[128] = "", *a[3] = {buf, NULL, NULL};
    DWORD n = 0, got = 0;
    (void)argc;
    (void)argv;
    while (got < sizeof buf - 1 && !strchr(buf, '\n') &&
           ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf + got,
                    sizeof buf - 1 - got, &n, NULL) &&
           n)
        got += n;
    buf[got] = '\0';
    a[1] = strchr(buf, ' ');
    if (!a[1])
        return 110;
    *a[1]++ = '\0';
    return helper_inherited(2, a);
}

static void test_duplicate_into_suspended(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE in_r, in_w, m, s, dm = NULL, ds = NULL;
    char cmd[8192], line[128];
    DWORD n, code = 0;
    LONG prev = -1;

    m = CreateMutexA(NULL, TRUE, NULL);
    s = CreateSemaphoreA(NULL, 2, 5, NULL);
    CHECK_OK(CreatePipe(&in_r, &in_w, &sa, 0));
    SetHandleInformation(in_w, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_r;
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper dup_stdin", self_exe);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED,
                            NULL, NULL, &si, &pi));
    CloseHandle(in_r);
    /* Into the child before it runs: its table is kept here until then. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), m, pi.hProcess, &dm, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), s, pi.hProcess, &ds, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    snprintf(line, sizeof line, "%#llx %#llx\n",
             (unsigned long long)(uintptr_t)dm,
             (unsigned long long)(uintptr_t)ds);
    CHECK_OK(WriteFile(in_w, line, (DWORD)strlen(line), &n, NULL));
    CHECK(ResumeThread(pi.hThread) != (DWORD)-1);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 2);
    CHECK_OK(ReleaseSemaphore(s, 0, &prev));
    CHECK_EQ(prev, 3);
    CHECK_OK(ReleaseMutex(m));
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(in_w);
    CloseHandle(m);
    CloseHandle(s);
}

int main(int argc, char **argv)
{
    {
        ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
        self_exe[n > 0 ? n : 0] = '\0';
    }
    TEST_HELPERS(argc, argv, {"mutex_wait", helper_mutex_wait},
                 {"event_wait", helper_event_wait},
                 {"mutex_die", helper_mutex_die},
                 {"sem_take2", helper_sem_take2},
                 {"event_set", helper_event_set},
                 {"inherited", helper_inherited},
                 {"make_sem", helper_make_sem},
                 {"timer_set", helper_timer_set},
                 {"map_write", helper_map_write},
                 {"dup_stdin", helper_dup_stdin});
    RUN(test_mutex_recursive);
    RUN(test_mutex_threads);
    RUN(test_mutex_wait_all);
    RUN(test_semaphore_counts);
    RUN(test_semaphore_threads);
    RUN(test_names_one_process);
    RUN(test_named_mutex_processes);
    RUN(test_mutex_owner_killed);
    RUN(test_name_outlives_creator_handle);
    RUN(test_owner_closes_then_ends);
    RUN(test_open_access);
    RUN(test_pulse_event);
    RUN(test_pulse_event_processes);
    RUN(test_close_while_in_use);
    RUN(test_named_event_processes);
    RUN(test_inherit_sync);
    RUN(test_duplicate_sync);
    RUN(test_timers);
    RUN(test_mappings);
    RUN(test_duplicate_into_suspended);
    return TEST_SUMMARY();
}
