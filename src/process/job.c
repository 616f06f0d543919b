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
#include "job.h"
#include "process.h"

#define JOB_WATCH_MAX 64

/* What the completion port hears: the job's assigned processes, watched
 * by a thread (started with the port) that holds this, not the job. */
struct job_watch {
    wipc_mutex lock;
    int refs;
    int stop;
    int wake; /* eventfd */
    int pidfds[JOB_WATCH_MAX];
    DWORD pids[JOB_WATCH_MAX];
    size_t n;
    struct wipc_object *port;
    ULONG_PTR key;
    DWORD pgid;
    int zero_posted;
};

struct wipc_job {
    struct wipc_object obj;
    wipc_mutex lock;
    struct wipc_job_link link; /* the keeper's pipe, the shared state */
    /* Processes this process assigned (for TerminateJobObject's exit
     * code), in the group or followed by pid (the shared outside list). */
    struct wipc_object **assigned;
    size_t n_assigned;
    struct job_watch *watch;
};

static inline struct wipc_job *job_of(struct wipc_object *obj)
{
    return (struct wipc_job *)obj;
}

/* ---- The completion port's watcher ----------------------------------------- */

static void watch_release(struct job_watch *w)
{
    int last;

    wipc_mutex_lock(&w->lock);
    last = --w->refs == 0;
    wipc_mutex_unlock(&w->lock);
    if (!last)
        return;
    for (size_t i = 0; i < w->n; i++)
        wipc_plat_close(w->pidfds[i]);
    wipc_plat_close(w->wake);
    wipc_object_release(w->port);
    wipc_mutex_destroy(&w->lock);
    free(w);
}

static void watch_post(struct job_watch *w, DWORD msg, DWORD pid)
{
    struct wipc_io_packet p = {w->key, msg, (OVERLAPPED *)(uintptr_t)pid, 0};
    wipc_io_port_post(w->port, &p);
}

/* Posts EXIT_PROCESS for each assigned process that ends, then
 * ACTIVE_PROCESS_ZERO once nothing is left in the job (its group looked
 * at again every 100 ms while processes the job did not assign remain). */
static void *watch_main(void *arg)
{
    struct job_watch *w = arg;

    for (;;) {
        int fds[JOB_WATCH_MAX + 1], ready[JOB_WATCH_MAX + 1], nready = 0;
        size_t n, i, left = 0;

        wipc_mutex_lock(&w->lock);
        if (w->stop) {
            wipc_mutex_unlock(&w->lock);
            break;
        }
        fds[0] = w->wake;
        n = w->n;
        for (i = 0; i < n; i++)
            fds[i + 1] = w->pidfds[i];
        wipc_mutex_unlock(&w->lock);
        if (wipc_plat_poll_readable(fds, ready, n + 1, 100, &nready))
            wipc_plat_sleep_ms(100);
        wipc_plat_eventfd_reset(w->wake, NULL);
        wipc_mutex_lock(&w->lock);
        for (i = 0; i < w->n && i < n;) {
            if (ready[i + 1]) {
                watch_post(w, JOB_OBJECT_MSG_EXIT_PROCESS, w->pids[i]);
                wipc_plat_close(w->pidfds[i]);
                w->n--;
                w->pidfds[i] = w->pidfds[w->n];
                w->pids[i] = w->pids[w->n];
                ready[i + 1] = ready[n];
                n--;
                w->zero_posted = 0;
            } else {
                i++;
            }
        }
        if (!w->zero_posted && w->n == 0) {
            if (w->pgid)
                wipc_plat_group_members(w->pgid, w->pgid, NULL, 0, &left);
            if (left == 0) {
                watch_post(w, JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO, 0);
                w->zero_posted = 1;
            }
        }
        wipc_mutex_unlock(&w->lock);
    }
    watch_release(w);
    return NULL;
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
    wipc_mutex_lock(&w->lock);
    w->stop = 1;
    wipc_mutex_unlock(&w->lock);
    wipc_plat_eventfd_set(w->wake);
    watch_release(w);
}

static void job_destroy(struct wipc_object *obj)
{
    struct wipc_job *j = job_of(obj);

    wipc_sync_name_forget(obj);
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
    *out = &j->obj;
    return 0;
}

/* A new job: a keeper of its own. */
static DWORD job_make(struct wipc_object **out)
{
    struct wipc_job_link link;
    DWORD err = wipc_plat_job_keeper(&link);

    if (err)
        return err;
    err = job_wrap(&link, out);
    if (err)
        wipc_plat_job_unlink(&link);
    return err;
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
    if (err)
        return err;
    err = job_wrap(&link, out);
    if (err)
        wipc_plat_job_unlink(&link);
    return err;
}

/* The outside entry of process pid that started at start, or -1 (the
 * shared lists' lock held, or a look that may miss a change). */
static int job_outside_find(struct wipc_job_shared *sh, DWORD pid,
                            uint64_t start)
{
    for (int i = 0; i < WIPC_JOB_OUTSIDE_MAX; i++)
        if (atomic_load(&sh->outside[i].pid) == pid &&
            atomic_load(&sh->outside[i].start) == start)
            return i;
    return -1;
}

/* Adds pid to the outside list (lock held): ERROR_NOT_ENOUGH_QUOTA when
 * it is full of processes that still run. */
static DWORD job_outside_add(struct wipc_job_shared *sh, DWORD pid,
                             uint64_t start)
{
    for (int i = 0; i < WIPC_JOB_OUTSIDE_MAX; i++) {
        DWORD p = atomic_load(&sh->outside[i].pid);
        if (p && wipc_plat_job_pid_alive(p, atomic_load(&sh->outside[i].start)))
            continue;
        atomic_store(&sh->outside[i].pid, 0);
        atomic_store(&sh->outside[i].start, start);
        atomic_store(&sh->outside[i].pid, pid);
        return 0;
    }
    return ERROR_NOT_ENOUGH_QUOTA;
}

/* The processes of the job that have not ended: up to cap ids in pids
 * (may be NULL); how many. */
static size_t job_members(struct wipc_job *j, DWORD *pids, size_t cap)
{
    struct wipc_job_shared *sh = j->link.sh;
    size_t n = 0;

    wipc_plat_group_members(j->link.keeper, j->link.keeper, pids, cap, &n);
    for (int i = 0; i < WIPC_JOB_OUTSIDE_MAX; i++) {
        DWORD pid = atomic_load(&sh->outside[i].pid);
        if (!pid ||
            !wipc_plat_job_pid_alive(pid, atomic_load(&sh->outside[i].start)))
            continue;
        if (pids && n < cap)
            pids[n] = pid;
        n++;
    }
    return n;
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

/* The port watches process pid end (w's lock held). */
static void watch_follow(struct job_watch *w, DWORD pid, int fd)
{
    if (w->n < JOB_WATCH_MAX) {
        w->pidfds[w->n] = fd;
        w->pids[w->n++] = pid;
    } else {
        wipc_plat_close(fd);
    }
}

/* The port hears of the process, and watches it end. */
static void job_watch_add(struct wipc_job *j, DWORD pid,
                          struct wipc_object *proc)
{
    struct job_watch *w = j->watch;
    int fd;

    if (!w)
        return;
    wipc_mutex_lock(&w->lock);
    watch_post(w, JOB_OBJECT_MSG_NEW_PROCESS, pid);
    w->zero_posted = 0;
    if (wipc_plat_dup(proc->ops->signal_fd(proc), &fd) == 0)
        watch_follow(w, pid, fd);
    wipc_mutex_unlock(&w->lock);
    wipc_plat_eventfd_set(w->wake);
}

/* 1 if process pid (start: its start time) is in job j. */
static int job_has_pid(struct wipc_job *j, DWORD pid, uint64_t start)
{
    DWORD pgid = 0;
    return (wipc_plat_getpgid(pid, &pgid) == 0 && pgid == j->link.keeper) ||
           job_outside_find(j->link.sh, pid, start) >= 0;
}

DWORD wipc_job_assign(struct wipc_object *job, struct wipc_object *proc)
{
    struct wipc_job *j = job_of(job);
    struct wipc_job_shared *sh = j->link.sh, *other;
    DWORD pid = wipc_process_id(proc), err = 0, other_pgid;
    uint64_t start = 0;

    if (wipc_process_exit_code(proc) != STILL_ACTIVE ||
        wipc_plat_process_start(pid, -1, &start, NULL) != 0)
        return ERROR_ACCESS_DENIED; /* as Windows, for a process that ended */
    wipc_mutex_lock(&j->lock);
    wipc_plat_job_lock(&j->link, 1);
    if (job_has_pid(j, pid, start))
        goto done; /* already in it */
    if (wipc_plat_job_find(pid, &other, &other_pgid) == 0 ||
        wipc_plat_job_find_outside(pid, start, &other, &other_pgid) == 0) {
        wipc_plat_job_unmap(other);
        err = ERROR_ACCESS_DENIED; /* in another job */
        goto done;
    }
    if ((atomic_load(&sh->limit_flags) & JOB_OBJECT_LIMIT_ACTIVE_PROCESS) &&
        job_members(j, NULL, 0) >= atomic_load(&sh->active_limit)) {
        /* "the process is terminated and the association fails"
         * (JOBOBJECT_BASIC_LIMIT_INFORMATION), a limit violation the
         * accounting counts. */
        wipc_process_terminate(proc, ERROR_NOT_ENOUGH_QUOTA);
        atomic_fetch_add(&sh->terminated, 1);
        err = ERROR_NOT_ENOUGH_QUOTA;
        goto done;
    }
    err = wipc_plat_setpgid(pid, j->link.keeper);
    if (err == ERROR_NOT_SUPPORTED)
        err = job_outside_add(sh, pid, start);
    if (!err)
        err = job_list_add(&j->assigned, &j->n_assigned, proc);
    if (err)
        goto done;
    /* Added, not stored: a member already running in the group may be
     * counting a child of its own in the same page at this moment. */
    atomic_fetch_add(&sh->total, 1);
    job_watch_add(j, pid, proc);
done:
    wipc_plat_job_lock(&j->link, 0);
    wipc_mutex_unlock(&j->lock);
    return err;
}

DWORD wipc_job_terminate(struct wipc_object *job, DWORD code)
{
    struct wipc_job *j = job_of(job);
    struct wipc_job_shared *sh = j->link.sh;
    DWORD pids[1024], self = wipc_plat_getpid();
    size_t n, i;
    int self_in = 0;

    wipc_mutex_lock(&j->lock);
    wipc_plat_job_lock(&j->link, 1);
    /* Every process of the job gets code as its exit code, for whoever
     * holds a handle to it (its exit record is written before the kill);
     * the rest of the group and the outside processes go after; the keeper
     * stays: the job takes processes again. */
    n = job_members(j, pids, sizeof pids / sizeof pids[0]);
    for (i = 0; i < n && i < sizeof pids / sizeof pids[0]; i++) {
        struct wipc_object *proc;
        uint64_t start;
        if (pids[i] == self) {
            self_in = 1;
            continue;
        }
        if (wipc_process_get(pids[i], -1, &proc) != 0)
            continue;
        /* Still the job's now that its pidfd holds the pid. */
        if (wipc_plat_process_start(pids[i], -1, &start, NULL) == 0 &&
            job_has_pid(j, pids[i], start))
            wipc_process_terminate(proc, code);
        wipc_object_release(proc);
    }
    wipc_plat_job_kill_members(j->link.keeper, self, sh);
    for (i = 0; i < WIPC_JOB_OUTSIDE_MAX; i++)
        atomic_store(&sh->outside[i].pid, 0);
    /* Signalled, and it stays so (Wine's process.c test_WaitForJobObject;
     * JOBOBJECT_END_OF_JOB_TIME_INFORMATION: the job is signalled when its
     * processes are terminated). */
    if (atomic_exchange(&sh->signaled, 1) == 0)
        wipc_plat_job_signal(&j->link);
    wipc_plat_job_lock(&j->link, 0);
    wipc_mutex_unlock(&j->lock);
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
    /* A process that has ended stays in its job for this question (as
     * Windows answers): its group, or its outside entry, as they were. */
    if (wipc_plat_process_start(pid, -1, &start, NULL) != 0)
        return job_list_has(job_of(job)->assigned, job_of(job)->n_assigned,
                            proc);
    return job_has_pid(job_of(job), pid, start);
}

void wipc_job_query(struct wipc_object *job, struct wipc_job_info *info,
                    DWORD *pids, size_t cap, size_t *n_pids)
{
    struct wipc_job *j = job_of(job);
    struct wipc_job_shared *sh = j->link.sh;
    DWORD buf[1024];
    size_t n, i;

    memset(info, 0, sizeof *info);
    info->limit_flags = atomic_load(&sh->limit_flags);
    info->active_limit = atomic_load(&sh->active_limit);
    info->total = atomic_load(&sh->total);
    info->terminated = atomic_load(&sh->terminated);
    n = job_members(j, buf, sizeof buf / sizeof buf[0]);
    if (n > sizeof buf / sizeof buf[0])
        n = sizeof buf / sizeof buf[0];
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
    DWORD pids[JOB_WATCH_MAX];
    size_t n, i;

    w = port ? calloc(1, sizeof *w) : NULL;
    if (port && !w)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (w) {
        wipc_mutex_init(&w->lock);
        w->refs = 2; /* the job's and the thread's */
        w->zero_posted = 1; /* until a process comes */
        w->port = wipc_object_grab(port);
        w->key = key;
        w->pgid = j->link.keeper;
        if (wipc_plat_eventfd(0, &w->wake) != 0) {
            wipc_object_release(w->port);
            wipc_mutex_destroy(&w->lock);
            free(w);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
    }
    wipc_mutex_lock(&j->lock);
    old = j->watch;
    if (w && old) {
        wipc_mutex_unlock(&j->lock);
        watch_release(w);
        watch_release(w); /* no thread was started: both references */
        return ERROR_INVALID_PARAMETER;
    }
    j->watch = w;
    if (w) {
        /* The processes already in the job are new to the port (as
         * Windows posts them when the port is associated). */
        n = job_members(j, pids, JOB_WATCH_MAX);
        for (i = 0; i < n && i < JOB_WATCH_MAX; i++) {
            int fd;
            watch_post(w, JOB_OBJECT_MSG_NEW_PROCESS, pids[i]);
            w->zero_posted = 0;
            if (wipc_plat_pidfd_open(pids[i], &fd) == 0)
                watch_follow(w, pids[i], fd);
        }
    }
    wipc_mutex_unlock(&j->lock);
    if (w && wipc_plat_thread_start(watch_main, w, 64 * 1024) != 0)
        watch_release(w); /* the thread's reference */
    job_watch_stop(old);
    return 0;
}

/* ---- CreateProcess inside a job -------------------------------------------- */

DWORD wipc_job_spawn_check(int breakaway, int *new_group, int *in_job)
{
    struct wipc_job_shared *sh;
    DWORD pgid, flags, err = 0;
    size_t active = 0;

    *in_job = 0;
    if (wipc_plat_job_find(wipc_plat_getpid(), &sh, &pgid) != 0)
        return 0;
    flags = atomic_load(&sh->limit_flags);
    if (breakaway && !(flags & (JOB_OBJECT_LIMIT_BREAKAWAY_OK |
                                JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK))) {
        err = ERROR_ACCESS_DENIED;
    } else if (breakaway || (flags & JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK)) {
        *new_group = 1;
    } else {
        *new_group = 0; /* CREATE_NEW_PROCESS_GROUP would leave the job */
        *in_job = 1;
        if (flags & JOB_OBJECT_LIMIT_ACTIVE_PROCESS) {
            wipc_plat_group_members(pgid, pgid, NULL, 0, &active);
            /* Windows starts the process and ends it at once, a limit
             * violation; here it is not started at all. */
            if (active >= atomic_load(&sh->active_limit)) {
                atomic_fetch_add(&sh->terminated, 1);
                err = ERROR_NOT_ENOUGH_QUOTA;
            }
        }
        /* Counted before the child exists: whoever sees it in the job
         * sees it in the total too (wipc_job_spawn_undo if it fails). */
        if (!err)
            atomic_fetch_add(&sh->total, 1);
    }
    wipc_plat_job_unmap(sh);
    return err;
}

void wipc_job_spawn_undo(void)
{
    struct wipc_job_shared *sh;
    DWORD pgid;

    if (wipc_plat_job_find(wipc_plat_getpid(), &sh, &pgid) != 0)
        return;
    atomic_fetch_sub(&sh->total, 1);
    wipc_plat_job_unmap(sh);
}
