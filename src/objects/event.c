/*
 * event.c: events, a word in shared memory with an eventfd beside it.
 *
 * Every holder, in any process, maps the event's state (a sealed memfd)
 * and has its eventfd.  The state's word says which of the two is the
 * event:
 *
 *   word mode   the word's SET bit is the event.  SetEvent sets it and,
 *               if the WAITERS bit says somebody sleeps on the word, wakes
 *               them (futex); a wait takes it with a compare-and-swap (an
 *               auto-reset event) and otherwise sleeps on the word (one
 *               event: FUTEX_WAIT; several: futex_waitv).  No system call
 *               while nobody sleeps, one each way when somebody does.
 *   fd mode     the eventfd is the event, readable exactly while the event
 *               is signalled; an auto-reset event is consumed by the one
 *               waiter whose read of it succeeds.
 *
 * An event starts in word mode and moves to fd mode, for good, the first
 * time anybody needs its descriptor: a wait that also polls descriptors
 * (a pipe, a process, a mutex, calls queued to an alertable thread), or
 * winipc_handle_fd.  The move carries the SET bit into the eventfd and
 * wakes every sleeper, which then polls.  Each operation reads the word
 * first and goes the eventfd's way once the FD bit is there; there, each
 * change of the eventfd happens under the state's lock (sync.h), which a
 * wait for all holds while it looks at its objects (it moves its events
 * to fd mode first), so that it takes them all at once.
 *
 * PulseEvent, in word mode, bumps the word's generation (and, for an
 * auto-reset event, puts a TOKEN in it that one sleeper takes): the
 * threads sleeping on the word when it was pulsed wake and see that the
 * generation moved on since they slept.  In fd mode it sets and resets the
 * eventfd, which releases whichever poller reads it first, or nobody
 * (docs/behaviour.md).
 */
#include <stdio.h>
#include <stdlib.h>

#include "objects.h"
#include "sync.h"

#define EV_MAGIC 0x33545645u /* "EVT3" */
#define EV_SIZE 4096u
#define EV_SET 1u
#define EV_WAITERS 2u
#define EV_FD 4u
#define EV_TOKEN 8u
#define EV_GEN 0x100u /* the pulse generation: bits 8-31 */

struct ev_shared {
    uint32_t magic, size;
    _Atomic uint32_t word;
    uint32_t pad;
    wipc_sync_lock lock; /* fd mode: every change of the eventfd */
};

struct wipc_event {
    struct wipc_object obj;
    int fd, state;
    BOOL manual;
    struct ev_shared *sh;
};

static inline struct wipc_event *event_of(struct wipc_object *obj)
{
    return (struct wipc_event *)obj;
}

static uint32_t ev_load(struct wipc_event *ev)
{
    return atomic_load_explicit(&ev->sh->word, memory_order_acquire);
}

static int ev_cas(struct wipc_event *ev, uint32_t *v, uint32_t to)
{
    return atomic_compare_exchange_weak_explicit(
        &ev->sh->word, v, to, memory_order_acq_rel, memory_order_acquire);
}

static void ev_wake(struct wipc_event *ev)
{
    wipc_plat_futex_wake((uint32_t *)&ev->sh->word, INT_MAX);
}

static void ev_lock(struct wipc_event *ev)
{
    int recovered;
    wipc_sync_lock_take(&ev->sh->lock, &recovered);
}

static void ev_unlock(struct wipc_event *ev)
{
    wipc_sync_unlock(&ev->sh->lock);
}

/* Moves the event to fd mode (for good): its SET bit goes into the
 * eventfd, and the sleepers wake to poll it.  Under the lock, so that a
 * wait for all never sees the move half made. */
static void ev_to_fd(struct wipc_event *ev)
{
    uint32_t v = ev_load(ev);
    if (v & EV_FD)
        return;
    ev_lock(ev);
    while (!(v & EV_FD)) {
        if (ev_cas(ev, &v, (v & ~(EV_SET | EV_WAITERS | EV_TOKEN)) | EV_FD)) {
            if (v & EV_SET)
                wipc_plat_eventfd_set(ev->fd);
            if (v & EV_WAITERS)
                ev_wake(ev);
            break;
        }
    }
    ev_unlock(ev);
}

static int event_fd(struct wipc_object *obj)
{
    ev_to_fd(event_of(obj));
    return event_of(obj)->fd;
}

/* Takes the event in word mode: 1, 0 if it is not signalled, -1 in fd
 * mode. */
static int ev_take_word(struct wipc_event *ev)
{
    uint32_t v = ev_load(ev);
    for (;;) {
        if (v & EV_FD)
            return -1;
        if (!(v & EV_SET))
            return 0;
        if (ev->manual || ev_cas(ev, &v, v & ~EV_SET))
            return 1;
    }
}

static int event_try_now(struct wipc_object *obj)
{
    return ev_take_word(event_of(obj));
}

static int event_satisfy(struct wipc_object *obj)
{
    struct wipc_event *ev = event_of(obj);
    int was_set = 0, r = ev_take_word(ev);

    if (r >= 0)
        return r;
    if (ev->manual)
        return 1;
    ev_lock(ev);
    if (wipc_plat_eventfd_reset(ev->fd, &was_set))
        was_set = 0;
    ev_unlock(ev);
    return was_set;
}

/* A wait for all (object.h), which has moved the event to fd mode. */
static int event_wait_all(struct wipc_object *obj, int what)
{
    struct wipc_event *ev = event_of(obj);
    int ready = 0, recovered;

    if (what == WIPC_ALL_LOCK) {
        ev_to_fd(ev);
        if (!wipc_sync_lock_try(&ev->sh->lock, &recovered))
            return -1;
        wipc_plat_wait_readable(ev->fd, 0, &ready);
        if (!ready)
            ev_unlock(ev);
        return ready;
    }
    if (what == WIPC_ALL_TAKE && !ev->manual)
        wipc_plat_eventfd_reset(ev->fd, NULL);
    ev_unlock(ev);
    return 1;
}

static void event_unsatisfy(struct wipc_object *obj)
{
    if (!event_of(obj)->manual)
        wipc_event_set(obj);
}

static int event_futex(struct wipc_object *obj, int what, uint32_t **word,
                       uint32_t *val)
{
    struct wipc_event *ev = event_of(obj);
    uint32_t v = ev_load(ev);

    if (what == WIPC_FUTEX_WOKEN) {
        /* Pulsed since this waiter slept on *val?  An auto-reset event's
         * pulse releases the one that takes its token. */
        if ((v & EV_FD) || (v & ~(EV_GEN - 1)) == (*val & ~(EV_GEN - 1)))
            return 0;
        if (ev->manual)
            return 1;
        while (v & EV_TOKEN)
            if (ev_cas(ev, &v, v & ~EV_TOKEN))
                return 1;
        return 0;
    }
    for (;;) {
        if (v & EV_FD)
            return -1;
        if (v & EV_SET)
            return 0;
        if ((v & EV_WAITERS) || ev_cas(ev, &v, v | EV_WAITERS))
            break;
    }
    *word = (uint32_t *)&ev->sh->word;
    *val = v | EV_WAITERS;
    return 1;
}

static void event_inherit_info(struct wipc_object *obj, int *fd, char *tag,
                               size_t taglen)
{
    *fd = event_of(obj)->fd;
    snprintf(tag, taglen, "event.%d", event_of(obj)->manual ? 1 : 0);
}

static const char *event_name(struct wipc_object *obj)
{
    return wipc_sync_name_of(obj);
}

static void event_destroy(struct wipc_object *obj)
{
    struct wipc_event *ev = event_of(obj);
    wipc_sync_name_forget(obj); /* a named event's hold on its name */
    if (ev->sh)
        wipc_plat_unmap(ev->sh, EV_SIZE);
    wipc_plat_close(ev->fd);
    wipc_plat_close(ev->state);
    free(ev);
}

const struct wipc_object_ops wipc_event_ops = {
    .type_name = "Event",
    .file_type = FILE_TYPE_UNKNOWN,
    .mapping = {STANDARD_RIGHTS_READ | EVENT_QUERY_STATE,
                STANDARD_RIGHTS_WRITE | EVENT_MODIFY_STATE,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, EVENT_ALL_ACCESS},
    .signal_fd = event_fd,
    .satisfy = event_satisfy,
    .try_now = event_try_now,
    .futex = event_futex,
    .unsatisfy = event_unsatisfy,
    .wait_all = event_wait_all,
    .inherit_info = event_inherit_info,
    .get_fd = event_fd,
    .name = event_name,
    .destroy = event_destroy,
};

/* The object around an eventfd and a mapped state (both taken over). */
static DWORD ev_new(int fd, int state, struct ev_shared *sh, BOOL manual,
                    struct wipc_object **out)
{
    struct wipc_event *ev = calloc(1, sizeof *ev);
    if (!ev) {
        wipc_plat_unmap(sh, EV_SIZE);
        wipc_plat_close(fd);
        wipc_plat_close(state);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    wipc_object_init(&ev->obj, &wipc_event_ops);
    ev->fd = fd;
    ev->state = state;
    ev->sh = sh;
    ev->manual = manual != 0;
    *out = &ev->obj;
    return 0;
}

DWORD wipc_event_create(BOOL manual_reset, BOOL initial_state,
                        struct wipc_object **out)
{
    struct ev_shared *sh;
    void *p = NULL;
    int fd = -1, state = -1;
    DWORD err = wipc_plat_memfd("winipc-event", EV_SIZE, &state);

    if (!err)
        err = wipc_plat_map_shared(state, EV_SIZE, &p);
    if (!err)
        err = wipc_plat_eventfd(0, &fd);
    if (err) {
        if (p)
            wipc_plat_unmap(p, EV_SIZE);
        wipc_plat_close(state);
        return err;
    }
    sh = p;
    sh->magic = EV_MAGIC;
    sh->size = EV_SIZE;
    atomic_init(&sh->word, initial_state ? EV_SET : 0);
    atomic_init(&sh->lock, 0);
    return ev_new(fd, state, sh, manual_reset, out);
}

DWORD wipc_event_adopt(int fd, int state, BOOL manual_reset,
                       struct wipc_object **out)
{
    void *p = NULL;
    DWORD err = wipc_sync_map_state(&fd, state, EV_SIZE, EV_MAGIC, &p);
    return err ? err : ev_new(fd, state, p, manual_reset, out);
}

int wipc_event_state_fd(struct wipc_object *obj)
{
    return event_of(obj)->state;
}

static DWORD ev_fd_reset(int fd)
{
    return wipc_plat_eventfd_reset(fd, NULL);
}

/* A change of the eventfd in fd mode, under the lock. */
static DWORD ev_fd_op(struct wipc_event *ev, DWORD (*op)(int fd))
{
    DWORD err;
    ev_lock(ev);
    err = op(ev->fd);
    ev_unlock(ev);
    return err;
}

DWORD wipc_event_set(struct wipc_object *obj)
{
    struct wipc_event *ev = event_of(obj);
    uint32_t v = ev_load(ev);

    wipc_object_signal_publish(obj);
    for (;;) {
        if (v & EV_FD)
            return ev_fd_op(ev, wipc_plat_eventfd_set);
        if ((v & EV_SET) && !(v & EV_WAITERS))
            return 0;
        if (ev_cas(ev, &v, (v | EV_SET) & ~EV_WAITERS))
            break;
    }
    if (v & EV_WAITERS)
        ev_wake(ev);
    return 0;
}

DWORD wipc_event_reset(struct wipc_object *obj)
{
    struct wipc_event *ev = event_of(obj);
    uint32_t v = ev_load(ev);

    for (;;) {
        if (v & EV_FD)
            return ev_fd_op(ev, ev_fd_reset);
        if (!(v & EV_SET) || ev_cas(ev, &v, v & ~EV_SET))
            return 0;
    }
}

DWORD wipc_event_pulse(struct wipc_object *obj)
{
    struct wipc_event *ev = event_of(obj);
    uint32_t v = ev_load(ev), to;
    DWORD err;

    wipc_object_signal_publish(obj);
    for (;;) {
        if (v & EV_FD) {
            /* Two steps: a poller may take it between them. */
            err = ev_fd_op(ev, wipc_plat_eventfd_set);
            return err ? err : ev_fd_op(ev, ev_fd_reset);
        }
        /* Nobody sleeps on it: a reset.  Else the sleepers of now. */
        to = v & ~(EV_SET | EV_WAITERS);
        if (v & EV_WAITERS)
            to = (to + EV_GEN) | (ev->manual ? 0 : EV_TOKEN);
        if (ev_cas(ev, &v, to))
            break;
    }
    if (v & EV_WAITERS)
        ev_wake(ev);
    return 0;
}

void wipc_event_state(struct wipc_object *obj, int *signalled, int *manual)
{
    struct wipc_event *ev = event_of(obj);
    uint32_t v = ev_load(ev);
    int ready = 0;

    *manual = ev->manual;
    if (v & EV_FD)
        wipc_plat_wait_readable(ev->fd, 0, &ready); /* it is the event */
    else
        ready = (v & EV_SET) != 0;
    *signalled = ready;
}
