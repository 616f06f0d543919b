/*
 * api.h: helpers shared by the Win32 entry points in this folder.
 *
 * The entry points check arguments, call the core, and are the only code
 * that sets the thread's last error.
 */
#ifndef WIPC_API_H
#define WIPC_API_H

#include <windows.h>

#include "../core/handle.h"
#include "../core/io.h"
#include "../core/utf.h"
#include "../objects/objects.h"
#include "../process/process.h"

/* Sets the last error to err and returns FALSE (for BOOL functions). */
static inline BOOL api_fail(DWORD err)
{
    SetLastError(err);
    return FALSE;
}

/* Sets the last error if err is non-zero; returns !err as a BOOL. */
static inline BOOL api_result(DWORD err)
{
    if (err)
        SetLastError(err);
    return err == 0;
}

/* The W functions' boundary: *out gets a malloc'ed UTF-8 copy of the wide
 * string w (NULL for NULL; lone surrogates kept, core/utf.h).  FALSE, with
 * the last error ERROR_NOT_ENOUGH_MEMORY, when memory runs out. */
static inline BOOL api_utf8(LPCWSTR w, char **out)
{
    DWORD err;
    *out = wipc_utf16_dup(w, &err);
    if (err)
        SetLastError(err);
    return !err;
}

/* The SECURITY_ATTRIBUTES inherit flag as a HANDLE_FLAG_* value. */
static inline DWORD api_inherit_flag(const SECURITY_ATTRIBUTES *sa)
{
    return sa && sa->bInheritHandle ? HANDLE_FLAG_INHERIT : 0;
}

/*
 * Whether a named object created with sa is reachable by every user: its
 * security descriptor has a present, NULL DACL (the common "everyone"
 * idiom); anything else keeps it to the creator's user (see README).
 */
static inline int api_sa_is_public(const SECURITY_ATTRIBUTES *sa)
{
    const SECURITY_DESCRIPTOR *sd = sa ? sa->lpSecurityDescriptor : NULL;
    return sd && (sd->Control & SE_DACL_PRESENT) && sd->Dacl == NULL;
}

/*
 * The access a handle opened by name (Open*) gets from dwDesiredAccess,
 * as Windows checks it against the type's valid rights: none at all, or
 * a right the type does not have, is ERROR_ACCESS_DENIED
 * (ACCESS_SYSTEM_SECURITY: ERROR_PRIVILEGE_NOT_HELD, no privileges
 * here); MAXIMUM_ALLOWED is every right of the type.  extra: rights
 * beyond the type's generic mapping that it also has (FILE_MAP_EXECUTE).
 */
static inline DWORD api_open_access(const struct wipc_object_ops *ops,
                                    ACCESS_MASK access, ACCESS_MASK extra,
                                    ACCESS_MASK *granted)
{
    ACCESS_MASK valid = ops->mapping.all | extra | STANDARD_RIGHTS_ALL |
                        MAXIMUM_ALLOWED | GENERIC_READ | GENERIC_WRITE |
                        GENERIC_EXECUTE | GENERIC_ALL;
    if (access & ACCESS_SYSTEM_SECURITY)
        return ERROR_PRIVILEGE_NOT_HELD;
    if (access == 0 || (access & ~valid))
        return ERROR_ACCESS_DENIED;
    *granted = wipc_object_map_access(ops, access & ~MAXIMUM_ALLOWED) |
               (access & MAXIMUM_ALLOWED ? ops->mapping.all : 0);
    return 0;
}

/*
 * A look-up for a call that uses the object for a moment and never blocks
 * (core/handle.h, wipc_handle_peek): without a lock or a reference where
 * it can, else with a reference.  *held says which, for api_let_go.
 */
static inline DWORD api_peek(HANDLE h, const struct wipc_object_ops *type,
                             ACCESS_MASK need, struct wipc_object **obj,
                             int *held)
{
    DWORD err = wipc_handle_peek(h, type, need, 0, obj);
    *held = err == ERROR_NOT_SUPPORTED;
    return *held ? wipc_handle_ref(h, type, need, obj, NULL) : err;
}

static inline void api_let_go(struct wipc_object *obj, int held)
{
    if (held)
        wipc_object_release(obj);
    else
        wipc_handle_unpeek(0);
}

/*
 * Looks up a handle for I/O: its type must have the operation (has_op is the
 * ops slot, non-NULL) and the handle one of the rights in need.  Returns a
 * referenced object or an error (ERROR_INVALID_HANDLE for a handle of a
 * type without the operation, ERROR_ACCESS_DENIED without the rights).
 */
DWORD api_ref_io(HANDLE h, size_t op_offset, ACCESS_MASK need_any,
                 struct wipc_object **obj);

/* CreateFileA's path for "\\.\pipe\..." (named_pipe_api.c). */
DWORD api_open_named_pipe(LPCSTR name, ACCESS_MASK access, DWORD flags,
                          HANDLE *out);

/* CreateFileA's path for "\\.\mailslot\..." (mailslot_api.c). */
DWORD api_open_mailslot(LPCSTR name, ACCESS_MASK access, DWORD flags,
                        HANDLE *out);

/* If name is "\\SERVER\mailslot\..." for another machine than this one
 * ("\\.\"), the length of SERVER; otherwise 0 (mailslot_api.c). */
size_t api_remote_mailslot_server(LPCSTR name);

/* CreateFileA's path for such names: a writer that needs no receiver. */
DWORD api_open_remote_mailslot(LPCSTR name, ACCESS_MASK access, DWORD flags,
                               HANDLE *out);

#define API_OP(name) offsetof(struct wipc_object_ops, name)

/* Enters obj in the handle table and drops the caller's reference.
 * flags: HANDLE_FLAG_*, and FILE_FLAG_OVERLAPPED for a new object opened
 * for overlapped I/O. */
DWORD api_publish(struct wipc_object *obj, ACCESS_MASK access, DWORD flags,
                  HANDLE *out);

/* The end of an Open* function: with err 0, obj (its reference taken
 * over) entered with desired_access mapped through its type, inheritable
 * or not; the handle, or NULL with the last error set (err, or the
 * table's). */
HANDLE api_open_result(DWORD err, struct wipc_object *obj,
                       DWORD desired_access, BOOL inherit);

/*
 * Starts an operation of obj (opened with FILE_FLAG_OVERLAPPED, its type
 * has io_progress) for ov (overlapped_api.c): ERROR_IO_PENDING, or its
 * result if it finished at once (*done bytes).  ERROR_INVALID_HANDLE if
 * ov's event is not an event.
 */
DWORD api_io_start(struct wipc_object *obj, enum wipc_io_kind kind, void *buf,
                   DWORD len, int64_t offset, OVERLAPPED *ov, DWORD *done);

/* As api_io_start for an operation described in full (io: kind, buffers,
 * offset; the rest zero), such as TransactNamedPipe's. */
DWORD api_io_start_op(struct wipc_object *obj, const struct wipc_io *io,
                      OVERLAPPED *ov, DWORD *done);

/* As api_io_start for ReadFileEx and WriteFileEx: completes through
 * routine, queued as an APC to the calling thread; ov's event is the
 * program's own (not used). */
DWORD api_io_start_routine(struct wipc_object *obj, enum wipc_io_kind kind,
                           void *buf, DWORD len, int64_t offset,
                           OVERLAPPED *ov,
                           LPOVERLAPPED_COMPLETION_ROUTINE routine,
                           DWORD *done);

/* Runs the calls queued to the calling thread (apc.h); for the alertable
 * waits that return WAIT_IO_COMPLETION (sync_api.c). */
void api_run_apcs(void);

/* Empties the standard handle nStdHandle (STD_*_HANDLE) and returns the
 * handle it held, or NULL (std_handle_api.c). */
HANDLE api_std_handle_take(DWORD nStdHandle);

/* For CreateProcess: 0 if standard handle i (0 input, 1 output, 2 error)
 * is still the descriptor this process started with; else 1 and *h the
 * handle it is now (std_handle_api.c). */
int api_std_handle_current(int i, HANDLE *h);

/* CreateProcessA with EXTENDED_STARTUPINFO_PRESENT (attr_list_api.c):
 * checks the attribute list of si (a STARTUPINFOEXA) and gives the
 * handles of PROC_THREAD_ATTRIBUTE_HANDLE_LIST (*only NULL: no such list,
 * every inheritable handle goes).  ERROR_INVALID_PARAMETER (a short
 * structure; a handle list without bInheritHandles, or naming a handle
 * that is not inheritable), ERROR_INVALID_HANDLE, and for
 * PROC_THREAD_ATTRIBUTE_PARENT_PROCESS another process than this one
 * ERROR_NOT_SUPPORTED. */
DWORD api_attr_list_apply(const STARTUPINFOA *si, DWORD flags, BOOL inherit,
                          const HANDLE **only, size_t *n_only);


/* A call that runs synchronously with an OVERLAPPED (a handle without
 * FILE_FLAG_OVERLAPPED) reports through it too: begin resets its event
 * before the call; done, if the call completed (a success or
 * ERROR_MORE_DATA), writes its status and count and sets the event
 * (overlapped_api.c).  The caller has set Internal to STATUS_PENDING
 * first, as Windows' kernel32 does before anything is checked. */
void api_overlapped_sync_begin(OVERLAPPED *ov);
void api_overlapped_sync_done(OVERLAPPED *ov, DWORD err, DWORD n);

#endif /* WIPC_API_H */
