/*
 * exit_record.c: exit records (see exit_record.h).
 */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/platform.h"
#include "exit_record.h"
#include "namespace.h"

#define REC_KIND "exit"
#define REC_MAGIC 0x31525857u /* "WXR1" */

/* Offsets in the file, and in its lock space. */
#define REC_OFF_MAGIC 0
#define REC_OFF_STATE 4 /* state and code: one 8-byte write */
#define REC_OFF_PID 12  /* pid and start: one 12-byte write */
#define REC_SIZE 24
#define REC_LOCK_HOLD 0u  /* shared by every holder */
#define REC_LOCK_WRITE 1u /* exclusive, while a code is written */
#define REC_LOCK_MUTEX 2u /* exclusive, while a hold is taken or let go */

/* Records nobody holds (their holders died) are swept away by the first
 * record made in each process, and then at most this often. */
#define REC_SWEEP_INTERVAL_MS 60000u

/* Opened with these: no symbolic link, and no FIFO that blocks. */
#define REC_OPEN_FLAGS (O_RDWR | O_NOFOLLOW | O_NONBLOCK)

struct wipc_exitrec {
    int fd;      /* holds a shared lock on REC_LOCK_HOLD */
    DWORD owner; /* the process whose lock it is (not a fork()ed copy) */
    char *path;  /* where the record is; NULL: not there (removed) */
    char *dir;   /* a child's record: the folder for its name */
};

struct rec_data {
    uint32_t magic, state, code, pid;
    uint64_t start;
};

/* ---- Names and contents ------------------------------------------------- */

/* Whether ROOT/exit has been made (again, after an open found it gone). */
static atomic_int rec_dir_made;

/* ROOT/exit, created if create (the root only exists once made). */
static DWORD rec_dir(int create, char *buf, size_t len)
{
    int w = snprintf(buf, len, "%s/%s",
                     create ? wipc_ns_root() : wipc_ns_root_path(), REC_KIND);
    if (w < 0 || (size_t)w >= len)
        return ERROR_FILENAME_EXCED_RANGE;
    if (create && !atomic_load(&rec_dir_made) &&
        wipc_plat_mkdir_p(buf, 01777) == 0)
        atomic_store(&rec_dir_made, 1);
    return 0;
}

static DWORD rec_name(DWORD pid, uint64_t start, int create, char *buf,
                      size_t len)
{
    char dir[WIPC_NS_PATH_MAX];
    DWORD err = rec_dir(create, dir, sizeof dir);
    int w;

    if (err)
        return err;
    w = snprintf(buf, len, "%s/%u-%llu", dir, (unsigned)pid,
                 (unsigned long long)start);
    return w < 0 || (size_t)w >= len ? ERROR_FILENAME_EXCED_RANGE : 0;
}

/* The file's contents; what is not written yet reads as 0. */
static void rec_load(int fd, struct rec_data *d)
{
    unsigned char buf[REC_SIZE];
    size_t got = 0;

    memset(buf, 0, sizeof buf);
    wipc_plat_read(fd, buf, sizeof buf, 0, &got);
    memcpy(&d->magic, buf + REC_OFF_MAGIC, 4);
    memcpy(&d->state, buf + REC_OFF_STATE, 4);
    memcpy(&d->code, buf + REC_OFF_STATE + 4, 4);
    memcpy(&d->pid, buf + REC_OFF_PID, 4);
    memcpy(&d->start, buf + REC_OFF_PID + 4, 8);
}

/* The creator's part: what the record is about (never state and code,
 * which the process may be writing at the same moment). */
static void rec_store_header(int fd, DWORD pid, uint64_t start)
{
    uint32_t magic = REC_MAGIC, p = pid;
    unsigned char buf[12];

    memcpy(buf, &p, 4);
    memcpy(buf + 4, &start, 8);
    wipc_plat_pwrite_all(fd, &magic, 4, REC_OFF_MAGIC);
    wipc_plat_pwrite_all(fd, buf, sizeof buf, REC_OFF_PID);
}

/* Writes state and code unless a code is there already (and, with
 * pidfd >= 0, only while that process runs). */
static void rec_store_code(int fd, uint32_t state, DWORD code, int pidfd)
{
    struct rec_data d;
    int ended = 0;

    if (wipc_plat_lock_byte(fd, REC_LOCK_WRITE, 1) != 0)
        return;
    rec_load(fd, &d);
    if (pidfd >= 0)
        wipc_plat_wait_readable(pidfd, 0, &ended);
    if (d.state == WIPC_EXITREC_NONE && !ended) {
        uint32_t v[2] = {state, code};
        wipc_plat_pwrite_all(fd, v, sizeof v, REC_OFF_STATE);
    }
    wipc_plat_unlock_byte(fd, REC_LOCK_WRITE);
}

/* A record another user made cannot be trusted (the folder is shared):
 * ours, root's, or anything when we are root. */
static int rec_trusted(int fd)
{
    DWORD owner = 0, me = wipc_plat_geteuid();
    if (wipc_plat_file_owner(fd, &owner) != 0)
        return 0;
    return owner == me || owner == 0 || me == 0;
}

static DWORD rec_new(int fd, const char *path, struct wipc_exitrec **out)
{
    struct wipc_exitrec *rec = calloc(1, sizeof *rec);

    if (!rec || (path && !(rec->path = strdup(path)))) {
        free(rec);
        wipc_plat_close(fd);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    rec->fd = fd;
    rec->owner = wipc_plat_getpid();
    *out = rec;
    return 0;
}

/* Takes a hold on the record open at fd.  Taking and letting go of holds
 * are serialised by the record's mutex, so that of two holders letting go
 * at once, the second sees that the first has gone. */
static DWORD rec_hold(int fd)
{
    DWORD err = wipc_plat_lock_byte(fd, REC_LOCK_MUTEX, 1);
    if (err)
        return err;
    err = wipc_plat_lock_byte_shared(fd, REC_LOCK_HOLD);
    wipc_plat_unlock_byte(fd, REC_LOCK_MUTEX);
    return err;
}

/* ---- Sweeping ----------------------------------------------------------- */

/* Removes every record that nobody holds: their holders died (or exited
 * while another thread held the lock this process's exit needed). */
static void rec_sweep(void)
{
    char dir[WIPC_NS_PATH_MAX], path[WIPC_NS_PATH_MAX];
    char **names = NULL;
    size_t n = 0;

    if (rec_dir(0, dir, sizeof dir) != 0 ||
        wipc_plat_list_dir(dir, &names, &n) != 0)
        return;
    for (size_t i = 0; i < n; i++) {
        int fd;
        if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >=
                (int)sizeof path ||
            wipc_plat_open(path, REC_OPEN_FLAGS, 0, &fd) != 0)
            continue; /* another user's: theirs to sweep */
        if (wipc_plat_lock_byte(fd, REC_LOCK_MUTEX, 0) == 0 &&
            wipc_plat_lock_byte(fd, REC_LOCK_HOLD, 0) == 0 &&
            wipc_plat_same_file(fd, path))
            wipc_plat_unlink(path);
        wipc_plat_close(fd); /* and its locks */
    }
    wipc_plat_free_names(names, n);
}

static void rec_sweep_now_and_then(void)
{
    static atomic_ullong next_sweep;
    unsigned long long now = wipc_plat_now_ms();
    unsigned long long next = atomic_load(&next_sweep);

    if (now >= next && atomic_compare_exchange_strong(
                           &next_sweep, &next, now + REC_SWEEP_INTERVAL_MS))
        rec_sweep();
}

/* ---- Holding a record --------------------------------------------------- */

/* The record of (pid, start), created if absent, held.  uid: the
 * process's user, who must be able to write a record root creates. */
static DWORD rec_open(DWORD pid, uint64_t start, DWORD uid,
                      struct wipc_exitrec **out)
{
    char path[WIPC_NS_PATH_MAX];
    DWORD err;

    for (int attempt = 0; attempt < 100; attempt++) {
        int fd = -1, created = 0;
        struct rec_data d;

        err = rec_name(pid, start, 1, path, sizeof path);
        if (err)
            return err;
        err =
            wipc_plat_open(path, REC_OPEN_FLAGS | O_CREAT | O_EXCL, 0600, &fd);
        created = err == 0;
        if (err == ERROR_FILE_EXISTS)
            err = wipc_plat_open(path, REC_OPEN_FLAGS, 0, &fd);
        if (err == ERROR_PATH_NOT_FOUND)
            atomic_store(&rec_dir_made, 0); /* the folder went: again */
        if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND)
            continue; /* removed between the two opens: again */
        if (err)
            return err;
        if (created) {
            wipc_plat_fchmod(fd, 0600); /* past the umask */
            rec_store_header(fd, pid, start);
            if (wipc_plat_geteuid() == 0 && uid != 0)
                wipc_plat_fchown(fd, uid);
        } else if (!rec_trusted(fd)) {
            wipc_plat_close(fd);
            return ERROR_ACCESS_DENIED;
        }
        err = rec_hold(fd);
        if (err) {
            wipc_plat_close(fd);
            return err;
        }
        if (wipc_plat_same_file(fd, path)) {
            err = rec_new(fd, path, out);
            if (!err && created)
                rec_sweep_now_and_then();
            return err;
        }
        /* Its last holder removed it meanwhile: what it holds is still the
         * process's code if one was written; else a new record is due. */
        rec_load(fd, &d);
        if (d.state != WIPC_EXITREC_NONE)
            return rec_new(fd, NULL, out);
        wipc_plat_close(fd);
    }
    return ERROR_FILE_NOT_FOUND;
}

DWORD wipc_exitrec_watch(DWORD pid, int pidfd, struct wipc_exitrec **out)
{
    uint64_t start = 0;
    DWORD uid = 0;
    DWORD err = wipc_plat_process_start(pid, pidfd, &start, &uid);

    *out = NULL;
    return err ? err : rec_open(pid, start, uid, out);
}

DWORD wipc_exitrec_adopt(int fd, DWORD pid, struct wipc_exitrec **out)
{
    char path[WIPC_NS_PATH_MAX];
    struct rec_data d;
    int placed;

    *out = NULL;
    rec_load(fd, &d);
    if (d.magic == 0 && d.pid == 0) {
        /* Its creator has not written what it is about yet: held all the
         * same, and left to the other holders to remove. */
        return rec_new(fd, NULL, out);
    }
    if (d.magic != REC_MAGIC || d.pid != pid) {
        wipc_plat_close(fd);
        return ERROR_INVALID_DATA;
    }
    /* Its lock came with it (the parent took it for us). */
    placed = rec_name(pid, d.start, 0, path, sizeof path) == 0 &&
             wipc_plat_same_file(fd, path);
    return rec_new(fd, placed ? path : NULL, out);
}

DWORD wipc_exitrec_share(struct wipc_exitrec *rec, int *fd)
{
    int nfd;
    DWORD err = wipc_plat_reopen(rec->fd, REC_OPEN_FLAGS, &nfd);

    if (err)
        return err;
    err = rec_hold(nfd);
    if (err) {
        wipc_plat_close(nfd);
        return err;
    }
    *fd = nfd;
    return 0;
}

/* This process's own record, held on a descriptor of its own. */
static DWORD rec_open_self(int *fd)
{
    struct wipc_exitrec *rec;
    uint64_t start = 0;
    DWORD pid = wipc_plat_getpid();
    DWORD err = wipc_plat_process_start(pid, -1, &start, NULL);

    if (!err)
        err = rec_open(pid, start, wipc_plat_geteuid(), &rec);
    if (err)
        return err;
    *fd = rec->fd;
    free(rec->path);
    free(rec);
    return 0;
}

DWORD wipc_exitrec_share_self(int *fd)
{
    return rec_open_self(fd);
}

void wipc_exitrec_ensure_self(void)
{
    int fd;
    /* Nobody holds it until the receiver does: a sweep may remove it
     * before, which only loses the code if this process ends meanwhile. */
    if (rec_open_self(&fd) == 0)
        wipc_plat_close(fd);
}

int wipc_exitrec_read(struct wipc_exitrec *rec, DWORD *code, int *state)
{
    struct rec_data d;

    rec_load(rec->fd, &d);
    if (d.state == WIPC_EXITREC_NONE)
        return 0;
    *code = d.code;
    *state = (int)d.state;
    return 1;
}

void wipc_exitrec_terminate(struct wipc_exitrec *rec, int pidfd, DWORD code)
{
    rec_store_code(rec->fd, WIPC_EXITREC_TERMINATED, code, pidfd);
}

/* Lets go of the hold, and removes the record if no other is left.  The
 * name is this file's while the mutex is held: only the last holder and a
 * sweep remove a record, each with the mutex.  A process that opened it
 * meanwhile gets its hold after this, finds it removed and makes another. */
static void rec_let_go(struct wipc_exitrec *rec)
{
    if (!rec->path || rec->owner != wipc_plat_getpid())
        return; /* a fork()ed child's copy: the hold is its parent's */
    if (wipc_plat_lock_byte(rec->fd, REC_LOCK_MUTEX, 1) != 0)
        return; /* kept: a sweep removes it once nobody holds it */
    wipc_plat_unlock_byte(rec->fd, REC_LOCK_HOLD);
    if (!wipc_plat_byte_locked(rec->fd, REC_LOCK_HOLD) &&
        wipc_plat_same_file(rec->fd, rec->path))
        wipc_plat_unlink(rec->path);
    wipc_plat_unlock_byte(rec->fd, REC_LOCK_MUTEX);
    free(rec->path);
    rec->path = NULL;
}

void wipc_exitrec_release(struct wipc_exitrec *rec)
{
    if (!rec)
        return;
    rec_let_go(rec);
    wipc_plat_close(rec->fd);
    free(rec->path);
    free(rec->dir);
    free(rec);
}

void wipc_exitrec_drop_at_exit(struct wipc_exitrec *rec)
{
    if (rec)
        rec_let_go(rec);
}

void wipc_exitrec_publish_self(DWORD code)
{
    char path[WIPC_NS_PATH_MAX];
    uint64_t start = 0;
    DWORD pid = wipc_plat_getpid();
    int fd;

    if (wipc_plat_process_start(pid, -1, &start, NULL) != 0 ||
        rec_name(pid, start, 0, path, sizeof path) != 0 ||
        wipc_plat_open(path, REC_OPEN_FLAGS, 0, &fd) != 0)
        return; /* nobody watches */
    if (rec_trusted(fd))
        rec_store_code(fd, WIPC_EXITREC_EXITED, code, -1);
    wipc_plat_close(fd);
}

/* ---- A child's record --------------------------------------------------- */

DWORD wipc_exitrec_child_prepare(struct wipc_exitrec **out, int *fd_out,
                                 const char **dir_out)
{
    char dir[WIPC_NS_PATH_MAX], path[WIPC_NS_PATH_MAX];
    struct wipc_exitrec *rec;
    DWORD err;

    *out = NULL;
    /* Under a temporary name, which the child replaces by its own.  (A
     * file made without a name, O_TMPFILE, costs several times more on
     * ext4.) */
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd;
        err = rec_dir(1, dir, sizeof dir);
        if (err)
            return err;
        if (snprintf(path, sizeof path, "%s/new-%016llx", dir,
                     (unsigned long long)wipc_plat_random64()) >=
            (int)sizeof path)
            return ERROR_FILENAME_EXCED_RANGE;
        err =
            wipc_plat_open(path, REC_OPEN_FLAGS | O_CREAT | O_EXCL, 0600, &fd);
        if (err == ERROR_PATH_NOT_FOUND || err == ERROR_FILE_NOT_FOUND)
            atomic_store(&rec_dir_made, 0);
        if (err == ERROR_FILE_EXISTS || err == ERROR_PATH_NOT_FOUND ||
            err == ERROR_FILE_NOT_FOUND)
            continue;
        if (err)
            return err;
        wipc_plat_fchmod(fd, 0600); /* past the umask */
        err = rec_hold(fd);
        if (err) {
            wipc_plat_close(fd);
            return err;
        }
        if (!wipc_plat_same_file(fd, path)) {
            wipc_plat_close(fd); /* swept before it was held */
            continue;
        }
        err = rec_new(fd, path, &rec);
        if (err)
            return err;
        rec->dir = strdup(dir);
        if (!rec->dir) {
            wipc_exitrec_release(rec);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        rec_sweep_now_and_then();
        *out = rec;
        *fd_out = rec->fd;
        *dir_out = rec->dir;
        return 0;
    }
    return ERROR_FILE_EXISTS;
}

DWORD wipc_exitrec_child_placed(struct wipc_exitrec *rec, DWORD pid, int pidfd)
{
    char path[WIPC_NS_PATH_MAX];
    uint64_t start = 0;
    DWORD err = wipc_plat_process_start(pid, pidfd, &start, NULL);
    char *final = NULL;

    if (!err)
        err = rec_name(pid, start, 0, path, sizeof path);
    if (!err) {
        /* A child started suspended may not have got so far: named here. */
        if (!wipc_plat_same_file(rec->fd, path))
            wipc_plat_link_fd(rec->fd, path);
        if (wipc_plat_same_file(rec->fd, path)) {
            rec_store_header(rec->fd, pid, start);
            final = strdup(path);
        }
        err = final ? 0 : ERROR_FILE_NOT_FOUND;
    }
    /* The temporary name goes in any case (nobody else removes a file
     * this process holds). */
    if (wipc_plat_same_file(rec->fd, rec->path))
        wipc_plat_unlink(rec->path);
    free(rec->path);
    rec->path = final;
    free(rec->dir);
    rec->dir = NULL;
    if (err)
        wipc_exitrec_release(rec);
    return err;
}
