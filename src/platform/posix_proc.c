/*
 * posix_proc.c: processes, threads, time and poll.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"



void wipc_cond_wait_ms(wipc_cond *c, wipc_mutex *m, unsigned ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(c, m, &ts);
}

/* Each thread's id, asked of the kernel once (the I/O engine notes it for
 * every operation); a fork() child's thread has a new one. */
static _Thread_local DWORD proc_tid;
static pthread_once_t proc_tid_once = PTHREAD_ONCE_INIT;

/* The process id, asked once (named pipes compare their peer's with it
 * at each connection); fork() children ask again. */
static DWORD proc_pid;

static void proc_tid_forked(void)
{
    proc_tid = 0;
    __atomic_store_n(&proc_pid, 0, __ATOMIC_RELAXED);
}

static void proc_tid_setup(void)
{
    pthread_atfork(NULL, NULL, proc_tid_forked);
}

DWORD wipc_plat_getpid(void)
{
    DWORD pid = __atomic_load_n(&proc_pid, __ATOMIC_RELAXED);
    if (!pid) {
        pthread_once(&proc_tid_once, proc_tid_setup);
        pid = (DWORD)getpid();
        __atomic_store_n(&proc_pid, pid, __ATOMIC_RELAXED);
    }
    return pid;
}

DWORD wipc_plat_gettid(void)
{
    if (!proc_tid) {
        pthread_once(&proc_tid_once, proc_tid_setup);
        proc_tid = (DWORD)syscall(SYS_gettid);
    }
    return proc_tid;
}

DWORD wipc_plat_thread_start(void *(*fn)(void *), void *arg,
                             size_t stack_size)
{
    pthread_attr_t attr;
    pthread_t tid;
    int err;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (stack_size > 0) {
        if (stack_size < (size_t)PTHREAD_STACK_MIN)
            stack_size = PTHREAD_STACK_MIN;
        pthread_attr_setstacksize(&attr, stack_size);
    }
    err = pthread_create(&tid, &attr, fn, arg);
    pthread_attr_destroy(&attr);
    /* EINVAL can only be the stack size (too large to map, or to add the
     * guard to): like EAGAIN, a stack the system cannot give. */
    if (err == EAGAIN || (err == EINVAL && stack_size > 0))
        return ERROR_NOT_ENOUGH_MEMORY;
    return err ? wipc_plat_error(err) : 0;
}

uint64_t wipc_plat_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t wipc_plat_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Sleeps the whole of req, resuming after signals. */
static void proc_sleep(struct timespec req)
{
    struct timespec rem;
    while (nanosleep(&req, &rem) < 0 && errno == EINTR)
        req = rem;
}

void wipc_plat_sleep_ms(DWORD ms)
{
    if (ms == INFINITE) {
        for (;;)
            pause();
    }
    proc_sleep((struct timespec){ms / 1000, (long)(ms % 1000) * 1000000L});
}

void wipc_plat_sleep_us(DWORD us)
{
    proc_sleep((struct timespec){0, (long)(us % 1000000u) * 1000L});
}

void wipc_plat_yield(void) { sched_yield(); }

int wipc_plat_pid_alive(DWORD pid)
{
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

DWORD wipc_plat_poll_readable(const int *fds, int *ready, size_t n,
                              int timeout_ms, int *nready)
{
    struct pollfd stack_pfd[MAXIMUM_WAIT_OBJECTS];
    struct pollfd *pfd = stack_pfd;
    uint64_t deadline = 0;
    int r;
    size_t i;

    if (n > MAXIMUM_WAIT_OBJECTS) {
        pfd = calloc(n, sizeof *pfd);
        if (!pfd)
            return ERROR_NOT_ENOUGH_MEMORY;
    }
    for (i = 0; i < n; i++) {
        pfd[i].fd = fds[i];
        pfd[i].events = POLLIN;
        pfd[i].revents = 0;
    }
    if (timeout_ms > 0)
        deadline = wipc_plat_now_ms() + (uint64_t)timeout_ms;
    for (;;) {
        r = poll(pfd, (nfds_t)n, timeout_ms);
        if (r >= 0 || errno != EINTR || wipc_plat_sync_io_cancelled())
            break;
        if (timeout_ms > 0) {
            uint64_t now = wipc_plat_now_ms();
            timeout_ms = now >= deadline ? 0 : (int)(deadline - now);
        }
    }
    if (r < 0) {
        int e = errno;
        if (pfd != stack_pfd)
            free(pfd);
        return e == EINTR ? ERROR_OPERATION_ABORTED : wipc_plat_error(e);
    }
    for (i = 0; i < n; i++)
        ready[i] = (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
    *nready = r;
    if (pfd != stack_pfd)
        free(pfd);
    return 0;
}
