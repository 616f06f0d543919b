/*
 * sync_timer: waitable timers: manual and auto reset, relative and
 * absolute due times, periods, CancelWaitableTimer, completion routines
 * (APCs run by an alertable wait), names, and errors.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static int apc_calls;
static LPVOID apc_arg;

static VOID CALLBACK on_timer(LPVOID arg, DWORD lo, DWORD hi)
{
    (void)lo;
    (void)hi;
    apc_calls++;
    apc_arg = arg;
}

static BOOL set_ms(HANDLE t, LONGLONG ms, LONG period)
{
    LARGE_INTEGER due;
    due.QuadPart = -ms * 10000;
    return SetWaitableTimer(t, &due, period, NULL, NULL, FALSE);
}

int main(void)
{
    HANDLE t, h, e;
    LARGE_INTEGER due;
    int i, ok;

    SECTION("manual reset");
    CHECK_HANDLE("CreateWaitableTimerA(manual)", t,
                 CreateWaitableTimerA(NULL, TRUE, NULL));
    CHECK_WAIT("not signalled", WaitForSingleObject(t, 0));
    /* Due in 2 s: "not yet" must not depend on how soon this thread runs
     * again on a loaded machine (50 ms was too short under load 15). */
    CHECK_BOOL("SetWaitableTimer(-2 s)", set_ms(t, 2000, 0));
    CHECK_WAIT("not yet", WaitForSingleObject(t, 0));
    CHECK_WAIT("WaitForSingleObject(10 s)", WaitForSingleObject(t, 10000));
    CHECK_WAIT("stays signalled", WaitForSingleObject(t, 0));
    CHECK_BOOL("CancelWaitableTimer", CancelWaitableTimer(t));
    CHECK_WAIT("still signalled", WaitForSingleObject(t, 0));
    CHECK_BOOL("SetWaitableTimer(-10 s)", set_ms(t, 10000, 0));
    CHECK_WAIT("Set made it not signalled", WaitForSingleObject(t, 0));
    CHECK_BOOL("CancelWaitableTimer", CancelWaitableTimer(t));
    CHECK_WAIT("cancelled: never fires", WaitForSingleObject(t, 100));
    due.QuadPart = 1; /* 1601: long past */
    CHECK_BOOL("SetWaitableTimer(absolute, past)",
               SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE));
    CHECK_WAIT("WaitForSingleObject(5 s)", WaitForSingleObject(t, 5000));
    due.QuadPart = 0;
    CHECK_BOOL("SetWaitableTimer(0)",
               SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE));
    CHECK_WAIT("WaitForSingleObject(5 s)", WaitForSingleObject(t, 5000));
    CloseHandle(t);

    SECTION("auto reset, periodic");
    CHECK_HANDLE("CreateWaitableTimerA(auto)", t,
                 CreateWaitableTimerA(NULL, FALSE, NULL));
    CHECK_BOOL("SetWaitableTimer(-10 ms, period 20 ms)", set_ms(t, 10, 20));
    for (i = 0, ok = 0; i < 3; i++)
        ok += WaitForSingleObject(t, 5000) == WAIT_OBJECT_0;
    printf("three periods: %d\n", ok);
    CHECK_BOOL("CancelWaitableTimer", CancelWaitableTimer(t));
    CHECK_BOOL("SetWaitableTimer(-10 ms)", set_ms(t, 10, 0));
    CHECK_WAIT("WaitForSingleObject(5 s)", WaitForSingleObject(t, 5000));
    CHECK_WAIT("consumed", WaitForSingleObject(t, 0));
    CHECK_WAIT("once only", WaitForSingleObject(t, 100));

    SECTION("completion routine");
    due.QuadPart = -20 * 10000;
    CHECK_BOOL("SetWaitableTimer(-20 ms, routine)",
               SetWaitableTimer(t, &due, 0, on_timer, &apc_calls, FALSE));
    CHECK_DWORD("SleepEx(5 s, alertable)", SleepEx(5000, TRUE));
    printf("routine calls: %d, its argument: %s\n", apc_calls,
           apc_arg == &apc_calls ? "as given" : "other");
    CHECK_WAIT("the timer is signalled too", WaitForSingleObject(t, 0));
    CHECK_BOOL("SetWaitableTimer(fResume TRUE)",
               SetWaitableTimer(t, &due, 0, NULL, NULL, TRUE));
    CHECK_BOOL("CancelWaitableTimer", CancelWaitableTimer(t));

    SECTION("errors");
    CHECK_BOOL("SetWaitableTimer(period -1)",
               SetWaitableTimer(t, &due, -1, NULL, NULL, FALSE));
    CHECK_HANDLE("CreateEventA", e, CreateEventA(NULL, TRUE, FALSE, NULL));
    CHECK_BOOL("SetWaitableTimer(an event)",
               SetWaitableTimer(e, &due, 0, NULL, NULL, FALSE));
    CHECK_BOOL("CancelWaitableTimer(an event)", CancelWaitableTimer(e));
    CHECK_BOOL("CancelWaitableTimer(NULL)", CancelWaitableTimer(NULL));
    CloseHandle(e);
    CloseHandle(t);

    SECTION("names");
    CHECK_HANDLE("CreateWaitableTimerA(\"conf_sync_timer\")", t,
                 CreateWaitableTimerA(NULL, TRUE, "conf_sync_timer"));
    CHECK_HANDLE("CreateWaitableTimerA(same name)", h,
                 CreateWaitableTimerA(NULL, FALSE, "conf_sync_timer"));
    CloseHandle(h);
    CHECK_HANDLE("OpenWaitableTimerA(TIMER_MODIFY_STATE)", h,
                 OpenWaitableTimerA(TIMER_MODIFY_STATE, FALSE,
                                    "conf_sync_timer"));
    CHECK_BOOL("SetWaitableTimer through it", set_ms(h, 10, 0));
    CHECK_WAIT("WaitForSingleObject(opened, no SYNCHRONIZE)",
               WaitForSingleObject(h, 0));
    CHECK_WAIT("WaitForSingleObject(first, 5 s)", WaitForSingleObject(t, 5000));
    CloseHandle(h);
    CHECK_HANDLE("OpenWaitableTimerA(SYNCHRONIZE)", h,
                 OpenWaitableTimerA(SYNCHRONIZE, FALSE, "conf_sync_timer"));
    CHECK_BOOL("SetWaitableTimer without TIMER_MODIFY_STATE",
               set_ms(h, 10, 0));
    CloseHandle(h);
    CHECK_HANDLE("CreateEventA(the timer's name)", h,
                 CreateEventA(NULL, TRUE, FALSE, "conf_sync_timer"));
    CHECK_HANDLE("OpenWaitableTimerA(no such)", h,
                 OpenWaitableTimerA(SYNCHRONIZE, FALSE, "conf_sync_nosuch"));
    CloseHandle(t);
    CHECK_HANDLE("OpenWaitableTimerA after the last handle", h,
                 OpenWaitableTimerA(SYNCHRONIZE, FALSE, "conf_sync_timer"));
    CONF_DONE();
}
