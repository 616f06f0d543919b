/*
 * job_objects: a job with a child and a grandchild (issue 18): the child,
 * assigned while suspended, starts the grandchild, which is born in the
 * job; the basic accounting counts both; IsProcessInJob; the process id
 * list; closing the last handle of a job with KILL_ON_JOB_CLOSE ends them
 * both; TerminateJobObject ends them with its code; the active process
 * limit; waiting on a job; a port associated after the processes; a job
 * reached from another process by its name and through an inherited
 * handle; nested jobs (Windows 8 and later).  Children do not print.
 */
#include <tchar.h>
#include <windows.h>

#include <stddef.h>
#include <stdlib.h>

#include "conf_proc.h"

/* "leaf": stays (20 s at most) until killed. */
static int leaf_main(void)
{
    Sleep(20000);
    return 5;
}

/* "member": starts a leaf, then stays (20 s at most) until killed. */
static int member_main(void)
{
    PROCESS_INFORMATION pi;
    if (!conf_start("leaf", FALSE, 0, NULL, NULL, NULL, &pi))
        return 200;
    Sleep(20000);
    return 6;
}

static JOBOBJECT_BASIC_ACCOUNTING_INFORMATION accounting(HANDLE job);

/* "opener NAME": opens the job of that name, assigns itself to it, and
 * ends with its accounting's total process count (the error + 100 if
 * something fails). */
static int opener_main(const char *name)
{
    HANDLE job = OpenJobObjectA(JOB_OBJECT_ALL_ACCESS, FALSE, name);
    if (!job)
        return 100 + (int)GetLastError();
    if (!AssignProcessToJobObject(job, GetCurrentProcess()))
        return 100 + (int)GetLastError();
    return (int)accounting(job).TotalProcesses;
}

/* "user VALUE": ends the job whose inherited handle is VALUE with code 33
 * (the error + 100 if it fails). */
static int user_main(const char *value)
{
    HANDLE job = (HANDLE)(uintptr_t)strtoull(value, NULL, 0);
    if (!TerminateJobObject(job, 33))
        return 100 + (int)GetLastError();
    return 0;
}

static JOBOBJECT_BASIC_ACCOUNTING_INFORMATION accounting(HANDLE job)
{
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a;
    memset(&a, 0, sizeof a);
    QueryInformationJobObject(job, JobObjectBasicAccountingInformation, &a,
                              sizeof a, NULL);
    return a;
}

/* Waits (10 s at most) until the job has n active processes. */
static void await_active(HANDLE job, DWORD n)
{
    for (int i = 0; i < 1000 && accounting(job).ActiveProcesses != n; i++)
        Sleep(10);
}

/* A job with the member (assigned suspended) and its leaf running; *leaf
 * a handle to the leaf (from the job's process id list). */
static HANDLE start(HANDLE job, PROCESS_INFORMATION *pi, HANDLE *leaf)
{
    char buf[sizeof(JOBOBJECT_BASIC_PROCESS_ID_LIST) + 8 * sizeof(ULONG_PTR)];
    JOBOBJECT_BASIC_PROCESS_ID_LIST *l = (JOBOBJECT_BASIC_PROCESS_ID_LIST *)buf;
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a;
    BOOL in = FALSE;

    *leaf = NULL;
    if (!conf_start("member", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL, pi)) {
        printf("CreateProcessA: FALSE, %s\n", conf_error(GetLastError()));
        return job;
    }
    CHECK_BOOL("AssignProcessToJobObject(child)",
               AssignProcessToJobObject(job, pi->hProcess));
    ResumeThread(pi->hThread);
    await_active(job, 2);
    a = accounting(job);
    printf("  active %u, total %u, terminated %u\n",
           (unsigned)a.ActiveProcesses, (unsigned)a.TotalProcesses,
           (unsigned)a.TotalTerminatedProcesses);
    IsProcessInJob(pi->hProcess, job, &in);
    printf("  IsProcessInJob(child, job): %s\n", in ? "TRUE" : "FALSE");
    in = TRUE;
    IsProcessInJob(GetCurrentProcess(), job, &in);
    printf("  IsProcessInJob(this process, job): %s\n", in ? "TRUE" : "FALSE");
    memset(buf, 0, sizeof buf);
    if (QueryInformationJobObject(job, JobObjectBasicProcessIdList, l,
                                  sizeof buf, NULL)) {
        printf("  process id list: %u of %u\n",
               (unsigned)l->NumberOfProcessIdsInList,
               (unsigned)l->NumberOfAssignedProcesses);
        for (DWORD i = 0; i < l->NumberOfProcessIdsInList; i++)
            if (l->ProcessIdList[i] != pi->dwProcessId)
                *leaf = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_INFORMATION,
                                    FALSE, (DWORD)l->ProcessIdList[i]);
    }
    printf("  the grandchild is in the list: %s\n", *leaf ? "yes" : "no");
    CHECK_BOOL("  process id list, the header's size only",
               QueryInformationJobObject(
                   job, JobObjectBasicProcessIdList, l,
                   offsetof(JOBOBJECT_BASIC_PROCESS_ID_LIST, ProcessIdList),
                   NULL));
    return job;
}

/* SetInformationJobObject(JobObjectAssociateCompletionPortInformation). */
static void associate(HANDLE job, const char *label, HANDLE port)
{
    JOBOBJECT_ASSOCIATE_COMPLETION_PORT a = {(PVOID)1, port};
    CHECK_BOOL(label, SetInformationJobObject(
                          job, JobObjectAssociateCompletionPortInformation,
                          &a, sizeof a));
}

int main(int argc, char **argv)
{
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION x;
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a;
    PROCESS_INFORMATION pi, pi2;
    HANDLE job, leaf, port1, port2;
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    DWORD code = 0, msg = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = NULL;
    char args[128];

    *conf_self_slot() = argv[0];
    if (argc == 2 && strcmp(argv[1], "leaf") == 0)
        return leaf_main();
    if (argc == 2 && strcmp(argv[1], "member") == 0)
        return member_main();
    if (argc == 3 && strcmp(argv[1], "opener") == 0)
        return opener_main(argv[2]);
    if (argc == 3 && strcmp(argv[1], "user") == 0)
        return user_main(argv[2]);
    if (argc > 1)
        return 99;
    conf_reserve_handles();

    SECTION("KILL_ON_JOB_CLOSE");
    job = CreateJobObjectA(NULL, NULL);
    printf("CreateJobObjectA: %s\n", job ? "a handle" : "NULL");
    memset(&x, 0, sizeof x);
    x.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    CHECK_BOOL("SetInformationJobObject(extended, KILL_ON_JOB_CLOSE)",
               SetInformationJobObject(job, JobObjectExtendedLimitInformation,
                                       &x, sizeof x));
    CHECK_BOOL("SetInformationJobObject(basic, KILL_ON_JOB_CLOSE)",
               SetInformationJobObject(job, JobObjectBasicLimitInformation,
                                       &x, sizeof x.BasicLimitInformation));
    start(job, &pi, &leaf);
    CHECK_BOOL("CloseHandle(job)", CloseHandle(job));
    CHECK_WAIT("  the child", WaitForSingleObject(pi.hProcess, 10000));
    CHECK_WAIT("  the grandchild",
               leaf ? WaitForSingleObject(leaf, 10000) : WAIT_FAILED);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(leaf);

    SECTION("TerminateJobObject");
    job = CreateJobObjectA(NULL, NULL);
    start(job, &pi, &leaf);
    CHECK_BOOL("TerminateJobObject(job, 42)", TerminateJobObject(job, 42));
    CHECK_WAIT("  the child", WaitForSingleObject(pi.hProcess, 10000));
    GetExitCodeProcess(pi.hProcess, &code);
    printf("  the child's exit code: %u\n", (unsigned)code);
    CHECK_WAIT("  the grandchild",
               leaf ? WaitForSingleObject(leaf, 10000) : WAIT_FAILED);
    await_active(job, 0);
    a = accounting(job);
    printf("  active %u, total %u, terminated %u\n",
           (unsigned)a.ActiveProcesses, (unsigned)a.TotalProcesses,
           (unsigned)a.TotalTerminatedProcesses);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(leaf);

    SECTION("JOB_OBJECT_LIMIT_ACTIVE_PROCESS 1");
    memset(&x, 0, sizeof x);
    x.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_ACTIVE_PROCESS |
                                         JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    x.BasicLimitInformation.ActiveProcessLimit = 1;
    CHECK_BOOL("SetInformationJobObject(extended, ACTIVE_PROCESS 1)",
               SetInformationJobObject(job, JobObjectExtendedLimitInformation,
                                       &x, sizeof x));
    if (conf_start("leaf", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL, &pi) &&
        conf_start("leaf", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL, &pi2)) {
        CHECK_BOOL("AssignProcessToJobObject(first)",
                   AssignProcessToJobObject(job, pi.hProcess));
        CHECK_BOOL("AssignProcessToJobObject(second)",
                   AssignProcessToJobObject(job, pi2.hProcess));
        TerminateProcess(pi.hProcess, 1);
        TerminateProcess(pi2.hProcess, 1);
        conf_exit_code(&pi);
        conf_exit_code(&pi2);
    }
    CloseHandle(job);

    SECTION("JobObjectAssociateCompletionPortInformation");
    job = CreateJobObjectA(NULL, NULL);
    port1 = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    port2 = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    associate(job, "NULL, no port yet", NULL);
    associate(job, "port 1", port1);
    associate(job, "port 1 again", port1);
    associate(job, "port 2 while port 1 is associated", port2);
    associate(job, "NULL after port 1", NULL);
    CloseHandle(job);
    CloseHandle(port1);
    CloseHandle(port2);

    SECTION("A port associated after the processes");
    job = CreateJobObjectA(NULL, NULL);
    port1 = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    if (conf_start("leaf", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL, &pi)) {
        CHECK_BOOL("AssignProcessToJobObject(leaf)",
                   AssignProcessToJobObject(job, pi.hProcess));
        ResumeThread(pi.hThread);
        associate(job, "port 1", port1);
        CHECK_BOOL("GetQueuedCompletionStatus(0 ms)",
                   GetQueuedCompletionStatus(port1, &msg, &key, &ov, 0));
        printf("  message %u, key %u, the leaf's id: %s\n", (unsigned)msg,
               (unsigned)key,
               (DWORD)(uintptr_t)ov == pi.dwProcessId ? "yes" : "no");
        TerminateProcess(pi.hProcess, 1);
        conf_exit_code(&pi);
    }
    CloseHandle(job);
    CloseHandle(port1);

    SECTION("Waiting on a job");
    job = CreateJobObjectA(NULL, NULL);
    CHECK_WAIT("a new job", WaitForSingleObject(job, 0));
    if (conf_start("leaf", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL, &pi)) {
        AssignProcessToJobObject(job, pi.hProcess);
        ResumeThread(pi.hThread);
        CHECK_WAIT("a job with a process", WaitForSingleObject(job, 0));
        CHECK_BOOL("TerminateJobObject(job, 3)", TerminateJobObject(job, 3));
        CHECK_WAIT("after TerminateJobObject", WaitForSingleObject(job, 10000));
        CHECK_WAIT("again", WaitForSingleObject(job, 0));
        conf_exit_code(&pi);
    }
    if (conf_start("leaf", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL, &pi)) {
        AssignProcessToJobObject(job, pi.hProcess);
        ResumeThread(pi.hThread);
        CHECK_WAIT("with a process assigned since", WaitForSingleObject(job, 0));
        TerminateProcess(pi.hProcess, 1);
        conf_exit_code(&pi);
    }
    CloseHandle(job);
    job = CreateJobObjectA(NULL, NULL);
    if (conf_start("leaf", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL, &pi)) {
        AssignProcessToJobObject(job, pi.hProcess);
        ResumeThread(pi.hThread);
        TerminateProcess(pi.hProcess, 1);
        conf_exit_code(&pi);
        await_active(job, 0);
        CHECK_WAIT("its process ended by TerminateProcess",
                   WaitForSingleObject(job, 0));
    }
    CloseHandle(job);

    SECTION("A job across processes");
    snprintf(args, sizeof args, "winipc_conf_job_%lu",
             (unsigned long)GetCurrentProcessId());
    job = CreateJobObjectA(&sa, args);
    if (conf_start("leaf", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL, &pi)) {
        AssignProcessToJobObject(job, pi.hProcess);
        ResumeThread(pi.hThread);
        snprintf(args, sizeof args, "opener winipc_conf_job_%lu",
                 (unsigned long)GetCurrentProcessId());
        conf_run("a child opens it by name, joins it, reads its total", args,
                 FALSE, 0, NULL, NULL);
        a = accounting(job);
        printf("  total %u\n", (unsigned)a.TotalProcesses);
        snprintf(args, sizeof args, "user %#llx",
                 (unsigned long long)(uintptr_t)job);
        conf_run("a child terminates it through its inherited handle", args,
                 TRUE, 0, NULL, NULL);
        CHECK_WAIT("  the leaf", WaitForSingleObject(pi.hProcess, 10000));
        GetExitCodeProcess(pi.hProcess, &code);
        printf("  the leaf's exit code: %u\n", (unsigned)code);
        CHECK_WAIT("  the job", WaitForSingleObject(job, 10000));
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    CloseHandle(job);

    SECTION("Nested jobs");
    job = CreateJobObjectA(NULL, NULL);
    port1 = CreateJobObjectA(NULL, NULL); /* the inner job */
    port2 = CreateJobObjectA(NULL, NULL); /* another job */
    if (conf_start("leaf", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL, &pi) &&
        conf_start("leaf", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL, &pi2)) {
        BOOL in = FALSE;
        CHECK_BOOL("AssignProcessToJobObject(outer, leaf)",
                   AssignProcessToJobObject(job, pi.hProcess));
        CHECK_BOOL("AssignProcessToJobObject(inner, the same leaf)",
                   AssignProcessToJobObject(port1, pi.hProcess));
        ResumeThread(pi.hThread);
        IsProcessInJob(pi.hProcess, job, &in);
        printf("  IsProcessInJob(leaf, outer): %s\n", in ? "TRUE" : "FALSE");
        in = FALSE;
        IsProcessInJob(pi.hProcess, port1, &in);
        printf("  IsProcessInJob(leaf, inner): %s\n", in ? "TRUE" : "FALSE");
        printf("  outer: active %u, total %u; inner: active %u, total %u\n",
               (unsigned)accounting(job).ActiveProcesses,
               (unsigned)accounting(job).TotalProcesses,
               (unsigned)accounting(port1).ActiveProcesses,
               (unsigned)accounting(port1).TotalProcesses);
        CHECK_BOOL("AssignProcessToJobObject(another, a second leaf)",
                   AssignProcessToJobObject(port2, pi2.hProcess));
        CHECK_BOOL("AssignProcessToJobObject(another, the first leaf)",
                   AssignProcessToJobObject(port2, pi.hProcess));
        CHECK_BOOL("TerminateJobObject(outer, 8)", TerminateJobObject(job, 8));
        CHECK_WAIT("  the first leaf", WaitForSingleObject(pi.hProcess, 10000));
        GetExitCodeProcess(pi.hProcess, &code);
        printf("  its exit code: %u\n", (unsigned)code);
        CHECK_WAIT("  the second leaf", WaitForSingleObject(pi2.hProcess, 0));
        TerminateProcess(pi2.hProcess, 1);
        conf_exit_code(&pi2);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    CloseHandle(job);
    CloseHandle(port1);
    CloseHandle(port2);
    conf_release_handles();
    CONF_DONE();
}
