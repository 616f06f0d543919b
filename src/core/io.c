/*
 * io.c: the I/O engine (see io.h and docs/overlapped.md).
 *
 * One lock guards everything here: the objects' queues, the watches, the
 * run list, and each operation's fields that the threads running the
 * engine share.  An operation's progress (io_progress) runs outside the
 * lock, marked busy, so a slow system call never holds up the other
 * objects; no two threads ever run progress for the same operation, and
 * an operation that is not its queue's head never runs.
 *
 * Completions are delivered outside the lock too: delivering drops the
 * operation's references, and the last reference to an object destroys
 * it, which comes back here (wipc_io_forget).
 *
 * Who runs the engine: any thread.  A head operation that must wait for a
 * descriptor is watched in an epoll set (a "watch" per descriptor, shared
 * by the operations that wait for it, armed for one report at a time).
 * The set is the engine's own, or, for a file associated with a completion
 * port, the port's: then the threads waiting in GetQueuedCompletionStatus
 * sleep in that set and run what it reports themselves (io_port.c), so a
 * completion goes from the descriptor to the packet in one thread.  The
 * engine thread sleeps in the engine's set, and looks at a port's set
 * only when no thread has waited in the port for a while.
 *
 * Only what can go on is visited: an operation joins the run list when
 * its descriptor is reported, when it becomes its queue's head, when it
 * is cancelled, or when its time is up (operations with a time are on the
 * timed list, which is short: connects looking for a dead claimer).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/platform.h"
#include "apc.h"
#include "io.h"

/* Why an operation is on the run list (io_op.run). */
#define IO_RUN_FRESH 1u    /* new head of its queue: try without waiting */
#define IO_RUN_READY 2u    /* its descriptor was reported */
#define IO_RUN_TIMEOUT 4u  /* its wait_ms ran out */
#define IO_RUN_CANCEL 8u   /* cancelled */

struct io_op {
    struct wipc_io io;
    struct io_op *next; /* in its queue */
    struct wipc_io_queue *q;
    struct wipc_io_notify notify;
    DWORD tid;        /* the thread that started it (CancelIo) */
    int busy;         /* its progress runs now, outside the lock */
    int helped;       /* busy in wipc_io_help: polled by its waiter */
    unsigned run;     /* IO_RUN_*: on the run list */
    struct io_op *rprev, *rnext;
    int timed;        /* on the timed list */
    struct io_op *tprev, *tnext;
    struct io_watch *watch; /* the watch it waits in, or NULL */
    struct io_op *wnext;    /* the watch's next operation */
    int immediate; /* completed in the call that started it */
    DWORD cancel_err; /* non-zero: to end with this error */
    uint64_t deadline; /* for wait_ms; UINT64_MAX: none */
    DWORD result;     /* once over */
    /* Copied from the queue when it ends, for delivery. */
    struct wipc_object *port;
    ULONG_PTR key;
    UCHAR modes;
};

struct wipc_io_queue {
    struct wipc_object *obj;
    struct io_op *head[WIPC_IO_KINDS], *tail[WIPC_IO_KINDS];
    /* The file object's own signal: the eventfd is made only when a
     * thread waits on the file handle; until then only the flag says. */
    atomic_int sig_fd;
    atomic_int signalled;
    struct wipc_object *port;        /* completion port (a reference) */
    ULONG_PTR key;
    UCHAR modes; /* SetFileCompletionNotificationModes */
    struct io_watch *watches; /* the watches this object's descriptors own */
    uint64_t link; /* obj->io_link when an operation last waited */
    struct wipc_io_queue *lnext; /* in engine.links[link % IO_LINK_BUCKETS] */
    unsigned delivering; /* its operations finished, not yet delivered */
};

/* A descriptor in an epoll set, and the head operations waiting for it.
 * It stays in the set, disarmed, when they are gone: the next operation
 * re-arms it with one epoll_ctl. */
struct io_watch {
    int fd;
    int epfd;        /* the set it is in */
    unsigned events; /* what it is armed for (0: disarmed or not in) */
    int added;       /* in the set */
    struct io_op *ops;
    struct wipc_io_queue *owner;
    struct io_watch *hnext; /* in engine.watches[fd % IO_WATCH_BUCKETS] */
    struct io_watch *qnext; /* in owner->watches */
};

#define IO_WATCH_BUCKETS 256
#define IO_LINK_BUCKETS 64
/* How many times a kick yields before it sleeps until another thread has
 * delivered the other end's operation. */
#define IO_KICK_SPINS 16
/* How long a completion port goes without a waiting thread before the
 * engine thread runs its files' operations (their events, their file
 * handles, GetOverlappedResult still complete). */
#define IO_PORT_IDLE_MS 10

static struct {
    wipc_mutex lock;
    int wake_fd;
    int epfd;
    int thread; /* the engine thread runs */
    struct io_op *run_first, *run_last;
    struct io_op *timed;
    uint64_t sleep_until; /* the engine thread's wake-up time (UINT64_MAX) */
    unsigned queued; /* operations in the queues (read without the lock
                      * by wipc_io_kick, with __atomic) */
    unsigned delivering; /* finished, not yet delivered (io_flush_done) */
    unsigned progressing; /* io_run_locked calls running (not helpers) */
    unsigned port_waits; /* operations waiting in ports' sets */
    int ticking; /* the engine thread looks at idle ports */
    struct io_watch *watches[IO_WATCH_BUCKETS];
    struct wipc_io_queue *links[IO_LINK_BUCKETS]; /* queues by link */
    /* Threads in wipc_io_kick waiting for an operation that another
     * thread runs or delivers; told on kick_cond when one is done. */
    unsigned kick_waiters;
    wipc_cond kick_cond;
} engine = {.lock = WIPC_MUTEX_INIT, .wake_fd = -1, .epfd = -1,
          .sleep_until = UINT64_MAX, .kick_cond = WIPC_COND_INIT};

/* Tells the threads in wipc_io_kick that an operation stopped running or
 * was delivered (lock held). */
static void io_kick_tell_locked(void)
{
    if (__atomic_load_n(&engine.kick_waiters, __ATOMIC_SEQ_CST))
        wipc_cond_broadcast(&engine.kick_cond);
}

static void io_wake_locked(void);
static void io_op_unwatch(struct io_op *op);

/* ---- The run list and the timed list ---------------------------------------- */

static void io_run_push(struct io_op *op, unsigned why)
{
    if (!op->run) {
        op->rnext = NULL;
        op->rprev = engine.run_last;
        if (engine.run_last)
            engine.run_last->rnext = op;
        else
            engine.run_first = op;
        engine.run_last = op;
    }
    op->run |= why;
}

static void io_run_remove(struct io_op *op)
{
    if (!op->run)
        return;
    if (op->rprev)
        op->rprev->rnext = op->rnext;
    else
        engine.run_first = op->rnext;
    if (op->rnext)
        op->rnext->rprev = op->rprev;
    else
        engine.run_last = op->rprev;
    op->run = 0;
    op->rprev = op->rnext = NULL;
}

static void io_timed_add(struct io_op *op)
{
    if (op->timed)
        return;
    op->timed = 1;
    op->tprev = NULL;
    op->tnext = engine.timed;
    if (engine.timed)
        engine.timed->tprev = op;
    engine.timed = op;
}

static void io_timed_remove(struct io_op *op)
{
    if (!op->timed)
        return;
    if (op->tprev)
        op->tprev->tnext = op->tnext;
    else
        engine.timed = op->tnext;
    if (op->tnext)
        op->tnext->tprev = op->tprev;
    op->timed = 0;
    op->tprev = op->tnext = NULL;
}

/* The operations whose time is up go to the run list; returns the first
 * time still ahead (UINT64_MAX: none). */
static uint64_t io_expire_locked(uint64_t now)
{
    uint64_t first = UINT64_MAX;
    for (struct io_op *op = engine.timed, *next; op; op = next) {
        next = op->tnext;
        if (op->deadline <= now) {
            io_timed_remove(op);
            io_run_push(op, IO_RUN_TIMEOUT);
        } else if (op->deadline < first) {
            first = op->deadline;
        }
    }
    return first;
}

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

static void io_watch_unown(struct io_watch *w)
{
    if (!w->owner)
        return;
    for (struct io_watch **pp = &w->owner->watches; *pp; pp = &(*pp)->qnext)
        if (*pp == w) {
            *pp = w->qnext;
            break;
        }
    w->owner = NULL;
    w->qnext = NULL;
}

/* Out of its set and freed (lock held; no operation waits in it). */
static void io_watch_free(struct io_watch *w)
{
    struct io_watch **pp = io_watch_slot(w->fd);
    if (*pp == w)
        *pp = w->hnext;
    if (w->added)
        wipc_plat_epoll_del(w->epfd, w->fd);
    io_watch_unown(w);
    free(w);
}

/* Arms w for what its operations wait for, if it is not armed for that
 * already (lock held).  Those on the run list are left out: they look
 * again when they run. */
static void io_watch_sync(struct io_watch *w)
{
    unsigned want = 0;
    for (struct io_op *op = w->ops; op; op = op->wnext)
        if (!op->run)
            want |= op->io.wait_events;
    if (!want || (w->added && (w->events & want) == want))
        return;
    if (wipc_plat_epoll_set(w->epfd, w->fd, want | w->events, !w->added) ==
        0) {
        w->added = 1;
        w->events |= want;
    }
}

static void io_link_remove(struct wipc_io_queue *q)
{
    struct wipc_io_queue **pp = &engine.links[q->link % IO_LINK_BUCKETS];
    if (!q->link)
        return;
    for (; *pp; pp = &(*pp)->lnext)
        if (*pp == q) {
            *pp = q->lnext;
            break;
        }
    q->link = 0;
    q->lnext = NULL;
}

/* q is found by its object's link from now on (lock held). */
static void io_link_update(struct wipc_io_queue *q)
{
    uint64_t link = atomic_load(&q->obj->io_link);
    if (link == q->link)
        return;
    io_link_remove(q);
    if (link) {
        struct wipc_io_queue **pp = &engine.links[link % IO_LINK_BUCKETS];
        q->link = link;
        q->lnext = *pp;
        *pp = q;
    }
}

/* The set op's descriptor is watched in: its port's, or the engine's
 * (lock held); -1 if none can be made. */
static int io_op_epfd(const struct io_op *op)
{
    if (op->q->port)
        return wipc_io_port_epfd(op->q->port);
    return io_engine_ready_locked() ? engine.epfd : -1;
}

/* op waits for its wait_fd from now on (lock held).  If it cannot be
 * watched, its deadline makes the engine look at it (every 10 ms). */
static void io_op_watch(struct io_op *op)
{
    struct io_watch **pp, *w;
    int epfd;
    if (op->io.wait_fd < 0 || !op->io.wait_events)
        return;
    epfd = io_op_epfd(op);
    if (epfd < 0)
        goto poll;
    pp = io_watch_slot(op->io.wait_fd);
    w = *pp;
    if (w && (w->owner != op->q || w->epfd != epfd)) {
        /* The number was another object's descriptor (closed since), or
         * this object has been associated with a port: start again. */
        while (w->ops) {
            /* Waiting for a descriptor they no longer have: they look
             * again. */
            struct io_op *old = w->ops;
            io_op_unwatch(old);
            io_run_push(old, IO_RUN_READY);
            io_wake_locked();
        }
        if (w->added)
            wipc_plat_epoll_del(w->epfd, w->fd);
        w->added = 0;
        w->events = 0;
        w->epfd = epfd;
        io_watch_unown(w);
        w->owner = op->q;
        w->qnext = op->q->watches;
        op->q->watches = w;
    }
    if (!w) {
        if (!(w = calloc(1, sizeof *w)))
            goto poll;
        w->fd = op->io.wait_fd;
        w->epfd = epfd;
        w->owner = op->q;
        w->qnext = op->q->watches;
        op->q->watches = w;
        *pp = w;
    }
    op->watch = w;
    op->wnext = w->ops;
    w->ops = op;
    io_watch_sync(w);
    io_link_update(op->q);
    if (w->epfd != engine.epfd && engine.port_waits++ == 0 &&
        !engine.ticking) {
        /* The engine thread keeps an eye on ports nobody waits in. */
        engine.ticking = 1;
        io_wake_locked();
    }
    return;
poll:
    if (op->deadline > wipc_plat_now_ms() + 10)
        op->deadline = wipc_plat_now_ms() + 10;
    io_timed_add(op);
}

/* op waits no longer (lock held).  Its watch stays in its set; armed
 * for nobody, it is disarmed (one epoll_ctl), or a later report would wake
 * a thread for nothing (a GetOverlappedResult that took its operation
 * over, an operation that another call completed). */
static void io_op_unwatch(struct io_op *op)
{
    struct io_watch *w = op->watch;
    unsigned want = 0;
    if (!w)
        return;
    for (struct io_op **pp = &w->ops; *pp; pp = &(*pp)->wnext)
        if (*pp == op) {
            *pp = op->wnext;
            break;
        }
    if (w->epfd != engine.epfd)
        engine.port_waits--;
    op->watch = NULL;
    op->wnext = NULL;
    for (struct io_op *o = w->ops; o; o = o->wnext)
        want |= o->io.wait_events;
    if (w->added && w->events && !want &&
        wipc_plat_epoll_set(w->epfd, w->fd, 0, 0) == 0)
        w->events = 0;
}

/* The operations waiting for descriptors that set epfd reported go to the
 * run list; each reported watch is disarmed (lock held).  The engine
 * thread's wake-up, taken by another thread, is left set for it. */
static void io_mark_events_locked(int epfd, const struct wipc_plat_pollfd *ev,
                                  int n, int engine_thread)
{
    for (int i = 0; i < n; i++) {
        struct io_watch *w;
        if (ev[i].fd == engine.wake_fd && epfd == engine.epfd) {
            int was;
            if (engine_thread)
                wipc_plat_eventfd_reset(engine.wake_fd, &was);
            wipc_plat_epoll_set(engine.epfd, engine.wake_fd,
                                WIPC_PLAT_POLL_IN, 0);
            continue;
        }
        w = *io_watch_slot(ev[i].fd);
        if (!w)
            continue;
        if (w->epfd == epfd)
            w->events = 0;
        for (struct io_op *op = w->ops; op; op = op->wnext)
            if (op->io.wait_events & ev[i].revents)
                io_run_push(op, IO_RUN_READY);
        /* Reported once, the descriptor is watched no more: armed again
         * for those that wait for something else (a read, when a write
         * sharing it was reported). */
        if (w->epfd == epfd)
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
    atomic_init(&q->sig_fd, -1);
    atomic_init(&q->signalled, 1);
    obj->io = q;
    return q;
}

static void io_enqueue(struct wipc_io_queue *q, struct io_op *op)
{
    enum wipc_io_kind k = op->io.kind;
    __atomic_add_fetch(&engine.queued, 1, __ATOMIC_RELAXED);
    op->next = NULL;
    op->q = q;
    if (q->tail[k])
        q->tail[k]->next = op;
    else
        q->head[k] = op;
    q->tail[k] = op;
}

/* Takes op out of its queue and the engine's lists (lock held); the next
 * one, now the head, goes to the run list. */
static void io_unlink(struct wipc_io_queue *q, struct io_op *op)
{
    enum wipc_io_kind k = op->io.kind;
    struct io_op *prev = NULL;
    io_op_unwatch(op);
    io_run_remove(op);
    io_timed_remove(op);
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
    if (q->head[k] && !q->head[k]->busy)
        io_run_push(q->head[k], IO_RUN_FRESH);
}

/* The file's own signal (set 1, reset 0); its eventfd if a thread waits
 * on the file.  The flag is written before the descriptor is looked at,
 * and wipc_io_signal_fd does the opposite: one of the two sees the other. */
static void io_signal_file(struct wipc_io_queue *q, int set)
{
    int fd, was;
    atomic_store(&q->signalled, set);
    fd = atomic_load(&q->sig_fd);
    if (fd < 0)
        return;
    if (set)
        wipc_plat_eventfd_set(fd);
    else
        wipc_plat_eventfd_reset(fd, &was);
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
static void io_deliver(struct io_op *op)
{
    struct wipc_object *obj = op->q->obj;
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
    if (!op->notify.event && !(op->modes & FILE_SKIP_SET_EVENT_ON_HANDLE))
        io_signal_file(op->q, 1);
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
    __atomic_sub_fetch(&op->q->delivering, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&engine.kick_waiters, __ATOMIC_SEQ_CST)) {
        wipc_mutex_lock(&engine.lock);
        io_kick_tell_locked();
        wipc_mutex_unlock(&engine.lock);
    }
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
        io_deliver(op);
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
    __atomic_add_fetch(&q->delivering, 1, __ATOMIC_RELEASE);
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
    io_run_remove(op);
    io_timed_remove(op);
    op->busy = 1;
    op->io.wait_fd = -1; /* looked at: progress says what to wait for next */
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
        /* Still pending: a kick waiting for this run is done (one that
         * ends is told once it is delivered). */
        io_kick_tell_locked();
        op->deadline = op->io.wait_ms < 0
                           ? UINT64_MAX
                           : wipc_plat_now_ms() + (uint64_t)op->io.wait_ms;
        if (op->deadline != UINT64_MAX)
            io_timed_add(op);
        io_op_watch(op);
        /* A deadline the engine thread does not sleep towards yet. */
        if (op->deadline < engine.sleep_until)
            io_wake_locked();
    }
    return r;
}

/* Runs every operation on the run list, and those whose time is up (lock
 * held; let go while each runs). */
static void io_drain_locked(struct io_done *d)
{
    struct io_op *op;
    io_expire_locked(wipc_plat_now_ms());
    while ((op = engine.run_first) != NULL) {
        struct wipc_io_queue *q = op->q;
        unsigned why = op->run;
        DWORD r;
        io_run_remove(op);
        if (op->busy || q->head[op->io.kind] != op)
            continue; /* its runner, or its turn, will come */
        if (op->cancel_err && !op->io.committed) {
            io_finish_locked(q, op, op->cancel_err, d);
            continue;
        }
        op->io.timed_out = (why & IO_RUN_TIMEOUT) && !(why & IO_RUN_READY);
        r = io_run_locked(q, op);
        if (r != ERROR_IO_PENDING)
            io_finish_locked(q, op, r, d);
    }
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

void wipc_io_run_events(int epfd, const struct wipc_plat_pollfd *ev, int n)
{
    struct io_done d = {NULL, NULL};
    wipc_mutex_lock(&engine.lock);
    io_mark_events_locked(epfd, ev, n, 0);
    io_drain_locked(&d);
    wipc_mutex_unlock(&engine.lock);
    io_flush_done(&d);
}

int wipc_io_next_timeout(void)
{
    uint64_t first, now = wipc_plat_now_ms();
    wipc_mutex_lock(&engine.lock);
    first = engine.run_first ? now : UINT64_MAX;
    for (struct io_op *op = engine.timed; op; op = op->tnext)
        if (op->deadline < first)
            first = op->deadline;
    wipc_mutex_unlock(&engine.lock);
    if (first == UINT64_MAX)
        return -1;
    return first <= now ? 0
           : first - now > INT_MAX ? INT_MAX
                                   : (int)(first - now);
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
    if (atomic_load(&q->signalled))
        io_signal_file(q, 0);
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
        io_drain_locked(&d);
        wipc_mutex_unlock(&engine.lock);
        io_flush_done(&d);
        io_notify_release(&op->notify);
        free(op);
        wipc_object_release(obj);
        return r;
    }
    io_finish_locked(q, op, r, &d);
    io_drain_locked(&d);
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
                if (!op->busy)
                    io_run_push(op, IO_RUN_CANCEL);
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
            io_drain_locked(&d);
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
            io_drain_locked(&d);
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
    int fd = -1;
    wipc_mutex_lock(&engine.lock);
    q = io_queue_locked(obj);
    if (q && (fd = atomic_load(&q->sig_fd)) < 0 &&
        wipc_plat_eventfd(0, &fd) == 0) {
        atomic_store(&q->sig_fd, fd);
        if (atomic_load(&q->signalled))
            wipc_plat_eventfd_set(fd);
    }
    wipc_mutex_unlock(&engine.lock);
    return fd;
}

void wipc_io_forget(struct wipc_object *obj)
{
    struct wipc_io_queue *q;
    wipc_mutex_lock(&engine.lock);
    q = obj->io;
    obj->io = NULL;
    /* Its descriptors leave the sets (no operation waits: each held a
     * reference on obj). */
    while (q && q->watches)
        io_watch_free(q->watches);
    if (q)
        io_link_remove(q);
    wipc_mutex_unlock(&engine.lock);
    if (q) {
        wipc_plat_close(atomic_load(&q->sig_fd));
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

/* ---- The engine thread ----------------------------------------------------- */

/* How long the engine thread may sleep (lock held): 0 if something is to
 * run now, else the milliseconds to the first deadline, or to its next
 * look at idle ports (-1: for ever). */
static int io_timeout_locked(void)
{
    uint64_t now = wipc_plat_now_ms(), first;
    if (engine.run_first)
        return 0;
    first = io_expire_locked(now);
    if (engine.run_first)
        return 0;
    if (engine.ticking && now + IO_PORT_IDLE_MS < first)
        first = now + IO_PORT_IDLE_MS;
    engine.sleep_until = first;
    if (first == UINT64_MAX)
        return -1;
    return first - now > INT_MAX ? INT_MAX : (int)(first - now);
}

/* The ports no thread has waited in for a while: their files' operations
 * that can go on run here (lock not held). */
static void io_run_idle_ports(void)
{
    struct wipc_object *list[16];
    size_t n = wipc_io_ports_list(list, 16, IO_PORT_IDLE_MS);
    for (size_t i = 0; i < n; i++) {
        struct wipc_plat_pollfd ev[64];
        int got = wipc_io_port_poll(list[i], ev, 64);
        if (got > 0)
            wipc_io_run_events(wipc_io_port_epfd(list[i]), ev, got);
        wipc_object_release(list[i]);
    }
}

static void *io_thread(void *arg)
{
    (void)arg;
    wipc_mutex_lock(&engine.lock);
    for (;;) {
        struct wipc_plat_pollfd ev[64];
        struct io_done d = {NULL, NULL};
        int n = 0, epfd = engine.epfd, timeout = io_timeout_locked();
        int ticking = engine.ticking;

        wipc_mutex_unlock(&engine.lock);
        wipc_plat_epoll_wait(epfd, ev, 64, timeout, &n);
        if (ticking)
            io_run_idle_ports();
        wipc_mutex_lock(&engine.lock);
        engine.sleep_until = UINT64_MAX;
        if (engine.ticking && engine.port_waits == 0)
            engine.ticking = 0;
        io_mark_events_locked(epfd, ev, n, 1);
        io_drain_locked(&d);
        wipc_mutex_unlock(&engine.lock);
        io_flush_done(&d);
        wipc_mutex_lock(&engine.lock);
    }
    return NULL;
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
    /* Busy, and off the engine's lists: the engine leaves it alone while
     * this thread polls. */
    io_op_unwatch(op);
    io_run_remove(op);
    io_timed_remove(op);
    op->busy = 1;
    op->helped = 1;
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
    op->helped = 0;
    io_kick_tell_locked();
    if (r == ERROR_IO_PENDING) {
        /* Back to the engine. */
        if (op->deadline != UINT64_MAX)
            io_timed_add(op);
        io_op_watch(op);
        if (op->cancel_err)
            io_run_push(op, IO_RUN_CANCEL);
        if (op->deadline < engine.sleep_until)
            io_wake_locked();
        io_drain_locked(&d);
        wipc_mutex_unlock(&engine.lock);
        io_flush_done(&d);
        return WAIT_TIMEOUT;
    }
    io_finish_locked(q, op, r, &d);
    io_drain_locked(&d);
    wipc_mutex_unlock(&engine.lock);
    io_flush_done(&d);
    return 0;
}

/* ---- Completing in the call that made it possible ------------------------ */

/* Every watched descriptor that head operations wait in (lock held), for
 * poll(2), into *pfd (grown past the stack's room as needed); returns how
 * many. */
static size_t io_kick_collect(struct wipc_plat_pollfd **pfd, size_t *cap,
                              struct wipc_plat_pollfd *stack)
{
    size_t n = 0;
    for (int b = 0; b < IO_WATCH_BUCKETS; b++) {
        for (struct io_watch *w = engine.watches[b]; w; w = w->hnext) {
            unsigned want = 0;
            for (struct io_op *op = w->ops; op; op = op->wnext)
                want |= op->io.wait_events;
            if (!want)
                continue;
            if (n == *cap) {
                struct wipc_plat_pollfd *p =
                    *pfd == stack ? malloc(2 * *cap * sizeof *p)
                                  : realloc(*pfd, 2 * *cap * sizeof *p);
                if (!p)
                    return n;
                if (*pfd == stack)
                    memcpy(p, stack, n * sizeof *p);
                *pfd = p;
                *cap *= 2;
            }
            (*pfd)[n].fd = w->fd;
            (*pfd)[n].events = want;
            (*pfd)[n].revents = 0;
            n++;
        }
    }
    return n;
}

/* The watched descriptors of the queues linked to link, but not self's
 * (the other end of a connection in this process): one or two. */
static size_t io_kick_collect_link(uint64_t link,
                                   const struct wipc_object *self,
                                   struct wipc_plat_pollfd *pfd, size_t cap)
{
    size_t n = 0;
    for (struct wipc_io_queue *q = engine.links[link % IO_LINK_BUCKETS]; q;
         q = q->lnext) {
        if (q->link != link || q->obj == self)
            continue;
        for (struct io_watch *w = q->watches; w && n < cap; w = w->qnext) {
            unsigned want = 0;
            for (struct io_op *op = w->ops; op; op = op->wnext)
                want |= op->io.wait_events;
            if (want)
                pfd[n++] = (struct wipc_plat_pollfd){w->fd, want, 0};
        }
    }
    return n;
}

/* 1 while an operation of the queues linked to link (not self's) runs in
 * another thread or waits to be delivered (lock held). */
static int io_link_busy(uint64_t link, const struct wipc_object *self)
{
    for (struct wipc_io_queue *q = engine.links[link % IO_LINK_BUCKETS]; q;
         q = q->lnext) {
        if (q->link != link || q->obj == self)
            continue;
        if (__atomic_load_n(&q->delivering, __ATOMIC_SEQ_CST))
            return 1;
        for (int k = 0; k < WIPC_IO_KINDS; k++)
            if (q->head[k] && q->head[k]->busy && !q->head[k]->helped)
                return 1;
    }
    return 0;
}

int wipc_io_kick_wanted(struct wipc_object *obj)
{
    return obj->ops->io_progress &&
           !atomic_load_explicit(&obj->io_peer_away, memory_order_relaxed);
}

static void io_kick(uint64_t link, const struct wipc_object *obj);

void wipc_io_kick(struct wipc_object *obj)
{
    if (__atomic_load_n(&engine.queued, __ATOMIC_RELAXED) == 0)
        return;
    if (obj && !wipc_io_kick_wanted(obj))
        return;
    io_kick(obj ? atomic_load(&obj->io_link) : 0, obj);
}

void wipc_io_kick_link(uint64_t link)
{
    if (__atomic_load_n(&engine.queued, __ATOMIC_RELAXED) == 0)
        return;
    io_kick(link, NULL);
}

/* wipc_io_kick for the queues linked to link (not obj's), or every queue
 * (link 0). */
static void io_kick(uint64_t link, const struct wipc_object *obj)
{
    struct wipc_plat_pollfd stack_pfd[32], *pfd = stack_pfd;
    struct io_done d = {NULL, NULL};
    size_t n, cap = sizeof stack_pfd / sizeof stack_pfd[0];
    int nready = 0;

    /* The descriptors the operations wait for, looked at with poll(2):
     * unlike an epoll_wait, that takes no report away from the threads
     * sleeping in the sets.  With a link, only the other end's (one or
     * two); without, every one (a peer of unknown place). */
    wipc_mutex_lock(&engine.lock);
    n = link ? io_kick_collect_link(link, obj, pfd, cap)
             : io_kick_collect(&pfd, &cap, stack_pfd);
    if (link && n == 0 && !io_link_busy(link, obj)) {
        /* The other end waits for nothing, nor runs: nothing to do (the
         * common case of a busy server, whose next read is not issued
         * yet). */
        wipc_mutex_unlock(&engine.lock);
        return;
    }
    wipc_mutex_unlock(&engine.lock);
    if (n)
        wipc_plat_poll_events(pfd, n, 0, &nready);
    wipc_mutex_lock(&engine.lock);
    for (size_t i = 0; i < n && nready > 0; i++) {
        struct io_watch *w = pfd[i].revents ? *io_watch_slot(pfd[i].fd) : NULL;
        for (struct io_op *op = w ? w->ops : NULL; op; op = op->wnext)
            if (op->io.wait_events & pfd[i].revents)
                io_run_push(op, IO_RUN_READY);
    }
    io_drain_locked(&d);
    wipc_mutex_unlock(&engine.lock);
    io_flush_done(&d);
    if (pfd != stack_pfd)
        free(pfd);
    /* Another thread may have taken a ready one first (a report from its
     * set): it is done once that thread has run and delivered it.
     * Progress never blocks, so this is short; a thread driving its own
     * operation (wipc_io_help) is not waited for. */
    if (link) {
        int spins = 0;
        wipc_mutex_lock(&engine.lock);
        /* Yield a few times first: the other thread is usually in the
         * middle of a system call, and sleeping on the condition would
         * cost two more switches. */
        while (spins < IO_KICK_SPINS && io_link_busy(link, obj)) {
            wipc_mutex_unlock(&engine.lock);
            wipc_plat_yield();
            wipc_mutex_lock(&engine.lock);
            spins++;
        }
        __atomic_add_fetch(&engine.kick_waiters, 1, __ATOMIC_SEQ_CST);
        for (int i = 0; i < 1000 && io_link_busy(link, obj); i++)
            wipc_cond_wait_ms(&engine.kick_cond, &engine.lock, 10);
        __atomic_sub_fetch(&engine.kick_waiters, 1, __ATOMIC_SEQ_CST);
        wipc_mutex_unlock(&engine.lock);
        return;
    }
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
