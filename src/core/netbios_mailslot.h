/*
 * netbios_mailslot.h: the wire format of mailslot messages between
 * machines, with no I/O (so it can be tested and fuzzed on its own).
 *
 * A mailslot write to another machine ([MS-MAIL] Remote Mailslot Protocol)
 * is one UDP datagram to port 138 holding, in this order:
 *
 *   NetBIOS datagram header      [RFC 1002] 4.4.1, big-endian:
 *     MSG_TYPE 0x10 DIRECT_UNIQUE / 0x11 DIRECT_GROUP / 0x12 BROADCAST,
 *     FLAGS (first fragment, node type), DGM_ID, SOURCE_IP, SOURCE_PORT,
 *     DGM_LENGTH, PACKET_OFFSET, then SOURCE_NAME and DESTINATION_NAME,
 *     each a NetBIOS name in first-level encoding ([RFC 1001] 14.1: 16
 *     bytes, 15 characters padded with spaces and a suffix byte, each
 *     byte as two letters 'A' + nibble, in a length-prefixed label).
 *   SMB header                   [MS-CIFS] 2.2.3.1, little-endian:
 *     "\xFFSMB", command 0x25 SMB_COM_TRANSACTION.
 *   SMB_COM_TRANSACTION request  [MS-CIFS] 2.2.4.33.1 with [MS-MAIL]
 *     2.2.1's values: WordCount 17, three setup words (opcode 1 =
 *     TRANS_MAILSLOT_WRITE, priority, class 2 = unreliable), the
 *     transaction name "\MAILSLOT\NAME" and the message as Trans_Data.
 *
 * The decoder checks every length and offset against the datagram and
 * says ERROR_INVALID_DATA for anything it does not fully understand.
 */
#ifndef WIPC_NETBIOS_MAILSLOT_H
#define WIPC_NETBIOS_MAILSLOT_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

/* NetBIOS datagram message types ([RFC 1002] 4.4.1). */
#define WIPC_NB_DIRECT_UNIQUE 0x10
#define WIPC_NB_DIRECT_GROUP 0x11
#define WIPC_NB_BROADCAST 0x12

/* NetBIOS name suffixes (the 16th byte) that mailslots meet. */
#define WIPC_NB_SUFFIX_WORKSTATION 0x00    /* computer<00>, domain<00> */
#define WIPC_NB_SUFFIX_MASTER_BROWSER 0x1D /* domain<1D> */
#define WIPC_NB_SUFFIX_ELECTION 0x1E       /* domain<1E> */

/* A NetBIOS name: at most 15 characters. */
#define WIPC_NB_NAME_MAX 15

/* The largest message Windows sends to another machine ("About
 * Mailslots": "cannot be larger than 424 bytes when sent between
 * computers"). */
#define WIPC_NBMS_MAX_REMOTE_MSG 424

/* The transaction name's prefix and the longest name ("\MAILSLOT\" and
 * up to 256 more characters, as local names). */
#define WIPC_NBMS_PREFIX "\\MAILSLOT\\"
#define WIPC_NBMS_SLOT_MAX (10 + 256)

/* Large enough for any datagram this encoder makes. */
#define WIPC_NBMS_DGRAM_MAX 1024

/* NetBIOS names have no bytes beyond the header's 82 and the SMB's
 * 69 (32 + 1 + 34 + 2) but the transaction name and the message. */
#define WIPC_NB_HEADER_LEN 82
#define WIPC_SMB_TRANS_FIXED_LEN 69

struct wipc_nb_name {
    char name[WIPC_NB_NAME_MAX + 1]; /* trailing spaces removed */
    uint8_t suffix;
};

struct wipc_nbms_msg {
    uint8_t msg_type; /* WIPC_NB_DIRECT_UNIQUE, _GROUP or _BROADCAST */
    uint8_t flags;    /* 0x02: first (and only) fragment from a B node */
    uint16_t dgm_id;
    uint32_t source_ip; /* host byte order */
    uint16_t source_port;
    struct wipc_nb_name source, dest;
    uint16_t priority, mailslot_class;
    /* "\MAILSLOT\NAME" without a terminator. */
    char slot[WIPC_NBMS_SLOT_MAX + 1];
    /* The message: into the datagram given to the decoder, or what the
     * encoder copies. */
    const uint8_t *data;
    size_t data_len;
};

/*
 * Checks and normalises a NetBIOS name given as text: 1 to 15 bytes,
 * none of them a control character, a space, '.', or one of \/:*?"<>|,
 * folded to upper case into out.  ERROR_INVALID_NAME otherwise.
 */
DWORD wipc_nb_name_normalize(const char *text, size_t len,
                             char out[WIPC_NB_NAME_MAX + 1]);

/* Writes name (padded with spaces) and suffix in first-level encoding,
 * with its length byte and the empty scope's terminator: 34 bytes. */
void wipc_nb_name_encode(const struct wipc_nb_name *name, uint8_t out[34]);

/*
 * Reads an encoded name at p (avail bytes there): *used is its size.
 * Only the empty scope is accepted (a name from another NetBIOS scope is
 * not for us).  ERROR_INVALID_DATA if malformed.
 */
DWORD wipc_nb_name_decode(const uint8_t *p, size_t avail,
                          struct wipc_nb_name *out, size_t *used);

/*
 * Builds the datagram for msg into buf (cap bytes): *len is its size.
 * ERROR_INVALID_PARAMETER if msg->slot does not start with "\MAILSLOT\"
 * (in any case) or a field does not fit its wire field,
 * ERROR_INSUFFICIENT_BUFFER if cap is too small.
 */
DWORD wipc_nbms_encode(const struct wipc_nbms_msg *msg, uint8_t *buf,
                       size_t cap, size_t *len);

/*
 * Parses a received datagram.  On success msg->data points into buf.
 * ERROR_INVALID_DATA for anything that is not one whole, well-formed
 * mailslot write (fragments, other SMB commands, Unicode names, counts or
 * offsets outside the datagram...).
 */
DWORD wipc_nbms_decode(const uint8_t *buf, size_t len,
                       struct wipc_nbms_msg *msg);

#endif /* WIPC_NETBIOS_MAILSLOT_H */
