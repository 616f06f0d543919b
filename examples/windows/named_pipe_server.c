/*
 * named_pipe_server.c (with named_pipe_client.c)
 *
 * Seeds 000, 001 and 002: the named pipe server.  A named pipe is two-way
 * and has a name (\\.\pipe\NAME), so unrelated processes can use it.  The
 * server loops: CreateNamedPipe makes a new instance of the pipe
 * (PIPE_UNLIMITED_INSTANCES: as many as there are clients), and
 * ConnectNamedPipe, a wait function, blocks until a client connects to
 * it.  The server then starts a thread for that client with CreateThread
 * and goes back to make the next instance, so that clients are served at
 * the same time (seed 000).  The pipe is in message mode
 * (PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, as seed 002
 * gives for strings).
 *
 * Each thread reads the client's requests with ReadFile and answers each
 * with WriteFile; both block.  The server learns that its client has gone
 * only from what a call on the pipe returns: ReadFile fails with
 * ERROR_BROKEN_PIPE.  The thread then ends the instance as the seeds
 * describe: FlushFileBuffers (waits until the client has read everything
 * sent), DisconnectNamedPipe, and CloseHandle (the usage count drops by
 * one).  The server itself runs until it is stopped.
 *
 * The seeds describe this without a listing; this program is written from
 * the description.
 */
#include <stdio.h>
#include <stdlib.h>
#include <tchar.h>
#include <windows.h>

#define PIPE_NAME _T("\\\\.\\pipe\\simple_pipe")
#define BUF_SIZE 1024

struct client {
    HANDLE hPipe;
    int number;
};

static DWORD WINAPI InstanceThread(LPVOID lpParam);

int _tmain(int argc, LPTSTR argv[])
{
    HANDLE hPipe, hThread;
    struct client *client;
    int clients = 0;
    BOOL isConnected;

    (void)argc;
    (void)argv;

    for (;;) {
        hPipe = CreateNamedPipe(PIPE_NAME, PIPE_ACCESS_DUPLEX,
                                PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE |
                                    PIPE_WAIT,
                                PIPE_UNLIMITED_INSTANCES, BUF_SIZE, BUF_SIZE,
                                20000, /* for NMPWAIT_USE_DEFAULT_WAIT */
                                NULL);
        if (hPipe == INVALID_HANDLE_VALUE) {
            _tprintf(_T("CreateNamedPipe failed (error %lu)\n"),
                     (unsigned long)GetLastError());
            return 1;
        }
        _tprintf(_T("[server] waiting for a client on %s\n"), PIPE_NAME);
        /* Each line goes out when written (the C runtime buffers a
         * redirected stdout, and the server runs until it is stopped). */
        fflush(stdout);

        /* A client that connected between CreateNamedPipe and
         * ConnectNamedPipe makes it fail with ERROR_PIPE_CONNECTED. */
        isConnected = ConnectNamedPipe(hPipe, NULL)
                          ? TRUE
                          : (GetLastError() == ERROR_PIPE_CONNECTED);
        if (!isConnected) {
            _tprintf(_T("ConnectNamedPipe failed (error %lu)\n"),
                     (unsigned long)GetLastError());
            CloseHandle(hPipe);
            continue;
        }

        client = malloc(sizeof(*client));
        if (client == NULL) {
            CloseHandle(hPipe);
            continue;
        }
        client->hPipe = hPipe;
        client->number = ++clients;
        _tprintf(_T("[server] client %d connected: starting its thread\n"),
                 client->number);
        fflush(stdout);
        hThread = CreateThread(NULL, 0, InstanceThread, client, 0, NULL);
        if (hThread == NULL) {
            _tprintf(_T("CreateThread failed (error %lu)\n"),
                     (unsigned long)GetLastError());
            return 1;
        }
        CloseHandle(hThread);
    }
}

static DWORD WINAPI InstanceThread(LPVOID lpParam)
{
    struct client *client = lpParam;
    HANDLE hPipe = client->hPipe;
    int number = client->number, requests = 0;
    TCHAR request[BUF_SIZE + 1];
    TCHAR reply[BUF_SIZE + 100];
    DWORD bytesRead, bytesWritten, err;

    free(client);
    for (;;) {
        if (!ReadFile(hPipe, request, BUF_SIZE * sizeof(TCHAR), &bytesRead,
                      NULL)) {
            err = GetLastError();
            if (err == ERROR_BROKEN_PIPE)
                _tprintf(_T("[client %d] ReadFile: ERROR_BROKEN_PIPE, the "
                            "client has gone\n"),
                         number);
            else
                _tprintf(_T("[client %d] ReadFile failed (error %lu)\n"),
                         number, (unsigned long)err);
            fflush(stdout);
            break;
        }
        request[bytesRead / sizeof(TCHAR)] = 0;
        requests++;
        _tprintf(_T("[client %d] request %d: \"%s\"\n"), number, requests,
                 request);
        fflush(stdout);

        _sntprintf(reply, BUF_SIZE + 99,
                   _T("reply %d to client %d: \"%s\" received"), requests,
                   number, request);
        reply[BUF_SIZE + 99] = 0;
        if (!WriteFile(hPipe, reply,
                       (DWORD)((_tcslen(reply) + 1) * sizeof(TCHAR)),
                       &bytesWritten, NULL)) {
            _tprintf(_T("[client %d] WriteFile failed (error %lu)\n"), number,
                     (unsigned long)GetLastError());
            break;
        }
    }

    FlushFileBuffers(hPipe);
    DisconnectNamedPipe(hPipe);
    CloseHandle(hPipe);
    _tprintf(_T("[client %d] FlushFileBuffers, DisconnectNamedPipe, "
                "CloseHandle: %d requests served, thread ends\n"),
             number, requests);
    fflush(stdout);
    return 0;
}
