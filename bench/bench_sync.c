/*
 * bench_sync.c: issue 15's synchronization objects against the raw
 * primitives, in one run (Linux only; ratios are winipc / raw):
 *
 *   mutex     uncontended WaitForSingleObject + ReleaseMutex on a named
 *             mutex, against pthread_mutex_lock/unlock of a process-shared
 *             robust mutex (target <= 2x);
 *   pingpong  two processes bounce through two named auto-reset events,
 *             against a futex ping-pong in shared memory, on one CPU and
 *             on two (target <= 1.3x);
 *   wfmo64    WaitForMultipleObjects over 64 events, the last signalled,
 *             against poll() over 64 eventfds (target <= 1.0x);
 *   mapping   a child reads a 64 MiB named file mapping, against shm_open
 *             + mmap (target 1.0x: it is the same memory).
 *
 *   bench_sync [--rounds N]   prints "RESULT case winipc|raw|ratio ..." lines
 */
#define _GNU_SOURCE
#include <windows.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char self[4096];
static int rounds = 5;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu % (int)sysconf(_SC_NPROCESSORS_ONLN), &set);
    sched_setaffinity(0, sizeof set, &set);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Prints the case's results: medians of each side and of the ratios. */
static void report(const char *name, const char *unit, double *w, double *r,
                   int n)
{
    double ratio[64], ws[64], rs[64];
    int i;
    for (i = 0; i < n; i++) {
        ratio[i] = w[i] / r[i];
        ws[i] = w[i];
        rs[i] = r[i];
    }
    qsort(ratio, (size_t)n, sizeof *ratio, cmp_double);
    qsort(ws, (size_t)n, sizeof *ws, cmp_double);
    qsort(rs, (size_t)n, sizeof *rs, cmp_double);
    printf("RESULT %s winipc %.3f %s\n", name, ws[n / 2], unit);
    printf("RESULT %s raw %.3f %s\n", name, rs[n / 2], unit);
    printf("RESULT %s ratio %.2f %.2f %.2f\n", name, ratio[n / 2], ratio[0],
           ratio[n - 1]);
    fflush(stdout);
}

/* ---- Uncontended mutex ------------------------------------------------------ */

/* Each round's figure is the best of MUTEX_BATCHES batches: a batch lasts
 * about a millisecond, and on a busy VM some are preempted (both sides
 * alike). */
#define MUTEX_ITERS 20000
#define MUTEX_BATCHES 20

static double mutex_winipc(void)
{
    HANDLE m = CreateMutexA(NULL, FALSE, "bench_sync_mutex");
    double best = 1e9;
    for (int b = 0; b < MUTEX_BATCHES; b++) {
        double t0 = now_s();
        for (int i = 0; i < MUTEX_ITERS; i++) {
            WaitForSingleObject(m, INFINITE);
            ReleaseMutex(m);
        }
        t0 = now_s() - t0;
        if (t0 < best)
            best = t0;
    }
    CloseHandle(m);
    return best / MUTEX_ITERS * 1e9;
}

static double mutex_raw(void)
{
    pthread_mutex_t *m = mmap(NULL, sizeof *m, PROT_READ | PROT_WRITE,
                              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pthread_mutexattr_t a;
    double t0;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(m, &a);
    double best = 1e9;
    for (int b = 0; b < MUTEX_BATCHES; b++) {
        t0 = now_s();
        for (int i = 0; i < MUTEX_ITERS; i++) {
            pthread_mutex_lock(m);
            pthread_mutex_unlock(m);
        }
        t0 = now_s() - t0;
        if (t0 < best)
            best = t0;
    }
    munmap(m, sizeof *m);
    return best / MUTEX_ITERS * 1e9;
}

/* ---- Ping-pong --------------------------------------------------------------- */

#define PP_ITERS 20000

/* The child side: waits on "ping", sets "pong", PP_ITERS times. */
static int child_pingpong(int cpu)
{
    HANDLE ping = OpenEventA(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE,
                             "bench_sync_ping");
    HANDLE pong = OpenEventA(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE,
                             "bench_sync_pong");
    if (!ping || !pong)
        return 1;
    pin(cpu);
    for (int i = 0; i < PP_ITERS; i++) {
        WaitForSingleObject(ping, INFINITE);
        SetEvent(pong);
    }
    return 0;
}

static double pingpong_winipc(int cpu_child)
{
    HANDLE ping = CreateEventA(NULL, FALSE, FALSE, "bench_sync_ping");
    HANDLE pong = CreateEventA(NULL, FALSE, FALSE, "bench_sync_pong");
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    char cmd[4200];
    double t0;

    snprintf(cmd, sizeof cmd, "\"%s\" --pingpong-child %d", self, cpu_child);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        exit(2);
    pin(0);
    /* A first exchange: the child is ready. */
    SetEvent(ping);
    WaitForSingleObject(pong, INFINITE);
    t0 = now_s();
    for (int i = 1; i < PP_ITERS; i++) {
        SetEvent(ping);
        WaitForSingleObject(pong, INFINITE);
    }
    t0 = now_s() - t0;
    WaitForSingleObject(pi.hProcess, INFINITE);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(ping);
    CloseHandle(pong);
    return t0 / (PP_ITERS - 1) * 1e6;
}

static void futex_wait(_Atomic uint32_t *w, uint32_t v)
{
    syscall(SYS_futex, w, FUTEX_WAIT, v, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *w)
{
    syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* Two auto-reset "events" as futex words: set = 1 and wake; wait = take
 * the 1 or sleep while 0. */
static void fx_set(_Atomic uint32_t *w)
{
    atomic_store(w, 1);
    futex_wake(w);
}

static void fx_wait(_Atomic uint32_t *w)
{
    uint32_t one = 1;
    while (!atomic_compare_exchange_strong(w, &one, 0)) {
        futex_wait(w, 0);
        one = 1;
    }
}

static double pingpong_raw(int cpu_child)
{
    _Atomic uint32_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    double t0;
    pid_t pid;

    w[0] = w[1] = 0;
    pid = fork();
    if (pid == 0) {
        pin(cpu_child);
        for (int i = 0; i < PP_ITERS; i++) {
            fx_wait(&w[0]);
            fx_set(&w[1]);
        }
        _exit(0);
    }
    pin(0);
    fx_set(&w[0]);
    fx_wait(&w[1]);
    t0 = now_s();
    for (int i = 1; i < PP_ITERS; i++) {
        fx_set(&w[0]);
        fx_wait(&w[1]);
    }
    t0 = now_s() - t0;
    waitpid(pid, NULL, 0);
    munmap((void *)w, 4096);
    return t0 / (PP_ITERS - 1) * 1e6;
}

/* ---- WaitForMultipleObjects over 64 ---------------------------------------- */

#define WFMO_ITERS 100000

static double wfmo_winipc(void)
{
    HANDLE hs[64];
    double t0;
    for (int i = 0; i < 64; i++)
        hs[i] = CreateEventA(NULL, TRUE, i == 63, NULL);
    t0 = now_s();
    for (int i = 0; i < WFMO_ITERS; i++)
        if (WaitForMultipleObjects(64, hs, FALSE, INFINITE) != WAIT_OBJECT_0 + 63)
            exit(3);
    t0 = now_s() - t0;
    for (int i = 0; i < 64; i++)
        CloseHandle(hs[i]);
    return t0 / WFMO_ITERS * 1e9;
}

static double wfmo_raw(void)
{
    struct pollfd p[64];
    double t0;
    for (int i = 0; i < 64; i++) {
        p[i].fd = eventfd(i == 63, EFD_CLOEXEC | EFD_NONBLOCK);
        p[i].events = POLLIN;
    }
    t0 = now_s();
    for (int i = 0; i < WFMO_ITERS; i++)
        if (poll(p, 64, -1) != 1 || !(p[63].revents & POLLIN))
            exit(3);
    t0 = now_s() - t0;
    for (int i = 0; i < 64; i++)
        close(p[i].fd);
    return t0 / WFMO_ITERS * 1e9;
}

/* ---- A 64 MiB mapping read by another process ------------------------------- */

#define MAP_SIZE (64u << 20)

static int child_read(int winipc)
{
    const volatile uint64_t *p;
    uint64_t sum = 0;
    double t0 = now_s();
    if (winipc) {
        HANDLE m = OpenFileMappingA(FILE_MAP_READ, FALSE, "bench_sync_map");
        p = m ? MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0) : NULL;
    } else {
        int fd = shm_open("/bench_sync_map", O_RDONLY, 0);
        p = fd < 0 ? NULL : mmap(NULL, MAP_SIZE, PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED)
            p = NULL;
    }
    if (!p)
        return 1;
    for (size_t i = 0; i < MAP_SIZE / 8; i++)
        sum += p[i];
    t0 = now_s() - t0;
    printf("%.6f %llu\n", t0, (unsigned long long)sum);
    return 0;
}

static double mapping_run(int winipc)
{
    char cmd[4200], buf[128] = "";
    FILE *f;
    snprintf(cmd, sizeof cmd, "\"%s\" --read-child %d", self, winipc);
    f = popen(cmd, "r");
    if (!f || !fgets(buf, sizeof buf, f))
        exit(4);
    pclose(f);
    return atof(buf) * 1e3;
}

static double mapping_winipc(void)
{
    HANDLE m = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE,
                                  0, MAP_SIZE, "bench_sync_map");
    char *v = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
    double t;
    memset(v, 1, MAP_SIZE);
    t = mapping_run(1);
    UnmapViewOfFile(v);
    CloseHandle(m);
    return t;
}

static double mapping_raw(void)
{
    int fd = shm_open("/bench_sync_map", O_RDWR | O_CREAT | O_EXCL, 0600);
    char *v;
    double t;
    if (fd < 0 || ftruncate(fd, MAP_SIZE) < 0)
        exit(4);
    v = mmap(NULL, MAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memset(v, 1, MAP_SIZE);
    t = mapping_run(0);
    munmap(v, MAP_SIZE);
    close(fd);
    shm_unlink("/bench_sync_map");
    return t;
}

int main(int argc, char **argv)
{
    double w[64], r[64];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
    if (argc == 3 && strcmp(argv[1], "--pingpong-child") == 0)
        return child_pingpong(atoi(argv[2]));
    if (argc == 3 && strcmp(argv[1], "--read-child") == 0)
        return child_read(atoi(argv[2]));
    if (argc == 3 && strcmp(argv[1], "--rounds") == 0)
        rounds = atoi(argv[2]);
    if (rounds < 1 || rounds > 63)
        rounds = 5;

    for (int i = 0; i < rounds; i++) {
        w[i] = mutex_winipc();
        r[i] = mutex_raw();
    }
    report("mutex_uncontended", "ns", w, r, rounds);
    for (int i = 0; i < rounds; i++) {
        r[i] = pingpong_raw(0);
        w[i] = pingpong_winipc(0);
    }
    report("event_pingpong_same_cpu", "us", w, r, rounds);
    if (sysconf(_SC_NPROCESSORS_ONLN) > 1) {
        for (int i = 0; i < rounds; i++) {
            r[i] = pingpong_raw(1);
            w[i] = pingpong_winipc(1);
        }
        report("event_pingpong_two_cpus", "us", w, r, rounds);
    }
    for (int i = 0; i < rounds; i++) {
        w[i] = wfmo_winipc();
        r[i] = wfmo_raw();
    }
    report("wfmo_64_events", "ns", w, r, rounds);
    for (int i = 0; i < rounds; i++) {
        w[i] = mapping_winipc();
        r[i] = mapping_raw();
    }
    report("mapping_read_64MiB", "ms", w, r, rounds);
    return 0;
}
