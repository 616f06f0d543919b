/*
 * smb_npa.h: the handshake Samba's smbd sends down a named pipe's Unix
 * socket ("named pipe auth", NPAM) before the pipe's bytes, and the
 * reply it expects, with no I/O (so it can be tested and fuzzed on its
 * own).  docs/remote-pipes.md has the whole picture.
 *
 * smbd connects to <ncalrpc dir>/np/<pipe name in lower case> and sends:
 *
 *   uint32 length, big-endian: the bytes that follow
 *   "NPAM", uint32 level, uint32 level again (the union's switch)
 *   the level's info structure in NDR (little-endian, 4-byte pointers,
 *   every offset aligned from the start of the length word):
 *     uint8 transport, unique pointers to the client's name and address,
 *     uint16 client port, pointers to the server's name and address,
 *     uint16 server port, a pointer to the session, and at level 5 a
 *     boolean8 need_idle_server; then the four strings, then the session
 *     (auth_session_info_transport: the session, exported GSSAPI
 *     credentials; auth_session_info: the Windows token, the Unix token,
 *     the user's information, the Unix user name, the session key, ...).
 *
 * Levels, by the Samba versions that send them (librpc/idl/ in each
 * release): 5 in 4.16.0-4.17.8 and 4.18.0-4.18.8 (4.16 without the
 * session's ticket type), 7 in 4.17.9+ and 4.18.9+ (the user's
 * "authenticated" is one byte) and 4.19 (a 32-bit user_flags instead), 8
 * in 4.20 and later (the Windows token gains claims and device SIDs).
 * The decoder tries the layouts of the level it was given and takes the
 * one that accounts for every byte, as smbd's own decoder requires (at
 * level 5 the two differ in a field nothing here reads).
 *
 * The reply is 36 bytes: length 32 (big-endian), "NPAM", the level twice,
 * uint16 file type (1 byte mode, 2 message mode), uint16 device state,
 * 4 bytes of alignment, uint64 allocation size, NTSTATUS.
 *
 * The session key is skipped, never copied out.
 */
#ifndef WIPC_SMB_NPA_H
#define WIPC_SMB_NPA_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

/* The largest request accepted (smbd's own bound on a reply is 16 MiB;
 * a real request is under 4 KiB unless the user is in very many groups). */
#define WIPC_NPA_REQ_MAX (1u << 20)
#define WIPC_NPA_REP_LEN 36
#define WIPC_NPA_STR_MAX 256

/* The reply's file type. */
#define WIPC_NPA_FILE_TYPE_BYTE 1
#define WIPC_NPA_FILE_TYPE_MESSAGE 2

/* How the request was laid out (which of a level's variants matched). */
#define WIPC_NPA_F_IDLE 0x1      /* level 5: need_idle_server */
#define WIPC_NPA_F_TICKET 0x2    /* the session's ticket_type (4.17 on) */
#define WIPC_NPA_F_USERFLAGS 0x4 /* uint32 user_flags (4.19 on) */
#define WIPC_NPA_F_CLAIMS 0x8    /* the token's claims (level 8) */

struct wipc_npa_req {
    uint32_t level;
    uint32_t layout; /* WIPC_NPA_F_* */
    uint8_t transport;
    char remote_client_name[WIPC_NPA_STR_MAX];
    char remote_client_addr[WIPC_NPA_STR_MAX];
    uint16_t remote_client_port;
    char local_server_name[WIPC_NPA_STR_MAX];
    char local_server_addr[WIPC_NPA_STR_MAX];
    uint16_t local_server_port;
    int need_idle_server;
    /* The session (has_session 0: none was sent, nothing below is set). */
    int has_session;
    int anonymous;     /* the token's user SID is S-1-5-7 */
    int authenticated; /* info->authenticated, or no NETLOGON_GUEST flag */
    int has_unix_token;
    uint64_t uid, gid;
    uint32_t ngroups;
    uint32_t num_sids;
    char user_sid[WIPC_NPA_STR_MAX]; /* "S-1-5-21-...", the first SID */
    char account_name[WIPC_NPA_STR_MAX];
    char domain_name[WIPC_NPA_STR_MAX];
    char unix_name[WIPC_NPA_STR_MAX];
};

/* Level 7 is laid out alike by 4.17.9+/4.18.9+ and by 4.19 but for the
 * user's authenticated byte, which 4.19 replaced by a 32-bit user_flags
 * in the same place: the bytes alone cannot tell them apart (a guest's
 * user_flags 1 would read as authenticated 1), so the caller says which
 * Samba sent them (the bridge asks the installed smbd for its version). */
#define WIPC_NPA_HINT_SAMBA_4_19 0x1

/* Decodes the request in buf[0..len) (length word included), hints
 * WIPC_NPA_HINT_* or 0.  Returns 0,
 * ERROR_INVALID_DATA for anything malformed, truncated, longer than its
 * length word or with bytes left over, ERROR_NOT_SUPPORTED for a level
 * other than 5, 7 and 8, or for a level 8 token that carries claims. */
DWORD wipc_npa_decode_req(const uint8_t *buf, size_t len, unsigned hints,
                          struct wipc_npa_req *req);

/* The length a request announces in its first 4 bytes, plus 4: the
 * bytes to read in all.  0 if that is under 12 or over
 * WIPC_NPA_REQ_MAX. */
size_t wipc_npa_req_total(const uint8_t head[4]);

/* Writes the 36-byte reply to out. */
void wipc_npa_encode_rep(uint8_t out[WIPC_NPA_REP_LEN], uint32_t level,
                         uint16_t file_type, uint16_t device_state,
                         uint64_t allocation_size, uint32_t status);

#endif
