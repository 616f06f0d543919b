/*
 * io_api.c: ReadFile, WriteFile and FlushFileBuffers, the I/O calls every
 * kind of handle shares (files, pipes, named pipes, mailslots): each goes
 * through the object's ops table.
 */
#include "api.h"

#define IO_READ_RIGHTS (FILE_READ_DATA)
#define IO_WRITE_RIGHTS (FILE_WRITE_DATA | FILE_APPEND_DATA)

/* The position an OVERLAPPED asks for, or -1 (the file position), or
 * WIPC_OFFSET_END (both halves all ones: the end of file). */
static int64_t io_overlapped_offset(const OVERLAPPED *ov,
                                      const struct wipc_object *obj)
{
    if (!ov || obj->ops != &wipc_disk_file_ops)
        return -1;
    if (ov->Offset == 0xFFFFFFFFu && ov->OffsetHigh == 0xFFFFFFFFu)
        return WIPC_OFFSET_END;
    return (int64_t)(((uint64_t)ov->OffsetHigh << 32) | ov->Offset);
}

/* The object of h for a read or a write: its type must have the
 * operation, the handle the rights, and a non-empty transfer a buffer
 * (null_buffer_err otherwise).  Takes a reference. */
static DWORD io_ref(HANDLE h, int writing, const void *buf, DWORD len,
                    DWORD null_buffer_err, struct wipc_object **obj)
{
    DWORD err = writing
                    ? api_ref_io(h, API_OP(write), IO_WRITE_RIGHTS, obj)
                    : api_ref_io(h, API_OP(read), IO_READ_RIGHTS, obj);
    if (!err && !buf && len) {
        wipc_object_release(*obj);
        err = null_buffer_err;
    }
    return err;
}

/*
 * ReadFile and WriteFile: one transfer through the object's read or write
 * op.  null_buffer_err is what a NULL buffer with a non-zero length gets
 * (the two calls answer it differently on Windows).
 */
static BOOL io_transfer(HANDLE h, int writing, void *buf, DWORD len,
                          LPDWORD count, LPOVERLAPPED ov, DWORD null_buffer_err)
{
    struct wipc_object *obj;
    DWORD moved = 0, err;

    /*
     * Microsoft's documentation makes the byte count mandatory when there is
     * no OVERLAPPED ("can be NULL only when the lpOverlapped parameter is not
     * NULL") but defines no error for it: it is the caller's obligation, and
     * older Windows crashed.  Windows 7 and later, as Wine reproduces it,
     * move the data and report only success or failure; programs rely on
     * that (Samba's npecho client, discord-rpc), so winipc does the same.
     */
    if (count)
        *count = 0;
    if (ov)
        ov->Internal = WIPC_STATUS_PENDING;
    err = io_ref(h, writing, buf, len, null_buffer_err, &obj);
    if (err)
        return api_fail(err);
    if (ov && (obj->flags & WIPC_OBJ_OVERLAPPED) && obj->ops->io_progress) {
        err = api_io_start(obj, writing ? WIPC_IO_WRITE : WIPC_IO_READ, buf,
                           len, io_overlapped_offset(ov, obj), ov, &moved);
        if (err == ERROR_IO_PENDING) {
            wipc_object_release(obj);
            return api_fail(err);
        }
    } else {
        api_overlapped_sync_begin(ov);
        wipc_plat_sync_io_begin(); /* CancelSynchronousIo may end it */
        if (writing)
            err = obj->ops->write(obj, buf, len,
                                  io_overlapped_offset(ov, obj), &moved);
        else
            err = obj->ops->read(obj, buf, len, io_overlapped_offset(ov, obj),
                                 &moved);
        wipc_plat_sync_io_end();
        api_overlapped_sync_done(ov, err, moved);
    }
    /* With an OVERLAPPED, a count is given only for a success: a message
     * longer than the buffer (ERROR_MORE_DATA) leaves it 0, and its size
     * is in the OVERLAPPED (Wine's test_overlapped_transport). */
    if (count)
        *count = ov && err ? 0 : moved;
    /* An overlapped operation of this process that this one made possible
     * (a read of what was written, a write into the room made) is done
     * when this call returns, as on Windows. */
    wipc_io_kick(obj);
    wipc_object_release(obj);
    return api_result(err);
}

API_FN(RW, BOOL, ReadFile,
       (HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
        LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped),
       (hFile, lpBuffer, nNumberOfBytesToRead, lpNumberOfBytesRead,
        lpOverlapped))
{
    return io_transfer(hFile, 0, lpBuffer, nNumberOfBytesToRead,
                         lpNumberOfBytesRead, lpOverlapped, ERROR_NOACCESS);
}

API_FN(RW, BOOL, WriteFile,
       (HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
        LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped),
       (hFile, lpBuffer, nNumberOfBytesToWrite, lpNumberOfBytesWritten,
        lpOverlapped))
{
    /* Windows answers a NULL source with ERROR_INVALID_USER_BUFFER. */
    return io_transfer(hFile, 1, (void *)lpBuffer, nNumberOfBytesToWrite,
                         lpNumberOfBytesWritten, lpOverlapped,
                         ERROR_INVALID_USER_BUFFER);
}

/*
 * ReadFileEx and WriteFileEx: the operation completes through routine,
 * which runs as an APC in this thread's next alertable wait (also when it
 * completed at once).  The OVERLAPPED's event is the program's own.
 */
static BOOL io_transfer_ex(HANDLE h, int writing, void *buf, DWORD len,
                           LPOVERLAPPED ov,
                           LPOVERLAPPED_COMPLETION_ROUTINE routine,
                           DWORD null_buffer_err)
{
    struct wipc_object *obj;
    DWORD moved = 0, err;

    if (!ov || !routine)
        return api_fail(ERROR_INVALID_PARAMETER);
    err = io_ref(h, writing, buf, len, null_buffer_err, &obj);
    if (err)
        return api_fail(err);
    if (obj->ops->io_progress) {
        err = api_io_start_routine(obj, writing ? WIPC_IO_WRITE : WIPC_IO_READ,
                                   buf, len, io_overlapped_offset(ov, obj), ov,
                                   routine, &moved);
    } else {
        /* A type without pending operations (files): done now, and the
         * routine queued all the same. */
        err = writing ? obj->ops->write(obj, buf, len,
                                        io_overlapped_offset(ov, obj), &moved)
                      : obj->ops->read(obj, buf, len,
                                       io_overlapped_offset(ov, obj), &moved);
        ov->InternalHigh = moved;
        ov->Internal = wipc_io_status_of(err);
        if (!err || err == ERROR_MORE_DATA)
            err = wipc_io_queue_routine(routine, wipc_plat_gettid(), err,
                                        moved, ov);
    }
    wipc_io_kick(obj);
    wipc_object_release(obj);
    /* Pending is success here; a warning (ERROR_MORE_DATA) is returned as
     * a failure, with the routine queued (as Wine's kernel32 does). */
    if (err == ERROR_IO_PENDING)
        return TRUE;
    return api_result(err);
}

API_FN(RW, BOOL, ReadFileEx,
       (HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
        LPOVERLAPPED lpOverlapped,
        LPOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine),
       (hFile, lpBuffer, nNumberOfBytesToRead, lpOverlapped,
        lpCompletionRoutine))
{
    return io_transfer_ex(hFile, 0, lpBuffer, nNumberOfBytesToRead,
                          lpOverlapped, lpCompletionRoutine, ERROR_NOACCESS);
}

API_FN(RW, BOOL, WriteFileEx,
       (HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
        LPOVERLAPPED lpOverlapped,
        LPOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine),
       (hFile, lpBuffer, nNumberOfBytesToWrite, lpOverlapped,
        lpCompletionRoutine))
{
    return io_transfer_ex(hFile, 1, (void *)lpBuffer, nNumberOfBytesToWrite,
                          lpOverlapped, lpCompletionRoutine,
                          ERROR_INVALID_USER_BUFFER);
}

API_FN(RW, BOOL, FlushFileBuffers, (HANDLE hFile), (hFile))
{
    struct wipc_object *obj;
    DWORD err = api_ref_io(hFile, API_OP(flush), IO_WRITE_RIGHTS, &obj);
    if (err)
        return api_fail(err);
    err = obj->ops->flush(obj);
    wipc_object_release(obj);
    return api_result(err);
}
