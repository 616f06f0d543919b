/*
 * attr_list_api.c: InitializeProcThreadAttributeList,
 * UpdateProcThreadAttribute, DeleteProcThreadAttributeList, and what
 * CreateProcessA takes from such a list (EXTENDED_STARTUPINFO_PRESENT).
 *
 * The list is the caller's memory, laid out as Windows lays it out (Wine's
 * kernel32 tests, which pass on Windows, read it): four DWORDs (a mask with
 * bit N set once the attribute numbered N is in the list, the number of
 * entries there is room for, the number used, one DWORD nobody writes),
 * one DWORD_PTR that is zero, then one entry per attribute in the order
 * they were set.  An entry points to the caller's value (Windows keeps the
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
    DWORD mask; /* bit (attribute & PROC_THREAD_ATTRIBUTE_NUMBER) */
    DWORD room; /* entries there is room for */
    DWORD used; /* entries set */
    DWORD untouched; /* neither InitializeProcThreadAttributeList nor
                        UpdateProcThreadAttribute writes it */
    DWORD_PTR zero;
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
    /* Only the header: the entries are written as they are set. */
    lpAttributeList->mask = 0;
    lpAttributeList->room = dwAttributeCount;
    lpAttributeList->used = 0;
    lpAttributeList->zero = 0;
    *lpSize = need;
    return TRUE;
}

/*
 * The attributes known, with the size each value must have (0: a whole
 * number of handles, at least one).  CreateProcessA uses HANDLE_LIST and
 * PARENT_PROCESS; IDEAL_PROCESSOR is a scheduling hint it ignores (Linux
 * has no ideal processor); PSEUDOCONSOLE makes it fail with
 * ERROR_NOT_SUPPORTED (winipc has no pseudoconsoles).
 */
static const struct {
    DWORD_PTR attribute;
    SIZE_T size;
} known_attrs[] = {
    {PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, sizeof(HANDLE)},
    {PROC_THREAD_ATTRIBUTE_HANDLE_LIST, 0},
    {PROC_THREAD_ATTRIBUTE_IDEAL_PROCESSOR, sizeof(PROCESSOR_NUMBER)},
    {PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE, sizeof(HPCON)},
};

/*
 * Errors as Windows gives them: ERROR_NOT_SUPPORTED for an attribute not in
 * known_attrs, ERROR_BAD_LENGTH for a wrong size, ERROR_OBJECT_NAME_EXISTS
 * for an attribute given twice, ERROR_GEN_FAILURE when the list is full.
 */
API_FN(PROCESS, BOOL, UpdateProcThreadAttribute,
       (LPPROC_THREAD_ATTRIBUTE_LIST lpAttributeList, DWORD dwFlags,
        DWORD_PTR Attribute, PVOID lpValue, SIZE_T cbSize,
        PVOID lpPreviousValue, PSIZE_T lpReturnSize),
       (lpAttributeList, dwFlags, Attribute, lpValue, cbSize, lpPreviousValue,
        lpReturnSize))
{
    struct attr_entry *e;
    DWORD bit;
    size_t k = 0;

    (void)lpPreviousValue;
    (void)lpReturnSize;
    if (!lpAttributeList || dwFlags)
        return api_fail(ERROR_INVALID_PARAMETER);
    while (k < sizeof known_attrs / sizeof known_attrs[0] &&
           known_attrs[k].attribute != Attribute)
        k++;
    if (k == sizeof known_attrs / sizeof known_attrs[0])
        return api_fail(ERROR_NOT_SUPPORTED);
    if (known_attrs[k].size ? cbSize != known_attrs[k].size
                            : cbSize == 0 || cbSize % sizeof(HANDLE))
        return api_fail(ERROR_BAD_LENGTH);
    bit = (DWORD)1 << (Attribute & PROC_THREAD_ATTRIBUTE_NUMBER);
    if (lpAttributeList->mask & bit)
        return api_fail(ERROR_OBJECT_NAME_EXISTS);
    if (lpAttributeList->used >= lpAttributeList->room)
        return api_fail(ERROR_GEN_FAILURE);
    e = &lpAttributeList->entries[lpAttributeList->used++];
    e->attribute = Attribute;
    e->size = cbSize;
    e->value = lpValue;
    lpAttributeList->mask |= bit;
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
    if (attr_find(l, PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE))
        return ERROR_NOT_SUPPORTED;
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
