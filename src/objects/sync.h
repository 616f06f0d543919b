/*
 * sync.h: mutexes and semaphores (mutex.c, semaphore.c), and the names of
 * events, mutexes and semaphores (sync_name.c).
 *
 * Each object is kernel objects that any holder, in any process, reaches
 * directly: a mutex is a token eventfd (readable while it is free) and a
 * sealed memfd with its owner (pid, start time, thread) and recursion
 * count; a semaphore is an eventfd in semaphore mode (its counter is the
 * count) and a memfd with the count and the maximum under a lock (the
 * shared states' lock below, which events in fd mode take too).
 * So the object lives while any process holds one of its descriptors, and
 * crosses processes as inherited handles and DuplicateHandle do: a first
 * descriptor and a tag (inherit_info), and a second one, the memfd
 * (wipc_sync_second_fd).
 */
#ifndef WIPC_SYNC_H
#define WIPC_SYNC_H

#include "../core/object.h"
#include "../platform/platform.h"

/* The longest name of an event, mutex, semaphore, timer, file mapping or
 * job, in UTF-16 units: a W function's (a kernel object's name, which
 * Windows keeps in a UNICODE_STRING of at most 65,534 bytes); the A
 * functions stop at MAX_PATH - 1 (api.h). */
#define WIPC_SYNC_NAME_UNITS 32767u

extern const struct wipc_object_ops wipc_mutex_ops;
extern const struct wipc_object_ops wipc_semaphore_ops;

/* A new mutex, owned by the calling thread if initial_owner. */
DWORD wipc_mutex_create(BOOL initial_owner, struct wipc_object **out);

/* ReleaseMutex: ERROR_NOT_OWNER unless the calling thread owns it. */
DWORD wipc_mutex_release(struct wipc_object *obj);

/* A mutex over descriptors from another process (taken over, also on
 * failure: then closed). */
DWORD wipc_mutex_adopt(int token, int state, struct wipc_object **out);

/* A new semaphore (0 <= initial <= maximum, maximum > 0: checked by the
 * caller). */
DWORD wipc_semaphore_create(LONG initial, LONG maximum,
                            struct wipc_object **out);

/* ReleaseSemaphore: ERROR_TOO_MANY_POSTS past the maximum. */
DWORD wipc_semaphore_release(struct wipc_object *obj, LONG count, LONG *prev);

/* A semaphore over descriptors from another process (taken over). */
DWORD wipc_semaphore_adopt(int efd, int state, struct wipc_object **out);

/* A semaphore's state memfd (for wipc_sync_second_fd). */
int wipc_semaphore_state_fd(struct wipc_object *obj);

/* The second descriptor that goes with inherit_info's for another process
 * (a mutex's or semaphore's state), or -1 for other objects. */
int wipc_sync_second_fd(struct wipc_object *obj);

/* Rebuilds an object whose tag names a type of this header ("mutex",
 * "semaphore"), taking over fd and fd2 (also on failure).
 * ERROR_INVALID_DATA for another tag. */
DWORD wipc_sync_rebuild(const char *tag, int fd, int fd2,
                        struct wipc_object **out);

/* Maps the state memfd of an object from another process (size bytes,
 * sealed, beginning with magic and size); on failure closes *fd and
 * state (ERROR_INVALID_DATA for a state of another kind). */
DWORD wipc_sync_map_state(int *fd, int state, uint32_t size, uint32_t magic,
                          void **out);

/*
 * The lock of a state that every holder maps (an event's in fd mode, a
 * semaphore's; a wait for all's, core/wait.c): 0 while free, else the
 * holder's process (pid and start time).  It is held for a few
 * instructions and system calls.  take waits for it; a holder that died,
 * or that keeps it past a bound (a stopped process, or a hostile one of
 * another user for a public object), is replaced, and *recovered says so
 * (what it guards may be half-changed).  try: 1 if it was free (or its
 * holder had died: *recovered), else 0 after a few looks.
 */
typedef _Atomic uint64_t wipc_sync_lock;
void wipc_sync_lock_take(wipc_sync_lock *l, int *recovered);
int wipc_sync_lock_try(wipc_sync_lock *l, int *recovered);
void wipc_sync_unlock(wipc_sync_lock *l);

/* 1 if tag names a type of this header (it needs a second descriptor). */
int wipc_sync_tag(const char *tag);

/* ---- timer.c: waitable timers ------------------------------------------- */

extern const struct wipc_object_ops wipc_timer_ops;

DWORD wipc_timer_create(BOOL manual, struct wipc_object **out);

/* A timer over a timerfd from another process (taken over on success). */
DWORD wipc_timer_adopt(int fd, BOOL manual, struct wipc_object **out);

/* SetWaitableTimer: due in 100 ns units (below 0: relative; above: an
 * absolute FILETIME; 0: now), period in ms (>= 0), fn an APC to the
 * calling thread each time it fires (NULL: none). */
DWORD wipc_timer_set(struct wipc_object *obj, int64_t due, LONG period,
                     PTIMERAPCROUTINE fn, LPVOID arg);

/* CancelWaitableTimer: stops it; a signalled timer stays so. */
DWORD wipc_timer_cancel(struct wipc_object *obj);

/* ---- mapping.c: file mappings and their views ---------------------------- */

extern const struct wipc_object_ops wipc_mapping_ops;

/*
 * CreateFileMapping's object (protect and size checked by the caller:
 * protect is one PAGE_* value, SEC_* flags removed): backed by a new
 * memfd of size bytes when file is NULL, else by the file (size 0: its
 * size, ERROR_FILE_INVALID if it is empty; a larger size extends a file
 * the mapping may write, ERROR_NOT_ENOUGH_MEMORY for a read-only one;
 * ERROR_ACCESS_DENIED for a file opened without the access protect
 * needs).
 */
DWORD wipc_mapping_create(struct wipc_object *file, DWORD protect,
                          uint64_t size, struct wipc_object **out);

/* A mapping over a descriptor from another process; args from the tag
 * ("PROT.SIZE"). */
DWORD wipc_mapping_adopt(int fd, const char *args, struct wipc_object **out);

/*
 * MapViewOfFileEx: a view of len bytes (0: to the end) at offset (a
 * multiple of 64 KiB: else ERROR_MAPPED_ALIGNMENT), at address at (NULL:
 * anywhere); granted is the handle's access.  ERROR_ACCESS_DENIED (rights,
 * protection, or past the end), ERROR_INVALID_PARAMETER (offset past the
 * end), ERROR_INVALID_ADDRESS (at is taken).
 */
DWORD wipc_mapping_map(struct wipc_object *obj, ACCESS_MASK granted,
                       DWORD access, uint64_t offset, size_t len, void *at,
                       void **out);

/* UnmapViewOfFile (any address in the view): ERROR_INVALID_ADDRESS when
 * none holds it.  FlushViewOfFile: ERROR_INVALID_PARAMETER likewise. */
DWORD wipc_mapping_unmap(const void *addr);
DWORD wipc_mapping_flush(const void *addr, size_t len);

/* ---- sync_name.c: named events, mutexes and semaphores ------------------- */

enum wipc_sync_kind {
    WIPC_SYNC_EVENT = 1,
    WIPC_SYNC_MUTEX = 2,
    WIPC_SYNC_SEMAPHORE = 3,
    WIPC_SYNC_TIMER = 4,
    WIPC_SYNC_MAPPING = 5,
    WIPC_SYNC_JOB = 6, /* job objects (process/job.h) share the names */
};

/* What a new object of a name is made with. */
struct wipc_sync_params {
    enum wipc_sync_kind kind;
    BOOL manual_reset, initial_state; /* events; manual_reset: timers */
    BOOL initial_owner;               /* mutexes */
    LONG initial, maximum;            /* semaphores */
    struct wipc_object *file;         /* mappings: NULL, or the file */
    DWORD protect;                    /* mappings */
    uint64_t size;                    /* mappings */
    int is_public;                    /* a NULL DACL: every user */
    /* Jobs: makes one (the process layer's, which owns them). */
    DWORD (*make)(struct wipc_object **out);
};

/*
 * Checks a name as Windows does and gives its registry file name ("sync."
 * + the name encoded case-sensitively; "Local\" is the same namespace as
 * no prefix, "Global\" another).  ERROR_PATH_NOT_FOUND for any other
 * backslash, ERROR_FILENAME_EXCED_RANGE for a name too long.
 */
DWORD wipc_sync_name_path(const char *name, char *file, size_t cap);

/*
 * Create*: the object of that name if it lives (in any process of this
 * user): *existed 1, ERROR_INVALID_HANDLE if it is of another kind; else a
 * new one made with p.  Open* (p NULL, kind): ERROR_FILE_NOT_FOUND if there
 * is none.  *out gets a reference.
 */
DWORD wipc_sync_name_get(const char *name, enum wipc_sync_kind kind,
                         const struct wipc_sync_params *p,
                         struct wipc_object **out, int *existed);

/* The job objects' type (process/job.h), which this layer cannot name:
 * set by it before it uses names. */
void wipc_sync_name_set_job_ops(const struct wipc_object_ops *ops);

/* Called by the types' destroy: this process's hold on obj's name (if
 * any) ends. */
void wipc_sync_name_forget(struct wipc_object *obj);

/* The name obj was created or opened with in this process, or NULL. */
const char *wipc_sync_name_of(struct wipc_object *obj);

/*
 * The handle service's side: the object this process holds under the
 * registry id, referenced, with what another process needs to rebuild it
 * (descriptors still owned by the object, and its tag).
 * ERROR_FILE_NOT_FOUND if this process holds no such object (any more);
 * foreign (the asker is another user): ERROR_ACCESS_DENIED unless it was
 * made public (a NULL DACL).
 */
DWORD wipc_sync_name_lookup(uint64_t id, int foreign, struct wipc_object **out);

/* The service's client side, which the process layer (owner of the
 * handle service) sets before main(): asks process pid, of user uid, for
 * the object it holds under id, *out referenced.  Until set, names reach
 * this process only. */
typedef DWORD (*wipc_sync_fetch_fn)(DWORD pid, DWORD uid, uint64_t id,
                                    struct wipc_object **out);
/* ready: makes sure this process answers others' fetches before it takes
 * a slot (starts its handle service). */
void wipc_sync_name_set_fetch(wipc_sync_fetch_fn fn, void (*ready)(void));

/* ---- Listings (the winipc tool's "objects") ------------------------------- */

#define WIPC_SYNC_HOLDERS_MAX 16

struct wipc_sync_status {
    char name[512 + 8];  /* as created: "x", "Global\x" */
    enum wipc_sync_kind kind;
    DWORD owner_uid;     /* the user that created it */
    int is_public;       /* made with a NULL DACL */
    size_t nholders;     /* processes holding it by name (live slots) */
    DWORD holders[WIPC_SYNC_HOLDERS_MAX]; /* the first of them */
    /* The object's state, read from a holder's object (wipc_sync_state):
     * has_state 0 when none would give it. */
    int has_state;
    int signalled;       /* events, timers; mutexes: free; semaphores: > 0 */
    int manual_reset;    /* events, timers */
    DWORD owner_pid, owner_tid; /* mutexes: 0 while free */
    DWORD recursion;     /* mutexes: the owner's */
    int abandoned;       /* mutexes: the next acquirer hears WAIT_ABANDONED */
    int64_t count, maximum; /* semaphores */
    uint64_t size;       /* mappings */
};

/* Fills st's state fields (has_state and after) from obj, of st->kind's
 * type, without changing the object. */
void wipc_sync_state(struct wipc_object *obj, struct wipc_sync_status *st);

/* Each type's part of it (in its own file). */
void wipc_event_state(struct wipc_object *obj, int *signalled, int *manual);
void wipc_mutex_state(struct wipc_object *obj, DWORD *pid, DWORD *tid,
                      DWORD *recursion, int *abandoned);
void wipc_semaphore_state(struct wipc_object *obj, int64_t *count,
                          int64_t *maximum);
void wipc_timer_state(struct wipc_object *obj, int *signalled, int *manual);
uint64_t wipc_mapping_size(struct wipc_object *obj);

/*
 * Every named event, mutex, semaphore, timer and mapping that some process
 * holds, sorted by registry file name, in a malloc'ed array of *n (NULL
 * when none; free() it), with its state as a holder gives the object to
 * Open* (no slot taken).  Read-only: each registry read under its mutex
 * (shared); other users' private names cannot be read and are left out.
 */
DWORD wipc_sync_list(struct wipc_sync_status **out, size_t *n);

/* "Event", "Mutant", "Semaphore", "Timer", "Section", "Job" (Windows' type
 * names). */
const char *wipc_sync_kind_name(enum wipc_sync_kind kind);

#endif /* WIPC_SYNC_H */
