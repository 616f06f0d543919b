/*
 * mailslot.c: mailslots, one-way message boxes.
 *
 * A mailslot's messages wait in its queue: a ring of messages in a file
 * (in /dev/shm: see ms_queue_dir) that every process holding the mailslot
 * maps, guarded by a robust process-shared mutex inside it.  The receiver's handles, wherever they are (inherited
 * or duplicated into other processes), share that one queue: a message is
 * read once, by whichever of them reads first; GetMailslotInfo counts the
 * queue without taking anything; the read time-out lives in the queue too,
 * so SetMailslotInfo through any of them applies to all ("all inherited
 * mailslot handles", as the documentation says).  Messages keep the order
 * in which writers queued them; a writer waits only while the queue is
 * full (MS_RING_BYTES of messages), never for a reader.
 *
 * The queue is published with a single 64-bit store of its state (head,
 * tail and count) after the message is in place, so a process killed in
 * the middle of a write or a read leaves the queue as it was before, or
 * after: never half of a message.
 *
 * Each mailslot also owns a datagram socket in the abstract namespace,
 * bound with a random name that the registry file of the mailslot's name
 * records.  Its receivers all hold it (inherited copies too): the kernel
 * unbinds it when the last of them closes or dies, which frees the name at
 * once.  Writers connect a socket to it and, after each message, ring it
 * with an empty datagram: that wakes a waiting receiver (or a poll() on
 * winipc_handle_fd), and a writer whose receiver is gone learns it there
 * (ERROR_FILE_NOT_FOUND).  The queue file is private to the receiver's
 * user; a writer of another user (a mailslot created with a NULL DACL)
 * sends each message as a datagram on that socket instead, and the
 * receiver moves such messages into the queue when it finds it empty or
 * counts it.  Datagrams with data are taken from public mailslots only.
 *
 * A message can be no larger than MS_MSG_MAX (200 KiB, which also fits a
 * datagram): a larger WriteFile fails with ERROR_INVALID_PARAMETER, as one
 * larger than nMaxMessageSize does, and nothing is sent.
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/namespace.h"
#include "registry_list.h"
#include "../platform/platform_net.h"
#include "objects.h"

#define MS_MAGIC 0x544F4C53u /* "SLOT" */
#define MS_VERSION 2u

/* Queue files: /dev/shm/.winipc-mq.ID, or ROOT/mq.ID (see ms_queue_dir):
 * no folder of their own, which would be whichever user's made it first. */
#define MS_QUEUE_PREFIX_SHM ".winipc-mq."
#define MS_QUEUE_PREFIX_ROOT "mq."
#define MS_QUEUE_MAGIC 0x51534D57u /* "WMSQ" */
#define MS_QUEUE_VERSION 1u
#define MS_RING_OFFSET 4096u
#define MS_RING_BYTES (4u << 20)
#define MS_UNIT 8u
#define MS_UNITS (MS_RING_BYTES / MS_UNIT)
#define MS_FILE_SIZE ((uint64_t)MS_RING_OFFSET + MS_RING_BYTES)

#define MS_MARK_MSG 0x2147534Du  /* a message */
#define MS_MARK_WRAP 0x50415257u /* the rest of the ring is unused */

/* How long a writer waits for room before it looks whether its receiver
 * is still there. */
#define MS_SPACE_POLL_MS 50

/* The registry file of a name (see namespace.h). */
struct ms_header {
    uint32_t magic, version;
    uint32_t max_msg, owner_uid, is_public;
    uint32_t receiver_pid; /* its creator, for listings */
    uint64_t sock_id;
    char name[WIPC_NS_NAME_MAX + 16];
};

/* The head of the queue file, shared by every process that maps it. */
struct ms_queue {
    uint32_t magic, version;
    uint64_t sock_id;
    uint32_t max_msg, is_public;
    _Atomic uint32_t timeout;
    _Atomic uint32_t pollers;         /* winipc_handle_fd was asked for */
    _Atomic uint32_t space_seq;       /* futex: bumped when room is freed */
    _Atomic uint32_t space_waiters;   /* writers waiting for room */
    _Atomic uint32_t readers_waiting; /* receivers waiting for a message */
    uint32_t pad;
    /* Under lock: head | tail << 20 | count << 40; head and tail in units
     * of MS_UNIT bytes from the ring's start. */
    _Atomic uint64_t state;
    wipc_shared_mutex lock;
};

_Static_assert(sizeof(struct ms_queue) <= MS_RING_OFFSET,
               "the queue's head fits its page");
_Static_assert(MS_UNITS < (1u << 20), "ring offsets fit 20 bits");

/* A message in the ring: this, then len bytes, padded to MS_UNIT. */
struct ms_rec {
    uint32_t len, mark;
};

#define ST_HEAD(s) ((uint32_t)((s)&0xFFFFFu))
#define ST_TAIL(s) ((uint32_t)(((s) >> 20) & 0xFFFFFu))
#define ST_COUNT(s) ((uint32_t)(((s) >> 40) & 0xFFFFFu))
#define ST_MAKE(h, t, c)                                                       \
    ((uint64_t)(h) | (uint64_t)(t) << 20 | (uint64_t)(c) << 40)

struct wipc_mailslot {
    struct wipc_object obj;
    int receiver;
    int sock;              /* bound (receiver) or connected (writer) */
    uint64_t sock_id;
    DWORD max_msg;
    int is_public;
    struct ms_queue *q;    /* NULL: a writer that sends datagrams */
    char path[WIPC_NS_PATH_MAX]; /* the registry file (its creator only) */
};

static inline struct wipc_mailslot *ms_of(struct wipc_object *obj)
{
    return (struct wipc_mailslot *)obj;
}

static inline size_t ms_msg_max(void) { return wipc_plat_dgram_max(); }

/* ---- Registry and queue files -------------------------------------------------- */

/* The header, as untrusted input (a registry of another user's). */
static DWORD ms_read_header(int fd, struct ms_header *h)
{
    DWORD err = wipc_plat_pread_all(fd, h, sizeof *h, 0);
    if (!err && (h->magic != MS_MAGIC || h->version != MS_VERSION))
        err = ERROR_HANDLE_EOF;
    h->name[sizeof h->name - 1] = '\0';
    return err;
}

/* 1 if a receiver is bound at id. */
static int ms_alive(uint64_t id)
{
    int fd;
    if (wipc_plat_dgram_connect(id, &fd) != 0)
        return 0;
    wipc_plat_close(fd);
    return 1;
}

/*
 * Where queue files live: in the namespace root, except for the default
 * root (no $WINIPC_ROOT), whose queues go to the shared memory directory
 * (a tmpfs, so that a busy queue is never written back to a disk).  Other
 * roots are machines of their own, often short-lived ones (see
 * namespace.h): their queues go with them.
 */
static char ms_queue_dir_path[WIPC_NS_PATH_MAX];
static const char *ms_queue_prefix = MS_QUEUE_PREFIX_ROOT;

/* A queue file's path: the folder, "/", the prefix, 16 hex digits. */
#define MS_QUEUE_PATH_MAX (WIPC_NS_PATH_MAX + 32)
static pthread_once_t ms_queue_dir_once = PTHREAD_ONCE_INIT;

static void ms_queue_dir_init(void)
{
    char shm[256];
    char *env = wipc_plat_getenv_copy("WINIPC_ROOT");

    if ((!env || !*env) && wipc_plat_shm_dir(shm, sizeof shm) == 0) {
        snprintf(ms_queue_dir_path, sizeof ms_queue_dir_path, "%s", shm);
        ms_queue_prefix = MS_QUEUE_PREFIX_SHM;
    } else {
        snprintf(ms_queue_dir_path, sizeof ms_queue_dir_path, "%s",
                 wipc_ns_root());
    }
    free(env);
}

static const char *ms_queue_dir(void)
{
    pthread_once(&ms_queue_dir_once, ms_queue_dir_init);
    return ms_queue_dir_path;
}

static void ms_queue_path(uint64_t id, char *path, size_t len)
{
    const char *dir = ms_queue_dir();
    snprintf(path, len, "%s/%s%016llx", dir, ms_queue_prefix,
             (unsigned long long)id);
}

/*
 * Removes the queue files of mailslots that no process holds any more (a
 * process that ends without closing its mailslot handles leaves its queue
 * file behind).  A queue file is created after its socket is bound, and
 * the socket is unbound only when the last process holding the mailslot
 * lets it go: a file whose socket is not bound is nobody's.
 */
static void ms_queue_collect(void)
{
    char **names = NULL, path[MS_QUEUE_PATH_MAX];
    size_t n = 0;

    if (wipc_plat_list_dir(ms_queue_dir(), &names, &n) != 0)
        return;
    for (size_t i = 0; i < n; i++) {
        size_t plen = strlen(ms_queue_prefix);
        unsigned long long id = 0;
        char mine[20];
        if (strncmp(names[i], ms_queue_prefix, plen) != 0 ||
            sscanf(names[i] + plen, "%16llx", &id) != 1 || !id)
            continue;
        snprintf(mine, sizeof mine, "%016llx", id);
        if (strcmp(mine, names[i] + plen) != 0 || ms_alive(id))
            continue; /* not a queue file, or one in use */
        ms_queue_path(id, path, sizeof path);
        wipc_plat_unlink(path);
    }
    wipc_plat_free_names(names, n);
}

static void ms_queue_remove(uint64_t id)
{
    char path[MS_QUEUE_PATH_MAX];
    ms_queue_path(id, path, sizeof path);
    wipc_plat_unlink(path);
}

/* Maps the queue of mailslot id: ERROR_FILE_NOT_FOUND if it is gone (or is
 * not that mailslot's), ERROR_ACCESS_DENIED if it is another user's. */
static DWORD ms_queue_map(uint64_t id, struct ms_queue **out)
{
    char path[MS_QUEUE_PATH_MAX];
    struct ms_queue *q;
    uint64_t size = 0;
    DWORD uid, err;
    int fd;
    void *p;

    ms_queue_path(id, path, sizeof path);
    err = wipc_plat_spool_open(path, &fd, &uid, &size);
    if (err)
        return err;
    if (uid != wipc_plat_geteuid())
        err = ERROR_ACCESS_DENIED; /* never map another user's file */
    else if (size != MS_FILE_SIZE)
        err = ERROR_FILE_NOT_FOUND;
    if (!err)
        err = wipc_plat_map_shared(fd, MS_FILE_SIZE, &p);
    wipc_plat_close(fd);
    if (err)
        return err;
    q = p;
    if (q->magic != MS_QUEUE_MAGIC || q->version != MS_QUEUE_VERSION ||
        q->sock_id != id) {
        wipc_plat_unmap(p, MS_FILE_SIZE);
        return ERROR_FILE_NOT_FOUND;
    }
    *out = q;
    return 0;
}

/* A new queue file for mailslot id. */
static DWORD ms_queue_create(uint64_t id, DWORD max_msg, DWORD timeout,
                             int is_public, struct ms_queue **out)
{
    char path[MS_QUEUE_PATH_MAX];
    struct ms_queue *q;
    DWORD err;
    int fd;
    void *p;

    ms_queue_path(id, path, sizeof path);
    err = wipc_plat_spool_create(path, 0600, MS_FILE_SIZE, &fd);
    if (err)
        return err;
    err = wipc_plat_map_shared(fd, MS_FILE_SIZE, &p);
    wipc_plat_close(fd);
    if (!err) {
        q = p;
        err = wipc_plat_shared_mutex_init(&q->lock);
        if (err)
            wipc_plat_unmap(p, MS_FILE_SIZE);
    }
    if (err) {
        wipc_plat_unlink(path);
        return err;
    }
    q->sock_id = id;
    q->max_msg = max_msg;
    q->is_public = is_public != 0;
    atomic_init(&q->timeout, timeout);
    atomic_init(&q->state, 0);
    q->version = MS_QUEUE_VERSION;
    q->magic = MS_QUEUE_MAGIC;
    *out = q;
    return 0;
}

/* ---- The ring (all under the queue's lock) ----------------------------------- */

static inline unsigned char *ms_ring(struct ms_queue *q)
{
    return (unsigned char *)q + MS_RING_OFFSET;
}

static inline uint32_t ms_units(size_t len)
{
    return 1u + (uint32_t)((len + MS_UNIT - 1) / MS_UNIT);
}

/* Units in use between head and tail (skipped ends included). */
static uint32_t ms_used(uint32_t h, uint32_t t, uint32_t c)
{
    if (c == 0)
        return 0;
    return t > h ? t - h : MS_UNITS - h + t;
}

/* The state, or the empty one if it makes no sense (the queue file of a
 * public mailslot is the receiver's own, but be safe). */
static uint64_t ms_state(struct ms_queue *q)
{
    uint64_t s = atomic_load_explicit(&q->state, memory_order_acquire);
    if (ST_HEAD(s) >= MS_UNITS || ST_TAIL(s) >= MS_UNITS ||
        ST_COUNT(s) > MS_UNITS || (ST_COUNT(s) == 0 && s != 0))
        return 0;
    return s;
}

static inline void ms_publish(struct ms_queue *q, uint64_t s)
{
    atomic_store_explicit(&q->state, s, memory_order_release);
}

/*
 * The first message: 1 with its length and the offset (in units) of its
 * record, *s updated past a skipped end; 0 if the queue is empty.  A
 * record that makes no sense empties the queue.
 */
static int ms_head(struct ms_queue *q, uint64_t *s, uint32_t *at,
                   uint32_t *len)
{
    uint32_t h = ST_HEAD(*s), t = ST_TAIL(*s), c = ST_COUNT(*s);
    struct ms_rec rec;

    if (c == 0)
        return 0;
    memcpy(&rec, ms_ring(q) + (size_t)h * MS_UNIT, sizeof rec);
    if (rec.mark == MS_MARK_WRAP && h != 0) {
        h = 0;
        memcpy(&rec, ms_ring(q), sizeof rec);
    }
    if (rec.mark != MS_MARK_MSG || rec.len > ms_msg_max() ||
        h + ms_units(rec.len) > MS_UNITS ||
        ms_units(rec.len) > ms_used(h, t, c)) {
        ms_publish(q, 0); /* nothing sensible is left */
        *s = 0;
        return 0;
    }
    *s = ST_MAKE(h, t, c);
    *at = h;
    *len = rec.len;
    return 1;
}

/* The state once the first message (at, len) is gone. */
static uint64_t ms_after_pop(uint64_t s, uint32_t at, uint32_t len)
{
    uint32_t h = at + ms_units(len), c = ST_COUNT(s) - 1;
    if (c == 0)
        return 0;
    return ST_MAKE(h == MS_UNITS ? 0 : h, ST_TAIL(s), c);
}

/*
 * Room for a message of len bytes: ERROR_BUSY if the ring is full.
 * Otherwise *at is where its record goes (a skipped end is marked) and *s
 * the state to publish once the record is written.
 */
static DWORD ms_reserve(struct ms_queue *q, size_t len, uint64_t *s,
                        uint32_t *at)
{
    uint64_t cur = ms_state(q);
    uint32_t h = ST_HEAD(cur), t = ST_TAIL(cur), c = ST_COUNT(cur);
    uint32_t units = ms_units(len), need = units, pos = t, end;

    if (t + units > MS_UNITS) {
        need = MS_UNITS - t + units; /* skip the end, start over at 0 */
        pos = 0;
    }
    if (ms_used(h, t, c) + need > MS_UNITS || c + 1 > MS_UNITS)
        return ERROR_BUSY;
    if (pos != t) {
        struct ms_rec wrap = {0, MS_MARK_WRAP};
        memcpy(ms_ring(q) + (size_t)t * MS_UNIT, &wrap, sizeof wrap);
    }
    end = pos + units;
    *at = pos;
    *s = ST_MAKE(h, end == MS_UNITS ? 0 : end, c + 1);
    return 0;
}

/* Writes the record at (units) and returns where its data goes. */
static unsigned char *ms_record(struct ms_queue *q, uint32_t at, size_t len)
{
    struct ms_rec rec = {(uint32_t)len, MS_MARK_MSG};
    unsigned char *p = ms_ring(q) + (size_t)at * MS_UNIT;
    memcpy(p, &rec, sizeof rec);
    return p + sizeof rec;
}

/* Wakes the writers that wait for room. */
static void ms_room_freed(struct ms_queue *q)
{
    if (atomic_load(&q->space_waiters)) {
        atomic_fetch_add(&q->space_seq, 1);
        wipc_plat_futex_wake_all((uint32_t *)&q->space_seq);
    }
}

/* ---- Doorbells ------------------------------------------------------------------ */

/* The receiver rings itself (another receiver may be waiting, or a poll). */
static void ms_ring_self(struct wipc_mailslot *m)
{
    wipc_plat_dgram_sendto_id(m->sock, m->sock_id, NULL, 0);
}

/*
 * Empties the receiver's socket: doorbells are dropped, messages from
 * writers that send datagrams move into the queue (while it has room:
 * the rest wait in the socket).  Such messages are taken from public
 * mailslots only, and only if they are not too large.
 */
static void ms_drain(struct wipc_mailslot *m)
{
    struct ms_queue *q = m->q;
    if (!m->is_public) {
        /* Only doorbells count here: drop them all at once. */
        wipc_plat_doorbell_flush(m->sock);
        return;
    }
    for (;;) {
        size_t n = 0, got = 0;
        uint64_t s;
        uint32_t at;
        DWORD err;

        if (wipc_plat_shared_mutex_lock(&q->lock))
            return;
        err = wipc_plat_doorbell_next(m->sock, &n);
        if (err) {
            wipc_plat_shared_mutex_unlock(&q->lock);
            return;
        }
        if (n == 0 || !m->is_public || n > ms_msg_max() ||
            (m->max_msg && n > m->max_msg)) {
            wipc_plat_doorbell_take(m->sock, NULL, 0, NULL);
        } else if (ms_reserve(q, n, &s, &at) != 0) {
            wipc_plat_shared_mutex_unlock(&q->lock);
            return; /* no room: it waits */
        } else if (wipc_plat_doorbell_take(m->sock, ms_record(q, at, n), n,
                                           &got) == 0 &&
                   got == n) {
            ms_publish(q, s);
        }
        wipc_plat_shared_mutex_unlock(&q->lock);
    }
}

/* ---- The object --------------------------------------------------------------- */

static void ms_destroy(struct wipc_object *obj)
{
    struct wipc_mailslot *m = ms_of(obj);
    struct ms_header h;
    struct wipc_ns_file f;
    int created;

    if (m->receiver) /* before the network can hand it anything more */
        wipc_mailslot_net_unregister(obj);
    wipc_plat_unmap(m->q, MS_FILE_SIZE);
    wipc_plat_close(m->sock);
    /* The last receiver gone (no copy in another process still holds the
     * socket): its queue goes, and the registry file of its name, which
     * is all that is left of the name. */
    if (m->receiver && m->sock_id && !ms_alive(m->sock_id)) {
        if (m->path[0] &&
            wipc_ns_open(m->path, WIPC_NS_OWNER, 0, &f, &created) == 0) {
            if (ms_read_header(f.fd, &h) != 0 || h.sock_id == m->sock_id ||
                !ms_alive(h.sock_id))
                wipc_ns_remove_locked(m->path);
            wipc_plat_close(f.fd);
        }
        ms_queue_remove(m->sock_id);
    }
    free(m);
}

static int ms_signal_fd(struct wipc_object *obj)
{
    (void)obj;
    return -1; /* file handles are always signalled */
}

/* The receiver's socket is readable while a doorbell or a message waits
 * there; once asked for this, receivers keep it so while the queue holds
 * messages, and quiet when it is empty. */
static int ms_get_fd(struct wipc_object *obj)
{
    struct wipc_mailslot *m = ms_of(obj);
    if (m->receiver && m->q && !atomic_exchange(&m->q->pollers, 1) &&
        ST_COUNT(ms_state(m->q)) > 0)
        ms_ring_self(m);
    return m->sock;
}

static void ms_inherit_info(struct wipc_object *obj, int *fd, char *tag,
                            size_t taglen)
{
    struct wipc_mailslot *m = ms_of(obj);
    *fd = m->sock;
    snprintf(tag, taglen, "mailslot.%d.%llx", m->receiver,
             (unsigned long long)m->sock_id);
}

/*
 * Takes the first message into buf (lock held): 0 with *got, or
 * ERROR_INSUFFICIENT_BUFFER (it stays queued), or ERROR_NO_DATA if the
 * queue is empty.
 */
static DWORD ms_take(struct wipc_mailslot *m, void *buf, DWORD len,
                     DWORD *got)
{
    struct ms_queue *q = m->q;
    uint64_t s = ms_state(q);
    uint32_t at, n;

    if (!ms_head(q, &s, &at, &n))
        return ERROR_NO_DATA;
    if (n > len)
        return ERROR_INSUFFICIENT_BUFFER;
    if (n) /* buf may be NULL for an empty message */
        memcpy(buf, ms_ring(q) + (size_t)at * MS_UNIT + sizeof(struct ms_rec),
               n);
    *got = n;
    s = ms_after_pop(s, at, n);
    ms_publish(q, s);
    ms_room_freed(q);
    return 0;
}

static DWORD ms_read(struct wipc_object *obj, void *buf, DWORD len,
                     int64_t offset, DWORD *got)
{
    struct wipc_mailslot *m = ms_of(obj);
    struct ms_queue *q = m->q;
    DWORD timeout, err;
    uint64_t start = 0;
    int waiting = 0;

    (void)offset;
    *got = 0;
    if (!m->receiver)
        return ERROR_ACCESS_DENIED; /* writers cannot read */
    timeout = atomic_load(&q->timeout);
    for (int pass = 0;; pass++) {
        uint32_t left;
        int ready = 0, wait_ms;

        if (wipc_plat_shared_mutex_lock(&q->lock))
            return ERROR_GEN_FAILURE;
        err = ms_take(m, buf, len, got);
        left = ST_COUNT(ms_state(q));
        /* About to wait: from now on a writer's doorbell wakes us. */
        if (err == ERROR_NO_DATA && pass % 2 == 1 && !waiting) {
            atomic_fetch_add(&q->readers_waiting, 1);
            waiting = 1;
        }
        wipc_plat_shared_mutex_unlock(&q->lock);
        if (err != ERROR_NO_DATA) {
            if (waiting)
                atomic_fetch_sub(&q->readers_waiting, 1);
            waiting = 0;
            if (err)
                return err;
            if (left > 0 && atomic_load(&q->readers_waiting))
                ms_ring_self(m); /* another receiver may sleep */
            else if (left == 0 && atomic_load(&q->pollers)) {
                ms_drain(m); /* the socket goes quiet with the queue */
                if (ST_COUNT(ms_state(q)) > 0)
                    ms_ring_self(m);
            }
            return 0;
        }
        /* Empty.  First move in what waits in the socket and look again;
         * then wait for a doorbell. */
        if (pass % 2 == 0) {
            ms_drain(m);
            continue;
        }
        if (!start)
            start = wipc_plat_now_ms();
        if (timeout == MAILSLOT_WAIT_FOREVER) {
            wait_ms = -1;
        } else {
            uint64_t spent = wipc_plat_now_ms() - start;
            if (spent >= timeout) {
                atomic_fetch_sub(&q->readers_waiting, 1);
                return ERROR_SEM_TIMEOUT;
            }
            wait_ms = (int)(timeout - spent);
        }
        err = wipc_plat_wait_readable(m->sock, wait_ms, &ready);
        if (err) {
            atomic_fetch_sub(&q->readers_waiting, 1);
            return err;
        }
    }
}

/*
 * Queues a message (not too large): waiting while the queue is full
 * (unless nowait: ERROR_BUSY), then rings the receiver's doorbell
 * (ERROR_FILE_NOT_FOUND if the receiver is gone).
 */
static DWORD ms_append(struct wipc_mailslot *m, const void *buf, size_t len,
                       int nowait)
{
    struct ms_queue *q = m->q;
    for (;;) {
        uint64_t s;
        uint32_t at, seq = 0;
        DWORD err;

        if (wipc_plat_shared_mutex_lock(&q->lock))
            return ERROR_GEN_FAILURE;
        err = ms_reserve(q, len, &s, &at);
        if (!err) {
            unsigned char *p = ms_record(q, at, len);
            if (len)
                memcpy(p, buf, len);
            ms_publish(q, s);
        } else if (!nowait) {
            atomic_fetch_add(&q->space_waiters, 1);
            seq = atomic_load(&q->space_seq);
        }
        wipc_plat_shared_mutex_unlock(&q->lock);
        if (!err && m->receiver) {
            ms_ring_self(m);
            return 0;
        }
        if (!err)
            return wipc_plat_doorbell_ring(m->sock);
        if (nowait)
            return ERROR_BUSY;
        wipc_plat_futex_wait((uint32_t *)&q->space_seq, seq, MS_SPACE_POLL_MS);
        atomic_fetch_sub(&q->space_waiters, 1);
        /* Still full: is anybody going to read? */
        if (!m->receiver) {
            err = wipc_plat_doorbell_ring(m->sock);
            if (err)
                return err;
        }
    }
}

static DWORD ms_write(struct wipc_object *obj, const void *buf, DWORD len,
                      int64_t offset, DWORD *done)
{
    struct wipc_mailslot *m = ms_of(obj);
    DWORD err;

    (void)offset;
    *done = 0;
    if (m->receiver)
        return ERROR_ACCESS_DENIED; /* the receiver cannot write */
    /* Larger than the slot's maximum, or than a message can be. */
    if ((m->max_msg && len > m->max_msg) || len > ms_msg_max())
        return ERROR_INVALID_PARAMETER;
    if (m->q)
        err = ms_append(m, buf, len, 0);
    else /* another user's mailslot: a datagram */
        err = wipc_plat_dgram_send(m->sock, buf, len);
    if (!err)
        *done = len;
    return err;
}

const struct wipc_object_ops wipc_mailslot_ops = {
    .type_name = "File",
    .file_type = FILE_TYPE_PIPE,
    .mapping = {FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE,
                FILE_ALL_ACCESS},
    .signal_fd = ms_signal_fd,
    .read = ms_read,
    .write = ms_write,
    .inherit_info = ms_inherit_info,
    .get_fd = ms_get_fd,
    .destroy = ms_destroy,
};

/* ---- Creating ------------------------------------------------------------------ */

static struct wipc_mailslot *ms_alloc(int receiver)
{
    struct wipc_mailslot *m = calloc(1, sizeof *m);
    if (m) {
        m->receiver = receiver;
        m->sock = -1;
    }
    return m;
}

DWORD wipc_mailslot_create(const char *path, const char *name, DWORD max_msg,
                           DWORD timeout, int is_public,
                           struct wipc_object **out)
{
    struct wipc_mailslot *m = ms_alloc(1);
    struct ms_header h;
    struct wipc_ns_file f;
    int fd = -1, created;
    DWORD err;

    if (!m)
        return ERROR_NOT_ENOUGH_MEMORY;
    m->max_msg = max_msg;
    m->is_public = is_public != 0;
    /* Only its owner may write a registry; writers read a public one. */
    err = wipc_ns_open(path, WIPC_NS_CREATE, is_public ? 0644 : 0600, &f,
                       &created);
    if (err == ERROR_LOCK_VIOLATION)
        err = ERROR_ALREADY_EXISTS; /* in use, by another user */
    if (err)
        goto fail;
    fd = f.fd;
    if (ms_read_header(fd, &h) == 0) {
        if (ms_alive(h.sock_id)) {
            err = ERROR_ALREADY_EXISTS;
            goto fail;
        }
        ms_queue_remove(h.sock_id); /* left by a receiver that died */
    }
    memset(&h, 0, sizeof h);
    h.magic = MS_MAGIC;
    h.version = MS_VERSION;
    h.max_msg = max_msg;
    h.owner_uid = wipc_plat_geteuid();
    h.is_public = is_public != 0;
    h.receiver_pid = wipc_plat_getpid();
    snprintf(h.name, sizeof h.name, "%s", name);
    do
        h.sock_id = wipc_plat_random64();
    while (!h.sock_id);
    /* The socket first: a queue file whose socket is not bound is taken
     * for one left behind (ms_queue_collect). */
    err = wipc_plat_doorbell_bind(h.sock_id, &m->sock);
    if (!err) {
        ms_queue_collect();
        m->sock_id = h.sock_id; /* from here on ms_destroy tidies up */
        err = ms_queue_create(h.sock_id, max_msg, timeout, is_public, &m->q);
    }
    if (!err)
        err = wipc_plat_pwrite_all(fd, &h, sizeof h, 0);
fail:
    wipc_plat_close(fd);
    if (err) {
        ms_destroy(&m->obj);
        return err;
    }
    snprintf(m->path, sizeof m->path, "%s", path);
    wipc_object_init(&m->obj, &wipc_mailslot_ops);
    /* Messages from other machines for this name (mailslot_net.c). */
    wipc_mailslot_net_register(&m->obj, path, h.sock_id);
    *out = &m->obj;
    return 0;
}

/* One attempt of wipc_mailslot_open; *again: the registry read was
 * replaced meanwhile (by a receiver made anew), look at the new one. */
static DWORD ms_open_once(const char *path, struct wipc_object **out,
                          int *again)
{
    struct wipc_mailslot *m;
    struct ms_header h;
    struct wipc_ns_file f;
    int fd, created;
    DWORD err = wipc_ns_open(path, WIPC_NS_READ, 0, &f, &created);

    if (err == ERROR_LOCK_VIOLATION)
        err = ERROR_FILE_NOT_FOUND; /* another user's lock, past the bound */
    if (err)
        return err;
    fd = f.fd;
    m = ms_alloc(0);
    if (!m) {
        wipc_plat_close(fd);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    err = ms_read_header(fd, &h) ? ERROR_FILE_NOT_FOUND : 0;
    if (!err)
        err = wipc_plat_dgram_connect(h.sock_id, &m->sock);
    if (err == ERROR_FILE_NOT_FOUND) {
        if (wipc_ns_still_there(fd, path))
            wipc_ns_remove_locked(path); /* its receiver is gone */
        else
            *again = 1;
    }
    /* The queue, unless it is another user's: then datagrams. */
    if (!err) {
        m->sock_id = h.sock_id;
        /* A mailslot of another user's: datagrams (its queue is private
         * to the receiver's user, whose registry this is). */
        if (f.owner == wipc_plat_geteuid())
            err = ms_queue_map(h.sock_id, &m->q);
    }
    wipc_plat_close(fd);
    if (err) {
        ms_destroy(&m->obj);
        return err;
    }
    m->max_msg = h.max_msg;
    m->is_public = h.is_public != 0;
    wipc_object_init(&m->obj, &wipc_mailslot_ops);
    *out = &m->obj;
    return 0;
}

DWORD wipc_mailslot_open(const char *path, struct wipc_object **out)
{
    DWORD err;
    for (int attempt = 0; attempt < 100; attempt++) {
        int again = 0;
        err = ms_open_once(path, out, &again);
        if (!again)
            break;
    }
    return err;
}

DWORD wipc_mailslot_adopt(int fd, const char *args, struct wipc_object **out)
{
    unsigned receiver = 0;
    unsigned long long id = 0;
    struct wipc_mailslot *m;
    DWORD err;

    if (sscanf(args, "%u.%llx", &receiver, &id) != 2 || !id)
        return ERROR_INVALID_DATA;
    m = ms_alloc(receiver != 0);
    if (!m)
        return ERROR_NOT_ENOUGH_MEMORY;
    err = ms_queue_map(id, &m->q);
    if (err == ERROR_ACCESS_DENIED && !m->receiver)
        err = 0; /* a writer of another user's mailslot */
    if (err) {
        free(m);
        return err;
    }
    m->sock = fd;
    m->sock_id = id;
    if (m->q) {
        m->max_msg = m->q->max_msg;
        m->is_public = m->q->is_public != 0;
    }
    wipc_object_init(&m->obj, &wipc_mailslot_ops);
    *out = &m->obj;
    return 0;
}

/* ---- Queries ----------------------------------------------------------------- */

int wipc_is_mailslot_receiver(const struct wipc_object *obj)
{
    return obj->ops == &wipc_mailslot_ops &&
           ((const struct wipc_mailslot *)obj)->receiver;
}

DWORD wipc_mailslot_info(struct wipc_object *obj, DWORD *max_msg,
                         DWORD *next, DWORD *count, DWORD *timeout)
{
    struct wipc_mailslot *m = ms_of(obj);
    struct ms_queue *q = m->q;
    uint64_t s;
    uint32_t at, len;

    /* Count what waits in the socket too. */
    ms_drain(m);
    if (wipc_plat_shared_mutex_lock(&q->lock))
        return ERROR_GEN_FAILURE;
    s = ms_state(q);
    *next = ms_head(q, &s, &at, &len) ? len : MAILSLOT_NO_MESSAGE;
    *count = ST_COUNT(s);
    wipc_plat_shared_mutex_unlock(&q->lock);
    *max_msg = m->max_msg;
    *timeout = atomic_load(&q->timeout);
    if (*count > 0 && atomic_load(&q->pollers))
        ms_ring_self(m); /* the drain took the doorbells */
    return 0;
}

void wipc_mailslot_set_timeout(struct wipc_object *obj, DWORD timeout)
{
    atomic_store(&ms_of(obj)->q->timeout, timeout);
}

/* ---- Listings (registry_list.h) ----------------------------------------------- */

DWORD wipc_mailslot_status(const char *path, struct wipc_mailslot_status *st)
{
    struct ms_header h;
    struct wipc_ns_file f;
    int created;
    DWORD err = wipc_ns_open(path, WIPC_NS_READ, 0, &f, &created);

    memset(st, 0, sizeof *st);
    if (err)
        return err;
    if (ms_read_header(f.fd, &h) != 0 || !ms_alive(h.sock_id))
        err = ERROR_FILE_NOT_FOUND; /* no receiver: the name is free */
    wipc_plat_close(f.fd); /* drops the mutex */
    if (err)
        return err;
    memcpy(st->name, h.name, sizeof st->name);
    st->name[sizeof st->name - 1] = '\0';
    st->owner_uid = f.owner; /* the file's owner, not what it says */
    st->is_public = h.is_public != 0;
    st->max_msg = h.max_msg;
    st->receiver_pid = h.receiver_pid;
    return 0;
}

/* ---- Messages from the network (mailslot_net.c) ------------------------------ */

/* At most this many messages wait in a receiver's queue before the network
 * may add more: traffic cannot fill it for local writers. */
#define MS_NET_BACKLOG 1024

DWORD wipc_mailslot_net_deliver(struct wipc_object *obj, uint64_t sock_id,
                                const void *buf, size_t len)
{
    struct wipc_mailslot *m = ms_of(obj);

    (void)sock_id;
    if ((m->max_msg && len > m->max_msg) || len > ms_msg_max())
        return ERROR_INVALID_PARAMETER; /* as a local writer is refused */
    if (ST_COUNT(ms_state(m->q)) >= MS_NET_BACKLOG)
        return ERROR_BUSY;
    return ms_append(m, buf, len, 1);
}

DWORD wipc_mailslot_forward(const char *path, const void *buf, size_t len,
                            int fwd_fd)
{
    struct wipc_object *obj;
    struct wipc_mailslot *m;
    DWORD err = wipc_mailslot_open(path, &obj);

    if (err)
        return err;
    m = ms_of(obj);
    if ((m->max_msg && len > m->max_msg) || len > ms_msg_max())
        err = ERROR_INVALID_PARAMETER;
    else if (m->q && ST_COUNT(ms_state(m->q)) >= MS_NET_BACKLOG)
        err = ERROR_BUSY;
    else if (m->q)
        err = ms_append(m, buf, len, 1);
    else /* another user's: into its socket, without waiting */
        err = wipc_plat_dgram_sendto_id(fwd_fd, m->sock_id, buf, len);
    wipc_object_release(obj);
    return err;
}

DWORD wipc_mailslot_lookup(const char *path, uint64_t *sock_id)
{
    struct ms_header h;
    struct wipc_ns_file f;
    int created;
    DWORD err = wipc_ns_open(path, WIPC_NS_READ, 0, &f, &created);

    if (err)
        return err;
    err = ms_read_header(f.fd, &h) ? ERROR_FILE_NOT_FOUND : 0;
    wipc_plat_close(f.fd); /* drops the mutex */
    if (!err)
        *sock_id = h.sock_id;
    return err;
}
