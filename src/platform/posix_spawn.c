/*
 * posix_spawn.c: starting child processes, and process ids as pidfds.
 *
 * The child is made with clone3(CLONE_PIDFD), a fork that hands back a
 * pidfd atomically, so no SIGCHLD handler of the application can reap the
 * child before we hold it.  Between the fork and execve the child calls only
 * async-signal-safe functions (the parent may have other threads holding
 * locks), and an execve failure travels back through a close-on-exec pipe,
 * so CreateProcess itself reports it.  All signals are blocked in the parent
 * around the fork so that no handler of the application runs in the child;
 * the child resets every handler to the default and unblocks them before
 * execve.
 *
 * Descriptors: every descriptor winipc opens is close-on-exec, so a child
 * gets only what is placed here on purpose: the three standard descriptors
 * and the inherited handles' descriptors at 3, 4, ...  Everything above
 * those is closed with close_range(), which also catches descriptors the
 * application opened without O_CLOEXEC: nothing leaks.
 *
 * CREATE_SUSPENDED: the child waits before execve, serving a channel (an
 * AF_UNIX packet socket pair) through which the parent, which keeps the
 * handle table of the suspended child (process/suspended.h), hands it the
 * descriptors of handles duplicated into it, fetches or closes inherited
 * ones, and at last lets it go with the environment that describes them
 * all.  Meanwhile the child also answers on its handle service's name, with
 * a fixed "not now" packet, so that other processes do not wait for a
 * service that cannot come before the child is resumed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform.h"
#include "posix_abstract.h"
#include "posix_exitrec.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* Moves fd above limit (close-on-exec) so that placing descriptors at
 * their targets in the child can never overwrite a source. */
static int spawn_lift(int fd, int limit)
{
    return fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, limit);
}

/* close_range(first, last) when the range is not empty; a kernel without
 * it (before 5.9) leaves the descriptors to close-on-exec. */
static int spawn_close_range(unsigned first, unsigned last)
{
    if (first > last)
        return 0;
    if (syscall(SYS_close_range, first, last, 0) < 0 && errno != ENOSYS)
        return -1;
    return 0;
}

/* ---- The channel of a suspended child ------------------------------------ */

enum spawn_op { SPAWN_GET = 1, SPAWN_CLOSE, SPAWN_PLACE, SPAWN_GO };

/* One request.  PLACE's descriptors come with it (SCM_RIGHTS); GO is
 * followed by its entry in packets of at most SPAWN_CHUNK bytes.  GET is
 * answered with an int32 (1: the descriptor comes with it), GO with one
 * byte once the child has stopped answering on the service's name. */
struct spawn_msg {
    uint32_t op;
    uint32_t n;  /* CLOSE, PLACE: entries of fds; GO: the entry's length */
    int32_t arg; /* PLACE: end; GO: remove */
    int32_t fds[WIPC_PLAT_PLACE_MAX]; /* GET: fds[0] */
};

#define SPAWN_CHUNK 16384
#define SPAWN_ACK_MS 5000  /* GO's answer, from a child that may be stopped */
#define SPAWN_ASKER_MS 500 /* the request of a connection to answer busy */
#define SPAWN_HEAD offsetof(struct spawn_msg, fds)

/* In the child: the next request, and the descriptors that came with it
 * (close-on-exec) in got[*ngot].  0 or less: the parent has gone. */
static ssize_t spawn_child_recv(int chan, struct spawn_msg *m, int *got,
                                size_t *ngot)
{
    char ctl[CMSG_SPACE(WIPC_PLAT_PLACE_MAX * sizeof(int))];
    struct iovec iov = {m, sizeof *m};
    struct msghdr msg;
    ssize_t r;

    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl;
    msg.msg_controllen = sizeof ctl;
    do {
        r = recvmsg(chan, &msg, MSG_CMSG_CLOEXEC);
    } while (r < 0 && errno == EINTR);
    *ngot = r > 0 ? wipc_posix_rights_take(&msg, got, WIPC_PLAT_PLACE_MAX) : 0;
    return r;
}

/* In the child: listens on its own handle service's name, or if another
 * process holds it, on another name as the service would (posix_service.c);
 * -1 if it cannot. */
static int spawn_busy_listen(void)
{
    uint32_t pid = (uint32_t)syscall(SYS_getpid);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int tries = 0;

    while (fd >= 0) {
        struct sockaddr_un sa;
        socklen_t len =
            wipc_posix_svc_addr(pid, tries ? wipc_posix_svc_tag() : 0, &sa);
        if (bind(fd, (struct sockaddr *)&sa, len) == 0) {
            if (listen(fd, 16) == 0)
                break;
        } else if (errno == EADDRINUSE && ++tries <= 8) {
            continue;
        }
        close(fd);
        fd = -1;
    }
    return fd;
}

/* In the child: answers one connection with the busy reply, after reading
 * its request (a socket closed with unread data resets its peer, which
 * would then miss the reply). */
static void spawn_busy_answer(int lfd, const struct wipc_spawn_req *req)
{
    char sink[256];
    struct pollfd p;
    int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

    if (c < 0)
        return;
    p.fd = c;
    p.events = POLLIN;
    if (poll(&p, 1, SPAWN_ASKER_MS) == 1 && recv(c, sink, sizeof sink, 0) >= 0)
        send(c, req->busy_reply, req->busy_reply_len, MSG_NOSIGNAL);
    close(c);
}

/* In the child: GET, its descriptor fd sent back. */
static void spawn_child_get(int chan, int fd)
{
    char ctl[CMSG_SPACE(sizeof(int))];
    int32_t ok = fd >= 0 && fcntl(fd, F_GETFD) >= 0;
    struct iovec iov = {&ok, sizeof ok};
    struct msghdr msg;

    wipc_posix_rights_msg(&msg, &iov, ctl, &fd, ok ? 1 : 0);
    while (sendmsg(chan, &msg, MSG_NOSIGNAL) < 0 && errno == EINTR)
        ;
}

/*
 * In the child: PLACE.  The child's own descriptors (*own[i]) below end
 * move up out of the way, and so do the ones received (they came at the
 * lowest free numbers, which may be targets); then each goes to its
 * target, which is free by now.
 */
static void spawn_child_place(const struct spawn_msg *m, const int *got,
                              size_t ngot, int *const *own, size_t nown)
{
    int lifted[WIPC_PLAT_PLACE_MAX];
    size_t i, k;

    for (k = 0; k < nown; k++)
        if (*own[k] >= 0 && *own[k] < m->arg) {
            int moved = fcntl(*own[k], F_DUPFD_CLOEXEC, m->arg);
            if (moved >= 0) {
                close(*own[k]);
                *own[k] = moved;
            }
        }
    for (i = 0; i < ngot; i++) {
        lifted[i] = fcntl(got[i], F_DUPFD_CLOEXEC, m->arg);
        close(got[i]);
    }
    for (i = 0; i < ngot && i < m->n; i++) {
        int free_target = m->fds[i] > 2 && m->fds[i] < m->arg;
        for (k = 0; k < nown; k++)
            free_target &= *own[k] != m->fds[i];
        if (lifted[i] >= 0 && free_target)
            dup2(lifted[i], m->fds[i]); /* dup2 clears close-on-exec */
    }
    for (i = 0; i < ngot; i++)
        if (lifted[i] >= 0)
            close(lifted[i]);
}

/*
 * In the child: GO.  The environment for execve: req->envp, or a copy
 * (in memory of its own: no malloc here) without the entry's NAME= and
 * with the entry unless m->arg (remove).
 */
static char *const *spawn_child_go(int chan, const struct spawn_msg *m,
                                   const struct wipc_spawn_req *req)
{
    size_t len = m->n, got = 0, count = 0, name = 0, i, k = 0;
    char **envp = NULL, *entry, sink[256];
    void *mem = MAP_FAILED;

    if (len == 0)
        return req->envp;
    while (req->envp[count])
        count++;
    mem = mmap(NULL, (count + 2) * sizeof *envp + len + 1,
               PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    while (got < len) {
        ssize_t r;
        if (mem == MAP_FAILED) /* read it all the same */
            r = recv(chan, sink, sizeof sink, 0);
        else
            r = recv(chan, (char *)mem + (count + 2) * sizeof *envp + got,
                     len - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (mem == MAP_FAILED || got != len)
        return req->envp;
    envp = mem;
    entry = (char *)(envp + count + 2);
    entry[len] = '\0';
    while (name < len && entry[name] != '=')
        name++;
    for (i = 0; i < count; i++)
        if (strncmp(req->envp[i], entry, name + 1) != 0)
            envp[k++] = req->envp[i];
    if (!m->arg)
        envp[k++] = entry;
    envp[k] = NULL;
    return envp;
}

/*
 * In the child, CREATE_SUSPENDED: serves the channel until GO (see
 * platform.h) and returns the environment for execve.  A parent that goes
 * away without resuming leaves it suspended, as on Windows, until it is
 * terminated.
 */
static char *const *spawn_child_wait(const struct wipc_spawn_req *req,
                                     int *status_fd, int *chan)
{
    int busy = spawn_busy_listen();
    int *const own[3] = {status_fd, chan, &busy};

    for (;;) {
        struct pollfd p[2] = {{*chan, POLLIN, 0}, {busy, POLLIN, 0}};
        struct spawn_msg m;
        int got[WIPC_PLAT_PLACE_MAX];
        size_t ngot = 0, i;
        ssize_t r;
        char ack = 1;
        char *const *envp;

        if (poll(p, busy >= 0 ? 2 : 1, -1) < 0)
            continue; /* EINTR: SIGSTOP and SIGCONT */
        if (busy >= 0 && (p[1].revents & POLLIN))
            spawn_busy_answer(busy, req);
        if (!p[0].revents)
            continue;
        r = spawn_child_recv(*chan, &m, got, &ngot);
        if (r <= 0) {
            close(busy); /* nobody will serve: askers stop waiting */
            for (;;)
                pause();
        }
        if ((size_t)r < SPAWN_HEAD ||
            (m.op != SPAWN_GO && m.n > WIPC_PLAT_PLACE_MAX))
            m.op = 0; /* malformed: ignored */
        switch (m.op) {
        case SPAWN_GET:
            spawn_child_get(*chan, m.fds[0]);
            break;
        case SPAWN_CLOSE:
            for (i = 0; i < m.n; i++)
                if (m.fds[i] > 2)
                    close(m.fds[i]);
            break;
        case SPAWN_PLACE:
            spawn_child_place(&m, got, ngot, own, 3);
            ngot = 0;
            break;
        case SPAWN_GO:
            close(busy);
            busy = -1;
            envp = spawn_child_go(*chan, &m, req);
            while (send(*chan, &ack, 1, MSG_NOSIGNAL) < 0 && errno == EINTR)
                ;
            return envp;
        }
        for (i = 0; i < ngot; i++)
            close(got[i]);
    }
}

/*
 * In the child: give up the controlling terminal, if there is one.  The
 * child of fork never leads its session, so TIOCNOTTY only detaches this
 * process (no SIGHUP to anyone): /dev/tty then fails in it and in what it
 * starts.  Failures leave the terminal: nothing is lost but the detach.
 */
static void spawn_child_drop_tty(void)
{
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0) {
        ioctl(fd, TIOCNOTTY);
        close(fd);
    }
}

/*
 * In the child: the nice value nice, or as near as this process may go
 * (plain system calls, no locks).  Raising the value is always allowed;
 * lowering it below the current one needs CAP_SYS_NICE or RLIMIT_NICE
 * (which allows down to 20 - its soft limit).  What cannot be had is not
 * an error: the child then keeps the nearest value it may have, never one
 * on the other side of the value it started with.
 */
static void spawn_child_nice(int nice, int raise_only)
{
    struct rlimit rl;
    int cur, floor;

    errno = 0;
    cur = getpriority(PRIO_PROCESS, 0);
    if ((cur == -1 && errno != 0) || (raise_only && cur >= nice))
        return;
    if (setpriority(PRIO_PROCESS, 0, nice) == 0 || nice >= cur)
        return;
    if (getrlimit(RLIMIT_NICE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
        return;
    floor = 20 - (int)(rl.rlim_cur > 40 ? 40 : rl.rlim_cur);
    if (floor < cur)
        setpriority(PRIO_PROCESS, 0, floor > nice ? floor : nice);
}

/* In the child: only async-signal-safe calls from here to execve. */
static void spawn_child(const struct wipc_spawn_req *req, const int *std_fds,
                        const int *fds, int status_fd, int chan_fd)
{
    char *const *envp = req->envp;
    struct sigaction dfl;
    sigset_t none;
    int err, sig;
    size_t i;

    /* The exit record takes this process's name first, while the
     * namespace root's descriptor is still where the parent had it, and
     * before the program can end: see process/exit_record.h.  (If execve
     * fails, the parent removes it.) */
    if (req->exit_rec_dir)
        wipc_posix_exitrec_place(req->exit_rec_dir);
    if (req->pid_slot) {
        /* This process's own copy of the string (a fork's memory). */
        unsigned long v = (unsigned long)getpid();
        for (i = WIPC_PLAT_PID_SLOT; i-- > 0; v /= 10)
            req->pid_slot[i] = (char)('0' + v % 10);
        if (req->own_entry)
            for (i = 0; i < WIPC_PLAT_PARENT_VALUE; i++)
                req->own_entry[i] = req->pid_slot[i];
    }
    for (i = 0; i < 3; i++)
        if (std_fds[i] >= 0 && dup2(std_fds[i], (int)i) < 0)
            goto fail;
    for (i = 0; i < req->n_inherit; i++)
        if (dup2(fds[i], (int)(3 + i)) < 0) /* dup2 clears close-on-exec */
            goto fail;
    /* Everything else goes, except the status pipe (closed by execve's
     * close-on-exec instead: it must last until then) and the channel of
     * a suspended child. */
    if (spawn_close_range(3 + (unsigned)req->n_inherit,
                          (unsigned)status_fd - 1) < 0)
        goto fail;
    if (chan_fd < 0) {
        if (spawn_close_range((unsigned)status_fd + 1, ~0u) < 0)
            goto fail;
    } else if (spawn_close_range((unsigned)status_fd + 1,
                                 (unsigned)chan_fd - 1) < 0 ||
               spawn_close_range((unsigned)chan_fd + 1, ~0u) < 0) {
        goto fail;
    }
    if (req->cwd && chdir(req->cwd) < 0)
        goto fail;
    if (req->new_pgroup && setpgid(0, 0) < 0)
        goto fail;
    if (!req->new_pgroup && req->join_pgroup &&
        setpgid(0, (pid_t)req->join_pgroup) < 0)
        goto fail;
    if (req->detach_tty)
        spawn_child_drop_tty();
    if (req->set_nice)
        spawn_child_nice(req->nice, req->set_nice == 2);
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL); /* fails harmlessly for KILL, STOP */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (chan_fd >= 0) {
        /* CREATE_SUSPENDED: wait for ResumeThread. */
        envp = spawn_child_wait(req, &status_fd, &chan_fd);
        close(chan_fd);
    }
    execve(req->path, req->argv, envp);
fail:
    err = errno;
    while (write(status_fd, &err, sizeof err) < 0 && errno == EINTR)
        ;
    _exit(127);
}

/* fork, returning a pidfd for the child in *pidfd (-1 in the child). */
static pid_t spawn_fork(int *pidfd)
{
    struct clone_args args;
    pid_t pid;

    memset(&args, 0, sizeof args);
    args.flags = CLONE_PIDFD;
    args.pidfd = (uint64_t)(uintptr_t)pidfd;
    args.exit_signal = SIGCHLD;
    pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0 && errno == ENOSYS) {
        /* Before Linux 5.3: fork, then open the pidfd. */
        pid = fork();
        if (pid > 0)
            *pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    }
    return pid;
}

/*
 * The error for a program that execve refused with EACCES.  A program (an
 * ELF image or a "#!" script) that may not be executed is
 * ERROR_ACCESS_DENIED; any other file is not a program at all, which
 * Windows reports as ERROR_BAD_EXE_FORMAT whatever its permissions.
 */
static DWORD spawn_eacces(const char *path)
{
    unsigned char head[4];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return ERROR_ACCESS_DENIED;
    do {
        n = read(fd, head, sizeof head);
    } while (n < 0 && errno == EINTR);
    close(fd);
    if (n < 0 || (n == 4 && memcmp(head, "\x7f" "ELF", 4) == 0) ||
        (n >= 2 && head[0] == '#' && head[1] == '!'))
        return ERROR_ACCESS_DENIED;
    return ERROR_BAD_EXE_FORMAT;
}

DWORD wipc_plat_spawn(const struct wipc_spawn_req *req, int *pidfd,
                      DWORD *pid_out, int *chan_out)
{
    int std_fds[3] = {-1, -1, -1};
    int *fds = NULL;
    int status[2] = {-1, -1};
    int chan[2] = {-1, -1};
    int limit = 3 + (int)req->n_inherit + 3, err = 0, child_err = 0;
    sigset_t all, old;
    ssize_t n;
    pid_t pid;
    size_t i;

    if (req->cwd) {
        /* Windows checks the directory before it creates anything. */
        struct stat st;
        if (stat(req->cwd, &st) < 0 || !S_ISDIR(st.st_mode))
            return ERROR_DIRECTORY;
    }
    fds = calloc(req->n_inherit + 1, sizeof *fds);
    if (!fds)
        return ERROR_NOT_ENOUGH_MEMORY;
    for (i = 0; i < req->n_inherit; i++)
        fds[i] = -1;
    for (i = 0; i < 3; i++)
        if (req->std_fds[i] >= 0 &&
            (std_fds[i] = spawn_lift(req->std_fds[i], limit)) < 0)
            goto fail_errno;
    for (i = 0; i < req->n_inherit; i++)
        if ((fds[i] = spawn_lift(req->inherit_fds[i], limit)) < 0)
            goto fail_errno;
    if (pipe2(status, O_CLOEXEC) < 0)
        goto fail_errno;
    if (status[1] < limit) {
        int lifted = spawn_lift(status[1], limit);
        if (lifted < 0)
            goto fail_errno;
        close(status[1]);
        status[1] = lifted;
    }
    if (req->suspended) {
        if (access(req->path, X_OK) < 0)
            goto fail_errno; /* checked now: execve reports nothing later */
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, chan) < 0)
            goto fail_errno;
        if (chan[0] < status[1]) { /* the child keeps it above status */
            int lifted = spawn_lift(chan[0], status[1] + 1);
            if (lifted < 0)
                goto fail_errno;
            close(chan[0]);
            chan[0] = lifted;
        }
    }

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    *pidfd = -1;
    pid = spawn_fork(pidfd);
    if (pid == 0)
        spawn_child(req, std_fds, fds, status[1], chan[0]);
    err = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0)
        goto fail_err;
    close(status[1]);
    status[1] = -1;
    /* The pipe closes on a successful execve, or carries its errno; a
     * suspended child has not got that far, so it is not waited for. */
    n = 0;
    while (!req->suspended &&
           (n = read(status[0], &child_err, sizeof child_err)) < 0 &&
           errno == EINTR)
        ;
    if (n == (ssize_t)sizeof child_err) {
        siginfo_t si;
        waitid(P_PIDFD, (id_t)*pidfd, &si, WEXITED); /* reap it */
        close(*pidfd);
        *pidfd = -1;
        err = child_err;
        goto fail_err;
    }
    if (*pidfd < 0) {
        err = EMFILE;
        goto fail_err;
    }
    *pid_out = (DWORD)pid;
    *chan_out = chan[1];
    chan[1] = -1;
    err = 0;
    goto done;

fail_errno:
    err = errno;
fail_err:
done:
    for (i = 0; i < 3; i++)
        if (std_fds[i] >= 0)
            close(std_fds[i]);
    for (i = 0; i < req->n_inherit; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
    wipc_plat_close(status[0]);
    wipc_plat_close(status[1]);
    wipc_plat_close(chan[0]);
    wipc_plat_close(chan[1]);
    if (!err)
        return 0;
    if (err == ENOENT || err == ENOTDIR)
        return err == ENOENT && req->cwd && access(req->cwd, X_OK) < 0
                   ? ERROR_DIRECTORY
                   : ERROR_FILE_NOT_FOUND;
    if (err == EACCES)
        return spawn_eacces(req->path);
    return wipc_plat_error(err);
}

/* Sends one request of the channel, with descriptors. */
static DWORD spawn_send(int chan, const void *buf, size_t len, const int *fds,
                        size_t nfds)
{
    char ctl[CMSG_SPACE(WIPC_PLAT_PLACE_MAX * sizeof(int))];
    struct iovec iov = {(void *)buf, len};
    struct msghdr msg;
    ssize_t n;

    wipc_posix_rights_msg(&msg, &iov, ctl, fds, nfds);
    do {
        n = sendmsg(chan, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN
                   ? ERROR_BROKEN_PIPE
                   : wipc_plat_error(errno);
    return (size_t)n == len ? 0 : ERROR_BROKEN_PIPE;
}

DWORD wipc_plat_spawn_get(int chan, int child_fd, int *out)
{
    struct spawn_msg m = {.op = SPAWN_GET, .n = 1};
    int32_t ok = 0;
    size_t len = 0;
    int fd = -1;
    DWORD err;

    *out = -1;
    m.fds[0] = child_fd;
    err = spawn_send(chan, &m, sizeof m, NULL, 0);
    if (!err) /* the child answers at once, unless it is stopped */
        err = wipc_plat_svc_recv(chan, &ok, sizeof ok, &len, &fd, -1);
    if (!err && (len != sizeof ok || !ok || fd < 0))
        err = ERROR_INVALID_HANDLE;
    if (err)
        wipc_plat_close(fd);
    else
        *out = fd;
    return err;
}

DWORD wipc_plat_spawn_close(int chan, const int *fds, size_t n)
{
    struct spawn_msg m = {.op = SPAWN_CLOSE, .n = (uint32_t)n};

    if (n > WIPC_PLAT_PLACE_MAX)
        return ERROR_INVALID_PARAMETER;
    for (size_t i = 0; i < n; i++)
        m.fds[i] = fds[i];
    return spawn_send(chan, &m, sizeof m, NULL, 0);
}

DWORD wipc_plat_spawn_place(int chan, int end, const int *targets,
                            const int *fds, size_t n)
{
    struct spawn_msg m = {.op = SPAWN_PLACE, .n = (uint32_t)n, .arg = end};

    if (n > WIPC_PLAT_PLACE_MAX)
        return ERROR_INVALID_PARAMETER;
    for (size_t i = 0; i < n; i++)
        m.fds[i] = targets[i];
    return spawn_send(chan, &m, sizeof m, fds, n);
}

DWORD wipc_plat_spawn_go(int chan, const char *entry, int remove)
{
    struct spawn_msg m = {.op = SPAWN_GO, .arg = remove};
    size_t len = entry ? strlen(entry) : 0, done = 0, got = 0;
    char ack = 0;
    DWORD err;

    if (len > UINT32_MAX)
        return ERROR_INVALID_PARAMETER;
    m.n = (uint32_t)len;
    err = spawn_send(chan, &m, sizeof m, NULL, 0);
    while (!err && done < len) {
        size_t k = len - done < SPAWN_CHUNK ? len - done : SPAWN_CHUNK;
        err = spawn_send(chan, entry + done, k, NULL, 0);
        done += k;
    }
    /* A child that has ended meanwhile is not the resumer's failure, nor
     * one stopped by a signal (it stops answering once it runs again). */
    if (!err)
        err = wipc_plat_svc_recv(chan, &ack, sizeof ack, &got, NULL,
                                 SPAWN_ACK_MS);
    return err == ERROR_BROKEN_PIPE || err == ERROR_SEM_TIMEOUT ? 0 : err;
}

DWORD wipc_plat_pidfd_open(DWORD pid, int *out)
{
    int fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
    if (fd < 0)
        return errno == ESRCH ? ERROR_INVALID_PARAMETER
                              : wipc_plat_error(errno);
    /* Signal 0 checks that this user may act on the process. */
    if (syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) < 0 &&
        errno == EPERM) {
        close(fd);
        return ERROR_ACCESS_DENIED;
    }
    *out = fd;
    return 0;
}

DWORD wipc_plat_pidfd_kill(int pidfd)
{
    if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0)
        return errno == ESRCH ? ERROR_ACCESS_DENIED : wipc_plat_error(errno);
    return 0;
}

DWORD wipc_plat_pidfd_reap(int pidfd, int block, int *exited, DWORD *code)
{
    siginfo_t si;
    int r;

    memset(&si, 0, sizeof si);
    do {
        r = waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED | (block ? 0 : WNOHANG));
    } while (r < 0 && errno == EINTR);
    *exited = 0;
    if (r < 0)
        return errno == ECHILD ? ERROR_INVALID_HANDLE : wipc_plat_error(errno);
    if (si.si_pid == 0)
        return 0; /* still running */
    *exited = 1;
    if (si.si_code == CLD_EXITED)
        *code = (DWORD)si.si_status;
    else
        *code = 128u + (DWORD)si.si_status; /* killed by a signal */
    return 0;
}

int wipc_plat_is_parent_of(DWORD pid)
{
    char path[64], buf[512];
    int fd;
    ssize_t n;
    char *p;

    snprintf(path, sizeof path, "/proc/%u/stat", (unsigned)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* "pid (comm) state ppid ...": comm may hold spaces and parentheses. */
    p = strrchr(buf, ')');
    if (!p)
        return 0;
    return (DWORD)strtoul(p + 4, NULL, 10) == (DWORD)getpid();
}

DWORD wipc_plat_exe_path(char *buf, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    if (n < 0)
        return wipc_plat_error(errno);
    buf[n] = '\0';
    return 0;
}

DWORD wipc_plat_find_file(const char *path)
{
    struct stat st;
    char *dir, *slash;
    DWORD err = ERROR_FILE_NOT_FOUND;

    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        return 0;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return ERROR_ACCESS_DENIED; /* as Windows: it cannot be run */
    dir = strdup(path);
    if (!dir)
        return ERROR_NOT_ENOUGH_MEMORY;
    slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
            err = ERROR_PATH_NOT_FOUND;
    }
    free(dir);
    return err;
}

DWORD wipc_plat_getcwd(char *buf, size_t len)
{
    if (!getcwd(buf, len))
        return wipc_plat_error(errno);
    return 0;
}

char *wipc_plat_env_in_place(const char *name) { return getenv(name); }

char *wipc_plat_take_env(const char *name)
{
    const char *v = getenv(name);
    char *copy;
    if (!v)
        return NULL;
    copy = strdup(v);
    unsetenv(name);
    return copy;
}

void wipc_plat_exit_process(DWORD code) { exit((int)code); }

void wipc_plat_terminate_self(DWORD code) { _exit((int)code); }
