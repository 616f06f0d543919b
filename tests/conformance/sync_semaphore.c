/*
 * sync_semaphore: CreateSemaphoreA and ReleaseSemaphore: parameters,
 * counts, the previous count, ERROR_TOO_MANY_POSTS, and waits.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static void release(const char *label, HANDLE s, LONG n)
{
    LONG prev = -7;
    BOOL ok;
    DWORD e;
    SetLastError(CONF_SENTINEL);
    ok = ReleaseSemaphore(s, n, &prev);
    e = GetLastError();
    printf("%s: %s, %s, previous %ld\n", label, ok ? "TRUE" : "FALSE",
           conf_error(e), (long)prev);
}

int main(void)
{
    HANDLE s, bad;

    SECTION("parameters");
    CHECK_HANDLE("CreateSemaphoreA(-1, 2)", bad,
                 CreateSemaphoreA(NULL, -1, 2, NULL));
    CHECK_HANDLE("CreateSemaphoreA(0, 0)", bad,
                 CreateSemaphoreA(NULL, 0, 0, NULL));
    CHECK_HANDLE("CreateSemaphoreA(3, 2)", bad,
                 CreateSemaphoreA(NULL, 3, 2, NULL));
    CHECK_HANDLE("CreateSemaphoreA(0, -1)", bad,
                 CreateSemaphoreA(NULL, 0, -1, NULL));

    SECTION("counts");
    CHECK_HANDLE("CreateSemaphoreA(1, 2)", s, CreateSemaphoreA(NULL, 1, 2, NULL));
    release("ReleaseSemaphore(1)", s, 1);
    release("ReleaseSemaphore(1) past the maximum", s, 1);
    release("ReleaseSemaphore(-1)", s, -1);
    CHECK_WAIT("WaitForSingleObject(0)", WaitForSingleObject(s, 0));
    CHECK_WAIT("WaitForSingleObject(0)", WaitForSingleObject(s, 0));
    CHECK_WAIT("WaitForSingleObject(20)", WaitForSingleObject(s, 20));
    release("ReleaseSemaphore(3)", s, 3);
    release("ReleaseSemaphore(2)", s, 2);
    CHECK_BOOL("ReleaseSemaphore(1, NULL) past the maximum",
               ReleaseSemaphore(s, 1, NULL));
    CHECK_WAIT("WaitForSingleObject(0)", WaitForSingleObject(s, 0));
    CHECK_BOOL("ReleaseSemaphore(1, NULL)", ReleaseSemaphore(s, 1, NULL));
    CHECK_BOOL("ReleaseSemaphore(NULL handle)", ReleaseSemaphore(NULL, 1, NULL));
    CloseHandle(s);

    SECTION("wait-all takes one of each");
    {
        HANDLE hs[2];
        CHECK_HANDLE("CreateSemaphoreA(2, 5)", hs[0],
                     CreateSemaphoreA(NULL, 2, 5, NULL));
        CHECK_HANDLE("CreateSemaphoreA(0, 5)", hs[1],
                     CreateSemaphoreA(NULL, 0, 5, NULL));
        CHECK_WAIT("wait-all, one empty",
                   WaitForMultipleObjects(2, hs, TRUE, 20));
        release("first: nothing was taken", hs[0], 0);
        release("second += 1", hs[1], 1);
        CHECK_WAIT("wait-all", WaitForMultipleObjects(2, hs, TRUE, 0));
        release("first", hs[0], 0);
        release("second", hs[1], 0);
        CHECK_WAIT("wait-any", WaitForMultipleObjects(2, hs, FALSE, 0));
        release("first", hs[0], 0);
        CloseHandle(hs[0]);
        CloseHandle(hs[1]);
    }
    CONF_DONE();
}
