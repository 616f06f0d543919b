/*
 * createfile.c
 *
 * Seed 002: CreateFile, ReadFile and WriteFile, the file API through which
 * mailslots and named pipes are also used.  The creation disposition says
 * how the file is opened:
 *   CREATE_ALWAYS      always a new file;
 *   CREATE_NEW         a new file, failing if it exists;
 *   OPEN_ALWAYS        the existing file, created if missing;
 *   OPEN_EXISTING      the existing file, failing if it is missing (as a
 *                      mailslot sender does: the slot must already exist);
 *   TRUNCATE_EXISTING  the existing file emptied, failing if it is missing.
 * Failures return INVALID_HANDLE_VALUE; GetLastError and FormatMessage say
 * why.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

#define FILE_NAME _T("createfile_demo.txt")
#define MISSING_NAME _T("no_such_file.txt")

static void PrintResult(LPCTSTR what, HANDLE h)
{
    DWORD err = GetLastError();
    TCHAR msg[256];

    if (h != INVALID_HANDLE_VALUE && err == 0) {
        _tprintf(_T("%-36s -> a handle\n"), what);
        return;
    }
    if (!FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM |
                           FORMAT_MESSAGE_IGNORE_INSERTS,
                       NULL, err, 0, msg, 256, NULL))
        _tcscpy(msg, _T("(no message text)\n"));
    _tprintf(_T("%-36s -> %s, error %lu: %s"), what,
             h == INVALID_HANDLE_VALUE ? _T("INVALID_HANDLE_VALUE")
                                       : _T("a handle"),
             (unsigned long)err, msg);
}

int _tmain(int argc, LPTSTR argv[])
{
    TCHAR data[] = _T("written through a Win32 file handle");
    TCHAR buf[100];
    DWORD bytesWritten, bytesRead;
    HANDLE hFile;

    (void)argc;
    (void)argv;

    /* CREATE_ALWAYS: a new file, written. */
    SetLastError(0);
    hFile = CreateFile(FILE_NAME, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                       FILE_ATTRIBUTE_NORMAL, NULL);
    PrintResult(_T("CreateFile(CREATE_ALWAYS)"), hFile);
    if (hFile == INVALID_HANDLE_VALUE)
        return 1;
    if (!WriteFile(hFile, data, (DWORD)(_tcslen(data) * sizeof(TCHAR)),
                   &bytesWritten, NULL))
        return 1;
    _tprintf(_T("WriteFile wrote %lu bytes\n"), (unsigned long)bytesWritten);
    CloseHandle(hFile);

    /* CREATE_NEW on a file that exists fails. */
    hFile = CreateFile(FILE_NAME, GENERIC_WRITE, 0, NULL, CREATE_NEW,
                       FILE_ATTRIBUTE_NORMAL, NULL);
    PrintResult(_T("CreateFile(CREATE_NEW), file exists"), hFile);
    if (hFile != INVALID_HANDLE_VALUE || GetLastError() != ERROR_FILE_EXISTS)
        return 1;

    /* OPEN_EXISTING, shared for reading: read it back. */
    SetLastError(0);
    hFile = CreateFile(FILE_NAME, GENERIC_READ, FILE_SHARE_READ, NULL,
                       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    PrintResult(_T("CreateFile(OPEN_EXISTING)"), hFile);
    if (hFile == INVALID_HANDLE_VALUE)
        return 1;
    if (!ReadFile(hFile, buf, sizeof(buf) - sizeof(TCHAR), &bytesRead, NULL))
        return 1;
    buf[bytesRead / sizeof(TCHAR)] = 0;
    _tprintf(_T("ReadFile read %lu bytes: %s\n"), (unsigned long)bytesRead,
             buf);
    CloseHandle(hFile);
    if (_tcscmp(buf, data) != 0)
        return 1;

    /* OPEN_EXISTING on a missing file fails. */
    hFile = CreateFile(MISSING_NAME, GENERIC_READ, FILE_SHARE_READ, NULL,
                       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    PrintResult(_T("CreateFile(OPEN_EXISTING), missing"), hFile);
    if (hFile != INVALID_HANDLE_VALUE || GetLastError() != ERROR_FILE_NOT_FOUND)
        return 1;

    /* OPEN_ALWAYS on an existing file succeeds and says so. */
    SetLastError(0);
    hFile = CreateFile(FILE_NAME, GENERIC_READ, FILE_SHARE_READ, NULL,
                       OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    PrintResult(_T("CreateFile(OPEN_ALWAYS), file exists"), hFile);
    if (hFile == INVALID_HANDLE_VALUE || GetLastError() != ERROR_ALREADY_EXISTS)
        return 1;
    CloseHandle(hFile);

    /* TRUNCATE_EXISTING empties it. */
    SetLastError(0);
    hFile = CreateFile(FILE_NAME, GENERIC_WRITE, 0, NULL, TRUNCATE_EXISTING,
                       FILE_ATTRIBUTE_NORMAL, NULL);
    PrintResult(_T("CreateFile(TRUNCATE_EXISTING)"), hFile);
    if (hFile == INVALID_HANDLE_VALUE)
        return 1;
    _tprintf(_T("GetFileSize after TRUNCATE_EXISTING: %lu\n"),
             (unsigned long)GetFileSize(hFile, NULL));
    if (GetFileSize(hFile, NULL) != 0)
        return 1;
    CloseHandle(hFile);

    if (!DeleteFile(FILE_NAME))
        return 1;
    _tprintf(_T("DeleteFile: removed %s\n"), FILE_NAME);
    return 0;
}
