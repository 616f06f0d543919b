/*
 * posix_procinfo.c: what a process is and has used: its program, its
 * times, its nice value (platform_sys.h).
 */
#include <dirent.h>
#include <sched.h>
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

/* The whole of /proc/PID/<what> can be long: read in pieces, at most
 * this much. */
#define PROCINFO_ENV_MAX (4u << 20)

DWORD wipc_plat_process_env_value(DWORD pid, const char *name, char *buf,
                                  size_t cap)
{
    char path[48], chunk[4096];
    size_t name_len = strlen(name), at = 0, total = 0;
    int fd, skip = 0; /* the entry being read is not ours */
    DWORD err = ERROR_ENVVAR_NOT_FOUND;

    if (cap < 2)
        return ERROR_ENVVAR_NOT_FOUND;
    snprintf(path, sizeof path, "/proc/%u/environ", (unsigned)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT || errno == ESRCH ? ERROR_INVALID_PARAMETER
               : errno == EACCES || errno == EPERM ? ERROR_ACCESS_DENIED
                                                   : wipc_plat_error(errno);
    /* Entry by entry: buf holds the start of the current one while it may
     * still be "NAME=...". */
    while (total < PROCINFO_ENV_MAX) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err = errno == EACCES || errno == EPERM ? ERROR_ACCESS_DENIED
                                                    : ERROR_ENVVAR_NOT_FOUND;
            break;
        }
        if (n == 0)
            break;
        total += (size_t)n;
        for (ssize_t i = 0; i < n; i++) {
            char c = chunk[i];
            if (c == '\0') {
                if (!skip && at > name_len && memcmp(buf, name, name_len) == 0 &&
                    buf[name_len] == '=') {
                    memmove(buf, buf + name_len + 1, at - name_len - 1);
                    buf[at - name_len - 1] = '\0';
                    close(fd);
                    return 0;
                }
                at = 0;
                skip = 0;
                continue;
            }
            if (skip)
                continue;
            if (at + 1 >= cap ||
                (at < name_len && c != name[at]) ||
                (at == name_len && c != '=')) {
                skip = 1;
                continue;
            }
            buf[at++] = c;
        }
    }
    close(fd);
    buf[0] = '\0';
    return err;
}

/* The file name of a path, without its directory nor the " (deleted)" the
 * kernel adds for a program whose file was removed. */
static void procinfo_basename(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t len = strlen(base);
    static const char deleted[] = " (deleted)";

    if (len > sizeof deleted - 1 &&
        strcmp(base + len - (sizeof deleted - 1), deleted) == 0)
        len -= sizeof deleted - 1;
    if (len >= cap)
        len = cap - 1;
    memcpy(out, base, len);
    out[len] = '\0';
}

DWORD wipc_plat_process_brief(DWORD pid, struct wipc_proc_brief *b)
{
    static const int fields[3] = {4, 19, 20}; /* ppid, nice, num_threads */
    char exe[4096];
    long long v[3];
    size_t len = 0;
    int r = wipc_posix_stat_numbers((unsigned)pid, fields, v, 3);

    if (r == -ENOENT || r == -ESRCH)
        return ERROR_INVALID_PARAMETER;
    if (r < 0)
        return wipc_plat_error(-r);
    b->ppid = v[0] > 0 ? (DWORD)v[0] : 0;
    b->nice = (int)v[1];
    b->threads = v[2] > 0 ? (DWORD)v[2] : 0;
    if (wipc_plat_process_exe(pid, exe, sizeof exe, &len) == 0) {
        procinfo_basename(exe, b->name, sizeof b->name);
        return 0;
    }
    /* The kernel's name for it (at most 15 bytes of its program's name). */
    if (wipc_plat_process_comm(pid, b->name, sizeof b->name) < 0)
        b->name[0] = '\0';
    return 0;
}

static int procinfo_cmp(const void *a, const void *b)
{
    DWORD x = *(const DWORD *)a, y = *(const DWORD *)b;
    return x < y ? -1 : x > y;
}

/* The numeric entries of directory dir, sorted (see wipc_plat_process_ids). */
static DWORD procinfo_numbers(const char *dir, DWORD **pids, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    DWORD *list = NULL;
    size_t cap = 0, k = 0;

    *pids = NULL;
    *n = 0;
    if (!d)
        return errno == ENOENT ? ERROR_INVALID_PARAMETER : wipc_plat_error(errno);
    while ((e = readdir(d)) != NULL) {
        char *end;
        unsigned long pid = strtoul(e->d_name, &end, 10);
        if (*end || pid == 0 || pid > 0xffffffffu)
            continue;
        if (k == cap) {
            DWORD *nl = realloc(list, (cap ? cap * 2 : 256) * sizeof *nl);
            if (!nl) {
                free(list);
                closedir(d);
                return ERROR_NOT_ENOUGH_MEMORY;
            }
            list = nl;
            cap = cap ? cap * 2 : 256;
        }
        list[k++] = (DWORD)pid;
    }
    closedir(d);
    qsort(list, k, sizeof *list, procinfo_cmp);
    *pids = list;
    *n = k;
    return 0;
}

DWORD wipc_plat_process_ids(DWORD **pids, size_t *n)
{
    return procinfo_numbers("/proc", pids, n);
}

DWORD wipc_plat_process_threads(DWORD pid, DWORD **tids, size_t *n)
{
    char path[48];
    snprintf(path, sizeof path, "/proc/%u/task", (unsigned)pid);
    return procinfo_numbers(path, tids, n);
}

DWORD wipc_plat_process_affinity(DWORD pid, uint64_t *mask)
{
    cpu_set_t set;

    CPU_ZERO(&set);
    if (sched_getaffinity((pid_t)pid, sizeof set, &set) < 0)
        return errno == ESRCH ? ERROR_INVALID_PARAMETER : wipc_plat_error(errno);
    *mask = 0;
    for (int i = 0; i < 64; i++)
        if (CPU_ISSET(i, &set))
            *mask |= (uint64_t)1 << i;
    return 0;
}

DWORD wipc_plat_getppid(void) { return (DWORD)getppid(); }
