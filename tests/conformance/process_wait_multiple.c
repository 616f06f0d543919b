/*
 * process_wait_multiple: WaitForMultipleObjects over child processes.
 * Three children each wait for one byte on their own pipe (their standard
 * input) and exit with their own code; the parent releases them one at a
 * time, so the order in which they end is set by the parent, not by
 * timing.  Wait-any returns the lowest index among the ended children,
 * wait-all waits for all of them, and running children time out.
 */
#include <tchar.h>
#include <windows.h>

#include <stdlib.h>

#include "conformance.h"

#define NCHILD 3

static const char *self_path;

/* "self exit-after-read CODE": reads a byte from standard input, then
 * exits with CODE (100 when the read fails). */
static int child_main(int argc, char **argv)
{
    char c;
    DWORD n;

    if (argc < 3 || strcmp(argv[1], "exit-after-read") != 0)
        return 99;
    if (!ReadFile(GetStdHandle(STD_INPUT_HANDLE), &c, 1, &n, NULL) || n != 1)
        return 100;
    return atoi(argv[2]);
}

static HANDLE procs[NCHILD], threads[NCHILD], gates[NCHILD];

/* Starts child i, which exits with code after a byte on gates[i]. */
static void start(int i, int code)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    HANDLE r;
    char cmd[512];

    CreatePipe(&r, &gates[i], &sa, 0);
    /* Only the read end goes to the child: the other children must not
     * hold this write end. */
    SetHandleInformation(gates[i], HANDLE_FLAG_INHERIT, 0);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = r;
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    snprintf(cmd, sizeof cmd, "\"%s\" exit-after-read %d", self_path, code);
    if (CreateProcessA(self_path, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si,
                       &pi)) {
        printf("CreateProcessA(child %d, exit code %d): TRUE\n", i, code);
        procs[i] = pi.hProcess;
        threads[i] = pi.hThread;
    } else {
        printf("CreateProcessA(child %d): FALSE, %s\n", i,
               conf_error(GetLastError()));
    }
    CloseHandle(r);
}

static void release(int i)
{
    DWORD n;
    printf("-- releasing child %d\n", i);
    WriteFile(gates[i], "x", 1, &n, NULL);
}

static void show_codes(void)
{
    int i;
    for (i = 0; i < NCHILD; i++) {
        DWORD code = 12345;
        GetExitCodeProcess(procs[i], &code);
        printf("  child %d exit code: %u\n", i, (unsigned)code);
    }
}

int main(int argc, char **argv)
{
    HANDLE mixed[2], ev;
    int i;

    if (argc > 1)
        return child_main(argc, argv);
    self_path = argv[0];

    SECTION("three running children");
    start(0, 10);
    start(1, 11);
    start(2, 12);
    CHECK_WAIT("WaitForMultipleObjects(any, 0)",
               WaitForMultipleObjects(NCHILD, procs, FALSE, 0));
    CHECK_WAIT("WaitForMultipleObjects(any, 200)",
               WaitForMultipleObjects(NCHILD, procs, FALSE, 200));
    CHECK_WAIT("WaitForMultipleObjects(all, 200)",
               WaitForMultipleObjects(NCHILD, procs, TRUE, 200));
    CHECK_WAIT("WaitForMultipleObjects(their threads, any, 0)",
               WaitForMultipleObjects(NCHILD, threads, FALSE, 0));
    show_codes();

    release(1);
    CHECK_WAIT("WaitForMultipleObjects(any, 20000)",
               WaitForMultipleObjects(NCHILD, procs, FALSE, 20000));
    CHECK_WAIT("WaitForMultipleObjects(any, 0) again",
               WaitForMultipleObjects(NCHILD, procs, FALSE, 0));
    CHECK_WAIT("WaitForMultipleObjects(all, 200)",
               WaitForMultipleObjects(NCHILD, procs, TRUE, 200));
    CHECK_WAIT("WaitForMultipleObjects(their threads, any, 20000)",
               WaitForMultipleObjects(NCHILD, threads, FALSE, 20000));
    show_codes();

    release(2);
    CHECK_WAIT("WaitForSingleObject(child 2, 20000)",
               WaitForSingleObject(procs[2], 20000));
    CHECK_WAIT("WaitForMultipleObjects(any, 0): the lowest ended index",
               WaitForMultipleObjects(NCHILD, procs, FALSE, 0));
    CHECK_WAIT("WaitForMultipleObjects(children 1 and 2, any, 0)",
               WaitForMultipleObjects(2, &procs[1], FALSE, 0));
    CHECK_WAIT("WaitForMultipleObjects(all, 200)",
               WaitForMultipleObjects(NCHILD, procs, TRUE, 200));
    show_codes();

    SECTION("an event and a running child");
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    mixed[0] = procs[0];
    mixed[1] = ev;
    CHECK_WAIT("WaitForMultipleObjects({child 0, event}, any, 100)",
               WaitForMultipleObjects(2, mixed, FALSE, 100));
    SetEvent(ev);
    CHECK_WAIT("event set: WaitForMultipleObjects(any, 0)",
               WaitForMultipleObjects(2, mixed, FALSE, 0));
    CHECK_WAIT("event set: WaitForMultipleObjects(all, 100)",
               WaitForMultipleObjects(2, mixed, TRUE, 100));

    release(0);
    CHECK_WAIT("WaitForMultipleObjects(all, 20000)",
               WaitForMultipleObjects(NCHILD, procs, TRUE, 20000));
    CHECK_WAIT("WaitForMultipleObjects({child 0, event}, all, 0)",
               WaitForMultipleObjects(2, mixed, TRUE, 0));
    CHECK_WAIT("WaitForMultipleObjects(their threads, all, 20000)",
               WaitForMultipleObjects(NCHILD, threads, TRUE, 20000));
    show_codes();
    CloseHandle(ev);

    for (i = 0; i < NCHILD; i++) {
        CloseHandle(gates[i]);
        CloseHandle(procs[i]);
        CloseHandle(threads[i]);
    }
    CONF_DONE();
}
