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

/* The state a job shares with its keeper and its members (a memfd every
 * process of the job's user can map through the keeper's descriptor 4). */
#define WIPC_JOB_MAGIC 0x4a6f6221u
struct wipc_job_shared {
    _Atomic uint32_t magic;
    _Atomic uint32_t limit_flags;  /* JOB_OBJECT_LIMIT_* */
    _Atomic uint32_t active_limit; /* ActiveProcessLimit */
    _Atomic uint32_t total;        /* processes that have been in the job */
    _Atomic uint32_t terminated;   /* ended by the job (TerminateJobObject,
                                    * a limit) */
};

/*
 * Starts a keeper: a process that leads a new process group (its pid,
 * *pgid, is the group's id) and holds the job's shared state.  *life is
 * the write end of a pipe it watches: when every copy is closed (the job's
 * last handle goes, or this process dies, SIGKILL included), the keeper
 * kills the whole group if the shared limit_flags then hold
 * JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, and ends.  *shared is mapped here;
 * *pidfd watches the keeper.  Errors from the system calls.
 */
DWORD wipc_plat_job_keeper(int *life, struct wipc_job_shared **shared,
                           DWORD *pgid, int *pidfd);

/* Unmaps what wipc_plat_job_keeper or wipc_plat_job_find mapped. */
void wipc_plat_job_unmap(struct wipc_job_shared *shared);

/*
 * The job this process is in: its process group, if that group's leader
 * is a keeper (of this user) whose shared state can be mapped.  *shared
 * mapped (unmap it), *pgid the group.  ERROR_NOT_FOUND if none.
 */
DWORD wipc_plat_job_find(DWORD pid, struct wipc_job_shared **shared,
                         DWORD *pgid);

/* Moves process pid (this process, or a child that has not run execve
 * yet) into process group pgid.  ERROR_NOT_SUPPORTED for a child that has
 * (Linux refuses it), ERROR_ACCESS_DENIED for another session. */
DWORD wipc_plat_setpgid(DWORD pid, DWORD pgid);

/* The process group of pid: 0, or ERROR_INVALID_PARAMETER if it is gone. */
DWORD wipc_plat_getpgid(DWORD pid, DWORD *pgid);

/* SIGKILL to every process of group pgid. */
DWORD wipc_plat_kill_group(DWORD pgid);

/* The processes of group pgid that have not ended (zombies left out),
 * but not skip: up to cap of their ids in pids (may be NULL), *n how
 * many there are. */
DWORD wipc_plat_group_members(DWORD pgid, DWORD skip, DWORD *pids,
                              size_t cap, size_t *n);

#endif /* WIPC_PLATFORM_JOB_H */
