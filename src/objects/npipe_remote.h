/*
 * npipe_remote.h: named pipe clients on other machines, through Samba
 * (docs/remote-pipes.md).
 *
 * smbd hands each open of \\HOST\pipe\NAME to the Unix socket
 * <ncalrpc dir>/np/<name>, where the bridge (tools/winipc-smbd-bridge, a
 * root service) listens for every live winipc pipe that accepts remote
 * clients.  The bridge answers smbd's handshake (core/smb_npa.h), checks
 * the client's identity, claims an instance of the pipe as any client
 * does, and sends the instance, on that connection, one hand-over: this
 * structure with smbd's socket attached (SCM_RIGHTS).  The server takes
 * smbd's socket as its connection and drops the bridge's, so that every
 * byte then goes between smbd and the server with nobody in between.
 *
 * The server knows a hand-over is coming because the connection is the
 * bridge's: root's (SO_PEERCRED uid 0, which only root can be) and from a
 * process named WIPC_NPR_BRIDGE_COMM.
 */
#ifndef WIPC_NPIPE_REMOTE_H
#define WIPC_NPIPE_REMOTE_H

#include <stdint.h>

#include <windows.h>

#define WIPC_NPR_BRIDGE_COMM "wipc-smb-bridge"
#define WIPC_NPR_MAGIC 0x31524e57u /* "WNR1" */
#define WIPC_NPR_STR 256
/* How long a server waits for the hand-over the bridge sent as soon as it
 * had connected. */
#define WIPC_NPR_WAIT_MS 2000

/* flags */
#define WIPC_NPR_AUTHENTICATED 0x1 /* logged in (not a guest) */
#define WIPC_NPR_ANONYMOUS 0x2     /* an anonymous (null) session */

/* Message pipes over SMB: a 2-byte little-endian length before each
 * message, so at most 65,535 bytes, and never an empty one. */
#define WIPC_NPR_FRAME 2u
#define WIPC_NPR_MSG_MAX 65535u

struct wipc_npr_handover {
    uint32_t magic, size; /* WIPC_NPR_MAGIC, sizeof this structure */
    uint32_t flags;       /* WIPC_NPR_* */
    uint32_t uid, gid;    /* the SMB user's Unix ids (smbd's mapping) */
    uint16_t client_port, pad;
    char computer[WIPC_NPR_STR]; /* the client's machine name */
    char address[WIPC_NPR_STR];  /* its IP address */
    char user[WIPC_NPR_STR];     /* the Windows account name */
    char domain[WIPC_NPR_STR];   /* its domain (or the server's name) */
    char unix_user[WIPC_NPR_STR];
};

/* 1 if the connection's peer (pid, uid from SO_PEERCRED) is the bridge. */
int wipc_npr_from_bridge(DWORD pid, DWORD uid);

/* Reads the hand-over from the bridge's connection conn, waiting at most
 * WIPC_NPR_WAIT_MS: 0 with *h filled (strings terminated) and *fd the
 * socket to smbd; an error (nothing kept open) if none came, or a
 * malformed one. */
DWORD wipc_npr_take(int conn, struct wipc_npr_handover *h, int *fd);

#endif
