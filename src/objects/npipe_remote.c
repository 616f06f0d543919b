/*
 * npipe_remote.c: the server's side of a hand-over from the bridge
 * (npipe_remote.h).
 */
#include <string.h>

#include "../platform/platform.h"
#include "npipe_remote.h"

int wipc_npr_from_bridge(DWORD pid, DWORD uid)
{
    return uid == 0 && pid != 0 &&
           wipc_plat_process_comm_is(pid, WIPC_NPR_BRIDGE_COMM);
}

DWORD wipc_npr_take(int conn, struct wipc_npr_handover *h, int *fd)
{
    size_t len = 0;
    DWORD err;

    *fd = -1;
    err = wipc_plat_svc_recv(conn, h, sizeof *h, &len, fd, WIPC_NPR_WAIT_MS);
    if (err)
        return err;
    if (len != sizeof *h || h->magic != WIPC_NPR_MAGIC ||
        h->size != sizeof *h || *fd < 0) {
        if (*fd >= 0)
            wipc_plat_close(*fd);
        *fd = -1;
        return ERROR_INVALID_DATA;
    }
    h->computer[WIPC_NPR_STR - 1] = 0;
    h->address[WIPC_NPR_STR - 1] = 0;
    h->user[WIPC_NPR_STR - 1] = 0;
    h->domain[WIPC_NPR_STR - 1] = 0;
    h->unix_user[WIPC_NPR_STR - 1] = 0;
    return 0;
}
