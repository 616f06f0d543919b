/*
 * process_std_shell: STARTF_USESTDHANDLES with a child that is not one of
 * ours: the system's command interpreter (cmd.exe on Windows, /bin/sh on
 * Linux).  Its standard output and standard error are read from pipes,
 * its standard input is fed from one, and its exit code comes back.  The
 * output is shown with the line ending removed, so that both systems print
 * the same transcript.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#ifdef _WIN32
#define SHELL_ECHO "cmd.exe /c echo hello"
#define SHELL_ECHO_ERR "cmd.exe /c echo to stderr>&2"
#define SHELL_EXIT "cmd.exe /c exit 3"
#define SHELL_FILTER "cmd.exe /c find \"beta\""
#else
#define SHELL_ECHO "/bin/sh -c \"echo hello\""
#define SHELL_ECHO_ERR "/bin/sh -c \"echo to stderr>&2\""
#define SHELL_EXIT "/bin/sh -c \"exit 3\""
#define SHELL_FILTER "/bin/sh -c \"grep beta\""
#endif

/* Reads a pipe to its end (ERROR_BROKEN_PIPE); returns the byte count. */
static DWORD read_all(HANDLE r, char *buf, DWORD cap)
{
    DWORD total = 0, n;
    while (total < cap && ReadFile(r, buf + total, cap - total, &n, NULL) &&
           n > 0)
        total += n;
    return total;
}

/* buf without the line endings at its end ("\r\n" or "\n"). */
static void show_output(const char *label, const char *buf, DWORD n)
{
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    conf_show_bytes(label, buf, n);
}

/*
 * Runs cmdline with its standard handles on new pipes; input (may be NULL)
 * is written to its standard input, which is then closed.  Prints what
 * came on standard output and standard error, and the exit code.
 */
static void run(const char *label, const char *cmdline, const char *input)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    HANDLE in_r, in_w, out_r, out_w, err_r, err_w;
    char cmd[256], out[256], err[256];
    DWORD n, nout, nerr, code = 12345;

    SECTION(label);
    CreatePipe(&in_r, &in_w, &sa, 0);
    CreatePipe(&out_r, &out_w, &sa, 0);
    CreatePipe(&err_r, &err_w, &sa, 0);
    SetHandleInformation(in_w, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(out_r, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(err_r, HANDLE_FLAG_INHERIT, 0);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_r;
    si.hStdOutput = out_w;
    si.hStdError = err_w;
    snprintf(cmd, sizeof cmd, "%s", cmdline);
    if (CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcessA: TRUE\n");
    } else {
        printf("CreateProcessA: FALSE, %s\n", conf_error(GetLastError()));
        pi.hProcess = pi.hThread = NULL;
    }
    CloseHandle(in_r);
    CloseHandle(out_w);
    CloseHandle(err_w);
    if (input)
        WriteFile(in_w, input, (DWORD)strlen(input), &n, NULL);
    CloseHandle(in_w);
    /* Standard error is small: read standard output first, to its end. */
    nout = read_all(out_r, out, sizeof out);
    nerr = read_all(err_r, err, sizeof err);
    show_output("  standard output", out, nout);
    if (pi.hProcess) {
        printf("  wait: %s", conf_wait(WaitForSingleObject(pi.hProcess, 20000)));
        GetExitCodeProcess(pi.hProcess, &code);
        printf(", exit code %u\n", (unsigned)code);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    show_output("  standard error", err, nerr);
    CloseHandle(out_r);
    CloseHandle(err_r);
}

int main(void)
{
    run("echo to standard output", SHELL_ECHO, NULL);
    run("echo to standard error", SHELL_ECHO_ERR, NULL);
    run("an exit code", SHELL_EXIT, NULL);
    run("standard input from a pipe, filtered",
        SHELL_FILTER, "alpha\nbeta\ngamma\n");
    CONF_DONE();
}
