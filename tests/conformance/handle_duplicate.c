/*
 * handle_duplicate: DuplicateHandle within the process: same access, pseudo
 * handles, the inherit flag, DUPLICATE_CLOSE_SOURCE, and its error paths.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

int main(void)
{
    HANDLE self = GetCurrentProcess();
    HANDLE ev, dup, dup2, p, t, other;
    DWORD flags;

    SECTION("a duplicate names the same object");
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_BOOL(
        "DuplicateHandle(event, SAME_ACCESS)",
        DuplicateHandle(self, ev, self, &dup, 0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_TRUE("duplicate != source", dup != ev);
    CHECK_TRUE("duplicate is a non-zero multiple of 4",
               dup != NULL && ((ULONG_PTR)dup & 3) == 0);
    CHECK_BOOL("SetEvent(duplicate)", SetEvent(dup));
    CHECK_WAIT("WaitForSingleObject(source, 0)", WaitForSingleObject(ev, 0));
    CHECK_BOOL("ResetEvent(source)", ResetEvent(ev));
    CHECK_WAIT("WaitForSingleObject(duplicate, 0)",
               WaitForSingleObject(dup, 0));
    CHECK_BOOL("DuplicateHandle(duplicate of duplicate)",
               DuplicateHandle(self, dup, self, &dup2, 0, FALSE,
                               DUPLICATE_SAME_ACCESS));
    CHECK_TRUE("second duplicate differs from both", dup2 != dup && dup2 != ev);
    CloseHandle(dup2);
    CloseHandle(dup);

    SECTION("the inherit flag");
    CHECK_BOOL(
        "DuplicateHandle(bInheritHandle TRUE)",
        DuplicateHandle(self, ev, self, &dup, 0, TRUE, DUPLICATE_SAME_ACCESS));
    flags = 0xFF;
    CHECK_BOOL("GetHandleInformation(inheritable duplicate)",
               GetHandleInformation(dup, &flags));
    SHOW_UINT("flags", flags);
    CHECK_BOOL("DuplicateHandle(from inheritable, bInheritHandle FALSE)",
               DuplicateHandle(self, dup, self, &dup2, 0, FALSE,
                               DUPLICATE_SAME_ACCESS));
    flags = 0xFF;
    GetHandleInformation(dup2, &flags);
    SHOW_UINT("flags", flags);
    CloseHandle(dup2);
    CloseHandle(dup);
    SetHandleInformation(ev, HANDLE_FLAG_PROTECT_FROM_CLOSE,
                         HANDLE_FLAG_PROTECT_FROM_CLOSE);
    CHECK_BOOL(
        "DuplicateHandle(protected source)",
        DuplicateHandle(self, ev, self, &dup, 0, FALSE, DUPLICATE_SAME_ACCESS));
    flags = 0xFF;
    GetHandleInformation(dup, &flags);
    SHOW_UINT("flags of its duplicate", flags);
    CloseHandle(dup);
    SetHandleInformation(ev, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0);

    CHECK_BOOL(
        "DuplicateHandle(NULL target handle pointer)",
        DuplicateHandle(self, ev, self, NULL, 0, FALSE, DUPLICATE_SAME_ACCESS));

    SECTION("pseudo handles");
    CHECK_BOOL("DuplicateHandle(GetCurrentProcess())",
               DuplicateHandle(self, GetCurrentProcess(), self, &p, 0, FALSE,
                               DUPLICATE_SAME_ACCESS));
    CHECK_TRUE("dup of pseudo process is a real handle",
               p != GetCurrentProcess() && p != NULL);
    CHECK_TRUE("GetProcessId(dup of pseudo) == GetCurrentProcessId",
               GetProcessId(p) == GetCurrentProcessId());
    CHECK_WAIT("WaitForSingleObject(dup of pseudo process, 0)",
               WaitForSingleObject(p, 0));
    CHECK_BOOL("CloseHandle(dup of pseudo process)", CloseHandle(p));
    CHECK_BOOL("DuplicateHandle(INVALID_HANDLE_VALUE as source handle)",
               DuplicateHandle(self, INVALID_HANDLE_VALUE, self, &p, 0, FALSE,
                               DUPLICATE_SAME_ACCESS));
    CHECK_TRUE("GetProcessId(it) == GetCurrentProcessId",
               GetProcessId(p) == GetCurrentProcessId());
    CloseHandle(p);
    CHECK_BOOL("DuplicateHandle(GetCurrentThread())",
               DuplicateHandle(self, GetCurrentThread(), self, &t, 0, FALSE,
                               DUPLICATE_SAME_ACCESS));
    CHECK_TRUE("dup of pseudo thread is a real handle",
               t != GetCurrentThread() && t != NULL);
    CHECK_TRUE("GetThreadId(dup of pseudo) == GetCurrentThreadId",
               GetThreadId(t) == GetCurrentThreadId());
    CHECK_WAIT("WaitForSingleObject(dup of pseudo thread, 0)",
               WaitForSingleObject(t, 0));
    CHECK_BOOL("CloseHandle(dup of pseudo thread)", CloseHandle(t));

    SECTION("DUPLICATE_CLOSE_SOURCE");
    /* The duplicate may reuse the source's value, which is closed first:
     * only the object's survival and the source's closing are shown. */
    CHECK_BOOL("DuplicateHandle(SAME_ACCESS | CLOSE_SOURCE)",
               DuplicateHandle(self, ev, self, &dup, 0, FALSE,
                               DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_BOOL("SetEvent(duplicate)", SetEvent(dup));
    CHECK_TRUE("the source is closed (or its value is the duplicate's)",
               dup == ev || !CloseHandle(ev));
    ev = dup;
    other = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_BOOL("DuplicateHandle(CLOSE_SOURCE, an event as target process)",
               DuplicateHandle(self, ev, other, &dup, 0, FALSE,
                               DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_BOOL("CloseHandle(source of the failed duplication)",
               CloseHandle(ev));
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_BOOL("DuplicateHandle(CLOSE_SOURCE, NULL target process)",
               DuplicateHandle(self, ev, NULL, NULL, 0, FALSE,
                               DUPLICATE_CLOSE_SOURCE));
    CHECK_BOOL("CloseHandle(source closed through a NULL target)",
               CloseHandle(ev));
    CloseHandle(other);

    /* Within one process the duplicate takes the source's own value, with
     * the inherit flag asked for; a source protected from closing is not
     * closed, so the duplicate gets another value (Wine's process.c
     * test_DuplicateHandle, which passes on Windows). */
    SECTION("DUPLICATE_CLOSE_SOURCE values");
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_BOOL("DuplicateHandle(CLOSE_SOURCE, not inheritable)",
               DuplicateHandle(self, ev, self, &dup, 0, FALSE,
                               DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_TRUE("  the source's value", dup == ev);
    flags = 77;
    GetHandleInformation(dup, &flags);
    SHOW_UINT("  flags", flags);
    CHECK_BOOL("DuplicateHandle(CLOSE_SOURCE, inheritable)",
               DuplicateHandle(self, ev, self, &dup, 0, TRUE,
                               DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_TRUE("  the source's value", dup == ev);
    flags = 77;
    GetHandleInformation(dup, &flags);
    SHOW_UINT("  flags", flags);
    CHECK_BOOL("SetHandleInformation(PROTECT_FROM_CLOSE)",
               SetHandleInformation(ev, HANDLE_FLAG_PROTECT_FROM_CLOSE,
                                    HANDLE_FLAG_PROTECT_FROM_CLOSE));
    CHECK_BOOL("DuplicateHandle(CLOSE_SOURCE, a protected source)",
               DuplicateHandle(self, ev, self, &dup, 0, TRUE,
                               DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_TRUE("  another value", dup != ev);
    flags = 77;
    GetHandleInformation(dup, &flags);
    SHOW_UINT("  flags", flags);
    CHECK_BOOL("  the source is still open: SetHandleInformation(0)",
               SetHandleInformation(ev, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0));
    CHECK_BOOL("CloseHandle(source)", CloseHandle(ev));
    CHECK_BOOL("CloseHandle(duplicate)", CloseHandle(dup));

    SECTION("errors");
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_BOOL("DuplicateHandle(NULL source handle)",
               DuplicateHandle(self, NULL, self, &dup, 0, FALSE,
                               DUPLICATE_SAME_ACCESS));
    CHECK_BOOL("DuplicateHandle(unknown source handle)",
               DuplicateHandle(self, UNKNOWN_HANDLE, self, &dup, 0, FALSE,
                               DUPLICATE_SAME_ACCESS));
    CHECK_BOOL(
        "DuplicateHandle(NULL source process)",
        DuplicateHandle(NULL, ev, self, &dup, 0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_BOOL(
        "DuplicateHandle(NULL target process)",
        DuplicateHandle(self, ev, NULL, &dup, 0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_BOOL(
        "DuplicateHandle(event as source process)",
        DuplicateHandle(ev, ev, self, &dup, 0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_BOOL(
        "DuplicateHandle(event as target process)",
        DuplicateHandle(self, ev, ev, &dup, 0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_BOOL("DuplicateHandle(GetCurrentThread() as source process)",
               DuplicateHandle(GetCurrentThread(), ev, self, &dup, 0, FALSE,
                               DUPLICATE_SAME_ACCESS));
    dup = ev;
    CloseHandle(dup);
    CHECK_BOOL("DuplicateHandle(closed source handle)",
               DuplicateHandle(self, ev, self, &dup2, 0, FALSE,
                               DUPLICATE_SAME_ACCESS));
    CONF_DONE();
}
