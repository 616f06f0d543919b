/*
 * job_api.c: job objects (process/job.h; docs/processes.md, "Job
 * objects").
 */
#include <string.h>

#include "../process/job.h"
#include "api.h"

/* The limit flags winipc carries out; the others (times, memory, working
 * set, affinity, priority and scheduling class) are refused with
 * ERROR_NOT_SUPPORTED rather than ignored. */
#define JOB_LIMITS_DONE                                                        \
    (JOB_OBJECT_LIMIT_ACTIVE_PROCESS | JOB_OBJECT_LIMIT_BREAKAWAY_OK |         \
     JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK | JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE)

static DWORD job_ref(HANDLE h, ACCESS_MASK need, struct wipc_object **obj)
{
    return wipc_handle_ref(h, &wipc_job_ops, need, obj, NULL);
}

API_FN(PROCESS, HANDLE, CreateJobObjectA,
       (LPSECURITY_ATTRIBUTES lpJobAttributes, LPCSTR lpName),
       (lpJobAttributes, lpName))
{
    API_A_NAME_CHECK(lpName);
    struct wipc_object *job;
    int existed = 0;
    HANDLE h;
    DWORD err = wipc_job_create(lpName && *lpName ? lpName : NULL, &job,
                                &existed);

    if (!err)
        err = api_publish(job, JOB_OBJECT_ALL_ACCESS,
                          api_inherit_flag(lpJobAttributes), &h);
    if (err) {
        SetLastError(err);
        return NULL;
    }
    /* As for every named object: success, and ERROR_ALREADY_EXISTS when
     * the name was taken (else the last error is left alone). */
    if (existed)
        SetLastError(ERROR_ALREADY_EXISTS);
    return h;
}

API_FN(PROCESS, HANDLE, OpenJobObjectA,
       (DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName),
       (dwDesiredAccess, bInheritHandle, lpName))
{
    API_A_NAME_CHECK(lpName);
    struct wipc_object *job = NULL;
    DWORD err;

    if (!lpName) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    err = wipc_job_open(lpName, &job);
    return api_open_result(err, job, dwDesiredAccess, bInheritHandle);
}

API_FN(PROCESS, BOOL, AssignProcessToJobObject,
       (HANDLE hJob, HANDLE hProcess),
       (hJob, hProcess))
{
    struct wipc_object *job, *proc;
    DWORD err = job_ref(hJob, JOB_OBJECT_ASSIGN_PROCESS, &job);

    if (err)
        return api_fail(err);
    err = wipc_handle_ref(hProcess, &wipc_process_ops,
                          PROCESS_SET_QUOTA | PROCESS_TERMINATE, &proc, NULL);
    if (!err) {
        err = wipc_job_assign(job, proc);
        wipc_object_release(proc);
    }
    wipc_object_release(job);
    return api_result(err);
}

API_FN(PROCESS, BOOL, TerminateJobObject,
       (HANDLE hJob, UINT uExitCode),
       (hJob, uExitCode))
{
    struct wipc_object *job;
    DWORD err = job_ref(hJob, JOB_OBJECT_TERMINATE, &job);

    if (err)
        return api_fail(err);
    err = wipc_job_terminate(job, uExitCode);
    wipc_object_release(job);
    return api_result(err);
}

API_FN(PROCESS, BOOL, IsProcessInJob,
       (HANDLE ProcessHandle, HANDLE JobHandle, PBOOL Result),
       (ProcessHandle, JobHandle, Result))
{
    struct wipc_object *job = NULL, *proc;
    ACCESS_MASK granted = 0;
    DWORD err;

    if (!Result)
        return api_fail(ERROR_NOACCESS);
    if (JobHandle && (err = job_ref(JobHandle, JOB_OBJECT_QUERY, &job)) != 0)
        return api_fail(err);
    err = wipc_handle_ref(ProcessHandle, &wipc_process_ops, 0, &proc,
                          &granted);
    if (!err && !(granted & (PROCESS_QUERY_INFORMATION |
                             PROCESS_QUERY_LIMITED_INFORMATION))) {
        wipc_object_release(proc);
        err = ERROR_ACCESS_DENIED;
    }
    if (!err) {
        *Result = wipc_job_contains(job, proc) ? TRUE : FALSE;
        wipc_object_release(proc);
    }
    wipc_object_release(job);
    return api_result(err);
}

static DWORD job_set_limits(struct wipc_object *job,
                            const JOBOBJECT_BASIC_LIMIT_INFORMATION *b,
                            int extended)
{
    /* KILL_ON_JOB_CLOSE and the breakaway flags belong to the extended
     * structure (JOBOBJECT_BASIC_LIMIT_INFORMATION's documentation). */
    DWORD ext_only = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE |
                     JOB_OBJECT_LIMIT_BREAKAWAY_OK |
                     JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK |
                     JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION |
                     JOB_OBJECT_LIMIT_PROCESS_MEMORY |
                     JOB_OBJECT_LIMIT_JOB_MEMORY;

    if (!extended && (b->LimitFlags & ext_only))
        return ERROR_INVALID_PARAMETER;
    if (b->LimitFlags & ~JOB_LIMITS_DONE)
        return ERROR_NOT_SUPPORTED;
    wipc_job_set_limits(job, b->LimitFlags,
                        (b->LimitFlags & JOB_OBJECT_LIMIT_ACTIVE_PROCESS)
                            ? b->ActiveProcessLimit
                            : 0);
    return 0;
}

API_FN(PROCESS, BOOL, SetInformationJobObject,
       (HANDLE hJob, JOBOBJECTINFOCLASS JobObjectInformationClass,
        LPVOID lpJobObjectInformation, DWORD cbJobObjectInformationLength),
       (hJob, JobObjectInformationClass, lpJobObjectInformation,
        cbJobObjectInformationLength))
{
    struct wipc_object *job, *port;
    DWORD err = job_ref(hJob, JOB_OBJECT_SET_ATTRIBUTES, &job);
    DWORD len = cbJobObjectInformationLength;

    if (err)
        return api_fail(err);
    if (!lpJobObjectInformation) {
        err = ERROR_NOACCESS;
    } else if (JobObjectInformationClass == JobObjectBasicLimitInformation) {
        err = len != sizeof(JOBOBJECT_BASIC_LIMIT_INFORMATION)
                  ? ERROR_BAD_LENGTH
                  : job_set_limits(job, lpJobObjectInformation, 0);
    } else if (JobObjectInformationClass ==
               JobObjectExtendedLimitInformation) {
        err = len != sizeof(JOBOBJECT_EXTENDED_LIMIT_INFORMATION)
                  ? ERROR_BAD_LENGTH
                  : job_set_limits(job, lpJobObjectInformation, 1);
    } else if (JobObjectInformationClass ==
               JobObjectAssociateCompletionPortInformation) {
        const JOBOBJECT_ASSOCIATE_COMPLETION_PORT *a = lpJobObjectInformation;
        /* One port per job; NULL ends the association (Windows 8 and
         * later: JOBOBJECT_ASSOCIATE_COMPLETION_PORT's documentation). */
        if (len != sizeof *a) {
            err = ERROR_BAD_LENGTH;
        } else if (!a->CompletionPort) {
            err = wipc_job_set_port(job, NULL, 0);
        } else if ((err = wipc_handle_ref(a->CompletionPort, &wipc_io_port_ops,
                                          0, &port, NULL)) == 0) {
            err = wipc_job_set_port(job, port, (ULONG_PTR)a->CompletionKey);
            wipc_object_release(port);
        }
    } else {
        err = ERROR_INVALID_PARAMETER;
    }
    wipc_object_release(job);
    return api_result(err);
}

API_FN(PROCESS, BOOL, QueryInformationJobObject,
       (HANDLE hJob, JOBOBJECTINFOCLASS JobObjectInformationClass,
        LPVOID lpJobObjectInformation, DWORD cbJobObjectInformationLength,
        LPDWORD lpReturnLength),
       (hJob, JobObjectInformationClass, lpJobObjectInformation,
        cbJobObjectInformationLength, lpReturnLength))
{
    struct wipc_object *job;
    struct wipc_job_info info;
    DWORD len = cbJobObjectInformationLength, ret = 0, err;
    void *out = lpJobObjectInformation;

    if (!hJob) {
        /* NULL: the job of the calling process (not kept here). */
        return api_fail(ERROR_NOT_SUPPORTED);
    }
    if ((err = job_ref(hJob, JOB_OBJECT_QUERY, &job)) != 0)
        return api_fail(err);
    if (!out) {
        err = ERROR_NOACCESS;
    } else if (JobObjectInformationClass ==
               JobObjectBasicAccountingInformation) {
        JOBOBJECT_BASIC_ACCOUNTING_INFORMATION *a = out;
        ret = sizeof *a;
        if (len != ret) {
            err = ERROR_BAD_LENGTH;
        } else {
            wipc_job_query(job, &info, NULL, 0, NULL);
            memset(a, 0, sizeof *a);
            a->TotalUserTime.QuadPart = (LONGLONG)info.user_time;
            a->TotalKernelTime.QuadPart = (LONGLONG)info.kernel_time;
            a->ThisPeriodTotalUserTime = a->TotalUserTime;
            a->ThisPeriodTotalKernelTime = a->TotalKernelTime;
            a->TotalProcesses = info.total;
            a->ActiveProcesses = info.active;
            a->TotalTerminatedProcesses = info.terminated;
        }
    } else if (JobObjectInformationClass == JobObjectBasicLimitInformation ||
               JobObjectInformationClass == JobObjectExtendedLimitInformation) {
        JOBOBJECT_BASIC_LIMIT_INFORMATION *b = out;
        ret = JobObjectInformationClass == JobObjectBasicLimitInformation
                  ? sizeof(JOBOBJECT_BASIC_LIMIT_INFORMATION)
                  : sizeof(JOBOBJECT_EXTENDED_LIMIT_INFORMATION);
        if (len != ret) {
            err = ERROR_BAD_LENGTH;
        } else {
            wipc_job_query(job, &info, NULL, 0, NULL);
            memset(out, 0, ret);
            b->LimitFlags = info.limit_flags;
            b->ActiveProcessLimit = info.active_limit;
        }
    } else if (JobObjectInformationClass == JobObjectBasicProcessIdList) {
        JOBOBJECT_BASIC_PROCESS_ID_LIST *l = out;
        size_t head = offsetof(JOBOBJECT_BASIC_PROCESS_ID_LIST, ProcessIdList);
        DWORD pids[1024];
        size_t n = 0, cap;
        /* Room for one id at least (the structure's size), as Windows. */
        if (len < sizeof *l) {
            err = ERROR_BAD_LENGTH;
        } else {
            wipc_job_query(job, &info, pids, sizeof pids / sizeof pids[0], &n);
            cap = (len - head) / sizeof(ULONG_PTR);
            l->NumberOfAssignedProcesses = (DWORD)n;
            l->NumberOfProcessIdsInList = (DWORD)(n < cap ? n : cap);
            for (size_t i = 0; i < l->NumberOfProcessIdsInList; i++)
                l->ProcessIdList[i] = pids[i];
            ret = (DWORD)(head + l->NumberOfProcessIdsInList * sizeof(ULONG_PTR));
            if (n > cap)
                err = ERROR_MORE_DATA;
        }
    } else {
        err = ERROR_INVALID_PARAMETER;
    }
    wipc_object_release(job);
    if (lpReturnLength && (!err || err == ERROR_MORE_DATA))
        *lpReturnLength = ret;
    return api_result(err);
}
