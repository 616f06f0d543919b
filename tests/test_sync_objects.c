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

int main(int argc, char **argv)
{
    {
        ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
        self_exe[n > 0 ? n : 0] = '\0';
    }
    (void)argc;
    (void)argv;
    TEST_START();
    RUN(test_mutex_recursive);
    RUN(test_mutex_threads);
    RUN(test_mutex_wait_all);
    RUN(test_semaphore_counts);
    RUN(test_semaphore_threads);
    RUN(test_names_one_process);
    return TEST_SUMMARY();
}
