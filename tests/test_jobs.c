/*
 * test_jobs.c: job objects (issue 18): CreateJobObjectA, OpenJobObjectA,
 * AssignProcessToJobObject, TerminateJobObject, IsProcessInJob,
 * Set/QueryInformationJobObject (KILL_ON_JOB_CLOSE, the active process
 * limit, breakaway, basic accounting, the process id list), children
 * joining their parent's job, the completion port's messages (also for
 * processes assigned before the port, or by other processes, in time for
 * whoever saw the event), waiting on a job, jobs across processes (by
 * name, inherited, duplicated), nested jobs (the active process limit at
 * every level), a job that outlives its handles while it has processes,
 * and the owner killed with
 * SIGKILL (no process of its job survives; the full
 * 200 rounds of 20 processes with WINIPC_JOB_STRESS_ROUNDS=200).
 * Expected values: Microsoft's documentation of each function and
 * structure.
 */
#include "testlib.h"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static char self_exe[4096];

/* ---- Children -------------------------------------------------------------- */

/* sleep: stays until killed (a bounded time if nobody does). */
static int helper_sleep(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    Sleep(120000);
    return 0;
}

/*
 * member N FLAGS: starts N "sleep" children with creation flags FLAGS
 * (hex), writes "ERR PID..." (ERR: the first CreateProcessA error, or 0)
 * on its standard output, then waits for its standard input to end.
 */
static int helper_member(int argc, char **argv)
{
    char line[4096], cmd[8192];
    size_t len;
    DWORD err = 0, n;
    int count = argc > 0 ? atoi(argv[0]) : 0;
    DWORD flags = argc > 1 ? (DWORD)strtoul(argv[1], NULL, 16) : 0;
    DWORD pids[64];
    int got = 0;

    snprintf(cmd, sizeof cmd, "\"%s\" --helper sleep", self_exe);
    for (int i = 0; i < count && i < 64; i++) {
        PROCESS_INFORMATION pi;
        STARTUPINFOA si = {sizeof si};
        char *copy = strdup(cmd);
        if (CreateProcessA(NULL, copy, NULL, NULL, FALSE, flags, NULL, NULL,
                           &si, &pi)) {
            pids[got++] = pi.dwProcessId;
            CloseHandle(pi.hProcess);
            CloseHandle(pi.hThread);
        } else if (!err) {
            err = GetLastError();
        }
        free(copy);
    }
    len = (size_t)snprintf(line, sizeof line, "%lu", (unsigned long)err);
    for (int i = 0; i < got; i++)
        len += (size_t)snprintf(line + len, sizeof line - len, " %lu",
                                (unsigned long)pids[i]);
    line[len++] = '\n';
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), line, (DWORD)len, &n, NULL);
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), line, sizeof line, &n,
                    NULL) &&
           n)
        ;
    return 0;
}

/* Reads one line from h (without its '\n'). */
static void read_line(HANDLE h, char *buf, size_t cap)
{
    DWORD n, total = 0;
    while (total < cap - 1 && ReadFile(h, buf + total, 1, &n, NULL) &&
           n == 1 && buf[total] != '\n')
        total++;
    buf[total] = '\0';
}

/*
 * jobuse WHO ACTION: the job named WHO, or with WHO "h" the job handle
 * whose value comes on the first line of its standard input; then ACTION:
 * "term" (TerminateJobObject with code 77), "self" (assigns itself),
 * "none".  Writes "OPEN_ERR FLAGS TOTAL ACTIVE ACTION_ERR", then waits for
 * its standard input to end.
 */
static int helper_jobuse(int argc, char **argv)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE), job;
    JOBOBJECT_BASIC_LIMIT_INFORMATION bl;
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a;
    char line[256];
    DWORD open_err = 0, act_err = 0, n;
    size_t len;

    if (argc < 2)
        return 2;
    if (strcmp(argv[0], "h") == 0) {
        read_line(in, line, sizeof line);
        job = (HANDLE)(uintptr_t)strtoull(line, NULL, 0);
    } else {
        job = OpenJobObjectA(JOB_OBJECT_ALL_ACCESS, FALSE, argv[0]);
        if (!job)
            open_err = GetLastError();
    }
    memset(&bl, 0, sizeof bl);
    memset(&a, 0, sizeof a);
    QueryInformationJobObject(job, JobObjectBasicLimitInformation, &bl,
                              sizeof bl, NULL);
    QueryInformationJobObject(job, JobObjectBasicAccountingInformation, &a,
                              sizeof a, NULL);
    if (strcmp(argv[1], "term") == 0 && !TerminateJobObject(job, 77))
        act_err = GetLastError();
    if (strcmp(argv[1], "self") == 0 &&
        !AssignProcessToJobObject(job, GetCurrentProcess()))
        act_err = GetLastError();
    len = (size_t)snprintf(line, sizeof line, "%lu %lx %lu %lu %lu\n",
                           (unsigned long)open_err,
                           (unsigned long)bl.LimitFlags,
                           (unsigned long)a.TotalProcesses,
                           (unsigned long)a.ActiveProcesses,
                           (unsigned long)act_err);
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), line, (DWORD)len, &n, NULL);
    while (ReadFile(in, line, sizeof line, &n, NULL) && n)
        ;
    return 0;
}

struct member {
    PROCESS_INFORMATION pi;
    HANDLE in, out;
    DWORD err;
    DWORD kids[64];
    int n_kids;
};

/* Starts "--helper ARGS" suspended (inheriting the inheritable handles),
 * with pipes to it. */
static void helper_start(struct member *m, const char *args)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    HANDLE in_r, out_w;
    char cmd[8192];

    memset(m, 0, sizeof *m);
    CHECK_OK(CreatePipe(&in_r, &m->in, &sa, 0));
    CHECK_OK(CreatePipe(&m->out, &out_w, &sa, 0));
    SetHandleInformation(m->in, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(m->out, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_r;
    si.hStdOutput = out_w;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper %s", self_exe, args);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED,
                            NULL, NULL, &si, &m->pi));
    CloseHandle(in_r);
    CloseHandle(out_w);
}

/* Starts "member N FLAGS" suspended, with pipes to it. */
static void member_start(struct member *m, int n, DWORD flags)
{
    char args[64];
    snprintf(args, sizeof args, "member %d %lx", n, (unsigned long)flags);
    helper_start(m, args);
}

/* Resumes it and reads its report. */
static void member_run(struct member *m)
{
    char buf[4096], *p, *end;
    DWORD n, total = 0;

    CHECK_EQ(ResumeThread(m->pi.hThread), 1);
    while (total < sizeof buf - 1 &&
           ReadFile(m->out, buf + total, 1, &n, NULL) && n == 1 &&
           buf[total] != '\n')
        total++;
    buf[total] = '\0';
    m->err = (DWORD)strtoul(buf, &end, 10);
    for (p = end; *p && m->n_kids < 64;) {
        DWORD pid = (DWORD)strtoul(p, &end, 10);
        if (end == p)
            break;
        m->kids[m->n_kids++] = pid;
        p = end;
    }
}

/* Lets it end and closes everything of it. */
static void member_end(struct member *m)
{
    CloseHandle(m->in);
    WaitForSingleObject(m->pi.hProcess, 30000);
    CloseHandle(m->out);
    CloseHandle(m->pi.hProcess);
    CloseHandle(m->pi.hThread);
}

/* 1 once pid has ended (or is a zombie), waiting up to 10 s. */
static int gone(DWORD pid)
{
    for (int i = 0; i < 1000; i++) {
        char path[64], buf[512], *p;
        FILE *f;
        snprintf(path, sizeof path, "/proc/%lu/stat", (unsigned long)pid);
        f = fopen(path, "r");
        if (!f)
            return 1;
        p = fgets(buf, sizeof buf, f) ? strrchr(buf, ')') : NULL;
        fclose(f);
        if (p && (p[2] == 'Z' || p[2] == 'X'))
            return 1;
        usleep(10000); /* polling a process's end, bounded */
    }
    return 0;
}

static JOBOBJECT_BASIC_ACCOUNTING_INFORMATION accounting(HANDLE job)
{
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a;
    DWORD ret = 0;
    memset(&a, 0xcc, sizeof a);
    CHECK_OK(QueryInformationJobObject(job, JobObjectBasicAccountingInformation,
                                       &a, sizeof a, &ret));
    CHECK_EQ(ret, sizeof a);
    return a;
}

static void set_limits(HANDLE job, DWORD flags, DWORD active)
{
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION x;
    memset(&x, 0, sizeof x);
    x.BasicLimitInformation.LimitFlags = flags;
    x.BasicLimitInformation.ActiveProcessLimit = active;
    CHECK_OK(SetInformationJobObject(job, JobObjectExtendedLimitInformation,
                                     &x, sizeof x));
}

/* ---- Tests ------------------------------------------------------------------ */

static void test_create_open(void)
{
    const char *name = test_unique_name("job", "-", "a");
    HANDLE a, b, c;

    a = CreateJobObjectA(NULL, name);
    CHECK(a != NULL);
    SetLastError(0);
    b = CreateJobObjectA(NULL, name);
    CHECK(b != NULL && b != a);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    c = OpenJobObjectA(JOB_OBJECT_QUERY, FALSE, name);
    CHECK(c != NULL);
    /* One job: a limit set through one handle reads through the others. */
    set_limits(a, JOB_OBJECT_LIMIT_BREAKAWAY_OK, 0);
    JOBOBJECT_BASIC_LIMIT_INFORMATION bl;
    CHECK_OK(QueryInformationJobObject(c, JobObjectBasicLimitInformation, &bl,
                                       sizeof bl, NULL));
    CHECK_EQ(bl.LimitFlags, JOB_OBJECT_LIMIT_BREAKAWAY_OK);
    /* JOB_OBJECT_QUERY only: no setting through c. */
    CHECK_FAILS(SetInformationJobObject(c, JobObjectBasicLimitInformation, &bl,
                                        sizeof bl),
                ERROR_ACCESS_DENIED);
    CloseHandle(a);
    CloseHandle(b);
    CloseHandle(c);
    CHECK(OpenJobObjectA(JOB_OBJECT_QUERY, FALSE, name) == NULL);
    CHECK_EQ(GetLastError(), ERROR_FILE_NOT_FOUND);
    /* Not a job. */
    a = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_FAILS(TerminateJobObject(a, 1), ERROR_INVALID_HANDLE);
    CloseHandle(a);
}

static void test_limits_checked(void)
{
    HANDLE job = CreateJobObjectA(NULL, NULL);
    JOBOBJECT_BASIC_LIMIT_INFORMATION b;
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION x;
    DWORD ret = 0;

    memset(&b, 0, sizeof b);
    /* KILL_ON_JOB_CLOSE belongs to the extended structure. */
    b.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    CHECK_FAILS(SetInformationJobObject(job, JobObjectBasicLimitInformation,
                                        &b, sizeof b),
                ERROR_INVALID_PARAMETER);
    CHECK_FAILS(SetInformationJobObject(job, JobObjectBasicLimitInformation,
                                        &b, sizeof b - 1),
                ERROR_BAD_LENGTH);
    b.LimitFlags = JOB_OBJECT_LIMIT_PROCESS_TIME; /* not carried out */
    CHECK_FAILS(SetInformationJobObject(job, JobObjectBasicLimitInformation,
                                        &b, sizeof b),
                ERROR_NOT_SUPPORTED);
    set_limits(job, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE |
                        JOB_OBJECT_LIMIT_ACTIVE_PROCESS,
               3);
    memset(&x, 0xcc, sizeof x);
    CHECK_OK(QueryInformationJobObject(job, JobObjectExtendedLimitInformation,
                                       &x, sizeof x, &ret));
    CHECK_EQ(ret, sizeof x);
    CHECK_EQ(x.BasicLimitInformation.LimitFlags,
             JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE |
                 JOB_OBJECT_LIMIT_ACTIVE_PROCESS);
    CHECK_EQ(x.BasicLimitInformation.ActiveProcessLimit, 3);
    CHECK_EQ(x.ProcessMemoryLimit, 0);
    CHECK_FAILS(QueryInformationJobObject(job, JobObjectBasicLimitInformation,
                                          &x, sizeof x, &ret),
                ERROR_BAD_LENGTH);
    CloseHandle(job);
}

/* A process assigned while suspended, and the children it starts: all in
 * the job, counted, listed; TerminateJobObject ends them with its code. */
static void test_assign_children_terminate(void)
{
    HANDLE job = CreateJobObjectA(NULL, NULL);
    struct member m, other;
    BOOL in = TRUE;
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a;
    char buf[sizeof(JOBOBJECT_BASIC_PROCESS_ID_LIST) + 16 * sizeof(ULONG_PTR)];
    JOBOBJECT_BASIC_PROCESS_ID_LIST *l = (void *)buf;
    DWORD code = 0;

    a = accounting(job);
    CHECK_EQ(a.ActiveProcesses, 0);
    CHECK_EQ(a.TotalProcesses, 0);
    member_start(&m, 3, 0);
    member_start(&other, 0, 0);
    CHECK_OK(IsProcessInJob(m.pi.hProcess, job, &in));
    CHECK_EQ(in, FALSE);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess)); /* again: fine */
    CHECK_OK(IsProcessInJob(m.pi.hProcess, job, &in));
    CHECK_EQ(in, TRUE);
    CHECK_OK(IsProcessInJob(m.pi.hProcess, NULL, &in));
    CHECK_EQ(in, TRUE);
    CHECK_OK(IsProcessInJob(other.pi.hProcess, job, &in));
    CHECK_EQ(in, FALSE);
    CHECK_OK(IsProcessInJob(GetCurrentProcess(), NULL, &in));
    CHECK_EQ(in, FALSE);
    member_run(&m);
    member_run(&other);
    CHECK_EQ(m.err, 0);
    CHECK_EQ(m.n_kids, 3);
    /* Its children are in the job too. */
    a = accounting(job);
    CHECK_EQ(a.ActiveProcesses, 4);
    CHECK_EQ(a.TotalProcesses, 4);
    CHECK_EQ(a.TotalTerminatedProcesses, 0);
    CHECK_OK(QueryInformationJobObject(job, JobObjectBasicProcessIdList, l,
                                       sizeof buf, NULL));
    CHECK_EQ(l->NumberOfAssignedProcesses, 4);
    CHECK_EQ(l->NumberOfProcessIdsInList, 4);
    for (int k = 0; k < 3; k++) {
        int found = 0;
        for (DWORD i = 0; i < l->NumberOfProcessIdsInList; i++)
            found |= l->ProcessIdList[i] == m.kids[k];
        CHECK(found);
    }
    /* Too small for the list: ERROR_MORE_DATA, the count all the same. */
    CHECK_FAILS(QueryInformationJobObject(
                    job, JobObjectBasicProcessIdList, l,
                    sizeof(JOBOBJECT_BASIC_PROCESS_ID_LIST), NULL),
                ERROR_MORE_DATA);
    CHECK_EQ(l->NumberOfAssignedProcesses, 4);
    CHECK_EQ(l->NumberOfProcessIdsInList, 1);
    /* the header alone is too short (Wine's process.c:2839-2842) */
    CHECK_FAILS(QueryInformationJobObject(
                    job, JobObjectBasicProcessIdList, l,
                    offsetof(JOBOBJECT_BASIC_PROCESS_ID_LIST, ProcessIdList),
                    NULL),
                ERROR_BAD_LENGTH);

    CHECK_OK(TerminateJobObject(job, 42));
    CHECK_EQ(WaitForSingleObject(m.pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(m.pi.hProcess, &code));
    CHECK_EQ(code, 42);
    for (int k = 0; k < m.n_kids; k++)
        CHECK(gone(m.kids[k]));
    a = accounting(job);
    CHECK_EQ(a.ActiveProcesses, 0);
    CHECK_EQ(a.TotalProcesses, 4);
    /* Only limit violations count as terminated (the structure's
     * documentation), not TerminateJobObject. */
    CHECK_EQ(a.TotalTerminatedProcesses, 0);
    /* The other process was not touched. */
    CHECK_EQ(WaitForSingleObject(other.pi.hProcess, 0), WAIT_TIMEOUT);
    member_end(&other);
    member_end(&m);
    /* The job goes on: a process can be assigned again. */
    member_start(&m, 0, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    member_run(&m);
    CHECK_EQ(accounting(job).ActiveProcesses, 1);
    member_end(&m);
    CloseHandle(job);
}

/* KILL_ON_JOB_CLOSE: closing the last handle ends the job's processes,
 * grandchildren included; without it they go on. */
static void test_kill_on_close(void)
{
    HANDLE job = CreateJobObjectA(NULL, NULL);
    struct member m;

    set_limits(job, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, 0);
    member_start(&m, 2, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    member_run(&m);
    CHECK_EQ(m.n_kids, 2);
    CloseHandle(job);
    CHECK_EQ(WaitForSingleObject(m.pi.hProcess, 30000), WAIT_OBJECT_0);
    for (int k = 0; k < m.n_kids; k++)
        CHECK(gone(m.kids[k]));
    member_end(&m);

    job = CreateJobObjectA(NULL, NULL);
    member_start(&m, 1, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    member_run(&m);
    CloseHandle(job);
    CHECK_EQ(WaitForSingleObject(m.pi.hProcess, 200), WAIT_TIMEOUT);
    member_end(&m); /* it ends when asked */
    kill((pid_t)m.kids[0], SIGKILL);
}

/* JOB_OBJECT_LIMIT_ACTIVE_PROCESS: neither an assignment nor a child
 * beyond the limit. */
static void test_active_process_limit(void)
{
    HANDLE job = CreateJobObjectA(NULL, NULL);
    struct member m, m2;

    set_limits(job, JOB_OBJECT_LIMIT_ACTIVE_PROCESS, 1);
    member_start(&m, 1, 0);
    member_start(&m2, 0, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    /* "the process is terminated and the association fails". */
    CHECK_FAILS(AssignProcessToJobObject(job, m2.pi.hProcess),
                ERROR_NOT_ENOUGH_QUOTA);
    CHECK_EQ(WaitForSingleObject(m2.pi.hProcess, 30000), WAIT_OBJECT_0);
    member_run(&m);
    CHECK_EQ(m.err, ERROR_NOT_ENOUGH_QUOTA);
    CHECK_EQ(m.n_kids, 0);
    /* Both count as limit violations. */
    CHECK_EQ(accounting(job).TotalTerminatedProcesses, 2);
    CHECK_EQ(accounting(job).TotalProcesses, 1);
    member_end(&m);
    CloseHandle(m2.in);
    CloseHandle(m2.out);
    CloseHandle(m2.pi.hProcess);
    CloseHandle(m2.pi.hThread);
    CloseHandle(job);
}

/* CREATE_BREAKAWAY_FROM_JOB needs JOB_OBJECT_LIMIT_BREAKAWAY_OK; the child
 * that breaks away is in no job. */
static void test_breakaway(void)
{
    HANDLE job = CreateJobObjectA(NULL, NULL);
    struct member m;
    HANDLE kid;
    BOOL in = TRUE;

    member_start(&m, 1, CREATE_BREAKAWAY_FROM_JOB);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    member_run(&m);
    CHECK_EQ(m.err, ERROR_ACCESS_DENIED);
    CHECK_EQ(m.n_kids, 0);
    member_end(&m);

    set_limits(job, JOB_OBJECT_LIMIT_BREAKAWAY_OK, 0);
    member_start(&m, 1, CREATE_BREAKAWAY_FROM_JOB);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    member_run(&m);
    CHECK_EQ(m.err, 0);
    CHECK_EQ(m.n_kids, 1);
    kid = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_TERMINATE,
                      FALSE, m.kids[0]);
    CHECK(kid != NULL);
    CHECK_OK(IsProcessInJob(kid, job, &in));
    CHECK_EQ(in, FALSE);
    CHECK_OK(IsProcessInJob(kid, NULL, &in));
    CHECK_EQ(in, FALSE);
    /* Children that stay are in it. */
    CHECK_EQ(accounting(job).ActiveProcesses, 1);
    TerminateProcess(kid, 0);
    CloseHandle(kid);
    member_end(&m);
    CloseHandle(job);
}

/* The completion port hears NEW_PROCESS, EXIT_PROCESS and, once nothing
 * is left, ACTIVE_PROCESS_ZERO; the key is the one associated, the
 * "overlapped" the process id. */
static void test_completion_port(void)
{
    HANDLE job = CreateJobObjectA(NULL, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    JOBOBJECT_ASSOCIATE_COMPLETION_PORT assoc = {(PVOID)0x77, port};
    struct member m;
    DWORD msg, seen_new = 0, seen_exit = 0, seen_zero = 0;
    ULONG_PTR key;
    LPOVERLAPPED ov;

    CHECK_OK(SetInformationJobObject(
        job, JobObjectAssociateCompletionPortInformation, &assoc, sizeof assoc));
    member_start(&m, 0, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    member_run(&m);
    member_end(&m);
    while (!seen_zero &&
           GetQueuedCompletionStatus(port, &msg, &key, &ov, 10000)) {
        CHECK_EQ(key, 0x77);
        if (msg == JOB_OBJECT_MSG_NEW_PROCESS) {
            CHECK_EQ((DWORD)(uintptr_t)ov, m.pi.dwProcessId);
            seen_new++;
        } else if (msg == JOB_OBJECT_MSG_EXIT_PROCESS) {
            CHECK_EQ((DWORD)(uintptr_t)ov, m.pi.dwProcessId);
            CHECK_EQ(seen_new, 1);
            seen_exit++;
        } else if (msg == JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO) {
            CHECK_EQ(seen_exit, 1);
            seen_zero++;
        }
    }
    CHECK_EQ(seen_new, 1);
    CHECK_EQ(seen_exit, 1);
    CHECK_EQ(seen_zero, 1);
    CloseHandle(job);
    CloseHandle(port);
}

/* One port per job (JOBOBJECT_ASSOCIATE_COMPLETION_PORT): a second one is
 * refused with ERROR_INVALID_PARAMETER; NULL ends the association, after
 * which another port may be given, and only it hears the job. */
static void test_completion_port_association(void)
{
    HANDLE job = CreateJobObjectA(NULL, NULL);
    HANDLE port1 = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    HANDLE port2 = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    JOBOBJECT_ASSOCIATE_COMPLETION_PORT assoc = {(PVOID)0x88, NULL};
    JOBOBJECTINFOCLASS cls = JobObjectAssociateCompletionPortInformation;
    struct member m;
    DWORD msg, seen_new = 0, seen_zero = 0;
    ULONG_PTR key;
    LPOVERLAPPED ov;

    CHECK_OK(SetInformationJobObject(job, cls, &assoc, sizeof assoc));
    assoc.CompletionPort = port1;
    CHECK_OK(SetInformationJobObject(job, cls, &assoc, sizeof assoc));
    SetLastError(0xdeadbeef);
    CHECK(!SetInformationJobObject(job, cls, &assoc, sizeof assoc));
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    assoc.CompletionPort = port2;
    SetLastError(0xdeadbeef);
    CHECK(!SetInformationJobObject(job, cls, &assoc, sizeof assoc));
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    assoc.CompletionPort = NULL;
    CHECK_OK(SetInformationJobObject(job, cls, &assoc, sizeof assoc));
    assoc.CompletionPort = port2;
    CHECK_OK(SetInformationJobObject(job, cls, &assoc, sizeof assoc));

    member_start(&m, 0, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    member_run(&m);
    member_end(&m);
    while (!seen_zero &&
           GetQueuedCompletionStatus(port2, &msg, &key, &ov, 10000)) {
        CHECK_EQ(key, 0x88);
        seen_new += msg == JOB_OBJECT_MSG_NEW_PROCESS;
        seen_zero += msg == JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO;
    }
    CHECK_EQ(seen_new, 1);
    CHECK_EQ(seen_zero, 1);
    /* port 1's association ended before the process came */
    CHECK(!GetQueuedCompletionStatus(port1, &msg, &key, &ov, 0));
    CHECK_EQ(GetLastError(), WAIT_TIMEOUT);
    CloseHandle(job);
    CloseHandle(port1);
    CloseHandle(port2);
}

/* A job is signalled once TerminateJobObject has ended its processes, and
 * stays so (a process assigned afterwards does not reset it); a job whose
 * processes end by themselves is not (Wine's process.c
 * test_WaitForJobObject, which Windows passes;
 * JOBOBJECT_END_OF_JOB_TIME_INFORMATION). */
static void test_wait(void)
{
    HANDLE job = CreateJobObjectA(NULL, NULL), both[2];
    struct member m;
    DWORD code = 0;

    CHECK_EQ(WaitForSingleObject(job, 0), WAIT_TIMEOUT);
    member_start(&m, 0, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    member_run(&m);
    CHECK_EQ(WaitForSingleObject(job, 0), WAIT_TIMEOUT);
    CHECK_OK(TerminateJobObject(job, 5));
    CHECK_EQ(WaitForSingleObject(job, 10000), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(m.pi.hProcess, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(m.pi.hProcess, &code));
    CHECK_EQ(code, 5);
    member_end(&m);
    CHECK_EQ(WaitForSingleObject(job, 0), WAIT_OBJECT_0);
    member_start(&m, 0, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    member_run(&m);
    CHECK_EQ(WaitForSingleObject(job, 0), WAIT_OBJECT_0);
    both[0] = job;
    both[1] = m.pi.hProcess;
    CHECK_EQ(WaitForMultipleObjects(2, both, TRUE, 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForMultipleObjects(2, both, FALSE, 0), WAIT_OBJECT_0);
    member_end(&m);
    CloseHandle(job);

    job = CreateJobObjectA(NULL, NULL);
    member_start(&m, 0, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    member_run(&m);
    member_end(&m); /* it ends by itself */
    CHECK_EQ(accounting(job).ActiveProcesses, 0);
    CHECK_EQ(WaitForSingleObject(job, 0), WAIT_TIMEOUT);
    CloseHandle(job);
}

/* Reads jobuse's report: 1 if it has its five numbers. */
static int jobuse_report(struct member *u, unsigned long r[5])
{
    char line[256];
    read_line(u->out, line, sizeof line);
    return sscanf(line, "%lu %lx %lu %lu %lu", &r[0], &r[1], &r[2], &r[3],
                  &r[4]) == 5;
}

/* A job's name reaches the other processes of the user: a process that
 * opens it sees its limits and accounting and joins it; its handle keeps
 * the job (and the name) when the creator's goes, and when it goes too,
 * KILL_ON_JOB_CLOSE ends the job's processes. */
static void test_name_across_processes(void)
{
    const char *name = test_unique_name("job", "-", "x");
    HANDLE job = CreateJobObjectA(NULL, name), again;
    struct member m, u;
    unsigned long r[5] = {0};
    char args[512];
    BOOL in = FALSE;

    set_limits(job, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, 0);
    member_start(&m, 1, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    member_run(&m);
    CHECK_EQ(m.n_kids, 1);
    snprintf(args, sizeof args, "jobuse %s self", name);
    helper_start(&u, args);
    CHECK_EQ(ResumeThread(u.pi.hThread), 1);
    CHECK(jobuse_report(&u, r));
    CHECK_EQ(r[0], 0); /* opened */
    CHECK_EQ(r[1], JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE);
    CHECK_EQ(r[2], 2); /* the member and its child */
    CHECK_EQ(r[3], 2);
    CHECK_EQ(r[4], 0); /* it assigned itself */
    CHECK_OK(IsProcessInJob(u.pi.hProcess, job, &in));
    CHECK_EQ(in, TRUE);
    CHECK_EQ(accounting(job).TotalProcesses, 3);
    CHECK_EQ(accounting(job).ActiveProcesses, 3);
    /* The other process's handle keeps the job and its name. */
    CloseHandle(job);
    again = OpenJobObjectA(JOB_OBJECT_QUERY, FALSE, name);
    CHECK(again != NULL);
    if (again) {
        CHECK_EQ(accounting(again).ActiveProcesses, 3);
        CloseHandle(again);
    }
    /* A name another type holds is not a job's. */
    CHECK(CreateEventA(NULL, FALSE, FALSE, name) == NULL);
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    /* Its end closes the job's last handle. */
    CloseHandle(u.in);
    CHECK_EQ(WaitForSingleObject(u.pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(m.pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK(gone(m.kids[0]));
    CHECK(OpenJobObjectA(JOB_OBJECT_QUERY, FALSE, name) == NULL);
    CHECK_EQ(GetLastError(), ERROR_FILE_NOT_FOUND);
    CloseHandle(u.out);
    CloseHandle(u.pi.hProcess);
    CloseHandle(u.pi.hThread);
    member_end(&m);
}

/* Writes handle h's value on a line to u's standard input. */
static void send_handle(struct member *u, HANDLE h)
{
    char line[64];
    DWORD n;
    int len = snprintf(line, sizeof line, "%#llx\n",
                       (unsigned long long)(uintptr_t)h);
    CHECK_OK(WriteFile(u->in, line, (DWORD)len, &n, NULL));
}

/* A job handle is inherited (same value) and duplicated into another
 * process like any handle; there it reaches the same job: its limits, its
 * accounting, and TerminateJobObject, whose code every holder of the
 * process reads and whose signal every holder of the job sees. */
static void test_handle_across_processes(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE job = CreateJobObjectA(&sa, NULL), dup = NULL;
    struct member m, u;
    unsigned long r[5] = {0};
    DWORD code = 0;

    set_limits(job, JOB_OBJECT_LIMIT_BREAKAWAY_OK, 0);
    member_start(&m, 0, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    member_run(&m);
    /* Inherited: the same value in the child. */
    helper_start(&u, "jobuse h none");
    CHECK_EQ(ResumeThread(u.pi.hThread), 1);
    send_handle(&u, job);
    CHECK(jobuse_report(&u, r));
    CHECK_EQ(r[1], JOB_OBJECT_LIMIT_BREAKAWAY_OK);
    CHECK_EQ(r[2], 1);
    CHECK_EQ(r[3], 1);
    CHECK_EQ(r[4], 0);
    member_end(&u);
    CHECK_EQ(WaitForSingleObject(m.pi.hProcess, 0), WAIT_TIMEOUT);
    /* Duplicated into a running process, which ends the job. */
    SetHandleInformation(job, HANDLE_FLAG_INHERIT, 0);
    helper_start(&u, "jobuse h term");
    CHECK_EQ(ResumeThread(u.pi.hThread), 1);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), job, u.pi.hProcess, &dup, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    send_handle(&u, dup);
    CHECK(jobuse_report(&u, r));
    CHECK_EQ(r[1], JOB_OBJECT_LIMIT_BREAKAWAY_OK);
    CHECK_EQ(r[3], 1);
    CHECK_EQ(r[4], 0); /* terminated */
    CHECK_EQ(WaitForSingleObject(m.pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(m.pi.hProcess, &code));
    CHECK_EQ(code, 77);
    CHECK_EQ(WaitForSingleObject(job, 30000), WAIT_OBJECT_0);
    CHECK_EQ(accounting(job).ActiveProcesses, 0);
    member_end(&u);
    member_end(&m);
    CloseHandle(job);
}

/* A process that has run its program already cannot join the job's
 * process group: it is followed by its pid, and is in the job for every
 * question (IsProcessInJob with NULL, another job's assignment) and for
 * TerminateJobObject. */
static void test_running_process(void)
{
    HANDLE job = CreateJobObjectA(NULL, NULL), job2 = CreateJobObjectA(NULL, NULL);
    struct member m, m2;
    BOOL in = TRUE;
    DWORD code = 0;

    member_start(&m, 0, 0);
    member_run(&m); /* it runs its program */
    CHECK_OK(IsProcessInJob(m.pi.hProcess, NULL, &in));
    CHECK_EQ(in, FALSE);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    CHECK_OK(IsProcessInJob(m.pi.hProcess, NULL, &in));
    CHECK_EQ(in, TRUE);
    CHECK_OK(IsProcessInJob(m.pi.hProcess, job2, &in));
    CHECK_EQ(in, FALSE);
    CHECK_EQ(accounting(job).ActiveProcesses, 1);
    /* Into a second job that has processes: refused, as Windows refuses a
     * job that is neither empty nor in the process's job's hierarchy. */
    member_start(&m2, 0, 0);
    CHECK_OK(AssignProcessToJobObject(job2, m2.pi.hProcess));
    member_run(&m2);
    CHECK_FAILS(AssignProcessToJobObject(job2, m.pi.hProcess),
                ERROR_ACCESS_DENIED);
    CHECK_OK(TerminateJobObject(job, 3));
    CHECK_EQ(WaitForSingleObject(m.pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(m.pi.hProcess, &code));
    CHECK_EQ(code, 3);
    CHECK_EQ(WaitForSingleObject(m2.pi.hProcess, 0), WAIT_TIMEOUT);
    member_end(&m);
    member_end(&m2);
    CloseHandle(job);
    CloseHandle(job2);
}

/* A port associated after processes were assigned hears of them first:
 * NEW_PROCESS for each, as Windows posts them when the port is associated
 * (Wine's process.c test_CompletionPort), then the ones that come after. */
static void test_completion_port_backlog(void)
{
    HANDLE job = CreateJobObjectA(NULL, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    JOBOBJECT_ASSOCIATE_COMPLETION_PORT assoc = {(PVOID)0x55, port};
    struct member m, m2;
    DWORD msg = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = NULL;

    member_start(&m, 0, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    member_run(&m);
    CHECK_OK(SetInformationJobObject(
        job, JobObjectAssociateCompletionPortInformation, &assoc, sizeof assoc));
    member_start(&m2, 0, 0);
    CHECK_OK(AssignProcessToJobObject(job, m2.pi.hProcess));
    member_run(&m2);
    CHECK_OK(GetQueuedCompletionStatus(port, &msg, &key, &ov, 0));
    CHECK_EQ(msg, JOB_OBJECT_MSG_NEW_PROCESS);
    CHECK_EQ(key, 0x55);
    CHECK_EQ((DWORD)(uintptr_t)ov, m.pi.dwProcessId);
    CHECK_OK(GetQueuedCompletionStatus(port, &msg, &key, &ov, 0));
    CHECK_EQ(msg, JOB_OBJECT_MSG_NEW_PROCESS);
    CHECK_EQ((DWORD)(uintptr_t)ov, m2.pi.dwProcessId);
    member_end(&m);
    CHECK_OK(GetQueuedCompletionStatus(port, &msg, &key, &ov, 10000));
    CHECK_EQ(msg, JOB_OBJECT_MSG_EXIT_PROCESS);
    CHECK_EQ((DWORD)(uintptr_t)ov, m.pi.dwProcessId);
    member_end(&m2);
    CHECK_OK(GetQueuedCompletionStatus(port, &msg, &key, &ov, 10000));
    CHECK_EQ(msg, JOB_OBJECT_MSG_EXIT_PROCESS);
    CHECK_EQ((DWORD)(uintptr_t)ov, m2.pi.dwProcessId);
    CHECK_OK(GetQueuedCompletionStatus(port, &msg, &key, &ov, 10000));
    CHECK_EQ(msg, JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO);
    CloseHandle(job);
    CloseHandle(port);
}

/* The next message of port (waiting up to ms): its id, the process id in
 * *pid; 0 if none came.  The key must be key. */
static DWORD port_next(HANDLE port, ULONG_PTR key, DWORD *pid, DWORD ms)
{
    DWORD msg = 0;
    ULONG_PTR k = 0;
    LPOVERLAPPED ov = NULL;

    *pid = 0;
    if (!GetQueuedCompletionStatus(port, &msg, &k, &ov, ms))
        return 0;
    CHECK_EQ(k, key);
    *pid = (DWORD)(uintptr_t)ov;
    return msg;
}

/* Associates port with job under key. */
static void port_associate(HANDLE job, HANDLE port, ULONG_PTR key)
{
    JOBOBJECT_ASSOCIATE_COMPLETION_PORT assoc = {(PVOID)key, port};
    CHECK_OK(SetInformationJobObject(
        job, JobObjectAssociateCompletionPortInformation, &assoc, sizeof assoc));
}

/* The port hears of every process that joins the job, whichever process
 * assigned it or started it: a process that assigns itself through an
 * inherited handle, a child that a member starts.  Each message is in the
 * queue by the time the event can be seen (GetQueuedCompletionStatus with
 * no wait): NEW_PROCESS once the assignment or the creation has returned,
 * EXIT_PROCESS once a wait has seen the process end, as Windows posts them
 * from within the assignment and the process's exit. */
static void test_completion_port_other_processes(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE job = CreateJobObjectA(&sa, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    struct member m, u;
    unsigned long r[5] = {0};
    DWORD pid = 0;
    HANDLE kid;

    port_associate(job, port, 0x66);
    /* Another process assigns itself (its handle inherited). */
    helper_start(&u, "jobuse h self");
    SetHandleInformation(job, HANDLE_FLAG_INHERIT, 0);
    CHECK_EQ(ResumeThread(u.pi.hThread), 1);
    send_handle(&u, job);
    CHECK(jobuse_report(&u, r));
    CHECK_EQ(r[4], 0);
    CHECK_EQ(port_next(port, 0x66, &pid, 0), JOB_OBJECT_MSG_NEW_PROCESS);
    CHECK_EQ(pid, u.pi.dwProcessId);
    /* A member's child, started in the member's process. */
    member_start(&m, 1, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    member_run(&m);
    CHECK_EQ(m.n_kids, 1);
    CHECK_EQ(port_next(port, 0x66, &pid, 0), JOB_OBJECT_MSG_NEW_PROCESS);
    CHECK_EQ(pid, m.pi.dwProcessId);
    CHECK_EQ(port_next(port, 0x66, &pid, 0), JOB_OBJECT_MSG_NEW_PROCESS);
    CHECK_EQ(pid, m.n_kids ? m.kids[0] : 1);
    CHECK_EQ(port_next(port, 0x66, &pid, 0), 0);
    CHECK_EQ(GetLastError(), WAIT_TIMEOUT);
    /* Ends: each announced by the time its wait returns. */
    member_end(&u);
    CHECK_EQ(port_next(port, 0x66, &pid, 0), JOB_OBJECT_MSG_EXIT_PROCESS);
    CHECK_EQ(pid, u.pi.dwProcessId);
    kid = m.n_kids ? OpenProcess(SYNCHRONIZE | PROCESS_TERMINATE, FALSE,
                                 m.kids[0])
                   : NULL;
    CHECK(kid != NULL);
    CHECK_OK(TerminateProcess(kid, 3));
    CHECK_EQ(WaitForSingleObject(kid, 30000), WAIT_OBJECT_0);
    CHECK_EQ(port_next(port, 0x66, &pid, 0), JOB_OBJECT_MSG_EXIT_PROCESS);
    CHECK_EQ(pid, m.n_kids ? m.kids[0] : 1);
    CloseHandle(kid);
    member_end(&m);
    CHECK_EQ(port_next(port, 0x66, &pid, 0), JOB_OBJECT_MSG_EXIT_PROCESS);
    CHECK_EQ(pid, m.pi.dwProcessId);
    CHECK_EQ(port_next(port, 0x66, &pid, 0),
             JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO);
    CHECK_EQ(pid, 0);
    CloseHandle(job);
    CloseHandle(port);
}

/* A thread that waits on the port of an empty job hears of a process that
 * another process puts in the job while it waits: nothing in this process
 * looks at the job then (an empty job is not looked at periodically), so
 * the message comes through the job's bell, which the other process
 * rings when it writes the job's log. */
static void test_completion_port_bell(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE job = CreateJobObjectA(&sa, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    struct member u;
    unsigned long r[5] = {0};
    DWORD msg = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = NULL;

    port_associate(job, port, 0x99);
    helper_start(&u, "jobuse h self");
    SetHandleInformation(job, HANDLE_FLAG_INHERIT, 0);
    CHECK_EQ(ResumeThread(u.pi.hThread), 1);
    send_handle(&u, job);
    /* Waits (bounded) while the helper assigns itself. */
    CHECK_OK(GetQueuedCompletionStatus(port, &msg, &key, &ov, 20000));
    CHECK_EQ(msg, JOB_OBJECT_MSG_NEW_PROCESS);
    CHECK_EQ(key, 0x99);
    CHECK_EQ((DWORD)(uintptr_t)ov, u.pi.dwProcessId);
    CHECK(jobuse_report(&u, r));
    CHECK_EQ(r[4], 0);
    member_end(&u);
    CloseHandle(job);
    CloseHandle(port);
}

/* EXIT_PROCESS is in the queue as soon as the process's end can be seen,
 * round after round (Wine's process.c test_CompletionPort, 2985: its wait
 * for the process, then GetQueuedCompletionStatus without a wait). */
static void test_completion_port_exit_order(void)
{
    HANDLE job = CreateJobObjectA(NULL, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    DWORD pid = 0;

    port_associate(job, port, 0x44);
    for (int i = 0; i < 10; i++) {
        struct member m;
        member_start(&m, 0, 0);
        CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
        CHECK_EQ(port_next(port, 0x44, &pid, 0), JOB_OBJECT_MSG_NEW_PROCESS);
        CHECK_EQ(pid, m.pi.dwProcessId);
        CHECK_EQ(ResumeThread(m.pi.hThread), 1);
        CHECK_OK(TerminateProcess(m.pi.hProcess, 0));
        CHECK_EQ(WaitForSingleObject(m.pi.hProcess, 30000), WAIT_OBJECT_0);
        CHECK_EQ(port_next(port, 0x44, &pid, 0), JOB_OBJECT_MSG_EXIT_PROCESS);
        CHECK_EQ(pid, m.pi.dwProcessId);
        CHECK_EQ(port_next(port, 0x44, &pid, 0),
                 JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO);
        CloseHandle(m.in);
        CloseHandle(m.out);
        CloseHandle(m.pi.hProcess);
        CloseHandle(m.pi.hThread);
    }
    CloseHandle(job);
    CloseHandle(port);
}

/* TerminateJobObject: its port hears ACTIVE_PROCESS_ZERO, and no
 * EXIT_PROCESS for the processes it ended (Wine ends them so; Microsoft's
 * documentation names no message for it); a process that joins afterwards
 * is announced and ends as usual. */
static void test_completion_port_terminate(void)
{
    HANDLE job = CreateJobObjectA(NULL, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    struct member m;
    DWORD pid = 0;
    HANDLE kid;

    port_associate(job, port, 0x22);
    member_start(&m, 1, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    member_run(&m);
    CHECK_EQ(m.n_kids, 1);
    CHECK_EQ(port_next(port, 0x22, &pid, 0), JOB_OBJECT_MSG_NEW_PROCESS);
    CHECK_EQ(port_next(port, 0x22, &pid, 0), JOB_OBJECT_MSG_NEW_PROCESS);
    kid = m.n_kids ? OpenProcess(SYNCHRONIZE, FALSE, m.kids[0]) : NULL;
    CHECK(kid != NULL);
    CHECK_OK(TerminateJobObject(job, 4));
    CHECK_EQ(WaitForSingleObject(m.pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_EQ(kid ? WaitForSingleObject(kid, 30000) : WAIT_FAILED,
             WAIT_OBJECT_0);
    CHECK_EQ(port_next(port, 0x22, &pid, 0),
             JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO);
    CHECK_EQ(port_next(port, 0x22, &pid, 0), 0);
    CloseHandle(kid);
    member_end(&m);
    member_start(&m, 0, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    CHECK_EQ(port_next(port, 0x22, &pid, 0), JOB_OBJECT_MSG_NEW_PROCESS);
    member_run(&m);
    member_end(&m);
    CHECK_EQ(port_next(port, 0x22, &pid, 0), JOB_OBJECT_MSG_EXIT_PROCESS);
    CHECK_EQ(pid, m.pi.dwProcessId);
    CHECK_EQ(port_next(port, 0x22, &pid, 0),
             JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO);
    CloseHandle(job);
    CloseHandle(port);
}

/* exitcode CODE: says "r" on its standard output once a fault's signal
 * would kill it (a sanitizer's handlers taken away), then ExitProcess(CODE)
 * once its standard input ends. */
static int helper_exitcode(int argc, char **argv)
{
    static const int faults[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP,
                                 SIGINT};
    char buf[16];
    DWORD n;
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
        signal(faults[i], SIG_DFL);
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), "r\n", 2, &n, NULL);
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf, sizeof buf, &n,
                    NULL) &&
           n)
        ;
    ExitProcess(argc > 0 ? (UINT)strtoul(argv[0], NULL, 0) : 0);
}

/* JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS instead of EXIT_PROCESS for a
 * process that ends with one of the exit codes Microsoft's
 * JOBOBJECT_ASSOCIATE_COMPLETION_PORT page lists as abnormal (the
 * exception codes), or that Linux ends with a fault's signal (SIGSEGV,
 * the access violation's counterpart; SIGFPE, SIGILL, SIGBUS, SIGTRAP;
 * SIGINT, Ctrl+C's STATUS_CONTROL_C_EXIT); any other end is EXIT_PROCESS
 * (TerminateProcess with an ordinary code, SIGKILL, SIGTERM, an exit code
 * of 139, which is not a signal's here). */
static void test_completion_port_abnormal(void)
{
    static const struct {
        const char *how; /* "kill" SIG, "term" CODE, "exit" CODE */
        unsigned long arg;
        DWORD msg;
    } cases[] = {
        {"kill", SIGSEGV, JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS},
        {"kill", SIGFPE, JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS},
        {"kill", SIGINT, JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS},
        {"kill", SIGKILL, JOB_OBJECT_MSG_EXIT_PROCESS},
        {"kill", SIGTERM, JOB_OBJECT_MSG_EXIT_PROCESS},
        {"term", 0xC0000005ul, JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS},
        {"term", 0xC000013Aul, JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS},
        {"term", 3, JOB_OBJECT_MSG_EXIT_PROCESS},
        {"exit", 0xC0000094ul, JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS},
        {"exit", 0xC0000409ul, JOB_OBJECT_MSG_EXIT_PROCESS}, /* not listed */
        {"exit", 139, JOB_OBJECT_MSG_EXIT_PROCESS},
        {"exit", 0, JOB_OBJECT_MSG_EXIT_PROCESS},
    };
    HANDLE job = CreateJobObjectA(NULL, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    DWORD pid = 0, msg;
    char buf[16];

    port_associate(job, port, 0x88);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct member m;
        char args[64];
        snprintf(args, sizeof args, "exitcode %lu", cases[i].arg);
        helper_start(&m, args);
        CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
        CHECK_EQ(port_next(port, 0x88, &pid, 0), JOB_OBJECT_MSG_NEW_PROCESS);
        CHECK_EQ(ResumeThread(m.pi.hThread), 1);
        read_line(m.out, buf, sizeof buf); /* ready */
        CHECK_STR(buf, "r");
        if (strcmp(cases[i].how, "kill") == 0) {
            CHECK_EQ(kill((pid_t)m.pi.dwProcessId, (int)cases[i].arg), 0);
        } else if (strcmp(cases[i].how, "term") == 0) {
            CHECK_OK(TerminateProcess(m.pi.hProcess, (UINT)cases[i].arg));
        }
        CloseHandle(m.in); /* "exit": its input ends */
        CHECK_EQ(WaitForSingleObject(m.pi.hProcess, 30000), WAIT_OBJECT_0);
        msg = port_next(port, 0x88, &pid, 0);
        if (msg != cases[i].msg)
            printf("  case %zu (%s %lu)\n", i, cases[i].how, cases[i].arg);
        CHECK_EQ(msg, cases[i].msg);
        CHECK_EQ(pid, m.pi.dwProcessId);
        CHECK_EQ(port_next(port, 0x88, &pid, 0),
                 JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO);
        CloseHandle(m.out);
        CloseHandle(m.pi.hProcess);
        CloseHandle(m.pi.hThread);
    }
    CloseHandle(job);
    CloseHandle(port);
}

/* All the messages in port now (up to cap), with their keys and pids. */
static size_t port_drain(HANDLE port, DWORD *msgs, ULONG_PTR *keys,
                         DWORD *pids, size_t cap)
{
    size_t n = 0;
    DWORD msg;
    ULONG_PTR k;
    LPOVERLAPPED ov;
    while (n < cap && GetQueuedCompletionStatus(port, &msg, &k, &ov, 0)) {
        msgs[n] = msg;
        keys[n] = k;
        pids[n++] = (DWORD)(uintptr_t)ov;
    }
    return n;
}

/* IsProcessInJob's answer (checked to succeed). */
static BOOL in_job(HANDLE process, HANDLE job)
{
    BOOL in = 2;
    CHECK_OK(IsProcessInJob(process, job, &in));
    return in;
}

/* A member with one child (started with flags), assigned to outer, then to
 * inner, which that nests in outer; *kid a handle to its child. */
static void member_nested(struct member *m, HANDLE outer, HANDLE inner,
                          DWORD flags, HANDLE *kid)
{
    member_start(m, 1, flags);
    CHECK_OK(AssignProcessToJobObject(outer, m->pi.hProcess));
    CHECK_OK(AssignProcessToJobObject(inner, m->pi.hProcess));
    member_run(m);
    CHECK_EQ(m->err, 0);
    CHECK_EQ(m->n_kids, 1);
    *kid = m->n_kids < 1 ? NULL
                         : OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION |
                                           SYNCHRONIZE | PROCESS_TERMINATE,
                                       FALSE, m->kids[0]);
    CHECK(*kid != NULL);
}

/* Windows 8 and later (AssignProcessToJobObject): a process in a job
 * assigned to a second job that has never had a process nests the second
 * in the first.  The process is in both, counted in both, its children
 * are born in the inner job; ending the outer ends the inner's processes;
 * a job that has had processes cannot take a process of another job
 * (Wine's process.c test_nested_jobs, which Windows 8 passes). */
static void test_nested(void)
{
    HANDLE outer = CreateJobObjectA(NULL, NULL);
    HANDLE inner = CreateJobObjectA(NULL, NULL);
    HANDLE other = CreateJobObjectA(NULL, NULL), kid = NULL;
    struct member m, o;
    DWORD code = 0;

    member_nested(&m, outer, inner, 0, &kid);
    CHECK_EQ(in_job(m.pi.hProcess, outer), TRUE);
    CHECK_EQ(in_job(kid, inner), TRUE);
    CHECK_EQ(in_job(kid, outer), TRUE);
    CHECK_EQ(accounting(outer).ActiveProcesses, 2);
    CHECK_EQ(accounting(outer).TotalProcesses, 2);
    CHECK_EQ(accounting(inner).ActiveProcesses, 2);
    CHECK_EQ(accounting(inner).TotalProcesses, 2);
    /* Another job with a process of its own: neither empty nor in the
     * chain. */
    member_start(&o, 0, 0);
    CHECK_OK(AssignProcessToJobObject(other, o.pi.hProcess));
    member_run(&o);
    CHECK_FAILS(AssignProcessToJobObject(other, m.pi.hProcess),
                ERROR_ACCESS_DENIED);
    CHECK_FAILS(AssignProcessToJobObject(inner, o.pi.hProcess),
                ERROR_ACCESS_DENIED);
    /* The outer job ends the inner's processes too. */
    CHECK_OK(TerminateJobObject(outer, 9));
    CHECK_EQ(WaitForSingleObject(m.pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(m.pi.hProcess, &code));
    CHECK_EQ(code, 9);
    CHECK_EQ(kid ? WaitForSingleObject(kid, 30000) : WAIT_FAILED,
             WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(outer, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(o.pi.hProcess, 0), WAIT_TIMEOUT);
    CloseHandle(kid);
    member_end(&m);
    member_end(&o);
    CloseHandle(inner);
    CloseHandle(outer);
    CloseHandle(other);

    /* KILL_ON_JOB_CLOSE of the outer job reaches the inner job's group. */
    outer = CreateJobObjectA(NULL, NULL);
    inner = CreateJobObjectA(NULL, NULL);
    set_limits(outer, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, 0);
    member_nested(&m, outer, inner, 0, &kid);
    CloseHandle(outer);
    CHECK_EQ(WaitForSingleObject(m.pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_EQ(kid ? WaitForSingleObject(kid, 30000) : WAIT_FAILED,
             WAIT_OBJECT_0);
    CloseHandle(kid);
    member_end(&m);
    CloseHandle(inner);

    /* A child that breaks away from the inner job (BREAKAWAY_OK there)
     * is born in the outer one, which does not let it go. */
    outer = CreateJobObjectA(NULL, NULL);
    inner = CreateJobObjectA(NULL, NULL);
    set_limits(inner, JOB_OBJECT_LIMIT_BREAKAWAY_OK, 0);
    member_nested(&m, outer, inner, CREATE_BREAKAWAY_FROM_JOB, &kid);
    CHECK_EQ(in_job(kid, inner), FALSE);
    CHECK_EQ(in_job(kid, outer), TRUE);
    CHECK_EQ(accounting(inner).TotalProcesses, 1);
    CHECK_EQ(accounting(outer).TotalProcesses, 2);
    TerminateJobObject(outer, 0);
    CloseHandle(kid);
    member_end(&m);
    CloseHandle(inner);
    CloseHandle(outer);
}

/* JOB_OBJECT_LIMIT_ACTIVE_PROCESS holds at every level of a chain of
 * nested jobs: a child born in the inner job counts in the outer one, and
 * so does a process assigned to the inner job; the job whose limit it
 * would pass counts the violation, and its port hears
 * JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT (JOBOBJECT_BASIC_LIMIT_INFORMATION;
 * JOBOBJECT_ASSOCIATE_COMPLETION_PORT's message table). */
static void test_nested_active_limit(void)
{
    HANDLE outer = CreateJobObjectA(NULL, NULL);
    HANDLE inner = CreateJobObjectA(NULL, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    struct member m, x;
    DWORD pid = 0, msg;
    int limit_seen = 0;

    set_limits(outer, JOB_OBJECT_LIMIT_ACTIVE_PROCESS, 1);
    port_associate(outer, port, 0x33);
    member_start(&m, 1, 0);
    CHECK_OK(AssignProcessToJobObject(outer, m.pi.hProcess));
    CHECK_OK(AssignProcessToJobObject(inner, m.pi.hProcess));
    member_run(&m);
    /* Its child would be the outer job's second process. */
    CHECK_EQ(m.err, ERROR_NOT_ENOUGH_QUOTA);
    CHECK_EQ(m.n_kids, 0);
    CHECK_EQ(accounting(outer).TotalTerminatedProcesses, 1);
    CHECK_EQ(accounting(inner).TotalTerminatedProcesses, 0);
    /* So would a process assigned to the inner job. */
    member_start(&x, 0, 0);
    CHECK_FAILS(AssignProcessToJobObject(inner, x.pi.hProcess),
                ERROR_NOT_ENOUGH_QUOTA);
    CHECK_EQ(WaitForSingleObject(x.pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_EQ(accounting(outer).TotalTerminatedProcesses, 2);
    CHECK_EQ(accounting(inner).ActiveProcesses, 1);
    CHECK_EQ(accounting(outer).ActiveProcesses, 1);
    while ((msg = port_next(port, 0x33, &pid, 0)) != 0)
        if (msg == JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT) {
            CHECK_EQ(pid, 0);
            limit_seen++;
        }
    CHECK_EQ(limit_seen, 2);
    /* Within the limit, the inner job takes a process of the chain. */
    set_limits(outer, JOB_OBJECT_LIMIT_ACTIVE_PROCESS, 2);
    CloseHandle(x.in);
    CloseHandle(x.out);
    CloseHandle(x.pi.hProcess);
    CloseHandle(x.pi.hThread);
    member_start(&x, 0, 0);
    CHECK_OK(AssignProcessToJobObject(inner, x.pi.hProcess));
    member_run(&x);
    CHECK_EQ(accounting(outer).ActiveProcesses, 2);
    TerminateJobObject(outer, 0);
    member_end(&x);
    member_end(&m);
    CloseHandle(inner);
    CloseHandle(outer);
    CloseHandle(port);
}

/* One port associated with an outer job and with a job nested in it hears
 * of a process born in the inner job from both ("the message is sent to
 * every I/O completion port associated with any job in the parent job
 * chain of the job that triggered the message":
 * JOBOBJECT_ASSOCIATE_COMPLETION_PORT), and of a process that joins the
 * inner job from the outer one from the inner job alone.  (Their order,
 * inner first, is test_completion_port_nested_order's.) */
static void test_completion_port_nested(void)
{
    HANDLE outer = CreateJobObjectA(NULL, NULL);
    HANDLE inner = CreateJobObjectA(NULL, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    JOBOBJECT_ASSOCIATE_COMPLETION_PORT assoc = {(PVOID)1, port};
    JOBOBJECTINFOCLASS cls = JobObjectAssociateCompletionPortInformation;
    DWORD msg = 0, pid = 0, seen = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = NULL;
    struct member m;

    CHECK_OK(SetInformationJobObject(outer, cls, &assoc, sizeof assoc));
    assoc.CompletionKey = (PVOID)2;
    CHECK_OK(SetInformationJobObject(inner, cls, &assoc, sizeof assoc));
    member_start(&m, 1, 0);
    CHECK_OK(AssignProcessToJobObject(outer, m.pi.hProcess));
    CHECK_EQ(port_next(port, 1, &pid, 0), JOB_OBJECT_MSG_NEW_PROCESS);
    CHECK_EQ(pid, m.pi.dwProcessId);
    CHECK_OK(AssignProcessToJobObject(inner, m.pi.hProcess));
    CHECK_EQ(port_next(port, 2, &pid, 0), JOB_OBJECT_MSG_NEW_PROCESS);
    CHECK_EQ(pid, m.pi.dwProcessId);
    member_run(&m);
    CHECK_EQ(m.n_kids, 1);
    for (int i = 0; i < 2; i++) {
        CHECK_OK(GetQueuedCompletionStatus(port, &msg, &key, &ov, 0));
        CHECK_EQ(msg, JOB_OBJECT_MSG_NEW_PROCESS);
        CHECK_EQ((DWORD)(uintptr_t)ov, m.n_kids ? m.kids[0] : 1);
        seen |= key == 1 ? 1 : key == 2 ? 2 : 4;
    }
    CHECK_EQ(seen, 3);
    CHECK(!GetQueuedCompletionStatus(port, &msg, &key, &ov, 0));
    CHECK_EQ(GetLastError(), WAIT_TIMEOUT);
    TerminateJobObject(outer, 0);
    member_end(&m);
    CloseHandle(inner);
    CloseHandle(outer);
    CloseHandle(port);
}

/* TerminateJobObject of an outer job: the processes of a job nested in it
 * end in the nested job's turn, and the outer job's port hears
 * EXIT_PROCESS for them (Wine 8's terminate_job: its terminating flag is
 * set for the job whose processes it is ending, not for the jobs up its
 * chain; Microsoft's documentation says JOB_OBJECT_MSG_EXIT_PROCESS for
 * every process of a job that exits, and nothing against it); the nested
 * job's port, and the outer job's for its own processes, hear none. */
static void test_completion_port_terminate_nested(void)
{
    HANDLE outer = CreateJobObjectA(NULL, NULL);
    HANDLE inner = CreateJobObjectA(NULL, NULL);
    HANDLE po = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    HANDLE pi = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    DWORD msgs[16], pids[16];
    ULONG_PTR keys[16];
    struct member m, d;
    size_t n, exits = 0;
    HANDLE kid;

    port_associate(outer, po, 1);
    port_associate(inner, pi, 2);
    member_nested(&m, outer, inner, 0, &kid);
    member_start(&d, 0, 0);
    CHECK_OK(AssignProcessToJobObject(outer, d.pi.hProcess));
    member_run(&d);
    n = port_drain(po, msgs, keys, pids, 16);
    CHECK_EQ(n, 3); /* NEW_PROCESS: m, its kid, d */
    n = port_drain(pi, msgs, keys, pids, 16);
    CHECK_EQ(n, 2); /* m, its kid */
    CHECK_OK(TerminateJobObject(outer, 5));
    CHECK_EQ(WaitForSingleObject(m.pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(d.pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_EQ(kid ? WaitForSingleObject(kid, 30000) : WAIT_FAILED,
             WAIT_OBJECT_0);
    n = port_drain(po, msgs, keys, pids, 16);
    for (size_t i = 0; i < n; i++) {
        CHECK(msgs[i] != JOB_OBJECT_MSG_EXIT_PROCESS ||
              pids[i] != d.pi.dwProcessId);
        if (msgs[i] == JOB_OBJECT_MSG_EXIT_PROCESS &&
            (pids[i] == m.pi.dwProcessId ||
             (m.n_kids && pids[i] == m.kids[0])))
            exits++;
    }
    CHECK_EQ(exits, 2);
    CHECK_EQ(n, 3);
    CHECK_EQ(n ? msgs[n - 1] : 0, JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO);
    n = port_drain(pi, msgs, keys, pids, 16);
    CHECK_EQ(n, 1);
    CHECK_EQ(msgs[0], JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO);
    CloseHandle(kid);
    member_end(&m);
    member_end(&d);
    CloseHandle(inner);
    CloseHandle(outer);
    CloseHandle(po);
    CloseHandle(pi);
}

/* One port associated with an outer job first, then with a job nested in
 * it: the two messages of one event come the inner job's first, as
 * Windows posts them up the chain (Wine's process.c test_nested_jobs,
 * 4928-4929), also for a process that another process starts and ends. */
static void test_completion_port_nested_order(void)
{
    HANDLE outer = CreateJobObjectA(NULL, NULL);
    HANDLE inner = CreateJobObjectA(NULL, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    DWORD msgs[16], pids[16], k0;
    ULONG_PTR keys[16];
    struct member m;
    size_t n;
    HANDLE kid;

    port_associate(outer, port, 1);
    port_associate(inner, port, 2);
    member_nested(&m, outer, inner, 0, &kid);
    k0 = m.n_kids ? m.kids[0] : 1;
    n = port_drain(port, msgs, keys, pids, 16);
    CHECK_EQ(n, 4);
    /* m: outer, then inner (two assignments); its kid: inner, outer. */
    CHECK(n == 4 && keys[0] == 1 && keys[1] == 2 && pids[0] == pids[1]);
    CHECK(n == 4 && pids[2] == k0 && keys[2] == 2 && msgs[2] ==
                                                         JOB_OBJECT_MSG_NEW_PROCESS);
    CHECK(n == 4 && pids[3] == k0 && keys[3] == 1 && msgs[3] ==
                                                         JOB_OBJECT_MSG_NEW_PROCESS);
    CHECK_OK(TerminateProcess(kid, 1));
    CHECK_EQ(WaitForSingleObject(kid, 30000), WAIT_OBJECT_0);
    n = port_drain(port, msgs, keys, pids, 16);
    CHECK_EQ(n, 2);
    CHECK(n == 2 && pids[0] == k0 && keys[0] == 2 &&
          msgs[0] == JOB_OBJECT_MSG_EXIT_PROCESS);
    CHECK(n == 2 && pids[1] == k0 && keys[1] == 1 &&
          msgs[1] == JOB_OBJECT_MSG_EXIT_PROCESS);
    member_end(&m);
    n = port_drain(port, msgs, keys, pids, 16);
    /* m's ends, the inner job's first, each followed by its job's
     * ACTIVE_PROCESS_ZERO (Wine's release_job_process order). */
    CHECK_EQ(n, 4);
    CHECK(n == 4 && keys[0] == 2 && msgs[0] == JOB_OBJECT_MSG_EXIT_PROCESS);
    CHECK(n == 4 && keys[1] == 2 &&
          msgs[1] == JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO);
    CHECK(n == 4 && keys[2] == 1 && msgs[2] == JOB_OBJECT_MSG_EXIT_PROCESS);
    CHECK(n == 4 && keys[3] == 1 &&
          msgs[3] == JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO);
    CloseHandle(kid);
    CloseHandle(inner);
    CloseHandle(outer);
    CloseHandle(port);
}

/* A job whose last handle goes without KILL_ON_JOB_CLOSE stays while
 * processes are in it, as on Windows (a process holds its job): they are
 * still in a job, its limits still hold for their children, and a job
 * nested in it stays in its chain; a nested job without handles stays
 * in the chain too, counted and ended with its parent. */
static void test_job_outlives_handles(void)
{
    HANDLE job = CreateJobObjectA(NULL, NULL), outer, inner, kid = NULL;
    struct member m;
    BOOL in = FALSE;
    DWORD code = 0;

    /* Its active process limit of 1 still refuses the member's child. */
    set_limits(job, JOB_OBJECT_LIMIT_ACTIVE_PROCESS, 1);
    member_start(&m, 1, 0);
    CHECK_OK(AssignProcessToJobObject(job, m.pi.hProcess));
    CloseHandle(job);
    member_run(&m);
    CHECK_EQ(m.err, ERROR_NOT_ENOUGH_QUOTA);
    CHECK_EQ(m.n_kids, 0);
    CHECK_OK(IsProcessInJob(m.pi.hProcess, NULL, &in));
    CHECK_EQ(in, TRUE);
    member_end(&m);

    /* The inner job's handle goes: its processes are still counted in the
     * outer job, which ends them. */
    outer = CreateJobObjectA(NULL, NULL);
    inner = CreateJobObjectA(NULL, NULL);
    member_nested(&m, outer, inner, 0, &kid);
    CloseHandle(inner);
    CHECK_EQ(accounting(outer).ActiveProcesses, 2);
    CHECK_EQ(accounting(outer).TotalProcesses, 2);
    CHECK_EQ(in_job(kid, outer), TRUE);
    CHECK_EQ(in_job(kid, NULL), TRUE);
    CHECK_OK(TerminateJobObject(outer, 8));
    CHECK_EQ(WaitForSingleObject(m.pi.hProcess, 30000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(m.pi.hProcess, &code));
    CHECK_EQ(code, 8);
    CHECK_EQ(kid ? WaitForSingleObject(kid, 30000) : WAIT_FAILED,
             WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(kid, &code));
    CHECK_EQ(code, 8);
    CloseHandle(kid);
    member_end(&m);
    CloseHandle(outer);
}

/* ---- The owner killed -------------------------------------------------------- */

/*
 * owner N: a job with KILL_ON_JOB_CLOSE; N members assigned while
 * suspended, each starting 1 winipc child and a shell with a child of its
 * own (non-winipc grandchildren); writes the job's process ids, one line,
 * then waits to be killed.
 */
static int helper_owner(int argc, char **argv)
{
    HANDLE job = CreateJobObjectA(NULL, NULL);
    int n = argc > 0 ? atoi(argv[0]) : 1;
    char line[8192];
    size_t len = 0;
    DWORD w;

    set_limits(job, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, 0);
    for (int i = 0; i < n; i++) {
        struct member m;
        STARTUPINFOA si = {sizeof si};
        PROCESS_INFORMATION pi;
        char sh[] = "/bin/sh -c \"sleep 120 & sleep 120\"";
        member_start(&m, 1, 0);
        if (!AssignProcessToJobObject(job, m.pi.hProcess))
            return 10;
        member_run(&m);
        if (m.err || m.n_kids != 1) {
            /* Said, not hidden: the test sees a short list. */
            fprintf(stderr, "owner: a member's CreateProcessA failed: %lu\n",
                    (unsigned long)m.err);
            return 12;
        }
        len += (size_t)snprintf(line + len, sizeof line - len, "%lu %lu ",
                                (unsigned long)m.pi.dwProcessId,
                                (unsigned long)m.kids[0]);
        /* The shell is assigned too; its two sleeps are born in the job. */
        if (!CreateProcessA(NULL, sh, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL,
                            NULL, &si, &pi) ||
            !AssignProcessToJobObject(job, pi.hProcess))
            return 11;
        ResumeThread(pi.hThread);
        len += (size_t)snprintf(line + len, sizeof line - len, "%lu ",
                                (unsigned long)pi.dwProcessId);
    }
    line[len++] = '\n';
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), line, (DWORD)len, &w, NULL);
    Sleep(120000);
    return 0;
}

/* The processes whose process group is pgid. */
static int group_count(pid_t pgid)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)) != NULL) {
        long pid = strtol(e->d_name, NULL, 10);
        char path[64], buf[512], *p;
        FILE *f;
        if (pid <= 0)
            continue;
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        if (!(f = fopen(path, "r")))
            continue;
        p = fgets(buf, sizeof buf, f) ? strrchr(buf, ')') : NULL;
        fclose(f);
        if (p) {
            char state;
            long ppid, pgrp;
            if (sscanf(p + 2, "%c %ld %ld", &state, &ppid, &pgrp) == 3 &&
                pgrp == pgid && state != 'Z')
                n++;
        }
    }
    if (d)
        closedir(d);
    return n;
}

static void owner_round(int n)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    HANDLE rd, wr;
    char cmd[8192], buf[8192];
    DWORD got = 0, r;
    pid_t pids[256], pgid = 0;
    int np = 0;
    char *p, *end;

    CHECK_OK(CreatePipe(&rd, &wr, &sa, 0));
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = wr;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" --helper owner %d", self_exe, n);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si,
                            &pi));
    CloseHandle(wr);
    while (got < sizeof buf - 1 && ReadFile(rd, buf + got, 1, &r, NULL) &&
           r == 1 && buf[got] != '\n')
        got++;
    buf[got] = '\0';
    for (p = buf; np < 256;) {
        long v = strtol(p, &end, 10);
        if (end == p)
            break;
        pids[np++] = (pid_t)v;
        p = end;
    }
    CHECK_EQ(np, 3 * n);
    if (np > 0)
        pgid = getpgid(pids[0]);
    CHECK(pgid > 1);
    /* Every member, child and shell is in one group: the job's. */
    for (int i = 0; i < np; i++)
        CHECK_EQ(getpgid(pids[i]), pgid);
    CHECK_OK(TerminateProcess(pi.hProcess, 9)); /* SIGKILL */
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
    for (int i = 0; i < np; i++)
        CHECK(gone((DWORD)pids[i]));
    /* Nothing left of the group, the shells' sleeps included. */
    for (int i = 0; i < 1000 && pgid > 1 && group_count(pgid) > 0; i++)
        usleep(10000);
    CHECK_EQ(pgid > 1 ? group_count(pgid) : 0, 0);
    CloseHandle(rd);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}

/* 20 processes a round (members, their children, shells, the shells'
 * two sleeps: n = 4 gives 4 * 5 = 20); 5 rounds here, 200 with
 * WINIPC_JOB_STRESS_ROUNDS=200. */
static void test_owner_killed(void)
{
    const char *env = getenv("WINIPC_JOB_STRESS_ROUNDS");
    int rounds = env ? atoi(env) : 5;
    int before = test_failures;

    for (int i = 0; i < rounds && test_failures == before; i++)
        owner_round(4);
    if (test_failures != before)
        printf("  (failed in a round of %d)\n", rounds);
}

int main(int argc, char **argv)
{
    snprintf(self_exe, sizeof self_exe, "%s", test_self_exe());
    TEST_HELPERS(argc, argv, {"sleep", helper_sleep},
                 {"member", helper_member}, {"owner", helper_owner},
                 {"jobuse", helper_jobuse}, {"exitcode", helper_exitcode});
    RUN(test_create_open);
    RUN(test_limits_checked);
    RUN(test_assign_children_terminate);
    RUN(test_kill_on_close);
    RUN(test_job_outlives_handles);
    RUN(test_active_process_limit);
    RUN(test_breakaway);
    RUN(test_completion_port);
    RUN(test_completion_port_association);
    RUN(test_completion_port_backlog);
    RUN(test_completion_port_other_processes);
    RUN(test_completion_port_exit_order);
    RUN(test_completion_port_bell);
    RUN(test_completion_port_terminate);
    RUN(test_wait);
    RUN(test_running_process);
    RUN(test_name_across_processes);
    RUN(test_handle_across_processes);
    RUN(test_nested);
    RUN(test_nested_active_limit);
    RUN(test_completion_port_nested);
    RUN(test_completion_port_abnormal);
    RUN(test_completion_port_terminate_nested);
    RUN(test_completion_port_nested_order);
    RUN(test_owner_killed);
    return TEST_SUMMARY();
}
