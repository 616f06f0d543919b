/*
 * mailslot_inherit_child.c: the child of mailslot_inherit_parent.c (seed
 * 002).
 *
 * argv[1] is the value of the mailslot handle inherited from the parent:
 * the child's handle table holds the same value, so it is used as it is.
 * It first gives its parent a moment to close its own mailslot handle:
 * what it then reads comes through the mailslot's last handle.
 * GetMailslotInfo says how many messages are waiting; the child reads
 * each with ReadFile, then closes the handle, the last one on the
 * mailslot.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

int _tmain(int argc, LPTSTR argv[])
{
    HANDLE hMailSlot;
    TCHAR messageBox[50];
    DWORD bytesRead, nextSize, count, flags;

    if (argc < 2) {
        _tprintf(_T("usage: %s MAILSLOT_HANDLE\n"), argv[0]);
        return 2;
    }
    /* The cast through UINT_PTR keeps 64-bit compilers from warning about
     * the integer's size. */
    hMailSlot = (HANDLE)(UINT_PTR)_ttoi(argv[1]);

    /* What this process really holds at that value: an inherited handle
     * keeps the parent's value and its inherit flag. */
    if (!GetHandleInformation(hMailSlot, &flags)) {
        _tprintf(_T("[Child] no handle %u (error %lu)\n"),
                 (unsigned)(UINT_PTR)hMailSlot, (unsigned long)GetLastError());
        return 1;
    }
    _tprintf(_T("[Child] I hold handle %u (inheritable: %s)\n"),
             (unsigned)(UINT_PTR)hMailSlot,
             (flags & HANDLE_FLAG_INHERIT) ? _T("yes") : _T("no"));
    Sleep(500); /* the parent closes its handle meanwhile */
    for (;;) {
        if (!GetMailslotInfo(hMailSlot, NULL, &nextSize, &count, NULL)) {
            _tprintf(_T("[Child] GetMailslotInfo on handle %u failed "
                        "(error %lu)\n"),
                     (unsigned)(UINT_PTR)hMailSlot,
                     (unsigned long)GetLastError());
            return 1;
        }
        if (nextSize == MAILSLOT_NO_MESSAGE)
            break;
        _tprintf(_T("[Child] handle %u: %lu message(s) waiting, next is %lu "
                    "bytes\n"),
                 (unsigned)(UINT_PTR)hMailSlot, (unsigned long)count,
                 (unsigned long)nextSize);
        if (!ReadFile(hMailSlot, messageBox, sizeof(messageBox) - sizeof(TCHAR),
                      &bytesRead, NULL)) {
            _tprintf(_T("[Child] ReadFile failed (error %lu)\n"),
                     (unsigned long)GetLastError());
            return 1;
        }
        messageBox[bytesRead / sizeof(TCHAR)] = 0;
        _tprintf(_T("[Child] read \"%s\"\n"), messageBox);
    }
    _tprintf(_T("[Child] no message left: closing the mailslot\n"));
    CloseHandle(hMailSlot);
    return 0;
}
