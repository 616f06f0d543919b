/*
 * process_errors: how CreateProcessA fails.  A program that does not
 * exist (by lpApplicationName and by the command line), in a directory
 * that does not exist, a data file that is not a program, and empty names
 * (as Wine's kernel32 process tests show them on Windows).  The scratch
 * file is made in the current directory, named after the scenario.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define DATA_FILE "process_errors_data.exe"

static STARTUPINFOA si;
static PROCESS_INFORMATION pi;

/* CreateProcessA(app, a copy of cmd, ...): "label: FALSE, error ...". */
static void try_create(const char *label, const char *app, const char *cmd)
{
    char buf[512];
    BOOL ok;
    DWORD e;

    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    memset(&pi, 0, sizeof pi);
    if (cmd)
        snprintf(buf, sizeof buf, "%s", cmd);
    SetLastError(CONF_SENTINEL);
    ok = CreateProcessA(app, cmd ? buf : NULL, NULL, NULL, FALSE, 0, NULL,
                        NULL, &si, &pi);
    e = GetLastError();
    if (ok) {
        printf("%s: TRUE\n", label);
        TerminateProcess(pi.hProcess, 1);
        WaitForSingleObject(pi.hProcess, 10000);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
        return;
    }
    printf("%s: FALSE, %s\n", label, conf_error(e));
}

int main(void)
{
    SECTION("programs that do not exist");
    try_create("lpApplicationName: a missing program",
               "process_errors_missing.exe", NULL);
    try_create("lpCommandLine: a missing program", NULL,
               "process_errors_missing.exe arg");
    try_create("lpApplicationName: a missing program with spaces",
               "process_errors_no such program.exe", NULL);
    try_create("lpCommandLine: a missing program with spaces", NULL,
               "process_errors_no such program.exe");
    try_create("lpCommandLine: a missing program, quoted with a space", NULL,
               "\"process_errors missing.exe\" arg");
    try_create("lpApplicationName: in a missing directory",
               "process_errors_nodir\\x.exe", NULL);

    SECTION("a file that is not a program");
    conf_make_file(DATA_FILE, "this is not a program\r\n");
    try_create("lpApplicationName: a data file", DATA_FILE, NULL);
    try_create("lpCommandLine: a data file", NULL, DATA_FILE " arg");
    DeleteFileA(DATA_FILE);

    SECTION("empty names");
    try_create("lpApplicationName empty", "", NULL);
    try_create("lpApplicationName and lpCommandLine empty", "", "");
    CONF_DONE();
}
