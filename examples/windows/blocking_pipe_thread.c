/*
 * blocking_pipe_thread.c
 *
 * Seed 000: ReadFile and WriteFile are blocking functions: a thread that
 * calls ReadFile on an empty pipe leaves the Running state and is Blocked
 * until data arrives, as it is in a wait function or in Sleep.  The seed's
 * server gives each client its own thread (CreateThread) so that one
 * blocked thread does not stop the others.
 * Seed 001: kernel objects are signaled or non-signaled, and
 * WaitForSingleObject waits for the signaled state.  A thread object, like
 * the seed's process object, is non-signaled while it runs and signaled
 * once it has ended.
 *
 * The main thread creates an anonymous pipe and a reader thread, writes
 * three messages with pauses between them (the reader blocks in ReadFile
 * meanwhile), then closes the write end: the reader's ReadFile then fails
 * with ERROR_BROKEN_PIPE, the reader ends, and its handle becomes
 * signaled.  The seed describes these behaviours without a listing; this
 * program is written from the description.
 */
#include <stdio.h>
#include <tchar.h>
#include <windows.h>

static void PrintError(LPCTSTR what, DWORD err)
{
    TCHAR msg[256];

    if (!FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM |
                           FORMAT_MESSAGE_IGNORE_INSERTS,
                       NULL, err, 0, msg, 256, NULL))
        _tcscpy(msg, _T("(no message text)\n"));
    _tprintf(_T("%s: error %lu: %s"), what, (unsigned long)err, msg);
}

static DWORD WINAPI ReaderThread(LPVOID lpParam)
{
    HANDLE hReadPipe = (HANDLE)lpParam;
    TCHAR buf[100];
    DWORD bytesRead, count = 0;

    for (;;) {
        _tprintf(_T("reader: calling ReadFile (blocks until data "
                    "arrives)\n"));
        if (!ReadFile(hReadPipe, buf, sizeof(buf) - sizeof(TCHAR), &bytesRead,
                      NULL)) {
            DWORD err = GetLastError();

            PrintError(_T("reader: ReadFile"), err);
            if (err != ERROR_BROKEN_PIPE)
                return (DWORD)-1;
            break;
        }
        buf[bytesRead / sizeof(TCHAR)] = 0;
        _tprintf(_T("reader: got \"%s\"\n"), buf);
        count++;
    }
    _tprintf(_T("reader: the write end is closed, %lu messages read, "
                "exiting\n"),
             (unsigned long)count);
    return count;
}

int _tmain(int argc, LPTSTR argv[])
{
    LPCTSTR messages[] = {_T("first message"), _T("second message"),
                          _T("third message")};
    HANDLE hReadPipe, hWritePipe, hThread;
    DWORD bytesWritten, exitCode, result, i;

    (void)argc;
    (void)argv;

    if (!CreatePipe(&hReadPipe, &hWritePipe, NULL, 0)) {
        PrintError(_T("CreatePipe"), GetLastError());
        return 1;
    }
    hThread = CreateThread(NULL, 0, ReaderThread, hReadPipe, 0, NULL);
    if (hThread == NULL) {
        PrintError(_T("CreateThread"), GetLastError());
        return 1;
    }

    for (i = 0; i < 3; i++) {
        Sleep(300); /* the reader is blocked in ReadFile meanwhile */
        result = WaitForSingleObject(hThread, 0);
        _tprintf(_T("main: reader thread is %s\n"),
                 result == WAIT_TIMEOUT ? _T("non-signaled (still running)")
                                        : _T("signaled?!"));
        if (result != WAIT_TIMEOUT)
            return 1;
        _tprintf(_T("main: WriteFile \"%s\"\n"), messages[i]);
        if (!WriteFile(hWritePipe, messages[i],
                       (DWORD)(_tcslen(messages[i]) * sizeof(TCHAR)),
                       &bytesWritten, NULL)) {
            PrintError(_T("WriteFile"), GetLastError());
            return 1;
        }
    }

    Sleep(300);
    _tprintf(_T("main: closing the write end of the pipe\n"));
    CloseHandle(hWritePipe);

    result = WaitForSingleObject(hThread, 5000);
    if (result != WAIT_OBJECT_0) {
        _tprintf(_T("main: WaitForSingleObject returned %lu\n"),
                 (unsigned long)result);
        return 1;
    }
    GetExitCodeThread(hThread, &exitCode);
    _tprintf(_T("main: reader thread is signaled (ended), exit code %lu\n"),
             (unsigned long)exitCode);

    CloseHandle(hThread);
    CloseHandle(hReadPipe);
    return exitCode == 3 ? 0 : 1;
}
