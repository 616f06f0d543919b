/*
 * process.c: process objects.
 *
 * A process object holds a pidfd, which becomes readable when the process
 * exits: that is the object's signalled state.  There is one object per
 * live process id in this process (a registry), so every handle to one
 * process, however it was obtained, sees the same exit code.
 *
 * Children are reaped through their pidfd (waitid P_PIDFD), never with
 * waitpid(-1), so the application's own SIGCHLD handling and waitpid calls
 * for its other children are left alone.  A child whose last handle closes
 * while it still runs is handed to a reaper thread, so no zombie remains.
 *
 * The exit code comes from the process's exit record (process/exit_record.h),
 * which every object of another process holds: all 32 bits, for the parent
 * and any other holder alike.  Without one (a program that does not use
 * winipc, or one killed by a signal), the parent has the status it reaps,
 * and another process the zombie's status or, once the parent has reaped
 * it, the status the kernel keeps for pidfds (Linux 6.15): see
 * wipc_plat_pidfd_exit_status.  The pidfd is readable from the exit on,
 * before the reap: GetExitCodeProcess right after a wait is that moment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/platform_job.h"
#include "../platform/platform_sys.h"
#include "exit_record.h"
#include "parent.h"
#include "process.h"
#include "service.h"
#include "suspended.h"

struct wipc_process {
    struct wipc_object obj;
    int pidfd;
    DWORD pid;
    int is_child;
    wipc_mutex lock;
    int exited;
    DWORD exit_code;
    int terminated; /* TerminateProcess was called: its code wins */
    DWORD terminate_code;
    int code_known; /* exit_code is final (else 0 for now, asked again) */
    int reap_waited; /* the parent's reap was waited for once, in vain */
    DWORD pgid_at_exit; /* its process group when it was seen ended (jobs) */
    /* Its exit record, or NULL (this process; or none could be made).  Set
     * under the registry's lock and p->lock, then never changed. */
    struct wipc_exitrec *rec;
    /* A child started suspended: its handle table until it is resumed
     * (process/suspended.h), and when it was resumed (0: not yet).  Both set
     * under p->lock; susp stays until the object is destroyed. */
    struct wipc_suspended *susp;
    uint64_t resumed_ms;
    /* What GetProcessTimes and QueryFullProcessImageName tell, kept for
     * when the process has gone from /proc (p->lock). */
    struct wipc_proc_times times; /* creation 0: not known */
    uint64_t exit_time;           /* when it was first seen ended */
    char *image;                  /* its program's path, or NULL */
    DWORD parent;                 /* Windows' parent id (parent_known) */
    int parent_known;
    struct wipc_process *next;    /* registry */
};

static inline struct wipc_process *process_of(struct wipc_object *obj)
{
    return (struct wipc_process *)obj;
}

static struct {
    wipc_mutex lock;
    struct wipc_process *head;
} registry = {WIPC_MUTEX_INIT, NULL};

/* ---- The reaper of orphaned children ------------------------------------ */

static struct {
    wipc_mutex lock;
    int started;
    int wake_fd; /* eventfd: the list changed */
    int *pidfds;
    size_t n, cap;
} reaper = {WIPC_MUTEX_INIT, 0, -1, NULL, 0, 0};

static void *reaper_main(void *arg)
{
    (void)arg;
    for (;;) {
        int fds[MAXIMUM_WAIT_OBJECTS + 1], ready[MAXIMUM_WAIT_OBJECTS + 1];
        size_t i, n;
        int nready, more;

        wipc_mutex_lock(&reaper.lock);
        fds[0] = reaper.wake_fd;
        n = reaper.n < MAXIMUM_WAIT_OBJECTS ? reaper.n : MAXIMUM_WAIT_OBJECTS;
        more = n < reaper.n; /* the others are looked at every 100 ms */
        for (i = 0; i < n; i++)
            fds[i + 1] = reaper.pidfds[i];
        wipc_mutex_unlock(&reaper.lock);

        if (wipc_plat_poll_readable(fds, ready, n + 1, more ? 100 : -1,
                                    &nready))
            wipc_plat_sleep_ms(100);
        wipc_plat_eventfd_reset(fds[0], NULL);
        wipc_mutex_lock(&reaper.lock);
        for (i = 0; i < reaper.n;) {
            int exited = 0;
            DWORD code;
            if (wipc_plat_pidfd_reap(reaper.pidfds[i], 0, &exited, &code) ||
                exited) {
                wipc_plat_close(reaper.pidfds[i]);
                reaper.pidfds[i] = reaper.pidfds[--reaper.n];
            } else {
                i++;
            }
        }
        wipc_mutex_unlock(&reaper.lock);
    }
    return NULL;
}

/* Takes over pidfd (a child that still runs) until it can be reaped. */
static void reaper_adopt(int pidfd)
{
    wipc_mutex_lock(&reaper.lock);
    if (!reaper.started) {
        if (wipc_plat_eventfd(0, &reaper.wake_fd) == 0 &&
            wipc_plat_thread_start(reaper_main, NULL, 64 * 1024) == 0)
            reaper.started = 1;
    }
    if (reaper.n == reaper.cap) {
        size_t ncap = reaper.cap ? reaper.cap * 2 : 16;
        int *n = realloc(reaper.pidfds, ncap * sizeof *n);
        if (n) {
            reaper.pidfds = n;
            reaper.cap = ncap;
        }
    }
    if (reaper.started && reaper.n < reaper.cap) {
        reaper.pidfds[reaper.n++] = pidfd;
        wipc_plat_eventfd_set(reaper.wake_fd);
    } else {
        wipc_plat_close(pidfd); /* cannot watch it: it stays a zombie */
    }
    wipc_mutex_unlock(&reaper.lock);
}

/* ---- The object ---------------------------------------------------------- */

static int process_fd(struct wipc_object *obj)
{
    return process_of(obj)->pidfd;
}

/*
 * The exit code of a process that has ended, from what is known: its exit
 * record, our own TerminateProcess, the status (8 bits, or 128 + signal).
 * A record the process wrote itself loses to a normal exit status whose 8
 * bits disagree with it: a later exit handler called _exit() with another
 * status (a leak checker's, say).  *known: 0 when nothing is known (0 for
 * now).
 */
static DWORD process_choose_code(struct wipc_process *p, int have_status,
                                 DWORD status, int *known)
{
    DWORD code = 0;
    int state = 0;

    *known = 1;
    if (p->rec && wipc_exitrec_read(p->rec, &code, &state)) {
        if (have_status && state == WIPC_EXITREC_EXITED && status < 128 &&
            (code & 0xff) != status)
            return status;
        return code;
    }
    if (p->terminated)
        return p->terminate_code;
    if (have_status)
        return status;
    *known = 0;
    return 0;
}

/* How long GetExitCodeProcess waits for the parent of a process that has
 * ended to reap it, when nothing else tells the code (the zombie is
 * another user's): once per object. */
#define PROCESS_REAP_WAIT_MS 250

/* Learns whether the process has exited, and its code (lock held).  With
 * patient, a code that only the reap will tell is waited for (see
 * PROCESS_REAP_WAIT_MS). */
static void process_update_locked(struct wipc_process *p, int patient)
{
    int exited = 0, ready = 0, have_status = 0;
    DWORD status = 0;

    if (p->exited && p->code_known)
        return;
    if (!p->exited) {
        if (p->is_child) {
            /* Its group, before the reap takes it (IsProcessInJob of a
             * process that has ended): read before the reap is tried,
             * whether or not it has ended yet, so that a process ending
             * in between keeps it too (our child's pid cannot be reused
             * before we reap it). */
            DWORD pgid = 0;
            wipc_plat_getpgid(p->pid, &pgid);
            if (wipc_plat_pidfd_reap(p->pidfd, 0, &exited, &status) != 0) {
                /* Reaped by someone else (a waitpid(-1) of the
                 * application): the pidfd still says whether it ended. */
                p->is_child = 0;
            } else {
                have_status = exited;
                if (exited)
                    p->pgid_at_exit = pgid;
            }
        }
        if (!p->is_child) {
            wipc_plat_wait_readable(p->pidfd, 0, &ready);
            exited = ready;
            if (ready) /* a zombie until its parent reaps it */
                wipc_plat_getpgid(p->pid, &p->pgid_at_exit);
        }
        if (!exited)
            return;
        p->exited = 1;
        p->exit_time = wipc_plat_filetime_now();
    }
    if (!have_status &&
        wipc_plat_pidfd_exit_status(p->pid, p->pidfd, 0, &status) == 0)
        have_status = 1;
    p->exit_code = process_choose_code(p, have_status, status, &p->code_known);
    if (!p->code_known && patient && !p->reap_waited) {
        p->reap_waited = 1;
        if (wipc_plat_pidfd_exit_status(p->pid, p->pidfd,
                                        PROCESS_REAP_WAIT_MS, &status) == 0)
            p->exit_code = process_choose_code(p, 1, status, &p->code_known);
    }
}

static void process_inherit_info(struct wipc_object *obj, int *fd,
                                 char *tag, size_t taglen)
{
    *fd = process_of(obj)->pidfd;
    snprintf(tag, taglen, "process.%u", (unsigned)process_of(obj)->pid);
}

static void process_destroy(struct wipc_object *obj)
{
    struct wipc_process *p = process_of(obj);
    struct wipc_process **pp;

    wipc_mutex_lock(&registry.lock);
    for (pp = &registry.head; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    wipc_mutex_unlock(&registry.lock);
    wipc_mutex_lock(&p->lock);
    process_update_locked(p, 0);
    wipc_mutex_unlock(&p->lock);
    /* A child still suspended stays so, as on Windows, until killed. */
    wipc_suspended_free(p->susp);
    if (p->is_child && !p->exited)
        reaper_adopt(p->pidfd);
    else
        wipc_plat_close(p->pidfd);
    wipc_exitrec_release(p->rec);
    wipc_mutex_destroy(&p->lock);
    free(p->image);
    free(p);
}

const struct wipc_object_ops wipc_process_ops = {
    .type_name = "Process",
    .file_type = FILE_TYPE_UNKNOWN,
    .mapping = {STANDARD_RIGHTS_READ | PROCESS_VM_READ |
                    PROCESS_QUERY_INFORMATION,
                STANDARD_RIGHTS_WRITE | PROCESS_CREATE_THREAD |
                    PROCESS_VM_OPERATION | PROCESS_VM_WRITE |
                    PROCESS_DUP_HANDLE | PROCESS_CREATE_PROCESS |
                    PROCESS_SET_QUOTA | PROCESS_SET_INFORMATION |
                    PROCESS_SUSPEND_RESUME,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE |
                    PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_TERMINATE,
                PROCESS_ALL_ACCESS},
    .signal_fd = process_fd,
    .inherit_info = process_inherit_info,
    .get_fd = process_fd,
    .destroy = process_destroy,
};

/*
 * The registered object for pid, with a new reference; or a new one made
 * from pidfd (taken over; closed if an object already exists).  With
 * pidfd < 0, one is opened.  rec (taken over, may be NULL) is the exit
 * record to hold; without it, an object of another process makes its own.
 */
static DWORD process_get(DWORD pid, int pidfd, struct wipc_exitrec *rec,
                         struct wipc_object **out)
{
    struct wipc_process *p;
    DWORD err = 0;

    wipc_mutex_lock(&registry.lock);
    for (p = registry.head; p; p = p->next)
        if (p->pid == pid)
            break;
    if (p) {
        /* An object whose process has been reaped may name a recycled pid:
         * a new pidfd is the truth; keep the old object only if alive. */
        int ready = 0;
        wipc_plat_wait_readable(p->pidfd, 0, &ready);
        if (ready && pidfd >= 0)
            p = NULL;
    }
    if (p) {
        *out = wipc_object_grab(&p->obj);
        wipc_plat_close(pidfd);
        if (rec) {
            wipc_mutex_lock(&p->lock);
            if (!p->rec) {
                p->rec = rec;
                rec = NULL;
            }
            wipc_mutex_unlock(&p->lock);
        }
        goto done;
    }
    if (pidfd < 0 && (err = wipc_plat_pidfd_open(pid, &pidfd)) != 0)
        goto done;
    p = calloc(1, sizeof *p);
    if (!p) {
        wipc_plat_close(pidfd);
        err = ERROR_NOT_ENOUGH_MEMORY;
        goto done;
    }
    wipc_object_init(&p->obj, &wipc_process_ops);
    p->pidfd = pidfd;
    p->pid = pid;
    p->is_child = wipc_plat_is_parent_of(pid);
    /* Its start time now, while /proc has it (GetProcessTimes after it
     * has been reaped). */
    if (wipc_plat_process_times(pid, &p->times) != 0)
        p->times.creation = 0;
    /* Watching starts with the object: a code written from now on is
     * ours to read (this process's own code is not). */
    if (!rec && pid != wipc_plat_getpid())
        wipc_exitrec_watch(pid, pidfd, &rec);
    p->rec = rec;
    rec = NULL;
    wipc_mutex_init(&p->lock);
    p->next = registry.head;
    registry.head = p;
    *out = &p->obj;
done:
    wipc_mutex_unlock(&registry.lock);
    wipc_exitrec_release(rec); /* one we already had */
    return err;
}

DWORD wipc_process_get(DWORD pid, int pidfd, struct wipc_object **out)
{
    return process_get(pid, pidfd, NULL, out);
}

DWORD wipc_process_adopt(DWORD pid, int pidfd, int rec_fd,
                         struct wipc_object **out)
{
    struct wipc_exitrec *rec = NULL;
    if (rec_fd >= 0)
        wipc_exitrec_adopt(rec_fd, pid, &rec);
    return process_get(pid, pidfd, rec, out);
}

DWORD wipc_process_spawn(const struct wipc_spawn_req *req_in,
                         const struct wipc_inherit *inh,
                         struct wipc_object **out, DWORD *pid)
{
    struct wipc_spawn_req req = *req_in;
    struct wipc_exitrec *rec = NULL;
    struct wipc_suspended *susp = NULL;
    char busy[WIPC_SERVICE_BUSY_MAX];
    int pidfd = -1, chan = -1;
    DWORD err, get_err;

    /* The child's exit record is held before the child exists. */
    if (wipc_exitrec_child_prepare(&rec, &req.exit_rec_fd,
                                   &req.exit_rec_dir) != 0)
        req.exit_rec_dir = NULL;
    if (req.suspended) {
        req.busy_reply = busy;
        req.busy_reply_len = wipc_service_busy_reply(busy, sizeof busy);
    }
    err = wipc_plat_spawn(&req, &pidfd, pid, &chan);
    if (err) {
        wipc_exitrec_release(rec);
        return err;
    }
    if (rec && wipc_exitrec_child_placed(rec, *pid, pidfd) != 0)
        rec = NULL; /* released: the object watches by name instead */
    /* A child whose table cannot be made could never be resumed: it is
     * killed (through its object, which reaps it). */
    if (chan >= 0)
        err = wipc_suspended_new(inh, chan, &susp);
    get_err = process_get(*pid, pidfd, rec, out);
    if (!get_err && err) {
        wipc_process_terminate(*out, 1);
        wipc_object_release(*out);
    }
    if (err || get_err) {
        wipc_suspended_free(susp);
        return err ? err : get_err;
    }
    wipc_mutex_lock(&process_of(*out)->lock);
    process_of(*out)->susp = susp;
    wipc_mutex_unlock(&process_of(*out)->lock);
    return 0;
}

/* The table of a child still suspended, or NULL.  The pointer stays valid
 * while the caller holds the object. */
static struct wipc_suspended *process_susp(struct wipc_process *p)
{
    struct wipc_suspended *s;
    wipc_mutex_lock(&p->lock);
    s = p->susp;
    wipc_mutex_unlock(&p->lock);
    return s && wipc_suspended_waiting(s) ? s : NULL;
}

struct wipc_suspended *wipc_process_suspended(struct wipc_object *obj)
{
    return process_susp(process_of(obj));
}

void wipc_process_resume(struct wipc_object *obj)
{
    struct wipc_process *p = process_of(obj);
    struct wipc_suspended *s = process_susp(p);

    if (!s)
        return;
    wipc_suspended_resume(s);
    wipc_mutex_lock(&p->lock);
    p->resumed_ms = wipc_plat_now_ms();
    wipc_mutex_unlock(&p->lock);
}

uint64_t wipc_process_ms_since_resume(struct wipc_object *obj)
{
    struct wipc_process *p = process_of(obj);
    uint64_t at, now = wipc_plat_now_ms();

    wipc_mutex_lock(&p->lock);
    at = p->resumed_ms;
    wipc_mutex_unlock(&p->lock);
    return at == 0 ? UINT64_MAX : now - at;
}

DWORD wipc_process_share_fd(struct wipc_object *obj, int *fd)
{
    struct wipc_process *p = process_of(obj);
    DWORD err = ERROR_NOT_SUPPORTED;

    *fd = -1;
    if (p->pid == wipc_plat_getpid())
        return wipc_exitrec_share_self(fd);
    wipc_mutex_lock(&p->lock);
    if (p->rec)
        err = wipc_exitrec_share(p->rec, fd);
    wipc_mutex_unlock(&p->lock);
    return err;
}

void wipc_process_prepare_share(struct wipc_object *obj)
{
    if (process_of(obj)->pid == wipc_plat_getpid())
        wipc_exitrec_ensure_self();
}

/* ---- Exit --------------------------------------------------------------- */

/* exit(), return from main, ExitProcess, TerminateProcess of itself: the
 * code goes into this process's record for whoever watches, and the
 * records this process alone still holds are removed.  The registry's lock
 * is only tried: another thread (or, in a fork()ed child, a thread that is
 * not there) may hold it; a sweep removes what is left then. */
static void process_at_exit(DWORD code)
{
    struct wipc_process *p;

    wipc_exitrec_publish_self(code);
    if (!wipc_mutex_trylock(&registry.lock))
        return;
    for (p = registry.head; p; p = p->next)
        wipc_exitrec_drop_at_exit(p->rec);
    wipc_mutex_unlock(&registry.lock);
}

void wipc_process_init_exit(void) { wipc_plat_on_exit(process_at_exit); }

/* This process's object is kept for good once made (per pid: a child
 * made by fork() gets its own). */
static struct {
    wipc_mutex lock;
    struct wipc_object *obj;
    DWORD pid;
} self = {WIPC_MUTEX_INIT, NULL, 0};

DWORD wipc_process_self(struct wipc_object **out)
{
    DWORD pid = wipc_plat_getpid();
    DWORD err = 0;

    wipc_mutex_lock(&self.lock);
    if (!self.obj || self.pid != pid) {
        err = wipc_process_get(pid, -1, &self.obj);
        self.pid = pid;
    }
    if (!err)
        *out = wipc_object_grab(self.obj);
    wipc_mutex_unlock(&self.lock);
    return err;
}

DWORD wipc_process_id(struct wipc_object *obj)
{
    return process_of(obj)->pid;
}

DWORD wipc_process_exit_code(struct wipc_object *obj)
{
    struct wipc_process *p = process_of(obj);
    DWORD code;
    wipc_mutex_lock(&p->lock);
    process_update_locked(p, 1);
    code = p->exited ? p->exit_code : STILL_ACTIVE;
    wipc_mutex_unlock(&p->lock);
    return code;
}

DWORD wipc_process_terminate(struct wipc_object *obj, DWORD code)
{
    struct wipc_process *p = process_of(obj);
    DWORD err;

    if (p->pid == wipc_plat_getpid()) {
        process_at_exit(code);
        wipc_plat_terminate_self(code);
    }
    wipc_mutex_lock(&p->lock);
    process_update_locked(p, 0);
    if (p->exited) {
        err = ERROR_ACCESS_DENIED; /* as Windows, for a process that ended */
    } else {
        /* Every holder reads code, not the signal, once it has ended. */
        if (p->rec)
            wipc_exitrec_terminate(p->rec, p->pidfd, code);
        err = wipc_plat_pidfd_kill(p->pidfd);
        if (!err && !p->terminated) {
            p->terminated = 1;
            p->terminate_code = code;
        }
    }
    wipc_mutex_unlock(&p->lock);
    /* A suspended child will never run: what was held for it goes. */
    if (!err)
        wipc_suspended_end(process_susp(p));
    return err;
}

/* ---- Queries -------------------------------------------------------------- */

DWORD wipc_process_group(struct wipc_object *obj)
{
    struct wipc_process *p = process_of(obj);
    DWORD pgid = 0;

    wipc_mutex_lock(&p->lock);
    process_update_locked(p, 0);
    if (p->exited)
        pgid = p->pgid_at_exit;
    else
        wipc_plat_getpgid(p->pid, &pgid);
    wipc_mutex_unlock(&p->lock);
    return pgid;
}

void wipc_process_set_image(struct wipc_object *obj, const char *path)
{
    struct wipc_process *p = process_of(obj);
    char *copy = strdup(path);

    wipc_mutex_lock(&p->lock);
    free(p->image);
    p->image = copy;
    wipc_mutex_unlock(&p->lock);
}

void wipc_process_set_parent(struct wipc_object *obj, DWORD parent)
{
    struct wipc_process *p = process_of(obj);

    wipc_mutex_lock(&p->lock);
    p->parent = parent;
    p->parent_known = 1;
    wipc_mutex_unlock(&p->lock);
}

DWORD wipc_process_parent(struct wipc_object *obj, DWORD *parent)
{
    struct wipc_process *p = process_of(obj);
    DWORD err = 0, found = 0;

    wipc_mutex_lock(&p->lock);
    if (!p->parent_known) {
        process_update_locked(p, 0);
        /* Read while it runs, and still running after: the pid was its
         * own meanwhile (its pidfd, or its not being reaped, holds it). */
        if (p->exited || wipc_parent_of(p->pid, &found) != 0)
            err = ERROR_ACCESS_DENIED;
        else {
            process_update_locked(p, 0);
            if (p->exited)
                err = ERROR_ACCESS_DENIED;
        }
        if (!err) {
            p->parent = found;
            p->parent_known = 1;
        }
    }
    *parent = p->parent;
    wipc_mutex_unlock(&p->lock);
    return err;
}

DWORD wipc_process_image(struct wipc_object *obj, char *buf, size_t cap,
                         size_t *len)
{
    struct wipc_process *p = process_of(obj);
    DWORD err;

    wipc_mutex_lock(&p->lock);
    if (!p->image) {
        char path[4096];
        size_t n;
        process_update_locked(p, 0);
        if (!p->exited &&
            wipc_plat_process_exe(p->pid, path, sizeof path, &n) == 0)
            p->image = strdup(path);
    }
    if (!p->image) {
        err = ERROR_ACCESS_DENIED; /* gone before anyone asked */
    } else if (strlen(p->image) >= cap) {
        *len = strlen(p->image);
        err = ERROR_INSUFFICIENT_BUFFER;
    } else {
        *len = strlen(p->image);
        memcpy(buf, p->image, *len + 1);
        err = 0;
    }
    wipc_mutex_unlock(&p->lock);
    return err;
}

void wipc_process_times(struct wipc_object *obj, struct wipc_proc_times *t,
                        uint64_t *exit_time)
{
    struct wipc_process *p = process_of(obj);
    struct wipc_proc_times now;

    wipc_mutex_lock(&p->lock);
    process_update_locked(p, 0);
    /* A zombie is still in /proc, with its final times. */
    if (wipc_plat_process_times(p->pid, &now) == 0 &&
        (!p->times.creation || now.creation == p->times.creation))
        p->times = now;
    *t = p->times;
    *exit_time = p->exited ? p->exit_time : 0;
    wipc_mutex_unlock(&p->lock);
}
