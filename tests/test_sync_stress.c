/*
 * test_sync_stress.c: several processes increment a counter in a named
 * file mapping under a named mutex while the test kills some of them in
 * the middle of their critical section: each kill is heard exactly once,
 * as WAIT_ABANDONED by the next owner (which repairs the counter from the
 * per-process counts it finds), nothing waits for ever, and the final
 * counts agree.  Also: producers and consumers over a named semaphore,
 * nothing lost or taken twice.  And WaitForMultipleObjects(bWaitAll)
 * against another process that takes the same objects singly: it takes
 * them all at once or none, never some for a moment.  Helpers are this
 * binary run again.
 *
 * The suite runs a scaled-down version (8 processes x 3,000 increments, 3
 * killed; 8 producers and 8 consumers, 250 items each); the full
 * size (8 x 100,000, 4 killed; 12,500 items each) runs with
 * WINIPC_STRESS_FULL=1 (bench/RESULTS-sync.md has the figures).  Which
 * workers are killed, and when, is drawn at random (the seed is printed;
 * WINIPC_STRESS_SEED sets it).
 */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"

#define WORKERS 8
#define KILLS_MAX 4

static int rounds = 3000, kills = 3, items = 250, all_rounds = 3000;

struct shared {
    volatile LONG counter;
    volatile LONG done[WORKERS];
    volatile LONG abandoned;
    volatile LONG hold[WORKERS]; /* worker i stops inside at this round + 1
                                  * (0: never; set first) */
    volatile LONG holder;        /* the worker that stopped inside */
};

/* The full size, with WINIPC_STRESS_FULL=1. */
static void stress_size(void)
{
    const char *full = getenv("WINIPC_STRESS_FULL");
    if (full && *full && strcmp(full, "0") != 0) {
        rounds = 100000;
        kills = KILLS_MAX;
        items = 12500;
        all_rounds = 100000;
    }
}

static char self_exe[4096];
static char map_name[64], mutex_name[64], held_name[64];

static void names(const char *pid)
{
    snprintf(map_name, sizeof map_name, "wipc_stress_map_%s", pid);
    snprintf(mutex_name, sizeof mutex_name, "wipc_stress_mutex_%s", pid);
    snprintf(held_name, sizeof held_name, "wipc_stress_held_%s", pid);
}

/* PID I ROUNDS: increments under the mutex; if asked, stops holding it at
 * the round drawn for it, and says so (then the test kills it). */
static int helper_worker(int argc, char **argv)
{
    HANDLE map, mtx, held;
    struct shared *s;
    int i, n;
    (void)argc;
    names(argv[0]);
    i = atoi(argv[1]);
    rounds = atoi(argv[2]);
    map = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, map_name);
    mtx = OpenMutexA(SYNCHRONIZE, FALSE, mutex_name);
    held = OpenEventA(EVENT_MODIFY_STATE, FALSE, held_name);
    if (!map || !mtx || !held)
        return 10;
    s = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    if (!s)
        return 11;
    for (n = 0; n < rounds; n++) {
        DWORD r = WaitForSingleObject(mtx, 30000);
        if (r == WAIT_ABANDONED) {
            LONG sum = 0;
            for (int k = 0; k < WORKERS; k++)
                sum += s->done[k];
            s->abandoned++;
            s->counter = sum; /* what a half-done increment left */
        } else if (r != WAIT_OBJECT_0) {
            return 12;
        }
        s->counter++;
        if (s->hold[i] && n + 1 >= s->hold[i]) { /* its round */
            s->holder = i;
            SetEvent(held);
            for (;;)
                Sleep(1000); /* killed here, owning the mutex */
        }
        s->done[i]++;
        if (!ReleaseMutex(mtx))
            return 13;
    }
    return 0;
}

static void test_killed_owners(void)
{
    char pid[16], cmd[8192];
    PROCESS_INFORMATION pi[WORKERS];
    STARTUPINFOA si = {sizeof si};
    HANDLE map, mtx, held;
    struct shared *s;
    LONG sum = 0;
    int i, k, victim[KILLS_MAX];
    unsigned seed = (unsigned)getpid() ^ (unsigned)GetTickCount();
    const char *seed_env = getenv("WINIPC_STRESS_SEED");

    if (seed_env && *seed_env)
        seed = (unsigned)strtoul(seed_env, NULL, 0);
    srand(seed);
    printf("     seed %u: %d workers x %d increments, %d killed\n", seed,
           WORKERS, rounds, kills);
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    names(pid);
    map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                             sizeof *s, map_name);
    mtx = CreateMutexA(NULL, FALSE, mutex_name);
    held = CreateEventA(NULL, FALSE, FALSE, held_name);
    CHECK(map && mtx && held);
    s = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    CHECK(s != NULL);
    if (!s)
        return;
    /* Distinct victims, each stopping at a round of its own. */
    for (k = 0; k < kills; k++) {
        do
            victim[k] = rand() % WORKERS;
        while (s->hold[victim[k]]);
        s->hold[victim[k]] = 1 + rand() % rounds;
    }
    for (i = 0; i < WORKERS; i++) {
        snprintf(cmd, sizeof cmd, "\"%s\" --helper worker %s %d %d",
                 self_exe, pid, i, rounds);
        CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL,
                                &si, &pi[i]));
    }
    /* The victims stop inside their critical section, one at a time (the
     * mutex is theirs then): each is killed there while the others wait
     * for the mutex. */
    for (k = 0; k < kills; k++) {
        LONG h;
        CHECK_EQ(WaitForSingleObject(held, 120000), WAIT_OBJECT_0);
        h = s->holder;
        CHECK(h >= 0 && h < WORKERS && s->hold[h]);
        if (h < 0 || h >= WORKERS || !s->hold[h])
            break;
        CHECK_OK(TerminateProcess(pi[h].hProcess, 9));
        CHECK_EQ(WaitForSingleObject(pi[h].hProcess, 30000), WAIT_OBJECT_0);
    }
    for (i = 0; i < WORKERS; i++) {
        DWORD code = 99;
        if (s->hold[i])
            continue;
        CHECK_EQ(WaitForSingleObject(pi[i].hProcess, 600000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeProcess(pi[i].hProcess, &code));
        CHECK_EQ(code, 0);
    }
    /* The last kill's abandonment may be heard by nobody yet: here. */
    {
        DWORD r = WaitForSingleObject(mtx, 30000);
        CHECK(r == WAIT_OBJECT_0 || r == WAIT_ABANDONED);
        if (r == WAIT_ABANDONED) {
            for (i = 0; i < WORKERS; i++)
                sum += s->done[i];
            s->abandoned++;
            s->counter = sum;
        }
        CHECK_OK(ReleaseMutex(mtx));
    }
    sum = 0;
    for (i = 0; i < WORKERS; i++)
        sum += s->done[i];
    CHECK_EQ(s->abandoned, kills);
    CHECK_EQ(s->counter, sum);
    for (i = 0; i < WORKERS; i++)
        CHECK_EQ(s->done[i], s->hold[i] ? s->hold[i] - 1 : rounds);
    for (i = 0; i < WORKERS; i++) {
        CloseHandle(pi[i].hProcess);
        CloseHandle(pi[i].hThread);
    }
    UnmapViewOfFile(s);
    CloseHandle(map);
    CloseHandle(mtx);
    CloseHandle(held);
}

/* ---- Producers and consumers ------------------------------------------------ */

#define ITEMS_MAX 12500
#define PRODUCERS 8
#define CONSUMERS 8

struct queue {
    volatile LONG taken[PRODUCERS * ITEMS_MAX];
    volatile LONG next;   /* the next slot to fill (under the mutex) */
    volatile LONG head;   /* the next slot to take (under the mutex) */
    volatile LONG slots[PRODUCERS * ITEMS_MAX + CONSUMERS];
};

/* PID ROLE I ITEMS: a producer puts ITEMS numbers; a consumer takes until
 * it reads -1. */
static int helper_queue(int argc, char **argv)
{
    char qn[64], sn[64], mn[64];
    HANDLE map, sem, mtx;
    struct queue *q;
    int i;
    (void)argc;
    snprintf(qn, sizeof qn, "wipc_q_map_%s", argv[0]);
    snprintf(sn, sizeof sn, "wipc_q_sem_%s", argv[0]);
    snprintf(mn, sizeof mn, "wipc_q_mtx_%s", argv[0]);
    i = atoi(argv[2]);
    items = atoi(argv[3]);
    map = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, qn);
    sem = OpenSemaphoreA(SYNCHRONIZE | SEMAPHORE_MODIFY_STATE, FALSE, sn);
    mtx = OpenMutexA(SYNCHRONIZE, FALSE, mn);
    if (!map || !sem || !mtx)
        return 10;
    q = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    if (!q)
        return 11;
    if (strcmp(argv[1], "produce") == 0) {
        for (int n = 0; n < items; n++) {
            if (WaitForSingleObject(mtx, 30000) != WAIT_OBJECT_0)
                return 12;
            q->slots[q->next++] = i * items + n;
            ReleaseMutex(mtx);
            if (!ReleaseSemaphore(sem, 1, NULL))
                return 13;
        }
        return 0;
    }
    for (;;) {
        LONG v;
        if (WaitForSingleObject(sem, 30000) != WAIT_OBJECT_0)
            return 14;
        if (WaitForSingleObject(mtx, 30000) != WAIT_OBJECT_0)
            return 15;
        v = q->slots[q->head++];
        ReleaseMutex(mtx);
        if (v < 0)
            return 0;
        q->taken[v]++;
    }
}

static void test_producers_consumers(void)
{
    char pid[16], qn[64], sn[64], mn[64], cmd[8192];
    PROCESS_INFORMATION pi[PRODUCERS + CONSUMERS];
    STARTUPINFOA si = {sizeof si};
    HANDLE map, sem, mtx;
    struct queue *q;
    int i;

    snprintf(pid, sizeof pid, "%d", (int)getpid());
    snprintf(qn, sizeof qn, "wipc_q_map_%s", pid);
    snprintf(sn, sizeof sn, "wipc_q_sem_%s", pid);
    snprintf(mn, sizeof mn, "wipc_q_mtx_%s", pid);
    map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                             sizeof(struct queue) + 4096, qn);
    sem = CreateSemaphoreA(NULL, 0, PRODUCERS * items + CONSUMERS, sn);
    mtx = CreateMutexA(NULL, FALSE, mn);
    q = map ? MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;
    CHECK(q && sem && mtx);
    if (!q)
        return;
    for (i = 0; i < PRODUCERS + CONSUMERS; i++) {
        snprintf(cmd, sizeof cmd, "\"%s\" --helper queue %s %s %d %d",
                 self_exe, pid, i < PRODUCERS ? "produce" : "consume",
                 i % PRODUCERS, items);
        CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL,
                                &si, &pi[i]));
    }
    for (i = 0; i < PRODUCERS; i++) {
        DWORD code = 99;
        CHECK_EQ(WaitForSingleObject(pi[i].hProcess, 600000), WAIT_OBJECT_0);
        GetExitCodeProcess(pi[i].hProcess, &code);
        CHECK_EQ(code, 0);
    }
    /* One end mark per consumer. */
    CHECK_EQ(WaitForSingleObject(mtx, 30000), WAIT_OBJECT_0);
    for (i = 0; i < CONSUMERS; i++)
        q->slots[q->next++] = -1;
    CHECK_OK(ReleaseMutex(mtx));
    CHECK_OK(ReleaseSemaphore(sem, CONSUMERS, NULL));
    for (i = PRODUCERS; i < PRODUCERS + CONSUMERS; i++) {
        DWORD code = 99;
        CHECK_EQ(WaitForSingleObject(pi[i].hProcess, 600000), WAIT_OBJECT_0);
        GetExitCodeProcess(pi[i].hProcess, &code);
        CHECK_EQ(code, 0);
    }
    {
        int lost = 0, twice = 0;
        for (i = 0; i < PRODUCERS * items; i++) {
            lost += q->taken[i] == 0;
            twice += q->taken[i] > 1;
        }
        CHECK_EQ(lost, 0);
        CHECK_EQ(twice, 0);
    }
    CHECK_EQ(WaitForSingleObject(sem, 0), WAIT_TIMEOUT);
    for (i = 0; i < PRODUCERS + CONSUMERS; i++) {
        CloseHandle(pi[i].hProcess);
        CloseHandle(pi[i].hThread);
    }
    UnmapViewOfFile(q);
    CloseHandle(map);
    CloseHandle(sem);
    CloseHandle(mtx);
}

/* ---- Waits for all against single waits in another process -----------------
 *
 * The helper waits for all of ALL_N objects, named: mutexes, semaphores
 * (maximum 1) and last an auto-reset event, the gate; it gives them back
 * in that order, the gate last.  The test takes the gate singly, and so
 * after the helper gave everything else back; while it holds the gate,
 * the helper can take nothing (all or none), so every other object must
 * be free: a wait of 0 ms on each must succeed.  A wait for all that took
 * its objects one by one and gave them back on finding the gate taken
 * (winipc before it locked them) is seen holding some: "partial". */

#define ALL_MUTEXES 5
#define ALL_SEMS 2
#define ALL_N (ALL_MUTEXES + ALL_SEMS + 1)

struct all_shared {
    volatile LONG helper_rounds, helper_done;
};

static void all_name(char *buf, size_t cap, const char *pid, int i)
{
    snprintf(buf, cap, "wipc_all_%s_%d", pid, i);
}

/* Opens (create 0) or creates the objects of test pid. */
static int all_objects(const char *pid, int create, HANDLE *h)
{
    char n[64];
    int i;
    for (i = 0; i < ALL_N; i++) {
        all_name(n, sizeof n, pid, i);
        if (i < ALL_MUTEXES)
            h[i] = create ? CreateMutexA(NULL, FALSE, n)
                          : OpenMutexA(SYNCHRONIZE, FALSE, n);
        else if (i < ALL_MUTEXES + ALL_SEMS)
            h[i] = create ? CreateSemaphoreA(NULL, 1, 1, n)
                          : OpenSemaphoreA(SYNCHRONIZE | SEMAPHORE_MODIFY_STATE,
                                           FALSE, n);
        else
            h[i] = create ? CreateEventA(NULL, FALSE, TRUE, n)
                          : OpenEventA(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE,
                                       n);
        if (!h[i])
            return 0;
    }
    return 1;
}

/* Gives back object i, taken by a wait. */
static BOOL all_give_back(HANDLE *h, int i)
{
    if (i < ALL_MUTEXES)
        return ReleaseMutex(h[i]);
    if (i < ALL_MUTEXES + ALL_SEMS)
        return ReleaseSemaphore(h[i], 1, NULL);
    return SetEvent(h[i]);
}

/* PID ROUNDS: waits for all ROUNDS times. */
static int helper_wait_all(int argc, char **argv)
{
    HANDLE h[ALL_N], map;
    struct all_shared *s;
    char n[64];
    int k, i;
    (void)argc;
    snprintf(n, sizeof n, "wipc_all_map_%s", argv[0]);
    map = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, n);
    if (!map || !all_objects(argv[0], 0, h))
        return 10;
    s = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    if (!s)
        return 11;
    for (k = atoi(argv[1]); k > 0; k--) {
        if (WaitForMultipleObjects(ALL_N, h, TRUE, 30000) != WAIT_OBJECT_0)
            return 12;
        s->helper_rounds++;
        for (i = 0; i < ALL_N; i++)
            if (!all_give_back(h, i))
                return 13;
    }
    s->helper_done = 1;
    return 0;
}

static void test_wait_all_atomic(void)
{
    char pid[16], n[64], cmd[8192];
    PROCESS_INFORMATION pi;
    STARTUPINFOA si = {sizeof si};
    HANDLE h[ALL_N], map;
    struct all_shared *s;
    long mine = 0, partial = 0;
    DWORD code = 99;
    int i;

    snprintf(pid, sizeof pid, "%d", (int)getpid());
    snprintf(n, sizeof n, "wipc_all_map_%s", pid);
    map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                             4096, n);
    CHECK(map && all_objects(pid, 1, h));
    s = map ? MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;
    CHECK(s != NULL);
    if (!s)
        return;
    snprintf(cmd, sizeof cmd, "\"%s\" --helper wait_all %s %d", self_exe,
             pid, all_rounds);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si,
                            &pi));
    while (!s->helper_done) {
        DWORD r = WaitForSingleObject(h[ALL_N - 1], 100);
        if (r == WAIT_TIMEOUT &&
            WaitForSingleObject(pi.hProcess, 0) == WAIT_OBJECT_0)
            break;
        if (r != WAIT_OBJECT_0)
            continue;
        mine++;
        for (i = 0; i < ALL_N - 1; i++) {
            if (WaitForSingleObject(h[i], 0) != WAIT_OBJECT_0)
                partial++;
            else
                CHECK_OK(all_give_back(h, i));
        }
        CHECK_OK(all_give_back(h, ALL_N - 1));
    }
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 60000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 0);
    printf("     %ld rounds of the wait for all, %ld of the single waits\n",
           (long)s->helper_rounds, mine);
    CHECK_EQ(s->helper_rounds, all_rounds);
    CHECK_EQ(partial, 0);
    /* Everything is free again. */
    CHECK_EQ(WaitForMultipleObjects(ALL_N, h, TRUE, 0), WAIT_OBJECT_0);
    for (i = 0; i < ALL_N; i++) {
        CHECK_OK(all_give_back(h, i));
        CloseHandle(h[i]);
    }
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    UnmapViewOfFile(s);
    CloseHandle(map);
}

int main(int argc, char **argv)
{
    {
        ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
        self_exe[n > 0 ? n : 0] = '\0';
    }
    TEST_HELPERS(argc, argv, {"worker", helper_worker},
                 {"queue", helper_queue}, {"wait_all", helper_wait_all});
    stress_size();
    RUN(test_killed_owners);
    RUN(test_producers_consumers);
    RUN(test_wait_all_atomic);
    return TEST_SUMMARY();
}
