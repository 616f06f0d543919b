/*
 * anonymous_pipe.c
 *
 * Seeds 001 and 002: the anonymous pipe.  CreatePipe(&hReadPipe,
 * &hWritePipe, NULL, 0) returns two handles, one for each end of a
 * one-way pipe (0 asks for the default buffer size); data written with
 * WriteFile through the write handle is read with ReadFile through the read
 * handle.  Here one process uses both ends, to show the basic principle
 * before the handles are handed to a child process.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

int _tmain(int argc, LPTSTR argv[])
{
    HANDLE hReadPipe, hWritePipe; /* pipe handles */

    TCHAR sendString[] = _T("anonymous pipe");
    TCHAR recvString[100];

    DWORD bytesWritten;
    DWORD bytesRead;

    (void)argc;
    (void)argv;

    /* Create the pipe. */
    if (!CreatePipe(&hReadPipe, &hWritePipe, NULL, 0)) {
        _tprintf(_T("CreatePipe failed (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }

    /* Send data through one end of the pipe. */
    if (!WriteFile(hWritePipe, sendString,
                   (DWORD)(_tcslen(sendString) * sizeof(TCHAR)), &bytesWritten,
                   NULL)) {
        _tprintf(_T("WriteFile failed (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    _tprintf(_T("string send: %s \n"), sendString);

    /* Receive it through the other end. */
    if (!ReadFile(hReadPipe, recvString, bytesWritten, &bytesRead, NULL)) {
        _tprintf(_T("ReadFile failed (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    recvString[bytesRead / sizeof(TCHAR)] = 0;
    _tprintf(_T("string recv: %s \n"), recvString);

    CloseHandle(hReadPipe);
    CloseHandle(hWritePipe);
    return 0;
}
