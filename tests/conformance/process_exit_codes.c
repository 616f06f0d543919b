/*
 * process_exit_codes: how a child's end is seen.  Exit codes returned from
 * main and given to ExitProcess (below 256; process_exit_holders has more),
 * STILL_ACTIVE while it runs, waits with time-outs before and after its
 * end, the thread handle of PROCESS_INFORMATION, TerminateProcess with a
 * code of 32 bits (seen by the process that terminated it), handles that
 * stay usable after the end, and OpenProcess on a child with limited
 * access.  The children wait for a byte on their standard input where the
 * parent must see them running, so nothing depends on timing.
 */
#include <tchar.h>
#include <windows.h>

#include <stdlib.h>

#include "conf_proc.h"

/*
 * The children:
 *   return N        returns N from main
 *   exitprocess N   calls ExitProcess(N)
 *   block N         reads a byte from standard input, then returns N
 *                   (100 when the read fails)
 */
static int child_main(int argc, char **argv)
{
    char c;
    DWORD n;

    if (argc < 3)
        return 99;
    if (strcmp(argv[1], "return") == 0)
        return atoi(argv[2]);
    if (strcmp(argv[1], "exitprocess") == 0)
        ExitProcess((UINT)atoi(argv[2]));
    if (strcmp(argv[1], "block") == 0) {
        if (!ReadFile(GetStdHandle(STD_INPUT_HANDLE), &c, 1, &n, NULL) ||
            n != 1)
            return 100;
        return atoi(argv[2]);
    }
    return 99;
}

/* Starts "self ARGS" with its standard input on a pipe whose write end is
 * returned in *gate (NULL: none). */
static BOOL start(const char *args, PROCESS_INFORMATION *pi, HANDLE *gate)
{
    STARTUPINFOA si;
    HANDLE r = NULL;
    BOOL ok;

    if (gate)
        conf_gate_stdin(&si, &r, gate);
    ok = conf_start(args, gate != NULL, 0, NULL, NULL, gate ? &si : NULL, pi);
    printf("CreateProcessA(%s): %s\n", args, ok ? "TRUE" : "FALSE");
    if (r)
        CloseHandle(r);
    return ok;
}

/* GetExitCodeProcess or GetExitCodeThread: "label: TRUE, error
 * untouched, code N". */
static void show_code(const char *label, BOOL(WINAPI *get)(HANDLE, LPDWORD),
                      HANDLE h)
{
    DWORD code = 12345, e;
    BOOL ok;
    SetLastError(CONF_SENTINEL);
    ok = get(h, &code);
    e = GetLastError();
    if (ok)
        printf("%s: TRUE, %s, code %u\n", label, conf_error(e), (unsigned)code);
    else
        printf("%s: FALSE, %s\n", label, conf_error(e));
}

static void show_process_code(const char *label, HANDLE h)
{
    show_code(label, GetExitCodeProcess, h);
}

static void show_thread_code(const char *label, HANDLE h)
{
    show_code(label, GetExitCodeThread, h);
}

static void close_pi(PROCESS_INFORMATION *pi)
{
    CloseHandle(pi->hProcess);
    CloseHandle(pi->hThread);
}

/* Runs a child that ends by itself and shows its exit code. */
static void run_to_end(const char *args)
{
    PROCESS_INFORMATION pi;
    if (!start(args, &pi, NULL))
        return;
    CHECK_WAIT("  WaitForSingleObject(hProcess, 20000)",
               WaitForSingleObject(pi.hProcess, 20000));
    show_process_code("  GetExitCodeProcess", pi.hProcess);
    close_pi(&pi);
}

int main(int argc, char **argv)
{
    PROCESS_INFORMATION pi;
    HANDLE gate, dup, opened;
    char args[64];

    if (argc > 1)
        return child_main(argc, argv);
    *conf_self_slot() = argv[0];

    SECTION("exit codes");
    run_to_end("return 0");
    run_to_end("return 1");
    run_to_end("return 255");
    run_to_end("exitprocess 7");
    run_to_end("exitprocess 200");

    SECTION("a running child, then its end");
    if (start("block 42", &pi, &gate)) {
        show_process_code("  GetExitCodeProcess", pi.hProcess);
        CHECK_WAIT("  WaitForSingleObject(hProcess, 0)",
                   WaitForSingleObject(pi.hProcess, 0));
        CHECK_WAIT("  WaitForSingleObject(hProcess, 100)",
                   WaitForSingleObject(pi.hProcess, 100));
        CHECK_WAIT("  WaitForSingleObject(hThread, 0)",
                   WaitForSingleObject(pi.hThread, 0));
        show_thread_code("  GetExitCodeThread(hThread)", pi.hThread);
        conf_order(gate, 'x');
        CHECK_WAIT("  released: WaitForSingleObject(hProcess, 20000)",
                   WaitForSingleObject(pi.hProcess, 20000));
        CHECK_WAIT("  WaitForSingleObject(hProcess, 0)",
                   WaitForSingleObject(pi.hProcess, 0));
        CHECK_WAIT("  WaitForSingleObject(hProcess, 0) again",
                   WaitForSingleObject(pi.hProcess, 0));
        CHECK_WAIT("  WaitForSingleObject(hProcess, INFINITE)",
                   WaitForSingleObject(pi.hProcess, INFINITE));
        show_process_code("  GetExitCodeProcess", pi.hProcess);
        show_process_code("  GetExitCodeProcess again", pi.hProcess);
        CHECK_WAIT("  WaitForSingleObject(hThread, 20000)",
                   WaitForSingleObject(pi.hThread, 20000));
        show_thread_code("  GetExitCodeThread(hThread)", pi.hThread);
        show_process_code("  GetExitCodeProcess(hThread)", pi.hThread);
        show_thread_code("  GetExitCodeThread(hProcess)", pi.hProcess);
        CHECK_TRUE("  GetProcessId(hProcess) == dwProcessId",
                   GetProcessId(pi.hProcess) == pi.dwProcessId);
        CHECK_BOOL("  DuplicateHandle(hProcess)",
                   DuplicateHandle(GetCurrentProcess(), pi.hProcess,
                                   GetCurrentProcess(), &dup, 0, FALSE,
                                   DUPLICATE_SAME_ACCESS));
        CHECK_BOOL("  CloseHandle(hProcess)", CloseHandle(pi.hProcess));
        CHECK_WAIT("  WaitForSingleObject(duplicate, 0)",
                   WaitForSingleObject(dup, 0));
        show_process_code("  GetExitCodeProcess(duplicate)", dup);
        CHECK_TRUE("  GetProcessId(duplicate) == dwProcessId",
                   GetProcessId(dup) == pi.dwProcessId);
        CloseHandle(dup);
        CloseHandle(pi.hThread);
        CloseHandle(gate);
    }

    SECTION("TerminateProcess");
    if (start("block 42", &pi, &gate)) {
        CHECK_BOOL("  TerminateProcess(1234)",
                   TerminateProcess(pi.hProcess, 1234));
        CHECK_WAIT("  WaitForSingleObject(hProcess, 20000)",
                   WaitForSingleObject(pi.hProcess, 20000));
        show_process_code("  GetExitCodeProcess", pi.hProcess);
        CHECK_WAIT("  WaitForSingleObject(hThread, 20000)",
                   WaitForSingleObject(pi.hThread, 20000));
        show_thread_code("  GetExitCodeThread(hThread)", pi.hThread);
        CHECK_BOOL("  TerminateProcess(5) after its end",
                   TerminateProcess(pi.hProcess, 5));
        show_process_code("  GetExitCodeProcess", pi.hProcess);
        close_pi(&pi);
        CloseHandle(gate);
    }
    if (start("block 42", &pi, &gate)) {
        CHECK_BOOL("  TerminateProcess(0)", TerminateProcess(pi.hProcess, 0));
        CHECK_WAIT("  WaitForSingleObject(hProcess, 20000)",
                   WaitForSingleObject(pi.hProcess, 20000));
        show_process_code("  GetExitCodeProcess", pi.hProcess);
        close_pi(&pi);
        CloseHandle(gate);
    }

    SECTION("OpenProcess on a running child");
    if (start("block 5", &pi, &gate)) {
        CHECK_CREATED("  OpenProcess(QUERY_INFORMATION | SYNCHRONIZE)", opened,
                      OpenProcess(PROCESS_QUERY_INFORMATION | SYNCHRONIZE,
                                  FALSE, pi.dwProcessId));
        CHECK_TRUE("  GetProcessId(opened) == dwProcessId",
                   GetProcessId(opened) == pi.dwProcessId);
        show_process_code("  GetExitCodeProcess(opened)", opened);
        CHECK_WAIT("  WaitForSingleObject(opened, 100)",
                   WaitForSingleObject(opened, 100));
        CHECK_BOOL("  TerminateProcess(opened, 1)",
                   TerminateProcess(opened, 1));
        CHECK_BOOL("  CloseHandle(hProcess)", CloseHandle(pi.hProcess));
        conf_order(gate, 'x');
        CHECK_WAIT("  released: WaitForSingleObject(opened, 20000)",
                   WaitForSingleObject(opened, 20000));
        show_process_code("  GetExitCodeProcess(opened)", opened);
        CHECK_WAIT("  WaitForSingleObject(opened, 0) again",
                   WaitForSingleObject(opened, 0));
        CloseHandle(opened);
        CloseHandle(pi.hThread);
        CloseHandle(gate);
    }
    snprintf(args, sizeof args, "block 6");
    if (start(args, &pi, &gate)) {
        CHECK_CREATED("  OpenProcess(SYNCHRONIZE)", opened,
                      OpenProcess(SYNCHRONIZE, FALSE, pi.dwProcessId));
        show_process_code("  GetExitCodeProcess(opened)", opened);
        CloseHandle(opened);
        CHECK_CREATED(
            "  OpenProcess(QUERY_INFORMATION)", opened,
            OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, pi.dwProcessId));
        CHECK_WAIT("  WaitForSingleObject(opened, 0)",
                   WaitForSingleObject(opened, 0));
        CloseHandle(opened);
        conf_order(gate, 'x');
        CHECK_WAIT("  released: WaitForSingleObject(hProcess, 20000)",
                   WaitForSingleObject(pi.hProcess, 20000));
        CHECK_CREATED(
            "  OpenProcess(QUERY_INFORMATION) after its end", opened,
            OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, pi.dwProcessId));
        show_process_code("  GetExitCodeProcess(opened)", opened);
        CloseHandle(opened);
        close_pi(&pi);
        CloseHandle(gate);
    }
    CONF_DONE();
}
