/*
 * sync_open_access: the access asked of OpenMutexA: none at all, a right
 * the type does not have (both refused: Wine's sync.c test_mutex, which
 * Wine 8 fails, overrides.txt), MAXIMUM_ALLOWED; and PulseEvent when
 * nobody waits.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

int main(void)
{
    HANDLE m, e, h;

    SECTION("Open* with no access");
    CHECK_HANDLE("OpenMutexA(0, no such name)", h,
                 OpenMutexA(0, FALSE, "conf_acc_mutex"));
    CHECK_HANDLE("CreateMutexA", m, CreateMutexA(NULL, FALSE, "conf_acc_mutex"));
    CHECK_HANDLE("OpenMutexA(0)", h, OpenMutexA(0, FALSE, "conf_acc_mutex"));
    CHECK_HANDLE("CreateEventA", e,
                 CreateEventA(NULL, TRUE, FALSE, "conf_acc_event"));

    SECTION("MAXIMUM_ALLOWED");
    CHECK_HANDLE("OpenMutexA(MAXIMUM_ALLOWED)", h,
                 OpenMutexA(MAXIMUM_ALLOWED, FALSE, "conf_acc_mutex"));
    CHECK_WAIT("WaitForSingleObject", WaitForSingleObject(h, 0));
    CHECK_BOOL("ReleaseMutex", ReleaseMutex(h));
    CloseHandle(h);
    CHECK_HANDLE("OpenEventA(MAXIMUM_ALLOWED)", h,
                 OpenEventA(MAXIMUM_ALLOWED, FALSE, "conf_acc_event"));
    CHECK_BOOL("SetEvent", SetEvent(h));
    CHECK_WAIT("WaitForSingleObject", WaitForSingleObject(h, 0));
    CHECK_BOOL("ResetEvent", ResetEvent(h));
    CloseHandle(h);

    SECTION("a right the type does not have");
    CHECK_HANDLE("OpenMutexA(SYNCHRONIZE | 2)", h,
                 OpenMutexA(SYNCHRONIZE | 2, FALSE, "conf_acc_mutex"));
    CHECK_HANDLE("OpenMutexA(SYNCHRONIZE | 0x00200000)", h,
                 OpenMutexA(SYNCHRONIZE | 0x00200000, FALSE, "conf_acc_mutex"));

    SECTION("PulseEvent when nobody waits");
    CHECK_BOOL("SetEvent(manual)", SetEvent(e));
    CHECK_BOOL("PulseEvent", PulseEvent(e));
    CHECK_WAIT("then", WaitForSingleObject(e, 0));
    CHECK_HANDLE("CreateEventA(auto, signalled)", h,
                 CreateEventA(NULL, FALSE, TRUE, NULL));
    CHECK_BOOL("PulseEvent", PulseEvent(h));
    CHECK_WAIT("then", WaitForSingleObject(h, 0));
    CloseHandle(h);
    CHECK_BOOL("PulseEvent(a mutex)", PulseEvent(m));
    CHECK_BOOL("PulseEvent(NULL)", PulseEvent(NULL));

    CloseHandle(m);
    CloseHandle(e);
    CONF_DONE();
}
