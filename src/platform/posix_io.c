/*
 * posix_io.c: descriptors, files, pipes and eventfds.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"

void wipc_plat_close(int fd)
{
    if (fd >= 0)
        close(fd); /* Linux closes the fd even when close() says EINTR. */
}

DWORD wipc_plat_set_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFD);
    if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
        return wipc_plat_error(errno);
    return 0;
}

DWORD wipc_plat_dup(int fd, int *out)
{
    int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (nfd < 0)
        return wipc_plat_error(errno);
    *out = nfd;
    return 0;
}

DWORD wipc_plat_read(int fd, void *buf, size_t len, int64_t offset,
                     size_t *got)
{
    ssize_t n;
    if (len > SSIZE_MAX)
        len = SSIZE_MAX;
    do {
        n = offset >= 0 ? pread(fd, buf, len, (off_t)offset)
                        : read(fd, buf, len);
    } while (n < 0 && errno == EINTR && !wipc_plat_sync_io_cancelled());
    if (n < 0) {
        *got = 0;
        return errno == EINTR ? ERROR_OPERATION_ABORTED
                              : wipc_plat_error(errno);
    }
    *got = (size_t)n;
    return 0;
}

/*
 * write(2) with SIGPIPE blocked in this thread.  If the write raised a
 * SIGPIPE that was not already pending, it is taken off the queue again
 * before the old mask returns, so the program never sees it.
 */
static ssize_t io_write_nosigpipe(int fd, const void *buf, size_t len,
                                  int64_t offset)
{
    sigset_t pipe_set, old_mask, pending;
    int was_pending;
    ssize_t n;
    int saved;

    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
    sigpending(&pending);
    was_pending = sigismember(&pending, SIGPIPE);
    n = offset >= 0 ? pwrite(fd, buf, len, (off_t)offset)
                    : write(fd, buf, len);
    saved = errno;
    if (n < 0 && saved == EPIPE && !was_pending) {
        static const struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    errno = saved;
    return n;
}

DWORD wipc_plat_write(int fd, const void *buf, size_t len, int64_t offset,
                      size_t *done)
{
    const char *p = buf;
    size_t left = len;

    *done = 0;
    /* Null write succeeds, as on Windows, without touching the fd. */
    while (left > 0) {
        size_t chunk = left > SSIZE_MAX ? SSIZE_MAX : left;
        ssize_t n = io_write_nosigpipe(fd, p, chunk, offset);
        if (n < 0) {
            if (errno == EINTR && wipc_plat_sync_io_cancelled())
                return ERROR_OPERATION_ABORTED;
            if (errno == EINTR)
                continue;
            return wipc_plat_error(errno);
        }
        p += n;
        left -= (size_t)n;
        *done += (size_t)n;
        if (offset >= 0)
            offset += n;
    }
    return 0;
}

DWORD wipc_plat_wait_readable(int fd, int timeout_ms, int *ready)
{
    int nready;
    int r;
    DWORD err = wipc_plat_poll_readable(&fd, &r, 1, timeout_ms, &nready);
    *ready = err ? 0 : r;
    return err;
}

DWORD wipc_plat_fd_info(int fd, enum wipc_fd_kind *kind, int *readable,
                        int *writable)
{
    struct stat st;
    int fl;

    if (fstat(fd, &st) < 0)
        return wipc_plat_error(errno);
    fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return wipc_plat_error(errno);
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
        *kind = WIPC_FD_PIPE;
    else if (S_ISCHR(st.st_mode))
        *kind = WIPC_FD_CHAR;
    else
        *kind = WIPC_FD_DISK;
    if (S_ISSOCK(st.st_mode)) {
        *readable = *writable = 1;
    } else {
        int acc = fl & O_ACCMODE;
        *readable = acc == O_RDONLY || acc == O_RDWR;
        *writable = acc == O_WRONLY || acc == O_RDWR;
    }
    return 0;
}

/* ENOENT means "file not found" if the parent directory exists and "path
 * not found" if it does not, as Windows tells the two apart. */
static DWORD io_enoent(const char *path)
{
    char *copy = strdup(path);
    char *slash;
    struct stat st;
    DWORD err = ERROR_FILE_NOT_FOUND;

    if (!copy)
        return ERROR_NOT_ENOUGH_MEMORY;
    slash = strrchr(copy, '/');
    if (slash) {
        if (slash == copy)
            slash[1] = '\0';
        else
            *slash = '\0';
        if (stat(copy, &st) < 0 || !S_ISDIR(st.st_mode))
            err = ERROR_PATH_NOT_FOUND;
    }
    free(copy);
    return err;
}

DWORD wipc_plat_open(const char *path, int flags, unsigned mode, int *out)
{
    int fd;
    do {
        fd = open(path, flags | O_CLOEXEC, (mode_t)mode);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        if (errno == ENOENT)
            return io_enoent(path);
        return wipc_plat_error(errno);
    }
    *out = fd;
    return 0;
}

DWORD wipc_plat_open_tty(int flags, int *out)
{
    int fd;
    do {
        fd = open("/dev/tty", flags | O_NOCTTY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        /* ENXIO: no controlling terminal; ENOENT, ENODEV: no /dev/tty
         * (a bare container).  Either way there is no console. */
        if (errno == ENXIO || errno == ENOENT || errno == ENODEV)
            return ERROR_INVALID_HANDLE;
        return wipc_plat_error(errno);
    }
    *out = fd;
    return 0;
}

int wipc_plat_is_dir(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

DWORD wipc_plat_unlink(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return ERROR_ACCESS_DENIED;
    if (unlink(path) < 0) {
        if (errno == ENOENT)
            return io_enoent(path);
        return wipc_plat_error(errno);
    }
    return 0;
}

/* Copies what remains of in to out. */
static DWORD io_copy_data(int in, int out)
{
    char buf[16384];
    for (;;) {
        size_t got, done;
        DWORD err = wipc_plat_read(in, buf, sizeof buf, -1, &got);
        if (err || got == 0)
            return err;
        err = wipc_plat_write(out, buf, got, -1, &done);
        if (err)
            return err;
    }
}

DWORD wipc_plat_copy_file(const char *src, const char *dst, int fail_if_exists)
{
    struct stat st, dst_st;
    struct timespec times[2];
    int in = -1, out = -1;
    DWORD err = wipc_plat_open(src, O_RDONLY, 0, &in);

    if (err)
        return err;
    if (fstat(in, &st) < 0) {
        err = wipc_plat_error(errno);
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        err = ERROR_ACCESS_DENIED;
        goto done;
    }
    /* Checked before O_TRUNC could empty the source (O_EXCL fails). */
    if (!fail_if_exists && stat(dst, &dst_st) == 0 &&
        dst_st.st_dev == st.st_dev && dst_st.st_ino == st.st_ino) {
        err = ERROR_SHARING_VIOLATION;
        goto done;
    }
    err = wipc_plat_open(dst,
                         O_WRONLY | O_CREAT | O_NOCTTY |
                             (fail_if_exists ? O_EXCL : O_TRUNC),
                         st.st_mode & 0777, &out);
    if (err)
        goto done;
    err = io_copy_data(in, out);
    if (err)
        goto done;
    /* An existing dst keeps its own mode through O_TRUNC, a new one loses
     * the umask's bits: both get the source's. */
    times[0] = st.st_atim;
    times[1] = st.st_mtim;
    if (fchmod(out, st.st_mode & 0777) < 0 || futimens(out, times) < 0)
        err = wipc_plat_error(errno);
done:
    wipc_plat_close(in);
    wipc_plat_close(out);
    return err;
}

/* The error of a directory call on path that failed with err: a missing
 * directory is ERROR_FILE_NOT_FOUND or ERROR_PATH_NOT_FOUND (io_enoent); a
 * path that names something other than a directory is ERROR_DIRECTORY
 * ("The directory name is invalid"). */
static DWORD io_dir_error(const char *path, int err)
{
    struct stat st;
    if (err == ENOENT)
        return io_enoent(path);
    if (err == ENOTDIR)
        return stat(path, &st) == 0 && !S_ISDIR(st.st_mode)
                   ? ERROR_DIRECTORY
                   : ERROR_PATH_NOT_FOUND;
    return wipc_plat_error(err);
}

DWORD wipc_plat_mkdir(const char *path, unsigned mode)
{
    if (mkdir(path, (mode_t)mode) == 0)
        return 0;
    if (errno == EEXIST)
        return ERROR_ALREADY_EXISTS;
    if (errno == ENOENT)
        return ERROR_PATH_NOT_FOUND;
    return wipc_plat_error(errno);
}

DWORD wipc_plat_rmdir(const char *path)
{
    return rmdir(path) == 0 ? 0 : io_dir_error(path, errno);
}

DWORD wipc_plat_chdir(const char *path)
{
    return chdir(path) == 0 ? 0 : io_dir_error(path, errno);
}

DWORD wipc_plat_seek(int fd, int64_t offset, int whence, int64_t *pos)
{
    off_t r = lseek(fd, (off_t)offset, whence);
    if (r < 0)
        return wipc_plat_error(errno);
    *pos = (int64_t)r;
    return 0;
}

DWORD wipc_plat_file_size(int fd, int64_t *size)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return wipc_plat_error(errno);
    *size = (int64_t)st.st_size;
    return 0;
}

DWORD wipc_plat_truncate_here(int fd)
{
    off_t pos = lseek(fd, 0, SEEK_CUR);
    if (pos < 0 || ftruncate(fd, pos) < 0)
        return wipc_plat_error(errno);
    return 0;
}

DWORD wipc_plat_fsync(int fd)
{
    if (fsync(fd) < 0 && errno != EINVAL && errno != EROFS)
        return wipc_plat_error(errno);
    return 0;
}

/* ---- Pipes -------------------------------------------------------------- */

/* The largest pipe capacity an unprivileged process may set. */
static long io_pipe_max_size(void)
{
    long max = 0;
    FILE *f = fopen("/proc/sys/fs/pipe-max-size", "re");
    if (f) {
        if (fscanf(f, "%ld", &max) != 1)
            max = 0;
        fclose(f);
    }
    return max > 0 ? max : 1L << 20;
}

DWORD wipc_plat_pipe(int fds[2], DWORD size)
{
    if (pipe2(fds, O_CLOEXEC) < 0)
        return wipc_plat_error(errno);
    if (size > 0) {
        /* Ask for the size, smaller than the default too (the kernel
         * rounds up to a power-of-two number of pages).  Absurd sizes stop
         * at pipe-max-size even for root, so that no request pins
         * unbounded kernel memory; a user over its pipe page quota may be
         * refused more than the default, so fall back by halves. */
        long max = io_pipe_max_size();
        long want = (long)size > max ? max : (long)size;
        long cur = fcntl(fds[1], F_GETPIPE_SZ);
        while (fcntl(fds[1], F_SETPIPE_SZ, (int)want) < 0 && want > cur)
            want /= 2;
    }
    return 0;
}

DWORD wipc_plat_pipe_queued(int fd, size_t *queued)
{
    int n = 0;
    if (ioctl(fd, FIONREAD, &n) < 0)
        return wipc_plat_error(errno);
    *queued = n > 0 ? (size_t)n : 0;
    return 0;
}

DWORD wipc_plat_pipe_peek(int rfd, void *buf, size_t len, size_t *got)
{
    int scratch[2];
    ssize_t n;
    size_t r = 0;

    *got = 0;
    if (len == 0)
        return 0;
    if (pipe2(scratch, O_CLOEXEC | O_NONBLOCK) < 0)
        return wipc_plat_error(errno);
    /* tee() duplicates queued pipe data without consuming it. */
    do {
        n = tee(rfd, scratch[1], len, SPLICE_F_NONBLOCK);
    } while (n < 0 && errno == EINTR);
    if (n > 0)
        wipc_plat_read(scratch[0], buf, (size_t)n, -1, &r);
    close(scratch[0]);
    close(scratch[1]);
    if (n < 0 && errno != EAGAIN)
        return wipc_plat_error(errno);
    *got = r;
    return 0;
}

int wipc_plat_pipe_has_reader(int wfd)
{
    struct pollfd p = {.fd = wfd, .events = 0};
    /* A pipe's write end reports POLLERR once no reader is left. */
    return !(poll(&p, 1, 0) == 1 && (p.revents & POLLERR));
}

DWORD wipc_plat_set_nonblock(int fd, int on)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return wipc_plat_error(errno);
    fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
    if (fcntl(fd, F_SETFL, fl) < 0)
        return wipc_plat_error(errno);
    return 0;
}

int wipc_plat_is_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl >= 0 && (fl & O_NONBLOCK) != 0;
}

DWORD wipc_plat_write_nowait(int fd, const void *buf, size_t len,
                             size_t *done)
{
    const char *p = buf;
    *done = 0;
    while (*done < len) {
        size_t chunk = len - *done > SSIZE_MAX ? SSIZE_MAX : len - *done;
        ssize_t n = io_write_nosigpipe(fd, p + *done, chunk, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return 0; /* full: what fitted is written */
            return wipc_plat_error(errno);
        }
        *done += (size_t)n;
    }
    return 0;
}

/* ---- eventfd ------------------------------------------------------------ */

DWORD wipc_plat_eventfd(int initially_set, int *out)
{
    int fd = eventfd(initially_set ? 1 : 0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0)
        return wipc_plat_error(errno);
    *out = fd;
    return 0;
}

DWORD wipc_plat_eventfd_set(int fd)
{
    uint64_t one = 1;
    while (write(fd, &one, sizeof one) < 0) {
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN) /* counter saturated: it is set already */
            return 0;
        return wipc_plat_error(errno);
    }
    return 0;
}

DWORD wipc_plat_eventfd_reset(int fd, int *was_set)
{
    uint64_t v;
    ssize_t n;
    do {
        n = read(fd, &v, sizeof v);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno != EAGAIN)
        return wipc_plat_error(errno);
    if (was_set)
        *was_set = n > 0;
    return 0;
}
