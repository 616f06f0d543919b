/*
 * apc.h: asynchronous procedure calls, each thread's queue of calls that
 * run when it waits alertably (SleepEx, WaitFor...Ex, GetOverlappedResultEx
 * with bAlertable): QueueUserAPC's, and the completion routines of
 * ReadFileEx and WriteFileEx, which the I/O engine queues to the thread
 * that started the operation.
 *
 * A thread's queue is made when something is first queued to it or when
 * it first waits alertably; it goes with the thread (what is still queued
 * then never runs, as on Windows).
 */
#ifndef WIPC_APC_H
#define WIPC_APC_H

#include <windows.h>

typedef void (*wipc_apc_fn)(ULONG_PTR a, ULONG_PTR b, ULONG_PTR c,
                            ULONG_PTR d);

/* Queues fn(a, b, c, d) to thread tid of this process.  Returns
 * ERROR_NOT_ENOUGH_MEMORY on failure. */
DWORD wipc_apc_queue(DWORD tid, wipc_apc_fn fn, ULONG_PTR a, ULONG_PTR b,
                     ULONG_PTR c, ULONG_PTR d);

/* The descriptor that is readable while the calling thread has calls
 * queued (-1 if its queue cannot be made: it then never has any). */
int wipc_apc_fd(void);

/* Runs every call queued to the calling thread, in order, including those
 * queued while they run.  Returns how many ran. */
unsigned wipc_apc_run(void);

/* Thread tid has ended: its queue goes (process/thread.c). */
void wipc_apc_thread_ended(DWORD tid);

#endif /* WIPC_APC_H */
