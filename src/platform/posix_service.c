/*
 * posix_service.c: the sockets of the per-process handle service (see
 * core/service.h), and the thread and fork plumbing it needs.
 *
 * Each service listens on an AF_UNIX SOCK_SEQPACKET socket in the abstract
 * namespace named "winipc-svc-PID": abstract names vanish with the socket,
 * so a process that dies leaves nothing behind, and a packet socket keeps
 * each request and reply in one piece with any descriptor it carries.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"
#include "posix_abstract.h"
#include "posix_exit.h"

socklen_t wipc_posix_svc_addr(uint32_t pid, struct sockaddr_un *sa)
{
    static const char prefix[] = "winipc-svc-";
    char digits[10];
    size_t n = 0, k;

    /* No snprintf: a suspended child calls this between fork and execve. */
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    do {
        digits[n++] = (char)('0' + pid % 10);
        pid /= 10;
    } while (pid);
    /* sun_path[0] == '\0': the abstract namespace. */
    memcpy(sa->sun_path + 1, prefix, sizeof prefix - 1);
    for (k = 0; k < n; k++)
        sa->sun_path[sizeof prefix + k] = digits[n - 1 - k];
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + sizeof prefix +
                       n);
}

DWORD wipc_plat_svc_listen(DWORD pid, int *out)
{
    struct sockaddr_un sa;
    socklen_t len = wipc_posix_svc_addr(pid, &sa);
    int fd = wipc_posix_abstract_bind(&sa, len, SOCK_SEQPACKET);

    if (fd >= 0 && listen(fd, 64) < 0) {
        int e = errno;
        close(fd);
        fd = -e;
    }
    if (fd < 0)
        return fd == -EADDRINUSE ? ERROR_ALREADY_EXISTS : wipc_plat_error(-fd);
    *out = fd;
    return 0;
}

DWORD wipc_plat_svc_connect(DWORD pid, int *out)
{
    struct sockaddr_un sa;
    socklen_t len = wipc_posix_svc_addr(pid, &sa);
    /* Blocking: a full backlog makes us wait for the service, which
     * answers requests one after another. */
    int fd = wipc_posix_abstract_connect(&sa, len, SOCK_SEQPACKET);

    /* An abstract name nobody has bound is ECONNREFUSED. */
    if (fd == -ECONNREFUSED || fd == -ENOENT)
        return ERROR_FILE_NOT_FOUND;
    if (fd < 0)
        return wipc_plat_error(-fd);
    *out = fd;
    return 0;
}

DWORD wipc_plat_svc_accept(int lfd, int *out)
{
    int fd;
    do {
        fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    } while (fd < 0 && (errno == EINTR || errno == ECONNABORTED));
    if (fd < 0)
        return wipc_plat_error(errno);
    *out = fd;
    return 0;
}

DWORD wipc_plat_svc_send(int fd, const void *buf, size_t len, int pass_fd,
                         int timeout_ms)
{
    char ctl[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {(void *)buf, len};
    struct msghdr msg;
    ssize_t n;

    wipc_posix_rights_msg(&msg, &iov, ctl, &pass_fd, pass_fd >= 0 ? 1 : 0);
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        n = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0)
            break;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN
                       ? ERROR_BROKEN_PIPE
                       : wipc_plat_error(errno);
        /* The peer is not reading: wait (a while, or for ever). */
        n = poll(&p, 1, timeout_ms);
        if (n == 0)
            return ERROR_SEM_TIMEOUT;
        if (n < 0 && errno != EINTR)
            return wipc_plat_error(errno);
    }
    return (size_t)n == len ? 0 : ERROR_BROKEN_PIPE;
}

/* Keeps the first descriptor that came with a message in *fd_out (if
 * wanted) and closes any other. */
static void svc_take_fds(struct msghdr *msg, int *fd_out)
{
    int fd = -1;
    if (wipc_posix_rights_take(msg, &fd, fd_out && *fd_out < 0 ? 1 : 0))
        *fd_out = fd;
}

DWORD wipc_plat_svc_recv(int fd, void *buf, size_t cap, size_t *len,
                         int *fd_out, int timeout_ms)
{
    /* Room for a few descriptors, so that a peer sending more than one
     * cannot leave any open here unseen (they are closed). */
    char ctl[CMSG_SPACE(4 * sizeof(int))];
    struct iovec iov = {buf, cap};
    struct msghdr msg;
    ssize_t n;

    if (fd_out)
        *fd_out = -1;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, timeout_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return wipc_plat_error(errno);
        if (r == 0)
            return ERROR_SEM_TIMEOUT;
        memset(&msg, 0, sizeof msg);
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = ctl;
        msg.msg_controllen = sizeof ctl;
        n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
        if (n >= 0)
            break;
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
            return errno == ECONNRESET || errno == ENOTCONN
                       ? ERROR_BROKEN_PIPE
                       : wipc_plat_error(errno);
    }
    svc_take_fds(&msg, fd_out);
    if (n == 0) /* end of stream: the peer closed */
        return ERROR_BROKEN_PIPE;
    if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
        if (fd_out && *fd_out >= 0) {
            close(*fd_out);
            *fd_out = -1;
        }
        return ERROR_INVALID_DATA;
    }
    *len = (size_t)n;
    return 0;
}

DWORD wipc_plat_thread_start_quiet(void *(*fn)(void *), void *arg,
                                   size_t stack_size)
{
    sigset_t all, old;
    DWORD err;

    /* The new thread inherits the mask in force when it is created, so no
     * signal can reach it even before its first instruction. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    err = wipc_plat_thread_start(fn, arg, stack_size);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return err;
}

DWORD wipc_plat_atfork_child(void (*fn)(void))
{
    int err = pthread_atfork(NULL, NULL, fn);
    return err ? wipc_plat_error(err) : 0;
}

DWORD wipc_plat_process_age_ms(DWORD pid, uint64_t *age_ms)
{
    unsigned long long start = 0;
    struct timespec now;
    long hz = sysconf(_SC_CLK_TCK);
    int r = wipc_posix_stat_start((unsigned)pid, &start);

    if (r == -ENOENT || r == -ESRCH)
        return ERROR_INVALID_PARAMETER;
    if (r < 0)
        return r == -EINVAL ? ERROR_INVALID_DATA : wipc_plat_error(-r);
    if (hz <= 0)
        return ERROR_INVALID_DATA;
    clock_gettime(CLOCK_BOOTTIME, &now);
    {
        uint64_t now_ms =
            (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
        uint64_t start_ms = start * 1000u / (unsigned long long)hz;
        *age_ms = now_ms > start_ms ? now_ms - start_ms : 0;
    }
    return 0;
}
