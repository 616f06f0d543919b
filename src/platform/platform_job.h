/*
 * platform_job.h: the part of the platform contract (see platform.h) that
 * job objects use (posix_job.c).  A job is a process group led by a small
 * keeper process; see docs/processes.md, "Job objects", for why.
 */
#ifndef WIPC_PLATFORM_JOB_H
#define WIPC_PLATFORM_JOB_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <windows.h>

/* Processes followed by their pid (not in the group: see job.h). */
#define WIPC_JOB_OUTSIDE_MAX 256
/* Jobs nested in a job (Windows 8 and later). */
#define WIPC_JOB_CHILDREN_MAX 64
/* The job's message log (see struct wipc_job_event). */
#define WIPC_JOB_LOG_MAX 256

/* A process, or a job by its keeper: its pid and start time. */
struct wipc_job_pid {
    _Atomic uint32_t pid; /* 0: a free entry */
    uint32_t pad;
    _Atomic uint64_t start;
};

/*
 * One message of the job for the completion ports associated with it, in
 * whichever process (JOB_OBJECT_MSG_NEW_PROCESS for a process that joined
 * it, at any level of its chain; JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT).
 * The writer takes entry n by counting log_next up, fills it, then stores
 * seq = n + 1: a reader takes entry n once its seq is n + 1 (a larger one:
 * overwritten before it was read, WIPC_JOB_LOG_MAX later).
 */
struct wipc_job_event {
    _Atomic uint32_t seq;
    _Atomic uint32_t msg;
    _Atomic uint32_t pid;
    _Atomic uint32_t flags; /* WIPC_JOB_EVENT_* */
    _Atomic uint64_t start;
    _Atomic uint64_t when; /* when it was written (monotonic clock, ns) */
};

/* The process is in this job itself (not in a job nested in it). */
#define WIPC_JOB_EVENT_DIRECT 1u

/* The state a job shares with its keeper, its members and every process
 * that holds a handle to it (a memfd of the job's user, the keeper's
 * descriptor 4).  The lists change under the lock of wipc_plat_job_lock. */
#define WIPC_JOB_MAGIC 0x4a6f6224u
struct wipc_job_shared {
    _Atomic uint32_t magic;
    _Atomic uint32_t limit_flags;  /* JOB_OBJECT_LIMIT_* */
    _Atomic uint32_t active_limit; /* ActiveProcessLimit */
    _Atomic uint32_t total;        /* processes that have been in the job */
    _Atomic uint32_t terminated;   /* ended for a limit */
    _Atomic uint32_t keeper;       /* the keeper's pid: the group's id */
    _Atomic uint32_t signaled;     /* TerminateJobObject has run */
    _Atomic uint32_t pad;
    _Atomic uint64_t start;        /* the keeper's start time */
    struct wipc_job_pid parent;    /* the job this one is nested in */
    struct wipc_job_pid outside[WIPC_JOB_OUTSIDE_MAX];
    struct wipc_job_pid children[WIPC_JOB_CHILDREN_MAX]; /* nested jobs */
    _Atomic uint32_t log_next; /* messages ever written */
    /* Counted up once a message is written, and a futex woken on it: the
     * completion ports' watchers in every process sleep on it. */
    _Atomic uint32_t bell;
    struct wipc_job_event log[WIPC_JOB_LOG_MAX];
};

/* What a process holds of a job: descriptors of its own, and the state
 * mapped. */
struct wipc_job_link {
    int life;  /* write end of the keeper's pipe: the job lives while one is
                * open (in any process) */
    int state; /* the state's memfd (locks) */
    int sig;   /* the job's signal pipe: readable once signalled */
    DWORD keeper;
    struct wipc_job_shared *sh;
};

/*
 * Starts a keeper: a process that leads a new process group (its pid is
 * the group's id) and holds the job's shared state and its signal pipe.
 * It watches a pipe whose write ends only the job's handles hold: when
 * every copy is closed (the job's last handle goes in every process, or
 * the processes holding them die, SIGKILL included), the keeper kills the
 * whole group, the outside processes and the groups of the nested jobs if
 * the shared limit_flags then hold JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, and
 * ends.  Errors from the
 * system calls.
 */
DWORD wipc_plat_job_keeper(struct wipc_job_link *out);

/*
 * The rest of a link from the write end of a keeper's pipe received from
 * another process (life, taken over also on failure) and the keeper's pid
 * it came with: checked to be that keeper's pipe (its descriptor 3 is the
 * same pipe), and its state to be a job's of this user.
 * ERROR_ACCESS_DENIED for another user's keeper; ERROR_INVALID_HANDLE
 * otherwise (the keeper is gone: the job with it).
 */
DWORD wipc_plat_job_attach(DWORD keeper, int life, struct wipc_job_link *out);

/* The state of the job of l mapped once more (for a holder that may
 * outlive the link): unmap it with wipc_plat_job_unmap. */
DWORD wipc_plat_job_map(const struct wipc_job_link *l,
                        struct wipc_job_shared **out);

/* Closes what a link holds. */
void wipc_plat_job_unlink(struct wipc_job_link *l);

/* Locks (1) or unlocks (0) the job's shared lists (an open file
 * description lock on its state: a process that dies lets it go). */
void wipc_plat_job_lock(const struct wipc_job_link *l, int lock);

/* Sets the job's signal (it stays set). */
void wipc_plat_job_signal(const struct wipc_job_link *l);

/*
 * The job this process is in: its process group, if that group's leader
 * is a keeper (of this user) whose shared state can be mapped.  *shared
 * mapped (unmap it), *pgid the group.  ERROR_NOT_FOUND if none.
 */
DWORD wipc_plat_job_find(DWORD pid, struct wipc_job_shared **shared,
                         DWORD *pgid);

/*
 * The job that follows process pid (started at start) by its pid, outside
 * its group: the keepers of this user are looked through.  *shared mapped
 * (unmap it), *keeper its keeper.  ERROR_NOT_FOUND if none.
 */
DWORD wipc_plat_job_find_outside(DWORD pid, uint64_t start,
                                 struct wipc_job_shared **shared,
                                 DWORD *keeper);

/* The state of the job whose keeper is keeper, started at start (mapped:
 * unmap it).  ERROR_NOT_FOUND if there is no such keeper of this user. */
DWORD wipc_plat_job_state(DWORD keeper, uint64_t start,
                          struct wipc_job_shared **shared);

/* Unmaps what wipc_plat_job_find mapped. */
void wipc_plat_job_unmap(struct wipc_job_shared *shared);

/* Moves process pid (this process, or a child that has not run execve
 * yet) into process group pgid.  ERROR_NOT_SUPPORTED for a child that has
 * (Linux refuses it), ERROR_ACCESS_DENIED for another session. */
DWORD wipc_plat_setpgid(DWORD pid, DWORD pgid);

/* The process group of pid: 0, or ERROR_INVALID_PARAMETER if it is gone. */
DWORD wipc_plat_getpgid(DWORD pid, DWORD *pgid);

/*
 * SIGKILL to every process of group pgid but its keeper and skip, and to
 * the outside processes of sh, until none is left that has not been sent
 * one (a member that forks on its way out: its child is found by the next
 * look).
 */
void wipc_plat_job_kill_members(DWORD pgid, DWORD skip,
                                struct wipc_job_shared *sh);

/* The processes of group pgid that have not ended (zombies left out),
 * but not skip: up to cap of their ids in pids (may be NULL), *n how
 * many there are. */
DWORD wipc_plat_group_members(DWORD pgid, DWORD skip, DWORD *pids,
                              size_t cap, size_t *n);

/* 1 if the process pid that started at start runs (not a zombie). */
int wipc_plat_job_pid_alive(DWORD pid, uint64_t start);

#endif /* WIPC_PLATFORM_JOB_H */
