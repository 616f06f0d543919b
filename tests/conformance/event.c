/*
 * event: CreateEventA, SetEvent and ResetEvent: manual and auto reset,
 * initial states, non-boolean flags, and waking one waiter or all.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static HANDLE shared_event;

static DWORD WINAPI waiter(LPVOID arg)
{
    (void)arg;
    return WaitForSingleObject(shared_event, 10000) == WAIT_OBJECT_0 ? 1 : 2;
}

int main(void)
{
    HANDLE ev, th[2];
    DWORD code;

    SECTION("manual reset");
    CHECK_HANDLE("CreateEventA(manual, not signalled)", ev,
                 CreateEventA(NULL, TRUE, FALSE, NULL));
    CHECK_WAIT("WaitForSingleObject(0)", WaitForSingleObject(ev, 0));
    CHECK_BOOL("SetEvent", SetEvent(ev));
    CHECK_WAIT("WaitForSingleObject(0)", WaitForSingleObject(ev, 0));
    CHECK_WAIT("WaitForSingleObject(0) again", WaitForSingleObject(ev, 0));
    CHECK_BOOL("SetEvent when signalled", SetEvent(ev));
    CHECK_BOOL("ResetEvent", ResetEvent(ev));
    CHECK_WAIT("WaitForSingleObject(0)", WaitForSingleObject(ev, 0));
    CHECK_BOOL("ResetEvent when not signalled", ResetEvent(ev));
    CloseHandle(ev);
    CHECK_HANDLE("CreateEventA(manual, signalled)", ev,
                 CreateEventA(NULL, TRUE, TRUE, NULL));
    CHECK_WAIT("WaitForSingleObject(0)", WaitForSingleObject(ev, 0));
    CHECK_WAIT("WaitForSingleObject(0) again", WaitForSingleObject(ev, 0));
    CloseHandle(ev);

    SECTION("auto reset");
    CHECK_HANDLE("CreateEventA(auto, signalled)", ev,
                 CreateEventA(NULL, FALSE, TRUE, NULL));
    CHECK_WAIT("WaitForSingleObject(0)", WaitForSingleObject(ev, 0));
    CHECK_WAIT("WaitForSingleObject(0) again", WaitForSingleObject(ev, 0));
    CHECK_BOOL("SetEvent twice: first", SetEvent(ev));
    CHECK_BOOL("SetEvent twice: second", SetEvent(ev));
    CHECK_WAIT("WaitForSingleObject(0)", WaitForSingleObject(ev, 0));
    CHECK_WAIT("WaitForSingleObject(0) again", WaitForSingleObject(ev, 0));
    SetEvent(ev);
    CHECK_BOOL("SetEvent then ResetEvent", ResetEvent(ev));
    CHECK_WAIT("WaitForSingleObject(0)", WaitForSingleObject(ev, 0));
    CHECK_WAIT("WaitForSingleObject(100)", WaitForSingleObject(ev, 100));
    CloseHandle(ev);

    SECTION("flags that are not 0 or 1");
    CHECK_HANDLE("CreateEventA(bManualReset 2, bInitialState 5)", ev,
                 CreateEventA(NULL, 2, 5, NULL));
    CHECK_WAIT("WaitForSingleObject(0)", WaitForSingleObject(ev, 0));
    CHECK_WAIT("WaitForSingleObject(0) again (manual)",
               WaitForSingleObject(ev, 0));
    CloseHandle(ev);
    CHECK_HANDLE("CreateEventA(empty name)", ev,
                 CreateEventA(NULL, TRUE, FALSE, ""));
    CloseHandle(ev);

    SECTION("SetEvent releases one waiter of an auto-reset event");
    shared_event = CreateEventA(NULL, FALSE, FALSE, NULL);
    th[0] = CreateThread(NULL, 0, waiter, NULL, 0, NULL);
    th[1] = CreateThread(NULL, 0, waiter, NULL, 0, NULL);
    CHECK_BOOL("SetEvent", SetEvent(shared_event));
    code = WaitForMultipleObjects(2, th, FALSE, 10000);
    CHECK_TRUE("one waiter ended",
               code == WAIT_OBJECT_0 || code == WAIT_OBJECT_0 + 1);
    CHECK_WAIT("the other is still waiting after 200 ms",
               WaitForSingleObject(th[code == WAIT_OBJECT_0 ? 1 : 0], 200));
    CHECK_BOOL("SetEvent", SetEvent(shared_event));
    CHECK_WAIT("both ended", WaitForMultipleObjects(2, th, TRUE, 10000));
    GetExitCodeThread(th[0], &code);
    SHOW_UINT("  first waiter's result (1: signalled)", code);
    GetExitCodeThread(th[1], &code);
    SHOW_UINT("  second waiter's result (1: signalled)", code);
    CHECK_WAIT("the event is not signalled",
               WaitForSingleObject(shared_event, 0));
    CloseHandle(th[0]);
    CloseHandle(th[1]);
    CloseHandle(shared_event);

    SECTION("SetEvent releases every waiter of a manual-reset event");
    shared_event = CreateEventA(NULL, TRUE, FALSE, NULL);
    th[0] = CreateThread(NULL, 0, waiter, NULL, 0, NULL);
    th[1] = CreateThread(NULL, 0, waiter, NULL, 0, NULL);
    CHECK_WAIT("neither ends before SetEvent",
               WaitForMultipleObjects(2, th, FALSE, 200));
    CHECK_BOOL("SetEvent", SetEvent(shared_event));
    CHECK_WAIT("both ended", WaitForMultipleObjects(2, th, TRUE, 10000));
    CHECK_WAIT("the event is still signalled",
               WaitForSingleObject(shared_event, 0));
    CloseHandle(th[0]);
    CloseHandle(th[1]);
    CloseHandle(shared_event);

    SECTION("handles that are not events");
    CHECK_BOOL("SetEvent(NULL)", SetEvent(NULL));
    CHECK_BOOL("ResetEvent(NULL)", ResetEvent(NULL));
    CHECK_BOOL("SetEvent(INVALID_HANDLE_VALUE)",
               SetEvent(INVALID_HANDLE_VALUE));
    CHECK_BOOL("SetEvent(unknown value)", SetEvent(UNKNOWN_HANDLE));
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CloseHandle(ev);
    CHECK_BOOL("SetEvent(closed)", SetEvent(ev));
    CHECK_BOOL("ResetEvent(closed)", ResetEvent(ev));
    CONF_DONE();
}
