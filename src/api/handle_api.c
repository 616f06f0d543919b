/*
 * handle_api.c: CloseHandle, DuplicateHandle, Get/SetHandleInformation.
 */
#include "../process/service.h"
#include "api.h"

DWORD api_ref_io(HANDLE h, size_t op_offset, ACCESS_MASK need_any,
                 struct wipc_object **obj)
{
    struct wipc_object *o;
    ACCESS_MASK granted;
    DWORD err = wipc_handle_ref(h, NULL, 0, &o, &granted);

    if (err)
        return err;
    if (!*(void *const *)((const char *)o->ops + op_offset)) {
        wipc_object_release(o);
        return ERROR_INVALID_HANDLE;
    }
    if (need_any && !(granted & need_any)) {
        wipc_object_release(o);
        return ERROR_ACCESS_DENIED;
    }
    *obj = o;
    return 0;
}

DWORD api_publish(struct wipc_object *obj, ACCESS_MASK access, DWORD flags,
                  HANDLE *out)
{
    DWORD err;
    /* A new object: nobody else sees it yet. */
    if (flags & FILE_FLAG_OVERLAPPED)
        obj->flags |= WIPC_OBJ_OVERLAPPED;
    err = wipc_handle_alloc(obj, access, flags & WIPC_HANDLE_FLAGS, out);
    wipc_object_release(obj);
    return err;
}

HANDLE api_open_result(DWORD err, struct wipc_object *obj,
                       DWORD desired_access, BOOL inherit)
{
    HANDLE h = NULL;

    if (!err)
        err = api_publish(obj,
                          wipc_object_map_access(obj->ops, desired_access),
                          inherit ? HANDLE_FLAG_INHERIT : 0, &h);
    if (err) {
        SetLastError(err);
        return NULL;
    }
    return h;
}

API_FN(HANDLE, BOOL, CloseHandle, (HANDLE hObject), (hObject))
{
    struct wipc_object *obj;
    uint64_t link = 0;
    int kick = 0;
    DWORD err;

    /* The standard-handle values themselves (as the SDK's macros give
     * them, (HANDLE)STD_ERROR_HANDLE) close that standard handle and leave
     * it NULL (Wine's process.c:2163, which Windows passes). */
    if (hObject == (HANDLE)STD_INPUT_HANDLE ||
        hObject == (HANDLE)STD_OUTPUT_HANDLE ||
        hObject == (HANDLE)STD_ERROR_HANDLE)
        hObject = api_std_handle_take((DWORD)(ULONG_PTR)hObject);
    /* A peer's pending read in this process sees the end at once: the
     * object is looked at (is its peer here?) before it goes. */
    if (wipc_handle_ref(hObject, NULL, 0, &obj, NULL) == 0) {
        kick = wipc_io_kick_wanted(obj);
        link = atomic_load(&obj->io_link);
        wipc_object_release(obj);
    }
    err = wipc_handle_close(hObject);
    if (kick)
        wipc_io_kick_link(link);
    return api_result(err);
}

/* The process handle must name this process (DuplicateHandle sends the
 * other cases to the handle services first: see process/service.h). */
static DWORD dup_check_process(HANDLE h)
{
    struct wipc_object *p, *self;
    DWORD err = wipc_handle_ref(h, &wipc_process_ops, PROCESS_DUP_HANDLE, &p,
                                NULL);
    if (err)
        return err;
    err = wipc_process_self(&self);
    if (!err && p != self)
        err = ERROR_NOT_SUPPORTED;
    wipc_object_release(self);
    wipc_object_release(p);
    return err;
}

API_FN(HANDLE, BOOL, DuplicateHandle,
       (HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
        HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
        DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions),
       (hSourceProcessHandle, hSourceHandle, hTargetProcessHandle,
        lpTargetHandle, dwDesiredAccess, bInheritHandle, dwOptions))
{
    struct wipc_object *obj = NULL;
    ACCESS_MASK granted = 0, access;
    DWORD err, flags;
    HANDLE out;

    /* A failed call leaves NULL behind (as Wine does). */
    if (lpTargetHandle)
        *lpTargetHandle = NULL;
    /* Another process on either side: through the handle services. */
    if (wipc_service_is_remote(hSourceProcessHandle) ||
        wipc_service_is_remote(hTargetProcessHandle))
        return api_result(wipc_service_duplicate(
            hSourceProcessHandle, hSourceHandle, hTargetProcessHandle,
            lpTargetHandle, dwDesiredAccess, bInheritHandle, dwOptions));
    err = dup_check_process(hSourceProcessHandle);
    if (err)
        return api_fail(err);
    /* "can be specified as NULL if the DUPLICATE_CLOSE_SOURCE flag is set":
     * the call then only closes the source. */
    if (!hTargetProcessHandle && (dwOptions & DUPLICATE_CLOSE_SOURCE))
        return api_result(wipc_handle_close(hSourceHandle));
    err = wipc_handle_ref(hSourceHandle, NULL, 0, &obj, &granted);
    if (err)
        goto done;
    err = dup_check_process(hTargetProcessHandle);
    if (err)
        goto done;
    access = (dwOptions & DUPLICATE_SAME_ACCESS)
                 ? granted
                 : wipc_object_map_access(obj->ops, dwDesiredAccess);
    /* DUPLICATE_SAME_ATTRIBUTES: the source's HANDLE_FLAG_INHERIT and
     * HANDLE_FLAG_PROTECT_FROM_CLOSE instead of bInheritHandle (none for
     * a pseudo handle), as ZwDuplicateObject documents it and Wine's
     * process.c:2564-2592 checks. */
    flags = bInheritHandle ? HANDLE_FLAG_INHERIT : 0;
    if ((dwOptions & DUPLICATE_SAME_ATTRIBUTES) &&
        wipc_handle_get_flags(hSourceHandle, &flags))
        flags = 0;
    /* DUPLICATE_CLOSE_SOURCE within this process: the source's entry
     * becomes the duplicate, at the same value (process.c:2503).  A
     * source protected from close stays, and the duplicate is new. */
    if ((dwOptions & DUPLICATE_CLOSE_SOURCE) && lpTargetHandle &&
        !wipc_handle_reset(hSourceHandle, access, flags)) {
        *lpTargetHandle = hSourceHandle;
        wipc_object_release(obj);
        return TRUE;
    }
    err = wipc_handle_alloc(obj, access, flags, &out);
    /* Without lpTargetHandle the duplicate still exists, unreachable, as
     * the documentation warns ("you will lose system resources"). */
    if (!err && lpTargetHandle)
        *lpTargetHandle = out;
done:
    wipc_object_release(obj);
    /* The source is closed even when the duplication failed. */
    if (dwOptions & DUPLICATE_CLOSE_SOURCE)
        wipc_handle_close(hSourceHandle);
    return api_result(err);
}

API_FN(HANDLE, BOOL, GetHandleInformation,
       (HANDLE hObject, LPDWORD lpdwFlags),
       (hObject, lpdwFlags))
{
    DWORD flags;
    DWORD err = wipc_handle_get_flags(hObject, &flags);
    if (err)
        return api_fail(err);
    if (lpdwFlags) /* NULL: only the handle is checked (as Wine does) */
        *lpdwFlags = flags;
    return TRUE;
}

API_FN(HANDLE, BOOL, SetHandleInformation,
       (HANDLE hObject, DWORD dwMask, DWORD dwFlags),
       (hObject, dwMask, dwFlags))
{
    return api_result(wipc_handle_set_flags(hObject, dwMask, dwFlags));
}
