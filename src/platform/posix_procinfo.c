/*
 * posix_procinfo.c: what a process is and has used: its program, its
 * times, its nice value (platform_sys.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"
#include "platform_sys.h"
#include "posix_exit.h"

DWORD wipc_plat_process_exe(DWORD pid, char *buf, size_t cap, size_t *len)
{
    char path[40];
    ssize_t n;

    snprintf(path, sizeof path, "/proc/%u/exe", (unsigned)pid);
    n = readlink(path, buf, cap);
    if (n < 0)
        return errno == ENOENT || errno == ESRCH ? ERROR_INVALID_PARAMETER
                                                 : wipc_plat_error(errno);
    if ((size_t)n >= cap)
        return ERROR_INSUFFICIENT_BUFFER;
    buf[n] = '\0';
    *len = (size_t)n;
    return 0;
}

/* The wall-clock time at which the system started, in 100 ns units since
 * 1601 (Windows' FILETIME epoch). */
static uint64_t procinfo_boot_filetime(void)
{
    struct timespec rt, bt;
    uint64_t now, up;

    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_BOOTTIME, &bt);
    now = (uint64_t)rt.tv_sec * 10000000u + (uint64_t)rt.tv_nsec / 100u +
          WIPC_FILETIME_UNIX_EPOCH;
    up = (uint64_t)bt.tv_sec * 10000000u + (uint64_t)bt.tv_nsec / 100u;
    return now - up;
}

DWORD wipc_plat_process_times(DWORD pid, struct wipc_proc_times *t)
{
    static const int fields[3] = {14, 15, 22}; /* utime, stime, starttime */
    long long v[3];
    long hz = sysconf(_SC_CLK_TCK);
    int r = wipc_posix_stat_numbers((unsigned)pid, fields, v, 3);

    if (r == -ENOENT || r == -ESRCH)
        return ERROR_INVALID_PARAMETER;
    if (r < 0)
        return wipc_plat_error(-r);
    if (hz <= 0)
        hz = 100;
    t->user = (uint64_t)v[0] * 10000000u / (uint64_t)hz;
    t->kernel = (uint64_t)v[1] * 10000000u / (uint64_t)hz;
    t->creation = procinfo_boot_filetime() +
                  (uint64_t)v[2] * 10000000u / (uint64_t)hz;
    return 0;
}

uint64_t wipc_plat_filetime_now(void)
{
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    return (uint64_t)rt.tv_sec * 10000000u + (uint64_t)rt.tv_nsec / 100u +
           WIPC_FILETIME_UNIX_EPOCH;
}

DWORD wipc_plat_get_nice(DWORD pid, int *nice)
{
    int v;

    errno = 0;
    v = getpriority(PRIO_PROCESS, (id_t)pid);
    if (v == -1 && errno)
        return errno == ESRCH ? ERROR_INVALID_PARAMETER : wipc_plat_error(errno);
    *nice = v;
    return 0;
}

/* Linux keeps a nice value per thread: every thread of the process gets
 * it (threads started later inherit their creator's). */
DWORD wipc_plat_set_nice(DWORD pid, int nice)
{
    char path[40];
    DIR *d;
    struct dirent *e;
    DWORD err = 0;
    int done = 0;

    snprintf(path, sizeof path, "/proc/%u/task", (unsigned)pid);
    d = opendir(path);
    if (!d)
        return errno == ENOENT ? ERROR_INVALID_PARAMETER : wipc_plat_error(errno);
    while ((e = readdir(d)) != NULL) {
        long tid = strtol(e->d_name, NULL, 10);
        if (tid <= 0)
            continue;
        if (setpriority(PRIO_PROCESS, (id_t)tid, nice) < 0) {
            if (errno != ESRCH && !err)
                err = wipc_plat_error(errno);
        } else {
            done++;
        }
    }
    closedir(d);
    return done ? 0 : err ? err : ERROR_INVALID_PARAMETER;
}

DWORD wipc_plat_nice_floor(int *floor)
{
    struct rlimit rl;

    if (geteuid() == 0) {
        *floor = -20;
        return 0;
    }
    if (getrlimit(RLIMIT_NICE, &rl) < 0)
        return wipc_plat_error(errno);
    *floor = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 40
                 ? -20
                 : 20 - (int)rl.rlim_cur;
    return 0;
}

DWORD wipc_plat_self_cmdline(char *buf, size_t cap, size_t *len)
{
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    size_t got = 0;

    if (fd < 0)
        return wipc_plat_error(errno);
    while (got < cap) {
        ssize_t n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    *len = got;
    return 0;
}
