/*
 * smb_npa.c: Samba's named pipe auth handshake, decoded and answered
 * (smb_npa.h has the format).  An NDR reader that knows the few types
 * the request uses; every read is bounds-checked and a failure sticks,
 * so the decoder reads on and checks once per structure.
 */
#include "smb_npa.h"

#include <stdio.h>
#include <string.h>

struct ndr {
    const uint8_t *buf;
    size_t len, off;
    int bad;
};

static const uint8_t *ndr_take(struct ndr *n, size_t count)
{
    if (n->bad || count > n->len - n->off) {
        n->bad = 1;
        return NULL;
    }
    const uint8_t *p = n->buf + n->off;
    n->off += count;
    return p;
}

/* Alignment is counted from the start of the length word, as smbd's
 * encoder counts it; padding must be zero. */
static void ndr_align(struct ndr *n, size_t a)
{
    size_t pad = (a - n->off % a) % a;
    const uint8_t *p = ndr_take(n, pad);
    for (size_t i = 0; p && i < pad; i++)
        if (p[i] != 0)
            n->bad = 1;
}

static uint8_t ndr_u8(struct ndr *n)
{
    const uint8_t *p = ndr_take(n, 1);
    return p ? p[0] : 0;
}

static uint16_t ndr_u16(struct ndr *n)
{
    ndr_align(n, 2);
    const uint8_t *p = ndr_take(n, 2);
    return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

static uint32_t ndr_u32(struct ndr *n)
{
    ndr_align(n, 4);
    const uint8_t *p = ndr_take(n, 4);
    return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                   (uint32_t)p[3] << 24
             : 0;
}

/* uint64 as NDR's hyper (8-aligned) or udlong/NTTIME (4-aligned). */
static uint64_t ndr_u64(struct ndr *n, size_t align)
{
    ndr_align(n, align);
    uint64_t lo = ndr_u32(n);
    return lo | (uint64_t)ndr_u32(n) << 32;
}

/* A unique pointer's referent id: nonzero if the referent follows. */
static int ndr_ptr(struct ndr *n)
{
    return ndr_u32(n) != 0;
}

/* A [string] referent: maximum count, offset 0, actual count equal to
 * it, the bytes with their terminating NUL and no other.  Copied to dst
 * (cut at cap - 1 bytes), or skipped if dst is NULL. */
static void ndr_string(struct ndr *n, char *dst, size_t cap)
{
    uint32_t max = ndr_u32(n), ofs = ndr_u32(n), act = ndr_u32(n);
    if (ofs != 0 || act != max || act == 0) {
        n->bad = 1;
        return;
    }
    const uint8_t *p = ndr_take(n, act);
    if (!p)
        return;
    if (p[act - 1] != 0 || memchr(p, 0, act - 1) != NULL) {
        n->bad = 1;
        return;
    }
    if (dst) {
        size_t c = act - 1 < cap - 1 ? act - 1 : cap - 1;
        memcpy(dst, p, c);
        dst[c] = 0;
    }
}

/* A DATA_BLOB: uint32 length and the bytes, skipped (the session key and
 * the GSSAPI credentials are nobody's business here). */
static void ndr_blob_skip(struct ndr *n)
{
    uint32_t l = ndr_u32(n);
    ndr_take(n, l);
}

/* A dom_sid: revision, count of sub-authorities (at most 15), the 6-byte
 * authority (big-endian), the sub-authorities.  Written as text to dst
 * if it is not NULL. */
static void ndr_sid(struct ndr *n, char *dst, size_t cap)
{
    ndr_align(n, 4);
    uint8_t rev = ndr_u8(n), count = ndr_u8(n);
    const uint8_t *auth = ndr_take(n, 6);
    if (n->bad || rev != 1 || count > 15) {
        n->bad = 1;
        return;
    }
    uint64_t a = 0;
    for (int i = 0; i < 6; i++)
        a = a << 8 | auth[i];
    int w = dst ? snprintf(dst, cap, "S-1-%llu", (unsigned long long)a) : 0;
    for (int i = 0; i < count; i++) {
        uint32_t sub = ndr_u32(n);
        if (dst && w > 0 && (size_t)w < cap)
            w += snprintf(dst + w, cap - (size_t)w, "-%lu",
                          (unsigned long)sub);
    }
}

/* An array's conformance (its element count), checked against the count
 * the structure states, and bounded by the bytes left (each element
 * takes at least min_size bytes). */
static uint32_t ndr_conformance(struct ndr *n, uint32_t stated,
                                size_t min_size)
{
    uint32_t c = ndr_u32(n);
    if (c != stated || (size_t)c > (n->len - n->off) / min_size)
        n->bad = 1;
    return c;
}

/* security_token: the SIDs (the first is the user's), the privilege and
 * rights masks, and at level 8 the claims (only empty ones understood)
 * and the device SIDs. */
static DWORD npa_token(struct ndr *n, uint32_t layout,
                       struct wipc_npa_req *req)
{
    ndr_align(n, 8);
    uint32_t nsids = ndr_u32(n);
    ndr_conformance(n, nsids, 8);
    for (uint32_t i = 0; i < nsids && !n->bad; i++)
        ndr_sid(n, i == 0 ? req->user_sid : NULL, sizeof req->user_sid);
    req->num_sids = nsids;
    req->anonymous = nsids > 0 && strcmp(req->user_sid, "S-1-5-7") == 0;
    ndr_u64(n, 8); /* privilege_mask */
    ndr_u32(n);    /* rights_mask */
    if (!(layout & WIPC_NPA_F_CLAIMS))
        return 0;
    uint32_t local = ndr_u32(n), user = ndr_u32(n), device = ndr_u32(n);
    uint32_t ndev = ndr_u32(n);
    if (n->bad)
        return 0;
    if (local || user || device)
        return ERROR_NOT_SUPPORTED;
    for (int i = 0; i < 3; i++)
        ndr_conformance(n, 0, 1);
    ndr_conformance(n, ndev, 8);
    for (uint32_t i = 0; i < ndev && !n->bad; i++)
        ndr_sid(n, NULL, 0);
    ndr_u16(n); /* evaluate_claims */
    return 0;
}

/* security_unix_token: uid, gid and groups (64-bit each). */
static void npa_unix_token(struct ndr *n, struct wipc_npa_req *req)
{
    uint32_t conf = ndr_u32(n);
    ndr_align(n, 8);
    req->uid = ndr_u64(n, 8);
    req->gid = ndr_u64(n, 8);
    req->ngroups = ndr_u32(n);
    if (conf != req->ngroups || conf > (n->len - n->off) / 8)
        n->bad = 1;
    for (uint32_t i = 0; i < req->ngroups && !n->bad; i++)
        ndr_u64(n, 8);
    req->has_unix_token = !n->bad;
}

/* auth_user_info: ten string pointers around one boolean8, six NTTIMEs,
 * two counts, the account flags, and the authenticated byte (or, from
 * 4.19, user_flags, where NETLOGON_GUEST 0x1 means not authenticated). */
static void npa_user_info(struct ndr *n, uint32_t layout,
                          struct wipc_npa_req *req)
{
    int p[10];
    ndr_align(n, 4);
    p[0] = ndr_ptr(n); /* account_name */
    p[1] = ndr_ptr(n); /* user_principal_name */
    ndr_u8(n);         /* user_principal_constructed */
    for (int i = 2; i < 10; i++)
        p[i] = ndr_ptr(n); /* domain_name ... logon_server */
    for (int i = 0; i < 6; i++)
        ndr_u64(n, 4);
    ndr_u16(n); /* logon_count */
    ndr_u16(n); /* bad_password_count */
    ndr_u32(n); /* acct_flags */
    if (layout & WIPC_NPA_F_USERFLAGS)
        req->authenticated = !(ndr_u32(n) & 0x1);
    else
        req->authenticated = ndr_u8(n) != 0;
    for (int i = 0; i < 10; i++) {
        if (!p[i])
            continue;
        char *dst = i == 0   ? req->account_name
                    : i == 2 ? req->domain_name
                             : NULL;
        ndr_string(n, dst, WIPC_NPA_STR_MAX);
    }
}

/* auth_session_info_transport and the auth_session_info it points to. */
static DWORD npa_session(struct ndr *n, uint32_t layout,
                         struct wipc_npa_req *req)
{
    ndr_align(n, 4);
    int has_info = ndr_ptr(n);
    ndr_blob_skip(n); /* exported_gssapi_credentials */
    if (!has_info)
        return 0;
    int token = ndr_ptr(n), unix_token = ndr_ptr(n), info = ndr_ptr(n);
    int unix_info = ndr_ptr(n);
    ndr_ptr(n);       /* torture: not sent (NULL) */
    ndr_blob_skip(n); /* session_key */
    ndr_ptr(n);       /* credentials: not sent (NULL) */
    ndr_u32(n);       /* unique_session_token: a GUID */
    ndr_u16(n);
    ndr_u16(n);
    ndr_take(n, 8);
    if (layout & WIPC_NPA_F_TICKET)
        ndr_u16(n);
    req->has_session = 1;
    if (token) {
        DWORD e = npa_token(n, layout, req);
        if (e)
            return e;
    }
    if (unix_token)
        npa_unix_token(n, req);
    if (info)
        npa_user_info(n, layout, req);
    if (unix_info) {
        ndr_align(n, 4);
        int name = ndr_ptr(n), sanitized = ndr_ptr(n);
        if (name)
            ndr_string(n, req->unix_name, sizeof req->unix_name);
        if (sanitized)
            ndr_string(n, NULL, 0);
    }
    return 0;
}

static DWORD npa_decode_layout(const uint8_t *buf, size_t len,
                               uint32_t layout, struct wipc_npa_req *req)
{
    struct ndr n = {buf, len, 12, 0};
    memset(req, 0, sizeof *req);
    req->level = buf[8] | buf[9] << 8 | buf[10] << 16 | (uint32_t)buf[11] << 24;
    req->layout = layout;
    if (ndr_u32(&n) != req->level)
        return ERROR_INVALID_DATA;
    req->transport = ndr_u8(&n);
    int rname = ndr_ptr(&n), raddr = ndr_ptr(&n);
    req->remote_client_port = ndr_u16(&n);
    int lname = ndr_ptr(&n), laddr = ndr_ptr(&n);
    req->local_server_port = ndr_u16(&n);
    int session = ndr_ptr(&n);
    if (layout & WIPC_NPA_F_IDLE)
        req->need_idle_server = ndr_u8(&n) != 0;
    if (rname)
        ndr_string(&n, req->remote_client_name, WIPC_NPA_STR_MAX);
    if (raddr)
        ndr_string(&n, req->remote_client_addr, WIPC_NPA_STR_MAX);
    if (lname)
        ndr_string(&n, req->local_server_name, WIPC_NPA_STR_MAX);
    if (laddr)
        ndr_string(&n, req->local_server_addr, WIPC_NPA_STR_MAX);
    if (session) {
        DWORD e = npa_session(&n, layout, req);
        if (e)
            return n.bad ? ERROR_INVALID_DATA : e;
    }
    if (n.bad || n.off != len)
        return ERROR_INVALID_DATA;
    return 0;
}

size_t wipc_npa_req_total(const uint8_t head[4])
{
    uint32_t l = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16 |
                 (uint32_t)head[2] << 8 | head[3];
    if (l < 8 || l > WIPC_NPA_REQ_MAX - 4)
        return 0;
    return (size_t)l + 4;
}

DWORD wipc_npa_decode_req(const uint8_t *buf, size_t len, unsigned hints,
                          struct wipc_npa_req *req)
{
    static const uint32_t layouts5[] = {WIPC_NPA_F_IDLE | WIPC_NPA_F_TICKET,
                                        WIPC_NPA_F_IDLE};
    static const uint32_t layouts7[] = {WIPC_NPA_F_TICKET};
    static const uint32_t layouts7_419[] = {WIPC_NPA_F_TICKET |
                                            WIPC_NPA_F_USERFLAGS};
    static const uint32_t layouts8[] = {
        WIPC_NPA_F_TICKET | WIPC_NPA_F_USERFLAGS | WIPC_NPA_F_CLAIMS};
    memset(req, 0, sizeof *req);
    if (len < 12 || wipc_npa_req_total(buf) != len ||
        memcmp(buf + 4, "NPAM", 4) != 0)
        return ERROR_INVALID_DATA;
    uint32_t level =
        buf[8] | buf[9] << 8 | buf[10] << 16 | (uint32_t)buf[11] << 24;
    const uint32_t *layouts;
    size_t count;
    switch (level) {
    case 5:
        layouts = layouts5, count = 2;
        break;
    case 7:
        layouts = hints & WIPC_NPA_HINT_SAMBA_4_19 ? layouts7_419 : layouts7;
        count = 1;
        break;
    case 8:
        layouts = layouts8, count = 1;
        break;
    default:
        return ERROR_NOT_SUPPORTED;
    }
    DWORD first = ERROR_INVALID_DATA;
    for (size_t i = 0; i < count; i++) {
        DWORD e = npa_decode_layout(buf, len, layouts[i], req);
        if (e == 0)
            return 0;
        if (i == 0)
            first = e;
    }
    memset(req, 0, sizeof *req);
    return first;
}

static void put32le(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void wipc_npa_encode_rep(uint8_t out[WIPC_NPA_REP_LEN], uint32_t level,
                         uint16_t file_type, uint16_t device_state,
                         uint64_t allocation_size, uint32_t status)
{
    memset(out, 0, WIPC_NPA_REP_LEN);
    out[3] = WIPC_NPA_REP_LEN - 4;
    memcpy(out + 4, "NPAM", 4);
    put32le(out + 8, level);
    put32le(out + 12, level);
    out[16] = (uint8_t)file_type;
    out[17] = (uint8_t)(file_type >> 8);
    out[18] = (uint8_t)device_state;
    out[19] = (uint8_t)(device_state >> 8);
    put32le(out + 24, (uint32_t)allocation_size);
    put32le(out + 28, (uint32_t)(allocation_size >> 32));
    put32le(out + 32, status);
}
