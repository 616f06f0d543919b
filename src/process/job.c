/*
 * job.c: job objects (see job.h).
 *
 * The job's keeper (platform_job.h) leads a process group; processes
 * assigned to the job join that group, and their children are born in it,
 * so the kernel keeps the membership.  The keeper, which outlives the
 * job's owner, kills them when the last write end of its pipe closes (the
 * job's last handle in any process, or the processes holding them killed)
 * and KILL_ON_JOB_CLOSE is set.  The limits, counters, signal and the
 * processes followed by pid live in the keeper's shared page, which every
 * holder maps (a handle that crosses processes carries the pipe's write
 * end; wipc_plat_job_attach finds the rest through the keeper) and where
 * the job's members find them when they create processes
 * (wipc_job_spawn_check).  The job's object in a process holds only what
 * is that process's: the processes it assigned (their exit codes) and its
 * completion port.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/io.h"
#include "../objects/sync.h"
#include "../platform/platform_sys.h"
#include "exit_record.h"
#include "job.h"
#include "process.h"

/* Processes a port follows to their end; processes whose end it has
 * posted, so that none is announced twice. */
#define JOB_WATCH_MAX 256
#define JOB_RECENT_MAX 64
/* A log entry that is no Windows message: TerminateJobObject is ending
 * the processes of the job (and of the jobs nested in it). */
#define JOB_LOG_TERMINATE 0x80000001u
/* Nor this: the process pid has moved into a job nested in this one. */
#define JOB_LOG_NESTED 0x80000002u

/*
 * What a completion port hears of a job (docs/processes.md, "Completion
 * port").  The job's shared log tells of the processes that join it, from
 * whichever process they were assigned or started; their pidfds tell of
 * their end.  Both are read by a thread (started with the association) and
 * by every thread that comes to the port (a source of the port,
 * wipc_io_port_add_source), so that a message is in the queue before
 * anyone who has seen the event can look for it.  Held by the job and the
 * thread; the port's source list refers to it until the association ends.
 */
struct job_watch {
    wipc_mutex lock;
    int refs;
    int stop;
    int wake; /* eventfd */
    int pidfds[JOB_WATCH_MAX];
    DWORD pids[JOB_WATCH_MAX];
    uint64_t starts[JOB_WATCH_MAX];
    unsigned char silent[JOB_WATCH_MAX]; /* ended by TerminateJobObject */
    unsigned char direct[JOB_WATCH_MAX]; /* in the job itself, not nested */
    struct wipc_exitrec *recs[JOB_WATCH_MAX]; /* its exit code, or NULL */
    size_t n;
    struct wipc_job_pid recent[JOB_RECENT_MAX]; /* ended (plain values) */
    size_t recent_next;
    struct wipc_object *port;
    ULONG_PTR key;
    struct wipc_job_shared *sh; /* the job's state, mapped for the watch */
    uint32_t seen;              /* the log's entries read */
    uint64_t stuck_since;       /* entry `seen` not written since (ms) */
    uint64_t next_scan;         /* next look for processes never announced */
    int zero_posted;
    uint32_t rung; /* the job's bell when the log was first read */
    int bell_ok;   /* a thread rings wake when the bell rings */
};

struct wipc_job {
    struct wipc_object obj;
    wipc_mutex lock;
    struct wipc_job_link link; /* the keeper's pipe, the shared state */
    /* Processes this process assigned (IsProcessInJob still finds them
     * once they have ended and been reaped). */
    struct wipc_object **assigned;
    size_t n_assigned;
    struct job_watch *watch;
    struct wipc_job *next; /* this process's jobs (job_local_*) */
};

static inline struct wipc_job *job_of(struct wipc_object *obj)
{
    return (struct wipc_job *)obj;
}

/* ---- The completion port's watch (the rest below) ------------------------------ */

static void watch_release(struct job_watch *w)
{
    int last;

    wipc_mutex_lock(&w->lock);
    last = --w->refs == 0;
    wipc_mutex_unlock(&w->lock);
    if (!last)
        return;
    for (size_t i = 0; i < w->n; i++) {
        wipc_plat_close(w->pidfds[i]);
        wipc_exitrec_release(w->recs[i]);
    }
    wipc_plat_close(w->wake);
    wipc_plat_job_unmap(w->sh);
    wipc_object_release(w->port);
    wipc_mutex_destroy(&w->lock);
    free(w);
}

static void watch_pull(void *arg);
static void *watch_main(void *arg);
static void job_ring(struct wipc_job_shared *sh);

/* This process's job objects, so that the completion ports it associated
 * hear of processes joining at every level of a chain of nested jobs. */
static struct {
    wipc_mutex lock;
    struct wipc_job *head;
} local = {WIPC_MUTEX_INIT, NULL};

static void job_local_add(struct wipc_job *j)
{
    wipc_mutex_lock(&local.lock);
    j->next = local.head;
    local.head = j;
    wipc_mutex_unlock(&local.lock);
}

static void job_local_remove(struct wipc_job *j)
{
    struct wipc_job **pp;
    wipc_mutex_lock(&local.lock);
    for (pp = &local.head; *pp; pp = &(*pp)->next)
        if (*pp == j) {
            *pp = j->next;
            break;
        }
    wipc_mutex_unlock(&local.lock);
}

/* ---- The object ---------------------------------------------------------- */

static void job_release_list(struct wipc_object **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        wipc_object_release(list[i]);
    free(list);
}

static void job_watch_stop(struct job_watch *w)
{
    if (!w)
        return;
    /* The port no longer asks it (nor will, once this returns). */
    wipc_io_port_remove_source(w->port, watch_pull, w);
    wipc_mutex_lock(&w->lock);
    w->stop = 1;
    wipc_mutex_unlock(&w->lock);
    wipc_plat_eventfd_set(w->wake);
    /* The bell's thread wakes too (so do the other watchers of the job,
     * in any process, which find nothing new and sleep again). */
    job_ring(w->sh);
    watch_release(w);
}

static void job_destroy(struct wipc_object *obj)
{
    struct wipc_job *j = job_of(obj);

    wipc_sync_name_forget(obj);
    job_local_remove(j);
    /* The last write end of the keeper's pipe, in whichever process,
     * ends the job (KILL_ON_JOB_CLOSE: the keeper kills its processes). */
    wipc_plat_job_unlink(&j->link);
    job_watch_stop(j->watch);
    job_release_list(j->assigned, j->n_assigned);
    wipc_mutex_destroy(&j->lock);
    free(j);
}

static int job_signal_fd(struct wipc_object *obj)
{
    return job_of(obj)->link.sig;
}

static void job_inherit_info(struct wipc_object *obj, int *fd, char *tag,
                             size_t taglen)
{
    struct wipc_job *j = job_of(obj);
    *fd = j->link.life;
    snprintf(tag, taglen, "job.%lu", (unsigned long)j->link.keeper);
}

const struct wipc_object_ops wipc_job_ops = {
    .type_name = "Job",
    .file_type = FILE_TYPE_UNKNOWN,
    .mapping = {STANDARD_RIGHTS_READ | JOB_OBJECT_QUERY,
                STANDARD_RIGHTS_WRITE | JOB_OBJECT_ASSIGN_PROCESS |
                    JOB_OBJECT_SET_ATTRIBUTES | JOB_OBJECT_TERMINATE,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, JOB_OBJECT_ALL_ACCESS},
    .signal_fd = job_signal_fd,
    .inherit_info = job_inherit_info,
    .name = wipc_sync_name_of,
    .destroy = job_destroy,
};

static DWORD job_wrap(const struct wipc_job_link *link,
                      struct wipc_object **out)
{
    struct wipc_job *j = calloc(1, sizeof *j);
    if (!j)
        return ERROR_NOT_ENOUGH_MEMORY;
    wipc_object_init(&j->obj, &wipc_job_ops);
    wipc_mutex_init(&j->lock);
    j->link = *link;
    job_local_add(j);
    *out = &j->obj;
    return 0;
}

/* The job object of link (which it takes over), unless err. */
static DWORD job_from_link(DWORD err, struct wipc_job_link *link,
                           struct wipc_object **out)
{
    if (err)
        return err;
    err = job_wrap(link, out);
    if (err)
        wipc_plat_job_unlink(link);
    return err;
}

/* A new job: a keeper of its own. */
static DWORD job_make(struct wipc_object **out)
{
    struct wipc_job_link link;
    return job_from_link(wipc_plat_job_keeper(&link), &link, out);
}

DWORD wipc_job_create(const char *name, struct wipc_object **out,
                      int *existed)
{
    struct wipc_sync_params p = {.kind = WIPC_SYNC_JOB, .make = job_make};

    *existed = 0;
    if (!name)
        return job_make(out);
    wipc_sync_name_set_job_ops(&wipc_job_ops);
    return wipc_sync_name_get(name, WIPC_SYNC_JOB, &p, out, existed);
}

DWORD wipc_job_open(const char *name, struct wipc_object **out)
{
    wipc_sync_name_set_job_ops(&wipc_job_ops);
    return wipc_sync_name_get(name, WIPC_SYNC_JOB, NULL, out, NULL);
}

DWORD wipc_job_adopt(int fd, const char *keeper, struct wipc_object **out)
{
    struct wipc_job_link link;
    DWORD err = wipc_plat_job_attach((DWORD)strtoul(keeper, NULL, 10), fd,
                                     &link);
    return job_from_link(err, &link, out);
}

/* ---- Jobs and their nesting -------------------------------------------------- */

#define JOB_DEPTH_MAX 8
#define JOB_PIDS_MAX 1024

/* The outside entry of process pid that started at start in sh, or -1. */
static int job_outside_find(struct wipc_job_shared *sh, DWORD pid,
                            uint64_t start)
{
    for (int i = 0; i < WIPC_JOB_OUTSIDE_MAX; i++)
        if (atomic_load(&sh->outside[i].pid) == pid &&
            atomic_load(&sh->outside[i].start) == start)
            return i;
    return -1;
}

/* Adds pid to a list of sh (its lock held): ERROR_NOT_ENOUGH_QUOTA when
 * it is full of entries that still run. */
static DWORD job_entry_add(struct wipc_job_pid *list, int cap, DWORD pid,
                           uint64_t start)
{
    for (int i = 0; i < cap; i++) {
        DWORD p = atomic_load(&list[i].pid);
        if (p && wipc_plat_job_pid_alive(p, atomic_load(&list[i].start)))
            continue;
        atomic_store(&list[i].pid, 0);
        atomic_store(&list[i].start, start);
        atomic_store(&list[i].pid, pid);
        return 0;
    }
    return ERROR_NOT_ENOUGH_QUOTA;
}

/* Adds pid to ids[0..*n) unless it is there (up to cap; *n counts on). */
static void job_ids_add(DWORD *ids, size_t cap, size_t *n, DWORD pid)
{
    for (size_t i = 0; i < *n && i < cap; i++)
        if (ids[i] == pid)
            return;
    if (ids && *n < cap)
        ids[*n] = pid;
    (*n)++;
}

/* The state of the i-th job nested in the job of sh, mapped, or NULL. */
static struct wipc_job_shared *job_child(struct wipc_job_shared *sh, int i)
{
    struct wipc_job_shared *c;
    DWORD k = atomic_load(&sh->children[i].pid);
    if (!k || wipc_plat_job_state(k, atomic_load(&sh->children[i].start),
                                  &c) != 0)
        return NULL;
    return c;
}

/* The processes of the job whose state is sh that have not ended, those of
 * its nested jobs first (Windows lists them so): up to cap ids. */
static void job_collect(struct wipc_job_shared *sh, DWORD *ids, size_t cap,
                        size_t *n, int depth)
{
    DWORD buf[JOB_PIDS_MAX], keeper = atomic_load(&sh->keeper);
    size_t m = 0, i;

    for (i = 0; i < WIPC_JOB_CHILDREN_MAX && depth < JOB_DEPTH_MAX; i++) {
        struct wipc_job_shared *c = job_child(sh, (int)i);
        if (c) {
            job_collect(c, ids, cap, n, depth + 1);
            wipc_plat_job_unmap(c);
        }
    }
    wipc_plat_group_members(keeper, keeper, buf, JOB_PIDS_MAX, &m);
    for (i = 0; i < m && i < JOB_PIDS_MAX; i++)
        job_ids_add(ids, cap, n, buf[i]);
    for (i = 0; i < WIPC_JOB_OUTSIDE_MAX; i++) {
        DWORD pid = atomic_load(&sh->outside[i].pid);
        if (pid &&
            wipc_plat_job_pid_alive(pid, atomic_load(&sh->outside[i].start)))
            job_ids_add(ids, cap, n, pid);
    }
}

/* How many processes the job has (up to JOB_PIDS_MAX ids in ids). */
static size_t job_members(struct wipc_job *j, DWORD *ids)
{
    size_t n = 0;
    job_collect(j->link.sh, ids, JOB_PIDS_MAX, &n, 0);
    return n < JOB_PIDS_MAX ? n : JOB_PIDS_MAX;
}

/* 1 if process pid is in the job of sh or a job nested in it. */
static int job_has(struct wipc_job_shared *sh, DWORD pid)
{
    DWORD ids[JOB_PIDS_MAX];
    size_t n = 0;
    job_collect(sh, ids, JOB_PIDS_MAX, &n, 0);
    for (size_t i = 0; i < n && i < JOB_PIDS_MAX; i++)
        if (ids[i] == pid)
            return 1;
    return 0;
}

/* 1 if process pid (in group pgid, started at start) is in the job of sh
 * or a job nested in it: its group is theirs, or one follows it by pid
 * (pid 0: the group alone). */
static int job_tree_has(struct wipc_job_shared *sh, DWORD pid, DWORD pgid,
                        uint64_t start, int depth)
{
    int found = atomic_load(&sh->keeper) == pgid ||
                (pid && job_outside_find(sh, pid, start) >= 0);

    for (int i = 0; !found && i < WIPC_JOB_CHILDREN_MAX && depth < JOB_DEPTH_MAX;
         i++) {
        struct wipc_job_shared *c = job_child(sh, i);
        if (c) {
            found = job_tree_has(c, pid, pgid, start, depth + 1);
            wipc_plat_job_unmap(c);
        }
    }
    return found;
}

/* The innermost job of process pid (started at start): a job that follows
 * it by pid (it could not move into that job's group), else its group's.
 * *sh mapped (unmap it); 0, or ERROR_NOT_FOUND. */
static DWORD job_innermost(DWORD pid, uint64_t start,
                           struct wipc_job_shared **sh)
{
    DWORD k;
    if (wipc_plat_job_find_outside(pid, start, sh, &k) == 0)
        return 0;
    return wipc_plat_job_find(pid, sh, &k);
}

/* The parent of the job of sh, mapped, or NULL. */
static struct wipc_job_shared *job_parent(struct wipc_job_shared *sh)
{
    struct wipc_job_shared *p;
    DWORD k = atomic_load(&sh->parent.pid);
    if (!k || wipc_plat_job_state(k, atomic_load(&sh->parent.start), &p) != 0)
        return NULL;
    return p;
}

static int job_same(struct wipc_job_shared *a, struct wipc_job_shared *b)
{
    return atomic_load(&a->keeper) == atomic_load(&b->keeper) &&
           atomic_load(&a->start) == atomic_load(&b->start);
}

/* ---- The completion port's watch ------------------------------------------------ */

static void watch_post(struct job_watch *w, DWORD msg, DWORD pid)
{
    struct wipc_io_packet p = {w->key, msg, (OVERLAPPED *)(uintptr_t)pid, 0};
    wipc_io_port_post(w->port, &p);
}

/* 1 if the port has announced process pid (started at start): it follows
 * it, or has posted its end. */
static int watch_knows(struct job_watch *w, DWORD pid, uint64_t start)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->pids[i] == pid && w->starts[i] == start)
            return 1;
    for (size_t i = 0; i < JOB_RECENT_MAX; i++)
        if (w->recent[i].pid == pid && w->recent[i].start == start)
            return 1;
    return 0;
}

static void watch_remember(struct job_watch *w, DWORD pid, uint64_t start)
{
    struct wipc_job_pid *r = &w->recent[w->recent_next++ % JOB_RECENT_MAX];
    r->pid = pid;
    r->start = start;
}

/* NEW_PROCESS for process pid (started at start; direct: in the job
 * itself, not in a job nested in it) unless it was announced already; the
 * port then follows it to its end (EXIT_PROCESS at once if it has ended).
 * Lock of w held. */
static void watch_new(struct job_watch *w, DWORD pid, uint64_t start,
                      int direct)
{
    uint64_t now = 0;
    int fd = -1;

    if (!pid || watch_knows(w, pid, start))
        return;
    watch_post(w, JOB_OBJECT_MSG_NEW_PROCESS, pid);
    w->zero_posted = 0;
    if (wipc_plat_pidfd_watch(pid, &fd) == 0 &&
        wipc_plat_process_start(pid, fd, &now, NULL) == 0 && now == start) {
        if (w->n < JOB_WATCH_MAX) {
            w->pidfds[w->n] = fd;
            w->pids[w->n] = pid;
            w->silent[w->n] = 0;
            w->direct[w->n] = (unsigned char)direct;
            /* Its exit record, which will hold its full exit code (an
             * exception code tells an abnormal end); none: its signal
             * tells. */
            if (wipc_exitrec_watch(pid, fd, &w->recs[w->n]) != 0)
                w->recs[w->n] = NULL;
            w->starts[w->n++] = start;
            return;
        }
        /* Too many to follow: its end goes unannounced. */
        wipc_plat_close(fd);
        watch_remember(w, pid, start);
        return;
    }
    if (fd >= 0)
        wipc_plat_close(fd);
    watch_post(w, JOB_OBJECT_MSG_EXIT_PROCESS, pid);
    watch_remember(w, pid, start);
}

/* One entry of the job's log, as read. */
struct job_ev {
    uint32_t msg, pid, flags;
    uint64_t start, when;
};

/* The next entry of the job's log the watch has not taken (not taken
 * yet: watch_take), skipping those written over before they were read
 * and, after a second, one that a writer killed halfway never finished:
 * 1, or 0 when there is none (lock of w held).  The log is the job's
 * other processes' to write: every index is bounded, and an entry is
 * taken only whole (its sequence number the same before and after). */
static int watch_peek(struct job_watch *w, struct job_ev *ev)
{
    struct wipc_job_shared *sh = w->sh;
    uint32_t next = atomic_load(&sh->log_next);

    while (w->seen != next) {
        uint32_t i = w->seen;
        struct wipc_job_event *e = &sh->log[i % WIPC_JOB_LOG_MAX];
        uint32_t seq = atomic_load(&e->seq);
        uint64_t now;

        if (seq != i + 1) {
            if ((int32_t)(seq - (i + 1)) > 0 ||
                next - i > WIPC_JOB_LOG_MAX) {
                w->seen++; /* written over before it was read: lost */
                w->stuck_since = 0;
                continue;
            }
            /* Not written yet.  A writer killed halfway never writes it:
             * given up after a second. */
            now = wipc_plat_now_ms();
            if (!w->stuck_since)
                w->stuck_since = now;
            if (now - w->stuck_since < 1000)
                return 0;
            w->seen++;
            w->stuck_since = 0;
            continue;
        }
        ev->msg = atomic_load(&e->msg);
        ev->pid = atomic_load(&e->pid);
        ev->start = atomic_load(&e->start);
        ev->flags = atomic_load(&e->flags);
        ev->when = atomic_load(&e->when);
        if (atomic_load(&e->seq) != i + 1) {
            w->seen++; /* written over while it was read */
            w->stuck_since = 0;
            continue;
        }
        return 1;
    }
    return 0;
}

/* Takes the entry watch_peek gave and does what it says (lock of w
 * held). */
static void watch_take(struct job_watch *w, const struct job_ev *ev)
{
    w->seen++;
    w->stuck_since = 0;
    if (ev->msg == JOB_OBJECT_MSG_NEW_PROCESS) {
        watch_new(w, ev->pid, ev->start,
                  (ev->flags & WIPC_JOB_EVENT_DIRECT) != 0);
    } else if (ev->msg == JOB_LOG_TERMINATE) {
        /* The processes of the job itself now end without EXIT_PROCESS,
         * as Wine's TerminateJobObject ends them (the documentation names
         * no message for it); those of the jobs nested in it are ended in
         * their own job's turn, and this job's ports hear EXIT_PROCESS for
         * them, as Wine 8 posts it (its terminating flag is the ending
         * job's only).  ACTIVE_PROCESS_ZERO still comes. */
        for (size_t k = 0; k < w->n; k++)
            if (w->direct[k])
                w->silent[k] = 1;
    } else if (ev->msg == JOB_LOG_NESTED) {
        for (size_t k = 0; k < w->n; k++)
            if (w->pids[k] == ev->pid && w->starts[k] == ev->start)
                w->direct[k] = 0;
    } else if (ev->msg == JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT) {
        watch_post(w, ev->msg, ev->pid);
    } /* anything else is no message of ours: ignored */
}

/* The job's log from where the watch left it (lock of w held). */
static void watch_read_log(struct job_watch *w)
{
    struct job_ev ev;
    while (watch_peek(w, &ev))
        watch_take(w, &ev);
}

/* 1 if code is one of the exit codes that Microsoft's
 * JOBOBJECT_ASSOCIATE_COMPLETION_PORT documentation lists as an abnormal
 * exit (the exception codes). */
static int job_code_abnormal(DWORD code)
{
    static const DWORD abnormal[] = {
        0x80000001u, /* STATUS_GUARD_PAGE_VIOLATION */
        0x80000002u, /* STATUS_DATATYPE_MISALIGNMENT */
        0x80000003u, /* STATUS_BREAKPOINT */
        0x80000004u, /* STATUS_SINGLE_STEP */
        0xC0000005u, /* STATUS_ACCESS_VIOLATION */
        0xC0000006u, /* STATUS_IN_PAGE_ERROR */
        0xC0000008u, /* STATUS_INVALID_HANDLE */
        0xC0000017u, /* STATUS_NO_MEMORY */
        0xC000001Du, /* STATUS_ILLEGAL_INSTRUCTION */
        0xC0000025u, /* STATUS_NONCONTINUABLE_EXCEPTION */
        0xC0000026u, /* STATUS_INVALID_DISPOSITION */
        0xC000008Cu, /* STATUS_ARRAY_BOUNDS_EXCEEDED */
        0xC000008Du, /* STATUS_FLOAT_DENORMAL_OPERAND */
        0xC000008Eu, /* STATUS_FLOAT_DIVIDE_BY_ZERO */
        0xC000008Fu, /* STATUS_FLOAT_INEXACT_RESULT */
        0xC0000090u, /* STATUS_FLOAT_INVALID_OPERATION */
        0xC0000091u, /* STATUS_FLOAT_OVERFLOW */
        0xC0000092u, /* STATUS_FLOAT_STACK_CHECK */
        0xC0000093u, /* STATUS_FLOAT_UNDERFLOW */
        0xC0000094u, /* STATUS_INTEGER_DIVIDE_BY_ZERO */
        0xC0000095u, /* STATUS_INTEGER_OVERFLOW */
        0xC0000096u, /* STATUS_PRIVILEGED_INSTRUCTION */
        0xC00000FDu, /* STATUS_STACK_OVERFLOW */
        0xC000013Au, /* STATUS_CONTROL_C_EXIT */
        0xC00002B4u, /* STATUS_FLOAT_MULTIPLE_FAULTS */
        0xC00002B5u, /* STATUS_FLOAT_MULTIPLE_TRAPS */
        0xC00002C9u, /* STATUS_REG_NAT_CONSUMPTION */
    };
    for (size_t i = 0; i < sizeof abnormal / sizeof abnormal[0]; i++)
        if (code == abnormal[i])
            return 1;
    return 0;
}

/* The message for the end of the i-th followed process: its exit code
 * when its record holds one (ExitProcess, TerminateProcess,
 * TerminateJobObject), else how Linux ended it: a death by a signal that
 * is a fault (winipc's counterpart of an exception) is abnormal, any
 * other end (exit, SIGKILL, SIGTERM) is not. */
static DWORD watch_exit_msg(struct job_watch *w, size_t i)
{
    DWORD code = 0;
    int state = 0, sig = 0;

    if (w->recs[i] && wipc_exitrec_read(w->recs[i], &code, &state))
        return job_code_abnormal(code) ? JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS
                                       : JOB_OBJECT_MSG_EXIT_PROCESS;
    if (wipc_plat_pidfd_end_signal(w->pids[i], w->pidfds[i], &sig) == 0 &&
        wipc_plat_signal_is_fault(sig))
        return JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS;
    return JOB_OBJECT_MSG_EXIT_PROCESS;
}

/* EXIT_PROCESS (or ABNORMAL_EXIT_PROCESS, which Windows posts instead for
 * an abnormal end) for each followed process that has ended (lock of w
 * held). */
static void watch_ended(struct job_watch *w)
{
    int ready[JOB_WATCH_MAX], nready = 0;

    if (w->n == 0 ||
        wipc_plat_poll_readable(w->pidfds, ready, w->n, 0, &nready) != 0 ||
        nready == 0)
        return;
    for (size_t i = w->n; i-- > 0;) {
        if (!ready[i])
            continue;
        if (!w->silent[i])
            watch_post(w, watch_exit_msg(w, i), w->pids[i]);
        watch_remember(w, w->pids[i], w->starts[i]);
        wipc_plat_close(w->pidfds[i]);
        wipc_exitrec_release(w->recs[i]);
        w->n--;
        w->pidfds[i] = w->pidfds[w->n];
        w->pids[i] = w->pids[w->n];
        w->starts[i] = w->starts[w->n];
        w->silent[i] = w->silent[w->n];
        w->direct[i] = w->direct[w->n];
        w->recs[i] = w->recs[w->n];
    }
}

/* The job's processes now (those of its nested jobs first) announced to
 * the port unless they were; how many there are (lock of w held). */
static size_t watch_present(struct job_watch *w)
{
    DWORD ids[JOB_PIDS_MAX], own[JOB_PIDS_MAX];
    size_t n = 0, n_own = 0;

    /* Its own group and followed processes: the processes in the job
     * itself. */
    job_collect(w->sh, own, JOB_PIDS_MAX, &n_own, JOB_DEPTH_MAX);
    job_collect(w->sh, ids, JOB_PIDS_MAX, &n, 0);
    for (size_t i = 0; i < n && i < JOB_PIDS_MAX; i++) {
        uint64_t start;
        int direct = 0;
        for (size_t k = 0; k < n_own && k < JOB_PIDS_MAX && !direct; k++)
            direct = own[k] == ids[i];
        if (wipc_plat_process_start(ids[i], -1, &start, NULL) == 0)
            watch_new(w, ids[i], start, direct);
    }
    return n;
}

/* The job's processes as they are: those nobody announced (born of a
 * program that does not use winipc) are announced now, and once there is
 * none, ACTIVE_PROCESS_ZERO (lock of w held). */
static void watch_scan(struct job_watch *w)
{
    size_t n = watch_present(w);

    if (n == 0 && w->n == 0 && !w->zero_posted) {
        watch_post(w, JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO, 0);
        w->zero_posted = 1;
    }
    w->next_scan = wipc_plat_now_ms() + 1000;
}

/* Posts what has happened by now: the processes that joined, those that
 * ended, and ACTIVE_PROCESS_ZERO once the last has.  periodic: the watch's
 * thread, which also looks for processes nobody announced, once a
 * second. */
static void watch_update_one(struct job_watch *w, int periodic)
{
    watch_ended(w);
    if ((w->n == 0 && !w->zero_posted) ||
        (periodic && wipc_plat_now_ms() >= w->next_scan))
        watch_scan(w);
}

/* The watches of this process that post to w's port (w among them), each
 * with a reference taken: up to JOB_GROUP_MAX into g; how many. */
#define JOB_GROUP_MAX 16
static size_t watch_group(struct job_watch *w, struct job_watch **g)
{
    struct wipc_job *j;
    size_t n = 0;

    wipc_mutex_lock(&local.lock);
    for (j = local.head; j && n < JOB_GROUP_MAX; j = j->next) {
        struct job_watch *x;
        wipc_mutex_lock(&j->lock);
        x = j->watch;
        if (x && x != w && x->port == w->port) {
            wipc_mutex_lock(&x->lock);
            x->refs++;
            wipc_mutex_unlock(&x->lock);
            g[n++] = x;
        }
        wipc_mutex_unlock(&j->lock);
    }
    wipc_mutex_unlock(&local.lock);
    return n;
}

/* How deep the job of sh is nested (0: in no job). */
static int job_depth(struct wipc_job_shared *sh)
{
    struct wipc_job_shared *cur = job_parent(sh), *next;
    int d = 0;

    while (cur && d < JOB_DEPTH_MAX) {
        d++;
        next = job_parent(cur);
        wipc_plat_job_unmap(cur);
        cur = next;
    }
    if (cur)
        wipc_plat_job_unmap(cur);
    return d;
}

static int watch_addr_cmp(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (struct job_watch *const *)a;
    uintptr_t y = (uintptr_t) * (struct job_watch *const *)b;
    return x < y ? -1 : x > y;
}

/*
 * Posts what has happened by now: the processes that joined, those that
 * ended, and ACTIVE_PROCESS_ZERO once the last has.  periodic: the
 * watch's thread, which also looks for processes nobody announced, once a
 * second.  When the port hears of several jobs (a chain of nested jobs),
 * their logs are read together, entry by entry in the order they were
 * written, and the ends are posted the innermost job first, as Windows
 * posts one event's messages up the chain (Wine's process.c
 * test_nested_jobs): a process's NEW_PROCESS of the inner job comes before
 * the outer job's, whichever process started it and whichever job was
 * associated first.
 */
static void watch_update(struct job_watch *w, int periodic)
{
    struct job_watch *g[JOB_GROUP_MAX + 1];
    int depth[JOB_GROUP_MAX + 1];
    size_t n = 1, i, k;

    g[0] = w;
    n += watch_group(w, g + 1);
    if (n == 1) {
        wipc_mutex_lock(&w->lock);
        if (!w->stop) {
            watch_read_log(w);
            watch_update_one(w, periodic);
        }
        wipc_mutex_unlock(&w->lock);
        return;
    }
    /* Locked in one order (address), whoever comes. */
    qsort(g, n, sizeof g[0], watch_addr_cmp);
    for (i = 0; i < n; i++)
        wipc_mutex_lock(&g[i]->lock);
    for (;;) {
        struct job_ev ev, best_ev;
        struct job_watch *best = NULL;
        for (i = 0; i < n; i++)
            if (!g[i]->stop && watch_peek(g[i], &ev) &&
                (!best || ev.when < best_ev.when)) {
                best = g[i];
                best_ev = ev;
            }
        if (!best)
            break;
        watch_take(best, &best_ev);
    }
    /* The innermost job first (a stable order: deeper before). */
    for (i = 0; i < n; i++)
        depth[i] = job_depth(g[i]->sh);
    for (int d = JOB_DEPTH_MAX; d >= 0; d--)
        for (k = 0; k < n; k++)
            if (depth[k] == d && !g[k]->stop)
                watch_update_one(g[k], periodic && g[k] == w);
    for (i = n; i-- > 0;)
        wipc_mutex_unlock(&g[i]->lock);
    for (i = 0; i < n; i++)
        if (g[i] != w)
            watch_release(g[i]);
}

/* The port's source: a thread comes to the port. */
static void watch_pull(void *arg)
{
    watch_update(arg, 0);
}

static void *watch_main(void *arg)
{
    struct job_watch *w = arg;

    for (;;) {
        int fds[JOB_WATCH_MAX + 1], ready[JOB_WATCH_MAX + 1], nready = 0;
        int timeout = -1;
        uint64_t now = wipc_plat_now_ms();
        size_t n;

        wipc_mutex_lock(&w->lock);
        if (w->stop) {
            wipc_mutex_unlock(&w->lock);
            break;
        }
        fds[0] = w->wake;
        n = w->n;
        for (size_t i = 0; i < n; i++)
            fds[i + 1] = w->pidfds[i];
        /* Processes born of programs that do not use winipc are in no
         * log: looked for once a second while the job may have any
         * (docs/processes.md says why not sooner).  An empty job takes a
         * process only through an assignment or a CreateProcess, which
         * are logged. */
        if (n > 0 || !w->zero_posted || !w->bell_ok)
            timeout = now >= w->next_scan ? 0 : (int)(w->next_scan - now);
        if (!w->bell_ok && timeout > 100)
            timeout = 100; /* no bell thread: the log is looked at */
        wipc_mutex_unlock(&w->lock);
        /* Woken by an end, by the job's bell (any process's news, through
         * the bell's thread) or this process's own (job_local_kick). */
        if (wipc_plat_poll_readable(fds, ready, n + 1, timeout, &nready))
            wipc_plat_sleep_ms(100);
        wipc_plat_eventfd_reset(w->wake, NULL);
        watch_update(w, 1);
    }
    watch_release(w);
    return NULL;
}

/*
 * The bell's thread: sleeps on the job's bell (a futex word of its shared
 * state, which every process that logs a message rings) and wakes the
 * watch's thread when it rings.  Nothing it reads there is trusted: the
 * word only says "look again", and the log is read with its bounds.
 */
static void *watch_bell_main(void *arg)
{
    struct job_watch *w = arg;
    uint32_t seen, now;
    int stop;

    wipc_mutex_lock(&w->lock);
    seen = w->rung;
    wipc_mutex_unlock(&w->lock);
    for (;;) {
        wipc_mutex_lock(&w->lock);
        stop = w->stop;
        wipc_mutex_unlock(&w->lock);
        if (stop)
            break;
        now = atomic_load(&w->sh->bell);
        if (now != seen) {
            seen = now;
            wipc_plat_eventfd_set(w->wake);
            continue;
        }
        if (wipc_plat_futex_wait((uint32_t *)&w->sh->bell, seen, -1))
            break; /* cannot be read: never */
    }
    watch_release(w);
    return NULL;
}

/* Rings the bell of the job of sh (see watch_bell_main). */
static void job_ring(struct wipc_job_shared *sh)
{
    atomic_fetch_add(&sh->bell, 1);
    wipc_plat_futex_wake_all((uint32_t *)&sh->bell);
}

/* Writes a message in the log of the job of sh (flags:
 * WIPC_JOB_EVENT_*), and rings the job's bell: the watchers of its ports,
 * in every process, wake. */
static void job_log(struct wipc_job_shared *sh, DWORD msg, DWORD pid,
                    uint64_t start, uint32_t flags)
{
    uint32_t i = atomic_fetch_add(&sh->log_next, 1);
    struct wipc_job_event *e = &sh->log[i % WIPC_JOB_LOG_MAX];

    atomic_store(&e->seq, 0);
    atomic_store(&e->msg, msg);
    atomic_store(&e->pid, pid);
    atomic_store(&e->flags, flags);
    atomic_store(&e->start, start);
    atomic_store(&e->when, wipc_plat_now_ns());
    atomic_store(&e->seq, i + 1);
    job_ring(sh);
}

/* The ports this process associated hear at once what was logged: their
 * threads are woken. */
static void job_local_kick(void)
{
    struct wipc_job *j;
    wipc_mutex_lock(&local.lock);
    for (j = local.head; j; j = j->next) {
        wipc_mutex_lock(&j->lock);
        if (j->watch)
            wipc_plat_eventfd_set(j->watch->wake);
        wipc_mutex_unlock(&j->lock);
    }
    wipc_mutex_unlock(&local.lock);
}

/* The ports this process associated with the job of keeper post what its
 * log holds now, in this thread (no lock of a job held). */
static void job_local_pull(DWORD keeper)
{
    struct job_watch *ws[JOB_GROUP_MAX];
    struct wipc_job *j;
    size_t n = 0;

    wipc_mutex_lock(&local.lock);
    for (j = local.head; j && n < JOB_GROUP_MAX; j = j->next) {
        if (j->link.keeper != keeper)
            continue;
        wipc_mutex_lock(&j->lock);
        if (j->watch) {
            wipc_mutex_lock(&j->watch->lock);
            j->watch->refs++;
            wipc_mutex_unlock(&j->watch->lock);
            ws[n++] = j->watch;
        }
        wipc_mutex_unlock(&j->lock);
    }
    wipc_mutex_unlock(&local.lock);
    for (size_t i = 0; i < n; i++) {
        watch_update(ws[i], 0);
        watch_release(ws[i]);
    }
}

/* Calls fn for the job of sh and each job it is nested in, up the chain,
 * until fn returns nonzero: that value, or 0 at the top. */
static int job_walk_up(struct wipc_job_shared *sh,
                       int (*fn)(struct wipc_job_shared *cur, void *arg),
                       void *arg)
{
    struct wipc_job_shared *cur = sh, *next;
    int depth = 0, r = 0;

    while (cur && depth++ < JOB_DEPTH_MAX && (r = fn(cur, arg)) == 0) {
        next = job_parent(cur);
        if (cur != sh)
            wipc_plat_job_unmap(cur);
        cur = next;
    }
    if (cur && cur != sh)
        wipc_plat_job_unmap(cur);
    return r;
}

struct job_joined {
    struct wipc_job_shared *stop; /* NULL: to the top */
    DWORD msg;                    /* 0: count delta; else log msg */
    DWORD pid;
    uint64_t start;
    int delta;
    int pull; /* this process's ports post it at once (no job lock held) */
    int level; /* jobs walked so far (0: the process's own job) */
};

static int job_joined_one(struct wipc_job_shared *cur, void *arg)
{
    struct job_joined *a = arg;
    if (a->stop && job_same(cur, a->stop))
        return 1;
    if (a->msg) {
        job_log(cur, a->msg, a->pid, a->start,
                a->level++ == 0 ? WIPC_JOB_EVENT_DIRECT : 0);
        /* Level by level: a port of this process associated with jobs of
         * the chain hears the inner job's message first. */
        if (a->pull)
            job_local_pull(atomic_load(&cur->keeper));
    } else
        atomic_fetch_add(&cur->total, (uint32_t)a->delta);
    return 0;
}

/* Counts a process that joined the job of sh (msg 0), or logs msg for the
 * completion ports (the messages of a nested job go to every job up its
 * chain: JOBOBJECT_ASSOCIATE_COMPLETION_PORT), there and in every job up
 * the chain until stop (NULL: to the top).  pull: no job lock is held,
 * this process's ports post the messages before this returns (else their
 * threads are to be woken: job_local_kick). */
static void job_tell_up(struct wipc_job_shared *sh,
                        struct wipc_job_shared *stop, DWORD msg, DWORD pid,
                        uint64_t start, int pull)
{
    struct job_joined a = {stop, msg, pid, start, 1, pull, 0};
    job_walk_up(sh, job_joined_one, &a);
}

static int job_same_as(struct wipc_job_shared *cur, void *anc)
{
    return job_same(cur, anc);
}

/* 1 if the job of anc is the job of sh or one it is nested in. */
static int job_is_ancestor(struct wipc_job_shared *sh,
                           struct wipc_job_shared *anc)
{
    return job_walk_up(sh, job_same_as, anc);
}

static int job_list_has(struct wipc_object **list, size_t n,
                        struct wipc_object *proc)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == proc)
            return 1;
    return 0;
}

static DWORD job_list_add(struct wipc_object ***list, size_t *n,
                          struct wipc_object *proc)
{
    struct wipc_object **nl = realloc(*list, (*n + 1) * sizeof *nl);
    if (!nl)
        return ERROR_NOT_ENOUGH_MEMORY;
    nl[(*n)++] = wipc_object_grab(proc);
    *list = nl;
    return 0;
}

/*
 * Windows 8 and later (AssignProcessToJobObject): a process already in a
 * job A may be assigned to a job B that is nested in A (deeper in A's
 * chain), or to a job B that is in no chain and has never had a process:
 * B is then nested in A.  Anything else is ERROR_ACCESS_DENIED.  (Lock of
 * B held.)  *stop: the job up to which the process is counted again (A).
 */
static DWORD job_nest(struct wipc_job *j, struct wipc_job_shared *a)
{
    struct wipc_job_shared *b = j->link.sh;
    DWORD err;

    if (atomic_load(&b->parent.pid))
        return job_is_ancestor(b, a) ? 0 : ERROR_ACCESS_DENIED;
    if (atomic_load(&b->total) != 0 || job_is_ancestor(a, b))
        return ERROR_ACCESS_DENIED;
    /* B becomes A's child: A's keeper kills B's group with its own, A
     * counts and lists B's processes. */
    err = job_entry_add(a->children, WIPC_JOB_CHILDREN_MAX,
                        atomic_load(&b->keeper), atomic_load(&b->start));
    if (err)
        return err;
    atomic_store(&b->parent.start, atomic_load(&a->start));
    atomic_store(&b->parent.pid, atomic_load(&a->keeper));
    return 0;
}

struct job_limit {
    struct wipc_job_shared *stop; /* NULL: to the top */
    int extra; /* processes already counted for the newcomer (spawn) */
};

/* 2 if the job of cur is at its active process limit: that job counts a
 * process ended for a limit, and its ports (and those up its chain) hear
 * ACTIVE_PROCESS_LIMIT; 1 at the stop; else 0. */
static int job_limit_one(struct wipc_job_shared *cur, void *arg)
{
    struct job_limit *l = arg;
    DWORD ids[JOB_PIDS_MAX];
    size_t n = 0;

    if (l->stop && job_same(cur, l->stop))
        return 1;
    if (!(atomic_load(&cur->limit_flags) & JOB_OBJECT_LIMIT_ACTIVE_PROCESS))
        return 0;
    job_collect(cur, ids, JOB_PIDS_MAX, &n, 0);
    if (n < atomic_load(&cur->active_limit) + (size_t)l->extra)
        return 0;
    atomic_fetch_add(&cur->terminated, 1);
    job_tell_up(cur, NULL, JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT, 0, 0, 0);
    return 2;
}

/* 1 if a process joining the job of sh (and every job up its chain until
 * stop, where it is already) would go beyond the active process limit of
 * one of them (Windows checks each job of the chain). */
static int job_over_limit(struct wipc_job_shared *sh,
                          struct wipc_job_shared *stop)
{
    struct job_limit l = {stop, 0};
    return job_walk_up(sh, job_limit_one, &l) == 2;
}

DWORD wipc_job_assign(struct wipc_object *job, struct wipc_object *proc)
{
    struct wipc_job *j = job_of(job);
    struct wipc_job_shared *sh = j->link.sh, *a = NULL;
    DWORD pid = wipc_process_id(proc), err = 0;
    uint64_t start = 0;
    int at, told = 0, joined = 0;

    if (wipc_process_exit_code(proc) != STILL_ACTIVE ||
        wipc_plat_process_start(pid, -1, &start, NULL) != 0)
        return ERROR_ACCESS_DENIED; /* as Windows, for a process that ended */
    wipc_mutex_lock(&j->lock);
    wipc_plat_job_lock(&j->link, 1);
    if (job_innermost(pid, start, &a) == 0) {
        if (job_same(a, sh))
            goto done; /* already in it */
        if ((err = job_nest(j, a)) != 0)
            goto done;
    }
    if (job_over_limit(sh, a)) {
        /* "the process is terminated and the association fails"
         * (JOBOBJECT_BASIC_LIMIT_INFORMATION), a limit violation the
         * accounting counts. */
        wipc_process_terminate(proc, ERROR_NOT_ENOUGH_QUOTA);
        err = ERROR_NOT_ENOUGH_QUOTA;
        told = 1;
        goto done;
    }
    err = wipc_plat_setpgid(pid, j->link.keeper);
    if (err == ERROR_NOT_SUPPORTED)
        err = job_entry_add(sh->outside, WIPC_JOB_OUTSIDE_MAX, pid, start);
    if (!err)
        err = job_list_add(&j->assigned, &j->n_assigned, proc);
    if (err)
        goto done;
    /* It leaves the outer job's own list (it is still in it, through this
     * one), and its ports learn that it is in a nested job now. */
    if (a && (at = job_outside_find(a, pid, start)) >= 0)
        atomic_store(&a->outside[at].pid, 0);
    if (a)
        job_log(a, JOB_LOG_NESTED, pid, start, 0);
    /* Counted in this job and up to the one it was in. */
    job_tell_up(sh, a, 0, pid, start, 0);
    joined = 1;
done:
    wipc_plat_job_lock(&j->link, 0);
    wipc_mutex_unlock(&j->lock);
    /* Announced there, before this returns. */
    if (joined)
        job_tell_up(sh, a, JOB_OBJECT_MSG_NEW_PROCESS, pid, start, 1);
    if (told)
        job_local_kick();
    wipc_plat_job_unmap(a);
    return err;
}

/* Kills the processes of the job of sh and of the jobs nested in it (but
 * not skip), their exit codes code. */
static void job_kill_tree(struct wipc_job_shared *sh, DWORD skip, DWORD code,
                          int depth)
{
    DWORD ids[JOB_PIDS_MAX];
    size_t n = 0, i;

    for (i = 0; i < WIPC_JOB_CHILDREN_MAX && depth < JOB_DEPTH_MAX; i++) {
        struct wipc_job_shared *c = job_child(sh, (int)i);
        if (c) {
            job_kill_tree(c, skip, code, depth + 1);
            wipc_plat_job_unmap(c);
        }
    }
    /* Its ports hear no EXIT_PROCESS for what is ended here: said in its
     * log before anything is killed. */
    job_log(sh, JOB_LOG_TERMINATE, 0, 0, 0);
    /* Every process of the job gets code as its exit code, for whoever
     * holds a handle to it (its exit record is written before the kill);
     * the rest of the group and the outside processes go after. */
    job_collect(sh, ids, JOB_PIDS_MAX, &n, JOB_DEPTH_MAX);
    for (i = 0; i < n && i < JOB_PIDS_MAX; i++) {
        struct wipc_object *proc;
        DWORD pgid = 0;
        uint64_t start;
        if (ids[i] == skip || wipc_process_get(ids[i], -1, &proc) != 0)
            continue;
        /* Still the job's now that its pidfd holds the pid. */
        if (wipc_plat_process_start(ids[i], -1, &start, NULL) == 0 &&
            ((wipc_plat_getpgid(ids[i], &pgid) == 0 &&
              pgid == atomic_load(&sh->keeper)) ||
             job_outside_find(sh, ids[i], start) >= 0))
            wipc_process_terminate(proc, code);
        wipc_object_release(proc);
    }
    wipc_plat_job_kill_members(atomic_load(&sh->keeper), skip, sh);
    for (i = 0; i < WIPC_JOB_OUTSIDE_MAX; i++)
        if (atomic_load(&sh->outside[i].pid) != skip)
            atomic_store(&sh->outside[i].pid, 0);
}

DWORD wipc_job_terminate(struct wipc_object *job, DWORD code)
{
    struct wipc_job *j = job_of(job);
    struct wipc_job_shared *sh = j->link.sh;
    DWORD self = wipc_plat_getpid();
    int self_in;

    wipc_mutex_lock(&j->lock);
    wipc_plat_job_lock(&j->link, 1);
    self_in = job_has(sh, self);
    /* The keeper stays: the job takes processes again. */
    job_kill_tree(sh, self, code, 0);
    /* Signalled, and it stays so (Wine's process.c test_WaitForJobObject;
     * JOBOBJECT_END_OF_JOB_TIME_INFORMATION: the job is signalled when its
     * processes are terminated). */
    if (atomic_exchange(&sh->signaled, 1) == 0)
        wipc_plat_job_signal(&j->link);
    wipc_plat_job_lock(&j->link, 0);
    wipc_mutex_unlock(&j->lock);
    job_local_kick();
    if (self_in) {
        struct wipc_object *me;
        if (wipc_process_self(&me) == 0)
            wipc_process_terminate(me, code); /* does not return */
    }
    return 0;
}

int wipc_job_contains(struct wipc_object *job, struct wipc_object *proc)
{
    DWORD pid = wipc_process_id(proc), pgid = 0;
    struct wipc_job_shared *sh;
    uint64_t start = 0;

    if (!job) {
        if (wipc_plat_job_find(pid, &sh, &pgid) != 0 &&
            (wipc_plat_process_start(pid, -1, &start, NULL) != 0 ||
             wipc_plat_job_find_outside(pid, start, &sh, &pgid) != 0))
            return 0;
        wipc_plat_job_unmap(sh);
        return 1;
    }
    /* Running: its group is the job's or a nested job's, or one of them
     * follows it by pid; no list of the job's processes is needed (its
     * end is looked at after the pid, which then was still its own). */
    if (wipc_plat_getpgid(pid, &pgid) == 0 &&
        wipc_plat_process_start(pid, -1, &start, NULL) == 0 &&
        job_tree_has(job_of(job)->link.sh, pid, pgid, start, 0) &&
        wipc_process_exit_code(proc) == STILL_ACTIVE)
        return 1;
    /* A process that has ended stays in its job for this question (as
     * Windows answers): its group while it is a zombie, else as it was
     * assigned here. */
    if (wipc_process_exit_code(proc) == STILL_ACTIVE)
        return 0;
    pgid = wipc_process_group(proc);
    if (pgid > 1 && job_tree_has(job_of(job)->link.sh, 0, pgid, 0, 0))
        return 1;
    return job_list_has(job_of(job)->assigned, job_of(job)->n_assigned, proc);
}

void wipc_job_query(struct wipc_object *job, struct wipc_job_info *info,
                    DWORD *pids, size_t cap, size_t *n_pids)
{
    struct wipc_job *j = job_of(job);
    struct wipc_job_shared *sh = j->link.sh;
    DWORD buf[JOB_PIDS_MAX];
    size_t n, i;

    memset(info, 0, sizeof *info);
    info->limit_flags = atomic_load(&sh->limit_flags);
    info->active_limit = atomic_load(&sh->active_limit);
    info->total = atomic_load(&sh->total);
    info->terminated = atomic_load(&sh->terminated);
    n = job_members(j, buf);
    info->active = (DWORD)n;
    for (i = 0; i < n; i++) {
        struct wipc_proc_times t;
        if (wipc_plat_process_times(buf[i], &t) == 0) {
            info->user_time += t.user;
            info->kernel_time += t.kernel;
        }
        if (pids && i < cap)
            pids[i] = buf[i];
    }
    if (n_pids)
        *n_pids = n;
}

void wipc_job_set_limits(struct wipc_object *job, DWORD flags,
                         DWORD active_limit)
{
    struct wipc_job_shared *sh = job_of(job)->link.sh;

    atomic_store(&sh->active_limit, active_limit);
    atomic_store(&sh->limit_flags, flags);
}

DWORD wipc_job_set_port(struct wipc_object *job, struct wipc_object *port,
                        ULONG_PTR key)
{
    struct wipc_job *j = job_of(job);
    struct job_watch *w, *old;

    w = port ? calloc(1, sizeof *w) : NULL;
    if (port && !w)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (w) {
        wipc_mutex_init(&w->lock);
        w->refs = 3; /* the job's and the two threads' */
        w->zero_posted = 1; /* until a process comes */
        w->port = wipc_object_grab(port);
        w->key = key;
        w->wake = -1;
        if (wipc_plat_job_map(&j->link, &w->sh) != 0 ||
            wipc_plat_eventfd(0, &w->wake) != 0) {
            w->refs = 1;
            watch_release(w);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
    }
    wipc_mutex_lock(&j->lock);
    old = j->watch;
    if (w && old) {
        wipc_mutex_unlock(&j->lock);
        w->refs = 1; /* no thread was started */
        watch_release(w);
        return ERROR_INVALID_PARAMETER;
    }
    j->watch = w;
    if (w) {
        /* The processes already in the job are new to the port (as
         * Windows posts them when the port is associated); the log tells
         * of those that come from now on. */
        wipc_mutex_lock(&w->lock);
        w->seen = atomic_load(&w->sh->log_next);
        w->rung = atomic_load(&w->sh->bell);
        watch_present(w);
        w->next_scan = wipc_plat_now_ms() + 1000;
        wipc_mutex_unlock(&w->lock);
    }
    wipc_mutex_unlock(&j->lock);
    if (w) {
        /* Without memory for it, the thread alone posts (a little
         * later). */
        (void)wipc_io_port_add_source(port, watch_pull, w);
        /* The bell's thread first: the watch's thread knows whether it
         * runs. */
        wipc_mutex_lock(&w->lock);
        w->bell_ok = wipc_plat_thread_start(watch_bell_main, w, 64 * 1024) == 0;
        wipc_mutex_unlock(&w->lock);
        if (!w->bell_ok)
            watch_release(w); /* its reference */
        /* Its frames hold the job's process lists (job_collect). */
        if (wipc_plat_thread_start(watch_main, w, 512 * 1024) != 0)
            watch_release(w); /* the thread's reference */
    }
    job_watch_stop(old);
    return 0;
}

/* ---- CreateProcess inside a job -------------------------------------------- */

struct job_keeps {
    int breakaway;
    DWORD keeper;
    uint64_t start;
};

static int job_keeps_one(struct wipc_job_shared *cur, void *arg)
{
    struct job_keeps *k = arg;
    DWORD f = atomic_load(&cur->limit_flags);
    if ((f & JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK) ||
        (k->breakaway && (f & JOB_OBJECT_LIMIT_BREAKAWAY_OK)))
        return 0;
    k->keeper = atomic_load(&cur->keeper);
    k->start = atomic_load(&cur->start);
    return 1;
}

/*
 * The child is born in the first job up the chain that keeps it: one
 * without SILENT_BREAKAWAY_OK, and without BREAKAWAY_OK if the child asks
 * to break away (Windows 8 and later; Wine's process.c test_BreakawayOk).
 * *sh: inner itself, or that job mapped, or NULL when none keeps it.
 */
static void job_spawn_target(struct wipc_job_shared *inner, int breakaway,
                             struct wipc_job_shared **sh)
{
    struct job_keeps k = {breakaway, 0, 0};

    *sh = NULL;
    if (!job_walk_up(inner, job_keeps_one, &k))
        return;
    if (k.keeper == atomic_load(&inner->keeper))
        *sh = inner;
    else if (wipc_plat_job_state(k.keeper, k.start, sh) != 0)
        *sh = NULL;
}

DWORD wipc_job_spawn_check(int breakaway, int *new_group, DWORD *join_group,
                           int *in_job)
{
    struct wipc_job_shared *inner, *sh;
    DWORD pgid, flags, err = 0;
    int told = 0;

    *in_job = 0;
    *join_group = 0;
    if (wipc_plat_job_find(wipc_plat_getpid(), &inner, &pgid) != 0)
        return 0;
    flags = atomic_load(&inner->limit_flags);
    if (breakaway && !(flags & (JOB_OBJECT_LIMIT_BREAKAWAY_OK |
                                JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK))) {
        wipc_plat_job_unmap(inner);
        return ERROR_ACCESS_DENIED;
    }
    job_spawn_target(inner, breakaway, &sh);
    if (!sh) {
        *new_group = 1; /* out of every job */
    } else {
        *new_group = 0; /* CREATE_NEW_PROCESS_GROUP would leave the job */
        *in_job = 1;
        if (sh != inner)
            *join_group = atomic_load(&sh->keeper);
        /* The limit of every job of the chain it is born in.  Windows
         * starts the process and ends it at once, a limit violation; here
         * it is not started at all. */
        if (job_over_limit(sh, NULL)) {
            err = ERROR_NOT_ENOUGH_QUOTA;
            *in_job = 0;
            told = 1;
        }
        /* Counted before the child exists: whoever sees it in the job
         * sees it in the total too (wipc_job_spawn_undo if it fails). */
        if (!err)
            job_tell_up(sh, NULL, 0, 0, 0, 0);
        if (sh != inner)
            wipc_plat_job_unmap(sh);
    }
    wipc_plat_job_unmap(inner);
    if (told)
        job_local_kick();
    return err;
}

/* The job a child of this process is born in (join_group: its keeper, or
 * 0 for this process's own group), mapped, or NULL. */
static struct wipc_job_shared *job_spawn_job(DWORD join_group)
{
    struct wipc_job_shared *sh;
    DWORD pgid;

    if (wipc_plat_job_find(join_group ? join_group : wipc_plat_getpid(), &sh,
                           &pgid) != 0)
        return NULL;
    return sh;
}

void wipc_job_spawn_undo(DWORD join_group)
{
    struct wipc_job_shared *sh = job_spawn_job(join_group);
    struct job_joined a = {NULL, 0, 0, 0, -1, 0, 0};

    if (sh) {
        job_walk_up(sh, job_joined_one, &a);
        wipc_plat_job_unmap(sh);
    }
}

void wipc_job_spawned(struct wipc_object *proc, DWORD join_group)
{
    struct wipc_job_shared *sh = job_spawn_job(join_group);
    DWORD pid = wipc_process_id(proc);
    uint64_t start = 0;

    if (sh) {
        /* A child that has ended and been reaped already is logged without
         * its start: its port posts its end with it. */
        if (wipc_plat_process_start(pid, -1, &start, NULL) != 0)
            start = 0;
        job_tell_up(sh, NULL, JOB_OBJECT_MSG_NEW_PROCESS, pid, start, 1);
        wipc_plat_job_unmap(sh);
    }
}
