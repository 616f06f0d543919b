/*
 * completion_port_api.c: I/O completion ports (core/io_port.c): creating
 * them and associating files, taking completion packets, posting them.
 */
#include "../core/apc.h"
#include "api.h"

static DWORD port_ref(HANDLE h, struct wipc_object **port)
{
    return wipc_handle_ref(h, &wipc_io_port_ops, 0, port, NULL);
}

API_FN(IO, HANDLE, CreateIoCompletionPort,
       (HANDLE FileHandle, HANDLE ExistingCompletionPort,
        ULONG_PTR CompletionKey, DWORD NumberOfConcurrentThreads),
       (FileHandle, ExistingCompletionPort, CompletionKey,
        NumberOfConcurrentThreads))
{
    struct wipc_object *port = NULL, *file = NULL;
    HANDLE h = ExistingCompletionPort;
    DWORD err = 0;

    if (FileHandle == INVALID_HANDLE_VALUE && ExistingCompletionPort)
        err = ERROR_INVALID_PARAMETER;
    else if (ExistingCompletionPort)
        err = port_ref(ExistingCompletionPort, &port);
    else
        err = wipc_io_port_create(NumberOfConcurrentThreads, &port);
    if (!err && FileHandle != INVALID_HANDLE_VALUE) {
        err = wipc_handle_ref(FileHandle, NULL, 0, &file, NULL);
        if (!err && !file->ops->read && !file->ops->write)
            err = ERROR_INVALID_PARAMETER; /* not a file */
        if (!err)
            err = wipc_io_associate(file, port, CompletionKey);
        wipc_object_release(file);
    }
    if (!err && !ExistingCompletionPort) {
        /* api_publish takes the creation reference. */
        err = api_publish(port, STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3u,
                          0, &h);
        port = NULL;
    }
    wipc_object_release(port);
    if (err) {
        SetLastError(err);
        return NULL;
    }
    return h;
}

/* Takes up to max packets: 0, WAIT_TIMEOUT, WAIT_IO_COMPLETION (the
 * thread's calls have run), or another error. */
static DWORD port_get(HANDLE h, struct wipc_io_packet *out, ULONG max,
                      ULONG *got, DWORD ms, BOOL alertable)
{
    struct wipc_object *port;
    DWORD err = port_ref(h, &port);
    if (err)
        return err;
    err = wipc_io_port_get(port, out, max, got, ms,
                           alertable ? wipc_apc_fd() : -1);
    wipc_object_release(port);
    if (err == WAIT_IO_COMPLETION)
        api_run_apcs();
    return err;
}

API_FN(IO, BOOL, GetQueuedCompletionStatus,
       (HANDLE CompletionPort, LPDWORD lpNumberOfBytes,
        PULONG_PTR lpCompletionKey, LPOVERLAPPED *lpOverlapped,
        DWORD dwMilliseconds),
       (CompletionPort, lpNumberOfBytes, lpCompletionKey, lpOverlapped,
        dwMilliseconds))
{
    struct wipc_io_packet p;
    ULONG got = 0;
    DWORD err;

    if (!lpNumberOfBytes || !lpCompletionKey || !lpOverlapped)
        return api_fail(ERROR_INVALID_PARAMETER);
    err = port_get(CompletionPort, &p, 1, &got, dwMilliseconds, FALSE);
    if (err) {
        *lpOverlapped = NULL; /* no packet was taken */
        return api_fail(err);
    }
    *lpNumberOfBytes = p.bytes;
    *lpCompletionKey = p.key;
    *lpOverlapped = p.ov;
    /* A packet of a failed operation: FALSE, with the OVERLAPPED set. */
    return api_result(wipc_io_error_of(p.status));
}

API_FN(IO, BOOL, GetQueuedCompletionStatusEx,
       (HANDLE CompletionPort, LPOVERLAPPED_ENTRY lpCompletionPortEntries,
        ULONG ulCount, PULONG ulNumEntriesRemoved, DWORD dwMilliseconds,
        BOOL fAlertable),
       (CompletionPort, lpCompletionPortEntries, ulCount, ulNumEntriesRemoved,
        dwMilliseconds, fAlertable))
{
    struct wipc_io_packet p[64];
    ULONG got = 0;
    DWORD err;

    if (!lpCompletionPortEntries || !ulNumEntriesRemoved || ulCount == 0)
        return api_fail(ERROR_INVALID_PARAMETER);
    *ulNumEntriesRemoved = 0;
    err = port_get(CompletionPort, p,
                   ulCount < sizeof p / sizeof p[0] ? ulCount
                                                    : sizeof p / sizeof p[0],
                   &got, dwMilliseconds, fAlertable);
    if (err)
        return api_fail(err);
    for (ULONG i = 0; i < got; i++) {
        lpCompletionPortEntries[i].lpCompletionKey = p[i].key;
        lpCompletionPortEntries[i].lpOverlapped = p[i].ov;
        lpCompletionPortEntries[i].Internal = p[i].status;
        lpCompletionPortEntries[i].dwNumberOfBytesTransferred = p[i].bytes;
    }
    *ulNumEntriesRemoved = got;
    return TRUE;
}

API_FN(IO, BOOL, PostQueuedCompletionStatus,
       (HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
        ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped),
       (CompletionPort, dwNumberOfBytesTransferred, dwCompletionKey,
        lpOverlapped))
{
    struct wipc_io_packet p = {dwCompletionKey, dwNumberOfBytesTransferred,
                               lpOverlapped, 0};
    struct wipc_object *port;
    DWORD err = port_ref(CompletionPort, &port);
    if (err)
        return api_fail(err);
    err = wipc_io_port_post(port, &p);
    wipc_object_release(port);
    return api_result(err);
}

API_FN(IO, BOOL, SetFileCompletionNotificationModes,
       (HANDLE FileHandle, UCHAR Flags),
       (FileHandle, Flags))
{
    struct wipc_object *obj;
    DWORD err;

    /* 4, FILE_SKIP_SET_USER_EVENT_ON_FAST_IO, is accepted and means
     * nothing here (no I/O takes a fast path that skips the event). */
    if (Flags & ~(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS |
                  FILE_SKIP_SET_EVENT_ON_HANDLE |
                  FILE_SKIP_SET_USER_EVENT_ON_FAST_IO))
        return api_fail(ERROR_INVALID_PARAMETER);
    err = wipc_handle_ref(FileHandle, NULL, 0, &obj, NULL);
    if (err)
        return api_fail(err);
    err = wipc_io_set_modes(obj, Flags);
    wipc_object_release(obj);
    return api_result(err);
}
