/*
 * apc.c: each thread's queue of asynchronous procedure calls (apc.h).
 *
 * The queues are kept in one list under one lock, found by thread id:
 * QueueUserAPC and the I/O engine queue to a thread that has never looked
 * at its queue.  A queue's eventfd is set while calls wait in it, so an
 * alertable wait polls it beside the objects it waits for.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../platform/platform.h"
#include "apc.h"
#include "trace.h"

struct apc {
    struct apc *next;
    wipc_apc_fn fn;
    ULONG_PTR a, b, c, d;
};

struct apc_queue {
    struct apc_queue *next;
    DWORD tid;
    int fd;
    struct apc *first, *last;
};

static struct {
    wipc_mutex lock;
    struct apc_queue *all;
    int key_made;
    unsigned long key; /* set in a thread that has used its own queue */
} apcs = {WIPC_MUTEX_INIT, NULL, 0, 0};

static void apc_key_end(void *arg)
{
    wipc_apc_thread_ended((DWORD)(uintptr_t)arg);
}

/* The calling thread's queue goes with it (lock held). */
static void apc_own_locked(DWORD tid)
{
    if (!apcs.key_made)
        apcs.key_made = wipc_plat_tls_key(apc_key_end, &apcs.key) == 0;
    if (apcs.key_made && !wipc_plat_tls_get(apcs.key))
        wipc_plat_tls_set(apcs.key, (void *)(uintptr_t)tid);
}

/* Thread tid's queue, made if make (lock held); NULL if none. */
static struct apc_queue *apc_find_locked(DWORD tid, int make)
{
    struct apc_queue *q;
    for (q = apcs.all; q; q = q->next)
        if (q->tid == tid)
            return q;
    if (!make || !(q = calloc(1, sizeof *q)))
        return NULL;
    if (wipc_plat_eventfd(0, &q->fd) != 0) {
        free(q);
        return NULL;
    }
    q->tid = tid;
    q->next = apcs.all;
    apcs.all = q;
    return q;
}

DWORD wipc_apc_queue(DWORD tid, wipc_apc_fn fn, ULONG_PTR a, ULONG_PTR b,
                     ULONG_PTR c, ULONG_PTR d)
{
    struct apc *apc = malloc(sizeof *apc);
    struct apc_queue *q;

    if (!apc)
        return ERROR_NOT_ENOUGH_MEMORY;
    *apc = (struct apc){NULL, fn, a, b, c, d};
    wipc_mutex_lock(&apcs.lock);
    q = apc_find_locked(tid, 1);
    if (q) {
        if (q->last)
            q->last->next = apc;
        else
            q->first = apc;
        q->last = apc;
        wipc_plat_eventfd_set(q->fd);
    }
    wipc_mutex_unlock(&apcs.lock);
    if (!q) {
        free(apc);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    return 0;
}

int wipc_apc_fd(void)
{
    struct apc_queue *q;
    int fd;
    DWORD tid = wipc_plat_gettid();
    wipc_mutex_lock(&apcs.lock);
    q = apc_find_locked(tid, 1);
    fd = q ? q->fd : -1;
    if (q)
        apc_own_locked(tid);
    wipc_mutex_unlock(&apcs.lock);
    return fd;
}

unsigned wipc_apc_run(void)
{
    DWORD tid = wipc_plat_gettid();
    unsigned ran = 0;

    for (;;) {
        struct apc_queue *q;
        struct apc *list = NULL;
        int was;

        wipc_mutex_lock(&apcs.lock);
        q = apc_find_locked(tid, 0);
        if (q) {
            list = q->first;
            q->first = q->last = NULL;
            wipc_plat_eventfd_reset(q->fd, &was);
        }
        wipc_mutex_unlock(&apcs.lock);
        if (!list)
            return ran;
        /* Outside the lock: a call may queue more, or wait alertably.
         * Each is the program's routine, whose own calls are traced. */
        while (list) {
            struct apc *next = list->next;
            unsigned depth = wipc_trace_suspend();
            list->fn(list->a, list->b, list->c, list->d);
            wipc_trace_resume(depth);
            free(list);
            list = next;
            ran++;
        }
    }
}

void wipc_apc_thread_ended(DWORD tid)
{
    struct apc_queue *q = NULL;
    wipc_mutex_lock(&apcs.lock);
    for (struct apc_queue **pp = &apcs.all; *pp; pp = &(*pp)->next)
        if ((*pp)->tid == tid) {
            q = *pp;
            *pp = q->next;
            break;
        }
    wipc_mutex_unlock(&apcs.lock);
    if (!q)
        return;
    while (q->first) {
        struct apc *next = q->first->next;
        free(q->first);
        q->first = next;
    }
    wipc_plat_close(q->fd);
    free(q);
}
