/*
 * overlapped_pipe_server.c (with overlapped_pipe_client.c)
 *
 * A named pipe server that serves several clients from ONE thread with
 * overlapped I/O, in the manner of Microsoft's sample "Named Pipe Server
 * Using Overlapped I/O".  It creates INSTANCES instances of
 * \\.\pipe\overlapped_pipe with FILE_FLAG_OVERLAPPED, each with its own
 * OVERLAPPED and its own manual-reset event, and then loops on
 * WaitForMultipleObjects over the events.  Each instance is a small state
 * machine:
 *
 *   CONNECTING  ConnectNamedPipe(hPipe, &oOverlap) returned FALSE with
 *               ERROR_IO_PENDING (a client will come) or
 *               ERROR_PIPE_CONNECTED (one came already: the event is set
 *               by hand);
 *   READING     ReadFile(..., &oOverlap) for the client's request;
 *   WRITING     WriteFile(..., &oOverlap) of the reply.
 *
 * An operation that completes at once still sets its event (Windows sets
 * it), so the loop comes back to that instance and moves it on; one that
 * pends is finished with GetOverlappedResult when its event is signalled.
 * When the client leaves (ReadFile ends with ERROR_BROKEN_PIPE), the
 * instance is disconnected (DisconnectNamedPipe) and listens again
 * (ConnectNamedPipe) for the next client.  With more clients than
 * instances, the extra clients wait in WaitNamedPipe until an instance is
 * free again.
 *
 * Unlike Microsoft's sample, which runs forever, this server ends once it
 * has served the number of clients given on its command line (default 5),
 * and gives up after 20 s without any activity.
 *
 * Usage: overlapped_pipe_server [CLIENTS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <tchar.h>
#include <windows.h>

#define PIPE_NAME _T("\\\\.\\pipe\\overlapped_pipe")
#define INSTANCES 3
#define BUFSIZE 512
#define REPLYSIZE (BUFSIZE + 32) /* a request and a few words */
#define IDLE_TIMEOUT 20000

enum { CONNECTING_STATE, READING_STATE, WRITING_STATE };

typedef struct {
    OVERLAPPED oOverlap;
    HANDLE hPipeInst;
    TCHAR chRequest[BUFSIZE];
    DWORD cbRead;
    TCHAR chReply[REPLYSIZE];
    DWORD cbToWrite;
    DWORD dwState;
    BOOL fPendingIO;
} PIPEINST, *LPPIPEINST;

static PIPEINST Pipe[INSTANCES];
static HANDLE hEvents[INSTANCES];
static int clientsServed;

static BOOL ConnectToNewClient(HANDLE hPipe, LPOVERLAPPED lpo);
static void DisconnectAndReconnect(DWORD i);
static void GetAnswerToRequest(DWORD i);

int _tmain(int argc, TCHAR *argv[])
{
    DWORD i, dwWait, cbRet, dwErr;
    BOOL fSuccess;
    int clientsWanted = 5;

    if (argc > 1)
        clientsWanted = _ttoi(argv[1]);
    if (clientsWanted < 1) {
        _tprintf(_T("usage: overlapped_pipe_server [CLIENTS]\n"));
        return 2;
    }

    /* One instance, one event, one OVERLAPPED each; every instance starts
     * listening for a client. */
    for (i = 0; i < INSTANCES; i++) {
        hEvents[i] = CreateEvent(NULL,  /* default security attributes */
                                 TRUE,  /* manual-reset event */
                                 TRUE,  /* initial state = signaled */
                                 NULL); /* unnamed event object */
        if (hEvents[i] == NULL) {
            _tprintf(_T("CreateEvent failed with %lu.\n"),
                     (unsigned long)GetLastError());
            return 1;
        }
        ZeroMemory(&Pipe[i].oOverlap, sizeof(Pipe[i].oOverlap));
        Pipe[i].oOverlap.hEvent = hEvents[i];

        Pipe[i].hPipeInst = CreateNamedPipe(
            PIPE_NAME,
            PIPE_ACCESS_DUPLEX |     /* read/write access */
                FILE_FLAG_OVERLAPPED, /* overlapped mode */
            PIPE_TYPE_MESSAGE |       /* message-type pipe */
                PIPE_READMODE_MESSAGE | /* message-read mode */
                PIPE_WAIT,              /* blocking mode */
            INSTANCES,                  /* number of instances */
            BUFSIZE * sizeof(TCHAR),    /* output buffer size */
            BUFSIZE * sizeof(TCHAR),    /* input buffer size */
            5000,                       /* client time-out */
            NULL);                      /* default security attributes */
        if (Pipe[i].hPipeInst == INVALID_HANDLE_VALUE) {
            _tprintf(_T("CreateNamedPipe failed with %lu.\n"),
                     (unsigned long)GetLastError());
            return 1;
        }

        Pipe[i].fPendingIO = ConnectToNewClient(Pipe[i].hPipeInst,
                                                &Pipe[i].oOverlap);
        Pipe[i].dwState = Pipe[i].fPendingIO ? CONNECTING_STATE
                                             : READING_STATE;
    }
    _tprintf(_T("[server] %d instances of %s waiting for clients; ")
             _T("serving %d clients\n"),
             INSTANCES, PIPE_NAME, clientsWanted);
    fflush(stdout);

    while (clientsServed < clientsWanted) {
        /* Wait for an instance's event: an overlapped read, write or
         * connect has completed (or an operation was done at once). */
        dwWait = WaitForMultipleObjects(INSTANCES, hEvents, FALSE,
                                        IDLE_TIMEOUT);
        if (dwWait == WAIT_TIMEOUT) {
            _tprintf(_T("[server] nothing happened for %d s: giving up\n"),
                     IDLE_TIMEOUT / 1000);
            return 1;
        }
        i = dwWait - WAIT_OBJECT_0;
        if (i >= INSTANCES) {
            _tprintf(_T("WaitForMultipleObjects failed with %lu.\n"),
                     (unsigned long)GetLastError());
            return 1;
        }

        /* Finish the operation that was pending. */
        if (Pipe[i].fPendingIO) {
            fSuccess = GetOverlappedResult(Pipe[i].hPipeInst,
                                           &Pipe[i].oOverlap, &cbRet, FALSE);
            switch (Pipe[i].dwState) {
            case CONNECTING_STATE:
                if (!fSuccess) {
                    _tprintf(_T("ConnectNamedPipe failed with %lu.\n"),
                             (unsigned long)GetLastError());
                    return 1;
                }
                _tprintf(_T("[instance %lu] a client connected\n"),
                         (unsigned long)i);
                Pipe[i].dwState = READING_STATE;
                break;

            case READING_STATE:
                if (!fSuccess || cbRet == 0) {
                    DisconnectAndReconnect(i);
                    continue;
                }
                Pipe[i].cbRead = cbRet;
                Pipe[i].dwState = WRITING_STATE;
                break;

            case WRITING_STATE:
                if (!fSuccess || cbRet != Pipe[i].cbToWrite) {
                    DisconnectAndReconnect(i);
                    continue;
                }
                Pipe[i].dwState = READING_STATE;
                break;

            default:
                _tprintf(_T("Invalid pipe state.\n"));
                return 1;
            }
        }

        /* Start the next operation of this instance. */
        switch (Pipe[i].dwState) {
        case READING_STATE:
            fSuccess = ReadFile(Pipe[i].hPipeInst, Pipe[i].chRequest,
                                (BUFSIZE - 1) * sizeof(TCHAR),
                                &Pipe[i].cbRead, &Pipe[i].oOverlap);
            /* Done at once: the event is set, the loop comes back. */
            if (fSuccess && Pipe[i].cbRead != 0) {
                Pipe[i].fPendingIO = FALSE;
                Pipe[i].dwState = WRITING_STATE;
                continue;
            }
            /* Pending: GetOverlappedResult finishes it later. */
            dwErr = GetLastError();
            if (!fSuccess && dwErr == ERROR_IO_PENDING) {
                Pipe[i].fPendingIO = TRUE;
                continue;
            }
            /* An error (ERROR_BROKEN_PIPE: the client has gone). */
            DisconnectAndReconnect(i);
            break;

        case WRITING_STATE:
            GetAnswerToRequest(i);
            fSuccess = WriteFile(Pipe[i].hPipeInst, Pipe[i].chReply,
                                 Pipe[i].cbToWrite, &cbRet,
                                 &Pipe[i].oOverlap);
            if (fSuccess && cbRet == Pipe[i].cbToWrite) {
                Pipe[i].fPendingIO = FALSE;
                Pipe[i].dwState = READING_STATE;
                continue;
            }
            dwErr = GetLastError();
            if (!fSuccess && dwErr == ERROR_IO_PENDING) {
                Pipe[i].fPendingIO = TRUE;
                continue;
            }
            DisconnectAndReconnect(i);
            break;

        default:
            _tprintf(_T("Invalid pipe state.\n"));
            return 1;
        }
    }

    _tprintf(_T("[server] served %d clients: exiting\n"), clientsServed);
    for (i = 0; i < INSTANCES; i++) {
        CloseHandle(Pipe[i].hPipeInst);
        CloseHandle(hEvents[i]);
    }
    return 0;
}

/* The client of instance i has gone (or failed): end the connection and
 * listen for the next client on the same instance. */
static void DisconnectAndReconnect(DWORD i)
{
    clientsServed++;
    _tprintf(_T("[instance %lu] the client has gone (error %lu): ")
             _T("DisconnectNamedPipe, ConnectNamedPipe again ")
             _T("(%d clients served)\n"),
             (unsigned long)i, (unsigned long)GetLastError(), clientsServed);
    if (!DisconnectNamedPipe(Pipe[i].hPipeInst))
        _tprintf(_T("DisconnectNamedPipe failed with %lu.\n"),
                 (unsigned long)GetLastError());

    Pipe[i].fPendingIO = ConnectToNewClient(Pipe[i].hPipeInst,
                                            &Pipe[i].oOverlap);
    Pipe[i].dwState = Pipe[i].fPendingIO ? CONNECTING_STATE : READING_STATE;
}

/* Starts an overlapped ConnectNamedPipe; TRUE if it pends. */
static BOOL ConnectToNewClient(HANDLE hPipe, LPOVERLAPPED lpo)
{
    BOOL fConnected, fPendingIO = FALSE;

    /* An overlapped ConnectNamedPipe returns FALSE. */
    fConnected = ConnectNamedPipe(hPipe, lpo);
    if (fConnected) {
        _tprintf(_T("ConnectNamedPipe failed with %lu.\n"),
                 (unsigned long)GetLastError());
        return FALSE;
    }

    switch (GetLastError()) {
    case ERROR_IO_PENDING:
        /* The connection is in progress. */
        fPendingIO = TRUE;
        break;

    case ERROR_PIPE_CONNECTED:
        /* A client came between CreateNamedPipe (or
         * DisconnectNamedPipe) and ConnectNamedPipe: signal the event. */
        if (SetEvent(lpo->hEvent))
            break;
        /* fall through */

    default:
        _tprintf(_T("ConnectNamedPipe failed with %lu.\n"),
                 (unsigned long)GetLastError());
        break;
    }
    return fPendingIO;
}

/* Prints the request of instance i and makes its reply. */
static void GetAnswerToRequest(DWORD i)
{
    TCHAR reply[REPLYSIZE];

    Pipe[i].chRequest[Pipe[i].cbRead / sizeof(TCHAR)] = 0;
    _tprintf(_T("[instance %lu] request: \"%s\"\n"), (unsigned long)i,
             Pipe[i].chRequest);
    _sntprintf(reply, REPLYSIZE - 1, _T("instance %lu received: %s"),
               (unsigned long)i, Pipe[i].chRequest);
    reply[REPLYSIZE - 1] = 0;
    CopyMemory(Pipe[i].chReply, reply, sizeof(reply));
    Pipe[i].cbToWrite = (DWORD)((_tcslen(reply) + 1) * sizeof(TCHAR));
}
