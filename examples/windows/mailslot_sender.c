/*
 * mailslot_sender.c (with mailslot_receiver.c)
 *
 * Seed 001, source 7-3: the mailslot sender.  It opens the receiver's
 * mailslot by name with CreateFile (GENERIC_WRITE, OPEN_EXISTING: the slot
 * must already exist; creating a new one in its place would be a disaster),
 * sends a message with WriteFile and closes the handle.  A sender cannot
 * receive: the mailslot is one-way.
 *
 * The seed's listing is kept as given (its comments translated); the
 * changes that make it compile and run are marked "Fixed:" or "Added:".
 */
#include <stdio.h>   /* Added: the listing shows no #include lines */
#include <tchar.h>
#include <windows.h>

/* Fixed: the seed's SLOT_NAME is the placeholder _T("PC이름") ("PC name",
 * i.e. \\PCNAME\mailslot\...).  A mailslot name is \\.\mailslot\NAME on
 * the local machine, so a real local name is used here: the receiver's. */
#define SLOT_NAME _T("\\\\.\\mailslot\\mailbox")
int _tmain(int argc, LPTSTR argv[])
{
    HANDLE hMailSlot;    // mailslot handle
    TCHAR message[50];   /* Fixed: message was not declared ... */
    DWORD bytesWritten;  /* Fixed: bytesWritten was not declared */
    TCHAR *newline;

    (void)argc; /* Added: unused parameters (the build uses -Werror) */
    (void)argv;

    hMailSlot = CreateFile(
        SLOT_NAME,    // name of the slot to connect to
        GENERIC_WRITE,    // what the mailslot is used for
        FILE_SHARE_READ,
        NULL,
        OPEN_EXISTING,// how it is created (the mailbox exists: creating a new one would be a disaster)
        FILE_ATTRIBUTE_NORMAL,
        NULL);
    /* Added: a check (OPEN_EXISTING fails if there is no receiver). */
    if (hMailSlot == INVALID_HANDLE_VALUE) {
        _fputts(_T("Unable to create mailslot!\n"), stdout);
        return 1;
    }
    /* Fixed: ... nor given a value: it is typed by the user. */
    _fputts(_T("MY CMD>"), stdout);
    fflush(stdout);
    if (_fgetts(message, sizeof(message) / sizeof(TCHAR), stdin) == NULL) {
        CloseHandle(hMailSlot);
        return 1;
    }
    newline = _tcschr(message, _T('\n'));
    if (newline != NULL)
        *newline = 0;
    if (!WriteFile(
        hMailSlot,
        message,    // the data to send
        (DWORD)(_tcslen(message)*sizeof(TCHAR)),    // its size (Fixed: missing comma; cast to DWORD)
        &bytesWritten,    // the result (bytes sent)
        NULL)) {
        /* Added: a check */
        _fputts(_T("Unable to write!\n"), stdout);
        CloseHandle(hMailSlot);
        return 1;
    }
    /* Added: a report of what was sent. */
    _tprintf(_T("sent %lu bytes\n"), (unsigned long)bytesWritten);
CloseHandle(hMailSlot);
    return 0; /* Added */
}
