/*
 * completion_port: what a thread waiting in GetQueuedCompletionStatus sees
 * when the port's last handle is closed, and how NumberOfConcurrentThreads
 * holds packets back while a thread runs.
 *
 * Closing: a thread waits (5 s at most) on the port, the main thread closes
 * the port's only handle.  Whether the thread was already inside the call
 * cannot be seen from here, so a trial in which it came too late (its call
 * found the handle gone: ERROR_INVALID_HANDLE) is run again; the first
 * trial in which it was inside is printed.
 *
 * Concurrency: a port that lets 1 thread run, two threads waiting on it.
 * The thread that takes the first packet keeps running (it spins on a
 * flag, waiting for nothing); a second packet posted meanwhile is not taken
 * by the other thread; once the first thread calls again, it takes it
 * itself.  Every wait is bounded.
 */
#include <tchar.h>
#include <windows.h>

#include "conformance.h"

#define WAIT_MS 5000

struct waiter {
    HANDLE port;
    HANDLE entering;
    BOOL ok;
    DWORD err;
    OVERLAPPED *ov;
};

static DWORD WINAPI waiter_main(LPVOID arg)
{
    struct waiter *w = arg;
    DWORD n = 0;
    ULONG_PTR key = 0;
    w->ov = (OVERLAPPED *)1;
    SetEvent(w->entering);
    SetLastError(CONF_SENTINEL);
    w->ok = GetQueuedCompletionStatus(w->port, &n, &key, &w->ov, WAIT_MS);
    w->err = GetLastError();
    return 0;
}

/* One trial: 1 if the waiter was inside its call when the port's last
 * handle went (its result is then printed). */
static int close_trial(int attempt)
{
    struct waiter w;
    HANDLE t;

    w.port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    w.entering = CreateEventA(NULL, TRUE, FALSE, NULL);
    t = CreateThread(NULL, 0, waiter_main, &w, 0, NULL);
    WaitForSingleObject(w.entering, WAIT_MS);
    /* Time to enter the call; a trial it misses is run again. */
    Sleep(attempt < 5 ? 10 : 100);
    CloseHandle(w.port);
    WaitForSingleObject(t, WAIT_MS + 1000);
    CloseHandle(t);
    CloseHandle(w.entering);
    if (!w.ok && w.err == ERROR_INVALID_HANDLE)
        return 0; /* it came after the close */
    printf("waiting while the last handle is closed: %s, %s, OVERLAPPED %s\n",
           w.ok ? "TRUE" : "FALSE", conf_error(w.err),
           w.ov == NULL ? "NULL" : "set");
    return 1;
}

static struct {
    HANDLE port;
    volatile LONG release;
    volatile LONG who[4];
    HANDLE got[4];
} cc;

static DWORD WINAPI cc_worker(LPVOID arg)
{
    LONG me = (LONG)(ULONG_PTR)arg;
    for (;;) {
        DWORD n;
        ULONG_PTR key;
        OVERLAPPED *ov;
        if (!GetQueuedCompletionStatus(cc.port, &n, &key, &ov, WAIT_MS) ||
            key >= 4)
            return 1;
        cc.who[key] = me;
        SetEvent(cc.got[key]);
        if (key == 1)
            while (!cc.release) /* running: waiting for nothing */
                Sleep(0);
        if (key == 3)
            return 0;
    }
}

static void concurrency(void)
{
    HANDLE t[2];
    int i;

    cc.port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    for (i = 0; i < 4; i++)
        cc.got[i] = CreateEventA(NULL, TRUE, FALSE, NULL);
    for (i = 0; i < 2; i++)
        t[i] = CreateThread(NULL, 0, cc_worker, (LPVOID)(ULONG_PTR)(i + 1), 0,
                            NULL);
    PostQueuedCompletionStatus(cc.port, 0, 1, NULL);
    CHECK_WAIT("first packet taken", WaitForSingleObject(cc.got[1], WAIT_MS));
    PostQueuedCompletionStatus(cc.port, 0, 2, NULL);
    CHECK_WAIT("second packet while the first thread runs",
               WaitForSingleObject(cc.got[2], 300));
    cc.release = 1;
    CHECK_WAIT("second packet once it calls again",
               WaitForSingleObject(cc.got[2], WAIT_MS));
    CHECK_TRUE("taken by the thread that ran", cc.who[2] == cc.who[1]);
    for (i = 0; i < 2; i++)
        PostQueuedCompletionStatus(cc.port, 0, 3, NULL);
    for (i = 0; i < 2; i++) {
        WaitForSingleObject(t[i], WAIT_MS);
        CloseHandle(t[i]);
    }
    for (i = 0; i < 4; i++)
        CloseHandle(cc.got[i]);
    CloseHandle(cc.port);
}

int main(void)
{
    int attempt;

    SECTION("closing a port");
    for (attempt = 0; attempt < 50; attempt++)
        if (close_trial(attempt))
            break;
    if (attempt == 50)
        printf("waiting while the last handle is closed: never inside\n");

    SECTION("NumberOfConcurrentThreads 1");
    concurrency();
    CONF_DONE();
}
