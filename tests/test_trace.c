/*
 * test_trace.c: the trace switch (WINIPC_TRACE, WINIPC_TRACE_FILE; README,
 * "Porting a Windows program").  A helper makes a known series of calls;
 * the test runs it with the switch set in different ways and reads the
 * lines it wrote: function, arguments, result, last error; areas; the
 * file; nothing at all when the switch is unset.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "testlib.h"

#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;

/* ---- The helper: the calls whose lines the tests read -------------------- */

#define THREADS 4
#define SETS 200

static HANDLE start_event, thread_event;

static DWORD WINAPI setter(LPVOID arg)
{
    (void)arg;
    WaitForSingleObject(start_event, INFINITE);
    for (int i = 0; i < SETS; i++)
        SetEvent(thread_event);
    return 0;
}

static void WINAPI apc_routine(ULONG_PTR data)
{
    ResetEvent((HANDLE)data); /* the program's call, inside SleepEx */
}

static int helper_calls(int argc, char **argv)
{
    char name[64], buf[16];
    WCHAR wname[64];
    HANDLE ev, server, client, threads[THREADS];
    DWORD n;
    (void)argc;

    snprintf(name, sizeof name, "trace-ev-%s", argv[0]);
    ev = CreateEventA(NULL, TRUE, FALSE, name);
    SetEvent(ev);
    WaitForSingleObject(ev, 0);
    CloseHandle((HANDLE)(uintptr_t)0x1234); /* not a handle: error 6 */
    CreateFileA("/nonexistent-trace/x", GENERIC_READ, 0, NULL, OPEN_EXISTING,
                FILE_ATTRIBUTE_NORMAL, NULL); /* error 3 */
    SetLastError(0); /* not traced; a success leaves the last error alone */
    SetEnvironmentVariableA("TRACE_VAR", "a\"b\\c\n\x01");

    /* A W name with a non-ASCII letter and a lone surrogate; the client
     * end by CreateFileW (whose CreateFileA inside is not the program's). */
    MultiByteToWideChar(CP_UTF8, 0, "\\\\.\\pipe\\trace-\xc3\xa9-", -1, wname,
                        64);
    n = (DWORD)lstrlenW(wname);
    wname[n] = (WCHAR)0xD800;
    for (size_t i = 0; i < strlen(argv[0]); i++)
        wname[n + 1 + i] = (WCHAR)argv[0][i];
    wname[n + 1 + strlen(argv[0])] = 0;
    server = CreateNamedPipeW(wname, PIPE_ACCESS_DUPLEX,
                              PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1, 512,
                              512, 0, NULL);
    client = CreateFileW(wname, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                         OPEN_EXISTING, 0, NULL);
    WriteFile(client, "hello", 5, &n, NULL);
    ReadFile(server, buf, sizeof buf, &n, NULL);
    CloseHandle(client);
    CloseHandle(server);

    /* An APC: its ResetEvent is traced, inside SleepEx. */
    QueueUserAPC(apc_routine, GetCurrentThread(), (ULONG_PTR)ev);
    SleepEx(0, TRUE);
    GetStdHandle(STD_OUTPUT_HANDLE);

    /* Threads that call at once: whole lines each. */
    start_event = CreateEventA(NULL, TRUE, FALSE, NULL);
    thread_event = CreateEventA(NULL, FALSE, FALSE, NULL);
    for (int i = 0; i < THREADS; i++)
        threads[i] = CreateThread(NULL, 0, setter, NULL, 0, NULL);
    SetEvent(start_event);
    WaitForMultipleObjects(THREADS, threads, TRUE, INFINITE);
    ExitProcess(7);
}

/* The descriptor the trace writes to: close-on-exec and appending.  Prints
 * "fd cloexec=C append=A" for the one open on path argv[0]. */
static int helper_fdcheck(int argc, char **argv)
{
    char link[64], target[4096];
    (void)argc;
    for (int fd = 3; fd < 1024; fd++) {
        ssize_t len;
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        len = readlink(link, target, sizeof target - 1);
        if (len <= 0)
            continue;
        target[len] = 0;
        if (strcmp(target, argv[0]) == 0)
            printf("fd cloexec=%d append=%d\n",
                   (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0,
                   (fcntl(fd, F_GETFL) & O_APPEND) != 0);
    }
    return 0;
}

/* ---- Running it ------------------------------------------------------------
 */

/* Runs the helper with trace (WINIPC_TRACE; NULL: unset) and file
 * (WINIPC_TRACE_FILE; NULL: unset); its standard error goes to err_path,
 * its standard output to out_path (if not NULL).  The exit status. */
static int run_helper(const char *helper, const char *arg, const char *trace,
                      const char *file, const char *err_path,
                      const char *out_path)
{
    static char self[4096];
    char trace_var[256], file_var[4096];
    char *envp[512],
        *argv[] = {self, "--helper", (char *)helper, (char *)arg, NULL};
    size_t n = 0;
    int status = -1;
    pid_t pid;
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0)
        return -1;
    self[len] = 0;
    for (char **e = environ; *e && n < 500; e++)
        if (strncmp(*e, "WINIPC_TRACE", 12) != 0)
            envp[n++] = *e;
    if (trace) {
        snprintf(trace_var, sizeof trace_var, "WINIPC_TRACE=%s", trace);
        envp[n++] = trace_var;
    }
    if (file) {
        snprintf(file_var, sizeof file_var, "WINIPC_TRACE_FILE=%s", file);
        envp[n++] = file_var;
    }
    envp[n] = NULL;
    pid = fork();
    if (pid == 0) {
        int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || dup2(fd, 2) < 0)
            _exit(98);
        if (out_path) {
            fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (fd < 0 || dup2(fd, 1) < 0)
                _exit(98);
        }
        execve(self, argv, envp);
        _exit(97);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The whole of a file (static buffer; "" if absent). */
static const char *slurp(const char *path)
{
    static char buf[1 << 20];
    size_t n = 0;
    FILE *f = fopen(path, "re");
    if (f) {
        n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
    }
    buf[n] = 0;
    return buf;
}

/* The line of text that contains what (a static copy), or NULL. */
static const char *line_with(const char *text, const char *what)
{
    static char line[8192];
    const char *p = strstr(text, what), *b, *e;
    if (!p)
        return NULL;
    for (b = p; b > text && b[-1] != '\n'; b--)
        ;
    e = strchr(p, '\n');
    if (!e)
        e = p + strlen(p);
    snprintf(line, sizeof line, "%.*s", (int)(e - b), b);
    return line;
}

static int count(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* Checks that text has a line whose part after "] " is exactly want. */
#define CHECK_LINE(text, want)                                                 \
    do {                                                                       \
        test_checks++;                                                         \
        if (!strstr(text, "] " want "\n"))                                     \
            TEST_FAIL_AT("no line \"%s\" in:\n%s", want, text);                \
    } while (0)

/* Checks that the line with what ends with tail. */
#define CHECK_LINE_END(text, what, tail)                                       \
    do {                                                                       \
        const char *l_ = line_with(text, what);                                \
        size_t n_ = l_ ? strlen(l_) : 0;                                       \
        test_checks++;                                                         \
        if (!l_ || n_ < strlen(tail) || strcmp(l_ + n_ - strlen(tail), tail))  \
            TEST_FAIL_AT("no line with \"%s\" ending \"%s\": %s", what, tail,  \
                         l_ ? l_ : "(none)");                                  \
    } while (0)

/* The value after "= " on the line that contains what (-1 if none). */
static unsigned long long result_of(const char *text, const char *what)
{
    const char *l = line_with(text, what), *r;
    if (!l || !(r = strstr(l, ") = ")))
        return (unsigned long long)-1;
    return strtoull(r + 4, NULL, 0);
}

/* ---- The tests
 * --------------------------------------------------------------- */

static char tag[32];

/* Everything, to standard error: names, arguments, results, errors. */
static void test_all_to_stderr(void)
{
    const char *err = test_tmp_path("all.err"), *t;
    char want[512];
    unsigned long long ev;
    CHECK_EQ(run_helper("calls", tag, "1", NULL, err, NULL), 7);
    t = slurp(err);

    /* Every line: "winipc[PID.TID] Name(...)...". */
    for (const char *p = t; *p;) {
        unsigned long pid, tid;
        char c;
        const char *e = strchr(p, '\n');
        test_checks++;
        if (!e || sscanf(p, "winipc[%lu.%lu]%c", &pid, &tid, &c) != 3 ||
            c != ' ') {
            TEST_FAIL_AT("not a trace line: %.80s", p);
            break;
        }
        p = e + 1;
    }

    snprintf(want, sizeof want, "CreateEventA(NULL, 1, 0, \"trace-ev-%s\")",
             tag);
    ev = result_of(t, want);
    CHECK(ev != (unsigned long long)-1 && ev != 0);
    CHECK(strstr(line_with(t, want) ? line_with(t, want) : "",
                 ", last error 0") != NULL);
    snprintf(want, sizeof want, "] SetEvent(%#llx) = 1, last error 0\n", ev);
    CHECK(strstr(t, want) != NULL);
    snprintf(want, sizeof want,
             "] WaitForSingleObject(%#llx, 0) = 0 WAIT_OBJECT_0+0, "
             "last error 0\n",
             ev);
    CHECK(strstr(t, want) != NULL);
    CHECK_LINE(t, "CloseHandle(0x1234) = 0, last error 6");
    CHECK_LINE(t, "CreateFileA(\"/nonexistent-trace/x\", 0x80000000 "
                  "GENERIC_READ, 0, NULL, 3 OPEN_EXISTING, 0x80 "
                  "FILE_ATTRIBUTE_NORMAL, NULL) = 0xffffffffffffffff, "
                  "last error 3");
    CHECK_LINE(t, "SetEnvironmentVariableA(\"TRACE_VAR\", "
                  "\"a\\\"b\\\\c\\n\\x01\") = 1, last error 0");

    /* W strings converted, quoted; flags with their names. */
    snprintf(
        want, sizeof want,
        "CreateNamedPipeW(L\"\\\\\\\\.\\\\pipe\\\\trace-\xc3\xa9-\\uD800%s\", "
        "0x3 PIPE_ACCESS_DUPLEX, 0x6 PIPE_TYPE_MESSAGE|"
        "PIPE_READMODE_MESSAGE, 1, 512, 512, 0, NULL) = 0x",
        tag);
    CHECK(line_with(t, want) != NULL);
    snprintf(want, sizeof want,
             "CreateFileW(L\"\\\\\\\\.\\\\pipe\\\\trace-\xc3\xa9-\\uD800%s\", "
             "0xc0000000 GENERIC_READ|GENERIC_WRITE, 0, NULL, 3 OPEN_EXISTING, "
             "0, NULL) = 0x",
             tag);
    CHECK(line_with(t, want) != NULL);
    /* CreateFileW's own CreateFileA is not the program's call. */
    CHECK_EQ(count(t, "CreateFileA("), 1);
    /* Counts shown after the call. */
    CHECK_LINE_END(t, "] WriteFile(0x", ", 5, [5], NULL) = 1, last error 0");
    CHECK_LINE_END(t, "] ReadFile(0x", ", 16, [5], NULL) = 1, last error 0");

    /* The APC's call is traced, before SleepEx's own line. */
    snprintf(want, sizeof want, "] ResetEvent(%#llx) = 1, last error 0\n", ev);
    CHECK(strstr(t, want) != NULL);
    CHECK(strstr(t, "] SleepEx(0, 1) = 192 WAIT_IO_COMPLETION") != NULL);
    CHECK(strstr(t, want) && strstr(t, "] SleepEx(0, 1)") &&
          strstr(t, want) < strstr(t, "] SleepEx(0, 1)"));
    CHECK(line_with(t, "] GetStdHandle(0xfffffff5 STD_OUTPUT_HANDLE) = ") !=
          NULL);
    /* Not traced: GetLastError; a function that does not return shows
     * "= ?". */
    CHECK_EQ(count(t, "GetLastError"), 0);
    CHECK_LINE(t, "ExitProcess(7) = ?");
}

/* Four threads at once: whole lines, each with its thread's id. */
static void test_threads_whole_lines(void)
{
    const char *err = test_tmp_path("threads.err"), *t;
    unsigned long tids[THREADS + 1] = {0};
    int ntids = 0, sets = 0;
    CHECK_EQ(run_helper("calls", tag, "sync", NULL, err, NULL), 7);
    t = slurp(err);
    for (const char *p = t; *p;) {
        unsigned long pid, tid;
        const char *e = strchr(p, '\n');
        char rest[128];
        if (!e ||
            sscanf(p, "winipc[%lu.%lu] %127[^\n]", &pid, &tid, rest) != 3) {
            TEST_FAIL_AT("not a trace line: %.80s", p);
            break;
        }
        /* A SetEvent of a setter thread: the last ones, on thread_event. */
        if (strncmp(rest, "SetEvent(0x", 11) == 0 &&
            strstr(rest, ") = 1, last error 0")) {
            int known = 0;
            sets++;
            for (int i = 0; i < ntids; i++)
                known |= tids[i] == tid;
            if (!known && ntids <= THREADS)
                tids[ntids++] = tid;
        }
        p = e + 1;
    }
    /* 3 SetEvents of the main thread (ev, start_event) and the setters'. */
    CHECK_EQ(sets, THREADS * SETS + 2);
    CHECK_EQ(ntids, THREADS + 1);
}

/* Areas: only the calls of the areas named. */
static void test_areas(void)
{
    const char *err = test_tmp_path("areas.err"), *t;
    CHECK_EQ(run_helper("calls", tag, "pipe,file", NULL, err, NULL), 7);
    t = slurp(err);
    CHECK(strstr(t, "] CreateNamedPipeW(") != NULL);
    CHECK(strstr(t, "] CreateFileW(") != NULL);
    CHECK(strstr(t, "] CreateFileA(\"/nonexistent-trace/x\"") != NULL);
    CHECK(strstr(t, "] ReadFile(") != NULL);
    CHECK(strstr(t, "] GetStdHandle(") != NULL);
    CHECK(strstr(t, "SetEvent(") == NULL);
    CHECK(strstr(t, "CreateEventA(") == NULL);
    CHECK(strstr(t, "CloseHandle(") == NULL);
    CHECK(strstr(t, "SetEnvironmentVariableA(") == NULL);
    CHECK(strstr(t, "ExitProcess(") == NULL);

    CHECK_EQ(run_helper("calls", tag, "handle,env", NULL, err, NULL), 7);
    t = slurp(err);
    CHECK_LINE(t, "CloseHandle(0x1234) = 0, last error 6");
    CHECK(strstr(t, "] SetEnvironmentVariableA(") != NULL);
    CHECK(strstr(t, "CreateNamedPipeW(") == NULL);
    CHECK(strstr(t, "WaitFor") == NULL);

    /* An unknown name is reported; the others still work. */
    CHECK_EQ(run_helper("calls", tag, "env,bogus", NULL, err, NULL), 7);
    t = slurp(err);
    CHECK(strstr(t, "winipc: WINIPC_TRACE: unknown area") != NULL &&
          strstr(t, ": bogus\n") != NULL);
    CHECK(strstr(t, "] SetEnvironmentVariableA(") != NULL);
    CHECK(strstr(t, "CloseHandle(") == NULL);
}

/* Unset, empty or 0: not a byte. */
static void test_off_writes_nothing(void)
{
    const char *err = test_tmp_path("off.err");
    const char *file = test_tmp_path("off.trace");
    unlink(file);
    CHECK_EQ(run_helper("calls", tag, NULL, NULL, err, NULL), 7);
    CHECK_STR(slurp(err), "");
    CHECK_EQ(run_helper("calls", tag, "0", file, err, NULL), 7);
    CHECK_STR(slurp(err), "");
    CHECK_EQ(access(file, F_OK), -1); /* not even created */
    CHECK_EQ(run_helper("calls", tag, "", file, err, NULL), 7);
    CHECK_STR(slurp(err), "");
    CHECK_EQ(access(file, F_OK), -1);
}

/* WINIPC_TRACE_FILE: the lines go there, appended, nothing to stderr. */
static void test_file(void)
{
    const char *err = test_tmp_path("file.err");
    const char *file = test_tmp_path("file.trace");
    const char *out = test_tmp_path("file.out"), *t;
    struct stat st;
    FILE *f;
    unlink(file);
    CHECK_EQ(run_helper("calls", tag, "process", file, err, NULL), 7);
    CHECK_STR(slurp(err), "");
    CHECK_EQ(stat(file, &st), 0);
    CHECK_EQ(st.st_mode & 0777, 0600);
    t = slurp(file);
    CHECK_LINE(t, "ExitProcess(7) = ?");
    CHECK_EQ(count(t, "] CreateThread("), THREADS);

    /* Appended to what is there. */
    f = fopen(file, "we");
    CHECK(f != NULL);
    if (f) {
        fputs("before\n", f);
        fclose(f);
    }
    CHECK_EQ(run_helper("calls", tag, "process", file, err, NULL), 7);
    CHECK_EQ(run_helper("calls", tag, "process", file, err, NULL), 7);
    t = slurp(file);
    CHECK(strncmp(t, "before\n", 7) == 0);
    CHECK_EQ(count(t, "] ExitProcess(7) = ?\n"), 2);

    /* Its descriptor: close-on-exec, O_APPEND. */
    CHECK_EQ(run_helper("fdcheck", file, "1", file, err, out), 0);
    CHECK_STR(slurp(out), "fd cloexec=1 append=1\n");
    unlink(file);
    unlink(out);
}

/* A link planted at the name is never followed: tracing is off, a word
 * on standard error, the link's target untouched. */
static void test_file_link_not_followed(void)
{
    const char *err = test_tmp_path("link.err");
    const char *victim = test_tmp_path("link.victim");
    const char *link = test_tmp_path("link.trace");
    const char *fifo = test_tmp_path("link.fifo"), *t;
    int fd;
    unlink(link);
    fd = open(victim, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(symlink(victim, link), 0);
    CHECK_EQ(run_helper("calls", tag, "1", link, err, NULL), 7);
    CHECK_STR(slurp(victim), "");
    t = slurp(err);
    {
        static const char want[] =
            "winipc: WINIPC_TRACE_FILE: cannot open (tracing is off): ";
        CHECK(strncmp(t, want, sizeof want - 1) == 0 &&
              strstr(t, link) != NULL);
    }
    CHECK_EQ(count(t, "\n"), 1);

    /* A FIFO nobody reads: no wait (the open does not block), lines
     * dropped when it is full, never a hang. */
    unlink(fifo);
    CHECK_EQ(mkfifo(fifo, 0600), 0);
    CHECK_EQ(run_helper("calls", tag, "env", fifo, err, NULL), 7);
    CHECK(strncmp(slurp(err), "winipc: WINIPC_TRACE_FILE: cannot open", 38) ==
          0);
    unlink(fifo);
    unlink(link);
    unlink(victim);
    unlink(err);
}

int main(int argc, char **argv)
{
    TEST_HELPERS(argc, argv, {"calls", helper_calls},
                 {"fdcheck", helper_fdcheck});
    snprintf(tag, sizeof tag, "%d", (int)getpid());
    RUN(test_all_to_stderr);
    RUN(test_threads_whole_lines);
    RUN(test_areas);
    RUN(test_off_writes_nothing);
    RUN(test_file);
    RUN(test_file_link_not_followed);
    return TEST_SUMMARY();
}
