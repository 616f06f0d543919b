/*
 * wait.h: waiting for objects to be signalled.
 */
#ifndef WIPC_WAIT_H
#define WIPC_WAIT_H

#include "object.h"

/*
 * Waits until one (all == FALSE) or all (all == TRUE) of the n objects are
 * signalled, or timeout_ms passes (INFINITE: never).  *result gets
 * WAIT_OBJECT_0 + index (the lowest signalled index when several are) or
 * WAIT_TIMEOUT.  A wait that is satisfied consumes what the object's type
 * consumes (an auto-reset event's signal), for all objects at once when all
 * is TRUE.  Returns ERROR_* on failure (ERROR_INVALID_HANDLE for an object
 * that cannot be waited on, ERROR_INVALID_PARAMETER for a wait for all that
 * names one object twice).  The caller holds the references.
 */
DWORD wipc_wait(struct wipc_object *const *objs, DWORD n, BOOL all,
                DWORD timeout_ms, DWORD *result);

/* As wipc_wait, and ends with WAIT_IO_COMPLETION (having acquired
 * nothing) as soon as alert_fd (apc.h's; -1: none) is readable: calls are
 * queued to the thread, for the caller to run. */
DWORD wipc_wait_alertable(struct wipc_object *const *objs, DWORD n, BOOL all,
                          DWORD timeout_ms, int alert_fd, DWORD *result);

#endif /* WIPC_WAIT_H */
