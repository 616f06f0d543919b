/*
 * mailslot_receiver.c (with mailslot_sender.c)
 *
 * Seed 001, source 7-2: the mailslot receiver.  A mailslot is a one-way
 * "mailbox" between a sender and a receiver process, reached only through
 * function calls on a name.  The receiver creates it with CreateMailslot
 * (maximum message size 0 = any, read timeout MAILSLOT_WAIT_FOREVER) and
 * reads a message with ReadFile, which waits until one arrives.
 *
 * The seed's listing is kept as given (its comments translated); the
 * changes that make it compile and run are marked "Fixed:" or "Added:".
 */
#include <stdio.h>   /* Added: the listing shows no #include lines */
#include <tchar.h>
#include <windows.h>

/* Fixed: the seed's SLOT_NAME is the placeholder _T("PC이름") ("PC name",
 * i.e. \\PCNAME\mailslot\...).  A mailslot name is \\.\mailslot\NAME on
 * the local machine, so a real local name is used here. */
#define SLOT_NAME _T("\\\\.\\mailslot\\mailbox")
int _tmain(int argc, LPTSTR argv[])
{
    HANDLE hMailSlot; // mailslot handle
    TCHAR messageBox[50];
    DWORD bytesRead; /* Fixed: bytesRead was not declared */

    (void)argc; /* Added: unused parameters (the build uses -Werror) */
    (void)argv;

    hMailSlot = CreateMailslot(
        SLOT_NAME,    // slot name
        0,            // mailslot buffer size, 0 = the largest allowed
        MAILSLOT_WAIT_FOREVER,    // how ReadFile behaves (Fixed: missing comma)
        NULL);    // security attributes
    /* Added: a check, and a line saying the receiver is ready (the demo
     * waits for it before it starts the sender). */
    if (hMailSlot == INVALID_HANDLE_VALUE) {
        _fputts(_T("Unable to create mailslot!\n"), stdout);
        return 1;
    }
    _tprintf(_T("******** Message ********\n"));
    fflush(stdout);
    /* Fixed: the size leaves room for the terminating character added
     * below (sizeof(TCHAR)*50 in the seed). */
    if (!ReadFile(
        hMailSlot,     // the slot
        messageBox,    // the receive buffer (an array)
        sizeof(TCHAR)*49,    // the most data to read (Fixed: missing comma)
        &bytesRead,        // the size of the data read (Fixed: missing comma)
        NULL)) {        // NULL for now
        /* Added: a check */
        _fputts(_T("Unable to read!\n"), stdout);
        CloseHandle(hMailSlot);
        return 1;
    }
    /* Added: the message is shown, and the handle closed. */
    messageBox[bytesRead / sizeof(TCHAR)] = 0;
    _tprintf(_T("%s\n"), messageBox);
    CloseHandle(hMailSlot);
    return 0;
}
