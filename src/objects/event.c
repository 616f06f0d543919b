/*
 * event.c: events, as eventfds.
 *
 * The eventfd is readable exactly while the event is signalled.  A manual-
 * reset event is left alone by waits; an auto-reset event is consumed by the
 * one waiter whose non-blocking read of the eventfd succeeds, so a SetEvent
 * releases exactly one waiter however many are polling.  Several SetEvent
 * calls before any wait add up in the counter, but one read drains it all:
 * the event is signalled once, as on Windows.
 */
#include <stdio.h>
#include <stdlib.h>

#include "objects.h"
#include "sync.h"

struct wipc_event {
    struct wipc_object obj;
    int fd;
    BOOL manual;
};

static inline struct wipc_event *event_of(struct wipc_object *obj)
{
    return (struct wipc_event *)obj;
}

static int event_fd(struct wipc_object *obj) { return event_of(obj)->fd; }

static int event_satisfy(struct wipc_object *obj)
{
    int was_set = 0;
    if (event_of(obj)->manual)
        return 1;
    if (wipc_plat_eventfd_reset(event_of(obj)->fd, &was_set))
        return 0;
    return was_set;
}

static void event_unsatisfy(struct wipc_object *obj)
{
    if (!event_of(obj)->manual)
        wipc_plat_eventfd_set(event_of(obj)->fd);
}

static void event_inherit_info(struct wipc_object *obj, int *fd, char *tag,
                               size_t taglen)
{
    *fd = event_of(obj)->fd;
    snprintf(tag, taglen, "event.%d", event_of(obj)->manual ? 1 : 0);
}

static const char *event_name(struct wipc_object *obj)
{
    return wipc_sync_name_of(obj);
}

static void event_destroy(struct wipc_object *obj)
{
    wipc_sync_name_forget(obj); /* a named event's hold on its name */
    wipc_plat_close(event_of(obj)->fd);
    free(obj);
}

const struct wipc_object_ops wipc_event_ops = {
    .type_name = "Event",
    .file_type = FILE_TYPE_UNKNOWN,
    .mapping = {STANDARD_RIGHTS_READ | EVENT_QUERY_STATE,
                STANDARD_RIGHTS_WRITE | EVENT_MODIFY_STATE,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, EVENT_ALL_ACCESS},
    .signal_fd = event_fd,
    .satisfy = event_satisfy,
    .unsatisfy = event_unsatisfy,
    .inherit_info = event_inherit_info,
    .get_fd = event_fd,
    .name = event_name,
    .destroy = event_destroy,
};

DWORD wipc_event_create(BOOL manual_reset, BOOL initial_state,
                        struct wipc_object **out)
{
    struct wipc_event *ev = calloc(1, sizeof *ev);
    DWORD err;

    if (!ev)
        return ERROR_NOT_ENOUGH_MEMORY;
    err = wipc_plat_eventfd(initial_state != 0, &ev->fd);
    if (err) {
        free(ev);
        return err;
    }
    wipc_object_init(&ev->obj, &wipc_event_ops);
    ev->manual = manual_reset != 0;
    *out = &ev->obj;
    return 0;
}

DWORD wipc_event_adopt(int fd, BOOL manual_reset, struct wipc_object **out)
{
    struct wipc_event *ev = calloc(1, sizeof *ev);
    if (!ev)
        return ERROR_NOT_ENOUGH_MEMORY;
    wipc_object_init(&ev->obj, &wipc_event_ops);
    ev->fd = fd;
    ev->manual = manual_reset != 0;
    *out = &ev->obj;
    return 0;
}

DWORD wipc_event_set(struct wipc_object *obj)
{
    wipc_object_signal_publish(obj);
    return wipc_plat_eventfd_set(event_of(obj)->fd);
}

DWORD wipc_event_reset(struct wipc_object *obj)
{
    return wipc_plat_eventfd_reset(event_of(obj)->fd, NULL);
}
