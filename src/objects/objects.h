/*
 * objects.h: constructors and ops tables of the kernel object types.
 * Each type lives in its own file in this folder.
 */
#ifndef WIPC_OBJECTS_H
#define WIPC_OBJECTS_H

#include "../core/object.h"
#include "../platform/platform.h"

/* ---- file.c: descriptors as Windows files ------------------------------- */

/* A file object: disk files, character devices, and (with
 * wipc_pipe_end_ops) pipe ends.  It owns fd. */
struct wipc_file {
    struct wipc_object obj;
    int fd;
    char *delete_path; /* FILE_FLAG_DELETE_ON_CLOSE: unlinked on destroy */
    DWORD pipe_size;   /* an anonymous pipe's CreatePipe nSize; 0: unknown */
};

extern const struct wipc_object_ops wipc_disk_file_ops;
extern const struct wipc_object_ops wipc_char_file_ops;

/* The offset of a write at the end of file (an OVERLAPPED whose Offset and
 * OffsetHigh are both 0xFFFFFFFF). */
#define WIPC_OFFSET_END ((int64_t)-2)

/*
 * A new file object owning fd, typed by what fd is (disk, char, pipe).
 * On failure fd is left open for the caller.  Returns ERROR_* on failure.
 */
DWORD wipc_file_wrap(int fd, struct wipc_object **out);

/* A new file object of the given ops owning fd (which it takes always). */
DWORD wipc_file_new(const struct wipc_object_ops *ops, int fd,
                    struct wipc_object **out);

/* 1 if obj is a file object of any kind (disk, char, pipe end). */
int wipc_is_file(const struct wipc_object *obj);

/* 1 if obj is a file object or a named pipe end. */
int wipc_is_stream(const struct wipc_object *obj);

/* ops helpers shared by file kinds */
int wipc_file_get_fd(struct wipc_object *obj);
void wipc_file_inherit_info(struct wipc_object *obj, int *fd, char *tag,
                            size_t taglen);
void wipc_file_destroy(struct wipc_object *obj);

/* ---- pipe.c: anonymous pipes --------------------------------------------- */

extern const struct wipc_object_ops wipc_pipe_end_ops;

/* Creates an anonymous pipe's two file objects (see CreatePipe). */
DWORD wipc_pipe_create(DWORD size, struct wipc_object **read_end,
                       struct wipc_object **write_end);

/* The size CreatePipe was asked for (GetNamedPipeInfo's buffer sizes): 4096
 * for nSize 0, as Windows, and for an end this process did not create (an
 * inherited one: the size is not passed on). */
DWORD wipc_pipe_size(struct wipc_object *obj);

/* PIPE_NOWAIT on a pipe end, shared by every handle to the end (see
 * pipe.c); wipc_pipe_nowait: 1 if it is set. */
DWORD wipc_pipe_set_nowait(struct wipc_object *obj, int nowait);
int wipc_pipe_nowait(struct wipc_object *obj);

/* PeekNamedPipe on a pipe end: copies up to len bytes without consuming;
 * *avail is everything queued. */
DWORD wipc_pipe_peek(struct wipc_object *obj, void *buf, DWORD len,
                     DWORD *got, DWORD *avail);

/* ---- named_pipe.c: named pipes ------------------------------------------- */

extern const struct wipc_object_ops wipc_npipe_ops;

/* A new server instance of the pipe whose registry is at path (name is the
 * name as given, for listings).  Errors as CreateNamedPipe: ERROR_PIPE_BUSY
 * (all instances taken), ERROR_ACCESS_DENIED (FILE_FLAG_FIRST_PIPE_INSTANCE
 * on an existing pipe, another access mode, another user's pipe). */
DWORD wipc_npipe_create(const char *path, const char *name, DWORD open_mode,
                        DWORD pipe_mode, DWORD max_instances, DWORD out_size,
                        DWORD in_size, DWORD timeout, int is_public,
                        struct wipc_object **out);

/* A client connected to a listening instance: ERROR_FILE_NOT_FOUND (no
 * instance), ERROR_PIPE_BUSY (none listening), ERROR_ACCESS_DENIED. */
DWORD wipc_npipe_open(const char *path, ACCESS_MASK access,
                      struct wipc_object **out);

/* WaitNamedPipe: 0 once an instance listens, ERROR_SEM_TIMEOUT,
 * ERROR_FILE_NOT_FOUND. */
DWORD wipc_npipe_wait(const char *path, DWORD timeout);

DWORD wipc_npipe_connect(struct wipc_object *obj);
DWORD wipc_npipe_disconnect(struct wipc_object *obj);
DWORD wipc_npipe_peek(struct wipc_object *obj, void *buf, DWORD len,
                      DWORD *got, DWORD *avail, DWORD *left);
DWORD wipc_npipe_set_mode(struct wipc_object *obj, const DWORD *mode);

struct wipc_npipe_info {
    int server;
    DWORD pipe_type, read_mode, nowait, max_instances, out_size, in_size,
        cur_instances;
};
void wipc_npipe_info(struct wipc_object *obj, struct wipc_npipe_info *info);

/* The pid of the pipe's server (want_server) or client end. */
DWORD wipc_npipe_peer_pid(struct wipc_object *obj, int want_server,
                          DWORD *pid);

/* A server end's client of another machine (npipe_remote.h): what the
 * bridge said of it, in *out.  ERROR_PIPE_LOCAL for a client of this
 * machine (or on a client end), ERROR_PIPE_NOT_CONNECTED without one. */
struct wipc_npr_handover;
DWORD wipc_npipe_remote_client(struct wipc_object *obj,
                               struct wipc_npr_handover *out);

/* The user id of a server end's client (SO_PEERCRED when it connected).
 * ERROR_PIPE_NOT_CONNECTED without a client (a client that has gone
 * counts until DisconnectNamedPipe), ERROR_INVALID_PARAMETER on a client
 * end. */
DWORD wipc_npipe_client_uid(struct wipc_object *obj, DWORD *uid);

/* 1 if anything is queued to be read (TransactNamedPipe's busy check). */
int wipc_npipe_has_unread(struct wipc_object *obj);

/* A connected end over an inherited socket; args from the inherit tag. */
DWORD wipc_npipe_adopt(int fd, const char *args, struct wipc_object **out);

/*
 * A named pipe end passed to another process (process/inherit.c): *fd
 * gets the second descriptor that goes with the end's connection, which
 * holds its quota pages and room eventfds (the buffer quota follows the
 * end, docs/architecture.md) and its completion port link (core/io.h), or
 * -1 if it has none of them.  The caller closes it once it is sent.
 * ERROR_NOT_ENOUGH_MEMORY (no descriptors).
 */
DWORD wipc_npipe_share_out(struct wipc_object *obj, int *fd);

/* An end goes to another process without that descriptor (a handle
 * duplicated into a CREATE_SUSPENDED child, or no descriptors left): its
 * quota is off for the rest of the connection, on both sides. */
void wipc_npipe_share_off(struct wipc_object *obj);

/* The other side, for an end just rebuilt (wipc_npipe_adopt): takes fd
 * (-1: nothing) over; what is not right in it is closed, and the end then
 * has no quota for that direction. */
void wipc_npipe_share_in(struct wipc_object *obj, int fd);

/* ---- mailslot.c: mailslots -------------------------------------------------- */

extern const struct wipc_object_ops wipc_mailslot_ops;

/* The receiver of a new mailslot: ERROR_ALREADY_EXISTS if the name has a
 * live receiver (in any process). */
DWORD wipc_mailslot_create(const char *path, const char *name, DWORD max_msg,
                           DWORD timeout, int is_public,
                           struct wipc_object **out);

/* A writer: ERROR_FILE_NOT_FOUND if no receiver has the name. */
DWORD wipc_mailslot_open(const char *path, struct wipc_object **out);

/* An end over an inherited socket; args from the inherit tag. */
DWORD wipc_mailslot_adopt(int fd, const char *args, struct wipc_object **out);

int wipc_is_mailslot_receiver(const struct wipc_object *obj);
DWORD wipc_mailslot_info(struct wipc_object *obj, DWORD *max_msg,
                         DWORD *next, DWORD *count, DWORD *timeout);
void wipc_mailslot_set_timeout(struct wipc_object *obj, DWORD timeout);

/*
 * Hands a message that came from the network to a receiver created in this
 * process, through its own socket and without waiting: ERROR_BUSY (the
 * message is dropped) if its queue is full or MS_NET_BACKLOG messages
 * wait, ERROR_INVALID_PARAMETER if larger than its maximum size.
 */
DWORD wipc_mailslot_net_deliver(struct wipc_object *obj, uint64_t sock_id,
                                const void *buf, size_t len);

/* The socket id of the receiver registered at path (it may be gone:
 * sending there then fails).  ERROR_FILE_NOT_FOUND if none. */
DWORD wipc_mailslot_lookup(const char *path, uint64_t *sock_id);

/*
 * Hands a message from the network to the receiver of the mailslot whose
 * registry file is path, in another process, without waiting: into its
 * queue, or (another user's public mailslot) as a datagram sent on fwd_fd
 * (an unbound datagram socket).  ERROR_BUSY if there is no room,
 * ERROR_FILE_NOT_FOUND if there is no receiver.
 */
DWORD wipc_mailslot_forward(const char *path, const void *buf, size_t len,
                            int fwd_fd);

/* ---- mailslot_net.c: mailslots between machines ---------------------------- */

/*
 * A writer for "\\SERVER\mailslot\SLOT" (server: server_len bytes, "*",
 * a domain or a computer name; slot: what follows "\mailslot\").  Needs
 * no receiver.  ERROR_BAD_NETPATH if networking is off, the server name
 * is not a NetBIOS name or nothing can be reached.  Returns a new
 * reference in *out.
 */
DWORD wipc_mailslot_remote_open(const char *server, size_t server_len,
                                const char *slot, struct wipc_object **out);

/* A receiver created in this process starts (register) or stops
 * (unregister; unknown receivers are ignored) hearing the network.  No
 * reference is taken: unregister before the object is freed. */
void wipc_mailslot_net_register(struct wipc_object *receiver,
                                const char *path, uint64_t sock_id);
void wipc_mailslot_net_unregister(struct wipc_object *receiver);

/* ---- event.c ------------------------------------------------------------- */

extern const struct wipc_object_ops wipc_event_ops;

DWORD wipc_event_create(BOOL manual_reset, BOOL initial_state,
                        struct wipc_object **out);
/* An event over an inherited eventfd and state memfd (both taken over,
 * also on failure). */
DWORD wipc_event_adopt(int fd, int state, BOOL manual_reset,
                       struct wipc_object **out);
DWORD wipc_event_set(struct wipc_object *obj);
DWORD wipc_event_reset(struct wipc_object *obj);
/* PulseEvent: releases the threads waiting now (one, for an auto-reset
 * event) and leaves the event reset. */
DWORD wipc_event_pulse(struct wipc_object *obj);
/* The event's state memfd (for wipc_sync_second_fd). */
int wipc_event_state_fd(struct wipc_object *obj);

#endif /* WIPC_OBJECTS_H */
