/*
 * overlapped_api.c: starting operations on handles opened with
 * FILE_FLAG_OVERLAPPED, and what a program does with them afterwards:
 * GetOverlappedResult(Ex), CancelIo, CancelIoEx; and the calls queued to
 * a thread (APCs): QueueUserAPC, SleepEx, and running them.  The operations run in
 * the I/O engine (core/io.h; docs/overlapped.md).
 */
#include <limits.h>

#include "../core/apc.h"
#include "../core/wait.h"
#include "api.h"

/* ov's event without its low bit, which only tells Windows not to post
 * the completion to a completion port. */
static HANDLE ov_event(const OVERLAPPED *ov)
{
    return (HANDLE)((ULONG_PTR)ov->hEvent & ~(ULONG_PTR)1);
}

DWORD api_io_start(struct wipc_object *obj, enum wipc_io_kind kind, void *buf,
                   DWORD len, int64_t offset, OVERLAPPED *ov, DWORD *done)
{
    struct wipc_io io = {.kind = kind, .buf = buf, .len = len,
                         .offset = offset};
    return api_io_start_op(obj, &io, ov, done);
}

DWORD api_io_start_op(struct wipc_object *obj, const struct wipc_io *io,
                      OVERLAPPED *ov, DWORD *done)
{
    struct wipc_io_notify n = {ov, NULL, wipc_event_set, wipc_event_reset,
                               NULL, 0};
    HANDLE ev = ov_event(ov);

    *done = 0;
    if (ev) {
        DWORD err = wipc_handle_ref(ev, &wipc_event_ops, 0, &n.event, NULL);
        if (err)
            return err;
    }
    return wipc_io_start(obj, io, &n, done);
}

DWORD api_io_start_routine(struct wipc_object *obj, enum wipc_io_kind kind,
                           void *buf, DWORD len, int64_t offset,
                           OVERLAPPED *ov,
                           LPOVERLAPPED_COMPLETION_ROUTINE routine,
                           DWORD *done)
{
    struct wipc_io io = {.kind = kind, .buf = buf, .len = len,
                         .offset = offset};
    struct wipc_io_notify n = {ov, NULL, wipc_event_set, wipc_event_reset,
                               routine, wipc_plat_gettid()};
    return wipc_io_start(obj, &io, &n, done);
}

/* ov's event, set or reset (a handle that is not an event: nothing). */
static void ov_event_op(const OVERLAPPED *ov, DWORD (*op)(struct wipc_object *))
{
    struct wipc_object *ev;
    if (ov_event(ov) &&
        wipc_handle_ref(ov_event(ov), &wipc_event_ops, 0, &ev, NULL) == 0) {
        op(ev);
        wipc_object_release(ev);
    }
}

void api_overlapped_sync_begin(OVERLAPPED *ov)
{
    if (ov)
        ov_event_op(ov, wipc_event_reset);
}

void api_overlapped_sync_done(OVERLAPPED *ov, DWORD err, DWORD n)
{
    /* A failure leaves the OVERLAPPED saying STATUS_PENDING, with its
     * count, and the event reset: Windows writes the status block and
     * sets the event only for an operation that completed (Wine's
     * test_ReadFile, pipe.c 823-832). */
    if (!ov || (wipc_io_status_of(err) & 0xC0000000u) == 0xC0000000u)
        return;
    ov->InternalHigh = n;
    ov->Internal = wipc_io_status_of(err);
    ov_event_op(ov, wipc_event_set);
}

/*
 * Waits up to ms for ov's operation to complete: on its event, or on the
 * file itself without one.  A file is signalled by any of its operations'
 * completions, so its signal alone does not say that this one is over:
 * the status is looked at after each wake-up.
 */
static DWORD ov_wait(HANDLE file, const OVERLAPPED *ov, DWORD ms,
                     BOOL alertable)
{
    HANDLE h = ov_event(ov) ? ov_event(ov) : file;
    uint64_t deadline = wipc_plat_now_ms() + ms;
    DWORD delay = 1;
    struct wipc_object *fobj;

    /* Not alertable: this thread may drive the operation itself (an
     * alertable wait must also see its queued calls). */
    if (!alertable && wipc_handle_ref(file, NULL, 0, &fobj, NULL) == 0) {
        DWORD r = (fobj->flags & WIPC_OBJ_OVERLAPPED)
                      ? wipc_io_help(fobj, ov, ms)
                      : ERROR_NOT_FOUND;
        wipc_object_release(fobj);
        if (r == 0)
            return 0;
        if (r == WAIT_TIMEOUT)
            return WAIT_TIMEOUT;
    }

    for (;;) {
        struct wipc_object *obj;
        DWORD result, left, err = wipc_handle_ref(h, NULL, SYNCHRONIZE, &obj,
                                                  NULL);
        if (err)
            return err;
        if (ms == INFINITE) {
            left = INFINITE;
        } else {
            uint64_t now = wipc_plat_now_ms();
            left = now >= deadline ? 0 : (DWORD)(deadline - now);
        }
        err = wipc_wait_alertable(&obj, 1, FALSE, left,
                                  alertable ? wipc_apc_fd() : -1, &result);
        wipc_object_release(obj);
        if (err)
            return err;
        if (result == WAIT_IO_COMPLETION) {
            api_run_apcs();
            return WAIT_IO_COMPLETION;
        }
        if (__atomic_load_n(&ov->Internal, __ATOMIC_ACQUIRE) !=
            WIPC_STATUS_PENDING)
            return 0;
        if (result == WAIT_TIMEOUT)
            return WAIT_TIMEOUT;
        /* Signalled, but by another operation: the event stays set. */
        wipc_plat_sleep_ms(delay);
        if (delay < 16)
            delay *= 2;
    }
}

API_FN(IO, BOOL, GetOverlappedResultEx,
       (HANDLE hFile, LPOVERLAPPED lpOverlapped,
        LPDWORD lpNumberOfBytesTransferred, DWORD dwMilliseconds,
        BOOL bAlertable),
       (hFile, lpOverlapped, lpNumberOfBytesTransferred, dwMilliseconds,
        bAlertable))
{
    ULONG_PTR status;
    DWORD err;

    if (!lpOverlapped || !lpNumberOfBytesTransferred)
        return api_fail(ERROR_INVALID_PARAMETER);
    status = __atomic_load_n(&lpOverlapped->Internal, __ATOMIC_ACQUIRE);
    if (status == WIPC_STATUS_PENDING) {
        if (dwMilliseconds == 0)
            return api_fail(ERROR_IO_INCOMPLETE);
        err = ov_wait(hFile, lpOverlapped, dwMilliseconds, bAlertable);
        if (err)
            return api_fail(err);
        status = __atomic_load_n(&lpOverlapped->Internal, __ATOMIC_ACQUIRE);
    }
    *lpNumberOfBytesTransferred = (DWORD)lpOverlapped->InternalHigh;
    err = wipc_io_error_of(status);
    return api_result(err);
}

API_FN(IO, BOOL, GetOverlappedResult,
       (HANDLE hFile, LPOVERLAPPED lpOverlapped,
        LPDWORD lpNumberOfBytesTransferred, BOOL bWait),
       (hFile, lpOverlapped, lpNumberOfBytesTransferred, bWait))
{
    return GetOverlappedResultEx(hFile, lpOverlapped,
                                 lpNumberOfBytesTransferred,
                                 bWait ? INFINITE : 0, FALSE);
}

/* The object of a handle whose operations may be cancelled. */
static DWORD ov_ref(HANDLE h, struct wipc_object **obj)
{
    return wipc_handle_ref(h, NULL, 0, obj, NULL);
}

API_FN(IO, BOOL, CancelIoEx,
       (HANDLE hFile, LPOVERLAPPED lpOverlapped),
       (hFile, lpOverlapped))
{
    struct wipc_object *obj;
    DWORD err = ov_ref(hFile, &obj);
    if (err)
        return api_fail(err);
    err = wipc_io_cancel(obj, lpOverlapped, 0);
    wipc_object_release(obj);
    return api_result(err);
}

API_FN(IO, BOOL, CancelIo, (HANDLE hFile), (hFile))
{
    struct wipc_object *obj;
    DWORD err = ov_ref(hFile, &obj);
    if (err)
        return api_fail(err);
    /* The calling thread's operations; none is not an error here. */
    wipc_io_cancel(obj, NULL, 1);
    wipc_object_release(obj);
    return TRUE;
}

/* ---- Asynchronous procedure calls (core/apc.h) --------------------------- */

void api_run_apcs(void) { wipc_apc_run(); }

static void apc_call_user(ULONG_PTR fn, ULONG_PTR data, ULONG_PTR unused1,
                          ULONG_PTR unused2)
{
    (void)unused1;
    (void)unused2;
    ((PAPCFUNC)fn)(data);
}

API_FN(IO, DWORD, QueueUserAPC,
       (PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData),
       (pfnAPC, hThread, dwData))
{
    struct wipc_object *obj;
    DWORD tid, err;

    if (!pfnAPC)
        return api_fail(ERROR_INVALID_PARAMETER);
    err = wipc_handle_ref(hThread, &wipc_thread_ops, THREAD_SET_CONTEXT, &obj,
                          NULL);
    if (err)
        return api_fail(err);
    tid = wipc_thread_id(obj);
    /* Only threads of this process: a child's primary thread is not. */
    if (!wipc_thread_is_local(obj))
        err = ERROR_INVALID_PARAMETER;
    else if (wipc_thread_exit_code(obj) != STILL_ACTIVE)
        err = ERROR_GEN_FAILURE; /* the thread is gone: nothing would run */
    wipc_object_release(obj);
    if (!err)
        err = wipc_apc_queue(tid, apc_call_user, (ULONG_PTR)pfnAPC, dwData, 0,
                             0);
    return api_result(err);
}

API_FN(WAIT, DWORD, SleepEx,
       (DWORD dwMilliseconds, BOOL bAlertable),
       (dwMilliseconds, bAlertable))
{
    int fd = bAlertable ? wipc_apc_fd() : -1, ready = 0, n = 0;

    if (fd < 0) {
        wipc_plat_sleep_ms(dwMilliseconds);
        return 0;
    }
    if (wipc_plat_poll_readable(&fd, &ready, 1,
                                dwMilliseconds == INFINITE
                                    ? -1
                                    : (dwMilliseconds > INT_MAX
                                           ? INT_MAX
                                           : (int)dwMilliseconds),
                                &n) == 0 &&
        n > 0) {
        wipc_apc_run();
        return WAIT_IO_COMPLETION;
    }
    return 0;
}

API_FN(IO, BOOL, CancelSynchronousIo, (HANDLE hThread), (hThread))
{
    struct wipc_object *obj;
    DWORD tid, err = wipc_handle_ref(hThread, &wipc_thread_ops,
                                     THREAD_TERMINATE, &obj, NULL);
    if (err)
        return api_fail(err);
    tid = wipc_thread_id(obj);
    err = wipc_thread_is_local(obj) ? 0 : ERROR_NOT_FOUND;
    wipc_object_release(obj);
    if (!err)
        err = wipc_plat_sync_io_cancel(tid);
    return api_result(err);
}
