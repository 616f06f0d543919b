/*
 * io_port.c: I/O completion ports, the I/O engine's own object type
 * (io.h).
 *
 * A port is a queue of completion packets under a lock, with an eventfd
 * that is readable while the queue holds any.  The engine posts a packet
 * for each completion of a file associated with the port; a thread in
 * GetQueuedCompletionStatus polls the eventfd and takes packets under the
 * lock (several threads may wake for one packet: those that find none go
 * back to waiting).  Packets come out in the order they went in.
 */
#include <limits.h>
#include <stdlib.h>

#include "../platform/platform.h"
#include "io.h"

struct io_packet {
    struct io_packet *next;
    struct wipc_io_packet p;
};

struct io_port {
    struct wipc_object obj;
    wipc_mutex lock;
    int fd; /* readable while packets wait */
    struct io_packet *first, *last;
    DWORD concurrency;
};

static struct io_port *port_of(struct wipc_object *obj)
{
    return (struct io_port *)obj;
}

static void port_destroy(struct wipc_object *obj)
{
    struct io_port *port = port_of(obj);
    while (port->first) {
        struct io_packet *next = port->first->next;
        free(port->first);
        port->first = next;
    }
    wipc_plat_close(port->fd);
    wipc_mutex_destroy(&port->lock);
    free(port);
}

const struct wipc_object_ops wipc_io_port_ops = {
    .type_name = "IoCompletion",
    .file_type = FILE_TYPE_UNKNOWN,
    .mapping = {STANDARD_RIGHTS_READ | 0x1u, STANDARD_RIGHTS_WRITE | 0x2u,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
                STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3u},
    .destroy = port_destroy,
};

DWORD wipc_io_port_create(DWORD concurrency, struct wipc_object **out)
{
    struct io_port *port = calloc(1, sizeof *port);
    DWORD err;

    if (!port)
        return ERROR_NOT_ENOUGH_MEMORY;
    err = wipc_plat_eventfd(0, &port->fd);
    if (err) {
        free(port);
        return err;
    }
    wipc_mutex_init(&port->lock);
    port->concurrency = concurrency;
    wipc_object_init(&port->obj, &wipc_io_port_ops);
    *out = &port->obj;
    return 0;
}

DWORD wipc_io_port_post(struct wipc_object *obj,
                        const struct wipc_io_packet *p)
{
    struct io_port *port = port_of(obj);
    struct io_packet *pk = malloc(sizeof *pk);

    if (!pk)
        return ERROR_NOT_ENOUGH_MEMORY;
    pk->next = NULL;
    pk->p = *p;
    wipc_mutex_lock(&port->lock);
    if (port->last)
        port->last->next = pk;
    else
        port->first = pk;
    port->last = pk;
    wipc_object_signal_publish(obj);
    wipc_plat_eventfd_set(port->fd);
    wipc_mutex_unlock(&port->lock);
    return 0;
}

/* Takes up to max packets (lock not held); returns how many. */
static ULONG port_take(struct io_port *port, struct wipc_io_packet *out,
                       ULONG max)
{
    ULONG n = 0;
    wipc_mutex_lock(&port->lock);
    while (n < max && port->first) {
        struct io_packet *pk = port->first;
        port->first = pk->next;
        if (!port->first)
            port->last = NULL;
        out[n++] = pk->p;
        free(pk);
    }
    if (!port->first) {
        int was;
        wipc_plat_eventfd_reset(port->fd, &was);
    }
    wipc_mutex_unlock(&port->lock);
    if (n)
        wipc_object_signal_observe(&port->obj);
    return n;
}

DWORD wipc_io_port_get(struct wipc_object *obj, struct wipc_io_packet *out,
                       ULONG max, ULONG *got, DWORD timeout_ms, int alert_fd)
{
    struct io_port *port = port_of(obj);
    uint64_t deadline = wipc_plat_now_ms() + timeout_ms;

    *got = 0;
    for (;;) {
        int fds[2] = {port->fd, alert_fd}, ready[2] = {0, 0}, n = 0, left;
        DWORD err;

        if ((*got = port_take(port, out, max)) > 0)
            return 0;
        if (timeout_ms == INFINITE) {
            left = -1;
        } else {
            uint64_t now = wipc_plat_now_ms();
            left = now >= deadline ? 0
                   : deadline - now > INT_MAX ? INT_MAX
                                              : (int)(deadline - now);
        }
        err = wipc_plat_poll_readable(fds, ready, alert_fd >= 0 ? 2 : 1, left,
                                      &n);
        if (err)
            return err;
        if (ready[0])
            continue; /* a packet, unless another thread takes it first */
        if (alert_fd >= 0 && ready[1])
            return WAIT_IO_COMPLETION;
        if (left == 0)
            return WAIT_TIMEOUT;
    }
}
