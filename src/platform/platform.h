/*
 * platform.h: the contract between winipc's core and the operating system.
 *
 * Everything outside src/platform/ reaches Linux only through the functions
 * declared here.  Each returns a Win32 error code (0 = success): errno is
 * converted once, at the system call, through wipc_plat_error().  Every file
 * descriptor these functions create is close-on-exec.
 */
#ifndef WIPC_PLATFORM_H
#define WIPC_PLATFORM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <windows.h>

/* ---- Errors ------------------------------------------------------------- */

/* The Win32 error code for an errno value (ERROR_GEN_FAILURE if unknown). */
DWORD wipc_plat_error(int err);

/* ---- Locks: thin wrappers so core code names no pthread call ------------ */

typedef pthread_mutex_t wipc_mutex;
#define WIPC_MUTEX_INIT PTHREAD_MUTEX_INITIALIZER
static inline void wipc_mutex_init(wipc_mutex *m) { pthread_mutex_init(m, NULL); }
static inline void wipc_mutex_destroy(wipc_mutex *m) { pthread_mutex_destroy(m); }
static inline void wipc_mutex_lock(wipc_mutex *m) { pthread_mutex_lock(m); }
static inline void wipc_mutex_unlock(wipc_mutex *m) { pthread_mutex_unlock(m); }
/* 1 if the mutex was free and is now held. */
static inline int wipc_mutex_trylock(wipc_mutex *m)
{
    return pthread_mutex_trylock(m) == 0;
}

/* A condition variable; wait_ms: waits for a broadcast at most ms
 * milliseconds (the mutex held on entry and on return). */
typedef pthread_cond_t wipc_cond;
#define WIPC_COND_INIT PTHREAD_COND_INITIALIZER
static inline void wipc_cond_broadcast(wipc_cond *c)
{
    pthread_cond_broadcast(c);
}
void wipc_cond_wait_ms(wipc_cond *c, wipc_mutex *m, unsigned ms);

/* ---- Descriptors -------------------------------------------------------- */

/* Closes fd (ignoring EINTR, which on Linux still closes it); -1 is a no-op. */
void wipc_plat_close(int fd);

/* Marks fd close-on-exec. */
DWORD wipc_plat_set_cloexec(int fd);

/* Duplicates fd to a new close-on-exec descriptor in *out. */
DWORD wipc_plat_dup(int fd, int *out);

/*
 * Reads at most len bytes into buf, retrying on EINTR; *got is the count
 * (0 at end of file).  With offset >= 0, reads at that offset (pread) without
 * moving the file position.
 */
DWORD wipc_plat_read(int fd, void *buf, size_t len, int64_t offset,
                     size_t *got);

/*
 * Writes all len bytes (looping over short writes and EINTR), blocking as the
 * descriptor does; *done is what was written even on failure.  Never raises
 * SIGPIPE: a write to a pipe without readers fails with ERROR_NO_DATA and
 * leaves no SIGPIPE pending that this call caused.  With offset >= 0, writes
 * at that offset (pwrite).
 */
DWORD wipc_plat_write(int fd, const void *buf, size_t len, int64_t offset,
                      size_t *done);

/* Waits (poll) until fd is readable (events POLLIN) or timeout_ms (-1 for
 * ever) passes: *ready is 1 if readable or hung up, 0 on timeout. */
DWORD wipc_plat_wait_readable(int fd, int timeout_ms, int *ready);

/* ---- Files -------------------------------------------------------------- */

enum wipc_fd_kind {
    WIPC_FD_DISK = 1, /* regular file, directory, block device */
    WIPC_FD_CHAR = 2, /* terminal or other character device */
    WIPC_FD_PIPE = 3, /* pipe, FIFO or socket */
};

/* What kind of file fd is, and whether it was opened for reading/writing. */
DWORD wipc_plat_fd_info(int fd, enum wipc_fd_kind *kind, int *readable,
                        int *writable);

/*
 * Opens path (a Linux path) with open(2) flags (O_CLOEXEC is added).
 * ENOENT becomes ERROR_PATH_NOT_FOUND when a directory of the path does not
 * exist, ERROR_FILE_NOT_FOUND otherwise.  A directory opened for writing is
 * ERROR_ACCESS_DENIED.
 */
DWORD wipc_plat_open(const char *path, int flags, unsigned mode, int *out);

/*
 * The process's console: its controlling terminal (/dev/tty), opened with
 * flags (O_RDONLY, O_WRONLY or O_RDWR; never made a controlling terminal,
 * close-on-exec).  ERROR_INVALID_HANDLE when the process has none, as
 * Windows answers for CONIN$ in a process without a console.
 */
DWORD wipc_plat_open_tty(int flags, int *out);

/* 1 if fd is a directory. */
int wipc_plat_is_dir(int fd);

/* Removes a file (not a directory: ERROR_ACCESS_DENIED, as Windows). */
DWORD wipc_plat_unlink(const char *path);

/*
 * Copies the file src to dst with its permission bits and modification
 * time, as CopyFileA copies attributes and the last write time.  dst is
 * replaced unless fail_if_exists (then ERROR_FILE_EXISTS).  Errors: those
 * of opening src or dst (ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND,
 * ERROR_ACCESS_DENIED for a read-only dst or a directory), and
 * ERROR_SHARING_VIOLATION when dst is src itself and may be replaced
 * (Windows holds the source open without write sharing while it copies).
 */
DWORD wipc_plat_copy_file(const char *src, const char *dst, int fail_if_exists);

/* mkdir (mode less the umask): ERROR_ALREADY_EXISTS if path exists,
 * ERROR_PATH_NOT_FOUND if its parent does not. */
DWORD wipc_plat_mkdir(const char *path, unsigned mode);

/* rmdir and chdir: ERROR_DIRECTORY when path names something other than
 * a directory, ERROR_DIR_NOT_EMPTY (rmdir) for a directory with entries. */
DWORD wipc_plat_rmdir(const char *path);
DWORD wipc_plat_chdir(const char *path);

/* lseek; whence is SEEK_SET/CUR/END; the new position in *pos. */
DWORD wipc_plat_seek(int fd, int64_t offset, int whence, int64_t *pos);

/* The size of the file behind fd. */
DWORD wipc_plat_file_size(int fd, int64_t *size);

/* ftruncate to the current position. */
DWORD wipc_plat_truncate_here(int fd);

/* fsync. */
DWORD wipc_plat_fsync(int fd);

/* ---- Pipes -------------------------------------------------------------- */

/*
 * Creates a pipe: fds[0] reads, fds[1] writes, both close-on-exec.  A
 * non-zero size asks for that capacity, below the default too (rounded up
 * by the kernel to a power-of-two number of pages, capped at
 * /proc/sys/fs/pipe-max-size and at what this user's quota allows); 0
 * keeps the default.
 */
DWORD wipc_plat_pipe(int fds[2], DWORD size);

/* Bytes queued in the pipe behind fd (FIONREAD). */
DWORD wipc_plat_pipe_queued(int fd, size_t *queued);

/*
 * Copies up to len queued bytes of the pipe rfd into buf without consuming
 * them (tee(2) into a scratch pipe); *got is the count, 0 if empty.
 */
DWORD wipc_plat_pipe_peek(int rfd, void *buf, size_t len, size_t *got);

/* 1 if the read end of the pipe behind the write end wfd is still open. */
int wipc_plat_pipe_has_reader(int wfd);

/*
 * Sets or clears O_NONBLOCK on fd.  The flag belongs to the open file
 * description: every duplicate of fd, in this process or inherited by a
 * child, sees it too.
 */
DWORD wipc_plat_set_nonblock(int fd, int on);

/* 1 if fd has O_NONBLOCK. */
int wipc_plat_is_nonblock(int fd);

/*
 * Writes what fits now into the pipe (or other descriptor) fd, which has
 * O_NONBLOCK: *done is the count, 0 if it is full (not an error).  A pipe
 * without readers is ERROR_NO_DATA.  Never raises SIGPIPE.  Linux writes of
 * up to PIPE_BUF (4096) bytes are all or nothing.
 */
DWORD wipc_plat_write_nowait(int fd, const void *buf, size_t len,
                             size_t *done);

/* ---- Events (eventfd) --------------------------------------------------- */

/* A non-blocking eventfd, readable (signalled) iff initially_set. */
DWORD wipc_plat_eventfd(int initially_set, int *out);

/* Makes the eventfd readable. */
DWORD wipc_plat_eventfd_set(int fd);

/* Makes the eventfd unreadable; *was_set tells whether it had been set
 * (this is the atomic "consume" of an auto-reset event). */
DWORD wipc_plat_eventfd_reset(int fd, int *was_set);

/* ---- Processes and threads ---------------------------------------------- */

DWORD wipc_plat_getpid(void);
DWORD wipc_plat_gettid(void);

/*
 * Starts a detached thread running fn(arg) with the given stack size
 * (0 = default) and all signals that the caller blocks blocked.
 * ERROR_NOT_ENOUGH_MEMORY when no thread or no such stack can be had.
 */
DWORD wipc_plat_thread_start(void *(*fn)(void *), void *arg,
                             size_t stack_size);

/* ---- Child processes (posix_spawn.c) ------------------------------------ */

struct wipc_spawn_req {
    const char *path;  /* absolute path of the program */
    char *const *argv; /* NULL-terminated */
    char *const *envp; /* NULL-terminated */
    const char *cwd;   /* NULL: the parent's */
    int std_fds[3];    /* the child's 0, 1, 2; -1: the parent's own */
    const int *inherit_fds; /* placed at 3, 4, ... in the child */
    size_t n_inherit;
    int suspended; /* wait for wipc_plat_spawn_go before execve */
    /* CREATE_NEW_PROCESS_GROUP: the child leads a process group of its own
     * (setpgid(0, 0) before execve). */
    int new_pgroup;
    /* Not 0: the child joins that process group instead (a job's, when
     * it leaves an inner job that lets it break away: process/job.h). */
    DWORD join_pgroup;
    /* DETACHED_PROCESS: the child gives up the controlling terminal it
     * would inherit (TIOCNOTTY before execve: it keeps its process group
     * and session), so it has no console (wipc_plat_open_tty). */
    int detach_tty;
    /*
     * The child's nice value (priority classes), set before execve when
     * set_nice.  A value below the parent's needs privilege (CAP_SYS_NICE,
     * or RLIMIT_NICE): without it the child gets the lowest value it may
     * have that is still below the parent's (as Windows gives HIGH for
     * REALTIME to a process without the privilege), or the parent's own.
     * set_nice 2: only raise the value to nice if it is below (a child
     * without a priority class of a parent above NORMAL gets NORMAL).
     */
    int set_nice;
    int nice;
    /* A suspended child answers every connection to its handle service's
     * name ("winipc-svc-PID") with this packet until it is resumed, so
     * that other processes learn at once that it cannot serve them yet. */
    const void *busy_reply;
    size_t busy_reply_len;
    /* The parent's exit record for the child (process/exit_record.h), if
     * exit_rec_dir is not NULL: the path of its temporary name,
     * "DIR/exit.new-...", which the child renames first thing to
     * "DIR/exit.PID-START", its own name (never replacing a file:
     * posix_exitrec.c), so the record is in place before any code of the
     * program runs (the parent removes it if execve fails).  exit_rec_fd:
     * the record, open in the parent. */
    int exit_rec_fd;
    const char *exit_rec_dir;
    /* Not NULL: WIPC_PLAT_PID_SLOT characters of a string in envp, which
     * the child overwrites with its own pid (decimal, zero-padded) before
     * execve, so that its environment names the process it was made for
     * (process/parent.h).  own_entry, if not NULL: where the same value
     * (WIPC_PLAT_PARENT_VALUE characters from pid_slot on) is in the
     * environment this process started with; the child copies it there
     * too, so that until its execve (a suspended child waits before it)
     * the environment the system shows for it is its own. */
    char *pid_slot;
    char *own_entry;
};

#define WIPC_PLAT_PID_SLOT 10
#define WIPC_PLAT_PARENT_VALUE (2 * WIPC_PLAT_PID_SLOT + 1)

/*
 * Starts a child process as req says.  On success *pidfd is a close-on-exec
 * pidfd for it and *pid its id.  An execve failure is reported here:
 * ERROR_FILE_NOT_FOUND, ERROR_ACCESS_DENIED, ERROR_BAD_EXE_FORMAT; a
 * working directory that does not exist is ERROR_DIRECTORY.  The child gets
 * no descriptor but those named in req.  With req->suspended the child
 * waits before execve, and *chan is the parent's end of its channel (see
 * below; -1 otherwise); its execve errors are then checked beforehand (the
 * program must be an executable regular file) instead of reported.
 */
DWORD wipc_plat_spawn(const struct wipc_spawn_req *req, int *pidfd,
                      DWORD *pid, int *chan);

/*
 * The channel of a suspended child (a close-on-exec packet socket).  The
 * child does what these ask, in order, until wipc_plat_spawn_go; a channel
 * that is closed before leaves it waiting until it is killed.  Descriptor
 * numbers are the child's.  A child that has ended is ERROR_BROKEN_PIPE.
 *
 *   get    the child sends back its descriptor child_fd: *out (close-on-
 *          exec); ERROR_INVALID_HANDLE if it has no such descriptor.
 *   close  the child closes its descriptors fds[0..n-1].
 *   place  the descriptors fds[0..n-1] (the caller keeps its own) go to the
 *          child at targets[0..n-1], without close-on-exec.  end is above
 *          every target of every place call: the child keeps its own
 *          descriptors at or above it.  n <= WIPC_PLAT_PLACE_MAX.
 *   go     the child stops answering on the handle service's name and
 *          goes on to execve.  With entry ("NAME=VALUE"), its environment
 *          loses every NAME= variable and gets entry instead, or nothing
 *          if remove.  Returns once the child has stopped answering (or
 *          has ended; or after 5 s if it is stopped by a signal).  The
 *          caller then closes chan.
 */
#define WIPC_PLAT_PLACE_MAX 32
DWORD wipc_plat_spawn_get(int chan, int child_fd, int *out);
DWORD wipc_plat_spawn_close(int chan, const int *fds, size_t n);
DWORD wipc_plat_spawn_place(int chan, int end, const int *targets,
                            const int *fds, size_t n);
DWORD wipc_plat_spawn_go(int chan, const char *entry, int remove);

/* A pidfd for pid: ERROR_INVALID_PARAMETER if there is no such process. */
DWORD wipc_plat_pidfd_open(DWORD pid, int *out);

/* SIGKILL through a pidfd: ERROR_ACCESS_DENIED if it has already exited. */
DWORD wipc_plat_pidfd_kill(int pidfd);

/*
 * Reaps a child through its pidfd (waiting if block): *exited is 1 once it
 * has ended, with *code its exit status (128 + signal if a signal killed
 * it).  ERROR_INVALID_HANDLE if it is not our child (or was reaped by
 * someone else).
 */
DWORD wipc_plat_pidfd_reap(int pidfd, int block, int *exited, DWORD *code);

/* 1 if process pid is a child of this process. */
int wipc_plat_is_parent_of(DWORD pid);

/* The path of this program (/proc/self/exe). */
DWORD wipc_plat_exe_path(char *buf, size_t len);

/* 0 if path names an existing regular file; ERROR_ACCESS_DENIED for a
 * directory; ERROR_FILE_NOT_FOUND, or ERROR_PATH_NOT_FOUND when its
 * directory does not exist either. */
DWORD wipc_plat_find_file(const char *path);

/* The current directory. */
DWORD wipc_plat_getcwd(char *buf, size_t len);

/* Removes the variable name from the C library's environment and returns
 * its value (malloc'ed), or NULL if it was not set.  For start-up only: the
 * C library's environment is not thread-safe. */
char *wipc_plat_take_env(const char *name);

/* The value of variable name where it is in memory (the environment this
 * process started with, before anything changes it), or NULL. */
char *wipc_plat_env_in_place(const char *name);

/* exit() with code (atexit handlers run); _exit() with code. */
void wipc_plat_exit_process(DWORD code) __attribute__((noreturn));
void wipc_plat_terminate_self(DWORD code) __attribute__((noreturn));

/* ---- Sockets and registry files (posix_socket.c) ------------------------- */

/* A random 64-bit value (getrandom), for unguessable socket names. */
uint64_t wipc_plat_random64(void);

/*
 * A listening AF_UNIX socket of the given type (SOCK_STREAM or
 * SOCK_SEQPACKET) in the abstract namespace, named "winipc-" + hex(id).
 * Abstract names vanish with the socket, so a crashed server leaves
 * nothing behind.
 */
DWORD wipc_plat_listen_abstract(uint64_t id, int type, int *out);

/* 1 if the peer of connected socket fd has closed its end (or died),
 * whatever is still queued to read. */
int wipc_plat_peer_closed(int fd);

/* 1 if the connection of socket fd is shut both ways (the peer closed or
 * died, or shut it both ways); not for a half-close (shutdown(2) of one
 * direction by either side), after which the peer may still read. */
int wipc_plat_peer_hung_up(int fd);

/* connect() to such a socket: ERROR_PIPE_BUSY if nobody listens there (the
 * owner died or closed it), ERROR_PIPE_BUSY too if its backlog is full. */
DWORD wipc_plat_connect_abstract(uint64_t id, int type, int *out);

/* accept() on a socket of wipc_plat_listen_abstract, which never blocks:
 * ERROR_NO_DATA if no connection waits.  look_first: poll() first, the
 * cheaper way to find nobody (for a caller that has not just seen the
 * socket readable). */
DWORD wipc_plat_accept(int lfd, int look_first, int *out);

/* Named pipe claims (see posix_socket.c): a stream socket bound to the
 * claim name of (id, claim); ERROR_PIPE_BUSY if another holds it. */
DWORD wipc_plat_claim_bind(uint64_t id, uint64_t claim, int *fd);

/* Connects the claim's socket fd to the listening socket id, and tells its
 * peer's pid and uid.  ERROR_PIPE_BUSY: the backlog stayed full for
 * wait_ms; ERROR_FILE_NOT_FOUND: nobody listens.  fd stays the caller's. */
DWORD wipc_plat_claim_connect(int fd, uint64_t id, int wait_ms, DWORD *pid,
                              DWORD *uid);

/* 1 if a client holds the claim (id, claim) now. */
int wipc_plat_claim_taken(uint64_t id, uint64_t claim);

/* wipc_plat_accept that also tells whether the peer is the client holding
 * the claim (id, claim). */
DWORD wipc_plat_accept_claim(int lfd, int look_first, uint64_t id,
                             uint64_t claim, int *out, int *claimed);

/* The peer's pid and uid (SO_PEERCRED). */
DWORD wipc_plat_peer_cred(int fd, DWORD *pid, DWORD *uid);

/* This process's effective uid. */
DWORD wipc_plat_geteuid(void);

/*
 * The login name of user uid (getpwuid_r), or its number in decimal when
 * the user database has no entry, into buf (NUL-terminated).
 * ERROR_INSUFFICIENT_BUFFER if it does not fit in cap bytes.
 */
DWORD wipc_plat_user_name(DWORD uid, char *buf, size_t cap);

/*
 * sendmsg of the two pieces a then b (either may be empty), all of them,
 * blocking (or not, with nonblock: then ERROR_BUSY if nothing could be
 * sent); never SIGPIPE: a closed peer is ERROR_NO_DATA.  *done counts the
 * bytes of both pieces sent.
 */
DWORD wipc_plat_send2(int fd, const void *a, size_t alen, const void *b,
                      size_t blen, int nonblock, size_t *done);

/* The most descriptors wipc_plat_send2_fds sends with a write. */
#define WIPC_PLAT_STREAM_FDS_MAX 4

/*
 * wipc_plat_send2, with nfds descriptors (SCM_RIGHTS) sent with the first
 * bytes: the peer's read that takes those bytes gets them
 * (wipc_plat_recv2_fds).  ERROR_INVALID_PARAMETER for more than
 * WIPC_PLAT_STREAM_FDS_MAX.
 */
DWORD wipc_plat_send2_fds(int fd, const void *a, size_t alen, const void *b,
                          size_t blen, int nonblock, const int *fds,
                          size_t nfds, size_t *done);

/*
 * One recvmsg into a then b: *got bytes (0 at end of stream).  nonblock:
 * ERROR_NO_DATA when nothing is queued.  peek: MSG_PEEK.  A reset
 * connection reads as end of stream.  Descriptors that came with the bytes
 * are closed.
 */
DWORD wipc_plat_recv2(int fd, void *a, size_t alen, void *b, size_t blen,
                      int nonblock, int peek, size_t *got);

/*
 * wipc_plat_recv2, and the descriptors that came with the bytes read: the
 * first max of them in fds[] (close-on-exec; *nfds is their count), the
 * others closed.  The kernel ends a read after the bytes that brought
 * descriptors.  A peek gets copies of them.
 */
DWORD wipc_plat_recv2_fds(int fd, void *a, size_t alen, void *b, size_t blen,
                          int nonblock, int peek, size_t *got, int *fds,
                          size_t max, size_t *nfds);

/*
 * Copies up to len bytes queued on the stream socket fd into buf without
 * taking them, also past bytes that brought descriptors (where one peek
 * ends: SO_PEEK_OFF for the rest).  *got is the count, 0 if nothing is
 * queued.  Copies of the descriptors that came with the first bytes: the
 * first max in fds (*nfds), the others closed.
 */
DWORD wipc_plat_peek_all(int fd, void *buf, size_t len, size_t *got,
                         int *fds, size_t max, size_t *nfds);

/*
 * Datagram sockets for mailslots (see also the doorbells of posix_spool.c).
 * connect: a socket connected to the one bound at id (ERROR_FILE_NOT_FOUND
 * if nobody is bound there: the receiver is gone).
 */
DWORD wipc_plat_dgram_connect(uint64_t id, int *out);

/* Sends one datagram, blocking while the receiver's queue is full.
 * ERROR_FILE_NOT_FOUND if the receiver is gone, ERROR_INVALID_PARAMETER if
 * the datagram is larger than a socket can carry. */
DWORD wipc_plat_dgram_send(int fd, const void *buf, size_t len);

/* The largest datagram a mailslot message can be. */
size_t wipc_plat_dgram_max(void);

/* Bytes sent on fd that the peer has not read yet (SIOCOUTQ). */
DWORD wipc_plat_socket_unread_out(int fd, size_t *n);

/* 1 if the peer of connected AF_UNIX stream socket fd closed its end with
 * bytes of ours unread (Linux then sets ECONNRESET on fd; a peer that read
 * everything before it closed does not).  Reading the error clears it:
 * later reads on fd see the end of the stream. */
int wipc_plat_socket_reset(int fd);

/* Bytes queued to be read on fd (SIOCINQ). */
DWORD wipc_plat_socket_queued_in(int fd, size_t *n);

/* shutdown(SHUT_RDWR). */
void wipc_plat_shutdown(int fd);


/* ---- The shared namespace directory (posix_nsdir.c) ----------------------
 * Calls relative to a directory descriptor that never follow a symbolic
 * link nor block on a FIFO; core/namespace.c decides what to trust. */

enum { WIPC_PLAT_FILE, WIPC_PLAT_DIR, WIPC_PLAT_OTHER };

/* What trust decisions need to know of a file. */
struct wipc_plat_stat {
    uint64_t dev, ino, size;
    DWORD uid;
    unsigned mode;  /* permission bits, with sticky, setuid, setgid */
    unsigned nlink; /* hard links */
    int type;       /* WIPC_PLAT_FILE, _DIR or _OTHER */
};

DWORD wipc_plat_fstat(int fd, struct wipc_plat_stat *st);

/* Opens the directory at path without following a link in its last
 * component (ERROR_ACCESS_DENIED for a link or a non-directory); with
 * create, makes it first if absent, with mode set through the descriptor
 * (*made = 1). */
DWORD wipc_plat_dir_open(const char *path, int create, unsigned mode,
                         int *fd, int *made);

/* openat(dirfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC).
 * ERROR_FILE_NOT_FOUND, ERROR_FILE_EXISTS (O_EXCL), ERROR_ACCESS_DENIED
 * (a link, a folder, a FIFO, a socket, or no permission). */
DWORD wipc_plat_openat(int dirfd, const char *name, int flags, unsigned mode,
                       int *fd);

/* fstatat without following a link. */
DWORD wipc_plat_statat(int dirfd, const char *name, struct wipc_plat_stat *st);
DWORD wipc_plat_unlinkat(int dirfd, const char *name);

/* The names in the directory that start with prefix (and are longer). */
DWORD wipc_plat_list_dirfd(int dirfd, const char *prefix, char ***names,
                           size_t *n);

/* An exclusive (shared: a shared) OFD lock on byte off, waiting at most
 * timeout_ms (-1: as long as it takes).  ERROR_LOCK_VIOLATION when the time
 * is up. */
DWORD wipc_plat_lock_byte_bounded(int fd, uint64_t off, int shared,
                                  int timeout_ms);

/* Maps len bytes of fd for reading only (MAP_SHARED). */
DWORD wipc_plat_map_read(int fd, size_t len, const void **out);

/*
 * The entries of directory path but "." and "..", sorted by byte value, as
 * a malloc'ed array of *n malloc'ed names (NULL when empty); free it with
 * wipc_plat_free_names.  A directory that does not exist is empty.  On
 * failure (ERROR_ACCESS_DENIED, ERROR_NOT_ENOUGH_MEMORY...) nothing is
 * returned.  (posix_dir.c)
 */
DWORD wipc_plat_list_dir(const char *path, char ***names, size_t *n);
void wipc_plat_free_names(char **names, size_t n);

/* Byte-range lock (open file description lock) on one byte: exclusive,
 * waiting (wait) or not; ERROR_LOCK_VIOLATION if taken and not waiting. */
DWORD wipc_plat_lock_byte(int fd, uint64_t off, int wait);
void wipc_plat_unlock_byte(int fd, uint64_t off);

/* 1 if some other open file description holds a lock on that byte. */
int wipc_plat_byte_locked(int fd, uint64_t off);

/* pread/pwrite of exactly len bytes (short: ERROR_HANDLE_EOF). */
DWORD wipc_plat_pread_all(int fd, void *buf, size_t len, uint64_t off);
DWORD wipc_plat_pwrite_all(int fd, const void *buf, size_t len, uint64_t off);


/* A copy of the C library's environment variable name (NULL if unset). */
char *wipc_plat_getenv_copy(const char *name);

/* ---- The trace switch (posix_trace.c) ----------------------------------- */

/* Opens path for appending trace lines (created 0600 if absent), never
 * through a link at its last component, never waiting for a FIFO's
 * reader: ERROR_ACCESS_DENIED unless it is a regular file or FIFO of this
 * user or a character device; the open's own errors as Win32 codes. */
DWORD wipc_plat_trace_open(const char *path, int *out);

/* Writes one whole line with one write(2) (errno left as it was). */
void wipc_plat_trace_write(int fd, const char *line, size_t len);

/* Sets the permission bits of an open file. */
DWORD wipc_plat_fchmod(int fd, unsigned mode);



/* ---- The handle service (posix_service.c) -------------------------------- */

/* A listening SOCK_SEQPACKET socket named "winipc-svc-" + pid in the
 * abstract namespace; if another process holds that name, under another
 * name drawn at random, which wipc_plat_svc_connect_other finds. */
DWORD wipc_plat_svc_listen(DWORD pid, int *out);

/* Connects to the service of pid under its own name, waiting up to wait_ms
 * while its backlog is full (then ERROR_PIPE_BUSY).  ERROR_FILE_NOT_FOUND
 * if nobody listens there.  Check who answered with wipc_plat_peer_cred:
 * anybody may bind a free name. */
DWORD wipc_plat_svc_connect(DWORD pid, int wait_ms, int *out);

/* Connects to the service of pid under another name (its own was taken
 * when it started): the socket listening under such a name whose listener
 * is process pid (SO_PEERCRED), the skip + 1st of them.  Busy ones are not
 * waited for.  ERROR_FILE_NOT_FOUND if there is none (more); ERROR_PIPE_BUSY
 * if there is none but one had a full backlog. */
DWORD wipc_plat_svc_connect_other(DWORD pid, unsigned skip, int *out);

/* 1 if uid is one of the real, effective, saved and file system user ids
 * of process pid; 0 if not; -1 if that cannot be read. */
int wipc_plat_process_has_uid(DWORD pid, DWORD uid);

/* 1 if process pid's name (/proc/PID/comm, what prctl(PR_SET_NAME) set)
 * is comm; 0 if not or if it cannot be read. */
/* The kernel's name of process pid (/proc/PID/comm, at most 15 bytes, no
 * newline) into buf: its length, or -1 (buf then unspecified). */
int wipc_plat_process_comm(DWORD pid, char *buf, size_t cap);
int wipc_plat_process_comm_is(DWORD pid, const char *comm);

/* accept() on the service's socket, blocking. */
DWORD wipc_plat_svc_accept(int lfd, int *out);

/*
 * Sends one packet of len bytes, with pass_fd (if >= 0) attached by
 * SCM_RIGHTS (the caller keeps its own).  Waits at most timeout_ms (-1: for
 * ever) for room: ERROR_SEM_TIMEOUT.  A closed peer is ERROR_BROKEN_PIPE;
 * never SIGPIPE.
 */
DWORD wipc_plat_svc_send(int fd, const void *buf, size_t len, int pass_fd,
                         int timeout_ms);

/*
 * Receives one packet into buf (*len bytes), waiting at most timeout_ms
 * (-1: for ever): ERROR_SEM_TIMEOUT.  A descriptor that came with it goes
 * to *fd_out (close-on-exec; -1 if none); with fd_out NULL, or when more
 * came, the others are closed.  End of stream is ERROR_BROKEN_PIPE; a
 * packet larger than cap is ERROR_INVALID_DATA (its descriptor closed).
 */
DWORD wipc_plat_svc_recv(int fd, void *buf, size_t cap, size_t *len,
                         int *fd_out, int timeout_ms);

/* The same with up to WIPC_PLAT_SVC_FDS_MAX descriptors: send passes nfds
 * of fds; recv keeps up to max in fds_out (*nfds of them, the rest -1;
 * more are closed). */
#define WIPC_PLAT_SVC_FDS_MAX 6
DWORD wipc_plat_svc_send_fds(int fd, const void *buf, size_t len,
                             const int *fds, size_t nfds, int timeout_ms);
DWORD wipc_plat_svc_recv_fds(int fd, void *buf, size_t cap, size_t *len,
                             int *fds_out, size_t max, size_t *nfds,
                             int timeout_ms);

/* wipc_plat_thread_start with every signal blocked in the new thread. */
DWORD wipc_plat_thread_start_quiet(void *(*fn)(void *), void *arg,
                                   size_t stack_size);

/* Has fn run in the child after every fork() (pthread_atfork): it must
 * use async-signal-safe calls only. */
DWORD wipc_plat_atfork_child(void (*fn)(void));

/* How long ago process pid started (from /proc/PID/stat).
 * ERROR_INVALID_PARAMETER if there is no such process. */
DWORD wipc_plat_process_age_ms(DWORD pid, uint64_t *age_ms);

/* ---- Exit records (posix_exit.c) ----------------------------------------- */

/*
 * The identity of process pid that no recycled pid shares: its start time
 * (field 22 of /proc/PID/stat, clock ticks after boot), and its user in
 * *uid (may be NULL).  With pidfd >= 0 the answer is checked against it:
 * ERROR_INVALID_PARAMETER unless the process behind pidfd still holds pid
 * (it runs, or has ended and is not reaped yet), as for a pid with no
 * process.
 */
DWORD wipc_plat_process_start(DWORD pid, int pidfd, uint64_t *start,
                              DWORD *uid);

/* A shared open file description lock on one byte, waiting for it; it
 * conflicts only with wipc_plat_lock_byte's exclusive locks. */
DWORD wipc_plat_lock_byte_shared(int fd, uint64_t off);

/* A new open file description (close-on-exec) of the file behind fd, even
 * if it has been removed, with open(2) flags. */
DWORD wipc_plat_reopen(int fd, int flags, int *out);

/* Gives the file open at fd another name, to (a hard link):
 * ERROR_FILE_EXISTS if to exists. */
DWORD wipc_plat_link_fd(int fd, const char *to);

/* Gives an open file to user uid (root only). */
DWORD wipc_plat_fchown(int fd, DWORD uid);

/*
 * The exit status of process pid (pidfd: a pidfd for it), which need not be
 * our child: the 8-bit status, or 128 + the signal that killed it.  A
 * process that has ended is a zombie until its parent reaps it; Linux
 * keeps its status for pidfd holders only from the reap on (Linux 6.15 and
 * later).  So: once reaped, that status; before, the zombie's own status
 * (/proc/PID/stat), which the kernel shows to whoever may trace the
 * process (its user, root); otherwise the reap is waited for, up to
 * wait_ms.  ERROR_NOT_READY while it runs or if it is still not known;
 * ERROR_NOT_SUPPORTED if it never will be (an older kernel, reaped).
 */
DWORD wipc_plat_pidfd_exit_status(DWORD pid, int pidfd, int wait_ms,
                                  DWORD *code);

/* The signal that ended process pid (pidfd: a pidfd for it), or 0 when it
 * exited, from the same sources as wipc_plat_pidfd_exit_status without
 * waiting: ERROR_NOT_READY or ERROR_NOT_SUPPORTED when not known. */
DWORD wipc_plat_pidfd_end_signal(DWORD pid, int pidfd, int *sig);

/* The signals whose death is what an exception's is on Windows (an access
 * violation, an illegal instruction, a division by zero, a breakpoint,
 * Ctrl+C's STATUS_CONTROL_C_EXIT): 1 for sig. */
int wipc_plat_signal_is_fault(int sig);

/*
 * Has fn run when the process calls exit() or returns from main, with the
 * full int given (all 32 bits, which the exit status keeps only 8 of).
 * Handlers run in the reverse order of their registration.  Not for
 * _exit() or signals.  ERROR_NOT_SUPPORTED without the C library's
 * on_exit.
 */
DWORD wipc_plat_on_exit(void (*fn)(DWORD code));

/* ---- Time and waiting --------------------------------------------------- */

/* Monotonic milliseconds. */
uint64_t wipc_plat_now_ms(void);

/* Monotonic nanoseconds, the same clock for every process. */
uint64_t wipc_plat_now_ns(void);

/* Sleeps ms milliseconds (INFINITE: for ever), resuming after signals. */
void wipc_plat_sleep_ms(DWORD ms);

/* Sleeps us microseconds (less than a second), resuming after signals. */
void wipc_plat_sleep_us(DWORD us);

/* 1 if process pid exists (of any user), 0 if it does not. */
int wipc_plat_pid_alive(DWORD pid);

/* Lets another runnable thread or process of this CPU run first. */
void wipc_plat_yield(void);

/*
 * poll(2) on n descriptors for readability; revents[i] gets 1 where fds[i]
 * is readable or hung up.  timeout_ms -1 waits for ever.  *nready is the
 * count (0 on timeout).  EINTR is retried with the remaining time.
 */
DWORD wipc_plat_poll_readable(const int *fds, int *ready, size_t n,
                              int timeout_ms, int *nready);

/* ---- CancelSynchronousIo (posix_cancel.c) -------------------------------- */

/* The calling thread starts (ends) a synchronous operation that
 * CancelSynchronousIo may interrupt. */
void wipc_plat_sync_io_begin(void);
void wipc_plat_sync_io_end(void);

/* 1 if the calling thread's operation has been cancelled: a system call
 * that failed with EINTR is then not retried (ERROR_OPERATION_ABORTED). */
int wipc_plat_sync_io_cancelled(void);

/* Interrupts the synchronous operation thread tid of this process is in:
 * 0 (the thread's blocking call fails, or will, with
 * ERROR_OPERATION_ABORTED), ERROR_NOT_FOUND if it is in none. */
DWORD wipc_plat_sync_io_cancel(DWORD tid);

/* ---- The I/O engine (posix_async.c) ------------------------------------- */

#define WIPC_PLAT_POLL_IN 1u
#define WIPC_PLAT_POLL_OUT 2u

struct wipc_plat_pollfd {
    int fd;           /* -1: ignored */
    unsigned events;  /* WIPC_PLAT_POLL_IN, _OUT */
    unsigned revents; /* what is ready; a hang-up or error is both */
};

/*
 * One poll(2) over n descriptors, at most timeout_ms (-1: for ever).  An
 * interrupting signal is an early return with nothing ready (the caller
 * looks at its clock).  *nready counts the descriptors ready.
 */
DWORD wipc_plat_poll_events(struct wipc_plat_pollfd *p, size_t n,
                            int timeout_ms, int *nready);

/*
 * One sendmsg of a then b on the stream socket fd that never waits: *done
 * is what the kernel took now, 0 if there was no room (not an error).  A
 * peer gone is ERROR_NO_DATA; never SIGPIPE.
 */
DWORD wipc_plat_send2_some(int fd, const void *a, size_t alen, const void *b,
                           size_t blen, size_t *done);

/* wipc_plat_send2_some, with nfds descriptors sent with the bytes (at
 * most WIPC_PLAT_STREAM_FDS_MAX); if nothing could be sent (*done 0),
 * nothing was, descriptors neither. */
DWORD wipc_plat_send2_some_fds(int fd, const void *a, size_t alen,
                               const void *b, size_t blen, const int *fds,
                               size_t nfds, size_t *done);

/*
 * Completion ports across processes (core/io.c): a link is a pair of
 * connected AF_UNIX SOCK_SEQPACKET sockets, made close-on-exec, unnamed
 * (only a holder of a descriptor can reach it).  *recv_end stays with
 * the port's process, *send_end travels with a handle.
 */
DWORD wipc_plat_msg_pair(int *recv_end, int *send_end);

/* Sends one message of len bytes on a link: waits for room up to
 * wait_ms.  WAIT_TIMEOUT if there was none, ERROR_NO_DATA if the other
 * end is gone; never SIGPIPE. */
DWORD wipc_plat_msg_send(int fd, const void *buf, size_t len, int wait_ms);

/* Takes one message of at most cap bytes without waiting (a longer one is
 * cut, and *got says its full length; descriptors sent along are
 * dropped): 0 and *got, ERROR_NO_DATA if none is there now, or
 * ERROR_BROKEN_PIPE once every sending end is closed and none is left. */
DWORD wipc_plat_msg_recv(int fd, void *buf, size_t cap, size_t *got);

/* (The epoll set itself: wipc_plat_epoll_create, below.) */

/* Watches fd in epfd for events (WIPC_PLAT_POLL_*), once: after it is
 * reported, fd is not watched again until the next call (add: fd is
 * thought new to the set; else it is thought there, and this re-arms it;
 * either guess may be wrong, the call then does the other). */
DWORD wipc_plat_epoll_set(int epfd, int fd, unsigned events, int add);

/* Adds the eventfd fd to epfd as a doorbell: each write to it wakes one
 * thread in epoll_wait (edge-triggered; its counter is never read). */
DWORD wipc_plat_epoll_bell(int epfd, int fd);

/* Takes fd out of epfd (nothing if it is not there). */
void wipc_plat_epoll_del(int epfd, int fd);

/* Waits up to timeout_ms (-1: for ever) for watched descriptors: *n of
 * them (at most max, at most 64) in out (fd and revents; a hang-up or an
 * error is both directions).  A signal is an early return with none. */
DWORD wipc_plat_epoll_wait(int epfd, struct wipc_plat_pollfd *out, int max,
                           int timeout_ms, int *n);

/* ---- Mailslot queues (posix_spool.c) ------------------------------------- */

/* The directory of shared memory files (/dev/shm, a tmpfs), if there is
 * one this process may create files in: ERROR_NOT_SUPPORTED otherwise. */
DWORD wipc_plat_shm_dir(char *buf, size_t len);

/* A new file of size bytes (zeros) with permissions mode, opened read-write;
 * ERROR_ALREADY_EXISTS if path exists (symbolic links are never followed). */
DWORD wipc_plat_spool_create(const char *path, unsigned mode, uint64_t size,
                             int *out);

/* Opens such a file read-write: its owner and size.  ERROR_FILE_NOT_FOUND
 * if there is none (or it is not a regular file), ERROR_ACCESS_DENIED. */
DWORD wipc_plat_spool_open(const char *path, int *out, DWORD *uid,
                           uint64_t *size);

/* mmap of the first len bytes of fd, shared with every process mapping it. */
DWORD wipc_plat_map_shared(int fd, size_t len, void **out);
void wipc_plat_unmap(void *p, size_t len);

/* A mutex in shared memory, robust: a holder that dies releases it.  Lock
 * returns 0 (also when the last holder died holding it) or
 * ERROR_GEN_FAILURE for a mutex that cannot be used. */
typedef pthread_mutex_t wipc_shared_mutex;
DWORD wipc_plat_shared_mutex_init(wipc_shared_mutex *m);
DWORD wipc_plat_shared_mutex_lock(wipc_shared_mutex *m);
void wipc_plat_shared_mutex_unlock(wipc_shared_mutex *m);

/* Futex on a word in shared memory: waits while *addr == val, at most
 * timeout_ms (-1: for ever; spurious wake-ups happen); wakes every waiter.
 * The wait returns 1 if the word could not be read (a mapping of a file
 * that was cut short: the kernel reads it, so no SIGBUS), else 0. */
int wipc_plat_futex_wait(uint32_t *addr, uint32_t val, int timeout_ms);
void wipc_plat_futex_wake_all(uint32_t *addr);

/*
 * A mailslot's doorbell: a datagram socket bound in the abstract namespace
 * as "winipc-" + hex(id), which wipc_plat_dgram_connect and
 * wipc_plat_dgram_sendto_id reach (it receives no credentials).  ring sends
 * an empty datagram on a connected socket without waiting (a full queue
 * rings already): ERROR_FILE_NOT_FOUND if nobody is bound there any more.
 * next: the size of the next datagram queued without taking it
 * (ERROR_NO_DATA if none); take: takes it, up to len bytes into buf (NULL:
 * discards it), *got its whole size.
 */
DWORD wipc_plat_doorbell_bind(uint64_t id, int *out);
DWORD wipc_plat_doorbell_ring(int fd);
DWORD wipc_plat_doorbell_next(int fd, size_t *len);
DWORD wipc_plat_doorbell_take(int fd, void *buf, size_t len, size_t *got);
/* Drops every datagram waiting in the socket, many per system call. */
void wipc_plat_doorbell_flush(int fd);

/* ---- Exit records in the namespace root (posix_exitrec.c) ----------------
 * (process/exit_record.c; relative to the root's verified descriptor.) */

/* Renames from to to in the directory dirfd, never replacing a file at to
 * (renameat2 RENAME_NOREPLACE, or a hard link and an unlink where the file
 * system cannot): ERROR_FILE_EXISTS if a file is at to,
 * ERROR_FILE_NOT_FOUND if from is gone. */
DWORD wipc_plat_renameat_noreplace(int dirfd, const char *from, const char *to);

/* A path to name in the directory open at dirfd ("/proc/self/fd/N/name"),
 * valid in this process, and in a child started by wipc_plat_spawn until
 * it closes the descriptors it does not keep. */
DWORD wipc_plat_dirfd_path(int dirfd, const char *name, char *buf, size_t len);

/* ---- End of exit records in the namespace root -------------------------- */

/* ---- Synchronization objects (posix_sync.c) ------------------------------
 * Mutexes and semaphores (objects/mutex.c, semaphore.c). */

/* A new memfd of size bytes (zeros), close-on-exec, sealed at that size
 * (it can neither shrink nor grow). */
DWORD wipc_plat_memfd(const char *name, uint64_t size, int *out);

/* 0 if fd (received from another process) is such a memfd of size bytes,
 * sealed against shrinking; else ERROR_INVALID_DATA. */
DWORD wipc_plat_memfd_check(int fd, uint64_t size);

/* A non-blocking, close-on-exec eventfd in semaphore mode (each read takes
 * one) with count. */
DWORD wipc_plat_eventfd_sem(uint32_t count, int *out);

/* Adds n to an eventfd's counter. */
DWORD wipc_plat_eventfd_add(int fd, uint64_t n);

/* A non-blocking read of the eventfd (one, or all of the counter outside
 * semaphore mode): *took 1 if it had something, 0 if it was zero. */
DWORD wipc_plat_eventfd_take(int fd, int *took);

/* The eventfd's counter, without changing it (/proc/self/fdinfo). */
DWORD wipc_plat_eventfd_count(int fd, uint64_t *count);

/* A pidfd for process pid, of any user, to watch for its end (not to act
 * on it: wipc_plat_pidfd_open checks that right): ERROR_INVALID_PARAMETER
 * if there is no such process. */
DWORD wipc_plat_pidfd_watch(DWORD pid, int *out);

/* An epoll set (close-on-exec); it is readable while one of what it
 * watches is ready.  watch: any_change 1 watches fd edge-triggered for any
 * change (readable or writable: for an eventfd, every read and every
 * write queues an event, which stays until drained); 0 watches it for
 * being readable (level-triggered).  drain: takes every queued event. */
DWORD wipc_plat_epoll_create(int *out);
DWORD wipc_plat_epoll_watch(int ep, int fd, int any_change);
void wipc_plat_epoll_unwatch(int ep, int fd);
void wipc_plat_epoll_drain(int ep);

/* A per-thread value whose destructor runs with it when a thread that set
 * it (non-NULL) ends (pthread keys: not at process exit). */
DWORD wipc_plat_tls_key(void (*dtor)(void *), unsigned long *key);
void *wipc_plat_tls_get(unsigned long key);
DWORD wipc_plat_tls_set(unsigned long key, void *value);

/*
 * The handle table's asymmetric fence (core/handle.c): register says
 * whether this process can use membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)
 * (1) or not (0); membarrier makes every running thread of the process
 * pass a full memory barrier before it returns (registering first if the
 * process is not registered yet, as after fork(); failing that, the
 * global command): ERROR_NOT_SUPPORTED if neither works.
 */
int wipc_plat_membarrier_register(void);
DWORD wipc_plat_membarrier(void);

/*
 * Futexes on 32-bit words in shared memory (not private: other processes
 * wait on them too).  wake: wakes up to n waiters (INT_MAX: all).
 * waitv: sleeps while every words[i] still holds vals[i], until one
 * changes and is woken, or the CLOCK_MONOTONIC deadline in ms passes
 * (UINT64_MAX: none); n <= 128.  Returns 0 when woken (or spuriously),
 * ERROR_TIMEOUT at the deadline, ERROR_NOT_SUPPORTED without futex_waitv
 * (Linux < 5.16), where the caller polls descriptors instead.
 */
void wipc_plat_futex_wake(uint32_t *addr, int n);
DWORD wipc_plat_futex_waitv(uint32_t *const *words, const uint32_t *vals,
                            size_t n, uint64_t deadline_ms);
/* 1 if futex_waitv works here (looked up once). */
int wipc_plat_futex_waitv_ok(void);

/* Waitable timers: a non-blocking CLOCK_MONOTONIC timerfd; set: first
 * expiry at due_ns on that clock (absolute; 0 disarms), then every
 * period_ns (0: once), its expirations cleared (not readable); signal:
 * one expiration now, the schedule kept where the kernel can; pending: 1
 * if it has expirations (readable). */
DWORD wipc_plat_timerfd(int *out);
DWORD wipc_plat_timerfd_set(int fd, uint64_t due_ns, uint64_t period_ns);
DWORD wipc_plat_timerfd_signal(int fd);
int wipc_plat_timerfd_pending(int fd);

/* CLOCK_REALTIME in nanoseconds since 1970. */
uint64_t wipc_plat_realtime_ns(void);

/* An epoll set whose events carry a pointer: watch fd for being readable
 * (level-triggered); wait: 1 and *ptr when one is ready within timeout_ms
 * (-1: for ever), 0 otherwise. */
DWORD wipc_plat_epoll_watch_ptr(int ep, int fd, void *ptr);
int wipc_plat_epoll_wait_ptr(int ep, int timeout_ms, void **ptr);

/* File mappings: mmap of len bytes of fd at offset (a multiple of the page
 * size): write (shared), copy (private, copy-on-write) or read only; exec
 * adds execution; at: exactly there (never replacing a mapping) or NULL.
 * ERROR_INVALID_ADDRESS when at is taken, ERROR_ACCESS_DENIED when fd
 * does not allow it, ERROR_NOT_ENOUGH_MEMORY.  msync: MS_SYNC of the pages
 * of [addr, addr + len).  fd_grow: the file made size bytes long if it is
 * shorter. */
DWORD wipc_plat_mmap(int fd, uint64_t offset, size_t len, int write, int copy,
                     int exec, void *at, void **out);
DWORD wipc_plat_msync(void *addr, size_t len);
DWORD wipc_plat_fd_grow(int fd, uint64_t size);

/* ---- End of synchronization objects ------------------------------------- */

#endif /* WIPC_PLATFORM_H */
