/*
 * wait_multiple: WaitForMultipleObjects: counts, wait-any order, wait-all
 * atomicity with auto-reset events, and invalid members.  (Windows does not
 * define an array holding the same object twice, so none is tried.)
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static HANDLE go;

static DWORD WINAPI wait_for_go(LPVOID arg)
{
    (void)arg;
    WaitForSingleObject(go, 10000);
    return 0;
}

static DWORD WINAPI set_later(LPVOID arg)
{
    Sleep(100);
    SetEvent((HANDLE)arg);
    return 0;
}

int main(void)
{
    HANDLE m[2], a[2], h[MAXIMUM_WAIT_OBJECTS + 1], th[2];
    DWORD i;

    m[0] = CreateEventA(NULL, TRUE, FALSE, NULL);
    m[1] = CreateEventA(NULL, TRUE, FALSE, NULL);
    a[0] = CreateEventA(NULL, FALSE, FALSE, NULL);
    a[1] = CreateEventA(NULL, FALSE, FALSE, NULL);

    SECTION("counts");
    for (i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++)
        h[i] = m[0];
    CHECK_WAIT("nCount 0", WaitForMultipleObjects(0, h, FALSE, 0));
    CHECK_WAIT("nCount 65", WaitForMultipleObjects(65, h, FALSE, 0));
    CHECK_WAIT("nCount 65, wait all", WaitForMultipleObjects(65, h, TRUE, 0));
    CHECK_WAIT("nCount 0xFFFFFFFF",
               WaitForMultipleObjects(0xFFFFFFFF, h, FALSE, 0));
    for (i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
        h[i] = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_WAIT("64 events, none signalled",
               WaitForMultipleObjects(64, h, FALSE, 0));
    SetEvent(h[63]);
    CHECK_WAIT("64 events, the last signalled",
               WaitForMultipleObjects(64, h, FALSE, 0));
    CHECK_WAIT("64 events, wait all, one signalled",
               WaitForMultipleObjects(64, h, TRUE, 0));
    for (i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
        SetEvent(h[i]);
    CHECK_WAIT("64 events, wait all, all signalled",
               WaitForMultipleObjects(64, h, TRUE, 0));
    for (i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
        CloseHandle(h[i]);

    SECTION("wait any");
    CHECK_WAIT("none signalled", WaitForMultipleObjects(2, m, FALSE, 0));
    CHECK_WAIT("none signalled, timeout 50",
               WaitForMultipleObjects(2, m, FALSE, 50));
    SetEvent(m[1]);
    CHECK_WAIT("second signalled", WaitForMultipleObjects(2, m, FALSE, 0));
    SetEvent(m[0]);
    CHECK_WAIT("both signalled: the lowest index",
               WaitForMultipleObjects(2, m, FALSE, 0));
    SetEvent(a[0]);
    SetEvent(a[1]);
    CHECK_WAIT("two auto-reset events signalled",
               WaitForMultipleObjects(2, a, FALSE, 0));
    CHECK_WAIT("  the first was consumed", WaitForSingleObject(a[0], 0));
    CHECK_WAIT("  the second was not", WaitForSingleObject(a[1], 0));
    th[0] = CreateThread(NULL, 0, set_later, a[1], 0, NULL);
    CHECK_WAIT("an auto-reset event set by a thread after 100 ms",
               WaitForMultipleObjects(2, a, FALSE, 10000));
    WaitForSingleObject(th[0], 10000);
    CloseHandle(th[0]);

    SECTION("wait all");
    ResetEvent(m[0]);
    ResetEvent(m[1]);
    SetEvent(m[0]);
    SetEvent(a[0]);
    h[0] = m[0];
    h[1] = a[0];
    h[2] = a[1];
    CHECK_WAIT("manual and auto signalled, one auto not",
               WaitForMultipleObjects(3, h, TRUE, 0));
    CHECK_WAIT("  the signalled auto-reset event was not consumed",
               WaitForSingleObject(a[0], 0));
    SetEvent(a[0]);
    CHECK_WAIT("  timeout 50", WaitForMultipleObjects(3, h, TRUE, 50));
    SetEvent(a[1]);
    CHECK_WAIT("all three signalled", WaitForMultipleObjects(3, h, TRUE, 0));
    CHECK_WAIT("  first auto-reset event consumed",
               WaitForSingleObject(a[0], 0));
    CHECK_WAIT("  second auto-reset event consumed",
               WaitForSingleObject(a[1], 0));
    CHECK_WAIT("  manual-reset event still signalled",
               WaitForSingleObject(m[0], 0));
    th[0] = CreateThread(NULL, 0, set_later, a[0], 0, NULL);
    SetEvent(a[1]);
    CHECK_WAIT("the last member set by a thread after 100 ms",
               WaitForMultipleObjects(3, h, TRUE, 10000));
    WaitForSingleObject(th[0], 10000);
    CloseHandle(th[0]);

    SECTION("members that are not waitable");
    h[0] = m[0];
    h[1] = NULL;
    CHECK_WAIT("signalled event and NULL, wait any",
               WaitForMultipleObjects(2, h, FALSE, 0));
    CHECK_WAIT("signalled event and NULL, wait all",
               WaitForMultipleObjects(2, h, TRUE, 0));
    h[0] = NULL;
    h[1] = m[0];
    CHECK_WAIT("NULL and signalled event, wait any",
               WaitForMultipleObjects(2, h, FALSE, 0));
    h[1] = UNKNOWN_HANDLE;
    h[0] = m[0];
    CHECK_WAIT("signalled event and unknown value",
               WaitForMultipleObjects(2, h, FALSE, 0));

    SECTION("threads and the process");
    go = CreateEventA(NULL, TRUE, FALSE, NULL);
    th[0] = CreateThread(NULL, 0, wait_for_go, NULL, 0, NULL);
    th[1] = CreateThread(NULL, 0, wait_for_go, NULL, 0, NULL);
    CHECK_WAIT("two running threads, wait any, timeout 50",
               WaitForMultipleObjects(2, th, FALSE, 50));
    SetEvent(go);
    CHECK_WAIT("both threads ended, wait all",
               WaitForMultipleObjects(2, th, TRUE, 10000));
    /* A real handle to this process: WaitForMultipleObjects refuses the
     * pseudo handle (wait_timeouts_and_errors). */
    DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                    GetCurrentProcess(), &h[0], 0, FALSE,
                    DUPLICATE_SAME_ACCESS);
    h[1] = th[1];
    CHECK_WAIT("the process and an ended thread, wait any",
               WaitForMultipleObjects(2, h, FALSE, 0));
    CHECK_WAIT("the process and an ended thread, wait all",
               WaitForMultipleObjects(2, h, TRUE, 0));
    CloseHandle(h[0]);
    CloseHandle(th[0]);
    CloseHandle(th[1]);
    CloseHandle(go);

    CloseHandle(m[0]);
    CloseHandle(m[1]);
    CloseHandle(a[0]);
    CloseHandle(a[1]);
    CONF_DONE();
}
