/*
 * nbms_fuzz_one.h: the property every input of the mailslot datagram
 * decoder must keep, shared by the libFuzzer target, the corpus replay and
 * test_mailslot_net: decoding never reads outside the input, what it
 * accepts points into the input, and what it accepts encodes again into a
 * datagram that decodes to the same message.
 */
#ifndef NBMS_FUZZ_ONE_H
#define NBMS_FUZZ_ONE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/netbios_mailslot.h"

#ifndef NBMS_FUZZ_FAIL
#define NBMS_FUZZ_FAIL(what) abort()
#endif

static int nbms_same_name(const struct wipc_nb_name *a,
                          const struct wipc_nb_name *b)
{
    return a->suffix == b->suffix && strcmp(a->name, b->name) == 0;
}

/* 1 if the input was accepted by the decoder. */
static int nbms_fuzz_one(const uint8_t *data, size_t size)
{
    struct wipc_nbms_msg m, m2;
    uint8_t out[WIPC_NBMS_DGRAM_MAX];
    size_t n, plen = sizeof WIPC_NBMS_PREFIX - 1;

    if (wipc_nbms_decode(data, size, &m) != 0)
        return 0;
    if (m.data_len && (m.data < data || m.data > data + size ||
                       m.data_len > (size_t)(data + size - m.data)))
        NBMS_FUZZ_FAIL("data outside the input");
    if (strlen(m.slot) > WIPC_NBMS_SLOT_MAX || strlen(m.slot) <= plen)
        NBMS_FUZZ_FAIL("slot name length");
    if (wipc_nbms_encode(&m, out, sizeof out, &n) != 0)
        return 1; /* larger than anything we send: fine to accept */
    if (wipc_nbms_decode(out, n, &m2) != 0)
        NBMS_FUZZ_FAIL("re-encoded datagram refused");
    /* The prefix is written in capitals; the rest comes back as it was. */
    if (m2.msg_type != m.msg_type || m2.flags != m.flags ||
        m2.dgm_id != m.dgm_id || m2.source_ip != m.source_ip ||
        m2.source_port != m.source_port ||
        !nbms_same_name(&m2.source, &m.source) ||
        !nbms_same_name(&m2.dest, &m.dest) || m2.priority != m.priority ||
        m2.mailslot_class != m.mailslot_class ||
        strcmp(m2.slot + plen, m.slot + plen) != 0 ||
        memcmp(m2.slot, WIPC_NBMS_PREFIX, plen) != 0 ||
        m2.data_len != m.data_len ||
        (m.data_len && memcmp(m2.data, m.data, m.data_len) != 0))
        NBMS_FUZZ_FAIL("round trip changed the message");
    return 1;
}

#endif /* NBMS_FUZZ_ONE_H */
