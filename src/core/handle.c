/*
 * handle.c: the handle table (see handle.h).
 *
 * One array of entries under one mutex.  Lookups take a reference on the
 * object while holding the lock, so an object found here cannot be
 * destroyed under the caller even if another thread closes the handle at
 * the same moment; references are dropped outside the lock, because
 * destroying an object may close descriptors or wait for nothing else.
 */
#include <stdlib.h>

#include "../platform/platform.h"
#include "handle.h"
#include "io.h"

/* Windows' per-process limit is about 16 million handles. */
#define HANDLE_MAX_ENTRIES (1u << 24)

struct handle_entry {
    struct wipc_object *obj; /* NULL: free */
    ACCESS_MASK access;
    DWORD flags;
};

static struct {
    wipc_mutex lock;
    struct handle_entry *entries;
    size_t cap;
    size_t first_free; /* no free entry below this index */
    size_t used_end;   /* no entry at or above this index was ever used */
} table = {WIPC_MUTEX_INIT, NULL, 0, 0, 0};

/*
 * Handles inherited from a parent process enter the table before main()
 * runs, so that they keep their values and no handle created later can take
 * one of them.  This lives here, in the one file every program links, so
 * that a static link gets it too.
 */
__attribute__((constructor)) static void handle_table_init(void)
{
    wipc_handle_hooks.process_start();
}

static inline HANDLE handle_from_index(size_t i)
{
    return (HANDLE)(uintptr_t)((i + 1) << 2);
}

/* The entry for h, or NULL; call with the lock held. */
static struct handle_entry *handle_entry_locked(HANDLE h)
{
    uintptr_t v = (uintptr_t)h >> 2;
    if (v == 0 || v > table.cap)
        return NULL;
    if (!table.entries[v - 1].obj)
        return NULL;
    return &table.entries[v - 1];
}

int wipc_handle_is_pseudo(HANDLE h)
{
    return h == WIPC_PSEUDO_PROCESS || h == WIPC_PSEUDO_THREAD;
}

static DWORD handle_grow_locked(void)
{
    size_t ncap = table.cap ? table.cap * 2 : 64;
    struct handle_entry *n;

    if (table.cap >= HANDLE_MAX_ENTRIES)
        return ERROR_NO_SYSTEM_RESOURCES;
    n = realloc(table.entries, ncap * sizeof *n);
    if (!n)
        return ERROR_NOT_ENOUGH_MEMORY;
    for (size_t i = table.cap; i < ncap; i++)
        n[i].obj = NULL;
    table.entries = n;
    table.cap = ncap;
    return 0;
}

/* Enters obj in the table: at the lowest free value, or (fresh) at a
 * value this process has never used. */
static DWORD handle_alloc(struct wipc_object *obj, ACCESS_MASK access,
                         DWORD flags, int fresh, HANDLE *out)
{
    size_t i;
    DWORD err = 0;

    wipc_handle_hooks.before_alloc();
    wipc_mutex_lock(&table.lock);
    i = fresh ? table.used_end : table.first_free;
    while (!fresh && i < table.cap && table.entries[i].obj)
        i++;
    while (!err && i >= table.cap)
        err = handle_grow_locked();
    if (!err) {
        table.entries[i].obj = wipc_object_grab(obj);
        obj->handles++;
        table.entries[i].access = access;
        table.entries[i].flags = flags & WIPC_HANDLE_FLAGS;
        /* Every entry below first_free is taken (a scan passed them). */
        if (!fresh || table.first_free == i)
            table.first_free = i + 1;
        if (table.used_end <= i)
            table.used_end = i + 1;
        *out = handle_from_index(i);
    }
    wipc_mutex_unlock(&table.lock);
    return err;
}

DWORD wipc_handle_alloc(struct wipc_object *obj, ACCESS_MASK access,
                        DWORD flags, HANDLE *out)
{
    return handle_alloc(obj, access, flags, 0, out);
}

DWORD wipc_handle_alloc_fresh(struct wipc_object *obj, ACCESS_MASK access,
                              DWORD flags, HANDLE *out)
{
    return handle_alloc(obj, access, flags, 1, out);
}

/* Pseudo handles name this process and this thread with full access. */
static DWORD handle_ref_pseudo(HANDLE h, struct wipc_object **obj,
                               ACCESS_MASK *granted)
{
    if (h == WIPC_PSEUDO_PROCESS) {
        *granted = PROCESS_ALL_ACCESS;
        return wipc_handle_hooks.self_process(obj);
    }
    *granted = THREAD_ALL_ACCESS;
    return wipc_handle_hooks.self_thread(obj);
}

DWORD wipc_handle_ref(HANDLE h, const struct wipc_object_ops *type,
                      ACCESS_MASK need, struct wipc_object **obj,
                      ACCESS_MASK *granted)
{
    struct handle_entry *e;
    struct wipc_object *o = NULL;
    ACCESS_MASK acc = 0;
    DWORD err;

    if (wipc_handle_is_pseudo(h)) {
        err = handle_ref_pseudo(h, &o, &acc);
        if (err)
            return err;
    } else {
        wipc_mutex_lock(&table.lock);
        e = handle_entry_locked(h);
        if (e) {
            o = wipc_object_grab(e->obj);
            acc = e->access;
        }
        wipc_mutex_unlock(&table.lock);
        if (!o)
            return ERROR_INVALID_HANDLE;
    }
    if (type && o->ops != type) {
        wipc_object_release(o);
        return ERROR_INVALID_HANDLE;
    }
    if (need & ~acc) {
        wipc_object_release(o);
        return ERROR_ACCESS_DENIED;
    }
    *obj = o;
    if (granted)
        *granted = acc;
    return 0;
}

long wipc_handle_count(struct wipc_object *obj)
{
    long n;
    wipc_mutex_lock(&table.lock);
    n = obj->handles;
    wipc_mutex_unlock(&table.lock);
    return n;
}

DWORD wipc_handle_close(HANDLE h)
{
    struct handle_entry *e;
    struct wipc_object *o = NULL;
    DWORD err = 0;
    int last = 0;

    if (wipc_handle_is_pseudo(h))
        return 0;
    wipc_mutex_lock(&table.lock);
    e = handle_entry_locked(h);
    if (!e) {
        err = ERROR_INVALID_HANDLE;
    } else if (e->flags & HANDLE_FLAG_PROTECT_FROM_CLOSE) {
        err = ERROR_INVALID_HANDLE;
    } else {
        size_t i = (size_t)(e - table.entries);
        o = e->obj;
        e->obj = NULL;
        last = --o->handles == 0;
        if (i < table.first_free)
            table.first_free = i;
    }
    wipc_mutex_unlock(&table.lock);
    /* The process's last handle to a file: its pending operations end
     * (Windows cancels a file's I/O when its last handle is closed). */
    if (last && (o->flags & WIPC_OBJ_OVERLAPPED))
        wipc_io_cancel(o, NULL, 0);
    wipc_object_release(o);
    return err;
}

DWORD wipc_handle_alloc_at(HANDLE value, struct wipc_object *obj,
                           ACCESS_MASK access, DWORD flags)
{
    uintptr_t v = (uintptr_t)value;
    size_t i;
    DWORD err = 0;

    if (v == 0 || (v & 3) || (v >> 2) > HANDLE_MAX_ENTRIES)
        return ERROR_INVALID_HANDLE;
    wipc_handle_hooks.before_alloc();
    i = (v >> 2) - 1;
    wipc_mutex_lock(&table.lock);
    while (!err && i >= table.cap)
        err = handle_grow_locked();
    if (!err && table.entries[i].obj)
        err = ERROR_INVALID_HANDLE;
    if (!err) {
        table.entries[i].obj = wipc_object_grab(obj);
        obj->handles++;
        table.entries[i].access = access;
        table.entries[i].flags = flags & WIPC_HANDLE_FLAGS;
        if (table.first_free == i)
            table.first_free = i + 1;
        if (table.used_end <= i)
            table.used_end = i + 1;
    }
    wipc_mutex_unlock(&table.lock);
    return err;
}

/* The entries whose flags include all of need (a snapshot, see handle.h). */
static DWORD handle_list(DWORD need, struct wipc_handle_info **out, size_t *n)
{
    struct wipc_handle_info *list = NULL;
    size_t i, count = 0;
    DWORD err = 0;

    wipc_mutex_lock(&table.lock);
    for (i = 0; i < table.cap; i++)
        if (table.entries[i].obj &&
            (table.entries[i].flags & need) == need)
            count++;
    if (count) {
        list = calloc(count, sizeof *list);
        if (!list)
            err = ERROR_NOT_ENOUGH_MEMORY;
    }
    count = 0;
    for (i = 0; list && i < table.cap; i++) {
        struct handle_entry *e = &table.entries[i];
        if (!e->obj || (e->flags & need) != need)
            continue;
        list[count].value = handle_from_index(i);
        list[count].obj = wipc_object_grab(e->obj);
        list[count].access = e->access;
        list[count].flags = e->flags;
        count++;
    }
    wipc_mutex_unlock(&table.lock);
    *out = list;
    *n = count;
    return err;
}

DWORD wipc_handle_list_inheritable(struct wipc_handle_info **out, size_t *n)
{
    return handle_list(HANDLE_FLAG_INHERIT, out, n);
}

DWORD wipc_handle_list_all(struct wipc_handle_info **out, size_t *n)
{
    return handle_list(0, out, n);
}

void wipc_handle_list_free(struct wipc_handle_info *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        wipc_object_release(list[i].obj);
    free(list);
}

DWORD wipc_handle_get_flags(HANDLE h, DWORD *flags)
{
    struct handle_entry *e;
    DWORD err = 0;

    if (wipc_handle_is_pseudo(h)) {
        *flags = 0;
        return 0;
    }
    wipc_mutex_lock(&table.lock);
    e = handle_entry_locked(h);
    if (e)
        *flags = e->flags;
    else
        err = ERROR_INVALID_HANDLE;
    wipc_mutex_unlock(&table.lock);
    return err;
}

DWORD wipc_handle_reset(HANDLE h, ACCESS_MASK access, DWORD flags)
{
    struct handle_entry *e;
    DWORD err = 0;

    if (wipc_handle_is_pseudo(h))
        return ERROR_INVALID_HANDLE;
    wipc_mutex_lock(&table.lock);
    e = handle_entry_locked(h);
    if (!e) {
        err = ERROR_INVALID_HANDLE;
    } else if (e->flags & HANDLE_FLAG_PROTECT_FROM_CLOSE) {
        err = ERROR_ACCESS_DENIED;
    } else {
        e->access = access;
        e->flags = flags & WIPC_HANDLE_FLAGS;
    }
    wipc_mutex_unlock(&table.lock);
    return err;
}

DWORD wipc_handle_set_flags(HANDLE h, DWORD mask, DWORD flags)
{
    struct handle_entry *e;
    DWORD err = 0;

    if (wipc_handle_is_pseudo(h))
        return ERROR_ACCESS_DENIED;
    wipc_mutex_lock(&table.lock);
    e = handle_entry_locked(h);
    if (e) {
        mask &= WIPC_HANDLE_FLAGS;
        e->flags = (e->flags & ~mask) | (flags & mask);
    } else {
        err = ERROR_INVALID_HANDLE;
    }
    wipc_mutex_unlock(&table.lock);
    return err;
}
