/*
 * namespace.h: where named objects (pipes, mailslots) live.
 *
 * Each named object has a registry file under the namespace root:
 *
 *   ROOT/pipe/ENCODED-NAME       ROOT/mailslot/ENCODED-NAME
 *
 * ROOT is $WINIPC_ROOT, or /tmp/.winipc (a sticky, world-writable
 * directory, so that objects whose security allows it can be reached by
 * other users while nobody can remove another user's file).  The encoded
 * name is the Windows name folded to lower case (names are
 * case-insensitive) with every byte outside [a-z0-9_-] written as %XX, so no
 * name can reach outside its folder ("..", "/" and "\" are all encoded).
 *
 * A registry file holds a header and slots, and is guarded by open file
 * description locks, which the kernel drops when their holder dies: byte 0
 * of the lock space is the registry's mutex, byte 1 + i is held by whoever
 * owns slot i (a named pipe's server instance, a mailslot's receiver).  So
 * a crashed process frees its slots at once, with no daemon to notice.
 *
 * ROOT/exit holds the exit records of processes (core/exit_record.h).
 */
#ifndef WIPC_NAMESPACE_H
#define WIPC_NAMESPACE_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

#define WIPC_NS_PIPE "pipe"
#define WIPC_NS_MAILSLOT "mailslot"
#define WIPC_NS_PATH_MAX 1024
#define WIPC_NS_NAME_MAX 256

/* The namespace root (created on first use). */
const char *wipc_ns_root(void);

/* The namespace root's path, without creating it. */
const char *wipc_ns_root_path(void);

/* 1 if s starts with prefix, ignoring ASCII case. */
int wipc_ns_is_prefix(const char *s, const char *prefix);

/*
 * If full starts with prefix (case-insensitive, e.g. "\\.\pipe\"), checks
 * the rest as a name and writes the registry path of kind into path.
 * Returns ERROR_INVALID_NAME for an empty or too long name, or one with a
 * character the kind does not allow (allow_backslash: mailslots have
 * pseudo-directories).  ERROR_BAD_PATHNAME if full lacks the prefix.
 */
DWORD wipc_ns_path(const char *full, const char *prefix, const char *kind,
                   int allow_backslash, char *path, size_t pathlen);

/*
 * Opens (create: creating with mode) the registry file at path and locks its
 * mutex, making sure the file locked is still the one at path (a last user
 * may have removed it meanwhile).  *created tells whether this call created
 * it.  Errors: ERROR_FILE_NOT_FOUND, ERROR_ACCESS_DENIED (another user's
 * object).
 */
DWORD wipc_ns_open_locked(const char *path, int create, unsigned mode,
                          int *fd, int *created);

/* Unlocks the registry's mutex (the descriptor stays open). */
void wipc_ns_unlock(int fd);

/* Removes the registry file; call with the mutex held. */
void wipc_ns_remove_locked(const char *path);

/* Lock-space offsets. */
#define WIPC_NS_LOCK_MUTEX 0u
#define WIPC_NS_LOCK_SLOT(i) (1u + (uint64_t)(i))

#endif /* WIPC_NAMESPACE_H */
