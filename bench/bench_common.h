/*
 * bench_common.h: what the benchmark programs share.  Each is one C file
 * that builds natively against winipc and, with MinGW, for Windows (run
 * under Wine as the reference): this header covers both.
 *
 * Define BENCH_NAME (the program's name, for messages) before including.
 */
#ifndef WINIPC_BENCH_COMMON_H
#define WINIPC_BENCH_COMMON_H

#include <windows.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define IMPL_NAME "winipc"
#else
#define IMPL_NAME "win32"
#endif

#define MAX_REPS 31

/* This program's path, to start copies of it (bench_find_self). */
static char self_path[4096];

static inline void die(const char *what)
{
#ifdef _WIN32
    fprintf(stderr, BENCH_NAME ": %s failed: error %lu\n", what,
            (unsigned long)GetLastError());
#else
    fprintf(stderr, BENCH_NAME ": %s failed: error %lu, errno %d (%s)\n",
            what, (unsigned long)GetLastError(), errno, strerror(errno));
#endif
    exit(2);
}

/* ---- Time, CPUs, our own path -------------------------------------------- */

static inline double now_s(void)
{
#ifdef _WIN32
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart / (double)f.QuadPart;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
#endif
}

/* The first CPUs (at most max) this process may run on, into cpus; their
 * count (at least 1: CPU 0 if none can be found). */
static inline int bench_find_cpus(int *cpus, int max)
{
    int n = 0;
#ifdef _WIN32
    DWORD_PTR proc, sys;
    if (!GetProcessAffinityMask(GetCurrentProcess(), &proc, &sys))
        proc = 1;
    for (int i = 0; i < (int)(8 * sizeof proc) && n < max; i++)
        if (proc & ((DWORD_PTR)1 << i))
            cpus[n++] = i;
#else
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        CPU_SET(0, &set);
    for (int i = 0; i < CPU_SETSIZE && n < max; i++)
        if (CPU_ISSET(i, &set))
            cpus[n++] = i;
#endif
    if (n == 0)
        cpus[n++] = 0;
    return n;
}

static inline void pin_self(int cpu)
{
#ifdef _WIN32
    if (!SetThreadAffinityMask(GetCurrentThread(), (DWORD_PTR)1 << cpu))
        die("SetThreadAffinityMask");
#else
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        die("sched_setaffinity");
#endif
}

static inline void find_self(const char *argv0)
{
#ifdef _WIN32
    (void)argv0;
    if (!GetModuleFileNameA(NULL, self_path, sizeof self_path))
        die("GetModuleFileNameA");
#else
    ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    if (n <= 0)
        snprintf(self_path, sizeof self_path, "%s", argv0);
    else
        self_path[n] = '\0';
#endif
}

static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The median of v[0..n-1]; sorts v. */
static inline double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * The per-repetition ratios of a case, winipc / raw: prints them to stderr
 * (in the order they were timed), then the line
 *     RESULT <key> ratio <median> <lowest> <highest>
 * on stdout: the median of the ratios and their spread, so that a median
 * ratio that disagrees with the ratio of the two printed medians (which a
 * drifting load can cause) shows how far the repetitions scattered.
 * bench/run.sh reads the three figures.  Sorts q.
 */
static inline void report_ratios(const char *key, double *q, int n)
{
    double med;

    fprintf(stderr, "  %-15s ratios:", key);
    for (int r = 0; r < n; r++)
        fprintf(stderr, " %.2f", q[r]);
    fprintf(stderr, "\n");
    med = median(q, n);
    printf("RESULT %s ratio %.3f %.3f %.3f\n", key, med, q[0], q[n - 1]);
    fflush(stdout);
}

/* The usage line of a benchmark program, and its exit code: 0 for --help,
 * 64 (EX_USAGE) for a bad option. */
static inline int bench_usage(const char *argv0, const char *extra, int help)
{
    fprintf(help ? stdout : stderr,
            "usage: %s [--reps 1..%d] [--time SECONDS] [--only SUBSTRING]%s\n",
            argv0, MAX_REPS, extra);
    return help ? 0 : 64;
}

#endif /* WINIPC_BENCH_COMMON_H */
