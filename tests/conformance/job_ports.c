/*
 * job_ports: what a job's completion port hears of processes that another
 * process starts in the job, each message in the queue by the time the
 * event can be seen (GetQueuedCompletionStatus without a wait); and a job
 * whose last handle goes without KILL_ON_JOB_CLOSE, which stays while it
 * has processes, nested or not; TerminateJobObject of an outer job, whose
 * port hears of the nested job's processes; and an abnormal end (issue 18).  The scenario itself is in no
 * job: its children are created suspended, assigned, then resumed, and
 * every wait is bounded.  Children do not print.
 */
#include <tchar.h>
#include <windows.h>

#include <stdlib.h>

#include "conf_proc.h"

/* "leaf": stays (20 s at most) until killed. */
static int leaf_main(void)
{
    Sleep(20000);
    return 5;
}

/* "starter": starts a leaf, then ends (the error + 100 if it cannot). */
static int starter_main(void)
{
    PROCESS_INFORMATION pi;
    if (!conf_start("leaf", FALSE, 0, NULL, NULL, NULL, &pi))
        return 100 + conf_error_code();
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return 0;
}

/* "injob": ends with 1 if it is in a job, 0 if not (the error + 100 if it
 * cannot tell). */
static int injob_main(void)
{
    BOOL in = FALSE;
    if (!IsProcessInJob(GetCurrentProcess(), NULL, &in))
        return 100 + conf_error_code();
    return in ? 1 : 0;
}

static JOBOBJECT_BASIC_ACCOUNTING_INFORMATION accounting(HANDLE job)
{
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a;
    memset(&a, 0, sizeof a);
    QueryInformationJobObject(job, JobObjectBasicAccountingInformation, &a,
                              sizeof a, NULL);
    return a;
}

static const char *message_name(DWORD msg)
{
    switch (msg) {
    case JOB_OBJECT_MSG_NEW_PROCESS:
        return "NEW_PROCESS";
    case JOB_OBJECT_MSG_EXIT_PROCESS:
        return "EXIT_PROCESS";
    case JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS:
        return "ABNORMAL_EXIT_PROCESS";
    case JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO:
        return "ACTIVE_PROCESS_ZERO";
    case JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT:
        return "ACTIVE_PROCESS_LIMIT";
    default:
        return "another message";
    }
}

/* The next message of port, without waiting: its name, its key, and whose
 * process id it carries (the child's, *other's, or none; a process id
 * that is neither is kept in *other when *other is 0). */
static void next(HANDLE port, const char *when, DWORD child, DWORD *other)
{
    DWORD msg = 0, pid;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = NULL;
    const char *whose;

    if (!GetQueuedCompletionStatus(port, &msg, &key, &ov, 0)) {
        printf("%s: no message, %s\n", when, conf_error(GetLastError()));
        return;
    }
    pid = (DWORD)(uintptr_t)ov;
    if (pid == 0) {
        whose = "none";
    } else if (pid == child) {
        whose = "the child";
    } else if (*other == 0 || pid == *other) {
        *other = pid;
        whose = "the grandchild";
    } else {
        whose = "another process";
    }
    printf("%s: %s, key %u, process: %s\n", when, message_name(msg),
           (unsigned)key, whose);
}

/* The next message of port, without waiting, naming the process as a or
 * b. */
static void next_ab(HANDLE port, const char *when, DWORD a, DWORD b)
{
    DWORD msg = 0, pid;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = NULL;

    if (!GetQueuedCompletionStatus(port, &msg, &key, &ov, 0)) {
        printf("%s: no message, %s\n", when, conf_error(GetLastError()));
        return;
    }
    pid = (DWORD)(uintptr_t)ov;
    printf("%s: %s, key %u, process: %s\n", when, message_name(msg),
           (unsigned)key,
           pid == 0   ? "none"
           : pid == a ? "A"
           : pid == b ? "B"
                      : "another process");
}

/* A port associated with job under key. */
static HANDLE port_for(HANDLE job, ULONG_PTR key)
{
    JOBOBJECT_ASSOCIATE_COMPLETION_PORT assoc;
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    assoc.CompletionKey = (PVOID)key;
    assoc.CompletionPort = port;
    SetInformationJobObject(job, JobObjectAssociateCompletionPortInformation,
                            &assoc, sizeof assoc);
    return port;
}

/* Ends a leaf that is still there (a scenario that went wrong). */
static void leaf_end(PROCESS_INFORMATION *pi)
{
    if (WaitForSingleObject(pi->hProcess, 0) != WAIT_OBJECT_0) {
        TerminateProcess(pi->hProcess, 1);
        WaitForSingleObject(pi->hProcess, 10000);
    }
    CloseHandle(pi->hProcess);
    CloseHandle(pi->hThread);
}

int main(int argc, char **argv)
{
    JOBOBJECT_ASSOCIATE_COMPLETION_PORT assoc;
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a;
    PROCESS_INFORMATION pi;
    HANDLE job, inner, port, grandchild;
    DWORD code = 0, other = 0;
    BOOL in = FALSE;

    *conf_self_slot() = argv[0];
    if (argc == 2 && strcmp(argv[1], "leaf") == 0)
        return leaf_main();
    if (argc == 2 && strcmp(argv[1], "starter") == 0)
        return starter_main();
    if (argc == 2 && strcmp(argv[1], "injob") == 0)
        return injob_main();
    if (argc > 1)
        return 99;
    conf_reserve_handles();

    SECTION("A child starts a process in the job");
    job = CreateJobObjectA(NULL, NULL);
    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    assoc.CompletionKey = (PVOID)1;
    assoc.CompletionPort = port;
    CHECK_BOOL("SetInformationJobObject(port, key 1)",
               SetInformationJobObject(
                   job, JobObjectAssociateCompletionPortInformation, &assoc,
                   sizeof assoc));
    if (conf_start("starter", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL,
                   &pi)) {
        CHECK_BOOL("AssignProcessToJobObject(child)",
                   AssignProcessToJobObject(job, pi.hProcess));
        next(port, "after the assignment", pi.dwProcessId, &other);
        ResumeThread(pi.hThread);
        CHECK_WAIT("the child, which started the grandchild",
                   WaitForSingleObject(pi.hProcess, 10000));
        GetExitCodeProcess(pi.hProcess, &code);
        printf("  its exit code: %u\n", (unsigned)code);
        next(port, "then", pi.dwProcessId, &other);
        next(port, "then", pi.dwProcessId, &other);
        next(port, "then", pi.dwProcessId, &other);
        a = accounting(job);
        printf("  active %u, total %u\n", (unsigned)a.ActiveProcesses,
               (unsigned)a.TotalProcesses);
        grandchild = other ? OpenProcess(SYNCHRONIZE, FALSE, other) : NULL;
        CHECK_BOOL("TerminateJobObject(job, 7)", TerminateJobObject(job, 7));
        CHECK_WAIT("the grandchild",
                   grandchild ? WaitForSingleObject(grandchild, 10000)
                              : WAIT_FAILED);
        next(port, "then", pi.dwProcessId, &other);
        next(port, "then", pi.dwProcessId, &other);
        next(port, "then", pi.dwProcessId, &other);
        CloseHandle(grandchild);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    CloseHandle(job);
    CloseHandle(port);

    SECTION("A job without handles, without KILL_ON_JOB_CLOSE");
    job = CreateJobObjectA(NULL, NULL);
    if (conf_start("injob", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL, &pi)) {
        CHECK_BOOL("AssignProcessToJobObject(child)",
                   AssignProcessToJobObject(job, pi.hProcess));
        CHECK_BOOL("CloseHandle(job)", CloseHandle(job));
        ResumeThread(pi.hThread);
        printf("the child, in a job (1) or not (0): exit code %u\n",
               (unsigned)conf_exit_code(&pi));
    }

    SECTION("A nested job without handles");
    job = CreateJobObjectA(NULL, NULL);
    inner = CreateJobObjectA(NULL, NULL);
    if (conf_start("leaf", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL, &pi)) {
        CHECK_BOOL("AssignProcessToJobObject(outer, leaf)",
                   AssignProcessToJobObject(job, pi.hProcess));
        CHECK_BOOL("AssignProcessToJobObject(inner, the same leaf)",
                   AssignProcessToJobObject(inner, pi.hProcess));
        CHECK_BOOL("CloseHandle(inner)", CloseHandle(inner));
        ResumeThread(pi.hThread);
        a = accounting(job);
        printf("  outer: active %u, total %u\n", (unsigned)a.ActiveProcesses,
               (unsigned)a.TotalProcesses);
        IsProcessInJob(pi.hProcess, job, &in);
        printf("  IsProcessInJob(leaf, outer): %s\n", in ? "TRUE" : "FALSE");
        CHECK_BOOL("TerminateJobObject(outer, 8)", TerminateJobObject(job, 8));
        CHECK_WAIT("  the leaf", WaitForSingleObject(pi.hProcess, 10000));
        GetExitCodeProcess(pi.hProcess, &code);
        printf("  its exit code: %u\n", (unsigned)code);
        if (code != 8) {
            TerminateProcess(pi.hProcess, 1);
            WaitForSingleObject(pi.hProcess, 10000);
        }
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    } else {
        CloseHandle(inner);
    }
    CloseHandle(job);

    SECTION("TerminateJobObject of an outer job");
    {
        PROCESS_INFORMATION pa, pb;
        HANDLE outer = CreateJobObjectA(NULL, NULL), po, pin;
        int i;
        inner = CreateJobObjectA(NULL, NULL);
        po = port_for(outer, 1);
        pin = port_for(inner, 2);
        if (conf_start("leaf", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL,
                       &pa)) {
            if (conf_start("leaf", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL,
                           &pb)) {
                CHECK_BOOL("AssignProcessToJobObject(outer, A)",
                           AssignProcessToJobObject(outer, pa.hProcess));
                CHECK_BOOL("AssignProcessToJobObject(inner, A)",
                           AssignProcessToJobObject(inner, pa.hProcess));
                CHECK_BOOL("AssignProcessToJobObject(outer, B)",
                           AssignProcessToJobObject(outer, pb.hProcess));
                ResumeThread(pa.hThread);
                ResumeThread(pb.hThread);
                for (i = 0; i < 3; i++)
                    next_ab(po, "outer's port", pa.dwProcessId,
                            pb.dwProcessId);
                for (i = 0; i < 2; i++)
                    next_ab(pin, "inner's port", pa.dwProcessId,
                            pb.dwProcessId);
                CHECK_BOOL("TerminateJobObject(outer, 9)",
                           TerminateJobObject(outer, 9));
                CHECK_WAIT("  A", WaitForSingleObject(pa.hProcess, 10000));
                CHECK_WAIT("  B", WaitForSingleObject(pb.hProcess, 10000));
                for (i = 0; i < 3; i++)
                    next_ab(po, "then outer's port", pa.dwProcessId,
                            pb.dwProcessId);
                for (i = 0; i < 2; i++)
                    next_ab(pin, "then inner's port", pa.dwProcessId,
                            pb.dwProcessId);
                leaf_end(&pb);
            }
            leaf_end(&pa);
        }
        CloseHandle(inner);
        CloseHandle(outer);
        CloseHandle(po);
        CloseHandle(pin);
    }

    SECTION("An abnormal end");
    job = CreateJobObjectA(NULL, NULL);
    port = port_for(job, 3);
    if (conf_start("leaf", FALSE, CREATE_SUSPENDED, NULL, NULL, NULL, &pi)) {
        CHECK_BOOL("AssignProcessToJobObject(A)",
                   AssignProcessToJobObject(job, pi.hProcess));
        ResumeThread(pi.hThread);
        next_ab(port, "the port", pi.dwProcessId, 0);
        CHECK_BOOL("TerminateProcess(A, STATUS_ACCESS_VIOLATION)",
                   TerminateProcess(pi.hProcess, 0xC0000005u));
        CHECK_WAIT("  A", WaitForSingleObject(pi.hProcess, 10000));
        next_ab(port, "then", pi.dwProcessId, 0);
        next_ab(port, "then", pi.dwProcessId, 0);
        next_ab(port, "then", pi.dwProcessId, 0);
        leaf_end(&pi);
    }
    CloseHandle(job);
    CloseHandle(port);
    conf_release_handles();
    CONF_DONE();
}
