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

#include "conf_proc.h"

#define NCHILD 3

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
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    HANDLE r;
    char args[64];

    /* Only the read end goes to the child: the other children must not
     * hold this write end. */
    conf_gate_stdin(&si, &r, &gates[i]);
    snprintf(args, sizeof args, "exit-after-read %d", code);
    if (conf_start(args, TRUE, 0, NULL, NULL, &si, &pi)) {
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
    printf("-- releasing child %d\n", i);
    conf_order(gates[i], 'x');
}

/* Checks a wait for any or all of the children. */
static void wait_procs(const char *label, BOOL all, DWORD ms)
{
    CHECK_WAIT(label, WaitForMultipleObjects(NCHILD, procs, all, ms));
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
    *conf_self_slot() = argv[0];

    SECTION("three running children");
    start(0, 10);
    start(1, 11);
    start(2, 12);
    wait_procs("WaitForMultipleObjects(any, 0)", FALSE, 0);
    wait_procs("WaitForMultipleObjects(any, 200)", FALSE, 200);
    wait_procs("WaitForMultipleObjects(all, 200)", TRUE, 200);
    CHECK_WAIT("WaitForMultipleObjects(their threads, any, 0)",
               WaitForMultipleObjects(NCHILD, threads, FALSE, 0));
    show_codes();

    release(1);
    wait_procs("WaitForMultipleObjects(any, 20000)", FALSE, 20000);
    wait_procs("WaitForMultipleObjects(any, 0) again", FALSE, 0);
    wait_procs("WaitForMultipleObjects(all, 200)", TRUE, 200);
    CHECK_WAIT("WaitForMultipleObjects(their threads, any, 20000)",
               WaitForMultipleObjects(NCHILD, threads, FALSE, 20000));
    show_codes();

    release(2);
    CHECK_WAIT("WaitForSingleObject(child 2, 20000)",
               WaitForSingleObject(procs[2], 20000));
    wait_procs("WaitForMultipleObjects(any, 0): the lowest ended index", FALSE,
               0);
    CHECK_WAIT("WaitForMultipleObjects(children 1 and 2, any, 0)",
               WaitForMultipleObjects(2, &procs[1], FALSE, 0));
    wait_procs("WaitForMultipleObjects(all, 200)", TRUE, 200);
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
    wait_procs("WaitForMultipleObjects(all, 20000)", TRUE, 20000);
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
