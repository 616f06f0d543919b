/*
 * posix_cancel.c: CancelSynchronousIo's means, a thread blocked in a
 * system call of a synchronous operation is interrupted by a signal.
 *
 * A thread that starts a synchronous operation says so (sync_io_begin),
 * in a record other threads find by its id.  CancelSynchronousIo marks
 * the record and sends the thread WIPC_CANCEL_SIGNAL, whose handler does
 * nothing and is installed without SA_RESTART: the blocking call fails
 * with EINTR, and the loops here that would retry it see the mark and
 * fail with ERROR_OPERATION_ABORTED instead.  A signal that arrives just
 * before the thread enters its system call is lost, so the canceller sends
 * it again every millisecond until the thread has left the operation
 * (at most one second).  The handler is installed only when a program
 * first cancels: programs that never call CancelSynchronousIo never see
 * the signal.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform.h"

/* A real-time signal beyond the C library's own (glibc keeps SIGRTMIN-2
 * and SIGRTMIN-1 for itself; programs rarely use SIGRTMAX-3). */
#define WIPC_CANCEL_SIGNAL (SIGRTMAX - 3)

struct sync_io {
    struct sync_io *next;
    DWORD tid;
    pthread_t thread;
    atomic_int in_io;
    atomic_int cancel;
};

static struct {
    pthread_mutex_t lock;
    struct sync_io *all;
    int handler;
    int key_made;
    pthread_key_t key;
} cancels = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, 0};

static _Thread_local struct sync_io *self;

/* The thread ends: its record goes. */
static void cancel_thread_end(void *arg)
{
    struct sync_io *s = arg;
    pthread_mutex_lock(&cancels.lock);
    for (struct sync_io **pp = &cancels.all; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    pthread_mutex_unlock(&cancels.lock);
    free(s);
}

static struct sync_io *cancel_self(void)
{
    struct sync_io *s = self;
    if (s)
        return s;
    s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->tid = wipc_plat_gettid();
    s->thread = pthread_self();
    pthread_mutex_lock(&cancels.lock);
    if (!cancels.key_made)
        cancels.key_made = pthread_key_create(&cancels.key,
                                              cancel_thread_end) == 0;
    if (cancels.key_made && pthread_setspecific(cancels.key, s) == 0) {
        s->next = cancels.all;
        cancels.all = s;
    } else {
        pthread_mutex_unlock(&cancels.lock);
        free(s);
        return NULL;
    }
    pthread_mutex_unlock(&cancels.lock);
    self = s;
    return s;
}

void wipc_plat_sync_io_begin(void)
{
    struct sync_io *s = cancel_self();
    if (s) {
        atomic_store(&s->cancel, 0);
        atomic_store(&s->in_io, 1);
    }
}

void wipc_plat_sync_io_end(void)
{
    struct sync_io *s = self;
    if (s) {
        atomic_store(&s->in_io, 0);
        atomic_store(&s->cancel, 0);
    }
}

int wipc_plat_sync_io_cancelled(void)
{
    struct sync_io *s = self;
    return s && atomic_load(&s->in_io) && atomic_load(&s->cancel);
}

static void cancel_handler(int sig) { (void)sig; }

DWORD wipc_plat_sync_io_cancel(DWORD tid)
{
    struct sync_io *s;
    pthread_t thread;
    int found = 0;

    pthread_mutex_lock(&cancels.lock);
    if (!cancels.handler) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = cancel_handler;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0; /* no SA_RESTART: the blocked call fails */
        cancels.handler = sigaction(WIPC_CANCEL_SIGNAL, &sa, NULL) == 0;
    }
    for (s = cancels.all; s; s = s->next)
        if (s->tid == tid && atomic_load(&s->in_io)) {
            atomic_store(&s->cancel, 1);
            thread = s->thread;
            found = 1;
            break;
        }
    pthread_mutex_unlock(&cancels.lock);
    if (!found)
        return ERROR_NOT_FOUND;
    if (!cancels.handler)
        return ERROR_NOT_SUPPORTED;
    for (int i = 0; i < 1000; i++) {
        struct timespec ms = {0, 1000000};
        int busy = 0;
        pthread_mutex_lock(&cancels.lock);
        for (s = cancels.all; s; s = s->next)
            if (s->tid == tid)
                busy = atomic_load(&s->in_io) && atomic_load(&s->cancel);
        if (busy)
            pthread_kill(thread, WIPC_CANCEL_SIGNAL);
        pthread_mutex_unlock(&cancels.lock);
        if (!busy)
            break;
        nanosleep(&ms, NULL);
    }
    return 0;
}
