/* Helpers the HTML, .docx and PDF readers share to build an nb_import_doc: appending blocks,
 * rows and cells within the documented limits, and cleaning up text as sources spell it. */
#ifndef NB_IMPORT_BUILD_H
#define NB_IMPORT_BUILD_H

#include "import.h"
#include "util.h"

/* Limits on what one imported document may hold (docs/import-sources.md). A source beyond them
 * is refused rather than half-read. */
#define NB_IMPORT_MAX_BLOCKS 20000
#define NB_IMPORT_MAX_CELLS 100000
#define NB_IMPORT_MAX_COLSPAN 1000

/* Appends a zeroed block of `kind` at source position line:col; NULL when the document already
 * holds NB_IMPORT_MAX_BLOCKS blocks. */
nb_import_block *nb_import_add_block(nb_import_doc *doc, nb_import_kind kind, int line, int col);

/* Appends an empty row to a table block. */
nb_import_row *nb_import_add_row(nb_import_block *table);

/* Appends a cell (text is copied, cleaned with nb_import_clean) to a row; spans below 1 become
 * 1. `*cells` counts the document's cells: NULL when it reaches NB_IMPORT_MAX_CELLS. */
nb_import_cell *nb_import_add_cell(nb_import_row *row, const char *text, size_t len, int rowspan,
                                   int colspan, int line, int col, size_t *cells);

/* Text as a source spells it, cleaned for the recognizer: runs of white space (ASCII, no-break
 * and ideographic spaces, line breaks, tabs) become one space; a space beside a CJK character
 * or full-width mark is dropped (a line break inside Chinese text is no word gap); leading and
 * trailing space is trimmed; invalid UTF-8 bytes are dropped and control characters removed.
 * Returns an owned string. */
char *nb_import_clean(const char *s, size_t len);

/* 1 when cp is a CJK ideograph, kana, CJK or full-width punctuation or a general-punctuation
 * mark that Chinese text uses (quotes, dashes, ellipsis). */
int nb_import_is_cjk(uint32_t cp);

/* Drops trailing empty paragraphs and table rows without cells; used before returning. */
void nb_import_finish(nb_import_doc *doc);

#endif
