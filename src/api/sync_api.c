/*
 * sync_api.c: events and the wait functions.
 */
#include "../core/apc.h"
#include "../core/wait.h"
#include "../objects/sync.h"
#include "api.h"

API_FN(SYNC, HANDLE, CreateEventA,
       (LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
        BOOL bInitialState, LPCSTR lpName),
       (lpEventAttributes, bManualReset, bInitialState, lpName))
{
    API_A_NAME_CHECK(lpName);
    struct wipc_sync_params p = {.kind = WIPC_SYNC_EVENT,
                                 .manual_reset = bManualReset,
                                 .initial_state = bInitialState,
                                 .is_public =
                                     api_sa_is_public(lpEventAttributes)};
    struct wipc_object *obj;
    HANDLE h;
    int existed = 0;
    DWORD err;

    /* A named one may exist already (objects/sync.h): then the
     * arguments are ignored and the last error is ERROR_ALREADY_EXISTS. */
    if (lpName && *lpName)
        err = wipc_sync_name_get(lpName, WIPC_SYNC_EVENT, &p, &obj, &existed);
    else
        err = wipc_event_create(bManualReset, bInitialState, &obj);
    if (!err)
        err = api_publish(obj, EVENT_ALL_ACCESS,
                          api_inherit_flag(lpEventAttributes), &h);
    if (err) {
        SetLastError(err);
        return NULL;
    }
    SetLastError(existed ? ERROR_ALREADY_EXISTS : NO_ERROR);
    return h;
}

static BOOL event_op(HANDLE h, DWORD (*op)(struct wipc_object *))
{
    struct wipc_object *obj;
    int held;
    DWORD err = api_peek(h, &wipc_event_ops, EVENT_MODIFY_STATE, &obj, &held);
    if (err)
        return api_fail(err);
    err = op(obj);
    api_let_go(obj, held);
    return api_result(err);
}

API_FN(SYNC, BOOL, SetEvent, (HANDLE hEvent), (hEvent))
{
    return event_op(hEvent, wipc_event_set);
}

API_FN(SYNC, BOOL, ResetEvent, (HANDLE hEvent), (hEvent))
{
    return event_op(hEvent, wipc_event_reset);
}

API_FN(SYNC, BOOL, PulseEvent, (HANDLE hEvent), (hEvent))
{
    return event_op(hEvent, wipc_event_pulse);
}

/*
 * The wait that needs no system call: the objects looked up without a
 * reference, one at a time, and tried in order (try_now, core/object.h).
 * 1 with *result if one was taken; 0 when an object cannot tell without a
 * system call, or none is signalled, or a handle is not simply valid: the
 * full wait then looks again (and reports any error).
 */
static int sync_wait_now(DWORD n, const HANDLE *h, BOOL all, DWORD *result)
{
    struct wipc_object *objs[MAXIMUM_WAIT_OBJECTS];
    DWORD i, k;
    int r = 0;

    if (all && n != 1)
        return 0;
    /* Every handle is checked before any object is taken. */
    for (k = 0; k < n; k++)
        if (wipc_handle_peek(h[k], NULL, SYNCHRONIZE, (int)k, &objs[k]) ||
            !objs[k]->ops->try_now ||
            (objs[k]->flags & WIPC_OBJ_OVERLAPPED))
            break;
    for (i = 0; k == n && i < n; i++) {
        r = objs[i]->ops->try_now(objs[i]);
        if (r > 0)
            wipc_object_signal_observe(objs[i]);
        if (r)
            break;
    }
    for (DWORD j = 0; j <= k && j < n; j++)
        wipc_handle_unpeek((int)j); /* k's too: it may hold one */
    if (k < n || r <= 0)
        return 0;
    *result = (r == 2 ? WAIT_ABANDONED_0 : WAIT_OBJECT_0) + i;
    return 1;
}

/* The wait functions; alertable: calls queued to the thread end the wait
 * (WAIT_IO_COMPLETION), and run before it returns. */
static DWORD sync_wait(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                       DWORD dwMilliseconds, BOOL alertable, BOOL multiple)
{
    struct wipc_object *objs[MAXIMUM_WAIT_OBJECTS];
    DWORD i, n = 0, result = WAIT_FAILED, err = 0;

    if (nCount == 0 || nCount > MAXIMUM_WAIT_OBJECTS) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return WAIT_FAILED;
    }
    if (!lpHandles) {
        SetLastError(ERROR_NOACCESS);
        return WAIT_FAILED;
    }
    /* "In contrast to WaitForSingleObject, pseudo handles are not allowed
     * in WaitForMultipleObjects" (Wine's sync.c:1741-1754, which Wine
     * itself fails). */
    for (i = 0; multiple && i < nCount; i++)
        if (wipc_handle_is_pseudo(lpHandles[i])) {
            SetLastError(ERROR_INVALID_HANDLE);
            return WAIT_FAILED;
        }
    if (sync_wait_now(nCount, lpHandles, bWaitAll, &result))
        return result;
    for (n = 0; n < nCount && !err; n++) {
        err = wipc_handle_ref(lpHandles[n], NULL, SYNCHRONIZE, &objs[n],
                              NULL);
        if (!err && !objs[n]->ops->signal_fd) {
            wipc_object_release(objs[n]);
            err = ERROR_INVALID_HANDLE;
        }
    }
    if (err)
        n--; /* objs[n - 1] was not taken */
    else
        err = wipc_wait_alertable(objs, nCount, bWaitAll, dwMilliseconds,
                                  alertable ? wipc_apc_fd() : -1, &result);
    for (i = 0; i < n; i++)
        wipc_object_release(objs[i]);
    if (err) {
        SetLastError(err);
        return WAIT_FAILED;
    }
    if (result == WAIT_IO_COMPLETION)
        api_run_apcs();
    return result;
}

API_FN(SYNC, DWORD, WaitForMultipleObjects,
       (DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
        DWORD dwMilliseconds),
       (nCount, lpHandles, bWaitAll, dwMilliseconds))
{
    return sync_wait(nCount, lpHandles, bWaitAll, dwMilliseconds, FALSE, TRUE);
}

API_FN(SYNC, DWORD, WaitForMultipleObjectsEx,
       (DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
        DWORD dwMilliseconds, BOOL bAlertable),
       (nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable))
{
    return sync_wait(nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable,
                     TRUE);
}

API_FN(SYNC, DWORD, WaitForSingleObject,
       (HANDLE hHandle, DWORD dwMilliseconds),
       (hHandle, dwMilliseconds))
{
    return sync_wait(1, &hHandle, FALSE, dwMilliseconds, FALSE, FALSE);
}

API_FN(SYNC, DWORD, WaitForSingleObjectEx,
       (HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable),
       (hHandle, dwMilliseconds, bAlertable))
{
    return sync_wait(1, &hHandle, FALSE, dwMilliseconds, bAlertable, FALSE);
}
