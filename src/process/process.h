/*
 * process.h: the process layer: process and thread objects, and the
 * machinery behind them (the handle service, children started suspended,
 * handle inheritance, exit records).  It sits above the object types:
 * a child inherits files, pipes, mailslots and events.
 */
#ifndef WIPC_PROCESS_H
#define WIPC_PROCESS_H

#include "../core/object.h"
#include "../platform/platform.h"

/* ---- thread.c ------------------------------------------------------------ */

extern const struct wipc_object_ops wipc_thread_ops;

/*
 * Starts a thread running start(param).  *out gets a reference to its
 * object, *tid its thread id.  With suspended, it waits for
 * wipc_thread_resume before running start.
 */
DWORD wipc_thread_create(SIZE_T stack_size, LPTHREAD_START_ROUTINE start,
                         LPVOID param, int suspended,
                         struct wipc_object **out, DWORD *tid);

/* The calling thread's object, with a new reference (created on first use
 * for threads winipc did not start). */
DWORD wipc_thread_self(struct wipc_object **out);

/* Ends the calling thread with code (runs no further code of the caller). */
void wipc_thread_exit(DWORD code) __attribute__((noreturn));

DWORD wipc_thread_exit_code(struct wipc_object *obj);

/* The object of a child process's primary thread: signalled when the
 * process exits, with its exit code; tid is its id.  A child started
 * suspended has the suspend count 1: its ResumeThread resumes the process
 * (wipc_process_resume).  Takes a reference on process. */
DWORD wipc_thread_of_process(struct wipc_object *process, DWORD tid,
                             struct wipc_object **out);
DWORD wipc_thread_id(struct wipc_object *obj);

/* 1 if obj is a thread of this process (not a child's primary thread). */
int wipc_thread_is_local(struct wipc_object *obj);

/* A thread of this process that is still suspended (CreateThread with
 * CREATE_SUSPENDED whose handle could not be made) ends without running
 * its start routine; its own reference goes when it has ended.  Nothing
 * for a thread that runs, or a child process's. */
void wipc_thread_abandon(struct wipc_object *obj);

/* Decrements the suspend count; *prev is the count before. */
DWORD wipc_thread_resume(struct wipc_object *obj, DWORD *prev);

/* ---- process.c ----------------------------------------------------------- */

extern const struct wipc_object_ops wipc_process_ops;

/* This process's object, with a new reference. */
DWORD wipc_process_self(struct wipc_object **out);

DWORD wipc_process_id(struct wipc_object *obj);

/*
 * The object of process pid with a new reference: the existing one if this
 * process already has it, else a new one made from pidfd (which it takes
 * over) or, with pidfd < 0, from a pidfd opened here (ERROR_INVALID_PARAMETER
 * if no such process exists).
 */
DWORD wipc_process_get(DWORD pid, int pidfd, struct wipc_object **out);

/* As wipc_process_get for a handle inherited from a parent: rec_fd (taken
 * over; -1 if none) is the descriptor of the process's exit record that
 * came with it (exit_record.h). */
DWORD wipc_process_adopt(DWORD pid, int pidfd, int rec_fd,
                         struct wipc_object **out);

/*
 * CreateProcess: starts the child (wipc_plat_spawn) with its exit record
 * held from before it exists, and returns its object with one reference.
 * inh: what the child inherits (req's inherit_fds come from it); a child
 * started suspended keeps its handle table in the object until
 * wipc_process_resume (suspended.h).
 */
struct wipc_inherit;
DWORD wipc_process_spawn(const struct wipc_spawn_req *req,
                         const struct wipc_inherit *inh,
                         struct wipc_object **out, DWORD *pid);

/* The handle table of a child that waits to be resumed (still valid while
 * the caller holds obj), or NULL: the process runs, or is not our child
 * started suspended. */
struct wipc_suspended;
struct wipc_suspended *wipc_process_suspended(struct wipc_object *obj);

/* ResumeThread of a child started suspended (nothing if it runs). */
void wipc_process_resume(struct wipc_object *obj);

/* Milliseconds since this process resumed the child obj (UINT64_MAX if it
 * never did): its handle service is starting up. */
uint64_t wipc_process_ms_since_resume(struct wipc_object *obj);

/* For a handle a child inherits: a descriptor of the process's exit record
 * holding a lock of its own (the caller closes it once the child has its
 * copy); ERROR_NOT_SUPPORTED if there is none. */
DWORD wipc_process_share_fd(struct wipc_object *obj, int *fd);

/* Before a handle to the process goes to another process (DuplicateHandle):
 * makes sure the receiver will find the exit record. */
void wipc_process_prepare_share(struct wipc_object *obj);

/* Registers the exit hook that publishes this process's exit code (called
 * once, before main()). */
void wipc_process_init_exit(void);

/* STILL_ACTIVE while the process runs, then its exit code. */
DWORD wipc_process_exit_code(struct wipc_object *obj);

/* The process group of the process, or the one it was in when it was seen
 * ended (0 if not known). */
DWORD wipc_process_group(struct wipc_object *obj);

/* Kills the process; its exit code becomes code.  For this process: does
 * not return.  ERROR_ACCESS_DENIED if it has already exited. */
DWORD wipc_process_terminate(struct wipc_object *obj, DWORD code);

/* The program a process runs: set by CreateProcess (the path it ran),
 * else read from the system while the process runs and kept. */
void wipc_process_set_image(struct wipc_object *obj, const char *path);

/* The parent process id Windows reports for it (parent.h): set by
 * CreateProcess, else read while the process runs and kept.
 * ERROR_ACCESS_DENIED (*parent 0) when it ended before it could be
 * read. */
void wipc_process_set_parent(struct wipc_object *obj, DWORD parent);
DWORD wipc_process_parent(struct wipc_object *obj, DWORD *parent);

/* Its path into buf (cap bytes), *len its length.  ERROR_INSUFFICIENT_BUFFER
 * (*len is still set), ERROR_ACCESS_DENIED when it ended before it could
 * be read. */
DWORD wipc_process_image(struct wipc_object *obj, char *buf, size_t cap,
                         size_t *len);

/* Its times (platform_sys.h; creation 0 if unknown), and when it was first
 * seen ended (*exit_time, a FILETIME; 0 while it runs). */
struct wipc_proc_times;
void wipc_process_times(struct wipc_object *obj, struct wipc_proc_times *t,
                        uint64_t *exit_time);

#endif /* WIPC_PROCESS_H */
