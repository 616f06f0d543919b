/*
 * io.h: the I/O engine, which runs the operations of handles opened with
 * FILE_FLAG_OVERLAPPED (docs/overlapped.md).
 *
 * An operation is either finished when the call that starts it returns,
 * or pending: then it completes exactly once, later, through the channels
 * its caller asked for (the OVERLAPPED's Internal and InternalHigh, its
 * event, the file object's own signal).  Each process has one engine
 * thread, started with the first operation that has to wait; it polls
 * the descriptors the pending operations wait for and lets each make
 * progress when its descriptor is ready.
 *
 * The engine knows no object type: a type that supports pending
 * operations says, in its ops table's io_progress, how an operation makes
 * progress without blocking (struct wipc_io).  Synchronous calls on
 * handles without FILE_FLAG_OVERLAPPED never come here.
 *
 * Order: the operations of one kind on one object (reads, writes,
 * connects) run one after the other in the order they were started; an
 * operation is tried at once only when none of its kind waits before it.
 */
#ifndef WIPC_IO_H
#define WIPC_IO_H

#include "object.h"

/*
 * WIPC_IO_DRAIN is no call's kind: a write whose bytes are all out but
 * that must not complete yet (a named pipe's buffer quota: it completes
 * once the reader has taken enough) is moved there by its type (io_progress
 * sets kind to WIPC_IO_DRAIN and returns ERROR_IO_PENDING), so that the
 * writes behind it go out meanwhile; drains complete in order.
 */
enum wipc_io_kind {
    WIPC_IO_READ,
    WIPC_IO_WRITE,
    WIPC_IO_CONNECT,
    WIPC_IO_DRAIN,
    WIPC_IO_KINDS
};

/* What a pending operation waits for (events of wipc_io.wait_events). */
#define WIPC_IO_IN 1u
#define WIPC_IO_OUT 2u

/*
 * One operation, as the object type's io_progress sees it.  The engine
 * fills in the request; the type keeps its progress in done and state
 * between calls, and says what to wait for when it cannot go on.
 */
struct wipc_io {
    enum wipc_io_kind kind;
    char *buf;      /* the caller's buffer (reads and writes) */
    DWORD len;
    int64_t offset; /* -1 or the OVERLAPPED's position (files) */
    DWORD done;     /* bytes moved so far */
    uint64_t state; /* the type's own, 0 at the start */
    /* Set by io_progress when it returns ERROR_IO_PENDING: wait until
     * wait_fd is ready for wait_events (0: only the time), or at most
     * wait_ms (-1: no limit), then call again. */
    int wait_fd;
    unsigned wait_events;
    int wait_ms;
    /* Set by the engine: this call comes because wait_ms ran out. */
    int timed_out;
    /* Set by io_progress once the operation has gone so far that it
     * cannot be undone (part of a message written): a cancellation then
     * waits for it to finish. */
    int committed;
    /* A write that reads a message afterwards (TransactNamedPipe, one
     * operation): NULL for others.  Once the write is out, the type reads
     * into rbuf (rlen bytes), and done counts the bytes read. */
    char *rbuf;
    DWORD rlen;
    /* The type's own, 0 at the start (a named pipe's write: the stream
     * position of its end, for its quota). */
    uint64_t mark;
};

/* What the caller of wipc_io_start asks for at completion. */
struct wipc_io_notify {
    OVERLAPPED *ov; /* Internal and InternalHigh are written (not NULL) */
    /* The OVERLAPPED's event (a new reference, released by the engine),
     * and how to set and reset it: the engine calls no object type. */
    struct wipc_object *event;
    DWORD (*event_set)(struct wipc_object *event);
    DWORD (*event_reset)(struct wipc_object *event);
    /* A completion routine (ReadFileEx, WriteFileEx): at completion it is
     * queued as an APC (apc.h) to thread routine_tid, with the Win32
     * error, the byte count and ov. */
    void (*routine)(DWORD err, DWORD n, OVERLAPPED *ov);
    DWORD routine_tid;
};

/*
 * Starts operation op (kind, buf, len, offset filled in, the rest zero) on
 * obj, whose type has io_progress.  The caller's reference on obj is not
 * taken; the engine holds its own while the operation is pending.
 * The OVERLAPPED says STATUS_PENDING and the file and the event are reset
 * before the operation is tried.  Returns its result if it finished at
 * once: a success or a warning (ERROR_MORE_DATA) is delivered through the
 * channels already (*done is its byte count); an error is not (the
 * OVERLAPPED keeps saying STATUS_PENDING, as on Windows).  Or returns
 * ERROR_IO_PENDING: it completes later through notify.  notify->event is
 * released in every case.  ERROR_NOT_ENOUGH_MEMORY before anything.
 */
DWORD wipc_io_start(struct wipc_object *obj, const struct wipc_io *op,
                    const struct wipc_io_notify *notify, DWORD *done);

/*
 * Cancels obj's pending operations: the one started with ov (NULL: all of
 * them), of the calling thread only if this_thread.  They complete with
 * ERROR_OPERATION_ABORTED (at once, or when they stop being committed).
 * One that another thread is running meanwhile is waited for (briefly:
 * progress never blocks): when this returns, each is complete, through
 * all its channels, unless it is committed.  ERROR_NOT_FOUND if there was
 * none.  The caller holds a reference on obj.
 */
DWORD wipc_io_cancel(struct wipc_object *obj, const OVERLAPPED *ov,
                     int this_thread);

/*
 * A thread that waits for the operation started with ov (GetOverlapped-
 * Result) drives it itself for up to timeout_ms, instead of waiting for the
 * engine thread to run it and then for its event: one thread hand-over
 * less per operation.  0 once it completed (delivered through its
 * channels), WAIT_TIMEOUT, or ERROR_NOT_FOUND if it cannot be driven here
 * (not pending, not its queue's head, or in another thread's hands): the
 * caller then waits for it as usual.  While it polls, a cancellation ends
 * the operation at once (0 then).  The caller holds a reference on obj.
 */
DWORD wipc_io_help(struct wipc_object *obj, const OVERLAPPED *ov,
                   DWORD timeout_ms);

/*
 * Runs now, in the calling thread, the pending operations of this process
 * that can go on (their descriptors are ready).  Called after a call on
 * obj that may have made one possible (a write, a client's open, a
 * close), so that an operation of this process that the call completes is
 * complete when the call returns, as on Windows, where the kernel
 * completes it inside the call.  Only when obj's peer may be in this
 * process (obj->io_peer_away not set by its type) and obj's type has
 * pending operations at all; NULL: always.  Costs one atomic load when
 * nothing is pending.
 */
void wipc_io_kick(struct wipc_object *obj);

/* 1 if a call on obj may complete a pending operation of this process
 * (what wipc_io_kick(obj) looks at first). */
int wipc_io_kick_wanted(struct wipc_object *obj);

/* wipc_io_kick for an object that is gone (CloseHandle): its io_link,
 * read before, names the other end (0: every queue is looked at). */
void wipc_io_kick_link(uint64_t link);

/*
 * Runs the operations waiting for the descriptors that epoll set epfd
 * reported in ev (n of them; a completion port's thread, which took them
 * from its port's set), and whatever else is ready to run (an operation
 * whose time is up, the next of a queue): in the calling thread, their
 * completions delivered before it returns.
 */
struct wipc_plat_pollfd;
void wipc_io_run_events(int epfd, const struct wipc_plat_pollfd *ev, int n);

/* Milliseconds until some pending operation's own time is up (0: one is
 * ready to run now), -1 if none has a time. */
int wipc_io_next_timeout(void);

/* Ends every pending operation of obj with err (DisconnectNamedPipe: the
 * connection they were using is going away).  Returns once none runs. */
void wipc_io_abort(struct wipc_object *obj, DWORD err);

/* The descriptor that is readable while obj, a file object opened for
 * overlapped I/O, is signalled: reset when an operation starts, set when
 * one completes (waits on the file handle itself); -1 if none could be
 * made (the object is then always signalled, as before). */
int wipc_io_signal_fd(struct wipc_object *obj);

/* Frees obj's engine state (from wipc_object_release, before destroy). */
void wipc_io_forget(struct wipc_object *obj);

/* ---- Completion ports (io_port.c) ---------------------------------------- */

/* One completion packet, as GetQueuedCompletionStatus hands it out. */
struct wipc_io_packet {
    ULONG_PTR key;
    DWORD bytes;
    OVERLAPPED *ov;
    ULONG_PTR status; /* NTSTATUS */
};

extern const struct wipc_object_ops wipc_io_port_ops;

/* A new port, with one reference. */
DWORD wipc_io_port_create(DWORD concurrency, struct wipc_object **out);

/* Queues a packet (PostQueuedCompletionStatus, and every completion of an
 * associated file); a closed port drops it.  ERROR_NOT_ENOUGH_MEMORY. */
DWORD wipc_io_port_post(struct wipc_object *port,
                        const struct wipc_io_packet *p);

/*
 * Takes up to max packets, in order, waiting up to timeout_ms for the
 * first: 0 (*got of them), WAIT_TIMEOUT, WAIT_IO_COMPLETION when alert_fd
 * (apc.h's; -1: none) becomes readable first, or ERROR_ABANDONED_WAIT_0
 * once the port's last handle is closed.  While it waits, the calling
 * thread runs the operations of the port's files whose descriptors become
 * ready: as many as it takes packets, the others are left to the next
 * look (io_port.c).  Honours the port's NumberOfConcurrentThreads: no packet is taken
 * while that many of its threads run.
 */
DWORD wipc_io_port_get(struct wipc_object *port, struct wipc_io_packet *out,
                       ULONG max, ULONG *got, DWORD timeout_ms, int alert_fd);

/*
 * A source of packets that the port asks, before each wipc_io_port_get
 * looks at its queue, to post what has happened by now: pull(arg), called
 * with no lock of the port held (a job's completion port messages,
 * process/job.c).  Once wipc_io_port_remove_source has returned, pull no
 * longer runs with arg.  ERROR_NOT_ENOUGH_MEMORY.
 */
DWORD wipc_io_port_add_source(struct wipc_object *port, void (*pull)(void *),
                              void *arg);
void wipc_io_port_remove_source(struct wipc_object *port,
                                void (*pull)(void *), void *arg);

/* The port's last handle is gone (its type's close_last): its waiting
 * threads return ERROR_ABANDONED_WAIT_0, its packets are dropped. */
void wipc_io_port_close(struct wipc_object *port);

/* The port's epoll set, where io.c watches its files' descriptors. */
int wipc_io_port_epfd(struct wipc_object *port);

/* References to up to max ports of the process (the caller releases
 * them): all of them (idle_ms 0), or those no thread has waited in for at
 * least idle_ms. */
size_t wipc_io_ports_list(struct wipc_object **out, size_t max,
                          uint64_t idle_ms);

/* Takes the reports that port's threads left for a later look, then what
 * port's set reports now, without waiting, into ev (at most max): returns
 * how many (its doorbell left out, rung again for its sleepers). */
int wipc_io_port_poll(struct wipc_object *port, struct wipc_plat_pollfd *ev,
                      int max);

/* The calling thread, if associated with a port (it took packets there),
 * starts (blocking 1) or ends (0) a wait for something else: it does not
 * count as one of the port's running threads meanwhile, so another may be
 * released (core/wait.c). */
void wipc_io_port_thread_blocks(int blocking);

/* Associates obj's completions with port under key (the engine takes a
 * reference on port).  ERROR_INVALID_PARAMETER if obj has a port already. */
DWORD wipc_io_associate(struct wipc_object *obj, struct wipc_object *port,
                        ULONG_PTR key);

/*
 * A handle to obj goes to another process (DuplicateHandle, inheritance):
 * if obj is associated with a completion port, *fd is the sending end of
 * a new link to that port (or, if obj came here with one, of that same
 * link), for the other process's wipc_io_link_in; the caller closes it
 * once it is sent.  -1 if obj has no port.  ERROR_NOT_ENOUGH_MEMORY or a
 * system error if the link cannot be made.  docs/overlapped.md, "Ports
 * across processes".
 */
DWORD wipc_io_link_out(struct wipc_object *obj, int *fd);

/* obj, just made from a handle another process passed, came with link fd
 * (wipc_io_link_out's; taken over, also on failure; -1: none): its
 * completions become packets of that process's port. */
void wipc_io_link_in(struct wipc_object *obj, int fd);

/* Queues routine(err, n, ov) to thread tid of this process as an APC
 * (apc.h): how completion routines run.  ERROR_NOT_ENOUGH_MEMORY. */
DWORD wipc_io_queue_routine(void (*routine)(DWORD, DWORD, OVERLAPPED *),
                            DWORD tid, DWORD err, DWORD n, OVERLAPPED *ov);

/* SetFileCompletionNotificationModes: FILE_SKIP_COMPLETION_PORT_ON_SUCCESS
 * and FILE_SKIP_SET_EVENT_ON_HANDLE for obj's later completions. */
DWORD wipc_io_set_modes(struct wipc_object *obj, UCHAR modes);

/* The NTSTATUS an OVERLAPPED's Internal holds for a Win32 result, and
 * back (GetOverlappedResult). */
ULONG_PTR wipc_io_status_of(DWORD err);
DWORD wipc_io_error_of(ULONG_PTR status);

#define WIPC_STATUS_PENDING ((ULONG_PTR)0x00000103u)

#endif /* WIPC_IO_H */
