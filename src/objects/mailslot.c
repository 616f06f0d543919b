/*
 * mailslot.c: mailslots, one-way message boxes.
 *
 * The receiver (the handle CreateMailslot returns) owns a datagram socket
 * in the abstract namespace with a random name; the registry file of the
 * mailslot's name (see core/namespace.h) says which.  A writer opened with
 * CreateFile connects a datagram socket of its own to it, and each WriteFile
 * is one datagram: messages go from writer to receiver through the kernel,
 * whole, in order per writer, and a writer blocks while the receiver's queue
 * is full, so nothing is dropped.
 *
 * The name is taken for as long as the receiver's socket is bound, which
 * the kernel ends when the last process holding it closes it or dies: a
 * killed receiver frees its name at once.  Whether it is bound is checked
 * by connecting to it.
 *
 * Windows can tell the size of the next message and how many are queued;
 * a socket cannot count its datagrams, so the receiver moves queued
 * datagrams into a list of its own when asked (GetMailslotInfo) and reads
 * from that list first.  The descriptor winipc_handle_fd gives for a
 * receiver is an epoll descriptor that is readable when either the socket
 * or that list holds a message.
 *
 * A message is one datagram, so it can be no larger than a datagram the
 * receiver takes whole (wipc_plat_dgram_max, 200 KiB): a larger WriteFile
 * fails with ERROR_INVALID_PARAMETER, as one larger than nMaxMessageSize
 * does, and nothing is sent.  ReadFile receives a datagram straight into
 * the caller's buffer when the list is empty; one that does not fit goes
 * onto the list whole and stays there (ERROR_INSUFFICIENT_BUFFER).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/namespace.h"
#include "../core/registry_list.h"
#include "../platform/platform_net.h"
#include "objects.h"

#define MS_MAGIC 0x544F4C53u /* "SLOT" */
#define MS_VERSION 1u

struct ms_header {
    uint32_t magic, version;
    uint32_t max_msg, owner_uid, is_public;
    uint32_t receiver_pid; /* its creator, for listings (0 in old files) */
    uint64_t sock_id;
    char name[WIPC_NS_NAME_MAX + 16];
};

struct ms_message {
    struct ms_message *next;
    size_t len;
    char data[];
};

struct wipc_mailslot {
    struct wipc_object obj;
    int receiver;
    int sock;
    DWORD max_msg;
    DWORD owner_uid;
    int is_public;
    char path[WIPC_NS_PATH_MAX];
    /* receiver only */
    wipc_mutex lock;
    DWORD timeout;
    struct ms_message *head, *tail;
    DWORD count;
    int queue_fd; /* eventfd: readable while the list is not empty */
    int poll_fd;  /* epoll over sock and queue_fd */
    char *scratch;
};

static inline struct wipc_mailslot *ms_of(struct wipc_object *obj)
{
    return (struct wipc_mailslot *)obj;
}

/* ---- Registry -------------------------------------------------------------- */

static DWORD ms_read_header(int fd, struct ms_header *h)
{
    DWORD err = wipc_plat_pread_all(fd, h, sizeof *h, 0);
    if (!err && (h->magic != MS_MAGIC || h->version != MS_VERSION))
        err = ERROR_HANDLE_EOF;
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

/* ---- The object ----------------------------------------------------------- */

static void ms_free_queue(struct wipc_mailslot *m)
{
    while (m->head) {
        struct ms_message *next = m->head->next;
        free(m->head);
        m->head = next;
    }
    m->tail = NULL;
    m->count = 0;
}

static void ms_destroy(struct wipc_object *obj)
{
    struct wipc_mailslot *m = ms_of(obj);
    struct ms_header h;
    int fd, created;

    if (m->receiver) /* before the network can hand it anything more */
        wipc_mailslot_net_unregister(obj);
    wipc_plat_close(m->sock);
    wipc_plat_close(m->poll_fd);
    wipc_plat_close(m->queue_fd);
    /* The last receiver gone (no inherited copy still bound): tidy up the
     * registry file, which is all that is left of the name. */
    if (m->receiver && m->path[0] &&
        wipc_ns_open_locked(m->path, 0, 0, &fd, &created) == 0) {
        if (ms_read_header(fd, &h) != 0 || !ms_alive(h.sock_id))
            wipc_ns_remove_locked(m->path);
        wipc_plat_close(fd);
    }
    ms_free_queue(m);
    free(m->scratch);
    if (m->receiver)
        wipc_mutex_destroy(&m->lock);
    free(m);
}

static int ms_signal_fd(struct wipc_object *obj)
{
    (void)obj;
    return -1; /* file handles are always signalled */
}

static int ms_get_fd(struct wipc_object *obj)
{
    struct wipc_mailslot *m = ms_of(obj);
    return m->receiver ? m->poll_fd : m->sock;
}

static void ms_inherit_info(struct wipc_object *obj, int *fd, char *tag,
                            size_t taglen)
{
    struct wipc_mailslot *m = ms_of(obj);
    *fd = m->sock;
    snprintf(tag, taglen, "mailslot.%d.%u.%u.%u.%d", m->receiver,
             (unsigned)m->max_msg, (unsigned)m->timeout,
             (unsigned)m->owner_uid, m->is_public);
}

/* Appends a message, the pieces a then b, to the receiver's list (lock
 * held). */
static DWORD ms_push(struct wipc_mailslot *m, const char *a, size_t alen,
                     const char *b, size_t blen)
{
    struct ms_message *msg = malloc(sizeof *msg + alen + blen);
    if (!msg)
        return ERROR_NOT_ENOUGH_MEMORY;
    msg->next = NULL;
    msg->len = alen + blen;
    if (alen)
        memcpy(msg->data, a, alen);
    if (blen)
        memcpy(msg->data + alen, b, blen);
    if (m->tail)
        m->tail->next = msg;
    else
        m->head = msg;
    m->tail = msg;
    if (m->count++ == 0)
        wipc_plat_eventfd_set(m->queue_fd);
    return 0;
}

static void ms_pop(struct wipc_mailslot *m)
{
    struct ms_message *msg = m->head;
    m->head = msg->next;
    if (!m->head)
        m->tail = NULL;
    free(msg);
    if (--m->count == 0)
        wipc_plat_eventfd_reset(m->queue_fd, NULL);
}

/* What ms_take says of a message it put on the list. */
#define MS_LISTED ((size_t)-1)

/*
 * Takes one datagram off the socket without waiting (lock held):
 * ERROR_NO_DATA if none.  It is received straight into buf when it fits
 * there (*got is then its size: no copy, no list), otherwise its first len
 * bytes go to buf, the rest to the scratch buffer, and it is put on the
 * list whole (*got is MS_LISTED).  buf NULL: always onto the list.
 * Datagrams from users this slot does not admit are dropped, and so are
 * datagrams larger than a message can be (only a foreign sender makes
 * those: ms_write refuses them).
 */
static DWORD ms_take(struct wipc_mailslot *m, char *buf, size_t len,
                     size_t *got)
{
    size_t max = wipc_plat_dgram_max();
    if (!buf)
        len = 0;
    for (;;) {
        size_t n = 0;
        DWORD uid;
        DWORD err =
            wipc_plat_dgram_recv(m->sock, buf, len, m->scratch, max, &n, &uid);
        if (err)
            return err;
        if ((!m->is_public && uid != m->owner_uid) || n > len + max)
            continue;
        if (buf && n <= len) {
            *got = n;
            return 0;
        }
        *got = MS_LISTED;
        return ms_push(m, buf, len, m->scratch, n - len);
    }
}

/* Waits up to the read timeout for a message (lock held; it is released
 * while waiting): one received straight into buf (see ms_take) or, with
 * *got MS_LISTED, the head of the list.  ERROR_SEM_TIMEOUT when none came. */
static DWORD ms_wait_message(struct wipc_mailslot *m, char *buf, size_t len,
                             size_t *got)
{
    uint64_t start = 0;
    for (;;) {
        DWORD err, timeout = m->timeout;
        int wait_ms, ready = 0;

        if (m->head) {
            *got = MS_LISTED;
            return 0;
        }
        err = ms_take(m, buf, len, got);
        if (err != ERROR_NO_DATA)
            return err;
        if (!start)
            start = wipc_plat_now_ms();
        if (timeout == MAILSLOT_WAIT_FOREVER) {
            wait_ms = -1;
        } else {
            uint64_t spent = wipc_plat_now_ms() - start;
            if (spent >= timeout)
                return ERROR_SEM_TIMEOUT;
            wait_ms = (int)(timeout - spent);
        }
        wipc_mutex_unlock(&m->lock);
        err = wipc_plat_wait_readable(m->sock, wait_ms, &ready);
        wipc_mutex_lock(&m->lock);
        if (err)
            return err;
    }
}

static DWORD ms_read(struct wipc_object *obj, void *buf, DWORD len,
                     int64_t offset, DWORD *got)
{
    struct wipc_mailslot *m = ms_of(obj);
    size_t n = 0;
    DWORD err;

    (void)offset;
    *got = 0;
    if (!m->receiver)
        return ERROR_ACCESS_DENIED; /* writers cannot read */
    wipc_mutex_lock(&m->lock);
    /* A message too big for buf stays queued; buf's contents are then
     * undefined, as a failed ReadFile's are. */
    err = ms_wait_message(m, buf, len, &n);
    if (!err && n != MS_LISTED) {
        *got = (DWORD)n;
    } else if (!err) {
        if (m->head->len > len) {
            err = ERROR_INSUFFICIENT_BUFFER; /* it stays queued */
        } else {
            if (m->head->len) /* buf may be NULL for an empty one */
                memcpy(buf, m->head->data, m->head->len);
            *got = (DWORD)m->head->len;
            ms_pop(m);
        }
    }
    wipc_mutex_unlock(&m->lock);
    return err;
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
    /* Larger than the slot's maximum, or than a datagram carries. */
    if ((m->max_msg && len > m->max_msg) || len > wipc_plat_dgram_max())
        return ERROR_INVALID_PARAMETER;
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
    if (!m)
        return NULL;
    m->receiver = receiver;
    m->sock = m->queue_fd = m->poll_fd = -1;
    if (receiver) {
        wipc_mutex_init(&m->lock);
        m->scratch = malloc(wipc_plat_dgram_max());
        if (!m->scratch) {
            wipc_mutex_destroy(&m->lock);
            free(m);
            return NULL;
        }
    }
    return m;
}

/* The receiver's list and the descriptor that watches it and the socket. */
static DWORD ms_receiver_fds(struct wipc_mailslot *m)
{
    DWORD err = wipc_plat_eventfd(0, &m->queue_fd);
    if (!err)
        err = wipc_plat_epoll_pair(m->sock, m->queue_fd, &m->poll_fd);
    return err;
}

DWORD wipc_mailslot_create(const char *path, const char *name, DWORD max_msg,
                           DWORD timeout, int is_public,
                           struct wipc_object **out)
{
    struct wipc_mailslot *m = ms_alloc(1);
    struct ms_header h;
    int fd = -1, created;
    DWORD err;

    if (!m)
        return ERROR_NOT_ENOUGH_MEMORY;
    snprintf(m->path, sizeof m->path, "%s", path);
    m->max_msg = max_msg;
    m->timeout = timeout;
    m->owner_uid = wipc_plat_geteuid();
    m->is_public = is_public;
    err = wipc_ns_open_locked(path, 1, is_public ? 0666 : 0600, &fd, &created);
    if (err)
        goto fail;
    if (ms_read_header(fd, &h) == 0 && ms_alive(h.sock_id)) {
        err = ERROR_ALREADY_EXISTS;
        goto fail;
    }
    memset(&h, 0, sizeof h);
    h.magic = MS_MAGIC;
    h.version = MS_VERSION;
    h.max_msg = max_msg;
    h.owner_uid = m->owner_uid;
    h.is_public = is_public != 0;
    h.receiver_pid = wipc_plat_getpid();
    h.sock_id = wipc_plat_random64();
    snprintf(h.name, sizeof h.name, "%s", name);
    err = wipc_plat_dgram_bind(h.sock_id, &m->sock);
    if (!err)
        err = ms_receiver_fds(m);
    if (!err)
        err = wipc_plat_pwrite_all(fd, &h, sizeof h, 0);
fail:
    wipc_plat_close(fd);
    if (err) {
        m->path[0] = '\0'; /* nothing of ours to tidy up */
        ms_destroy(&m->obj);
        return err;
    }
    wipc_object_init(&m->obj, &wipc_mailslot_ops);
    /* Messages from other machines for this name (mailslot_net.c). */
    wipc_mailslot_net_register(&m->obj, path, h.sock_id);
    *out = &m->obj;
    return 0;
}

DWORD wipc_mailslot_open(const char *path, struct wipc_object **out)
{
    struct wipc_mailslot *m;
    struct ms_header h;
    int fd, created;
    DWORD err = wipc_ns_open_locked(path, 0, 0, &fd, &created);

    if (err)
        return err;
    m = ms_alloc(0);
    if (!m) {
        wipc_plat_close(fd);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    err = ms_read_header(fd, &h) ? ERROR_FILE_NOT_FOUND : 0;
    if (!err)
        err = wipc_plat_dgram_connect(h.sock_id, &m->sock);
    if (err == ERROR_FILE_NOT_FOUND)
        wipc_ns_remove_locked(path); /* its receiver is gone */
    wipc_plat_close(fd);
    if (err) {
        ms_destroy(&m->obj);
        return err;
    }
    m->max_msg = h.max_msg;
    m->owner_uid = h.owner_uid;
    m->is_public = h.is_public;
    wipc_object_init(&m->obj, &wipc_mailslot_ops);
    *out = &m->obj;
    return 0;
}

DWORD wipc_mailslot_adopt(int fd, const char *args, struct wipc_object **out)
{
    unsigned receiver = 0, max = 0, timeout = 0, uid = 0;
    int is_public = 0;
    struct wipc_mailslot *m;

    sscanf(args, "%u.%u.%u.%u.%d", &receiver, &max, &timeout, &uid,
           &is_public);
    m = ms_alloc(receiver != 0);
    if (!m)
        return ERROR_NOT_ENOUGH_MEMORY;
    m->sock = fd;
    m->max_msg = max;
    m->timeout = timeout;
    m->owner_uid = uid;
    m->is_public = is_public;
    if (m->receiver && ms_receiver_fds(m) != 0) {
        m->sock = -1;
        ms_destroy(&m->obj);
        return ERROR_NOT_ENOUGH_MEMORY;
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
    DWORD err = 0;

    wipc_mutex_lock(&m->lock);
    /* Count everything queued: move it all into the list. */
    for (size_t n; (err = ms_take(m, NULL, 0, &n)) == 0;)
        ;
    if (err == ERROR_NO_DATA)
        err = 0;
    *max_msg = m->max_msg;
    *next = m->head ? (DWORD)m->head->len : MAILSLOT_NO_MESSAGE;
    *count = m->count;
    *timeout = m->timeout;
    wipc_mutex_unlock(&m->lock);
    return err;
}

void wipc_mailslot_set_timeout(struct wipc_object *obj, DWORD timeout)
{
    struct wipc_mailslot *m = ms_of(obj);
    wipc_mutex_lock(&m->lock);
    m->timeout = timeout;
    wipc_mutex_unlock(&m->lock);
}

/* ---- Listings (registry_list.h) ----------------------------------------------- */

DWORD wipc_mailslot_status(const char *path, struct wipc_mailslot_status *st)
{
    struct ms_header h;
    int fd, created;
    DWORD err = wipc_ns_open_locked(path, 0, 0, &fd, &created);

    memset(st, 0, sizeof *st);
    if (err)
        return err;
    if (ms_read_header(fd, &h) != 0 || !ms_alive(h.sock_id))
        err = ERROR_FILE_NOT_FOUND; /* no receiver: the name is free */
    wipc_plat_close(fd); /* drops the mutex */
    if (err)
        return err;
    memcpy(st->name, h.name, sizeof st->name);
    st->name[sizeof st->name - 1] = '\0';
    st->owner_uid = h.owner_uid;
    st->is_public = h.is_public != 0;
    st->max_msg = h.max_msg;
    st->receiver_pid = h.receiver_pid;
    return 0;
}

/* ---- Messages from the network (mailslot_net.c) ------------------------------ */

/* At most this many messages wait in a receiver's list before the network
 * may add more: traffic cannot make it grow without bound. */
#define MS_NET_BACKLOG 1024

DWORD wipc_mailslot_net_deliver(struct wipc_object *obj, uint64_t sock_id,
                                const void *buf, size_t len)
{
    struct wipc_mailslot *m = ms_of(obj);
    DWORD count;

    if (m->max_msg && len > m->max_msg)
        return ERROR_INVALID_PARAMETER; /* as a local writer is refused */
    wipc_mutex_lock(&m->lock);
    count = m->count;
    wipc_mutex_unlock(&m->lock);
    if (count >= MS_NET_BACKLOG)
        return ERROR_BUSY;
    /* Into its own socket, behind what local writers sent before. */
    return wipc_plat_dgram_sendto_id(m->sock, sock_id, buf, len);
}

DWORD wipc_mailslot_lookup(const char *path, uint64_t *sock_id)
{
    struct ms_header h;
    int fd, created;
    DWORD err = wipc_ns_open_locked(path, 0, 0, &fd, &created);

    if (err)
        return err;
    err = ms_read_header(fd, &h) ? ERROR_FILE_NOT_FOUND : 0;
    wipc_plat_close(fd); /* drops the mutex */
    if (!err)
        *sock_id = h.sock_id;
    return err;
}
