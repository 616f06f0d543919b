/*
 * process_duplicate: DuplicateHandle between running processes.  Into a
 * running child (the parent tells it the new value through a pipe), from
 * a child back into the parent (hSourceProcess = the child), with
 * DUPLICATE_CLOSE_SOURCE closing the child's handle, with a smaller access
 * than the source's, and the parent's own process handle: duplicated from
 * GetCurrentProcess() as inheritable and inherited, or duplicated straight
 * into the child; the child waits on it and asks for its exit code while
 * the parent still runs.  Only the parent prints.
 */
#include <tchar.h>
#include <windows.h>

#include <stdlib.h>

#include "conf_proc.h"

/* Reads "VALUE\n" from a pipe; NULL on failure. */
static HANDLE read_value_from(HANDLE pipe)
{
    char buf[32];
    DWORD i = 0, n;
    while (i < sizeof buf - 1 && ReadFile(pipe, buf + i, 1, &n, NULL) &&
           n == 1 && buf[i] != '\n')
        i++;
    buf[i] = '\0';
    return (HANDLE)(ULONG_PTR)strtoull(buf, NULL, 10);
}

static HANDLE read_value(void)
{
    return read_value_from(GetStdHandle(STD_INPUT_HANDLE));
}

static void write_value(HANDLE pipe, HANDLE value)
{
    char buf[32];
    DWORD n;
    snprintf(buf, sizeof buf, "%llu\n", CONF_HANDLE_ARG(value));
    WriteFile(pipe, buf, (DWORD)strlen(buf), &n, NULL);
}

/* The checks of a child on a handle to its parent: 0 when all hold, else
 * 1: the wait did not time out, 2: the exit code was not STILL_ACTIVE,
 * 4: GetProcessId is not the parent's id. */
static int parent_checks(HANDLE h, DWORD parent_pid)
{
    DWORD code = 0;
    int r = 0;
    if (WaitForSingleObject(h, 200) != WAIT_TIMEOUT)
        r |= 1;
    if (!GetExitCodeProcess(h, &code) || code != STILL_ACTIVE)
        r |= 2;
    if (GetProcessId(h) != parent_pid)
        r |= 4;
    return r;
}

/*
 * The children (VALUE read from standard input where it says so):
 *   write           writes "via duplicate" to VALUE, closes it
 *   setevent        SetEvent(VALUE): 0, or its last error
 *   event           creates an event, writes its value to standard output,
 *                   waits for it up to 20 s: 0 signalled, 1 timed out
 *   closed          creates an event, writes its value to standard output,
 *                   reads a byte from standard input, then: 0 its handle is
 *                   gone (ERROR_INVALID_HANDLE), 1 it is still there
 *   parent PID      parent_checks on VALUE
 *   inherited H PID parent_checks on the inherited handle H
 */
static int child_main(int argc, char **argv)
{
    HANDLE h, ev;
    DWORD n, flags;
    char c;

    if (strcmp(argv[1], "write") == 0) {
        h = read_value();
        if (!WriteFile(h, "via duplicate", 13, &n, NULL))
            return conf_error_code();
        return CloseHandle(h) ? 0 : 100;
    }
    if (strcmp(argv[1], "setevent") == 0)
        return SetEvent(read_value()) ? 0 : conf_error_code();
    if (strcmp(argv[1], "event") == 0 || strcmp(argv[1], "closed") == 0) {
        ev = CreateEventA(NULL, TRUE, FALSE, NULL);
        write_value(GetStdHandle(STD_OUTPUT_HANDLE), ev);
        if (strcmp(argv[1], "event") == 0)
            return WaitForSingleObject(ev, 20000) == WAIT_OBJECT_0 ? 0 : 1;
        if (!ReadFile(GetStdHandle(STD_INPUT_HANDLE), &c, 1, &n, NULL))
            return 100;
        if (GetHandleInformation(ev, &flags))
            return 1;
        return GetLastError() == ERROR_INVALID_HANDLE ? 0 : 2;
    }
    if (strcmp(argv[1], "parent") == 0 && argc > 2)
        return parent_checks(read_value(), (DWORD)strtoul(argv[2], NULL, 10));
    if (strcmp(argv[1], "inherited") == 0 && argc > 3)
        return parent_checks((HANDLE)(ULONG_PTR)strtoull(argv[2], NULL, 10),
                             (DWORD)strtoul(argv[3], NULL, 10));
    return 99;
}

/* Starts "self ARGS" with its standard input and output on new pipes,
 * whose other ends are returned (to_child, from_child). */
static BOOL start(const char *args, PROCESS_INFORMATION *pi, HANDLE *to_child,
                  HANDLE *from_child)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si;
    HANDLE in_r, out_w;
    BOOL ok;

    CreatePipe(&in_r, to_child, &sa, 0);
    CreatePipe(from_child, &out_w, &sa, 0);
    SetHandleInformation(*to_child, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(*from_child, HANDLE_FLAG_INHERIT, 0);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_r;
    si.hStdOutput = out_w;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    ok = conf_start(args, TRUE, 0, NULL, NULL, &si, pi);
    if (!ok)
        printf("CreateProcessA(%s): FALSE, %s\n", args,
               conf_error(GetLastError()));
    CloseHandle(in_r);
    CloseHandle(out_w);
    return ok;
}

/* Waits for the child, closes everything and prints its exit code. */
static DWORD finish(const char *label, PROCESS_INFORMATION *pi, HANDLE to,
                    HANDLE from)
{
    DWORD code = conf_exit_code(pi);
    printf("%s: exit code %u\n", label, (unsigned)code);
    CloseHandle(to);
    CloseHandle(from);
    return code;
}

static void show_parent_checks(DWORD code)
{
    CHECK_TRUE("  child: WaitForSingleObject(parent, 200) is WAIT_TIMEOUT",
               code <= 7 && !(code & 1));
    CHECK_TRUE("  child: GetExitCodeProcess(parent) is STILL_ACTIVE",
               code <= 7 && !(code & 2));
    CHECK_TRUE("  child: GetProcessId(parent) is the parent's id",
               code <= 7 && !(code & 4));
}

int main(int argc, char **argv)
{
    PROCESS_INFORMATION pi;
    HANDLE to, from, r, w, ev, remote, mine, hp;
    char buf[64], args[64];
    DWORD n;

    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];

    SECTION("into a running child");
    CreatePipe(&r, &w, NULL, 0);
    if (start("write", &pi, &to, &from)) {
        CHECK_BOOL("DuplicateHandle(write end into the child)",
                   DuplicateHandle(GetCurrentProcess(), w, pi.hProcess, &remote,
                                   0, FALSE, DUPLICATE_SAME_ACCESS));
        write_value(to, remote);
        CloseHandle(w);
        n = 0;
        CHECK_BOOL("ReadFile(read end)",
                   ReadFile(r, buf, sizeof buf, &n, NULL));
        conf_show_bytes("  data", buf, n <= sizeof buf ? n : 0);
        finish("child (0: written and closed)", &pi, to, from);
        CHECK_BOOL("ReadFile(read end) after the child ended",
                   ReadFile(r, buf, sizeof buf, &n, NULL));
    }
    CloseHandle(r);

    SECTION("into a running child, with less access");
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    if (start("setevent", &pi, &to, &from)) {
        CHECK_BOOL("DuplicateHandle(event, SYNCHRONIZE)",
                   DuplicateHandle(GetCurrentProcess(), ev, pi.hProcess,
                                   &remote, SYNCHRONIZE, FALSE, 0));
        write_value(to, remote);
        finish("child's SetEvent (5: ERROR_ACCESS_DENIED)", &pi, to, from);
        CHECK_WAIT("event not set", WaitForSingleObject(ev, 0));
    }
    if (start("setevent", &pi, &to, &from)) {
        CHECK_BOOL("DuplicateHandle(event, EVENT_MODIFY_STATE)",
                   DuplicateHandle(GetCurrentProcess(), ev, pi.hProcess,
                                   &remote, EVENT_MODIFY_STATE, FALSE, 0));
        write_value(to, remote);
        finish("child's SetEvent (0: set)", &pi, to, from);
        CHECK_WAIT("event set", WaitForSingleObject(ev, 0));
    }
    CloseHandle(ev);

    SECTION("from a child into the parent");
    if (start("event", &pi, &to, &from)) {
        remote = read_value_from(from);
        CHECK_BOOL("DuplicateHandle(hSourceProcess = the child)",
                   DuplicateHandle(pi.hProcess, remote, GetCurrentProcess(),
                                   &mine, 0, FALSE, DUPLICATE_SAME_ACCESS));
        CHECK_BOOL("SetEvent(the copy)", SetEvent(mine));
        finish("child's wait (0: signalled)", &pi, to, from);
        CloseHandle(mine);
    }

    SECTION("from a child, DUPLICATE_CLOSE_SOURCE");
    if (start("closed", &pi, &to, &from)) {
        remote = read_value_from(from);
        CHECK_BOOL("DuplicateHandle(CLOSE_SOURCE | SAME_ACCESS)",
                   DuplicateHandle(
                       pi.hProcess, remote, GetCurrentProcess(), &mine, 0,
                       FALSE, DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS));
        CHECK_BOOL("DuplicateHandle(the child's handle) again",
                   DuplicateHandle(pi.hProcess, remote, GetCurrentProcess(),
                                   &hp, 0, FALSE, DUPLICATE_SAME_ACCESS));
        WriteFile(to, "x", 1, &n, NULL);
        finish("child's own handle (0: gone)", &pi, to, from);
        CHECK_BOOL("SetEvent(the copy)", SetEvent(mine));
        CHECK_WAIT("WaitForSingleObject(the copy, 0)",
                   WaitForSingleObject(mine, 0));
        CloseHandle(mine);
    }

    SECTION("the parent's process handle, inherited");
    CHECK_BOOL("DuplicateHandle(GetCurrentProcess(), inheritable)",
               DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                               GetCurrentProcess(), &hp, 0, TRUE,
                               DUPLICATE_SAME_ACCESS));
    snprintf(args, sizeof args, "inherited %llu %lu", CONF_HANDLE_ARG(hp),
             (unsigned long)GetCurrentProcessId());
    if (start(args, &pi, &to, &from))
        show_parent_checks(finish("child's checks", &pi, to, from));
    CloseHandle(hp);

    SECTION("the parent's process handle, duplicated into the child");
    snprintf(args, sizeof args, "parent %lu",
             (unsigned long)GetCurrentProcessId());
    if (start(args, &pi, &to, &from)) {
        CHECK_BOOL("DuplicateHandle(GetCurrentProcess() into the child)",
                   DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                                   pi.hProcess, &remote, 0, FALSE,
                                   DUPLICATE_SAME_ACCESS));
        write_value(to, remote);
        show_parent_checks(finish("child's checks", &pi, to, from));
    }
    CONF_DONE();
}
