/*
 * named_pipe_client.c: the client of named_pipe_server.c (seeds 000, 001,
 * 002).
 *
 * The client opens the pipe by name with CreateFile (OPEN_EXISTING, read
 * and write), in a loop: while every instance of the pipe is taken,
 * CreateFile fails with ERROR_PIPE_BUSY and WaitNamedPipe waits (here at
 * most 20 s) until the server offers a free one.  The handle starts in
 * byte read mode; SetNamedPipeHandleState switches it to message mode
 * (PIPE_READMODE_MESSAGE | PIPE_WAIT), so that each ReadFile returns one
 * of the server's messages.  Then each line typed is sent with WriteFile
 * and the server's reply read with ReadFile (a reply longer than the
 * buffer comes in parts, ERROR_MORE_DATA).  An empty line or the end of
 * input closes the pipe.
 *
 * The seeds describe this without a listing; this program is written from
 * the description.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

#define PIPE_NAME _T("\\\\.\\pipe\\simple_pipe")
#define BUF_SIZE 1024

int _tmain(int argc, LPTSTR argv[])
{
    HANDLE hPipe;
    TCHAR message[BUF_SIZE];
    TCHAR readDataBuf[BUF_SIZE + 1];
    DWORD pipeMode, bytesWritten, bytesRead;
    BOOL isSuccess;
    size_t len;

    (void)argc;
    (void)argv;

    for (;;) {
        hPipe = CreateFile(PIPE_NAME, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                           OPEN_EXISTING, 0, NULL);
        if (hPipe != INVALID_HANDLE_VALUE)
            break;
        if (GetLastError() != ERROR_PIPE_BUSY) {
            _tprintf(_T("Could not open pipe (error %lu)\n"),
                     (unsigned long)GetLastError());
            return 1;
        }
        _tprintf(_T("all pipe instances are busy: WaitNamedPipe\n"));
        if (!WaitNamedPipe(PIPE_NAME, 20000)) {
            _tprintf(_T("Could not open pipe: 20 second wait timed out\n"));
            return 1;
        }
    }

    pipeMode = PIPE_READMODE_MESSAGE | PIPE_WAIT;
    if (!SetNamedPipeHandleState(hPipe, &pipeMode, NULL, NULL)) {
        _tprintf(_T("SetNamedPipeHandleState failed (error %lu)\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    _tprintf(_T("connected to %s, message read mode\n"), PIPE_NAME);

    for (;;) {
        _tprintf(_T("message> "));
        fflush(stdout);
        if (_fgetts(message, BUF_SIZE, stdin) == NULL)
            break;
        len = _tcslen(message);
        if (len > 0 && message[len - 1] == _T('\n'))
            message[--len] = 0;
        if (len == 0)
            break;

        if (!WriteFile(hPipe, message, (DWORD)((len + 1) * sizeof(TCHAR)),
                       &bytesWritten, NULL)) {
            _tprintf(_T("WriteFile failed (error %lu)\n"),
                     (unsigned long)GetLastError());
            break;
        }
        do {
            isSuccess = ReadFile(hPipe, readDataBuf, BUF_SIZE * sizeof(TCHAR),
                                 &bytesRead, NULL);
            if (!isSuccess && GetLastError() != ERROR_MORE_DATA) {
                _tprintf(_T("ReadFile failed (error %lu)\n"),
                         (unsigned long)GetLastError());
                CloseHandle(hPipe);
                return 1;
            }
            readDataBuf[bytesRead / sizeof(TCHAR)] = 0;
            _tprintf(_T("server: %s\n"), readDataBuf);
        } while (!isSuccess);
    }

    _tprintf(_T("\nclosing the pipe\n"));
    CloseHandle(hPipe);
    return 0;
}
