/*
 * posix_async.c: what the I/O engine (core/io.c) and the object types'
 * non-blocking progress need of Linux: poll(2) over descriptors for any
 * events, and a send that takes only what fits.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include "platform.h"
#include "posix_abstract.h"

DWORD wipc_plat_poll_events(struct wipc_plat_pollfd *p, size_t n,
                            int timeout_ms, int *nready)
{
    struct pollfd stack_pfd[64];
    struct pollfd *pfd = stack_pfd;
    size_t i;
    int r;

    *nready = 0;
    if (n > sizeof stack_pfd / sizeof stack_pfd[0]) {
        pfd = calloc(n, sizeof *pfd);
        if (!pfd)
            return ERROR_NOT_ENOUGH_MEMORY;
    }
    for (i = 0; i < n; i++) {
        pfd[i].fd = p[i].fd;
        pfd[i].events = (short)(((p[i].events & WIPC_PLAT_POLL_IN) ? POLLIN : 0) |
                                ((p[i].events & WIPC_PLAT_POLL_OUT) ? POLLOUT : 0));
        pfd[i].revents = 0;
    }
    /* One poll: the engine computes its own time left, and an EINTR is
     * only an early return. */
    r = poll(pfd, (nfds_t)n, timeout_ms);
    if (r < 0 && errno != EINTR) {
        if (pfd != stack_pfd)
            free(pfd);
        return wipc_plat_error(errno);
    }
    for (i = 0; i < n; i++) {
        short ev = r > 0 ? pfd[i].revents : 0;
        p[i].revents = 0;
        /* A hang-up or an error makes the descriptor ready for both: the
         * operation finds out what happened when it tries. */
        if (ev & (POLLIN | POLLHUP | POLLERR | POLLRDHUP))
            p[i].revents |= WIPC_PLAT_POLL_IN;
        if (ev & (POLLOUT | POLLHUP | POLLERR))
            p[i].revents |= WIPC_PLAT_POLL_OUT;
        if (ev & POLLNVAL)
            p[i].revents |= WIPC_PLAT_POLL_IN | WIPC_PLAT_POLL_OUT;
    }
    if (pfd != stack_pfd)
        free(pfd);
    *nready = r > 0 ? r : 0;
    return 0;
}

DWORD wipc_plat_send2_some(int fd, const void *a, size_t alen, const void *b,
                           size_t blen, size_t *done)
{
    return wipc_plat_send2_some_fds(fd, a, alen, b, blen, NULL, 0, done);
}

DWORD wipc_plat_send2_some_fds(int fd, const void *a, size_t alen,
                               const void *b, size_t blen, const int *fds,
                               size_t nfds, size_t *done)
{
    char ctl[CMSG_SPACE(WIPC_PLAT_STREAM_FDS_MAX * sizeof(int))];
    struct iovec iov[2] = {{(void *)a, alen}, {(void *)b, blen}};
    struct msghdr msg;
    ssize_t n;

    *done = 0;
    if (nfds > WIPC_PLAT_STREAM_FDS_MAX)
        return ERROR_INVALID_PARAMETER;
    wipc_posix_rights_msg(&msg, alen ? iov : iov + 1, ctl, fds, nfds);
    msg.msg_iovlen = alen ? (blen ? 2 : 1) : 1;
    do
        /* One buffer and no descriptors go by send(2), which the kernel
         * takes a little faster than sendmsg(2). */
        n = msg.msg_iovlen == 1 && !msg.msg_controllen
                ? send(fd, msg.msg_iov->iov_base, msg.msg_iov->iov_len,
                       MSG_NOSIGNAL | MSG_DONTWAIT)
                : sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return errno == ECONNRESET || errno == EPIPE || errno == ENOTCONN
                   ? ERROR_NO_DATA
                   : wipc_plat_error(errno);
    }
    *done = (size_t)n;
    return 0;
}

DWORD wipc_plat_msg_pair(int *recv_end, int *send_end)
{
    int sv[2];
    *recv_end = *send_end = -1;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return wipc_plat_error(errno);
    /* Each end one way only: nothing ever comes back to a sender. */
    shutdown(sv[0], SHUT_WR);
    shutdown(sv[1], SHUT_RD);
    *recv_end = sv[0];
    *send_end = sv[1];
    return 0;
}

DWORD wipc_plat_msg_send(int fd, const void *buf, size_t len, int wait_ms)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct pollfd p = {fd, POLLOUT, 0};
        struct timespec now;
        long spent;
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0)
            return 0;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return errno == ECONNRESET || errno == EPIPE ||
                           errno == ENOTCONN || errno == ECONNREFUSED
                       ? ERROR_NO_DATA
                       : wipc_plat_error(errno);
        clock_gettime(CLOCK_MONOTONIC, &now);
        spent = (long)(now.tv_sec - start.tv_sec) * 1000 +
                (now.tv_nsec - start.tv_nsec) / 1000000;
        if (spent >= wait_ms)
            return WAIT_TIMEOUT;
        poll(&p, 1, (int)(wait_ms - spent));
    }
}

DWORD wipc_plat_msg_recv(int fd, void *buf, size_t cap, size_t *got)
{
    ssize_t n;
    *got = 0;
    do
        n = recv(fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK
                   ? ERROR_NO_DATA
                   : wipc_plat_error(errno);
    if (n == 0) {
        /* The end (every sending end closed, nothing queued), or an empty
         * message, which no sender of ours sends: once the senders are
         * gone, the end. */
        struct pollfd p = {fd, POLLRDHUP, 0};
        if (poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP)))
            return ERROR_BROKEN_PIPE;
    }
    *got = (size_t)n;
    return 0;
}

#include <sys/epoll.h>

DWORD wipc_plat_epoll_set(int epfd, int fd, unsigned events, int add)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLONESHOT |
                ((events & WIPC_PLAT_POLL_IN) ? EPOLLIN | EPOLLRDHUP : 0) |
                ((events & WIPC_PLAT_POLL_OUT) ? EPOLLOUT : 0);
    ev.data.fd = fd;
    if (epoll_ctl(epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) == 0)
        return 0;
    /* The set knows better than the caller: a descriptor closed and
     * opened again under the same number left the set (ENOENT), and one
     * that another descriptor of the same file kept there is in it. */
    if ((add && errno == EEXIST) || (!add && errno == ENOENT)) {
        if (epoll_ctl(epfd, add ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) ==
            0)
            return 0;
    }
    return wipc_plat_error(errno);
}

DWORD wipc_plat_epoll_bell(int epfd, int fd)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN | EPOLLET;
    ev.data.fd = fd;
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
        return wipc_plat_error(errno);
    return 0;
}

void wipc_plat_epoll_del(int epfd, int fd)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &ev);
}

DWORD wipc_plat_epoll_wait(int epfd, struct wipc_plat_pollfd *out, int max,
                           int timeout_ms, int *n)
{
    struct epoll_event ev[64];
    int r;

    if (max > 64)
        max = 64;
    r = epoll_wait(epfd, ev, max, timeout_ms);
    *n = 0;
    if (r < 0)
        return errno == EINTR ? 0 : wipc_plat_error(errno);
    for (int i = 0; i < r; i++) {
        unsigned e = ev[i].events;
        out[i].fd = ev[i].data.fd;
        out[i].events = 0;
        out[i].revents = 0;
        if (e & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
            out[i].revents |= WIPC_PLAT_POLL_IN;
        if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR))
            out[i].revents |= WIPC_PLAT_POLL_OUT;
    }
    *n = r;
    return 0;
}
