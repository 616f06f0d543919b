/*
 * posix_spool.c: what a mailslot's queue needs from Linux: a file mapped
 * into every process that holds the mailslot, a robust process-shared
 * mutex and a futex inside it, and the "doorbell" datagram socket that
 * wakes a waiting receiver and tells writers that it is still there (see
 * src/objects/mailslot.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"
#include "posix_abstract.h"

/* ---- The queue's file ------------------------------------------------------ */

DWORD wipc_plat_shm_dir(char *buf, size_t len)
{
    struct stat st;
    if (stat("/dev/shm", &st) < 0 || !S_ISDIR(st.st_mode) ||
        access("/dev/shm", W_OK | X_OK) < 0)
        return ERROR_NOT_SUPPORTED;
    snprintf(buf, len, "/dev/shm");
    return 0;
}

DWORD wipc_plat_spool_create(const char *path, unsigned mode, uint64_t size,
                             int *out)
{
    struct stat st;
    int fd = open(path,
                  O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK |
                      O_CLOEXEC,
                  (mode_t)mode);
    if (fd < 0)
        return errno == EEXIST ? ERROR_ALREADY_EXISTS : wipc_plat_error(errno);
    /* O_EXCL made it, in a folder shared with other users: still, what is
     * mapped is checked as spool_open checks it. */
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
        st.st_uid != geteuid()) {
        close(fd);
        return ERROR_ACCESS_DENIED;
    }
    if (fchmod(fd, (mode_t)mode) < 0 || ftruncate(fd, (off_t)size) < 0) {
        int e = errno;
        close(fd);
        unlink(path);
        return wipc_plat_error(e);
    }
    *out = fd;
    return 0;
}

DWORD wipc_plat_spool_open(const char *path, int *out, DWORD *uid,
                           uint64_t *size)
{
    struct stat st;
    int fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0)
        return errno == ENOENT || errno == ELOOP ? ERROR_FILE_NOT_FOUND
                                                 : wipc_plat_error(errno);
    /* In a folder shared with other users: a regular file with one link
     * (no hard link to another file), that nobody else may write. */
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
        (st.st_mode & 077)) {
        close(fd);
        return ERROR_FILE_NOT_FOUND;
    }
    *uid = (DWORD)st.st_uid;
    *size = (uint64_t)st.st_size;
    *out = fd;
    return 0;
}

DWORD wipc_plat_map_shared(int fd, size_t len, void **out)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return wipc_plat_error(errno);
    *out = p;
    return 0;
}

void wipc_plat_unmap(void *p, size_t len)
{
    if (p)
        munmap(p, len);
}

/* ---- A mutex shared by processes --------------------------------------------- */

DWORD wipc_plat_shared_mutex_init(wipc_shared_mutex *m)
{
    pthread_mutexattr_t a;
    int e = pthread_mutexattr_init(&a);

    if (!e)
        e = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    if (!e)
        e = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    if (!e)
        e = pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
    return e ? wipc_plat_error(e) : 0;
}

DWORD wipc_plat_shared_mutex_lock(wipc_shared_mutex *m)
{
    int e = pthread_mutex_lock(m);
    if (e == EOWNERDEAD) /* its holder died: what it guards is consistent
                          * by the caller's design */
        e = pthread_mutex_consistent(m);
    return e ? ERROR_GEN_FAILURE : 0;
}

void wipc_plat_shared_mutex_unlock(wipc_shared_mutex *m)
{
    pthread_mutex_unlock(m);
}

/* ---- Futexes in shared memory ------------------------------------------------- */

int wipc_plat_futex_wait(uint32_t *addr, uint32_t val, int timeout_ms)
{
    struct timespec ts;
    ts.tv_sec = timeout_ms / 1000;
    ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
    /* Not FUTEX_PRIVATE_FLAG: the word is shared between processes. */
    if (syscall(SYS_futex, addr, FUTEX_WAIT, val, timeout_ms < 0 ? NULL : &ts,
                NULL, 0) < 0 &&
        errno == EFAULT)
        return 1;
    return 0;
}

void wipc_plat_futex_wake_all(uint32_t *addr)
{
    syscall(SYS_futex, addr, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* ---- Doorbells ---------------------------------------------------------------- */

DWORD wipc_plat_doorbell_bind(uint64_t id, int *out)
{
    struct sockaddr_un sa;
    socklen_t len = wipc_posix_abstract_id_addr(id, &sa);
    int big = 4 << 20;
    int fd = wipc_posix_abstract_bind(&sa, len, SOCK_DGRAM);

    if (fd == -EADDRINUSE)
        return ERROR_ALREADY_EXISTS;
    if (fd < 0)
        return wipc_plat_error(-fd);
    /* Room for messages of writers that cannot reach the queue itself. */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    *out = fd;
    return 0;
}

DWORD wipc_plat_doorbell_ring(int fd)
{
    ssize_t n;
    do {
        n = send(fd, "", 0, MSG_DONTWAIT | MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n >= 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
        return 0; /* a full queue rings already */
    if (errno == ECONNREFUSED || errno == ENOTCONN || errno == EPIPE ||
        errno == ECONNRESET)
        return ERROR_FILE_NOT_FOUND;
    return wipc_plat_error(errno);
}

void wipc_plat_doorbell_flush(int fd)
{
    struct mmsghdr msgs[32];
    int n;
    memset(msgs, 0, sizeof msgs); /* no buffers: each datagram is dropped */
    do {
        n = recvmmsg(fd, msgs, 32, MSG_DONTWAIT, NULL);
    } while (n == 32 || (n < 0 && errno == EINTR));
}

DWORD wipc_plat_doorbell_next(int fd, size_t *len)
{
    char c;
    ssize_t n;
    do {
        n = recv(fd, &c, 0, MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? ERROR_NO_DATA
                                                       : wipc_plat_error(errno);
    *len = (size_t)n;
    return 0;
}

DWORD wipc_plat_doorbell_take(int fd, void *buf, size_t len, size_t *got)
{
    char c;
    ssize_t n;
    do {
        n = recv(fd, buf ? buf : &c, buf ? len : 0, MSG_DONTWAIT | MSG_TRUNC);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? ERROR_NO_DATA
                                                       : wipc_plat_error(errno);
    if (got)
        *got = (size_t)n;
    return 0;
}
