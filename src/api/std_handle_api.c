/*
 * std_handle_api.c: the standard handles (GetStdHandle, SetStdHandle, and
 * the emptying of one that CloseHandle((HANDLE)STD_*_HANDLE) asks for).
 * Apart from file_api.c so that handle_api.c can use them without the API
 * files calling each other in a circle.
 */
#include "../process/startup.h"
#include "api.h"

/* ready: h[i] is known.  set: h[i] is no longer the descriptor the process
 * started with (SetStdHandle, CloseHandle of the pseudo value, or what the
 * parent's CreateProcess said), which decides what a child gets. */
static struct {
    wipc_mutex lock;
    HANDLE h[3];
    int ready[3];
    int set[3];
} std_handles = {WIPC_MUTEX_INIT, {0}, {0}, {0}};

/* The first GetStdHandle of each stream wraps a duplicate of fd 0, 1 or 2,
 * so that CloseHandle on it never closes the C library's stream.  A stream
 * that is not open has no handle (NULL), as on Windows. */
static HANDLE std_handle_make(int fd, DWORD flags)
{
    struct wipc_object *obj;
    ACCESS_MASK access;
    HANDLE h = NULL;
    int nfd, readable, writable;
    enum wipc_fd_kind kind;

    if (wipc_plat_fd_info(fd, &kind, &readable, &writable))
        return NULL;
    if (wipc_plat_dup(fd, &nfd))
        return NULL;
    if (wipc_file_wrap(nfd, &obj)) {
        wipc_plat_close(nfd);
        return NULL;
    }
    access = SYNCHRONIZE | FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES;
    if (readable)
        access |= FILE_GENERIC_READ;
    if (writable)
        access |= FILE_GENERIC_WRITE;
    /* At a value never used before: the program may still hold the value
     * of a handle it closed, which must not come to name this stream. */
    if (wipc_handle_alloc_fresh(obj, access, flags, &h))
        h = NULL;
    wipc_object_release(obj);
    return h;
}

static int std_index(DWORD n)
{
    if (n == STD_INPUT_HANDLE)
        return 0;
    if (n == STD_OUTPUT_HANDLE)
        return 1;
    if (n == STD_ERROR_HANDLE)
        return 2;
    return -1;
}

/* Makes standard handle i known (lock held): what the parent's
 * CreateProcess said it is (process/startup.h), or descriptor i. */
static void std_init_locked(int i)
{
    const struct wipc_startup *st = wipc_startup_get();

    if (std_handles.ready[i])
        return;
    switch (st->std_mode[i]) {
    case WIPC_STD_VALUE:
        std_handles.h[i] = st->std_value[i];
        std_handles.set[i] = 1;
        break;
    case WIPC_STD_DUPLICATE:
        std_handles.h[i] = std_handle_make(i, st->std_flags[i]);
        std_handles.set[i] = 1;
        break;
    default:
        std_handles.h[i] = std_handle_make(i, 0);
        break;
    }
    std_handles.ready[i] = 1;
}

API_FN(FILE, HANDLE, GetStdHandle, (DWORD nStdHandle), (nStdHandle))
{
    int i = std_index(nStdHandle);
    HANDLE h;

    if (i < 0) {
        SetLastError(ERROR_INVALID_HANDLE);
        return INVALID_HANDLE_VALUE;
    }
    wipc_mutex_lock(&std_handles.lock);
    std_init_locked(i);
    h = std_handles.h[i];
    wipc_mutex_unlock(&std_handles.lock);
    return h;
}

/* CloseHandle of the pseudo value STD_INPUT_HANDLE, STD_OUTPUT_HANDLE or
 * STD_ERROR_HANDLE: the standard handle becomes NULL, and the handle it was
 * is returned for the caller to close (NULL if there was none). */
HANDLE api_std_handle_take(DWORD nStdHandle)
{
    int i = std_index(nStdHandle);
    HANDLE h;

    if (i < 0)
        return NULL;
    wipc_mutex_lock(&std_handles.lock);
    std_init_locked(i); /* it exists on Windows from the start */
    h = std_handles.h[i];
    std_handles.h[i] = NULL;
    std_handles.set[i] = 1;
    wipc_mutex_unlock(&std_handles.lock);
    return h;
}

API_FN(FILE, BOOL, SetStdHandle,
       (DWORD nStdHandle, HANDLE hHandle),
       (nStdHandle, hHandle))
{
    int i = std_index(nStdHandle);
    if (i < 0)
        return api_fail(ERROR_INVALID_HANDLE);
    wipc_mutex_lock(&std_handles.lock);
    std_handles.h[i] = hHandle;
    std_handles.ready[i] = 1;
    std_handles.set[i] = 1;
    wipc_mutex_unlock(&std_handles.lock);
    return TRUE;
}

int api_std_handle_current(int i, HANDLE *h)
{
    int set;

    wipc_mutex_lock(&std_handles.lock);
    /* An original one need not be made for that. */
    if (std_handles.ready[i] ||
        wipc_startup_get()->std_mode[i] != WIPC_STD_ORIGINAL)
        std_init_locked(i);
    set = std_handles.set[i];
    *h = std_handles.h[i];
    wipc_mutex_unlock(&std_handles.lock);
    return set;
}
