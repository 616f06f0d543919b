/*
 * semaphore.c: semaphores.
 *
 * The count is the counter of an eventfd in semaphore mode: it is
 * readable while the count is above zero, and each read takes one, so a
 * waiter acquires with one non-blocking read, in any process.  The maximum
 * and a copy of the count live in a sealed memfd that every holder maps,
 * under a lock (sync.h) that acquisitions and releases take, so that
 * ReleaseSemaphore checks the maximum and reports the previous count
 * exactly, and a wait for all takes the semaphore with its other objects
 * at once.  A holder killed inside the lock leaves the copy possibly
 * stale: the next taker of the lock reads the counter back from the
 * eventfd (/proc/self/fdinfo).
 */
#include <stdio.h>
#include <stdlib.h>

#include "objects.h"
#include "sync.h"

#define SEM_MAGIC 0x324d4553u /* "SEM2" */
#define SEM_SIZE 4096u

struct sem_shared {
    uint32_t magic, size;
    wipc_sync_lock lock;
    int64_t count, maximum;
};

struct wipc_semaphore {
    struct wipc_object obj;
    int efd, state;
    struct sem_shared *sh;
};

static inline struct wipc_semaphore *sem_of(struct wipc_object *obj)
{
    return (struct wipc_semaphore *)obj;
}

/* A lock taken from a holder that died: the copy follows the counter. */
static void sem_recover(struct wipc_semaphore *s, int recovered)
{
    uint64_t count;
    if (recovered && wipc_plat_eventfd_count(s->efd, &count) == 0)
        s->sh->count = (int64_t)count;
}

static void sem_lock(struct wipc_semaphore *s)
{
    int recovered = 0;
    wipc_sync_lock_take(&s->sh->lock, &recovered);
    sem_recover(s, recovered);
}

static void sem_unlock(struct wipc_semaphore *s)
{
    wipc_sync_unlock(&s->sh->lock);
}

static int sem_fd(struct wipc_object *obj) { return sem_of(obj)->efd; }

static int sem_satisfy(struct wipc_object *obj)
{
    struct wipc_semaphore *s = sem_of(obj);
    int took = 0;
    sem_lock(s);
    wipc_plat_eventfd_take(s->efd, &took);
    if (took)
        s->sh->count--;
    sem_unlock(s);
    return took;
}

/* A wait for all (object.h): the count, exact under the lock. */
static int sem_wait_all(struct wipc_object *obj, int what)
{
    struct wipc_semaphore *s = sem_of(obj);
    int recovered = 0, took = 0;

    if (what == WIPC_ALL_LOCK) {
        if (!wipc_sync_lock_try(&s->sh->lock, &recovered))
            return -1;
        sem_recover(s, recovered);
        if (s->sh->count > 0)
            return 1;
        sem_unlock(s);
        return 0;
    }
    if (what == WIPC_ALL_TAKE) {
        wipc_plat_eventfd_take(s->efd, &took);
        if (took)
            s->sh->count--;
    }
    sem_unlock(s);
    return 1;
}

static void sem_unsatisfy(struct wipc_object *obj)
{
    struct wipc_semaphore *s = sem_of(obj);
    sem_lock(s);
    if (wipc_plat_eventfd_add(s->efd, 1) == 0)
        s->sh->count++;
    sem_unlock(s);
}

DWORD wipc_semaphore_release(struct wipc_object *obj, LONG count, LONG *prev)
{
    struct wipc_semaphore *s = sem_of(obj);
    DWORD err = 0;

    sem_lock(s);
    /* A count below zero would be a huge unsigned one for Windows. */
    if (count < 0 || s->sh->count + count > s->sh->maximum) {
        err = ERROR_TOO_MANY_POSTS;
    } else {
        if (prev)
            *prev = (LONG)s->sh->count;
        wipc_object_signal_publish(obj);
        if (count > 0)
            err = wipc_plat_eventfd_add(s->efd, (uint64_t)count);
        if (!err)
            s->sh->count += count;
    }
    sem_unlock(s);
    return err;
}

static void sem_inherit_info(struct wipc_object *obj, int *fd, char *tag,
                             size_t taglen)
{
    *fd = sem_of(obj)->efd;
    snprintf(tag, taglen, "semaphore");
}

int wipc_semaphore_state_fd(struct wipc_object *obj)
{
    return sem_of(obj)->state;
}

static const char *sem_name(struct wipc_object *obj)
{
    return wipc_sync_name_of(obj);
}

static void sem_destroy(struct wipc_object *obj)
{
    struct wipc_semaphore *s = sem_of(obj);
    wipc_sync_name_forget(obj);
    if (s->sh)
        wipc_plat_unmap(s->sh, SEM_SIZE);
    wipc_plat_close(s->efd);
    wipc_plat_close(s->state);
    free(s);
}

const struct wipc_object_ops wipc_semaphore_ops = {
    .type_name = "Semaphore",
    .file_type = FILE_TYPE_UNKNOWN,
    .mapping = {STANDARD_RIGHTS_READ | 0x0001u /* SEMAPHORE_QUERY_STATE */,
                STANDARD_RIGHTS_WRITE | SEMAPHORE_MODIFY_STATE,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, SEMAPHORE_ALL_ACCESS},
    .signal_fd = sem_fd,
    .satisfy = sem_satisfy,
    .unsatisfy = sem_unsatisfy,
    .wait_all = sem_wait_all,
    .inherit_info = sem_inherit_info,
    .get_fd = sem_fd,
    .name = sem_name,
    .destroy = sem_destroy,
};

static DWORD sem_new(int efd, int state, struct sem_shared *sh,
                     struct wipc_object **out)
{
    struct wipc_semaphore *s = calloc(1, sizeof *s);
    if (!s) {
        wipc_plat_unmap(sh, SEM_SIZE);
        wipc_plat_close(efd);
        wipc_plat_close(state);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    s->efd = efd;
    s->state = state;
    s->sh = sh;
    wipc_object_init(&s->obj, &wipc_semaphore_ops);
    *out = &s->obj;
    return 0;
}

DWORD wipc_semaphore_create(LONG initial, LONG maximum,
                            struct wipc_object **out)
{
    struct sem_shared *sh;
    void *p;
    int efd = -1, state = -1;
    DWORD err = wipc_plat_memfd("winipc-semaphore", SEM_SIZE, &state);

    if (!err)
        err = wipc_plat_map_shared(state, SEM_SIZE, &p);
    if (err) {
        wipc_plat_close(state);
        return err;
    }
    sh = p;
    sh->magic = SEM_MAGIC;
    sh->size = SEM_SIZE;
    sh->count = initial;
    sh->maximum = maximum;
    atomic_init(&sh->lock, 0);
    err = wipc_plat_eventfd_sem((uint32_t)initial, &efd);
    if (err) {
        wipc_plat_unmap(sh, SEM_SIZE);
        wipc_plat_close(state);
        return err;
    }
    return sem_new(efd, state, sh, out);
}

DWORD wipc_semaphore_adopt(int efd, int state, struct wipc_object **out)
{
    void *p = NULL;
    DWORD err = wipc_sync_map_state(&efd, state, SEM_SIZE, SEM_MAGIC, &p);
    return err ? err : sem_new(efd, state, p, out);
}

void wipc_semaphore_state(struct wipc_object *obj, int64_t *count,
                          int64_t *maximum)
{
    struct wipc_semaphore *s = sem_of(obj);
    sem_lock(s);
    *count = s->sh->count;
    *maximum = s->sh->maximum;
    sem_unlock(s);
}
