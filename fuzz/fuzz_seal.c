/* libFuzzer target: nb_fuzz_seal (targets.c), the seal decoder. See fuzz/README.md. */
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return nb_fuzz_seal(data, size);
}
