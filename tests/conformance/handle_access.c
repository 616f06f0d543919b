/*
 * handle_access: the access mask of a handle is enforced, per handle, by
 * the functions that use it (events, threads, the process).
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static HANDLE go;

static DWORD WINAPI wait_for_go(LPVOID arg)
{
    (void)arg;
    WaitForSingleObject(go, INFINITE);
    return 5;
}

/* A duplicate of h with exactly the given access. */
static HANDLE dup_with(HANDLE h, DWORD access)
{
    HANDLE out = NULL;
    if (!DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &out,
                         access, FALSE, 0))
        printf("(DuplicateHandle with access 0x%x failed: %u)\n",
               (unsigned)access, (unsigned)GetLastError());
    return out;
}

int main(void)
{
    HANDLE self = GetCurrentProcess();
    HANDLE ev, h, h2, th, p;
    DWORD code;

    ev = CreateEventA(NULL, TRUE, TRUE, NULL);

    SECTION("event: EVENT_MODIFY_STATE only");
    h = dup_with(ev, EVENT_MODIFY_STATE);
    CHECK_BOOL("SetEvent", SetEvent(h));
    CHECK_BOOL("ResetEvent", ResetEvent(h));
    CHECK_WAIT("WaitForSingleObject", WaitForSingleObject(h, 0));
    CHECK_WAIT("WaitForMultipleObjects(it and a full-access handle)",
               WaitForMultipleObjects(2, (HANDLE[]){ev, h}, FALSE, 0));
    CloseHandle(h);

    SECTION("event: SYNCHRONIZE only");
    SetEvent(ev);
    h = dup_with(ev, SYNCHRONIZE);
    CHECK_BOOL("SetEvent", SetEvent(h));
    CHECK_BOOL("ResetEvent", ResetEvent(h));
    CHECK_WAIT("WaitForSingleObject", WaitForSingleObject(h, 0));
    CHECK_BOOL(
        "DuplicateHandle(SAME_ACCESS) of it",
        DuplicateHandle(self, h, self, &h2, 0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_BOOL("SetEvent(that duplicate)", SetEvent(h2));
    CloseHandle(h2);
    CloseHandle(h);

    SECTION("event: no access");
    h = dup_with(ev, 0);
    CHECK_BOOL("SetEvent", SetEvent(h));
    CHECK_WAIT("WaitForSingleObject", WaitForSingleObject(h, 0));
    CHECK_BOOL("CloseHandle", CloseHandle(h));

    SECTION("event: generic rights");
    h = dup_with(ev, GENERIC_WRITE);
    CHECK_BOOL("GENERIC_WRITE: SetEvent", SetEvent(h));
    CHECK_WAIT("GENERIC_WRITE: WaitForSingleObject", WaitForSingleObject(h, 0));
    CloseHandle(h);
    h = dup_with(ev, GENERIC_READ);
    CHECK_BOOL("GENERIC_READ: SetEvent", SetEvent(h));
    CHECK_WAIT("GENERIC_READ: WaitForSingleObject", WaitForSingleObject(h, 0));
    CloseHandle(h);
    h = dup_with(ev, GENERIC_EXECUTE);
    CHECK_BOOL("GENERIC_EXECUTE: SetEvent", SetEvent(h));
    CHECK_WAIT("GENERIC_EXECUTE: WaitForSingleObject",
               WaitForSingleObject(h, 0));
    CloseHandle(h);
    h = dup_with(ev, GENERIC_ALL);
    CHECK_BOOL("GENERIC_ALL: SetEvent", SetEvent(h));
    CHECK_WAIT("GENERIC_ALL: WaitForSingleObject", WaitForSingleObject(h, 0));
    CloseHandle(h);
    h = dup_with(ev, EVENT_ALL_ACCESS);
    CHECK_BOOL("EVENT_ALL_ACCESS: SetEvent", SetEvent(h));
    CHECK_WAIT("EVENT_ALL_ACCESS: WaitForSingleObject",
               WaitForSingleObject(h, 0));
    CloseHandle(h);

    SECTION("thread");
    go = CreateEventA(NULL, TRUE, FALSE, NULL);
    th = CreateThread(NULL, 0, wait_for_go, NULL, 0, NULL);
    h = dup_with(th, SYNCHRONIZE);
    code = 0;
    CHECK_BOOL("SYNCHRONIZE: GetExitCodeThread", GetExitCodeThread(h, &code));
    CHECK_DWORD("SYNCHRONIZE: ResumeThread", ResumeThread(h));
    CHECK_DWORD("SYNCHRONIZE: GetThreadId == 0", GetThreadId(h) == 0);
    CHECK_WAIT("SYNCHRONIZE: WaitForSingleObject", WaitForSingleObject(h, 0));
    CloseHandle(h);
    h = dup_with(th, THREAD_QUERY_INFORMATION);
    code = 0;
    CHECK_BOOL("THREAD_QUERY_INFORMATION: GetExitCodeThread",
               GetExitCodeThread(h, &code));
    SHOW_UINT("exit code", code);
    CHECK_TRUE("THREAD_QUERY_INFORMATION: GetThreadId == GetThreadId(full)",
               GetThreadId(h) == GetThreadId(th));
    CHECK_WAIT("THREAD_QUERY_INFORMATION: WaitForSingleObject",
               WaitForSingleObject(h, 0));
    CHECK_DWORD("THREAD_QUERY_INFORMATION: ResumeThread", ResumeThread(h));
    CloseHandle(h);
    h = dup_with(th, THREAD_SUSPEND_RESUME);
    CHECK_DWORD("THREAD_SUSPEND_RESUME: ResumeThread", ResumeThread(h));
    CloseHandle(h);
    SetEvent(go);
    CHECK_WAIT("WaitForSingleObject(thread, 5000)",
               WaitForSingleObject(th, 5000));
    CloseHandle(th);

    SECTION("process");
    p = dup_with(self, SYNCHRONIZE);
    CHECK_DWORD("SYNCHRONIZE: GetProcessId == 0", GetProcessId(p) == 0);
    CHECK_WAIT("SYNCHRONIZE: WaitForSingleObject", WaitForSingleObject(p, 0));
    CHECK_BOOL(
        "SYNCHRONIZE: as DuplicateHandle's source process",
        DuplicateHandle(p, ev, self, &h, 0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_BOOL(
        "SYNCHRONIZE: as DuplicateHandle's target process",
        DuplicateHandle(self, ev, p, &h, 0, FALSE, DUPLICATE_SAME_ACCESS));
    CloseHandle(p);
    p = dup_with(self, PROCESS_QUERY_LIMITED_INFORMATION);
    CHECK_TRUE("PROCESS_QUERY_LIMITED_INFORMATION: GetProcessId is ours",
               GetProcessId(p) == GetCurrentProcessId());
    CHECK_WAIT("PROCESS_QUERY_LIMITED_INFORMATION: WaitForSingleObject",
               WaitForSingleObject(p, 0));
    CloseHandle(p);
    p = dup_with(self, PROCESS_DUP_HANDLE);
    CHECK_BOOL("PROCESS_DUP_HANDLE: as both processes of DuplicateHandle",
               DuplicateHandle(p, ev, p, &h, 0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_BOOL("SetEvent(handle duplicated through it)", SetEvent(h));
    CloseHandle(h);
    CloseHandle(p);
    CloseHandle(ev);
    CloseHandle(go);
    CONF_DONE();
}
