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
 * object is ("file", "event.1" for a manual-reset event, "process.PID", or
 * "process.PID.FD" when the process's exit record comes along at FD: see
 * exit_record.h; "mutex.FD" and "semaphore.FD" with their state's memfd
 * at FD: objects/sync.h).
 * A winipc child enters these in its handle table at the same values
 * before main() and removes the variable; a child that does not use winipc
 * (a shell script) can read it to find the descriptor behind a handle value
 * it was given.
 */
#ifndef WIPC_INHERIT_H
#define WIPC_INHERIT_H

#include "../core/handle.h"

#define WIPC_INHERIT_ENV "WINIPC_HANDLES"

/* The longest tag (with its terminating NUL). */
#define WIPC_INHERIT_TAG_MAX 48

/* One handle as WINIPC_HANDLES describes it to a child. */
struct wipc_inherit_item {
    HANDLE value;
    int fd;     /* the child's descriptor */
    int rec_fd; /* a process's exit record in the child ("process.PID.FD"),
                 * or -1 */
    ACCESS_MASK access;
    DWORD flags;
    char tag[WIPC_INHERIT_TAG_MAX]; /* without the ".FD" of rec_fd */
    /* A link to a completion port in the child ("TAG/FD", core/io.h), if
     * above 2 (0: none, as items are zeroed). */
    int link_fd;
};

struct wipc_inherit {
    struct wipc_handle_info *list; /* referenced objects */
    size_t list_n;
    int *fds; /* the parent's descriptors, to place at 3 + i */
    size_t n;
    int *owned; /* descriptors made for the child (exit records), closed
                 * on release */
    size_t n_owned;
    struct wipc_inherit_item *items; /* what env says, n_items of them */
    size_t n_items;
    char *env; /* "WINIPC_HANDLES=..." or NULL when nothing is inherited */
};

/* Collects this process's inheritable handles (those among only[0..n_only-1]
 * if only is not NULL).  Release with wipc_inherit_release (also after
 * failure). */
DWORD wipc_inherit_prepare(struct wipc_inherit *inh, const HANDLE *only,
                           size_t n_only);
void wipc_inherit_release(struct wipc_inherit *inh);

/* The same with the inheritable handles of the process parent (another
 * process running winipc, or this one), at the values its table gives
 * them: PROC_THREAD_ATTRIBUTE_PARENT_PROCESS (service.h,
 * wipc_service_inheritable_of, for the errors). */
DWORD wipc_inherit_prepare_from(struct wipc_inherit *inh,
                                struct wipc_object *parent, const HANDLE *only,
                                size_t n_only);

/*
 * "WINIPC_HANDLES=..." for n items (malloc'ed, in *env; NULL when n is 0).
 * ERROR_NOT_ENOUGH_MEMORY.
 */
DWORD wipc_inherit_format(const struct wipc_inherit_item *items, size_t n,
                          char **env);

/* Enters the handles a parent passed in WINIPC_HANDLES into the table and
 * removes the variable from the environment.  Runs before main(). */
void wipc_inherit_adopt(void);

/*
 * What another process needs to rebuild obj: the descriptor to send (still
 * owned by obj) and the tag, as inheritance passes them.  Errors:
 * ERROR_NOT_SUPPORTED for objects that cannot cross processes (threads, a
 * named pipe instance that is not connected).
 */
DWORD wipc_inherit_describe(struct wipc_object *obj, int *fd, char *tag,
                            size_t taglen);

/*
 * wipc_inherit_describe for objects that may need a second descriptor
 * (a mutex's or semaphore's state, objects/sync.h; a link to the
 * completion port a file is associated with, core/io.h): *fd2 gets it, or
 * -1.  The caller closes *fd2 once it is sent (*fd stays obj's).
 */
DWORD wipc_inherit_describe2(struct wipc_object *obj, int *fd, int *fd2,
                             char *tag, size_t taglen);

/* wipc_inherit_rebuild with that second descriptor (-1 if none), which is
 * taken over too (the port link of a file's, core/io.h). */
DWORD wipc_inherit_rebuild2(const char *tag, int fd, int fd2,
                            struct wipc_object **obj);

/*
 * Rebuilds an object from a tag and a descriptor received from another
 * process, as a child does with its inherited handles: *obj gets the new
 * object with one reference.  fd is taken over, also on failure (then it is
 * closed).  ERROR_INVALID_DATA for an unknown tag.
 */
DWORD wipc_inherit_rebuild(const char *tag, int fd, struct wipc_object **obj);

#endif /* WIPC_INHERIT_H */
