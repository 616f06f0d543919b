/*
 * handle_close: CloseHandle on live, closed, NULL, pseudo, unknown and
 * protected handles, and what a handle's object outlives.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

int main(void)
{
    HANDLE ev, dup;
    HANDLE self = GetCurrentProcess();

    SECTION("live and closed handles");
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_BOOL("CloseHandle(event)", CloseHandle(ev));
    CHECK_BOOL("CloseHandle(the same handle again)", CloseHandle(ev));
    CHECK_BOOL("SetEvent(closed handle)", SetEvent(ev));

    SECTION("values that are not handles");
    CHECK_BOOL("CloseHandle(NULL)", CloseHandle(NULL));
    CHECK_BOOL("CloseHandle(unknown value)", CloseHandle(UNKNOWN_HANDLE));

    SECTION("pseudo handles");
    CHECK_BOOL("CloseHandle(INVALID_HANDLE_VALUE)",
               CloseHandle(INVALID_HANDLE_VALUE));
    CHECK_BOOL("CloseHandle(GetCurrentProcess())",
               CloseHandle(GetCurrentProcess()));
    CHECK_BOOL("CloseHandle(GetCurrentThread())",
               CloseHandle(GetCurrentThread()));
    CHECK_WAIT("WaitForSingleObject(GetCurrentProcess(), 0) after closing it",
               WaitForSingleObject(GetCurrentProcess(), 0));

    SECTION("the object lives while a handle does");
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_BOOL(
        "DuplicateHandle(event)",
        DuplicateHandle(self, ev, self, &dup, 0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_BOOL("CloseHandle(original)", CloseHandle(ev));
    CHECK_BOOL("SetEvent(duplicate)", SetEvent(dup));
    CHECK_WAIT("WaitForSingleObject(duplicate, 0)",
               WaitForSingleObject(dup, 0));
    CHECK_BOOL("CloseHandle(duplicate)", CloseHandle(dup));
    CHECK_BOOL("CloseHandle(duplicate) again", CloseHandle(dup));

    SECTION("HANDLE_FLAG_PROTECT_FROM_CLOSE");
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_BOOL("SetHandleInformation(protect)",
               SetHandleInformation(ev, HANDLE_FLAG_PROTECT_FROM_CLOSE,
                                    HANDLE_FLAG_PROTECT_FROM_CLOSE));
    CHECK_BOOL("CloseHandle(protected)", CloseHandle(ev));
    CHECK_BOOL("SetEvent(protected, after CloseHandle)", SetEvent(ev));
    CHECK_BOOL("SetHandleInformation(unprotect)",
               SetHandleInformation(ev, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0));
    CHECK_BOOL("CloseHandle(unprotected)", CloseHandle(ev));
    CHECK_BOOL("SetEvent(after closing unprotected)", SetEvent(ev));

    SECTION("closing one of many handles");
    {
        HANDLE evs[8];
        int i, ok = 1;
        for (i = 0; i < 8; i++)
            evs[i] = CreateEventA(NULL, FALSE, FALSE, NULL);
        CHECK_BOOL("CloseHandle(fourth of eight events)", CloseHandle(evs[3]));
        for (i = 0; i < 8; i++)
            if (i != 3 && !SetEvent(evs[i]))
                ok = 0;
        CHECK_TRUE("the other seven still work", ok);
        for (i = 0; i < 8; i++)
            if (i != 3)
                CloseHandle(evs[i]);
    }
    CONF_DONE();
}
