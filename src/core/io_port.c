/*
 * io_port.c: I/O completion ports, the I/O engine's own object type
 * (io.h, docs/overlapped.md "Completion ports").
 *
 * A port is a queue of completion packets under a lock, and an epoll set
 * of its own.  The set holds the descriptors that the pending operations
 * of the files associated with the port wait for (io.c puts them there),
 * and the port's doorbell, an eventfd watched edge-triggered: each ring
 * wakes one thread in epoll_wait.  A thread in GetQueuedCompletionStatus
 * that finds no packet sleeps in that epoll_wait, so the readiness of the
 * port's files wakes it directly: it runs the operations itself
 * (wipc_io_run_events) and their completions come back to its own queue,
 * with no other thread between the descriptor and the packet.
 *
 * Who is woken.  Windows counts a port's running threads: those that took
 * a packet from it and have not come back for the next one, nor block in
 * a wait.  A packet wakes a sleeping thread only while fewer than
 * NumberOfConcurrentThreads run (0: as many as there are processors), and
 * only if the threads that are awake in the port (about to look at its
 * queue) will not take it anyway.  A thread that takes a packet and leaves
 * others behind rings for the next sleeper; a thread that comes back
 * takes what is queued before any sleeper is woken (Windows' order too:
 * the last thread in is the first out).
 *
 * A wait in the port's set takes up to 64 reports at once, but the thread
 * runs only as many as it takes packets (one for GetQueuedCompletion-
 * Status) and leaves the others in the port's stash, which the next look
 * runs first (any thread of the port, or the engine's look at a port
 * nobody waits in).  Run all at once, a thread would read 64 requests
 * before it hands out the first packet: each client would wait that much
 * longer for its reply, and be woken once for nothing meanwhile (the
 * kernel wakes a writer asleep in its read when its bytes are taken).
 * One at a time, the packet of one report is taken, and its reply
 * written, before the next is read, and one epoll_wait still serves many.
 *
 * Closing the last handle to a port wakes every thread in it: each
 * returns ERROR_ABANDONED_WAIT_0 and rings for the next.  Packets that
 * arrive later (operations of associated files) are dropped.
 */
#include <limits.h>
#include <stdlib.h>

#include "../platform/platform.h"
#include "../platform/platform_sys.h"
#include "io.h"

struct io_packet {
    struct io_packet *next;
    struct wipc_io_packet p;
};

/* Reports of the port's set taken by an epoll_wait and not run yet (see
 * wipc_io_port_get), in the order they came. */
#define IO_PORT_STASH 128

/* Something that posts to the port and that is asked to, before a thread
 * looks at its queue (wipc_io_port_add_source). */
struct io_source {
    struct io_source *next;
    void (*pull)(void *);
    void *arg;
};

struct io_port {
    struct wipc_object obj;
    wipc_mutex lock;
    wipc_mutex src_lock;       /* sources, and their pull calls */
    struct io_source *sources;
    _Atomic int nsources;
    int epfd; /* the port's epoll set (io.c adds its files' descriptors) */
    int bell; /* eventfd, edge-triggered in epfd */
    struct io_packet *first, *last;
    unsigned npackets;
    struct io_packet *spare; /* freed packets, for the next ones */
    unsigned nspare;
    DWORD limit;    /* NumberOfConcurrentThreads, 0 made the CPU count */
    DWORD running;  /* associated threads out of the port and not waiting */
    DWORD waiters;  /* threads in wipc_io_port_get */
    DWORD sleeping; /* of those, in epoll_wait (or about to be) */
    int rung;       /* a ring that no sleeper has answered yet */
    /* Reports taken from epfd that no thread has run yet (a ring:
     * nstash of them from stash_first). */
    struct wipc_plat_pollfd stash[IO_PORT_STASH];
    unsigned stash_first, nstash;
    int closed;     /* the last handle went */
    uint64_t idle_since; /* when the last waiter left */
    struct io_port *next; /* in ports.all */
};

#define IO_PORT_SPARE_MAX 256

/* Every port of the process, for the engine's look at ports nobody waits
 * on and for wipc_io_kick. */
static struct {
    wipc_mutex lock;
    struct io_port *all;
    int key_made;
    unsigned long key; /* the port a thread is associated with */
} ports = {WIPC_MUTEX_INIT, NULL, 0, 0};

static struct io_port *port_of(struct wipc_object *obj)
{
    return (struct io_port *)obj;
}

/* Wakes one sleeping thread (port lock held). */
static void port_ring_locked(struct io_port *port)
{
    port->rung = 1;
    wipc_plat_eventfd_set(port->bell);
}

/* Rings if a sleeper should take over: a packet it may take, reports
 * of the port's files to run (their packets to come), or the port is
 * closed (port lock held). */
static void port_pass_on_locked(struct io_port *port)
{
    if (!port->rung && port->sleeping > 0 &&
        (port->closed ||
         ((port->first || port->nstash) && port->running < port->limit)))
        port_ring_locked(port);
}

static void port_free_packets(struct io_packet *pk)
{
    while (pk) {
        struct io_packet *next = pk->next;
        free(pk);
        pk = next;
    }
}

static void port_destroy(struct wipc_object *obj)
{
    struct io_port *port = port_of(obj);
    wipc_mutex_lock(&ports.lock);
    for (struct io_port **pp = &ports.all; *pp; pp = &(*pp)->next)
        if (*pp == port) {
            *pp = port->next;
            break;
        }
    wipc_mutex_unlock(&ports.lock);
    while (port->sources) {
        struct io_source *src = port->sources;
        port->sources = src->next;
        free(src);
    }
    wipc_mutex_destroy(&port->src_lock);
    port_free_packets(port->first);
    port_free_packets(port->spare);
    wipc_plat_close(port->bell);
    wipc_plat_close(port->epfd);
    wipc_mutex_destroy(&port->lock);
    free(port);
}

const struct wipc_object_ops wipc_io_port_ops = {
    .type_name = "IoCompletion",
    .file_type = FILE_TYPE_UNKNOWN,
    .mapping = {STANDARD_RIGHTS_READ | 0x1u, STANDARD_RIGHTS_WRITE | 0x2u,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
                STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3u},
    .close_last = wipc_io_port_close,
    .destroy = port_destroy,
};

/* ---- Threads associated with a port ------------------------------------------ */

/* The thread stops counting as one of port's running threads: it waits
 * for something else, or it ended; a sleeper may take its place.  (One
 * that comes back to the port stops in wipc_io_port_get.) */
static void port_thread_stops(struct io_port *port)
{
    wipc_mutex_lock(&port->lock);
    if (port->running > 0)
        port->running--;
    port_pass_on_locked(port);
    wipc_mutex_unlock(&port->lock);
}

static void port_thread_ended(void *arg)
{
    struct io_port *port = arg;
    port_thread_stops(port);
    wipc_object_release(&port->obj);
}

/* The port the calling thread is associated with, or NULL. */
static struct io_port *port_current(void)
{
    if (!__atomic_load_n(&ports.key_made, __ATOMIC_ACQUIRE))
        return NULL;
    return wipc_plat_tls_get(ports.key);
}

/* The calling thread enters port (GetQueuedCompletionStatus): it leaves
 * the port it was associated with; returns 1 if it was port's (it stops
 * running there once it holds port's lock: the caller's). */
static int port_thread_enters(struct io_port *port)
{
    struct io_port *cur = port_current();
    if (cur == port)
        return 1;
    if (cur) {
        wipc_plat_tls_set(ports.key, NULL);
        port_thread_ended(cur);
    }
    return 0;
}

/* The calling thread leaves port running, associated with it (port lock
 * held: the count changes with the queue it looked at). */
static void port_thread_leaves_locked(struct io_port *port)
{
    port->running++;
}

/* After leaving: the thread's association, made on its first visit. */
static void port_thread_associate(struct io_port *port)
{
    if (port_current() == port)
        return;
    wipc_mutex_lock(&ports.lock);
    if (!ports.key_made &&
        wipc_plat_tls_key(port_thread_ended, &ports.key) == 0)
        __atomic_store_n(&ports.key_made, 1, __ATOMIC_RELEASE);
    wipc_mutex_unlock(&ports.lock);
    if (!ports.key_made ||
        wipc_plat_tls_set(ports.key, wipc_object_grab(&port->obj)) != 0) {
        /* Not remembered: it does not count as running. */
        if (ports.key_made)
            wipc_object_release(&port->obj);
        port_thread_stops(port);
    }
}

void wipc_io_port_thread_blocks(int blocking)
{
    struct io_port *port = port_current();
    if (!port)
        return;
    if (blocking) {
        port_thread_stops(port);
    } else {
        wipc_mutex_lock(&port->lock);
        port->running++;
        wipc_mutex_unlock(&port->lock);
    }
}

/* ---- Ports ------------------------------------------------------------------ */

DWORD wipc_io_port_create(DWORD concurrency, struct wipc_object **out)
{
    struct io_port *port = calloc(1, sizeof *port);
    DWORD err;

    if (!port)
        return ERROR_NOT_ENOUGH_MEMORY;
    port->epfd = port->bell = -1;
    err = wipc_plat_epoll_create(&port->epfd);
    if (!err)
        err = wipc_plat_eventfd(0, &port->bell);
    if (!err)
        err = wipc_plat_epoll_bell(port->epfd, port->bell);
    if (err) {
        wipc_plat_close(port->bell);
        wipc_plat_close(port->epfd);
        free(port);
        return err;
    }
    wipc_mutex_init(&port->lock);
    wipc_mutex_init(&port->src_lock);
    /* "If this parameter is zero, the system allows as many concurrently
     * running threads as there are processors in the system." */
    port->limit = concurrency != 0 ? concurrency : wipc_plat_cpu_count();
    port->idle_since = wipc_plat_now_ms();
    wipc_object_init(&port->obj, &wipc_io_port_ops);
    wipc_mutex_lock(&ports.lock);
    port->next = ports.all;
    ports.all = port;
    wipc_mutex_unlock(&ports.lock);
    *out = &port->obj;
    return 0;
}

DWORD wipc_io_port_add_source(struct wipc_object *obj, void (*pull)(void *),
                              void *arg)
{
    struct io_port *port = port_of(obj);
    struct io_source *src = malloc(sizeof *src), **pp;

    if (!src)
        return ERROR_NOT_ENOUGH_MEMORY;
    src->pull = pull;
    src->arg = arg;
    src->next = NULL;
    wipc_mutex_lock(&port->src_lock);
    /* Asked in the order they came (a job associated before another
     * posts its news of one event first). */
    for (pp = &port->sources; *pp; pp = &(*pp)->next)
        ;
    *pp = src;
    atomic_fetch_add(&port->nsources, 1);
    wipc_mutex_unlock(&port->src_lock);
    return 0;
}

void wipc_io_port_remove_source(struct wipc_object *obj,
                                void (*pull)(void *), void *arg)
{
    struct io_port *port = port_of(obj);
    struct io_source **pp, *gone = NULL;

    wipc_mutex_lock(&port->src_lock);
    for (pp = &port->sources; *pp; pp = &(*pp)->next)
        if ((*pp)->pull == pull && (*pp)->arg == arg) {
            gone = *pp;
            *pp = gone->next;
            atomic_fetch_sub(&port->nsources, 1);
            break;
        }
    wipc_mutex_unlock(&port->src_lock);
    free(gone);
}

/* Each source posts what has happened by now (no lock of the port held). */
static void port_pull_sources(struct io_port *port)
{
    if (atomic_load(&port->nsources) == 0)
        return;
    wipc_mutex_lock(&port->src_lock);
    for (struct io_source *src = port->sources; src; src = src->next)
        src->pull(src->arg);
    wipc_mutex_unlock(&port->src_lock);
}

int wipc_io_port_epfd(struct wipc_object *obj)
{
    return port_of(obj)->epfd;
}

DWORD wipc_io_port_post(struct wipc_object *obj,
                        const struct wipc_io_packet *p)
{
    struct io_port *port = port_of(obj);
    struct io_packet *pk;

    wipc_mutex_lock(&port->lock);
    if (port->closed) {
        /* Nobody can take it any more (an associated file's completion
         * after the port's last handle went). */
        wipc_mutex_unlock(&port->lock);
        return 0;
    }
    pk = port->spare;
    if (pk) {
        port->spare = pk->next;
        port->nspare--;
    } else if (!(pk = malloc(sizeof *pk))) {
        wipc_mutex_unlock(&port->lock);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    pk->next = NULL;
    pk->p = *p;
    if (port->last)
        port->last->next = pk;
    else
        port->first = pk;
    port->last = pk;
    port->npackets++;
    wipc_object_signal_publish(obj);
    /* The threads awake in the port take the first packets; a sleeper is
     * woken for one more than they will take. */
    if (port->npackets > port->waiters - port->sleeping)
        port_pass_on_locked(port);
    wipc_mutex_unlock(&port->lock);
    return 0;
}

/* Takes up to max packets (port lock held); returns how many. */
static ULONG port_take_locked(struct io_port *port, struct wipc_io_packet *out,
                              ULONG max)
{
    ULONG n = 0;
    while (n < max && port->first) {
        struct io_packet *pk = port->first;
        port->first = pk->next;
        if (!port->first)
            port->last = NULL;
        port->npackets--;
        out[n++] = pk->p;
        if (port->nspare < IO_PORT_SPARE_MAX) {
            pk->next = port->spare;
            port->spare = pk;
            port->nspare++;
        } else {
            free(pk);
        }
    }
    return n;
}

void wipc_io_port_close(struct wipc_object *obj)
{
    struct io_port *port = port_of(obj);
    struct io_packet *drop;

    wipc_mutex_lock(&port->lock);
    port->closed = 1;
    drop = port->first;
    port->first = port->last = NULL;
    port->npackets = 0;
    port_pass_on_locked(port);
    wipc_mutex_unlock(&port->lock);
    port_free_packets(drop);
}

/* Takes the port's own doorbell out of what epoll reported (port lock
 * held): returns how many reports are left.  own: the caller is one of the
 * port's sleepers, which the ring was for; otherwise it took the ring away
 * from them, and rings again. */
static int port_drop_bell_locked(struct io_port *port,
                                 struct wipc_plat_pollfd *ev, int n, int own)
{
    int k = 0, rang = 0;
    for (int i = 0; i < n; i++) {
        if (ev[i].fd == port->bell)
            rang = 1;
        else
            ev[k++] = ev[i];
    }
    if (rang) {
        port->rung = 0;
        if (!own)
            port_pass_on_locked(port);
    }
    return k;
}

/* Keeps the first keep of the n reports in ev and puts the others in
 * the port's stash, for the next thread that looks (port lock held);
 * returns how many stay in ev: keep, or more when the stash is full
 * (this thread then runs those too). */
static int port_stash_locked(struct io_port *port, struct wipc_plat_pollfd *ev,
                             int n, int keep)
{
    int k = keep < n ? keep : n, m = k;
    while (k < n && port->nstash < IO_PORT_STASH) {
        port->stash[(port->stash_first + port->nstash) % IO_PORT_STASH] =
            ev[k++];
        port->nstash++;
    }
    while (k < n)
        ev[m++] = ev[k++];
    if (port->nstash > 0)
        port_pass_on_locked(port);
    return m;
}

/* Takes up to max reports from the port's stash into ev, the oldest
 * first (port lock held); returns how many. */
static int port_unstash_locked(struct io_port *port,
                               struct wipc_plat_pollfd *ev, int max)
{
    int n = 0;
    while (n < max && port->nstash > 0) {
        ev[n++] = port->stash[port->stash_first];
        port->stash_first = (port->stash_first + 1) % IO_PORT_STASH;
        port->nstash--;
    }
    return n;
}

/* Milliseconds from now to deadline for epoll_wait: -1 for ever. */
static int port_left(uint64_t deadline)
{
    uint64_t now;
    if (deadline == UINT64_MAX)
        return -1;
    now = wipc_plat_now_ms();
    if (now >= deadline)
        return 0;
    return deadline - now > INT_MAX ? INT_MAX : (int)(deadline - now);
}

/* One sleep in the port: its epoll set, and the thread's APC descriptor
 * when alertable.  Returns the reports in ev (*n), and sets *alerted. */
static void port_sleep(struct io_port *port, int timeout, int alert_fd,
                       struct wipc_plat_pollfd *ev, int *n, int *alerted)
{
    *n = 0;
    *alerted = 0;
    if (alert_fd < 0) {
        wipc_plat_epoll_wait(port->epfd, ev, 64, timeout, n);
        return;
    }
    {
        int fds[2] = {port->epfd, alert_fd}, ready[2] = {0, 0}, nr = 0;
        wipc_plat_poll_readable(fds, ready, 2, timeout, &nr);
        if (ready[0])
            wipc_plat_epoll_wait(port->epfd, ev, 64, 0, n);
        *alerted = ready[1];
    }
}

DWORD wipc_io_port_get(struct wipc_object *obj, struct wipc_io_packet *out,
                       ULONG max, ULONG *got, DWORD timeout_ms, int alert_fd)
{
    struct io_port *port = port_of(obj);
    uint64_t deadline = timeout_ms == INFINITE
                            ? UINT64_MAX
                            : wipc_plat_now_ms() + timeout_ms;
    int looked = 0; /* the port's I/O was run at least once */
    /* Reports run per look: as many as the caller takes packets (one
     * for GetQueuedCompletionStatus). */
    int per_look = max < 64 ? (int)max : 64;
    DWORD err;

    int was_running;

    *got = 0;
    /* What its sources know by now is in the queue before it is looked at:
     * a job's message is never late for a thread that has seen the event
     * (a process of the job that ended) before it came here. */
    port_pull_sources(port);
    was_running = port_thread_enters(port);
    wipc_mutex_lock(&port->lock);
    /* It comes back: it looks at the queue itself first, as on Windows,
     * where the last thread in is the first out. */
    if (was_running && port->running > 0)
        port->running--;
    port->waiters++;
    for (;;) {
        struct wipc_plat_pollfd ev[64];
        int n = 0, alerted = 0, left, io_left;

        if (port->closed) {
            err = ERROR_ABANDONED_WAIT_0;
            break;
        }
        if (port->first && port->running < port->limit) {
            *got = port_take_locked(port, out, max);
            err = 0;
            break;
        }
        if (port->nstash > 0) {
            /* Reports an earlier look left (the oldest first): run
             * here, their packets come to this queue. */
            n = port_unstash_locked(port, ev, per_look);
            wipc_mutex_unlock(&port->lock);
            wipc_io_run_events(port->epfd, ev, n);
            looked = 1;
            wipc_mutex_lock(&port->lock);
            continue;
        }
        left = port_left(deadline);
        if (left == 0 && looked) {
            err = WAIT_TIMEOUT;
            break;
        }
        /* Asleep until the port's files are ready, a packet comes, or an
         * operation's own time is up. */
        io_left = wipc_io_next_timeout();
        if (io_left >= 0 && (left < 0 || io_left < left))
            left = io_left;
        port->sleeping++;
        wipc_mutex_unlock(&port->lock);
        port_sleep(port, left, alert_fd, ev, &n, &alerted);
        wipc_mutex_lock(&port->lock);
        port->sleeping--;
        n = port_drop_bell_locked(port, ev, n, 1);
        n = port_stash_locked(port, ev, n, per_look);
        wipc_mutex_unlock(&port->lock);
        /* The operations whose descriptors were reported, in this thread:
         * their packets come to this queue. */
        wipc_io_run_events(port->epfd, ev, n);
        looked = 1;
        wipc_mutex_lock(&port->lock);
        if (alerted && !port->first) {
            err = WAIT_IO_COMPLETION;
            break;
        }
    }
    port->waiters--;
    if (port->waiters == 0)
        port->idle_since = wipc_plat_now_ms();
    port_thread_leaves_locked(port);
    port_pass_on_locked(port);
    wipc_mutex_unlock(&port->lock);
    port_thread_associate(port);
    if (*got)
        wipc_object_signal_observe(obj);
    return err;
}

/* ---- The engine's look at the ports -------------------------------------------- */

/* A reference on a port in ports.all, unless its last one is gone (it is
 * on its way to port_destroy, which waits for ports.lock). */
static int port_grab_live(struct io_port *port)
{
    long r = atomic_load(&port->obj.refcount);
    while (r > 0)
        if (atomic_compare_exchange_weak(&port->obj.refcount, &r, r + 1))
            return 1;
    return 0;
}

size_t wipc_io_ports_list(struct wipc_object **out, size_t max,
                          uint64_t idle_ms)
{
    uint64_t now = wipc_plat_now_ms();
    size_t n = 0;
    wipc_mutex_lock(&ports.lock);
    for (struct io_port *port = ports.all; port && n < max; port = port->next) {
        int take;
        wipc_mutex_lock(&port->lock);
        take = idle_ms == 0 ||
               (port->waiters == 0 && now - port->idle_since >= idle_ms);
        wipc_mutex_unlock(&port->lock);
        if (take && port_grab_live(port))
            out[n++] = &port->obj;
    }
    wipc_mutex_unlock(&ports.lock);
    return n;
}

int wipc_io_port_poll(struct wipc_object *obj, struct wipc_plat_pollfd *ev,
                      int max)
{
    struct io_port *port = port_of(obj);
    int n = 0, k;
    /* The reports that threads left in the stash first. */
    wipc_mutex_lock(&port->lock);
    k = port_unstash_locked(port, ev, max);
    wipc_mutex_unlock(&port->lock);
    if (k < max)
        wipc_plat_epoll_wait(port->epfd, ev + k, max - k, 0, &n);
    if (n > 0) {
        wipc_mutex_lock(&port->lock);
        n = port_drop_bell_locked(port, ev + k, n, 0);
        wipc_mutex_unlock(&port->lock);
    }
    return k + n;
}
