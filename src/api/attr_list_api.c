/*
 * attr_list_api.c: InitializeProcThreadAttributeList,
 * UpdateProcThreadAttribute, DeleteProcThreadAttributeList, and what
 * CreateProcessA takes from such a list (EXTENDED_STARTUPINFO_PRESENT).
 *
 * The list is the caller's memory, opaque to it: a header and one entry
 * per attribute, which points to the caller's value (Windows keeps the
 * pointer, not a copy: the value must outlive the list's use).
 */
#include <stddef.h>
#include <string.h>

#include "api.h"

struct attr_entry {
    DWORD_PTR attribute;
    SIZE_T size;
    PVOID value;
};

struct _PROC_THREAD_ATTRIBUTE_LIST {
    DWORD count; /* entries there is room for */
    DWORD used;
    struct attr_entry entries[];
};

API_FN(PROCESS, BOOL, InitializeProcThreadAttributeList,
       (LPPROC_THREAD_ATTRIBUTE_LIST lpAttributeList, DWORD dwAttributeCount,
        DWORD dwFlags, PSIZE_T lpSize),
       (lpAttributeList, dwAttributeCount, dwFlags, lpSize))
{
    SIZE_T need = offsetof(struct _PROC_THREAD_ATTRIBUTE_LIST, entries) +
                  (SIZE_T)dwAttributeCount * sizeof(struct attr_entry);

    if (dwFlags || !lpSize)
        return api_fail(ERROR_INVALID_PARAMETER);
    if (!lpAttributeList || *lpSize < need) {
        *lpSize = need;
        return api_fail(ERROR_INSUFFICIENT_BUFFER);
    }
    lpAttributeList->count = dwAttributeCount;
    lpAttributeList->used = 0;
    *lpSize = need;
    return TRUE;
}

/*
 * The attributes CreateProcessA uses: PROC_THREAD_ATTRIBUTE_HANDLE_LIST
 * (a whole number of handles, at least one) and
 * PROC_THREAD_ATTRIBUTE_PARENT_PROCESS (one handle).  Errors as Windows
 * gives them: ERROR_BAD_LENGTH for a wrong size, ERROR_GEN_FAILURE when the
 * list is full, ERROR_OBJECT_NAME_EXISTS for an attribute given twice,
 * ERROR_NOT_SUPPORTED for the others.
 */
API_FN(PROCESS, BOOL, UpdateProcThreadAttribute,
       (LPPROC_THREAD_ATTRIBUTE_LIST lpAttributeList, DWORD dwFlags,
        DWORD_PTR Attribute, PVOID lpValue, SIZE_T cbSize,
        PVOID lpPreviousValue, PSIZE_T lpReturnSize),
       (lpAttributeList, dwFlags, Attribute, lpValue, cbSize, lpPreviousValue,
        lpReturnSize))
{
    struct attr_entry *e;

    (void)lpPreviousValue;
    (void)lpReturnSize;
    if (!lpAttributeList || dwFlags)
        return api_fail(ERROR_INVALID_PARAMETER);
    if (Attribute == PROC_THREAD_ATTRIBUTE_HANDLE_LIST) {
        if (cbSize == 0 || cbSize % sizeof(HANDLE))
            return api_fail(ERROR_BAD_LENGTH);
    } else if (Attribute == PROC_THREAD_ATTRIBUTE_PARENT_PROCESS) {
        if (cbSize != sizeof(HANDLE))
            return api_fail(ERROR_BAD_LENGTH);
    } else {
        return api_fail(ERROR_NOT_SUPPORTED);
    }
    for (DWORD i = 0; i < lpAttributeList->used; i++)
        if (lpAttributeList->entries[i].attribute == Attribute)
            return api_fail(ERROR_OBJECT_NAME_EXISTS);
    if (lpAttributeList->used >= lpAttributeList->count)
        return api_fail(ERROR_GEN_FAILURE);
    e = &lpAttributeList->entries[lpAttributeList->used++];
    e->attribute = Attribute;
    e->size = cbSize;
    e->value = lpValue;
    return TRUE;
}

API_FN_VOID(PROCESS, DeleteProcThreadAttributeList,
       (LPPROC_THREAD_ATTRIBUTE_LIST lpAttributeList),
       (lpAttributeList))
{
    (void)lpAttributeList; /* nothing was allocated */
}

static const struct attr_entry *attr_find(LPPROC_THREAD_ATTRIBUTE_LIST l,
                                          DWORD_PTR attribute)
{
    for (DWORD i = 0; l && i < l->used; i++)
        if (l->entries[i].attribute == attribute)
            return &l->entries[i];
    return NULL;
}

DWORD api_attr_list_apply(const STARTUPINFOA *si, DWORD flags, BOOL inherit,
                          const HANDLE **only, size_t *n_only,
                          struct wipc_object **parent)
{
    LPPROC_THREAD_ATTRIBUTE_LIST l;
    const struct attr_entry *e;

    *only = NULL;
    *n_only = 0;
    *parent = NULL;
    if (!(flags & EXTENDED_STARTUPINFO_PRESENT))
        return 0;
    if (si->cb < sizeof(STARTUPINFOEXA))
        return ERROR_INVALID_PARAMETER;
    l = ((const STARTUPINFOEXA *)si)->lpAttributeList;
    if ((e = attr_find(l, PROC_THREAD_ATTRIBUTE_PARENT_PROCESS)) != NULL) {
        /* Linux cannot give a process another parent than its creator; what
         * the child gets from its parent, the handles it inherits, come
         * from the process named (docs/processes.md). */
        struct wipc_object *obj;
        HANDLE h = *(const HANDLE *)e->value;
        DWORD err = wipc_handle_ref(h, &wipc_process_ops,
                                    PROCESS_CREATE_PROCESS, &obj, NULL);
        if (err)
            return err;
        if (wipc_process_id(obj) == GetCurrentProcessId())
            wipc_object_release(obj);
        else
            *parent = obj;
    }
    if ((e = attr_find(l, PROC_THREAD_ATTRIBUTE_HANDLE_LIST)) != NULL) {
        const HANDLE *hs = e->value;
        /* "pass in a value of TRUE for the bInheritHandles parameter";
         * the handles "must be created as inheritable handles and must
         * not include pseudo handles" (UpdateProcThreadAttribute). */
        DWORD err = inherit ? 0 : ERROR_INVALID_PARAMETER;
        for (size_t i = 0; !err && i < e->size / sizeof(HANDLE); i++) {
            DWORD hflags = 0;
            if (wipc_handle_is_pseudo(hs[i]))
                err = ERROR_INVALID_PARAMETER;
            else if (wipc_handle_get_flags(hs[i], &hflags) != 0)
                err = ERROR_INVALID_HANDLE;
            else if (!(hflags & HANDLE_FLAG_INHERIT))
                err = ERROR_INVALID_PARAMETER;
        }
        if (err) {
            wipc_object_release(*parent);
            *parent = NULL;
            return err;
        }
        *only = hs;
        *n_only = e->size / sizeof(HANDLE);
    }
    return 0;
}
