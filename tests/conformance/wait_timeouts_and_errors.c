/*
 * wait_timeouts_and_errors: time-outs at their edges (1 ms, the largest
 * finite value on a signalled object, INFINITE on objects that are
 * signalled already), pseudo handles among other objects, which member a
 * wait for any of several objects reports and takes, and failed waits,
 * which take nothing.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static DWORD WINAPI quick(LPVOID arg)
{
    (void)arg;
    return 3;
}

static void timeouts(void)
{
    HANDLE m, a, t;

    SECTION("time-outs");
    m = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_WAIT("not signalled, timeout 1", WaitForSingleObject(m, 1));
    SetEvent(m);
    CHECK_WAIT("signalled, timeout 0xFFFFFFFE", WaitForSingleObject(m,
                                                                   0xFFFFFFFE));
    CHECK_WAIT("signalled manual-reset event, INFINITE",
               WaitForSingleObject(m, INFINITE));
    a = CreateEventA(NULL, FALSE, TRUE, NULL);
    CHECK_WAIT("signalled auto-reset event, INFINITE",
               WaitForSingleObject(a, INFINITE));
    CHECK_WAIT("  then, timeout 0", WaitForSingleObject(a, 0));
    t = CreateThread(NULL, 0, quick, NULL, 0, NULL);
    CHECK_WAIT("a thread, INFINITE", WaitForSingleObject(t, INFINITE));
    CHECK_WAIT("the ended thread, INFINITE again",
               WaitForSingleObject(t, INFINITE));
    SetEvent(a);
    {
        HANDLE set[3] = {m, a, t};
        CHECK_WAIT("all three signalled, wait all, INFINITE",
                   WaitForMultipleObjects(3, set, TRUE, INFINITE));
        CHECK_WAIT("  the auto-reset event was taken",
                   WaitForSingleObject(a, 0));
    }
    CloseHandle(m);
    CloseHandle(a);
    CloseHandle(t);
}

static void pseudo(void)
{
    HANDLE ev = CreateEventA(NULL, TRUE, TRUE, NULL);
    HANDLE set[2];

    SECTION("pseudo handles");
    CHECK_WAIT("GetCurrentThread(), timeout 50",
               WaitForSingleObject(GetCurrentThread(), 50));
    set[0] = GetCurrentThread();
    set[1] = ev;
    CHECK_WAIT("GetCurrentThread() and a signalled event, wait any",
               WaitForMultipleObjects(2, set, FALSE, 0));
    CHECK_WAIT("  the same, wait all, timeout 50",
               WaitForMultipleObjects(2, set, TRUE, 50));
    set[0] = GetCurrentProcess();
    CHECK_WAIT("GetCurrentProcess() and a signalled event, wait any",
               WaitForMultipleObjects(2, set, FALSE, 0));
    CHECK_WAIT("  with GetCurrentProcess(), wait all, timeout 50",
               WaitForMultipleObjects(2, set, TRUE, 50));
    CloseHandle(ev);
}

static void which_member(void)
{
    HANDLE m0, a1, a2, t, set[64];
    int i;

    SECTION("which member a wait for any reports and takes");
    m0 = CreateEventA(NULL, TRUE, FALSE, NULL);
    a1 = CreateEventA(NULL, FALSE, TRUE, NULL);
    a2 = CreateEventA(NULL, FALSE, TRUE, NULL);
    t = CreateThread(NULL, 0, quick, NULL, 0, NULL);
    WaitForSingleObject(t, 10000);
    set[0] = m0;
    set[1] = t;
    set[2] = a1;
    CHECK_WAIT("[unsignalled, ended thread, auto-reset signalled]",
               WaitForMultipleObjects(3, set, FALSE, 0));
    CHECK_WAIT("  the auto-reset event was not taken",
               WaitForSingleObject(a1, 0));
    SetEvent(a1);
    set[0] = a1;
    set[1] = t;
    set[2] = a2;
    CHECK_WAIT("[auto-reset signalled, ended thread, auto-reset signalled]",
               WaitForMultipleObjects(3, set, FALSE, 0));
    CHECK_WAIT("  the first was taken", WaitForSingleObject(a1, 0));
    CHECK_WAIT("  the last was not", WaitForSingleObject(a2, 0));
    CHECK_WAIT("[auto-reset taken, ended thread, auto-reset taken]",
               WaitForMultipleObjects(3, set, FALSE, 0));
    for (i = 0; i < 64; i++)
        set[i] = CreateEventA(NULL, FALSE, FALSE, NULL);
    SetEvent(set[50]);
    SetEvent(set[30]);
    CHECK_WAIT("64 auto-reset events, 30 and 50 signalled",
               WaitForMultipleObjects(64, set, FALSE, 0));
    CHECK_WAIT("  again", WaitForMultipleObjects(64, set, FALSE, 0));
    CHECK_WAIT("  again", WaitForMultipleObjects(64, set, FALSE, 0));
    for (i = 0; i < 64; i++)
        CloseHandle(set[i]);
    CloseHandle(m0);
    CloseHandle(a1);
    CloseHandle(a2);
    CloseHandle(t);
}

static void failures(void)
{
    HANDLE a, closed, limited, set[3];

    SECTION("failed waits take nothing");
    a = CreateEventA(NULL, FALSE, TRUE, NULL);
    closed = CreateEventA(NULL, TRUE, TRUE, NULL);
    CloseHandle(closed);
    set[0] = a;
    set[1] = closed;
    CHECK_WAIT("[auto-reset signalled, closed], wait any",
               WaitForMultipleObjects(2, set, FALSE, 0));
    CHECK_WAIT("  wait all", WaitForMultipleObjects(2, set, TRUE, 0));
    CHECK_WAIT("  the auto-reset event is still signalled",
               WaitForSingleObject(a, 0));
    CHECK_WAIT("a closed handle, INFINITE",
               WaitForSingleObject(closed, INFINITE));
    CHECK_WAIT("WaitForMultipleObjects(1, closed), INFINITE",
               WaitForMultipleObjects(1, &closed, TRUE, INFINITE));
    SetEvent(a);
    DuplicateHandle(GetCurrentProcess(), a, GetCurrentProcess(), &limited,
                    EVENT_MODIFY_STATE, FALSE, 0);
    set[1] = limited;
    CHECK_WAIT("[auto-reset signalled, the same without SYNCHRONIZE], wait any",
               WaitForMultipleObjects(2, set, FALSE, 0));
    CHECK_WAIT("  the auto-reset event is still signalled",
               WaitForSingleObject(a, 0));
    SetEvent(a);
    set[1] = NULL;
    CHECK_WAIT("[auto-reset signalled, NULL], wait any, INFINITE",
               WaitForMultipleObjects(2, set, FALSE, INFINITE));
    CHECK_WAIT("  the auto-reset event is still signalled",
               WaitForSingleObject(a, 0));
    CloseHandle(limited);
    CloseHandle(a);
}

int main(void)
{
    timeouts();
    pseudo();
    which_member();
    failures();
    CONF_DONE();
}
