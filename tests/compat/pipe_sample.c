/*
 * pipe_sample: a named-pipe echo in the style of Microsoft's samples
 * ("Multithreaded Pipe Server", "Named Pipe Client") and of discord-rpc's
 * connection code: TCHAR and _tmain, the \\?\pipe\ form, lstrlen,
 * StringCch functions, HeapAlloc on the process heap, WriteFile and
 * ReadFile with a NULL byte count, and the "press any key" ending with
 * _getch in batch mode.  It compiles unchanged with MinGW and with
 * winipc; tests/compat runs both and compares what they print.
 */
#include <windows.h>
#include <stdio.h>
#include <tchar.h>
#include <strsafe.h>
#include <conio.h>

#define BUFSIZE 512

static DWORD WINAPI InstanceThread(LPVOID lpvParam)
{
    HANDLE hHeap = GetProcessHeap();
    TCHAR *pchRequest = (TCHAR *)HeapAlloc(hHeap, 0, BUFSIZE * sizeof(TCHAR));
    TCHAR *pchReply = (TCHAR *)HeapAlloc(hHeap, 0, BUFSIZE * sizeof(TCHAR));
    DWORD cbBytesRead = 0, cbReplyBytes = 0, cbWritten = 0;
    BOOL fSuccess = FALSE;
    HANDLE hPipe = (HANDLE)lpvParam;

    if (pchRequest == NULL || pchReply == NULL)
        return (DWORD)-1;
    for (;;) {
        ZeroMemory(pchRequest, BUFSIZE * sizeof(TCHAR));
        fSuccess = ReadFile(hPipe, pchRequest, BUFSIZE * sizeof(TCHAR),
                            &cbBytesRead, NULL);
        if (!fSuccess || cbBytesRead == 0) {
            if (GetLastError() == ERROR_BROKEN_PIPE)
                _tprintf(TEXT("InstanceThread: client disconnected.\n"));
            else
                _tprintf(TEXT("InstanceThread ReadFile failed, GLE=%lu.\n"),
                         (unsigned long)GetLastError());
            break;
        }
        _tprintf(TEXT("Client Request String:\"%s\"\n"), pchRequest);
        StringCchPrintf(pchReply, BUFSIZE, TEXT("echo: %s (%d chars)"),
                        pchRequest, lstrlen(pchRequest));
        cbReplyBytes = (lstrlen(pchReply) + 1) * sizeof(TCHAR);
        fSuccess = WriteFile(hPipe, pchReply, cbReplyBytes, &cbWritten, NULL);
        if (!fSuccess || cbReplyBytes != cbWritten) {
            _tprintf(TEXT("InstanceThread WriteFile failed, GLE=%lu.\n"),
                     (unsigned long)GetLastError());
            break;
        }
    }
    FlushFileBuffers(hPipe);
    DisconnectNamedPipe(hPipe);
    CloseHandle(hPipe);
    HeapFree(hHeap, 0, pchRequest);
    HeapFree(hHeap, 0, pchReply);
    return 1;
}

int _tmain(int argc, TCHAR *argv[])
{
    LPCTSTR lpszServerName = TEXT("\\\\.\\pipe\\winipc_compat_pipe_sample");
    LPCTSTR lpszClientName = TEXT("\\\\?\\pipe\\winipc_compat_pipe_sample");
    LPCTSTR lpvMessage = TEXT("Default message from client.");
    TCHAR chBuf[BUFSIZE];
    TCHAR chShort[8];
    HANDLE hPipe, hServer, hThread;
    DWORD dwMode, cbRead, dwThreadId = 0;
    BOOL fSuccess, fWritten;
    HRESULT hr;
    int key;

    UNREFERENCED_PARAMETER(argc);
    UNREFERENCED_PARAMETER(argv);

    hServer = CreateNamedPipe(lpszServerName, PIPE_ACCESS_DUPLEX,
                              PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE |
                                  PIPE_WAIT,
                              PIPE_UNLIMITED_INSTANCES, BUFSIZE, BUFSIZE, 0,
                              NULL);
    if (hServer == INVALID_HANDLE_VALUE) {
        _tprintf(TEXT("CreateNamedPipe failed, GLE=%lu.\n"),
                 (unsigned long)GetLastError());
        return -1;
    }

    /* The client, as discord-rpc connects: \\?\pipe\, and WaitNamedPipe. */
    if (!WaitNamedPipe(lpszClientName, 2000)) {
        _tprintf(TEXT("WaitNamedPipe failed, GLE=%lu.\n"),
                 (unsigned long)GetLastError());
        return -1;
    }
    hPipe = CreateFile(lpszClientName, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                       OPEN_EXISTING, 0, NULL);
    if (hPipe == INVALID_HANDLE_VALUE) {
        _tprintf(TEXT("Could not open pipe. GLE=%lu\n"),
                 (unsigned long)GetLastError());
        return -1;
    }
    fSuccess = ConnectNamedPipe(hServer, NULL)
                   ? TRUE
                   : (GetLastError() == ERROR_PIPE_CONNECTED);
    _tprintf(TEXT("Client connected: %s\n"), fSuccess ? TEXT("yes") : TEXT("no"));
    hThread = CreateThread(NULL, 0, InstanceThread, (LPVOID)hServer, 0,
                           &dwThreadId);
    if (hThread == NULL) {
        _tprintf(TEXT("CreateThread failed, GLE=%lu.\n"),
                 (unsigned long)GetLastError());
        return -1;
    }

    dwMode = PIPE_READMODE_MESSAGE;
    fSuccess = SetNamedPipeHandleState(hPipe, &dwMode, NULL, NULL);
    _tprintf(TEXT("SetNamedPipeHandleState: %d\n"), fSuccess);

    /* Samba's npecho client writes without a byte count. */
    _tprintf(TEXT("Sending %d byte message: \"%s\"\n"),
             (int)((lstrlen(lpvMessage) + 1) * sizeof(TCHAR)), lpvMessage);
    fWritten = WriteFile(hPipe, lpvMessage,
                         (lstrlen(lpvMessage) + 1) * sizeof(TCHAR), NULL, NULL);

    do {
        fSuccess = ReadFile(hPipe, chBuf, BUFSIZE * sizeof(TCHAR), &cbRead,
                            NULL);
        if (!fSuccess && GetLastError() != ERROR_MORE_DATA)
            break;
        _tprintf(TEXT("\"%s\"\n"), chBuf);
    } while (!fSuccess);
    /* Printed once the server has answered: its thread prints too. */
    _tprintf(TEXT("WriteFile without a count: %d\n"), fWritten);

    /* A reply too long for the buffer: ERROR_MORE_DATA, then the rest. */
    StringCchCopy(chBuf, BUFSIZE, TEXT("a longer request"));
    WriteFile(hPipe, chBuf, (lstrlen(chBuf) + 1) * sizeof(TCHAR), &cbRead,
              NULL);
    ZeroMemory(chShort, sizeof chShort);
    fSuccess = ReadFile(hPipe, chShort, sizeof chShort - sizeof(TCHAR), NULL,
                        NULL);
    _tprintf(TEXT("first part: %d, more data: %d, \"%s\"\n"), fSuccess,
             GetLastError() == ERROR_MORE_DATA, chShort);
    ZeroMemory(chBuf, sizeof chBuf);
    fSuccess = ReadFile(hPipe, chBuf, BUFSIZE * sizeof(TCHAR), &cbRead, NULL);
    _tprintf(TEXT("rest: %d, %lu bytes, \"%s\"\n"), fSuccess,
             (unsigned long)cbRead, chBuf);

    hr = StringCchCopy(chShort, ARRAYSIZE(chShort), TEXT("truncated text"));
    _tprintf(TEXT("StringCchCopy into 8: %s, \"%s\"\n"),
             hr == STRSAFE_E_INSUFFICIENT_BUFFER ? TEXT("insufficient")
                                                 : TEXT("other"),
             chShort);
    _tprintf(TEXT("lstrcmpi(\"PIPE\", \"pipe\") = %d, lstrcmp = %d\n"),
             lstrcmpi(TEXT("PIPE"), TEXT("pipe")),
             lstrcmp(TEXT("PIPE"), TEXT("pipe")));

    CloseHandle(hPipe);
    WaitForSingleObject(hThread, 5000);
    CloseHandle(hThread);

    _tprintf(TEXT("\n<End of message, press any key to exit>\n"));
    key = _getch();
    _tprintf(TEXT("_getch in batch mode: %d\n"), key);
    return 0;
}
