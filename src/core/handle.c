/*
 * handle.c: the handle table (see handle.h).
 *
 * One array of entries; changes are made under one mutex.  Lookups that
 * keep the object (wipc_handle_ref) take a reference on it under the
 * mutex, so an object found here cannot be destroyed under the caller
 * even if another thread closes the handle at the same moment; references
 * are dropped outside the lock, because destroying an object may close
 * descriptors or wait for nothing else.
 *
 * Calls that use an object only for a moment (ReleaseMutex, SetEvent, a
 * wait that is satisfied at once) look it up without the mutex and
 * without a reference (wipc_handle_peek): a per-thread hazard slot names
 * the object, and wipc_handle_close, before it drops the table's
 * reference, waits until no slot names it.  A reader stores its slot,
 * then checks that the entry did not change; the closer changes the
 * entry, then reads every slot.  The fence each side needs between its
 * store and its load is, on the reader's side, only the compiler's: the
 * closer makes every running thread of the process pass a full barrier
 * (membarrier) before it reads the slots, so either it sees the reader's
 * slot or the reader sees the changed entry (the asymmetric fence of
 * hazard pointers).  Where membarrier does not work, readers fence.
 *
 * So that readers need no lock, arrays never move under them: a table
 * that grows is copied into a larger array, and the old one is kept (its
 * entries are stale, which each entry's sequence number, copied along,
 * tells the reader once it looks at the new array).
 */
#include <stdlib.h>

#include "../platform/platform.h"
#include "handle.h"
#include "io.h"

/* Windows' per-process limit is about 16 million handles. */
#define HANDLE_MAX_ENTRIES (1u << 24)

struct handle_entry {
    _Atomic(struct wipc_object *) obj; /* NULL: free */
    atomic_uint seq;                   /* odd while the entry changes */
    _Atomic ACCESS_MASK access;
    DWORD flags; /* under the lock */
};

struct handle_array {
    size_t cap;
    struct handle_array *older; /* kept for readers still in it */
    struct handle_entry e[];
};

static struct {
    wipc_mutex lock;
    _Atomic(struct handle_array *) arr;
    size_t first_free; /* no free entry below this index */
    size_t used_end;   /* no entry at or above this index was ever used */
} table = {WIPC_MUTEX_INIT, NULL, 0, 0};

/* The array, under the lock (NULL before the first handle). */
static struct handle_array *arr_locked(void)
{
    return atomic_load_explicit(&table.arr, memory_order_relaxed);
}

static size_t table_cap(void)
{
    struct handle_array *a = arr_locked();
    return a ? a->cap : 0;
}

static struct wipc_object *entry_obj(struct handle_entry *e)
{
    return atomic_load_explicit(&e->obj, memory_order_relaxed);
}

static ACCESS_MASK entry_access(struct handle_entry *e)
{
    return atomic_load_explicit(&e->access, memory_order_relaxed);
}

/* Changes an entry under the lock, as readers without it expect: the
 * sequence number odd meanwhile, and larger after. */
static void entry_write(struct handle_entry *e, struct wipc_object *obj,
                        ACCESS_MASK access, DWORD flags)
{
    unsigned s = atomic_load_explicit(&e->seq, memory_order_relaxed);
    atomic_store_explicit(&e->seq, s + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&e->obj, obj, memory_order_relaxed);
    atomic_store_explicit(&e->access, access, memory_order_relaxed);
    e->flags = flags;
    atomic_store_explicit(&e->seq, s + 2, memory_order_release);
}

/* ---- Hazard slots: lookups without the lock or a reference ----------- */

struct hz_rec {
    _Atomic(struct wipc_object *) slot[WIPC_HANDLE_PEEK_SLOTS];
    atomic_int in_use; /* a thread has it */
    struct hz_rec *next;
};

static _Atomic(struct hz_rec *) hz_head; /* records are never freed */
static atomic_uint hz_records;
static atomic_int hz_asym = -1; /* membarrier: 1 works, 0 not, -1 unknown */
static unsigned long hz_key;
static atomic_int hz_key_state; /* 0 none, 1 being made, 2 made, 3 failed */
static __thread struct hz_rec *hz_mine
    __attribute__((tls_model("initial-exec")));

/* The thread ends: its record goes back for another thread. */
static void hz_thread_end(void *p)
{
    struct hz_rec *r = p;
    for (int i = 0; i < WIPC_HANDLE_PEEK_SLOTS; i++)
        atomic_store_explicit(&r->slot[i], NULL, memory_order_release);
    atomic_store_explicit(&r->in_use, 0, memory_order_release);
}

/* In a fork()ed child only the forking thread lives: the other records
 * are free, whatever their threads were doing. */
static void hz_forked(void)
{
    for (struct hz_rec *r = atomic_load(&hz_head); r; r = r->next)
        if (r != hz_mine)
            hz_thread_end(r);
}

/* The calling thread's record, or NULL (then it takes the locked way). */
static struct hz_rec *hz_get(void)
{
    struct hz_rec *r;
    int expected = 0;

    if (hz_mine)
        return hz_mine;
    if (atomic_compare_exchange_strong(&hz_key_state, &expected, 1)) {
        atomic_store(&hz_key_state,
                     wipc_plat_tls_key(hz_thread_end, &hz_key) ||
                             wipc_plat_atfork_child(hz_forked)
                         ? 3
                         : 2);
        atomic_store(&hz_asym, wipc_plat_membarrier_register());
    }
    if (atomic_load(&hz_key_state) != 2)
        return NULL;
    for (r = atomic_load(&hz_head); r; r = r->next) {
        int free_rec = 0;
        if (atomic_compare_exchange_strong(&r->in_use, &free_rec, 1))
            break;
    }
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r)
            return NULL;
        atomic_init(&r->in_use, 1);
        r->next = atomic_load(&hz_head);
        while (!atomic_compare_exchange_weak(&hz_head, &r->next, r))
            ;
        atomic_fetch_add(&hz_records, 1);
    }
    if (wipc_plat_tls_set(hz_key, r)) {
        atomic_store(&r->in_use, 0);
        return NULL;
    }
    hz_mine = r;
    return r;
}

/* Between the reader's store to its slot and its second look at the
 * entry: the compiler's fence where closers use membarrier. */
static void hz_reader_fence(struct hz_rec *r, int slot, struct wipc_object *o)
{
#if defined(__SANITIZE_THREAD__)
    /* ThreadSanitizer knows no fences: a read-modify-write orders it. */
    atomic_exchange(&r->slot[slot], o);
#else
    atomic_store_explicit(&r->slot[slot], o, memory_order_relaxed);
    if (atomic_load_explicit(&hz_asym, memory_order_relaxed) == 1)
        atomic_signal_fence(memory_order_seq_cst);
    else
        atomic_thread_fence(memory_order_seq_cst);
#endif
}

/* Waits until no other thread's slot names o (a reader holds a slot for a
 * few instructions and never blocks in between). */
static void hz_quiesce(struct wipc_object *o)
{
    struct hz_rec *r;

    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load(&hz_records) == 0 ||
        (atomic_load(&hz_records) == 1 && atomic_load(&hz_head) == hz_mine))
        return; /* no other thread has ever looked up without the lock */
    if (atomic_load(&hz_asym) != 0)
        wipc_plat_membarrier();
    for (r = atomic_load(&hz_head); r; r = r->next) {
        if (r == hz_mine)
            continue;
        for (int i = 0; i < WIPC_HANDLE_PEEK_SLOTS; i++)
            while (atomic_load_explicit(&r->slot[i], memory_order_acquire) ==
                   o)
                wipc_plat_yield();
    }
}

DWORD wipc_handle_peek(HANDLE h, const struct wipc_object_ops *type,
                       ACCESS_MASK need, int slot, struct wipc_object **obj)
{
    struct hz_rec *r;
    struct handle_array *a;
    struct handle_entry *e;
    struct wipc_object *o;
    uintptr_t v = (uintptr_t)h >> 2;
    ACCESS_MASK acc;
    unsigned seq;

    if (wipc_handle_is_pseudo(h))
        return ERROR_NOT_SUPPORTED;
    r = hz_mine ? hz_mine : hz_get();
    if (!r)
        return ERROR_NOT_SUPPORTED;
    a = atomic_load_explicit(&table.arr, memory_order_acquire);
    if (v == 0 || !a || v > a->cap)
        return ERROR_INVALID_HANDLE;
    e = &a->e[v - 1];
    seq = atomic_load_explicit(&e->seq, memory_order_acquire);
    o = atomic_load_explicit(&e->obj, memory_order_relaxed);
    acc = atomic_load_explicit(&e->access, memory_order_relaxed);
    if (seq & 1)
        return ERROR_NOT_SUPPORTED; /* changing: the locked way */
    if (!o)
        goto recheck_absent;
    hz_reader_fence(r, slot, o);
    atomic_thread_fence(memory_order_acquire);
    /* Still the same entry, in the array as it is now? */
    a = atomic_load_explicit(&table.arr, memory_order_acquire);
    e = &a->e[v - 1];
    if (atomic_load_explicit(&e->seq, memory_order_acquire) != seq) {
        atomic_store_explicit(&r->slot[slot], NULL, memory_order_release);
        return ERROR_NOT_SUPPORTED;
    }
    if ((type && o->ops != type) || (need & ~acc)) {
        DWORD err = type && o->ops != type ? ERROR_INVALID_HANDLE
                                           : ERROR_ACCESS_DENIED;
        /* The object is not to be touched once the slot lets go. */
        atomic_store_explicit(&r->slot[slot], NULL, memory_order_release);
        return err;
    }
    *obj = o;
    return 0;

recheck_absent:
    /* Free in the array we read: unknown, unless the table grew and the
     * handle was made meanwhile (then the locked way tells). */
    if (atomic_load_explicit(&table.arr, memory_order_acquire) != a)
        return ERROR_NOT_SUPPORTED;
    return ERROR_INVALID_HANDLE;
}

void wipc_handle_unpeek(int slot)
{
    if (hz_mine)
        atomic_store_explicit(&hz_mine->slot[slot], NULL,
                              memory_order_release);
}

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
    struct handle_array *a = arr_locked();
    if (v == 0 || !a || v > a->cap)
        return NULL;
    if (!entry_obj(&a->e[v - 1]))
        return NULL;
    return &a->e[v - 1];
}

int wipc_handle_is_pseudo(HANDLE h)
{
    return h == WIPC_PSEUDO_PROCESS || h == WIPC_PSEUDO_THREAD;
}

/* A larger copy of the array (the old one stays for its readers). */
static DWORD handle_grow_locked(void)
{
    struct handle_array *a = arr_locked(), *n;
    size_t cap = a ? a->cap : 0, ncap = cap ? cap * 2 : 64;

    if (cap >= HANDLE_MAX_ENTRIES)
        return ERROR_NO_SYSTEM_RESOURCES;
    n = calloc(1, sizeof *n + ncap * sizeof n->e[0]);
    if (!n)
        return ERROR_NOT_ENOUGH_MEMORY;
    n->cap = ncap;
    n->older = a;
    for (size_t i = 0; i < cap; i++) {
        struct handle_entry *from = &a->e[i], *to = &n->e[i];
        atomic_init(&to->obj, entry_obj(from));
        atomic_init(&to->seq, atomic_load_explicit(&from->seq,
                                                   memory_order_relaxed));
        atomic_init(&to->access, entry_access(from));
        to->flags = from->flags;
    }
    atomic_store_explicit(&table.arr, n, memory_order_release);
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
    while (!fresh && i < table_cap() && entry_obj(&arr_locked()->e[i]))
        i++;
    while (!err && i >= table_cap())
        err = handle_grow_locked();
    if (!err) {
        obj->handles++;
        entry_write(&arr_locked()->e[i], wipc_object_grab(obj), access,
                    flags & WIPC_HANDLE_FLAGS);
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
            o = wipc_object_grab(entry_obj(e));
            acc = entry_access(e);
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
        size_t i = (size_t)(e - arr_locked()->e);
        o = entry_obj(e);
        entry_write(e, NULL, 0, 0);
        last = --o->handles == 0;
        if (i < table.first_free)
            table.first_free = i;
    }
    wipc_mutex_unlock(&table.lock);
    /* Threads that found the object without a reference are done with
     * it before the table's reference goes. */
    if (o)
        hz_quiesce(o);
    /* The process's last handle to a file: its pending operations end
     * (Windows cancels a file's I/O when its last handle is closed). */
    if (last && (o->flags & WIPC_OBJ_OVERLAPPED))
        wipc_io_cancel(o, NULL, 0);
    if (last && o->ops->close_last)
        o->ops->close_last(o);
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
    while (!err && i >= table_cap())
        err = handle_grow_locked();
    if (!err && entry_obj(&arr_locked()->e[i]))
        err = ERROR_INVALID_HANDLE;
    if (!err) {
        obj->handles++;
        entry_write(&arr_locked()->e[i], wipc_object_grab(obj), access,
                    flags & WIPC_HANDLE_FLAGS);
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
    for (i = 0; i < table_cap(); i++)
        if (entry_obj(&arr_locked()->e[i]) &&
            (arr_locked()->e[i].flags & need) == need)
            count++;
    if (count) {
        list = calloc(count, sizeof *list);
        if (!list)
            err = ERROR_NOT_ENOUGH_MEMORY;
    }
    count = 0;
    for (i = 0; list && i < table_cap(); i++) {
        struct handle_entry *e = &arr_locked()->e[i];
        if (!entry_obj(e) || (e->flags & need) != need)
            continue;
        list[count].value = handle_from_index(i);
        list[count].obj = wipc_object_grab(entry_obj(e));
        list[count].access = entry_access(e);
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
        entry_write(e, entry_obj(e), access, flags & WIPC_HANDLE_FLAGS);
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
        entry_write(e, entry_obj(e), entry_access(e),
                    (e->flags & ~mask) | (flags & mask));
    } else {
        err = ERROR_INVALID_HANDLE;
    }
    wipc_mutex_unlock(&table.lock);
    return err;
}
