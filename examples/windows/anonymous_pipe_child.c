/*
 * anonymous_pipe_child.c: the child of anonymous_pipe_parent.c (seeds 001,
 * 002).
 *
 * argv[1] and argv[2] are the values of the pipe's read and write handles,
 * inherited from the parent.  The child only reads, so it first closes its
 * copy of the write handle: while any write handle is open, ReadFile on an
 * empty pipe waits for data, and the child would wait for itself forever.
 * It reads until ReadFile fails with ERROR_BROKEN_PIPE, which says that
 * the pipe is empty and every write handle closed.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

int _tmain(int argc, LPTSTR argv[])
{
    HANDLE hReadPipe, hWritePipe;
    TCHAR buf[100];
    DWORD bytesRead, err, readFlags = 0, writeFlags = 0;

    if (argc < 3) {
        _tprintf(_T("usage: %s READ_HANDLE WRITE_HANDLE\n"), argv[0]);
        return 2;
    }
    /* The casts through UINT_PTR keep 64-bit compilers from warning about
     * the integer's size. */
    hReadPipe = (HANDLE)(UINT_PTR)_ttoi(argv[1]);
    hWritePipe = (HANDLE)(UINT_PTR)_ttoi(argv[2]);

    /* What this process really holds at those values: inherited handles
     * keep the parent's values and their inherit flag. */
    if (!GetHandleInformation(hReadPipe, &readFlags) ||
        !GetHandleInformation(hWritePipe, &writeFlags)) {
        _tprintf(_T("[Child] no such handle (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    _tprintf(_T("[Child] read handle %u (inheritable: %s), write handle %u "
                "(inheritable: %s): closing the write handle\n"),
             (unsigned)(UINT_PTR)hReadPipe,
             (readFlags & HANDLE_FLAG_INHERIT) ? _T("yes") : _T("no"),
             (unsigned)(UINT_PTR)hWritePipe,
             (writeFlags & HANDLE_FLAG_INHERIT) ? _T("yes") : _T("no"));
    CloseHandle(hWritePipe);

    for (;;) {
        if (!ReadFile(hReadPipe, buf, sizeof(buf) - sizeof(TCHAR), &bytesRead,
                      NULL))
            break;
        buf[bytesRead / sizeof(TCHAR)] = 0;
        _tprintf(_T("[Child] read \"%s\"\n"), buf);
    }
    err = GetLastError();
    CloseHandle(hReadPipe);
    if (err != ERROR_BROKEN_PIPE) {
        _tprintf(_T("[Child] ReadFile failed (error %lu)\n"),
                 (unsigned long)err);
        return 1;
    }
    _tprintf(_T("[Child] ReadFile: ERROR_BROKEN_PIPE, every write handle is "
                "closed: end\n"));
    return 0;
}
