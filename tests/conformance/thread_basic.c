/*
 * thread_basic: CreateThread, the start routine's parameter and result,
 * ExitThread, GetExitCodeThread, thread ids, and the per-thread last error.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static HANDLE go, done;
static DWORD seen_tid, seen_error_at_start, seen_error_after_set;
static HANDLE seen_pseudo;

static DWORD WINAPI add_one(LPVOID arg)
{
    return (DWORD)(ULONG_PTR)arg + 1;
}

static DWORD WINAPI exits_7(LPVOID arg)
{
    (void)arg;
    ExitThread(7);
}

static DWORD WINAPI returns_still_active(LPVOID arg)
{
    (void)arg;
    return STILL_ACTIVE;
}

static DWORD WINAPI observer(LPVOID arg)
{
    (void)arg;
    seen_tid = GetCurrentThreadId();
    seen_pseudo = GetCurrentThread();
    seen_error_at_start = GetLastError();
    SetLastError(222);
    seen_error_after_set = GetLastError();
    WaitForSingleObject(go, 10000);
    SetEvent(done);
    return 0;
}

int main(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE th;
    DWORD tid, code, mine;

    SECTION("start routine and exit code");
    tid = 0;
    CHECK_HANDLE("CreateThread(add_one, 41)", th,
                 CreateThread(NULL, 0, add_one, (LPVOID)41, 0, &tid));
    CHECK_TRUE("  thread id != 0", tid != 0);
    CHECK_TRUE("  GetThreadId(handle) == thread id", GetThreadId(th) == tid);
    CHECK_WAIT("WaitForSingleObject(thread, 10000)",
               WaitForSingleObject(th, 10000));
    code = 0;
    CHECK_BOOL("GetExitCodeThread", GetExitCodeThread(th, &code));
    SHOW_UINT("  exit code", code);
    CHECK_TRUE("GetThreadId(ended thread) == thread id",
               GetThreadId(th) == tid);
    CloseHandle(th);

    CHECK_HANDLE("CreateThread(ExitThread(7))", th,
                 CreateThread(NULL, 0, exits_7, NULL, 0, NULL));
    WaitForSingleObject(th, 10000);
    CHECK_BOOL("GetExitCodeThread", GetExitCodeThread(th, &code));
    SHOW_UINT("  exit code", code);
    CloseHandle(th);

    CHECK_HANDLE("CreateThread(returns STILL_ACTIVE)", th,
                 CreateThread(NULL, 0, returns_still_active, NULL, 0, NULL));
    CHECK_WAIT("WaitForSingleObject(thread, 10000)",
               WaitForSingleObject(th, 10000));
    CHECK_BOOL("GetExitCodeThread", GetExitCodeThread(th, &code));
    SHOW_UINT("  exit code", code);
    CloseHandle(th);

    SECTION("stack sizes, inheritance, no id");
    CHECK_HANDLE("CreateThread(stack 65536, NULL id)", th,
                 CreateThread(NULL, 65536, add_one, (LPVOID)1, 0, NULL));
    WaitForSingleObject(th, 10000);
    CloseHandle(th);
    CHECK_HANDLE("CreateThread(stack 1 MiB reserved)", th,
                 CreateThread(NULL, 1 << 20, add_one, (LPVOID)1,
                              STACK_SIZE_PARAM_IS_A_RESERVATION, NULL));
    WaitForSingleObject(th, 10000);
    CloseHandle(th);
    CHECK_HANDLE("CreateThread(inheritable)", th,
                 CreateThread(&sa, 0, add_one, (LPVOID)1, 0, NULL));
    GetHandleInformation(th, &code);
    SHOW_UINT("  handle flags", code);
    WaitForSingleObject(th, 10000);
    CloseHandle(th);

    SECTION("a running thread");
    go = CreateEventA(NULL, TRUE, FALSE, NULL);
    done = CreateEventA(NULL, TRUE, FALSE, NULL);
    SetLastError(111);
    th = CreateThread(NULL, 0, observer, NULL, 0, &tid);
    code = 0;
    CHECK_BOOL("GetExitCodeThread(running)", GetExitCodeThread(th, &code));
    SHOW_UINT("  exit code", code);
    CHECK_WAIT("WaitForSingleObject(running, 0)", WaitForSingleObject(th, 0));
    CHECK_BOOL("CloseHandle(running thread's only handle)", CloseHandle(th));
    SetLastError(111);
    SetEvent(go);
    code = WaitForSingleObject(done, 10000);
    mine = GetLastError();
    CHECK_TRUE("it keeps running: WaitForSingleObject(its event, 10000) == 0",
               code == WAIT_OBJECT_0);
    CHECK_TRUE("its GetCurrentThreadId == the id CreateThread gave",
               seen_tid == tid);
    CHECK_TRUE("its GetCurrentThreadId != ours",
               seen_tid != GetCurrentThreadId());
    CHECK_TRUE("its GetCurrentThread() == ours (the pseudo handle)",
               seen_pseudo == GetCurrentThread());
    SHOW_UINT("its last error at start", seen_error_at_start);
    SHOW_UINT("its last error after SetLastError(222)", seen_error_after_set);
    SHOW_UINT("our last error (set to 111)", mine);

    SECTION("the main thread");
    CHECK_BOOL("GetExitCodeThread(GetCurrentThread())",
               GetExitCodeThread(GetCurrentThread(), &code));
    SHOW_UINT("  exit code", code);
    CHECK_TRUE("GetThreadId(GetCurrentThread()) == GetCurrentThreadId()",
               GetThreadId(GetCurrentThread()) == GetCurrentThreadId());
    CHECK_TRUE("GetCurrentThreadId() is stable",
               GetCurrentThreadId() == GetCurrentThreadId());

    CloseHandle(go);
    CloseHandle(done);
    CONF_DONE();
}
