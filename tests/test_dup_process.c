/*
 * test_dup_process.c: DuplicateHandle across processes (the per-process
 * handle services, src/process/service.h; docs/processes.md).
 *
 * Windows behaviour was checked with a probe under Wine and against the
 * NT object manager's documented rules: a process that has ended answers
 * ERROR_ACCESS_DENIED (its handle table is gone), DUPLICATE_CLOSE_SOURCE
 * closes the source whatever the result, GetCurrentProcess() duplicated
 * from another process names that process, GetCurrentThread() the calling
 * thread.  winipc's own limits: threads do not cross processes, and a
 * process that does not run winipc cannot be reached (ERROR_NOT_SUPPORTED).
 *
 * The binary re-runs itself for helpers: "test_dup_process --helper NAME".
 * The "server" helper reads one command per line on stdin and answers one
 * line on stdout, so the parent can drive a running child.
 */
#include "testlib.h"

#include <winipc.h>

#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <time.h>

#include "process/service.h"

static char self_exe[4096];

static HANDLE hval(const char *s)
{
    return (HANDLE)(uintptr_t)strtoull(s, NULL, 0);
}

static unsigned long uval(HANDLE h)
{
    return (unsigned long)(uintptr_t)h;
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

/* ---- The child side ------------------------------------------------------ */

/* Reads one line from h (without the newline); 0 at end of file. */
static int read_line(HANDLE h, char *buf, size_t cap)
{
    size_t pos = 0;
    DWORD n;
    char c;
    while (ReadFile(h, &c, 1, &n, NULL) && n == 1) {
        if (c == '\n') {
            buf[pos] = '\0';
            return 1;
        }
        if (pos + 1 < cap)
            buf[pos++] = c;
    }
    buf[pos] = '\0';
    return pos > 0;
}

/* Runs one command of the server helper; the answer goes to reply. */
static void server_command(char *line, char *reply, size_t cap)
{
    char cmd[32] = "", a[64] = "", b[64] = "", c[64] = "";
    HANDLE h, out = NULL;
    DWORD n = 0, flags = 99;
    BOOL ok;

    sscanf(line, "%31s %63s %63s %63s", cmd, a, b, c);
    h = hval(a);
    SetLastError(0);
    if (strcmp(cmd, "makeevent") == 0) {
        snprintf(reply, cap, "%#lx",
                 uval(CreateEventA(NULL, TRUE, FALSE, NULL)));
    } else if (strcmp(cmd, "makepipe") == 0) {
        HANDLE r, w;
        ok = CreatePipe(&r, &w, NULL, 0);
        snprintf(reply, cap, "%#lx %#lx", ok ? uval(r) : 0, ok ? uval(w) : 0);
    } else if (strcmp(cmd, "set") == 0) {
        ok = SetEvent(h);
        snprintf(reply, cap, "%d %lu", ok, (unsigned long)GetLastError());
    } else if (strcmp(cmd, "wait") == 0) {
        snprintf(reply, cap, "%lu",
                 (unsigned long)WaitForSingleObject(h, (DWORD)atoi(b)));
    } else if (strcmp(cmd, "info") == 0) {
        ok = GetHandleInformation(h, &flags);
        snprintf(reply, cap, "%d %lu %lu", ok, (unsigned long)GetLastError(),
                 (unsigned long)flags);
    } else if (strcmp(cmd, "write") == 0) {
        ok = WriteFile(h, b, (DWORD)strlen(b), &n, NULL);
        snprintf(reply, cap, "%d %lu", ok, (unsigned long)n);
    } else if (strcmp(cmd, "close") == 0) {
        ok = CloseHandle(h);
        snprintf(reply, cap, "%d %lu", ok, (unsigned long)GetLastError());
    } else if (strcmp(cmd, "pid") == 0) {
        snprintf(reply, cap, "%lu", (unsigned long)GetProcessId(h));
    } else if (strcmp(cmd, "fds") == 0) {
        snprintf(reply, cap, "%d", count_fds());
    } else if (strcmp(cmd, "dupto") == 0) {
        /* dupto PROCESS H OPTIONS: from here into PROCESS. */
        ok =
            DuplicateHandle(GetCurrentProcess(), hval(b), h, &out, 0, FALSE,
                            DUPLICATE_SAME_ACCESS | (DWORD)strtoul(c, NULL, 0));
        snprintf(reply, cap, "%d %lu %#lx", ok, (unsigned long)GetLastError(),
                 uval(out));
    } else {
        snprintf(reply, cap, "?");
    }
}

/* A standard handle of the child, or (a child started without
 * inheritance, which has none, as on Windows) descriptor fd wrapped. */
static HANDLE std_or_fd(DWORD which, int fd)
{
    HANDLE h = GetStdHandle(which);
    return h ? h : winipc_handle_from_fd(dup(fd));
}

static int helper_server(int argc, char **argv)
{
    HANDLE in = std_or_fd(STD_INPUT_HANDLE, 0);
    HANDLE out = std_or_fd(STD_OUTPUT_HANDLE, 1);
    char line[256], reply[256];
    DWORD n;

    (void)argc;
    (void)argv;
    while (read_line(in, line, sizeof line)) {
        if (strcmp(line, "exit") == 0)
            return 7;
        server_command(line, reply, sizeof reply - 1);
        strcat(reply, "\n");
        if (!WriteFile(out, reply, (DWORD)strlen(reply), &n, NULL))
            return 1;
    }
    return 0;
}

/* Has no handle (so no service yet) until the parent says "go" on its
 * standard input (read with read(), which makes no handle), then
 * serves. */
static int helper_late_server(int argc, char **argv)
{
    char c = 0;
    while (c != '\n')
        if (read(0, &c, 1) != 1)
            return 95;
    return helper_server(argc, argv);
}

/* Reads a handle value on stdin; checks that the process is not signalled
 * yet, says so on the handle ACK (argv[0]) and waits for it to end. */
static int helper_waiter(int argc, char **argv)
{
    char line[64];
    DWORD before, r, n;
    HANDLE h, ack;
    if (argc < 1 || !fgets(line, sizeof line, stdin))
        return 90;
    h = hval(line);
    ack = hval(argv[0]);
    before = WaitForSingleObject(h, 0);
    WriteFile(ack, "k", 1, &n, NULL);
    CloseHandle(ack);
    r = WaitForSingleObject(h, 30000);
    printf("before %lu waited %lu\n", (unsigned long)before,
           (unsigned long)r);
    return 0;
}

/*
 * The seeds' scenario the other way round: starts a waiter, duplicates a
 * handle to itself into the running waiter, tells it the value through a
 * pipe, and ends once the waiter has looked at it (not signalled yet).
 */
static int helper_middle(int argc, char **argv)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE r, w, ar, aw, v = NULL;
    char cmd[8192], line[64], k;
    DWORD n;

    (void)argc;
    (void)argv;
    if (!CreatePipe(&r, &w, &sa, 0) || !CreatePipe(&ar, &aw, &sa, 0))
        return 91;
    SetHandleInformation(w, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(ar, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = r;
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper waiter %#lx", self_exe,
             uval(aw));
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
        return 92;
    CloseHandle(r);
    CloseHandle(aw);
    if (!DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), pi.hProcess,
                         &v, SYNCHRONIZE, FALSE, 0))
        return 93;
    snprintf(line, sizeof line, "%#lx\n", uval(v));
    WriteFile(w, line, (DWORD)strlen(line), &n, NULL);
    CloseHandle(w);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    /* The waiter has seen this process running. */
    if (!ReadFile(ar, &k, 1, &n, NULL) || n != 1)
        return 94;
    return 0;
}

/* ---- The parent side ----------------------------------------------------- */

struct child {
    PROCESS_INFORMATION pi;
    HANDLE in, out; /* our ends of its stdin and stdout */
};

/* Starts a helper with pipes on its stdin and stdout, with the creation
 * flags given. */
static BOOL child_start_flags(struct child *c, const char *helper, BOOL inherit,
                              DWORD flags)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    HANDLE in_r, out_w;
    char cmd[8192];
    BOOL ok;

    memset(c, 0, sizeof *c);
    if (!CreatePipe(&in_r, &c->in, &sa, 0))
        return FALSE;
    if (!CreatePipe(&c->out, &out_w, &sa, 0))
        return FALSE;
    SetHandleInformation(c->in, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(c->out, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_r;
    si.hStdOutput = out_w;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper %s", self_exe, helper);
    ok = CreateProcessA(NULL, cmd, NULL, NULL, inherit, flags, NULL, NULL, &si,
                        &c->pi);
    CloseHandle(in_r);
    CloseHandle(out_w);
    return ok;
}

static BOOL child_start(struct child *c, const char *helper, BOOL inherit)
{
    return child_start_flags(c, helper, inherit, 0);
}

/* Sends a command line and returns the answer (static buffer). */
static const char *ask(struct child *c, const char *fmt, ...)
{
    static char reply[256];
    char line[256];
    va_list ap;
    DWORD n;

    va_start(ap, fmt);
    vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    strcat(line, "\n");
    reply[0] = '\0';
    if (!WriteFile(c->in, line, (DWORD)strlen(line), &n, NULL) ||
        !read_line(c->out, reply, sizeof reply))
        snprintf(reply, sizeof reply, "<no answer>");
    return reply;
}

/* Ends the child ("exit": code 7) and closes everything. */
static void child_stop(struct child *c)
{
    DWORD code = 0, n;
    WriteFile(c->in, "exit\n", 5, &n, NULL);
    CHECK_EQ(WaitForSingleObject(c->pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(c->pi.hProcess, &code));
    CHECK_EQ(code, 7);
    CloseHandle(c->in);
    CloseHandle(c->out);
    CloseHandle(c->pi.hProcess);
    CloseHandle(c->pi.hThread);
}

static HANDLE ask_handle(struct child *c, const char *cmd)
{
    return hval(ask(c, "%s", cmd));
}

/* ---- Tests --------------------------------------------------------------- */

/* Parent to child: the value goes to the running child through its stdin. */
static void test_into_child(void)
{
    struct child c;
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL), h = NULL, r, w;
    char buf[16];
    DWORD n;

    CHECK_OK(child_start(&c, "server", FALSE));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, c.pi.hProcess, &h, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    CHECK(h != NULL && ((uintptr_t)h & 3) == 0);
    CHECK_STR(ask(&c, "set %#lx", uval(h)), "1 0");
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    CHECK_STR(ask(&c, "info %#lx", uval(h)), "1 0 0");

    /* Access as asked, and the inherit flag. */
    ResetEvent(ev);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, c.pi.hProcess, &h,
                             SYNCHRONIZE, TRUE, 0));
    CHECK_STR(ask(&c, "set %#lx", uval(h)), "0 5");
    CHECK_STR(ask(&c, "info %#lx", uval(h)), "1 0 1");
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);

    /* A pipe end: the child's writes reach our read end, and the source is
     * closed here by DUPLICATE_CLOSE_SOURCE. */
    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), w, c.pi.hProcess, &h, 0,
                             FALSE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_FAILS(CloseHandle(w), ERROR_INVALID_HANDLE);
    CHECK_STR(ask(&c, "write %#lx hello", uval(h)), "1 5");
    CHECK_OK(ReadFile(r, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 5);
    CHECK_MEM(buf, "hello", 5);
    /* Closing the child's copy from here: the pipe breaks. */
    CHECK_OK(DuplicateHandle(c.pi.hProcess, h, NULL, NULL, 0, FALSE,
                             DUPLICATE_CLOSE_SOURCE));
    CHECK_FAILS(ReadFile(r, buf, sizeof buf, &n, NULL), ERROR_BROKEN_PIPE);
    CHECK_STR(ask(&c, "info %#lx", uval(h)), "0 6 99");
    /* It is gone: a second close fails. */
    CHECK_FAILS(DuplicateHandle(c.pi.hProcess, h, NULL, NULL, 0, FALSE,
                                DUPLICATE_CLOSE_SOURCE),
                ERROR_INVALID_HANDLE);
    CloseHandle(r);
    CloseHandle(ev);
    child_stop(&c);
}

/* Tells a late server to go on once the thread `waiter' is seen sleeping
 * between its looks for the child's service (DuplicateHandle's wait for
 * a young child), or after 10 s; `seen' says which. */
struct go_when_waiting {
    HANDLE in;
    _Atomic int waiter;
    int seen;
};

static DWORD WINAPI go_when_waiting(LPVOID arg)
{
    struct go_when_waiting *g = arg;
    DWORD n;
    g->seen = test_wait_blocked(0, &g->waiter, 10000, TEST_SYS_SLEEP, -1, 0);
    WriteFile(g->in, "go\n", 3, &n, NULL);
    return 0;
}

/* DuplicateHandle into late server c from this thread, which must wait for
 * the child's service: the child starts it only once this thread is seen
 * waiting.  Returns the handle in the child (NULL on failure). */
static HANDLE dup_into_late_server(struct child *c, HANDLE ev)
{
    struct go_when_waiting g = {c->in, test_gettid(), 0};
    HANDLE t = CreateThread(NULL, 0, go_when_waiting, &g, 0, NULL), h = NULL;
    CHECK(t != NULL);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, c->pi.hProcess, &h, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    if (t) {
        CHECK_EQ(WaitForSingleObject(t, 20000), WAIT_OBJECT_0);
        CloseHandle(t);
        CHECK(g.seen);
    }
    return h;
}

/* A child that has no handle yet (no service) right after CreateProcess:
 * the duplication waits for it. */
static void test_into_young_child(void)
{
    struct child c;
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL), h;

    CHECK_OK(child_start(&c, "late_server", FALSE));
    h = dup_into_late_server(&c, ev);
    CHECK_STR(ask(&c, "set %#lx", uval(h)), "1 0");
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    CloseHandle(ev);
    child_stop(&c);
}

/* Child to parent, fetched by the parent: with and without closing. */
static void test_from_child(void)
{
    struct child c;
    HANDLE v, mine = NULL, r, w;
    char buf[16];
    DWORD n;

    CHECK_OK(child_start(&c, "server", FALSE));
    v = ask_handle(&c, "makeevent");
    CHECK(v != NULL);
    CHECK_OK(DuplicateHandle(c.pi.hProcess, v, GetCurrentProcess(), &mine, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(SetEvent(mine));
    CHECK_STR(ask(&c, "wait %#lx 0", uval(v)), "0");
    CHECK_OK(CloseHandle(mine));
    CHECK_STR(ask(&c, "info %#lx", uval(v)), "1 0 0");

    CHECK_OK(DuplicateHandle(c.pi.hProcess, v, GetCurrentProcess(), &mine, 0,
                             TRUE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_STR(ask(&c, "info %#lx", uval(v)), "0 6 99");
    CHECK_OK(GetHandleInformation(mine, &n));
    CHECK_EQ(n, HANDLE_FLAG_INHERIT);
    CHECK_EQ(WaitForSingleObject(mine, 0), WAIT_OBJECT_0);
    CloseHandle(mine);

    /* A pipe made in the child: its read end comes here. */
    {
        const char *a = ask(&c, "makepipe");
        char *end;
        r = (HANDLE)(uintptr_t)strtoull(a, &end, 0);
        w = hval(end);
    }
    CHECK_OK(DuplicateHandle(c.pi.hProcess, r, GetCurrentProcess(), &mine, 0,
                             FALSE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_STR(ask(&c, "write %#lx abc", uval(w)), "1 3");
    CHECK_OK(ReadFile(mine, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 3);
    CHECK_STR(ask(&c, "close %#lx", uval(w)), "1 0");
    CHECK_FAILS(ReadFile(mine, buf, sizeof buf, &n, NULL), ERROR_BROKEN_PIPE);
    CloseHandle(mine);

    /* Unknown values there. */
    CHECK_FAILS(DuplicateHandle(c.pi.hProcess, (HANDLE)(uintptr_t)0x1234,
                                GetCurrentProcess(), &mine, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_INVALID_HANDLE);
    CHECK(mine == NULL);
    CHECK_FAILS(DuplicateHandle(c.pi.hProcess, NULL, GetCurrentProcess(), &mine,
                                0, FALSE, DUPLICATE_SAME_ACCESS),
                ERROR_INVALID_HANDLE);
    child_stop(&c);
}

/* Child to parent, pushed by the child with a handle to its parent. */
static void test_child_pushes_to_parent(void)
{
    struct child c;
    HANDLE me, v, got;
    const char *a;

    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             GetCurrentProcess(), &me, PROCESS_DUP_HANDLE, TRUE,
                             0));
    CHECK_OK(child_start(&c, "server", TRUE));
    CloseHandle(me); /* the child has its own */
    v = ask_handle(&c, "makeevent");
    a = ask(&c, "dupto %#lx %#lx 0", uval(me), uval(v));
    CHECK(strncmp(a, "1 0 ", 4) == 0);
    got = hval(strrchr(a, ' ') + 1);
    CHECK_OK(SetEvent(got));
    CHECK_STR(ask(&c, "wait %#lx 0", uval(v)), "0");
    CloseHandle(got);
    /* With DUPLICATE_CLOSE_SOURCE: gone in the child. */
    a = ask(&c, "dupto %#lx %#lx %u", uval(me), uval(v),
            DUPLICATE_CLOSE_SOURCE);
    CHECK(strncmp(a, "1 0 ", 4) == 0);
    got = hval(strrchr(a, ' ') + 1);
    CHECK_STR(ask(&c, "info %#lx", uval(v)), "0 6 99");
    CHECK_EQ(WaitForSingleObject(got, 0), WAIT_OBJECT_0);
    CloseHandle(got);
    child_stop(&c);
}

/* Source and target the same other process: the same object, there. */
static void test_within_child(void)
{
    struct child c;
    HANDLE v, v2 = NULL, t = NULL;

    CHECK_OK(child_start(&c, "server", FALSE));
    v = ask_handle(&c, "makeevent");
    CHECK_OK(DuplicateHandle(c.pi.hProcess, v, c.pi.hProcess, &v2, 0, TRUE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK(v2 != NULL);
    CHECK_STR(ask(&c, "info %#lx", uval(v)), "0 6 99");
    CHECK_STR(ask(&c, "info %#lx", uval(v2)), "1 0 1");
    CHECK_STR(ask(&c, "set %#lx", uval(v2)), "1 0");
    /* Its own process, from its pseudo handle, kept there. */
    CHECK_OK(DuplicateHandle(c.pi.hProcess, GetCurrentProcess(), c.pi.hProcess,
                             &t, 0, FALSE, DUPLICATE_SAME_ACCESS));
    {
        char want[32];
        snprintf(want, sizeof want, "%lu", (unsigned long)c.pi.dwProcessId);
        CHECK_STR(ask(&c, "pid %#lx", uval(t)), want);
    }
    child_stop(&c);
}

/* Pseudo handles with another process as the source. */
static void test_pseudo_sources(void)
{
    struct child c;
    HANDLE h = NULL;

    CHECK_OK(child_start(&c, "server", FALSE));
    CHECK_OK(DuplicateHandle(c.pi.hProcess, GetCurrentProcess(),
                             GetCurrentProcess(), &h, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK_EQ(GetProcessId(h), c.pi.dwProcessId);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CloseHandle(h);
    /* GetCurrentThread() is resolved against the caller. */
    CHECK_OK(DuplicateHandle(c.pi.hProcess, GetCurrentThread(),
                             GetCurrentProcess(), &h, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK_EQ(GetThreadId(h), GetCurrentThreadId());
    CloseHandle(h);
    child_stop(&c);
}

/* Two children: through the parent, and directly from one to the other
 * with a process handle the parent gave it. */
static void test_between_children(void)
{
    struct child a, b;
    HANDLE va, vb = NULL, pb = NULL, vb2;
    const char *r;

    CHECK_OK(child_start(&a, "server", FALSE));
    CHECK_OK(child_start(&b, "server", FALSE));
    va = ask_handle(&a, "makeevent");
    CHECK_OK(DuplicateHandle(a.pi.hProcess, va, b.pi.hProcess, &vb, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK(vb != NULL);
    CHECK_STR(ask(&b, "set %#lx", uval(vb)), "1 0");
    CHECK_STR(ask(&a, "wait %#lx 0", uval(va)), "0");

    /* A process handle crosses too: a gets one to b and pushes itself. */
    CHECK_OK(DuplicateHandle(
        GetCurrentProcess(), b.pi.hProcess, a.pi.hProcess, &pb,
        PROCESS_DUP_HANDLE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, 0));
    {
        char want[32];
        snprintf(want, sizeof want, "%lu", (unsigned long)b.pi.dwProcessId);
        CHECK_STR(ask(&a, "pid %#lx", uval(pb)), want);
    }
    r = ask(&a, "dupto %#lx %#lx %u", uval(pb), uval(va),
            DUPLICATE_CLOSE_SOURCE);
    CHECK(strncmp(r, "1 0 ", 4) == 0);
    vb2 = hval(strrchr(r, ' ') + 1);
    CHECK_STR(ask(&a, "info %#lx", uval(va)), "0 6 99");
    CHECK_STR(ask(&b, "wait %#lx 0", uval(vb2)), "0");
    child_stop(&a);
    child_stop(&b);
}

/* The seeds' scenario: a child waits for its parent to end, with a handle
 * the parent duplicated into it (here: into its running child). */
static void test_seed_waits_for_parent(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE r, w;
    char cmd[8192], buf[128];
    DWORD total = 0, n, code = 0;

    CHECK_OK(CreatePipe(&r, &w, &sa, 0));
    SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = w;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper middle", self_exe);
    CHECK_OK(
        CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi));
    CloseHandle(w);
    while (total < sizeof buf - 1 &&
           ReadFile(r, buf + total, sizeof buf - 1 - total, &n, NULL))
        total += n;
    buf[total] = '\0';
    /* Not signalled while the middle ran (WAIT_TIMEOUT), signalled once it
     * ended (WAIT_OBJECT_0). */
    CHECK_STR(buf, "before 258 waited 0\n");
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 0);
    CloseHandle(r);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}

static void test_errors(void)
{
    struct child c;
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL), h = NULL, lim, v;
    HANDLE ev2;

    CHECK_OK(child_start(&c, "server", FALSE));
    /* Threads do not cross processes in winipc. */
    CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(),
                                c.pi.hProcess, &h, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_NOT_SUPPORTED);
    CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), c.pi.hThread,
                                c.pi.hProcess, &h, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_NOT_SUPPORTED);
    CHECK(h == NULL);
    /* A process handle without PROCESS_DUP_HANDLE. */
    lim = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_INFORMATION, FALSE,
                      c.pi.dwProcessId);
    CHECK(lim != NULL);
    v = ask_handle(&c, "makeevent");
    CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), ev, lim, &h, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_ACCESS_DENIED);
    CHECK_FAILS(DuplicateHandle(lim, v, GetCurrentProcess(), &h, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_ACCESS_DENIED);
    /* An event is no process. */
    CHECK_FAILS(DuplicateHandle(c.pi.hProcess, v, ev, &h, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_INVALID_HANDLE);
    /* NULL target without DUPLICATE_CLOSE_SOURCE (as in one process). */
    CHECK_FAILS(DuplicateHandle(c.pi.hProcess, v, NULL, &h, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_INVALID_HANDLE);
    CHECK_STR(ask(&c, "info %#lx", uval(v)), "1 0 0");

    child_stop(&c);
    CloseHandle(lim);

    /* After a child has ended: its handle table is gone. */
    CloseHandle(ev);
    CHECK_OK(child_start(&c, "server", FALSE));
    v = ask_handle(&c, "makeevent");
    {
        DWORD n;
        WriteFile(c.in, "exit\n", 5, &n, NULL);
    }
    CHECK_EQ(WaitForSingleObject(c.pi.hProcess, 30000), WAIT_OBJECT_0);
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), ev, c.pi.hProcess, &h, 0,
                                FALSE, DUPLICATE_SAME_ACCESS),
                ERROR_ACCESS_DENIED);
    CHECK_FAILS(DuplicateHandle(c.pi.hProcess, v, GetCurrentProcess(), &h, 0,
                                FALSE, DUPLICATE_SAME_ACCESS),
                ERROR_ACCESS_DENIED);
    CHECK_FAILS(DuplicateHandle(c.pi.hProcess, GetCurrentProcess(),
                                GetCurrentProcess(), &h, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_ACCESS_DENIED);
    CHECK_FAILS(DuplicateHandle(c.pi.hProcess, v, NULL, NULL, 0, FALSE,
                                DUPLICATE_CLOSE_SOURCE),
                ERROR_ACCESS_DENIED);
    /* The source is closed even so. */
    ev2 = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), ev2, c.pi.hProcess, &h, 0,
                                FALSE,
                                DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE),
                ERROR_ACCESS_DENIED);
    CHECK_FAILS(CloseHandle(ev2), ERROR_INVALID_HANDLE);
    CHECK(h == NULL);
    CloseHandle(ev);
    CloseHandle(c.in);
    CloseHandle(c.out);
    CloseHandle(c.pi.hProcess);
    CloseHandle(c.pi.hThread);
}

/* A child that does not use winipc has no handle service. */
static void test_not_winipc(void)
{
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL), h = NULL;
    char cmd[] = "/bin/sleep 30";

    CHECK_OK(
        CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    /* Young processes are given a few seconds to start their service. */
    CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), ev, pi.hProcess, &h, 0,
                                FALSE, DUPLICATE_SAME_ACCESS),
                ERROR_NOT_SUPPORTED);
    CHECK_FAILS(DuplicateHandle(pi.hProcess, (HANDLE)(uintptr_t)4,
                                GetCurrentProcess(), &h, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_NOT_SUPPORTED);
    TerminateProcess(pi.hProcess, 1);
    WaitForSingleObject(pi.hProcess, 30000);
    CloseHandle(ev);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}

/* The service's LIST, as `winipc handles PID` uses it. */
static void test_list(void)
{
    struct child c;
    struct wipc_remote_handle *list = NULL;
    HANDLE v, mine;
    size_t n = 0, i;
    int found = 0;

    CHECK_OK(child_start(&c, "server", FALSE));
    v = ask_handle(&c, "makeevent");
    CHECK_EQ(wipc_service_list(c.pi.dwProcessId, &list, &n), 0);
    for (i = 0; i < n; i++)
        if (list[i].value == v) {
            found++;
            CHECK_STR(list[i].type, "Event");
            CHECK_STR(list[i].tag, "event.1");
            CHECK_EQ(list[i].access, EVENT_ALL_ACCESS);
            CHECK_EQ(list[i].flags, 0);
        }
    CHECK_EQ(found, 1);
    free(list);
    /* Our own table, directly. */
    mine = CreateEventA(NULL, FALSE, FALSE, NULL);
    SetHandleInformation(mine, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    CHECK_EQ(wipc_service_list(GetCurrentProcessId(), &list, &n), 0);
    found = 0;
    for (i = 0; i < n; i++)
        if (list[i].value == mine) {
            found++;
            CHECK_STR(list[i].tag, "event.0");
            CHECK_EQ(list[i].flags, HANDLE_FLAG_INHERIT);
        }
    CHECK_EQ(found, 1);
    free(list);
    CloseHandle(mine);
    child_stop(&c);
    CHECK_EQ(wipc_service_list(c.pi.dwProcessId, &list, &n),
             ERROR_INVALID_PARAMETER);
}

/* The child's descriptor count.  Its service closes a connection just
 * after answering, so one may still be open for a moment: the least of a
 * few looks. */
static int child_fds(struct child *c)
{
    int least = -1;
    for (int i = 0; i < 5; i++) {
        int n = atoi(ask(c, "fds"));
        if (least < 0 || n < least)
            least = n;
        Sleep(20);
    }
    return least;
}

/* Many duplications both ways leave no descriptor behind on either side. */
static void test_no_fd_leaks(void)
{
    struct child c;
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL), h, v, got;
    int before, child_before, i;

    CHECK_OK(child_start(&c, "server", FALSE));
    v = ask_handle(&c, "makeevent");
    /* Once, so that every lazily made descriptor exists. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, c.pi.hProcess, &h, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    ask(&c, "close %#lx", uval(h));
    /* (The child's own process object, with its pidfd, lives on.) */
    CHECK_OK(DuplicateHandle(c.pi.hProcess, GetCurrentProcess(),
                             GetCurrentProcess(), &got, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CloseHandle(got);
    before = count_fds();
    child_before = child_fds(&c);
    for (i = 0; i < 50; i++) {
        CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, c.pi.hProcess, &h, 0,
                                 FALSE, DUPLICATE_SAME_ACCESS));
        CHECK_OK(DuplicateHandle(c.pi.hProcess, h, NULL, NULL, 0, FALSE,
                                 DUPLICATE_CLOSE_SOURCE));
        CHECK_OK(DuplicateHandle(c.pi.hProcess, v, GetCurrentProcess(), &got, 0,
                                 FALSE, DUPLICATE_SAME_ACCESS));
        CHECK_OK(CloseHandle(got));
        CHECK_OK(DuplicateHandle(c.pi.hProcess, GetCurrentProcess(),
                                 GetCurrentProcess(), &got, 0, FALSE,
                                 DUPLICATE_SAME_ACCESS));
        CHECK_OK(CloseHandle(got));
        /* Failures too. */
        CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(),
                                    c.pi.hProcess, &got, 0, FALSE,
                                    DUPLICATE_SAME_ACCESS),
                    ERROR_NOT_SUPPORTED);
        CHECK_FAILS(DuplicateHandle(c.pi.hProcess, (HANDLE)(uintptr_t)0x4444,
                                    GetCurrentProcess(), &got, 0, FALSE,
                                    DUPLICATE_SAME_ACCESS),
                    ERROR_INVALID_HANDLE);
    }
    CHECK_EQ(count_fds(), before);
    CHECK_EQ(child_fds(&c), child_before);
    CloseHandle(ev);
    child_stop(&c);
}

/* ---- Into a child started with CREATE_SUSPENDED ----------------------------
 */

/* Duplicated into a suspended winipc child: present at its values once it
 * runs, with their access and flags; the child's handles (inherited or
 * duplicated in) can be taken out, copied within it and closed there. */
static void test_suspended_basic(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    struct child c;
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE inh = CreateEventA(&sa, TRUE, FALSE, NULL); /* inherited */
    HANDLE h1 = NULL, h2 = NULL, h3 = NULL, hp = NULL, got = NULL, r, w;
    HANDLE hself = NULL;
    char buf[16], want[32];
    DWORD n;

    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    CHECK_OK(child_start_flags(&c, "server", TRUE, CREATE_SUSPENDED));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, c.pi.hProcess, &h1, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, c.pi.hProcess, &h2,
                             SYNCHRONIZE, TRUE, 0));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), w, c.pi.hProcess, &h3, 0,
                             FALSE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_FAILS(CloseHandle(w), ERROR_INVALID_HANDLE);
    CHECK_OK(DuplicateHandle(
        GetCurrentProcess(), GetCurrentProcess(), c.pi.hProcess, &hp,
        SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, 0));
    /* A handle to the child itself. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), c.pi.hProcess, c.pi.hProcess,
                             &hself, 0, FALSE, DUPLICATE_SAME_ACCESS));
    /* Values: distinct, not inherited ones, table-shaped. */
    CHECK(h1 && h2 && h3 && hp);
    CHECK(h1 != h2 && h1 != h3 && h2 != h3 && hp != h1 && hp != h2 && hp != h3);
    CHECK(h1 != inh && h2 != inh && h3 != inh && hp != inh);
    CHECK(((uintptr_t)h1 & 3) == 0 && ((uintptr_t)hp & 3) == 0);
    /* Threads still do not cross. */
    CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(),
                                c.pi.hProcess, &got, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_NOT_SUPPORTED);
    /* Taken back out: the same event. */
    CHECK_OK(DuplicateHandle(c.pi.hProcess, h1, GetCurrentProcess(), &got, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(SetEvent(got));
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    CHECK_OK(ResetEvent(ev));
    CloseHandle(got);
    /* The inherited one, fetched from the waiting child. */
    CHECK_OK(DuplicateHandle(c.pi.hProcess, inh, GetCurrentProcess(), &got, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(SetEvent(got));
    CHECK_EQ(WaitForSingleObject(inh, 0), WAIT_OBJECT_0);
    CloseHandle(got);
    /* Its own process, by its pseudo handle. */
    CHECK_OK(DuplicateHandle(c.pi.hProcess, GetCurrentProcess(),
                             GetCurrentProcess(), &got, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK_EQ(GetProcessId(got), c.pi.dwProcessId);
    CloseHandle(got);
    /* Unknown values there. */
    CHECK_FAILS(DuplicateHandle(c.pi.hProcess, (HANDLE)(uintptr_t)0x7770,
                                GetCurrentProcess(), &got, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_INVALID_HANDLE);
    CHECK(got == NULL);

    CHECK_EQ(WaitForSingleObject(c.pi.hProcess, 50), WAIT_TIMEOUT);
    CHECK_EQ(ResumeThread(c.pi.hThread), 1);
    CHECK_EQ(ResumeThread(c.pi.hThread), 0);
    CHECK_STR(ask(&c, "set %#lx", uval(h1)), "1 0");
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    CHECK_STR(ask(&c, "info %#lx", uval(h1)), "1 0 0");
    CHECK_STR(ask(&c, "set %#lx", uval(h2)), "0 5");
    CHECK_STR(ask(&c, "info %#lx", uval(h2)), "1 0 1");
    CHECK_STR(ask(&c, "info %#lx", uval(inh)), "1 0 1");
    CHECK_STR(ask(&c, "write %#lx hello", uval(h3)), "1 5");
    CHECK_OK(ReadFile(r, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 5);
    snprintf(want, sizeof want, "%lu", (unsigned long)GetCurrentProcessId());
    CHECK_STR(ask(&c, "pid %#lx", uval(hp)), want);
    CHECK_STR(ask(&c, "wait %#lx 0", uval(hp)), "258");
    snprintf(want, sizeof want, "%lu", (unsigned long)c.pi.dwProcessId);
    CHECK_STR(ask(&c, "pid %#lx", uval(hself)), want);
    CHECK_STR(ask(&c, "wait %#lx 0", uval(hself)), "258");
    /* The write end's only copy is the child's. */
    CHECK_STR(ask(&c, "close %#lx", uval(h3)), "1 0");
    CHECK_FAILS(ReadFile(r, buf, sizeof buf, &n, NULL), ERROR_BROKEN_PIPE);
    /* Running now: duplication goes through its service. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, c.pi.hProcess, &h1, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_STR(ask(&c, "info %#lx", uval(h1)), "1 0 0");
    child_stop(&c);
    CloseHandle(r);
    CloseHandle(ev);
    CloseHandle(inh);
}

/* DUPLICATE_CLOSE_SOURCE in a suspended child: of inherited handles and of
 * handles duplicated in, with a NULL target, into this process, within the
 * child; the values are gone there once it runs. */
static void test_suspended_close_source(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    struct child c;
    HANDLE inh1 = CreateEventA(&sa, TRUE, FALSE, NULL);
    HANDLE inh2 = CreateEventA(&sa, TRUE, FALSE, NULL);
    HANDLE me = NULL, ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE a = NULL, b = NULL, b2 = NULL, d = NULL, got = NULL, r, w;
    char buf[8];
    DWORD n;

    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    /* A process handle among the inherited ones: its exit record goes
     * along as a second descriptor, closed with it. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             GetCurrentProcess(), &me, SYNCHRONIZE, TRUE, 0));
    CHECK_OK(child_start_flags(&c, "server", TRUE, CREATE_SUSPENDED));
    CloseHandle(me); /* the child's stays */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, c.pi.hProcess, &a, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, c.pi.hProcess, &b, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), w, c.pi.hProcess, &d, 0,
                             FALSE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    /* Within the child: the copy never takes the source's value. */
    CHECK_OK(DuplicateHandle(c.pi.hProcess, b, c.pi.hProcess, &b2, 0, TRUE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK(b2 != NULL && b2 != b);
    CHECK_FAILS(DuplicateHandle(c.pi.hProcess, b, NULL, NULL, 0, FALSE,
                                DUPLICATE_CLOSE_SOURCE),
                ERROR_INVALID_HANDLE);
    /* NULL target: closed there. */
    CHECK_OK(DuplicateHandle(c.pi.hProcess, a, NULL, NULL, 0, FALSE,
                             DUPLICATE_CLOSE_SOURCE));
    CHECK_FAILS(DuplicateHandle(c.pi.hProcess, a, NULL, NULL, 0, FALSE,
                                DUPLICATE_CLOSE_SOURCE),
                ERROR_INVALID_HANDLE);
    CHECK_OK(DuplicateHandle(c.pi.hProcess, inh1, NULL, NULL, 0, FALSE,
                             DUPLICATE_CLOSE_SOURCE));
    CHECK_OK(DuplicateHandle(c.pi.hProcess, me, NULL, NULL, 0, FALSE,
                             DUPLICATE_CLOSE_SOURCE));
    CHECK_OK(DuplicateHandle(c.pi.hProcess, GetCurrentProcess(), NULL, NULL, 0,
                             FALSE, DUPLICATE_CLOSE_SOURCE));
    /* The pipe's write end leaves the child (whose copy is its only one):
     * the pipe breaks. */
    CHECK_OK(DuplicateHandle(c.pi.hProcess, d, NULL, NULL, 0, FALSE,
                             DUPLICATE_CLOSE_SOURCE));
    CHECK_FAILS(ReadFile(r, buf, sizeof buf, &n, NULL), ERROR_BROKEN_PIPE);
    /* Into this process, closing there. */
    CHECK_OK(DuplicateHandle(c.pi.hProcess, inh2, GetCurrentProcess(), &got, 0,
                             FALSE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_OK(SetEvent(got));
    CHECK_EQ(WaitForSingleObject(inh2, 0), WAIT_OBJECT_0);
    CloseHandle(got);
    CHECK_FAILS(DuplicateHandle(c.pi.hProcess, inh2, GetCurrentProcess(), &got,
                                0, FALSE, DUPLICATE_SAME_ACCESS),
                ERROR_INVALID_HANDLE);
    /* Not found: nothing is closed. */
    CHECK_FAILS(DuplicateHandle(c.pi.hProcess, (HANDLE)(uintptr_t)0x7770,
                                c.pi.hProcess, &got, 0, FALSE,
                                DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE),
                ERROR_INVALID_HANDLE);

    CHECK_EQ(ResumeThread(c.pi.hThread), 1);
    CHECK_STR(ask(&c, "info %#lx", uval(a)), "0 6 99");
    CHECK_STR(ask(&c, "info %#lx", uval(b)), "0 6 99");
    CHECK_STR(ask(&c, "info %#lx", uval(d)), "0 6 99");
    CHECK_STR(ask(&c, "info %#lx", uval(inh1)), "0 6 99");
    CHECK_STR(ask(&c, "info %#lx", uval(inh2)), "0 6 99");
    CHECK_STR(ask(&c, "info %#lx", uval(me)), "0 6 99");
    CHECK_STR(ask(&c, "info %#lx", uval(b2)), "1 0 1");
    CHECK_OK(ResetEvent(ev));
    CHECK_STR(ask(&c, "set %#lx", uval(b2)), "1 0");
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    child_stop(&c);
    CloseHandle(r);
    CloseHandle(ev);
    CloseHandle(inh1);
    CloseHandle(inh2);
}

/* Many handles (more than one batch of descriptors), process handles with
 * their exit records among them. */
static void test_suspended_many(void)
{
    enum { N = 150 };
    struct child c;
    HANDLE ev[N], v[N], procs[4];
    int i, k, ok = 1;

    CHECK_OK(child_start_flags(&c, "server", TRUE, CREATE_SUSPENDED));
    for (i = 0; i < N; i++) {
        ev[i] = CreateEventA(NULL, TRUE, FALSE, NULL);
        v[i] = NULL;
        if (!DuplicateHandle(GetCurrentProcess(), ev[i], c.pi.hProcess, &v[i],
                             0, FALSE, DUPLICATE_SAME_ACCESS))
            ok = 0;
        if (i % 40 == 0 &&
            !DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             c.pi.hProcess, &procs[i / 40], SYNCHRONIZE, FALSE,
                             0))
            ok = 0;
    }
    CHECK(ok);
    for (i = 0; i < N; i++)
        for (k = i + 1; k < N; k++)
            if (v[i] == v[k])
                ok = 0;
    CHECK(ok); /* distinct */
    CHECK_EQ(ResumeThread(c.pi.hThread), 1);
    for (i = 0; i < N; i++)
        if (strcmp(ask(&c, "set %#lx", uval(v[i])), "1 0") != 0 ||
            WaitForSingleObject(ev[i], 0) != WAIT_OBJECT_0)
            ok = 0;
    CHECK(ok);
    for (i = 0; i < 4; i++)
        CHECK_STR(ask(&c, "wait %#lx 0", uval(procs[i])), "258");
    child_stop(&c);
    for (i = 0; i < N; i++)
        CloseHandle(ev[i]);
}

/*
 * A program that does not use winipc, started suspended: it gets the
 * descriptors of the handles duplicated into it as it gets inherited ones,
 * listed in WINIPC_HANDLES, and no other descriptor.
 */
static void test_suspended_not_winipc(void)
{
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE in_r, in_w, out_r, out_w, r, w,
        ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE hw = NULL, he = NULL, hp = NULL;
    static const char script[] =
        "read v\n"
        "fd=$(echo \"$WINIPC_HANDLES\" | tr ';' '\\n' |\n"
        "    while IFS=: read -r value fd rest; do\n"
        "        [ -n \"$value\" ] && [ $((value)) -eq $((v)) ] && echo $fd\n"
        "    done)\n"
        "echo hello >&$fd\n"
        "echo $(ls /proc/self/fd)\n"
        "echo \"$WINIPC_HANDLES\" | tr ';' '\\n' | wc -l\n";
    const char *path = test_tmp_path("suspended.sh");
    char cmd[512], line[64], out[512];
    FILE *f = fopen(path, "w");
    DWORD n, total = 0;

    CHECK(f != NULL);
    if (!f)
        return;
    fputs(script, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "/bin/sh %s", path);
    CHECK_OK(CreatePipe(&in_r, &in_w, NULL, 0));
    CHECK_OK(CreatePipe(&out_r, &out_w, NULL, 0));
    CHECK_OK(CreatePipe(&r, &w, NULL, 0));
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_r;
    si.hStdOutput = out_w;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_SUSPENDED,
                            NULL, NULL, &si, &pi));
    CloseHandle(in_r);
    CloseHandle(out_w);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, pi.hProcess, &he, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), w, pi.hProcess, &hw, 0, FALSE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             pi.hProcess, &hp, SYNCHRONIZE, FALSE, 0));
    /* One of them closed again before it starts: not there. */
    CHECK_OK(DuplicateHandle(pi.hProcess, he, NULL, NULL, 0, FALSE,
                             DUPLICATE_CLOSE_SOURCE));
    snprintf(line, sizeof line, "%lu\n", uval(hw));
    CHECK_OK(WriteFile(in_w, line, (DWORD)strlen(line), &n, NULL));
    CHECK_EQ(ResumeThread(pi.hThread), 1);
    CHECK_OK(ReadFile(r, line, sizeof line, &n, NULL));
    CHECK_EQ(n, 6);
    CHECK_MEM(line, "hello\n", 6);
    while (total < sizeof out - 1 &&
           ReadFile(out_r, out + total, sizeof out - 1 - total, &n, NULL) &&
           n > 0)
        total += n;
    out[total] = '\0';
    /* What ls, started by the script, has: 0-2, the write end at 3, the
     * process handle at 4 and its exit record at 5, and the directory ls
     * reads; two entries in WINIPC_HANDLES. */
    CHECK_STR(out, "0 1 2 3 4 5 6\n2\n");
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_FAILS(ReadFile(r, line, sizeof line, &n, NULL), ERROR_BROKEN_PIPE);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(in_w);
    CloseHandle(out_r);
    CloseHandle(r);
    CloseHandle(ev);
    unlink(path);
}

/* TerminateProcess of a suspended child: what was held for it is let go
 * at once (its pipe breaks), and no descriptor stays behind here. */
static void test_suspended_terminate(void)
{
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL), r, w, h = NULL;
    char cmd[8192], buf[8];
    DWORD n, code = 0;
    int before, i, round;

    snprintf(cmd, sizeof cmd, "\"%s\" --helper server", self_exe);
    /* Round 1 starts the reaper (with a descriptor of its own) for the
     * child whose handles it closes: the count is checked in rounds 0
     * and 2. */
    for (round = 0; round < 3; round++) {
        before = count_fds();
        CHECK_OK(CreatePipe(&r, &w, NULL, 0));
        CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_SUSPENDED,
                                NULL, NULL, &si, &pi));
        for (i = 0; i < 40; i++) {
            CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, pi.hProcess, &h,
                                     0, FALSE, DUPLICATE_SAME_ACCESS));
            CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                                     pi.hProcess, &h, SYNCHRONIZE, FALSE, 0));
        }
        CHECK_OK(
            DuplicateHandle(GetCurrentProcess(), w, pi.hProcess, &h, 0, FALSE,
                            DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
        CHECK(count_fds() > before);
        if (round == 0) {
            CHECK_OK(TerminateProcess(pi.hProcess, 42));
            CHECK_FAILS(ReadFile(r, buf, sizeof buf, &n, NULL),
                        ERROR_BROKEN_PIPE);
            CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
            CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
            CHECK_EQ(code, 42);
            CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), ev, pi.hProcess,
                                        &h, 0, FALSE, DUPLICATE_SAME_ACCESS),
                        ERROR_ACCESS_DENIED);
            CHECK_FAILS(DuplicateHandle(pi.hProcess, h, GetCurrentProcess(), &h,
                                        0, FALSE, DUPLICATE_SAME_ACCESS),
                        ERROR_ACCESS_DENIED);
            /* As Wine answers: the count the thread was left with. */
            CHECK_EQ(ResumeThread(pi.hThread), 1);
            CloseHandle(pi.hProcess);
            CloseHandle(pi.hThread);
        } else {
            /* Its last handles closed without a resume: it stays suspended
             * (as on Windows) but nothing is held for it here. */
            DWORD pid = pi.dwProcessId;
            CloseHandle(pi.hProcess);
            CloseHandle(pi.hThread);
            CHECK_FAILS(ReadFile(r, buf, sizeof buf, &n, NULL),
                        ERROR_BROKEN_PIPE);
            CHECK_EQ(kill((pid_t)pid, 0), 0);
            kill((pid_t)pid, SIGKILL); /* the reaper reaps it */
        }
        CloseHandle(r);
        /* (The reaper closes the pidfd of a child it reaps.) */
        for (i = 0; i < 100 && count_fds() != before; i++)
            Sleep(20);
        if (round != 1)
            CHECK_EQ(count_fds(), before);
    }
    CloseHandle(ev);
}

/* Killed by someone else while suspended: its table answers as a process
 * that has ended. */
static void test_suspended_killed(void)
{
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL), h = NULL;
    char cmd[8192];

    snprintf(cmd, sizeof cmd, "\"%s\" --helper server", self_exe);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_SUSPENDED,
                            NULL, NULL, &si, &pi));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, pi.hProcess, &h, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    kill((pid_t)pi.dwProcessId, SIGKILL);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_FAILS(DuplicateHandle(GetCurrentProcess(), ev, pi.hProcess, &h, 0,
                                FALSE, DUPLICATE_SAME_ACCESS),
                ERROR_ACCESS_DENIED);
    CHECK_FAILS(DuplicateHandle(pi.hProcess, (HANDLE)(uintptr_t)4,
                                GetCurrentProcess(), &h, 0, FALSE,
                                DUPLICATE_SAME_ACCESS),
                ERROR_ACCESS_DENIED);
    CHECK_EQ(ResumeThread(pi.hThread), 1); /* nothing to let go */
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(ev);
}

/* Another process than the parent cannot reach the suspended child's table:
 * it is told so at once (ERROR_NOT_SUPPORTED), and succeeds once the child
 * runs. */
static void test_suspended_third_process(void)
{
    struct child a, s;
    struct wipc_remote_handle *list = NULL;
    HANDLE ps = NULL, va;
    const char *r;
    size_t n = 0;
    struct timespec t0, t1;

    CHECK_OK(child_start(&a, "server", FALSE));
    CHECK_OK(child_start_flags(&s, "server", FALSE, CREATE_SUSPENDED));
    va = ask_handle(&a, "makeevent");
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), s.pi.hProcess, a.pi.hProcess,
                             &ps, PROCESS_DUP_HANDLE, FALSE, 0));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = ask(&a, "dupto %#lx %#lx 0", uval(ps), uval(va));
    CHECK_STR(r, "0 50 0");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(t1.tv_sec - t0.tv_sec < 2); /* not the 5 s grace of young ones */
    CHECK_EQ(wipc_service_list(s.pi.dwProcessId, &list, &n),
             ERROR_NOT_SUPPORTED);
    CHECK_EQ(ResumeThread(s.pi.hThread), 1);
    r = ask(&a, "dupto %#lx %#lx 0", uval(ps), uval(va));
    CHECK(strncmp(r, "1 0 ", 4) == 0);
    CHECK_STR(ask(&s, "set %#lx", uval(hval(strrchr(r, ' ') + 1))), "1 0");
    CHECK_STR(ask(&a, "wait %#lx 0", uval(va)), "0");
    child_stop(&a);
    child_stop(&s);
}

/* A child kept suspended longer than the start-up grace of young processes,
 * then resumed: a duplication into it at once still waits for its service
 * (the late server has no handle for a while). */
static void test_suspended_long(void)
{
    struct child c;
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL), h = NULL;

    CHECK_OK(child_start_flags(&c, "late_server", FALSE, CREATE_SUSPENDED));
    Sleep(5300); /* the time under test: past the start-up grace */
    CHECK_EQ(ResumeThread(c.pi.hThread), 1);
    h = dup_into_late_server(&c, ev);
    CHECK_STR(ask(&c, "set %#lx", uval(h)), "1 0");
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    CloseHandle(ev);
    child_stop(&c);
}

int main(int argc, char **argv)
{
    {
        ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
        self_exe[n > 0 ? n : 0] = '\0';
    }
    TEST_HELPERS(argc, argv, {"server", helper_server},
                 {"late_server", helper_late_server}, {"waiter", helper_waiter},
                 {"middle", helper_middle});
    RUN(test_into_child);
    RUN(test_into_young_child);
    RUN(test_from_child);
    RUN(test_child_pushes_to_parent);
    RUN(test_within_child);
    RUN(test_pseudo_sources);
    RUN(test_between_children);
    RUN(test_seed_waits_for_parent);
    RUN(test_errors);
    RUN(test_not_winipc);
    RUN(test_list);
    RUN(test_no_fd_leaks);
    RUN(test_suspended_basic);
    RUN(test_suspended_close_source);
    RUN(test_suspended_many);
    RUN(test_suspended_not_winipc);
    RUN(test_suspended_terminate);
    RUN(test_suspended_killed);
    RUN(test_suspended_third_process);
    RUN(test_suspended_long);
    return TEST_SUMMARY();
}
