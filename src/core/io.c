/*
 * io.c: the I/O engine (see io.h and docs/overlapped.md).
 *
 * Locks.  Each object's queue has a lock of its own (q->lock): it guards
 * the queue's operations (every field of an io_op), its watches (all but
 * their place in the watch table), its port, key and modes.  Two threads
 * serving two pipes never wait for each other here.  What the threads
 * share besides, each lock held briefly and never around a system call:
 *   - the watch table (descriptor -> watch): a lock per bucket;
 *   - the link table (io_link -> queues): a lock per bucket;
 *   - engine.lock: the engine thread, the list of queues whose operations
 *     have a deadline, and the condition wipc_io_kick sleeps on.
 * A thread holds one queue's lock at most, and takes a table's or the
 * engine's lock while it holds it or without it, never the other way
 * round.  A thread that finds a queue through a table (a descriptor that
 * epoll reported, a link, a deadline) takes a reference on its object
 * while it holds the table's lock, unless the object is being destroyed
 * already, and locks the queue once it has let the table go.  Counters
 * that several queues' threads change are atomic.
 *
 * An operation's progress (io_progress) runs outside its queue's lock,
 * marked busy, so a slow system call never holds up the other threads; no
 * two threads ever run progress for the same operation, and an operation
 * that is not its queue's head never runs.  Completions are delivered
 * outside every lock: delivering drops the operation's references, and
 * the last reference to an object destroys it, which comes back here
 * (wipc_io_forget).
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
 * Only what can go on is visited: an operation is marked to run when its
 * descriptor is reported, when it becomes its queue's head, when it is
 * cancelled, or when its time is up, and the thread that marks it runs
 * its queue before it lets the queue go (io_drain).  The queues whose
 * operations have a time (connects looking for a dead claimer) are on a
 * list, which the engine thread and the ports' waiting threads look at
 * when a time is up.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/platform.h"
#include "apc.h"
#include "io.h"

/* What the thread that drives an operation in wipc_io_help does
 * (io_op.helped). */
#define IO_HELP_RUNS 1 /* its progress: a cancellation waits for it */
#define IO_HELP_POLLS 2 /* polls: a cancellation ends the operation */

/* Why an operation is to run (io_op.run). */
#define IO_RUN_FRESH 1u    /* new head of its queue: try without waiting */
#define IO_RUN_READY 2u    /* its descriptor was reported */
#define IO_RUN_TIMEOUT 4u  /* its wait_ms ran out */
#define IO_RUN_CANCEL 8u   /* cancelled */

/* Every field under its queue's lock. */
struct io_op {
    struct wipc_io io;
    struct io_op *next; /* in its queue, then in a struct io_done */
    struct wipc_io_queue *q;
    struct wipc_io_notify notify;
    DWORD tid;        /* the thread that started it (CancelIo) */
    int busy;         /* its progress runs now, outside the lock */
    int helped;       /* busy in wipc_io_help: IO_HELP_* */
    int help_wake;    /* while helped: the helper's wake-up eventfd, or -1 */
    /* Cancelled while its helper polled: delivered by the canceller, and
     * freed by the helper once delivered is set. */
    int stolen;
    atomic_int delivered;
    unsigned run;     /* IO_RUN_*: to run */
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
    /* Announced to another process's port (io_xlink_announce): its id. */
    uint64_t xid;
};

struct wipc_io_queue {
    wipc_mutex lock;
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
    /* In the link table (its bucket's lock, and this queue's to write). */
    uint64_t link; /* obj->io_link when an operation last waited */
    struct wipc_io_queue *lnext;
    /* The first deadline of its head operations (UINT64_MAX: none); on
     * engine.timed while it has one (timed: engine.lock and this
     * queue's lock to write). */
    _Atomic uint64_t first_deadline;
    int timed;
    struct wipc_io_queue *tprev, *tnext;
    atomic_uint delivering; /* its operations finished, not yet delivered */
    /* Of those, the ones that were pending (not completed in the call
     * that started them): what a kick waits for (io_queue_busy). */
    atomic_uint delivering_pended;
    /* The sending end of a link to another process's port (the object
     * came with a handle associated there), or -1.  Set once, before the
     * object is shared. */
    atomic_int xfd;
};

/* A descriptor in an epoll set, and the head operations waiting for it.
 * It stays in the set, disarmed, when they are gone: the next operation
 * re-arms it with one epoll_ctl.  Its owner's lock guards it, but hnext
 * (its bucket's lock) and hashed. */
struct io_watch {
    int fd;
    int epfd;        /* the set it is in */
    int in_port;     /* epfd is a port's (counted in engine.port_waits) */
    unsigned events; /* what it is armed for (0: disarmed or not in) */
    int added;       /* in the set */
    struct io_op *ops;
    /* What its operations wait for: read without the owner's lock by a
     * kick that looks at every descriptor. */
    atomic_uint want;
    struct wipc_io_queue *owner;
    /* 0 once another object's descriptor took its number in the table
     * (this one was closed): its owner frees it at its next look. */
    atomic_int hashed;
    struct io_watch *hnext; /* in its bucket */
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
    atomic_int wake_fd;
    atomic_int epfd;
    atomic_int thread; /* the engine thread runs */
    struct wipc_io_queue *timed; /* queues with a deadline */
    atomic_uint ntimed;          /* how many */
    /* The engine thread's wake-up time while it sleeps (UINT64_MAX). */
    _Atomic uint64_t sleep_until;
    atomic_uint queued;      /* operations in the queues (wipc_io_kick) */
    atomic_uint delivering;  /* finished, not yet delivered */
    atomic_uint progressing; /* progress calls running (not helpers) */
    atomic_uint port_waits;  /* operations waiting in ports' sets */
    atomic_int ticking;      /* the engine thread looks at idle ports */
    /* Threads in wipc_io_kick waiting for an operation that another
     * thread runs or delivers; kick_seq counts the times they were told
     * (on kick_cond) that one was. */
    atomic_uint kick_waiters;
    unsigned kick_seq;
    wipc_cond kick_cond;
    atomic_int tables_ready;
} engine = {.lock = WIPC_MUTEX_INIT, .wake_fd = -1, .epfd = -1,
            .sleep_until = UINT64_MAX, .kick_cond = WIPC_COND_INIT};

static struct io_wbucket {
    wipc_mutex lock;
    struct io_watch *first;
} io_watches[IO_WATCH_BUCKETS];

static struct io_lbucket {
    wipc_mutex lock;
    struct wipc_io_queue *first;
} io_links[IO_LINK_BUCKETS];

/* The tables' locks, made before the first queue. */
static void io_tables_init(void)
{
    if (atomic_load_explicit(&engine.tables_ready, memory_order_acquire))
        return;
    wipc_mutex_lock(&engine.lock);
    if (!atomic_load_explicit(&engine.tables_ready, memory_order_relaxed)) {
        for (int i = 0; i < IO_WATCH_BUCKETS; i++)
            wipc_mutex_init(&io_watches[i].lock);
        for (int i = 0; i < IO_LINK_BUCKETS; i++)
            wipc_mutex_init(&io_links[i].lock);
        atomic_store_explicit(&engine.tables_ready, 1, memory_order_release);
    }
    wipc_mutex_unlock(&engine.lock);
}

static struct io_wbucket *io_wbucket(int fd)
{
    return &io_watches[(unsigned)fd % IO_WATCH_BUCKETS];
}

static struct io_lbucket *io_lbucket(uint64_t link)
{
    return &io_links[link % IO_LINK_BUCKETS];
}

/* A reference on obj, found in a table, unless its last one is gone (it
 * is on its way to wipc_io_forget, which takes it out of the table). */
static int io_grab_live(struct wipc_object *obj)
{
    long r = atomic_load(&obj->refcount);
    while (r > 0)
        if (atomic_compare_exchange_weak(&obj->refcount, &r, r + 1))
            return 1;
    return 0;
}

/* Tells the threads in wipc_io_kick that an operation stopped running or
 * was delivered. */
static void io_kick_tell(void)
{
    if (atomic_load(&engine.kick_waiters) == 0)
        return;
    wipc_mutex_lock(&engine.lock);
    engine.kick_seq++;
    wipc_cond_broadcast(&engine.kick_cond);
    wipc_mutex_unlock(&engine.lock);
}

/* ---- The engine's set and thread ---------------------------------------------- */

static void *io_thread(void *arg);

/* The engine's epoll set and its wake-up eventfd, made on first use
 * (engine.lock held). */
static int io_engine_ready_locked(void)
{
    int wake = atomic_load(&engine.wake_fd), ep;
    if (atomic_load(&engine.epfd) >= 0)
        return 1;
    if (wake < 0) {
        if (wipc_plat_eventfd(0, &wake) != 0)
            return 0;
        atomic_store(&engine.wake_fd, wake);
    }
    if (wipc_plat_epoll_create(&ep) != 0)
        return 0;
    if (wipc_plat_epoll_set(ep, wake, WIPC_PLAT_POLL_IN, 1) != 0) {
        wipc_plat_close(ep);
        return 0;
    }
    atomic_store(&engine.epfd, ep);
    return 1;
}

/* The engine's set (-1 if it cannot be made). */
static int io_engine_epfd(void)
{
    int ep = atomic_load(&engine.epfd);
    if (ep >= 0)
        return ep;
    wipc_mutex_lock(&engine.lock);
    io_engine_ready_locked();
    wipc_mutex_unlock(&engine.lock);
    return atomic_load(&engine.epfd);
}

/* Wakes the engine thread, starting it the first time (engine.lock
 * held). */
static void io_wake_locked(void)
{
    if (!io_engine_ready_locked())
        return;
    if (!atomic_load(&engine.thread) &&
        wipc_plat_thread_start_quiet(io_thread, NULL, 0) == 0)
        atomic_store(&engine.thread, 1);
    wipc_plat_eventfd_set(atomic_load(&engine.wake_fd));
}

static void io_wake(void)
{
    wipc_mutex_lock(&engine.lock);
    io_wake_locked();
    wipc_mutex_unlock(&engine.lock);
}

/* ---- Deadlines ------------------------------------------------------------------ */

/* q leaves engine.timed (engine.lock held). */
static void io_timed_remove_locked(struct wipc_io_queue *q)
{
    if (q->tprev)
        q->tprev->tnext = q->tnext;
    else
        engine.timed = q->tnext;
    if (q->tnext)
        q->tnext->tprev = q->tprev;
    q->tprev = q->tnext = NULL;
    q->timed = 0;
    atomic_fetch_sub(&engine.ntimed, 1);
}

/* q's first deadline again, after its head operations changed (q's lock
 * held): q joins or leaves engine.timed, and the engine thread is woken
 * for a deadline before the time it sleeps towards. */
static void io_timed_update(struct wipc_io_queue *q)
{
    uint64_t first = UINT64_MAX;
    for (int k = 0; k < WIPC_IO_KINDS; k++) {
        struct io_op *o = q->head[k];
        if (o && !o->busy && o->deadline < first)
            first = o->deadline;
    }
    atomic_store(&q->first_deadline, first);
    if (first == UINT64_MAX && !q->timed)
        return;
    if (first != UINT64_MAX && q->timed &&
        first >= atomic_load(&engine.sleep_until))
        return;
    wipc_mutex_lock(&engine.lock);
    if (first == UINT64_MAX) {
        io_timed_remove_locked(q);
    } else {
        if (!q->timed) {
            q->tprev = NULL;
            q->tnext = engine.timed;
            if (engine.timed)
                engine.timed->tprev = q;
            engine.timed = q;
            q->timed = 1;
            atomic_fetch_add(&engine.ntimed, 1);
        }
        if (first < atomic_load(&engine.sleep_until))
            io_wake_locked();
    }
    wipc_mutex_unlock(&engine.lock);
}

/* The queues whose first deadline is up at now, each with a reference on
 * its object, into due (at most max); *first: the first deadline still
 * ahead (UINT64_MAX: none). */
static size_t io_due(uint64_t now, struct wipc_io_queue **due, size_t max,
                     uint64_t *first)
{
    size_t n = 0;
    *first = UINT64_MAX;
    if (atomic_load(&engine.ntimed) == 0)
        return 0;
    wipc_mutex_lock(&engine.lock);
    for (struct wipc_io_queue *q = engine.timed; q; q = q->tnext) {
        uint64_t d = atomic_load(&q->first_deadline);
        if (d <= now && n < max && io_grab_live(q->obj))
            due[n++] = q;
        else if (d < *first)
            *first = d;
    }
    wipc_mutex_unlock(&engine.lock);
    return n;
}

struct io_done;
static void io_run_queue(struct wipc_io_queue *q);

/* Runs the queues whose time is up; returns the first deadline still
 * ahead (UINT64_MAX: none). */
static uint64_t io_expire(void)
{
    uint64_t first = UINT64_MAX;
    for (int round = 0; round < 64; round++) {
        struct wipc_io_queue *due[16];
        size_t n = io_due(wipc_plat_now_ms(), due, 16, &first);
        for (size_t i = 0; i < n; i++) {
            struct wipc_object *obj = due[i]->obj;
            io_run_queue(due[i]);
            wipc_object_release(obj);
        }
        if (n < 16)
            break;
    }
    return first;
}

int wipc_io_next_timeout(void)
{
    uint64_t first = UINT64_MAX, now;
    if (atomic_load(&engine.ntimed) == 0)
        return -1;
    wipc_mutex_lock(&engine.lock);
    for (struct wipc_io_queue *q = engine.timed; q; q = q->tnext) {
        uint64_t d = atomic_load(&q->first_deadline);
        if (d < first)
            first = d;
    }
    wipc_mutex_unlock(&engine.lock);
    if (first == UINT64_MAX)
        return -1;
    now = wipc_plat_now_ms();
    return first <= now ? 0
           : first - now > INT_MAX ? INT_MAX
                                   : (int)(first - now);
}

/* ---- Watches ------------------------------------------------------------------ */

/* What w's operations wait for; the ones marked to run left out if
 * waiting (they look again when they run). */
static unsigned io_watch_wanted(const struct io_watch *w, int waiting)
{
    unsigned want = 0;
    for (const struct io_op *op = w->ops; op; op = op->wnext)
        if (!waiting || !op->run)
            want |= op->io.wait_events;
    return want;
}

/* Arms w for what its waiting operations wait for, if it is not armed for
 * that already (owner's lock held). */
static void io_watch_sync(struct io_watch *w)
{
    unsigned want = io_watch_wanted(w, 1);
    if (!want || (w->added && (w->events & want) == want))
        return;
    if (wipc_plat_epoll_set(w->epfd, w->fd, want | w->events, !w->added) ==
        0) {
        w->added = 1;
        w->events |= want;
    }
}

/* The engine thread keeps an eye on ports nobody waits in while some
 * operation waits in a port's set: one more such operation. */
static void io_port_wait_add(void)
{
    if (atomic_fetch_add(&engine.port_waits, 1) == 0 &&
        !atomic_load(&engine.ticking)) {
        wipc_mutex_lock(&engine.lock);
        if (!atomic_load(&engine.ticking)) {
            atomic_store(&engine.ticking, 1);
            io_wake_locked();
        }
        wipc_mutex_unlock(&engine.lock);
    }
}

/* op waits no longer (its queue's lock held).  Its watch stays in its
 * set; armed for nobody, it is disarmed (one epoll_ctl), or a later
 * report would wake a thread for nothing (a GetOverlappedResult that took
 * its operation over, an operation that another call completed). */
static void io_op_unwatch(struct io_op *op)
{
    struct io_watch *w = op->watch;
    unsigned want;
    if (!w)
        return;
    for (struct io_op **pp = &w->ops; *pp; pp = &(*pp)->wnext)
        if (*pp == op) {
            *pp = op->wnext;
            break;
        }
    if (w->in_port)
        atomic_fetch_sub(&engine.port_waits, 1);
    op->watch = NULL;
    op->wnext = NULL;
    want = io_watch_wanted(w, 0);
    atomic_store(&w->want, want);
    if (w->added && w->events && !want && atomic_load(&w->hashed) &&
        wipc_plat_epoll_set(w->epfd, w->fd, 0, 0) == 0)
        w->events = 0;
}

/* Its operations look again (the watch is going, or moving to another
 * set): they leave it, marked to run (owner's lock held). */
static void io_watch_empty(struct io_watch *w)
{
    while (w->ops) {
        struct io_op *op = w->ops;
        io_op_unwatch(op);
        op->run |= IO_RUN_READY;
    }
}

/* q's watch for descriptor fd, or NULL (q's lock held).  A watch whose
 * number another object's descriptor took in the table meanwhile (this
 * one was closed) is freed on the way. */
static struct io_watch *io_queue_watch(struct wipc_io_queue *q, int fd)
{
    for (struct io_watch **pp = &q->watches, *w; (w = *pp) != NULL;) {
        if (w->fd != fd) {
            pp = &w->qnext;
            continue;
        }
        if (atomic_load(&w->hashed))
            return w;
        io_watch_empty(w);
        *pp = w->qnext;
        free(w);
    }
    return NULL;
}

static void io_link_remove(struct wipc_io_queue *q)
{
    struct io_lbucket *b;
    if (!q->link)
        return;
    b = io_lbucket(q->link);
    wipc_mutex_lock(&b->lock);
    for (struct wipc_io_queue **pp = &b->first; *pp; pp = &(*pp)->lnext)
        if (*pp == q) {
            *pp = q->lnext;
            break;
        }
    q->link = 0;
    q->lnext = NULL;
    wipc_mutex_unlock(&b->lock);
}

/* q is found by its object's link from now on (q's lock held). */
static void io_link_update(struct wipc_io_queue *q)
{
    uint64_t link = atomic_load(&q->obj->io_link);
    struct io_lbucket *b;
    if (link == q->link)
        return;
    io_link_remove(q);
    if (!link)
        return;
    b = io_lbucket(link);
    wipc_mutex_lock(&b->lock);
    q->link = link;
    q->lnext = b->first;
    b->first = q;
    wipc_mutex_unlock(&b->lock);
}

/* op waits for its wait_fd from now on (its queue's lock held).  If it
 * cannot be watched, its deadline makes the engine look at it (every
 * 10 ms). */
static void io_op_watch(struct io_op *op)
{
    struct wipc_io_queue *q = op->q;
    struct io_watch *w;
    int epfd, in_port = q->port != NULL;
    if (op->io.wait_fd < 0 || !op->io.wait_events)
        return;
    epfd = in_port ? wipc_io_port_epfd(q->port) : io_engine_epfd();
    if (epfd < 0)
        goto poll;
    w = io_queue_watch(q, op->io.wait_fd);
    if (w && w->epfd != epfd) {
        /* The object has been associated with a port since: its
         * descriptor moves to the port's set, and what waited for it in
         * the engine's looks again. */
        io_watch_empty(w);
        if (w->added)
            wipc_plat_epoll_del(w->epfd, w->fd);
        w->added = 0;
        w->events = 0;
        w->epfd = epfd;
        w->in_port = in_port;
    }
    if (!w) {
        struct io_wbucket *b = io_wbucket(op->io.wait_fd);
        if (!(w = calloc(1, sizeof *w)))
            goto poll;
        w->fd = op->io.wait_fd;
        w->epfd = epfd;
        w->in_port = in_port;
        w->owner = q;
        atomic_init(&w->want, 0);
        atomic_init(&w->hashed, 1);
        wipc_mutex_lock(&b->lock);
        for (struct io_watch **pp = &b->first; *pp; pp = &(*pp)->hnext)
            if ((*pp)->fd == w->fd) {
                /* Another object's, whose descriptor was closed: out of
                 * the table (its owner frees it).  Whether the number is
                 * still in the set, the set knows (wipc_plat_epoll_set
                 * adds or changes as it must). */
                struct io_watch *old = *pp;
                *pp = old->hnext;
                old->hnext = NULL;
                atomic_store(&old->hashed, 0);
                break;
            }
        w->hnext = b->first;
        b->first = w;
        wipc_mutex_unlock(&b->lock);
        w->qnext = q->watches;
        q->watches = w;
    }
    op->watch = w;
    op->wnext = w->ops;
    w->ops = op;
    atomic_store(&w->want, io_watch_wanted(w, 0));
    io_watch_sync(w);
    io_link_update(q);
    if (w->in_port)
        io_port_wait_add();
    return;
poll:
    if (op->deadline > wipc_plat_now_ms() + 10)
        op->deadline = wipc_plat_now_ms() + 10;
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

/* obj's queue, made on first use; NULL without memory. */
static struct wipc_io_queue *io_queue_get(struct wipc_object *obj)
{
    struct wipc_io_queue *q = __atomic_load_n(&obj->io, __ATOMIC_ACQUIRE);
    struct wipc_io_queue *none = NULL;
    if (q)
        return q;
    io_tables_init();
    q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    wipc_mutex_init(&q->lock);
    q->obj = obj;
    /* A file object is signalled until its first operation starts. */
    atomic_init(&q->sig_fd, -1);
    atomic_init(&q->signalled, 1);
    atomic_init(&q->first_deadline, UINT64_MAX);
    atomic_init(&q->delivering, 0);
    atomic_init(&q->delivering_pended, 0);
    atomic_init(&q->xfd, -1);
    if (!__atomic_compare_exchange_n(&obj->io, &none, q, 0, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        /* Another thread made it first. */
        wipc_mutex_destroy(&q->lock);
        free(q);
        return none;
    }
    return q;
}

/* obj's queue if it has one. */
static struct wipc_io_queue *io_queue_of(struct wipc_object *obj)
{
    return __atomic_load_n(&obj->io, __ATOMIC_ACQUIRE);
}

static void io_enqueue(struct wipc_io_queue *q, struct io_op *op)
{
    enum wipc_io_kind k = op->io.kind;
    atomic_fetch_add_explicit(&engine.queued, 1, memory_order_relaxed);
    op->next = NULL;
    op->q = q;
    if (q->tail[k])
        q->tail[k]->next = op;
    else
        q->head[k] = op;
    q->tail[k] = op;
}

/* Takes op out of its queue and its watch (q's lock held); the next one,
 * now the head, is marked to run. */
static void io_unlink(struct wipc_io_queue *q, struct io_op *op)
{
    enum wipc_io_kind k = op->io.kind;
    struct io_op *prev = NULL;
    io_op_unwatch(op);
    op->run = 0;
    op->deadline = UINT64_MAX;
    for (struct io_op *o = q->head[k]; o; prev = o, o = o->next) {
        if (o != op)
            continue;
        if (prev)
            prev->next = op->next;
        else
            q->head[k] = op->next;
        if (q->tail[k] == op)
            q->tail[k] = prev;
        atomic_fetch_sub_explicit(&engine.queued, 1, memory_order_relaxed);
        break;
    }
    if (q->head[k] && !q->head[k]->busy)
        q->head[k]->run |= IO_RUN_FRESH;
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

/* 1 if op's completion is a packet for its port: not for a routine's
 * operation, nor when the event's low bit says not to, nor for a success
 * that the call itself reported and was asked not to post. */
static int io_op_posts(const struct io_op *op)
{
    const OVERLAPPED *ov = op->notify.ov;
    return !op->notify.routine && !(ov && ((ULONG_PTR)ov->hEvent & 1)) &&
           !(op->immediate && op->result == 0 &&
             (op->modes & FILE_SKIP_COMPLETION_PORT_ON_SUCCESS));
}

static void io_xlink_post(struct wipc_io_queue *q, const struct io_op *op);
static void io_xlink_announce(struct wipc_io_queue *q, struct io_op *op);

/*
 * Delivers op's result through its channels, then frees it.  Called
 * without a lock.  The OVERLAPPED's byte count is written before its
 * status, which HasOverlappedIoCompleted reads, and both before the
 * events are set: whoever sees the status or the event sees the count.
 */
static void io_deliver(struct io_op *op)
{
    struct wipc_io_queue *q = op->q;
    struct wipc_object *obj = q->obj;
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
        io_signal_file(q, 1);
    /* A packet for the port, unless the event's low bit says not to, or
     * the call itself reported a success it was asked not to post. */
    if (op->port && io_op_posts(op)) {
        struct wipc_io_packet p = {op->key, op->io.done, ov,
                                   wipc_io_status_of(op->result)};
        wipc_io_port_post(op->port, &p);
    } else if (atomic_load(&q->xfd) >= 0 && io_op_posts(op)) {
        io_xlink_post(q, op);
    }
    if (op->notify.event) {
        op->notify.event_set(op->notify.event);
        wipc_object_release(op->notify.event);
    }
    if (op->notify.routine)
        wipc_io_queue_routine(op->notify.routine, op->notify.routine_tid,
                              op->result, op->io.done, ov);
    if (!op->immediate)
        atomic_fetch_sub(&q->delivering_pended, 1);
    atomic_fetch_sub(&q->delivering, 1);
    if (op->stolen)
        /* Its helper frees it, from now on. */
        atomic_store_explicit(&op->delivered, 1, memory_order_release);
    else
        free(op);
    io_kick_tell();
    wipc_object_release(obj);
}

/* Finished operations, chained through next, delivered once the locks
 * are let go. */
struct io_done {
    struct io_op *first, *last;
};

static void io_flush_done(struct io_done *d)
{
    struct io_op *op = d->first, *next;
    for (; op; op = next) {
        next = op->next;
        io_deliver(op);
        atomic_fetch_sub_explicit(&engine.delivering, 1,
                                  memory_order_release);
    }
    d->first = d->last = NULL;
}

/* Ends op with result (q's lock held): out of its queue, onto d. */
static void io_finish_locked(struct wipc_io_queue *q, struct io_op *op,
                             DWORD result, struct io_done *d)
{
    op->result = result;
    io_unlink(q, op);
    atomic_fetch_add_explicit(&engine.delivering, 1, memory_order_release);
    atomic_fetch_add(&q->delivering, 1);
    if (!op->immediate)
        atomic_fetch_add(&q->delivering_pended, 1);
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

/* After progress moved op to another queue (WIPC_IO_DRAIN, io.h), from
 * kind was (q's lock held): the next of its old queue may go, and op
 * waits for its turn in the new one.  Returns 1 if op is (still) its
 * queue's head, 0 if it waits behind others (then it is not watched: it
 * runs when its turn comes, marked by io_unlink). */
static int io_requeue_locked(struct wipc_io_queue *q, struct io_op *op,
                             enum wipc_io_kind was)
{
    enum wipc_io_kind now = op->io.kind;
    if (now == was)
        return 1;
    op->io.kind = was;
    io_unlink(q, op);
    op->io.kind = now;
    io_enqueue(q, op);
    return q->head[now] == op;
}

/* An operation that was not committed is cancelled with err (q's lock
 * held): its type takes back what it did (io_cancelled), and it moved
 * nothing; returns err.  Or its type finds it complete already (a write
 * whose reader took every byte): it ends with a success, as it would
 * have ended before the cancellation came on Windows; returns 0. */
static DWORD io_uncommit(struct wipc_io_queue *q, struct io_op *op, DWORD err)
{
    if (op->io.committed)
        return err;
    if (q->obj->ops->io_cancelled &&
        q->obj->ops->io_cancelled(q->obj, &op->io))
        return 0;
    op->io.done = 0;
    return err;
}

/* Ends op, cancelled (q's lock held). */
static void io_finish_cancelled_locked(struct wipc_io_queue *q,
                                       struct io_op *op, DWORD err,
                                       struct io_done *d)
{
    io_finish_locked(q, op, io_uncommit(q, op, err), d);
}

/* Runs op's progress outside q's lock (held on entry and on return), and
 * finishes it onto d if it is over; returns its result, ERROR_IO_PENDING
 * if it waits again.  keep_error: an error is returned without finishing
 * (the call that started it reports it). */
static DWORD io_run_op(struct wipc_io_queue *q, struct io_op *op,
                       struct io_done *d, int keep_error);

static int io_is_error(DWORD result);

static DWORD io_run_op(struct wipc_io_queue *q, struct io_op *op,
                       struct io_done *d, int keep_error)
{
    DWORD r;
    enum wipc_io_kind was = op->io.kind;
    io_op_unwatch(op);
    op->run = 0;
    op->deadline = UINT64_MAX;
    op->busy = 1;
    op->io.wait_fd = -1; /* looked at: progress says what to wait for next */
    atomic_fetch_add(&engine.progressing, 1);
    wipc_mutex_unlock(&q->lock);
    r = q->obj->ops->io_progress(q->obj, &op->io);
    wipc_mutex_lock(&q->lock);
    op->busy = 0;
    op->io.timed_out = 0;
    if (r != ERROR_IO_PENDING) {
        op->io.kind = was; /* only a pending operation moves */
    } else if (!io_requeue_locked(q, op, was)) {
        atomic_fetch_sub(&engine.progressing, 1);
        io_kick_tell();
        return r;
    }
    if (r == ERROR_IO_PENDING && op->cancel_err && !op->io.committed)
        r = io_uncommit(q, op, op->cancel_err);
    if (r == ERROR_IO_PENDING) {
        op->deadline = op->io.wait_ms < 0
                           ? UINT64_MAX
                           : wipc_plat_now_ms() + (uint64_t)op->io.wait_ms;
        io_op_watch(op);
    } else if (!(keep_error && io_is_error(r))) {
        io_finish_locked(q, op, r, d);
    }
    /* Finished or watched before it stops counting: progressing +
     * delivering never reads 0 in between (the kick of an unknown peer). */
    atomic_fetch_sub(&engine.progressing, 1);
    if (r == ERROR_IO_PENDING)
        io_kick_tell(); /* a kick waiting for this run is done */
    return r;
}

/* Runs q's head operations that are marked to run, or whose time is up
 * (q's lock held; let go while each progresses); their completions go
 * onto d. */
static void io_drain(struct wipc_io_queue *q, struct io_done *d)
{
    if (atomic_load(&q->first_deadline) != UINT64_MAX) {
        uint64_t now = wipc_plat_now_ms();
        for (int k = 0; k < WIPC_IO_KINDS; k++) {
            struct io_op *o = q->head[k];
            if (o && !o->busy && o->deadline <= now)
                o->run |= IO_RUN_TIMEOUT;
        }
    }
    for (;;) {
        struct io_op *op = NULL;
        unsigned why;
        for (int k = 0; k < WIPC_IO_KINDS && !op; k++)
            if (q->head[k] && q->head[k]->run && !q->head[k]->busy)
                op = q->head[k];
        if (!op)
            break;
        why = op->run;
        if (op->cancel_err && !op->io.committed) {
            io_finish_cancelled_locked(q, op, op->cancel_err, d);
            continue;
        }
        op->io.timed_out = (why & IO_RUN_TIMEOUT) && !(why & IO_RUN_READY);
        io_run_op(q, op, d, 0);
    }
    io_timed_update(q);
}

/* Runs q's operations that can go on (a reference on q's object held). */
static void io_run_queue(struct wipc_io_queue *q)
{
    struct io_done d = {NULL, NULL};
    wipc_mutex_lock(&q->lock);
    io_drain(q, &d);
    wipc_mutex_unlock(&q->lock);
    io_flush_done(&d);
}

/* fd was reported ready for revents (by epoll set epfd; -1: by a poll of
 * a kick): its operations run, in this thread. */
static void io_report(int epfd, int fd, unsigned revents)
{
    struct io_wbucket *b = io_wbucket(fd);
    struct io_done d = {NULL, NULL};
    struct wipc_io_queue *q = NULL;
    struct wipc_object *obj;
    struct io_watch *w;

    wipc_mutex_lock(&b->lock);
    for (w = b->first; w && w->fd != fd; w = w->hnext)
        ;
    if (w && io_grab_live(w->owner->obj))
        q = w->owner;
    wipc_mutex_unlock(&b->lock);
    if (!q)
        return;
    obj = q->obj;
    wipc_mutex_lock(&q->lock);
    for (w = q->watches; w; w = w->qnext)
        if (w->fd == fd && atomic_load(&w->hashed))
            break;
    if (w) {
        /* Reported once, the descriptor is watched no more: armed again
         * for those that wait for something else (a read, when a write
         * sharing it was reported). */
        if (w->epfd == epfd)
            w->events = 0;
        for (struct io_op *op = w->ops; op; op = op->wnext)
            if (op->io.wait_events & revents)
                op->run |= IO_RUN_READY;
        if (w->epfd == epfd)
            io_watch_sync(w);
        io_drain(q, &d);
    }
    wipc_mutex_unlock(&q->lock);
    io_flush_done(&d);
    wipc_object_release(obj);
}

void wipc_io_run_events(int epfd, const struct wipc_plat_pollfd *ev, int n)
{
    if (atomic_load(&engine.ntimed))
        io_expire();
    for (int i = 0; i < n; i++)
        io_report(epfd, ev[i].fd, ev[i].revents);
}

/* ---- Starting and cancelling ---------------------------------------------- */

static void io_notify_release(const struct wipc_io_notify *n)
{
    if (n->event)
        wipc_object_release(n->event);
}

/* The operation is pending from now on: the file and the event are not
 * signalled until it completes, and the OVERLAPPED says STATUS_PENDING
 * (q's lock held, before anybody else may complete it). */
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
    op->help_wake = -1;
    q = io_queue_get(obj);
    if (!q) {
        free(op);
        io_notify_release(notify);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    wipc_mutex_lock(&q->lock);
    wipc_object_grab(obj);
    io_enqueue(q, op);
    /* As on Windows, before the operation is even tried: a call that
     * fails at once leaves the OVERLAPPED saying STATUS_PENDING and the
     * event reset (Wine's kernel32 and ntdll do the same). */
    io_set_pending(q, op);
    if (q->head[io->kind] != op) {
        /* Others of its kind go first: it waits for its turn. */
        io_xlink_announce(q, op);
        wipc_mutex_unlock(&q->lock);
        return ERROR_IO_PENDING;
    }
    op->immediate = 1; /* if it completes in this call */
    r = io_run_op(q, op, &d, 1);
    if (r == ERROR_IO_PENDING) {
        op->immediate = 0;
        io_xlink_announce(q, op);
        io_drain(q, &d);
        wipc_mutex_unlock(&q->lock);
        io_flush_done(&d);
        if (!atomic_load(&engine.thread))
            io_wake(); /* the first: start the engine thread */
        return ERROR_IO_PENDING;
    }
    *done = op->io.done;
    if (io_is_error(r)) {
        /* Failed at once: nothing is signalled, the OVERLAPPED says no
         * more than before. */
        io_unlink(q, op);
        io_drain(q, &d);
        wipc_mutex_unlock(&q->lock);
        io_flush_done(&d);
        io_notify_release(&op->notify);
        free(op);
        wipc_object_release(obj);
        return r;
    }
    io_drain(q, &d);
    wipc_mutex_unlock(&q->lock);
    io_flush_done(&d);
    return r;
}

/* Marks or ends the operations of q that match (q's lock held); force:
 * also those that are committed.  Returns how many matched. */
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
            /* A helper asleep in its poll looks again now (it sleeps
             * without a time when it has none of its own). */
            if (op->helped && op->help_wake >= 0)
                wipc_plat_eventfd_set(op->help_wake);
            if (op->helped == IO_HELP_POLLS && !op->io.committed) {
                /* Its waiter only polls: the operation ends now, here,
                 * and the waiter learns it when it looks again. */
                op->stolen = 1;
                io_finish_cancelled_locked(q, op, err, d);
            } else if (op->busy || (op->io.committed && !force)) {
                op->cancel_err = err; /* ends once it stops */
                if (!op->busy)
                    op->run |= IO_RUN_CANCEL;
            } else {
                io_finish_cancelled_locked(q, op, err, d);
            }
        }
    }
    return found;
}

static void io_wait_while(int (*busy)(void *arg), void *arg);

/* 1 while an operation of q that a cancellation marked still runs in
 * another thread, or an operation of q waits to be delivered. */
static int io_queue_cancelling(void *arg)
{
    struct wipc_io_queue *q = arg;
    int busy;
    /* delivering is read under the lock: an operation leaves the queue and
     * is counted in delivering in one hold of it (io_finish_locked), so
     * one of the two looks sees it.  Read before the lock, an operation
     * that the engine finished in between was seen in neither, and
     * CancelIoEx returned with it still pending (1 run in 60 of
     * test_cancel_races_engine). */
    wipc_mutex_lock(&q->lock);
    busy = atomic_load(&q->delivering) != 0;
    for (int k = 0; k < WIPC_IO_KINDS && !busy; k++)
        for (struct io_op *o = q->head[k]; o && !busy; o = o->next)
            busy = o->busy && o->cancel_err;
    wipc_mutex_unlock(&q->lock);
    return busy;
}

/* 1 while an operation of q waits to be delivered. */
static int io_queue_delivering(void *arg)
{
    struct wipc_io_queue *q = arg;
    return atomic_load(&q->delivering) != 0;
}

DWORD wipc_io_cancel(struct wipc_object *obj, const OVERLAPPED *ov,
                     int this_thread)
{
    struct io_done d = {NULL, NULL};
    struct wipc_io_queue *q = io_queue_of(obj);
    unsigned found = 0;

    if (!q)
        return ERROR_NOT_FOUND;
    wipc_mutex_lock(&q->lock);
    found = io_cancel_locked(q, ov, this_thread ? wipc_plat_gettid() : 0,
                             ERROR_OPERATION_ABORTED, 0, &d);
    if (found)
        io_drain(q, &d);
    wipc_mutex_unlock(&q->lock);
    io_flush_done(&d);
    /* An operation that another thread was running when it was marked
     * ends when that run is over (a progress call never blocks), and is
     * delivered by that thread: it is waited for, so that it is complete
     * when CancelIoEx returns, as on Windows, and never completes after.
     * A committed one that is still pending then is not (io.h). */
    if (found)
        io_wait_while(io_queue_cancelling, q);
    else if (atomic_load(&q->delivering))
        /* Not found: it may have just completed in another thread (the
         * engine's), which delivers it after letting go of the queue's
         * lock.  ERROR_NOT_FOUND says it is complete: its OVERLAPPED and
         * event say so too once this returns (test_overlapped_stress
         * test_cancel_races_engine saw STATUS_PENDING after it in 2 of 16
         * runs of 2,000 rounds). */
        io_wait_while(io_queue_delivering, q);
    return found ? 0 : ERROR_NOT_FOUND;
}

void wipc_io_abort(struct wipc_object *obj, DWORD err)
{
    struct wipc_io_queue *q = io_queue_of(obj);
    if (!q)
        return;
    for (;;) {
        struct io_done d = {NULL, NULL};
        int busy = 0;
        wipc_mutex_lock(&q->lock);
        io_cancel_locked(q, NULL, 0, err, 1, &d);
        for (int k = 0; k < WIPC_IO_KINDS; k++)
            for (struct io_op *o = q->head[k]; o; o = o->next)
                busy |= o->busy;
        io_drain(q, &d);
        wipc_mutex_unlock(&q->lock);
        io_flush_done(&d);
        if (!busy)
            return;
        /* A progress call is running; it never blocks for long. */
        wipc_plat_yield();
    }
}

int wipc_io_signal_fd(struct wipc_object *obj)
{
    struct wipc_io_queue *q = io_queue_get(obj);
    int fd = -1;
    if (!q)
        return -1;
    wipc_mutex_lock(&q->lock);
    if ((fd = atomic_load(&q->sig_fd)) < 0 && wipc_plat_eventfd(0, &fd) == 0) {
        atomic_store(&q->sig_fd, fd);
        if (atomic_load(&q->signalled))
            wipc_plat_eventfd_set(fd);
    }
    wipc_mutex_unlock(&q->lock);
    return fd;
}

void wipc_io_forget(struct wipc_object *obj)
{
    /* The last reference is gone: no thread uses the queue any more, and
     * none can find it in a table (a reference can no longer be taken). */
    struct wipc_io_queue *q = io_queue_of(obj);
    if (!q)
        return;
    obj->io = NULL;
    /* Its descriptors leave the sets (no operation waits: each held a
     * reference on obj), and the tables. */
    while (q->watches) {
        struct io_watch *w = q->watches;
        q->watches = w->qnext;
        if (atomic_load(&w->hashed)) {
            struct io_wbucket *b = io_wbucket(w->fd);
            wipc_mutex_lock(&b->lock);
            for (struct io_watch **pp = &b->first; *pp; pp = &(*pp)->hnext)
                if (*pp == w) {
                    *pp = w->hnext;
                    break;
                }
            wipc_mutex_unlock(&b->lock);
            if (w->added)
                wipc_plat_epoll_del(w->epfd, w->fd);
        }
        free(w);
    }
    io_link_remove(q);
    if (q->timed) {
        wipc_mutex_lock(&engine.lock);
        io_timed_remove_locked(q);
        wipc_mutex_unlock(&engine.lock);
    }
    wipc_plat_close(atomic_load(&q->sig_fd));
    wipc_plat_close(atomic_load(&q->xfd));
    wipc_object_release(q->port);
    wipc_mutex_destroy(&q->lock);
    free(q);
}

DWORD wipc_io_associate(struct wipc_object *obj, struct wipc_object *port,
                        ULONG_PTR key)
{
    struct wipc_io_queue *q = io_queue_get(obj);
    DWORD err = 0;
    if (!q)
        return ERROR_NOT_ENOUGH_MEMORY;
    wipc_mutex_lock(&q->lock);
    if (q->port || atomic_load(&q->xfd) >= 0) {
        /* Associated already, here or (by the process it came from)
         * elsewhere. */
        err = ERROR_INVALID_PARAMETER;
    } else {
        q->port = wipc_object_grab(port);
        q->key = key;
    }
    wipc_mutex_unlock(&q->lock);
    return err;
}

DWORD wipc_io_set_modes(struct wipc_object *obj, UCHAR modes)
{
    struct wipc_io_queue *q = io_queue_get(obj);
    if (!q)
        return ERROR_NOT_ENOUGH_MEMORY;
    wipc_mutex_lock(&q->lock);
    q->modes = modes;
    wipc_mutex_unlock(&q->lock);
    return 0;
}

/* ---- Completion ports across processes ------------------------------------ */

/*
 * A file associated with a port here may go to another process with its
 * handle (DuplicateHandle, inheritance); on Windows its completions there
 * still go to the port, which belongs to the file object.  Each time such
 * a handle is described for another process (wipc_io_link_out), a new
 * link is made: a pair of connected SOCK_SEQPACKET sockets.  The port's
 * process keeps the receiving end, in the engine's epoll set, with the
 * port and the key; the sending end goes with the handle (the second
 * descriptor of a duplication or an inheritance) and nowhere else, so only
 * a process that was given the handle can send, and nothing names the
 * link.  The other process's engine sends over it:
 *   - START (id, OVERLAPPED) when an operation goes pending;
 *   - END (id, OVERLAPPED, bytes, status) when it completes: a packet;
 * and the engine thread here posts each END to the port with the link's
 * key (the sender names no key: it cannot post under another's).  When
 * every sending end is closed (the other process ended, however: exit,
 * ExitProcess, SIGKILL), the operations started and not ended are posted
 * as cancelled, as Windows cancels a process's I/O when it ends.
 */

#define IO_XMAGIC 0x78507057u /* "WpPx" */
#define IO_X_START 1u
#define IO_X_END 2u
/* How long a sender waits for room on a link whose port's process does
 * not read (stopped, or flooded): then the packet is lost. */
#define IO_X_SEND_MS 1000
/* Operations one link remembers as started (a flood beyond is not
 * remembered: those are not posted as cancelled at the end). */
#define IO_X_PENDING_MAX 4096

/* One message, fixed-width. */
struct io_xmsg {
    uint32_t magic, what;
    uint64_t id;
    uint64_t ov; /* the sender's OVERLAPPED, as a value */
    uint32_t bytes;
    uint32_t status; /* NTSTATUS */
};

struct io_xpend {
    uint64_t id, ov;
};

/* The receiving end of a link, only the engine thread's (but next). */
struct io_xlink {
    int fd;
    struct wipc_object *port; /* a reference */
    ULONG_PTR key;
    struct io_xpend *pend; /* started, not ended */
    size_t npend, cap;
    struct io_xlink *next;
};

static struct {
    wipc_mutex lock;
    struct io_xlink *all;
    atomic_uint n;
    _Atomic uint64_t next_id;
} xlinks = {.lock = WIPC_MUTEX_INIT};

/* Tells the port's process that op is pending (q's lock held, so that
 * nobody can complete op before this is sent: the END comes after). */
static void io_xlink_announce(struct wipc_io_queue *q, struct io_op *op)
{
    int fd = atomic_load(&q->xfd);
    struct io_xmsg m = {IO_XMAGIC, IO_X_START, 0,
                        (uint64_t)(uintptr_t)op->notify.ov, 0, 0};
    if (fd < 0 || !io_op_posts(op))
        return;
    m.id = atomic_fetch_add(&xlinks.next_id, 1) + 1;
    /* Without waiting (a lock is held): unannounced, it is not posted as
     * cancelled if this process dies with it pending. */
    if (wipc_plat_msg_send(fd, &m, sizeof m, 0) == 0)
        op->xid = m.id;
}

/* op's packet, for the port of the process the handle came from. */
static void io_xlink_post(struct wipc_io_queue *q, const struct io_op *op)
{
    struct io_xmsg m = {IO_XMAGIC, IO_X_END, op->xid,
                        (uint64_t)(uintptr_t)op->notify.ov, op->io.done,
                        (uint32_t)wipc_io_status_of(op->result)};
    wipc_plat_msg_send(atomic_load(&q->xfd), &m, sizeof m, IO_X_SEND_MS);
}

DWORD wipc_io_link_out(struct wipc_object *obj, int *fd)
{
    struct wipc_io_queue *q = io_queue_of(obj);
    struct io_xlink *l = NULL;
    DWORD err = 0;
    int ep;

    *fd = -1;
    if (!q)
        return 0;
    wipc_mutex_lock(&q->lock);
    if (atomic_load(&q->xfd) >= 0) {
        /* Passed on again: the new holder sends to the same port. */
        err = wipc_plat_dup(atomic_load(&q->xfd), fd);
    } else if (q->port) {
        if (!(l = calloc(1, sizeof *l)))
            err = ERROR_NOT_ENOUGH_MEMORY;
        else if ((ep = io_engine_epfd()) < 0)
            err = ERROR_NOT_ENOUGH_MEMORY;
        else if ((err = wipc_plat_msg_pair(&l->fd, fd)) == 0 &&
                 (err = wipc_plat_epoll_watch(ep, l->fd, 0)) != 0) {
            wipc_plat_close(l->fd);
            wipc_plat_close(*fd);
            *fd = -1;
        }
        if (!err) {
            l->port = wipc_object_grab(q->port);
            l->key = q->key;
            wipc_mutex_lock(&xlinks.lock);
            l->next = xlinks.all;
            xlinks.all = l;
            atomic_fetch_add(&xlinks.n, 1);
            wipc_mutex_unlock(&xlinks.lock);
            l = NULL;
            io_wake(); /* the engine thread reads the links */
        }
    }
    wipc_mutex_unlock(&q->lock);
    free(l);
    return err;
}

void wipc_io_link_in(struct wipc_object *obj, int fd)
{
    struct wipc_io_queue *q;
    if (fd < 0)
        return;
    q = io_queue_get(obj);
    if (!q) {
        wipc_plat_close(fd);
        return;
    }
    wipc_mutex_lock(&q->lock);
    if (q->port || atomic_load(&q->xfd) >= 0) {
        wipc_mutex_unlock(&q->lock);
        wipc_plat_close(fd);
        return;
    }
    atomic_store(&q->xfd, fd);
    wipc_mutex_unlock(&q->lock);
}

/* One message of link l (the engine thread). */
static void io_xlink_take(struct io_xlink *l, const struct io_xmsg *m)
{
    if (m->what == IO_X_START) {
        if (l->npend == l->cap) {
            size_t cap = l->cap ? 2 * l->cap : 8;
            struct io_xpend *p;
            if (cap > IO_X_PENDING_MAX ||
                !(p = realloc(l->pend, cap * sizeof *p)))
                return;
            l->pend = p;
            l->cap = cap;
        }
        l->pend[l->npend++] = (struct io_xpend){m->id, m->ov};
    } else if (m->what == IO_X_END) {
        struct wipc_io_packet p = {l->key, m->bytes,
                                   (OVERLAPPED *)(uintptr_t)m->ov, m->status};
        /* The one just ended is usually among the last started. */
        for (size_t i = l->npend; m->id && i-- > 0;)
            if (l->pend[i].id == m->id) {
                l->pend[i] = l->pend[--l->npend];
                break;
            }
        wipc_io_port_post(l->port, &p);
    }
}

/* Every sending end of l is closed: what was started and not ended is
 * posted as cancelled, and the link goes (the engine thread). */
static void io_xlink_end(struct io_xlink *l)
{
    wipc_mutex_lock(&xlinks.lock);
    for (struct io_xlink **pp = &xlinks.all; *pp; pp = &(*pp)->next)
        if (*pp == l) {
            *pp = l->next;
            break;
        }
    atomic_fetch_sub(&xlinks.n, 1);
    wipc_mutex_unlock(&xlinks.lock);
    for (size_t i = 0; i < l->npend; i++) {
        struct wipc_io_packet p = {l->key, 0,
                                   (OVERLAPPED *)(uintptr_t)l->pend[i].ov,
                                   wipc_io_status_of(ERROR_OPERATION_ABORTED)};
        wipc_io_port_post(l->port, &p);
    }
    wipc_plat_epoll_unwatch(atomic_load(&engine.epfd), l->fd);
    wipc_plat_close(l->fd);
    wipc_object_release(l->port);
    free(l->pend);
    free(l);
}

/* 1 if fd, reported by the engine's set, is a link's (its messages are
 * taken then: a few at a time, the set reports the rest again). */
static int io_xlink_report(int fd)
{
    struct io_xlink *l;
    if (atomic_load(&xlinks.n) == 0)
        return 0;
    wipc_mutex_lock(&xlinks.lock);
    for (l = xlinks.all; l && l->fd != fd; l = l->next)
        ;
    wipc_mutex_unlock(&xlinks.lock);
    if (!l)
        return 0;
    for (int i = 0; i < 64; i++) {
        struct io_xmsg m;
        size_t got = 0;
        DWORD err = wipc_plat_msg_recv(fd, &m, sizeof m, &got);
        if (err == ERROR_BROKEN_PIPE) {
            io_xlink_end(l);
            break;
        }
        if (err)
            break;
        /* What a holder of the handle sends is checked, not trusted: a
         * message of another size or kind is dropped. */
        if (got == sizeof m && m.magic == IO_XMAGIC)
            io_xlink_take(l, &m);
    }
    return 1;
}

/* ---- The engine thread ----------------------------------------------------- */

/* The ports no thread has waited in for a while: their files' operations
 * that can go on run here. */
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
    int epfd = atomic_load(&engine.epfd), wake = atomic_load(&engine.wake_fd);
    (void)arg;
    for (;;) {
        struct wipc_plat_pollfd ev[64];
        int n = 0, k = 0, timeout, ticking, was;
        uint64_t first = io_expire(), now = wipc_plat_now_ms();

        /* Asleep until the first deadline, or the next look at idle
         * ports; a thread that sets an earlier deadline, or starts the
         * ticking, wakes it (sleep_until is UINT64_MAX while it is awake,
         * so every one does then). */
        ticking = atomic_load(&engine.ticking);
        if (ticking && now + IO_PORT_IDLE_MS < first)
            first = now + IO_PORT_IDLE_MS;
        atomic_store(&engine.sleep_until, first);
        timeout = first == UINT64_MAX ? -1
                  : first <= now      ? 0
                  : first - now > INT_MAX ? INT_MAX
                                          : (int)(first - now);
        wipc_plat_epoll_wait(epfd, ev, 64, timeout, &n);
        atomic_store(&engine.sleep_until, UINT64_MAX);
        if (ticking)
            io_run_idle_ports();
        if (atomic_load(&engine.ticking) &&
            atomic_load(&engine.port_waits) == 0) {
            /* Nothing waits in a port: no more looks at them, unless an
             * operation came meanwhile (it saw the ticking on, or sees it
             * off and starts it again: one of the two). */
            atomic_store(&engine.ticking, 0);
            if (atomic_load(&engine.port_waits) != 0)
                atomic_store(&engine.ticking, 1);
        }
        for (int i = 0; i < n; i++) {
            if (ev[i].fd == wake) {
                wipc_plat_eventfd_reset(wake, &was);
                wipc_plat_epoll_set(epfd, wake, WIPC_PLAT_POLL_IN, 0);
            } else if (!io_xlink_report(ev[i].fd)) {
                ev[k++] = ev[i];
            }
        }
        wipc_io_run_events(epfd, ev, k);
    }
    return NULL;
}

/* ---- A waiting thread drives its own operation ------------------------------ */

/* How long a helping thread polls before it looks for a cancellation,
 * when it has no wake-up eventfd (it could not be made). */
#define IO_HELP_SLICE_MS 20

/* The calling thread's wake-up eventfd for wipc_io_help (made on first
 * use, closed when the thread ends), or -1.  A canceller sets it, so the
 * helper can sleep in poll(2) without a time: a time costs a timer armed
 * and cancelled in the kernel at each wait (bench/RESULTS.md, rtt64). */
static struct {
    atomic_int made; /* 1: key made; -1: it could not be */
    unsigned long key;
} io_helpers;

static void io_help_wake_end(void *value)
{
    wipc_plat_close((int)(uintptr_t)value - 1);
}

static int io_help_wake_fd(void)
{
    void *v;
    int fd;
    if (atomic_load_explicit(&io_helpers.made, memory_order_acquire) == 0) {
        wipc_mutex_lock(&engine.lock);
        if (atomic_load(&io_helpers.made) == 0)
            atomic_store_explicit(
                &io_helpers.made,
                wipc_plat_tls_key(io_help_wake_end, &io_helpers.key) == 0 ? 1
                                                                          : -1,
                memory_order_release);
        wipc_mutex_unlock(&engine.lock);
    }
    if (atomic_load_explicit(&io_helpers.made, memory_order_acquire) != 1)
        return -1;
    if ((v = wipc_plat_tls_get(io_helpers.key)) != NULL)
        return (int)(uintptr_t)v - 1;
    if (wipc_plat_eventfd(0, &fd) != 0)
        return -1;
    if (wipc_plat_tls_set(io_helpers.key, (void *)(uintptr_t)(fd + 1)) != 0) {
        wipc_plat_close(fd);
        return -1;
    }
    return fd;
}

DWORD wipc_io_help(struct wipc_object *obj, const OVERLAPPED *ov,
                   DWORD timeout_ms)
{
    uint64_t deadline = timeout_ms == INFINITE
                            ? UINT64_MAX
                            : wipc_plat_now_ms() + timeout_ms;
    struct io_done d = {NULL, NULL};
    struct wipc_io_queue *q = io_queue_of(obj);
    struct io_op *op = NULL;
    DWORD r = ERROR_IO_PENDING;
    int wake;

    if (!q)
        return ERROR_NOT_FOUND;
    wake = io_help_wake_fd();
    wipc_mutex_lock(&q->lock);
    for (int k = 0; k < WIPC_IO_KINDS && !op; k++)
        if (q->head[k] && q->head[k]->notify.ov == ov)
            op = q->head[k];
    if (!op || op->busy || op->cancel_err || op->io.wait_fd < 0) {
        wipc_mutex_unlock(&q->lock);
        return ERROR_NOT_FOUND;
    }
    /* Busy, and out of its watch: the engine leaves it alone while this
     * thread polls (its deadline is this thread's to watch). */
    io_op_unwatch(op);
    op->run = 0;
    op->busy = 1;
    op->helped = IO_HELP_RUNS;
    op->help_wake = wake;
    io_timed_update(q);
    for (;;) {
        /* The operation's descriptor first (if it waits for one), then
         * the wake-up. */
        struct wipc_plat_pollfd p[2];
        uint64_t now = wipc_plat_now_ms(), until = deadline;
        int nready = 0, wait, np = 0, ready = 0;
        size_t slice = wake >= 0 ? INT_MAX : IO_HELP_SLICE_MS;

        if (op->cancel_err && !op->io.committed) {
            /* Cancelled while its progress ran here. */
            r = io_uncommit(q, op, op->cancel_err);
            break;
        }
        if (op->deadline < until)
            until = op->deadline;
        wait = until == UINT64_MAX && wake >= 0 ? -1
               : until <= now                   ? 0
               : until - now > slice            ? (int)slice
                                                : (int)(until - now);
        if (op->io.wait_fd >= 0)
            p[np++] = (struct wipc_plat_pollfd){op->io.wait_fd,
                                                op->io.wait_events, 0};
        if (wake >= 0)
            p[np++] = (struct wipc_plat_pollfd){wake, WIPC_PLAT_POLL_IN, 0};
        op->helped = IO_HELP_POLLS;
        wipc_mutex_unlock(&q->lock);
        wipc_plat_poll_events(p, (size_t)np, wait, &nready);
        if (nready > 0) {
            int was;
            ready = p[0].fd != wake && p[0].revents != 0;
            if (wake >= 0 && p[np - 1].revents)
                wipc_plat_eventfd_reset(wake, &was);
        }
        wipc_mutex_lock(&q->lock);
        if (op->stolen) {
            /* Cancelled meanwhile, and delivered by the canceller: once
             * that is over, the operation is this thread's to free. */
            wipc_mutex_unlock(&q->lock);
            while (!atomic_load_explicit(&op->delivered,
                                         memory_order_acquire))
                wipc_plat_yield();
            free(op);
            return 0;
        }
        op->helped = IO_HELP_RUNS;
        now = wipc_plat_now_ms();
        if (op->cancel_err && !op->io.committed) {
            r = io_uncommit(q, op, op->cancel_err);
            break;
        }
        if (ready || op->deadline <= now) {
            enum wipc_io_kind was = op->io.kind;
            op->io.timed_out = !ready;
            wipc_mutex_unlock(&q->lock);
            r = q->obj->ops->io_progress(q->obj, &op->io);
            wipc_mutex_lock(&q->lock);
            op->io.timed_out = 0;
            if (r != ERROR_IO_PENDING) {
                op->io.kind = was; /* only a pending operation moves */
                break;
            }
            if (!io_requeue_locked(q, op, was)) {
                /* Behind others in its new queue: its turn will come. */
                op->busy = 0;
                op->helped = 0;
                io_drain(q, &d);
                wipc_mutex_unlock(&q->lock);
                io_flush_done(&d);
                io_kick_tell();
                return WAIT_TIMEOUT;
            }
            op->deadline = op->io.wait_ms < 0
                               ? UINT64_MAX
                               : now + (uint64_t)op->io.wait_ms;
        }
        if (now >= deadline)
            break;
    }
    op->busy = 0;
    op->helped = 0;
    if (r == ERROR_IO_PENDING) {
        /* Back to the engine. */
        io_op_watch(op);
        if (op->cancel_err)
            op->run |= IO_RUN_CANCEL;
        io_drain(q, &d);
        wipc_mutex_unlock(&q->lock);
        io_flush_done(&d);
        io_kick_tell();
        return WAIT_TIMEOUT;
    }
    io_finish_locked(q, op, r, &d);
    io_drain(q, &d);
    wipc_mutex_unlock(&q->lock);
    io_flush_done(&d);
    io_kick_tell();
    return 0;
}

/* ---- Completing in the call that made it possible ------------------------ */

int wipc_io_kick_wanted(struct wipc_object *obj)
{
    return obj->ops->io_progress &&
           !atomic_load_explicit(&obj->io_peer_away, memory_order_relaxed);
}

static void io_kick(uint64_t link, const struct wipc_object *obj);

void wipc_io_kick(struct wipc_object *obj)
{
    if (atomic_load_explicit(&engine.queued, memory_order_relaxed) == 0)
        return;
    if (obj && !wipc_io_kick_wanted(obj))
        return;
    io_kick(obj ? atomic_load(&obj->io_link) : 0, obj);
}

void wipc_io_kick_link(uint64_t link)
{
    if (atomic_load_explicit(&engine.queued, memory_order_relaxed) == 0)
        return;
    io_kick(link, NULL);
}

/* The descriptors q's operations wait for, for poll(2), into pfd (at most
 * cap); returns how many (q's lock held). */
static size_t io_queue_pollfds(struct wipc_io_queue *q,
                               struct wipc_plat_pollfd *pfd, size_t cap)
{
    size_t n = 0;
    for (struct io_watch *w = q->watches; w && n < cap; w = w->qnext) {
        unsigned want = io_watch_wanted(w, 0);
        if (want && atomic_load(&w->hashed))
            pfd[n++] = (struct wipc_plat_pollfd){w->fd, want, 0};
    }
    return n;
}

/* 1 while a pending operation of q runs in another thread or waits to be
 * delivered (q's lock held).  A thread driving its own operation
 * (wipc_io_help) is not waited for, nor an operation that is still in the
 * call that starts it (op->immediate): that call has not returned, so no
 * thread can know that the operation started before the kicking call
 * did, and whether that call's bytes or room came in time for its first
 * try is a race on Windows too.  If it goes pending after its try, its
 * watch is armed under q's lock, and epoll reports at once what is ready
 * by then.  Waiting for it cost the kicking thread a yield and two
 * context switches per message when the two threads share a CPU (the
 * starter is often preempted inside its send by the thread it woke:
 * bench/RESULTS.md, "rtt64"). */
static int io_queue_busy(struct wipc_io_queue *q)
{
    if (atomic_load(&q->delivering_pended))
        return 1;
    for (int k = 0; k < WIPC_IO_KINDS; k++) {
        const struct io_op *o = q->head[k];
        if (o && o->busy && !o->helped && !o->immediate)
            return 1;
    }
    return 0;
}

/* The kick of a peer of unknown place: every watched descriptor of the
 * process is looked at, and what is ready runs; then it waits until no
 * operation runs or waits to be delivered. */
static void io_kick_all(void)
{
    struct wipc_plat_pollfd stack[32], *pfd = stack;
    size_t n = 0, cap = sizeof stack / sizeof stack[0];
    int nready = 0;

    for (int i = 0; i < IO_WATCH_BUCKETS; i++) {
        struct io_wbucket *b = &io_watches[i];
        if (!atomic_load_explicit(&engine.tables_ready, memory_order_acquire))
            break;
        wipc_mutex_lock(&b->lock);
        for (struct io_watch *w = b->first; w; w = w->hnext) {
            unsigned want = atomic_load(&w->want);
            if (!want)
                continue;
            if (n == cap) {
                struct wipc_plat_pollfd *p =
                    pfd == stack ? malloc(2 * cap * sizeof *p)
                                 : realloc(pfd, 2 * cap * sizeof *p);
                if (!p)
                    break;
                if (pfd == stack)
                    memcpy(p, stack, n * sizeof *p);
                pfd = p;
                cap *= 2;
            }
            pfd[n++] = (struct wipc_plat_pollfd){w->fd, want, 0};
        }
        wipc_mutex_unlock(&b->lock);
    }
    /* poll(2), unlike an epoll_wait, takes no report away from the
     * threads sleeping in the sets. */
    if (n)
        wipc_plat_poll_events(pfd, n, 0, &nready);
    for (size_t i = 0; i < n && nready > 0; i++)
        if (pfd[i].revents)
            io_report(-1, pfd[i].fd, pfd[i].revents);
    if (pfd != stack)
        free(pfd);
    for (int i = 0; i < 100000; i++) {
        if (atomic_load(&engine.progressing) == 0 &&
            atomic_load_explicit(&engine.delivering, memory_order_acquire) ==
                0)
            break;
        wipc_plat_yield();
    }
}

/* The queues a kick waits for. */
struct io_kicked {
    struct wipc_io_queue **qs;
    size_t n;
};

static int io_kicked_busy(void *arg)
{
    const struct io_kicked *k = arg;
    int any = 0;
    for (size_t j = 0; j < k->n && !any; j++) {
        wipc_mutex_lock(&k->qs[j]->lock);
        any = io_queue_busy(k->qs[j]);
        wipc_mutex_unlock(&k->qs[j]->lock);
    }
    return any;
}

/* wipc_io_kick for the queues linked to link (not obj's: the other end of
 * a connection in this process), or every queue (link 0). */
static void io_kick(uint64_t link, const struct wipc_object *obj)
{
    struct wipc_io_queue *qs[4];
    struct io_lbucket *b;
    size_t nq = 0;
    int busy = 0;

    if (!link) {
        io_kick_all();
        return;
    }
    if (!atomic_load_explicit(&engine.tables_ready, memory_order_acquire))
        return;
    b = io_lbucket(link);
    wipc_mutex_lock(&b->lock);
    for (struct wipc_io_queue *q = b->first; q && nq < 4; q = q->lnext)
        if (q->link == link && q->obj != obj && io_grab_live(q->obj))
            qs[nq++] = q;
    wipc_mutex_unlock(&b->lock);
    for (size_t i = 0; i < nq; i++) {
        struct wipc_io_queue *q = qs[i];
        struct wipc_plat_pollfd pfd[4];
        struct io_done d = {NULL, NULL};
        size_t n;
        int nready = 0;

        wipc_mutex_lock(&q->lock);
        n = io_queue_pollfds(q, pfd, 4);
        if (n == 0) {
            /* The other end waits for nothing: nothing to do but wait
             * for what runs (the common case of a busy server, whose next
             * read is not issued yet). */
            busy |= io_queue_busy(q);
            wipc_mutex_unlock(&q->lock);
            continue;
        }
        wipc_mutex_unlock(&q->lock);
        wipc_plat_poll_events(pfd, n, 0, &nready);
        if (nready == 0) {
            busy = 1; /* it may have been taken by another thread */
            continue;
        }
        wipc_mutex_lock(&q->lock);
        for (size_t j = 0; j < n; j++) {
            struct io_watch *w;
            if (!pfd[j].revents)
                continue;
            for (w = q->watches; w; w = w->qnext)
                if (w->fd == pfd[j].fd && atomic_load(&w->hashed))
                    break;
            for (struct io_op *op = w ? w->ops : NULL; op; op = op->wnext)
                if (op->io.wait_events & pfd[j].revents)
                    op->run |= IO_RUN_READY;
        }
        io_drain(q, &d);
        busy = 1;
        wipc_mutex_unlock(&q->lock);
        io_flush_done(&d);
    }
    /* Another thread may have taken a ready one first (a report from its
     * set): it is done once that thread has run and delivered it. */
    if (busy) {
        struct io_kicked k = {qs, nq};
        io_wait_while(io_kicked_busy, &k);
    }
    for (size_t i = 0; i < nq; i++)
        wipc_object_release(qs[i]->obj);
}

/* Waits while busy(arg) says that an operation runs in another thread or
 * waits to be delivered: progress never blocks, so this is short (and
 * bounded: about ten seconds at most). */
static void io_wait_while(int (*busy)(void *arg), void *arg)
{
    int spins = 0;
    atomic_fetch_add(&engine.kick_waiters, 1);
    for (int i = 0; i < 1000 + IO_KICK_SPINS; i++) {
        unsigned seq = 0;
        int sleep = spins >= IO_KICK_SPINS;
        /* The count of tells is read before the look: a tell after the
         * look changes it, and the sleep below does not start. */
        if (sleep) {
            wipc_mutex_lock(&engine.lock);
            seq = engine.kick_seq;
            wipc_mutex_unlock(&engine.lock);
        }
        if (!busy(arg))
            break;
        /* Yield a few times first: the other thread is usually in the
         * middle of a system call, and sleeping on the condition would
         * cost two more switches. */
        if (!sleep) {
            spins++;
            wipc_plat_yield();
            continue;
        }
        wipc_mutex_lock(&engine.lock);
        if (engine.kick_seq == seq)
            wipc_cond_wait_ms(&engine.kick_cond, &engine.lock, 10);
        wipc_mutex_unlock(&engine.lock);
    }
    atomic_fetch_sub(&engine.kick_waiters, 1);
}
