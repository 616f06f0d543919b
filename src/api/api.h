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
#include "../core/trace.h"
#include "../core/utf.h"
#include "../objects/objects.h"
#include "../process/process.h"

/*
 * Entry points, traced (core/trace.h).  An entry point is written
 *
 *     API_FN(SYNC, BOOL, SetEvent, (HANDLE hEvent), (hEvent))
 *     {
 *         ...its body, as any function's...
 *     }
 *
 * with its area, result type, name, parameters and their names.  The body
 * becomes a static function, api_body_NAME, and the exported NAME calls
 * it: with tracing off (wipc_trace_mask 0, set once at load) after one
 * test of that global, a tail call; with it on, the call is followed by a
 * line with the arguments as their types and names show them (taken
 * before the call: a pointer the call frees is shown, never read), the
 * result and the last error.  API_FN0 is for a function without parameters,
 * API_FN_VOID for one without a result, API_FN_NORETURN for one that
 * never returns (its line is written before it runs).  WIPC_NO_TRACE
 * builds the library without any of this (bench/bench_trace's baseline).
 */
#define API_TA_1(a) WIPC_TRACE_ARG(a)
#define API_TA_2(a, ...) WIPC_TRACE_ARG(a), API_TA_1(__VA_ARGS__)
#define API_TA_3(a, ...) WIPC_TRACE_ARG(a), API_TA_2(__VA_ARGS__)
#define API_TA_4(a, ...) WIPC_TRACE_ARG(a), API_TA_3(__VA_ARGS__)
#define API_TA_5(a, ...) WIPC_TRACE_ARG(a), API_TA_4(__VA_ARGS__)
#define API_TA_6(a, ...) WIPC_TRACE_ARG(a), API_TA_5(__VA_ARGS__)
#define API_TA_7(a, ...) WIPC_TRACE_ARG(a), API_TA_6(__VA_ARGS__)
#define API_TA_8(a, ...) WIPC_TRACE_ARG(a), API_TA_7(__VA_ARGS__)
#define API_TA_9(a, ...) WIPC_TRACE_ARG(a), API_TA_8(__VA_ARGS__)
#define API_TA_10(a, ...) WIPC_TRACE_ARG(a), API_TA_9(__VA_ARGS__)
#define API_TA_11(a, ...) WIPC_TRACE_ARG(a), API_TA_10(__VA_ARGS__)
#define API_TA_12(a, ...) WIPC_TRACE_ARG(a), API_TA_11(__VA_ARGS__)
#define API_NARG_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, n, ...) n
#define API_NARG(...)                                                         \
    API_NARG_(__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define API_CAT_(a, b) a##b
#define API_CAT(a, b) API_CAT_(a, b)
/* The trace forms of a parenthesised argument list, as an array. */
#define API_TRACE_ARGS(...)                                                   \
    {API_CAT(API_TA_, API_NARG(__VA_ARGS__))(__VA_ARGS__)}
#define API_TRACE_COUNT(...) API_NARG(__VA_ARGS__)

#ifdef WIPC_NO_TRACE
#define API_FN(area, type, name, params, args)                                \
    WINIPC_API type WINAPI name params
#define API_FN0(area, type, name) WINIPC_API type WINAPI name(void)
#define API_FN_VOID(area, name, params, args)                                  \
    WINIPC_API void WINAPI name params
#define API_FN_NORETURN(area, name, params, args)                              \
    WINIPC_API void WINAPI name params
#else
#define API_TRACING() __builtin_expect(wipc_trace_mask != 0, 0)

#define API_FN(area, type, name, params, args)                                \
    static type api_body_##name params;                                       \
    WINIPC_API type WINAPI name params                                        \
    {                                                                         \
        if (API_TRACING()) {                                                  \
            struct wipc_trace_arg a_[] = API_TRACE_ARGS args;                 \
            int on_ = wipc_trace_enter(WIPC_TRACE_##area);                    \
            type r_ = api_body_##name args;                                   \
            wipc_trace_leave(on_, #name, #args, a_, API_TRACE_COUNT args,     \
                             WIPC_TRACE_ARG(r_), GetLastError());             \
            return r_;                                                        \
        }                                                                     \
        return api_body_##name args;                                          \
    }                                                                         \
    static type api_body_##name params

#define API_FN0(area, type, name)                                             \
    static type api_body_##name(void);                                        \
    WINIPC_API type WINAPI name(void)                                         \
    {                                                                         \
        if (API_TRACING()) {                                                  \
            int on_ = wipc_trace_enter(WIPC_TRACE_##area);                    \
            type r_ = api_body_##name();                                      \
            wipc_trace_leave(on_, #name, "", NULL, 0, WIPC_TRACE_ARG(r_),     \
                             GetLastError());                                 \
            return r_;                                                        \
        }                                                                     \
        return api_body_##name();                                             \
    }                                                                         \
    static type api_body_##name(void)

#define API_FN_VOID(area, name, params, args)                                 \
    static void api_body_##name params;                                       \
    WINIPC_API void WINAPI name params                                        \
    {                                                                         \
        if (API_TRACING()) {                                                  \
            struct wipc_trace_arg none_ = {WIPC_TA_VOID, {0}};                \
            struct wipc_trace_arg a_[] = API_TRACE_ARGS args;                 \
            int on_ = wipc_trace_enter(WIPC_TRACE_##area);                    \
            api_body_##name args;                                             \
            wipc_trace_leave(on_, #name, #args, a_, API_TRACE_COUNT args,     \
                             none_, GetLastError());                          \
            return;                                                           \
        }                                                                     \
        api_body_##name args;                                                 \
    }                                                                         \
    static void api_body_##name params

#define API_FN_NORETURN(area, name, params, args)                             \
    __attribute__((noreturn)) static void api_body_##name params;             \
    WINIPC_API void WINAPI name params                                        \
    {                                                                         \
        if (API_TRACING()) {                                                  \
            struct wipc_trace_arg a_[] = API_TRACE_ARGS args;                 \
            wipc_trace_noreturn(WIPC_TRACE_##area, #name, #args, a_,          \
                                API_TRACE_COUNT args);                        \
        }                                                                     \
        api_body_##name args;                                                 \
    }                                                                         \
    static void api_body_##name params
#endif

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

/*
 * An A function's name of an event, mutex, semaphore, waitable timer, file
 * mapping or job object: Windows converts it into the thread's static
 * buffer of MAX_PATH characters and a NUL, so a longer one fails with
 * ERROR_FILENAME_EXCED_RANGE ("The name is limited to MAX_PATH
 * characters"; Wine 8 stops one character earlier, but for CreateMutexA:
 * conformance unicode_long_names).  The W functions, which call the A ones, take
 * names of up to WIPC_SYNC_NAME_UNITS units (wipc_wide_call).
 */
#define API_A_NAME_CHECK(name)                                                \
    do {                                                                      \
        if ((name) && !wipc_wide_call &&                                      \
            wipc_utf8_units(name) > MAX_PATH) {                               \
            SetLastError(ERROR_FILENAME_EXCED_RANGE);                         \
            return NULL;                                                      \
        }                                                                     \
    } while (0)

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

/* The base priority of the priority class whose nice value is nearest
 * to nice (4 IDLE ... 8 NORMAL ... 24 REALTIME; process_query_api.c). */
LONG api_base_priority(int nice);

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
 * that is not inheritable), ERROR_INVALID_HANDLE, ERROR_ACCESS_DENIED (a
 * PROC_THREAD_ATTRIBUTE_PARENT_PROCESS handle without
 * PROCESS_CREATE_PROCESS).  *parent gets that process when it is another
 * one than this (referenced; the child inherits its handles), else NULL. */
DWORD api_attr_list_apply(const STARTUPINFOA *si, DWORD flags, BOOL inherit,
                          const HANDLE **only, size_t *n_only,
                          struct wipc_object **parent);


/* A call that runs synchronously with an OVERLAPPED (a handle without
 * FILE_FLAG_OVERLAPPED) reports through it too: begin resets its event
 * before the call; done, if the call completed (a success or
 * ERROR_MORE_DATA), writes its status and count and sets the event
 * (overlapped_api.c).  The caller has set Internal to STATUS_PENDING
 * first, as Windows' kernel32 does before anything is checked. */
void api_overlapped_sync_begin(OVERLAPPED *ov);
void api_overlapped_sync_done(OVERLAPPED *ov, DWORD err, DWORD n);

#endif /* WIPC_API_H */
