/*
 * sync_ex: CreateEventExA, CreateMutexExA, CreateSemaphoreExA and
 * CreateWaitableTimerExA (flags, the new handle's access), and
 * SignalObjectAndWait (what each type of object to signal does, errors).
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

int main(void)
{
    HANDLE e, e2, m, s, t, h;
    LONG prev = -7;

    SECTION("CreateEventExA");
    CHECK_HANDLE("CreateEventExA(manual | initial set, all access)", e,
                 CreateEventExA(NULL, NULL,
                                CREATE_EVENT_MANUAL_RESET |
                                    CREATE_EVENT_INITIAL_SET,
                                EVENT_ALL_ACCESS));
    CHECK_WAIT("signalled", WaitForSingleObject(e, 0));
    CHECK_WAIT("manual", WaitForSingleObject(e, 0));
    CloseHandle(e);
    CHECK_HANDLE("CreateEventExA(0 flags, SYNCHRONIZE)", e,
                 CreateEventExA(NULL, NULL, 0, SYNCHRONIZE));
    CHECK_BOOL("SetEvent without EVENT_MODIFY_STATE", SetEvent(e));
    CloseHandle(e);
    CHECK_HANDLE("CreateEventExA(EVENT_MODIFY_STATE, \"conf_sync_exev\")", e,
                 CreateEventExA(NULL, "conf_sync_exev", 0, EVENT_MODIFY_STATE));
    CHECK_BOOL("SetEvent", SetEvent(e));
    CHECK_WAIT("WaitForSingleObject without SYNCHRONIZE",
               WaitForSingleObject(e, 0));
    CHECK_HANDLE("CreateEventExA(same name)", e2,
                 CreateEventExA(NULL, "conf_sync_exev", 0, SYNCHRONIZE));
    CHECK_WAIT("auto reset, set once", WaitForSingleObject(e2, 0));
    CHECK_WAIT("consumed", WaitForSingleObject(e2, 0));
    CloseHandle(e2);

    SECTION("CreateMutexExA and CreateSemaphoreExA");
    CHECK_HANDLE("CreateMutexExA(initial owner)", m,
                 CreateMutexExA(NULL, NULL, CREATE_MUTEX_INITIAL_OWNER,
                                MUTEX_ALL_ACCESS));
    CHECK_BOOL("ReleaseMutex", ReleaseMutex(m));
    CHECK_BOOL("ReleaseMutex again", ReleaseMutex(m));
    CHECK_HANDLE("CreateSemaphoreExA(1, 3)", s,
                 CreateSemaphoreExA(NULL, 1, 3, NULL, 0, SEMAPHORE_ALL_ACCESS));
    CHECK_HANDLE("CreateSemaphoreExA(4, 3)", h,
                 CreateSemaphoreExA(NULL, 4, 3, NULL, 0, SEMAPHORE_ALL_ACCESS));
    CHECK_HANDLE("CreateWaitableTimerExA(manual)", t,
                 CreateWaitableTimerExA(NULL, NULL,
                                        CREATE_WAITABLE_TIMER_MANUAL_RESET,
                                        TIMER_ALL_ACCESS));
    CHECK_WAIT("timer not signalled", WaitForSingleObject(t, 0));

    SECTION("SignalObjectAndWait");
    CHECK_WAIT("event, then the semaphore",
               SignalObjectAndWait(e, s, 0, FALSE));
    CHECK_WAIT("the event was set", WaitForSingleObject(e2 = OpenEventA(
                                        SYNCHRONIZE, FALSE, "conf_sync_exev"),
                                    0));
    CloseHandle(e2);
    CHECK_WAIT("semaphore, then the mutex",
               SignalObjectAndWait(s, m, 0, FALSE));
    SetLastError(CONF_SENTINEL);
    printf("the semaphore's count went back: %d",
           ReleaseSemaphore(s, 1, &prev));
    printf(", previous %ld\n", (long)prev);
    CHECK_WAIT("mutex (owned), then the timer",
               SignalObjectAndWait(m, t, 0, FALSE));
    CHECK_BOOL("the mutex was released", ReleaseMutex(m));
    CHECK_WAIT("mutex not owned", SignalObjectAndWait(m, s, 0, FALSE));
    CHECK_WAIT("semaphore again, then the mutex", SignalObjectAndWait(s, m, 0, FALSE));
    CHECK_WAIT("a timer to signal", SignalObjectAndWait(t, s, 0, FALSE));
    CHECK_WAIT("NULL to signal", SignalObjectAndWait(NULL, s, 0, FALSE));
    CHECK_WAIT("NULL to wait on", SignalObjectAndWait(e, NULL, 0, FALSE));
    CloseHandle(e);
    CloseHandle(m);
    CloseHandle(s);
    CloseHandle(t);
    CONF_DONE();
}
