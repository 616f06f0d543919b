/*
 * process.c: process objects.  A process handle is a pidfd, which becomes
 * readable when the process exits; for this process, that is never while
 * anyone can look.
 */
#include <stdlib.h>

#include "objects.h"

struct wipc_process {
    struct wipc_object obj;
    int pidfd;
    DWORD pid;
};

static inline struct wipc_process *process_of(struct wipc_object *obj)
{
    return (struct wipc_process *)obj;
}

static int process_fd(struct wipc_object *obj)
{
    return process_of(obj)->pidfd;
}

static void process_destroy(struct wipc_object *obj)
{
    wipc_plat_close(process_of(obj)->pidfd);
    free(obj);
}

const struct wipc_object_ops wipc_process_ops = {
    .type_name = "Process",
    .file_type = FILE_TYPE_UNKNOWN,
    .mapping = {STANDARD_RIGHTS_READ | PROCESS_VM_READ |
                    PROCESS_QUERY_INFORMATION,
                STANDARD_RIGHTS_WRITE | PROCESS_CREATE_THREAD |
                    PROCESS_VM_OPERATION | PROCESS_VM_WRITE |
                    PROCESS_DUP_HANDLE | PROCESS_CREATE_PROCESS |
                    PROCESS_SET_QUOTA | PROCESS_SET_INFORMATION |
                    PROCESS_SUSPEND_RESUME,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE |
                    PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_TERMINATE,
                PROCESS_ALL_ACCESS},
    .signal_fd = process_fd,
    .get_fd = process_fd,
    .destroy = process_destroy,
};

static struct {
    wipc_mutex lock;
    struct wipc_process *obj;
    DWORD pid; /* the pid it was made for: a fork()ed child needs its own */
} self = {WIPC_MUTEX_INIT, NULL, 0};

DWORD wipc_process_self(struct wipc_object **out)
{
    DWORD pid = wipc_plat_getpid();
    DWORD err = 0;

    wipc_mutex_lock(&self.lock);
    if (!self.obj || self.pid != pid) {
        struct wipc_process *p = calloc(1, sizeof *p);
        if (!p) {
            err = ERROR_NOT_ENOUGH_MEMORY;
            goto fail;
        }
        err = wipc_plat_pidfd_self(&p->pidfd);
        if (err) {
            free(p);
            goto fail;
        }
        wipc_object_init(&p->obj, &wipc_process_ops);
        p->pid = pid;
        /* The old object (inherited through fork) is not ours to free:
         * another thread of the parent may have held it. */
        self.obj = p;
        self.pid = pid;
    }
    *out = wipc_object_grab(&self.obj->obj);
fail:
    wipc_mutex_unlock(&self.lock);
    return err;
}

DWORD wipc_process_id(struct wipc_object *obj)
{
    return process_of(obj)->pid;
}
