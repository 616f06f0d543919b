/*
 * handle_information: GetHandleInformation and SetHandleInformation, the
 * mask, and the inherit flag that SECURITY_ATTRIBUTES sets at creation.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

static void show_flags(const char *label, HANDLE h)
{
    DWORD flags = 0xFF;
    BOOL ok;
    DWORD e;
    SetLastError(CONF_SENTINEL);
    ok = GetHandleInformation(h, &flags);
    e = GetLastError();
    if (ok)
        printf("%s: TRUE, flags %u, %s\n", label, (unsigned)flags,
               conf_error(e));
    else
        printf("%s: FALSE, %s\n", label, conf_error(e));
}

static DWORD WINAPI quick(LPVOID arg)
{
    (void)arg;
    return 0;
}

int main(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    SECURITY_ATTRIBUTES nsa = {sizeof sa, NULL, FALSE};
    HANDLE ev, r, w, f, th;
    const DWORD both = HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE;

    SECTION("set and clear through the mask");
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    show_flags("new event", ev);
    CHECK_BOOL(
        "Set(mask INHERIT, flags INHERIT)",
        SetHandleInformation(ev, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT));
    show_flags("after", ev);
    CHECK_BOOL("Set(mask PROTECT, flags PROTECT)",
               SetHandleInformation(ev, HANDLE_FLAG_PROTECT_FROM_CLOSE,
                                    HANDLE_FLAG_PROTECT_FROM_CLOSE));
    show_flags("after", ev);
    CHECK_BOOL("Set(mask INHERIT, flags 0)",
               SetHandleInformation(ev, HANDLE_FLAG_INHERIT, 0));
    show_flags("after", ev);
    CHECK_BOOL("Set(mask 0, flags both)", SetHandleInformation(ev, 0, both));
    show_flags("after", ev);
    CHECK_BOOL("Set(mask both, flags 0)", SetHandleInformation(ev, both, 0));
    show_flags("after", ev);
    CHECK_BOOL("Set(mask INHERIT, flags both)",
               SetHandleInformation(ev, HANDLE_FLAG_INHERIT, both));
    show_flags("after", ev);
    CHECK_BOOL("Set(mask both, flags both)",
               SetHandleInformation(ev, both, both));
    show_flags("after", ev);
    SetHandleInformation(ev, both, 0);
    CloseHandle(ev);

    SECTION("inheritable at creation");
    ev = CreateEventA(&sa, TRUE, FALSE, NULL);
    show_flags("CreateEventA(bInheritHandle TRUE)", ev);
    CloseHandle(ev);
    ev = CreateEventA(&nsa, TRUE, FALSE, NULL);
    show_flags("CreateEventA(bInheritHandle FALSE)", ev);
    CloseHandle(ev);
    CreatePipe(&r, &w, &sa, 0);
    show_flags("CreatePipe(bInheritHandle TRUE): read end", r);
    show_flags("CreatePipe(bInheritHandle TRUE): write end", w);
    CloseHandle(r);
    CloseHandle(w);
    CreatePipe(&r, &w, NULL, 0);
    show_flags("CreatePipe(NULL attributes): read end", r);
    show_flags("CreatePipe(NULL attributes): write end", w);
    CloseHandle(r);
    CloseHandle(w);
    f = CreateFileA("handle_information.tmp", GENERIC_READ | GENERIC_WRITE, 0,
                    &sa, CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    show_flags("CreateFileA(bInheritHandle TRUE)", f);
    CloseHandle(f);
    th = CreateThread(&sa, 0, quick, NULL, 0, NULL);
    show_flags("CreateThread(bInheritHandle TRUE)", th);
    WaitForSingleObject(th, 5000);
    CloseHandle(th);

    SECTION("handles that are not in the table");
    show_flags("Get(NULL)", NULL);
    show_flags("Get(unknown value)", UNKNOWN_HANDLE);
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CloseHandle(ev);
    show_flags("Get(closed)", ev);
    CHECK_BOOL("Set(NULL)", SetHandleInformation(NULL, HANDLE_FLAG_INHERIT, 0));
    CHECK_BOOL("Set(closed)", SetHandleInformation(ev, HANDLE_FLAG_INHERIT, 0));
    CHECK_BOOL("Set(unknown value)",
               SetHandleInformation(UNKNOWN_HANDLE, HANDLE_FLAG_INHERIT, 0));
    CONF_DONE();
}
