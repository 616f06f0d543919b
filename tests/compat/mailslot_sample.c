/*
 * mailslot_sample: Microsoft's "Writing to a Mailslot" and "Reading from a
 * Mailslot" samples in one program: TCHAR and _tmain, lstrlen for the
 * message sizes, GlobalAlloc(GPTR) and StringCbCat for the read buffer,
 * StringCchPrintf for the headings, an event in the OVERLAPPED of
 * ReadFile, and the writer through the \\?\mailslot\ form.  (It numbers
 * messages itself: Wine's GetMailslotInfo message count is not Windows'.)
 */
#include <windows.h>
#include <stdio.h>
#include <tchar.h>
#include <strsafe.h>

static HANDLE hSlot;
static LPCTSTR SlotName = TEXT("\\\\.\\mailslot\\winipc_compat_sample_mailslot");
static LPCTSTR WriterName =
    TEXT("\\\\?\\mailslot\\winipc_compat_sample_mailslot");

static BOOL WriteSlot(HANDLE hSlot, LPCTSTR lpszMessage)
{
    BOOL fResult;
    DWORD cbWritten;

    fResult = WriteFile(hSlot, lpszMessage,
                        (DWORD)(lstrlen(lpszMessage) + 1) * sizeof(TCHAR),
                        &cbWritten, (LPOVERLAPPED)NULL);
    if (!fResult) {
        _tprintf(TEXT("WriteFile failed with %lu.\n"),
                 (unsigned long)GetLastError());
        return FALSE;
    }
    _tprintf(TEXT("Slot written to successfully (%lu bytes).\n"),
             (unsigned long)cbWritten);
    return TRUE;
}

static BOOL ReadSlot(void)
{
    DWORD cbMessage, cbRead, cNumber = 0;
    BOOL fResult;
    LPTSTR lpszBuffer;
    TCHAR achID[80];
    HANDLE hEvent;
    OVERLAPPED ov;

    hEvent = CreateEvent(NULL, FALSE, FALSE, TEXT("ExampleSlotEventCompat"));
    if (NULL == hEvent)
        return FALSE;
    ov.Offset = 0;
    ov.OffsetHigh = 0;
    ov.hEvent = hEvent;

    for (;;) {
        fResult = GetMailslotInfo(hSlot, (LPDWORD)NULL, &cbMessage,
                                  (LPDWORD)NULL, (LPDWORD)NULL);
        if (!fResult) {
            _tprintf(TEXT("GetMailslotInfo failed with %lu.\n"),
                     (unsigned long)GetLastError());
            return FALSE;
        }
        if (cbMessage == MAILSLOT_NO_MESSAGE) {
            _tprintf(TEXT("Waiting for a message...\n"));
            break;
        }
        StringCchPrintf((LPTSTR)achID, 80, TEXT("\nMessage #%lu of %lu bytes\n"),
                        (unsigned long)++cNumber, (unsigned long)cbMessage);
        lpszBuffer = (LPTSTR)GlobalAlloc(
            GPTR, lstrlen((LPTSTR)achID) * sizeof(TCHAR) + cbMessage);
        if (NULL == lpszBuffer)
            return FALSE;
        lpszBuffer[0] = '\0';
        fResult = ReadFile(hSlot, lpszBuffer, cbMessage, &cbRead, &ov);
        if (!fResult) {
            _tprintf(TEXT("ReadFile failed with %lu.\n"),
                     (unsigned long)GetLastError());
            GlobalFree((HGLOBAL)lpszBuffer);
            return FALSE;
        }
        _tprintf(TEXT("event signalled: %d\n"),
                 WaitForSingleObject(hEvent, 0) == WAIT_OBJECT_0);
        /* Concatenate the message and the message-number strings. */
        StringCbCat(lpszBuffer,
                    lstrlen((LPTSTR)achID) * sizeof(TCHAR) + cbMessage,
                    (LPTSTR)achID);
        _tprintf(TEXT("Contents of the mailslot: %s\n"), lpszBuffer);
        GlobalFree((HGLOBAL)lpszBuffer);
    }
    CloseHandle(hEvent);
    return TRUE;
}

int _tmain(void)
{
    HANDLE hFile;

    hSlot = CreateMailslot(SlotName, 0, MAILSLOT_WAIT_FOREVER,
                           (LPSECURITY_ATTRIBUTES)NULL);
    if (hSlot == INVALID_HANDLE_VALUE) {
        _tprintf(TEXT("CreateMailslot failed with %lu\n"),
                 (unsigned long)GetLastError());
        return FALSE;
    }
    _tprintf(TEXT("Mailslot created successfully.\n"));

    hFile = CreateFile(WriterName, GENERIC_WRITE, FILE_SHARE_READ,
                       (LPSECURITY_ATTRIBUTES)NULL, OPEN_EXISTING,
                       FILE_ATTRIBUTE_NORMAL, (HANDLE)NULL);
    if (hFile == INVALID_HANDLE_VALUE) {
        _tprintf(TEXT("CreateFile failed with %lu.\n"),
                 (unsigned long)GetLastError());
        return FALSE;
    }
    WriteSlot(hFile, TEXT("Message one for mailslot."));
    WriteSlot(hFile, TEXT("Message two for mailslot."));
    WriteSlot(hFile, TEXT("Message three for mailslot."));
    CloseHandle(hFile);

    ReadSlot();
    CloseHandle(hSlot);
    return TRUE;
}
