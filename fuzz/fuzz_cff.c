/* libFuzzer target: nb_fuzz_cff (targets.c), the CFF subsetter. See fuzz/README.md. */
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return nb_fuzz_cff(data, size);
}
