/*
 * posix_service.c: the sockets of the per-process handle service (see
 * process/service.h), and the thread and fork plumbing it needs.
 *
 * Each service listens on an AF_UNIX SOCK_SEQPACKET socket in the abstract
 * namespace named "winipc-svc-PID": abstract names vanish with the socket,
 * so a process that dies leaves nothing behind, and a packet socket keeps
 * each request and reply in one piece with any descriptor it carries.
 *
 * Any user may bind any free abstract name, and pids are predictable: a
 * service that finds its name taken listens on "winipc-svc-PID.TAG"
 * instead, TAG being 16 random hex digits drawn at that moment, so that
 * nobody can take that name beforehand.  Clients find it in the kernel's
 * list of listening sockets (/proc/net/unix) and keep the one whose
 * listener (SO_PEERCRED) is process PID.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"
#include "posix_abstract.h"
#include "posix_exit.h"

static const char svc_prefix[] = "winipc-svc-";

/* How many other names a service whose own is taken tries. */
#define SVC_TAG_TRIES 8

/* A listening socket whose flags in /proc/net/unix have __SO_ACCEPTCON. */
#define SVC_PROC_ACCEPTCON 0x10000u

socklen_t wipc_posix_svc_addr(uint32_t pid, uint64_t tag,
                              struct sockaddr_un *sa)
{
    static const char hex[] = "0123456789abcdef";
    char digits[10];
    size_t n = 0, k, len = sizeof svc_prefix; /* the '\0' first, the prefix */

    /* No snprintf: a suspended child calls this between fork and execve. */
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    do {
        digits[n++] = (char)('0' + pid % 10);
        pid /= 10;
    } while (pid);
    /* sun_path[0] == '\0': the abstract namespace. */
    memcpy(sa->sun_path + 1, svc_prefix, sizeof svc_prefix - 1);
    for (k = 0; k < n; k++)
        sa->sun_path[len++] = digits[n - 1 - k];
    if (tag) {
        sa->sun_path[len++] = '.';
        for (k = 0; k < 16; k++)
            sa->sun_path[len++] = hex[(tag >> (60 - 4 * k)) & 0xf];
    }
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
}

uint64_t wipc_posix_svc_tag(void)
{
    uint64_t tag = 0;
    struct timespec ts;

    /* Async-signal-safe.  Without the kernel's random numbers (a kernel
     * before 3.17), the clock's nanoseconds: unknown beforehand all the
     * same. */
    if (syscall(SYS_getrandom, &tag, sizeof tag, GRND_NONBLOCK) !=
        (long)sizeof tag) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        tag = ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) *
                  0x9e3779b97f4a7c15ull ^
              (uint64_t)syscall(SYS_getpid) << 32;
    }
    return tag ? tag : 1;
}

/* A close-on-exec packet socket listening on the address sa: the
 * descriptor, or -errno. */
static int svc_bind_listen(const struct sockaddr_un *sa, socklen_t len)
{
    int fd = wipc_posix_abstract_bind(sa, len, SOCK_SEQPACKET);

    if (fd >= 0 && listen(fd, 64) < 0) {
        int e = errno;
        close(fd);
        fd = -e;
    }
    return fd;
}

DWORD wipc_plat_svc_listen(DWORD pid, int *out)
{
    struct sockaddr_un sa;
    socklen_t len = wipc_posix_svc_addr(pid, 0, &sa);
    int fd = svc_bind_listen(&sa, len), i;

    /* Taken: by anybody (a process that got there first), so a name
     * drawn now, which nobody can have guessed. */
    for (i = 0; fd == -EADDRINUSE && i < SVC_TAG_TRIES; i++) {
        len = wipc_posix_svc_addr(pid, wipc_posix_svc_tag(), &sa);
        fd = svc_bind_listen(&sa, len);
    }
    if (fd < 0)
        return fd == -EADDRINUSE ? ERROR_ALREADY_EXISTS : wipc_plat_error(-fd);
    *out = fd;
    return 0;
}

/* A close-on-exec packet socket (non-blocking if wait_ms is 0) connected
 * to the address sa, or -errno. */
static int svc_connect_once(const struct sockaddr_un *sa, socklen_t len,
                            int wait_ms)
{
    int fd = socket(AF_UNIX,
                    SOCK_SEQPACKET | SOCK_CLOEXEC | (wait_ms ? 0 : SOCK_NONBLOCK),
                    0);
    struct timeval tv = {wait_ms / 1000, (wait_ms % 1000) * 1000};
    int r;

    if (fd < 0)
        return -errno;
    /* connect() on an AF_UNIX socket waits for room in the backlog as
     * long as the send timeout says. */
    if (wait_ms && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0)
        r = -1;
    else
        do {
            r = connect(fd, (const struct sockaddr *)sa, len);
        } while (r < 0 && errno == EINTR);
    if (r < 0) {
        int e = errno == EINPROGRESS ? EAGAIN : errno;
        close(fd);
        return -e;
    }
    return fd;
}

/*
 * A close-on-exec packet socket connected to the address sa.  A listener
 * whose backlog is full is waited for wait_ms at most (0: not at all):
 * -EAGAIN then.  The descriptor, or -errno.  It may be non-blocking, or
 * have a send timeout: wipc_plat_svc_send and _recv do not mind.
 */
static int svc_connect_addr(const struct sockaddr_un *sa, socklen_t len,
                            int wait_ms)
{
    /* Without waiting first: an AF_UNIX connect() is done at once. */
    int fd = svc_connect_once(sa, len, 0);
    return fd == -EAGAIN && wait_ms > 0 ? svc_connect_once(sa, len, wait_ms)
                                        : fd;
}

/* The Win32 error of a failed svc_connect_addr. */
static DWORD svc_connect_error(int e)
{
    /* An abstract name nobody has bound is ECONNREFUSED, and so is one
     * bound by a socket that does not listen. */
    if (e == ECONNREFUSED || e == ENOENT)
        return ERROR_FILE_NOT_FOUND;
    if (e == EAGAIN || e == EWOULDBLOCK)
        return ERROR_PIPE_BUSY;
    return wipc_plat_error(e);
}

DWORD wipc_plat_svc_connect(DWORD pid, int wait_ms, int *out)
{
    struct sockaddr_un sa;
    socklen_t len = wipc_posix_svc_addr(pid, 0, &sa);
    int fd = svc_connect_addr(&sa, len, wait_ms > 0 ? wait_ms : 1);

    if (fd < 0)
        return svc_connect_error(-fd);
    *out = fd;
    return 0;
}

/* The TAG of a /proc/net/unix path "@winipc-svc-PID.TAG" (prefix: up to
 * the '.'), or 0. */
static uint64_t svc_path_tag(const char *path, const char *prefix)
{
    size_t n = strlen(prefix), k;
    uint64_t tag = 0;

    if (strncmp(path, prefix, n) != 0 || strlen(path + n) != 16)
        return 0;
    for (k = 0; k < 16; k++) {
        char c = path[n + k];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else
            return 0;
        tag = tag << 4 | d;
    }
    return tag;
}

DWORD wipc_plat_svc_connect_other(DWORD pid, unsigned skip, int *out)
{
    char prefix[40], line[512], path[128];
    unsigned flags, type;
    int busy = 0;
    FILE *f;

    snprintf(prefix, sizeof prefix, "@%s%u.", svc_prefix, (unsigned)pid);
    f = fopen("/proc/net/unix", "re");
    if (!f)
        return ERROR_FILE_NOT_FOUND;
    /* "Num: RefCount Protocol Flags Type St Inode Path", an abstract name
     * with '@' for its leading '\0'. */
    while (fgets(line, sizeof line, f)) {
        struct sockaddr_un sa;
        socklen_t len;
        uint64_t tag;
        DWORD ppid = 0;
        int fd;

        if (sscanf(line, "%*s %*x %*x %x %x %*x %*u %127s", &flags, &type,
                   path) != 3 ||
            !(flags & SVC_PROC_ACCEPTCON) || type != SOCK_SEQPACKET ||
            (tag = svc_path_tag(path, prefix)) == 0)
            continue;
        /* Not waited for: anybody may list sockets that never accept. */
        len = wipc_posix_svc_addr(pid, tag, &sa);
        fd = svc_connect_addr(&sa, len, 0);
        if (fd == -EAGAIN) {
            busy = 1;
            continue;
        }
        if (fd < 0)
            continue;
        if (wipc_plat_peer_cred(fd, &ppid, NULL) != 0 || ppid != pid ||
            skip-- > 0) {
            close(fd);
            continue;
        }
        fclose(f);
        *out = fd;
        return 0;
    }
    fclose(f);
    return busy ? ERROR_PIPE_BUSY : ERROR_FILE_NOT_FOUND;
}

int wipc_plat_process_has_uid(DWORD pid, DWORD uid)
{
    char path[40], line[256];
    unsigned long ids[4];
    int found = -1, i;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%u/status", (unsigned)pid);
    f = fopen(path, "re");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Uid: %lu %lu %lu %lu", &ids[0], &ids[1], &ids[2],
                   &ids[3]) == 4) {
            found = 0;
            for (i = 0; i < 4; i++)
                if (ids[i] == uid)
                    found = 1;
            break;
        }
    fclose(f);
    return found;
}

int wipc_plat_process_comm(DWORD pid, char *buf, size_t cap)
{
    char path[40];
    ssize_t n;
    int fd;

    if (cap == 0)
        return -1;
    /* open, one read, close: the name is at most 16 bytes and a newline,
     * read whole at once (a named pipe server asks this of each client of
     * root's, so stdio's fstat and second read cost each connection two
     * system calls). */
    snprintf(path, sizeof path, "/proc/%u/comm", (unsigned)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    do {
        n = read(fd, buf, cap - 1);
    } while (n < 0 && errno == EINTR);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = 0;
    if (n > 0 && buf[n - 1] == '\n')
        buf[--n] = 0;
    return (int)n;
}

int wipc_plat_process_comm_is(DWORD pid, const char *comm)
{
    char line[32];
    return wipc_plat_process_comm(pid, line, sizeof line) >= 0 &&
           strcmp(line, comm) == 0;
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
    return wipc_plat_svc_send_fds(fd, buf, len, &pass_fd, pass_fd >= 0 ? 1 : 0,
                                  timeout_ms);
}

DWORD wipc_plat_svc_send_fds(int fd, const void *buf, size_t len,
                             const int *fds, size_t nfds, int timeout_ms)
{
    char ctl[CMSG_SPACE(WIPC_PLAT_SVC_FDS_MAX * sizeof(int))];
    struct iovec iov = {(void *)buf, len};
    struct msghdr msg;
    ssize_t n;

    if (nfds > WIPC_PLAT_SVC_FDS_MAX)
        return ERROR_INVALID_PARAMETER;
    wipc_posix_rights_msg(&msg, &iov, ctl, fds, nfds);
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

DWORD wipc_plat_svc_recv(int fd, void *buf, size_t cap, size_t *len,
                         int *fd_out, int timeout_ms)
{
    size_t n = 0;
    return wipc_plat_svc_recv_fds(fd, buf, cap, len, fd_out, fd_out ? 1 : 0,
                                  &n, timeout_ms);
}

DWORD wipc_plat_svc_recv_fds(int fd, void *buf, size_t cap, size_t *len,
                             int *fds_out, size_t max, size_t *nfds,
                             int timeout_ms)
{
    /* Room for a few more descriptors than wanted, so that a peer sending
     * more cannot leave any open here unseen (they are closed). */
    char ctl[CMSG_SPACE((WIPC_PLAT_SVC_FDS_MAX + 4) * sizeof(int))];
    struct iovec iov = {buf, cap};
    struct msghdr msg;
    ssize_t n;
    size_t i;

    *nfds = 0;
    for (i = 0; i < max; i++)
        fds_out[i] = -1;
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
    *nfds = wipc_posix_rights_take(&msg, fds_out, max);
    if (n == 0 || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
        for (i = 0; i < *nfds; i++) {
            close(fds_out[i]);
            fds_out[i] = -1;
        }
        *nfds = 0;
        /* n == 0: end of stream, the peer closed */
        return n == 0 ? ERROR_BROKEN_PIPE : ERROR_INVALID_DATA;
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
