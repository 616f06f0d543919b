/*
 * parent.h: the parent process id Windows reports
 * (NtQueryInformationProcess's InheritedFromUniqueProcessId, toolhelp's
 * th32ParentProcessID).
 *
 * On Windows a process's parent is the process that created it, or the
 * one PROC_THREAD_ATTRIBUTE_PARENT_PROCESS named, and that id stays even
 * after the parent has ended.  Linux's parent is the creator (never the
 * attribute's process) and changes when the creator ends (the orphan goes
 * to a subreaper or to init).  So CreateProcess writes the Windows parent
 * into the child's environment:
 *
 *   WINIPC_PARENT=CHILD:PARENT
 *
 * CHILD is the child's own pid (the child fills it in before execve,
 * wipc_spawn_req.pid_slot), PARENT the parent's pid, both in decimal,
 * zero-padded to 10 digits.
 * The environment a program started with stays readable in
 * /proc/PID/environ (to its user and root) whatever the program does to
 * its environment since, so any process can find it there; an entry whose
 * CHILD is not the process asked about was inherited from an ancestor (a
 * program that does not use winipc passes its environment on) and is
 * ignored.  A winipc child removes the variable from its environment
 * before main().  Until its execve the child shows its creator's
 * environment: when the creator has an entry of its own there, the child
 * writes its own value over it in its copy (wipc_spawn_req.own_entry), so
 * that a child waiting to be resumed (CREATE_SUSPENDED) is known too.  A process without the entry (not started by a winipc
 * CreateProcess, or not readable) has its Linux parent's id: for this
 * process, the one it had when the library was loaded; for another, the
 * one it has now.
 */
#ifndef WIPC_PARENT_H
#define WIPC_PARENT_H

#include <windows.h>

#define WIPC_PARENT_ENV "WINIPC_PARENT"

/* "WINIPC_PARENT=0000000000:PARENT" for a child whose parent is parent
 * (malloc'ed, in *env); *slot the zeros, for wipc_spawn_req.pid_slot.
 * ERROR_NOT_ENOUGH_MEMORY. */
DWORD wipc_parent_format(DWORD parent, char **env, char **slot);

/* Takes WINIPC_PARENT from the environment (runs before main()). */
void wipc_parent_adopt(void);

/* This process's entry in the environment it started with (its value,
 * WIPC_PLAT_PARENT_VALUE characters), or NULL: wipc_spawn_req.own_entry. */
char *wipc_parent_own_entry(void);

/* The parent process id of process pid as Windows reports it (see
 * above).  ERROR_INVALID_PARAMETER when the process is gone. */
DWORD wipc_parent_of(DWORD pid, DWORD *parent);

#endif /* WIPC_PARENT_H */
