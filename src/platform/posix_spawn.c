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
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform.h"
#include "posix_exit.h"

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

/* In the child: only async-signal-safe calls from here to execve. */
static void spawn_child(const struct wipc_spawn_req *req, const int *std_fds,
                        const int *fds, int status_fd, int resume_fd)
{
    struct sigaction dfl;
    sigset_t none;
    char rec_name[4096];
    int err, sig, placed = 0;
    size_t i;

    /* The exit record takes this process's name first, while its
     * descriptor is still where the parent had it, and before the program
     * can end: see core/exit_record.h. */
    if (req->exit_rec_dir)
        placed =
            wipc_posix_exit_record_place(req->exit_rec_fd, req->exit_rec_dir,
                                         rec_name, sizeof rec_name) == 0;
    for (i = 0; i < 3; i++)
        if (std_fds[i] >= 0 && dup2(std_fds[i], (int)i) < 0)
            goto fail;
    for (i = 0; i < req->n_inherit; i++)
        if (dup2(fds[i], (int)(3 + i)) < 0) /* dup2 clears close-on-exec */
            goto fail;
    /* Everything else goes, except the status pipe (closed by execve's
     * close-on-exec instead: it must last until then) and the resume pipe
     * of a suspended child. */
    if (spawn_close_range(3 + (unsigned)req->n_inherit,
                          (unsigned)status_fd - 1) < 0)
        goto fail;
    if (resume_fd < 0) {
        if (spawn_close_range((unsigned)status_fd + 1, ~0u) < 0)
            goto fail;
    } else if (spawn_close_range((unsigned)status_fd + 1,
                                 (unsigned)resume_fd - 1) < 0 ||
               spawn_close_range((unsigned)resume_fd + 1, ~0u) < 0) {
        goto fail;
    }
    if (req->cwd && chdir(req->cwd) < 0)
        goto fail;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL); /* fails harmlessly for KILL, STOP */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (resume_fd >= 0) {
        /* CREATE_SUSPENDED: wait for ResumeThread.  A parent that goes away
         * without resuming leaves it suspended, as on Windows, until it is
         * terminated. */
        char c;
        ssize_t r;
        do {
            r = read(resume_fd, &c, 1);
        } while (r < 0 && errno == EINTR);
        if (r <= 0)
            for (;;)
                pause();
        close(resume_fd);
    }
    execve(req->path, req->argv, req->envp);
fail:
    err = errno;
    if (placed)
        unlink(rec_name); /* no program ran: the parent lets go of it */
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
                      DWORD *pid_out, int *resume_out)
{
    int std_fds[3] = {-1, -1, -1};
    int *fds = NULL;
    int status[2] = {-1, -1};
    int resume[2] = {-1, -1};
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
        if (pipe2(resume, O_CLOEXEC) < 0)
            goto fail_errno;
        if (resume[0] < status[1]) { /* the child keeps it above status */
            int lifted = spawn_lift(resume[0], status[1] + 1);
            if (lifted < 0)
                goto fail_errno;
            close(resume[0]);
            resume[0] = lifted;
        }
    }

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    *pidfd = -1;
    pid = spawn_fork(pidfd);
    if (pid == 0)
        spawn_child(req, std_fds, fds, status[1], resume[0]);
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
    *resume_out = resume[1];
    resume[1] = -1;
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
    wipc_plat_close(resume[0]);
    wipc_plat_close(resume[1]);
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

void wipc_plat_spawn_resume(int resume_fd)
{
    char go = 1;
    while (write(resume_fd, &go, 1) < 0 && errno == EINTR)
        ;
    close(resume_fd);
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
