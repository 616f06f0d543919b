/*
 * io.c: the I/O engine (see io.h and docs/overlapped.md).
 *
 * One lock guards everything here: the objects' queues, the list of
 * objects with pending operations, and each operation's fields that the
 * engine thread and the callers share.  An operation's progress
 * (io_progress) runs outside the lock, marked busy, so a slow system call
 * never holds up the other objects; no two threads ever run progress for
 * the same operation, and an operation that is not its queue's head never
 * runs.
 *
 * Completions are delivered outside the lock too: delivering drops the
 * operation's references, and the last reference to an object destroys
 * it, which comes back here (wipc_io_forget).
 *
 * Waiting: a head operation that must wait for a descriptor is added to
 * the engine's epoll set (a "watch" per descriptor, shared by the
 * operations that wait for it, armed for one report at a time), so
 * starting one never wakes the engine thread; the thread is woken only
 * for what epoll cannot tell it: an operation to try at once, or a
 * deadline earlier than the one it sleeps towards.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/platform.h"
#include "apc.h"
#include "io.h"

struct io_op {
    struct wipc_io io;
    struct io_op *next;
    struct wipc_io_notify notify;
    DWORD tid;        /* the thread that started it (CancelIo) */
    int busy;         /* its progress runs now, outside the lock */
    int fresh;        /* to be tried without waiting for anything */
    int ready;        /* its descriptor was seen ready */
    struct io_watch *watch; /* the watch it waits in, or NULL */
    struct io_op *wnext;    /* the watch's next operation */
    struct wipc_object *obj; /* once over: for delivery */
    int sig_fd;
    struct wipc_object *port; /* the object's completion port, or NULL */
    ULONG_PTR key;
    UCHAR modes;   /* the object's FILE_SKIP_* when it ended */
    int immediate; /* completed in the call that started it */
    DWORD cancel_err; /* non-zero: to end with this error */
    uint64_t deadline; /* for wait_ms; UINT64_MAX: none */
    DWORD result;     /* once over */
};

struct wipc_io_queue {
    struct wipc_object *obj;
    struct io_op *head[WIPC_IO_KINDS], *tail[WIPC_IO_KINDS];
    int sig_fd;                      /* the file object's own signal */
    struct wipc_object *port;        /* completion port (a reference) */
    ULONG_PTR key;
    UCHAR modes; /* SetFileCompletionNotificationModes */
    struct wipc_io_queue *next_live; /* in engine.live while it has ops */
    int live;
};

/* A descriptor in the epoll set, and the head operations waiting for it. */
struct io_watch {
    int fd;
    unsigned events; /* what it is armed for (0: disarmed or not in) */
    int added;       /* in the epoll set */
    struct io_op *ops;
    struct io_watch *hnext; /* in engine.watches[fd % IO_WATCH_BUCKETS] */
};

#define IO_WATCH_BUCKETS 256

static struct {
    wipc_mutex lock;
    int wake_fd;
    int epfd;
    int thread; /* the engine thread runs */
    struct wipc_io_queue *live;
    uint64_t sleep_until; /* the engine thread's wake-up time (UINT64_MAX) */
    unsigned queued; /* operations in the queues (read without the lock
                      * by wipc_io_kick, with __atomic) */
    unsigned delivering; /* finished, not yet delivered (io_flush_done) */
    unsigned progressing; /* io_run_locked calls running (not helpers) */
    struct io_watch *watches[IO_WATCH_BUCKETS];
} engine = {.lock = WIPC_MUTEX_INIT, .wake_fd = -1, .epfd = -1,
          .sleep_until = UINT64_MAX};

static void io_wake_locked(void);

/* ---- Watches ----------------------------------------------------------------- */

/* The epoll set and the wake-up eventfd, made on first use (lock held). */
static int io_engine_ready_locked(void)
{
    if (engine.wake_fd < 0 && wipc_plat_eventfd(0, &engine.wake_fd) != 0)
        return 0;
    if (engine.epfd < 0) {
        if (wipc_plat_epoll_create(&engine.epfd) != 0)
            return 0;
        if (wipc_plat_epoll_set(engine.epfd, engine.wake_fd, WIPC_PLAT_POLL_IN,
                                1) != 0) {
            wipc_plat_close(engine.epfd);
            engine.epfd = -1;
            return 0;
        }
    }
    return 1;
}

static struct io_watch **io_watch_slot(int fd)
{
    struct io_watch **pp = &engine.watches[(unsigned)fd % IO_WATCH_BUCKETS];
    while (*pp && (*pp)->fd != fd)
        pp = &(*pp)->hnext;
    return pp;
}

/* Arms w for what its operations wait for, or takes it out of the set
 * when none is left (lock held). */
static void io_watch_sync(struct io_watch *w)
{
    unsigned want = 0;
    for (struct io_op *op = w->ops; op; op = op->wnext)
        want |= op->io.wait_events;
    if (!want) {
        struct io_watch **pp = io_watch_slot(w->fd);
        if (w->added)
            wipc_plat_epoll_del(engine.epfd, w->fd);
        *pp = w->hnext;
        free(w);
        return;
    }
    if (wipc_plat_epoll_set(engine.epfd, w->fd, want, !w->added) == 0) {
        w->added = 1;
        w->events = want;
    }
}

/* op waits for its wait_fd from now on (lock held).  If it cannot be
 * watched, its deadline makes the engine look at it (every 10 ms). */
static void io_op_watch(struct io_op *op)
{
    struct io_watch **pp, *w;
    if (op->io.wait_fd < 0 || !op->io.wait_events)
        return;
    if (!io_engine_ready_locked())
        goto poll;
    pp = io_watch_slot(op->io.wait_fd);
    w = *pp;
    if (!w) {
        if (!(w = calloc(1, sizeof *w)))
            goto poll;
        w->fd = op->io.wait_fd;
        *pp = w;
    }
    op->watch = w;
    op->wnext = w->ops;
    w->ops = op;
    io_watch_sync(w);
    return;
poll:
    if (op->deadline > wipc_plat_now_ms() + 10)
        op->deadline = wipc_plat_now_ms() + 10;
}

/* op waits no longer (lock held). */
static void io_op_unwatch(struct io_op *op)
{
    struct io_watch *w = op->watch;
    if (!w)
        return;
    for (struct io_op **pp = &w->ops; *pp; pp = &(*pp)->wnext)
        if (*pp == op) {
            *pp = op->wnext;
            break;
        }
    op->watch = NULL;
    op->wnext = NULL;
    io_watch_sync(w);
}

/* The operations waiting for a reported descriptor become ready; the
 * watch, reported once, is disarmed until io_watch_sync (lock held). */
static void io_mark_events_locked(const struct wipc_plat_pollfd *ev, int n)
{
    for (int i = 0; i < n; i++) {
        struct io_watch *w;
        if (ev[i].fd == engine.wake_fd) {
            int was;
            wipc_plat_eventfd_reset(engine.wake_fd, &was);
            wipc_plat_epoll_set(engine.epfd, engine.wake_fd,
                                WIPC_PLAT_POLL_IN, 0);
            continue;
        }
        w = *io_watch_slot(ev[i].fd);
        if (!w)
            continue;
        w->events = 0;
        for (struct io_op *op = w->ops; op; op = op->wnext)
            if (op->io.wait_events & ev[i].revents)
                op->ready = 1;
    }
}

/* Re-arms the watches of reported descriptors whose operations still
 * wait (lock held). */
static void io_rearm_locked(const struct wipc_plat_pollfd *ev, int n)
{
    for (int i = 0; i < n; i++) {
        struct io_watch *w;
        if (ev[i].fd == engine.wake_fd)
            continue;
        w = *io_watch_slot(ev[i].fd);
        if (w && !w->events)
            io_watch_sync(w);
    }
}

/* ---- Statuses -------------------------------------------------------------- */

static const struct {
    DWORD err;
    ULONG_PTR status;
} io_statuses[] = {
    {0, 0x00000000u},                         /* STATUS_SUCCESS */
    {ERROR_MORE_DATA, 0x80000005u},           /* STATUS_BUFFER_OVERFLOW */
    {ERROR_HANDLE_EOF, 0xC0000011u},          /* STATUS_END_OF_FILE */
    {ERROR_INVALID_HANDLE, 0xC0000008u},      /* STATUS_INVALID_HANDLE */
    {ERROR_INVALID_PARAMETER, 0xC000000Du},   /* STATUS_INVALID_PARAMETER */
    {ERROR_INVALID_FUNCTION, 0xC0000010u},    /* STATUS_INVALID_DEVICE_REQUEST */
    {ERROR_NOT_ENOUGH_MEMORY, 0xC0000017u},   /* STATUS_NO_MEMORY */
    {ERROR_ACCESS_DENIED, 0xC0000022u},       /* STATUS_ACCESS_DENIED */
    {ERROR_DISK_FULL, 0xC000007Fu},           /* STATUS_DISK_FULL */
    {ERROR_PIPE_BUSY, 0xC00000AEu},           /* STATUS_PIPE_BUSY */
    {ERROR_PIPE_NOT_CONNECTED, 0xC00000B0u},  /* STATUS_PIPE_DISCONNECTED */
    {ERROR_NO_DATA, 0xC00000B1u},             /* STATUS_PIPE_CLOSING */
    {ERROR_PIPE_CONNECTED, 0xC00000B2u},      /* STATUS_PIPE_CONNECTED */
    {ERROR_PIPE_LISTENING, 0xC00000B3u},      /* STATUS_PIPE_LISTENING */
    {ERROR_SEM_TIMEOUT, 0xC00000B5u},         /* STATUS_IO_TIMEOUT */
    {ERROR_INVALID_USER_BUFFER, 0xC00000E8u}, /* STATUS_INVALID_USER_BUFFER */
    {ERROR_OPERATION_ABORTED, 0xC0000120u},   /* STATUS_CANCELLED */
    {ERROR_BROKEN_PIPE, 0xC000014Bu},         /* STATUS_PIPE_BROKEN */
};

/* Codes without a status of their own travel as FACILITY_NTWIN32 ones,
 * as Windows carries Win32 codes in an NTSTATUS. */
#define IO_NTWIN32 0xC0070000u

ULONG_PTR wipc_io_status_of(DWORD err)
{
    for (size_t i = 0; i < sizeof io_statuses / sizeof io_statuses[0]; i++)
        if (io_statuses[i].err == err)
            return io_statuses[i].status;
    return IO_NTWIN32 | (err & 0xFFFFu);
}

DWORD wipc_io_error_of(ULONG_PTR status)
{
    for (size_t i = 0; i < sizeof io_statuses / sizeof io_statuses[0]; i++)
        if (io_statuses[i].status == status)
            return io_statuses[i].err;
    if ((status & 0xFFFF0000u) == IO_NTWIN32)
        return (DWORD)(status & 0xFFFFu);
    return ERROR_MR_MID_NOT_FOUND; /* a status nobody here wrote */
}

/* ---- Queues ---------------------------------------------------------------- */

/* obj's queue, made on first use (lock held); NULL without memory. */
static struct wipc_io_queue *io_queue_locked(struct wipc_object *obj)
{
    struct wipc_io_queue *q = obj->io;
    if (q)
        return q;
    q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->obj = obj;
    /* A file object is signalled until its first operation starts. */
    if (wipc_plat_eventfd(1, &q->sig_fd) != 0)
        q->sig_fd = -1;
    obj->io = q;
    return q;
}

static int io_queue_empty(const struct wipc_io_queue *q)
{
    for (int k = 0; k < WIPC_IO_KINDS; k++)
        if (q->head[k])
            return 0;
    return 1;
}

static void io_make_live(struct wipc_io_queue *q)
{
    if (!q->live) {
        q->live = 1;
        q->next_live = engine.live;
        engine.live = q;
    }
}

static void io_drop_if_idle(struct wipc_io_queue *q)
{
    if (!q->live || !io_queue_empty(q))
        return;
    for (struct wipc_io_queue **pp = &engine.live; *pp; pp = &(*pp)->next_live)
        if (*pp == q) {
            *pp = q->next_live;
            break;
        }
    q->live = 0;
}

static void io_enqueue(struct wipc_io_queue *q, struct io_op *op)
{
    enum wipc_io_kind k = op->io.kind;
    __atomic_add_fetch(&engine.queued, 1, __ATOMIC_RELAXED);
    op->next = NULL;
    if (q->tail[k])
        q->tail[k]->next = op;
    else
        q->head[k] = op;
    q->tail[k] = op;
    io_make_live(q);
}

/* Takes op out of its queue (lock held); the next one, if it becomes the
 * head, is tried at once. */
static void io_unlink(struct wipc_io_queue *q, struct io_op *op)
{
    enum wipc_io_kind k = op->io.kind;
    struct io_op *prev = NULL;
    io_op_unwatch(op);
    for (struct io_op *o = q->head[k]; o; prev = o, o = o->next) {
        if (o != op)
            continue;
        if (prev)
            prev->next = op->next;
        else
            q->head[k] = op->next;
        if (q->tail[k] == op)
            q->tail[k] = prev;
        __atomic_sub_fetch(&engine.queued, 1, __ATOMIC_RELAXED);
        break;
    }
    if (q->head[k]) {
        q->head[k]->fresh = 1;
        io_wake_locked();
    }
    io_drop_if_idle(q);
}

/* ---- Completion ------------------------------------------------------------ */

/* A completion routine, run as an APC by the thread that started its
 * operation. */
static void io_call_routine(ULONG_PTR routine, ULONG_PTR err, ULONG_PTR n,
                            ULONG_PTR ov)
{
    ((void (*)(DWORD, DWORD, OVERLAPPED *))routine)((DWORD)err, (DWORD)n,
                                                    (OVERLAPPED *)ov);
}

DWORD wipc_io_queue_routine(void (*routine)(DWORD, DWORD, OVERLAPPED *),
                            DWORD tid, DWORD err, DWORD n, OVERLAPPED *ov)
{
    return wipc_apc_queue(tid, io_call_routine, (ULONG_PTR)routine, err, n,
                          (ULONG_PTR)ov);
}

/*
 * Delivers op's result through its channels, then frees it.  Called
 * without the lock.  The OVERLAPPED's byte count is written before its
 * status, which HasOverlappedIoCompleted reads, and both before the
 * events are set: whoever sees the status or the event sees the count.
 */
static void io_deliver(struct wipc_object *obj, int sig_fd, struct io_op *op)
{
    OVERLAPPED *ov = op->notify.ov;
    if (ov) {
        __atomic_store_n(&ov->InternalHigh, (ULONG_PTR)op->io.done,
                         __ATOMIC_RELAXED);
        __atomic_store_n(&ov->Internal, wipc_io_status_of(op->result),
                         __ATOMIC_RELEASE);
    }
    wipc_object_signal_publish(obj);
    /* The file itself is signalled when there is no event to set (and
     * the program did not turn that off). */
    if (sig_fd >= 0 && !op->notify.event &&
        !(op->modes & FILE_SKIP_SET_EVENT_ON_HANDLE))
        wipc_plat_eventfd_set(sig_fd);
    /* A packet for the port, unless the event's low bit says not to, or
     * the call itself reported a success it was asked not to post. */
    if (op->port && !op->notify.routine &&
        !(ov && ((ULONG_PTR)ov->hEvent & 1)) &&
        !(op->immediate && op->result == 0 &&
          (op->modes & FILE_SKIP_COMPLETION_PORT_ON_SUCCESS))) {
        struct wipc_io_packet p = {op->key, op->io.done, ov,
                                   wipc_io_status_of(op->result)};
        wipc_io_port_post(op->port, &p);
    }
    if (op->notify.event) {
        op->notify.event_set(op->notify.event);
        wipc_object_release(op->notify.event);
    }
    if (op->notify.routine)
        wipc_io_queue_routine(op->notify.routine, op->notify.routine_tid,
                              op->result, op->io.done, ov);
    free(op);
    wipc_object_release(obj);
}

/* Finished operations, chained through next, delivered once the lock is
 * let go. */
struct io_done {
    struct io_op *first, *last;
};

static void io_flush_done(struct io_done *d)
{
    struct io_op *op = d->first, *next;
    for (; op; op = next) {
        next = op->next;
        io_deliver(op->obj, op->sig_fd, op);
        __atomic_sub_fetch(&engine.delivering, 1, __ATOMIC_RELEASE);
    }
    d->first = d->last = NULL;
}

/* Ends op with result (lock held): out of its queue, onto d. */
static void io_finish_locked(struct wipc_io_queue *q, struct io_op *op,
                             DWORD result, struct io_done *d)
{
    op->result = result;
    io_unlink(q, op);
    __atomic_add_fetch(&engine.delivering, 1, __ATOMIC_RELEASE);
    op->obj = q->obj;
    op->sig_fd = q->sig_fd;
    op->port = q->port;
    op->key = q->key;
    op->modes = q->modes;
    op->next = NULL;
    if (d->last)
        d->last->next = op;
    else
        d->first = op;
    d->last = op;
}

/* ---- Progress -------------------------------------------------------------- */

/* Runs op's progress outside the lock (held on entry and on return);
 * returns its result, ERROR_IO_PENDING if it must wait. */
static DWORD io_run_locked(struct wipc_io_queue *q, struct io_op *op)
{
    DWORD r;
    io_op_unwatch(op);
    op->busy = 1;
    op->io.wait_fd = -1; /* looked at: progress says what to wait for next */
    op->fresh = 0;
    engine.progressing++;
    wipc_mutex_unlock(&engine.lock);
    r = q->obj->ops->io_progress(q->obj, &op->io);
    wipc_mutex_lock(&engine.lock);
    /* Under the same hold of the lock as the caller's io_finish_locked:
     * progressing + delivering never reads 0 in between. */
    engine.progressing--;
    op->busy = 0;
    op->io.timed_out = 0;
    if (r == ERROR_IO_PENDING) {
        if (op->cancel_err && !op->io.committed)
            return op->cancel_err;
        op->deadline = op->io.wait_ms < 0
                           ? UINT64_MAX
                           : wipc_plat_now_ms() + (uint64_t)op->io.wait_ms;
        io_op_watch(op);
        /* A deadline the engine thread does not sleep towards yet. */
        if (op->deadline < engine.sleep_until)
            io_wake_locked();
    }
    return r;
}

static void *io_thread(void *arg);

/* Wakes the engine thread, starting it the first time (lock held). */
static void io_wake_locked(void)
{
    if (!io_engine_ready_locked())
        return;
    if (!engine.thread &&
        wipc_plat_thread_start_quiet(io_thread, NULL, 0) == 0)
        engine.thread = 1;
    wipc_plat_eventfd_set(engine.wake_fd);
}

/* ---- Starting and cancelling ---------------------------------------------- */

static void io_notify_release(const struct wipc_io_notify *n)
{
    if (n->event)
        wipc_object_release(n->event);
}

/* The operation is pending from now on: the file and the event are not
 * signalled until it completes, and the OVERLAPPED says STATUS_PENDING
 * (lock held, before anybody else may complete it). */
static void io_set_pending(struct wipc_io_queue *q, struct io_op *op)
{
    if (q->sig_fd >= 0) {
        int was;
        wipc_plat_eventfd_reset(q->sig_fd, &was);
    }
    if (op->notify.event)
        op->notify.event_reset(op->notify.event);
    if (op->notify.ov)
        __atomic_store_n(&op->notify.ov->Internal, WIPC_STATUS_PENDING,
                         __ATOMIC_RELEASE);
}

/* 1 if result is an error (an NTSTATUS of error severity), which a call
 * that fails at once returns without completing through the channels. */
static int io_is_error(DWORD result)
{
    return (wipc_io_status_of(result) & 0xC0000000u) == 0xC0000000u;
}

DWORD wipc_io_start(struct wipc_object *obj, const struct wipc_io *io,
                    const struct wipc_io_notify *notify, DWORD *done)
{
    struct io_done d = {NULL, NULL};
    struct wipc_io_queue *q;
    struct io_op *op = calloc(1, sizeof *op);
    DWORD r;

    *done = 0;
    if (!op) {
        io_notify_release(notify);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    op->io = *io;
    op->io.done = 0;
    op->io.state = 0;
    op->io.committed = 0;
    op->io.wait_fd = -1;
    op->notify = *notify;
    op->tid = wipc_plat_gettid();
    op->deadline = UINT64_MAX;
    wipc_mutex_lock(&engine.lock);
    q = io_queue_locked(obj);
    if (!q) {
        wipc_mutex_unlock(&engine.lock);
        free(op);
        io_notify_release(notify);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    wipc_object_grab(obj);
    io_enqueue(q, op);
    /* As on Windows, before the operation is even tried: a call that
     * fails at once leaves the OVERLAPPED saying STATUS_PENDING and the
     * event reset (Wine's kernel32 and ntdll do the same). */
    io_set_pending(q, op);
    if (q->head[io->kind] != op) {
        /* Others of its kind go first: it waits for its turn. */
        wipc_mutex_unlock(&engine.lock);
        return ERROR_IO_PENDING;
    }
    r = io_run_locked(q, op);
    if (r == ERROR_IO_PENDING) {
        if (!engine.thread)
            io_wake_locked(); /* the first: start the engine thread */
        wipc_mutex_unlock(&engine.lock);
        return ERROR_IO_PENDING;
    }
    *done = op->io.done;
    op->immediate = 1;
    if (io_is_error(r)) {
        /* Failed at once: nothing is signalled, the OVERLAPPED says no
         * more than before. */
        io_unlink(q, op);
        wipc_mutex_unlock(&engine.lock);
        io_notify_release(&op->notify);
        free(op);
        wipc_object_release(obj);
        return r;
    }
    io_finish_locked(q, op, r, &d);
    wipc_mutex_unlock(&engine.lock);
    io_flush_done(&d);
    return r;
}

/* Marks or ends the operations of q that match (lock held); force: also
 * those that are committed.  Returns how many matched. */
static unsigned io_cancel_locked(struct wipc_io_queue *q, const OVERLAPPED *ov,
                                 DWORD tid, DWORD err, int force,
                                 struct io_done *d)
{
    unsigned found = 0;
    for (int k = 0; k < WIPC_IO_KINDS; k++) {
        struct io_op *op = q->head[k], *next;
        for (; op; op = next) {
            next = op->next;
            if ((ov && op->notify.ov != ov) || (tid && op->tid != tid))
                continue;
            found++;
            if (op->busy || (op->io.committed && !force)) {
                op->cancel_err = err; /* ends once it stops */
                op->fresh = 1;
            } else {
                io_finish_locked(q, op, err, d);
            }
        }
    }
    return found;
}

DWORD wipc_io_cancel(struct wipc_object *obj, const OVERLAPPED *ov,
                     int this_thread)
{
    struct io_done d = {NULL, NULL};
    unsigned found = 0;

    wipc_mutex_lock(&engine.lock);
    if (obj->io) {
        found = io_cancel_locked(obj->io, ov,
                                 this_thread ? wipc_plat_gettid() : 0,
                                 ERROR_OPERATION_ABORTED, 0, &d);
        if (found)
            io_wake_locked();
    }
    wipc_mutex_unlock(&engine.lock);
    io_flush_done(&d);
    return found ? 0 : ERROR_NOT_FOUND;
}

void wipc_io_abort(struct wipc_object *obj, DWORD err)
{
    for (;;) {
        struct io_done d = {NULL, NULL};
        int busy = 0;
        wipc_mutex_lock(&engine.lock);
        if (obj->io) {
            io_cancel_locked(obj->io, NULL, 0, err, 1, &d);
            for (int k = 0; k < WIPC_IO_KINDS; k++)
                for (struct io_op *o = obj->io->head[k]; o; o = o->next)
                    busy |= o->busy;
            if (busy)
                io_wake_locked();
        }
        wipc_mutex_unlock(&engine.lock);
        io_flush_done(&d);
        if (!busy)
            return;
        /* A progress call is running; it never blocks for long. */
        wipc_plat_yield();
    }
}

int wipc_io_signal_fd(struct wipc_object *obj)
{
    struct wipc_io_queue *q;
    int fd;
    wipc_mutex_lock(&engine.lock);
    q = io_queue_locked(obj);
    fd = q ? q->sig_fd : -1;
    wipc_mutex_unlock(&engine.lock);
    return fd;
}

void wipc_io_forget(struct wipc_object *obj)
{
    struct wipc_io_queue *q;
    wipc_mutex_lock(&engine.lock);
    q = obj->io;
    obj->io = NULL;
    if (q)
        io_drop_if_idle(q);
    wipc_mutex_unlock(&engine.lock);
    if (q) {
        wipc_plat_close(q->sig_fd);
        wipc_object_release(q->port);
        free(q);
    }
}

DWORD wipc_io_associate(struct wipc_object *obj, struct wipc_object *port,
                        ULONG_PTR key)
{
    struct wipc_io_queue *q;
    DWORD err = 0;
    wipc_mutex_lock(&engine.lock);
    q = io_queue_locked(obj);
    if (!q) {
        err = ERROR_NOT_ENOUGH_MEMORY;
    } else if (q->port) {
        err = ERROR_INVALID_PARAMETER;
    } else {
        q->port = wipc_object_grab(port);
        q->key = key;
    }
    wipc_mutex_unlock(&engine.lock);
    return err;
}

/* ---- The engine thread ----------------------------------------------------- */

/* When the engine must look again at some head operation (lock held): 0
 * if one is to be tried now, else the milliseconds to the first deadline
 * (-1: none). */
static int io_timeout_locked(void)
{
    uint64_t now = wipc_plat_now_ms(), first = UINT64_MAX;
    for (struct wipc_io_queue *q = engine.live; q; q = q->next_live) {
        for (int k = 0; k < WIPC_IO_KINDS; k++) {
            struct io_op *op = q->head[k];
            if (!op || op->busy)
                continue;
            if (op->fresh || op->ready || op->deadline <= now ||
                (op->cancel_err && !op->io.committed))
                return 0;
            if (op->deadline < first)
                first = op->deadline;
        }
    }
    engine.sleep_until = first;
    if (first == UINT64_MAX)
        return -1;
    return first - now > INT_MAX ? INT_MAX : (int)(first - now);
}

/* Runs every head operation that can go on (lock held): fresh ones, those
 * whose descriptor was reported ready, those whose time ran out, those
 * cancelled.  The lock is let go while each runs, so the queues are
 * looked at again after each. */
static void io_run_ready_locked(struct io_done *d)
{
    for (int again = 1; again;) {
        uint64_t now = wipc_plat_now_ms();
        again = 0;
        for (struct wipc_io_queue *q = engine.live; q && !again;
             q = q->next_live) {
            for (int k = 0; k < WIPC_IO_KINDS && !again; k++) {
                struct io_op *op = q->head[k];
                DWORD r;
                if (!op || op->busy)
                    continue;
                if (op->cancel_err && !op->io.committed) {
                    io_finish_locked(q, op, op->cancel_err, d);
                    again = 1;
                    continue;
                }
                op->io.timed_out = op->deadline <= now && !op->ready;
                if (!op->fresh && !op->ready && !op->io.timed_out)
                    continue;
                op->ready = 0;
                r = io_run_locked(q, op);
                if (r != ERROR_IO_PENDING)
                    io_finish_locked(q, op, r, d);
                again = 1;
            }
        }
    }
}

/* One round: wait up to timeout for reports, run what can go on (lock
 * held; let go while waiting and delivering). */
static void io_round_locked(int timeout)
{
    struct wipc_plat_pollfd ev[64];
    struct io_done d = {NULL, NULL};
    int n = 0, epfd = engine.epfd;

    wipc_mutex_unlock(&engine.lock);
    wipc_plat_epoll_wait(epfd, ev, 64, timeout, &n);
    wipc_mutex_lock(&engine.lock);
    engine.sleep_until = UINT64_MAX;
    io_mark_events_locked(ev, n);
    io_run_ready_locked(&d);
    io_rearm_locked(ev, n);
    wipc_mutex_unlock(&engine.lock);
    io_flush_done(&d);
    wipc_mutex_lock(&engine.lock);
}

static void *io_thread(void *arg)
{
    (void)arg;
    wipc_mutex_lock(&engine.lock);
    for (;;)
        io_round_locked(io_timeout_locked());
    return NULL;
}

DWORD wipc_io_set_modes(struct wipc_object *obj, UCHAR modes)
{
    struct wipc_io_queue *q;
    wipc_mutex_lock(&engine.lock);
    q = io_queue_locked(obj);
    if (q)
        q->modes = modes;
    wipc_mutex_unlock(&engine.lock);
    return q ? 0 : ERROR_NOT_ENOUGH_MEMORY;
}

/* ---- A waiting thread drives its own operation ------------------------------ */

/* How long a helping thread polls before it looks for a cancellation. */
#define IO_HELP_SLICE_MS 20

DWORD wipc_io_help(struct wipc_object *obj, const OVERLAPPED *ov,
                   DWORD timeout_ms)
{
    uint64_t deadline = timeout_ms == INFINITE
                            ? UINT64_MAX
                            : wipc_plat_now_ms() + timeout_ms;
    struct io_done d = {NULL, NULL};
    struct wipc_io_queue *q;
    struct io_op *op = NULL;
    DWORD r = ERROR_IO_PENDING;

    wipc_mutex_lock(&engine.lock);
    q = obj->io;
    for (int k = 0; q && k < WIPC_IO_KINDS && !op; k++)
        if (q->head[k] && q->head[k]->notify.ov == ov)
            op = q->head[k];
    if (!op || op->busy || op->cancel_err || op->io.wait_fd < 0) {
        wipc_mutex_unlock(&engine.lock);
        return ERROR_NOT_FOUND;
    }
    /* Busy, and out of the epoll set: the engine leaves it alone while
     * this thread polls. */
    io_op_unwatch(op);
    op->busy = 1;
    for (;;) {
        struct wipc_plat_pollfd p = {op->io.wait_fd, op->io.wait_events, 0};
        uint64_t now = wipc_plat_now_ms(), until = deadline;
        int nready = 0, wait;

        if (op->deadline < until)
            until = op->deadline;
        wait = until <= now ? 0
               : until - now > IO_HELP_SLICE_MS ? IO_HELP_SLICE_MS
                                                : (int)(until - now);
        wipc_mutex_unlock(&engine.lock);
        wipc_plat_poll_events(&p, p.fd >= 0 ? 1 : 0, wait, &nready);
        wipc_mutex_lock(&engine.lock);
        now = wipc_plat_now_ms();
        if (op->cancel_err && !op->io.committed) {
            r = op->cancel_err;
            break;
        }
        if (nready > 0 || op->deadline <= now) {
            op->io.timed_out = nready == 0;
            wipc_mutex_unlock(&engine.lock);
            r = q->obj->ops->io_progress(q->obj, &op->io);
            wipc_mutex_lock(&engine.lock);
            op->io.timed_out = 0;
            if (r != ERROR_IO_PENDING)
                break;
            op->deadline = op->io.wait_ms < 0
                               ? UINT64_MAX
                               : now + (uint64_t)op->io.wait_ms;
        }
        if (now >= deadline)
            break;
    }
    op->busy = 0;
    if (r == ERROR_IO_PENDING) {
        io_op_watch(op); /* back to the engine */
        if (op->deadline < engine.sleep_until)
            io_wake_locked();
        wipc_mutex_unlock(&engine.lock);
        return WAIT_TIMEOUT;
    }
    io_finish_locked(q, op, r, &d);
    wipc_mutex_unlock(&engine.lock);
    io_flush_done(&d);
    return 0;
}

/* ---- Completing in the call that made it possible ------------------------ */


void wipc_io_kick(void)
{
    struct wipc_plat_pollfd stack_pfd[32], *pfd = stack_pfd;
    struct io_done d = {NULL, NULL};
    size_t n = 0, cap = sizeof stack_pfd / sizeof stack_pfd[0];
    int nready = 0;

    if (__atomic_load_n(&engine.queued, __ATOMIC_RELAXED) == 0)
        return;
    /* Every watched descriptor, looked at with poll(2): unlike an
     * epoll_wait here, that takes no report away from the engine thread. */
    wipc_mutex_lock(&engine.lock);
    for (int b = 0; b < IO_WATCH_BUCKETS; b++)
        for (struct io_watch *w = engine.watches[b]; w; w = w->hnext) {
            unsigned want = 0;
            for (struct io_op *op = w->ops; op; op = op->wnext)
                want |= op->io.wait_events;
            if (n == cap) {
                /* Past the stack's room (a call runs this on every
                 * ReadFile and WriteFile while something is pending). */
                struct wipc_plat_pollfd *p =
                    pfd == stack_pfd ? malloc(2 * cap * sizeof *p)
                                     : realloc(pfd, 2 * cap * sizeof *p);
                if (!p)
                    break;
                if (pfd == stack_pfd)
                    memcpy(p, stack_pfd, n * sizeof *p);
                pfd = p;
                cap *= 2;
            }
            pfd[n].fd = w->fd;
            pfd[n].events = want;
            pfd[n].revents = 0;
            n++;
        }
    wipc_mutex_unlock(&engine.lock);
    if (n)
        wipc_plat_poll_events(pfd, n, 0, &nready);
    wipc_mutex_lock(&engine.lock);
    for (size_t i = 0; i < n && nready > 0; i++) {
        struct io_watch *w = pfd[i].revents ? *io_watch_slot(pfd[i].fd) : NULL;
        for (struct io_op *op = w ? w->ops : NULL; op; op = op->wnext)
            if (op->io.wait_events & pfd[i].revents)
                op->ready = 1;
    }
    io_run_ready_locked(&d);
    wipc_mutex_unlock(&engine.lock);
    io_flush_done(&d);
    if (pfd != stack_pfd)
        free(pfd);
    /* The engine thread may have taken a ready one first: it is done once
     * the engine has run and delivered what it took.  Progress never
     * blocks, so this is short; a thread driving its own operation
     * (wipc_io_help) is not waited for. */
    for (int i = 0; i < 100000; i++) {
        int idle;
        wipc_mutex_lock(&engine.lock);
        idle = engine.progressing == 0 &&
               __atomic_load_n(&engine.delivering, __ATOMIC_ACQUIRE) == 0;
        wipc_mutex_unlock(&engine.lock);
        if (idle)
            break;
        wipc_plat_yield();
    }
}
