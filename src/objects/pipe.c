/*
 * pipe.c: anonymous pipes, as Linux pipes.
 *
 * Each end is a file object over one end of a pipe(2).  What differs from a
 * plain file is how the ends report a vanished peer: a read on an empty pipe
 * whose writers are all gone fails with ERROR_BROKEN_PIPE (not a 0-byte
 * success), a write without readers fails with ERROR_NO_DATA, and neither
 * ever raises SIGPIPE.
 *
 * PIPE_NOWAIT (SetNamedPipeHandleState) is O_NONBLOCK on the end's
 * descriptor.  Both belong to what every handle to the end shares: on
 * Windows the mode is the file object's, which duplicated and inherited
 * handles share; on Linux O_NONBLOCK is the open file description's, which
 * dup'ed and inherited descriptors share.  A read of an empty pipe then
 * fails at once with ERROR_NO_DATA, a write writes what fits.
 */
#include <stdlib.h>

#include "objects.h"

static inline int pipe_fd(struct wipc_object *obj)
{
    return ((struct wipc_file *)obj)->fd;
}

static int pipe_signal_fd(struct wipc_object *obj)
{
    (void)obj;
    return -1; /* a pipe handle is a file handle: always signalled */
}

/* 1 if the pipe is empty and every write handle is gone.  poll() first:
 * data that arrives after it shows in the count, so it is never taken for
 * a hang-up. */
static int pipe_read_end_broken(struct wipc_object *obj)
{
    size_t queued = 0;
    int ready = 0;
    if (wipc_plat_wait_readable(pipe_fd(obj), 0, &ready) || !ready)
        return 0;
    return wipc_plat_pipe_queued(pipe_fd(obj), &queued) == 0 && queued == 0;
}

/*
 * A null read waits as any read does: until the pipe holds data (then it
 * succeeds, reading nothing) or every writer is gone (ERROR_BROKEN_PIPE),
 * as Wine's pipes do.  A reader that takes the data between our poll and
 * our count only sends us back to waiting.
 */
static DWORD pipe_null_read(struct wipc_object *obj)
{
    if (wipc_plat_is_nonblock(pipe_fd(obj))) {
        size_t queued = 0;
        DWORD err = wipc_plat_pipe_queued(pipe_fd(obj), &queued);
        if (err || queued > 0)
            return err;
        return pipe_read_end_broken(obj) ? ERROR_BROKEN_PIPE : ERROR_NO_DATA;
    }
    for (;;) {
        size_t queued = 0;
        int ready = 0;
        DWORD err = wipc_plat_wait_readable(pipe_fd(obj), -1, &ready);
        if (!err)
            err = wipc_plat_pipe_queued(pipe_fd(obj), &queued);
        if (err)
            return err;
        if (queued > 0)
            return 0;
        if (pipe_read_end_broken(obj))
            return ERROR_BROKEN_PIPE;
    }
}

static DWORD pipe_read(struct wipc_object *obj, void *buf, DWORD len,
                       int64_t offset, DWORD *got)
{
    size_t n = 0;
    DWORD err;

    (void)offset; /* pipes have no position */
    *got = 0;
    if (len == 0)
        return pipe_null_read(obj);
    /* With PIPE_NOWAIT an empty pipe is EAGAIN: ERROR_NO_DATA. */
    err = wipc_plat_read(pipe_fd(obj), buf, len, -1, &n);
    if (err)
        return err;
    if (n == 0)
        return ERROR_BROKEN_PIPE; /* empty, and every writer is gone */
    *got = (DWORD)n;
    return 0;
}

static DWORD pipe_write(struct wipc_object *obj, const void *buf, DWORD len,
                        int64_t offset, DWORD *done)
{
    size_t n = 0;
    DWORD err;

    (void)offset;
    *done = 0;
    /* Null write succeeds without touching the pipe, unless no reader is
     * left: Windows fails it like any other write. */
    if (len == 0 && !wipc_plat_pipe_has_reader(pipe_fd(obj)))
        return ERROR_NO_DATA;
    /* PIPE_NOWAIT: "When writing to a nonblocking, byte-mode pipe handle
     * with insufficient buffer space, WriteFile returns TRUE with
     * *lpNumberOfBytesWritten < nNumberOfBytesToWrite" (WriteFile). */
    if (wipc_plat_is_nonblock(pipe_fd(obj)))
        err = wipc_plat_write_nowait(pipe_fd(obj), buf, len, &n);
    else
        err = wipc_plat_write(pipe_fd(obj), buf, len, -1, &n);
    *done = (DWORD)n;
    return err; /* EPIPE maps to ERROR_NO_DATA */
}

/*
 * FlushFileBuffers on a pipe returns once the reader has taken everything
 * queued.  Linux has no notification for "drained", so poll the queue with
 * a short back-off.  Once no reader is left nothing queued can be read any
 * more: the flush is over, and succeeds (as Wine's does).
 */
static DWORD pipe_flush(struct wipc_object *obj)
{
    DWORD delay = 1;
    for (;;) {
        size_t queued = 0;
        DWORD err = wipc_plat_pipe_queued(pipe_fd(obj), &queued);
        if (err)
            return err;
        if (queued == 0 || !wipc_plat_pipe_has_reader(pipe_fd(obj)))
            return 0;
        wipc_plat_sleep_ms(delay);
        if (delay < 16)
            delay *= 2;
    }
}

const struct wipc_object_ops wipc_pipe_end_ops = {
    .type_name = "File",
    .file_type = FILE_TYPE_PIPE,
    .mapping = {FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE,
                FILE_ALL_ACCESS},
    .signal_fd = pipe_signal_fd,
    .read = pipe_read,
    .write = pipe_write,
    .flush = pipe_flush,
    .inherit_info = wipc_file_inherit_info,
    .get_fd = wipc_file_get_fd,
    .destroy = wipc_file_destroy,
};

/* nSize 0: Windows' default buffer, which is also its quota (Wine: a
 * write of 5,000 bytes to such a pipe waits for the reader). */
#define PIPE_DEFAULT_SIZE 4096u

DWORD wipc_pipe_create(DWORD size, struct wipc_object **read_end,
                       struct wipc_object **write_end)
{
    int fds[2];
    /* The pipe's capacity is its quota: a write that does not fit waits
     * for the reader, as Windows' does (docs/architecture.md, "Named
     * pipes: buffer quota"). */
    DWORD err = wipc_plat_pipe(fds, size ? size : PIPE_DEFAULT_SIZE);

    if (err)
        return err;
    err = wipc_file_new(&wipc_pipe_end_ops, fds[0], read_end);
    if (err) {
        wipc_plat_close(fds[1]);
        return err;
    }
    err = wipc_file_new(&wipc_pipe_end_ops, fds[1], write_end);
    if (err) {
        wipc_object_release(*read_end);
        return err;
    }
    ((struct wipc_file *)*read_end)->pipe_size = size;
    ((struct wipc_file *)*write_end)->pipe_size = size;
    return 0;
}

DWORD wipc_pipe_size(struct wipc_object *obj)
{
    DWORD size = ((struct wipc_file *)obj)->pipe_size;
    return size ? size : PIPE_DEFAULT_SIZE;
}

DWORD wipc_pipe_set_nowait(struct wipc_object *obj, int nowait)
{
    return wipc_plat_set_nonblock(pipe_fd(obj), nowait);
}

int wipc_pipe_nowait(struct wipc_object *obj)
{
    return wipc_plat_is_nonblock(pipe_fd(obj));
}

DWORD wipc_pipe_peek(struct wipc_object *obj, void *buf, DWORD len,
                     DWORD *got, DWORD *avail)
{
    size_t queued = 0, n = 0;
    DWORD err = wipc_plat_pipe_queued(pipe_fd(obj), &queued);

    if (err)
        return err;
    /* Nothing queued: a pipe whose writers are gone is broken. */
    if (queued == 0 && pipe_read_end_broken(obj))
        return ERROR_BROKEN_PIPE;
    if (buf && len > 0) {
        err = wipc_plat_pipe_peek(pipe_fd(obj), buf, len, &n);
        if (err)
            return err;
    } else if (!buf) {
        /* Windows peeks into a buffer of its own and reports the count
         * even when the caller wants no data (as Wine does). */
        n = queued < len ? queued : len;
    }
    *got = (DWORD)n;
    *avail = queued > 0xFFFFFFFFu ? 0xFFFFFFFFu : (DWORD)queued;
    return 0;
}
