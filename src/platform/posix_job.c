/*
 * posix_job.c: job objects as process groups led by a keeper process
 * (platform_job.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform.h"
#include "platform_job.h"
#include "posix_exit.h"

#define JOB_KEEPER_NAME "winipc-job"
#define JOB_LIFE_FD 3
#define JOB_STATE_FD 4

/* The keeper (async-signal-safe calls only: it is a fork of a process
 * that may have other threads).  Never returns. */
static void job_keeper_main(int life, int state, int ready)
{
    struct wipc_job_shared *sh;
    struct sigaction ign;
    struct pollfd p;
    int nul;
    char c;

    /* Its own group, which its members join; nothing of the parent's:
     * descriptor 3 the pipe, 4 the state, 0-2 /dev/null (holding a pipe
     * of the parent's would keep its reader from ever seeing its end). */
    setpgid(0, 0);
    prctl(PR_SET_NAME, JOB_KEEPER_NAME, 0, 0, 0);
    if (ready <= JOB_STATE_FD)
        ready = fcntl(ready, F_DUPFD, JOB_STATE_FD + 1);
    if (ready < 0 || dup2(life, JOB_LIFE_FD) < 0 ||
        dup2(state, JOB_STATE_FD) < 0)
        _exit(1);
    /* Found by its name and its state descriptor from now on (see
     * wipc_plat_job_find): the parent may return. */
    if (write(ready, "r", 1) != 1)
        _exit(1);
    syscall(SYS_close_range, JOB_STATE_FD + 1, ~0u, 0);
    nul = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3 && nul >= 0; fd++)
        if (fd != nul)
            dup2(nul, fd);
    if (nul > 2)
        close(nul);
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ign, NULL);
    sigaction(SIGQUIT, &ign, NULL);
    sigaction(SIGHUP, &ign, NULL);
    sigaction(SIGTSTP, &ign, NULL);
    sigaction(SIGPIPE, &ign, NULL);
    sh = mmap(NULL, sizeof *sh, PROT_READ, MAP_SHARED, JOB_STATE_FD, 0);
    p.fd = JOB_LIFE_FD;
    p.events = POLLIN;
    for (;;) {
        if (poll(&p, 1, -1) < 0)
            continue;
        if (read(JOB_LIFE_FD, &c, 1) == 0)
            break; /* every write end is closed */
    }
    if (sh != MAP_FAILED &&
        (atomic_load(&sh->limit_flags) & JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE))
        kill(0, SIGKILL); /* the whole group, this process last */
    _exit(0);
}

DWORD wipc_plat_job_keeper(int *life, struct wipc_job_shared **shared,
                           DWORD *pgid, int *pidfd)
{
    int p[2] = {-1, -1}, ready[2] = {-1, -1}, state, err;
    char c;
    struct wipc_job_shared *sh = MAP_FAILED;
    sigset_t all, old;
    pid_t pid;

    state = memfd_create("winipc-job", MFD_CLOEXEC);
    if (state < 0)
        return wipc_plat_error(errno);
    if (ftruncate(state, sizeof *sh) < 0 ||
        (sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED,
                   state, 0)) == MAP_FAILED ||
        pipe2(p, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0)
        goto fail;
    atomic_store(&sh->magic, WIPC_JOB_MAGIC);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid = fork();
    if (pid == 0) {
        close(p[1]);
        close(ready[0]);
        sigprocmask(SIG_SETMASK, &old, NULL);
        job_keeper_main(p[0], state, ready[1]);
    }
    err = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(ready[1]);
    ready[1] = -1;
    if (pid < 0) {
        errno = err;
        goto fail;
    }
    /* Until the keeper has its name and its state descriptor, a member
     * could not find its job (IsProcessInJob, children joining): wait for
     * its word, or its end (our own child: no bound needed). */
    while (read(ready[0], &c, 1) < 0 && errno == EINTR)
        ;
    close(ready[0]);
    ready[0] = -1;
    /* The group exists once the keeper has made it; the parent makes it
     * too, so it exists when this returns (whichever comes first). */
    setpgid(pid, pid);
    *pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    close(p[0]);
    close(state);
    *life = p[1];
    *shared = sh;
    *pgid = (DWORD)pid;
    return 0;

fail:
    err = errno;
    if (sh != MAP_FAILED)
        munmap(sh, sizeof *sh);
    close(state);
    if (p[0] >= 0) {
        close(p[0]);
        close(p[1]);
    }
    for (int i = 0; i < 2; i++)
        if (ready[i] >= 0)
            close(ready[i]);
    return wipc_plat_error(err);
}

void wipc_plat_job_unmap(struct wipc_job_shared *shared)
{
    if (shared)
        munmap(shared, sizeof *shared);
}

DWORD wipc_plat_job_find(DWORD pid, struct wipc_job_shared **shared,
                         DWORD *pgid)
{
    char path[64], name[32] = "";
    struct stat st;
    struct wipc_job_shared *sh;
    pid_t g = getpgid((pid_t)pid);
    int fd;
    ssize_t n;

    if (g <= 0)
        return ERROR_NOT_FOUND;
    snprintf(path, sizeof path, "/proc/%d/comm", (int)g);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ERROR_NOT_FOUND;
    n = read(fd, name, sizeof name - 1);
    close(fd);
    if (n <= 0 || strncmp(name, JOB_KEEPER_NAME, strlen(JOB_KEEPER_NAME)) != 0)
        return ERROR_NOT_FOUND;
    snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)g, JOB_STATE_FD);
    fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ELOOP) /* /proc's links are links */
        fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return ERROR_NOT_FOUND;
    /* A memfd of this user, of the state's size. */
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        st.st_size != (off_t)sizeof *sh) {
        close(fd);
        return ERROR_NOT_FOUND;
    }
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (sh == MAP_FAILED)
        return ERROR_NOT_FOUND;
    if (atomic_load(&sh->magic) != WIPC_JOB_MAGIC) {
        munmap(sh, sizeof *sh);
        return ERROR_NOT_FOUND;
    }
    *shared = sh;
    *pgid = (DWORD)g;
    return 0;
}

DWORD wipc_plat_setpgid(DWORD pid, DWORD pgid)
{
    if (setpgid(pid == (DWORD)getpid() ? 0 : (pid_t)pid, (pid_t)pgid) == 0)
        return 0;
    if (errno == EACCES)
        return ERROR_NOT_SUPPORTED;
    if (errno == EPERM)
        return ERROR_ACCESS_DENIED;
    if (errno == ESRCH)
        return ERROR_NOT_SUPPORTED; /* not our child */
    return wipc_plat_error(errno);
}

DWORD wipc_plat_getpgid(DWORD pid, DWORD *pgid)
{
    pid_t g = getpgid((pid_t)pid);
    if (g < 0)
        return ERROR_INVALID_PARAMETER;
    *pgid = (DWORD)g;
    return 0;
}

DWORD wipc_plat_kill_group(DWORD pgid)
{
    if (pgid <= 1)
        return ERROR_INVALID_PARAMETER;
    if (kill(-(pid_t)pgid, SIGKILL) < 0 && errno != ESRCH)
        return wipc_plat_error(errno);
    return 0;
}

DWORD wipc_plat_group_members(DWORD pgid, DWORD skip, DWORD *pids,
                              size_t cap, size_t *n)
{
    static const int fields[1] = {5}; /* pgrp */
    DIR *d = opendir("/proc");
    struct dirent *e;

    *n = 0;
    if (!d)
        return wipc_plat_error(errno);
    while ((e = readdir(d)) != NULL) {
        char path[64], buf[512];
        long pid = strtol(e->d_name, NULL, 10);
        long long g;
        int fd;
        ssize_t len;
        const char *close_paren;

        if (pid <= 0 || (DWORD)pid == skip)
            continue;
        if (wipc_posix_stat_numbers((unsigned)pid, fields, &g, 1) != 0 ||
            g != (long long)pgid)
            continue;
        /* Zombies have ended. */
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        len = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (len <= 0)
            continue;
        buf[len] = '\0';
        close_paren = strrchr(buf, ')');
        if (!close_paren || close_paren[1] != ' ' || close_paren[2] == 'Z' ||
            close_paren[2] == 'X')
            continue;
        if (pids && *n < cap)
            pids[*n] = (DWORD)pid;
        (*n)++;
    }
    closedir(d);
    return 0;
}
