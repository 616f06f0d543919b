/*
 * netbios_mailslot.c: encoding and decoding mailslot datagrams (see
 * netbios_mailslot.h for the layout and the documents it follows).
 */
#include <string.h>

#include "netbios_mailslot.h"

/* Offsets in the NetBIOS datagram header ([RFC 1002] 4.4.1). */
#define NB_FIXED_LEN 14
#define NB_FLAG_MORE 0x01
#define NB_FLAG_FIRST 0x02

/* Offsets in the SMB message ([MS-CIFS] 2.2.3.1 and 2.2.4.33.1). */
#define SMB_COMMAND 4
#define SMB_FLAGS2 10
#define SMB_WORDCOUNT 32
#define SMB_TOTAL_PARAM 33
#define SMB_TOTAL_DATA 35
#define SMB_PARAM_COUNT 51
#define SMB_DATA_COUNT 55
#define SMB_DATA_OFFSET 57
#define SMB_SETUP_COUNT 59
#define SMB_SETUP 61 /* opcode, priority, class */
#define SMB_BYTE_COUNT 67
#define SMB_BYTES 69

#define SMB_COM_TRANSACTION 0x25
#define SMB_FLAGS2_UNICODE 0x8000
#define MAILSLOT_WORDCOUNT 17
#define MAILSLOT_SETUP_COUNT 3
#define TRANS_MAILSLOT_WRITE 1

static void put16be(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32be(uint8_t *p, uint32_t v)
{
    put16be(p, (uint16_t)(v >> 16));
    put16be(p + 2, (uint16_t)v);
}

static void put16le(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static uint16_t get16be(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32be(const uint8_t *p)
{
    return ((uint32_t)get16be(p) << 16) | get16be(p + 2);
}

static uint16_t get16le(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

/* strnlen, which C11 lacks. */
static size_t nb_strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

static char nb_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* 1 if s (len bytes) starts with "\MAILSLOT\", ignoring case. */
static int nb_has_prefix(const char *s, size_t len)
{
    size_t n = sizeof WIPC_NBMS_PREFIX - 1;
    if (len < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (nb_upper(s[i]) != WIPC_NBMS_PREFIX[i])
            return 0;
    return 1;
}

DWORD wipc_nb_name_normalize(const char *text, size_t len,
                             char out[WIPC_NB_NAME_MAX + 1])
{
    if (len == 0 || len > WIPC_NB_NAME_MAX)
        return ERROR_INVALID_NAME;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c <= 0x20 || c == 0x7F || strchr("\\/:*?\"<>|.", c))
            return ERROR_INVALID_NAME;
        out[i] = nb_upper((char)c);
    }
    out[len] = '\0';
    return 0;
}

void wipc_nb_name_encode(const struct wipc_nb_name *name, uint8_t out[34])
{
    size_t n = nb_strnlen(name->name, WIPC_NB_NAME_MAX);
    out[0] = 32; /* the label's length */
    for (size_t i = 0; i < 16; i++) {
        uint8_t b = i < n ? (uint8_t)name->name[i] : ' ';
        if (i == 15)
            b = name->suffix;
        out[1 + 2 * i] = (uint8_t)('A' + (b >> 4));
        out[2 + 2 * i] = (uint8_t)('A' + (b & 0x0F));
    }
    out[33] = 0; /* the empty scope */
}

DWORD wipc_nb_name_decode(const uint8_t *p, size_t avail,
                          struct wipc_nb_name *out, size_t *used)
{
    uint8_t raw[16];
    size_t n;

    /* A 32-byte label, then the root label: no scope. */
    if (avail < 34 || p[0] != 32 || p[33] != 0)
        return ERROR_INVALID_DATA;
    for (size_t i = 0; i < 16; i++) {
        uint8_t hi = p[1 + 2 * i], lo = p[2 + 2 * i];
        if (hi < 'A' || hi > 'P' || lo < 'A' || lo > 'P')
            return ERROR_INVALID_DATA;
        raw[i] = (uint8_t)(((hi - 'A') << 4) | (lo - 'A'));
    }
    /* The name ends at its first NUL (the wildcard "*" is padded with
     * them) or its padding spaces. */
    for (n = 0; n < WIPC_NB_NAME_MAX && raw[n]; n++)
        out->name[n] = (char)raw[n];
    while (n > 0 && out->name[n - 1] == ' ')
        n--;
    out->name[n] = '\0';
    out->suffix = raw[15];
    *used = 34;
    return 0;
}

/* Writes the SMB_COM_TRANSACTION request at p (its size: smb_len). */
static void nbms_put_smb(const struct wipc_nbms_msg *msg, size_t slot_len,
                         uint8_t *p, size_t smb_len)
{
    uint16_t data_off = (uint16_t)(SMB_BYTES + slot_len + 1);

    memset(p, 0, SMB_BYTES);
    memcpy(p, "\xFFSMB", 4);
    p[SMB_COMMAND] = SMB_COM_TRANSACTION;
    /* Status, flags, PID, TID, UID and MID stay 0, as Windows sends them
     * in mailslot requests ([MS-BRWS] 4.1); a receiver ignores them. */
    p[SMB_WORDCOUNT] = MAILSLOT_WORDCOUNT;
    put16le(p + SMB_TOTAL_DATA, (uint16_t)msg->data_len);
    /* MaxParameterCount, MaxDataCount, MaxSetupCount, Flags, Timeout,
     * ParameterCount and ParameterOffset: 0 (no reply, no parameters). */
    put16le(p + SMB_DATA_COUNT, (uint16_t)msg->data_len);
    put16le(p + SMB_DATA_OFFSET, data_off);
    p[SMB_SETUP_COUNT] = MAILSLOT_SETUP_COUNT;
    put16le(p + SMB_SETUP, TRANS_MAILSLOT_WRITE);
    put16le(p + SMB_SETUP + 2, msg->priority);
    put16le(p + SMB_SETUP + 4, msg->mailslot_class);
    put16le(p + SMB_BYTE_COUNT, (uint16_t)(smb_len - SMB_BYTES));
    /* The name as given but for its prefix, which receivers match in
     * capitals; then its terminator and the data, with no padding. */
    memcpy(p + SMB_BYTES, WIPC_NBMS_PREFIX, sizeof WIPC_NBMS_PREFIX - 1);
    memcpy(p + SMB_BYTES + sizeof WIPC_NBMS_PREFIX - 1,
           msg->slot + sizeof WIPC_NBMS_PREFIX - 1,
           slot_len - (sizeof WIPC_NBMS_PREFIX - 1));
    p[SMB_BYTES + slot_len] = '\0';
    if (msg->data_len)
        memcpy(p + data_off, msg->data, msg->data_len);
}

DWORD wipc_nbms_encode(const struct wipc_nbms_msg *msg, uint8_t *buf,
                       size_t cap, size_t *len)
{
    size_t slot_len = nb_strnlen(msg->slot, sizeof msg->slot);
    size_t smb_len = SMB_BYTES + slot_len + 1 + msg->data_len;
    size_t total = WIPC_NB_HEADER_LEN + smb_len;

    if (slot_len > WIPC_NBMS_SLOT_MAX || !nb_has_prefix(msg->slot, slot_len) ||
        memchr(msg->slot, '\0', slot_len) || msg->data_len > 0xFFFF ||
        total - NB_FIXED_LEN > 0xFFFF)
        return ERROR_INVALID_PARAMETER;
    if (cap < total)
        return ERROR_INSUFFICIENT_BUFFER;
    buf[0] = msg->msg_type;
    buf[1] = msg->flags;
    put16be(buf + 2, msg->dgm_id);
    put32be(buf + 4, msg->source_ip);
    put16be(buf + 8, msg->source_port);
    /* DGM_LENGTH: the two names and the user data. */
    put16be(buf + 10, (uint16_t)(total - NB_FIXED_LEN));
    put16be(buf + 12, 0); /* PACKET_OFFSET: one whole datagram */
    wipc_nb_name_encode(&msg->source, buf + NB_FIXED_LEN);
    wipc_nb_name_encode(&msg->dest, buf + NB_FIXED_LEN + 34);
    nbms_put_smb(msg, slot_len, buf + WIPC_NB_HEADER_LEN, smb_len);
    *len = total;
    return 0;
}

/* Parses the SMB part (p, len bytes) into msg's slot and data. */
static DWORD nbms_parse_smb(const uint8_t *p, size_t len,
                            struct wipc_nbms_msg *msg)
{
    size_t bytes_end, name_len, data_off, data_len;
    const uint8_t *nul;

    if (len < SMB_BYTES || memcmp(p, "\xFFSMB", 4) != 0 ||
        p[SMB_COMMAND] != SMB_COM_TRANSACTION ||
        (get16le(p + SMB_FLAGS2) & SMB_FLAGS2_UNICODE) ||
        p[SMB_WORDCOUNT] != MAILSLOT_WORDCOUNT ||
        p[SMB_SETUP_COUNT] != MAILSLOT_SETUP_COUNT ||
        get16le(p + SMB_SETUP) != TRANS_MAILSLOT_WRITE)
        return ERROR_INVALID_DATA;
    /* A mailslot write has no parameters and comes whole. */
    if (get16le(p + SMB_TOTAL_PARAM) || get16le(p + SMB_PARAM_COUNT) ||
        get16le(p + SMB_TOTAL_DATA) != get16le(p + SMB_DATA_COUNT))
        return ERROR_INVALID_DATA;
    bytes_end = SMB_BYTES + (size_t)get16le(p + SMB_BYTE_COUNT);
    if (bytes_end > len)
        return ERROR_INVALID_DATA;
    nul = memchr(p + SMB_BYTES, '\0', bytes_end - SMB_BYTES);
    if (!nul)
        return ERROR_INVALID_DATA;
    name_len = (size_t)(nul - (p + SMB_BYTES));
    if (name_len > WIPC_NBMS_SLOT_MAX ||
        !nb_has_prefix((const char *)p + SMB_BYTES, name_len) ||
        name_len == sizeof WIPC_NBMS_PREFIX - 1)
        return ERROR_INVALID_DATA;
    /* The data lies after the name, within the bytes ByteCount gives. */
    data_off = get16le(p + SMB_DATA_OFFSET);
    data_len = get16le(p + SMB_DATA_COUNT);
    if (data_off < SMB_BYTES + name_len + 1 || data_off > bytes_end ||
        data_len > bytes_end - data_off)
        return ERROR_INVALID_DATA;
    memcpy(msg->slot, p + SMB_BYTES, name_len);
    msg->slot[name_len] = '\0';
    msg->priority = get16le(p + SMB_SETUP + 2);
    msg->mailslot_class = get16le(p + SMB_SETUP + 4);
    msg->data = p + data_off;
    msg->data_len = data_len;
    return 0;
}

DWORD wipc_nbms_decode(const uint8_t *buf, size_t len,
                       struct wipc_nbms_msg *msg)
{
    size_t end, used, off = NB_FIXED_LEN;

    memset(msg, 0, sizeof *msg);
    if (len < WIPC_NB_HEADER_LEN)
        return ERROR_INVALID_DATA;
    msg->msg_type = buf[0];
    msg->flags = buf[1];
    if (msg->msg_type < WIPC_NB_DIRECT_UNIQUE ||
        msg->msg_type > WIPC_NB_BROADCAST)
        return ERROR_INVALID_DATA;
    /* Fragments are not reassembled: Windows never splits a mailslot
     * write, whose size is limited to fit one datagram. */
    if ((msg->flags & NB_FLAG_MORE) || !(msg->flags & NB_FLAG_FIRST) ||
        get16be(buf + 12) != 0)
        return ERROR_INVALID_DATA;
    msg->dgm_id = get16be(buf + 2);
    msg->source_ip = get32be(buf + 4);
    msg->source_port = get16be(buf + 8);
    end = NB_FIXED_LEN + (size_t)get16be(buf + 10);
    if (end > len || end < WIPC_NB_HEADER_LEN)
        return ERROR_INVALID_DATA;
    if (wipc_nb_name_decode(buf + off, end - off, &msg->source, &used))
        return ERROR_INVALID_DATA;
    off += used;
    if (wipc_nb_name_decode(buf + off, end - off, &msg->dest, &used))
        return ERROR_INVALID_DATA;
    off += used;
    if (nbms_parse_smb(buf + off, end - off, msg)) {
        msg->data = NULL;
        msg->data_len = 0;
        return ERROR_INVALID_DATA;
    }
    return 0;
}
