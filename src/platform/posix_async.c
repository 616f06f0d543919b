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

#include "platform.h"

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
    struct iovec iov[2] = {{(void *)a, alen}, {(void *)b, blen}};
    struct msghdr msg;
    ssize_t n;

    *done = 0;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = alen ? iov : iov + 1;
    msg.msg_iovlen = alen ? (blen ? 2 : 1) : 1;
    do
        n = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
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
