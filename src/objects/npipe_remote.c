/*
 * npipe_remote.c: the server's side of a hand-over from the bridge
 * (npipe_remote.h).
 */
#include <stdatomic.h>
#include <string.h>

#include "../platform/platform.h"
#include "npipe_remote.h"

/*
 * The answer for the last root client, kept while its process lives: a
 * client that connects again and again (a connection per request) would
 * otherwise cost each of its connections an open, a read and a close of
 * /proc/PID/comm in the server.  The process is held by a pidfd, opened
 * before its name is read and found still running after: while it has not
 * exited no other process can have its pid, so one poll() of the pidfd
 * tells whether the answer still holds.  One thread at a time uses the
 * entry; another one meanwhile asks /proc.  (A root process that renames
 * itself, or execs another program, keeps its first answer until it ends:
 * the bridge is started as itself and stays so.)
 */
static atomic_flag npr_busy = ATOMIC_FLAG_INIT;
static DWORD npr_pid;
static int npr_pidfd = -1;
static int npr_answer;

/* 1 if pidfd's process has not exited. */
static int npr_alive(int pidfd)
{
    int ready[1] = {0}, n = 0;
    return wipc_plat_poll_readable(&pidfd, ready, 1, 0, &n) == 0 && n == 0;
}

int wipc_npr_from_bridge(DWORD pid, DWORD uid)
{
    int answer, fd = -1;

    if (uid != 0 || pid == 0)
        return 0;
    if (!atomic_flag_test_and_set(&npr_busy)) {
        int known = npr_pid == pid && npr_pidfd >= 0 && npr_alive(npr_pidfd);
        answer = npr_answer;
        atomic_flag_clear(&npr_busy);
        if (known)
            return answer;
    }
    if (wipc_plat_pidfd_open(pid, &fd) != 0)
        fd = -1;
    answer = wipc_plat_process_comm_is(pid, WIPC_NPR_BRIDGE_COMM);
    if (fd >= 0 && npr_alive(fd) && !atomic_flag_test_and_set(&npr_busy)) {
        int old = npr_pidfd;
        npr_pid = pid;
        npr_pidfd = fd;
        npr_answer = answer;
        atomic_flag_clear(&npr_busy);
        fd = old;
    }
    wipc_plat_close(fd);
    return answer;
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
