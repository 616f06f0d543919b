/*
 * process_grandchild: inherited handles passed on once more.  A child
 * inherits a pipe's write end and an event, and starts a grandchild that
 * uses them by their values: with bInheritHandles TRUE the grandchild
 * gets them (inheritable again), with FALSE, or after the child has made
 * them not inheritable, it does not.  Only the first process prints; the
 * others answer through exit codes and the pipe.
 */
#include <tchar.h>
#include <windows.h>

#include <stdlib.h>

#include "conf_proc.h"

/*
 * The grandchild: "leaf MODE W EV".  MODE 1: it should have the handles:
 * writes to W, sets EV and checks that its copy is inheritable; 0 when
 * all of that worked, else a bit per failure (1 write, 2 event, 4 flags).
 * MODE 0: it should not have them: tries only SetEvent(EV) (harmless
 * whatever the value names) and returns its last error (0: it worked).
 */
static int leaf_main(int mode, HANDLE w, HANDLE ev)
{
    DWORD n, flags = 0, e;
    int r = 0;

    if (mode == 0) {
        if (SetEvent(ev))
            return 0;
        e = GetLastError();
        return e < 255 ? (int)e : 255;
    }
    if (!WriteFile(w, "from grandchild", 15, &n, NULL))
        r |= 1;
    if (!SetEvent(ev))
        r |= 2;
    if (!GetHandleInformation(w, &flags) || flags != HANDLE_FLAG_INHERIT)
        r |= 4;
    return r;
}

/*
 * The child: "middle HOW W EV".  Writes "from child|" to W, then starts
 * the grandchild: HOW 1 with bInheritHandles TRUE, 0 with FALSE, 2 with
 * TRUE after clearing HANDLE_FLAG_INHERIT on both handles.  Returns the
 * grandchild's exit code (200: it could not be started, 201: the child
 * could not write).
 */
static int middle_main(int how, const char *w_arg, const char *ev_arg)
{
    HANDLE w = conf_handle_arg(w_arg), ev = conf_handle_arg(ev_arg);
    PROCESS_INFORMATION pi;
    char args[128];
    DWORD n;

    if (!WriteFile(w, "from child|", 11, &n, NULL))
        return 201;
    if (how == 2) {
        SetHandleInformation(w, HANDLE_FLAG_INHERIT, 0);
        SetHandleInformation(ev, HANDLE_FLAG_INHERIT, 0);
    }
    snprintf(args, sizeof args, "leaf %d %s %s", how == 1 ? 1 : 0, w_arg,
             ev_arg);
    if (!conf_start(args, how == 1, 0, NULL, NULL, NULL, &pi))
        return 200;
    return (int)conf_exit_code(&pi);
}

static void read_all(HANDLE r)
{
    char buf[128];
    DWORD n = 0, total = 0;
    BOOL ok;
    DWORD e;

    for (;;) {
        SetLastError(CONF_SENTINEL);
        ok = ReadFile(r, buf + total, sizeof buf - 1 - total, &n, NULL);
        e = GetLastError();
        if (!ok || n == 0 || total + n >= sizeof buf - 1)
            break;
        total += n;
    }
    conf_show_bytes("  the pipe carried", buf, total);
    printf("  then ReadFile: %s, %s\n", ok ? "TRUE" : "FALSE", conf_error(e));
}

static void run(const char *label, int how)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    PROCESS_INFORMATION pi;
    HANDLE r, w, ev;
    char args[128];

    SECTION(label);
    CreatePipe(&r, &w, &sa, 0);
    SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);
    ev = CreateEventA(&sa, TRUE, FALSE, NULL);
    snprintf(args, sizeof args, "middle %d %llu %llu", how, CONF_HANDLE_ARG(w),
             CONF_HANDLE_ARG(ev));
    if (!conf_start(args, TRUE, 0, NULL, NULL, NULL, &pi)) {
        printf("CreateProcessA(child): FALSE, %s\n",
               conf_error(GetLastError()));
        return;
    }
    CloseHandle(w);
    printf("child's result (the grandchild's exit code): %u\n",
           (unsigned)conf_exit_code(&pi));
    read_all(r);
    CHECK_WAIT("  the event", WaitForSingleObject(ev, 0));
    CloseHandle(r);
    CloseHandle(ev);
}

int main(int argc, char **argv)
{
    *conf_self_slot() = argv[0];
    if (argc == 5 && strcmp(argv[1], "middle") == 0)
        return middle_main(atoi(argv[2]), argv[3], argv[4]);
    if (argc == 5 && strcmp(argv[1], "leaf") == 0)
        return leaf_main(atoi(argv[2]), conf_handle_arg(argv[3]),
                         conf_handle_arg(argv[4]));
    if (argc > 1)
        return 99;
    conf_reserve_handles();

    printf("grandchild with the handles: exit code 0 when it wrote, set the "
           "event and found its copy inheritable\n");
    printf("grandchild without them: exit code = SetEvent's last error\n");
    run("the grandchild started with bInheritHandles TRUE", 1);
    run("the grandchild started with bInheritHandles FALSE", 0);
    run("the child clears HANDLE_FLAG_INHERIT, then bInheritHandles TRUE", 2);
    conf_release_handles();
    CONF_DONE();
}
