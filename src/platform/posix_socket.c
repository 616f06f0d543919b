/*
 * posix_socket.c: AF_UNIX sockets in the abstract namespace, and the
 * byte-range locks of the registry files behind named objects.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <linux/sockios.h>
#include <unistd.h>

#include "platform.h"
#include "posix_abstract.h"

/*
 * Random numbers are secrets (a named pipe's claims, socket names), so they
 * come from the kernel's generator; each thread takes 32 at a time, which
 * saves a system call per listen.  A fork()ed child must not hand out what
 * its parent will: the child's copy of every buffer is dropped (the fork
 * count below changes in the child).
 */
#define RANDOM_BATCH 32
static atomic_uint random_forks;
static pthread_once_t random_once = PTHREAD_ONCE_INIT;

static void random_forked(void) { atomic_fetch_add(&random_forks, 1); }

static void random_init(void) { pthread_atfork(NULL, NULL, random_forked); }

uint64_t wipc_plat_random64(void)
{
    static __thread uint64_t buf[RANDOM_BATCH];
    static __thread unsigned left, forks;
    unsigned now;

    pthread_once(&random_once, random_init);
    now = atomic_load(&random_forks);
    if (left == 0 || forks != now) {
        size_t got = 0;
        while (got < sizeof buf) {
            ssize_t n = getrandom((char *)buf + got, sizeof buf - got, 0);
            if (n > 0)
                got += (size_t)n;
            else if (errno != EINTR)
                break;
        }
        left = (unsigned)(got / sizeof buf[0]);
        forks = now;
        if (left == 0)
            return 0;
    }
    return buf[--left];
}

socklen_t wipc_posix_abstract_addr(const char *name, struct sockaddr_un *sa)
{
    int n;
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    /* sun_path[0] == '\0': the abstract namespace. */
    n = snprintf(sa->sun_path + 1, sizeof sa->sun_path - 1, "%s", name);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

int wipc_posix_abstract_connect(const struct sockaddr_un *sa, socklen_t len,
                                int type)
{
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0), r;
    if (fd < 0)
        return -errno;
    do {
        r = connect(fd, (const struct sockaddr *)sa, len);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int wipc_posix_abstract_bind(const struct sockaddr_un *sa, socklen_t len,
                             int type)
{
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (bind(fd, (const struct sockaddr *)sa, len) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

void wipc_posix_rights_msg(struct msghdr *msg, struct iovec *iov, void *ctl,
                           const int *fds, size_t n)
{
    memset(msg, 0, sizeof *msg);
    msg->msg_iov = iov;
    msg->msg_iovlen = 1;
    if (n) {
        struct cmsghdr *c;
        memset(ctl, 0, CMSG_SPACE(n * sizeof(int)));
        msg->msg_control = ctl;
        msg->msg_controllen = CMSG_SPACE(n * sizeof(int));
        c = CMSG_FIRSTHDR(msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(n * sizeof(int));
        memcpy(CMSG_DATA(c), fds, n * sizeof(int));
    }
}

size_t wipc_posix_rights_take(struct msghdr *msg, int *out, size_t max)
{
    struct cmsghdr *c;
    size_t got = 0;
    for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        size_t i, n;
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (i = 0; i < n; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (got < max)
                out[got++] = fd;
            else
                close(fd);
        }
    }
    return got;
}

int wipc_posix_abstract_listen(const char *name, int type, int backlog)
{
    struct sockaddr_un sa;
    socklen_t len = wipc_posix_abstract_addr(name, &sa);
    int fd = wipc_posix_abstract_bind(&sa, len, type);

    if (fd >= 0 && listen(fd, backlog) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

/* The name of the socket with the given random id. */
void wipc_posix_abstract_id_name(uint64_t id, char *name)
{
    snprintf(name, WIPC_POSIX_ID_NAME_MAX, "winipc-%016llx",
             (unsigned long long)id);
}

socklen_t wipc_posix_abstract_id_addr(uint64_t id, struct sockaddr_un *sa)
{
    char name[WIPC_POSIX_ID_NAME_MAX];
    wipc_posix_abstract_id_name(id, name);
    return wipc_posix_abstract_addr(name, sa);
}

DWORD wipc_plat_listen_abstract(uint64_t id, int type, int *out)
{
    char name[WIPC_POSIX_ID_NAME_MAX];
    int fd;

    wipc_posix_abstract_id_name(id, name);
    /* One client is claimed per instance at a time, but anybody may connect
     * (abstract names are listed in /proc/net/unix): room for a burst of
     * such connections, which the server takes and drops.  The socket does
     * not block: wipc_plat_accept never waits. */
    fd = wipc_posix_abstract_listen(name, type | SOCK_NONBLOCK, 128);
    if (fd < 0)
        return fd == -EADDRINUSE ? ERROR_PIPE_BUSY : wipc_plat_error(-fd);
    *out = fd;
    return 0;
}

DWORD wipc_plat_connect_abstract(uint64_t id, int type, int *out)
{
    struct sockaddr_un sa;
    socklen_t len = wipc_posix_abstract_id_addr(id, &sa);
    int fd = wipc_posix_abstract_connect(&sa, len, type | SOCK_NONBLOCK);

    if (fd == -ECONNREFUSED || fd == -ENOENT || fd == -EAGAIN)
        return ERROR_PIPE_BUSY;
    if (fd < 0)
        return wipc_plat_error(-fd);
    /* Back to blocking: waits are done by the caller's read and write.
     * FIONBIO clears O_NONBLOCK alone, in one call. */
    ioctl(fd, FIONBIO, &(int){0});
    *out = fd;
    return 0;
}

/* ---- Claims (named pipes) -------------------------------------------------
 * A client claims a listening instance by binding its socket to the name
 * "winipc-c-ID-CLAIM" before it connects: a bind is the kernel's own test
 * and set, the name vanishes with the socket, and the server reads the name
 * back as the peer address of the connection it accepts. */

static socklen_t claim_addr(uint64_t id, uint64_t claim, struct sockaddr_un *sa)
{
    char name[64];
    snprintf(name, sizeof name, "winipc-c-%016llx-%016llx",
             (unsigned long long)id, (unsigned long long)claim);
    return wipc_posix_abstract_addr(name, sa);
}

DWORD wipc_plat_claim_bind(uint64_t id, uint64_t claim, int *out)
{
    struct sockaddr_un sa;
    socklen_t len = claim_addr(id, claim, &sa);
    int e, fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    if (fd < 0)
        return wipc_plat_error(errno);
    if (bind(fd, (struct sockaddr *)&sa, len) < 0) {
        e = errno;
        close(fd);
        return e == EADDRINUSE ? ERROR_PIPE_BUSY : wipc_plat_error(e);
    }
    *out = fd;
    return 0;
}

DWORD wipc_plat_claim_connect(int fd, uint64_t id, int wait_ms, DWORD *pid,
                              DWORD *uid)
{
    struct sockaddr_un sa;
    struct ucred cred;
    socklen_t len = wipc_posix_abstract_id_addr(id, &sa), clen = sizeof cred;
    uint64_t start = 0;
    DWORD delay_us = 20;
    int e;

    /* A full backlog (EAGAIN) is waited out for a while: the server takes
     * and drops connections that are not the claim's at once. */
    while (connect(fd, (struct sockaddr *)&sa, len) < 0) {
        e = errno;
        if (e == EINTR)
            continue;
        if (e == EAGAIN) {
            if (!start)
                start = wipc_plat_now_ms();
            if (wipc_plat_now_ms() - start < (uint64_t)wait_ms) {
                wipc_plat_sleep_us(delay_us);
                if (delay_us < 5000)
                    delay_us *= 2;
                continue;
            }
        }
        if (e == ECONNREFUSED || e == ENOENT)
            return ERROR_FILE_NOT_FOUND;
        return e == EAGAIN ? ERROR_PIPE_BUSY : wipc_plat_error(e);
    }
    /* Back to blocking: waits are done by the caller's read and write.
     * FIONBIO clears O_NONBLOCK alone, in one call. */
    ioctl(fd, FIONBIO, &(int){0});
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0)
        return wipc_plat_error(errno);
    *pid = (DWORD)cred.pid;
    *uid = (DWORD)cred.uid;
    return 0;
}

int wipc_plat_claim_taken(uint64_t id, uint64_t claim)
{
    struct sockaddr_un sa;
    socklen_t len = claim_addr(id, claim, &sa);
    int taken, fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return 0;
    taken = bind(fd, (struct sockaddr *)&sa, len) < 0 && errno == EADDRINUSE;
    close(fd);
    return taken;
}

/* accept4, looking first if look_first (cheaper than an accept4 that
 * allocates a socket and a file before it finds nobody waiting); the
 * peer's address in *peer if not NULL. */
static DWORD accept_one(int lfd, int look_first, struct sockaddr_un *peer,
                        socklen_t *plen, int *out)
{
    int fd;
    if (look_first) {
        struct pollfd p = {.fd = lfd, .events = POLLIN};
        if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
            return ERROR_NO_DATA;
    }
    do {
        if (plen)
            *plen = sizeof *peer;
        fd = accept4(lfd, (struct sockaddr *)peer, plen, SOCK_CLOEXEC);
    } while (fd < 0 && (errno == EINTR || errno == ECONNABORTED));
    if (fd < 0)
        return errno == EAGAIN ? ERROR_NO_DATA : wipc_plat_error(errno);
    *out = fd;
    return 0;
}

DWORD wipc_plat_accept_claim(int lfd, int look_first, uint64_t id,
                             uint64_t claim, int *out, int *claimed)
{
    struct sockaddr_un want, got;
    socklen_t wlen = claim_addr(id, claim, &want), glen;
    DWORD err = accept_one(lfd, look_first, &got, &glen, out);

    if (!err)
        *claimed = glen == wlen && memcmp(&got, &want, wlen) == 0;
    return err;
}

DWORD wipc_plat_accept(int lfd, int look_first, int *out)
{
    return accept_one(lfd, look_first, NULL, NULL, out);
}

int wipc_plat_peer_closed(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLRDHUP};
    return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP));
}

int wipc_plat_peer_hung_up(int fd)
{
    struct pollfd p = {.fd = fd, .events = 0};
    return poll(&p, 1, 0) > 0 && (p.revents & POLLHUP);
}

DWORD wipc_plat_peer_cred(int fd, DWORD *pid, DWORD *uid)
{
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
        return wipc_plat_error(errno);
    if (pid)
        *pid = (DWORD)cred.pid;
    if (uid)
        *uid = (DWORD)cred.uid;
    return 0;
}

DWORD wipc_plat_geteuid(void) { return (DWORD)geteuid(); }

DWORD wipc_plat_user_name(DWORD uid, char *buf, size_t cap)
{
    struct passwd pw, *found = NULL;
    char stack[1024], *scratch = stack;
    size_t len = sizeof stack;
    char num[16];
    const char *name = num;
    int r;

    for (;;) {
        r = getpwuid_r((uid_t)uid, &pw, scratch, len, &found);
        if (r != ERANGE || len >= 1u << 20)
            break;
        if (scratch != stack)
            free(scratch);
        len *= 4;
        scratch = malloc(len);
        if (!scratch)
            return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (r == 0 && found && found->pw_name)
        name = found->pw_name;
    else
        snprintf(num, sizeof num, "%lu", (unsigned long)uid);
    r = strlen(name) < cap;
    if (r)
        memcpy(buf, name, strlen(name) + 1);
    if (scratch != stack)
        free(scratch);
    return r ? 0 : ERROR_INSUFFICIENT_BUFFER;
}

DWORD wipc_plat_send2(int fd, const void *a, size_t alen, const void *b,
                      size_t blen, int nonblock, size_t *done)
{
    return wipc_plat_send2_fds(fd, a, alen, b, blen, nonblock, NULL, 0, done);
}

DWORD wipc_plat_send2_fds(int fd, const void *a, size_t alen, const void *b,
                          size_t blen, int nonblock, const int *fds,
                          size_t nfds, size_t *done)
{
    char ctl[CMSG_SPACE(WIPC_PLAT_STREAM_FDS_MAX * sizeof(int))];
    struct iovec iov[2];
    struct msghdr msg;
    size_t total = alen + blen, sent = 0;
    int flags;

    *done = 0;
    if (nfds > WIPC_PLAT_STREAM_FDS_MAX)
        return ERROR_INVALID_PARAMETER;
    while (sent < total) {
        ssize_t n;
        if (sent < alen) {
            iov[0].iov_base = (char *)a + sent;
            iov[0].iov_len = alen - sent;
            iov[1].iov_base = (void *)b;
            iov[1].iov_len = blen;
        } else {
            iov[0].iov_base = (char *)b + (sent - alen);
            iov[0].iov_len = total - sent;
        }
        /* The descriptors go with the first bytes (the kernel delivers
         * them to the read that takes those). */
        wipc_posix_rights_msg(&msg, iov, ctl, fds, sent == 0 ? nfds : 0);
        msg.msg_iovlen = sent < alen && blen ? 2 : 1;
        /* One buffer and no descriptors: send(), which the kernel takes a
         * little faster than sendmsg() (no message header and vector to
         * copy in). */
        flags = MSG_NOSIGNAL | (nonblock && sent == 0 ? MSG_DONTWAIT : 0);
        n = msg.msg_iovlen == 1 && !msg.msg_controllen
                ? send(fd, iov[0].iov_base, iov[0].iov_len, flags)
                : sendmsg(fd, &msg, flags);
        if (n < 0) {
            if (errno == EINTR && wipc_plat_sync_io_cancelled())
                return ERROR_OPERATION_ABORTED;
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return ERROR_BUSY;
            return errno == ECONNRESET || errno == EPIPE || errno == ENOTCONN
                       ? ERROR_NO_DATA
                       : wipc_plat_error(errno);
        }
        sent += (size_t)n;
        *done = sent;
    }
    return 0;
}

DWORD wipc_plat_recv2(int fd, void *a, size_t alen, void *b, size_t blen,
                      int nonblock, int peek, size_t *got)
{
    size_t nfds = 0;
    return wipc_plat_recv2_fds(fd, a, alen, b, blen, nonblock, peek, got,
                               NULL, 0, &nfds);
}

DWORD wipc_plat_recv2_fds(int fd, void *a, size_t alen, void *b, size_t blen,
                          int nonblock, int peek, size_t *got, int *fds,
                          size_t max, size_t *nfds)
{
    /* Room for more descriptors than wanted, so that a peer sending more
     * cannot leave any open here unseen (they are closed). */
    char ctl[CMSG_SPACE((WIPC_PLAT_STREAM_FDS_MAX + 4) * sizeof(int))];
    struct iovec iov[2] = {{a, alen}, {b, blen}};
    struct msghdr msg;
    int flags = MSG_CMSG_CLOEXEC | (nonblock ? MSG_DONTWAIT : 0) |
                (peek ? MSG_PEEK : 0);
    ssize_t n;

    *nfds = 0;
    *got = 0;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = alen ? iov : iov + 1;
    msg.msg_iovlen = alen ? (blen ? 2 : 1) : 1;
    /* Always with room for descriptors: without it the kernel would drop
     * those a peer sent, and they are the quota page (named_pipe.c). */
    msg.msg_control = ctl;
    msg.msg_controllen = sizeof ctl;
    do
        n = recvmsg(fd, &msg, flags);
    while (n < 0 && errno == EINTR && !wipc_plat_sync_io_cancelled());
    if (n < 0 && errno == EINTR)
        return ERROR_OPERATION_ABORTED;
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return ERROR_NO_DATA;
        if (errno == ECONNRESET || errno == ENOTCONN)
            return 0; /* end of stream */
        return wipc_plat_error(errno);
    }
    if (msg.msg_controllen)
        *nfds = wipc_posix_rights_take(&msg, fds, fds ? max : 0);
    *got = (size_t)n;
    return 0;
}

/* A peek that closes the copies of any descriptors it met, but the first
 * max, in fds: 1 if there were any. */
static int sock_peek(int fd, void *buf, size_t len, size_t *n, DWORD *err,
                     int *fds, size_t max, size_t *nfds)
{
    int tmp[WIPC_PLAT_STREAM_FDS_MAX];
    size_t got = 0;
    *err = wipc_plat_recv2_fds(fd, NULL, 0, buf, len, 1, 1, n, tmp,
                               WIPC_PLAT_STREAM_FDS_MAX, &got);
    for (size_t i = 0; i < got; i++) {
        if (*nfds < max)
            fds[(*nfds)++] = tmp[i];
        else
            close(tmp[i]);
    }
    return got > 0;
}

DWORD wipc_plat_peek_all(int fd, void *buf, size_t len, size_t *got,
                         int *fds, size_t max, size_t *nfds)
{
    size_t n = 0;
    DWORD err;
    int off;

    *got = 0;
    *nfds = 0;
    if (!sock_peek(fd, buf, len, &n, &err, fds, max, nfds) || err || n == 0 ||
        n >= len) {
        *got = err ? 0 : n;
        return err == ERROR_NO_DATA ? 0 : err;
    }
    /* A peek ends after bytes that came with descriptors: the rest is
     * peeked from an offset (SO_PEEK_OFF), which is then turned off. */
    *got = n;
    off = (int)n;
    if (setsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &off, sizeof off) != 0)
        return 0;
    while (*got < len) {
        sock_peek(fd, (char *)buf + *got, len - *got, &n, &err, fds, 0, nfds);
        if (err || n == 0)
            break;
        *got += n;
    }
    off = -1;
    setsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &off, sizeof off);
    return err == ERROR_NO_DATA ? 0 : err;
}

DWORD wipc_plat_socket_unread_out(int fd, size_t *n)
{
    int v = 0;
    if (ioctl(fd, SIOCOUTQ, &v) < 0)
        return wipc_plat_error(errno);
    *n = v > 0 ? (size_t)v : 0;
    return 0;
}

int wipc_plat_socket_reset(int fd)
{
    int e = 0;
    socklen_t len = sizeof e;
    return getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 &&
           e == ECONNRESET;
}

DWORD wipc_plat_socket_queued_in(int fd, size_t *n)
{
    int v = 0;
    if (ioctl(fd, SIOCINQ, &v) < 0)
        return wipc_plat_error(errno);
    *n = v > 0 ? (size_t)v : 0;
    return 0;
}

void wipc_plat_shutdown(int fd) { shutdown(fd, SHUT_RDWR); }

static int lock_cmd(int fd, int cmd, short type, uint64_t off,
                    struct flock *fl)
{
    memset(fl, 0, sizeof *fl);
    fl->l_type = type;
    fl->l_whence = SEEK_SET;
    fl->l_start = (off_t)off;
    fl->l_len = 1;
    return fcntl(fd, cmd, fl);
}

DWORD wipc_plat_lock_byte(int fd, uint64_t off, int wait)
{
    struct flock fl;
    int r;
    do {
        r = lock_cmd(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, F_WRLCK, off, &fl);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return errno == EAGAIN || errno == EACCES ? ERROR_LOCK_VIOLATION
                                                  : wipc_plat_error(errno);
    return 0;
}

DWORD wipc_plat_lock_byte_bounded(int fd, uint64_t off, int shared,
                                  int timeout_ms)
{
    short type = shared ? F_RDLCK : F_WRLCK;
    uint64_t start = wipc_plat_now_ms();
    DWORD delay_us = 20;
    struct flock fl;
    int r;

    if (timeout_ms < 0) {
        do
            r = lock_cmd(fd, F_OFD_SETLKW, type, off, &fl);
        while (r < 0 && errno == EINTR);
        return r < 0 ? wipc_plat_error(errno) : 0;
    }
    /* No kernel wait takes a time-out: try, and sleep a little longer each
     * time (from 20 us to 5 ms), until the time is up. */
    while (lock_cmd(fd, F_OFD_SETLK, type, off, &fl) < 0) {
        if (errno != EAGAIN && errno != EACCES && errno != EINTR)
            return wipc_plat_error(errno);
        if (wipc_plat_now_ms() - start >= (uint64_t)timeout_ms)
            return ERROR_LOCK_VIOLATION;
        wipc_plat_sleep_us(delay_us);
        if (delay_us < 5000)
            delay_us *= 2;
    }
    return 0;
}

void wipc_plat_unlock_byte(int fd, uint64_t off)
{
    struct flock fl;
    lock_cmd(fd, F_OFD_SETLK, F_UNLCK, off, &fl);
}

int wipc_plat_byte_locked(int fd, uint64_t off)
{
    struct flock fl;
    if (lock_cmd(fd, F_OFD_GETLK, F_WRLCK, off, &fl) < 0)
        return 0;
    return fl.l_type != F_UNLCK;
}

DWORD wipc_plat_pread_all(int fd, void *buf, size_t len, uint64_t off)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, (char *)buf + got, len - got, (off_t)(off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return wipc_plat_error(errno);
        if (n == 0)
            return ERROR_HANDLE_EOF;
        got += (size_t)n;
    }
    return 0;
}

DWORD wipc_plat_pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pwrite(fd, (const char *)buf + done, len - done,
                           (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return wipc_plat_error(errno);
        done += (size_t)n;
    }
    return 0;
}

char *wipc_plat_getenv_copy(const char *name)
{
    const char *v = getenv(name);
    return v ? strdup(v) : NULL;
}

DWORD wipc_plat_fchmod(int fd, unsigned mode)
{
    return fchmod(fd, (mode_t)mode) < 0 ? wipc_plat_error(errno) : 0;
}

/* ---- Datagrams (mailslots) ------------------------------------------------ */

/* A mailslot message must fit in one datagram: the kernel caps a socket's
 * send buffer at net.core.wmem_max for unprivileged users. */
#define DGRAM_MAX (200u * 1024u)

size_t wipc_plat_dgram_max(void) { return DGRAM_MAX; }

DWORD wipc_plat_dgram_connect(uint64_t id, int *out)
{
    struct sockaddr_un sa;
    socklen_t len = wipc_posix_abstract_id_addr(id, &sa);
    int big = 4 << 20;
    int fd = wipc_posix_abstract_connect(&sa, len, SOCK_DGRAM);

    if (fd == -ECONNREFUSED || fd == -ENOENT)
        return ERROR_FILE_NOT_FOUND;
    if (fd < 0)
        return wipc_plat_error(-fd);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    *out = fd;
    return 0;
}

DWORD wipc_plat_dgram_send(int fd, const void *buf, size_t len)
{
    ssize_t n;
    do {
        n = send(fd, buf, len, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n >= 0)
        return 0;
    if (errno == ECONNREFUSED || errno == ENOTCONN || errno == EPIPE ||
        errno == ECONNRESET)
        return ERROR_FILE_NOT_FOUND;
    if (errno == EMSGSIZE || errno == ENOBUFS)
        return ERROR_INVALID_PARAMETER;
    return wipc_plat_error(errno);
}
