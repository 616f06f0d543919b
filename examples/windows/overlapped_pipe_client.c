/*
 * overlapped_pipe_client.c: a client of overlapped_pipe_server.c, in the
 * manner of Microsoft's sample "Named Pipe Client".
 *
 * The client does not need overlapped I/O itself: the server's use of it
 * is invisible from this end.  It opens \\.\pipe\overlapped_pipe with
 * CreateFile in a loop: while every instance of the pipe is busy,
 * CreateFile fails with ERROR_PIPE_BUSY and WaitNamedPipe waits (at most
 * 20 s) for the server to free one (DisconnectNamedPipe, then
 * ConnectNamedPipe again).  SetNamedPipeHandleState switches the handle to
 * message read mode; the client sends one message (its first argument)
 * with WriteFile and reads the reply with ReadFile, in parts while
 * ReadFile says ERROR_MORE_DATA, then closes the pipe.
 *
 * Usage: overlapped_pipe_client [MESSAGE]
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

#define PIPE_NAME _T("\\\\.\\pipe\\overlapped_pipe")
#define BUFSIZE 512

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hPipe;
    LPCTSTR lpvMessage = _T("Default message from client.");
    TCHAR chBuf[BUFSIZE];
    BOOL fSuccess = FALSE;
    DWORD cbRead, cbToWrite, cbWritten, dwMode;

    if (argc > 1)
        lpvMessage = argv[1];

    /* Try to open the pipe; wait for it if every instance is busy. */
    for (;;) {
        hPipe = CreateFile(PIPE_NAME,
                           GENERIC_READ |     /* read and write access */
                               GENERIC_WRITE,
                           0,                 /* no sharing */
                           NULL,              /* default security attributes */
                           OPEN_EXISTING,     /* opens existing pipe */
                           0,                 /* default attributes */
                           NULL);             /* no template file */
        if (hPipe != INVALID_HANDLE_VALUE)
            break;

        /* Exit if an error other than ERROR_PIPE_BUSY occurs. */
        if (GetLastError() != ERROR_PIPE_BUSY) {
            _tprintf(_T("Could not open pipe. GLE=%lu\n"),
                     (unsigned long)GetLastError());
            return 1;
        }

        /* All pipe instances are busy, so wait for 20 seconds. */
        _tprintf(_T("All pipe instances are busy: WaitNamedPipe\n"));
        if (!WaitNamedPipe(PIPE_NAME, 20000)) {
            _tprintf(_T("Could not open pipe: 20 second wait timed out."));
            return 1;
        }
    }

    /* The pipe connected; change to message-read mode. */
    dwMode = PIPE_READMODE_MESSAGE;
    fSuccess = SetNamedPipeHandleState(hPipe,   /* pipe handle */
                                       &dwMode, /* new pipe mode */
                                       NULL,    /* don't set maximum bytes */
                                       NULL);   /* don't set maximum time */
    if (!fSuccess) {
        _tprintf(_T("SetNamedPipeHandleState failed. GLE=%lu\n"),
                 (unsigned long)GetLastError());
        return 1;
    }

    /* Send a message to the pipe server. */
    cbToWrite = (DWORD)((_tcslen(lpvMessage) + 1) * sizeof(TCHAR));
    _tprintf(_T("Sending %lu byte message: \"%s\"\n"),
             (unsigned long)cbToWrite, lpvMessage);
    fSuccess = WriteFile(hPipe, lpvMessage, cbToWrite, &cbWritten, NULL);
    if (!fSuccess) {
        _tprintf(_T("WriteFile to pipe failed. GLE=%lu\n"),
                 (unsigned long)GetLastError());
        return 1;
    }
    _tprintf(_T("Message sent to server, receiving reply as follows:\n"));

    do {
        /* Read from the pipe. */
        fSuccess = ReadFile(hPipe, chBuf, (BUFSIZE - 1) * sizeof(TCHAR),
                            &cbRead, NULL);
        if (!fSuccess && GetLastError() != ERROR_MORE_DATA)
            break;
        chBuf[cbRead / sizeof(TCHAR)] = 0;
        _tprintf(_T("\"%s\"\n"), chBuf);
    } while (!fSuccess); /* repeat loop if ERROR_MORE_DATA */

    if (!fSuccess) {
        _tprintf(_T("ReadFile from pipe failed. GLE=%lu\n"),
                 (unsigned long)GetLastError());
        return 1;
    }

    _tprintf(_T("<End of message, closing the pipe>\n"));
    CloseHandle(hPipe);
    return 0;
}
