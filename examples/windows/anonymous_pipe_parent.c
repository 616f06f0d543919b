/*
 * anonymous_pipe_parent.c (with anonymous_pipe_child.c)
 *
 * Seeds 001 and 002: an anonymous pipe between a parent and its child.  A
 * pipe has no name, so only related processes can use it, and they get it
 * by inheriting its handles.  The parent creates the pipe with
 * SECURITY_ATTRIBUTES.bInheritHandle = TRUE, so both handles are
 * inheritable, creates the child with bInheritHandles TRUE (the child's
 * handle table then holds both, at the same values) and passes the two
 * values on the child's command line.  The parent writes through the write
 * handle, the child reads through the read handle.
 *
 * Each side closes the end it does not use: a reader gets "end of pipe"
 * (ERROR_BROKEN_PIPE) only once every write handle is closed, the child's
 * inherited copy included.  The seeds describe this without a listing;
 * this program is written from the description.  The child is a separate
 * program, anonymous_pipe_child.exe on Windows, built beside this one.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

int _tmain(int argc, LPTSTR argv[])
{
    LPCTSTR messages[] = {_T("first message"), _T("second message"),
                          _T("third message")};
    SECURITY_ATTRIBUTES sa;
    HANDLE hReadPipe, hWritePipe;
    TCHAR command[1024];
    STARTUPINFO si = {0};
    PROCESS_INFORMATION pi;
    DWORD bytesWritten, exitCode, i;

    (void)argc;
    (void)argv;

    sa.nLength = sizeof(sa);
    sa.lpSecurityDescriptor = NULL;
    sa.bInheritHandle = TRUE; /* both pipe handles are inheritable */
    if (!CreatePipe(&hReadPipe, &hWritePipe, &sa, 0)) {
        _tprintf(_T("CreatePipe failed (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }

    /* The casts through UINT_PTR keep 64-bit compilers from warning about
     * the pointer's size. */
    _sntprintf(command, 1023, _T("%s %u %u"), _T("anonymous_pipe_child.exe"),
               (unsigned)(UINT_PTR)hReadPipe, (unsigned)(UINT_PTR)hWritePipe);
    command[1023] = 0;
    si.cb = sizeof(si);
    if (!CreateProcess(NULL, command, NULL, NULL, TRUE, 0, NULL, NULL, &si,
                       &pi)) {
        _tprintf(_T("CreateProcess failed (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    CloseHandle(pi.hThread);
    _tprintf(_T("[Parent] started: %s\n"), command);

    /* The parent only writes. */
    CloseHandle(hReadPipe);

    for (i = 0; i < 3; i++) {
        Sleep(300); /* the child is blocked in ReadFile meanwhile */
        if (!WriteFile(hWritePipe, messages[i],
                       (DWORD)(_tcslen(messages[i]) * sizeof(TCHAR)),
                       &bytesWritten, NULL)) {
            _tprintf(_T("WriteFile failed (error %lu)\n"),
                     (unsigned long)GetLastError());
            return 1;
        }
        _tprintf(_T("[Parent] wrote \"%s\" (%lu bytes)\n"), messages[i],
                 (unsigned long)bytesWritten);
    }
    Sleep(300);
    _tprintf(_T("[Parent] closing the write handle\n"));
    fflush(stdout); /* out before what the child writes next */
    CloseHandle(hWritePipe);

    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &exitCode);
    _tprintf(_T("[Parent] the child ended with exit code %lu\n"),
             (unsigned long)exitCode);
    CloseHandle(pi.hProcess);
    return exitCode == 0 ? 0 : 1;
}
