/*
 * posix_exit.c: what exit records (core/exit_record.h) need of Linux: a
 * process's identity (its start time), shared locks, renaming, the exit
 * hook that sees the full status passed to exit(), and the exit status a
 * pidfd gives to any holder on newer kernels.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform.h"
#include "posix_exit.h"

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* PIDFD_GET_INFO (Linux 6.13; its exit status since 6.15), spelt out for
 * older headers: the first version of the structure is 64 bytes. */
struct exit_pidfd_info {
    uint64_t mask;
    uint64_t cgroupid;
    uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
    int32_t exit_code;
};
#define EXIT_PIDFD_GET_INFO _IOWR(0xFF, 11, struct exit_pidfd_info)
#define EXIT_PIDFD_INFO_EXIT (1ull << 3)

/* ---- Start times -------------------------------------------------------- */

/* Async-signal-safe: the start time (field 22 of /proc/PATH/stat, clock
 * ticks after boot) of the process whose stat file is path; the open
 * descriptor's owner (the process's user) in *uid if uid is not NULL.
 * 0, or -errno. */
static int stat_start(const char *path, unsigned long long *start,
                      unsigned *uid)
{
    char buf[1024], *p = NULL;
    ssize_t n, i;
    int fd, field;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (uid) {
        struct stat st;
        if (fstat(fd, &st) < 0) {
            int e = errno;
            close(fd);
            return -e;
        }
        *uid = (unsigned)st.st_uid;
    }
    do {
        n = read(fd, buf, sizeof buf - 1);
    } while (n < 0 && errno == EINTR);
    close(fd);
    if (n <= 0)
        return -ESRCH;
    /* The command name (field 2) may hold spaces and parentheses: fields
     * are counted from the last ')', which ends it. */
    for (i = 0; i < n; i++)
        if (buf[i] == ')')
            p = buf + i;
    if (!p)
        return -EINVAL;
    buf[n] = '\0';
    for (field = 2; field < 22 && *p; p++)
        if (*p == ' ')
            field++;
    if (field != 22 || *p < '0' || *p > '9')
        return -EINVAL;
    *start = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        *start = *start * 10 + (unsigned long long)(*p - '0');
    return 0;
}

int wipc_posix_stat_start(unsigned pid, unsigned long long *start)
{
    char path[32];
    snprintf(path, sizeof path, "/proc/%u/stat", pid);
    return stat_start(path, start, NULL);
}

DWORD wipc_plat_process_start(DWORD pid, int pidfd, uint64_t *start, DWORD *uid)
{
    char path[32];
    unsigned long long s = 0;
    unsigned owner = 0;
    int r;

    snprintf(path, sizeof path, "/proc/%u/stat", (unsigned)pid);
    r = stat_start(path, &s, &owner);
    if (r == -ENOENT || r == -ESRCH)
        return ERROR_INVALID_PARAMETER;
    if (r < 0)
        return wipc_plat_error(-r);
    if (pidfd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0) {
        /* The process behind pidfd is still attached to its pid (running,
         * or a zombie nobody has reaped) if signal 0 reaches it: then the
         * pid was its own when the file above was read.  Without the right
         * to signal it, it must still run. */
        struct pollfd p = {.fd = pidfd, .events = POLLIN};
        if (errno != EPERM || poll(&p, 1, 0) != 0)
            return ERROR_INVALID_PARAMETER;
    }
    *start = s;
    if (uid)
        *uid = owner;
    return 0;
}

/* ---- The child's record, before execve ---------------------------------- */

/* Appends the decimal v to buf at *len (async-signal-safe). */
static void put_dec(char *buf, size_t cap, size_t *len, unsigned long long v)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n && *len + 1 < cap)
        buf[(*len)++] = tmp[--n];
    buf[*len] = '\0';
}

/* "/proc/self/fd/FD" into buf (async-signal-safe). */
static void fd_path(int fd, char *buf, size_t cap)
{
    static const char prefix[] = "/proc/self/fd/";
    size_t len = sizeof prefix - 1;
    memcpy(buf, prefix, len);
    buf[len] = '\0';
    put_dec(buf, cap, &len, (unsigned long long)fd);
}

int wipc_posix_exit_record_place(int fd, const char *dir, char *final,
                                 size_t cap)
{
    unsigned long long start;
    size_t len = 0, dl = strlen(dir);
    char from[48];

    if (stat_start("/proc/self/stat", &start, NULL) < 0 || dl + 48 > cap)
        return -1;
    memcpy(final, dir, dl);
    len = dl;
    final[len++] = '/';
    put_dec(final, cap, &len, (unsigned long long)getpid());
    final[len++] = '-';
    put_dec(final, cap, &len, start);
    fd_path(fd, from, sizeof from);
    return linkat(AT_FDCWD, from, AT_FDCWD, final, AT_SYMLINK_FOLLOW) < 0 ? -1
                                                                          : 0;
}

/* ---- Files and locks ---------------------------------------------------- */

DWORD wipc_plat_lock_byte_shared(int fd, uint64_t off)
{
    struct flock fl;
    int r;

    memset(&fl, 0, sizeof fl);
    fl.l_type = F_RDLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = (off_t)off;
    fl.l_len = 1;
    do {
        r = fcntl(fd, F_OFD_SETLKW, &fl);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? wipc_plat_error(errno) : 0;
}

DWORD wipc_plat_reopen(int fd, int flags, int *out)
{
    char path[48];
    int nfd;

    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    nfd = open(path, flags | O_CLOEXEC);
    if (nfd < 0)
        return wipc_plat_error(errno);
    *out = nfd;
    return 0;
}

DWORD wipc_plat_link_fd(int fd, const char *to)
{
    char from[48];
    fd_path(fd, from, sizeof from);
    /* Through /proc: no need to know a name the file has. */
    return linkat(AT_FDCWD, from, AT_FDCWD, to, AT_SYMLINK_FOLLOW) < 0
               ? wipc_plat_error(errno)
               : 0;
}

DWORD wipc_plat_fchown(int fd, DWORD uid)
{
    return fchown(fd, (uid_t)uid, (gid_t)-1) < 0 ? wipc_plat_error(errno) : 0;
}

/* ---- Exit status -------------------------------------------------------- */

DWORD wipc_plat_pidfd_exit_status(int pidfd, DWORD *code)
{
    struct exit_pidfd_info info;

    memset(&info, 0, sizeof info);
    info.mask = EXIT_PIDFD_INFO_EXIT;
    if (ioctl(pidfd, EXIT_PIDFD_GET_INFO, &info) < 0) {
        /* ESRCH: gone before the kernel kept exit statuses for pidfds. */
        return errno == ESRCH ? ERROR_NOT_READY : ERROR_NOT_SUPPORTED;
    }
    if (!(info.mask & EXIT_PIDFD_INFO_EXIT))
        return ERROR_NOT_READY; /* running, or not reaped yet */
    /* A wait status: exit status in bits 8-15, or the signal in 0-6. */
    if ((info.exit_code & 0x7f) == 0)
        *code = (DWORD)((info.exit_code >> 8) & 0xff);
    else
        *code = 128u + (DWORD)(info.exit_code & 0x7f);
    return 0;
}

#ifdef __GLIBC__
static void (*exit_hook)(DWORD code);

static void exit_thunk(int status, void *arg)
{
    (void)arg;
    exit_hook((DWORD)status);
}
#endif

DWORD wipc_plat_on_exit(void (*fn)(DWORD code))
{
#ifdef __GLIBC__
    exit_hook = fn;
    return on_exit(exit_thunk, NULL) != 0 ? ERROR_NOT_ENOUGH_MEMORY : 0;
#else
    (void)fn;
    return ERROR_NOT_SUPPORTED; /* no C library call gives the status */
#endif
}
