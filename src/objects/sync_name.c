/*
 * sync_name.c: the names of events, mutexes, semaphores, waitable timers
 * and file mappings, shared by the processes of a user, with no daemon.
 *
 * An object lives in its descriptors (sync.h), which every holder has;
 * a name is only how a process finds a holder to get them from.  Each name
 * is a registry file in the namespace root (namespace.h):
 *
 *   ROOT/sync.lENCODED   a name without prefix, or "Local\NAME"
 *   ROOT/sync.gENCODED   "Global\NAME"
 *
 * ENCODED keeps the case (these names are case-sensitive, unlike pipes):
 * [a-z0-9_-] as they are, every other byte as %XX; a name whose encoding
 * would not fit a file name is "h" and a hash, and the full name in the
 * header (one of 512 bytes or more: after the slots) tells such names
 * apart.  The file (0600, its owner's: only that
 * user's processes open it, and nobody else can) holds a header (the
 * object's type, a random id drawn when the name was born, the name) and
 * one slot per process that holds the object under that name (its pid).
 * A process holds its slot's lock (an OFD lock on byte 1 + i, through a
 * descriptor of its own) for as long as it has the object, so a process
 * that dies frees its slot at once, as named pipe instances do.
 *
 * Create and Open take the registry's mutex, look for live slots, and
 * fetch the object from one of their processes: this process's own table
 * when it holds the name already, else the holder's handle service (a
 * request by id; the service answers its own user only, and the client
 * checks the answering process: service.c).  A name none of whose slots
 * lives is free: Create makes a new object (a new id), Open answers
 * ERROR_FILE_NOT_FOUND.  So the name goes with the last holder, even one
 * that was killed; the file left behind is taken over by the next Create,
 * or removed by the last holder that closes normally.
 *
 * A process that got the object otherwise (inherited, duplicated) holds
 * no slot: the name finds it while some process that created or opened it
 * by name holds it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/namespace.h"
#include "../core/utf.h"
#include "objects.h"
#include "sync.h"

#define SN_MAGIC 0x4e595357u /* "WSYN" */
#define SN_NAME_MAX 512 /* bytes of a name kept in the header */
#define SN_SLOTS_OFF 1024u
#define SN_SLOTS_MAX 4096u
#define SN_FILE_MAX 200
/* A longer name (a W function's, up to WIPC_SYNC_NAME_UNITS UTF-16 units)
 * is kept whole after the last slot; the header keeps its start. */
#define SN_LONG_OFF (SN_SLOTS_OFF + SN_SLOTS_MAX * sizeof(struct sn_slot))
#define SN_LONG_MAX (3u * WIPC_SYNC_NAME_UNITS)

#define SN_PUBLIC 1u /* made with a NULL DACL: every user may open it */

struct sn_header {
    uint32_t magic, kind;
    uint64_t id;
    uint32_t nslots, namelen, flags, pad;
    char name[SN_NAME_MAX];
};

struct sn_slot {
    uint32_t pid, pad;
    uint64_t reserved;
};

/* This process's holds: one per name (per object it created or opened). */
struct sn_entry {
    struct sn_entry *next;
    struct wipc_object *obj; /* not referenced: forgotten by its destroy */
    uint64_t id;
    int kind, hold_fd, is_public;
    char file[WIPC_NS_NAME_MAX];
    char *name;
};

static wipc_mutex sn_lock = WIPC_MUTEX_INIT;
static struct sn_entry *sn_list;
static wipc_sync_fetch_fn sn_fetch;
static void (*sn_ready)(void);

void wipc_sync_name_set_fetch(wipc_sync_fetch_fn fn, void (*ready)(void))
{
    wipc_mutex_lock(&sn_lock);
    sn_fetch = fn;
    sn_ready = ready;
    wipc_mutex_unlock(&sn_lock);
}

/* A reference to obj unless its last one is being dropped (then its
 * destroy is about to forget it). */
static int sn_grab_live(struct wipc_object *obj)
{
    long n = atomic_load(&obj->refcount);
    while (n > 0)
        if (atomic_compare_exchange_weak(&obj->refcount, &n, n + 1))
            return 1;
    return 0;
}

static const struct wipc_object_ops *_Atomic sn_job_ops;

void wipc_sync_name_set_job_ops(const struct wipc_object_ops *ops)
{
    atomic_store(&sn_job_ops, ops);
}

static enum wipc_sync_kind sn_kind_of(const struct wipc_object *obj)
{
    if (obj->ops == atomic_load(&sn_job_ops))
        return WIPC_SYNC_JOB;
    if (obj->ops == &wipc_mutex_ops)
        return WIPC_SYNC_MUTEX;
    if (obj->ops == &wipc_semaphore_ops)
        return WIPC_SYNC_SEMAPHORE;
    if (obj->ops == &wipc_timer_ops)
        return WIPC_SYNC_TIMER;
    if (obj->ops == &wipc_mapping_ops)
        return WIPC_SYNC_MAPPING;
    return WIPC_SYNC_EVENT;
}

/* ---- Names ------------------------------------------------------------------ */

static uint64_t sn_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    return h;
}

DWORD wipc_sync_name_path(const char *name, char *file, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *rest = name;
    char ns = 'l';
    size_t k, len;

    if (strncmp(name, "Global\\", 7) == 0) {
        ns = 'g';
        rest = name + 7;
    } else if (strncmp(name, "Local\\", 6) == 0) {
        rest = name + 6;
    }
    if (strchr(rest, '\\'))
        return ERROR_PATH_NOT_FOUND; /* no such object directory */
    if (!*rest)
        return ERROR_INVALID_NAME; /* "Local\\" alone */
    len = strlen(rest);
    if (len > SN_LONG_MAX || wipc_utf8_units(rest) > WIPC_SYNC_NAME_UNITS)
        return ERROR_FILENAME_EXCED_RANGE;
    if (cap < SN_FILE_MAX + 32)
        return ERROR_INSUFFICIENT_BUFFER;
    k = (size_t)snprintf(file, cap, "sync.%c", ns);
    for (; *rest; rest++) {
        unsigned char c = (unsigned char)*rest;
        if (k + 4 > SN_FILE_MAX) {
            snprintf(file, cap, "sync.%ch%016llx", ns,
                     (unsigned long long)sn_hash(name));
            return 0;
        }
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
            c == '-') {
            file[k++] = (char)c;
        } else {
            file[k++] = '%';
            file[k++] = hex[c >> 4];
            file[k++] = hex[c & 15];
        }
    }
    file[k] = '\0';
    return 0;
}

/* ---- The registry ----------------------------------------------------------- */

static uint64_t sn_slot_off(uint32_t i)
{
    return SN_SLOTS_OFF + (uint64_t)i * sizeof(struct sn_slot);
}

/* The header, if the file has a valid one (else 0 slots, no kind). */
static void sn_read_header(const struct wipc_ns_file *f, struct sn_header *h)
{
    if (f->size < sizeof *h || wipc_plat_pread_all(f->fd, h, sizeof *h, 0) ||
        h->magic != SN_MAGIC || h->namelen > SN_LONG_MAX) {
        memset(h, 0, sizeof *h);
        return;
    }
    h->name[h->namelen < SN_NAME_MAX ? h->namelen : SN_NAME_MAX - 1] = '\0';
    if (h->nslots > SN_SLOTS_MAX)
        h->nslots = SN_SLOTS_MAX;
    if (f->size < sn_slot_off(h->nslots))
        h->nslots = f->size <= SN_SLOTS_OFF
                        ? 0
                        : (uint32_t)((f->size - SN_SLOTS_OFF) /
                                     sizeof(struct sn_slot));
}

/* 1 if the registry (its header h read) is the one of name: a long name
 * is compared whole, from after the slots. */
static int sn_same_name(const struct wipc_ns_file *f,
                        const struct sn_header *h, const char *name)
{
    size_t len = strlen(name);
    char *whole;
    int same;
    if (h->magic != SN_MAGIC || h->namelen != len)
        return 0;
    if (len < SN_NAME_MAX)
        return memcmp(h->name, name, len) == 0;
    whole = malloc(len);
    same = whole && f->size >= SN_LONG_OFF + len &&
           wipc_plat_pread_all(f->fd, whole, len, SN_LONG_OFF) == 0 &&
           memcmp(whole, name, len) == 0;
    free(whole);
    return same;
}

/* Asks the holder of slot i, a process of the registry's owner, for the
 * object (this process: its table). */
static DWORD sn_fetch_from(uint32_t pid, DWORD uid, uint64_t id,
                           struct wipc_object **out)
{
    wipc_sync_fetch_fn fetch;
    if (pid == wipc_plat_getpid())
        return wipc_sync_name_lookup(id, 0, out);
    wipc_mutex_lock(&sn_lock);
    fetch = sn_fetch;
    wipc_mutex_unlock(&sn_lock);
    return fetch ? fetch(pid, uid, id, out) : ERROR_FILE_NOT_FOUND;
}

/* Under the registry's mutex: *live 1 if a slot lives; the object from the
 * first live holder that gives it. */
static void sn_find(const struct wipc_ns_file *f, const struct sn_header *h,
                    int *live, struct wipc_object **obj)
{
    uint32_t i;
    *live = 0;
    *obj = NULL;
    for (i = 0; i < h->nslots; i++) {
        struct sn_slot s;
        if (!wipc_plat_byte_locked(f->fd, WIPC_NS_LOCK_SLOT(i)) ||
            wipc_plat_pread_all(f->fd, &s, sizeof s, sn_slot_off(i)) ||
            s.pid == 0)
            continue;
        *live = 1;
        if (!*obj && sn_fetch_from(s.pid, f->owner, h->id, obj) == 0 &&
            sn_kind_of(*obj) != (enum wipc_sync_kind)h->kind) {
            wipc_object_release(*obj); /* not what the registry says */
            *obj = NULL;
        }
        if (*obj)
            return;
    }
}

/* Takes a free slot for this process, through a descriptor of its own. */
static DWORD sn_take_slot(const struct wipc_ns_file *f, struct sn_header *h,
                          int *hold_fd)
{
    struct sn_slot s = {.pid = wipc_plat_getpid()};
    uint32_t i;
    int fd;
    DWORD err = wipc_plat_reopen(f->fd, O_RDWR, &fd);

    if (err)
        return err;
    for (i = 0; i < SN_SLOTS_MAX; i++) {
        if (i < h->nslots && wipc_plat_byte_locked(f->fd, WIPC_NS_LOCK_SLOT(i)))
            continue;
        if (wipc_plat_lock_byte(fd, WIPC_NS_LOCK_SLOT(i), 0) != 0)
            continue;
        err = wipc_plat_pwrite_all(f->fd, &s, sizeof s, sn_slot_off(i));
        if (!err && i >= h->nslots) {
            h->nslots = i + 1;
            err = wipc_plat_pwrite_all(f->fd, &h->nslots, sizeof h->nslots,
                                       offsetof(struct sn_header, nslots));
        }
        if (err)
            break;
        *hold_fd = fd;
        return 0;
    }
    wipc_plat_close(fd);
    return err ? err : ERROR_TOO_MANY_OPEN_FILES;
}

static DWORD sn_make(const struct wipc_sync_params *p, struct wipc_object **out)
{
    switch (p->kind) {
    case WIPC_SYNC_EVENT:
        return wipc_event_create(p->manual_reset, p->initial_state, out);
    case WIPC_SYNC_MUTEX:
        return wipc_mutex_create(p->initial_owner, out);
    case WIPC_SYNC_SEMAPHORE:
        return wipc_semaphore_create(p->initial, p->maximum, out);
    case WIPC_SYNC_TIMER:
        return wipc_timer_create(p->manual_reset, out);
    case WIPC_SYNC_MAPPING:
        return wipc_mapping_create(p->file, p->protect, p->size, out);
    case WIPC_SYNC_JOB:
        return p->make ? p->make(out) : ERROR_INVALID_PARAMETER;
    }
    return ERROR_INVALID_PARAMETER;
}

/*
 * Another user's name (the file is not the caller's): reachable only if
 * its creator made it public, and then only while one of the creator's
 * processes holds it.  The caller takes no slot (it may not write the
 * registry): the name finds the object through the creator's processes.
 */
static DWORD sn_get_foreign(const char *file, const char *plain,
                            enum wipc_sync_kind kind, int create,
                            struct wipc_object **out, int *existed)
{
    struct wipc_ns_file f;
    struct sn_header h;
    struct wipc_object *obj = NULL;
    int created = 0, live = 0;
    DWORD err = wipc_ns_open(file, WIPC_NS_READ, 0, &f, &created);

    if (err == ERROR_LOCK_VIOLATION)
        err = ERROR_ACCESS_DENIED;
    if (err)
        return err;
    sn_read_header(&f, &h);
    if (!(h.flags & SN_PUBLIC) || !sn_same_name(&f, &h, plain)) {
        wipc_plat_close(f.fd);
        return ERROR_ACCESS_DENIED;
    }
    sn_find(&f, &h, &live, &obj);
    wipc_plat_close(f.fd);
    if (obj && sn_kind_of(obj) != kind) {
        wipc_object_release(obj);
        return ERROR_INVALID_HANDLE;
    }
    if (!obj) /* another user's file, nobody's object: not ours to take */
        return create ? ERROR_ACCESS_DENIED : ERROR_FILE_NOT_FOUND;
    if (existed)
        *existed = 1;
    *out = obj;
    return 0;
}

/* This process's hold on the name, if it has one: the object, referenced. */
static struct wipc_object *sn_local(const char *file, const char *name)
{
    struct sn_entry *e;
    struct wipc_object *obj = NULL;
    wipc_mutex_lock(&sn_lock);
    for (e = sn_list; e; e = e->next)
        if (strcmp(e->file, file) == 0 && strcmp(e->name, name) == 0 &&
            sn_grab_live(e->obj)) {
            obj = e->obj;
            break;
        }
    wipc_mutex_unlock(&sn_lock);
    return obj;
}

DWORD wipc_sync_name_get(const char *name, enum wipc_sync_kind kind,
                         const struct wipc_sync_params *p,
                         struct wipc_object **out, int *existed)
{
    char file[WIPC_NS_NAME_MAX];
    struct wipc_ns_file f;
    struct sn_header h;
    struct sn_entry *e;
    struct wipc_object *obj;
    const char *plain = name;
    void (*ready)(void);
    int created = 0, live = 0;
    DWORD err = wipc_sync_name_path(name, file, sizeof file);

    if (existed)
        *existed = 0;
    if (err)
        return err;
    /* "Local\x" and "x" are one name; the header keeps it without it. */
    if (strncmp(name, "Local\\", 6) == 0)
        plain = name + 6;
    obj = sn_local(file, plain);
    if (obj) {
        if (sn_kind_of(obj) != kind) {
            wipc_object_release(obj);
            return ERROR_INVALID_HANDLE;
        }
        if (existed)
            *existed = 1;
        *out = obj;
        return 0;
    }
    /* Others must reach this process once it holds a slot. */
    wipc_mutex_lock(&sn_lock);
    ready = sn_ready;
    wipc_mutex_unlock(&sn_lock);
    if (ready)
        ready();
    err = wipc_ns_open(file, p ? WIPC_NS_CREATE : WIPC_NS_OWNER,
                       p && p->is_public ? 0644 : 0600, &f, &created);
    if (err == ERROR_FILE_NOT_FOUND && !p)
        return ERROR_FILE_NOT_FOUND;
    if (err == ERROR_ACCESS_DENIED) /* another user's name */
        return sn_get_foreign(file, plain, kind, p != NULL, out, existed);
    if (err)
        return err;
    sn_read_header(&f, &h);
    if (sn_same_name(&f, &h, plain))
        sn_find(&f, &h, &live, &obj);
    if (live && (enum wipc_sync_kind)h.kind != kind) {
        if (obj)
            wipc_object_release(obj);
        obj = NULL; /* released once, not again below */
        err = ERROR_INVALID_HANDLE;
    } else if (!obj && !p) {
        /* Nobody holds it: the name is free; a file left by a process
         * that was killed goes. */
        if (!live)
            wipc_ns_remove_locked(file);
        err = ERROR_FILE_NOT_FOUND;
    } else if (!obj) {
        /* A new object; holders that could not give theirs (they were
         * going) keep their slots but no longer the id. */
        err = sn_make(p, &obj);
        if (!err) {
            struct sn_header nh = {.magic = SN_MAGIC, .kind = kind,
                                   .id = wipc_plat_random64(),
                                   .nslots = live ? h.nslots : 0,
                                   .flags = p->is_public ? SN_PUBLIC : 0};
            nh.namelen = (uint32_t)strlen(plain);
            memcpy(nh.name, plain,
                   nh.namelen < SN_NAME_MAX ? nh.namelen : SN_NAME_MAX - 1);
            h = nh;
            /* A file left by an earlier object gets this one's mode. */
            err = wipc_plat_fchmod(f.fd, p->is_public ? 0644 : 0600);
            if (!err && h.namelen >= SN_NAME_MAX) /* the whole name first */
                err = wipc_plat_pwrite_all(f.fd, plain, h.namelen,
                                           SN_LONG_OFF);
            if (!err)
                err = wipc_plat_pwrite_all(f.fd, &h, sizeof h, 0);
        }
    } else if (existed) {
        *existed = 1;
    }
    e = err ? NULL : calloc(1, sizeof *e);
    if (e && !(e->name = strdup(plain))) {
        free(e);
        e = NULL;
    }
    if (!err && !e)
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (!err)
        err = sn_take_slot(&f, &h, &e->hold_fd);
    wipc_plat_close(f.fd); /* drops the mutex */
    if (err) {
        if (e)
            free(e->name);
        free(e);
        if (obj)
            wipc_object_release(obj);
        return err;
    }
    e->obj = obj;
    e->id = h.id;
    e->kind = kind;
    e->is_public = (h.flags & SN_PUBLIC) != 0;
    snprintf(e->file, sizeof e->file, "%s", file);
    wipc_mutex_lock(&sn_lock);
    e->next = sn_list;
    sn_list = e;
    wipc_mutex_unlock(&sn_lock);
    *out = obj;
    return 0;
}

/* Removes the registry if no process holds a slot in it any more. */
static void sn_remove_if_unused(const char *file)
{
    struct wipc_ns_file f;
    struct sn_header h;
    int created, live = 0;
    uint32_t i;

    if (wipc_ns_open(file, WIPC_NS_OWNER, 0, &f, &created) != 0)
        return;
    sn_read_header(&f, &h);
    for (i = 0; i < h.nslots && !live; i++)
        live = wipc_plat_byte_locked(f.fd, WIPC_NS_LOCK_SLOT(i));
    if (!live)
        wipc_ns_remove_locked(file);
    wipc_plat_close(f.fd);
}

void wipc_sync_name_forget(struct wipc_object *obj)
{
    struct sn_entry **pp, *e = NULL;

    wipc_mutex_lock(&sn_lock);
    for (pp = &sn_list; *pp; pp = &(*pp)->next)
        if ((*pp)->obj == obj) {
            e = *pp;
            *pp = e->next;
            break;
        }
    wipc_mutex_unlock(&sn_lock);
    if (!e)
        return;
    wipc_plat_close(e->hold_fd); /* the slot is free */
    sn_remove_if_unused(e->file);
    free(e->name);
    free(e);
}

const char *wipc_sync_name_of(struct wipc_object *obj)
{
    struct sn_entry *e;
    const char *name = NULL;
    wipc_mutex_lock(&sn_lock);
    for (e = sn_list; e; e = e->next)
        if (e->obj == obj) {
            name = e->name; /* lives as long as obj */
            break;
        }
    wipc_mutex_unlock(&sn_lock);
    return name;
}

DWORD wipc_sync_name_lookup(uint64_t id, int foreign, struct wipc_object **out)
{
    struct sn_entry *e;
    DWORD err = ERROR_FILE_NOT_FOUND;
    wipc_mutex_lock(&sn_lock);
    for (e = sn_list; e; e = e->next)
        if (e->id == id) {
            if (foreign && !e->is_public)
                err = ERROR_ACCESS_DENIED;
            else if (sn_grab_live(e->obj)) {
                *out = e->obj;
                err = 0;
            }
            break;
        }
    wipc_mutex_unlock(&sn_lock);
    return err;
}

/* ---- Listings ---------------------------------------------------------------- */

const char *wipc_sync_kind_name(enum wipc_sync_kind kind)
{
    switch (kind) {
    case WIPC_SYNC_EVENT:
        return "Event";
    case WIPC_SYNC_MUTEX:
        return "Mutant";
    case WIPC_SYNC_SEMAPHORE:
        return "Semaphore";
    case WIPC_SYNC_TIMER:
        return "Timer";
    case WIPC_SYNC_MAPPING:
        return "Section";
    case WIPC_SYNC_JOB:
        return "Job";
    }
    return "?";
}

/* One registry's entry: 0, or ERROR_FILE_NOT_FOUND if nobody holds it. */
static DWORD sn_status(const char *file, struct wipc_sync_status *st)
{
    struct wipc_ns_file f;
    struct sn_header h;
    struct wipc_object *obj = NULL;
    int created = 0, live = 0;
    uint32_t i;
    DWORD err = wipc_ns_open(file, WIPC_NS_READ, 0, &f, &created);

    if (err)
        return err;
    memset(st, 0, sizeof *st);
    sn_read_header(&f, &h);
    for (i = 0; h.magic == SN_MAGIC && i < h.nslots; i++) {
        struct sn_slot s;
        if (!wipc_plat_byte_locked(f.fd, WIPC_NS_LOCK_SLOT(i)) ||
            wipc_plat_pread_all(f.fd, &s, sizeof s, sn_slot_off(i)) ||
            s.pid == 0)
            continue;
        if (st->nholders < WIPC_SYNC_HOLDERS_MAX)
            st->holders[st->nholders] = s.pid;
        st->nholders++;
    }
    /* The state: from a holder's object, as Open* gets it. */
    if (st->nholders)
        sn_find(&f, &h, &live, &obj);
    wipc_plat_close(f.fd);
    if (obj) {
        wipc_sync_state(obj, st);
        wipc_object_release(obj);
    }
    if (st->nholders == 0)
        return ERROR_FILE_NOT_FOUND;
    snprintf(st->name, sizeof st->name, "%s", h.name);
    st->kind = (enum wipc_sync_kind)h.kind;
    st->owner_uid = f.owner;
    st->is_public = (h.flags & SN_PUBLIC) != 0;
    return 0;
}

void wipc_sync_state(struct wipc_object *obj, struct wipc_sync_status *st)
{
    st->has_state = 1;
    switch (sn_kind_of(obj)) {
    case WIPC_SYNC_EVENT:
        wipc_event_state(obj, &st->signalled, &st->manual_reset);
        break;
    case WIPC_SYNC_MUTEX:
        wipc_mutex_state(obj, &st->owner_pid, &st->owner_tid,
                         &st->recursion, &st->abandoned);
        st->signalled = st->owner_pid == 0;
        break;
    case WIPC_SYNC_SEMAPHORE:
        wipc_semaphore_state(obj, &st->count, &st->maximum);
        st->signalled = st->count > 0;
        break;
    case WIPC_SYNC_TIMER:
        wipc_timer_state(obj, &st->signalled, &st->manual_reset);
        break;
    case WIPC_SYNC_MAPPING:
        st->size = wipc_mapping_size(obj);
        break;
    case WIPC_SYNC_JOB:
        st->has_state = 0; /* none shown (process/job.h has it) */
        break;
    }
}

static int sn_cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

DWORD wipc_sync_list(struct wipc_sync_status **out, size_t *n)
{
    char **names = NULL;
    size_t count = 0, i, k = 0;
    struct wipc_sync_status *list = NULL;
    DWORD err = wipc_ns_list("sync", &names, &count);

    *out = NULL;
    *n = 0;
    if (err)
        return err;
    if (count) {
        qsort(names, count, sizeof *names, sn_cmp_names);
        list = calloc(count, sizeof *list);
        if (!list) {
            wipc_plat_free_names(names, count);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
    }
    for (i = 0; i < count; i++)
        if (sn_status(names[i], &list[k]) == 0)
            k++;
    wipc_plat_free_names(names, count);
    if (k == 0) {
        free(list);
        list = NULL;
    }
    *out = list;
    *n = k;
    return 0;
}
