/*
 * file.c: files and character devices behind descriptors.
 */
#include <stdio.h>
#include <stdlib.h>

#include "objects.h"

static inline struct wipc_file *file_of(struct wipc_object *obj)
{
    return (struct wipc_file *)obj;
}

int wipc_file_get_fd(struct wipc_object *obj) { return file_of(obj)->fd; }

/* Files are always signalled while no asynchronous I/O is pending, and
 * winipc has none. */
static int file_signal_fd(struct wipc_object *obj)
{
    (void)obj;
    return -1;
}

void wipc_file_destroy(struct wipc_object *obj)
{
    struct wipc_file *f = file_of(obj);
    wipc_plat_close(f->fd);
    if (f->delete_path) {
        wipc_plat_unlink(f->delete_path);
        free(f->delete_path);
    }
    free(f);
}

void wipc_file_inherit_info(struct wipc_object *obj, int *fd, char *tag,
                            size_t taglen)
{
    *fd = file_of(obj)->fd;
    snprintf(tag, taglen, "file");
}

/*
 * A transfer at an explicit offset (an OVERLAPPED on a handle opened
 * without FILE_FLAG_OVERLAPPED) still leaves the file pointer just after
 * the bytes it moved, as Windows documents for synchronous handles.
 */
static void file_pointer_after(int fd, int64_t offset, size_t n)
{
    int64_t pos;
    if (offset >= 0)
        wipc_plat_seek(fd, offset + (int64_t)n, FILE_BEGIN, &pos);
}

static DWORD file_read(struct wipc_object *obj, void *buf, DWORD len,
                       int64_t offset, DWORD *got)
{
    size_t n = 0;
    DWORD err = wipc_plat_read(file_of(obj)->fd, buf, len, offset, &n);
    *got = (DWORD)n;
    /* A directory (opened with backup semantics) has no data to read. */
    if (err == ERROR_ACCESS_DENIED && wipc_plat_is_dir(file_of(obj)->fd))
        return ERROR_INVALID_FUNCTION;
    if (err || offset < 0)
        return err; /* A read at end of file succeeds with 0 bytes... */
    file_pointer_after(file_of(obj)->fd, offset, n);
    /* ...but one at an explicit offset fails with ERROR_HANDLE_EOF. */
    return n == 0 && len > 0 ? ERROR_HANDLE_EOF : 0;
}

static DWORD file_write(struct wipc_object *obj, const void *buf, DWORD len,
                        int64_t offset, DWORD *done)
{
    size_t n = 0;
    DWORD err = 0;

    *done = 0;
    if (offset == WIPC_OFFSET_END)
        err = wipc_plat_file_size(file_of(obj)->fd, &offset);
    if (!err)
        err = wipc_plat_write(file_of(obj)->fd, buf, len, offset, &n);
    *done = (DWORD)n;
    if (!err)
        file_pointer_after(file_of(obj)->fd, offset, n);
    return err;
}

static DWORD file_flush(struct wipc_object *obj)
{
    return wipc_plat_fsync(file_of(obj)->fd);
}

#define FILE_MAPPING                                                           \
    {FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE,              \
     FILE_ALL_ACCESS}

const struct wipc_object_ops wipc_disk_file_ops = {
    .type_name = "File",
    .file_type = FILE_TYPE_DISK,
    .mapping = FILE_MAPPING,
    .signal_fd = file_signal_fd,
    .read = file_read,
    .write = file_write,
    .flush = file_flush,
    .inherit_info = wipc_file_inherit_info,
    .get_fd = wipc_file_get_fd,
    .destroy = wipc_file_destroy,
};

const struct wipc_object_ops wipc_char_file_ops = {
    .type_name = "File",
    .file_type = FILE_TYPE_CHAR,
    .mapping = FILE_MAPPING,
    .signal_fd = file_signal_fd,
    .read = file_read,
    .write = file_write,
    .flush = file_flush,
    .inherit_info = wipc_file_inherit_info,
    .get_fd = wipc_file_get_fd,
    .destroy = wipc_file_destroy,
};

int wipc_is_file(const struct wipc_object *obj)
{
    return obj->ops == &wipc_disk_file_ops ||
           obj->ops == &wipc_char_file_ops || obj->ops == &wipc_pipe_end_ops;
}

int wipc_is_stream(const struct wipc_object *obj)
{
    return wipc_is_file(obj) || obj->ops == &wipc_npipe_ops ||
           obj->ops == &wipc_mailslot_ops;
}

DWORD wipc_file_new(const struct wipc_object_ops *ops, int fd,
                    struct wipc_object **out)
{
    struct wipc_file *f = calloc(1, sizeof *f);
    if (!f) {
        wipc_plat_close(fd);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    wipc_object_init(&f->obj, ops);
    f->fd = fd;
    *out = &f->obj;
    return 0;
}

DWORD wipc_file_wrap(int fd, struct wipc_object **out)
{
    enum wipc_fd_kind kind;
    int r, w;
    const struct wipc_object_ops *ops;
    struct wipc_file *f;
    DWORD err = wipc_plat_fd_info(fd, &kind, &r, &w);

    if (err)
        return err;
    ops = kind == WIPC_FD_PIPE   ? &wipc_pipe_end_ops
          : kind == WIPC_FD_CHAR ? &wipc_char_file_ops
                                 : &wipc_disk_file_ops;
    f = calloc(1, sizeof *f);
    if (!f)
        return ERROR_NOT_ENOUGH_MEMORY;
    wipc_object_init(&f->obj, ops);
    f->fd = fd;
    *out = &f->obj;
    return 0;
}
