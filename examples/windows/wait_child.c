/*
 * wait_child.c (with part_adder.c)
 *
 * Seed 001: a process's kernel object is non-signaled while the process
 * runs and signaled once it has ended; WaitForSingleObject blocks until
 * the object is signaled.  A parent uses it to wait for its children to
 * finish before it uses their results.
 *
 * The parent creates two children, part_adder.exe 1 5 and
 * part_adder.exe 6 10, each adding up its range and returning the sum as
 * its exit code.  While they run, their objects are non-signaled (a wait
 * with a timeout of 0 returns WAIT_TIMEOUT, GetExitCodeProcess gives
 * STILL_ACTIVE); the parent then waits for each (INFINITE), reads the exit
 * codes with GetExitCodeProcess and adds them up: 1 + ... + 10 = 55.  The
 * seed describes this without a listing; this program is written from the
 * description.  The child is a separate program, part_adder.exe on
 * Windows, built beside this one.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

int _tmain(int argc, LPTSTR argv[])
{
    TCHAR command1[] = _T("part_adder.exe 1 5");
    TCHAR command2[] = _T("part_adder.exe 6 10");
    LPTSTR commands[2] = {command1, command2};
    STARTUPINFO si = {0};
    PROCESS_INFORMATION pi[2];
    DWORD returnVal[2], sum = 0, result, i;

    (void)argc;
    (void)argv;

    si.cb = sizeof(si);
    for (i = 0; i < 2; i++) {
        if (!CreateProcess(NULL, commands[i], NULL, NULL, TRUE, 0, NULL, NULL,
                           &si, &pi[i])) {
            _tprintf(_T("CreateProcess failed (error %lu)\n"),
                     (unsigned long)GetLastError());
            return 1;
        }
        CloseHandle(pi[i].hThread);
        _tprintf(_T("started: %s\n"), commands[i]);
    }

    /* The children are running: their objects are non-signaled. */
    for (i = 0; i < 2; i++) {
        result = WaitForSingleObject(pi[i].hProcess, 0);
        GetExitCodeProcess(pi[i].hProcess, &returnVal[i]);
        _tprintf(_T("child %lu: WaitForSingleObject(h, 0) = %s, "
                    "GetExitCodeProcess = %lu%s\n"),
                 (unsigned long)(i + 1),
                 result == WAIT_TIMEOUT ? _T("WAIT_TIMEOUT (non-signaled)")
                                        : _T("signaled?!"),
                 (unsigned long)returnVal[i],
                 returnVal[i] == STILL_ACTIVE ? _T(" (STILL_ACTIVE)") : _T(""));
    }

    /* Out before what the children write (the C runtime buffers a
     * redirected stdout). */
    fflush(stdout);

    /* Wait until both have ended (signaled). */
    for (i = 0; i < 2; i++) {
        result = WaitForSingleObject(pi[i].hProcess, INFINITE);
        if (result != WAIT_OBJECT_0) {
            _tprintf(_T("WaitForSingleObject failed (error %lu)\n"),
                     (unsigned long)GetLastError());
            return 1;
        }
        GetExitCodeProcess(pi[i].hProcess, &returnVal[i]);
        _tprintf(_T("child %lu: WAIT_OBJECT_0 (signaled, ended), exit code "
                    "%lu\n"),
                 (unsigned long)(i + 1), (unsigned long)returnVal[i]);
        CloseHandle(pi[i].hProcess);
    }

    if (returnVal[0] == (DWORD)-1 || returnVal[1] == (DWORD)-1)
        return 1;
    sum = returnVal[0] + returnVal[1];
    _tprintf(_T("total : %lu\n"), (unsigned long)sum);
    return sum == 55 ? 0 : 1;
}
