/*
 * service.c: the per-process handle service and DuplicateHandle across
 * processes (see service.h).
 *
 * The service is one detached thread with every signal blocked, so it
 * never keeps the process alive, never delays its exit and never runs a
 * handler of the application.  It answers one connection at a time, each
 * carrying one request; a client that connects and says nothing is given
 * up after SVC_REQUEST_TIMEOUT_MS.  Its sockets are close-on-exec, and a
 * fork()ed child closes its copy of them at once (pthread_atfork) and
 * starts a service of its own with its first new handle.
 *
 * Who may ask: SO_PEERCRED on both sides.  The service answers processes of
 * its own user, and root.  A client checks that whoever listens on
 * "winipc-svc-PID" is process PID itself (anybody could bind a free name)
 * of its user or root, that this user is one of the process's own (a
 * socket that an earlier process with the same pid passed on before it
 * ended says PID too), and that the process object it holds for PID has
 * not ended meanwhile (so a recycled pid is never mistaken for the
 * process).
 *
 * Another user may bind "winipc-svc-PID" before the process does (pids are
 * predictable).  The service then listens under a name drawn at random
 * (platform.h, wipc_plat_svc_listen), and a client that finds the name
 * held by somebody else, busy, or free for a while looks for the service
 * under such names (wipc_plat_svc_connect_other), with the same checks.
 * The squatter gains nothing: it is never taken for the service.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../core/handle.h"
#include "../objects/objects.h"
#include "../objects/sync.h"
#include "../platform/platform.h"
#include "inherit.h"
#include "process.h"
#include "service.h"
#include "suspended.h"

#define SVC_MAGIC 0x31565357u /* "WSV1": also the protocol's version */

/* A client that connects and sends nothing, or reads no answer, is
 * dropped after this long, so that it cannot stall the service. */
#define SVC_REQUEST_TIMEOUT_MS 5000

/* A process this young may be a winipc program still starting up (between
 * its parent's CreateProcess and its first handle): its service is waited
 * for until it is this old. */
#define SVC_STARTUP_GRACE_MS 5000

/* A full backlog on the service's name is waited for this long at a time
 * (between the waits, the service is looked for under other names), and
 * given up after SVC_BUSY_GIVE_UP_MS without a break: a service answers
 * its backlog within moments, a socket that never accepts (someone else's
 * on the name of a process without a service) never does. */
#define SVC_BUSY_WAIT_MS 100
#define SVC_BUSY_GIVE_UP_MS 30000

/* While the service's name is free, it is looked for under other names
 * every this many tries (5 ms apart), and before giving up. */
#define SVC_OTHER_EVERY 20

/* The most sockets under other names that say they are the process's and
 * are looked at, one after the other. */
#define SVC_OTHER_MAX 4

#define SVC_STACK_SIZE (256 * 1024)
#define SVC_LIST_BATCH 32
#define SVC_LIST_MAX (1u << 24) /* the handle table's own limit */

enum svc_op { SVC_PUT = 1, SVC_GET, SVC_DUP, SVC_CLOSE, SVC_LIST, SVC_SYNC };

/* Fixed-size, fixed-width messages: a 32-bit and a 64-bit process talk. */
struct svc_request {
    uint32_t magic, op;
    uint64_t handle;  /* GET, DUP, CLOSE; SYNC: the name's registry id */
    uint32_t access;  /* PUT: the new handle's; DUP: the desired access */
    uint32_t flags;   /* PUT, DUP: HANDLE_FLAG_INHERIT */
    uint32_t options; /* GET, DUP: DUPLICATE_CLOSE_SOURCE, _SAME_ACCESS */
    uint32_t pad;
    char tag[WIPC_INHERIT_TAG_MAX]; /* PUT */
};

struct svc_reply {
    uint32_t magic, error;          /* error: a Win32 code, 0 = success */
    uint64_t handle;                /* PUT, DUP: the new handle */
    uint32_t access;                /* GET: the handle's access */
    uint32_t count;                 /* LIST: entries that follow in batches */
    char tag[WIPC_INHERIT_TAG_MAX]; /* GET, SYNC */
};

struct svc_entry {
    uint64_t value;
    uint32_t access, flags;
    char type[16], tag[48], name[288];
};

_Static_assert(sizeof(struct svc_reply) <= WIPC_SERVICE_BUSY_MAX,
               "the busy reply is a struct svc_reply");

size_t wipc_service_busy_reply(void *buf, size_t cap)
{
    struct svc_reply rep = {.magic = SVC_MAGIC, .error = ERROR_NOT_SUPPORTED};
    if (cap < sizeof rep)
        return 0;
    memcpy(buf, &rep, sizeof rep);
    return sizeof rep;
}

/* ---- The service --------------------------------------------------------- */

static struct {
    atomic_int started; /* 0 until this process (re)starts it */
    atomic_int lfd;     /* the listening socket */
    atomic_int conn;    /* the connection being served */
    atomic_int atfork;  /* the fork handler is registered */
} svc = {0, -1, -1, 0};

/* Held while the handles a parent passed enter the table before main():
 * a request served meanwhile (a handle duplicated in at once) could take
 * the value of an inherited handle not yet entered. */
static wipc_mutex svc_gate = WIPC_MUTEX_INIT;

/* In a fork()ed child: the parent's service thread is not here, and its
 * sockets must not linger (async-signal-safe calls only). */
static void svc_forked(void)
{
    wipc_plat_close(atomic_exchange(&svc.lfd, -1));
    wipc_plat_close(atomic_exchange(&svc.conn, -1));
    atomic_store(&svc.started, 0);
}

/* Copies s into a fixed field, always terminated. */
static void svc_copy(char *dst, size_t cap, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(dst, s, n);
    dst[n] = '\0';
}

/* Sends the reply with fd and fd2 (-1: none). */
static DWORD svc_answer2(int c, struct svc_reply *rep, int fd, int fd2)
{
    int fds[2] = {fd, fd2};
    rep->magic = SVC_MAGIC;
    return wipc_plat_svc_send_fds(c, rep, sizeof *rep, fds,
                                  fd < 0 ? 0 : fd2 < 0 ? 1 : 2,
                                  SVC_REQUEST_TIMEOUT_MS);
}

static DWORD svc_answer(int c, struct svc_reply *rep, int fd)
{
    return svc_answer2(c, rep, fd, -1);
}

/* PUT: the object is rebuilt as an inherited handle is (fd and fd2, a
 * mutex's or semaphore's state, taken over). */
static void svc_do_put(int c, const struct svc_request *req, int fd, int fd2)
{
    struct svc_reply rep = {0};
    struct wipc_object *obj;
    HANDLE h = NULL;

    if (fd < 0) {
        wipc_plat_close(fd2);
        rep.error = ERROR_INVALID_DATA;
    } else {
        rep.error = wipc_inherit_rebuild2(req->tag, fd, fd2, &obj);
    }
    if (!rep.error) {
        rep.error = wipc_handle_alloc(obj, req->access,
                                      req->flags & HANDLE_FLAG_INHERIT, &h);
        wipc_object_release(obj);
    }
    rep.handle = (uint64_t)(uintptr_t)h;
    /* If the client has gone, the handle stays: as on Windows, a duplicate
     * whose value nobody learnt lives until the process ends. */
    svc_answer(c, &rep, -1);
}

/* GET: the descriptor goes back with the answer; the object is held until
 * it is sent, so the descriptor cannot be closed under the send. */
static void svc_do_get(int c, const struct svc_request *req)
{
    HANDLE h = (HANDLE)(uintptr_t)req->handle;
    struct svc_reply rep = {0};
    struct wipc_object *obj = NULL;
    ACCESS_MASK granted = 0;
    int fd = -1, fd2 = -1;

    /* GetCurrentThread() names the caller's thread: resolved there. */
    if (h == WIPC_PSEUDO_THREAD)
        rep.error = ERROR_NOT_SUPPORTED;
    else
        rep.error = wipc_handle_ref(h, NULL, 0, &obj, &granted);
    if (!rep.error) {
        if (req->options & DUPLICATE_CLOSE_SOURCE)
            wipc_handle_close(h); /* whatever happens next */
        rep.error = wipc_inherit_describe2(obj, &fd, &fd2, rep.tag,
                                           sizeof rep.tag);
        rep.access = granted;
    }
    svc_answer2(c, &rep, rep.error ? -1 : fd, fd2);
    wipc_plat_close(fd2);
    wipc_object_release(obj);
}

/* SYNC: the named event, mutex or semaphore this process holds under the
 * registry id (objects/sync.h), as GET sends a handle's object. */
static void svc_do_sync(int c, const struct svc_request *req, int foreign)
{
    struct svc_reply rep = {0};
    struct wipc_object *obj = NULL;
    int fd = -1, fd2 = -1;

    /* Another user gets only what was made public (a NULL DACL). */
    rep.error = wipc_sync_name_lookup(req->handle, foreign, &obj);
    if (!rep.error)
        rep.error = wipc_inherit_describe2(obj, &fd, &fd2, rep.tag,
                                           sizeof rep.tag);
    svc_answer2(c, &rep, rep.error ? -1 : fd, fd2);
    wipc_plat_close(fd2);
    wipc_object_release(obj);
}

/* DUP: source and target are both this process: the same object. */
static void svc_do_dup(int c, const struct svc_request *req)
{
    HANDLE h = (HANDLE)(uintptr_t)req->handle, out = NULL;
    struct svc_reply rep = {0};
    struct wipc_object *obj = NULL;
    ACCESS_MASK granted = 0, access;

    if (h == WIPC_PSEUDO_THREAD)
        rep.error = ERROR_NOT_SUPPORTED;
    else
        rep.error = wipc_handle_ref(h, NULL, 0, &obj, &granted);
    if (!rep.error) {
        access = (req->options & DUPLICATE_SAME_ACCESS)
                     ? granted
                     : wipc_object_map_access(obj->ops, req->access);
        rep.error = wipc_handle_alloc(obj, access,
                                      req->flags & HANDLE_FLAG_INHERIT, &out);
        wipc_object_release(obj);
    }
    if (req->options & DUPLICATE_CLOSE_SOURCE)
        wipc_handle_close(h);
    rep.handle = (uint64_t)(uintptr_t)out;
    svc_answer(c, &rep, -1);
}

/* One handle as LIST reports it. */
static void svc_describe_entry(const struct wipc_handle_info *hi,
                               struct svc_entry *e)
{
    const struct wipc_object_ops *ops = hi->obj->ops;
    int fd = -1;

    memset(e, 0, sizeof *e);
    e->value = (uint64_t)(uintptr_t)hi->value;
    e->access = hi->access;
    e->flags = hi->flags;
    svc_copy(e->type, sizeof e->type, ops->type_name);
    if (ops->inherit_info)
        ops->inherit_info(hi->obj, &fd, e->tag, sizeof e->tag);
    else
        for (size_t i = 0; ops->type_name[i] && i + 1 < sizeof e->tag; i++)
            e->tag[i] = (char)(ops->type_name[i] | 0x20); /* "thread" */
    if (ops->name)
        svc_copy(e->name, sizeof e->name, ops->name(hi->obj));
}

/* This process's table as entries (malloc'ed, NULL when empty). */
static DWORD svc_snapshot(struct svc_entry **out, size_t *n)
{
    struct wipc_handle_info *list;
    size_t i, count;
    DWORD err = wipc_handle_list_all(&list, &count);

    *out = NULL;
    *n = 0;
    if (err || count == 0)
        return err;
    *out = calloc(count, sizeof **out);
    if (!*out) {
        wipc_handle_list_free(list, count);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    for (i = 0; i < count; i++)
        svc_describe_entry(&list[i], &(*out)[i]);
    wipc_handle_list_free(list, count);
    *n = count;
    return 0;
}

/* LIST: a reply with the count, then the entries in batches. */
static void svc_do_list(int c)
{
    struct svc_reply rep = {0};
    struct svc_entry *entries;
    size_t n, i;

    rep.error = svc_snapshot(&entries, &n);
    rep.count = (uint32_t)n;
    if (svc_answer(c, &rep, -1) == 0 && !rep.error)
        for (i = 0; i < n; i += SVC_LIST_BATCH) {
            size_t k = n - i < SVC_LIST_BATCH ? n - i : SVC_LIST_BATCH;
            if (wipc_plat_svc_send(c, entries + i, k * sizeof *entries, -1,
                                   SVC_REQUEST_TIMEOUT_MS) != 0)
                break;
        }
    free(entries);
}

/* Answers the one request of connection c. */
static void svc_serve(int c)
{
    struct svc_request req;
    struct svc_reply rep = {0};
    DWORD pid, uid, me = wipc_plat_geteuid();
    size_t len = 0, nfds = 0;
    int fds[2] = {-1, -1};

    int foreign;

    if (wipc_plat_peer_cred(c, &pid, &uid) != 0) {
        rep.error = ERROR_ACCESS_DENIED;
        svc_answer(c, &rep, -1);
        return;
    }
    foreign = uid != me && uid != 0;
    if (wipc_plat_svc_recv_fds(c, &req, sizeof req, &len, fds, 2, &nfds,
                               SVC_REQUEST_TIMEOUT_MS) != 0)
        return;
    /* Other users may ask for public named objects (SYNC) only. */
    if (foreign && (len != sizeof req || req.magic != SVC_MAGIC ||
                    req.op != SVC_SYNC)) {
        wipc_plat_close(fds[0]);
        wipc_plat_close(fds[1]);
        rep.error = ERROR_ACCESS_DENIED;
        svc_answer(c, &rep, -1);
        return;
    }
    if (len != sizeof req || req.magic != SVC_MAGIC) {
        wipc_plat_close(fds[0]);
        wipc_plat_close(fds[1]);
        rep.error = ERROR_NOT_SUPPORTED; /* another version of winipc */
        svc_answer(c, &rep, -1);
        return;
    }
    req.tag[sizeof req.tag - 1] = '\0';
    if (req.op == SVC_PUT) {
        svc_do_put(c, &req, fds[0], fds[1]);
        return;
    }
    wipc_plat_close(fds[0]); /* only PUT carries any */
    wipc_plat_close(fds[1]);
    switch (req.op) {
    case SVC_GET:
        svc_do_get(c, &req);
        break;
    case SVC_DUP:
        svc_do_dup(c, &req);
        break;
    case SVC_CLOSE:
        rep.error = wipc_handle_close((HANDLE)(uintptr_t)req.handle);
        svc_answer(c, &rep, -1);
        break;
    case SVC_LIST:
        svc_do_list(c);
        break;
    case SVC_SYNC:
        svc_do_sync(c, &req, foreign);
        break;
    default:
        rep.error = ERROR_NOT_SUPPORTED;
        svc_answer(c, &rep, -1);
    }
}

static void *svc_main(void *arg)
{
    int lfd = (int)(intptr_t)arg;

    for (;;) {
        int c;
        DWORD err = wipc_plat_svc_accept(lfd, &c);
        if (err == ERROR_INVALID_HANDLE)
            break; /* the socket is gone */
        if (err) {
            wipc_plat_sleep_ms(10); /* out of descriptors: later */
            continue;
        }
        wipc_mutex_lock(&svc_gate);
        wipc_mutex_unlock(&svc_gate);
        atomic_store(&svc.conn, c);
        svc_serve(c);
        atomic_store(&svc.conn, -1);
        wipc_plat_close(c);
    }
    return NULL;
}

void wipc_service_hold(int hold)
{
    if (hold)
        wipc_mutex_lock(&svc_gate);
    else
        wipc_mutex_unlock(&svc_gate);
}

void wipc_service_ensure(void)
{
    int expected = 0, lfd;

    if (atomic_load_explicit(&svc.started, memory_order_acquire))
        return;
    /* One thread starts it; the others go on meanwhile (a service that
     * is a moment late is waited for by its clients). */
    if (!atomic_compare_exchange_strong(&svc.started, &expected, 1))
        return;
    if (!atomic_exchange(&svc.atfork, 1))
        wipc_plat_atfork_child(svc_forked);
    /* Failure is not retried with every handle: the process stays out of
     * reach.  A name another process holds is not a failure: the service
     * listens under another one (see the file comment). */
    if (wipc_plat_svc_listen(wipc_plat_getpid(), &lfd) != 0)
        return;
    atomic_store(&svc.lfd, lfd);
    if (wipc_plat_thread_start_quiet(svc_main, (void *)(intptr_t)lfd,
                                     SVC_STACK_SIZE) != 0)
        wipc_plat_close(atomic_exchange(&svc.lfd, -1));
}

/* ---- Clients ------------------------------------------------------------- */

/* 1 if the process object says its process has ended (NULL: not known). */
static int svc_ended(struct wipc_object *proc)
{
    int ready = 0;
    if (!proc)
        return 0;
    wipc_plat_wait_readable(proc->ops->signal_fd(proc), 0, &ready);
    return ready;
}

/* The error for a process that is, or may be, gone. */
static DWORD svc_gone(struct wipc_object *proc)
{
    return proc ? ERROR_ACCESS_DENIED : ERROR_INVALID_PARAMETER;
}

/* A user whose services this thread's call may talk to besides its own
 * and root's (wipc_service_fetch_sync: a public name's owner), or -1. */
static _Thread_local DWORD svc_other_uid = (DWORD)-1;

/* Checks who answered on the service's name (see the file comment):
 * ERROR_NOT_SUPPORTED if it is not the process's service. */
static DWORD svc_check_peer(int c, DWORD pid, struct wipc_object *proc)
{
    DWORD ppid = 0, puid = 0, me = wipc_plat_geteuid();

    if (wipc_plat_peer_cred(c, &ppid, &puid) != 0 || ppid != pid)
        return ERROR_NOT_SUPPORTED; /* not the process's own service */
    if (puid != me && puid != 0 && me != 0 && puid != svc_other_uid)
        return ERROR_ACCESS_DENIED;
    /* A socket listened on by our own user or root is not another user's
     * (root's stays the service of a process that has left root since);
     * for root, another user's must be the process's user. */
    if (puid != me && puid != 0 && wipc_plat_process_has_uid(pid, puid) == 0)
        return ERROR_NOT_SUPPORTED; /* listened on by an earlier pid PID */
    if (svc_ended(proc))
        return ERROR_ACCESS_DENIED; /* the pid may name a new process */
    return 0;
}

/* Keeps the connection c in *out if its listener passes svc_check_peer;
 * else closes it and says why. */
static DWORD svc_keep_checked(int c, DWORD pid, struct wipc_object *proc,
                              int *out)
{
    DWORD err = svc_check_peer(c, pid, proc);
    if (err) {
        wipc_plat_close(c);
        return err;
    }
    *out = c;
    return 0;
}

/* The service of pid under another name (its own was taken by another
 * process when it started), checked as svc_check_peer does.
 * ERROR_FILE_NOT_FOUND if there is none, ERROR_PIPE_BUSY if it may be busy. */
static DWORD svc_connect_other(DWORD pid, struct wipc_object *proc, int *out)
{
    unsigned skip;

    for (skip = 0; skip < SVC_OTHER_MAX; skip++) {
        int c;
        DWORD err = wipc_plat_svc_connect_other(pid, skip, &c);
        if (!err)
            err = svc_keep_checked(c, pid, proc, out);
        if (err != ERROR_NOT_SUPPORTED)
            return err;
    }
    return ERROR_FILE_NOT_FOUND;
}

/*
 * A connection to the service of pid (proc: its process object, if the
 * caller has one).  A process that has not started its service yet is
 * waited for while it is young (SVC_STARTUP_GRACE_MS); one whose backlog
 * is full, up to SVC_BUSY_GIVE_UP_MS.  Under its own name, or if another
 * process holds that name (see the file comment), under another.
 */
static DWORD svc_connect(DWORD pid, struct wipc_object *proc, int *out)
{
    uint64_t busy_since = 0;
    unsigned round;

    for (round = 1;; round++) {
        uint64_t age = 0;
        int c, taken = 0, busy = 0, young;
        DWORD err;

        if (svc_ended(proc))
            return ERROR_ACCESS_DENIED;
        err = wipc_plat_svc_connect(pid, SVC_BUSY_WAIT_MS, &c);
        if (!err) {
            err = svc_keep_checked(c, pid, proc, out);
            if (err != ERROR_NOT_SUPPORTED)
                return err; /* 0: connected */
            taken = 1; /* by another process */
        } else if (err == ERROR_PIPE_BUSY) {
            busy = 1; /* the service at work, or somebody's full backlog */
        } else if (err != ERROR_FILE_NOT_FOUND) {
            return err;
        }
        if (svc_ended(proc))
            return ERROR_ACCESS_DENIED;
        if (wipc_plat_process_age_ms(pid, &age) != 0)
            return svc_gone(proc);
        /* A child this process has just resumed starts its program only
         * now, however long it was suspended. */
        young = age < SVC_STARTUP_GRACE_MS ||
                (proc &&
                 wipc_process_ms_since_resume(proc) < SVC_STARTUP_GRACE_MS);
        if (taken || busy || !young || round % SVC_OTHER_EVERY == 0) {
            err = svc_connect_other(pid, proc, out);
            if (err == ERROR_PIPE_BUSY)
                busy = 1;
            else if (err != ERROR_FILE_NOT_FOUND)
                return err; /* found (0), or refused */
        }
        if (!busy)
            busy_since = 0;
        else if (!busy_since)
            busy_since = wipc_plat_now_ms();
        else if (wipc_plat_now_ms() - busy_since >= SVC_BUSY_GIVE_UP_MS)
            return ERROR_NOT_SUPPORTED;
        if (!young && !busy)
            return ERROR_NOT_SUPPORTED; /* not a winipc process */
        wipc_plat_sleep_ms(5);
    }
}

/*
 * One request and its reply.  send_fd and send_fd2 (if >= 0) go with the
 * request; recv_fd (may be NULL) gets the descriptors of the reply (two:
 * the second -1 unless one came).  With conn, the connection is left open
 * there for what follows (LIST).  Returns the transport's error, or else
 * the service's.
 */
static DWORD svc_call(DWORD pid, struct wipc_object *proc,
                      struct svc_request *req, int send_fd, int send_fd2,
                      struct svc_reply *rep, int *recv_fd, int *conn)
{
    size_t len = 0, nfds = 0;
    int c = -1, fds[2] = {-1, -1}, sfds[2] = {send_fd, send_fd2};
    DWORD err;

    if (recv_fd)
        recv_fd[0] = recv_fd[1] = -1;
    req->magic = SVC_MAGIC;
    err = svc_connect(pid, proc, &c);
    if (err)
        return err;
    err = wipc_plat_svc_send_fds(c, req, sizeof *req, sfds,
                                 send_fd < 0 ? 0 : send_fd2 < 0 ? 1 : 2, -1);
    if (!err)
        err = wipc_plat_svc_recv_fds(c, rep, sizeof *rep, &len, fds, 2, &nfds,
                                     -1);
    if (!err && (len != sizeof *rep || rep->magic != SVC_MAGIC))
        err = ERROR_NOT_SUPPORTED;
    if (err == ERROR_BROKEN_PIPE) /* it died, or it is not our service */
        err = svc_ended(proc) ? ERROR_ACCESS_DENIED : ERROR_NOT_SUPPORTED;
    if (!err)
        err = rep->error;
    if (!err && recv_fd) {
        recv_fd[0] = fds[0];
        recv_fd[1] = fds[1];
    } else {
        wipc_plat_close(fds[0]);
        wipc_plat_close(fds[1]);
    }
    if (!err && conn)
        *conn = c;
    else
        wipc_plat_close(c);
    return err;
}

/* One side of a duplication: the process and whether it is this one. */
struct dup_side {
    struct wipc_object *proc; /* referenced */
    DWORD pid;
    int self;
    /* A child of ours waiting to be resumed: its table (suspended.h).  Its
     * operations answer "not taken" once the child has been resumed, and
     * the child's own service is asked instead. */
    struct wipc_suspended *susp;
};

static DWORD side_open(HANDLE h, struct dup_side *s)
{
    DWORD err = wipc_handle_ref(h, &wipc_process_ops, PROCESS_DUP_HANDLE,
                                &s->proc, NULL);
    if (err)
        return err;
    s->pid = wipc_process_id(s->proc);
    s->self = s->pid == wipc_plat_getpid();
    s->susp = s->self ? NULL : wipc_process_suspended(s->proc);
    return 0;
}

static DWORD remote_put(struct dup_side *t, struct wipc_object *obj,
                        ACCESS_MASK access, DWORD flags, HANDLE *out)
{
    struct svc_request req = {.op = SVC_PUT, .access = access, .flags = flags};
    struct svc_reply rep;
    int fd, fd2;
    DWORD err = wipc_inherit_describe2(obj, &fd, &fd2, req.tag, sizeof req.tag);

    if (err)
        return err;
    /* obj is referenced by the caller: fd stays open during the call. */
    err = svc_call(t->pid, t->proc, &req, fd, fd2, &rep, NULL, NULL);
    wipc_plat_close(fd2);
    if (!err)
        *out = (HANDLE)(uintptr_t)rep.handle;
    return err;
}

static DWORD remote_get(struct dup_side *s, HANDLE h, DWORD options,
                        struct wipc_object **obj, ACCESS_MASK *granted)
{
    struct svc_request req = {.op = SVC_GET,
                              .handle = (uint64_t)(uintptr_t)h,
                              .options = options & DUPLICATE_CLOSE_SOURCE};
    struct svc_reply rep;
    int fd[2];
    DWORD err = svc_call(s->pid, s->proc, &req, -1, -1, &rep, fd, NULL);

    if (!err && fd[0] < 0) {
        wipc_plat_close(fd[1]);
        err = ERROR_INVALID_DATA;
    }
    if (err)
        return err;
    rep.tag[sizeof rep.tag - 1] = '\0';
    *granted = rep.access;
    return wipc_inherit_rebuild2(rep.tag, fd[0], fd[1], obj);
}

DWORD wipc_service_fetch_sync(DWORD pid, DWORD uid, uint64_t id,
                              struct wipc_object **obj)
{
    struct svc_request req = {.op = SVC_SYNC, .handle = id};
    struct svc_reply rep;
    int fd[2];
    DWORD err;

    /* The registry's owner's processes are the object's holders: their
     * service is trusted as such (the usual checks otherwise). */
    svc_other_uid = uid;
    err = svc_call(pid, NULL, &req, -1, -1, &rep, fd, NULL);
    svc_other_uid = (DWORD)-1;

    if (!err && fd[0] < 0) {
        wipc_plat_close(fd[1]);
        err = ERROR_INVALID_DATA;
    }
    if (err)
        return err;
    rep.tag[sizeof rep.tag - 1] = '\0';
    return wipc_inherit_rebuild2(rep.tag, fd[0], fd[1], obj);
}

static DWORD remote_dup(struct dup_side *s, HANDLE h, ACCESS_MASK desired,
                        DWORD flags, DWORD options, HANDLE *out)
{
    struct svc_request req = {.op = SVC_DUP,
                              .handle = (uint64_t)(uintptr_t)h,
                              .access = desired,
                              .flags = flags,
                              .options = options};
    struct svc_reply rep;
    DWORD err = svc_call(s->pid, s->proc, &req, -1, -1, &rep, NULL, NULL);
    if (!err)
        *out = (HANDLE)(uintptr_t)rep.handle;
    return err;
}

static DWORD remote_close(struct dup_side *s, HANDLE h)
{
    struct svc_request req = {.op = SVC_CLOSE,
                              .handle = (uint64_t)(uintptr_t)h};
    struct svc_reply rep;
    int taken = 0;
    DWORD err = 0;

    if (s->susp)
        err = wipc_suspended_close(s->susp, h, &taken);
    if (!taken)
        err = svc_call(s->pid, s->proc, &req, -1, -1, &rep, NULL, NULL);
    return err;
}

/* The target's side of a duplication: obj enters its table. */
static DWORD put_target(struct dup_side *t, struct wipc_object *obj,
                        ACCESS_MASK access, DWORD flags, HANDLE *out)
{
    int taken = 0;
    DWORD err = 0;

    if (t->self)
        return wipc_handle_alloc(obj, access, flags, out);
    if (t->susp)
        err = wipc_suspended_put(t->susp, obj, access, flags, out, &taken);
    if (!taken)
        err = remote_put(t, obj, access, flags, out);
    return err;
}

/*
 * The source object, referenced.  GetCurrentThread() means the calling
 * thread whichever process is named as the source (Windows resolves that
 * pseudo handle against the caller); GetCurrentProcess() in another
 * process means that process, which its service resolves.
 */
static DWORD dup_source(struct dup_side *s, HANDLE src, DWORD options,
                        struct wipc_object **obj, ACCESS_MASK *granted)
{
    if (!s->self && src == WIPC_PSEUDO_THREAD && svc_ended(s->proc))
        return ERROR_ACCESS_DENIED;
    if (s->self || src == WIPC_PSEUDO_THREAD)
        return wipc_handle_ref(src, NULL, 0, obj, granted);
    if (s->susp) {
        int taken = 0;
        DWORD err;
        if (src == WIPC_PSEUDO_PROCESS) { /* the child itself */
            if (svc_ended(s->proc))
                return ERROR_ACCESS_DENIED;
            *obj = wipc_object_grab(s->proc);
            *granted = PROCESS_ALL_ACCESS;
            return 0;
        }
        err = wipc_suspended_get(s->susp, src, options & DUPLICATE_CLOSE_SOURCE,
                                 obj, granted, &taken);
        if (taken)
            return err;
    }
    return remote_get(s, src, options, obj, granted);
}

DWORD wipc_service_duplicate(HANDLE src_process, HANDLE src, HANDLE tgt_process,
                             HANDLE *out, ACCESS_MASK desired, BOOL inherit,
                             DWORD options)
{
    struct dup_side s = {0}, t = {0};
    struct wipc_object *obj = NULL;
    ACCESS_MASK granted = 0, access;
    DWORD flags = inherit ? HANDLE_FLAG_INHERIT : 0, err, t_err;
    int close_src = (options & DUPLICATE_CLOSE_SOURCE) != 0;
    int close_later = 0, found = 0;
    HANDLE h = NULL;

    if (out)
        *out = NULL;
    err = side_open(src_process, &s);
    if (err)
        return err;
    /* A NULL target with DUPLICATE_CLOSE_SOURCE only closes the source:
     * how Windows documents closing a handle in another process. */
    if (!tgt_process && close_src) {
        err = s.self ? wipc_handle_close(src) : remote_close(&s, src);
        wipc_object_release(s.proc);
        return err;
    }
    t_err = tgt_process ? side_open(tgt_process, &t) : ERROR_INVALID_HANDLE;
    if (!s.self && !t_err && t.pid == s.pid && src != WIPC_PSEUDO_THREAD) {
        if (!s.susp) {
            /* Within one other process: its service keeps the object
             * itself (a thread handle too) and closes the source if
             * asked. */
            err = remote_dup(&s, src, desired, flags, options, &h);
            goto done;
        }
        /* Within a suspended child: the source is closed after the copy
         * is made (so the copy cannot take its value), once found. */
        close_later = close_src;
    }
    /* A remote source is closed by its service once found. */
    err = dup_source(&s, src, close_later ? 0 : options, &obj, &granted);
    found = err != ERROR_INVALID_HANDLE;
    if (!err)
        err = t_err;
    if (err)
        goto done;
    access = (options & DUPLICATE_SAME_ACCESS)
                 ? granted
                 : wipc_object_map_access(obj->ops, desired);
    err = put_target(&t, obj, access, flags, &h);
done:
    /* As Windows: the source is closed even when the duplication failed. */
    if (close_src && s.self)
        wipc_handle_close(src);
    if (close_later && found)
        remote_close(&s, src);
    if (!err && out)
        *out = h;
    wipc_object_release(obj);
    wipc_object_release(s.proc);
    wipc_object_release(t.proc);
    return err;
}

int wipc_service_is_remote(HANDLE h)
{
    struct wipc_object *p;
    int remote;

    if (!h || wipc_handle_is_pseudo(h) ||
        wipc_handle_ref(h, &wipc_process_ops, 0, &p, NULL) != 0)
        return 0;
    remote = wipc_process_id(p) != wipc_plat_getpid();
    wipc_object_release(p);
    return remote;
}

DWORD wipc_service_inheritable_of(struct wipc_object *proc,
                                  struct wipc_handle_info **out, size_t *n)
{
    struct dup_side s = {.proc = proc};
    struct wipc_remote_handle *list;
    struct wipc_handle_info *info = NULL;
    size_t count, i, k = 0;
    DWORD err;

    *out = NULL;
    *n = 0;
    s.pid = wipc_process_id(proc);
    s.self = s.pid == wipc_plat_getpid();
    if (s.self)
        return wipc_handle_list_inheritable(out, n);
    if (svc_ended(proc))
        return ERROR_ACCESS_DENIED; /* its handle table is gone */
    s.susp = wipc_process_suspended(proc);
    err = wipc_service_list(s.pid, &list, &count);
    if (err)
        return err;
    if (count && !(info = calloc(count, sizeof *info)))
        err = ERROR_NOT_ENOUGH_MEMORY;
    for (i = 0; !err && i < count; i++) {
        struct wipc_object *obj;
        ACCESS_MASK granted;

        if (!(list[i].flags & HANDLE_FLAG_INHERIT))
            continue;
        /* A handle closed since the listing, or an object that cannot
         * cross processes (a thread), is not inherited. */
        if (dup_source(&s, list[i].value, 0, &obj, &granted) != 0)
            continue;
        info[k].value = list[i].value;
        info[k].obj = obj;
        info[k].access = list[i].access;
        info[k].flags = list[i].flags;
        k++;
    }
    free(list);
    if (err) {
        wipc_handle_list_free(info, k);
        return err;
    }
    if (!k) {
        free(info);
        info = NULL;
    }
    *out = info;
    *n = k;
    return 0;
}

/* ---- LIST ---------------------------------------------------------------- */

static void list_convert(const struct svc_entry *e,
                         struct wipc_remote_handle *r)
{
    memset(r, 0, sizeof *r);
    r->value = (HANDLE)(uintptr_t)e->value;
    r->access = e->access;
    r->flags = e->flags;
    svc_copy(r->type, sizeof r->type, e->type);
    svc_copy(r->tag, sizeof r->tag, e->tag);
    svc_copy(r->name, sizeof r->name, e->name);
}

/* Reads count entries in batches from connection c into list. */
static DWORD list_receive(int c, struct wipc_remote_handle *list, size_t count)
{
    struct svc_entry *batch = malloc(SVC_LIST_BATCH * sizeof *batch);
    size_t got = 0;
    DWORD err = batch ? 0 : ERROR_NOT_ENOUGH_MEMORY;

    while (!err && got < count) {
        size_t len = 0, k, i;
        err = wipc_plat_svc_recv(c, batch, SVC_LIST_BATCH * sizeof *batch, &len,
                                 NULL, SVC_REQUEST_TIMEOUT_MS);
        k = len / sizeof *batch;
        if (!err && (len % sizeof *batch || k == 0 || k > count - got))
            err = ERROR_INVALID_DATA;
        for (i = 0; !err && i < k; i++) {
            batch[i].type[sizeof batch[i].type - 1] = '\0';
            batch[i].tag[sizeof batch[i].tag - 1] = '\0';
            batch[i].name[sizeof batch[i].name - 1] = '\0';
            list_convert(&batch[i], &list[got++]);
        }
    }
    free(batch);
    return err == ERROR_BROKEN_PIPE || err == ERROR_SEM_TIMEOUT
               ? ERROR_INVALID_DATA
               : err;
}

DWORD wipc_service_list(DWORD pid, struct wipc_remote_handle **list, size_t *n)
{
    struct svc_request req = {.op = SVC_LIST};
    struct svc_reply rep;
    struct wipc_remote_handle *out = NULL;
    struct svc_entry *mine;
    size_t i, count;
    int c;
    DWORD err;

    *list = NULL;
    *n = 0;
    if (pid == wipc_plat_getpid()) {
        err = svc_snapshot(&mine, &count);
        if (!err && count && !(out = calloc(count, sizeof *out)))
            err = ERROR_NOT_ENOUGH_MEMORY;
        for (i = 0; !err && i < count; i++)
            list_convert(&mine[i], &out[i]);
        free(mine);
    } else {
        err = svc_call(pid, NULL, &req, -1, -1, &rep, NULL, &c);
        if (err)
            return err;
        count = rep.count;
        if (count > SVC_LIST_MAX)
            err = ERROR_INVALID_DATA;
        else if (count && !(out = calloc(count, sizeof *out)))
            err = ERROR_NOT_ENOUGH_MEMORY;
        if (!err)
            err = list_receive(c, out, count);
        wipc_plat_close(c);
    }
    if (err) {
        free(out);
        return err;
    }
    *list = out;
    *n = count;
    return 0;
}
