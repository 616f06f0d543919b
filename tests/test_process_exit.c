/*
 * test_process_exit.c: exit codes of all 32 bits, for every process that
 * holds a handle (docs/processes.md, "Exit codes"): the parent, a child
 * waiting on its parent, a sibling that opened the process, the codes of
 * TerminateProcess by a process that is not the parent, and the exit
 * records left behind (none).
 *
 * The binary runs in a namespace root of its own (WINIPC_ROOT), so that it
 * can count the records.  It re-runs itself for the other processes:
 * "test_process_exit --helper NAME ARGS", or "--return CODE" for a main()
 * that returns its code.
 */
#include "testlib.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

static char self_exe[4096];
static char root[256];

static HANDLE handle_arg(const char *s)
{
    return (HANDLE)(uintptr_t)strtoull(s, NULL, 0);
}

static void write_line(HANDLE w, const char *fmt, unsigned long v)
{
    char buf[64];
    DWORD n;
    snprintf(buf, sizeof buf, fmt, v);
    WriteFile(w, buf, (DWORD)strlen(buf), &n, NULL);
}

/*
 * An exit handler that runs after winipc's: the executable's preinit
 * functions come before any library constructor, and exit handlers run in
 * reverse.  With WINIPC_TEST_LATE_EXIT set it ends the process with
 * another status, as a leak checker does.
 */
static void late_exit(void)
{
    const char *v = getenv("WINIPC_TEST_LATE_EXIT");
    if (v)
        _exit(atoi(v));
}

static void register_late_exit(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    (void)envp;
    atexit(late_exit);
}

__attribute__((section(".preinit_array"), used)) static void (
    *preinit_late_exit)(int, char **, char **) = register_late_exit;

/* ---- Helpers (other processes) ------------------------------------------ */

/* exit CODE: returned from the helper, so exit(CODE). */
static int helper_exit(int argc, char **argv)
{
    return argc > 0 ? (int)strtoul(argv[0], NULL, 0) : 0;
}

/* exitprocess CODE */
static int helper_exitprocess(int argc, char **argv)
{
    ExitProcess(argc > 0 ? (UINT)strtoul(argv[0], NULL, 0) : 0);
}

/* terminate_self CODE */
static int helper_terminate_self(int argc, char **argv)
{
    TerminateProcess(GetCurrentProcess(),
                     argc > 0 ? (UINT)strtoul(argv[0], NULL, 0) : 0);
    return 99;
}

/* block CODE: waits for the end of standard input, then ExitProcess. */
static int helper_block(int argc, char **argv)
{
    char buf[64];
    DWORD n;
    while (
        ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf, sizeof buf, &n, NULL) &&
        n > 0)
        ;
    ExitProcess(argc > 0 ? (UINT)strtoul(argv[0], NULL, 0) : 0);
}

/* Waits for process h, then writes its exit code (or "timeout") to w. */
static int report_code(HANDLE h, HANDLE w)
{
    DWORD code = 0;
    if (!h) {
        write_line(w, "open failed %lu\n", GetLastError());
        return 1;
    }
    if (WaitForSingleObject(h, 30000) != WAIT_OBJECT_0) {
        write_line(w, "timeout %lu\n", 0);
        return 1;
    }
    if (!GetExitCodeProcess(h, &code)) {
        write_line(w, "failed %lu\n", GetLastError());
        return 1;
    }
    write_line(w, "%lu\n", code);
    return 0;
}

/*
 * child_report HOW W [ARG]: the child of parent_exit.  It gets a handle to
 * its parent HOW ("inherited" ARG: its value; "pushed": a value the parent
 * writes to standard input; "opened": OpenProcess, then a byte to the
 * handle ARG), waits on it and writes the parent's exit code to W.
 */
static int helper_child_report(int argc, char **argv)
{
    HANDLE w, h = NULL;
    if (argc < 2)
        return 90;
    w = handle_arg(argv[1]);
    if (strcmp(argv[0], "inherited") == 0 && argc > 2) {
        h = handle_arg(argv[2]);
    } else if (strcmp(argv[0], "pushed") == 0) {
        char buf[32] = "";
        DWORD i = 0, n;
        while (i < sizeof buf - 1 &&
               ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf + i, 1, &n, NULL) &&
               n == 1 && buf[i] != '\n')
            i++;
        buf[i] = '\0';
        h = handle_arg(buf);
    } else if (strcmp(argv[0], "opened") == 0 && argc > 2) {
        DWORD n;
        h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
                        (DWORD)getppid());
        WriteFile(handle_arg(argv[2]), "r", 1, &n, NULL);
    }
    return report_code(h, w);
}

/*
 * parent_exit HOW END CODE W: starts "child_report HOW W ..." with a handle
 * to itself, then ends at once (the child still starting up) with CODE:
 * END is "exitprocess", "exit" (return from the helper) or "terminate".
 */
static int helper_parent_exit(int argc, char **argv)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE self = NULL, r = NULL, wr = NULL;
    char cmd[8192];
    UINT code;

    if (argc < 4)
        return 90;
    code = (UINT)strtoul(argv[2], NULL, 0);
    if (strcmp(argv[0], "inherited") == 0) {
        if (!DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             GetCurrentProcess(), &self,
                             SYNCHRONIZE | PROCESS_QUERY_INFORMATION, TRUE, 0))
            return 91;
        snprintf(cmd, sizeof cmd,
                 "\"%s\" --helper child_report inherited %s %#lx", self_exe,
                 argv[3], (unsigned long)(uintptr_t)self);
    } else if (strcmp(argv[0], "pushed") == 0) {
        if (!CreatePipe(&r, &wr, &sa, 0))
            return 91;
        SetHandleInformation(wr, HANDLE_FLAG_INHERIT, 0);
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdInput = r;
        si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
        si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
        snprintf(cmd, sizeof cmd, "\"%s\" --helper child_report pushed %s",
                 self_exe, argv[3]);
    } else {
        if (!CreatePipe(&r, &wr, &sa, 0))
            return 91;
        SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);
        snprintf(cmd, sizeof cmd, "\"%s\" --helper child_report opened %s %#lx",
                 self_exe, argv[3], (unsigned long)(uintptr_t)wr);
    }
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
        return 92;
    if (strcmp(argv[0], "pushed") == 0) {
        HANDLE h;
        if (!DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             pi.hProcess, &h,
                             SYNCHRONIZE | PROCESS_QUERY_INFORMATION, FALSE, 0))
            return 93;
        write_line(wr, "%#lx\n", (unsigned long)(uintptr_t)h);
    } else if (strcmp(argv[0], "opened") == 0) {
        char c;
        DWORD n;
        CloseHandle(wr); /* the child's copy stays */
        if (!ReadFile(r, &c, 1, &n, NULL) || n != 1)
            return 94; /* it has its handle: we may go */
    }
    if (strcmp(argv[1], "exit") == 0)
        return (int)code;
    if (strcmp(argv[1], "terminate") == 0)
        TerminateProcess(GetCurrentProcess(), code);
    ExitProcess(code);
}

/* watch PID EVENT W: opens PID, checks that it runs (STILL_ACTIVE), sets
 * EVENT, then reports its exit code to W. */
static int helper_watch(int argc, char **argv)
{
    HANDLE h, w;
    DWORD code = 0;
    if (argc < 3)
        return 90;
    w = handle_arg(argv[2]);
    h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
                    (DWORD)strtoul(argv[0], NULL, 0));
    if (h && (!GetExitCodeProcess(h, &code) || code != STILL_ACTIVE)) {
        write_line(w, "not active %lu\n", code);
        return 1;
    }
    SetEvent(handle_arg(argv[1]));
    return report_code(h, w);
}

/* kill PID CODE: TerminateProcess of a process that is not our child. */
static int helper_kill(int argc, char **argv)
{
    HANDLE h;
    if (argc < 2)
        return 90;
    h = OpenProcess(PROCESS_TERMINATE, FALSE, (DWORD)strtoul(argv[0], NULL, 0));
    if (!h)
        return 91;
    return TerminateProcess(h, (UINT)strtoul(argv[1], NULL, 0)) ? 0 : 92;
}

/* hold_parent [crash]: opens its parent and ends without closing the
 * handle, or dies by SIGKILL holding it. */
static int helper_hold_parent(int argc, char **argv)
{
    HANDLE h = OpenProcess(SYNCHRONIZE, FALSE, (DWORD)getppid());
    if (!h)
        return 91;
    if (argc > 0 && strcmp(argv[0], "crash") == 0)
        raise(SIGKILL);
    return 0;
}

static int run_cmd(const char *cmd, DWORD *code);

/* spawn_one: starts a child (which makes a record, and so sweeps). */
static int helper_spawn_one(int argc, char **argv)
{
    char cmd[8192];
    DWORD code = 99;
    (void)argc;
    (void)argv;
    snprintf(cmd, sizeof cmd, "\"%s\" --helper exit 7", self_exe);
    return run_cmd(cmd, &code) == 0 && code == 7 ? 0 : 91;
}

/* ---- Parent-side utilities ---------------------------------------------- */

/* Runs cmd to its end: 0 and its exit code, or -1. */
static int run_cmd(const char *cmd, DWORD *code)
{
    PROCESS_INFORMATION pi;
    int r = -1;
    if (!test_spawn(cmd, TRUE, NULL, &pi))
        return -1;
    if (WaitForSingleObject(pi.hProcess, 30000) == WAIT_OBJECT_0 &&
        GetExitCodeProcess(pi.hProcess, code))
        r = 0;
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return r;
}

static DWORD run_helper(const char *args)
{
    char cmd[8192];
    DWORD code = 0;
    snprintf(cmd, sizeof cmd, "\"%s\" --helper %s", self_exe, args);
    return run_cmd(cmd, &code) == 0 ? code : 0xdead;
}

/* Reads everything from h until the pipe breaks. */
static void read_all(HANDLE h, char *buf, DWORD cap)
{
    DWORD total = 0, n;
    while (total < cap - 1 &&
           ReadFile(h, buf + total, cap - 1 - total, &n, NULL))
        total += n;
    buf[total] = '\0';
}

/* The records in the namespace root ("exit.*"). */
static int count_records(void)
{
    DIR *d;
    struct dirent *e;
    int n = 0;
    d = opendir(root);
    if (!d)
        return 0;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "exit.", 5) == 0)
            n++;
    closedir(d);
    return n;
}

/* A blocked helper ("block CODE") with the write end of its stdin. */
static void start_blocked(DWORD code, PROCESS_INFORMATION *pi, HANDLE *stdin_w)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    HANDLE r;
    char cmd[8192];

    CHECK_OK(CreatePipe(&r, stdin_w, &sa, 0));
    SetHandleInformation(*stdin_w, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = r;
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper block %lu", self_exe,
             (unsigned long)code);
    CHECK_OK(test_spawn(cmd, TRUE, &si, pi));
    CloseHandle(r);
}

/* A sibling watching pid: started, and ready (it holds its handle). */
static void start_watcher(DWORD pid, PROCESS_INFORMATION *pi, HANDLE *out_r)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE ev, w;
    char cmd[8192];

    ev = CreateEventA(&sa, TRUE, FALSE, NULL);
    CHECK_OK(CreatePipe(out_r, &w, &sa, 0));
    SetHandleInformation(*out_r, HANDLE_FLAG_INHERIT, 0);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper watch %lu %#lx %#lx", self_exe,
             (unsigned long)pid, (unsigned long)(uintptr_t)ev,
             (unsigned long)(uintptr_t)w);
    CHECK_OK(test_spawn(cmd, TRUE, NULL, pi));
    CloseHandle(w);
    CHECK_EQ(WaitForSingleObject(ev, 30000), WAIT_OBJECT_0);
    CloseHandle(ev);
}

static DWORD finish(PROCESS_INFORMATION *pi)
{
    DWORD code = 0xdead;
    CHECK_EQ(WaitForSingleObject(pi->hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi->hProcess, &code));
    CloseHandle(pi->hThread);
    CloseHandle(pi->hProcess);
    return code;
}

/* ---- Tests -------------------------------------------------------------- */

/* The parent reads all 32 bits, however the child ends. */
static void test_parent_reads_full_code(void)
{
    char cmd[8192];
    DWORD code = 0;

    CHECK_EQ(run_helper("exitprocess 300"), 300);
    CHECK_EQ(run_helper("exitprocess 0x12345678"), 0x12345678);
    CHECK_EQ(run_helper("exitprocess 0xFFFFFFFF"), 0xFFFFFFFFu);
    CHECK_EQ(run_helper("exitprocess 0"), 0);
    CHECK_EQ(run_helper("exit 300"), 300);
    CHECK_EQ(run_helper("exit 0x12345678"), 0x12345678);
    CHECK_EQ(run_helper("terminate_self 0x12345678"), 0x12345678);
    /* main() returning the code. */
    snprintf(cmd, sizeof cmd, "\"%s\" --return 300", self_exe);
    CHECK_EQ(run_cmd(cmd, &code), 0);
    CHECK_EQ(code, 300);
    snprintf(cmd, sizeof cmd, "\"%s\" --return 0x12345678", self_exe);
    CHECK_EQ(run_cmd(cmd, &code), 0);
    CHECK_EQ(code, 0x12345678);
    /* A program without winipc: what the kernel keeps. */
    CHECK_EQ(run_cmd("/bin/sh -c \"exit 300\"", &code), 0);
    CHECK_EQ(code, 300 & 0xff);
    CHECK_EQ(count_records(), 0);
}

/* An exit handler that runs after winipc's and calls _exit with another
 * status: the status the parent reaps wins over the record. */
static void test_later_exit_status_wins(void)
{
    CHECK_OK(SetEnvironmentVariableA("WINIPC_TEST_LATE_EXIT", "5"));
    CHECK_EQ(run_helper("exitprocess 300"), 5);
    CHECK_OK(SetEnvironmentVariableA("WINIPC_TEST_LATE_EXIT", NULL));
    CHECK_EQ(run_helper("exitprocess 300"), 300);
}

/* Runs parent_exit HOW END CODE: what its child saw, and what we see. */
static void check_child_sees_parent(const char *how, const char *end,
                                    DWORD code)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    PROCESS_INFORMATION pi;
    HANDLE r, w;
    char cmd[8192], buf[128], want[32];

    CHECK_OK(CreatePipe(&r, &w, &sa, 0));
    SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper parent_exit %s %s %#lx %#lx",
             self_exe, how, end, (unsigned long)code,
             (unsigned long)(uintptr_t)w);
    CHECK_OK(test_spawn(cmd, TRUE, NULL, &pi));
    CloseHandle(w);
    CHECK_EQ(finish(&pi), code);
    read_all(r, buf, sizeof buf); /* until the child has ended too */
    CloseHandle(r);
    snprintf(want, sizeof want, "%lu\n", (unsigned long)code);
    if (strcmp(buf, want) != 0)
        TEST_FAIL_AT("%s/%s: the child saw \"%s\", expected %s", how, end, buf,
                     want);
    test_checks++;
}

/* A child waits on its parent, which ends at once after CreateProcess:
 * the handle inherited, pushed by DuplicateHandle, or opened. */
static void test_child_reads_parent_code(void)
{
    check_child_sees_parent("inherited", "exitprocess", 300);
    check_child_sees_parent("inherited", "exitprocess", 0x12345678);
    check_child_sees_parent("inherited", "exit", 0x12345678);
    check_child_sees_parent("inherited", "terminate", 0xC0000005);
    check_child_sees_parent("pushed", "exitprocess", 300);
    check_child_sees_parent("pushed", "exit", 0x12345678);
    check_child_sees_parent("opened", "exitprocess", 0x12345678);
    check_child_sees_parent("opened", "exit", 300);
    CHECK_EQ(count_records(), 0);
}

/* A sibling that opened the process reads its code, as the parent does. */
static void test_sibling_reads_code(void)
{
    PROCESS_INFORMATION a, b;
    HANDLE stdin_w, r;
    char buf[128];

    start_blocked(0x12345678, &a, &stdin_w);
    start_watcher(a.dwProcessId, &b, &r);
    CloseHandle(stdin_w); /* a ends */
    CHECK_EQ(finish(&a), 0x12345678);
    CHECK_EQ(finish(&b), 0);
    read_all(r, buf, sizeof buf);
    CloseHandle(r);
    CHECK_STR(buf, "305419896\n");
    CHECK_EQ(count_records(), 0);
}

/* TerminateProcess by a process that is not the parent: everybody reads
 * its code, not the signal. */
static void test_terminate_by_other(void)
{
    PROCESS_INFORMATION a, b;
    HANDLE stdin_w, r;
    char cmd[128], buf[128];

    start_blocked(1, &a, &stdin_w);
    start_watcher(a.dwProcessId, &b, &r);
    snprintf(cmd, sizeof cmd, "kill %lu 0xCAFE1234",
             (unsigned long)a.dwProcessId);
    CHECK_EQ(run_helper(cmd), 0);
    CHECK_EQ(finish(&a), 0xCAFE1234);
    CHECK_EQ(finish(&b), 0);
    read_all(r, buf, sizeof buf);
    CloseHandle(r);
    CHECK_STR(buf, "3405648436\n");
    CloseHandle(stdin_w);
    CHECK_EQ(count_records(), 0);
}

/* Killed by a signal, with no record written: the parent reads 128 +
 * the signal; another process the same where the kernel tells pidfd
 * holders (Linux 6.15), else 0. */
static void test_killed_by_signal(void)
{
    PROCESS_INFORMATION a, b;
    HANDLE stdin_w, r;
    char buf[128];

    start_blocked(1, &a, &stdin_w);
    start_watcher(a.dwProcessId, &b, &r);
    kill((pid_t)a.dwProcessId, SIGKILL);
    CHECK_EQ(finish(&a), 137); /* reaped: the sibling may learn it now */
    CHECK_EQ(finish(&b), 0);
    read_all(r, buf, sizeof buf);
    CloseHandle(r);
    CHECK(strcmp(buf, "137\n") == 0 || strcmp(buf, "0\n") == 0);
    CloseHandle(stdin_w);
    CHECK_EQ(count_records(), 0);
}

/* A record names the process by its start time too: records of other
 * processes that had the same pid are never read. */
static void test_recycled_pid_ignored(void)
{
    PROCESS_INFORMATION a;
    HANDLE stdin_w;
    char path[512];
    unsigned long long start;
    int fd;

    start_blocked(7, &a, &stdin_w);
    start = test_proc_start_time((long)a.dwProcessId);
    CHECK(start != 0);
    /* Records as an earlier and a later process with this pid left them,
     * each with a code written (magic "WXR1", state 1, code 999). */
    for (int d = -1; d <= 1; d += 2) {
        uint32_t rec[6] = {0x31525857u, 1, 999, (uint32_t)a.dwProcessId, 0, 0};
        uint64_t s = start + (uint64_t)(int64_t)d;
        memcpy(&rec[4], &s, 8);
        snprintf(path, sizeof path, "%s/exit.%lu-%llu", root,
                 (unsigned long)a.dwProcessId, (unsigned long long)s);
        fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
        CHECK(fd >= 0);
        if (fd >= 0) {
            CHECK_EQ(write(fd, rec, sizeof rec), sizeof rec);
            close(fd);
        }
    }
    CloseHandle(stdin_w);
    CHECK_EQ(finish(&a), 7);
    /* Nobody holds them: the next sweep removes them (here, by hand). */
    for (int d = -1; d <= 1; d += 2) {
        snprintf(path, sizeof path, "%s/exit.%lu-%llu", root,
                 (unsigned long)a.dwProcessId,
                 (unsigned long long)(start + (uint64_t)(int64_t)d));
        unlink(path);
    }
    CHECK_EQ(count_records(), 0);
}

/* A holder that ends without closing its handle removes the record; one
 * that dies by a signal leaves it, and the next process that makes a
 * record sweeps it away. */
static void test_nothing_left_behind(void)
{
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    const char *script = test_tmp_path("noexec");
    char cmd[8192];
    FILE *f;

    /* A program execve refuses: its record goes with the attempt. */
    f = fopen(script, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("#!/bin/sh\nexit 3\n", f);
        fclose(f);
    }
    chmod(script, 0644);
    snprintf(cmd, sizeof cmd, "%s", script);
    CHECK(
        !CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    unlink(script);
    CHECK_EQ(count_records(), 0);
    /* A suspended child, terminated before it ran. */
    snprintf(cmd, sizeof cmd, "\"%s\" --helper exit 1", self_exe);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_SUSPENDED,
                            NULL, NULL, &si, &pi));
    CHECK_EQ(count_records(), 1); /* its record, named by us */
    CHECK_OK(TerminateProcess(pi.hProcess, 0x12345678));
    CHECK_EQ(finish(&pi), 0x12345678);
    CHECK_EQ(count_records(), 0);
    /* Holders that end with the handle open. */
    CHECK_EQ(run_helper("hold_parent"), 0);
    CHECK_EQ(count_records(), 0);
    CHECK_EQ(run_helper("hold_parent crash"), 137);
    CHECK_EQ(count_records(), 1);
    CHECK_EQ(run_helper("spawn_one"), 0);
    CHECK_EQ(count_records(), 0);
}

/* The exit code stays for as long as a handle is open, and STILL_ACTIVE
 * before. */
static void test_still_active_then_code(void)
{
    PROCESS_INFORMATION a;
    HANDLE stdin_w, h;
    DWORD code = 0;

    start_blocked(300, &a, &stdin_w);
    h = OpenProcess(PROCESS_QUERY_INFORMATION | SYNCHRONIZE, FALSE,
                    a.dwProcessId);
    CHECK(h != NULL);
    CHECK_OK(GetExitCodeProcess(a.hProcess, &code));
    CHECK_EQ(code, STILL_ACTIVE);
    CloseHandle(stdin_w);
    CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(h, &code));
    CHECK_EQ(code, 300);
    CHECK_OK(GetExitCodeProcess(a.hProcess, &code));
    CHECK_EQ(code, 300);
    CloseHandle(a.hProcess);
    CloseHandle(a.hThread);
    CHECK_OK(GetExitCodeProcess(h, &code));
    CHECK_EQ(code, 300);
    CloseHandle(h);
    CHECK_EQ(count_records(), 0);
}

int main(int argc, char **argv)
{
    {
        ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
        self_exe[n > 0 ? n : 0] = '\0';
    }
    if (argc >= 3 && strcmp(argv[1], "--return") == 0)
        return (int)strtoul(argv[2], NULL, 0);
    TEST_HELPERS(argc, argv, {"exit", helper_exit},
                 {"exitprocess", helper_exitprocess},
                 {"terminate_self", helper_terminate_self},
                 {"block", helper_block}, {"child_report", helper_child_report},
                 {"parent_exit", helper_parent_exit}, {"watch", helper_watch},
                 {"kill", helper_kill}, {"hold_parent", helper_hold_parent},
                 {"spawn_one", helper_spawn_one});
    /* A namespace root of our own, inherited by every helper. */
    snprintf(root, sizeof root, "/tmp/winipc-test-%d-exitroot", (int)getpid());
    mkdir(root, 0700);
    setenv("WINIPC_ROOT", root, 1);
    SetEnvironmentVariableA("WINIPC_ROOT", root);
    RUN(test_parent_reads_full_code);
    RUN(test_later_exit_status_wins);
    RUN(test_child_reads_parent_code);
    RUN(test_sibling_reads_code);
    RUN(test_terminate_by_other);
    RUN(test_killed_by_signal);
    RUN(test_recycled_pid_ignored);
    RUN(test_nothing_left_behind);
    RUN(test_still_active_then_code);
    rmdir(root);
    return TEST_SUMMARY();
}
