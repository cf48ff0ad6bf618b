/* Building an nb_import_doc (import_build.h). */
#include "import_build.h"

#include <stdlib.h>
#include <string.h>

/* Arrays grow by doubling when their count reaches a power of two, so that no capacity has to
 * be stored beside the count that import.h defines. */
static void push_room(void *items_ptr, size_t count, size_t size)
{
    void **items = items_ptr;
    if (count == 0)
        *items = nb_realloc(*items, 4 * size);
    else if (count >= 4 && (count & (count - 1)) == 0)
        *items = nb_realloc(*items, 2 * count * size);
}

nb_import_block *nb_import_add_block(nb_import_doc *doc, nb_import_kind kind, int line, int col)
{
    if (doc->nblocks >= NB_IMPORT_MAX_BLOCKS)
        return NULL;
    push_room(&doc->blocks, doc->nblocks, sizeof *doc->blocks);
    nb_import_block *b = &doc->blocks[doc->nblocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->line = line;
    b->col = col;
    return b;
}

nb_import_row *nb_import_add_row(nb_import_block *table)
{
    push_room(&table->rows, table->nrows, sizeof *table->rows);
    nb_import_row *r = &table->rows[table->nrows++];
    memset(r, 0, sizeof *r);
    return r;
}

nb_import_cell *nb_import_add_cell(nb_import_row *row, const char *text, size_t len, int rowspan,
                                   int colspan, int line, int col, size_t *cells)
{
    if (*cells >= NB_IMPORT_MAX_CELLS)
        return NULL;
    ++*cells;
    push_room(&row->cells, row->ncells, sizeof *row->cells);
    nb_import_cell *c = &row->cells[row->ncells++];
    c->text = nb_import_clean(text, len);
    c->rowspan = rowspan < 1 ? 1 : rowspan;
    c->colspan = colspan < 1 ? 1 : colspan > NB_IMPORT_MAX_COLSPAN ? NB_IMPORT_MAX_COLSPAN : colspan;
    c->line = line;
    c->col = col;
    return c;
}

int nb_import_is_cjk(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) ||   /* radicals, CJK marks, kana, ideographs */
           (cp >= 0xF900 && cp <= 0xFAFF) ||   /* compatibility ideographs */
           (cp >= 0xFE30 && cp <= 0xFE4F) ||   /* compatibility forms */
           (cp >= 0xFF00 && cp <= 0xFFEF) ||   /* full-width forms */
           (cp >= 0x2010 && cp <= 0x2027) ||   /* dashes, quotes, ellipsis */
           (cp >= 0x20000 && cp <= 0x3FFFF);   /* extensions B and beyond */
}

static int is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
           cp == 0xA0 || cp == 0x3000 || cp == 0x2002 || cp == 0x2003 || cp == 0x2009 ||
           cp == 0x200B || cp == 0xFEFF;
}

char *nb_import_clean(const char *s, size_t len)
{
    nb_buf out = {0};
    int pending_space = 0;  /* a white-space run seen since the last character written */
    uint32_t last = 0;      /* the last character written, 0 at the start */
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = nb_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            i++;
            continue;
        }
        i += n;
        if (is_space(cp)) {
            pending_space = 1;
            continue;
        }
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            continue;
        if (pending_space && last && !nb_import_is_cjk(last) && !nb_import_is_cjk(cp))
            nb_buf_put(&out, " ", 1);
        pending_space = 0;
        if (cp == 0x2212) /* the minus sign of a typeset number (nianbao's own PDFs set it) */
            nb_buf_put(&out, "-", 1);
        else
            nb_buf_put(&out, s + i - n, n);
        last = cp;
    }
    if (!out.data)
        return nb_strdup("");
    return (char *)out.data;
}

void nb_import_finish(nb_import_doc *doc)
{
    while (doc->nblocks) {
        nb_import_block *b = &doc->blocks[doc->nblocks - 1];
        int empty = b->kind == NB_IMPORT_PARAGRAPH ? !b->text || !*b->text : b->nrows == 0;
        if (!empty)
            break;
        free(b->text);
        free(b->rows);
        doc->nblocks--;
    }
}
