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
#define JOB_SIG_FD 5

/* The state letter and the start time of process pid (async-signal-safe:
 * the keeper uses it).  0, or -1. */
static int job_stat(unsigned pid, char *state, uint64_t *start)
{
    unsigned long long s;
    if (wipc_posix_stat_state(pid, state, &s) != 0)
        return -1;
    *start = s;
    return 0;
}

/* 1 if the process pid still is the one that started at start and has not
 * ended (a zombie has). */
static int job_pid_is(unsigned pid, uint64_t start)
{
    char state;
    uint64_t s;
    return pid && job_stat(pid, &state, &s) == 0 && s == start &&
           state != 'Z' && state != 'X';
}

int wipc_plat_job_pid_alive(DWORD pid, uint64_t start)
{
    return job_pid_is((unsigned)pid, start);
}

/* SIGKILL to the outside processes of sh that are still themselves. */
static void job_kill_outside(struct wipc_job_shared *sh, unsigned skip)
{
    for (unsigned i = 0; i < WIPC_JOB_OUTSIDE_MAX; i++) {
        unsigned pid = atomic_load(&sh->outside[i].pid);
        uint64_t start = atomic_load(&sh->outside[i].start);
        int fd;

        if (!pid || pid == skip)
            continue;
        fd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0)
            continue;
        /* Checked after the pidfd is open: the pid cannot be recycled
         * under the kill. */
        if (job_pid_is(pid, start))
            syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
        close(fd);
    }
}

/* Processes the keeper of a job without handles waits for at once (more:
 * it looks again every second). */
#define JOB_LINGER_MAX 256

/* Adds a pidfd of process pid to fds (async-signal-safe) if the process
 * runs and still is the one meant: in group (if not 0), else started at
 * start.  1 if it was added. */
static int job_linger_add(int *fds, size_t *n, unsigned pid, unsigned group,
                          uint64_t start)
{
    char state;
    long long g;
    int fd;

    if (*n >= JOB_LINGER_MAX)
        return 0;
    fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0)
        return 0;
    /* Checked once the pidfd holds the pid: not a recycled one. */
    if (group ? wipc_posix_stat_group(pid, &state, &g) == 0 &&
                    g == (long long)group && state != 'Z' && state != 'X'
              : job_pid_is(pid, start)) {
        fds[(*n)++] = fd;
        return 1;
    }
    close(fd);
    return 0;
}

/* The members of this keeper's group (itself left out) into fds
 * (async-signal-safe: getdents64 on /proc).  *more: there were more than
 * fit. */
static void job_linger_group(int *fds, size_t *n, int *more)
{
    unsigned self = (unsigned)getpid();
    char buf[4096];
    long got;
    int dir = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (dir < 0) {
        *more = 1;
        return;
    }
    while ((got = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0) {
        for (long off = 0; off < got;) {
            /* struct linux_dirent64: ino 8, off 8, reclen 2, type 1, name */
            unsigned short reclen;
            const char *name = buf + off + 19;
            unsigned pid = 0;
            char state;
            long long g;

            memcpy(&reclen, buf + off + 16, sizeof reclen);
            off += reclen;
            for (; *name >= '0' && *name <= '9'; name++)
                pid = pid * 10 + (unsigned)(*name - '0');
            if (*name || !pid || pid == self ||
                getpgid((pid_t)pid) != (pid_t)self ||
                wipc_posix_stat_group(pid, &state, &g) != 0 ||
                g != (long long)self || state == 'Z' || state == 'X')
                continue;
            if (!job_linger_add(fds, n, pid, self, 0) && *n >= JOB_LINGER_MAX)
                *more = 1;
        }
    }
    close(dir);
}

/*
 * The job's last handle went without KILL_ON_JOB_CLOSE: Windows keeps the
 * job while processes are in it (they stay in it, counted, limited, and a
 * job nested in it stays nested).  The keeper stays until no process is
 * left in its group, no process it follows by pid runs, and no job nested
 * in it is left (a nested job keeps its parent), waiting for their ends
 * (async-signal-safe).
 */
static void job_keeper_linger(struct wipc_job_shared *sh)
{
    for (;;) {
        int fds[JOB_LINGER_MAX], more = 0;
        struct pollfd p[JOB_LINGER_MAX];
        size_t n = 0;

        job_linger_group(fds, &n, &more);
        for (unsigned i = 0; sh && i < WIPC_JOB_OUTSIDE_MAX; i++) {
            unsigned pid = atomic_load(&sh->outside[i].pid);
            if (pid && !job_linger_add(fds, &n, pid, 0,
                                       atomic_load(&sh->outside[i].start)) &&
                n >= JOB_LINGER_MAX)
                more = 1;
        }
        for (unsigned i = 0; sh && i < WIPC_JOB_CHILDREN_MAX; i++) {
            unsigned k = atomic_load(&sh->children[i].pid);
            if (k > 1 && !job_linger_add(fds, &n, k, 0,
                                         atomic_load(&sh->children[i].start)) &&
                n >= JOB_LINGER_MAX)
                more = 1;
        }
        if (n == 0 && !more)
            return;
        for (size_t i = 0; i < n; i++) {
            p[i].fd = fds[i];
            p[i].events = POLLIN;
            p[i].revents = 0;
        }
        /* One of them ends (its children, born in the group, are found by
         * the next look), or a second passes when not all are watched. */
        while (poll(p, n, more ? 1000 : -1) < 0 && errno == EINTR)
            ;
        for (size_t i = 0; i < n; i++)
            close(fds[i]);
    }
}

/* The keeper (async-signal-safe calls only: it is a fork of a process
 * that may have other threads).  Never returns. */
static void job_keeper_main(int life, int state, int sig, int ready)
{
    struct wipc_job_shared *sh;
    struct sigaction ign;
    struct pollfd p;
    int nul;
    char c;

    /* Its own group, which its members join; nothing of the parent's:
     * descriptor 3 the pipe, 4 the state, 5 the signal pipe, 0-2 /dev/null
     * (holding a pipe of the parent's would keep its reader from ever
     * seeing its end). */
    setpgid(0, 0);
    prctl(PR_SET_NAME, JOB_KEEPER_NAME, 0, 0, 0);
    if (ready <= JOB_SIG_FD)
        ready = fcntl(ready, F_DUPFD, JOB_SIG_FD + 1);
    if (sig < JOB_SIG_FD)
        sig = fcntl(sig, F_DUPFD, JOB_SIG_FD + 1);
    if (state < JOB_STATE_FD)
        state = fcntl(state, F_DUPFD, JOB_SIG_FD + 1);
    if (ready < 0 || sig < 0 || state < 0 || dup2(life, JOB_LIFE_FD) < 0 ||
        dup2(state, JOB_STATE_FD) < 0 || dup2(sig, JOB_SIG_FD) < 0)
        _exit(1);
    /* Found by its name and its descriptors from now on (see
     * wipc_plat_job_find, wipc_plat_job_attach): the parent may return. */
    if (write(ready, "r", 1) != 1)
        _exit(1);
    syscall(SYS_close_range, JOB_SIG_FD + 1, ~0u, 0);
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
        (atomic_load(&sh->limit_flags) & JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE)) {
        job_kill_outside(sh, 0);
        /* The nested jobs' groups, their keepers with them. */
        for (unsigned i = 0; i < WIPC_JOB_CHILDREN_MAX; i++) {
            unsigned k = atomic_load(&sh->children[i].pid);
            if (k > 1 && job_pid_is(k, atomic_load(&sh->children[i].start)))
                kill(-(pid_t)k, SIGKILL);
        }
        kill(0, SIGKILL); /* the whole group, this process last */
    }
    job_keeper_linger(sh != MAP_FAILED ? sh : NULL);
    _exit(0);
}

/* A descriptor of the pipe behind fd open for reading and writing. */
static int job_reopen_rdwr(int fd)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
}

static DWORD job_map(int fd, int prot, struct wipc_job_shared **out)
{
    void *m = mmap(NULL, sizeof **out, prot, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED)
        return wipc_plat_error(errno);
    *out = m;
    return 0;
}

DWORD wipc_plat_job_map(const struct wipc_job_link *l,
                        struct wipc_job_shared **out)
{
    return job_map(l->state, PROT_READ | PROT_WRITE, out);
}

void wipc_plat_job_unlink(struct wipc_job_link *l)
{
    if (l->life >= 0)
        close(l->life);
    if (l->state >= 0)
        close(l->state);
    if (l->sig >= 0)
        close(l->sig);
    if (l->sh)
        munmap(l->sh, sizeof *l->sh);
    l->life = l->state = l->sig = -1;
    l->sh = NULL;
}

DWORD wipc_plat_job_keeper(struct wipc_job_link *out)
{
    int p[2] = {-1, -1}, ready[2] = {-1, -1}, sig[2] = {-1, -1}, err;
    struct wipc_job_link l = {-1, -1, -1, 0, NULL};
    char c;
    sigset_t all, old;
    pid_t pid;

    l.state = memfd_create("winipc-job", MFD_CLOEXEC);
    if (l.state < 0)
        return wipc_plat_error(errno);
    if (ftruncate(l.state, sizeof *l.sh) < 0 ||
        (err = (int)job_map(l.state, PROT_READ | PROT_WRITE, &l.sh)) != 0 ||
        pipe2(p, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0 ||
        pipe2(sig, O_CLOEXEC | O_NONBLOCK) < 0)
        goto fail;
    atomic_store(&l.sh->magic, WIPC_JOB_MAGIC);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid = fork();
    if (pid == 0) {
        close(p[1]);
        close(ready[0]);
        close(sig[1]);
        sigprocmask(SIG_SETMASK, &old, NULL);
        job_keeper_main(p[0], l.state, sig[0], ready[1]);
    }
    err = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(ready[1]);
    ready[1] = -1;
    if (pid < 0) {
        errno = err;
        goto fail;
    }
    atomic_store(&l.sh->keeper, (uint32_t)pid);
    {
        char st;
        uint64_t start = 0;
        if (job_stat((unsigned)pid, &st, &start) == 0)
            atomic_store(&l.sh->start, start);
    }
    /* Until the keeper has its name and its descriptors, a member could
     * not find its job (IsProcessInJob, children joining): wait for its
     * word, or its end (our own child: no bound needed). */
    while (read(ready[0], &c, 1) < 0 && errno == EINTR)
        ;
    close(ready[0]);
    /* The group exists once the keeper has made it; the parent makes it
     * too, so it exists when this returns (whichever comes first). */
    setpgid(pid, pid);
    close(p[0]);
    l.life = p[1];
    l.keeper = (DWORD)pid;
    /* Both ends in one descriptor, as wipc_plat_job_attach opens it: the
     * pipe is polled for its byte, and written to signal. */
    l.sig = job_reopen_rdwr(sig[0]);
    close(sig[0]);
    close(sig[1]);
    sig[0] = sig[1] = -1;
    if (l.sig < 0) {
        err = errno;
        wipc_plat_job_unlink(&l); /* the keeper ends with the pipe */
        return wipc_plat_error(err);
    }
    *out = l;
    return 0;

fail:
    err = errno;
    for (int i = 0; i < 2; i++) {
        if (p[i] >= 0)
            close(p[i]);
        if (ready[i] >= 0)
            close(ready[i]);
        if (sig[i] >= 0)
            close(sig[i]);
    }
    wipc_plat_job_unlink(&l);
    return wipc_plat_error(err);
}

/* Opens the keeper's descriptor n ("/proc/KEEPER/fd/N") with flags. */
static int job_open_keeper_fd(DWORD keeper, int n, int flags)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%u/fd/%d", (unsigned)keeper, n);
    return open(path, flags | O_CLOEXEC);
}

/* The job's state behind fd: a memfd of this user, of the state's size,
 * mapped; ERROR_NOT_FOUND otherwise. */
static DWORD job_check_state(int fd, struct wipc_job_shared **out)
{
    struct stat st;
    struct wipc_job_shared *sh;

    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
        st.st_uid != geteuid() || st.st_size != (off_t)sizeof *sh ||
        job_map(fd, PROT_READ | PROT_WRITE, &sh) != 0)
        return ERROR_NOT_FOUND;
    if (atomic_load(&sh->magic) != WIPC_JOB_MAGIC) {
        munmap(sh, sizeof *sh);
        return ERROR_NOT_FOUND;
    }
    *out = sh;
    return 0;
}

DWORD wipc_plat_job_attach(DWORD keeper, int life, struct wipc_job_link *out)
{
    struct wipc_job_link l = {life, -1, -1, keeper, NULL};
    struct stat mine, theirs;
    int fd;

    /* The keeper's own end of this very pipe: it is the job's keeper. */
    fd = keeper > 1 ? job_open_keeper_fd(keeper, JOB_LIFE_FD,
                                          O_RDONLY | O_NONBLOCK)
                    : -1;
    if (fd < 0 && (errno == EACCES || errno == EPERM)) {
        /* Another user's keeper: its job is not reachable from here. */
        wipc_plat_job_unlink(&l);
        return ERROR_ACCESS_DENIED;
    }
    if (fd < 0 || fstat(fd, &theirs) < 0 || fstat(life, &mine) < 0 ||
        !S_ISFIFO(mine.st_mode) || mine.st_ino != theirs.st_ino ||
        mine.st_dev != theirs.st_dev) {
        if (fd >= 0)
            close(fd);
        wipc_plat_job_unlink(&l);
        return ERROR_INVALID_HANDLE;
    }
    close(fd);
    l.state = job_open_keeper_fd(keeper, JOB_STATE_FD, O_RDWR);
    l.sig = job_open_keeper_fd(keeper, JOB_SIG_FD, O_RDWR | O_NONBLOCK);
    if (l.state < 0 || l.sig < 0 || job_check_state(l.state, &l.sh) != 0 ||
        atomic_load(&l.sh->keeper) != keeper) {
        wipc_plat_job_unlink(&l);
        return ERROR_INVALID_HANDLE;
    }
    *out = l;
    return 0;
}

void wipc_plat_job_lock(const struct wipc_job_link *l, int lock)
{
    struct flock fl = {.l_type = (short)(lock ? F_WRLCK : F_UNLCK),
                       .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
    /* This user's own state: its holders take it for a few reads and
     * writes, and a process that dies lets it go. */
    while (fcntl(l->state, F_OFD_SETLKW, &fl) < 0 && errno == EINTR)
        ;
}

void wipc_plat_job_signal(const struct wipc_job_link *l)
{
    ssize_t r;
    do
        r = write(l->sig, "s", 1);
    while (r < 0 && errno == EINTR);
}

void wipc_plat_job_unmap(struct wipc_job_shared *shared)
{
    if (shared)
        munmap(shared, sizeof *shared);
}

/* The state of keeper k if k is a keeper of this user (mapped), else
 * ERROR_NOT_FOUND. */
static DWORD job_keeper_state(DWORD k, struct wipc_job_shared **out)
{
    char path[64], name[32] = "";
    struct wipc_job_shared *sh;
    ssize_t n;
    int fd;
    DWORD err;

    snprintf(path, sizeof path, "/proc/%u/comm", (unsigned)k);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ERROR_NOT_FOUND;
    n = read(fd, name, sizeof name - 1);
    close(fd);
    if (n <= 0 || strncmp(name, JOB_KEEPER_NAME, strlen(JOB_KEEPER_NAME)) != 0)
        return ERROR_NOT_FOUND;
    fd = job_open_keeper_fd(k, JOB_STATE_FD, O_RDWR);
    if (fd < 0)
        return ERROR_NOT_FOUND;
    err = job_check_state(fd, &sh);
    close(fd);
    if (err)
        return err;
    if (atomic_load(&sh->keeper) != k) {
        munmap(sh, sizeof *sh);
        return ERROR_NOT_FOUND;
    }
    *out = sh;
    return 0;
}

DWORD wipc_plat_job_state(DWORD keeper, uint64_t start,
                          struct wipc_job_shared **shared)
{
    struct wipc_job_shared *sh;
    if (keeper <= 1 || job_keeper_state(keeper, &sh) != 0)
        return ERROR_NOT_FOUND;
    if (atomic_load(&sh->start) != start) {
        munmap(sh, sizeof *sh);
        return ERROR_NOT_FOUND;
    }
    *shared = sh;
    return 0;
}

DWORD wipc_plat_job_find_outside(DWORD pid, uint64_t start,
                                 struct wipc_job_shared **shared,
                                 DWORD *keeper)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    uid_t me = geteuid();
    DWORD err = ERROR_NOT_FOUND;

    if (!d)
        return ERROR_NOT_FOUND;
    while (err && (e = readdir(d)) != NULL) {
        long k = strtol(e->d_name, NULL, 10);
        struct wipc_job_shared *sh;
        struct stat st;

        /* Only this user's processes can be its keepers. */
        if (k <= 1 || fstatat(dirfd(d), e->d_name, &st, 0) != 0 ||
            st.st_uid != me || job_keeper_state((DWORD)k, &sh) != 0)
            continue;
        for (unsigned i = 0; i < WIPC_JOB_OUTSIDE_MAX; i++)
            if (atomic_load(&sh->outside[i].pid) == pid &&
                atomic_load(&sh->outside[i].start) == start) {
                *shared = sh;
                *keeper = (DWORD)k;
                err = 0;
                break;
            }
        if (err)
            munmap(sh, sizeof *sh);
    }
    closedir(d);
    return err;
}

DWORD wipc_plat_job_find(DWORD pid, struct wipc_job_shared **shared,
                         DWORD *pgid)
{
    pid_t g = getpgid((pid_t)pid);

    if (g <= 0 || job_keeper_state((DWORD)g, shared) != 0)
        return ERROR_NOT_FOUND;
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

/* SIGKILL to process pid if it is still in group pgid: checked once its
 * pidfd holds the pid, so that a pid recycled since the group was listed
 * is never killed. */
static void job_kill_if_in(DWORD pid, DWORD pgid)
{
    int fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
    if (fd < 0)
        return;
    if (getpgid((pid_t)pid) == (pid_t)pgid)
        syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
    close(fd);
}

void wipc_plat_job_kill_members(DWORD pgid, DWORD skip,
                                struct wipc_job_shared *sh)
{
    DWORD *sent = NULL, pids[256];
    size_t n_sent = 0, cap_sent = 0, n, i, k;
    int fresh = 1;

    if (sh)
        job_kill_outside(sh, skip);
    if (pgid <= 1)
        return;
    /* kill(-group) would take the keeper too, and with it the job. */
    while (fresh) {
        fresh = 0;
        if (wipc_plat_group_members(pgid, pgid, pids, 256, &n) != 0)
            break;
        if (n > 256)
            fresh = 1; /* more than seen: look again after these */
        for (i = 0; i < n && i < 256; i++) {
            if (pids[i] == skip)
                continue;
            for (k = 0; k < n_sent && sent[k] != pids[i]; k++)
                ;
            if (k < n_sent)
                continue; /* sent already, on its way out */
            if (n_sent == cap_sent) {
                DWORD *ns = realloc(sent, (cap_sent ? 2 * cap_sent : 64) *
                                              sizeof *ns);
                if (!ns) {
                    free(sent);
                    return;
                }
                sent = ns;
                cap_sent = cap_sent ? 2 * cap_sent : 64;
            }
            sent[n_sent++] = pids[i];
            job_kill_if_in(pids[i], pgid);
            fresh = 1;
        }
    }
    free(sent);
}

DWORD wipc_plat_group_members(DWORD pgid, DWORD skip, DWORD *pids,
                              size_t cap, size_t *n)
{
    DIR *d = opendir("/proc");
    struct dirent *e;

    *n = 0;
    if (!d)
        return wipc_plat_error(errno);
    while ((e = readdir(d)) != NULL) {
        long pid = strtol(e->d_name, NULL, 10);
        long long g;
        char state;

        if (pid <= 0 || (DWORD)pid == skip)
            continue;
        /* Its group by a system call (no file to read for the processes
         * of other groups); then whether a member has ended (zombies
         * have). */
        if (getpgid((pid_t)pid) != (pid_t)pgid ||
            wipc_posix_stat_group((unsigned)pid, &state, &g) != 0 ||
            g != (long long)pgid || state == 'Z' || state == 'X')
            continue;
        if (pids && *n < cap)
            pids[*n] = (DWORD)pid;
        (*n)++;
    }
    closedir(d);
    return 0;
}
