/*
 * handle_inherit_flags: GetHandleInformation and SetHandleInformation on
 * every kind of handle (file, pipe ends, event, process, thread, mailslot
 * and mailslot writer), HANDLE_FLAG_PROTECT_FROM_CLOSE against CloseHandle
 * and DuplicateHandle(DUPLICATE_CLOSE_SOURCE), masks with bits that are
 * not flags, and what a child (a copy of this program that answers with
 * its exit code) finds in the handles it inherited: the same flags and
 * the same access.
 */
#include <tchar.h>
#include <windows.h>

#include <stdlib.h>

#include "conf_proc.h"

#define FILE_NAME "handle_inherit_flags.tmp"
#define SLOT_NAME "\\\\.\\mailslot\\winipc_conf_handle_inherit_flags"

static int child_main(int argc, char **argv)
{
    DWORD flags = 0;
    HANDLE h;

    if (strcmp(argv[1], "flags") == 0 && argc > 2) {
        /* The flags of the inherited handle argv[2], or 100. */
        if (!GetHandleInformation(conf_handle_arg(argv[2]), &flags))
            return 100;
        return (int)flags;
    }
    if (strcmp(argv[1], "set") == 0 && argc > 2) {
        /* SetEvent through the inherited handle: 0, or its error. */
        h = conf_handle_arg(argv[2]);
        return SetEvent(h) ? 0 : (int)GetLastError();
    }
    if (strcmp(argv[1], "wait") == 0 && argc > 2) {
        /* WaitForSingleObject(argv[2], 0): its result, or 100 + the
         * error (exit codes stay below 256). */
        DWORD r = WaitForSingleObject(conf_handle_arg(argv[2]), 0);
        if (r == WAIT_FAILED)
            return GetLastError() < 100 ? 100 + (int)GetLastError() : 99;
        return (int)r;
    }
    return 99;
}

static void run_child(const char *label, const char *verb, HANDLE h)
{
    PROCESS_INFORMATION pi;
    char args[128];

    snprintf(args, sizeof args, "%s %llu", verb, CONF_HANDLE_ARG(h));
    if (!conf_start(args, TRUE, 0, NULL, NULL, NULL, &pi)) {
        printf("%s: CreateProcessA failed, %s\n", label,
               conf_error(GetLastError()));
        return;
    }
    printf("%s: exit code %u\n", label, (unsigned)conf_exit_code(&pi));
}

static void show_flags(const char *label, HANDLE h)
{
    DWORD flags = 77;
    SetLastError(CONF_SENTINEL);
    if (GetHandleInformation(h, &flags))
        printf("%s: TRUE, flags %u, %s\n", label, (unsigned)flags,
               conf_error(GetLastError()));
    else
        printf("%s: FALSE, %s\n", label, conf_error(GetLastError()));
}

/* The same sequence on one handle of each kind; closes it. */
static void cycle(const char *kind, HANDLE h)
{
    char label[128];

    snprintf(label, sizeof label, "%s: new", kind);
    show_flags(label, h);
    snprintf(label, sizeof label, "%s: Set(both, both)", kind);
    CHECK_BOOL(label,
               SetHandleInformation(
                   h, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE,
                   HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE));
    snprintf(label, sizeof label, "%s: after", kind);
    show_flags(label, h);
    snprintf(label, sizeof label, "%s: CloseHandle(protected)", kind);
    CHECK_BOOL(label, CloseHandle(h));
    snprintf(label, sizeof label, "%s: still open", kind);
    show_flags(label, h);
    snprintf(label, sizeof label, "%s: Set(INHERIT, 0)", kind);
    CHECK_BOOL(label, SetHandleInformation(h, HANDLE_FLAG_INHERIT, 0));
    snprintf(label, sizeof label, "%s: after", kind);
    show_flags(label, h);
    snprintf(label, sizeof label, "%s: Set(PROTECT, 0)", kind);
    CHECK_BOOL(label,
               SetHandleInformation(h, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0));
    snprintf(label, sizeof label, "%s: CloseHandle", kind);
    CHECK_BOOL(label, CloseHandle(h));
}

static void every_kind(void)
{
    HANDLE h, r, w, ms, dup;

    SECTION("every kind of handle");
    h = CreateFileA(FILE_NAME, GENERIC_READ | GENERIC_WRITE, SHARE_ALL, NULL,
                    CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    cycle("file", h);
    DeleteFileA(FILE_NAME);
    CreatePipe(&r, &w, NULL, 0);
    cycle("pipe read end", r);
    cycle("pipe write end", w);
    cycle("event", CreateEventA(NULL, TRUE, FALSE, NULL));
    DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                    GetCurrentProcess(), &dup, 0, FALSE, DUPLICATE_SAME_ACCESS);
    cycle("process", dup);
    DuplicateHandle(GetCurrentProcess(), GetCurrentThread(),
                    GetCurrentProcess(), &dup, 0, FALSE, DUPLICATE_SAME_ACCESS);
    cycle("thread", dup);
    ms = CreateMailslotA(SLOT_NAME, 0, 0, NULL);
    w = CreateFileA(SLOT_NAME, GENERIC_WRITE, SHARE_ALL, NULL, OPEN_EXISTING,
                    FILE_ATTRIBUTE_NORMAL, NULL);
    cycle("mailslot writer", w);
    cycle("mailslot", ms);
}

static void masks(void)
{
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);

    SECTION("masks and flags with other bits");
    CHECK_BOOL("Set(0xFFFFFFFF, 0xFFFFFFFF)",
               SetHandleInformation(ev, 0xFFFFFFFF, 0xFFFFFFFF));
    show_flags("  after", ev);
    CHECK_BOOL("Set(0xFFFFFFFF, 0)", SetHandleInformation(ev, 0xFFFFFFFF, 0));
    show_flags("  after", ev);
    CHECK_BOOL("Set(INHERIT | 4, 4)",
               SetHandleInformation(ev, HANDLE_FLAG_INHERIT | 4, 4));
    show_flags("  after", ev);
    CHECK_BOOL("Set(4, 0xFFFFFFFF)", SetHandleInformation(ev, 4, 0xFFFFFFFF));
    show_flags("  after", ev);
    CloseHandle(ev);
}

static void close_source(void)
{
    HANDLE ev, dup = NULL;

    SECTION("DuplicateHandle(DUPLICATE_CLOSE_SOURCE) of a protected handle");
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    SetHandleInformation(ev, HANDLE_FLAG_PROTECT_FROM_CLOSE,
                         HANDLE_FLAG_PROTECT_FROM_CLOSE);
    SetLastError(CONF_SENTINEL);
    DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &dup, 0,
                    FALSE, DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE);
    CHECK_TRUE("the duplicate is a handle of its own",
               dup != NULL && dup != ev);
    show_flags("the protected source", ev);
    CHECK_BOOL("SetEvent(duplicate)", SetEvent(dup));
    CHECK_WAIT("WaitForSingleObject(source, 0)", WaitForSingleObject(ev, 0));
    show_flags("the duplicate", dup);
    CloseHandle(dup);
    SetHandleInformation(ev, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0);
    CHECK_BOOL("CloseHandle(source, unprotected)", CloseHandle(ev));
}

static void inherited(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE ev, weak, strong;

    SECTION("what a child inherits");
    ev = CreateEventA(&sa, TRUE, FALSE, NULL);
    run_child("the child's GetHandleInformation(inheritable event) (flags)",
              "flags", ev);
    CHECK_BOOL("DuplicateHandle(EVENT_MODIFY_STATE only, inheritable)",
               DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(),
                               &strong, EVENT_MODIFY_STATE, TRUE, 0));
    CHECK_BOOL("DuplicateHandle(SYNCHRONIZE only, inheritable)",
               DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(),
                               &weak, SYNCHRONIZE, TRUE, 0));
    run_child("the child's SetEvent(SYNCHRONIZE only) (5: "
              "ERROR_ACCESS_DENIED)",
              "set", weak);
    run_child("the child's WaitForSingleObject(EVENT_MODIFY_STATE only) "
              "(105: WAIT_FAILED, ERROR_ACCESS_DENIED)",
              "wait", strong);
    run_child("the child's SetEvent(EVENT_MODIFY_STATE only)", "set", strong);
    CHECK_WAIT("the event is signalled", WaitForSingleObject(ev, 0));
    run_child("the child's WaitForSingleObject(SYNCHRONIZE only) (0: "
              "WAIT_OBJECT_0)",
              "wait", weak);
    CloseHandle(weak);
    CloseHandle(strong);
    CloseHandle(ev);
}

static void pseudo(void)
{
    SECTION("pseudo handles and values that are not handles");
    show_flags("Get(GetCurrentProcess())", GetCurrentProcess());
    show_flags("Get(GetCurrentThread())", GetCurrentThread());
    CHECK_BOOL("Set(GetCurrentProcess(), INHERIT)",
               SetHandleInformation(GetCurrentProcess(), HANDLE_FLAG_INHERIT,
                                    HANDLE_FLAG_INHERIT));
    CHECK_BOOL("Set(GetCurrentThread(), INHERIT)",
               SetHandleInformation(GetCurrentThread(), HANDLE_FLAG_INHERIT,
                                    HANDLE_FLAG_INHERIT));
    show_flags("Get(NULL)", NULL);
    CHECK_BOOL("Set(NULL)", SetHandleInformation(NULL, HANDLE_FLAG_INHERIT,
                                                 HANDLE_FLAG_INHERIT));
    show_flags("Get(unknown value)", UNKNOWN_HANDLE);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];
    every_kind();
    masks();
    close_source();
    inherited();
    pseudo();
    CONF_DONE();
}
