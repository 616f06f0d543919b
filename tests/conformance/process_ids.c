/*
 * process_ids: GetCurrentProcessId, GetProcessId, GetCurrentThreadId,
 * GetThreadId and the pseudo handles, shown only as relations, and Sleep.
 */
#include <tchar.h>
#include <windows.h>

#include <time.h>

#include "conformance.h"

static DWORD other_tid;
static HANDLE other_dup;

static DWORD WINAPI other(LPVOID arg)
{
    (void)arg;
    other_tid = GetCurrentThreadId();
    DuplicateHandle(GetCurrentProcess(), GetCurrentThread(),
                    GetCurrentProcess(), &other_dup, 0, FALSE,
                    DUPLICATE_SAME_ACCESS);
    return 0;
}

/* "label: relation, error": a call whose value must not be printed. */
#define CHECK_ID(label, call, expected)                                        \
    do {                                                                       \
        DWORD v_, e_;                                                          \
        SetLastError(CONF_SENTINEL);                                           \
        v_ = (call);                                                           \
        e_ = GetLastError();                                                   \
        printf("%s: %s, %s\n", (label),                                        \
               v_ == (expected) ? "as expected" : "DIFFERENT",                 \
               conf_error(e_));                                                \
    } while (0)

int main(void)
{
    HANDLE p, th;
    DWORD pid = GetCurrentProcessId(), tid = GetCurrentThreadId();
    time_t t0;

    SECTION("this process");
    CHECK_TRUE("GetCurrentProcessId() != 0", pid != 0);
    CHECK_ID("GetCurrentProcessId() again", GetCurrentProcessId(), pid);
    CHECK_TRUE("GetCurrentProcess() == (HANDLE)-1",
               GetCurrentProcess() == (HANDLE)(LONG_PTR)-1);
    CHECK_ID("GetProcessId(GetCurrentProcess()) == GetCurrentProcessId",
             GetProcessId(GetCurrentProcess()), pid);
    DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                    GetCurrentProcess(), &p, 0, FALSE, DUPLICATE_SAME_ACCESS);
    CHECK_ID("GetProcessId(dup of pseudo) == GetCurrentProcessId",
             GetProcessId(p), pid);
    CloseHandle(p);
    CHECK_ID("GetProcessId(NULL) == 0", GetProcessId(NULL), 0);
    CHECK_ID("GetProcessId(closed) == 0", GetProcessId(p), 0);

    SECTION("this thread");
    CHECK_TRUE("GetCurrentThreadId() != 0", tid != 0);
    CHECK_ID("GetCurrentThreadId() again", GetCurrentThreadId(), tid);
    CHECK_TRUE("GetCurrentThread() == (HANDLE)-2",
               GetCurrentThread() == (HANDLE)(LONG_PTR)-2);
    CHECK_ID("GetThreadId(GetCurrentThread()) == GetCurrentThreadId",
             GetThreadId(GetCurrentThread()), tid);
    CHECK_ID("GetThreadId(NULL) == 0", GetThreadId(NULL), 0);

    SECTION("another thread");
    th = CreateThread(NULL, 0, other, NULL, 0, NULL);
    WaitForSingleObject(th, 10000);
    CHECK_TRUE("its id differs from ours", other_tid != tid && other_tid != 0);
    CHECK_ID("GetThreadId(its handle) == its id", GetThreadId(th), other_tid);
    CHECK_ID("GetThreadId(its duplicate of GetCurrentThread()) == its id",
             GetThreadId(other_dup), other_tid);
    CHECK_WAIT("its duplicate of GetCurrentThread() is signalled",
               WaitForSingleObject(other_dup, 0));
    CloseHandle(other_dup);
    CloseHandle(th);

    SECTION("Sleep");
    Sleep(0);
    CHECK_TRUE("Sleep(0) returns", 1);
    Sleep(10);
    CHECK_TRUE("Sleep(10) returns", 1);
    t0 = time(NULL);
    Sleep(1100);
    CHECK_TRUE("Sleep(1100) lasts at least a second", time(NULL) - t0 >= 1);
    CONF_DONE();
}
