/*
 * process_child: CreateProcessA on copies of this program (the children
 * never print; they answer through exit codes and inherited pipes):
 * process and thread handles, exit codes, inherited handles, standard
 * handles, the environment, TerminateProcess, and a program that does not
 * exist.
 */
#include <tchar.h>
#include <windows.h>

#include <stdlib.h>

#include "conformance.h"

static const char *self_path;

/* A child's work, chosen by argv[1]; its result is its exit code. */
static int child_main(int argc, char **argv)
{
    DWORD n;
    char buf[64];
    HANDLE h;

    if (strcmp(argv[1], "exit") == 0 && argc > 2)
        return atoi(argv[2]);
    if (strcmp(argv[1], "write") == 0 && argc > 2) {
        /* Write to the inherited handle whose value is argv[2]. */
        h = (HANDLE)(ULONG_PTR)strtoull(argv[2], NULL, 10);
        return WriteFile(h, "from child", 10, &n, NULL) ? 0 : 100;
    }
    if (strcmp(argv[1], "stdout") == 0) {
        h = GetStdHandle(STD_OUTPUT_HANDLE);
        return WriteFile(h, "to stdout", 9, &n, NULL) ? 0 : 100;
    }
    if (strcmp(argv[1], "stdin") == 0) {
        /* Echo standard input's first read as the exit code's length. */
        h = GetStdHandle(STD_INPUT_HANDLE);
        if (!ReadFile(h, buf, sizeof buf, &n, NULL))
            return 100;
        return (int)n;
    }
    if (strcmp(argv[1], "env") == 0) {
        n = GetEnvironmentVariableA("WINIPC_CONF_CHILD", buf, sizeof buf);
        return n == 5 && strcmp(buf, "hello") == 0 ? 0 : 100;
    }
    if (strcmp(argv[1], "wait") == 0) {
        Sleep(30000);
        return 0;
    }
    return 99;
}

/* Starts "self ARGS"; returns the process information (zeroed on
 * failure) and prints the CreateProcessA line.  The last error is shown
 * only for a failure: Windows documents none for a success, and its
 * CreateProcessA leaves whatever its internal look-ups set. */
static PROCESS_INFORMATION spawn(const char *label, const char *args,
                                 BOOL inherit, STARTUPINFOA *si)
{
    STARTUPINFOA plain;
    PROCESS_INFORMATION pi;
    char cmd[512];

    memset(&pi, 0, sizeof pi);
    if (!si) {
        memset(&plain, 0, sizeof plain);
        plain.cb = sizeof plain;
        si = &plain;
    }
    snprintf(cmd, sizeof cmd, "\"%s\" %s", self_path, args);
    if (CreateProcessA(self_path, cmd, NULL, NULL, inherit, 0, NULL, NULL, si,
                       &pi))
        printf("%s: TRUE\n", label);
    else
        printf("%s: FALSE, %s\n", label, conf_error(GetLastError()));
    return pi;
}

/* Waits for a child and prints its exit code; closes its handles. */
static void finish(const char *label, PROCESS_INFORMATION *pi)
{
    DWORD code = 12345;
    printf("%s: wait %s", label,
           conf_wait(WaitForSingleObject(pi->hProcess, 20000)));
    GetExitCodeProcess(pi->hProcess, &code);
    printf(", exit code %u\n", (unsigned)code);
    CloseHandle(pi->hProcess);
    CloseHandle(pi->hThread);
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
    PROCESS_INFORMATION pi;
    STARTUPINFOA si;
    HANDLE r, w;
    DWORD code;
    char args[64];

    if (argc > 1)
        return child_main(argc, argv);
    self_path = argv[0];

    SECTION("a child that exits");
    pi = spawn("CreateProcessA(exit 7)", "exit 7", FALSE, NULL);
    CHECK_TRUE("  hProcess and hThread are handles",
               pi.hProcess != NULL && pi.hThread != NULL &&
                   pi.hProcess != INVALID_HANDLE_VALUE);
    CHECK_TRUE("  its ids are not ours",
               pi.dwProcessId != 0 && pi.dwProcessId != GetCurrentProcessId() &&
                   pi.dwThreadId != 0 && pi.dwThreadId != GetCurrentThreadId());
    CHECK_TRUE("  GetProcessId(hProcess) == dwProcessId",
               GetProcessId(pi.hProcess) == pi.dwProcessId);
    CHECK_TRUE("  GetThreadId(hThread) == dwThreadId",
               GetThreadId(pi.hThread) == pi.dwThreadId);
    finish("  ended", &pi);
    pi = spawn("CreateProcessA(exit 0)", "exit 0", FALSE, NULL);
    finish("  ended", &pi);

    SECTION("a running child");
    pi = spawn("CreateProcessA(wait)", "wait", FALSE, NULL);
    CHECK_WAIT("  WaitForSingleObject(hProcess, 100)",
               WaitForSingleObject(pi.hProcess, 100));
    code = 0;
    CHECK_BOOL("  GetExitCodeProcess", GetExitCodeProcess(pi.hProcess, &code));
    SHOW_UINT("  exit code", code);
    CHECK_BOOL("  TerminateProcess(42)", TerminateProcess(pi.hProcess, 42));
    finish("  terminated", &pi);

    SECTION("an inherited pipe");
    CreatePipe(&r, &w, &sa, 0);
    snprintf(args, sizeof args, "write %llu", (unsigned long long)(ULONG_PTR)w);
    pi = spawn("CreateProcessA(write, bInheritHandles TRUE)", args, TRUE, NULL);
    CloseHandle(w);
    read_pipe("  ReadFile(read end)", r);
    finish("  ended", &pi);
    read_pipe("  ReadFile(read end) after the child ended", r);
    CloseHandle(r);

    SECTION("standard handles");
    CreatePipe(&r, &w, &sa, 0);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = w;
    si.hStdError = w;
    pi = spawn("CreateProcessA(stdout to a pipe)", "stdout", TRUE, &si);
    CloseHandle(w);
    read_pipe("  ReadFile(read end)", r);
    finish("  ended", &pi);
    CloseHandle(r);
    CreatePipe(&r, &w, &sa, 0);
    si.hStdInput = r;
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    pi = spawn("CreateProcessA(stdin from a pipe)", "stdin", TRUE, &si);
    CloseHandle(r);
    WriteFile(w, "12345678901", 11, &code, NULL);
    finish("  ended (exit code: bytes read)", &pi);
    CloseHandle(w);

    SECTION("the environment");
    SetEnvironmentVariableA("WINIPC_CONF_CHILD", "hello");
    pi = spawn("CreateProcessA(env)", "env", FALSE, NULL);
    finish("  ended (0: the child saw the variable)", &pi);
    SetEnvironmentVariableA("WINIPC_CONF_CHILD", NULL);

    SECTION("programs that do not exist");
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    memset(&pi, 0, sizeof pi);
    CHECK_BOOL("CreateProcessA(missing program)",
               CreateProcessA("process_child_no_such_program.exe", NULL, NULL,
                              NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CHECK_BOOL("CreateProcessA(missing directory)",
               CreateProcessA("process_child_no_such_dir\\x.exe", NULL, NULL,
                              NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CONF_DONE();
}
