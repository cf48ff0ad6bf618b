/* libFuzzer target: nb_fuzz_import_pdf (targets.c), the PDF reader. See fuzz/README.md. */
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return nb_fuzz_import_pdf(data, size);
}
