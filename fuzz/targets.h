/* The fuzzed entry points, shared by the libFuzzer targets (fuzz_*.c) and by the replay test
 * (replay.c), so that CI runs every corpus file through exactly the code that was fuzzed. */
#ifndef NB_FUZZ_TARGETS_H
#define NB_FUZZ_TARGETS_H

#include "nianbao.h"
#include <stddef.h>
#include <stdint.h>

/* Each takes one input and returns 0; a crash, a sanitizer report or a leak is the finding.
 * `engine` is created once per process (nb_fuzz_engine) and shared by every input. */
int nb_fuzz_report(nb_engine *engine, const uint8_t *data, size_t size);
int nb_fuzz_layout(const uint8_t *data, size_t size);
int nb_fuzz_render(nb_engine *engine, const uint8_t *data, size_t size);
/* The plain-text reader and the recognizer: text → document → report description → the
 * report loaded and checked in memory. Aborts if the recognizer writes a description that is
 * not valid YAML (it writes every scalar itself, so that would be its bug). */
int nb_fuzz_import_text(nb_engine *engine, const uint8_t *data, size_t size);
/* The CFF subsetter (cff.c) on a bare CFF program: its first 40 glyphs, twice through a store
 * of flattened glyphs; what it accepts must read back with as many glyphs and the same CIDs
 * (else it aborts). */
int nb_fuzz_cff(const uint8_t *data, size_t size);
/* The seal decoder alone (PNG or JPEG bytes to samples). */
int nb_fuzz_seal(const uint8_t *data, size_t size);
/* The file-access policy: the input's first byte chooses whether the folder allowed/ is
 * allowed, the rest is a path as a report would write it, opened from report/ in a fixed tree
 * (NB_FUZZ_ACCESS_TREE) of files, sub-folders, links in and out, a loop and a FIFO. A file
 * opened that is not a regular file of report/ (or of allowed/ when allowed) aborts. */
int nb_fuzz_access(const uint8_t *data, size_t size);
#define NB_FUZZ_ACCESS_TREE "/tmp/nb-fuzz-access"

/* The import source readers (src/import.h): one file in, its document freed. */
int nb_fuzz_import_html(const uint8_t *data, size_t size);
int nb_fuzz_import_docx(const uint8_t *data, size_t size);
int nb_fuzz_import_pdf(const uint8_t *data, size_t size);

/* The engine of the source tree's fonts and layouts (NB_SOURCE_DATADIR), or aborts. The caller
 * owns it. */
nb_engine *nb_fuzz_engine(void);

#endif
