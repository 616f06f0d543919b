/*
 * mailslot_inherit_parent.c (with mailslot_inherit_child.c)
 *
 * Seed 002, "handle inheritance" and its mailslot example: a handle is made
 * inheritable when its resource is created, by a SECURITY_ATTRIBUTES with
 * bInheritHandle = TRUE given to CreateMailslot (its 4th argument).  A
 * child created by CreateProcess with bInheritHandles TRUE gets a copy of
 * every inheritable entry of the parent's handle table, at the same value,
 * so the value can be passed on the child's command line and used there
 * directly.  Inheriting adds one to the kernel object's usage count: the
 * parent may close its own handle and the mailslot lives on in the child.
 *
 * The parent creates \\.\mailslot\inherit_box with an inheritable handle
 * and posts three messages into it (CreateFile on the name, WriteFile, as
 * a sender does).  It then creates the child with the mailslot handle's
 * value on its command line, closes its own handle to the mailslot, and
 * waits for the child, which reads the three messages through the handle
 * it inherited.  The seed gives the SECURITY_ATTRIBUTES set-up, used as
 * given; the rest is written from its description.  The child is a
 * separate program, mailslot_inherit_child.exe on Windows, built beside
 * this one.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

#define SLOT_NAME _T("\\\\.\\mailslot\\inherit_box")

int _tmain(int argc, LPTSTR argv[])
{
    LPCTSTR messages[] = {_T("first message"), _T("second message"),
                          _T("third message")};
    SECURITY_ATTRIBUTES sa;
    HANDLE hMailSlot, hSender;
    TCHAR command[1024];
    STARTUPINFO si = {0};
    PROCESS_INFORMATION pi;
    DWORD bytesWritten, exitCode, i;

    (void)argc;
    (void)argv;

    /* The seed's code: the mailslot handle is inheritable. */
    sa.nLength = sizeof(sa);
    sa.lpSecurityDescriptor = NULL;
    sa.bInheritHandle = TRUE;
    hMailSlot = CreateMailslot(SLOT_NAME, 0, MAILSLOT_WAIT_FOREVER, &sa);
    if (hMailSlot == INVALID_HANDLE_VALUE) {
        _tprintf(_T("CreateMailslot failed (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    _tprintf(_T("[Parent] CreateMailslot(%s): inheritable handle %u\n"),
             SLOT_NAME, (unsigned)(UINT_PTR)hMailSlot);

    /* Post three messages, as any sender would. */
    hSender = CreateFile(SLOT_NAME, GENERIC_WRITE, FILE_SHARE_READ, NULL,
                         OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (hSender == INVALID_HANDLE_VALUE) {
        _tprintf(_T("CreateFile failed (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    for (i = 0; i < 3; i++) {
        if (!WriteFile(hSender, messages[i],
                       (DWORD)(_tcslen(messages[i]) * sizeof(TCHAR)),
                       &bytesWritten, NULL)) {
            _tprintf(_T("WriteFile failed (error %lu)\n"),
                     (unsigned long)GetLastError());
            return 1;
        }
        _tprintf(_T("[Parent] posted \"%s\" (%lu bytes)\n"), messages[i],
                 (unsigned long)bytesWritten);
    }
    CloseHandle(hSender);

    /* The casts through UINT_PTR keep 64-bit compilers from warning about
     * the pointer's size. */
    _sntprintf(command, 1023, _T("%s %u"), _T("mailslot_inherit_child.exe"),
               (unsigned)(UINT_PTR)hMailSlot);
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

    /* The child holds the mailslot too (usage count 2): closing the
     * parent's handle leaves it, and its messages, to the child. */
    CloseHandle(hMailSlot);
    _tprintf(_T("[Parent] closed my mailslot handle; waiting for the "
                "child\n"));

    fflush(stdout); /* out before what the child writes */
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &exitCode);
    _tprintf(_T("[Parent] the child ended with exit code %lu\n"),
             (unsigned long)exitCode);
    CloseHandle(pi.hProcess);
    return exitCode == 0 ? 0 : 1;
}
