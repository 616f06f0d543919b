/*
 * testlib.h: the small test framework of winipc's test binaries.
 *
 *   static void test_something(void) { CHECK_EQ(f(), 3); ... }
 *   int main(int argc, char **argv) {
 *       TEST_HELPERS(argc, argv, {"child", child_main});   // optional
 *       RUN(test_something);
 *       return TEST_SUMMARY();
 *   }
 *
 * Every check prints the expected and the actual value when it fails; a
 * failed check does not stop the test.  The binary re-runs itself for
 * helper processes: "BINARY --helper NAME ARGS..." calls the helper NAME.
 * A watchdog ends a binary that runs for more than TEST_WATCHDOG seconds.
 */
#ifndef WINIPC_TESTLIB_H
#define WINIPC_TESTLIB_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <windows.h>

#ifndef TEST_WATCHDOG
#define TEST_WATCHDOG 120
#endif

static int test_failures;
static int test_checks;
static int test_passed_tests, test_failed_tests;
static const char *test_current = "";

#define TEST_FAIL_AT(...)                                                      \
    do {                                                                       \
        test_failures++;                                                       \
        fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, test_current);      \
        fprintf(stderr, __VA_ARGS__);                                          \
        fputc('\n', stderr);                                                   \
    } while (0)

/* Integers of any width, compared as 64-bit values. */
#define CHECK_EQ(actual, expected)                                             \
    do {                                                                       \
        unsigned long long a_ = (unsigned long long)(actual);                  \
        unsigned long long e_ = (unsigned long long)(expected);                \
        test_checks++;                                                         \
        if (a_ != e_)                                                          \
            TEST_FAIL_AT("%s == %s: expected %llu (0x%llx), got %llu (0x%llx)", \
                         #actual, #expected, e_, e_, a_, a_);                  \
    } while (0)

#define CHECK_NE(actual, unexpected)                                           \
    do {                                                                       \
        unsigned long long a_ = (unsigned long long)(actual);                  \
        unsigned long long e_ = (unsigned long long)(unexpected);              \
        test_checks++;                                                         \
        if (a_ == e_)                                                          \
            TEST_FAIL_AT("%s != %s: got %llu (0x%llx)", #actual, #unexpected,  \
                         a_, a_);                                              \
    } while (0)

#define CHECK(cond)                                                            \
    do {                                                                       \
        test_checks++;                                                         \
        if (!(cond))                                                           \
            TEST_FAIL_AT("expected %s", #cond);                                \
    } while (0)

#define CHECK_STR(actual, expected)                                            \
    do {                                                                       \
        const char *a_ = (actual), *e_ = (expected);                           \
        test_checks++;                                                         \
        if (!a_ || !e_ || strcmp(a_, e_) != 0)                                 \
            TEST_FAIL_AT("%s: expected \"%s\", got \"%s\"", #actual,           \
                         e_ ? e_ : "(null)", a_ ? a_ : "(null)");              \
    } while (0)

#define CHECK_MEM(actual, expected, len)                                       \
    do {                                                                       \
        test_checks++;                                                         \
        if (memcmp((actual), (expected), (len)) != 0)                          \
            TEST_FAIL_AT("%s: %zu bytes differ from %s", #actual,              \
                         (size_t)(len), #expected);                            \
    } while (0)

/* A Win32 call that must fail (return 0/FALSE) with GetLastError() == err. */
#define CHECK_FAILS(call, err)                                                 \
    do {                                                                       \
        long long r_;                                                          \
        DWORD le_;                                                             \
        SetLastError(0xdeadbeef);                                              \
        r_ = (long long)(call);                                                \
        le_ = GetLastError();                                                  \
        test_checks++;                                                         \
        if (r_ != 0 || le_ != (DWORD)(err))                                    \
            TEST_FAIL_AT("%s: expected FALSE with error %lu, got %lld with "   \
                         "error %lu",                                          \
                         #call, (unsigned long)(err), r_,                      \
                         (unsigned long)le_);                                  \
    } while (0)

/* A Win32 call that must succeed (non-zero). */
#define CHECK_OK(call)                                                         \
    do {                                                                       \
        long long r_ = (long long)(call);                                      \
        test_checks++;                                                         \
        if (r_ == 0)                                                           \
            TEST_FAIL_AT("%s: failed with error %lu", #call,                   \
                         (unsigned long)GetLastError());                       \
    } while (0)

#define RUN(fn)                                                                \
    do {                                                                       \
        int before_ = test_failures;                                           \
        test_current = #fn;                                                    \
        fn();                                                                  \
        if (test_failures == before_) {                                        \
            test_passed_tests++;                                               \
            printf("ok   %s\n", #fn);                                          \
        } else {                                                               \
            test_failed_tests++;                                               \
            printf("FAIL %s\n", #fn);                                          \
        }                                                                      \
        fflush(stdout);                                                        \
    } while (0)

#define TEST_SUMMARY()                                                         \
    (printf("%d passed, %d failed (%d checks)\n", test_passed_tests,           \
            test_failed_tests, test_checks),                                   \
     test_failed_tests ? 1 : 0)

struct test_helper {
    const char *name;
    int (*fn)(int argc, char **argv);
};

/* Dispatches "--helper NAME ..." to its function, whose return value is
 * the process's exit code; otherwise arms the watchdog and returns. */
static inline void test_helpers(int argc, char **argv,
                                const struct test_helper *h, size_t n)
{
    if (argc >= 3 && strcmp(argv[1], "--helper") == 0) {
        for (size_t i = 0; i < n; i++)
            if (strcmp(h[i].name, argv[2]) == 0)
                exit(h[i].fn(argc - 3, argv + 3));
        fprintf(stderr, "unknown helper %s\n", argv[2]);
        exit(99);
    }
    alarm(TEST_WATCHDOG);
}

#define TEST_HELPERS(argc, argv, ...)                                          \
    do {                                                                       \
        static const struct test_helper helpers_[] = {__VA_ARGS__};           \
        test_helpers(argc, argv, helpers_,                                     \
                     sizeof helpers_ / sizeof helpers_[0]);                    \
    } while (0)

#define TEST_START() alarm(TEST_WATCHDOG)

/* A name unique to this process: PREFIX, the pid, SEP and TAG, in one of
 * 16 buffers used in turn (a test may hold 16 such names at once). */
static inline const char *test_unique_name(const char *prefix,
                                           const char *sep, const char *tag)
{
    static char buf[16][256];
    static int next;
    char *b = buf[next++ % 16];
    snprintf(b, sizeof buf[0], "%s%d%s%s", prefix, (int)getpid(), sep, tag);
    return b;
}

/* A scratch path unique to this process: /tmp/winipc-test-PID-TAG. */
static inline const char *test_tmp_path(const char *tag)
{
    return test_unique_name("/tmp/winipc-test-", "-", tag);
}

/* Field `field` of /proc/PID/stat (1-based, as in proc(5): 3 is the state,
 * 22 the start time), copied into buf (NUL-terminated); NULL if the
 * process or the field is not there.  Fields are counted after the last
 * ')', so a command name with spaces or parentheses does not shift them. */
static inline const char *test_proc_stat_field(long pid, int field, char *buf,
                                               size_t cap)
{
    char path[64], line[1024], *p;
    size_t n, len;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    f = fopen(path, "re");
    if (!f)
        return NULL;
    n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    p = strrchr(line, ')');
    if (!p || field < 3 || cap == 0)
        return NULL;
    for (int i = 2; p && i < field; i++) /* p: the space before field i+1 */
        p = strchr(p + 1, ' ');
    if (!p)
        return NULL;
    p++;
    len = strcspn(p, " \n");
    if (len >= cap)
        len = cap - 1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    return buf;
}

/* The start time of process pid (clock ticks after boot, field 22 of
 * /proc/PID/stat), 0 if it cannot be read. */
static inline unsigned long long test_proc_start_time(long pid)
{
    char buf[32];
    return test_proc_stat_field(pid, 22, buf, sizeof buf)
               ? strtoull(buf, NULL, 10)
               : 0;
}

/* CreateProcessA(NULL, a copy of cmd, ...) with the given STARTUPINFOA, or
 * a plain one if si is NULL. */
static inline BOOL test_spawn(const char *cmd, BOOL inherit, STARTUPINFOA *si,
                              PROCESS_INFORMATION *pi)
{
    char *copy = strdup(cmd);
    STARTUPINFOA def = {sizeof def};
    BOOL ok = CreateProcessA(NULL, copy, NULL, NULL, inherit, 0, NULL, NULL,
                             si ? si : &def, pi);
    free(copy);
    return ok;
}

/* Reads exactly len bytes from fd (retrying short reads and EINTR): 0, or
 * -1 at the end of the data or on an error. */
static inline int test_read_full(int fd, void *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, (char *)buf + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

/* ---- Is a thread blocked in a system call? --------------------------------
 *
 * A test that needs another thread (or process) to be waiting inside a
 * call before it acts, e.g. "ReadFile is blocked, now close the writer",
 * looks at the state itself instead of sleeping and hoping: the kernel
 * reports in /proc/PID/task/TID/syscall "NR ARG1 ARG2 ..." while the
 * thread sleeps in system call NR, and "running" while it runs.
 */

/* The calling thread's kernel id. */
static inline int test_gettid(void)
{
    return (int)syscall(SYS_gettid);
}

/* A list of system call numbers for test_wait_blocked, ending with -1. */
#define TEST_SYSCALLS(...) ((const long[]){__VA_ARGS__, -1})
/* poll() or ppoll() (argument 1 is the number of descriptors). */
#ifdef SYS_poll
#define TEST_SYS_POLL TEST_SYSCALLS(SYS_poll, SYS_ppoll)
#else
#define TEST_SYS_POLL TEST_SYSCALLS(SYS_ppoll)
#endif

/* Where a wait on events sleeps: poll() (descriptors), or the events'
 * futex words (futex, futex_waitv: objects/event.c). */
#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#ifdef SYS_poll
#define TEST_SYS_WAIT                                                        \
    TEST_SYSCALLS(SYS_poll, SYS_ppoll, SYS_futex, SYS_futex_waitv)
#else
#define TEST_SYS_WAIT TEST_SYSCALLS(SYS_ppoll, SYS_futex, SYS_futex_waitv)
#endif

/* nanosleep() or clock_nanosleep(): a sleep for a time. */
#ifdef SYS_nanosleep
#define TEST_SYS_SLEEP TEST_SYSCALLS(SYS_clock_nanosleep, SYS_nanosleep)
#else
#define TEST_SYS_SLEEP TEST_SYSCALLS(SYS_clock_nanosleep)
#endif

/* The system call thread tid of process pid (0: this process) sleeps in,
 * with its first six arguments in args; -1 if it is running, gone, or
 * cannot be looked at. */
static inline long test_thread_syscall(long pid, long tid,
                                       unsigned long args[6])
{
    char path[96], line[512];
    long nr;
    int got;
    FILE *f;

    if (pid)
        snprintf(path, sizeof path, "/proc/%ld/task/%ld/syscall", pid, tid);
    else
        snprintf(path, sizeof path, "/proc/self/task/%ld/syscall", tid);
    f = fopen(path, "re");
    if (!f)
        return -1;
    got = fgets(line, sizeof line, f) != NULL &&
          sscanf(line, "%ld %lx %lx %lx %lx %lx %lx", &nr, &args[0], &args[1],
                 &args[2], &args[3], &args[4], &args[5]) == 7;
    fclose(f);
    return got ? nr : -1;
}

/* How many times thread tid of process pid (0: this process) has gone to
 * sleep (voluntary_ctxt_switches in /proc/PID/task/TID/status), -1 if it
 * cannot be read.  The count grows when a sleep begins, and a woken thread
 * reads "running" in its syscall file until it sleeps again. */
static inline long test_thread_sleeps(long pid, long tid)
{
    char path[96], line[256];
    long n = -1;
    FILE *f;

    if (pid)
        snprintf(path, sizeof path, "/proc/%ld/task/%ld/status", pid, tid);
    else
        snprintf(path, sizeof path, "/proc/self/task/%ld/status", tid);
    f = fopen(path, "re");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "voluntary_ctxt_switches: %ld", &n) == 1)
            break;
    fclose(f);
    return n;
}

/* 1 if thread tid of process pid sleeps now in one of the system calls
 * nrs (with argument arg equal to val if arg >= 0), in a sleep that began
 * after its sleep count was `after' (-1: any sleep); *count is then that
 * sleep's count.  The count is read before and after the syscall file and
 * must not change, so the sleep seen is the one counted. */
static inline int test_thread_blocked_in(long pid, long tid, const long *nrs,
                                         int arg, unsigned long val,
                                         long after, long *count)
{
    unsigned long args[6];
    long c1 = test_thread_sleeps(pid, tid), nr, c2;
    if (c1 < 0 || c1 <= after)
        return 0;
    nr = test_thread_syscall(pid, tid, args);
    c2 = test_thread_sleeps(pid, tid);
    if (nr < 0 || c2 != c1)
        return 0;
    for (int i = 0; nrs[i] >= 0; i++)
        if (nr == nrs[i] && (arg < 0 || args[arg] == val)) {
            if (count)
                *count = c1;
            return 1;
        }
    return 0;
}

/* Waits up to timeout_ms for test_thread_blocked_in(pid, tid, nrs, -1, 0,
 * after): the sleep's count (>= 0) once seen, -1 if not.  After an action
 * that wakes the thread (a SetEvent), pass the count seen before it: the
 * old sleep then no longer counts, only one begun after the wake-up. */
static inline long test_wait_blocked_after(long pid, long tid, int timeout_ms,
                                           const long *nrs, long after)
{
    for (int waited = 0; waited <= timeout_ms; waited++) {
        long count;
        if (test_thread_blocked_in(pid, tid, nrs, -1, 0, after, &count))
            return count;
        usleep(1000); /* polling the state, with a bound */
    }
    return -1;
}

/* 1 once thread *tid of process pid (0: this process) is seen sleeping in
 * one of the system calls nrs (a TEST_SYSCALLS list) with, if arg >= 0,
 * argument number arg (0-based) equal to val; 0 if that is not seen within
 * timeout_ms.  *tid is read on each look (0: not known yet), so a thread
 * may publish it once it runs. */
static inline int test_wait_blocked(long pid, const _Atomic int *tid,
                                    int timeout_ms, const long *nrs, int arg,
                                    unsigned long val)
{
    for (int waited = 0; waited <= timeout_ms; waited++) {
        int t = atomic_load(tid);
        unsigned long args[6];
        long nr = t ? test_thread_syscall(pid, t, args) : -1;
        for (int i = 0; nr >= 0 && nrs[i] >= 0; i++)
            if (nr == nrs[i] && (arg < 0 || args[arg] == val))
                return 1;
        usleep(1000); /* polling the state, with a bound */
    }
    return 0;
}

/* ---- Helper processes started with fork and exec ------------------------- */

/* This test binary's path. */
static inline const char *test_self_exe(void)
{
    static char path[4096];
    if (!path[0]) {
        ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
        path[n > 0 ? n : 0] = '\0';
    }
    return path;
}

/* A helper process: this binary run as "--helper NAME ARGS...", without
 * winipc (fork and exec), its standard output a pipe (out). */
struct test_child {
    pid_t pid;
    int out; /* its stdout */
};

/* Starts "self --helper NAME ARGS..." (args end with NULL): 0, or -1. */
static inline int test_child_start(struct test_child *c, const char *helper,
                                   ...)
{
    const char *argv[16];
    int n = 0, fds[2];
    va_list ap;

    argv[n++] = test_self_exe();
    argv[n++] = "--helper";
    argv[n++] = helper;
    va_start(ap, helper);
    while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
        n++;
    va_end(ap);
    argv[n] = NULL;
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    fflush(stdout);
    fflush(stderr);
    c->pid = fork();
    if (c->pid == 0) {
        dup2(fds[1], 1);
        execv(argv[0], (char **)argv);
        _exit(127);
    }
    close(fds[1]);
    c->out = fds[0];
    return c->pid > 0 ? 0 : -1;
}

/* Reads one line of the child's output; 0 if none came within timeout. */
static inline int test_child_line(struct test_child *c, char *buf, size_t len,
                                  int timeout_ms)
{
    size_t n = 0;
    while (n + 1 < len) {
        struct pollfd p = {.fd = c->out, .events = POLLIN};
        if (poll(&p, 1, timeout_ms) <= 0 || read(c->out, buf + n, 1) != 1)
            break;
        if (buf[n] == '\n') {
            buf[n] = '\0';
            return 1;
        }
        n++;
    }
    buf[n] = '\0';
    return 0;
}

#endif /* WINIPC_TESTLIB_H */
