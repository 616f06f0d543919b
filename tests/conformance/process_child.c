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

#include "conf_proc.h"

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
        h = conf_handle_arg(argv[2]);
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
    *conf_self_slot() = argv[0];

    SECTION("a child that exits");
    pi = conf_spawn("CreateProcessA(exit 7)", "exit 7", FALSE);
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
    conf_finish("  ended", &pi);
    pi = conf_spawn("CreateProcessA(exit 0)", "exit 0", FALSE);
    conf_finish("  ended", &pi);

    SECTION("a running child");
    pi = conf_spawn("CreateProcessA(wait)", "wait", FALSE);
    CHECK_WAIT("  WaitForSingleObject(hProcess, 100)",
               WaitForSingleObject(pi.hProcess, 100));
    code = 0;
    CHECK_BOOL("  GetExitCodeProcess", GetExitCodeProcess(pi.hProcess, &code));
    SHOW_UINT("  exit code", code);
    CHECK_BOOL("  TerminateProcess(42)", TerminateProcess(pi.hProcess, 42));
    conf_finish("  terminated", &pi);

    SECTION("an inherited pipe");
    CreatePipe(&r, &w, &sa, 0);
    snprintf(args, sizeof args, "write %llu", CONF_HANDLE_ARG(w));
    pi = conf_spawn("CreateProcessA(write, bInheritHandles TRUE)", args, TRUE);
    CloseHandle(w);
    conf_read_pipe("  ReadFile(read end)", r);
    conf_finish("  ended", &pi);
    conf_read_pipe("  ReadFile(read end) after the child ended", r);
    CloseHandle(r);

    SECTION("standard handles");
    CreatePipe(&r, &w, &sa, 0);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = w;
    si.hStdError = w;
    pi = conf_spawn_with("CreateProcessA(stdout to a pipe)", "stdout", TRUE,
                         &si);
    CloseHandle(w);
    conf_read_pipe("  ReadFile(read end)", r);
    conf_finish("  ended", &pi);
    CloseHandle(r);
    CreatePipe(&r, &w, &sa, 0);
    si.hStdInput = r;
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    pi = conf_spawn_with("CreateProcessA(stdin from a pipe)", "stdin", TRUE,
                         &si);
    CloseHandle(r);
    WriteFile(w, "12345678901", 11, &code, NULL);
    conf_finish("  ended (exit code: bytes read)", &pi);
    CloseHandle(w);

    SECTION("the environment");
    SetEnvironmentVariableA("WINIPC_CONF_CHILD", "hello");
    pi = conf_spawn("CreateProcessA(env)", "env", FALSE);
    conf_finish("  ended (0: the child saw the variable)", &pi);
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
