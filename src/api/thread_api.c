/*
 * thread_api.c: threads, process and thread ids, Sleep.
 */
#include "api.h"

API_FN(PROCESS, HANDLE, CreateThread,
       (LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize,
        LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter,
        DWORD dwCreationFlags, LPDWORD lpThreadId),
       (lpThreadAttributes, dwStackSize, lpStartAddress, lpParameter,
        dwCreationFlags, lpThreadId))
{
    struct wipc_object *obj;
    HANDLE h;
    DWORD tid = 0, err;

    if (!lpStartAddress) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    err = wipc_thread_create(dwStackSize, lpStartAddress, lpParameter,
                             (dwCreationFlags & CREATE_SUSPENDED) != 0, &obj,
                             &tid);
    if (err) {
        SetLastError(err);
        return NULL;
    }
    /* Kept past api_publish, which gives its reference to the handle (or
     * drops it on failure). */
    wipc_object_grab(obj);
    err = api_publish(obj, THREAD_ALL_ACCESS,
                      api_inherit_flag(lpThreadAttributes), &h);
    if (err) {
        /* A suspended thread that nobody can resume must not linger: it
         * ends without running lpStartAddress, and its object goes with
         * it (as CreateProcessA ends a suspended child it cannot hand
         * out).  A thread that already runs goes on, as on Windows. */
        wipc_thread_abandon(obj);
        wipc_object_release(obj);
        SetLastError(err);
        return NULL;
    }
    wipc_object_release(obj);
    if (lpThreadId)
        *lpThreadId = tid;
    return h;
}

API_FN_NORETURN(PROCESS, ExitThread, (DWORD dwExitCode), (dwExitCode))
{
    wipc_thread_exit(dwExitCode);
}

#define THREAD_QUERY_ANY                                                       \
    (THREAD_QUERY_INFORMATION | THREAD_QUERY_LIMITED_INFORMATION)
#define PROCESS_QUERY_ANY                                                      \
    (PROCESS_QUERY_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION)

/* Looks up a thread or process handle for a query: Windows asks for either
 * query right (the full one implies the limited one).  Returns a referenced
 * object, or ERROR_INVALID_HANDLE / ERROR_ACCESS_DENIED. */
static DWORD query_ref(HANDLE h, const struct wipc_object_ops *type,
                       ACCESS_MASK need_any, struct wipc_object **obj)
{
    ACCESS_MASK granted = 0;
    DWORD err = wipc_handle_ref(h, type, 0, obj, &granted);
    if (!err && !(granted & need_any)) {
        wipc_object_release(*obj);
        err = ERROR_ACCESS_DENIED;
    }
    return err;
}

API_FN(PROCESS, BOOL, GetExitCodeThread,
       (HANDLE hThread, LPDWORD lpExitCode),
       (hThread, lpExitCode))
{
    struct wipc_object *obj;
    DWORD err = query_ref(hThread, &wipc_thread_ops, THREAD_QUERY_ANY, &obj);
    if (err)
        return api_fail(err);
    if (lpExitCode) /* NULL: only the handle is checked (as Wine does) */
        *lpExitCode = wipc_thread_exit_code(obj);
    wipc_object_release(obj);
    return TRUE;
}

API_FN(PROCESS, DWORD, ResumeThread, (HANDLE hThread), (hThread))
{
    struct wipc_object *obj;
    DWORD prev = 0;
    DWORD err = wipc_handle_ref(hThread, &wipc_thread_ops,
                                THREAD_SUSPEND_RESUME, &obj, NULL);
    if (!err) {
        err = wipc_thread_resume(obj, &prev);
        wipc_object_release(obj);
    }
    if (err) {
        SetLastError(err);
        return (DWORD)-1;
    }
    return prev;
}

API_FN0(PROCESS, HANDLE, GetCurrentThread) { return WIPC_PSEUDO_THREAD; }

API_FN0(PROCESS, HANDLE, GetCurrentProcess)
{
    return WIPC_PSEUDO_PROCESS;
}

API_FN0(PROCESS, DWORD, GetCurrentThreadId) { return wipc_plat_gettid(); }

API_FN0(PROCESS, DWORD, GetCurrentProcessId)
{
    return wipc_plat_getpid();
}

/* The id of a thread or process handle's object, 0 with the error set. */
static DWORD id_of(HANDLE h, const struct wipc_object_ops *type,
                   ACCESS_MASK need_any, DWORD (*get)(struct wipc_object *))
{
    struct wipc_object *obj;
    DWORD id;
    DWORD err = query_ref(h, type, need_any, &obj);
    if (err) {
        SetLastError(err);
        return 0;
    }
    id = get(obj);
    wipc_object_release(obj);
    return id;
}

API_FN(PROCESS, DWORD, GetThreadId, (HANDLE Thread), (Thread))
{
    return id_of(Thread, &wipc_thread_ops, THREAD_QUERY_ANY, wipc_thread_id);
}

API_FN(PROCESS, DWORD, GetProcessId, (HANDLE Process), (Process))
{
    return id_of(Process, &wipc_process_ops, PROCESS_QUERY_ANY,
                 wipc_process_id);
}

API_FN_VOID(SYNC, Sleep, (DWORD dwMilliseconds), (dwMilliseconds))
{
    wipc_plat_sleep_ms(dwMilliseconds);
}
