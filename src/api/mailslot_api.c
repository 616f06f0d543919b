/*
 * mailslot_api.c: CreateMailslotA, GetMailslotInfo, SetMailslotInfo, and
 * CreateFileA's path for mailslot writers.
 */
#include <stdio.h>
#include <string.h>

#include "../core/namespace.h"
#include "api.h"

#define MAILSLOT_PREFIX "\\\\.\\mailslot\\"

/* Pseudo-directories are allowed; "." and ".." and empty parts are not. */
static DWORD mailslot_path(LPCSTR name, char *path, size_t len)
{
    const char *p;
    DWORD err = wipc_ns_path(name, MAILSLOT_PREFIX, WIPC_NS_MAILSLOT, 1, path,
                             len);
    if (err)
        return err;
    p = name + strlen(MAILSLOT_PREFIX);
    while (*p) {
        size_t n = strcspn(p, "\\");
        if (n == 0 || (n == 1 && p[0] == '.') ||
            (n == 2 && p[0] == '.' && p[1] == '.'))
            return ERROR_INVALID_NAME;
        p += n;
        if (*p == '\\' && !*++p)
            return ERROR_INVALID_NAME; /* trailing backslash */
    }
    return 0;
}

API_FN(MAILSLOT, HANDLE, CreateMailslotA,
       (LPCSTR lpName, DWORD nMaxMessageSize, DWORD lReadTimeout,
        LPSECURITY_ATTRIBUTES lpSecurityAttributes),
       (lpName, nMaxMessageSize, lReadTimeout, lpSecurityAttributes))
{
    char path[WIPC_NS_PATH_MAX], form[4 * MAX_PATH]; /* UTF-8 */
    struct wipc_object *obj;
    HANDLE h;
    DWORD err;

    /* "\\?\mailslot\x", "//./mailslot/x": "\\.\mailslot\x". */
    lpName = wipc_ns_device_form(lpName, form, sizeof form);
    /* As Windows: no name (or an empty one) is no path at all, and the
     * ANSI name must fit in MAX_PATH characters with its terminator. */
    if (!lpName || !*lpName) {
        err = ERROR_PATH_NOT_FOUND;
        goto fail;
    }
    if (wipc_utf8_units(lpName) >= MAX_PATH) {
        err = ERROR_FILENAME_EXCED_RANGE;
        goto fail;
    }
    err = mailslot_path(lpName, path, sizeof path);
    if (err) {
        err = ERROR_INVALID_NAME;
        goto fail;
    }
    err = wipc_mailslot_create(path, lpName, nMaxMessageSize, lReadTimeout,
                               api_sa_is_public(lpSecurityAttributes), &obj);
    if (!err)
        err = api_publish(obj,
                          FILE_GENERIC_READ | FILE_WRITE_ATTRIBUTES |
                              SYNCHRONIZE,
                          api_inherit_flag(lpSecurityAttributes), &h);
    if (!err)
        return h;
fail:
    SetLastError(err);
    return INVALID_HANDLE_VALUE;
}

DWORD api_open_mailslot(LPCSTR name, ACCESS_MASK access, DWORD flags,
                        HANDLE *out)
{
    char path[WIPC_NS_PATH_MAX];
    struct wipc_object *obj;
    size_t len = strlen(name);
    DWORD err;

    /* CreateFileA takes one character more than CreateMailslotA (Wine's
     * probes); a trailing backslash is a name no receiver can have. */
    if (wipc_utf8_units(name) > MAX_PATH) /* in UTF-16 units */
        return ERROR_FILENAME_EXCED_RANGE;
    if (len > strlen(MAILSLOT_PREFIX) && name[len - 1] == '\\')
        return ERROR_FILE_NOT_FOUND;
    err = mailslot_path(name, path, sizeof path);
    if (err)
        return err == ERROR_BAD_PATHNAME ? ERROR_FILE_NOT_FOUND : err;
    err = wipc_mailslot_open(path, &obj);
    if (err)
        return err;
    /* Writers never read (ReadFile: ERROR_ACCESS_DENIED). */
    return api_publish(obj, access & ~FILE_READ_DATA, flags, out);
}

size_t api_remote_mailslot_server(LPCSTR name)
{
    size_t n;
    if (!name || name[0] != '\\' || name[1] != '\\')
        return 0;
    n = strcspn(name + 2, "\\");
    /* "\\.\" and "\\?\" are this machine's devices. */
    if (n == 0 || (n == 1 && (name[2] == '.' || name[2] == '?')))
        return 0;
    return wipc_ns_is_prefix(name + 2 + n, "\\mailslot\\") ? n : 0;
}

DWORD api_open_remote_mailslot(LPCSTR name, ACCESS_MASK access, DWORD flags,
                               HANDLE *out)
{
    char local[WIPC_NS_PATH_MAX], path[WIPC_NS_PATH_MAX];
    size_t n = api_remote_mailslot_server(name);
    const char *slot = name + 2 + n + strlen("\\mailslot\\");
    struct wipc_object *obj;
    DWORD err;

    /* The name after the server follows the rules of local names. */
    snprintf(local, sizeof local, "%s%s", MAILSLOT_PREFIX, slot);
    err = mailslot_path(local, path, sizeof path);
    if (err)
        return err == ERROR_BAD_PATHNAME ? ERROR_FILE_NOT_FOUND : err;
    err = wipc_mailslot_remote_open(name + 2, n, slot, &obj);
    if (err)
        return err;
    return api_publish(obj, access & ~FILE_READ_DATA, flags, out);
}

static DWORD receiver_ref(HANDLE h, struct wipc_object **obj)
{
    DWORD err = wipc_handle_ref(h, NULL, 0, obj, NULL);
    if (err)
        return err;
    if (wipc_is_mailslot_receiver(*obj))
        return 0;
    wipc_object_release(*obj);
    return ERROR_INVALID_HANDLE;
}

API_FN(MAILSLOT, BOOL, GetMailslotInfo,
       (HANDLE hMailslot, LPDWORD lpMaxMessageSize, LPDWORD lpNextSize,
        LPDWORD lpMessageCount, LPDWORD lpReadTimeout),
       (hMailslot, lpMaxMessageSize, lpNextSize, lpMessageCount, lpReadTimeout))
{
    struct wipc_object *obj;
    DWORD max, next, count, timeout;
    DWORD err = receiver_ref(hMailslot, &obj);

    if (err)
        return api_fail(err);
    err = wipc_mailslot_info(obj, &max, &next, &count, &timeout);
    wipc_object_release(obj);
    if (err)
        return api_fail(err);
    if (lpMaxMessageSize)
        *lpMaxMessageSize = max;
    if (lpNextSize)
        *lpNextSize = next;
    if (lpMessageCount)
        *lpMessageCount = count;
    if (lpReadTimeout)
        *lpReadTimeout = timeout;
    return TRUE;
}

API_FN(MAILSLOT, BOOL, SetMailslotInfo,
       (HANDLE hMailslot, DWORD lReadTimeout),
       (hMailslot, lReadTimeout))
{
    struct wipc_object *obj;
    DWORD err = receiver_ref(hMailslot, &obj);
    if (err)
        return api_fail(err);
    wipc_mailslot_set_timeout(obj, lReadTimeout);
    wipc_object_release(obj);
    return TRUE;
}
