/* libFuzzer target: nb_fuzz_import_text (targets.c), the plain-text reader and the recognizer.
 * See fuzz/README.md. */
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static nb_engine *engine; /* one per fuzzing process: fonts take a while to set up */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    engine = nb_fuzz_engine();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return nb_fuzz_import_text(engine, data, size);
}
