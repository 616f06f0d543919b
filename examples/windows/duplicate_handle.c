/*
 * duplicate_handle.c
 *
 * Seeds 001 and 002: pseudo handles and DuplicateHandle.  GetCurrentProcess
 * returns a constant, a pseudo handle that means "the calling process"; it
 * is not in the handle table, so it would mean the child itself if it were
 * given to a child.  The seed's call copies it into the handle table as a
 * real handle to this process, inheritable (TRUE) and with the same access
 * (DUPLICATE_SAME_ACCESS, which makes dwDesiredAccess ignored).  The seed
 * then gives that handle to a child process, which waits on it until the
 * parent ends; that half is dup_handle_parent.c and dup_handle_child.c.
 * This program shows, within one process, what the duplicate is:
 *   - a real handle table entry, with a value unlike the pseudo handle's,
 *     carrying the inherit flag the call asked for;
 *   - a handle to this process's kernel object, which is non-signaled
 *     while the process runs (a wait on it times out);
 *   - another usage of the object, which must be closed with CloseHandle;
 *     with DUPLICATE_CLOSE_SOURCE (options may be OR-ed) the source handle
 *     is closed by the copy; within one process the copy takes the
 *     source's value, with the inherit flag the call asked for.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

int _tmain(int argc, LPTSTR argv[])
{
    HANDLE hProcess, hCopy;
    DWORD flags;

    (void)argc;
    (void)argv;

    _tprintf(_T("GetCurrentProcess() pseudo handle: %p\n"),
             (void *)GetCurrentProcess());

    if (!DuplicateHandle(GetCurrentProcess(), /* from my own handle table */
                         GetCurrentProcess(), /* the pseudo handle to me */
                         GetCurrentProcess(), /* into my own handle table */
                         &hProcess,           /* the real handle */
                         0, TRUE, DUPLICATE_SAME_ACCESS)) {
        _tprintf(_T("DuplicateHandle failed (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    _tprintf(_T("DuplicateHandle gave the real handle: %p\n"),
             (void *)hProcess);

    if (!GetHandleInformation(hProcess, &flags)) {
        _tprintf(_T("GetHandleInformation failed (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    _tprintf(_T("its handle table entry is inheritable: %s\n"),
             (flags & HANDLE_FLAG_INHERIT) ? _T("Y") : _T("N"));
    if (!(flags & HANDLE_FLAG_INHERIT))
        return 1;

    _tprintf(_T("it names process %lu; I am process %lu\n"),
             (unsigned long)GetProcessId(hProcess),
             (unsigned long)GetCurrentProcessId());
    if (GetProcessId(hProcess) != GetCurrentProcessId())
        return 1;

    if (WaitForSingleObject(hProcess, 0) != WAIT_TIMEOUT) {
        _tprintf(_T("the process object is signaled?!\n"));
        return 1;
    }
    _tprintf(_T("WaitForSingleObject(hProcess, 0): WAIT_TIMEOUT, the "
                "process is running (non-signaled)\n"));

    /* Copy the real handle, closing the source in the same call. */
    if (!DuplicateHandle(GetCurrentProcess(), hProcess, GetCurrentProcess(),
                         &hCopy, 0, FALSE,
                         DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE)) {
        _tprintf(_T("DuplicateHandle failed (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    _tprintf(_T("DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE gave %p\n"),
             (void *)hCopy);
    /* Within one process the source is closed and its value reused. */
    if (hCopy != hProcess || !GetHandleInformation(hCopy, &flags) ||
        (flags & HANDLE_FLAG_INHERIT)) {
        _tprintf(_T("the copy %p is not the source %p, not inheritable\n"),
                 (void *)hCopy, (void *)hProcess);
        return 1;
    }
    _tprintf(_T("the copy took the source's value, now not inheritable\n"));

    if (!CloseHandle(hCopy)) {
        _tprintf(_T("CloseHandle failed (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    _tprintf(_T("CloseHandle(%p): the copy is released\n"), (void *)hCopy);
    if (CloseHandle(hProcess) || GetLastError() != ERROR_INVALID_HANDLE) {
        _tprintf(_T("the source handle %p is still open?!\n"),
                 (void *)hProcess);
        return 1;
    }
    _tprintf(_T("CloseHandle(%p) again fails with ERROR_INVALID_HANDLE: the "
                "source was closed\n"),
             (void *)hProcess);
    return 0;
}
