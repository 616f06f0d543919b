/*
 * sync_names: named events, mutexes and semaphores in one process:
 * ERROR_ALREADY_EXISTS (arguments then ignored), another type under the
 * name (ERROR_INVALID_HANDLE), Open* errors, case-sensitive names, the
 * Local\ and Global\ prefixes, access checked on use, and the name going
 * with the last handle.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

int main(void)
{
    HANDLE e, h, m, m2, s, s2;
    LONG prev = -7;

    SECTION("events");
    CHECK_HANDLE("CreateEventA(manual, \"conf_sync_ev\")", e,
                 CreateEventA(NULL, TRUE, FALSE, "conf_sync_ev"));
    CHECK_HANDLE("CreateEventA(auto, signalled, same name)", h,
                 CreateEventA(NULL, FALSE, TRUE, "conf_sync_ev"));
    CHECK_WAIT("the second handle: not signalled", WaitForSingleObject(h, 0));
    CHECK_BOOL("SetEvent(first)", SetEvent(e));
    CHECK_WAIT("the second handle", WaitForSingleObject(h, 0));
    CHECK_WAIT("again (manual reset)", WaitForSingleObject(h, 0));
    CloseHandle(h);
    CHECK_HANDLE("CreateMutexA(same name)", h,
                 CreateMutexA(NULL, FALSE, "conf_sync_ev"));
    CHECK_HANDLE("CreateSemaphoreA(same name)", h,
                 CreateSemaphoreA(NULL, 0, 1, "conf_sync_ev"));
    CHECK_HANDLE("OpenMutexA(same name)", h,
                 OpenMutexA(SYNCHRONIZE, FALSE, "conf_sync_ev"));
    CHECK_HANDLE("OpenSemaphoreA(same name)", h,
                 OpenSemaphoreA(SYNCHRONIZE, FALSE, "conf_sync_ev"));
    CHECK_HANDLE("OpenEventA(SYNCHRONIZE)", h,
                 OpenEventA(SYNCHRONIZE, FALSE, "conf_sync_ev"));
    CHECK_BOOL("SetEvent without EVENT_MODIFY_STATE", SetEvent(h));
    CHECK_WAIT("WaitForSingleObject", WaitForSingleObject(h, 0));
    CloseHandle(h);
    CHECK_HANDLE("OpenEventA(EVENT_MODIFY_STATE)", h,
                 OpenEventA(EVENT_MODIFY_STATE, FALSE, "conf_sync_ev"));
    CHECK_WAIT("WaitForSingleObject without SYNCHRONIZE",
               WaitForSingleObject(h, 0));
    CHECK_BOOL("ResetEvent", ResetEvent(h));
    CHECK_WAIT("through the first", WaitForSingleObject(e, 0));
    CloseHandle(h);
    CHECK_HANDLE("OpenEventA(other case)", h,
                 OpenEventA(SYNCHRONIZE, FALSE, "CONF_SYNC_EV"));
    CHECK_HANDLE("OpenEventA(Local\\)", h,
                 OpenEventA(SYNCHRONIZE, FALSE, "Local\\conf_sync_ev"));
    CloseHandle(h);
    CHECK_HANDLE("OpenEventA(Global\\)", h,
                 OpenEventA(SYNCHRONIZE, FALSE, "Global\\conf_sync_ev"));
    CHECK_HANDLE("OpenEventA(local\\, lower case)", h,
                 OpenEventA(SYNCHRONIZE, FALSE, "local\\conf_sync_ev"));
    CHECK_HANDLE("OpenEventA(NULL)", h, OpenEventA(SYNCHRONIZE, FALSE, NULL));
    CHECK_HANDLE("OpenEventA(\"\")", h, OpenEventA(SYNCHRONIZE, FALSE, ""));
    CHECK_HANDLE("OpenEventA(no such)", h,
                 OpenEventA(SYNCHRONIZE, FALSE, "conf_sync_nosuch"));
    CHECK_HANDLE("CreateEventA(\"a\\b\")", h,
                 CreateEventA(NULL, TRUE, FALSE, "conf_sync_a\\b"));
    CHECK_HANDLE("CreateEventA(\"Local\\\")", h,
                 CreateEventA(NULL, TRUE, FALSE, "Local\\"));
    CHECK_HANDLE("CreateEventA(\"\") is unnamed", h,
                 CreateEventA(NULL, TRUE, FALSE, ""));
    CloseHandle(h);
    CHECK_HANDLE("CreateEventA(Global\\)", h,
                 CreateEventA(NULL, TRUE, FALSE, "Global\\conf_sync_g"));
    CHECK_HANDLE("OpenEventA(without Global\\)", m,
                 OpenEventA(SYNCHRONIZE, FALSE, "conf_sync_g"));
    CloseHandle(h);
    CloseHandle(e);
    CHECK_HANDLE("OpenEventA after the last handle closed", h,
                 OpenEventA(SYNCHRONIZE, FALSE, "conf_sync_ev"));

    SECTION("mutexes");
    CHECK_HANDLE("CreateMutexA(owned, \"conf_sync_mx\")", m,
                 CreateMutexA(NULL, TRUE, "conf_sync_mx"));
    CHECK_HANDLE("CreateMutexA(owned, same name)", m2,
                 CreateMutexA(NULL, TRUE, "conf_sync_mx"));
    CHECK_BOOL("ReleaseMutex(second)", ReleaseMutex(m2));
    CHECK_BOOL("ReleaseMutex(first): owned once only", ReleaseMutex(m));
    CloseHandle(m2);
    CHECK_HANDLE("OpenMutexA(SYNCHRONIZE)", m2,
                 OpenMutexA(SYNCHRONIZE, FALSE, "conf_sync_mx"));
    CHECK_WAIT("WaitForSingleObject(opened)", WaitForSingleObject(m2, 0));
    CHECK_BOOL("ReleaseMutex(first)", ReleaseMutex(m));
    CloseHandle(m2);
    CHECK_HANDLE("OpenEventA(a mutex's name)", h,
                 OpenEventA(SYNCHRONIZE, FALSE, "conf_sync_mx"));
    CloseHandle(m);
    CHECK_HANDLE("OpenMutexA after the last handle closed", m,
                 OpenMutexA(SYNCHRONIZE, FALSE, "conf_sync_mx"));

    SECTION("semaphores");
    CHECK_HANDLE("CreateSemaphoreA(1, 5, \"conf_sync_sm\")", s,
                 CreateSemaphoreA(NULL, 1, 5, "conf_sync_sm"));
    CHECK_HANDLE("CreateSemaphoreA(3, 9, same name)", s2,
                 CreateSemaphoreA(NULL, 3, 9, "conf_sync_sm"));
    SetLastError(CONF_SENTINEL);
    printf("ReleaseSemaphore(second, 4): %d", ReleaseSemaphore(s2, 4, &prev));
    printf(", previous %ld\n", (long)prev);
    CHECK_BOOL("ReleaseSemaphore(second, 1): past 5",
               ReleaseSemaphore(s2, 1, NULL));
    CHECK_HANDLE("OpenSemaphoreA(SYNCHRONIZE)", h,
                 OpenSemaphoreA(SYNCHRONIZE, FALSE, "conf_sync_sm"));
    CHECK_BOOL("ReleaseSemaphore without SEMAPHORE_MODIFY_STATE",
               ReleaseSemaphore(h, 1, NULL));
    CHECK_WAIT("WaitForSingleObject", WaitForSingleObject(h, 0));
    CloseHandle(h);
    CloseHandle(s);
    CloseHandle(s2);
    CHECK_HANDLE("OpenSemaphoreA after the last handle closed", h,
                 OpenSemaphoreA(SYNCHRONIZE, FALSE, "conf_sync_sm"));
    CHECK_HANDLE("CreateMutexA(the free name)", m,
                 CreateMutexA(NULL, FALSE, "conf_sync_sm"));
    CloseHandle(m);
    CONF_DONE();
}
