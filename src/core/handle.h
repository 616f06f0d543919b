/*
 * handle.h: the process's handle table.
 *
 * Handle values have Windows' shape: (index + 1) << 2, so they are non-zero
 * multiples of 4; the two low bits of a value are ignored on lookup, as the
 * Windows kernel ignores them.  The lowest free index is used first.
 * GetCurrentProcess() ((HANDLE)-1) and GetCurrentThread() ((HANDLE)-2) are
 * pseudo handles resolved here without a table entry.  All functions are
 * safe to call from any thread.
 */
#ifndef WIPC_HANDLE_H
#define WIPC_HANDLE_H

#include "object.h"

#define WIPC_PSEUDO_PROCESS ((HANDLE)(LONG_PTR)-1)
#define WIPC_PSEUDO_THREAD ((HANDLE)(LONG_PTR)-2)

/*
 * What the handle table needs from the process layer above it
 * (src/process/startup.c provides the one instance): the table knows
 * nothing of object types, so the pseudo handles' objects and the
 * process's start-up reach it through this table.
 *
 * It is a definition the table refers to, not a registration made at run
 * time, so that a program linked statically gets the process layer's
 * start-up whatever functions it calls.
 */
struct wipc_handle_hooks {
    /* Before main(): the exit hook, then the handles inherited from the
     * parent enter the table at their values. */
    void (*process_start)(void);
    /* Before each new entry: the process can be reached by other
     * processes' DuplicateHandle from then on (cheap after the first). */
    void (*before_alloc)(void);
    /* The objects of GetCurrentProcess() and GetCurrentThread(), with a
     * new reference; an ERROR_* code on failure. */
    DWORD (*self_process)(struct wipc_object **out);
    DWORD (*self_thread)(struct wipc_object **out);
};
extern const struct wipc_handle_hooks wipc_handle_hooks;

/* The flags GetHandleInformation reports (HANDLE_FLAG_*). */
#define WIPC_HANDLE_FLAGS (HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE)

/*
 * Enters obj in the table with the given access (already mapped from
 * GENERIC_*) and HANDLE_FLAG_* flags.  Takes a new reference on obj for the
 * entry; the caller keeps its own.  Returns ERROR_NOT_ENOUGH_MEMORY (table
 * cannot grow) or ERROR_NO_SYSTEM_RESOURCES (too many handles) on failure.
 */
DWORD wipc_handle_alloc(struct wipc_object *obj, ACCESS_MASK access,
                        DWORD flags, HANDLE *out);

/*
 * As wipc_handle_alloc, at a value no handle of this process has had so
 * far.  For handles the program did not ask for (the standard handles that
 * GetStdHandle makes on first use): on Windows those exist before main(),
 * so they can never take the value of a handle the program has closed, and
 * a stale value must stay invalid.
 */
DWORD wipc_handle_alloc_fresh(struct wipc_object *obj, ACCESS_MASK access,
                              DWORD flags, HANDLE *out);

/*
 * Looks up h and returns its object with a new reference in *obj (release
 * it with wipc_object_release) and the handle's access in *granted (may be
 * NULL).  type, if not NULL, is the only ops table accepted; need is the
 * access the caller requires.  Errors: ERROR_INVALID_HANDLE (unknown,
 * closed, NULL, or of another type), ERROR_ACCESS_DENIED (need not granted).
 */
DWORD wipc_handle_ref(HANDLE h, const struct wipc_object_ops *type,
                      ACCESS_MASK need, struct wipc_object **obj,
                      ACCESS_MASK *granted);

/*
 * A look-up for a call that uses the object only for a moment and never
 * blocks meanwhile (ReleaseMutex, SetEvent, a wait satisfied at once): no
 * lock and no reference.  On success *obj stays valid until the caller
 * calls wipc_handle_unpeek(slot) (slot < WIPC_HANDLE_PEEK_SLOTS, one per
 * object it holds at once); wipc_handle_ref on it meanwhile gives a
 * reference to keep.  Errors as wipc_handle_ref's, and
 * ERROR_NOT_SUPPORTED when this way cannot tell (a pseudo handle, an
 * entry changing meanwhile): then the caller uses wipc_handle_ref.
 */
#define WIPC_HANDLE_PEEK_SLOTS 64
DWORD wipc_handle_peek(HANDLE h, const struct wipc_object_ops *type,
                       ACCESS_MASK need, int slot, struct wipc_object **obj);
/* Lets go of the slot (also one that holds nothing). */
void wipc_handle_unpeek(int slot);

/* How many entries of this process's table hold obj (0: the process has
 * closed every handle to it, though calls in progress may still use it). */
long wipc_handle_count(struct wipc_object *obj);

/*
 * Removes h from the table and drops the entry's reference.  Closing a
 * pseudo handle succeeds and does nothing.  Errors: ERROR_INVALID_HANDLE
 * for unknown handles and for handles marked HANDLE_FLAG_PROTECT_FROM_CLOSE
 * (which stay open).
 */
DWORD wipc_handle_close(HANDLE h);

/* The HANDLE_FLAG_* flags of h (none for a pseudo handle).
 * ERROR_INVALID_HANDLE if unknown. */
DWORD wipc_handle_get_flags(HANDLE h, DWORD *flags);

/* Sets the flags selected by mask to the values in flags.
 * ERROR_INVALID_HANDLE if unknown, ERROR_ACCESS_DENIED for a pseudo handle
 * (whose flags cannot be set, even with an empty mask). */
DWORD wipc_handle_set_flags(HANDLE h, DWORD mask, DWORD flags);

/*
 * Gives the existing handle h new access and HANDLE_FLAG_* flags, in place
 * (DuplicateHandle with DUPLICATE_CLOSE_SOURCE within one process: the
 * duplicate takes the source's value).  Errors: ERROR_INVALID_HANDLE if h
 * is unknown or a pseudo handle, ERROR_ACCESS_DENIED if h is marked
 * HANDLE_FLAG_PROTECT_FROM_CLOSE (it cannot be closed, so it cannot be
 * reused either).
 */
DWORD wipc_handle_reset(HANDLE h, ACCESS_MASK access, DWORD flags);

/*
 * Enters obj at the given handle value (for handles inherited from the
 * parent, which keep their values).  Takes a new reference.  Errors:
 * ERROR_INVALID_HANDLE if the value is malformed or already in use.
 */
DWORD wipc_handle_alloc_at(HANDLE value, struct wipc_object *obj,
                           ACCESS_MASK access, DWORD flags);

/* One inheritable handle, as wipc_handle_list_inheritable reports it. */
struct wipc_handle_info {
    HANDLE value;
    struct wipc_object *obj; /* referenced */
    ACCESS_MASK access;
    DWORD flags;
};

/*
 * A snapshot of every handle marked HANDLE_FLAG_INHERIT, each with a
 * reference on its object, in a malloc'ed array (*n entries; NULL when
 * none).  Free it with wipc_handle_list_free.
 */
DWORD wipc_handle_list_inheritable(struct wipc_handle_info **out, size_t *n);
/* The same for every handle of the table, in order of value. */
DWORD wipc_handle_list_all(struct wipc_handle_info **out, size_t *n);
void wipc_handle_list_free(struct wipc_handle_info *list, size_t n);

/* 1 if h is a pseudo handle (GetCurrentProcess() or GetCurrentThread()). */
int wipc_handle_is_pseudo(HANDLE h);

#endif /* WIPC_HANDLE_H */
