/*
 * service.h: the per-process handle service, which lets DuplicateHandle
 * reach the handle table of another process.
 *
 * There is no daemon.  Every process that uses winipc runs one background
 * thread (started with its first handle, and again in a fork()ed child at
 * its first handle) that listens on the abstract AF_UNIX packet socket
 * "winipc-svc-PID".  Another process of the same user (or root) connects,
 * sends one request and reads the reply:
 *
 *   PUT    a descriptor (SCM_RIGHTS), the object's inheritance tag, access
 *          and flags: the service rebuilds the object as a child rebuilds
 *          an inherited handle, enters it in its table and answers with
 *          the new handle's value.
 *   GET    a handle value: the answer carries the object's descriptor, tag
 *          and access; with DUPLICATE_CLOSE_SOURCE the handle is closed
 *          once found.
 *   DUP    a handle value duplicated inside the service's own process (the
 *          same object: DuplicateHandle(hOther, h, hOther, ...)).
 *   CLOSE  a handle value closed.
 *   LIST   the whole handle table (see wipc_service_list).
 *   SYNC   a named event, mutex or semaphore the process holds, by its
 *          name's registry id (wipc_service_fetch_sync).
 *
 * The data itself never passes through anybody: the descriptor moves
 * straight from one process to the other.  Errors travel as Win32 codes.
 * A child this process started with CREATE_SUSPENDED has no service before
 * it is resumed: until then its table is kept here (suspended.h), and the
 * child answers others on its service's name with ERROR_NOT_SUPPORTED.
 * See docs/processes.md for what DuplicateHandle supports across processes.
 */
#ifndef WIPC_SERVICE_H
#define WIPC_SERVICE_H

#include "../core/handle.h"
#include "../core/object.h"

/*
 * Starts this process's service unless it runs already (in this process:
 * a fork()ed child starts its own).  Called with every new handle; cheap
 * once started.  Failure is silent: the process is then out of reach of
 * other processes' DuplicateHandle, which get ERROR_NOT_SUPPORTED.
 */
void wipc_service_ensure(void);

/* With hold 1, the service answers nobody until called with 0 (while
 * inherited handles enter the table, before main()). */
void wipc_service_hold(int hold);

/* The reply a child started suspended gives to every request on its
 * service's name until it is resumed (ERROR_NOT_SUPPORTED: only its parent
 * reaches its handle table meanwhile, see suspended.h): written into buf,
 * its length returned (0 if cap is too small). */
#define WIPC_SERVICE_BUSY_MAX 128
size_t wipc_service_busy_reply(void *buf, size_t cap);

/*
 * 1 if h is a handle to the process object of another process (a
 * DuplicateHandle with it takes wipc_service_duplicate's path); 0 for
 * this process, pseudo handles, NULL, or handles that are not processes.
 */
int wipc_service_is_remote(HANDLE h);

/*
 * DuplicateHandle when the source or the target process is another one.
 * Arguments as DuplicateHandle's; *out (if not NULL) gets the value valid
 * in the target process, NULL on failure.  Returns a Win32 error:
 *   ERROR_INVALID_HANDLE  a process handle that is not one, a source handle
 *                         unknown in its process, a NULL target process
 *                         without DUPLICATE_CLOSE_SOURCE (as in one process);
 *   ERROR_ACCESS_DENIED   a process handle without PROCESS_DUP_HANDLE, or
 *                         a process that has ended (as Windows answers for
 *                         a process whose handle table is gone);
 *   ERROR_NOT_SUPPORTED   an object that cannot cross processes (threads,
 *                         an unconnected named pipe instance), or another
 *                         process that does not run winipc's service.
 * With DUPLICATE_CLOSE_SOURCE the source is closed whatever the result,
 * once it has been found.  Takes and keeps no references.
 */
DWORD wipc_service_duplicate(HANDLE src_process, HANDLE src, HANDLE tgt_process,
                             HANDLE *out, ACCESS_MASK desired, BOOL inherit,
                             DWORD options);

/*
 * The named event, mutex, semaphore, timer or mapping that process pid
 * holds under the registry id (objects/sync_name.c), through its service:
 * *obj gets it rebuilt here.  uid is the registry's owner: a process of
 * that user is trusted too (its service gives another user only what was
 * made public).  ERROR_FILE_NOT_FOUND if it holds no such object; the
 * service's errors otherwise (ERROR_NOT_SUPPORTED, ERROR_ACCESS_DENIED).
 */
DWORD wipc_service_fetch_sync(DWORD pid, DWORD uid, uint64_t id,
                              struct wipc_object **obj);

/*
 * The inheritable handles of the process proc as its own table holds them
 * (values, access, HANDLE_FLAG_* flags), each with a reference on its
 * object rebuilt here, as wipc_handle_list_inheritable gives this
 * process's (which it is for this process): what a child created with
 * PROC_THREAD_ATTRIBUTE_PARENT_PROCESS proc inherits.  Handles closed
 * meanwhile and objects that cannot cross processes are left out.  Free
 * with wipc_handle_list_free.  ERROR_ACCESS_DENIED (proc has ended),
 * ERROR_NOT_SUPPORTED (it does not run winipc's service), the service's
 * errors.
 */
DWORD wipc_service_inheritable_of(struct wipc_object *proc,
                                  struct wipc_handle_info **out, size_t *n);

/* One handle of another process, as wipc_service_list reports it. */
struct wipc_remote_handle {
    HANDLE value;
    ACCESS_MASK access;
    DWORD flags;    /* HANDLE_FLAG_* */
    char type[16];  /* the object type's name: "File", "Event", "Process" */
    char tag[48];   /* what it is: "file", "event.1", "npipe...", "process.PID",
                       "thread" (the inheritance tag, see inherit.h) */
    char name[288]; /* a named object's name ("\\.\pipe\x"), else "" */
};

/*
 * The handle table of process pid, through its service: *list gets a
 * malloc'ed array of *n entries in order of value (NULL when the table is
 * empty); free it with free().  A snapshot: the process may change its
 * table at any time.  Errors: ERROR_INVALID_PARAMETER (no such process),
 * ERROR_NOT_SUPPORTED (the process does not run winipc's service),
 * ERROR_ACCESS_DENIED (it belongs to another user), ERROR_NOT_ENOUGH_MEMORY.
 * This process's own table is listed directly, without a connection.
 */
DWORD wipc_service_list(DWORD pid, struct wipc_remote_handle **list, size_t *n);

#endif /* WIPC_SERVICE_H */
