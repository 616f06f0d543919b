/*
 * fuzz_smb_npa.c: libFuzzer target for the decoder of Samba's named pipe
 * auth handshake (src/core/smb_npa.c), and its corpus replay (replay_main.c
 * over tests/remote/vectors).  The property: decoding never reads outside
 * the input, and what it accepts has NUL-terminated strings, a known level
 * and no session fields without a session.
 *
 *   build/tests/fuzz/fuzz_smb_npa -max_total_time=600 NEW tests/remote/vectors
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/smb_npa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void npa_check_str(const char *s)
{
    if (memchr(s, 0, WIPC_NPA_STR_MAX) == NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wipc_npa_req r;
    for (unsigned hints = 0; hints < 2; hints++) {
        if (wipc_npa_decode_req(data, size, hints, &r) != 0)
            continue;
        if (r.level != 5 && r.level != 7 && r.level != 8)
            abort();
        npa_check_str(r.remote_client_name);
        npa_check_str(r.remote_client_addr);
        npa_check_str(r.local_server_name);
        npa_check_str(r.local_server_addr);
        npa_check_str(r.user_sid);
        npa_check_str(r.account_name);
        npa_check_str(r.domain_name);
        npa_check_str(r.unix_name);
        if (!r.has_session && (r.has_unix_token || r.authenticated ||
                               r.anonymous || r.num_sids))
            abort();
    }
    return 0;
}
