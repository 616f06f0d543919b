/*
 * suspended.c: the handle table of a child started suspended, kept by its
 * parent until ResumeThread (see suspended.h).
 *
 * One mutex guards each table, and every exchange with the child happens
 * under it, so requests reach the child in the order they were made and
 * ResumeThread sees the table complete.  Objects are released, and
 * descriptors rebuilt into objects, only outside it: destroying an object
 * or making one may take other locks (the process registry).
 */
#include <stdlib.h>
#include <string.h>

#include "../objects/objects.h"
#include "../objects/sync.h"
#include "process.h"
#include "suspended.h"

enum susp_state { SUSP_WAITING, SUSP_RESUMED, SUSP_ENDED };

struct susp_entry {
    HANDLE value;
    ACCESS_MASK access;
    DWORD flags;
    /* Duplicated in: the object, held until the child has it, and for a
     * process its exit record's descriptor, held for the child (or -1). */
    struct wipc_object *obj;
    int rec;
    /* Inherited (obj NULL): the child's descriptors and the tag; link_fd
     * the child's second descriptor of a "TAG/FD" item (a port link, a
     * named pipe end's quota: inherit.h), 0 if none. */
    int fd, rec_fd, link_fd;
    char tag[WIPC_INHERIT_TAG_MAX];
};

struct wipc_suspended {
    wipc_mutex lock;
    enum susp_state state;
    int chan;     /* the parent's end of the child's channel */
    int first_fd; /* the child's first descriptor after the inherited ones */
    int changed;  /* the table is no longer what WINIPC_HANDLES says */
    struct susp_entry *e;
    size_t n, cap;
};

DWORD wipc_suspended_new(const struct wipc_inherit *inh, int chan,
                         struct wipc_suspended **out)
{
    struct wipc_suspended *s = calloc(1, sizeof *s);
    size_t i;

    if (s && inh->n_items && !(s->e = calloc(inh->n_items, sizeof *s->e))) {
        free(s);
        s = NULL;
    }
    if (!s) {
        wipc_plat_close(chan);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    wipc_mutex_init(&s->lock);
    s->state = SUSP_WAITING;
    s->chan = chan;
    s->first_fd = (int)(3 + inh->n);
    s->cap = s->n = inh->n_items;
    for (i = 0; i < inh->n_items; i++) {
        const struct wipc_inherit_item *it = &inh->items[i];
        s->e[i].value = it->value;
        s->e[i].access = it->access;
        s->e[i].flags = it->flags;
        s->e[i].rec = -1;
        s->e[i].fd = it->fd;
        s->e[i].rec_fd = it->rec_fd;
        s->e[i].link_fd = it->link_fd;
        memcpy(s->e[i].tag, it->tag, sizeof s->e[i].tag);
    }
    *out = s;
    return 0;
}

int wipc_suspended_waiting(struct wipc_suspended *s)
{
    int waiting;
    wipc_mutex_lock(&s->lock);
    waiting = s->state == SUSP_WAITING;
    wipc_mutex_unlock(&s->lock);
    return waiting;
}

/* The entry of handle value h (the two low bits ignored, as in a table),
 * or NULL. */
static struct susp_entry *susp_find_locked(struct wipc_suspended *s, HANDLE h)
{
    uintptr_t v = (uintptr_t)h >> 2;
    for (size_t i = 0; v && i < s->n; i++)
        if ((uintptr_t)s->e[i].value >> 2 == v)
            return &s->e[i];
    return NULL;
}

/* The lowest handle value that no entry has. */
static HANDLE susp_free_value_locked(struct wipc_suspended *s)
{
    uintptr_t v = 4;
    for (size_t i = 0; i < s->n;)
        if ((uintptr_t)s->e[i].value >> 2 == v >> 2) {
            v += 4;
            i = 0; /* unsorted: look again from the start */
        } else {
            i++;
        }
    return (HANDLE)v;
}

/* Lock, and the state's answer: 1 to go on (waiting), else 0 with *err
 * and *taken set (and the lock released).  A child that has died (killed
 * by someone else) has closed its end of the channel. */
static int susp_enter(struct wipc_suspended *s, DWORD *err, int *taken)
{
    wipc_mutex_lock(&s->lock);
    *taken = s->state != SUSP_RESUMED;
    if (s->state == SUSP_WAITING && !wipc_plat_peer_closed(s->chan))
        return 1;
    *err = *taken ? ERROR_ACCESS_DENIED : 0;
    wipc_mutex_unlock(&s->lock);
    return 0;
}

/* A channel that broke: the child has ended (killed by someone else). */
static DWORD susp_channel_error(DWORD err)
{
    return err == ERROR_BROKEN_PIPE ? ERROR_ACCESS_DENIED : err;
}

/*
 * Removes entry e: an inherited descriptor is closed in the child; an
 * object held for the child goes to *release (the caller releases it once
 * the lock is dropped).
 */
static void susp_drop_locked(struct wipc_suspended *s, struct susp_entry *e,
                             struct wipc_object **release)
{
    size_t i = (size_t)(e - s->e);

    if (e->obj) {
        *release = e->obj;
        wipc_plat_close(e->rec);
    } else {
        int fds[3] = {e->fd, -1, -1};
        size_t n = 1;
        if (e->rec_fd >= 0)
            fds[n++] = e->rec_fd;
        if (e->link_fd > 2)
            fds[n++] = e->link_fd;
        wipc_plat_spawn_close(s->chan, fds, n);
    }
    memmove(&s->e[i], &s->e[i + 1], (s->n - i - 1) * sizeof *s->e);
    s->n--;
    s->changed = 1;
}

DWORD wipc_suspended_put(struct wipc_suspended *s, struct wipc_object *obj,
                         ACCESS_MASK access, DWORD flags, HANDLE *out,
                         int *taken)
{
    char tag[WIPC_INHERIT_TAG_MAX];
    int fd, rec = -1;
    DWORD err;

    *taken = 1;
    /* Whether it can cross at all, and for a process its exit record,
     * held for the child from now on (before the lock: these take the
     * process's). */
    err = wipc_inherit_describe(obj, &fd, tag, sizeof tag);
    if (err)
        return err;
    if (obj->ops == &wipc_process_ops && wipc_process_share_fd(obj, &rec))
        rec = -1;
    /* A mutex's or semaphore's state goes along the same way. */
    if (obj->ops != &wipc_process_ops && wipc_sync_second_fd(obj) >= 0 &&
        wipc_plat_dup(wipc_sync_second_fd(obj), &rec))
        return ERROR_NOT_ENOUGH_MEMORY;
    /* A named pipe end's quota does not (nor does a port link): it is off
     * for the connection from now on. */
    if (obj->ops == &wipc_npipe_ops)
        wipc_npipe_share_off(obj);
    if (!susp_enter(s, &err, taken)) {
        wipc_plat_close(rec);
        return err;
    }
    if (s->n == s->cap) {
        size_t ncap = s->cap ? 2 * s->cap : 8;
        struct susp_entry *ne = realloc(s->e, ncap * sizeof *ne);
        if (!ne) {
            wipc_mutex_unlock(&s->lock);
            wipc_plat_close(rec);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        s->e = ne;
        s->cap = ncap;
    }
    memset(&s->e[s->n], 0, sizeof s->e[s->n]);
    s->e[s->n].value = susp_free_value_locked(s);
    s->e[s->n].access = access;
    s->e[s->n].flags = flags & HANDLE_FLAG_INHERIT;
    s->e[s->n].obj = wipc_object_grab(obj);
    s->e[s->n].rec = rec;
    s->e[s->n].fd = s->e[s->n].rec_fd = -1;
    *out = s->e[s->n].value;
    s->n++;
    s->changed = 1;
    wipc_mutex_unlock(&s->lock);
    return 0;
}

DWORD wipc_suspended_get(struct wipc_suspended *s, HANDLE h, int close_source,
                         struct wipc_object **obj, ACCESS_MASK *granted,
                         int *taken)
{
    struct wipc_object *release = NULL;
    struct susp_entry *e;
    char tag[WIPC_INHERIT_TAG_MAX];
    int fd = -1, fd2 = -1;
    DWORD err = 0;

    *obj = NULL;
    if (!susp_enter(s, &err, taken))
        return err;
    e = susp_find_locked(s, h);
    if (!e) {
        wipc_mutex_unlock(&s->lock);
        return ERROR_INVALID_HANDLE;
    }
    *granted = e->access;
    if (e->obj) {
        *obj = wipc_object_grab(e->obj);
    } else {
        /* Inherited: the child sends its descriptor, as its service
         * would. */
        memcpy(tag, e->tag, sizeof tag);
        err = susp_channel_error(wipc_plat_spawn_get(s->chan, e->fd, &fd));
        if (!err && wipc_sync_tag(tag) && e->rec_fd >= 0)
            err = susp_channel_error(
                wipc_plat_spawn_get(s->chan, e->rec_fd, &fd2));
        /* A named pipe end's quota, or a port link ("TAG/FD"). */
        else if (!err && e->link_fd > 2)
            err = susp_channel_error(
                wipc_plat_spawn_get(s->chan, e->link_fd, &fd2));
    }
    if (close_source)
        susp_drop_locked(s, e, &release);
    wipc_mutex_unlock(&s->lock);
    wipc_object_release(release);
    if (!err && fd >= 0)
        err = wipc_inherit_rebuild2(tag, fd, fd2, obj);
    else
        wipc_plat_close(fd2);
    return err;
}

DWORD wipc_suspended_close(struct wipc_suspended *s, HANDLE h, int *taken)
{
    struct wipc_object *release = NULL;
    struct susp_entry *e;
    DWORD err = 0;

    if (!susp_enter(s, &err, taken))
        return err;
    e = susp_find_locked(s, h);
    if (e)
        susp_drop_locked(s, e, &release);
    else if (!wipc_handle_is_pseudo(h)) /* closing those does nothing */
        err = ERROR_INVALID_HANDLE;
    wipc_mutex_unlock(&s->lock);
    wipc_object_release(release);
    return err;
}

/* Places the descriptors of the handles duplicated into the child after
 * the inherited ones, filling in the items that describe them. */
static DWORD susp_place_locked(struct wipc_suspended *s,
                               struct wipc_inherit_item *items)
{
    int targets[WIPC_PLAT_PLACE_MAX], fds[WIPC_PLAT_PLACE_MAX];
    int next = s->first_fd, end = s->first_fd;
    size_t i, k = 0;
    DWORD err = 0;

    for (i = 0; i < s->n; i++)
        if (s->e[i].obj)
            end += s->e[i].rec >= 0 ? 2 : 1;
    for (i = 0; !err && i < s->n; i++) {
        struct susp_entry *e = &s->e[i];
        struct wipc_inherit_item *it = &items[i];

        it->value = e->value;
        it->access = e->access;
        it->flags = e->flags;
        it->fd = e->fd;
        it->rec_fd = e->rec_fd;
        it->link_fd = e->obj ? 0 : e->link_fd;
        memcpy(it->tag, e->tag, sizeof it->tag);
        if (!e->obj)
            continue;
        /* The object may have changed since (a named pipe instance that
         * lost its client cannot cross any more): then it is left out. */
        if (wipc_inherit_describe(e->obj, &fds[k], it->tag, sizeof it->tag)) {
            it->fd = -1;
            next += e->rec >= 0 ? 2 : 1;
            continue;
        }
        it->fd = targets[k++] = next++;
        if (e->rec >= 0) {
            fds[k] = e->rec;
            it->rec_fd = targets[k++] = next++;
        }
        if (k + 2 > WIPC_PLAT_PLACE_MAX) {
            err = wipc_plat_spawn_place(s->chan, end, targets, fds, k);
            k = 0;
        }
    }
    if (!err && k)
        err = wipc_plat_spawn_place(s->chan, end, targets, fds, k);
    return err;
}

/* Hands the child its table and lets it go (lock held). */
static void susp_go_locked(struct wipc_suspended *s)
{
    struct wipc_inherit_item *items = NULL;
    char *env = NULL;
    size_t i, k = 0;
    DWORD err = 0;

    if (!s->changed) {
        wipc_plat_spawn_go(s->chan, NULL, 0);
        return;
    }
    if (s->n && !(items = calloc(s->n, sizeof *items)))
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (!err)
        err = susp_place_locked(s, items);
    for (i = 0; !err && i < s->n; i++)
        if (items[i].fd >= 0)
            items[k++] = items[i];
    if (!err)
        err = wipc_inherit_format(items, k, &env);
    /* Without a new list (out of memory, or the child has ended) the child
     * keeps the inherited one and the others are lost, as if closed. */
    if (!err && !env)
        wipc_plat_spawn_go(s->chan, WIPC_INHERIT_ENV "=", 1);
    else
        wipc_plat_spawn_go(s->chan, env, 0);
    free(env);
    free(items);
}

/* Empties the table into *held (the objects and records to let go of once
 * the lock is dropped) and closes the channel.  state: the new state. */
static void susp_finish_locked(struct wipc_suspended *s, enum susp_state state,
                               struct susp_entry **held, size_t *n)
{
    s->state = state;
    wipc_plat_close(s->chan);
    s->chan = -1;
    *held = s->e;
    *n = s->n;
    s->e = NULL;
    s->n = s->cap = 0;
}

static void susp_release(struct susp_entry *held, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        wipc_object_release(held[i].obj);
        wipc_plat_close(held[i].rec);
    }
    free(held);
}

void wipc_suspended_resume(struct wipc_suspended *s)
{
    struct susp_entry *held = NULL;
    size_t n = 0;

    wipc_mutex_lock(&s->lock);
    if (s->state == SUSP_WAITING) {
        susp_go_locked(s);
        susp_finish_locked(s, SUSP_RESUMED, &held, &n);
    }
    wipc_mutex_unlock(&s->lock);
    susp_release(held, n);
}

void wipc_suspended_end(struct wipc_suspended *s)
{
    struct susp_entry *held = NULL;
    size_t n = 0;

    if (!s)
        return;
    wipc_mutex_lock(&s->lock);
    if (s->state == SUSP_WAITING)
        susp_finish_locked(s, SUSP_ENDED, &held, &n);
    wipc_mutex_unlock(&s->lock);
    susp_release(held, n);
}

void wipc_suspended_free(struct wipc_suspended *s)
{
    if (!s)
        return;
    wipc_suspended_end(s);
    free(s->e);
    wipc_mutex_destroy(&s->lock);
    free(s);
}
