/*
 * exit_record.c: exit records (see exit_record.h).
 *
 * Records are files directly in the namespace root, a directory that other
 * users may write as well (core/namespace.h): any user may put anything at
 * any name there, a record forged for someone else's process included.  So
 * every name is looked up relative to the root's verified descriptor
 * (wipc_ns_dir), never through a symbolic link and never blocking on a
 * FIFO (wipc_plat_openat), and a file opened by name is checked before one
 * byte of it is read or written (rec_check): a regular file with one link,
 * that only its owner may write, owned by a user who may vouch for the
 * process (rec_check says who).  What a record holds is untrusted input:
 * 24 bytes are read, whatever the file's size.
 */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/namespace.h"
#include "../platform/platform.h"
#include "exit_record.h"

#define REC_PREFIX WIPC_NS_EXIT "."
#define REC_MAGIC 0x31525857u /* "WXR1" */
#define REC_NAME_MAX 64

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

/* How often a record found with two links is looked at again, 1 ms apart:
 * it has them for a moment while it is given its name where the file
 * system cannot rename without replacing (platform/posix_exitrec.c). */
#define REC_TWO_LINKS_TRIES 20

struct wipc_exitrec {
    int fd;      /* holds a shared lock on REC_LOCK_HOLD */
    DWORD owner; /* the process whose lock it is (not a fork()ed copy) */
    int bounded; /* another user's file: lock waits are bounded */
    char *name;  /* its name in the root; NULL: not there (removed) */
    /* A child's record until the child is known: its temporary name as
     * the child sees it (wipc_exitrec_child_prepare). */
    char *spawn_path;
};

struct rec_data {
    uint32_t magic, state, code, pid;
    uint64_t start;
};

/* ---- The root, names and contents --------------------------------------- */

/* The root's descriptor; with create, only where this process may make
 * files: not in another user's root (docs/security.md). */
static DWORD rec_root(int create, int *dirfd)
{
    struct wipc_plat_stat st;
    DWORD me = wipc_plat_geteuid();
    DWORD err = wipc_ns_dir(dirfd);

    if (err || !create)
        return err;
    if (wipc_plat_fstat(*dirfd, &st) != 0 || (st.uid != 0 && st.uid != me))
        return ERROR_ACCESS_DENIED;
    return 0;
}

/* 1 if the namespace root exists (without making it, as wipc_ns_dir
 * would: a process that exits makes nothing). */
static int rec_root_exists(void)
{
    int fd, made;
    if (wipc_plat_dir_open(wipc_ns_root_path(), 0, 0, &fd, &made) != 0)
        return 0;
    wipc_plat_close(fd);
    return 1;
}

/* "exit.PID-START" */
static DWORD rec_name(DWORD pid, uint64_t start, char *buf, size_t len)
{
    int w = snprintf(buf, len, REC_PREFIX "%u-%llu", (unsigned)pid,
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

/* A lock on byte off of the record; waited for at most
 * WIPC_NS_LOCK_BOUND_MS in another user's file (its user may hold it). */
static DWORD rec_lock(int fd, uint64_t off, int shared, int bounded)
{
    return wipc_plat_lock_byte_bounded(fd, off, shared,
                                       bounded ? WIPC_NS_LOCK_BOUND_MS : -1);
}

/* Writes state and code unless a code is there already (and, with
 * pidfd >= 0, only while that process runs). */
static void rec_store_code(int fd, int bounded, uint32_t state, DWORD code,
                           int pidfd)
{
    struct rec_data d;
    int ended = 0;

    if (rec_lock(fd, REC_LOCK_WRITE, 0, bounded) != 0)
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

/*
 * Whether the record open at fd may be believed about a process whose
 * user is *uid (NULL: not known).  The file must be a regular file that
 * nobody but its owner may write, and its owner one who may vouch for the
 * process: the caller's own user, root, or the process's user (who could
 * make the process end with any code anyway).  Nobody else: a record that
 * another user made is ignored, by root too, so a forged record can hide
 * the code, never change it.  by_name: the file was opened by its name in
 * the shared root, where it may be a hard link to a file elsewhere, so it
 * must have one link (ERROR_BUSY for two: a record being given its name,
 * worth another look).  0 (*owner: the file's owner; *bounded: that is
 * another user), or ERROR_ACCESS_DENIED.
 */
static DWORD rec_check(int fd, const DWORD *uid, int by_name, DWORD *owner,
                       int *bounded)
{
    struct wipc_plat_stat st;
    DWORD me = wipc_plat_geteuid();

    if (wipc_plat_fstat(fd, &st) != 0 || st.type != WIPC_PLAT_FILE ||
        (st.mode & 022) ||
        (st.uid != me && st.uid != 0 && (!uid || st.uid != *uid)))
        return ERROR_ACCESS_DENIED;
    if (by_name && st.nlink != 1)
        return st.nlink == 2 ? ERROR_BUSY : ERROR_ACCESS_DENIED;
    *owner = st.uid;
    *bounded = st.uid != me;
    return 0;
}

static DWORD rec_new(int fd, const char *name, int bounded,
                     struct wipc_exitrec **out)
{
    struct wipc_exitrec *rec = calloc(1, sizeof *rec);

    if (!rec || (name && !(rec->name = strdup(name)))) {
        free(rec);
        wipc_plat_close(fd);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    rec->fd = fd;
    rec->owner = wipc_plat_getpid();
    rec->bounded = bounded;
    *out = rec;
    return 0;
}

/* Takes a hold on the record open at fd.  Taking and letting go of holds
 * are serialised by the record's mutex, so that of two holders letting go
 * at once, the second sees that the first has gone. */
static DWORD rec_hold(int fd, int bounded)
{
    DWORD err = rec_lock(fd, REC_LOCK_MUTEX, 0, bounded);
    if (err)
        return err;
    err = rec_lock(fd, REC_LOCK_HOLD, 1, bounded);
    wipc_plat_unlock_byte(fd, REC_LOCK_MUTEX);
    return err;
}

/* ---- Sweeping ----------------------------------------------------------- */

/*
 * Removes every record that nobody holds: their holders died (or exited
 * while another thread held the lock this process's exit needed).  Only
 * "exit.*" names, only regular files with one link that no one but their
 * owner may write, and only the caller's own; root sweeps every user's
 * (the records root makes for another user's process belong to that user,
 * and an unheld record, forged ones included, is of no use to anybody).
 * Nothing in them is read or written, and nothing outside the root can be
 * reached: removal is unlinkat in the verified root, which removes a name,
 * never what a link points at.
 */
static void rec_sweep(void)
{
    DWORD me = wipc_plat_geteuid();
    char **names = NULL;
    size_t n = 0;
    int dirfd;

    if (rec_root(0, &dirfd) != 0 ||
        wipc_plat_list_dirfd(dirfd, REC_PREFIX, &names, &n) != 0)
        return;
    for (size_t i = 0; i < n; i++) {
        struct wipc_plat_stat st, now;
        int fd;
        if (wipc_plat_statat(dirfd, names[i], &st) != 0 ||
            st.type != WIPC_PLAT_FILE || st.nlink != 1 || (st.mode & 022) ||
            (st.uid != me && me != 0) ||
            wipc_plat_openat(dirfd, names[i], O_RDWR, 0, &fd) != 0)
            continue; /* another user's: theirs to sweep */
        if (wipc_plat_fstat(fd, &now) == 0 && now.dev == st.dev &&
            now.ino == st.ino &&
            wipc_plat_lock_byte(fd, REC_LOCK_MUTEX, 0) == 0 &&
            wipc_plat_lock_byte(fd, REC_LOCK_HOLD, 0) == 0 &&
            wipc_ns_still_there(fd, names[i]))
            wipc_plat_unlinkat(dirfd, names[i]);
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
 * process's user, who may vouch for a record (rec_check), and who must be
 * able to write one that root creates. */
static DWORD rec_open(DWORD pid, uint64_t start, DWORD uid,
                      struct wipc_exitrec **out)
{
    char name[REC_NAME_MAX];
    DWORD err, last = ERROR_FILE_NOT_FOUND;
    int dirfd, busy = 0;

    err = rec_root(1, &dirfd);
    if (!err)
        err = rec_name(pid, start, name, sizeof name);
    if (err)
        return err;
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd = -1, created = 0, bounded = 0;
        struct rec_data d;
        DWORD owner;

        err =
            wipc_plat_openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL, 0600, &fd);
        created = err == 0;
        if (err == ERROR_FILE_EXISTS)
            err = wipc_plat_openat(dirfd, name, O_RDWR, 0, &fd);
        if (err == ERROR_FILE_NOT_FOUND)
            continue; /* removed between the two opens: again */
        if (err)
            return err; /* a link, a folder, another user's file... */
        if (created) {
            wipc_plat_fchmod(fd, 0600); /* past the umask */
            rec_store_header(fd, pid, start);
            if (wipc_plat_geteuid() == 0 && uid != 0 &&
                wipc_plat_fchown(fd, uid) == 0)
                bounded = 1;
        } else if ((err = rec_check(fd, &uid, 1, &owner, &bounded)) != 0) {
            wipc_plat_close(fd);
            if (err != ERROR_BUSY || ++busy > REC_TWO_LINKS_TRIES)
                return ERROR_ACCESS_DENIED;
            last = ERROR_ACCESS_DENIED;
            wipc_plat_sleep_ms(1);
            continue;
        }
        err = rec_hold(fd, bounded);
        if (err) {
            wipc_plat_close(fd);
            return err;
        }
        if (wipc_ns_still_there(fd, name)) {
            err = rec_new(fd, name, bounded, out);
            if (!err && created)
                rec_sweep_now_and_then();
            return err;
        }
        /* Its last holder removed it meanwhile: what it holds is still the
         * process's code if one was written; else a new record is due. */
        rec_load(fd, &d);
        if (d.state != WIPC_EXITREC_NONE)
            return rec_new(fd, NULL, bounded, out);
        wipc_plat_close(fd);
    }
    return last;
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
    char name[REC_NAME_MAX];
    struct rec_data d;
    uint64_t start = 0;
    DWORD uid = 0, owner = 0, me = wipc_plat_geteuid();
    int known, bounded = 0, dirfd;

    *out = NULL;
    /* Passed by the parent, not found by name: no link to fear, but the
     * same owners only.  The process's user vouches only for a record of
     * the process that has pid now (same start time). */
    known = wipc_plat_process_start(pid, -1, &start, &uid) == 0;
    if (rec_check(fd, known ? &uid : NULL, 0, &owner, &bounded) != 0) {
        wipc_plat_close(fd);
        return ERROR_ACCESS_DENIED;
    }
    rec_load(fd, &d);
    if (d.magic == 0 && d.pid == 0) {
        /* Its creator has not written what it is about yet: held all the
         * same, and left to the other holders to remove. */
        return rec_new(fd, NULL, bounded, out);
    }
    if (d.magic != REC_MAGIC || d.pid != pid ||
        (owner != me && owner != 0 && d.start != start)) {
        wipc_plat_close(fd);
        return ERROR_INVALID_DATA;
    }
    /* Its lock came with it (the parent took it for us). */
    if (rec_root(0, &dirfd) != 0 ||
        rec_name(pid, d.start, name, sizeof name) != 0 ||
        !wipc_ns_still_there(fd, name))
        return rec_new(fd, NULL, bounded, out);
    return rec_new(fd, name, bounded, out);
}

DWORD wipc_exitrec_share(struct wipc_exitrec *rec, int *fd)
{
    struct wipc_plat_stat a, b;
    int nfd;
    /* Through /proc/self/fd, a link to this very file (not a name in the
     * shared root): followed on purpose. */
    DWORD err = wipc_plat_reopen(rec->fd, O_RDWR | O_NONBLOCK, &nfd);

    if (err)
        return err;
    if (wipc_plat_fstat(rec->fd, &a) != 0 || wipc_plat_fstat(nfd, &b) != 0 ||
        a.dev != b.dev || a.ino != b.ino)
        err = ERROR_INVALID_HANDLE;
    if (!err)
        err = rec_hold(nfd, rec->bounded);
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
    free(rec->name);
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
    rec_store_code(rec->fd, rec->bounded, WIPC_EXITREC_TERMINATED, code, pidfd);
}

/* A child's record whose spawn failed: the child may have given it its
 * name before execve failed; rec->name becomes that name. */
static void rec_find_spawned(struct wipc_exitrec *rec)
{
    char **names = NULL;
    size_t n = 0;
    int dirfd;

    free(rec->spawn_path);
    rec->spawn_path = NULL;
    if (wipc_ns_still_there(rec->fd, rec->name) || rec_root(0, &dirfd) != 0 ||
        wipc_plat_list_dirfd(dirfd, REC_PREFIX, &names, &n) != 0)
        return;
    free(rec->name);
    rec->name = NULL;
    for (size_t i = 0; i < n && !rec->name; i++)
        if (wipc_ns_still_there(rec->fd, names[i]))
            rec->name = strdup(names[i]);
    wipc_plat_free_names(names, n);
}

/* Lets go of the hold, and removes the record if no other is left.  The
 * name is this file's while the mutex is held: only the last holder and a
 * sweep remove a record, each with the mutex.  A process that opened it
 * meanwhile gets its hold after this, finds it removed and makes another. */
static void rec_let_go(struct wipc_exitrec *rec)
{
    int dirfd;

    if (rec->owner != wipc_plat_getpid())
        return; /* a fork()ed child's copy: the hold is its parent's */
    if (rec->spawn_path)
        rec_find_spawned(rec);
    if (!rec->name)
        return;
    if (rec_lock(rec->fd, REC_LOCK_MUTEX, 0, rec->bounded) != 0)
        return; /* kept: a sweep removes it once nobody holds it */
    wipc_plat_unlock_byte(rec->fd, REC_LOCK_HOLD);
    if (!wipc_plat_byte_locked(rec->fd, REC_LOCK_HOLD) &&
        rec_root(0, &dirfd) == 0 && wipc_ns_still_there(rec->fd, rec->name))
        wipc_plat_unlinkat(dirfd, rec->name);
    wipc_plat_unlock_byte(rec->fd, REC_LOCK_MUTEX);
    free(rec->name);
    rec->name = NULL;
}

void wipc_exitrec_release(struct wipc_exitrec *rec)
{
    if (!rec)
        return;
    rec_let_go(rec);
    wipc_plat_close(rec->fd);
    free(rec->name);
    free(rec->spawn_path);
    free(rec);
}

void wipc_exitrec_drop_at_exit(struct wipc_exitrec *rec)
{
    if (rec)
        rec_let_go(rec);
}

void wipc_exitrec_publish_self(DWORD code)
{
    char name[REC_NAME_MAX];
    uint64_t start = 0;
    DWORD pid = wipc_plat_getpid(), me = wipc_plat_geteuid();
    int dirfd;

    if (!rec_root_exists() || rec_root(0, &dirfd) != 0 ||
        wipc_plat_process_start(pid, -1, &start, NULL) != 0 ||
        rec_name(pid, start, name, sizeof name) != 0)
        return;
    for (int tries = 0; tries <= REC_TWO_LINKS_TRIES; tries++) {
        int fd, bounded = 0;
        DWORD err, owner;
        if (wipc_plat_openat(dirfd, name, O_RDWR, 0, &fd) != 0)
            return; /* nobody watches (or not a file of ours) */
        err = rec_check(fd, &me, 1, &owner, &bounded);
        if (!err)
            rec_store_code(fd, bounded, WIPC_EXITREC_EXITED, code, -1);
        wipc_plat_close(fd);
        if (err != ERROR_BUSY)
            return;
        wipc_plat_sleep_ms(1);
    }
}

/* ---- A child's record --------------------------------------------------- */

DWORD wipc_exitrec_child_prepare(struct wipc_exitrec **out, int *fd_out,
                                 const char **dir_out)
{
    char name[REC_NAME_MAX], path[WIPC_NS_PATH_MAX];
    struct wipc_exitrec *rec;
    int dirfd;
    DWORD err = rec_root(1, &dirfd);

    *out = NULL;
    if (err)
        return err;
    /* Under a temporary name, which the child replaces by its own.  (A
     * file made without a name, O_TMPFILE, costs several times more on
     * ext4.) */
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd;
        snprintf(name, sizeof name, REC_PREFIX "new-%016llx",
                 (unsigned long long)wipc_plat_random64());
        err =
            wipc_plat_openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL, 0600, &fd);
        if (err == ERROR_FILE_EXISTS)
            continue;
        if (err)
            return err;
        wipc_plat_fchmod(fd, 0600); /* past the umask */
        err = rec_hold(fd, 0);
        if (err) {
            wipc_plat_close(fd);
            return err;
        }
        if (!wipc_ns_still_there(fd, name)) {
            wipc_plat_close(fd); /* swept before it was held */
            continue;
        }
        err = wipc_plat_dirfd_path(dirfd, name, path, sizeof path);
        if (err) {
            wipc_plat_close(fd);
            return err;
        }
        err = rec_new(fd, name, 0, &rec);
        if (err)
            return err;
        rec->spawn_path = strdup(path);
        if (!rec->spawn_path) {
            wipc_exitrec_release(rec);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        rec_sweep_now_and_then();
        *out = rec;
        *fd_out = rec->fd;
        *dir_out = rec->spawn_path;
        return 0;
    }
    return ERROR_FILE_EXISTS;
}

DWORD wipc_exitrec_child_placed(struct wipc_exitrec *rec, DWORD pid, int pidfd)
{
    char name[REC_NAME_MAX];
    uint64_t start = 0;
    int dirfd = -1, placed = 0;
    DWORD err = wipc_plat_process_start(pid, pidfd, &start, NULL);

    if (!err)
        err = rec_root(0, &dirfd);
    if (!err)
        err = rec_name(pid, start, name, sizeof name);
    if (!err) {
        /* A child started suspended may not have got so far: named here
         * (never in place of a file: one there is not ours). */
        placed = wipc_ns_still_there(rec->fd, name);
        if (!placed &&
            wipc_plat_renameat_noreplace(dirfd, rec->name, name) == 0)
            placed = wipc_ns_still_there(rec->fd, name);
        if (placed)
            rec_store_header(rec->fd, pid, start);
        else
            err = ERROR_FILE_NOT_FOUND;
    }
    /* The temporary name goes in any case (nobody else removes a file
     * this process holds). */
    if (dirfd >= 0 && wipc_ns_still_there(rec->fd, rec->name))
        wipc_plat_unlinkat(dirfd, rec->name);
    free(rec->spawn_path);
    rec->spawn_path = NULL;
    free(rec->name);
    rec->name = placed ? strdup(name) : NULL;
    if (placed && !rec->name)
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (err)
        wipc_exitrec_release(rec);
    return err;
}
