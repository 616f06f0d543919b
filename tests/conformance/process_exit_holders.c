/*
 * process_exit_holders: exit codes of all 32 bits, as every process that
 * holds a handle sees them: the parent (codes given to ExitProcess and
 * returned from main), a child waiting on its parent after the parent has
 * ended, a sibling that opened the process, and the code of a
 * TerminateProcess by a process that is not the parent.  The children never
 * print; they answer through inherited pipes and events.
 */
#include <tchar.h>
#include <windows.h>

#include <stdlib.h>

#include "conf_proc.h"

static ULONG_PTR arg(const char *s)
{
    return (ULONG_PTR)strtoull(s, NULL, 0);
}

/* Writes the exit code of process h, once it has ended, to w. */
static int report(HANDLE h, HANDLE w)
{
    char buf[32];
    DWORD code = 0, n;
    if (!h)
        snprintf(buf, sizeof buf, "no handle");
    else if (WaitForSingleObject(h, 20000) != WAIT_OBJECT_0)
        snprintf(buf, sizeof buf, "still running");
    else if (!GetExitCodeProcess(h, &code))
        snprintf(buf, sizeof buf, "failed");
    else
        snprintf(buf, sizeof buf, "%lu", (unsigned long)code);
    return WriteFile(w, buf, (DWORD)strlen(buf), &n, NULL) ? 0 : 100;
}

/*
 * The children:
 *   exitprocess N     ExitProcess(N)
 *   return N          returns N from main
 *   block N           reads standard input to its end, then ExitProcess(N)
 *   middle N W        starts "waiter H W" with an inherited handle H to
 *                     itself, then ExitProcess(N) at once
 *   waiter H W        reports the exit code of process H to W
 *   watch PID EV W    opens process PID, sets EV if it is STILL_ACTIVE,
 *                     then reports its exit code to W
 *   kill PID N        TerminateProcess(OpenProcess(PID), N): 0 if it worked
 */
static int child_main(int argc, char **argv)
{
    PROCESS_INFORMATION pi;
    HANDLE h;
    DWORD code = 0, n;
    char buf[64];

    if (strcmp(argv[1], "exitprocess") == 0 && argc > 2)
        ExitProcess((UINT)arg(argv[2]));
    if (strcmp(argv[1], "return") == 0 && argc > 2)
        return (int)arg(argv[2]);
    if (strcmp(argv[1], "block") == 0 && argc > 2) {
        while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf, sizeof buf, &n,
                        NULL) &&
               n > 0)
            ;
        ExitProcess((UINT)arg(argv[2]));
    }
    if (strcmp(argv[1], "middle") == 0 && argc > 3) {
        if (!DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                             GetCurrentProcess(), &h,
                             SYNCHRONIZE | PROCESS_QUERY_INFORMATION, TRUE, 0))
            return 100;
        snprintf(buf, sizeof buf, "waiter %llu %s", CONF_HANDLE_ARG(h),
                 argv[3]);
        if (!conf_start(buf, TRUE, 0, NULL, NULL, NULL, &pi))
            return 101;
        ExitProcess((UINT)arg(argv[2]));
    }
    if (strcmp(argv[1], "waiter") == 0 && argc > 3)
        return report((HANDLE)arg(argv[2]), (HANDLE)arg(argv[3]));
    if (strcmp(argv[1], "watch") == 0 && argc > 4) {
        h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_INFORMATION, FALSE,
                        (DWORD)arg(argv[2]));
        if (h && GetExitCodeProcess(h, &code) && code == STILL_ACTIVE)
            SetEvent((HANDLE)arg(argv[3]));
        return report(h, (HANDLE)arg(argv[4]));
    }
    if (strcmp(argv[1], "kill") == 0 && argc > 3) {
        h = OpenProcess(PROCESS_TERMINATE, FALSE, (DWORD)arg(argv[2]));
        return h && TerminateProcess(h, (UINT)arg(argv[3])) ? 0 : 100;
    }
    return 99;
}

/* Waits for a child, prints its exit code and closes its handles. */
static void finish(const char *label, PROCESS_INFORMATION *pi)
{
    DWORD code = 12345;
    printf("%s: wait %s", label,
           conf_wait(WaitForSingleObject(pi->hProcess, 20000)));
    GetExitCodeProcess(pi->hProcess, &code);
    printf(", exit code %lu\n", (unsigned long)code);
    CloseHandle(pi->hProcess);
    CloseHandle(pi->hThread);
}

/* Prints what came through the pipe r until every writer has closed. */
static void show_report(const char *label, HANDLE r)
{
    char buf[64];
    DWORD total = 0, n;
    while (total < sizeof buf - 1 &&
           ReadFile(r, buf + total, (DWORD)(sizeof buf - 1 - total), &n, NULL))
        total += n;
    buf[total] = '\0';
    printf("%s: %s\n", label, buf);
    CloseHandle(r);
}

/* A pipe whose write end children inherit. */
static void report_pipe(HANDLE *r, HANDLE *w)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    CreatePipe(r, w, &sa, 0);
    SetHandleInformation(*r, HANDLE_FLAG_INHERIT, 0);
}

/* A child running "block N", and the write end of its standard input. */
static BOOL start_blocked(const char *code, PROCESS_INFORMATION *pi,
                          HANDLE *in_w)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si;
    HANDLE in_r;
    char args[64];
    BOOL ok;

    CreatePipe(&in_r, in_w, &sa, 0);
    SetHandleInformation(*in_w, HANDLE_FLAG_INHERIT, 0);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_r;
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(args, sizeof args, "block %s", code);
    ok = conf_start(args, TRUE, 0, NULL, NULL, &si, pi);
    CloseHandle(in_r);
    return ok;
}

/* A sibling watching process pid, started and holding its handle. */
static void start_watcher(DWORD pid, PROCESS_INFORMATION *pi, HANDLE *r)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE ev = CreateEventA(&sa, TRUE, FALSE, NULL), w;
    char args[128];

    report_pipe(r, &w);
    snprintf(args, sizeof args, "watch %lu %llu %llu", (unsigned long)pid,
             CONF_HANDLE_ARG(ev), CONF_HANDLE_ARG(w));
    CHECK_BOOL("CreateProcessA(watch)",
               conf_start(args, TRUE, 0, NULL, NULL, NULL, pi));
    CloseHandle(w);
    CHECK_WAIT("  the watcher has its handle and saw STILL_ACTIVE",
               WaitForSingleObject(ev, 20000));
    CloseHandle(ev);
}

int main(int argc, char **argv)
{
    static const char *codes[] = {"300", "0x12345678", "0xFFFFFFFF"};
    PROCESS_INFORMATION pi, watcher, killer;
    HANDLE r, w, in_w;
    char args[128], label[64];
    size_t i;

    *conf_self_slot() = argv[0]; /* the middle child starts one too */
    if (argc > 1)
        return child_main(argc, argv);

    SECTION("the parent reads all 32 bits");
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        snprintf(args, sizeof args, "exitprocess %s", codes[i]);
        snprintf(label, sizeof label, "ExitProcess(%s)", codes[i]);
        if (conf_start(args, TRUE, 0, NULL, NULL, NULL, &pi))
            finish(label, &pi);
        snprintf(args, sizeof args, "return %s", codes[i]);
        snprintf(label, sizeof label, "return %s from main", codes[i]);
        if (conf_start(args, TRUE, 0, NULL, NULL, NULL, &pi))
            finish(label, &pi);
    }

    SECTION("a child waits on its parent, which ends at once");
    for (i = 0; i < 2; i++) {
        report_pipe(&r, &w);
        snprintf(args, sizeof args, "middle %s %llu", codes[i],
                 CONF_HANDLE_ARG(w));
        snprintf(label, sizeof label, "parent ending with %s", codes[i]);
        if (conf_start(args, TRUE, 0, NULL, NULL, NULL, &pi))
            finish(label, &pi);
        CloseHandle(w);
        show_report("  its child saw", r);
    }

    SECTION("a sibling that opened the process");
    if (start_blocked("0x12345678", &pi, &in_w)) {
        start_watcher(pi.dwProcessId, &watcher, &r);
        CloseHandle(in_w);
        finish("the process", &pi);
        finish("the watcher", &watcher);
        show_report("  the watcher saw", r);
    }

    SECTION("TerminateProcess by a process that is not the parent");
    if (start_blocked("1", &pi, &in_w)) {
        start_watcher(pi.dwProcessId, &watcher, &r);
        snprintf(args, sizeof args, "kill %lu 0xCAFE1234",
                 (unsigned long)pi.dwProcessId);
        if (conf_start(args, TRUE, 0, NULL, NULL, NULL, &killer))
            finish("the killer (0: TerminateProcess worked)", &killer);
        finish("the terminated process", &pi);
        finish("the watcher", &watcher);
        show_report("  the watcher saw", r);
        CloseHandle(in_w);
    }
    CONF_DONE();
}
