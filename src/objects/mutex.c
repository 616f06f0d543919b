/*
 * mutex.c: mutexes, owned by a thread, recursive, abandoned when their
 * owner ends.
 *
 * Every holder, in any process, reaches two kernel objects:
 *
 *   the token   an eventfd whose counter is 1 while the mutex is free; a
 *               waiter acquires by reading it (one read wins), the owner's
 *               last ReleaseMutex writes it back;
 *   the state   a sealed memfd mapped by each holder: a robust lock, the
 *               owner (pid, process start time, thread id), the recursion
 *               count, and whether the next acquirer is to hear
 *               WAIT_ABANDONED.
 *
 * Every change of the state is made under its lock.  A waiter in a
 * process polls an epoll set of its own (the mutex's signal_fd) that
 * watches the token for any change (edge-triggered: each acquisition and
 * each release queues an event that stays until drained) and, level-
 * triggered, the pidfd of the owner it last saw when the owner is another
 * process.  A wait that loses drains the set first and then looks again,
 * so every change after that look wakes it: a new owner (whose pidfd it
 * then watches) and a free token alike.  So:
 *
 *   - an owner thread that ends (ExitThread, return, pthread_exit) leaves
 *     the mutex abandoned: a thread-exit destructor frees the token and
 *     marks the state, and the next acquirer gets WAIT_ABANDONED;
 *   - an owner process that dies (killed: no destructor runs) is seen by
 *     the waiters through its pidfd: one of them claims the mutex in the
 *     state (owner dead: process start time differs, or its pidfd is
 *     readable) and gets WAIT_ABANDONED.  Nothing is ever left wedged.
 *
 * A thread that owns the mutex waits on it without polling (signal_fd is
 * -1 for it: always signalled) and counts one more recursion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objects.h"
#include "sync.h"

#define MTX_MAGIC 0x5854554du /* "MUTX" */
#define MTX_SIZE 4096u

struct mtx_shared {
    uint32_t magic, size;
    wipc_shared_mutex lock;
    uint32_t owner_pid, owner_tid; /* 0: free (or claimed by nobody yet) */
    uint64_t owner_start;
    uint32_t recursion;
    uint32_t abandoned;       /* the next acquirer hears WAIT_ABANDONED */
    uint32_t claim_abandoned; /* the owner's acquisition was abandoned */
};

struct wipc_mutex_obj {
    struct wipc_object obj;
    int token, state, ep;
    struct mtx_shared *sh;
    wipc_mutex local; /* guards what follows, and orders local waiters */
    int watch_fd;     /* the pidfd of the owner watched in ep, or -1 */
    DWORD watch_pid;
    uint64_t watch_start;
};

static inline struct wipc_mutex_obj *mtx_of(struct wipc_object *obj)
{
    return (struct wipc_mutex_obj *)obj;
}

/* ---- Who we are ------------------------------------------------------------ */

struct mtx_me {
    DWORD pid, tid;
    uint64_t start;
};

static struct {
    wipc_mutex lock;
    DWORD pid;
    uint64_t start;
} me_cache = {WIPC_MUTEX_INIT, 0, 0};

static void mtx_me(struct mtx_me *m)
{
    m->pid = wipc_plat_getpid();
    m->tid = wipc_plat_gettid();
    wipc_mutex_lock(&me_cache.lock);
    if (me_cache.pid != m->pid) { /* first call, or a fork()ed child */
        uint64_t s = 0;
        wipc_plat_process_start(m->pid, -1, &s, NULL);
        me_cache.pid = m->pid;
        me_cache.start = s;
    }
    m->start = me_cache.start;
    wipc_mutex_unlock(&me_cache.lock);
}

static uint32_t ld(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static void st(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

static int mtx_mine(const struct mtx_shared *sh, const struct mtx_me *m)
{
    return ld(&sh->owner_pid) == m->pid && ld(&sh->owner_tid) == m->tid &&
           sh->owner_start == m->start;
}

static void mtx_set_owner(struct mtx_shared *sh, const struct mtx_me *m)
{
    sh->owner_start = m ? m->start : 0;
    st(&sh->owner_tid, m ? m->tid : 0);
    st(&sh->owner_pid, m ? m->pid : 0);
}

/* ---- The mutexes a thread owns (ended threads abandon theirs) ------------- */

struct owned {
    struct wipc_object *obj;
    struct owned *next;
};

static unsigned long owned_key;
static int owned_key_ok = -1; /* -1: not made yet; guarded by owned_lock */
static wipc_mutex owned_lock = WIPC_MUTEX_INIT;

static void mtx_abandon(struct wipc_object *obj);

/* The thread-exit destructor: every mutex the thread still owns. */
static void owned_end(void *head)
{
    struct owned *o = head, *next;
    for (; o; o = next) {
        next = o->next;
        mtx_abandon(o->obj);
        wipc_object_release(o->obj);
        free(o);
    }
}

static int owned_ready(void)
{
    wipc_mutex_lock(&owned_lock);
    if (owned_key_ok < 0)
        owned_key_ok = wipc_plat_tls_key(owned_end, &owned_key) == 0;
    wipc_mutex_unlock(&owned_lock);
    return owned_key_ok;
}

static void owned_add(struct wipc_object *obj)
{
    struct owned *o;
    if (!owned_ready() || !(o = malloc(sizeof *o)))
        return; /* then it is not abandoned by a thread exit */
    o->obj = wipc_object_grab(obj);
    o->next = wipc_plat_tls_get(owned_key);
    wipc_plat_tls_set(owned_key, o);
}

static void owned_remove(struct wipc_object *obj)
{
    struct owned *head, **pp, *o;
    if (!owned_ready())
        return;
    head = wipc_plat_tls_get(owned_key);
    for (pp = &head; (o = *pp); pp = &o->next) {
        if (o->obj == obj) {
            *pp = o->next;
            wipc_plat_tls_set(owned_key, head);
            wipc_object_release(o->obj);
            free(o);
            return;
        }
    }
}

/* ---- The state ------------------------------------------------------------- */

static void mtx_lock(struct wipc_mutex_obj *m)
{
    int recovered = 0;
    wipc_plat_shared_mutex_lock_r(&m->sh->lock, &recovered);
    /* A holder killed inside the lock may have taken the token without
     * becoming the owner, or given up ownership without putting the token
     * back: a mutex without an owner has its token (one more write is
     * harmless: a take reads the whole counter). */
    if (recovered && ld(&m->sh->owner_pid) == 0)
        wipc_plat_eventfd_set(m->token);
}

static void mtx_unlock(struct wipc_mutex_obj *m)
{
    wipc_plat_shared_mutex_unlock(&m->sh->lock);
}

/* 1 if the owner recorded in the state has ended (a process of another
 * start time holds its pid now, or none, or its pidfd says it exited). */
static int mtx_owner_dead(struct wipc_mutex_obj *m, DWORD pid, uint64_t start)
{
    int pidfd = -1, ready = 0;
    uint64_t s = 0;
    DWORD err;

    if (m->watch_fd >= 0 && m->watch_pid == pid && m->watch_start == start) {
        wipc_plat_wait_readable(m->watch_fd, 0, &ready);
        return ready;
    }
    /* Of any user: a public mutex's owner may be another's. */
    err = wipc_plat_pidfd_watch(pid, &pidfd);
    if (err)
        return err == ERROR_INVALID_PARAMETER; /* else it cannot tell */
    if (wipc_plat_process_start(pid, pidfd, &s, NULL) != 0 || s != start) {
        wipc_plat_close(pidfd);
        return 1;
    }
    wipc_plat_wait_readable(pidfd, 0, &ready);
    wipc_plat_close(pidfd);
    return ready;
}

/* Watches the pidfd of the owner another process (or nothing). */
static void mtx_watch(struct wipc_mutex_obj *m, DWORD pid, uint64_t start)
{
    int pidfd = -1;
    uint64_t s = 0;

    if (m->watch_fd >= 0 && m->watch_pid == pid && m->watch_start == start)
        return;
    if (m->watch_fd >= 0) {
        wipc_plat_epoll_unwatch(m->ep, m->watch_fd);
        wipc_plat_close(m->watch_fd);
        m->watch_fd = -1;
        m->watch_pid = 0;
    }
    if (pid == 0 || pid == wipc_plat_getpid())
        return;
    if (wipc_plat_pidfd_watch(pid, &pidfd) != 0)
        return; /* gone: the next look claims it */
    if (wipc_plat_process_start(pid, pidfd, &s, NULL) != 0 || s != start ||
        wipc_plat_epoll_watch(m->ep, pidfd, 0) != 0) {
        wipc_plat_close(pidfd);
        return;
    }
    m->watch_fd = pidfd;
    m->watch_pid = pid;
    m->watch_start = start;
}

/* Under both locks: acquires if it can.  Returns 1, 2 (abandoned) or 0;
 * fresh: the thread did not own it before. */
static int mtx_try(struct wipc_mutex_obj *m, const struct mtx_me *me,
                   int *fresh, DWORD *opid, uint64_t *ostart)
{
    struct mtx_shared *sh = m->sh;
    int took = 0;
    DWORD pid;

    *fresh = 0;
    if (mtx_mine(sh, me)) {
        if (sh->recursion >= 0x7fffffffu)
            return 0;
        sh->recursion++;
        return 1;
    }
    wipc_plat_eventfd_take(m->token, &took);
    pid = ld(&sh->owner_pid);
    if (!took && pid != 0) {
        /* Its owner may have died with it.  An owner of this process is
         * alive (a thread that ends abandons what it owns) unless the pid
         * was another process's, before a fork or long ago. */
        int dead = pid == me->pid ? sh->owner_start != me->start
                                  : mtx_owner_dead(m, pid, sh->owner_start);
        if (!dead) {
            *opid = pid;
            *ostart = sh->owner_start;
            return 0;
        }
        sh->abandoned = 1;
    } else if (!took) {
        /* Free in the state but no token: a holder died inside the lock
         * between the two; the token is the truth. */
        *opid = 0;
        *ostart = 0;
        return 0;
    }
    mtx_set_owner(sh, me);
    sh->recursion = 1;
    sh->claim_abandoned = sh->abandoned;
    sh->abandoned = 0;
    *fresh = 1;
    return sh->claim_abandoned ? 2 : 1;
}

static int mutex_satisfy(struct wipc_object *obj)
{
    struct wipc_mutex_obj *m = mtx_of(obj);
    struct mtx_me me;
    DWORD opid = 0;
    uint64_t ostart = 0;
    int r, fresh = 0, round;

    mtx_me(&me);
    wipc_mutex_lock(&m->local);
    for (round = 0; round < 2; round++) {
        /* A look that fails drains the events first and looks again: what
         * changes after that second look wakes the next poll. */
        if (round)
            wipc_plat_epoll_drain(m->ep);
        mtx_lock(m);
        r = mtx_try(m, &me, &fresh, &opid, &ostart);
        mtx_unlock(m);
        if (r)
            break;
    }
    if (!r)
        mtx_watch(m, opid, ostart);
    wipc_mutex_unlock(&m->local);
    if (fresh)
        owned_add(obj);
    return r;
}

/* Gives up one level of ownership; the last one frees the token. */
static DWORD mtx_release(struct wipc_mutex_obj *m, int restore_abandoned)
{
    struct mtx_shared *sh = m->sh;
    struct mtx_me me;
    int last = 0;

    mtx_me(&me);
    mtx_lock(m);
    if (!mtx_mine(sh, &me) || sh->recursion == 0) {
        mtx_unlock(m);
        return ERROR_NOT_OWNER;
    }
    if (--sh->recursion == 0) {
        last = 1;
        if (restore_abandoned && sh->claim_abandoned)
            sh->abandoned = 1;
        sh->claim_abandoned = 0;
        mtx_set_owner(sh, NULL);
        wipc_object_signal_publish(&m->obj);
        wipc_plat_eventfd_set(m->token);
    }
    mtx_unlock(m);
    if (last)
        owned_remove(&m->obj);
    return 0;
}

static void mutex_unsatisfy(struct wipc_object *obj)
{
    mtx_release(mtx_of(obj), 1);
}

DWORD wipc_mutex_release(struct wipc_object *obj)
{
    return mtx_release(mtx_of(obj), 0);
}

/* The thread is ending owning the mutex: it is abandoned. */
static void mtx_abandon(struct wipc_object *obj)
{
    struct wipc_mutex_obj *m = mtx_of(obj);
    struct mtx_me me;

    mtx_me(&me);
    mtx_lock(m);
    if (mtx_mine(m->sh, &me)) {
        m->sh->recursion = 0;
        m->sh->claim_abandoned = 0;
        m->sh->abandoned = 1;
        mtx_set_owner(m->sh, NULL);
        wipc_object_signal_publish(obj);
        wipc_plat_eventfd_set(m->token);
    }
    mtx_unlock(m);
}

static int mutex_signal_fd(struct wipc_object *obj)
{
    struct wipc_mutex_obj *m = mtx_of(obj);
    struct mtx_me me;
    mtx_me(&me);
    return mtx_mine(m->sh, &me) ? -1 : m->ep;
}

static int mutex_get_fd(struct wipc_object *obj) { return mtx_of(obj)->ep; }

static void mutex_inherit_info(struct wipc_object *obj, int *fd, char *tag,
                               size_t taglen)
{
    *fd = mtx_of(obj)->token;
    snprintf(tag, taglen, "mutex");
}

static const char *mutex_name(struct wipc_object *obj)
{
    return wipc_sync_name_of(obj);
}

static void mutex_destroy(struct wipc_object *obj)
{
    struct wipc_mutex_obj *m = mtx_of(obj);
    wipc_sync_name_forget(obj);
    if (m->sh)
        wipc_plat_unmap(m->sh, MTX_SIZE);
    wipc_plat_close(m->watch_fd);
    wipc_plat_close(m->ep);
    wipc_plat_close(m->token);
    wipc_plat_close(m->state);
    wipc_mutex_destroy(&m->local);
    free(m);
}

const struct wipc_object_ops wipc_mutex_ops = {
    .type_name = "Mutant",
    .file_type = FILE_TYPE_UNKNOWN,
    .mapping = {STANDARD_RIGHTS_READ | MUTANT_QUERY_STATE,
                STANDARD_RIGHTS_WRITE, STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
                MUTEX_ALL_ACCESS},
    .signal_fd = mutex_signal_fd,
    .satisfy = mutex_satisfy,
    .unsatisfy = mutex_unsatisfy,
    .inherit_info = mutex_inherit_info,
    .get_fd = mutex_get_fd,
    .name = mutex_name,
    .destroy = mutex_destroy,
};

/* The object around a token and a mapped state (both taken over). */
static DWORD mtx_new(int token, int state, struct mtx_shared *sh,
                     struct wipc_object **out)
{
    struct wipc_mutex_obj *m = calloc(1, sizeof *m);
    DWORD err;

    if (!m) {
        wipc_plat_unmap(sh, MTX_SIZE);
        wipc_plat_close(token);
        wipc_plat_close(state);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    m->token = token;
    m->state = state;
    m->sh = sh;
    m->watch_fd = -1;
    wipc_mutex_init(&m->local);
    wipc_object_init(&m->obj, &wipc_mutex_ops);
    err = wipc_plat_epoll_create(&m->ep);
    if (!err)
        err = wipc_plat_epoll_watch(m->ep, token, 1);
    else
        m->ep = -1;
    if (err) {
        wipc_object_release(&m->obj);
        return err;
    }
    *out = &m->obj;
    return 0;
}

DWORD wipc_mutex_create(BOOL initial_owner, struct wipc_object **out)
{
    struct mtx_shared *sh;
    struct mtx_me me;
    void *p;
    int token = -1, state = -1;
    DWORD err = wipc_plat_memfd("winipc-mutex", MTX_SIZE, &state);

    if (!err)
        err = wipc_plat_map_shared(state, MTX_SIZE, &p);
    if (err) {
        wipc_plat_close(state);
        return err;
    }
    sh = p;
    sh->magic = MTX_MAGIC;
    sh->size = MTX_SIZE;
    err = wipc_plat_shared_mutex_init(&sh->lock);
    if (!err)
        err = wipc_plat_eventfd(!initial_owner, &token);
    if (err) {
        wipc_plat_unmap(sh, MTX_SIZE);
        wipc_plat_close(state);
        return err;
    }
    if (initial_owner) {
        mtx_me(&me);
        mtx_set_owner(sh, &me);
        sh->recursion = 1;
    }
    err = mtx_new(token, state, sh, out);
    if (!err && initial_owner)
        owned_add(*out);
    return err;
}

DWORD wipc_mutex_adopt(int token, int state, struct wipc_object **out)
{
    void *p = NULL;
    DWORD err = wipc_plat_memfd_check(state, MTX_SIZE);

    if (!err)
        err = wipc_plat_map_shared(state, MTX_SIZE, &p);
    if (!err && (((struct mtx_shared *)p)->magic != MTX_MAGIC ||
                 ((struct mtx_shared *)p)->size != MTX_SIZE)) {
        wipc_plat_unmap(p, MTX_SIZE);
        err = ERROR_INVALID_DATA;
    }
    if (err) {
        wipc_plat_close(token);
        wipc_plat_close(state);
        return err;
    }
    return mtx_new(token, state, p, out);
}

/* ---- Both types ------------------------------------------------------------- */

int wipc_sync_second_fd(struct wipc_object *obj)
{
    if (obj->ops == &wipc_mutex_ops)
        return mtx_of(obj)->state;
    if (obj->ops == &wipc_semaphore_ops)
        return wipc_semaphore_state_fd(obj);
    return -1;
}

int wipc_sync_tag(const char *tag)
{
    return strcmp(tag, "mutex") == 0 || strcmp(tag, "semaphore") == 0;
}

DWORD wipc_sync_rebuild(const char *tag, int fd, int fd2,
                        struct wipc_object **out)
{
    if (strcmp(tag, "mutex") == 0)
        return wipc_mutex_adopt(fd, fd2, out);
    if (strcmp(tag, "semaphore") == 0)
        return wipc_semaphore_adopt(fd, fd2, out);
    wipc_plat_close(fd);
    wipc_plat_close(fd2);
    return ERROR_INVALID_DATA;
}
