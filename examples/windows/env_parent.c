/*
 * env_parent.c (with env_child.c)
 *
 * Seeds 001 and 002: the process environment as a parent-to-child channel.
 * Every process has its own block of [key, value] strings.  The parent
 * registers three with SetEnvironmentVariable, then creates its child with
 * a NULL environment argument: the child then starts with a copy of the
 * parent's block, and reads the values back with GetEnvironmentVariable
 * (env_child.c).  Seed 001 calls it "the 6th argument" of CreateProcess;
 * counted from 1 it is the 7th, lpEnvironment (the 6th is
 * dwCreationFlags).
 *
 * The seeds describe this without a listing; this program is written from
 * the description.  The child is a separate program, env_child.exe on
 * Windows, built beside this one: CreateProcess looks for it in the
 * application's directory first.  The parent waits for the child and
 * reports its exit code, so that both outputs end up in one console.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

int _tmain(int argc, LPTSTR argv[])
{
    LPCTSTR names[] = {_T("Good"), _T("Hey"), _T("Big")};
    LPCTSTR values[] = {_T("morning"), _T("Ho!"), _T("Boy")};
    TCHAR command[] = _T("env_child.exe");
    STARTUPINFO si = {0};
    PROCESS_INFORMATION pi;
    DWORD exitCode, i;

    (void)argc;
    (void)argv;

    /* Register the variables in my own environment block. */
    for (i = 0; i < 3; i++) {
        if (!SetEnvironmentVariable(names[i], values[i])) {
            _tprintf(_T("SetEnvironmentVariable failed (error %lu)\n"),
                     (unsigned long)GetLastError());
            return 1;
        }
        _tprintf(_T("[Parent] SetEnvironmentVariable(%s, %s)\n"), names[i],
                 values[i]);
    }

    si.cb = sizeof(si);
    _tprintf(_T("[Parent] CreateProcess(%s) with a NULL environment\n"),
             command);
    /* The child writes to the same output: what this program wrote so far
     * goes out first (the C runtime buffers a redirected stdout). */
    fflush(stdout);
    if (!CreateProcess(NULL, command, NULL, NULL, FALSE, 0,
                       NULL, /* lpEnvironment: the child gets mine */
                       NULL, &si, &pi)) {
        _tprintf(_T("CreateProcess failed (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    CloseHandle(pi.hThread);

    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &exitCode);
    _tprintf(_T("[Parent] the child ended with exit code %lu\n"),
             (unsigned long)exitCode);
    CloseHandle(pi.hProcess);
    return exitCode == 0 ? 0 : 1;
}
