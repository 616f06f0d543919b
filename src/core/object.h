/*
 * object.h: the kernel object model.
 *
 * Every object embeds struct wipc_object as its first member and names a
 * static ops table; the ops pointer is the object's type.  An object lives
 * while references to it exist: each handle holds one, and so does every
 * call that is using the object (so a handle closed by one thread while
 * another blocks in ReadFile on it keeps its descriptor until the read
 * returns, and no descriptor number is ever reused under a running call).
 */
#ifndef WIPC_OBJECT_H
#define WIPC_OBJECT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <windows.h>

struct wipc_object;
struct wipc_io;
struct wipc_io_queue;

/* How GENERIC_* rights map to a type's specific rights. */
struct wipc_generic_mapping {
    ACCESS_MASK read, write, execute, all;
};

struct wipc_object_ops {
    const char *type_name; /* "File", "Event", "Thread", "Process"... */
    DWORD file_type;       /* GetFileType's answer, FILE_TYPE_UNKNOWN if none */
    struct wipc_generic_mapping mapping;

    /*
     * The descriptor that is readable while the object is signalled, or -1
     * if the object is always signalled (files and pipes, as on Windows).
     * NULL: the object cannot be waited on.
     */
    int (*signal_fd)(struct wipc_object *obj);

    /*
     * Called when a wait is satisfied by this object (auto-reset events
     * consume their signal here).  Returns 1 if the object was still
     * signalled and is now acquired, 0 if another waiter took it first.
     * NULL: waiting does not change the object.
     */
    int (*satisfy)(struct wipc_object *obj);

    /*
     * A wait's first look, with no system call: takes the object if it is
     * signalled (1, or 2 for an abandoned mutex), 0 if it is certainly not
     * signalled, -1 if that takes a system call to tell (then the wait
     * polls).  NULL: always -1.  Must not block.
     */
    int (*try_now)(struct wipc_object *obj);

    /*
     * Waits on a futex word instead of a descriptor (core/wait.c), for
     * types whose state is a word in shared memory.  WIPC_FUTEX_PREPARE:
     * the word to sleep on while it holds *val (the type wakes it when it
     * changes): 1, or 0 if the object is signalled now (try again), or -1
     * if it must be polled through signal_fd from now on.
     * WIPC_FUTEX_WOKEN, *val what it slept on: 1 if the object released
     * this waiter meanwhile without staying signalled (PulseEvent), which
     * the wait then counts as satisfied; else 0.  NULL: always polled.
     */
    int (*futex)(struct wipc_object *obj, int what, uint32_t **word,
                 uint32_t *val);

    /* Gives back what satisfy() took (a wait-all that could not complete). */
    void (*unsatisfy)(struct wipc_object *obj);

    /*
     * A wait for all of several objects (core/wait.c) takes them at once
     * or none, also against waiters and signallers in other processes: it
     * locks each object that has this, looks, and takes them only once all
     * are locked and signalled.  WIPC_ALL_LOCK: 1 if the object is
     * signalled for the calling thread, and it stays locked against every
     * other acquirer and signaller until the TAKE or UNLOCK; 0 if it is
     * not (nothing locked; whoever signals it next makes signal_fd
     * readable); -1 if another thread or process holds its lock (nothing
     * locked: try again).  WIPC_ALL_TAKE: takes the locked object as
     * satisfy() does and unlocks it: 1, or 2 for an abandoned mutex.
     * WIPC_ALL_UNLOCK: unlocks it untaken.  Never blocks for long.  NULL:
     * the wait takes the object through satisfy() once the others are
     * locked.
     */
    int (*wait_all)(struct wipc_object *obj, int what);

    /* I/O.  Each returns a Win32 error code; NULL means the type has none
     * (ERROR_INVALID_HANDLE, as Windows answers for such handles).  offset
     * is -1 for the file pointer, WIPC_OFFSET_END (objects.h) for the end
     * of file, or an explicit position (an OVERLAPPED's). */
    DWORD (*read)(struct wipc_object *obj, void *buf, DWORD len,
                  int64_t offset, DWORD *got);
    DWORD (*write)(struct wipc_object *obj, const void *buf, DWORD len,
                   int64_t offset, DWORD *done);
    DWORD (*flush)(struct wipc_object *obj);

    /*
     * Handle inheritance: the descriptor a child process gets for this
     * object, and in tag (at most 48 bytes) what the child needs to rebuild
     * it: "file", "event.1" (manual reset), "process.PID".  NULL: objects of
     * this type are not inherited.
     */
    void (*inherit_info)(struct wipc_object *obj, int *fd, char *tag,
                         size_t taglen);

    /* The descriptor behind the object for winipc_handle_fd(), or -1. */
    int (*get_fd)(struct wipc_object *obj);

    /* The name the object was created or opened with, for listings of a
     * process's handles ("\\.\pipe\x"); NULL or "" when it has none or
     * it is not known here.  NULL slot: objects of this type are unnamed. */
    const char *(*name)(struct wipc_object *obj);

    /*
     * Overlapped I/O (core/io.h): makes as much progress on io as it can
     * without blocking.  Returns 0 or an error once the operation is over
     * (io->done bytes moved), or ERROR_IO_PENDING after setting what to
     * wait for in io.  NULL: operations of this type run synchronously
     * even on handles opened with FILE_FLAG_OVERLAPPED.
     */
    DWORD (*io_progress)(struct wipc_object *obj, struct wipc_io *io);

    /* A pending operation that was not committed (io.h) is cancelled (or
     * aborted): the type takes back what it did (a named pipe's write
     * whose bytes are out takes them out of the stream), and returns 0.
     * Or it finds the operation over already (every byte of such a write
     * read meanwhile): 1, and it completes with a success instead.  Called
     * with the lock of the object's queue held: it must not call the
     * engine for the object, nor wait long.  NULL: nothing to take back. */
    int (*io_cancelled)(struct wipc_object *obj, struct wipc_io *io);

    /* The process's last handle to the object was closed (NULL: nothing
     * to do).  References may remain, held by calls still running in
     * other threads: what the object owns for others to see (a named pipe
     * instance's place under its name) goes now, as Windows lets it go
     * when the last handle closes, not when those calls return. */
    void (*close_last)(struct wipc_object *obj);

    /* Frees the object once the last reference is gone. */
    void (*destroy)(struct wipc_object *obj);
};

#define WIPC_FUTEX_PREPARE 0
#define WIPC_FUTEX_WOKEN 1

#define WIPC_ALL_LOCK 0
#define WIPC_ALL_TAKE 1
#define WIPC_ALL_UNLOCK 2

/* wipc_object.flags */
#define WIPC_OBJ_OVERLAPPED 1u /* opened with FILE_FLAG_OVERLAPPED */

struct wipc_object {
    const struct wipc_object_ops *ops;
    atomic_long refcount;
    /* Bumped each time the object is signalled: see
     * wipc_object_signal_publish. */
    atomic_uint signals;
    unsigned flags; /* WIPC_OBJ_*, set before the object is shared */
    /* Entries of this process's handle table that hold it (handle.c,
     * under its lock): when the last goes, pending operations end. */
    long handles;
    /* The I/O engine's state for the object (core/io.c), under its lock. */
    struct wipc_io_queue *io;
    /* Set by the type once it knows that the other end of the object's
     * connection is in another process: calls on it need not run this
     * process's pending operations (wipc_io_kick). */
    atomic_int io_peer_away;
    /* Set by the type, while the other end is in this process too: a
     * value both ends' objects share (0: not known), so that a call on one
     * end runs the other end's pending operations only (wipc_io_kick). */
    _Atomic uint64_t io_link;
};

/* Sets up the header of a new object with one reference (the caller's). */
void wipc_object_init(struct wipc_object *obj,
                      const struct wipc_object_ops *ops);

/* Takes one more reference; returns obj. */
struct wipc_object *wipc_object_grab(struct wipc_object *obj);

/* Drops one reference, destroying the object with the last one.  NULL is a
 * no-op. */
void wipc_object_release(struct wipc_object *obj);

/*
 * Signalling goes through descriptors (an eventfd written, a poll that
 * sees it), which the C memory model, and so ThreadSanitizer, cannot see
 * through.  A type calls wipc_object_signal_publish just before it makes
 * the object signalled, and a wait calls wipc_object_signal_observe on each
 * object that satisfied it: everything the signalling thread did before
 * SetEvent (or before it ended) then happens before what the waiter does
 * after its wait, as Windows promises.
 */
void wipc_object_signal_publish(struct wipc_object *obj);
void wipc_object_signal_observe(struct wipc_object *obj);

/* Maps GENERIC_* bits of access through the type's mapping. */
ACCESS_MASK wipc_object_map_access(const struct wipc_object_ops *ops,
                                   ACCESS_MASK access);

#endif /* WIPC_OBJECT_H */
