/*
 * process_inherit: which handles a child started with CreateProcessA gets.
 * bInheritHandles TRUE and FALSE, handles that are not inheritable,
 * SetHandleInformation(HANDLE_FLAG_INHERIT) before CreateProcessA,
 * DuplicateHandle(bInheritHandle TRUE), and what the child's copy is
 * (its flags, its type, closing it).  Handle values travel on the command
 * line; the children never print, they answer through exit codes.
 */
#include <tchar.h>
#include <windows.h>

#include <stdlib.h>

#include "conformance.h"

static const char *self_path;

/*
 * Handles the parent keeps open (not inheritable) so that the handles it
 * makes afterwards have values above any a freshly started process has:
 * a child that tries such a value finds nothing there (not some object of
 * its own), whatever the Windows version puts in its handle table.
 */
#define RESERVED_HANDLES 400
static HANDLE reserved[RESERVED_HANDLES];

static void reserve_handles(void)
{
    int i;
    for (i = 0; i < RESERVED_HANDLES; i++)
        reserved[i] = CreateEventA(NULL, TRUE, FALSE, NULL);
}

static void release_handles(void)
{
    int i;
    for (i = 0; i < RESERVED_HANDLES; i++)
        CloseHandle(reserved[i]);
}

/* A failure's last error as an exit code, capped at 255 (the 8 bits a
 * program that does not use winipc can pass on Linux). */
static int error_code(void)
{
    DWORD e = GetLastError();
    return e < 255 ? (int)e : 255;
}

/* A child's work, chosen by argv[1] on the handle value in argv[2]. */
static int child_main(int argc, char **argv)
{
    HANDLE h;
    DWORD n, flags;

    if (argc < 3)
        return 99;
    h = (HANDLE)(ULONG_PTR)strtoull(argv[2], NULL, 10);
    if (strcmp(argv[1], "write") == 0)
        return WriteFile(h, "inherited", 9, &n, NULL) ? 0 : error_code();
    if (strcmp(argv[1], "setevent") == 0)
        return SetEvent(h) ? 0 : error_code();
    if (strcmp(argv[1], "flags") == 0)
        return GetHandleInformation(h, &flags) ? (int)flags : 200;
    if (strcmp(argv[1], "type") == 0)
        return (int)GetFileType(h);
    if (strcmp(argv[1], "close") == 0)
        return CloseHandle(h) ? 0 : error_code();
    return 99;
}

/* Runs "self JOB HANDLE" to its end and prints its exit code. */
static void run_child(const char *label, const char *job, HANDLE h,
                      BOOL inherit)
{
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char cmd[512];
    DWORD code = 12345;

    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    snprintf(cmd, sizeof cmd, "\"%s\" %s %llu", self_path, job,
             (unsigned long long)(ULONG_PTR)h);
    if (!CreateProcessA(self_path, cmd, NULL, NULL, inherit, 0, NULL, NULL,
                        &si, &pi)) {
        printf("%s: CreateProcessA FALSE, %s\n", label,
               conf_error(GetLastError()));
        return;
    }
    WaitForSingleObject(pi.hProcess, 20000);
    GetExitCodeProcess(pi.hProcess, &code);
    printf("%s: exit code %u\n", label, (unsigned)code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}

static void read_pipe(const char *label, HANDLE r)
{
    char buf[64];
    DWORD n = 0;
    CHECK_BOOL(label, ReadFile(r, buf, sizeof buf, &n, NULL));
    conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
}

int main(int argc, char **argv)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE r, w, ev, dup;
    DWORD flags;

    if (argc > 1)
        return child_main(argc, argv);
    self_path = argv[0];
    reserve_handles();

    SECTION("bInheritHandles TRUE: an inheritable pipe");
    CreatePipe(&r, &w, &sa, 0);
    run_child("child writes to the value of the write end (0: written)",
              "write", w, TRUE);
    CloseHandle(w);
    read_pipe("ReadFile(read end)", r);
    read_pipe("ReadFile(read end) again", r);
    CloseHandle(r);

    SECTION("bInheritHandles FALSE: an inheritable event");
    ev = CreateEventA(&sa, TRUE, FALSE, NULL);
    run_child("child sets the event by its value", "setevent", ev, FALSE);
    CHECK_WAIT("event not set", WaitForSingleObject(ev, 0));
    CloseHandle(ev);

    SECTION("bInheritHandles TRUE: an event that is not inheritable");
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    run_child("child sets the event by its value", "setevent", ev, TRUE);
    CHECK_WAIT("event not set", WaitForSingleObject(ev, 0));
    CloseHandle(ev);

    SECTION("bInheritHandles TRUE: an inheritable event");
    ev = CreateEventA(&sa, TRUE, FALSE, NULL);
    run_child("child sets the event by its value", "setevent", ev, TRUE);
    CHECK_WAIT("event set", WaitForSingleObject(ev, 0));
    CloseHandle(ev);

    SECTION("SetHandleInformation(HANDLE_FLAG_INHERIT) before CreateProcessA");
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_BOOL("SetHandleInformation(INHERIT, INHERIT)",
               SetHandleInformation(ev, HANDLE_FLAG_INHERIT,
                                    HANDLE_FLAG_INHERIT));
    run_child("child sets the event by its value", "setevent", ev, TRUE);
    CHECK_WAIT("event set", WaitForSingleObject(ev, 0));
    CHECK_BOOL("ResetEvent", ResetEvent(ev));
    CHECK_BOOL("SetHandleInformation(INHERIT, 0)",
               SetHandleInformation(ev, HANDLE_FLAG_INHERIT, 0));
    run_child("child sets the event by its value", "setevent", ev, TRUE);
    CHECK_WAIT("event not set", WaitForSingleObject(ev, 0));
    CloseHandle(ev);

    SECTION("DuplicateHandle(bInheritHandle TRUE)");
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_BOOL("DuplicateHandle(inheritable copy)",
               DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(),
                               &dup, 0, TRUE, DUPLICATE_SAME_ACCESS));
    run_child("child sets the event by the original's value", "setevent", ev,
              TRUE);
    CHECK_WAIT("event not set", WaitForSingleObject(ev, 0));
    run_child("child sets the event by the copy's value", "setevent", dup,
              TRUE);
    CHECK_WAIT("event set", WaitForSingleObject(ev, 0));
    CloseHandle(dup);
    CloseHandle(ev);

    SECTION("the child's copy of an inherited handle");
    ev = CreateEventA(&sa, TRUE, FALSE, NULL);
    run_child("child's GetHandleInformation flags (1: HANDLE_FLAG_INHERIT)",
              "flags", ev, TRUE);
    run_child("child closes its copy (0: closed)", "close", ev, TRUE);
    flags = 12345;
    CHECK_BOOL("GetHandleInformation(ours)", GetHandleInformation(ev, &flags));
    SHOW_UINT("  flags", flags);
    CHECK_BOOL("SetEvent(ours) still works", SetEvent(ev));
    CloseHandle(ev);
    CreatePipe(&r, &w, &sa, 0);
    run_child("child's GetFileType of the read end (3: FILE_TYPE_PIPE)",
              "type", r, TRUE);
    CloseHandle(r);
    CloseHandle(w);
    release_handles();
    CONF_DONE();
}
