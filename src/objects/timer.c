/*
 * timer.c: waitable timers, as timerfds.
 *
 * The timerfd is the timer, shared by every holder in every process: it
 * is readable while the timer is signalled.  SetWaitableTimer arms it (on
 * CLOCK_MONOTONIC, an absolute due time converted from the system time
 * once), which also clears its expirations, so the timer is not signalled
 * until it is due, as on Windows.  A manual-reset timer is left alone by
 * waits; an auto-reset timer is consumed by the one waiter whose read of
 * the timerfd gets its expirations.  CancelWaitableTimer stops it and
 * leaves it signalled if it was.
 *
 * A completion routine is an APC (core/apc.h) to the thread that set the
 * timer, queued when the timer fires: a timerfd of this process that
 * follows the same schedule (the shadow), which one watcher thread per
 * process waits for.  The routine belongs to this process's Set: a Set
 * or Cancel through this process's object replaces or drops it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../core/apc.h"
#include "objects.h"
#include "sync.h"

struct timer_apc {
    struct timer_apc *next;
    struct wipc_timer *owner;
    int fd;
    int periodic;
    PTIMERAPCROUTINE fn;
    LPVOID arg;
    DWORD tid;
};

struct wipc_timer {
    struct wipc_object obj;
    int fd;
    BOOL manual;
};

static inline struct wipc_timer *timer_of(struct wipc_object *obj)
{
    return (struct wipc_timer *)obj;
}

/* ---- Completion routines ------------------------------------------------------ */

static wipc_mutex tm_lock = WIPC_MUTEX_INIT;
static struct timer_apc *tm_list; /* the shadows being watched */
static int tm_ep = -1;

/* 100 ns units since 1601 (a FILETIME) from nanoseconds since 1970. */
static uint64_t tm_filetime(uint64_t unix_ns)
{
    return unix_ns / 100u + 116444736000000000ull;
}

static void tm_trampoline(ULONG_PTR fn, ULONG_PTR arg, ULONG_PTR lo,
                          ULONG_PTR hi)
{
    ((PTIMERAPCROUTINE)fn)((LPVOID)arg, (DWORD)lo, (DWORD)hi);
}

/* Under tm_lock: unwatches and frees a shadow. */
static void tm_drop_locked(struct timer_apc *a)
{
    struct timer_apc **pp;
    for (pp = &tm_list; *pp; pp = &(*pp)->next)
        if (*pp == a) {
            *pp = a->next;
            break;
        }
    wipc_plat_epoll_unwatch(tm_ep, a->fd);
    wipc_plat_close(a->fd);
    free(a);
}

static void *tm_watch(void *unused)
{
    (void)unused;
    for (;;) {
        void *p = NULL;
        struct timer_apc *a;
        if (!wipc_plat_epoll_wait_ptr(tm_ep, -1, &p))
            continue;
        wipc_mutex_lock(&tm_lock);
        for (a = tm_list; a && a != (struct timer_apc *)p; a = a->next)
            ;
        if (a) {
            int took = 0;
            wipc_plat_eventfd_take(a->fd, &took); /* its expirations */
            if (took) {
                uint64_t ft = tm_filetime(wipc_plat_realtime_ns());
                wipc_apc_queue(a->tid, tm_trampoline, (ULONG_PTR)a->fn,
                               (ULONG_PTR)a->arg, (ULONG_PTR)(DWORD)ft,
                               (ULONG_PTR)(DWORD)(ft >> 32));
                if (!a->periodic)
                    tm_drop_locked(a);
            }
        }
        wipc_mutex_unlock(&tm_lock);
    }
    return NULL;
}

/* Drops the timer's shadow, if it has one. */
static void tm_forget(struct wipc_timer *t)
{
    struct timer_apc *a, *next;
    wipc_mutex_lock(&tm_lock);
    for (a = tm_list; a; a = next) {
        next = a->next;
        if (a->owner == t)
            tm_drop_locked(a);
    }
    wipc_mutex_unlock(&tm_lock);
}

/* A shadow of the schedule for the routine, watched by the thread. */
static DWORD tm_shadow(struct wipc_timer *t, uint64_t due, uint64_t period,
                       PTIMERAPCROUTINE fn, LPVOID arg)
{
    struct timer_apc *a = calloc(1, sizeof *a);
    DWORD err = a ? 0 : ERROR_NOT_ENOUGH_MEMORY;

    wipc_mutex_lock(&tm_lock);
    if (!err && tm_ep < 0) {
        err = wipc_plat_epoll_create(&tm_ep);
        if (!err && wipc_plat_thread_start_quiet(tm_watch, NULL,
                                                 128 * 1024) != 0) {
            wipc_plat_close(tm_ep);
            tm_ep = -1;
            err = ERROR_NOT_ENOUGH_MEMORY;
        }
    }
    if (!err)
        err = wipc_plat_timerfd(&a->fd);
    if (!err) {
        a->owner = t;
        a->periodic = period != 0;
        a->fn = fn;
        a->arg = arg;
        a->tid = wipc_plat_gettid();
        err = wipc_plat_timerfd_set(a->fd, due, period);
        if (!err)
            err = wipc_plat_epoll_watch_ptr(tm_ep, a->fd, a);
        if (err) {
            wipc_plat_close(a->fd);
        } else {
            a->next = tm_list;
            tm_list = a;
            a = NULL;
        }
    }
    wipc_mutex_unlock(&tm_lock);
    free(a);
    return err;
}

/* ---- The object ----------------------------------------------------------------- */

static int timer_fd(struct wipc_object *obj) { return timer_of(obj)->fd; }

static int timer_satisfy(struct wipc_object *obj)
{
    int took = 0;
    if (timer_of(obj)->manual)
        return 1;
    wipc_plat_eventfd_take(timer_of(obj)->fd, &took);
    return took;
}

static void timer_unsatisfy(struct wipc_object *obj)
{
    if (!timer_of(obj)->manual)
        wipc_plat_timerfd_signal(timer_of(obj)->fd);
}

static void timer_inherit_info(struct wipc_object *obj, int *fd, char *tag,
                               size_t taglen)
{
    *fd = timer_of(obj)->fd;
    snprintf(tag, taglen, "timer.%d", timer_of(obj)->manual ? 1 : 0);
}

static const char *timer_name(struct wipc_object *obj)
{
    return wipc_sync_name_of(obj);
}

static void timer_destroy(struct wipc_object *obj)
{
    wipc_sync_name_forget(obj);
    tm_forget(timer_of(obj));
    wipc_plat_close(timer_of(obj)->fd);
    free(obj);
}

const struct wipc_object_ops wipc_timer_ops = {
    .type_name = "Timer",
    .file_type = FILE_TYPE_UNKNOWN,
    .mapping = {STANDARD_RIGHTS_READ | TIMER_QUERY_STATE,
                STANDARD_RIGHTS_WRITE | TIMER_MODIFY_STATE,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, TIMER_ALL_ACCESS},
    .signal_fd = timer_fd,
    .satisfy = timer_satisfy,
    .unsatisfy = timer_unsatisfy,
    .inherit_info = timer_inherit_info,
    .get_fd = timer_fd,
    .name = timer_name,
    .destroy = timer_destroy,
};

DWORD wipc_timer_adopt(int fd, BOOL manual, struct wipc_object **out)
{
    struct wipc_timer *t = calloc(1, sizeof *t);
    if (!t)
        return ERROR_NOT_ENOUGH_MEMORY;
    wipc_object_init(&t->obj, &wipc_timer_ops);
    t->fd = fd;
    t->manual = manual != 0;
    *out = &t->obj;
    return 0;
}

DWORD wipc_timer_create(BOOL manual, struct wipc_object **out)
{
    int fd;
    DWORD err = wipc_plat_timerfd(&fd);
    if (err)
        return err;
    err = wipc_timer_adopt(fd, manual, out);
    if (err)
        wipc_plat_close(fd);
    return err;
}

DWORD wipc_timer_set(struct wipc_object *obj, int64_t due, LONG period,
                     PTIMERAPCROUTINE fn, LPVOID arg)
{
    struct wipc_timer *t = timer_of(obj);
    uint64_t now = wipc_plat_now_ns(), at = now;
    uint64_t per = (uint64_t)period * 1000000u;
    DWORD err;

    if (due < 0) {
        /* Relative, in 100 ns units. */
        at = now + (uint64_t)(-(due + 1)) * 100u + 100u;
    } else if (due > 0) {
        /* Absolute system time (a FILETIME): from the clock now. */
        uint64_t wall = tm_filetime(wipc_plat_realtime_ns());
        if ((uint64_t)due > wall)
            at = now + ((uint64_t)due - wall) * 100u;
    }
    tm_forget(t);
    wipc_object_signal_publish(obj);
    err = wipc_plat_timerfd_set(t->fd, at, per);
    if (!err && fn)
        err = tm_shadow(t, at, per, fn, arg);
    return err;
}

DWORD wipc_timer_cancel(struct wipc_object *obj)
{
    struct wipc_timer *t = timer_of(obj);
    int signalled = wipc_plat_timerfd_pending(t->fd);
    DWORD err;

    tm_forget(t);
    err = wipc_plat_timerfd_set(t->fd, 0, 0);
    if (!err && signalled)
        err = wipc_plat_timerfd_signal(t->fd);
    return err;
}

void wipc_timer_state(struct wipc_object *obj, int *signalled, int *manual)
{
    *signalled = wipc_plat_timerfd_pending(timer_of(obj)->fd) != 0;
    *manual = timer_of(obj)->manual;
}
