/* The plain-text reader: text as portals and scrapers give a published report. One line is one
 * paragraph; a line holding a tab is a table row (tab-separated cells, an empty cell where the
 * original had a merged cell); consecutive rows form one table. Blank lines separate, nothing
 * else is inferred here: the recognizer (import.c) decides what each paragraph is. */
#include "import.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Limits, refused with an error before memory or time run out (a report is some 200 lines). */
#define TEXT_MAX_INPUT ((size_t)8 << 20)
#define TEXT_MAX_BLOCKS 20000
#define TEXT_MAX_LINE ((size_t)64 << 10)
#define TEXT_MAX_CELLS 64
#define TEXT_MAX_ROWS 1000

typedef struct text_reader {
    const char *name;
    nb_import_doc *doc;
    nb_diags *diags;
    size_t cap_blocks;
    size_t cap_rows;   /* of the open table */
    int in_table;      /* the last block is a table still taking rows */
} text_reader;

static int is_blank_cp(uint32_t c)
{
    return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0 || c == 0xFEFF;
}

/* Trims blanks (ASCII, ideographic and no-break spaces) from both ends of s[0..*n); returns the
 * new start and sets *lead to the number of characters skipped. */
static const char *trim(const char *s, size_t *n, int *lead)
{
    size_t i = 0, end = *n;
    *lead = 0;
    while (i < end) {
        uint32_t c;
        size_t len = nb_utf8_decode(s + i, end - i, &c);
        if (!len || !is_blank_cp(c))
            break;
        i += len;
        (*lead)++;
    }
    while (end > i) {
        size_t k = end - 1;
        while (k > i && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
        uint32_t c;
        size_t len = nb_utf8_decode(s + k, end - k, &c);
        if (!len || !is_blank_cp(c))
            break;
        end = k;
    }
    *n = end - i;
    return s + i;
}

static nb_import_block *new_block(text_reader *R)
{
    nb_grow(&R->doc->blocks, &R->cap_blocks, R->doc->nblocks + 1, sizeof *R->doc->blocks);
    nb_import_block *b = &R->doc->blocks[R->doc->nblocks++];
    memset(b, 0, sizeof *b);
    return b;
}

/* Characters of s[0..n) (valid UTF-8). */
static int count_chars(const char *s, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static int add_row(text_reader *R, const char *s, size_t n, int line)
{
    size_t ncells = 1;
    for (size_t i = 0; i < n; i++)
        ncells += s[i] == '\t';
    if (ncells > TEXT_MAX_CELLS) {
        nb_diag_add(R->diags, NB_ERROR, (nb_pos){R->name, line, 1},
                    "a table row has %zu cells; at most %d are read", ncells, TEXT_MAX_CELLS);
        return 0;
    }
    if (!R->in_table) {
        nb_import_block *b = new_block(R);
        b->kind = NB_IMPORT_TABLE;
        b->line = line;
        b->col = 1;
        R->cap_rows = 0;
        R->in_table = 1;
    }
    nb_import_block *b = &R->doc->blocks[R->doc->nblocks - 1];
    if (b->nrows >= TEXT_MAX_ROWS) {
        nb_diag_add(R->diags, NB_ERROR, (nb_pos){R->name, line, 1},
                    "a table has more than %d rows", TEXT_MAX_ROWS);
        return 0;
    }
    nb_grow(&b->rows, &R->cap_rows, b->nrows + 1, sizeof *b->rows);
    nb_import_row *row = &b->rows[b->nrows++];
    row->cells = nb_calloc(ncells, sizeof *row->cells);
    row->ncells = ncells;
    size_t start = 0;
    int col = 1;
    for (size_t c = 0; c < ncells; c++) {
        size_t end = start;
        while (end < n && s[end] != '\t')
            end++;
        size_t len = end - start;
        int lead;
        const char *t = trim(s + start, &len, &lead);
        nb_import_cell *cell = &row->cells[c];
        cell->text = nb_strndup(t, len);
        cell->rowspan = cell->colspan = 1;
        cell->line = line;
        cell->col = col + lead;
        col += count_chars(s + start, end - start) + 1;
        start = end + 1;
    }
    return 1;
}

int nb_import_read_text(const char *name, const char *data, size_t size, nb_import_doc *doc,
                        nb_diags *diags)
{
    memset(doc, 0, sizeof *doc);
    doc->file = nb_strdup(name ? name : "<text>");
    text_reader R = {.name = doc->file, .doc = doc, .diags = diags};
    nb_pos at = {doc->file, 1, 1};
    if (size > TEXT_MAX_INPUT) {
        nb_diag_add(diags, NB_ERROR, (nb_pos){doc->file, 0, 0},
                    "the text is %zu bytes; at most %zu (8 MiB) are read", size, TEXT_MAX_INPUT);
        goto fail;
    }
    if (size >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        data += 3, size -= 3;
    size_t i = 0;
    int line = 1;
    while (i < size) {
        size_t end = i;
        while (end < size && data[end] != '\n' && data[end] != '\r')
            end++;
        size_t n = end - i;
        at = (nb_pos){doc->file, line, 1};
        if (n > TEXT_MAX_LINE) {
            nb_diag_add(diags, NB_ERROR, at, "a line of %zu bytes; at most %zu are read", n,
                        TEXT_MAX_LINE);
            goto fail;
        }
        /* Valid UTF-8 without control characters but the tab. */
        int col = 1;
        for (size_t k = i; k < end;) {
            uint32_t c;
            size_t len = nb_utf8_decode(data + k, end - k, &c);
            if (!len) {
                nb_diag_add(diags, NB_ERROR, (nb_pos){doc->file, line, col},
                            "invalid UTF-8 (byte 0x%02X); the text must be UTF-8 (convert a "
                            "GBK file with iconv -f GB18030 -t UTF-8)",
                            (unsigned char)data[k]);
                goto fail;
            }
            if ((c < 0x20 && c != '\t') || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
                nb_diag_add(diags, NB_ERROR, (nb_pos){doc->file, line, col},
                            "control character U+%04X; this is not a text file", (unsigned)c);
                goto fail;
            }
            k += len;
            col++;
        }
        int lead;
        size_t tn = n;
        const char *t = trim(data + i, &tn, &lead);
        if (tn == 0) {
            R.in_table = 0; /* a blank line ends a table */
        } else if (memchr(data + i, '\t', n)) {
            if (!add_row(&R, data + i, n, line))
                goto fail;
        } else {
            if (R.doc->nblocks >= TEXT_MAX_BLOCKS) {
                nb_diag_add(diags, NB_ERROR, at, "more than %d paragraphs", TEXT_MAX_BLOCKS);
                goto fail;
            }
            R.in_table = 0;
            nb_import_block *b = new_block(&R);
            b->kind = NB_IMPORT_PARAGRAPH;
            b->text = nb_strndup(t, tn);
            b->line = line;
            b->col = 1 + lead;
        }
        if (end < size && data[end] == '\r' && end + 1 < size && data[end + 1] == '\n')
            end++;
        i = end + 1;
        line++;
    }
    if (doc->nblocks == 0) {
        nb_diag_add(diags, NB_ERROR, (nb_pos){doc->file, 1, 1}, "the text is empty");
        goto fail;
    }
    return NB_OK;
fail:
    nb_import_doc_clear(doc);
    return NB_EINPUT;
}
