/* The imported document model shared by every source reader (import.h). */
#include "import.h"

#include <stdlib.h>
#include <string.h>

void nb_import_doc_clear(nb_import_doc *doc)
{
    for (size_t b = 0; b < doc->nblocks; b++) {
        nb_import_block *blk = &doc->blocks[b];
        free(blk->text);
        for (size_t r = 0; r < blk->nrows; r++) {
            for (size_t c = 0; c < blk->rows[r].ncells; c++)
                free(blk->rows[r].cells[c].text);
            free(blk->rows[r].cells);
        }
        free(blk->rows);
    }
    free(doc->blocks);
    free(doc->file);
    memset(doc, 0, sizeof *doc);
}
