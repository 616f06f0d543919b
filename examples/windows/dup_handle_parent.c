/*
 * dup_handle_parent.c (with dup_handle_child.c)
 *
 * Seeds 001 and 002: a child that waits for its parent to end.  The child
 * needs a handle to its parent's process object to WaitForSingleObject on
 * it, but GetCurrentProcess() is a pseudo handle, a constant that is not in
 * the handle table: given to the child, it would mean the child itself.
 * So the parent makes a real handle to itself with DuplicateHandle, from
 * its own table into its own table, inheritable (TRUE), with
 * DUPLICATE_SAME_ACCESS.  The child is created with bInheritHandles TRUE,
 * so the handle is copied into the child's table at the same value; the
 * parent passes that value on the child's command line.
 *
 * The seeds describe this without a listing; this program is written from
 * the description.  The child is a separate program, dup_handle_child.exe
 * on Windows, built beside this one.  The parent does not wait for the
 * child: it pauses a second, so that the child is seen waiting, and ends.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

int _tmain(int argc, LPTSTR argv[])
{
    HANDLE hProcess;
    TCHAR cmdString[1024];
    STARTUPINFO si = {0};
    PROCESS_INFORMATION pi;

    (void)argc;
    (void)argv;

    if (!DuplicateHandle(GetCurrentProcess(), /* from my handle table */
                         GetCurrentProcess(), /* the pseudo handle to me */
                         GetCurrentProcess(), /* into my handle table */
                         &hProcess,           /* the real handle */
                         0, TRUE, DUPLICATE_SAME_ACCESS)) {
        _tprintf(_T("DuplicateHandle failed (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    /* A handle is printed as a number; the cast through UINT_PTR keeps
     * 64-bit compilers from warning about the pointer's size. */
    _sntprintf(cmdString, 1023, _T("%s %u"), _T("dup_handle_child.exe"),
               (unsigned)(UINT_PTR)hProcess);
    cmdString[1023] = 0;

    _tprintf(_T("[Parent Process] pseudo handle %p, real handle %u; "
                "starting: %s\n"),
             (void *)GetCurrentProcess(), (unsigned)(UINT_PTR)hProcess,
             cmdString);
    si.cb = sizeof(si);
    /* The child writes to the same output: what this program wrote so far
     * goes out first (the C runtime buffers a redirected stdout). */
    fflush(stdout);
    if (!CreateProcess(NULL, cmdString, NULL, NULL,
                       TRUE, /* the child inherits hProcess */
                       0, NULL, NULL, &si, &pi)) {
        _tprintf(_T("CreateProcess failed (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    Sleep(1000); /* the child waits for me meanwhile */
    _tprintf(_T("[Parent Process] ending now\n"));
    return 0;
}
