/*
 * file_copy: CopyFileA.  A copy to a new name, onto an existing file with
 * and without bFailIfExists, onto itself, from a file or directory that
 * does not exist, NULL names (as Wine's kernel32 file tests show them on
 * Windows), and a copy of this program, which runs.  The last error after
 * a success is not shown: Windows versions differ there.  Scratch files
 * are made in the current directory, named after the scenario.
 */
#include <tchar.h>
#include <windows.h>

#include <stdlib.h>

#include "conformance.h"

#define SRC "file_copy_src.txt"
#define DST "file_copy_dst.txt"
#define PROG "file_copy_prog.exe"

/* CopyFileA: "label: TRUE", or "label: FALSE, error ...". */
static void try_copy(const char *label, const char *from, const char *to,
                     BOOL fail_if_exists)
{
    DWORD e;
    BOOL ok;

    SetLastError(CONF_SENTINEL);
    ok = CopyFileA(from, to, fail_if_exists);
    e = GetLastError();
    if (ok)
        printf("%s: TRUE\n", label);
    else
        printf("%s: FALSE, %s\n", label, conf_error(e));
}

int main(int argc, char **argv)
{
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char cmd[64];
    DWORD code = 12345;

    if (argc > 2 && strcmp(argv[1], "exit") == 0)
        return atoi(argv[2]);
    DeleteFileA(DST);

    SECTION("copies");
    conf_make_file(SRC, "the source");
    try_copy("CopyFileA(to a new name, bFailIfExists TRUE)", SRC, DST, TRUE);
    SHOW_STRING("  the copy holds", conf_file_content(DST));
    conf_make_file(SRC, "the source, longer");
    try_copy("CopyFileA(onto it, bFailIfExists TRUE)", SRC, DST, TRUE);
    SHOW_STRING("  the copy holds", conf_file_content(DST));
    try_copy("CopyFileA(onto it, bFailIfExists FALSE)", SRC, DST, FALSE);
    SHOW_STRING("  the copy holds", conf_file_content(DST));
    try_copy("CopyFileA(onto itself)", SRC, SRC, FALSE);
    SHOW_STRING("  the source holds", conf_file_content(SRC));

    SECTION("names that do not exist");
    try_copy("CopyFileA(from a missing file)", "file_copy_missing.txt", DST,
             FALSE);
    try_copy("CopyFileA(from a missing directory)", "file_copy_nodir\\x.txt",
             DST, FALSE);
    try_copy("CopyFileA(into a missing directory)", SRC,
             "file_copy_nodir\\x.txt", FALSE);
    try_copy("CopyFileA(NULL source)", NULL, DST, FALSE);
    try_copy("CopyFileA(NULL destination)", SRC, NULL, FALSE);

    SECTION("a copy of a program");
    try_copy("CopyFileA(this program)", argv[0], PROG, FALSE);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    snprintf(cmd, sizeof cmd, "%s exit 7", PROG);
    if (CreateProcessA(PROG, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        WaitForSingleObject(pi.hProcess, 20000);
        GetExitCodeProcess(pi.hProcess, &code);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
        printf("  the copy runs: exit code %u\n", (unsigned)code);
    } else {
        printf("  the copy runs: CreateProcessA FALSE, %s\n",
               conf_error(GetLastError()));
    }

    DeleteFileA(PROG);
    DeleteFileA(SRC);
    DeleteFileA(DST);
    CONF_DONE();
}
