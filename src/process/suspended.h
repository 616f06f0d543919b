/*
 * suspended.h: the handle table of a child started with CREATE_SUSPENDED,
 * kept by its parent until ResumeThread.
 *
 * Before it is resumed, the child has not started its program: it waits
 * just before execve (platform/posix_spawn.c) and runs no handle service.
 * So its parent, which knows exactly which handles the child starts with
 * (the inherited ones, at their values and descriptors), keeps its table
 * meanwhile:
 *
 *   - a handle duplicated into the child takes the lowest value free in
 *     it (neither inherited nor duplicated in before); the parent holds the
 *     object until the child is resumed;
 *   - a handle of the child (inherited or duplicated in) can be duplicated
 *     out of it: an inherited one's descriptor is fetched from the waiting
 *     child over its channel, as the handle service would send it;
 *   - DUPLICATE_CLOSE_SOURCE closes it there: an inherited descriptor is
 *     closed in the child, a duplicated one is simply dropped;
 *   - ResumeThread places the duplicated handles' descriptors after the
 *     inherited ones and rewrites the child's WINIPC_HANDLES so that it
 *     lists every handle the child has, at its value (process/inherit.h): the
 *     program finds them before main(), as inherited handles.
 *
 * Only the parent has the table: another process finds the child's service
 * name answered with ERROR_NOT_SUPPORTED until the child is resumed.
 */
#ifndef WIPC_SUSPENDED_H
#define WIPC_SUSPENDED_H

#include "inherit.h"

struct wipc_suspended;

/*
 * The table of a child just started suspended: its handles are inh's items
 * (the inherited ones), its channel chan (taken over, also on failure: see
 * wipc_plat_spawn).  ERROR_NOT_ENOUGH_MEMORY.
 */
DWORD wipc_suspended_new(const struct wipc_inherit *inh, int chan,
                         struct wipc_suspended **out);

/* Ends the table (wipc_suspended_end) and frees it; NULL is a no-op. */
void wipc_suspended_free(struct wipc_suspended *s);

/* 1 while the child waits to be resumed. */
int wipc_suspended_waiting(struct wipc_suspended *s);

/*
 * The operations of DuplicateHandle on the child's table.  Each sets
 * *taken to 0 and does nothing else once the child has been resumed: the
 * caller then turns to the child's own service.  A child that was
 * terminated before it was resumed is ERROR_ACCESS_DENIED (as a process
 * whose table is gone).
 *
 * put:   obj enters the table with access and flags (HANDLE_FLAG_INHERIT);
 *        *out its value there.  ERROR_NOT_SUPPORTED for an object that
 *        cannot cross processes.  The caller keeps its reference.
 * get:   the object behind h, with a new reference in *obj and the handle's
 *        access in *granted; with close_source, h is closed there once
 *        found (whatever happens next).  ERROR_INVALID_HANDLE if h is not
 *        in the table.
 * close: h is closed there; ERROR_INVALID_HANDLE if it is not in the table.
 * Pseudo handles are the caller's to resolve.
 */
DWORD wipc_suspended_put(struct wipc_suspended *s, struct wipc_object *obj,
                         ACCESS_MASK access, DWORD flags, HANDLE *out,
                         int *taken);
DWORD wipc_suspended_get(struct wipc_suspended *s, HANDLE h, int close_source,
                         struct wipc_object **obj, ACCESS_MASK *granted,
                         int *taken);
DWORD wipc_suspended_close(struct wipc_suspended *s, HANDLE h, int *taken);

/*
 * ResumeThread: hands the child its table (see the file comment) and lets
 * it go on to execve.  Returns once the child no longer answers on its
 * service's name.  Nothing happens if it was resumed or ended before.
 */
void wipc_suspended_resume(struct wipc_suspended *s);

/*
 * The child will never be resumed (TerminateProcess, or its last handle in
 * this process is gone): the objects held for it are released and its
 * channel closed (a child still alive then stays suspended until it is
 * killed, as on Windows).  Nothing happens if it was resumed before.
 */
void wipc_suspended_end(struct wipc_suspended *s);

#endif /* WIPC_SUSPENDED_H */
