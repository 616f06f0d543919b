/*
 * namespace.h: where named objects (pipes, mailslots) live, and whom to
 * trust there (docs/security.md).
 *
 * Each named object has a registry file directly in the namespace root:
 *
 *   ROOT/pipe.ENCODED-NAME       ROOT/mailslot.ENCODED-NAME
 *
 * ROOT is $WINIPC_ROOT, or /tmp/.winipc: shared by every user of the
 * machine (root's, sticky and world-writable like /tmp, made at boot by the
 * tmpfiles.d entry installed with the library), or a user's own.  There is
 * no subfolder: it would belong to whichever user made it first, who could
 * then remove everybody else's files in it.  The encoded name is the
 * Windows name without case (names are case-insensitive: ASCII letters in
 * lower case, other letters as their capitals by Windows' upcase table,
 * wipc_upcase) with every byte outside [a-z0-9_-] written as %XX, so no
 * name can reach outside the root, and no encoded name holds the '.' that
 * ends the kind.
 *
 * The root is hostile ground: any user may put anything at any name.  It is
 * opened once per process without following a link and checked (owner,
 * type, mode); every file in it is opened relative to that descriptor,
 * never through a link, never blocking on a FIFO, and checked before one
 * byte is read or written: a regular file with one link, that nobody but
 * its owner can write, owned by the caller when the caller is to write it.
 * Only a registry's owner ever writes it; clients read it.
 *
 * A registry file holds a header and slots, and is guarded by open file
 * description locks, which the kernel drops when their holder dies: byte 0
 * of the lock space is the registry's mutex (the owner's writers take it
 * exclusive, readers shared), byte 1 + i is held by whoever owns slot i (a
 * named pipe's server instance).  So a crashed process frees its slots at
 * once, with no daemon to notice.  A lock that another user can hold is
 * never waited for longer than WIPC_NS_LOCK_BOUND_MS.
 *
 * ROOT/exit.PID-START files are the exit records of processes
 * (process/exit_record.h).
 */
#ifndef WIPC_NAMESPACE_H
#define WIPC_NAMESPACE_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

#define WIPC_NS_PIPE "pipe"
#define WIPC_NS_MAILSLOT "mailslot"
#define WIPC_NS_EXIT "exit"
#define WIPC_NS_PATH_MAX 1024
#define WIPC_NS_NAME_MAX 256

/* How long a lock that another user may hold is waited for. */
#define WIPC_NS_LOCK_BOUND_MS 1000

/* The namespace root's path (created and checked on first use). */
const char *wipc_ns_root(void);

/* The namespace root's path, without creating it. */
const char *wipc_ns_root_path(void);

/* The root's descriptor, checked once per process (created if absent), or
 * why it cannot be trusted: ERROR_ACCESS_DENIED. */
DWORD wipc_ns_dir(int *dirfd);

/* 1 if s starts with prefix, ignoring ASCII case. */
int wipc_ns_is_prefix(const char *s, const char *prefix);

/*
 * Windows' other spellings of a device path, as the "\\.\" form the
 * name functions take: "\\?\pipe\x" (the verbatim form: discord-rpc's),
 * "//./pipe/x", "//?/mailslot/a/b", "\\.\pipe/x".  The prefix's
 * separators may be '/' except in the verbatim form (exactly "\\?\",
 * where Windows converts nothing); so may the separator after the device
 * ("pipe", "mailslot", any other), and, outside the verbatim form, those of
 * a mailslot's pseudo-directories.  A pipe's own name is kept as written,
 * so the registry file it encodes to (wipc_ns_path) is the one the
 * "\\.\pipe\" spelling always had.  A name starting "\\?\" followed by
 * a separator is a file path, not a device: left alone.
 * Returns out (holding the "\\.\" form) or, when name is no such
 * spelling, is NULL, or does not fit in outlen bytes, name itself.
 */
const char *wipc_ns_device_form(const char *name, char *out, size_t outlen);

/*
 * If full starts with prefix (case-insensitive, e.g. "\\.\pipe\"), checks
 * the rest as a name and writes the registry file name of kind into name
 * ("kind.ENCODED", relative to the root).  Returns ERROR_INVALID_NAME for an
 * empty or too long name, or one with a character the kind does not allow
 * (allow_backslash: mailslots have pseudo-directories).  ERROR_BAD_PATHNAME
 * if full lacks the prefix.
 */
DWORD wipc_ns_path(const char *full, const char *prefix, const char *kind,
                   int allow_backslash, char *name, size_t namelen);

/* How a registry file is opened (wipc_ns_open). */
enum wipc_ns_how {
    WIPC_NS_CREATE, /* its owner, making it if absent: read-write, mutex */
    WIPC_NS_OWNER,  /* its owner, if it exists: read-write, mutex */
    WIPC_NS_READ,   /* anyone, if it exists: mutex shared; read-only
                     * unless it is the caller's own (then read-write) */
    WIPC_NS_PEEK,   /* the same, without the mutex (wipc_ns_lock it) */
};

/* An open registry file, and what was checked of it. */
struct wipc_ns_file {
    int fd;
    DWORD owner;    /* its owner's uid */
    uint64_t size;  /* its size when opened */
    uint64_t dev, ino;
    int bounded;    /* others may hold its locks: waits are bounded */
    int mine;       /* owned by the caller's user */
};

/*
 * Opens the registry file name (relative to the root) and takes its mutex,
 * making sure, unless how is WIPC_NS_READ or _PEEK, that the file locked is still the
 * one at name (a last user may have removed it meanwhile): a reader that
 * finds no live object in what it opened must check wipc_ns_still_there
 * before it concludes that there is none.  With WIPC_NS_CREATE, a new file gets mode
 * (0600 private, 0644 public) and *created is set.  Errors:
 * ERROR_FILE_NOT_FOUND (absent), ERROR_ACCESS_DENIED (the root or the file
 * fails a check: a link, not a regular file, more than one link, writable
 * by others than its owner, not the caller's when it is to write it),
 * ERROR_LOCK_VIOLATION (another user holds the mutex past the bound).
 */
DWORD wipc_ns_open(const char *name, enum wipc_ns_how how, unsigned mode,
                   struct wipc_ns_file *f, int *created);

/* Takes the mutex again on a registry opened by wipc_ns_open (how: as it
 * was opened, shared for WIPC_NS_READ); bounded as f says. */
DWORD wipc_ns_lock(const struct wipc_ns_file *f, int shared);

/* Checks again, as wipc_ns_open(WIPC_NS_PEEK) did, a registry kept open
 * since (its owner, or root, may have changed its mode), and updates f:
 * ERROR_FILE_NOT_FOUND if it has been removed, ERROR_ACCESS_DENIED if it
 * fails a check now. */
DWORD wipc_ns_recheck(struct wipc_ns_file *f);

/* Unlocks the registry's mutex (the descriptor stays open). */
void wipc_ns_unlock(int fd);

/* 1 if fd is still the file at name (not removed or replaced). */
int wipc_ns_still_there(int fd, const char *name);

/* Removes the registry file name if it is the caller's; call with the
 * mutex held. */
void wipc_ns_remove_locked(const char *name);

/* The names of the registry files of kind ("kind.*"), relative to the
 * root; wipc_plat_free_names() them. */
DWORD wipc_ns_list(const char *kind, char ***names, size_t *n);

/* Lock-space offsets. */
#define WIPC_NS_LOCK_MUTEX 0u
#define WIPC_NS_LOCK_SLOT(i) (1u + (uint64_t)(i))

#endif /* WIPC_NAMESPACE_H */
