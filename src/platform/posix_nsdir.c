/*
 * posix_nsdir.c: the Linux calls behind the shared namespace directory
 * (core/namespace.c decides what to trust; this file only asks the kernel).
 *
 * Everything here works relative to a directory descriptor that was opened
 * without following a symbolic link, with the *at() calls, and never
 * follows a link or blocks on a FIFO: the directory is shared with other
 * users, who may put anything at any name in it (docs/security.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform.h"

static void nsdir_fill(const struct stat *st, struct wipc_plat_stat *out)
{
    out->dev = (uint64_t)st->st_dev;
    out->ino = (uint64_t)st->st_ino;
    out->size = (uint64_t)st->st_size;
    out->uid = (DWORD)st->st_uid;
    out->mode = (unsigned)(st->st_mode & 07777);
    out->nlink = (unsigned)st->st_nlink;
    out->type = S_ISREG(st->st_mode)   ? WIPC_PLAT_FILE
                : S_ISDIR(st->st_mode) ? WIPC_PLAT_DIR
                                       : WIPC_PLAT_OTHER;
}

DWORD wipc_plat_fstat(int fd, struct wipc_plat_stat *out)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return wipc_plat_error(errno);
    nsdir_fill(&st, out);
    return 0;
}

DWORD wipc_plat_dir_open(const char *path, int create, unsigned mode,
                         int *out, int *made)
{
    *made = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            *out = fd;
            return 0;
        }
        if (errno == ELOOP || errno == ENOTDIR)
            return ERROR_ACCESS_DENIED; /* a link, or not a folder */
        if (errno != ENOENT || !create)
            return wipc_plat_error(errno);
        if (mkdir(path, 0700) == 0) {
            /* Made with no access for others, then opened and given its
             * mode through the descriptor (past the umask), so nobody
             * can swap it between the two. */
            fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0)
                return wipc_plat_error(errno);
            if (fchmod(fd, (mode_t)mode) < 0) {
                DWORD err = wipc_plat_error(errno);
                close(fd);
                return err;
            }
            *made = 1;
            *out = fd;
            return 0;
        }
        if (errno != EEXIST)
            return wipc_plat_error(errno);
    }
    return ERROR_ACCESS_DENIED;
}

DWORD wipc_plat_openat(int dirfd, const char *name, int flags, unsigned mode,
                       int *out)
{
    int fd;
    do {
        fd = openat(dirfd, name,
                    flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
                    (mode_t)mode);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        switch (errno) {
        case ENOENT:
            return ERROR_FILE_NOT_FOUND;
        case EEXIST:
            return ERROR_FILE_EXISTS;
        case ELOOP:  /* a symbolic link */
        case EISDIR: /* a folder */
        case ENXIO:  /* a FIFO or socket, or a device */
        case EACCES:
        case EPERM:
            return ERROR_ACCESS_DENIED;
        default:
            return wipc_plat_error(errno);
        }
    }
    *out = fd;
    return 0;
}

DWORD wipc_plat_statat(int dirfd, const char *name, struct wipc_plat_stat *out)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? ERROR_FILE_NOT_FOUND : wipc_plat_error(errno);
    nsdir_fill(&st, out);
    return 0;
}

DWORD wipc_plat_unlinkat(int dirfd, const char *name)
{
    if (unlinkat(dirfd, name, 0) < 0)
        return errno == ENOENT ? ERROR_FILE_NOT_FOUND : wipc_plat_error(errno);
    return 0;
}

DWORD wipc_plat_map_read(int fd, size_t len, const void **out)
{
    void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return wipc_plat_error(errno);
    *out = p;
    return 0;
}
