/*
 * posix_exit.c: what exit records (process/exit_record.h) need of Linux: a
 * process's identity (its start time), shared locks, renaming, the exit
 * hook that sees the full status passed to exit(); and the exit status of
 * a process that is not our child (its zombie's, or what a pidfd gives to
 * any holder once it is reaped on newer kernels).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
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

/* Async-signal-safe: the text of the stat file at path (/proc/PID/stat)
 * into buf, '\0'-terminated; the open descriptor's owner (the process's
 * user) in *uid if uid is not NULL.  Its length, or -errno. */
static ssize_t stat_read(const char *path, char *buf, size_t cap, unsigned *uid)
{
    ssize_t n;
    int fd;

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
        n = read(fd, buf, cap - 1);
    } while (n < 0 && errno == EINTR);
    close(fd);
    if (n <= 0)
        return -ESRCH;
    buf[n] = '\0';
    return n;
}

/* Async-signal-safe: the start of field (2 < field) in the stat text buf,
 * or NULL. */
static const char *stat_field(const char *buf, int field)
{
    const char *p = NULL, *q;
    int f;

    /* The command name (field 2) may hold spaces and parentheses: fields
     * are counted from the last ')', which ends it. */
    for (q = buf; *q; q++)
        if (*q == ')')
            p = q;
    if (!p)
        return NULL;
    for (f = 2; f < field && *p; p++)
        if (*p == ' ')
            f++;
    return f == field && *p ? p : NULL;
}

/* Async-signal-safe: the decimal number (perhaps negative) that starts
 * field of the stat text buf into *v: 0, or -EINVAL. */
static int stat_number(const char *buf, int field, long long *v)
{
    const char *p = stat_field(buf, field);
    int neg = 0;

    if (p && *p == '-') {
        neg = 1;
        p++;
    }
    if (!p || *p < '0' || *p > '9')
        return -EINVAL;
    *v = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        *v = *v * 10 + (*p - '0');
    if (neg)
        *v = -*v;
    return 0;
}

/* Async-signal-safe: the start time (field 22 of /proc/PATH/stat, clock
 * ticks after boot) of the process whose stat file is path; the open
 * descriptor's owner (the process's user) in *uid if uid is not NULL.
 * 0, or -errno. */
static int stat_start(const char *path, unsigned long long *start,
                      unsigned *uid)
{
    char buf[1024];
    ssize_t n = stat_read(path, buf, sizeof buf, uid);
    long long v;

    if (n < 0)
        return (int)n;
    if (stat_number(buf, 22, &v) < 0 || v < 0)
        return -EINVAL;
    *start = (unsigned long long)v;
    return 0;
}

int wipc_posix_stat_numbers(unsigned pid, const int *fields, long long *out,
                            size_t n)
{
    char path[32], buf[1024];
    ssize_t len;

    snprintf(path, sizeof path, "/proc/%u/stat", pid);
    len = stat_read(path, buf, sizeof buf, NULL);
    if (len < 0)
        return (int)len;
    for (size_t i = 0; i < n; i++)
        if (stat_number(buf, fields[i], &out[i]) < 0)
            return -EINVAL;
    return 0;
}

/* Async-signal-safe: the state letter (field 3) of process pid and the
 * number of field n of its stat, from one read: 0, -ESRCH, or -EINVAL. */
static int stat_state_and(unsigned pid, char *state, int n, long long *v)
{
    char path[32] = "/proc/", buf[1024];
    const char *p;
    size_t len = 6;

    if (wipc_posix_put_dec(path, sizeof path, &len, pid) != 0 ||
        len + 6 > sizeof path)
        return -EINVAL;
    memcpy(path + len, "/stat", 6);
    if (stat_read(path, buf, sizeof buf, NULL) < 0)
        return -ESRCH;
    p = stat_field(buf, 3);
    if (!p || !*p || stat_number(buf, n, v) < 0)
        return -EINVAL;
    *state = *p;
    return 0;
}

int wipc_posix_stat_state(unsigned pid, char *state,
                          unsigned long long *start)
{
    long long v;
    int r = stat_state_and(pid, state, 22, &v);

    if (r == 0 && v < 0)
        r = -EINVAL;
    if (r == 0)
        *start = (unsigned long long)v;
    return r;
}

int wipc_posix_stat_group(unsigned pid, char *state, long long *pgrp)
{
    return stat_state_and(pid, state, 5, pgrp);
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

/* ---- Decimal numbers, async-signal-safe ---------------------------------- */

int wipc_posix_put_dec(char *buf, size_t cap, size_t *len,
                       unsigned long long v)
{
    char tmp[24];
    size_t n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (*len + n >= cap)
        return -1;
    while (n)
        buf[(*len)++] = tmp[--n];
    buf[*len] = '\0';
    return 0;
}

/* "/proc/self/fd/FD" into buf (async-signal-safe). */
static void fd_path(int fd, char *buf, size_t cap)
{
    static const char prefix[] = "/proc/self/fd/";
    size_t len = sizeof prefix - 1;
    memcpy(buf, prefix, len);
    buf[len] = '\0';
    wipc_posix_put_dec(buf, cap, &len, (unsigned long long)fd);
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

/* A wait status as an exit code: the 8-bit status, or 128 + the signal. */
static DWORD exit_code_of(int status)
{
    if ((status & 0x7f) == 0)
        return (DWORD)((status >> 8) & 0xff);
    return 128u + (DWORD)(status & 0x7f);
}

/* The status the kernel keeps for the holders of a pidfd once the process
 * is reaped (PIDFD_GET_INFO with PIDFD_INFO_EXIT, Linux 6.15): 0;
 * ERROR_NOT_READY before the reap (the kernel records it in release_task,
 * when the parent's wait() frees the process, not when it exits);
 * ERROR_NOT_SUPPORTED if the kernel has no such call. */
static DWORD pidfd_info_exit(int pidfd, int *status)
{
    struct exit_pidfd_info info;

    memset(&info, 0, sizeof info);
    info.mask = EXIT_PIDFD_INFO_EXIT;
    if (ioctl(pidfd, EXIT_PIDFD_GET_INFO, &info) < 0) {
        /* ESRCH: reaped before the kernel kept exit statuses (6.13, 6.14):
         * never to be known. */
        return errno == ESRCH ? ERROR_NOT_READY : ERROR_NOT_SUPPORTED;
    }
    if (!(info.mask & EXIT_PIDFD_INFO_EXIT))
        return ERROR_NOT_READY;
    *status = info.exit_code;
    return 0;
}

/* 1 once the process behind pidfd has been reaped: the pidfd then reports
 * POLLHUP (its pid has no process any more).  Waits up to wait_ms for it. */
static int pidfd_reaped(int pidfd, int wait_ms)
{
    struct pollfd p = {.fd = pidfd, .events = 0}; /* POLLHUP only */
    uint64_t end = wipc_plat_now_ms() + (uint64_t)(wait_ms > 0 ? wait_ms : 0);

    for (;;) {
        uint64_t now = wipc_plat_now_ms();
        int left = now >= end ? 0 : (int)(end - now);
        int r = poll(&p, 1, left);
        if (r > 0)
            return (p.revents & (POLLHUP | POLLERR)) != 0;
        if (r == 0 || errno != EINTR)
            return 0;
    }
}

/*
 * The wait status of process pid, ended but not reaped (a zombie), from
 * field 52 of /proc/PID/stat.  The kernel shows it to those who may trace
 * the process (PTRACE_MODE_READ: its own user, root) and 0 to others: a 0
 * counts only if readlink of /proc/PID/exe, which the kernel guards with
 * the same check, is not refused.  The pid is the one of pidfd's process
 * while that process is not reaped, so both readings are checked against
 * pidfd afterwards.  0, or ERROR_NOT_READY.
 */
static DWORD zombie_status(DWORD pid, int pidfd, int *status)
{
    char path[40], buf[1024], link[16];
    const char *state;
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    long long v = 0;
    int visible;

    /* Readable: the whole process has ended, not just its first thread
     * (which shows as a zombie while the others run). */
    if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))
        return ERROR_NOT_READY;
    snprintf(path, sizeof path, "/proc/%u/stat", (unsigned)pid);
    if (stat_read(path, buf, sizeof buf, NULL) < 0)
        return ERROR_NOT_READY;
    state = stat_field(buf, 3);
    if (!state || (*state != 'Z' && *state != 'X') ||
        stat_number(buf, 52, &v) < 0)
        return ERROR_NOT_READY;
    visible = v != 0;
    if (!visible) {
        snprintf(path, sizeof path, "/proc/%u/exe", (unsigned)pid);
        visible = readlink(path, link, sizeof link) >= 0 || errno != EACCES;
    }
    if (!visible || pidfd_reaped(pidfd, 0))
        return ERROR_NOT_READY; /* hidden; or the pid may be another's */
    *status = (int)v;
    return 0;
}

DWORD wipc_plat_pidfd_exit_status(DWORD pid, int pidfd, int wait_ms,
                                  DWORD *code)
{
    int status = 0;
    DWORD err = pidfd_info_exit(pidfd, &status);

    if (err == ERROR_NOT_READY || err == ERROR_NOT_SUPPORTED) {
        /* Not reaped yet (or an older kernel): the zombie's own status. */
        if (zombie_status(pid, pidfd, &status) == 0)
            err = 0;
        else if (err == ERROR_NOT_READY)
            err = pidfd_info_exit(pidfd, &status); /* reaped meanwhile? */
    }
    if (err == ERROR_NOT_READY && wait_ms > 0 && pidfd_reaped(pidfd, wait_ms))
        err = pidfd_info_exit(pidfd, &status);
    if (err)
        return err;
    *code = exit_code_of(status);
    return 0;
}

int wipc_plat_signal_is_fault(int sig)
{
    /* SIGSEGV: STATUS_ACCESS_VIOLATION; SIGBUS: STATUS_IN_PAGE_ERROR,
     * STATUS_DATATYPE_MISALIGNMENT; SIGILL: STATUS_ILLEGAL_INSTRUCTION,
     * STATUS_PRIVILEGED_INSTRUCTION; SIGFPE: STATUS_INTEGER_DIVIDE_BY_ZERO
     * and the STATUS_FLOAT_* codes; SIGTRAP: STATUS_BREAKPOINT,
     * STATUS_SINGLE_STEP; SIGINT: STATUS_CONTROL_C_EXIT. */
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
           sig == SIGTRAP || sig == SIGINT;
}

DWORD wipc_plat_pidfd_end_signal(DWORD pid, int pidfd, int *sig)
{
    int status = 0;
    DWORD err = pidfd_info_exit(pidfd, &status);

    if ((err == ERROR_NOT_READY || err == ERROR_NOT_SUPPORTED) &&
        zombie_status(pid, pidfd, &status) == 0)
        err = 0;
    if (err)
        return err;
    *sig = status & 0x7f;
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
