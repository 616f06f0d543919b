/*
 * exit_record.h: how a process's full exit code reaches every process that
 * holds a handle to it (docs/processes.md, "Exit codes").
 *
 * Linux keeps 8 bits of an exit status, and tells them to the parent only.
 * So a winipc process writes its code, when it exits, into a small file
 * named after it, its exit record, directly in the namespace root
 * (core/namespace.h):
 *
 *   ROOT/exit.PID-START
 *
 * START is the process's start time (clock ticks after boot, from
 * /proc/PID/stat), so a recycled pid never names an earlier process's
 * record.  The process writes only into a record that exists: the processes
 * interested in its code create it beforehand, its parent from
 * CreateProcess on (the child renames the record to its own name before
 * execve, so no program can end before its record is there) and any other
 * process from the moment it holds a handle (OpenProcess, inheritance,
 * DuplicateHandle).  A process nobody watches pays one failed open() when
 * it exits, and nothing before.
 *
 * The root is shared with other users, who may put anything at any name
 * there.  A record is found by name only relative to the root's verified
 * descriptor, without following a link or blocking on a FIFO, and is used
 * only if it is a regular file with one link that nobody but its owner may
 * write, and its owner is the caller's user, root, or the user of the
 * process it describes (the owner of /proc/PID/stat while the process
 * runs: its effective user, or root for a process that is not dumpable).
 * A record anyone else made is ignored, by root too: GetExitCodeProcess
 * then answers as for a process without a record (docs/processes.md), so
 * a forged record can hide a process's full code, never change it.
 *
 * Each interested process holds a shared open file description lock on
 * byte 0 of the record for as long as it keeps its handle; whoever lets go
 * last (no other lock is left on byte 0) removes the file.  Taking and
 * letting go of these holds is serialised by an exclusive lock on byte 2.  A
 * process that exits removes the records it was the last to hold; the kernel
 * drops the locks of a process that dies, and the next process of the same
 * user (or root) to create a record sweeps away those nobody holds.  No
 * daemon.  A handle inherited by a
 * child takes a descriptor of its own with it, holding its own lock from the
 * moment CreateProcess returns, so a record cannot vanish between the parent
 * closing its handle and the child adopting its copy.
 *
 * The file (host byte order): [0] magic, [4] state (0: no code yet, 1: the
 * process wrote it as it exited, 2: another process's TerminateProcess
 * did), [8] the code, [12] pid, [16] start (64-bit).  Writers serialise on
 * byte 1 of the lock space, and the first code written stays.
 */
#ifndef WIPC_EXIT_RECORD_H
#define WIPC_EXIT_RECORD_H

#include <stdint.h>

#include <windows.h>

/* One held record (one open file description with its shared lock). */
struct wipc_exitrec;

/* What the state field says. */
#define WIPC_EXITREC_NONE 0
#define WIPC_EXITREC_EXITED 1
#define WIPC_EXITREC_TERMINATED 2

/*
 * Starts watching process pid (pidfd: checked against it, so that a
 * recycled pid is never watched instead): its record, created if absent,
 * held.  ERROR_INVALID_PARAMETER if the process is gone (reaped).
 */
DWORD wipc_exitrec_watch(DWORD pid, int pidfd, struct wipc_exitrec **out);

/* Takes over a record descriptor that a parent passed with an inherited
 * handle to process pid (fd is taken, also on failure). */
DWORD wipc_exitrec_adopt(int fd, DWORD pid, struct wipc_exitrec **out);

/* A new descriptor of the record, holding a lock of its own: for a child
 * that inherits a handle (it stays held for as long as any process keeps
 * the descriptor open). */
DWORD wipc_exitrec_share(struct wipc_exitrec *rec, int *fd);

/* The same for this process's own record, created if absent. */
DWORD wipc_exitrec_share_self(int *fd);

/* Creates this process's own record if absent, without holding it: for a
 * handle to this process that another process is about to receive. */
void wipc_exitrec_ensure_self(void);

/* 1 and the code if one has been written (*state: WIPC_EXITREC_*). */
int wipc_exitrec_read(struct wipc_exitrec *rec, DWORD *code, int *state);

/* TerminateProcess by this process: writes code as the process's exit code
 * (unless a code is there already, or the process behind pidfd has ended),
 * before the process is killed. */
void wipc_exitrec_terminate(struct wipc_exitrec *rec, int pidfd, DWORD code);

/* Lets go of the record (removing it if this was its last holder) and
 * frees rec; NULL is a no-op. */
void wipc_exitrec_release(struct wipc_exitrec *rec);

/* At exit: lets go of the record (removing it if this process was its last
 * holder) without freeing anything: other threads may still read it. */
void wipc_exitrec_drop_at_exit(struct wipc_exitrec *rec);

/* At exit, or before TerminateProcess of itself: writes this process's
 * code into its record, if somebody created one. */
void wipc_exitrec_publish_self(DWORD code);

/*
 * CreateProcess: a held record under a temporary name, which the child
 * renames to its own name before execve (*fd and *dir, the path of the
 * temporary name as the child sees it, go into wipc_spawn_req); then
 * wipc_exitrec_child_placed once the child exists, or
 * wipc_exitrec_release if it could not be started (which removes the
 * record whatever its name).  Nothing on failure (*out NULL).
 */
DWORD wipc_exitrec_child_prepare(struct wipc_exitrec **out, int *fd,
                                 const char **dir);

/* Checks that the child (pid, pidfd) has given the record its name, or
 * gives it now (a suspended child).  On failure rec is released. */
DWORD wipc_exitrec_child_placed(struct wipc_exitrec *rec, DWORD pid, int pidfd);

#endif /* WIPC_EXIT_RECORD_H */
