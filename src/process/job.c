/*
 * job.c: job objects (see job.h).
 *
 * The job's keeper (platform_job.h) leads a process group; processes
 * assigned to the job join that group, and their children are born in it,
 * so the kernel keeps the membership: one kill(-group) ends them all, and
 * the keeper, which outlives the job's owner, does it when the owner's end
 * of its pipe closes (last handle, or the owner killed) and
 * KILL_ON_JOB_CLOSE is set.  The limits and counters live in the keeper's
 * shared page, where the job's members find them when they create
 * processes (wipc_job_spawn_check).
 */
#include <stdlib.h>
#include <string.h>

#include "../core/io.h"
#include "../platform/platform_sys.h"
#include "job.h"
#include "process.h"

#define JOB_NAME_MAX 260
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
    int life; /* the keeper's pipe: closing it ends the job */
    int keeper_pidfd;
    DWORD pgid; /* the keeper's group; 0 after TerminateJobObject killed it */
    struct wipc_job_shared *sh;
    DWORD flags, active_limit; /* kept across a new keeper */
    DWORD total, terminated;
    /* Assigned processes that could not join the group. */
    struct wipc_object **outside;
    size_t n_outside;
    /* Assigned processes that did (for TerminateJobObject's exit code). */
    struct wipc_object **inside;
    size_t n_inside;
    struct job_watch *watch;
    char name[JOB_NAME_MAX];
    struct wipc_job *next; /* named jobs */
};

static inline struct wipc_job *job_of(struct wipc_object *obj)
{
    return (struct wipc_job *)obj;
}

static struct {
    wipc_mutex lock;
    struct wipc_job *head;
} names = {WIPC_MUTEX_INIT, NULL};

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

static void job_keeper_drop(struct wipc_job *j)
{
    wipc_plat_close(j->life);
    wipc_plat_close(j->keeper_pidfd);
    wipc_plat_job_unmap(j->sh);
    j->life = j->keeper_pidfd = -1;
    j->sh = NULL;
    j->pgid = 0;
}

/* A keeper for the job (lock held): after TerminateJobObject killed the
 * last one, the next process assigned gets a new group. */
static DWORD job_keeper_ensure(struct wipc_job *j)
{
    DWORD err;

    if (j->pgid)
        return 0;
    job_keeper_drop(j);
    err = wipc_plat_job_keeper(&j->life, &j->sh, &j->pgid, &j->keeper_pidfd);
    if (err) {
        j->pgid = 0;
        return err;
    }
    atomic_store(&j->sh->limit_flags, j->flags);
    atomic_store(&j->sh->active_limit, j->active_limit);
    atomic_store(&j->sh->total, j->total);
    atomic_store(&j->sh->terminated, j->terminated);
    if (j->watch) {
        wipc_mutex_lock(&j->watch->lock);
        j->watch->pgid = j->pgid;
        wipc_mutex_unlock(&j->watch->lock);
    }
    return 0;
}

static void job_release_list(struct wipc_object **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        wipc_object_release(list[i]);
    free(list);
}

static void job_destroy(struct wipc_object *obj)
{
    struct wipc_job *j = job_of(obj);
    struct wipc_job **pp;

    wipc_mutex_lock(&names.lock);
    for (pp = &names.head; *pp; pp = &(*pp)->next)
        if (*pp == j) {
            *pp = j->next;
            break;
        }
    wipc_mutex_unlock(&names.lock);
    /* KILL_ON_JOB_CLOSE: the processes that could not join the group are
     * ours to end; the keeper ends the group when its pipe closes. */
    if (j->flags & JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE)
        for (size_t i = 0; i < j->n_outside; i++)
            wipc_process_terminate(j->outside[i], 0);
    job_keeper_drop(j);
    if (j->watch) {
        wipc_mutex_lock(&j->watch->lock);
        j->watch->stop = 1;
        wipc_mutex_unlock(&j->watch->lock);
        wipc_plat_eventfd_set(j->watch->wake);
        watch_release(j->watch);
    }
    job_release_list(j->outside, j->n_outside);
    job_release_list(j->inside, j->n_inside);
    wipc_mutex_destroy(&j->lock);
    free(j);
}

const struct wipc_object_ops wipc_job_ops = {
    .type_name = "Job",
    .file_type = FILE_TYPE_UNKNOWN,
    .mapping = {STANDARD_RIGHTS_READ | JOB_OBJECT_QUERY,
                STANDARD_RIGHTS_WRITE | JOB_OBJECT_ASSIGN_PROCESS |
                    JOB_OBJECT_SET_ATTRIBUTES | JOB_OBJECT_TERMINATE,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, JOB_OBJECT_ALL_ACCESS},
    .destroy = job_destroy,
};

DWORD wipc_job_create(const char *name, struct wipc_object **out,
                      int *existed)
{
    struct wipc_job *j;
    DWORD err;

    *existed = 0;
    if (name && strlen(name) >= JOB_NAME_MAX)
        return ERROR_FILENAME_EXCED_RANGE;
    wipc_mutex_lock(&names.lock);
    if (name)
        for (j = names.head; j; j = j->next)
            if (strcmp(j->name, name) == 0) {
                *out = wipc_object_grab(&j->obj);
                *existed = 1;
                wipc_mutex_unlock(&names.lock);
                return 0;
            }
    j = calloc(1, sizeof *j);
    if (!j) {
        wipc_mutex_unlock(&names.lock);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    wipc_object_init(&j->obj, &wipc_job_ops);
    wipc_mutex_init(&j->lock);
    j->life = j->keeper_pidfd = -1;
    err = job_keeper_ensure(j);
    if (err) {
        wipc_mutex_unlock(&names.lock);
        wipc_mutex_destroy(&j->lock);
        free(j);
        return err;
    }
    if (name) {
        strcpy(j->name, name);
        j->next = names.head;
        names.head = j;
    }
    wipc_mutex_unlock(&names.lock);
    *out = &j->obj;
    return 0;
}

DWORD wipc_job_open(const char *name, struct wipc_object **out)
{
    struct wipc_job *j;
    DWORD err = ERROR_FILE_NOT_FOUND;

    wipc_mutex_lock(&names.lock);
    for (j = names.head; j; j = j->next)
        if (strcmp(j->name, name) == 0) {
            *out = wipc_object_grab(&j->obj);
            err = 0;
            break;
        }
    wipc_mutex_unlock(&names.lock);
    return err;
}

/* Processes of the job that have not ended (lock held). */
static size_t job_active_locked(struct wipc_job *j)
{
    size_t n = 0, i;

    if (j->pgid)
        wipc_plat_group_members(j->pgid, j->pgid, NULL, 0, &n);
    for (i = 0; i < j->n_outside; i++)
        if (wipc_process_exit_code(j->outside[i]) == STILL_ACTIVE)
            n++;
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
    if (w->n < JOB_WATCH_MAX &&
        wipc_plat_dup(proc->ops->signal_fd(proc), &fd) == 0) {
        w->pidfds[w->n] = fd;
        w->pids[w->n++] = pid;
    }
    wipc_mutex_unlock(&w->lock);
    wipc_plat_eventfd_set(w->wake);
}

DWORD wipc_job_assign(struct wipc_object *job, struct wipc_object *proc)
{
    struct wipc_job *j = job_of(job);
    DWORD pid = wipc_process_id(proc), err, pgid = 0;
    struct wipc_job_shared *other;
    DWORD other_pgid;

    if (wipc_process_exit_code(proc) != STILL_ACTIVE)
        return ERROR_ACCESS_DENIED; /* as Windows, for a process that ended */
    wipc_mutex_lock(&j->lock);
    if ((err = job_keeper_ensure(j)) != 0)
        goto done;
    if (job_list_has(j->outside, j->n_outside, proc) ||
        (wipc_plat_getpgid(pid, &pgid) == 0 && pgid == j->pgid))
        goto done; /* already in it */
    if (wipc_plat_job_find(pid, &other, &other_pgid) == 0) {
        wipc_plat_job_unmap(other);
        err = ERROR_ACCESS_DENIED; /* in another job */
        goto done;
    }
    if ((j->flags & JOB_OBJECT_LIMIT_ACTIVE_PROCESS) &&
        job_active_locked(j) >= j->active_limit) {
        /* "the process is terminated and the association fails"
         * (JOBOBJECT_BASIC_LIMIT_INFORMATION), a limit violation the
         * accounting counts. */
        wipc_process_terminate(proc, ERROR_NOT_ENOUGH_QUOTA);
        j->terminated++;
        atomic_store(&j->sh->terminated, j->terminated);
        err = ERROR_NOT_ENOUGH_QUOTA;
        goto done;
    }
    err = wipc_plat_setpgid(pid, j->pgid);
    if (err == ERROR_NOT_SUPPORTED)
        err = job_list_add(&j->outside, &j->n_outside, proc);
    else if (!err)
        err = job_list_add(&j->inside, &j->n_inside, proc);
    if (err)
        goto done;
    /* Added, not stored: a member already running in the group may be
     * counting a child of its own in the same page at this moment. */
    j->total++;
    atomic_fetch_add(&j->sh->total, 1);
    job_watch_add(j, pid, proc);
done:
    wipc_mutex_unlock(&j->lock);
    return err;
}

DWORD wipc_job_terminate(struct wipc_object *job, DWORD code)
{
    struct wipc_job *j = job_of(job);
    size_t i;

    wipc_mutex_lock(&j->lock);
    /* Processes with an object here get code as their exit code (their
     * exit records are written before the kill); the group goes after,
     * its keeper with it. */
    for (i = 0; i < j->n_inside; i++)
        wipc_process_terminate(j->inside[i], code);
    for (i = 0; i < j->n_outside; i++)
        wipc_process_terminate(j->outside[i], code);
    if (j->pgid)
        wipc_plat_kill_group(j->pgid);
    job_release_list(j->inside, j->n_inside);
    job_release_list(j->outside, j->n_outside);
    j->inside = j->outside = NULL;
    j->n_inside = j->n_outside = 0;
    j->pgid = 0; /* a new keeper for the next process */
    wipc_mutex_unlock(&j->lock);
    return 0;
}

int wipc_job_contains(struct wipc_object *job, struct wipc_object *proc)
{
    DWORD pid = wipc_process_id(proc), pgid = 0;
    struct wipc_job_shared *sh;
    int in;

    if (!job) {
        if (wipc_plat_job_find(pid, &sh, &pgid) != 0)
            return 0;
        wipc_plat_job_unmap(sh);
        return 1;
    }
    wipc_mutex_lock(&job_of(job)->lock);
    in = job_list_has(job_of(job)->outside, job_of(job)->n_outside, proc) ||
         (job_of(job)->pgid && wipc_plat_getpgid(pid, &pgid) == 0 &&
          pgid == job_of(job)->pgid);
    wipc_mutex_unlock(&job_of(job)->lock);
    return in;
}

void wipc_job_query(struct wipc_object *job, struct wipc_job_info *info,
                    DWORD *pids, size_t cap, size_t *n_pids)
{
    struct wipc_job *j = job_of(job);
    DWORD buf[1024];
    size_t n = 0, i;

    memset(info, 0, sizeof *info);
    wipc_mutex_lock(&j->lock);
    info->limit_flags = j->flags;
    info->active_limit = j->active_limit;
    /* The total counts what members started too (their shared page). */
    if (j->sh && atomic_load(&j->sh->total) > j->total)
        j->total = atomic_load(&j->sh->total);
    if (j->sh && atomic_load(&j->sh->terminated) > j->terminated)
        j->terminated = atomic_load(&j->sh->terminated);
    info->total = j->total;
    info->terminated = j->terminated;
    if (j->pgid)
        wipc_plat_group_members(j->pgid, j->pgid, buf,
                                sizeof buf / sizeof buf[0], &n);
    if (n > sizeof buf / sizeof buf[0])
        n = sizeof buf / sizeof buf[0];
    for (i = 0; i < j->n_outside && n < sizeof buf / sizeof buf[0]; i++)
        if (wipc_process_exit_code(j->outside[i]) == STILL_ACTIVE)
            buf[n++] = wipc_process_id(j->outside[i]);
    wipc_mutex_unlock(&j->lock);
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
    struct wipc_job *j = job_of(job);

    wipc_mutex_lock(&j->lock);
    j->flags = flags;
    j->active_limit = active_limit;
    if (j->sh) {
        atomic_store(&j->sh->active_limit, active_limit);
        atomic_store(&j->sh->limit_flags, flags);
    }
    wipc_mutex_unlock(&j->lock);
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
        w->refs = 2; /* the job's and the thread's */
        w->zero_posted = 1; /* until a process comes */
        w->port = wipc_object_grab(port);
        w->key = key;
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
    if (w)
        w->pgid = j->pgid;
    wipc_mutex_unlock(&j->lock);
    if (w && wipc_plat_thread_start(watch_main, w, 64 * 1024) != 0)
        watch_release(w); /* the thread's reference */
    if (old) {
        wipc_mutex_lock(&old->lock);
        old->stop = 1;
        wipc_mutex_unlock(&old->lock);
        wipc_plat_eventfd_set(old->wake);
        watch_release(old);
    }
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
