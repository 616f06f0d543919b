/*
 * sync_object_api.c: mutexes, semaphores, waitable timers, and opening
 * events, mutexes, semaphores and timers by name (objects/sync.h).  Named CreateEventA is in
 * sync_api.c, through the same wipc_sync_name_get.
 */
#include "../objects/sync.h"
#include "api.h"

/* Create*: a named object (new or existing), or an unnamed one from make.
 * Sets the last error as Windows does: ERROR_ALREADY_EXISTS when the name
 * was taken by an object of the same type, else 0. */
static HANDLE sync_create(const struct wipc_sync_params *p, LPCSTR name,
                          const SECURITY_ATTRIBUTES *sa, ACCESS_MASK access,
                          DWORD (*make)(const struct wipc_sync_params *,
                                        struct wipc_object **))
{
    struct wipc_sync_params named = *p;
    struct wipc_object *obj;
    HANDLE h;
    int existed = 0;
    DWORD err;

    /* A NULL DACL makes the name every user's (objects/sync_name.c). */
    named.is_public = api_sa_is_public(sa);
    if (name && *name)
        err = wipc_sync_name_get(name, p->kind, &named, &obj, &existed);
    else
        err = make(p, &obj);
    if (!err)
        err = api_publish(obj, access, api_inherit_flag(sa), &h);
    if (err) {
        SetLastError(err);
        return NULL;
    }
    SetLastError(existed ? ERROR_ALREADY_EXISTS : NO_ERROR);
    return h;
}

/* Open*: the object of that name if it lives.  The last error is left
 * alone on success, as Windows does. */
static HANDLE sync_open(enum wipc_sync_kind kind,
                        const struct wipc_object_ops *ops, DWORD access,
                        BOOL inherit, LPCSTR name)
{
    struct wipc_object *obj;
    ACCESS_MASK granted = 0;
    HANDLE h;
    DWORD err;

    if (!name) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (!*name) { /* Windows: the root of the object namespace */
        SetLastError(ERROR_INVALID_HANDLE);
        return NULL;
    }
    /* A missing name first, then the access (Wine's sync.c:257-268). */
    err = wipc_sync_name_get(name, kind, NULL, &obj, NULL);
    if (!err && (err = api_open_access(ops, access, 0, &granted)) != 0)
        wipc_object_release(obj);
    if (!err)
        err = api_publish(obj, granted, inherit ? HANDLE_FLAG_INHERIT : 0,
                          &h);
    if (err) {
        SetLastError(err);
        return NULL;
    }
    return h;
}

static DWORD make_mutex(const struct wipc_sync_params *p,
                        struct wipc_object **out)
{
    return wipc_mutex_create(p->initial_owner, out);
}

static DWORD make_semaphore(const struct wipc_sync_params *p,
                            struct wipc_object **out)
{
    return wipc_semaphore_create(p->initial, p->maximum, out);
}

API_FN(SYNC, HANDLE, CreateMutexA,
       (LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner,
        LPCSTR lpName),
       (lpMutexAttributes, bInitialOwner, lpName))
{
    API_A_NAME_CHECK(lpName);
    struct wipc_sync_params p = {.kind = WIPC_SYNC_MUTEX,
                                 .initial_owner = bInitialOwner};
    return sync_create(&p, lpName, lpMutexAttributes, MUTEX_ALL_ACCESS,
                       make_mutex);
}

API_FN(SYNC, HANDLE, OpenMutexA,
       (DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName),
       (dwDesiredAccess, bInheritHandle, lpName))
{
    API_A_NAME_CHECK(lpName);
    return sync_open(WIPC_SYNC_MUTEX, &wipc_mutex_ops, dwDesiredAccess,
                     bInheritHandle, lpName);
}

API_FN(SYNC, BOOL, ReleaseMutex, (HANDLE hMutex), (hMutex))
{
    struct wipc_object *obj;
    int held;
    /* No right is needed (SYNCHRONIZE is for waiting), as Windows. */
    DWORD err = api_peek(hMutex, &wipc_mutex_ops, 0, &obj, &held);
    if (err)
        return api_fail(err);
    err = wipc_mutex_release(obj);
    api_let_go(obj, held);
    return api_result(err);
}

API_FN(SYNC, HANDLE, CreateSemaphoreA,
       (LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
        LONG lMaximumCount, LPCSTR lpName),
       (lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName))
{
    API_A_NAME_CHECK(lpName);
    struct wipc_sync_params p = {.kind = WIPC_SYNC_SEMAPHORE,
                                 .initial = lInitialCount,
                                 .maximum = lMaximumCount};
    /* Windows: a maximum below 1, or a count outside 0..maximum. */
    if (lMaximumCount <= 0 || lInitialCount < 0 ||
        lInitialCount > lMaximumCount) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    return sync_create(&p, lpName, lpSemaphoreAttributes,
                       SEMAPHORE_ALL_ACCESS, make_semaphore);
}

API_FN(SYNC, HANDLE, OpenSemaphoreA,
       (DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName),
       (dwDesiredAccess, bInheritHandle, lpName))
{
    API_A_NAME_CHECK(lpName);
    return sync_open(WIPC_SYNC_SEMAPHORE, &wipc_semaphore_ops,
                     dwDesiredAccess, bInheritHandle, lpName);
}

API_FN(SYNC, BOOL, ReleaseSemaphore,
       (HANDLE hSemaphore, LONG lReleaseCount, LPLONG lpPreviousCount),
       (hSemaphore, lReleaseCount, lpPreviousCount))
{
    struct wipc_object *obj;
    DWORD err = wipc_handle_ref(hSemaphore, &wipc_semaphore_ops,
                                SEMAPHORE_MODIFY_STATE, &obj, NULL);
    if (err)
        return api_fail(err);
    err = wipc_semaphore_release(obj, lReleaseCount, lpPreviousCount);
    wipc_object_release(obj);
    return api_result(err);
}

API_FN(SYNC, HANDLE, OpenEventA,
       (DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName),
       (dwDesiredAccess, bInheritHandle, lpName))
{
    API_A_NAME_CHECK(lpName);
    return sync_open(WIPC_SYNC_EVENT, &wipc_event_ops, dwDesiredAccess,
                     bInheritHandle, lpName);
}

static DWORD make_timer(const struct wipc_sync_params *p,
                        struct wipc_object **out)
{
    return wipc_timer_create(p->manual_reset, out);
}

API_FN(SYNC, HANDLE, CreateWaitableTimerA,
       (LPSECURITY_ATTRIBUTES lpTimerAttributes, BOOL bManualReset,
        LPCSTR lpTimerName),
       (lpTimerAttributes, bManualReset, lpTimerName))
{
    API_A_NAME_CHECK(lpTimerName);
    struct wipc_sync_params p = {.kind = WIPC_SYNC_TIMER,
                                 .manual_reset = bManualReset};
    return sync_create(&p, lpTimerName, lpTimerAttributes, TIMER_ALL_ACCESS,
                       make_timer);
}

API_FN(SYNC, HANDLE, OpenWaitableTimerA,
       (DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpTimerName),
       (dwDesiredAccess, bInheritHandle, lpTimerName))
{
    API_A_NAME_CHECK(lpTimerName);
    return sync_open(WIPC_SYNC_TIMER, &wipc_timer_ops, dwDesiredAccess,
                     bInheritHandle, lpTimerName);
}

API_FN(SYNC, BOOL, SetWaitableTimer,
       (HANDLE hTimer, const LARGE_INTEGER *lpDueTime, LONG lPeriod,
        PTIMERAPCROUTINE pfnCompletionRoutine, LPVOID lpArgToCompletionRoutine,
        BOOL fResume),
       (hTimer, lpDueTime, lPeriod, pfnCompletionRoutine,
        lpArgToCompletionRoutine, fResume))
{
    struct wipc_object *obj;
    DWORD err;

    if (!lpDueTime)
        return api_fail(ERROR_NOACCESS);
    if (lPeriod < 0)
        return api_fail(ERROR_INVALID_PARAMETER);
    err = wipc_handle_ref(hTimer, &wipc_timer_ops, TIMER_MODIFY_STATE, &obj,
                          NULL);
    if (err)
        return api_fail(err);
    err = wipc_timer_set(obj, lpDueTime->QuadPart, lPeriod,
                         pfnCompletionRoutine, lpArgToCompletionRoutine);
    wipc_object_release(obj);
    if (err)
        return api_fail(err);
    /* No power management to wake the system: Windows succeeds and says
     * ERROR_NOT_SUPPORTED. */
    if (fResume)
        SetLastError(ERROR_NOT_SUPPORTED);
    return TRUE;
}

API_FN(SYNC, BOOL, CancelWaitableTimer, (HANDLE hTimer), (hTimer))
{
    struct wipc_object *obj;
    DWORD err = wipc_handle_ref(hTimer, &wipc_timer_ops, TIMER_MODIFY_STATE,
                                &obj, NULL);
    if (err)
        return api_fail(err);
    err = wipc_timer_cancel(obj);
    wipc_object_release(obj);
    return api_result(err);
}

/* ---- The Ex forms: flags, and the access of the new handle ---------------- */

static DWORD make_event(const struct wipc_sync_params *p,
                        struct wipc_object **out)
{
    return wipc_event_create(p->manual_reset, p->initial_state, out);
}

API_FN(SYNC, HANDLE, CreateEventExA,
       (LPSECURITY_ATTRIBUTES lpEventAttributes, LPCSTR lpName, DWORD dwFlags,
        DWORD dwDesiredAccess),
       (lpEventAttributes, lpName, dwFlags, dwDesiredAccess))
{
    API_A_NAME_CHECK(lpName);
    struct wipc_sync_params p = {
        .kind = WIPC_SYNC_EVENT,
        .manual_reset = (dwFlags & CREATE_EVENT_MANUAL_RESET) != 0,
        .initial_state = (dwFlags & CREATE_EVENT_INITIAL_SET) != 0};
    if (dwFlags & ~(CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    return sync_create(&p, lpName, lpEventAttributes,
                       wipc_object_map_access(&wipc_event_ops,
                                              dwDesiredAccess),
                       make_event);
}

API_FN(SYNC, HANDLE, CreateMutexExA,
       (LPSECURITY_ATTRIBUTES lpMutexAttributes, LPCSTR lpName, DWORD dwFlags,
        DWORD dwDesiredAccess),
       (lpMutexAttributes, lpName, dwFlags, dwDesiredAccess))
{
    API_A_NAME_CHECK(lpName);
    struct wipc_sync_params p = {
        .kind = WIPC_SYNC_MUTEX,
        .initial_owner = (dwFlags & CREATE_MUTEX_INITIAL_OWNER) != 0};
    if (dwFlags & ~CREATE_MUTEX_INITIAL_OWNER) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    return sync_create(&p, lpName, lpMutexAttributes,
                       wipc_object_map_access(&wipc_mutex_ops,
                                              dwDesiredAccess),
                       make_mutex);
}

API_FN(SYNC, HANDLE, CreateSemaphoreExA,
       (LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
        LONG lMaximumCount, LPCSTR lpName, DWORD dwFlags,
        DWORD dwDesiredAccess),
       (lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName, dwFlags,
        dwDesiredAccess))
{
    API_A_NAME_CHECK(lpName);
    struct wipc_sync_params p = {.kind = WIPC_SYNC_SEMAPHORE,
                                 .initial = lInitialCount,
                                 .maximum = lMaximumCount};
    /* dwFlags is reserved: 0. */
    if (dwFlags || lMaximumCount <= 0 || lInitialCount < 0 ||
        lInitialCount > lMaximumCount) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    return sync_create(&p, lpName, lpSemaphoreAttributes,
                       wipc_object_map_access(&wipc_semaphore_ops,
                                              dwDesiredAccess),
                       make_semaphore);
}

API_FN(SYNC, HANDLE, CreateWaitableTimerExA,
       (LPSECURITY_ATTRIBUTES lpTimerAttributes, LPCSTR lpTimerName,
        DWORD dwFlags, DWORD dwDesiredAccess),
       (lpTimerAttributes, lpTimerName, dwFlags, dwDesiredAccess))
{
    API_A_NAME_CHECK(lpTimerName);
    struct wipc_sync_params p = {
        .kind = WIPC_SYNC_TIMER,
        .manual_reset = (dwFlags & CREATE_WAITABLE_TIMER_MANUAL_RESET) != 0};
    /* A high-resolution timer is what every timerfd is. */
    if (dwFlags & ~(CREATE_WAITABLE_TIMER_MANUAL_RESET |
                    CREATE_WAITABLE_TIMER_HIGH_RESOLUTION)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    return sync_create(&p, lpTimerName, lpTimerAttributes,
                       wipc_object_map_access(&wipc_timer_ops,
                                              dwDesiredAccess),
                       make_timer);
}

/* ---- SignalObjectAndWait -------------------------------------------------- */

API_FN(SYNC, DWORD, SignalObjectAndWait,
       (HANDLE hObjectToSignal, HANDLE hObjectToWaitOn, DWORD dwMilliseconds,
        BOOL bAlertable),
       (hObjectToSignal, hObjectToWaitOn, dwMilliseconds, bAlertable))
{
    struct wipc_object *obj;
    ACCESS_MASK granted = 0;
    DWORD err = wipc_handle_ref(hObjectToSignal, NULL, 0, &obj, &granted);

    /* The signal first, then the wait: not one atomic step, as Windows
     * makes it, but no waiter can tell the difference except by timing. */
    if (!err) {
        if (obj->ops == &wipc_event_ops)
            err = (granted & EVENT_MODIFY_STATE) ? wipc_event_set(obj)
                                                 : ERROR_ACCESS_DENIED;
        else if (obj->ops == &wipc_mutex_ops)
            err = wipc_mutex_release(obj);
        else if (obj->ops == &wipc_semaphore_ops)
            err = (granted & SEMAPHORE_MODIFY_STATE)
                      ? wipc_semaphore_release(obj, 1, NULL)
                      : ERROR_ACCESS_DENIED;
        else
            err = ERROR_INVALID_HANDLE;
        wipc_object_release(obj);
    }
    if (err) {
        SetLastError(err);
        return WAIT_FAILED;
    }
    return WaitForSingleObjectEx(hObjectToWaitOn, dwMilliseconds, bAlertable);
}
