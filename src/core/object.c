/*
 * object.c: reference counting and access mapping shared by all types.
 */
#include "io.h"
#include "object.h"

void wipc_object_init(struct wipc_object *obj,
                      const struct wipc_object_ops *ops)
{
    obj->ops = ops;
    atomic_init(&obj->refcount, 1);
    atomic_init(&obj->signals, 0);
    obj->flags = 0;
    obj->handles = 0;
    obj->io = NULL;
    atomic_init(&obj->io_peer_away, 0);
    atomic_init(&obj->io_link, 0);
}

void wipc_object_signal_publish(struct wipc_object *obj)
{
    atomic_fetch_add_explicit(&obj->signals, 1, memory_order_release);
}

void wipc_object_signal_observe(struct wipc_object *obj)
{
    (void)atomic_load_explicit(&obj->signals, memory_order_acquire);
}

struct wipc_object *wipc_object_grab(struct wipc_object *obj)
{
    atomic_fetch_add_explicit(&obj->refcount, 1, memory_order_relaxed);
    return obj;
}

void wipc_object_release(struct wipc_object *obj)
{
    if (!obj)
        return;
    if (atomic_fetch_sub_explicit(&obj->refcount, 1, memory_order_acq_rel) ==
        1) {
        if (obj->io)
            wipc_io_forget(obj);
        obj->ops->destroy(obj);
    }
}

ACCESS_MASK wipc_object_map_access(const struct wipc_object_ops *ops,
                                   ACCESS_MASK access)
{
    ACCESS_MASK out = access & ~(GENERIC_READ | GENERIC_WRITE |
                                 GENERIC_EXECUTE | GENERIC_ALL);
    if (access & GENERIC_READ)
        out |= ops->mapping.read;
    if (access & GENERIC_WRITE)
        out |= ops->mapping.write;
    if (access & GENERIC_EXECUTE)
        out |= ops->mapping.execute;
    if (access & GENERIC_ALL)
        out |= ops->mapping.all;
    return out;
}
