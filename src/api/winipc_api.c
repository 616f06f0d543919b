/*
 * winipc_api.c: the extensions of <winipc.h>.
 */
#include "api.h"
#include <winipc.h>

#include "../core/namespace.h"

#define WIPC_STR2(x) #x
#define WIPC_STR(x) WIPC_STR2(x)

WINIPC_API const char *winipc_version(void)
{
    return WIPC_STR(WINIPC_VERSION_MAJOR) "." WIPC_STR(
        WINIPC_VERSION_MINOR) "." WIPC_STR(WINIPC_VERSION_PATCH);
}

WINIPC_API int winipc_handle_fd(HANDLE handle)
{
    struct wipc_object *obj;
    int fd;
    DWORD err;

    if (wipc_handle_is_pseudo(handle)) {
        SetLastError(ERROR_INVALID_HANDLE);
        return -1;
    }
    err = api_ref_io(handle, API_OP(get_fd), 0, &obj);
    if (err) {
        SetLastError(err);
        return -1;
    }
    fd = obj->ops->get_fd(obj);
    wipc_object_release(obj);
    return fd;
}

WINIPC_API HANDLE winipc_handle_from_fd(int fd)
{
    struct wipc_object *obj;
    enum wipc_fd_kind kind;
    int readable, writable;
    ACCESS_MASK access = SYNCHRONIZE | FILE_READ_ATTRIBUTES;
    HANDLE h;
    DWORD err = wipc_plat_fd_info(fd, &kind, &readable, &writable);

    if (!err)
        err = wipc_plat_set_cloexec(fd);
    if (!err)
        err = wipc_file_wrap(fd, &obj);
    if (err) {
        SetLastError(err);
        return NULL;
    }
    if (readable)
        access |= FILE_GENERIC_READ;
    if (writable)
        access |= FILE_GENERIC_WRITE;
    err = wipc_handle_alloc(obj, access, 0, &h);
    if (err) {
        /* Leave the descriptor to the caller, as documented. */
        ((struct wipc_file *)obj)->fd = -1;
        wipc_object_release(obj);
        SetLastError(err);
        return NULL;
    }
    wipc_object_release(obj);
    return h;
}

WINIPC_API const char *winipc_namespace_root(void) { return wipc_ns_root(); }
