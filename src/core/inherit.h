/*
 * inherit.h: handle inheritance across CreateProcess.
 *
 * The parent places the descriptor of every inheritable handle at 3, 4, ...
 * in the child and describes them in one environment variable:
 *
 *   WINIPC_HANDLES=VALUE:FD:ACCESS:FLAGS:TAG;VALUE:FD:ACCESS:FLAGS:TAG;...
 *
 * VALUE is the handle value and ACCESS its access mask (both hex, 0x...),
 * FD the child's descriptor, FLAGS the HANDLE_FLAG_* bits and TAG what the
 * object is ("file", "event.1" for a manual-reset event, "process.PID").
 * A winipc child enters these in its handle table at the same values
 * before main() and removes the variable; a child that does not use winipc
 * (a shell script) can read it to find the descriptor behind a handle value
 * it was given.
 */
#ifndef WIPC_INHERIT_H
#define WIPC_INHERIT_H

#include "handle.h"

#define WIPC_INHERIT_ENV "WINIPC_HANDLES"

struct wipc_inherit {
    struct wipc_handle_info *list; /* referenced objects */
    size_t list_n;
    int *fds; /* the parent's descriptors, to place at 3 + i */
    size_t n;
    char *env; /* "WINIPC_HANDLES=..." or NULL when nothing is inherited */
};

/* Collects this process's inheritable handles.  Release with
 * wipc_inherit_release (also after failure). */
DWORD wipc_inherit_prepare(struct wipc_inherit *inh);
void wipc_inherit_release(struct wipc_inherit *inh);

/* Enters the handles a parent passed in WINIPC_HANDLES into the table and
 * removes the variable from the environment.  Runs before main(). */
void wipc_inherit_adopt(void);

#endif /* WIPC_INHERIT_H */
