/*
 * thread.c: thread objects.
 *
 * A thread object is signalled (its eventfd made readable) when the thread
 * ends, after its exit code is stored.  The running thread holds a reference
 * on its own object through a thread-specific key whose destructor does the
 * ending, so returning from the start routine, ExitThread and pthread_exit
 * all end the same way.  Threads that winipc did not start get an object on
 * first use (GetCurrentThread duplicated, for instance).
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "../core/apc.h"
#include "process.h"

struct wipc_thread {
    struct wipc_object obj;
    int done_fd;              /* eventfd, set when the thread has ended */
    atomic_uint exit_code;    /* STILL_ACTIVE until then */
    atomic_int exit_stored;   /* exit_code holds the thread's own result */
    DWORD tid;                /* set before CreateThread returns */
    LPTHREAD_START_ROUTINE start;
    LPVOID param;
    /* start-up handshake and CREATE_SUSPENDED */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int started;
    DWORD suspend_count;
    int abandoned; /* wipc_thread_abandon: never runs start */
    /* The primary thread of a child process is seen through its process:
     * signalled when it exits, with its exit code and id. */
    struct wipc_object *process;
};

static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;

static inline struct wipc_thread *thread_of(struct wipc_object *obj)
{
    return (struct wipc_thread *)obj;
}

static int thread_fd(struct wipc_object *obj)
{
    struct wipc_thread *t = thread_of(obj);
    return t->process ? t->process->ops->signal_fd(t->process) : t->done_fd;
}

static void thread_destroy(struct wipc_object *obj)
{
    struct wipc_thread *t = thread_of(obj);
    wipc_plat_close(t->done_fd);
    wipc_object_release(t->process);
    pthread_mutex_destroy(&t->lock);
    pthread_cond_destroy(&t->cond);
    free(t);
}

const struct wipc_object_ops wipc_thread_ops = {
    .type_name = "Thread",
    .file_type = FILE_TYPE_UNKNOWN,
    .mapping = {STANDARD_RIGHTS_READ | THREAD_GET_CONTEXT |
                    THREAD_QUERY_INFORMATION,
                STANDARD_RIGHTS_WRITE | THREAD_TERMINATE |
                    THREAD_SUSPEND_RESUME | THREAD_SET_INFORMATION |
                    THREAD_SET_CONTEXT,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE |
                    THREAD_QUERY_LIMITED_INFORMATION,
                THREAD_ALL_ACCESS},
    .signal_fd = thread_fd,
    .get_fd = thread_fd,
    .destroy = thread_destroy,
};

/* The key's destructor: the thread is ending.  The exit code was stored by
 * whoever ended it (even STILL_ACTIVE, which a thread may return); a thread
 * ended some other way reports 0. */
static void thread_end(void *arg)
{
    struct wipc_thread *t = arg;
    if (!atomic_load(&t->exit_stored))
        atomic_store(&t->exit_code, 0);
    wipc_object_signal_publish(&t->obj);
    wipc_plat_eventfd_set(t->done_fd);
    wipc_apc_thread_ended(t->tid); /* what is still queued never runs */
    wipc_object_release(&t->obj);
}

static void thread_key_create(void)
{
    pthread_key_create(&thread_key, thread_end);
}

static DWORD thread_alloc(struct wipc_thread **out)
{
    struct wipc_thread *t = calloc(1, sizeof *t);
    DWORD err;

    if (!t)
        return ERROR_NOT_ENOUGH_MEMORY;
    err = wipc_plat_eventfd(0, &t->done_fd);
    if (err) {
        free(t);
        return err;
    }
    wipc_object_init(&t->obj, &wipc_thread_ops);
    atomic_init(&t->exit_code, STILL_ACTIVE);
    atomic_init(&t->exit_stored, 0);
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->cond, NULL);
    *out = t;
    return 0;
}

static void *thread_main(void *arg)
{
    struct wipc_thread *t = arg;
    DWORD code;

    /* The reference the creator took for us is now the key's. */
    pthread_setspecific(thread_key, t);
    pthread_mutex_lock(&t->lock);
    t->tid = wipc_plat_gettid();
    t->started = 1;
    pthread_cond_broadcast(&t->cond);
    while (t->suspend_count > 0 && !t->abandoned)
        pthread_cond_wait(&t->cond, &t->lock);
    if (t->abandoned) {
        pthread_mutex_unlock(&t->lock);
        return NULL; /* thread_end drops the thread's reference */
    }
    pthread_mutex_unlock(&t->lock);

    code = t->start(t->param);
    atomic_store(&t->exit_code, code);
    atomic_store(&t->exit_stored, 1);
    return NULL; /* thread_end runs as the key's destructor */
}

DWORD wipc_thread_create(SIZE_T stack_size, LPTHREAD_START_ROUTINE start,
                         LPVOID param, int suspended,
                         struct wipc_object **out, DWORD *tid)
{
    struct wipc_thread *t;
    DWORD err;

    pthread_once(&thread_key_once, thread_key_create);
    err = thread_alloc(&t);
    if (err)
        return err;
    t->start = start;
    t->param = param;
    t->suspend_count = suspended ? 1 : 0;
    wipc_object_grab(&t->obj); /* the running thread's own reference */
    err = wipc_plat_thread_start(thread_main, t, stack_size);
    if (err) {
        wipc_object_release(&t->obj);
        wipc_object_release(&t->obj);
        return err;
    }
    pthread_mutex_lock(&t->lock);
    while (!t->started)
        pthread_cond_wait(&t->cond, &t->lock);
    *tid = t->tid;
    pthread_mutex_unlock(&t->lock);
    *out = &t->obj;
    return 0;
}

DWORD wipc_thread_self(struct wipc_object **out)
{
    struct wipc_thread *t;
    DWORD err;

    pthread_once(&thread_key_once, thread_key_create);
    t = pthread_getspecific(thread_key);
    if (!t) {
        err = thread_alloc(&t);
        if (err)
            return err;
        t->tid = wipc_plat_gettid();
        t->started = 1;
        pthread_setspecific(thread_key, t); /* the key holds the first ref */
    }
    *out = wipc_object_grab(&t->obj);
    return 0;
}

void wipc_thread_exit(DWORD code)
{
    struct wipc_object *self;
    if (wipc_thread_self(&self) == 0) {
        atomic_store(&thread_of(self)->exit_code, code);
        atomic_store(&thread_of(self)->exit_stored, 1);
        wipc_object_release(self);
    }
    pthread_exit(NULL);
}

DWORD wipc_thread_exit_code(struct wipc_object *obj)
{
    struct wipc_thread *t = thread_of(obj);
    if (t->process)
        return wipc_process_exit_code(t->process);
    return atomic_load(&t->exit_code);
}

DWORD wipc_thread_of_process(struct wipc_object *process, DWORD tid,
                             struct wipc_object **out)
{
    struct wipc_thread *t;
    DWORD err = thread_alloc(&t);
    if (err)
        return err;
    t->process = wipc_object_grab(process);
    t->tid = tid;
    t->started = 1;
    t->suspend_count = wipc_process_suspended(process) ? 1 : 0;
    *out = &t->obj;
    return 0;
}

DWORD wipc_thread_id(struct wipc_object *obj) { return thread_of(obj)->tid; }

int wipc_thread_is_local(struct wipc_object *obj)
{
    return !thread_of(obj)->process;
}

void wipc_thread_abandon(struct wipc_object *obj)
{
    struct wipc_thread *t = thread_of(obj);
    pthread_mutex_lock(&t->lock);
    if (t->suspend_count > 0 && !t->process) {
        t->abandoned = 1;
        pthread_cond_broadcast(&t->cond);
    }
    pthread_mutex_unlock(&t->lock);
}

DWORD wipc_thread_resume(struct wipc_object *obj, DWORD *prev)
{
    struct wipc_thread *t = thread_of(obj);
    pthread_mutex_lock(&t->lock);
    *prev = t->suspend_count;
    if (t->suspend_count > 0 && --t->suspend_count == 0) {
        pthread_cond_broadcast(&t->cond);
        if (t->process) /* a child started suspended: it goes on */
            wipc_process_resume(t->process);
    }
    pthread_mutex_unlock(&t->lock);
    return 0;
}
