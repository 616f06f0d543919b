/*
 * job.h: job objects.  A job is a process group led by a keeper process
 * (platform_job.h): the processes assigned to it join the group, their
 * children are born in it, and the keeper kills the group when the job's
 * last handle goes (or its owner dies) if KILL_ON_JOB_CLOSE is set.
 * docs/processes.md, "Job objects", says why and where it stops.
 */
#ifndef WIPC_JOB_H
#define WIPC_JOB_H

#include "../core/object.h"
#include "../platform/platform_job.h"

extern const struct wipc_object_ops wipc_job_ops;

/*
 * A new job (its keeper started) named name (NULL: none).  Names are those
 * of events, mutexes and the other named objects (objects/sync.h): shared
 * by the processes of the user, ERROR_INVALID_HANDLE for a name another
 * type holds.  *existed: 1 when a job of that name already existed (then
 * *out is that job).  Errors of the system.
 */
DWORD wipc_job_create(const char *name, struct wipc_object **out,
                      int *existed);

/* The job of that name (in any process of the user):
 * ERROR_FILE_NOT_FOUND if none. */
DWORD wipc_job_open(const char *name, struct wipc_object **out);

/* A job received from another process (inherited, duplicated, fetched by
 * name): the write end of its keeper's pipe (taken over, also on failure)
 * and keeper, the pid of its tag ("job.KEEPER"). */
DWORD wipc_job_adopt(int fd, const char *keeper, struct wipc_object **out);

/*
 * Puts process proc in the job.  ERROR_NOT_ENOUGH_QUOTA at the active
 * process limit; ERROR_ACCESS_DENIED when it is in another job that this
 * one cannot be nested in (Windows 8 and later: this job deeper in that
 * job's chain, or in no chain and never given a process).  A process Linux
 * cannot move into the group (a running child that has already run execve,
 * another process's child) is followed by its pid in the job's shared
 * state: it counts and is killed with the job, but its own children are
 * not in the job (docs/processes.md).
 */
DWORD wipc_job_assign(struct wipc_object *job, struct wipc_object *proc);

/* Ends every process of the job and of the jobs nested in it with code;
 * the job is signalled from then on. */
DWORD wipc_job_terminate(struct wipc_object *job, DWORD code);

/* 1 if proc is in job or a job nested in it (any job: NULL). */
int wipc_job_contains(struct wipc_object *job, struct wipc_object *proc);

struct wipc_job_info {
    DWORD limit_flags, active_limit;
    DWORD total, active, terminated;
    uint64_t user_time, kernel_time; /* of the processes still there */
};

void wipc_job_query(struct wipc_object *job, struct wipc_job_info *info,
                    DWORD *pids, size_t cap, size_t *n_pids);

/* Sets the limits (flags already checked by the caller). */
void wipc_job_set_limits(struct wipc_object *job, DWORD flags,
                         DWORD active_limit);

/* Posts the job's messages to port with key from now on; port NULL ends the
 * association.  A job has one port: ERROR_INVALID_PARAMETER if port is not
 * NULL and the job already has one. */
DWORD wipc_job_set_port(struct wipc_object *job, struct wipc_object *port,
                        ULONG_PTR key);

/*
 * CreateProcess in a process that is in a job: *new_group 1 when the child
 * breaks away from every job (CREATE_BREAKAWAY_FROM_JOB with BREAKAWAY_OK,
 * or SILENT_BREAKAWAY_OK, in each job up the chain of nested jobs), else 0
 * (CREATE_NEW_PROCESS_GROUP cannot take it out); *join_group the group of
 * the job it is born in when that is not this process's own (it broke
 * away from inner jobs only), else 0.  ERROR_ACCESS_DENIED for a breakaway
 * the process's job does not allow, ERROR_NOT_ENOUGH_QUOTA at its active
 * process limit.  *in_job: the child will be in a job, which counts it
 * already (call wipc_job_spawn_undo with *join_group if it cannot be
 * started after all, wipc_job_spawned once it is).
 */
DWORD wipc_job_spawn_check(int breakaway, int *new_group, DWORD *join_group,
                           int *in_job);
void wipc_job_spawn_undo(DWORD join_group);
/* The child proc was born in the job: the completion ports of this process
 * associated with it (and the jobs it is nested in) hear of it. */
void wipc_job_spawned(struct wipc_object *proc, DWORD join_group);

#endif /* WIPC_JOB_H */
