/*
 * registry_list.h: listing the named objects of the namespace, for the
 * winipc tool's "pipes" and "mailslots" commands (internal: hidden in the
 * shared library, reached through the static one).
 *
 * A listing reads the registry files (see namespace.h) and changes
 * nothing: each file is read under its mutex, so an entry is a consistent
 * snapshot of its object, but the listing as a whole is not (objects come
 * and go while it runs).  Objects with no live server or receiver are left
 * out, as are other users' private objects, whose files cannot be opened.
 * A process that does not run the library has no way to know what a
 * receiver holds queued: mailslot entries say nothing about queued messages.
 */
#ifndef WIPC_REGISTRY_LIST_H
#define WIPC_REGISTRY_LIST_H

#include <stddef.h>

#include <windows.h>

#include "../core/namespace.h"

/* One live server instance of a named pipe. */
struct wipc_npipe_instance {
    DWORD server_pid; /* the process that created the instance */
    int listening;    /* 1: waiting for a client; 0: connected or busy */
};

struct wipc_npipe_status {
    char name[WIPC_NS_NAME_MAX + 16]; /* as given: "\\.\pipe\NAME" */
    DWORD owner_uid;                  /* the user that created the pipe */
    int is_public;                    /* other users may connect */
    DWORD open_mode;                  /* PIPE_ACCESS_INBOUND/OUTBOUND/DUPLEX */
    DWORD pipe_type;                  /* PIPE_TYPE_BYTE or PIPE_TYPE_MESSAGE */
    DWORD read_mode;     /* PIPE_READMODE_* the instances were created with (a
                          * handle may change its own later) */
    DWORD max_instances; /* PIPE_UNLIMITED_INSTANCES (255): no limit */
    DWORD default_timeout, out_size, in_size;
    int reject_remote;   /* PIPE_REJECT_REMOTE_CLIENTS (the first instance's) */
    size_t ninstances;                     /* live instances */
    struct wipc_npipe_instance *instances; /* malloc'ed, in slot order */
};

struct wipc_mailslot_status {
    char name[WIPC_NS_NAME_MAX + 16]; /* as given: "\\.\mailslot\NAME" */
    DWORD owner_uid;
    int is_public;
    DWORD max_msg;      /* largest message; 0: any size */
    DWORD receiver_pid; /* the process that created the receiver (which may
                         * have handed it to a child since, and exited) */
};

/*
 * The state of the named pipe whose registry file is path (named_pipe.c).
 * On success st->instances is malloc'ed: free it (wipc_npipe_status_clear).
 * Errors: ERROR_FILE_NOT_FOUND (no file, not a pipe registry, or no live
 * instance), ERROR_ACCESS_DENIED (another user's private pipe),
 * ERROR_NOT_ENOUGH_MEMORY.
 */
DWORD wipc_npipe_status(const char *path, struct wipc_npipe_status *st);
void wipc_npipe_status_clear(struct wipc_npipe_status *st);

/*
 * The state of the mailslot whose registry file is path (mailslot.c).
 * Errors: ERROR_FILE_NOT_FOUND (no file, not a mailslot registry, or no
 * receiver bound), ERROR_ACCESS_DENIED (another user's private mailslot).
 */
DWORD wipc_mailslot_status(const char *path, struct wipc_mailslot_status *st);

/*
 * Every live named pipe (mailslot) in the namespace, sorted by encoded
 * name, in a malloc'ed array of *n entries (NULL when there are none);
 * free it with the matching free function (which accepts NULL).  Errors:
 * ERROR_NOT_ENOUGH_MEMORY, or the error of reading the namespace folder
 * (ERROR_ACCESS_DENIED); files that vanish or cannot be read meanwhile are
 * skipped, not errors.
 */
DWORD wipc_registry_list_pipes(struct wipc_npipe_status **out, size_t *n);
void wipc_registry_free_pipes(struct wipc_npipe_status *list, size_t n);
DWORD wipc_registry_list_mailslots(struct wipc_mailslot_status **out,
                                   size_t *n);
void wipc_registry_free_mailslots(struct wipc_mailslot_status *list, size_t n);

#endif /* WIPC_REGISTRY_LIST_H */
