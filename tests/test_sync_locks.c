/*
 * test_sync_locks.c: the locks of shared states (objects/sync.h) and the
 * lock a wait for all puts on a free mutex never leave an object wedged
 * when their holder's process has died: the state of an event (in fd
 * mode), a semaphore and a mutex is written here as a process that has
 * ended would have left it, locked, and every call on the object still
 * works, with the object's state intact.
 *
 * It writes the states through their memfds (the second descriptor that
 * goes with a handle to another process), so it knows their layout: each
 * begins with its magic and its size, which it checks first.
 */
#include "testlib.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <winipc.h>

#include "core/handle.h"
#include "objects/objects.h"
#include "objects/sync.h"

#define EV_MAGIC 0x33545645u  /* "EVT3" */
#define SEM_MAGIC 0x324d4553u /* "SEM2" */
#define MTX_MAGIC 0x3258554du /* "MUX2" */
#define MTX_CONTENDED (1ull << 63)
#define MTX_LOCKED (1ull << 62)

/* A pid whose process has ended (and been reaped). */
static DWORD dead_pid(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    return (DWORD)pid;
}

/* The state of h's object, mapped (NULL if its magic is not magic). */
static uint32_t *state_of(HANDLE h, uint32_t magic)
{
    struct wipc_object *obj = NULL;
    void *p;
    CHECK_EQ(wipc_handle_ref(h, NULL, 0, &obj, NULL), 0);
    if (!obj)
        return NULL;
    p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
             wipc_sync_second_fd(obj), 0);
    wipc_object_release(obj);
    CHECK(p != MAP_FAILED);
    if (p == MAP_FAILED)
        return NULL;
    CHECK_EQ(((uint32_t *)p)[0], magic);
    if (((uint32_t *)p)[0] != magic) {
        munmap(p, 4096);
        return NULL;
    }
    return p;
}

static void test_event_lock_of_dead(void)
{
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL), e2;
    HANDLE both[2];
    uint32_t *st;
    _Atomic uint64_t *lock;

    CHECK(e != NULL);
    CHECK(winipc_handle_fd(e) >= 0); /* fd mode: changes take the lock */
    st = state_of(e, EV_MAGIC);
    if (!st)
        return;
    lock = (_Atomic uint64_t *)(st + 4); /* after magic, size, word, pad */
    atomic_store(lock, (uint64_t)dead_pid() << 32 | 12345u);
    CHECK_OK(SetEvent(e));
    CHECK_EQ(atomic_load(lock), 0);
    CHECK_EQ(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
    /* A wait for all meets it locked by the dead process. */
    e2 = CreateEventA(NULL, TRUE, TRUE, NULL);
    CHECK_OK(SetEvent(e));
    atomic_store(lock, (uint64_t)dead_pid() << 32 | 12345u);
    both[0] = e2;
    both[1] = e;
    CHECK_EQ(WaitForMultipleObjects(2, both, TRUE, 10000), WAIT_OBJECT_0);
    CHECK_EQ(atomic_load(lock), 0);
    CHECK_EQ(WaitForSingleObject(e, 0), WAIT_TIMEOUT); /* taken */
    CHECK_EQ(WaitForSingleObject(e2, 0), WAIT_OBJECT_0); /* manual */
    munmap(st, 4096);
    CloseHandle(e);
    CloseHandle(e2);
}

static void test_semaphore_lock_of_dead(void)
{
    HANDLE s = CreateSemaphoreA(NULL, 1, 2, NULL), e, both[2];
    uint32_t *st;
    _Atomic uint64_t *lock;
    int64_t *count;
    LONG prev = -1;

    CHECK(s != NULL);
    st = state_of(s, SEM_MAGIC);
    if (!st)
        return;
    lock = (_Atomic uint64_t *)(st + 2);
    count = (int64_t *)(st + 4);
    /* Killed in the middle of a release: the copy of the count is off;
     * the next holder of the lock reads it back from the eventfd. */
    *count = 0;
    atomic_store(lock, (uint64_t)dead_pid() << 32 | 1u);
    CHECK_OK(ReleaseSemaphore(s, 1, &prev));
    CHECK_EQ(prev, 1);
    CHECK_EQ(atomic_load(lock), 0);
    SetLastError(0);
    CHECK(!ReleaseSemaphore(s, 1, NULL));
    CHECK_EQ(GetLastError(), ERROR_TOO_MANY_POSTS);
    /* A wait for all meets it locked. */
    e = CreateEventA(NULL, TRUE, TRUE, NULL);
    atomic_store(lock, (uint64_t)dead_pid() << 32 | 1u);
    both[0] = e;
    both[1] = s;
    CHECK_EQ(WaitForMultipleObjects(2, both, TRUE, 10000), WAIT_OBJECT_0);
    CHECK_EQ(atomic_load(lock), 0);
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_TIMEOUT);
    CHECK_OK(ReleaseSemaphore(s, 2, &prev));
    CHECK_EQ(prev, 0);
    munmap(st, 4096);
    CloseHandle(s);
    CloseHandle(e);
}

/* A wait for all killed while it had the free mutex LOCKED: the mutex is
 * free (not abandoned: nobody owned it). */
static void test_mutex_locked_by_dead(void)
{
    HANDLE m = CreateMutexA(NULL, FALSE, NULL), e, both[2];
    uint32_t *st;
    _Atomic uint64_t *owner;

    CHECK(m != NULL);
    st = state_of(m, MTX_MAGIC);
    if (!st)
        return;
    owner = (_Atomic uint64_t *)(st + 2);
    atomic_store(owner, MTX_LOCKED | MTX_CONTENDED |
                            (uint64_t)dead_pid() << 32 | 77u);
    CHECK_EQ(WaitForSingleObject(m, 10000), WAIT_OBJECT_0);
    CHECK_OK(ReleaseMutex(m));
    CHECK_EQ(atomic_load(owner), 0);
    /* And with a wait of 0 ms, and in a wait for all. */
    atomic_store(owner, MTX_LOCKED | MTX_CONTENDED |
                            (uint64_t)dead_pid() << 32 | 77u);
    CHECK_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    CHECK_OK(ReleaseMutex(m));
    e = CreateEventA(NULL, FALSE, TRUE, NULL);
    atomic_store(owner, MTX_LOCKED | MTX_CONTENDED |
                            (uint64_t)dead_pid() << 32 | 77u);
    both[0] = m;
    both[1] = e;
    CHECK_EQ(WaitForMultipleObjects(2, both, TRUE, 10000), WAIT_OBJECT_0);
    CHECK_OK(ReleaseMutex(m));
    SetLastError(0);
    CHECK(!ReleaseMutex(m));
    CHECK_EQ(GetLastError(), ERROR_NOT_OWNER);
    CHECK_EQ(WaitForSingleObject(e, 0), WAIT_TIMEOUT); /* taken with it */
    /* An owner that died while a wait for all had it: abandoned. */
    atomic_store(owner, (uint64_t)dead_pid() << 32 | 78u);
    CHECK_OK(SetEvent(e));
    CHECK_EQ(WaitForMultipleObjects(2, both, TRUE, 10000), WAIT_ABANDONED_0);
    CHECK_OK(ReleaseMutex(m));
    CHECK_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    CHECK_OK(ReleaseMutex(m));
    munmap(st, 4096);
    CloseHandle(m);
    CloseHandle(e);
}

int main(void)
{
    RUN(test_event_lock_of_dead);
    RUN(test_semaphore_lock_of_dead);
    RUN(test_mutex_locked_by_dead);
    return TEST_SUMMARY();
}
