/*
 * thread_suspend: CREATE_SUSPENDED and ResumeThread: the suspend count it
 * returns, a suspended thread that does not run, and its error paths.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static volatile LONG ran;
static HANDLE go;

static DWORD WINAPI mark(LPVOID arg)
{
    (void)arg;
    ran = 1;
    return 9;
}

static DWORD WINAPI wait_for_go(LPVOID arg)
{
    (void)arg;
    WaitForSingleObject(go, 10000);
    return 0;
}

int main(void)
{
    HANDLE th, h;
    DWORD code, tid;

    SECTION("a suspended thread");
    tid = 0;
    CHECK_HANDLE("CreateThread(CREATE_SUSPENDED)", th,
                 CreateThread(NULL, 0, mark, NULL, CREATE_SUSPENDED, &tid));
    CHECK_TRUE("  thread id != 0", tid != 0);
    CHECK_TRUE("  GetThreadId == thread id", GetThreadId(th) == tid);
    CHECK_WAIT("WaitForSingleObject(suspended, 200)",
               WaitForSingleObject(th, 200));
    CHECK_TRUE("it has not run", ran == 0);
    CHECK_BOOL("GetExitCodeThread(suspended)", GetExitCodeThread(th, &code));
    SHOW_UINT("  exit code", code);
    CHECK_DWORD("ResumeThread", ResumeThread(th));
    CHECK_WAIT("WaitForSingleObject(resumed, 10000)",
               WaitForSingleObject(th, 10000));
    CHECK_TRUE("it has run", ran == 1);
    CHECK_BOOL("GetExitCodeThread", GetExitCodeThread(th, &code));
    SHOW_UINT("  exit code", code);
    CloseHandle(th);

    SECTION("threads that are not suspended");
    go = CreateEventA(NULL, TRUE, FALSE, NULL);
    th = CreateThread(NULL, 0, wait_for_go, NULL, 0, NULL);
    CHECK_DWORD("ResumeThread(running thread)", ResumeThread(th));
    CHECK_DWORD("ResumeThread(running thread) again", ResumeThread(th));
    CHECK_DWORD("ResumeThread(GetCurrentThread())",
                ResumeThread(GetCurrentThread()));
    DuplicateHandle(GetCurrentProcess(), th, GetCurrentProcess(), &h,
                    SYNCHRONIZE | THREAD_QUERY_INFORMATION, FALSE, 0);
    CHECK_DWORD("ResumeThread(handle without THREAD_SUSPEND_RESUME)",
                ResumeThread(h));
    CloseHandle(h);
    SetEvent(go);
    WaitForSingleObject(th, 10000);
    CloseHandle(th);
    CloseHandle(go);

    SECTION("handles that are not threads");
    CHECK_DWORD("ResumeThread(NULL)", ResumeThread(NULL));
    CHECK_DWORD("ResumeThread(GetCurrentProcess())",
                ResumeThread(GetCurrentProcess()));
    CHECK_DWORD("ResumeThread(closed)", ResumeThread(th));
    CONF_DONE();
}
