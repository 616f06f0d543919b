/*
 * test_stress.c: several threads creating, duplicating, using and closing
 * handles at once (pipes written and read, events set and waited for,
 * handles handed from one thread to another and closed there, short-lived
 * threads), for a bounded number of iterations.  At the end no handle and
 * no descriptor may be left over.  Built with -DWINIPC_SANITIZE=thread
 * this is the library's data-race test.
 *
 * Worker threads never use the CHECK macros (their counters are not
 * thread-safe): they count failures in an atomic and remember the line of
 * the first one.
 */
#include <dirent.h>
#include <stdatomic.h>

#include "testlib.h"

#define WORKERS 6
#define ITERATIONS 500
#define SLOTS 16
#define WAIT_LIMIT 20000

static atomic_int failures;
static atomic_int first_failure_line;

#define EXPECT(cond)                                                           \
    do {                                                                       \
        if (!(cond)) {                                                         \
            int zero_ = 0;                                                     \
            atomic_fetch_add(&failures, 1);                                    \
            atomic_compare_exchange_strong(&first_failure_line, &zero_,        \
                                           __LINE__);                          \
        }                                                                      \
    } while (0)

/* Handles that any worker may take over and close. */
static _Atomic(HANDLE) slots[SLOTS];

/* Objects every worker duplicates and uses. */
static HANDLE shared_event; /* manual-reset, always set */
static HANDLE shared_read;  /* a pipe nobody writes: PeekNamedPipe only */
static HANDLE shared_write;

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static HANDLE dup_of(HANDLE h)
{
    HANDLE d = NULL;
    EXPECT(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0,
                           FALSE, DUPLICATE_SAME_ACCESS));
    return d;
}

/* An event set through a duplicate and waited for through the original. */
static void round_event(unsigned i)
{
    HANDLE ev = CreateEventA(NULL, i & 1, FALSE, NULL), d;
    DWORD flags = 0;

    EXPECT(ev != NULL);
    d = dup_of(ev);
    EXPECT(SetEvent(d));
    EXPECT(WaitForSingleObject(ev, WAIT_LIMIT) == WAIT_OBJECT_0);
    if (!(i & 1)) /* auto-reset: taken */
        EXPECT(WaitForSingleObject(d, 0) == WAIT_TIMEOUT);
    EXPECT(SetHandleInformation(d, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT));
    EXPECT(GetHandleInformation(d, &flags) && flags == HANDLE_FLAG_INHERIT);
    EXPECT(CloseHandle(ev));
    EXPECT(CloseHandle(d));
}

/* A pipe written through a duplicate of its write end, which outlives the
 * original; closing the duplicate breaks the pipe. */
static void round_pipe(unsigned i)
{
    HANDLE r, w, wd;
    char buf[64];
    DWORD n = 0, len = 1 + i % 60;

    EXPECT(CreatePipe(&r, &w, NULL, i % 3 ? 0 : 4096));
    wd = dup_of(w);
    EXPECT(CloseHandle(w));
    memset(buf, (int)(i & 0xff), sizeof buf);
    EXPECT(WriteFile(wd, buf, len, &n, NULL) && n == len);
    memset(buf, 0, sizeof buf);
    EXPECT(ReadFile(r, buf, sizeof buf, &n, NULL) && n == len);
    EXPECT((unsigned char)buf[len - 1] == (i & 0xff));
    EXPECT(CloseHandle(wd));
    SetLastError(0);
    EXPECT(!ReadFile(r, buf, sizeof buf, &n, NULL) &&
           GetLastError() == ERROR_BROKEN_PIPE);
    EXPECT(CloseHandle(r));
}

/* The shared objects, through duplicates made and closed here while other
 * threads do the same. */
static void round_shared(void)
{
    HANDLE ev = dup_of(shared_event), rd = dup_of(shared_read);
    HANDLE wd = dup_of(shared_write);
    DWORD avail = 1;

    EXPECT(WaitForSingleObject(ev, WAIT_LIMIT) == WAIT_OBJECT_0);
    EXPECT(PeekNamedPipe(rd, NULL, 0, NULL, &avail, NULL) && avail == 0);
    EXPECT(WriteFile(wd, "", 0, &avail, NULL));
    EXPECT(CloseHandle(ev));
    EXPECT(CloseHandle(rd));
    EXPECT(CloseHandle(wd));
}

/* A handle made here goes into a slot; whatever was there (made by any
 * thread) is used and closed here. */
static void round_slots(unsigned i)
{
    HANDLE mine = CreateEventA(NULL, TRUE, TRUE, NULL), theirs;

    EXPECT(mine != NULL);
    theirs = atomic_exchange(&slots[i % SLOTS], mine);
    if (theirs) {
        EXPECT(WaitForSingleObject(theirs, WAIT_LIMIT) == WAIT_OBJECT_0);
        EXPECT(CloseHandle(theirs));
    }
}

static DWORD WINAPI short_lived(LPVOID arg)
{
    HANDLE self = dup_of(GetCurrentThread());
    EXPECT(WaitForSingleObject(self, 0) == WAIT_TIMEOUT);
    EXPECT(CloseHandle(self));
    return (DWORD)(uintptr_t)arg;
}

static void round_thread(unsigned i)
{
    DWORD code = 0;
    HANDLE t = CreateThread(NULL, 0, short_lived, (LPVOID)(uintptr_t)i,
                            i % 2 ? CREATE_SUSPENDED : 0, NULL);
    EXPECT(t != NULL);
    if (!t)
        return;
    if (i % 2)
        EXPECT(ResumeThread(t) == 1);
    EXPECT(WaitForSingleObject(t, WAIT_LIMIT) == WAIT_OBJECT_0);
    EXPECT(GetExitCodeThread(t, &code) && code == i);
    EXPECT(CloseHandle(t));
}

static DWORD WINAPI worker(LPVOID arg)
{
    unsigned id = (unsigned)(uintptr_t)arg, i;
    for (i = 0; i < ITERATIONS; i++) {
        unsigned k = id * 1000 + i;
        round_event(k);
        round_pipe(k);
        round_shared();
        round_slots(k);
        if (i % 25 == 0)
            round_thread(k);
    }
    return 0;
}

/* Waits (a bounded time) for the descriptor count to come back: a thread
 * that has been waited for may still be dropping its own last reference. */
static int settle_fds(int want)
{
    int i, n = count_fds();
    for (i = 0; i < 5000 && n != want; i++) {
        Sleep(1);
        n = count_fds();
    }
    return n;
}

static void test_concurrent_handles(void)
{
    HANDLE t[WORKERS], probe, warm;
    int fds_before, fds_after, i, consecutive = 1;
    enum { CHECKED = 2048 };
    static HANDLE after[CHECKED];

    /* Warm up what the library creates once and keeps: this process's
     * object, the main thread's object. */
    warm = NULL;
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             GetCurrentProcess(), &warm, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CloseHandle(warm);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(),
                             GetCurrentProcess(), &warm, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CloseHandle(warm);

    fds_before = count_fds();
    probe = CreateEventA(NULL, TRUE, FALSE, NULL); /* the lowest free value */
    CloseHandle(probe);

    shared_event = CreateEventA(NULL, TRUE, TRUE, NULL);
    CHECK_OK(CreatePipe(&shared_read, &shared_write, NULL, 0));
    for (i = 0; i < WORKERS; i++) {
        t[i] = CreateThread(NULL, 0, worker, (LPVOID)(uintptr_t)i, 0, NULL);
        CHECK_NE(t[i], NULL);
    }
    CHECK_EQ(WaitForMultipleObjects(WORKERS, t, TRUE, 600000), WAIT_OBJECT_0);
    for (i = 0; i < WORKERS; i++)
        CloseHandle(t[i]);
    for (i = 0; i < SLOTS; i++) {
        HANDLE h = atomic_exchange(&slots[i], NULL);
        if (h)
            CHECK_OK(CloseHandle(h));
    }
    CHECK_OK(CloseHandle(shared_event));
    CHECK_OK(CloseHandle(shared_read));
    CHECK_OK(CloseHandle(shared_write));

    CHECK_EQ(atomic_load(&failures), 0);
    if (atomic_load(&failures))
        fprintf(stderr, "first failure at line %d\n",
                atomic_load(&first_failure_line));

    /* No handle left: new handles take every value from the lowest one up,
     * none skipped (a leaked handle would hold one). */
    for (i = 0; i < CHECKED; i++) {
        after[i] = CreateEventA(NULL, TRUE, FALSE, NULL);
        if (after[i] != (HANDLE)((uintptr_t)probe + 4 * (uintptr_t)i))
            consecutive = 0;
    }
    CHECK(consecutive);
    for (i = 0; i < CHECKED; i++)
        CloseHandle(after[i]);

    /* No descriptor left. */
    fds_after = settle_fds(fds_before);
    CHECK_EQ(fds_after, fds_before);
}

int main(void)
{
    TEST_START();
    RUN(test_concurrent_handles);
    return TEST_SUMMARY();
}
