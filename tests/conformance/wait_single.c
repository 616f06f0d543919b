/*
 * wait_single: WaitForSingleObject on each kind of handle, with timeouts,
 * and on values that are not waitable handles.  (Whether a file or pipe
 * handle is signalled is not documented, so it is not tried.)
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static HANDLE go, later;

static DWORD WINAPI wait_for_go(LPVOID arg)
{
    (void)arg;
    WaitForSingleObject(go, 10000);
    return 0;
}

static DWORD WINAPI set_later(LPVOID arg)
{
    (void)arg;
    Sleep(100);
    SetEvent(later);
    return 0;
}

int main(void)
{
    HANDLE ev, th, h;

    SECTION("events");
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_WAIT("not signalled, timeout 0", WaitForSingleObject(ev, 0));
    CHECK_WAIT("not signalled, timeout 100", WaitForSingleObject(ev, 100));
    SetEvent(ev);
    CHECK_WAIT("signalled, timeout 0", WaitForSingleObject(ev, 0));
    CHECK_WAIT("signalled, INFINITE", WaitForSingleObject(ev, INFINITE));
    later = CreateEventA(NULL, FALSE, FALSE, NULL);
    th = CreateThread(NULL, 0, set_later, NULL, 0, NULL);
    CHECK_WAIT("signalled by another thread after 100 ms, timeout 10000",
               WaitForSingleObject(later, 10000));
    WaitForSingleObject(th, 10000);
    CloseHandle(th);
    CloseHandle(later);

    SECTION("threads");
    go = CreateEventA(NULL, TRUE, FALSE, NULL);
    th = CreateThread(NULL, 0, wait_for_go, NULL, 0, NULL);
    CHECK_WAIT("running thread, timeout 0", WaitForSingleObject(th, 0));
    CHECK_WAIT("running thread, timeout 50", WaitForSingleObject(th, 50));
    SetEvent(go);
    CHECK_WAIT("thread that ends, timeout 10000",
               WaitForSingleObject(th, 10000));
    CHECK_WAIT("ended thread, timeout 0", WaitForSingleObject(th, 0));
    CloseHandle(th);
    CHECK_WAIT("GetCurrentThread(), timeout 0",
               WaitForSingleObject(GetCurrentThread(), 0));

    SECTION("the process");
    CHECK_WAIT("GetCurrentProcess(), timeout 0",
               WaitForSingleObject(GetCurrentProcess(), 0));
    CHECK_WAIT("GetCurrentProcess(), timeout 50",
               WaitForSingleObject(GetCurrentProcess(), 50));
    CHECK_WAIT("INVALID_HANDLE_VALUE (the process), timeout 0",
               WaitForSingleObject(INVALID_HANDLE_VALUE, 0));

    SECTION("not waitable");
    CHECK_WAIT("NULL", WaitForSingleObject(NULL, 0));
    CHECK_WAIT("NULL, INFINITE", WaitForSingleObject(NULL, INFINITE));
    CHECK_WAIT("unknown value", WaitForSingleObject(UNKNOWN_HANDLE, 0));
    CloseHandle(ev);
    CHECK_WAIT("closed event", WaitForSingleObject(ev, 0));
    ev = CreateEventA(NULL, TRUE, TRUE, NULL);
    DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &h,
                    EVENT_MODIFY_STATE, FALSE, 0);
    CHECK_WAIT("signalled event through a handle without SYNCHRONIZE",
               WaitForSingleObject(h, 0));
    CloseHandle(h);
    CloseHandle(ev);
    CloseHandle(go);
    CONF_DONE();
}
