/*
 * mutex.c: mutexes, owned by a thread, recursive, abandoned when their
 * owner ends.
 *
 * Every holder, in any process, reaches two kernel objects:
 *
 *   the state   a sealed memfd mapped by each holder, whose owner word is
 *               the mutex: 0 while it is free, else the owner's pid and
 *               thread id, and a CONTENDED bit; the owner's recursion
 *               count and process start time beside it;
 *   the token   an eventfd, the doorbell of the waiters that poll.
 *
 * Taking a free mutex is one compare-and-swap of the owner word, and
 * giving it back one exchange: no system call while nobody waits (a wait
 * on one free mutex polls nothing, core/wait.c).  A thread that has to
 * wait sets CONTENDED in the word and polls an epoll set of its own
 * process that watches the token (edge-triggered: every write queues an
 * event, which stays until drained) and, level-triggered, the pidfd of the
 * owner it saw; the release that finds CONTENDED rings the token.  A wait
 * that loses drains the set first and then looks again, so whatever
 * happens after that look wakes it.  (A mutex taken by a waiter keeps
 * CONTENDED: others may still wait; a stale bit costs one ring.)
 *
 *   - an owner thread that ends (ExitThread, return, pthread_exit) leaves
 *     the mutex abandoned: a thread-exit destructor marks the state and
 *     frees the word, and the next acquirer gets WAIT_ABANDONED;
 *   - an owner process that dies (killed: no destructor runs) is seen by
 *     the waiters through its pidfd: one of them swaps itself in for the
 *     dead owner and gets WAIT_ABANDONED.  A process killed between its
 *     release and its ring is seen the same way.  Nothing is left wedged.
 *
 * A thread that owns the mutex waits on it without polling (signal_fd is
 * -1 for it) and counts one more recursion.
 *
 * A wait for all (core/wait.c) that finds the mutex free marks it LOCKED
 * with its thread's key while it looks at its other objects, then makes
 * itself the owner or frees it again: every other acquirer waits such a
 * moment out (mtx_settle) instead of counting the mutex taken, so nobody
 * sees the wait holding some of its objects and not the others.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objects.h"
#include "sync.h"

#define MTX_MAGIC 0x3258554du /* "MUX2" */
#define MTX_SIZE 4096u
#define MTX_CONTENDED (1ull << 63)
/* A wait for all locked the free mutex (the rest of the word is its
 * thread's key) while it looks at its other objects (pids and thread ids
 * are below 2^22, so bit 62 is never a pid's). */
#define MTX_LOCKED (1ull << 62)
#define MTX_KEY(pid, tid) ((uint64_t)(pid) << 32 | (uint32_t)(tid))
#define MTX_PID(v) ((DWORD)(((v) & ~(MTX_CONTENDED | MTX_LOCKED)) >> 32))
/* How many times a waiter lets others run while a wait for all holds the
 * mutex locked, before it sleeps between looks, and how long it waits for
 * a live locker before it waits as for an owner. */
#define MTX_SETTLE_SPINS 64
#define MTX_SETTLE_BOUND_MS 2000u

struct mtx_shared {
    uint32_t magic, size;
    _Atomic uint64_t owner;         /* MTX_KEY | MTX_CONTENDED, 0: free */
    _Atomic uint64_t owner_start;   /* the owner's process start time */
    _Atomic uint32_t owner_start_pid; /* whose owner_start is */
    uint32_t recursion;             /* the owner's */
    _Atomic uint32_t abandoned;     /* the next acquirer hears so */
    uint32_t claim_abandoned;       /* the owner's acquisition was */
};

struct wipc_mutex_obj {
    struct wipc_object obj;
    int token, state, ep;
    struct mtx_shared *sh;
    wipc_mutex local; /* guards the watch, and orders local waiters */
    int watch_fd;     /* the pidfd of the owner watched in ep, or -1 */
    DWORD watch_pid;
    /* The next mutex the owning thread of this process owns (only one
     * thread of a process owns it at a time): see owned_*.  owned: it is
     * in such a list; orphan: destroyed while it was (owned_lock). */
    struct wipc_mutex_obj *owned_next;
    int owned, orphan;
};

static inline struct wipc_mutex_obj *mtx_of(struct wipc_object *obj)
{
    return (struct wipc_mutex_obj *)obj;
}

/* ---- Who we are (cached per thread; a fork()ed child looks again) ------- */

struct mtx_me {
    DWORD pid, tid;
    uint64_t start, key;
};

static atomic_uint fork_gen = 1;
static __thread struct {
    unsigned gen;
    struct mtx_me me;
} me_tls __attribute__((tls_model("initial-exec")));

static void mtx_forked(void)
{
    atomic_fetch_add(&fork_gen, 1);
}

static const struct mtx_me *mtx_me(void)
{
    unsigned gen = atomic_load_explicit(&fork_gen, memory_order_relaxed);
    if (me_tls.gen != gen) {
        static atomic_int atfork;
        uint64_t s = 0;
        if (!atomic_exchange(&atfork, 1))
            wipc_plat_atfork_child(mtx_forked);
        me_tls.me.pid = wipc_plat_getpid();
        me_tls.me.tid = wipc_plat_gettid();
        wipc_plat_process_start(me_tls.me.pid, -1, &s, NULL);
        me_tls.me.start = s;
        me_tls.me.key = MTX_KEY(me_tls.me.pid, me_tls.me.tid);
        me_tls.gen = gen;
    }
    return &me_tls.me;
}

static int mtx_mine(const struct mtx_shared *sh, const struct mtx_me *me)
{
    return (atomic_load(&sh->owner) & ~MTX_CONTENDED) == me->key;
}

/* ---- The mutexes a thread owns (ended threads abandon theirs) -------------
 *
 * Each thread links the mutexes it owns through owned_next, without taking
 * references, so that taking and giving back a mutex touches no shared
 * counter.  Only the owning thread changes its list while it runs.  A
 * mutex whose last reference in this process goes while one of its
 * threads owns it (the owner closed its handles) is not freed: it waits,
 * an orphan without a name, for that thread to end and abandon it (the
 * state is shared: waiters in other processes hear of it).  owned_lock
 * orders a thread's end against such a destroy. */

static unsigned long owned_key;
static int owned_key_ok = -1; /* -1: not made yet; guarded by owned_lock */
static wipc_mutex owned_lock = WIPC_MUTEX_INIT;
static __thread struct wipc_mutex_obj *owned_head
    __attribute__((tls_model("initial-exec")));
static __thread int owned_armed __attribute__((tls_model("initial-exec")));

static void mtx_abandon(struct wipc_mutex_obj *m);
static void mtx_free(struct wipc_mutex_obj *m);

/* The thread-exit destructor: every mutex the thread still owns. */
static void owned_end(void *unused)
{
    struct wipc_mutex_obj *m, *next, *orphans = NULL;

    (void)unused;
    wipc_mutex_lock(&owned_lock);
    for (m = owned_head; m; m = next) {
        next = m->owned_next;
        m->owned_next = NULL;
        m->owned = 0;
        mtx_abandon(m);
        if (m->orphan) {
            m->owned_next = orphans;
            orphans = m;
        }
    }
    owned_head = NULL;
    wipc_mutex_unlock(&owned_lock);
    for (m = orphans; m; m = next) {
        next = m->owned_next;
        mtx_free(m);
    }
}

/* Arms the thread-exit destructor once per thread (0 if it cannot be). */
static int owned_ready(void)
{
    int ok;
    if (owned_armed)
        return 1;
    wipc_mutex_lock(&owned_lock);
    if (owned_key_ok < 0)
        owned_key_ok = wipc_plat_tls_key(owned_end, &owned_key) == 0;
    ok = owned_key_ok;
    wipc_mutex_unlock(&owned_lock);
    if (ok && wipc_plat_tls_set(owned_key, &owned_armed) == 0)
        owned_armed = 1;
    return owned_armed;
}

/* The calling thread now owns m (it did not before). */
static void owned_add(struct wipc_mutex_obj *m)
{
    if (!owned_ready())
        return; /* then it is not abandoned by a thread exit */
    m->owned_next = owned_head;
    owned_head = m;
    m->owned = 1;
}

static void owned_remove(struct wipc_mutex_obj *m)
{
    struct wipc_mutex_obj **pp;
    if (!m->owned)
        return;
    for (pp = &owned_head; *pp; pp = &(*pp)->owned_next) {
        if (*pp == m) {
            *pp = m->owned_next;
            m->owned_next = NULL;
            m->owned = 0;
            return;
        }
    }
}

/* ---- Owners that die ------------------------------------------------------- */

/* 1 if the owner in word v has ended: no process has its pid any more, or
 * one of another start time, or its pidfd says it exited. */
static int mtx_owner_dead(struct wipc_mutex_obj *m, uint64_t v)
{
    struct mtx_shared *sh = m->sh;
    DWORD pid = MTX_PID(v);
    int pidfd = -1, ready = 0;
    uint64_t s = 0, start = 0;
    int know_start;
    DWORD err;

    if (pid == wipc_plat_getpid())
        return 0; /* a thread of ours abandons what it owns as it ends */
    if (m->watch_fd >= 0 && m->watch_pid == pid) {
        wipc_plat_wait_readable(m->watch_fd, 0, &ready);
        return ready;
    }
    /* Of any user: a public mutex's owner may be another's. */
    err = wipc_plat_pidfd_watch(pid, &pidfd);
    if (err)
        return err == ERROR_INVALID_PARAMETER; /* else it cannot tell */
    know_start = atomic_load(&sh->owner_start_pid) == pid;
    if (know_start)
        start = atomic_load(&sh->owner_start);
    if (wipc_plat_process_start(pid, pidfd, &s, NULL) != 0 ||
        (know_start && s != start)) {
        wipc_plat_close(pidfd);
        return 1;
    }
    wipc_plat_wait_readable(pidfd, 0, &ready);
    wipc_plat_close(pidfd);
    return ready;
}

/* Watches the pidfd of the owner in v if it is another process's. */
static void mtx_watch(struct wipc_mutex_obj *m, uint64_t v)
{
    DWORD pid = v ? MTX_PID(v) : 0;
    int pidfd = -1;

    if (m->watch_fd >= 0 && m->watch_pid == pid)
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
    if (wipc_plat_epoll_watch(m->ep, pidfd, 0) != 0) {
        wipc_plat_close(pidfd);
        return;
    }
    m->watch_fd = pidfd;
    m->watch_pid = pid;
}

/* Frees the word (the exchange publishes what the owner did); rings if
 * anybody waits. */
static void mtx_free_word(struct wipc_mutex_obj *m)
{
    if (atomic_exchange(&m->sh->owner, 0) & MTX_CONTENDED)
        wipc_plat_eventfd_add(m->token, 1);
}

/* The word v is LOCKED by a wait for all (in any process) while it looks
 * at its other objects: a few instructions and system calls, unless its
 * thread is preempted, stopped, or its process killed.  Waits for it to
 * settle (as wipc_sync_lock_take waits), and frees it if the locker has
 * died (it never took it).  Returns the word as it is then: still LOCKED
 * only if a live locker keeps it past the bound, and the caller then
 * waits as for an owner (a locker always marks it CONTENDED, so the end
 * of its lock rings). */
static uint64_t mtx_settle(struct wipc_mutex_obj *m, uint64_t v,
                           int have_local)
{
    uint64_t since = 0, now;
    int i, dead;

    for (i = 0; v & MTX_LOCKED; i++) {
        if (i < MTX_SETTLE_SPINS) {
            wipc_plat_yield();
        } else {
            now = wipc_plat_now_ms();
            if (!since)
                since = now;
            if (!have_local)
                wipc_mutex_lock(&m->local); /* mtx_owner_dead reads the watch */
            dead = mtx_owner_dead(m, v);
            if (!have_local)
                wipc_mutex_unlock(&m->local);
            if (dead && atomic_compare_exchange_strong(&m->sh->owner, &v, 0)) {
                wipc_plat_eventfd_add(m->token, 1);
                return 0;
            }
            if (now - since > MTX_SETTLE_BOUND_MS)
                return atomic_load(&m->sh->owner);
            wipc_plat_sleep_us(200);
        }
        v = atomic_load(&m->sh->owner);
    }
    return v;
}

/* ---- Taking and giving back ----------------------------------------------- */

/* The calling thread has just swapped itself in: 1, or 2 if it hears of an
 * abandonment. */
static int mtx_took(struct wipc_mutex_obj *m, const struct mtx_me *me,
                    int abandoned)
{
    struct mtx_shared *sh = m->sh;
    /* Plain stores where they change anything: the owner word's exchange
     * orders them for the next owner. */
    if (atomic_load_explicit(&sh->owner_start_pid, memory_order_relaxed) !=
        me->pid) {
        atomic_store_explicit(&sh->owner_start, me->start,
                              memory_order_relaxed);
        atomic_store_explicit(&sh->owner_start_pid, me->pid,
                              memory_order_release);
    }
    sh->recursion = 1;
    if (atomic_load_explicit(&sh->abandoned, memory_order_relaxed) &&
        atomic_exchange(&sh->abandoned, 0))
        abandoned = 1;
    sh->claim_abandoned = (uint32_t)abandoned;
    owned_add(m);
    return abandoned ? 2 : 1;
}

/* One look: 1 or 2 if the thread now owns it, 0 with *seen the owner word
 * it left CONTENDED. */
static int mtx_try(struct wipc_mutex_obj *m, const struct mtx_me *me,
                   int contended, uint64_t *seen)
{
    struct mtx_shared *sh = m->sh;
    uint64_t v = atomic_load(&sh->owner);

    for (;;) {
        if ((v & ~MTX_CONTENDED) == me->key) {
            if (sh->recursion >= 0x7fffffffu)
                return 0;
            sh->recursion++;
            return 1;
        }
        if ((v & MTX_LOCKED) && contended) {
            uint64_t was = v;
            v = mtx_settle(m, v, 1);
            if (v != was)
                continue;
        }
        if (v == 0) {
            /* Free.  A waiter keeps CONTENDED for the others. */
            if (atomic_compare_exchange_weak(
                    &sh->owner, &v, me->key | (contended ? MTX_CONTENDED : 0)))
                return mtx_took(m, me, 0);
            continue;
        }
        if (!contended) {
            *seen = v;
            return 0;
        }
        if (mtx_owner_dead(m, v)) {
            /* A dead locker had not taken it: not abandoned by it. */
            int abandoned = !(v & MTX_LOCKED);
            if (atomic_compare_exchange_strong(&sh->owner, &v,
                                               me->key | MTX_CONTENDED))
                return mtx_took(m, me, abandoned);
            continue;
        }
        if (!(v & MTX_CONTENDED) &&
            !atomic_compare_exchange_weak(&sh->owner, &v, v | MTX_CONTENDED))
            continue;
        *seen = v | MTX_CONTENDED;
        return 0;
    }
}

static int mutex_satisfy(struct wipc_object *obj)
{
    struct wipc_mutex_obj *m = mtx_of(obj);
    const struct mtx_me *me = mtx_me();
    uint64_t seen = 0;
    int r;

    /* The uncontended path: one compare-and-swap. */
    r = mtx_try(m, me, 0, &seen);
    if (r)
        return r;
    wipc_mutex_lock(&m->local);
    /* A waiter drains its events, marks the word CONTENDED and looks
     * again: a release after that look rings, a death shows in the pidfd
     * it then watches. */
    wipc_plat_epoll_drain(m->ep);
    r = mtx_try(m, me, 1, &seen);
    mtx_watch(m, r ? 0 : seen);
    wipc_mutex_unlock(&m->local);
    return r;
}

/* Gives up one level of ownership; the last one frees the mutex. */
static DWORD mtx_release(struct wipc_mutex_obj *m, int restore_abandoned)
{
    struct mtx_shared *sh = m->sh;
    const struct mtx_me *me = mtx_me();

    if (!mtx_mine(sh, me) || sh->recursion == 0)
        return ERROR_NOT_OWNER;
    if (--sh->recursion == 0) {
        if (restore_abandoned && sh->claim_abandoned)
            atomic_store(&sh->abandoned, 1);
        sh->claim_abandoned = 0;
        owned_remove(m);
        mtx_free_word(m);
    }
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
static void mtx_abandon(struct wipc_mutex_obj *m)
{
    if (mtx_mine(m->sh, mtx_me())) {
        m->sh->recursion = 0;
        m->sh->claim_abandoned = 0;
        atomic_store(&m->sh->abandoned, 1);
        mtx_free_word(m);
    }
}

/* -1 (nothing to poll: try it) while it is free or this thread's. */
static int mutex_signal_fd(struct wipc_object *obj)
{
    struct wipc_mutex_obj *m = mtx_of(obj);
    uint64_t v = atomic_load(&m->sh->owner);
    if (v & MTX_LOCKED)
        v = mtx_settle(m, v, 0); /* a wait for all's lock: wait it out */
    return v == 0 || (v & ~MTX_CONTENDED) == mtx_me()->key ? -1 : m->ep;
}

/* ---- Waits for all (core/wait.c) ------------------------------------------- */

/* Locks m for a wait for all of the calling thread: a free mutex gets
 * LOCKED and the thread's key (and CONTENDED: the waiters that meet the
 * lock are rung at its end), one whose owner died too (and it is marked
 * abandoned, which whoever takes it next hears); one the thread owns
 * needs no lock.  As mutex_satisfy, a look that finds an owner follows a
 * drain and leaves CONTENDED, so the release rings the wait's poll. */
static int mtx_lock_all(struct wipc_mutex_obj *m, const struct mtx_me *me)
{
    struct mtx_shared *sh = m->sh;
    uint64_t v;
    int r;

    wipc_mutex_lock(&m->local);
    wipc_plat_epoll_drain(m->ep);
    v = atomic_load(&sh->owner);
    for (;;) {
        if ((v & ~MTX_CONTENDED) == me->key) {
            r = sh->recursion < 0x7fffffffu;
            break;
        }
        if (v == 0) {
            if (!atomic_compare_exchange_weak(
                    &sh->owner, &v, MTX_LOCKED | MTX_CONTENDED | me->key))
                continue;
            r = 1;
            break;
        }
        if (mtx_owner_dead(m, v)) {
            if (!atomic_compare_exchange_strong(
                    &sh->owner, &v, MTX_LOCKED | MTX_CONTENDED | me->key))
                continue;
            if (!(v & MTX_LOCKED))
                atomic_store(&sh->abandoned, 1); /* a dead owner's */
            r = 1;
            break;
        }
        if (v & MTX_LOCKED) {
            r = -1; /* another wait for all's, for a moment */
            break;
        }
        if (!(v & MTX_CONTENDED) &&
            !atomic_compare_exchange_weak(&sh->owner, &v, v | MTX_CONTENDED))
            continue;
        r = 0;
        break;
    }
    mtx_watch(m, r == 0 ? v : 0);
    wipc_mutex_unlock(&m->local);
    return r;
}

static int mutex_wait_all(struct wipc_object *obj, int what)
{
    struct wipc_mutex_obj *m = mtx_of(obj);
    const struct mtx_me *me = mtx_me();
    uint64_t v;

    if (what == WIPC_ALL_LOCK)
        return mtx_lock_all(m, me);
    v = atomic_load(&m->sh->owner);
    if ((v & ~MTX_CONTENDED) == me->key) {
        /* The thread owns it already: one more level when taken. */
        if (what == WIPC_ALL_TAKE)
            m->sh->recursion++;
        return 1;
    }
    if (what == WIPC_ALL_UNLOCK) {
        mtx_free_word(m); /* rings: it is CONTENDED */
        return 0;
    }
    /* Taken: the locker becomes the owner, CONTENDED still. */
    atomic_fetch_and(&m->sh->owner, ~MTX_LOCKED);
    return mtx_took(m, me, 0);
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

static void mtx_free(struct wipc_mutex_obj *m)
{
    if (m->sh)
        wipc_plat_unmap(m->sh, MTX_SIZE);
    wipc_plat_close(m->watch_fd);
    wipc_plat_close(m->ep);
    wipc_plat_close(m->token);
    wipc_plat_close(m->state);
    wipc_mutex_destroy(&m->local);
    free(m);
}

static void mutex_destroy(struct wipc_object *obj)
{
    struct wipc_mutex_obj *m = mtx_of(obj);
    int orphan;

    wipc_sync_name_forget(obj);
    wipc_mutex_lock(&owned_lock);
    orphan = m->orphan = m->owned;
    wipc_mutex_unlock(&owned_lock);
    if (!orphan)
        mtx_free(m); /* else its owner thread's end frees it */
}

/* A wait's first look: the compare-and-swap alone.  Anything else (taken
 * by another thread, whose process may have died) is the poll's. */
static int mutex_try_now(struct wipc_object *obj)
{
    uint64_t seen;
    int r = mtx_try(mtx_of(obj), mtx_me(), 0, &seen);
    return r ? r : -1;
}

const struct wipc_object_ops wipc_mutex_ops = {
    .type_name = "Mutant",
    .file_type = FILE_TYPE_UNKNOWN,
    .mapping = {STANDARD_RIGHTS_READ | MUTANT_QUERY_STATE,
                STANDARD_RIGHTS_WRITE, STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
                MUTEX_ALL_ACCESS},
    .signal_fd = mutex_signal_fd,
    .satisfy = mutex_satisfy,
    .try_now = mutex_try_now,
    .unsatisfy = mutex_unsatisfy,
    .wait_all = mutex_wait_all,
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
    err = wipc_plat_eventfd(0, &token);
    if (err) {
        wipc_plat_unmap(sh, MTX_SIZE);
        wipc_plat_close(state);
        return err;
    }
    err = mtx_new(token, state, sh, out);
    if (!err && initial_owner) {
        const struct mtx_me *me = mtx_me();
        atomic_store(&sh->owner, me->key);
        mtx_took(mtx_of(*out), me, 0);
    }
    return err;
}

DWORD wipc_mutex_adopt(int token, int state, struct wipc_object **out)
{
    void *p = NULL;
    DWORD err = wipc_sync_map_state(&token, state, MTX_SIZE, MTX_MAGIC, &p);
    return err ? err : mtx_new(token, state, p, out);
}

void wipc_mutex_state(struct wipc_object *obj, DWORD *pid, DWORD *tid,
                      DWORD *recursion, int *abandoned)
{
    struct wipc_mutex_obj *m = mtx_of(obj);
    uint64_t v = atomic_load(&m->sh->owner);
    int dead = 0;

    *pid = *tid = *recursion = 0;
    *abandoned = atomic_load(&m->sh->abandoned) != 0;
    if (v == 0 || (v & MTX_LOCKED))
        return; /* free (a wait for all may be looking at it) */
    wipc_mutex_lock(&m->local);
    dead = mtx_owner_dead(m, v);
    wipc_mutex_unlock(&m->local);
    if (dead) {
        *abandoned = 1; /* the next acquirer will hear it */
        return;
    }
    *pid = MTX_PID(v);
    *tid = (DWORD)(uint32_t)v;
    *recursion = m->sh->recursion;
}

/* ---- The shared states' lock (sync.h) --------------------------------------- */

/* Spins before a lock's holder is looked at, and how long a live holder
 * may keep it before it is replaced. */
#define LOCK_SPINS 64
#define LOCK_TRIES 16
#define LOCK_BOUND_MS 2000u

static uint64_t lock_key(void)
{
    const struct mtx_me *me = mtx_me();
    return (uint64_t)me->pid << 32 | (uint32_t)me->start;
}

/* 1 if the process in lock word v has ended (or its pid is another's). */
static int lock_holder_gone(uint64_t v)
{
    DWORD pid = (DWORD)(v >> 32);
    uint64_t start = 0;
    int pidfd = -1, ready = 0;
    DWORD err;

    if (v == 0 || pid == mtx_me()->pid)
        return 0;
    err = wipc_plat_pidfd_watch(pid, &pidfd);
    if (err)
        return err == ERROR_INVALID_PARAMETER; /* else it cannot tell */
    if (wipc_plat_process_start(pid, pidfd, &start, NULL) != 0 ||
        (uint32_t)start != (uint32_t)v)
        ready = 1;
    else
        wipc_plat_wait_readable(pidfd, 0, &ready);
    wipc_plat_close(pidfd);
    return ready;
}

void wipc_sync_lock_take(wipc_sync_lock *l, int *recovered)
{
    uint64_t key = lock_key(), v, since = 0, now;
    unsigned spins = 0;

    *recovered = 0;
    for (;;) {
        v = 0;
        if (atomic_compare_exchange_weak(l, &v, key))
            return;
        if (v == 0)
            continue;
        if (++spins < LOCK_SPINS) {
            wipc_plat_yield();
            continue;
        }
        now = wipc_plat_now_ms();
        if (!since)
            since = now;
        if (lock_holder_gone(v) || now - since > LOCK_BOUND_MS) {
            if (atomic_compare_exchange_strong(l, &v, key)) {
                *recovered = 1;
                return;
            }
            continue;
        }
        wipc_plat_sleep_us(200);
    }
}

int wipc_sync_lock_try(wipc_sync_lock *l, int *recovered)
{
    uint64_t key = lock_key(), v = 0;
    int i;

    *recovered = 0;
    for (i = 0; i < LOCK_TRIES; i++) {
        v = 0;
        if (atomic_compare_exchange_weak(l, &v, key))
            return 1;
        wipc_plat_yield();
    }
    if (lock_holder_gone(v) && atomic_compare_exchange_strong(l, &v, key)) {
        *recovered = 1;
        return 1;
    }
    return 0;
}

void wipc_sync_unlock(wipc_sync_lock *l)
{
    /* Only if it still is ours: a holder replaced past the bound must not
     * free its successor's lock. */
    uint64_t key = lock_key();
    atomic_compare_exchange_strong(l, &key, 0);
}

/* ---- Both types ------------------------------------------------------------- */

DWORD wipc_sync_map_state(int *fd, int state, uint32_t size, uint32_t magic,
                          void **out)
{
    void *p = NULL;
    DWORD err = wipc_plat_memfd_check(state, size);

    if (!err)
        err = wipc_plat_map_shared(state, size, &p);
    /* Every state begins with its magic and its size. */
    if (!err && (((uint32_t *)p)[0] != magic || ((uint32_t *)p)[1] != size)) {
        wipc_plat_unmap(p, size);
        err = ERROR_INVALID_DATA;
    }
    if (err) {
        wipc_plat_close(*fd);
        wipc_plat_close(state);
        *fd = -1;
        return err;
    }
    *out = p;
    return 0;
}

int wipc_sync_second_fd(struct wipc_object *obj)
{
    if (obj->ops == &wipc_mutex_ops)
        return mtx_of(obj)->state;
    if (obj->ops == &wipc_semaphore_ops)
        return wipc_semaphore_state_fd(obj);
    if (obj->ops == &wipc_event_ops)
        return wipc_event_state_fd(obj);
    return -1;
}

int wipc_sync_tag(const char *tag)
{
    return strcmp(tag, "mutex") == 0 || strcmp(tag, "semaphore") == 0 ||
           strcmp(tag, "event.0") == 0 || strcmp(tag, "event.1") == 0;
}

DWORD wipc_sync_rebuild(const char *tag, int fd, int fd2,
                        struct wipc_object **out)
{
    if (strcmp(tag, "mutex") == 0)
        return wipc_mutex_adopt(fd, fd2, out);
    if (strcmp(tag, "semaphore") == 0)
        return wipc_semaphore_adopt(fd, fd2, out);
    if (strncmp(tag, "event.", 6) == 0)
        return wipc_event_adopt(fd, fd2, tag[6] == '1', out);
    wipc_plat_close(fd);
    wipc_plat_close(fd2);
    return ERROR_INVALID_DATA;
}
