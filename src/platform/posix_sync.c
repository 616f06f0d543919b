/*
 * posix_sync.c: what mutexes and semaphores need of Linux (platform.h,
 * "Synchronization objects"): memfds for their shared state, eventfds in
 * semaphore mode, epoll sets, a robust lock that says when it was
 * recovered, a per-thread value with a destructor, and timerfds for
 * waitable timers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <stdatomic.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"

DWORD wipc_plat_memfd(const char *name, uint64_t size, int *out)
{
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return wipc_plat_error(errno);
    /* Sealed at its size: no holder can shrink it under another's
     * mapping (SIGBUS) or grow it. */
    if (ftruncate(fd, (off_t)size) < 0 ||
        fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
        int e = errno;
        close(fd);
        return wipc_plat_error(e);
    }
    *out = fd;
    return 0;
}

DWORD wipc_plat_memfd_check(int fd, uint64_t size)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return wipc_plat_error(errno);
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != size ||
        (fcntl(fd, F_GET_SEALS) & F_SEAL_SHRINK) == 0)
        return ERROR_INVALID_DATA;
    return 0;
}

DWORD wipc_plat_eventfd_sem(uint32_t count, int *out)
{
    int fd = eventfd(count, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
    if (fd < 0)
        return wipc_plat_error(errno);
    *out = fd;
    return 0;
}

DWORD wipc_plat_eventfd_add(int fd, uint64_t n)
{
    while (write(fd, &n, sizeof n) < 0) {
        if (errno != EINTR)
            return wipc_plat_error(errno);
    }
    return 0;
}

DWORD wipc_plat_eventfd_take(int fd, int *took)
{
    uint64_t v;
    *took = 0;
    for (;;) {
        if (read(fd, &v, sizeof v) == (ssize_t)sizeof v) {
            *took = 1;
            return 0;
        }
        if (errno == EINTR)
            continue;
        return errno == EAGAIN ? 0 : wipc_plat_error(errno);
    }
}

DWORD wipc_plat_eventfd_count(int fd, uint64_t *count)
{
    char path[64], buf[512];
    const char *p;
    ssize_t n;
    int f;

    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0)
        return wipc_plat_error(errno);
    n = read(f, buf, sizeof buf - 1);
    close(f);
    if (n <= 0)
        return ERROR_INVALID_DATA;
    buf[n] = '\0';
    p = strstr(buf, "eventfd-count:");
    if (!p)
        return ERROR_INVALID_DATA;
    *count = strtoull(p + 14, NULL, 16);
    return 0;
}

DWORD wipc_plat_pidfd_watch(DWORD pid, int *out)
{
    int fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
    if (fd < 0)
        return errno == ESRCH ? ERROR_INVALID_PARAMETER : wipc_plat_error(errno);
    *out = fd;
    return 0;
}

DWORD wipc_plat_epoll_create(int *out)
{
    int fd = epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0)
        return wipc_plat_error(errno);
    *out = fd;
    return 0;
}

DWORD wipc_plat_epoll_watch(int ep, int fd, int any_change)
{
    struct epoll_event ev = {0};
    ev.events = any_change ? (EPOLLIN | EPOLLOUT | EPOLLET) : EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
        return wipc_plat_error(errno);
    return 0;
}

void wipc_plat_epoll_unwatch(int ep, int fd)
{
    if (fd >= 0)
        epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
}

void wipc_plat_epoll_drain(int ep)
{
    struct epoll_event evs[8];
    while (epoll_wait(ep, evs, 8, 0) == 8)
        ;
}

DWORD wipc_plat_tls_key(void (*dtor)(void *), unsigned long *key)
{
    pthread_key_t k;
    int e = pthread_key_create(&k, dtor);
    if (e)
        return wipc_plat_error(e);
    *key = (unsigned long)k;
    return 0;
}

void *wipc_plat_tls_get(unsigned long key)
{
    return pthread_getspecific((pthread_key_t)key);
}

DWORD wipc_plat_tls_set(unsigned long key, void *value)
{
    int e = pthread_setspecific((pthread_key_t)key, value);
    return e ? wipc_plat_error(e) : 0;
}

/* ---- The handle table's fence, futexes --------------------------------------- */

static int membarrier_call(int cmd)
{
    return (int)syscall(SYS_membarrier, cmd, 0, 0);
}

int wipc_plat_membarrier_register(void)
{
    return membarrier_call(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0;
}

DWORD wipc_plat_membarrier(void)
{
    if (membarrier_call(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0)
        return 0;
    /* Not registered (a fork()ed child: registration belongs to the
     * address space): register, then again. */
    if (errno == EPERM && wipc_plat_membarrier_register() &&
        membarrier_call(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0)
        return 0;
    if (membarrier_call(MEMBARRIER_CMD_GLOBAL) == 0)
        return 0;
    return ERROR_NOT_SUPPORTED;
}

void wipc_plat_futex_wake(uint32_t *addr, int n)
{
    syscall(SYS_futex, addr, FUTEX_WAKE, n, NULL, NULL, 0);
}

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif

/* The kernel's struct futex_waitv (Linux 5.16), spelled out for older
 * headers. */
struct plat_waitv {
    uint64_t val;
    uint64_t uaddr;
    uint32_t flags;
    uint32_t reserved;
};

DWORD wipc_plat_futex_waitv(uint32_t *const *words, const uint32_t *vals,
                            size_t n, uint64_t deadline_ms)
{
    struct plat_waitv w[128];
    struct timespec ts;
    long r;

    if (n == 0 || n > 128)
        return ERROR_INVALID_PARAMETER;
    for (size_t i = 0; i < n; i++) {
        w[i].val = vals[i];
        w[i].uaddr = (uint64_t)(uintptr_t)words[i];
        w[i].flags = 2; /* FUTEX2_SIZE_U32, shared */
        w[i].reserved = 0;
    }
    ts.tv_sec = (time_t)(deadline_ms / 1000);
    ts.tv_nsec = (long)(deadline_ms % 1000) * 1000000L;
    r = syscall(SYS_futex_waitv, w, (unsigned)n, 0,
                deadline_ms == UINT64_MAX ? NULL : &ts, CLOCK_MONOTONIC);
    if (r >= 0 || errno == EAGAIN || errno == EINTR)
        return 0;
    if (errno == ETIMEDOUT)
        return ERROR_TIMEOUT;
    return errno == ENOSYS ? ERROR_NOT_SUPPORTED : wipc_plat_error(errno);
}

int wipc_plat_futex_waitv_ok(void)
{
    static atomic_int ok = -1;
    int v = atomic_load_explicit(&ok, memory_order_relaxed);
    if (v < 0) {
        /* A wait on a word that does not hold the value returns at
         * once: EAGAIN where the call exists. */
        uint32_t word = 1, *pw = &word, val = 0;
        v = wipc_plat_futex_waitv(&pw, &val, 1, UINT64_MAX) !=
            ERROR_NOT_SUPPORTED;
        atomic_store_explicit(&ok, v, memory_order_relaxed);
    }
    return v;
}

/* ---- Waitable timers ---------------------------------------------------------- */

#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif

DWORD wipc_plat_timerfd(int *out)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (fd < 0)
        return wipc_plat_error(errno);
    *out = fd;
    return 0;
}

DWORD wipc_plat_timerfd_set(int fd, uint64_t due_ns, uint64_t period_ns)
{
    struct itimerspec its = {{0, 0}, {0, 0}};
    if (due_ns) {
        its.it_value.tv_sec = (time_t)(due_ns / 1000000000u);
        its.it_value.tv_nsec = (long)(due_ns % 1000000000u);
        if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
            its.it_value.tv_nsec = 1;
        its.it_interval.tv_sec = (time_t)(period_ns / 1000000000u);
        its.it_interval.tv_nsec = (long)(period_ns % 1000000000u);
    }
    if (timerfd_settime(fd, due_ns ? TFD_TIMER_ABSTIME : 0, &its, NULL) < 0)
        return wipc_plat_error(errno);
    return 0;
}

DWORD wipc_plat_timerfd_signal(int fd)
{
    uint64_t one = 1;
    if (ioctl(fd, TFD_IOC_SET_TICKS, &one) == 0)
        return 0;
    /* Without that ioctl (a kernel without checkpoint/restore): a one-shot
     * expiry in the past, which drops a period. */
    return wipc_plat_timerfd_set(fd, 1, 0);
}

int wipc_plat_timerfd_pending(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

uint64_t wipc_plat_realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

DWORD wipc_plat_epoll_watch_ptr(int ep, int fd, void *ptr)
{
    struct epoll_event ev = {0};
    ev.events = EPOLLIN;
    ev.data.ptr = ptr;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
        return wipc_plat_error(errno);
    return 0;
}

int wipc_plat_epoll_wait_ptr(int ep, int timeout_ms, void **ptr)
{
    struct epoll_event ev;
    int n;
    do {
        n = epoll_wait(ep, &ev, 1, timeout_ms);
    } while (n < 0 && errno == EINTR);
    if (n == 1)
        *ptr = ev.data.ptr;
    return n == 1;
}

/* ---- File mappings -------------------------------------------------------------- */

DWORD wipc_plat_mmap(int fd, uint64_t offset, size_t len, int write, int copy,
                     int exec, void *at, void **out)
{
    int prot = PROT_READ | (write || copy ? PROT_WRITE : 0) |
               (exec ? PROT_EXEC : 0);
    int flags = (copy ? MAP_PRIVATE : MAP_SHARED) |
                (at ? MAP_FIXED_NOREPLACE : 0);
    void *p = mmap(at, len, prot, flags, fd, (off_t)offset);
    if (p == MAP_FAILED)
        return errno == EEXIST || errno == EINVAL ? ERROR_INVALID_ADDRESS
               : errno == EACCES                  ? ERROR_ACCESS_DENIED
                                                  : ERROR_NOT_ENOUGH_MEMORY;
    if (at && p != at) { /* a kernel without MAP_FIXED_NOREPLACE */
        munmap(p, len);
        return ERROR_INVALID_ADDRESS;
    }
    *out = p;
    return 0;
}

DWORD wipc_plat_msync(void *addr, size_t len)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)addr & ~(page - 1);
    if (msync((void *)start, len + ((uintptr_t)addr - start), MS_SYNC) < 0)
        return wipc_plat_error(errno);
    return 0;
}

DWORD wipc_plat_fd_grow(int fd, uint64_t size)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return wipc_plat_error(errno);
    if ((uint64_t)st.st_size >= size)
        return 0;
    if (ftruncate(fd, (off_t)size) < 0)
        return wipc_plat_error(errno);
    return 0;
}
