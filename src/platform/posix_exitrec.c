/*
 * posix_exitrec.c: the Linux calls that give an exit record
 * (process/exit_record.h) its name in the shared namespace root, relative to
 * the root's verified descriptor (core/namespace.h); process/exit_record.c
 * decides what to trust.
 *
 * A record is made under a temporary name and then renamed to
 * "exit.PID-START" with renameat2(RENAME_NOREPLACE): the name appears
 * atomically, never replaces a file another user put there, and the record
 * never has two links (a file with two is refused by whoever opens it by
 * name, as it may be a hard link to a file elsewhere).  Where the file
 * system cannot rename so (EINVAL) or the kernel lacks renameat2, a hard
 * link and the removal of the old name do the same, with a moment of two
 * links that readers wait out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform.h"
#include "posix_exit.h"
#include "posix_exitrec.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

/* Async-signal-safe: renames from to to, never replacing a file at to.
 * 0, or -errno (EEXIST: a file is there; ENOENT: from is gone). */
static int move_noreplace(int fromdir, const char *from, int todir,
                          const char *to)
{
#ifdef SYS_renameat2
    if (syscall(SYS_renameat2, fromdir, from, todir, to, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -errno;
#endif
    if (linkat(fromdir, from, todir, to, 0) < 0)
        return -errno;
    unlinkat(fromdir, from, 0);
    return 0;
}


/* Async-signal-safe: this process's start time, field 22 of
 * /proc/self/stat (clock ticks after boot).  0, or -1. */
static int self_start(unsigned long long *start)
{
    char buf[1024];
    const char *p = NULL;
    ssize_t n, i;
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC), field;

    if (fd < 0)
        return -1;
    do {
        n = read(fd, buf, sizeof buf - 1);
    } while (n < 0 && errno == EINTR);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* The command name (field 2) may hold spaces and parentheses: fields
     * are counted from the last ')', which ends it. */
    for (i = 0; i < n; i++)
        if (buf[i] == ')')
            p = buf + i;
    if (!p)
        return -1;
    for (field = 2; field < 22 && *p; p++)
        if (*p == ' ')
            field++;
    if (field != 22 || *p < '0' || *p > '9')
        return -1;
    for (*start = 0; *p >= '0' && *p <= '9'; p++)
        *start = *start * 10 + (unsigned long long)(*p - '0');
    return 0;
}

int wipc_posix_exitrec_place(const char *tmp)
{
    static const char kind[] = "exit.";
    char final[256];
    unsigned long long start;
    const char *slash = strrchr(tmp, '/');
    size_t len;

    if (!slash || self_start(&start) < 0)
        return -1;
    len = (size_t)(slash + 1 - tmp);
    if (len + sizeof kind >= sizeof final)
        return -1;
    memcpy(final, tmp, len);
    memcpy(final + len, kind, sizeof kind); /* with its '\0' */
    len += sizeof kind - 1;
    if (wipc_posix_put_dec(final, sizeof final, &len,
                           (unsigned long long)getpid()) < 0 ||
        len + 1 >= sizeof final)
        return -1;
    final[len++] = '-';
    final[len] = '\0';
    if (wipc_posix_put_dec(final, sizeof final, &len, start) < 0)
        return -1;
    return move_noreplace(AT_FDCWD, tmp, AT_FDCWD, final) < 0 ? -1 : 0;
}

DWORD wipc_plat_renameat_noreplace(int dirfd, const char *from, const char *to)
{
    int r = move_noreplace(dirfd, from, dirfd, to);

    switch (-r) {
    case 0:
        return 0;
    case EEXIST:
        return ERROR_FILE_EXISTS;
    case ENOENT:
        return ERROR_FILE_NOT_FOUND;
    default:
        return wipc_plat_error(-r);
    }
}

DWORD wipc_plat_dirfd_path(int dirfd, const char *name, char *buf, size_t len)
{
    /* The kernel resolves /proc/self/fd/N to the very directory open at
     * N, whatever names lead to it now. */
    int w = snprintf(buf, len, "/proc/self/fd/%d/%s", dirfd, name);
    return w < 0 || (size_t)w >= len ? ERROR_FILENAME_EXCED_RANGE : 0;
}
