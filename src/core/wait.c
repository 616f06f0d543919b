/*
 * wait.c: WaitForSingleObject and WaitForMultipleObjects over descriptors.
 *
 * Every waitable object names a descriptor that is readable while it is
 * signalled (or -1: always signalled), so a wait is a poll() over them.
 * poll() only says what *was* signalled: an auto-reset event seen readable
 * may be taken by another waiter before we consume it, so a wait acquires
 * through the type's satisfy() and polls again when it loses the race.
 */
#include <limits.h>

#include "../platform/platform.h"
#include "io.h"
#include "wait.h"

struct wait_state {
    struct wipc_object *const *objs;
    int fds[MAXIMUM_WAIT_OBJECTS + 1]; /* + the alert descriptor */
    int ready[MAXIMUM_WAIT_OBJECTS + 1];
    DWORD n;
    int alert_fd; /* readable: calls are queued to this thread (-1: none) */
    int alerted;
    int always; /* some object is always signalled */
    uint64_t deadline;
    DWORD timeout;
};

/* Milliseconds left for poll(): -1 for ever, 0 when the time is up. */
static int wait_remaining(const struct wait_state *w)
{
    uint64_t now;
    if (w->timeout == INFINITE)
        return -1;
    now = wipc_plat_now_ms();
    if (now >= w->deadline)
        return 0;
    return w->deadline - now > INT_MAX ? INT_MAX : (int)(w->deadline - now);
}

/* The descriptor each object is signalled through, now: a type may name
 * none (-1) while the object is free to take, which then costs no system
 * call (an uncontended mutex), and one again once it is taken. */
static void wait_fds(struct wait_state *w)
{
    DWORD i;
    w->always = 0;
    for (i = 0; i < w->n; i++) {
        struct wipc_object *obj = w->objs[i];
        /* A file opened for overlapped I/O is signalled by its
         * operations (io.h); other files always are. */
        w->fds[i] = (obj->flags & WIPC_OBJ_OVERLAPPED)
                        ? wipc_io_signal_fd(obj)
                        : obj->ops->signal_fd(obj);
        if (w->fds[i] < 0)
            w->always = 1;
    }
}

/* Polls the descriptors (objects with none count as ready). */
static DWORD wait_poll(struct wait_state *w, int timeout)
{
    int nready = 0;
    DWORD i, n = w->n + (w->alert_fd >= 0);
    DWORD err;

    /* Nothing to poll: every object is ready to try. */
    for (i = 0; i < n && i < w->n && w->fds[i] < 0; i++)
        ;
    if (i == n) {
        w->alerted = 0;
        for (i = 0; i < w->n; i++)
            w->ready[i] = 1;
        return 0;
    }
    w->fds[w->n] = w->alert_fd;
    w->ready[w->n] = 0;
    /* A completion port's worker that blocks here lets the port release
     * another thread meanwhile (NumberOfConcurrentThreads). */
    if (!w->always && timeout != 0)
        wipc_io_port_thread_blocks(1);
    err = wipc_plat_poll_readable(w->fds, w->ready, n,
                                  w->always ? 0 : timeout, &nready);
    if (!w->always && timeout != 0)
        wipc_io_port_thread_blocks(0);
    if (err)
        return err;
    w->alerted = w->alert_fd >= 0 && w->ready[w->n];
    for (i = 0; i < w->n; i++)
        if (w->fds[i] < 0)
            w->ready[i] = 1;
    return 0;
}

/* Takes obj for a wait that it satisfies, and with it what its signaller
 * published: 1, or 2 for a mutex whose owner ended owning it (abandoned),
 * or 0 if another waiter took it first. */
static int wait_acquire(struct wipc_object *obj)
{
    int r = obj->ops->satisfy ? obj->ops->satisfy(obj) : 1;
    if (r)
        wipc_object_signal_observe(obj);
    return r;
}

/* Sleeps on the objects' futex words (one: FUTEX_WAIT; several:
 * wipc_plat_futex_waitv) until one changes or the deadline passes. */
static DWORD wait_sleep(struct wait_state *w, uint32_t *const *words,
                        const uint32_t *vals)
{
    int left;
    DWORD err;
    if (w->n > 1) {
        /* As in wait_poll: a completion port's worker waits here. */
        wipc_io_port_thread_blocks(1);
        err = wipc_plat_futex_waitv(
            words, vals, w->n,
            w->timeout == INFINITE ? UINT64_MAX : w->deadline);
        wipc_io_port_thread_blocks(0);
        return err;
    }
    left = wait_remaining(w);
    if (left == 0)
        return ERROR_TIMEOUT;
    wipc_io_port_thread_blocks(1);
    wipc_plat_futex_wait(words[0], vals[0], left);
    wipc_io_port_thread_blocks(0);
    return 0;
}

/*
 * A wait for any of objects that all have a futex word (events in word
 * mode, objects/event.c): no descriptor is polled.  1 when the wait is
 * over (*result), 0 when it must poll descriptors instead (an object
 * moved to them, calls may be queued to the thread, or several words
 * without futex_waitv).
 */
static int wait_futex(struct wait_state *w, DWORD *result, DWORD *err)
{
    uint32_t *words[MAXIMUM_WAIT_OBJECTS], vals[MAXIMUM_WAIT_OBJECTS];
    int timed_out = 0;
    DWORD i;

    if (w->alert_fd >= 0 || (w->n > 1 && !wipc_plat_futex_waitv_ok()))
        return 0;
    for (i = 0; i < w->n; i++)
        if (!w->objs[i]->ops->futex || !w->objs[i]->ops->try_now ||
            (w->objs[i]->flags & WIPC_OBJ_OVERLAPPED))
            return 0;
    for (;;) {
        int again = 0;
        for (i = 0; i < w->n; i++) {
            int r = w->objs[i]->ops->try_now(w->objs[i]);
            if (r < 0)
                return 0;
            if (r > 0) {
                wipc_object_signal_observe(w->objs[i]);
                *result = (r == 2 ? WAIT_ABANDONED_0 : WAIT_OBJECT_0) + i;
                return 1;
            }
        }
        if (timed_out || wait_remaining(w) == 0) {
            *result = WAIT_TIMEOUT;
            return 1;
        }
        for (i = 0; i < w->n && !again; i++) {
            int r = w->objs[i]->ops->futex(w->objs[i], WIPC_FUTEX_PREPARE,
                                           &words[i], &vals[i]);
            if (r < 0)
                return 0;
            again = r == 0;
        }
        if (again)
            continue;
        *err = wait_sleep(w, words, vals);
        if (*err == ERROR_TIMEOUT)
            timed_out = 1; /* one more look, then WAIT_TIMEOUT */
        else if (*err)
            return 1;
        *err = 0;
        for (i = 0; i < w->n; i++) {
            if (w->objs[i]->ops->futex(w->objs[i], WIPC_FUTEX_WOKEN,
                                       &words[i], &vals[i]) > 0) {
                wipc_object_signal_observe(w->objs[i]);
                *result = WAIT_OBJECT_0 + i;
                return 1;
            }
        }
    }
}

static DWORD wait_any(struct wait_state *w, DWORD *result)
{
    for (;;) {
        int timeout = wait_remaining(w);
        DWORD i, err = wait_poll(w, timeout);
        if (err)
            return err;
        for (i = 0; i < w->n; i++) {
            int r = w->ready[i] ? wait_acquire(w->objs[i]) : 0;
            if (r) {
                *result = (r == 2 ? WAIT_ABANDONED_0 : WAIT_OBJECT_0) + i;
                return 0;
            }
        }
        /* Queued calls end a wait that no object satisfies (a signalled
         * object wins, as Wine shows Windows doing). */
        if (w->alerted) {
            *result = WAIT_IO_COMPLETION;
            return 0;
        }
        if (timeout == 0) {
            *result = WAIT_TIMEOUT;
            return 0;
        }
        wait_fds(w); /* what was free may be taken now */
    }
}

/* Unlocks the first n objects of a wait for all that has locked them. */
static void wait_unlock(struct wait_state *w, DWORD n)
{
    DWORD i;
    for (i = 0; i < n; i++)
        if (w->objs[i]->ops->wait_all)
            w->objs[i]->ops->wait_all(w->objs[i], WIPC_ALL_UNLOCK);
}

/*
 * Takes every object at once, or none (object.h's wait_all): each object
 * that has a lock is locked and looked at; once all are locked and
 * signalled, those without one are taken through satisfy() (a timer: if
 * one is lost, what the others took is given back), then the locked ones.
 * So no other waiter or signaller, in any process, sees some of them
 * taken and not the others.  1, or 2 if one was an abandoned mutex; 0 if
 * one is not signalled; -1 if another wait holds one's lock for a moment.
 */
static int wait_take_all(struct wait_state *w)
{
    DWORD i, j;
    int r, abandoned = 0;

    for (i = 0; i < w->n; i++) {
        const struct wipc_object_ops *ops = w->objs[i]->ops;
        if (ops->wait_all && (r = ops->wait_all(w->objs[i], WIPC_ALL_LOCK)) <= 0) {
            wait_unlock(w, i);
            return r;
        }
    }
    for (i = 0; i < w->n; i++) {
        if (w->objs[i]->ops->wait_all || wait_acquire(w->objs[i]))
            continue;
        for (j = 0; j < i; j++)
            if (!w->objs[j]->ops->wait_all && w->objs[j]->ops->unsatisfy)
                w->objs[j]->ops->unsatisfy(w->objs[j]);
        wait_unlock(w, w->n);
        return 0;
    }
    for (i = 0; i < w->n; i++) {
        if (!w->objs[i]->ops->wait_all)
            continue;
        if (w->objs[i]->ops->wait_all(w->objs[i], WIPC_ALL_TAKE) == 2)
            abandoned = 1;
        wipc_object_signal_observe(w->objs[i]);
    }
    return abandoned ? 2 : 1;
}

static DWORD wait_all(struct wait_state *w, DWORD *result)
{
    int busy = 0;
    for (;;) {
        int timeout = wait_remaining(w);
        int fds[MAXIMUM_WAIT_OBJECTS + 1], ready[MAXIMUM_WAIT_OBJECTS + 1];
        DWORD i, k = 0, err;
        int nready, r = 0;

        wait_fds(w);
        err = wait_poll(w, 0);
        if (err)
            return err;
        for (i = 0; i < w->n; i++)
            if (!w->ready[i])
                fds[k++] = w->fds[i];
        if (k == 0 && (r = wait_take_all(w)) > 0) {
            *result = r == 2 ? WAIT_ABANDONED_0 : WAIT_OBJECT_0;
            return 0;
        }
        if (w->alerted) {
            *result = WAIT_IO_COMPLETION;
            return 0;
        }
        /* Another thread's lock on one of them, for a moment: looked at
         * again, also by a wait whose time is up (a few times: its objects
         * may all be signalled). */
        if (r < 0 && (timeout != 0 || busy++ < 64)) {
            wipc_plat_yield();
            continue;
        }
        if (timeout == 0) {
            *result = WAIT_TIMEOUT;
            return 0;
        }
        /* Sleep until one of the missing ones is signalled (or a call is
         * queued), then look at the whole set again: the others may have
         * changed meanwhile.  One found not signalled under its lock was
         * signalled a moment before: its descriptor tells when it is
         * again. */
        if (k > 0 && w->alert_fd >= 0)
            fds[k++] = w->alert_fd;
        if (k > 0) {
            err = wipc_plat_poll_readable(fds, ready, k, timeout, &nready);
            if (err)
                return err;
        }
    }
}

DWORD wipc_wait(struct wipc_object *const *objs, DWORD n, BOOL all,
                DWORD timeout_ms, DWORD *result)
{
    return wipc_wait_alertable(objs, n, all, timeout_ms, -1, result);
}

DWORD wipc_wait_alertable(struct wipc_object *const *objs, DWORD n, BOOL all,
                          DWORD timeout_ms, int alert_fd, DWORD *result)
{
    struct wait_state w;
    DWORD i;

    if (n == 0 || n > MAXIMUM_WAIT_OBJECTS)
        return ERROR_INVALID_PARAMETER;
    /* A wait for all of them "may not contain multiple copies of the same
     * handle": Windows fails one that names an object twice, through any
     * handles (Wine would take such an auto-reset event twice). */
    for (i = 0; all && i < n; i++)
        for (DWORD j = i + 1; j < n; j++)
            if (objs[i] == objs[j])
                return ERROR_INVALID_PARAMETER;
    w.objs = objs;
    w.n = n;
    w.alert_fd = alert_fd;
    w.alerted = 0;
    w.always = 0;
    w.timeout = timeout_ms;
    w.deadline = timeout_ms == INFINITE ? 0 : wipc_plat_now_ms() + timeout_ms;
    for (i = 0; i < n; i++)
        if (!objs[i]->ops->signal_fd)
            return ERROR_INVALID_HANDLE;
    if (all && n > 1)
        return wait_all(&w, result);
    {
        DWORD err = 0;
        if (wait_futex(&w, result, &err))
            return err;
    }
    wait_fds(&w); /* wait_all looks each time round */
    return wait_any(&w, result);
}
