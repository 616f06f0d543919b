/*
 * fuzz_mailslot_net.c: libFuzzer target for the mailslot datagram decoder
 * (src/core/netbios_mailslot.c).  Built by tests/fuzz/CMakeLists.txt with
 * clang when clang is there:
 *
 *   build/tests/fuzz/fuzz_mailslot_net tests/fuzz/corpus
 */
#include "nbms_fuzz_one.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nbms_fuzz_one(data, size);
    return 0;
}
