/*
 * test_process_stress.c: CreateProcessA from several threads at once, each
 * child with inheritable handles of its own, while other threads create
 * and close handles.
 *
 * Windows gives a child started with bInheritHandles TRUE every handle of
 * its parent that is inheritable at that moment, whichever thread made it
 * (only STARTUPINFOEX handle lists narrow that, which winipc does not
 * have).  With other threads busy, "that moment" is somewhere inside the
 * CreateProcessA call, so each child must have:
 *   - every handle that was inheritable during the whole call (its own
 *     pipe end and event, the permanent inheritable ones), at the same
 *     value, of the same type, still inheritable, and the same object (the
 *     child writes a token through its pipe end and sets its event);
 *   - nothing but handles that were inheritable at some point of the call
 *     (a log of every inheritable handle's lifetime, in a global sequence
 *     of events, says which), and never one of the permanent
 *     non-inheritable handles;
 *   - no descriptor beyond 0, 1, 2, one per inherited handle, and its own
 *     handle-service socket.
 * Reports are checked after all threads have joined, when the log is
 * complete.
 */
#include "testlib.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>

#define THREADS 4
#define ROUNDS 8
#define PERMANENT 6   /* of each kind: inheritable and not */
#define MAX_SCAN 1024 /* handle values 4 .. 4 * MAX_SCAN are probed */
#define MAX_RECORDS (THREADS * ROUNDS * 4 + 4 * PERMANENT)
#define MAX_REPORTED 128

static char self_exe[4096];

/* ---- The child ----------------------------------------------------------- */

/* argv: PIPE-END EVENT TOKEN.  Lists its handle table before making any
 * handle of its own, then writes the report through the pipe end. */
static int helper_report(int argc, char **argv)
{
    static char report[16384];
    HANDLE w, ev;
    size_t len = 0;
    DIR *d;
    struct dirent *e;
    int fds = 0;
    DWORD n;

    if (argc < 3)
        return 90;
    w = (HANDLE)(uintptr_t)strtoull(argv[0], NULL, 0);
    ev = (HANDLE)(uintptr_t)strtoull(argv[1], NULL, 0);
    len += (size_t)snprintf(report + len, sizeof report - len, "%s\n", argv[2]);
    for (uintptr_t v = 4; v <= 4 * MAX_SCAN; v += 4) {
        DWORD flags;
        if (!GetHandleInformation((HANDLE)v, &flags))
            continue;
        len += (size_t)snprintf(report + len, sizeof report - len,
                                "h %#lx %lu %lu\n", (unsigned long)v,
                                (unsigned long)GetFileType((HANDLE)v),
                                (unsigned long)flags);
    }
    d = opendir("/proc/self/fd");
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.')
            fds++;
    if (d)
        closedir(d);
    len += (size_t)snprintf(report + len, sizeof report - len,
                            "fds %d\nset %d\nend\n", fds - 1,
                            SetEvent(ev) ? 1 : 0);
    if (len >= sizeof report)
        return 91;
    /* One write: the whole report, or nothing. */
    if (!WriteFile(w, report, (DWORD)len, &n, NULL) || n != len)
        return 92;
    return 0;
}

/* ---- The log of handle lifetimes ----------------------------------------- */

enum kind { KIND_PIPE = FILE_TYPE_PIPE, KIND_EVENT = FILE_TYPE_UNKNOWN };

/*
 * One inheritable handle.  Its inheritable life lies within
 * [open_begin, close_done] and surely covers [open_done, close_begin]
 * (close_begin is UINT64_MAX while open).
 */
struct record {
    uintptr_t value;
    enum kind kind;
    uint64_t open_begin, open_done, close_begin, close_done;
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct record records[MAX_RECORDS];
static size_t n_records;
static atomic_uint_fast64_t seq = 1;
static HANDLE forbidden[PERMANENT * 2]; /* permanent, not inheritable */
static int n_forbidden;

static uint64_t tick(void)
{
    return atomic_fetch_add(&seq, 1);
}

/* Logs a handle made inheritable between begin and now. */
static struct record *log_open(HANDLE h, enum kind kind, uint64_t begin)
{
    struct record *r = NULL;
    uint64_t done = tick();
    pthread_mutex_lock(&log_lock);
    if (n_records < MAX_RECORDS) {
        r = &records[n_records++];
        r->value = (uintptr_t)h;
        r->kind = kind;
        r->open_begin = begin;
        r->open_done = done;
        r->close_begin = UINT64_MAX;
        r->close_done = UINT64_MAX;
    }
    pthread_mutex_unlock(&log_lock);
    return r;
}

static void log_close(struct record *r, HANDLE h)
{
    uint64_t begin = tick();
    pthread_mutex_lock(&log_lock);
    r->close_begin = begin;
    pthread_mutex_unlock(&log_lock);
    CloseHandle(h);
    begin = tick();
    pthread_mutex_lock(&log_lock);
    r->close_done = begin;
    pthread_mutex_unlock(&log_lock);
}

/* ---- The threads --------------------------------------------------------- */

struct run {
    int thread, round;
    uint64_t spawn_begin, spawn_done; /* around CreateProcessA */
    uintptr_t own_pipe, own_event;
    DWORD exit_code;
    int event_set; /* the child's SetEvent reached our event */
    char report[16384];
};

static struct run runs[THREADS][ROUNDS];
static SECURITY_ATTRIBUTES inherit_sa = {sizeof inherit_sa, NULL, TRUE};

/* Reads the report from r up to its "end" line. */
static void read_report(HANDLE r, char *buf, size_t cap)
{
    size_t total = 0;
    DWORD n;
    buf[0] = '\0';
    while (total < cap - 1 && !strstr(buf, "\nend\n") &&
           ReadFile(r, buf + total, (DWORD)(cap - 1 - total), &n, NULL) &&
           n > 0) {
        total += n;
        buf[total] = '\0';
    }
}

static void one_round(struct run *run)
{
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    struct record *rw, *re;
    HANDLE r, w, ev, noinh;
    char cmd[8192], token[64];
    uint64_t begin;

    /* A non-inheritable event that lives across the spawn. */
    noinh = CreateEventA(NULL, TRUE, FALSE, NULL);
    begin = tick();
    if (!CreatePipe(&r, &w, NULL, 0))
        return;
    SetHandleInformation(w, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    rw = log_open(w, KIND_PIPE, begin);
    begin = tick();
    ev = CreateEventA(&inherit_sa, TRUE, FALSE, NULL);
    re = log_open(ev, KIND_EVENT, begin);
    run->own_pipe = (uintptr_t)w;
    run->own_event = (uintptr_t)ev;
    snprintf(token, sizeof token, "token-%d-%d", run->thread, run->round);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper report %#lx %#lx %s", self_exe,
             (unsigned long)(uintptr_t)w, (unsigned long)(uintptr_t)ev, token);
    run->spawn_begin = tick();
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        snprintf(run->report, sizeof run->report, "CreateProcess: %lu",
                 (unsigned long)GetLastError());
        run->spawn_done = tick();
        return;
    }
    run->spawn_done = tick();
    log_close(rw, w); /* the child has its copy */
    read_report(r, run->report, sizeof run->report);
    if (WaitForSingleObject(pi.hProcess, 60000) == WAIT_OBJECT_0)
        GetExitCodeProcess(pi.hProcess, &run->exit_code);
    else
        run->exit_code = 1000;
    run->event_set = WaitForSingleObject(ev, 0) == WAIT_OBJECT_0;
    log_close(re, ev);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(r);
    CloseHandle(noinh);
}

static void *thread_main(void *arg)
{
    int t = (int)(intptr_t)arg;
    for (int i = 0; i < ROUNDS; i++) {
        runs[t][i].thread = t;
        runs[t][i].round = i;
        one_round(&runs[t][i]);
    }
    return NULL;
}

/* ---- Checking ------------------------------------------------------------ */

struct seen {
    uintptr_t value;
    unsigned long type, flags;
};

static int parse_report(const struct run *run, struct seen *seen, int *n,
                        int *fds, int *set)
{
    char token[64];
    const char *p = run->report;
    *n = 0;
    *fds = -1;
    *set = -1;
    snprintf(token, sizeof token, "token-%d-%d\n", run->thread, run->round);
    if (strncmp(p, token, strlen(token)) != 0)
        return 0;
    while ((p = strchr(p, '\n')) != NULL) {
        unsigned long v, type, flags;
        p++;
        if (sscanf(p, "h %lx %lu %lu", &v, &type, &flags) == 3 &&
            *n < MAX_REPORTED) {
            seen[*n].value = v;
            seen[*n].type = type;
            seen[*n].flags = flags;
            (*n)++;
        }
        sscanf(p, "fds %d", fds);
        sscanf(p, "set %d", set);
    }
    return strstr(run->report, "\nend\n") != NULL;
}

/* 1 if some record of this value and kind may have been inheritable
 * during the spawn. */
static int may_have(const struct run *run, const struct seen *s)
{
    for (size_t i = 0; i < n_records; i++) {
        const struct record *r = &records[i];
        if (r->value == s->value && (unsigned long)r->kind == s->type &&
            r->open_begin < run->spawn_done && r->close_done > run->spawn_begin)
            return 1;
    }
    return 0;
}

static int total_seen; /* handles seen by all the children */

/* Checks one child's report; 1 if there was one to check. */
static int check_run(const struct run *run)
{
    struct seen seen[MAX_REPORTED];
    int n, fds, set, n_events = 0;

    if (!parse_report(run, seen, &n, &fds, &set)) {
        TEST_FAIL_AT("thread %d round %d: bad report: %.200s", run->thread,
                     run->round, run->report);
        return 0;
    }
    total_seen += n;
    CHECK_EQ(run->exit_code, 0);
    CHECK_EQ(set, 1);
    CHECK_EQ(run->event_set, 1);
    /* 0, 1, 2, one per inherited handle (an event, FILE_TYPE_UNKNOWN,
     * brings its state memfd too), and the service's socket. */
    for (int i = 0; i < n; i++)
        n_events += seen[i].type == FILE_TYPE_UNKNOWN;
    CHECK_EQ(fds, 3 + n + n_events + 1);
    for (int i = 0; i < n; i++) {
        CHECK_EQ(seen[i].flags, HANDLE_FLAG_INHERIT);
        for (int k = 0; k < n_forbidden; k++)
            if (seen[i].value == (uintptr_t)forbidden[k])
                TEST_FAIL_AT("thread %d round %d: non-inheritable %#lx "
                             "reached the child",
                             run->thread, run->round,
                             (unsigned long)seen[i].value);
        if (!may_have(run, &seen[i]))
            TEST_FAIL_AT("thread %d round %d: %#lx (type %lu) was not "
                         "inheritable during the spawn",
                         run->thread, run->round, (unsigned long)seen[i].value,
                         seen[i].type);
    }
    /* Every handle inheritable throughout the call is there. */
    for (size_t i = 0; i < n_records; i++) {
        const struct record *r = &records[i];
        int found = 0;
        if (!(r->open_done < run->spawn_begin &&
              r->close_begin > run->spawn_done))
            continue;
        for (int k = 0; k < n; k++)
            if (seen[k].value == r->value &&
                seen[k].type == (unsigned long)r->kind)
                found = 1;
        if (!found)
            TEST_FAIL_AT("thread %d round %d: %#lx (type %d) missing",
                         run->thread, run->round, (unsigned long)r->value,
                         (int)r->kind);
    }
    return 1;
}

static void test_concurrent_spawns(void)
{
    pthread_t th[THREADS];
    HANDLE keep[PERMANENT];
    struct record *keep_rec[PERMANENT];
    int children = 0;

    /* Permanent handles: inheritable ones (every child has them: events
     * and pipe read ends), and others that no child may ever have (events,
     * and the write ends of those pipes). */
    for (int i = 0; i < PERMANENT; i++) {
        uint64_t begin = tick();
        HANDLE w;
        if (i % 2) {
            keep[i] = CreateEventA(&inherit_sa, FALSE, FALSE, NULL);
            keep_rec[i] = log_open(keep[i], KIND_EVENT, begin);
        } else {
            CreatePipe(&keep[i], &w, NULL, 0);
            SetHandleInformation(keep[i], HANDLE_FLAG_INHERIT,
                                 HANDLE_FLAG_INHERIT);
            keep_rec[i] = log_open(keep[i], KIND_PIPE, begin);
            forbidden[n_forbidden++] = w;
        }
        forbidden[n_forbidden++] = CreateEventA(NULL, TRUE, FALSE, NULL);
    }
    for (int t = 0; t < THREADS; t++)
        CHECK_EQ(pthread_create(&th[t], NULL, thread_main, (void *)(intptr_t)t),
                 0);
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    for (int t = 0; t < THREADS; t++)
        for (int i = 0; i < ROUNDS; i++)
            children += check_run(&runs[t][i]);
    /* Every child reported, and each had at least the PERMANENT handles
     * inheritable from before the threads started until after they
     * ended. */
    CHECK_EQ(children, THREADS * ROUNDS);
    CHECK(total_seen >= THREADS * ROUNDS * PERMANENT);
    printf("     %d children inherited %d handles in all\n", children,
           total_seen);
    for (int i = 0; i < PERMANENT; i++)
        log_close(keep_rec[i], keep[i]);
    for (int i = 0; i < n_forbidden; i++)
        CloseHandle(forbidden[i]);
}

int main(int argc, char **argv)
{
    {
        ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
        self_exe[n > 0 ? n : 0] = '\0';
    }
    TEST_HELPERS(argc, argv, {"report", helper_report});
    RUN(test_concurrent_spawns);
    return TEST_SUMMARY();
}
