/*
 * process_suspended_dup: DuplicateHandle into a child started with
 * CREATE_SUSPENDED, the launcher's pattern: CreateProcessA(CREATE_SUSPENDED),
 * DuplicateHandle(GetCurrentProcess(), h, pi.hProcess, &remote, ...), the
 * values written into a pipe the child inherits, then ResumeThread.  The
 * child finds an event (with all its access, and with SYNCHRONIZE only), a
 * pipe's write end (duplicated with DUPLICATE_CLOSE_SOURCE and as
 * inheritable), a handle to its parent, and an event copied within the
 * suspended child itself; the parent takes handles out of the suspended
 * child (an inherited one, one duplicated in) with DUPLICATE_CLOSE_SOURCE.
 * (Closing a handle of another process with a NULL target process is left
 * out: Wine does not support it.)  Then a suspended child
 * terminated with handles duplicated into it: its table goes with it (the
 * pipe breaks).  Only the parent prints.
 */
#include <tchar.h>
#include <windows.h>

#include <stdlib.h>

#include "conf_proc.h"

/* The handles duplicated into the child, in the order the control pipe
 * carries them. */
enum { V_EVENT, V_EVENT_SYNC, V_WRITE, V_PARENT, V_COPY, V_COUNT };

/* Reads "V0 V1 ...\n" from the control pipe. */
static int read_values(HANDLE ctl, HANDLE *v)
{
    char buf[256], *p = buf;
    DWORD i = 0, n;
    int k;
    while (i < sizeof buf - 1 && ReadFile(ctl, buf + i, 1, &n, NULL) &&
           n == 1 && buf[i] != '\n')
        i++;
    buf[i] = '\0';
    for (k = 0; k < V_COUNT; k++) {
        char *end;
        v[k] = (HANDLE)(ULONG_PTR)strtoull(p, &end, 10);
        if (end == p)
            return 0;
        p = end;
    }
    return 1;
}

/* "child REPORT CONTROL PARENT_PID": uses the handles it was given before
 * it ran, reports, and waits for the parent's order to end. */
static int child_main(int argc, char **argv)
{
    HANDLE ctl, v[V_COUNT];
    DWORD flags = 99, n, parent_pid;

    if (argc < 5 || strcmp(argv[1], "child") != 0)
        return 99;
    *conf_out_slot() = conf_handle_arg(argv[2]);
    ctl = conf_handle_arg(argv[3]);
    parent_pid = (DWORD)strtoul(argv[4], NULL, 10);
    if (!read_values(ctl, v))
        return 98;
    CHILD_BOOL("GetHandleInformation(event)",
               GetHandleInformation(v[V_EVENT], &flags));
    conf_say("  flags: %u", (unsigned)flags);
    CHILD_BOOL("SetEvent(event)", SetEvent(v[V_EVENT]));
    CHILD_BOOL("SetEvent(event with SYNCHRONIZE only)",
               SetEvent(v[V_EVENT_SYNC]));
    conf_say("WaitForSingleObject(event with SYNCHRONIZE only, 0) is "
             "WAIT_OBJECT_0: %d",
             WaitForSingleObject(v[V_EVENT_SYNC], 0) == WAIT_OBJECT_0);
    flags = 99;
    CHILD_BOOL("GetHandleInformation(write end)",
               GetHandleInformation(v[V_WRITE], &flags));
    conf_say("  flags: %u", (unsigned)flags);
    CHILD_BOOL("WriteFile(write end)",
               WriteFile(v[V_WRITE], "via suspended dup", 17, &n, NULL));
    CHILD_BOOL("CloseHandle(write end)", CloseHandle(v[V_WRITE]));
    conf_say("WaitForSingleObject(parent, 200) is WAIT_TIMEOUT: %d",
             WaitForSingleObject(v[V_PARENT], 200) == WAIT_TIMEOUT);
    conf_say("GetProcessId(parent) is the parent's id: %d",
             GetProcessId(v[V_PARENT]) == parent_pid);
    CHILD_BOOL("SetEvent(copy made within the child)", SetEvent(v[V_COPY]));
    /* The parent resumes us twice before it lets us end. */
    return conf_await(ctl) == 'x' ? 0 : 97;
}

static void write_values(HANDLE ctl, const HANDLE *v)
{
    char buf[256];
    size_t len = 0;
    DWORD n;
    int k;
    for (k = 0; k < V_COUNT; k++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%llu",
                                k ? " " : "", CONF_HANDLE_ARG(v[k]));
    buf[len++] = '\n';
    WriteFile(ctl, buf, (DWORD)len, &n, NULL);
}

/* 1 if the values are all different, and none is one of the inherited. */
static int all_distinct(const HANDLE *v, const HANDLE *inherited, int n_inh)
{
    int i, k;
    for (i = 0; i < V_COUNT; i++) {
        if (!v[i])
            return 0;
        for (k = 0; k < V_COUNT; k++)
            if (k != i && v[k] == v[i])
                return 0;
        for (k = 0; k < n_inh; k++)
            if (inherited[k] == v[i])
                return 0;
    }
    return 1;
}

static void into_suspended_child(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    PROCESS_INFORMATION pi;
    HANDLE rep_r, rep_w, ctl_r, ctl_w, ev, ev_copy, taken, r, w, mine;
    HANDLE v[V_COUNT] = {0}, inherited[3], copy_src = NULL;
    DWORD code = 0;
    char args[128];

    conf_child_pipe(&rep_r, &rep_w, 0);
    conf_child_pipe(&ctl_r, &ctl_w, 1);
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ev_copy = CreateEventA(NULL, TRUE, FALSE, NULL);
    taken = CreateEventA(&sa, TRUE, FALSE, NULL); /* the child inherits it */
    CreatePipe(&r, &w, NULL, 0);
    inherited[0] = rep_w;
    inherited[1] = ctl_r;
    inherited[2] = taken;

    snprintf(args, sizeof args, "child %llu %llu %lu", CONF_HANDLE_ARG(rep_w),
             CONF_HANDLE_ARG(ctl_r), (unsigned long)GetCurrentProcessId());
    if (!conf_start(args, TRUE, CREATE_SUSPENDED, NULL, NULL, NULL, &pi)) {
        printf("CreateProcessA(CREATE_SUSPENDED): FALSE, %s\n",
               conf_error(GetLastError()));
        return;
    }
    printf("CreateProcessA(CREATE_SUSPENDED): TRUE\n");
    CloseHandle(rep_w);
    CloseHandle(ctl_r);
    CHECK_WAIT("WaitForSingleObject(suspended child, 100)",
               WaitForSingleObject(pi.hProcess, 100));
    CHECK_BOOL("GetExitCodeProcess(suspended child)",
               GetExitCodeProcess(pi.hProcess, &code));
    SHOW_UINT("  exit code", code);

    CHECK_BOOL("DuplicateHandle(event into the suspended child)",
               DuplicateHandle(GetCurrentProcess(), ev, pi.hProcess,
                               &v[V_EVENT], 0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_BOOL("DuplicateHandle(event, SYNCHRONIZE)",
               DuplicateHandle(GetCurrentProcess(), ev, pi.hProcess,
                               &v[V_EVENT_SYNC], SYNCHRONIZE, FALSE, 0));
    CHECK_BOOL("DuplicateHandle(write end, inheritable, CLOSE_SOURCE)",
               DuplicateHandle(GetCurrentProcess(), w, pi.hProcess, &v[V_WRITE],
                               0, TRUE,
                               DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_BOOL("CloseHandle(write end) here",
               CloseHandle(w)); /* it went with CLOSE_SOURCE */
    CHECK_BOOL("DuplicateHandle(GetCurrentProcess() into the child)",
               DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                               pi.hProcess, &v[V_PARENT],
                               SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION,
                               FALSE, 0));
    CHECK_BOOL("DuplicateHandle(second event into the child)",
               DuplicateHandle(GetCurrentProcess(), ev_copy, pi.hProcess,
                               &copy_src, 0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_BOOL("DuplicateHandle(within the suspended child)",
               DuplicateHandle(pi.hProcess, copy_src, pi.hProcess, &v[V_COPY],
                               0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_TRUE("values are distinct and not the inherited ones",
               all_distinct(v, inherited, 3) && copy_src != v[V_COPY]);
    mine = NULL;
    CHECK_BOOL("DuplicateHandle(source of the copy, out, CLOSE_SOURCE)",
               DuplicateHandle(pi.hProcess, copy_src, GetCurrentProcess(),
                               &mine, 0, FALSE,
                               DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CloseHandle(mine);
    CHECK_BOOL("DuplicateHandle(source of the copy) again",
               DuplicateHandle(pi.hProcess, copy_src, GetCurrentProcess(),
                               &mine, 0, FALSE, DUPLICATE_SAME_ACCESS));

    mine = NULL;
    CHECK_BOOL("DuplicateHandle(the child's inherited event, CLOSE_SOURCE)",
               DuplicateHandle(pi.hProcess, taken, GetCurrentProcess(), &mine,
                               0, FALSE,
                               DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_BOOL("SetEvent(the copy)", SetEvent(mine));
    CHECK_WAIT("the inherited event is the same",
               WaitForSingleObject(taken, 0));
    CloseHandle(mine);
    CHECK_BOOL("DuplicateHandle(the child's inherited event) again",
               DuplicateHandle(pi.hProcess, taken, GetCurrentProcess(), &mine,
                               0, FALSE, DUPLICATE_SAME_ACCESS));
    mine = NULL;
    CHECK_BOOL("DuplicateHandle(an event duplicated in, back out)",
               DuplicateHandle(pi.hProcess, v[V_EVENT_SYNC],
                               GetCurrentProcess(), &mine, 0, FALSE,
                               DUPLICATE_SAME_ACCESS));
    CHECK_BOOL("SetEvent(it: SYNCHRONIZE only)", SetEvent(mine));
    CloseHandle(mine);

    write_values(ctl_w, v);
    CHECK_DWORD("ResumeThread", ResumeThread(pi.hThread));
    CHECK_DWORD("ResumeThread again", ResumeThread(pi.hThread));
    conf_order(ctl_w, 'x');
    conf_finish("child", &pi);
    conf_relay(rep_r);
    CHECK_WAIT("event set by the child", WaitForSingleObject(ev, 0));
    CHECK_WAIT("event set through the copy", WaitForSingleObject(ev_copy, 0));
    conf_read_some("ReadFile(read end)", r);
    CHECK_BOOL("ReadFile(read end) after the child ended",
               ReadFile(r, args, sizeof args, &code, NULL));
    CloseHandle(r);
    CloseHandle(ev);
    CloseHandle(ev_copy);
    CloseHandle(taken);
    CloseHandle(rep_r);
    CloseHandle(ctl_w);
}

static void terminated_while_suspended(void)
{
    PROCESS_INFORMATION pi;
    HANDLE ev, r, w, remote = NULL;
    DWORD code = 0, n;
    char buf[8];

    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CreatePipe(&r, &w, NULL, 0);
    if (!conf_start("never", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL, &pi)) {
        printf("CreateProcessA(CREATE_SUSPENDED): FALSE, %s\n",
               conf_error(GetLastError()));
        return;
    }
    CHECK_BOOL("DuplicateHandle(event into the suspended child)",
               DuplicateHandle(GetCurrentProcess(), ev, pi.hProcess, &remote, 0,
                               FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_BOOL("DuplicateHandle(write end, CLOSE_SOURCE)",
               DuplicateHandle(GetCurrentProcess(), w, pi.hProcess, &remote, 0,
                               FALSE,
                               DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_BOOL("TerminateProcess(suspended child, 42)",
               TerminateProcess(pi.hProcess, 42));
    CHECK_WAIT("WaitForSingleObject(child, 20000)",
               WaitForSingleObject(pi.hProcess, 20000));
    CHECK_BOOL("GetExitCodeProcess", GetExitCodeProcess(pi.hProcess, &code));
    SHOW_UINT("  exit code", code);
    CHECK_BOOL("ReadFile(read end): the child's write end is gone",
               ReadFile(r, buf, sizeof buf, &n, NULL));
    CHECK_BOOL("DuplicateHandle(event into the ended child)",
               DuplicateHandle(GetCurrentProcess(), ev, pi.hProcess, &remote, 0,
                               FALSE, DUPLICATE_SAME_ACCESS));
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(r);
    CloseHandle(ev);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];

    SECTION("into a suspended child");
    into_suspended_child();
    SECTION("a suspended child terminated with handles duplicated into it");
    terminated_while_suspended();
    CONF_DONE();
}
