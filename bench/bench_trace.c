/*
 * bench_trace.c: what the trace switch (WINIPC_TRACE) costs while it is
 * off (issue 16: "off costs nothing measurable").
 *
 * The same loop is built twice: bench_trace against libwinipc as shipped
 * (every entry point tests the trace switch) and bench_trace_notrace
 * against a libwinipc built with WIPC_NO_TRACE (no test at all; only with
 * -DWINIPC_TRACE_BASELINE=ON).  bench_trace runs both as child processes,
 * in alternating order, round after round, on the same CPU, and prints
 * per case the median time per call of each and the median and spread of
 * the per-round ratios (shipped / baseline); each child reports its
 * fastest of 10 passes.  It also times the shipped
 * library with tracing on, writing to /dev/null, for scale.
 *
 * Cases, each a cheap call so that a test of the switch would show:
 *   event   SetEvent + ResetEvent on an unnamed manual-reset event
 *   peek    PeekNamedPipe on an empty anonymous pipe
 *   pid     GetCurrentProcessId
 *
 *   bench_trace [--rounds N] [--calls N]
 *   bench_trace --one CASE CALLS      (a child: prints ns per call)
 */
#define _GNU_SOURCE
#include <windows.h>

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile DWORD sink;

/* ns per call of case name: the fastest of 10 passes of calls / 10 calls
 * each (after one to warm up), the pass least disturbed by the other
 * jobs of the machine. */
static double one(const char *name, long calls)
{
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL), r, w;
    DWORD avail = 0;
    long per = calls / 10;
    double best = 1e30;
    if (!ev || !CreatePipe(&r, &w, NULL, 0))
        exit(2);
    for (int pass = 0; pass < 11; pass++) {
        double t0 = now_ns(), t;
        if (!strcmp(name, "event")) {
            for (long i = 0; i < per; i++) {
                SetEvent(ev);
                ResetEvent(ev);
            }
        } else if (!strcmp(name, "peek")) {
            for (long i = 0; i < per; i++)
                PeekNamedPipe(r, NULL, 0, NULL, &avail, NULL);
        } else if (!strcmp(name, "pid")) {
            for (long i = 0; i < per; i++)
                sink += GetCurrentProcessId();
        } else {
            exit(64);
        }
        t = (now_ns() - t0) / (double)per / (strcmp(name, "event") ? 1 : 2);
        if (pass && t < best)
            best = t;
    }
    return best;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Runs program --one name calls (with env prefix, "" for none) and reads
 * its ns per call. */
static double child(const char *env, const char *program, const char *name,
                    long calls)
{
    char cmd[8192];
    double ns = -1;
    FILE *p;
    snprintf(cmd, sizeof cmd, "%s '%s' --one %s %ld", env, program, name,
             calls);
    p = popen(cmd, "r");
    if (!p || fscanf(p, "%lf", &ns) != 1)
        ns = -1;
    if (p)
        pclose(p);
    if (ns < 0) {
        fprintf(stderr, "bench_trace: %s failed\n", cmd);
        exit(2);
    }
    return ns;
}

int main(int argc, char **argv)
{
    static const char *const cases[] = {"event", "peek", "pid"};
    char self[4096], base[4096 + 32];
    int rounds = 9;
    long calls = 2000000;
    ssize_t n;
    cpu_set_t set;

    if (argc == 4 && !strcmp(argv[1], "--one")) {
        printf("%.3f\n", one(argv[2], atol(argv[3])));
        return 0;
    }
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--rounds"))
            rounds = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--calls"))
            calls = atol(argv[i + 1]);
    }
    if (rounds < 1 || rounds > 99 || calls < 1000) {
        fprintf(stderr, "usage: bench_trace [--rounds 1..99] [--calls N]\n");
        return 64;
    }
    n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return 2;
    self[n] = 0;
    snprintf(base, sizeof base, "%s_notrace", self);
    if (access(base, X_OK) != 0) {
        fprintf(stderr, "bench_trace: no %s (configure with "
                        "-DWINIPC_TRACE_BASELINE=ON)\n",
                base);
        return 2;
    }
    /* One CPU for every child, so that both builds run alike. */
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        for (int c = 0; c < CPU_SETSIZE; c++)
            if (CPU_ISSET(c, &set)) {
                CPU_ZERO(&set);
                CPU_SET(c, &set);
                sched_setaffinity(0, sizeof set, &set);
                break;
            }
    }
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        double off[99], none[99], on[99], q[99];
        for (int r = 0; r < rounds; r++) {
            /* Alternate which goes first. */
            if (r % 2) {
                none[r] = child("", base, cases[c], calls);
                off[r] = child("", self, cases[c], calls);
            } else {
                off[r] = child("", self, cases[c], calls);
                none[r] = child("", base, cases[c], calls);
            }
            on[r] = child("WINIPC_TRACE=1 WINIPC_TRACE_FILE=/dev/null", self,
                          cases[c], calls / 20);
            q[r] = off[r] / none[r];
        }
        fprintf(stderr, "  %-6s ratios:", cases[c]);
        for (int r = 0; r < rounds; r++)
            fprintf(stderr, " %.3f", q[r]);
        fprintf(stderr, "\n");
        {
            double mq = median(q, rounds);
            printf("RESULT %s off %.2f ns notrace %.2f ns ratio %.3f "
                   "%.3f %.3f on %.0f ns\n",
                   cases[c], median(off, rounds), median(none, rounds), mq,
                   q[0], q[rounds - 1], median(on, rounds));
            fflush(stdout);
        }
    }
    return 0;
}
