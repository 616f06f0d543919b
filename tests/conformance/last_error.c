/*
 * last_error: GetLastError and SetLastError: any value round-trips, the
 * value is per thread, failures overwrite it and successes leave it.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static DWORD seen_first, seen_after;

static DWORD WINAPI other(LPVOID arg)
{
    (void)arg;
    seen_first = GetLastError();
    SetLastError(4242);
    seen_after = GetLastError();
    return 0;
}

int main(void)
{
    HANDLE ev, th;

    SECTION("round trips");
    SetLastError(0);
    printf("SetLastError(0): %u\n", (unsigned)GetLastError());
    SetLastError(ERROR_ACCESS_DENIED);
    printf("SetLastError(ERROR_ACCESS_DENIED): %u\n", (unsigned)GetLastError());
    SetLastError(0x12345678);
    printf("SetLastError(0x12345678): 0x%x\n", (unsigned)GetLastError());
    SetLastError(0xFFFFFFFF);
    printf("SetLastError(0xFFFFFFFF): 0x%x\n", (unsigned)GetLastError());
    SetLastError(0x20000001); /* the customer bit */
    printf("SetLastError(0x20000001): 0x%x\n", (unsigned)GetLastError());
    printf("GetLastError() again: 0x%x\n", (unsigned)GetLastError());

    SECTION("failures overwrite, successes leave");
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    SetLastError(1234);
    SetEvent(ev);
    printf("after SetEvent succeeded: %u\n", (unsigned)GetLastError());
    CloseHandle(NULL);
    printf("after CloseHandle(NULL) failed: %u\n", (unsigned)GetLastError());
    SetLastError(1234);
    WaitForSingleObject(ev, 0);
    printf("after a wait that timed out: %u\n", (unsigned)GetLastError());
    CloseHandle(ev);
    printf("after CloseHandle succeeded: %u\n", (unsigned)GetLastError());

    SECTION("per thread");
    SetLastError(777);
    th = CreateThread(NULL, 0, other, NULL, 0, NULL);
    WaitForSingleObject(th, 10000);
    CloseHandle(th);
    SHOW_UINT("a new thread's first GetLastError", seen_first);
    SHOW_UINT("its own SetLastError(4242)", seen_after);
    SHOW_UINT("ours, still", GetLastError());
    CONF_DONE();
}
