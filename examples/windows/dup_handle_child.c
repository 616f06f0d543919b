/*
 * dup_handle_child.c: the child of dup_handle_parent.c (seeds 001, 002).
 *
 * argv[1] is the value of the handle to its parent that it inherited (the
 * parent's DuplicateHandle of its pseudo handle).  The parent's process
 * object is non-signaled while the parent runs; WaitForSingleObject
 * returns once the parent has ended.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

int _tmain(int argc, LPTSTR argv[])
{
    HANDLE hParent;
    DWORD result, flags;

    if (argc < 2) {
        _tprintf(_T("usage: %s PARENT_HANDLE\n"), argv[0]);
        return 2;
    }
    /* The handle value from the command line; the cast through UINT_PTR
     * keeps 64-bit compilers from warning about the integer's size. */
    hParent = (HANDLE)(UINT_PTR)_ttoi(argv[1]);

    /* What this process really holds at that value: the inherited handle
     * keeps the parent's value and its inherit flag. */
    if (!GetHandleInformation(hParent, &flags)) {
        _tprintf(_T("[Child Process] no handle %u (error %lu)\n"),
                 (unsigned)(UINT_PTR)hParent, (unsigned long)GetLastError());
        return 1;
    }
    _tprintf(_T("[Child Process] waiting for my parent (handle %u, "
                "inheritable: %s)\n"),
             (unsigned)(UINT_PTR)hParent,
             (flags & HANDLE_FLAG_INHERIT) ? _T("yes") : _T("no"));
    /* Out before the parent's next line (the C runtime buffers a
     * redirected stdout). */
    fflush(stdout);
    result = WaitForSingleObject(hParent, INFINITE);
    if (result == WAIT_FAILED) {
        _tprintf(_T("[Child Process] WAIT_FAILED returned! (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    _tprintf(_T("[Child Process] WaitForSingleObject returned WAIT_OBJECT_0: "
                "my parent has ended\n"));
    CloseHandle(hParent);
    return 0;
}
