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

#include "conf_proc.h"

/* A child's work, chosen by argv[1] on the handle value in argv[2]. */
static int child_main(int argc, char **argv)
{
    HANDLE h;
    DWORD n, flags;

    if (argc < 3)
        return 99;
    h = conf_handle_arg(argv[2]);
    if (strcmp(argv[1], "write") == 0)
        return WriteFile(h, "inherited", 9, &n, NULL) ? 0 : conf_error_code();
    if (strcmp(argv[1], "setevent") == 0)
        return SetEvent(h) ? 0 : conf_error_code();
    if (strcmp(argv[1], "flags") == 0)
        return GetHandleInformation(h, &flags) ? (int)flags : 200;
    if (strcmp(argv[1], "type") == 0)
        return (int)GetFileType(h);
    if (strcmp(argv[1], "close") == 0)
        return CloseHandle(h) ? 0 : conf_error_code();
    return 99;
}

/* Runs "self JOB HANDLE" to its end and prints its exit code. */
static void run_child(const char *label, const char *job, HANDLE h,
                      BOOL inherit)
{
    char args[128];
    snprintf(args, sizeof args, "%s %llu", job, CONF_HANDLE_ARG(h));
    conf_run(label, args, inherit, 0, NULL, NULL);
}

int main(int argc, char **argv)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE r, w, ev, dup;
    DWORD flags;

    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];
    conf_reserve_handles();

    SECTION("bInheritHandles TRUE: an inheritable pipe");
    CreatePipe(&r, &w, &sa, 0);
    run_child("child writes to the value of the write end (0: written)",
              "write", w, TRUE);
    CloseHandle(w);
    conf_read_pipe("ReadFile(read end)", r);
    conf_read_pipe("ReadFile(read end) again", r);
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
    CHECK_BOOL(
        "SetHandleInformation(INHERIT, INHERIT)",
        SetHandleInformation(ev, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT));
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
    run_child("child's GetFileType of the read end (3: FILE_TYPE_PIPE)", "type",
              r, TRUE);
    CloseHandle(r);
    CloseHandle(w);
    conf_release_handles();
    CONF_DONE();
}
